"""IPv6: residns listens on [::1] (UDP and TCP) next to 127.0.0.1, and forwards to IPv6 upstreams."""

import dns.rcode
import pytest

import dnsclient

RECORDS = ["www.example.com. 300 IN A 192.0.2.1"]


@pytest.fixture
def dual(residns_factory, upstream):
    upstream.answer("www.example.com", "A", RECORDS)
    return residns_factory(upstreams=[upstream], ipv6=True)


@pytest.mark.parametrize("transport", ["udp", "tcp"])
def test_ipv6_listen_address_answers(dual, transport):
    r = getattr(dnsclient, transport)(dual.server6, "www.example.com", "A", edns=0)

    assert r.rcode() == dns.rcode.NOERROR
    assert dnsclient.rrset_texts(r) == {"www.example.com. A 192.0.2.1"}


@pytest.mark.parametrize("transport", ["udp", "tcp"])
def test_ipv4_listen_address_answers_next_to_ipv6(dual, transport):
    r = getattr(dnsclient, transport)(dual.server, "www.example.com", "A", edns=0)

    assert dnsclient.rrset_texts(r) == {"www.example.com. A 192.0.2.1"}


def test_dig_over_ipv6(dual):
    r = dnsclient.dig(dual.server6, "www.example.com", "A")

    assert r.status == "NOERROR"
    assert r.records() == {"www.example.com. A 192.0.2.1"}


def test_ipv6_answer_keeps_id_and_case(dual):
    wire = dnsclient.make_query("wWw.EXample.cOm", "A", id=0x6666).to_wire()

    raw = dnsclient.udp_raw(dual.server6, wire)

    assert raw is not None and raw[:2] == b"\x66\x66"
    assert raw[12:12 + 17] == wire[12:12 + 17]


def test_ipv6_upstream_is_used(residns_factory, make_upstream):
    up6 = make_upstream("::1")
    up6.answer("v6only.example.com", "AAAA", ["v6only.example.com. 300 IN AAAA 2001:db8::66"])
    d = residns_factory(upstreams=[up6])

    r = dnsclient.udp(d.server, "v6only.example.com", "AAAA", edns=0)

    assert dnsclient.rrset_texts(r) == {"v6only.example.com. AAAA 2001:db8::66"}
    assert up6.queries_for("v6only.example.com")[0].peer[0] == "::1"
