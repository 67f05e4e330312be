#include "capsim/metrics/statistics.hpp"

#include <cmath>
#include <numbers>
#include <stdexcept>

#include <fmt/format.h>

namespace capsim {

double normal_quantile(double p) {
  if (!(p > 0.0 && p < 1.0))
    throw std::invalid_argument(fmt::format("normal_quantile: p={}", p));
  // Acklam (2003) coefficients.
  static constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
                                 -2.759285104469687e+02, 1.383577518672690e+02,
                                 -3.066479806614716e+01, 2.506628277459239e+00};
  static constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
                                 -1.556989798598866e+02, 6.680131188771972e+01,
                                 -1.328068155288572e+01};
  static constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
                                 -2.400758277161838e+00, -2.549732539343734e+00,
                                 4.374664141464968e+00,  2.938163982698783e+00};
  static constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01,
                                 2.445134137142996e+00, 3.754408661907416e+00};
  constexpr double p_low = 0.02425;
  double x = 0.0;
  if (p < p_low) {
    const double q = std::sqrt(-2.0 * std::log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
  } else if (p <= 1.0 - p_low) {
    const double q = p - 0.5;
    const double r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0);
  } else {
    const double q = std::sqrt(-2.0 * std::log(1.0 - p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
  }
  // One Halley step against the exact CDF brings the error to machine precision.
  const double error = 0.5 * std::erfc(-x / std::numbers::sqrt2) - p;
  const double u = error * std::sqrt(2.0 * std::numbers::pi) * std::exp(x * x / 2.0);
  return x - u / (1.0 + x * u / 2.0);
}

double student_t_quantile(double p, double degrees_of_freedom) {
  if (!(p > 0.0 && p < 1.0) || !(degrees_of_freedom >= 1.0)) {
    throw std::invalid_argument(
        fmt::format("student_t_quantile: p={}, degrees of freedom={}", p, degrees_of_freedom));
  }
  if (p == 0.5)
    return 0.0;
  // Hill's algorithm works with the two-tailed probability.
  const bool upper = p > 0.5;
  const double two_tail = 2.0 * (upper ? 1.0 - p : p);
  const double n = degrees_of_freedom;
  double t = 0.0;
  if (n == 1.0) {
    t = 1.0 / std::tan(two_tail * std::numbers::pi / 2.0);
  } else if (n == 2.0) {
    t = std::sqrt(2.0 / (two_tail * (2.0 - two_tail)) - 2.0);
  } else {
    const double a = 1.0 / (n - 0.5);
    const double b = 48.0 / (a * a);
    double c = ((20700.0 * a / b - 98.0) * a - 16.0) * a + 96.36;
    const double d = ((94.5 / (b + c) - 3.0) / b + 1.0) * std::sqrt(a * std::numbers::pi / 2.0) * n;
    double x = d * two_tail;
    double y = std::pow(x, 2.0 / n);
    if (y > 0.05 + a) {
      x = normal_quantile(two_tail * 0.5);
      y = x * x;
      if (n < 5.0)
        c += 0.3 * (n - 4.5) * (x + 0.6);
      c = (((0.05 * d * x - 5.0) * x - 7.0) * x - 2.0) * x + b + c;
      y = (((((0.4 * y + 6.3) * y + 36.0) * y + 94.5) / c - y - 3.0) / b + 1.0) * x;
      y = std::expm1(a * y * y);
    } else {
      y = ((1.0 / (((n + 6.0) / (n * y) - 0.089 * d - 0.822) * (n + 2.0) * 3.0) + 0.5 / (n + 4.0)) *
               y -
           1.0) *
              (n + 1.0) / (n + 2.0) +
          1.0 / y;
    }
    t = std::sqrt(n * y);
  }
  return upper ? t : -t;
}

Estimate t_interval(std::span<const double> observations, double confidence) {
  if (observations.size() < 2) {
    throw std::invalid_argument("t_interval: needs at least two observations");
  }
  if (!(confidence > 0.0 && confidence < 1.0)) {
    throw std::invalid_argument(fmt::format("t_interval: confidence {} not in (0, 1)", confidence));
  }
  const auto count = static_cast<double>(observations.size());
  double sum = 0.0;
  for (const double x : observations)
    sum += x;
  const double mean = sum / count;
  double squares = 0.0;
  for (const double x : observations)
    squares += (x - mean) * (x - mean);
  const double standard_error = std::sqrt(squares / (count - 1.0) / count);
  const double t = student_t_quantile(0.5 + confidence / 2.0, count - 1.0);
  return Estimate{mean, t * standard_error, confidence};
}

}  // namespace capsim
