#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>

#include "capsim/model/capacity_model.hpp"
#include "capsim/scenario/loader.hpp"

namespace capsim {
namespace {

// "DeepSeek V3/R1 inference system overview" (DeepSeek, open-infra-index, 2025-02): one
// 24-hour day on 8×H800 nodes: average 226.75 and peak 278 nodes; $87,072 a day at $2 per
// GPU-hour; 608B input tokens (56.3% cache hits) and 168B output tokens; about 73.7k input
// tokens/s per node in prefill and 14.8k output tokens/s per node in decode; theoretical
// revenue at R1 list prices $562,027 a day.
TEST_CASE("validation: the DeepSeek serving day: nodes, peak, cost and revenue") {
  const Scenario scenario = scenario::load_scenario(
      (std::filesystem::path(CAPSIM_SOURCE_DIR) / "scenarios/deepseek-inference-day.yaml")
          .string());
  const CapacityRun run = run_capacity(scenario);
  REQUIRE(run.inference.size() == 1);
  const InferenceSummary& day = run.inference.front();
  const double average_nodes = day.average_gpus / 8.0;
  const double peak_nodes = static_cast<double>(day.peak_gpus) / 8.0;
  INFO("average nodes " << average_nodes << ", peak " << peak_nodes << ", cost " << day.cost_usd);
  // Hour by hour: ceil(input / 73.7k) prefill nodes + ceil(output / 14.8k) decode nodes under
  // the documented day profile; the daily mean of the uncapped need is 95.48 + 131.38 =
  // 226.86 nodes, and rounding each pool up to whole nodes adds about one.
  CHECK(std::abs(average_nodes / 226.75 - 1.0) < 0.05);
  CHECK(std::abs(peak_nodes / 278.0 - 1.0) < 0.10);
  CHECK(std::abs(day.cost_usd / 87072.0 - 1.0) < 0.05);
  CHECK(std::abs(day.revenue_usd / 562027.0 - 1.0) < 0.05);
  CHECK(day.slo_attainment == 1.0);
  CHECK(day.served_output_tokens == doctest::Approx(168e9).epsilon(1e-9));
}

}  // namespace
}  // namespace capsim
