// Sweep throughput and memory. Runs tests/bench/sweeps/sweep-bench.yaml (the flagship scenario at
// three budgets, 40 replications: 120 runs) alternately on one and on two threads in the same
// process, each from scratch (--restart) into a temporary folder, and reports the median
// runs/s of each and their ratio (target on a 2-core machine: >= 1.7). Then memory: the peak
// resident set (getrusage) after a 50-run sweep and after a 500-run sweep of the same file on
// two threads; a runner that kept results per run would grow between the two.
//
// usage: sweep_bench [--repeats R] [SWEEP]

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "capsim/sweep/sweep_runner.hpp"

namespace {

namespace fs = std::filesystem;

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

double runs_per_second(const capsim::sweep::Sweep& sweep, unsigned threads, const fs::path& out) {
  capsim::sweep::SweepOptions options;
  options.out = out;
  options.threads = threads;
  options.restart = true;
  const auto start = std::chrono::steady_clock::now();
  const capsim::sweep::SweepResult result = capsim::sweep::run_sweep(sweep, options);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return static_cast<double>(result.runs) / seconds;
}

double peak_rss_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux: KiB
}

}  // namespace

int main(int argc, char** argv) {
  int repeats = 5;
  std::string path = std::string(CAPSIM_SOURCE_DIR) + "/tests/bench/sweeps/sweep-bench.yaml";
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--repeats") == 0 && i + 1 < argc) {
      repeats = std::atoi(argv[++i]);
    } else {
      path = argv[i];
    }
  }
  const fs::path out = fs::temp_directory_path() / fmt::format("capsim_sweep_bench_{}", ::getpid());
  capsim::sweep::Sweep sweep = capsim::sweep::load_sweep(path);

  // Memory first, while the process is small: 50 runs, then 500.
  const double rss_start = peak_rss_mib();
  sweep.spec.replications = 50 / static_cast<std::int64_t>(sweep.points.size()) + 1;
  const auto small_runs = sweep.run_count();
  runs_per_second(sweep, 2, out);
  const double rss_small = peak_rss_mib();
  sweep.spec.replications = 500 / static_cast<std::int64_t>(sweep.points.size()) + 1;
  const auto large_runs = sweep.run_count();
  runs_per_second(sweep, 2, out);
  const double rss_large = peak_rss_mib();

  sweep = capsim::sweep::load_sweep(path);
  std::vector<double> one, two;
  for (int repeat = 0; repeat < repeats; ++repeat) {
    one.push_back(runs_per_second(sweep, 1, out));
    two.push_back(runs_per_second(sweep, 2, out));
  }
  fs::remove_all(out);

  fmt::print("{}: {} runs per sweep, median of {} sweeps each, {} hardware threads\n", path,
             sweep.run_count(), repeats, std::thread::hardware_concurrency());
  fmt::print("  -j1: {:8.1f} runs/s   (all: {:.1f})\n", median(one), fmt::join(one, ", "));
  fmt::print("  -j2: {:8.1f} runs/s   (all: {:.1f})\n", median(two), fmt::join(two, ", "));
  fmt::print("  ratio -j2 / -j1: {:.2f}  (target >= 1.7 on 2 idle cores)\n",
             median(two) / median(one));
  fmt::print(
      "  peak RSS: {:.1f} MiB at start, {:.1f} MiB after {} runs, {:.1f} MiB after {} runs "
      "(+{:.0f} KiB for {} more runs)\n",
      rss_start, rss_small, small_runs, rss_large, large_runs, (rss_large - rss_small) * 1024.0,
      large_runs - small_runs);
  return 0;
}
