// capsim run: load a scenario, simulate it, print the summary and write the result files.

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include <fmt/format.h>

#include "args.hpp"
#include "capsim/model/capacity_model.hpp"
#include "capsim/output/atomic_file.hpp"
#include "capsim/output/capacity_report.hpp"
#include "capsim/output/progress_line.hpp"
#include "capsim/report/run_report.hpp"
#include "capsim/scenario/loader.hpp"
#include "capsim/study/monte_carlo.hpp"
#include "capsim/study/monte_carlo_report.hpp"
#include "capsim/study/monte_carlo_shard.hpp"
#include "capsim/study/run_files.hpp"
#include "capsim/study/uncertainty_drivers.hpp"
#include "capsim/sweep/sweep_runner.hpp"
#include "commands.hpp"
#include "terminal.hpp"

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

output::SeriesLayout parse_format(const ArgParser& parser) {
  const std::string text = parser.text("format", "wide");
  if (text == "wide")
    return output::SeriesLayout::wide;
  if (text == "long")
    return output::SeriesLayout::long_form;
  throw UsageError(
      fmt::format("capsim run: --format: expected one of wide, long, found \"{}\"", text));
}

/// A file written: on stdout, or on stderr when stdout holds the summary as JSON alone.
void print_written(bool json, const std::filesystem::path& path) {
  const std::string line = fmt::format("wrote {}\n", path.string());
  if (json) {
    print_err(line);
  } else {
    print_out(line);
  }
}

/// --replications N (or scenario.replications > 1): the nominal run, then N replications
/// drawing the uncertain inputs, their distributions, risks and drivers.
int run_monte_carlo(const ArgParser& parser, scenario::UncertainScenario loaded,
                    const study::MonteCarloOptions& options) {
  study::MonteCarloStudy study;
  study::MonteCarloResults results;
  const bool shard = options.shard.count > 1;
  try {
    study = study::prepare_study(std::move(loaded), options);
    if (shard) {
      // A shard only runs its replications: the merge computes every statistic.
      const std::vector<study::Replication> replications = study::run_replications(study, options);
      for (const auto& written :
           study::write_shard(parser.text("out", ""), study, options, replications))
        print_out(fmt::format("wrote {}\n", written.string()));
      print_out(fmt::format("shard {}/{}: {} of {} replications\n", options.shard.index,
                            options.shard.count, replications.size(), options.replications));
      return 0;
    }
    const std::vector<std::string> merged = parser.all("merge");
    results = study::monte_carlo_results(
        study, options,
        merged.empty() ? study::run_replications(study, options)
                       : study::read_shards({merged.begin(), merged.end()}, study, options));
  } catch (const InputError& error) {
    print_diagnostics(error);
    return 2;
  } catch (const output::OutputError& error) {
    print_err(fmt::format("capsim run: {}\n", error.what()));
    return 2;
  }
  const Scenario& nominal = study.scenario.nominal;
  if (study.scenario.inputs.empty()) {
    print_err(fmt::format(
        "capsim run: warning: {} replications asked for, but no key of the scenario holds "
        "a distribution: replications differ only by the random seed\n",
        options.replications));
  }
  if (std::all_of(results.distributions.begin(), results.distributions.end(),
                  [](const study::FigureDistribution& d) { return d.min == d.max; })) {
    print_err(
        fmt::format("capsim run: warning: nothing in the scenario is random: all {} replications "
                    "gave the same figures\n",
                    results.replications.size()));
  }
  output::RunExtras extras = study::monte_carlo_extras(study, results);
  const bool json = parser.has("json");
  if (json) {
    print_out(output::summary_json(nominal, study.nominal_run, extras.summary_members));
  } else {
    print_out(output::text_summary(nominal, study.nominal_run));
    print_out(study::monte_carlo_text(study, results.replications, results.distributions,
                                      results.risk, results.drivers));
  }
  if (parser.has("out")) {
    extras.layout = parse_format(parser);
    if (!parser.has("no-report")) {
      extras.report = [&](const std::vector<std::string>& files) {
        report::RunReportExtras report_extras;
        report_extras.files = files;
        report_extras.quantiles = results.quantiles;
        report_extras.replications = results.replications.size();
        return report::run_report_html(nominal, study.nominal_run, report_extras);
      };
    }
    try {
      for (const auto& written :
           output::write_run(parser.text("out", ""), nominal, study.nominal_run, extras))
        print_written(json, written);
    } catch (const output::OutputError& error) {
      print_err(fmt::format("capsim run: {}\n", error.what()));
      return 2;
    }
  }
  return 0;
}

}  // namespace

