// capsim._capsim: the library behind a thin pybind11 layer. The Python package (capsim/)
// wraps it: DataFrames, the InputError class, scenario dicts. Every function here runs what
// the command line runs (study::run_files is capsim run --out kept in memory), with the GIL
// released while it loads and simulates, so Python threads run scenarios in parallel.

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "capsim/core/diagnostics.hpp"
#include "capsim/core/time.hpp"
#include "capsim/output/atomic_file.hpp"
#include "capsim/scenario/loader.hpp"
#include "capsim/study/run_files.hpp"
#include "capsim/sweep/sweep_runner.hpp"
#include "capsim/sweep/sweep_spec.hpp"

namespace py = pybind11;

namespace {

using capsim::InputError;

/// A problem as the Python package reports it: file, line, column, key path, message, and the
/// command line's "file:line:col: path: message".
using Problem = std::tuple<std::string, int, int, std::string, std::string, std::string>;

/// What a call returns: its result, or the input's problems (the package raises InputError).
template <typename Result>
using Outcome = std::pair<std::optional<Result>, std::vector<Problem>>;

std::vector<Problem> problems_of(const InputError& error) {
  std::vector<Problem> problems;
  for (const capsim::Diagnostic& diagnostic : error.diagnostics()) {
    const auto& file = diagnostic.location.file;
    problems.emplace_back(file ? *file : std::string(), diagnostic.location.line,
                          diagnostic.location.column, diagnostic.path, diagnostic.message,
                          diagnostic.format());
  }
  return problems;
}

/// Runs `work` without the GIL; an input problem comes back as the outcome's problems, any
/// other failure as a Python exception (pybind11 translates it).
template <typename Work>
auto without_gil(Work work) -> Outcome<decltype(work())> {
  py::gil_scoped_release released;
  try {
    return {work(), {}};
  } catch (const InputError& error) {
    return {std::nullopt, problems_of(error)};
  }
}

/// Where a scenario comes from: a file, or YAML text named `name` in messages.
struct ScenarioInput {
  std::string path_or_text;
  bool is_text = false;
  std::string name;
  std::vector<std::string> sets;
  std::vector<std::string> scales;
  bool allow_large = false;
  std::vector<std::string> allow_paths;
};

capsim::scenario::LoadOptions load_options(const ScenarioInput& input,
                                           std::optional<capsim::PeriodUnit> period) {
  capsim::scenario::LoadOptions options;
  options.allow_large = input.allow_large;
  options.period = period;
  options.paths.allowed = input.allow_paths;
  return options;
}

capsim::scenario::UncertainScenario load(const ScenarioInput& input,
                                         const capsim::scenario::LoadOptions& options) {
  capsim::scenario::ScenarioSource source =
      input.is_text
          ? capsim::scenario::read_scenario_text(input.path_or_text, input.name, options.paths)
          : capsim::scenario::read_scenario_source(input.path_or_text, options.paths);
  capsim::scenario::UncertainScenario loaded =
      capsim::scenario::load_uncertain_scenario(std::move(source), input.sets, options);
  loaded.nominal = capsim::scenario::scale_scenario(loaded.nominal, input.scales, options);
  return loaded;
}

std::optional<capsim::PeriodUnit> period_of(const std::optional<std::string>& name) {
  if (!name)
    return std::nullopt;
  for (const capsim::PeriodUnit unit :
       {capsim::PeriodUnit::day, capsim::PeriodUnit::week, capsim::PeriodUnit::month,
        capsim::PeriodUnit::quarter, capsim::PeriodUnit::year}) {
    if (*name == capsim::period_unit_name(unit))
      return unit;
  }
  throw py::value_error("period: expected one of day, week, month, quarter, year, found \"" +
                        *name + "\"");
}

Outcome<std::vector<capsim::output::NamedText>> run(const ScenarioInput& input,
                                                    std::uint64_t replications,
                                                    const std::optional<std::string>& period,
                                                    unsigned threads, bool long_layout) {
  const std::optional<capsim::PeriodUnit> unit = period_of(period);
  return without_gil([&] {
    capsim::study::RunFilesOptions options;
    options.period = unit;
    options.replications = replications;
    options.threads = threads;
    options.layout =
        long_layout ? capsim::output::SeriesLayout::long_form : capsim::output::SeriesLayout::wide;
    options.load_options = load_options(input, unit);
    capsim::scenario::UncertainScenario loaded = load(input, options.load_options);
    const std::uint64_t runs =
        replications > 0 ? replications
                         : static_cast<std::uint64_t>(loaded.nominal.scenario.replications);
    if (!input.scales.empty() && runs > 1)
      throw std::invalid_argument(
          "scale changes one run's scenario; with replications, put the factor in the scenario");
    return capsim::study::run_files(std::move(loaded), options);
  });
}

Outcome<std::string> validate(const ScenarioInput& input) {
  return without_gil([&] {
    const capsim::scenario::UncertainScenario loaded = load(input, load_options(input, {}));
    return loaded.nominal.scenario.name;
  });
}

Outcome<std::vector<std::string>> sweep(const std::string& path, const std::string& out,
                                        unsigned threads, bool allow_large,
                                        const std::vector<std::string>& allow_paths) {
  return without_gil([&] {
    capsim::scenario::LoadOptions options;
    options.allow_large = allow_large;
    options.paths.allowed = allow_paths;
    const capsim::sweep::Sweep loaded = capsim::sweep::load_sweep(path, options);
    capsim::sweep::SweepOptions sweep_options;
    sweep_options.out = out;
    sweep_options.threads = threads;
    std::vector<std::string> written;
    for (const auto& file : capsim::sweep::run_sweep(loaded, sweep_options).written)
      written.push_back(file.string());
    return written;
  });
}

}  // namespace

PYBIND11_MODULE(_capsim, module) {
  module.doc() = "capsim's library; use the capsim package, not this module (docs/python.md).";
  py::class_<ScenarioInput>(module, "ScenarioInput")
      .def(py::init<>())
      .def_readwrite("path_or_text", &ScenarioInput::path_or_text)
      .def_readwrite("is_text", &ScenarioInput::is_text)
      .def_readwrite("name", &ScenarioInput::name)
      .def_readwrite("sets", &ScenarioInput::sets)
      .def_readwrite("scales", &ScenarioInput::scales)
      .def_readwrite("allow_large", &ScenarioInput::allow_large)
      .def_readwrite("allow_paths", &ScenarioInput::allow_paths);
  module.def("run", &run, py::arg("input"), py::arg("replications"), py::arg("period"),
             py::arg("threads"), py::arg("long_layout"),
             "The files capsim run --out writes (report.html aside), as (name, text) pairs; or "
             "the input's problems.");
  module.def("validate", &validate, py::arg("input"),
             "The scenario's name when it loads; or the input's problems.");
  module.def("sweep", &sweep, py::arg("path"), py::arg("out"), py::arg("threads"),
             py::arg("allow_large"), py::arg("allow_paths"),
             "Runs a sweep file into the folder `out`, as capsim sweep does; the files written, "
             "or the input's problems.");
  module.attr("version") = CAPSIM_VERSION;
}
