"""Local data (issue 5): zone files, hosts files and config records answered by residns itself.

One daemon (module scope) serves four zones -- tests/zone/data/every-feature.zone, lan.zone and
reverse.zone, and data/local.test.zone (negative answers, empty non-terminals, wildcards, CNAME
chains, a delegation, a big RRset) -- plus the hosts file data/lan.hosts (domain hosts.test, TTL 60)
and config records with records_add_ptr.  Its upstream is a ScriptedUpstream that answers the few
names that local CNAME chains lead to and the non-local names next to hosts-file names; every
other name gets REFUSED.  The reload and start-up tests run their own daemons.

named-compilezone (bind9-utils) is the oracle for what a zone file holds: every RRset it prints is
asked for and must come back with the same RDATA and TTL, AA=1.
"""

from __future__ import annotations

import pathlib
import re
import shutil
import signal
import subprocess
import time

import dns.flags
import dns.name
import dns.rcode
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.reversename
import pytest

import dnsclient
from residns_daemon import REPO_ROOT, DaemonError, Residns, run_residns
from scripted_upstream import ScriptedUpstream
from test_glibc import addresses, netns_available, run_in_netns  # noqa: F401 (fixtures)

DATA = pathlib.Path(__file__).resolve().parent / "data"
ZONE_DATA = REPO_ROOT / "tests" / "zone" / "data"
COMPILEZONE = shutil.which("named-compilezone") or "/usr/sbin/named-compilezone"

# (origin, file) of every zone the shared daemon serves.
ZONES = {
    "every-feature": ("example.test", ZONE_DATA / "every-feature.zone"),
    "lan": ("lan", ZONE_DATA / "lan.zone"),
    "reverse": ("168.192.in-addr.arpa", ZONE_DATA / "reverse.zone"),
    "local.test": ("local.test", DATA / "local.test.zone"),
    "rfc1035-ttl": ("ttl.test", ZONE_DATA / "rfc1035-ttl.zone"),  # named's TTL inheritance
    "rfc1035-prev-ttl": ("prev.test", ZONE_DATA / "rfc1035-prev-ttl.zone"),
}

HOSTS_TTL = 60
RECORDS = [
    "nas2.rec.test. 600 IN A 198.51.100.20",
    "nas2.rec.test. IN AAAA 2001:db8:20::1",  # default TTL 300
    "extra.lan. 120 IN A 192.168.1.99",  # joins the lan zone; its PTR joins the reverse zone
    "alias.lan. 300 IN CNAME www.example.com.",  # leaves local data
    "gone.lan. 300 IN CNAME nothere.example.com.",  # leaves local data into an NXDOMAIN
    "bigalias.lan. 300 IN CNAME big.example.com.",  # leaves local data into a big RRset
]

UPSTREAM_SOA = ("example.com. 300 IN SOA ns1.example.com. hostmaster.example.com. "
                "1 7200 900 1209600 300")

A, AAAA, CNAME, NS, SOA, PTR, MX, TXT = (dns.rdatatype.A, dns.rdatatype.AAAA, dns.rdatatype.CNAME,
                                         dns.rdatatype.NS, dns.rdatatype.SOA, dns.rdatatype.PTR,
                                         dns.rdatatype.MX, dns.rdatatype.TXT)

# The only names the upstream may ever be asked: CNAME targets outside local data and names next
# to hosts-file names.  Anything else reaching it is local data leaking out.
FORWARDED = {"www.example.com.", "nothere.example.com.", "www.example.net.", "other.hosts.test.",
             "99.0.77.10.in-addr.arpa.", "big.example.com."}
BIG_UPSTREAM = {f"198.51.100.{i}" for i in range(101, 161)}


def script_upstream(up: ScriptedUpstream) -> None:
    up.answer("www.example.com", "A", ["www.example.com. 300 IN A 203.0.113.5"])
    up.nxdomain("nothere.example.com", soa=UPSTREAM_SOA)
    up.answer("www.example.net", "A", ["www.example.net. 200 IN A 203.0.113.6",
                                       "www.example.net. 200 IN A 203.0.113.7"])
    up.answer("big.example.com", "A", [f"big.example.com. 300 IN A {a}" for a in BIG_UPSTREAM])
    up.answer("other.hosts.test", "A", ["other.hosts.test. 100 IN A 203.0.113.50"])
    up.answer("99.0.77.10.in-addr.arpa", "PTR",
              ["99.0.77.10.in-addr.arpa. 100 IN PTR upstream-name.example.com."])


class Served:
    def __init__(self, daemon: Residns, upstream: ScriptedUpstream):
        self.daemon = daemon
        self.upstream = upstream

    @property
    def server(self):
        return self.daemon.server

    def local_queries_upstream(self) -> list:
        """Queries the upstream received for anything but the FORWARDED names."""
        return [q for q in self.upstream.queries if q.qname.lower() not in FORWARDED]


@pytest.fixture(scope="module")
def served_module(tmp_path_factory, residns_binary):
    up = ScriptedUpstream("127.0.0.1").start()
    script_upstream(up)
    config = {
        "upstreams": [up.address],
        "zones": [{"file": str(f), "origin": o} for o, f in ZONES.values()],
        "hosts_files": [{"file": "lan.hosts", "domain": "hosts.test", "ttl": HOSTS_TTL}],
        "records": RECORDS,
        "records_add_ptr": True,
    }
    workdir = tmp_path_factory.mktemp("local")
    shutil.copy(DATA / "lan.hosts", workdir / "lan.hosts")  # relative to the config file
    d = Residns(residns_binary, workdir, config=config)
    try:
        d.start()
        yield Served(d, up)
    finally:
        d.stop()
        up.stop()


