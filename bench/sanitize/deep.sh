#!/bin/sh
# F-S4 (depth and size): 100,000-deep nested HTML through `feedctl sanitize` and 1,000,000-deep
# nested XML through `feedctl parse` (unknown elements in an RSS item, and XHTML divs in Atom
# content), each under /usr/bin/time -v. Bars: no crash, < 2 s, < 256 MiB peak RSS.
#
#   BENCH_DATA=/tmp/feedd-bench bench/sanitize/deep.sh [FEEDCTL]
set -eu
repo=$(cd "$(dirname "$0")/../.." && pwd)
feedctl=${1:-$repo/build-parser-bench/feedctl}
dir=${BENCH_DATA:-/tmp/feedd-bench}/deep
mkdir -p "$dir"

python3 - "$dir" <<'EOF'
import sys
d = sys.argv[1]
n = 100_000
open(d + "/html-100k.html", "w").write("<div>" * n + "deep" + "</div>" * n)
open(d + "/html-100k-unclosed.html", "w").write("<div><b><i><span>" * (n // 4) + "deep")
m = 1_000_000
open(d + "/xml-1m-rss.xml", "w").write(
    '<rss version="2.0"><channel><title>t</title><item><title>i</title>' + "<x>" * m + "deep" +
    "</x>" * m + "</item></channel></rss>")
open(d + "/xml-1m-atom-xhtml.xml", "w").write(
    '<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry><title>e</title>'
    '<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">' + "<div>" * m + "deep" +
    "</div>" * m + "</div></content></entry></feed>")
EOF

status=0
run() {  # LABEL INPUT COMMAND...
  label=$1 input=$2
  shift 2
  /usr/bin/time -v "$@" < "$input" > "$dir/out" 2> "$dir/time" || true
  elapsed=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$dir/time")
  user=$(sed -n 's/.*User time (seconds): //p' "$dir/time")
  sys=$(sed -n 's/.*System time (seconds): //p' "$dir/time")
  rss_kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$dir/time")
  code=$(sed -n 's/.*Exit status: //p' "$dir/time")
  verdict=ok
  cpu=$(echo "$user $sys" | awk '{ print $1 + $2 }')
  if [ -z "$code" ] || [ "$code" -ne 0 ] || [ "$rss_kb" -ge 262144 ] ||
     [ "$(echo "$cpu" | awk '{ print ($1 >= 2) }')" -eq 1 ]; then
    verdict=FAIL
    status=1
  fi
  echo "$label: $(wc -c < "$input") bytes in, $(wc -c < "$dir/out") bytes out, exit $code," \
    "wall $elapsed, cpu ${cpu}s, max RSS $((rss_kb / 1024)) MiB -> $verdict"
}
run "HTML 100,000 nested <div>" "$dir/html-100k.html" "$feedctl" sanitize
run "HTML 100,000 unclosed formatting tags" "$dir/html-100k-unclosed.html" "$feedctl" sanitize
run "XML 1,000,000 nested elements in an RSS item" "$dir/xml-1m-rss.xml" "$feedctl" parse -
run "XML 1,000,000 nested XHTML divs in Atom content" "$dir/xml-1m-atom-xhtml.xml" "$feedctl" parse -
exit $status
