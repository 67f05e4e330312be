// The demand planner (planner.policy: demand): each planning period it forecasts what serving
// and training will need one lead time ahead and orders what the fleet then will lack, at
// the planner's target utilisation, within the budget, the funds, the vendor caps and the
// site power; it starts sites a build time ahead. What it cannot order is a shortfall.

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <optional>
#include <tuple>
#include <utility>

#include <fmt/format.h>

#include "capsim/model/planning/demand_forecast.hpp"
#include "capsim/model/planning/lease_policy.hpp"
#include "capsim/model/planning/planners.hpp"
#include "capsim/model/planning/planning_basics.hpp"

namespace capsim {

namespace {

/// What the planner could not order in a period, and why.
struct Shortfall {
  std::int64_t gpus = 0;
  std::vector<std::string> reasons;
  std::string money_limit = "budget";  ///< what caps the money: the budget or the funds
};

constexpr std::size_t kNewCluster = static_cast<std::size_t>(-1);

/// Where an order's GPUs go: an existing cluster, or (kNewCluster) the planner's own cluster at
/// each site, for training or for one service on another part than its home's.
struct OrderTarget {
  std::size_t cluster = kNewCluster;
  std::optional<std::size_t> service;  ///< with kNewCluster: serving it; else training
};

/// Tokens/s a GPU of each catalog part serves of one service (none where its model does not
/// fit the part).
struct ServiceOnParts {
  std::vector<std::optional<double>> tokens_per_gpu_s;

  /// GPUs of the home part that one GPU of `part` stands for; none when either cannot serve
  /// the demand (a demand past any fleet, which serving reports as bad input).
  std::optional<double> home_gpus_per_gpu(std::size_t part, std::size_t home_part) const {
    if (!tokens_per_gpu_s[part] || !tokens_per_gpu_s[home_part])
      return std::nullopt;
    return *tokens_per_gpu_s[part] / *tokens_per_gpu_s[home_part];
  }
};

class DemandPlanner final : public PeriodicPlanner {
 public:
  /// Serving GPUs join the service's cluster while its part is the best value for serving it,
  /// else a cluster of the best part that the service serves on too (replicas need not share
  /// a site); training GPUs form clusters of the best-value part, one per site. Sites start when
  /// the power in hand will not hold what is needed.
  void review_period(const PlanningView& view, FleetActions& actions,
                     const PlanningPeriod& period) override {
    const auto [now, next, arrival] = period;
    // Each period's orders must hold until the next period's arrive.
    const Tick horizon = arrival + (next - now);
    forecast_.observe(view);
    Shortfall shortfall;
    // Sites first, as the budget planner does, so the facility payments they bring this
    // period come out of this period's money.
    start_sites(view, actions, horizon, next - now, shortfall);
    double budget_left = view.funds_left();
    shortfall.money_limit = "funds";
    const bool budgeted = view.scenario().planner.budget_per_period_usd.has_value();
    if (budgeted) {
      const double for_gpus = period_budget(view, actions, next).for_gpus_usd;
      if (for_gpus < budget_left) {
        budget_left = for_gpus;
        shortfall.money_limit = "budget";
      }
    }
    const double budget_start = budget_left;
    order_serving_and_training(view, actions, arrival, horizon, budget_left, shortfall);
    CapacitySummary& summary = actions.summary();
    if (budgeted) {
      summary.budget_spent_gpus_usd += budget_start - budget_left;
      summary.budget_unplaced_usd += budget_left;
    }
    report(view, actions, shortfall);
  }

