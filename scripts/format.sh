#!/usr/bin/env bash
# Rewrites every C++ source in place with the repository's .clang-format.
set -euo pipefail
cd "$(dirname "$0")/.."
clang_format=$(command -v clang-format-14 || command -v clang-format)
find include sim tests python -name '*.cpp' -o -name '*.hpp' | xargs -r "$clang_format" -i --style=file