int run_run(const Arguments& arguments) {
  ArgParser parser(
      "run",
      "Simulates a scenario and prints the fleet at each year end and the totals.\n"
      "With --out, writes timeseries.csv (one row per reporting period),\n"
      "timeseries_sites.csv and timeseries_clusters.csv (one row per period and\n"
      "site, or cluster), yearly.csv (each calendar year), buildout.csv (every order, delivery,\n"
      "install, site phase, retirement), report.html (the run to look at: one\n"
      "self-contained page of charts; not with --no-report) and summary.json, as\n"
      "one set: summary.json is published last, and an\n"
      "earlier run's files that this run does not write are removed (see\n"
      "docs/outputs.md). Bad input writes nothing and exits 2.\n"
      "With --replications N (or scenario.replications), also runs N replications\n"
      "drawing the scenario's uncertain inputs and writes timeseries_quantiles.csv,\n"
      "replications.csv, drivers.csv and a monte_carlo section in summary.json\n"
      "(docs/uncertainty.md).",
      "SCENARIO");
  parser.option("out", "DIR", "write the result files into DIR (created if needed)")
      .option("period", "UNIT", "reporting period: day, week, month, quarter or year",
              "the scenario's")
      .repeatable("set", "KEY.PATH=VALUE", "override a value after extends")
      .repeatable("scale", "KEY.PATH=FACTOR", kScaleHelp)
      .option("replications", "N",
              "Monte Carlo: N runs drawing the uncertain inputs (docs/uncertainty.md)",
              "scenario.replications")
      .option("jobs", "N", "worker threads for replications, 1 to 1024 (also -j N)",
              "the number of cores")
      .option("shard", "K/N",
              "run only the replications whose index mod N is K-1, into --out for --merge")
      .repeatable("merge", "DIR",
                  "join shard folders of the same run instead of running the replications")
      .option("format", "LAYOUT",
              "timeseries.csv, timeseries_sites.csv and timeseries_clusters.csv: wide (a "
              "column per figure) or long (a row per period and figure: period, period_end, "
              "metric, unit, value, site, cluster, part, service, tenant)",
              "wide")
      .flag("no-report", "do not write report.html")
      .flag("json",
            "print the summary (summary.json's content) on stdout instead of the text, and "
            "nothing else there")
      .flag("allow-large", "run a scenario past the work ceilings (docs/scenarios.md)")
      .flag("quiet", "no progress line on the terminal (shown only there, past 2 s)");
  allow_path_option(parser);
  if (parser.parse_or_print_help(expand_short_jobs(arguments)))
    return 0;
  if (parser.positional().size() != 1) {
    throw UsageError("capsim run: expected exactly one scenario file");
  }
  std::optional<PeriodUnit> period;
  if (parser.has("period"))
    period = parse_period(parser.text("period", ""));
  parse_format(parser);  // a bad --format is refused before the run
  const scenario::LoadOptions load_options{parser.has("allow-large"), period, false,
                                           path_policy(parser)};
  scenario::UncertainScenario loaded;
  try {
    loaded = scenario::load_uncertain_scenario(parser.positional().front(), parser.all("set"),
                                               load_options);
  } catch (const InputError& error) {
    print_diagnostics(error);
    return 2;
  }
  study::MonteCarloOptions monte_carlo;
  monte_carlo.replications = static_cast<std::uint64_t>(
      parser.integer("replications", loaded.nominal.scenario.replications, 1, 100000));
  monte_carlo.threads = jobs_option(parser);
  monte_carlo.period = period;
  monte_carlo.load_options = load_options;
  if (const auto shard = shard_option(parser, "run")) {
    if (!parser.has("out"))
      throw UsageError("capsim run: --shard needs --out DIR for the shard's replications");
    monte_carlo.shard = {shard->first, shard->second};
  }
  if ((parser.has("shard") || parser.has("merge")) && monte_carlo.replications < 2)
    throw UsageError(
        "capsim run: --shard and --merge are for replications: give --replications "
        "N (N >= 2) or scenario.replications");
  if (parser.has("shard") && parser.has("json"))
    throw UsageError(
        "capsim run: --json prints a run's summary, and a shard has none: merge the shards "
        "with --merge --json");
  if (parser.has("shard") && parser.has("merge"))
    throw UsageError("capsim run: --shard writes a shard and --merge joins them: give one");
  if (!parser.all("scale").empty()) {
    if (monte_carlo.replications > 1)
      throw UsageError(
          "capsim run: --scale changes one run's scenario; with replications, put the factor in "
          "the scenario (or --set the values)");
    try {
      loaded.nominal = scenario::scale_scenario(loaded.nominal, parser.all("scale"), load_options);
    } catch (const InputError& error) {
      print_diagnostics(error);
      return 2;
    }
  }
  if (monte_carlo.replications > 1)
    return run_monte_carlo(parser, std::move(loaded), monte_carlo);
  const Scenario& scenario = loaded.nominal;
  // jobs.csv is written as jobs finish, into its temporary in the output folder: memory does
  // not grow with finished jobs. The folder is made now and removed again if the run fails
  // before anything is published in it.
  std::unique_ptr<output::JobsCsvStream> jobs_stream;
  std::optional<std::filesystem::path> made_folder;
  RunObservers observers;
  try {
    if (parser.has("out") && scenario.outputs.jobs) {
      const std::filesystem::path out = parser.text("out", "");
      if (!std::filesystem::exists(out))
        made_folder = out;
      output::ensure_directory(out);
      jobs_stream = std::make_unique<output::JobsCsvStream>(
          out / "jobs.csv", Calendar(scenario.scenario.start), scenario.scenario.end_tick());
      observers.jobs = jobs_stream.get();
    }
  } catch (const output::OutputError& error) {
    print_err(fmt::format("capsim run: {}\n", error.what()));
    return 2;
  }
  const auto forget_folder = [&] {
    jobs_stream.reset();
    std::error_code ignored;
    if (made_folder && std::filesystem::is_empty(*made_folder, ignored))
      std::filesystem::remove(*made_folder, ignored);
  };
  std::optional<output::RunProgressLine> progress;
  const auto began = std::chrono::steady_clock::now();
  if (::isatty(STDERR_FILENO) == 1 && !parser.has("quiet")) {
    progress.emplace(stderr, Calendar(scenario.scenario.start), 0, scenario.scenario.end_tick());
    observers.progress = [&](Tick now, std::uint64_t events) {
      progress->update(
          now, events,
          std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count());
    };
  }
  CapacityRun run;
  try {
    run = run_capacity(scenario, period, FailureEvents::when_observed, observers);
  } catch (...) {
    if (progress)
      progress->finish();
    forget_folder();
    throw;
  }
  if (progress)
    progress->finish();
  const bool json = parser.has("json");
  if (json) {
    print_out(output::summary_json(scenario, run));
  } else {
    print_out(output::text_summary(scenario, run));
  }
  if (!loaded.inputs.empty()) {
    const std::string note = fmt::format(
        "{} uncertain inputs at their nominal values: --replications N draws them "
        "(docs/uncertainty.md)\n",
        loaded.inputs.size());
    if (json) {
      print_err(note);
    } else {
      print_out(note);
    }
  }
  if (parser.has("out")) {
    output::RunExtras extras;
    extras.layout = parse_format(parser);
    extras.jobs_stream = jobs_stream.get();
    if (!parser.has("no-report")) {
      extras.report = [&](const std::vector<std::string>& files) {
        report::RunReportExtras report_extras;
        report_extras.files = files;
        return report::run_report_html(scenario, run, report_extras);
      };
    }
    try {
      for (const auto& path : output::write_run(parser.text("out", ""), scenario, run, extras))
        print_written(json, path);
    } catch (const output::OutputError& error) {
      print_err(fmt::format("capsim run: {}\n", error.what()));
      forget_folder();
      return 2;
    }
  }
  return 0;
}

}  // namespace capsim::cli
