#!/usr/bin/env bash
# Installs build and test dependencies (Debian 12), builds with warnings as errors, and runs
# every test: the unit tests of each module and the integration tests that start the real
# feedd and feedctl against a local fixture server.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --with-tests
cmake --preset "${FEEDD_PRESET:-dev}"
cmake --build --preset "${FEEDD_PRESET:-dev}" -j "$(nproc)"
ctest --preset "${FEEDD_PRESET:-dev}" -j "$(nproc)"
# The storage suite once more on PostgreSQL (one suite, two backends: tests/storage/
# test_backend.h), on a throwaway cluster, where the server is installed (--with-tests).
if compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
  case "${FEEDD_PRESET:-dev}" in
    dev) build_dir=build ;;
    *) build_dir="build-${FEEDD_PRESET}" ;;
  esac
  echo "== storage suite on PostgreSQL"
  bash scripts/with-postgres.sh "$build_dir/storage_test"
fi
