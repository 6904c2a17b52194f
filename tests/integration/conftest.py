"""Fixtures for the residns integration tests.

- `upstream`, `upstream2`: a started ScriptedUpstream on 127.0.0.1 (see scripted_upstream.py).
- `make_upstream(host="127.0.0.1", **kw)`: more scripted upstreams, stopped at teardown.
- `nsd`: a started NsdServer serving nsd.test. (see nsd_server.py).
- `residns_factory(upstreams=[...], ipv6=False, config_text=None, start=True, **config)`: a
  Residns (see residns_daemon.py) whose config is the defaults plus `config` (top-level keys);
  upstream objects in `upstreams` become their "host:port" strings.  Its stderr is printed when
  the test fails; it is stopped (SIGTERM, then SIGKILL) at teardown.
- `residns`: residns_factory(upstreams=[upstream]) already started.
- `residns_binary`: the path of the binary (RESIDNS_BINARY or build/residns).

Tests query with dnsclient (dnspython UDP/TCP, raw sockets, dig, kdig).
"""

from __future__ import annotations

import pathlib
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

from nsd_server import NsdServer  # noqa: E402
from residns_daemon import Residns, binary_path  # noqa: E402
from scripted_upstream import ScriptedUpstream  # noqa: E402


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def _failed(request) -> bool:
    return any(getattr(request.node, f"rep_{when}", None) is not None
               and getattr(request.node, f"rep_{when}").failed for when in ("setup", "call"))


@pytest.fixture(scope="session")
def residns_binary() -> pathlib.Path:
    path = binary_path()
    if not path.exists():
        pytest.fail(f"residns binary not found at {path}: build it or set RESIDNS_BINARY")
    return path


@pytest.fixture
def make_upstream(request):
    started: list[ScriptedUpstream] = []

    def make(host: str = "127.0.0.1", **kw) -> ScriptedUpstream:
        up = ScriptedUpstream(host, **kw).start()
        started.append(up)
        return up

    yield make
    for up in started:
        up.stop()
    if _failed(request):
        for up in started:
            print(f"\n===== queries received by upstream {up.address} =====")
            for q in up.queries:
                print(f"  {q!r}")


@pytest.fixture
def upstream(make_upstream) -> ScriptedUpstream:
    return make_upstream()


@pytest.fixture
def upstream2(make_upstream) -> ScriptedUpstream:
    return make_upstream()


@pytest.fixture
def nsd(tmp_path):
    server = NsdServer(tmp_path / "nsd").start()
    yield server
    server.stop()


def _addr(u) -> str:
    return u if isinstance(u, str) else u.address


@pytest.fixture
def residns_factory(request, tmp_path, residns_binary):
    daemons: list[Residns] = []

    def make(upstreams=None, *, ipv6: bool = False, config_text: str | None = None,
             port: int | None = None, start: bool = True, **config) -> Residns:
        if upstreams is not None:
            config["upstreams"] = [_addr(u) for u in upstreams]
        if "forward_zones" in config:
            config["forward_zones"] = [
                {"zone": fz["zone"], "upstreams": [_addr(u) for u in fz["upstreams"]]}
                for fz in config["forward_zones"]]
        workdir = tmp_path / f"residns{len(daemons)}"
        d = Residns(residns_binary, workdir, config=config, config_text=config_text,
                    ipv6=ipv6, port=port)
        daemons.append(d)
        if start:
            d.start()
        return d

    yield make
    for d in daemons:
        d.stop()
    if _failed(request):
        for d in daemons:
            print(f"\n===== residns stderr ({d.log_path}) =====")
            if d.config_path.exists():
                print(f"----- config {d.config_path} -----\n{d.config_path.read_text()}-----")
            print(d.log_text()[-20000:])


@pytest.fixture
def residns(residns_factory, upstream) -> Residns:
    return residns_factory(upstreams=[upstream])
