#pragma once
/// Monte Carlo replications of a scenario with uncertain inputs (docs/uncertainty.md).
///
/// Replication r draws each uncertain input from the uniform of its draw name's stream,
/// RandomStream(scenario.seed, r, "uncertainty " + draw name): common random numbers, so two
/// scenarios compared with one seed see the same draws for the keys (and groups) they share.
/// Correlated groups go through a Gaussian copula. The draws become overrides of the scenario's
/// source, with scenario.seed set to the replication's seed, and the run is an ordinary run:
/// a replication can be reproduced with `capsim run --set` alone. Replications are independent,
/// so any thread count, and any split into shards, gives the same results in the same order.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "capsim/model/capacity_model.hpp"
#include "capsim/scenario/loader.hpp"
#include "capsim/sweep/sweep_runner.hpp"

namespace capsim::study {

struct MonteCarloOptions {
  std::uint64_t replications = 1;
  unsigned threads = 1;
  sweep::Shard shard;                ///< the replications whose index mod N is K - 1
  std::optional<PeriodUnit> period;  ///< capsim run --period
  scenario::LoadOptions load_options;
};

/// What every replication of a study reports, fixed by the nominal run: the columns of
/// replications.csv and the rows and columns of the timeseries.
struct StudyLayout {
  std::vector<std::string> input_paths;   ///< the uncertain inputs, in document order
  std::vector<std::string> figure_names;  ///< the nominal run's summary figures
  std::vector<std::string> timeseries_columns;
  std::vector<std::string> period_starts;
  std::vector<std::string> period_ends;
  std::vector<std::string> site_names;
  std::vector<int> years;  ///< calendar years the run touches, for the risk figures
};

/// One replication's draws and results: a row of replications.csv plus its timeseries.
struct Replication {
  std::uint64_t index = 0;
  std::uint64_t seed = 0;                      ///< the scenario.seed it ran with
  std::vector<scenario::Draw> draws;           ///< per uncertain input
  std::vector<std::optional<double>> figures;  ///< per figure name; empty when not reported
  std::vector<double> timeseries;              ///< periods x columns, row-major
  std::optional<double> funds_exhausted_day;   ///< days from the start; never when empty
  std::vector<std::optional<double>> site_power_online_day;  ///< all phases online; per site
  std::vector<bool> shortfall_in_year;                       ///< per layout year
};

/// A loaded study: the scenario, its deterministic (nominal) run and the layout it fixes.
struct MonteCarloStudy {
  scenario::UncertainScenario scenario;
  CapacityRun nominal_run;
  StudyLayout layout;
};

/// Loads the scenario and runs it once at its nominal values with its own seed: the run
/// `capsim run` makes without replications. Throws InputError.
MonteCarloStudy prepare_study(const std::string& path,
                              const std::vector<std::string>& set_arguments,
                              const MonteCarloOptions& options);
/// The same from a scenario already loaded with load_uncertain_scenario.
MonteCarloStudy prepare_study(scenario::UncertainScenario loaded, const MonteCarloOptions& options);

/// How a replication's (or a tornado run's) scenario loads: options.load_options with
/// draws_applied.
scenario::LoadOptions drawn_load_options(const MonteCarloOptions& options);

/// The draw names of a scenario's inputs (UncertainInput::draw_name) in first-seen order, and
/// each input's index among them: the independent quantities a study varies.
struct DrawNames {
  std::vector<std::string> names;
  std::vector<std::size_t> of_input;
};
DrawNames draw_names(const std::vector<scenario::UncertainInput>& inputs);

/// The scenario seed of replication r: derive_stream_seed(seed, r, "replication") halved into
/// [0, 2^63), a valid scenario.seed.
std::uint64_t replication_seed(std::uint64_t scenario_seed, std::uint64_t replication);

/// The uniforms of replication r, one per uncertain input (inputs of one draw name share one),
/// after the copula of uncertainty.correlations.
std::vector<double> replication_uniforms(const scenario::UncertainScenario& scenario,
                                         std::uint64_t replication);

/// The overrides that make replication r's scenario: every input's draw, then scenario.seed.
std::vector<scenario::Override> replication_overrides(const scenario::UncertainScenario& scenario,
                                                      std::uint64_t replication,
                                                      const std::vector<scenario::Draw>& draws);

/// Runs replication r. Throws InputError when its draws do not load (the last diagnostic names
/// the replication). Thread-safe.
Replication run_replication(const MonteCarloStudy& study, std::uint64_t replication,
                            const MonteCarloOptions& options);

/// Runs the shard's replications among options.replications on options.threads threads;
/// returns them in index order. Rethrows the first failure after the other threads stop.
std::vector<Replication> run_replications(const MonteCarloStudy& study,
                                          const MonteCarloOptions& options);

/// Calls work(i) for i in [0, count) on up to `threads` threads (the caller's among them);
/// rethrows the first exception after the other threads stop taking work.
void parallel_for(std::size_t count, unsigned threads,
                  const std::function<void(std::size_t)>& work);

/// A run's results in the study's layout (what run_replication reports of it).
Replication observe_run(const MonteCarloStudy& study, const Scenario& scenario,
                        const CapacityRun& run);

}  // namespace capsim::study
