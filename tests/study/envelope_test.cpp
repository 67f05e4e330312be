#include "capsim/study/envelope.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <string>

#include "capsim/model/capacity_model.hpp"
#include "model/fixtures.hpp"

namespace capsim {
namespace {

using test::test_part;

// The catalog's H100-SXM and B200 prices and server powers ($43K at 1,275 W, $53K at 1,788 W).
Scenario with_parts() {
  Scenario scenario;
  scenario.scenario.name = "design";
  scenario.scenario.start = Date{2025, 1, 1};
  scenario.scenario.end = Date{2026, 1, 1};
  scenario.failures.annual_failure_rate = 0.0;
  scenario.catalog.accelerators.push_back(test_part("H100", 43e3, 1275.0, 255.0));
  scenario.catalog.accelerators.push_back(test_part("B200", 53e3, 1788.0, 358.0));
  scenario.catalog.accelerators.push_back(test_part("GB200", 61e3, 1667.0, 300.0));
  return scenario;
}

/// One site of `power_w` (at the default $11.7 per W) holding one cluster of 8-GPU nodes.
Scenario one_cluster(const std::string& part, std::int64_t gpus, double power_w) {
  Scenario scenario = with_parts();
  SiteSpec site;
  site.name = "site";
  site.it_power_cap_w = power_w;
  scenario.sites.push_back(site);
  ClusterSpec cluster;
  cluster.name = "cluster";
  cluster.site = "site";
  cluster.accelerator = part;
  cluster.gpus = gpus;
  cluster.online = Date{2024, 6, 1};
  scenario.clusters.push_back(cluster);
  return scenario;
}

Scenario h100_design() {
  return one_cluster("H100", 1000, 10e6);
}
Scenario b200_design() {
  return one_cluster("B200", 800, 12e6);
}

TEST_CASE("envelope: power, GPUs and capex of two designs, by hand") {
  const FleetEnvelope a = fleet_envelope(h100_design());
  CHECK(a.it_power_w == 10e6);
  CHECK(a.gpus == 1000);
  // 1,000 × $43K + 10 MW × $11.7M/MW = $43M + $117M.
  CHECK(a.capex_usd == doctest::Approx(160e6).epsilon(1e-12));
  CHECK_FALSE(a.capex_is_budget);
  const FleetEnvelope b = fleet_envelope(b200_design());
  CHECK(b.it_power_w == 12e6);
  CHECK(b.gpus == 800);
  // 800 × $53K + 12 MW × $11.7M/MW = $42.4M + $140.4M.
  CHECK(b.capex_usd == doctest::Approx(182.8e6).epsilon(1e-12));
  CHECK(b.value(EnvelopeKind::power) == 12e6);
  CHECK(b.value(EnvelopeKind::gpus) == 800.0);
  CHECK(b.value(EnvelopeKind::capex) == b.capex_usd);
}

TEST_CASE("envelope: iso-power scales 800 B200 at 12 MW to the H100 design's 10 MW") {
  const double target = fleet_envelope(h100_design()).it_power_w;
  const ScaledScenario scaled = scale_to_envelope(b200_design(), EnvelopeKind::power, target);
  // s = 10 / 12 = 0.8333...; 800 × s = 666.67 GPUs = 83.33 nodes of 8 -> 83 nodes = 664 GPUs.
  CHECK(scaled.scale_factor == doctest::Approx(10.0 / 12.0).epsilon(1e-15));
  CHECK(scaled.scenario.clusters[0].gpus == 664);
  CHECK(scaled.scenario.sites[0].it_power_cap_w == doctest::Approx(10e6).epsilon(1e-15));
  CHECK(fleet_envelope(scaled.scenario).it_power_w == doctest::Approx(target).epsilon(1e-15));
  // Not the design: the part and the site's cost per W are untouched.
  CHECK(scaled.scenario.clusters[0].accelerator == "B200");
  CHECK(scaled.scenario.sites[0].cost_per_power_usd_per_w == 11.7);
}

TEST_CASE("envelope: iso-GPUs scales 800 B200 to 1,000, and their power with them") {
  const ScaledScenario scaled = scale_to_envelope(b200_design(), EnvelopeKind::gpus, 1000.0);
  // s = 1,000 / 800 = 1.25: 1,000 GPUs (125 nodes, exact), 12 MW × 1.25 = 15 MW.
  CHECK(scaled.scale_factor == 1.25);
  CHECK(scaled.scenario.clusters[0].gpus == 1000);
  CHECK(scaled.scenario.sites[0].it_power_cap_w == 15e6);
  CHECK(fleet_envelope(scaled.scenario).gpus == 1000);
}

TEST_CASE("envelope: iso-capex matches the baseline's $160M within half a node's price") {
  const ScaledScenario scaled = scale_to_envelope(b200_design(), EnvelopeKind::capex, 160e6);
  // s = 160 / 182.8 = 400 / 457 = 0.875274; 800 × s = 700.22 GPUs = 87.53 nodes -> 88 nodes =
  // 704 GPUs; 12 MW × s = 10.503282 MW. Capex: 704 × $53K = $37.312M plus 10.503282 MW ×
  // $11.7M = $122.888403M (56.16e9 / 457): $160.200403M, $200,403 (3.78 GPUs' price) over the
  // target, inside the half node (4 × $53K = $212K) that rounding to whole nodes allows.
  CHECK(scaled.scale_factor == doctest::Approx(400.0 / 457.0).epsilon(1e-15));
  CHECK(scaled.scenario.clusters[0].gpus == 704);
  CHECK(scaled.scenario.sites[0].it_power_cap_w == doctest::Approx(4.8e9 / 457.0).epsilon(1e-15));
  const double capex = fleet_envelope(scaled.scenario).capex_usd;
  CHECK(capex == doctest::Approx(160'200'402.6258).epsilon(1e-12));
  CHECK(std::abs(capex - 160e6) <= 4 * 53e3);
}

TEST_CASE("envelope: GPUs round to whole nodes of each cluster's fabric, orders to 8") {
  Scenario scenario = with_parts();
  SiteSpec site;
  site.name = "site";
  site.it_power_cap_w = 5e6;
  site.phases = {PowerPhaseSpec{2e6, ""}, PowerPhaseSpec{3e6, ""}};
  scenario.sites.push_back(site);
  ClusterSpec rack;
  rack.name = "nvl72";
  rack.site = "site";
  rack.accelerator = "GB200";
  rack.gpus = 1152;  // 16 racks of 72
  rack.fabric.gpus_per_node = 72;
  rack.online = Date{2025, 1, 1};
  scenario.clusters.push_back(rack);
  OrderSpec order;
  order.accelerator = "H100";
  order.gpus = 100;
  order.site = "site";
  order.order_date = Date{2025, 3, 1};
  scenario.planner.orders.push_back(order);
  const Scenario scaled = scale_fleet(scenario, 0.6);
  // 1,152 × 0.6 = 691.2 GPUs = 9.6 racks -> 10 racks = 720 GPUs.
  CHECK(scaled.clusters[0].gpus == 720);
  // 100 × 0.6 = 60 GPUs = 7.5 nodes of 8: the tie rounds away from zero, 8 nodes = 64 GPUs.
  CHECK(scaled.planner.orders[0].gpus == 64);
  // Power: the cap and each phase by 0.6.
  CHECK(scaled.sites[0].it_power_cap_w == doctest::Approx(3e6).epsilon(1e-15));
  CHECK(scaled.sites[0].phases[0].it_power_w == doctest::Approx(1.2e6).epsilon(1e-15));
  CHECK(scaled.sites[0].phases[1].it_power_w == doctest::Approx(1.8e6).epsilon(1e-15));
  // GPUs envelope: 1,152 + 100 = 1,252 before, 720 + 64 = 784 after (751.2 exactly scaled).
  CHECK(fleet_envelope(scenario).gpus == 1252);
  CHECK(fleet_envelope(scaled).gpus == 784);
  // A cluster scaled below half a node keeps one node: 8 × 0.01 = 0.08 GPUs -> 8.
  CHECK(scale_gpus(8, 0.01, 8) == 8);
  CHECK(scale_gpus(0, 3.0, 8) == 0);
}

/// A budget planner: $1B a quarter from 2025-02-15, $2B from 2025-07-01, until 2026-01-01.
Scenario budget_design() {
  Scenario scenario = with_parts();
  scenario.scenario.start = Date{2025, 2, 15};
  SiteSpec site;
  site.name = "site";
  site.it_power_cap_w = 200e6;
  site.cost_per_power_usd_per_w = 10.0;
  scenario.sites.push_back(site);
  scenario.planner.policy = PlannerPolicy::budget;
  scenario.planner.budget_per_period_usd = 1e9;
  scenario.planner.budget_changes.push_back(BudgetChangeSpec{Date{2025, 7, 1}, 2e9});
  scenario.planner.lead_time_s = 0.0;
  return scenario;
}

TEST_CASE("envelope: a budget planner's capex is its budget over the run, as the run spends it") {
  const Scenario scenario = budget_design();
  // Periods start 2025-02-15 (the start: $1B), 04-01 ($1B), 07-01 ($2B), 10-01 ($2B); the one
  // at 2026-01-01 is the end. $6B; the site's $2B at cost is not counted.
  const FleetEnvelope envelope = fleet_envelope(scenario);
  CHECK(envelope.capex_is_budget);
  CHECK(envelope.capex_usd == 6e9);
  CHECK(run_capacity(scenario).summary.budget_usd == envelope.capex_usd);
  // Iso-capex to $3B halves the budget and its change, the site and the owner's funds.
  Scenario funded = scenario;
  funded.economics.funds_usd = 8e9;
  const ScaledScenario scaled = scale_to_envelope(funded, EnvelopeKind::capex, 3e9);
  CHECK(*scaled.scenario.economics.funds_usd == 4e9);
  CHECK(scaled.scale_factor == 0.5);
  CHECK(*scaled.scenario.planner.budget_per_period_usd == 0.5e9);
  CHECK(scaled.scenario.planner.budget_changes[0].budget_per_period_usd == 1e9);
  CHECK(scaled.scenario.sites[0].it_power_cap_w == 100e6);
  CHECK(fleet_envelope(scaled.scenario).capex_usd == 3e9);
}

TEST_CASE("envelope: kinds by name") {
  CHECK(parse_envelope_kind("power") == EnvelopeKind::power);
  CHECK(parse_envelope_kind("capex") == EnvelopeKind::capex);
  CHECK(parse_envelope_kind("gpus") == EnvelopeKind::gpus);
  CHECK_FALSE(parse_envelope_kind("watts").has_value());
  CHECK(std::string(envelope_kind_name(EnvelopeKind::gpus)) == "gpus");
}

TEST_CASE("envelope: a zero envelope, a bad target or factor, an unknown part are errors") {
  Scenario no_gpus = one_cluster("H100", 0, 10e6);
  CHECK_THROWS_WITH_AS(scale_to_envelope(no_gpus, EnvelopeKind::gpus, 1000.0),
                       "scenario \"design\" has no gpus envelope to scale (it is 0)",
                       EnvelopeError);
  CHECK_THROWS_WITH_AS(scale_to_envelope(h100_design(), EnvelopeKind::power, 0.0),
                       "expected a positive, finite target power envelope, found 0", EnvelopeError);
  CHECK_THROWS_WITH_AS(scale_fleet(h100_design(), std::numeric_limits<double>::infinity()),
                       "expected a positive, finite scale factor, found inf", EnvelopeError);
  Scenario unknown = one_cluster("TPU", 8, 1e6);
  CHECK_THROWS_WITH_AS(fleet_envelope(unknown),
                       "clusters[0]: accelerator \"TPU\" is not in the catalog", EnvelopeError);
}

}  // namespace
}  // namespace capsim
