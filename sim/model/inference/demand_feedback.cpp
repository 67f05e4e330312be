#include "capsim/model/inference/demand_feedback.hpp"

#include <cmath>

namespace capsim {

double price_ratio(const DemandFeedbackSpec& feedback, const EfficiencyTimeline& efficiency,
                   double t_s) {
  if (!feedback.enabled)
    return 1.0;
  return efficiency.inference(0.0) / efficiency.inference(t_s);
}

double demand_multiple_towards(double multiple, double elasticity,
                               const DemandFeedbackSpec& feedback, double target_price_ratio,
                               double elapsed_s) {
  if (!feedback.enabled || elasticity == 0.0)
    return multiple;
  const double target = std::pow(target_price_ratio, -elasticity);
  const double keep =
      feedback.adjustment_time_s > 0.0 ? std::exp(-elapsed_s / feedback.adjustment_time_s) : 0.0;
  return target + (multiple - target) * keep;
}

}  // namespace capsim
