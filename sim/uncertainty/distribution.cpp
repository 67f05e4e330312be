#include "capsim/uncertainty/distribution.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>
#include <boost/math/distributions/beta.hpp>
#include <boost/math/distributions/normal.hpp>

namespace capsim::uncertainty {

namespace {

/// z such that Phi(z) = 0.9: a lognormal's p90 is its median times exp(sigma z_0.9).
constexpr double kZ90 = 1.2815515655446004;
/// PERT's shape (Vose, "Risk Analysis", 2008): the mode weighs four times each end in the mean.
constexpr double kPertShape = 4.0;
constexpr double kInfinity = std::numeric_limits<double>::infinity();

/// Boost.Math reports its errors (an overflow at a tail, say) by value, never by exception:
/// quantile() must not throw for any u in [0, 1], and the callers clamp what comes back.
using QuietPolicy = boost::math::policies::policy<
    boost::math::policies::domain_error<boost::math::policies::ignore_error>,
    boost::math::policies::pole_error<boost::math::policies::ignore_error>,
    boost::math::policies::overflow_error<boost::math::policies::ignore_error>,
    boost::math::policies::underflow_error<boost::math::policies::ignore_error>,
    boost::math::policies::evaluation_error<boost::math::policies::ignore_error>,
    boost::math::policies::rounding_error<boost::math::policies::ignore_error>>;
using StandardNormal = boost::math::normal_distribution<double, QuietPolicy>;
using Beta = boost::math::beta_distribution<double, QuietPolicy>;

/// Phi(z), with Phi(-inf) = 0 and Phi(inf) = 1.
double normal_cdf(double z) {
  if (std::isinf(z))
    return z < 0 ? 0.0 : 1.0;
  return boost::math::cdf(StandardNormal(), z);
}

/// 1 - Phi(z), accurate where Phi(z) rounds to 1.
double normal_survival(double z) {
  if (std::isinf(z))
    return z < 0 ? 1.0 : 0.0;
  return boost::math::cdf(boost::math::complement(StandardNormal(), z));
}

/// Phi^-1(p); -inf at 0 and inf at 1.
double normal_quantile(double p) {
  if (p <= 0.0)
    return -kInfinity;
  if (p >= 1.0)
    return kInfinity;
  return boost::math::quantile(StandardNormal(), p);
}

/// The z with 1 - Phi(z) = q, accurate for q near 0 (far upper tail).
double normal_survival_quantile(double q) {
  if (q <= 0.0)
    return kInfinity;
  if (q >= 1.0)
    return -kInfinity;
  return boost::math::quantile(boost::math::complement(StandardNormal(), q));
}

/// phi(z), 0 at the infinities.
double normal_density(double z) {
  if (std::isinf(z))
    return 0.0;
  return std::exp(-z * z / 2.0) / std::sqrt(2.0 * std::numbers::pi);
}

/// The PERT's Beta shapes on [low, high] with its mode: 1 + 4 (mode - low) / width and
/// 1 + 4 (high - mode) / width, summing to 6.
std::pair<double, double> pert_shapes(double low, double mode, double high) {
  const double width = high - low;
  return {1.0 + kPertShape * (mode - low) / width, 1.0 + kPertShape * (high - mode) / width};
}

/// The lognormal's sigma from its median and p90.
double lognormal_sigma(double median, double p90) {
  return std::log(p90 / median) / kZ90;
}

/// Shortest round-trip form (fmt's "{}"), as the user's numbers read back.
std::string number(double value) {
  return fmt::format("{}", value);
}

void require_finite(DistributionForm form, const std::vector<double>& parameters) {
  for (std::size_t i = 0; i < parameters.size(); ++i) {
    if (!std::isfinite(parameters[i])) {
      throw std::invalid_argument(fmt::format("expected finite parameters, found {} {}",
                                              form_parameters(form)[i], number(parameters[i])));
    }
  }
}

void require_three_point(double low, double mode, double high) {
  if (!(low <= mode && mode <= high)) {
    throw std::invalid_argument(
        fmt::format("expected low <= mode <= high, found low {}, mode {}, high {}", number(low),
                    number(mode), number(high)));
  }
}

/// The probability mass of a normal between the standardised bounds a < b, from the tail
/// where it is accurate: Phi(b) - Phi(a) loses everything when both are near 1.
double normal_mass(double a, double b) {
  return a > 0.0 ? normal_survival(a) - normal_survival(b) : normal_cdf(b) - normal_cdf(a);
}

/// Quantile of a standard normal truncated to [a, b], u in (0, 1): inverts through whichever
/// tail the interval lies in, so [8 sd, 9 sd] is as exact as [-1 sd, 1 sd].
double truncated_standard_quantile(double a, double b, double u) {
  if (a > 0.0) {
    const double upper_a = normal_survival(a);
    return normal_survival_quantile(upper_a - u * (upper_a - normal_survival(b)));
  }
  const double lower_a = normal_cdf(a);
  return normal_quantile(lower_a + u * (normal_cdf(b) - lower_a));
}

/// Quantile of the choice among normalised `weights`: the first index whose cumulative weight
/// reaches u, never one of weight 0.
double choice_quantile(const std::vector<double>& weights, double u) {
  double cumulative = 0.0;
  std::size_t last_positive = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (weights[i] == 0.0)
      continue;
    cumulative += weights[i];
    if (u <= cumulative)
      return static_cast<double>(i);
    last_positive = i;
  }
  // The normalised weights can sum to a hair below 1: the rest belongs to the last value.
  return static_cast<double>(last_positive);
}

}  // namespace

