#!/usr/bin/env bash
# Regenerates the golden outputs of every shipped scenario (scenarios/**.yaml, sweeps and the
# catalog aside) after an intended change of results: tests/golden/<path under scenarios/,
# less .yaml>/ holds its timeseries.csv, buildout.csv, jobs.csv (when it has training jobs)
# and summary.json. Read the diff (git diff tests/golden) before committing it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh release >/dev/null
find scenarios -name '*.yaml' -not -path 'scenarios/catalog/*' -not -path 'scenarios/sweeps/*' |
  sort | while read -r scenario; do
  name=${scenario#scenarios/}
  name=${name%.yaml}
  rm -rf "tests/golden/$name"
  build/release/capsim run "$scenario" --out "tests/golden/$name" >/dev/null
done
git status --short tests/golden
