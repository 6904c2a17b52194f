"""`user` / `group`: started as root, residns binds first, then runs as the configured user and
group (the Uid:, Gid: and Groups: lines of /proc/PID/status), keeps only CAP_NET_BIND_SERVICE, and
still answers over UDP and TCP; a reload can still open a port below 1024; an unknown user stops
the start (and --check-config says so)."""

import grp
import os
import pwd
import shutil
import socket
import tempfile

import pytest

import dnsclient
from residns_daemon import Residns, run_residns
from scripted_upstream import free_port
from test_metrics_control import ctl

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="needs root to switch users")

NOBODY = pwd.getpwnam("nobody")
CAP_NET_BIND_SERVICE = 1 << 10


def status(pid: int) -> dict:
    with open(f"/proc/{pid}/status") as f:
        return dict(line.rstrip("\n").split(":\t", 1) for line in f if ":\t" in line)


@pytest.fixture
def workdir():
    """A directory the dropped daemon can read (pytest's tmp_path is root-only)."""
    path = tempfile.mkdtemp(prefix="residns-priv-")
    os.chmod(path, 0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def make_daemon(workdir, residns_binary):
    started = []

    def make(upstream, **config) -> Residns:
        d = Residns(residns_binary, os.path.join(workdir, f"d{len(started)}"),
                    config={"upstreams": [upstream.address], **config})
        os.chmod(d.workdir, 0o755)
        started.append(d)
        return d

    yield make
    for d in started:
        d.stop()


def free_privileged_port() -> int:
    for port in range(900, 1000):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u, \
                socket.socket(socket.AF_INET, socket.SOCK_STREAM) as t:
            try:
                u.bind(("127.0.0.1", port))
                t.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    pytest.skip("no free port in 900..999")


def test_the_dropped_process_runs_as_the_configured_user_and_still_answers(make_daemon,
                                                                          upstream):
    upstream.answer("www.example.com", "A", ["www.example.com. 300 IN A 192.0.2.5"])
    group = grp.getgrgid(NOBODY.pw_gid).gr_name
    d = make_daemon(upstream, user="nobody", group=group, threads=2).start()

    s = status(d.proc.pid)
    assert s["Uid"].split() == [str(NOBODY.pw_uid)] * 4
    assert s["Gid"].split() == [str(NOBODY.pw_gid)] * 4
    assert s["Groups"].split() == [str(NOBODY.pw_gid)]
    assert int(s["CapEff"], 16) == CAP_NET_BIND_SERVICE
    assert int(s["CapPrm"], 16) == CAP_NET_BIND_SERVICE
    # Every worker thread too.
    for tid in os.listdir(f"/proc/{d.proc.pid}/task"):
        with open(f"/proc/{d.proc.pid}/task/{tid}/status") as f:
            assert f"Uid:\t{NOBODY.pw_uid}\t" in f.read()
    assert f"running as user nobody (uid {NOBODY.pw_uid})" in d.log_text()
    for _ in range(4):
        assert dnsclient.rrset_texts(dnsclient.udp(d.server, "www.example.com", "A")) == \
            {"www.example.com. A 192.0.2.5"}
    assert dnsclient.tcp(d.server, "www.example.com", "A").answer
    # The control socket was given to the user, so residns-ctl still works.
    assert os.stat(d.workdir / "control.sock").st_uid == NOBODY.pw_uid


def test_a_reload_after_the_drop_can_bind_a_port_below_1024(make_daemon, upstream,
                                                            residns_binary):
    upstream.answer("www.example.com", "A", ["www.example.com. 300 IN A 192.0.2.6"])
    d = make_daemon(upstream, user="nobody").start()
    low = free_privileged_port()

    d.write_config({"upstreams": [upstream.address], "user": "nobody",
                    "listen": [f"127.0.0.1:{d.port}", f"127.0.0.1:{low}"]})
    result = ctl(residns_binary, d, "reload")

    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stdout, result.stdout
    assert dnsclient.udp(("127.0.0.1", low), "www.example.com", "A").answer
    assert status(d.proc.pid)["Uid"].split()[0] == str(NOBODY.pw_uid)


def test_an_unknown_user_stops_the_start(make_daemon, upstream, residns_binary):
    d = make_daemon(upstream, user="no-such-user-here")
    d.port = free_port(["127.0.0.1"])
    d.write_config()
    checked = run_residns("-c", str(d.config_path), "--check-config")
    assert checked.returncode == 1
    assert "user no-such-user-here: no such user" in checked.stderr
    with pytest.raises(Exception, match="exited with 1"):
        d.start()
    assert "no such user" in d.log_text()


def test_group_without_user_is_an_error(make_daemon, upstream):
    d = make_daemon(upstream, group="nogroup")
    d.port = free_port(["127.0.0.1"])
    d.write_config()
    checked = run_residns("-c", str(d.config_path), "--check-config")
    assert checked.returncode == 1
    assert "group is set without user" in checked.stderr
