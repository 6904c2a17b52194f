#!/usr/bin/env bash
# End-to-end benchmark of residns against Unbound (see README.md here): checks the tools, then
# runs e2e.py inside a private network namespace that has only loopback, so no query can leave
# the machine. Options are passed to e2e.py (--duration SECONDS, --threads 1,2, --only ...).
#   bash bench/e2e/run.sh [--residns PATH] [--duration 10] [...]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
residns="${RESIDNS_BINARY:-$repo/build/residns}"
args=()
while (($#)); do
    case "$1" in
        --residns) residns="$2"; shift 2 ;;
        *) args+=("$1"); shift ;;
    esac
done

missing=()
for tool in dnsperf nsd nsd-checkconf unbound unbound-checkconf taskset unshare setsid ip; do
    command -v "$tool" >/dev/null 2>&1 || PATH="$PATH:/usr/sbin:/sbin" command -v "$tool" >/dev/null 2>&1 ||
        missing+=("$tool")
done
[[ -x /usr/bin/python3 ]] || missing+=("/usr/bin/python3")
if ((${#missing[@]})); then
    echo "run.sh: missing: ${missing[*]}" >&2
    echo "run.sh: on Debian 12: apt-get install dnsperf nsd unbound util-linux iproute2 python3" >&2
    exit 2
fi
if [[ ! -x "$residns" ]]; then
    echo "run.sh: no residns binary at $residns (build it: cmake --preset release && cmake --build build), or pass --residns PATH" >&2
    exit 2
fi
if (($(nproc) < 2)); then
    echo "run.sh: needs 2 CPUs (resolver on CPU 0, dnsperf and NSD on CPU 1)" >&2
    exit 2
fi

export PATH="$PATH:/usr/sbin:/sbin"
# As root a plain network namespace; otherwise a user namespace that maps us to root in it.
if ((EUID == 0)); then
    ns=(unshare --net)
else
    ns=(unshare --user --map-root-user --net)
fi
# setsid: a session (and scheduler autogroup) of its own, which e2e.py raises when it may.
exec setsid -w "${ns[@]}" -- /usr/bin/python3 "$here/e2e.py" --residns "$(readlink -f "$residns")" "${args[@]}"
