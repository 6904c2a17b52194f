"""The README's recipes 1 (the host's resolver) and 2 (a LAN's DNS server), run by copy and paste.

The code blocks marked `<!-- recipe1-install -->`, `<!-- recipe1-run -->`, `<!-- recipe2-... -->`
in README.md are taken literally and run as root in a sandbox (sandbox.py): a private copy of
/etc, /usr and /var, an empty /run, and a network of its own where the addresses the README uses
(192.168.1.1 for the router and the LAN server, 9.9.9.9, 192.0.2.53 for the forwarders, 10.0.0.53
for the corporate server) sit on `lo` and scripted upstreams answer on them. `systemctl` there
runs the installed unit's ExecStart as systemd would (fake_systemctl.py: as the unit's user, with
its ambient capability, waiting for READY=1); `sudo` runs its arguments.

The install step, recipe 1's third line (`adduser ... && cmake --install build`), is run
literally when the build directory was configured with the prefix /usr
(RESIDNS_INSTALL_BUILD=DIR names one; packaging/test-deb.sh passes its own). With
RESIDNS_DEB=FILE the package is installed instead, with `dpkg -i`. Otherwise (the test suite's own
build has the prefix /usr/local) the adduser part runs literally and the binary, the reference
configuration and the unit are put where `cmake --install` with the prefix /usr puts them.
"""

from __future__ import annotations

import json
import os
import pathlib
import re
import shlex

import pytest

import sandbox
from residns_daemon import REPO_ROOT, binary_path

README = REPO_ROOT / "README.md"
HERE = pathlib.Path(__file__).resolve().parent

pytestmark = pytest.mark.skipif(bool(sandbox.available()), reason=sandbox.available() or "ok")


def readme_block(marker: str) -> str:
    """The fenced code block that follows `<!-- marker ... -->` in README.md."""
    text = README.read_text()
    m = re.search(r"<!-- " + re.escape(marker) + r"[ :][^\n]*-->\n```[a-z]*\n(.*?)```", text, re.S)
    assert m is not None, f"README.md has no code block marked <!-- {marker} -->"
    return m.group(1)


def cmake_prefix(build: pathlib.Path) -> str:
    cache = build / "CMakeCache.txt"
    if not cache.exists():
        return ""
    m = re.search(r"^CMAKE_INSTALL_PREFIX:PATH=(.*)$", cache.read_text(), re.M)
    return m.group(1) if m else ""


def configured_unit() -> str:
    text = (REPO_ROOT / "packaging" / "residns.service.in").read_text()
    return (text.replace("@CMAKE_INSTALL_FULL_SBINDIR@", "/usr/sbin")
            .replace("@RESIDNS_CONF_DIR@", "/etc/residns"))


def install_script(workdir: pathlib.Path) -> str:
    """Shell lines that install residns in the sandbox, as recipe 1 (or the package) does."""
    deb = os.environ.get("RESIDNS_DEB")
    if deb:
        return f"dpkg -i {shlex.quote(deb)} >/dev/null\n"
    lines = [line for line in readme_block("recipe1-install").splitlines()
             if "cmake --install" in line]
    assert len(lines) == 1, "recipe1-install: no single line with `cmake --install`"
    adduser, install = (part.strip() for part in lines[0].split("&&"))
    assert adduser.startswith("sudo adduser ") and install.startswith("sudo cmake --install build")
    build = pathlib.Path(os.environ.get("RESIDNS_INSTALL_BUILD", binary_path().resolve().parent))
    if cmake_prefix(build) == "/usr":
        return f"{adduser}\n{install.replace(' build', ' ' + shlex.quote(str(build)), 1)} >/dev/null\n"
    unit = workdir / "residns.service"
    unit.write_text(configured_unit())
    return "\n".join([
        adduser,
        f"install -D -m 0755 {shlex.quote(str(binary_path().resolve()))} /usr/sbin/residns",
        f"install -D -m 0644 {REPO_ROOT / 'conf' / 'residns.yaml'} /etc/residns/residns.yaml",
        f"install -D -m 0644 {unit} /usr/lib/systemd/system/residns.service",
        ""])


def upstream_script(workdir: pathlib.Path, servers: dict) -> str:
    """Starts a scripted upstream on each "addr" of `servers` ({addr: {name: {TYPE: [rr]}}}),
    port 53; every query lands in WORKDIR/queries-ADDR.txt."""
    out = []
    for addr, records in servers.items():
        spec = workdir / f"upstream-{addr}.json"
        spec.write_text(json.dumps(records))
        fifo = workdir / f"ready-{addr}"
        out.append(f"/usr/bin/python3 {HERE / 'serve_scripted.py'} {addr} 53 {spec}"
                   f" {workdir / f'queries-{addr}.txt'} > {fifo} &")
        out.append(f"for i in $(seq 200); do grep -q ready {fifo} && break; sleep 0.05; done")
        out.append(f"grep -q ready {fifo} || {{ echo 'upstream {addr} did not start' >&2; exit 1; }}")
    return "\n".join(out) + "\n"


def queries(workdir: pathlib.Path, addr: str) -> list[str]:
    f = workdir / f"queries-{addr}.txt"
    return f.read_text().splitlines() if f.exists() else []


