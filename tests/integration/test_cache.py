"""The answer cache seen from outside: hits without upstream queries and with aged TTLs, negative
caching for the SOA's negative TTL, expiry, coalescing of concurrent identical misses, serve-stale
when the upstream black-holes, and prefetch of a popular name before it expires.

Most tests run one worker (threads: 1) to keep them simple; the coalescing test also runs four
workers, whose SO_REUSEPORT sockets spread the 50 clients, so it covers coalescing across workers."""

import random
import signal
import select
import socket
import time

import pytest

import dns.message
import dns.rcode

import dnsclient
from scripted_upstream import question_bytes

SOA = "example.com. 300 IN SOA ns.example.com. host.example.com. 1 7200 900 1209600 {neg}"


def a_ttl(msg):
    assert msg.answer, msg.to_text()
    return msg.answer[0].ttl


def a_texts(msg):
    return dnsclient.rrset_texts(msg)


def mixed_case(name, rng):
    return "".join(c.upper() if rng.random() < 0.5 else c for c in name)


def test_second_query_is_answered_from_cache_with_a_smaller_ttl(residns_factory, upstream):
    d = residns_factory(upstreams=[upstream], threads=1)
    upstream.answer("cached.example.com", "A", ["cached.example.com. 300 IN A 192.0.2.1"])

    first = dnsclient.udp(d.server, "cached.example.com", "A", edns=0)
    assert a_ttl(first) == 300
    time.sleep(2.1)
    query = dnsclient.make_query("CaChEd.Example.COM", "A", id=0x7777, edns=0)
    wire = dnsclient.udp_raw(d.server, query.to_wire())
    assert wire is not None
    second = dns.message.from_wire(wire)
    assert second.id == 0x7777
    assert question_bytes(wire) == question_bytes(query.to_wire()), "the client's case is kept"
    assert a_texts(second) == {"cached.example.com. A 192.0.2.1"}
    assert 295 <= a_ttl(second) <= 298, second.to_text()
    assert len(upstream.queries_for("cached.example.com", "A")) == 1


def test_nxdomain_is_cached_for_the_soa_negative_ttl_and_asked_again_after(residns_factory,
                                                                           upstream):
    d = residns_factory(upstreams=[upstream], threads=1)
    upstream.nxdomain("gone.example.com", soa=SOA.format(neg=2))

    for _ in range(3):
        r = dnsclient.udp(d.server, "gone.example.com", "A", edns=0)
        assert r.rcode() == dns.rcode.NXDOMAIN
    assert len(upstream.queries_for("gone.example.com", "A")) == 1
    time.sleep(3.1)
    r = dnsclient.udp(d.server, "gone.example.com", "A", edns=0)
    assert r.rcode() == dns.rcode.NXDOMAIN
    assert len(upstream.queries_for("gone.example.com", "A")) == 2


def test_expiry_causes_a_new_upstream_query(residns_factory, upstream):
    d = residns_factory(upstreams=[upstream], threads=1)
    upstream.answer("short.example.com", "A", ["short.example.com. 2 IN A 192.0.2.2"])

    dnsclient.udp(d.server, "short.example.com", "A", edns=0)
    dnsclient.udp(d.server, "short.example.com", "A", edns=0)
    assert len(upstream.queries_for("short.example.com", "A")) == 1
    time.sleep(3.1)
    r = dnsclient.udp(d.server, "short.example.com", "A", edns=0)
    assert a_texts(r) == {"short.example.com. A 192.0.2.2"}
    assert a_ttl(r) == 2
    assert len(upstream.queries_for("short.example.com", "A")) == 2


@pytest.mark.parametrize("threads", [1, 4])
def test_fifty_identical_concurrent_queries_make_one_upstream_query(residns_factory, upstream,
                                                                      threads):
    d = residns_factory(upstreams=[upstream], threads=threads)
    name = "crowd.example.com"
    upstream.answer(name, "A", [f"{name}. 300 IN A 192.0.2.50"])
    upstream.delay(name, 0.3)

    rng = random.Random(50)
    sockets, queries = [], []
    try:
        for i in range(50):
            q = dnsclient.make_query(mixed_case(name, rng), "A", id=1000 + i, edns=0)
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.connect(d.server)
            sockets.append(s)
            queries.append(q.to_wire())
        for s, wire in zip(sockets, queries):
            s.send(wire)
        answers = {}
        deadline = time.monotonic() + 5
        while len(answers) < 50 and time.monotonic() < deadline:
            pending = [s for s in sockets if s.fileno() not in answers]
            ready, _, _ = select.select(pending, [], [], 0.5)
            for s in ready:
                answers[s.fileno()] = s.recv(65535)
        assert len(answers) == 50, f"only {len(answers)} answers"
        for i, (s, wire) in enumerate(zip(sockets, queries)):
            got = answers[s.fileno()]
            msg = dns.message.from_wire(got)
            assert msg.id == 1000 + i
            assert msg.rcode() == dns.rcode.NOERROR
            assert question_bytes(got) == question_bytes(wire), f"waiter {i}: question case"
            assert a_texts(msg) == {f"{name}. A 192.0.2.50"}
    finally:
        for s in sockets:
            s.close()
    assert len(upstream.queries_for(name, "A")) == 1, upstream.queries_for(name, "A")


