"""Runs a ScriptedUpstream as a process of its own, for shell scripts (sandbox.py):

    python3 serve_scripted.py HOST PORT SPEC.json QUERIES.txt &

SPEC: {"name": {"TYPE": ["zone line", ...]}, ...}. Prints "ready" on stdout once it listens on
UDP and TCP; appends "qname qtype" to QUERIES.txt for every query it receives; stops on SIGTERM.
"""

import json
import pathlib
import signal
import sys
import threading

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

from scripted_upstream import ScriptedUpstream  # noqa: E402


def main() -> int:
    host, port, spec, log = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    up = ScriptedUpstream(host, port=port)
    for name, types in json.loads(pathlib.Path(spec).read_text()).items():
        for rdtype, lines in types.items():
            up.answer(name, rdtype, lines)
    up.start()
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    print("ready", flush=True)
    seen = 0
    with open(log, "a") as out:
        while not done.wait(0.05):
            queries = up.queries
            for q in queries[seen:]:
                out.write(f"{q.qname.lower()} {q.qtype}\n")
            seen = len(queries)
            out.flush()
    up.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
