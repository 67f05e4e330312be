// The budget planner (planner.policy: budget): spends a budget every planning period on the
// best performance per dollar available (per watt where site power, not money, binds), starting
// sites ahead so that power is ready for what it buys. What it cannot place is dropped or carried
// to the next period (planner.unplaced_budget), and each period's budget line in buildout.csv says
// why.

#include <algorithm>
#include <cmath>
#include <memory>
#include <numeric>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "capsim/model/planning/lease_policy.hpp"
#include "capsim/model/planning/planners.hpp"
#include "capsim/model/planning/planning_basics.hpp"
#include "capsim/model/planning/refresh_policy.hpp"

namespace capsim {

namespace {

constexpr std::string_view kPowerShort = "too little site power";
constexpr std::string_view kVendorCaps = "vendor caps";

/// What one period's GPU money bought, and what cut it short.
struct Purchase {
  double spent_usd = 0.0;
  std::vector<std::string> bought;  ///< "9800 cheap", in the order bought
  bool power_short = false;         ///< a part found too little site power for its GPUs
  bool vendor_capped = false;       ///< a part's vendor cap held it below what money allowed
};

class BudgetPlanner final : public PeriodicPlanner {
 public:
  /// Spends one period's budget, plus what earlier periods carried. Sites are started first,
  /// ahead of need, so that the facility payments they bring are paid from this budget too;
  /// the rest buys the best-value part up to its vendor cap and the site power available by
  /// the time the GPUs arrive (a period of waiting allowed), then the next part.
  void review_period(const PlanningView& view, FleetActions& actions,
                     const PlanningPeriod& period) override {
    const auto [now, next, arrival] = period;
    const double carried_in = std::exchange(carried_usd_, 0.0);
    const double money = budget_at(view, now) + carried_in;
    PartRanking ranking = training_parts(view, now);
    if (!ranking.empty()) {
      const AcceleratorSpec& best = *view.parts()[ranking.best()];
      const double power_per_gpu_w = planned_power_per_gpu_w(view, best);
      const double all_in = *price_now(view, best) + power_per_gpu_w * mean_cost_per_power(view);
      start_sites_ahead(view, actions, money / all_in * power_per_gpu_w, money, next);
    }
    const PeriodBudget budget = period_budget(view, actions, next, carried_in);
    const double gpu_budget = std::min(view.funds_left(), budget.for_gpus_usd);
    const Tick power_needed_by = arrival + (next - now);
    // Where what the money buys by value per dollar, within the vendor caps, needs more power
    // than is free by then, the power is what is scarce: the most FLOP/s per watt gets the
    // most out of it.
    if (power_per_dollar_plan_w(view, ranking, gpu_budget, arrival) >
        free_power_w(view, power_needed_by, false))
      ranking = training_parts(view, now, ValueBasis::per_watt);
    Purchase purchase =
        buy_best_value(view, actions, ranking, gpu_budget, arrival, power_needed_by);
    if (purchase.power_short && view.scenario().planner.refresh)
      refresh(view, actions, ranking, gpu_budget, arrival, purchase);
    if (purchase.power_short)
      lease_unplaced(view, actions, ranking, gpu_budget, power_needed_by, purchase);
    const double unplaced = gpu_budget - purchase.spent_usd;
    const double unfunded = budget.for_gpus_usd - gpu_budget;

    const bool carry = view.scenario().planner.unplaced_budget == UnplacedBudget::carry;
    carried_usd_ = carry ? unplaced : 0.0;
    const std::string why = why_unplaced(view, ranking, purchase, unplaced, power_needed_by);

    CapacitySummary& summary = actions.summary();
    summary.budget_spent_gpus_usd += purchase.spent_usd;
    summary.budget_unfunded_usd += unfunded;
    // Carried money is in the next period's unplaced figure if it is not spent there.
    summary.budget_unplaced_usd = (carry ? 0.0 : summary.budget_unplaced_usd) + unplaced;
    summary.budget_periods_power_short += why.starts_with(kPowerShort) ? 1 : 0;
    summary.budget_periods_vendor_capped += why == kVendorCaps ? 1 : 0;

    std::string note;
    if (carried_in > 0.0)
      note += fmt::format("carried in {}; ", format_billions(carried_in));
    note +=
        fmt::format("bought {}; facility due {}; unplaced {}",
                    purchase.bought.empty() ? std::string("nothing")
                                            : fmt::format("{}", fmt::join(purchase.bought, ", ")),
                    format_billions(budget.facility_due_usd), format_billions(unplaced));
    if (!why.empty())
      note += fmt::format(" ({}), {}", why, carry ? "carried forward" : "dropped");
    if (unfunded > 0.0)
      note += fmt::format("; {} beyond the funds", format_billions(unfunded));
    actions.record({now, BuildoutKind::budget, "", "", "", 0, 0.0, budget_at(view, now), 0.0,
                    std::move(note), PurchaseValue()});
  }

