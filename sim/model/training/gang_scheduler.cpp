#include "capsim/model/training/gang_scheduler.hpp"

#include <algorithm>
#include <map>
#include <numeric>
#include <stdexcept>

#include <fmt/format.h>

#include "capsim/model/phases.hpp"

namespace capsim {

namespace {
// The same-tick order is declared in model/phases.hpp.
constexpr Phase kEndPhase = phases::kTrainingEnd;
constexpr Phase kSubmitPhase = phases::kTrainingSubmit;
constexpr Phase kSchedulePhase = phases::kTrainingPass;
enum Kinds : EventKind { kSubmit, kEnd, kPass };
}  // namespace

void check_jobs_runnable(const std::vector<std::int64_t>& cluster_gpus,
                         const std::vector<GangJob>& jobs, bool cross_cluster,
                         const std::vector<std::size_t>& groups) {
  std::map<std::size_t, std::int64_t> group_gpus;
  for (std::size_t c = 0; c < cluster_gpus.size(); ++c) {
    group_gpus[c < groups.size() ? groups[c] : c] += cluster_gpus[c];
  }
  std::int64_t largest_group = 0;
  for (const auto& entry : group_gpus)
    largest_group = std::max(largest_group, entry.second);
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    const GangJob& job = jobs[i];
    if (job.gpus < 1 || job.duration < 0) {
      throw std::invalid_argument(fmt::format("job {}: needs at least 1 GPU and a duration", i));
    }
    if (job.cluster) {
      if (*job.cluster >= cluster_gpus.size()) {
        throw std::invalid_argument(fmt::format("job {}: pinned to no cluster", i));
      }
      if (cluster_gpus[*job.cluster] < job.gpus) {
        throw std::invalid_argument(fmt::format("job {}: wants {} GPUs, its cluster has {}", i,
                                                job.gpus, cluster_gpus[*job.cluster]));
      }
      continue;
    }
    if (std::none_of(cluster_gpus.begin(), cluster_gpus.end(),
                     [&](std::int64_t gpus) { return gpus >= job.gpus; }) &&
        !(cross_cluster && largest_group >= job.gpus)) {
      throw std::invalid_argument(
          fmt::format("job {}: wants {} GPUs, more than any cluster has", i, job.gpus));
    }
  }
}

namespace {
std::size_t tenant_count(const GangSchedulerOptions& options, const std::vector<GangJob>& jobs) {
  std::size_t tenants = options.tenant_shares.size();
  for (const GangJob& job : jobs)
    tenants = std::max(tenants, job.tenant + 1);
  return tenants;
}
}  // namespace

GangScheduler::GangScheduler(Engine& engine, std::vector<std::int64_t> capacity,
                             const std::vector<GangJob>& jobs, GangSchedulerOptions options,
                             GangSchedulerListener* listener, std::vector<std::size_t> groups)
    : engine_(engine),
      jobs_(jobs),
      options_(std::move(options)),
      listener_(listener),
      outcomes_(jobs.size()),
      end_events_(jobs.size()),
      queue_(jobs, options_.policy != SchedulerPolicy::fifo, tenant_count(options_, jobs)) {
  for (std::size_t c = 0; c < capacity.size(); ++c) {
    clusters_.push_back(Cluster{capacity[c], 0, c < groups.size() ? groups[c] : c, {}, {}});
    total_capacity_ += capacity[c];
  }
  note_capacity_changed();
  const std::size_t tenants = tenant_count(options_, jobs);
  tenant_in_use_.assign(tenants, 0);
  tenant_finished_gpu_s_.assign(tenants, 0.0);
  tenant_running_start_gpu_s_.assign(tenants, 0.0);
  self_ = engine_.add_handler(*this);
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    if (!jobs[i].held)
      release(i);
  }
}

void GangScheduler::release(std::size_t job) {
  engine_.schedule_at(std::max(jobs_[job].submit, engine_.now()), kSubmitPhase, self_, kSubmit,
                      job);
}

