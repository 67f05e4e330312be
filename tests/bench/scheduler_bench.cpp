// The scheduler on deep backlogs (issue 17), in three parts:
//
// 1. The oversubscribed pool (scenarios/gpu-pool-oversubscribed.yaml) over 1, 2, 5 and 10
//    years: its queue only grows (72,000 jobs waiting after 5 years, 920,000 after 10). Each
//    horizon runs in a child process, so that its peak memory is its own, and writes its files
//    as capsim run --out does (jobs.csv streamed); reported: the CPU time of the run (load and
//    file writing aside), the time per job, and the ratio t(10 y) / t(1 y) against the
//    ratio of jobs. A scheduling pass that cost the same whatever the backlog keeps the time per
//    job flat.
// 2. scenarios/scale/million-jobs.yaml: 1,000,000 jobs over 10 years on 100,000 GPUs with a
//    backlog past 50,000, 100 inference services and a demand planner: wall and CPU time, and
//    peak memory (the child's maximum resident set).
// 3. Gang scheduling alone at fleet scale: 100,000 synthetic jobs over 5 years on ten clusters
//    of 10,000 GPUs, shaped like public GPU cluster traces (lognormal sizes and durations):
//    FIFO and EASY backfill, EASY's cost as a ratio of FIFO's (medians of R runs).
//
// Times are CPU times of the measured thread (the machine is shared), medians of R runs.
//
// usage: scheduler_bench [--jobs N] [--runs R] [--skip-scale]

#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <vector>

#include <fmt/format.h>

#include "capsim/engine/random.hpp"
#include "capsim/model/capacity_model.hpp"
#include "capsim/model/training/gang_scheduler.hpp"
#include "capsim/output/capacity_report.hpp"
#include "capsim/scenario/loader.hpp"

