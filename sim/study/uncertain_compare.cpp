// capsim compare --replications: every scenario's replications, paired by index with the
// baseline's (study/compare.hpp, compare_uncertain_inputs).

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "capsim/output/comparison.hpp"
#include "capsim/scenario/loader.hpp"
#include "capsim/study/compare.hpp"
#include "capsim/study/monte_carlo.hpp"

namespace capsim {

namespace {

/// The figures of `reps` that match `patterns` (all when there are none), by replication.
output::SampledRun sampled_run(const study::StudyLayout& layout,
                               const std::vector<study::Replication>& reps,
                               const std::vector<std::string>& patterns) {
  output::SampledRun run;
  for (std::size_t f = 0; f < layout.figure_names.size(); ++f) {
    const std::string& name = layout.figure_names[f];
    if (!patterns.empty() &&
        std::none_of(patterns.begin(), patterns.end(), [&](const std::string& pattern) {
          return output::figure_matches(name, pattern);
        }))
      continue;
    output::SampledFigure figure{name, {}};
    figure.values.reserve(reps.size());
    for (const study::Replication& rep : reps)
      figure.values.push_back(rep.figures[f]);
    run.figures.push_back(std::move(figure));
  }
  return run;
}

/// The scenario's draws, and how many of them the baseline draws too.
void count_draws(UncertainCompareInput& input, const std::vector<std::string>& names,
                 const std::vector<std::string>& baseline_names) {
  input.draws = names.size();
  input.shared_draws = static_cast<std::size_t>(
      std::count_if(names.begin(), names.end(), [&](const std::string& name) {
        return std::find(baseline_names.begin(), baseline_names.end(), name) !=
               baseline_names.end();
      }));
}

}  // namespace

UncertainCompareResult compare_uncertain_inputs(const std::vector<std::string>& arguments,
                                                const CompareOptions& options) {
  if (arguments.empty())
    throw std::invalid_argument("compare_uncertain_inputs: no inputs to compare");
  if (options.replications == 0)
    throw std::invalid_argument("compare_uncertain_inputs: no replications");
  if (options.iso) {
    throw CompareError(
        "--iso does not combine with --replications: a replication loads its scenario from the "
        "file with its draws, and --iso scales a scenario once loaded; compare the designs at "
        "equal envelopes without --replications, or write the scaled design as a scenario");
  }
  classify_compare_inputs(arguments, options);
  study::MonteCarloOptions monte_carlo;
  monte_carlo.replications = options.replications;
  monte_carlo.threads = options.threads;
  monte_carlo.load_options = {options.allow_large, {}, false, options.paths};
  // Every scenario is checked before any runs: bad input costs no run time.
  for (const std::string& path : arguments) {
    scenario::load_uncertain_scenario(path, options.overrides,
                                      study::drawn_load_options(monte_carlo));
  }
  // The nominal runs fix each scenario's figures: a --figures that matches none of them
  // fails before the replications run.
  std::vector<study::MonteCarloStudy> studies;
  for (const std::string& path : arguments)
    studies.push_back(study::prepare_study(path, options.overrides, monte_carlo));
  if (std::none_of(studies.begin(), studies.end(), [&](const study::MonteCarloStudy& study) {
        return !sampled_run(study.layout, {}, options.figures).figures.empty();
      }))
    throw unmatched_figures_error(options.figures);
  UncertainCompareResult result;
  result.replications = options.replications;
  std::vector<output::SampledRun> runs;
  const std::vector<std::string> baseline_names =
      study::draw_names(studies.front().scenario.inputs).names;
  for (std::size_t i = 0; i < studies.size(); ++i) {
    const study::MonteCarloStudy& study = studies[i];
    const std::vector<study::Replication> reps = study::run_replications(study, monte_carlo);
    UncertainCompareInput input;
    input.argument = arguments[i];
    input.label = study.scenario.nominal.scenario.name;
    input.seed = study.scenario.nominal.scenario.seed;
    input.uncertain_inputs = study.scenario.inputs.size();
    count_draws(input, study::draw_names(study.scenario.inputs).names, baseline_names);
    result.inputs.push_back(std::move(input));
    runs.push_back(sampled_run(study.layout, reps, options.figures));
  }
  std::vector<std::string> labels;
  for (const UncertainCompareInput& input : result.inputs)
    labels.push_back(input.label);
  labels = output::unique_labels(std::move(labels));
  for (std::size_t i = 0; i < runs.size(); ++i) {
    result.inputs[i].label = labels[i];
    runs[i].label = labels[i];
  }
  result.comparison = output::pair_runs(runs);
  return result;
}

}  // namespace capsim
