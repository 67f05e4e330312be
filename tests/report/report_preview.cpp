// A developer's tool, not a test: writes the run report of every shipped scenario into a
// folder (build/report-preview/<scenario>.html) to open in a browser or screenshot with
// headless Chromium. Scenarios with uncertain inputs also run 50 replications, so their
// reports show fan charts. Usage: report_preview SOURCE_DIR OUT_DIR
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>

#include "capsim/model/capacity_model.hpp"
#include "capsim/output/capacity_report.hpp"
#include "capsim/report/run_report.hpp"
#include "capsim/study/monte_carlo.hpp"
#include "capsim/study/monte_carlo_report.hpp"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: report_preview SOURCE_DIR OUT_DIR\n";
    return 2;
  }
  namespace fs = std::filesystem;
  const fs::path out_dir = argv[2];
  fs::create_directories(out_dir);
  std::set<fs::path> scenarios;
  for (const fs::directory_entry& entry : fs::directory_iterator(fs::path(argv[1]) / "scenarios")) {
    if (entry.path().extension() == ".yaml")
      scenarios.insert(entry.path());
  }
  for (const fs::path& path : scenarios) {
    capsim::study::MonteCarloOptions options;
    options.replications = 50;
    options.threads = 2;
    const capsim::study::MonteCarloStudy study =
        capsim::study::prepare_study(path.string(), {}, options);
    capsim::report::RunReportExtras extras;
    for (const std::string_view name : capsim::output::run_file_names())
      extras.files.emplace_back(name);
    if (!study.scenario.inputs.empty()) {
      const std::vector<capsim::study::Replication> reps =
          capsim::study::run_replications(study, options);
      extras.quantiles = capsim::study::timeseries_quantiles(study.layout, reps);
      extras.replications = reps.size();
    }
    const std::string html =
        capsim::report::run_report_html(study.scenario.nominal, study.nominal_run, extras);
    const fs::path file = out_dir / (path.stem().string() + ".html");
    std::ofstream(file, std::ios::binary) << html;
    std::cout << file.string() << " " << html.size() << " bytes\n";
  }
  return 0;
}
