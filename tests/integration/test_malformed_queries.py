"""Bad input: short packets are dropped, malformed queries get FORMERR, other opcodes NOTIMP,
unknown EDNS versions BADVERS; none of them reaches the upstream and the daemon keeps serving."""

import socket
import struct

import dns.flags
import dns.message
import dns.opcode
import dns.rcode
import pytest

import dnsclient

RECORDS = ["www.example.com. 300 IN A 192.0.2.1"]
QUESTION = b"\x03www\x07example\x03com\x00\x00\x01\x00\x01"


def hdr(ident=0x4242, flags=0x0100, qd=1, an=0, ns=0, ar=0) -> bytes:
    return struct.pack("!HHHHHH", ident, flags, qd, an, ns, ar)


def send(d, wire, transport, timeout=2.0):
    fn = dnsclient.udp_raw if transport == "udp" else dnsclient.tcp_raw
    return fn(d.server, wire, timeout=timeout)


def assert_still_serving(d, upstream):
    upstream.answer("www.example.com", "A", RECORDS)
    r = dnsclient.udp(d.server, "www.example.com", "A", timeout=3)
    assert dnsclient.rrset_texts(r) == {"www.example.com. A 192.0.2.1"}


@pytest.mark.parametrize("length", [0, 1, 5, 11])
def test_packet_shorter_than_header_gets_no_answer(residns, upstream, length):
    raw = dnsclient.udp_raw(residns.server, hdr()[:length], timeout=0.7)

    assert raw is None, f"answered a {length}-byte packet: {raw!r}"
    assert residns.alive()
    assert_still_serving(residns, upstream)
    assert len(upstream.queries) == 1  # only the follow-up query


MALFORMED = {
    "question name runs past the end": hdr() + b"\x03www\x07exa",
    "question without type and class": hdr() + b"\x03www\x07example\x03com\x00",
    "label length past the end": hdr() + b"\x3fabc\x00\x00\x01\x00\x01",
    "compression pointer loop in question": hdr() + b"\xc0\x0c\x00\x01\x00\x01",
    "answer count but no answer": hdr(an=1) + QUESTION,
    "additional count but no record": hdr(ar=1) + QUESTION,
    "truncated OPT record": hdr(ar=1) + QUESTION + b"\x00\x00\x29\x04",
}


@pytest.mark.parametrize("transport", ["udp", "tcp"])
@pytest.mark.parametrize("case", list(MALFORMED))
def test_malformed_query_gets_formerr(residns, upstream, case, transport):
    raw = send(residns, MALFORMED[case], transport)

    assert raw is not None, f"no answer to a malformed query ({case})"
    h = dnsclient.header(raw)
    assert h["id"] == 0x4242, "the client's ID"
    assert h["qr"]
    assert h["rcode"] == dns.rcode.FORMERR, f"{case}: rcode {h['rcode']}"
    assert not upstream.queries, "a malformed query must not be forwarded"
    assert_still_serving(residns, upstream)


@pytest.mark.parametrize("qdcount,body", [(0, b""), (2, QUESTION + QUESTION)])
def test_qdcount_other_than_one_gets_formerr(residns, upstream, qdcount, body):
    raw = dnsclient.udp_raw(residns.server, hdr(qd=qdcount) + body)

    assert raw is not None
    h = dnsclient.header(raw)
    assert (h["id"], h["qr"], h["rcode"]) == (0x4242, True, dns.rcode.FORMERR)
    assert not upstream.queries


def test_response_sent_as_query_is_not_answered_with_a_forward(residns, upstream):
    upstream.answer("www.example.com", "A", RECORDS)
    raw = dnsclient.udp_raw(residns.server, hdr(flags=0x8100) + QUESTION, timeout=0.7)

    # QR=1 input is dropped or answered with an error, never forwarded (no reflection loops).
    assert not upstream.queries
    if raw is not None:
        assert dnsclient.header(raw)["rcode"] != dns.rcode.NOERROR
    assert_still_serving(residns, upstream)


@pytest.mark.parametrize("transport", ["udp", "tcp"])
def test_status_opcode_gets_notimp(residns, upstream, transport):
    q = dnsclient.make_query("www.example.com", "A", id=0x5151)
    q.set_opcode(dns.opcode.STATUS)

    raw = send(residns, q.to_wire(), transport)

    assert raw is not None
    h = dnsclient.header(raw)
    assert (h["id"], h["qr"], h["rcode"]) == (0x5151, True, dns.rcode.NOTIMP)
    assert h["opcode"] == dns.opcode.STATUS
    assert not upstream.queries


@pytest.mark.parametrize("opcode", [dns.opcode.IQUERY, dns.opcode.NOTIFY, dns.opcode.UPDATE])
def test_other_opcodes_get_notimp(residns, upstream, opcode):
    wire = hdr(flags=(opcode << 11)) + QUESTION

    raw = dnsclient.udp_raw(residns.server, wire)

    assert raw is not None
    assert dnsclient.header(raw)["rcode"] == dns.rcode.NOTIMP
    assert not upstream.queries


@pytest.mark.parametrize("transport", ["udp", "tcp"])
def test_edns_version_1_gets_badvers_with_opt(residns, upstream, transport):
    q = dnsclient.make_query("www.example.com", "A", id=0x6161, edns=1)

    raw = send(residns, q.to_wire(), transport)

    assert raw is not None
    r = dns.message.from_wire(raw)
    assert r.id == 0x6161
    assert r.rcode() == dns.rcode.BADVERS, f"rcode {dns.rcode.to_text(r.rcode())}"
    assert r.edns == 0, "BADVERS comes in an OPT of version 0"
    assert not r.answer
    assert not upstream.queries


def test_garbage_does_not_stop_the_daemon(residns, upstream):
    for blob in (b"\xff" * 12, b"\x00" * 512, bytes(range(256)) * 2, b"\x12\x34" + b"\xc0" * 100):
        dnsclient.udp_raw(residns.server, blob, timeout=0.2)
    assert residns.alive()
    assert_still_serving(residns, upstream)


def test_tcp_frame_shorter_than_header_closes_or_is_ignored(residns, upstream):
    with socket.create_connection(residns.server, timeout=3) as s:
        s.sendall(struct.pack("!H", 4) + b"\x00\x01\x02\x03")
        s.settimeout(1.0)
        try:
            data = s.recv(65535)
        except (socket.timeout, ConnectionResetError):
            data = b""
    if data:  # dropping (and maybe closing) is expected; an answer may only be an error
        assert len(data) >= 14 and dnsclient.header(data[2:])["rcode"] != dns.rcode.NOERROR
    assert_still_serving(residns, upstream)
