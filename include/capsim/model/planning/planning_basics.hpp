#pragma once
/// What both the budget and the demand planner reckon with: the planning calendar, the money
/// of a period, the parts by value, and placing GPUs on sites with power to spare.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "capsim/model/planning/planner.hpp"

namespace capsim {

/// The start of the planning period after the one starting now.
Tick next_planning_period(const PlanningView& view);

/// A planning period under review: it starts now and ends where the next one starts; GPUs
/// ordered in it arrive a lead time (planner.lead_time_s) after its start.
struct PlanningPeriod {
  Tick now = 0;
  Tick next = 0;
  Tick arrival = 0;
};

/// A planner that reviews every planning period from the start. A period that starts at the
/// horizon's end lies outside the run and is not reviewed.
class PeriodicPlanner : public Planner {
 public:
  bool reviews_every_period() const final { return true; }
  void review(const PlanningView& view, FleetActions& actions, std::uint64_t tag) final;

 protected:
  virtual void review_period(const PlanningView& view, FleetActions& actions,
                             const PlanningPeriod& period) = 0;
};

/// The planner's budget per period in force at `tick`.
double budget_at(const PlanningView& view, Tick tick);

/// A planning period's money: the facility payments due before the next period, which come
/// out of its budget first, and what is left for GPUs.
struct PeriodBudget {
  double facility_due_usd = 0.0;
  double for_gpus_usd = 0.0;
};

/// The period starting now, to `next`; its budget and facility payments go into the summary.
/// `carried_in_usd` is budget carried from earlier periods (planner.unplaced_budget: carry):
/// it is spent like this period's but counted in the summary's budget only once, when it was
/// first given.
PeriodBudget period_budget(const PlanningView& view, FleetActions& actions, Tick next,
                           double carried_in_usd = 0.0);
/// Facility capex due from now to `next` on the sites started so far.
double facility_due_in_period(const PlanningView& view, Tick next);

/// Site power a planner's new GPU of `part` claims: its server at full load and the network
/// and storage of the clusters the planner builds (planner.non_server_power).
double planned_power_per_gpu_w(const PlanningView& view, const AcceleratorSpec& part);

/// The price per GPU of `part` ordered now, or none when it is not on sale now (before its
/// first_ship, from its end_of_sale, or never sold): planners buy only what this prices.
std::optional<double> price_now(const PlanningView& view, const AcceleratorSpec& part);

/// A planner's order of `gpus` of `part` for `site`, wanted on `arrival`, for `cluster`, at
/// the part's price now (it must have one); its cluster takes the planner's network and
/// storage power.
OrderRequest planned_order(const PlanningView& view, const std::string& name, std::size_t part,
                           std::size_t site, std::int64_t gpus, Tick arrival, double service_life_s,
                           std::size_t cluster);

/// Facility cost per watt, averaged over the sites.
double mean_cost_per_power(const PlanningView& view);

/// Parts on sale at `tick` (first_ship <= its date < end_of_sale, with a price) that have the
/// planner's precision, best value first: most dense peak FLOP/s per all-in dollar (the GPU's
/// price at `tick` plus the facility its power needs).
/// Ties keep catalog order.
std::vector<std::size_t> parts_by_value(const PlanningView& view, Tick tick);

/// GPUs placed at one site.
struct SitePlacement {
  std::size_t site = 0;
  std::int64_t gpus = 0;
};

/// Places up to `gpus` GPUs of `per_gpu_w` server power each on the started sites, in
/// `site_order`, as far as each site's `free_power_w(site)` holds them.
std::vector<SitePlacement> fit_on_sites(const PlanningView& view,
                                        const std::vector<std::size_t>& site_order,
                                        double per_gpu_w, std::int64_t gpus,
                                        const std::function<double(std::size_t)>& free_power_w);

/// "$1.234B".
std::string format_billions(double usd);

}  // namespace capsim
