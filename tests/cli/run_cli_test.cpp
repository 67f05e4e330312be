#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cli_runner.hpp"

namespace capsim::test {
namespace {

namespace fs = std::filesystem;

/// A fresh, empty scratch directory.
fs::path scratch(const std::string& name) {
  // Per process: two test runs on one machine (two checkouts) must not share a folder.
  const fs::path path = fs::temp_directory_path() /
                        ("capsim_run_cli_test_" + std::to_string(::getpid()) + "_" + name);
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

TEST_CASE("cli: a demand grown past any fleet is bad input: exit 2, its key, nothing written") {
  // Regression (fuzz finding, issue 13): the 10x study run from 2016 to 2100 grows its demand
  // 85 years; the replica count overflowed an int64 and gpu_hours_busy came out negative.
  // Now the model names the service and the date it happens, and writes nothing.
  const fs::path out = scratch("grown");
  const std::string scenario = source_path("scenarios/efficiency-10x/baseline.yaml");
  const CliResult result =
      run_capsim("run " + scenario + " --out " + out.string() +
                 " --set scenario.start=2016-01-01 --set scenario.end=2100-01-01");
  CHECK(result.exit_status == 2);
  CHECK(result.err == scenario +
                          ": inference.services[frontier-api].demand: expected a demand a fleet "
                          "can serve, found on 2065-09-23: 1.01832e+16 tokens/s at 9941.62 "
                          "tokens/s per replica needs 1.0243e+12 replicas, beyond the sizing "
                          "range (1e+12 replicas)\n");
  CHECK(result.out.empty());
  CHECK_FALSE(fs::exists(out));
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

std::vector<std::string> wrote_lines(const std::string& out) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while ((start = out.find("wrote ", start)) != std::string::npos) {
    const std::size_t end = out.find('\n', start);
    lines.push_back(out.substr(start + 6, end - start - 6));
    start = end;
  }
  return lines;
}

TEST_CASE("cli: run replaces an earlier run's set and publishes summary.json last") {
  const fs::path out = scratch("set");
  const std::string scenario = source_path("scenarios/examples/example.yaml");
  const CliResult first = run_capsim("run " + scenario + " --out " + out.string());
  REQUIRE(first.exit_status == 0);
  CHECK(wrote_lines(first.out) ==
        std::vector<std::string>{
            (out / "timeseries.csv").string(), (out / "timeseries_sites.csv").string(),
            (out / "timeseries_clusters.csv").string(), (out / "yearly.csv").string(),
            (out / "buildout.csv").string(), (out / "jobs.csv").string(),
            (out / "report.html").string(), (out / "summary.json").string()});
  REQUIRE(fs::exists(out / "jobs.csv"));
  // A file of the user's, and a temporary left by a killed capsim (no process has this ID).
  { std::ofstream(out / "notes.txt") << "mine\n"; }
  { std::ofstream(out / ".timeseries.csv.tmp.2147483647.0") << "half a fi"; }
  // Without jobs.csv and without the report: both of the earlier run go.
  const CliResult second = run_capsim("run " + scenario + " --out " + out.string() +
                                      " --set outputs.jobs=false --no-report");
  REQUIRE(second.exit_status == 0);
  CHECK(second.err.empty());
  CHECK(wrote_lines(second.out) ==
        std::vector<std::string>{
            (out / "timeseries.csv").string(), (out / "timeseries_sites.csv").string(),
            (out / "timeseries_clusters.csv").string(), (out / "yearly.csv").string(),
            (out / "buildout.csv").string(), (out / "summary.json").string()});
  CHECK_FALSE(fs::exists(out / "jobs.csv"));
  CHECK_FALSE(fs::exists(out / "report.html"));
  CHECK_FALSE(fs::exists(out / ".timeseries.csv.tmp.2147483647.0"));
  CHECK(read_whole_file((out / "notes.txt").string()) == "mine\n");
  // The manifest comes last: nothing of the set is newer than summary.json.
  const auto summary_time = fs::last_write_time(out / "summary.json");
  CHECK(fs::last_write_time(out / "timeseries.csv") <= summary_time);
  CHECK(fs::last_write_time(out / "buildout.csv") <= summary_time);
  fs::remove_all(out);
}

TEST_CASE("cli: a run that fails between files leaves no summary.json beside its files") {
  const fs::path out = scratch("torn");
  const std::string scenario = source_path("scenarios/examples/example.yaml");
  REQUIRE(run_capsim("run " + scenario + " --out " + out.string()).exit_status == 0);
  // buildout.csv cannot be replaced: the run fails after publishing timeseries.csv.
  fs::remove(out / "buildout.csv");
  fs::create_directory(out / "buildout.csv");
  const CliResult torn = run_capsim("run " + scenario + " --out " + out.string());
  CHECK(torn.exit_status == 2);
  CHECK(torn.err.find("buildout.csv") != std::string::npos);
  CHECK(fs::exists(out / "timeseries.csv"));
  CHECK_FALSE(fs::exists(out / "summary.json"));
  for (const auto& entry : fs::directory_iterator(out))
    CHECK(entry.path().filename().string().find(".tmp.") == std::string::npos);
  fs::remove_all(out);
}

TEST_CASE("cli: a failed write to stdout exits 1 with a message") {
  const fs::path err = scratch("stdout_full.err");
  const int status = std::system(
      (std::string(CAPSIM_BINARY) + " schema --json >/dev/full 2>" + err.string()).c_str());
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 1);
  CHECK(read_whole_file(err.string()).find("capsim: cannot write to standard output") == 0);
  fs::remove(err);
}

}  // namespace
}  // namespace capsim::test

