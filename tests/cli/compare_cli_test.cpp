#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "cli_runner.hpp"

namespace capsim::test {
namespace {

namespace fs = std::filesystem;

// Two fixed designs worked by hand in their files: 1,000 H100 in a 10 MW hall ($160M of capex)
// and 800 B200 in a 12 MW hall ($182.8M).
const std::string kH100 = source_path("tests/data/compare/h100-10mw.yaml");
const std::string kB200 = source_path("tests/data/compare/b200-12mw.yaml");
// A budget planner of $50M a quarter with a 10 MW site and no GPUs of its own.
const std::string kNoFleet = source_path("tests/data/compare/budget-no-fleet.yaml");

// The same 10 MW hall with 1,000 and with 1,200 H100s, its facility cost per MW uncertain:
// uniform over $9.3-15.0M/MW (Cushman & Wakefield, Data Center Development Cost Guide 2025).
const std::string kUncertain1000 = source_path("tests/data/compare/h100-1000-uncertain.yaml");
const std::string kUncertain1200 = source_path("tests/data/compare/h100-1200-uncertain.yaml");

/// A fresh, empty scratch directory.
fs::path scratch(const std::string& name) {
  const fs::path path = fs::temp_directory_path() / ("capsim_compare_cli_test_" + name);
  fs::remove_all(path);
  fs::create_directories(path);
  return path;
}

/// The table: what follows the blank line after the list of inputs.
std::string table_of(const std::string& out) {
  const std::size_t blank = out.find("\n\n");
  return blank == std::string::npos ? std::string() : out.substr(blank + 2);
}

/// The CSV's rows by figure name, each a list of its fields after the name (no field in these
/// files is quoted).
std::map<std::string, std::vector<std::string>> csv_rows(const std::string& text) {
  std::map<std::string, std::vector<std::string>> rows;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    std::vector<std::string> fields;
    std::string field;
    std::istringstream cells(line);
    while (std::getline(cells, field, ','))
      fields.push_back(field);
    if (!line.empty() && line.back() == ',')
      fields.emplace_back();
    const std::string name = fields.front();
    fields.erase(fields.begin());
    rows[name] = fields;
  }
  return rows;
}

TEST_CASE("cli: compare two scenarios: the table's rows and differences, worked by hand") {
  const CliResult result = run_capsim("compare " + kH100 + " " + kB200 +
                                      " --figures totals.capex --figures gpus.ordered");
  REQUIRE(result.exit_status == 0);
  CHECK(result.err.empty());
  CHECK(result.out.rfind("baseline: h100-10mw; differences are each input's minus the baseline's\n"
                         "  h100-10mw: scenario " +
                             kH100 + "\n  b200-12mw: scenario " + kB200 + "\n\n",
                         0) == 0);
  // Capex: $43M + $117M = $160M against 800 × $53K + 12 MW × $11.7M = $42.4M + $140.4M; the
  // B200 design is $22.8M (22.8 / 160 = 14.25%) dearer, all of it in facility (+20%).
  CHECK(table_of(result.out) ==
        "figure                     h100-10mw  b200-12mw  b200-12mw - base  b200-12mw vs base\n"
        "totals.capex_usd             $160.0M    $182.8M           +$22.8M            +14.25%\n"
        "totals.capex_gpus_usd         $43.0M     $42.4M          -$600.0K             -1.40%\n"
        "totals.capex_facility_usd    $117.0M    $140.4M           +$23.4M            +20.00%\n"
        "gpus.ordered                   1,000        800              -200            -20.00%\n");
  // --wide: every dollar.
  const CliResult wide = run_capsim("compare " + kH100 + " " + kB200 +
                                    " --figures totals.capex --figures gpus.ordered --wide");
  REQUIRE(wide.exit_status == 0);
  CHECK(
      table_of(wide.out) ==
      "figure                       h100-10mw    b200-12mw  b200-12mw - base  b200-12mw vs base\n"
      "totals.capex_usd           160,000,000  182,800,000       +22,800,000            +14.25%\n"
      "totals.capex_gpus_usd       43,000,000   42,400,000          -600,000             -1.40%\n"
      "totals.capex_facility_usd  117,000,000  140,400,000       +23,400,000            +20.00%\n"
      "gpus.ordered                     1,000          800              -200            -20.00%\n");
}

TEST_CASE("cli: compare fits 100 columns: every figure of three designs, in blocks") {
  const CliResult result = run_capsim("compare " + kH100 + " " + kB200 + " " + kNoFleet);
  REQUIRE(result.exit_status == 0);
  const std::string table = table_of(result.out);
  std::istringstream lines(table);
  std::size_t rows = 0;
  for (std::string line; std::getline(lines, line); ++rows) {
    INFO(line);
    CHECK(line.size() <= 100);
  }
  CHECK(rows > 100);
  CHECK(table.rfind("b200-12mw against h100-10mw:\n", 0) == 0);
  CHECK(table.find("\nbudget-no-fleet against h100-10mw:\n") != std::string::npos);
  // The paired table of replications too: medians and the difference's spread, readable.
  const CliResult paired =
      run_capsim("compare " + kUncertain1000 + " " + kUncertain1200 + " --replications 4");
  REQUIRE(paired.exit_status == 0);
  std::istringstream paired_lines(paired.out.substr(paired.out.find("\nfigure ") + 1));
  for (std::string line; std::getline(paired_lines, line) && !line.empty();) {
    INFO(line);
    CHECK(line.size() <= 100);
  }
  CHECK(paired.out.find("totals.capex_usd      h100-1200") != std::string::npos);
}

TEST_CASE("cli: compare writes the same comparison as CSV, at full precision") {
  const fs::path dir = scratch("csv");
  const fs::path csv = dir / "comparison.csv";
  const CliResult result =
      run_capsim("compare " + kH100 + " " + kB200 + " --wide --csv " + csv.string());
  REQUIRE(result.exit_status == 0);
  CHECK(result.out.find("wrote " + csv.string() + "\n") != std::string::npos);
  const std::string text = read_whole_file(csv.string());
  CHECK(text.rfind("figure,h100-10mw,b200-12mw,b200-12mw_minus_h100-10mw,b200-12mw_relative\n",
                   0) == 0);
  const auto rows = csv_rows(text);
  using Row = std::vector<std::string>;
  CHECK(rows.at("totals.capex_usd") == Row{"160000000", "182800000", "22800000", "0.1425"});
  CHECK(rows.at("totals.capex_gpus_usd") ==
        Row{"43000000", "42400000", "-600000", "-0.013953488372093023"});
  CHECK(rows.at("gpus.ordered") == Row{"1000", "800", "-200", "-0.2"});
  // A baseline of 0 has no relative difference: an empty field, not 0 and not "n/a".
  CHECK(rows.at("totals.opex_staff_usd") == Row{"0", "0", "0", ""});
  // The table shows the same rows, "n/a" where the CSV is empty.
  const std::string table = table_of(result.out);
  CHECK(table.find("\ntotals.capex_usd ") != std::string::npos);
  CHECK(table.find("+22,800,000            +14.25%\n") != std::string::npos);
  const std::size_t staff = table.find("\ntotals.opex_staff_usd ");
  REQUIRE(staff != std::string::npos);
  std::istringstream staff_row(table.substr(staff + 1, table.find('\n', staff + 1) - staff - 1));
  std::vector<std::string> words;
  for (std::string word; staff_row >> word;)
    words.push_back(word);
  CHECK(words == std::vector<std::string>{"totals.opex_staff_usd", "0", "0", "0", "n/a"});
  // Every figure of the run is a row, and nothing is left half-written.
  CHECK(rows.count("inference[chat].cost_per_million_tokens_usd") == 1);
  CHECK(rows.count("fleet_at[2026-01-01].gpus_installed") == 1);
  for (const auto& entry : fs::directory_iterator(dir))
    CHECK(entry.path().filename() == "comparison.csv");
  fs::remove_all(dir);
}

TEST_CASE("cli: compare: a result folder gives the same figures as its scenario run here") {
  const fs::path dir = scratch("folder");
  const fs::path out = dir / "h100-run";
  REQUIRE(run_capsim("run " + kH100 + " --out " + out.string()).exit_status == 0);
  const fs::path csv = dir / "same.csv";
  const CliResult result =
      run_capsim("compare " + kH100 + " " + out.string() + "/ --csv " + csv.string());
  REQUIRE(result.exit_status == 0);
  CHECK(result.out.find("  h100-run: result folder " + out.string() + "/\n") != std::string::npos);
  const auto rows = csv_rows(read_whole_file(csv.string()));
  CHECK(rows.at("figure") == std::vector<std::string>{"h100-10mw", "h100-run",
                                                      "h100-run_minus_h100-10mw",
                                                      "h100-run_relative"});
  CHECK(rows.size() > 40);
  for (const auto& [name, fields] : rows) {
    if (name == "figure")
      continue;
    INFO(name);
    REQUIRE(fields.size() == 4);
    CHECK(fields[0] == fields[1]);  // value for value, to the last digit
    CHECK(fields[2] == "0");
  }
  fs::remove_all(dir);
}

/// The text of the figure whose data-chart is `id` in a report page; empty if there is none.
std::string chart_of(const std::string& page, const std::string& id) {
  const std::size_t start = page.find("data-chart=\"" + id + "\"");
  if (start == std::string::npos)
    return "";
  return page.substr(start, page.find("</figure>", start) - start);
}

TEST_CASE("cli: compare --report overlays the runs and ties a folder's figures to its files") {
  const fs::path dir = scratch("report");
  REQUIRE(run_capsim("run " + kH100 + " --out " + (dir / "h100").string()).exit_status == 0);
  REQUIRE(run_capsim("run " + kH100 + " --period month --out " + (dir / "h100-monthly").string())
              .exit_status == 0);
  const fs::path report = dir / "report.html";
  const CliResult result = run_capsim("compare " + (dir / "h100").string() + " " + kB200 +
                                      " --report " + report.string());
  REQUIRE(result.exit_status == 0);
  CHECK(result.out.find("wrote " + report.string() + "\n") != std::string::npos);
  const std::string page = read_whole_file(report.string());
  CHECK(page.find(R"(<body data-report="compare">)") != std::string::npos);
  // Both runs report by quarter: 2 x 4 points; the H100s are installed from the second quarter.
  const std::string gpus = chart_of(page, "overlay-gpus-installed");
  CHECK(gpus.find(R"(data-points="8")") != std::string::npos);
  CHECK(gpus.find(R"(data-series="h100" data-x="2025-04-01" data-y="1000")") != std::string::npos);
  CHECK_FALSE(chart_of(page, "overlay-capex-usd").empty());
  // The folder's capex, $43M of GPUs + $117M of facility, read from h100/summary.json; the
  // B200 design ran here and has no file to point to.
  CHECK(page.find(R"(data-source="h100/summary.json" data-key="totals.capex_usd" )"
                  R"(data-value="160000000">$160.0M</span>)") != std::string::npos);
  CHECK(page.find(R"(data-source="b200)") == std::string::npos);

  // By month against by quarter: stocks overlaid on every month (the quarter's value held
  // over its months), amounts per period left out.
  REQUIRE(run_capsim("compare " + (dir / "h100").string() + " " + (dir / "h100-monthly").string() +
                     " --report " + report.string())
              .exit_status == 0);
  const std::string mixed = read_whole_file(report.string());
  const std::string mixed_gpus = chart_of(mixed, "overlay-gpus-installed");
  CHECK(mixed_gpus.find(R"(data-points="24")") != std::string::npos);
  CHECK(mixed_gpus.find(R"(data-series="h100" data-x="2025-05-01" data-y="1000")") !=
        std::string::npos);
  CHECK(chart_of(mixed, "overlay-capex-usd").empty());
  CHECK(mixed.find("amounts per period (capex, opex, energy) are not") != std::string::npos);

  const CliResult paired = run_capsim("compare " + kUncertain1000 + " " + kUncertain1200 +
                                      " --replications 4 --report " + report.string());
  CHECK(paired.exit_status == 2);
  CHECK(paired.err ==
        "capsim compare: --report draws runs over time, which --replications does not keep: "
        "compare the result folders of `capsim run --replications N --out DIR` (each has its "
        "own report), or leave out --report\n");
  fs::remove_all(dir);
}

TEST_CASE("cli: compare --figures takes globs with brackets") {
  const CliResult result =
      run_capsim("compare " + kH100 + " " + kB200 +
                 " --wide --figures 'inference[*].cost_per_million_tokens_usd'");
  REQUIRE(result.exit_status == 0);
  const std::string table = table_of(result.out);
  // One figure: the header and one row. B200 serves the same demand on fewer GPU-hours.
  CHECK(std::count(table.begin(), table.end(), '\n') == 2);
  CHECK(table.find("\ninference[chat].cost_per_million_tokens_usd     0.1436     0.1093  ") !=
        std::string::npos);
}

TEST_CASE("cli: compare --iso power scales the B200 design to 10 MW before it runs") {
  const fs::path dir = scratch("iso_power");
  const fs::path csv = dir / "iso.csv";
  const CliResult result = run_capsim("compare " + kH100 + " " + kB200 +
                                      " --iso power --figures totals.capex --figures gpus.ordered "
                                      "--figures 'fleet_at[*].power_it_online_gw' --wide --csv " +
                                      csv.string());
  REQUIRE(result.exit_status == 0);
  CHECK(result.out.find("iso-power: every scenario after the baseline was scaled to the "
                        "baseline's power envelope, the total IT power cap of its sites, 10 "
                        "MW\n  iso.scale_factor: the factor applied; iso.it_power_w: the "
                        "envelope as run\n") != std::string::npos);
  const auto rows = csv_rows(read_whole_file(csv.string()));
  using Row = std::vector<std::string>;
  // s = 10 / 12; 800 × s = 666.7 GPUs = 83.3 nodes of 8 -> 664 GPUs; 12 MW × s = 10 MW.
  CHECK(rows.at("iso.scale_factor") ==
        Row{"1", "0.8333333333333334", "-0.16666666666666663", "-0.16666666666666663"});
  CHECK(rows.at("iso.it_power_w") == Row{"10000000", "10000000", "0", "0"});
  CHECK(rows.at("gpus.ordered") == Row{"1000", "664", "-336", "-0.336"});
  // Equal power: equal facility capex ($117M) and equal power online at the year end.
  CHECK(rows.at("totals.capex_facility_usd") == Row{"117000000", "117000000", "0", "0"});
  CHECK(rows.at("fleet_at[2026-01-01].power_it_online_gw") == Row{"0.01", "0.01", "0", "0"});
  // GPU capex: 664 × $53K = $35.192M.
  CHECK(rows.at("totals.capex_gpus_usd")[1] == "35192000");
  const std::string table = table_of(result.out);
  CHECK(table.find("\niso.scale_factor ") != std::string::npos);
  CHECK(table.find("           1       0.8333  ") != std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("cli: compare --iso gpus and --iso capex match the baseline within rounding") {
  const fs::path dir = scratch("iso_other");
  const fs::path gpus_csv = dir / "gpus.csv";
  REQUIRE(run_capsim("compare " + kH100 + " " + kB200 + " --iso gpus --csv " + gpus_csv.string())
              .exit_status == 0);
  const auto gpus = csv_rows(read_whole_file(gpus_csv.string()));
  // s = 1,000 / 800 = 1.25: 1,000 B200 in a 15 MW hall, $53M + $175.5M.
  CHECK(gpus.at("iso.scale_factor")[1] == "1.25");
  CHECK(gpus.at("gpus.ordered") == std::vector<std::string>{"1000", "1000", "0", "0"});
  CHECK(gpus.at("totals.capex_usd")[1] == "228500000");

  const fs::path capex_csv = dir / "capex.csv";
  const CliResult capex =
      run_capsim("compare " + kH100 + " " + kB200 + " --iso capex --csv " + capex_csv.string());
  REQUIRE(capex.exit_status == 0);
  CHECK(capex.out.find("baseline's capex envelope, its capex, $160,000,000: GPUs at their "
                       "installed price plus sites' IT power at their cost per W\n") !=
        std::string::npos);
  const auto rows = csv_rows(read_whole_file(capex_csv.string()));
  // s = 160 / 182.8; 800 × s = 700.2 -> 88 nodes = 704 GPUs; the hall 10.503 MW. Capex
  // $160,200,402.63: $200,403 over, within half a node's price (4 × $53K).
  CHECK(rows.at("gpus.ordered")[1] == "704");
  CHECK(std::stod(rows.at("totals.capex_usd")[1]) == doctest::Approx(160'200'402.6258));
  CHECK(std::stod(rows.at("totals.capex_usd")[2]) <= 4 * 53e3);
  CHECK(rows.at("iso.capex_usd")[1] == rows.at("totals.capex_usd")[1]);
  fs::remove_all(dir);
}

TEST_CASE("cli: compare --iso capex scales a budget planner's budget to a fixed design's capex") {
  const fs::path dir = scratch("iso_budget");
  const fs::path csv = dir / "budget.csv";
  const CliResult result = run_capsim("compare " + kH100 + " " + kNoFleet +
                                      " --iso capex --figures budget. --csv " + csv.string());
  REQUIRE(result.exit_status == 0);
  const auto rows = csv_rows(read_whole_file(csv.string()));
  // Four quarters of $50M = $200M against the H100 design's $160M: s = 0.8, $40M a quarter,
  // and the run's budget is the envelope, exactly.
  CHECK(rows.at("iso.scale_factor")[1] == "0.8");
  CHECK(rows.at("iso.capex_usd") == std::vector<std::string>{"160000000", "160000000", "0", "0"});
  CHECK(rows.at("budget.budget_usd") ==
        std::vector<std::string>{"0", "160000000", "160000000", ""});
  fs::remove_all(dir);
}

TEST_CASE("cli: compare --replications pairs the draws: the header, the table, the words") {
  const std::string arguments = "compare " + kUncertain1000 + " " + kUncertain1200 +
                                " --replications 40 --wide --figures totals.capex";
  const CliResult result = run_capsim(arguments + " -j 2");
  REQUIRE(result.exit_status == 0);
  CHECK(result.err.empty());
  CHECK(result.out.rfind("baseline: h100-1000; 40 replications of each scenario, replication r "
                         "of each paired with the baseline's: differences are each input's minus "
                         "the baseline's in the same draw\n"
                         "  h100-1000: scenario " +
                             kUncertain1000 +
                             ", seed 7, 1 uncertain input in 1 draw\n"
                             "  h100-1200: scenario " +
                             kUncertain1200 +
                             ", seed 7, 1 uncertain input in 1 draw, 1 shared with the baseline\n"
                             "P(> base): the share of draws in which the input's figure is "
                             "greater than the baseline's, a tie counting half\n\n"
                             "figure                         input     base P10",
                         0) == 0);
  // The GPUs are deterministic: 1,000 and 1,200 x $43K. The facility, 10 MW x the same draw in
  // both plans, is equal in every draw; so the capex differs by 200 x $43K = $8.6M in every
  // draw, although each plan's capex spreads over $57M.
  CHECK(result.out.find("\ntotals.capex_gpus_usd      h100-1200   43,000,000   43,000,000   "
                        "43,000,000   51,600,000   51,600,000   51,600,000  +8,600,000  "
                        "+8,600,000  +8,600,000  +8,600,000       100%\n") != std::string::npos);
  CHECK(result.out.find("\n\ntotals.capex_usd: h100-1200 > h100-1000 in 100% of draws "
                        "(h100-1200 - h100-1000: +$8.60M in every draw)\n"
                        "totals.capex_gpus_usd: h100-1200 > h100-1000 in 100% of draws "
                        "(h100-1200 - h100-1000: +$8.60M in every draw)\n"
                        "h100-1200 = h100-1000 in every draw: 1 figure\n") != std::string::npos);
  // The replications run on threads, and the output does not depend on how many.
  CHECK(run_capsim(arguments + " -j 1").out == result.out);
}

TEST_CASE("cli: compare --replications writes the long CSV, and warns when seeds differ") {
  const fs::path dir = scratch("paired_csv");
  const fs::path csv = dir / "paired.csv";
  {
    std::ofstream file(dir / "other-seed.yaml");
    file << "extends: " << kUncertain1200 << "\nscenario: {name: other-seed, seed: 8}\n";
  }
  const CliResult result =
      run_capsim("compare " + kUncertain1000 + " " + (dir / "other-seed.yaml").string() +
                 " --replications 20 --figures totals.capex_gpus --csv " + csv.string() +
                 " --allow-path " + source_path("tests/data"));  // what other-seed.yaml extends
  REQUIRE(result.exit_status == 0);
  CHECK(result.err ==
        "capsim compare: warning: other-seed has seed 8 and the baseline h100-1000 seed 7: their "
        "draws are not common random numbers, and the differences include their luck\n");
  CHECK(result.out.find("\nwrote " + csv.string() + "\n") != std::string::npos);
  CHECK(read_whole_file(csv.string()) ==
        "figure,input,statistic,value\n"
        "totals.capex_gpus_usd,h100-1000,count,20\n"
        "totals.capex_gpus_usd,h100-1000,mean,43000000\n"
        "totals.capex_gpus_usd,h100-1000,sd,0\n"
        "totals.capex_gpus_usd,h100-1000,min,43000000\n"
        "totals.capex_gpus_usd,h100-1000,p10,43000000\n"
        "totals.capex_gpus_usd,h100-1000,p50,43000000\n"
        "totals.capex_gpus_usd,h100-1000,p90,43000000\n"
        "totals.capex_gpus_usd,h100-1000,max,43000000\n"
        "totals.capex_gpus_usd,other-seed,count,20\n"
        "totals.capex_gpus_usd,other-seed,mean,51600000\n"
        "totals.capex_gpus_usd,other-seed,sd,0\n"
        "totals.capex_gpus_usd,other-seed,min,51600000\n"
        "totals.capex_gpus_usd,other-seed,p10,51600000\n"
        "totals.capex_gpus_usd,other-seed,p50,51600000\n"
        "totals.capex_gpus_usd,other-seed,p90,51600000\n"
        "totals.capex_gpus_usd,other-seed,max,51600000\n"
        "totals.capex_gpus_usd,other-seed,pairs,20\n"
        "totals.capex_gpus_usd,other-seed,difference_mean,8600000\n"
        "totals.capex_gpus_usd,other-seed,difference_sd,0\n"
        "totals.capex_gpus_usd,other-seed,difference_min,8600000\n"
        "totals.capex_gpus_usd,other-seed,difference_p10,8600000\n"
        "totals.capex_gpus_usd,other-seed,difference_p50,8600000\n"
        "totals.capex_gpus_usd,other-seed,difference_p90,8600000\n"
        "totals.capex_gpus_usd,other-seed,difference_max,8600000\n"
        "totals.capex_gpus_usd,other-seed,probability_greater,1\n"
        "totals.capex_gpus_usd,other-seed,probability_equal,0\n");
  fs::remove_all(dir);
}

TEST_CASE("cli: compare rejects bad input with one clear message, exit 2, nothing written") {
  const fs::path dir = scratch("errors");
  const fs::path csv = dir / "never.csv";
  const std::string to_csv = " --csv " + csv.string();
  const fs::path empty = dir / "empty";
  fs::create_directories(empty);
  const fs::path bad = dir / "bad";
  fs::create_directories(bad);
  {
    std::ofstream file(bad / "summary.json");
    file << "{\"totals\": {\"capex_usd\": 1.5e9,\n  \"gpus\": [1, 2}\n";
  }
  const fs::path list = dir / "list";
  fs::create_directories(list);
  {
    std::ofstream file(list / "summary.json");
    file << "[1, 2]\n";
  }
  struct Case {
    std::string arguments;
    std::string err;
  };
  const std::vector<Case> cases = {
      {kUncertain1000 + " " + bad.string() + " --replications 4",
       "capsim compare: --replications: '" + bad.string() +
           "' is a result folder, whose run is done and whose draws cannot be paired: give its "
           "scenario file instead\n"},
      {kUncertain1000 + " " + kUncertain1200 + " --replications 4 --iso power",
       "capsim compare: --iso does not combine with --replications: a replication loads its "
       "scenario from the file with its draws, and --iso scales a scenario once loaded; compare "
       "the designs at equal envelopes without --replications, or write the scaled design as a "
       "scenario\n"},
      {kUncertain1000 + " " + kUncertain1200 + " -j 2",
       "capsim compare: --jobs runs replications on threads: give --replications N\n"},
      {kUncertain1000 + " " + kUncertain1200 + " --replications 0",
       "capsim compare: --replications: expected a whole number from 1 to 100000, found \"0\"\n"},
      {kUncertain1000 + " " + kUncertain1200 + " --replications 4 --figures nothing",
       "capsim compare: --figures: no figure matches \"nothing\"\n"},
      {kH100,
       "capsim compare: expected at least two inputs (scenario files or result folders), found "
       "1\n"},
      {kH100 + " " + dir.string() + "/missing.yaml",
       "capsim compare: '" + dir.string() +
           "/missing.yaml': no such scenario file or result folder\n"},
      {kH100 + " " + empty.string(),
       "capsim compare: '" + empty.string() +
           "' has no summary.json: expected a result folder written by capsim run --out, or a "
           "scenario file\n"},
      {kH100 + " " + bad.string(),
       (bad / "summary.json").string() +
           ":2:16: expected valid YAML, found a syntax error: illegal flow end\n"},
      {kH100 + " " + list.string(),
       (list / "summary.json").string() +
           ":1:1: expected a JSON object of summary figures, found a list\n"},
      {kH100 + " " + kB200 + " --iso watts",
       "capsim compare: --iso: expected one of power, capex, gpus, found \"watts\"\n"},
      {kH100 + " " + bad.string() + " --iso power",
       "capsim compare: --iso power: '" + bad.string() +
           "' is a result folder, whose fleet has already run and cannot be scaled: give its "
           "scenario file instead\n"},
      {kH100 + " " + bad.string() + " --set economics.utilisation=50%",
       "capsim compare: --set: '" + bad.string() +
           "' is a result folder, which has already run: --set applies to scenario files only; "
           "give its scenario file, or run it again with the override\n"},
      {kNoFleet + " " + kH100 + " --iso gpus",
       "capsim compare: --iso gpus: the baseline \"budget-no-fleet\" has no gpus envelope to "
       "match (it is 0)\n"},
      {kH100 + " " + kNoFleet + " --iso gpus",
       "capsim compare: --iso gpus: scenario \"budget-no-fleet\" has no gpus envelope to scale "
       "(it is 0)\n"},
      {kH100 + " " + kB200 + " --figures nothing --figures 'x*'",
       "capsim compare: --figures: no figure matches \"nothing\" or \"x*\"\n"},
      {kH100 + " " + kB200 + " --set 'sites[0].pue=0.5'",
       "--set #1:1:14: sites[0].pue: expected at least 1, found \"0.5\"\n"},
  };
  for (const Case& c : cases) {
    INFO(c.arguments);
    const CliResult result = run_capsim("compare " + c.arguments + to_csv);
    CHECK(result.exit_status == 2);
    CHECK(result.err == c.err);
    CHECK(result.out.empty());
    CHECK_FALSE(fs::exists(csv));
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace capsim::test
