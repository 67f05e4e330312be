#pragma once
// A planner's world built by hand, without the model: a PlanningView of plain data that each
// test sets, and FleetActions that record what the planner does. The actions also do to the
// view what the model would do and the planner reads back within the same review (a site
// started brings its power dates and facility payments, an order reserves site power, uses the
// vendor cap and joins its cluster), so that a review that acts twice sees its first act.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "capsim/model/economics/ledger.hpp"
#include "capsim/model/planning/planner.hpp"
#include "model/fixtures.hpp"

namespace capsim::test {

inline constexpr Tick kNever = INT64_MAX;

/// Ticks at midnight `days` days after the start.
inline Tick day(double days) {
  return ticks_from_seconds(days * kSecondsPerDay);
}

/// A year from 2025-01-01 planned by `policy` in quarters with a lead time of 90 days, and two
/// parts of the same 1,000 TFLOP/s bf16 and 1,000 W per GPU: "dear" at $50K and "cheap" at
/// $25K, in that catalog order. Its clusters are servers only (no network or storage power), so
/// that a test's power arithmetic is its parts'.
inline Scenario planned_year(PlannerPolicy policy) {
  Scenario scenario = one_year();
  scenario.planner.policy = policy;
  scenario.planner.non_server_power = {0.0, 0.0};
  scenario.planner.budget_period = PeriodUnit::quarter;
  scenario.planner.lead_time_s = 90 * kSecondsPerDay;
  scenario.catalog.accelerators.push_back(test_part("dear", 50e3, 1000.0, 200.0));
  scenario.catalog.accelerators.push_back(test_part("cheap", 25e3, 1000.0, 200.0));
  return scenario;
}
inline constexpr std::size_t kDear = 0;
inline constexpr std::size_t kCheap = 1;

/// A site of `mw` MW at $10 per W; with `build_days`, a construction plan of one task ("build")
/// after which all its power comes online, else built before the scenario.
inline SiteSpec site_spec(const std::string& name, double mw, double build_days = 0.0) {
  SiteSpec site;
  site.name = name;
  site.it_power_cap_w = mw * 1e6;
  site.cost_per_power_usd_per_w = 10.0;
  if (build_days > 0.0)
    site.construction.push_back(ConstructionTaskSpec{"build", build_days * kSecondsPerDay, {}});
  return site;
}

/// A service as the planners see it: its state (cluster, demand curve and multiple), how many
/// GPUs serve a demand in an hour, and what the model would answer about its demand.
struct HandBuiltService {
  using Sizing = std::function<std::int64_t(Tick hour, const TokenDemand& demand)>;
  using TokensPerGpu = std::function<std::optional<double>(std::size_t part)>;
  ServiceState state;
  Sizing gpus_for;
  /// Tokens/s a GPU of a part serves; empty: its home cluster's part alone hosts it.
  TokensPerGpu tokens_per_gpu_s;
  double multiple_ahead = 1.0;  ///< where prices send its demand, whenever asked
  double tokens_demanded = 0.0;
};

class HandBuiltView final : public PlanningView {
 public:
  explicit HandBuiltView(Scenario scenario)
      : inputs(std::move(scenario)), calendar_(inputs.scenario.start) {}

  Scenario inputs;
  Tick today = 0;
  std::vector<SiteState> sites;
  std::vector<SchedulingCluster> clusters;
  double funds = std::numeric_limits<double>::infinity();
  Ledger payments;  ///< facility payments
  std::vector<HandBuiltService> services;
  TrainingNeed training;

  /// A site as Sites::set_up builds it: one phase of its whole cap, online when its plan ends.
  /// One without a plan was built before the scenario: started, its power online from the start.
  std::size_t add_site(const SiteSpec& spec) {
    SiteState site;
    site.spec = &site_specs_.emplace_back(spec);
    std::vector<ConstructionTask> tasks;
    for (const ConstructionTaskSpec& task : spec.construction)
      tasks.push_back(ConstructionTask{task.name, task.duration_s, task.after});
    site.plan = ConstructionPlan(std::move(tasks));
    const std::string last = site.buildable() ? site.plan.critical_path().back() : "";
    site.phases.push_back(PhaseState{spec.it_power_cap_w, last, std::nullopt, false});
    sites.push_back(std::move(site));
    if (!sites.back().buildable())
      start_site(sites.size() - 1, 0);
    return sites.size() - 1;
  }

