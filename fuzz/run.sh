#!/usr/bin/env bash
# Generates the seed corpora and runs each wire fuzz target for SECONDS seconds.
#   fuzz/run.sh BUILD_DIR SECONDS        (BUILD_DIR configured with the `fuzz` preset)
# Exits non-zero as soon as a target finds a crash; the input is left in BUILD_DIR/fuzz-work/.
set -euo pipefail

if [[ $# -ne 2 ]]; then
    echo "usage: $0 BUILD_DIR SECONDS" >&2
    exit 2
fi
build=$1
seconds=$2

cmake --build "$build" --target fuzz_message fuzz_rdata_text make_wire_corpus

work="$build/fuzz-work"
mkdir -p "$work/corpus-message" "$work/corpus-rdata_text" "$work/artifacts"
"$build/fuzz/make_wire_corpus" "$work/seed-message" "$work/seed-rdata_text"

for target in message rdata_text; do
    case $target in
        message) max_len=4096 ;;
        rdata_text) max_len=1024 ;;
    esac
    echo "== fuzz_$target for ${seconds}s"
    # New inputs go to the first directory; the seeds are read from the second.
    "$build/fuzz/fuzz_$target" -max_total_time="$seconds" -max_len="$max_len" -timeout=10 \
        -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$work/artifacts/" \
        "$work/corpus-$target" "$work/seed-$target"
done
