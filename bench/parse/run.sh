#!/bin/sh
# Parse benchmark: feedd's ParseFeed against the pugixml floor (load + DOM walk), on the
# generated corpus and on one 50 MB feed, in the same run; prints the ratios.
#
#   BENCH_DATA=/tmp/feedd-bench bench/parse/run.sh [FILES] [HUGE_MB]
#
# FILES defaults to 2000 (985 MB, as in ../shared/bench/README.md); pass fewer for a subset.
set -eu
repo=$(cd "$(dirname "$0")/../.." && pwd)
shared=${FEEDD_SHARED:-$repo/../shared}
data=${BENCH_DATA:-/tmp/feedd-bench}
files=${1:-2000}
huge_mb=${2:-50}
build=${BENCH_BUILD:-$repo/build-parser-bench}

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
cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=Release -DFEEDD_BUILD_BENCH=ON \
  -DFEEDD_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" --target parse_bench -j2 >/dev/null

find "$corpus" -type f \( -name '*.xml' -o -name '*.json' \) | sort > "$data/corpus-$files.list"

mbps() { sed -n 's/.*MBps=\([0-9.]*\).*/\1/p'; }
run() {  # label, command...
  label=$1
  shift
  line=$("$@" 2>/dev/null | tail -n 1) || true
  echo "$label: $line" >&2
  echo "$line" | mbps
}

pugi_corpus=$(run "pugixml corpus" "$data/pugi_count" --list "$data/corpus-$files.list")
feedd_corpus=$(run "feedd corpus" "$build/parse_bench" --list "$data/corpus-$files.list")
raw_corpus=$(run "feedd corpus, raw HTML" "$build/parse_bench" --raw-html --list "$data/corpus-$files.list")
pugi_huge=$(run "pugixml huge" "$data/pugi_count" "$huge")
feedd_huge=$(run "feedd huge" "$build/parse_bench" "$huge")
raw_huge=$(run "feedd huge, raw HTML" "$build/parse_bench" --raw-html "$huge")

ratio() { echo "$1 $2" | awk '{ if ($2 > 0) printf "%.2f", $1/$2; else print "n/a" }'; }

# "raw HTML" is the parser alone (EntryHtml::kKeepRaw); the other figure includes the
# gumbo-based sanitiser on every summary and content, as the daemon runs it.
echo "corpus ($files files): pugixml ${pugi_corpus} MB/s; feedd ${feedd_corpus} MB/s" \
  "(ratio $(ratio "$feedd_corpus" "$pugi_corpus")), parser without sanitiser ${raw_corpus} MB/s" \
  "(ratio $(ratio "$raw_corpus" "$pugi_corpus"))"
echo "huge (${huge_mb} MB): pugixml ${pugi_huge} MB/s; feedd ${feedd_huge} MB/s" \
  "(ratio $(ratio "$feedd_huge" "$pugi_huge")), parser without sanitiser ${raw_huge} MB/s" \
  "(ratio $(ratio "$raw_huge" "$pugi_huge"))"