@pytest.fixture
def served(request, served_module):
    offset = served_module.daemon.log_size()
    yield served_module
    rep = getattr(request.node, "rep_call", None)
    if rep is not None and rep.failed:
        print(f"\n===== residns stderr during the test ({served_module.daemon.log_path}) =====")
        print(served_module.daemon.log_since(offset)[-20000:])
        print("===== queries received by the upstream =====")
        for q in served_module.upstream.queries:
            print(f"  {q!r}")


# ----------------------------------------------------------------------------------------------
# helpers


def ask(server, name, rdtype="A", *, transport="udp", **kw):
    kw.setdefault("edns", 0)
    if transport == "tcp":
        return dnsclient.tcp(server, name, rdtype, **kw)
    return dnsclient.udp(server, name, rdtype, **kw)


def n(text: str) -> dns.name.Name:
    return dns.name.from_text(text)


def aa(r) -> bool:
    return bool(r.flags & dns.flags.AA)


def rrset(r, name, rdtype, section="answer"):
    found = [s for s in getattr(r, section) if s.name == n(name) and s.rdtype == rdtype]
    assert len(found) == 1, f"no single {name} {dns.rdatatype.to_text(rdtype)} in {section}:\n{r}"
    return found[0]


def values(rs) -> set[str]:
    return {rd.to_text() for rd in rs}


def assert_negative(r, rcode, zone, ttl, answer_types=()):
    """NXDOMAIN or NODATA from a zone: AA=1, only the zone's SOA in authority with `ttl`."""
    assert r.rcode() == rcode, r
    assert aa(r), r
    assert [s.rdtype for s in r.answer] == list(answer_types), r
    assert len(r.authority) == 1, r
    soa = r.authority[0]
    assert (soa.name, soa.rdtype) == (n(zone), SOA), r
    assert soa.ttl == ttl, f"SOA TTL must be min(SOA TTL, MINIMUM) = {ttl}:\n{r}"


def negative_ttl(origin: str, file: pathlib.Path) -> int:
    soa = next(rs for (owner, t), rs in oracle(origin, file).items()
               if t == SOA and owner == n(origin))
    return min(soa["ttl"], next(iter(soa["rdatas"])).minimum)


_oracle_cache: dict = {}


def oracle(origin: str, file: pathlib.Path) -> dict:
    """{(owner, type): {"ttl", "rdatas", "text"}} as named-compilezone prints the zone.

    -s full: one record per line, absolute names; -i none: no zone integrity checks beyond loading;
    -k ignore: check-names off (every-feature.zone has an owner "escaped\\.dot"); -w: run from the
    file's directory so that $INCLUDE resolves as residns resolves it (relative to the includer)."""
    key = (origin, str(file))
    if key in _oracle_cache:
        return _oracle_cache[key]
    p = subprocess.run([COMPILEZONE, "-s", "full", "-i", "none", "-k", "ignore",
                        "-w", str(file.parent), "-o", "-", origin, file.name],
                       capture_output=True, text=True, timeout=30)
    assert p.returncode == 0, f"named-compilezone refused {file}:\n{p.stdout}{p.stderr}"
    out: dict = {}
    for line in p.stdout.splitlines():
        if not line.strip() or line.startswith(";") or line.startswith("zone ") or line == "OK":
            continue
        owner, ttl, cls, rtype, rdata = line.split(None, 4)
        assert cls == "IN", line
        t = dns.rdatatype.from_text(rtype)
        rd = dns.rdata.from_text(dns.rdataclass.IN, t, rdata)
        entry = out.setdefault((n(owner), t), {"ttl": int(ttl), "rdatas": set(), "text": []})
        assert entry["ttl"] == int(ttl), f"named printed two TTLs for one RRset: {line}"
        entry["rdatas"].add(rd)
        entry["text"].append(line)
    assert out, f"named-compilezone printed no records for {file}"
    _oracle_cache[key] = out
    return out


def zone_cuts(origin: str, data: dict) -> set:
    return {owner for (owner, t) in data if t == NS and owner != n(origin)}


# ----------------------------------------------------------------------------------------------
# every record of the test zones, against named-compilezone


