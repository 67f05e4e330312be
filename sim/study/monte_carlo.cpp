#include "capsim/study/monte_carlo.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <unordered_map>

#include <fmt/format.h>

#include "capsim/engine/random.hpp"
#include "capsim/output/summary_figures.hpp"
#include "capsim/uncertainty/copula.hpp"

namespace capsim::study {

namespace {

/// The years a run touches, from its start to the day before its end: none when the horizon
/// rounds to no tick at all (a horizon under a microsecond), whatever the start's month.
std::vector<int> run_years(const Scenario& scenario) {
  if (scenario.scenario.end_tick() <= 0)
    return {};
  const Calendar calendar(scenario.scenario.start);
  const int first = scenario.scenario.start.year;
  const int last = calendar.date_of(scenario.scenario.end_tick() - 1).year;
  std::vector<int> years;
  for (int year = first; year <= last; ++year)
    years.push_back(year);
  return years;
}

/// The stream of a draw name's uniform in a replication: shared by every scenario with that
/// seed, the root of common random numbers.
double stream_uniform(std::uint64_t seed, std::uint64_t replication, const std::string& name) {
  RandomStream stream(seed, replication, "uncertainty " + name);
  // (0, 1): the midpoint of one of 2^53 equal cells, so no quantile is taken at 0 or 1.
  return stream.uniform01() + 0x1.0p-54;
}

/// uncertainty.correlations as pairs of draw-name indices (the loader checked the names).
std::vector<uncertainty::RankCorrelation> correlation_pairs(
    const UncertaintySpec& spec, const std::vector<scenario::UncertainInput>& inputs,
    const std::vector<std::string>& names) {
  std::vector<uncertainty::RankCorrelation> pairs;
  const auto index_of = [&](const std::string& group) {
    const std::string name = scenario::draw_name_of(group, inputs).value_or("");
    return static_cast<std::size_t>(std::find(names.begin(), names.end(), name) - names.begin());
  };
  for (const CorrelationSpec& pair : spec.correlations)
    pairs.push_back({index_of(pair.groups[0]), index_of(pair.groups[1]), pair.rank});
  return pairs;
}

}  // namespace

scenario::LoadOptions drawn_load_options(const MonteCarloOptions& options) {
  scenario::LoadOptions load = options.load_options;
  load.draws_applied = true;
  return load;
}

DrawNames draw_names(const std::vector<scenario::UncertainInput>& inputs) {
  DrawNames result;
  for (const scenario::UncertainInput& input : inputs) {
    const std::string name = input.draw_name();
    const auto found = std::find(result.names.begin(), result.names.end(), name);
    result.of_input.push_back(static_cast<std::size_t>(found - result.names.begin()));
    if (found == result.names.end())
      result.names.push_back(name);
  }
  return result;
}

std::uint64_t replication_seed(std::uint64_t scenario_seed, std::uint64_t replication) {
  return derive_stream_seed(scenario_seed, replication, "replication") >> 1;
}

std::vector<double> replication_uniforms(const scenario::UncertainScenario& scenario,
                                         std::uint64_t replication) {
  const auto seed = static_cast<std::uint64_t>(scenario.nominal.scenario.seed);
  const DrawNames names = draw_names(scenario.inputs);
  std::vector<double> by_name;
  by_name.reserve(names.names.size());
  for (const std::string& name : names.names)
    by_name.push_back(stream_uniform(seed, replication, name));
  const std::vector<uncertainty::RankCorrelation> pairs =
      correlation_pairs(scenario.nominal.uncertainty, scenario.inputs, names.names);
  if (!pairs.empty())
    by_name = uncertainty::GaussianCopula(names.names.size(), pairs).correlate(by_name);
  std::vector<double> uniforms;
  uniforms.reserve(scenario.inputs.size());
  for (const std::size_t name : names.of_input)
    uniforms.push_back(by_name[name]);
  return uniforms;
}

std::vector<scenario::Override> replication_overrides(const scenario::UncertainScenario& scenario,
                                                      std::uint64_t replication,
                                                      const std::vector<scenario::Draw>& draws) {
  std::vector<scenario::Override> overrides;
  const std::string origin = fmt::format("replication {}", replication);
  for (std::size_t i = 0; i < scenario.inputs.size(); ++i)
    overrides.push_back({scenario.inputs[i].path, draws[i].text, origin});
  overrides.push_back({"scenario.seed",
                       fmt::format("{}", replication_seed(static_cast<std::uint64_t>(
                                                              scenario.nominal.scenario.seed),
                                                          replication)),
                       origin});
  return overrides;
}

Replication observe_run(const MonteCarloStudy& study, const Scenario& scenario,
                        const CapacityRun& run) {
  const StudyLayout& layout = study.layout;
  Replication result;
  result.seed = static_cast<std::uint64_t>(scenario.scenario.seed);
  const std::vector<output::SummaryFigure> figures = output::summary_figures(scenario, run);
  // By name: a replication may report figures the nominal run lacks, or lack some it has.
  std::unordered_map<std::string_view, double> by_name;
  for (const output::SummaryFigure& figure : figures)
    by_name.emplace(figure.name, figure.value);
  result.figures.resize(layout.figure_names.size());
  for (std::size_t f = 0; f < layout.figure_names.size(); ++f) {
    if (const auto found = by_name.find(layout.figure_names[f]); found != by_name.end())
      result.figures[f] = found->second;
  }
  const Recorder& series = run.timeseries;
  std::vector<std::size_t> columns;
  for (const std::string& name : layout.timeseries_columns)
    columns.push_back(series.column(name));
  const std::size_t rows = std::min(series.rows(), layout.period_starts.size());
  result.timeseries.assign(layout.period_starts.size() * columns.size(), 0.0);
  for (std::size_t row = 0; row < rows; ++row) {
    for (std::size_t c = 0; c < columns.size(); ++c) {
      if (columns[c] < series.columns().size())
        result.timeseries[row * columns.size() + c] = series.value(row, columns[c]);
    }
  }
  const Calendar calendar(scenario.scenario.start);
  if (run.summary.funds_exhausted)
    result.funds_exhausted_day = seconds_from_ticks(*run.summary.funds_exhausted) / 86400.0;
  // A site's power is online when its last phase is.
  result.site_power_online_day.resize(layout.site_names.size());
  for (std::size_t s = 0; s < layout.site_names.size(); ++s) {
    const auto spec =
        std::find_if(scenario.sites.begin(), scenario.sites.end(),
                     [&](const SiteSpec& site) { return site.name == layout.site_names[s]; });
    std::size_t online = 0;
    Tick last = 0;
    for (const BuildoutEvent& event : run.buildout) {
      if (event.kind == BuildoutKind::phase_online && event.site == layout.site_names[s]) {
        ++online;
        last = std::max(last, event.tick);
      }
    }
    if (spec != scenario.sites.end() && online >= spec->phases.size() && online > 0)
      result.site_power_online_day[s] = seconds_from_ticks(last) / 86400.0;
  }
  // A shortfall: the demand planner short of GPUs, or GPUs delivered and waiting for power.
  result.shortfall_in_year.assign(layout.years.size(), false);
  const auto mark = [&](int year) {
    const auto found = std::find(layout.years.begin(), layout.years.end(), year);
    if (found != layout.years.end())
      result.shortfall_in_year[static_cast<std::size_t>(found - layout.years.begin())] = true;
  };
  for (const BuildoutEvent& event : run.buildout) {
    if (event.kind == BuildoutKind::shortfall && event.gpus > 0)
      mark(calendar.date_of(event.tick).year);
  }
  const std::size_t waiting = series.column("gpus_waiting_for_power");
  if (waiting < series.columns().size()) {
    for (std::size_t row = 0; row < series.rows(); ++row) {
      if (series.value(row, waiting) > 0.0)
        mark(std::stoi(series.period_start(row).substr(0, 4)));
    }
  }
  return result;
}

MonteCarloStudy prepare_study(const std::string& path,
                              const std::vector<std::string>& set_arguments,
                              const MonteCarloOptions& options) {
  // The scenario itself: its correlations are checked here, before any draw replaces an input.
  return prepare_study(scenario::load_uncertain_scenario(path, set_arguments, options.load_options),
                       options);
}

MonteCarloStudy prepare_study(scenario::UncertainScenario loaded,
                              const MonteCarloOptions& options) {
  MonteCarloStudy study;
  study.scenario = std::move(loaded);
  const Scenario& nominal = study.scenario.nominal;
  study.nominal_run = run_capacity(nominal, options.period);
  StudyLayout& layout = study.layout;
  for (const scenario::UncertainInput& input : study.scenario.inputs)
    layout.input_paths.push_back(input.path);
  // The seed is the replication's own column, not a result.
  for (const output::SummaryFigure& figure : output::summary_figures(nominal, study.nominal_run)) {
    if (figure.name != "seed")
      layout.figure_names.push_back(figure.name);
  }
  const Recorder& series = study.nominal_run.timeseries;
  layout.timeseries_columns = series.columns();
  for (std::size_t row = 0; row < series.rows(); ++row) {
    layout.period_starts.push_back(series.period_start(row));
    layout.period_ends.push_back(series.period_end(row));
  }
  for (const SiteSpec& site : nominal.sites)
    layout.site_names.push_back(site.name);
  layout.years = run_years(nominal);
  return study;
}

Replication run_replication(const MonteCarloStudy& study, std::uint64_t replication,
                            const MonteCarloOptions& options) {
  const scenario::UncertainScenario& uncertain = study.scenario;
  const std::vector<double> uniforms = replication_uniforms(uncertain, replication);
  std::vector<scenario::Draw> draws;
  draws.reserve(uniforms.size());
  for (std::size_t i = 0; i < uniforms.size(); ++i)
    draws.push_back(uncertain.inputs[i].draw(uniforms[i]));
  Scenario scenario;
  try {
    scenario = scenario::load_scenario(uncertain.source,
                                       replication_overrides(uncertain, replication, draws),
                                       drawn_load_options(options));
  } catch (const InputError& error) {
    std::vector<Diagnostic> diagnostics = error.diagnostics();
    std::vector<std::string> values;
    for (std::size_t i = 0; i < draws.size(); ++i)
      values.push_back(uncertain.inputs[i].path + "=" + draws[i].text);
    diagnostics.push_back(
        {uncertain.source.document.location, "",
         fmt::format("in replication {} (--set {})", replication, fmt::join(values, " --set "))});
    throw InputError(std::move(diagnostics));
  }
  const CapacityRun run = run_capacity(scenario, options.period);
  Replication result = observe_run(study, scenario, run);
  result.index = replication;
  result.draws = std::move(draws);
  return result;
}

void parallel_for(std::size_t count, unsigned threads,
                  const std::function<void(std::size_t)>& work) {
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::exception_ptr first_failure;
  std::mutex failure_mutex;
  const auto worker = [&] {
    while (!failed.load()) {
      const std::size_t index = next.fetch_add(1);
      if (index >= count)
        return;
      try {
        work(index);
      } catch (...) {
        const std::lock_guard<std::mutex> lock(failure_mutex);
        if (!first_failure)
          first_failure = std::current_exception();
        failed = true;
      }
    }
  };
  const auto used = static_cast<unsigned>(std::min<std::size_t>(std::max(1u, threads), count));
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < used; ++t)
    pool.emplace_back(worker);
  worker();
  for (std::thread& thread : pool)
    thread.join();
  if (first_failure)
    std::rethrow_exception(first_failure);
}

std::vector<Replication> run_replications(const MonteCarloStudy& study,
                                          const MonteCarloOptions& options) {
  std::vector<std::uint64_t> indices;
  for (std::uint64_t r = 0; r < options.replications; ++r) {
    if (options.shard.contains(r))
      indices.push_back(r);
  }
  std::vector<Replication> results(indices.size());
  parallel_for(indices.size(), options.threads, [&](std::size_t slot) {
    results[slot] = run_replication(study, indices[slot], options);
  });
  return results;
}

}  // namespace capsim::study
