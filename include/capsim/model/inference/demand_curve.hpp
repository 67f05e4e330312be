#pragma once
/// Inference demand of one service over time: a base rate of tokens, a growth curve that scales
/// it over months and years, and a diurnal and weekly profile that shapes it within the week.
///
///   demand(t) = base × growth.multiple_at(t) × profile.multiple_at(t)
///
/// Time `t` is seconds (or ticks) since the scenario start, midnight UTC of the calendar's start
/// date. Growth curves can be given (exponential, logistic) or fitted by least squares to dated
/// observations, given as data (the model reads no file); a piecewise curve follows the
/// observations themselves.

#include <array>
#include <optional>
#include <utility>
#include <vector>

#include "capsim/core/time.hpp"

namespace capsim {

// ---------------------------------------------------------------------------------------------
// Growth

enum class GrowthCurveKind { constant, exponential, logistic, piecewise };

/// "constant", "exponential", "logistic", "piecewise".
const char* growth_curve_kind_name(GrowthCurveKind kind);

/// The multiple of base demand as a function of time since the start, in seconds.
///
/// - constant: 1.
/// - exponential: initial_multiple × growth_per_year^(t / year).
/// - logistic: saturation_multiple / (1 + exp(−r (t − midpoint_s))), r = ln(growth_per_year) /
///   year, so growth_per_year is the early, unsaturated growth factor per year and the curve
///   reaches half its ceiling at midpoint_s.
/// - piecewise: linear between `points` (t_s, multiple), flat beyond the first and last.
///
/// A year is kSecondsPerYear (365.25 days). Build curves with the factories or fits below, which
/// check them; a hand-built curve can be checked with check_growth_curve.
struct GrowthCurve {
  GrowthCurveKind kind = GrowthCurveKind::constant;
  double growth_per_year = 1.0;      ///< factor per year (exponential; logistic early phase)
  double initial_multiple = 1.0;     ///< exponential: the multiple at t = 0
  double saturation_multiple = 1.0;  ///< logistic: the ceiling, as a multiple of base
  double midpoint_s = 0.0;           ///< logistic: when the multiple is half the ceiling
  std::vector<std::pair<double, double>> points;  ///< piecewise: (t_s, multiple), t increasing

  /// The multiple at `t_s` seconds since the start (t_s may be negative). O(1), or
  /// O(log points) for piecewise. Precondition: check_growth_curve passes.
  double multiple_at(double t_s) const;
};

/// Throws std::invalid_argument unless the curve's parameters are finite and meaningful:
/// exponential growth_per_year > 0 and initial_multiple > 0; logistic saturation_multiple > 0
/// and growth_per_year > 1; piecewise at least one point, times strictly increasing, multiples
/// >= 0.
void check_growth_curve(const GrowthCurve& curve);

/// No growth: the multiple is 1 at every time.
GrowthCurve constant_curve();
/// growth_per_year^(t / year), 1 at t = 0. Throws std::invalid_argument unless growth > 0.
GrowthCurve exponential_curve(double growth_per_year);
/// The logistic curve through 1 at t = 0 with ceiling `saturation_multiple` (> 1) and early
/// growth factor `growth_per_year` (> 1); its midpoint is ln(K − 1) / r. This is the reading of a
/// scenario's `growth: logistic` with `saturation_tokens_per_s` = K × base.
GrowthCurve logistic_curve(double saturation_multiple, double growth_per_year);
/// Linear between the points, flat outside. Throws std::invalid_argument on no points, times not
/// strictly increasing, or negative or non-finite values.
GrowthCurve piecewise_curve(std::vector<std::pair<double, double>> points);

/// Observations (date, demand) as (seconds since the calendar's start, demand).
std::vector<std::pair<double, double>> observations_in_seconds(
    const std::vector<std::pair<Date, double>>& observations, const Calendar& calendar);

/// The piecewise curve through the observations (t_s, demand), each divided by `base`: the
/// growth "as observed", with no model. Throws as piecewise_curve, and unless base > 0.
GrowthCurve piecewise_from_observations(const std::vector<std::pair<double, double>>& observations,
                                        double base);

/// Least-squares exponential fit to observations (t_s, demand), relative to `base` demand.
///
/// Method: linear regression of ln(demand) on t (Eigen, column-pivoting QR, time in centred
/// years for conditioning). Fitting in logs weighs every observation by its relative error,
/// the maximum-likelihood fit under multiplicative (log-normal) noise. Returns an exponential
/// curve with growth_per_year = e^slope and initial_multiple = e^intercept / base, so the
/// curve need not pass through 1 at t = 0: it reproduces the observations, not the base.
///
/// Throws std::invalid_argument, naming the offending observation, when: fewer than 2
/// observations at distinct times, a time is not finite, a demand is not finite and > 0, or
/// base is not finite and > 0. Exact on noiseless data to rounding. O(n).
GrowthCurve fit_exponential(const std::vector<std::pair<double, double>>& observations,
                            double base);

/// Least-squares logistic fit to observations (t_s, demand), relative to `base` demand, with
/// the ceiling `saturation` (demand units) given or, when absent, fitted.
///
/// Method, known ceiling K: z = ln(K / y − 1) = −r (t − midpoint) is linear in t, so r and the
/// midpoint come from a linear regression of z on t (Eigen QR). Requires every y < K.
///
/// Method, fitted ceiling: minimises Σ (ln y − ln model)² over (ln K, r, midpoint). A 1-D
/// search over K (a grid in ln(K / max y − 1) from −10 to 14, then golden section), with r and
/// the midpoint from the linearisation at each K, gives the start; Levenberg–Marquardt on all
/// three parameters (each step an Eigen LDLT solve) then polishes it, which makes the fit exact
/// on noiseless data. The ceiling is only identified when the observations bend: data still in
/// the exponential phase put the best K at the top of the search (over ~10^6 × max y) and are
/// rejected rather than answered with an arbitrary ceiling.
///
/// Returns a logistic curve with saturation_multiple = K / base, growth_per_year = e^(r·year)
/// and midpoint_s. Throws std::invalid_argument, with the reason, when: fewer than 2 (known K)
/// or 3 (fitted K) observations at distinct times; a time not finite; a demand not finite and
/// > 0; base not finite and > 0; a given K not above every observation; the fit does not
/// grow (r <= 0); or no saturation is visible (fitted K). O(n) per iteration, at most a few
/// hundred iterations.
GrowthCurve fit_logistic(const std::vector<std::pair<double, double>>& observations, double base,
                         std::optional<double> saturation = std::nullopt);

// ---------------------------------------------------------------------------------------------
// Profile

/// A step function over the week: demand in hour h (UTC, of the calendar) of a day whose
/// weekday is w scales by hourly[h] × weekly[w], weekday 0 = Monday ... 6 = Sunday. Both
/// arrays have mean 1, so the profile moves demand within the day and the week but keeps the
/// weekly total, and with a flat weekly array also the daily total. The default is flat.
struct DemandProfile {
  std::array<double, 24> hourly = flat<24>();
  std::array<double, 7> weekly = flat<7>();

