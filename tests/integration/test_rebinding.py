"""DNS rebinding protection (rebinding_protection): with it on, A/AAAA records with private,
loopback, link-local or unique-local addresses (IPv4-mapped forms too) are removed from upstream
answers before they are cached and relayed, and counted on /metrics; names under allow_domains
and local data keep theirs; an answer left without addresses is NOERROR/NODATA with the rest of
the message (a CNAME) intact. Off by default: everything passes."""

import re
import time
import urllib.request

import dns.rcode

import dnsclient


def metrics_text(d, timeout: float = 3.0) -> str:
    deadline = time.monotonic() + timeout
    while True:
        m = re.search(r"metrics on (http://\S+)/metrics", d.log_text())
        if m:
            break
        if time.monotonic() >= deadline:
            raise AssertionError("no 'metrics on' log line:\n" + d.log_text())
        time.sleep(0.02)
    with urllib.request.urlopen(m.group(1) + "/metrics", timeout=3) as r:
        return r.read().decode()


def sample(text: str, name: str) -> float:
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.split(" ")[-1])
    raise AssertionError(f"{name} not in /metrics:\n{text}")


def script(upstream):
    upstream.answer("mixed.example.com", "A", [
        "mixed.example.com. 300 IN A 192.168.1.1",
        "mixed.example.com. 300 IN A 127.0.0.1",
        "mixed.example.com. 300 IN A 192.0.2.1",
    ])
    upstream.answer("mixed.example.com", "AAAA", [
        "mixed.example.com. 300 IN AAAA ::1",
        "mixed.example.com. 300 IN AAAA ::ffff:10.0.0.1",
        "mixed.example.com. 300 IN AAAA 2001:db8::1",
    ])
    upstream.answer("alias.example.com", "A", [
        "alias.example.com. 300 IN CNAME inside.example.net.",
        "inside.example.net. 300 IN A 10.0.0.7",
    ])
    upstream.answer("printer.corp.example", "A", ["printer.corp.example. 300 IN A 10.1.2.3"])
    upstream.answer("public.example.com", "A", ["public.example.com. 300 IN A 198.51.100.4"])


def test_off_by_default_every_address_passes(residns, upstream):
    script(upstream)
    a = dnsclient.udp(residns.server, "mixed.example.com")
    assert dnsclient.rrset_texts(a) == {"mixed.example.com. A 192.168.1.1",
                                        "mixed.example.com. A 127.0.0.1",
                                        "mixed.example.com. A 192.0.2.1"}
    a = dnsclient.udp(residns.server, "mixed.example.com", "AAAA")
    assert len(dnsclient.rrset_texts(a)) == 3
    assert sample(metrics_text(residns), "residns_rebinding_blocked_total") == 0


def test_private_addresses_are_removed_cached_filtered_and_counted(residns_factory, upstream):
    script(upstream)
    d = residns_factory(upstreams=[upstream],
                        rebinding_protection={"enabled": True, "allow_domains": ["corp.example"]})

    a = dnsclient.udp(d.server, "mixed.example.com")
    assert a.rcode() == dns.rcode.NOERROR
    assert dnsclient.rrset_texts(a) == {"mixed.example.com. A 192.0.2.1"}
    a = dnsclient.tcp(d.server, "mixed.example.com", "AAAA")
    assert dnsclient.rrset_texts(a) == {"mixed.example.com. AAAA 2001:db8::1"}

    # Every address removed: NOERROR, the CNAME kept, no address (as Unbound's private-address).
    a = dnsclient.udp(d.server, "alias.example.com")
    assert a.rcode() == dns.rcode.NOERROR
    assert dnsclient.rrset_texts(a) == {"alias.example.com. CNAME inside.example.net."}

    # An allow-listed domain keeps its private address; a public answer is untouched.
    a = dnsclient.udp(d.server, "printer.corp.example")
    assert dnsclient.rrset_texts(a) == {"printer.corp.example. A 10.1.2.3"}
    a = dnsclient.udp(d.server, "public.example.com")
    assert dnsclient.rrset_texts(a) == {"public.example.com. A 198.51.100.4"}

    text = metrics_text(d)
    assert sample(text, "residns_rebinding_blocked_total") == 5
    assert sample(text, "residns_rebinding_filtered_answers_total") == 3

    # The cache holds the filtered answer: a hit does not reach the upstream and is not counted
    # again (the filter runs on the miss path only).
    before = len(upstream.queries_for("mixed.example.com", "A"))
    a = dnsclient.udp(d.server, "mixed.example.com")
    assert dnsclient.rrset_texts(a) == {"mixed.example.com. A 192.0.2.1"}
    assert len(upstream.queries_for("mixed.example.com", "A")) == before
    assert sample(metrics_text(d), "residns_rebinding_blocked_total") == 5


def test_local_data_is_never_filtered(residns_factory, upstream):
    script(upstream)
    d = residns_factory(upstreams=[upstream], rebinding_protection={"enabled": True},
                        records=["nas.home.arpa. 300 IN A 192.168.1.20"])
    a = dnsclient.udp(d.server, "nas.home.arpa")
    assert dnsclient.rrset_texts(a) == {"nas.home.arpa. A 192.168.1.20"}
    assert sample(metrics_text(d), "residns_rebinding_blocked_total") == 0

