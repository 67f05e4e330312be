#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "../scenario/corpus.hpp"
#include "../test_paths.hpp"
#include "capsim/engine/random.hpp"
#include "capsim/model/capacity_model.hpp"
#include "capsim/sweep/sweep_runner.hpp"
#include "capsim/sweep/sweep_spec.hpp"

namespace capsim::sweep {
namespace {

namespace fs = std::filesystem;

std::string data_path(const std::string& name) {
  return (fs::path(CAPSIM_SOURCE_DIR) / "tests/sweep/data" / name).string();
}

/// Everything `capsim sweep` checks before it writes: the file, then run 0's figures.
std::vector<std::string> problems_of(const std::string& path) {
  std::vector<std::string> reported;
  try {
    resolve_columns(load_sweep(path, test::test_load_options()));
  } catch (const InputError& error) {
    for (const Diagnostic& diagnostic : error.diagnostics())
      reported.push_back(diagnostic.format());
  }
  return reported;
}

TEST_CASE("sweep: every malformed sweep of the corpus is rejected with its exact error") {
  const fs::path folder = fs::path(CAPSIM_SOURCE_DIR) / "tests/sweep/bad";
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(folder)) {
    if (entry.is_regular_file() && entry.path().extension() == ".yaml")
      files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  CHECK(files.size() >= 30);
  for (const std::string& file : files) {
    INFO("corpus file: " << file);
    const std::vector<std::string> expected =
        fs::exists(file + ".expect") ? test::prefixed_lines(file + ".expect", "expect: ")
                                     : test::prefixed_lines(file, "# expect: ");
    REQUIRE_FALSE(expected.empty());
    const std::vector<std::string> reported = problems_of(file);
    REQUIRE(reported.size() == expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
      // "FILE:LINE:COL: ..." for the case itself; "support/x.yaml:..." for a file it names.
      const std::string& line = reported[i];
      const std::string own = file + ":" + expected[i];
      const std::string other = (folder / expected[i]).string();
      CHECK((line == own || line == other));
    }
  }
}

TEST_CASE("sweep: a grid is the cartesian product, the last parameter fastest") {
  const Sweep sweep = load_sweep(data_path("grid.yaml"));
  CHECK(sweep.spec.name == "test-grid");
  CHECK(sweep.parameter_names ==
        std::vector<std::string>{"economics.utilisation", "failures.annual_failure_rate"});
  REQUIRE(sweep.points.size() == 6);
  CHECK(sweep.run_count() == 18);
  const std::vector<std::vector<std::string>> expected{
      {"50%", "3%"}, {"50%", "12%"}, {"70%", "3%"}, {"70%", "12%"}, {"90%", "3%"}, {"90%", "12%"}};
  for (std::size_t p = 0; p < expected.size(); ++p)
    CHECK(sweep.points[p].values == expected[p]);
  // Values are substituted as --set text: quoted when not a bare number.
  const std::vector<scenario::Override> overrides = sweep.overrides(4);  // point 1, replication 1
  REQUIRE(overrides.size() == 3);
  CHECK(overrides[0].path == "economics.utilisation");
  CHECK(overrides[0].value_text == "\"50%\"");
  CHECK(overrides[1].value_text == "\"12%\"");
  CHECK(overrides[2].path == "scenario.seed");
  CHECK(overrides[2].value_text == std::to_string(sweep.seed_of(1, 1)));
  // And the loaded scenario carries them in canonical units.
  const Scenario loaded = scenario::load_scenario(sweep.base, overrides);
  CHECK(loaded.economics.utilisation == doctest::Approx(0.5));
  REQUIRE(loaded.failures.causes.size() == 1);  // the one-cause shorthand
  CHECK(loaded.failures.causes[0].rate.per_gpu_year == doctest::Approx(0.12));
  CHECK(loaded.scenario.seed == static_cast<std::int64_t>(sweep.seed_of(1, 1)));
}

TEST_CASE("sweep: linear and log ranges include both ends exactly") {
  CHECK(range_values(0.5, 0.9, 5, RangeScale::linear) ==
        std::vector<double>{0.5, 0.6, 0.7, 0.8, 0.9});
  CHECK(range_values(1, 1000, 4, RangeScale::log) == std::vector<double>{1, 10, 100, 1000});
  CHECK(range_values(0.1, 0.3, 3, RangeScale::linear) == std::vector<double>{0.1, 0.2, 0.3});
  const std::vector<double> log_range = range_values(2, 50, 3, RangeScale::log);
  CHECK(log_range == std::vector<double>{2, 10, 50});
  const std::vector<double> ends = range_values(3.7, -1.2, 2, RangeScale::linear);
  CHECK(ends == std::vector<double>{3.7, -1.2});
}

TEST_CASE("sweep: bounds carry their unit into the values") {
  const auto money = parse_affixed_number("$15.625B");
  REQUIRE(money);
  CHECK(money->prefix == "$");
  CHECK(money->number == 15.625);
  CHECK(money->suffix == "B");
  CHECK(money->format(20) == "$20B");
  const auto power = parse_affixed_number("50 MW");
  REQUIRE(power);
  CHECK(power->format(62.5) == "62.5 MW");
  const auto share = parse_affixed_number("-7.5%");
  REQUIRE(share);
  CHECK(share->number == -7.5);
  CHECK(share->format(0.0) == "0%");
  CHECK_FALSE(parse_affixed_number("fast"));
  CHECK_FALSE(parse_affixed_number(""));
}

TEST_CASE("sweep: a Latin hypercube hits each of N strata exactly once per parameter") {
  for (const std::size_t samples : {1u, 7u, 100u}) {
    const std::size_t dimensions = 4;
    const std::vector<double> design = latin_hypercube(samples, dimensions, 99);
    REQUIRE(design.size() == samples * dimensions);
    for (std::size_t d = 0; d < dimensions; ++d) {
      std::vector<int> hits(samples, 0);
      for (std::size_t i = 0; i < samples; ++i) {
        const double u = design[i * dimensions + d];
        REQUIRE(u >= 0.0);
        REQUIRE(u < 1.0);
        ++hits[static_cast<std::size_t>(u * static_cast<double>(samples))];
      }
      CHECK(std::all_of(hits.begin(), hits.end(), [](int h) { return h == 1; }));
    }
  }
  // Deterministic in its seed, different across seeds.
  CHECK(latin_hypercube(10, 2, 1) == latin_hypercube(10, 2, 1));
  CHECK(latin_hypercube(10, 2, 1) != latin_hypercube(10, 2, 2));
}

TEST_CASE("sweep: Latin hypercube points stratify each distribution within its bounds") {
  const Sweep sweep = load_sweep(data_path("lhs.yaml"));
  REQUIRE(sweep.points.size() == 16);  // 2 grid values x 8 samples
  std::vector<int> utilisation_strata(8, 0);
  std::set<std::string> prices;
  for (std::size_t s = 0; s < 8; ++s) {
    const SweepPoint& point = sweep.points[s];
    CHECK(point.values[0] == "1.1");
    // The same design is crossed with every grid value.
    CHECK(sweep.points[8 + s].values[0] == "1.3");
    CHECK(sweep.points[8 + s].values[1] == point.values[1]);
    const double utilisation = parse_affixed_number(point.values[1])->number;
    REQUIRE(utilisation >= 40.0);
    REQUIRE(utilisation < 90.0);
    ++utilisation_strata[static_cast<std::size_t>((utilisation - 40.0) / 50.0 * 8.0)];
    const auto price = parse_affixed_number(point.values[2]);
    REQUIRE(price);
    CHECK(price->suffix == " USD/MWh");
    // Log-uniform: strata are equal in log space.
    const double position = std::log(price->number / 30.0) / std::log(120.0 / 30.0);
    CHECK(position >= 0.0);
    CHECK(position < 1.0);
    prices.insert(point.values[2]);
    const double failure_rate = parse_affixed_number(point.values[3])->number;
    CHECK(failure_rate >= 2.0);
    CHECK(failure_rate <= 20.0);
  }
  CHECK(std::all_of(utilisation_strata.begin(), utilisation_strata.end(),
                    [](int h) { return h == 1; }));
  CHECK(prices.size() == 8);
  // Expansion is a function of the file: the same points every time.
  CHECK(expand_points(sweep.spec)[5].values == sweep.points[5].values);
}

/// A sweep file in a fresh folder of the system's temporary directory, over the test base.
struct SweepFile {
  fs::path dir;
  std::string path;
  SweepFile(const std::string& name, const std::string& body)
      : dir(fs::temp_directory_path() /
            ("capsim_sweep_spec_" + std::to_string(::getpid()) + "_" + name)) {
    fs::remove_all(dir);
    fs::create_directories(dir);
    path = (dir / "sweep.yaml").string();
    std::ofstream output(path, std::ios::trunc);
    output << "base: " << data_path("base.yaml") << "\n" << body;
  }
  ~SweepFile() { fs::remove_all(dir); }
};

TEST_CASE("sweep: a Latin hypercube of uniform(a, b) draws each stratum once, at its quantiles") {
  // The compact form without a leading value, read by the scenario's own parser.
  const SweepFile file("lhs-uniform", R"yaml(seed: 4
sampling: latin_hypercube
samples: 10
parameters:
  - {path: "sites[0].pue", distribution: "uniform(1.1, 1.6)"}
collect: [totals.capex_usd]
)yaml");
  const Sweep sweep = load_sweep(file.path, test::test_load_options());
  REQUIRE(sweep.points.size() == 10);
  // The design load_sweep maps: one dimension, the sweep's seed.
  const std::vector<double> design =
      latin_hypercube(10, 1, derive_stream_seed(4, 0, "sweep.latin_hypercube"));
  std::vector<int> strata(10, 0);
  for (std::size_t i = 0; i < 10; ++i) {
    // uniform(1.1, 1.6) at u is 1.1 + 0.5 u, written to 12 significant digits.
    const double expected = std::stod(fmt::format("{:.12g}", 1.1 + 0.5 * design[i]));
    CHECK(sweep.points[i].values[0] == fmt::format("{}", expected));
    const double value = std::stod(sweep.points[i].values[0]);
    // Stratum k of 10 is [1.1 + 0.05 k, 1.1 + 0.05 (k + 1)).
    ++strata[static_cast<std::size_t>((value - 1.1) / 0.05)];
  }
  CHECK(std::all_of(strata.begin(), strata.end(), [](int hits) { return hits == 1; }));
}

TEST_CASE("sweep: a distribution over a key of whole numbers draws whole numbers") {
  const SweepFile file("whole", R"yaml(sampling: random
samples: 20
parameters:
  - {path: "clusters[0].gpus", distribution: {dist: triangular, low: 10000, mode: 12000, high: 20000}}
collect: [totals.capex_usd]
)yaml");
  const Sweep sweep = load_sweep(file.path, test::test_load_options());
  REQUIRE(sweep.points.size() == 20);
  std::set<std::string> distinct;
  for (const SweepPoint& point : sweep.points) {
    const double gpus = std::stod(point.values[0]);
    CHECK(gpus == std::nearbyint(gpus));
    CHECK(point.values[0] == fmt::format("{}", static_cast<std::int64_t>(gpus)));
    CHECK(gpus >= 10000);
    CHECK(gpus <= 20000);
    distinct.insert(point.values[0]);
  }
  CHECK(distinct.size() > 15);  // 20 draws over 10,000 whole numbers: collisions are rare
}

TEST_CASE("sweep: a base's uncertain inputs are drawn per replication, the same at every point") {
  const Sweep sweep = load_sweep(data_path("uncertain.yaml"));
  // failures.annual_failure_rate is a parameter: fixed. The utilisation is drawn.
  REQUIRE(sweep.uncertain.inputs.size() == 2);
  CHECK(sweep.input_names == std::vector<std::string>{"economics.utilisation"});
  REQUIRE(sweep.run_count() == 8);  // 2 points x 4 replications
  std::set<std::string> draws;
  for (std::uint64_t replication = 0; replication < 4; ++replication) {
    // uniform(50%, 90%) at the uniform of stream "uncertainty economics.utilisation" of
    // replication r under the sweep's seed (11): 50 + 40 u percent, 12 significant digits.
    RandomStream stream(11, replication, "uncertainty economics.utilisation");
    const double u = stream.uniform01() + 0x1.0p-54;
    const std::string expected = fmt::format("{}%", std::stod(fmt::format("{:.12g}", 50 + 40 * u)));
    CHECK(sweep.input_values(replication) == std::vector<std::string>{expected});
    draws.insert(expected);
    for (std::uint64_t point = 0; point < 2; ++point) {
      const std::uint64_t run = point * 4 + replication;
      const Scenario scenario =
          scenario::load_scenario(sweep.base, sweep.overrides(run), sweep.load_options);
      // The parameter holds; the draw is what the run reads.
      CHECK(scenario.failures.causes.at(0).rate.per_gpu_year.value_or(0.0) ==
            doctest::Approx(0.04).epsilon(1e-12));
      CHECK(scenario.economics.utilisation ==
            doctest::Approx(parse_affixed_number(expected)->number / 100).epsilon(1e-12));
      CHECK(scenario.sites.at(0).pue == (point == 0 ? 1.1 : 1.3));
    }
  }
  CHECK(draws.size() == 4);
}

TEST_CASE("sweep: run seeds come from (sweep seed, point, replication) only") {
  const Sweep sweep = load_sweep(data_path("grid.yaml"));
  std::set<std::uint64_t> seeds;
  for (std::uint64_t point = 0; point < sweep.points.size(); ++point) {
    for (std::uint64_t replication = 0; replication < 3; ++replication) {
      const std::uint64_t seed = sweep.seed_of(point, replication);
      CHECK(seed ==
            derive_stream_seed(11, replication, "sweep.point." + std::to_string(point)) >> 1);
      CHECK(seed < (std::uint64_t{1} << 63));
      seeds.insert(seed);
    }
  }
  CHECK(seeds.size() == 18);
  // A pinned value: changing the derivation changes every published sweep result.
  CHECK(sweep.seed_of(0, 0) == derive_stream_seed(11, 0, "sweep.point.0") / 2);
  const Sweep again = load_sweep(data_path("grid.yaml"));
  CHECK(again.seed_of(4, 2) == sweep.seed_of(4, 2));
  CHECK(again.fingerprint == sweep.fingerprint);
  CHECK(sweep.fingerprint.size() == 16);
}

TEST_CASE("sweep: the fingerprint changes with a file the base extends") {
  const fs::path dir =
      fs::temp_directory_path() / ("capsim_sweep_fingerprint_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::string parent;
  {
    std::ifstream input(data_path("base.yaml"));
    std::ostringstream content;
    content << input.rdbuf();
    parent = content.str();
  }
  const auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream output(dir / name, std::ios::trunc);
    output << text;
  };
  write("parent.yaml", parent);
  write("child.yaml", "extends: parent.yaml\nscenario:\n  name: child\n");
  write("sweep.yaml",
        "base: child.yaml\nparameters:\n  - {path: \"sites[0].pue\", values: [1.1, 1.3]}\n"
        "collect: [totals.capex_usd]\n");
  const std::string before = load_sweep((dir / "sweep.yaml").string()).fingerprint;
  CHECK(load_sweep((dir / "sweep.yaml").string()).fingerprint == before);  // deterministic
  const std::size_t at = parent.find("\"60 MW\"");
  REQUIRE(at != std::string::npos);
  write("parent.yaml", parent.substr(0, at) + "\"50 MW\"" + parent.substr(at + 7));
  const std::string after = load_sweep((dir / "sweep.yaml").string()).fingerprint;
  fs::remove_all(dir);
  CHECK(after != before);
  CHECK(after.size() == 16);
}

TEST_CASE("sweep: shards are disjoint and cover every run") {
  REQUIRE(parse_shard("2/3"));
  CHECK(parse_shard("2/3")->index == 2);
  CHECK(parse_shard("2/3")->count == 3);
  CHECK_FALSE(parse_shard("0/3"));
  CHECK_FALSE(parse_shard("4/3"));
  CHECK_FALSE(parse_shard("3"));
  CHECK_FALSE(parse_shard("1/x"));
  for (std::uint64_t id = 0; id < 50; ++id) {
    int owners = 0;
    for (std::uint64_t k = 1; k <= 3; ++k)
      owners += Shard{k, 3}.contains(id) ? 1 : 0;
    CHECK(owners == 1);
    CHECK(Shard{id % 3 + 1, 3}.contains(id));
  }
}

}  // namespace
}  // namespace capsim::sweep

