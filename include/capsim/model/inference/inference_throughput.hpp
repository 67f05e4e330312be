#pragma once
/// Throughput of one inference replica, two ways: measured (tokens/s per node, as operators
/// publish) or a roofline from the model and the part. Disaggregated serving has a prefill pool
/// and a decode pool, each of its own replicas; colocated serving runs both on one replica
/// (chunked prefill: every decode step also computes r prompt tokens per sequence).
///
/// The replica. G = t · p · e GPUs: tensor degree t (inside one scale-up domain D, t <= D),
/// pipeline degree p (stages of layers/p layers) and expert degree e (a MoE model's dense part,
/// attention and shared layers, is held by each of e data-parallel groups; its experts are
/// spread over all G GPUs, as DeepSeek's EP144 units and SGLang's DP attention do). Dense
/// models have e = 1.
///
/// Roofline, every rate per replica (F the part's dense peak FLOP/s at the serving precision,
/// C its HBM bytes, B its HBM bytes/s, β its scale-up bandwidth per direction, half the catalog's
/// both-directions figure):
///   W_d, W_x       dense and expert weight bytes (β_p bytes per parameter; a MoE model of E
///                  experts, k per token: expert size (N_total − N_active)/(E − k))
///   held           e · W_d + W_x; U = (1 − h) · G · C usable HBM
///   memory         held + b · K · L <= U   (b sequences, K KV bytes per token, L their mean
///                  KV length over decode: prompt + output/2)
///   FLOPs/token    c_d = 2 · (N_d + ι · N_x) + 4 · layers · L · d_attn       (decode)
///                  c_p = 2 · (N_d + ι · N_x) + 4 · layers · (L_in / 2) · d_attn (prefill,
///                  causal: a prompt token attends to half the prompt on average)
///                  The attention term runs at the peak of the attention precision: it is
///                  counted as F / F_attn times its FLOPs at the serving precision's peak F.
///                  N_d, N_x the active dense and expert parameters, ι the expert imbalance
///                  (busiest expert's load over the mean: the step waits for it). 4 · layers ·
///                  context · d_attn counts QKᵀ and AV, 2 FLOPs per multiply-add each (PaLM,
///                  Chowdhery et al. 2022, appendix B: 6N + 12·L·H·Q·T for training, three
///                  times the forward pass).
///   one round (every sequence of the batch gains a token; p micro-batches of b/p):
///     t_mem  = (p · (e · W_d + f · W_x) + b · K · L) / (G · B · η)
///              f = 1 − (1 − k/E)^(b/p), the share of experts a micro-batch's tokens touch
///     t_comp = b · (c_d / μ_d + r · c_p / μ_p) / (G · F)
///     t_comm = 2 · layers · (α + 2 (t − 1)/t · (1 + r) · b/(p · e) · d_model · 2 B / (β · ε))
///              two all-reduces per layer (attention and MLP outputs) over the t GPUs of a
///              group, ring algorithm, bf16 activations; zero for t = 1
///     t_a2a  = (1 + r) · b · a    the MoE expert all-to-all, a per token (below)
///     t(b)   = max(t_mem, t_comp, t_a2a) + t_comm     seconds per output token of each sequence
///   The expert all-to-all: per token per MoE layer (M of the layers), dispatch to the k
///   experts' GPUs (d_model bytes at the weights' precision, at most bf16) and combine back
///   (d_model bf16 bytes): c = d_model · (min(β_p, 2) + 2) bytes a copy. Experts spread evenly
///   over G GPUs, so k · (1 − D'/G) copies leave the token's domain of D' = min(D, G) GPUs over
///   the scale-out NICs (B_o a GPU) and k · (D' − 1)/G stay on the scale-up links (β · ε):
///     a = M · c · max(k (1 − D'/G) / B_o, k (D' − 1)/G / (β · ε)) / G      (0 when G = 1)
///   Every copy is charged (DeepEP's low-latency kernels send one per expert, not per node).
///   Overlapped: two micro-batches run one's dispatch and combine under the other's compute
///   (DeepSeek-V3 Technical Report, 2024-12, §3.4; inference system overview, 2025-02), so
///   only the all-to-all's excess over compute or memory costs time.
///   b is the largest integer that fits HBM and meets the SLO S (t(b) <= S); b / t(b) never
///   falls as b grows, so the largest b is the best.
///   prefill, input tokens/s: 1 / (max(c_p / (G · F · μ_p), a) + comm per token), where a token's
///   comm
///     is 2 · layers · (2 (t−1)/t · d_model · 2 B / (β · ε) + α / L_in) / (p · e); its time to
///     first token is one prompt alone on one group of t GPUs per stage:
///     L_in · (c_p / (t · F · μ_p) + 2 · layers · 2 (t−1)/t · d_model · 2 B / (β · ε))
///     + 2 · layers · α, which must meet the TTFT SLO (a lower bound: no queueing, which the
///     wait SLO covers). Prefill is compute-bound here: a prompt's weight reads are not counted.
///
/// Not counted: communication between pipeline stages (DeepSeek overlaps it too: a five-stage
/// pipeline in decode, inference system overview, 2025-02), and the all-to-all in the time to
/// first token (a lower bound already). The all-reduces are not overlapped with compute
/// (decode's sit between the layers that need their results).
///
/// Replica choice: the (t, p, e) that maximises tokens per GPU-second (prefill: input, decode
/// and colocated: output), among those that fit HBM and meet the SLOs, with t a power of two up
/// to D, p and e powers of two (e only for MoE models), G <= max_gpus_per_replica; ties go to
/// the fewest GPUs. For one part type a GPU-second costs the same whichever replica it serves
/// in (its price, power and life do not depend on the replica), so the most tokens per
/// GPU-second is the least cost per token. gpus_per_replica fixes G (any t, p, e whose product
/// it is); parallelism fixes all three.
///
/// Prefill rates count tokens the replica computes: a cache hit costs nothing here. Measured
/// figures count what the operator counted (DeepSeek's 73.7k input tokens/s per node includes
/// cache hits), which ReplicaThroughput::prefill_counts_cache_hits records.

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

