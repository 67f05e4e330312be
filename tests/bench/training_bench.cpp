// The capacity model with a training workload at fleet scale: tests/bench/fleet-100k-jobs.yaml
// (100,000 jobs over 5 years on 100,000 GPUs). Reports the median wall time of the whole run
// beside the same fleet without its training jobs (the baseline, in the same process), and the
// ratio: what scheduling and simulating every job's run costs.
//
// usage: training_bench [--runs R] [SCENARIO]

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "capsim/model/capacity_model.hpp"
#include "capsim/scenario/loader.hpp"

namespace {

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

double seconds_to_run(const capsim::Scenario& scenario, std::int64_t& jobs) {
  const auto start = std::chrono::steady_clock::now();
  const capsim::CapacityRun run = capsim::run_capacity(scenario);
  jobs = run.training.jobs;
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 3;
  std::string path = std::string(CAPSIM_SOURCE_DIR) + "/tests/bench/fleet-100k-jobs.yaml";
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--runs") == 0 && i + 1 < argc) {
      runs = std::atoi(argv[++i]);
    } else {
      path = argv[i];
    }
  }
  const capsim::Scenario with_training = capsim::scenario::load_scenario(path);
  capsim::Scenario without = with_training;
  without.training = capsim::TrainingSpec{};
  std::vector<double> full, baseline;
  std::int64_t jobs = 0, no_jobs = 0;
  for (int run = 0; run < runs; ++run) {
    baseline.push_back(seconds_to_run(without, no_jobs));
    full.push_back(seconds_to_run(with_training, jobs));
  }
  fmt::print("{}: {} training jobs, median of {} runs\n", path, jobs, runs);
  fmt::print("fleet without training (baseline): {:8.3f} s\n", median(baseline));
  fmt::print("fleet with training:               {:8.3f} s   ratio {:.1f}\n", median(full),
             median(full) / median(baseline));
  return 0;
}
