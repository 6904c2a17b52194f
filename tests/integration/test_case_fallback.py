"""0x20 fallback: an upstream that lower-cases the question never gets an answer relayed whose
question differs from what residns sent; after a few such answers in a row residns stops
randomizing the case towards it, logs that once at warn, counts it on /metrics and in
`residns-ctl stats`, and its answers are used again. An upstream that echoes the case keeps 0x20."""

import pathlib
import re
import subprocess
import time
import urllib.request

import dns.rcode

import dnsclient
from scripted_upstream import ScriptedUpstream, question_bytes


class LowerCasingUpstream(ScriptedUpstream):
    """Answers with the question lower-cased, as some old forwarders and middleboxes do."""

    def _render(self, wire, msg, rule, transport):
        out = super()._render(wire, msg, rule, transport)
        q = question_bytes(wire)
        if out is None or q is None:
            return out
        return out[:12] + q.lower() + out[12 + len(q):]


def metrics_text(d) -> str:
    deadline = time.monotonic() + 3
    while not (m := re.search(r"metrics on (http://\S+)/metrics", d.log_text())):
        assert time.monotonic() < deadline, d.log_text()
        time.sleep(0.02)
    with urllib.request.urlopen(m.group(1) + "/metrics", timeout=3) as r:
        return r.read().decode()


def sample(text: str, key: str) -> float:
    for line in text.splitlines():
        if line.startswith(key + " "):
            return float(line.split(" ")[-1])
    raise AssertionError(f"{key} not in /metrics:\n{text}")


def ctl_stats(residns_binary, d) -> str:
    ctl = pathlib.Path(residns_binary).parent / "residns-ctl"
    return subprocess.run([str(ctl), "-s", str(d.workdir / "control.sock"), "stats"],
                          capture_output=True, text=True, timeout=10, check=True).stdout


def has_both_cases(name: str) -> bool:
    return any(c.isupper() for c in name) and any(c.islower() for c in name)


def test_upstream_that_lower_cases_gets_queries_without_0x20(residns_factory, residns_binary):
    up = LowerCasingUpstream().start()
    try:
        names = [f"lowercase{i}.example.com" for i in range(6)]
        for n in names:
            up.answer(n, "A", [f"{n}. 300 IN A 192.0.2.{len(n)}"])
        d = residns_factory(upstreams=[up])

        first = dnsclient.udp(d.server, names[0], timeout=4)
        # Both tries of the first query failed the byte-for-byte check: never relayed.
        assert first.rcode() == dns.rcode.SERVFAIL
        assert not first.answer
        for n in names[1:]:
            a = dnsclient.udp(d.server, n, timeout=4)
            assert a.rcode() == dns.rcode.NOERROR, n
            assert dnsclient.rrset_texts(a) == {f"{n}. A 192.0.2.{len(n)}"}
        # The last queries went without random case.
        last = up.queries_for(names[-1])
        assert last and last[-1].qname == names[-1] + "."

        text = metrics_text(d)
        label = f'upstream="{up.host}:{up.port}"'
        assert sample(text, f"residns_upstream_case_fallbacks_total{{{label}}}") == 1
        assert sample(text, f"residns_upstream_case_randomization_off{{{label}}}") == 1
        assert sample(text, f'residns_upstream_errors_total{{{label},reason="bad_answer"}}') == 3
        stats = ctl_stats(residns_binary, d)
        assert f"upstream.{up.host}:{up.port}.case_fallbacks 1" in stats
        assert f"upstream.{up.host}:{up.port}.case_randomization_off 1" in stats
        warnings = [line for line in d.log_text().splitlines()
                    if "does not echo the question's case" in line]
        assert len(warnings) == 1, d.log_text()
        assert "warn" in warnings[0]
    finally:
        up.stop()


def test_upstream_that_echoes_the_case_keeps_0x20(residns_factory, upstream, residns_binary):
    names = [f"echoingcase{i}.example.com" for i in range(5)]
    for n in names:
        upstream.answer(n, "A", [f"{n}. 300 IN A 192.0.2.1"])
    d = residns_factory(upstreams=[upstream])
    for n in names:
        assert dnsclient.udp(d.server, n).rcode() == dns.rcode.NOERROR
    sent = [q.qname for q in upstream.queries if q.qname.lower().startswith("echoingcase")]
    assert len(sent) == 5
    assert sum(has_both_cases(s) for s in sent) >= 4, sent
    label = f'upstream="{upstream.host}:{upstream.port}"'
    assert sample(metrics_text(d), f"residns_upstream_case_fallbacks_total{{{label}}}") == 0
