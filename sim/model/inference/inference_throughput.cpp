#include "capsim/model/inference/inference_throughput.hpp"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "capsim/model/inference/service_sizing.hpp"

namespace capsim {

namespace {

// Batches beyond this are no physical deployment, and stay exact in a double and an int64.
constexpr double kMaxBatch = 1e15;

// Quotients like (U − W)/(K·L) land a few ulps below an integer they equal in exact arithmetic;
// such a batch should count as fitting, not lose a sequence to rounding.
constexpr double kRelativeTolerance = 1e-9;

// Activations travel in bf16 between the GPUs of a tensor-parallel group (vLLM, SGLang and
// TensorRT-LLM keep activations in 16 bits even with fp8 weights).
constexpr double kActivationBytes = 2.0;

// The mean KV length of a sequence in DeepSeek's V3/R1 serving day (inference system overview,
// 2025-02), for services that give neither a context nor their requests' lengths.
constexpr double kDeepSeekContextTokens = 4989.0;

bool positive_finite(double value) {
  return value > 0.0 && std::isfinite(value);
}

double floor_with_tolerance(double value) {
  return std::floor(value + kRelativeTolerance * std::max(1.0, std::abs(value)));
}

// Sizes in messages: four significant digits, without the exponent {:g} gives to 18432.
std::string gigabytes(double bytes) {
  const double gb = bytes / 1e9;
  return gb >= 1000.0 ? fmt::format("{:.0f} GB", gb) : fmt::format("{:.4g} GB", gb);
}

std::string service_prefix(const std::string& service) {
  return fmt::format("service \"{}\": ", service);
}

std::string describe(const Parallelism& degrees) {
  return fmt::format("tensor {}, pipeline {}, expert {}", degrees.tensor, degrees.pipeline,
                     degrees.expert);
}

void require_positive(const std::string& service, const char* field, double value) {
  if (!positive_finite(value)) {
    throw std::invalid_argument(fmt::format("{}{} must be positive and finite, found {}",
                                            service_prefix(service), field, value));
  }
}

void require_share(const std::string& service, const char* field, double value, bool zero_ok,
                   bool one_ok) {
  const bool low_ok = zero_ok ? value >= 0.0 : value > 0.0;
  const bool high_ok = one_ok ? value <= 1.0 : value < 1.0;
  if (!(low_ok && high_ok)) {
    throw std::invalid_argument(fmt::format("{}{} must be in {}0, 1{}, found {}",
                                            service_prefix(service), field, zero_ok ? '[' : '(',
                                            one_ok ? ']' : ')', value));
  }
}

bool is_moe(const ServedModel& model) {
  return model.experts > 0;
}

void check_model(const ServedModel& model) {
  const std::string& s = model.service;
  require_positive(s, "active_parameters", model.active_parameters);
  require_positive(s, "total_parameters", model.total_parameters);
  require_positive(s, "bytes_per_parameter", model.bytes_per_parameter);
  require_positive(s, "kv_bytes_per_token", model.kv_bytes_per_token);
  require_positive(s, "context_tokens", model.context_tokens);
  require_positive(s, "prompt_tokens", model.prompt_tokens);
  require_positive(s, "hidden_size", model.hidden_size);
  require_positive(s, "attention_width", model.attention_width);
  if (model.layers < 1) {
    throw std::invalid_argument(
        fmt::format("{}layers must be at least 1, found {}", service_prefix(s), model.layers));
  }
  if (model.total_parameters < model.active_parameters) {
    throw std::invalid_argument(
        fmt::format("{}total_parameters ({}) must be at least active_parameters ({})",
                    service_prefix(s), model.total_parameters, model.active_parameters));
  }
  if (is_moe(model) && !(model.experts_per_token >= 1 && model.experts_per_token < model.experts)) {
    throw std::invalid_argument(
        fmt::format("{}a MoE model needs 1 <= experts_per_token < experts, found {} of {}",
                    service_prefix(s), model.experts_per_token, model.experts));
  }
  if (model.moe_layers && !(*model.moe_layers >= 1 && *model.moe_layers <= model.layers)) {
    throw std::invalid_argument(fmt::format("{}moe_layers must be in [1, layers = {}], found {}",
                                            service_prefix(s), model.layers, *model.moe_layers));
  }
}

void check_part(const std::string& service, const AcceleratorSpec& part) {
  if (!positive_finite(part.hbm_capacity_bytes) ||
      !positive_finite(part.hbm_bandwidth_bytes_per_s) ||
      !positive_finite(part.scale_up_bandwidth_bytes_per_s) || part.scale_up_domain < 1) {
    throw std::invalid_argument(fmt::format(
        "{}accelerator \"{}\" needs positive HBM capacity and bandwidth, scale-up bandwidth and a "
        "scale-up domain of at least 1 GPU, found {} B, {} B/s, {} B/s, {} GPUs",
        service_prefix(service), part.name, part.hbm_capacity_bytes, part.hbm_bandwidth_bytes_per_s,
        part.scale_up_bandwidth_bytes_per_s, part.scale_up_domain));
  }
}

void check_degrees(const ServedModel& model, const AcceleratorSpec& part,
                   const Parallelism& degrees) {
  const std::string& s = model.service;
  if (degrees.tensor < 1 || degrees.pipeline < 1 || degrees.expert < 1) {
    throw std::invalid_argument(fmt::format("{}parallel degrees must be at least 1, found {}",
                                            service_prefix(s), describe(degrees)));
  }
  if (degrees.tensor > part.scale_up_domain) {
    throw std::invalid_argument(
        fmt::format("{}tensor degree {} spans more than one scale-up domain ({} GPUs of {})",
                    service_prefix(s), degrees.tensor, part.scale_up_domain, part.name));
  }
  if (degrees.expert > 1 && !is_moe(model)) {
    throw std::invalid_argument(fmt::format(
        "{}expert degree {} needs a MoE model (model.experts); a dense model has expert 1",
        service_prefix(s), degrees.expert));
  }
}

void check_options(const ServedModel& model, const AcceleratorSpec& part,
                   const RooflineOptions& options) {
  const std::string& service = model.service;
  require_share(service, "prefill_efficiency", options.prefill_efficiency, false, true);
  require_share(service, "decode_efficiency", options.decode_efficiency, false, true);
  require_share(service, "bandwidth_efficiency", options.bandwidth_efficiency, false, true);
  require_share(service, "memory_headroom", options.memory_headroom, true, false);
  require_share(service, "scale_up_efficiency", options.scale_up_efficiency, false, true);
  require_positive(service, "scale_out_bandwidth", options.scale_out_bandwidth_bytes_per_s);
  if (!(options.expert_imbalance >= 1.0 && std::isfinite(options.expert_imbalance))) {
    throw std::invalid_argument(fmt::format("{}expert_imbalance must be at least 1, found {}",
                                            service_prefix(service), options.expert_imbalance));
  }
  if (!(options.all_reduce_latency_s >= 0.0 && std::isfinite(options.all_reduce_latency_s))) {
    throw std::invalid_argument(fmt::format("{}all_reduce_latency must be >= 0, found {}",
                                            service_prefix(service), options.all_reduce_latency_s));
  }
  if (options.max_seconds_per_output_token) {
    require_positive(service, "max_seconds_per_output_token",
                     *options.max_seconds_per_output_token);
  }
  if (options.max_seconds_to_first_token) {
    require_positive(service, "max_seconds_to_first_token", *options.max_seconds_to_first_token);
  }
  if (options.gpus_per_replica && *options.gpus_per_replica < 1) {
    throw std::invalid_argument(fmt::format("{}gpus_per_replica must be at least 1, found {}",
                                            service_prefix(service), *options.gpus_per_replica));
  }
  if (options.max_gpus_per_replica < 1) {
    throw std::invalid_argument(fmt::format("{}max_gpus_per_replica must be at least 1, found {}",
                                            service_prefix(service), options.max_gpus_per_replica));
  }
  if (options.parallelism) {
    check_degrees(model, part, *options.parallelism);
    if (options.gpus_per_replica && *options.gpus_per_replica != options.parallelism->gpus()) {
      throw std::invalid_argument(fmt::format(
          "{}gpus_per_replica {} is not the product of the parallel degrees ({}: {} GPUs)",
          service_prefix(service), *options.gpus_per_replica, describe(*options.parallelism),
          options.parallelism->gpus()));
    }
  }
}

double peak_flop_per_s(const ServedModel& model, const AcceleratorSpec& part, Precision precision) {
  static constexpr const char* kNames[] = {"bf16", "fp8", "fp4"};
  const char* name = kNames[static_cast<int>(precision)];
  const std::optional<double> peak = part.peak_flop_per_s(precision);
  if (!peak) {
    throw InferenceError(InferenceError::Kind::unsupported_precision, model.service,
                         fmt::format("{}accelerator \"{}\" has no {} peak FLOP/s",
                                     service_prefix(model.service), part.name, name));
  }
  if (!positive_finite(*peak)) {
    throw std::invalid_argument(
        fmt::format("{}accelerator \"{}\" has {} peak {} FLOP/s; expected "
                    "a positive finite figure",
                    service_prefix(model.service), part.name, name, *peak));
  }
  return *peak;
}

// The model's parameters split into the dense part (every token uses it all) and the routed
// experts (a token uses k of E): expert size (N_total − N_active)/(E − k).
struct ParameterSplit {
  double dense = 0.0;           // N_d, held and active
  double experts_total = 0.0;   // all routed experts
  double experts_active = 0.0;  // N_x, the k a token uses
};

ParameterSplit split_parameters(const ServedModel& model) {
  if (!is_moe(model))
    return ParameterSplit{.dense = model.total_parameters};
  const auto e = static_cast<double>(model.experts);
  const auto k = static_cast<double>(model.experts_per_token);
  const double expert = (model.total_parameters - model.active_parameters) / (e - k);
  const double dense = std::max(0.0, model.active_parameters - k * expert);
  return ParameterSplit{.dense = dense, .experts_total = e * expert, .experts_active = k * expert};
}

// Seconds of the replica's links per token for the MoE expert all-to-all (zero for a dense
// model or a one-GPU replica). Each MoE layer dispatches a token's activation to its k experts'
// GPUs (d_model bytes at the weights' precision, at most bf16: DeepSeek dispatches in fp8) and
// combines their outputs back (d_model bf16 bytes; DeepSeek-V3 Technical Report, 2024-12,
// §3.3.2). Experts spread evenly over the G GPUs, so of the k copies k · (1 − D'/G) leave the
// token's scale-up domain of D' = min(D, G) GPUs, riding the senders' NICs (B_o each), and
// k · (D' − 1)/G stay inside it on other GPUs, riding the scale-up links (β · ε each); the two
// run side by side. Every copy is charged: DeepEP's low-latency decode kernels send one per
// expert over RDMA, not one per node (deepseek-ai/DeepEP README, 2025-02).
double all_to_all_s_per_token(const ServedModel& model, const AcceleratorSpec& part,
                              const RooflineOptions& options, double scale_up_link, double gpus) {
  if (!is_moe(model) || gpus <= 1.0)
    return 0.0;
  const auto k = static_cast<double>(model.experts_per_token);
  const double domain = std::min(static_cast<double>(part.scale_up_domain), gpus);
  const double copy_bytes =
      model.hidden_size *
      (std::min(model.bytes_per_parameter, kActivationBytes) + kActivationBytes);
  const auto layers = static_cast<double>(model.moe_layers.value_or(model.layers));
  const double leaving = k * (1.0 - domain / gpus) / options.scale_out_bandwidth_bytes_per_s;
  const double inside = k * (domain - 1.0) / gpus / scale_up_link;
  return layers * copy_bytes * std::max(leaving, inside) / gpus;
}

// One candidate replica's physics: everything the round time and prefill rate need.
class Replica {
 public:
  Replica(const ServedModel& model, const AcceleratorSpec& part, double peak, double attention_peak,
          const RooflineOptions& options, const Parallelism& degrees)
      : model_(model), options_(options), degrees_(degrees) {
    const ParameterSplit split = split_parameters(model);
    const double beta = model.bytes_per_parameter;
    const auto e = static_cast<double>(degrees.expert);
    gpus_ = static_cast<double>(degrees.gpus());
    dense_bytes_ = split.dense * beta;
    expert_bytes_ = split.experts_total * beta;
    held_bytes_ = e * dense_bytes_ + expert_bytes_;
    usable_bytes_ = (1.0 - options.memory_headroom) * part.hbm_capacity_bytes * gpus_;
    bytes_per_s_ = gpus_ * part.hbm_bandwidth_bytes_per_s * options.bandwidth_efficiency;
    flop_per_s_ = gpus_ * peak;
    group_flop_per_s_ = static_cast<double>(degrees.tensor) * peak;
    const double matmul = 2.0 * (split.dense + options.expert_imbalance * split.experts_active);
    // Attention at its own precision's peak, in FLOPs at the serving precision's peak.
    const double attention =
        4.0 * static_cast<double>(model.layers) * model.attention_width * peak / attention_peak;
    decode_flop_ = matmul + attention * model.context_tokens;
    prefill_flop_ = matmul + attention * model.prompt_tokens / 2.0;
    const auto t = static_cast<double>(degrees.tensor);
    // β per direction is half the catalog's both-directions figure.
    const double link = part.scale_up_bandwidth_bytes_per_s / 2.0 * options.scale_up_efficiency;
    ring_s_per_token_ = degrees.tensor > 1
                            ? 2.0 * (t - 1.0) / t * model.hidden_size * kActivationBytes / link
                            : 0.0;
    all_reduces_ = degrees.tensor > 1 ? 2.0 * static_cast<double>(model.layers) : 0.0;
    all_to_all_s_per_token_ = all_to_all_s_per_token(model, part, options, link, gpus_);
  }

