"""--daemonize and --pid-file, as classic init scripts use them.

The daemon runs in a PID namespace of its own (unshare --pid --fork --mount-proc) whose init is a
shell: after the double fork it must be a child of that init, its PID in the locked PID file; the
command returns only once the daemon answers; SIGTERM removes the PID file. A second instance with
the same PID file refuses to start and says which PID holds it; a daemon that cannot start makes
the command fail with the reason on its stderr."""

import os
import select
import shutil
import signal
import socket
import subprocess
import time

import pytest

import dnsclient
from scripted_upstream import free_port

pytestmark = pytest.mark.skipif(shutil.which("unshare") is None, reason="needs unshare")


def read_until(proc, marker: str, timeout: float = 10.0) -> str:
    """Reads the unbuffered pipe until `marker` (or fails after `timeout`)."""
    out = ""
    fd = proc.stdout.fileno()
    deadline = time.monotonic() + timeout
    while marker not in out:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            raise AssertionError(f"no {marker!r} within {timeout}s; output so far:\n{out}")
        chunk = os.read(fd, 4096)
        if not chunk:
            raise AssertionError(f"output ended before {marker!r}:\n{out}")
        out += chunk.decode()
    return out


def wait_gone(path, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while path.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    return not path.exists()


def test_daemonize_writes_the_pid_file_of_a_process_whose_parent_is_init(
        residns_factory, upstream, tmp_path, residns_binary):
    upstream.answer("www.example.com", "A", ["www.example.com. 300 IN A 192.0.2.7"])
    d = residns_factory(upstreams=[upstream], start=False)
    d.port = free_port(["127.0.0.1"])
    d.write_config()
    pid_file = tmp_path / "run" / "residns.pid"
    pid_file.parent.mkdir()
    go = tmp_path / "go"
    script = f"""
        {residns_binary} --daemonize --pid-file {pid_file} -c {d.config_path}
        echo "exit=$?"
        pid=$(cat {pid_file})
        echo "pid=$pid"
        grep -E '^PPid:' /proc/$pid/status
        echo "sid=$(cut -d' ' -f6 /proc/$pid/stat) cwd=$(readlink /proc/$pid/cwd)"
        echo "stdin=$(readlink /proc/$pid/fd/0) stderr=$(readlink /proc/$pid/fd/2)"
        echo started
        while [ ! -e {go} ]; do sleep 0.05; done
        kill -TERM "$pid"
        for i in $(seq 200); do [ -e {pid_file} ] || break; sleep 0.05; done
        if [ -e {pid_file} ]; then echo pidfile=present; else echo pidfile=removed; fi
    """
    proc = subprocess.Popen(["unshare", "--pid", "--fork", "--mount-proc", "sh", "-c", script],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, bufsize=0)
    try:
        out = read_until(proc, "started")
        # The command returned once the daemon served: it answers at once, from outside too.
        answer = dnsclient.udp(d.server, "www.example.com", "A")
        assert dnsclient.rrset_texts(answer) == {"www.example.com. A 192.0.2.7"}
        go.touch()
        out += proc.communicate(timeout=20)[0].decode()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()

    assert "exit=0" in out, out
    pid = int(out.split("pid=")[1].split()[0])
    assert pid > 2, out  # not the shell (1) nor the process that was started (2)
    assert "PPid:\t1\n" in out, out
    # Not a session leader (the second fork): it can never acquire a controlling terminal.
    sid = int(out.split("sid=")[1].split()[0])
    assert sid not in (0, pid), out
    assert "cwd=/\n" in out, out
    assert "stdin=/dev/null stderr=/dev/null" in out, out
    # Logging went to syslog, not to the terminal of the command.
    assert "ready with" not in out, out
    assert "pidfile=removed" in out, out


def test_a_second_instance_with_the_same_pid_file_refuses_to_start(residns_factory, upstream,
                                                                   tmp_path, residns_binary):
    first = residns_factory(upstreams=[upstream], start=False)
    first.port = free_port(["127.0.0.1"])
    first.write_config()
    pid_file = tmp_path / "residns.pid"
    started = subprocess.run([str(residns_binary), "--daemonize", "--pid-file", str(pid_file),
                              "-c", str(first.config_path)],
                             capture_output=True, text=True, timeout=20)
    assert started.returncode == 0, started.stderr
    pid = int(pid_file.read_text())
    try:
        assert dnsclient.udp(first.server, "x.example.com", "A") is not None
        second = residns_factory(upstreams=[upstream], start=False)
        second.port = free_port(["127.0.0.1"])
        second.write_config()
        refused = subprocess.run([str(residns_binary), "--pid-file", str(pid_file),
                                  "-c", str(second.config_path)],
                                 capture_output=True, text=True, timeout=20)
        assert refused.returncode == 1
        assert f"locked by another running residns (pid {pid})" in refused.stderr
        assert int(pid_file.read_text()) == pid, "the refused instance left the file alone"
    finally:
        os.kill(pid, signal.SIGTERM)
    assert wait_gone(pid_file), "the PID file stays after SIGTERM"


def test_daemonize_fails_with_the_reason_when_the_daemon_cannot_start(residns_factory, upstream,
                                                                      tmp_path, residns_binary):
    taken = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    taken.bind(("127.0.0.1", 0))
    d = residns_factory(upstreams=[upstream], start=False, port=taken.getsockname()[1])
    d.write_config()
    pid_file = tmp_path / "residns.pid"
    try:
        result = subprocess.run([str(residns_binary), "--daemonize", "--pid-file", str(pid_file),
                                 "-c", str(d.config_path)],
                                capture_output=True, text=True, timeout=20)
    finally:
        taken.close()
    assert result.returncode == 1
    assert "cannot start: listen 127.0.0.1:" in result.stderr
    assert "Address already in use" in result.stderr
    assert wait_gone(pid_file), "a daemon that did not start leaves no PID file"
