"""The answer is the client's: its ID, its exact question bytes (0x20 case), its RD bit."""

import concurrent.futures

import dns.flags
import dns.message
import dns.rcode
import pytest

import dnsclient
from scripted_upstream import question_bytes

RECORDS = ["www.example.com. 300 IN A 192.0.2.1"]


@pytest.mark.parametrize("transport", ["udp", "tcp"])
def test_mixed_case_qname_and_id_are_preserved(residns, upstream, transport):
    upstream.answer("www.example.com", "A", RECORDS)
    query = dnsclient.make_query("WwW.ExAmPle.COM", "A", id=0xBEEF, edns=0).to_wire()

    raw = (dnsclient.udp_raw if transport == "udp" else dnsclient.tcp_raw)(residns.server, query)

    assert raw is not None, "no answer"
    assert raw[:2] == b"\xbe\xef", "the client's ID"
    assert question_bytes(raw) == question_bytes(query), "the client's exact question bytes"
    r = dns.message.from_wire(raw)
    assert r.question[0].name.to_text() == "WwW.ExAmPle.COM."
    assert dnsclient.rrset_texts(r) == {"www.example.com. A 192.0.2.1"}


def test_cached_answer_carries_second_clients_id_and_case(residns, upstream):
    upstream.answer("www.example.com", "A", RECORDS)
    first = dnsclient.make_query("www.example.com", "A", id=1111, edns=0).to_wire()
    second = dnsclient.make_query("WWW.EXAMPLE.com", "A", id=2222, edns=0).to_wire()

    assert dnsclient.udp_raw(residns.server, first) is not None
    raw = dnsclient.udp_raw(residns.server, second)

    assert raw is not None
    assert raw[:2] == (2222).to_bytes(2, "big")
    assert question_bytes(raw) == question_bytes(second)
    assert dnsclient.rrset_texts(dns.message.from_wire(raw)) == {"www.example.com. A 192.0.2.1"}


def test_answer_keeps_id_for_many_concurrent_queries(residns, upstream):
    names = [f"host{i}.example.com" for i in range(20)]
    for i, n in enumerate(names):
        upstream.answer(n, "A", [f"{n}. 300 IN A 192.0.2.{i + 1}"])
    with concurrent.futures.ThreadPoolExecutor(10) as pool:
        results = list(pool.map(
            lambda i: dnsclient.udp(residns.server, names[i], "A", id=1000 + i, edns=0),
            range(len(names))))
    for i, r in enumerate(results):
        assert r.id == 1000 + i
        assert dnsclient.rrset_texts(r) == {f"{names[i]}. A 192.0.2.{i + 1}"}


@pytest.mark.parametrize("rd", [True, False])
def test_rd_bit_is_copied_and_ra_is_set(residns, upstream, rd):
    upstream.answer("www.example.com", "A", RECORDS)
    raw = dnsclient.udp_raw(residns.server,
                            dnsclient.make_query("www.example.com", "A", id=7, rd=rd).to_wire(),
                            timeout=4)

    assert raw is not None
    h = dnsclient.header(raw)
    assert h["qr"] and h["id"] == 7
    assert h["rd"] == rd
    assert h["ra"]


def test_forwarded_answer_has_aa_clear_even_if_upstream_set_it(residns, upstream):
    upstream.answer("www.example.com", "A", RECORDS, aa=True)

    r = dnsclient.udp(residns.server, "www.example.com", "A")

    assert dnsclient.rrset_texts(r) == {"www.example.com. A 192.0.2.1"}
    assert not r.flags & dns.flags.AA