namespace {

std::vector<capsim::GangJob> workload(std::size_t count) {
  capsim::RandomStream random(2025, 0, "scheduler-bench");
  const double horizon_s = 5 * capsim::kSecondsPerYear;
  const double mean_gap_s = horizon_s / static_cast<double>(count);
  std::vector<capsim::GangJob> jobs;
  double now_s = 0.0;
  for (std::size_t i = 0; i < count; ++i) {
    now_s += random.exponential(1.0 / mean_gap_s);
    capsim::GangJob job;
    job.submit = capsim::ticks_from_seconds(now_s);
    // Sizes 8 to 8,192 GPUs around a median of 64; durations around a median of 60 hours:
    // an offered load of about 70% of the fleet.
    job.gpus = std::clamp<std::int64_t>(
        8 * static_cast<std::int64_t>(std::ceil(random.lognormal(std::log(8.0), 1.6))), 8, 8192);
    job.duration = capsim::ticks_from_seconds(random.lognormal(std::log(60 * 3600.0), 1.3));
    jobs.push_back(job);
  }
  return jobs;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

double cpu_seconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

/// What a child process measured of one run.
struct Measured {
  double run_cpu_s = 0.0;
  double wall_s = 0.0;
  long peak_rss_kb = 0;
  std::int64_t jobs = 0;
  std::int64_t queued_at_end = 0;
  std::uint64_t events = 0;
};

/// Loads and runs a scenario in a child process (past the work ceilings), so that the peak
/// memory reported is that run's alone.
Measured run_in_child(const std::string& path, const std::vector<std::string>& sets) {
  int pipe_ends[2];
  if (::pipe(pipe_ends) != 0)
    std::exit(2);
  const auto wall_start = std::chrono::steady_clock::now();
  const pid_t child = ::fork();
  if (child == 0) {
    ::close(pipe_ends[0]);
    const capsim::Scenario scenario =
        capsim::scenario::load_scenario(path, sets, capsim::scenario::LoadOptions{true, {}});
    // As capsim run --out does: jobs.csv streamed as jobs complete, then the files written.
    char folder_template[] = "/tmp/scheduler_bench.XXXXXX";
    const std::filesystem::path folder = ::mkdtemp(folder_template);
    capsim::output::JobsCsvStream jobs_csv(folder / "jobs.csv",
                                           capsim::Calendar(scenario.scenario.start),
                                           scenario.scenario.end_tick());
    capsim::RunObservers observers;
    observers.jobs = &jobs_csv;
    Measured measured;
    const double start = cpu_seconds();
    const capsim::CapacityRun run = capsim::run_capacity(
        scenario, std::nullopt, capsim::FailureEvents::when_observed, observers);
    measured.run_cpu_s = cpu_seconds() - start;
    capsim::output::RunExtras extras;
    extras.jobs_stream = &jobs_csv;
    capsim::output::write_run(folder, scenario, run, extras);
    std::filesystem::remove_all(folder);
    measured.jobs = run.training.jobs;
    measured.queued_at_end = run.training.queued_at_end;
    measured.events = run.events;
    const bool sent = ::write(pipe_ends[1], &measured, sizeof measured) == sizeof measured;
    ::_exit(sent ? 0 : 1);
  }
  ::close(pipe_ends[1]);
  Measured measured;
  const bool received = ::read(pipe_ends[0], &measured, sizeof measured) == sizeof measured;
  ::close(pipe_ends[0]);
  int status = 0;
  rusage usage{};
  ::wait4(child, &status, 0, &usage);
  if (!received || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    fmt::print(stderr, "scheduler_bench: the run of {} failed\n", path);
    std::exit(1);
  }
  measured.wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  measured.peak_rss_kb = usage.ru_maxrss;
  return measured;
}

void pool_over_years(int runs) {
  const std::string pool =
      std::string(CAPSIM_SOURCE_DIR) + "/scenarios/gpu-pool-oversubscribed.yaml";
  fmt::print("The oversubscribed pool (4,096 GPUs), by horizon; run CPU time, median of {}:\n",
             runs);
  fmt::print("{:>6} {:>9} {:>9} {:>10} {:>12} {:>10} {:>10}\n", "years", "jobs", "waiting", "run s",
             "us per job", "vs 1 y", "peak MB");
  double first_s = 0.0, first_jobs = 0.0;
  for (const int years : {1, 2, 5, 10}) {
    std::vector<double> times;
    Measured last;
    for (int run = 0; run < runs; ++run) {
      last = run_in_child(pool, {fmt::format("scenario.end={}-01-01", 2025 + years)});
      times.push_back(last.run_cpu_s);
    }
    const double seconds = median(times);
    const auto jobs = static_cast<double>(last.jobs);
    if (years == 1) {
      first_s = seconds;
      first_jobs = jobs;
    }
    fmt::print("{:>6} {:>9} {:>9} {:>10.3f} {:>12.2f} {:>9.2f}x {:>10.0f}\n", years, last.jobs,
               last.queued_at_end, seconds, seconds / jobs * 1e6,
               (seconds / jobs) / (first_s / first_jobs), last.peak_rss_kb / 1024.0);
    if (years == 10) {
      fmt::print(
          "t(10 y) / t(1 y) = {:.1f} for {:.1f}x the jobs: the cost per job grew {:.2f}x "
          "(at most 1.5x holds: {})\n",
          seconds / first_s, jobs / first_jobs, (seconds / jobs) / (first_s / first_jobs),
          (seconds / jobs) / (first_s / first_jobs) <= 1.5 ? "yes" : "no");
    }
  }
}

void million_jobs() {
  const std::string path = std::string(CAPSIM_SOURCE_DIR) + "/scenarios/scale/million-jobs.yaml";
  const Measured m = run_in_child(path, {});
  fmt::print("\nscenarios/scale/million-jobs.yaml: {} jobs, {} waiting at the end, {} events\n",
             m.jobs, m.queued_at_end, m.events);
  fmt::print(
      "  run {:.1f} s CPU; {:.1f} s wall with the load and the files; peak memory {:.0f} MB\n",
      m.run_cpu_s, m.wall_s, m.peak_rss_kb / 1024.0);
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t count = 100'000;
  int runs = 3;
  bool scale = true;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--jobs") == 0 && i + 1 < argc) {
      count = std::strtoull(argv[++i], nullptr, 10);
    } else if (std::strcmp(argv[i], "--runs") == 0 && i + 1 < argc) {
      runs = std::max(1, std::atoi(argv[++i]));
    } else if (std::strcmp(argv[i], "--skip-scale") == 0) {
      scale = false;
    } else {
      fmt::print(stderr, "usage: scheduler_bench [--jobs N] [--runs R] [--skip-scale]\n");
      return 2;
    }
  }
  pool_over_years(runs);
  if (scale)
    million_jobs();
  fmt::print("\nGang scheduling alone, synthetic trace:\n");
  const std::vector<capsim::GangJob> jobs = workload(count);
  const std::vector<std::int64_t> clusters(10, 10'000);
  fmt::print("{} jobs over 5 years on {} GPUs, median of {} runs\n", count, 100'000, runs);
  double fifo_s = 0.0;
  for (const capsim::SchedulerPolicy policy :
       {capsim::SchedulerPolicy::fifo, capsim::SchedulerPolicy::easy_backfill}) {
    capsim::GangSchedulerOptions options;
    options.policy = policy;
    std::vector<double> times;
    double mean_wait_h = 0.0;
    for (int run = 0; run < runs; ++run) {
      const auto start = std::chrono::steady_clock::now();
      const auto outcomes = capsim::schedule_gang_jobs(clusters, jobs, options);
      times.push_back(
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
      double sum = 0.0;
      for (std::size_t i = 0; i < jobs.size(); ++i) {
        sum += capsim::seconds_from_ticks(*outcomes[i].start - jobs[i].submit);
      }
      mean_wait_h = sum / static_cast<double>(jobs.size()) / 3600.0;
    }
    const double seconds = median(times);
    if (policy == capsim::SchedulerPolicy::fifo)
      fifo_s = seconds;
    fmt::print("{:<14} {:8.3f} s   ratio to FIFO {:5.2f}   mean wait {:8.2f} h\n",
               policy == capsim::SchedulerPolicy::fifo ? "FIFO" : "EASY backfill", seconds,
               seconds / fifo_s, mean_wait_h);
  }
  return 0;
}
