#!/usr/bin/env bash
# Builds the .deb (cpack -G DEB) in its own build directory (prefix /usr) and checks it: the file
# list, the control fields (dependencies from dpkg-shlibdeps), the conffile, the maintainer scripts
# against stub commands, the extracted binaries; that `cmake --install` into a DESTDIR puts the
# same files in the same places; then, as root, installs it for real with dpkg in a throw-away
# sandbox of this machine (tests/integration/sandbox.py: private /etc, /usr, /var, /run and
# network; nothing is left behind): the system user, the unit enabled and nothing started, the
# unit's ExecStart answering as that user, remove and purge (tests/integration/test_deb_package.py),
# and the README's recipe 1 by copy and paste both from the package and from `cmake --install`
# (tests/integration/test_readme_recipes.py); last, with ../shared/tools/container-check, `apt
# install` of it on a fresh bookworm-slim (packaging/Dockerfile.deb-test), so that apt has to fetch
# every dependency it declares (SKIP_FRESH=1 skips that). Not part of scripts/test.sh.
#
#   bash packaging/test-deb.sh [BUILD_DIR]        # default build-deb; needs dpkg-dev
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-deb}
jobs=${JOBS:-2}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
fail() { echo "test-deb: FAIL: $*" >&2; exit 1; }
ok() { echo "test-deb: ok: $*" >&2; }

launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr \
  -DRESIDNS_TESTS=OFF -DRESIDNS_BENCH=OFF "${launcher[@]}" >/dev/null
nice cmake --build "$build" -j "$jobs"
rm -f "$build"/residns_*.deb
(cd "$build" && cpack -G DEB >/dev/null)
deb=$(realpath "$(ls "$build"/residns_*.deb)")
echo "test-deb: built $deb ($(du -h "$deb" | cut -f1))" >&2

# Files.
dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|' >"$scratch/files"
for f in /usr/sbin/residns /usr/bin/residns-ctl /etc/residns/residns.yaml \
         /usr/lib/systemd/system/residns.service /usr/lib/systemd/system/residns.socket \
         /usr/share/man/man8/residns.8 /usr/share/man/man5/residns.yaml.5; do
  grep -qx "$f" "$scratch/files" || fail "$f is not in the package"
done
if grep -E '^/(usr/local|usr/etc|usr/include|usr/lib/x86_64-linux-gnu)' "$scratch/files"; then
  fail "files in unexpected places"
fi
ok "files: $(grep -cv '/$' "$scratch/files") files, binaries, config, unit and man pages in place"

# Control fields.
depends=$(dpkg-deb -f "$deb" Depends)
echo "test-deb: Depends: $depends" >&2
for p in adduser libc-ares2 libyaml-cpp0.7 "libspdlog1.10(-fmt9)?" libfmt9 "libstdc\\+\\+6" libc6; do
  grep -Eq "(^|, )$p( |,|$)" <<<"$depends" || fail "Depends lacks $p"
done
[ "$(dpkg-deb -f "$deb" Package)" = residns ] || fail "package name"
ok "control: package residns, dependencies from shlibdeps plus adduser"

dpkg-deb -e "$deb" "$scratch/control"
grep -qx /etc/residns/residns.yaml "$scratch/control/conffiles" || fail "the configuration is not a conffile"
for s in postinst prerm postrm; do
  [ -x "$scratch/control/$s" ] || fail "$s missing or not executable"
  sh -n "$scratch/control/$s" || fail "$s: syntax"
done
ok "conffiles and maintainer scripts"

# Maintainer scripts against stubs that record their calls (nothing touches this machine).
stubs=$scratch/stubs
mkdir -p "$stubs"
for c in adduser deb-systemd-helper systemctl deb-systemd-invoke; do
  printf '#!/bin/sh\necho "%s $*" >>"%s/calls"\n' "$c" "$scratch" >"$stubs/$c"
done
printf '#!/bin/sh\nexit 2\n' >"$stubs/getent"     # the user does not exist yet
printf '#!/bin/sh\necho "deb-systemd-helper $*" >>"%s/calls"\n[ "$1" != --quiet ]\n' "$scratch" \
  >"$stubs/deb-systemd-helper"
