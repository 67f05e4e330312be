#!/usr/bin/env bash
# Regenerates the golden outputs of the example scenarios after an intended model change.
# Read the diff (git diff tests/golden) before committing it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh release >/dev/null
for scenario in scenarios/examples/*.yaml; do
  name=$(basename "$scenario" .yaml)
  build/release/capsim run "$scenario" --out "tests/golden/$name" >/dev/null
  rm -f "tests/golden/$name/buildout.csv"
done
git status --short tests/golden
