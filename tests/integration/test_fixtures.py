"""Self-tests of the fixtures (no residns needed): the scripted upstream and NSD behave like real
servers, so a failure elsewhere is about residns and not about the test harness."""

import socket
import struct
import time

import dns.flags
import dns.message
import dns.rcode
import pytest

import dnsclient
from nsd_server import SOA_TEXT
from residns_daemon import to_yaml
from scripted_upstream import bind_udp_tcp_pair, free_port, question_bytes

SOA = "example.com. 300 IN SOA ns.example.com. hostmaster.example.com. 1 7200 900 1209600 300"


def test_scripted_upstream_answers_with_exact_question_bytes_and_id(upstream):
    upstream.answer("www.example.com", "A", ["www.example.com. 300 IN A 192.0.2.1"])
    q = dnsclient.make_query("WwW.ExAmPle.COM", "A", id=0xBEEF)
    wire = q.to_wire()
    raw = dnsclient.udp_raw(upstream.sockaddr, wire)
    assert raw is not None
    assert raw[:2] == b"\xbe\xef"
    assert question_bytes(raw) == question_bytes(wire)
    assert b"WwW\x07ExAmPle\x03COM" in raw
    r = dns.message.from_wire(raw)
    assert dnsclient.rrset_texts(r) == {"www.example.com. A 192.0.2.1"}
    [rec] = upstream.queries
    assert (rec.transport, rec.id, rec.qname, rec.qtype) == ("udp", 0xBEEF, "WwW.ExAmPle.COM.", "A")
    assert rec.wire == wire


def test_scripted_upstream_records_edns_do_cd_and_transport(upstream):
    upstream.answer("a.example.com", "A", ["a.example.com. 300 IN A 192.0.2.1"])
    dnsclient.tcp(upstream.sockaddr, "a.example.com", "A", edns=0, payload=1400, do=True, cd=True)
    dnsclient.udp(upstream.sockaddr, "a.example.com", "A")
    tcp_q, udp_q = upstream.queries
    assert (tcp_q.transport, tcp_q.edns, tcp_q.payload, tcp_q.do, tcp_q.cd) == \
        ("tcp", 0, 1400, True, True)
    assert (udp_q.transport, udp_q.edns, udp_q.payload, udp_q.do, udp_q.cd) == \
        ("udp", -1, 0, False, False)


def test_scripted_upstream_nxdomain_and_nodata_carry_soa(upstream):
    upstream.nxdomain("nx.example.com", soa=SOA)
    upstream.nodata("www.example.com", "MX", soa=SOA)
    nx = dnsclient.udp(upstream.sockaddr, "nx.example.com", "A")
    nodata = dnsclient.udp(upstream.sockaddr, "www.example.com", "MX")
    assert nx.rcode() == dns.rcode.NXDOMAIN and not nx.answer
    assert nodata.rcode() == dns.rcode.NOERROR and not nodata.answer
    for r in (nx, nodata):
        assert [rr.rdtype for rr in r.authority] == [dns.rdatatype.SOA]


@pytest.mark.parametrize("script,rcode", [("servfail", dns.rcode.SERVFAIL),
                                          ("refused", dns.rcode.REFUSED)])
def test_scripted_upstream_error_rcodes(upstream, script, rcode):
    getattr(upstream, script)("x.example.com")
    assert dnsclient.udp(upstream.sockaddr, "x.example.com", "A").rcode() == rcode


def test_scripted_upstream_default_is_refused_and_can_be_changed(upstream):
    assert dnsclient.udp(upstream.sockaddr, "unscripted.example", "A").rcode() == dns.rcode.REFUSED
    upstream.servfail()
    assert dnsclient.udp(upstream.sockaddr, "unscripted.example", "A").rcode() == dns.rcode.SERVFAIL


def test_scripted_upstream_blackhole_is_silent_but_recorded(upstream):
    upstream.blackhole()
    assert dnsclient.udp_raw(upstream.sockaddr, dnsclient.make_query("x.example").to_wire(),
                             timeout=0.3) is None
    assert len(upstream.queries) == 1 and upstream.queries[0].answered == "blackhole"


def test_scripted_upstream_garbage_keeps_id(upstream):
    upstream.garbage("g.example")
    raw = dnsclient.udp_raw(upstream.sockaddr, dnsclient.make_query("g.example", id=77).to_wire())
    assert raw == struct.pack("!H", 77) + b"\xde\xad\xbe\xef" * 8


def test_scripted_upstream_delay_applies_per_name(upstream):
    upstream.answer("slow.example", "A", ["slow.example. 60 IN A 192.0.2.9"])
    upstream.delay("slow.example", 0.4)
    t = time.monotonic()
    dnsclient.udp(upstream.sockaddr, "slow.example", "A")
    assert time.monotonic() - t >= 0.35


