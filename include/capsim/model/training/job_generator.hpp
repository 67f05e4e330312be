#pragma once
/// Stochastic training jobs: Poisson arrivals whose rate grows by a yearly factor, lognormal
/// GPU counts and run times, tenants drawn by their shares.

#include <cstdint>
#include <vector>

#include "capsim/model/inputs.hpp"

namespace capsim {

/// A generated job and its submission time (to the tick; the spec's date is that tick's day).
struct GeneratedJob {
  TrainingJobSpec spec;
  Tick submit = 0;
};

/// The jobs the generator submits in [from, until] (defaults: the scenario's start and end).
/// A job's FLOPs are what it needs to run `duration` on H100s at its MFU (so faster parts
/// finish sooner). Names are "generated-N", N from 1 in submission order. Deterministic for
/// (seed, replication); draws from the stream "training.generator". Arrivals are drawn month
/// by month: the count of a month is Poisson with the mean of the growing rate over it, the
/// times uniform within it. O(jobs).
std::vector<GeneratedJob> generate_training_jobs(const Scenario& scenario,
                                                 std::uint64_t replication = 0);

/// The mean number of jobs generate_training_jobs returns: the integral of the growing
/// arrival rate over [from, until]. What the loader's work estimate counts. O(1).
double expected_generated_jobs(const Scenario& scenario);

}  // namespace capsim
