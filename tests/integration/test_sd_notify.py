"""systemd's readiness protocol, with a Python AF_UNIX datagram socket as $NOTIFY_SOCKET (a path,
or an abstract name starting with '@'): READY=1 once every listener answers, RELOADING=1 with
MONOTONIC_USEC= when a reload starts and READY=1 when it is done (also when the new config is
invalid), STOPPING=1 at shutdown."""

import os
import signal
import socket
import subprocess
import time

import pytest

import dnsclient
from residns_daemon import probe_answered, tcp_listening
from scripted_upstream import free_port


class NotifySocket:
    def __init__(self, address: str):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(address)
        self.sock.settimeout(5)

    def next(self) -> dict:
        """The next datagram as a dict of its assignments."""
        try:
            data = self.sock.recv(4096).decode()
        except socket.timeout:
            raise AssertionError("no notification within 5s") from None
        return dict(line.split("=", 1) for line in data.split("\n") if line)

    def close(self):
        self.sock.close()


@pytest.fixture
def notify(tmp_path, monkeypatch):
    path = tmp_path / "notify.sock"
    n = NotifySocket(str(path))
    monkeypatch.setenv("NOTIFY_SOCKET", str(path))
    yield n
    n.close()


def start_unwaited(d):
    """Start the daemon without waiting for it to answer (the notification is what we wait for)."""
    d.port = free_port(["127.0.0.1"])
    d.write_config()
    log = open(d.log_path, "ab")
    d.proc = subprocess.Popen([str(d.binary), "-c", str(d.config_path)],
                              stdin=subprocess.DEVNULL, stdout=log, stderr=log)
    log.close()


def test_ready_is_sent_once_every_listener_answers(residns_factory, upstream, notify):
    d = residns_factory(upstreams=[upstream], start=False)
    start_unwaited(d)

    ready = notify.next()

    # Nothing else was waited for: at READY=1 the listeners already answer, UDP and TCP.
    assert probe_answered(d.server, timeout=1.0)
    assert tcp_listening(d.server)
    assert ready["READY"] == "1"
    assert ready["MAINPID"] == str(d.proc.pid)
    assert "serving on 1 address(es) with 1 worker(s)" in ready["STATUS"]


def test_reload_sends_reloading_then_ready_and_stop_sends_stopping(residns_factory, upstream,
                                                                   notify):
    d = residns_factory(upstreams=[upstream])
    assert notify.next()["READY"] == "1"

    d.signal(signal.SIGHUP)
    reloading = notify.next()
    done = notify.next()
    assert reloading["RELOADING"] == "1"
    now_usec = time.clock_gettime(time.CLOCK_MONOTONIC) * 1e6
    assert abs(int(reloading["MONOTONIC_USEC"]) - now_usec) < 5e6, reloading
    assert done["READY"] == "1"
    assert "serving on" in done["STATUS"]

    d.write_config(text="listen: [\n")  # invalid: the running configuration stays
    d.signal(signal.SIGHUP)
    assert notify.next()["RELOADING"] == "1"
    failed = notify.next()
    assert failed["READY"] == "1"
    assert "reload failed" in failed["STATUS"]
    assert dnsclient.udp(d.server, "x.example.com", "A").rcode() is not None

    assert d.stop() == 0
    assert notify.next()["STOPPING"] == "1"


def test_abstract_notify_socket(residns_factory, upstream, monkeypatch):
    name = f"residns-test-{os.getpid()}-{time.monotonic_ns()}"
    n = NotifySocket("\0" + name)
    try:
        monkeypatch.setenv("NOTIFY_SOCKET", "@" + name)
        d = residns_factory(upstreams=[upstream])
        ready = n.next()
        assert ready["READY"] == "1"
        assert ready["MAINPID"] == str(d.proc.pid)
    finally:
        n.close()


def test_without_notify_socket_nothing_is_sent_and_it_serves(residns_factory, upstream,
                                                             monkeypatch):
    monkeypatch.delenv("NOTIFY_SOCKET", raising=False)
    d = residns_factory(upstreams=[upstream])
    assert probe_answered(d.server)
    assert "NOTIFY_SOCKET" not in d.log_text()
