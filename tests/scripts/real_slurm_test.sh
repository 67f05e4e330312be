#!/usr/bin/env bash
# scripts/slurm-sweep.sh on a real Slurm (Debian's slurm-wlm and munge, which scripts/deps.sh
# installs): a throwaway one-node cluster on localhost, its configuration, munge key, state and
# logs under WORK_DIR, its daemons stopped by their pids at the end, even on failure. Checks:
# 1. a sweep as a 3-task array and a merge job gives the bytes of a one-machine run;
# 2. the same with one task requeued while it runs (scontrol requeue);
# 3. a task that fails keeps the merge job from ever running, and the documented recovery
#    (scancel the merge job, fix the cause, run the same command again) gives the same bytes;
# 4. Monte Carlo replications through the same path give a one-machine run's files.
# Skipped (exit 77) only where the daemons cannot start: not root, or no host name.
# usage: real_slurm_test.sh CAPSIM_BINARY SOURCE_DIR WORK_DIR
set -euo pipefail
capsim=$(realpath "$1")
source_dir=$(realpath "$2")
work=$(realpath -m "$3")

if [ "$(id -u)" -ne 0 ]; then
  echo "SKIP: a throwaway Slurm needs root (slurmd runs jobs as their users)"
  exit 77
fi
host=$(hostname 2>/dev/null || true)
if [ -z "$host" ]; then
  echo "SKIP: no host name for the Slurm node"
  exit 77
fi
for daemon in munged slurmctld slurmd sbatch scontrol squeue scancel; do
  command -v "$daemon" >/dev/null || {
    echo "no $daemon: scripts/deps.sh installs slurm-wlm and munge" >&2
    exit 1
  }
done

