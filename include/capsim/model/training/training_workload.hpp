#pragma once
/// Training on the fleet: the listed and generated jobs, their tenants and dependencies, the
/// gang scheduler that places them on the clusters, each run's duration (fabric, failures,
/// checkpoints, efficiency), preemption by serving, and jobs.csv and the training summary at
/// the end. Owns the jobs and the scheduler; writes the cluster book's busy GPUs and asks
/// power to redraw the clusters it changes.

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "capsim/metrics/recorder.hpp"
#include "capsim/model/fleet/cluster_book.hpp"
#include "capsim/model/fleet/power.hpp"
#include "capsim/model/model_context.hpp"
#include "capsim/model/training/gang_scheduler.hpp"
#include "capsim/model/training/training_run.hpp"

namespace capsim {

struct TrainingJob {
  TrainingJobSpec spec;
  Tick submit = 0;
  std::size_t tenant = 0;
  std::vector<std::size_t> dependents;
  std::size_t unfinished_dependencies = 0;
  bool done = false;
  RunPlan run;              ///< of its current or last run
  double run_work_s = 0.0;  ///< the whole job's failure-free time on that run's allocation
  double mfu = 0.0;
  std::int64_t gpus = 0;  ///< it ran on (fewer than asked when it shrank)
  /// Share of the job's work saved in checkpoints by runs that were stopped.
  double work_saved = 0.0;
  std::int64_t preemptions = 0;
  double preemption_lost_gpu_s = 0.0;  ///< GPU-time of preempted runs not saved, restarts too
  std::int64_t interruptions = 0;      ///< runs stopped by failures or retirements
  std::vector<std::int64_t> interruptions_by_cause;
  double interruption_lost_gpu_s = 0.0;
  double stopped_runs_gpu_s = 0.0;  ///< GPU-time held by runs that were stopped
  double useful_gpu_s = 0.0;        ///< saved by stopped runs, and the last run's if it ended
  bool generated = false;           ///< drawn by the job generator, not listed
};

/// What training holds and asks for at a moment, for a planner's forecast.
struct TrainingNeed {
  double generated_gpus = 0.0;  ///< held or waiting, of generated jobs submitted by now
  double listed_gpus = 0.0;     ///< held, or waiting of listed jobs submitted by the tick asked
  std::int64_t largest_waiting_job_gpus = 0;
};

class TrainingWorkload final : public GangSchedulerListener, public ClusterBookListener {
 public:
  /// `rows` takes jobs.csv's rows as jobs finish; none: they collect in the run's jobs.
  TrainingWorkload(const ModelContext& context, ClusterBook& book, Power& power,
                   JobRecordSink* rows = nullptr);
  TrainingWorkload(const TrainingWorkload&) = delete;
  TrainingWorkload& operator=(const TrainingWorkload&) = delete;

  /// The listed jobs, then the generated ones; tenants; dependencies.
  void set_up_jobs();
  /// Once the clusters named at set-up exist: the scheduler, on the book's clusters.
  void set_up_scheduler();
  bool empty() const { return jobs_.empty(); }

  /// Serving needs `gpus` more of a cluster than are free: stop preemptible jobs there.
  void preempt_for_serving(std::size_t cluster, std::int64_t gpus);
  /// Jobs queued, their GPUs, and jobs running.
  std::int64_t queue_length() const;
  std::int64_t queued_gpus() const;
  std::int64_t running_jobs() const;
  std::int64_t busy_gpus() const { return busy_; }
  const std::vector<std::string>& tenant_names() const { return tenant_names_; }
  const RateIntegral& busy_gpu_s() const { return busy_gpu_s_; }
  const RateIntegral& tenant_gpu_s(std::size_t tenant) const { return tenant_gpu_s_[tenant]; }
  /// Training's GPUs for a forecast at `tick`.
  TrainingNeed need_at(Tick tick) const;
  /// jobs.csv rows and the training summary, at the horizon's end; `gpu_available_s` is the
  /// fleet's available GPU-seconds over the run.
  void finish(double gpu_available_s);