  /// As Sites::start: each phase's facility is paid from `at` until it comes online, and is
  /// committed against the funds.
  void start_site(std::size_t s, Tick at) {
    SiteState& site = sites[s];
    site.construction_start = at;
    for (PhaseState& phase : site.phases) {
      phase.online_at = at + ticks_from_seconds(site.plan.phase_ready_s(phase.ready_after));
      phase.online = *phase.online_at <= today;
      if (phase.online)
        site.online_power_w += phase.power_w;
      const double cost = phase.power_w * site.spec->cost_per_power_usd_per_w;
      if (site.buildable()) {
        payments.pay({CapexKind::facility, site.spec->name, cost, at, *phase.online_at});
        funds -= cost;
      }
    }
  }

  /// A cluster with room planned for `planned_gpus` and none of its own yet.
  std::size_t add_cluster(const std::string& name, std::size_t site, std::size_t part,
                          std::int64_t planned_gpus) {
    SchedulingCluster cluster;
    cluster.name = name;
    cluster.site = site;
    cluster.part = part;
    cluster.planned_gpus = planned_gpus;
    clusters.push_back(std::move(cluster));
    return clusters.size() - 1;
  }

  /// GPUs installed in a cluster at its site, in service until `retires_at`, with
  /// `non_server_w` of network and storage power each.
  void install(std::size_t cluster, std::int64_t gpus, Tick retires_at = kNever,
               double non_server_w = 0.0) {
    const SchedulingCluster& c = clusters[cluster];
    sites[c.site].installed_peak_w +=
        static_cast<double>(gpus) * power_per_gpu_w(c.part, non_server_w);
    held_.push_back({cluster, c.site, c.part, gpus, retires_at, non_server_w, false, true, false});
  }

  /// As Fleet::retire_early: the lot leaves its cluster, and frees its power, at `at`.
  void retire_lot_early(std::size_t lot, Tick at) {
    Held& held = held_.at(lot);
    if (!held.installed || at >= held.retires_at)
      throw std::logic_error("hand-built view: an early retirement not earlier than planned");
    held.retires_at = at;
    held.retired_early = true;
  }

  /// As Fleet::place_order: the GPUs join their cluster from now until they retire, their
  /// power (servers, network, storage) is reserved at their site, the vendor cap of their arrival's
  /// quarter is used and their price committed against the funds.
  void commit_order(const OrderRequest& order) {
    held_.push_back({order.cluster, order.site, order.part, order.gpus,
                     order.arrival + ticks_from_seconds(order.service_life_s),
                     order.non_server_power_per_gpu_w, false, false, false});
    sites[order.site].reserved_w += static_cast<double>(order.gpus) *
                                    power_per_gpu_w(order.part, order.non_server_power_per_gpu_w);
    if (const auto cap = vendor_caps_.find({order.part, quarter_of(order.arrival)});
        cap != vendor_caps_.end())
      cap->second -= order.gpus;
    funds -= static_cast<double>(order.gpus) * order.price_per_gpu_usd;
  }

  /// As Fleet::sign_lease: a cluster of the lease's GPUs (at the first site: a provider's site
  /// holds no power the planner reads), in service until the term ends, claiming no power.
  std::size_t commit_lease(const LeaseContract& lease) {
    const std::size_t cluster = add_cluster("lease-" + lease.provider, 0, lease.part, lease.gpus);
    held_.push_back({cluster, 0, lease.part, lease.gpus, lease.end, 0.0, true, false, false});
    return cluster;
  }

  /// At most `gpus` of a part may arrive in the calendar quarter starting on `quarter`.
  void cap_vendor(std::size_t part, Date quarter, std::int64_t gpus) {
    vendor_caps_[{part, quarter}] = gpus;
  }

  /// A service on a cluster sized by `gpus_for`, of base demand `base` (its curve flat).
  std::size_t add_service(std::size_t cluster, HandBuiltService::Sizing gpus_for,
                          TokenDemand base = {}) {
    HandBuiltService service;
    service.state.spec = &service_specs_.emplace_back();
    service_specs_.back().name = fmt::format("service-{}", services.size());
    service.state.cluster = cluster;
    service.state.demand.base = base;
    service.gpus_for = std::move(gpus_for);
    services.push_back(std::move(service));
    return services.size() - 1;
  }
  /// A service needing `gpus` every hour, whatever its demand.
  std::size_t add_service(std::size_t cluster, std::int64_t gpus) {
    return add_service(cluster, [gpus](Tick, const TokenDemand&) { return gpus; });
  }

