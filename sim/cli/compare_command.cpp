// capsim compare: scenarios (run here) or result folders (their summary.json) side by side,
// each with its difference against the first; optionally scaled to the first's envelope.

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "args.hpp"
#include "capsim/model/capacity_model.hpp"
#include "capsim/output/atomic_file.hpp"
#include "capsim/output/comparison.hpp"
#include "capsim/output/summary_figures.hpp"
#include "capsim/scenario/loader.hpp"
#include "capsim/study/envelope.hpp"
#include "commands.hpp"

namespace capsim::cli {

namespace {

namespace fs = std::filesystem;

/// One command-line input: a scenario file to run, or a result folder already run.
struct Input {
  std::string argument;
  bool folder = false;
  fs::path summary_path;  ///< folder only
  Scenario scenario;      ///< scenario only
  std::string label;
  std::vector<output::SummaryFigure> figures;
};

std::string read_text(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

/// A folder's label is its own name, also when given with a trailing slash.
std::string folder_label(const std::string& argument) {
  fs::path path = fs::path(argument).lexically_normal();
  if (path.filename().empty())
    path = path.parent_path();
  const std::string name = path.filename().string();
  return name.empty() || name == "." ? argument : name;
}

/// The envelope's figure name, with its unit as every figure carries one.
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

std::string envelope_meaning(EnvelopeKind kind, const FleetEnvelope& baseline) {
  switch (kind) {
    case EnvelopeKind::power:
      return fmt::format("the total IT power cap of its sites, {} MW",
                         output::format_human(baseline.it_power_w / 1e6));
    case EnvelopeKind::gpus:
      return fmt::format("the GPUs its clusters and fixed orders provide, {}",
                         output::format_human(static_cast<double>(baseline.gpus)));
    case EnvelopeKind::capex:
      return fmt::format(
          "its capex, ${}: {}", output::format_human(baseline.capex_usd),
          baseline.capex_is_budget
              ? "a budget planner's budget over the run"
              : "GPUs at their installed price plus sites' IT power at their cost per W");
  }
  return "";
}

}  // namespace

int run_compare(const Arguments& arguments) {
  ArgParser parser(
      "compare",
      "Sets runs side by side: every figure of summary.json, one column per input, then each\n"
      "input's difference and relative difference against the first (the baseline). An input\n"
      "is a scenario file (run here, with --set applied) or a result folder written by\n"
      "capsim run --out (its summary.json). A figure an input lacks is left empty.\n"
      "--iso scales every scenario after the first to the first's envelope before it runs:\n"
      "power (sites' IT power caps), gpus (clusters' and fixed orders' GPUs) or capex (GPUs\n"
      "and sites at installed cost; a budget planner's budget over the run). GPU counts,\n"
      "site power and budgets scale together; docs/compare.md has the details.",
      "INPUT INPUT [INPUT...]");
  parser.option("csv", "FILE", "also write the comparison as CSV (atomically)")
      .repeatable("figures", "PATTERN",
                  "only these figures: a prefix ('totals.') or a glob with * and ? "
                  "('inference[*].cost_per_million_tokens_usd')")
      .option("iso", "KIND", "scale designs to the baseline's power, capex or gpus")
      .repeatable("set", "KEY.PATH=VALUE", "override a value in every scenario, after extends");
  if (parser.parse_or_print_help(arguments))
    return 0;
  const std::vector<std::string>& paths = parser.positional();
  if (paths.size() < 2) {
    throw UsageError(fmt::format(
        "capsim compare: expected at least two inputs (scenario files or result folders), found {}",
        paths.size()));
  }
  std::optional<EnvelopeKind> iso;
  if (parser.has("iso")) {
    const std::string kind = parser.text("iso", "");
    iso = parse_envelope_kind(kind);
    if (!iso) {
      throw UsageError(fmt::format(
          "capsim compare: --iso: expected one of power, capex, gpus, found \"{}\"", kind));
    }
  }

  // Every input is checked and loaded before anything runs, so bad input costs no run time
  // and writes nothing.
  std::vector<Input> inputs;
  for (const std::string& path : paths) {
    Input input;
    input.argument = path;
    std::error_code error;
    const fs::file_status status = fs::status(path, error);
    if (!fs::exists(status)) {
      throw UsageError(
          fmt::format("capsim compare: '{}': no such scenario file or result folder", path));
    }
    input.folder = fs::is_directory(status);
    if (input.folder && iso) {
      throw UsageError(fmt::format(
          "capsim compare: --iso {}: '{}' is a result folder, whose fleet has already run and "
          "cannot be scaled: give its scenario file instead",
          envelope_kind_name(*iso), path));
    }
    if (input.folder && parser.has("set")) {
      throw UsageError(fmt::format(
          "capsim compare: --set: '{}' is a result folder, which has already run: --set "
          "applies to scenario files only; give its scenario file, or run it again with the "
          "override",
          path));
    }
    inputs.push_back(std::move(input));
  }
  for (Input& input : inputs) {
    if (input.folder) {
      input.summary_path = fs::path(input.argument) / "summary.json";
      if (!fs::is_regular_file(input.summary_path)) {
        throw UsageError(fmt::format(
            "capsim compare: '{}' has no summary.json: expected a result folder written by "
            "capsim run --out, or a scenario file",
            input.argument));
      }
      input.label = folder_label(input.argument);
      try {
        input.figures = output::flatten_summary_json(read_text(input.summary_path),
                                                     input.summary_path.string());
      } catch (const InputError& error) {
        print_diagnostics(error);
        return 2;
      }
    } else {
      try {
        input.scenario = scenario::load_scenario(input.argument, parser.all("set"));
      } catch (const InputError& error) {
        print_diagnostics(error);
        return 2;
      }
      input.label = input.scenario.scenario.name;
    }
  }

  std::vector<double> scale_factors(inputs.size(), 1.0);
  std::optional<FleetEnvelope> baseline_envelope;
  if (iso) {
    try {
      baseline_envelope = fleet_envelope(inputs.front().scenario);
      const double target = baseline_envelope->value(*iso);
      if (!(target > 0.0)) {
        throw EnvelopeError(fmt::format("the baseline \"{}\" has no {} envelope to match (it is 0)",
                                        inputs.front().scenario.scenario.name,
                                        envelope_kind_name(*iso)));
      }
      for (std::size_t i = 1; i < inputs.size(); ++i) {
        ScaledScenario scaled = scale_to_envelope(std::move(inputs[i].scenario), *iso, target);
        inputs[i].scenario = std::move(scaled.scenario);
        scale_factors[i] = scaled.scale_factor;
      }
    } catch (const EnvelopeError& error) {
      throw UsageError(
          fmt::format("capsim compare: --iso {}: {}", envelope_kind_name(*iso), error.what()));
    }
  }

  const std::vector<std::string> patterns = parser.all("figures");
  std::vector<output::ComparedRun> runs;
  bool any_selected = false;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    Input& input = inputs[i];
    if (!input.folder) {
      const CapacityRun run = run_capacity(input.scenario);
      input.figures = output::summary_figures(input.scenario, run);
    }
    output::ComparedRun compared{input.label, {}};
    if (iso) {
      compared.figures.push_back({"iso.scale_factor", scale_factors[i]});
      compared.figures.push_back(
          {envelope_figure(*iso), fleet_envelope(input.scenario).value(*iso)});
    }
    std::vector<output::SummaryFigure> selected = output::select_figures(input.figures, patterns);
    any_selected = any_selected || !selected.empty();
    compared.figures.insert(compared.figures.end(), selected.begin(), selected.end());
    runs.push_back(std::move(compared));
  }
  if (!any_selected) {
    std::vector<std::string> quoted;
    for (const std::string& pattern : patterns)
      quoted.push_back(fmt::format("\"{}\"", pattern));
    throw UsageError(
        fmt::format("capsim compare: --figures: no figure matches {}", fmt::join(quoted, " or ")));
  }
  std::vector<std::string> labels;
  for (const output::ComparedRun& run : runs)
    labels.push_back(run.label);
  labels = output::unique_labels(std::move(labels));
  for (std::size_t i = 0; i < runs.size(); ++i)
    runs[i].label = labels[i];
  const output::Comparison comparison = output::compare_runs(runs);

  std::string text = fmt::format(
      "baseline: {}; differences are each input's minus the baseline's\n", labels.front());
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    text += fmt::format("  {}: {} {}\n", labels[i], inputs[i].folder ? "result folder" : "scenario",
                        inputs[i].argument);
  }
  if (iso) {
    text += fmt::format(
        "iso-{0}: every scenario after the baseline was scaled to the baseline's {0} envelope, "
        "{1}\n  iso.scale_factor: the factor applied; {2}: the envelope as run\n",
        envelope_kind_name(*iso), envelope_meaning(*iso, *baseline_envelope),
        envelope_figure(*iso));
  }
  text += "\n" + output::comparison_table(comparison);
  const output::CsvWriter csv = output::comparison_csv(comparison);
  if (parser.has("csv")) {
    try {
      csv.write_to(parser.text("csv", ""));
    } catch (const output::OutputError& error) {
      fmt::print(stderr, "capsim compare: {}\n", error.what());
      return 2;
    }
  }
  std::fputs(text.c_str(), stdout);
  if (parser.has("csv"))
    fmt::print("wrote {}\n", parser.text("csv", ""));
  return 0;
}

}  // namespace capsim::cli
