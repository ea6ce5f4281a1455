#!/bin/sh
# RELIABILITY.md F-C1 (feedd never execs) and F-C2 (feedd creates files only in its database
# folder and public_dir): runs integration tests with feedd under strace, then counts execve
# calls and lists every file feedd created (O_CREAT, rename, link, mkdir) outside `var/` of
# the test's own folder (where the harness puts storage.path and http.public_dir).
#   scripts/measure-exec-and-writes.sh BUILD_DIR [test_X.py ...]   (default: every test_*.py)
set -eu
build=${1:?usage: $0 BUILD_DIR [test_X.py ...]}
shift
here=$(cd "$(dirname "$0")/.." && pwd)
command -v strace >/dev/null || { echo "strace not installed (apt-get install strace)"; exit 69; }
out=$(mktemp -d /tmp/feedd-strace-XXXXXX)
tests=${*:-$(cd "$here/tests/integration" && ls test_*.py | grep -v test_fixture_server)}
failed=0
for t in $tests; do
  echo "== $t"
  FEEDD_TEST_WRAPPER="python3 $here/tests/integration/strace_wrapper.py --out $out --" \
    python3 "$here/tests/integration/$t" --feedd "$build/feedd" --feedctl "${FEEDCTL:-$build/feedctl}" \
    | tail -1 || failed=1
done
python3 - "$out" <<'PY'
import os, re, sys
out = sys.argv[1]
traces = sorted(f for f in os.listdir(out) if f.endswith(".trace"))
ARG = r'(?:(AT_FDCWD|-?\d+<[^>]*>|-?\d+), )?"([^"]+)"'
def where(dirfd, path):
    if path.startswith("/"):
        return path
    m = re.match(r"-?\d+<([^>]*)>", dirfd or "")
    return os.path.join(m.group(1), path) if m else "(cwd)/" + path
execs, creates, outside = 0, 0, []
allowed = re.compile(r"^/tmp/feedd-[^/]+/var/")  # the harness's DB folder and public_dir
for name in traces:
    lines = open(os.path.join(out, name), errors="replace").read().splitlines()
    calls = [l for l in lines if re.search(r"\bexecve(at)?\(", l)]
    execs += max(0, len(calls) - 1)  # the first is feedd's own start
    for l in lines:
        if re.search(r"= -1 ", l):
            continue
        target = None
        m = re.search(r"\b(openat|open|creat)\(" + ARG + r"(?:, ([A-Z_|0-9]+))?", l)
        if m and (m.group(1) == "creat" or "O_CREAT" in (m.group(4) or "")):
            target = where(m.group(2), m.group(3))
        m = re.search(r"\b(renameat2|renameat|rename|linkat|link|symlinkat|symlink)\(" + ARG
                      + ", " + ARG, l)
        if m:
            target = where(m.group(4), m.group(5))
        m = re.search(r"\b(mkdirat|mkdir)\(" + ARG, l)
        if m:
            target = where(m.group(2), m.group(3))
        if target is None:
            continue
        creates += 1
        if not allowed.match(target):
            outside.append(f"{name}: {target}  <- {l.strip()[:160]}")
print(f"traces: {len(traces)} feedd runs")
print(f"F-C1 execve beyond the initial exec: {execs}")
print(f"F-C2 files created/renamed/linked/mkdir'd: {creates}; outside the DB folder and public_dir: {len(outside)}")
for l in outside[:40]:
    print("  " + l)
PY
echo "traces kept in $out"
exit $failed
