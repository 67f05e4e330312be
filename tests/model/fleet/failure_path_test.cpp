// Failures drawn whole per pool (FailurePath) when no workload reacts to them: a path worked by
// hand, and whole runs both ways (every failure an engine event, and paths) giving the same
// failures, the same failed stock at every sample and the same energy, cost and GPU-hours.

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "capsim/model/capacity_model.hpp"
#include "capsim/model/fleet/failure_path.hpp"
#include "capsim/scenario/loader.hpp"
#include "model/fixtures.hpp"

namespace capsim {
namespace {

using test::one_year;
using test::test_cluster;
using test::test_part;
using test::test_site;

Tick at_s(double seconds) {
  return ticks_from_seconds(seconds);
}

TEST_CASE("failure path: failed stock and failed GPU-seconds of a small path, by hand") {
  // Installed at 0 s, retires at 100 s, horizon 1,000 s. Cause 0 repairs in 10 s and fails at
  // 5, 20 and 95 s; cause 1 repairs in 50 s and fails at 30 and 70 s.
  const FailurePath path =
      FailurePath::of_failures(PathWindow{0, at_s(100), at_s(1000)}, {at_s(10), at_s(50)},
                               {{at_s(5), at_s(20), at_s(95)}, {at_s(30), at_s(70)}});
  // To 40 s: cause 0 down 5-15 and 20-30 (20 GPU-s), cause 1 down 30-40 (10): 30 GPU-s.
  CHECK(path.failed_gpu_s(at_s(40)) == doctest::Approx(30.0).epsilon(1e-15));
  // Past the retirement the path stops at 100 s: cause 0 10 + 10 + (100 − 95) = 25, cause 1
  // (80 − 30) + (100 − 70) = 80: 105 GPU-s.
  CHECK(path.failed_gpu_s(at_s(200)) == doctest::Approx(105.0).epsilon(1e-15));
  CHECK(path.failed_gpu_s(at_s(100)) == doctest::Approx(105.0).epsilon(1e-15));
  // Half way through a repair: to 12 s, 7 GPU-s; before the first failure none.
  CHECK(path.failed_gpu_s(at_s(12)) == doctest::Approx(7.0).epsilon(1e-15));
  CHECK(path.failed_gpu_s(at_s(5)) == 0.0);
  // As an instant begins its repairs and failures have not happened: at 30 s the failure at
  // 20 s is still in repair (done at 30 s) and the one at 30 s not yet in; at 31 s the
  // reverse.
  CHECK(path.failed_before(at_s(30)) == 1);
  CHECK(path.failed_before(at_s(31)) == 1);
  CHECK(path.failed_before(at_s(15)) == 1);  // the 5 s failure's repair ends at 15 s
  CHECK(path.failed_before(at_s(15) + 1) == 0);
  CHECK(path.failed_before(at_s(75)) == 2);   // both of cause 1
  CHECK(path.failed_before(at_s(100)) == 2);  // 70 s (cause 1) and 95 s (cause 0)
  CHECK(path.failed_before(at_s(150)) == 0);  // retired
  CHECK(path.failures_before(0, at_s(95)) == 2);
  CHECK(path.failures_before(0, at_s(96)) == 3);
  CHECK(path.failures_before(1, at_s(1000)) == 2);
}

TEST_CASE("failure path: no candidate and no draw without a failure rate") {
  RandomStream stream(7);
  const RandomStream untouched(7);
  const FailurePath path(stream, FailureCauseRates{{0.0}, 0.0, {at_s(10)}}, 1000,
                         PathWindow{0, INT64_MAX, at_s(1000)});
  CHECK(path.events() == 0);
  CHECK(path.failed_gpu_s(at_s(1000)) == 0.0);
  RandomStream copy = untouched;
  CHECK(stream.uniform01() == copy.uniform01());
}

TEST_CASE("failure path: retired early, a path is the one drawn to the earlier retirement") {
  // Two causes at a high rate, so that the path has failures, repairs in progress and
  // candidates thinned away on both sides of the early retirement at 400 s.
  const FailureCauseRates causes{{0.02, 0.01}, 0.03, {at_s(30), at_s(90)}};
  const Tick end = at_s(1000);
  RandomStream long_stream(11);
  FailurePath retired(long_stream, causes, 50, PathWindow{0, at_s(800), end});
  retired.retire_early(at_s(400));
  RandomStream short_stream(11);
  const FailurePath drawn(short_stream, causes, 50, PathWindow{0, at_s(400), end});
  CHECK(drawn.failures_before(0, end) > 0);
  CHECK(drawn.failures_before(1, end) > 0);
  CHECK(retired.events() == drawn.events());
  for (double s = 0.0; s <= 1000.0; s += 25.0) {
    INFO("at " << s << " s");
    CHECK(retired.failures_before(0, at_s(s)) == drawn.failures_before(0, at_s(s)));
    CHECK(retired.failures_before(1, at_s(s)) == drawn.failures_before(1, at_s(s)));
    CHECK(retired.failed_before(at_s(s)) == drawn.failed_before(at_s(s)));
    CHECK(retired.failed_gpu_s(at_s(s)) == drawn.failed_gpu_s(at_s(s)));
  }
}

double relative_gap(double a, double b) {
  const double scale = std::max(std::abs(a), std::abs(b));
  return scale > 0.0 ? std::abs(a - b) / scale : 0.0;
}

/// Runs `scenario` with every failure an event and with failure paths, and checks they agree:
/// the same failures by cause and events, the same failed stock at every sample, and energy,
/// cost and GPU-hours equal to 1e-12 (the sums are taken in another order).
void check_both_ways_agree(const Scenario& scenario) {
  const CapacityRun events = run_capacity(scenario, std::nullopt, FailureEvents::always);
  const CapacityRun paths = run_capacity(scenario);
  const CapacitySummary& e = events.summary;
  const CapacitySummary& p = paths.summary;
  CHECK(e.gpu_failures > 0);
  CHECK(p.gpu_failures == e.gpu_failures);
  CHECK(p.gpu_failures_by_cause == e.gpu_failures_by_cause);
  CHECK(paths.events == events.events);
  CHECK(relative_gap(p.energy_it_j, e.energy_it_j) < 1e-12);
  CHECK(relative_gap(p.energy_facility_j, e.energy_facility_j) < 1e-12);
  CHECK(relative_gap(p.energy_cost_usd, e.energy_cost_usd) < 1e-12);
  CHECK(relative_gap(p.gpu_seconds_available, e.gpu_seconds_available) < 1e-12);
  CHECK(relative_gap(p.gpu_seconds_busy, e.gpu_seconds_busy) < 1e-12);
  REQUIRE(paths.timeseries.rows() == events.timeseries.rows());
  const std::size_t failed = events.timeseries.column("gpus_failed");
  // A period's figure is the difference of two running integrals, so its rounding is that of
  // the integrals (1e-16 of the run's total), not of the period: a one-day last period of a
  // year differs by about 1e-12 of itself. Compare the running totals period by period.
  const std::vector<std::string> figures = {"energy_it_mwh", "energy_facility_mwh",
                                            "opex_energy_usd", "gpu_hours_available",
                                            "gpu_hours_busy"};
  std::vector<double> events_total(figures.size(), 0.0), paths_total(figures.size(), 0.0);
  double worst = 0.0;
  for (std::size_t row = 0; row < events.timeseries.rows(); ++row) {
    CHECK(paths.timeseries.value(row, failed) == events.timeseries.value(row, failed));
    for (std::size_t f = 0; f < figures.size(); ++f) {
      const std::size_t column = events.timeseries.column(figures[f]);
      events_total[f] += events.timeseries.value(row, column);
      paths_total[f] += paths.timeseries.value(row, column);
      worst = std::max(worst, relative_gap(paths_total[f], events_total[f]));
    }
  }
  CHECK(worst < 1e-12);
  REQUIRE(p.year_ends.size() == e.year_ends.size());
  for (std::size_t k = 0; k < e.year_ends.size(); ++k) {
    CHECK(p.year_ends[k].stock.failed == e.year_ends[k].stock.failed);
    CHECK(relative_gap(p.year_ends[k].stock.drawn_w, e.year_ends[k].stock.drawn_w) < 1e-12);
  }
}

TEST_CASE("failure paths: two causes, a retirement, an install and a price change agree") {
  Scenario scenario = one_year();
  scenario.scenario.reporting_period = PeriodUnit::week;
  scenario.catalog.accelerators.push_back(test_part("X", 30e3, 1000.0, 250.0));
  SiteSpec site = test_site("s", 50e6);
  site.pue = 1.3;
  site.electricity_price_usd_per_j = 50.0 / 3.6e9;                              // $50/MWh
  site.electricity_price_changes.push_back({Date{2025, 6, 12}, 80.0 / 3.6e9});  // $80/MWh
  scenario.sites.push_back(site);
  // 20,000 GPUs in service since October 2021 for four years: they retire on 1 October 2025.
  ClusterSpec old_cluster = test_cluster("old", "s", "X", 20'000, Date{2021, 10, 1});
  old_cluster.service_life_s = 4 * kSecondsPerYear;
  old_cluster.utilisation = 0.6;
  scenario.clusters.push_back(old_cluster);
  ClusterSpec new_cluster = test_cluster("new", "s", "X", 10'000, Date{2025, 3, 20});
  new_cluster.utilisation = 0.8;
  new_cluster.non_server_power = {40.0, 10.0};
  scenario.clusters.push_back(new_cluster);
  // Two causes at high rates, so that thousands of GPUs fail and hundreds are down at once:
  // 2 per GPU-year repaired in 3 days, 5 per GPU-year repaired in 2 hours.
  scenario.failures.annual_failure_rate.reset();
  FailureCauseSpec hardware;
  hardware.name = "hardware";
  hardware.rate.per_gpu_year = 2.0;
  hardware.repair_time_s = 3 * 86400.0;
  FailureCauseSpec software;
  software.name = "software";
  software.rate.per_gpu_year = 5.0;
  software.repair_time_s = 2 * 3600.0;
  software.interrupts = false;
  scenario.failures.causes = {hardware, software};
  check_both_ways_agree(scenario);
}

TEST_CASE("failure paths: a refresh's early retirement agrees run both ways") {
  // tests/data/refresh.yaml: 1,000 H100s retired early on 2026-07-01, two and a half years
  // before their planned retirement, when their replacements arrive.
  const Scenario scenario =
      scenario::load_scenario(std::string(CAPSIM_SOURCE_DIR) + "/tests/data/refresh.yaml");
  check_both_ways_agree(scenario);
}

TEST_CASE("failure paths: the flagship agrees run both ways") {
  const Scenario scenario =
      scenario::load_scenario(std::string(CAPSIM_SOURCE_DIR) + "/scenarios/meta-2025-60b.yaml");
  check_both_ways_agree(scenario);
}

}  // namespace
}  // namespace capsim
