#include "capsim/uncertainty/copula.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>
#include <boost/math/distributions/normal.hpp>

namespace capsim::uncertainty {

GaussianCopula::GaussianCopula(std::size_t dimensions, const std::vector<RankCorrelation>& pairs)
    : correlated_(dimensions, false) {
  const auto n = static_cast<Eigen::Index>(dimensions);
  Eigen::MatrixXd pearson = Eigen::MatrixXd::Identity(n, n);
  for (const RankCorrelation& pair : pairs) {
    if (pair.first >= dimensions || pair.second >= dimensions || pair.first == pair.second)
      throw std::invalid_argument("expected a pair of two different dimensions");
    const double r = 2.0 * std::sin(M_PI * pair.rank / 6.0);
    const auto i = static_cast<Eigen::Index>(pair.first);
    const auto j = static_cast<Eigen::Index>(pair.second);
    pearson(i, j) = r;
    pearson(j, i) = r;
    correlated_[pair.first] = true;
    correlated_[pair.second] = true;
  }
  const Eigen::LLT<Eigen::MatrixXd> llt(pearson);
  // A rank correlation of exactly +-1 makes the matrix singular: semi-definite, still a valid
  // joint distribution, but LLT refuses it. A tiny ridge keeps it computable.
  if (llt.info() != Eigen::Success || !(llt.matrixL().toDenseMatrix().diagonal().minCoeff() > 0)) {
    const Eigen::LLT<Eigen::MatrixXd> ridged(pearson + 1e-12 * Eigen::MatrixXd::Identity(n, n));
    if (ridged.info() != Eigen::Success) {
      throw std::invalid_argument(
          "expected correlations that some joint distribution can have, found a set that is "
          "not (its matrix is not positive definite): weaken the strongest pairs");
    }
    cholesky_ = ridged.matrixL();
    return;
  }
  cholesky_ = llt.matrixL();
}

std::vector<double> GaussianCopula::correlate(const std::vector<double>& uniforms) const {
  const boost::math::normal_distribution<double> standard;
  const auto n = static_cast<Eigen::Index>(uniforms.size());
  Eigen::VectorXd z(n);
  for (Eigen::Index i = 0; i < n; ++i)
    z(i) = boost::math::quantile(standard, uniforms[static_cast<std::size_t>(i)]);
  const Eigen::VectorXd mixed = cholesky_ * z;
  std::vector<double> result = uniforms;
  for (std::size_t i = 0; i < result.size(); ++i) {
    // Kept inside (0, 1), as the streams' uniforms are: no quantile is taken at 0 or 1.
    if (correlated_[i])
      result[i] = std::clamp(boost::math::cdf(standard, mixed(static_cast<Eigen::Index>(i))),
                             0x1.0p-54, 1.0 - 0x1.0p-53);
  }
  return result;
}

}  // namespace capsim::uncertainty
