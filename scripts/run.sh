#!/usr/bin/env bash
# The README's first command: install what is missing, build Release, run the flagship
# scenario and write its results to out/meta-2025-60b/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh release
build/release/capsim run scenarios/meta-2025-60b.yaml --out out/meta-2025-60b
