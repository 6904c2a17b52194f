#!/usr/bin/env bash
# Generates the seed corpora and runs each fuzz target (wire, zone files, hosts files, cache
# snapshots) for SECONDS seconds.
#   fuzz/run.sh BUILD_DIR SECONDS        (BUILD_DIR configured with the `fuzz` preset)
# Exits non-zero as soon as a target finds a crash; the input is left in BUILD_DIR/fuzz-work/.
set -euo pipefail

if [[ $# -ne 2 ]]; then
    echo "usage: $0 BUILD_DIR SECONDS" >&2
    exit 2
fi
build=$1
seconds=$2

cmake --build "$build" --target fuzz_message fuzz_rdata_text fuzz_zone_file fuzz_hosts_file \
    fuzz_cache_snapshot make_wire_corpus

work="$build/fuzz-work"
mkdir -p "$work/corpus-message" "$work/corpus-rdata_text" "$work/corpus-zone_file" \
    "$work/corpus-hosts_file" "$work/corpus-cache_snapshot" "$work/artifacts"
"$build/fuzz/make_wire_corpus" "$work/seed-message" "$work/seed-rdata_text"
# The zone and hosts readers start from the test zones (and a hosts file written here).
source_dir=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$work/seed-zone_file" "$work/seed-hosts_file"
find "$source_dir/tests/zone/data" -type f -name '*.zone' -exec cp {} "$work/seed-zone_file/" \;
printf '127.0.0.1 localhost\n::1 localhost ip6-localhost\n192.168.1.10 nas.lan nas # NAS\nfe80::1%%eth0 ll\n' \
    >"$work/seed-hosts_file/hosts"
# Snapshot entries (fuzz_cache_snapshot.cpp: a count byte, then entries): a.example. A 300 with a
# compressed owner, age 10; and an NXDOMAIN with an SOA (NS and mbox compressed into the owner).
mkdir -p "$work/seed-cache_snapshot"
printf '\x01\x0b\x01a\x07example\x00\x00\x01\x00\x01\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x01\x2c\x00\x00\x00\x0a\x00\x06\x00\x10\xc0\x0c\x00\x01\x00\x01\x00\x00\x01\x2c\x00\x04\xc0\x00\x02\x01' \
    >"$work/seed-cache_snapshot/positive"
printf '\x01\x0b\x01b\x07example\x00\x00\x01\x00\x01\x02\x00\x03\x00\x00\x00\x01\x00\x00\x00\x00\x00\x3c\x00\x00\x00\x00\x00\x06\x00\x2a\xc0\x0e\x00\x06\x00\x01\x00\x00\x00\x3c\x00\x1e\x02ns\xc0\x0e\x02hm\xc0\x0e\x00\x00\x00\x01\x00\x00\x00\x3c\x00\x00\x00\x3c\x00\x00\x00\x3c\x00\x00\x00\x3c' \
    >"$work/seed-cache_snapshot/negative"

for target in message rdata_text zone_file hosts_file cache_snapshot; do
    case $target in
        message) max_len=4096 ;;
        rdata_text) max_len=1024 ;;
        zone_file) max_len=8192 ;;
        hosts_file) max_len=4096 ;;
        cache_snapshot) max_len=4096 ;;
    esac
    echo "== fuzz_$target for ${seconds}s"
    # New inputs go to the first directory; the seeds are read from the second.
    "$build/fuzz/fuzz_$target" -max_total_time="$seconds" -max_len="$max_len" -timeout=10 \
        -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$work/artifacts/" \
        "$work/corpus-$target" "$work/seed-$target"
done
