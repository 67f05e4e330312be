// Distributions written on scenario keys: what the parser finds, the nominal the loader reads,
// the texts draws write back, and the extremes of the new keys.

#include <doctest/doctest.h>

#include <cmath>
#include <fstream>

#include <fmt/format.h>

#include "../scratch_folder.hpp"
#include "capsim/core/units.hpp"
#include "capsim/scenario/loader.hpp"
#include "capsim/uncertainty/copula.hpp"

namespace capsim::scenario {

namespace {

const std::string kHeader =
    "scenario:\n"
    "  name: u\n"
    "  start: 2025-01-01\n"
    "  horizon: \"2 y\"\n";

UncertainScenario load_text(const test::ScratchFolder& folder, const std::string& body) {
  const auto path = folder.path() / "scenario.yaml";
  std::ofstream(path) << kHeader << body;
  return load_uncertain_scenario(path.string());
}

const std::string kSite =
    "sites:\n"
    "  - name: s\n"
    "    it_power_cap: \"10 MW\"\n"
    "    pue: \"1.2 ~ uniform(1.1, 1.4)\"\n"
    "    construction_start: 2025-01-01\n"
    "    construction:\n"
    "      - {name: build, duration: \"18 months ~ triangular(14, 18, 26) group site\"}\n"
    "      - {name: fit-out, duration: {dist: lognormal, median: \"3 months\", p90: \"5 "
    "months\", group: site}, after: [build]}\n"
    "    phases:\n"
    "      - {it_power: \"10 MW\", ready_after: fit-out}\n"
    "clusters:\n"
    "  - {name: c, site: s, accelerator: H100-SXM, gpus: \"1000 ~ choice(800, 1000, 1200)\", "
    "online: 2026-06-01}\n";

}  // namespace

TEST_CASE("uncertain inputs: each form is found, in document order, and loads at its nominal") {
  const test::ScratchFolder folder("uncertain_forms");
  const UncertainScenario loaded = load_text(folder, kSite);
  REQUIRE(loaded.inputs.size() == 4);
  const UncertainInput& pue = loaded.inputs[0];
  const UncertainInput& build = loaded.inputs[1];
  const UncertainInput& fit_out = loaded.inputs[2];
  const UncertainInput& gpus = loaded.inputs[3];
  CHECK(pue.path == "sites[0].pue");
  CHECK(build.path == "sites[0].construction[0].duration");
  CHECK(fit_out.path == "sites[0].construction[1].duration");
  CHECK(gpus.path == "clusters[0].gpus");
  // The compact form's leading value; the mapping form's median: 3 months.
  CHECK(loaded.nominal.sites[0].pue == 1.2);
  CHECK(loaded.nominal.sites[0].construction[0].duration_s ==
        parse_quantity("18 months", Dimension::duration));
  CHECK(loaded.nominal.sites[0].construction[1].duration_s ==
        parse_quantity("3 months", Dimension::duration));
  CHECK(loaded.nominal.clusters[0].gpus == 1000);
  // Bare parameters take the leading value's unit: 14, 18, 26 months, in seconds.
  const double month_s = parse_quantity("1 months", Dimension::duration);
  CHECK(build.distribution.parameters() ==
        std::vector<double>{14 * month_s, 18 * month_s, 26 * month_s});
  CHECK(build.draw_name() == "group site");
  CHECK(fit_out.draw_name() == "group site");
  CHECK(pue.draw_name() == "sites[0].pue");
  CHECK(build.display_label() == "months");
  CHECK(fit_out.display_label() == "months");
  CHECK(pue.display_label().empty());
}

TEST_CASE("uncertain inputs: a draw writes text its key reads back exactly") {
  const test::ScratchFolder folder("uncertain_draws");
  const UncertainScenario loaded = load_text(folder, kSite);
  const UncertainInput& build = loaded.inputs[1];
  const UncertainInput& gpus = loaded.inputs[3];
  // triangular(14, 18, 26) at u = 0.5: above the mode's CDF (4/12), so
  // 26 - sqrt(0.5 * 12 * 8) = 26 - sqrt(48) = 19.0718 months.
  const Draw median = build.draw(0.5);
  const double month_s = parse_quantity("1 months", Dimension::duration);
  CHECK(median.value == doctest::Approx((26.0 - std::sqrt(48.0)) * month_s).epsilon(1e-12));
  CHECK(parse_quantity(median.text, Dimension::duration) == median.value);
  CHECK(build.display(median) == fmt::format("{}", median.value / month_s));
  // A choice among whole numbers: u = 0.5 lands on the second of three equal weights.
  const Draw chosen = gpus.draw(0.5);
  CHECK(chosen.text == "1000");
  CHECK(chosen.value == 1000.0);
  CHECK(gpus.draw(0.9).text == "1200");
  // The drawn text loads: a replication is a run with --set.
  const auto path = folder.path() / "scenario.yaml";
  const Scenario drawn = load_scenario(path.string(), {build.path + "=" + median.text});
  CHECK(drawn.sites[0].construction[0].duration_s == median.value);
}

TEST_CASE("uncertain inputs: draws beyond the key's range are clamped, whole-number keys round") {
  const test::ScratchFolder folder("uncertain_clamp");
  // A normal on a share: its 0.1% tails (50% +- 3.09 x 15%) lie within 0-100%, but its ends do
  // not; a draw at u -> 0 is clamped to 0%.
  const UncertainScenario loaded =
      load_text(folder,
                "sites:\n  - {name: s, it_power_cap: \"10 MW\"}\n"
                "clusters:\n  - {name: c, site: s, accelerator: H100-SXM, gpus: \"1000 ~ "
                "uniform(900, 1100)\", online: 2024-06-01}\n"
                "economics:\n  utilisation: \"50% ~ normal(50, 15)\"\n");
  REQUIRE(loaded.inputs.size() == 2);
  const UncertainInput& utilisation = loaded.inputs[1];
  CHECK(utilisation.draw(1e-300).value == 0.0);
  CHECK(utilisation.draw(1e-300).text == "0%");
  // uniform(900, 1100) at 0.3: 960 exactly; at 0.3012: 960.24, rounded to 960.
  CHECK(loaded.inputs[0].draw(0.3).text == "960");
  CHECK(loaded.inputs[0].draw(0.3012).text == "960");
}

TEST_CASE(
    "uncertain inputs: the mapping form's low and high are a uniform's bounds, and truncate "
    "only a normal") {
  const test::ScratchFolder folder("uncertain_mapping_bounds");
  const UncertainScenario loaded =
      load_text(folder,
                "sites:\n  - {name: s, it_power_cap: \"10 MW\", pue: {dist: uniform, low: 1.1, "
                "high: 1.5}}\n"
                "economics:\n  utilisation: {dist: normal, mean: \"70%\", sd: \"10%\", low: "
                "\"60%\", high: \"75%\"}\n");
  REQUIRE(loaded.inputs.size() == 2);
  // uniform(1.1, 1.5) at u = 0.25: 1.1 + 0.25 x 0.4 = 1.2.
  CHECK(loaded.inputs[0].distribution.form() == uncertainty::DistributionForm::uniform);
  CHECK(loaded.inputs[0].draw(0.25).value == doctest::Approx(1.2).epsilon(1e-15));
  CHECK(loaded.nominal.sites[0].pue == doctest::Approx(1.3).epsilon(1e-15));  // the median
  // The normal is truncated to [60%, 75%]: its ends are the bounds.
  CHECK(loaded.inputs[1].distribution.truncated());
  CHECK(loaded.inputs[1].draw(0.0).value == doctest::Approx(0.60));
  CHECK(loaded.inputs[1].draw(1.0).value == doctest::Approx(0.75));
}

TEST_CASE("uncertain inputs: a key of words takes a choice, and only a choice") {
  const test::ScratchFolder folder("uncertain_words");
  const UncertainScenario loaded =
      load_text(folder,
                "planner:\n  policy: \"fixed ~ choice(fixed, budget)\"\n"
                "  budget_per_period: \"$1B\"\n");
  REQUIRE(loaded.inputs.size() == 1);
  CHECK(loaded.inputs[0].draw(0.25).text == "fixed");
  CHECK(loaded.inputs[0].draw(0.75).text == "budget");
  CHECK_FALSE(loaded.inputs[0].is_numeric());
  CHECK_THROWS_WITH_AS(load_text(folder, "planner:\n  policy: \"fixed ~ uniform(1, 2)\"\n"),
                       doctest::Contains("planner.policy: expected choice(...) on a key of "
                                         "words, found uniform"),
                       InputError);
}

TEST_CASE("uncertain inputs: a number-or-word key chooses between its word and numbers") {
  const test::ScratchFolder folder("uncertain_number_or_word");
  const std::string job =
      "training:\n  jobs:\n    - {name: j, submit: 2025-07-01, active_parameters: 8B, tokens: "
      "\"1T tokens\", gpus: 512, checkpoint_interval: \"";
  // The word was read as a number and refused: "expected auto or a duration ..., found auto".
  const UncertainScenario loaded = load_text(folder, kSite + job + "auto ~ choice(auto, 2 h)\"}\n");
  REQUIRE(loaded.inputs.size() == 5);  // kSite's four, then the job's
  const UncertainInput& interval = loaded.inputs.back();
  CHECK(interval.path == "training.jobs[0].checkpoint_interval");
  CHECK(interval.draw(0.25).text == "auto");
  CHECK(interval.draw(0.75).text == "2 h");
  CHECK_FALSE(interval.is_numeric());
  CHECK_FALSE(loaded.nominal.training.jobs[0].checkpoint_interval_s.has_value());
  // Its numbers are still read as the key's: a wrong unit is refused.
  CHECK_THROWS_WITH_AS(load_text(folder, kSite + job + "auto ~ choice(auto, 2 kg)\"}\n"),
                       doctest::Contains("training.jobs[0].checkpoint_interval: choice value 2: "
                                         "expected a duration such as \"90 days\", \"18 "
                                         "months\" or \"4 h\", found \"2 kg\" (unknown unit "
                                         "\"kg\")"),
                       InputError);
}

TEST_CASE("uncertain inputs: rank correlations at the extremes of their range") {
  // rank 1 and -1 are valid (a singular matrix: the copula adds a ridge of 1e-12); both give
  // uniforms that move exactly together or exactly opposite.
  const uncertainty::GaussianCopula together(2, {{0, 1, 1.0}});
  const std::vector<double> u = together.correlate({0.2, 0.7});
  CHECK(u[1] == doctest::Approx(0.2).epsilon(1e-5));
  const uncertainty::GaussianCopula opposite(2, {{0, 1, -1.0}});
  const std::vector<double> v = opposite.correlate({0.2, 0.7});
  CHECK(v[1] == doctest::Approx(0.8).epsilon(1e-5));
  // A dimension in no pair keeps its uniform bit for bit.
  const uncertainty::GaussianCopula partial(3, {{0, 1, 0.5}});
  CHECK(partial.correlate({0.2, 0.7, 0.123456789})[2] == 0.123456789);
}

}  // namespace capsim::scenario
