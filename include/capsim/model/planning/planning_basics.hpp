#pragma once
/// What both the budget and the demand planner reckon with: the planning calendar, the money
/// of a period, the parts by value, and placing GPUs on sites with power to spare.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
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

/// The price per GPU of `part` ordered at `tick`, or none when it is not on sale then.
std::optional<double> price_at(const PlanningView& view, const AcceleratorSpec& part, Tick tick);

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

/// What a part's value is measured against: its all-in price (the GPU's price plus the facility
/// its power needs), or, where site power binds, the site power it claims.
enum class ValueBasis { per_dollar, per_watt };

/// A part with its value for a workload: throughput per GPU over its all-in dollars or watts.
struct RankedPart {
  std::size_t part = 0;
  double value = 0.0;
};

/// Parts ranked for one workload, best first, with the unit their values are in.
struct PartRanking {
  std::vector<RankedPart> parts;
  std::string unit;  ///< "FLOP/s per USD", "tokens/s per W", ...

  bool empty() const { return parts.empty(); }
  std::size_t best() const { return parts.front().part; }
  /// The value of `part` (ranked) and the best other part: what buildout.csv says of an order.
  PurchaseValue explain(std::size_t part, const std::vector<const AcceleratorSpec*>& catalog) const;
};

/// Whether planner.parts lets the planners buy `part` (it lists it, or lists none).
bool planner_may_buy(const PlanningView& view, const AcceleratorSpec& part);

/// A part's throughput per GPU for a workload, or none when the part cannot do it.
using ThroughputPerGpu = std::function<std::optional<double>(std::size_t part)>;

/// Parts the planner may buy at `tick` (on sale: first_ship <= its date < end_of_sale, with a
/// price; and in planner.parts when that lists any) that can do the workload, best value first.
/// Ties go to the better value on the other basis, then keep catalog order. `throughput_unit` names
/// what `throughput` counts ("FLOP/s").
PartRanking rank_parts(const PlanningView& view, Tick tick, const ThroughputPerGpu& throughput,
                       std::string_view throughput_unit, ValueBasis basis);

/// Parts ranked for training: dense peak FLOP/s at planner.value_precision per GPU. A job's
/// MFU is the same on every part on the planner's non-blocking fabric (its base MFU), so it
/// scales every part's value alike and is left out.
PartRanking training_parts(const PlanningView& view, Tick tick,
                           ValueBasis basis = ValueBasis::per_dollar);

/// The training ranking's parts per dollar, best first.
std::vector<std::size_t> parts_by_value(const PlanningView& view, Tick tick);

/// Whether site power, not money, limits a purchase: `gpus` of `part` need more than `free_w`.
bool power_binds(const PlanningView& view, std::size_t part, double gpus, double free_w);

/// Site power free at `site` by `tick`, less what is committed (never negative); with
/// `with_retiring`, plus what GPUs retiring by then free.
double site_free_power_w(const PlanningView& view, std::size_t site, Tick tick, bool with_retiring);
/// site_free_power_w summed over the started sites.
double free_power_w(const PlanningView& view, Tick tick, bool with_retiring);

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
