"""Conditional forwarding: names at or below a forward zone go only to that zone's upstreams
(longest suffix wins, on label boundaries); everything else goes only to the default upstreams."""

import dns.rcode
import pytest

import dnsclient


@pytest.fixture
def zones(residns_factory, make_upstream):
    default, corp, lab = make_upstream(), make_upstream(), make_upstream()
    for up, tag in ((default, 1), (corp, 2), (lab, 3)):
        for name in ("www.example.com", "corp.example", "host.corp.example", "badcorp.example",
                     "x.lab.corp.example", "lab.corp.example", "deep.a.b.corp.example"):
            up.answer(name, "A", [f"{name}. 300 IN A 192.0.2.{tag}"])
    d = residns_factory(upstreams=[default], forward_zones=[
        {"zone": "corp.example", "upstreams": [corp]},
        {"zone": "lab.corp.example", "upstreams": [lab]},
    ])
    return d, {"default": default, "corp": corp, "lab": lab}


@pytest.mark.parametrize("name,expected", [
    ("host.corp.example", "corp"),
    ("corp.example", "corp"),
    ("deep.a.b.corp.example", "corp"),
    ("HoSt.CoRp.ExAmPlE", "corp"),
    ("x.lab.corp.example", "lab"),
    ("lab.corp.example", "lab"),
    ("www.example.com", "default"),
    ("badcorp.example", "default"),
])
def test_name_is_forwarded_only_to_its_zones_upstream(zones, name, expected):
    d, ups = zones
    tag = {"default": 1, "corp": 2, "lab": 3}[expected]

    r = dnsclient.udp(d.server, name, "A", timeout=4)

    assert r.rcode() == dns.rcode.NOERROR
    assert dnsclient.rrset_texts(r) == {f"{name.lower()}. A 192.0.2.{tag}"}
    for which, up in ups.items():
        got = up.queries_for(name)
        if which == expected:
            assert got, f"{name} should have been sent to the {which} upstream"
        else:
            assert not got, f"{name} must not be sent to the {which} upstream: {got}"


def test_forward_zone_upstream_failure_does_not_fall_back_to_default(residns_factory,
                                                                     make_upstream):
    default, corp = make_upstream(), make_upstream()
    default.answer("host.corp.example", "A", ["host.corp.example. 300 IN A 192.0.2.1"])
    corp.servfail()
    d = residns_factory(upstreams=[default], forward_zones=[
        {"zone": "corp.example", "upstreams": [corp]}])

    r = dnsclient.udp(d.server, "host.corp.example", "A", timeout=6)

    assert r.rcode() == dns.rcode.SERVFAIL
    assert corp.queries_for("host.corp.example")
    assert not default.queries_for("host.corp.example")
