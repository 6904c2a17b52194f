"""A scripted upstream DNS server that integration tests control.

The server listens on UDP and TCP on the same port (127.0.0.1 or ::1), answers from rules the
test sets per (name, type), and records every query it receives.  It answers like a real server:
the response carries the query's ID and the query's exact question bytes (0x20 case included),
and a UDP answer larger than the query's limit (512, or the EDNS size) is sent truncated (TC=1,
empty sections) so the client has to retry over TCP.

    up = ScriptedUpstream()            # or ScriptedUpstream("::1")
    up.start()
    up.answer("www.example.com", "A", ["www.example.com. 300 IN A 192.0.2.1"])
    up.nxdomain("nope.example.com", soa="example.com. 300 IN SOA ns. host. 1 2 3 4 300")
    up.nodata("www.example.com", "MX", soa=...)
    up.servfail("x.example.com"); up.refused(...); up.blackhole(...); up.garbage(...)
    up.delay("slow.example.com", 0.5)  # per name, added to whatever the rule does
    up.drop_all(); up.drop_all(False)  # an outage: every query dropped, rules kept for after
    up.truncate_udp("big.example.com", "TXT")   # TC=1 over UDP, the full answer over TCP
    up.mangle("evil.example.com", "A", ["evil.example.com. 300 IN A 198.51.100.66"],
              how="wrong_id", then_real=["evil.example.com. 300 IN A 192.0.2.7"])
                                       # a spoofed-looking answer (see MANGLES), then the real one
    ...
    up.queries                         # list[ReceivedQuery]
    up.stop()

A rule given without a type applies to every type of that name; a rule for (name, type) wins
over it.  `blackhole()` / `servfail()` / `refused()` with no name change the default for every
name that has no rule.  Unscripted names get REFUSED unless `default` says otherwise.
"""

from __future__ import annotations

import dataclasses
import random
import re
import select
import socket
import struct
import threading
import time
from typing import Iterable, Optional

import dns.edns
import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.opcode
import dns.rcode
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rrset

__all__ = ["ScriptedUpstream", "ReceivedQuery", "Rule", "MANGLES", "parse_records",
           "question_bytes", "bind_udp_tcp_pair", "free_port"]


# ----------------------------------------------------------------------------------------------
# Helpers shared with the rest of the suite