  std::int64_t gpus() const { return degrees_.gpus(); }
  const std::string& service() const { return model_.service; }
  const Parallelism& degrees() const { return degrees_; }
  double held_bytes() const { return held_bytes_; }
  double usable_bytes() const { return usable_bytes_; }
  double sequence_bytes() const { return model_.kv_bytes_per_token * model_.context_tokens; }
  double prompt_bytes() const { return model_.kv_bytes_per_token * model_.prompt_tokens; }

  /// Sequences HBM holds beside the weights (may be below 1: nothing fits).
  double hbm_batch() const { return (usable_bytes_ - held_bytes_) / sequence_bytes(); }

  double memory_s(double batch) const {
    const auto p = static_cast<double>(degrees_.pipeline);
    double touched = 0.0;
    if (is_moe(model_)) {
      const double share =
          static_cast<double>(model_.experts_per_token) / static_cast<double>(model_.experts);
      touched = 1.0 - std::pow(1.0 - share, batch / p);
    }
    const auto e = static_cast<double>(degrees_.expert);
    return (p * (e * dense_bytes_ + touched * expert_bytes_) + batch * sequence_bytes()) /
           bytes_per_s_;
  }
  double compute_s(double batch, double r) const {
    return batch *
           (decode_flop_ / options_.decode_efficiency +
            r * prefill_flop_ / options_.prefill_efficiency) /
           flop_per_s_;
  }
  double communication_s(double batch, double r) const {
    const double tokens_per_group =
        (1.0 + r) * batch / static_cast<double>(degrees_.pipeline * degrees_.expert);
    return all_reduces_ * (options_.all_reduce_latency_s + ring_s_per_token_ * tokens_per_group);
  }
  /// The expert all-to-all of a round: every token of the round, decode and prefill alike.
  double all_to_all_s(double batch, double r) const {
    return (1.0 + r) * batch * all_to_all_s_per_token_;
  }
  /// Two micro-batches overlap one's all-to-all with the other's compute (DeepSeek-V3
  /// Technical Report, 2024-12, §3.4), so the all-to-all costs only what it exceeds the
  /// compute or memory time by. The all-reduces are not overlapped.
  double round_s(double batch, double r) const {
    return std::max({memory_s(batch), compute_s(batch, r), all_to_all_s(batch, r)}) +
           communication_s(batch, r);
  }

