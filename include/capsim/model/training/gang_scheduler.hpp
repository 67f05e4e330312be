#pragma once
/// Gang scheduling of training jobs on clusters of GPUs: a job runs only when all the GPUs it
/// asks for are free on one cluster at once. Policies: FIFO, priority, and EASY backfill (the
/// job at the head of the queue gets a reservation at the earliest time enough GPUs will be
/// free; later jobs may jump ahead only if they do not delay that reservation). Tenants may
/// share by quota (a tenant never holds more than its share of the GPUs) or by fair share (the
/// queue is ordered by the GPU-hours each tenant has used so far for its share).
///
/// Jobs are counts and times, never GPU objects: a cluster is a capacity and a sorted set of
/// the end times of what runs on it.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "capsim/engine/engine.hpp"
#include "capsim/model/inputs.hpp"
#include "capsim/model/training/pending_queue.hpp"
#include "capsim/model/training/release_profile.hpp"

namespace capsim {

/// One job as the scheduler sees it: a gang of `gpus` for `duration` once started.
struct GangJob {
  Tick submit = 0;
  std::int64_t gpus = 1;
  /// Elastic jobs: the fewest GPUs the job can run on (0: rigid, only `gpus`). A job that does
  /// not fit whole starts shrunk on the most GPUs free on one cluster, if at least this many.
  std::int64_t min_gpus = 0;
  Tick duration = 0;
  std::int64_t priority = 0;
  std::size_t tenant = 0;
  std::optional<std::size_t> cluster;  ///< pinned to one cluster; none: any that fits
  bool held = false;        ///< waits for release() (dependencies), not for its submit tick
  bool preemptible = true;  ///< preempt() may stop it to give its GPUs to serving
};

/// What happened to a job.
struct GangJobOutcome {
  std::optional<Tick> start;  ///< of the current or last run; none while queued
  std::optional<Tick> end;
  std::optional<Tick> first_start;  ///< of the first run: the job's wait ends here
  std::int64_t preemptions = 0;     ///< runs stopped by preempt() and queued again
  std::size_t cluster = 0;  ///< where it ran (the first of its pieces when it spanned several)
  std::int64_t gpus = 0;    ///< GPUs it ran on (fewer than asked when an elastic job shrank)
  /// (cluster, GPUs) of each part of a job spanning clusters; one piece for most jobs.
  std::vector<std::pair<std::size_t, std::int64_t>> pieces;
  /// EASY backfill: the start the job was promised when it first reached the head of the
  /// queue (absent under FIFO and priority, or if it started without waiting there).
  std::optional<Tick> first_reservation;
};

/// Slurm's default for bf_max_job_test, the jobs each backfill cycle examines: 100 (slurm.conf
/// man page, SchedulerParameters, Slurm 23.02 and 24.05; Slurm Scheduling Configuration Guide,
/// slurm.schedmd.com/sched_config.html, 2024).
inline constexpr std::size_t kDefaultBackfillDepth = 100;
inline constexpr std::size_t kUnlimitedBackfillDepth = SIZE_MAX;

struct GangSchedulerOptions {
  SchedulerPolicy policy = SchedulerPolicy::fifo;
  /// How many queued jobs behind the head a pass considers for starting out of order (EASY
  /// backfill, and jobs passing a head held by its quota), as Slurm's bf_max_job_test: bounds
  /// the cost of a pass whatever the backlog. kUnlimitedBackfillDepth examines every job.
  std::size_t backfill_depth = kDefaultBackfillDepth;
  SharingPolicy sharing = SharingPolicy::none;
  /// Entitled share of all GPUs per tenant index (for quota and fair share).
  std::vector<double> tenant_shares;
  /// A job no single cluster can hold may span clusters of one group (the same accelerator at
  /// the same site), taking free GPUs from them in index order.
  bool cross_cluster = false;
};

/// Told when jobs start and end (the model that owns the scheduler keeps its books), and asked
/// how long a job runs on a cluster (its parts and fabric decide).
class GangSchedulerListener {
 public:
  virtual ~GangSchedulerListener() = default;
  /// The job's pieces are in outcomes()[job].pieces.
  virtual void job_started(std::size_t job) = 0;
  virtual void job_ended(std::size_t job) = 0;
  /// The run was stopped by preempt() or interrupt(): its GPUs are free again and it is back
  /// in the queue. The pieces and start of the stopped run are still in outcomes()[job]
  /// during the call.
  virtual void job_stopped(std::size_t job) = 0;
  /// Ticks the job runs once started on `gpus` GPUs of `cluster`: the whole run, or after a
  /// preemption what is left of it. The same answer every time it is asked between two
  /// preemptions of the job.
  virtual Tick job_duration(std::size_t job, std::size_t cluster, std::int64_t gpus) = 0;
};

/// A scheduler living on an engine it shares with other components. Capacities may change
/// while jobs run (installs, failures, retirements): running jobs keep their GPUs, and new
/// starts wait until enough are free again.
class GangScheduler final : public EventHandler {
 public:
  /// `jobs` must outlive the scheduler; each is submitted at its submit tick (>= now).
  /// `groups[c]` is cluster c's group for cross-cluster jobs (empty: each its own group).
  GangScheduler(Engine& engine, std::vector<std::int64_t> capacity,
                const std::vector<GangJob>& jobs, GangSchedulerOptions options,
                GangSchedulerListener* listener = nullptr, std::vector<std::size_t> groups = {});