std::string_view form_name(DistributionForm form) {
  switch (form) {
    case DistributionForm::normal:
      return "normal";
    case DistributionForm::uniform:
      return "uniform";
    case DistributionForm::loguniform:
      return "loguniform";
    case DistributionForm::triangular:
      return "triangular";
    case DistributionForm::pert:
      return "pert";
    case DistributionForm::lognormal:
      return "lognormal";
    case DistributionForm::choice:
      return "choice";
  }
  return "?";
}

const std::vector<std::string_view>& form_parameters(DistributionForm form) {
  static const std::vector<std::string_view> normal = {"mean", "sd"};
  static const std::vector<std::string_view> bounds = {"low", "high"};
  static const std::vector<std::string_view> three_point = {"low", "mode", "high"};
  static const std::vector<std::string_view> lognormal = {"median", "p90"};
  // Any number of values: the compact form lists them, the mapping form has `values:`.
  static const std::vector<std::string_view> choice = {"values"};
  switch (form) {
    case DistributionForm::normal:
      return normal;
    case DistributionForm::uniform:
    case DistributionForm::loguniform:
      return bounds;
    case DistributionForm::triangular:
    case DistributionForm::pert:
      return three_point;
    case DistributionForm::lognormal:
      return lognormal;
    case DistributionForm::choice:
      return choice;
  }
  return choice;
}

Distribution Distribution::continuous(DistributionForm form, std::vector<double> parameters) {
  if (form == DistributionForm::choice)
    throw std::invalid_argument("expected a continuous form, found choice");
  const std::vector<std::string_view>& names = form_parameters(form);
  if (parameters.size() != names.size()) {
    std::string list;
    for (const std::string_view name : names)
      list += (list.empty() ? "" : ", ") + std::string(name);
    throw std::invalid_argument(fmt::format("expected {}({}): {} parameters, found {}",
                                            form_name(form), list, names.size(),
                                            parameters.size()));
  }
  require_finite(form, parameters);
  const std::vector<double>& p = parameters;
  switch (form) {
    case DistributionForm::normal:
      if (!(p[1] >= 0.0))
        throw std::invalid_argument(fmt::format("expected sd >= 0, found sd {}", number(p[1])));
      break;
    case DistributionForm::uniform:
      if (!(p[0] <= p[1])) {
        throw std::invalid_argument(
            fmt::format("expected low <= high, found low {}, high {}", number(p[0]), number(p[1])));
      }
      break;
    case DistributionForm::loguniform:
      if (!(p[0] > 0.0 && p[0] <= p[1])) {
        throw std::invalid_argument(fmt::format("expected 0 < low <= high, found low {}, high {}",
                                                number(p[0]), number(p[1])));
      }
      break;
    case DistributionForm::triangular:
    case DistributionForm::pert:
      require_three_point(p[0], p[1], p[2]);
      break;
    case DistributionForm::lognormal:
      if (!(p[0] > 0.0 && p[0] <= p[1])) {
        throw std::invalid_argument(fmt::format(
            "expected 0 < median <= p90, found median {}, p90 {}", number(p[0]), number(p[1])));
      }
      break;
    case DistributionForm::choice:
      break;
  }
  Distribution made;
  made.form_ = form;
  made.parameters_ = std::move(parameters);
  return made;
}

