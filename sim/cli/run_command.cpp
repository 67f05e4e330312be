// capsim run: load a scenario, simulate it, print the summary and write the result files.

#include <cstdio>
#include <string>

#include <fmt/format.h>

#include "args.hpp"
#include "capsim/model/capacity_model.hpp"
#include "capsim/output/atomic_file.hpp"
#include "capsim/output/capacity_report.hpp"
#include "capsim/scenario/loader.hpp"
#include "commands.hpp"

namespace capsim::cli {

namespace {

PeriodUnit parse_period(const std::string& text) {
  for (const PeriodUnit unit : {PeriodUnit::day, PeriodUnit::week, PeriodUnit::month,
                                PeriodUnit::quarter, PeriodUnit::year}) {
    if (text == period_unit_name(unit))
      return unit;
  }
  throw UsageError(fmt::format(
      "capsim run: --period: expected one of day, week, month, quarter, year, found \"{}\"", text));
}

}  // namespace

int run_run(const Arguments& arguments) {
  ArgParser parser("run",
                   "Simulates a scenario and prints the fleet at each year end and the totals.\n"
                   "With --out, writes timeseries.csv (one row per reporting period),\n"
                   "buildout.csv (every order, delivery, install, site phase, retirement) and\n"
                   "summary.json, as one set: summary.json is published last, and an\n"
                   "earlier run's files that this run does not write are removed (see\n"
                   "docs/outputs.md). Bad input writes nothing and exits 2.",
                   "SCENARIO");
  parser.option("out", "DIR", "write the result files into DIR (created if needed)")
      .option("period", "UNIT", "reporting period: day, week, month, quarter or year",
              "the scenario's")
      .repeatable("set", "KEY.PATH=VALUE", "override a value after extends")
      .flag("allow-large", "run a scenario past the work ceilings (docs/scenarios.md)");
  if (parser.parse_or_print_help(arguments))
    return 0;
  if (parser.positional().size() != 1) {
    throw UsageError("capsim run: expected exactly one scenario file");
  }
  std::optional<PeriodUnit> period;
  if (parser.has("period"))
    period = parse_period(parser.text("period", ""));
  Scenario scenario;
  try {
    scenario = scenario::load_scenario(parser.positional().front(), parser.all("set"),
                                       {parser.has("allow-large"), period});
  } catch (const InputError& error) {
    print_diagnostics(error);
    return 2;
  }
  const CapacityRun run = run_capacity(scenario, period);
  std::fputs(output::text_summary(scenario, run).c_str(), stdout);
  if (parser.has("out")) {
    try {
      for (const auto& path : output::write_run(parser.text("out", ""), scenario, run)) {
        fmt::print("wrote {}\n", path.string());
      }
    } catch (const output::OutputError& error) {
      fmt::print(stderr, "capsim run: {}\n", error.what());
      return 2;
    }
  }
  return 0;
}

}  // namespace capsim::cli