def test_blackholed_upstream_still_gets_stale_answers(residns_factory, upstream):
    d = residns_factory(upstreams=[upstream], threads=1)
    upstream.answer("seen.example.com", "A", ["seen.example.com. 1 IN A 192.0.2.7"])
    first = dnsclient.udp(d.server, "seen.example.com", "A", edns=0)
    assert a_texts(first) == {"seen.example.com. A 192.0.2.7"}

    upstream.blackhole("seen.example.com", "A")
    time.sleep(2.1)  # the entry has expired
    start = time.monotonic()
    stale = dnsclient.udp(d.server, "seen.example.com", "A", edns=0, timeout=4)
    waited = time.monotonic() - start
    assert stale.rcode() == dns.rcode.NOERROR
    assert a_texts(stale) == {"seen.example.com. A 192.0.2.7"}
    assert a_ttl(stale) == 30
    assert 1.5 <= waited <= 3.0, f"stale answer after {waited:.2f}s, expected about 1.8s"
    # While the upstream stays silent, the name is answered stale at once.
    start = time.monotonic()
    again = dnsclient.udp(d.server, "seen.example.com", "A", edns=0, timeout=4)
    assert a_ttl(again) == 30
    assert time.monotonic() - start < 0.5
    # A name never seen gets no stale answer: SERVFAIL once the forwarding budget runs out.
    upstream.blackhole("never.example.com")
    r = dnsclient.udp(d.server, "never.example.com", "A", edns=0, timeout=5)
    assert r.rcode() == dns.rcode.SERVFAIL


def test_prefetch_refreshes_a_popular_name_before_it_expires(residns_factory, upstream):
    # Lifetimes are whole seconds and prefetch starts in the last 10%: with TTL 10 that is the
    # last second.
    d = residns_factory(upstreams=[upstream], threads=1)
    name = "popular.example.com"
    upstream.answer(name, "A", [f"{name}. 10 IN A 192.0.2.10"])
    first = dnsclient.udp(d.server, name, "A", edns=0)
    assert a_ttl(first) == 10
    upstream.answer(name, "A", [f"{name}. 10 IN A 192.0.2.11"])
    start = time.monotonic()

    # Popular: hit several times, then keep asking through the last second of its lifetime.
    seen_ttls = []
    while time.monotonic() - start < 10.5:
        r = dnsclient.udp(d.server, name, "A", edns=0)
        assert r.rcode() == dns.rcode.NOERROR
        seen_ttls.append(a_ttl(r))
        time.sleep(0.25)
    queries = upstream.queries_for(name, "A")
    assert len(queries) == 2, f"expected one prefetch, upstream saw {len(queries)} queries"
    assert queries[1].time - queries[0].time < 10.0, "refreshed only after expiry"
    # The refreshed answer is served without another upstream query, and no client ever saw the
    # entry expire (TTL 0 or a miss).
    r = dnsclient.udp(d.server, name, "A", edns=0)
    assert a_texts(r) == {f"{name}. A 192.0.2.11"}
    assert min(seen_ttls) >= 1, seen_ttls
    assert len(upstream.queries_for(name, "A")) == 2


def test_cache_survives_a_reload(residns_factory, upstream):
    d = residns_factory(upstreams=[upstream], threads=1)
    upstream.answer("kept.example.com", "A", ["kept.example.com. 300 IN A 192.0.2.30"])
    dnsclient.udp(d.server, "kept.example.com", "A", edns=0)
    d.signal(signal.SIGHUP)
    deadline = time.monotonic() + 3
    while "reload done" not in d.log_text() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "reload done" in d.log_text()
    r = dnsclient.udp(d.server, "kept.example.com", "A", edns=0)
    assert a_texts(r) == {"kept.example.com. A 192.0.2.30"}
    assert len(upstream.queries_for("kept.example.com", "A")) == 1


def test_rd0_query_is_answered_from_cache_only(residns_factory, upstream):
    d = residns_factory(upstreams=[upstream], threads=1)
    upstream.answer("rd.example.com", "A", ["rd.example.com. 300 IN A 192.0.2.40"])
    miss = dnsclient.udp(d.server, "rd.example.com", "A", edns=0, rd=False)
    assert miss.rcode() == dns.rcode.REFUSED
    assert not upstream.queries_for("rd.example.com", "A")
    dnsclient.udp(d.server, "rd.example.com", "A", edns=0)
    hit = dnsclient.udp(d.server, "rd.example.com", "A", edns=0, rd=False)
    assert hit.rcode() == dns.rcode.NOERROR
    assert a_texts(hit) == {"rd.example.com. A 192.0.2.40"}
    assert len(upstream.queries_for("rd.example.com", "A")) == 1
