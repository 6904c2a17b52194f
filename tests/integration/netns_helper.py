"""Runs inside `unshare -mn` (a private mount and network namespace), started by test_glibc.py.

Reads a JSON spec (argv[1]), then: brings lo up; bind-mounts a resolv.conf with
`nameserver 127.0.0.1` over /etc/resolv.conf; starts a scripted upstream on the given address;
starts residns on 127.0.0.1:53 with the given config; runs the given commands; prints one JSON
object to stdout: {"commands": [{"cmd", "returncode", "stdout", "stderr", "seconds"}],
"upstream_queries": [...], "error": str|null}.  Everything is stopped before it exits.

Spec: {"binary": path, "workdir": path, "upstream": {"host": "127.0.0.2", "port": 53},
       "records": {"name": {"TYPE": ["zone line", ...]}}, "nxdomain": {"name": "SOA line"},
       "config": {...residns config...},
       "files": {"name": "text"} (optional: written into residns's workdir, next to its config,
                                  so that relative hosts_files/zones names in "config" find them),
       "resolv_conf_options": "options ...", "commands": [["getent", "ahosts", "x"], ...]}
"""

import json
import pathlib
import subprocess
import sys
import time
import traceback

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

from residns_daemon import Residns  # noqa: E402
from scripted_upstream import ScriptedUpstream  # noqa: E402


def main() -> int:
    spec = json.loads(pathlib.Path(sys.argv[1]).read_text())
    workdir = pathlib.Path(spec["workdir"])
    out = {"commands": [], "upstream_queries": [], "error": None}
    upstream = None
    daemon = None
    try:
        subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
        resolv = workdir / "glibc-resolv.conf"
        resolv.write_text("nameserver 127.0.0.1\n" + spec.get("resolv_conf_options", "") + "\n")
        subprocess.run(["mount", "--bind", str(resolv), "/etc/resolv.conf"], check=True)

        up = spec["upstream"]
        upstream = ScriptedUpstream(up["host"], port=up.get("port", 0)).start()
        for name, types in spec["records"].items():
            for rdtype, lines in types.items():
                upstream.answer(name, rdtype, lines)
        for name, soa in spec.get("nxdomain", {}).items():
            upstream.nxdomain(name, soa=soa)

        config = dict(spec["config"])
        config["upstreams"] = [upstream.address if u == "UPSTREAM" else u
                               for u in config.get("upstreams", [])] or None
        daemon = Residns(pathlib.Path(spec["binary"]), workdir / "residns", config=config,
                         port=53)
        for name, text in spec.get("files", {}).items():
            (daemon.workdir / name).write_text(text)
        daemon.start()

        for cmd in spec["commands"]:
            t = time.monotonic()
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
            out["commands"].append({"cmd": cmd, "returncode": p.returncode, "stdout": p.stdout,
                                    "stderr": p.stderr, "seconds": time.monotonic() - t})
    except Exception:  # noqa: BLE001 - reported to the test as text
        out["error"] = traceback.format_exc()
    finally:
        if daemon is not None:
            daemon.stop()
        if upstream is not None:
            out["upstream_queries"] = [repr(q) for q in upstream.queries]
            upstream.stop()
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
