#include "capsim/model/gang_scheduler.hpp"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

namespace capsim {

namespace {

// At one instant, jobs end before new ones arrive, and both before the scheduling pass, so a
// pass sees every GPU freed and every job submitted at that instant.
constexpr Phase kEndPhase{0};
constexpr Phase kSubmitPhase{1};
constexpr Phase kSchedulePhase{2};
enum Kinds : EventKind { kSubmit, kEnd, kPass };

struct Cluster {
  std::int64_t capacity = 0;
  std::int64_t free = 0;
  std::multiset<std::pair<Tick, std::int64_t>> running;  ///< (end, GPUs)

  /// The earliest time `gpus` GPUs are free, given what runs now, and how many GPUs are free
  /// then beyond those (the "extra" that backfill may use past that time).
  std::pair<Tick, std::int64_t> shadow(Tick now, std::int64_t gpus) const {
    std::int64_t available = free;
    if (available >= gpus)
      return {now, available - gpus};
    for (const auto& [end, released] : running) {
      available += released;
      if (available >= gpus)
        return {end, available - gpus};
    }
    return {INT64_MAX, 0};
  }
};

class GangScheduler final : public EventHandler {
 public:
  GangScheduler(const std::vector<std::int64_t>& capacity, const std::vector<GangJob>& jobs,
                const GangSchedulerOptions& options)
      : jobs_(jobs), options_(options), outcomes_(jobs.size()) {
    for (const std::int64_t gpus : capacity)
      clusters_.push_back(Cluster{gpus, gpus, {}});
    self_ = engine_.add_handler(*this);
    for (std::size_t i = 0; i < jobs.size(); ++i) {
      check_runnable(i);
      engine_.schedule_at(jobs[i].submit, kSubmitPhase, self_, kSubmit, i);
    }
  }

  std::vector<GangJobOutcome> run() {
    engine_.run();
    return std::move(outcomes_);
  }

