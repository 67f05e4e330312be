// The budget planner (planner.policy: budget): spends a budget every planning period on the
// best performance per dollar available, starting sites ahead so that power is ready for what
// it buys.

#include <algorithm>
#include <cmath>
#include <memory>
#include <numeric>

#include <fmt/format.h>

#include "capsim/model/planning/planners.hpp"
#include "capsim/model/planning/planning_basics.hpp"

namespace capsim {

namespace {

class BudgetPlanner final : public PeriodicPlanner {
 public:
  /// Spends one period's budget. Sites are started first, ahead of need, so that the facility
  /// payments they bring are paid from this budget too; the rest buys the best-value part up
  /// to its vendor cap and the site power available by the time the GPUs arrive (a period of
  /// waiting allowed), then the next part.
  void review_period(const PlanningView& view, FleetActions& actions,
                     const PlanningPeriod& period) override {
    const auto [now, next, arrival] = period;
    const double budget = budget_at(view, now);
    const std::vector<std::size_t> ranked = parts_by_value(view, now);
    if (!ranked.empty()) {
      const AcceleratorSpec& best = *view.parts()[ranked.front()];
      const double power_per_gpu_w = planned_power_per_gpu_w(view, best);
      const double all_in =
          best.price_installed_per_gpu_usd + power_per_gpu_w * mean_cost_per_power(view);
      start_sites_ahead(view, actions, budget / all_in * power_per_gpu_w, next - now);
    }
    const PeriodBudget money = period_budget(view, actions, next);
    const double gpu_budget = std::min(view.funds_left(), money.for_gpus_usd);
    double remaining = gpu_budget;
    std::vector<std::string> bought;
    for (const std::size_t part : ranked) {
      const double price = view.parts()[part]->price_installed_per_gpu_usd;
      const auto affordable = static_cast<std::int64_t>(remaining / price);
      const std::int64_t wanted = std::min(affordable, view.vendor_cap_remaining(part, arrival));
      if (wanted <= 0)
        continue;
      const std::int64_t placed = buy(view, actions, part, wanted, arrival, arrival + (next - now));
      remaining -= static_cast<double>(placed) * price;
      if (placed > 0)
        bought.push_back(fmt::format("{} {}", placed, view.parts()[part]->name));
    }
    CapacitySummary& summary = actions.summary();
    summary.budget_spent_gpus_usd += gpu_budget - remaining;
    summary.budget_unplaced_usd += remaining;
    actions.record(
        {now, BuildoutKind::budget, "", "", "", 0, 0.0, budget, 0.0,
         fmt::format(
             "bought {}; facility due {}; unspent {}",
             bought.empty() ? std::string("nothing") : fmt::format("{}", fmt::join(bought, ", ")),
             format_billions(money.facility_due_usd), format_billions(remaining))});
  }

 private:
  /// Assigns a purchase to sites whose power is online by `power_needed_by` and not yet
  /// claimed, in the order the scenario lists them, each site's share a cluster of its own.
  /// Returns the GPUs placed; the rest finds no power in time and is not bought.
  static std::int64_t buy(const PlanningView& view, FleetActions& actions, std::size_t part,
                          std::int64_t gpus, Tick arrival, Tick power_needed_by) {
    const AcceleratorSpec& spec = *view.parts()[part];
    std::vector<std::size_t> site_order(view.site_count());
    std::iota(site_order.begin(), site_order.end(), std::size_t{0});
    std::int64_t placed = 0;
    for (const SitePlacement& at : fit_on_sites(
             view, site_order, planned_power_per_gpu_w(view, spec), gpus,
             [&](std::size_t s) { return view.site(s).uncommitted_power_w(power_needed_by); })) {
      const std::string& site = view.site(at.site).spec->name;
      const std::string name = fmt::format(
          "budget-{}-{}-{}", format_date(view.calendar().date_of(view.now())), spec.name, site);
      actions.record({view.now(), BuildoutKind::order, site, spec.name, name, at.gpus, 0.0,
                      static_cast<double>(at.gpus) * spec.price_installed_per_gpu_usd, 0.0,
                      "budget planner"});
      const std::size_t cluster = actions.add_cluster(name, at.site, part, at.gpus, FabricSpec{});
      actions.place_order(planned_order(view, name, part, at.site, at.gpus, arrival,
                                        view.scenario().planner.service_life_s, cluster));
      placed += at.gpus;
    }
    return placed;
  }

  /// Starts the next site early enough that its power is ready when the GPUs bought in the
  /// periods it takes to build arrive: when the power not yet committed would run out before
  /// the next site's first phase could be ready, at the expected buying rate.
  static void start_sites_ahead(const PlanningView& view, FleetActions& actions,
                                double power_per_period, Tick period) {
    if (power_per_period <= 0.0 || period <= 0)
      return;
    double uncommitted = 0.0;
    for (std::size_t s = 0; s < view.site_count(); ++s) {
      if (view.site(s).started())
        uncommitted += std::max(0.0, view.site(s).uncommitted_power_w(INT64_MAX));
    }
    for (std::size_t s = 0; s < view.site_count(); ++s) {
      const SiteState& site = view.site(s);
      if (site.started() || !site.buildable())
        continue;
      const double lead_s = view.scenario().planner.lead_time_s;
      const double periods_until_ready = std::ceil(
          std::max(0.0, site.first_phase_ready_s() - lead_s) / seconds_from_ticks(period));
      // A site the owner's funds cannot pay for is not started.
      if (uncommitted < power_per_period * (periods_until_ready + 1.0) &&
          site.facility_cost_usd() <= view.funds_left()) {
        actions.start_site(s, "budget planner: started ahead of GPU arrivals");
      }
      return;  // one site at a time, in the scenario's order
    }
  }
};

}  // namespace

std::unique_ptr<Planner> make_budget_planner() {
  return std::make_unique<BudgetPlanner>();
}

}  // namespace capsim
