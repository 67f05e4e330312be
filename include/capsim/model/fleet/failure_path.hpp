#pragma once
/// A pool's failures drawn whole at its install, for runs in which nothing reacts to a single
/// failure (no training jobs, no inference services): the same candidates, thinning, causes and
/// repairs as Fleet::failure draws one event at a time, from the same stream in the same
/// order, kept as each cause's failure ticks. The failed stock and the failed GPU-seconds are
/// then read at any tick without an engine event per failure or repair. O(failures) memory:
/// two numbers a failure, never one per GPU.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "capsim/core/time.hpp"
#include "capsim/engine/random.hpp"

namespace capsim {

/// The failure causes as the fleet draws them: rates per GPU-second in the scenario's order,
/// their sum (summed in that order), and each cause's repair time in ticks.
struct FailureCauseRates {
  std::vector<double> rate_per_gpu_s;
  double total_per_gpu_s = 0.0;
  std::vector<Tick> repair_ticks;
};

/// Where a pool's candidates stop: the horizon's end (exclusive) and its retirement tick (a
/// candidate at that tick still fires: failures come before retirements in an instant).
struct PathWindow {
  Tick installed = 0;
  Tick retires = INT64_MAX;  ///< INT64_MAX when it outlives the horizon
  Tick end = 0;
};

class FailurePath {
 public:
  FailurePath() = default;
  /// Draws the path of a pool of `gpus` GPUs, consuming `stream` exactly as the event-driven
  /// failures would: per candidate the thinning uniform, the next candidate's exponential,
  /// then for a failure the cause uniform and the busy uniform (busy is never true here).
  FailurePath(RandomStream& stream, const FailureCauseRates& causes, std::int64_t gpus,
              const PathWindow& window);

  /// A path of given failures: each cause's failure ticks (ascending) and repair time. What
  /// the drawing constructor builds, for checks worked by hand.
  static FailurePath of_failures(const PathWindow& window, const std::vector<Tick>& repair_ticks,
                                 const std::vector<std::vector<Tick>>& failures);

  /// Failures of `cause` at ticks before `tick`.
  std::int64_t failures_before(std::size_t cause, Tick tick) const;
  /// GPUs failed and not yet repaired as an instant `tick` begins (before its repairs and
  /// failures); 0 after the pool retired.
  std::int64_t failed_before(Tick tick) const;
  /// Failed GPU-seconds from the install to `tick`, none after the retirement.
  double failed_gpu_s(Tick tick) const;
  /// The engine events the path stands for: candidates that would fire before the end and
  /// retirement, and repairs that would end before the end.
  std::uint64_t events() const { return events_; }
  /// The pool retires at `at` instead (a planner's refresh): its candidates after `at` are
  /// dropped, as the event-driven run cancels them at the retirement.
  void retire_early(Tick at);

 private:
  /// One cause's failures: their ticks, ascending, and the running sums of their seconds since
  /// the install (sum_s[i] is the sum of the first i).
  struct CauseFailures {
    std::vector<Tick> at;
    std::vector<double> sum_s{0.0};
    Tick repair_ticks = 0;
  };

  void add_failure(std::size_t cause, Tick tick);
  void count_events();

  std::vector<CauseFailures> causes_;
  std::vector<Tick> rejected_;  ///< candidates thinned away (few: a failed GPU's share), ascending
  PathWindow window_;
  std::uint64_t events_ = 0;
};

}  // namespace capsim
