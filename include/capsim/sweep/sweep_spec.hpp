#pragma once
/// A sweep file: a base scenario, parameters (key paths into it, the syntax of `--set`) with
/// their values, replications, and the summary figures to collect. Loaded through the same
/// declarative schema as scenarios, so its errors carry file:line:col, the key path, what was
/// expected and what was found. docs/sweeps.md is the reference.
///
///     base: ../meta-2025-60b.yaml
///     seed: 7
///     replications: 3
///     parameters:
///       - {path: planner.budget_per_period, values: ["$10B", "$15.625B", "$20B"]}
///       - {path: economics.utilisation, range: {from: "50%", to: "90%", count: 5}}
///     collect: [totals.capex_usd, "fleet_at[*].gpus_installed"]

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "capsim/core/dimension.hpp"
#include "capsim/output/csv_writer.hpp"
#include "capsim/scenario/config_node.hpp"
#include "capsim/scenario/loader.hpp"
#include "capsim/scenario/schema.hpp"

namespace capsim::sweep {

enum class RangeScale { linear, log };
enum class Sampling { grid, random, latin_hypercube };

/// `range: {from, to, count, scale}`: `count` values from `from` to `to`, both included.
struct RangeSpec {
  std::string from;  ///< a number, optionally with a unit: "50", "50 MW", "$10B", "70%"
  std::string to;    ///< with the same unit as `from`
  std::int64_t count = 0;
  RangeScale scale = RangeScale::linear;
};

/// One swept key: exactly one of `values`, `range` or `distribution` is given.
struct ParameterSpec {
  std::string path;  ///< e.g. "efficiency.steps[0].factor"
  std::vector<std::string> values;
  RangeSpec range;
  /// `distribution:` as written, in the scenario's syntax (docs/uncertainty.md): the compact
  /// form ("0.5 ~ uniform(0, 1.5)", or without the leading value, "uniform(0, 1.5)") or the
  /// mapping form ({dist: loguniform, low: "2x", high: "20x"}).
  scenario::ConfigNode distribution;
  /// That distribution read by the key's own reader, as a distribution on the base scenario's
  /// key would be (load_sweep): what random and latin_hypercube sampling draw through.
  std::optional<scenario::UncertainInput> sampled;
  /// The schema's slot for `distribution` (load_sweep reads the node itself): unused.
  std::string distribution_slot;
  enum class Kind { values, range, distribution } kind = Kind::values;
};

/// The file's declared content, before expansion.
struct SweepSpec {
  std::string name;
  std::string description;
  std::string base;  ///< as written: relative to the sweep file
  std::int64_t seed = 1;
  std::int64_t replications = 1;
  Sampling sampling = Sampling::grid;
  std::int64_t samples = 0;  ///< random and latin_hypercube only
  std::vector<ParameterSpec> parameters;
  std::vector<std::string> collect;  ///< figure names, '*' matching any text
};

/// The schema of a sweep file (for docs and tests); built once, immutable.
const scenario::RecordSchema<SweepSpec>& sweep_schema();

using ::capsim::AffixedNumber;
using ::capsim::parse_affixed_number;

/// A drawn value as a sweep substitutes it and runs.csv shows it: in the unit the distribution
/// was written in ("13.3872316386x", "59.52%"), rounded to 12 significant digits so that the
/// text is the same on every machine; a choice's value as written.
std::string sampled_value_text(const scenario::UncertainInput& input, const scenario::Draw& drawn);

/// One point of the sweep: the value text of each parameter, in parameter order.
struct SweepPoint {
  std::vector<std::string> values;
};

/// A parameter's or a drawn input's column of runs.csv: its header, and for a key that takes a
/// quantity the dimension its values are read in. Such a column holds numbers in the canonical
/// unit, named in the header (`planner.budget_per_period_usd`, `efficiency.steps[0].factor_x`,
/// `economics.utilisation_share`); a plain number stays as it is, a word or a date as text.
struct ValueColumn {
  std::string header;
  std::optional<Dimension> dimension;
};
/// The column of the scenario key at `path` (the syntax of --set).
ValueColumn value_column(const std::string& path);
/// A value's cell in its column: the number in the canonical unit, or the text as written.
output::CsvCell value_cell(const ValueColumn& column, const std::string& text);

/// A loaded, validated and expanded sweep. Runs are numbered point-major:
/// run_id = point × replications + replication. Immutable; safe to share between threads.
struct Sweep {
  std::string file;  ///< the sweep file as given
  SweepSpec spec;
  scenario::ScenarioSource base;               ///< the base scenario, `extends` resolved
  std::vector<SweepPoint> points;              ///< grid cells × samples, grid-major
  std::vector<std::string> parameter_names;    ///< the parameters' paths
  std::vector<ValueColumn> parameter_columns;  ///< their columns in runs.csv
  /// The base scenario's uncertain inputs (scenario/uncertain_inputs.hpp), with its seed
  /// replaced by the sweep's: the uniforms of replication r are
  /// study::replication_uniforms(uncertain, r), the same at every point (common random numbers).
  scenario::UncertainScenario uncertain;
  /// The indices in uncertain.inputs of the inputs no parameter fixes: each run draws them.
  std::vector<std::size_t> drawn_inputs;
  std::vector<std::string> input_names;    ///< their key paths
  std::vector<ValueColumn> input_columns;  ///< their columns, after the parameters
  /// FNV-1a of the sweep file's bytes, the resolved base scenario (explain_scenario: after
  /// `extends` and catalog includes) and CAPSIM_VERSION, 16 hex digits: a journal, a shard or a
  /// merge input of another sweep is refused by it.
  std::string fingerprint;
  /// Where each `collect` entry was written, to point errors at it.
  std::vector<SourceLocation> collect_locations;
  /// How every run's scenario is loaded: --allow-large lifts the work ceilings.
  scenario::LoadOptions load_options;

