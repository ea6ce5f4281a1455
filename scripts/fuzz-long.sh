#!/usr/bin/env bash
# A long libFuzzer campaign bounded by CPU time, not wall time, so that a busy machine
# still gives each target its full budget. Each target runs until its process has used
# FEEDD_FUZZ_CPU_SECONDS of CPU (default 1800 = 30 CPU-minutes), then gets SIGINT and
# prints libFuzzer's final stats. Seeds: tests/data, kept regressions, and any folders
# given as arguments (e.g. ../shared/conformance/corpus). Findings are written to
# build-fuzz/findings/<target>/; the script exits non-zero if any target found one.
#
#   scripts/fuzz-long.sh [TARGET ...] [-- SEED_DIR ...]
set -euo pipefail
cd "$(dirname "$0")/.."
cpu_budget="${FEEDD_FUZZ_CPU_SECONDS:-1800}"
targets=()
extra_seeds=()
while [[ $# -gt 0 && "$1" != "--" ]]; do targets+=("$1"); shift; done
[[ $# -gt 0 ]] && shift && extra_seeds=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
  mapfile -t targets < <(cd fuzz && ls ./*_fuzz.cc | xargs -n1 basename | sed 's/\.cc$//')
fi

cmake -S . -B build-fuzz -DFEEDD_FUZZ=ON -DFEEDD_BUILD_TESTS=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ >/dev/null
cmake --build build-fuzz -j 2 --target "${targets[@]}"

cpu_seconds_of() {  # utime + stime of a live process, in whole seconds
  awk -v hz="$(getconf CLK_TCK)" '{ print int(($14 + $15) / hz) }' "/proc/$1/stat" 2>/dev/null || echo 0
}

failed=0
for target in "${targets[@]}"; do
  corpus="build-fuzz/corpus/$target"
  findings="build-fuzz/findings/$target"
  mkdir -p "$corpus" "$findings"
  seeds=(tests/data)
  [[ -d "tests/fuzz-regressions/$target" ]] && seeds+=("tests/fuzz-regressions/$target")
  seeds+=("${extra_seeds[@]}")
  log="build-fuzz/$target.long.log"
  echo "== $target: until ${cpu_budget} CPU-seconds (log: $log)"
  "build-fuzz/$target" -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
    -artifact_prefix="$findings/" "$corpus" "${seeds[@]}" >"$log" 2>&1 &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    if [[ $(cpu_seconds_of "$pid") -ge $cpu_budget ]]; then
      kill -INT "$pid"
      break
    fi
    sleep 5
  done
  status=0
  wait "$pid" || status=$?
  grep -E '^(stat::number_of_executed_units|Done|#[0-9]+ +DONE)' "$log" | tail -n 2 || true
  if ls "$findings" | grep -q .; then
    echo "fuzz: $target found a problem: $(ls "$findings")" >&2
    failed=1
  elif [[ $status -ne 0 && $status -ne 130 && $status -ne 72 ]]; then
    # libFuzzer exits 72 or 130 on SIGINT, depending on where the signal lands
    echo "fuzz: $target exited with $status" >&2
    tail -n 20 "$log" >&2
    failed=1
  else
    echo "fuzz: $target ran ${cpu_budget} CPU-seconds with no finding"
  fi
done
exit "$failed"
