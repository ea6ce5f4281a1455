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