  void on_event(Engine& engine, const Event& event) override;

  /// Changes a cluster's usable GPUs from now on.
  void set_capacity(std::size_t cluster, std::int64_t gpus);
  /// Submits a held job now (its dependencies are done), or at its submit tick if later.
  void release(std::size_t job);
  /// Stops preemptible running jobs with GPUs on `cluster` until at least `gpus` of its GPUs
  /// are free, and queues them again (they keep their place by priority and submission). The
  /// lowest priority goes first, then the most recently started (the least work at stake).
  /// Returns the GPUs of `cluster` freed, which may fall short when too few jobs may be
  /// stopped. Stopped jobs' pieces on other clusters are freed too. The caller lowers the
  /// cluster's capacity before the next pass, or the jobs start again on the GPUs they left.
  /// O(running jobs on the cluster · log).
  std::int64_t preempt(std::size_t cluster, std::int64_t gpus);
  /// Stops a running job (a GPU under it failed) and queues it again, in its place by priority
  /// and submission, to restart when enough healthy GPUs are free. Not a preemption. O(log).
  void interrupt(std::size_t job);
  /// The running job holding the GPU at `share` (in [0, 1)) of the cluster's GPUs in use, the
  /// jobs laid end to end in index order: a job is found in proportion to the GPUs it holds
  /// there. None when no job runs there. O(running jobs on the cluster).
  std::optional<std::size_t> job_at(std::size_t cluster, double share) const;
  /// Jobs on the cluster, most recently started first (least work at stake) after the lowest
  /// priority, for stopping when GPUs are lost under them.
  std::vector<std::size_t> stopping_order(std::size_t cluster, bool preemptible_only) const;
  /// A new cluster (GPUs bought during the run) in a group; returns its index.
  std::size_t add_cluster(std::int64_t gpus, std::size_t group);
  std::size_t clusters() const { return clusters_.size(); }
  std::int64_t capacity(std::size_t cluster) const { return clusters_[cluster].capacity; }
  std::int64_t busy_gpus(std::size_t cluster) const { return clusters_[cluster].in_use; }
  /// Jobs waiting, those no cluster can hold now included.
  std::size_t queue_length() const { return queue_.size() + parked_.size(); }
  /// GPUs the waiting jobs ask for. O(1).
  std::int64_t queued_gpus() const { return queue_.gpus() + parked_gpus_; }
  const std::vector<GangJobOutcome>& outcomes() const { return outcomes_; }

 private:
  struct Cluster {
    std::int64_t capacity = 0;
    std::int64_t in_use = 0;
    std::size_t group = 0;
    ReleaseProfile releases;             ///< when the pieces running here end
    std::set<std::size_t> running_jobs;  ///< jobs with a piece here
    std::int64_t free() const { return capacity - in_use; }
  };

