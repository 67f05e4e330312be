#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "cli_runner.hpp"

namespace capsim::test {
namespace {

namespace fs = std::filesystem;

/// A fresh, empty scratch directory.
fs::path scratch(const std::string& name) {
  const fs::path path = fs::temp_directory_path() / ("capsim_run_cli_test_" + name);
  fs::remove_all(path);
  return path;
}

TEST_CASE("cli: run writes the three files, the same bytes every time") {
  const fs::path first = scratch("first");
  const fs::path second = scratch("second");
  const std::string scenario = source_path("scenarios/examples/example.yaml");
  const CliResult a = run_capsim("run " + scenario + " --out " + first.string());
  const CliResult b = run_capsim("run " + scenario + " --out " + second.string());
  REQUIRE(a.exit_status == 0);
  REQUIRE(b.exit_status == 0);
  CHECK(a.err.empty());
  CHECK(a.out.find("example-campus: 2025-01-01 for 1095 days, seed 42") == 0);
  CHECK(a.out.find("wrote " + (first / "timeseries.csv").string()) != std::string::npos);
  for (const char* file : {"timeseries.csv", "buildout.csv", "jobs.csv", "summary.json"}) {
    INFO(file);
    const std::string content = read_whole_file((first / file).string());
    CHECK(!content.empty());
    CHECK(content == read_whole_file((second / file).string()));
  }
  // Columns carry their units; nothing half-written is left behind.
  const std::string timeseries = read_whole_file((first / "timeseries.csv").string());
  CHECK(timeseries.rfind("period_start,period_end,gpus_installed,", 0) == 0);
  CHECK(timeseries.find(",power_it_mw,") != std::string::npos);
  CHECK(timeseries.find(",capex_usd,") != std::string::npos);
  for (const auto& entry : fs::directory_iterator(first)) {
    CHECK(entry.path().filename().string().find(".tmp") == std::string::npos);
  }
  fs::remove_all(first);
  fs::remove_all(second);
}

TEST_CASE("cli: run with bad input writes nothing and exits 2") {
  const fs::path out = scratch("bad");
  const std::string scenario = source_path("scenarios/examples/example.yaml");
  const CliResult result =
      run_capsim("run " + scenario + " --out " + out.string() + " --set 'sites[0].pue=0.5'");
  CHECK(result.exit_status == 2);
  CHECK(result.err == "--set #1:1:14: sites[0].pue: expected at least 1, found \"0.5\"\n");
  CHECK(result.out.empty());
  CHECK_FALSE(fs::exists(out));
  const CliResult period = run_capsim("run " + scenario + " --period fortnight");
  CHECK(period.exit_status == 2);
  CHECK(period.err ==
        "capsim run: --period: expected one of day, week, month, quarter, year, found "
        "\"fortnight\"\n");
}

TEST_CASE("cli: run reports an unwritable output directory with exit 2") {
  const fs::path blocker = scratch("blocker");
  { std::ofstream(blocker.string()) << "a file where the directory should be"; }
  const CliResult result = run_capsim("run " + source_path("scenarios/examples/example.yaml") +
                                      " --out " + (blocker / "out").string());
  CHECK(result.exit_status == 2);
  CHECK(result.err.rfind("capsim run: ", 0) == 0);
  fs::remove_all(blocker);
}

TEST_CASE("cli: the example's summary matches its golden copy") {
  // Any change to the model's results shows up here; after checking that the change is
  // intended, regenerate with scripts/update-golden.sh.
  const fs::path out = scratch("golden");
  const CliResult result = run_capsim("run " + source_path("scenarios/examples/example.yaml") +
                                      " --out " + out.string());
  REQUIRE(result.exit_status == 0);
  const bool same = read_whole_file((out / "summary.json").string()) ==
                    read_whole_file(source_path("tests/golden/example/summary.json"));
  CHECK_MESSAGE(same, "tests/golden/example/summary.json differs: run scripts/update-golden.sh");
  const bool same_timeseries = read_whole_file((out / "timeseries.csv").string()) ==
                               read_whole_file(source_path("tests/golden/example/timeseries.csv"));
  CHECK_MESSAGE(same_timeseries, "tests/golden/example/timeseries.csv differs");
  const bool same_jobs = read_whole_file((out / "jobs.csv").string()) ==
                         read_whole_file(source_path("tests/golden/example/jobs.csv"));
  CHECK_MESSAGE(same_jobs, "tests/golden/example/jobs.csv differs");
  fs::remove_all(out);
}

}  // namespace
}  // namespace capsim::test

namespace capsim::test {
namespace {

TEST_CASE("cli: every scenario under scenarios/ runs") {
  std::size_t ran = 0;
  for (const auto& entry : fs::recursive_directory_iterator(source_path("scenarios"))) {
    const std::string path = entry.path().string();
    if (entry.path().extension() != ".yaml" || path.find("/catalog/") != std::string::npos ||
        path.find("/sweeps/") != std::string::npos) {
      continue;
    }
    INFO(path);
    const CliResult result = run_capsim("run " + path);
    CHECK(result.exit_status == 0);
    CHECK(result.out.find("fleet at") != std::string::npos);
    ++ran;
  }
  CHECK(ran >= 3);
}

}  // namespace
}  // namespace capsim::test
