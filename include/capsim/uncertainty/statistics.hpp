#pragma once
/// Statistics of Monte Carlo samples and sweep runs: moments, quantiles, ranks, and the
/// regression measures that rank an output's drivers.
///
/// Drivers: for one output y and k input columns x_1..x_k over n runs, all z-scored (mean 0,
/// population standard deviation 1), the least-squares fit y = sum_j beta_j x_j gives each
/// input's standardised regression coefficient (SRC): the change of y, in standard deviations,
/// per standard deviation of x_j, the others held fixed. R^2 says how much of y's variance the
/// linear model explains. The same fit on ranks (SRRC) measures monotone effects, linear or
/// not: y = exp(5x) has SRRC 1 but SRC below 1. One function fits both, and the sweep
/// analyzer's sensitivity (sim/sweep/sensitivity.cpp) is the same fit.

#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace capsim::uncertainty {

/// The arithmetic mean; 0 for no values.
double mean(std::span<const double> values);
/// The sample standard deviation (divisor n - 1); 0 for fewer than two values.
double sample_sd(std::span<const double> values);
/// True when the values do not vary: their population standard deviation is at most 1e-12 of
/// their mean's magnitude (rounding noise in a constant column is still constant). True for
/// fewer than two values.
bool is_constant(std::span<const double> values);
/// z-scores `values` in place (mean 0, population standard deviation 1); false, leaving them
/// as they were, when they are constant (is_constant).
bool standardise(std::vector<double>& values);

/// The p-quantile of ascending `sorted` values, Hyndman and Fan's type 7 (numpy's default,
/// "linear"): h = (n - 1) p, then linear between the order statistics around h, computed as
/// numpy computes it so that the two agree to the bit. Preconditions: not empty, sorted
/// ascending, no NaN; p in [0, 1] (clamped).
double sorted_quantile(std::span<const double> sorted, double p);
/// The same of unsorted values (sorts a copy).
double sample_quantile(std::vector<double> values, double p);

/// Ranks from 1 in ascending order, tied values given the average of their ranks
/// ({10, 20, 20, 30} -> {1, 2.5, 2.5, 4}). Precondition: no NaN.
std::vector<double> ranks(std::span<const double> values);
/// Pearson's correlation; 0 when either side is constant (is_constant). Same lengths.
double pearson(std::span<const double> x, std::span<const double> y);
/// Spearman's rank correlation: Pearson's of the ranks (ties averaged).
double spearman(std::span<const double> x, std::span<const double> y);

/// A least-squares fit of z-scored y on z-scored columns.
struct Regression {
  /// Per column, in the columns' order (0 for a constant column, which is left out of the
  /// fit); empty when there is no ranking.
  std::vector<double> coefficients;
  double r_squared = 0.0;
  /// Why coefficients is empty; empty otherwise. The texts are sensitivity.csv's:
  /// "constant: nothing to explain", "no input varies", "not ranked: expected more than 3
  /// runs for 2 varying inputs (inputs + 1), found 3", "not ranked: the 2 varying inputs are
  /// linearly dependent (rank 1): vary them independently".
  std::string note;
};

/// Standardised regression coefficients (SRC) of y on the columns of x (each of y's length;
/// std::invalid_argument otherwise). Eigen's column-pivoting Householder QR. No ranking, with
/// a note, when y is constant, no column varies, there are no more rows than varying columns
/// + 1 (the fit is then exact or nearly so whatever the data), or the varying columns are
/// linearly dependent (QR rank below their number: the split of the effect would be arbitrary).
/// |coefficient| below 1e-12 is rounding where a column has no effect, returned as 0.
Regression standardised_regression(const std::vector<std::vector<double>>& x,
                                   std::span<const double> y);
/// Standardised rank regression coefficients (SRRC): the same fit on the ranks of each column
/// and of y.
Regression standardised_rank_regression(const std::vector<std::vector<double>>& x,
                                        std::span<const double> y);

/// The order in which to list drivers: by |coefficient| descending; magnitudes equal to 12
/// significant digits (rounding must not decide) by name. Indices into `coefficients`.
std::vector<std::size_t> driver_order(std::span<const double> coefficients,
                                      const std::vector<std::string>& names);

}  // namespace capsim::uncertainty
