#include "capsim/study/envelope.hpp"

#include <cmath>

#include <fmt/format.h>

namespace capsim {

namespace {

/// The price per GPU of `accelerator` bought on `date`, as the fleet pays it.
double part_price(const Scenario& scenario, const std::string& accelerator, const Date& date,
                  const std::string& where) {
  const AcceleratorSpec* part = scenario.catalog.find(accelerator);
  if (!part) {
    throw EnvelopeError(
        fmt::format("{}: accelerator \"{}\" is not in the catalog", where, accelerator));
  }
  const std::optional<double> price = part->price_per_gpu_at(date);
  if (!price) {
    throw EnvelopeError(
        fmt::format("{}: accelerator \"{}\" has no purchase price", where, accelerator));
  }
  return *price;
}

// Mirrors the budget planner's own periods (capacity_model.cpp): the first starts at the
// scenario's start, each spends the budget in force when it starts, and one that starts at
// the end lies outside the run.
double budget_over_run(const Scenario& scenario) {
  const PlannerSpec& planner = scenario.planner;
  const Calendar calendar(scenario.scenario.start);
  const Tick end = scenario.scenario.end_tick();
  double total = 0.0;
  for (Tick at = 0; at < end;) {
    double budget = planner.budget_per_period_usd.value_or(0.0);
    for (const BudgetChangeSpec& change : planner.budget_changes) {
      if (calendar.tick_of(change.from) <= at)
        budget = change.budget_per_period_usd;
    }
    total += budget;
    at = calendar.tick_of(
        next_period_start(calendar.date_of(at), planner.budget_period, scenario.scenario.start));
  }
  return total;
}

void check_factor(double factor, const char* what) {
  if (!std::isfinite(factor) || factor <= 0.0) {
    throw EnvelopeError(fmt::format("expected a positive, finite {}, found {}", what, factor));
  }
}

}  // namespace

const char* envelope_kind_name(EnvelopeKind kind) {
  switch (kind) {
    case EnvelopeKind::power:
      return "power";
    case EnvelopeKind::capex:
      return "capex";
    case EnvelopeKind::gpus:
      return "gpus";
  }
  return "?";
}

std::optional<EnvelopeKind> parse_envelope_kind(std::string_view name) {
  for (const EnvelopeKind kind : {EnvelopeKind::power, EnvelopeKind::capex, EnvelopeKind::gpus}) {
    if (name == envelope_kind_name(kind))
      return kind;
  }
  return std::nullopt;
}

double FleetEnvelope::value(EnvelopeKind kind) const {
  switch (kind) {
    case EnvelopeKind::power:
      return it_power_w;
    case EnvelopeKind::capex:
      return capex_usd;
    case EnvelopeKind::gpus:
      return static_cast<double>(gpus);
  }
  return 0.0;
}

FleetEnvelope fleet_envelope(const Scenario& scenario) {
  FleetEnvelope envelope;
  double facility_usd = 0.0;
  for (const SiteSpec& site : scenario.sites) {
    envelope.it_power_w += site.it_power_cap_w;
    facility_usd += site.it_power_cap_w * site.cost_per_power_usd_per_w;
  }
  double gpus_usd = 0.0;
  for (std::size_t i = 0; i < scenario.clusters.size(); ++i) {
    const ClusterSpec& cluster = scenario.clusters[i];
    envelope.gpus += cluster.gpus;
    gpus_usd +=
        static_cast<double>(cluster.gpus) *
        part_price(scenario, cluster.accelerator, cluster.online, fmt::format("clusters[{}]", i));
  }
  for (std::size_t i = 0; i < scenario.planner.orders.size(); ++i) {
    const OrderSpec& order = scenario.planner.orders[i];
    envelope.gpus += order.gpus;
    gpus_usd +=
        static_cast<double>(order.gpus) * part_price(scenario, order.accelerator, order.order_date,
                                                     fmt::format("planner.orders[{}]", i));
  }
  envelope.capex_is_budget = scenario.planner.policy == PlannerPolicy::budget;
  envelope.capex_usd =
      envelope.capex_is_budget ? budget_over_run(scenario) : gpus_usd + facility_usd;
  return envelope;
}

std::int64_t scale_gpus(std::int64_t gpus, double factor, std::int64_t gpus_per_node) {
  if (gpus <= 0)
    return gpus;
  const double nodes = static_cast<double>(gpus) * factor / static_cast<double>(gpus_per_node);
  return std::max<std::int64_t>(1, std::llround(nodes)) * gpus_per_node;
}

Scenario scale_fleet(Scenario scenario, double factor) {
  check_factor(factor, "scale factor");
  for (SiteSpec& site : scenario.sites) {
    site.it_power_cap_w *= factor;
    for (PowerPhaseSpec& phase : site.phases)
      phase.it_power_w *= factor;
  }
  for (ClusterSpec& cluster : scenario.clusters)
    cluster.gpus = scale_gpus(cluster.gpus, factor, cluster.fabric.gpus_per_node);
  // An order forms a cluster with the default fabric (capacity_model.cpp, set_up_orders).
  const std::int64_t order_node = FabricSpec{}.gpus_per_node;
  for (OrderSpec& order : scenario.planner.orders)
    order.gpus = scale_gpus(order.gpus, factor, order_node);
  if (scenario.planner.budget_per_period_usd)
    *scenario.planner.budget_per_period_usd *= factor;
  for (BudgetChangeSpec& change : scenario.planner.budget_changes)
    change.budget_per_period_usd *= factor;
  // The owner's funds pay for the design: a design twice the size needs twice the money.
  if (scenario.economics.funds_usd)
    *scenario.economics.funds_usd *= factor;
  return scenario;
}

ScaledScenario scale_to_envelope(Scenario scenario, EnvelopeKind kind, double target) {
  check_factor(target, fmt::format("target {} envelope", envelope_kind_name(kind)).c_str());
  const double own = fleet_envelope(scenario).value(kind);
  if (!(own > 0.0)) {
    throw EnvelopeError(fmt::format("scenario \"{}\" has no {} envelope to scale (it is 0)",
                                    scenario.scenario.name, envelope_kind_name(kind)));
  }
  const double factor = target / own;
  ScaledScenario scaled{scale_fleet(std::move(scenario), factor), factor};
  return scaled;
}

}  // namespace capsim
