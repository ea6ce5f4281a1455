#!/usr/bin/env bash
# Installs what feedd needs (Debian 12), builds it, and runs it in the foreground on the
# bundled dev config: SQLite under ./var, control socket ./var/run/feedd.sock, merged feeds on
# http://127.0.0.1:8088/. Stop it with Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --preset dev >/dev/null
cmake --build --preset dev -j "$(nproc)" --target feedd feedctl
exec build/feedd --config config/examples/dev.toml