  void enqueue(std::size_t job);
  /// The fewest GPUs the job can start on (its minimum, for an elastic job).
  std::int64_t smallest_start(std::size_t job) const;
  /// Whether some cluster (or, spanning, some group) it may use could hold the job were all
  /// its GPUs free.
  bool could_ever_fit(std::size_t job) const;
  /// Sets aside a queued job that no cluster can hold now, until capacity grows: such a job is
  /// not examined by later passes.
  void park(std::size_t job);
  /// Keeps the largest cluster's capacity current.
  void note_capacity_changed();
  /// Queues again the set-aside jobs that capacity now holds.
  void unpark_fitting();
  void request_pass();
  struct Allocation {
    std::vector<std::pair<std::size_t, std::int64_t>> pieces;  ///< (cluster, GPUs)
    std::int64_t gpus() const;
  };
  bool may_use(std::size_t job, std::size_t cluster) const;
  bool within_quota(std::size_t job, std::int64_t gpus) const;
  std::optional<Allocation> fits_now(std::size_t job) const;
  std::optional<Allocation> span_now(std::size_t job) const;
  bool fits_some_cluster(std::size_t job) const;
  std::pair<Tick, std::int64_t> group_shadow(std::size_t group, std::int64_t gpus) const;
  std::int64_t size_now(std::size_t job, std::size_t cluster) const;
  void start(std::size_t job, const Allocation& allocation);
  /// Takes a running job off its clusters' books, as at its end or when it is preempted.
  void release_gpus(std::size_t job);
  /// Takes a running job off its clusters and queues it again.
  void stop(std::size_t job);
  Tick duration(std::size_t job, std::size_t cluster, std::int64_t gpus);
  void schedule_pass();
  double tenant_usage_gpu_s(std::size_t tenant) const;
  void order_by_fair_share();
  /// The most GPUs free now on any one cluster.
  std::int64_t most_free() const;
  void backfill();
  void pass_quota_held_head();

  Engine& engine_;
  const std::vector<GangJob>& jobs_;
  GangSchedulerOptions options_;
  GangSchedulerListener* listener_;
  std::vector<GangJobOutcome> outcomes_;
  std::vector<EventHandle> end_events_;  ///< of running jobs, for preemption
  std::vector<Cluster> clusters_;
  /// With cross-cluster jobs: each group's releases, for a spanning head's reservation.
  std::map<std::size_t, ReleaseProfile> group_releases_;
  std::vector<std::int64_t> tenant_in_use_;
  std::vector<double> tenant_finished_gpu_s_;       ///< GPU-seconds of ended jobs
  std::vector<double> tenant_running_start_gpu_s_;  ///< Σ GPUs × start (s) of running jobs
  std::int64_t total_capacity_ = 0;                 ///< of all clusters, for quotas
  std::int64_t largest_capacity_ = 0;               ///< of one cluster
  PendingQueue queue_;
  /// Queued jobs no cluster can hold now, by the fewest GPUs they can start on.
  std::multimap<std::int64_t, std::size_t> parked_;
  std::int64_t parked_gpus_ = 0;
  bool capacity_grew_ = false;  ///< since the last pass: set-aside jobs may fit again
  HandlerId self_{};
  Tick now_ = 0;
  bool pass_pending_ = false;
};

/// Runs a fixed set of jobs on clusters of fixed capacity to completion on its own engine.
/// Deterministic: ties go to the earlier submit, then the lower job index. Throws
/// std::invalid_argument for a job that can never run (more GPUs than any cluster it may use,
/// or a pin to no cluster). O(events × (log n + backfill depth)).
/// `groups[c]` as for GangScheduler.
std::vector<GangJobOutcome> schedule_gang_jobs(const std::vector<std::int64_t>& cluster_gpus,
                                               const std::vector<GangJob>& jobs,
                                               const GangSchedulerOptions& options,
                                               const std::vector<std::size_t>& groups = {});

/// Throws std::invalid_argument unless every job can run on some cluster of these capacities
/// (or, with cross-cluster jobs, on the clusters of one group together).
void check_jobs_runnable(const std::vector<std::int64_t>& cluster_gpus,
                         const std::vector<GangJob>& jobs, bool cross_cluster = false,
                         const std::vector<std::size_t>& groups = {});

}  // namespace capsim
