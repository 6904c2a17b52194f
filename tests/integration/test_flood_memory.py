"""A flood of 200,000 random names, every one a cache miss that goes upstream (NSD: NXDOMAIN for
most, an A record from a wildcard for a quarter), against a cache bounded at 8 MiB: the cache must
evict, not grow, so residns's resident memory stays under its memory at start plus the cache
bound plus a fixed overhead. The measured figures are printed (pytest -s shows them).

RESIDNS_FLOOD_NAMES changes the number of names (e.g. a quick local run with 20000)."""

from __future__ import annotations

import os
import random
import re
import select
import socket
import struct
import time
import urllib.request

import pytest

import dnsclient
from build_kind import is_sanitized
from nsd_server import NsdServer

CACHE_MIB = 8
# What residns may hold beyond its size at start and the cache: the coalescing table, c-ares
# state, allocator slack and fragmentation (about 3.5 MiB measured; without the cache bound the
# 200,000 entries alone would take some 28 MiB).
OVERHEAD_MIB = 8
NAMES = int(os.environ.get("RESIDNS_FLOOD_NAMES", "200000"))
WINDOW = 256  # queries in flight at once
ZONE = "flood.test."
ZONE_TEXT = """\
$ORIGIN flood.test.
$TTL 3600
@       IN SOA  ns1 hostmaster 1 3600 900 604800 3600
@       IN NS   ns1
ns1     IN A    192.0.2.53
*.pos   IN A    192.0.2.1
"""


class FastNsd(NsdServer):
    """NSD with response rate limiting off (the flood is one client asking one zone)."""

    def _write_files(self):
        conf = super()._write_files()
        text = conf.read_text().replace("server:\n", "server:\n    rrl-ratelimit: 0\n", 1)
        conf.write_text(text)
        return conf


@pytest.fixture
def flood_nsd(tmp_path):
    server = FastNsd(tmp_path / "nsd", zone=ZONE, zone_text=ZONE_TEXT).start()
    yield server
    server.stop()


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS")


def metrics(d, timeout: float = 3.0) -> dict[str, float]:
    """Every unlabelled sample of /metrics."""
    deadline = time.monotonic() + timeout
    while not (m := re.search(r"metrics on (http://\S+)/metrics", d.log_text())):
        assert time.monotonic() < deadline, "no 'metrics on' log line"
        time.sleep(0.02)
    with urllib.request.urlopen(m.group(1) + "/metrics", timeout=3) as r:
        text = r.read().decode()
    out = {}
    for line in text.splitlines():
        parts = line.split(" ")
        if not line.startswith("#") and len(parts) == 2 and "{" not in parts[0]:
            out[parts[0]] = float(parts[1])
    return out


def query_wire(ident: int, name: bytes) -> bytes:
    """An RD=1 A query for `name` (wire form), with an OPT record (1232)."""
    return (struct.pack("!HHHHHH", ident, 0x0100, 1, 0, 0, 1) + name + b"\x00\x01\x00\x01"
            + b"\x00\x00\x29\x04\xd0\x00\x00\x00\x00\x00\x00")


def random_name(rng: random.Random, i: int) -> bytes:
    label = f"r{i}x{rng.getrandbits(40):010x}".encode()
    parent = b"\x03pos" if i % 4 == 0 else b""
    return bytes([len(label)]) + label + parent + b"\x05flood\x04test\x00"


def flood(server, count: int, on_batch) -> tuple[int, int]:
    """Sends `count` queries for random names, WINDOW at a time over one UDP socket; returns
    (answers received, NOERROR-or-NXDOMAIN answers)."""
    rng = random.Random(2024)
    received = good = 0
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 21)
        s.connect(server)
        sent = 0
        while sent < count:
            batch = min(WINDOW, count - sent)
            for k in range(batch):
                s.send(query_wire((sent + k) & 0xFFFF, random_name(rng, sent + k)))
            sent += batch
            waiting = batch
            deadline = time.monotonic() + 2.0
            while waiting and time.monotonic() < deadline:
                ready, _, _ = select.select([s], [], [], max(0.0, deadline - time.monotonic()))
                if not ready:
                    break
                answer = s.recv(65535)
                received += 1
                waiting -= 1
                if len(answer) >= 4 and answer[3] & 0x0F in (0, 3):
                    good += 1
            on_batch(sent)
    return received, good


def test_flood_of_random_names_keeps_memory_under_the_cache_bound(residns_factory, flood_nsd,
                                                                  residns_binary):
    if is_sanitized(residns_binary):
        pytest.skip("resident memory under a sanitizer is not the daemon's own")
    d = residns_factory(upstreams=[flood_nsd.address],
                        cache={"max_bytes": f"{CACHE_MIB}MiB"}, log={"level": "info"})
    r = dnsclient.udp(d.server, "a.pos.flood.test", "A", timeout=2)
    assert dnsclient.rrset_texts(r) == {"a.pos.flood.test. A 192.0.2.1"}
    start_kib = rss_kib(d.proc.pid)
    peak_kib = start_kib
    samples = []

    def on_batch(sent: int) -> None:
        nonlocal peak_kib
        rss = rss_kib(d.proc.pid)
        peak_kib = max(peak_kib, rss)
        if sent % 20000 < WINDOW:
            samples.append((sent, rss))

    began = time.monotonic()
    received, good = flood(d.server, NAMES, on_batch)
    elapsed = time.monotonic() - began
    end_kib = rss_kib(d.proc.pid)
    m = metrics(d)
    limit_kib = start_kib + (CACHE_MIB + OVERHEAD_MIB) * 1024

    print(f"\nflood: {NAMES} random names in {elapsed:.1f}s ({NAMES / elapsed:.0f}/s), "
          f"{received} answers ({good} NOERROR/NXDOMAIN)\n"
          f"VmRSS KiB: start {start_kib}, peak {peak_kib}, end {end_kib}; limit {limit_kib} "
          f"(start + {CACHE_MIB} MiB cache + {OVERHEAD_MIB} MiB overhead)\n"
          f"cache: {m.get('residns_cache_entries', 0):.0f} entries, "
          f"{m.get('residns_cache_bytes', 0):.0f} bytes, "
          f"{m.get('residns_cache_inserts_total', 0):.0f} inserts, "
          f"{m.get('residns_cache_evictions_total', 0):.0f} evictions\n"
          f"VmRSS by names sent: {samples}")
    assert d.alive()
    assert good >= NAMES * 0.9, f"only {good} of {NAMES} queries were answered"
    assert m["residns_cache_bytes"] <= CACHE_MIB * 1024 * 1024
    assert m["residns_cache_evictions_total"] > 0, "the flood never filled the cache"
    assert peak_kib <= limit_kib, f"VmRSS peaked at {peak_kib} KiB, limit {limit_kib} KiB"
    # Still serving, from the upstream and the cache.
    r = dnsclient.udp(d.server, "b.pos.flood.test", "A", timeout=2)
    assert dnsclient.rrset_texts(r) == {"b.pos.flood.test. A 192.0.2.1"}
