#include "capsim/uncertainty/statistics.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>
#include <Eigen/Dense>

namespace capsim::uncertainty {

bool standardise(std::vector<double>& values) {
  const double n = static_cast<double>(values.size());
  const double m = mean(values);
  double variance = 0.0;
  for (const double v : values)
    variance += (v - m) * (v - m);
  variance /= n;
  // Relative to the values' magnitude: rounding noise in a constant column is still constant.
  const double scale = std::max(std::abs(m), 1e-300);
  if (!(std::sqrt(variance) > 1e-12 * scale))
    return false;
  const double sd = std::sqrt(variance);
  for (double& v : values)
    v = (v - m) / sd;
  return true;
}

double mean(const std::vector<double>& values) {
  if (values.empty())
    return 0.0;
  return std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
}

double sample_sd(const std::vector<double>& values) {
  if (values.size() < 2)
    return 0.0;
  const double m = mean(values);
  double sum_squares = 0.0;
  for (const double v : values)
    sum_squares += (v - m) * (v - m);
  return std::sqrt(sum_squares / static_cast<double>(values.size() - 1));
}

double sorted_quantile(const std::vector<double>& sorted, double p) {
  // Type 7: h = (n - 1) p, linear between the order statistics around it.
  const double h = static_cast<double>(sorted.size() - 1) * std::clamp(p, 0.0, 1.0);
  const auto below = static_cast<std::size_t>(std::floor(h));
  const std::size_t above = std::min(below + 1, sorted.size() - 1);
  const double fraction = h - static_cast<double>(below);
  if (fraction == 0.0 || sorted[below] == sorted[above])
    return sorted[below];
  return sorted[below] + fraction * (sorted[above] - sorted[below]);
}

std::vector<double> ranks(const std::vector<double>& values) {
  std::vector<std::size_t> order(values.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
  std::vector<double> result(values.size());
  for (std::size_t first = 0; first < order.size();) {
    std::size_t last = first;
    while (last + 1 < order.size() && values[order[last + 1]] == values[order[first]])
      ++last;
    // Ranks first + 1 ... last + 1 share their average.
    const double average = (static_cast<double>(first) + static_cast<double>(last)) / 2.0 + 1.0;
    for (std::size_t i = first; i <= last; ++i)
      result[order[i]] = average;
    first = last + 1;
  }
  return result;
}

double spearman(const std::vector<double>& x, const std::vector<double>& y) {
  std::vector<double> rx = ranks(x), ry = ranks(y);
  if (!standardise(rx) || !standardise(ry))
    return 0.0;
  double sum = 0.0;
  for (std::size_t i = 0; i < rx.size(); ++i)
    sum += rx[i] * ry[i];
  return sum / static_cast<double>(rx.size());
}

Regression standardised_regression(const std::vector<std::vector<double>>& x,
                                   const std::vector<double>& y) {
  Regression result;
  std::vector<double> response = y;
  if (response.size() < 2 || !standardise(response)) {
    result.note = "constant: nothing to explain";
    return result;
  }
  // Constant columns explain nothing: they keep a zero coefficient, out of the fit.
  std::vector<std::size_t> varying;
  std::vector<std::vector<double>> columns;
  for (std::size_t j = 0; j < x.size(); ++j) {
    std::vector<double> column = x[j];
    if (standardise(column)) {
      varying.push_back(j);
      columns.push_back(std::move(column));
    }
  }
  const std::size_t n = response.size();
  if (varying.empty()) {
    result.note = "no input varies";
    return result;
  }
  if (n <= varying.size() + 1) {
    // k inputs and n <= k + 1 runs: the fit is exact or nearly so whatever the data.
    result.note = fmt::format(
        "not ranked: expected more than {} runs for {} varying inputs (inputs + 1), found {}",
        varying.size() + 1, varying.size(), n);
    return result;
  }
  const auto rows = static_cast<Eigen::Index>(n);
  Eigen::MatrixXd matrix(rows, static_cast<Eigen::Index>(varying.size()));
  for (std::size_t j = 0; j < varying.size(); ++j) {
    for (Eigen::Index i = 0; i < rows; ++i)
      matrix(i, static_cast<Eigen::Index>(j)) = columns[j][static_cast<std::size_t>(i)];
  }
  const auto qr = matrix.colPivHouseholderQr();
  if (qr.rank() < static_cast<Eigen::Index>(varying.size())) {
    // Collinear inputs: the split of the effect between them is arbitrary.
    result.note = fmt::format(
        "not ranked: the {} varying inputs are linearly dependent (rank {}): vary them "
        "independently",
        varying.size(), qr.rank());
    return result;
  }
  const Eigen::Map<const Eigen::VectorXd> target(response.data(), rows);
  const Eigen::VectorXd beta = qr.solve(target);
  const double residual = (target - matrix * beta).squaredNorm();
  result.r_squared = std::clamp(1.0 - residual / static_cast<double>(n), 0.0, 1.0);
  result.coefficients.assign(x.size(), 0.0);
  for (std::size_t j = 0; j < varying.size(); ++j) {
    // Rounding leaves ~1e-17 where an input has no effect: that is an exact zero.
    const double coefficient = beta(static_cast<Eigen::Index>(j));
    result.coefficients[varying[j]] = std::abs(coefficient) < 1e-12 ? 0.0 : coefficient;
  }
  return result;
}

Regression standardised_rank_regression(const std::vector<std::vector<double>>& x,
                                        const std::vector<double>& y) {
  std::vector<std::vector<double>> ranked;
  ranked.reserve(x.size());
  for (const std::vector<double>& column : x)
    ranked.push_back(ranks(column));
  return standardised_regression(ranked, ranks(y));
}

}  // namespace capsim::uncertainty
