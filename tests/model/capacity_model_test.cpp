#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "capsim/model/capacity_model.hpp"
#include "model/fixtures.hpp"

namespace capsim {
namespace {

using test::one_year;
using test::test_cluster;
using test::test_part;
using test::test_site;

using test::column_sum;

TEST_CASE("capacity: one site, one cluster, economics worked by hand") {
  const CapacityRun run = run_capacity(test::worked_economics_year());
  const CapacitySummary& s = run.summary;
  // Capex: 1,000 GPUs × $40K, paid on arrival at the start. The site existed before the run:
  // no facility payment, its $100M (10 MW × $10M/MW) is carried as an asset from the start.
  CHECK(s.capex_gpus_usd == doctest::Approx(40e6));
  CHECK(s.capex_facility_usd == 0.0);
  // Depreciation over 365 days (a depreciation year is 365.25 days):
  //   GPUs 40M × 365 / (4 × 365.25) = 9,993,155.37; facility 100M × 365 / (20 × 365.25) =
  //   4,996,577.69; together 14,989,733.06.
  CHECK(s.depreciation_usd == doctest::Approx(14'989'733.06).epsilon(1e-9));
  // Power: 1,000 × (200 W idle + 50% × 800 W dynamic) = 600 kW IT, × PUE 1.25 = 750 kW;
  // over 8,760 h: 6,570 MWh at $100/MWh = $657,000.
  CHECK(s.energy_it_j / 3.6e9 == doctest::Approx(5256.0).epsilon(1e-12));
  CHECK(s.energy_facility_j / 3.6e9 == doctest::Approx(6570.0).epsilon(1e-12));
  CHECK(s.energy_cost_usd == doctest::Approx(657'000.0).epsilon(1e-12));
  // Maintenance: 2%/y of $140M in service = $2.8M/y × 365/365.25 = $2,798,083.5044.
  CHECK(s.maintenance_usd == doctest::Approx(2'798'083.5044).epsilon(1e-10));
  // Staff: $1M/y × 365/365.25 = $999,315.5373.
  CHECK(s.staff_usd == doctest::Approx(999'315.5373).epsilon(1e-10));
  // GPU-hours: 1,000 × 8,760 = 8.76M; fully loaded cost per GPU-hour =
  //   (14,989,733.06 + 657,000 + 2,798,083.50 + 999,315.54) / 8.76M = $2.21965.
  CHECK(s.gpu_seconds_installed / 3600.0 == doctest::Approx(8.76e6).epsilon(1e-12));
  CHECK(s.cost_per_gpu_hour_usd == doctest::Approx(2.2196498).epsilon(1e-7));
  // The monthly rows add up to the totals.
  CHECK(run.timeseries.rows() == 12);
  CHECK(column_sum(run, "opex_energy_usd") == doctest::Approx(657'000.0).epsilon(1e-12));
  CHECK(column_sum(run, "depreciation_usd") == doctest::Approx(14'989'733.06).epsilon(1e-9));
  CHECK(column_sum(run, "capex_usd") == doctest::Approx(40e6));
  // January: 31 days of 750 kW = 558 MWh at the facility; 0.6 MW IT on average.
  CHECK(run.timeseries.value(0, run.timeseries.column("energy_facility_mwh")) ==
        doctest::Approx(558.0));
  CHECK(run.timeseries.value(0, run.timeseries.column("power_it_mw")) == doctest::Approx(0.6));
  CHECK(run.timeseries.value(11, run.timeseries.column("gpus_installed")) == 1000.0);
}

TEST_CASE("capacity: a cluster's network and storage draw all the time and claim site power") {
  Scenario scenario = one_year();
  scenario.catalog.accelerators.push_back(test_part("X", 40e3, 1000.0, 200.0));
  SiteSpec site = test_site("s", 1.05e6);
  site.pue = 1.25;
  scenario.sites.push_back(site);
  ClusterSpec cluster = test_cluster("c", "s", "X", 1000, Date{2025, 1, 1});
  cluster.utilisation = 0.5;
  cluster.non_server_power = {80.0, 20.0};
  scenario.clusters.push_back(cluster);
  const CapacityRun run = run_capacity(scenario);
  // Each GPU claims 1,000 W of server and 100 W of network and storage: 1.05 MW holds
  // floor(1,050,000 / 1,100) = 954 of the 1,000 (servers alone, all 1,000 would fit); the other
  // 46 wait for power all year.
  const std::size_t last = run.timeseries.rows() - 1;
  CHECK(run.timeseries.value(last, run.timeseries.column("gpus_installed")) == 954.0);
  CHECK(run.timeseries.value(last, run.timeseries.column("gpus_waiting_for_power")) == 46.0);
  CHECK(run.timeseries.value(last, run.timeseries.column("power_installed_peak_mw")) ==
        doctest::Approx(954 * 1100.0 / 1e6));
  // Drawn: 954 × (200 W idle + 50% × 800 W) = 572.4 kW of servers, plus 954 × 100 W = 95.4 kW
  // of network and storage whatever the GPUs do: 667.8 kW IT, 834.75 kW at the facility;
  // over 8,760 h, 5,849.928 MWh IT and 7,312.41 MWh at the facility.
  CHECK(run.summary.energy_it_j / 3.6e9 == doctest::Approx(5849.928).epsilon(1e-12));
  CHECK(run.summary.energy_facility_j / 3.6e9 == doctest::Approx(7312.41).epsilon(1e-12));
}

TEST_CASE("capacity: GPUs wait for site power and the wait is reported") {
  Scenario scenario = one_year();
  scenario.catalog.accelerators.push_back(test_part("X", 40e3, 1000.0, 200.0));
  SiteSpec site = test_site("new", 2e6);
  site.construction_start = Date{2025, 1, 1};
  site.construction.push_back(ConstructionTaskSpec{"permits", 30 * 86400.0, {}});
  site.construction.push_back(ConstructionTaskSpec{"hall-1", 60 * 86400.0, {"permits"}});
  site.construction.push_back(ConstructionTaskSpec{"hall-2", 120 * 86400.0, {"permits"}});
  site.phases.push_back(PowerPhaseSpec{1e6, "hall-1"});  // online on day 90
  site.phases.push_back(PowerPhaseSpec{1e6, "hall-2"});  // online on day 150
  scenario.sites.push_back(site);
  // 1,500 GPUs (1.5 MW) online on day 31: 1,000 fit on day 90, the other 500 on day 150.
  scenario.clusters.push_back(test_cluster("early", "new", "X", 1500, Date{2025, 2, 1}));

  const CapacityRun run = run_capacity(scenario);
  std::vector<const BuildoutEvent*> installs;
  for (const BuildoutEvent& event : run.buildout) {
    if (event.kind == BuildoutKind::install)
      installs.push_back(&event);
  }
  REQUIRE(installs.size() == 2);
  CHECK(installs[0]->tick == 90 * kTicksPerDay);
  CHECK(installs[0]->gpus == 1000);
  CHECK(installs[0]->wait_s == doctest::Approx(59 * 86400.0));
  CHECK(installs[1]->tick == 150 * kTicksPerDay);
  CHECK(installs[1]->gpus == 500);
  CHECK(installs[1]->wait_s == doctest::Approx(119 * 86400.0));
  CHECK(installs[1]->cluster == "early#2");
  // 1,000 × 59 days + 500 × 119 days of GPUs waiting.
  CHECK(run.summary.gpu_seconds_waiting_for_power / 86400.0 == doctest::Approx(118'500.0));
  // Facility capex: 2 MW × $11.7M/MW (the default), each phase paid evenly over its build.
  CHECK(run.summary.capex_facility_usd == doctest::Approx(23.4e6));
}

TEST_CASE("capacity: a construction delay holds the GPUs waiting that much longer") {
  // The site of the test above, 40 days late (30 of its own, 10 for every site): the halls come
  // online on days 130 and 190, so the 1,000 GPUs wait 99 days and the 500 wait 159.
  Scenario scenario = one_year();
  scenario.catalog.accelerators.push_back(test_part("X", 40e3, 1000.0, 200.0));
  SiteSpec site = test_site("new", 2e6);
  site.construction_start = Date{2025, 1, 1};
  site.construction_delay_s = 30 * 86400.0;
  site.construction.push_back(ConstructionTaskSpec{"permits", 30 * 86400.0, {}});
  site.construction.push_back(ConstructionTaskSpec{"hall-1", 60 * 86400.0, {"permits"}});
  site.construction.push_back(ConstructionTaskSpec{"hall-2", 120 * 86400.0, {"permits"}});
  site.phases.push_back(PowerPhaseSpec{1e6, "hall-1"});
  site.phases.push_back(PowerPhaseSpec{1e6, "hall-2"});
  scenario.sites.push_back(site);
  scenario.construction_delay_s = 10 * 86400.0;
  scenario.clusters.push_back(test_cluster("early", "new", "X", 1500, Date{2025, 2, 1}));

  const CapacityRun run = run_capacity(scenario);
  std::vector<Tick> online;
  std::vector<const BuildoutEvent*> installs;
  for (const BuildoutEvent& event : run.buildout) {
    if (event.kind == BuildoutKind::phase_online)
      online.push_back(event.tick);
    if (event.kind == BuildoutKind::install)
      installs.push_back(&event);
  }
  CHECK(online == std::vector<Tick>{130 * kTicksPerDay, 190 * kTicksPerDay});
  REQUIRE(installs.size() == 2);
  CHECK(installs[0]->wait_s == doctest::Approx(99 * 86400.0));
  CHECK(installs[1]->wait_s == doctest::Approx(159 * 86400.0));
  CHECK(run.summary.gpu_seconds_waiting_for_power / 86400.0 ==
        doctest::Approx(1000 * 99.0 + 500 * 159.0));
  // The same facility, paid over the longer build.
  CHECK(run.summary.capex_facility_usd == doctest::Approx(23.4e6));
}

TEST_CASE("capacity: vendor caps spread an order over quarters") {
  Scenario scenario = one_year();
  scenario.catalog.accelerators.push_back(test_part("X", 40e3, 1000.0, 200.0));
  scenario.sites.push_back(test_site("s", 1e9));
  OrderSpec order;
  order.accelerator = "X";
  order.gpus = 100'000;
  order.site = "s";
  order.order_date = Date{2025, 1, 15};
  order.lead_time_s = 30 * 86400.0;  // arrives 2025-02-14
  scenario.planner.orders.push_back(order);
  scenario.planner.vendor_caps.push_back(VendorCapSpec{"X", 30'000});

  const CapacityRun run = run_capacity(scenario);
  std::vector<std::pair<std::string, std::int64_t>> deliveries;
  const Calendar calendar(scenario.scenario.start);
  for (const BuildoutEvent& event : run.buildout) {
    // The order's amount is its USD, as in every kind of order: 100,000 × $40K.
    if (event.kind == BuildoutKind::order)
      CHECK(event.amount_usd == doctest::Approx(4e9));
    if (event.kind == BuildoutKind::delivery) {
      deliveries.emplace_back(format_date(calendar.date_of(event.tick)), event.gpus);
    }
  }
  const std::vector<std::pair<std::string, std::int64_t>> expected = {{"2025-02-14", 30'000},
                                                                      {"2025-04-01", 30'000},
                                                                      {"2025-07-01", 30'000},
                                                                      {"2025-10-01", 10'000}};
  CHECK(deliveries == expected);
  CHECK(run.summary.gpus_ordered == 100'000);
  CHECK(run.summary.capex_gpus_usd == doctest::Approx(4e9));
}

TEST_CASE("capacity: the budget planner buys the best value and starts sites ahead") {
  Scenario scenario = one_year();
  // Value = FLOP/s per all-in dollar: "cheap" is better value, "late" is better still but
  // ships only in July.
  scenario.catalog.accelerators.push_back(test_part("dear", 50e3, 1000.0, 200.0));
  scenario.catalog.accelerators.push_back(test_part("cheap", 25e3, 1000.0, 200.0));
  scenario.catalog.accelerators.push_back(test_part("late", 10e3, 1000.0, 200.0, Date{2025, 7, 1}));
  SiteSpec existing = test_site("existing", 40e6);  // room for 40,000 GPUs
  existing.cost_per_power_usd_per_w = 10.0;
  scenario.sites.push_back(existing);
  SiteSpec next = test_site("next", 30e6);
  next.cost_per_power_usd_per_w = 10.0;
  next.construction.push_back(ConstructionTaskSpec{"build", 100 * 86400.0, {}});
  scenario.sites.push_back(next);
  scenario.planner.policy = PlannerPolicy::budget;
  scenario.planner.non_server_power = {0.0, 0.0};  // servers only: 1 kW per GPU
  scenario.planner.budget_per_period_usd = 500e6;  // a quarter: 20,000 "cheap" GPUs
  scenario.planner.lead_time_s = 0.0;
  const CapacityRun run = run_capacity(scenario);
  std::vector<std::string> orders;
  double ordered_usd = 0.0;
  for (const BuildoutEvent& event : run.buildout) {
    if (event.kind == BuildoutKind::order) {
      orders.push_back(event.site + ":" + event.accelerator + ":" + std::to_string(event.gpus));
      ordered_usd += event.amount_usd;
    }
    if (event.kind == BuildoutKind::site_start)
      CHECK(event.tick == 0);
  }
  // Q1: at $500M/quarter and $35K all-in per "cheap" GPU (GPU $25K + 1 kW × $10/W) the planner
  //   expects 14.3 MW a quarter; "existing" has 40 MW and "next" needs 100 days (2 quarters),
  //   so 3 quarters' need (42.9 MW) exceeds what is left: "next" starts now. Its facility
  //   ($300M over 100 days) is paid first: $270M in Q1, so $230M buys 9,200 "cheap".
  // Q2: $30M facility due, $470M buys 18,800 "cheap" (28 MW used at "existing").
  // Q3: "late" ships and is better value: $500M would buy 50,000 but only 12 MW are left at
  //   "existing" and 30 MW at "next": 42,000 are bought, $80M is unplaced.
  // Q4: no power left: the $500M is reported unplaced rather than spent on GPUs that cannot
  //   be installed.
  const std::vector<std::string> expected = {"existing:cheap:9200", "existing:cheap:18800",
                                             "existing:late:12000", "next:late:30000"};
  CHECK(orders == expected);
  // An order's amount is its GPUs' installed price: 28,000 "cheap" at $25K and 42,000 "late"
  // at $10K, the $1.12B the budget spent on GPUs.
  CHECK(ordered_usd == doctest::Approx(28000 * 25e3 + 42000 * 10e3));
  CHECK(run.summary.budget_usd == doctest::Approx(2e9));
  CHECK(run.summary.budget_spent_facility_usd == doctest::Approx(300e6));
  CHECK(run.summary.budget_spent_gpus_usd == doctest::Approx(1.12e9));
  CHECK(run.summary.budget_unplaced_usd == doctest::Approx(580e6));
  CHECK(run.summary.capex_gpus_usd + run.summary.capex_facility_usd == doctest::Approx(1.42e9));

  // With $200M of funds the owner cannot pay for "next" ($300M): it is not started, and the
  // first quarter's GPUs take the funds: 8,000 "cheap" at $25K.
  scenario.economics.funds_usd = 200e6;
  const CapacityRun funded = run_capacity(scenario);
  for (const BuildoutEvent& event : funded.buildout)
    CHECK(event.kind != BuildoutKind::site_start);
  CHECK(funded.summary.capex_facility_usd == 0.0);
  CHECK(funded.summary.capex_gpus_usd == doctest::Approx(200e6));
}

TEST_CASE("capacity: the budget planner orders no part after its end of sale") {
  Scenario scenario = one_year();
  scenario.catalog.accelerators.push_back(test_part("dear", 50e3, 1000.0, 200.0));
  scenario.catalog.accelerators.push_back(test_part("cheap", 25e3, 1000.0, 200.0));
  scenario.catalog.accelerators.back().end_of_sale = Date{2025, 4, 1};  // day 90
  SiteSpec existing = test_site("existing", 40e6);                      // room for 40,000 GPUs
  existing.cost_per_power_usd_per_w = 10.0;
  scenario.sites.push_back(existing);
  scenario.planner.policy = PlannerPolicy::budget;
  scenario.planner.non_server_power = {0.0, 0.0};  // servers only: 1 kW per GPU
  scenario.planner.budget_per_period_usd = 500e6;
  scenario.planner.lead_time_s = 0.0;
  const CapacityRun run = run_capacity(scenario);
  std::vector<std::string> orders;
  for (const BuildoutEvent& event : run.buildout) {
    if (event.kind == BuildoutKind::order) {
      orders.push_back(event.accelerator + ":" + std::to_string(event.gpus));
      if (event.accelerator == "cheap")
        CHECK(event.tick < ticks_from_seconds(90 * 86400.0));
    }
  }
  // Q1: $500M buys 20,000 "cheap" at $25K (20 MW). From Q2 on "cheap" is off sale: the next
  // best, "dear" at $50K, takes $500M for 10,000 (10 MW) in Q2 and Q3; Q4 finds no power left.
  const std::vector<std::string> expected = {"cheap:20000", "dear:10000", "dear:10000"};
  CHECK(orders == expected);
  CHECK(run.summary.capex_gpus_usd == doctest::Approx(1.5e9));
  CHECK(run.summary.budget_unplaced_usd == doctest::Approx(500e6));
}

TEST_CASE(
    "capacity: dearer GPUs raise the budget planner's capex only where power binds, and "
    "it says so") {
  // One part, 1 kW per GPU, $500M a quarter, GPUs arriving at once: at $25K a quarter buys
  // 20,000 (20 MW); at $30K (20% dearer) 16,666 ($499.98M).
  const auto run_at = [](double price_usd, double site_mw) {
    Scenario scenario = one_year();
    scenario.catalog.accelerators.push_back(test_part("p", price_usd, 1000.0, 200.0));
    scenario.sites.push_back(test_site("existing", site_mw * 1e6));
    scenario.planner.policy = PlannerPolicy::budget;
    scenario.planner.non_server_power = {0.0, 0.0};
    scenario.planner.budget_per_period_usd = 500e6;
    scenario.planner.lead_time_s = 0.0;
    return run_capacity(scenario).summary;
  };
  SUBCASE("money binds (100 MW): capex stays within the budget, fewer GPUs are bought") {
    // 4 quarters × 20,000 = 80,000 GPUs ($2B); dearer: 4 × 16,666 = 66,664 ($1.99992B).
    const CapacitySummary cheap = run_at(25e3, 100);
    const CapacitySummary dear = run_at(30e3, 100);
    CHECK(cheap.capex_gpus_usd == doctest::Approx(2e9));
    CHECK(dear.capex_gpus_usd == doctest::Approx(66664 * 30e3));
    CHECK(dear.capex_gpus_usd <= cheap.capex_gpus_usd);
    CHECK(cheap.gpus_ordered == 80000);
    CHECK(dear.gpus_ordered == 66664);
    CHECK(cheap.budget_periods_power_short == 0);
    CHECK(dear.budget_periods_power_short == 0);
  }
  SUBCASE("power binds (30 MW): the same 30,000 GPUs cost 20% more, and the run says why") {
    // $25K: Q1 buys 20,000, Q2 the 10,000 that fit; $250M of Q2 and all of Q3 and Q4 find no
    // power. $30K: Q1 16,666, Q2 13,334 ($400.02M). Capex rises by the price, no more.
    const CapacitySummary cheap = run_at(25e3, 30);
    const CapacitySummary dear = run_at(30e3, 30);
    CHECK(cheap.gpus_ordered == 30000);
    CHECK(dear.gpus_ordered == 30000);
    CHECK(cheap.capex_gpus_usd == doctest::Approx(750e6));
    CHECK(dear.capex_gpus_usd == doctest::Approx(900e6));
    CHECK(cheap.budget_unplaced_usd == doctest::Approx(1.25e9));
    CHECK(dear.budget_unplaced_usd == doctest::Approx(1.1e9));
    // The stated reason: Q2, Q3 and Q4 were short of site power.
    CHECK(cheap.budget_periods_power_short == 3);
    CHECK(dear.budget_periods_power_short == 3);
  }
}

TEST_CASE("capacity: what falls due at the horizon's end is not in the run") {
  // The horizon is [2025-01-01, 2026-01-01). A cluster bought on 2024-01-01 retires after
  // 731 days, on 2026-01-01; an order placed on 2025-10-03 with a 90-day lead time arrives on
  // 2026-01-01. Neither is in the run: the summary agrees with the last row.
  Scenario scenario = one_year();
  scenario.catalog.accelerators.push_back(test_part("X", 40e3, 1000.0, 200.0));
  SiteSpec site = test_site("s", 10e6);
  site.cost_per_power_usd_per_w = 0.0;  // no facility to depreciate
  scenario.sites.push_back(site);
  ClusterSpec old = test_cluster("old", "s", "X", 1000, Date{2024, 1, 1});
  old.service_life_s = 731 * 86400.0;
  scenario.clusters.push_back(old);
  OrderSpec order;
  order.accelerator = "X";
  order.gpus = 500;
  order.site = "s";
  order.order_date = Date{2025, 10, 3};
  order.lead_time_s = 90 * 86400.0;
  scenario.planner.orders.push_back(order);

  const CapacityRun run = run_capacity(scenario);
  const CapacitySummary& s = run.summary;
  CHECK(s.gpus_ordered == 1500);
  CHECK(s.gpus_delivered == 1000);
  CHECK(s.gpus_in_transit == 500);
  CHECK(s.gpus_retired == 0);
  CHECK(s.capex_gpus_usd == 0.0);
  // The cluster's $40M over a 6-year server life (2,191.5 days), for 365 days: $6,662,103.58;
  // no write-off of its book value at a retirement outside the run.
  CHECK(s.depreciation_usd == doctest::Approx(6'662'103.58).epsilon(1e-9));
  CHECK(column_sum(run, "depreciation_usd") == doctest::Approx(s.depreciation_usd));
  const Recorder& t = run.timeseries;
  CHECK(t.value(t.rows() - 1, t.column("gpus_delivered_cumulative")) == 1000.0);
  CHECK(t.value(t.rows() - 1, t.column("gpus_in_transit")) == 500.0);
  CHECK(t.value(t.rows() - 1, t.column("gpus_retired_cumulative")) == 0.0);
  std::vector<std::string> kinds;
  for (const BuildoutEvent& event : run.buildout)
    kinds.emplace_back(buildout_kind_name(event.kind));
  const std::vector<std::string> expected = {"phase_online", "install", "order"};
  CHECK(kinds == expected);
  CHECK(s.year_ends.back().date == Date{2026, 1, 1});
  CHECK(s.year_ends.back().stock.installed == 1000);
}

TEST_CASE("capacity: failures follow the annual rate over a large pool") {
  Scenario scenario = one_year();
  scenario.scenario.end = Date{2030, 1, 1};
  scenario.catalog.accelerators.push_back(test_part("X", 40e3, 1000.0, 200.0));
  scenario.sites.push_back(test_site("s", 200e6));
  ClusterSpec cluster{"c", "s", "X", 100'000, Date{2025, 1, 1}, 10 * kSecondsPerYear, 1.0, {}, {}};
  scenario.clusters.push_back(cluster);
  scenario.failures.annual_failure_rate = 0.09;
  scenario.failures.repair_time_s = 3 * 86400.0;
  const CapacityRun run = run_capacity(scenario);
  // Failures strike available GPUs: 100,000 less those in repair (≈ 100,000 × 0.09 × 3/365.25
  // ≈ 74), at 9%/y over 1,826 days: expected ≈ 9,000 × 4.9993 × (1 − 0.00074) ≈ 44,960,
  // Poisson standard deviation ≈ 212; allow 4 of them.
  const double expected = 100'000.0 * 0.09 * (1826.0 / 365.25) * (1.0 - 0.09 * 3.0 / 365.25);
  CHECK(std::abs(static_cast<double>(run.summary.gpu_failures) - expected) <
        4.0 * std::sqrt(expected));
  // GPU-hours available fall short of installed by the repair downtime: 0.074%.
  const double downtime =
      1.0 - run.summary.gpu_seconds_available / run.summary.gpu_seconds_installed;
  CHECK(downtime == doctest::Approx(0.09 * 3.0 / 365.25).epsilon(0.05));
}

}  // namespace
}  // namespace capsim
