#include "capsim/model/fleet/failure_path.hpp"

#include <algorithm>

namespace capsim {

namespace {
std::int64_t count_before(const std::vector<Tick>& ticks, Tick tick) {
  return std::lower_bound(ticks.begin(), ticks.end(), tick) - ticks.begin();
}
std::int64_t count_up_to(const std::vector<Tick>& ticks, Tick tick) {
  return std::upper_bound(ticks.begin(), ticks.end(), tick) - ticks.begin();
}
}  // namespace

/// The loop is Fleet::schedule_failure and Fleet::failure with the engine taken out. A
/// candidate at tick t fires when t is before the end and at or before the retirement; a
/// repair ending at t is done before a candidate at t (repairs come before failures in an
/// instant), so the thinning sees the same available GPUs as the event-driven run.
FailurePath::FailurePath(RandomStream& stream, const FailureCauseRates& causes, std::int64_t gpus,
                         const PathWindow& window)
    : window_(window) {
  causes_.resize(causes.rate_per_gpu_s.size());
  for (std::size_t c = 0; c < causes_.size(); ++c)
    causes_[c].repair_ticks = causes.repair_ticks[c];
  const double rate = causes.total_per_gpu_s * static_cast<double>(gpus);
  if (rate <= 0.0)
    return;
  const Tick last = std::min(window.retires, window.end - 1);
  const double all_gpus = static_cast<double>(gpus);
  std::vector<std::size_t> repaired(causes_.size(), 0);
  std::int64_t failed = 0;
  Tick now = window.installed;
  double delay_s = stream.exponential(rate);
  while (delay_s < seconds_from_ticks(window.end - now)) {
    now += ticks_from_seconds(delay_s);
    if (now > last)
      break;
    for (std::size_t c = 0; c < causes_.size(); ++c) {
      const CauseFailures& cause = causes_[c];
      while (repaired[c] < cause.at.size() && cause.at[repaired[c]] + cause.repair_ticks <= now) {
        ++repaired[c];
        --failed;
      }
    }
    const bool fails = stream.uniform01() * all_gpus < static_cast<double>(gpus - failed);
    delay_s = stream.exponential(rate);  // the next candidate, whatever this one does
    if (!fails) {
      rejected_.push_back(now);
      continue;
    }
    std::size_t index = 0;
    double pick = stream.uniform01() * causes.total_per_gpu_s;
    while (index + 1 < causes_.size() && pick >= causes.rate_per_gpu_s[index]) {
      pick -= causes.rate_per_gpu_s[index];
      ++index;
    }
    stream.uniform01();  // busy or not: no workload holds a GPU, but the draw is the stream's
    add_failure(index, now);
    ++failed;
  }
  count_events();
}

void FailurePath::count_events() {
  events_ = rejected_.size();
  for (const CauseFailures& cause : causes_) {
    events_ += cause.at.size();
    events_ += static_cast<std::uint64_t>(count_before(cause.at, window_.end - cause.repair_ticks));
  }
}

void FailurePath::retire_early(Tick at) {
  window_.retires = std::min(window_.retires, at);
  // Candidates at the retirement tick still fire (failures come before retirements).
  rejected_.resize(static_cast<std::size_t>(count_up_to(rejected_, at)));
  for (CauseFailures& cause : causes_) {
    const auto kept = static_cast<std::size_t>(count_up_to(cause.at, at));
    cause.at.resize(kept);
    cause.sum_s.resize(kept + 1);
  }
  count_events();
}

FailurePath FailurePath::of_failures(const PathWindow& window,
                                     const std::vector<Tick>& repair_ticks,
                                     const std::vector<std::vector<Tick>>& failures) {
  FailurePath path;
  path.window_ = window;
  path.causes_.resize(repair_ticks.size());
  for (std::size_t c = 0; c < repair_ticks.size(); ++c) {
    path.causes_[c].repair_ticks = repair_ticks[c];
    for (const Tick tick : failures[c])
      path.add_failure(c, tick);
  }
  return path;
}

void FailurePath::add_failure(std::size_t c, Tick tick) {
  CauseFailures& cause = causes_[c];
  cause.at.push_back(tick);
  cause.sum_s.push_back(cause.sum_s.back() + seconds_from_ticks(tick - window_.installed));
}

std::int64_t FailurePath::failures_before(std::size_t cause, Tick tick) const {
  return causes_.empty() ? 0 : count_before(causes_[cause].at, tick);
}

std::int64_t FailurePath::failed_before(Tick tick) const {
  if (tick > window_.retires)
    return 0;
  std::int64_t failed = 0;
  for (const CauseFailures& cause : causes_)
    failed += count_before(cause.at, tick) - count_before(cause.at, tick - cause.repair_ticks);
  return failed;
}

/// Σ over failures of (min(tick, repaired, retired) − failed)⁺: a failure repaired by then
/// counts its whole repair time, one still in repair counts its time so far (from the running
/// sums of failure seconds).
double FailurePath::failed_gpu_s(Tick tick) const {
  const Tick until = std::min(tick, window_.retires);
  const double until_s = seconds_from_ticks(until - window_.installed);
  double gpu_s = 0.0;
  for (const CauseFailures& cause : causes_) {
    const std::int64_t started = count_before(cause.at, until);
    const std::int64_t done = std::min(started, count_up_to(cause.at, until - cause.repair_ticks));
    const auto s = static_cast<std::size_t>(started);
    const auto d = static_cast<std::size_t>(done);
    gpu_s += static_cast<double>(done) * seconds_from_ticks(cause.repair_ticks) +
             static_cast<double>(started - done) * until_s - (cause.sum_s[s] - cause.sum_s[d]);
  }
  return gpu_s;
}

}  // namespace capsim
