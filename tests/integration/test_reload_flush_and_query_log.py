"""A reload keeps the cache but flushes what it made wrong; the query log; the upstream that
filled a cache entry in `residns-ctl dump` and `explain`.

The reload story: a daemon with a LAN zone caches two forwarded names. The zone file is edited
and a forward zone for corp.test is added; after SIGHUP the edited record is served, the name
under the new forward zone goes to its upstream, and the other cached name is answered without
asking any upstream."""

import re
import signal
import subprocess
import time

import dnsclient
from test_metrics_control import ctl

ZONE = """$ORIGIN lan.
$TTL 300
@    IN SOA ns.lan. admin.lan. {serial} 3600 600 86400 300
@    IN NS  ns.lan.
ns   IN A   192.168.1.1
www  IN A   {www}
"""


def wait_for_log(d, text: str, offset: int, timeout: float = 5.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        since = d.log_since(offset)
        if text in since:
            return since
        time.sleep(0.02)
    raise AssertionError(f"{text!r} not logged:\n{d.log_since(offset)}")


def addresses(answer) -> list[str]:
    return sorted(rr.address for rrset in answer.answer for rr in rrset if hasattr(rr, "address"))


def test_reload_serves_the_edited_zone_flushes_the_new_forward_zone_and_keeps_the_rest(
        residns_factory, upstream, upstream2, tmp_path):
    zone = tmp_path / "lan.zone"
    zone.write_text(ZONE.format(serial=1, www="192.168.1.10"))
    upstream.answer("cached.example.com", "A", ["cached.example.com. 300 IN A 192.0.2.1"])
    upstream.answer("host.corp.test", "A", ["host.corp.test. 300 IN A 192.0.2.99"])
    upstream2.answer("host.corp.test", "A", ["host.corp.test. 300 IN A 10.0.0.9"])
    zones = [{"file": str(zone), "origin": "lan"}]
    d = residns_factory(upstreams=[upstream], zones=zones)

    assert addresses(dnsclient.udp(d.server, "www.lan", "A")) == ["192.168.1.10"]
    assert addresses(dnsclient.udp(d.server, "cached.example.com", "A")) == ["192.0.2.1"]
    assert addresses(dnsclient.udp(d.server, "host.corp.test", "A")) == ["192.0.2.99"]
    upstream.clear_queries()

    zone.write_text(ZONE.format(serial=2, www="192.168.1.20"))
    d.write_config({"upstreams": [upstream.address], "zones": zones,
                    "forward_zones": [{"zone": "corp.test", "upstreams": [upstream2.address]}]})
    offset = d.log_size()
    d.signal(signal.SIGHUP)
    log = wait_for_log(d, "reload done", offset)
    assert re.search(r"reload flushed [1-9]\d* cache entries", log), log

    assert addresses(dnsclient.udp(d.server, "www.lan", "A")) == ["192.168.1.20"]
    assert addresses(dnsclient.udp(d.server, "host.corp.test", "A")) == ["10.0.0.9"]
    assert addresses(dnsclient.udp(d.server, "cached.example.com", "A")) == ["192.0.2.1"]
    assert upstream.queries_for("cached.example.com", "A") == [], "kept in the cache"
    assert upstream.queries_for("host.corp.test", "A") == [], "now forwarded to corp.test's"
    assert len(upstream2.queries_for("host.corp.test", "A")) == 1


def test_dump_and_explain_name_the_upstream_that_filled_an_entry(residns_factory, upstream,
                                                                 residns_binary):
    upstream.answer("cached.example.com", "A", ["cached.example.com. 300 IN A 192.0.2.1"])
    d = residns_factory(upstreams=[upstream])
    assert dnsclient.udp(d.server, "cached.example.com", "A").answer

    dump = ctl(residns_binary, d, "dump")
    assert dump.returncode == 0, dump.stderr
    line = next(l for l in dump.stdout.splitlines() if l.startswith("cached.example.com. IN A"))
    assert f"upstream={upstream.address}" in line, dump.stdout

    explained = ctl(residns_binary, d, "explain", "cached.example.com", "A")
    assert f", from {upstream.address}\n" in explained.stdout, explained.stdout


def test_query_log_has_one_line_per_answer_with_its_source(residns_factory, upstream, tmp_path):
    zone = tmp_path / "lan.zone"
    zone.write_text(ZONE.format(serial=1, www="192.168.1.10"))
    upstream.answer("cached.example.com", "A", ["cached.example.com. 300 IN A 192.0.2.1"])
    query_log = tmp_path / "queries.log"
    d = residns_factory(upstreams=[upstream], zones=[{"file": str(zone), "origin": "lan"}],
                        log={"level": "info", "queries": True, "query_file": str(query_log)})

    dnsclient.udp(d.server, "Cached.Example.com", "A")
    dnsclient.udp(d.server, "cached.example.com", "A")
    dnsclient.tcp(d.server, "www.lan", "A")
    dnsclient.udp(d.server, "nope.lan", "AAAA")

    pattern = (r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z 127\.0\.0\.1#\d+ (udp|tcp) (\S+) (\S+) "
               r"(\S+) (\S+) (\d+\.\d{3})ms$")
    deadline = time.monotonic() + 5
    lines: list[tuple] = []
    while time.monotonic() < deadline:
        text = query_log.read_text() if query_log.exists() else ""
        lines = [m.groups() for m in
                 (re.match(pattern, l) for l in text.splitlines()) if m and m.group(2) != "-"]
        if len(lines) >= 4:
            break
        time.sleep(0.05)
    assert [l[:5] for l in lines] == [
        ("udp", "Cached.Example.com.", "A", "NOERROR", "upstream"),
        ("udp", "cached.example.com.", "A", "NOERROR", "cache"),
        ("tcp", "www.lan.", "A", "NOERROR", "local"),
        ("udp", "nope.lan.", "AAAA", "NXDOMAIN", "local"),
    ], text

    # A reload after rotation writes to a fresh file.
    query_log.rename(tmp_path / "queries.log.1")
    offset = d.log_size()
    d.signal(signal.SIGHUP)
    wait_for_log(d, "reload done", offset)
    dnsclient.udp(d.server, "www.lan", "A")
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not (query_log.exists() and query_log.read_text()):
        time.sleep(0.05)
    assert " www.lan. A NOERROR local " in query_log.read_text()


def test_query_log_off_by_default_writes_no_query_lines(residns_factory, upstream):
    d = residns_factory(upstreams=[upstream])
    dnsclient.udp(d.server, "www.example.com", "A", timeout=2)
    assert not re.search(r" udp www\.example\.com\. A ", d.log_text())
