#pragma once
/// The efficiency timeline: how much less compute the same work needs at a time than at the
/// scenario start, by kind.
///
///   raw_k(t)  = Π_steps(kind k, date ≤ t) factor
///               × Π_trends(kind k) 2^{(min(t, until) − from) / halving}
///   gain_k(t) = raw_k(t) / raw_k(0)
///
/// (a trend counts only after its `from`). The scenario's inputs (measured throughputs, job
/// FLOPs) describe the start, so gains dated before it are already in them and do not apply
/// again. Steps and trends compose by multiplication. The
/// multiplier a workload sees combines its algorithmic kind with software:
///
///   training(t)  = gain_training(t) × gain_software(t)   (for capability-equivalent jobs;
///                                                         fixed-compute jobs see software only)
///   inference(t) = gain_inference(t) × gain_software(t)
///
/// Software gains (kernels, parallelism, MFU) speed every job and every replica; algorithmic
/// gains shrink the compute a capability or a token needs. Hardware gains come from the
/// catalog: parts ship on their dates and planners buy them.

#include "capsim/core/time.hpp"
#include "capsim/model/inputs.hpp"

namespace capsim {

class EfficiencyTimeline {
 public:
  EfficiencyTimeline() = default;
  /// Dates count from the calendar's start.
  EfficiencyTimeline(const EfficiencySpec& spec, const Calendar& calendar);

  /// gain_k(t) for `t_s` seconds since the start: 1 at the start. O(steps + trends).
  double gain(EfficiencyKind kind, double t_s) const;
  /// What a capability-equivalent training job's compute divides by at t.
  double training(double t_s) const;
  /// What a fixed-compute training job's run time divides by at t (software only).
  double software(double t_s) const;
  /// What a token's compute divides by at t: replicas serve this many times more tokens.
  double inference(double t_s) const;
  bool empty() const { return steps_.empty() && trends_.empty(); }

 private:
  struct Step {
    EfficiencyKind kind;
    double factor;
    double at_s;
  };
  struct Trend {
    EfficiencyKind kind;
    double halving_s;
    double from_s;
    double until_s;  ///< +inf when open-ended
  };
  double raw_gain(EfficiencyKind kind, double t_s) const;

  std::vector<Step> steps_;
  std::vector<Trend> trends_;
};

}  // namespace capsim
