#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "capsim/model/capacity_model.hpp"
#include "model/fixtures.hpp"

namespace capsim {
namespace {

using test::column_sum;
using test::test_cluster;
using test::test_part;
using test::test_site;

// The listed contract of scenarios/research/leases-design.md, section 6: 1,024 H100s from a
// neocloud for 365 days from 2026-01-01 at $2.10 a GPU-hour, signed 90 days before. Beside
// them the scenario's own 1,000 GPUs on a 2 MW site; two years in quarters.
Scenario with_listed_lease(bool leased) {
  Scenario scenario = test::one_year(Date{2026, 1, 1});
  scenario.scenario.end = Date{2028, 1, 1};
  scenario.scenario.reporting_period = PeriodUnit::quarter;
  scenario.failures.annual_failure_rate = 0.05;
  scenario.failures.repair_time_s = 3 * kSecondsPerDay;
  scenario.catalog.accelerators.push_back(test_part("H100-SXM", 25e3, 1275.0, 300.0));
  scenario.sites.push_back(test_site("home", 2e6));
  scenario.clusters.push_back(test_cluster("own", "home", "H100-SXM", 1000, Date{2026, 1, 1}));
  if (leased) {
    LeaseSpec lease;
    lease.provider = "neocloud";
    lease.part = "H100-SXM";
    lease.gpus = 1024;
    lease.start = Date{2026, 1, 1};
    lease.term_s = 365 * kSecondsPerDay;
    lease.price_usd_per_gpu_s = 2.10 / 3600.0;
    lease.lead_time_s = 90 * kSecondsPerDay;
    scenario.leases.push_back(lease);
  }
  return scenario;
}

double value(const CapacityRun& run, std::size_t row, const std::string& column) {
  return run.timeseries.value(row, run.timeseries.column(column));
}

TEST_CASE("leases: a listed contract's GPUs, cost and signature, and own power unchanged") {
  const CapacityRun run = run_capacity(with_listed_lease(true));
  const CapacityRun own = run_capacity(with_listed_lease(false));
  REQUIRE(run.timeseries.rows() == 8);
  // 2026-Q1: 90 days, 2,160 h: 1,024 × 2.10 × 2,160 = $4,644,864 for 2,211,840 GPU-hours.
  CHECK(value(run, 0, "lease_cost_usd") == doctest::Approx(4'644'864.0).epsilon(1e-12));
  CHECK(value(run, 0, "gpu_hours_leased") == doctest::Approx(2'211'840.0).epsilon(1e-12));
  // The term: 1,024 × 2.10 × 8,760 = $18,837,504, all of it within the run.
  CHECK(column_sum(run, "lease_cost_usd") == doctest::Approx(18'837'504.0).epsilon(1e-12));
  // 1,024 under lease at every 2026 period end, none from 2027 on.
  for (std::size_t row = 0; row < 4; ++row)
    CHECK(value(run, row, "gpus_leased") == 1024.0);
  for (std::size_t row = 4; row < 8; ++row) {
    CHECK(value(run, row, "gpus_leased") == 0.0);
    CHECK(value(run, row, "lease_cost_usd") == 0.0);
  }
  // Not the scenario's fleet, nor its power: installed GPUs, IT power and energy are the
  // same as without the lease (the own pool's failures come from its own random stream).
  for (std::size_t row = 0; row < 8; ++row) {
    CHECK(value(run, row, "gpus_installed") == value(own, row, "gpus_installed"));
    CHECK(value(run, row, "power_it_mw") == value(own, row, "power_it_mw"));
    CHECK(value(run, row, "energy_facility_mwh") == value(own, row, "energy_facility_mwh"));
    CHECK(value(run, row, "cost_per_gpu_hour_owned_usd") ==
          value(own, row, "cost_per_gpu_hour_usd"));
  }
  // Available to the work: the own and the leased GPUs not failed.
  CHECK(value(run, 0, "gpus_available") > value(own, 0, "gpus_available") + 1000.0);
  // Fully loaded, leases included: (own costs + lease payments) / (own + leased GPU-hours).
  const double own_costs =
      value(own, 0, "cost_per_gpu_hour_usd") * value(own, 0, "gpu_hours_installed");
  CHECK(value(run, 0, "cost_per_gpu_hour_usd") ==
        doctest::Approx((own_costs + 4'644'864.0) /
                        (value(own, 0, "gpu_hours_installed") + 2'211'840.0))
            .epsilon(1e-12));
  // Signed on 2025-10-03, 90 days before its start: listed at the start with that date.
  std::vector<BuildoutEvent> signed_leases, ended;
  for (const BuildoutEvent& event : run.buildout) {
    if (event.kind == BuildoutKind::lease_signed)
      signed_leases.push_back(event);
    if (event.kind == BuildoutKind::lease_end)
      ended.push_back(event);
  }
  REQUIRE(signed_leases.size() == 1);
  CHECK(signed_leases[0].tick == 0);
  CHECK(signed_leases[0].site == "neocloud");
  CHECK(signed_leases[0].gpus == 1024);
  CHECK(signed_leases[0].amount_usd == doctest::Approx(18'837'504.0).epsilon(1e-12));
  CHECK(signed_leases[0].note == "scenario; signed 2025-10-03");
  REQUIRE(ended.size() == 1);
  CHECK(ended[0].tick == ticks_from_seconds(365 * kSecondsPerDay));
  // No capex, no asset: the lease is opex from the funds.
  CHECK(run.summary.capex_gpus_usd == own.summary.capex_gpus_usd);
  CHECK(run.summary.depreciation_usd == own.summary.depreciation_usd);
  CHECK(run.summary.spent_usd ==
        doctest::Approx(own.summary.spent_usd + 18'837'504.0).epsilon(1e-12));
  CHECK(run.summary.leases_signed == 1);
  CHECK(run.summary.leases_signed_by_planner == 0);
  CHECK(run.summary.gpus_leased_peak == 1024);
  // Leased GPUs fail as owned GPUs do.
  CHECK(run.summary.gpu_failures > own.summary.gpu_failures);
}

TEST_CASE("leases: a contract already running at the start is paid from the start only") {
  // From 2025-07-01 for 365 days, to 2026-07-01: 181 days of it fall in the run.
  Scenario scenario = with_listed_lease(true);
  scenario.leases[0].start = Date{2025, 7, 1};
  const CapacityRun run = run_capacity(scenario);
  CHECK(column_sum(run, "gpu_hours_leased") == doctest::Approx(1024.0 * 181 * 24).epsilon(1e-12));
  CHECK(value(run, 0, "gpus_leased") == 1024.0);
  CHECK(value(run, 1, "gpus_leased") == 1024.0);
  CHECK(value(run, 2, "gpus_leased") == 0.0);
}

TEST_CASE("leases: training runs on leased GPUs") {
  // A job of 1,024 GPUs does not fit the own 1,000; the lease's 1,024 hold it from its start.
  Scenario scenario = with_listed_lease(true);
  TrainingJobSpec job;
  job.name = "big";
  job.submit = Date{2026, 1, 1};
  job.gpus = 1024;
  job.base_mfu = 0.5;
  job.flops = 1024 * 1000e12 * 0.5 * 100 * 3600.0;
  scenario.training.jobs = {job};
  const CapacityRun run = run_capacity(scenario);
  REQUIRE(run.jobs.size() == 1);
  CHECK(run.jobs[0].cluster == "lease-neocloud-H100-SXM-2026-01-01");
  CHECK(run.jobs[0].status == "completed");
  // Its busy GPU-hours count in the fleet's, against available hours that include the lease's.
  CHECK(value(run, 0, "gpu_hours_busy") >= 1024 * 100.0);
  CHECK(value(run, 0, "utilisation") <= 1.0);
}

TEST_CASE("leases: a listed lease is capacity the demand planner counts, as an order is") {
  // Training holds 1,024 GPUs all year; the lease holds them: at a target utilisation of 100%
  // the planner orders nothing while it runs, and, a year on, the GPUs it will then lack.
  Scenario scenario = with_listed_lease(true);
  scenario.clusters.clear();
  scenario.sites[0].it_power_cap_w = 10e6;
  scenario.planner.policy = PlannerPolicy::demand;
  scenario.planner.target_utilisation = 1.0;
  scenario.planner.lead_time_s = 30 * kSecondsPerDay;
  scenario.failures.annual_failure_rate = 0.0;
  TrainingJobSpec job;
  job.name = "long";
  job.submit = Date{2026, 1, 1};
  job.gpus = 1024;
  job.base_mfu = 0.5;
  job.flops = 1024 * 1000e12 * 0.5 * 2 * 8760 * 3600.0;  // two years or more
  scenario.training.jobs = {job};
  const CapacityRun run = run_capacity(scenario);
  std::vector<Tick> orders;
  for (const BuildoutEvent& event : run.buildout) {
    if (event.kind == BuildoutKind::order)
      orders.push_back(event.tick);
  }
  // Reviews each quarter; each looks a lead time and a quarter ahead: the 2026-10-01 review's
  // horizon, 2027-01-31, lies past the lease's end (2027-01-01): its first order.
  REQUIRE_FALSE(orders.empty());
  CHECK(orders.front() == ticks_from_seconds(273 * kSecondsPerDay));  // 2026-10-01
}

}  // namespace
}  // namespace capsim
