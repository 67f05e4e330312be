#include "capsim/model/planning/planning_basics.hpp"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include "capsim/model/fleet/pool.hpp"

namespace capsim {

Tick next_planning_period(const PlanningView& view) {
  const Calendar& calendar = view.calendar();
  return calendar.tick_of(next_period_start(calendar.date_of(view.now()),
                                            view.scenario().planner.budget_period,
                                            view.scenario().scenario.start));
}

void PeriodicPlanner::review(const PlanningView& view, FleetActions& actions, std::uint64_t) {
  const Tick now = view.now();
  if (now >= view.end())
    return;
  review_period(view, actions,
                {now, next_planning_period(view),
                 now + ticks_from_seconds(view.scenario().planner.lead_time_s)});
}

double budget_at(const PlanningView& view, Tick tick) {
  const PlannerSpec& planner = view.scenario().planner;
  double budget = planner.budget_per_period_usd.value_or(0.0);
  for (const BudgetChangeSpec& change : planner.budget_changes) {
    if (view.calendar().tick_of(change.from) <= tick)
      budget = change.budget_per_period_usd;
  }
  return budget;
}

PeriodBudget period_budget(const PlanningView& view, FleetActions& actions, Tick next,
                           double carried_in_usd) {
  const double budget = budget_at(view, view.now());
  const double money = budget + carried_in_usd;
  const double facility_due = facility_due_in_period(view, next);
  CapacitySummary& summary = actions.summary();
  summary.budget_usd += budget;
  summary.budget_spent_facility_usd += std::min(money, facility_due);
  return {facility_due, std::max(0.0, money - facility_due)};
}

double facility_due_in_period(const PlanningView& view, Tick next) {
  return view.facility_capex_due_by(next) - view.facility_capex_due_by(view.now());
}

double planned_power_per_gpu_w(const PlanningView& view, const AcceleratorSpec& part) {
  return installed_power_per_gpu_w(part, view.scenario().planner.non_server_power.per_gpu_w());
}

OrderRequest planned_order(const PlanningView& view, const std::string& name, std::size_t part,
                           std::size_t site, std::int64_t gpus, Tick arrival, double service_life_s,
                           std::size_t cluster) {
  OrderRequest order;
  order.name = name;
  order.part = part;
  order.site = site;
  order.gpus = gpus;
  order.non_server_power_per_gpu_w = view.scenario().planner.non_server_power.per_gpu_w();
  order.arrival = arrival;
  order.service_life_s = service_life_s;
  order.cluster = cluster;
  // The fixed plan may pre-order up to a year before first_ship: at the launch price.
  order.price_per_gpu_usd =
      view.parts()[part]->price_per_gpu_at(view.calendar().date_of(view.now())).value();
  return order;
}

std::optional<double> price_at(const PlanningView& view, const AcceleratorSpec& part, Tick tick) {
  const Date date = view.calendar().date_of(tick);
  return part.on_sale(date) ? part.price_per_gpu_at(date) : std::nullopt;
}

std::optional<double> price_now(const PlanningView& view, const AcceleratorSpec& part) {
  return price_at(view, part, view.now());
}

double mean_cost_per_power(const PlanningView& view) {
  double sum = 0.0;
  for (std::size_t s = 0; s < view.site_count(); ++s)
    sum += view.site(s).spec->cost_per_power_usd_per_w;
  return view.site_count() == 0 ? 0.0 : sum / static_cast<double>(view.site_count());
}

PurchaseValue PartRanking::explain(std::size_t part,
                                   const std::vector<const AcceleratorSpec*>& catalog) const {
  PurchaseValue explained;
  explained.unit = unit;
  const RankedPart* runner_up = nullptr;
  for (const RankedPart& ranked : parts) {
    if (ranked.part == part)
      explained.value = ranked.value;
    else if (runner_up == nullptr)
      runner_up = &ranked;
  }
  if (runner_up != nullptr) {
    explained.runner_up = catalog[runner_up->part]->name;
    explained.runner_up_value = runner_up->value;
  }
  return explained;
}

bool planner_may_buy(const PlanningView& view, const AcceleratorSpec& part) {
  const std::vector<std::string>& allowed = view.scenario().planner.parts;
  return allowed.empty() || std::find(allowed.begin(), allowed.end(), part.name) != allowed.end();
}

PartRanking rank_parts(const PlanningView& view, Tick tick, const ThroughputPerGpu& throughput,
                       std::string_view throughput_unit, ValueBasis basis) {
  PartRanking ranking;
  ranking.unit =
      fmt::format("{} per {}", throughput_unit, basis == ValueBasis::per_dollar ? "USD" : "W");
  const double facility_per_w = mean_cost_per_power(view);
  const std::vector<const AcceleratorSpec*>& parts = view.parts();
  std::vector<std::pair<RankedPart, double>> ranked;  // with the value on the other basis
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const AcceleratorSpec& part = *parts[i];
    if (!planner_may_buy(view, part))
      continue;
    const std::optional<double> price = price_at(view, part, tick);
    if (!price)
      continue;
    const std::optional<double> per_gpu = throughput(i);
    if (!per_gpu)
      continue;
    const double power_w = planned_power_per_gpu_w(view, part);
    const double per_dollar = *per_gpu / (*price + power_w * facility_per_w);
    const double per_watt = *per_gpu / power_w;
    ranked.push_back({{i, basis == ValueBasis::per_dollar ? per_dollar : per_watt},
                      basis == ValueBasis::per_dollar ? per_watt : per_dollar});
  }
  // Ties on the basis go to the better value on the other one.
  std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    return a.first.value != b.first.value ? a.first.value > b.first.value : a.second > b.second;
  });
  for (const auto& entry : ranked)
    ranking.parts.push_back(entry.first);
  return ranking;
}