void GangScheduler::on_event(Engine& engine, const Event& event) {
  now_ = engine.now();
  switch (event.kind) {
    case kSubmit:
      enqueue(event.payload);
      break;
    case kEnd: {
      const std::size_t job = event.payload;
      release_gpus(job);
      if (listener_)
        listener_->job_ended(job);
      request_pass();
      break;
    }
    case kPass:
      pass_pending_ = false;
      schedule_pass();
      break;
    default:
      throw std::logic_error("gang scheduler: unknown event");
  }
}

void GangScheduler::set_capacity(std::size_t cluster, std::int64_t gpus) {
  now_ = engine_.now();
  const bool grew = gpus > clusters_[cluster].capacity;
  total_capacity_ += gpus - clusters_[cluster].capacity;
  clusters_[cluster].capacity = gpus;
  note_capacity_changed();
  if (grew) {
    capacity_grew_ = true;
    request_pass();
  }
}

std::int64_t GangScheduler::Allocation::gpus() const {
  std::int64_t total = 0;
  for (const auto& piece : pieces)
    total += piece.second;
  return total;
}

void GangScheduler::release_gpus(std::size_t job) {
  const GangJobOutcome& outcome = outcomes_[job];
  for (const auto& [cluster_index, piece] : outcome.pieces) {
    Cluster& cluster = clusters_[cluster_index];
    cluster.in_use -= piece;
    cluster.releases.remove(*outcome.end, piece, job);
    cluster.running_jobs.erase(job);
    if (options_.cross_cluster)
      group_releases_[cluster.group].remove(*outcome.end, piece, job);
  }
  const std::size_t tenant = jobs_[job].tenant;
  const auto gpus = static_cast<double>(outcome.gpus);
  tenant_in_use_[tenant] -= outcome.gpus;
  tenant_running_start_gpu_s_[tenant] -= gpus * seconds_from_ticks(*outcome.start);
  tenant_finished_gpu_s_[tenant] += gpus * seconds_from_ticks(now_ - *outcome.start);
}

std::vector<std::size_t> GangScheduler::stopping_order(std::size_t cluster,
                                                       bool preemptible_only) const {
  std::vector<std::size_t> candidates;
  for (const std::size_t job : clusters_[cluster].running_jobs) {
    // A job whose end falls now is finishing, not to be stopped and rerun.
    if ((jobs_[job].preemptible || !preemptible_only) && *outcomes_[job].end > engine_.now())
      candidates.push_back(job);
  }
  std::sort(candidates.begin(), candidates.end(), [this](std::size_t a, std::size_t b) {
    if (jobs_[a].priority != jobs_[b].priority)
      return jobs_[a].priority < jobs_[b].priority;
    if (*outcomes_[a].start != *outcomes_[b].start)
      return *outcomes_[a].start > *outcomes_[b].start;
    return a > b;
  });
  return candidates;
}

std::int64_t GangScheduler::preempt(std::size_t cluster, std::int64_t gpus) {
  now_ = engine_.now();
  const std::int64_t free_before = clusters_[cluster].free();
  for (const std::size_t job : stopping_order(cluster, true)) {
    if (clusters_[cluster].free() >= gpus)
      break;
    ++outcomes_[job].preemptions;
    stop(job);
  }
  return clusters_[cluster].free() - free_before;
}

void GangScheduler::interrupt(std::size_t job) {
  now_ = engine_.now();
  stop(job);
}

void GangScheduler::stop(std::size_t job) {
  engine_.cancel(end_events_[job]);
  release_gpus(job);
  if (listener_)
    listener_->job_stopped(job);
  GangJobOutcome& outcome = outcomes_[job];
  outcome.start.reset();
  outcome.end.reset();
  outcome.pieces.clear();
  outcome.gpus = 0;
  enqueue(job);
}

std::optional<std::size_t> GangScheduler::job_at(std::size_t cluster, double share) const {
  const Cluster& c = clusters_[cluster];
  const double target = share * static_cast<double>(c.in_use);
  double held = 0.0;
  std::optional<std::size_t> last;
  for (const std::size_t job : c.running_jobs) {
    for (const auto& [piece_cluster, gpus] : outcomes_[job].pieces) {
      if (piece_cluster == cluster)
        held += static_cast<double>(gpus);
    }
    last = job;
    if (target < held)
      return job;
  }
  return last;  // rounding at the top end
}

