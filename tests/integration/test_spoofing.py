"""Spoofing defences seen from outside: residns's upstream queries leave from several source
ports (a pool of c-ares channels), and a forged answer that carries the right ID and question but
comes from another port or address is ignored: the client gets the real upstream's answer.
Forwarding loops: an upstream (default or of a forward zone) that is residns itself is dropped
with a warning; residns starts and uses the others."""

import socket

import dns.message
import dns.rrset

import dns.rcode

import dnsclient
import residns_daemon
from scripted_upstream import free_port, question_bytes


def test_upstream_queries_leave_from_several_source_ports(residns, upstream):
    names = [f"port{i}.example.com" for i in range(12)]
    for n in names:
        upstream.answer(n, "A", [f"{n}. 300 IN A 192.0.2.1"])
    for n in names:
        dnsclient.udp(residns.server, n)
    ports = {q.peer[1] for q in upstream.queries if q.transport == "udp"}
    # Three channels per upstream by default, used in turn.
    assert len(ports) >= 3, ports


def forged_answer(query_wire: bytes) -> bytes:
    q = dns.message.from_wire(query_wire)
    r = dns.message.make_response(q)
    r.answer.append(dns.rrset.from_text(q.question[0].name, 300, "IN", "A", "6.6.6.6"))
    out = r.to_wire()
    qb = question_bytes(query_wire)
    return out[:12] + qb + out[12 + len(qb):]


def test_forged_answer_from_another_port_or_address_is_ignored(residns, upstream):
    name = "spoof.example.com"
    upstream.answer(name, "A", [f"{name}. 300 IN A 192.0.2.77"])
    upstream.delay(name, 0.6)
    query = dnsclient.make_query(name, "A", id=0x5151)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as client:
        client.settimeout(4)
        client.sendto(query.to_wire(), residns.server)
        got = upstream.wait_for_queries(1, timeout=2, name=name)
        assert got, "residns did not ask the upstream"
        asked = got[0]
        forged = forged_answer(asked.wire)
        target = ("127.0.0.1", asked.peer[1])
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as other_port, \
                socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as other_address:
            other_port.bind(("127.0.0.1", 0))
            other_address.bind(("127.0.0.2", upstream.port))
            for _ in range(5):
                other_port.sendto(forged, target)
                other_address.sendto(forged, target)
        answer = dns.message.from_wire(client.recv(65535))
    assert answer.id == 0x5151
    assert dnsclient.rrset_texts(answer) == {f"{name}. A 192.0.2.77"}
    # What the cache kept is the real answer too.
    again = dnsclient.udp(residns.server, name)
    assert dnsclient.rrset_texts(again) == {f"{name}. A 192.0.2.77"}
    assert len(upstream.queries_for(name)) == 1


def test_upstreams_that_are_residns_itself_are_dropped_with_a_warning(residns_factory, upstream,
                                                                      tmp_path):
    upstream.answer("ok.example.com", "A", ["ok.example.com. 300 IN A 192.0.2.5"])
    port = free_port()
    own = f"127.0.0.1:{port}"
    d = residns_factory(upstreams=[own, upstream], port=port,
                        forward_zones=[{"zone": "corp.example", "upstreams": [own]}])
    a = dnsclient.udp(d.server, "ok.example.com")
    assert dnsclient.rrset_texts(a) == {"ok.example.com. A 192.0.2.5"}
    # The forward zone has no upstream left: SERVFAIL at once, no query loops through us.
    a = dnsclient.udp(d.server, "www.corp.example", timeout=4)
    assert a.rcode() == dns.rcode.SERVFAIL
    log = d.log_text()
    assert f"upstreams: {own} is residns itself" in log, log
    assert f"forward_zones corp.example. upstreams: {own} is residns itself" in log, log
    assert d.alive()

    checked = residns_daemon.run_residns("--check-config", "-c", str(d.config_path))
    assert checked.returncode == 0, checked.stderr
    assert "warning:" in checked.stderr and "would loop" in checked.stderr, checked.stderr
