"""glibc's stub resolver as a client: residns on 127.0.0.1:53 as the only nameserver in
/etc/resolv.conf, inside a private mount+network namespace (`unshare -mn`) so that nothing on the
host is touched.  The scripted upstream runs in the namespace too (see netns_helper.py)."""

import json
import pathlib
import shutil
import subprocess
import sys

import pytest

HELPER = pathlib.Path(__file__).resolve().parent / "netns_helper.py"


def _unshare_problem():
    if shutil.which("unshare") is None:
        return "unshare(1) is not installed"
    try:
        p = subprocess.run(["unshare", "-mn", "sh", "-c",
                            "ip link set lo up && mount --bind /dev/null /dev/null"],
                           capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"unshare -mn failed: {e}"
    if p.returncode != 0:
        return f"unshare -mn is not permitted here: {p.stderr.strip()}"
    return None


@pytest.fixture(scope="module")
def netns_available():
    problem = _unshare_problem()
    if problem:
        pytest.skip(problem)


@pytest.fixture
def run_in_netns(request, tmp_path, residns_binary, netns_available):
    logs = []

    def run(records, commands, config=None, upstream=None, resolv_conf_options="", nxdomain=None,
            files=None):
        spec = {"binary": str(residns_binary), "workdir": str(tmp_path), "nxdomain": nxdomain or {},
                "upstream": upstream or {"host": "127.0.0.2", "port": 5300},
                "records": records, "commands": commands,
                "config": config if config is not None else {"upstreams": ["UPSTREAM"]},
                "resolv_conf_options": resolv_conf_options, "files": files or {}}
        spec_path = tmp_path / "netns-spec.json"
        spec_path.write_text(json.dumps(spec))
        p = subprocess.run(["unshare", "-mn", sys.executable, str(HELPER), str(spec_path)],
                           capture_output=True, text=True, timeout=120)
        logs.append(p.stderr)
        assert p.returncode == 0, f"helper failed: {p.stdout}\n{p.stderr}"
        out = json.loads(p.stdout.strip().splitlines()[-1])
        logs.append(json.dumps(out, indent=1))
        assert out["error"] is None, out["error"]
        return out

    yield run
    if getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed:
        print("\n===== netns helper =====")
        print("\n".join(logs))
        log = tmp_path / "residns" / "residns.stderr"
        if log.exists():
            print(f"===== residns stderr =====\n{log.read_text(errors='replace')[-20000:]}")


def addresses(getent_stdout: str) -> set[str]:
    return {line.split()[0] for line in getent_stdout.splitlines() if line.strip()}


RECORDS = {
    "name.example": {
        "A": ["name.example. 300 IN A 192.0.2.10", "name.example. 300 IN A 192.0.2.11"],
        "AAAA": ["name.example. 300 IN AAAA 2001:db8::10"],
    },
}


def test_glibc_getent_resolves_a_and_aaaa_through_residns(run_in_netns):
    out = run_in_netns(RECORDS, [["getent", "ahosts", "name.example"]],
                       resolv_conf_options="options timeout:2 attempts:2")

    [getent] = out["commands"]
    assert getent["returncode"] == 0, getent
    assert addresses(getent["stdout"]) == {"192.0.2.10", "192.0.2.11", "2001:db8::10"}, getent
    assert any(" A " in q or " AAAA " in q for q in out["upstream_queries"])


def test_glibc_single_request_reopen_and_edns0_options(run_in_netns):
    out = run_in_netns(RECORDS, [["getent", "ahosts", "name.example"]],
                       resolv_conf_options="options timeout:2 attempts:2 edns0 single-request-reopen")

    [getent] = out["commands"]
    assert getent["returncode"] == 0, getent
    assert addresses(getent["stdout"]) == {"192.0.2.10", "192.0.2.11", "2001:db8::10"}, getent


def test_glibc_retries_truncated_answer_over_tcp(run_in_netns):
    # 40 A records do not fit in 512 bytes (glibc sends no EDNS): TC=1, then the same over TCP.
    # ahosts, not ahostsv4: with only lo up, AI_ADDRCONFIG makes an AF_INET lookup fail at once.
    records = {"big.example": {"A": [f"big.example. 300 IN A 198.51.100.{i}" for i in range(1, 41)],
                               "AAAA": []}}
    out = run_in_netns(records, [["getent", "ahosts", "big.example"]],
                       resolv_conf_options="options timeout:2 attempts:2")

    [getent] = out["commands"]
    assert getent["returncode"] == 0, getent
    assert addresses(getent["stdout"]) == {f"198.51.100.{i}" for i in range(1, 41)}, getent


def test_glibc_gets_not_found_quickly_for_nxdomain(run_in_netns):
    soa = "example. 300 IN SOA ns.example. hostmaster.example. 1 7200 900 1209600 300"
    out = run_in_netns({}, [["getent", "ahosts", "nothere.example"]],
                       resolv_conf_options="options timeout:2 attempts:2", nxdomain={
                           "nothere.example": soa})

    [getent] = out["commands"]
    assert getent["returncode"] == 2, f"getent exit 2 means 'not found': {getent}"
    assert getent["seconds"] < 1.5, "NXDOMAIN is a final answer: no timeouts, no retries"


def test_upstreams_default_to_resolv_conf_nameservers_minus_own_address(run_in_netns, tmp_path):
    resolv = tmp_path / "upstream-resolv.conf"
    resolv.write_text("nameserver 127.0.0.1\nnameserver 127.0.0.2\n")
    out = run_in_netns(RECORDS, [["dig", "@127.0.0.1", "name.example", "A", "+tries=1",
                                  "+time=3", "+short"]],
                       config={"resolv_conf": str(resolv)},
                       upstream={"host": "127.0.0.2", "port": 53})

    [dig] = out["commands"]
    assert set(dig["stdout"].split()) == {"192.0.2.10", "192.0.2.11"}, dig
    assert dig["seconds"] < 1.0, "residns must not forward to itself (127.0.0.1:53) first"
    assert out["upstream_queries"], "the resolv.conf nameserver 127.0.0.2 was used"
