#!/usr/bin/env bash
# Regenerates the golden outputs of every shipped scenario (scenarios/**.yaml, sweeps and the
# catalog aside) after an intended change of results: tests/golden/<path under scenarios/,
# less .yaml>/ holds its timeseries.csv, buildout.csv, jobs.csv (when it has training jobs)
# and summary.json. Read the diff (git diff tests/golden) before committing it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh release >/dev/null
# scenarios/scale/ is a benchmark's input, not a golden run. tests/golden/backfill-depth-unlimited/
# is never regenerated: it holds the full-scan scheduler's outputs (tests/cli/run_cli_test.cpp).
find scenarios -name '*.yaml' -not -path 'scenarios/catalog/*' -not -path 'scenarios/sweeps/*' \
  -not -path 'scenarios/scale/*' |
  sort | while read -r scenario; do
  name=${scenario#scenarios/}
  name=${name%.yaml}
  rm -rf "tests/golden/$name"
  # The nominal run; an uncertain scenario's replications are tested apart.
  build/release/capsim run "$scenario" --replications 1 --no-report --out "tests/golden/$name" >/dev/null
done
git status --short tests/golden
# A Monte Carlo fingerprint: a few replications of the uncertain 10x scenario, every file.
rm -rf tests/golden/monte-carlo/efficiency-10x-uncertain
build/release/capsim run scenarios/efficiency-10x-uncertain.yaml --replications 12 -j 2 --no-report \
  --out tests/golden/monte-carlo/efficiency-10x-uncertain >/dev/null
git status --short tests/golden/monte-carlo
