#!/usr/bin/env bash
# Proves the Docker image without a Docker engine (../shared/tools/container-check, buildah):
# builds docker/Dockerfile (in Docker's image format, which keeps HEALTHCHECK), checks the image's
# configuration (non-root USER, EXPOSE, ENTRYPOINT/CMD reading /etc/residns/residns.yaml,
# HEALTHCHECK) and that no build tool is left in it, adds docker/test-zone on top (Dockerfile.test),
# starts residns from the image with the host's network on a free loopback port, asks it for
# records of the zone with dig (UDP and TCP), runs the HEALTHCHECK command read from the image,
# stops it (SIGTERM) and prints the image size, with the base image's and the difference.
# Exit status 0 only when every check passed. Not part of scripts/test.sh (it takes minutes).
#
#   bash docker/test-image.sh        # CONTAINER_CHECK=/path/to/container-check to override,
#                                    # SKIP_BUILD=1 to test the residns:test image already built
set -euo pipefail
cd "$(dirname "$0")/.."

cc=${CONTAINER_CHECK:-$(realpath -m ../shared/tools/container-check)}
[ -x "$cc" ] || cc=$(command -v container-check) || { echo "test-image: container-check not found" >&2; exit 2; }
image=localhost/residns:test
test_image=localhost/residns:test-zone
name=residns-test-$$
ctx=$(mktemp -d)
pid=
descendants() { local p; for p in $(pgrep -P "$1"); do echo "$p"; descendants "$p"; done; }
# Stops `buildah run` and residns under it (SIGTERM: residns drains and exits 0).
stop() {
  [ -n "$pid" ] || return 0
  local all alive
  all="$pid $(descendants "$pid")"
  kill -TERM $all 2>/dev/null || true
  for _ in $(seq 50); do
    alive=
    for p in $all; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ -n "$alive" ] || break
    sleep 0.1
  done
  [ -z "$alive" ] || kill -KILL $all 2>/dev/null || true
  pid=
}
cleanup() {
  stop
  "$cc" rm "$name" >/dev/null 2>&1 || true
  rm -rf "$ctx"
}
trap cleanup EXIT
fail() {
  echo "test-image: FAIL: $*" >&2
  [ -s "$ctx/residns.log" ] && sed 's/^/  residns: /' "$ctx/residns.log" >&2
  exit 1
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port=$(free_port)

# buildah's default (OCI) format drops HEALTHCHECK; Docker's format keeps it, as docker build does.
export BUILDAH_FORMAT=docker
W=${CONTAINER_CHECK_DIR:-/var/tmp/container-check}
bah() { CONTAINERS_STORAGE_CONF=$W/conf/storage.conf CONTAINERS_REGISTRIES_CONF=$W/conf/registries.conf \
        TMPDIR=$W/tmp buildah "$@"; }

if [ -z "${SKIP_BUILD:-}" ]; then
  echo "test-image: building $image" >&2
  "$cc" build -t "$image" .
fi

# The image's configuration, as `docker inspect` would show it.
bah inspect --type image "$image" >"$ctx/inspect.json"
python3 - "$ctx/inspect.json" >"$ctx/healthcheck" <<'PY' || fail "image configuration"
import json, sys
c = json.load(open(sys.argv[1]))["Docker"]["config"]
errors = []
if c.get("User") in (None, "", "root", "0"):
    errors.append(f"runs as root (User={c.get('User')!r})")
missing = {"53/udp", "53/tcp", "9153/tcp"} - set(c.get("ExposedPorts") or {})
if missing:
    errors.append(f"EXPOSE lacks {sorted(missing)}")
if c.get("Entrypoint") != ["/usr/sbin/residns"] or c.get("Cmd") != ["-c", "/etc/residns/residns.yaml"]:
    errors.append(f"ENTRYPOINT/CMD: {c.get('Entrypoint')} {c.get('Cmd')}")
test = (c.get("Healthcheck") or {}).get("Test") or []
if not test or test[0] != "CMD" or test[1] != "residns-ctl":
    errors.append(f"HEALTHCHECK: {test}")
if errors:
    sys.exit("test-image: FAIL: " + "; ".join(errors))
print("\n".join(test[1:]))
PY
echo "test-image: ok: image config: USER $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["Docker"]["config"]["User"])' "$ctx/inspect.json"), EXPOSE 53/udp 53/tcp 9153/tcp, ENTRYPOINT residns -c /etc/residns/residns.yaml, HEALTHCHECK $(paste -sd' ' "$ctx/healthcheck")" >&2
mapfile -t healthcheck <"$ctx/healthcheck"

# Runtime only: no compiler, no headers, no -dev packages; the default configuration is valid.
leftovers=$("$cc" run "$image" -- sh -c 'command -v cc c++ g++ cmake ninja; ls /usr/include 2>/dev/null | head -3; dpkg-query -W -f="\${Package}\n" | grep -- "-dev$"' || true)
[ -z "$leftovers" ] || fail "build tools in the runtime image: $leftovers"
"$cc" run "$image" -- /usr/sbin/residns -c /etc/residns/residns.yaml --check-config
echo "test-image: ok: no compiler, headers or -dev packages; the default configuration is valid" >&2

# The test zone and a configuration on a free port; metrics on port 0 so that nothing else
# on this host is disturbed.
cp docker/test-zone/test.internal.zone "$ctx/"
cat >"$ctx/residns.yaml" <<YAML
listen: [127.0.0.1:$port]
zones:
  - {file: test.internal.zone, origin: test.internal}
upstreams: []
metrics: {listen: "127.0.0.1:0"}
control: {socket: /run/residns/control.sock}
YAML
"$cc" build -f "$PWD/docker/Dockerfile.test" -t "$test_image" "$ctx"

"$cc" run "$test_image" -- /usr/sbin/residns -c /etc/residns/residns.yaml --check-config
# start leaves `buildah run` in the background and prints its PID; residns logs to stderr.
"$cc" start "$test_image" "$name" -- /usr/sbin/residns -c /etc/residns/residns.yaml \
  >"$ctx/start.out" 2>"$ctx/residns.log"
pid=$(head -1 "$ctx/start.out")

ask() { dig @127.0.0.1 -p "$port" +time=1 +tries=1 +short "$@"; }
ready=
for _ in $(seq 50); do
  if ask ns.test.internal A >/dev/null 2>&1 && [ -n "$(ask ns.test.internal A)" ]; then ready=1; break; fi
  kill -0 "$pid" 2>/dev/null || fail "residns exited before answering"
  sleep 0.2
done
[ -n "$ready" ] || fail "no answer on 127.0.0.1:$port"

expect() {  # expect WANT dig-args...
  local want=$1 got; shift
  got=$(ask "$@" | paste -sd' ')
  [ "$got" = "$want" ] || fail "dig $*: got '$got', want '$want'"
  echo "test-image: ok: dig $* -> $got" >&2
}
expect 10.53.0.10 api.test.internal A
expect fd00:53::10 api.test.internal AAAA
expect "api.test.internal. 10.53.0.10" www.test.internal A
expect 10.53.0.20 db.test.internal A +tcp
status=$(dig @127.0.0.1 -p "$port" +time=1 +tries=1 nothere.test.internal A | sed -n 's/.*status: \([A-Z]*\).*/\1/p')
[ "$status" = NXDOMAIN ] || fail "nothere.test.internal: status '$status', want NXDOMAIN"
flags=$(dig @127.0.0.1 -p "$port" +time=1 +tries=1 api.test.internal A | sed -n 's/.*flags: \([a-z ]*\);.*/\1/p')
case " $flags " in *" aa "*) ;; *) fail "api.test.internal: flags '$flags' lack aa" ;; esac
echo "test-image: ok: NXDOMAIN for a missing name, AA=1 for zone data" >&2

