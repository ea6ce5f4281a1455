#!/bin/sh
# The 50 MB feed, round-robin: pugixml load + DOM walk (pugi_count), feedd's ParseFeed without
# the sanitiser (parse_bench --raw-html: every entry collected in the model, as `feedctl parse`
# needs them), the same with entries streamed to a sink one at a time (parse_bench --raw-html
# --stream: the ParseFeed overload with an EntrySink, as sfeed writes each entry out) and sfeed,
# ROUNDS times each in turn, by CPU time (user+sys). Two regimes: "cold" is one parse in a fresh process (every page the parse
# touches is faulted in for the first time, as in run.sh); "warm" is the per-parse cost in a
# process that has parsed before (a long-running daemon): parse_bench --warmup 1 --repeat 3,
# and pugi_count over the file listed 4 times, minus one cold run, divided by 3 (shown only:
# pugi_count reads into a fresh buffer every time, parse_bench reuses its read buffer). sfeed
# streams with a small fixed buffer and has no warm regime. Prints medians and ratios.
#
#   BENCH_DATA=/tmp/feedd-bench bench/parse/huge.sh [ROUNDS]
#
# Needs what run.sh needs, and run.sh once before (it builds pugi_count and the huge feed).
# GLIBC_TUNABLES in the environment applies to all three tools alike.
set -eu
repo=$(cd "$(dirname "$0")/../.." && pwd)
data=${BENCH_DATA:-/tmp/feedd-bench}
build=${BENCH_BUILD:-$repo/build-parser-bench}
rounds=${1:-5}
huge="$data/huge/huge-50mb.xml"
times=$(mktemp)
list=$(mktemp)
samples=$(mktemp)
trap 'rm -f "$times" "$list" "$samples"' EXIT
for i in 1 2 3 4; do echo "$huge"; done > "$list"

cpu() {  # COMMAND...: prints the command's user+sys seconds
  /usr/bin/time -f '%U %S' -o "$times" "$@" >/dev/null 2>&1 || true
  awk 'END { print $1 + $2 }' "$times"
}
bench_cpu() {  # parse_bench ARGS...: prints its own cpu_s (the parse loop, no process start)
  "$build/parse_bench" "$@" | sed -n 's/.* cpu_s=\([0-9.]*\).*/\1/p'
}
for round in $(seq "$rounds"); do
  pugi=$(cpu "$data/pugi_count" "$huge")
  feedd=$(cpu "$build/parse_bench" --raw-html "$huge")
  stream=$(cpu "$build/parse_bench" --raw-html --stream "$huge")
  sfeed=$(cpu sh -c 'sfeed < "$1"' sh "$huge")
  pugi4=$(cpu "$data/pugi_count" --list "$list")
  feedd_warm=$(bench_cpu --raw-html --warmup 1 --repeat 3 "$huge")
  stream_warm=$(bench_cpu --raw-html --stream --warmup 1 --repeat 3 "$huge")
  echo "$round $pugi $feedd $sfeed $pugi4 $feedd_warm $stream $stream_warm" >> "$samples"
  echo "round $round: cold cpu s: pugixml $pugi, feedd $feedd, feedd streamed $stream, sfeed $sfeed; warm: pugixml x4 $pugi4, feedd 3 parses $feedd_warm, streamed $stream_warm" >&2
done
median() {  # COLUMN
  awk -v c="$1" '{ print $c }' "$samples" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
pugi=$(median 2) feedd=$(median 3) sfeed=$(median 4) pugi4=$(median 5) feedd_warm=$(median 6)
stream=$(median 7) stream_warm=$(median 8)
mb=$(stat -c %s "$huge" | awk '{ printf "%.1f", $1 / 1e6 }')
awk -v mb="$mb" -v p="$pugi" -v f="$feedd" -v s="$sfeed" -v p4="$pugi4" -v fw="$feedd_warm" -v r="$rounds" \
    -v st="$stream" -v sw="$stream_warm" 'BEGIN {
  pw = (p4 - p) / 3; fwp = fw / 3; swp = sw / 3
  printf "huge feed (%s MB), medians of %d rounds, cpu s per parse:\n", mb, r
  printf "  cold: pugixml %.3f (%.0f MB/s), feedd %.3f (%.0f MB/s), sfeed %.3f (%.0f MB/s): feedd = %.2fx pugixml, %.2fx sfeed\n", p, mb / p, f, mb / f, s, mb / s, p / f, s / f
  printf "  cold, entries streamed: feedd %.3f (%.0f MB/s) = %.2fx pugixml, %.2fx sfeed\n", st, mb / st, p / st, s / st
  printf "  warm: feedd %.3f (%.0f MB/s) = %.2fx sfeed (cold, its only regime); streamed %.3f (%.0f MB/s) = %.2fx sfeed\n", fwp, mb / fwp, s / fwp, swp, mb / swp, s / swp
  # pugi_count reads each file into a fresh buffer (load_file) while parse_bench reuses its
  # read buffer, so the warm pugixml figure is shown but not compared.
  if (pw > 0) printf "  warm pugixml (fresh read buffer each parse, not comparable): %.3f (%.0f MB/s)\n", pw, mb / pw
}'
