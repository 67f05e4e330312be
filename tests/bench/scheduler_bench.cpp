// Gang scheduling at fleet scale: 100,000 jobs over 5 years on a 100,000-GPU fleet (ten
// clusters of 10,000), shaped like public GPU cluster traces (lognormal sizes and durations).
// Reports the wall time of FIFO and of EASY backfill, and EASY's cost as a ratio of FIFO's,
// both measured in this process (medians of 3 runs).
//
// usage: scheduler_bench [--jobs N] [--runs R]

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <fmt/format.h>

#include "capsim/engine/random.hpp"
#include "capsim/model/training/gang_scheduler.hpp"

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

}  // namespace

int main(int argc, char** argv) {
  std::size_t count = 100'000;
  int runs = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--jobs") == 0) {
      count = std::strtoull(argv[i + 1], nullptr, 10);
    } else if (std::strcmp(argv[i], "--runs") == 0) {
      runs = std::atoi(argv[i + 1]);
    } else {
      fmt::print(stderr, "usage: scheduler_bench [--jobs N] [--runs R]\n");
      return 2;
    }
  }
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
