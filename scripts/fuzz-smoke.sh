#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan+UBSan) and runs each one for a bounded time,
# seeded with the test data in the repo and the kept crashers in tests/fuzz-regressions/.
# FEEDD_FUZZ_SECONDS sets the time per target (default 30).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${FEEDD_FUZZ_SECONDS:-30}"
bash scripts/install-deps.sh --with-fuzz
cmake -S . -B build-fuzz -DFEEDD_FUZZ=ON -DFEEDD_BUILD_TESTS=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ >/dev/null
targets=$(cd fuzz && ls ./*_fuzz.cc | xargs -n1 basename | sed 's/\.cc$//')
# shellcheck disable=SC2086
cmake --build build-fuzz -j "$(nproc)" --target $targets
for target in $targets; do
  work=$(mktemp -d)
  seeds=(tests/data)
  [[ -d "tests/fuzz-regressions/$target" ]] && seeds+=("tests/fuzz-regressions/$target")
  echo "== $target for ${seconds}s"
  "build-fuzz/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -max_len=65536 -print_final_stats=0 "$work" "${seeds[@]}" 2>&1 | tail -n 3
  status=${PIPESTATUS[0]}
  rm -rf "$work"
  if [[ $status -ne 0 ]]; then
    echo "fuzz: $target found a problem (exit $status)" >&2
    exit 1
  fi
done
echo "fuzz: every target ran ${seconds}s with no finding"
