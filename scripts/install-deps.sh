#!/usr/bin/env bash
# Installs every build and test dependency of residns from Debian 12's apt repositories.
# Idempotent: when everything is present it only runs dpkg-query and returns in well under a second.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  libboost1.81-dev libc-ares-dev libyaml-cpp-dev libspdlog-dev libfmt-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  clang clang-format clang-tidy libclang-rt-14-dev
  bind9-dnsutils bind9-utils knot-dnsutils nsd dnsperf unbound
  python3-dnspython python3-pytest python3-yaml docker-compose adduser iproute2 util-linux procps
)

missing=()
for pkg in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

sudo_cmd=()
if ((EUID != 0)); then sudo_cmd=(sudo); fi

echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# The packaged nsd and unbound services must not hold port 53 or run during tests.
for svc in nsd unbound; do
  "${sudo_cmd[@]}" systemctl disable --now "$svc" >/dev/null 2>&1 || true
  "${sudo_cmd[@]}" pkill -x "$svc" >/dev/null 2>&1 || true
done
