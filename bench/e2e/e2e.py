"""End-to-end benchmark: residns and Unbound side by side against the same NSD upstream.

Runs inside a private network namespace with only loopback (run.sh starts it with `unshare`):
nothing it sends can leave the machine. It generates a zone, starts NSD on 127.0.0.1, then each
resolver in turn (pinned to CPU 0; dnsperf and NSD on CPU 1) and measures with dnsperf:

  memory  RSS growth of the resolver after caching 100,000 names (bytes per cached entry);
  hits    a working set of names x mixed types, all cached beforehand, replayed for N seconds;
  misses  unique names each asked once (NSD answers them from a wildcard), for N seconds.

For each it prints QPS, resolver CPU-seconds (utime+stime from /proc/PID/stat over the run),
queries per CPU-second, average latency and lost queries, then the ratios residns/Unbound.
Standard library only; /usr/bin/python3.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import random
import re
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from typing import Optional

ZONE = "bench.example"
NSD_PORT = 5300
RESOLVER_PORT = 5301
TYPES = ["A", "AAAA", "MX", "TXT"]
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def log(msg: str) -> None:
    print(f"# {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# Process figures from /proc


def cpu_seconds(pid: int) -> float:
    """utime + stime of the whole process (all threads), in seconds."""
    text = pathlib.Path(f"/proc/{pid}/stat").read_text()
    rest = text[text.rindex(")") + 2:].split()
    return (int(rest[11]) + int(rest[12])) / CLK_TCK


def rss_bytes(pid: int) -> int:
    return int(pathlib.Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE


# ---------------------------------------------------------------------------------------------
# A DNS query by hand, to wait until a server answers


def ready(port: int, timeout: float = 15.0, proc: Optional[subprocess.Popen] = None) -> None:
    qname = b"".join(bytes([len(p)]) + p.encode() for p in ZONE.split(".")) + b"\0"
    packet = struct.pack("!HHHHHH", 0x1234, 0x0100, 1, 0, 0, 0) + qname + struct.pack("!HH", 6, 1)
    deadline = time.monotonic() + timeout
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(0.2)
        while time.monotonic() < deadline:
            if proc is not None and proc.poll() is not None:
                raise RuntimeError(f"{proc.args[0]} exited with status {proc.returncode}")
            try:
                s.sendto(packet, ("127.0.0.1", port))
                data = s.recv(4096)
                if len(data) >= 12 and data[:2] == packet[:2] and (data[3] & 0xF) == 0:
                    return
            except OSError:
                pass
            time.sleep(0.05)
    raise RuntimeError(f"no answer on 127.0.0.1:{port} within {timeout}s")


# ---------------------------------------------------------------------------------------------
# Zone and query files


def write_zone(path: pathlib.Path, working_set: int) -> None:
    lines = [
        f"$ORIGIN {ZONE}.",
        "$TTL 86400",
        f"@ IN SOA ns1.{ZONE}. hostmaster.{ZONE}. 1 3600 900 604800 86400",
        f"@ IN NS ns1.{ZONE}.",
        "ns1 IN A 192.0.2.53",
        "mail IN A 192.0.2.25",
        "*.w IN A 192.0.2.1",  # the miss and memory names: each unique, all answered
    ]
    for i in range(working_set):
        a, b = divmod(i, 250)
        lines.append(f"h{i} IN A 10.{a % 250}.{b}.1")
        lines.append(f"h{i} IN AAAA 2001:db8::{i:x}")
        lines.append(f"h{i} IN MX 10 mail.{ZONE}.")
        lines.append(f'h{i} IN TXT "v=spf1 ip4:10.{a % 250}.{b}.0/24 -all"')
    path.write_text("\n".join(lines) + "\n")


def write_queries(path: pathlib.Path, names) -> int:
    n = 0
    with path.open("w") as f:
        for line in names:
            f.write(line)
            f.write("\n")
            n += 1
    return n


# ---------------------------------------------------------------------------------------------
# Servers


def pinned(cpus: str, argv: list[str]) -> list[str]:
    return ["taskset", "-c", cpus] + argv


def start_nsd(work: pathlib.Path, zone_file: pathlib.Path) -> subprocess.Popen:
    d = work / "nsd"
    d.mkdir()
    conf = d / "nsd.conf"
    conf.write_text(f"""server:
    ip-address: 127.0.0.1@{NSD_PORT}
    port: {NSD_PORT}
    do-ip6: no
    server-count: 1
    username: ""
    chroot: ""
    zonesdir: "{d}"
    database: ""
    pidfile: "{d}/nsd.pid"
    zonelistfile: "{d}/zone.list"
    xfrdfile: "{d}/xfrd.state"
    xfrdir: "{d}"
    logfile: "{d}/nsd.log"
    verbosity: 0
    hide-version: yes
    refuse-any: yes
    rrl-ratelimit: 0
    round-robin: no
    reuseport: no
    send-buffer-size: 4194304
    receive-buffer-size: 4194304