def test_scripted_upstream_delayed_tcp_answers_come_out_of_order(upstream):
    upstream.answer("slow.example", "A", ["slow.example. 60 IN A 192.0.2.9"])
    upstream.answer("fast.example", "A", ["fast.example. 60 IN A 192.0.2.8"])
    upstream.delay("slow.example", 0.3)
    with socket.create_connection(upstream.sockaddr, timeout=2) as s:
        for i, name in enumerate(["slow.example", "fast.example"]):
            w = dnsclient.make_query(name, id=i).to_wire()
            s.sendall(struct.pack("!H", len(w)) + w)
        ids = [struct.unpack("!H", dnsclient.read_frame(s)[:2])[0] for _ in range(2)]
    assert ids == [1, 0]


def test_scripted_upstream_truncates_udp_and_answers_fully_over_tcp(upstream):
    records = [f"big.example. 300 IN A 192.0.2.{i}" for i in range(1, 41)]
    upstream.answer("big.example", "A", records)
    upstream.truncate_udp("big.example", "A")
    u = dnsclient.udp(upstream.sockaddr, "big.example", "A", edns=0, payload=4096)
    t = dnsclient.tcp(upstream.sockaddr, "big.example", "A")
    assert u.flags & dns.flags.TC and not u.answer
    assert not t.flags & dns.flags.TC and len(t.answer[0]) == 40


def test_scripted_upstream_truncates_what_does_not_fit_the_udp_limit(upstream):
    upstream.answer("big.example", "A", [f"big.example. 300 IN A 192.0.2.{i}" for i in range(1, 41)])
    small = dnsclient.udp(upstream.sockaddr, "big.example", "A")  # no EDNS: 512
    large = dnsclient.udp(upstream.sockaddr, "big.example", "A", edns=0, payload=1232)
    assert small.flags & dns.flags.TC
    assert not large.flags & dns.flags.TC and len(large.answer[0]) == 40


def test_scripted_upstream_on_ipv6(make_upstream):
    up = make_upstream("::1")
    up.answer("v6.example", "AAAA", ["v6.example. 300 IN AAAA 2001:db8::1"])
    assert up.address == f"[::1]:{up.port}"
    r = dnsclient.dig(up.sockaddr, "v6.example", "AAAA")
    assert r.records() == {"v6.example. AAAA 2001:db8::1"}


def test_dig_and_kdig_output_is_parsed(upstream):
    upstream.answer("t.example", "TXT", ['t.example. 300 IN TXT "hello world" "two"'])
    upstream.nxdomain("nx.example", soa=SOA)
    d = dnsclient.dig(upstream.sockaddr, "t.example", "TXT")
    k = dnsclient.kdig(upstream.sockaddr, "t.example", "TXT", "+edns")
    for r in (d, k):
        assert r.status == "NOERROR" and {"qr", "aa", "rd"} <= r.flags
        assert r.edns and r.edns_udp == 1232
        assert r.records() == {'t.example. TXT "hello world" "two"'}
    nx = dnsclient.kdig(upstream.sockaddr, "nx.example", "A")
    assert nx.status == "NXDOMAIN" and not nx.edns
    assert [a.split()[3] for a in nx.authority] == ["SOA"]


def test_free_port_is_free_for_udp_and_tcp_on_both_families():
    port = free_port(["127.0.0.1", "::1"])
    for host, fam in (("127.0.0.1", socket.AF_INET), ("::1", socket.AF_INET6)):
        for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
            with socket.socket(fam, kind) as s:
                s.bind((host, port))
    udp, tcp, p = bind_udp_tcp_pair("127.0.0.1")
    udp.close()
    tcp.close()
    assert p > 0


def test_yaml_emitter_writes_the_config_shape():
    text = to_yaml({"listen": ["127.0.0.1:53", "[::1]:53"], "threads": 1,
                    "forward_zones": [{"zone": "corp.example", "upstreams": ["127.0.0.1:5400"]}],
                    "forwarding": {"try_timeout": "1s"}})
    assert text == ('listen: ["127.0.0.1:53", "[::1]:53"]\n'
                    'threads: 1\n'
                    'forward_zones:\n'
                    '  - zone: "corp.example"\n'
                    '    upstreams: ["127.0.0.1:5400"]\n'
                    'forwarding:\n'
                    '  try_timeout: "1s"')
    yaml = pytest.importorskip("yaml")
    assert yaml.safe_load(text)["forward_zones"][0]["upstreams"] == ["127.0.0.1:5400"]


def test_nsd_serves_its_zone(nsd):
    www = dnsclient.dig(nsd.sockaddr, "www.nsd.example.org", "A")
    assert "aa" in www.flags
    assert www.records() == {"www.nsd.example.org. A 192.0.2.80", "www.nsd.example.org. A 192.0.2.81"}
    nx = dnsclient.udp(nsd.sockaddr, "nope.nsd.example.org", "A")
    assert nx.rcode() == dns.rcode.NXDOMAIN
    assert nx.authority[0].name.to_text() == SOA_TEXT.split()[0]
