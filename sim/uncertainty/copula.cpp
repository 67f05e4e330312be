#include "capsim/uncertainty/copula.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <optional>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>
#include <Eigen/Dense>
#include <boost/math/distributions/normal.hpp>

namespace capsim::uncertainty {

namespace {

/// Boost.Math reports by value, never by exception (inputs are clamped before anyway).
using QuietPolicy = boost::math::policies::policy<
    boost::math::policies::domain_error<boost::math::policies::ignore_error>,
    boost::math::policies::overflow_error<boost::math::policies::ignore_error>,
    boost::math::policies::underflow_error<boost::math::policies::ignore_error>,
    boost::math::policies::evaluation_error<boost::math::policies::ignore_error>>;
using StandardNormal = boost::math::normal_distribution<double, QuietPolicy>;

/// The open interval the copula's uniforms live in: Phi^-1 of either end is finite (about
/// -38.5 and 8.3), and a quantile taken at the result is never a support's infinite end.
constexpr double kLowest = std::numeric_limits<double>::denorm_min();
constexpr double kHighest = 1.0 - 0x1.0p-53;

/// How far below zero a pivot of the semi-definite factorisation may fall by rounding alone
/// (entries of a correlation matrix are at most 1 in magnitude).
constexpr double kPivotTolerance = 1e-12;

/// A factor F with F F^T = matrix, row-major; nothing when no joint distribution has these
/// correlations. Positive definite: the Cholesky factor (LLT). Semi-definite (a rank of
/// exactly +-1 makes the matrix singular): the pivoted LDL^T's P^T L D^(1/2).
std::optional<std::vector<double>> correlation_factor(const Eigen::MatrixXd& matrix) {
  const Eigen::Index n = matrix.rows();
  Eigen::MatrixXd factor;
  const Eigen::LLT<Eigen::MatrixXd> llt(matrix);
  if (llt.info() == Eigen::Success) {
    factor = llt.matrixL();
  } else {
    // Eigen's LDLT reports a zero pivot as a NumericalIssue even where the factor is right (a
    // singular but semi-definite matrix): the pivots and F F^T decide instead.
    const Eigen::LDLT<Eigen::MatrixXd> ldlt(matrix);
    if (!(ldlt.vectorD().minCoeff() >= -kPivotTolerance))
      return std::nullopt;
    const Eigen::VectorXd root = ldlt.vectorD().cwiseMax(0.0).cwiseSqrt();
    const Eigen::MatrixXd lower = ldlt.matrixL();
    factor = ldlt.transpositionsP().transpose() * (lower * root.asDiagonal());
    // F F^T is semi-definite whatever F is: when it gives the matrix back (to 1e-9), the
    // matrix is a valid correlation matrix, and rounding in the pivots cannot pass for one.
    if (!((factor * factor.transpose() - matrix).cwiseAbs().maxCoeff() <= 1e-9))
      return std::nullopt;
  }
  std::vector<double> rows(static_cast<std::size_t>(n * n));
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = 0; j < n; ++j)
      rows[static_cast<std::size_t>(i * n + j)] = factor(i, j);
  }
  return rows;
}

Eigen::MatrixXd pearson_matrix(std::size_t groups, const std::vector<RankCorrelation>& pairs) {
  const auto n = static_cast<Eigen::Index>(groups);
  Eigen::MatrixXd matrix = Eigen::MatrixXd::Identity(n, n);
  for (const RankCorrelation& pair : pairs) {
    const double r = pearson_of_rank(pair.rank);
    matrix(static_cast<Eigen::Index>(pair.first), static_cast<Eigen::Index>(pair.second)) = r;
    matrix(static_cast<Eigen::Index>(pair.second), static_cast<Eigen::Index>(pair.first)) = r;
  }
  return matrix;
}

/// The matrix restricted to the groups in `kept`.
Eigen::MatrixXd restricted(const Eigen::MatrixXd& matrix, const std::vector<std::size_t>& kept) {
  const auto n = static_cast<Eigen::Index>(kept.size());
  Eigen::MatrixXd result(n, n);
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = 0; j < n; ++j) {
      result(i, j) = matrix(static_cast<Eigen::Index>(kept[static_cast<std::size_t>(i)]),
                            static_cast<Eigen::Index>(kept[static_cast<std::size_t>(j)]));
    }
  }
  return result;
}

/// The groups of a smallest inconsistent set: drop each group in turn while what is left is
/// still inconsistent. What remains is inconsistent, and dropping any one of it is not.
std::vector<std::size_t> inconsistent_core(const Eigen::MatrixXd& matrix) {
  std::vector<std::size_t> kept(static_cast<std::size_t>(matrix.rows()));
  for (std::size_t i = 0; i < kept.size(); ++i)
    kept[i] = i;
  for (std::size_t at = 0; at < kept.size();) {
    std::vector<std::size_t> without = kept;
    without.erase(without.begin() + static_cast<std::ptrdiff_t>(at));
    if (!correlation_factor(restricted(matrix, without)))
      kept = std::move(without);
    else
      ++at;
  }
  return kept;
}