  // PlanningView
  const Scenario& scenario() const override { return inputs; }
  const Calendar& calendar() const override { return calendar_; }
  Tick now() const override { return today; }
  Tick end() const override { return inputs.scenario.end_tick(); }
  const std::vector<const AcceleratorSpec*>& parts() const override {
    parts_.clear();
    for (const AcceleratorSpec& part : inputs.catalog.accelerators)
      parts_.push_back(&part);
    return parts_;
  }
  std::size_t part_index(const std::string& name) const override {
    for (std::size_t i = 0; i < inputs.catalog.accelerators.size(); ++i) {
      if (inputs.catalog.accelerators[i].name == name)
        return i;
    }
    throw std::logic_error("hand-built view: no part " + name);
  }
  std::size_t site_index(const std::string& name) const override {
    for (std::size_t i = 0; i < sites.size(); ++i) {
      if (sites[i].spec->name == name)
        return i;
    }
    throw std::logic_error("hand-built view: no site " + name);
  }
  std::size_t site_count() const override { return sites.size(); }
  const SiteState& site(std::size_t s) const override { return sites[s]; }
  double retiring_power_w(std::size_t site, Tick tick) const override {
    double power_w = 0.0;
    for (const Held& held : held_) {
      if (held.site == site && !held.leased && held.retires_at > today && held.retires_at <= tick)
        power_w += static_cast<double>(held.gpus) * power_per_gpu_w(held.part, held.non_server_w);
    }
    return power_w;
  }
  std::size_t cluster_count() const override { return clusters.size(); }
  const SchedulingCluster& cluster(std::size_t c) const override { return clusters[c]; }
  std::int64_t cluster_gpus_at(std::size_t cluster, Tick tick) const override {
    std::int64_t gpus = 0;
    for (const Held& held : held_) {
      if (held.cluster == cluster && held.retires_at > tick)
        gpus += held.gpus;
    }
    return gpus;
  }
  std::vector<InstalledLot> installed_lots() const override {
    std::vector<InstalledLot> lots;
    for (std::size_t i = 0; i < held_.size(); ++i) {
      const Held& held = held_[i];
      if (!held.installed || held.retired_early || held.retires_at <= today)
        continue;
      lots.push_back({i, clusters[held.cluster].name, held.part, held.site, held.cluster, held.gpus,
                      power_per_gpu_w(held.part, held.non_server_w), held.retires_at});
    }
    return lots;
  }
  std::int64_t vendor_cap_remaining(std::size_t part, Tick tick) const override {
    const auto cap = vendor_caps_.find({part, quarter_of(tick)});
    return cap == vendor_caps_.end() ? INT64_MAX : cap->second;
  }
  double funds_left() const override { return std::max(0.0, funds); }
  double facility_capex_due_by(Tick tick) const override {
    return payments.capex_paid(CapexKind::facility, tick);
  }
  std::size_t service_count() const override { return services.size(); }
  const ServiceState& service(std::size_t k) const override { return services[k].state; }
  TokenDemand service_demand_at(std::size_t k, Tick hour, double multiple) const override {
    TokenDemand demand = services[k].state.demand.at(hour, calendar_);
    demand.input_tokens_per_s *= multiple;
    demand.output_tokens_per_s *= multiple;
    return demand;
  }
  std::int64_t service_gpus_for(std::size_t k, Tick hour,
                                const TokenDemand& demand) const override {
    return services[k].gpus_for(hour, demand);
  }
  std::optional<double> service_tokens_per_gpu_s(std::size_t k, std::size_t part, Tick,
                                                 const TokenDemand&) const override {
    if (services[k].tokens_per_gpu_s)
      return services[k].tokens_per_gpu_s(part);
    return part == clusters[services[k].state.cluster].part ? std::optional(1.0) : std::nullopt;
  }
  double service_multiple_towards(std::size_t k, Tick, double) const override {
    return services[k].multiple_ahead;
  }
  double service_tokens_demanded(std::size_t k) const override {
    return services[k].tokens_demanded;
  }
  TrainingNeed training_need_at(Tick) const override { return training; }

