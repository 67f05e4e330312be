#pragma once
/// Throughput of one inference replica, two ways: measured (tokens/s per node, as operators
/// publish) or a roofline from the model and the part. Disaggregated serving has a prefill pool
/// and a decode pool, each of its own replicas; colocated serving runs both on one replica.
///
/// Roofline (every rate per replica of G GPUs; F the part's dense peak FLOP/s at the serving
/// precision, C its HBM bytes, B its HBM bytes/s):
///   W = N_total · β               weight bytes the replica holds (all experts of a MoE model)
///   U = (1 − h) · G · C           usable HBM, after the headroom h for activations and
///                                 fragmentation
///   G: the smallest power of two below the scale-up domain D, else the smallest multiple of
///      D, with W + K·L <= U (the weights and one sequence's KV cache), up to a limit.
///   prefill  P = G · F · μ_p / (2 · N_active)   input tokens/s, compute-bound
///   decode, one step for a batch of b sequences (colocated: plus r·b prefill tokens in the same
///   step, as chunked prefill does), each sequence gaining one output token:
///     t_mem(b)  = (W + b · K · L) / (G · B · η)   the weights once plus every sequence's KV
///     t_comp(b) = 2 · N_active · b · (1/μ_d + r/μ_p) / (G · F)
///     t(b)      = max(t_mem(b), t_comp(b))        seconds per output token of each sequence
///   b is the largest integer with W + b·K·L <= U (HBM) and t(b) <= S (the latency SLO);
///   decode output tokens/s = b / t(b), nondecreasing in b, so the largest b is the best.
///   Colocated input (computed prefill) tokens/s = r · b / t(b).
/// Attention FLOPs, communication between the replica's GPUs and the prefill's own reads of
/// the KV cache are not counted. For MoE models W counts every expert, which a large batch
/// touches each step; at small batches it overstates the bytes read.
///
/// Two consequences to keep in mind. Nothing here charges a replica for spanning more GPUs, so
/// a larger replica decodes at least as well per GPU (more room for KV cache): the smallest
/// replica that fits is a choice, and RooflineOptions::gpus_per_replica sets a larger one.
/// Colocated prefill FLOPs hide under a memory-bound decode step, so colocation can serve more
/// per GPU than disaggregation; what disaggregation buys (time to first token kept apart from
/// the decode SLO, each pool its own parallelism) lies outside this model.
///
/// Prefill rates count tokens the replica computes: a cache hit costs nothing here. Measured
/// figures count what the operator counted (DeepSeek's 73.7k input tokens/s per node includes
/// cache hits), which ReplicaThroughput::prefill_counts_cache_hits records.
///
/// The scenario's structs map onto these inputs through served_model (ModelSpec) and
/// service_throughput (ThroughputSpec, or the roofline when it is absent).

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

#include "capsim/model/inputs.hpp"

