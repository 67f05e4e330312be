#include <doctest/doctest.h>

#include <stdexcept>

#include "capsim/model/queueing/mmc_queue.hpp"

namespace capsim {
namespace {

/// Every simulated figure's 99% batch-means interval must cover the exact Erlang C value.
void check_against_erlang_c(const MmcParameters& parameters, std::int64_t customers) {
  MmcRunOptions options;
  options.customers = customers;
  options.seed = 1;
  const MmcEstimates simulated = simulate_mmc(parameters, options);
  const MmcTheory theory = mmc_theory(parameters);
  INFO("servers=" << parameters.servers << " lambda=" << parameters.arrival_rate
                  << " mu=" << parameters.service_rate);
  INFO("Wq sim " << simulated.mean_wait_s.mean << " ± " << simulated.mean_wait_s.half_width
                 << " theory " << theory.mean_wait_s);
  INFO("L sim " << simulated.mean_in_system.mean << " ± " << simulated.mean_in_system.half_width
                << " theory " << theory.mean_in_system);
  INFO("rho sim " << simulated.utilisation.mean << " ± " << simulated.utilisation.half_width
                  << " theory " << theory.utilisation);
  INFO("P(wait) sim " << simulated.probability_of_waiting.mean << " ± "
                      << simulated.probability_of_waiting.half_width << " theory "
                      << theory.probability_of_waiting);
  CHECK(simulated.mean_wait_s.covers(theory.mean_wait_s));
  CHECK(simulated.mean_in_system.covers(theory.mean_in_system));
  CHECK(simulated.utilisation.covers(theory.utilisation));
  CHECK(simulated.probability_of_waiting.covers(theory.probability_of_waiting));
  // The intervals are informative, not vacuous: each is a few percent of its value wide.
  CHECK(simulated.mean_in_system.half_width < 0.05 * theory.mean_in_system);
  CHECK(simulated.utilisation.half_width < 0.02 * theory.utilisation);
}

TEST_CASE("mmc: light load (c=4, rho=0.5) agrees with Erlang C") {
  check_against_erlang_c(MmcParameters{4, 2.0, 1.0}, 200'000);
}

TEST_CASE("mmc: medium load (c=8, rho=0.875) agrees with Erlang C") {
  check_against_erlang_c(MmcParameters{8, 7.0, 1.0}, 1'000'000);
}

TEST_CASE("mmc: heavy load (c=8, rho=0.95) agrees with Erlang C") {
  // Near saturation the queue relaxes slowly (≈ 1/(cμ(1−√ρ)²) ≈ 190 s), so more customers
  // keep each batch many relaxation times long.
  check_against_erlang_c(MmcParameters{8, 7.6, 1.0}, 2'000'000);
}

TEST_CASE("mmc: same seed gives the same result, another seed another trajectory") {
  MmcRunOptions options;
  options.customers = 20'000;
  const MmcEstimates first = simulate_mmc(MmcParameters{3, 2.0, 1.0}, options);
  const MmcEstimates again = simulate_mmc(MmcParameters{3, 2.0, 1.0}, options);
  CHECK(first.trajectory_hash == again.trajectory_hash);
  CHECK(first.mean_wait_s.mean == again.mean_wait_s.mean);
  options.seed = 2;
  const MmcEstimates other = simulate_mmc(MmcParameters{3, 2.0, 1.0}, options);
  CHECK(first.trajectory_hash != other.trajectory_hash);
  // 20,000 customers: 2,000 warm-up, 18,000 measured in 20 batches of 900.
  CHECK(first.customers_measured == 18'000);
}

TEST_CASE("mmc: run options are checked") {
  MmcRunOptions options;
  options.batches = 1;
  CHECK_THROWS_WITH_AS(check_run_options(options), "batches must be at least 2, found 1",
                       std::invalid_argument);
  options = MmcRunOptions{};
  options.customers = 1000;
  CHECK_THROWS_WITH_AS(
      check_run_options(options),
      "customers must leave at least 100 per batch after warm-up (20 batches), found 1000",
      std::invalid_argument);
  options = MmcRunOptions{};
  options.warmup_share = 1.0;
  CHECK_THROWS_WITH_AS(check_run_options(options), "warm-up share must be in [0, 1), found 1",
                       std::invalid_argument);
}

}  // namespace
}  // namespace capsim
