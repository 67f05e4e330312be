#include "capsim/study/compare.hpp"

#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>
#include <utility>

#include <fmt/format.h>

#include "capsim/model/capacity_model.hpp"
#include "capsim/output/summary_figures.hpp"
#include "capsim/scenario/loader.hpp"
#include "capsim/sweep/sweep_output.hpp"

namespace capsim {

namespace {

namespace fs = std::filesystem;

struct Input {
  CompareInput given;
  Scenario scenario;  ///< scenario files only
  std::string label;
  /// A folder's from its summary.json; a scenario's once it has run.
  std::vector<output::SummaryFigure> figures;
  /// A folder's timeseries.csv when it has one; a scenario's once it has run.
  std::optional<Recorder> timeseries;
};

std::string read_text(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

double timeseries_cell(const std::string& cell, const std::string& origin, std::size_t line,
                       const std::string& column) {
  double value = 0.0;
  const auto parsed = std::from_chars(cell.data(), cell.data() + cell.size(), value);
  if (cell.empty() || parsed.ec != std::errc() || parsed.ptr != cell.data() + cell.size()) {
    throw CompareError(fmt::format("'{}': line {}: column {}: expected a number, found \"{}\"",
                                   origin, line, column, cell));
  }
  return value;
}

/// A folder's timeseries.csv as capsim run wrote it: period_start, period_end, then numbers.
Recorder parse_timeseries_csv(const std::string& text, const std::string& origin) {
  Recorder recorder;
  std::vector<std::string> fields;
  std::vector<std::string> header;
  std::size_t line = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos)
      end = text.size();
    ++line;
    const std::string_view row(text.data() + start, end - start);
    start = end + 1;
    if (!sweep::split_csv_line(row, fields)) {
      throw CompareError(fmt::format("'{}': line {}: expected a CSV row, found an unbalanced quote",
                                     origin, line));
    }
    if (line == 1) {
      if (fields.size() < 2 || fields[0] != "period_start" || fields[1] != "period_end") {
        throw CompareError(fmt::format(
            "'{}': line 1: expected the header of a capsim timeseries.csv (period_start, "
            "period_end, ...), found \"{}\"",
            origin, row));
      }
      header = fields;
      for (std::size_t c = 2; c < fields.size(); ++c)
        recorder.add_column(fields[c]);
      continue;
    }
    if (fields.size() != header.size()) {
      throw CompareError(fmt::format("'{}': line {}: expected {} fields, found {}", origin, line,
                                     header.size(), fields.size()));
    }
    recorder.begin_row(fields[0], fields[1]);
    for (std::size_t c = 2; c < fields.size(); ++c)
      recorder.set(c - 2, timeseries_cell(fields[c], origin, line, header[c]));
  }
  return recorder;
}

/// A folder's label is its own name, also when given with a trailing slash.
std::string folder_label(const std::string& argument) {
  fs::path path = fs::path(argument).lexically_normal();
  if (path.filename().empty())
    path = path.parent_path();
  const std::string name = path.filename().string();
  return name.empty() || name == "." ? argument : name;
}

std::vector<Input> classify_inputs(const std::vector<std::string>& arguments,
                                   const CompareOptions& options) {
  std::vector<Input> inputs;
  for (CompareInput& given : classify_compare_inputs(arguments, options)) {
    Input input;
    input.given = std::move(given);
    inputs.push_back(std::move(input));
  }
  return inputs;
}

void load_input(Input& input, const CompareOptions& options) {
  if (!input.given.folder) {
    input.scenario = scenario::load_scenario(input.given.argument, options.overrides,
                                             {options.allow_large, {}, false, options.paths});
    input.label = input.scenario.scenario.name;
    return;
  }
  const fs::path summary_path = fs::path(input.given.argument) / "summary.json";
  if (!fs::is_regular_file(summary_path)) {
    throw CompareError(
        fmt::format("'{}' has no summary.json: expected a result folder written by capsim run "
                    "--out, or a scenario file",
                    input.given.argument));
  }
  input.label = folder_label(input.given.argument);
  input.figures = output::flatten_summary_json(read_text(summary_path), summary_path.string());
  const fs::path timeseries_path = fs::path(input.given.argument) / "timeseries.csv";
  if (fs::is_regular_file(timeseries_path))
    input.timeseries = parse_timeseries_csv(read_text(timeseries_path), timeseries_path.string());
}

/// Scales every scenario after the baseline to the baseline's envelope of `kind`; returns the
/// factor applied to each input (1 for the baseline).
std::vector<double> match_envelope(std::vector<Input>& inputs, EnvelopeKind kind,
                                   const FleetEnvelope& baseline) {
  const double target = baseline.value(kind);
  if (!(target > 0.0)) {
    throw EnvelopeError(fmt::format("the baseline \"{}\" has no {} envelope to match (it is 0)",
                                    inputs.front().scenario.scenario.name,
                                    envelope_kind_name(kind)));
  }
  std::vector<double> scale_factors(inputs.size(), 1.0);
  for (std::size_t i = 1; i < inputs.size(); ++i) {
    ScaledScenario scaled = scale_to_envelope(std::move(inputs[i].scenario), kind, target);
    inputs[i].scenario = std::move(scaled.scenario);
    scale_factors[i] = scaled.scale_factor;
  }
  return scale_factors;
}

/// Runs the scenarios; each input's selected figures, after its envelope figures with `iso`.
std::vector<output::ComparedRun> compared_runs(std::vector<Input>& inputs,
                                               const CompareOptions& options,
                                               const std::vector<double>& scale_factors) {
  std::vector<output::ComparedRun> runs;
  bool any_selected = false;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    Input& input = inputs[i];
    if (!input.given.folder) {
      CapacityRun run = run_capacity(input.scenario);
      input.figures = output::summary_figures(input.scenario, run);
      input.timeseries = std::move(run.timeseries);
    }
    output::ComparedRun compared{input.label, {}};
    if (options.iso) {
      compared.figures.push_back({"iso.scale_factor", scale_factors[i]});
      compared.figures.push_back(
          {envelope_figure(*options.iso), fleet_envelope(input.scenario).value(*options.iso)});
    }
    std::vector<output::SummaryFigure> selected =
        output::select_figures(input.figures, options.figures);
    any_selected = any_selected || !selected.empty();
    compared.figures.insert(compared.figures.end(), selected.begin(), selected.end());
    runs.push_back(std::move(compared));
  }
  if (!any_selected)
    throw unmatched_figures_error(options.figures);
  return runs;
}

}  // namespace

