"""The systemd units of packaging/: residns.service (Type=notify, reload, sandboxing) and
residns.socket (port 53 over UDP and TCP) pass `systemd-analyze verify` without a single message
once configured the way cmake/Install.cmake configures them (ExecStart pointing at the built
binary, which verify requires to exist), and `cmake --install` installs both."""

import os
import pathlib
import re
import shutil
import subprocess

import pytest

from residns_daemon import REPO_ROOT, binary_path

PACKAGING = REPO_ROOT / "packaging"


def configure(template: pathlib.Path, values: dict) -> str:
    """configure_file(... @ONLY): @VAR@ replaced; every variable must be known."""
    text = template.read_text()
    for name, value in values.items():
        text = text.replace(f"@{name}@", value)
    left = re.findall(r"@[A-Z_]+@", text)
    assert not left, f"{template.name}: unconfigured {left}"
    return text


def unit_keys(text: str) -> dict:
    keys: dict = {}
    for line in text.splitlines():
        if "=" in line and not line.startswith("#"):
            k, v = line.split("=", 1)
            keys.setdefault(k, []).append(v)
    return keys


@pytest.fixture
def units(tmp_path, residns_binary) -> pathlib.Path:
    """The units as Install.cmake makes them, in a directory of their own, with the man pages
    they document themselves with on MANPATH."""
    out = tmp_path / "units"
    out.mkdir()
    (out / "residns.service").write_text(configure(
        PACKAGING / "residns.service.in",
        {"CMAKE_INSTALL_FULL_SBINDIR": str(pathlib.Path(residns_binary).resolve().parent),
         "RESIDNS_CONF_DIR": str(tmp_path)}))
    shutil.copy(PACKAGING / "residns.socket", out / "residns.socket")
    for section, page in (("8", "residns.8"), ("5", "residns.yaml.5")):
        (tmp_path / "man" / f"man{section}").mkdir(parents=True, exist_ok=True)
        shutil.copy(PACKAGING / page, tmp_path / "man" / f"man{section}" / page)
    return out


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="needs systemd-analyze")
def test_systemd_analyze_verify_passes_on_the_service_and_the_socket(units, tmp_path):
    env = dict(os.environ, MANPATH=str(tmp_path / "man"), SYSTEMD_LOG_LEVEL="info")
    result = subprocess.run(["systemd-analyze", "verify", str(units / "residns.service"),
                             str(units / "residns.socket")],
                            capture_output=True, text=True, timeout=60, env=env)
    # verify only warns about bad values (exit 0): any message is a failure.
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout + result.stderr == ""


def test_the_service_is_type_notify_with_reload_and_sandboxing(units):
    keys = unit_keys((units / "residns.service").read_text())
    assert keys["Type"] == ["notify"]
    assert keys["NotifyAccess"] == ["main"]
    assert keys["ExecReload"] == ["/bin/kill -HUP $MAINPID"]
    assert keys["ExecStart"][0].startswith(str(binary_path().resolve().parent) + "/residns -c ")
    assert keys["CapabilityBoundingSet"] == ["CAP_NET_BIND_SERVICE"]
    assert keys["User"] == ["residns"]
    for hardening in ("ProtectSystem", "ProtectHome", "NoNewPrivileges", "PrivateTmp",
                      "SystemCallFilter", "RestrictAddressFamilies"):
        assert hardening in keys, hardening


def test_the_socket_listens_on_port_53_udp_and_tcp_for_the_service(units):
    keys = unit_keys((units / "residns.socket").read_text())
    assert {a.rsplit(":", 1)[1] for a in keys["ListenDatagram"]} == {"53"}
    assert {a.rsplit(":", 1)[1] for a in keys["ListenStream"]} == {"53"}
    assert keys["ListenDatagram"] == keys["ListenStream"]
    assert keys["Service"] == ["residns.service"]
    assert keys["WantedBy"] == ["sockets.target"]


def test_cmake_install_installs_both_units(tmp_path):
    build = binary_path().resolve().parent
    if not (build / "CMakeCache.txt").exists() or shutil.which("cmake") is None:
        pytest.skip("no CMake build directory next to the binary")
    root = tmp_path / "root"
    result = subprocess.run(["cmake", "--install", str(build), "--component", "Unspecified"],
                            capture_output=True, text=True, timeout=120,
                            env=dict(os.environ, DESTDIR=str(root)))
    assert result.returncode == 0, result.stdout + result.stderr
    services = list(root.rglob("systemd/system/residns.service"))
    sockets = list(root.rglob("systemd/system/residns.socket"))
    assert len(services) == 1 and len(sockets) == 1, sorted(str(p) for p in root.rglob("*"))
    assert sockets[0].read_text() == (PACKAGING / "residns.socket").read_text()
    assert "Type=notify" in services[0].read_text()
