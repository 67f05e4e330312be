// The demand section's forms as a scenario gives them: tokens or requests, growth given,
// fitted to a CSV of observations or following it, and custom day and week profiles.

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include <doctest/doctest.h>

#include "capsim/model/capacity_model.hpp"
#include "capsim/model/inference/service_sizing.hpp"
#include "capsim/output/capacity_report.hpp"
#include "capsim/scenario/loader.hpp"
#include "scratch_folder.hpp"
#include "test_paths.hpp"

namespace capsim::scenario {
namespace {

namespace fs = std::filesystem;
using test::ScratchFolder;

/// A one-service scenario starting on `start`; `demand` is the demand block's body, indented
/// eight spaces; `service_extra` more keys of the service, indented six.
std::string service_scenario(const std::string& start, const std::string& demand,
                             const std::string& service_extra = "") {
  return "scenario: {name: demand-test, start: " + start +
         ", horizon: \"1 y\", reporting_period: month}\n"
         "sites: [{name: dc, it_power_cap: \"5 MW\", pue: 1.2}]\n"
         "clusters: [{name: h800, site: dc, accelerator: H800-SXM, gpus: 2400, online: "
         "2024-01-01}]\n"
         "economics: {rental_price: \"2 USD/GPU-hour\"}\n"
         "inference:\n"
         "  services:\n"
         "    - name: chat\n"
         "      accelerator: H800-SXM\n"
         "      cluster: h800\n"
         "      model: {active_parameters: 37B, total_parameters: 671B, precision: fp8}\n"
         "      throughput: {prefill_per_node: \"73.7K tokens/s\", decode_per_node: \"14.8K "
         "tokens/s\"}\n" +
         service_extra + "      demand:\n" + demand;
}

std::string observations_path() {
  return (fs::path(CAPSIM_SOURCE_DIR) / "tests/data/chat-tokens-per-day.csv").string();
}

DemandCurve loaded_curve(const Scenario& scenario) {
  return demand_curve(scenario.inference.services.front(), Calendar(scenario.scenario.start));
}

TEST_CASE("demand loader: requests times tokens per request give the token rates") {
  ScratchFolder folder("requests");
  const Scenario scenario = load_scenario(folder.write(
      "s.yaml", service_scenario("2025-01-01",
                                 "        requests: \"2000/s\"\n"
                                 "        input_tokens_per_request: \"1500 tokens\"\n"
                                 "        cache_hit_share: \"50%\"\n",
                                 "      output_tokens_per_request: \"600 tokens\"\n")));
  const TokenDemand base = base_token_demand(scenario.inference.services.front());
  CHECK(base.input_tokens_per_s == doctest::Approx(3.0e6).epsilon(1e-12));   // 2000 × 1500
  CHECK(base.output_tokens_per_s == doctest::Approx(1.2e6).epsilon(1e-12));  // 2000 × 600
  CHECK(base.cache_hit_input_tokens_per_s() == doctest::Approx(1.5e6).epsilon(1e-12));
}

TEST_CASE(
    "demand loader: custom hourly weights in local time move to UTC, weekly ones scale "
    "the days") {
  ScratchFolder folder("profile");
  // Local hours 0-11 weigh 1, 12-23 weigh 3: mean 2, so 0.5 and 1.5 once scaled. At UTC+8,
  // local 12:00 is 04:00 UTC, so UTC hours 4..15 carry 1.5 and the rest 0.5.
  const Scenario scenario = load_scenario(folder.write(
      "s.yaml", service_scenario("2025-01-01",
                                 "        input_tokens: \"80B tokens/day\"\n"
                                 "        output_tokens: \"20B tokens/day\"\n"
                                 "        profile: custom\n"
                                 "        hourly: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,\n"
                                 "                 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3]\n"
                                 "        weekly: [1, 1, 1, 1, 1, 0.5, 0.5]\n"
                                 "        utc_offset_hours: 8\n")));
  const DemandCurve curve = loaded_curve(scenario);
  CHECK(curve.profile.hourly[3] == doctest::Approx(0.5));
  CHECK(curve.profile.hourly[4] == doctest::Approx(1.5));
  CHECK(curve.profile.hourly[15] == doctest::Approx(1.5));
  CHECK(curve.profile.hourly[16] == doctest::Approx(0.5));
  // Weekly mean 6/7: weekdays 7/6, weekend days 7/12.
  CHECK(curve.profile.weekly[0] == doctest::Approx(7.0 / 6.0));
  CHECK(curve.profile.weekly[5] == doctest::Approx(7.0 / 12.0));
  // Saturday 2025-01-04 at 04:00 UTC (noon in Beijing): 1.5 × 7/12 = 0.875.
  const Calendar calendar(scenario.scenario.start);
  CHECK(curve.profile.multiple_at(calendar.tick_of(Date{2025, 1, 4}) + 4 * kTicksPerHour,
                                  calendar) == doctest::Approx(0.875));
}

TEST_CASE("demand loader: exponential growth fitted to observations of tokens per day") {
  ScratchFolder folder("fit");
  // The observations double every year and reach 100B tokens/day on the start date, the base's
  // 80B + 20B: the fit gives 2x a year and a multiple of 1 at the start.
  const Scenario scenario = load_scenario(
      folder.write("s.yaml", service_scenario("2025-01-01",
                                              "        input_tokens: \"80B tokens/day\"\n"
                                              "        output_tokens: \"20B tokens/day\"\n"
                                              "        growth: exponential\n"
                                              "        observations: \"" +
                                                  observations_path() + "\"\n")),
      {}, test::test_load_options());
  REQUIRE(scenario.inference.services.front().demand.observations.size() == 5);
  const GrowthCurve growth = loaded_curve(scenario).growth;
  CHECK(growth.kind == GrowthCurveKind::exponential);
  CHECK(growth.growth_per_year == doctest::Approx(2.0).epsilon(1e-9));
  CHECK(growth.initial_multiple == doctest::Approx(1.0).epsilon(1e-9));
  // The run reports what the fit came to.
  const std::string summary = output::text_summary(scenario, run_capacity(scenario));
  CHECK(summary.find("service chat: growth fitted to 5 observations: exponential, 2.000x a "
                     "year, 1.000x the base demand at the start\n") != std::string::npos);
}

TEST_CASE("demand loader: observed growth follows the observations, relative to the base") {
  ScratchFolder folder("observed");
  fs::create_directories(folder.path() / "data");
  fs::copy_file(observations_path(), folder.path() / "data" / "tokens.csv");
  // The path is relative to the scenario file, wherever the loader runs from.
  const Scenario scenario = load_scenario(
      folder.write("s.yaml", service_scenario("2024-01-01",
                                              "        input_tokens: \"40B tokens/day\"\n"
                                              "        output_tokens: \"10B tokens/day\"\n"
                                              "        growth: observed\n"
                                              "        observations: data/tokens.csv\n")));
  const DemandSpec& demand = scenario.inference.services.front().demand;
  CHECK(fs::path(demand.observations_file).is_absolute());
  const GrowthCurve growth = loaded_curve(scenario).growth;
  CHECK(growth.kind == GrowthCurveKind::piecewise);
  // 2024-07-01 is day 182 of the run: 70,526,407,353 tokens/day over the base's 50B.
  const Calendar calendar(scenario.scenario.start);
  CHECK(growth.multiple_at(seconds_from_ticks(calendar.tick_of(Date{2024, 7, 1}))) ==
        doctest::Approx(70526407353.355042 / 50e9).epsilon(1e-12));
}

TEST_CASE("demand loader: explain prints requests, observations and weights that load back") {
  ScratchFolder folder("explain");
  const Scenario original = load_scenario(
      folder.write("s.yaml",
                   service_scenario("2025-01-01",
                                    "        requests: \"2000/s\"\n"
                                    "        input_tokens_per_request: \"1500 tokens\"\n"
                                    "        growth: exponential\n"
                                    "        observations: \"" +
                                        observations_path() +
                                        "\"\n"
                                        "        profile: custom\n"
                                        "        hourly: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1.25,\n"
                                        "                 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 0]\n"
                                        "        weekly: [1, 1, 1, 1, 1, 0.5, 0.5]\n"
                                        "        utc_offset_hours: -5\n",
                                    "      output_tokens_per_request: \"600 tokens\"\n")),
      {}, test::test_load_options());
  const std::string explained = explain_scenario(original);
  CHECK(explained.find("hourly: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1.25, 3, 3") !=
        std::string::npos);
  CHECK(explained.find("utc_offset_hours: -5") != std::string::npos);
  // Written elsewhere, the explained scenario still finds its observations.
  ScratchFolder elsewhere("explain_elsewhere");
  // It names them by absolute path: outside its folder, where --allow-path lets it look.
  const Scenario reloaded =
      load_scenario(elsewhere.write("explained.yaml", explained), {}, test::test_load_options());
  CHECK(explain_scenario(reloaded) == explained);
  CHECK(reloaded.inference.services.front().demand.observations ==
        original.inference.services.front().demand.observations);
}

}  // namespace
}  // namespace capsim::scenario
