"""Policy: who may query (access_control: refuse or drop, UDP and TCP), per-prefix rate limiting
of UDP with TC=1 slip answers (TCP never limited), and ANY over UDP answered minimally (RFC 8482)
without asking the upstream while ANY over TCP is forwarded."""

import socket
import struct
import time

import dns.flags
import dns.message
import dns.rcode
import dns.rdatatype
import pytest

import dnsclient
import residns_daemon


@pytest.fixture
def probe_by_tcp(monkeypatch):
    """A daemon that refuses or drops loopback never answers the start-up probe (a header-only
    query from a client it does not allow gets nothing): wait for its TCP listener instead."""
    monkeypatch.setattr(residns_daemon, "probe_answered",
                        lambda server, timeout=0.1: residns_daemon.tcp_listening(server))


def test_loopback_is_allowed_by_default(residns, upstream):
    upstream.answer("ok.example.com", "A", ["ok.example.com. 300 IN A 192.0.2.1"])
    a = dnsclient.udp(residns.server, "ok.example.com")
    assert a.rcode() == dns.rcode.NOERROR
    assert dnsclient.rrset_texts(a) == {"ok.example.com. A 192.0.2.1"}
    a = dnsclient.tcp(residns.server, "ok.example.com")
    assert dnsclient.rrset_texts(a) == {"ok.example.com. A 192.0.2.1"}


def test_client_outside_the_allow_list_is_refused_over_udp_and_tcp(residns_factory, upstream,
                                                                     probe_by_tcp):
    upstream.answer("ok.example.com", "A", ["ok.example.com. 300 IN A 192.0.2.1"])
    d = residns_factory(upstreams=[upstream], access_control={"allow": ["192.0.2.0/24"]})
    q = dnsclient.make_query("ok.example.com", "A", id=0x1234, edns=0)
    a = dns.message.from_wire(dnsclient.udp_raw(d.server, q.to_wire()))
    assert a.id == 0x1234
    assert a.rcode() == dns.rcode.REFUSED
    assert not a.answer
    a = dns.message.from_wire(dnsclient.tcp_raw(d.server, q.to_wire()))
    assert a.rcode() == dns.rcode.REFUSED
    # Garbage from a client that is not allowed gets nothing at all.
    assert dnsclient.udp_raw(d.server, b"\x12\x34\x01\x00\x00\x01", timeout=0.5) is None
    assert not upstream.queries_for("ok.example.com", "A")


def test_action_drop_sends_nothing_over_udp_and_closes_tcp(residns_factory, upstream,
                                                           probe_by_tcp):
    d = residns_factory(upstreams=[upstream],
                        access_control={"allow": ["192.0.2.0/24"], "action": "drop"})
    q = dnsclient.make_query("ok.example.com", "A", id=7)
    assert dnsclient.udp_raw(d.server, q.to_wire(), timeout=0.5) is None
    assert dnsclient.tcp_raw(d.server, q.to_wire(), timeout=1.0) is None


def test_deny_wins_over_allow(residns_factory, upstream, probe_by_tcp):
    d = residns_factory(upstreams=[upstream], access_control={"deny": ["127.0.0.1/32"]})
    a = dnsclient.udp(d.server, "ok.example.com")
    assert a.rcode() == dns.rcode.REFUSED


def test_udp_burst_over_the_rate_gets_tc_and_drops_while_tcp_is_answered(residns_factory,
                                                                          upstream):
    upstream.answer("rl.example.com", "A", ["rl.example.com. 300 IN A 192.0.2.7"])
    d = residns_factory(upstreams=[upstream], rate_limit={
        "enabled": True, "queries_per_second": 5, "burst": 20, "slip": 2})
    time.sleep(4.5)  # the start-up probes' tokens come back
    sent = 200
    answered = truncated = 0
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.connect(d.server)
        for i in range(sent):
            s.send(dnsclient.make_query("rl.example.com", "A", id=i).to_wire())
        s.settimeout(1.0)
        try:
            while True:
                a = dns.message.from_wire(s.recv(65535))
                if a.flags & dns.flags.TC:
                    assert not a.answer
                    assert a.rcode() == dns.rcode.NOERROR
                    truncated += 1
                else:
                    assert a.rcode() == dns.rcode.NOERROR
                    answered += 1
        except socket.timeout:
            pass
    # The burst (plus what refills while sending), then every other excess query gets TC=1.
    assert 20 <= answered <= 25, (answered, truncated)
    excess = sent - answered
    assert excess // 2 - 3 <= truncated <= excess // 2 + 3, (answered, truncated)
    # A real client retries over TCP, which is never limited.
    with socket.create_connection(d.server, timeout=5) as t:
        for i in range(50):
            wire = dnsclient.make_query("rl.example.com", "A", id=1000 + i).to_wire()
            t.sendall(struct.pack("!H", len(wire)) + wire)
            a = dns.message.from_wire(dnsclient.read_frame(t))
            assert a.id == 1000 + i
            assert dnsclient.rrset_texts(a) == {"rl.example.com. A 192.0.2.7"}


def test_any_over_udp_gets_the_rfc8482_hinfo_without_an_upstream_query(residns, upstream):
    upstream.answer("any.example.com", "ANY", ["any.example.com. 300 IN A 192.0.2.9"])
    a = dnsclient.udp(residns.server, "Any.Example.com", "ANY")
    assert a.rcode() == dns.rcode.NOERROR
    assert len(a.answer) == 1
    rrset = a.answer[0]
    assert rrset.rdtype == dns.rdatatype.HINFO
    assert rrset.ttl == 3600
    assert rrset.name.to_text() == "Any.Example.com."
    assert rrset[0].cpu == b"RFC8482" and rrset[0].os == b""
    assert not upstream.queries_for("any.example.com", "ANY")
    # dig agrees (dig 9.18 asks ANY over TCP unless told not to).
    r = dnsclient.dig(residns.server, "any.example.com", "ANY", "+notcp")
    assert r.answer == ['any.example.com. 3600 IN HINFO "RFC8482" ""']


def test_any_over_tcp_is_forwarded(residns, upstream):
    upstream.answer("any.example.com", "ANY", ["any.example.com. 300 IN A 192.0.2.9"])
    a = dnsclient.tcp(residns.server, "any.example.com", "ANY")
    assert a.rcode() == dns.rcode.NOERROR
    assert dnsclient.rrset_texts(a) == {"any.example.com. A 192.0.2.9"}
    assert upstream.queries_for("any.example.com", "ANY")
