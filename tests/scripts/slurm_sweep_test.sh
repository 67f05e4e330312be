#!/usr/bin/env bash
# scripts/slurm-sweep.sh against a stand-in sbatch that runs each job at once, in order (array
# tasks one by one with SLURM_ARRAY_TASK_ID set, then the dependent merge): the merged
# runs.csv must be the bytes of a one-machine run, the submitted commands are those documented
# (sweeps and --replications), and a bad sweep must queue nothing. The real scheduler, with
# requeues, failures and the replications' bytes: real_slurm_test.sh.
# usage: slurm_sweep_test.sh CAPSIM_BINARY SOURCE_DIR
set -euo pipefail
capsim=$1
source_dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin"
cat > "$work/bin/sbatch" <<'FAKE'
#!/usr/bin/env bash
set -euo pipefail
array="" wrap=""
for argument in "$@"; do
  case "$argument" in
    --array=*) array=${argument#--array=} ;;
    --wrap=*) wrap=${argument#--wrap=} ;;
  esac
done
echo "$*" >> "$SBATCH_LOG"
if [ -n "$array" ]; then
  for task in $(seq "${array%-*}" "${array#*-}"); do
    SLURM_ARRAY_TASK_ID=$task bash -c "$wrap" >/dev/null
  done
  echo 1001
else
  bash -c "$wrap" >/dev/null
  echo 1002
fi
FAKE
chmod +x "$work/bin/sbatch"
export PATH="$work/bin:$PATH" SBATCH_LOG="$work/sbatch.log" CAPSIM="$capsim"
sweep="$source_dir/tests/sweep/data/grid.yaml"

"$source_dir/scripts/slurm-sweep.sh" "$sweep" "$work/out" 3 1 > "$work/submitted.txt"
grep -qx "array job: 1001" "$work/submitted.txt"
grep -qx "merge job: 1002" "$work/submitted.txt"
grep -q -- "--array=1-3" "$work/sbatch.log"
grep -q -- "--dependency=afterok:1001" "$work/sbatch.log"
"$capsim" sweep "$sweep" --out "$work/whole" -j 1 >/dev/null
cmp "$work/out/runs.csv" "$work/whole/runs.csv"
cmp "$work/out/runs_summary.csv" "$work/whole/runs_summary.csv"
[ -f "$work/out/shard-3/runs.csv" ]

# The documented "SWEEP OUT SHARDS -- sbatch options" form, without THREADS_PER_TASK: the
# threads default to 2 and the options reach both sbatch calls.
: > "$SBATCH_LOG"
DRY_RUN=1 "$source_dir/scripts/slurm-sweep.sh" "$sweep" "$work/dry" 2 -- --partition=x \
  > "$work/dry.txt"
[ "$(grep -c -- "--partition=x" "$work/dry.txt")" = 2 ]
grep -q -- "--cpus-per-task=2 " "$work/dry.txt"
grep -q -- "-j 2 --shard" "$work/dry.txt"
# And with THREADS_PER_TASK before the "--".
DRY_RUN=1 "$source_dir/scripts/slurm-sweep.sh" "$sweep" "$work/dry" 2 3 -- --partition=x \
  > "$work/dry.txt"
[ "$(grep -c -- "--partition=x" "$work/dry.txt")" = 2 ]
grep -q -- "-j 3 --shard" "$work/dry.txt"

# Monte Carlo replications: each task runs its shard of `capsim run --replications`, the
# merge joins them with --merge; every path reaches sh quoted as one word.
mc_scenario="$source_dir/scenarios/efficiency-10x-uncertain.yaml"
DRY_RUN=1 "$source_dir/scripts/slurm-sweep.sh" --replications 12 "$mc_scenario" "$work/mc" 3 1 \
  > "$work/dry.txt"
capsim_path=$(realpath "$capsim")
grep -qF -- "--array=1-3 --cpus-per-task=1 " "$work/dry.txt"
grep -qF -- "--wrap='$capsim_path' run '$mc_scenario' --replications 12 --out '$work/mc'/shard-\$SLURM_ARRAY_TASK_ID -j 1 --shard \$SLURM_ARRAY_TASK_ID/3" \
  "$work/dry.txt"
grep -qF -- "--wrap='$capsim_path' run '$mc_scenario' --replications 12 --out '$work/mc' --merge '$work/mc/shard-1' --merge '$work/mc/shard-2' --merge '$work/mc/shard-3'" \
  "$work/dry.txt"
status=0
"$source_dir/scripts/slurm-sweep.sh" --replications 0 "$mc_scenario" "$work/mc" 3 \
  2> "$work/usage.txt" || status=$?
[ "$status" = 2 ]
grep -qF -- '--replications: expected a positive whole number, found "0"' "$work/usage.txt"

# A sweep whose base lies outside its folder: refused before anything is queued, then run
# with --allow-path, which reaches the check, every task and the merge.
mkdir -p "$work/elsewhere"
sed "s|^base: base.yaml|base: $source_dir/tests/sweep/data/base.yaml|" "$sweep" \
  > "$work/elsewhere/grid.yaml"
: > "$SBATCH_LOG"
status=0
"$source_dir/scripts/slurm-sweep.sh" "$work/elsewhere/grid.yaml" "$work/outside" 2 1 \
  2> "$work/outside.txt" || status=$?
[ "$status" = 2 ]
grep -qF -- "--allow-path" "$work/outside.txt"
[ ! -s "$SBATCH_LOG" ]
"$source_dir/scripts/slurm-sweep.sh" --allow-path "$source_dir/tests/sweep/data" \
  "$work/elsewhere/grid.yaml" "$work/outside" 2 1 > /dev/null
[ "$(grep -c -- "--allow-path '$(realpath "$source_dir/tests/sweep/data")'" "$SBATCH_LOG")" = 1 ]
cmp "$work/outside/runs.csv" "$work/whole/runs.csv"

# A bad sweep file is refused before anything is queued.
: > "$SBATCH_LOG"
if "$source_dir/scripts/slurm-sweep.sh" "$source_dir/tests/sweep/bad/11-value-wrong-unit.yaml" \
    "$work/bad" 3 2>/dev/null; then
  echo "slurm-sweep.sh accepted a bad sweep" >&2
  exit 1
fi
[ ! -s "$SBATCH_LOG" ]
echo "slurm-sweep.sh: 3 array tasks + merge = one machine's runs.csv; --replications submits run --shard and --merge; a base outside the sweep's folder needs --allow-path; bad sweep queued nothing"
