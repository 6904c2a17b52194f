"""The .deb installed for real with dpkg, in a sandbox (sandbox.py: private /etc, /usr, /var and
/run, own network and PIDs), then removed and purged. Runs only when RESIDNS_DEB names the package:
packaging/test-deb.sh builds it and runs this file (it is not part of the test suite's build).
"""

from __future__ import annotations

import os
import re

import pytest

import sandbox

DEB = os.environ.get("RESIDNS_DEB", "")

pytestmark = [
    pytest.mark.skipif(not DEB, reason="RESIDNS_DEB is not set (packaging/test-deb.sh sets it)"),
    pytest.mark.skipif(bool(sandbox.available()), reason=sandbox.available() or "ok"),
]

FILES = ["/usr/sbin/residns", "/usr/bin/residns-ctl", "/etc/residns/residns.yaml",
         "/usr/lib/systemd/system/residns.service", "/usr/lib/systemd/system/residns.socket",
         "/usr/share/man/man8/residns.8", "/usr/share/man/man5/residns.yaml.5"]


def sections(stdout: str) -> dict:
    out, key = {}, None
    for line in stdout.splitlines():
        if line.startswith("== "):
            key = line[3:]
            out[key] = []
        elif key is not None:
            out[key].append(line)
    return out


def test_dpkg_install_creates_the_user_enables_the_unit_and_starts_nothing(tmp_path):
    script = f"""
dpkg -i {DEB} >/dev/null
echo "== files"
ls -l {' '.join(FILES)} | awk '{{print $1, $3, $NF}}'
echo "== user"
getent passwd residns
echo "== group"
getent group residns | cut -d: -f1
echo "== enabled"
readlink -f /etc/systemd/system/multi-user.target.wants/residns.service
systemctl is-enabled residns.service residns.socket || true
echo "== running"
ps -e -o comm= | grep -cx residns || true
echo "== man"
man -w residns.8 residns.yaml.5 2>/dev/null || ls /usr/share/man/man8/residns.8 /usr/share/man/man5/residns.yaml.5
echo "== status"
dpkg-query -W -f='${{Status}}\\n' residns
echo "== remove"
dpkg -r residns >/dev/null
ls /usr/sbin/residns 2>&1 | grep -c 'No such' || true
test -f /etc/residns/residns.yaml && echo "conffile kept"
echo "== purge"
dpkg -P residns >/dev/null
test -e /etc/residns/residns.yaml || echo "conffile gone"
getent passwd residns >/dev/null && echo "user kept"
"""
    result = sandbox.run(script, tmp_path / "sb", overlays=("/etc", "/usr", "/var"))
    why = f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    assert result.returncode == 0, why
    s = sections(result.stdout)
    files = {line.split()[-1]: line.split()[:2] for line in s["files"]}
    assert set(files) == set(FILES), why
    for path in FILES:
        mode, owner = files[path]
        assert owner == "root", why
        assert mode == ("-rwxr-xr-x" if "bin/" in path else "-rw-r--r--"), (path, why)
    name, _, uid, gid, _, home, shell = s["user"][0].split(":")
    assert name == "residns" and int(uid) < 1000, why      # a system user
    assert shell in ("/usr/sbin/nologin", "/bin/false"), why
    assert home == "/nonexistent", why
    assert s["group"] == ["residns"], why
    assert s["enabled"][0] == "/usr/lib/systemd/system/residns.service", why
    assert s["enabled"][1:] == ["enabled", "disabled"], why  # the socket is offered, not enabled
    assert s["running"] == ["0"], why
    assert len(s["man"]) == 2, why
    assert s["status"] == ["install ok installed"], why
    assert s["remove"] == ["1", "conffile kept"], why
    assert s["purge"][0] == "conffile gone", why


def test_installed_unit_runs_the_packaged_config_as_the_packaged_user(tmp_path):
    """What systemd would start at the next boot: ExecStart as User=residns with the ambient
    capability, on the packaged configuration (127.0.0.1:53 and [::1]:53), answering."""
    script = f"""
dpkg -i {DEB} >/dev/null
echo 'upstreams: []' >> /etc/residns/residns.yaml
echo 'records: ["probe.test. 60 IN A 192.0.2.99"]' >> /etc/residns/residns.yaml
systemctl start residns
echo "== answers"
dig @127.0.0.1 probe.test +short
dig @::1 probe.test +short +tcp
echo "== process"
ps -o user=,args= -C residns
grep -E '^Cap(Eff|Amb)' /proc/$(pgrep -x residns)/status | awk '{{print $2}}'
echo "== control"
residns-ctl -s /run/residns/control.sock stats | grep -c . || true
stat -c '%U %a' /run/residns
"""
    result = sandbox.run(script, tmp_path / "sb", overlays=("/etc", "/usr", "/var"))
    log = "".join(p.read_text(errors="replace") for p in tmp_path.rglob("*.log"))
    why = f"exit {result.returncode}\n{result.stdout}\n{result.stderr}\n--- log\n{log}"
    assert result.returncode == 0, why
    s = sections(result.stdout)
    assert s["answers"] == ["192.0.2.99", "192.0.2.99"], why
    assert re.match(r"residns\s+/usr/sbin/residns -c /etc/residns/residns.yaml$",
                    s["process"][0]), why
    # CAP_NET_BIND_SERVICE (bit 10) and nothing else, effective and ambient.
    assert [int(x, 16) for x in s["process"][1:]] == [1 << 10, 1 << 10], why
    assert int(s["control"][0]) > 0, why
    assert s["control"][1] == "residns 750", why
