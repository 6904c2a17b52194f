#!/usr/bin/env bash
# Runs clang-tidy (the repo's .clang-tidy) over every source file, using build/compile_commands.json.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -f build/compile_commands.json ]] || cmake --preset release >/dev/null
mapfile -t files < <(git ls-files -- 'src/*.cpp')
run-clang-tidy -quiet -p build -j "$(nproc)" -extra-arg=-DBOOST_ASIO_HAS_CO_AWAIT=1 \
  -extra-arg=-DBOOST_ASIO_HAS_STD_COROUTINE=1 "${files[@]}"