PartRanking training_parts(const PlanningView& view, Tick tick, ValueBasis basis) {
  const Precision precision = view.scenario().planner.value_precision;
  return rank_parts(
      view, tick, [&](std::size_t part) { return view.parts()[part]->peak_flop_per_s(precision); },
      "FLOP/s", basis);
}

std::vector<std::size_t> parts_by_value(const PlanningView& view, Tick tick) {
  std::vector<std::size_t> order;
  for (const RankedPart& ranked : training_parts(view, tick).parts)
    order.push_back(ranked.part);
  return order;
}

bool power_binds(const PlanningView& view, std::size_t part, double gpus, double free_w) {
  return gpus * planned_power_per_gpu_w(view, *view.parts()[part]) > free_w;
}

double site_free_power_w(const PlanningView& view, std::size_t site, Tick tick,
                         bool with_retiring) {
  return std::max(0.0, view.site(site).uncommitted_power_w(tick) +
                           (with_retiring ? view.retiring_power_w(site, tick) : 0.0));
}

double free_power_w(const PlanningView& view, Tick tick, bool with_retiring) {
  double free_w = 0.0;
  for (std::size_t s = 0; s < view.site_count(); ++s) {
    if (view.site(s).started())
      free_w += site_free_power_w(view, s, tick, with_retiring);
  }
  return free_w;
}

std::vector<SitePlacement> fit_on_sites(const PlanningView& view,
                                        const std::vector<std::size_t>& site_order,
                                        double per_gpu_w, std::int64_t gpus,
                                        const std::function<double(std::size_t)>& free_power_w) {
  std::vector<SitePlacement> placements;
  std::int64_t left = gpus;
  for (const std::size_t s : site_order) {
    if (left == 0)
      break;
    if (!view.site(s).started())
      continue;
    const std::int64_t take = std::min(left, gpus_fitting(free_power_w(s), per_gpu_w));
    if (take == 0)
      continue;
    placements.push_back({s, take});
    left -= take;
  }
  return placements;
}

std::string format_billions(double usd) {
  return fmt::format("${:.3f}B", usd / 1e9);
}

}  // namespace capsim
