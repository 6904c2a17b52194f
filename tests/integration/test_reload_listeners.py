"""A reload changes the listeners and the server policy without a restart: an added address
answers (from the same cache: a cached forwarded name is not asked upstream again), a removed one
stops answering while the others go on, a new access list refuses 127.0.0.1, and an address that
cannot be bound is reported while the rest of the reload applies."""

import re
import signal
import socket
import subprocess
import time

import dns.rcode

import dnsclient
from residns_daemon import probe_answered, tcp_listening
from scripted_upstream import free_port
from test_metrics_control import ctl


def reload(d, offset: int) -> str:
    """SIGHUP, then the log of the reload once it is done."""
    d.signal(signal.SIGHUP)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        text = d.log_since(offset)
        if re.search(r"reload done|reload failed", text):
            return text
        time.sleep(0.02)
    raise AssertionError("no end of reload in the log:\n" + d.log_since(offset))


def config(d, upstream, **overrides) -> dict:
    cfg = {"upstreams": [upstream.address], "threads": 2}
    cfg.update(overrides)
    return d.config_dict(cfg)


def test_a_reload_that_adds_a_port_answers_there_from_the_same_cache(residns_factory, upstream):
    upstream.answer("cached.example.com", "A", ["cached.example.com. 300 IN A 192.0.2.1"])
    d = residns_factory(upstreams=[upstream], threads=2)
    assert dnsclient.udp(d.server, "cached.example.com", "A").answer
    upstream.clear_queries()
    port2 = free_port(["127.0.0.1"])
    assert not probe_answered(("127.0.0.1", port2))

    d.write_config(config(d, upstream, listen=[f"127.0.0.1:{d.port}", f"127.0.0.1:{port2}"]))
    log = reload(d, d.log_size())

    assert "reload done" in log
    assert f"listening on 127.0.0.1:{port2} (udp, tcp)" in log
    assert "take effect at the next restart" not in log
    second = ("127.0.0.1", port2)
    for _ in range(6):  # both workers
        assert dnsclient.rrset_texts(dnsclient.udp(second, "cached.example.com", "A")) == \
            {"cached.example.com. A 192.0.2.1"}
    assert dnsclient.tcp(second, "cached.example.com", "A").answer
    assert dnsclient.udp(d.server, "cached.example.com", "A").answer
    assert upstream.queries_for("cached.example.com", "A") == [], "the cache was kept"


def test_a_reload_that_removes_a_port_stops_answering_there(residns_factory, upstream):
    upstream.answer("www.example.com", "A", ["www.example.com. 300 IN A 192.0.2.2"])
    d = residns_factory(upstreams=[upstream], threads=2)
    port2 = free_port(["127.0.0.1"])
    d.write_config(config(d, upstream, listen=[f"127.0.0.1:{d.port}", f"127.0.0.1:{port2}"]))
    reload(d, d.log_size())
    second = ("127.0.0.1", port2)
    assert dnsclient.udp(second, "www.example.com", "A").answer

    d.write_config(config(d, upstream, listen=[f"127.0.0.1:{port2}"]))
    log = reload(d, d.log_size())

    assert f"no longer listening on 127.0.0.1:{d.port}" in log
    deadline = time.monotonic() + 3
    while (probe_answered(d.server) or tcp_listening(d.server)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not probe_answered(d.server, timeout=0.5), "UDP still answers on the removed port"
    assert not tcp_listening(d.server), "TCP still accepts on the removed port"
    assert dnsclient.udp(second, "www.example.com", "A").answer
    assert dnsclient.tcp(second, "www.example.com", "A").answer


def test_a_reload_that_denies_127_0_0_1_refuses_its_queries(residns_factory, upstream):
    upstream.answer("www.example.com", "A", ["www.example.com. 300 IN A 192.0.2.3"])
    d = residns_factory(upstreams=[upstream], threads=2)
    assert dnsclient.udp(d.server, "www.example.com", "A").rcode() == dns.rcode.NOERROR

    d.write_config(config(d, upstream, access_control={"deny": ["127.0.0.1"]}))
    log = reload(d, d.log_size())
    assert "access_control and rate_limit applied to 2 worker(s)" in log

    for _ in range(6):  # both workers
        assert dnsclient.udp(d.server, "www.example.com", "A").rcode() == dns.rcode.REFUSED
    assert dnsclient.tcp(d.server, "www.example.com", "A").rcode() == dns.rcode.REFUSED

    d.write_config(config(d, upstream))  # back to the default list
    reload(d, d.log_size())
    assert dnsclient.udp(d.server, "www.example.com", "A").rcode() == dns.rcode.NOERROR


def test_a_listener_that_does_not_bind_is_reported_and_the_rest_applies(residns_factory,
                                                                        upstream, residns_binary):
    d = residns_factory(upstreams=[upstream])
    taken = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    taken.bind(("127.0.0.1", 0))
    busy = taken.getsockname()[1]
    try:
        d.write_config(config(d, upstream, threads=1,
                              listen=[f"127.0.0.1:{d.port}", f"127.0.0.1:{busy}"],
                              access_control={"deny": ["127.0.0.1"]}))
        result = ctl(residns_binary, d, "reload")
    finally:
        taken.close()

    assert result.returncode == 0, result.stderr
    assert f"warning: listen 127.0.0.1:{busy}: Address already in use" in result.stdout
    assert "reload done with 1 problem(s)" in d.log_text()
    # The access list of the same reload applies; the running listener still serves.
    assert dnsclient.udp(d.server, "www.example.com", "A").rcode() == dns.rcode.REFUSED


def test_changes_to_threads_still_need_a_restart(residns_factory, upstream):
    d = residns_factory(upstreams=[upstream])
    d.write_config(config(d, upstream, threads=3))
    log = reload(d, d.log_size())
    assert "changes to threads, edns_buffer_size or tcp take effect at the next restart" in log
    assert "reload done" in log