std::size_t GangScheduler::add_cluster(std::int64_t gpus, std::size_t group) {
  clusters_.push_back(Cluster{gpus, 0, group, {}, {}});
  total_capacity_ += gpus;
  note_capacity_changed();
  if (gpus > 0) {
    capacity_grew_ = true;
    request_pass();
  }
  return clusters_.size() - 1;
}

Tick GangScheduler::duration(std::size_t job, std::size_t cluster, std::int64_t gpus) {
  if (listener_)
    return listener_->job_duration(job, cluster, gpus);
  // Without a model to ask, a shrunk job does the same work on fewer GPUs.
  const double scale = static_cast<double>(jobs_[job].gpus) / static_cast<double>(gpus);
  return static_cast<Tick>(static_cast<double>(jobs_[job].duration) * scale);
}

void GangScheduler::enqueue(std::size_t job) {
  if (could_ever_fit(job)) {
    queue_.push(job);
  } else {
    park(job);
  }
  request_pass();
}

std::int64_t GangScheduler::smallest_start(std::size_t job) const {
  const GangJob& spec = jobs_[job];
  return spec.min_gpus > 0 ? std::min(spec.min_gpus, spec.gpus) : spec.gpus;
}

bool GangScheduler::could_ever_fit(std::size_t job) const {
  const std::int64_t smallest = smallest_start(job);
  if (!jobs_[job].cluster && smallest <= largest_capacity_)
    return true;
  for (std::size_t c = 0; c < clusters_.size(); ++c) {
    if (may_use(job, c) && clusters_[c].capacity >= smallest)
      return true;
  }
  if (!options_.cross_cluster || jobs_[job].cluster)
    return false;
  std::map<std::size_t, std::int64_t> group_gpus;
  for (const Cluster& cluster : clusters_) {
    if ((group_gpus[cluster.group] += cluster.capacity) >= jobs_[job].gpus)
      return true;
  }
  return false;
}

void GangScheduler::note_capacity_changed() {
  largest_capacity_ = 0;
  for (const Cluster& cluster : clusters_)
    largest_capacity_ = std::max(largest_capacity_, cluster.capacity);
}

void GangScheduler::park(std::size_t job) {
  parked_.emplace(smallest_start(job), job);
  parked_gpus_ += jobs_[job].gpus;
}

/// Capacity grew: set-aside jobs that the largest cluster (or group) could now hold are
/// checked one by one; those asking for more stay aside unexamined.
void GangScheduler::unpark_fitting() {
  capacity_grew_ = false;
  if (parked_.empty())
    return;
  std::int64_t largest = 0;
  std::map<std::size_t, std::int64_t> group_gpus;
  for (const Cluster& cluster : clusters_) {
    largest = std::max(largest, cluster.capacity);
    if (options_.cross_cluster)
      largest = std::max(largest, group_gpus[cluster.group] += cluster.capacity);
  }
  for (auto it = parked_.begin(); it != parked_.end() && it->first <= largest;) {
    const std::size_t job = it->second;
    if (could_ever_fit(job)) {
      parked_gpus_ -= jobs_[job].gpus;
      queue_.push(job);
      it = parked_.erase(it);
    } else {
      ++it;
    }
  }
}

void GangScheduler::request_pass() {
  if (pass_pending_)
    return;
  pass_pending_ = true;
  engine_.schedule_at(engine_.now(), kSchedulePhase, self_, kPass);
}

bool GangScheduler::may_use(std::size_t job, std::size_t cluster) const {
  if (jobs_[job].cluster)
    return *jobs_[job].cluster == cluster;
  return true;
}

/// Under quotas a tenant never holds more than its share of all GPUs (at least its largest
/// job's size, so that every job can run eventually).
bool GangScheduler::within_quota(std::size_t job, std::int64_t gpus) const {
  if (options_.sharing != SharingPolicy::quota)
    return true;
  const std::size_t tenant = jobs_[job].tenant;
  if (tenant >= options_.tenant_shares.size())
    return true;
  const auto quota =
      std::max<std::int64_t>(gpus, static_cast<std::int64_t>(options_.tenant_shares[tenant] *
                                                             static_cast<double>(total_capacity_)));
  return tenant_in_use_[tenant] + gpus <= quota;
}

