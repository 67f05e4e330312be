#!/usr/bin/env bash
# scripts/slurm-sweep.sh on a real Slurm, not a stand-in: Debian's slurm-wlm 22.05 and munge
# (scripts/deps.sh installs them), a throwaway cluster of one node on this machine whose
# configuration, munge key, state and logs live in WORK_DIR (under the build folder). Its
# daemons are stopped by pid at the end, pass or fail, and no process of the cluster may
# outlive the test. Each check compares the merged bytes with a one-machine run's:
#   1. a sweep one of whose array tasks is requeued (scontrol requeue) while it runs: the task
#      resumes from its journal, the merge is still the one-machine run;
#   2. Monte Carlo replications (--replications) through the same path, the jobs given no
#      environment but Slurm's variables (as on a compute node that shares nothing);
#   3. a task that fails cancels the merge job, nothing is merged, and the script's documented
#      recovery (fix the cause, run the same command again) merges the one-machine run.
# Paths hold a space and a quote, so the commands' quoting inside sbatch --wrap is tested too.
# Skipped (exit 77) only where the daemons cannot start: not root, or no host name.
# usage: real_slurm_test.sh CAPSIM_BINARY SOURCE_DIR WORK_DIR
set -euo pipefail
export LC_ALL=C
capsim=$(realpath "$1")
source_dir=$(realpath "$2")
work=$(realpath -m "$3")
script="$source_dir/scripts/slurm-sweep.sh"
# Every process of this cluster carries the marker in its environment: the daemons get it
# when started, slurmstepd from slurmd, the jobs from sbatch. The test's own shell does not.
marker="CAPSIM_SLURM_TEST=$work"
started=$SECONDS

skip() {
  echo "SKIPPED: $*"
  exit 77
}
fail() {
  echo "FAILED: $*" >&2
  exit 1
}

# --- The cluster ---------------------------------------------------------------------------

[ "$(id -u)" -eq 0 ] || skip "a throwaway Slurm needs root here (SlurmUser=root, munged's key); CI runs as root"
node=$(hostname -s 2>/dev/null || true)
[ -n "$node" ] || skip "this machine has no host name to name the Slurm node by"
for program in munged munge unmunge slurmctld slurmd sbatch squeue scontrol scancel sinfo; do
  command -v "$program" >/dev/null ||
    fail "$program not found: scripts/deps.sh installs Debian's slurm-wlm and munge"
done

# The pids of every process that carries the marker.
marked_pids() {
  local environ pid
  for environ in /proc/[0-9]*/environ; do
    pid=${environ#/proc/}
    pid=${pid%/environ}
    grep -qzFx "$marker" "$environ" 2>/dev/null && echo "$pid"
  done
  return 0
}

# True while PID runs (a zombie, dead but not yet reaped, does not run).
running() {
  local state
  state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
  [ "$state" != Z ]
}

# Sends SIGTERM, then SIGKILL after 10 s; reaps PID if it is this shell's child.
stop_pid() {
  local pid=$1 tries=0
  kill -TERM "$pid" 2>/dev/null || true
  while running "$pid" && [ $tries -lt 50 ]; do
    sleep 0.2
    tries=$((tries + 1))
  done
  running "$pid" && kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null || true
}

# A run that crashed (or that ctest killed at its timeout) leaves its processes running:
# stop them by pid before the folder is laid anew.
stop_earlier_run() {
  local pids
  pids=$(marked_pids)
  [ -z "$pids" ] && return
  echo "killing processes left by an earlier run in $work: $(echo $pids)"
  kill -KILL $pids 2>/dev/null || true
  for pid in $pids; do
    for _ in $(seq 1 50); do
      running "$pid" || break
      sleep 0.2
    done
  done
}

# A pair of consecutive TCP ports nothing listens on, for slurmctld and slurmd: another
# cluster on this machine (or an earlier run's) keeps its own.
free_port_pair() {
  local port
  for port in $(seq $((20000 + ($$ % 2000) * 10)) 2 $((20000 + ($$ % 2000) * 10 + 200))); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null &&
      ! (exec 3<>"/dev/tcp/127.0.0.1/$((port + 1))") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
  fail "no free pair of TCP ports on 127.0.0.1 near $((20000 + ($$ % 2000) * 10))"
}

write_slurm_conf() {
  local port
  port=$(free_port_pair)
  # The node as slurmd sees this machine (its CPUs, memory), named by the host name.
  local node_line
  node_line=$(slurmd -C | head -n 1 | sed "s/^NodeName=[^ ]*/NodeName=$node/")
  cat > "$work/slurm.conf" <<CONF
# A throwaway one-node cluster for tests/scripts/real_slurm_test.sh. No cgroups, no
# accounting: only what a job array and a dependency need.
ClusterName=capsimtest
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$work/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SwitchType=switch/none
MpiDefault=none
MailProg=/bin/true
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
$node_line NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=main Nodes=$node Default=YES MaxTime=INFINITE State=UP
CONF
}

# NAME COMMAND...: runs the daemon in the foreground of a background job, with the marker,
# and keeps its pid in WORK_DIR/pids/NAME.
start_daemon() {
  local name=$1
  shift
  env "$marker" "$@" > "$work/$name.out" 2>&1 &
  echo $! > "$work/pids/$name"
}

# Fails the test if a daemon it started has exited.
daemons_running() {
  local file
  for file in "$work"/pids/*; do
    [ -f "$file" ] || continue
    running "$(cat "$file")" ||
      fail "${file##*/} exited: $(tail -n 5 "$work/${file##*/}.out")"
  done
}

