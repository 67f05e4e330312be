#include "capsim/model/inference/demand_curve.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <array>
#include <cmath>
#include <iterator>
#include <limits>
#include <numeric>
#include <stdexcept>

#include <fmt/format.h>

namespace capsim {

namespace detail {
namespace {

[[noreturn]] void reject(std::string message) {
  throw std::invalid_argument(std::move(message));
}

bool is_positive(double value) {
  return std::isfinite(value) && value > 0.0;
}

/// ln(1 + e^x) without overflow for large x or loss of precision for very negative x.
double softplus(double x) {
  return x > 0.0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
}

double sigmoid(double x) {
  if (x >= 0.0)
    return 1.0 / (1.0 + std::exp(-x));
  const double e = std::exp(x);
  return e / (1.0 + e);
}

/// Observations validated for a fit, with time in years centred on the mean time: regressions
/// on raw seconds (~1e8) would square to ~1e16 and lose half the digits.
struct FitData {
  Eigen::VectorXd years;  // (t − centre) / year
  Eigen::VectorXd log_demand;
  double centre_s = 0.0;
  double max_demand = 0.0;
};

FitData prepare_fit(const char* fit, const std::vector<std::pair<double, double>>& observations,
                    double base, std::size_t min_distinct_times) {
  if (!is_positive(base))
    reject(fmt::format("{}: expected a finite base demand > 0, found {}", fit, base));
  std::vector<double> times;
  times.reserve(observations.size());
  for (std::size_t i = 0; i < observations.size(); ++i) {
    const auto [t, y] = observations[i];
    if (!std::isfinite(t))
      reject(fmt::format("{}: expected a finite time, found {} (observation {})", fit, t, i + 1));
    if (!is_positive(y))
      reject(fmt::format("{}: expected a finite demand > 0, found {} at t = {} s (observation {})",
                         fit, y, t, i + 1));
    times.push_back(t);
  }
  std::sort(times.begin(), times.end());
  const auto distinct = static_cast<std::size_t>(
      std::distance(times.begin(), std::unique(times.begin(), times.end())));
  if (distinct < min_distinct_times)
    reject(fmt::format("{}: expected at least {} observations at distinct times, found {}", fit,
                       min_distinct_times, distinct));

  FitData data;
  const auto n = static_cast<Eigen::Index>(observations.size());
  data.centre_s = std::accumulate(times.begin(), times.end(), 0.0) / static_cast<double>(n);
  data.years.resize(n);
  data.log_demand.resize(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    const auto [t, y] = observations[static_cast<std::size_t>(i)];
    data.years(i) = (t - data.centre_s) / kSecondsPerYear;
    data.log_demand(i) = std::log(y);
    data.max_demand = std::max(data.max_demand, y);
  }
  return data;
}

/// Least-squares (intercept, slope) of `values` on `x`.
std::pair<double, double> fit_line(const Eigen::VectorXd& x, const Eigen::VectorXd& values) {
  Eigen::MatrixXd design(x.size(), 2);
  design.col(0).setOnes();
  design.col(1) = x;
  const Eigen::Vector2d coefficients = design.colPivHouseholderQr().solve(values);
  return {coefficients(0), coefficients(1)};
}

/// Logistic parameters in the fit's centred years: ln y = ln K − softplus(−r (τ − m)).
struct Logistic {
  double log_ceiling = 0.0;
  double rate = 0.0;      // r, per year
  double midpoint = 0.0;  // m, centred years
};

double log_model(const Logistic& p, double tau) {
  return p.log_ceiling - softplus(-p.rate * (tau - p.midpoint));
}

double log_sse(const FitData& data, const Logistic& p) {
  double sum = 0.0;
  for (Eigen::Index i = 0; i < data.years.size(); ++i) {
    const double residual = data.log_demand(i) - log_model(p, data.years(i));
    sum += residual * residual;
  }
  return sum;
}

/// r and m for a given ceiling from the linearisation ln(K/y − 1) = −r τ + r m. The rate may
/// come out <= 0 (data that do not grow); callers decide.
Logistic linearised_fit(const FitData& data, double log_ceiling) {
  Eigen::VectorXd z(data.years.size());
  for (Eigen::Index i = 0; i < z.size(); ++i) {
    // ln(K/y − 1) = ln(expm1(ln K − ln y)): accurate when y is close to K.
    z(i) = std::log(std::expm1(log_ceiling - data.log_demand(i)));
  }
  const auto [intercept, slope] = fit_line(data.years, z);
  Logistic p;
  p.log_ceiling = log_ceiling;
  p.rate = -slope;
  p.midpoint = p.rate != 0.0 ? intercept / p.rate : 0.0;
  return p;
}

/// Levenberg–Marquardt on (ln K, r, m) from `start`, minimising the log-space SSE. Each
/// accepted step lowers the SSE, so the result is never worse than the start.
Logistic polish_logistic(const FitData& data, Logistic p) {
  const Eigen::Index n = data.years.size();
  Eigen::MatrixXd jacobian(n, 3);
  Eigen::VectorXd residual(n);
  double sse = log_sse(data, p);
  double damping = 1e-3;
  for (int iteration = 0; iteration < 500 && damping < 1e16; ++iteration) {
    for (Eigen::Index i = 0; i < n; ++i) {
      const double offset = data.years(i) - p.midpoint;
      const double s = sigmoid(-p.rate * offset);
      residual(i) = data.log_demand(i) - log_model(p, data.years(i));
      jacobian(i, 0) = 1.0;
      jacobian(i, 1) = s * offset;
      jacobian(i, 2) = -s * p.rate;
    }
    const Eigen::Matrix3d normal = jacobian.transpose() * jacobian;
    const Eigen::Vector3d gradient = jacobian.transpose() * residual;
    Eigen::Matrix3d damped = normal;
    damped.diagonal() += damping * normal.diagonal();
    const Eigen::Vector3d step = damped.ldlt().solve(gradient);
    if (!step.allFinite()) {
      damping *= 10.0;
      continue;
    }
    const Logistic trial{p.log_ceiling + step(0), p.rate + step(1), p.midpoint + step(2)};
    const double trial_sse = log_sse(data, trial);
    if (std::isfinite(trial_sse) && trial_sse <= sse) {
      const bool converged = std::abs(step(0)) <= 1e-14 * (1.0 + std::abs(p.log_ceiling)) &&
                             std::abs(step(1)) <= 1e-14 * (1.0 + std::abs(p.rate)) &&
                             std::abs(step(2)) <= 1e-14 * (1.0 + std::abs(p.midpoint));
      p = trial;
      sse = trial_sse;
      damping = std::max(damping / 10.0, 1e-12);
      if (converged || sse == 0.0)
        break;
    } else {
      damping *= 10.0;
    }
  }
  return p;
}

/// The search variable s = ln(K / max y − 1) maps (−∞, ∞) onto ceilings above every
/// observation, with resolution where it matters: near the largest observation.
double log_ceiling_of(const FitData& data, double s) {
  return std::log(data.max_demand) + std::log1p(std::exp(s));
}

double profile_sse(const FitData& data, double s) {
  const Logistic p = linearised_fit(data, log_ceiling_of(data, s));
  if (!(p.rate > 0.0))
    return std::numeric_limits<double>::infinity();
  const double sse = log_sse(data, p);
  return std::isfinite(sse) ? sse : std::numeric_limits<double>::infinity();
}

constexpr double kSearchLow = -10.0;
constexpr double kSearchHigh = 14.0;
constexpr double kSearchStep = 0.1;

Logistic fit_logistic_ceiling(const FitData& data) {
  const int steps = static_cast<int>(std::lround((kSearchHigh - kSearchLow) / kSearchStep));
  int best = -1;
  double best_sse = std::numeric_limits<double>::infinity();
  for (int k = 0; k <= steps; ++k) {
    const double sse = profile_sse(data, kSearchLow + k * kSearchStep);
    if (sse < best_sse) {
      best_sse = sse;
      best = k;
    }
  }
  if (best < 0)
    reject("fit_logistic: expected growing demand, found observations that do not rise");
  if (best == steps)
    reject(
        "fit_logistic: expected observations that bend towards a ceiling, found no sign of "
        "saturation (fit an exponential, or give the ceiling)");

  // Golden section on the bracket around the best grid point.
  const double golden = (std::sqrt(5.0) - 1.0) / 2.0;
  double low = kSearchLow + (best - 1) * kSearchStep;
  double high = kSearchLow + (best + 1) * kSearchStep;
  double a = high - golden * (high - low);
  double b = low + golden * (high - low);
  double fa = profile_sse(data, a);
  double fb = profile_sse(data, b);
  for (int iteration = 0; iteration < 80 && high - low > 1e-12; ++iteration) {
    if (fa < fb) {
      high = b;
      b = a;
      fb = fa;
      a = high - golden * (high - low);
      fa = profile_sse(data, a);
    } else {
      low = a;
      a = b;
      fa = fb;
      b = low + golden * (high - low);
      fb = profile_sse(data, b);
    }
  }
  const double s = fa < fb ? a : b;
  Logistic start = linearised_fit(data, log_ceiling_of(data, s));
  if (!(std::min(fa, fb) < best_sse))
    start = linearised_fit(data, log_ceiling_of(data, kSearchLow + best * kSearchStep));
  return polish_logistic(data, start);
}

}  // namespace
}  // namespace detail

// ---------------------------------------------------------------------------------------------
// Growth

const char* growth_curve_kind_name(GrowthCurveKind kind) {
  static constexpr std::array<const char*, 4> kNames = {"constant", "exponential", "logistic",
                                                        "piecewise"};
  return kNames.at(static_cast<std::size_t>(kind));
}

double GrowthCurve::multiple_at(double t_s) const {
  switch (kind) {
    case GrowthCurveKind::constant:
      return 1.0;
    case GrowthCurveKind::exponential:
      return initial_multiple * std::exp(std::log(growth_per_year) * t_s / kSecondsPerYear);
    case GrowthCurveKind::logistic: {
      const double rate = std::log(growth_per_year) / kSecondsPerYear;
      // K·σ(x) rather than K / (1 + e^−x): no overflow far before the midpoint.
      return saturation_multiple * detail::sigmoid(rate * (t_s - midpoint_s));
    }
    case GrowthCurveKind::piecewise: {
      if (points.empty())
        return 1.0;
      if (t_s <= points.front().first)
        return points.front().second;
      if (t_s >= points.back().first)
        return points.back().second;
      const auto after = std::upper_bound(
          points.begin(), points.end(), t_s,
          [](double t, const std::pair<double, double>& point) { return t < point.first; });
      const auto before = std::prev(after);
      const double fraction = (t_s - before->first) / (after->first - before->first);
      return before->second + fraction * (after->second - before->second);
    }
  }
  return 1.0;
}

void check_growth_curve(const GrowthCurve& curve) {
  using detail::is_positive;
  using detail::reject;
  switch (curve.kind) {
    case GrowthCurveKind::constant:
      return;
    case GrowthCurveKind::exponential:
      if (!is_positive(curve.growth_per_year))
        reject(fmt::format("exponential growth: expected a factor per year > 0, found {}",
                           curve.growth_per_year));
      if (!is_positive(curve.initial_multiple))
        reject(fmt::format("exponential growth: expected an initial multiple > 0, found {}",
                           curve.initial_multiple));
      return;
    case GrowthCurveKind::logistic:
      if (!is_positive(curve.saturation_multiple))
        reject(fmt::format("logistic growth: expected a ceiling multiple > 0, found {}",
                           curve.saturation_multiple));
      if (!std::isfinite(curve.growth_per_year) || curve.growth_per_year <= 1.0)
        reject(fmt::format("logistic growth: expected a factor per year > 1, found {}",
                           curve.growth_per_year));
      if (!std::isfinite(curve.midpoint_s))
        reject(
            fmt::format("logistic growth: expected a finite midpoint, found {}", curve.midpoint_s));
      return;
    case GrowthCurveKind::piecewise:
      if (curve.points.empty())
        reject("piecewise growth: expected at least one point, found none");
      for (std::size_t i = 0; i < curve.points.size(); ++i) {
        const auto [t, multiple] = curve.points[i];
        if (!std::isfinite(t))
          reject(fmt::format("piecewise growth: expected a finite time, found {} (point {})", t,
                             i + 1));
        if (!std::isfinite(multiple) || multiple < 0.0)
          reject(fmt::format(
              "piecewise growth: expected a finite multiple >= 0, found {} at t = {} s (point {})",
              multiple, t, i + 1));
        if (i > 0 && !(t > curve.points[i - 1].first))
          reject(fmt::format(
              "piecewise growth: expected times strictly increasing, found {} s after {} s "
              "(point {})",
              t, curve.points[i - 1].first, i + 1));
      }
      return;
  }
  reject("growth: unknown curve kind");
}

GrowthCurve constant_curve() {
  return GrowthCurve{};
}

GrowthCurve exponential_curve(double growth_per_year) {
  GrowthCurve curve;
  curve.kind = GrowthCurveKind::exponential;
  curve.growth_per_year = growth_per_year;
  check_growth_curve(curve);
  return curve;
}

GrowthCurve logistic_curve(double saturation_multiple, double growth_per_year) {
  if (!std::isfinite(saturation_multiple) || saturation_multiple <= 1.0)
    detail::reject(
        fmt::format("logistic growth: expected a ceiling above the base (multiple > 1), found {}",
                    saturation_multiple));
  GrowthCurve curve;
  curve.kind = GrowthCurveKind::logistic;
  curve.saturation_multiple = saturation_multiple;
  curve.growth_per_year = growth_per_year;
  check_growth_curve(curve);
  // K / (1 + e^(r·m)) = 1 at t = 0.
  curve.midpoint_s =
      std::log(saturation_multiple - 1.0) / std::log(growth_per_year) * kSecondsPerYear;
  return curve;
}

GrowthCurve piecewise_curve(std::vector<std::pair<double, double>> points) {
  GrowthCurve curve;
  curve.kind = GrowthCurveKind::piecewise;
  curve.points = std::move(points);
  check_growth_curve(curve);
  return curve;
}

std::vector<std::pair<double, double>> observations_in_seconds(
    const std::vector<std::pair<Date, double>>& observations, const Calendar& calendar) {
  std::vector<std::pair<double, double>> result;
  result.reserve(observations.size());
  for (const auto& [date, value] : observations)
    result.emplace_back(seconds_from_ticks(calendar.tick_of(date)), value);
  return result;
}

GrowthCurve piecewise_from_observations(const std::vector<std::pair<double, double>>& observations,
                                        double base) {
  if (!detail::is_positive(base))
    detail::reject(
        fmt::format("piecewise growth: expected a finite base demand > 0, found {}", base));
  std::vector<std::pair<double, double>> points;
  points.reserve(observations.size());
  for (const auto& [t, value] : observations)
    points.emplace_back(t, value / base);
  return piecewise_curve(std::move(points));
}

GrowthCurve fit_exponential(const std::vector<std::pair<double, double>>& observations,
                            double base) {
  const detail::FitData data = detail::prepare_fit("fit_exponential", observations, base, 2);
  const auto [intercept, slope] = detail::fit_line(data.years, data.log_demand);
  GrowthCurve curve;
  curve.kind = GrowthCurveKind::exponential;
  curve.growth_per_year = std::exp(slope);
  // The intercept is at the centre time; move it back to t = 0.
  curve.initial_multiple =
      std::exp(intercept - slope * data.centre_s / kSecondsPerYear - std::log(base));
  check_growth_curve(curve);
  return curve;
}

GrowthCurve fit_logistic(const std::vector<std::pair<double, double>>& observations, double base,
                         std::optional<double> saturation) {
  const detail::FitData data =
      detail::prepare_fit("fit_logistic", observations, base, saturation ? 2 : 3);
  detail::Logistic fit;
  if (saturation) {
    if (!std::isfinite(*saturation) || !(*saturation > data.max_demand))
      detail::reject(
          fmt::format("fit_logistic: expected a ceiling above every observation (> {}), found {}",
                      data.max_demand, *saturation));
    fit = detail::linearised_fit(data, std::log(*saturation));
  } else {
    fit = detail::fit_logistic_ceiling(data);
  }
  if (!(fit.rate > 0.0) || !std::isfinite(fit.midpoint) || !std::isfinite(fit.log_ceiling))
    detail::reject(fmt::format(
        "fit_logistic: expected growing demand, found a fitted rate of {:.3g} per year", fit.rate));
  GrowthCurve curve;
  curve.kind = GrowthCurveKind::logistic;
  curve.saturation_multiple = std::exp(fit.log_ceiling - std::log(base));
  curve.growth_per_year = std::exp(fit.rate);
  curve.midpoint_s = data.centre_s + fit.midpoint * kSecondsPerYear;
  check_growth_curve(curve);
  return curve;
}

// ---------------------------------------------------------------------------------------------
// Profile

int DemandProfile::weekday_index(const Date& date) {
  const std::int64_t days = days_since_epoch(date);
  const std::int64_t index = (days + 3) % 7;  // 1970-01-01 was a Thursday
  return static_cast<int>(index < 0 ? index + 7 : index);
}

double DemandProfile::multiple_at(Tick t, const Calendar& calendar) const {
  Tick within_day = t % kTicksPerDay;
  if (within_day < 0)
    within_day += kTicksPerDay;
  const auto hour = static_cast<std::size_t>(within_day / kTicksPerHour);
  const auto weekday = static_cast<std::size_t>(weekday_index(calendar.date_of(t)));
  return hourly[hour] * weekly[weekday];
}

namespace {
template <std::size_t N>
std::array<double, N> normalised(const std::array<double, N>& weights, const char* name) {
  double sum = 0.0;
  for (std::size_t i = 0; i < N; ++i) {
    if (!std::isfinite(weights[i]) || weights[i] < 0.0)
      detail::reject(
          fmt::format("demand profile: expected {} weights finite and >= 0, found {} "
                      "at index {}",
                      name, weights[i], i));
    sum += weights[i];
  }
  if (!(sum > 0.0))
    detail::reject(
        fmt::format("demand profile: expected at least one {} weight > 0, found all zero", name));
  std::array<double, N> result{};
  for (std::size_t i = 0; i < N; ++i)
    result[i] = weights[i] * static_cast<double>(N) / sum;
  return result;
}
}  // namespace

DemandProfile make_profile(std::array<double, 24> hourly, std::array<double, 7> weekly) {
  DemandProfile profile;
  profile.hourly = normalised(hourly, "hourly");
  profile.weekly = normalised(weekly, "weekly");
  return profile;
}

DemandProfile deepseek_like_profile(int utc_offset_hours) {
  constexpr double kPeakNodes = 278.0;
  constexpr double kMeanNodes = 226.75;
  constexpr double kAmplitude = kPeakNodes / kMeanNodes - 1.0;
  constexpr int kPeakLocalHour = 14;
  const double pi = std::acos(-1.0);
  std::array<double, 24> hourly{};
  for (int utc_hour = 0; utc_hour < 24; ++utc_hour) {
    const int local_hour = ((utc_hour + utc_offset_hours) % 24 + 24) % 24;
    hourly[static_cast<std::size_t>(utc_hour)] =
        1.0 + kAmplitude * std::cos(2.0 * pi * (local_hour - kPeakLocalHour) / 24.0);
  }
  std::array<double, 7> weekly{};
  weekly.fill(1.0);
  // The cosine sums to zero over whole hours, so normalising only removes rounding.
  return make_profile(hourly, weekly);
}

// ---------------------------------------------------------------------------------------------
// Tokens

void check_token_demand(const TokenDemand& demand) {
  const auto rate = [](double value, const char* name) {
    if (!std::isfinite(value) || value < 0.0)
      detail::reject(
          fmt::format("token demand: expected {} finite and >= 0, found {}", name, value));
  };
  rate(demand.input_tokens_per_s, "input tokens per second");
  rate(demand.output_tokens_per_s, "output tokens per second");
  if (!std::isfinite(demand.cache_hit_share) || demand.cache_hit_share < 0.0 ||
      demand.cache_hit_share > 1.0)
    detail::reject(fmt::format("token demand: expected a cache-hit share in [0, 1], found {}",
                               demand.cache_hit_share));
}

TokenDemand token_demand_from_daily(double input_tokens_per_day, double output_tokens_per_day,
                                    double cache_hit_share) {
  constexpr double kSecondsPerDay = 86'400.0;
  const TokenDemand demand{input_tokens_per_day / kSecondsPerDay,
                           output_tokens_per_day / kSecondsPerDay, cache_hit_share};
  check_token_demand(demand);
  return demand;
}

TokenDemand token_demand_from_requests(double requests_per_s, double input_tokens_per_request,
                                       double output_tokens_per_request, double cache_hit_share) {
  const auto non_negative = [](double value, const char* name) {
    if (!std::isfinite(value) || value < 0.0)
      detail::reject(
          fmt::format("token demand: expected {} finite and >= 0, found {}", name, value));
  };
  non_negative(requests_per_s, "requests per second");
  non_negative(input_tokens_per_request, "input tokens per request");
  non_negative(output_tokens_per_request, "output tokens per request");
  const TokenDemand demand{requests_per_s * input_tokens_per_request,
                           requests_per_s * output_tokens_per_request, cache_hit_share};
  check_token_demand(demand);
  return demand;
}

TokenDemand DemandCurve::at(Tick t, const Calendar& calendar) const {
  const double multiple =
      growth.multiple_at(seconds_from_ticks(t)) * profile.multiple_at(t, calendar);
  return TokenDemand{base.input_tokens_per_s * multiple, base.output_tokens_per_s * multiple,
                     base.cache_hit_share};
}

}  // namespace capsim