 private:
  /// Budget carried into the next review (planner.unplaced_budget: carry).
  double carried_usd_ = 0.0;
  LeasePolicy lease_{"budget planner"};

  /// Leases (planner.lease) the GPUs of the ranking's best part that the money site power left
  /// unplaced would have bought. The lease is opex, paid from the funds: the money stays
  /// unplaced.
  void lease_unplaced(const PlanningView& view, FleetActions& actions, const PartRanking& ranking,
                      double money_usd, Tick power_needed_by, Purchase& purchase) {
    const std::size_t part = ranking.best();
    const auto unbought = static_cast<std::int64_t>(
        std::floor((money_usd - purchase.spent_usd) / *price_now(view, *view.parts()[part])));
    std::size_t cluster = 0;
    const std::int64_t leased =
        lease_.lease_power_shortfall(view, actions, {}, part, unbought, power_needed_by, cluster);
    if (leased > 0)
      purchase.bought.push_back(
          fmt::format("leased {} {}", leased, view.parts()[view.cluster(cluster).part]->name));
  }

  static double cheapest_price(const PlanningView& view, const PartRanking& ranking) {
    double cheapest = INFINITY;
    for (const RankedPart& ranked : ranking.parts)
      cheapest = std::min(cheapest, *price_now(view, *view.parts()[ranked.part]));
    return cheapest;
  }

  /// Power the parts `money_usd` buys in their order of value per dollar, each up to its
  /// vendor cap at `arrival`, would claim.
  static double power_per_dollar_plan_w(const PlanningView& view, const PartRanking& ranking,
                                        double money_usd, Tick arrival) {
    double power_w = 0.0;
    for (const RankedPart& ranked : ranking.parts) {
      const AcceleratorSpec& part = *view.parts()[ranked.part];
      const double price = *price_now(view, part);
      const double gpus =
          std::min(std::floor(money_usd / price),
                   static_cast<double>(view.vendor_cap_remaining(ranked.part, arrival)));
      power_w += gpus * planned_power_per_gpu_w(view, part);
      money_usd -= gpus * price;
    }
    return power_w;
  }

  /// What left `unplaced` money: site power if it cut any purchase (without the caps the money
  /// would have met the same shortage), else vendor caps, or no part to buy at all. Empty
  /// when nothing did: leftover change below the cheapest part's price is no shortage.
  static std::string why_unplaced(const PlanningView& view, const PartRanking& ranking,
                                  const Purchase& purchase, double unplaced, Tick power_needed_by) {
    if (unplaced <= 0.0)
      return "";
    if (ranking.empty())
      return "no part to buy";
    if (unplaced < cheapest_price(view, ranking))
      return "";
    if (purchase.power_short)
      return fmt::format("{} by {}", kPowerShort,
                         format_date(view.calendar().date_of(power_needed_by)));
    return purchase.vendor_capped ? std::string(kVendorCaps) : "";
  }