 private:
  void order_serving_and_training(const PlanningView& view, FleetActions& actions, Tick arrival,
                                  Tick horizon, double& budget_left, Shortfall& shortfall) {
    // A service's need and what it will have, in GPUs of its home part: its share (by need)
    // of its home cluster, and the planner's clusters for it on other parts.
    std::vector<double> need(view.service_count());
    std::map<std::size_t, double> home_need;  // home cluster -> its services' need
    for (std::size_t k = 0; k < view.service_count(); ++k) {
      need[k] = static_cast<double>(forecast_.service_gpus(view, k, arrival, horizon));
      home_need[view.service(k).cluster] += need[k];
    }
    std::map<std::size_t, double> home_lacking;  // home cluster -> GPUs of its part to order
    home_values_.clear();
    double serving_surplus = 0.0;
    for (std::size_t k = 0; k < view.service_count(); ++k) {
      const std::size_t home = view.service(k).cluster;
      const std::size_t home_part = view.cluster(home).part;
      const ServiceOnParts on_parts = service_on_parts(view, k, horizon);
      double have =
          home_need[home] > 0.0
              ? static_cast<double>(view.cluster_gpus_at(home, horizon)) * need[k] / home_need[home]
              : 0.0;
      for (const ServingCapacity& extra : serving_capacity_) {
        const std::optional<double> worth =
            on_parts.home_gpus_per_gpu(view.cluster(extra.cluster).part, home_part);
        if (!worth ||
            std::find(extra.services.begin(), extra.services.end(), k) == extra.services.end())
          continue;
        const double share =
            extra.shared && home_need[home] > 0.0 ? need[k] / home_need[home] : 1.0;
        have += static_cast<double>(view.cluster_gpus_at(extra.cluster, horizon)) * *worth * share;
      }
      const double lacking = need[k] - have;
      if (lacking <= 0.0) {
        serving_surplus -= lacking;
        continue;
      }
      const std::optional<std::size_t> moved_to = order_serving_elsewhere(
          view, actions, k, on_parts, lacking, arrival, budget_left, shortfall);
      if (!moved_to)
        home_lacking[home] += lacking;
    }
    // The home clusters' orders: one per cluster, for all its services that stay on its part.
    for (const auto& [home, lacking] : home_lacking) {
      const auto gpus = static_cast<std::int64_t>(std::ceil(lacking - 1e-9));
      if (gpus > 0) {
        const std::size_t part = view.cluster(home).part;
        order_for(view, actions, OrderTarget{home, std::nullopt}, part, gpus, arrival, budget_left,
                  shortfall, home_values_.count(home) ? home_values_[home] : PurchaseValue{});
      }
    }
    // Training may use what serving leaves anywhere, but a gang job needs one cluster that
    // holds it whole: the planner's training cluster grows until the largest job fits.
    auto training_have = static_cast<std::int64_t>(std::floor(serving_surplus + 1e-9));
    std::int64_t largest_training_cluster = 0;
    for (std::size_t c = 0; c < view.cluster_count(); ++c) {
      if (home_need.count(c) != 0 || serves(c))
        continue;
      const std::int64_t gpus = view.cluster_gpus_at(c, horizon);
      training_have += gpus;
      largest_training_cluster = std::max(largest_training_cluster, gpus);
    }
    const TrainingForecast training = forecast_.training(view, horizon);
    const auto training_lacking =
        std::max(static_cast<std::int64_t>(
                     std::ceil(training.gpus - static_cast<double>(training_have) - 1e-9)),
                 training.largest_job_gpus - largest_training_cluster);
    PartRanking ranking = training_parts(view, view.now());
    if (training_lacking > 0 && !ranking.empty()) {
      if (power_binds(view, ranking.best(), static_cast<double>(training_lacking),
                      free_power_w(view, arrival, true)))
        ranking = training_parts(view, view.now(), ValueBasis::per_watt);
      order_for(view, actions, OrderTarget{}, ranking.best(), training_lacking, arrival,
                budget_left, shortfall, ranking.explain(ranking.best(), view.parts()));
    }
  }

  /// Each part's tokens/s per GPU for the service's forecast demand at `tick`.
  ServiceOnParts service_on_parts(const PlanningView& view, std::size_t k, Tick tick) const {
    const Tick hour = tick - tick % kTicksPerHour;
    const TokenDemand demand =
        view.service_demand_at(k, hour, forecast_.demand_scale(view, k, tick));
    ServiceOnParts on_parts;
    for (std::size_t part = 0; part < view.parts().size(); ++part) {
      const std::optional<double> per_gpu = view.service_tokens_per_gpu_s(k, part, hour, demand);
      on_parts.tokens_per_gpu_s.push_back(per_gpu && *per_gpu > 0.0 ? per_gpu : std::nullopt);
    }
    return on_parts;
  }

