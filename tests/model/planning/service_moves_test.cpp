// A service that moves to a newer part in a whole run (tests/data/service-moves.yaml): the
// demand planner's choice of part for serving, and the service's slots, on the real model.
// The hand-worked figures of the choice are demand_planner_test.cpp's.

#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "capsim/model/capacity_model.hpp"
#include "capsim/scenario/loader.hpp"

namespace capsim {
namespace {

CapacityRun run_service_moves(const std::vector<std::string>& sets = {}) {
  return run_capacity(scenario::load_scenario(
      (std::filesystem::path(CAPSIM_SOURCE_DIR) / "tests/data/service-moves.yaml").string(), sets));
}

std::vector<BuildoutEvent> orders(const CapacityRun& run) {
  std::vector<BuildoutEvent> found;
  for (const BuildoutEvent& event : run.buildout) {
    if (event.kind == BuildoutKind::order)
      found.push_back(event);
  }
  return found;
}

/// A cluster's column in each period, in order.
std::vector<double> cluster_column(const CapacityRun& run, const std::string& cluster,
                                   const std::string& column) {
  const Recorder& series = run.cluster_series;
  std::vector<double> values;
  for (std::size_t row = 0; row < series.rows(); ++row) {
    if (series.row_keys(row).front() == cluster)
      values.push_back(series.value(row, series.column(column)));
  }
  return values;
}

TEST_CASE("service moves: a service grows on the part with more tokens/s per dollar") {
  const CapacityRun moved = run_service_moves();
  // The 70B model's tokens/s per all-in dollar: B200 about 0.210, H100 about 0.117 (the
  // roofline's, at each review's forecast demand). Every order is B200, into the planner's
  // cluster for the service, and says why.
  const std::vector<BuildoutEvent> bought = orders(moved);
  REQUIRE(bought.size() == 8);
  for (const BuildoutEvent& order : bought) {
    INFO(order.cluster);
    CHECK(order.accelerator == "B200");
    CHECK(order.cluster.starts_with("demand-"));
    CHECK(order.value.unit == "tokens/s per USD");
    CHECK(order.value.runner_up == "H100-SXM");
    CHECK(order.value.value == doctest::Approx(0.2102).epsilon(0.001));
    CHECK(order.value.runner_up_value == doctest::Approx(0.1172).epsilon(0.002));
  }
  // The B200s serve from their first quarter, first in merit order; the H100s keep the rest
  // of the demand until the B200s hold it all, and the SLO holds throughout.
  const std::vector<double> b200 = cluster_column(moved, "api-B200-dc", "gpus_serving");
  const std::vector<double> h100 = cluster_column(moved, "serving", "gpus_serving");
  REQUIRE(b200.size() == 8);
  REQUIRE(h100.size() == 8);
  CHECK(b200.front() > 0.0);
  CHECK(h100.front() > 0.0);
  for (std::size_t quarter = 1; quarter < b200.size(); ++quarter) {
    INFO("quarter " << quarter);
    CHECK(b200[quarter] > b200[quarter - 1]);
    CHECK(h100[quarter] <= h100[quarter - 1]);
  }
  CHECK(moved.inference.front().slo_attainment == 1.0);
  CHECK(moved.summary.planner_shortfall_periods == 0);

  // Kept on H100s (planner.parts), the same demand takes more GPUs and more money: the H100
  // serves 0.117 / 0.210 of the tokens per dollar.
  const CapacityRun kept = run_service_moves({"planner.parts=[H100-SXM]"});
  for (const BuildoutEvent& order : orders(kept))
    CHECK(order.accelerator == "H100-SXM");
  CHECK(kept.inference.front().slo_attainment == 1.0);
  CHECK(kept.summary.gpus_ordered > moved.summary.gpus_ordered);
  CHECK(kept.summary.capex_gpus_usd > moved.summary.capex_gpus_usd);
}

}  // namespace
}  // namespace capsim
