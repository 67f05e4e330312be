#!/usr/bin/env bash
# Submits a capsim sweep, or a scenario's Monte Carlo replications, to Slurm as a job array,
# one shard per array task, and a merge job that runs once every task has succeeded
# (docs/sweeps.md, "Many machines").
#
#   scripts/slurm-sweep.sh SWEEP.yaml OUT_DIR SHARDS [THREADS_PER_TASK] [-- extra sbatch options]
#   scripts/slurm-sweep.sh --replications N SCENARIO.yaml OUT_DIR SHARDS [THREADS_PER_TASK] [-- ...]
#
# Task k (SLURM_ARRAY_TASK_ID = 1..SHARDS) runs `capsim sweep SWEEP --shard k/SHARDS` (or
# `capsim run SCENARIO --replications N --shard k/SHARDS`) into OUT_DIR/shard-k; a sweep task
# that is preempted or requeued resumes from its journal, a replications task runs its share
# again. The merge job writes into OUT_DIR the same bytes as one machine's run: runs.csv and
# runs_summary.csv of a sweep, or the Monte Carlo run's files.
# A task that fails leaves the merge job pending for ever (DependencyNeverSatisfied): fix the
# cause, `scancel` the merge job and run the same command again; finished sweep shards resume
# from their journals at once. OUT_DIR must be on a file system every node sees. CAPSIM (default: build/release/capsim
# under this repository) names the binary; it must run on the compute nodes.
# Prints the two job ids. Set DRY_RUN=1 to print the sbatch commands instead of submitting.
set -euo pipefail

usage() {
  echo "usage: $0 [--replications N] SWEEP_OR_SCENARIO.yaml OUT_DIR SHARDS [THREADS_PER_TASK] [-- sbatch options...]" >&2
  exit 2
}
replications=""
if [ "${1:-}" = "--replications" ]; then
  [ $# -ge 2 ] || usage
  replications=$2
  shift 2
  [[ "$replications" =~ ^[1-9][0-9]*$ ]] || { echo "$0: --replications: expected a positive whole number, found \"$replications\"" >&2; exit 2; }
fi
[ $# -ge 3 ] || usage
sweep=$(realpath "$1")
out=$(realpath -m "$2")
shards=$3
threads=""
shift 3
[ $# -gt 0 ] && [ "$1" != "--" ] && { threads=$1; shift; }
[ $# -gt 0 ] && [ "$1" = "--" ] && shift
extra=("$@")
threads=${threads:-2}
[[ "$shards" =~ ^[1-9][0-9]*$ ]] || { echo "$0: SHARDS: expected a positive whole number, found \"$shards\"" >&2; exit 2; }
[[ "$threads" =~ ^[1-9][0-9]*$ ]] || { echo "$0: THREADS_PER_TASK: expected a positive whole number, found \"$threads\"" >&2; exit 2; }
[ -f "$sweep" ] || { echo "$0: no ${replications:+scenario}${replications:-sweep} file \"$1\"" >&2; exit 2; }
capsim=$(realpath -m "${CAPSIM:-$(dirname "$0")/../build/release/capsim}")
[ -x "$capsim" ] || { echo "$0: no capsim binary at $capsim (build it, or set CAPSIM)" >&2; exit 2; }

# Check the file before anything is queued: a typo should not wait in the queue.
if [ -n "$replications" ]; then
  "$capsim" validate "$sweep" >&2 || exit 2
  task_command="'$capsim' run '$sweep' --replications $replications --no-report"
  merge_command="'$capsim' run '$sweep' --replications $replications"
  merge_flag="--merge "
else
  "$capsim" sweep "$sweep" --check >&2 || exit 2
  task_command="'$capsim' sweep '$sweep'"
  merge_command="'$capsim' merge"
  merge_flag=""
fi
mkdir -p "$out/logs"

sbatch=(sbatch)
[ "${DRY_RUN:-0}" = 1 ] && sbatch=(echo sbatch)
array_job=$("${sbatch[@]}" --parsable "${extra[@]}" \
  --job-name=capsim-sweep --array="1-$shards" --cpus-per-task="$threads" \
  --output="$out/logs/shard-%a.log" --requeue \
  --wrap="$task_command --out \"$out/shard-\$SLURM_ARRAY_TASK_ID\" -j $threads --shard \$SLURM_ARRAY_TASK_ID/$shards")
[ "${DRY_RUN:-0}" = 1 ] && { echo "$array_job"; array_job=ARRAY_JOB_ID; }
shard_dirs=""
for k in $(seq 1 "$shards"); do shard_dirs+=" $merge_flag'$out/shard-$k'"; done
merge_job=$("${sbatch[@]}" --parsable "${extra[@]}" \
  --job-name=capsim-merge --dependency="afterok:$array_job" --cpus-per-task=1 \
  --output="$out/logs/merge.log" \
  --wrap="$merge_command --out '$out'$shard_dirs")
echo "array job: $array_job"
echo "merge job: $merge_job"