remote-control:
    control-enable: no
zone:
    name: "{ZONE}"
    zonefile: "{zone_file}"
""")
    err = open(d / "nsd.stderr", "wb")
    proc = subprocess.Popen(pinned("1", ["nsd", "-d", "-c", str(conf)]), stdout=err,
                            stderr=subprocess.STDOUT)
    try:
        ready(NSD_PORT, 60.0, proc)
    except RuntimeError as e:
        raise RuntimeError(f"{e}\n{(d / 'nsd.stderr').read_text(errors='replace')}") from None
    return proc


@dataclass
class Resolver:
    label: str
    argv: list[str]
    cpus: str
    workdir: pathlib.Path
    proc: Optional[subprocess.Popen] = None

    def start(self) -> None:
        err = open(self.workdir / "stderr.log", "wb")
        self.proc = subprocess.Popen(pinned(self.cpus, self.argv), stdout=err,
                                     stderr=subprocess.STDOUT)
        try:
            ready(RESOLVER_PORT, 15.0, self.proc)
        except RuntimeError as e:
            self.stop()
            text = (self.workdir / "stderr.log").read_text(errors="replace")
            raise RuntimeError(f"{self.label}: {e}\n{text}") from None

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid  # taskset execs the resolver: same PID

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def residns_resolver(binary: pathlib.Path, work: pathlib.Path, threads: int) -> Resolver:
    d = work / f"residns-{threads}"
    d.mkdir()
    conf = d / "residns.yaml"
    conf.write_text(f"""listen: ["127.0.0.1:{RESOLVER_PORT}"]
threads: {threads}
upstreams: ["127.0.0.1:{NSD_PORT}"]
forwarding:
  max_in_flight: 8192
cache:
  max_bytes: 1GiB
log:
  level: warn
metrics:
  enabled: false
control:
  enabled: false
""")
    cpus = "0" if threads == 1 else "0-1"
    return Resolver(f"residns {threads}t", [str(binary), "-c", str(conf)], cpus, d)


def unbound_resolver(work: pathlib.Path) -> Resolver:
    d = work / "unbound"
    d.mkdir()
    conf = d / "unbound.conf"
    # Forward-only, one thread, no validator, caches far larger than the run needs.
    conf.write_text(f"""server:
    interface: 127.0.0.1@{RESOLVER_PORT}
    port: {RESOLVER_PORT}
    num-threads: 1
    do-ip6: no
    do-daemonize: no
    username: ""
    chroot: ""
    directory: "{d}"
    pidfile: "{d}/unbound.pid"
    use-syslog: no
    logfile: ""
    verbosity: 0
    access-control: 127.0.0.0/8 allow
    module-config: "iterator"
    do-not-query-localhost: no
    msg-cache-size: 512m
    rrset-cache-size: 1g
    key-cache-size: 1m
    neg-cache-size: 1m
    num-queries-per-thread: 4096
    outgoing-range: 8192
    so-rcvbuf: 4m
    so-sndbuf: 4m
    qname-minimisation: no
    harden-referral-path: no
    prefetch: no
    minimal-responses: yes
    statistics-interval: 0
remote-control:
    control-enable: no
forward-zone:
    name: "."
    forward-addr: 127.0.0.1@{NSD_PORT}