def bind_udp_tcp_pair(host: str, attempts: int = 50, port: int = 0
                      ) -> tuple[socket.socket, socket.socket, int]:
    """Bind a UDP and a TCP socket on `host` with the same port: `port`, or a free one (UDP is
    bound to port 0 first, then TCP to the same number; retried if that one is taken)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    last_error: Optional[OSError] = None
    for _ in range(attempts):
        udp = socket.socket(family, socket.SOCK_DGRAM)
        try:
            udp.bind((host, port))
            bound = udp.getsockname()[1]
            tcp = socket.socket(family, socket.SOCK_STREAM)
            try:
                tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                tcp.bind((host, bound))
            except OSError as e:
                tcp.close()
                raise e
            return udp, tcp, bound
        except OSError as e:
            last_error = e
            udp.close()
            if port:
                break
    raise RuntimeError(f"no port free for both UDP and TCP on {host}: {last_error}")


def free_port(hosts: Iterable[str] = ("127.0.0.1",), attempts: int = 50) -> int:
    """A port number that is free for UDP and TCP on every host in `hosts` (then released)."""
    hosts = list(hosts)
    for _ in range(attempts):
        held: list[socket.socket] = []
        try:
            udp, tcp, port = bind_udp_tcp_pair(hosts[0])
            held += [udp, tcp]
            for h in hosts[1:]:
                family = socket.AF_INET6 if ":" in h else socket.AF_INET
                for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
                    s = socket.socket(family, kind)
                    held.append(s)
                    if kind == socket.SOCK_STREAM:
                        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                    s.bind((h, port))
            return port
        except OSError:
            continue
        finally:
            for s in held:
                s.close()
    raise RuntimeError(f"no port free on all of {hosts}")


def question_bytes(wire: bytes) -> Optional[bytes]:
    """The raw bytes of the first question (name + type + class), or None if malformed."""
    pos = 12
    try:
        while True:
            length = wire[pos]
            if length == 0:
                pos += 1
                break
            if length & 0xC0:
                return None  # a pointer in a question: not something a client sends
            pos += 1 + length
        if pos + 4 > len(wire):
            return None
        return wire[12:pos + 4]
    except IndexError:
        return None


_RECORD_RE = re.compile(r"^(\S+)\s+(\d+)\s+(?:IN\s+)?([A-Za-z0-9]+)\s+(.*)$", re.IGNORECASE)


def parse_records(lines: Iterable[str]) -> list[dns.rrset.RRset]:
    """Zone-text lines ("name ttl [class] type rdata") into RRsets, in order of first appearance."""
    rrsets: list[dns.rrset.RRset] = []
    for line in lines:
        m = _RECORD_RE.match(line.strip())
        if not m:
            raise ValueError(f"record needs 'name ttl [IN] type rdata': {line!r}")
        name, ttl, rtype, rdata_text = m.group(1), int(m.group(2)), m.group(3), m.group(4)
        rdtype = dns.rdatatype.from_text(rtype)
        rdata = dns.rdata.from_text(dns.rdataclass.IN, rdtype, rdata_text.strip())
        owner = dns.name.from_text(name)
        for rrset in rrsets:
            if rrset.name == owner and rrset.rdtype == rdtype:
                rrset.add(rdata, ttl)
                break
        else:
            rrset = dns.rrset.RRset(owner, dns.rdataclass.IN, rdtype)
            rrset.add(rdata, ttl)
            rrsets.append(rrset)
    return rrsets


# ----------------------------------------------------------------------------------------------
# Rules and records


@dataclasses.dataclass
class Rule:
    """What the server does for a query."""

    kind: str = "answer"  # answer | servfail | refused | blackhole | garbage | mangle
    rcode: int = dns.rcode.NOERROR
    answer: list[dns.rrset.RRset] = dataclasses.field(default_factory=list)
    authority: list[dns.rrset.RRset] = dataclasses.field(default_factory=list)
    additional: list[dns.rrset.RRset] = dataclasses.field(default_factory=list)
    aa: bool = True
    tc_udp: bool = False  # UDP answers carry TC=1 and no records; TCP answers are complete
    garbage: bytes = b""
    garbage_keeps_id: bool = True
    mangle: str = ""  # kind "mangle": one of MANGLES, applied to the rendered answer
    then_real: Optional["Rule"] = None  # kind "mangle": the correct answer sent right after


# How a "mangle" rule spoils the answer it renders (from the rule's records):
#   wrong_id        the ID plus one
#   wrong_question  the question's first label changed (same length, same ID)
#   wrong_case      the question's letters in the other case (0x20 mismatch)
#   truncated       cut in the middle of the last record (counts unchanged)
#   random          ID kept, then random bytes of the answer's length
MANGLES = ("wrong_id", "wrong_question", "wrong_case", "truncated", "random")


@dataclasses.dataclass
class ReceivedQuery:
    """One query as the upstream received it."""

    transport: str  # "udp" or "tcp"
    wire: bytes
    peer: tuple
    time: float  # time.monotonic() at receipt
    message: Optional[dns.message.Message]  # None if dnspython could not parse it
    answered: str = ""  # what the server did: the rule kind, "truncated", ...

    @property
    def id(self) -> int:
        return struct.unpack("!H", self.wire[:2])[0] if len(self.wire) >= 2 else -1

    @property
    def qname(self) -> str:
        """The first question's name exactly as sent (case preserved), with a trailing dot."""
        if self.message is None or not self.message.question:
            return ""
        return self.message.question[0].name.to_text()

    @property
    def qtype(self) -> str:
        if self.message is None or not self.message.question:
            return ""
        return dns.rdatatype.to_text(self.message.question[0].rdtype)

    @property
    def flags(self) -> int:
        return struct.unpack("!H", self.wire[2:4])[0] if len(self.wire) >= 4 else 0

    @property
    def rd(self) -> bool:
        return bool(self.flags & dns.flags.RD)

    @property
    def cd(self) -> bool:
        return bool(self.flags & dns.flags.CD)

    @property
    def edns(self) -> int:
        """EDNS version, -1 without an OPT record."""
        return -1 if self.message is None else self.message.edns

    @property
    def payload(self) -> int:
        """The advertised UDP payload size (0 without an OPT record)."""
        return self.message.payload if self.message is not None and self.message.edns >= 0 else 0

    @property
    def do(self) -> bool:
        return bool(self.message is not None and self.message.ednsflags & dns.flags.DO)

    def __repr__(self) -> str:
        return (f"ReceivedQuery({self.transport} id={self.id} {self.qname} {self.qtype} "
                f"rd={self.rd} cd={self.cd} edns={self.edns} payload={self.payload} do={self.do} "
                f"answered={self.answered!r})")