# The image's user runs residns (its uid is the one in the image's /etc/passwd); it logs to stderr.
want_uid=$("$cc" run "$test_image" -- id -u residns)
uid=
for p in $(descendants "$pid"); do
  [ "$(ps -o comm= -p "$p" || true)" = residns ] && uid=$(ps -o uid= -p "$p" | tr -d ' ' || true)
done
[ -n "$uid" ] && [ "$uid" = "$want_uid" ] && [ "$uid" != 0 ] ||
  fail "residns runs as uid '$uid', not as the image's user residns (uid $want_uid)"
grep -q 'ready' "$ctx/residns.log" || fail "nothing about readiness on stderr"
echo "test-image: ok: residns runs as the image's user residns (uid $uid) and logs to stderr" >&2

# The HEALTHCHECK command read from the image, run inside the running container's file system.
if bah run --isolation chroot "$name" -- "${healthcheck[@]}" >"$ctx/stats" 2>&1; then
  echo "test-image: ok: HEALTHCHECK (${healthcheck[*]}): $(wc -l <"$ctx/stats") counters" >&2
else
  cat "$ctx/stats" >&2
  fail "HEALTHCHECK command failed"
fi

stop
! grep -Eq '^[^ ]+ (error|critical) ' "$ctx/residns.log" || fail "errors in the log"

# Sizes: the uncompressed layers of the image; the first is the base image's.
read -r total base added < <(python3 -c '
import json, sys
layers = [l["size"] for l in json.loads(json.load(open(sys.argv[1]))["Manifest"])["layers"]]
print(sum(layers), layers[0], sum(layers[1:]))' "$ctx/inspect.json")
mb() { awk -v b="$1" 'BEGIN { printf "%.1f MB", b / 1e6 }'; }
echo "test-image: image size $(mb "$total"): base $(mb "$base") (here debian:bookworm-slim is made by" \
  "debootstrap --variant=minbase, with docs and locales) + residns and its libraries $(mb "$added")" >&2
[ "$added" -lt 20000000 ] || fail "residns adds $(mb "$added") to its base image"
echo "test-image: PASS ($image: $(mb "$total"), of which $(mb "$added") on top of the base image)"