  /// hourly[hour of t] × weekly[weekday of t]. O(1).
  double multiple_at(Tick t, const Calendar& calendar) const;

  /// ISO weekday index of a date, 0 = Monday ... 6 = Sunday (1970-01-01 was a Thursday, 3).
  static int weekday_index(const Date& date);

 private:
  template <std::size_t N>
  static constexpr std::array<double, N> flat() {
    std::array<double, N> ones{};
    ones.fill(1.0);
    return ones;
  }
};

/// The profile with both arrays scaled to mean 1. Throws std::invalid_argument on a negative
/// or non-finite weight, or when either array is all zero.
DemandProfile make_profile(std::array<double, 24> hourly, std::array<double, 7> weekly);

/// A profile shaped like the DeepSeek V3/R1 inference day. Assumption, from the DeepSeek
/// "inference system overview" (open-infra-index, Feb 2025; docs figures.md, "Inference"): the
/// service held 278 nodes at peak and 226.75 on average over 24 hours, and freed nodes for
/// training at night. Demand is taken proportional to the nodes held, shaped as one cosine
/// per day, w(h) = 1 + A cos(2π (h − 14) / 24) in local hours, A = 278 / 226.75 − 1 = 0.226:
/// peak at 14:00 local (1.226 × mean), trough at 02:00 (0.774 × mean). The hours are shifted
/// to UTC by `utc_offset_hours` (DeepSeek: Beijing, +8, peak at 06:00 UTC). The weekly array
/// is flat: the source reports one day only.
DemandProfile deepseek_like_profile(int utc_offset_hours = 8);

// ---------------------------------------------------------------------------------------------
// Tokens

/// A service's token demand. Rates in tokens per second; the cache-hit share is the fraction
/// of input tokens served from the KV cache (0..1), which prefill need not recompute.
struct TokenDemand {
  double input_tokens_per_s = 0.0;
  double output_tokens_per_s = 0.0;
  double cache_hit_share = 0.0;

  double cache_hit_input_tokens_per_s() const { return input_tokens_per_s * cache_hit_share; }
  double cache_miss_input_tokens_per_s() const {
    return input_tokens_per_s * (1.0 - cache_hit_share);
  }
};

/// Throws std::invalid_argument unless the rates are finite and >= 0 and the share in [0, 1].
void check_token_demand(const TokenDemand& demand);

/// From daily totals: DeepSeek's day, 608e9 input and 168e9 output tokens with 56.3% cache
/// hits, is about 7.04M input and 1.94M output tokens/s. Checked as check_token_demand.
TokenDemand token_demand_from_daily(double input_tokens_per_day, double output_tokens_per_day,
                                    double cache_hit_share);
/// From requests per second × tokens per request. Checked as check_token_demand.
TokenDemand token_demand_from_requests(double requests_per_s, double input_tokens_per_request,
                                       double output_tokens_per_request, double cache_hit_share);

/// One service's demand over time.
struct DemandCurve {
  TokenDemand base;
  GrowthCurve growth;
  DemandProfile profile;

  /// base × growth.multiple_at(t) × profile.multiple_at(t) for both token rates; the cache-hit
  /// share is unchanged. O(1) (O(log points) for a piecewise curve).
  TokenDemand at(Tick t, const Calendar& calendar) const;
};

}  // namespace capsim
