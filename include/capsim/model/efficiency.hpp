#pragma once
/// The efficiency timeline: how much less compute the same work needs at a time, by kind.
///
///   gain_k(t) = Π_steps(kind k, date ≤ t) factor × Π_trends(kind k) 2^{(min(t, until) − from) /
///   halving}
///
/// (a trend counts only after its `from`). Steps and trends compose by multiplication. The
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
  /// Dates count from the calendar's start; a step dated before the start applies from t = 0.
  EfficiencyTimeline(const EfficiencySpec& spec, const Calendar& calendar);

  /// gain_k(t) for `t_s` seconds since the start. O(steps + trends).
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
  std::vector<Step> steps_;
  std::vector<Trend> trends_;
};

}  // namespace capsim
