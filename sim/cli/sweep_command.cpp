// capsim sweep, merge and analyze: parameter sweeps from the command line.

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "args.hpp"
#include "capsim/output/atomic_file.hpp"
#include "capsim/output/progress_line.hpp"
#include "capsim/report/sweep_report.hpp"
#include "capsim/sweep/sensitivity.hpp"
#include "capsim/sweep/sweep_runner.hpp"
#include "commands.hpp"
#include "terminal.hpp"

namespace capsim::cli {

int run_sweep_command(const Arguments& arguments) {
  ArgParser parser(
      "sweep",
      "Runs every point of a sweep file (docs/sweeps.md) with its replications on N threads.\n"
      "Writes DIR/runs.csv (one row per run, in run-id order whatever N is) and\n"
      "DIR/runs_summary.csv (mean and 95% t interval per point) and DIR/report.html (what\n"
      "moves each output, outputs against parameters), as a set: runs.csv last,\n"
      "present only when the sweep has finished (docs/sweeps.md). Finished runs\n"
      "are journaled in DIR/journal.csv: run the same command again after a crash or kill\n"
      "and it reuses them. --shard K/N runs the runs whose id mod N is K-1; join the shards\n"
      "with capsim merge. A bad sweep file writes nothing and exits 2.",
      "SWEEP");
  parser.option("out", "DIR", "write runs.csv, runs_summary.csv and the journal into DIR")
      .option("jobs", "N", "worker threads, 1 to 1024 (also -j N)", "the number of cores")
      .option("shard", "K/N", "run only the K-th of N slices (run_id mod N == K-1)")
      .flag("restart", "discard DIR's journal and results (even of another sweep) first")
      .flag("no-report", "do not write report.html")
      .flag("check", "only validate the file (and run 0, to resolve collect); write nothing")
      .flag("allow-large", "run scenarios past the work ceilings (docs/scenarios.md)")
      .flag("quiet", "no progress line on the terminal");
  allow_path_option(parser);
  if (parser.parse_or_print_help(expand_short_jobs(arguments)))
    return 0;
  if (parser.positional().size() != 1)
    throw UsageError("capsim sweep: expected exactly one sweep file");
  if (parser.has("check")) {
    try {
      const sweep::Sweep loaded = sweep::load_sweep(
          parser.positional().front(), {parser.has("allow-large"), {}, false, path_policy(parser)});
      const std::vector<std::string> columns = sweep::resolve_columns(loaded);
      print_out(fmt::format(
          "ok: sweep {}: {} points x {} replications = {} runs; {} parameters, {} figures: "
          "{}\n",
          loaded.spec.name, loaded.points.size(), loaded.spec.replications, loaded.run_count(),
          loaded.parameter_names.size(), columns.size(), fmt::join(columns, ", ")));
    } catch (const InputError& error) {
      print_diagnostics(error);
      return 2;
    }
    return 0;
  }
  if (!parser.has("out"))
    throw UsageError("capsim sweep: --out DIR is required");
  sweep::SweepOptions options;
  options.out = parser.text("out", "");
  options.threads = jobs_option(parser);
  if (const auto shard = shard_option(parser, "sweep"))
    options.shard = {shard->first, shard->second};
  options.restart = parser.has("restart");
  if (!parser.has("no-report"))
    options.report = report::sweep_report_html;
  const bool terminal = ::isatty(STDERR_FILENO) == 1 && !parser.has("quiet");
  if (terminal) {
    options.on_progress = [](const sweep::SweepProgress& progress) {
      fmt::print(stderr, "\r{}/{} runs, {:.1f} runs/s, {} left   ", progress.done, progress.total,
                 progress.runs_per_s,
                 progress.runs_per_s > 0.0 ? output::clock_text(progress.seconds_left) : "?");
      std::fflush(stderr);
    };
  }
  try {
    const sweep::Sweep loaded = sweep::load_sweep(
        parser.positional().front(), {parser.has("allow-large"), {}, false, path_policy(parser)});
    const sweep::SweepResult result = sweep::run_sweep(loaded, options);
    if (terminal)
      std::fputs("\n", stderr);
    print_out(
        fmt::format("sweep {}: {} points x {} replications; shard {}/{}: {} runs ({} resumed)\n",
                    loaded.spec.name, loaded.points.size(), loaded.spec.replications,
                    options.shard.index, options.shard.count, result.runs, result.resumed));
    for (const auto& path : result.written)
      print_out(fmt::format("wrote {}\n", path.string()));
  } catch (const InputError& error) {
    if (terminal)
      std::fputs("\n", stderr);
    print_diagnostics(error);
    return 2;
  } catch (const sweep::SweepError& error) {
    if (terminal)
      std::fputs("\n", stderr);
    print_err(fmt::format("capsim sweep: {}\n", error.what()));
    return 2;
  } catch (const output::OutputError& error) {
    print_err(fmt::format("capsim sweep: {}\n", error.what()));
    return 2;
  }
  return 0;
}

int run_merge(const Arguments& arguments) {
  ArgParser parser("merge",
                   "Joins the --out folders of the shards of one sweep (capsim sweep --shard K/N)\n"
                   "into DIR: runs.csv, runs_summary.csv and report.html, byte-identical to an\n"
                   "unsharded run.\n"
                   "Refuses shards of different sweeps, unfinished shards, and missing or\n"
                   "duplicate runs (exit 2, nothing written).",
                   "SHARD_DIR...");
  parser.option("out", "DIR", "write the merged runs.csv, runs_summary.csv and report into DIR")
      .flag("no-report", "do not write report.html");
  if (parser.parse_or_print_help(arguments))
    return 0;
  if (!parser.has("out"))
    throw UsageError("capsim merge: --out DIR is required");
  if (parser.positional().empty())
    throw UsageError("capsim merge: expected the shard folders to merge");
  std::vector<std::filesystem::path> shards(parser.positional().begin(), parser.positional().end());
  try {
    for (const auto& path : sweep::merge_shards(
             shards, parser.text("out", ""),
             parser.has("no-report") ? sweep::SweepReportWriter{} : report::sweep_report_html))
      print_out(fmt::format("wrote {}\n", path.string()));
  } catch (const InputError& error) {
    print_diagnostics(error);
    return 2;
  } catch (const sweep::SweepError& error) {
    print_err(fmt::format("capsim {}\n", error.what()));
    return 2;
  } catch (const output::OutputError& error) {
    print_err(fmt::format("capsim merge: {}\n", error.what()));
    return 2;
  }
  return 0;
}

int run_analyze(const Arguments& arguments) {
  ArgParser parser("analyze",
                   "Ranks a sweep's inputs by how much they move each output: standardised\n"
                   "regression coefficients (least squares on z-scored columns) and R^2 per\n"
                   "output figure of runs.csv. Prints a table; --out also writes it as CSV.",
                   "RUNS_CSV");
  parser.option("out", "FILE", "write the coefficients as CSV to FILE");
  if (parser.parse_or_print_help(arguments))
    return 0;
  if (parser.positional().size() != 1)
    throw UsageError("capsim analyze: expected exactly one runs.csv");
  try {
    const sweep::Sensitivity result =
        sweep::analyze_runs(sweep::read_runs_csv(parser.positional().front()));
    for (const sweep::OutputSensitivity& output : result.outputs) {
      if (output.ranked.empty()) {
        print_out(fmt::format("{}: {}\n", output.output, output.note));
        continue;
      }
      print_out(fmt::format("{}  (R² = {:.4f}, {} runs)\n", output.output, output.r_squared,
                            output.runs));
      for (std::size_t r = 0; r < output.ranked.size(); ++r) {
        print_out(fmt::format("  {:>3}  {:<44} {:+.4f}\n", r + 1, output.ranked[r].input,
                              output.ranked[r].standardised));
      }
    }
    for (const auto& [input, why] : result.excluded_inputs)
      print_out(fmt::format("left out: {} ({})\n", input, why));
    if (parser.has("out")) {
      output::write_file_atomically(parser.text("out", ""), sweep::sensitivity_csv(result));
      print_out(fmt::format("wrote {}\n", parser.text("out", "")));
    }
  } catch (const InputError& error) {
    print_diagnostics(error);
    return 2;
  } catch (const output::OutputError& error) {
    print_err(fmt::format("capsim analyze: {}\n", error.what()));
    return 2;
  }
  return 0;
}

}  // namespace capsim::cli
