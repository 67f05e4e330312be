// timeseries_sites.csv and timeseries_clusters.csv: each site's (cluster's) share of the fleet's
// figures. Summed over the sites (clusters), every column the fleet's timeseries also has gives
// the fleet's value, period by period.

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <string>

#include "capsim/model/capacity_model.hpp"
#include "capsim/model/reporting/timeseries.hpp"
#include "capsim/output/capacity_report.hpp"
#include "capsim/scenario/loader.hpp"

namespace capsim {
namespace {

std::string source_path(const std::string& relative) {
  return (std::filesystem::path(CAPSIM_SOURCE_DIR) / relative).string();
}

/// Checks that the members' rows sum to the fleet's row for every column both have, in
/// every period; returns how many columns were compared.
std::size_t check_members_sum_to_fleet(const Recorder& fleet, const Recorder& members) {
  std::set<std::string> fleet_columns(fleet.columns().begin(), fleet.columns().end());
  std::size_t compared = 0;
  for (std::size_t c = 0; c < members.columns().size(); ++c) {
    const std::string& name = members.columns()[c];
    if (!fleet_columns.contains(name))
      continue;
    ++compared;
    const std::size_t f = fleet.column(name);
    std::map<std::string, double> sums;  // by period start
    for (std::size_t row = 0; row < members.rows(); ++row)
      sums[members.period_start(row)] += members.value(row, c);
    REQUIRE(sums.size() == fleet.rows());
    for (std::size_t row = 0; row < fleet.rows(); ++row) {
      INFO(name, " in the period from ", fleet.period_start(row));
      const double expected = fleet.value(row, f);
      // Sums of the same terms in another order: within a few ulps of the larger.
      CHECK(std::abs(sums.at(fleet.period_start(row)) - expected) <=
            1e-12 * std::max(1.0, std::abs(expected)));
    }
  }
  return compared;
}

TEST_CASE("site and cluster series: their shares sum to the fleet's series (flagship)") {
  const Scenario scenario = scenario::load_scenario(source_path("scenarios/meta-2025-60b.yaml"));
  const CapacityRun run = run_capacity(scenario, PeriodUnit::month);
  REQUIRE(run.timeseries.rows() == 36);
  REQUIRE(scenario.sites.size() >= 2);
  CHECK(run.site_series.rows() == 36 * scenario.sites.size());
  // Every site column has a fleet namesake: all 13 are compared.
  CHECK(check_members_sum_to_fleet(run.timeseries, run.site_series) == site_columns().size());
  // The five GPU counts: without training jobs the fleet has no training columns, and
  // gpus_serving has no fleet namesake.
  CHECK(check_members_sum_to_fleet(run.timeseries, run.cluster_series) == 5);
  // Not trivially: the fleet grows, and more than one site holds GPUs at the end.
  const std::size_t installed = run.site_series.column("gpus_installed");
  std::size_t sites_with_gpus = 0;
  for (std::size_t row = run.site_series.rows() - scenario.sites.size();
       row < run.site_series.rows(); ++row)
    sites_with_gpus += run.site_series.value(row, installed) > 0 ? 1 : 0;
  CHECK(sites_with_gpus >= 2);
}

TEST_CASE("site and cluster series: sums hold with training, serving and failures, by day") {
  // Two sites, training jobs, inference services and a planner that buys: every period's
  // busy GPUs and training GPU-hours per cluster, and energy per site.
  Scenario scenario = scenario::load_scenario(source_path("scenarios/examples/example.yaml"));
  scenario.scenario.end = Date{2025, 7, 1};
  const CapacityRun run = run_capacity(scenario, PeriodUnit::week);
  REQUIRE(scenario.sites.size() == 2);
  CHECK(check_members_sum_to_fleet(run.timeseries, run.site_series) == site_columns().size());
  // All but gpus_serving (the services' GPUs are per service in timeseries.csv).
  CHECK(check_members_sum_to_fleet(run.timeseries, run.cluster_series) ==
        cluster_columns().size() - 1);
  const std::size_t training = run.cluster_series.column("gpu_hours_training");
  double training_hours = 0.0;
  for (std::size_t row = 0; row < run.cluster_series.rows(); ++row)
    training_hours += run.cluster_series.value(row, training);
  CHECK(training_hours > 0.0);
}

TEST_CASE("site series: the rows are keyed by site, written wide and long") {
  Scenario scenario = scenario::load_scenario(source_path("scenarios/examples/example.yaml"));
  scenario.scenario.end = Date{2025, 3, 1};
  const CapacityRun run = run_capacity(scenario, PeriodUnit::month);
  const std::string wide = output::timeseries_csv(run.site_series);
  CHECK(wide.rfind("period_start,period_end,site,gpus_installed,gpus_available,", 0) == 0);
  CHECK(wide.find("\n2025-01-01,2025-02-01,campus-a,") != std::string::npos);
  CHECK(wide.find("\n2025-02-01,2025-03-01,legacy-dc,") != std::string::npos);
  const std::string long_form = output::timeseries_long_csv(run.site_series);
  CHECK(long_form.rfind("period,period_end,metric,unit,value,site,cluster,part,service,tenant\n"
                        "2025-01-01,2025-02-01,gpus_installed,GPUs,",
                        0) == 0);
  // 2 periods × 2 sites × every column, and the header.
  CHECK(static_cast<std::size_t>(std::count(long_form.begin(), long_form.end(), '\n')) ==
        2 * 2 * site_columns().size() + 1);
  // The fleet's per-part columns name their part in the part column.
  const std::string fleet_long = output::timeseries_long_csv(run.timeseries);
  const std::string part = scenario.catalog.accelerators[0].name;
  CHECK(fleet_long.find("\n2025-01-01,2025-02-01,gpus_installed,GPUs,") != std::string::npos);
  CHECK(fleet_long.find(",gpus_installed,GPUs,") != std::string::npos);
  CHECK(fleet_long.find(",," + part + ",,\n") != std::string::npos);
}

}  // namespace
}  // namespace capsim