  /// Chooses the part for `lacking` home GPUs' worth of the service: the most tokens/s per
  /// dollar (per watt where site power binds) among the parts that host it. Another part than
  /// its home's is ordered here, into the planner's cluster of it for the service, and
  /// returned; the home part is left to the home cluster's order (its value kept for it).
  std::optional<std::size_t> order_serving_elsewhere(const PlanningView& view,
                                                     FleetActions& actions, std::size_t k,
                                                     const ServiceOnParts& on_parts, double lacking,
                                                     Tick arrival, double& budget_left,
                                                     Shortfall& shortfall) {
    const std::size_t home = view.service(k).cluster;
    const std::size_t home_part = view.cluster(home).part;
    const auto per_gpu = [&](std::size_t part) { return on_parts.tokens_per_gpu_s[part]; };
    PartRanking ranking = rank_parts(view, view.now(), per_gpu, "tokens/s", ValueBasis::per_dollar);
    // Nothing else on sale hosts it, or its home part cannot serve the demand: the home
    // cluster's order reports why.
    if (ranking.empty() || !on_parts.tokens_per_gpu_s[home_part])
      return std::nullopt;
    const auto gpus_of = [&](std::size_t part) {
      return static_cast<std::int64_t>(
          std::ceil(lacking / *on_parts.home_gpus_per_gpu(part, home_part) - 1e-9));
    };
    if (power_binds(view, ranking.best(), static_cast<double>(gpus_of(ranking.best())),
                    free_power_w(view, arrival, true)))
      ranking = rank_parts(view, view.now(), per_gpu, "tokens/s", ValueBasis::per_watt);
    const std::size_t best = ranking.best();
    if (best == home_part) {
      home_values_[home] = ranking.explain(best, view.parts());
      return std::nullopt;
    }
    order_for(view, actions, OrderTarget{kNewCluster, k}, best, gpus_of(best), arrival, budget_left,
              shortfall, ranking.explain(best, view.parts()));
    return best;
  }

  /// Orders up to `gpus` of a part for a target, within the vendor cap, the budget left and
  /// the site power online when they arrive. Returns the GPUs ordered and adds the reasons for
  /// any shortfall.
  std::int64_t order_for(const PlanningView& view, FleetActions& actions, const OrderTarget& target,
                         std::size_t part, std::int64_t gpus, Tick arrival, double& budget_left,
                         Shortfall& shortfall, const PurchaseValue& value) {
    // GPUs are paid when they arrive: power must be online then, or they sit idle, paid for.
    const Tick power_needed_by = arrival;
    const AcceleratorSpec& spec = *view.parts()[part];
    if (!planner_may_buy(view, spec)) {
      shortfall.reasons.push_back(fmt::format("{} in planner.parts", spec.name));
      shortfall.gpus += gpus;
      return 0;
    }
    const std::optional<double> price = price_now(view, spec);
    if (!price) {
      shortfall.reasons.push_back(fmt::format("{} on sale", spec.name));
      shortfall.gpus += gpus;
      return 0;
    }
    std::int64_t wanted = std::min(gpus, view.vendor_cap_remaining(part, arrival));
    if (wanted < gpus)
      shortfall.reasons.push_back(fmt::format("{} vendor cap", spec.name));
    if (std::isfinite(budget_left)) {
      const std::int64_t affordable = gpus_fitting(std::max(0.0, budget_left), *price);
      if (affordable < wanted) {
        wanted = affordable;
        shortfall.reasons.push_back(shortfall.money_limit);
      }
    }
    // The target's own site first: an existing cluster's, or the service's home's.
    std::vector<std::size_t> site_order;
    if (target.cluster != kNewCluster)
      site_order.push_back(view.cluster(target.cluster).site);
    else if (target.service)
      site_order.push_back(view.cluster(view.service(*target.service).cluster).site);
    for (std::size_t s = 0; s < view.site_count(); ++s) {
      if (site_order.empty() || site_order.front() != s)
        site_order.push_back(s);
    }
    std::int64_t ordered = 0;
    for (const SitePlacement& at : fit_on_sites(
             view, site_order, planned_power_per_gpu_w(view, spec), wanted,
             [&](std::size_t s) { return site_free_power_w(view, s, power_needed_by, true); })) {
      const std::size_t cluster =
          target.cluster != kNewCluster
              ? target.cluster
              : planner_cluster(view, actions, target, at.site, part, at.gpus);
      const std::string& site = view.site(at.site).spec->name;
      // Named by cluster as well: a serving and a training order can share a date, part and site.
      const std::string name =
          fmt::format("demand-{}-{}-{}", format_date(view.calendar().date_of(view.now())),
                      view.cluster(cluster).name, site);
      const double amount = static_cast<double>(at.gpus) * *price;
      actions.record({view.now(), BuildoutKind::order, site, spec.name, name, at.gpus, 0.0, amount,
                      0.0, "demand planner", value});
      actions.place_order(planned_order(view, name, part, at.site, at.gpus, arrival,
                                        view.scenario().planner.service_life_s, cluster));
      budget_left -= amount;
      ordered += at.gpus;
    }
    ordered += lease_for(view, actions, target, part, wanted - ordered, power_needed_by);
    if (ordered < wanted)
      shortfall.reasons.push_back(
          fmt::format("site power by {}", format_date(view.calendar().date_of(power_needed_by))));
    shortfall.gpus += gpus - ordered;
    return ordered;
  }

