#pragma once
/// A run as `capsim run --out` makes it, kept in memory: the files it writes, as text. The
/// command line writes them; the Python module hands them to pandas. One code path, so both
/// hold the same bytes.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "capsim/output/capacity_report.hpp"
#include "capsim/scenario/loader.hpp"
#include "capsim/study/monte_carlo.hpp"
#include "capsim/study/monte_carlo_report.hpp"
#include "capsim/study/uncertainty_drivers.hpp"

namespace capsim::study {

/// Everything a Monte Carlo study computes from its replications for its outputs.
struct MonteCarloResults {
  std::vector<Replication> replications;
  std::vector<FigureDistribution> distributions;
  RiskFigures risk;
  Drivers drivers;
  TimeseriesQuantiles quantiles;
};

/// The distributions, risks, drivers (with a tornado run) and quantiles of `replications`.
MonteCarloResults monte_carlo_results(const MonteCarloStudy& study,
                                      const MonteCarloOptions& options,
                                      std::vector<Replication> replications);

/// What a study adds to its nominal run's files: timeseries_quantiles.csv, replications.csv,
/// drivers.csv and summary.json's monte_carlo members. `results` must outlive the extras.
output::RunExtras monte_carlo_extras(const MonteCarloStudy& study,
                                     const MonteCarloResults& results);

struct RunFilesOptions {
  std::optional<PeriodUnit> period;  ///< capsim run --period
  std::uint64_t replications = 0;    ///< 0: the scenario's scenario.replications
  unsigned threads = 1;              ///< for replications
  output::SeriesLayout layout = output::SeriesLayout::wide;
  scenario::LoadOptions load_options;
};

/// Runs `loaded` as `capsim run --out` does (the nominal run, and with more than one
/// replication the Monte Carlo study) and returns the files it writes, report.html aside, in
/// write_run's order, summary.json last. Throws InputError (a scenario the model refuses).
std::vector<output::NamedText> run_files(scenario::UncertainScenario loaded,
                                         const RunFilesOptions& options);

}  // namespace capsim::study
