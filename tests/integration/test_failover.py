"""Several upstreams: failover when the first is silent, fails or talks garbage; SERVFAIL within
the total budget when none answers.  try_timeout is 1s and total_timeout 3s (the defaults of the
residns fixture)."""

import threading
import time

import dns.rcode
import pytest

import dnsclient

TRY_TIMEOUT = 1.0
TOTAL_TIMEOUT = 3.0
RECORDS = ["www.example.com. 300 IN A 192.0.2.1"]


def test_failover_when_first_upstream_is_black_holed(residns_factory, make_upstream):
    dead, alive = make_upstream(), make_upstream()
    dead.blackhole()
    alive.answer("www.example.com", "A", RECORDS)
    d = residns_factory(upstreams=[dead, alive])

    start = time.monotonic()
    r = dnsclient.udp(d.server, "www.example.com", "A", timeout=6)
    elapsed = time.monotonic() - start

    assert r.rcode() == dns.rcode.NOERROR
    assert dnsclient.rrset_texts(r) == {"www.example.com. A 192.0.2.1"}
    assert elapsed <= 2 * TRY_TIMEOUT, f"answered after {elapsed:.2f}s, try_timeout is {TRY_TIMEOUT}s"
    assert alive.queries_for("www.example.com")


@pytest.mark.parametrize("failure", ["servfail", "refused", "garbage"])
def test_failover_when_first_upstream_fails(residns_factory, make_upstream, failure):
    bad, good = make_upstream(), make_upstream()
    getattr(bad, failure)()
    good.answer("www.example.com", "A", RECORDS)
    d = residns_factory(upstreams=[bad, good])

    start = time.monotonic()
    r = dnsclient.udp(d.server, "www.example.com", "A", timeout=6)
    elapsed = time.monotonic() - start

    assert r.rcode() == dns.rcode.NOERROR, f"first upstream answers {failure}; the second answers"
    assert dnsclient.rrset_texts(r) == {"www.example.com. A 192.0.2.1"}
    assert elapsed <= 2 * TRY_TIMEOUT, f"answered after {elapsed:.2f}s"
    assert good.queries_for("www.example.com")


def test_servfail_within_total_timeout_when_all_upstreams_are_black_holed(residns_factory,
                                                                           make_upstream):
    ups = [make_upstream(), make_upstream()]
    for u in ups:
        u.blackhole()
    d = residns_factory(upstreams=ups)

    start = time.monotonic()
    r = dnsclient.udp(d.server, "www.example.com", "A", timeout=TOTAL_TIMEOUT + 4)
    elapsed = time.monotonic() - start

    assert r.rcode() == dns.rcode.SERVFAIL
    assert elapsed <= TOTAL_TIMEOUT + 1.0, f"SERVFAIL after {elapsed:.2f}s, total_timeout 3s"
    assert all(u.queries for u in ups), "both upstreams were tried"


def test_still_serves_other_names_while_one_name_black_holes(residns_factory, upstream):
    upstream.blackhole("hole.example.com")
    upstream.answer("www.example.com", "A", RECORDS)
    d = residns_factory(upstreams=[upstream])

    hole = threading.Thread(target=lambda: dnsclient.udp_raw(
        d.server, dnsclient.make_query("hole.example.com").to_wire(), timeout=5))
    hole.start()
    time.sleep(0.1)
    start = time.monotonic()
    r = dnsclient.udp(d.server, "www.example.com", "A", timeout=3)
    elapsed = time.monotonic() - start
    hole.join()

    assert dnsclient.rrset_texts(r) == {"www.example.com. A 192.0.2.1"}
    assert elapsed < 0.5, f"a black-holed name delayed another name by {elapsed:.2f}s"
