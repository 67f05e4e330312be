#include "capsim/model/planning/demand_forecast.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "capsim/model/planning/planning_basics.hpp"

namespace capsim {

void DemandForecast::observe(const PlanningView& view) {
  observed_.resize(view.service_count());
  const Tick now = view.now();
  for (std::size_t k = 0; k < view.service_count(); ++k) {
    Observed& observed = observed_[k];
    const double tokens = view.service_tokens_demanded(k);
    if (now > observed.last_review) {
      observed.demand.emplace_back(
          seconds_from_ticks(observed.last_review + (now - observed.last_review) / 2),
          (tokens - observed.tokens_at_last_review) /
              seconds_from_ticks(now - observed.last_review));
    }
    observed.last_review = now;
    observed.tokens_at_last_review = tokens;
  }
}

double DemandForecast::demand_scale(const PlanningView& view, std::size_t k, Tick tick) const {
  const Tick now = view.now();
  if (view.scenario().planner.forecast == ForecastMethod::model)
    return view.service_multiple_towards(k, tick, seconds_from_ticks(tick - now));
  const ServiceState& service = view.service(k);
  const TokenDemand& base = service.demand.base;
  const auto curve_mean = [&](Tick at) {
    return (base.input_tokens_per_s + base.output_tokens_per_s) *
           service.demand.growth.multiple_at(seconds_from_ticks(at));
  };
  if (curve_mean(tick) <= 0.0)
    return service.demand_multiple;
  // Without two periods to fit, demand is taken to stay where it is.
  double predicted = curve_mean(now) * service.demand_multiple;
  const std::vector<std::pair<double, double>> none;
  const auto& observed = k < observed_.size() ? observed_[k].demand : none;
  if (observed.size() == 1)
    predicted = observed.back().second;
  if (observed.size() >= 2) {
    const auto periods = static_cast<std::size_t>(view.scenario().planner.forecast_periods);
    const std::vector<std::pair<double, double>> recent(
        observed.end() - static_cast<std::ptrdiff_t>(std::min(periods, observed.size())),
        observed.end());
    // A period of zero demand cannot be fitted in logs: demand is taken to stay where it is.
    const bool fittable = std::all_of(recent.begin(), recent.end(), [](const auto& period) {
      return period.second > 0.0 && std::isfinite(period.second);
    });
    predicted = fittable ? fit_exponential(recent, 1.0).multiple_at(seconds_from_ticks(tick))
                         : observed.back().second;
  }
  return predicted / curve_mean(tick);
}

WeekOfGpus DemandForecast::week(const PlanningView& view, std::size_t k, Tick from) const {
  const double multiple = demand_scale(view, k, from);
  WeekOfGpus week;
  constexpr int kHoursPerWeek = 168;
  for (int h = 0; h < kHoursPerWeek; ++h) {
    const Tick hour = from + h * kTicksPerHour;
    const std::int64_t gpus =
        view.service_gpus_for(k, hour, view.service_demand_at(k, hour, multiple));
    week.peak = std::max(week.peak, gpus);
    week.mean += static_cast<double>(gpus) / kHoursPerWeek;
  }
  return week;
}

std::int64_t DemandForecast::service_gpus(const PlanningView& view, std::size_t k, Tick from,
                                          Tick until) const {
  const Tick last_week = std::max(from, until - 7 * kTicksPerDay);
  const std::int64_t peak = week(view, k, last_week).peak;
  // The week centred on the span's middle: on growing demand its mean is the span's mean.
  const Tick middle_week = std::max(from, from + (until - from) / 2 - 7 * kTicksPerDay / 2);
  const double mean = week(view, k, middle_week).mean;
  return std::max(peak, static_cast<std::int64_t>(
                            std::ceil(mean / view.scenario().planner.target_utilisation - 1e-9)));
}

TrainingForecast DemandForecast::training(const PlanningView& view, Tick tick) const {
  const TrainingNeed need = view.training_need_at(tick);
  const JobGeneratorSpec& generator = view.scenario().training.generator;
  const double growth = generator.arrivals_per_s > 0.0
                            ? std::pow(generator.growth_per_year,
                                       seconds_from_ticks(tick - view.now()) / kSecondsPerYear)
                            : 1.0;
  TrainingForecast forecast;
  forecast.gpus = (need.generated_gpus * growth + need.listed_gpus) /
                  view.scenario().planner.target_utilisation;
  forecast.largest_job_gpus = need.largest_waiting_job_gpus;
  return forecast;
}

double DemandForecast::power_w(const PlanningView& view, Tick tick) const {
  double power_w = 0.0;
  for (std::size_t k = 0; k < view.service_count(); ++k) {
    const std::size_t part = view.cluster(view.service(k).cluster).part;
    power_w += static_cast<double>(service_gpus(view, k, tick, tick)) *
               planned_power_per_gpu_w(view, *view.parts()[part]);
  }
  const std::vector<std::size_t> ranked = parts_by_value(view, view.now());
  if (!ranked.empty())
    power_w +=
        training(view, tick).gpus * planned_power_per_gpu_w(view, *view.parts()[ranked.front()]);
  return power_w;
}

}  // namespace capsim