def _key(name: str) -> str:
    return dns.name.from_text(name).to_text().lower()


def _type(rdtype) -> Optional[int]:
    if rdtype is None:
        return None
    return dns.rdatatype.from_text(rdtype) if isinstance(rdtype, str) else int(rdtype)


# ----------------------------------------------------------------------------------------------
# The server


class ScriptedUpstream:
    def __init__(self, host: str = "127.0.0.1", default: Optional[Rule] = None, port: int = 0):
        self.host = host
        self.port = port
        self.default = default or Rule(kind="refused", rcode=dns.rcode.REFUSED)
        self._rules: dict[tuple[str, Optional[int]], Rule] = {}
        self._delays: dict[str, float] = {}
        self._lock = threading.Lock()
        self._queries: list[ReceivedQuery] = []
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._timers: list[threading.Timer] = []
        self._udp: Optional[socket.socket] = None
        self._tcp: Optional[socket.socket] = None
        self._tcp_conns: list[socket.socket] = []
        self._dropping = False

    # -- addresses ---------------------------------------------------------------------------
    @property
    def address(self) -> str:
        """host:port as residns's config wants it ("[::1]:5300" for IPv6)."""
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"

    @property
    def sockaddr(self) -> tuple[str, int]:
        return (self.host, self.port)

    # -- scripting ---------------------------------------------------------------------------
    def set_rule(self, name: str, rdtype, rule: Rule) -> Rule:
        with self._lock:
            self._rules[(_key(name), _type(rdtype))] = rule
        return rule

    def answer(self, name: str, rdtype, records: Iterable[str], *, authority: Iterable[str] = (),
               additional: Iterable[str] = (), rcode: int = dns.rcode.NOERROR, aa: bool = True,
               tc_udp: bool = False) -> Rule:
        """Canned answer: records are zone-text lines ("www.example.com. 300 IN A 192.0.2.1")."""
        return self.set_rule(name, rdtype, Rule(
            kind="answer", rcode=rcode, answer=parse_records(records),
            authority=parse_records(authority), additional=parse_records(additional), aa=aa,
            tc_udp=tc_udp))

    def nxdomain(self, name: str, soa: str, rdtype=None) -> Rule:
        """NXDOMAIN with the given SOA line in the authority section (every type by default)."""
        return self.set_rule(name, rdtype, Rule(kind="answer", rcode=dns.rcode.NXDOMAIN,
                                                authority=parse_records([soa])))

    def nodata(self, name: str, rdtype, soa: str) -> Rule:
        """NOERROR, empty answer, the given SOA line in the authority section."""
        return self.set_rule(name, rdtype, Rule(kind="answer", authority=parse_records([soa])))

    def servfail(self, name: Optional[str] = None, rdtype=None) -> Rule:
        return self._special(name, rdtype, Rule(kind="servfail", rcode=dns.rcode.SERVFAIL))

    def refused(self, name: Optional[str] = None, rdtype=None) -> Rule:
        return self._special(name, rdtype, Rule(kind="refused", rcode=dns.rcode.REFUSED))

    def blackhole(self, name: Optional[str] = None, rdtype=None) -> Rule:
        """Never answer (the query is still recorded)."""
        return self._special(name, rdtype, Rule(kind="blackhole"))

    def garbage(self, name: Optional[str] = None, rdtype=None,
                data: bytes = b"\xde\xad\xbe\xef" * 8, keep_id: bool = True) -> Rule:
        """Answer with garbage bytes (after the query's ID if keep_id, so it looks like ours)."""
        return self._special(name, rdtype, Rule(kind="garbage", garbage=data,
                                                garbage_keeps_id=keep_id))

    def mangle(self, name: str, rdtype, records: Iterable[str], how: str,
               then_real: Optional[Iterable[str]] = None) -> Rule:
        """Answer with `records` spoiled as `how` says (MANGLES); with `then_real`, the correct
        answer with those records follows at once in a second packet (a spoofing race)."""
        if how not in MANGLES:
            raise ValueError(f"mangle how={how!r}: one of {MANGLES}")
        real = None
        if then_real is not None:
            real = Rule(kind="answer", answer=parse_records(then_real))
        return self.set_rule(name, rdtype, Rule(kind="mangle", answer=parse_records(records),
                                                mangle=how, then_real=real))

    def truncate_udp(self, name: str, rdtype) -> None:
        """Answers for (name, type) over UDP carry TC=1 and no records; TCP gets the full rule."""
        with self._lock:
            key = (_key(name), _type(rdtype))
            rule = self._rules.get(key) or self._rules.get((key[0], None))
            if rule is None:
                raise KeyError(f"script an answer for {name} {rdtype} before truncate_udp()")
            self._rules[key] = dataclasses.replace(rule, tc_udp=True)

    def drop_all(self, on: bool = True) -> None:
        """An outage: while on, every query is recorded and dropped, whatever the rules say."""
        with self._lock:
            self._dropping = on

    def delay(self, name: str, seconds: float) -> None:
        """Delay every answer for `name` (any type, either transport) by `seconds`."""
        with self._lock:
            self._delays[_key(name)] = seconds

    def _special(self, name: Optional[str], rdtype, rule: Rule) -> Rule:
        if name is None:
            with self._lock:
                self.default = rule
            return rule
        return self.set_rule(name, rdtype, rule)

    # -- recorded queries --------------------------------------------------------------------
    @property
    def queries(self) -> list[ReceivedQuery]:
        with self._lock:
            return list(self._queries)

    def queries_for(self, name: str, rdtype=None) -> list[ReceivedQuery]:
        key, t = _key(name), _type(rdtype)
        return [q for q in self.queries
                if q.qname.lower() == key and (t is None or q.message.question[0].rdtype == t)]

    def clear_queries(self) -> None:
        with self._lock:
            self._queries.clear()

    def wait_for_queries(self, count: int, timeout: float = 3.0, name: Optional[str] = None
                         ) -> list[ReceivedQuery]:
        """Wait until at least `count` queries (for `name`, if given) were received."""
        deadline = time.monotonic() + timeout
        while True:
            got = self.queries_for(name) if name else self.queries
            if len(got) >= count or time.monotonic() >= deadline:
                return got
            time.sleep(0.01)

    # -- life cycle --------------------------------------------------------------------------
    def start(self) -> "ScriptedUpstream":
        self._udp, self._tcp, self.port = bind_udp_tcp_pair(self.host, port=self.port)
        self._tcp.listen(64)
        for target in (self._serve_udp, self._serve_tcp):
            t = threading.Thread(target=target, daemon=True, name=f"upstream-{target.__name__}")
            t.start()
            self._threads.append(t)
        return self

    def stop(self) -> None:
        self._stop.set()
        with self._lock:
            timers = list(self._timers)
        for timer in timers:
            timer.cancel()
        for t in self._threads:
            t.join(timeout=2)
        for s in [self._udp, self._tcp] + self._tcp_conns:
            if s is not None:
                try:
                    s.close()
                except OSError:
                    pass

    def __enter__(self) -> "ScriptedUpstream":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- serving -----------------------------------------------------------------------------
    def _rule_for(self, msg: Optional[dns.message.Message]) -> tuple[Rule, float]:
        with self._lock:
            if msg is None or len(msg.question) != 1:
                return Rule(kind="answer", rcode=dns.rcode.FORMERR), 0.0
            q = msg.question[0]
            key = q.name.to_text().lower()
            rule = (self._rules.get((key, q.rdtype)) or self._rules.get((key, None))
                    or self.default)
            return rule, self._delays.get(key, 0.0)

    def _respond(self, wire: bytes, transport: str, peer) -> Optional[tuple[bytes, float]]:
        try:
            msg = dns.message.from_wire(wire)
        except Exception:  # noqa: BLE001 - any parse error: record and answer FORMERR/ignore
            msg = None
        record = ReceivedQuery(transport, wire, peer, time.monotonic(), msg)
        with self._lock:
            self._queries.append(record)
        if len(wire) < 12:
            record.answered = "dropped"
            return None
        with self._lock:
            dropping = self._dropping
        if dropping:
            record.answered = "outage"
            return None
        rule, delay = self._rule_for(msg)
        record.answered = rule.kind
        if rule.kind == "blackhole":
            return None
        if rule.kind == "garbage":
            data = (wire[:2] + rule.garbage) if rule.garbage_keeps_id else rule.garbage
            return data, delay
        if rule.kind == "mangle":
            return self._mangled(wire, msg, rule, transport), delay
        out = self._render(wire, msg, rule, transport)
        if out is None:
            record.answered = "unrenderable"
            return None
        if transport == "udp" and out[2] & 0x02:
            record.answered = "truncated"
        return out, delay

    def _render(self, wire: bytes, msg: Optional[dns.message.Message], rule: Rule,
                transport: str) -> Optional[bytes]:
        query_id = struct.unpack("!H", wire[:2])[0]
        query_flags = struct.unpack("!H", wire[2:4])[0]
        qbytes = question_bytes(wire)
        if msg is None:
            # Header-only FORMERR with the query's ID, like a server that could not parse it.
            flags = dns.flags.QR | (query_flags & dns.flags.RD) | dns.rcode.FORMERR
            return struct.pack("!HHHHHH", query_id, flags, 0, 0, 0, 0)
        resp = dns.message.Message(id=query_id)
        resp.flags = dns.flags.QR | (query_flags & (dns.flags.RD | dns.flags.CD)) | dns.flags.RA
        if rule.aa and rule.kind == "answer":
            resp.flags |= dns.flags.AA
        resp.set_opcode(msg.opcode())
        resp.question = list(msg.question)
        if msg.edns >= 0:
            resp.use_edns(0, msg.ednsflags & dns.flags.DO, 1232)
        resp.set_rcode(rule.rcode)
        truncated = transport == "udp" and rule.tc_udp
        if not truncated:
            resp.answer = [r for r in rule.answer]
            resp.authority = [r for r in rule.authority]
            resp.additional = [r for r in rule.additional]
        out = resp.to_wire(max_size=65535)
        limit = 65535
        if transport == "udp":
            limit = max(512, msg.payload) if msg.edns >= 0 else 512
        if truncated or len(out) > limit:
            resp.answer, resp.authority, resp.additional = [], [], []
            resp.flags |= dns.flags.TC
            out = resp.to_wire(max_size=65535)
        # Echo the exact question bytes of the query (dnspython keeps case, but be certain).
        if qbytes is not None and out[12:12 + len(qbytes)].lower() == qbytes.lower():
            out = out[:12] + qbytes + out[12 + len(qbytes):]
        return out

    def _mangled(self, wire: bytes, msg: Optional[dns.message.Message], rule: Rule,
                 transport: str) -> list[bytes]:
        """The spoiled answer, then (if the rule says so) the real one: a list of packets."""
        out = bytearray(self._render(wire, msg, dataclasses.replace(rule, kind="answer"),
                                     transport) or b"")
        qbytes = question_bytes(wire) or b""
        if len(out) >= 12:
            if rule.mangle == "wrong_id":
                out[0:2] = struct.pack("!H", (struct.unpack("!H", out[:2])[0] + 1) & 0xFFFF)
            elif rule.mangle == "wrong_question" and len(qbytes) > 1 and len(out) > 13:
                out[13] = ord("x") if out[13] not in (ord("x"), ord("X")) else ord("y")
            elif rule.mangle == "wrong_case":
                end = 12 + len(qbytes) - 4
                out[12:end] = bytes(b ^ 0x20 if chr(b).isalpha() else b for b in out[12:end])
            elif rule.mangle == "truncated":
                out = out[:max(12 + len(qbytes), len(out) - 3)]
            elif rule.mangle == "random":
                out = out[:2] + bytearray(random.randbytes(max(0, len(out) - 2)))
        packets = [bytes(out)]
        if rule.then_real is not None:
            packets.append(self._render(wire, msg, rule.then_real, transport))
        return packets

    def _send_later(self, delay: float, send, data) -> None:
        """Sends `data` (bytes, or a list of packets sent one after the other) after `delay`."""
        if isinstance(data, list):
            def send_all(packets: list, send=send) -> None:
                for p in packets:
                    send(p)
            send, data = send_all, data
        if delay <= 0:
            send(data)
            return
        timer = threading.Timer(delay, send, args=(data,))
        timer.daemon = True
        with self._lock:
            self._timers.append(timer)
        timer.start()

    def _serve_udp(self) -> None:
        sock = self._udp
        while not self._stop.is_set():
            ready, _, _ = select.select([sock], [], [], 0.05)
            if not ready:
                continue
            try:
                wire, peer = sock.recvfrom(65535)
            except OSError:
                continue
            result = self._respond(wire, "udp", peer)
            if result is None:
                continue
            data, delay = result

            def send(d: bytes, peer=peer) -> None:
                if not self._stop.is_set():
                    try:
                        sock.sendto(d, peer)
                    except OSError:
                        pass
            self._send_later(delay, send, data)

    def _serve_tcp(self) -> None:
        while not self._stop.is_set():
            ready, _, _ = select.select([self._tcp], [], [], 0.05)
            if not ready:
                continue
            try:
                conn, peer = self._tcp.accept()
            except OSError:
                continue
            with self._lock:
                self._tcp_conns.append(conn)
            t = threading.Thread(target=self._serve_tcp_conn, args=(conn, peer), daemon=True)
            t.start()
            self._threads.append(t)

    def _serve_tcp_conn(self, conn: socket.socket, peer) -> None:
        send_lock = threading.Lock()

        def send(d: bytes) -> None:
            if self._stop.is_set():
                return
            with send_lock:
                try:
                    conn.sendall(struct.pack("!H", len(d)) + d)
                except OSError:
                    pass

        buf = b""
        while not self._stop.is_set():
            ready, _, _ = select.select([conn], [], [], 0.05)
            if not ready:
                continue
            try:
                chunk = conn.recv(65535)
            except OSError:
                break
            if not chunk:
                break
            buf += chunk
            while len(buf) >= 2:
                length = struct.unpack("!H", buf[:2])[0]
                if len(buf) < 2 + length:
                    break
                wire, buf = buf[2:2 + length], buf[2 + length:]
                result = self._respond(wire, "tcp", peer)
                if result is not None:
                    self._send_later(result[1], send, result[0])
        # Keep the socket open until delayed answers went out or the server stops; the peer
        # closing is what ended the loop, so closing here is fine.
        try:
            conn.close()
        except OSError:
            pass
