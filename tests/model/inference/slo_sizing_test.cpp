#include <doctest/doctest.h>

#include <cmath>
#include <initializer_list>
#include <numbers>
#include <stdexcept>

#include "capsim/model/inference/slo_sizing.hpp"
#include "capsim/model/queueing/erlang.hpp"

namespace capsim {
namespace {

// P(wait) = [1 + β·Φ(β)/φ(β)]^−1, straight from the formula, to check the solver against.
double halfin_whitt_delay(double beta) {
  const double cdf = 0.5 * std::erfc(-beta / std::numbers::sqrt2);
  const double density = std::exp(-0.5 * beta * beta) / std::sqrt(2.0 * std::numbers::pi);
  return 1.0 / (1.0 + beta * cdf / density);
}

// The smallest c with Erlang C probability of waiting <= P, by plain search.
std::int64_t exact_delay_staffing(double offered_load, double delay_probability) {
  auto replicas = static_cast<std::int64_t>(std::floor(offered_load)) + 1;
  while (erlang_c(replicas, offered_load) > delay_probability)
    ++replicas;
  return replicas;
}

TEST_CASE("slo_sizing: at a 100% target the SLO alone sizes a large load, replica by replica") {
  // λ = 200/s, s = 100 s: a = 20,000 erlangs, p95 wait <= 2 s, no utilisation headroom. The
  // search starts at the stable 20,001 replicas, where nearly every request waits, and the
  // answer lies about √a above: Halfin-Whitt, β = (c − a)/√a: c = 20,100 (β = 0.707) gives
  // C ≈ 1/(1 + βΦ(β)/φ(β)) = 0.367 and p95 = ln(0.367/0.05)/(100 × 0.01) = 1.99 s; c = 20,099
  // gives 0.369 and ln(7.38)/0.99 = 2.02 s. (The exact recursion, in Python: 1.994 and
  // 2.025 s.) Each of the ~100 replicas the search steps through costs O(1) now; probing each
  // candidate afresh made a year of hourly sizings at 200,000 erlangs take many minutes.
  const SloTarget slo{.wait_quantile = 0.95, .max_wait_s = 2.0, .target_utilisation = 1.0};
  CHECK(replicas_for_slo(ServingLoad{200.0, 100.0}, slo) == 20'100);
  // The ladder's Erlang B and C are erlang_b's and erlang_c's, step for step.
  ErlangLadder ladder(20'000.0);
  while (ladder.servers() < 20'100)
    ladder.add_server();
  CHECK(ladder.blocking() == erlang_b(20'100, 20'000.0));
  CHECK(ladder.waiting() == erlang_c(20'100, 20'000.0));
}

TEST_CASE("slo_sizing: replicas_for_slo against hand-worked Erlang C cases") {
  // λ = 1/s, s = 1 s (a = 1 erlang), p95 wait <= 1 s, utilisation <= 0.8: the ceiling allows
  // c >= ⌈1/0.8⌉ = 2. c = 2: B = 1/5, C = 2·B/(2 − 1·(1 − B)) = 1/3, p95 = ln((1/3)/0.05)/(2 − 1)
  // = ln(20/3) = 1.897 s, too slow. c = 3: B = (1/6)/(1 + 1 + 1/2 + 1/6) = 1/16,
  // C = 3·(1/16)/(3 − 15/16) = 1/11, p95 = ln((1/11)/0.05)/(3 − 1) = ln(20/11)/2 = 0.299 s.
  SloTarget slo{.wait_quantile = 0.95, .max_wait_s = 1.0, .target_utilisation = 0.8};
  CHECK(replicas_for_slo(ServingLoad{1.0, 1.0}, slo) == 3);
  // A 2 s SLO accepts c = 2's 1.897 s.
  slo.max_wait_s = 2.0;
  CHECK(replicas_for_slo(ServingLoad{1.0, 1.0}, slo) == 2);
  // max wait 0: at most 5% may wait at all, C <= 0.05. C(3) = 1/11 = 0.091 is too much;
  // c = 4: B = (1/24)/(65/24) = 1/65, C = 4·(1/65)/(4 − 64/65) = 1/49 = 0.020.
  slo.max_wait_s = 0.0;
  CHECK(replicas_for_slo(ServingLoad{1.0, 1.0}, slo) == 4);

  // λ = 16/s, s = 0.5 s (a = 8), p95 <= 0.4 s, utilisation <= 0.8: the ceiling gives c >= 10.
  // c = 10: C = 0.4092, p95 = ln(0.4092/0.05)/(10/0.5 − 16) = 2.1021/4 = 0.526 s, too slow.
  // c = 11: C = 0.2450, p95 = ln(0.2450/0.05)/(22 − 16) = 1.5891/6 = 0.265 s. The SLO adds one.
  slo = SloTarget{.wait_quantile = 0.95, .max_wait_s = 0.4, .target_utilisation = 0.8};
  CHECK(replicas_for_slo(ServingLoad{16.0, 0.5}, slo) == 11);
  // At a 0.5 utilisation ceiling (c >= 16) C = 0.0090 < 0.05: the p95 wait is 0 and the
  // ceiling alone decides.
  slo.target_utilisation = 0.5;
  CHECK(replicas_for_slo(ServingLoad{16.0, 0.5}, slo) == 16);

  // A trickle of load still needs one replica, never zero: a = 0.001, C = 0.001, p95 = 0.
  CHECK(replicas_for_slo(ServingLoad{0.001, 1.0}, SloTarget{.max_wait_s = 0.1}) == 1);
  // A ceiling of 1 would allow c = a = 1, an unstable queue: stability asks for c = 2.
  CHECK(replicas_for_slo(ServingLoad{1.0, 1.0},
                         SloTarget{.max_wait_s = 100.0, .target_utilisation = 1.0}) == 2);
  // At scale the queueing headroom vanishes (economies of scale): a = 100,000 erlangs at a 0.8
  // ceiling is exactly a/0.8 replicas, with C far below 5%.
  CHECK(replicas_for_slo(ServingLoad{50'000.0, 2.0}, SloTarget{.max_wait_s = 0.01}) == 125'000);
}

TEST_CASE("slo_sizing: Halfin-Whitt beta solves its defining equation") {
  // Halfin & Whitt, "Heavy-traffic limits for queues with many exponential servers",
  // Operations Research 29(3), 1981: with c = a + β√a, Erlang C tends to
  // [1 + β·Φ(β)/φ(β)]^−1 as a → ∞. Reference roots from a 30-digit mpmath solve.
  CHECK(halfin_whitt_beta(0.5) == doctest::Approx(0.506054468989).epsilon(1e-10));
  CHECK(halfin_whitt_beta(0.2) == doctest::Approx(1.061516275419).epsilon(1e-10));
  CHECK(halfin_whitt_beta(0.1) == doctest::Approx(1.420186888100).epsilon(1e-10));
  for (const double delay : {0.5, 0.2, 0.1, 0.01, 0.9, 1e-10}) {
    CAPTURE(delay);
    CHECK(halfin_whitt_delay(halfin_whitt_beta(delay)) == doctest::Approx(delay).epsilon(1e-12));
  }
  // A smaller delay target needs a larger β.
  CHECK(halfin_whitt_beta(0.01) > halfin_whitt_beta(0.1));
  // Tiny targets stay finite: φ(β) underflows only beyond β ≈ 38.
  CHECK(std::isfinite(halfin_whitt_beta(1e-300)));
}

TEST_CASE("slo_sizing: square-root staffing is within one replica of exact Erlang C sizing") {
  // Over a = 5 … 1000 erlangs and P(wait) = 0.5, 0.2, 0.1 the approximation never overstaffs
  // and is short by at most one replica (at a = 500 for P = 0.2, at a = 10, 500 and 1000 for
  // P = 0.1); everywhere else it is exact.
  int exact_matches = 0;
  int cases = 0;
  for (const double delay : {0.5, 0.2, 0.1}) {
    const double beta = halfin_whitt_beta(delay);
    for (const double offered : {5.0, 10.0, 50.0, 100.0, 500.0, 1000.0}) {
      const std::int64_t exact = exact_delay_staffing(offered, delay);
      const std::int64_t approximate = square_root_staffing(offered, beta);
      CAPTURE(delay);
      CAPTURE(offered);
      CAPTURE(exact);
      CAPTURE(approximate);
      CHECK(approximate <= exact);
      CHECK(approximate >= exact - 1);
      exact_matches += approximate == exact ? 1 : 0;
      ++cases;
      // replicas_for_slo with a zero-wait SLO at quantile 1 − P is the same exact sizing.
      const SloTarget no_wait{
          .wait_quantile = 1.0 - delay, .max_wait_s = 0.0, .target_utilisation = 1.0};
      CHECK(replicas_for_slo(ServingLoad{offered, 1.0}, no_wait) == exact);
    }
  }
  CHECK(cases == 18);
  CHECK(exact_matches == 14);
  // Hand check: a = 100, β = 1.0615 (P = 0.2): 100 + 1.0615·10 = 110.6 → 111.
  CHECK(square_root_staffing(100.0, halfin_whitt_beta(0.2)) == 111);
  // Rounding up never leaves the queue unstable, however small β·√a is.
  CHECK(square_root_staffing(7.0, 1e-9) == 8);
  CHECK(square_root_staffing(0.3, 0.1) == 1);
}

// The simulated p95 must lie within 10% of the exact M/M/c p95 and its 99% interval must
// cover it; the interval must be tight enough (< 6%) for the 10% check to mean something.
void check_p95_against_erlang_c(const ServingLoad& load, std::int64_t replicas,
                                std::int64_t requests) {
  const MmcParameters parameters{replicas, load.requests_per_s, 1.0 / load.mean_service_s};
  const double exact = mmc_wait_quantile(parameters, 0.95);
  const MmcTheory theory = mmc_theory(parameters);
  const WaitEstimate simulated = simulate_request_waits(load, replicas, 0.95, requests, 1);
  INFO("c=" << replicas << " rho=" << parameters.utilisation()
            << " C=" << theory.probability_of_waiting);
  INFO("p95 sim " << simulated.quantile_s << " [" << simulated.quantile_low_s << ", "
                  << simulated.quantile_high_s << "] exact " << exact);
  INFO("Wq sim " << simulated.mean_wait_s << " exact " << theory.mean_wait_s << ", rho sim "
                 << simulated.utilisation);
  REQUIRE(exact > 0.0);
  CHECK(std::abs(simulated.quantile_s - exact) <= 0.10 * exact);
  CHECK(simulated.quantile_low_s <= exact);
  CHECK(simulated.quantile_high_s >= exact);
  CHECK(simulated.quantile_high_s - simulated.quantile_s < 0.06 * exact);
  CHECK(simulated.mean_wait_s == doctest::Approx(theory.mean_wait_s).epsilon(0.05));
  CHECK(simulated.utilisation == doctest::Approx(theory.utilisation).epsilon(0.01));
}

TEST_CASE("slo_sizing: simulated p95 wait matches Erlang C at utilisation 0.5") {
  // c = 2, a = 1 (λ = 2/s, s = 0.5 s): C = 1/3, p95 = 0.5·ln(20/3) = 0.9486 s.
  // Seed 1, 1M requests: simulated 0.9520 s [0.9337, 0.9702], +0.4%.
  check_p95_against_erlang_c(ServingLoad{2.0, 0.5}, 2, 1'000'000);
}

TEST_CASE("slo_sizing: simulated p95 wait matches Erlang C at utilisation 0.8") {
  // c = 10, a = 8 (λ = 16/s, s = 0.5 s): C = 0.4092, p95 = 0.5255 s.
  // Seed 1, 2M requests: simulated 0.5209 s [0.5028, 0.5390], −0.9%.
  check_p95_against_erlang_c(ServingLoad{16.0, 0.5}, 10, 2'000'000);
}

TEST_CASE("slo_sizing: simulated p95 wait matches Erlang C at utilisation 0.9") {
  // c = 10, a = 9 (λ = 18/s, s = 0.5 s): C = 0.6687, p95 = 1.2967 s. Near saturation the
  // queue relaxes slowly, so more requests keep each batch many relaxation times long.
  // Seed 1, 4M requests: simulated 1.2653 s [1.2056, 1.3251], −2.4%.
  check_p95_against_erlang_c(ServingLoad{18.0, 0.5}, 10, 4'000'000);
}

TEST_CASE("slo_sizing: the sized replica count meets the SLO in simulation, one fewer misses") {
  // λ = 16/s, s = 0.5 s, p95 <= 0.4 s sizes to 11 replicas (exact p95 0.265 s); 10 replicas
  // give an exact p95 of 0.526 s.
  const ServingLoad load{16.0, 0.5};
  const SloTarget slo{.wait_quantile = 0.95, .max_wait_s = 0.4, .target_utilisation = 0.8};
  const std::int64_t sized = replicas_for_slo(load, slo);
  REQUIRE(sized == 11);
  CHECK(simulate_request_waits(load, sized, 0.95, 1'000'000, 3).quantile_high_s <= slo.max_wait_s);
  CHECK(simulate_request_waits(load, sized - 1, 0.95, 1'000'000, 3).quantile_low_s >
        slo.max_wait_s);
}

TEST_CASE("slo_sizing: a p95 below the share that waits is zero, in theory and simulation") {
  // c = 4, a = 1: C = 1/49 ≈ 0.02 < 0.05, so more than 95% of requests never wait.
  const WaitEstimate estimate = simulate_request_waits(ServingLoad{1.0, 1.0}, 4, 0.95, 100'000, 1);
  CHECK(mmc_wait_quantile(MmcParameters{4, 1.0, 1.0}, 0.95) == 0.0);
  CHECK(estimate.quantile_s == 0.0);
  CHECK(estimate.quantile_low_s == 0.0);
  CHECK(estimate.mean_wait_s > 0.0);
}

TEST_CASE("slo_sizing: the simulation is deterministic for a seed") {
  const ServingLoad load{16.0, 0.5};
  const WaitEstimate first = simulate_request_waits(load, 10, 0.95, 50'000, 7);
  const WaitEstimate again = simulate_request_waits(load, 10, 0.95, 50'000, 7);
  CHECK(first.quantile_s == again.quantile_s);
  CHECK(first.quantile_low_s == again.quantile_low_s);
  CHECK(first.quantile_high_s == again.quantile_high_s);
  CHECK(first.mean_wait_s == again.mean_wait_s);
  CHECK(first.utilisation == again.utilisation);
  CHECK(first.events == again.events);
  const WaitEstimate other = simulate_request_waits(load, 10, 0.95, 50'000, 8);
  CHECK(other.quantile_s != first.quantile_s);
  // 50,000 arrivals, each served once (warm-up included), plus the arrival that ends the run:
  // 45,000 measured requests in 20 batches of 2,250 leave no remainder.
  CHECK(first.events == 2 * 50'000 + 1);
}

TEST_CASE("slo_sizing: invalid inputs are rejected with a clear message") {
  const SloTarget slo{.max_wait_s = 1.0};
  CHECK_THROWS_WITH_AS(replicas_for_slo(ServingLoad{0.0, 1.0}, slo),
                       "requests per second must be positive and finite, found 0",
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(replicas_for_slo(ServingLoad{1.0, -2.0}, slo),
                       "mean service time (s) must be positive and finite, found -2",
                       std::invalid_argument);
  CHECK_THROWS_AS(replicas_for_slo(ServingLoad{std::nan(""), 1.0}, slo), std::invalid_argument);
  CHECK_THROWS_AS(replicas_for_slo(ServingLoad{INFINITY, 1.0}, slo), std::invalid_argument);
  CHECK_THROWS_WITH_AS(replicas_for_slo(ServingLoad{1.0, 1.0}, SloTarget{.wait_quantile = 1.0}),
                       "wait quantile must be in (0, 1), found 1", std::invalid_argument);
  CHECK_THROWS_WITH_AS(replicas_for_slo(ServingLoad{1.0, 1.0}, SloTarget{.max_wait_s = -1.0}),
                       "max wait (s) must be non-negative and finite, found -1",
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(replicas_for_slo(ServingLoad{1.0, 1.0},
                                        SloTarget{.max_wait_s = 1.0, .target_utilisation = 0.0}),
                       "target utilisation must be in (0, 1], found 0", std::invalid_argument);
  CHECK_THROWS_AS(replicas_for_slo(ServingLoad{1.0, 1.0},
                                   SloTarget{.max_wait_s = 1.0, .target_utilisation = 1.5}),
                  std::invalid_argument);
  CHECK_THROWS_WITH_AS(replicas_for_slo(ServingLoad{2e9, 1.0}, slo),
                       "offered load 2e+09 erlangs is beyond the sizing range (1e+09 erlangs)",
                       std::invalid_argument);
  // A vanishing target utilisation: the search stepped one replica at a time from an
  // overflowed ceiling, without end.
  CHECK_THROWS_WITH_AS(replicas_for_slo(ServingLoad{100.0, 1.0},
                                        SloTarget{.max_wait_s = 1.0, .target_utilisation = 1e-302}),
                       "offered load 100 erlangs at a target utilisation of 1e-302 needs 1e+304 "
                       "replicas, beyond the sizing range (1e+11 replicas)",
                       std::invalid_argument);

  CHECK_THROWS_WITH_AS(square_root_staffing(0.0, 1.0),
                       "offered load (erlangs) must be positive and finite, found 0",
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(square_root_staffing(10.0, 0.0),
                       "staffing coefficient beta must be positive and finite, found 0",
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(halfin_whitt_beta(0.0), "delay probability must be in (0, 1), found 0",
                       std::invalid_argument);
  CHECK_THROWS_AS(halfin_whitt_beta(1.0), std::invalid_argument);

  const ServingLoad load{1.0, 1.0};
  CHECK_THROWS_WITH_AS(simulate_request_waits(load, 0, 0.95, 100'000, 1),
                       "replicas must be at least 1, found 0", std::invalid_argument);
  CHECK_THROWS_AS(simulate_request_waits(load, 1, 0.95, 100'000, 1), std::invalid_argument);
  CHECK_THROWS_WITH_AS(simulate_request_waits(load, 2, 0.95, 2'000, 1),
                       "requests must leave at least 200 per batch after warm-up (20 batches, "
                       "quantile 0.95), found 2000",
                       std::invalid_argument);
  CHECK_THROWS_AS(simulate_request_waits(load, 2, 0.0, 100'000, 1), std::invalid_argument);
  CHECK_THROWS_AS(simulate_request_waits(ServingLoad{1e-12, 1.0}, 2, 0.95, 100'000, 1),
                  std::invalid_argument);
}

}  // namespace
}  // namespace capsim

namespace capsim {
namespace {

TEST_CASE("slo_sizing: the Halfin-Whitt approximation of Erlang C at many servers") {
  // a = 1,000 erlangs: exact Erlang C against [1 + βΦ(β)/φ(β)]^-1 with β = (c − a)/√a.
  for (const std::int64_t servers : {1'020, 1'050, 1'100}) {
    const double exact = erlang_c(servers, 1000.0);
    const double approximate = halfin_whitt_wait_probability(1000.0, servers);
    INFO(servers << " servers: exact " << exact << ", Halfin-Whitt " << approximate);
    CHECK(std::abs(approximate - exact) < 0.01);
  }
  CHECK_THROWS_AS(halfin_whitt_wait_probability(10.0, 10), std::invalid_argument);
}

}  // namespace
}  // namespace capsim
