// What report.html adds to a run (issue 16: under 50 ms for the flagship, and under 2 MB).
// Each round runs the flagship scenario (scenarios/meta-2025-60b.yaml), the baseline, then
// draws its report from the run, timed apart in the same process; the ratio is the report's
// cost against the run's. Times are the thread's CPU time (the machine is shared), medians
// over rounds.
//
// usage: report_bench [--runs R] [SCENARIO]

#include <time.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "capsim/model/capacity_model.hpp"
#include "capsim/report/run_report.hpp"
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

}  // namespace

int main(int argc, char** argv) {
  int runs = 11;
  std::string path = std::string(CAPSIM_SOURCE_DIR) + "/scenarios/meta-2025-60b.yaml";
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--runs") == 0 && i + 1 < argc) {
      runs = std::max(1, std::atoi(argv[++i]));
    } else {
      path = argv[i];
    }
  }
  const capsim::Scenario scenario = capsim::scenario::load_scenario(path);
  capsim::report::RunReportExtras extras;
  extras.files = {"timeseries.csv", "buildout.csv", "summary.json"};
  std::vector<double> run_s, report_s;
  std::size_t bytes = 0;
  for (int r = 0; r < runs; ++r) {
    double start = cpu_seconds();
    const capsim::CapacityRun run = capsim::run_capacity(scenario);
    run_s.push_back(cpu_seconds() - start);
    start = cpu_seconds();
    const std::string html = capsim::report::run_report_html(scenario, run, extras);
    report_s.push_back(cpu_seconds() - start);
    bytes = html.size();
  }
  fmt::print("{}: {} rounds\n", path, runs);
  fmt::print("run (baseline)   {:>8.2f} ms\n", median(run_s) * 1e3);
  fmt::print("report.html      {:>8.2f} ms  ({:.3f} of the run), {} bytes\n",
             median(report_s) * 1e3, median(report_s) / median(run_s), bytes);
  return 0;
}