Distribution Distribution::truncated_normal(double mean, double sd, double low, double high) {
  Distribution made = continuous(DistributionForm::normal, {mean, sd});
  // One bound may be infinite (truncated on one side only); neither may be NaN.
  if (std::isnan(low) || std::isnan(high) || !(low < high)) {
    throw std::invalid_argument(
        fmt::format("expected low < high, found low {}, high {}", number(low), number(high)));
  }
  const bool holds_mass = sd == 0.0 ? (low <= mean && mean <= high)
                                    : normal_mass((low - mean) / sd, (high - mean) / sd) > 0.0;
  if (!holds_mass) {
    throw std::invalid_argument(fmt::format(
        "expected [low, high] to hold some of the normal's mass, found low {}, high {} for "
        "mean {}, sd {}",
        number(low), number(high), number(mean), number(sd)));
  }
  made.parameters_ = {mean, sd, low, high};
  made.truncated_ = true;
  return made;
}

Distribution Distribution::choice(std::vector<double> weights) {
  if (weights.empty())
    throw std::invalid_argument("expected at least one value to choose from, found none");
  double total = 0.0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (!(std::isfinite(weights[i]) && weights[i] >= 0.0)) {
      throw std::invalid_argument(fmt::format("expected finite weights >= 0, found weight {} {}",
                                              i + 1, number(weights[i])));
    }
    total += weights[i];
  }
  if (!(total > 0.0))
    throw std::invalid_argument("expected some weight above 0, found all 0");
  if (!std::isfinite(total))
    throw std::invalid_argument("expected weights with a finite sum, found an overflow");
  for (double& weight : weights)
    weight /= total;
  Distribution made;
  made.form_ = DistributionForm::choice;
  made.parameters_ = std::move(weights);
  return made;
}

bool Distribution::is_point() const {
  const std::vector<double>& p = parameters_;
  switch (form_) {
    case DistributionForm::normal:
      return p[1] == 0.0;
    case DistributionForm::uniform:
    case DistributionForm::loguniform:
    case DistributionForm::lognormal:
      return p[0] == p[1];
    case DistributionForm::triangular:
    case DistributionForm::pert:
      return p[0] == p[2];
    case DistributionForm::choice:
      return std::count_if(p.begin(), p.end(), [](double w) { return w > 0.0; }) == 1;
  }
  return false;
}

double Distribution::quantile(double u) const {
  const std::vector<double>& p = parameters_;
  if (form_ == DistributionForm::choice)
    return choice_quantile(p, std::clamp(u, 0.0, 1.0));
  // A point returns its value untouched: no arithmetic may move it by an ulp.
  if (is_point())
    return p[0];
  // The support's ends, by form (the truncation's bounds for a truncated normal).
  double low = p[0], high = p.back();
  switch (form_) {
    case DistributionForm::normal:
      low = truncated_ ? p[2] : -kInfinity;
      high = truncated_ ? p[3] : kInfinity;
      break;
    case DistributionForm::lognormal:
      low = 0.0;
      high = kInfinity;
      break;
    default:
      break;
  }
  if (u <= 0.0)
    return low;
  if (u >= 1.0)
    return high;
  double value = low;
  switch (form_) {
    case DistributionForm::normal:
      value = truncated_ ? p[0] + p[1] * truncated_standard_quantile((p[2] - p[0]) / p[1],
                                                                     (p[3] - p[0]) / p[1], u)
                         : p[0] + p[1] * normal_quantile(u);
      break;
    case DistributionForm::uniform:
      value = low + u * (high - low);
      break;
    case DistributionForm::loguniform:
      value = low * std::pow(high / low, u);
      break;
    case DistributionForm::triangular: {
      const double mode = p[1], width = high - low;
      // F(mode) = (mode - low) / width; each side inverts a quadratic.
      value = u * width <= mode - low ? low + std::sqrt(u * width * (mode - low))
                                      : high - std::sqrt((1.0 - u) * width * (high - mode));
      break;
    }
    case DistributionForm::pert: {
      const auto [alpha, beta] = pert_shapes(low, p[1], high);
      value = low + (high - low) * boost::math::quantile(Beta(alpha, beta), u);
      break;
    }
    case DistributionForm::lognormal:
      value = p[0] * std::exp(lognormal_sigma(p[0], p[1]) * normal_quantile(u));
      break;
    case DistributionForm::choice:
      break;
  }
  // Rounding (or a quiet Boost error's NaN) must not leave the support.
  if (std::isnan(value))
    return u < 0.5 ? low : high;
  return std::clamp(value, low, high);
}