#include "capsim/model/inputs.hpp"

namespace capsim {

/// The served model in canonical units. Validated by roofline_throughput.
struct ServedModel {
  std::string service;                 ///< the service it serves, named in every error
  double active_parameters = 0.0;      ///< N_active, parameters used per token; > 0
  double total_parameters = 0.0;       ///< N_total, parameters held in memory; >= N_active
  double bytes_per_parameter = 0.0;    ///< weight storage; > 0 (see bytes_per_parameter())
  double kv_bytes_per_token = 0.0;     ///< K, KV-cache bytes per token of context, all layers; > 0
  double context_tokens = 0.0;         ///< L, mean KV length of a sequence in decode, tokens; > 0
  double prompt_tokens = 0.0;          ///< L_in, mean prompt length, tokens; > 0
  std::int64_t layers = 0;             ///< transformer blocks; >= 1
  double hidden_size = 0.0;            ///< d_model, the all-reduced activation width; > 0
  double attention_width = 0.0;        ///< d_attn, query-key width over all heads; > 0
  std::int64_t experts = 0;            ///< E, routed experts; 0: a dense model
  std::int64_t experts_per_token = 0;  ///< k, routed experts per token; 1 <= k < E for MoE
  /// Layers whose MLP is the routed experts (DeepSeek-V3: 58 of 61, the first 3 dense);
  /// absent: every layer. 1 <= moe_layers <= layers.
  std::optional<std::int64_t> moe_layers{};
  /// The precision attention FLOPs run at, whose peak they get (DeepSeek's MLA: bf16, with
  /// fp8 weights); absent: the serving precision.
  std::optional<Precision> attention_precision{};
};

/// Tensor, pipeline and expert degrees of a replica.
struct Parallelism {
  std::int64_t tensor = 1;
  std::int64_t pipeline = 1;
  std::int64_t expert = 1;
  std::int64_t gpus() const { return tensor * pipeline * expert; }
  bool operator==(const Parallelism&) const = default;
};

/// Roofline knobs, with their sources (docs/model.md, "Calibrated roofline"). The calibration's
/// defaults are the scenario's (RooflineSpec), so that a service without a roofline key and a
/// direct caller get the same numbers.
struct RooflineOptions {
  /// μ_p, share of peak FLOP/s prefill achieves: 1,290 of 1,979 fp8 TFLOP/s, cuBLASLt 8192³
  /// GEMM on an H100 (Azure AI-benchmarking-guide, ND H100 v5 results, 2024). In (0, 1].
  double prefill_efficiency = RooflineSpec{}.prefill_efficiency;
  /// μ_d, share of peak FLOP/s decode achieves when compute-bound: the same GEMM figure; DeepSeek's
  /// FlashMLA decode attention reaches 580 of 989 bf16 TFLOP/s, 59% (open-infra-index, Day 1,
  /// 2025-02). In (0, 1].
  double decode_efficiency = RooflineSpec{}.decode_efficiency;
  /// η, share of HBM bandwidth decode achieves: STREAM Copy 2.90 of 3.35 TB/s on an H100 (Azure
  /// AI-benchmarking-guide, ND H100 v5 results, 2024). In (0, 1].
  double bandwidth_efficiency = RooflineSpec{}.bandwidth_efficiency;
  /// h, share of HBM kept free for activations, CUDA graphs and fragmentation: vLLM's default
  /// gpu_memory_utilization 0.90 and TensorRT-LLM's kv_cache_free_gpu_mem_fraction 0.90. [0, 1).
  double memory_headroom = RooflineSpec{}.memory_headroom;
  /// ι, the busiest expert's load over the mean, >= 1. No published production ratio was found
  /// (DeepSeek's EPLB, 2025-03, gives none; its profile traces assume balanced routing), so the
  /// default is balanced routing, 1.
  double expert_imbalance = RooflineSpec{}.expert_imbalance;
  /// α, fixed cost of one all-reduce: 25 µs, a 1 KB NCCL all-reduce on 8 H100s (Azure
  /// AI-benchmarking-guide, ND H100 v5, busbw 0.07 GB/s at 1 KB). >= 0.
  double all_reduce_latency_s = RooflineSpec{}.all_reduce_latency_s;
  /// ε, share of the scale-up line rate an all-reduce achieves: NCCL reaches 370 of 450 GB/s per
  /// direction on NVLink 4 (S. Jeaugey, NVIDIA, nccl-tests issue 212, 2024-05-06). In (0, 1].
  double scale_up_efficiency = RooflineSpec{}.scale_up_efficiency;
  /// B_o, scale-out (NIC) bytes/s per GPU per direction that the expert all-to-all achieves
  /// between scale-up domains: 50 GB/s of InfiniBand per H800 (DeepSeek-V3 Technical Report,
  /// 2024-12, §3.2.1), the 400 Gb/s NIC per GPU of an HGX node. > 0.
  double scale_out_bandwidth_bytes_per_s = RooflineSpec{}.scale_out_bandwidth_bytes_per_s;
  /// S, the latency SLO: seconds between two output tokens of one sequence. Absent: none.
  std::optional<double> max_seconds_per_output_token;
  /// The time-to-first-token SLO, seconds. Absent: none.
  std::optional<double> max_seconds_to_first_token;
  /// A fixed replica size in GPUs (e.g. DeepSeek's EP144 decode units); absent: chosen.
  std::optional<std::int64_t> gpus_per_replica;
  /// Fixed degrees; absent: chosen. With gpus_per_replica, their product must equal it.
  std::optional<Parallelism> parallelism;
  /// The largest replica the choice may make. Assumption: above DeepSeek's 144-GPU decode
  /// units. >= 1.
  std::int64_t max_gpus_per_replica = 256;
};

/// One pool's replica: its size, degrees and rate.
struct PoolReplica {
  std::int64_t gpus = 0;    ///< GPUs per replica
  double tokens_per_s = 0;  ///< per replica: input tokens (prefill) or output tokens (decode)
  Parallelism parallelism;  ///< measured: {1, 1, 1} times nothing known
  double tokens_per_s_per_gpu() const { return tokens_per_s / static_cast<double>(gpus); }
};

/// What capped the decode batch.
enum class BatchLimit {
  hbm_capacity,  ///< no room for another sequence's KV cache
  latency_slo,   ///< another sequence would push the step past the SLO
};

/// What sets the decode step time at the chosen batch.
enum class DecodeBound {
  memory_bandwidth,  ///< t_mem(b) >= t_comp(b) and t_mem(b) >= t_a2a(b)
  compute,           ///< t_comp(b) > t_mem(b) and t_comp(b) >= t_a2a(b)
  all_to_all,        ///< t_a2a(b) > max(t_mem(b), t_comp(b)): the expert all-to-all
};

/// The roofline's decode batch.
struct DecodeBatch {
  std::int64_t sequences = 0;             ///< b
  double seconds_per_output_token = 0.0;  ///< t(b), the round time
  double communication_s = 0.0;           ///< t_comm(b), inside t(b)
  double all_to_all_s = 0.0;              ///< t_a2a(b), overlapped: t(b) holds its excess
  BatchLimit limit = BatchLimit::hbm_capacity;
  DecodeBound bound = DecodeBound::memory_bandwidth;
};

/// disaggregated: a prefill pool and a decode pool; colocated: one pool of replicas that do
/// both, prefill and decode describing the same replica's input and output rates.
enum class ServingMode { disaggregated, colocated };

/// A service's replicas.
struct ReplicaThroughput {
  PoolReplica prefill;  ///< tokens_per_s: input tokens per second
  PoolReplica decode;   ///< tokens_per_s: output tokens per second
  /// Whether prefill.tokens_per_s counts input tokens served from cache (measured figures, as
  /// DeepSeek's) or only computed ones (the roofline).
  bool prefill_counts_cache_hits = false;
  std::optional<DecodeBatch> batch;  ///< the roofline's decode batch; absent when measured
  ServingMode mode = ServingMode::disaggregated;
};

/// The throughput of replicas whose every token needs `gain` times less compute (an
/// efficiency gain): each pool serves `gain` times the tokens per second, and a decode replica
/// holds `gain` times the sequences at the same per-sequence speed. Precondition: gain > 0.
/// The replica choice does not change with the gain (every candidate scales alike), so it is
/// made once per service.
ReplicaThroughput scaled_throughput(ReplicaThroughput throughput, double gain);

/// Colocated serving: one replica prefilling r input tokens per output token alongside decode.
struct ColocatedThroughput {
  PoolReplica replica;              ///< tokens_per_s: output tokens per second
  double input_tokens_per_s = 0.0;  ///< computed input tokens per second, r · output
  DecodeBatch batch;
};

/// Thrown when a service cannot be served as specified. The message names the service, e.g.
/// `service "chat": the weights (140 GB) plus one sequence's KV cache (1.311 GB) do not fit in
/// the largest allowed replica, 256 H100 SXM GPUs (…)`.
class InferenceError : public std::runtime_error {
 public:
  enum class Kind {
    does_not_fit,           ///< weights plus one sequence exceed every allowed replica
    slo_unmet,              ///< no replica that fits meets the latency SLOs
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

/// The roofline inputs of a scenario service. Lengths: with input_tokens_per_request (requests
/// demand) and output_tokens_per_request, L_in is the prompt and L = L_in + output/2; else L is
/// model.context (default DeepSeek's 4,989) and L_in = L · ρ/(ρ + 1/2), ρ the demand's input
/// tokens per output token (L itself when there is no output). Throws InferenceError
/// (incomplete_model) naming the service when a roofline input is absent: active_parameters,
/// kv_bytes_per_token, layers, hidden_size, or experts and experts_per_token for a model with
/// more parameters than active ones. O(1).
ServedModel served_model(const ServiceSpec& service);

/// The roofline options a service's keys give (SLOs, replica, calibration). O(1).
RooflineOptions roofline_options(const ServiceSpec& service);

/// The replica the roofline picks for one role (prefill: input tokens/s per GPU; decode and
/// colocated with r prefill tokens per output token: output tokens/s per GPU), as the header
/// describes. Throws InferenceError (does_not_fit, slo_unmet, unsupported_precision) naming the
/// service; std::invalid_argument for invalid inputs (as roofline_throughput).
/// O(candidates · log batch), candidates <= log2(D) · log2²(max_gpus_per_replica).
enum class ReplicaRole { prefill, decode, colocated };
Parallelism choose_replica(const ServedModel& model, const AcceleratorSpec& part,
                           Precision precision, const RooflineOptions& options, ReplicaRole role,
                           double prefill_tokens_per_output_token = 0.0);

/// GPUs of the decode replica choose_replica picks. O(as choose_replica).
std::int64_t replica_gpus(const ServedModel& model, const AcceleratorSpec& part,
                          Precision precision, const RooflineOptions& options);

/// Disaggregated roofline throughput: a prefill and a decode replica, each chosen for its role.
/// Throws InferenceError naming the service: does_not_fit, slo_unmet, unsupported_precision.
/// Throws std::invalid_argument naming the field for a non-positive or non-finite parameter
/// count, byte size, length or width, N_total < N_active, a MoE without 1 <= k < E, shares
/// outside their ranges, a non-positive SLO, replica size or degree, a tensor degree past the
/// scale-up domain, an expert degree above 1 for a dense model, degrees whose product is not
/// gpus_per_replica, a part without positive HBM capacity, bandwidth, scale-up bandwidth or
/// domain, or a batch beyond 1e15 sequences.
ReplicaThroughput roofline_throughput(const ServedModel& model, const AcceleratorSpec& part,
                                      Precision precision, const RooflineOptions& options = {});

/// Colocated roofline throughput: one replica, chosen for r, whose every decode step also
/// prefills r = `prefill_tokens_per_output_token` input tokens per sequence (computed tokens,
/// cache misses only). The SLOs apply to the combined step. Throws as roofline_throughput, and
/// std::invalid_argument for a negative or non-finite r.
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

/// Measured colocated throughput: one node serving `output_tokens_per_s_per_node` output tokens
/// with `input_tokens_per_output_token` input tokens each (a benchmark's stated mix; its input
/// counts every prompt token). Throws std::invalid_argument for non-positive or non-finite
/// figures. O(1).
ReplicaThroughput measured_colocated_throughput(double output_tokens_per_s_per_node,
                                                double input_tokens_per_output_token,
                                                std::int64_t gpus_per_node);

/// The serving mode of a service: its mode key, else disaggregated when its throughput gives
/// per-pool figures (prefill_per_node, decode_per_node) and colocated otherwise. O(1).
ServingMode serving_mode(const ServiceSpec& service);

/// A scenario service's throughput in its serving mode: measured when its ThroughputSpec gives
/// figures (per-pool figures: one-node replicas whose prefill counts cache hits, DeepSeek's
/// convention), else the roofline of served_model(service) on `part` with
/// roofline_options(service); colocated at the demand's computed input tokens per output token.
/// Throws InferenceError (incomplete_model) naming the service when half a measured pair is
/// given or the figures do not suit the mode, else as the functions it calls. O(replica choice).
ReplicaThroughput service_throughput(const ServiceSpec& service, const AcceleratorSpec& part);

}  // namespace capsim