# SECONDS WHAT COMMAND...: polls COMMAND until it succeeds, or fails the test after SECONDS
# (at once if a daemon has exited).
wait_for() {
  local deadline=$((SECONDS + $1)) what=$2
  shift 2
  until "$@"; do
    daemons_running
    [ $SECONDS -lt $deadline ] || fail "gave up waiting for $what"
    sleep 0.2
  done
}

munge_answers() { munge -n --socket="$work/munge/munge.socket" 2>/dev/null | unmunge --socket="$work/munge/munge.socket" >/dev/null 2>&1; }
node_idle() { [ "$(sinfo -h -n "$node" -o %T 2>/dev/null)" = idle ]; }

start_cluster() {
  mkdir -p "$work/pids" "$work/munge" "$work/state" "$work/spool"
  head -c 1024 /dev/urandom > "$work/munge.key"
  chmod 400 "$work/munge.key"
  start_daemon munged munged --foreground --socket="$work/munge/munge.socket" \
    --key-file="$work/munge.key" --pid-file="$work/munged.pid" \
    --log-file="$work/munged.log" --seed-file="$work/munged.seed"
  wait_for 10 "munged to answer (see $work/munged.out)" munge_answers
  write_slurm_conf
  start_daemon slurmctld slurmctld -D
  start_daemon slurmd slurmd -D -N "$node"
  wait_for 30 "the node to be idle (see $work/slurmctld.out, $work/slurmd.out)" node_idle
}

# Cancels what is still queued, stops the daemons by their pids, and fails the test if any of
# them, or any other process of the cluster (slurmstepd, a job), is still there.
stop_cluster() {
  local status=$? name pid leftovers
  set +e
  trap - EXIT
  if [ -f "$work/pids/slurmctld" ] && running "$(cat "$work/pids/slurmctld")"; then
    scancel --user=root 2>/dev/null || true
    for _ in $(seq 1 100); do
      [ -z "$(squeue -h 2>/dev/null)" ] && break
      sleep 0.2
    done
  fi
  for name in slurmd slurmctld munged; do
    [ -f "$work/pids/$name" ] && stop_pid "$(cat "$work/pids/$name")"
  done
  for name in slurmd slurmctld munged; do
    [ -f "$work/pids/$name" ] || continue
    pid=$(cat "$work/pids/$name")
    if kill -0 "$pid" 2>/dev/null; then
      echo "FAILED: $name (pid $pid) outlived the test" >&2
      status=1
    fi
  done
  leftovers=$(marked_pids)
  if [ -n "$leftovers" ]; then
    echo "FAILED: processes of the test cluster outlived it:" >&2
    ps -o pid,args -p "$(echo $leftovers | tr ' ' ,)" >&2 || true
    for pid in $leftovers; do kill -KILL "$pid" 2>/dev/null || true; done
    status=1
  fi
  [ $status -eq 0 ] || echo "the cluster's logs: $work/*.log, $work/*.out" >&2
  exit $status
}

# --- Jobs ----------------------------------------------------------------------------------