/// Where the job can start now: whole on the first cluster with room; else (elastic jobs)
/// shrunk on the cluster with the most GPUs free, if at least its minimum; else (cross-cluster
/// jobs that no single cluster can hold) spread over a group.
std::optional<GangScheduler::Allocation> GangScheduler::fits_now(std::size_t job) const {
  const GangJob& spec = jobs_[job];
  if (within_quota(job, spec.gpus)) {
    for (std::size_t c = 0; c < clusters_.size(); ++c) {
      if (may_use(job, c) && clusters_[c].free() >= spec.gpus) {
        return Allocation{{{c, spec.gpus}}};
      }
    }
  }
  if (spec.min_gpus > 0 && spec.min_gpus < spec.gpus) {
    std::optional<Allocation> best;
    for (std::size_t c = 0; c < clusters_.size(); ++c) {
      const std::int64_t free = std::min(clusters_[c].free(), spec.gpus);
      if (may_use(job, c) && free >= spec.min_gpus && (!best || free > best->gpus()) &&
          within_quota(job, free)) {
        best = Allocation{{{c, free}}};
      }
    }
    if (best)
      return best;
  }
  return span_now(job);
}

bool GangScheduler::fits_some_cluster(std::size_t job) const {
  for (std::size_t c = 0; c < clusters_.size(); ++c) {
    if (may_use(job, c) && clusters_[c].capacity >= jobs_[job].gpus)
      return true;
  }
  return false;
}

/// A job too large for any single cluster, spread over the free GPUs of one group.
std::optional<GangScheduler::Allocation> GangScheduler::span_now(std::size_t job) const {
  const GangJob& spec = jobs_[job];
  if (!options_.cross_cluster || spec.cluster || fits_some_cluster(job) ||
      !within_quota(job, spec.gpus)) {
    return std::nullopt;
  }
  std::vector<bool> tried(clusters_.size(), false);
  for (std::size_t first = 0; first < clusters_.size(); ++first) {
    if (tried[first])
      continue;
    Allocation allocation;
    std::int64_t needed = spec.gpus;
    for (std::size_t c = first; c < clusters_.size() && needed > 0; ++c) {
      if (clusters_[c].group != clusters_[first].group)
        continue;
      tried[c] = true;
      const std::int64_t take = std::min(needed, std::max<std::int64_t>(0, clusters_[c].free()));
      if (take > 0)
        allocation.pieces.emplace_back(c, take);
      needed -= take;
    }
    if (needed == 0)
      return allocation;
  }
  return std::nullopt;
}

/// The earliest time `gpus` GPUs are free across a group, and the spare GPUs then.
std::pair<Tick, std::int64_t> GangScheduler::group_shadow(std::size_t group,
                                                          std::int64_t gpus) const {
  std::int64_t available = 0;
  for (const Cluster& cluster : clusters_) {
    if (cluster.group == group)
      available += cluster.free();
  }
  const auto releases = group_releases_.find(group);
  if (releases == group_releases_.end())
    return available >= gpus ? std::pair<Tick, std::int64_t>{now_, available - gpus}
                             : std::pair<Tick, std::int64_t>{INT64_MAX, 0};
  return releases->second.earliest(now_, available, gpus);
}

void GangScheduler::start(std::size_t job, const Allocation& allocation) {
  const std::int64_t gpus = allocation.gpus();
  const std::size_t first = allocation.pieces.front().first;
  const Tick end = now_ + duration(job, first, gpus);
  for (const auto& [cluster_index, piece] : allocation.pieces) {
    Cluster& cluster = clusters_[cluster_index];
    cluster.in_use += piece;
    cluster.releases.add(end, piece, job);
    cluster.running_jobs.insert(job);
    if (options_.cross_cluster)
      group_releases_[cluster.group].add(end, piece, job);
  }
  tenant_in_use_[jobs_[job].tenant] += gpus;
  tenant_running_start_gpu_s_[jobs_[job].tenant] +=
      static_cast<double>(gpus) * seconds_from_ticks(now_);
  outcomes_[job].start = now_;
  if (!outcomes_[job].first_start)
    outcomes_[job].first_start = now_;
  outcomes_[job].end = end;
  outcomes_[job].cluster = first;
  outcomes_[job].gpus = gpus;
  outcomes_[job].pieces = allocation.pieces;
  end_events_[job] = engine_.schedule_at(end, kEndPhase, self_, kEnd, job);
  if (listener_)
    listener_->job_started(job);
}

