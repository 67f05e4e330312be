#include <doctest/doctest.h>

#include <stdexcept>
#include <vector>

#include "capsim/metrics/statistics.hpp"

namespace capsim {
namespace {

TEST_CASE("statistics: normal quantiles against tables") {
  CHECK(normal_quantile(0.5) == doctest::Approx(0.0).epsilon(1e-12));
  CHECK(normal_quantile(0.975) == doctest::Approx(1.959963984540054).epsilon(1e-12));
  CHECK(normal_quantile(0.995) == doctest::Approx(2.575829303548901).epsilon(1e-12));
  CHECK(normal_quantile(0.001) == doctest::Approx(-3.090232306167814).epsilon(1e-12));
  CHECK_THROWS_AS(normal_quantile(1.0), std::invalid_argument);
}

TEST_CASE("statistics: Student t quantiles against tables") {
  // Values from standard t tables (e.g. NIST/SEMATECH e-Handbook, Table 1.3.6.7.2).
  CHECK(student_t_quantile(0.975, 1) == doctest::Approx(12.706205).epsilon(1e-6));
  CHECK(student_t_quantile(0.975, 2) == doctest::Approx(4.302653).epsilon(1e-6));
  CHECK(student_t_quantile(0.975, 3) == doctest::Approx(3.182446).epsilon(1e-6));
  CHECK(student_t_quantile(0.975, 10) == doctest::Approx(2.228139).epsilon(1e-6));
  CHECK(student_t_quantile(0.995, 19) == doctest::Approx(2.860935).epsilon(1e-6));
  CHECK(student_t_quantile(0.995, 29) == doctest::Approx(2.756386).epsilon(1e-6));
  CHECK(student_t_quantile(0.95, 100) == doctest::Approx(1.660234).epsilon(1e-6));
  CHECK(student_t_quantile(0.025, 10) == doctest::Approx(-2.228139).epsilon(1e-6));
}

TEST_CASE("statistics: t interval of a small sample worked by hand") {
  // x = 1..5: mean 3, s² = 2.5, standard error √(2.5/5) = 0.707107; t(0.975, 4) = 2.776445;
  // half width = 1.963243.
  const std::vector<double> sample = {1, 2, 3, 4, 5};
  const Estimate estimate = t_interval(sample, 0.95);
  CHECK(estimate.mean == doctest::Approx(3.0));
  CHECK(estimate.half_width == doctest::Approx(1.963243).epsilon(1e-6));
  CHECK(estimate.covers(4.9));
  CHECK_FALSE(estimate.covers(5.0));
  CHECK_THROWS_AS(t_interval(std::vector<double>{1.0}, 0.95), std::invalid_argument);
}

TEST_CASE("statistics: time integral of a piecewise-constant signal") {
  TimeIntegral busy(0.0, 2.0);
  busy.change(3.0, 5.0);  // 2 × 3 = 6
  busy.change(4.0, 0.0);  // + 5 × 1 = 11
  CHECK(busy.integral_until(10.0) == doctest::Approx(11.0));
  busy.change(10.0, 1.0);
  CHECK(busy.integral_until(12.0) == doctest::Approx(13.0));
  busy.reset(12.0);
  CHECK(busy.integral_until(15.0) == doctest::Approx(3.0));
}

}  // namespace
}  // namespace capsim