# scontrol's field NAME of job ID (an array task is ARRAY_TASK), e.g. JobState.
job_field() {
  scontrol show job -o "$1" 2>/dev/null | tr ' ' '\n' | sed -n "s/^$2=//p"
}
job_ended() {
  case "$(job_field "$1" JobState)" in
    COMPLETED | FAILED | CANCELLED | TIMEOUT | NODE_FAIL | OUT_OF_MEMORY | BOOT_FAIL) return 0 ;;
    *) return 1 ;;
  esac
}
queue_empty() { [ -z "$(squeue -h)" ]; }

# Runs scripts/slurm-sweep.sh with ARGS, jobs marked; sets array_job and merge_job.
submit() {
  env "$marker" CAPSIM="$capsim" "$script" "$@" > "$work/submitted.txt" 2>"$work/submit.err" ||
    fail "slurm-sweep.sh $*: $(cat "$work/submit.err")"
  array_job=$(sed -n 's/^array job: //p' "$work/submitted.txt")
  merge_job=$(sed -n 's/^merge job: //p' "$work/submitted.txt")
  [[ "$array_job" =~ ^[0-9]+$ && "$merge_job" =~ ^[0-9]+$ ]] ||
    fail "slurm-sweep.sh printed no job ids: $(cat "$work/submitted.txt")"
}

# Waits for the merge job to end and requires it COMPLETED.
expect_merged() {
  local out=$1 state
  wait_for 45 "merge job $merge_job" job_ended "$merge_job"
  state=$(job_field "$merge_job" JobState)
  [ "$state" = COMPLETED ] || fail "merge job $merge_job ended $state: $(cat "$out/logs/"*.log)"
}

# LOCAL MERGED FILE...: the merged files are the one-machine run's bytes.
expect_same_bytes() {
  local local_dir=$1 merged_dir=$2 file
  shift 2
  for file in "$@"; do
    cmp "$local_dir/$file" "$merged_dir/$file" ||
      fail "$merged_dir/$file differs from the one-machine run's $local_dir/$file"
  done
}

# Rows of a journal, its header and a torn last line left out.
journal_rows() {
  [ -f "$1" ] || { echo 0; return; }
  echo $(($(tr -cd '\n' < "$1" | wc -c) - 1))
}

# --- 1. A sweep, one task requeued while it runs -------------------------------------------

# 1,200 runs of the test grid, 400 a shard: a task runs for seconds, long enough to catch.
sweep_with_requeue() {
  local folder="$work/Bob's sweeps" task journal rows
  mkdir -p "$folder"
  # The base beside the sweep: a sweep names files in its own folder (docs/security.md).
  cp "$source_dir/tests/sweep/data/base.yaml" "$folder/base.yaml"
  sed -e 's/^replications: 3$/replications: 200/' \
    "$source_dir/tests/sweep/data/grid.yaml" > "$folder/grid 200.yaml"
  "$capsim" sweep "$folder/grid 200.yaml" --out "$work/local-sweep" -j 2 > /dev/null
  submit "$folder/grid 200.yaml" "$folder/out" 3 1
  task="${array_job}_1"
  journal="$folder/out/shard-1/journal.csv"
  # Requeue task 1 once it runs and has journalled a run, before it finishes.
  first_runs_journalled() {
    local state
    state=$(job_field "$task" JobState)
    job_ended "$task" && fail "task $task ended $state before it could be requeued: $(cat "$folder/out/logs/shard-1.log")"
    [ "$state" = RUNNING ] && [ "$(journal_rows "$journal")" -ge 1 ]
  }
  wait_for 30 "task $task to journal its first run" first_runs_journalled
  [ ! -f "$folder/out/shard-1/runs.csv" ] || fail "task $task finished before it could be requeued"
  scontrol requeue "$task"
  task_pending() { [ "$(job_field "$task" JobState)" = PENDING ]; }
  wait_for 30 "requeued task $task to be pending" task_pending
  rows=$(journal_rows "$journal")
  [ "$rows" -ge 1 ] && [ "$rows" -lt 400 ] || fail "task $task's journal held $rows of 400 runs when requeued"
  # Slurm holds a requeued job back for two minutes (its BeginTime); start it now.
  scontrol update JobId="$task" StartTime=now
  expect_merged "$folder/out"
  [ "$(job_field "$task" Restarts)" = 1 ] || fail "task $task was not restarted"
  grep -q "CANCELLED AT .* DUE TO JOB REQUEUE" "$folder/out/logs/shard-1.log" ||
    fail "shard-1.log shows no requeue: $(cat "$folder/out/logs/shard-1.log")"
  grep -qx "sweep test-grid: 6 points x 200 replications; shard 1/3: 400 runs ($rows resumed)" \
    "$folder/out/logs/shard-1.log" ||
    fail "task $task did not resume its $rows journalled runs: $(cat "$folder/out/logs/shard-1.log")"
  expect_same_bytes "$work/local-sweep" "$folder/out" runs.csv runs_summary.csv report.html manifest.yaml
  echo "1. sweep: task $task requeued after $rows of 400 runs, resumed them; merge = one machine's bytes"
}

