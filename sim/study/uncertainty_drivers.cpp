#include "capsim/study/uncertainty_drivers.hpp"

#include <algorithm>
#include <cmath>

#include "capsim/uncertainty/statistics.hpp"

namespace capsim::study {

namespace {

/// The tornado's quantiles: the P10-P90 swing of an input.
constexpr double kLowQuantile = 0.10;
constexpr double kHighQuantile = 0.90;

/// The figures of the nominal scenario with one driver's inputs drawn at quantile u, with the
/// nominal run's seed: the other inputs' keys still hold their distributions, so they load
/// nominal.
std::vector<std::optional<double>> one_at_a_time(const MonteCarloStudy& study,
                                                 const DrawNames& names, std::size_t driver,
                                                 double u, const MonteCarloOptions& options) {
  std::vector<scenario::Override> overrides;
  for (std::size_t i = 0; i < study.scenario.inputs.size(); ++i) {
    if (names.of_input[i] != driver)
      continue;
    const scenario::UncertainInput& input = study.scenario.inputs[i];
    overrides.push_back({input.path, input.draw(u).text, "tornado of " + names.names[driver]});
  }
  const Scenario scenario =
      scenario::load_scenario(study.scenario.source, overrides, drawn_load_options(options));
  return observe_run(study, scenario, run_capacity(scenario, options.period)).figures;
}

/// A driver's first input: its value stands for the group (every member is a monotone
/// function of the one uniform, so ranks agree).
std::size_t first_input(const DrawNames& names, std::size_t driver) {
  return static_cast<std::size_t>(std::find(names.of_input.begin(), names.of_input.end(), driver) -
                                  names.of_input.begin());
}

}  // namespace

Tornado run_tornado(const MonteCarloStudy& study, const MonteCarloOptions& options) {
  const DrawNames names = draw_names(study.scenario.inputs);
  const std::size_t drivers = names.names.size();
  Tornado tornado;
  tornado.at_p10.resize(drivers);
  tornado.at_p90.resize(drivers);
  parallel_for(2 * drivers, options.threads, [&](std::size_t task) {
    const std::size_t driver = task / 2;
    if (!study.scenario.inputs[first_input(names, driver)].is_numeric())
      return;
    auto& figures = task % 2 == 0 ? tornado.at_p10[driver] : tornado.at_p90[driver];
    figures =
        one_at_a_time(study, names, driver, task % 2 == 0 ? kLowQuantile : kHighQuantile, options);
  });
  return tornado;
}

Drivers rank_drivers(const MonteCarloStudy& study, const std::vector<Replication>& reps,
                     const Tornado& tornado) {
  const std::vector<scenario::UncertainInput>& inputs = study.scenario.inputs;
  const DrawNames names = draw_names(inputs);
  std::vector<std::size_t> numeric;  // drivers
  for (std::size_t d = 0; d < names.names.size(); ++d) {
    if (inputs[first_input(names, d)].is_numeric())
      numeric.push_back(d);
  }
  Drivers drivers;
  if (numeric.empty())
    return drivers;  // only choices among words: nothing to rank
  for (std::size_t f = 0; f < study.layout.figure_names.size(); ++f) {
    // Only replications that report the figure take part.
    std::vector<double> y;
    std::vector<std::vector<double>> x(numeric.size());
    for (const Replication& rep : reps) {
      if (!rep.figures[f])
        continue;
      y.push_back(*rep.figures[f]);
      for (std::size_t k = 0; k < numeric.size(); ++k)
        x[k].push_back(rep.draws[first_input(names, numeric[k])].value);
    }
    if (y.size() < 2 || std::all_of(y.begin(), y.end(), [&](double v) { return v == y.front(); }))
      continue;  // constant: nothing drives it
    FigureDrivers figure;
    figure.figure = study.layout.figure_names[f];
    const uncertainty::Regression src = uncertainty::standardised_regression(x, y);
    const uncertainty::Regression srrc = uncertainty::standardised_rank_regression(x, y);
    figure.r_squared_src = src.r_squared;
    figure.r_squared_srrc = srrc.r_squared;
    figure.note = src.note;
    for (std::size_t k = 0; k < numeric.size(); ++k) {
      const std::size_t d = numeric[k];
      InputDriver driver;
      driver.input = names.names[d];
      if (!src.coefficients.empty())
        driver.src = src.coefficients[k];
      if (!srrc.coefficients.empty())
        driver.srrc = srrc.coefficients[k];
      if (!tornado.at_p10[d].empty()) {
        driver.at_p10 = tornado.at_p10[d][f];
        driver.at_p90 = tornado.at_p90[d][f];
      }
      if (driver.at_p10 && driver.at_p90)
        driver.swing = std::abs(*driver.at_p90 - *driver.at_p10);
      figure.inputs.push_back(std::move(driver));
    }
    std::sort(figure.inputs.begin(), figure.inputs.end(),
              [](const InputDriver& a, const InputDriver& b) {
                const double rank_a = a.srrc ? std::abs(*a.srrc) : -1.0;
                const double rank_b = b.srrc ? std::abs(*b.srrc) : -1.0;
                if (rank_a != rank_b)
                  return rank_a > rank_b;
                if (a.swing != b.swing)
                  return a.swing > b.swing;
                return a.input < b.input;
              });
    drivers.figures.push_back(std::move(figure));
  }
  return drivers;
}

}  // namespace capsim::study
