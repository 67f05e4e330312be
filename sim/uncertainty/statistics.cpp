#include "capsim/uncertainty/statistics.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include <fmt/format.h>
#include <Eigen/Dense>

namespace capsim::uncertainty {

namespace {

/// Mean and population standard deviation, summed in order (the results are part of the
/// outputs' bytes, so the summation order is fixed).
struct Moments {
  double mean = 0.0;
  double squares = 0.0;  ///< sum of squared deviations from the mean
  double sd = 0.0;       ///< population: sqrt(squares / n)
};

Moments population_moments(std::span<const double> values) {
  const double n = static_cast<double>(values.size());
  double sum = 0.0;
  for (const double v : values)
    sum += v;
  const double m = sum / n;
  double squares = 0.0;
  for (const double v : values)
    squares += (v - m) * (v - m);
  return {m, squares, std::sqrt(squares / n)};
}

bool constant_given(const Moments& moments) {
  // Relative to the values' magnitude: rounding noise in a constant column is still constant.
  const double scale = std::max(std::abs(moments.mean), 1e-300);
  return !(moments.sd > 1e-12 * scale);
}

/// The first value that is not a finite number, if any.
const double* first_non_finite(std::span<const double> values) {
  const auto found =
      std::find_if(values.begin(), values.end(), [](double v) { return !std::isfinite(v); });
  return found == values.end() ? nullptr : &*found;
}

/// Why the data cannot be fitted at all (before looking at which columns vary); empty if it
/// can.
std::string unfit_data(const std::vector<std::vector<double>>& x, std::span<const double> y) {
  if (y.size() < 2)
    return fmt::format("not ranked: expected at least 2 runs, found {}", y.size());
  if (const double* bad = first_non_finite(y))
    return fmt::format("not ranked: expected a finite output in every run, found {}", *bad);
  for (std::size_t j = 0; j < x.size(); ++j) {
    if (const double* bad = first_non_finite(x[j])) {
      return fmt::format("not ranked: expected finite inputs in every run, found {} (input {})",
                         *bad, j + 1);
    }
  }
  return "";
}

}  // namespace

double mean(std::span<const double> values) {
  return values.empty() ? 0.0 : population_moments(values).mean;
}

double sample_sd(std::span<const double> values) {
  if (values.size() < 2)
    return 0.0;
  const double n = static_cast<double>(values.size());
  return std::sqrt(population_moments(values).squares / (n - 1.0));
}

bool is_constant(std::span<const double> values) {
  return values.size() < 2 || constant_given(population_moments(values));
}

bool standardise(std::vector<double>& values) {
  if (values.size() < 2)
    return false;
  const Moments moments = population_moments(values);
  if (constant_given(moments))
    return false;
  for (double& v : values)
    v = (v - moments.mean) / moments.sd;
  return true;
}

double sorted_quantile(std::span<const double> sorted, double p) {
  const std::size_t last = sorted.size() - 1;
  const double h = static_cast<double>(last) * std::clamp(p, 0.0, 1.0);
  if (h >= static_cast<double>(last))
    return sorted[last];
  const double below = std::floor(h);
  const auto at = static_cast<std::size_t>(below);
  const double a = sorted[at], b = sorted[at + 1];
  const double t = h - below;
  // numpy's _lerp: from whichever neighbour is nearer, so t = 1 gives b exactly.
  const double difference = b - a;
  return t >= 0.5 ? b - difference * (1.0 - t) : a + difference * t;
}

double sample_quantile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  return sorted_quantile(values, p);
}

std::vector<double> ranks(std::span<const double> values) {
  std::vector<std::size_t> order(values.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
  std::vector<double> result(values.size());
  for (std::size_t first = 0; first < order.size();) {
    std::size_t last = first;
    while (last + 1 < order.size() && values[order[last + 1]] == values[order[first]])
      ++last;
    // Positions first..last (from 0) are ranks first + 1..last + 1: they share the average.
    const double average = static_cast<double>(first + last) / 2.0 + 1.0;
    for (std::size_t i = first; i <= last; ++i)
      result[order[i]] = average;
    first = last + 1;
  }
  return result;
}

double pearson(std::span<const double> x, std::span<const double> y) {
  if (x.size() != y.size())
    throw std::invalid_argument("pearson: x and y differ in length");
  const Moments mx = population_moments(x), my = population_moments(y);
  if (x.size() < 2 || constant_given(mx) || constant_given(my))
    return 0.0;
  double cross = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i)
    cross += (x[i] - mx.mean) * (y[i] - my.mean);
  // S_xy / sqrt(S_xx S_yy): identical (or mirrored) columns give exactly 1 (or -1), since
  // sqrt(s * s) == s in IEEE arithmetic. Other rounding could carry |r| a hair past 1.
  return std::clamp(cross / std::sqrt(mx.squares * my.squares), -1.0, 1.0);
}

double spearman(std::span<const double> x, std::span<const double> y) {
  return pearson(ranks(x), ranks(y));
}

Regression standardised_regression(const std::vector<std::vector<double>>& x,
                                   std::span<const double> y) {
  for (const std::vector<double>& column : x) {
    if (column.size() != y.size())
      throw std::invalid_argument("standardised_regression: a column differs from y in length");
  }
  Regression result;
  result.note = unfit_data(x, y);
  if (!result.note.empty())
    return result;
  std::vector<double> response(y.begin(), y.end());
  if (!standardise(response)) {
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
  // The z-scored y has sum of squares n, so R^2 = 1 - residual / n.
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
                                        std::span<const double> y) {
  // Ranks hide a NaN or an infinity: refuse them before ranking, as the fit on values would.
  if (const std::string refused = unfit_data(x, y); !refused.empty())
    return Regression{{}, 0.0, refused};
  std::vector<std::vector<double>> ranked;
  ranked.reserve(x.size());
  for (const std::vector<double>& column : x)
    ranked.push_back(ranks(column));
  return standardised_regression(ranked, ranks(y));
}

std::vector<std::size_t> driver_order(std::span<const double> coefficients,
                                      const std::vector<std::string>& names) {
  if (names.size() != coefficients.size())
    throw std::invalid_argument("driver_order: one name per coefficient expected");
  std::vector<double> magnitude(coefficients.size());
  for (std::size_t j = 0; j < coefficients.size(); ++j)
    magnitude[j] = std::stod(fmt::format("{:.12g}", std::abs(coefficients[j])));
  std::vector<std::size_t> order(coefficients.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return magnitude[a] != magnitude[b] ? magnitude[a] > magnitude[b] : names[a] < names[b];
  });
  return order;
}

}  // namespace capsim::uncertainty