""")
    check = subprocess.run(["unbound-checkconf", str(conf)], capture_output=True, text=True)
    if check.returncode != 0:
        raise RuntimeError(f"unbound-checkconf: {check.stdout}{check.stderr}")
    return Resolver("unbound", ["unbound", "-d", "-c", str(conf)], "0", d)


# ---------------------------------------------------------------------------------------------
# dnsperf


@dataclass
class Run:
    qps: float = 0.0
    completed: int = 0
    lost: int = 0
    latency_ms: float = 0.0
    cpu_s: float = 0.0
    wall_s: float = 0.0
    client_cpu_pct: float = 0.0

    @property
    def per_cpu_s(self) -> float:
        return self.completed / self.cpu_s if self.cpu_s > 0 else 0.0


def dnsperf(queries: pathlib.Path, *, pid: int, limit: Optional[float], once: bool,
            outstanding: int, clients: int) -> Run:
    argv = ["dnsperf", "-s", "127.0.0.1", "-p", str(RESOLVER_PORT), "-d", str(queries),
            "-c", str(clients), "-q", str(outstanding), "-t", "5", "-b", "4096"]
    if limit is not None:
        argv += ["-l", str(limit)]
    if once:
        argv += ["-n", "1"]
    cpu0 = cpu_seconds(pid)
    proc = subprocess.Popen(pinned("1", argv), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    out, _ = proc.communicate()
    cpu1 = cpu_seconds(pid)
    if proc.returncode != 0:
        raise RuntimeError(f"dnsperf failed ({proc.returncode}):\n{out}")

    def number(pattern: str) -> float:
        m = re.search(pattern, out)
        if not m:
            raise RuntimeError(f"dnsperf output without /{pattern}/:\n{out}")
        return float(m.group(1))

    r = Run()
    r.completed = int(number(r"Queries completed:\s+(\d+)"))
    r.lost = int(number(r"Queries lost:\s+(\d+)"))
    r.qps = number(r"Queries per second:\s+([\d.]+)")
    r.latency_ms = number(r"Average Latency \(s\):\s+([\d.]+)") * 1000
    r.cpu_s = cpu1 - cpu0
    r.wall_s = number(r"Run time \(s\):\s+([\d.]+)")
    return r


def client_cpu_since(before: os.times_result) -> float:
    now = os.times()
    return (now.children_user - before.children_user) + (now.children_system -
                                                          before.children_system)


def measure(res: Resolver, files: dict, args) -> dict:
    figures: dict = {}
    res.start()
    try:
        pid = res.pid
        # Memory: warm the process up a little first, so that start-up allocations are not
        # counted, then cache 100,000 unique names and look at the RSS growth.
        dnsperf(files["warm"], pid=pid, limit=None, once=True, outstanding=50, clients=4)
        time.sleep(0.5)
        rss0 = rss_bytes(pid)
        m = dnsperf(files["memory"], pid=pid, limit=None, once=True, outstanding=100, clients=4)
        time.sleep(0.5)
        rss1 = rss_bytes(pid)
        figures["bytes_per_entry"] = (rss1 - rss0) / max(1, m.completed)
        figures["memory_lost"] = m.lost
        log(f"{res.label}: memory {(rss1 - rss0) / 1e6:.1f} MB for {m.completed} names")

        # Hits: cache the whole working set, then replay it for the duration.
        prime = dnsperf(files["hits"], pid=pid, limit=None, once=True, outstanding=100, clients=4)
        if prime.lost:
            log(f"{res.label}: {prime.lost} queries lost while priming the cache")
        t = os.times()
        h = dnsperf(files["hits"], pid=pid, limit=args.duration, once=False,
                    outstanding=args.hit_outstanding, clients=args.clients)
        h.client_cpu_pct = 100 * client_cpu_since(t) / h.wall_s
        figures["hits"] = h
        log(f"{res.label}: hits {h.qps:.0f} qps, {h.cpu_s:.2f} CPU-s, {h.lost} lost")

        # Misses: every name once, each one forwarded to NSD.
        t = os.times()
        ms = dnsperf(files["misses"], pid=pid, limit=args.duration, once=True,
                     outstanding=args.miss_outstanding, clients=args.clients)
        ms.client_cpu_pct = 100 * client_cpu_since(t) / ms.wall_s
        figures["misses"] = ms
        log(f"{res.label}: misses {ms.qps:.0f} qps, {ms.cpu_s:.2f} CPU-s, {ms.lost} lost")
    finally:
        res.stop()
    return figures


# ---------------------------------------------------------------------------------------------
# Report


def report(results: dict[str, dict], args) -> None:
    print()
    print(f"residns end-to-end benchmark: {args.duration:g} s per phase, hit working set "
          f"{args.working_set} names x {len(TYPES)} types, dnsperf -c {args.clients} "
          f"-q {args.hit_outstanding} (hits) / -q {args.miss_outstanding} (misses)")
    print("resolver on CPU 0 (2 threads: CPUs 0-1), dnsperf and NSD on CPU 1; CPU-s = resolver "
          "utime+stime over the phase")
    print()
    head = (f"{'resolver':<12} {'phase':<6} {'QPS':>9} {'CPU-s':>7} {'q/CPU-s':>9} "
            f"{'lat ms':>7} {'lost':>6} {'dnsperf%':>8}")
    print(head)
    print("-" * len(head))
    for label, f in results.items():
        for phase in ("hits", "misses"):
            r: Run = f[phase]
            print(f"{label:<12} {phase:<6} {r.qps:>9.0f} {r.cpu_s:>7.2f} {r.per_cpu_s:>9.0f} "
                  f"{r.latency_ms:>7.3f} {r.lost:>6} {r.client_cpu_pct:>7.0f}%")
    print()
    for label, f in results.items():
        print(f"{label:<12} bytes per cached entry: {f['bytes_per_entry']:.0f} "
              f"(RSS growth over 100,000 names; {f['memory_lost']} lost)")
    if "unbound" not in results:
        return
    u = results["unbound"]
    print()
    print("ratios to Unbound (target)")
    for label, f in results.items():
        if label == "unbound":
            continue
        hit = f["hits"].per_cpu_s / u["hits"].per_cpu_s
        miss = f["misses"].per_cpu_s / u["misses"].per_cpu_s
        mem = f["bytes_per_entry"] / u["bytes_per_entry"] if u["bytes_per_entry"] > 0 else 0
        lat_h = f["hits"].latency_ms / u["hits"].latency_ms
        lat_m = f["misses"].latency_ms / u["misses"].latency_ms
        qps_h = f["hits"].qps / u["hits"].qps
        qps_m = f["misses"].qps / u["misses"].qps
        lost = f["hits"].lost + f["misses"].lost
        print(f"{label:<12} hits q/CPU-s {hit:5.2f}x (>=2.0)  misses q/CPU-s {miss:5.2f}x (>=3.0)  "
              f"bytes/entry {mem:5.2f}x (<=0.15)")
        print(f"{'':<12} QPS hits {qps_h:5.2f}x  misses {qps_m:5.2f}x  latency hits {lat_h:5.2f}x  "
              f"misses {lat_m:5.2f}x (<=1.0)  lost {lost} (0)")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--residns", required=True, type=pathlib.Path)
    p.add_argument("--duration", type=float, default=10.0, help="seconds per timed phase")
    p.add_argument("--working-set", type=int, default=10000, help="hit names (x 4 types)")
    p.add_argument("--threads", default="1,2", help="residns thread counts to run")
    p.add_argument("--clients", type=int, default=8, help="dnsperf -c (source ports)")
    p.add_argument("--hit-outstanding", type=int, default=100, help="dnsperf -q for hits")
    p.add_argument("--miss-outstanding", type=int, default=100, help="dnsperf -q for misses")
    p.add_argument("--miss-rate", type=int, default=150000,
                   help="miss names generated per second of --duration")
    p.add_argument("--only", choices=["residns", "unbound"], help="run one resolver only")
    p.add_argument("--keep", action="store_true", help="keep the work directory")
    args = p.parse_args()

    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    # Ahead of background jobs, the same for every resolver: less noise. run.sh started a new
    # session, so with autogroup scheduling this raises only this run's group (root only).
    for knob in ("/proc/self/autogroup",):
        try:
            pathlib.Path(knob).write_text("-10")
        except OSError:
            pass
    try:
        os.nice(-10)
    except OSError:
        pass
    for knob in ("rmem_max", "wmem_max"):  # allow the 4 MiB socket buffers, if this netns may
        try:
            pathlib.Path(f"/proc/sys/net/core/{knob}").write_text("8388608")
        except OSError:
            pass

    work = pathlib.Path(tempfile.mkdtemp(prefix="residns-e2e-"))
    log(f"work directory {work}")
    rng = random.Random(8)
    zone_file = work / "bench.zone"
    write_zone(zone_file, args.working_set)
    hit_lines = [f"h{i}.{ZONE} {t}" for i in range(args.working_set) for t in TYPES]
    rng.shuffle(hit_lines)
    files = {
        "warm": work / "warm.txt",
        "memory": work / "memory.txt",
        "hits": work / "hits.txt",
        "misses": work / "misses.txt",
    }
    write_queries(files["warm"], (f"warm{i}.w.{ZONE} A" for i in range(2000)))
    write_queries(files["memory"], (f"c{i}.w.{ZONE} A" for i in range(100000)))
    write_queries(files["hits"], hit_lines)
    n_miss = int(args.duration * args.miss_rate)
    write_queries(files["misses"],
                  (f"m{i}x{rng.randrange(1 << 30):x}.w.{ZONE} {TYPES[i % 2]}"
                   for i in range(n_miss)))
    log(f"zone with {args.working_set * 4} hit records; {n_miss} miss names")

    nsd = start_nsd(work, zone_file)
    results: dict[str, dict] = {}
    try:
        if args.only != "unbound":
            for threads in (int(t) for t in args.threads.split(",")):
                res = residns_resolver(args.residns, work, threads)
                results[res.label] = measure(res, files, args)
        if args.only != "residns":
            results["unbound"] = measure(unbound_resolver(work), files, args)
    finally:
        nsd.send_signal(signal.SIGTERM)
        try:
            nsd.wait(timeout=10)
        except subprocess.TimeoutExpired:
            nsd.kill()
        if not args.keep:
            subprocess.run(["rm", "-rf", str(work)])
    report(results, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
