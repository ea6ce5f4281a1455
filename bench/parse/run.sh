#!/bin/sh
# Parse benchmark, one run, every tool on the same data: pugixml load + DOM walk (the floor,
# ../shared/bench/pugi_count.cpp), feedd's ParseFeed without and with the HTML sanitiser, and
# sfeed (one process per file, as ../shared/bench/README.md measures it), on the generated
# corpus and on one 50 MB feed. Prints MB/s, entries/s and the ratios, by wall clock and by
# CPU time (user+sys, children included; the steadier figure on a shared machine).
#
#   BENCH_DATA=/tmp/feedd-bench bench/parse/run.sh [FILES] [HUGE_MB]
#
# FILES defaults to 2000 (985 MB, as in ../shared/bench/README.md); pass fewer for a subset.
# SANITISE_FILES=N runs the with-sanitiser pass on the first N files only (default: all);
# BENCH_SKIP_BUILD=1 uses the parse_bench already in BENCH_BUILD.
# Needs: python3, g++, libpugixml-dev, sfeed (scripts/install-deps.sh --with-bench).
set -eu
repo=$(cd "$(dirname "$0")/../.." && pwd)
shared=${FEEDD_SHARED:-$repo/../shared}
data=${BENCH_DATA:-/tmp/feedd-bench}
files=${1:-2000}
huge_mb=${2:-50}
build=${BENCH_BUILD:-$repo/build-parser-bench}
command -v sfeed >/dev/null || { echo "run.sh: sfeed not found (apt-get install sfeed)" >&2; exit 69; }

mkdir -p "$data"
corpus="$data/corpus-$files"
huge="$data/huge/huge-${huge_mb}mb.xml"
if [ ! -d "$corpus" ]; then
  python3 "$shared/bench/gen_corpus.py" --out "$corpus" --files "$files"
fi
if [ ! -f "$huge" ]; then
  mkdir -p "$data/huge"
  python3 "$shared/bench/gen_corpus.py" --huge "$huge" --huge-mb "$huge_mb"
fi
if [ ! -x "$data/pugi_count" ] || [ "$shared/bench/pugi_count.cpp" -nt "$data/pugi_count" ]; then
  g++ -O2 -o "$data/pugi_count" "$shared/bench/pugi_count.cpp" -lpugixml
fi
if [ -z "${BENCH_SKIP_BUILD:-}" ]; then  # set it to use an already built parse_bench
  cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=Release -DFEEDD_BUILD_BENCH=ON \
    -DFEEDD_BUILD_TESTS=OFF >/dev/null
  cmake --build "$build" --target parse_bench -j2 >/dev/null
fi

list="$data/corpus-$files.list"
find "$corpus" -type f \( -name '*.xml' -o -name '*.json' \) | sort > "$list"
sanitise_list="$list"
if [ -n "${SANITISE_FILES:-}" ]; then
  sanitise_list="$data/corpus-$files-first-$SANITISE_FILES.list"
  head -n "$SANITISE_FILES" "$list" > "$sanitise_list"
fi
size_of() { xargs -d '\n' stat -c %s < "$1" | awk '{ s += $1 } END { print s }'; }
corpus_bytes=$(size_of "$list")
sanitise_bytes=$(size_of "$sanitise_list")
huge_bytes=$(stat -c %s "$huge")

times=$(mktemp)
out=$(mktemp)
trap 'rm -f "$times" "$out"' EXIT
# measure LABEL BYTES COMMAND...: runs the command once; sets wall, cpu, entries; logs a line.
# The command's last stdout line gives entries= (our tools) or is a bare count (sfeed | wc -l).
measure() {
  label=$1
  bytes=$2
  shift 2
  /usr/bin/time -f '%e %U %S' -o "$times" "$@" > "$out" 2>/dev/null || true
  wall=$(awk 'END { print $1 }' "$times")
  cpu=$(awk 'END { print $2 + $3 }' "$times")
  last=$(tail -n 1 "$out")
  entries=$(echo "$last" | sed -n 's/.*entries=\([0-9]*\).*/\1/p')
  [ -n "$entries" ] || entries=$(echo "$last" | tr -dc '0-9')
  echo "$label: wall ${wall}s cpu ${cpu}s entries ${entries} | $last" >&2
}
rate() { echo "$1 $2" | awk '{ if ($2 > 0) printf "%.1f", $1 / 1e6 / $2; else print "n/a" }'; }
per_s() { echo "$1 $2" | awk '{ if ($2 > 0) printf "%.0f", $1 / $2; else print "n/a" }'; }
ratio() { echo "$1 $2" | awk '{ if ($2 > 0 && $1 > 0) printf "%.2f", $2 / $1; else print "n/a" }'; }

