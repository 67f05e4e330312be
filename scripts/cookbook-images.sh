#!/usr/bin/env bash
# Regenerates the report charts docs/cookbook.md shows (docs/images/report-*.png): runs the
# flagship and its uncertain twin (50 replications), opens each report in headless Chromium
# (tests/browser/check_report.py, which also checks the page) and keeps the charts the
# cookbook reads. Needs a release build and Debian's chromium (scripts/deps.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
out=build/cookbook-images
rm -rf "$out"
build/release/capsim run scenarios/meta-2025-60b.yaml --out "$out/meta" >/dev/null
build/release/capsim run scenarios/meta-2025-60b-uncertain.yaml --replications 50 -j 2 \
  --out "$out/meta-uncertain" >/dev/null
for run in meta meta-uncertain; do
  /usr/bin/python3 tests/browser/check_report.py "$out/$run/report.html" \
    --screenshot "$out/$run.png" --chart-screenshots "$out/$run-charts"
done
mkdir -p docs/images
cp "$out/meta-charts/fleet-installed-by-part.png" docs/images/report-fleet.png
cp "$out/meta-charts/power.png" docs/images/report-power.png
cp "$out/meta-charts/money-by-year.png" docs/images/report-money-by-year.png
cp "$out/meta-charts/construction-gantt.png" docs/images/report-construction.png
cp "$out/meta-uncertain-charts/fan-gpus-installed.png" docs/images/report-fan-gpus.png
cp "$out/meta-uncertain-charts/fan-capex-cumulative.png" docs/images/report-fan-capex.png
