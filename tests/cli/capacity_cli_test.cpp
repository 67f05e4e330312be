#include <doctest/doctest.h>

#include "cli_runner.hpp"

namespace capsim::test {
namespace {

bool contains(const std::string& text, const std::string& piece) {
  return text.find(piece) != std::string::npos;
}

TEST_CASE("cli: capacity of the DeepSeek day's 300 nodes") {
  const CliResult result = run_capsim(
      "capacity " + source_path("scenarios/deepseek-inference-day.yaml") + " --service v3-r1");
  REQUIRE(result.exit_status == 0);
  CHECK(result.err.empty());
  // 126 prefill nodes at m = 126 / 95.482 = 1.3196 leave 174 for decode (see
  // service_sizing_test); the search stops within 0.1% below.
  CHECK(contains(result.out, "highest load within the SLO: 1.319x the scenario's average demand"));
  CHECK(contains(result.out, "126 replicas of 8 GPUs"));
  CHECK(contains(result.out, "174 replicas of 8 GPUs"));
  CHECK(contains(result.out, "limited by       decode utilisation"));
  // 2,400 GPUs × $2 = $4,800/hour over 11.85M tokens/s: $0.1125 per million tokens.
  CHECK(contains(result.out, "= $4800.00/hour"));
  CHECK(contains(result.out, "$0.1125 per million tokens"));

  const CliResult json =
      run_capsim("capacity " + source_path("scenarios/deepseek-inference-day.yaml") +
                 " --service v3-r1 --json");
  REQUIRE(json.exit_status == 0);
  CHECK(contains(json.out, "\"limit\":\"decode utilisation\",\"prefill_replicas\":126"));
  CHECK(contains(json.out, "\"cost_per_hour_usd\":4800,"));
}

TEST_CASE("cli: capacity under a wait SLO reports the simulated and Erlang C waits") {
  const CliResult result = run_capsim("capacity " + source_path("scenarios/examples/example.yaml") +
                                      " --service chat --gpus 64");
  REQUIRE(result.exit_status == 0);
  CHECK(contains(result.out, "limited by       wait SLO"));
  CHECK(contains(result.out, "s simulated ["));
  CHECK(contains(result.out, "Erlang C alone"));
}

TEST_CASE("cli: capacity rejects an unknown service, a missing one and a scenario without any") {
  const std::string day = source_path("scenarios/deepseek-inference-day.yaml");
  const CliResult unknown = run_capsim("capacity " + day + " --service v3");
  CHECK(unknown.exit_status == 2);
  CHECK(unknown.out.empty());
  CHECK(unknown.err == "capsim capacity: --service: expected one of \"v3-r1\" (the services of " +
                           day + "), found \"v3\"\n");

  const CliResult missing = run_capsim("capacity " + day);
  CHECK(missing.exit_status == 2);
  CHECK(missing.err == "capsim capacity: --service is required\n");

  const std::string flagship = source_path("scenarios/meta-2025-60b.yaml");
  const CliResult none = run_capsim("capacity " + flagship + " --service chat");
  CHECK(none.exit_status == 2);
  CHECK(none.err == "capsim capacity: " + flagship + " has no inference services\n");
}

}  // namespace
}  // namespace capsim::test
