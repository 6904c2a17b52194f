"""Clients for the integration tests: dnspython over UDP and TCP (parsed and raw), dig and kdig.

Servers are (host, port) tuples; IPv6 hosts are plain ("::1"), without brackets.
"""

from __future__ import annotations

import dataclasses
import re
import select
import socket
import struct
import subprocess
import time
from typing import Optional

import dns.flags
import dns.message
import dns.name
import dns.opcode
import dns.query
import dns.rcode
import dns.rdatatype

Server = tuple[str, int]


def _family(host: str) -> int:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


# ----------------------------------------------------------------------------------------------
# dnspython


def make_query(name: str, rdtype="A", *, id: Optional[int] = None, edns: Optional[int] = None,
               payload: int = 1232, do: bool = False, rd: bool = True, cd: bool = False
               ) -> dns.message.Message:
    """A query; `edns` is the EDNS version (None: no OPT record)."""
    q = dns.message.make_query(name, rdtype, use_edns=False)
    if id is not None:
        q.id = id
    if not rd:
        q.flags &= ~dns.flags.RD
    if cd:
        q.flags |= dns.flags.CD
    if edns is not None:
        q.use_edns(edns, dns.flags.DO if do else 0, payload)
    return q


def udp_raw(server: Server, wire: bytes, timeout: float = 2.0) -> Optional[bytes]:
    """Send one datagram, return the first datagram that comes back, or None on timeout."""
    with socket.socket(_family(server[0]), socket.SOCK_DGRAM) as s:
        s.connect(server)
        s.send(wire)
        ready, _, _ = select.select([s], [], [], timeout)
        if not ready:
            return None
        return s.recv(65535)


def tcp_raw(server: Server, wire: bytes, timeout: float = 3.0) -> Optional[bytes]:
    """One length-framed query over a new TCP connection; the answer's bytes or None."""
    with socket.create_connection(server, timeout=timeout) as s:
        s.sendall(struct.pack("!H", len(wire)) + wire)
        try:
            return read_frame(s, timeout)
        except (socket.timeout, ConnectionError):
            return None


def read_exact(sock: socket.socket, n: int, timeout: float) -> bytes:
    """Read exactly n bytes; raises ConnectionError on EOF, socket.timeout on timeout."""
    deadline = time.monotonic() + timeout
    buf = b""
    while len(buf) < n:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise socket.timeout(f"read {len(buf)} of {n} bytes")
        sock.settimeout(remaining)
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise ConnectionError(f"connection closed after {len(buf)} of {n} bytes")
        buf += chunk
    return buf


def read_frame(sock: socket.socket, timeout: float = 3.0) -> bytes:
    """One RFC 1035/7766 length-prefixed message."""
    length = struct.unpack("!H", read_exact(sock, 2, timeout))[0]
    return read_exact(sock, length, timeout)


def udp(server: Server, query, rdtype="A", timeout: float = 2.0, **kw) -> dns.message.Message:
    """Query over UDP; `query` is a Message or a name (then make_query(name, rdtype, **kw)).

    Raises dns.exception.Timeout if nothing comes back.  dnspython checks ID and question.
    """
    if not isinstance(query, dns.message.Message):
        query = make_query(query, rdtype, **kw)
    return dns.query.udp(query, server[0], port=server[1], timeout=timeout)


def tcp(server: Server, query, rdtype="A", timeout: float = 3.0, **kw) -> dns.message.Message:
    if not isinstance(query, dns.message.Message):
        query = make_query(query, rdtype, **kw)
    return dns.query.tcp(query, server[0], port=server[1], timeout=timeout)


def rrset_texts(msg: dns.message.Message, section: str = "answer") -> set[str]:
    """The records of a section as "name TYPE rdata" strings, lower-cased names, no TTLs."""
    out = set()
    for rrset in getattr(msg, section):
        for rd in rrset:
            out.add(f"{rrset.name.to_text().lower()} {dns.rdatatype.to_text(rrset.rdtype)} "
                    f"{rd.to_text()}")
    return out


