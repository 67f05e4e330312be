#!/usr/bin/env bash
# Submits a capsim sweep, or a Monte Carlo run's replications, to Slurm as a job array, one
# shard per array task, and a merge job that runs once every task has succeeded
# (docs/sweeps.md, "Slurm").
#
#   scripts/slurm-sweep.sh [--allow-path DIR]... SWEEP.yaml OUT_DIR SHARDS [THREADS_PER_TASK] [-- extra sbatch options]
#   scripts/slurm-sweep.sh [--allow-path DIR]... --replications N SCENARIO.yaml OUT_DIR SHARDS [THREADS_PER_TASK] [-- ...]
#
# --allow-path DIR (repeatable) reaches every capsim command of the check, the tasks and the
# merge: a folder besides the input's own and capsim's scenarios/ whose files the input may
# name (docs/security.md).
#
# Sweep: task k (SLURM_ARRAY_TASK_ID = 1..SHARDS) runs `capsim sweep SWEEP --shard k/SHARDS`
# into OUT_DIR/shard-k; a task that is preempted or requeued resumes from its journal. The
# merge job writes OUT_DIR/runs.csv and OUT_DIR/runs_summary.csv, the same bytes as one
# machine's run.
# Replications: task k runs `capsim run SCENARIO --replications N --shard k/SHARDS` into
# OUT_DIR/shard-k (a requeued task runs its shard again); the merge job writes into OUT_DIR
# what `capsim run SCENARIO --replications N --out OUT_DIR` writes on one machine.
#
# OUT_DIR must be on a file system every node sees. CAPSIM (default: build/release/capsim under
# this repository) names the binary; it must run on the compute nodes. Prints the two job ids.
# Set DRY_RUN=1 to print the sbatch commands instead of submitting.
#
# A task that fails cancels the merge job (--kill-on-invalid-dep=yes), so nothing half-merged
# is written. To recover: read OUT_DIR/logs/shard-K.log, fix the cause, wait until squeue
# shows none of the array's tasks, and run the same command again. A sweep's finished shards
# reread their journals and end at once, the failed one resumes; a replications shard runs
# again whole.
set -euo pipefail

usage() {
  echo "usage: $0 [--allow-path DIR]... [--replications N] SWEEP_OR_SCENARIO.yaml OUT_DIR SHARDS [THREADS_PER_TASK] [-- sbatch options...]" >&2
  exit 2
}
# A whole number >= 1, or a usage error naming the argument.
require_count() {
  [[ "$2" =~ ^[1-9][0-9]*$ ]] || { echo "$0: $1: expected a positive whole number, found \"$2\"" >&2; exit 2; }
}
# One word for /bin/sh, whatever it holds: sbatch --wrap hands the command to sh, so a path
# with a space, a quote or a $ must reach capsim unchanged.
sh_quote() {
  printf "'%s'" "${1//\'/\'\\\'\'}"
}

replications=""
allowed=()
while [ "${1:-}" = "--replications" ] || [ "${1:-}" = "--allow-path" ]; do
  [ $# -ge 2 ] || usage
  if [ "$1" = "--replications" ]; then
    replications=$2
    require_count "--replications" "$replications"
  else
    # Absolute, as the jobs may start in another folder.
    allowed+=(--allow-path "$(realpath -m "$2")")
  fi
  shift 2
done
[ $# -ge 3 ] || usage
input_arg=$1
input=$(realpath -m "$1")
out=$(realpath -m "$2")
shards=$3
threads=""
shift 3
[ $# -gt 0 ] && [ "$1" != "--" ] && { threads=$1; shift; }
[ $# -gt 0 ] && [ "$1" = "--" ] && shift
extra=("$@")
threads=${threads:-2}
require_count SHARDS "$shards"
require_count THREADS_PER_TASK "$threads"
kind=sweep
[ -n "$replications" ] && kind=scenario
[ -f "$input" ] || { echo "$0: no $kind file \"$input_arg\"" >&2; exit 2; }
capsim=$(realpath -m "${CAPSIM:-$(dirname "$0")/../build/release/capsim}")
[ -x "$capsim" ] || { echo "$0: no capsim binary at $capsim (build it, or set CAPSIM)" >&2; exit 2; }

# Check the file before anything is queued: a typo should not wait in the queue.
if [ -n "$replications" ]; then
  "$capsim" validate "$input" "${allowed[@]}" >&2 || exit 2
else
  "$capsim" sweep "$input" --check "${allowed[@]}" >&2 || exit 2
fi
[ "${DRY_RUN:-0}" = 1 ] || mkdir -p "$out/logs"

# The task's and the merge's command lines, for sh on the compute node.
task_folder="$(sh_quote "$out")/shard-\$SLURM_ARRAY_TASK_ID"
allow_words=""
for ((i = 1; i < ${#allowed[@]}; i += 2)); do allow_words+=" --allow-path $(sh_quote "${allowed[i]}")"; done
shard_folders=()
for k in $(seq 1 "$shards"); do shard_folders+=("$(sh_quote "$out/shard-$k")"); done
if [ -n "$replications" ]; then
  run="$(sh_quote "$capsim") run $(sh_quote "$input") --replications $replications$allow_words"
  task="$run --out $task_folder -j $threads --shard \$SLURM_ARRAY_TASK_ID/$shards"
  merge="$run --out $(sh_quote "$out")$(printf ' --merge %s' "${shard_folders[@]}")"
else
  task="$(sh_quote "$capsim") sweep $(sh_quote "$input")$allow_words --out $task_folder -j $threads --shard \$SLURM_ARRAY_TASK_ID/$shards"
  merge="$(sh_quote "$capsim") merge --out $(sh_quote "$out") ${shard_folders[*]}"
fi

sbatch=(sbatch)
[ "${DRY_RUN:-0}" = 1 ] && sbatch=(echo sbatch)
# --open-mode=append: a requeued task's log keeps its earlier attempts.
array_job=$("${sbatch[@]}" --parsable "${extra[@]}" \
  --job-name=capsim-sweep --array="1-$shards" --cpus-per-task="$threads" \
  --output="$out/logs/shard-%a.log" --open-mode=append --requeue \
  --wrap="$task")
[ "${DRY_RUN:-0}" = 1 ] && { echo "$array_job"; array_job=ARRAY_JOB_ID; }
merge_job=$("${sbatch[@]}" --parsable "${extra[@]}" \
  --job-name=capsim-merge --dependency="afterok:$array_job" --kill-on-invalid-dep=yes \
  --cpus-per-task=1 --output="$out/logs/merge.log" --open-mode=append \
  --wrap="$merge")
[ "${DRY_RUN:-0}" = 1 ] && { echo "$merge_job"; merge_job=MERGE_JOB_ID; }
echo "array job: $array_job"
echo "merge job: $merge_job"
