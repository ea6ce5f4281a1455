#!/usr/bin/env bash
# Fails when a tracked .h/.cc file differs from what clang-format makes of it (.clang-format
# at the root). Fix with: clang-format -i $(git ls-files '*.h' '*.cc')
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v clang-format >/dev/null; then
  echo "check-format: clang-format is not installed (scripts/install-deps.sh --with-tests)" >&2
  exit 1
fi
mapfile -t files < <(git ls-files '*.h' '*.cc')
if clang-format --dry-run --Werror "${files[@]}"; then
  echo "check-format: ${#files[@]} files formatted as .clang-format says"
else
  echo "check-format: the files above need clang-format -i" >&2
  exit 1
fi