std::string envelope_figure(EnvelopeKind kind) {
  switch (kind) {
    case EnvelopeKind::power:
      return "iso.it_power_w";
    case EnvelopeKind::capex:
      return "iso.capex_usd";
    case EnvelopeKind::gpus:
      return "iso.gpus";
  }
  return "iso.envelope";
}

CompareError unmatched_figures_error(const std::vector<std::string>& patterns) {
  std::vector<std::string> quoted;
  for (const std::string& pattern : patterns)
    quoted.push_back(fmt::format("\"{}\"", pattern));
  return CompareError(fmt::format("--figures: no figure matches {}", fmt::join(quoted, " or ")));
}

std::vector<CompareInput> classify_compare_inputs(const std::vector<std::string>& arguments,
                                                  const CompareOptions& options) {
  std::vector<CompareInput> inputs;
  for (const std::string& path : arguments) {
    CompareInput input{path, false};
    std::error_code error;
    const fs::file_status status = fs::status(path, error);
    if (!fs::exists(status))
      throw CompareError(fmt::format("'{}': no such scenario file or result folder", path));
    input.folder = fs::is_directory(status);
    if (input.folder && options.replications > 0) {
      throw CompareError(fmt::format(
          "--replications: '{}' is a result folder, whose run is done and whose draws cannot be "
          "paired: give its scenario file instead",
          path));
    }
    if (input.folder && options.iso) {
      throw CompareError(fmt::format(
          "--iso {}: '{}' is a result folder, whose fleet has already run and cannot be scaled: "
          "give its scenario file instead",
          envelope_kind_name(*options.iso), path));
    }
    if (input.folder && !options.overrides.empty()) {
      throw CompareError(fmt::format(
          "--set: '{}' is a result folder, which has already run: --set applies to scenario "
          "files only; give its scenario file, or run it again with the override",
          path));
    }
    inputs.push_back(std::move(input));
  }
  return inputs;
}

CompareResult compare_inputs(const std::vector<std::string>& arguments,
                             const CompareOptions& options) {
  if (arguments.empty())
    throw std::invalid_argument("compare_inputs: no inputs to compare");
  std::vector<Input> inputs = classify_inputs(arguments, options);
  for (Input& input : inputs)
    load_input(input, options);
  CompareResult result;
  std::vector<double> scale_factors(inputs.size(), 1.0);
  if (options.iso) {
    result.baseline_envelope = fleet_envelope(inputs.front().scenario);
    scale_factors = match_envelope(inputs, *options.iso, *result.baseline_envelope);
  }
  std::vector<output::ComparedRun> runs = compared_runs(inputs, options, scale_factors);
  std::vector<std::string> labels;
  for (const output::ComparedRun& run : runs)
    labels.push_back(run.label);
  labels = output::unique_labels(std::move(labels));
  for (std::size_t i = 0; i < runs.size(); ++i)
    runs[i].label = labels[i];
  result.comparison = output::compare_runs(runs);
  for (Input& input : inputs) {
    result.inputs.push_back(std::move(input.given));
    result.timeseries.push_back(std::move(input.timeseries));
  }
  return result;
}

}  // namespace capsim