  // GangSchedulerListener
  Tick job_duration(std::size_t job, std::size_t cluster, std::int64_t gpus) override;
  void job_started(std::size_t job) override;
  void job_ended(std::size_t job) override;
  void job_stopped(std::size_t job) override;
  // ClusterBookListener
  void cluster_added(std::size_t cluster, std::size_t group) override;
  void training_capacity_changed(std::size_t cluster, std::int64_t gpus) override;
  void training_gpu_failed(std::size_t cluster, std::size_t cause, double share) override;
  void training_gpus_retired(std::size_t cluster) override;

 private:
  struct RunOnAllocation {
    double work_s = 0.0;  ///< the whole job, failure-free; +inf when it cannot run
    double mfu = 0.0;
  };
  /// A job's run on `gpus` GPUs of a cluster, its compute divided by the efficiency gain of the
  /// day it was worked out.
  struct CachedRun {
    std::size_t cluster = 0;
    std::int64_t gpus = 0;
    double gain = 1.0;
    RunOnAllocation run;
  };
  /// Why the scheduler's next job_stopped call stops a run.
  enum class StopReason { preemption, failure, retirement };

  /// The efficiency gain a run of the job starting today divides its compute by.
  double run_gain(std::size_t job) const;
  RunOnAllocation run_on(std::size_t job, std::size_t cluster, std::int64_t gpus);
  /// The job's next run on an allocation: what it has left, its checkpoints, its restart.
  RunPlan plan_for(const TrainingJob& job, const RunOnAllocation& run, std::int64_t gpus) const;
  /// Stops the job's run for `reason` (of failure cause `cause`).
  void stop_job(std::size_t job, StopReason reason, std::size_t cause = 0);
  void forget_runs(std::size_t job);
  double effective_job_mfu(const TrainingJob& job, std::size_t cluster, double peak,
                           std::int64_t gpus);
  void change_busy(std::size_t job_index, std::int64_t sign);
  void set_rates(std::size_t tenant, std::int64_t change);
  TrainingJobRecord job_record(std::size_t job) const;
  /// GPUs held × time over every run of the job, within the horizon.
  double job_gpu_hours(std::size_t job) const;
  /// GPU-hours a job that never started asked for, at its base MFU on the first cluster's part
  /// and the efficiency of the end (an estimate).
  double unmet_gpu_hours(const TrainingJob& job) const;

  /// Rows kept in the run when no one else takes them.
  class CollectedRows final : public JobRecordSink {
   public:
    explicit CollectedRows(std::vector<TrainingJobRecord>& rows) : rows_(rows) {}
    void begin(const std::vector<std::string>&) override {}
    void add(const TrainingJobRecord& record) override { rows_.push_back(record); }

   private:
    std::vector<TrainingJobRecord>& rows_;
  };

  const ModelContext& context_;
  ClusterBook& book_;
  Power& power_;
  CollectedRows collected_rows_;
  JobRecordSink* rows_;
  std::vector<TrainingJob> jobs_;
  std::vector<GangJob> gang_jobs_;
  std::unique_ptr<GangScheduler> scheduler_;
  /// Per job, its runs worked out while it waits (one per cluster and size it was offered): a
  /// backfill pass asks for the same runs again and again. Emptied when the job ends.
  std::vector<std::vector<CachedRun>> runs_;
  StopReason stop_reason_ = StopReason::preemption;
  std::size_t stop_cause_ = 0;
  std::vector<std::string> tenant_names_;
  std::vector<double> tenant_shares_;
  std::vector<RateIntegral> tenant_gpu_s_;
  std::vector<std::int64_t> tenant_running_;
  std::int64_t busy_ = 0;
  std::int64_t running_ = 0;  ///< jobs running now
  RateIntegral busy_gpu_s_;
};

}  // namespace capsim
