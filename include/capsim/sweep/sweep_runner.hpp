#pragma once
/// Running a sweep's runs on threads, resumably, optionally one shard of many.
///
/// Each run loads the base scenario with its overrides (sweep_spec.hpp) and runs the capacity
/// model on its own engine; nothing is shared between runs but the immutable Sweep. A finished
/// run's row is appended to the folder's journal (sweep_output.hpp) and fsynced before the next
/// batch, so killing the process loses only runs in progress; run again, the sweep reuses the
/// journal's rows. runs.csv is written once every run of the slice is in the journal, in run-id
/// order, so its bytes depend on the sweep file and the shard only, never on -j or on resumes.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "capsim/output/summary_figures.hpp"
#include "capsim/sweep/sweep_output.hpp"
#include "capsim/sweep/sweep_spec.hpp"

namespace capsim::sweep {

/// `--shard K/N`: the runs whose run_id mod N equals K - 1 (round robin, so that expensive
/// corners of a grid spread over all shards).
struct Shard {
  std::uint64_t index = 1;  ///< K, from 1
  std::uint64_t count = 1;  ///< N
  bool contains(std::uint64_t run_id) const { return run_id % count == index - 1; }
};

/// "K/N" with 1 <= K <= N; nothing otherwise.
std::optional<Shard> parse_shard(const std::string& text);

struct SweepProgress {
  std::uint64_t done = 0;     ///< runs of the slice finished, resumed ones included
  std::uint64_t total = 0;    ///< runs of the slice
  std::uint64_t resumed = 0;  ///< found in the journal
  double elapsed_s = 0.0;
  double runs_per_s = 0.0;    ///< runs finished in this process per second of wall time
  double seconds_left = 0.0;  ///< at that rate; 0 until a run has finished
};

struct SweepOptions {
  std::filesystem::path out;
  unsigned threads = 1;
  Shard shard;
  /// Discard the folder's journal and results (even of another sweep) and start over.
  bool restart = false;
  /// Called on the calling thread about five times a second and once at the end.
  std::function<void(const SweepProgress&)> on_progress;
  /// Writes report.html beside runs.csv when the sweep is whole (not a shard); empty: none.
  SweepReportWriter report;
};

struct SweepResult {
  std::uint64_t runs = 0;     ///< in the slice
  std::uint64_t resumed = 0;  ///< taken from the journal
  std::vector<std::filesystem::path> written;
};

/// The figure columns a sweep collects, from the figures of one run: each `collect` entry's
/// matches in the run's order ('*' matches any text), each name once. An entry matching
/// nothing, or naming a column runs.csv already has (seed), is an InputError at its place in the
/// sweep file; a pattern silently skips such names.
std::vector<std::string> collect_columns(const Sweep& sweep,
                                         const std::vector<output::SummaryFigure>& figures);

/// Simulates run 0 and resolves `collect` against its figures (collect_columns): what every
/// shard's columns are. Throws InputError as collect_columns does. Thread-safe.
std::vector<std::string> resolve_columns(const Sweep& sweep);

/// Simulates one run: the base scenario with the run's overrides. Throws InputError when they
/// do not load together (the last diagnostic names the run and its values). Thread-safe.
std::vector<output::SummaryFigure> simulate_run(const Sweep& sweep, std::uint64_t run_id);

/// A run's runs.csv row (ending in "\n") from the figures it produced. Throws SweepError naming
/// the run when it lacks one of `figures` or one of them is not a finite number.
std::string format_run_row(const Sweep& sweep, std::uint64_t run_id,
                           const std::vector<output::SummaryFigure>& produced,
                           const std::vector<std::string>& figures);

/// Runs one run and returns its runs.csv row (ending in "\n"). Throws InputError as
/// simulate_run, SweepError as format_run_row. Thread-safe.
std::string run_row(const Sweep& sweep, std::uint64_t run_id,
                    const std::vector<std::string>& figures);

/// Runs the slice's runs not yet in `options.out`'s journal on `options.threads` threads, then
/// writes runs.csv (and runs_summary.csv when unsharded) atomically. Before anything is
/// written, run 0 is simulated to resolve `collect` (InputError if an entry matches nothing),
/// unless the folder's manifest already names the columns. Throws SweepError when the folder
/// holds another sweep or shard (unless `restart`) or its journal is damaged beyond a torn
/// last line (which is discarded), and rethrows the first failure of a run after the other
/// threads stop; finished runs stay in the journal.
SweepResult run_sweep(const Sweep& sweep, const SweepOptions& options);

}  // namespace capsim::sweep
