#pragma once
/// Uncertain runs side by side, paired by replication: what `capsim compare --replications N`
/// prints and writes (docs/compare.md). Replication r of every input drew its shared uncertain
/// inputs from the same random numbers (common random numbers, docs/uncertainty.md), so the
/// difference of a figure in replication r is the difference the plans make, not their luck.
///
/// - Each input's figure: its own distribution over the replications that report it.
/// - Each input after the first against the first (the baseline): the distribution of
///   input - baseline over the replications where both report the figure (the pairs), and the
///   probability that the input's figure is greater, a tie counting half.
/// - Rows: the union of the figure names, in the baseline's order, then the names only later
///   inputs have, in the order they first appear (as output/comparison.hpp).
/// Quantiles are Hyndman-Fan type 7 (numpy's default), as every Monte Carlo report.

#include <optional>
#include <string>
#include <vector>

#include "capsim/output/comparison.hpp"
#include "capsim/output/csv_writer.hpp"

namespace capsim::output {

/// One figure of one input, by replication index; empty where that replication lacks it.
struct SampledFigure {
  std::string name;
  std::vector<std::optional<double>> values;
};

/// One input's replications: its label and its figures.
struct SampledRun {
  std::string label;
  std::vector<SampledFigure> figures;
};

/// The distribution of a sample.
struct Spread {
  std::size_t count = 0;
  double mean = 0.0;
  double sd = 0.0;  ///< sample standard deviation (n - 1); 0 for one value
  double p10 = 0.0;
  double p50 = 0.0;
  double p90 = 0.0;
  double min = 0.0;
  double max = 0.0;
};

/// An input against the baseline over their pairs.
struct PairedDifference {
  Spread difference;               ///< of input - baseline; difference.count is the pairs
  double probability_greater = 0;  ///< (pairs with input > baseline + ties / 2) / pairs
  double probability_equal = 0;    ///< pairs with input == baseline, exactly / pairs
};

struct PairedRow {
  std::string figure;
  std::vector<std::optional<Spread>> marginals;  ///< per input; empty when it never reports it
  /// Per input; [0] (the baseline) is always empty, and so is any input with no pair.
  std::vector<std::optional<PairedDifference>> differences;
};

struct PairedComparison {
  std::vector<std::string> labels;  ///< labels[0] is the baseline
  std::vector<PairedRow> rows;
};

/// The spread of `values` (not empty).
Spread spread_of(std::vector<double> values);

/// The paired comparison of `runs` (at least one; the first is the baseline). Replication r of
/// one run is paired with replication r of the baseline. O(figures · replications · log).
PairedComparison pair_runs(const std::vector<SampledRun>& runs);

/// A probability as a whole percentage ("83%"); "<1%" and ">99%" for one that is not 0 or 1
/// but would round to it, so that "100%" always means every draw.
std::string format_share(double probability);

/// The table: one row per figure and input after the baseline: figure, input, the baseline's
/// P10/P50/P90, the input's, the difference's mean and P10/P50/P90, and P(> base). Numbers as
/// format_human; columns padded, numbers right-aligned, rows ending in "\n". Deterministic.
/// Narrow (the default): each side's P50, the difference's P10, P50 and P90 and P(> base),
/// readable numbers, in at most kNarrowColumns; wide: every column above, every number whole.
std::string paired_table(const PairedComparison& comparison, TableStyle style = TableStyle::narrow);

/// The same in words, one line per figure and input whose figures differ in some draw:
/// "totals.capex_usd: b > a in 83% of draws (b - a: mean +1.2, P10 -0.1, P50 +0.2, P90
/// +0.4)", or "(b - a: +8,600,000 in every draw)" when the difference is constant, mentioning
/// ties when there are; then, per input, one line counting the figures
/// equal to the baseline's in every draw ("b = a in every draw: 12 figures"). Empty when
/// there is no pair.
std::string paired_sentences(const PairedComparison& comparison);

/// Long format, one value per row: figure, input, statistic, value. For every input that
/// reports the figure: count, mean, sd, min, p10, p50, p90, max of its own distribution; for
/// every input after the baseline with a pair: pairs, difference_mean, difference_sd,
/// difference_min, difference_p10, difference_p50, difference_p90, difference_max,
/// probability_greater, probability_equal. Full precision.
CsvWriter paired_csv(const PairedComparison& comparison);

}  // namespace capsim::output
