// capsim validate, explain and schema: the scenario language from the command line.

#include <cstdio>

#include <fmt/format.h>

#include "args.hpp"
#include "capsim/output/outputs_reference.hpp"
#include "capsim/scenario/loader.hpp"
#include "capsim/scenario/reference.hpp"
#include "commands.hpp"
#include "terminal.hpp"

namespace capsim::cli {

void print_diagnostics(const InputError& error) {
  for (const Diagnostic& diagnostic : error.diagnostics()) {
    print_err(fmt::format("{}\n", diagnostic.format()));
  }
}

namespace {

std::string scenario_summary(const Scenario& loaded) {
  const Calendar calendar(loaded.scenario.start);
  return fmt::format(
      "\"{}\" from {} to {} ({:g} days): {} sites, {} clusters, {} accelerators, {} training "
      "jobs{}, {} inference services",
      loaded.scenario.name, format_date(loaded.scenario.start),
      format_date(calendar.date_of(loaded.scenario.end_tick())),
      loaded.scenario.horizon_seconds() / 86400.0, loaded.sites.size(), loaded.clusters.size(),
      loaded.catalog.accelerators.size(), loaded.training.jobs.size(),
      loaded.training.generator.arrivals_per_s > 0.0 ? " and a job generator" : "",
      loaded.inference.services.size());
}

}  // namespace

int run_validate(const Arguments& arguments) {
  ArgParser parser("validate",
                   "Checks scenario files strictly and reports every problem found, each as\n"
                   "file:line:col: key.path: expected ..., found .... Exit status 2 if any file\n"
                   "has a problem, a scenario past the work ceilings included (see\n"
                   "docs/scenarios.md) unless --allow-large.",
                   "FILE...");
  parser.repeatable("set", "KEY.PATH=VALUE", "override a value after extends")
      .repeatable("scale", "KEY.PATH=FACTOR", kScaleHelp)
      .flag("allow-large", "accept a scenario past the work ceilings");
  allow_path_option(parser);
  if (parser.parse_or_print_help(arguments))
    return 0;
  if (parser.positional().empty())
    throw UsageError("capsim validate: no scenario file given");
  int status = 0;
  for (const std::string& file : parser.positional()) {
    try {
      const scenario::LoadOptions options{
          parser.has("allow-large"), {}, false, path_policy(parser)};
      const Scenario loaded = scenario::scale_scenario(
          scenario::load_scenario(file, parser.all("set"), options), parser.all("scale"), options);
      print_out(fmt::format("ok: {}: {}\n", file, scenario_summary(loaded)));
    } catch (const InputError& error) {
      print_diagnostics(error);
      print_err(fmt::format("invalid: {}: {} problem{}\n", file, error.diagnostics().size(),
                            error.diagnostics().size() == 1 ? "" : "s"));
      status = 2;
    }
  }
  return status;
}

int run_explain(const Arguments& arguments) {
  ArgParser parser("explain",
                   "Prints the scenario as the simulator sees it: after extends, the catalog and\n"
                   "--set overrides, with every default filled in and every quantity in\n"
                   "canonical units (s, W, J, USD, FLOP, bytes, tokens). Uncertain inputs\n"
                   "print at their nominal values, then listed as comments.",
                   "FILE");
  parser.repeatable("set", "KEY.PATH=VALUE", "override a value after extends")
      .repeatable("scale", "KEY.PATH=FACTOR", kScaleHelp);
  allow_path_option(parser);
  if (parser.parse_or_print_help(arguments))
    return 0;
  if (parser.positional().size() != 1) {
    throw UsageError("capsim explain: expected exactly one scenario file");
  }
  if (parser.has("scale") && !parser.all("scale").empty()) {
    try {
      const scenario::LoadOptions options{true, {}, false, path_policy(parser)};
      print_out(scenario::explain_scenario(scenario::scale_scenario(
          scenario::load_scenario(parser.positional().front(), parser.all("set"), options),
          parser.all("scale"), options)));
      return 0;
    } catch (const InputError& error) {
      print_diagnostics(error);
      return 2;
    }
  }
  try {
    // explain only prints the scenario: its size is no reason to refuse it.
    const scenario::UncertainScenario loaded = scenario::load_uncertain_scenario(
        parser.positional().front(), parser.all("set"), {true, {}, false, path_policy(parser)});
    print_out(scenario::explain_scenario(loaded.nominal));
    // YAML comments: the output still reads back as the nominal scenario.
    if (!loaded.inputs.empty()) {
      print_out("# Uncertain inputs (docs/uncertainty.md), at their nominal values above:\n");
      for (const scenario::UncertainInput& input : loaded.inputs) {
        print_out(fmt::format("#   {}: {} (nominal {}{})\n", input.path, input.written,
                              input.nominal_text,
                              input.group.empty() ? "" : ", group " + input.group));
      }
    }
    return 0;
  } catch (const InputError& error) {
    print_diagnostics(error);
    return 2;
  }
}

int run_schema(const Arguments& arguments) {
  ArgParser parser("schema",
                   "Prints the scenario language: a JSON Schema for editors (--json) or the\n"
                   "reference of every key (--markdown, the text of docs/scenarios.md); or the\n"
                   "reference of every output column (--outputs, the text of docs/outputs.md).");
  parser.flag("json", "JSON Schema (draft 2020-12)")
      .flag("markdown", "the Markdown reference")
      .flag("outputs", "the Markdown reference of the outputs");
  if (parser.parse_or_print_help(arguments))
    return 0;
  const int given = static_cast<int>(parser.has("json")) +
                    static_cast<int>(parser.has("markdown")) +
                    static_cast<int>(parser.has("outputs"));
  if (given != 1)
    throw UsageError("capsim schema: give exactly one of --json, --markdown or --outputs");
  const std::string text = parser.has("json")       ? scenario::scenario_json_schema()
                           : parser.has("markdown") ? scenario::scenario_reference_markdown()
                                                    : output::outputs_reference_markdown();
  print_out(text);
  return 0;
}

}  // namespace capsim::cli
