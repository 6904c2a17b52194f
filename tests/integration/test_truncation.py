"""Large answers: truncated over UDP (TC=1, at an RRset boundary, within the client's limit),
complete over TCP.  The limit is 512 without EDNS, else min(client's size, 1232)."""

import dns.flags
import dns.message
import dns.rcode
import dns.rdatatype
import pytest

import dnsclient

FORTY = [f"forty.example.com. 300 IN A 192.0.2.{i}" for i in range(1, 41)]  # ~690 bytes
HUNDRED = [f"hundred.example.com. 300 IN A 198.51.100.{i}" for i in range(1, 101)]  # ~1650 bytes
BIG_TXT = ['bigtxt.example.com. 300 IN TXT "' + ("x" * 250) + '" "' + ("y" * 250) + f'" "{i}"'
           for i in range(4)]  # ~2100 bytes
CNAME_CHAIN = ["chain.example.com. 300 IN CNAME forty.example.com."] + FORTY


@pytest.fixture
def big(residns, upstream):
    upstream.answer("forty.example.com", "A", FORTY)
    upstream.answer("hundred.example.com", "A", HUNDRED)
    upstream.answer("bigtxt.example.com", "TXT", BIG_TXT)
    upstream.answer("chain.example.com", "A", CNAME_CHAIN)
    return residns


def assert_truncated_at_rrset_boundary(raw: bytes, limit: int, full: dns.message.Message):
    assert raw is not None, "no UDP answer"
    assert len(raw) <= limit, f"UDP answer of {len(raw)} bytes exceeds the client's limit {limit}"
    h = dnsclient.header(raw)
    assert h["tc"], "TC=1 on a truncated answer"
    assert h["rcode"] == dns.rcode.NOERROR
    msg = dns.message.from_wire(raw)
    complete = {(rr.name, rr.rdtype): len(rr) for rr in full.answer}
    for rrset in msg.answer:
        assert len(rrset) == complete[(rrset.name, rrset.rdtype)], \
            f"partial RRset {rrset.name} {rrset.rdtype}: {len(rrset)} of " \
            f"{complete[(rrset.name, rrset.rdtype)]} records"


def full_answer(server, name, rdtype="A"):
    r = dnsclient.tcp(server, name, rdtype, edns=0)
    assert not r.flags & dns.flags.TC
    return r


def test_large_answer_is_truncated_for_client_without_edns(big):
    raw = dnsclient.udp_raw(big.server, dnsclient.make_query("forty.example.com", "A").to_wire())
    full = full_answer(big.server, "forty.example.com")

    assert_truncated_at_rrset_boundary(raw, 512, full)
    assert dnsclient.header(raw)["arcount"] == 0, "no OPT for a client without EDNS"


def test_large_answer_is_truncated_for_client_advertising_512(big):
    raw = dnsclient.udp_raw(big.server, dnsclient.make_query(
        "forty.example.com", "A", edns=0, payload=512).to_wire())
    full = full_answer(big.server, "forty.example.com")

    assert_truncated_at_rrset_boundary(raw, 512, full)
    assert dns.message.from_wire(raw).edns == 0, "the OPT stays in a truncated answer"


def test_answer_that_fits_the_clients_edns_size_is_not_truncated(big):
    r = dnsclient.udp(big.server, "forty.example.com", "A", edns=0, payload=1232)

    assert not r.flags & dns.flags.TC
    assert len(r.answer) == 1 and len(r.answer[0]) == 40


@pytest.mark.parametrize("payload", [1232, 4096])
def test_large_answer_is_truncated_at_1232_for_large_edns_clients(big, payload):
    raw = dnsclient.udp_raw(big.server, dnsclient.make_query(
        "hundred.example.com", "A", edns=0, payload=payload).to_wire(), timeout=4)
    full = full_answer(big.server, "hundred.example.com")

    assert_truncated_at_rrset_boundary(raw, 1232, full)


def test_large_txt_is_truncated_over_udp_and_complete_over_tcp(big):
    raw = dnsclient.udp_raw(big.server, dnsclient.make_query(
        "bigtxt.example.com", "TXT", edns=0, payload=1232).to_wire(), timeout=4)
    full = full_answer(big.server, "bigtxt.example.com", "TXT")

    assert len(full.answer) == 1 and len(full.answer[0]) == 4
    assert_truncated_at_rrset_boundary(raw, 1232, full)


def test_truncation_keeps_whole_rrsets_of_a_cname_chain(big):
    raw = dnsclient.udp_raw(big.server, dnsclient.make_query("chain.example.com", "A").to_wire())
    full = full_answer(big.server, "chain.example.com")

    assert {(rr.rdtype, len(rr)) for rr in full.answer} == {(dns.rdatatype.CNAME, 1),
                                                          (dns.rdatatype.A, 40)}
    assert_truncated_at_rrset_boundary(raw, 512, full)


@pytest.mark.parametrize("name,count", [("forty.example.com", 40), ("hundred.example.com", 100)])
def test_large_answer_is_complete_over_tcp(big, name, count):
    for edns in (None, 0):
        r = dnsclient.tcp(big.server, name, "A", edns=edns, payload=512)
        assert r.rcode() == dns.rcode.NOERROR
        assert not r.flags & dns.flags.TC, "never truncated over TCP"
        assert len(r.answer) == 1 and len(r.answer[0]) == count


def test_cached_large_answer_is_truncated_for_udp_clients_too(big):
    full = full_answer(big.server, "forty.example.com")  # fills the cache over TCP
    raw = dnsclient.udp_raw(big.server, dnsclient.make_query("forty.example.com", "A").to_wire())

    assert_truncated_at_rrset_boundary(raw, 512, full)


def test_dig_retries_over_tcp_after_tc_and_gets_everything(big):
    r = dnsclient.dig(big.server, "hundred.example.com", "A", timeout=3)

    assert r.status == "NOERROR"
    assert len(r.records()) == 100
    assert "tc" not in r.flags


def test_dig_sees_tc_over_udp_without_edns(big):
    r = dnsclient.dig(big.server, "forty.example.com", "A", "+noedns", "+ignore")

    assert "tc" in r.flags
    assert not r.edns


def test_upstream_truncation_is_retried_over_tcp(residns, upstream):
    upstream.answer("tc.example.com", "A", ["tc.example.com. 300 IN A 192.0.2.77"])
    upstream.truncate_udp("tc.example.com", "A")

    r = dnsclient.udp(residns.server, "tc.example.com", "A", edns=0, timeout=4)

    assert not r.flags & dns.flags.TC
    assert dnsclient.rrset_texts(r) == {"tc.example.com. A 192.0.2.77"}
    transports = [q.transport for q in upstream.queries_for("tc.example.com")]
    assert transports[0] == "udp" and "tcp" in transports
