// One simulated run of the flagship scenario (scenarios/meta-2025-60b.yaml), the unit of work a
// Monte Carlo projection repeats (issue 15: 1,000 replications in under 20 s on 2 cores, about
// 40 ms of CPU each, load included). The file is read once into a ScenarioSource; each run
// loads it (another seed per run, as replications do) and simulates it, timed apart. The
// baseline, in the same process and interleaved with it, is the same scenario with failures
// off: the ratio is what the ~366,000 GPU failures and their repairs cost on top of the rest
// of the model. The events are the last run's; the failures a mean over the runs' seeds (its
// standard error about sqrt(366,000 / R)), to check a change of method against the last one.
// Times are the thread's CPU time (the machine is shared: wall time would count other
// processes' turns); medians over runs.
//
// usage: flagship_bench [--runs R] [SCENARIO]

#include <time.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "capsim/model/capacity_model.hpp"
#include "capsim/scenario/loader.hpp"

namespace {

double cpu_seconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t middle = values.size() / 2;
  return values.size() % 2 ? values[middle] : (values[middle - 1] + values[middle]) / 2.0;
}

struct Timing {
  std::vector<double> load_s, run_s;
  std::uint64_t events = 0;
  std::vector<double> failures;  ///< per run: their mean over seeds checks a method change
};

/// Loads the source with `overrides` and a seed of its own, then simulates it.
void time_one_run(const capsim::scenario::ScenarioSource& source,
                  std::vector<capsim::scenario::Override> overrides, int seed, Timing& timing) {
  overrides.push_back({"scenario.seed", std::to_string(seed), "flagship_bench"});
  double start = cpu_seconds();
  const capsim::Scenario scenario = capsim::scenario::load_scenario(source, overrides);
  timing.load_s.push_back(cpu_seconds() - start);
  start = cpu_seconds();
  const capsim::CapacityRun run = capsim::run_capacity(scenario);
  timing.run_s.push_back(cpu_seconds() - start);
  timing.events = run.events;
  timing.failures.push_back(static_cast<double>(run.summary.gpu_failures));
}

double mean(const std::vector<double>& values) {
  double sum = 0.0;
  for (const double value : values)
    sum += value;
  return sum / static_cast<double>(values.size());
}

void print_row(const char* name, const Timing& timing) {
  fmt::print("{:<16} {:>10} {:>14.1f} {:>10.1f} {:>10.1f}\n", name, timing.events,
             mean(timing.failures), median(timing.load_s) * 1e3, median(timing.run_s) * 1e3);
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 21;
  std::string path = std::string(CAPSIM_SOURCE_DIR) + "/scenarios/meta-2025-60b.yaml";
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--runs") == 0 && i + 1 < argc) {
      runs = std::atoi(argv[++i]);
    } else if (argv[i][0] == '-') {
      fmt::print(stderr, "usage: flagship_bench [--runs R] [SCENARIO]\n");
      return 2;
    } else {
      path = argv[i];
    }
  }
  const capsim::scenario::ScenarioSource source = capsim::scenario::read_scenario_source(path);
  const std::vector<capsim::scenario::Override> no_failures = {
      {"failures.annual_failure_rate", "0%", "flagship_bench"}};
  Timing flagship, baseline;
  std::vector<double> ratios;
  for (int run = 0; run < runs; ++run) {
    time_one_run(source, {}, run + 1, flagship);
    time_one_run(source, no_failures, run + 1, baseline);
    ratios.push_back(flagship.run_s.back() / baseline.run_s.back());
  }
  fmt::print("{}: median of {} runs, one seed per run\n", path, runs);
  fmt::print("{:<16} {:>10} {:>10} {:>10} {:>10}\n", "", "events", "failures", "load ms", "run ms");
  print_row("flagship", flagship);
  print_row("no failures", baseline);
  fmt::print("run ratio flagship / no failures: {:.2f}\n", median(ratios));
  fmt::print("load + run per replication: {:.1f} ms (issue 15 budget: 40 ms)\n",
             (median(flagship.load_s) + median(flagship.run_s)) * 1e3);
  return 0;
}
