#pragma once
/// The one request-level simulation of an M/M/c queue on the engine, and the batch-means
/// estimates of `capsim mmc` built on it. Other figures (e.g. slo_sizing's wait quantiles)
/// come from their own MmcObserver on the same run.

#include <cstdint>
#include <string_view>

#include "capsim/metrics/statistics.hpp"
#include "capsim/model/queueing/erlang.hpp"

namespace capsim {

/// The queue at one instant.
struct MmcOccupancy {
  std::int64_t in_system = 0;  ///< requests present, waiting or in service
  std::int64_t busy = 0;       ///< servers serving a request, at most MmcParameters::servers
};

/// One request as it reaches a server; its departure is fixed from then on. Times are in the
/// run's clock unit (see MmcRun), on the engine's microsecond grid.
struct MmcRequest {
  std::int64_t index = 0;  ///< 0-based, in arrival order (FIFO: also the order of service)
  double arrival_s = 0.0;  ///< when it arrived
  double wait_s = 0.0;     ///< time in queue, in whole ticks: exactly 0 if a server was free
  double service_s = 0.0;  ///< time it holds its server: the exponential draw, to the tick
};

/// Sees every change of a run as it happens, so each caller keeps its own statistics (time
/// integrals, per-request records) without a second simulator. Each hook gets the clock time
/// and the occupancy just after the change it reports; changes at one instant come in the
/// order listed below.
class MmcObserver {
 public:
  virtual ~MmcObserver() = default;
  /// Request `index` arrives and joins the queue (`after.in_system` counts it). The arrival
  /// with index == MmcRun::requests ends the run: it joins nothing (`after` is unchanged),
  /// no further arrival is drawn, and the requests present drain. Called once per index.
  virtual void on_arrival(double time_s, std::int64_t index, MmcOccupancy after) = 0;
  /// `request` reaches a server: on its arrival if one is free, else at a departure. Called
  /// exactly once for every request 0 … requests − 1, in index order.
  virtual void on_service_start(double time_s, const MmcRequest& request, MmcOccupancy after) = 0;
  /// A request leaves its server; the first waiting request, if any, then starts service at
  /// the same instant. Departures at the same instant as an arrival come before it.
  virtual void on_departure(double time_s, MmcOccupancy after) = 0;
};

/// One request-level run.
struct MmcRun {
  /// Servers (>= 1) and rates (> 0, finite). Rates are per unit of the run's clock, which
  /// the engine counts in 10^6 ticks: seconds for `capsim mmc`; slo_sizing runs in mean
  /// service times (μ = 1) so that short services lose nothing to the tick. Stability is
  /// not required (the run is finite), but a stable queue is what the estimates assume.
  MmcParameters queue;
  /// Requests served (>= 0); the arrival after the last one ends the run.
  std::int64_t requests = 0;
  /// The run draws from the streams "<stream_prefix>.arrivals" and "<stream_prefix>.services"
  /// of (seed, replication): draw k of the first is the time from arrival k − 1 (or from 0)
  /// to arrival k, for k = 0 … requests; draw k of the second is request k's service time.
  std::string_view stream_prefix = "mmc";
  std::uint64_t seed = 1;
  std::uint64_t replication = 0;
};

/// What the engine did in a run.
struct MmcRunTotals {
  std::uint64_t events = 0;           ///< 2 · requests + 1: each arrival, each departure
  double end_time_s = 0.0;            ///< the clock when the last event fired
  std::uint64_t trajectory_hash = 0;  ///< Engine::trajectory_hash of the whole run
};

/// Simulates `run` on a fresh engine from an empty queue: Poisson arrivals, exponential
/// services, FIFO, unlimited waiting room, telling `observer` every change. Deterministic for
/// (prefix, seed, replication). Throws std::invalid_argument for servers < 1, a rate that is
/// not positive and finite, or requests < 0; precondition: the run ends within the engine's
/// clock (some (requests + 1)/λ units below 9·10^12). O(requests · log servers) time,
/// O(requests waiting at once) memory.
MmcRunTotals simulate_mmc_requests(const MmcRun& run, MmcObserver& observer);

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
/// dividing the measured customers into batches is not simulated), with simulate_mmc_requests
/// on the streams "mmc.arrivals" and "mmc.services". Batch b holds the customers
/// arriving in the b-th group after warm-up; its time averages (number in system, busy servers)
/// cover the span from its first arrival to the next batch's first arrival. Deterministic for
/// a seed. O(customers · log servers).
MmcEstimates simulate_mmc(const MmcParameters& parameters, const MmcRunOptions& options);

}  // namespace capsim
