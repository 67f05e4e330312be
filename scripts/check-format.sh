#!/usr/bin/env bash
# Fails, listing the files, when any tracked C++ source differs from .clang-format's layout.
set -euo pipefail
clang_format=${1:-clang-format}
cd "$(dirname "$0")/.."
mapfile -t sources < <(git ls-files '*.cpp' '*.hpp' 2>/dev/null || find include sim tests python -name '*.[ch]pp')
unformatted=()
for source in "${sources[@]}"; do
  [ -f "$source" ] || continue
  if ! "$clang_format" --style=file --dry-run --Werror "$source" >/dev/null 2>&1; then
    unformatted+=("$source")
  fi
done
if [ ${#unformatted[@]} -gt 0 ]; then
  printf 'not formatted with .clang-format (run scripts/format.sh):\n' >&2
  printf '  %s\n' "${unformatted[@]}" >&2
  exit 1
fi
echo "format: ${#sources[@]} files checked"
