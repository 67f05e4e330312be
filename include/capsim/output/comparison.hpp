#pragma once
/// Runs side by side: the figures of several runs (summary_figures.hpp) as one table, with
/// each run's absolute and relative difference against the first, the baseline. What
/// `capsim compare` prints and writes as CSV.
///
/// - Rows: the union of the figure names, in the baseline's order, then the names only later
///   inputs have, in the order they first appear. A figure an input lacks stays empty: a
///   missing figure is never shown as 0, and its differences are empty too.
/// - Difference of a design against the baseline: design - baseline. Relative difference:
///   (design - baseline) / |baseline|, so that a positive value means "more than the baseline"
///   even for a negative baseline; none when the baseline is 0.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "capsim/output/csv_writer.hpp"
#include "capsim/output/summary_figures.hpp"

namespace capsim::output {

/// One column of the comparison: an input's label and its figures.
struct ComparedRun {
  std::string label;
  std::vector<SummaryFigure> figures;
};

/// One figure across every input; values[i] is input i's, empty when it lacks the figure.
struct ComparisonRow {
  std::string figure;
  std::vector<std::optional<double>> values;
};

struct Comparison {
  std::vector<std::string> labels;  ///< labels[0] is the baseline
  std::vector<ComparisonRow> rows;
};

/// The comparison of `runs` (at least one; the first is the baseline). When a run names a
/// figure twice, its first value counts. O(total figures · log).
Comparison compare_runs(const std::vector<ComparedRun>& runs);

/// design - baseline, when both exist.
std::optional<double> difference(std::optional<double> design, std::optional<double> baseline);
/// (design - baseline) / |baseline|, when both exist and the baseline is not 0.
std::optional<double> relative_difference(std::optional<double> design,
                                          std::optional<double> baseline);

/// Whether figure `name` matches `pattern`. A pattern with '*' (any run of characters, dots
/// and brackets included) or '?' (any one character) is a glob matched against the whole
/// name; every other character, '[' and ']' included, stands for itself. A pattern without
/// them is a prefix: "totals" matches "totals.capex_usd".
bool figure_matches(std::string_view name, std::string_view pattern);
/// The figures that match any of `patterns`, in their order; all of them when `patterns` is
/// empty.
std::vector<SummaryFigure> select_figures(const std::vector<SummaryFigure>& figures,
                                          const std::vector<std::string>& patterns);

/// Labels made unique: a label seen before gets "#k" appended, k its 1-based position
/// ("base", "base" -> "base", "base#2"), so that every column has its own name.
std::vector<std::string> unique_labels(std::vector<std::string> labels);

/// A number for a reader: at 1,000 and above, rounded to a whole number with thousands
/// separators ("62,500,000,000"); below, 4 significant digits ("0.7", "123.5", "1.235e-05").
/// With `sign`, a positive number gets "+". 0 is "0".
std::string format_human(double value, bool sign = false);
/// A relative difference as a percentage with two decimals ("+14.25%", "-0.50%", "0.00%";
/// "+1,234.50%"); one too small to show that way in two significant digits ("+3.1e-05%").
std::string format_percent(double relative);

/// How compare's table reads at a terminal.
enum class TableStyle {
  /// Readable numbers with their units ("$182.8M", "2.00 GW"; readable.hpp) in at most
  /// kNarrowColumns columns: one table when it fits, else a block per design against the
  /// baseline, long figure names shortened in the middle ("inference[fro...]_usd").
  narrow,
  /// Every number whole (format_human), one table however wide: `capsim compare --wide`.
  wide,
};
inline constexpr std::size_t kNarrowColumns = 100;

/// The comparison as a text table: "figure", a column per input, then for each design after
/// the baseline "<label> - base" and "<label> vs base" (format_percent; "n/a" where the
/// baseline is 0). Columns padded with spaces, numbers right-aligned, rows ending in "\n".
/// Deterministic.
std::string comparison_table(const Comparison& comparison, TableStyle style = TableStyle::narrow);

/// Shortens the first column's cells in the middle ("inference[fro...]_usd") so that
/// padded_table(cells) fits `width` columns, when the other columns leave it 12 or more.
void fit_first_column(std::vector<std::vector<std::string>>& cells, std::size_t width);

/// Rows of cells as text: the first column left-aligned, the others right-aligned, columns
/// two spaces apart and as wide as their widest cell, trailing spaces trimmed, each row ending
/// in "\n". Precondition: every row has at least one cell.
std::string padded_table(const std::vector<std::vector<std::string>>& cells);

/// The comparison as CSV: figure, a column per label, then for each design after the baseline
/// "<label>_minus_<base>" and "<label>_relative" (a fraction, not a percentage). Numbers at
/// full precision (csv_writer.hpp); a missing value or a relative difference against 0 is an
/// empty field.
CsvWriter comparison_csv(const Comparison& comparison);

}  // namespace capsim::output
