"""An upstream outage and its end, without restarting residns. While the only upstream drops
every query (or its port is closed), names seen before are answered stale (RFC 8767) and new
names get SERVFAIL within the forwarding budget (total_timeout 3s), many at once as well; when
the upstream comes back, residns answers from it again within down_interval (5s) and refreshes
the stale names. test_failover.py covers several upstreams; test_cache.py the stale timing."""

from __future__ import annotations

import concurrent.futures
import time

import dns.rcode

import dnsclient
from scripted_upstream import ScriptedUpstream

TOTAL_TIMEOUT = 3.0
DOWN_INTERVAL = 5.0


def script(up: ScriptedUpstream) -> None:
    up.answer("known.example.com", "A", ["known.example.com. 1 IN A 192.0.2.10"])
    for i in range(20):
        up.answer(f"new{i}.example.com", "A", [f"new{i}.example.com. 300 IN A 192.0.2.{100 + i}"])
    up.answer("back.example.com", "A", ["back.example.com. 300 IN A 192.0.2.20"])


def a_texts(r) -> set[str]:
    return dnsclient.rrset_texts(r)


def ask_timed(server, name: str, timeout: float = TOTAL_TIMEOUT + 4):
    start = time.monotonic()
    r = dnsclient.udp(server, name, "A", timeout=timeout, edns=0)
    return r, time.monotonic() - start


def check_outage(d) -> None:
    """During the outage: stale for the known name, SERVFAIL in budget for 20 new ones at once."""
    r, waited = ask_timed(d.server, "known.example.com")
    assert r.rcode() == dns.rcode.NOERROR
    assert a_texts(r) == {"known.example.com. A 192.0.2.10"}, "no stale answer for a known name"
    assert waited <= TOTAL_TIMEOUT + 1.0, f"stale answer after {waited:.2f}s"
    with concurrent.futures.ThreadPoolExecutor(20) as pool:
        results = list(pool.map(lambda i: ask_timed(d.server, f"new{i}.example.com"), range(20)))
    for r, waited in results:
        assert r.rcode() == dns.rcode.SERVFAIL, f"{r}"
        assert waited <= TOTAL_TIMEOUT + 1.0, f"SERVFAIL after {waited:.2f}s, budget 3s"


def wait_until_answered(d, name: str, expected: set[str], within: float) -> float:
    start = time.monotonic()
    last = None
    while time.monotonic() - start < within:
        try:
            last = dnsclient.udp(d.server, name, "A", timeout=TOTAL_TIMEOUT + 1, edns=0)
            if a_texts(last) == expected and last.answer[0].ttl > 30:
                return time.monotonic() - start
        except Exception as e:  # noqa: BLE001 - keep asking until `within`
            last = e
        time.sleep(0.25)
    raise AssertionError(f"{name} not answered from the upstream within {within}s: {last}")


def test_black_holed_upstream_gives_stale_or_servfail_then_recovers(residns_factory, upstream):
    script(upstream)
    d = residns_factory(upstreams=[upstream])
    pid = d.proc.pid
    assert a_texts(dnsclient.udp(d.server, "known.example.com", "A", edns=0)) == {
        "known.example.com. A 192.0.2.10"}
    time.sleep(1.5)  # known.example.com expires (TTL 1) and becomes a stale candidate

    upstream.drop_all()
    check_outage(d)
    assert d.alive()

    upstream.drop_all(False)
    took = wait_until_answered(d, "back.example.com", {"back.example.com. A 192.0.2.20"},
                               DOWN_INTERVAL + 2 * TOTAL_TIMEOUT)
    print(f"\nanswered from the upstream again {took:.2f}s after it came back")
    # The stale name is refreshed from the upstream (fresh TTL, not the stale 30).
    upstream.answer("known.example.com", "A", ["known.example.com. 300 IN A 192.0.2.11"])
    wait_until_answered(d, "known.example.com", {"known.example.com. A 192.0.2.11"},
                        DOWN_INTERVAL + 2 * TOTAL_TIMEOUT)
    assert d.alive() and d.proc.pid == pid, "residns was restarted"


def test_upstream_that_goes_away_and_returns_on_the_same_port(residns_factory, make_upstream):
    up = make_upstream()
    script(up)
    d = residns_factory(upstreams=[up])
    assert a_texts(dnsclient.udp(d.server, "known.example.com", "A", edns=0)) == {
        "known.example.com. A 192.0.2.10"}
    time.sleep(1.5)

    port = up.port
    up.stop()  # the port is closed: ICMP port unreachable, TCP connection refused
    check_outage(d)

    back = make_upstream(port=port)
    script(back)
    took = wait_until_answered(d, "back.example.com", {"back.example.com. A 192.0.2.20"},
                               DOWN_INTERVAL + 2 * TOTAL_TIMEOUT)
    print(f"\nanswered from the restarted upstream {took:.2f}s after it came back")
    assert back.queries_for("back.example.com")
    assert d.alive()