namespace capsim::sweep {
namespace {

TEST_CASE("sweep spec: a quantity's column holds numbers in the canonical unit it names") {
  const ValueColumn budget = value_column("planner.budget_per_period");
  CHECK(budget.header == "planner.budget_per_period_usd");
  CHECK(output::csv_row({value_cell(budget, "$10B")}) == "10000000000\n");
  const ValueColumn share = value_column("economics.utilisation");
  CHECK(share.header == "economics.utilisation_share");
  CHECK(output::csv_row({value_cell(share, "70%")}) == "0.7\n");
  const ValueColumn gain = value_column("efficiency.steps[0].factor");
  CHECK(gain.header == "efficiency.steps[0].factor_x");
  CHECK(output::csv_row({value_cell(gain, "13.387x")}) == "13.387\n");
  const ValueColumn delay = value_column("sites[name=dc.v2].construction_delay");
  CHECK(delay.header == "sites[name=dc.v2].construction_delay_s");
  CHECK(output::csv_row({value_cell(delay, "2 days")}) == "172800\n");
  // A plain number keeps its path and text; so do a word and a date.
  const ValueColumn pue = value_column("sites[0].pue");
  CHECK(pue.header == "sites[0].pue");
  CHECK_FALSE(pue.dimension.has_value());
  CHECK(output::csv_row({value_cell(pue, "1.25")}) == "1.25\n");
  CHECK(value_column("planner.policy").header == "planner.policy");
  CHECK(output::csv_row({value_cell(value_column("scenario.end"), "2030-01-01")}) ==
        "2030-01-01\n");
}

}  // namespace
}  // namespace capsim::sweep
