#pragma once
/// Rank correlation between groups of uncertain inputs, by a Gaussian copula: each group's
/// uniform becomes a standard normal, the normals are mixed by the Cholesky factor of the
/// Pearson correlation matrix, and each goes back to a uniform. A bivariate normal with Pearson
/// correlation r has Spearman correlation (6 / pi) asin(r / 2), so the matrix holds
/// r = 2 sin(pi rho / 6) for the rank correlation rho asked for; the copula keeps it exactly.

#include <cstddef>
#include <vector>

#include <Eigen/Dense>

namespace capsim::uncertainty {

/// Spearman rank correlation `rank` between dimensions `first` and `second`.
struct RankCorrelation {
  std::size_t first = 0;
  std::size_t second = 0;
  double rank = 0.0;
};

class GaussianCopula {
 public:
  /// Throws std::invalid_argument when the pairs do not make a positive definite matrix (no
  /// joint distribution has those correlations), or name a dimension twice.
  GaussianCopula(std::size_t dimensions, const std::vector<RankCorrelation>& pairs);
  /// Independent uniforms in (0, 1), one per dimension, to correlated ones. A dimension in no
  /// pair keeps its uniform exactly.
  std::vector<double> correlate(const std::vector<double>& uniforms) const;

 private:
  Eigen::MatrixXd cholesky_;      ///< lower triangular
  std::vector<bool> correlated_;  ///< per dimension: in some pair
};

}  // namespace capsim::uncertainty