def header(wire: bytes) -> dict:
    """The header fields of a raw DNS message."""
    ident, flags, qd, an, ns, ar = struct.unpack("!HHHHHH", wire[:12])
    return {"id": ident, "qr": bool(flags & 0x8000), "opcode": (flags >> 11) & 0xF,
            "aa": bool(flags & 0x0400), "tc": bool(flags & 0x0200), "rd": bool(flags & 0x0100),
            "ra": bool(flags & 0x0080), "rcode": flags & 0xF, "qdcount": qd, "ancount": an,
            "nscount": ns, "arcount": ar}


# ----------------------------------------------------------------------------------------------
# dig and kdig


@dataclasses.dataclass
class ToolResult:
    """What dig or kdig printed, parsed."""

    returncode: int
    output: str
    status: str = ""  # NOERROR, NXDOMAIN, ... ("" if no answer was printed)
    id: int = -1
    flags: set[str] = dataclasses.field(default_factory=set)
    edns: bool = False  # the answer carried an OPT record
    edns_udp: int = 0  # its advertised size
    answer: list[str] = dataclasses.field(default_factory=list)  # "name ttl class type rdata"
    authority: list[str] = dataclasses.field(default_factory=list)
    additional: list[str] = dataclasses.field(default_factory=list)

    def records(self, section: str = "answer") -> set[str]:
        """Records as "name TYPE rdata" (lower-cased name, no TTL/class), like rrset_texts()."""
        out = set()
        for line in getattr(self, section):
            parts = line.split(None, 4)
            if len(parts) == 5:
                out.add(f"{parts[0].lower()} {parts[3]} {parts[4]}")
        return out


_SECTION_RE = re.compile(r"^;; (ANSWER|AUTHORITY|ADDITIONAL) SECTION:", re.IGNORECASE)


def _parse_tool_output(returncode: int, output: str) -> ToolResult:
    r = ToolResult(returncode, output)
    section: Optional[str] = None
    for raw in output.splitlines():
        line = raw.rstrip()
        m = re.search(r"->>HEADER<<- opcode: \w+[,;] status: (\w+)[,;] id: (\d+)", line)
        if m:
            r.status, r.id = m.group(1), int(m.group(2))
            continue
        m = re.match(r"^;; [Ff]lags: ([a-z ]*);", line)
        if m:
            r.flags = set(m.group(1).split())
            continue
        if re.match(r"^;; (OPT|EDNS) PSEUDOSECTION", line):
            r.edns = True
            section = None
            continue
        m = re.search(r"udp: (\d+)|UDP size: (\d+)", line)
        if m and r.edns:
            r.edns_udp = int(m.group(1) or m.group(2))
            continue
        m = _SECTION_RE.match(line)
        if m:
            section = m.group(1).lower()
            continue
        if not line or line.startswith(";;"):
            section = None if not line else section
            continue
        if section and not line.startswith(";"):
            getattr(r, section).append(" ".join(line.split()))
    return r


def _port_args(server: Server) -> tuple[str, str]:
    return f"@{server[0]}", str(server[1])


def dig(server: Server, name: str, rdtype: str = "A", *options: str, timeout: float = 2.0
        ) -> ToolResult:
    """Run dig (+tries=1, +time) with extra options like "+noedns", "+tcp", "+bufsize=512"."""
    at, port = _port_args(server)
    cmd = ["dig", at, "-p", port, name, rdtype, "+tries=1", f"+time={max(1, int(timeout))}",
           "+nocookie", *options]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout * 3 + 5)
    return _parse_tool_output(p.returncode, p.stdout + p.stderr)


def kdig(server: Server, name: str, rdtype: str = "A", *options: str, timeout: float = 2.0
         ) -> ToolResult:
    """Run kdig (+retry=0, +time) with extra options like "+edns", "+tcp", "+bufsize=512"."""
    at, port = _port_args(server)
    cmd = ["kdig", at, "-p", port, name, rdtype, "+retry=0", f"+time={max(1, int(timeout))}",
           *options]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout * 3 + 5)
    return _parse_tool_output(p.returncode, p.stdout + p.stderr)