  /// Input tokens/s of the replica in prefill.
  double prefill_tokens_per_s() const {
    const auto groups = static_cast<double>(degrees_.pipeline * degrees_.expert);
    const double compute = prefill_flop_ / (flop_per_s_ * options_.prefill_efficiency);
    const double per_token =
        std::max(compute, all_to_all_s_per_token_) +
        all_reduces_ * (ring_s_per_token_ + options_.all_reduce_latency_s / model_.prompt_tokens) /
            groups;
    return 1.0 / per_token;
  }
  /// One prompt alone on one group of t GPUs per stage.
  double first_token_s() const {
    return model_.prompt_tokens *
               (prefill_flop_ / (group_flop_per_s_ * options_.prefill_efficiency) +
                all_reduces_ * ring_s_per_token_) +
           all_reduces_ * options_.all_reduce_latency_s;
  }

 private:
  const ServedModel& model_;
  const RooflineOptions& options_;
  Parallelism degrees_;
  double gpus_ = 0.0;
  double dense_bytes_ = 0.0;
  double expert_bytes_ = 0.0;
  double held_bytes_ = 0.0;
  double usable_bytes_ = 0.0;
  double bytes_per_s_ = 0.0;
  double flop_per_s_ = 0.0;
  double group_flop_per_s_ = 0.0;
  double decode_flop_ = 0.0;
  double prefill_flop_ = 0.0;
  double ring_s_per_token_ = 0.0;
  double all_reduces_ = 0.0;
  double all_to_all_s_per_token_ = 0.0;
};

// What one candidate gives in one role, or why it cannot serve.
struct Outcome {
  bool fits = false;  // weights plus one sequence (or prompt) fit HBM
  bool meets_slo = false;
  double tokens_per_s = 0.0;
  DecodeBatch batch;
  std::string why;  // when it fits but misses an SLO
};

bool within(double value, double limit) {
  return value <= limit * (1.0 + kRelativeTolerance);
}

DecodeBound decode_bound(const Replica& replica, double batch, double r) {
  const double memory = replica.memory_s(batch);
  const double compute = replica.compute_s(batch, r);
  if (replica.all_to_all_s(batch, r) > std::max(memory, compute))
    return DecodeBound::all_to_all;
  return memory >= compute ? DecodeBound::memory_bandwidth : DecodeBound::compute;
}

Outcome decode_outcome(const Replica& replica, const RooflineOptions& options, double r) {
  Outcome outcome;
  const double hbm_batch = floor_with_tolerance(replica.hbm_batch());
  if (hbm_batch < 1.0)
    return outcome;
  outcome.fits = true;
  if (hbm_batch > kMaxBatch) {
    throw std::invalid_argument(fmt::format(
        "{}a decode batch of {:.4g} sequences: one sequence's KV cache ({} B) is implausibly "
        "small",
        service_prefix(replica.service()), hbm_batch, replica.sequence_bytes()));
  }
  double batch = hbm_batch;
  BatchLimit limit = BatchLimit::hbm_capacity;
  if (options.max_seconds_per_output_token) {
    const double slo = *options.max_seconds_per_output_token;
    if (!within(replica.round_s(1.0, r), slo)) {
      outcome.why =
          fmt::format("a batch of one takes {:.4g} s per output token on {} ({})",
                      replica.round_s(1.0, r), replica.gpus(), describe(replica.degrees()));
      return outcome;
    }
    if (!within(replica.round_s(batch, r), slo)) {
      // t(b) rises with b: bisect for the largest batch within the SLO.
      double low = 1.0;
      double high = batch;
      while (high - low > 1.0) {
        const double middle = std::floor((low + high) / 2.0);
        (within(replica.round_s(middle, r), slo) ? low : high) = middle;
      }
      batch = low;
      limit = BatchLimit::latency_slo;
    }
  }
  if (options.max_seconds_to_first_token && r > 0.0 &&
      !within(replica.first_token_s(), *options.max_seconds_to_first_token)) {
    outcome.why = fmt::format("a prompt takes {:.4g} s to its first token on {} ({})",
                              replica.first_token_s(), replica.gpus(), describe(replica.degrees()));
    return outcome;
  }
  outcome.meets_slo = true;
  outcome.batch = DecodeBatch{.sequences = static_cast<std::int64_t>(batch),
                              .seconds_per_output_token = replica.round_s(batch, r),
                              .communication_s = replica.communication_s(batch, r),
                              .all_to_all_s = replica.all_to_all_s(batch, r),
                              .limit = limit,
                              .bound = decode_bound(replica, batch, r)};
  outcome.tokens_per_s = batch / outcome.batch.seconds_per_output_token;
  return outcome;
}

Outcome prefill_outcome(const Replica& replica, const RooflineOptions& options) {
  Outcome outcome;
  if (replica.held_bytes() + replica.prompt_bytes() >
      replica.usable_bytes() * (1.0 + kRelativeTolerance))
    return outcome;
  outcome.fits = true;
  if (options.max_seconds_to_first_token &&
      !within(replica.first_token_s(), *options.max_seconds_to_first_token)) {
    outcome.why = fmt::format("a prompt takes {:.4g} s to its first token on {} ({})",
                              replica.first_token_s(), replica.gpus(), describe(replica.degrees()));
    return outcome;
  }
  outcome.meets_slo = true;
  outcome.tokens_per_s = replica.prefill_tokens_per_s();
  return outcome;
}

std::vector<std::int64_t> powers_of_two_to(std::int64_t limit) {
  std::vector<std::int64_t> powers;
  for (std::int64_t power = 1; power <= limit; power *= 2)
    powers.push_back(power);
  return powers;
}

// The degrees the choice considers, in order of size.
std::vector<Parallelism> candidates(const ServedModel& model, const AcceleratorSpec& part,
                                    const RooflineOptions& options) {
  if (options.parallelism)
    return {*options.parallelism};
  const std::int64_t limit =
      options.gpus_per_replica ? *options.gpus_per_replica : options.max_gpus_per_replica;
  std::vector<Parallelism> found;
  for (const std::int64_t t : powers_of_two_to(std::min(part.scale_up_domain, limit))) {
    if (options.gpus_per_replica) {
      const std::int64_t rest = *options.gpus_per_replica;
      if (rest % t != 0)
        continue;
      if (!is_moe(model)) {
        found.push_back({t, rest / t, 1});
        continue;
      }
      for (const std::int64_t p : powers_of_two_to(rest / t)) {
        if ((rest / t) % p == 0)
          found.push_back({t, p, rest / t / p});
      }
      continue;
    }
    for (const std::int64_t p : powers_of_two_to(limit / t)) {
      const std::int64_t experts = is_moe(model) ? limit / (t * p) : 1;
      for (const std::int64_t e : powers_of_two_to(experts))
        found.push_back({t, p, e});
    }
  }
  std::stable_sort(found.begin(), found.end(),
                   [](const Parallelism& a, const Parallelism& b) { return a.gpus() < b.gpus(); });
  return found;
}

struct Choice {
  Parallelism degrees;
  Outcome outcome;
};

[[noreturn]] void throw_no_replica(const ServedModel& model, const AcceleratorSpec& part,
                                   const RooflineOptions& options, const Parallelism& largest,
                                   bool any_fit, const std::string& last_why, ReplicaRole role) {
  if (!any_fit) {
    const double per_gpu = (1.0 - options.memory_headroom) * part.hbm_capacity_bytes;
    const std::int64_t gpus = largest.gpus();
    const double kv = role == ReplicaRole::prefill
                          ? model.kv_bytes_per_token * model.prompt_tokens
                          : model.kv_bytes_per_token * model.context_tokens;
    const bool chosen = !options.parallelism && !options.gpus_per_replica;
    throw InferenceError(
        InferenceError::Kind::does_not_fit, model.service,
        fmt::format("{}the weights ({}) plus one sequence's KV cache ({}) do not fit in {} {} {} "
                    "GPU{} ({} usable: {:g}% of {} each)",
                    service_prefix(model.service),
                    gigabytes(model.total_parameters * model.bytes_per_parameter), gigabytes(kv),
                    chosen ? "the largest allowed replica," : "a replica of", gpus, part.name,
                    gpus == 1 ? "" : "s", gigabytes(per_gpu * static_cast<double>(gpus)),
                    100.0 * (1.0 - options.memory_headroom), gigabytes(part.hbm_capacity_bytes)));
  }
  throw InferenceError(InferenceError::Kind::slo_unmet, model.service,
                       fmt::format("{}no replica of {} meets the latency SLO: {}",
                                   service_prefix(model.service), part.name, last_why));
}

Choice best_replica(const ServedModel& model, const AcceleratorSpec& part, Precision precision,
                    const RooflineOptions& options, ReplicaRole role, double r) {
  check_model(model);
  check_part(model.service, part);
  check_options(model, part, options);
  if (!(r >= 0.0 && std::isfinite(r))) {
    throw std::invalid_argument(
        fmt::format("{}prefill tokens per output token must be >= 0 and finite, found {}",
                    service_prefix(model.service), r));
  }
  const double peak = peak_flop_per_s(model, part, precision);
  const double attention_peak =
      peak_flop_per_s(model, part, model.attention_precision.value_or(precision));
  const std::vector<Parallelism> options_list = candidates(model, part, options);
  if (options_list.empty()) {
    throw std::invalid_argument(fmt::format(
        "{}no tensor degree (a power of two up to the {}-GPU scale-up domain) divides "
        "gpus_per_replica {}",
        service_prefix(model.service), part.scale_up_domain, options.gpus_per_replica.value_or(0)));
  }
  std::optional<Choice> best;
  bool any_fit = false;
  std::string last_why;
  for (const Parallelism& degrees : options_list) {
    const Replica replica(model, part, peak, attention_peak, options, degrees);
    Outcome outcome =
        role == ReplicaRole::prefill
            ? prefill_outcome(replica, options)
            : decode_outcome(replica, options, role == ReplicaRole::colocated ? r : 0.0);
    any_fit = any_fit || outcome.fits;
    if (!outcome.meets_slo) {
      if (outcome.fits)
        last_why = outcome.why;
      continue;
    }
    const double per_gpu = outcome.tokens_per_s / static_cast<double>(degrees.gpus());
    const double best_per_gpu =
        best ? best->outcome.tokens_per_s / static_cast<double>(best->degrees.gpus()) : 0.0;
    // Candidates come in order of size, so a tie keeps the smaller replica.
    if (!best || per_gpu > best_per_gpu * (1.0 + kRelativeTolerance))
      best = Choice{degrees, std::move(outcome)};
  }
  if (!best)
    throw_no_replica(model, part, options, options_list.back(), any_fit, last_why, role);
  return *best;
}

PoolReplica pool(const Choice& choice) {
  return PoolReplica{.gpus = choice.degrees.gpus(),
                     .tokens_per_s = choice.outcome.tokens_per_s,
                     .parallelism = choice.degrees};
}

}  // namespace

InferenceError::InferenceError(Kind kind, std::string service, std::string message)
    : std::runtime_error(std::move(message)), kind_(kind), service_(std::move(service)) {}

double bytes_per_parameter(Precision precision) {
  switch (precision) {
    case Precision::bf16:
      return 2.0;
    case Precision::fp8:
      return 1.0;
    case Precision::fp4:
      return 0.5;
  }
  throw std::invalid_argument("bytes_per_parameter: unknown precision");
}

ServedModel served_model(const ServiceSpec& service) {
  const ModelSpec& spec = service.model;
  const auto missing = [&](const char* field) {
    return InferenceError(
        InferenceError::Kind::incomplete_model, service.name,
        fmt::format("{}the roofline needs model.{}; give it, or measured throughput",
                    service_prefix(service.name), field));
  };
  if (!spec.active_parameters)
    throw missing("active_parameters");
  if (!spec.kv_bytes_per_token)
    throw missing("kv_bytes_per_token");
  if (!spec.layers)
    throw missing("layers");
  if (!spec.hidden_size)
    throw missing("hidden_size");
  const double total = spec.total_parameters.value_or(*spec.active_parameters);
  if (total > *spec.active_parameters && (!spec.experts || !spec.experts_per_token))
    throw missing("experts and model.experts_per_token (a MoE model: total above active)");

  // Lengths: the requests' own when the service gives them, else the context and the mix.
  const TokenDemand demand = base_token_demand(service);
  double context = spec.context_tokens.value_or(kDeepSeekContextTokens);
  double prompt = context;
  if (service.demand.input_tokens_per_request && service.output_tokens_per_request &&
      !spec.context_tokens) {
    prompt = std::max(1.0, *service.demand.input_tokens_per_request);
    context = prompt + *service.output_tokens_per_request / 2.0;
  } else if (demand.output_tokens_per_s > 0.0) {
    const double rho = demand.input_tokens_per_s / demand.output_tokens_per_s;
    prompt = std::max(1.0, context * rho / (rho + 0.5));
  }
  return ServedModel{.service = service.name,
                     .active_parameters = *spec.active_parameters,
                     .total_parameters = total,
                     .bytes_per_parameter = bytes_per_parameter(spec.precision),
                     .kv_bytes_per_token = *spec.kv_bytes_per_token,
                     .context_tokens = context,
                     .prompt_tokens = prompt,
                     .layers = *spec.layers,
                     .hidden_size = *spec.hidden_size,
                     .attention_width = spec.attention_width.value_or(*spec.hidden_size),
                     .experts = spec.experts.value_or(0),
                     .experts_per_token = spec.experts_per_token.value_or(0),
                     .moe_layers = spec.moe_layers,
                     .attention_precision = spec.attention_precision};
}

RooflineOptions roofline_options(const ServiceSpec& service) {
  const RooflineSpec& spec = service.roofline;
  RooflineOptions options;
  options.prefill_efficiency = spec.prefill_efficiency;
  options.decode_efficiency = spec.decode_efficiency;
  options.bandwidth_efficiency = spec.bandwidth_efficiency;
  options.memory_headroom = spec.memory_headroom;
  options.expert_imbalance = spec.expert_imbalance;
  options.all_reduce_latency_s = spec.all_reduce_latency_s;
  options.scale_up_efficiency = spec.scale_up_efficiency;
  options.scale_out_bandwidth_bytes_per_s = spec.scale_out_bandwidth_bytes_per_s;
  options.max_seconds_per_output_token = service.slo_time_per_output_token_s;
  options.max_seconds_to_first_token = service.slo_time_to_first_token_s;
  options.gpus_per_replica = service.gpus_per_replica;
  if (service.parallelism.given()) {
    options.parallelism = Parallelism{.tensor = service.parallelism.tensor.value_or(1),
                                      .pipeline = service.parallelism.pipeline.value_or(1),
                                      .expert = service.parallelism.expert.value_or(1)};
  }
  return options;
}

Parallelism choose_replica(const ServedModel& model, const AcceleratorSpec& part,
                           Precision precision, const RooflineOptions& options, ReplicaRole role,
                           double prefill_tokens_per_output_token) {
  return best_replica(model, part, precision, options, role, prefill_tokens_per_output_token)
      .degrees;
}

std::int64_t replica_gpus(const ServedModel& model, const AcceleratorSpec& part,
                          Precision precision, const RooflineOptions& options) {
  return choose_replica(model, part, precision, options, ReplicaRole::decode).gpus();
}

ReplicaThroughput roofline_throughput(const ServedModel& model, const AcceleratorSpec& part,
                                      Precision precision, const RooflineOptions& options) {
  const Choice prefill = best_replica(model, part, precision, options, ReplicaRole::prefill, 0.0);
  const Choice decode = best_replica(model, part, precision, options, ReplicaRole::decode, 0.0);
  return ReplicaThroughput{.prefill = pool(prefill),
                           .decode = pool(decode),
                           .prefill_counts_cache_hits = false,
                           .batch = decode.outcome.batch,
                           .mode = ServingMode::disaggregated};
}

ColocatedThroughput colocated_throughput(const ServedModel& model, const AcceleratorSpec& part,
                                         Precision precision,
                                         double prefill_tokens_per_output_token,
                                         const RooflineOptions& options) {
  const Choice choice = best_replica(model, part, precision, options, ReplicaRole::colocated,
                                     prefill_tokens_per_output_token);
  return ColocatedThroughput{
      .replica = pool(choice),
      .input_tokens_per_s = prefill_tokens_per_output_token * choice.outcome.tokens_per_s,
      .batch = choice.outcome.batch};
}

ReplicaThroughput measured_throughput(double prefill_tokens_per_s_per_node,
                                      double decode_tokens_per_s_per_node,
                                      std::int64_t gpus_per_node,
                                      std::int64_t prefill_nodes_per_replica,
                                      std::int64_t decode_nodes_per_replica,
                                      bool prefill_counts_cache_hits) {
  if (!positive_finite(prefill_tokens_per_s_per_node) ||
      !positive_finite(decode_tokens_per_s_per_node)) {
    throw std::invalid_argument(fmt::format(
        "measured throughput must be positive and finite, found {} prefill and {} decode tokens/s "
        "per node",
        prefill_tokens_per_s_per_node, decode_tokens_per_s_per_node));
  }
  if (gpus_per_node < 1 || prefill_nodes_per_replica < 1 || decode_nodes_per_replica < 1) {
    throw std::invalid_argument(
        fmt::format("measured throughput needs at least 1 GPU per node and 1 node per replica, "
                    "found {} GPUs per node, {} prefill and {} decode nodes per replica",
                    gpus_per_node, prefill_nodes_per_replica, decode_nodes_per_replica));
  }
  const auto measured_pool = [&](double per_node, std::int64_t nodes) {
    return PoolReplica{.gpus = gpus_per_node * nodes,
                       .tokens_per_s = per_node * static_cast<double>(nodes),
                       .parallelism = {}};
  };
  return ReplicaThroughput{
      .prefill = measured_pool(prefill_tokens_per_s_per_node, prefill_nodes_per_replica),
      .decode = measured_pool(decode_tokens_per_s_per_node, decode_nodes_per_replica),
      .prefill_counts_cache_hits = prefill_counts_cache_hits,
      .batch = std::nullopt,
      .mode = ServingMode::disaggregated};
}

ReplicaThroughput measured_colocated_throughput(double output_tokens_per_s_per_node,
                                                double input_tokens_per_output_token,
                                                std::int64_t gpus_per_node) {
  if (!positive_finite(output_tokens_per_s_per_node) ||
      !(input_tokens_per_output_token >= 0.0 && std::isfinite(input_tokens_per_output_token)) ||
      gpus_per_node < 1) {
    throw std::invalid_argument(fmt::format(
        "measured colocated throughput needs positive output tokens/s, input tokens per output "
        "token >= 0 and at least 1 GPU per node, found {}, {} and {}",
        output_tokens_per_s_per_node, input_tokens_per_output_token, gpus_per_node));
  }
  const PoolReplica node{
      .gpus = gpus_per_node, .tokens_per_s = output_tokens_per_s_per_node, .parallelism = {}};
  PoolReplica input = node;
  input.tokens_per_s = output_tokens_per_s_per_node * input_tokens_per_output_token;
  return ReplicaThroughput{.prefill = input,
                           .decode = node,
                           .prefill_counts_cache_hits = true,
                           .batch = std::nullopt,
                           .mode = ServingMode::colocated};
}

ServingMode serving_mode(const ServiceSpec& service) {
  if (service.mode != ServingModeSpec::automatic) {
    return service.mode == ServingModeSpec::colocated ? ServingMode::colocated
                                                      : ServingMode::disaggregated;
  }
  const ThroughputSpec& measured = service.throughput;
  return measured.prefill_tokens_per_s_per_node || measured.decode_tokens_per_s_per_node
             ? ServingMode::disaggregated
             : ServingMode::colocated;
}

namespace {

ReplicaThroughput roofline_colocated(const ServiceSpec& service, const AcceleratorSpec& part) {
  const ServedModel model = served_model(service);
  const RooflineOptions options = roofline_options(service);
  const TokenDemand demand = base_token_demand(service);
  if (demand.output_tokens_per_s <= 0.0) {
    // Prompts alone: the colocated replica is a prefill replica that decodes nothing.
    const Choice prefill =
        best_replica(model, part, service.model.precision, options, ReplicaRole::prefill, 0.0);
    PoolReplica decode = pool(prefill);
    return ReplicaThroughput{.prefill = pool(prefill),
                             .decode = decode,
                             .prefill_counts_cache_hits = false,
                             .batch = std::nullopt,
                             .mode = ServingMode::colocated};
  }
  const double r = demand.cache_miss_input_tokens_per_s() / demand.output_tokens_per_s;
  const ColocatedThroughput colocated =
      colocated_throughput(model, part, service.model.precision, r, options);
  PoolReplica input = colocated.replica;
  input.tokens_per_s = colocated.input_tokens_per_s;
  return ReplicaThroughput{.prefill = input,
                           .decode = colocated.replica,
                           .prefill_counts_cache_hits = false,
                           .batch = colocated.batch,
                           .mode = ServingMode::colocated};
}

}  // namespace

ReplicaThroughput service_throughput(const ServiceSpec& service, const AcceleratorSpec& part) {
  const ThroughputSpec& measured = service.throughput;
  const ServingMode mode = serving_mode(service);
  const bool prefill = measured.prefill_tokens_per_s_per_node.has_value();
  const bool decode = measured.decode_tokens_per_s_per_node.has_value();
  const bool output = measured.output_tokens_per_s_per_node.has_value();
  const auto incomplete = [&](const std::string& what) {
    return InferenceError(InferenceError::Kind::incomplete_model, service.name,
                          service_prefix(service.name) + what);
  };
  if (prefill != decode) {
    throw incomplete(fmt::format(
        "measured throughput gives {} per node but not {}; give both, or neither for the roofline",
        prefill ? "prefill" : "decode", prefill ? "decode" : "prefill"));
  }
  if (output != measured.input_per_output.has_value()) {
    throw incomplete(
        "measured colocated throughput needs output_per_node and input_per_output together");
  }
  if (mode == ServingMode::disaggregated) {
    if (output)
      throw incomplete(
          "output_per_node is a colocated figure; with mode: disaggregated give "
          "prefill_per_node and decode_per_node");
    if (prefill) {
      return measured_throughput(*measured.prefill_tokens_per_s_per_node,
                                 *measured.decode_tokens_per_s_per_node, measured.gpus_per_node);
    }
    return roofline_throughput(served_model(service), part, service.model.precision,
                               roofline_options(service));
  }
  if (prefill)
    throw incomplete(
        "prefill_per_node and decode_per_node are per-pool figures; with mode: "
        "colocated give output_per_node and input_per_output");
  if (output) {
    return measured_colocated_throughput(*measured.output_tokens_per_s_per_node,
                                         *measured.input_per_output, measured.gpus_per_node);
  }
  return roofline_colocated(service, part);
}

ReplicaThroughput scaled_throughput(ReplicaThroughput throughput, double gain) {
  throughput.prefill.tokens_per_s *= gain;
  throughput.decode.tokens_per_s *= gain;
  return throughput;
}

}  // namespace capsim