namespace capsim::test {
namespace {

/// Every shipped scenario (sweeps and the catalog aside), as a path relative to scenarios/.
std::vector<fs::path> shipped_scenarios() {
  std::vector<fs::path> scenarios;
  const fs::path root = source_path("scenarios");
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    const fs::path relative = fs::relative(entry.path(), root);
    const std::string top = relative.begin()->string();
    // scenarios/scale/ is a benchmark's input (tests/bench/scheduler_bench), too long for a test.
    if (entry.path().extension() == ".yaml" && top != "catalog" && top != "sweeps" &&
        top != "scale")
      scenarios.push_back(relative);
  }
  std::sort(scenarios.begin(), scenarios.end());
  return scenarios;
}

// The fingerprint of every run: each output file byte for byte against tests/golden/<the
// scenario's path under scenarios/, less .yaml>/. A change to any figure shows up here; after
// checking that it is intended (a bug fix, with its own test), regenerate with
// scripts/update-golden.sh and commit the diff with it.
TEST_CASE("cli: every scenario under scenarios/ runs and matches its golden outputs") {
  const std::vector<fs::path> scenarios = shipped_scenarios();
  CHECK(scenarios.size() >= 11);
  for (const fs::path& scenario : scenarios) {
    const std::string name = fs::path(scenario).replace_extension().string();
    INFO(name);
    const fs::path out = scratch("golden");
    // The nominal run: an uncertain scenario's replications have their own tests.
    const CliResult result = run_capsim("run " + source_path("scenarios/" + scenario.string()) +
                                        " --replications 1 --out " + out.string());
    CHECK(result.exit_status == 0);
    CHECK(result.out.find("fleet at") != std::string::npos);
    const fs::path golden = source_path("tests/golden/" + name);
    REQUIRE_MESSAGE(fs::is_directory(golden), "no golden outputs: run scripts/update-golden.sh");
    for (const char* file : {"timeseries.csv", "timeseries_sites.csv", "timeseries_clusters.csv",
                             "buildout.csv", "jobs.csv", "summary.json"}) {
      INFO(file);
      CHECK(fs::exists(out / file) == fs::exists(golden / file));
      const bool same =
          read_whole_file((out / file).string()) == read_whole_file((golden / file).string());
      const std::string why = "tests/golden/" + name + "/" + file +
                              " differs: a change of results is a bug fix with its own test; "
                              "then run scripts/update-golden.sh";
      CHECK_MESSAGE(same, why);
    }
    fs::remove_all(out);
  }
}

// The scheduler's indexed queues, set-aside jobs and bounded passes change its cost, not its
// decisions: with a backfill depth above any backlog, the oversubscribed pool gives the outputs
// the scheduler gave before depths existed (tests/golden/backfill-depth-unlimited/, written by
// that scheduler, which scanned the whole queue at every pass, at commit bec549a). Not
// regenerated by scripts/update-golden.sh: a change here is a change of scheduling decisions.
TEST_CASE("cli: at an unlimited backfill depth the pool schedules as the full-scan scheduler did") {
  const fs::path out = scratch("depth-unlimited");
  const CliResult result =
      run_capsim("run " + source_path("scenarios/gpu-pool-oversubscribed.yaml") +
                 " --no-report --set training.backfill_depth=1000000000 --out " + out.string());
  REQUIRE(result.exit_status == 0);
  const fs::path golden =
      source_path("tests/golden/backfill-depth-unlimited/gpu-pool-oversubscribed");
  // timeseries_sites.csv and timeseries_clusters.csv came after that scheduler, which never
  // wrote them: they are not compared here (the golden folder has none, and writing them now
  // would not be that scheduler's output). Their sums are the fleet's, which is compared
  // (tests/model/reporting/member_series_test.cpp).
  for (const char* file : {"timeseries.csv", "buildout.csv", "summary.json"}) {
    INFO(file);
    CHECK(read_whole_file((out / file).string()) == read_whole_file((golden / file).string()));
  }
  // jobs.csv now lists jobs as they complete, then the rest in job order (it is streamed); the
  // full-scan scheduler's file listed them in job order. Every row is the same, byte for byte.
  const auto sorted_lines = [](const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
      lines.push_back(line);
    std::sort(lines.begin() + 1, lines.end());  // the header stays first
    return lines;
  };
  const std::vector<std::string> streamed =
      sorted_lines(read_whole_file((out / "jobs.csv").string()));
  CHECK(streamed.size() == 8366);
  CHECK(streamed == sorted_lines(read_whole_file((golden / "jobs.csv").string())));
  // The default depth examines fewer jobs per pass, and so backfills fewer: the same jobs, other
  // outcomes.
  const fs::path shallow = scratch("depth-default");
  REQUIRE(run_capsim("run " + source_path("scenarios/gpu-pool-oversubscribed.yaml") +
                     " --no-report --out " + shallow.string())
              .exit_status == 0);
  CHECK(read_whole_file((shallow / "jobs.csv").string()) !=
        read_whole_file((golden / "jobs.csv").string()));
  fs::remove_all(out);
  fs::remove_all(shallow);
}

// Every figure a run reports, dates included, is the model's and not the reporting's: the
// summary (funds' exhaustion date and the event count among them), jobs.csv, buildout.csv and
// the terminal report are the same bytes at every reporting period. Only the time series'
// rows differ (their sums are checked against the summary by the random-scenario invariants).
TEST_CASE("cli: every shipped scenario reports the same figures at every reporting period") {
  const std::vector<fs::path> scenarios = shipped_scenarios();
  CHECK(scenarios.size() >= 11);
  const auto without_paths = [](const std::string& report) {
    std::string kept;
    std::istringstream lines(report);
    for (std::string line; std::getline(lines, line);) {
      if (!line.starts_with("wrote "))
        kept += line + "\n";
    }
    return kept;
  };
  for (const fs::path& scenario : scenarios) {
    INFO(scenario.string());
    const std::string path = source_path("scenarios/" + scenario.string());
    const fs::path daily = scratch("period-day");
    const CliResult by_day =
        run_capsim("run " + path + " --replications 1 --period day --out " + daily.string());
    REQUIRE(by_day.exit_status == 0);
    for (const char* period : {"week", "month", "quarter", "year"}) {
      INFO(period);
      const fs::path out = scratch(std::string("period-") + period);
      const CliResult result = run_capsim("run " + path + " --replications 1 --period " + period +
                                          " --out " + out.string());
      REQUIRE(result.exit_status == 0);
      CHECK(without_paths(result.out) == without_paths(by_day.out));
      for (const char* file : {"summary.json", "yearly.csv", "jobs.csv", "buildout.csv"}) {
        INFO(file);
        CHECK(fs::exists(out / file) == fs::exists(daily / file));
        CHECK(read_whole_file((out / file).string()) == read_whole_file((daily / file).string()));
      }
      fs::remove_all(out);
    }
    fs::remove_all(daily);
  }
}

}  // namespace
}  // namespace capsim::test

