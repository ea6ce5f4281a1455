#!/usr/bin/env bash
# Installs the Debian 12 packages feedd needs to build and test (see README, "Dependencies").
# Idempotent: packages already present are skipped by apt-get.
set -euo pipefail

build_deps=(
  build-essential cmake pkg-config
  libcurl4-openssl-dev libpugixml-dev libsqlite3-dev libboost1.81-dev
  libspdlog-dev doctest-dev nlohmann-json3-dev libgumbo-dev
  libtomlplusplus-dev libcli11-dev libsystemd-dev zlib1g-dev
  libpq-dev
)
# Used only by the tests: the fixture server, output validation and the database CLI.
test_deps=(python3 sqlite3 libxml2-utils curl)
# Output validation by real consumers (issue 8): RELAX NG, feedparser, a reader, a browser.
test_deps+=(jing python3-feedparser newsboat chromium)
# The storage suite's second backend: a throwaway cluster (scripts/with-postgres.sh).
test_deps+=(postgresql)
# The formatter CI checks the sources with (scripts/check-format.sh, .clang-format).
test_deps+=(clang-format)

# Used only by the fuzz smoke run: clang with libFuzzer and the sanitizer runtimes.
fuzz_deps=(clang libclang-rt-14-dev)
# Used only by bench/serve: the load generator and the static server to compare with.
bench_deps=(wrk nginx-light)

# Used only by the benchmarks in bench/: the peer parser (sfeed), timing and profiling.
bench_deps+=(sfeed hyperfine valgrind strace)
# Used only by bench/fetch: nginx serves the feeds, newsboat is the peer fetcher.
bench_deps+=(nginx-light newsboat)

want=("${build_deps[@]}")
case "${1:-}" in
  --with-tests) want+=("${test_deps[@]}") ;;
  --with-fuzz) want+=("${fuzz_deps[@]}") ;;
  --with-bench) want+=("${bench_deps[@]}") ;;
esac

missing=()
for pkg in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]} == 0)); then
  exit 0
fi

sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
echo "install-deps: installing ${missing[*]}" >&2
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
