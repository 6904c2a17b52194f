#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test of residns: formatting, unit and
# integration tests (Release, warnings as errors), the same under ASan+UBSan, the multi-threaded
# unit tests under TSan, and each fuzz target for RESIDNS_FUZZ_SECONDS (60) seconds under
# ASan+UBSan, two at a time. This is the README's test command and what CI (.ci/run) runs.
# One clang build (the `asan` preset) serves the ASan+UBSan tests and the fuzz targets. ctest runs
# one test at a time: tests bind loopback ports (a worker asked for port 0 takes the UDP port's
# number for TCP too), and beside the integration suite a unit test once lost that race.
set -euo pipefail
cd "$(dirname "$0")/.."

jobs=$(nproc)
fuzz_seconds=${RESIDNS_FUZZ_SECONDS:-60}

# Each step prints the time since the start, and the wall and CPU time (user+system of the
# processes it ran) of the step before: a step whose CPU time is well under twice its wall time
# leaves a core idle on a 2-core machine.
SECONDS=0
step_start=0
step_cpu=0
children_cpu() { # CPU seconds of the finished children of this shell (utime+stime, in ticks)
    local stat
    read -r -a stat <"/proc/$$/stat"
    echo $(((stat[15] + stat[16]) / $(getconf CLK_TCK)))
}
step() {
    local cpu
    cpu=$(children_cpu)
    printf '\n==> [%dm%02ds; previous step %ds, %ds CPU] %s\n' $((SECONDS / 60)) $((SECONDS % 60)) \
        $((SECONDS - step_start)) $((cpu - step_cpu)) "$*"
    step_start=$SECONDS
    step_cpu=$cpu
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

step "ASan+UBSan build (clang; the unit and integration tests and the fuzz targets)"
cmake --preset asan
cmake --build --preset asan -j "$jobs"

step "unit and integration tests (ASan+UBSan)"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --preset asan -j 1

step "fuzzing (${fuzz_seconds}s per target, ASan+UBSan, $jobs at a time)"
bash fuzz/run.sh build-asan "$fuzz_seconds" "$jobs"

step "TSan build (the multi-threaded unit tests: shared cache, workers, upstreams)"
cmake --preset tsan
cmake --build --preset tsan -j "$jobs" --target test_cache test_server test_upstream

step "multi-threaded unit tests (TSan)"
for t in test_cache test_server test_upstream; do
    TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 "build-tsan/tests/$t" --gtest_brief=1
done

step "all tests passed"