/// GPU-seconds a tenant's jobs have held so far: finished jobs, and running ones up to now.
double GangScheduler::tenant_usage_gpu_s(std::size_t tenant) const {
  return tenant_finished_gpu_s_[tenant] +
         static_cast<double>(tenant_in_use_[tenant]) * seconds_from_ticks(now_) -
         tenant_running_start_gpu_s_[tenant];
}

/// Fair share: the tenant that has used the fewest GPU-hours for its share goes first; within
/// a tenant, the usual order. Usage grows as jobs run, so each pass ranks the tenants again;
/// the queue keeps each tenant's jobs apart, so a new ranking costs nothing per queued job.
void GangScheduler::order_by_fair_share() {
  const std::size_t tenants = tenant_in_use_.size();
  std::vector<double> ratio(tenants);
  for (std::size_t tenant = 0; tenant < tenants; ++tenant) {
    const double share =
        tenant < options_.tenant_shares.size() ? options_.tenant_shares[tenant] : 0.0;
    ratio[tenant] = tenant_usage_gpu_s(tenant) / std::max(share, 1e-9);
  }
  std::vector<std::size_t> by_ratio(tenants);
  std::iota(by_ratio.begin(), by_ratio.end(), std::size_t{0});
  std::sort(by_ratio.begin(), by_ratio.end(),
            [&](std::size_t a, std::size_t b) { return ratio[a] < ratio[b]; });
  std::vector<std::size_t> ranks(tenants, 0);
  for (std::size_t i = 1; i < tenants; ++i) {
    const bool tied = !(ratio[by_ratio[i - 1]] < ratio[by_ratio[i]]);
    ranks[by_ratio[i]] = ranks[by_ratio[i - 1]] + (tied ? 0 : 1);
  }
  queue_.set_tenant_ranks(ranks);
}

void GangScheduler::schedule_pass() {
  if (capacity_grew_)
    unpark_fitting();
  if (options_.sharing == SharingPolicy::fair_share)
    order_by_fair_share();
  // Start jobs from the head while they fit (all policies).
  while (const std::optional<std::size_t> head = queue_.front()) {
    if (!could_ever_fit(*head)) {
      queue_.erase(*head);
      park(*head);
      continue;
    }
    const std::optional<Allocation> allocation = fits_now(*head);
    if (!allocation)
      break;
    queue_.erase(*head);
    start(*head, *allocation);
    if (options_.sharing == SharingPolicy::fair_share)
      order_by_fair_share();
  }
  if (queue_.empty())
    return;
  if (options_.policy == SchedulerPolicy::easy_backfill) {
    backfill();
  } else if (options_.sharing == SharingPolicy::quota) {
    pass_quota_held_head();
  }
}

/// A head held back only by its tenant's quota must not idle GPUs others could use: the jobs
/// behind it start in order where they fit.
void GangScheduler::pass_quota_held_head() {
  const std::size_t head = *queue_.front();
  if (within_quota(head, jobs_[head].gpus))
    return;
  PendingQueue::Walk walk = queue_.walk();
  walk.next();  // the head
  for (std::size_t considered = 0; considered < options_.backfill_depth; ++considered) {
    const std::optional<std::size_t> job = walk.next();
    if (!job)
      break;
    if (!could_ever_fit(*job)) {
      queue_.erase(*job);
      park(*job);
    } else if (const std::optional<Allocation> allocation = fits_now(*job)) {
      queue_.erase(*job);
      start(*job, *allocation);
    }
  }
}

std::int64_t GangScheduler::most_free() const {
  std::int64_t most = 0;
  for (const Cluster& cluster : clusters_)
    most = std::max(most, cluster.free());
  return most;
}

