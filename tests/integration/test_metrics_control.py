"""Metrics over HTTP and residns-ctl over the control socket, against the real daemon.

The story: a daemon with a zone file, a forward zone and a scripted upstream answers a few
queries; /metrics shows the counters move (cache hit, local answer, upstream query and latency);
/health and /ready answer; residns-ctl reports stats, explains where answers come from (zone file
and line, the cache with its TTL, the upstream of a forward zone), flushes one name so that only
that name goes upstream again, and reloads. The socket is owner-only."""

import os
import pathlib
import re
import stat
import subprocess
import time
import urllib.error
import urllib.request

import pytest

import dnsclient

ZONE = """$ORIGIN lan.
$TTL 300
@    IN SOA ns.lan. admin.lan. 1 3600 600 86400 300
@    IN NS  ns.lan.
ns   IN A   192.168.1.1
www  IN A   192.168.1.10
"""


def ctl_binary(residns_binary) -> pathlib.Path:
    return pathlib.Path(residns_binary).parent / "residns-ctl"


def metrics_url(d, timeout: float = 3.0) -> str:
    """The endpoint the daemon logged (the fixture's config asks for port 0)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        m = re.search(r"metrics on (http://\S+)/metrics", d.log_text())
        if m:
            return m.group(1)
        time.sleep(0.02)
    raise AssertionError("no 'metrics on' log line:\n" + d.log_text())


def get(url: str) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(url, timeout=3) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read().decode()


def sample(text: str, name: str, labels: str = "") -> float:
    """The value of one sample of the exposition text, e.g. sample(t, "x_total", 'a="b"')."""
    key = f"{name}{{{labels}}}" if labels else name
    for line in text.splitlines():
        if line.startswith(key + " "):
            return float(line.split(" ")[-1])
    raise AssertionError(f"{key} not in /metrics:\n{text}")


@pytest.fixture
def daemon(residns_factory, upstream, upstream2, tmp_path):
    zone = tmp_path / "lan.zone"
    zone.write_text(ZONE)
    upstream.answer("cached.example.com", "A", ["cached.example.com. 300 IN A 192.0.2.1"])
    upstream.answer("other.example.com", "A", ["other.example.com. 300 IN A 192.0.2.2"])
    upstream2.answer("host.corp.test", "A", ["host.corp.test. 60 IN A 10.0.0.5"])
    return residns_factory(upstreams=[upstream], threads=2,
                           zones=[{"file": str(zone), "origin": "lan"}],
                           forward_zones=[{"zone": "corp.test", "upstreams": [upstream2]}])


def ctl(residns_binary, d, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(ctl_binary(residns_binary)), "-s", str(d.workdir / "control.sock"),
                           *args], capture_output=True, text=True, timeout=10)


def test_metrics_counters_move_after_queries(daemon, upstream):
    url = metrics_url(daemon)
    before = get(url + "/metrics")[2]

    assert dnsclient.udp(daemon.server, "cached.example.com", "A").answer
    assert dnsclient.udp(daemon.server, "cached.example.com", "A").answer  # from the cache
    assert dnsclient.tcp(daemon.server, "www.lan", "A").answer  # local data
    status, content_type, after = get(url + "/metrics")

    assert status == 200
    assert content_type.startswith("text/plain; version=0.0.4")
    assert "# TYPE residns_queries_total counter" in after
    assert sample(after, "residns_queries_total", 'transport="udp"') >= \
        sample(before, "residns_queries_total", 'transport="udp"') + 2
    assert sample(after, "residns_queries_total", 'transport="tcp"') >= 1
    assert sample(after, "residns_cache_hits_total") >= sample(before, "residns_cache_hits_total") + 1
    assert sample(after, "residns_cache_misses_total") >= 1
    assert sample(after, "residns_local_answers_total") >= 1
    assert sample(after, "residns_cache_entries") >= 1
    assert sample(after, "residns_cache_bytes") > 0
    # The fixture's start-up probes are header-only queries: FORMERR, counted as malformed.
    assert sample(after, "residns_malformed_total") >= 1
    up = f'upstream="{upstream.address}"'
    assert sample(after, "residns_upstream_queries_total", up) == 1
    assert sample(after, "residns_upstream_latency_seconds_count", up) == 1
    assert sample(after, "residns_upstream_latency_seconds_bucket", up + ',le="+Inf"') == 1
    assert sample(after, "residns_upstream_errors_total", up + ',reason="timeout"') == 0
    assert sample(after, "residns_workers") == 2


def test_health_ready_and_unknown_paths(daemon):
    url = metrics_url(daemon)
    assert get(url + "/health")[0:3:2] == (200, "ok\n")
    assert get(url + "/ready")[0] == 200
    assert get(url + "/nope")[0] == 404


def test_ready_turns_503_when_the_only_upstream_times_out(residns_factory, upstream):
    d = residns_factory(upstreams=[upstream], threads=1)
    url = metrics_url(d)
    assert get(url + "/ready")[0] == 200
    upstream.blackhole()
    dnsclient.udp(d.server, "slow.example.com", "A", timeout=5)
    assert get(url + "/ready")[0] == 503
    assert get(url + "/health")[0] == 200


def test_ctl_stats_flush_and_reload(daemon, upstream, residns_binary):
    assert dnsclient.udp(daemon.server, "cached.example.com", "A").answer
    assert dnsclient.udp(daemon.server, "other.example.com", "A").answer
    upstream.clear_queries()

    stats = ctl(residns_binary, daemon, "stats")
    assert stats.returncode == 0, stats.stderr
    assert re.search(r"^queries\.udp \d+$", stats.stdout, re.M), stats.stdout
    assert re.search(r"^cache\.entries [1-9]\d*$", stats.stdout, re.M), stats.stdout

    flushed = ctl(residns_binary, daemon, "flush", "cached.example.com")
    assert flushed.returncode == 0, flushed.stderr
    assert flushed.stdout == "flushed 1 entry\n"
    assert dnsclient.udp(daemon.server, "cached.example.com", "A").answer
    assert dnsclient.udp(daemon.server, "other.example.com", "A").answer
    assert len(upstream.queries_for("cached.example.com", "A")) == 1, "flushed: asked again"
    assert upstream.queries_for("other.example.com", "A") == [], "still cached"

    reloaded = ctl(residns_binary, daemon, "reload")
    assert reloaded.returncode == 0, reloaded.stderr
    assert reloaded.stdout.startswith("reloaded ")
    assert "reload done" in daemon.log_text()
    assert dnsclient.udp(daemon.server, "other.example.com", "A").answer
    assert upstream.queries_for("other.example.com", "A") == [], "the reload kept the cache"

    everything = ctl(residns_binary, daemon, "flush")
    assert everything.returncode == 0 and everything.stdout.startswith("flushed ")
    assert ctl(residns_binary, daemon, "log-level", "info").stdout == "log level info\n"


def test_ctl_explain_names_each_source(daemon, upstream, upstream2, residns_binary, tmp_path):
    local = ctl(residns_binary, daemon, "explain", "www.lan")
    assert local.returncode == 0, local.stderr
    assert "source: local\n" in local.stdout
    assert "zone: lan.\n" in local.stdout
    assert f"; {tmp_path / 'lan.zone'}:6" in local.stdout, local.stdout

    assert dnsclient.udp(daemon.server, "cached.example.com", "A").answer
    cached = ctl(residns_binary, daemon, "explain", "cached.example.com", "A")
    assert "source: cache\n" in cached.stdout, cached.stdout
    m = re.search(r"cache: hit, NOERROR(, age \d+s)?, TTL (\d+)s left", cached.stdout)
    assert m and 290 <= int(m.group(2)) <= 300, cached.stdout
    assert "cached: cached.example.com.\t" in cached.stdout

    forwarded = ctl(residns_binary, daemon, "explain", "host.corp.test")
    assert "source: upstream\ncache: miss\n" in forwarded.stdout, forwarded.stdout
    assert f"forward zone corp.test. -> {upstream2.address}" in forwarded.stdout
    default = ctl(residns_binary, daemon, "explain", "new.example.org", "AAAA")
    assert default.stdout.startswith("new.example.org. IN AAAA\nsource: upstream\n")
    assert f"default upstreams -> {upstream.address}" in default.stdout
    assert upstream.queries_for("new.example.org") == [], "explain asks no upstream"


def test_ctl_errors_and_socket_mode(daemon, residns_binary):
    sock = daemon.workdir / "control.sock"
    assert stat.S_ISSOCK(os.stat(sock).st_mode)
    assert stat.S_IMODE(os.stat(sock).st_mode) == 0o600

    bad = ctl(residns_binary, daemon, "frobnicate")
    assert bad.returncode == 1
    assert bad.stderr.startswith("error: unknown command 'frobnicate'")
    assert ctl(residns_binary, daemon, "log-level", "loud").returncode == 1
    gone = subprocess.run([str(ctl_binary(residns_binary)), "-s", str(daemon.workdir / "no.sock"),
                           "stats"], capture_output=True, text=True, timeout=10)
    assert gone.returncode == 2 and "cannot connect" in gone.stderr

    daemon.stop()
    assert not sock.exists(), "the socket goes with the daemon"
