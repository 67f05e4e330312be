#pragma once
/// Sizing inference replicas for a latency SLO: the exact Erlang C answer, the square-root
/// staffing approximation (Halfin & Whitt 1981) beside it, and a request-level simulation on
/// the engine that checks the queueing model the sizing rests on.
///
/// A replica is one server of an M/M/c queue: requests arrive as a Poisson stream and each
/// holds one replica for an exponential time. "Wait" is the time in queue before a replica
/// picks the request up, not the service time itself.

#include <cstdint>
#include <stdexcept>

namespace capsim {

/// A load beyond what the sizing counts: more than 1e9 erlangs, or more replicas than an
/// int64 holds with room to spare (1e11 at a target utilisation, 1e12 for any count). Raised
/// by valid arithmetic on a demand no fleet could serve; the model reports it as bad input
/// naming the service (InferenceFleet::gpus_for).
class SizingRangeError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// The load on one inference service during one sizing period (e.g. an hour).
struct ServingLoad {
  double requests_per_s = 0.0;  ///< λ, mean arrival rate, requests per second
  double mean_service_s = 0.0;  ///< mean time one request holds one replica, seconds
  /// Offered load a = λ·s in erlangs: the replicas busy on average.
  double offered_load() const { return requests_per_s * mean_service_s; }
};

/// A latency SLO on the queueing wait, plus the utilisation ceiling capacity planners impose.
struct SloTarget {
  double wait_quantile = 0.95;      ///< q in (0, 1): the SLO binds the q-quantile of the wait
  double max_wait_s = 0.0;          ///< >= 0; 0 means at most a share 1 − q may wait at all
  double target_utilisation = 0.8;  ///< in (0, 1]: replicas are never planned busier than this
};

/// The smallest replica count c such that the utilisation λ·s/c is at most the target, the
/// queue is stable (c > λ·s), and the exact M/M/c q-quantile of the wait (Erlang C:
/// ln(C/(1−q)) / (c/s − λ), or 0 when C <= 1 − q) is at most max_wait_s. At least 1 for any
/// positive load. Throws std::invalid_argument, naming the field, for a non-positive or
/// non-finite rate or service time, a quantile outside (0, 1), a negative max wait, a target
/// utilisation outside (0, 1], an offered load above 1e9 erlangs, or more than 1e11 replicas at
/// the target utilisation.
/// O(c): Erlang B is stepped one server at a time (ErlangLadder) up to the utilisation sizing
/// and on to the first count meeting the SLO; the wait quantile falls monotonically as c grows.
std::int64_t replicas_for_slo(const ServingLoad& load, const SloTarget& target);

/// Square-root staffing c = ⌈a + β·√a⌉ (Halfin & Whitt 1981), raised to ⌊a⌋ + 1 if needed so
/// the queue is stable. With β = halfin_whitt_beta(P) it approximates the smallest c whose
/// Erlang C probability of waiting is at most P; at a = 5 … 1000 and P = 0.5, 0.2, 0.1 it is
/// never above that exact count and at most one below. Throws std::invalid_argument unless
/// 0 < offered_load_erlangs <= 1e9 and beta > 0, both finite. O(1).
std::int64_t square_root_staffing(double offered_load_erlangs, double beta);

/// The Halfin–Whitt staffing coefficient β > 0 for a probability of waiting P in (0, 1): the
/// root of P = [1 + β·Φ(β)/φ(β)]^−1 (Φ, φ the standard normal CDF and density), the limit of
/// Erlang C as a → ∞ with c = a + β√a. E.g. P = 0.5 → β ≈ 0.5061, 0.2 → 1.0615, 0.1 → 1.4202.
/// Solved by bisection on the logarithm of the equation (no overflow for tiny P) to within a
/// few ulps. Throws std::invalid_argument unless 0 < P < 1. O(1): some 60 bisection steps.
double halfin_whitt_beta(double delay_probability);

/// The Halfin-Whitt approximation of Erlang C for many servers: with β = (c − a)/√a,
/// P(wait) ≈ [1 + β·Φ(β)/φ(β)]^-1. O(1) where Erlang C is O(c); close for large a (the regime
/// where exact Erlang C gets expensive). Requires a > 0 and c > a.
double halfin_whitt_wait_probability(double offered_load_erlangs, std::int64_t servers);

/// The request-level simulation's batch-means settings, fixed so every caller's figures are
/// comparable: the first 10% of requests are warm-up, the rest form 20 consecutive batches,
/// and intervals are at 99% confidence.
inline constexpr double kSloSimulationWarmupShare = 0.1;
inline constexpr std::int64_t kSloSimulationBatches = 20;
inline constexpr double kSloSimulationConfidence = 0.99;

/// What the request-level simulation measured, over the requests after warm-up.
struct WaitEstimate {
  /// The empirical q-quantile of all measured waits (the ⌈q·n⌉-th smallest); 0 when at least a
  /// share q of requests found a free replica.
  double quantile_s = 0.0;
  /// quantile_s ± the half-width of a t interval on the 20 per-batch quantiles (sectioning:
  /// Asmussen & Glynn, Stochastic Simulation, 2007, §III.5), clamped at 0 from below.
  double quantile_low_s = 0.0;
  double quantile_high_s = 0.0;
  double mean_wait_s = 0.0;
  double utilisation = 0.0;  ///< time-average busy replicas / replicas over the measured span
  std::uint64_t events = 0;  ///< engine events fired, warm-up and drain included
};

/// Simulates `replicas` replicas serving Poisson requests (rate load.requests_per_s) with
/// exponential service (mean load.mean_service_s), FIFO, on a fresh engine, starting empty, for
/// `requests` arrivals (the remainder after splitting the measured requests into batches is
/// not simulated): simulate_mmc_requests with its clock in mean service times (one = 10^6
/// ticks, μ = 1) and results scaled back to seconds, so short services lose nothing to the
/// microsecond tick. Deterministic for a seed (streams "slo_sizing.arrivals" and
/// "slo_sizing.services", replication 0).
/// Throws std::invalid_argument for non-positive or non-finite rates, replicas < 1, an
/// unstable queue (λ·s >= replicas), a quantile outside (0, 1), too few requests (each batch
/// needs at least max(100, ⌈10/(1−q)⌉) requests, so each batch quantile rests on at least ten
/// tail observations), or a run whose clock would exceed 10^18 ticks.
/// O(requests · log replicas) time, 8 bytes per measured request.
WaitEstimate simulate_request_waits(const ServingLoad& load, std::int64_t replicas, double quantile,
                                    std::int64_t requests, std::uint64_t seed);

}  // namespace capsim
