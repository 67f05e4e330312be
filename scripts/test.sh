#!/usr/bin/env bash
# The README's second command: install what is missing, build, run every test: first the
# Release build, then the same suite under AddressSanitizer and UBSan (bad input must never
# crash, leak or read out of bounds).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh release
ctest --preset release -j "$(nproc)"
scripts/build.sh asan
ctest --preset asan -j "$(nproc)"