# --- 2. Monte Carlo replications -----------------------------------------------------------

replications_through_slurm() {
  local scenario="$source_dir/scenarios/efficiency-10x-uncertain.yaml" out="$work/Bob's sweeps/mc"
  "$capsim" run "$scenario" --replications 12 -j 2 --out "$work/local-mc" > /dev/null
  # --export with one variable: the job gets it and Slurm's own, no PATH, no HOME.
  submit --replications 12 "$scenario" "$out" 3 1 -- --export="$marker"
  expect_merged "$out"
  # timeseries (the fleet's, the sites' and the clusters'), yearly, buildout, quantiles,
  # replications, drivers, report, summary
  local files=(buildout.csv drivers.csv replications.csv report.html summary.json timeseries.csv
               timeseries_clusters.csv timeseries_quantiles.csv timeseries_sites.csv yearly.csv)
  [ "$(cd "$work/local-mc" && ls)" = "$(printf '%s\n' "${files[@]}")" ] ||
    fail "the one-machine Monte Carlo run wrote $(ls "$work/local-mc" | tr '\n' ' ')"
  expect_same_bytes "$work/local-mc" "$out" "${files[@]}"
  echo "2. replications: 12 in 3 array tasks, merged = one machine's 10 files"
}

# --- 3. A failing task, and the documented recovery ----------------------------------------

failing_task_and_recovery() {
  local sweep="$source_dir/tests/sweep/data/grid.yaml" out="$work/Bob's sweeps/failing" state
  "$capsim" sweep "$sweep" --out "$work/local-grid" -j 2 > /dev/null
  # A file where task 2's folder goes: `capsim sweep` cannot create it and exits 2.
  mkdir -p "$out"
  touch "$out/shard-2"
  submit "$sweep" "$out" 3 1
  wait_for 45 "merge job $merge_job to be cancelled" job_ended "$merge_job"
  state="$(job_field "$merge_job" JobState) $(job_field "$merge_job" Reason)"
  [ "$state" = "CANCELLED DependencyNeverSatisfied" ] ||
    fail "merge job $merge_job after a failed task: expected CANCELLED DependencyNeverSatisfied, found $state"
  [ "$(job_field "${array_job}_2" JobState) $(job_field "${array_job}_2" ExitCode)" = "FAILED 2:0" ] ||
    fail "task ${array_job}_2: expected FAILED 2:0"
  grep -qF "capsim sweep: cannot create directory '$out/shard-2': '$out/shard-2' exists and is not a directory" \
    "$out/logs/shard-2.log" || fail "shard-2.log: $(cat "$out/logs/shard-2.log")"
  [ ! -e "$out/runs.csv" ] || fail "a merge ran after a failed task"
  # The recovery scripts/slurm-sweep.sh documents: fix the cause, wait until squeue shows
  # none of the array's tasks, run the same command again.
  rm "$out/shard-2"
  wait_for 30 "the array's tasks to leave the queue" queue_empty
  submit "$sweep" "$out" 3 1
  expect_merged "$out"
  grep -qx "sweep test-grid: 6 points x 3 replications; shard 1/3: 6 runs (6 resumed)" \
    "$out/logs/shard-1.log" || fail "shard 1 ran again instead of reusing its journal"
  expect_same_bytes "$work/local-grid" "$out" runs.csv runs_summary.csv report.html manifest.yaml
  echo "3. failing task: merge job cancelled, nothing merged; run again: merge = one machine's bytes"
}

trap 'exit 130' INT TERM
stop_earlier_run
rm -rf "$work"
mkdir -p "$work"
trap stop_cluster EXIT
export SLURM_CONF="$work/slurm.conf"
start_cluster
echo "Slurm $(sinfo -V | cut -d' ' -f2): node $node up after $((SECONDS - started)) s"
sweep_with_requeue
replications_through_slurm
failing_task_and_recovery
echo "done in $((SECONDS - started)) s"