/// The GPUs a job would take on a cluster now: all it asks for if free, else (elastic) as many
/// as are free if at least its minimum; 0 if it cannot start there.
std::int64_t GangScheduler::size_now(std::size_t job, std::size_t cluster) const {
  const GangJob& spec = jobs_[job];
  if (!may_use(job, cluster))
    return 0;
  const std::int64_t free = clusters_[cluster].free();
  if (free >= spec.gpus)
    return spec.gpus;
  if (spec.min_gpus > 0 && free >= spec.min_gpus)
    return free;
  return 0;
}

/// EASY: reserve the head job's earliest start on the cluster where it comes soonest; start
/// any later job that fits now and either ends by then or uses only GPUs the reservation
/// leaves spare (on that cluster), or runs on another cluster.
void GangScheduler::backfill() {
  const std::size_t head = *queue_.front();
  Tick shadow_time = INT64_MAX;
  std::int64_t extra = 0;
  std::size_t reserved_cluster = 0;
  std::optional<std::size_t> reserved_group;  // the head spans clusters: protect its group
  for (std::size_t c = 0; c < clusters_.size(); ++c) {
    if (!may_use(head, c) || clusters_[c].capacity < jobs_[head].gpus)
      continue;
    const auto [time, spare] =
        clusters_[c].releases.earliest(now_, clusters_[c].free(), jobs_[head].gpus);
    if (time < shadow_time) {
      shadow_time = time;
      extra = spare;
      reserved_cluster = c;
    }
  }
  if (options_.cross_cluster && !jobs_[head].cluster && !fits_some_cluster(head)) {
    for (std::size_t c = 0; c < clusters_.size(); ++c) {
      const auto [time, spare] = group_shadow(clusters_[c].group, jobs_[head].gpus);
      if (time < shadow_time) {
        shadow_time = time;
        extra = spare;
        reserved_group = clusters_[c].group;
      }
    }
  }
  const auto protected_cluster = [&](std::size_t c) {
    return reserved_group ? clusters_[c].group == *reserved_group : c == reserved_cluster;
  };
  if (!outcomes_[head].first_reservation && within_quota(head, jobs_[head].gpus)) {
    outcomes_[head].first_reservation = shadow_time;
  }
  std::int64_t most_free = this->most_free();
  PendingQueue::Walk walk = queue_.walk();
  walk.next();  // the head
  // Once no GPU is free no later job can start: the walk stops there.
  for (std::size_t considered = 0; considered < options_.backfill_depth && most_free > 0;
       ++considered) {
    const std::optional<std::size_t> next = walk.next();
    if (!next)
      break;
    const std::size_t job = *next;
    if (!could_ever_fit(job)) {
      queue_.erase(job);
      park(job);
      continue;
    }
    if (smallest_start(job) > most_free)
      continue;  // no cluster has room for it now
    std::optional<Allocation> chosen;
    for (std::size_t c = 0; c < clusters_.size() && !chosen; ++c) {
      const std::int64_t gpus = size_now(job, c);
      if (gpus == 0 || !within_quota(job, gpus))
        continue;
      if (!protected_cluster(c)) {
        chosen = Allocation{{{c, gpus}}};
        break;
      }
      const bool ends_in_time = now_ + duration(job, c, gpus) <= shadow_time;
      if (ends_in_time || gpus <= extra) {
        if (!ends_in_time)
          extra -= gpus;
        chosen = Allocation{{{c, gpus}}};
      }
    }
    if (chosen) {
      queue_.erase(job);
      start(job, *chosen);
      most_free = this->most_free();
    }
  }
}

std::vector<GangJobOutcome> schedule_gang_jobs(const std::vector<std::int64_t>& cluster_gpus,
                                               const std::vector<GangJob>& jobs,
                                               const GangSchedulerOptions& options,
                                               const std::vector<std::size_t>& groups) {
  check_jobs_runnable(cluster_gpus, jobs, options.cross_cluster, groups);
  Engine engine;
  GangScheduler scheduler(engine, cluster_gpus, jobs, options, nullptr, groups);
  engine.run();
  return scheduler.outcomes();
}

}  // namespace capsim
