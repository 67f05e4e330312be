// capsim compare: scenarios (run here) or result folders (their summary.json) side by side,
// each with its difference against the first; optionally scaled to the first's envelope. The
// comparison is study/compare.hpp's; this file parses, prints and picks the exit status.

#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "args.hpp"
#include "capsim/output/atomic_file.hpp"
#include "capsim/output/comparison.hpp"
#include "capsim/output/paired_comparison.hpp"
#include "capsim/report/compare_report.hpp"
#include "capsim/study/compare.hpp"
#include "commands.hpp"
#include "terminal.hpp"

namespace capsim::cli {

namespace {

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

/// What compare prints: the baseline, each input, the envelope matched, then the table.
std::string comparison_text(const CompareResult& result, std::optional<EnvelopeKind> iso,
                            output::TableStyle style) {
  const std::vector<std::string>& labels = result.comparison.labels;
  std::string text = fmt::format(
      "baseline: {}; differences are each input's minus the baseline's\n", labels.front());
  for (std::size_t i = 0; i < result.inputs.size(); ++i) {
    text += fmt::format("  {}: {} {}\n", labels[i],
                        result.inputs[i].folder ? "result folder" : "scenario",
                        result.inputs[i].argument);
  }
  if (iso) {
    text += fmt::format(
        "iso-{0}: every scenario after the baseline was scaled to the baseline's {0} envelope, "
        "{1}\n  iso.scale_factor: the factor applied; {2}: the envelope as run\n",
        envelope_kind_name(*iso), envelope_meaning(*iso, *result.baseline_envelope),
        envelope_figure(*iso));
  }
  text += "\n" + output::comparison_table(result.comparison, style);
  return text;
}

/// What compare --replications prints: the baseline, each scenario and its draws, how the
/// draws are paired, then the table and the same in words.
std::string paired_text(const UncertainCompareResult& result, output::TableStyle style) {
  const UncertainCompareInput& base = result.inputs.front();
  std::string text = fmt::format(
      "baseline: {}; {} replications of each scenario, replication r of each paired with the "
      "baseline's: differences are each input's minus the baseline's in the same draw\n",
      base.label, result.replications);
  for (std::size_t i = 0; i < result.inputs.size(); ++i) {
    const UncertainCompareInput& input = result.inputs[i];
    text += fmt::format("  {}: scenario {}, seed {}, ", input.label, input.argument, input.seed);
    if (input.uncertain_inputs == 0) {
      text += "no uncertain input";
    } else {
      text += fmt::format("{} uncertain {} in {} {}", input.uncertain_inputs,
                          input.uncertain_inputs == 1 ? "input" : "inputs", input.draws,
                          input.draws == 1 ? "draw" : "draws");
      if (i > 0)
        text += fmt::format(", {} shared with the baseline", input.shared_draws);
    }
    text += "\n";
  }
  text += fmt::format(
      "P(> base): the share of draws in which the input's figure is greater than the "
      "baseline's, a tie counting half\n\n{}\n{}",
      output::paired_table(result.comparison, style), output::paired_sentences(result.comparison));
  return text;
}

/// Seeds that differ draw different numbers for the same input, and scenarios with no
/// distribution differ by their seed alone: both are legal, and both worth saying.
void warn_about_draws(const UncertainCompareResult& result) {
  const UncertainCompareInput& base = result.inputs.front();
  for (std::size_t i = 1; i < result.inputs.size(); ++i) {
    const UncertainCompareInput& input = result.inputs[i];
    if (input.seed != base.seed) {
      print_err(fmt::format(
          "capsim compare: warning: {} has seed {} and the baseline {} seed {}: their "
          "draws are not common random numbers, and the differences include their luck\n",
          input.label, input.seed, base.label, base.seed));
    } else if (input.draws > 0 && base.draws > 0 && input.shared_draws == 0) {
      print_err(
          fmt::format("capsim compare: warning: {} shares no uncertain input with the baseline {}: "
                      "their draws are independent\n",
                      input.label, base.label));
    }
  }
  if (std::all_of(result.inputs.begin(), result.inputs.end(),
                  [](const UncertainCompareInput& input) { return input.uncertain_inputs == 0; })) {
    print_err(fmt::format(
        "capsim compare: warning: {} replications asked for, but no key of any scenario "
        "holds a distribution: replications differ only by the random seed\n",
        result.replications));
  }
}

/// Writes `csv` to `path`; false (after saying why) when it cannot.
bool write_csv(const output::CsvWriter& csv, const std::string& path) {
  try {
    csv.write_to(path);
  } catch (const output::OutputError& error) {
    print_err(fmt::format("capsim compare: {}\n", error.what()));
    return false;
  }
  return true;
}

/// compare --replications N: the scenarios' replications paired under common random numbers.
int run_paired_compare(const ArgParser& parser, const CompareOptions& options) {
  UncertainCompareResult result;
  try {
    result = compare_uncertain_inputs(parser.positional(), options);
  } catch (const CompareError& error) {
    throw UsageError(fmt::format("capsim compare: {}", error.what()));
  } catch (const InputError& error) {
    print_diagnostics(error);
    return 2;
  }
  warn_about_draws(result);
  const std::string text = paired_text(
      result, parser.has("wide") ? output::TableStyle::wide : output::TableStyle::narrow);
  if (parser.has("csv") &&
      !write_csv(output::paired_csv(result.comparison), parser.text("csv", "")))
    return 2;
  print_out(text);
  if (parser.has("csv"))
    print_out(fmt::format("wrote {}\n", parser.text("csv", "")));
  return 0;
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
      "site power and budgets scale together. --replications N runs N replications of each\n"
      "scenario drawing its uncertain inputs, pairs replication r of each with the baseline's\n"
      "(common random numbers) and reports the distribution of the difference and the\n"
      "probability that each input's figure exceeds the baseline's. docs/compare.md has the\n"
      "details.",
      "INPUT INPUT [INPUT...]");
  parser.option("csv", "FILE", "also write the comparison as CSV (atomically)")
      .flag("wide", "one table however wide, every number whole (default: readable, 100 columns)")
      .option("report", "FILE",
              "also write an HTML report: timeseries overlaid, the difference table")
      .repeatable("figures", "PATTERN",
                  "only these figures: a prefix ('totals.') or a glob with * and ? "
                  "('inference[*].cost_per_million_tokens_usd')")
      .option("iso", "KIND", "scale designs to the baseline's power, capex or gpus")
      .repeatable("set", "KEY.PATH=VALUE", "override a value in every scenario, after extends")
      .option("replications", "N",
              "Monte Carlo: N replications of each scenario, paired with the baseline's "
              "(scenario files only; docs/uncertainty.md)")
      .option("jobs", "N", "worker threads for replications, 1 to 1024 (also -j N)",
              "the number of cores")
      .flag("allow-large", "run scenarios past the work ceilings (docs/scenarios.md)");
  allow_path_option(parser);
  if (parser.parse_or_print_help(expand_short_jobs(arguments)))
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

