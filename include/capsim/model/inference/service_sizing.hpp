#pragma once
/// Sizing one inference service's pools for a demand level, and the reverse question: the
/// highest demand a given number of GPUs serves within the service's SLO.
///
/// Sizing (used every hour by the capacity model):
///   prefill replicas = ⌈input load / (prefill tokens/s per replica · target utilisation)⌉
///   decode replicas  = max(⌈output / (decode tokens/s per replica · target utilisation)⌉,
///                          ⌈c / slots per replica⌉)
/// Colocated replicas do both at the service's mix, so the service holds the larger of the two
/// counts (ServiceSizing::gpus); the capacity search gives every GPU to that one pool.
/// where input load counts cache hits only when the throughput figure does, and c is the
/// Erlang C slot count for the p95 wait SLO (absent without slo_wait_p95). A decode slot is one
/// sequence in the batch: requests of output_tokens_per_request tokens hold one slot each at the
/// per-sequence rate (the roofline's 1 / seconds per output token, else per_user_rate).
///
/// Capacity search (capsim capacity): the service's whole demand mix (input, output, cache
/// share) scaled by a multiplier m. Prefill gets the replicas m needs at the target utilisation
/// (no queueing model for prefill); decode gets every GPU left. Without a wait SLO, m is
/// feasible when decode runs at or under the target utilisation. With one, the target
/// utilisation is a planning margin, not a service level, so decode is feasible when a
/// request-level simulation of its slots (simulate_request_waits) shows a p95 wait at or under
/// the SLO. The highest feasible m is found by bisection: first on the Erlang C answer, which
/// brackets it, then on the simulation, with common random numbers (the same seed at every m),
/// so the simulated wait rises with m as the true one does. Pools offered more than
/// kMaxSimulatedErlangs at the Erlang C answer keep that answer unsimulated: there a request
/// arrives more often than every 100 of the simulation's ticks (a mean service time is 10^6),
/// and 50 × the offered load of requests per step would take minutes; such pools wait
/// essentially never below the utilisation where Erlang C puts the limit (Halfin-Whitt).

#include <algorithm>
#include <cstdint>
#include <optional>
#include <stdexcept>

#include "capsim/model/inference/demand_curve.hpp"
#include "capsim/model/inference/inference_throughput.hpp"
#include "capsim/model/inference/slo_sizing.hpp"
#include "capsim/model/inputs.hpp"

namespace capsim {

/// The service's demand at the scenario start in tokens per second: the token rates, or
/// requests × input_tokens_per_request and × the service's output_tokens_per_request (0 when
/// absent; the loader requires it with requests).
TokenDemand base_token_demand(const ServiceSpec& spec);

/// The demand curve a service's demand section describes: its base rates, growth curve (given,
/// fitted to the observations, or following them) and day and week profile. Observation dates
/// count from the calendar's start. Throws std::invalid_argument when the growth cannot be
/// built (a fit that fails, a logistic curve without a ceiling above the base) or the profile
/// weights are all zero; the loader reports these at load time.
DemandCurve demand_curve(const ServiceSpec& spec, const Calendar& calendar);

/// Replicas of each pool a service needs for one demand level.
struct ServiceSizing {
  std::int64_t prefill_replicas = 0;
  std::int64_t decode_replicas = 0;
  /// Disaggregated: the two pools; colocated: one pool of replicas serving both, as many as the
  /// more demanding of the two counts.
  std::int64_t gpus(const ReplicaThroughput& throughput) const {
    if (throughput.mode == ServingMode::colocated)
      return std::max(prefill_replicas, decode_replicas) * throughput.decode.gpus;
    return prefill_replicas * throughput.prefill.gpus + decode_replicas * throughput.decode.gpus;
  }
};

/// The service's decode pool as a queue of slots.
struct DecodeSlots {
  double per_sequence_tokens_per_s = 0.0;  ///< output tokens/s of one sequence
  double slots_per_replica = 1.0;          ///< decode tokens/s per replica / per-sequence rate
};

DecodeSlots decode_slots(const ServiceSpec& spec, const ReplicaThroughput& throughput);

/// The decode load as requests holding slots. Requires spec.output_tokens_per_request.
ServingLoad decode_serving_load(const ServiceSpec& spec, const DecodeSlots& slots,
                                double output_tokens_per_s);

/// Input tokens/s the prefill pool computes for `demand` (cache hits only when the throughput
/// figure counts them).
double prefill_load(const ReplicaThroughput& throughput, const TokenDemand& demand);

/// Replicas for `demand` as the header describes. O(1), or O(c log c) when the wait SLO
/// needs an exact Erlang C search over c slots.
ServiceSizing size_service(const ServiceSpec& spec, const ReplicaThroughput& throughput,
                           const TokenDemand& demand);

/// The largest decode pool, in erlangs, the capacity search checks by simulation.
inline constexpr double kMaxSimulatedErlangs = 10000.0;

/// What bounds the capacity search's answer.
enum class CapacityLimit {
  prefill,             ///< prefill at the target utilisation takes every GPU decode would need
  decode_utilisation,  ///< no wait SLO: decode at the target utilisation
  wait_slo,            ///< the simulated p95 wait reaches the SLO
};

/// "prefill", "decode utilisation", "wait SLO".
const char* capacity_limit_name(CapacityLimit limit);

struct CapacitySearchOptions {
  std::int64_t fleet_gpus = 0;         ///< GPUs the service may use
  std::int64_t min_requests = 200000;  ///< per simulation; raised to 50 × the offered load
  std::uint64_t seed = 1;
  double relative_tolerance = 1e-3;  ///< of the multiplier, for both bisections
};

/// The highest load the fleet serves within the SLO.
struct ServiceCapacity {
  double load_multiple = 0.0;  ///< of the service's base (average) demand
  TokenDemand demand;          ///< at that multiple
  CapacityLimit limit = CapacityLimit::decode_utilisation;
  std::int64_t prefill_replicas = 0;
  std::int64_t decode_replicas = 0;
  double prefill_utilisation = 0.0;
  double decode_utilisation = 0.0;
  /// With a wait SLO: the Erlang C p95 wait at the answer, the multiple where Erlang C alone
  /// puts the limit, and, for pools up to kMaxSimulatedErlangs, the simulated wait with its
  /// interval at the answer.
  std::optional<double> erlang_c_wait_p95_s;
  std::optional<WaitEstimate> simulated_wait;
  std::optional<double> erlang_c_load_multiple;
};

/// Thrown when the search has no answer: no demand to scale, or a fleet too small for one
/// replica of each pool. The message names the service.
class CapacitySearchError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The capacity search described in the header. Deterministic for the options' seed.
/// O(log(1/tolerance)) sizings and simulations, each simulation O(requests · log slots).
ServiceCapacity find_service_capacity(const ServiceSpec& spec, const ReplicaThroughput& throughput,
                                      const CapacitySearchOptions& options);

}  // namespace capsim
