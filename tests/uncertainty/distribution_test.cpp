#include <doctest/doctest.h>

#include "refusal.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "capsim/uncertainty/distribution.hpp"

namespace capsim::uncertainty {
namespace {

using Form = DistributionForm;

constexpr double kInfinity = std::numeric_limits<double>::infinity();

/// Phi(z) by the C library's erfc: a second implementation, independent of Boost's, to check
/// that F(quantile(u)) = u.
double phi_cdf(double z) {
  return 0.5 * std::erfc(-z / std::sqrt(2.0));
}

using uncertainty::test::refusal;

Distribution make(Form form, std::vector<double> parameters) {
  return Distribution::continuous(form, std::move(parameters));
}

TEST_CASE("distribution: normal quantiles, mean and variance") {
  const Distribution d = make(Form::normal, {100.0, 15.0});
  // mean + sd z_u, z_0.9 = -z_0.1 = 1.2815515655446004: 100 -+ 15 * 1.28155... = 80.7767...,
  // 119.2232...; z_0.5 = 0 exactly, so the median is the mean exactly.
  CHECK(d.quantile(0.1) == doctest::Approx(80.77672651683099).epsilon(1e-14));
  CHECK(d.quantile(0.5) == 100.0);
  CHECK(d.quantile(0.9) == doctest::Approx(119.22327348316901).epsilon(1e-14));
  CHECK(d.quantile(0.0) == -kInfinity);
  CHECK(d.quantile(1.0) == kInfinity);
  CHECK(d.mean() == 100.0);
  CHECK(d.variance() == 225.0);  // 15^2
  CHECK_FALSE(d.is_point());
  CHECK_FALSE(d.truncated());
}

TEST_CASE("distribution: a truncated normal by its formula, and deep in a tail") {
  // N(0, 1) on [-1, 2]: Phi(-1) = 0.15865525393145707, Phi(2) = 0.9772498680518208, so the
  // mass is Z = 0.8185946141203637. The u-quantile q satisfies (Phi(q) - Phi(-1)) / Z = u.
  const Distribution d = Distribution::truncated_normal(0.0, 1.0, -1.0, 2.0);
  CHECK(d.truncated());
  const double mass = phi_cdf(2.0) - phi_cdf(-1.0);
  CHECK(mass == doctest::Approx(0.8185946141203637).epsilon(1e-15));
  for (const double u : {0.1, 0.5, 0.9})
    CHECK((phi_cdf(d.quantile(u)) - phi_cdf(-1.0)) / mass == doctest::Approx(u).epsilon(1e-13));
  // The same inverted numerically (scipy.stats.truncnorm(-1, 2).ppf gives these digits).
  CHECK(d.quantile(0.1) == doctest::Approx(-0.7046478210947453).epsilon(1e-13));
  CHECK(d.quantile(0.5) == doctest::Approx(0.17116391801782455).epsilon(1e-13));
  CHECK(d.quantile(0.9) == doctest::Approx(1.2557153641502148).epsilon(1e-13));
  CHECK(d.quantile(0.0) == -1.0);
  CHECK(d.quantile(1.0) == 2.0);
  // mean = (phi(a) - phi(b)) / Z = (0.24197072451914337 - 0.05399096651318805) / Z
  //      = 0.22963717909132902;
  // variance = 1 + (a phi(a) - b phi(b)) / Z - mean^2
  //          = 1 + (-0.24197072451914337 - 0.1079819330263761) / Z - 0.0527332...
  //          = 1 - 0.42750462... - 0.05273323... = 0.51976253921153...
  const double phi_a = 0.24197072451914337, phi_b = 0.05399096651318805;
  const double mean = (phi_a - phi_b) / mass;
  CHECK(d.mean() == doctest::Approx(mean).epsilon(1e-14));
  CHECK(d.mean() == doctest::Approx(0.22963717909132902).epsilon(1e-14));
  CHECK(d.variance() ==
        doctest::Approx(1.0 + (-1.0 * phi_a - 2.0 * phi_b) / mass - mean * mean).epsilon(1e-13));
  CHECK(d.variance() == doctest::Approx(0.5197625392115339).epsilon(1e-13));

  // On [8, 9] sd, Phi(8) = 1 - 6.2e-16 and Phi(9) rounds to 1: a draw computed from Phi would
  // have almost no digits left. From the upper tail (1 - Phi(z) = erfc(z / sqrt 2) / 2) it
  // keeps them all: (Q(8) - Q(q)) / (Q(8) - Q(9)) = u.
  const Distribution tail = Distribution::truncated_normal(0.0, 1.0, 8.0, 9.0);
  const auto upper = [](double z) { return 0.5 * std::erfc(z / std::sqrt(2.0)); };
  for (const double u : {0.1, 0.5, 0.9}) {
    const double q = tail.quantile(u);
    CHECK((upper(8.0) - upper(q)) / (upper(8.0) - upper(9.0)) == doctest::Approx(u).epsilon(1e-12));
  }
  CHECK(tail.quantile(0.5) == doctest::Approx(8.08488889901817).epsilon(1e-13));
  // Mean and variance by the same formula, scipy.stats.truncnorm(8, 9): 8.121188992979869,
  // 0.014148542782154938 (the variance loses digits to cancellation: 1 + 7.52 - 66.0...).
  CHECK(tail.mean() == doctest::Approx(8.121188992979869).epsilon(1e-13));
  CHECK(tail.variance() == doctest::Approx(0.014148542782154938).epsilon(1e-9));

  // One-sided: a normal truncated at 0 from below only (the half-normal).
  const Distribution half = Distribution::truncated_normal(0.0, 1.0, 0.0, kInfinity);
  // Median of the half-normal: Phi^-1(0.75) = 0.6744897501960817.
  CHECK(half.quantile(0.5) == doctest::Approx(0.6744897501960817).epsilon(1e-14));
  // Mean sqrt(2 / pi) = 0.7978845608028654; variance 1 - 2 / pi = 0.3633802276324186.
  CHECK(half.mean() == doctest::Approx(0.7978845608028654).epsilon(1e-14));
  CHECK(half.variance() == doctest::Approx(0.3633802276324186).epsilon(1e-14));
  CHECK(half.quantile(1.0) == kInfinity);
}

TEST_CASE("distribution: uniform and loguniform") {
  const Distribution d = make(Form::uniform, {10.0, 20.0});
  // low + u (high - low)
  CHECK(d.quantile(0.1) == doctest::Approx(11.0).epsilon(1e-15));
  CHECK(d.quantile(0.5) == 15.0);
  CHECK(d.quantile(0.9) == doctest::Approx(19.0).epsilon(1e-15));
  CHECK(d.quantile(0.0) == 10.0);
  CHECK(d.quantile(1.0) == 20.0);
  CHECK(d.mean() == 15.0);
  CHECK(d.variance() == doctest::Approx(100.0 / 12.0).epsilon(1e-15));  // width^2 / 12

  // low (high / low)^u = 100^u: 10^0.2 = 1.5848931924611136, 10, 10^1.8 = 63.09573444801933.
  const Distribution log = make(Form::loguniform, {1.0, 100.0});
  CHECK(log.quantile(0.1) == doctest::Approx(1.5848931924611136).epsilon(1e-14));
  CHECK(log.quantile(0.5) == doctest::Approx(10.0).epsilon(1e-15));
  CHECK(log.quantile(0.9) == doctest::Approx(63.09573444801933).epsilon(1e-14));
  CHECK(log.quantile(0.0) == 1.0);
  CHECK(log.quantile(1.0) == 100.0);
  // mean (high - low) / ln(high / low) = 99 / 4.605170185988092 = 21.497576854210962;
  // E[X^2] = (high^2 - low^2) / (2 ln(high / low)) = 9999 / 9.210340371976184 = 1085.6287...,
  // variance = 1085.6287... - 21.4975...^2 = 623.4818205349468.
  CHECK(log.mean() == doctest::Approx(21.497576854210962).epsilon(1e-14));
  CHECK(log.variance() == doctest::Approx(623.4818205349468).epsilon(1e-13));
}

TEST_CASE("distribution: triangular(14, 18, 26), the construction slip of the docs") {
  const Distribution d = make(Form::triangular, {14.0, 18.0, 26.0});
  // F(mode) = (18 - 14) / 12 = 1/3. Below it: low + sqrt(u * 12 * 4) = 14 + sqrt(4.8) at 0.1;
  // above: high - sqrt((1 - u) * 12 * 8) = 26 - sqrt(48) at 0.5, 26 - sqrt(9.6) at 0.9.
  CHECK(d.quantile(0.1) == doctest::Approx(14.0 + std::sqrt(4.8)).epsilon(1e-15));
  CHECK(d.quantile(0.1) == doctest::Approx(16.190890230020663).epsilon(1e-15));
  CHECK(d.quantile(0.5) == doctest::Approx(19.071796769724493).epsilon(1e-15));
  CHECK(d.quantile(0.9) == doctest::Approx(22.901613323034066).epsilon(1e-15));
  CHECK(d.quantile(1.0 / 3.0) == doctest::Approx(18.0).epsilon(1e-15));
  CHECK(d.quantile(0.0) == 14.0);
  CHECK(d.quantile(1.0) == 26.0);
  CHECK(d.median() == d.quantile(0.5));
  // (a + b + c) / 3 = 58 / 3; (a^2 + b^2 + c^2 - ab - ac - bc) / 18
  //   = (196 + 324 + 676 - 252 - 364 - 468) / 18 = 112 / 18.
  CHECK(d.mean() == doctest::Approx(58.0 / 3.0).epsilon(1e-15));
  CHECK(d.variance() == doctest::Approx(112.0 / 18.0).epsilon(1e-15));
  // The mode at an end: a right triangle, one branch only.
  const Distribution right = make(Form::triangular, {0.0, 0.0, 1.0});
  CHECK(right.quantile(0.75) == doctest::Approx(0.5).epsilon(1e-15));  // 1 - sqrt(0.25 * 1 * 1)
}

TEST_CASE("distribution: PERT against its Beta's polynomial CDF") {
  // pert(0, 5, 10): alpha = 1 + 4 * 5/10 = 3 = beta; Beta(3, 3)'s CDF is 6x^5 - 15x^4 + 10x^3.
  const Distribution symmetric = make(Form::pert, {0.0, 5.0, 10.0});
  const auto beta33 = [](double x) {
    return 6 * std::pow(x, 5) - 15 * std::pow(x, 4) + 10 * x * x * x;
  };
  for (const double u : {0.1, 0.5, 0.9})
    CHECK(beta33(symmetric.quantile(u) / 10.0) == doctest::Approx(u).epsilon(1e-13));
  CHECK(symmetric.quantile(0.1) == doctest::Approx(2.4663645328846657).epsilon(1e-13));
  CHECK(symmetric.quantile(0.5) == doctest::Approx(5.0).epsilon(1e-15));  // by symmetry
  CHECK(symmetric.quantile(0.9) == doctest::Approx(7.533635467115333).epsilon(1e-13));
  CHECK(symmetric.mean() == 5.0);  // (0 + 4 * 5 + 10) / 6
  // Beta(3, 3): 3 * 3 / (6^2 * 7) = 1/28, times width^2 = 100: 25/7.
  CHECK(symmetric.variance() == doctest::Approx(25.0 / 7.0).epsilon(1e-15));

  // pert(0, 2.5, 10): alpha = 1 + 4 * 0.25 = 2, beta = 1 + 4 * 0.75 = 4; Beta(2, 4)'s CDF is
  // 1 - (1 - x)^5 - 5x(1 - x)^4 = 1 - (1 - x)^4 (1 + 4x).
  const Distribution skewed = make(Form::pert, {0.0, 2.5, 10.0});
  const auto beta24 = [](double x) { return 1.0 - std::pow(1.0 - x, 4) * (1.0 + 4.0 * x); };
  for (const double u : {0.1, 0.5, 0.9})
    CHECK(beta24(skewed.quantile(u) / 10.0) == doctest::Approx(u).epsilon(1e-13));
  CHECK(skewed.quantile(0.1) == doctest::Approx(1.1223495854585854).epsilon(1e-13));
  CHECK(skewed.quantile(0.5) == doctest::Approx(3.1381017045569743).epsilon(1e-13));
  CHECK(skewed.quantile(0.9) == doctest::Approx(5.83890374619529).epsilon(1e-13));
  CHECK(skewed.quantile(0.0) == 0.0);
  CHECK(skewed.quantile(1.0) == 10.0);
  // (a + 4m + c) / 6 = 20 / 6; variance (mean - a)(c - mean) / 7 = (10/3)(20/3) / 7 = 200/63.
  CHECK(skewed.mean() == doctest::Approx(20.0 / 6.0).epsilon(1e-15));
  CHECK(skewed.variance() == doctest::Approx(200.0 / 63.0).epsilon(1e-15));

  // pert(14, 18, 26): mean (14 + 72 + 26) / 6 = 112 / 6; variance (14/3)(22/3) / 7 = 308/63.
  const Distribution docs = make(Form::pert, {14.0, 18.0, 26.0});
  CHECK(docs.mean() == doctest::Approx(112.0 / 6.0).epsilon(1e-15));
  CHECK(docs.variance() == doctest::Approx(308.0 / 63.0).epsilon(1e-14));
}

TEST_CASE("distribution: lognormal from its median and p90") {
  // sigma = ln(55000 / 40000) / z_0.9 = 0.3184537311185346 / 1.2815515655446004
  //       = 0.24849076672401116. The p90 comes back; the p10 mirrors it in log space:
  // median^2 / p90 = 1.6e9 / 55000 = 29090.909090909092.
  const Distribution d = make(Form::lognormal, {40000.0, 55000.0});
  CHECK(d.quantile(0.1) == doctest::Approx(29090.909090909092).epsilon(1e-14));
  CHECK(d.quantile(0.5) == 40000.0);
  CHECK(d.quantile(0.9) == doctest::Approx(55000.0).epsilon(1e-14));
  CHECK(d.quantile(0.0) == 0.0);
  CHECK(d.quantile(1.0) == kInfinity);
  // mean = median exp(sigma^2 / 2) = 40000 * exp(0.030873831...) = 41254.214806468815;
  // variance = (exp(sigma^2) - 1) median^2 exp(sigma^2) = 108401299.84441525.
  const double sigma = std::log(55000.0 / 40000.0) / 1.2815515655446004;
  CHECK(d.mean() == doctest::Approx(40000.0 * std::exp(sigma * sigma / 2.0)).epsilon(1e-15));
  CHECK(d.mean() == doctest::Approx(41254.214806468815).epsilon(1e-14));
  CHECK(d.variance() == doctest::Approx(108401299.84441525).epsilon(1e-13));
}

TEST_CASE("distribution: a choice returns the index by cumulative weight") {
  // Weights 1, 2, 1 -> 0.25, 0.5, 0.25; cumulative 0.25, 0.75, 1.
  const Distribution d = Distribution::choice({1.0, 2.0, 1.0});
  CHECK(d.parameters() == std::vector<double>{0.25, 0.5, 0.25});
  CHECK(d.quantile(0.1) == 0.0);
  CHECK(d.quantile(0.25) == 0.0);  // smallest index with F >= u
  CHECK(d.quantile(0.5) == 1.0);
  CHECK(d.quantile(0.9) == 2.0);
  CHECK(d.quantile(0.0) == 0.0);
  CHECK(d.quantile(1.0) == 2.0);
  // Mean of the index 0.5 * 1 + 0.25 * 2 = 1; variance 0.25 * 1 + 0.25 * 1 = 0.5.
  CHECK(d.mean() == 1.0);
  CHECK(d.variance() == 0.5);
  // A value of weight 0 is never chosen, not even at the ends.
  const Distribution gaps = Distribution::choice({0.0, 1.0, 0.0, 3.0, 0.0});
  CHECK(gaps.quantile(0.0) == 1.0);
  CHECK(gaps.quantile(0.25) == 1.0);
  CHECK(gaps.quantile(0.2500001) == 3.0);
  CHECK(gaps.quantile(1.0) == 3.0);
  // mean 0.25 * 1 + 0.75 * 3 = 2.5; variance 0.25 * 1.5^2 + 0.75 * 0.5^2 = 0.75.
  CHECK(gaps.mean() == 2.5);
  CHECK(gaps.variance() == 0.75);
  // Tenths that do not sum to exactly 1 in binary still reach the last value at u = 1.
  const Distribution tenths = Distribution::choice({0.1, 0.1, 0.1, 0.7});
  CHECK(tenths.quantile(1.0) == 3.0);
}

TEST_CASE("distribution: zero width returns the value exactly, bit for bit") {
  const double odd = 0.1 + 0.2;  // 0.30000000000000004: any arithmetic on it would show
  const std::vector<Distribution> points = {
      make(Form::triangular, {18.0, 18.0, 18.0}),
      make(Form::triangular, {odd, odd, odd}),
      make(Form::normal, {odd, 0.0}),
      make(Form::lognormal, {odd, odd}),
      make(Form::uniform, {odd, odd}),
      make(Form::loguniform, {odd, odd}),
      make(Form::pert, {odd, odd, odd}),
      Distribution::truncated_normal(odd, 0.0, 0.0, 1.0),
  };
  for (const Distribution& d : points) {
    CAPTURE(form_name(d.form()));
    CHECK(d.is_point());
    for (const double u : {0.0, 0.1, 0.5, 0.9, 1.0}) {
      CAPTURE(u);
      CHECK(d.quantile(u) == d.parameters()[0]);
    }
    CHECK(d.mean() == d.parameters()[0]);
    CHECK(d.variance() == 0.0);
  }
  CHECK(make(Form::triangular, {18.0, 18.0, 18.0}).quantile(0.37) == 18.0);
  // A choice with one value of weight is a point too: its index.
  const Distribution one = Distribution::choice({0.0, 2.0, 0.0});
  CHECK(one.is_point());
  for (const double u : {0.0, 0.5, 1.0})
    CHECK(one.quantile(u) == 1.0);
  CHECK(one.variance() == 0.0);
  CHECK_FALSE(make(Form::triangular, {18.0, 18.0, 19.0}).is_point());
}

TEST_CASE("distribution: quantile never throws across [0, 1]") {
  const std::vector<Distribution> all = {
      make(Form::normal, {0.0, 1.0}),
      Distribution::truncated_normal(0.0, 1.0, 8.0, 9.0),
      Distribution::truncated_normal(0.0, 1.0, -9.0, -8.0),
      make(Form::uniform, {0.0, 1.0}),
      make(Form::loguniform, {1e-6, 1e6}),
      make(Form::triangular, {0.0, 1.0, 1.0}),
      make(Form::pert, {0.0, 0.0, 1.0}),
      make(Form::pert, {0.0, 1.0, 1.0}),
      make(Form::lognormal, {1.0, 1e6}),
      Distribution::choice({1.0, 1.0}),
  };
  // The extremes a stream can give (0 and 1 - 2^-53), the smallest positive double, and 1.
  const std::vector<double> extremes = {
      0.0, std::numeric_limits<double>::denorm_min(), 1e-300, 0x1.0p-53, 1.0 - 0x1.0p-53, 1.0};
  for (const Distribution& d : all) {
    CAPTURE(form_name(d.form()));
    double previous = -kInfinity;
    for (const double u : extremes) {
      CAPTURE(u);
      double value = 0.0;
      CHECK_NOTHROW(value = d.quantile(u));
      CHECK_FALSE(std::isnan(value));
      CHECK(value >= previous);  // monotone
      previous = value;
    }
  }
  // The truncated tails stay inside their bounds even at the extremes.
  const Distribution lower_tail = Distribution::truncated_normal(0.0, 1.0, -9.0, -8.0);
  CHECK(lower_tail.quantile(0x1.0p-53) >= -9.0);
  CHECK(lower_tail.quantile(1.0 - 0x1.0p-53) <= -8.0);
}

TEST_CASE("distribution: invalid parameters are refused with the user's numbers") {
  CHECK(refusal([] {
          make(Form::triangular, {14.0, 12.0, 26.0});
        }) == "expected low <= mode <= high, found low 14, mode 12, high 26");
  CHECK(refusal([] {
          make(Form::pert, {14.0, 30.0, 26.0});
        }) == "expected low <= mode <= high, found low 14, mode 30, high 26");
  CHECK(refusal([] {
          make(Form::triangular, {14.0, 26.0});
        }) == "expected triangular(low, mode, high): 3 parameters, found 2");
  CHECK(refusal([] {
          make(Form::normal, {1.0, 2.0, 3.0});
        }) == "expected normal(mean, sd): 2 parameters, found 3");
  CHECK(refusal([] { make(Form::normal, {100.0, -0.5}); }) == "expected sd >= 0, found sd -0.5");
  CHECK(refusal([] {
          make(Form::uniform, {20.0, 10.0});
        }) == "expected low <= high, found low 20, high 10");
  CHECK(refusal([] {
          make(Form::loguniform, {0.0, 10.0});
        }) == "expected 0 < low <= high, found low 0, high 10");
  CHECK(refusal([] {
          make(Form::loguniform, {5.0, 1.0});
        }) == "expected 0 < low <= high, found low 5, high 1");
  CHECK(refusal([] {
          make(Form::lognormal, {40000.0, 30000.0});
        }) == "expected 0 < median <= p90, found median 40000, p90 30000");
  CHECK(refusal([] {
          make(Form::lognormal, {-1.0, 3.0});
        }) == "expected 0 < median <= p90, found median -1, p90 3");
  // Canonical units, shortest round-trip form: 18 months is 18 * 2629800 s = 47336400 s (a
  // 365.25-day year); a third keeps its 16 digits.
  CHECK(refusal([] {
          make(Form::uniform, {47336400.0, 1.0 / 3.0});
        }) == "expected low <= high, found low 47336400, high 0.3333333333333333");
  CHECK(refusal([] {
          make(Form::uniform, {std::nan(""), 1.0});
        }) == "expected finite parameters, found low nan");
  CHECK(refusal([] {
          make(Form::triangular, {0.0, 1.0, kInfinity});
        }) == "expected finite parameters, found high inf");
  CHECK(refusal([] { make(Form::choice, {1.0}); }) == "expected a continuous form, found choice");
  CHECK(refusal([] { Distribution::truncated_normal(0.0, 1.0, 2.0, 2.0); }) ==
        "expected low < high, found low 2, high 2");
  CHECK(refusal([] { Distribution::truncated_normal(0.0, -1.0, 0.0, 2.0); }) ==
        "expected sd >= 0, found sd -1");
  CHECK(refusal([] { Distribution::truncated_normal(0.0, 1.0, 50.0, 60.0); }) ==
        "expected [low, high] to hold some of the normal's mass, found low 50, high 60 for "
        "mean 0, sd 1");
  CHECK(refusal([] { Distribution::truncated_normal(5.0, 0.0, 0.0, 1.0); }) ==
        "expected [low, high] to hold some of the normal's mass, found low 0, high 1 for "
        "mean 5, sd 0");
  CHECK(refusal([] { Distribution::choice({}); }) ==
        "expected at least one value to choose from, found none");
  CHECK(refusal([] {
          Distribution::choice({1.0, -2.0});
        }) == "expected finite weights >= 0, found weight 2 -2");
  CHECK(refusal([] {
          Distribution::choice({0.0, 0.0});
        }) == "expected some weight above 0, found all 0");
  CHECK(refusal([] {
          Distribution::choice({1e308, 1e308});
        }) == "expected weights with a finite sum, found an overflow");
}

TEST_CASE("distribution: forms are named and list their parameters") {
  CHECK(form_name(Form::pert) == "pert");
  CHECK(form_parameters(Form::triangular) == std::vector<std::string_view>{"low", "mode", "high"});
  CHECK(form_parameters(Form::lognormal) == std::vector<std::string_view>{"median", "p90"});
  CHECK(form_parameters(Form::normal) == std::vector<std::string_view>{"mean", "sd"});
  CHECK(form_parameters(Form::loguniform) == std::vector<std::string_view>{"low", "high"});
}

}  // namespace
}  // namespace capsim::uncertainty
