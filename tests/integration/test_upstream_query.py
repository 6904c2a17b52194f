"""The query residns sends upstream is its own: a random ID (not the client's), random 0x20 case of
the qname, RD=1, an OPT advertising 1232, DO as the client asked."""

import dns.flags
import dns.rcode

import dnsclient
from scripted_upstream import question_bytes

LONG = "abcdefghijklmnopqrstuvwxyz"  # 26 letters: all-lower by chance has probability 2**-26


def script(upstream, names):
    for i, n in enumerate(names):
        upstream.answer(n, "A", [f"{n}. 300 IN A 192.0.2.{i + 1}"])


def test_upstream_query_uses_its_own_random_id(residns, upstream):
    names = [f"id{i}.example.com" for i in range(12)]
    script(upstream, names)

    for n in names:
        r = dnsclient.udp(residns.server, n, "A", id=0x1234, edns=0)
        assert r.id == 0x1234
        assert dnsclient.rrset_texts(r) == {f"{n}. A 192.0.2.{names.index(n) + 1}"}

    ids = [upstream.queries_for(n)[0].id for n in names]
    assert 0x1234 not in ids, f"the client's ID leaked upstream: {ids}"
    assert len(set(ids)) >= len(ids) - 1, f"upstream IDs are not random: {ids}"


def test_upstream_qname_has_random_0x20_case(residns, upstream):
    names = [f"{LONG}{i}.example.com" for i in range(6)]
    script(upstream, names)

    for n in names:
        r = dnsclient.udp(residns.server, n, "A", edns=0)
        assert r.question[0].name.to_text() == f"{n}.", "the client still sees its own case"

    seen = [upstream.queries_for(n)[0].qname for n in names]
    assert [s.lower() for s in seen] == [f"{n}." for n in names]
    mixed = [s for s in seen if s != s.lower() and s != s.upper()]
    assert len(mixed) == len(seen), f"every upstream qname should be mixed case: {seen}"
    patterns = {tuple(c.isupper() for c in s[:len(LONG)]) for s in seen}
    assert len(patterns) == len(seen), f"the case pattern is not random per query: {seen}"


def test_upstream_case_does_not_copy_the_clients_case(residns, upstream):
    names = [f"{LONG}{i}.example.com" for i in range(4)]
    script(upstream, names)

    for n in names:
        dnsclient.udp(residns.server, n.upper(), "A", edns=0)

    seen = [upstream.queries_for(n)[0].qname for n in names]
    assert any(s != f"{n.upper()}." for s, n in zip(seen, names)), seen


def test_upstream_query_has_rd_and_opt_1232(residns, upstream):
    script(upstream, ["plain.example.com", "noedns.example.com"])

    dnsclient.udp(residns.server, "plain.example.com", "A", edns=0, payload=4096)
    dnsclient.udp(residns.server, "noedns.example.com", "A", timeout=4)

    for n in ("plain.example.com", "noedns.example.com"):
        q = upstream.queries_for(n)[0]
        assert q.rd, f"{n}: RD=1 upstream"
        assert q.edns == 0, f"{n}: an OPT upstream, even for a client without EDNS"
        assert q.payload == 1232, f"{n}: advertises {q.payload}"
        assert q.transport == "udp"
        assert not q.message.answer and not q.message.authority


def test_do_bit_is_propagated_as_the_client_asked(residns, upstream):
    script(upstream, ["do.example.com", "nodo.example.com"])

    dnsclient.udp(residns.server, "do.example.com", "A", edns=0, do=True)
    dnsclient.udp(residns.server, "nodo.example.com", "A", edns=0, do=False)

    assert upstream.queries_for("do.example.com")[0].do is True
    assert upstream.queries_for("nodo.example.com")[0].do is False


def test_do_and_no_do_queries_for_the_same_name_are_both_forwarded(residns, upstream):
    script(upstream, ["same.example.com"])

    a = dnsclient.udp(residns.server, "same.example.com", "A", edns=0, do=False)
    b = dnsclient.udp(residns.server, "same.example.com", "A", edns=0, do=True)

    assert a.rcode() == b.rcode() == dns.rcode.NOERROR
    dos = sorted(q.do for q in upstream.queries_for("same.example.com"))
    assert dos == [False, True], "a DO=0 answer must not serve a DO=1 client"


def test_answer_with_wrong_case_from_upstream_is_not_accepted(residns_factory, make_upstream):
    """An answer whose question does not match the 0x20 case that was sent is a spoofing sign:
    residns treats it as a failed attempt (here: fails over to the honest upstream)."""
    spoofer, honest = make_upstream(), make_upstream()
    spoofer.answer("victim.example.com", "A", ["victim.example.com. 300 IN A 203.0.113.66"])
    honest.answer("victim.example.com", "A", ["victim.example.com. 300 IN A 192.0.2.1"])
    render = spoofer._render

    def lower_case_question(wire, msg, rule, transport):
        out = render(wire, msg, rule, transport)
        n = len(question_bytes(wire)) - 4  # the qname's length
        return out[:12] + out[12:12 + n].lower() + out[12 + n:]

    spoofer._render = lower_case_question
    d = residns_factory(upstreams=[spoofer, honest])

    r = dnsclient.udp(d.server, "victim.example.com", "A", edns=0, timeout=6)

    assert spoofer.queries_for("victim.example.com"), "the first upstream is asked first"
    assert dnsclient.rrset_texts(r) == {"victim.example.com. A 192.0.2.1"}, \
        "an answer whose question case differs from the query's was accepted"