double Distribution::mean() const {
  const std::vector<double>& p = parameters_;
  if (is_point() && form_ != DistributionForm::choice)
    return p[0];
  switch (form_) {
    case DistributionForm::normal: {
      if (!truncated_)
        return p[0];
      // mean + sd (phi(a) - phi(b)) / Z, a and b the standardised bounds, Z their mass.
      const double a = (p[2] - p[0]) / p[1], b = (p[3] - p[0]) / p[1];
      return p[0] + p[1] * (normal_density(a) - normal_density(b)) / normal_mass(a, b);
    }
    case DistributionForm::uniform:
      return (p[0] + p[1]) / 2.0;
    case DistributionForm::loguniform:
      return (p[1] - p[0]) / std::log(p[1] / p[0]);
    case DistributionForm::triangular:
      return (p[0] + p[1] + p[2]) / 3.0;
    case DistributionForm::pert:
      return (p[0] + kPertShape * p[1] + p[2]) / (kPertShape + 2.0);
    case DistributionForm::lognormal: {
      const double sigma = lognormal_sigma(p[0], p[1]);
      return p[0] * std::exp(sigma * sigma / 2.0);
    }
    case DistributionForm::choice: {
      double sum = 0.0;
      for (std::size_t i = 0; i < p.size(); ++i)
        sum += static_cast<double>(i) * p[i];
      return sum;
    }
  }
  return 0.0;
}

double Distribution::variance() const {
  const std::vector<double>& p = parameters_;
  if (is_point())
    return 0.0;
  switch (form_) {
    case DistributionForm::normal: {
      if (!truncated_)
        return p[1] * p[1];
      // sd^2 (1 + (a phi(a) - b phi(b)) / Z - ((phi(a) - phi(b)) / Z)^2); an infinite bound's
      // term is 0 (z phi(z) -> 0).
      const double a = (p[2] - p[0]) / p[1], b = (p[3] - p[0]) / p[1];
      const double mass = normal_mass(a, b);
      const double a_term = std::isinf(a) ? 0.0 : a * normal_density(a);
      const double b_term = std::isinf(b) ? 0.0 : b * normal_density(b);
      const double shift = (normal_density(a) - normal_density(b)) / mass;
      return p[1] * p[1] * (1.0 + (a_term - b_term) / mass - shift * shift);
    }
    case DistributionForm::uniform:
      return (p[1] - p[0]) * (p[1] - p[0]) / 12.0;
    case DistributionForm::loguniform: {
      // E[X^2] - E[X]^2 with E[X^2] = (high^2 - low^2) / (2 ln(high / low)).
      const double m = mean();
      return (p[1] * p[1] - p[0] * p[0]) / (2.0 * std::log(p[1] / p[0])) - m * m;
    }
    case DistributionForm::triangular: {
      const double a = p[0], b = p[1], c = p[2];
      return (a * a + b * b + c * c - a * b - a * c - b * c) / 18.0;
    }
    case DistributionForm::pert: {
      // The Beta's alpha beta / ((alpha + beta)^2 (alpha + beta + 1)), scaled by width^2.
      const auto [alpha, beta] = pert_shapes(p[0], p[1], p[2]);
      const double width = p[2] - p[0], sum = alpha + beta;
      return width * width * alpha * beta / (sum * sum * (sum + 1.0));
    }
    case DistributionForm::lognormal: {
      const double s2 = lognormal_sigma(p[0], p[1]) * lognormal_sigma(p[0], p[1]);
      return std::expm1(s2) * p[0] * p[0] * std::exp(s2);
    }
    case DistributionForm::choice: {
      const double m = mean();
      double sum = 0.0;
      for (std::size_t i = 0; i < p.size(); ++i)
        sum += (static_cast<double>(i) - m) * (static_cast<double>(i) - m) * p[i];
      return sum;
    }
  }
  return 0.0;
}

}  // namespace capsim::uncertainty
