#pragma once
/// Runs side by side, as `capsim compare` sets them (docs/compare.md): scenario files, loaded
/// and run here, and result folders, read from their summary.json; optionally every scenario
/// after the first scaled to the first's envelope (envelope.hpp) before it runs. The figures
/// become one comparison (output/comparison.hpp) with each input's difference against the
/// first, the baseline. Nothing is printed or written.

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "capsim/metrics/recorder.hpp"
#include "capsim/output/comparison.hpp"
#include "capsim/output/paired_comparison.hpp"
#include "capsim/scenario/input_paths.hpp"
#include "capsim/study/envelope.hpp"

namespace capsim {

/// An input is neither a scenario file nor a result folder with a summary.json, a result
/// folder is given where only a scenario will do (with `iso` or `overrides`), or no figure
/// matches the patterns. what() is one line naming the input and the option as `capsim
/// compare` spells it (--iso, --set, --figures).
class CompareError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct CompareOptions {
  /// "key.path=value" overrides applied to every scenario after `extends`, as load_scenario.
  std::vector<std::string> overrides;
  /// When set, every scenario after the first is scaled to the first's envelope of this kind.
  std::optional<EnvelopeKind> iso;
  /// Only the figures that match one of these (output::select_figures); all when empty.
  std::vector<std::string> figures;
  /// Run scenarios past the work ceilings (scenario/work_estimate.hpp).
  bool allow_large = false;
  /// Which files the scenarios may name (scenario/input_paths.hpp).
  scenario::PathPolicy paths{};
  /// compare_uncertain_inputs: the replications of each scenario (0: no replications; a
  /// result folder is then refused), and the threads that run them.
  std::uint64_t replications = 0;
  unsigned threads = 1;
};

/// One input as given.
struct CompareInput {
  std::string argument;  ///< its path
  bool folder = false;   ///< a result folder (its summary.json), else a scenario file run here
};

struct CompareResult {
  std::vector<CompareInput> inputs;  ///< in the order given; the first is the baseline
  /// One column per input: labelled with its scenario's name or its folder's name, made
  /// unique (output::unique_labels). With `iso`, each column starts with "iso.scale_factor"
  /// (the factor applied, 1 for the baseline) and envelope_figure(iso) (its envelope as run).
  output::Comparison comparison;
  /// Per input: a scenario's timeseries as run here, a folder's timeseries.csv when it has
  /// one (what a compare report overlays).
  std::vector<std::optional<Recorder>> timeseries;
  /// With `iso`: the baseline's envelopes, one of which the others were scaled to.
  std::optional<FleetEnvelope> baseline_envelope;
};

/// The figure that carries a compared input's envelope of `kind`, named with its unit:
/// "iso.it_power_w", "iso.capex_usd" or "iso.gpus".
std::string envelope_figure(EnvelopeKind kind);

/// The error when --figures `patterns` match no figure of any input.
CompareError unmatched_figures_error(const std::vector<std::string>& patterns);

/// What each argument is (a scenario file or a result folder), refusing a path that does not
/// exist and a folder where only a scenario will do (with `iso`, `overrides` or
/// `replications`). Reads nothing. Throws CompareError.
std::vector<CompareInput> classify_compare_inputs(const std::vector<std::string>& arguments,
                                                  const CompareOptions& options);

/// Compares `inputs` (paths of scenario files or of folders written by `capsim run --out`;
/// at least one, std::invalid_argument otherwise). Every input is checked and loaded before
/// any runs, so bad input costs no run time. Throws CompareError (see above), InputError when
/// a scenario or a summary.json does not load (the first input that fails, with all its
/// problems), and, with `iso`, EnvelopeError when the baseline's envelope is 0 or a scenario
/// cannot be scaled to it. Runs each scenario once: O(sum of the runs).
CompareResult compare_inputs(const std::vector<std::string>& inputs, const CompareOptions& options);

/// One scenario of an uncertain comparison.
struct UncertainCompareInput {
  std::string argument;              ///< its path
  std::string label;                 ///< its scenario's name, made unique
  std::int64_t seed = 0;             ///< scenario.seed: the root of its draws
  std::size_t uncertain_inputs = 0;  ///< keys holding a distribution
  std::size_t draws = 0;             ///< independent draws: groups and keys in no group
  std::size_t shared_draws = 0;      ///< of them, drawn by the baseline too (its own for it)
};

struct UncertainCompareResult {
  std::vector<UncertainCompareInput> inputs;  ///< in the order given; the first is the baseline
  std::uint64_t replications = 0;
  output::PairedComparison comparison;
};

/// Runs options.replications replications of every scenario in `inputs` (scenario files only:
/// a result folder is a CompareError) on options.threads threads, and pairs replication r of
/// each with replication r of the first, the baseline (output/paired_comparison.hpp). Under
/// one seed the replications of every scenario draw their shared uncertain inputs alike:
/// common random numbers (docs/uncertainty.md). `iso` is not supported (CompareError). Every
/// scenario is loaded before any runs. Throws CompareError, and InputError when a scenario
/// does not load. O(inputs · replications · run).
UncertainCompareResult compare_uncertain_inputs(const std::vector<std::string>& inputs,
                                                const CompareOptions& options);

}  // namespace capsim
