#!/usr/bin/env bash
# Generates the seed corpora and runs each fuzz target (wire, zone files, hosts files, cache
# snapshots, the config loader, the query handler) for SECONDS seconds, JOBS targets at a time.
#   fuzz/run.sh BUILD_DIR SECONDS [JOBS]   (BUILD_DIR configured with the `asan` or the `fuzz`
#                                          preset; JOBS defaults to 2, one per core of the CI
#                                          machine)
#   FUZZ_TARGETS="config query_handler" fuzz/run.sh ...   runs only those targets
# The inputs in fuzz/regressions/<target>/ (crashes found before, now fixed) are replayed first.
# Each target's output is in BUILD_DIR/fuzz-work/<target>.log. Exits non-zero if any target finds
# a crash; the input is left in BUILD_DIR/fuzz-work/artifacts/.
set -euo pipefail

if [[ $# -lt 2 || $# -gt 3 ]]; then
    echo "usage: $0 BUILD_DIR SECONDS [JOBS]" >&2
    exit 2
fi
build=$1
seconds=$2
jobs=${3:-2}
targets=(${FUZZ_TARGETS:-message rdata_text zone_file hosts_file cache_snapshot config query_handler})

cmake --build "$build" --target make_wire_corpus "${targets[@]/#/fuzz_}"

source_dir=$(cd "$(dirname "$0")/.." && pwd)
work="$build/fuzz-work"
mkdir -p "$work/artifacts"
for target in "${targets[@]}"; do
    mkdir -p "$work/corpus-$target" "$work/seed-$target"
done
"$build/fuzz/make_wire_corpus" "$work/seed-message" "$work/seed-rdata_text"
# The zone and hosts readers start from the test zones (and a hosts file written here).
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
# The config loader starts from the reference config and the example and Docker configs.
mkdir -p "$work/seed-config"
for f in "$source_dir"/conf/residns.yaml "$source_dir"/conf/examples/*.yaml \
    "$source_dir"/docker/residns.yaml "$source_dir"/docker/test-zone/*.yaml; do
    cp "$f" "$work/seed-config/$(basename "$(dirname "$f")")-$(basename "$f")"
done
# The query handler reads its input as a script (fuzz_query_handler.cpp); the wire seeds make
# scripts whose queries start as real packets.
mkdir -p "$work/seed-query_handler"
cp "$work"/seed-message/* "$work/seed-query_handler/"

max_len_of() {
    case $1 in
        message | hosts_file | cache_snapshot | query_handler) echo 4096 ;;
        rdata_text) echo 1024 ;;
        zone_file | config) echo 8192 ;;
    esac
}

run_one() {
    local target=$1
    local dirs=("$work/corpus-$target" "$work/seed-$target")
    if [[ -d "$source_dir/fuzz/regressions/$target" ]]; then
        dirs+=("$source_dir/fuzz/regressions/$target")
    fi
    # New inputs go to the first directory; the seeds are read from the others.
    "$build/fuzz/fuzz_$target" -max_total_time="$seconds" -max_len="$(max_len_of "$target")" \
        -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$work/artifacts/$target-" "${dirs[@]}" \
        </dev/null >"$work/$target.log" 2>&1
}

report() {
    local target=$1 status=$2
    if [[ $status -eq 0 ]]; then
        echo "== fuzz_$target: ok ($(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' \
            "$work/$target.log" | grep -o '[0-9]*$') runs, $(grep -m1 -o \
            'stat::average_exec_per_sec: *[0-9]*' "$work/$target.log" | grep -o '[0-9]*$')/s)"
    else
        echo "== fuzz_$target: FAILED (exit $status); the end of $work/$target.log:"
        tail -n 60 "$work/$target.log"
    fi
}

echo "== fuzzing ${targets[*]} for ${seconds}s each, $jobs at a time"
declare -A running=()
failed=0
# Waits for one running target to end and reports it.
reap_one() {
    local done_pid status
    set +e
    wait -n -p done_pid
    status=$?
    set -e
    report "${running[$done_pid]}" "$status"
    [[ $status -eq 0 ]] || failed=1
    unset "running[$done_pid]"
}
for target in "${targets[@]}"; do
    while [[ ${#running[@]} -ge $jobs ]]; do
        reap_one
    done
    run_one "$target" &
    running[$!]=$target
done
while [[ ${#running[@]} -gt 0 ]]; do
    reap_one
done
exit $failed
