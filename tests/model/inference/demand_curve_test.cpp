#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "capsim/model/inference/demand_curve.hpp"
#include "model/fixtures.hpp"

namespace capsim {
namespace {

using test::invalid_argument_message;

using Observations = std::vector<std::pair<double, double>>;

constexpr double kYear = kSecondsPerYear;

double relative_error(double value, double expected) {
  return std::abs(value - expected) / std::abs(expected);
}

/// Standard normal draws that are the same with every standard library: mt19937_64's sequence
/// is fixed by the standard, std::normal_distribution's is not, so Box–Muller by hand.
class Noise {
 public:
  explicit Noise(std::uint64_t seed) : engine_(seed) {}
  double normal() {
    const double u1 = uniform_open();
    const double u2 = uniform_open();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::acos(-1.0) * u2);
  }

 private:
  double uniform_open() { return (static_cast<double>(engine_() >> 11) + 0.5) * 0x1.0p-53; }
  std::mt19937_64 engine_;
};

Observations logistic_data(double ceiling, double growth_per_year, double midpoint_s,
                           const std::vector<double>& times) {
  const double rate = std::log(growth_per_year) / kYear;
  Observations data;
  for (const double t : times)
    data.emplace_back(t, ceiling / (1.0 + std::exp(-rate * (t - midpoint_s))));
  return data;
}

std::vector<double> evenly_spaced(double from_s, double to_s, int count) {
  std::vector<double> times;
  for (int i = 0; i < count; ++i)
    times.push_back(from_s + (to_s - from_s) * i / (count - 1));
  return times;
}

TEST_CASE("demand: exponential and logistic curves against hand-computed values") {
  const GrowthCurve doubling = exponential_curve(2.0);
  CHECK(doubling.multiple_at(0.0) == 1.0);
  CHECK(doubling.multiple_at(kYear) == doctest::Approx(2.0).epsilon(1e-14));
  CHECK(doubling.multiple_at(0.5 * kYear) == doctest::Approx(std::sqrt(2.0)).epsilon(1e-14));
  CHECK(doubling.multiple_at(-kYear) == doctest::Approx(0.5).epsilon(1e-14));

  // K = 5, growth 3 per year through 1 at t = 0: r = ln 3 per year, midpoint m = ln 4 / ln 3
  // years. At 1 year: 5 / (1 + e^(ln 4 − ln 3)) = 5 / (1 + 4/3) = 15/7; at 2 years:
  // 5 / (1 + 4/9) = 45/13; at the midpoint half the ceiling.
  const GrowthCurve logistic = logistic_curve(5.0, 3.0);
  CHECK(logistic.midpoint_s == doctest::Approx(std::log(4.0) / std::log(3.0) * kYear));
  CHECK(logistic.multiple_at(0.0) == doctest::Approx(1.0).epsilon(1e-14));
  CHECK(logistic.multiple_at(kYear) == doctest::Approx(15.0 / 7.0).epsilon(1e-14));
  CHECK(logistic.multiple_at(2.0 * kYear) == doctest::Approx(45.0 / 13.0).epsilon(1e-14));
  CHECK(logistic.multiple_at(logistic.midpoint_s) == doctest::Approx(2.5).epsilon(1e-14));
  CHECK(logistic.multiple_at(1e3 * kYear) == doctest::Approx(5.0).epsilon(1e-14));
  // Long before the midpoint it grows like the exponential it starts as, and never overflows.
  CHECK(logistic.multiple_at(-10.0 * kYear) / logistic.multiple_at(-11.0 * kYear) ==
        doctest::Approx(3.0).epsilon(1e-4));
  CHECK(logistic.multiple_at(-1e4 * kYear) == 0.0);

  const GrowthCurve steps = piecewise_curve({{0.0, 1.0}, {100.0, 3.0}, {200.0, 2.0}});
  CHECK(steps.multiple_at(-5.0) == 1.0);
  CHECK(steps.multiple_at(50.0) == doctest::Approx(2.0).epsilon(1e-15));
  CHECK(steps.multiple_at(100.0) == 3.0);
  CHECK(steps.multiple_at(150.0) == doctest::Approx(2.5).epsilon(1e-15));
  CHECK(steps.multiple_at(300.0) == 2.0);

  CHECK(constant_curve().multiple_at(123.0 * kYear) == 1.0);
  CHECK(std::string(growth_curve_kind_name(GrowthCurveKind::logistic)) == "logistic");
}

TEST_CASE("demand: curve factories reject meaningless parameters") {
  CHECK(invalid_argument_message([] { exponential_curve(0.0); }) ==
        "exponential growth: expected a factor per year > 0, found 0");
  CHECK(invalid_argument_message([] { logistic_curve(1.0, 2.0); }) ==
        "logistic growth: expected a ceiling above the base (multiple > 1), found 1");
  CHECK(invalid_argument_message([] { logistic_curve(5.0, 1.0); }) ==
        "logistic growth: expected a factor per year > 1, found 1");
  CHECK(invalid_argument_message([] { piecewise_curve({}); }) ==
        "piecewise growth: expected at least one point, found none");
  CHECK(invalid_argument_message([] {
          piecewise_curve({{0.0, 1.0}, {0.0, 2.0}});
        }) ==
        "piecewise growth: expected times strictly increasing, found 0 s after 0 s (point 2)");
  CHECK(invalid_argument_message([] {
          piecewise_curve({{0.0, 1.0}, {10.0, -2.0}});
        }) == "piecewise growth: expected a finite multiple >= 0, found -2 at t = 10 s (point 2)");
  GrowthCurve hand_built;
  hand_built.kind = GrowthCurveKind::logistic;
  hand_built.saturation_multiple = -1.0;
  CHECK_THROWS_AS(check_growth_curve(hand_built), std::invalid_argument);
}

TEST_CASE("demand: fits recover known parameters from noiseless data") {
  SUBCASE("exponential, irregular times either side of the start") {
    // demand = base × 1.2 × 2.5^(t / year)
    const double base = 100.0;
    Observations data;
    for (const double years : {-0.5, -0.1, 0.0, 0.3, 0.35, 1.0, 1.7, 2.0}) {
      data.emplace_back(years * kYear, base * 1.2 * std::pow(2.5, years));
    }
    const GrowthCurve fit = fit_exponential(data, base);
    CHECK(fit.kind == GrowthCurveKind::exponential);
    CHECK(relative_error(fit.growth_per_year, 2.5) < 1e-9);
    CHECK(relative_error(fit.initial_multiple, 1.2) < 1e-9);
    CHECK(relative_error(fit.multiple_at(3.0 * kYear), 1.2 * std::pow(2.5, 3.0)) < 1e-9);
  }
  SUBCASE("logistic, ceiling fitted") {
    // Ceiling 4000 (4 × base 1000), growth 5 per year early on, midpoint at 1.5 years.
    const double midpoint = 1.5 * kYear;
    const Observations data =
        logistic_data(4000.0, 5.0, midpoint, evenly_spaced(0.0, 3.0 * kYear, 37));
    const GrowthCurve fit = fit_logistic(data, 1000.0);
    CHECK(fit.kind == GrowthCurveKind::logistic);
    CHECK(relative_error(fit.saturation_multiple, 4.0) < 1e-9);
    CHECK(relative_error(fit.growth_per_year, 5.0) < 1e-9);
    CHECK(std::abs(fit.midpoint_s - midpoint) < 1e-9 * kYear);
  }
  SUBCASE("logistic, ceiling fitted from the early, still accelerating part") {
    // Only up to 30% of the ceiling: the bend is slight but present in exact data.
    const double midpoint = 2.0 * kYear;
    const Observations data =
        logistic_data(10.0, 3.0, midpoint, evenly_spaced(0.0, 1.2 * kYear, 13));
    const GrowthCurve fit = fit_logistic(data, 1.0);
    CHECK(relative_error(fit.saturation_multiple, 10.0) < 1e-9);
    CHECK(relative_error(fit.growth_per_year, 3.0) < 1e-9);
    CHECK(std::abs(fit.midpoint_s - midpoint) < 1e-9 * kYear);
  }
  SUBCASE("logistic, ceiling given") {
    const double midpoint = 0.8 * kYear;
    const Observations data = logistic_data(50.0, 8.0, midpoint, {0.0, 0.4 * kYear, 2.0 * kYear});
    const GrowthCurve fit = fit_logistic(data, 10.0, 50.0);
    CHECK(relative_error(fit.saturation_multiple, 5.0) < 1e-12);
    CHECK(relative_error(fit.growth_per_year, 8.0) < 1e-9);
    CHECK(std::abs(fit.midpoint_s - midpoint) < 1e-9 * kYear);
  }
}

TEST_CASE("demand: fits on noisy data stay within stated tolerance") {
  // Multiplicative noise, 3% log standard deviation, fixed seed. Each tolerance is above the
  // worst error over seeds 1..200 of the same set-up (growth 4.2%, initial multiple 2.9%;
  // ceiling 3.2%, logistic growth 3.2%, midpoint 0.057 years), so it holds for an honest
  // seed, not only for this one.
  Noise noise(20250201);
  constexpr double kSigma = 0.03;

  SUBCASE("exponential, weekly for a year") {
    // 53 points over one year: se(ln g) = σ / sqrt(Σ(t − t̄)²) ≈ 0.03 / 2.1 = 1.4%.
    Observations data;
    for (int week = 0; week <= 52; ++week) {
      const double t = week * 7.0 * 86'400.0;
      data.emplace_back(t, 500.0 * std::pow(3.0, t / kYear) * std::exp(kSigma * noise.normal()));
    }
    const GrowthCurve fit = fit_exponential(data, 500.0);
    CHECK(relative_error(fit.growth_per_year, 3.0) < 0.06);
    CHECK(relative_error(fit.initial_multiple, 1.0) < 0.04);
  }
  SUBCASE("logistic, ceiling fitted, through the bend") {
    // 61 points over four years around a midpoint at two years, ceiling 4 × base.
    const double midpoint = 2.0 * kYear;
    Observations data = logistic_data(4000.0, 4.0, midpoint, evenly_spaced(0.0, 4.0 * kYear, 61));
    for (auto& [t, y] : data)
      y *= std::exp(kSigma * noise.normal());
    const GrowthCurve fit = fit_logistic(data, 1000.0);
    CHECK(relative_error(fit.saturation_multiple, 4.0) < 0.05);
    CHECK(relative_error(fit.growth_per_year, 4.0) < 0.06);
    CHECK(std::abs(fit.midpoint_s - midpoint) < 0.1 * kYear);
  }
}

TEST_CASE("demand: fits reject bad data with clear messages") {
  CHECK(invalid_argument_message([] {
          fit_exponential({{0.0, 1.0}}, 1.0);
        }) == "fit_exponential: expected at least 2 observations at distinct times, found 1");
  CHECK(invalid_argument_message([] {
          fit_exponential({{5.0, 1.0}, {5.0, 2.0}}, 1.0);
        }) == "fit_exponential: expected at least 2 observations at distinct times, found 1");
  CHECK(invalid_argument_message([] {
          fit_exponential({{0.0, 1.0}, {86400.0, 0.0}}, 1.0);
        }) ==
        "fit_exponential: expected a finite demand > 0, found 0 at t = 86400 s (observation 2)");
  CHECK(invalid_argument_message([] {
          fit_exponential({{0.0, 1.0}, {1.0, 2.0}}, -1.0);
        }) == "fit_exponential: expected a finite base demand > 0, found -1");
  CHECK(invalid_argument_message([] {
          fit_logistic({{0.0, 1.0}, {1.0, 2.0}}, 1.0);
        }) == "fit_logistic: expected at least 3 observations at distinct times, found 2");
  CHECK(invalid_argument_message([] {
          fit_logistic({{0.0, 1.0}, {1.0, 2.0}}, 1.0, 2.0);
        }) == "fit_logistic: expected a ceiling above every observation (> 2), found 2");
  CHECK(invalid_argument_message([] {
          fit_logistic({{0.0, 3.0}, {kYear, 2.0}}, 1.0, 10.0);
        }) == "fit_logistic: expected growing demand, found a fitted rate of -0.539 per year");
  // Pure exponential data: no ceiling is identified, so none is invented.
  Observations exponential;
  for (int month = 0; month <= 24; ++month)
    exponential.emplace_back(month * kYear / 12.0, std::pow(2.0, month / 12.0));
  CHECK(invalid_argument_message([&] { fit_logistic(exponential, 1.0); }) ==
        "fit_logistic: expected observations that bend towards a ceiling, found no sign of "
        "saturation (fit an exponential, or give the ceiling)");
  // Falling data have no growing logistic.
  CHECK_THROWS_AS(fit_logistic({{0.0, 4.0}, {kYear, 3.0}, {2.0 * kYear, 1.0}}, 1.0),
                  std::invalid_argument);
}

TEST_CASE("demand: dated observations go to seconds and the fit recovers their growth") {
  // A service that starts at DeepSeek's day (608e9 input tokens per day, as tokens/s) and
  // triples every year, observed on the first of each month of 2025.
  const double base = 608e9 / 86'400.0;
  const Calendar calendar(Date{2025, 1, 1});
  std::vector<std::pair<Date, double>> observations;
  for (int month = 1; month <= 12; ++month) {
    const Date date{2025, month, 1};
    const double t =
        static_cast<double>(days_since_epoch(date) - days_since_epoch(Date{2025, 1, 1})) * 86'400.0;
    observations.emplace_back(date, base * std::pow(3.0, t / kYear));
  }

  const auto in_seconds = observations_in_seconds(observations, calendar);
  REQUIRE(in_seconds.size() == 12);
  CHECK(in_seconds[0].first == 0.0);
  CHECK(in_seconds[1].first == 31.0 * 86'400.0);
  CHECK(in_seconds[11].first == 334.0 * 86'400.0);
  CHECK(in_seconds[5].second == observations[5].second);
  const GrowthCurve fit = fit_exponential(in_seconds, base);
  CHECK(relative_error(fit.growth_per_year, 3.0) < 1e-9);
  CHECK(relative_error(fit.initial_multiple, 1.0) < 1e-9);

  const GrowthCurve observed = piecewise_from_observations(in_seconds, base);
  CHECK(observed.multiple_at(in_seconds[5].first) == in_seconds[5].second / base);
  CHECK(observed.multiple_at(-kYear) == doctest::Approx(1.0).epsilon(1e-15));
}

TEST_CASE("demand: profiles normalise to mean 1 and reject bad weights") {
  std::array<double, 24> hourly{};
  for (std::size_t h = 0; h < 24; ++h)
    hourly[h] = static_cast<double>(h + 1);                               // sum 300
  const std::array<double, 7> weekly{2.0, 2.0, 2.0, 2.0, 2.0, 1.0, 1.0};  // sum 12
  const DemandProfile profile = make_profile(hourly, weekly);
  CHECK(profile.hourly[0] == doctest::Approx(24.0 / 300.0).epsilon(1e-15));
  CHECK(profile.hourly[23] == doctest::Approx(24.0 * 24.0 / 300.0).epsilon(1e-15));
  CHECK(profile.weekly[0] == doctest::Approx(14.0 / 12.0).epsilon(1e-15));
  CHECK(profile.weekly[6] == doctest::Approx(7.0 / 12.0).epsilon(1e-15));
  double hourly_sum = 0.0;
  for (const double w : profile.hourly)
    hourly_sum += w;
  double weekly_sum = 0.0;
  for (const double w : profile.weekly)
    weekly_sum += w;
  CHECK(hourly_sum == doctest::Approx(24.0).epsilon(1e-14));
  CHECK(weekly_sum == doctest::Approx(7.0).epsilon(1e-14));

  const DemandProfile flat;
  CHECK(flat.hourly[7] == 1.0);
  CHECK(flat.weekly[3] == 1.0);

  std::array<double, 24> negative{};
  negative.fill(1.0);
  negative[5] = -1.0;
  CHECK(invalid_argument_message([&] { make_profile(negative, weekly); }) ==
        "demand profile: expected hourly weights finite and >= 0, found -1 at index 5");
  CHECK(invalid_argument_message([&] { make_profile(hourly, std::array<double, 7>{}); }) ==
        "demand profile: expected at least one weekly weight > 0, found all zero");
}

TEST_CASE("demand: profile lookup by hour of day and day of week") {
  CHECK(DemandProfile::weekday_index(Date{2025, 1, 1}) == 2);    // a Wednesday
  CHECK(DemandProfile::weekday_index(Date{1970, 1, 1}) == 3);    // a Thursday
  CHECK(DemandProfile::weekday_index(Date{2025, 1, 5}) == 6);    // a Sunday
  CHECK(DemandProfile::weekday_index(Date{1969, 12, 29}) == 0);  // a Monday

  std::array<double, 24> hourly{};
  for (std::size_t h = 0; h < 24; ++h)
    hourly[h] = static_cast<double>(h + 1);
  const std::array<double, 7> weekly{1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0};
  const DemandProfile profile = make_profile(hourly, weekly);
  const Calendar calendar(Date{2025, 1, 1});
  // 2025-01-01 13:30 UTC, a Wednesday.
  const Tick wednesday_afternoon = 13 * kTicksPerHour + kTicksPerHour / 2;
  CHECK(profile.multiple_at(wednesday_afternoon, calendar) ==
        profile.hourly[13] * profile.weekly[2]);
  // Hour boundaries: 23:59:59.999999 is still hour 23, midnight starts the next day.
  CHECK(profile.multiple_at(kTicksPerDay - 1, calendar) == profile.hourly[23] * profile.weekly[2]);
  CHECK(profile.multiple_at(kTicksPerDay, calendar) == profile.hourly[0] * profile.weekly[3]);
  // Monday 2025-01-06 at 00:00.
  CHECK(profile.multiple_at(calendar.tick_of(Date{2025, 1, 6}), calendar) ==
        profile.hourly[0] * profile.weekly[0]);
  // Before the start: 2024-12-31 (a Tuesday) 23:00.
  CHECK(profile.multiple_at(-1, calendar) == profile.hourly[23] * profile.weekly[1]);
}

TEST_CASE("demand: the DeepSeek-like profile has DeepSeek's peak over mean") {
  const DemandProfile profile = deepseek_like_profile();
  const double peak = *std::max_element(profile.hourly.begin(), profile.hourly.end());
  double mean = 0.0;
  for (const double w : profile.hourly)
    mean += w / 24.0;
  CHECK(mean == doctest::Approx(1.0).epsilon(1e-14));
  CHECK(peak / mean == doctest::Approx(278.0 / 226.75).epsilon(0.01));
  // Beijing 14:00 is 06:00 UTC; the night trough, Beijing 02:00, is 18:00 UTC.
  CHECK(std::max_element(profile.hourly.begin(), profile.hourly.end()) - profile.hourly.begin() ==
        6);
  CHECK(std::min_element(profile.hourly.begin(), profile.hourly.end()) - profile.hourly.begin() ==
        18);
  const DemandProfile utc = deepseek_like_profile(0);
  CHECK(std::max_element(utc.hourly.begin(), utc.hourly.end()) - utc.hourly.begin() == 14);
  for (const double w : profile.weekly)
    CHECK(w == 1.0);
}

TEST_CASE("demand: token demand from daily totals and from requests") {
  const TokenDemand day = token_demand_from_daily(608e9, 168e9, 342.0 / 608.0);
  CHECK(day.input_tokens_per_s == doctest::Approx(608e9 / 86'400.0).epsilon(1e-15));   // ~7.04M
  CHECK(day.output_tokens_per_s == doctest::Approx(168e9 / 86'400.0).epsilon(1e-15));  // ~1.94M
  CHECK(day.cache_hit_share == doctest::Approx(0.5625).epsilon(1e-15));                // the 56.3%
  CHECK(day.cache_hit_input_tokens_per_s() * 86'400.0 == doctest::Approx(342e9).epsilon(1e-12));
  CHECK(day.cache_miss_input_tokens_per_s() * 86'400.0 == doctest::Approx(266e9).epsilon(1e-12));

  const TokenDemand requests = token_demand_from_requests(10.0, 1'000.0, 200.0, 0.5);
  CHECK(requests.input_tokens_per_s == 10'000.0);
  CHECK(requests.output_tokens_per_s == 2'000.0);

  CHECK(invalid_argument_message([] { token_demand_from_daily(1.0, 1.0, 1.5); }) ==
        "token demand: expected a cache-hit share in [0, 1], found 1.5");
  CHECK(invalid_argument_message([] { token_demand_from_requests(-1.0, 1.0, 1.0, 0.0); }) ==
        "token demand: expected requests per second finite and >= 0, found -1");
}

TEST_CASE("demand: a profile moves demand within the day but keeps the daily total") {
  const Calendar calendar(Date{2025, 1, 1});
  const DemandCurve curve{token_demand_from_daily(608e9, 168e9, 0.563), constant_curve(),
                          deepseek_like_profile()};
  // The profile is a step function per hour, so a day's tokens are the sum of 24 hourly rates.
  for (const Date date : {Date{2025, 1, 1}, Date{2025, 3, 15}}) {
    double input_tokens = 0.0;
    double output_tokens = 0.0;
    for (int hour = 0; hour < 24; ++hour) {
      const TokenDemand at = curve.at(calendar.tick_of(date) + hour * kTicksPerHour, calendar);
      input_tokens += at.input_tokens_per_s * 3'600.0;
      output_tokens += at.output_tokens_per_s * 3'600.0;
      CHECK(at.cache_hit_share == 0.563);
    }
    CHECK(input_tokens == doctest::Approx(608e9).epsilon(1e-12));
    CHECK(output_tokens == doctest::Approx(168e9).epsilon(1e-12));
  }
  // Sampled every minute, the average rate is the base too.
  double sum = 0.0;
  for (Tick t = 0; t < kTicksPerDay; t += 60 * kTicksPerSecond)
    sum += curve.at(t, calendar).input_tokens_per_s;
  CHECK(sum / 1'440.0 == doctest::Approx(curve.base.input_tokens_per_s).epsilon(1e-12));

  // With a weekly shape, each day's mean is base × that day's weight, and the week's is base.
  const DemandCurve weekly{
      TokenDemand{100.0, 10.0, 0.0}, constant_curve(),
      make_profile(deepseek_like_profile().hourly, {1.2, 1.2, 1.2, 1.2, 1.2, 0.5, 0.5})};
  double week_sum = 0.0;
  for (int day = 0; day < 7; ++day) {
    double day_sum = 0.0;
    for (int hour = 0; hour < 24; ++hour)
      day_sum += weekly.at(day * kTicksPerDay + hour * kTicksPerHour, calendar).input_tokens_per_s;
    const Date date = calendar.date_of(day * kTicksPerDay);
    CHECK(day_sum / 24.0 ==
          doctest::Approx(
              100.0 *
              weekly.profile.weekly[static_cast<std::size_t>(DemandProfile::weekday_index(date))])
              .epsilon(1e-12));
    week_sum += day_sum;
  }
  CHECK(week_sum / (7.0 * 24.0) == doctest::Approx(100.0).epsilon(1e-12));
}

TEST_CASE("demand: demand at time t is base times growth times profile") {
  const Calendar calendar(Date{2025, 1, 1});
  const DemandCurve curve{TokenDemand{1'000.0, 100.0, 0.4}, exponential_curve(2.0),
                          deepseek_like_profile()};
  const Tick one_year_later = ticks_from_seconds(kYear);  // 2026-01-01 06:00 UTC, a Thursday
  const TokenDemand at = curve.at(one_year_later, calendar);
  const double profile = curve.profile.multiple_at(one_year_later, calendar);
  CHECK(profile == curve.profile.hourly[6]);
  CHECK(at.input_tokens_per_s == doctest::Approx(1'000.0 * 2.0 * profile).epsilon(1e-12));
  CHECK(at.output_tokens_per_s == doctest::Approx(100.0 * 2.0 * profile).epsilon(1e-12));
  CHECK(at.cache_hit_share == 0.4);
}

}  // namespace
}  // namespace capsim