  CompareOptions options;
  options.overrides = parser.all("set");
  options.iso = iso;
  options.figures = parser.all("figures");
  options.allow_large = parser.has("allow-large");
  options.paths = path_policy(parser);
  if (parser.has("replications")) {
    if (parser.has("report")) {
      throw UsageError(
          "capsim compare: --report draws runs over time, which --replications does not keep: "
          "compare the result folders of `capsim run --replications N --out DIR` (each has its "
          "own report), or leave out --report");
    }
    options.replications = static_cast<std::uint64_t>(parser.integer("replications", 0, 1, 100000));
    options.threads = jobs_option(parser);
    return run_paired_compare(parser, options);
  }
  if (parser.has("jobs"))
    throw UsageError("capsim compare: --jobs runs replications on threads: give --replications N");
  CompareResult result;
  try {
    result = compare_inputs(paths, options);
  } catch (const CompareError& error) {
    throw UsageError(fmt::format("capsim compare: {}", error.what()));
  } catch (const InputError& error) {
    print_diagnostics(error);
    return 2;
  } catch (const EnvelopeError& error) {
    throw UsageError(
        fmt::format("capsim compare: --iso {}: {}", envelope_kind_name(*iso), error.what()));
  }
  const std::string text = comparison_text(
      result, iso, parser.has("wide") ? output::TableStyle::wide : output::TableStyle::narrow);
  if (parser.has("csv") &&
      !write_csv(output::comparison_csv(result.comparison), parser.text("csv", "")))
    return 2;
  if (parser.has("report")) {
    const std::string path = parser.text("report", "");
    try {
      output::write_file_atomically(path, report::compare_report_html(result, path));
    } catch (const output::OutputError& error) {
      print_err(fmt::format("capsim compare: {}\n", error.what()));
      return 2;
    }
  }
  print_out(text);
  if (parser.has("csv"))
    print_out(fmt::format("wrote {}\n", parser.text("csv", "")));
  if (parser.has("report"))
    print_out(fmt::format("wrote {}\n", parser.text("report", "")));
  return 0;
}

}  // namespace capsim::cli
