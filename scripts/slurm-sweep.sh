#!/usr/bin/env bash
# Submits a capsim sweep to Slurm as a job array, one shard per array task, and a merge job
# that runs once every task has succeeded (docs/sweeps.md, "Many machines").
#
#   scripts/slurm-sweep.sh SWEEP.yaml OUT_DIR SHARDS [THREADS_PER_TASK] [-- extra sbatch options]
#
# Task k (SLURM_ARRAY_TASK_ID = 1..SHARDS) runs `capsim sweep SWEEP --shard k/SHARDS` into
# OUT_DIR/shard-k; a task that is preempted or requeued resumes from its journal. The merge
# job writes OUT_DIR/runs.csv and OUT_DIR/runs_summary.csv, the same bytes as one machine's
# run. OUT_DIR must be on a file system every node sees. CAPSIM (default: build/release/capsim
# under this repository) names the binary; it must run on the compute nodes.
# Prints the two job ids. Set DRY_RUN=1 to print the sbatch commands instead of submitting.
set -euo pipefail

usage() {
  echo "usage: $0 SWEEP.yaml OUT_DIR SHARDS [THREADS_PER_TASK] [-- sbatch options...]" >&2
  exit 2
}
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
[ -f "$sweep" ] || { echo "$0: no sweep file \"$1\"" >&2; exit 2; }
capsim=$(realpath -m "${CAPSIM:-$(dirname "$0")/../build/release/capsim}")
[ -x "$capsim" ] || { echo "$0: no capsim binary at $capsim (build it, or set CAPSIM)" >&2; exit 2; }

# Check the sweep file before anything is queued: a typo should not wait in the queue.
"$capsim" sweep "$sweep" --check >&2 || exit 2
mkdir -p "$out/logs"

sbatch=(sbatch)
[ "${DRY_RUN:-0}" = 1 ] && sbatch=(echo sbatch)
array_job=$("${sbatch[@]}" --parsable "${extra[@]}" \
  --job-name=capsim-sweep --array="1-$shards" --cpus-per-task="$threads" \
  --output="$out/logs/shard-%a.log" --requeue \
  --wrap="'$capsim' sweep '$sweep' --out \"$out/shard-\$SLURM_ARRAY_TASK_ID\" -j $threads --shard \$SLURM_ARRAY_TASK_ID/$shards")
[ "${DRY_RUN:-0}" = 1 ] && { echo "$array_job"; array_job=ARRAY_JOB_ID; }
shard_dirs=""
for k in $(seq 1 "$shards"); do shard_dirs+=" '$out/shard-$k'"; done
merge_job=$("${sbatch[@]}" --parsable "${extra[@]}" \
  --job-name=capsim-merge --dependency="afterok:$array_job" --cpus-per-task=1 \
  --output="$out/logs/merge.log" \
  --wrap="'$capsim' merge --out '$out'$shard_dirs")
echo "array job: $array_job"
echo "merge job: $merge_job"
