#include "capsim/study/compare.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "capsim/core/diagnostics.hpp"
#include "scratch_folder.hpp"
#include "test_paths.hpp"

namespace capsim {
namespace {

namespace fs = std::filesystem;
using test::ScratchFolder;

// 1,000 H100 in a 10 MW hall and 800 B200 in a 12 MW hall, worked by hand in their files.
const std::string kH100 = (fs::path(CAPSIM_SOURCE_DIR) / "tests/data/compare/h100-10mw.yaml");
const std::string kB200 = (fs::path(CAPSIM_SOURCE_DIR) / "tests/data/compare/b200-12mw.yaml");
const std::string kNoFleet =
    (fs::path(CAPSIM_SOURCE_DIR) / "tests/data/compare/budget-no-fleet.yaml");

/// Input `column`'s value of `figure`; nothing when the comparison has no such row.
std::optional<double> value_of(const output::Comparison& comparison, const std::string& figure,
                               std::size_t column) {
  for (const output::ComparisonRow& row : comparison.rows) {
    if (row.figure == figure)
      return row.values.at(column);
  }
  return std::nullopt;
}

TEST_CASE("compare: overrides apply to every scenario: a figure and its difference by hand") {
  CompareOptions options;
  options.overrides = {"sites[0].it_power_cap=20 MW"};
  options.figures = {"totals.capex"};
  const CompareResult result = compare_inputs({kH100, kB200}, options);
  REQUIRE(result.inputs.size() == 2);
  CHECK(result.inputs[0].argument == kH100);
  CHECK_FALSE(result.inputs[1].folder);
  CHECK_FALSE(result.baseline_envelope);
  const output::Comparison& comparison = result.comparison;
  CHECK(comparison.labels == std::vector<std::string>{"h100-10mw", "b200-12mw"});
  // Both halls at 20 MW: $234M of facility each (20 MW x $11.7M/MW), so the designs differ
  // by their GPUs only: 1,000 x $43K = $43M against 800 x $53K = $42.4M.
  const std::optional<double> h100 = value_of(comparison, "totals.capex_usd", 0);
  const std::optional<double> b200 = value_of(comparison, "totals.capex_usd", 1);
  CHECK(h100 == doctest::Approx(277e6).epsilon(1e-12));
  CHECK(b200 == doctest::Approx(276.4e6).epsilon(1e-12));
  CHECK(*output::difference(b200, h100) == doctest::Approx(-600e3).epsilon(1e-9));
  CHECK(value_of(comparison, "totals.capex_facility_usd", 1) ==
        doctest::Approx(234e6).epsilon(1e-12));
  for (const output::ComparisonRow& row : comparison.rows)
    CHECK(row.figure.rfind("totals.capex", 0) == 0);
}

TEST_CASE("compare: --iso power scales the second design to the baseline's 10 MW") {
  CompareOptions options;
  options.iso = EnvelopeKind::power;
  options.figures = {"totals.capex_facility_usd"};
  const CompareResult result = compare_inputs({kH100, kB200}, options);
  REQUIRE(result.baseline_envelope);
  CHECK(result.baseline_envelope->it_power_w == 10e6);
  const output::Comparison& comparison = result.comparison;
  REQUIRE(comparison.rows.size() == 3);
  CHECK(comparison.rows[0].figure == "iso.scale_factor");
  CHECK(comparison.rows[1].figure == "iso.it_power_w");
  CHECK(value_of(comparison, "iso.scale_factor", 0) == 1.0);
  CHECK(value_of(comparison, "iso.scale_factor", 1) == doctest::Approx(10.0 / 12.0));
  CHECK(value_of(comparison, "iso.it_power_w", 1) == doctest::Approx(10e6));
  // 10 MW x $11.7M/MW in both halls.
  CHECK(value_of(comparison, "totals.capex_facility_usd", 1) == doctest::Approx(117e6));
}

TEST_CASE("compare: result folders by their summary.json, labelled by folder name") {
  const ScratchFolder dir("compare_folders");
  dir.write("a/summary.json", R"({"totals": {"capex_usd": 100, "gpus": 8}})");
  dir.write("b/summary.json", R"({"totals": {"capex_usd": 125}, "extra": 1})");
  const std::string a = (dir.path() / "a").string();
  const std::string b = (dir.path() / "b").string() + "/";
  const CompareResult result = compare_inputs({a, b, a}, CompareOptions{});
  CHECK(result.inputs[1].folder);
  CHECK(result.inputs[1].argument == b);
  const output::Comparison& comparison = result.comparison;
  CHECK(comparison.labels == std::vector<std::string>{"a", "b", "a#3"});
  REQUIRE(comparison.rows.size() == 3);
  CHECK(comparison.rows[0].values ==
        std::vector<std::optional<double>>{100.0, 125.0, 100.0});  // totals.capex_usd
  CHECK(comparison.rows[1].values ==
        std::vector<std::optional<double>>{8.0, std::nullopt, 8.0});  // totals.gpus
  CHECK(comparison.rows[2].figure == "extra");
  CHECK(output::relative_difference(comparison.rows[0].values[1], comparison.rows[0].values[0]) ==
        0.25);
}

TEST_CASE("compare: bad input is a typed error before anything runs") {
  const ScratchFolder dir("compare_errors");
  dir.write("run/summary.json", R"({"totals": {"capex_usd": 100}})");
  dir.write("bad/summary.json", "[1, 2]\n");
  fs::create_directories(dir.path() / "empty");
  const std::string run = (dir.path() / "run").string();
  const std::string missing = (dir.path() / "missing.yaml").string();
  const std::string empty = (dir.path() / "empty").string();
  CompareOptions none;
  CHECK_THROWS_AS(compare_inputs({}, none), std::invalid_argument);
  CHECK_THROWS_WITH_AS(compare_inputs({run, missing}, none),
                       ("'" + missing + "': no such scenario file or result folder").c_str(),
                       CompareError);
  CHECK_THROWS_WITH_AS(compare_inputs({run, empty}, none),
                       ("'" + empty +
                        "' has no summary.json: expected a result folder written by capsim run "
                        "--out, or a scenario file")
                           .c_str(),
                       CompareError);
  CHECK_THROWS_AS(compare_inputs({run, (dir.path() / "bad").string()}, none), InputError);
  CompareOptions iso;
  iso.iso = EnvelopeKind::gpus;
  CHECK_THROWS_WITH_AS(compare_inputs({kH100, run}, iso),
                       ("--iso gpus: '" + run +
                        "' is a result folder, whose fleet has already run and cannot be "
                        "scaled: give its scenario file instead")
                           .c_str(),
                       CompareError);
  CHECK_THROWS_WITH_AS(compare_inputs({kNoFleet, kH100}, iso),
                       "the baseline \"budget-no-fleet\" has no gpus envelope to match (it is 0)",
                       EnvelopeError);
  CompareOptions overrides;
  overrides.overrides = {"economics.utilisation=50%"};
  CHECK_THROWS_AS(compare_inputs({run, run}, overrides), CompareError);
  CompareOptions figures;
  figures.figures = {"nothing", "x*"};
  CHECK_THROWS_WITH_AS(compare_inputs({run, run}, figures),
                       "--figures: no figure matches \"nothing\" or \"x*\"", CompareError);
}

// Two plans that differ in one deterministic key, the GPUs ordered (1,000 against 1,200), and
// share one uncertain key of large spread, the facility cost per MW: uniform over $9.3-15.0M/MW
// (the range of the Cushman & Wakefield Data Center Development Cost Guide 2025), 10 MW.
const std::string kUncertain1000 =
    (fs::path(CAPSIM_SOURCE_DIR) / "tests/data/compare/h100-1000-uncertain.yaml");
const std::string kUncertain1200 =
    (fs::path(CAPSIM_SOURCE_DIR) / "tests/data/compare/h100-1200-uncertain.yaml");

/// The paired row of `figure`, which must exist.
const output::PairedRow& paired_row(const UncertainCompareResult& result,
                                    const std::string& figure) {
  for (const output::PairedRow& row : result.comparison.rows) {
    if (row.figure == figure)
      return row;
  }
  FAIL("no row " << figure);
  throw std::logic_error("unreachable");
}

TEST_CASE("compare: common random numbers make a difference far narrower than either plan") {
  // capex = GPUs x $43K + 10 MW x c, c ~ U($9.3M, $15.0M)/MW: each plan's capex is uniform over
  // $57M, sd 57M / sqrt(12) = $16.45M. Replication r of both plans draws the same c (the same
  // key under the same seed), so B - A = 200 x $43K = $8.6M in every draw: sd 0, and B > A
  // in 100% of draws.
  CompareOptions options;
  options.replications = 1000;
  options.threads = 2;
  options.figures = {"totals.capex_usd"};
  const UncertainCompareResult paired =
      compare_uncertain_inputs({kUncertain1000, kUncertain1200}, options);
  REQUIRE(paired.inputs.size() == 2);
  CHECK(paired.inputs[1].label == "h100-1200");
  CHECK(paired.inputs[1].shared_draws == 1);
  const output::PairedRow& row = paired_row(paired, "totals.capex_usd");
  const double plan_sd = 57e6 / std::sqrt(12.0);
  // The sample sd of 1,000 uniforms has a relative standard error of
  // sqrt((kurtosis - 1) / 4n) = sqrt(0.8 / 4000) = 1.4%: checked within 4 of them.
  CHECK(row.marginals[0]->sd == doctest::Approx(plan_sd).epsilon(0.06));
  CHECK(row.marginals[1]->sd == doctest::Approx(plan_sd).epsilon(0.06));
  REQUIRE(row.differences[1].has_value());
  const output::PairedDifference& crn = *row.differences[1];
  CHECK(crn.difference.count == 1000);
  CHECK(crn.difference.min == doctest::Approx(8.6e6).epsilon(1e-12));
  CHECK(crn.difference.max == doctest::Approx(8.6e6).epsilon(1e-12));
  CHECK(crn.difference.sd < 1e-6 * plan_sd);
  CHECK(crn.probability_greater == 1.0);

  // Without common random numbers (B's seed differs, so its draws are independent of A's),
  // B - A = $8.6M + 10 MW x (c_B - c_A), the last term triangular on (-$57M, $57M):
  // sd sqrt(2) x $16.45M, and P(B > A) = 1 - (57 - 8.6)^2 / (2 x 57^2) = 0.6395.
  const ScratchFolder dir("compare_unpaired");
  dir.write("b.yaml", "extends: " + kUncertain1200 + "\nscenario: {seed: 8}\n");
  options.paths = test::test_tree_allowed();  // b.yaml extends a file of the test tree
  const UncertainCompareResult unpaired =
      compare_uncertain_inputs({kUncertain1000, (dir.path() / "b.yaml").string()}, options);
  CHECK(unpaired.inputs[1].seed == 8);
  const output::PairedDifference& independent =
      *paired_row(unpaired, "totals.capex_usd").differences[1];
  // Standard errors at n = 1,000: sqrt(0.64 x 0.36 / 1000) = 0.015 for P; 1.9% for the sd
  // (a triangular's kurtosis is 2.4: sqrt(1.4 / 4000)); $0.74M for the mean ($23.3M /
  // sqrt(1000)); each checked within 4 of them.
  CHECK(independent.probability_greater == doctest::Approx(0.6395).epsilon(0.06 / 0.6395));
  CHECK(independent.difference.sd == doctest::Approx(std::sqrt(2.0) * plan_sd).epsilon(0.08));
  CHECK(independent.difference.mean == doctest::Approx(8.6e6).epsilon(0.4));
}

TEST_CASE("compare: replications are refused for a result folder and with --iso") {
  const ScratchFolder dir("compare_uncertain_errors");
  dir.write("run/summary.json", R"({"totals": {"capex_usd": 100}})");
  const std::string run = (dir.path() / "run").string();
  CompareOptions options;
  options.replications = 4;
  CHECK_THROWS_WITH_AS(compare_uncertain_inputs({kUncertain1000, run}, options),
                       ("--replications: '" + run +
                        "' is a result folder, whose run is done and whose draws cannot be "
                        "paired: give its scenario file instead")
                           .c_str(),
                       CompareError);
  options.figures = {"nothing"};
  CHECK_THROWS_WITH_AS(compare_uncertain_inputs({kUncertain1000, kUncertain1200}, options),
                       "--figures: no figure matches \"nothing\"", CompareError);
  options.figures = {};
  options.iso = EnvelopeKind::power;
  CHECK_THROWS_AS(compare_uncertain_inputs({kUncertain1000, kUncertain1200}, options),
                  CompareError);
}

}  // namespace
}  // namespace capsim