  void on_event(Engine& engine, const Event& event) override {
    now_ = engine.now();
    switch (event.kind) {
      case kSubmit:
        enqueue(event.payload);
        break;
      case kEnd: {
        const std::size_t job = event.payload;
        Cluster& cluster = clusters_[outcomes_[job].cluster];
        cluster.free += jobs_[job].gpus;
        cluster.running.erase(cluster.running.find({now_, jobs_[job].gpus}));
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

 private:
  void check_runnable(std::size_t i) const {
    const GangJob& job = jobs_[i];
    if (job.gpus < 1 || job.duration < 0) {
      throw std::invalid_argument(fmt::format("job {}: needs at least 1 GPU and a duration", i));
    }
    if (job.cluster) {
      if (*job.cluster >= clusters_.size()) {
        throw std::invalid_argument(fmt::format("job {}: pinned to no cluster", i));
      }
      if (clusters_[*job.cluster].capacity < job.gpus) {
        throw std::invalid_argument(fmt::format("job {}: wants {} GPUs, its cluster has {}", i,
                                                job.gpus, clusters_[*job.cluster].capacity));
      }
      return;
    }
    const bool fits = std::any_of(clusters_.begin(), clusters_.end(),
                                  [&](const Cluster& c) { return c.capacity >= job.gpus; });
    if (!fits) {
      throw std::invalid_argument(
          fmt::format("job {}: wants {} GPUs, more than any cluster has", i, job.gpus));
    }
  }

  /// Queue order: priority first under the priority and backfill policies, then submission.
  bool before(std::size_t a, std::size_t b) const {
    if (options_.policy != SchedulerPolicy::fifo && jobs_[a].priority != jobs_[b].priority) {
      return jobs_[a].priority > jobs_[b].priority;
    }
    if (jobs_[a].submit != jobs_[b].submit)
      return jobs_[a].submit < jobs_[b].submit;
    return a < b;
  }

  void enqueue(std::size_t job) {
    const auto at = std::upper_bound(queue_.begin(), queue_.end(), job,
                                     [this](std::size_t a, std::size_t b) { return before(a, b); });
    queue_.insert(at, job);
    request_pass();
  }

  void request_pass() {
    if (pass_pending_)
      return;
    pass_pending_ = true;
    engine_.schedule_at(now_, kSchedulePhase, self_, kPass);
  }

  /// Clusters the job may use, in index order.
  std::vector<std::size_t> candidates(std::size_t job) const {
    if (jobs_[job].cluster)
      return {*jobs_[job].cluster};
    std::vector<std::size_t> all;
    for (std::size_t c = 0; c < clusters_.size(); ++c) {
      if (clusters_[c].capacity >= jobs_[job].gpus)
        all.push_back(c);
    }
    return all;
  }

  std::optional<std::size_t> fits_now(std::size_t job) const {
    for (const std::size_t c : candidates(job)) {
      if (clusters_[c].free >= jobs_[job].gpus)
        return c;
    }
    return std::nullopt;
  }

  void start(std::size_t job, std::size_t cluster_index) {
    Cluster& cluster = clusters_[cluster_index];
    cluster.free -= jobs_[job].gpus;
    const Tick end = now_ + jobs_[job].duration;
    cluster.running.emplace(end, jobs_[job].gpus);
    outcomes_[job].start = now_;
    outcomes_[job].end = end;
    outcomes_[job].cluster = cluster_index;
    engine_.schedule_at(end, kEndPhase, self_, kEnd, job);
  }

  void schedule_pass() {
    // Start jobs from the head while they fit (all policies).
    while (!queue_.empty()) {
      const std::size_t head = queue_.front();
      const std::optional<std::size_t> cluster = fits_now(head);
      if (!cluster)
        break;
      start(head, *cluster);
      queue_.erase(queue_.begin());
    }
    if (queue_.empty() || options_.policy != SchedulerPolicy::easy_backfill)
      return;
    backfill();
  }

  /// EASY: reserve the head job's earliest start on the cluster where it comes soonest; start
  /// any later job that fits now and either ends by then or uses only GPUs the reservation
  /// leaves spare (on that cluster), or runs on another cluster.
  void backfill() {
    const std::size_t head = queue_.front();
    Tick shadow_time = INT64_MAX;
    std::int64_t extra = 0;
    std::size_t reserved_cluster = 0;
    for (const std::size_t c : candidates(head)) {
      const auto [time, spare] = clusters_[c].shadow(now_, jobs_[head].gpus);
      if (time < shadow_time) {
        shadow_time = time;
        extra = spare;
        reserved_cluster = c;
      }
    }
    if (!outcomes_[head].first_reservation)
      outcomes_[head].first_reservation = shadow_time;
    std::size_t considered = 0;
    for (auto it = queue_.begin() + 1;
         it != queue_.end() && considered < options_.backfill_window;) {
      ++considered;
      const std::size_t job = *it;
      std::optional<std::size_t> chosen;
      for (const std::size_t c : candidates(job)) {
        if (clusters_[c].free < jobs_[job].gpus)
          continue;
        if (c != reserved_cluster) {
          chosen = c;
          break;
        }
        const bool ends_in_time = now_ + jobs_[job].duration <= shadow_time;
        if (ends_in_time || jobs_[job].gpus <= extra) {
          if (!ends_in_time)
            extra -= jobs_[job].gpus;
          chosen = c;
          break;
        }
      }
      if (chosen) {
        start(job, *chosen);
        it = queue_.erase(it);
      } else {
        ++it;
      }
    }
  }

  const std::vector<GangJob>& jobs_;
  GangSchedulerOptions options_;
  std::vector<GangJobOutcome> outcomes_;
  std::vector<Cluster> clusters_;
  std::vector<std::size_t> queue_;
  Engine engine_;
  HandlerId self_{};
  Tick now_ = 0;
  bool pass_pending_ = false;
};

}  // namespace

std::vector<GangJobOutcome> schedule_gang_jobs(const std::vector<std::int64_t>& cluster_gpus,
                                               const std::vector<GangJob>& jobs,
                                               const GangSchedulerOptions& options) {
  GangScheduler scheduler(cluster_gpus, jobs, options);
  return scheduler.run();
}

}  // namespace capsim