namespace capsim {

/// The served model in canonical units. Validated by roofline_throughput.
struct ServedModel {
  std::string service;               ///< the service it serves, named in every error
  double active_parameters = 0.0;    ///< N_active, parameters used per token; > 0
  double total_parameters = 0.0;     ///< N_total, parameters held in memory; >= N_active
  double bytes_per_parameter = 0.0;  ///< β, weight storage; > 0 (see bytes_per_parameter())
  double kv_bytes_per_token = 0.0;   ///< K, KV-cache bytes per token of context, all layers; > 0
  double context_tokens = 0.0;       ///< L, average KV length of a sequence in decode, tokens; > 0
};

/// Roofline knobs. Defaults are assumptions unless a source is given.
struct RooflineOptions {
  /// μ_p, share of peak FLOP/s prefill achieves. Assumption: the 38–43% bf16 MFU of Llama 3
  /// 405B training (Llama 3 paper §3.3) is the nearest published utilisation of such large
  /// matrix products; the same 40% as TrainingJobSpec::base_mfu. In (0, 1].
  double prefill_mfu = 0.40;
  /// μ_d, share of peak FLOP/s decode achieves when compute-bound. Assumption, as prefill_mfu.
  /// In (0, 1].
  double decode_mfu = 0.40;
  /// η, share of the HBM bandwidth decode achieves. Assumption. In (0, 1].
  double decode_bandwidth_efficiency = 0.80;
  /// h, share of HBM kept free for activations, CUDA graphs and fragmentation. vLLM's default
  /// gpu_memory_utilization of 0.9 (vLLM engine arguments). In [0, 1).
  double memory_headroom = 0.10;
  /// S, the latency SLO: seconds between two output tokens of one sequence. Absent: none.
  /// DeepSeek's 20–22 output tokens/s per user is about 0.05 s. > 0 when given.
  std::optional<double> max_seconds_per_output_token;
  /// A fixed replica size in GPUs (e.g. DeepSeek's EP144 decode units); absent: the smallest
  /// size that fits, as above. >= 1 when given; not bound by max_gpus_per_replica.
  std::optional<std::int64_t> gpus_per_replica;
  /// The largest replica the automatic sizing may choose. Assumption: above DeepSeek's 144-GPU
  /// decode units. >= 1.
  std::int64_t max_gpus_per_replica = 256;
};

/// One pool's replica: its size and its rate.
struct PoolReplica {
  std::int64_t gpus = 0;    ///< GPUs per replica
  double tokens_per_s = 0;  ///< per replica: input tokens (prefill) or output tokens (decode)
  double tokens_per_s_per_gpu() const { return tokens_per_s / static_cast<double>(gpus); }
};

/// What capped the decode batch.
enum class BatchLimit {
  hbm_capacity,  ///< no room for another sequence's KV cache
  latency_slo,   ///< another sequence would push the step past the SLO
};

/// What sets the decode step time at the chosen batch.
enum class DecodeBound {
  memory_bandwidth,  ///< t_mem(b) >= t_comp(b)
  compute,           ///< t_comp(b) > t_mem(b)
};

/// The roofline's decode batch.
struct DecodeBatch {
  std::int64_t sequences = 0;             ///< b
  double seconds_per_output_token = 0.0;  ///< t(b), the step time
  BatchLimit limit = BatchLimit::hbm_capacity;
  DecodeBound bound = DecodeBound::memory_bandwidth;
};

/// Disaggregated serving: a prefill replica and a decode replica.
struct ReplicaThroughput {
  PoolReplica prefill;  ///< tokens_per_s: input tokens per second
  PoolReplica decode;   ///< tokens_per_s: output tokens per second
  /// Whether prefill.tokens_per_s counts input tokens served from cache (measured figures, as
  /// DeepSeek's) or only computed ones (the roofline).
  bool prefill_counts_cache_hits = false;
  std::optional<DecodeBatch> batch;  ///< the roofline's decode batch; absent when measured
};

/// The throughput of replicas whose every token needs `gain` times less compute (an
/// efficiency gain): each pool serves `gain` times the tokens per second, and a decode replica
/// holds `gain` times the sequences at the same per-sequence speed. Precondition: gain > 0.
ReplicaThroughput scaled_throughput(ReplicaThroughput throughput, double gain);

/// Colocated serving: one replica prefilling r input tokens per output token alongside decode.
struct ColocatedThroughput {
  PoolReplica replica;              ///< tokens_per_s: output tokens per second
  double input_tokens_per_s = 0.0;  ///< computed input tokens per second, r · output
  DecodeBatch batch;
};

/// Thrown when a service cannot be served as specified. The message names the service, e.g.
/// `service "chat": the weights (140 GB) plus one sequence's KV cache (1.311 GB) do not fit in
/// a replica of 1 H100 SXM GPU (72 GB usable: 90% of 80 GB each)`.
class InferenceError : public std::runtime_error {
 public:
  enum class Kind {
    does_not_fit,           ///< weights plus one sequence exceed the largest allowed replica
    slo_unmet,              ///< even a batch of one misses the latency SLO
    unsupported_precision,  ///< the part has no peak at the serving precision
    incomplete_model,       ///< a roofline input or half a measured pair is missing
  };

  InferenceError(Kind kind, std::string service, std::string message);

  Kind kind() const { return kind_; }
  const std::string& service() const { return service_; }

