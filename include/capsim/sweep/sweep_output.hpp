#pragma once
/// The files of a sweep's output folder, and joining shards:
///
/// - `manifest.yaml`: which sweep the folder holds (its fingerprint, run count, shard, the
///   parameter and figure columns). A folder of another sweep is refused, never mixed.
/// - `journal.csv`: runs.csv's header, then one row per finished run in the order runs finish,
///   each flushed and fsynced: what a resumed sweep reuses.
/// - `runs.csv`: the journal's rows in run-id order. Columns: run_id, point, replication, one
///   per parameter (the value text as substituted), one per uncertain input of the base that
///   each run draws, seed, one per collected figure.
/// - `runs_summary.csv`: per point, the mean and 95% Student t interval of each figure across
///   replications (unsharded sweeps and merges only: a shard holds only some replications).
///
/// runs.csv marks a finished sweep: a sweep removes it before its journal changes and publishes
/// it last, after runs_summary.csv (output::publish_file_set). Whenever runs.csv is present, the
/// folder's runs_summary.csv and manifest.yaml belong to the same finished sweep; without it,
/// the sweep is unfinished (run it again: it resumes from the journal) or its end was torn.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "capsim/sweep/sensitivity.hpp"

namespace capsim::sweep {

/// A sweep's output folder holds another sweep, a shard or merge input is missing or
/// inconsistent, or a run failed. what() says which file and what to do.
class SweepError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// What manifest.yaml records.
struct Manifest {
  std::string sweep;        ///< the sweep's name
  std::string fingerprint;  ///< Sweep::fingerprint
  std::uint64_t runs = 0;   ///< in the whole sweep, all shards
  std::uint64_t replications = 1;
  /// The sweep file's seed, from which each run's seed derives (run_seed); absent in the
  /// manifests of older versions.
  std::optional<std::uint64_t> seed;
  std::uint64_t shard_index = 1;  ///< K of --shard K/N, from 1
  std::uint64_t shard_count = 1;  ///< N
  std::vector<std::string> parameters;
  /// The base scenario's uncertain inputs each run draws (Sweep::input_names); absent from the
  /// manifest when there are none.
  std::vector<std::string> inputs;
  std::vector<std::string> figures;
  /// runs.csv's column of the seed: after run_id, point, replication, parameters and inputs.
  std::size_t seed_column() const { return 3 + parameters.size() + inputs.size(); }
};

/// The file whose presence means a sweep folder holds a whole result.
inline constexpr std::string_view kSweepDoneMarker = "runs.csv";

/// The files of a sweep folder written atomically, whose temporaries a killed writer leaves
/// (cleaned up when a sweep or merge next writes the folder).
const std::vector<std::string_view>& sweep_file_names();

/// The manifest as YAML text. Deterministic.
std::string manifest_yaml(const Manifest& manifest);
/// Reads `path`; throws InputError (with file:line:col) when it is not a manifest.
Manifest read_manifest(const std::filesystem::path& path);

/// runs.csv's columns: run_id, point, replication, parameters..., inputs..., seed, figures...
std::vector<std::string> runs_header(const Manifest& manifest);

/// The fields of one CSV line as csv_row writes it (quotes undone), without its "\n".
/// False when the line is not valid CSV (an unbalanced quote).
bool split_csv_line(std::string_view line, std::vector<std::string>& fields);

/// The scenario seed of run (point, replication) of a sweep seeded `sweep_seed`:
/// derive_stream_seed(sweep_seed, replication, "sweep.point.P") halved into [0, 2^63).
std::uint64_t run_seed(std::uint64_t sweep_seed, std::uint64_t point, std::uint64_t replication);

/// Checks one row of runs.csv (or of the journal), split into fields, against the manifest:
/// the field count, a run id below manifest.runs, the point and replication that run id has,
/// the seed it derives (when the manifest has the sweep's seed), and every figure a finite
/// number. Sets `run_id` when it parses. Returns what was expected and found ("a row of 9
/// fields, found 5"), or nothing when the row is sound. O(fields).
std::optional<std::string> row_problem(const std::vector<std::string>& fields,
                                       const Manifest& manifest, std::uint64_t& run_id);

/// runs_summary.csv from runs.csv's rows given in run-id order. O(points) memory.
class SummaryBuilder {
 public:
  explicit SummaryBuilder(const Manifest& manifest);
  /// One row of runs.csv, split into fields, that passed row_problem. Rows of one point come
  /// together.
  void add(const std::vector<std::string>& fields);
  /// The whole runs_summary.csv document.
  std::string finish();

 private:
  void flush_point();

  const Manifest& manifest_;
  std::string text_;
  std::int64_t point_ = -1;
  std::vector<std::string> point_values_;
  std::vector<std::vector<double>> samples_;  ///< per figure, this point's values
};

/// Writes a whole sweep's report.html from its runs.csv (as cells) and runs_summary.csv text
/// (the CLI passes report::sweep_report_html; the sweep library knows no report). Empty: no
/// report.
using SweepReportWriter =
    std::function<std::string(const Manifest&, const RunsTable&, std::string_view)>;

/// Joins shard folders (each with manifest.yaml and runs.csv) into `out`: runs.csv,
/// runs_summary.csv and a manifest of shard 1/1, byte-identical to an unsharded run of the
/// same sweep, published as a set (runs.csv last); a journal.csv in `out` is removed, since the
/// merged rows come from the shards, not from it. Refuses (SweepError naming file:line, nothing
/// written) shards of different sweeps, a shard without runs.csv, a row that fails row_problem, and
/// any run missing or given twice. Reads every runs.csv into memory.
std::vector<std::filesystem::path> merge_shards(const std::vector<std::filesystem::path>& shards,
                                                const std::filesystem::path& out,
                                                const SweepReportWriter& report = {});

}  // namespace capsim::sweep
