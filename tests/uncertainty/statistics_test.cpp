#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "capsim/uncertainty/statistics.hpp"

namespace capsim::uncertainty {
namespace {

using Values = std::vector<double>;

TEST_CASE("sample statistics: mean and sample standard deviation") {
  const Values values = {2, 4, 4, 4, 5, 5, 7, 9};
  // Sum 40 over 8: mean 5. Squared deviations 9 + 1 + 1 + 1 + 0 + 0 + 4 + 16 = 32, so the
  // population sd is sqrt(32 / 8) = 2 and the sample sd sqrt(32 / 7) = 2.138089935299395.
  CHECK(mean(values) == 5.0);
  CHECK(sample_sd(values) == doctest::Approx(std::sqrt(32.0 / 7.0)).epsilon(1e-15));
  CHECK(sample_sd(values) == doctest::Approx(2.138089935299395).epsilon(1e-15));
  CHECK(sample_sd(Values{3.0}) == 0.0);
  CHECK(mean(Values{}) == 0.0);
  Values z = values;
  REQUIRE(standardise(z));
  CHECK(z[0] == doctest::Approx(-1.5).epsilon(1e-15));  // (2 - 5) / 2
  CHECK(z[7] == doctest::Approx(2.0).epsilon(1e-15));   // (9 - 5) / 2
}

TEST_CASE("sample statistics: a column is constant up to rounding noise relative to its size") {
  CHECK(is_constant(Values{7, 7, 7}));
  CHECK(is_constant(Values{7}));
  // 0.1 + 0.2 differs from 0.3 by one ulp (5.6e-17): noise, not variation.
  CHECK(is_constant(Values{0.3, 0.1 + 0.2, 0.3}));
  CHECK_FALSE(is_constant(Values{1e9, 1e9 + 1.0}));  // sd 0.5 is 5e-10 of the mean: varies
  Values flat = {7, 7, 7};
  CHECK_FALSE(standardise(flat));
  CHECK(flat == Values{7, 7, 7});  // left as they were
}

TEST_CASE("sample statistics: type-7 quantiles of 1..10, as numpy gives them") {
  Values one_to_ten;
  for (int i = 1; i <= 10; ++i)
    one_to_ten.push_back(i);
  // h = (n - 1) p = 9p; value = x[floor h] + (h - floor h)(x[floor h + 1] - x[floor h]), x
  // counted from 0, so x[k] = k + 1 and the quantile is 1 + 9p.
  CHECK(sorted_quantile(one_to_ten, 0.0) == 1.0);
  CHECK(sorted_quantile(one_to_ten, 0.1) == doctest::Approx(1.9).epsilon(1e-15));  // h 0.9
  CHECK(sorted_quantile(one_to_ten, 0.25) == 3.25);                                // h 2.25
  CHECK(sorted_quantile(one_to_ten, 0.5) == 5.5);                                  // h 4.5
  CHECK(sorted_quantile(one_to_ten, 0.9) == doctest::Approx(9.1).epsilon(1e-15));  // h 8.1
  CHECK(sorted_quantile(one_to_ten, 1.0) == 10.0);
  // numpy.quantile(numpy.arange(1, 11), [0.1, 0.9]) prints 1.9 and 9.1: the same doubles.
  CHECK(sorted_quantile(one_to_ten, 0.1) == 1.9);
  CHECK(sorted_quantile(one_to_ten, 0.9) == 9.1);
  // Unsorted input is sorted first; one value is every quantile.
  CHECK(sample_quantile({10, 1, 5, 3}, 0.5) == 4.0);  // sorted 1 3 5 10: h 1.5 -> 3 + 0.5 * 2
  CHECK(sample_quantile({42}, 0.9) == 42.0);
  // numpy interpolates from the nearer neighbour: at h = 0.7 between 1 and 1e16 + 2, from
  // the upper one: b - (b - a)(1 - t) = 7000000000000002 (numpy.quantile([1, 1e16 + 2], 0.7)),
  // where a + (b - a) t would give 7000000000000001.
  CHECK(sample_quantile({1.0, 1e16 + 2.0}, 0.7) == 7000000000000002.0);
}

TEST_CASE("sample statistics: ranks average their ties") {
  CHECK(ranks(Values{30, 10, 20}) == Values{3, 1, 2});
  CHECK(ranks(Values{10, 20, 20, 30}) == Values{1, 2.5, 2.5, 4});
  CHECK(ranks(Values{5, 5, 5}) == Values{2, 2, 2});  // (1 + 2 + 3) / 3
  CHECK(ranks(Values{}).empty());
}

TEST_CASE("sample statistics: Spearman of known permutations") {
  const Values x = {1, 2, 3, 4, 5};
  CHECK(spearman(x, Values{10, 20, 30, 40, 50}) == 1.0);
  CHECK(spearman(x, Values{5, 4, 3, 2, 1}) == -1.0);
  // Two neighbouring swaps: d = 1, 1, 1, 1, 0; 1 - 6 sum d^2 / (n (n^2 - 1)) = 1 - 24/120.
  CHECK(spearman(x, Values{2, 1, 4, 3, 5}) == doctest::Approx(0.8).epsilon(1e-15));
  // Monotone but not linear: ranks alike, so 1.
  CHECK(spearman(x, Values{1, 8, 27, 64, 125}) == 1.0);
  // A tie: ranks 1, 2.5, 2.5, 4 against 1, 2, 3, 4. Deviations -1.5, 0, 0, 1.5 and
  // -1.5, -0.5, 0.5, 1.5: cross sum 4.5, squares 4.5 and 5, so 4.5 / sqrt(22.5) = 3 / sqrt(10).
  CHECK(spearman(Values{1, 2, 2, 3}, Values{1, 2, 3, 4}) ==
        doctest::Approx(3.0 / std::sqrt(10.0)).epsilon(1e-15));
  CHECK(spearman(x, Values{7, 7, 7, 7, 7}) == 0.0);  // nothing to correlate with
  // Pearson on the values themselves sees the curve: x against x^3, below 1.
  CHECK(pearson(x, Values{1, 8, 27, 64, 125}) < 0.95);
  CHECK_THROWS_AS(pearson(x, Values{1, 2}), std::invalid_argument);
}

TEST_CASE("sample statistics: SRC of an exact linear model, by hand") {
  // y = 2 x1 + 3 x2 on six rows; x1 and x2 are correlated, the fit is still exact. Population
  // sds: x1 = 1..6 has sqrt(35/12); x2 alternating 0, 1 has 0.5; y = 2, 7, 6, 11, 10, 15 has
  // mean 8.5 and squared deviations 42.25 + 2.25 + 6.25 + 6.25 + 2.25 + 42.25 = 101.5, so
  // var(y) = 101.5 / 6. SRC_j = b_j sd(x_j) / sd(y): 2 sqrt(35/12) / sqrt(101.5/6) =
  // 0.8304547985373997 and 3 * 0.5 / sqrt(101.5/6) = 0.3646984043128985.
  const std::vector<Values> x = {{1, 2, 3, 4, 5, 6}, {0, 1, 0, 1, 0, 1}};
  const Values y = {2, 7, 6, 11, 10, 15};
  const Regression fit = standardised_regression(x, y);
  CHECK(fit.note.empty());
  REQUIRE(fit.coefficients.size() == 2);
  CHECK(fit.coefficients[0] ==
        doctest::Approx(2.0 * std::sqrt(35.0 / 12.0) / std::sqrt(101.5 / 6.0)).epsilon(1e-12));
  CHECK(fit.coefficients[0] == doctest::Approx(0.8304547985373997).epsilon(1e-12));
  CHECK(fit.coefficients[1] == doctest::Approx(0.3646984043128985).epsilon(1e-12));
  CHECK(fit.r_squared == doctest::Approx(1.0).epsilon(1e-12));
  // The driver order: x1 before x2; equal magnitudes by name.
  CHECK(driver_order(fit.coefficients, {"b", "a"}) == std::vector<std::size_t>{0, 1});
  CHECK(driver_order(Values{0.5, -0.5, 0.9}, {"b", "a", "c"}) == std::vector<std::size_t>{2, 1, 0});
  // A constant column stays out of the fit with a zero coefficient.
  const Regression with_flat = standardised_regression({x[0], {4, 4, 4, 4, 4, 4}, x[1]}, y);
  REQUIRE(with_flat.coefficients.size() == 3);
  CHECK(with_flat.coefficients[1] == 0.0);
  CHECK(with_flat.coefficients[2] == doctest::Approx(0.3646984043128985).epsilon(1e-12));
}

TEST_CASE("sample statistics: a monotone curve has SRRC 1 and SRC below 1") {
  // y = exp(5x) at x = 0, 0.25, 0.5, 0.75, 1: y = 1, 3.4903429574618414, 12.182493960703473,
  // 42.52108200006278, 148.4131591025766. With one input the SRC is Pearson's r:
  // deviations of x -0.5, -0.25, 0, 0.25, 0.5 (sum of squares 0.625); sum dx * y =
  // 83.46426431193854; sum of squared deviations of y 15375.96409345876;
  // r = 83.464... / sqrt(0.625 * 15375.96...) = 0.8514112472063377, R^2 = r^2 =
  // 0.7249011118694514. The ranks are 1..5 on both sides: SRRC 1, R^2 1.
  const std::vector<Values> x = {{0, 0.25, 0.5, 0.75, 1}};
  Values y;
  for (const double v : x[0])
    y.push_back(std::exp(5 * v));
  const Regression src = standardised_regression(x, y);
  REQUIRE(src.coefficients.size() == 1);
  CHECK(src.coefficients[0] == doctest::Approx(0.8514112472063377).epsilon(1e-12));
  CHECK(src.r_squared == doctest::Approx(0.7249011118694514).epsilon(1e-12));
  const Regression srrc = standardised_rank_regression(x, y);
  REQUIRE(srrc.coefficients.size() == 1);
  CHECK(srrc.coefficients[0] == doctest::Approx(1.0).epsilon(1e-12));
  CHECK(srrc.r_squared == doctest::Approx(1.0).epsilon(1e-12));
}

TEST_CASE("sample statistics: no ranking, with a note, when the data cannot rank the inputs") {
  const Values y = {1, 2, 3, 5};
  CHECK(standardised_regression({{1, 2, 3, 4}}, Values{6, 6, 6, 6}).note ==
        "constant: nothing to explain");
  CHECK(standardised_regression({{1, 1, 1, 1}}, y).note == "no input varies");
  CHECK(standardised_regression({}, y).note == "no input varies");
  // Two varying inputs need more than 3 runs.
  CHECK(standardised_regression({{1, 2, 3}, {0, 1, 1}}, Values{1, 2, 4}).note ==
        "not ranked: expected more than 3 runs for 2 varying inputs (inputs + 1), found 3");
  // x2 = 2 x1: collinear.
  const Regression collinear = standardised_regression({{1, 2, 3, 4}, {2, 4, 6, 8}}, y);
  CHECK(collinear.note ==
        "not ranked: the 2 varying inputs are linearly dependent (rank 1): vary them "
        "independently");
  CHECK(collinear.coefficients.empty());
  CHECK(collinear.r_squared == 0.0);
  CHECK(standardised_regression({{1}}, Values{1}).note ==
        "not ranked: expected at least 2 runs, found 1");
  const double nan = std::numeric_limits<double>::quiet_NaN();
  CHECK(standardised_regression({{1, 2, 3, 4}}, Values{1, nan, 3, 4}).note ==
        "not ranked: expected a finite output in every run, found nan");
  CHECK(standardised_rank_regression({{1, 2, 3, 4}}, Values{1, nan, 3, 4}).note ==
        "not ranked: expected a finite output in every run, found nan");
  CHECK(standardised_rank_regression({{1, 2, 3, 4}, {1, 2, 3, INFINITY}}, y).note ==
        "not ranked: expected finite inputs in every run, found inf (input 2)");
  CHECK_THROWS_AS(standardised_regression({{1, 2}}, y), std::invalid_argument);
  // Ranks can be collinear where values are not: x2 = x1^3 has x1's ranks.
  CHECK(standardised_rank_regression({{1, 2, 3, 4}, {1, 8, 27, 64}}, y).note ==
        "not ranked: the 2 varying inputs are linearly dependent (rank 1): vary them "
        "independently");
}

}  // namespace
}  // namespace capsim::uncertainty
