// jobs.csv streamed as jobs complete (capsim run) is the file the run's collected rows make,
// byte for byte, and nothing reaches the target until the set is published.

#include <doctest/doctest.h>

#include <filesystem>
#include <memory>

#include "../scratch_folder.hpp"
#include "capsim/model/capacity_model.hpp"
#include "capsim/output/atomic_file.hpp"
#include "capsim/output/capacity_report.hpp"
#include "capsim/output/progress_line.hpp"
#include "capsim/scenario/loader.hpp"

namespace capsim::output {
namespace {

namespace fs = std::filesystem;

Scenario shipped(const char* name) {
  return scenario::load_scenario((fs::path(CAPSIM_SOURCE_DIR) / "scenarios" / name).string());
}

/// A run whose jobs.csv rows go to `folder`/jobs.csv as capsim run streams them.
struct StreamedRun {
  StreamedRun(const Scenario& scenario, const fs::path& folder)
      : stream(folder / "jobs.csv", Calendar(scenario.scenario.start),
               scenario.scenario.end_tick()),
        run(run_capacity(scenario, {}, FailureEvents::when_observed, observers_of(stream))) {}
  static RunObservers observers_of(JobsCsvStream& stream) {
    RunObservers observers;
    observers.jobs = &stream;
    return observers;
  }
  /// Publishes the run's files with the streamed jobs.csv.
  void write(const Scenario& scenario, const fs::path& folder) {
    RunExtras extras;
    extras.jobs_stream = &stream;
    write_run(folder, scenario, run, extras);
  }
  JobsCsvStream stream;
  CapacityRun run;
};

TEST_CASE("jobs.csv: the streamed file is the collected rows' file, published only with the set") {
  // The pool over a year: 8,365 jobs, most completing, the rest queued at the end.
  const Scenario scenario = shipped("gpu-pool-oversubscribed.yaml");
  const CapacityRun collected = run_capacity(scenario);
  REQUIRE(collected.jobs.size() == 8365);
  const std::string expected =
      jobs_csv(collected.jobs, collected.training.failure_causes, Calendar(scenario.scenario.start),
               scenario.scenario.end_tick());

  test::ScratchFolder folder("jobs_stream");
  StreamedRun streaming(scenario, folder.path());
  const CapacityRun& streamed = streaming.run;
  CHECK(streamed.jobs.empty());  // the rows went to the file, none kept
  CHECK(streamed.job_starts.size() == collected.job_starts.size());
  CHECK(streamed.summary.cost_per_gpu_hour_usd == collected.summary.cost_per_gpu_hour_usd);
  CHECK_FALSE(fs::exists(folder.path() / "jobs.csv"));  // only its temporary so far
  streaming.write(scenario, folder.path());
  CHECK(test::read_file(folder.path() / "jobs.csv") == expected);
  // Completed jobs come first, in the order they completed; the first row is the first to end.
  CHECK(collected.jobs.front().status == "completed");
  CHECK(collected.jobs.back().status != "completed");
}

TEST_CASE("jobs.csv: a run without training jobs writes none, and the stream leaves nothing") {
  const Scenario scenario = shipped("meta-2025-60b.yaml");
  test::ScratchFolder folder("jobs_stream_none");
  StreamedRun(scenario, folder.path()).write(scenario, folder.path());
  CHECK_FALSE(fs::exists(folder.path() / "jobs.csv"));
  CHECK(fs::exists(folder.path() / "summary.json"));
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(folder.path()))
    ++files;
  // timeseries (fleet, sites, clusters), yearly, buildout, summary: no temporary left behind
  CHECK(files == 6);
}

TEST_CASE("progress line: shown past 2 s, redrawn at most 4 times a second, cleared at the end") {
  char* text = nullptr;
  std::size_t size = 0;
  std::FILE* terminal = ::open_memstream(&text, &size);
  REQUIRE(terminal != nullptr);
  // A 10-year horizon from 2025-01-01.
  const Calendar calendar(Date{2025, 1, 1});
  const Tick end = calendar.tick_of(Date{2035, 1, 1});
  RunProgressLine line(terminal, calendar, 0, end);
  line.update(end / 10, 1'000'000, 1.5);  // before 2 s: nothing
  std::fflush(terminal);
  CHECK(size == 0);
  // A quarter of the horizon (3,653 days / 4 = 913.25 days: 2027-07-03) in 2.5 s: 3,000,000 events,
  // 1,200,000 a second; three quarters left at that pace take 7.5 s.
  line.update(end / 4, 3'000'000, 2.5);
  line.update(end / 4 + 1, 3'000'100, 2.6);  // 0.1 s later: not redrawn
  line.finish();
  std::fclose(terminal);
  const std::string drawn(text, size);
  std::free(text);
  CHECK(drawn ==
        "\rsimulated 2027-07-03 · 1,200,000 events/s · 0:08 left\x1b[K"
        "\r\x1b[K");
  CHECK(clock_text(7.5) == "0:08");
  CHECK(clock_text(3725) == "1:02:05");
}

}  // namespace
}  // namespace capsim::output
