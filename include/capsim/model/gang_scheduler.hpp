#pragma once
/// Gang scheduling of training jobs on clusters of GPUs: a job runs only when all the GPUs it
/// asks for are free on one cluster at once. Policies: FIFO, priority, and EASY backfill (the
/// job at the head of the queue gets a reservation at the earliest time enough GPUs will be
/// free; later jobs may jump ahead only if they do not delay that reservation).
///
/// Jobs are counts and times, never GPU objects: a cluster is a capacity and a sorted set of
/// the end times of what runs on it.

#include <cstdint>
#include <optional>
#include <set>
#include <vector>

#include "capsim/engine/engine.hpp"
#include "capsim/model/inputs.hpp"

namespace capsim {

/// One job as the scheduler sees it: a gang of `gpus` for `duration` once started.
struct GangJob {
  Tick submit = 0;
  std::int64_t gpus = 1;
  Tick duration = 0;
  std::int64_t priority = 0;
  std::optional<std::size_t> cluster;  ///< pinned to one cluster; none: any that fits
};

/// What happened to a job.
struct GangJobOutcome {
  std::optional<Tick> start;
  std::optional<Tick> end;
  std::size_t cluster = 0;
  /// EASY backfill: the start the job was promised when it first reached the head of the
  /// queue (absent under FIFO and priority, or if it started without waiting there).
  std::optional<Tick> first_reservation;
  Tick wait() const { return start ? *start : 0; }
};

struct GangSchedulerOptions {
  SchedulerPolicy policy = SchedulerPolicy::fifo;
  /// How many queued jobs behind the head a backfill pass considers (as Slurm's
  /// bf_max_job_test): bounds the cost of a pass on a long queue.
  std::size_t backfill_window = 1000;
};

/// Runs a fixed set of jobs on clusters of fixed capacity to completion on its own engine.
/// Deterministic: ties go to the earlier submit, then the lower job index. Throws
/// std::invalid_argument for a job that can never run (more GPUs than any cluster it may use,
/// or a pin to no cluster). O(events × (log n + window)).
std::vector<GangJobOutcome> schedule_gang_jobs(const std::vector<std::int64_t>& cluster_gpus,
                                               const std::vector<GangJob>& jobs,
                                               const GangSchedulerOptions& options);

}  // namespace capsim