# Daemons left by a run that was killed before its cleanup: stopped by their recorded pids.
stop_recorded() {
  for pid_file in "$work"/run/*.pid; do
    [ -f "$pid_file" ] || continue
    local pid
    pid=$(cat "$pid_file")
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
  done
}
stop_recorded
rm -rf "$work"
mkdir -p "$work"/{run,state,spool,log,out}
export SLURM_CONF="$work/slurm.conf"

# Ports of this run's own, away from a real Slurm's 6817/6818.
port=$((20000 + ($$ % 20000) * 2))
cat > "$SLURM_CONF" <<EOF
ClusterName=capsimtest
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$port
SlurmdPort=$((port + 1))
AuthType=auth/munge
AuthInfo=socket=$work/run/munge.sock
CredType=cred/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/run/slurmctld.pid
SlurmdPidFile=$work/run/slurmd.pid
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
SwitchType=switch/none
ReturnToService=2
MinJobAge=600
NodeName=$host CPUs=$(nproc) State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
dd if=/dev/urandom of="$work/munge.key" bs=1024 count=1 2>/dev/null
chmod 400 "$work/munge.key"

cleanup() {
  local status=$?
  scancel --quiet --user=root 2>/dev/null || true
  for _ in $(seq 1 50); do [ -z "$(squeue -h 2>/dev/null)" ] && break; sleep 0.1; done
  local pids=()
  for name in slurmd slurmctld munged; do
    [ -f "$work/run/$name.pid" ] && pids+=("$(cat "$work/run/$name.pid")")
  done
  stop_recorded
  for pid in "${pids[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      echo "a Slurm daemon outlived the test: pid $pid" >&2
      status=1
    fi
  done
  if [ "$status" -ne 0 ]; then
    echo "--- slurmctld log (tail)" >&2
    tail -n 20 "$work/log/slurmctld.log" >&2 2>/dev/null || true
  fi
  exit "$status"
}
trap cleanup EXIT

munged --force --socket="$work/run/munge.sock" --key-file="$work/munge.key" \
  --pid-file="$work/run/munged.pid" --log-file="$work/log/munged.log" \
  --seed-file="$work/run/munge.seed"
slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF"
for _ in $(seq 1 100); do
  [ "$(sinfo -h -o %t 2>/dev/null)" = idle ] && break
  sleep 0.2
done
[ "$(sinfo -h -o %t)" = idle ] || { echo "the Slurm node never came up" >&2; exit 1; }
echo "Slurm up on $host (ports $port, $((port + 1))): $(sinfo -h -o '%P %D %t %c')"

# Polls until no job of this cluster is pending or running (at most 120 s).
wait_for_queue() {
  for _ in $(seq 1 600); do
    [ -z "$(squeue -h -t PENDING,RUNNING,CONFIGURING,COMPLETING 2>/dev/null)" ] && return 0
    sleep 0.2
  done
  echo "jobs still queued after 120 s:" >&2
  squeue >&2
  return 1
}
job_state() { scontrol show job "$1" | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' | head -1; }
job_reason() { scontrol show job "$1" | sed -n 's/.*Reason=\([A-Za-z_]*\).*/\1/p' | head -1; }
submitted() { sed -n "s/^$1 job: //p" "$2"; }

sweep="$source_dir/tests/sweep/data/grid.yaml"
"$capsim" sweep "$sweep" --out "$work/out/local" -j 2 >/dev/null
same_as_local() {
  cmp "$work/out/local/runs.csv" "$1/runs.csv"
  cmp "$work/out/local/runs_summary.csv" "$1/runs_summary.csv"
}

# 1. A sweep through Slurm.
CAPSIM="$capsim" "$source_dir/scripts/slurm-sweep.sh" "$sweep" "$work/out/plain" 3 1 \
  > "$work/plain.txt"
squeue -r
wait_for_queue
[ "$(job_state "$(submitted merge "$work/plain.txt")")" = COMPLETED ]
same_as_local "$work/out/plain"
echo "1. sweep: 3 array tasks and the merge job give the one-machine runs.csv and runs_summary.csv"

# 2. One task requeued while it runs. The stand-in binary waits 3 s first, so that the task is
# surely running when it is requeued. Slurm holds a requeued job back (Reason=BeginTime);
# releasing it at once is what an operator in a hurry does.
cat > "$work/capsim-slow" <<EOF
#!/bin/sh
sleep 3
exec '$capsim' "\$@"
EOF
chmod +x "$work/capsim-slow"
CAPSIM="$work/capsim-slow" "$source_dir/scripts/slurm-sweep.sh" "$sweep" "$work/out/requeued" 3 1 \
  > "$work/requeued.txt"
array=$(submitted array "$work/requeued.txt")
for _ in $(seq 1 150); do
  [ "$(squeue -h -r -j "$array" -o '%i %t' | awk -v task="${array}_2" '$1 == task {print $2}')" = R ] &&
    break
  sleep 0.1
done
scontrol requeue "${array}_2"
for _ in $(seq 1 100); do
  [ "$(job_state "${array}_2")" = PENDING ] && break
  sleep 0.1
done
scontrol update jobid="${array}_2" StartTime=now
wait_for_queue
scontrol show job "${array}_2" | grep -q "Restarts=1"
[ "$(job_state "$(submitted merge "$work/requeued.txt")")" = COMPLETED ]
same_as_local "$work/out/requeued"
echo "2. requeue: task 2 requeued while running (Restarts=1); the merged bytes are the same"

# 3. A task that fails: the merge job never runs. Recovery as documented in the script.
cat > "$work/capsim-fails-2" <<EOF
#!/bin/sh
[ "\${SLURM_ARRAY_TASK_ID:-}" = 2 ] && { echo "task 2 fails" >&2; exit 1; }
exec '$capsim' "\$@"
EOF
chmod +x "$work/capsim-fails-2"
CAPSIM="$work/capsim-fails-2" "$source_dir/scripts/slurm-sweep.sh" "$sweep" "$work/out/failed" 3 1 \
  > "$work/failed.txt"
merge=$(submitted merge "$work/failed.txt")
for _ in $(seq 1 300); do
  [ "$(job_reason "$merge")" = DependencyNeverSatisfied ] && break
  sleep 0.2
done
[ "$(job_state "$merge")" = PENDING ]
[ "$(job_reason "$merge")" = DependencyNeverSatisfied ]
[ ! -f "$work/out/failed/runs.csv" ]
scancel "$merge"
CAPSIM="$capsim" "$source_dir/scripts/slurm-sweep.sh" "$sweep" "$work/out/failed" 3 1 \
  > "$work/recovered.txt"
wait_for_queue
[ "$(job_state "$(submitted merge "$work/recovered.txt")")" = COMPLETED ]
grep -q "(6 resumed)" "$work/out/failed/logs/shard-1.log"
same_as_local "$work/out/failed"
echo "3. failure: the merge job waits for ever (DependencyNeverSatisfied); scancel and the same"
echo "   command again resume the finished shards from their journals and merge the same bytes"

# 4. Monte Carlo replications through the same path.
scenario="$source_dir/scenarios/meta-2025-60b-uncertain.yaml"
"$capsim" run "$scenario" --replications 8 -j 2 --no-report --out "$work/out/mc-local" >/dev/null
CAPSIM="$capsim" "$source_dir/scripts/slurm-sweep.sh" --replications 8 "$scenario" \
  "$work/out/mc" 3 1 -- --export=ALL > "$work/mc.txt"
wait_for_queue
[ "$(job_state "$(submitted merge "$work/mc.txt")")" = COMPLETED ]
checked=0
for file in "$work/out/mc-local"/*; do
  name=$(basename "$file")
  [ "$name" = report.html ] && continue
  cmp "$file" "$work/out/mc/$name"
  checked=$((checked + 1))
done
[ "$checked" -ge 4 ]
echo "4. replications: 8 in 3 array tasks and the merge job give the one-machine files ($checked compared)"
