#include "capsim/model/efficiency/efficiency.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace capsim {

EfficiencyTimeline::EfficiencyTimeline(const EfficiencySpec& spec, const Calendar& calendar) {
  for (const EfficiencyStepSpec& step : spec.steps) {
    steps_.push_back({step.kind, step.factor, seconds_from_ticks(calendar.tick_of(step.date))});
  }
  for (const EfficiencyTrendSpec& trend : spec.trends) {
    trends_.push_back({trend.kind, trend.halving_time_s,
                       seconds_from_ticks(calendar.tick_of(trend.from)),
                       trend.until ? seconds_from_ticks(calendar.tick_of(*trend.until))
                                   : std::numeric_limits<double>::infinity()});
  }
}

double EfficiencyTimeline::gain(EfficiencyKind kind, double t_s) const {
  return raw_gain(kind, t_s) / raw_gain(kind, 0.0);
}

double EfficiencyTimeline::raw_gain(EfficiencyKind kind, double t_s) const {
  double multiple = 1.0;
  for (const Step& step : steps_) {
    if (step.kind == kind && step.at_s <= t_s)
      multiple *= step.factor;
  }
  for (const Trend& trend : trends_) {
    if (trend.kind != kind || t_s <= trend.from_s)
      continue;
    multiple *= std::exp2((std::min(t_s, trend.until_s) - trend.from_s) / trend.halving_s);
  }
  return multiple;
}

double EfficiencyTimeline::training(double t_s) const {
  return gain(EfficiencyKind::training, t_s) * software(t_s);
}

double EfficiencyTimeline::software(double t_s) const {
  return gain(EfficiencyKind::software, t_s);
}

double EfficiencyTimeline::inference(double t_s) const {
  return gain(EfficiencyKind::inference, t_s) * software(t_s);
}

}  // namespace capsim
