// capsim run --replications: point distributions reproduce the deterministic run, results do
// not depend on -j or on shards, and a study with nothing random says so.

#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "cli_runner.hpp"

namespace capsim::test {
namespace {

namespace fs = std::filesystem;

fs::path scratch(const std::string& name) {
  const fs::path path =
      fs::temp_directory_path() / ("capsim_mc_cli_test_" + std::to_string(::getpid()) + "_" + name);
  fs::remove_all(path);
  fs::create_directories(path);
  return path;
}

/// A small scenario: a site built in one task, a cluster, failures (so replications differ by
/// their seed too). `duration` and `price` are the two keys the tests make uncertain.
std::string small_scenario(const std::string& duration, const std::string& utilisation) {
  return "scenario:\n"
         "  name: small\n"
         "  start: 2025-01-01\n"
         "  horizon: \"3 y\"\n"
         "  reporting_period: quarter\n"
         "  seed: 5\n"
         "sites:\n"
         "  - name: s\n"
         "    it_power_cap: \"20 MW\"\n"
         "    construction_start: 2025-01-01\n"
         "    construction:\n"
         "      - {name: build, duration: \"" +
         duration +
         "\"}\n"
         "    phases:\n"
         "      - {it_power: \"20 MW\", ready_after: build}\n"
         "clusters:\n"
         "  - {name: c, site: s, accelerator: H100-SXM, gpus: 8000, online: 2026-06-01}\n"
         "economics:\n"
         "  utilisation: \"" +
         utilisation +
         "\"\n"
         "failures:\n"
         "  annual_failure_rate: \"9%\"\n"
         "  repair_time: \"3 d\"\n";
}

fs::path write(const fs::path& folder, const std::string& name, const std::string& text) {
  const fs::path path = folder / name;
  std::ofstream(path) << text;
  return path;
}

/// Every file of a result folder, by name, for byte comparison.
std::vector<std::pair<std::string, std::string>> folder_bytes(const fs::path& folder) {
  std::vector<std::pair<std::string, std::string>> files;
  for (const auto& entry : fs::directory_iterator(folder))
    files.emplace_back(entry.path().filename().string(), read_whole_file(entry.path().string()));
  std::sort(files.begin(), files.end());
  return files;
}

TEST_CASE("cli: point distributions give the deterministic run's bytes") {
  const fs::path folder = scratch("point");
  const fs::path plain = write(folder, "plain.yaml", small_scenario("14 months", "70%"));
  const fs::path point =
      write(folder, "point.yaml",
            small_scenario("14 months ~ triangular(14, 14, 14)", "70% ~ normal(70, 0)"));
  // Their reports name their files; every run file is the same.
  const CliResult b =
      run_capsim("run " + point.string() + " --no-report --out " + (folder / "b").string());
  const CliResult a_run =
      run_capsim("run " + plain.string() + " --no-report --out " + (folder / "a").string());
  REQUIRE(a_run.exit_status == 0);
  REQUIRE(b.exit_status == 0);
  CHECK(folder_bytes(folder / "a") == folder_bytes(folder / "b"));
}

TEST_CASE("cli: replications give the same bytes at -j1, at -j2, and sharded then merged") {
  const fs::path folder = scratch("threads");
  const fs::path scenario =
      write(folder, "uncertain.yaml",
            small_scenario("14 months ~ pert(10, 14, 24)", "70% ~ uniform(50, 90)"));
  const std::string run = "run " + scenario.string() + " --replications 24 ";
  REQUIRE(run_capsim(run + "-j1 --out " + (folder / "one").string()).exit_status == 0);
  REQUIRE(run_capsim(run + "-j2 --out " + (folder / "two").string()).exit_status == 0);
  REQUIRE(run_capsim(run + "--shard 1/3 --out " + (folder / "s1").string()).exit_status == 0);
  REQUIRE(run_capsim(run + "--shard 2/3 --out " + (folder / "s2").string()).exit_status == 0);
  REQUIRE(run_capsim(run + "--shard 3/3 --out " + (folder / "s3").string()).exit_status == 0);
  const CliResult merged = run_capsim(
      run + "--merge " + (folder / "s1").string() + " --merge " + (folder / "s3").string() +
      " --merge " + (folder / "s2").string() + " --out " + (folder / "merged").string());
  REQUIRE(merged.exit_status == 0);
  const auto one = folder_bytes(folder / "one");
  // timeseries (fleet, sites, clusters), yearly, buildout, quantiles, replications, drivers,
  // report, summary
  CHECK(one.size() == 10);
  CHECK(one == folder_bytes(folder / "two"));
  CHECK(one == folder_bytes(folder / "merged"));
  // A merge missing a shard is refused, naming the first replication it lacks.
  const CliResult missing = run_capsim(run + "--merge " + (folder / "s1").string() + " --out " +
                                       (folder / "partial").string());
  CHECK(missing.exit_status == 2);
  CHECK(missing.err.find("expected the shards to hold all 24 replications, found replication 1 "
                         "in none of them") != std::string::npos);
  CHECK_FALSE(fs::exists(folder / "partial" / "summary.json"));
}

// The fingerprint of a whole Monte Carlo run: every file against tests/golden/monte-carlo/
// (scripts/update-golden.sh regenerates it after an intended change of results).
TEST_CASE("cli: the uncertain 10x scenario's replications match their golden outputs") {
  const fs::path out = scratch("golden") / "out";
  const CliResult result =
      run_capsim("run " + source_path("scenarios/efficiency-10x-uncertain.yaml") +
                 " --replications 12 -j 2 --no-report --out " + out.string());
  REQUIRE(result.exit_status == 0);
  const fs::path golden = source_path("tests/golden/monte-carlo/efficiency-10x-uncertain");
  const auto produced = folder_bytes(out);
  const auto expected = folder_bytes(golden);
  REQUIRE(produced.size() == expected.size());
  for (std::size_t i = 0; i < produced.size(); ++i) {
    INFO(produced[i].first);
    CHECK(produced[i].first == expected[i].first);
    CHECK_MESSAGE(produced[i].second == expected[i].second,
                  "differs from tests/golden/monte-carlo: a change of results is a bug fix with "
                  "its own test; then run scripts/update-golden.sh");
  }
}

TEST_CASE("cli: a merge refuses a damaged shard with the file and line, never a crash") {
  const fs::path folder = scratch("damaged");
  const fs::path scenario =
      write(folder, "uncertain.yaml", small_scenario("14 months ~ pert(10, 14, 24)", "70%"));
  const std::string run = "run " + scenario.string() + " --replications 4 ";
  REQUIRE(run_capsim(run + "--shard 1/2 --out " + (folder / "s1").string()).exit_status == 0);
  REQUIRE(run_capsim(run + "--shard 2/2 --out " + (folder / "s2").string()).exit_status == 0);
  const fs::path rows = folder / "s2" / "replications_shard.csv";
  const std::string good = read_whole_file(rows.string());
  const auto merge = [&] {
    return run_capsim(run + "--merge " + (folder / "s1").string() + " --merge " +
                      (folder / "s2").string() + " --out " + (folder / "merged").string());
  };
  // Shard 2/2 holds replications 1 and 3; its first row starts "1,SEED,".
  const std::size_t row = good.find('\n') + 1;
  const std::size_t seed_end = good.find(',', good.find(',', row) + 1);
  const auto with_row_start = [&](const std::string& start) {
    std::ofstream(rows) << good.substr(0, row) + start + good.substr(seed_end);
  };
  with_row_start("1,abc");
  CliResult result = merge();
  CHECK(result.exit_status == 2);
  CHECK(result.err.find(rows.string() + ":2:1: expected a whole number, found \"abc\"") !=
        std::string::npos);
  // A fractional index used to join as replication 1, a negative one as 2^64 - 1.
  with_row_start("1.5,7");
  result = merge();
  CHECK(result.exit_status == 2);
  CHECK(result.err.find(rows.string() + ":2:1: expected a whole number, found \"1.5\"") !=
        std::string::npos);
  with_row_start("-1,7");
  CHECK(merge().err.find("expected a whole number, found \"-1\"") != std::string::npos);
  fs::remove(rows);
  result = merge();
  CHECK(result.exit_status == 2);
  CHECK(result.err.find(rows.string() +
                        ":1:1: expected the shard's replications (its header at least), found "
                        "no file or an empty one") != std::string::npos);
  CHECK_FALSE(fs::exists(folder / "merged" / "summary.json"));
}

TEST_CASE("cli: replications of a scenario with nothing uncertain warn") {
  const fs::path folder = scratch("nothing");
  const fs::path scenario = write(folder, "plain.yaml", small_scenario("14 months", "70%"));
  const CliResult result = run_capsim("run " + scenario.string() + " --replications 4");
  REQUIRE(result.exit_status == 0);
  CHECK(result.err.find("capsim run: warning: 4 replications asked for, but no key of the "
                        "scenario holds a distribution: replications differ only by the random "
                        "seed") != std::string::npos);
  // Without failures nothing draws a random number at all.
  std::string no_failures = small_scenario("14 months", "70%");
  no_failures.replace(no_failures.find("\"9%\""), 4, "\"0%\"");
  const fs::path still = write(folder, "still.yaml", no_failures);
  const CliResult still_result = run_capsim("run " + still.string() + " --replications 4");
  REQUIRE(still_result.exit_status == 0);
  CHECK(still_result.err.find("capsim run: warning: nothing in the scenario is random: all 4 "
                              "replications gave the same figures") != std::string::npos);
}

}  // namespace
}  // namespace capsim::test

namespace capsim::test {
namespace {

// compare --replications loads its scenarios through the study, which must check their
// correlations as run and validate do (it once loaded them as replications, unchecked).
TEST_CASE("cli: compare --replications refuses a correlation naming no group, exit 2") {
  const fs::path folder = scratch("compare_correlation");
  const fs::path scenario =
      write(folder, "bad.yaml",
            small_scenario("14 months ~ pert(10, 14, 24)", "70%") +
                "uncertainty:\n  correlations:\n    - {groups: [nothing-here, "
                "\"sites[0].construction[0].duration\"], rank: 0.5}\n");
  const CliResult result =
      run_capsim("compare " + scenario.string() + " " + scenario.string() + " --replications 3");
  CHECK(result.exit_status == 2);
  CHECK(result.err.find(":24:16: uncertainty.correlations[0].groups: expected a group, or the "
                        "key path of an uncertain input in no group "
                        "(sites[0].construction[0].duration), found \"nothing-here\"") !=
        std::string::npos);
}

}  // namespace
}  // namespace capsim::test