# Results go to variables named <tool>_<set>_{wall,cpu,entries}.
record() {  # NAME
  eval "${1}_wall=\$wall ${1}_cpu=\$cpu ${1}_entries=\$entries"
}

measure "pugixml corpus" "$corpus_bytes" "$data/pugi_count" --list "$list"; record pugi_c
measure "feedd corpus, sanitising excluded" "$corpus_bytes" "$build/parse_bench" --raw-html --list "$list"; record raw_c
measure "feedd corpus, with sanitiser" "$sanitise_bytes" "$build/parse_bench" --list "$sanitise_list"; record san_c
# sfeed reads one feed on stdin and writes one line per entry; one process per file.
measure "sfeed corpus, one process per file" "$corpus_bytes" \
  sh -c 'while IFS= read -r f; do sfeed < "$f"; done < "$1" | wc -l' sh "$list"; record sfeed_c
measure "pugixml huge" "$huge_bytes" "$data/pugi_count" "$huge"; record pugi_h
measure "feedd huge, sanitising excluded" "$huge_bytes" "$build/parse_bench" --raw-html "$huge"; record raw_h
measure "feedd huge, with sanitiser" "$huge_bytes" "$build/parse_bench" "$huge"; record san_h
# The same without the sanitiser, every entry handed to a sink and dropped (ParseFeed's
# EntrySink overload) instead of the whole feed held in the model: how sfeed works.
measure "feedd huge, sanitising excluded, entries streamed" "$huge_bytes" \
  "$build/parse_bench" --raw-html --stream "$huge"; record stream_h
measure "sfeed huge" "$huge_bytes" sh -c 'sfeed < "$1" | wc -l' sh "$huge"; record sfeed_h

# report SET BYTES SANITISE_BYTES LABEL: one line per clock.
report() {
  set_name=$1 bytes=$2 sbytes=$3 label=$4
  for clock in wall cpu; do
    eval "p=\$pugi_${set_name}_$clock r=\$raw_${set_name}_$clock s=\$san_${set_name}_$clock f=\$sfeed_${set_name}_$clock"
    eval "re=\$raw_${set_name}_entries fe=\$sfeed_${set_name}_entries"
    echo "$label [$clock]: pugixml $(rate "$bytes" "$p") MB/s;" \
      "feedd $(rate "$bytes" "$r") MB/s $(per_s "$re" "$r") entries/s = $(ratio "$r" "$p")x pugixml," \
      "$(ratio "$r" "$f")x sfeed; sfeed $(rate "$bytes" "$f") MB/s $(per_s "$fe" "$f") entries/s;" \
      "feedd with sanitiser $(rate "$sbytes" "$s") MB/s"
  done
}
report c "$corpus_bytes" "$sanitise_bytes" "corpus ($files files, $(rate "$corpus_bytes" 1) MB)"
report h "$huge_bytes" "$huge_bytes" "huge feed ($(rate "$huge_bytes" 1) MB)"
for clock in wall cpu; do
  eval "p=\$pugi_h_$clock r=\$stream_h_$clock f=\$sfeed_h_$clock"
  echo "huge feed, entries streamed [$clock]: feedd $(rate "$huge_bytes" "$r") MB/s" \
    "$(per_s "$stream_h_entries" "$r") entries/s = $(ratio "$r" "$p")x pugixml, $(ratio "$r" "$f")x sfeed"
done
