#pragma once
/// Which input moves each output most: standardised regression coefficients (SRC) from a
/// sweep's runs.csv. For each output figure y and the numeric input columns x_1..x_k, all
/// z-scored (mean 0, population standard deviation 1), the least-squares fit
/// y = sum_j beta_j x_j (Eigen, column-pivoting Householder QR) gives each beta_j: the change of
/// y, in standard deviations, per standard deviation of x_j. R^2 says how much of y's variance
/// the linear model explains; a low R^2 means the ranking says little (interactions,
/// non-linearity, or replication noise dominate).

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "capsim/core/dimension.hpp"

namespace capsim::sweep {

/// A runs.csv as text cells. Columns up to "replication" are ids, then the inputs, then "seed",
/// then the outputs.
struct RunsTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

/// Reads a runs.csv; throws InputError (file:line) when it is not one (no run_id ...
/// replication ... seed columns, ragged rows, bad quoting).
RunsTable read_runs_csv(const std::filesystem::path& path);
/// As read_runs_csv, from text; `origin` names it in errors.
RunsTable parse_runs_csv(const std::string& text, const std::string& origin);

struct Coefficient {
  std::string input;
  double standardised = 0.0;
};

/// The sensitivity of one output.
struct OutputSensitivity {
  std::string output;
  std::size_t runs = 0;
  /// Sorted by |standardised| descending (equal to 12 significant digits: by input name).
  /// Empty, with a note, when the output is constant, no input varies, there are no more runs
  /// than varying inputs + 1, or the varying inputs are linearly dependent (QR rank below
  /// their number): a ranking would then be arbitrary.
  std::vector<Coefficient> ranked;
  double r_squared = 0.0;
  /// Why an output has no ranking ("constant: nothing to explain", "not ranked: ..."); empty
  /// otherwise.
  std::string note;
};

struct Sensitivity {
  std::vector<OutputSensitivity> outputs;
  /// Inputs left out of every regression, with why: "constant", "not numeric".
  std::vector<std::pair<std::string, std::string>> excluded_inputs;
};

/// A column of a runs table read as numbers: plain numbers, or quantities of one dimension
/// (then in their canonical unit, and `dimension` says which).
struct NumericColumn {
  std::vector<double> values;
  std::optional<Dimension> dimension;
};
/// The column as numbers, or nothing when a cell is text that is no number nor a quantity of the
/// dimension the others share.
std::optional<NumericColumn> numeric_column(const RunsTable& table, std::size_t column);

/// Input cells may carry units ("70 MW", "$10B", "50%"): a column is numeric when every cell
/// is a plain number, or every cell parses as a quantity of one dimension (then its canonical
/// value is used; standardised coefficients do not depend on the unit). Outputs must be plain
/// numbers. Precondition: at least 2 rows (InputError otherwise).
Sensitivity analyze_runs(const RunsTable& table);

/// The analysis as CSV: output, rank, input, standardised_coefficient, r_squared, runs, note.
/// Excluded inputs are rows with an empty rank and coefficient. Deterministic.
std::string sensitivity_csv(const Sensitivity& sensitivity);

}  // namespace capsim::sweep