  /// Leases what site power could not hold (planner.lease). A lease for serving is capacity
  /// of the services it serves, shared by need among a home cluster's, as the home is.
  std::int64_t lease_for(const PlanningView& view, FleetActions& actions, const OrderTarget& target,
                         std::size_t part, std::int64_t power_short, Tick power_needed_by) {
    ServingCapacity serving;
    if (target.service) {
      serving.services = {*target.service};
    } else if (target.cluster != kNewCluster) {
      serving.shared = true;
      for (std::size_t k = 0; k < view.service_count(); ++k) {
        if (view.service(k).cluster == target.cluster)
          serving.services.push_back(k);
      }
    }
    const std::int64_t leased = lease_.lease_power_shortfall(
        view, actions, serving.services, part, power_short, power_needed_by, serving.cluster);
    if (leased > 0 && !serving.services.empty())
      serving_capacity_.push_back(std::move(serving));
    return leased;
  }

  /// The planner's cluster of a part at a site for a target, grown by `gpus`: one per site and
  /// part for training, so that large jobs find their GPUs together, and one per service,
  /// site and part for serving, which the service serves on too.
  std::size_t planner_cluster(const PlanningView& view, FleetActions& actions,
                              const OrderTarget& target, std::size_t site, std::size_t part,
                              std::int64_t gpus) {
    if (!target.service)
      return training_cluster(view, actions, site, part, gpus);
    const std::size_t k = *target.service;
    const auto key = std::make_tuple(k, site, part);
    if (const auto found = serving_clusters_.find(key); found != serving_clusters_.end()) {
      actions.grow_cluster(found->second, gpus);
      return found->second;
    }
    const std::string name = fmt::format("{}-{}-{}", view.service(k).spec->name,
                                         view.parts()[part]->name, view.site(site).spec->name);
    const std::size_t cluster = actions.add_cluster(name, site, part, gpus, FabricSpec{});
    serving_clusters_.emplace(key, cluster);
    serving_capacity_.push_back({cluster, {k}, false});
    actions.serve_also_on(k, cluster);
    return cluster;
  }

  /// The planner's training cluster of a part at a site, grown by `gpus`.
  std::size_t training_cluster(const PlanningView& view, FleetActions& actions, std::size_t site,
                               std::size_t part, std::int64_t gpus) {
    const auto key = std::make_pair(site, part);
    if (const auto found = training_clusters_.find(key); found != training_clusters_.end()) {
      actions.grow_cluster(found->second, gpus);
      return found->second;
    }
    const std::string name =
        fmt::format("training-{}-{}", view.parts()[part]->name, view.site(site).spec->name);
    const std::size_t cluster = actions.add_cluster(name, site, part, gpus, FabricSpec{});
    training_clusters_.emplace(key, cluster);
    return cluster;
  }

