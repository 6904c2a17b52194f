"""residns forwarding to a real authoritative server (NSD) for nsd.example.org."""

import dns.flags
import dns.rcode
import dns.rdatatype
import pytest

import dnsclient


@pytest.fixture
def residns_nsd(residns_factory, nsd):
    return residns_factory(upstreams=[nsd.address])


def test_a_records_from_nsd(residns_nsd):
    r = dnsclient.udp(residns_nsd.server, "www.nsd.example.org", "A", edns=0)

    assert r.rcode() == dns.rcode.NOERROR
    assert dnsclient.rrset_texts(r) == {"www.nsd.example.org. A 192.0.2.80", "www.nsd.example.org. A 192.0.2.81"}
    assert not r.flags & dns.flags.AA, "NSD answers AA=1; residns's forwarded answer has AA=0"
    assert r.flags & dns.flags.RA


def test_mx_from_nsd_with_dig(residns_nsd):
    r = dnsclient.dig(residns_nsd.server, "nsd.example.org", "MX")

    assert r.status == "NOERROR"
    assert r.records() == {"nsd.example.org. MX 10 mail.nsd.example.org.", "nsd.example.org. MX 20 backup-mail.nsd.example.org."}


def test_srv_and_txt_from_nsd_with_kdig(residns_nsd):
    srv = dnsclient.kdig(residns_nsd.server, "_sip._udp.nsd.example.org", "SRV")
    txt = dnsclient.kdig(residns_nsd.server, "txt.nsd.example.org", "TXT", "+edns")

    assert srv.records() == {"_sip._udp.nsd.example.org. SRV 10 60 5060 sip.nsd.example.org."}
    assert txt.records() == {'txt.nsd.example.org. TXT "v=spf1 -all" "second string"'}


def test_cname_from_nsd_includes_target(residns_nsd):
    r = dnsclient.udp(residns_nsd.server, "alias.nsd.example.org", "A", edns=0)

    assert dnsclient.rrset_texts(r) == {"alias.nsd.example.org. CNAME www.nsd.example.org.",
                                        "www.nsd.example.org. A 192.0.2.80", "www.nsd.example.org. A 192.0.2.81"}


def test_nxdomain_from_nsd_carries_soa(residns_nsd):
    r = dnsclient.udp(residns_nsd.server, "nope.nsd.example.org", "A", edns=0)

    assert r.rcode() == dns.rcode.NXDOMAIN
    assert not r.answer
    assert [(rr.name.to_text(), rr.rdtype) for rr in r.authority] == [("nsd.example.org.", dns.rdatatype.SOA)]


def test_nodata_from_nsd_carries_soa(residns_nsd):
    r = dnsclient.udp(residns_nsd.server, "mail.nsd.example.org", "AAAA", edns=0)

    assert r.rcode() == dns.rcode.NOERROR
    assert not r.answer
    assert [(rr.name.to_text(), rr.rdtype) for rr in r.authority] == [("nsd.example.org.", dns.rdatatype.SOA)]