chmod +x "$stubs"/*
PATH=$stubs:$PATH sh "$scratch/control/postinst" configure ""
cat "$scratch/calls" >&2
grep -q '^adduser --system --group .* residns$' "$scratch/calls" || fail "postinst does not create the user"
grep -qx 'deb-systemd-helper enable residns.service' "$scratch/calls" || fail "postinst does not enable the unit"
if grep -Eq 'start|restart' "$scratch/calls"; then fail "postinst starts the service"; fi
if grep -q 'enable residns.socket' "$scratch/calls"; then fail "postinst enables the socket unit"; fi
ok "postinst (fresh install): creates the system user, enables the unit, starts nothing"

# The payload runs.
dpkg-deb -x "$deb" "$scratch/root"
"$scratch/root/usr/sbin/residns" --version
"$scratch/root/usr/sbin/residns" -c "$scratch/root/etc/residns/residns.yaml" --check-config
"$scratch/root/usr/bin/residns-ctl" --help >/dev/null
grep -qx 'ExecStart=/usr/sbin/residns -c /etc/residns/residns.yaml' \
  "$scratch/root/usr/lib/systemd/system/residns.service" || fail "unit ExecStart"
if command -v systemd-analyze >/dev/null; then
  # verify wants ExecStart's binary to exist; point it at the extracted one.
  sed "s|/usr/sbin/residns|$scratch/root/usr/sbin/residns|" \
    "$scratch/root/usr/lib/systemd/system/residns.service" >"$scratch/residns.service"
  # (its exit status also counts the man pages it cannot find: judge its messages instead)
  { SYSTEMD_LOG_LEVEL=warning systemd-analyze verify "$scratch/residns.service" 2>&1 || true; } |
    { grep -v -e "Command 'man " || true; } | tee "$scratch/verify" >&2
  [ ! -s "$scratch/verify" ] || fail "systemd-analyze verify complained about the unit"
  ok "systemd-analyze verify residns.service"
fi
# cmake --install into a DESTDIR: the same files in the same places as the package.
DESTDIR=$scratch/destdir cmake --install "$build" >/dev/null
(cd "$scratch/destdir" && find . ! -type d | sed 's|^\.||' | sort) >"$scratch/destdir.files"
grep -v '/$' "$scratch/files" | sort >"$scratch/deb.files"
diff -u "$scratch/deb.files" "$scratch/destdir.files" >&2 || fail "cmake --install and the .deb differ"
ok "cmake --install (DESTDIR) installs the package's $(wc -l <"$scratch/deb.files") files"

# Installed for real, in a sandbox.
if [ "$(id -u)" = 0 ]; then
  build_abs=$(realpath "$build")
  export RESIDNS_BINARY=$build_abs/residns
  RESIDNS_DEB=$deb /usr/bin/python3 -m pytest -q -p no:cacheprovider \
    tests/integration/test_deb_package.py tests/integration/test_readme_recipes.py::test_recipe1_host_resolver_by_copy_and_paste
  ok "dpkg -i in a sandbox: user, unit enabled, nothing started, the unit's command answers; README recipe 1 from the .deb"
  RESIDNS_INSTALL_BUILD=$build_abs /usr/bin/python3 -m pytest -q -p no:cacheprovider \
    tests/integration/test_readme_recipes.py
  ok "README recipes 1 and 2 with \`cmake --install $build\`"
else
  echo "test-deb: not root: the dpkg install in a sandbox was skipped" >&2
fi
# On a fresh Debian 12 (buildah, ../shared/tools/container-check): apt must find every dependency.
cc=${CONTAINER_CHECK:-$(realpath -m ../shared/tools/container-check)}
[ -x "$cc" ] || cc=$(command -v container-check || true)
if [ -n "$cc" ] && [ "$(id -u)" = 0 ] && [ -z "${SKIP_FRESH:-}" ]; then
  mkdir "$scratch/fresh"
  cp "$deb" "$scratch/fresh/residns.deb"
  "$cc" build -f "$PWD/packaging/Dockerfile.deb-test" -t localhost/residns-deb:test "$scratch/fresh" \
    >"$scratch/fresh.log" 2>&1 || { tail -30 "$scratch/fresh.log" >&2; fail "apt install on a fresh bookworm-slim"; }
  grep -E '^(residns [0-9]|.*configuration is valid|residns:x:|install ok installed)' "$scratch/fresh.log" >&2
  ok "apt install of the .deb on a fresh bookworm-slim: dependencies resolved, the daemon checks its configuration"
else
  echo "test-deb: no container-check (or not root, or SKIP_FRESH): the install on a fresh Debian 12 was skipped" >&2
fi
echo "test-deb: PASS ($deb)"
