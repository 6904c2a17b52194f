"""TCP (RFC 7766): length framing, pipelining with out-of-order answers, idle timeout."""

import socket
import struct
import time

import dns.message
import dns.exception
import dns.rcode

import dnsclient


def frame(msg) -> bytes:
    wire = msg.to_wire()
    return struct.pack("!H", len(wire)) + wire


def test_pipelined_queries_are_answered_out_of_order(residns_factory, upstream):
    names = [f"q{i}.example.com" for i in range(1, 11)]
    for i, n in enumerate(names, start=1):
        upstream.answer(n, "A", [f"{n}. 300 IN A 192.0.2.{i}"])
    upstream.delay(names[0], 0.3)  # the first query's answer is slow
    d = residns_factory(upstreams=[upstream], forwarding={"try_timeout": "2s", "total_timeout": "4s"})
    queries = [dnsclient.make_query(n, "A", id=100 + i) for i, n in enumerate(names, start=1)]

    with socket.create_connection(d.server, timeout=5) as s:
        s.sendall(b"".join(frame(q) for q in queries))  # all ten in one write
        answers = [dns.message.from_wire(dnsclient.read_frame(s, timeout=5)) for _ in queries]

    assert answers[0].id != 101, "the first answer to arrive must not be the delayed query #1"
    assert sorted(a.id for a in answers) == list(range(101, 111))
    for a in answers:
        i = a.id - 100
        assert a.rcode() == dns.rcode.NOERROR
        assert a.question[0].name.to_text() == f"{names[i - 1]}."
        assert dnsclient.rrset_texts(a) == {f"{names[i - 1]}. A 192.0.2.{i}"}


def test_sequential_queries_share_one_connection(residns, upstream):
    for i in range(3):
        upstream.answer(f"s{i}.example.com", "A", [f"s{i}.example.com. 300 IN A 192.0.2.{i + 1}"])

    with socket.create_connection(residns.server, timeout=5) as s:
        for i in range(3):
            s.sendall(frame(dnsclient.make_query(f"s{i}.example.com", "A", id=i)))
            a = dns.message.from_wire(dnsclient.read_frame(s))
            assert a.id == i
            assert dnsclient.rrset_texts(a) == {f"s{i}.example.com. A 192.0.2.{i + 1}"}


def test_query_split_across_segments_is_reassembled(residns, upstream):
    upstream.answer("split.example.com", "A", ["split.example.com. 300 IN A 192.0.2.5"])
    data = frame(dnsclient.make_query("split.example.com", "A", id=4242))

    with socket.create_connection(residns.server, timeout=5) as s:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for chunk in (data[:1], data[1:7], data[7:]):
            s.sendall(chunk)
            time.sleep(0.05)
        a = dns.message.from_wire(dnsclient.read_frame(s))

    assert a.id == 4242
    assert dnsclient.rrset_texts(a) == {"split.example.com. A 192.0.2.5"}


def test_idle_connection_is_closed_after_idle_timeout(residns_factory, upstream):
    upstream.answer("idle.example.com", "A", ["idle.example.com. 300 IN A 192.0.2.6"])
    d = residns_factory(upstreams=[upstream], tcp={"idle_timeout": "1s"})

    with socket.create_connection(d.server, timeout=5) as s:
        s.sendall(frame(dnsclient.make_query("idle.example.com", "A", id=9)))
        assert dns.message.from_wire(dnsclient.read_frame(s)).id == 9
        answered = time.monotonic()
        s.settimeout(4)
        try:
            data = s.recv(1)
        except ConnectionResetError:
            data = b""
        except socket.timeout:
            data = None
        closed_after = time.monotonic() - answered

    assert data == b"", "the server must close an idle connection"
    assert 0.5 <= closed_after <= 3.0, f"closed after {closed_after:.2f}s, idle_timeout is 1s"


def test_tcp_answer_is_never_truncated_even_without_edns(residns, upstream):
    records = [f"many.example.com. 300 IN A 203.0.113.{i}" for i in range(1, 101)]
    upstream.answer("many.example.com", "A", records)

    with socket.create_connection(residns.server, timeout=5) as s:
        s.sendall(frame(dnsclient.make_query("many.example.com", "A", id=3)))
        raw = dnsclient.read_frame(s, timeout=5)

    assert not dnsclient.header(raw)["tc"]
    assert len(dns.message.from_wire(raw).answer[0]) == 100


def test_one_client_address_cannot_take_every_connection(residns_factory, upstream):
    """Beyond max_connections_per_client a client's new connections are closed at once; another
    client address (127.0.0.2) still gets in, and so does the first once one closes."""
    upstream.answer("pc.example.com", "A", ["pc.example.com. 300 IN A 192.0.2.7"])
    d = residns_factory(upstreams=[upstream],
                        tcp={"max_connections_per_client": 3, "max_connections": 100})

    def answered(sock: socket.socket, qid: int) -> bool:
        try:
            sock.sendall(frame(dnsclient.make_query("pc.example.com", "A", id=qid)))
            return dns.message.from_wire(dnsclient.read_frame(sock)).id == qid
        except (ConnectionError, OSError, EOFError, dns.exception.DNSException):
            return False

    held = [socket.create_connection(d.server, timeout=5) for _ in range(3)]
    try:
        for i, s in enumerate(held):
            assert answered(s, 100 + i)
        extra = socket.create_connection(d.server, timeout=5)
        assert not answered(extra, 200), "a fourth connection of the same client is refused"
        extra.close()

        other = socket.create_connection(d.server, timeout=5, source_address=("127.0.0.2", 0))
        assert answered(other, 300), "another client is not affected"
        other.close()

        held.pop().close()
        deadline = time.monotonic() + 3
        ok = False
        while not ok and time.monotonic() < deadline:
            again = socket.create_connection(d.server, timeout=5)
            ok = answered(again, 400)
            again.close()
            time.sleep(0.05)
        assert ok, "a slot freed by a closed connection is usable again"
    finally:
        for s in held:
            s.close()
