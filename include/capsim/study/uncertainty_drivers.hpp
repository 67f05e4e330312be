#pragma once
/// Which uncertain inputs drive the spread of each figure (docs/uncertainty.md, "Drivers").
///
/// Two global measures from the replications: standardised regression coefficients (SRC, the
/// change of the figure in standard deviations per standard deviation of the input, all
/// inputs varying at once; R^2 says how linear the figure is) and standardised rank regression
/// coefficients (SRRC, the same on ranks: monotone non-linear effects count in full). And one
/// local measure, the tornado: the figure with one input at its P10 and then its P90, every
/// other input at its nominal value, with the nominal run's seed.

#include <optional>
#include <string>
#include <vector>

#include "capsim/study/monte_carlo.hpp"

namespace capsim::study {

/// A driver is a draw name (monte_carlo.hpp): an input in no group, or a whole group, whose
/// inputs move together and cannot be told apart.
/// The tornado's runs: for each driver, the figures with it at its P10 and its P90.
struct Tornado {
  std::vector<std::vector<std::optional<double>>> at_p10;  ///< per driver, per figure
  std::vector<std::vector<std::optional<double>>> at_p90;
};

/// Runs the tornado on options.threads threads (2 runs per numeric driver; a choice among
/// words has no P10). Deterministic. Throws InputError as run_replication.
Tornado run_tornado(const MonteCarloStudy& study, const MonteCarloOptions& options);

struct InputDriver {
  std::string input;  ///< the key path, or "group NAME"
  std::optional<double> src;
  std::optional<double> srrc;
  std::optional<double> at_p10;  ///< the figure with the input at its P10
  std::optional<double> at_p90;
  double swing = 0.0;  ///< |at_p90 - at_p10|
};

struct FigureDrivers {
  std::string figure;
  /// Sorted by |SRRC| descending (then swing, then path): the most robust global ranking.
  std::vector<InputDriver> inputs;
  double r_squared_src = 0.0;
  double r_squared_srrc = 0.0;
  std::string note;  ///< why there are no regression coefficients, when there are none
};

struct Drivers {
  std::vector<FigureDrivers> figures;  ///< the figures whose replications vary
};

/// Ranks the numeric drivers for every figure that varies across `reps`.
Drivers rank_drivers(const MonteCarloStudy& study, const std::vector<Replication>& reps,
                     const Tornado& tornado);

}  // namespace capsim::study
