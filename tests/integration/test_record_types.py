"""Forwarded answers of the common record types, NXDOMAIN and NODATA, against the scripted upstream.

Each test reads: the upstream is scripted with an answer; a client asks residns; the client gets
the upstream's records with residns's own header (RA=1, AA=0, RD copied, the client's ID)."""

import dns.flags
import dns.rcode
import dns.rdatatype
import pytest

import dnsclient

SOA = "example.com. 300 IN SOA ns1.example.com. hostmaster.example.com. 2024010101 7200 900 1209600 300"

CASES = {
    "A": ["www.example.com. 300 IN A 192.0.2.1", "www.example.com. 300 IN A 192.0.2.2"],
    "AAAA": ["www.example.com. 300 IN AAAA 2001:db8::1"],
    "MX": ["example.com. 300 IN MX 10 mail.example.com.",
           "example.com. 300 IN MX 20 backup.example.com."],
    "TXT": ['example.com. 300 IN TXT "v=spf1 -all"',
            'example.com. 300 IN TXT "two strings" "in one record"'],
    "SRV": ["_sip._udp.example.com. 300 IN SRV 10 60 5060 sip.example.com."],
}


def expected(records):
    out = set()
    for line in records:
        name, _ttl, _cls, rtype, rdata = line.split(None, 4)
        out.add(f"{name.lower()} {rtype} {rdata}")
    return out


@pytest.mark.parametrize("rdtype", list(CASES))
def test_record_type_is_forwarded_and_answered(residns, upstream, rdtype):
    records = CASES[rdtype]
    qname = records[0].split()[0]
    upstream.answer(qname, rdtype, records)

    r = dnsclient.udp(residns.server, qname, rdtype, edns=0)

    assert r.rcode() == dns.rcode.NOERROR
    assert dnsclient.rrset_texts(r) == expected(records)
    assert r.flags & dns.flags.QR
    assert r.flags & dns.flags.RA, "RA=1 on every answer"
    assert r.flags & dns.flags.RD, "RD copied from the query"
    assert not r.flags & dns.flags.AA, "AA=0 on forwarded answers (upstream set AA=1)"
    assert len(upstream.queries_for(qname, rdtype)) >= 1


def test_cname_answer_includes_its_target(residns, upstream):
    upstream.answer("alias.example.com", "A", [
        "alias.example.com. 300 IN CNAME www.example.com.",
        "www.example.com. 300 IN A 192.0.2.10",
    ])
    upstream.answer("www.example.com", "A", ["www.example.com. 300 IN A 192.0.2.10"])

    r = dnsclient.udp(residns.server, "alias.example.com", "A", edns=0)

    assert r.rcode() == dns.rcode.NOERROR
    assert dnsclient.rrset_texts(r) == {"alias.example.com. CNAME www.example.com.",
                                        "www.example.com. A 192.0.2.10"}
    # The CNAME comes first, as the upstream sent it.
    assert r.answer[0].rdtype == dns.rdatatype.CNAME


def test_nxdomain_carries_soa_in_authority(residns, upstream):
    upstream.nxdomain("missing.example.com", soa=SOA)

    r = dnsclient.udp(residns.server, "missing.example.com", "A", edns=0)

    assert r.rcode() == dns.rcode.NXDOMAIN
    assert not r.answer
    assert dnsclient.rrset_texts(r, "authority") == {
        "example.com. SOA ns1.example.com. hostmaster.example.com. 2024010101 7200 900 1209600 300"}


def test_nodata_is_noerror_with_empty_answer_and_soa(residns, upstream):
    upstream.answer("www.example.com", "A", CASES["A"])
    upstream.nodata("www.example.com", "MX", soa=SOA)

    r = dnsclient.udp(residns.server, "www.example.com", "MX", edns=0)

    assert r.rcode() == dns.rcode.NOERROR
    assert not r.answer
    assert [rrset.rdtype for rrset in r.authority] == [dns.rdatatype.SOA]


def test_upstream_servfail_for_the_only_upstream_gives_servfail(residns_factory, upstream):
    upstream.servfail("broken.example.com")
    d = residns_factory(upstreams=[upstream])

    r = dnsclient.udp(d.server, "broken.example.com", "A", timeout=5)

    assert r.rcode() == dns.rcode.SERVFAIL


def test_dig_gets_forwarded_records(residns, upstream):
    upstream.answer("www.example.com", "AAAA", CASES["AAAA"])

    r = dnsclient.dig(residns.server, "www.example.com", "AAAA")

    assert r.status == "NOERROR"
    assert r.records() == expected(CASES["AAAA"])
    assert "ra" in r.flags and "aa" not in r.flags


def test_kdig_gets_forwarded_records(residns, upstream):
    upstream.answer("example.com", "MX", CASES["MX"])

    r = dnsclient.kdig(residns.server, "example.com", "MX")

    assert r.status == "NOERROR"
    assert r.records() == expected(CASES["MX"])


def test_tcp_client_gets_forwarded_records(residns, upstream):
    upstream.answer("example.com", "TXT", CASES["TXT"])

    r = dnsclient.tcp(residns.server, "example.com", "TXT")

    assert r.rcode() == dns.rcode.NOERROR
    assert dnsclient.rrset_texts(r) == expected(CASES["TXT"])
