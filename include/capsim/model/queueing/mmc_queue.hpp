#pragma once
/// Request-level simulation of an M/M/c queue on the engine, with batch-means confidence
/// intervals: the basis of the inference sub-simulation, checked against Erlang C.

#include <cstdint>
#include <deque>
#include <vector>

#include "capsim/engine/engine.hpp"
#include "capsim/engine/random.hpp"
#include "capsim/metrics/statistics.hpp"
#include "capsim/model/queueing/erlang.hpp"

namespace capsim {

/// How long to run and how to turn the run into interval estimates.
struct MmcRunOptions {
  std::int64_t customers = 200'000;  ///< arrivals simulated, warm-up included
  double warmup_share = 0.1;         ///< first share of customers left out of the statistics
  std::int64_t batches = 20;         ///< batch means: consecutive groups of customers
  double confidence = 0.99;          ///< of the reported intervals
  std::uint64_t seed = 1;
  std::uint64_t replication = 0;
};

/// Simulated figures, each with its batch-means confidence interval.
struct MmcEstimates {
  Estimate mean_wait_s;
  Estimate mean_in_system;
  Estimate utilisation;
  Estimate probability_of_waiting;
  std::int64_t customers_measured = 0;
  std::uint64_t events = 0;
  double simulated_time_s = 0.0;
  std::uint64_t trajectory_hash = 0;
};

/// Throws std::invalid_argument for unstable or malformed parameters or options.
void check_run_options(const MmcRunOptions& options);

/// Runs an M/M/c queue from empty for `options.customers` arrivals (the remainder after
/// dividing the measured customers into batches is not simulated). Batch b holds the customers
/// arriving in the b-th group after warm-up; its time averages (number in system, busy servers)
/// cover the span from its first arrival to the next batch's first arrival. Deterministic for
/// a seed. O(customers · log servers).
MmcEstimates simulate_mmc(const MmcParameters& parameters, const MmcRunOptions& options);

}  // namespace capsim