def report(result, workdir: pathlib.Path) -> str:
    log = ""
    for f in sorted(workdir.rglob("residns.service.log")):
        log += f"\n----- {f} -----\n" + f.read_text(errors="replace")
    return f"exit {result.returncode}\n--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}{log}"


@pytest.mark.skipif(not any(os.path.exists(p) for p in ("/usr/bin/systemctl", "/bin/systemctl")),
                    reason="`systemctl enable` needs the real systemctl (package systemd)")
def test_recipe1_host_resolver_by_copy_and_paste(tmp_path):
    """Install, give it upstreams, enable it, point /etc/resolv.conf at it: glibc resolves
    through it, and it runs as the unit's user."""
    servers = {a: {"debian.org.": {"A": ["debian.org. 300 IN A 198.51.100.80"],
                                   "AAAA": ["debian.org. 300 IN AAAA 2001:db8::80"]}}
               for a in ("192.168.1.1", "9.9.9.9")}
    script = (install_script(tmp_path) + upstream_script(tmp_path, servers)
              + "echo '== run'\n" + readme_block("recipe1-run")
              + "echo '== checks'\n"
              + "cat /etc/resolv.conf\n"
              + "ps -o user=,args= -C residns\n"
              + "systemctl is-enabled residns\n")
    result = sandbox.run(script, tmp_path / "sb", cwd=REPO_ROOT, overlays=("/etc", "/usr", "/var"),
                         addresses=["192.168.1.1/32", "9.9.9.9/32"])
    why = report(result, tmp_path)
    assert result.returncode == 0, why
    run = result.stdout.split("== run\n", 1)[1]
    # dig @127.0.0.1 debian.org: an answer from the upstream
    assert re.search(r"status: NOERROR", run), why
    assert re.search(r"^debian\.org\.\s+\d+\s+IN\s+A\s+198\.51\.100\.80$", run, re.M), why
    # getent hosts debian.org through glibc and /etc/resolv.conf
    assert re.search(r"^(2001:db8::80|198\.51\.100\.80)\s+debian\.org$", run, re.M), why
    checks = result.stdout.split("== checks\n", 1)[1].splitlines()
    assert checks[0] == "nameserver 127.0.0.1", why
    assert re.match(r"residns\s+/usr/sbin/residns -c /etc/residns/residns.yaml$", checks[1]), why
    assert checks[2] == "enabled", why
    asked = queries(tmp_path, "192.168.1.1") + queries(tmp_path, "9.9.9.9")
    assert any(q.startswith("debian.org. ") for q in asked), asked


def test_recipe2_lan_server_by_copy_and_paste(tmp_path):
    """The LAN server: zone, reverse zone, hosts file and records answer; corp.example goes to
    the corporate server only, the rest to the forwarder; clients outside the access list are
    refused."""
    servers = {
        "192.0.2.53": {"debian.org.": {"A": ["debian.org. 300 IN A 198.51.100.80"]}},
        "10.0.0.53": {"intranet.corp.example.": {"A": ["intranet.corp.example. 300 IN A 10.1.2.3"]}},
    }
    config = readme_block("recipe2-config")
    script = (install_script(tmp_path) + upstream_script(tmp_path, servers)
              + readme_block("recipe2-files")
              + f"cat > /etc/residns/residns.yaml <<'RESIDNS_EOF'\n{config}RESIDNS_EOF\n"
              + "echo '== run'\n" + readme_block("recipe2-run")
              + "echo '== checks'\n"
              + "dig -b 192.168.1.77 @192.168.1.1 printer.lan +time=2 +tries=1 | grep status:\n"
              + "dig -b 203.0.113.9 @192.168.1.1 printer.lan +time=2 +tries=1 | grep status:\n"
              + "dig @192.168.1.1 printer.lan +tcp +short\n"
              + "dig @192.168.1.1 printer.lan +norec | grep '^;; flags:'\n"
              + "ps -o user= -C residns\n")
    result = sandbox.run(script, tmp_path / "sb", cwd=REPO_ROOT, overlays=("/etc", "/usr", "/var"),
                         addresses=["192.168.1.1/24", "192.0.2.53/32", "10.0.0.53/32",
                                    "203.0.113.9/32"])
    why = report(result, tmp_path)
    assert result.returncode == 0, why
    run = result.stdout.split("== run\n", 1)[1].split("== checks\n", 1)[0].splitlines()
    assert run == ["192.168.1.20", "printer.lan.", "192.168.1.30", "router.lan.", "192.168.1.1",
                   "10.1.2.3", "198.51.100.80"], why
    checks = result.stdout.split("== checks\n", 1)[1].splitlines()
    assert "status: NOERROR" in checks[0], why           # a LAN client
    assert "status: REFUSED" in checks[1], why           # outside the access list
    assert checks[2] == "192.168.1.20", why              # TCP
    assert re.search(r"flags:[a-z ]* aa", checks[3]), why  # authoritative for its zone
    assert checks[4] == "residns", why
    assert queries(tmp_path, "10.0.0.53") == ["intranet.corp.example. A"], why
    corp_elsewhere = [q for q in queries(tmp_path, "192.0.2.53") if "corp.example" in q]
    assert not corp_elsewhere, why
    assert "debian.org. A" in queries(tmp_path, "192.0.2.53"), why