 private:
  Kind kind_;
  std::string service_;
};

/// Weight bytes per parameter at a precision: bf16 2, fp8 1, fp4 0.5. O(1).
double bytes_per_parameter(Precision precision);

/// The roofline inputs of a scenario service: name, ModelSpec's active parameters, total
/// parameters (absent: the active ones, a dense model), bytes per parameter of its precision,
/// KV bytes per token, and `context_tokens` (the scenario gives no KV length; DeepSeek reports
/// 4,989). Throws InferenceError (incomplete_model) naming the service when active_parameters
/// or kv_bytes_per_token is absent. O(1).
ServedModel served_model(const ServiceSpec& service, double context_tokens);

/// GPUs per replica: options.gpus_per_replica when given, else the smallest candidate size (1,
/// 2, 4, … below part.scale_up_domain, then its multiples) up to options.max_gpus_per_replica
/// whose usable HBM holds the weights and one sequence's KV cache.
/// Throws InferenceError (does_not_fit) naming the service when none does, or the fixed size
/// does not; std::invalid_argument for invalid inputs (as roofline_throughput). O(1).
std::int64_t replica_gpus(const ServedModel& model, const AcceleratorSpec& part,
                          const RooflineOptions& options);

/// Disaggregated roofline throughput: prefill and decode replicas of replica_gpus GPUs, the
/// decode batch the largest that HBM and the SLO allow. `precision` selects the part's peak
/// (the compute precision); weight bytes come from model.bytes_per_parameter.
/// Throws InferenceError naming the service: does_not_fit, slo_unmet (a batch of one misses
/// S), unsupported_precision. Throws std::invalid_argument naming the field for a
/// non-positive or non-finite parameter count, byte size or context, N_total < N_active,
/// shares outside their ranges, a non-positive SLO or replica size, a part without positive
/// HBM capacity, bandwidth or scale-up domain, or a batch beyond 1e15 sequences. O(1).
ReplicaThroughput roofline_throughput(const ServedModel& model, const AcceleratorSpec& part,
                                      Precision precision, const RooflineOptions& options = {});

/// Colocated roofline throughput: one replica (replica_gpus GPUs) whose every decode step also
/// prefills r = `prefill_tokens_per_output_token` input tokens per sequence (computed tokens,
/// cache misses only). The SLO applies to the combined step. r = 0 gives the decode pool of
/// roofline_throughput. Throws as roofline_throughput, and std::invalid_argument for a
/// negative or non-finite r. O(1).
ColocatedThroughput colocated_throughput(const ServedModel& model, const AcceleratorSpec& part,
                                         Precision precision,
                                         double prefill_tokens_per_output_token,
                                         const RooflineOptions& options = {});

/// Measured throughput from per-node figures: a prefill replica of `prefill_nodes_per_replica`
/// nodes and a decode replica of `decode_nodes_per_replica`, each node `gpus_per_node` GPUs
/// (DeepSeek: 73.7k and 14.8k tokens/s per node of 8, units of 4 and 18 nodes). Rates scale
/// linearly with nodes. `prefill_counts_cache_hits` is the operator's counting (DeepSeek's does).
/// Throws std::invalid_argument for non-positive or non-finite rates or counts. O(1).
ReplicaThroughput measured_throughput(double prefill_tokens_per_s_per_node,
                                      double decode_tokens_per_s_per_node,
                                      std::int64_t gpus_per_node,
                                      std::int64_t prefill_nodes_per_replica = 1,
                                      std::int64_t decode_nodes_per_replica = 1,
                                      bool prefill_counts_cache_hits = true);

/// A scenario service's disaggregated throughput: measured, one-node replicas whose prefill
/// counts cache hits (DeepSeek's convention), when its ThroughputSpec gives both per-node rates;
/// else the roofline of served_model(service, context_tokens) at the model's precision on `part`.
/// Throws InferenceError (incomplete_model) naming the service when only one measured rate is
/// given, else as the functions it calls. O(1).
ReplicaThroughput service_throughput(const ServiceSpec& service, const AcceleratorSpec& part,
                                     double context_tokens, const RooflineOptions& options = {});

}  // namespace capsim
