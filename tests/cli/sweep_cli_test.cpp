#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "cli_runner.hpp"

namespace capsim::test {
namespace {

namespace fs = std::filesystem;

struct TempDir {
  fs::path path;
  explicit TempDir(const std::string& name)
      : path(fs::temp_directory_path() /
             ("capsim_sweep_cli_" + std::to_string(::getpid()) + "_" + name)) {
    fs::remove_all(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

std::size_t count_lines(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

/// Runs a shell command line; its exit status.
int shell(const std::string& command) {
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

TEST_CASE("cli: every sweep under scenarios/sweeps runs and analyzes") {
  std::size_t ran = 0;
  for (const auto& entry : fs::directory_iterator(source_path("scenarios/sweeps"))) {
    if (entry.path().extension() != ".yaml")
      continue;
    INFO(entry.path().string());
    TempDir out("every_" + entry.path().stem().string());
    const CliResult result =
        run_capsim("sweep " + entry.path().string() + " --out " + out.path.string() + " -j 2");
    CHECK(result.exit_status == 0);
    CHECK(result.err.empty());  // no progress line when stderr is not a terminal
    CHECK(result.out.find("wrote " + (out.path / "runs.csv").string()) != std::string::npos);
    const std::string runs = read_whole_file((out.path / "runs.csv").string());
    CHECK(count_lines(runs) >= 3);
    const CliResult analysis = run_capsim("analyze " + (out.path / "runs.csv").string());
    CHECK(analysis.exit_status == 0);
    CHECK(analysis.out.find("R² = ") != std::string::npos);
    if (entry.path().stem() == "efficiency-10x") {
      // 1,000 runs; the gain sets the price of a token, growth and elasticity the build-out.
      CHECK(count_lines(runs) == 1001);
      const auto first_ranked = [&](const std::string& figure) {
        const std::size_t block = analysis.out.find(figure + "  (R² = ");
        const std::size_t rank = analysis.out.find("    1  ", block);
        return block == std::string::npos ? std::string() : analysis.out.substr(rank + 7, 27);
      };
      CHECK(first_ranked("inference[frontier-api].cost_per_million_tokens_usd") ==
            "efficiency.steps[0].factor_");
      CHECK(first_ranked("totals.capex_usd") == "inference.services[0].deman");
    }
    ++ran;
  }
  CHECK(ran >= 1);
}

TEST_CASE("cli: the demo sweep's counts, and what analyze ranks first") {
  TempDir out("demo");
  const CliResult result = run_capsim("sweep " + source_path("scenarios/sweeps/meta-budget.yaml") +
                                      " --out " + out.path.string() + " -j2");
  REQUIRE(result.exit_status == 0);
  CHECK(result.out.rfind("sweep meta-budget: 18 points x 3 replications; shard 1/1: 54 runs (0 "
                         "resumed)\n",
                         0) == 0);
  CHECK(count_lines(read_whole_file((out.path / "runs.csv").string())) == 55);
  CHECK(count_lines(read_whole_file((out.path / "runs_summary.csv").string())) == 19);
  const CliResult analysis = run_capsim("analyze " + (out.path / "runs.csv").string() + " --out " +
                                        (out.path / "sensitivity.csv").string());
  REQUIRE(analysis.exit_status == 0);
  // Failures follow the failure rate; energy follows the utilisation assumed.
  CHECK(analysis.out.find("gpus.failures  (R² = ") != std::string::npos);
  const std::string csv = read_whole_file((out.path / "sensitivity.csv").string());
  CHECK(csv.find("gpus.failures,1,failures.annual_failure_rate_share,0.9") != std::string::npos);
  CHECK(csv.find("totals.energy_facility_mwh,1,economics.utilisation_share,0.9") !=
        std::string::npos);
  // Capex follows the budget first, but loosely: $120.1B, $123.6B and $122.6B at $10B, $15.6B
  // and $20B a quarter. At $20B, 2025-Q2 and Q3 spend more on the best value per dollar, which
  // fills the power that 2025-Q4 would have spent on the most FLOP/s per watt (GB300); the
  // planner looks one period ahead, not at the power of later ones.
  CHECK(csv.find("totals.capex_usd,1,planner.budget_per_period_usd,0.73") != std::string::npos);
  // The report draws analyze's ranking: failures' first bar is the failure rate.
  const std::string report = read_whole_file((out.path / "report.html").string());
  const std::size_t drivers = report.find(R"(data-chart="drivers-gpus-failures")");
  REQUIRE(drivers != std::string::npos);
  CHECK(report.find(R"(data-x="failures.annual_failure_rate_share" data-y="0.9)", drivers) <
        report.find("</figure>", drivers));
  TempDir bare("demo_bare");
  REQUIRE(run_capsim("sweep " + source_path("scenarios/sweeps/meta-budget.yaml") + " --out " +
                     bare.path.string() + " -j2 --no-report")
              .exit_status == 0);
  CHECK(fs::exists(bare.path / "runs_summary.csv"));
  CHECK_FALSE(fs::exists(bare.path / "report.html"));
}

TEST_CASE("cli: free text a sweep writes into runs.csv cannot be a spreadsheet formula") {
  // A description is free text, and a sweep over it writes its values into runs.csv: cells
  // that Excel or LibreOffice would run as formulas get a leading ' (issue 22).
  TempDir dir("formula");
  fs::create_directories(dir.path);
  std::ofstream(dir.path / "sweep.yaml")
      << "base: " << source_path("scenarios/examples/example.yaml")
      << "\nparameters:\n  - path: scenario.description\n"
         "    values: [\"=cmd|' /C calc'!A0\", \"@SUM(1+1)\", \"a plan\"]\n"
         "collect: [totals.capex_usd]\n";
  const CliResult result = run_capsim("sweep " + (dir.path / "sweep.yaml").string() +
                                      " --no-report -j 1 --out " + (dir.path / "out").string());
  REQUIRE(result.exit_status == 0);
  const std::string runs = read_whole_file((dir.path / "out/runs.csv").string());
  CHECK(runs.find("\n0,0,0,'=cmd|' /C calc'!A0,") != std::string::npos);
  CHECK(runs.find("\n1,1,0,'@SUM(1+1),") != std::string::npos);
  CHECK(runs.find("\n2,2,0,a plan,") != std::string::npos);
  const std::string summary = read_whole_file((dir.path / "out/runs_summary.csv").string());
  CHECK(summary.find("\n0,'=cmd|' /C calc'!A0,1,") != std::string::npos);
}

TEST_CASE("cli: a bad sweep file exits 2 with its place and writes nothing") {
  TempDir out("bad");
  // The corpus's cases share tests/sweep/data: the test tree is allowed, as its test does.
  const std::string allow = " --allow-path " + source_path("tests");
  const CliResult result =
      run_capsim("sweep " + source_path("tests/sweep/bad/11-value-wrong-unit.yaml") + allow +
                 " --out " + out.path.string());
  CHECK(result.exit_status == 2);
  CHECK(result.err == source_path("tests/sweep/bad/11-value-wrong-unit.yaml") +
                          ":6:23: parameters[0].values[1]: sites[0].it_power_cap: expected a "
                          "power such as \"700 W\" or \"1.2 GW\", found \"80 MWh\" (an energy)\n");
  CHECK_FALSE(fs::exists(out.path));
  const CliResult collect =
      run_capsim("sweep " + source_path("tests/sweep/bad/23-collect-unknown-figure.yaml") + allow +
                 " --out " + out.path.string());
  CHECK(collect.exit_status == 2);
  CHECK(collect.err.find("did you mean 'totals.capex_usd'?") != std::string::npos);
  CHECK_FALSE(fs::exists(out.path));
}

TEST_CASE("cli: sweep usage errors exit 2") {
  const std::string grid = source_path("tests/sweep/data/grid.yaml");
  CliResult result = run_capsim("sweep " + grid + " --out /tmp/x --shard 4/3");
  CHECK(result.exit_status == 2);
  CHECK(result.err == "capsim sweep: --shard: expected K/N with 1 <= K <= N, found \"4/3\"\n");
  result = run_capsim("sweep " + grid);
  CHECK(result.exit_status == 2);
  CHECK(result.err == "capsim sweep: --out DIR is required\n");
  result = run_capsim("sweep " + grid + " --out /tmp/x -j 0");
  CHECK(result.exit_status == 2);
  TempDir many_jobs("many-jobs");
  result = run_capsim("sweep " + grid + " --out " + many_jobs.path.string() + " -j 100000");
  CHECK(result.exit_status == 2);
  CHECK(result.err ==
        "capsim sweep: --jobs: expected a whole number from 1 to 1024, found \"100000\"\n");
  CHECK_FALSE(fs::exists(many_jobs.path));
  result = run_capsim("merge --out /tmp/x");
  CHECK(result.exit_status == 2);
  CHECK(result.err == "capsim merge: expected the shard folders to merge\n");
}

TEST_CASE("cli: a sweep killed with kill -9 midway resumes to the uninterrupted bytes") {
  const std::string many = source_path("tests/sweep/data/many.yaml");
  TempDir whole("kill_whole");
  TempDir killed("kill_killed");
  REQUIRE(run_capsim("sweep " + many + " --out " + whole.path.string() + " -j 2").exit_status == 0);
  // One thread, so the kill lands well before the 240 runs are done; wait for 20 rows.
  const std::string journal = (killed.path / "journal.csv").string();
  const int status = shell(
      "(" + std::string(CAPSIM_BINARY) + " sweep " + many + " --out " + killed.path.string() +
      " -j 1 >/dev/null 2>&1 & pid=$!; " + "for i in $(seq 1 2000); do [ -f " + journal +
      " ] && [ $(wc -l < " + journal +
      ") -ge 20 ] && break; sleep 0.005; done; kill -9 $pid; wait $pid; exit $?) 2>/dev/null");
  CHECK(status == 137);  // killed by SIGKILL
  REQUIRE_FALSE(fs::exists(killed.path / "runs.csv"));
  const std::size_t kept = count_lines(read_whole_file(journal));
  CHECK(kept >= 20);
  CHECK(kept < 241);
  const CliResult resumed =
      run_capsim("sweep " + many + " --out " + killed.path.string() + " -j 2");
  REQUIRE(resumed.exit_status == 0);
  CHECK(resumed.out.find("shard 1/1: 240 runs (") != std::string::npos);
  CHECK(resumed.out.find("(0 resumed)") == std::string::npos);
  CHECK(read_whole_file((killed.path / "runs.csv").string()) ==
        read_whole_file((whole.path / "runs.csv").string()));
  CHECK(read_whole_file((killed.path / "runs_summary.csv").string()) ==
        read_whole_file((whole.path / "runs_summary.csv").string()));
  CHECK(read_whole_file((killed.path / "report.html").string()) ==
        read_whole_file((whole.path / "report.html").string()));
}

TEST_CASE("cli: three shard processes merged give the one-machine bytes") {
  const std::string grid = source_path("tests/sweep/data/grid.yaml");
  TempDir root("shards");
  REQUIRE(run_capsim("sweep " + grid + " --out " + (root.path / "whole").string() + " -j 1")
              .exit_status == 0);
  // Three processes at once, as three array tasks would run.
  std::string command = "(";
  for (int k = 1; k <= 3; ++k) {
    command += std::string(CAPSIM_BINARY) + " sweep " + grid + " --out " +
               (root.path / ("shard" + std::to_string(k))).string() + " -j 1 --shard " +
               std::to_string(k) + "/3 >/dev/null & ";
  }
  command += "wait)";
  REQUIRE(shell(command) == 0);
  const CliResult merged = run_capsim(
      "merge --out " + (root.path / "merged").string() + " " + (root.path / "shard3").string() +
      " " + (root.path / "shard1").string() + " " + (root.path / "shard2").string());
  REQUIRE(merged.exit_status == 0);
  CHECK(read_whole_file((root.path / "merged/runs.csv").string()) ==
        read_whole_file((root.path / "whole/runs.csv").string()));
  CHECK(read_whole_file((root.path / "merged/runs_summary.csv").string()) ==
        read_whole_file((root.path / "whole/runs_summary.csv").string()));
  // The report is the whole sweep's: merged, it is the one-machine page; a shard has none.
  CHECK(read_whole_file((root.path / "merged/report.html").string()) ==
        read_whole_file((root.path / "whole/report.html").string()));
  CHECK_FALSE(fs::exists(root.path / "shard1/report.html"));
  REQUIRE(run_capsim("merge --no-report --out " + (root.path / "bare").string() + " " +
                     (root.path / "shard1").string() + " " + (root.path / "shard2").string() + " " +
                     (root.path / "shard3").string())
              .exit_status == 0);
  CHECK(fs::exists(root.path / "bare/runs.csv"));
  CHECK_FALSE(fs::exists(root.path / "bare/report.html"));
  const CliResult missing =
      run_capsim("merge --out " + (root.path / "partial").string() + " " +
                 (root.path / "shard1").string() + " " + (root.path / "shard2").string());
  CHECK(missing.exit_status == 2);
  CHECK(missing.err ==
        "capsim merge: 6 of 18 runs missing (first: run 2, in shard 3/3): expected the folders "
        "of all 3 shards\n");
  CHECK_FALSE(fs::exists(root.path / "partial"));
}

TEST_CASE("cli: a second sweep on the same --out exits 2, and a damaged shard row fails merge") {
  const std::string grid = source_path("tests/sweep/data/grid.yaml");
  TempDir root("second-writer");
  const fs::path out = root.path / "out";
  fs::create_directories(out);
  // flock(1) holds DIR/.lock, as a running capsim sweep does, while the second one starts.
  const std::string stem = (root.path / "second").string();
  const int status =
      shell("flock -n " + (out / ".lock").string() + " " + std::string(CAPSIM_BINARY) + " sweep " +
            grid + " --out " + out.string() + " -j 1 >" + stem + ".out 2>" + stem + ".err");
  CHECK(status == 2);
  CHECK(read_whole_file(stem + ".err") ==
        "capsim sweep: another capsim sweep is writing '" + out.string() + "' (its lock " +
            (out / ".lock").string() + " is held); wait for it or use another --out\n");
  CHECK_FALSE(fs::exists(out / "journal.csv"));
  CHECK_FALSE(fs::exists(out / "manifest.yaml"));

  // A shard whose runs.csv lost the end of a row: exit 2 with file:line, nothing written.
  for (int k = 1; k <= 2; ++k) {
    REQUIRE(run_capsim("sweep " + grid + " --out " +
                       (root.path / ("shard" + std::to_string(k))).string() + " -j 1 --shard " +
                       std::to_string(k) + "/2")
                .exit_status == 0);
  }
  const fs::path runs = root.path / "shard2/runs.csv";
  std::string text = read_whole_file(runs.string());
  const std::size_t second_row = text.find('\n', text.find('\n') + 1);
  text.erase(text.rfind(',', second_row), second_row - text.rfind(',', second_row));
  {
    std::ofstream output(runs, std::ios::binary | std::ios::trunc);
    output << text;
  }
  const CliResult merged =
      run_capsim("merge --out " + (root.path / "merged").string() + " " +
                 (root.path / "shard1").string() + " " + (root.path / "shard2").string());
  CHECK(merged.exit_status == 2);
  CHECK(merged.err.rfind("capsim merge: " + runs.string() +
                             ":2: expected a row of 11 fields, found 10; that shard's runs.csv "
                             "was edited or damaged",
                         0) == 0);
  CHECK_FALSE(fs::exists(root.path / "merged"));
}

TEST_CASE("cli: analyze prints the ranking and writes it as CSV") {
  TempDir dir("analyze");
  fs::create_directories(dir.path);
  {
    std::FILE* file = std::fopen((dir.path / "runs.csv").c_str(), "w");
    std::fputs(
        "run_id,point,replication,a,b,seed,y\n"
        "0,0,0,1,10,1,-2\n1,1,0,1,20,1,-7\n2,2,0,2,10,1,1\n3,3,0,2,20,1,-4\n"
        "4,4,0,3,10,1,4\n5,5,0,3,20,1,-1\n",
        file);
    std::fclose(file);
  }
  const CliResult result = run_capsim("analyze " + (dir.path / "runs.csv").string() + " --out " +
                                      (dir.path / "sens.csv").string());
  REQUIRE(result.exit_status == 0);
  CHECK(result.out.rfind("y  (R² = 1.0000, 6 runs)\n"
                         "    1  b                                            -0.7143\n"
                         "    2  a                                            +0.6999\n",
                         0) == 0);
  const std::string csv = read_whole_file((dir.path / "sens.csv").string());
  CHECK(csv.rfind("output,rank,input,standardised_coefficient,r_squared,runs,note\ny,1,b,-0.714",
                  0) == 0);
  const CliResult missing = run_capsim("analyze " + (dir.path / "nope.csv").string());
  CHECK(missing.exit_status == 2);
}

}  // namespace
}  // namespace capsim::test

namespace capsim::test {
namespace {

TEST_CASE("cli: a sweep value past a work ceiling is refused at its line unless --allow-large") {
  const std::string large = source_path("tests/sweep/data/large.yaml");
  const CliResult refused = run_capsim("sweep --check " + large);
  CHECK(refused.exit_status == 2);
  // 10^6 a day over the base's two years (730 days).
  CHECK(refused.err ==
        large +
            ":7:26: parameters[0].values[1]: training.generator.arrivals: expected at most "
            "500000 training jobs over the run (listed jobs and the generator's expected "
            "arrivals), found about 730000000 (0 listed + 730000000 generated); pass "
            "--allow-large to run it anyway\n");
  const CliResult allowed = run_capsim("sweep --check --allow-large " + large);
  CHECK(allowed.exit_status == 0);
  CHECK(allowed.out ==
        "ok: sweep test-large: 2 points x 1 replications = 2 runs; 1 parameters, 1 figures: "
        "totals.capex_usd\n");
}

}  // namespace
}  // namespace capsim::test

namespace capsim::test {
namespace {

TEST_CASE("cli: a sweep parameter selects a list item by name, as --set does") {
  TempDir out("by_name");
  const std::string sweep = source_path("tests/sweep/data/by-name.yaml");
  const CliResult result = run_capsim("sweep " + sweep + " --out " + out.path.string());
  REQUIRE(result.exit_status == 0);
  const std::string runs = read_whole_file((out.path / "runs.csv").string());
  CHECK(runs.rfind("run_id,point,replication,sites[name=dc].pue,failures.annual_failure_rate_share,"
                   "seed,"
                   "totals.energy_facility_mwh\n",
                   0) == 0);
  // Facility energy is IT energy times the PUE, and without failures IT energy is the same
  // whatever the run's seed: the two runs differ by 1.4 / 1.1 exactly.
  std::vector<double> energy;
  std::size_t line = runs.find('\n');
  while (line + 1 < runs.size()) {
    const std::size_t end = runs.find('\n', line + 1);
    const std::string row = runs.substr(line + 1, end - line - 1);
    energy.push_back(std::stod(row.substr(row.rfind(',') + 1)));
    line = end;
  }
  REQUIRE(energy.size() == 2);
  CHECK(energy[1] / energy[0] == doctest::Approx(1.4 / 1.1).epsilon(1e-12));
}

}  // namespace
}  // namespace capsim::test
