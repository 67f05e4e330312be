// Loads a generated scenario with 1,000 clusters and 10,000 explicit training jobs, and
// reports the median load time beside the time to only parse the same file into a tree (the
// baseline, in the same process): what validation, the catalog and cross-checks cost on top.
//
// usage: loader_bench [--clusters N] [--jobs N] [--runs R]
// CAPSIM_KEEP_BENCH_FILE=1 keeps the generated scenario (in the temp directory) for profiling.

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "capsim/scenario/loader.hpp"

namespace {

using Clock = std::chrono::steady_clock;

std::string generate(int clusters, int jobs) {
  std::string text =
      "scenario: {name: loader-bench, start: 2025-01-01, horizon: \"5 y\"}\n"
      "sites:\n";
  const int sites = std::max(1, clusters / 10);
  for (int s = 0; s < sites; ++s) {
    text += fmt::format("  - {{name: site-{}, it_power_cap: \"1 GW\", pue: 1.2}}\n", s);
  }
  text += "clusters:\n";
  for (int c = 0; c < clusters; ++c) {
    text += fmt::format(
        "  - {{name: cluster-{}, site: site-{}, accelerator: H100-SXM, gpus: 4096, "
        "online: 2025-{:02d}-01, fabric: {{nodes_per_leaf: 32, link_bandwidth: \"400 Gb/s\"}}}}\n",
        c, c % sites, c % 12 + 1);
  }
  text += "training:\n  policy: easy_backfill\n  jobs:\n";
  for (int j = 0; j < jobs; ++j) {
    text += fmt::format(
        "    - {{name: job-{}, submit: 2025-{:02d}-{:02d}, flops: \"{}e21 FLOP\", gpus: {}, "
        "base_mfu: \"38%\", checkpoint_interval: \"2 h\"{}}}\n",
        j, j % 12 + 1, j % 28 + 1, j % 97 + 1, 8 << (j % 8),
        j > 0 && j % 10 == 0 ? fmt::format(", after: [job-{}]", j - 1) : "");
  }
  return text;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  int clusters = 1000, jobs = 10000, runs = 5;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--clusters") == 0) {
      clusters = std::atoi(argv[i + 1]);
    } else if (std::strcmp(argv[i], "--jobs") == 0) {
      jobs = std::atoi(argv[i + 1]);
    } else if (std::strcmp(argv[i], "--runs") == 0) {
      runs = std::atoi(argv[i + 1]);
    } else {
      fmt::print(stderr, "usage: loader_bench [--clusters N] [--jobs N] [--runs R]\n");
      return 2;
    }
  }
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() / "capsim_loader_bench.yaml";
  const std::string text = generate(clusters, jobs);
  std::ofstream(path, std::ios::binary) << text;

  std::vector<double> parse_s, load_s;
  std::size_t loaded_jobs = 0;
  for (int run = 0; run < runs; ++run) {
    auto start = Clock::now();
    capsim::Diagnostics diagnostics;
    const capsim::scenario::ConfigNode tree =
        capsim::scenario::parse_yaml_file(path.string(), diagnostics);
    parse_s.push_back(std::chrono::duration<double>(Clock::now() - start).count());
    start = Clock::now();
    const capsim::Scenario scenario = capsim::scenario::load_scenario(path.string());
    load_s.push_back(std::chrono::duration<double>(Clock::now() - start).count());
    loaded_jobs = scenario.training.jobs.size() + (tree.is_mapping() ? 0 : 1);
  }
  if (std::getenv("CAPSIM_KEEP_BENCH_FILE") == nullptr)
    std::filesystem::remove(path);
  fmt::print("scenario of {} clusters and {} jobs ({:.1f} MB), median of {} runs\n", clusters,
             loaded_jobs, static_cast<double>(text.size()) / 1e6, runs);
  fmt::print("parse to tree (baseline): {:8.1f} ms\n", median(parse_s) * 1e3);
  fmt::print("full load and validate:   {:8.1f} ms   ratio {:.2f}\n", median(load_s) * 1e3,
             median(load_s) / median(parse_s));
  return 0;
}
