#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>

#include "capsim/model/capacity_model.hpp"
#include "capsim/model/inference/demand_curve.hpp"
#include "capsim/model/inference/inference_throughput.hpp"
#include "capsim/model/inference/service_sizing.hpp"
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
  CHECK(day.served.output == doctest::Approx(168e9).epsilon(1e-9));
}

}  // namespace
}  // namespace capsim

namespace capsim {
namespace {

// With a scale-up warm-up, each hour's extra replicas start that long before the hour: the
// day costs exactly Σ_h max(0, GPUs(h+1) − GPUs(h)) × warm-up × price more, with GPUs(h) the
// sizing of hour h's demand (300 nodes never cap the 280-node peak). Hour 24 is the next day's
// first, which the last hour warms up for.
TEST_CASE("inference: scale-up warm-up holds next hour's extra replicas that much longer") {
  const std::string path =
      (std::filesystem::path(CAPSIM_SOURCE_DIR) / "scenarios/deepseek-inference-day.yaml").string();
  const Scenario cold = scenario::load_scenario(path);
  const Scenario warm =
      scenario::load_scenario(path, {"inference.services[0].scale_up_warmup=15 min"});
  REQUIRE(warm.inference.services.front().scale_up_warmup_s == 900.0);

  const ServiceSpec& spec = cold.inference.services.front();
  const AcceleratorSpec* part = cold.catalog.find(spec.accelerator);
  REQUIRE(part != nullptr);
  const ReplicaThroughput throughput = service_throughput(spec, *part);
  const Calendar calendar(cold.scenario.start);
  const DemandCurve demand = demand_curve(spec, calendar);
  REQUIRE(spec.demand.profile == DemandProfileKind::deepseek_day);
  double increases_gpus = 0.0;
  std::int64_t previous = -1;
  for (Tick hour = 0; hour <= 24; ++hour) {
    const std::int64_t gpus =
        size_service(spec, throughput, demand.at(hour * kTicksPerHour, calendar)).gpus(throughput);
    if (previous >= 0)
      increases_gpus += static_cast<double>(std::max<std::int64_t>(0, gpus - previous));
    previous = gpus;
  }
  // The profile rises from its trough to a 280-node peak: at least 50 nodes of increases.
  CHECK(increases_gpus >= 50.0 * 8.0);
  const double expected_extra_usd = increases_gpus * 0.25 * 2.0;  // 15 min at $2/GPU-hour

  const double cold_cost = run_capacity(cold).inference.front().cost_usd;
  const double warm_cost = run_capacity(warm).inference.front().cost_usd;
  CHECK(warm_cost - cold_cost == doctest::Approx(expected_extra_usd).epsilon(1e-9));
}

}  // namespace
}  // namespace capsim
