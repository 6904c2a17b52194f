"""Socket activation: sockets passed the way systemd passes them ($LISTEN_PID is the daemon's own
PID, $LISTEN_FDS the count, the sockets from fd 3 on, $LISTEN_FDNAMES optional). residns serves
them, over UDP and TCP, in every worker, and does not bind `listen`; a passed fd that is not a
UDP or TCP socket stops the start-up with a message."""

import os
import socket
import time

import pytest

import dnsclient
from residns_daemon import probe_answered
from scripted_upstream import bind_udp_tcp_pair, free_port


class Activated:
    """residns started with `sockets` as fds 3, 4, ... (fork, then dup2 and exec in the child)."""

    def __init__(self, binary, config_path, log_path, sockets, names=None):
        log = os.open(str(log_path), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        fds = [s.fileno() for s in sockets]
        pid = os.fork()
        if pid == 0:  # the child: only async-signal-safe work until exec
            try:
                # Move the originals out of the way first, so that dup2 cannot clobber one.
                for i, fd in enumerate(fds):
                    os.dup2(fd, 100 + i)
                for i in range(len(fds)):
                    os.dup2(100 + i, 3 + i)
                os.dup2(log, 1)
                os.dup2(log, 2)
                env = dict(os.environ)
                env["LISTEN_PID"] = str(os.getpid())
                env["LISTEN_FDS"] = str(len(fds))
                if names:
                    env["LISTEN_FDNAMES"] = ":".join(names)
                os.closerange(3 + len(fds), 1024)
                os.execve(str(binary), [str(binary), "-c", str(config_path)], env)
            finally:
                os._exit(127)
        os.close(log)
        self.pid = pid

    def alive(self) -> bool:
        return os.waitpid(self.pid, os.WNOHANG) == (0, 0)

    def stop(self):
        try:
            os.kill(self.pid, 15)
            for _ in range(100):
                done, _ = os.waitpid(self.pid, os.WNOHANG)
                if done:
                    return
                time.sleep(0.05)
            os.kill(self.pid, 9)
            os.waitpid(self.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass


def wait_answering(server, proc, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if probe_answered(server):
            return
        assert proc.alive(), "residns exited"
        time.sleep(0.02)
    raise AssertionError(f"no answer on {server}")


@pytest.fixture
def configured(residns_factory, upstream):
    """A config (not started) whose `listen` is a port nobody will use: it must not be bound."""
    upstream.answer("www.example.com", "A", ["www.example.com. 300 IN A 192.0.2.9"])
    d = residns_factory(upstreams=[upstream], start=False, threads=2)
    d.port = free_port(["127.0.0.1"])
    d.write_config()
    return d


def test_passed_udp_and_tcp_sockets_are_served(configured, residns_binary):
    udp, tcp, port = bind_udp_tcp_pair("127.0.0.1")
    tcp.listen(16)
    proc = Activated(residns_binary, configured.config_path, configured.log_path, [udp, tcp],
                     names=["dns", "dns"])
    try:
        udp.close()
        tcp.close()  # only the daemon holds them now
        server = ("127.0.0.1", port)
        wait_answering(server, proc)
        # Both workers serve the passed sockets: many UDP and TCP queries all get answers.
        for _ in range(20):
            assert dnsclient.rrset_texts(dnsclient.udp(server, "www.example.com", "A")) == \
                {"www.example.com. A 192.0.2.9"}
        for _ in range(5):
            assert dnsclient.rrset_texts(dnsclient.tcp(server, "www.example.com", "A")) == \
                {"www.example.com. A 192.0.2.9"}
        # `listen` is not used.
        assert not probe_answered(configured.server, timeout=0.3)
        log = configured.log_text()
        assert f"listening on udp 127.0.0.1:{port} (dns) (socket activation)" in log
        assert f"listening on tcp 127.0.0.1:{port} (dns) (socket activation)" in log
    finally:
        proc.stop()


def test_a_passed_wildcard_udp_socket_answers_from_the_address_asked(configured, residns_binary):
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("0.0.0.0", 0))
    port = udp.getsockname()[1]
    proc = Activated(residns_binary, configured.config_path, configured.log_path, [udp])
    try:
        udp.close()
        wait_answering(("127.0.0.1", port), proc)
        for target in ("127.0.0.1", "127.0.0.2"):
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as client:
                client.settimeout(2)
                client.sendto(dnsclient.make_query("www.example.com").to_wire(), (target, port))
                _, source = client.recvfrom(4096)
                assert source == (target, port), "IP_PKTINFO: the reply comes from the address asked"
    finally:
        proc.stop()


def test_a_passed_fd_that_is_not_a_socket_stops_the_start(configured, residns_binary, tmp_path):
    not_a_socket = open(tmp_path / "file", "w")
    proc = Activated(residns_binary, configured.config_path, configured.log_path, [not_a_socket])
    not_a_socket.close()
    _, status = os.waitpid(proc.pid, 0)
    assert os.waitstatus_to_exitcode(status) == 1
    assert "LISTEN_FDS: fd 3 is not a socket" in configured.log_text()


def test_listen_fds_for_another_pid_are_ignored(residns_factory, upstream, monkeypatch):
    monkeypatch.setenv("LISTEN_PID", "1")
    monkeypatch.setenv("LISTEN_FDS", "2")
    d = residns_factory(upstreams=[upstream])  # answers on `listen`
    assert probe_answered(d.server)
    assert "socket activation" not in d.log_text()
