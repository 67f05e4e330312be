#include <doctest/doctest.h>

#include "capsim/model/training/job_generator.hpp"
#include "capsim/scenario/work_estimate.hpp"

namespace capsim::scenario {
namespace {

/// 2025-01-01 to 2027-01-01: 730 days, 17,520 hours.
Scenario two_years() {
  Scenario scenario;
  scenario.scenario.name = "estimate";
  scenario.scenario.start = Date{2025, 1, 1};
  scenario.scenario.end = Date{2027, 1, 1};
  return scenario;
}

TEST_CASE("work estimate: jobs, service-hours, pool-days and periods, worked by hand") {
  Scenario scenario = two_years();
  scenario.training.jobs.resize(3);
  scenario.training.generator.arrivals_per_s = 1000.0 / 86400.0;  // 1,000 a day, flat
  scenario.inference.services.resize(4);
  scenario.clusters.resize(2);
  scenario.planner.orders.resize(1);
  const WorkEstimate estimate = estimate_work(scenario);
  CHECK(estimate.training_jobs == doctest::Approx(3.0 + 730'000.0));
  CHECK(estimate.service_hours == doctest::Approx(4.0 * 17'520.0));
  CHECK(estimate.pool_days == doctest::Approx(3.0 * 730.0));
  // 730 days over months of 365.25/12 days is 23.98 months: 24 rows.
  CHECK(estimate.reporting_periods == 24.0);
  // capsim run --period counts instead of the scenario's period: 104.3 weeks, 105 rows.
  CHECK(estimate_work(scenario, PeriodUnit::week).reporting_periods == 105.0);
  CHECK(estimate_work(scenario, PeriodUnit::day).reporting_periods == 730.0);
}

TEST_CASE("work estimate: a growing generator counts the integral of its rate") {
  Scenario scenario = two_years();
  scenario.scenario.end.reset();
  scenario.scenario.horizon_s = kSecondsPerYear;
  scenario.training.generator.arrivals_per_s = 1000.0 / 86400.0;
  scenario.training.generator.growth_per_year = 2.0;
  // r0 (e^{g Y} - 1) / g with g = ln 2 / Y: r0 Y / ln 2 = 365,250 / 0.693147 = 526,944.36.
  CHECK(expected_generated_jobs(scenario) == doctest::Approx(526'944.36).epsilon(1e-7));
  CHECK(estimate_work(scenario).training_jobs == doctest::Approx(526'944.36).epsilon(1e-7));
  // A generator that stops after 30 days counts 30 days of the rate (growth over them included).
  scenario.training.generator.growth_per_year = 1.0;
  scenario.training.generator.until = Date{2025, 1, 31};
  CHECK(expected_generated_jobs(scenario) == doctest::Approx(30'000.0));
}

TEST_CASE("work estimate: each ceiling refuses at the key that drives it, and only past it") {
  Diagnostics diagnostics;
  const ConfigNode document = parse_yaml(
      "scenario: {name: x, start: 2025-01-01, end: 2027-01-01}\n"
      "clusters: [{name: a}]\n",
      "big.yaml", diagnostics);
  REQUIRE(diagnostics.empty());
  Scenario scenario = two_years();
  // Just under each ceiling: 500,000 jobs; 1,141 services x 17,520 h = 19,990,320;
  // 136,986 pools x 730 days = 99,999,780.
  scenario.training.jobs.resize(500'000);
  scenario.inference.services.resize(1'141);
  scenario.clusters.resize(136'986);
  check_work_estimate(scenario, document, {}, diagnostics);
  CHECK(diagnostics.empty());
  // One more of each.
  scenario.training.jobs.resize(500'001);
  scenario.inference.services.resize(1'142);
  scenario.clusters.resize(136'987);
  check_work_estimate(scenario, document, {}, diagnostics);
  REQUIRE(diagnostics.size() == 3);
  CHECK(diagnostics.items()[0].format() ==
        "big.yaml:1:1: training.jobs: expected at most 500000 training jobs over the run (listed "
        "jobs and the generator's expected arrivals), found about 500001 (500001 listed + 0 "
        "generated); pass --allow-large to run it anyway");
  CHECK(diagnostics.items()[1].format() ==
        "big.yaml:1:1: inference.services: expected at most 20000000 service-hours (services × "
        "hours of the horizon), found about 20007840 (1142 services × 17520 h); pass "
        "--allow-large to run it anyway");
  CHECK(diagnostics.items()[2].format() ==
        "big.yaml:2:11: clusters: expected at most 100000000 pool-days (clusters and fixed "
        "orders × days of the horizon), found about 100000510 (136987 pools × 730 days); pass "
        "--allow-large to run it anyway");
}

}  // namespace
}  // namespace capsim::scenario
