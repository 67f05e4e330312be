#include "capsim/uncertainty/distribution.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

#include <fmt/format.h>
#include <boost/math/distributions/beta.hpp>
#include <boost/math/distributions/normal.hpp>

namespace capsim::uncertainty {

namespace {

/// z such that Phi(z) = 0.9.
constexpr double kZ90 = 1.2815515655446004;
/// PERT's shape (Vose, "Risk Analysis", 2008): the mode weighs four times the ends in the mean.
constexpr double kPertShape = 4.0;
constexpr double kInfinity = std::numeric_limits<double>::infinity();

double standard_normal_cdf(double z) {
  return 0.5 * std::erfc(-z / std::sqrt(2.0));
}

double standard_normal_quantile(double p) {
  if (p <= 0.0)
    return -kInfinity;
  if (p >= 1.0)
    return kInfinity;
  return boost::math::quantile(boost::math::normal_distribution<double>(), p);
}

/// Beta(alpha, beta)'s shape parameters of a PERT on [low, high] with its mode.
std::pair<double, double> pert_shapes(double low, double mode, double high) {
  const double width = high - low;
  return {1.0 + kPertShape * (mode - low) / width, 1.0 + kPertShape * (high - mode) / width};
}

std::string number(double value) {
  return fmt::format("{}", value);
}

void require_finite(const std::vector<double>& parameters, DistributionForm form) {
  for (std::size_t i = 0; i < parameters.size(); ++i) {
    if (!std::isfinite(parameters[i]))
      throw std::invalid_argument(fmt::format("expected finite parameters, found {} = {}",
                                              form_parameters(form)[i], number(parameters[i])));
  }
}

void require_ordered(double low, double middle, double high, std::string_view middle_name) {
  if (!(low <= middle && middle <= high)) {
    throw std::invalid_argument(
        fmt::format("expected low <= {} <= high, found low {}, {} {}, "
                    "high {}",
                    middle_name, number(low), middle_name, number(middle), number(high)));
  }
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
  if (parameters.size() != form_parameters(form).size()) {
    throw std::invalid_argument(fmt::format("expected {} parameters, found {}",
                                            form_parameters(form).size(), parameters.size()));
  }
  require_finite(parameters, form);
  const std::vector<double>& p = parameters;
  switch (form) {
    case DistributionForm::normal:
      if (p[1] < 0.0)
        throw std::invalid_argument(fmt::format("expected sd >= 0, found {}", number(p[1])));
      break;
    case DistributionForm::uniform:
      if (p[0] > p[1]) {
        throw std::invalid_argument(
            fmt::format("expected low <= high, found low {}, high {}", number(p[0]), number(p[1])));
      }
      break;
    case DistributionForm::loguniform:
      if (!(p[0] > 0.0) || p[0] > p[1]) {
        throw std::invalid_argument(fmt::format("expected 0 < low <= high, found low {}, high {}",
                                                number(p[0]), number(p[1])));
      }
      break;
    case DistributionForm::triangular:
    case DistributionForm::pert:
      require_ordered(p[0], p[1], p[2], "mode");
      break;
    case DistributionForm::lognormal:
      if (!(p[0] > 0.0) || p[1] < p[0]) {
        throw std::invalid_argument(fmt::format(
            "expected 0 < median <= p90, found median {}, p90 {}", number(p[0]), number(p[1])));
      }
      break;
    case DistributionForm::choice:
      break;
  }
  Distribution d;
  d.form_ = form;
  d.parameters_ = std::move(parameters);
  return d;
}

Distribution Distribution::truncated_normal(double mean, double sd, double low, double high) {
  Distribution d = continuous(DistributionForm::normal, {mean, sd});
  require_finite({low, high}, DistributionForm::uniform);
  if (!(low < high)) {
    throw std::invalid_argument(
        fmt::format("expected low < high, found low {}, high {}", number(low), number(high)));
  }
  if (sd == 0.0 ? (mean < low || mean > high)
                : standard_normal_cdf((high - mean) / sd) - standard_normal_cdf((low - mean) / sd) <
                      1e-12) {
    throw std::invalid_argument(fmt::format(
        "expected [low, high] to hold some of the normal's mass, found low {}, high {} for mean "
        "{}, sd {}",
        number(low), number(high), number(mean), number(sd)));
  }
  d.parameters_ = {mean, sd, low, high};
  d.truncated_ = true;
  return d;
}

Distribution Distribution::choice(std::vector<double> weights) {
  if (weights.empty())
    throw std::invalid_argument("expected at least one value to choose from, found none");
  double total = 0.0;
  for (const double weight : weights) {
    if (!std::isfinite(weight) || weight < 0.0)
      throw std::invalid_argument(fmt::format("expected weights >= 0, found {}", number(weight)));
    total += weight;
  }
  if (!(total > 0.0))
    throw std::invalid_argument("expected some weight above 0, found all 0");
  for (double& weight : weights)
    weight /= total;
  Distribution d;
  d.form_ = DistributionForm::choice;
  d.parameters_ = std::move(weights);
  return d;
}

bool Distribution::is_point() const {
  const std::vector<double>& p = parameters_;
  switch (form_) {
    case DistributionForm::normal:
      return p[1] == 0.0;
    case DistributionForm::uniform:
    case DistributionForm::loguniform:
      return p[0] == p[1];
    case DistributionForm::triangular:
    case DistributionForm::pert:
      return p[0] == p[2];
    case DistributionForm::lognormal:
      return p[0] == p[1];
    case DistributionForm::choice:
      return std::count_if(p.begin(), p.end(), [](double w) { return w > 0.0; }) == 1;
  }
  return false;
}

double Distribution::quantile(double u) const {
  u = std::clamp(u, 0.0, 1.0);
  const std::vector<double>& p = parameters_;
  switch (form_) {
    case DistributionForm::normal: {
      if (p[1] == 0.0)
        return p[0];
      if (!truncated_)
        return p[0] + p[1] * standard_normal_quantile(u);
      const double below = standard_normal_cdf((p[2] - p[0]) / p[1]);
      const double above = standard_normal_cdf((p[3] - p[0]) / p[1]);
      const double value = p[0] + p[1] * standard_normal_quantile(below + u * (above - below));
      return std::clamp(value, p[2], p[3]);
    }
    case DistributionForm::uniform:
      return p[0] == p[1] ? p[0] : p[0] + u * (p[1] - p[0]);
    case DistributionForm::loguniform:
      return p[0] == p[1] ? p[0] : p[0] * std::pow(p[1] / p[0], u);
    case DistributionForm::triangular: {
      const double low = p[0], mode = p[1], high = p[2];
      if (low == high)
        return low;
      const double width = high - low;
      const double split = (mode - low) / width;
      if (u <= split)
        return low + std::sqrt(u * width * (mode - low));
      return high - std::sqrt((1.0 - u) * width * (high - mode));
    }
    case DistributionForm::pert: {
      const double low = p[0], mode = p[1], high = p[2];
      if (low == high)
        return low;
      if (u <= 0.0)
        return low;
      if (u >= 1.0)
        return high;
      const auto [alpha, beta] = pert_shapes(low, mode, high);
      return low + (high - low) * boost::math::quantile(
                                      boost::math::beta_distribution<double>(alpha, beta), u);
    }
    case DistributionForm::lognormal: {
      if (p[0] == p[1])
        return p[0];
      const double sigma = std::log(p[1] / p[0]) / kZ90;
      if (u <= 0.0)
        return 0.0;
      return p[0] * std::exp(sigma * standard_normal_quantile(u));
    }
    case DistributionForm::choice: {
      double cumulative = 0.0;
      for (std::size_t i = 0; i < p.size(); ++i) {
        cumulative += p[i];
        if (u <= cumulative && p[i] > 0.0)
          return static_cast<double>(i);
      }
      // Rounding left the cumulative sum a hair below 1: the last value with weight.
      for (std::size_t i = p.size(); i-- > 0;) {
        if (p[i] > 0.0)
          return static_cast<double>(i);
      }
      return 0.0;
    }
  }
  return 0.0;
}

double Distribution::mean() const {
  const std::vector<double>& p = parameters_;
  switch (form_) {
    case DistributionForm::normal: {
      if (!truncated_ || p[1] == 0.0)
        return p[0];
      // Truncated normal: mean + sd (phi(a) - phi(b)) / (Phi(b) - Phi(a)).
      const double a = (p[2] - p[0]) / p[1], b = (p[3] - p[0]) / p[1];
      const double phi_a = std::exp(-a * a / 2) / std::sqrt(2 * M_PI);
      const double phi_b = std::exp(-b * b / 2) / std::sqrt(2 * M_PI);
      return p[0] + p[1] * (phi_a - phi_b) / (standard_normal_cdf(b) - standard_normal_cdf(a));
    }
    case DistributionForm::uniform:
      return (p[0] + p[1]) / 2.0;
    case DistributionForm::loguniform:
      return p[0] == p[1] ? p[0] : (p[1] - p[0]) / std::log(p[1] / p[0]);
    case DistributionForm::triangular:
      return (p[0] + p[1] + p[2]) / 3.0;
    case DistributionForm::pert:
      return (p[0] + kPertShape * p[1] + p[2]) / (kPertShape + 2.0);
    case DistributionForm::lognormal: {
      const double sigma = std::log(p[1] / p[0]) / kZ90;
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
  switch (form_) {
    case DistributionForm::normal: {
      if (!truncated_ || p[1] == 0.0)
        return p[1] * p[1];
      const double a = (p[2] - p[0]) / p[1], b = (p[3] - p[0]) / p[1];
      const double phi_a = std::exp(-a * a / 2) / std::sqrt(2 * M_PI);
      const double phi_b = std::exp(-b * b / 2) / std::sqrt(2 * M_PI);
      const double z = standard_normal_cdf(b) - standard_normal_cdf(a);
      const double shift = (phi_a - phi_b) / z;
      return p[1] * p[1] * (1.0 + (a * phi_a - b * phi_b) / z - shift * shift);
    }
    case DistributionForm::uniform:
      return (p[1] - p[0]) * (p[1] - p[0]) / 12.0;
    case DistributionForm::loguniform: {
      if (p[0] == p[1])
        return 0.0;
      const double log_ratio = std::log(p[1] / p[0]);
      const double m = mean();
      return (p[1] * p[1] - p[0] * p[0]) / (2.0 * log_ratio) - m * m;
    }
    case DistributionForm::triangular: {
      const double a = p[0], b = p[1], c = p[2];
      return (a * a + b * b + c * c - a * b - a * c - b * c) / 18.0;
    }
    case DistributionForm::pert: {
      if (p[0] == p[2])
        return 0.0;
      const auto [alpha, beta] = pert_shapes(p[0], p[1], p[2]);
      const double width = p[2] - p[0];
      return width * width * alpha * beta /
             ((alpha + beta) * (alpha + beta) * (alpha + beta + 1.0));
    }
    case DistributionForm::lognormal: {
      const double sigma = std::log(p[1] / p[0]) / kZ90;
      return (std::exp(sigma * sigma) - 1.0) * p[0] * p[0] * std::exp(sigma * sigma);
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
