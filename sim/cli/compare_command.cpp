// capsim compare: scenarios (run here) or result folders (their summary.json) side by side,
// each with its difference against the first; optionally scaled to the first's envelope. The
// comparison is study/compare.hpp's; this file parses, prints and picks the exit status.

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "args.hpp"
#include "capsim/output/atomic_file.hpp"
#include "capsim/output/comparison.hpp"
#include "capsim/study/compare.hpp"
#include "commands.hpp"

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
std::string comparison_text(const CompareResult& result, std::optional<EnvelopeKind> iso) {
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
  text += "\n" + output::comparison_table(result.comparison);
  return text;
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
      .repeatable("set", "KEY.PATH=VALUE", "override a value in every scenario, after extends")
      .flag("allow-large", "run scenarios past the work ceilings (docs/scenarios.md)");
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

  CompareOptions options;
  options.overrides = parser.all("set");
  options.iso = iso;
  options.figures = parser.all("figures");
  options.allow_large = parser.has("allow-large");
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
  const std::string text = comparison_text(result, iso);
  const output::CsvWriter csv = output::comparison_csv(result.comparison);
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
