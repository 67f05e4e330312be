#pragma once
/// The demand planner's forecasts: each service's GPUs over a span (from the model, or from a
/// fit of the demand it has observed), training's GPUs, and the power they need.

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "capsim/model/planning/planner.hpp"

namespace capsim {

/// A week of a service's forecast sizing: its busiest hour and its mean, in GPUs.
struct WeekOfGpus {
  std::int64_t peak = 0;
  double mean = 0.0;
};

/// Training's GPUs at a tick over the planner's target utilisation, and the largest job some
/// cluster must hold whole.
struct TrainingForecast {
  double gpus = 0.0;
  std::int64_t largest_job_gpus = 0;
};

class DemandForecast {
 public:
  /// Records each service's mean demand over the planning period just ended, for the fit.
  void observe(const PlanningView& view);

  /// What the service's demand curve is multiplied by at `tick`. From the model: today's
  /// feedback multiple carried on towards where prices will send it. From a fit, which knows
  /// only the past: the exponential least-squares fit of the last forecast_periods periods'
  /// mean demand, over the curve's own mean then (with one period, its mean; with none,
  /// today's demand).
  double demand_scale(const PlanningView& view, std::size_t service, Tick tick) const;
  /// A week of the service's sizing from `from`.
  WeekOfGpus week(const PlanningView& view, std::size_t service, Tick from) const;
  /// GPUs a service will need over the span its new GPUs serve, [from, until): enough for
  /// the busiest hour of the span's last week, so the SLO holds to its end, and the mean of
  /// its middle week at the planner's target utilisation, so the fleet runs at the target on
  /// average while demand grows through the span.
  std::int64_t service_gpus(const PlanningView& view, std::size_t service, Tick from,
                            Tick until) const;
  /// Training's GPUs at `tick`, from the model: the generator's workload (what runs and waits
  /// now, grown as its arrivals grow) and every listed job not yet started that is submitted
  /// by then, dependencies or not; over the planner's target utilisation.
  TrainingForecast training(const PlanningView& view, Tick tick) const;
  /// IT power the fleet will need at `tick` at peak draw: each service's forecast GPUs of its
  /// part, and training's of the best-value part now.
  double power_w(const PlanningView& view, Tick tick) const;

 private:
  struct Observed {
    /// (middle of a planning period in seconds, mean tokens/s demanded in it)
    std::vector<std::pair<double, double>> demand;
    Tick last_review = 0;
    double tokens_at_last_review = 0.0;
  };
  std::vector<Observed> observed_;  ///< per service
};

}  // namespace capsim
