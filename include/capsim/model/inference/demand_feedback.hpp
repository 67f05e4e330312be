#pragma once
/// Demand feedback: the price of a token follows its cost at a fixed margin, and at a fixed
/// price per GPU-hour the cost of a token falls as the inference gain rises, so
/// price / price₀ = gain₀ / gain(t), and demand heads for (price / price₀)^−ε. Pure functions.

#include "capsim/model/efficiency/efficiency.hpp"
#include "capsim/model/inputs.hpp"

namespace capsim {

/// Price at `t_s` (seconds from the start) over price at the start: 1 without demand
/// feedback (list prices hold).
double price_ratio(const DemandFeedbackSpec& feedback, const EfficiencyTimeline& efficiency,
                   double t_s);

/// Where a demand multiple `multiple` goes in `elapsed_s` towards the target
/// (price ratio)^−ε, approaching it exponentially with the adjustment time τ:
/// target + (multiple − target) · e^(−elapsed / τ). Unchanged without feedback or with ε = 0.
double demand_multiple_towards(double multiple, double elasticity,
                               const DemandFeedbackSpec& feedback, double target_price_ratio,
                               double elapsed_s);

}  // namespace capsim
