#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "capsim/core/units.hpp"
#include "capsim/sweep/sweep_runner.hpp"
#include "test_paths.hpp"

namespace capsim::sweep {
namespace {

namespace fs = std::filesystem;

std::string data_path(const std::string& name) {
  return (fs::path(CAPSIM_SOURCE_DIR) / "tests/sweep/data" / name).string();
}

std::string read_text(const fs::path& path) {
  std::ifstream input(path, std::ios::binary);
  std::ostringstream content;
  content << input.rdbuf();
  return content.str();
}

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream output(path, std::ios::binary | std::ios::trunc);
  output << text;
}

/// A fresh folder under the system's temporary directory, removed at the end of the test.
struct TempDir {
  fs::path path;
  explicit TempDir(const std::string& name)
      : path(fs::temp_directory_path() /
             ("capsim_sweep_test_" + std::to_string(::getpid()) + "_" + name)) {
    fs::remove_all(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

SweepResult run_into(const Sweep& sweep, const fs::path& out, unsigned threads, Shard shard = {},
                     bool restart = false) {
  SweepOptions options;
  options.out = out;
  options.threads = threads;
  options.shard = shard;
  options.restart = restart;
  return run_sweep(sweep, options);
}

/// The uninterrupted single-thread result every other way of running must reproduce.
struct Reference {
  std::string runs;
  std::string summary;
};

const Reference& reference() {
  static const Reference value = [] {
    const Sweep sweep = load_sweep(data_path("grid.yaml"));
    TempDir dir("reference");
    run_into(sweep, dir.path, 1);
    return Reference{read_text(dir.path / "runs.csv"), read_text(dir.path / "runs_summary.csv")};
  }();
  return value;
}

std::size_t count_lines(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

TEST_CASE("sweep runner: runs.csv has one row per run in run-id order, with real values") {
  const std::string& runs = reference().runs;
  REQUIRE(count_lines(runs) == 19);
  std::istringstream lines(runs);
  std::string header;
  std::getline(lines, header);
  CHECK(header ==
        "run_id,point,replication,economics.utilisation_share,failures.annual_failure_rate_share,"
        "seed,totals.capex_usd,totals.energy_facility_mwh,gpus.failures,"
        "fleet_at[2026-01-01].gpus_installed,fleet_at[2027-01-01].gpus_installed");
  const Sweep sweep = load_sweep(data_path("grid.yaml"));
  std::string line;
  std::vector<std::string> fields;
  double failures_low = 0.0, failures_high = 0.0;
  for (std::uint64_t id = 0; std::getline(lines, line); ++id) {
    REQUIRE(split_csv_line(line, fields));
    REQUIRE(fields.size() == 11);
    CHECK(fields[0] == std::to_string(id));
    CHECK(fields[1] == std::to_string(id / 3));
    CHECK(fields[2] == std::to_string(id % 3));
    // Parameters as numbers in the unit their column names: "50%" is 0.5 of
    // economics.utilisation_share.
    CHECK(std::stod(fields[3]) ==
          doctest::Approx(parse_quantity(sweep.points[id / 3].values[0], Dimension::fraction))
              .epsilon(1e-15));
    CHECK(std::stod(fields[4]) ==
          doctest::Approx(parse_quantity(sweep.points[id / 3].values[1], Dimension::fraction))
              .epsilon(1e-15));
    CHECK((fields[3] == "0.5" || fields[3] == "0.7" || fields[3] == "0.9"));
    CHECK(fields[5] == std::to_string(sweep.seed_of(id / 3, id % 3)));
    CHECK(fields[9] == "28000");  // the base's 20,000 GPUs and its 8,000 ordered
    (fields[4] == "0.03" ? failures_low : failures_high) += std::stod(fields[8]);
  }
  // 12% a year fails about four times as many GPUs as 3%.
  CHECK(failures_high / failures_low == doctest::Approx(4.0).epsilon(0.1));
}

TEST_CASE("sweep runner: runs_summary.csv has the mean and Student t interval per point") {
  const std::string& runs = reference().runs;
  const std::string& summary = reference().summary;
  REQUIRE(count_lines(summary) == 7);
  // Point 0's three failure counts, by hand.
  std::istringstream lines(runs);
  std::string line;
  std::getline(lines, line);
  std::vector<std::string> fields;
  double values[3];
  for (double& value : values) {
    std::getline(lines, line);
    split_csv_line(line, fields);
    value = std::stod(fields[8]);
  }
  CHECK(values[0] != values[1]);  // replications differ
  const double mean = (values[0] + values[1] + values[2]) / 3.0;
  double squares = 0.0;
  for (const double value : values)
    squares += (value - mean) * (value - mean);
  const double half_width = 4.302652729911275 * std::sqrt(squares / 2.0) / std::sqrt(3.0);
  std::istringstream summary_lines(summary);
  std::getline(summary_lines, line);
  CHECK(line.rfind("point,economics.utilisation_share,failures.annual_failure_rate_share,"
                   "replications,"
                   "totals.capex_usd.mean,totals.capex_usd.ci95_low,totals.capex_usd.ci95_high,",
                   0) == 0);
  std::getline(summary_lines, line);
  split_csv_line(line, fields);
  CHECK(fields[0] == "0");
  CHECK(fields[1] == "0.5");
  CHECK(fields[2] == "0.03");
  CHECK(fields[3] == "3");
  // gpus.failures is the third figure: columns 4 + 3 * 2 onwards.
  CHECK(std::stod(fields[10]) == doctest::Approx(mean).epsilon(1e-12));
  CHECK(std::stod(fields[11]) == doctest::Approx(mean - half_width).epsilon(1e-6));
  CHECK(std::stod(fields[12]) == doctest::Approx(mean + half_width).epsilon(1e-6));
}

TEST_CASE("sweep runner: runs.csv and runs_summary.csv bytes are the same at -j1 and -j2") {
  const Sweep sweep = load_sweep(data_path("grid.yaml"));
  for (const unsigned threads : {2u, 3u}) {
    TempDir dir("threads" + std::to_string(threads));
    const SweepResult result = run_into(sweep, dir.path, threads);
    CHECK(result.runs == 18);
    CHECK(result.resumed == 0);
    CHECK(read_text(dir.path / "runs.csv") == reference().runs);
    CHECK(read_text(dir.path / "runs_summary.csv") == reference().summary);
    // The journal holds the same rows, in the order they finished.
    CHECK(count_lines(read_text(dir.path / "journal.csv")) == 19);
  }
}

TEST_CASE("sweep runner: drawn inputs are columns of runs.csv, the same at any -j and merged") {
  const Sweep sweep = load_sweep(data_path("uncertain.yaml"));
  TempDir one("uncertain1");
  run_into(sweep, one.path, 1);
  const std::string runs = read_text(one.path / "runs.csv");
  // After the parameters, the drawn input; the fixed failure rate is a parameter's column.
  CHECK(runs.substr(0, runs.find('\n')) ==
        "run_id,point,replication,sites[0].pue,failures.annual_failure_rate_share,"
        "economics.utilisation_share,seed,totals.opex_energy_usd,gpus.failures");
  CHECK(count_lines(runs) == 9);
  // runs_summary.csv has one row per point, of its parameters only.
  const std::string summary = read_text(one.path / "runs_summary.csv");
  CHECK(summary.rfind("point,sites[0].pue,failures.annual_failure_rate_share,replications,", 0) ==
        0);
  CHECK(count_lines(summary) == 3);
  TempDir two("uncertain2");
  run_into(sweep, two.path, 2);
  CHECK(read_text(two.path / "runs.csv") == runs);
  CHECK(read_text(two.path / "runs_summary.csv") == summary);
  std::vector<fs::path> shards;
  for (std::uint64_t k = 1; k <= 3; ++k) {
    shards.push_back(two.path.string() + "-shard" + std::to_string(k));
    fs::remove_all(shards.back());
    run_into(sweep, shards.back(), 2, Shard{k, 3});
  }
  const fs::path merged = two.path.string() + "-merged";
  merge_shards(shards, merged);
  CHECK(read_text(merged / "runs.csv") == runs);
  CHECK(read_text(merged / "runs_summary.csv") == summary);
  for (const fs::path& shard : shards)
    fs::remove_all(shard);
  fs::remove_all(merged);
}

TEST_CASE("sweep runner: a sweep resumed from a cut journal gives the same bytes") {
  const Sweep sweep = load_sweep(data_path("grid.yaml"));
  TempDir full("resume_full");
  run_into(sweep, full.path, 2);
  const std::string journal = read_text(full.path / "journal.csv");
  const std::string header = journal.substr(0, journal.find('\n') + 1);
  // Cut in the middle of the 8th row, as a kill -9 during a write would leave it.
  std::size_t cut = header.size();
  for (int row = 0; row < 7; ++row)
    cut = journal.find('\n', cut) + 1;
  const std::size_t torn = cut + 10;
  for (const std::size_t length : {torn, cut, header.size(), std::size_t{0}}) {
    INFO("journal cut at byte " << length);
    TempDir dir("resume_" + std::to_string(length));
    fs::create_directories(dir.path);
    fs::copy_file(full.path / "manifest.yaml", dir.path / "manifest.yaml");
    write_text(dir.path / "journal.csv", journal.substr(0, length));
    const SweepResult result = run_into(sweep, dir.path, 2);
    CHECK(result.resumed == (length >= cut ? 7u : 0u));
    CHECK(read_text(dir.path / "runs.csv") == reference().runs);
    CHECK(read_text(dir.path / "runs_summary.csv") == reference().summary);
    // The torn line is gone, the seven whole rows are kept as they were.
    const std::string resumed = read_text(dir.path / "journal.csv");
    CHECK(count_lines(resumed) == 19);
    if (length >= cut)
      CHECK(resumed.compare(0, cut, journal, 0, cut) == 0);
  }
  // Run again when everything is done: nothing runs, same bytes.
  const SweepResult again = run_into(sweep, full.path, 2);
  CHECK(again.resumed == 18);
  CHECK(read_text(full.path / "runs.csv") == reference().runs);
}

TEST_CASE("sweep runner: a folder of another sweep, shard or a damaged journal is refused") {
  const Sweep grid = load_sweep(data_path("grid.yaml"));
  const Sweep lhs = load_sweep(data_path("lhs.yaml"));
  TempDir dir("refuse");
  run_into(grid, dir.path, 2);
  const std::string manifest = read_text(dir.path / "manifest.yaml");
  const std::string message = "'" + dir.path.string() + "' holds the runs of sweep test-grid (" +
                              "fingerprint " + grid.fingerprint + "), not of this sweep file (" +
                              lhs.fingerprint +
                              "): use --restart to discard them, or another --out";
  CHECK_THROWS_WITH_AS(run_into(lhs, dir.path, 2), message.c_str(), SweepError);
  CHECK(read_text(dir.path / "manifest.yaml") == manifest);  // untouched
  CHECK_THROWS_WITH_AS(run_into(grid, dir.path, 1, Shard{2, 3}),
                       ("'" + dir.path.string() +
                        "' holds shard 1/1 of this sweep, not 2/3: use that --shard, --restart, "
                        "or another --out")
                           .c_str(),
                       SweepError);
  // A damaged row in the middle (not a torn last line) is never silently dropped.
  std::string journal = read_text(dir.path / "journal.csv");
  const std::size_t second_row = journal.find('\n', journal.find('\n') + 1) + 1;
  journal[second_row] = 'x';
  write_text(dir.path / "journal.csv", journal);
  CHECK_THROWS_WITH_AS(run_into(grid, dir.path, 2),
                       ((dir.path / "journal.csv").string() +
                        ":3: expected a run id below 18, found \"x\"; the journal is "
                        "damaged: run with --restart to start the sweep over")
                           .c_str(),
                       SweepError);
  // --restart starts over, whatever the folder held.
  const SweepResult restarted = run_into(lhs, dir.path, 2, {}, true);
  CHECK(restarted.resumed == 0);
  CHECK(restarted.runs == 16);
}

TEST_CASE("sweep runner: three shards merged give the unsharded bytes") {
  const Sweep sweep = load_sweep(data_path("grid.yaml"));
  TempDir root("shards");
  std::vector<fs::path> shards;
  std::uint64_t total = 0;
  for (std::uint64_t k = 1; k <= 3; ++k) {
    shards.push_back(root.path / ("shard" + std::to_string(k)));
    const SweepResult result = run_into(sweep, shards.back(), 2, Shard{k, 3});
    total += result.runs;
    CHECK(result.runs == 6);
    CHECK_FALSE(fs::exists(shards.back() / "runs_summary.csv"));  // a shard has no whole point
  }
  CHECK(total == 18);
  // In any order of the arguments.
  merge_shards({shards[2], shards[0], shards[1]}, root.path / "merged");
  CHECK(read_text(root.path / "merged/runs.csv") == reference().runs);
  CHECK(read_text(root.path / "merged/runs_summary.csv") == reference().summary);

  SUBCASE("a missing shard is refused") {
    CHECK_THROWS_WITH_AS(merge_shards({shards[0], shards[2]}, root.path / "partial"),
                         "merge: 6 of 18 runs missing (first: run 1, in shard 2/3): expected the "
                         "folders of all 3 shards",
                         SweepError);
    CHECK_FALSE(fs::exists(root.path / "partial"));
  }
  SUBCASE("a shard given twice is refused") {
    CHECK_THROWS_WITH_AS(
        merge_shards({shards[0], shards[1], shards[0]}, root.path / "twice"),
        ("merge: run 0 is in both '" + shards[0].string() + "' and '" + shards[0].string() +
         "': expected each run in one shard (the same shard "
         "given twice?)")
            .c_str(),
        SweepError);
  }
  SUBCASE("a shard of another sweep is refused") {
    const Sweep other = load_sweep(data_path("lhs.yaml"));
    run_into(other, root.path / "other", 1, Shard{1, 3});
    CHECK_THROWS_AS(merge_shards({shards[0], root.path / "other", shards[2]}, root.path / "mixed"),
                    SweepError);
  }
  SUBCASE("an unfinished shard is refused") {
    fs::remove(shards[1] / "runs.csv");
    CHECK_THROWS_WITH_AS(merge_shards(shards, root.path / "unfinished"),
                         ("merge: '" + shards[1].string() +
                          "' has no runs.csv: that shard (2/3) has not finished; run it again "
                          "(it resumes) before merging")
                             .c_str(),
                         SweepError);
  }
}

/// Names in `folder`, sorted: what a reader listing it sees.
std::vector<std::string> names_in(const fs::path& folder) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(folder))
    names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

TEST_CASE("sweep runner: runs.csv marks a finished sweep: gone while it runs again, back last") {
  const Sweep sweep = load_sweep(data_path("grid.yaml"));
  TempDir dir("marker");
  run_into(sweep, dir.path, 2);
  CHECK(names_in(dir.path) == std::vector<std::string>{".lock", "journal.csv", "manifest.yaml",
                                                       "runs.csv", "runs_summary.csv"});
  // Stopped after it started again (the progress callback throws): runs.csv went first, so a
  // reader sees an unfinished sweep, not the earlier runs.csv beside a journal that changes.
  SweepOptions options;
  options.out = dir.path;
  options.threads = 2;
  options.on_progress = [](const SweepProgress&) { throw std::runtime_error("stopped"); };
  CHECK_THROWS_WITH(run_sweep(sweep, options), "stopped");
  CHECK_FALSE(fs::exists(dir.path / "runs.csv"));
  // Resumed: every run from the journal, the same bytes, runs.csv back.
  const SweepResult resumed = run_into(sweep, dir.path, 2);
  CHECK(resumed.resumed == 18);
  CHECK(resumed.written ==
        std::vector<fs::path>{dir.path / "runs_summary.csv", dir.path / "runs.csv"});
  CHECK(read_text(dir.path / "runs.csv") == reference().runs);
  CHECK(read_text(dir.path / "runs_summary.csv") == reference().summary);
}

TEST_CASE("sweep runner: a sweep cleans dead temporaries and an earlier set's extra file") {
  const Sweep sweep = load_sweep(data_path("grid.yaml"));
  TempDir dir("stale");
  run_into(sweep, dir.path, 2, Shard{1, 3});
  // A killed writer's temporaries (a PID no process can have), a live one (this process),
  // a runs_summary.csv no shard writes, and a file of the user's.
  const std::string live = ".runs.csv.tmp." + std::to_string(::getpid()) + ".7";
  for (const std::string name :
       {".runs.csv.tmp.99999999999.0", ".manifest.yaml.tmp.99999999999.1",
        ".runs_summary.csv.tmp.99999999999.2", live.c_str(), "runs_summary.csv", "notes.txt"}) {
    write_text(dir.path / name, "stale\n");
  }
  const SweepResult again = run_into(sweep, dir.path, 1, Shard{1, 3});
  CHECK(again.resumed == 6);
  CHECK(names_in(dir.path) == std::vector<std::string>{".lock", live, "journal.csv",
                                                       "manifest.yaml", "notes.txt", "runs.csv"});
}

TEST_CASE("sweep runner: a merge publishes its set, runs.csv last, and drops a stale journal") {
  const Sweep sweep = load_sweep(data_path("grid.yaml"));
  TempDir root("merge_set");
  std::vector<fs::path> shards;
  for (std::uint64_t k = 1; k <= 2; ++k) {
    shards.push_back(root.path / ("shard" + std::to_string(k)));
    run_into(sweep, shards.back(), 2, Shard{k, 2});
  }
  // The merge goes where another sweep once ran: its journal would be resumed as this sweep's.
  const fs::path out = root.path / "merged";
  const Sweep other = load_sweep(data_path("lhs.yaml"));
  run_into(other, out, 2);
  write_text(out / ".runs_summary.csv.tmp.99999999999.0", "stale\n");
  const std::vector<fs::path> written = merge_shards(shards, out);
  CHECK(written ==
        std::vector<fs::path>{out / "runs_summary.csv", out / "manifest.yaml", out / "runs.csv"});
  CHECK(names_in(out) ==
        std::vector<std::string>{".lock", "manifest.yaml", "runs.csv", "runs_summary.csv"});
  CHECK(read_text(out / "runs.csv") == reference().runs);
  CHECK(read_text(out / "runs_summary.csv") == reference().summary);
  CHECK(read_manifest(out / "manifest.yaml").fingerprint == sweep.fingerprint);
}

TEST_CASE("sweep runner: progress is reported up to the total") {
  const Sweep sweep = load_sweep(data_path("grid.yaml"));
  TempDir dir("progress");
  SweepOptions options;
  options.out = dir.path;
  options.threads = 2;
  SweepProgress last;
  int calls = 0;
  options.on_progress = [&](const SweepProgress& progress) {
    CHECK(progress.done >= last.done);
    last = progress;
    ++calls;
  };
  run_sweep(sweep, options);
  CHECK(calls >= 1);
  CHECK(last.done == 18);
  CHECK(last.total == 18);
  CHECK(last.runs_per_s > 0.0);
}

TEST_CASE("sweep runner: values valid alone but not together stop the sweep, naming the run") {
  const Sweep sweep = load_sweep(data_path("conflict.yaml"));
  TempDir dir("conflict");
  std::vector<std::string> reported;
  try {
    run_into(sweep, dir.path, 1);
  } catch (const InputError& error) {
    for (const Diagnostic& diagnostic : error.diagnostics())
      reported.push_back(diagnostic.format());
  }
  REQUIRE(reported.size() == 2);
  CHECK(reported[0] ==
        "sweep parameter planner.orders[0].order_date:1:30: planner.orders[0].order_date: "
        "expected a date within the horizon (ending 2026-01-01), found 2026-06-01");
  CHECK(reported[1] == data_path("conflict.yaml") +
                           ": run 3 (point 3: scenario.end = \"2026-01-01\", "
                           "planner.orders[0].order_date = \"2026-06-01\") does not load: "
                           "expected values that are valid together");
  // The runs before it are kept for a resume; runs.csv is not written.
  CHECK(count_lines(read_text(dir.path / "journal.csv")) == 4);
  CHECK_FALSE(fs::exists(dir.path / "runs.csv"));
}

TEST_CASE("sweep runner: a sweep without parameters runs its replications") {
  TempDir dir("no_parameters");
  fs::create_directories(dir.path);
  write_text(dir.path / "sweep.yaml", "base: " + data_path("base.yaml") +
                                          "\nreplications: 4\nparameters: []\n"
                                          "collect: [\"gpus.*\", \"*seed*\"]\n");
  const Sweep sweep = load_sweep((dir.path / "sweep.yaml").string(), test::test_load_options());
  REQUIRE(sweep.points.size() == 1);
  run_into(sweep, dir.path / "out", 2);
  const std::string runs = read_text(dir.path / "out/runs.csv");
  // "*seed*" matches the scenario's seed figure, which runs.csv has already: skipped, not twice.
  CHECK(runs.rfind("run_id,point,replication,seed,gpus.ordered,gpus.delivered,", 0) == 0);
  CHECK(count_lines(runs) == 5);
  CHECK(count_lines(read_text(dir.path / "out/runs_summary.csv")) == 2);
}

TEST_CASE("sweep runner: a run without a figure run 0 has stops the sweep with its name") {
  TempDir dir("missing_figure");
  fs::create_directories(dir.path);
  write_text(dir.path / "sweep.yaml",
             "base: " + data_path("base.yaml") +
                 "\nparameters:\n  - path: scenario.end\n    values: [2028-01-01, 2027-01-01]\n"
                 "collect: [\"fleet_at[*].gpus_installed\"]\n");
  const Sweep sweep = load_sweep((dir.path / "sweep.yaml").string(), test::test_load_options());
  CHECK_THROWS_WITH_AS(run_into(sweep, dir.path / "out", 1),
                       "run 1 (point 1, replication 0) has no summary figure "
                       "'fleet_at[2028-01-01].gpus_installed', which run 0 has: does a parameter "
                       "change the horizon, the services or the tenants?",
                       SweepError);
}

TEST_CASE("sweep runner: a folder another process is writing is refused, and left alone") {
  const Sweep sweep = load_sweep(data_path("grid.yaml"));
  TempDir dir("locked");
  fs::create_directories(dir.path);
  // Another capsim sweep holds the folder's lock.
  const int fd = ::open((dir.path / ".lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
  REQUIRE(fd >= 0);
  REQUIRE(::flock(fd, LOCK_EX | LOCK_NB) == 0);
  CHECK_THROWS_WITH_AS(
      run_into(sweep, dir.path, 2),
      ("another capsim sweep is writing '" + dir.path.string() + "' (its lock " +
       (dir.path / ".lock").string() + " is held); wait for it or use another --out")
          .c_str(),
      SweepError);
  CHECK_THROWS_AS(run_into(sweep, dir.path, 2, {}, true), SweepError);  // --restart too
  CHECK_FALSE(fs::exists(dir.path / "journal.csv"));
  CHECK_FALSE(fs::exists(dir.path / "runs.csv"));
  ::close(fd);
  // Once it is gone, the folder is free.
  CHECK(run_into(sweep, dir.path, 2).runs == 18);
  CHECK(read_text(dir.path / "runs.csv") == reference().runs);
}

TEST_CASE("sweep runner: --restart with a collect that matches nothing deletes nothing") {
  const Sweep grid = load_sweep(data_path("grid.yaml"));
  const Sweep bad = load_sweep(
      (fs::path(CAPSIM_SOURCE_DIR) / "tests/sweep/bad/24-collect-glob-matches-nothing.yaml")
          .string(),
      test::test_load_options());
  TempDir dir("restart-bad-collect");
  run_into(grid, dir.path, 2);
  CHECK_THROWS_AS(run_into(bad, dir.path, 1, {}, true), InputError);
  CHECK(read_text(dir.path / "runs.csv") == reference().runs);
  CHECK(fs::exists(dir.path / "manifest.yaml"));
  CHECK(fs::exists(dir.path / "journal.csv"));
}

TEST_CASE("sweep runner: a figure that is not a finite number is a SweepError naming the run") {
  const Sweep sweep = load_sweep(data_path("grid.yaml"));
  const std::vector<output::SummaryFigure> produced{{"totals.capex_usd", std::nan("")}};
  CHECK_THROWS_WITH_AS(format_run_row(sweep, 4, produced, {"totals.capex_usd"}),
                       "run 4 (point 1, replication 1): expected a finite number for summary "
                       "figure 'totals.capex_usd', found nan: leave it out of collect, or change "
                       "the values that produce it",
                       SweepError);
}

TEST_CASE("sweep runner: merge checks every field of a shard's rows, naming file:line") {
  const Sweep sweep = load_sweep(data_path("grid.yaml"));
  TempDir root("merge-rows");
  std::vector<fs::path> shards;
  for (std::uint64_t k = 1; k <= 2; ++k) {
    shards.push_back(root.path / ("shard" + std::to_string(k)));
    run_into(sweep, shards.back(), 1, Shard{k, 2});
  }
  const fs::path runs = shards[1] / "runs.csv";
  const std::string original = read_text(runs);
  // Line 3 of shard 2/2 is run 3: point 1, replication 0.
  const std::size_t start = original.find('\n', original.find('\n') + 1) + 1;
  const std::size_t end = original.find('\n', start);
  const std::string line = original.substr(start, end - start);
  std::vector<std::string> fields;
  REQUIRE(split_csv_line(line, fields));
  REQUIRE(fields[0] == "3");
  const auto with_line = [&](const std::string& replacement) {
    write_text(runs, original.substr(0, start) + replacement + original.substr(end));
  };
  const auto joined = [](const std::vector<std::string>& cells) {
    std::string text;
    for (std::size_t i = 0; i < cells.size(); ++i)
      text += (i > 0 ? "," : "") + cells[i];
    return text;
  };
  const std::string where = "merge: " + runs.string() + ":3: expected ";
  const std::string advice =
      "; that shard's runs.csv was edited or damaged: run the shard again (with --restart) "
      "before merging";
  SUBCASE("a short row") {
    with_line("3,1,0");
    CHECK_THROWS_WITH_AS(
        merge_shards(shards, root.path / "merged"),
        (where + "a row of " + std::to_string(fields.size()) + " fields, found 3" + advice).c_str(),
        SweepError);
  }
  SUBCASE("a figure that is not a number") {
    std::vector<std::string> edited = fields;
    edited.back() = "nan";
    with_line(joined(edited));
    std::vector<std::string> header;
    REQUIRE(split_csv_line(original.substr(0, original.find('\n')), header));
    CHECK_THROWS_WITH_AS(merge_shards(shards, root.path / "merged"),
                         (where + "a finite number for figure '" + header.back() +
                          "' of run 3, found \"nan\"" + advice)
                             .c_str(),
                         SweepError);
  }
  SUBCASE("an edited seed") {
    std::vector<std::string> edited = fields;
    edited[5] = "12345";
    with_line(joined(edited));
    CHECK_THROWS_WITH_AS(merge_shards(shards, root.path / "merged"),
                         (where + "seed " + std::to_string(sweep.seed_of(1, 0)) +
                          " for run 3 (derived from the sweep's seed 11), found \"12345\"" + advice)
                             .c_str(),
                         SweepError);
  }
  SUBCASE("an edited point") {
    std::vector<std::string> edited = fields;
    edited[1] = "2";
    with_line(joined(edited));
    CHECK_THROWS_WITH_AS(merge_shards(shards, root.path / "merged"),
                         (where +
                          "point 1 and replication 0 for run 3, found point \"2\" and "
                          "replication \"0\"" +
                          advice)
                             .c_str(),
                         SweepError);
  }
  CHECK_FALSE(fs::exists(root.path / "merged"));
}

}  // namespace
}  // namespace capsim::sweep
