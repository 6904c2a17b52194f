"""Clients with and without EDNS: the answer has an OPT (advertising 1232) only if the query had one."""

import dns.rcode
import pytest

import dnsclient

RECORDS = ["www.example.com. 300 IN A 192.0.2.1"]


@pytest.fixture
def served(residns, upstream):
    upstream.answer("www.example.com", "A", RECORDS)
    return residns


def test_dig_without_edns_gets_no_opt(served):
    r = dnsclient.dig(served.server, "www.example.com", "A", "+noedns")

    assert r.status == "NOERROR"
    assert r.records() == {"www.example.com. A 192.0.2.1"}
    assert not r.edns, "no OPT in the answer to a query without one"


def test_dig_default_edns_gets_opt_advertising_1232(served):
    r = dnsclient.dig(served.server, "www.example.com", "A")

    assert r.status == "NOERROR"
    assert r.records() == {"www.example.com. A 192.0.2.1"}
    assert r.edns and r.edns_udp == 1232


def test_kdig_without_edns_gets_no_opt(served):
    r = dnsclient.kdig(served.server, "www.example.com", "A")

    assert r.status == "NOERROR"
    assert r.records() == {"www.example.com. A 192.0.2.1"}
    assert not r.edns


def test_kdig_with_edns_gets_opt_advertising_1232(served):
    r = dnsclient.kdig(served.server, "www.example.com", "A", "+edns", "+bufsize=4096")

    assert r.status == "NOERROR"
    assert r.edns and r.edns_udp == 1232


@pytest.mark.parametrize("payload", [512, 1232, 4096])
def test_answer_advertises_1232_whatever_the_client_advertised(served, payload):
    r = dnsclient.udp(served.server, "www.example.com", "A", edns=0, payload=payload)

    assert r.rcode() == dns.rcode.NOERROR
    assert r.edns == 0
    assert r.payload == 1232


def test_dnspython_without_edns_gets_no_opt(served):
    r = dnsclient.udp(served.server, "www.example.com", "A")

    assert r.edns == -1
    assert dnsclient.rrset_texts(r) == {"www.example.com. A 192.0.2.1"}


def test_tcp_answer_has_opt_only_if_query_had_one(served):
    with_opt = dnsclient.tcp(served.server, "www.example.com", "A", edns=0)
    without = dnsclient.tcp(served.server, "www.example.com", "A")

    assert with_opt.edns == 0 and with_opt.payload == 1232
    assert without.edns == -1
