#include "capsim/study/run_files.hpp"

#include <utility>

#include "capsim/model/capacity_model.hpp"

namespace capsim::study {

MonteCarloResults monte_carlo_results(const MonteCarloStudy& study,
                                      const MonteCarloOptions& options,
                                      std::vector<Replication> replications) {
  MonteCarloResults results;
  results.replications = std::move(replications);
  const Tornado tornado = run_tornado(study, options);
  results.distributions = figure_distributions(study.layout, results.replications);
  results.risk = risk_figures(study, results.replications);
  results.drivers = rank_drivers(study, results.replications, tornado);
  // One computation for timeseries_quantiles.csv and the report's fan charts.
  results.quantiles = timeseries_quantiles(study.layout, results.replications);
  return results;
}

output::RunExtras monte_carlo_extras(const MonteCarloStudy& study,
                                     const MonteCarloResults& results) {
  output::RunExtras extras;
  extras.files = {{"timeseries_quantiles.csv", timeseries_quantiles_csv(results.quantiles)},
                  {"replications.csv", replications_csv(study, results.replications)},
                  {"drivers.csv", drivers_csv(results.drivers)}};
  extras.summary_members = [&study, &results](output::JsonWriter& json) {
    monte_carlo_json(json, study, results.replications, results.distributions, results.risk,
                     results.drivers);
  };
  return extras;
}

std::vector<output::NamedText> run_files(scenario::UncertainScenario loaded,
                                         const RunFilesOptions& options) {
  const std::uint64_t replications =
      options.replications > 0 ? options.replications
                               : static_cast<std::uint64_t>(loaded.nominal.scenario.replications);
  if (replications <= 1) {
    const Scenario scenario = loaded.nominal;
    const CapacityRun run = run_capacity(scenario, options.period);
    output::RunExtras extras;
    extras.layout = options.layout;
    return output::run_file_texts(scenario, run, extras);
  }
  MonteCarloOptions monte_carlo;
  monte_carlo.replications = replications;
  monte_carlo.threads = options.threads;
  monte_carlo.period = options.period;
  monte_carlo.load_options = options.load_options;
  const MonteCarloStudy study = prepare_study(std::move(loaded), monte_carlo);
  const MonteCarloResults results =
      monte_carlo_results(study, monte_carlo, run_replications(study, monte_carlo));
  output::RunExtras extras = monte_carlo_extras(study, results);
  extras.layout = options.layout;
  return output::run_file_texts(study.scenario.nominal, study.nominal_run, extras);
}

}  // namespace capsim::study