  /// Sites take longer to build than GPUs take to arrive, so the planner looks a site's build
  /// time ahead: it starts the next site (in the scenario's order) when the power of the
  /// sites started so far, built or not, will not hold what the fleet needs a planning period
  /// after that site's first phase could be ready, and the one after while that is still
  /// short.
  void start_sites(const PlanningView& view, FleetActions& actions, Tick horizon, Tick period,
                   Shortfall& shortfall) const {
    double started_w = 0.0;
    for (std::size_t s = 0; s < view.site_count(); ++s) {
      if (view.site(s).started())
        add_phases_power(view.site(s), started_w);
    }
    for (std::size_t s = 0; s < view.site_count(); ++s) {
      const SiteState& site = view.site(s);
      if (site.started() || !site.buildable())
        continue;
      // The site must hold the need from when it is ready until the next review could start
      // another, a planning period later.
      const Tick ready =
          std::max(horizon, view.now() + ticks_from_seconds(site.first_phase_ready_s()));
      const double needed_w = forecast_.power_w(view, ready + period);
      if (started_w >= needed_w)
        return;
      if (site.facility_cost_usd() > view.funds_left()) {
        shortfall.reasons.push_back(fmt::format("funds to build {}", site.spec->name));
        return;
      }
      actions.start_site(s, fmt::format("demand planner: {:.0f} MW needed by {}, {:.0f} MW started",
                                        needed_w / 1e6, format_date(view.calendar().date_of(ready)),
                                        started_w / 1e6));
      add_phases_power(site, started_w);
    }
  }

  /// Adds each phase's power in turn (the order of the sums is part of the results' bytes).
  static void add_phases_power(const SiteState& site, double& total_w) {
    for (const PhaseState& phase : site.phases)
      total_w += phase.power_w;
  }

  static void report(const PlanningView& view, FleetActions& actions, Shortfall& shortfall) {
    if (shortfall.gpus <= 0)
      return;
    CapacitySummary& summary = actions.summary();
    ++summary.planner_shortfall_periods;
    summary.planner_shortfall_gpus_max =
        std::max(summary.planner_shortfall_gpus_max, shortfall.gpus);
    std::sort(shortfall.reasons.begin(), shortfall.reasons.end());
    shortfall.reasons.erase(std::unique(shortfall.reasons.begin(), shortfall.reasons.end()),
                            shortfall.reasons.end());
    actions.record({view.now(), BuildoutKind::shortfall, "", "", "", shortfall.gpus, 0.0, 0.0, 0.0,
                    fmt::format("demand planner: not ordered for lack of {}",
                                fmt::join(shortfall.reasons, ", ")),
                    PurchaseValue()});
  }

  DemandForecast forecast_;
  LeasePolicy lease_{"demand planner"};
  std::map<std::pair<std::size_t, std::size_t>, std::size_t> training_clusters_;  // (site, part)
  /// (service, site, part) -> the planner's serving cluster there
  std::map<std::tuple<std::size_t, std::size_t, std::size_t>, std::size_t> serving_clusters_;
  /// A cluster beside the services' homes that the planner built or leased for serving, and
  /// the services on it.
  struct ServingCapacity {
    std::size_t cluster = 0;
    std::vector<std::size_t> services;
    bool shared = false;  ///< leased for a home cluster: shared by need, as the home is
  };
  std::vector<ServingCapacity> serving_capacity_;

  bool serves(std::size_t cluster) const {
    return std::any_of(serving_capacity_.begin(), serving_capacity_.end(),
                       [&](const ServingCapacity& extra) { return extra.cluster == cluster; });
  }
  /// The value of the home part for a home cluster's services this review, for its order.
  std::map<std::size_t, PurchaseValue> home_values_;
};

}  // namespace

std::unique_ptr<Planner> make_demand_planner() {
  return std::make_unique<DemandPlanner>();
}

}  // namespace capsim