  /// Spends `money_usd` on the parts in their order of value, each up to its vendor cap at
  /// `arrival` and the site power free by `power_needed_by`.
  static Purchase buy_best_value(const PlanningView& view, FleetActions& actions,
                                 const PartRanking& ranking, double money_usd, Tick arrival,
                                 Tick power_needed_by) {
    Purchase purchase;
    for (const RankedPart& ranked : ranking.parts) {
      const std::size_t part = ranked.part;
      const double price = *price_now(view, *view.parts()[part]);
      const auto affordable = static_cast<std::int64_t>((money_usd - purchase.spent_usd) / price);
      const std::int64_t cap = view.vendor_cap_remaining(part, arrival);
      purchase.vendor_capped |= cap < affordable;
      const std::int64_t wanted = std::min(affordable, cap);
      if (wanted <= 0)
        continue;
      const std::int64_t placed = buy(view, actions, part, wanted, arrival, power_needed_by,
                                      ranking.explain(part, view.parts()));
      purchase.power_short |= placed < wanted;
      purchase.spent_usd += static_cast<double>(placed) * price;
      if (placed > 0)
        purchase.bought.push_back(fmt::format("{} {}", placed, view.parts()[part]->name));
    }
    return purchase;
  }

  /// Spends what site power left of the money on replacing old GPUs by the ranking's best part
  /// (refresh_policy.hpp).
  static void refresh(const PlanningView& view, FleetActions& actions, const PartRanking& ranking,
                      double money_usd, Tick arrival, Purchase& purchase) {
    const std::size_t part = ranking.best();
    const Refresh done = refresh_for_power(view, actions, part, money_usd - purchase.spent_usd,
                                           arrival, ranking.explain(part, view.parts()));
    if (done.gpus_bought == 0)
      return;
    purchase.spent_usd += done.spent_usd;
    purchase.bought.push_back(fmt::format("{} {} replacing {} retired early", done.gpus_bought,
                                          view.parts()[part]->name, done.gpus_retired));
  }

  /// Assigns a purchase to sites whose power is online by `power_needed_by` and not yet
  /// claimed, in the order the scenario lists them, each site's share a cluster of its own.
  /// Returns the GPUs placed; the rest finds no power in time and is not bought.
  static std::int64_t buy(const PlanningView& view, FleetActions& actions, std::size_t part,
                          std::int64_t gpus, Tick arrival, Tick power_needed_by,
                          const PurchaseValue& value) {
    const AcceleratorSpec& spec = *view.parts()[part];
    std::vector<std::size_t> site_order(view.site_count());
    std::iota(site_order.begin(), site_order.end(), std::size_t{0});
    std::int64_t placed = 0;
    for (const SitePlacement& at : fit_on_sites(
             view, site_order, planned_power_per_gpu_w(view, spec), gpus,
             [&](std::size_t s) { return site_free_power_w(view, s, power_needed_by, false); })) {
      const std::string& site = view.site(at.site).spec->name;
      const std::string name = fmt::format(
          "budget-{}-{}-{}", format_date(view.calendar().date_of(view.now())), spec.name, site);
      actions.record({view.now(), BuildoutKind::order, site, spec.name, name, at.gpus, 0.0,
                      static_cast<double>(at.gpus) * *price_now(view, spec), 0.0, "budget planner",
                      value});
      const std::size_t cluster = actions.add_cluster(name, at.site, part, at.gpus, FabricSpec{});
      actions.place_order(planned_order(view, name, part, at.site, at.gpus, arrival,
                                        view.scenario().planner.service_life_s, cluster));
      placed += at.gpus;
    }
    return placed;
  }

  /// Starts sites, in the scenario's order, early enough that their power is ready when the
  /// GPUs bought in the periods they take to build arrive: while the power not yet committed
  /// would run out, at the expected buying rate, before the next site's first phase could be
  /// ready. Several may start in one review when money allows: the owner's funds must pay for
  /// each whole site, and the period's money (`money_usd`) for the facility payments due by
  /// `next`. The first site that is not needed yet, or not affordable, stops the review.
  static void start_sites_ahead(const PlanningView& view, FleetActions& actions,
                                double power_per_period, double money_usd, Tick next) {
    const Tick period = next - view.now();
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
      if (uncommitted >= power_per_period * (periods_until_ready + 1.0))
        return;
      const double due_by_next = facility_due_in_period(view, next) +
                                 site.facility_due_within_s(seconds_from_ticks(period));
      if (site.facility_cost_usd() > view.funds_left() || due_by_next > money_usd)
        return;
      actions.start_site(s, "budget planner: started ahead of GPU arrivals");
      uncommitted += site.planned_power_w();
    }
  }
};

}  // namespace

std::unique_ptr<Planner> make_budget_planner() {
  return std::make_unique<BudgetPlanner>();
}

}  // namespace capsim
