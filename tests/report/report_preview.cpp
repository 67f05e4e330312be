// A developer's tool, not a test: writes every shipped scenario's run files and its run report
// into a folder (build/report-preview/<scenario>/report.html beside the CSVs, so that
// tests/browser/check_report.py can check the numbers shown) to open in a browser or screenshot
// with headless Chromium. Scenarios with uncertain inputs also run 50 replications, so their
// reports show fan charts. Usage: report_preview SOURCE_DIR OUT_DIR
#include <chrono>
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
    const fs::path folder = out_dir / path.stem();
    capsim::report::RunReportExtras extras;
    capsim::output::RunExtras run_extras;
    if (!study.scenario.inputs.empty()) {
      const std::vector<capsim::study::Replication> reps =
          capsim::study::run_replications(study, options);
      extras.quantiles = capsim::study::timeseries_quantiles(study.layout, reps);
      extras.replications = reps.size();
      run_extras.files.emplace_back("timeseries_quantiles.csv",
                                    capsim::study::timeseries_quantiles_csv(
                                        capsim::study::timeseries_quantiles(study.layout, reps)));
    }
    for (const fs::path& written :
         capsim::output::write_run(folder, study.scenario.nominal, study.nominal_run, run_extras))
      extras.files.push_back(written.filename().string());
    const auto began = std::chrono::steady_clock::now();
    const std::string html =
        capsim::report::run_report_html(study.scenario.nominal, study.nominal_run, extras);
    const std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - began;
    const fs::path file = folder / "report.html";
    std::ofstream(file, std::ios::binary) << html;
    std::cout << file.string() << " " << html.size() << " bytes in " << took.count() << " ms\n";
  }
  return 0;
}
