#!/usr/bin/env bash
# scripts/plot_sweep.py on a real sweep's runs_summary.csv: writes a PNG, refuses a figure or a
# parameter the sweep does not have (exit 2). Needs Debian's python3-matplotlib (scripts/deps.sh).
# usage: plot_sweep_test.sh PYTHON3 CAPSIM_BINARY SOURCE_DIR
set -euo pipefail
python=$1
capsim=$2
source_dir=$3
"$python" -c "import matplotlib" 2>/dev/null || {
  echo "$python cannot import matplotlib: run scripts/deps.sh (installs python3-matplotlib)" >&2
  exit 1
}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$capsim" sweep "$source_dir/tests/sweep/data/grid.yaml" --out "$work/sweep" -j 2 >/dev/null
plot="$source_dir/scripts/plot_sweep.py"
"$python" "$plot" "$work/sweep/runs_summary.csv" --x economics.utilisation_share --y gpus.failures \
  --out "$work/failures.png" | grep -qx "wrote $work/failures.png"
# A PNG, and not an empty one.
[ "$(head -c 8 "$work/failures.png" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ]
[ "$(stat -c %s "$work/failures.png")" -gt 10000 ]
"$python" "$plot" "$work/sweep/runs_summary.csv" --x failures.annual_failure_rate_share \
  --y totals.energy_facility_mwh --where economics.utilisation_share=0.7 --log-x --out "$work/b.png" >/dev/null
[ -s "$work/b.png" ]
set +e
"$python" "$plot" "$work/sweep/runs_summary.csv" --x economics.utilisation_share --y nope 2>"$work/err"
status=$?
set -e
[ $status -eq 2 ]
grep -q "expected one of the figures" "$work/err"
echo "plot_sweep.py: PNG written, bad figure refused"