std::string pair_name(const std::vector<std::string>& names, const RankCorrelation& pair) {
  return fmt::format("({}, {})", names[pair.first], names[pair.second]);
}

std::vector<std::string> numbered_names(std::size_t groups) {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < groups; ++i)
    names.push_back(fmt::format("#{}", i + 1));
  return names;
}

}  // namespace

double pearson_of_rank(double rank) {
  // sin(pi / 6) is 0.49999999999999994 in binary: the ends are set, not computed, so that a
  // rank of 1 is a correlation of exactly 1 (identical ranks, not nearly).
  if (rank == 1.0 || rank == -1.0 || rank == 0.0)
    return rank;
  return 2.0 * std::sin(std::numbers::pi * rank / 6.0);
}

GaussianCopula::GaussianCopula(std::size_t groups, const std::vector<RankCorrelation>& pairs)
    : GaussianCopula(numbered_names(groups), pairs) {}

GaussianCopula::GaussianCopula(std::vector<std::string> names,
                               const std::vector<RankCorrelation>& pairs)
    : names_(std::move(names)), correlated_(names_.size(), false) {
  const std::size_t n = names_.size();
  for (std::size_t p = 0; p < pairs.size(); ++p) {
    const RankCorrelation& pair = pairs[p];
    if (pair.first >= n || pair.second >= n) {
      throw std::invalid_argument(
          fmt::format("copula: a pair names group {} of {}", std::max(pair.first, pair.second), n));
    }
    if (pair.first == pair.second) {
      throw std::invalid_argument(
          fmt::format("expected a correlation between two different groups, found {}",
                      pair_name(names_, pair)));
    }
    if (!(pair.rank >= -1.0 && pair.rank <= 1.0)) {
      throw std::invalid_argument(
          fmt::format("expected a rank correlation in [-1, 1], found {} "
                      "for {}",
                      pair.rank, pair_name(names_, pair)));
    }
    for (std::size_t q = 0; q < p; ++q) {
      const bool same =
          std::minmax(pairs[q].first, pairs[q].second) == std::minmax(pair.first, pair.second);
      if (same) {
        throw std::invalid_argument(fmt::format("expected each pair of groups once, found {} twice",
                                                pair_name(names_, pair)));
      }
    }
    if (pair.rank != 0.0) {
      correlated_[pair.first] = true;
      correlated_[pair.second] = true;
    }
  }
  const Eigen::MatrixXd matrix = pearson_matrix(n, pairs);
  std::optional<std::vector<double>> factor = correlation_factor(matrix);
  if (!factor) {
    const std::vector<std::size_t> core = inconsistent_core(matrix);
    std::string listed;
    for (const RankCorrelation& pair : pairs) {
      const auto in_core = [&](std::size_t g) {
        return std::find(core.begin(), core.end(), g) != core.end();
      };
      if (pair.rank != 0.0 && in_core(pair.first) && in_core(pair.second))
        listed +=
            fmt::format("{}{} {}", listed.empty() ? "" : ", ", pair_name(names_, pair), pair.rank);
    }
    throw std::invalid_argument(fmt::format(
        "the correlations are not consistent: the matrix is not positive definite: no joint "
        "distribution has the rank correlations {} together; weaken one of them",
        listed));
  }
  factor_ = std::move(*factor);
}

std::vector<double> GaussianCopula::correlate(const std::vector<double>& uniforms) const {
  const std::size_t n = names_.size();
  if (uniforms.size() != n) {
    throw std::invalid_argument(
        fmt::format("copula: expected {} uniforms, one per group, found {}", n, uniforms.size()));
  }
  const StandardNormal standard;
  std::vector<double> z(n, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    if (correlated_[i])
      z[i] = boost::math::quantile(standard, std::clamp(uniforms[i], kLowest, kHighest));
  }
  std::vector<double> result = uniforms;
  for (std::size_t i = 0; i < n; ++i) {
    if (!correlated_[i])
      continue;  // its own uniform, bit for bit
    // Summed in group order: the same bytes on every machine and thread count. An
    // uncorrelated group's z is 0 and its column is 0 in every correlated row anyway.
    double mixed = 0.0;
    for (std::size_t j = 0; j < n; ++j)
      mixed += factor_[i * n + j] * z[j];
    result[i] = std::clamp(boost::math::cdf(standard, mixed), kLowest, kHighest);
  }
  return result;
}

}  // namespace capsim::uncertainty
