#include "capsim/output/summary_figures.hpp"

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "capsim/output/capacity_report.hpp"
#include "capsim/scenario/loader.hpp"

namespace capsim::output {
namespace {

const SummaryFigure* find_figure(const std::vector<SummaryFigure>& figures,
                                 const std::string& name) {
  const auto found = std::find_if(figures.begin(), figures.end(),
                                  [&](const SummaryFigure& f) { return f.name == name; });
  return found == figures.end() ? nullptr : &*found;
}

TEST_CASE("summary figures: nested objects become dotted names, lists are named by their key") {
  const std::string json = R"({"scenario": "base", "seed": 7, "ok": true,
    "totals": {"capex_usd": 6.0e10, "cost_per_gpu_hour_usd": 1.25},
    "inference": [{"service": "chat", "average_gpus": 128.5}, {"service": "code", "average_gpus": 64}],
    "samples": [{"value": 3}, {"value": 4}],
    "note": null})";
  const std::vector<SummaryFigure> figures = flatten_summary_json(json, "summary.json");
  std::vector<std::string> names;
  for (const SummaryFigure& figure : figures)
    names.push_back(figure.name);
  CHECK(names ==
        std::vector<std::string>{"seed", "totals.capex_usd", "totals.cost_per_gpu_hour_usd",
                                 "inference[chat].average_gpus", "inference[code].average_gpus",
                                 "samples[0].value", "samples[1].value"});
  CHECK(figures[1].value == 6.0e10);
  CHECK(figures[3].value == 128.5);
}

TEST_CASE("summary figures: text that is not an object is an error naming the file") {
  try {
    flatten_summary_json("[1, 2]", "out/summary.json");
    FAIL("expected an InputError");
  } catch (const InputError& error) {
    REQUIRE(error.diagnostics().size() == 1);
    CHECK(error.diagnostics()[0].format() ==
          "out/summary.json:1:1: expected a JSON object of summary figures, found a list");
  }
}

TEST_CASE("summary figures: a run's figures are its summary.json's, value for value") {
  const Scenario scenario = scenario::load_scenario(
      (std::filesystem::path(CAPSIM_SOURCE_DIR) / "scenarios/deepseek-inference-day.yaml")
          .string());
  const CapacityRun run = run_capacity(scenario);
  const std::vector<SummaryFigure> figures = summary_figures(scenario, run);
  const SummaryFigure* capex = find_figure(figures, "totals.capex_usd");
  REQUIRE(capex != nullptr);
  CHECK(capex->value == run.summary.capex_gpus_usd + run.summary.capex_facility_usd);
  REQUIRE(!run.inference.empty());
  const SummaryFigure* cost = find_figure(
      figures, "inference[" + run.inference.front().service + "].cost_per_million_tokens_usd");
  REQUIRE(cost != nullptr);
  CHECK(cost->value == run.inference.front().cost_per_million_tokens_usd);
}

}  // namespace
}  // namespace capsim::output
