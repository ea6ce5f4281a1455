#!/bin/sh
# Sanitiser throughput: sanitize_bench on the seed article and on the entry HTML of the first
# FILES files of the parse corpus (bench/parse/run.sh makes it), with gumbo's parse alone as
# the floor. BEFORE=/path/to/an/older/sanitize_bench runs that build too, interleaved case by
# case, for a before/after comparison in the same run.
#
#   BENCH_DATA=/tmp/feedd-bench bench/sanitize/run.sh [FILES] [SECONDS_PER_CASE]
set -eu
repo=$(cd "$(dirname "$0")/../.." && pwd)
data=${BENCH_DATA:-/tmp/feedd-bench}
files=${1:-100}
seconds=${2:-3}
build=${BENCH_BUILD:-$repo/build-parser-bench}
if [ -z "${BENCH_SKIP_BUILD:-}" ]; then
  cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=Release -DFEEDD_BUILD_BENCH=ON \
    -DFEEDD_BUILD_TESTS=OFF >/dev/null
  cmake --build "$build" --target sanitize_bench -j2 >/dev/null
fi
list=$(ls "$data"/corpus-*.list 2>/dev/null | head -n 1)
[ -n "$list" ] || { echo "run.sh: no corpus list in $data (run bench/parse/run.sh first)" >&2; exit 66; }
for round in 1 2; do
  if [ -n "${BEFORE:-}" ]; then
    echo "== before (round $round)"
    "$BEFORE" --seconds "$seconds" --corpus-list "$list" --files "$files"
  fi
  echo "== after (round $round)"
  "$build/sanitize_bench" --seconds "$seconds" --corpus-list "$list" --files "$files"
  [ -n "${BEFORE:-}" ] || break
done
