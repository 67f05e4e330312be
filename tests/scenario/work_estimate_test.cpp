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

TEST_CASE("work estimate: jobs, service-hours, GPU failures and periods, worked by hand") {
  Scenario scenario = two_years();
  scenario.training.jobs.resize(3);
  scenario.training.generator.arrivals_per_s = 1000.0 / 86400.0;  // 1,000 a day, flat
  scenario.inference.services.resize(4);
  scenario.clusters.resize(2);
  scenario.clusters[0].gpus = 1000;
  scenario.clusters[1].gpus = 3000;
  scenario.planner.orders.resize(1);
  scenario.planner.orders[0].gpus = 1000;
  scenario.failures.annual_failure_rate = 0.1;
  const WorkEstimate estimate = estimate_work(scenario);
  CHECK(estimate.training_jobs == doctest::Approx(3.0 + 730'000.0));
  CHECK(estimate.service_hours == doctest::Approx(4.0 * 17'520.0));
  // 5,000 GPUs × 0.1 a GPU-year × 730 / 365.25 years = 999.3155.
  CHECK(estimate.gpu_failures == doctest::Approx(999.3155).epsilon(1e-7));
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
  // 150,102,000 GPUs x 0.1 a GPU-year x 1.998631 years = 29,999,852.
  scenario.training.jobs.resize(500'000);
  scenario.inference.services.resize(1'141);
  scenario.failures.annual_failure_rate = 0.1;
  scenario.clusters.resize(1);
  scenario.clusters[0].gpus = 150'102'000;
  check_work_estimate(scenario, document, {}, diagnostics);
  CHECK(diagnostics.empty());
  // One more of each.
  scenario.training.jobs.resize(500'001);
  scenario.inference.services.resize(1'142);
  scenario.clusters[0].gpus = 150'103'000;  // 30,000,052 failures
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
        "big.yaml:1:1: failures: expected at most 30000000 GPU failures over the run (the "
        "clusters' and fixed orders' GPUs × the failure causes' rates × the horizon), found "
        "about 30000052 (150103000 GPUs × 0.1 failures per GPU-year × 1.999 years); pass "
        "--allow-large to run it anyway");
}

}  // namespace
}  // namespace capsim::scenario
