"""Warm restart: the cache survives a restart through cache.snapshot_file.

The story: a daemon with a snapshot file answers a name (the upstream is asked once); residns-ctl
dump lists it; SIGTERM writes the snapshot; a daemon started again with the same configuration
answers the name without asking the upstream, with a TTL reduced by the time that passed. A
daemon with other upstreams ignores the snapshot; a corrupted snapshot is ignored with a log line
and the daemon starts; with snapshot_interval the file is written while running, so even a
daemon that is killed comes back warm."""

import pathlib
import re
import signal
import subprocess
import time

import dnsclient

NAME = "warm.example.com"


def ctl(residns_binary, d, *args: str) -> subprocess.CompletedProcess:
    binary = pathlib.Path(residns_binary).parent / "residns-ctl"
    return subprocess.run([str(binary), "-s", str(d.workdir / "control.sock"), *args],
                          capture_output=True, text=True, timeout=10)


def answer_ttl(d) -> int:
    reply = dnsclient.udp(d.server, NAME, "A")
    assert reply.answer, reply
    assert "192.0.2.80" in reply.answer[0].to_text()
    return reply.answer[0].ttl


def wait_for_log(d, pattern: str, timeout: float = 3.0) -> re.Match:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        m = re.search(pattern, d.log_text())
        if m:
            return m
        time.sleep(0.05)
    raise AssertionError(f"no log line matching {pattern!r}:\n{d.log_text()}")


def warm_daemon(residns_factory, upstream, tmp_path, **extra):
    upstream.answer(NAME, "A", [f"{NAME}. 300 IN A 192.0.2.80"])
    snapshot = tmp_path / "cache.snapshot"
    d = residns_factory(upstreams=[upstream], cache={"snapshot_file": str(snapshot), **extra})
    return d, snapshot


def test_restart_answers_from_the_snapshot(residns_factory, upstream, tmp_path, residns_binary):
    d, snapshot = warm_daemon(residns_factory, upstream, tmp_path)
    assert answer_ttl(d) == 300
    assert len(upstream.queries_for(NAME)) == 1

    dump = ctl(residns_binary, d, "dump")
    assert dump.returncode == 0, dump.stderr
    assert re.search(rf"^{re.escape(NAME)}\. IN A NOERROR ttl=\d+ age=\d+ "
                     rf"upstream={re.escape(upstream.address)}$", dump.stdout, re.M), dump.stdout
    explain = ctl(residns_binary, d, "explain", NAME, "A")
    assert re.search(r"cache: hit, NOERROR, age \d+s, TTL \d+s left", explain.stdout), \
        explain.stdout

    time.sleep(1.5)  # so that the restarted daemon sees the entry at least a second older
    assert d.stop() == 0
    assert snapshot.exists()
    assert not pathlib.Path(str(snapshot) + ".tmp").exists()
    assert re.search(r"wrote 1 cache entries", d.log_text()), d.log_text()

    upstream.clear_queries()
    d.start()
    wait_for_log(d, rf"restored 1 entries \(0 stale\) from {re.escape(str(snapshot))} in \d+ ms")
    ttl = answer_ttl(d)
    assert 0 < ttl < 300
    assert upstream.queries_for(NAME) == [], "answered from the restored cache"


def test_snapshot_from_other_upstreams_is_ignored(residns_factory, upstream, upstream2, tmp_path):
    d, snapshot = warm_daemon(residns_factory, upstream, tmp_path)
    answer_ttl(d)
    assert d.stop() == 0
    assert snapshot.exists()

    upstream2.answer(NAME, "A", [f"{NAME}. 300 IN A 192.0.2.80"])
    other = residns_factory(upstreams=[upstream2], cache={"snapshot_file": str(snapshot)})
    wait_for_log(other, r"ignored: written under another upstream configuration")
    answer_ttl(other)
    assert len(upstream2.queries_for(NAME)) == 1, "the snapshot was not used"


def test_corrupt_snapshot_is_ignored_and_the_daemon_starts(residns_factory, upstream, tmp_path):
    d, snapshot = warm_daemon(residns_factory, upstream, tmp_path)
    answer_ttl(d)
    assert d.stop() == 0
    data = bytearray(snapshot.read_bytes())
    data[len(data) // 2] ^= 0xFF
    snapshot.write_bytes(bytes(data))

    upstream.clear_queries()
    d.start()
    wait_for_log(d, r"cache snapshot .* ignored: checksum mismatch")
    assert "restored" not in d.log_text().split("checksum mismatch")[-1]
    answer_ttl(d)
    assert len(upstream.queries_for(NAME)) == 1, "the corrupt snapshot was not used"

    # Not a snapshot at all, and an empty file: ignored as well.
    for garbage in (b"hello, not a snapshot\n" * 10, b""):
        d.stop()
        snapshot.write_bytes(garbage)
        offset = d.log_size()
        d.start()
        deadline = time.monotonic() + 3
        while "ignored: not a residns cache snapshot" not in d.log_since(offset):
            assert time.monotonic() < deadline, d.log_since(offset)
            time.sleep(0.05)
        assert d.alive()


def test_interval_writes_while_running(residns_factory, upstream, tmp_path):
    d, snapshot = warm_daemon(residns_factory, upstream, tmp_path, snapshot_interval="1s")
    answer_ttl(d)
    wait_for_log(d, r"wrote 1 cache entries")
    assert snapshot.exists()
    d.signal(signal.SIGKILL)  # no snapshot at shutdown: the periodic one must do
    d.wait(5)

    upstream.clear_queries()
    d.start()
    wait_for_log(d, r"restored 1 entries")
    answer_ttl(d)
    assert upstream.queries_for(NAME) == []
