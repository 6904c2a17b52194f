#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test of residns: formatting, unit and
# integration tests (Release, warnings as errors), the same under ASan+UBSan, the multi-threaded
# unit tests under TSan, and each fuzz target for RESIDNS_FUZZ_SECONDS (60) seconds under
# ASan+UBSan, two at a time. This is the README's test command and what CI (.ci/run) runs.
set -euo pipefail
cd "$(dirname "$0")/.."

jobs=$(nproc)
fuzz_seconds=${RESIDNS_FUZZ_SECONDS:-60}

# Each step prints the elapsed time since the start and how long the previous step took.
SECONDS=0
step_start=0
step() {
    printf '\n==> [%dm%02ds, previous step %ds] %s\n' $((SECONDS / 60)) $((SECONDS % 60)) \
        $((SECONDS - step_start)) "$*"
    step_start=$SECONDS
}

step "dependencies"
bash scripts/install-deps.sh

step "format check"
bash scripts/check-format.sh

step "release build (warnings are errors)"
cmake --preset ci
cmake --build --preset ci -j "$jobs"

step "unit and integration tests (release)"
ctest --preset ci -j 1

step "ASan+UBSan build"
cmake --preset asan
cmake --build --preset asan -j "$jobs"

step "unit and integration tests (ASan+UBSan)"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --preset asan -j 1

step "TSan build (the multi-threaded unit tests: shared cache, workers, upstreams)"
cmake --preset tsan
cmake --build --preset tsan -j "$jobs" --target test_cache test_server test_upstream

step "multi-threaded unit tests (TSan)"
for t in test_cache test_server test_upstream; do
    TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 "build-tsan/tests/$t" --gtest_brief=1
done

step "fuzzing (${fuzz_seconds}s per target, ASan+UBSan, $jobs at a time)"
cmake --preset fuzz
cmake --build --preset fuzz -j "$jobs"
bash fuzz/run.sh build-fuzz "$fuzz_seconds" "$jobs"

step "all tests passed"