namespace capsim::test {
namespace {

/// 365,000,000 generated jobs (bad corpus 120) and 20,161,800 service-hours (121).
const char* const kRunawayGenerator =
    "tests/scenario/bad/120-generator-million-arrivals-a-day.yaml";
const char* const kCenturyOfServices = "tests/scenario/bad/121-services-for-a-century.yaml";

TEST_CASE("cli: a scenario past a work ceiling is refused by every command, exit 2") {
  const fs::path out = scratch("large");
  const std::string generator = source_path(kRunawayGenerator);
  const std::string message =
      ":10:15: training.generator.arrivals: expected at most 500000 training jobs over the run "
      "(listed jobs and the generator's expected arrivals), found about 365000000 (0 listed + "
      "365000000 generated); pass --allow-large to run it anyway\n";
  const CliResult run = run_capsim("run " + generator + " --out " + out.string());
  CHECK(run.exit_status == 2);
  CHECK(run.err == generator + message);
  CHECK(run.out.empty());
  CHECK_FALSE(fs::exists(out));
  const CliResult validate = run_capsim("validate " + generator);
  CHECK(validate.exit_status == 2);
  CHECK(validate.err == generator + message + "invalid: " + generator + ": 1 problem\n");
  const CliResult compare = run_capsim("compare " + generator + " " + generator);
  CHECK(compare.exit_status == 2);
  CHECK(compare.err.find(message) != std::string::npos);
  // 100,000 a day for one day is 100,000 jobs: under the ceiling, it loads.
  const CliResult hour = run_capsim("validate " + generator +
                                    " --set scenario.end=2025-01-02 --set "
                                    "'training.generator.arrivals=100000/day'");
  CHECK(hour.exit_status == 0);
}

TEST_CASE("cli: --allow-large lets a scenario past a ceiling through") {
  const std::string services = source_path(kCenturyOfServices);
  const CliResult refused = run_capsim("capacity " + services + " --service s00 --json");
  CHECK(refused.exit_status == 2);
  CHECK(refused.err.find("inference.services: expected at most 20000000 service-hours") !=
        std::string::npos);
  // capacity sizes one service: quick, whatever the horizon.
  const CliResult allowed =
      run_capsim("capacity " + services + " --service s00 --json --allow-large");
  CHECK(allowed.exit_status == 0);
  CHECK(allowed.err.empty());
  CHECK(allowed.out.rfind("{\"service\":\"s00\",\"cluster\":\"h800\"", 0) == 0);
  const CliResult validated = run_capsim("validate --allow-large " + services);
  CHECK(validated.exit_status == 0);
  CHECK(validated.out.rfind("ok: " + services + ": \"century-of-services\"", 0) == 0);
  // run --period day counts the rows it asks for; the ceilings do not depend on it.
  const CliResult period = run_capsim("run " + services + " --period day");
  CHECK(period.exit_status == 2);
}

TEST_CASE("cli: run --json prints summary.json's content on stdout and nothing else") {
  const fs::path out = scratch("json");
  const std::string scenario = source_path("scenarios/examples/example.yaml");
  const CliResult result =
      run_capsim("run " + scenario + " --json --no-report --out " + out.string());
  REQUIRE(result.exit_status == 0);
  const std::string summary = read_whole_file((out / "summary.json").string());
  REQUIRE(!summary.empty());
  CHECK(result.out == summary);
  // The files written are still named, on stderr.
  CHECK(result.err.find("wrote " + (out / "summary.json").string() + "\n") != std::string::npos);
  // Without --out: the same summary, nothing on stderr.
  const CliResult alone = run_capsim("run " + scenario + " --json");
  REQUIRE(alone.exit_status == 0);
  CHECK(alone.out == summary);
  CHECK(alone.err.empty());
  // Monte Carlo: the summary with its monte_carlo member, as written.
  const fs::path study = scratch("json_study");
  const CliResult replicated = run_capsim("run " + scenario + " --json --replications 3 -j 1 " +
                                          "--no-report --out " + study.string());
  REQUIRE(replicated.exit_status == 0);
  const std::string study_summary = read_whole_file((study / "summary.json").string());
  CHECK(replicated.out == study_summary);
  CHECK(study_summary.find("\"monte_carlo\":") != std::string::npos);
  const CliResult shard = run_capsim("run " + scenario + " --json --replications 3 --shard 1/2 " +
                                     "--out " + study.string());
  CHECK(shard.exit_status == 2);
  CHECK(shard.err ==
        "capsim run: --json prints a run's summary, and a shard has none: merge the shards with "
        "--merge --json\n");
  fs::remove_all(out);
  fs::remove_all(study);
}

TEST_CASE("cli: run --format long writes the series files long, the same figures as wide") {
  const fs::path wide = scratch("wide");
  const fs::path tidy = scratch("long");
  const std::string scenario = source_path("scenarios/examples/example.yaml");
  const std::string run =
      "run " + scenario + " --set scenario.end=2026-01-01 --period quarter --no-report --out ";
  REQUIRE(run_capsim(run + wide.string()).exit_status == 0);
  const CliResult result = run_capsim(run + tidy.string() + " --format long");
  REQUIRE(result.exit_status == 0);
  for (const char* file : {"timeseries.csv", "timeseries_sites.csv", "timeseries_clusters.csv"}) {
    INFO(file);
    const std::string text = read_whole_file((tidy / file).string());
    CHECK(text.rfind("period,period_end,metric,unit,value,site,cluster,part,service,tenant\n", 0) ==
          0);
  }
  // One figure, read both ways: legacy-dc's IT power in the first quarter.
  const std::string sites_wide = read_whole_file((wide / "timeseries_sites.csv").string());
  const std::string sites_long = read_whole_file((tidy / "timeseries_sites.csv").string());
  const std::size_t row = sites_wide.find("\n2025-01-01,2025-04-01,legacy-dc,");
  REQUIRE(row != std::string::npos);
  std::vector<std::string> cells;
  std::stringstream line(sites_wide.substr(row + 1, sites_wide.find('\n', row + 1) - row - 1));
  for (std::string cell; std::getline(line, cell, ',');)
    cells.push_back(cell);
  REQUIRE(cells.size() > 11);
  // period_start, period_end, site, 5 GPU columns, then power_it_mw.
  CHECK(sites_long.find("\n2025-01-01,2025-04-01,power_it_mw,MW," + cells[8] +
                        ",legacy-dc,,,,\n") != std::string::npos);
  // Other files are the same either way.
  CHECK(read_whole_file((tidy / "summary.json").string()) ==
        read_whole_file((wide / "summary.json").string()));
  const CliResult bad = run_capsim("run " + scenario + " --format tall");
  CHECK(bad.exit_status == 2);
  CHECK(bad.err == "capsim run: --format: expected one of wide, long, found \"tall\"\n");
  fs::remove_all(wide);
  fs::remove_all(tidy);
}

}  // namespace
}  // namespace capsim::test
