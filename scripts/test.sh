#!/usr/bin/env bash
# The README's second command: install what is missing, build Release, run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh release
ctest --preset release -j "$(nproc)"
