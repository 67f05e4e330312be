#include "capsim/model/training/training_workload.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string_view>
#include <unordered_map>

#include <fmt/format.h>

#include "capsim/model/training/job_generator.hpp"

namespace capsim {

TrainingWorkload::TrainingWorkload(const ModelContext& context, ClusterBook& book, Power& power,
                                   JobRecordSink* rows)
    : context_(context),
      book_(book),
      power_(power),
      collected_rows_(context.run.jobs),
      rows_(rows ? rows : &collected_rows_) {}

void TrainingWorkload::set_up_jobs() {
  const Scenario& scenario = context_.scenario;
  for (const TenantSpec& tenant : scenario.training.tenants) {
    tenant_names_.push_back(tenant.name);
    tenant_shares_.push_back(tenant.share);
  }
  tenant_names_.push_back("default");  // jobs of no listed tenant
  tenant_shares_.push_back(0.0);
  // A job's tenant is a free label when no tenants are listed (the loader checks names only
  // against a list): an unlisted name counts as "default", the last entry.
  const auto tenant_of = [&](const std::string& name) {
    const auto found = std::find(tenant_names_.begin(), tenant_names_.end() - 1, name);
    return static_cast<std::size_t>(found - tenant_names_.begin());
  };
  for (const TrainingJobSpec& spec : scenario.training.jobs) {
    TrainingJob job;
    job.spec = spec;
    job.submit = std::max<Tick>(0, context_.calendar.tick_of(spec.submit));
    job.tenant = tenant_of(spec.tenant);
    jobs_.push_back(std::move(job));
  }
  for (GeneratedJob& generated : generate_training_jobs(scenario, context_.replication)) {
    TrainingJob job;
    job.submit = generated.submit;
    job.tenant = tenant_of(generated.spec.tenant);
    job.generated = true;
    job.spec = std::move(generated.spec);
    jobs_.push_back(std::move(job));
  }
  std::unordered_multimap<std::string_view, std::size_t> by_name;
  for (std::size_t j = 0; j < jobs_.size(); ++j) {
    if (!jobs_[j].spec.name.empty())
      by_name.emplace(jobs_[j].spec.name, j);
  }
  for (std::size_t i = 0; i < jobs_.size(); ++i) {
    for (const std::string& dependency : jobs_[i].spec.after) {
      // Every job of that name, in index order (the order dependents were always listed in).
      std::vector<std::size_t> named;
      const auto [first, last] = by_name.equal_range(dependency);
      for (auto it = first; it != last; ++it)
        named.push_back(it->second);
      std::sort(named.begin(), named.end());
      for (const std::size_t j : named) {
        jobs_[j].dependents.push_back(i);
        ++jobs_[i].unfinished_dependencies;
      }
    }
  }
  for (TrainingJob& job : jobs_)
    job.interruptions_by_cause.assign(context_.failure_causes.size(), 0);
  runs_.resize(jobs_.size());
  tenant_gpu_s_.resize(tenant_names_.size());
  tenant_running_.assign(tenant_names_.size(), 0);
}

void TrainingWorkload::set_up_scheduler() {
  if (jobs_.empty())
    return;
  for (const TrainingJob& job : jobs_) {
    GangJob gang;
    gang.submit = job.submit;
    gang.gpus = job.spec.gpus;
    gang.min_gpus = job.spec.min_gpus;
    gang.priority = job.spec.priority;
    gang.tenant = job.tenant;
    gang.held = job.unfinished_dependencies > 0;
    gang.preemptible = job.spec.preemptible;
    if (const std::size_t c = book_.index_of(job.spec.cluster, book_.size()); c < book_.size())
      gang.cluster = c;
    gang_jobs_.push_back(gang);
  }
  GangSchedulerOptions options;
  options.policy = context_.scenario.training.policy;
  options.sharing = context_.scenario.training.sharing;
  options.backfill_depth = static_cast<std::size_t>(context_.scenario.training.backfill_depth);
  options.tenant_shares = tenant_shares_;
  options.cross_cluster = context_.scenario.training.cross_cluster;
  std::vector<std::int64_t> capacity;
  std::vector<std::size_t> groups;
  for (std::size_t c = 0; c < book_.size(); ++c) {
    capacity.push_back(book_[c].available);
    groups.push_back(book_[c].group);
  }
  std::vector<std::string> causes;
  for (const FailureCauseSpec& cause : context_.failure_causes)
    causes.push_back(cause.name);
  rows_->begin(causes);
  scheduler_ =
      std::make_unique<GangScheduler>(context_.engine, capacity, gang_jobs_, options, this, groups);
  book_.set_listener(this);
}

void TrainingWorkload::cluster_added(std::size_t, std::size_t group) {
  scheduler_->add_cluster(0, group);
}

void TrainingWorkload::training_capacity_changed(std::size_t cluster, std::int64_t gpus) {
  scheduler_->set_capacity(cluster, gpus);
}

/// A GPU under a job failed: the job stops, unless it ends at this very instant (the failure
/// came after its last step).
void TrainingWorkload::training_gpu_failed(std::size_t cluster, std::size_t cause, double share) {
  const std::optional<std::size_t> job = scheduler_->job_at(cluster, share);
  if (!job || *scheduler_->outcomes()[*job].end <= context_.now())
    return;
  stop_job(*job, StopReason::failure, cause);
}

/// GPUs retired under running jobs: the least work at stake stops first until training holds
/// no more than the cluster has.
void TrainingWorkload::training_gpus_retired(std::size_t cluster) {
  const SchedulingCluster& c = book_[cluster];
  if (c.busy <= c.available)
    return;
  for (const std::size_t job : scheduler_->stopping_order(cluster, false)) {
    if (c.busy <= c.available)
      break;
    stop_job(job, StopReason::retirement);
  }
}

void TrainingWorkload::stop_job(std::size_t job, StopReason reason, std::size_t cause) {
  stop_reason_ = reason;
  stop_cause_ = cause;
  scheduler_->interrupt(job);
  stop_reason_ = StopReason::preemption;  // what the scheduler's own stops are
}

void TrainingWorkload::preempt_for_serving(std::size_t cluster, std::int64_t gpus) {
  if (!scheduler_)
    return;
  // The scheduler's free GPUs on the cluster count towards what serving may take.
  const std::int64_t free_for_training =
      scheduler_->capacity(cluster) - scheduler_->busy_gpus(cluster);
  scheduler_->preempt(cluster, free_for_training + gpus);
}

std::int64_t TrainingWorkload::queue_length() const {
  return scheduler_ ? static_cast<std::int64_t>(scheduler_->queue_length()) : 0;
}

std::int64_t TrainingWorkload::queued_gpus() const {
  return scheduler_ ? scheduler_->queued_gpus() : 0;
}

std::int64_t TrainingWorkload::running_jobs() const {
  return running_;
}

/// The job's effective MFU on a cluster: its base MFU less the exposed share of its gradient
/// all-reduce on that cluster's fabric, relative to a non-blocking fabric (the base MFU is
/// what the job reaches on one). Jobs given by FLOPs alone carry no model size: base MFU.
double TrainingWorkload::effective_job_mfu(const TrainingJob& job, std::size_t cluster_index,
                                           double peak, std::int64_t gpus) {
  const TrainingJobSpec& spec = job.spec;
  if (!spec.active_parameters)
    return spec.base_mfu;
  SchedulingCluster& cluster = book_.fabric_owner(cluster_index);
  const AcceleratorSpec& part = context_.part(cluster.part);
  if (!cluster.fabric) {
    FabricShape shape =
        make_fabric_shape(cluster.fabric_spec, std::max(cluster.planned_gpus, spec.gpus), part);
    // A fabric too large to solve (or invalid) leaves the job at its base MFU.
    if (!fabric_shape_problem(shape).empty())
      return spec.base_mfu;
    cluster.fabric = std::make_unique<Fabric>(shape);
    shape.oversubscription = 1.0;
    cluster.non_blocking = std::make_unique<Fabric>(shape);
  }
  StepModel step;
  step.model_parallel_gpus = std::gcd(gpus, part.scale_up_domain);
  step.gradient_bytes = 2.0 * *spec.active_parameters /
                        static_cast<double>(step.model_parallel_gpus);  // bf16 gradients
  step.compute_time_s = 6.0 * *spec.active_parameters * spec.global_batch_tokens /
                        (static_cast<double>(gpus) * peak * spec.base_mfu);
  step.overlap = spec.communication_overlap;
  // A job larger than the cluster's fabric never runs there anyway.
  if (!effective_mfu_problem(spec.base_mfu, *cluster.fabric, gpus, step).empty())
    return spec.base_mfu;
  return spec.base_mfu * effective_mfu(spec.base_mfu, *cluster.fabric, gpus, step) /
         effective_mfu(spec.base_mfu, *cluster.non_blocking, gpus, step);
}

/// The efficiency gain of a run starting now: capability-equivalent jobs need
/// compute / (algorithmic × software gain), fixed-compute jobs run faster by software alone.
double TrainingWorkload::run_gain(std::size_t job_index) const {
  // Trends are read at the start of the day, so that a backfill pass over a long queue does
  // not simulate every job's run anew each time a trend has moved a little.
  const double t_s = seconds_from_ticks(context_.now() / kTicksPerDay * kTicksPerDay);
  return jobs_[job_index].spec.capability_equivalent ? context_.efficiency.training(t_s)
                                                     : context_.efficiency.software(t_s);
}

/// The job's failure-free time on `gpus` GPUs of a cluster, at its effective MFU there. A run
/// worked out on an earlier day, at another gain, is replaced: the job's cache holds one run
/// per (cluster, size), whatever how long it waits.
TrainingWorkload::RunOnAllocation TrainingWorkload::run_on(std::size_t job_index,
                                                           std::size_t cluster_index,
                                                           std::int64_t gpus) {
  const double gain = run_gain(job_index);
  std::vector<CachedRun>& cached = runs_[job_index];
  const auto same_allocation = std::find_if(cached.begin(), cached.end(), [&](const CachedRun& c) {
    return c.cluster == cluster_index && c.gpus == gpus;
  });
  if (same_allocation != cached.end() && same_allocation->gain == gain)
    return same_allocation->run;
  const TrainingJob& job = jobs_[job_index];
  const AcceleratorSpec& part = context_.part(book_[cluster_index].part);
  const double peak =
      part.peak_flop_per_s(job.spec.precision).value_or(part.peak_dense_flops.bf16_flop_per_s);
  RunOnAllocation run;
  run.mfu = effective_job_mfu(job, cluster_index, peak, gpus);
  TrainingRunSpec spec = run_spec_of(job.spec, training_flops(job.spec) / gain, peak, 0.0);
  spec.gpus = gpus;
  spec.mfu = run.mfu;
  run.work_s = training_run_problem(spec).empty() ? failure_free_time_s(spec) : HUGE_VAL;
  if (same_allocation != cached.end()) {
    *same_allocation = CachedRun{cluster_index, gpus, gain, run};
  } else {
    cached.push_back(CachedRun{cluster_index, gpus, gain, run});
  }
  return run;
}

RunPlan TrainingWorkload::plan_for(const TrainingJob& job, const RunOnAllocation& run,
                                   std::int64_t gpus) const {
  RunPlan plan;
  plan.remaining_s = (1.0 - job.work_saved) * run.work_s;
  plan.interval_s = checkpoint_interval_s(job.spec, gpus, context_.interrupting_rate_per_gpu_s);
  plan.stall_s = checkpoint_stall_s(job.spec);
  plan.durable_after_s =
      job.spec.checkpoint_async ? std::max(0.0, job.spec.checkpoint_write_s) : 0.0;
  plan.restart_s = job.preemptions + job.interruptions > 0 ? job.spec.restart_overhead_s : 0.0;
  return plan;
}

/// A job that has ended never asks for a run again: its cached runs go, so that the cache holds
/// only the jobs still queued or running.
void TrainingWorkload::forget_runs(std::size_t job_index) {
  std::vector<CachedRun>().swap(runs_[job_index]);
}

/// The run from the job's last checkpoint (all of it, first time) on this allocation.
Tick TrainingWorkload::job_duration(std::size_t job_index, std::size_t cluster_index,
                                    std::int64_t gpus) {
  const RunOnAllocation run = run_on(job_index, cluster_index, gpus);
  const double elapsed_s = plan_for(jobs_[job_index], run, gpus).elapsed_s();
  if (!(elapsed_s <= kMaxTrainingDurationS))
    return INT64_MAX / 4;  // cannot finish in any horizon: it holds its GPUs to the end
  return std::max<Tick>(1, ticks_from_seconds(elapsed_s));
}

/// Serving took the job's GPUs, or one failed under it, or retired: what its checkpoints hold
/// is kept, the rest of the run (its unsaved work, its restart) is lost.
void TrainingWorkload::job_stopped(std::size_t job_index) {
  TrainingJob& job = jobs_[job_index];
  const GangJobOutcome& outcome = scheduler_->outcomes()[job_index];
  const double ran_s = seconds_from_ticks(context_.now() - *outcome.start);
  const RunProgress progress = job.run.at(ran_s);
  const auto gpus = static_cast<double>(outcome.gpus);
  if (job.run_work_s > 0.0 && std::isfinite(job.run_work_s))
    job.work_saved = std::min(job.work_saved + progress.saved_s / job.run_work_s, 1.0);
  job.useful_gpu_s += gpus * progress.saved_s;
  const double lost_gpu_s = gpus * std::max(0.0, ran_s - progress.saved_elapsed_s);
  job.stopped_runs_gpu_s += gpus * ran_s;
  if (stop_reason_ == StopReason::preemption) {
    ++job.preemptions;
    job.preemption_lost_gpu_s += lost_gpu_s;
  } else {
    ++job.interruptions;
    if (stop_reason_ == StopReason::failure)
      ++job.interruptions_by_cause[stop_cause_];
    job.interruption_lost_gpu_s += lost_gpu_s;
  }
  change_busy(job_index, -1);
  set_rates(job.tenant, -outcome.gpus);
}

void TrainingWorkload::job_started(std::size_t job_index) {
  TrainingJob& job = jobs_[job_index];
  const GangJobOutcome& outcome = scheduler_->outcomes()[job_index];
  const RunOnAllocation run = run_on(job_index, outcome.cluster, outcome.gpus);
  job.run = plan_for(job, run, outcome.gpus);
  job.run_work_s = run.work_s;
  job.mfu = run.mfu;
  job.gpus = outcome.gpus;
  if (*outcome.first_start == *outcome.start && job.preemptions + job.interruptions == 0)
    context_.run.job_starts.push_back(JobStart{job.submit, *outcome.start});
  change_busy(job_index, +1);
  set_rates(job.tenant, outcome.gpus);
}

void TrainingWorkload::job_ended(std::size_t job_index) {
  TrainingJob& job = jobs_[job_index];
  job.done = true;
  job.useful_gpu_s += static_cast<double>(job.gpus) * job.run.remaining_s;
  forget_runs(job_index);
  change_busy(job_index, -1);
  set_rates(job.tenant, -job.gpus);
  for (const std::size_t dependent : job.dependents) {
    if (--jobs_[dependent].unfinished_dependencies == 0)
      scheduler_->release(dependent);
  }
  rows_->add(job_record(job_index));
}

/// The job's pieces take (+1) or give back (−1) their clusters' GPUs, which changes the power
/// their sites draw.
void TrainingWorkload::change_busy(std::size_t job_index, std::int64_t sign) {
  running_ += sign;
  for (const auto& [cluster_index, gpus] : scheduler_->outcomes()[job_index].pieces) {
    book_.add_busy(cluster_index, sign * gpus);
    power_.update_cluster_sites(cluster_index);
  }
}

void TrainingWorkload::set_rates(std::size_t tenant, std::int64_t change) {
  const Tick now = context_.now();
  tenant_running_[tenant] += change;
  busy_ += change;
  tenant_gpu_s_[tenant].set_rate(now, static_cast<double>(tenant_running_[tenant]));
  busy_gpu_s_.set_rate(now, static_cast<double>(busy_));
}

TrainingNeed TrainingWorkload::need_at(Tick tick) const {
  TrainingNeed need;
  if (!scheduler_)
    return need;
  const Tick now = context_.now();
  for (std::size_t i = 0; i < jobs_.size(); ++i) {
    const TrainingJob& job = jobs_[i];
    if (job.done)
      continue;
    double& gpus = job.generated ? need.generated_gpus : need.listed_gpus;
    if (scheduler_->outcomes()[i].start) {
      gpus += static_cast<double>(job.gpus);
    } else if (job.generated ? job.submit <= now : job.submit <= tick) {
      gpus += static_cast<double>(job.spec.gpus);
      need.largest_waiting_job_gpus = std::max(need.largest_waiting_job_gpus, job.spec.gpus);
    }
  }
  return need;
}

TrainingJobRecord TrainingWorkload::job_record(std::size_t i) const {
  const TrainingJob& job = jobs_[i];
  const GangJobOutcome& outcome = scheduler_->outcomes()[i];
  TrainingJobRecord record;
  record.name = job.spec.name;
  record.tenant = job.spec.tenant;  // the label as written, listed or not
  record.gpus = job.spec.gpus;
  record.gpus_used = job.gpus;
  record.submit = job.submit;
  record.start = outcome.first_start;
  record.preemptions = job.preemptions;
  record.preemption_lost_gpu_hours = job.preemption_lost_gpu_s / 3600.0;
  record.gpu_hours = job_gpu_hours(i);
  record.interruptions = job.interruptions;
  record.interruptions_by_cause = job.interruptions_by_cause;
  record.lost_gpu_hours = job.interruption_lost_gpu_s / 3600.0;
  record.checkpoint_interval_s = job.run.interval_s;
  double useful_gpu_s = job.useful_gpu_s;
  if (outcome.start) {
    record.cluster = book_[outcome.cluster].name;
    record.end = outcome.end;
    record.mfu = job.mfu;
    const double ran_s = seconds_from_ticks(std::min(*outcome.end, context_.end) - *outcome.start);
    // A job still running has done work nothing has discarded yet.
    if (!job.done)
      useful_gpu_s += static_cast<double>(job.gpus) * job.run.at(ran_s).done_s;
  }
  record.goodput = record.gpu_hours > 0.0 ? useful_gpu_s / (record.gpu_hours * 3600.0) : 0.0;
  const bool started = outcome.start.has_value();
  record.status = job.done            ? "completed"
                  : started           ? "running"
                  : job.preemptions   ? "preempted"
                  : job.interruptions ? "interrupted"
                                      : (job.unfinished_dependencies > 0 ? "held" : "queued");
  return record;
}

double TrainingWorkload::job_gpu_hours(std::size_t i) const {
  const TrainingJob& job = jobs_[i];
  const GangJobOutcome& outcome = scheduler_->outcomes()[i];
  double gpu_hours = job.stopped_runs_gpu_s / 3600.0;
  if (outcome.start) {
    const double ran_s = seconds_from_ticks(std::min(*outcome.end, context_.end) - *outcome.start);
    gpu_hours += static_cast<double>(job.gpus) * ran_s / 3600.0;
  }
  return gpu_hours;
}

double TrainingWorkload::unmet_gpu_hours(const TrainingJob& job) const {
  const std::vector<const AcceleratorSpec*>& parts = context_.parts;
  const double peak =
      parts.empty()
          ? kH100DenseBf16FlopPerS
          : parts[book_.size() == 0 ? 0 : book_[0].part]->peak_dense_flops.bf16_flop_per_s;
  const double end_s = seconds_from_ticks(context_.end);
  const double gain = job.spec.capability_equivalent ? context_.efficiency.training(end_s)
                                                     : context_.efficiency.software(end_s);
  return training_flops(job.spec) / gain / (peak * job.spec.base_mfu) / 3600.0;
}

namespace {

/// The q-quantile of sorted values, by the nearest-rank method; 0 for none.
double nearest_rank(const std::vector<double>& sorted, double q) {
  if (sorted.empty())
    return 0.0;
  const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  return sorted[std::min(sorted.size() - 1, rank == 0 ? 0 : rank - 1)];
}

}  // namespace

void TrainingWorkload::finish(double gpu_available_s) {
  if (jobs_.empty())
    return;
  CapacityRun& out = context_.run;
  TrainingSummary& t = out.training;
  const std::vector<GangJobOutcome>& outcomes = scheduler_->outcomes();
  for (const FailureCauseSpec& cause : context_.failure_causes)
    t.failure_causes.push_back(cause.name);
  t.interruptions_by_cause.assign(context_.failure_causes.size(), 0);
  std::vector<double> waits_h;
  for (std::size_t i = 0; i < jobs_.size(); ++i) {
    const TrainingJob& job = jobs_[i];
    const GangJobOutcome& outcome = outcomes[i];
    t.preemptions += job.preemptions;
    t.preemption_lost_gpu_hours += job.preemption_lost_gpu_s / 3600.0;
    t.interruptions += job.interruptions;
    t.interruption_lost_gpu_hours += job.interruption_lost_gpu_s / 3600.0;
    for (std::size_t k = 0; k < job.interruptions_by_cause.size(); ++k)
      t.interruptions_by_cause[k] += job.interruptions_by_cause[k];
    if (outcome.first_start)
      waits_h.push_back(seconds_from_ticks(*outcome.first_start - job.submit) / 3600.0);
    const bool started = outcome.start.has_value();
    if (job.done)
      ++t.completed;
    if (started && !job.done)
      ++t.running_at_end;
    if (!started) {
      ++t.queued_at_end;
      t.unmet_gpu_hours += unmet_gpu_hours(job);
    }
    if (!job.done)  // a completed job's row went when it ended
      rows_->add(job_record(i));
  }
  t.jobs = static_cast<std::int64_t>(jobs_.size());
  std::vector<double> useful(book_.size(), 0.0), elapsed(book_.size(), 0.0);
  for (std::size_t i = 0; i < jobs_.size(); ++i) {
    const TrainingJob& job = jobs_[i];
    if (!outcomes[i].start || !job.done)
      continue;
    // Every run the job held GPUs for: runs that were stopped count as elapsed too.
    useful[outcomes[i].cluster] += job.useful_gpu_s;
    elapsed[outcomes[i].cluster] += job_gpu_hours(i) * 3600.0;
  }
  for (std::size_t c = 0; c < book_.size(); ++c) {
    if (elapsed[c] <= 0.0)
      continue;
    t.clusters.push_back(book_[c].name);
    t.cluster_goodput.push_back(useful[c] / elapsed[c]);
  }
  std::sort(waits_h.begin(), waits_h.end());
  t.wait_p50_h = nearest_rank(waits_h, 0.50);
  t.wait_p95_h = nearest_rank(waits_h, 0.95);
  double wait_sum = 0.0;
  for (const double wait : waits_h)
    wait_sum += wait;
  t.wait_mean_h = waits_h.empty() ? 0.0 : wait_sum / static_cast<double>(waits_h.size());
  t.gpu_hours_busy = busy_gpu_s_.total_at(context_.end) / 3600.0;
  const double available_h = gpu_available_s / 3600.0;
  t.utilisation = available_h > 0 ? t.gpu_hours_busy / available_h : 0.0;
  t.tenants = tenant_names_;
  t.tenant_share = tenant_shares_;
  for (std::size_t k = 0; k < tenant_names_.size(); ++k) {
    const double hours = tenant_gpu_s_[k].total_at(context_.end) / 3600.0;
    t.tenant_gpu_hours.push_back(hours);
    t.tenant_received_share.push_back(t.gpu_hours_busy > 0 ? hours / t.gpu_hours_busy : 0.0);
  }
}

}  // namespace capsim
