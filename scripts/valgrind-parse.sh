#!/bin/sh
# F-P4 (memory safety) for the parser: every file of the conformance corpus through
# `feedctl parse --json` (parser and HTML sanitiser, as the daemon runs them) under
# valgrind memcheck; a file fails on any memcheck error or a definite leak.
#
#   scripts/valgrind-parse.sh [--gumbo] [--step N] [--jobs N] FEEDCTL
#
# FEEDCTL: a feedctl binary (a Debug build gives readable stacks). --step N checks every Nth
# file only (default 1: all of them); --jobs N runs N valgrinds at once (default 2).
# Suppressions: tests/valgrind/gumbo.supp (a fault of gumbo 0.10.1's own) and glibc.supp
# (ld.so false positives); each says why.
# --gumbo first checks the suppression in tests/valgrind/gumbo.supp is still needed:
# builds tests/valgrind/gumbo_fragment_quirks.c and expects valgrind to flag gumbo alone on
# "<table>" parsed as a fragment, and zeroed allocations to make it clean.
# Logs of failing files go to $VALGRIND_LOGS (default /tmp/valgrind-parse). Exit 0 when every
# file is clean, 1 otherwise. Needs valgrind and gcc (scripts/install-deps.sh --with-bench).
set -eu
repo=$(cd "$(dirname "$0")/.." && pwd)
shared=${FEEDD_SHARED:-$repo/../shared}
supp_dir="$repo/tests/valgrind"
step=1
jobs=2
check_gumbo=
while [ $# -gt 1 ]; do
  case $1 in
    --gumbo) check_gumbo=1; shift ;;
    --step) step=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    *) break ;;
  esac
done
[ $# -eq 1 ] || { echo "usage: $0 [--gumbo] [--step N] [--jobs N] FEEDCTL" >&2; exit 64; }
feedctl=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
[ -x "$feedctl" ] || { echo "$0: $1 is not executable" >&2; exit 66; }
command -v valgrind >/dev/null || { echo "$0: valgrind not found" >&2; exit 69; }
logs=${VALGRIND_LOGS:-/tmp/valgrind-parse}
rm -rf "$logs"
mkdir -p "$logs"

if [ -n "$check_gumbo" ]; then
  gcc -O0 -g -o "$logs/gumbo_fragment_quirks" "$repo/tests/valgrind/gumbo_fragment_quirks.c" -lgumbo
  printf '<table>' > "$logs/table.html"
  run_repro() {  # MODE [zeroed]: prints clean or errors
    if valgrind -q --error-exitcode=99 "$logs/gumbo_fragment_quirks" "$@" >/dev/null 2>&1; then
      echo clean
    else
      echo errors
    fi
  }
  fragment=$(run_repro fragment "$logs/table.html")
  document=$(run_repro document "$logs/table.html")
  zeroed=$(run_repro fragment "$logs/table.html" zeroed)
  echo "gumbo alone on '<table>': fragment $fragment, document $document, fragment with zeroed allocations $zeroed"
  if [ "$fragment" = clean ]; then
    echo "gumbo no longer shows the fault: tests/valgrind/gumbo.supp can go"
  fi
fi

list="$logs/files"
find "$shared/conformance/corpus" -type f | sort | awk -v step="$step" 'NR % step == 0' > "$list"
total=$(wc -l < "$list")
# One valgrind per file. With -q valgrind writes only what it finds (errors, definite leaks,
# a fatal signal), each line prefixed "==PID=="; feedctl's own stderr (warnings, and the
# error of a document that is no feed, exit 65) has no such prefix. A log is kept only when
# valgrind wrote to it.
export feedctl supp_dir logs
xargs -d '\n' -P "$jobs" -n 1 sh -c '
  name=$(basename "$1")
  valgrind -q --leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite \
    --suppressions="$supp_dir/gumbo.supp" --suppressions="$supp_dir/glibc.supp" \
    "$feedctl" parse --json --base-url "https://example.test/$name" "$1" \
    >/dev/null 2>"$logs/$name.log" || true
  if grep -q "^==[0-9]*== " "$logs/$name.log"; then
    echo "FAIL $name"
  else
    rm -f "$logs/$name.log"
  fi
' sh < "$list" > "$logs/results" || true
failed=$(grep -c '^FAIL' "$logs/results" || true)
cat "$logs/results"
echo "valgrind: $total files, $failed with memcheck errors or definite leaks (suppressions: tests/valgrind/*.supp)"
[ "$failed" -eq 0 ]
