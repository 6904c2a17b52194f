#!/usr/bin/env bash
# Proves the Docker image without a Docker engine (../shared/tools/container-check, buildah):
# builds docker/Dockerfile, adds docker/test-zone on top (Dockerfile.test), starts residns from the
# image with the host's network on a free loopback port, asks it for records of the zone with dig
# (UDP and TCP), runs the image's HEALTHCHECK command, stops it and prints the image size.
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

if [ -z "${SKIP_BUILD:-}" ]; then
  echo "test-image: building $image" >&2
  "$cc" build -t "$image" .
fi

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

# The HEALTHCHECK command of the image, run inside the running container's file system.
W=${CONTAINER_CHECK_DIR:-/var/tmp/container-check}
if CONTAINERS_STORAGE_CONF=$W/conf/storage.conf CONTAINERS_REGISTRIES_CONF=$W/conf/registries.conf \
   TMPDIR=$W/tmp buildah run --isolation chroot "$name" -- \
   residns-ctl -s /run/residns/control.sock stats >"$ctx/stats" 2>&1; then
  echo "test-image: ok: HEALTHCHECK (residns-ctl stats): $(wc -l <"$ctx/stats") counters" >&2
else
  cat "$ctx/stats" >&2
  fail "HEALTHCHECK command failed"
fi

stop

size=$(CONTAINERS_STORAGE_CONF=$W/conf/storage.conf buildah images --format '{{.Size}}' "$image" | head -1)
echo "test-image: PASS ($image: $size)"
