// The capacity model with its workloads at fleet scale: by default tests/bench/fleet-100k-jobs.yaml
// (100,000 training jobs over 5 years on 100,000 GPUs) and tests/bench/fleet-50-services.yaml
// (50 inference services sized hourly for a year). For each, the median wall time of the whole
// run beside the same fleet without its workloads (the baseline, in the same process), and the
// ratio: what scheduling, simulating every job's run and sizing every service-hour cost.
//
// usage: workload_bench [--runs R] [SCENARIO...]

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

double seconds_to_run(const capsim::Scenario& scenario) {
  const auto start = std::chrono::steady_clock::now();
  const capsim::CapacityRun run = capsim::run_capacity(scenario);
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 3;
  std::vector<std::string> paths;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--runs") == 0 && i + 1 < argc) {
      runs = std::atoi(argv[++i]);
    } else {
      paths.emplace_back(argv[i]);
    }
  }
  if (paths.empty()) {
    for (const char* name : {"fleet-100k-jobs.yaml", "fleet-50-services.yaml"}) {
      paths.push_back(std::string(CAPSIM_SOURCE_DIR) + "/tests/bench/" + name);
    }
  }
  for (const std::string& path : paths) {
    capsim::Scenario with_workloads;
    try {
      with_workloads = capsim::scenario::load_scenario(path);
    } catch (const capsim::InputError& error) {
      for (const capsim::Diagnostic& diagnostic : error.diagnostics())
        fmt::print(stderr, "{}\n", diagnostic.format());
      fmt::print(stderr, "usage: workload_bench [--runs N] [SCENARIO...]\n");
      return 2;
    }
    capsim::Scenario without = with_workloads;
    without.training = capsim::TrainingSpec{};
    without.inference = capsim::InferenceSpec{};
    std::vector<double> full, baseline;
    for (int run = 0; run < runs; ++run) {
      baseline.push_back(seconds_to_run(without));
      full.push_back(seconds_to_run(with_workloads));
    }
    fmt::print("{}: {} training jobs listed, {} services, median of {} runs\n", path,
               with_workloads.training.jobs.size(), with_workloads.inference.services.size(), runs);
    fmt::print("  fleet without workloads (baseline): {:8.3f} s\n", median(baseline));
    fmt::print("  fleet with workloads:               {:8.3f} s   ratio {:.1f}\n", median(full),
               median(full) / median(baseline));
  }
  return 0;
}