@pytest.mark.parametrize("zone", list(ZONES))
def test_every_rrset_of_the_zone_is_answered_as_named_compilezone_prints_it(served, zone):
    if not pathlib.Path(COMPILEZONE).exists():
        pytest.skip("named-compilezone (bind9-utils) is not installed")
    origin, file = ZONES[zone]
    data = oracle(origin, file)
    cuts = zone_cuts(origin, data)
    asked = 0
    for (owner, rdtype), want in sorted(data.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        below_cut = any(owner.is_subdomain(c) and owner != c for c in cuts)
        if below_cut or (owner in cuts and rdtype != dns.rdatatype.DS):
            # Delegation NS and glue are answered by a referral (AA=0): see the referral tests.
            # The DS at a cut is the parent's own data and is asked for here.
            continue
        if rdtype in (dns.rdatatype.RRSIG, dns.rdatatype.NSEC, dns.rdatatype.NSEC3):
            # Signatures and denial records only make sense with DO=1 and a signed zone; the
            # test zones hold none (the assertion keeps this skip honest).
            raise AssertionError(f"unexpected DNSSEC record in {file}: {want['text']}")
        r = ask(served.server, owner, rdtype)
        text = "\n".join(want["text"])
        assert r.rcode() == dns.rcode.NOERROR, f"{text}\n->\n{r}"
        assert aa(r), f"AA=1 expected for\n{text}\n->\n{r}"
        got = rrset(r, owner.to_text(), rdtype)
        assert set(got) == want["rdatas"], f"{text}\n->\n{r}"
        assert got.ttl == want["ttl"], f"{text}\n->\n{r}"
        asked += 1
    assert asked >= 8
    assert not served.local_queries_upstream()


def test_dig_sees_aa_and_zone_records(served):
    cases = [
        ("nas.lan", "A", {"nas.lan. A 192.168.1.10"}, 86400),
        ("lan", "MX", {"lan. MX 10 nas.lan."}, 86400),
        ("_smb._tcp.lan", "SRV", {"_smb._tcp.lan. SRV 0 0 445 nas.lan."}, 86400),
        ("laptop.lan", "A", {"laptop.lan. A 192.168.1.30"}, 300),
        ("100.1.168.192.in-addr.arpa", "PTR",
         {"100.1.168.192.in-addr.arpa. PTR dhcp-100.lan."}, 3600),
        ("txt.example.test", "TXT", {'txt.example.test. TXT "one" "two" "three"',
                                     'txt.example.test. TXT "unquoted-word" "with space"',
                                     'txt.example.test. TXT "semicolon ; inside" '
                                     '"paren ( inside" "quote \\" inside" "back\\\\slash" "ABC"'},
         5400),
    ]
    for name, rdtype, want, ttl in cases:
        res = dnsclient.dig(served.server, name, rdtype)
        assert res.status == "NOERROR", res.output
        assert "aa" in res.flags, res.output
        assert res.records() == want, res.output
        assert {int(line.split()[1]) for line in res.answer} == {ttl}, res.output


def test_apex_ns_is_answered_with_addresses_of_in_zone_servers(served):
    r = ask(served.server, "local.test", "NS")

    assert aa(r) and r.rcode() == dns.rcode.NOERROR, r
    assert values(rrset(r, "local.test.", NS)) == {"ns1.local.test.", "ns2.local.test."}
    # Additional-section addresses of the servers (RFC 1034 4.3.2 step 6), as named adds them.
    assert values(rrset(r, "ns1.local.test.", A, "additional")) == {"192.0.2.1"}, r
    assert values(rrset(r, "ns2.local.test.", AAAA, "additional")) == {"2001:db8::2"}, r


# ----------------------------------------------------------------------------------------------
# negative answers


@pytest.mark.parametrize("zone,name", [
    ("lan", "nothere.lan"),
    ("every-feature", "nothere.example.test"),
    ("local.test", "nothere.local.test"),
    ("local.test", "z.b.c.local.test"),  # below an empty non-terminal
    ("reverse", "7.7.168.192.in-addr.arpa"),
])
def test_nxdomain_has_the_zone_soa_with_the_negative_ttl(served, zone, name):
    origin, file = ZONES[zone]
    ttl = negative_ttl(origin, file)

    r = ask(served.server, name, "A")

    assert_negative(r, dns.rcode.NXDOMAIN, origin + ".", ttl)
    assert not served.upstream.queries_for(name)


def test_negative_ttls_are_the_smaller_of_soa_ttl_and_minimum(served):
    # The three cases the zones give: MINIMUM < SOA TTL, SOA TTL < MINIMUM.
    assert negative_ttl(*ZONES["lan"]) == 3600  # SOA 86400, MINIMUM 3600
    assert negative_ttl(*ZONES["every-feature"]) == 300  # SOA 5400, MINIMUM 300
    assert negative_ttl(*ZONES["local.test"]) == 60  # SOA 60, MINIMUM 600


@pytest.mark.parametrize("name,rdtype,zone", [
    ("nas.lan", "AAAA", "lan"),
    ("lan", "A", "lan"),  # the apex
    ("b.c.local.test", "A", "local.test"),  # empty non-terminal
    ("c.local.test", "TXT", "local.test"),  # empty non-terminal, two labels up
    ("deep.wild.local.test", "A", "local.test"),  # empty non-terminal under a wildcard
    ("host.wild.local.test", "A", "local.test"),  # exists: blocks *.wild
])
def test_nodata_has_the_zone_soa(served, name, rdtype, zone):
    origin, file = ZONES[zone]

    r = ask(served.server, name, rdtype)

    assert_negative(r, dns.rcode.NOERROR, origin + ".", negative_ttl(origin, file))


def test_negative_answers_over_tcp(served):
    r = ask(served.server, "nothere.local.test", "A", transport="tcp")
    assert_negative(r, dns.rcode.NXDOMAIN, "local.test.", 60)

    r = ask(served.server, "b.c.local.test", "A", transport="tcp")
    assert_negative(r, dns.rcode.NOERROR, "local.test.", 60)


# ----------------------------------------------------------------------------------------------
# wildcards (RFC 4592)


@pytest.mark.parametrize("name,rdtype,want", [
    ("foo.wild.local.test", "A", {"192.0.2.77"}),
    ("Foo.Wild.local.test", "A", {"192.0.2.77"}),
    ("a.b.wild.local.test", "TXT", {'"wildcard"'}),  # b.wild does not exist: still synthesised
])
def test_wildcard_is_synthesised_with_the_name_asked(served, name, rdtype, want):
    r = ask(served.server, name, rdtype)

    assert r.rcode() == dns.rcode.NOERROR and aa(r), r
    [answer] = r.answer
    assert answer.name == n(name), "the owner is the name asked, not *.wild"
    assert answer.rdtype == dns.rdatatype.from_text(rdtype)
    assert values(answer) == want
    assert answer.ttl == 3600


def test_wildcard_without_the_type_is_nodata(served):
    r = ask(served.server, "foo.wild.local.test", "MX")
    assert_negative(r, dns.rcode.NOERROR, "local.test.", 60)


def test_existing_names_block_the_wildcard(served):
    # host.wild exists (AAAA only): its own data, and NODATA for A rather than the wildcard's A.
    r = ask(served.server, "host.wild.local.test", "AAAA")
    assert aa(r) and values(rrset(r, "host.wild.local.test.", AAAA)) == {"2001:db8::77"}, r
    r = ask(served.server, "host.wild.local.test", "A")
    assert_negative(r, dns.rcode.NOERROR, "local.test.", 60)
    # Below the empty non-terminal deep.wild the source of synthesis would be *.deep.wild, which
    # does not exist: NXDOMAIN (RFC 4592 2.2.1).
    r = ask(served.server, "z.deep.wild.local.test", "A")
    assert_negative(r, dns.rcode.NXDOMAIN, "local.test.", 60)
    r = ask(served.server, "x.deep.wild.local.test", "A")
    assert aa(r) and values(rrset(r, "x.deep.wild.local.test.", A)) == {"192.0.2.78"}, r


def test_wildcard_cname_is_synthesised_and_followed(served):
    r = ask(served.server, "anything.cn.local.test", "A")

    assert r.rcode() == dns.rcode.NOERROR and aa(r), r
    assert [(s.name, s.rdtype) for s in r.answer] == [
        (n("anything.cn.local.test."), CNAME), (n("web.local.test."), A)], r
    assert values(r.answer[0]) == {"web.local.test."}
    assert values(r.answer[1]) == {"192.0.2.80"}
    assert r.answer[1].ttl == 300


# ----------------------------------------------------------------------------------------------
# CNAME


@pytest.mark.parametrize("transport", ["udp", "tcp"])
def test_cname_chain_inside_the_zone_is_followed(served, transport):
    r = ask(served.server, "alias.local.test", "AAAA", transport=transport)

    assert r.rcode() == dns.rcode.NOERROR and aa(r), r
    assert [(s.name, s.rdtype) for s in r.answer] == [
        (n("alias.local.test."), CNAME), (n("www.local.test."), CNAME),
        (n("web.local.test."), AAAA)], r
    assert values(r.answer[0]) == {"www.local.test."}
    assert values(r.answer[1]) == {"web.local.test."}
    assert values(r.answer[2]) == {"2001:db8::80"}
    assert [s.ttl for s in r.answer] == [3600, 3600, 300]


def test_dname_rewrites_names_below_its_owner_and_the_chain_is_followed(served):
    r = ask(served.server, "www.olddept.local.test", "AAAA")

    assert r.rcode() == dns.rcode.NOERROR and aa(r), r
    assert [(s.name, s.rdtype) for s in r.answer] == [
        (n("olddept.local.test."), dns.rdatatype.DNAME), (n("www.olddept.local.test."), CNAME),
        (n("www.local.test."), CNAME), (n("web.local.test."), AAAA)], r
    assert values(r.answer[1]) == {"www.local.test."}
    assert r.answer[1].ttl == 1800  # the synthesised CNAME has the DNAME's TTL
    assert values(r.answer[3]) == {"2001:db8::80"}


def test_cname_asked_for_itself_is_not_followed(served):
    r = ask(served.server, "www.local.test", "CNAME")

    assert aa(r), r
    assert [(s.name, s.rdtype) for s in r.answer] == [(n("www.local.test."), CNAME)], r


def test_cname_to_a_name_without_the_type_is_nodata_after_the_chain(served):
    r = ask(served.server, "www.local.test", "MX")
    assert_negative(r, dns.rcode.NOERROR, "local.test.", 60, answer_types=[CNAME])


def test_dangling_cname_inside_the_zone_is_nxdomain_with_the_chain(served):
    r = ask(served.server, "dangling.local.test", "A")
    assert_negative(r, dns.rcode.NXDOMAIN, "local.test.", 60, answer_types=[CNAME])
    assert values(r.answer[0]) == {"nowhere.local.test."}


def test_cname_chain_into_the_upstream_is_completed_and_then_cached(served):
    up = served.upstream
    before = len(up.queries)

    r = ask(served.server, "alias.lan", "A")

    assert r.rcode() == dns.rcode.NOERROR, r
    assert not aa(r), "AA=0: part of the answer is not ours"
    assert [(s.name, s.rdtype) for s in r.answer] == [
        (n("alias.lan."), CNAME), (n("www.example.com."), A)], "the chain comes first"
    assert values(r.answer[0]) == {"www.example.com."}
    assert r.answer[0].ttl == 300
    assert values(r.answer[1]) == {"203.0.113.5"}
    new = up.queries[before:]
    assert [(q.qname.lower(), q.qtype) for q in new] == [("www.example.com.", "A")], new
    assert not up.queries_for("alias.lan")

    again = ask(served.server, "alias.lan", "A")

    assert len(up.queries) == before + 1, "the second ask is answered from the cache"
    assert [(s.name, s.rdtype) for s in again.answer] == [
        (n("alias.lan."), CNAME), (n("www.example.com."), A)], again
    assert values(again.answer[1]) == {"203.0.113.5"}
    assert not aa(again)


def test_cname_chain_into_the_upstream_takes_the_upstream_rcode(served):
    r = ask(served.server, "gone.lan", "A")

    assert r.rcode() == dns.rcode.NXDOMAIN, r
    assert not aa(r), r
    assert [(s.name, s.rdtype) for s in r.answer] == [(n("gone.lan."), CNAME)], r
    assert values(rrset(r, "example.com.", SOA, "authority")), r
    assert len(served.upstream.queries_for("nothere.example.com", "A")) == 1

    # The negative answer for the target is cached too.
    again = ask(served.server, "gone.lan", "A")
    assert again.rcode() == dns.rcode.NXDOMAIN and not aa(again), again
    assert [(s.name, s.rdtype) for s in again.answer] == [(n("gone.lan."), CNAME)], again
    assert len(served.upstream.queries_for("nothere.example.com", "A")) == 1


def test_cname_chain_from_a_zone_file_into_the_upstream_over_tcp(served):
    r = ask(served.server, "away.local.test", "A", transport="tcp")

    assert r.rcode() == dns.rcode.NOERROR and not aa(r), r
    assert [(s.name, s.rdtype) for s in r.answer] == [
        (n("away.local.test."), CNAME), (n("www.example.net."), A)], r
    assert values(r.answer[1]) == {"203.0.113.6", "203.0.113.7"}
    assert [(q.qname.lower(), q.qtype) for q in served.upstream.queries_for("www.example.net")] \
        == [("www.example.net.", "A")]


def test_cname_chain_into_a_big_upstream_rrset_is_truncated_over_udp_and_whole_over_tcp(served):
    r = ask(served.server, "bigalias.lan", "A", edns=None)  # 512 bytes: the 60 A do not fit
    assert r.flags & dns.flags.TC, r
    assert len(r.to_wire()) <= 512

    r = ask(served.server, "bigalias.lan", "A", transport="tcp")
    assert not r.flags & dns.flags.TC and not aa(r), r
    assert [(s.name, s.rdtype) for s in r.answer] == [
        (n("bigalias.lan."), CNAME), (n("big.example.com."), A)], r
    assert values(r.answer[1]) == BIG_UPSTREAM
    assert len(served.upstream.queries_for("big.example.com", "A")) == 1, "TCP hit the cache"


# ----------------------------------------------------------------------------------------------
# referrals


@pytest.mark.parametrize("name,rdtype", [
    ("host.child.local.test", "A"),
    ("child.local.test", "NS"),
    ("child.local.test", "A"),
    ("ns.child.local.test", "A"),  # glue is not authoritative data
])
def test_referral_at_and_below_a_zone_cut(served, name, rdtype):
    r = ask(served.server, name, rdtype)

    assert r.rcode() == dns.rcode.NOERROR, r
    assert not aa(r), "a referral has AA=0"
    assert not r.answer, r
    assert values(rrset(r, "child.local.test.", NS, "authority")) == {"ns.child.local.test."}
    assert rrset(r, "child.local.test.", NS, "authority").ttl == 3600
    assert values(rrset(r, "ns.child.local.test.", A, "additional")) == {"192.0.2.53"}, "glue"
    assert not served.upstream.queries_for(name)


def test_referral_in_every_feature_zone_and_ds_at_the_cut(served):
    r = ask(served.server, "www.sub.example.test", "A")
    assert not aa(r) and not r.answer, r
    assert values(rrset(r, "sub.example.test.", NS, "authority")) == {"ns.sub.example.test."}
    assert values(rrset(r, "ns.sub.example.test.", A, "additional")) == {"192.0.2.99"}

    r = ask(served.server, "sub.example.test", "DS")
    assert aa(r), "the DS at a cut is the parent's authoritative data"
    assert len(rrset(r, "sub.example.test.", dns.rdatatype.DS)) == 1


# ----------------------------------------------------------------------------------------------
# the client's question and EDNS


def test_local_answers_keep_the_question_case_and_answer_edns_as_asked(served):
    q = dnsclient.make_query("NaS.LaN", "A", id=0x1234)
    raw = dnsclient.udp_raw(served.server, q.to_wire())
    assert raw is not None
    h = dnsclient.header(raw)
    assert (h["id"], h["qr"], h["aa"], h["rcode"], h["ancount"]) == (0x1234, True, True, 0, 1), h
    question = q.to_wire()[12:]
    assert raw[12:12 + len(question)] == question, "the question bytes come back as sent (0x20)"
    assert h["arcount"] == 0, "no OPT for a query without one"

    r = ask(served.server, "nas.lan", "A", edns=0, payload=4096)
    assert r.edns == 0 and aa(r), r
    assert 512 <= r.payload <= 4096, r


# ----------------------------------------------------------------------------------------------
# truncation


def test_large_rrset_is_truncated_over_udp_and_complete_over_tcp(served):
    want = {f"198.51.100.{i}" for i in range(1, 61)}

    r = ask(served.server, "big.local.test", "A", edns=None)  # 512 bytes
    assert r.flags & dns.flags.TC, r
    assert len(r.to_wire()) <= 512

    r = ask(served.server, "big.local.test", "A", edns=None, transport="tcp")
    assert not r.flags & dns.flags.TC and aa(r), r
    assert values(rrset(r, "big.local.test.", A)) == want

    r = ask(served.server, "big.local.test", "A", edns=0, payload=1232)  # fits in 1232
    assert not r.flags & dns.flags.TC and aa(r), r
    assert values(rrset(r, "big.local.test.", A)) == want

    res = dnsclient.dig(served.server, "big.local.test", "A", "+noedns")  # dig retries over TCP
    assert "aa" in res.flags and len(res.answer) == 60, res.output
    assert "Truncated, retrying in TCP mode" in res.output, res.output


# ----------------------------------------------------------------------------------------------
# hosts file


@pytest.mark.parametrize("name,rdtype,want", [
    ("nas.hosts.test", "A", {"10.77.0.10"}),
    ("nas-alias.hosts.test", "A", {"10.77.0.10"}),
    ("NAS.hosts.test", "AAAA", {"fd00:77::10"}),
    ("printer.hosts.test", "A", {"10.77.0.11"}),
    ("printer.hosts.test", "AAAA", {"fd00:77::11"}),
    ("printer6.hosts.test", "AAAA", {"fd00:77::11"}),
    ("multi.hosts.test", "A", {"10.77.0.20", "10.77.0.21"}),
])
def test_hosts_file_forward_answers(served, name, rdtype, want):
    r = ask(served.server, name, rdtype)

    assert r.rcode() == dns.rcode.NOERROR and aa(r), r
    got = rrset(r, name, dns.rdatatype.from_text(rdtype))
    assert values(got) == want and got.ttl == HOSTS_TTL
    assert not r.authority


@pytest.mark.parametrize("address,target", [
    ("10.77.0.10", "nas.hosts.test."),  # the first name listed for the address
    ("10.77.0.11", "printer.hosts.test."),
    ("fd00:77::10", "nas.hosts.test."),
    ("fd00:77::11", "printer.hosts.test."),
])
def test_hosts_file_ptr_with_dig_x(served, address, target):
    # dig -x builds the in-addr.arpa / ip6.arpa name itself.
    res = dnsclient.dig(served.server, "-x", address)

    assert res.status == "NOERROR" and "aa" in res.flags, res.output
    reverse = dns.reversename.from_address(address).to_text()
    assert res.records() == {f"{reverse} PTR {target}"}, res.output
    assert {int(line.split()[1]) for line in res.answer} == {HOSTS_TTL}


def test_hosts_file_name_without_the_type_is_nodata_without_soa(served):
    for name, rdtype in [("nas.hosts.test", "MX"), ("multi.hosts.test", "AAAA"),
                         ("nas.hosts.test", "TXT")]:
        r = ask(served.server, name, rdtype)
        assert r.rcode() == dns.rcode.NOERROR and aa(r), r
        assert not r.answer and not r.authority, "transparent names have no SOA to give"
    assert not served.local_queries_upstream()


def test_names_next_to_hosts_names_are_forwarded(served):
    r = ask(served.server, "other.hosts.test", "A")
    assert r.rcode() == dns.rcode.NOERROR and not aa(r), r
    assert values(rrset(r, "other.hosts.test.", A)) == {"203.0.113.50"}
    assert len(served.upstream.queries_for("other.hosts.test", "A")) == 1

    r = ask(served.server, dns.reversename.from_address("10.77.0.99"), "PTR")
    assert values(rrset(r, "99.0.77.10.in-addr.arpa.", PTR)) == {"upstream-name.example.com."}
    assert not aa(r)
    assert len(served.upstream.queries_for("99.0.77.10.in-addr.arpa", "PTR")) == 1


# ----------------------------------------------------------------------------------------------
# config records


@pytest.mark.parametrize("name,rdtype,want,ttl", [
    ("nas2.rec.test", "A", {"198.51.100.20"}, 600),
    ("nas2.rec.test", "AAAA", {"2001:db8:20::1"}, 300),
    ("20.100.51.198.in-addr.arpa", "PTR", {"nas2.rec.test."}, 600),
    (dns.reversename.from_address("2001:db8:20::1").to_text(), "PTR", {"nas2.rec.test."}, 300),
    ("extra.lan", "A", {"192.168.1.99"}, 120),
    ("99.1.168.192.in-addr.arpa", "PTR", {"extra.lan."}, 120),  # inside reverse.zone's zone
])
def test_config_records_with_added_ptrs(served, name, rdtype, want, ttl):
    r = ask(served.server, name, rdtype)

    assert r.rcode() == dns.rcode.NOERROR and aa(r), r
    got = rrset(r, name, dns.rdatatype.from_text(rdtype))
    assert values(got) == want and got.ttl == ttl


def test_config_record_names_outside_zones_are_transparent(served):
    r = ask(served.server, "nas2.rec.test", "MX")
    assert r.rcode() == dns.rcode.NOERROR and aa(r) and not r.answer and not r.authority, r
    # A config record inside a zone joins it: the zone's negative answers apply around it.
    r = ask(served.server, "extra.lan", "AAAA")
    assert_negative(r, dns.rcode.NOERROR, "lan.", 3600)
    assert not served.local_queries_upstream()


# ----------------------------------------------------------------------------------------------
# local answers stay local; RD=0


LOCAL_QUESTIONS = [
    ("nas.lan", "A", dns.rcode.NOERROR, True),
    ("nothere.lan", "A", dns.rcode.NXDOMAIN, False),
    ("nas.lan", "AAAA", dns.rcode.NOERROR, False),
    ("foo.wild.local.test", "A", dns.rcode.NOERROR, True),
    ("alias.local.test", "A", dns.rcode.NOERROR, True),
    ("nas.hosts.test", "A", dns.rcode.NOERROR, True),
    ("nas.hosts.test", "MX", dns.rcode.NOERROR, False),
    ("10.0.77.10.in-addr.arpa", "PTR", dns.rcode.NOERROR, True),
    ("nas2.rec.test", "AAAA", dns.rcode.NOERROR, True),
]


@pytest.mark.parametrize("rd", [True, False])
@pytest.mark.parametrize("transport", ["udp", "tcp"])
def test_local_answers_never_reach_the_upstream_whatever_rd(served, rd, transport):
    before = len(served.upstream.queries)
    for name, rdtype, rcode, has_answer in LOCAL_QUESTIONS:
        r = ask(served.server, name, rdtype, rd=rd, transport=transport)
        assert r.rcode() == rcode, f"{name} {rdtype} RD={int(rd)}:\n{r}"
        assert aa(r), r
        assert bool(r.answer) == has_answer, r
        assert bool(r.flags & dns.flags.RD) == rd, "RD is copied from the query"
    assert served.upstream.queries[before:] == []
    assert not served.local_queries_upstream()


# ----------------------------------------------------------------------------------------------
# glibc through residns (unshare -mn: see test_glibc.py)


HOSTS_FOR_GLIBC = """\
# written by test_local_data.py
10.77.1.10   fileserver fs
fd00:77:1::10 fileserver
10.77.1.11   v4only.glibc.test
"""


def test_glibc_getent_resolves_hosts_file_names_through_residns(run_in_netns):
    out = run_in_netns({}, [["getent", "ahosts", "fileserver.glibc.test"],
                            ["getent", "hosts", "v4only.glibc.test"],
                            ["getent", "hosts", "fs"],
                            ["getent", "hosts", "10.77.1.10"]],
                       config={"upstreams": ["UPSTREAM"],
                               "hosts_files": [{"file": "glibc.hosts", "domain": "glibc.test"}]},
                       files={"glibc.hosts": HOSTS_FOR_GLIBC},
                       resolv_conf_options="search glibc.test\noptions timeout:2 attempts:2")

    ahosts, hosts_v4, short, reverse = out["commands"]
    assert ahosts["returncode"] == 0, ahosts
    assert addresses(ahosts["stdout"]) == {"10.77.1.10", "fd00:77:1::10"}, ahosts
    # getent hosts asks AAAA first (NODATA from the hosts data, AA=1), then A.
    assert hosts_v4["returncode"] == 0, hosts_v4
    assert hosts_v4["stdout"].split() == ["10.77.1.11", "v4only.glibc.test"], hosts_v4
    # A bare name through the resolv.conf search list, answered as fileserver's alias.
    assert short["returncode"] == 0, short
    assert short["stdout"].split()[1:] == ["fs.glibc.test"], short
    assert reverse["returncode"] == 0, reverse
    assert reverse["stdout"].split() == ["10.77.1.10", "fileserver.glibc.test"], reverse
    # glibc walks its search list after NODATA (v4only.glibc.test.glibc.test, fs.), and those
    # go upstream; the hosts-file names themselves never do.
    local = {"fileserver.glibc.test.", "v4only.glibc.test.", "fs.glibc.test.",
             "10.1.77.10.in-addr.arpa."}
    asked = {q.split()[2].lower() for q in out["upstream_queries"]}
    assert not asked & local, out["upstream_queries"]


# ----------------------------------------------------------------------------------------------
# reload, start-up and --check-config


def lan_zone(serial: int, extra: str = "") -> str:
    return (f"$TTL 300\n"
            f"@ IN SOA router admin {serial} 3600 900 604800 60\n"  # line 2
            f"  IN NS router\n"
            f"router IN A 192.168.1.1\n"
            f"nas IN A 192.168.1.10\n"  # line 5
            + extra)


def wait_for(predicate, timeout=5.0, what="condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.02)


def answers(server, name, rdtype="A"):
    r = ask(server, name, rdtype)
    return values(r.answer[0]) if r.answer and r.rcode() == dns.rcode.NOERROR else None


def test_reload_rereads_zone_and_hosts_files_and_keeps_old_data_when_a_file_breaks(
        residns_factory, upstream, tmp_path):
    workdir = tmp_path / "residns0"  # residns_factory's workdir for its first daemon
    workdir.mkdir()
    zone = workdir / "lan.zone"
    zone.write_text(lan_zone(1))
    hosts = workdir / "lan.hosts"
    hosts.write_text("10.1.1.1 one\n")
    d = residns_factory(upstreams=[upstream], zones=[{"file": "lan.zone", "origin": "lan"}],
                        hosts_files=[{"file": "lan.hosts", "domain": "h.test"}])
    assert answers(d.server, "nas.lan") == {"192.168.1.10"}
    assert_negative(ask(d.server, "new.lan", "A"), dns.rcode.NXDOMAIN, "lan.", 60)
    assert answers(d.server, "one.h.test") == {"10.1.1.1"}

    # A new record and a new serial; a new hosts line.
    zone.write_text(lan_zone(2, "new IN A 192.168.1.77\n"))
    hosts.write_text("10.1.1.1 one\n10.1.1.2 two\n")
    d.signal(signal.SIGHUP)
    wait_for(lambda: answers(d.server, "new.lan") == {"192.168.1.77"}, what="new.lan after reload")
    r = ask(d.server, "lan", "SOA")
    assert next(iter(rrset(r, "lan.", SOA))).serial == 2
    wait_for(lambda: answers(d.server, "two.h.test") == {"10.1.1.2"}, what="two.h.test")

    # A zone file that no longer parses (line 7): the old data keeps answering, the log says where.
    offset = d.log_size()
    zone.write_text(lan_zone(3, "new IN A 192.168.1.77\nbroken IN A 192.168.1.999\n"))
    d.signal(signal.SIGHUP)
    log = wait_for(lambda: re.search(r"lan\.zone:7\b.*", d.log_since(offset)),
                   what="an error naming lan.zone:7 in the log")
    assert d.alive()
    assert answers(d.server, "new.lan") == {"192.168.1.77"}, log.group(0)
    assert answers(d.server, "nas.lan") == {"192.168.1.10"}
    assert next(iter(rrset(ask(d.server, "lan", "SOA"), "lan.", SOA))).serial == 2
    assert answers(d.server, "two.h.test") == {"10.1.1.2"}
    assert_negative(ask(d.server, "broken.lan", "A"), dns.rcode.NXDOMAIN, "lan.", 60)

    # Fixed again: the next reload takes it.
    zone.write_text(lan_zone(4, "fixed IN A 192.168.1.78\n"))
    d.signal(signal.SIGHUP)
    wait_for(lambda: answers(d.server, "fixed.lan") == {"192.168.1.78"}, what="fixed.lan")
    assert_negative(ask(d.server, "new.lan", "A"), dns.rcode.NXDOMAIN, "lan.", 60)
    assert not upstream.queries_for("new.lan") and not upstream.queries_for("fixed.lan")


def test_reload_applies_a_new_zone_list_and_a_vanished_hosts_file_keeps_its_data(
        residns_factory, upstream, tmp_path):
    workdir = tmp_path / "residns0"
    workdir.mkdir()
    (workdir / "lan.zone").write_text(lan_zone(1))
    (workdir / "lan.hosts").write_text("10.1.1.1 one\n")
    base = {"zones": [{"file": "lan.zone", "origin": "lan"}],
            "hosts_files": [{"file": "lan.hosts", "domain": "h.test"}]}
    upstream.answer("ns1.local.test", "A", ["ns1.local.test. 300 IN A 203.0.113.1"])
    upstream.answer("mail.local.test", "A", ["mail.local.test. 300 IN A 203.0.113.25"])
    d = residns_factory(upstreams=[upstream], **base)
    assert answers(d.server, "ns1.local.test") == {"203.0.113.1"}  # not local: forwarded, cached

    # local.test joins the zones (and wins over the cache); the hosts file is gone: the error
    # names it, its names stay.
    shutil.copy(ZONES["local.test"][1], workdir / "local.test.zone")
    d.write_config({"upstreams": [upstream.address],
                    "zones": base["zones"] + [{"file": "local.test.zone", "origin": "local.test"}],
                    "hosts_files": base["hosts_files"]})
    (workdir / "lan.hosts").unlink()
    offset = d.log_size()
    d.signal(signal.SIGHUP)
    wait_for(lambda: answers(d.server, "ns1.local.test") == {"192.0.2.1"}, what="the new zone")
    r = ask(d.server, "ns1.local.test", "A")
    assert aa(r), r
    assert answers(d.server, "one.h.test") == {"10.1.1.1"}
    assert "lan.hosts" in d.log_since(offset)
    assert answers(d.server, "mail.local.test") == {"192.0.2.25"}
    assert len(upstream.queries_for("ns1.local.test")) == 1  # from before the reload
    assert not upstream.queries_for("mail.local.test")

    # And out again: its names go upstream once more.
    d.write_config({"upstreams": [upstream.address], **base})
    d.signal(signal.SIGHUP)
    wait_for(lambda: answers(d.server, "mail.local.test") == {"203.0.113.25"},
             what="the removed zone's names to be forwarded")
    assert len(upstream.queries_for("mail.local.test")) == 1
    assert answers(d.server, "nas.lan") == {"192.168.1.10"}


BROKEN_LINE = 6


def write_broken_config(tmp_path) -> pathlib.Path:
    (tmp_path / "bad.zone").write_text(lan_zone(1, "broken IN A 192.168.1.999\n"))
    config = tmp_path / "residns.yaml"
    config.write_text("listen: [\"127.0.0.1:5353\"]\nupstreams: []\n"
                      "zones:\n  - file: bad.zone\n    origin: lan\n")
    return config


def test_check_config_reports_the_zone_error_with_file_and_line(tmp_path, residns_binary):
    config = write_broken_config(tmp_path)

    p = run_residns("--check-config", "-c", str(config))

    assert p.returncode != 0, p.stderr
    assert re.search(rf"bad\.zone:{BROKEN_LINE}\b", p.stderr), p.stderr

    (tmp_path / "bad.zone").write_text(lan_zone(1))
    p = run_residns("--check-config", "-c", str(config))
    assert p.returncode == 0, p.stderr


def test_start_with_a_broken_zone_exits_non_zero_naming_file_and_line(tmp_path, residns_binary):
    d = Residns(residns_binary, tmp_path / "d",
                config={"upstreams": [], "zones": [{"file": str(tmp_path / "bad.zone"),
                                                    "origin": "lan"}]})
    write_broken_config(tmp_path)

    with pytest.raises(DaemonError):
        d.start()

    assert d.returncode not in (None, 0)
    assert re.search(rf"bad\.zone:{BROKEN_LINE}\b", d.log_text()), d.log_text()
