"""NSD as a real authoritative upstream for the integration tests.

Everything lives under the given directory (config, zone file, pid file, logs); NSD runs in the
foreground (`nsd -d`) on 127.0.0.1:<free port>, unprivileged paths, no chroot, no user switch.
"""

from __future__ import annotations

import pathlib
import signal
import subprocess
import time
from typing import Optional

import dnsclient
from scripted_upstream import free_port

ZONE = "nsd.example.org."

# The zone NSD serves; tests assert against these records.
ZONE_TEXT = """\
$ORIGIN nsd.example.org.
$TTL 300
@       IN SOA  ns1.nsd.example.org. hostmaster.nsd.example.org. 2024010101 3600 900 604800 60
@       IN NS   ns1.nsd.example.org.
ns1     IN A    192.0.2.53
www     IN A    192.0.2.80
www     IN A    192.0.2.81
www     IN AAAA 2001:db8::80
@       IN MX   10 mail.nsd.example.org.
@       IN MX   20 backup-mail.nsd.example.org.
mail    IN A    192.0.2.25
txt     IN TXT  "v=spf1 -all" "second string"
_sip._udp IN SRV 10 60 5060 sip.nsd.example.org.
sip     IN A    192.0.2.56
alias   IN CNAME www.nsd.example.org.
"""

SOA_TEXT = "nsd.example.org. 300 IN SOA ns1.nsd.example.org. hostmaster.nsd.example.org. 2024010101 3600 900 604800 60"


class NsdServer:
    def __init__(self, workdir: pathlib.Path, zone: str = ZONE, zone_text: str = ZONE_TEXT):
        self.workdir = pathlib.Path(workdir)
        self.zone = zone
        self.zone_text = zone_text
        self.host = "127.0.0.1"
        self.port = 0
        self.proc: Optional[subprocess.Popen] = None
        self.log_path = self.workdir / "nsd.log"

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def sockaddr(self) -> tuple[str, int]:
        return (self.host, self.port)

    def _write_files(self) -> pathlib.Path:
        self.workdir.mkdir(parents=True, exist_ok=True)
        zone_file = self.workdir / "zone.db"
        zone_file.write_text(self.zone_text)
        conf = self.workdir / "nsd.conf"
        d = self.workdir
        conf.write_text(f"""\
server:
    ip-address: {self.host}@{self.port}
    port: {self.port}
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
    logfile: "{self.log_path}"
    verbosity: 1
    hide-version: yes
remote-control:
    control-enable: no
zone:
    name: "{self.zone}"
    zonefile: "{zone_file}"
""")
        return conf

    def start(self, timeout: float = 10.0) -> "NsdServer":
        self.port = free_port([self.host])
        conf = self._write_files()
        check = subprocess.run(["nsd-checkconf", str(conf)], capture_output=True, text=True)
        if check.returncode != 0:
            raise RuntimeError(f"nsd-checkconf failed: {check.stdout}{check.stderr}")
        stderr = open(self.workdir / "nsd.stderr", "wb")
        self.proc = subprocess.Popen(["nsd", "-d", "-c", str(conf)], stdout=stderr,
                                     stderr=subprocess.STDOUT)
        stderr.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"nsd exited with {self.proc.returncode}: {self.logs()}")
            try:
                r = dnsclient.udp(self.sockaddr, self.zone, "SOA", timeout=0.2)
                if r.answer:
                    return self
            except Exception:  # noqa: BLE001 - not up yet
                pass
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"nsd did not answer within {timeout}s: {self.logs()}")

    def logs(self) -> str:
        out = []
        for p in (self.workdir / "nsd.stderr", self.log_path):
            if p.exists():
                out.append(p.read_text(errors="replace"))
        return "\n".join(out)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def __enter__(self) -> "NsdServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
