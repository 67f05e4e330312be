#pragma once
/// The report of one run, report.html (docs/outputs.md): headline cards and the fleet, power,
/// money, construction, training, serving, uncertainty and inputs sections, each chart drawn
/// from the run's results with report/svg_chart.hpp. Numbers shown that equal a value of
/// summary.json or timeseries.csv carry the contract's `num` span. Reads only the scenario and
/// the run: it writes no file (write_run and the CLI decide where the page goes).

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "capsim/model/capacity_model.hpp"
#include "capsim/study/monte_carlo_report.hpp"

namespace capsim::report {

/// What a report adds beyond the nominal run.
struct RunReportExtras {
  /// The files written beside the report (timeseries.csv, ...), linked from the inputs.
  std::vector<std::string> files;
  /// With replications: the timeseries' quantiles over them, drawn as fan charts.
  std::optional<study::TimeseriesQuantiles> quantiles;
  std::size_t replications = 0;
};

/// The whole page: deterministic (the same run gives the same bytes) and self-contained.
std::string run_report_html(const Scenario& scenario, const CapacityRun& run,
                            const RunReportExtras& extras = {});

}  // namespace capsim::report
