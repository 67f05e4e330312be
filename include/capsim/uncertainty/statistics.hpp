#pragma once
/// Statistics of Monte Carlo samples: moments, quantiles, ranks, and the regression measures
/// that rank an output's drivers.

#include <string>
#include <vector>

namespace capsim::uncertainty {

double mean(const std::vector<double>& values);
/// z-scores `values` in place (mean 0, population standard deviation 1); false, leaving them
/// as they were, when they are constant to 12 significant digits of their mean.
bool standardise(std::vector<double>& values);
/// Sample standard deviation (divisor n - 1); 0 for fewer than two values.
double sample_sd(const std::vector<double>& values);
/// The p-quantile of sorted values, Hyndman-Fan type 7 (numpy's default). Precondition: not
/// empty, sorted ascending, p in [0, 1].
double sorted_quantile(const std::vector<double>& sorted, double p);
/// Ranks from 1, ties given their average rank.
std::vector<double> ranks(const std::vector<double>& values);
/// Spearman's rank correlation (Pearson's of the ranks); 0 when either is constant.
double spearman(const std::vector<double>& x, const std::vector<double>& y);

/// A least-squares fit of z-scored y on z-scored columns.
struct Regression {
  std::vector<double> coefficients;  ///< per column; empty when there is no ranking
  double r_squared = 0.0;
  std::string note;  ///< why coefficients is empty
};
/// Standardised regression coefficients (SRC) of y on the columns of x (each of y's length).
Regression standardised_regression(const std::vector<std::vector<double>>& x,
                                   const std::vector<double>& y);
/// The same on ranks (SRRC).
Regression standardised_rank_regression(const std::vector<std::vector<double>>& x,
                                        const std::vector<double>& y);

}  // namespace capsim::uncertainty
