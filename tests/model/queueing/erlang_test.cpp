#include <doctest/doctest.h>

#include <cmath>
#include <stdexcept>

#include "capsim/model/queueing/erlang.hpp"

namespace capsim {
namespace {

TEST_CASE("erlang: Erlang B against hand-worked values") {
  // c=1, a=1: B = a / (1 + a) = 0.5.
  CHECK(erlang_b(1, 1.0) == doctest::Approx(0.5).epsilon(1e-12));
  // c=2, a=1: B = (a²/2) / (1 + a + a²/2) = 0.5 / 2.5 = 0.2.
  CHECK(erlang_b(2, 1.0) == doctest::Approx(0.2).epsilon(1e-12));
  // c=3, a=2: B = (8/6) / (1 + 2 + 2 + 8/6) = (4/3) / (19/3) = 4/19.
  CHECK(erlang_b(3, 2.0) == doctest::Approx(4.0 / 19.0).epsilon(1e-12));
  // The recursion stays finite where a^c / c! would overflow a double.
  const double large = erlang_b(2000, 1900.0);
  CHECK(large > 0.0);
  CHECK(large < 0.05);
}

TEST_CASE("erlang: Erlang B of far more servers than load ends once it underflows") {
  // 10^15 servers for 100 erlangs: the recursion would take days; B is 0 long before.
  CHECK(erlang_b(1'000'000'000'000'000, 100.0) == 0.0);
  CHECK(erlang_c(1'000'000'000'000'000, 100.0) == 0.0);
  // Near the load nothing changes: the same recursion to the last server.
  CHECK(erlang_b(120, 100.0) > 0.0);
  CHECK(erlang_b(120, 100.0) < erlang_b(110, 100.0));
}

TEST_CASE("erlang: Erlang C and M/M/c figures against hand-worked values") {
  // M/M/1, λ=0.8, μ=1: C = ρ = 0.8, Wq = ρ/(μ−λ) = 4, L = ρ/(1−ρ) = 4.
  const MmcTheory single = mmc_theory(MmcParameters{1, 0.8, 1.0});
  CHECK(single.probability_of_waiting == doctest::Approx(0.8).epsilon(1e-12));
  CHECK(single.mean_wait_s == doctest::Approx(4.0).epsilon(1e-12));
  CHECK(single.mean_in_system == doctest::Approx(4.0).epsilon(1e-12));
  CHECK(single.utilisation == doctest::Approx(0.8).epsilon(1e-12));

  // M/M/2, λ=1, μ=1 (a=1, ρ=0.5): C = (a²/(2!(1−ρ))) / (1 + a + a²/(2!(1−ρ))) = 1/3;
  // Wq = C/(cμ−λ) = 1/3 s; Lq = λWq = 1/3; L = Lq + a = 4/3.
  const MmcTheory pair = mmc_theory(MmcParameters{2, 1.0, 1.0});
  CHECK(pair.probability_of_waiting == doctest::Approx(1.0 / 3.0).epsilon(1e-12));
  CHECK(pair.mean_wait_s == doctest::Approx(1.0 / 3.0).epsilon(1e-12));
  CHECK(pair.mean_in_queue == doctest::Approx(1.0 / 3.0).epsilon(1e-12));
  CHECK(pair.mean_in_system == doctest::Approx(4.0 / 3.0).epsilon(1e-12));

  // M/M/8, λ=7, μ=1 (a=7): Σ_{k<8} 7^k/k! = 1 + 7 + 24.5 + 57.1667 + 100.0417 + 140.0583 +
  // 163.4014 + 163.4014 = 656.5694; 7^8/8! = 142.9762, /(1−7/8) = 1143.8097;
  // C = 1143.8097 / (656.5694 + 1143.8097) = 0.635316.
  CHECK(erlang_c(8, 7.0) == doctest::Approx(0.635316).epsilon(1e-6));
}

TEST_CASE("erlang: waiting-time tail and quantiles") {
  const MmcParameters pair{2, 1.0, 1.0};
  // P(Wq > t) = C·e^{−(cμ−λ)t} = (1/3)·e^{−t}.
  CHECK(mmc_wait_exceeds(pair, 0.0) == doctest::Approx(1.0 / 3.0).epsilon(1e-12));
  CHECK(mmc_wait_exceeds(pair, 2.0) == doctest::Approx(std::exp(-2.0) / 3.0).epsilon(1e-12));
  // The 95th percentile: (1/3)e^{−t} = 0.05 → t = ln(20/3).
  CHECK(mmc_wait_quantile(pair, 0.95) == doctest::Approx(std::log(20.0 / 3.0)).epsilon(1e-12));
  // Two thirds of customers never wait, so the median wait is zero.
  CHECK(mmc_wait_quantile(pair, 0.5) == 0.0);
}

TEST_CASE("erlang: unstable or malformed queues are rejected") {
  CHECK_THROWS_WITH_AS(check_stable(MmcParameters{8, 8.0, 1.0}),
                       "unstable queue: arrival rate 8 is not below servers × service rate = 8 "
                       "(utilisation 1)",
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(check_stable(MmcParameters{0, 1.0, 1.0}),
                       "servers must be at least 1, found 0", std::invalid_argument);
  CHECK_THROWS_WITH_AS(check_stable(MmcParameters{1, -1.0, 1.0}),
                       "arrival rate must be positive, found -1", std::invalid_argument);
  CHECK_THROWS_WITH_AS(check_stable(MmcParameters{1, 0.5, 0.0}),
                       "service rate must be positive, found 0", std::invalid_argument);
  CHECK_THROWS_AS(erlang_c(4, 4.0), std::invalid_argument);
}

}  // namespace
}  // namespace capsim