 private:
  /// GPUs a cluster holds, installed or on order.
  struct Held {
    std::size_t cluster = 0;
    std::size_t site = 0;
    std::size_t part = 0;
    std::int64_t gpus = 0;
    Tick retires_at = kNever;
    double non_server_w = 0.0;  ///< network and storage per GPU
    bool leased = false;        ///< at a provider's site: frees no site power when it ends
    bool installed = false;     ///< installed (install), not on order
    bool retired_early = false;
  };

  double power_per_gpu_w(std::size_t part, double non_server_w) const {
    return installed_power_per_gpu_w(inputs.catalog.accelerators[part], non_server_w);
  }
  Date quarter_of(Tick tick) const {
    const Date date = calendar_.date_of(tick);
    return Date{date.year, date.month - (date.month - 1) % 3, 1};
  }

  Calendar calendar_;
  std::deque<SiteSpec> site_specs_;        // a deque, so that the sites' spec pointers stay valid
  std::deque<ServiceSpec> service_specs_;  // and the services'
  std::vector<Held> held_;
  std::map<std::pair<std::size_t, Date>, std::int64_t> vendor_caps_;
  mutable std::vector<const AcceleratorSpec*> parts_;
};

/// Records every action, and does to the view what the model would (see the file's head).
class RecordingActions final : public FleetActions {
 public:
  explicit RecordingActions(HandBuiltView& view) : view_(view) {}

  struct SiteStart {
    std::string site;
    std::string why;
  };
  struct ClusterGrowth {
    std::size_t cluster = 0;
    std::int64_t gpus = 0;
  };
  struct Review {
    Tick at = 0;
    std::uint64_t tag = 0;
  };

  std::vector<SiteStart> sites_started;
  std::vector<std::size_t> clusters_added;  ///< indices into the view's clusters
  std::vector<ClusterGrowth> clusters_grown;
  /// (service, cluster it serves on too)
  std::vector<std::pair<std::size_t, std::size_t>> serving_added;
  std::vector<OrderRequest> orders;
  std::vector<LeaseContract> leases;
  std::vector<BuildoutEvent> buildout;
  std::vector<Review> reviews;
  struct EarlyRetirement {
    std::size_t lot = 0;
    Tick at = 0;
    std::string why;
  };
  std::vector<EarlyRetirement> retired;
  CapacitySummary totals;

  /// The orders, a line each: "name: GPUs part at site, cluster C, day D" (of their arrival).
  std::string order_lines() const {
    std::string lines;
    for (const OrderRequest& order : orders) {
      lines += fmt::format("{}: {} {} at {}, cluster {}, day {:g}\n", order.name, order.gpus,
                           view_.parts()[order.part]->name, view_.site(order.site).spec->name,
                           order.cluster, seconds_from_ticks(order.arrival) / kSecondsPerDay);
    }
    return lines;
  }
  /// The build-out events of one kind, in order.
  std::vector<BuildoutEvent> events(BuildoutKind kind) const {
    std::vector<BuildoutEvent> found;
    for (const BuildoutEvent& event : buildout) {
      if (event.kind == kind)
        found.push_back(event);
    }
    return found;
  }

  void start_site(std::size_t site, const std::string& why) override {
    sites_started.push_back({view_.sites[site].spec->name, why});
    view_.start_site(site, view_.today);
  }
  std::size_t add_cluster(const std::string& name, std::size_t site, std::size_t part,
                          std::int64_t gpus, const FabricSpec&) override {
    clusters_added.push_back(view_.add_cluster(name, site, part, gpus));
    return clusters_added.back();
  }
  void grow_cluster(std::size_t cluster, std::int64_t gpus) override {
    clusters_grown.push_back({cluster, gpus});
    view_.clusters[cluster].planned_gpus += gpus;
  }
  void serve_also_on(std::size_t service, std::size_t cluster) override {
    serving_added.emplace_back(service, cluster);
  }
  void place_order(const OrderRequest& order) override {
    orders.push_back(order);
    view_.commit_order(order);
  }
  std::size_t sign_lease(const LeaseContract& lease) override {
    leases.push_back(lease);
    return view_.commit_lease(lease);
  }
  void retire_early(std::size_t lot, Tick at, const std::string& why) override {
    retired.push_back({lot, at, why});
    view_.retire_lot_early(lot, at);
  }
  void record(BuildoutEvent event) override { buildout.push_back(std::move(event)); }
  void review_at(Tick tick, std::uint64_t tag) override { reviews.push_back({tick, tag}); }
  CapacitySummary& summary() override { return totals; }

 private:
  HandBuiltView& view_;
};

}  // namespace capsim::test