  std::uint64_t run_count() const {
    return points.size() * static_cast<std::uint64_t>(spec.replications);
  }
  /// The scenario seed of a run: derive_stream_seed(spec.seed, replication, "sweep.point.P")
  /// halved into [0, 2^63). Depends on (sweep seed, point, replication) only.
  std::uint64_t seed_of(std::uint64_t point, std::uint64_t replication) const;
  /// The drawn inputs' values in replication r (sampled_value_text), in input_names order: the
  /// same at every point. Empty when the base holds no distribution.
  std::vector<std::string> input_values(std::uint64_t replication) const;
  /// The overrides of a run: each parameter's value, each drawn input's value, then
  /// scenario.seed.
  std::vector<scenario::Override> overrides(std::uint64_t run_id) const;
};

/// Loads and validates a sweep file, reads its base scenario and expands its points. Each
/// parameter's values (every listed value, every value of a range up to 1,000 evenly spaced
/// ones, a distribution's lowest, median and highest draws) are loaded with the base scenario,
/// so a path the scenario language does not know, a list index the base lacks, a value with
/// the wrong unit or a range step that is not whole for a key of whole numbers is reported at
/// the sweep file's line. A distribution is read by the scenario's own parser
/// (extract_uncertain_inputs) at its key, so its errors are those of the key, at the sweep
/// file's line. Throws InputError listing every problem. O(values × load time).
/// `options` apply to every load of the base scenario (the work ceilings).
Sweep load_sweep(const std::string& path, const scenario::LoadOptions& options = {});

/// Expands a sweep's parameters into points: the cartesian product of the value and range
/// parameters (the last parameter varying fastest), each crossed with `samples` draws of the
/// distribution parameters when there are any, each the `sampled` distribution's draw at the
/// design's uniform. Deterministic in `spec.seed`. Precondition: `spec` passed validation
/// (load_sweep, which sets `sampled`). Exposed for tests.
std::vector<SweepPoint> expand_points(const SweepSpec& spec);

/// Values of a range, `from` and `to` included exactly. Precondition: count >= 2, and both
/// ends positive for a log scale.
std::vector<double> range_values(double from, double to, std::int64_t count, RangeScale scale);

/// A Latin hypercube design on [0, 1)^dimensions: for each dimension, sample i lies in stratum
/// permutation[i] of `samples` equal strata, each stratum hit exactly once. Row-major:
/// result[i * dimensions + d].
std::vector<double> latin_hypercube(std::size_t samples, std::size_t dimensions,
                                    std::uint64_t seed);

}  // namespace capsim::sweep
