#!/bin/sh
# F-P2 (XML bombs): billion laughs, quadratic blow-up (one 1 MB entity used 10,000 times), an
# external entity (file:///etc/passwd) and an external DTD, each through `feedctl parse`:
# under strace no file beyond the input and the binary's own libraries is opened and nothing
# connects; /usr/bin/time -v gives the time and the peak RSS (bars: < 1 s, < 64 MiB).
#
#   BENCH_DATA=/tmp/feedd-bench bench/parse/bombs.sh [FEEDCTL]
set -eu
repo=$(cd "$(dirname "$0")/../.." && pwd)
feedctl=${1:-$repo/build-parser-bench/feedctl}
dir=${BENCH_DATA:-/tmp/feedd-bench}/bombs
mkdir -p "$dir"

python3 - "$dir" <<'EOF'
import sys
d = sys.argv[1]
head = '<?xml version="1.0"?>\n'
lol = ['<!ENTITY lol "lol">'] + [
    '<!ENTITY lol%d "%s">' % (i, ("&lol%s;" % ("" if i == 1 else i - 1)) * 10) for i in range(1, 10)]
open(d + "/billion_laughs.xml", "w").write(
    head + "<!DOCTYPE rss [\n" + "\n".join(lol) + "\n]>\n"
    '<rss version="2.0"><channel><title>&lol9;</title><item><title>&lol9;</title></item></channel></rss>\n')
open(d + "/quadratic.xml", "w").write(
    head + '<!DOCTYPE rss [ <!ENTITY a "' + "a" * (1 << 20) + '"> ]>\n'
    '<rss version="2.0"><channel><title>q</title><item><description>' + "&a;" * 10000 +
    "</description></item></channel></rss>\n")
open(d + "/external_entity.xml", "w").write(
    head + '<!DOCTYPE rss [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> '
    '<!ENTITY net SYSTEM "http://127.0.0.1:9/x"> ]>\n'
    '<rss version="2.0"><channel><title>x&xxe;y&net;</title><item><title>i</title></item></channel></rss>\n')
open(d + "/external_dtd.xml", "w").write(
    head + '<!DOCTYPE rss SYSTEM "http://127.0.0.1:9/evil.dtd" [\n'
    ' <!ENTITY % remote SYSTEM "file:///etc/hostname"> %remote;\n]>\n'
    '<rss version="2.0"><channel><title>d</title><item><title>i</title></item></channel></rss>\n')
EOF

status=0
for bomb in billion_laughs quadratic external_entity external_dtd; do
  file="$dir/$bomb.xml"
  trace="$dir/$bomb.strace"
  strace -f -qq -e trace=openat,connect -o "$trace" "$feedctl" parse "$file" >/dev/null 2>&1 || true
  # Opened files other than the input and the libraries' own (ld.so.cache, *.so*, gconv, and
  # OpenSSL's openssl.cnf, read when libcurl's TLS backend loads).
  others=$(grep -o 'openat([^"]*"[^"]*"' "$trace" | sed 's/.*"\(.*\)"/\1/' |
    grep -v -e '\.so' -e '/ld\.so\.cache$' -e '/gconv/' -e '/ssl/openssl\.cnf$' -e "^$file\$" |
    sort -u | tr '\n' ' ')
  connects=$(grep -c 'connect(' "$trace" || true)
  /usr/bin/time -v "$feedctl" parse "$file" >/dev/null 2>"$dir/$bomb.time" || true
  elapsed=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$dir/$bomb.time")
  user=$(sed -n 's/.*User time (seconds): //p' "$dir/$bomb.time")
  rss_kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$dir/$bomb.time")
  exit_status=$(sed -n 's/.*Exit status: //p' "$dir/$bomb.time")
  verdict=ok
  if [ -n "$others" ] || [ "$connects" -ne 0 ] || [ "$rss_kb" -ge 65536 ]; then
    verdict=FAIL
    status=1
  fi
  echo "$bomb: $(wc -c < "$file") bytes, exit $exit_status, wall $elapsed, user ${user}s," \
    "max RSS $((rss_kb / 1024)) MiB, connect() $connects, other files opened: ${others:-none} -> $verdict"
done
exit $status
