#include "capsim/model/inference/inference_throughput.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include <fmt/format.h>

namespace capsim {

namespace {

// Batches beyond this are no physical deployment, and stay exact in a double and an int64.
constexpr double kMaxBatch = 1e15;

// Quotients like (U − W)/(K·L) land a few ulps below an integer they equal in exact arithmetic;
// such a batch should count as fitting, not lose a sequence to rounding.
constexpr double kRelativeTolerance = 1e-9;

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

void check_model(const ServedModel& model) {
  const std::string& s = model.service;
  require_positive(s, "active_parameters", model.active_parameters);
  require_positive(s, "total_parameters", model.total_parameters);
  require_positive(s, "bytes_per_parameter", model.bytes_per_parameter);
  require_positive(s, "kv_bytes_per_token", model.kv_bytes_per_token);
  require_positive(s, "context_tokens", model.context_tokens);
  if (model.total_parameters < model.active_parameters) {
    throw std::invalid_argument(
        fmt::format("{}total_parameters ({}) must be at least active_parameters ({})",
                    service_prefix(s), model.total_parameters, model.active_parameters));
  }
}

void check_part(const std::string& service, const AcceleratorSpec& part) {
  if (!positive_finite(part.hbm_capacity_bytes) ||
      !positive_finite(part.hbm_bandwidth_bytes_per_s) || part.scale_up_domain < 1) {
    throw std::invalid_argument(fmt::format(
        "{}accelerator \"{}\" needs positive HBM capacity and bandwidth and a scale-up domain of "
        "at least 1 GPU, found {} B, {} B/s, {} GPUs",
        service_prefix(service), part.name, part.hbm_capacity_bytes, part.hbm_bandwidth_bytes_per_s,
        part.scale_up_domain));
  }
}

void check_options(const std::string& service, const RooflineOptions& options) {
  require_share(service, "prefill_mfu", options.prefill_mfu, false, true);
  require_share(service, "decode_mfu", options.decode_mfu, false, true);
  require_share(service, "decode_bandwidth_efficiency", options.decode_bandwidth_efficiency, false,
                true);
  require_share(service, "memory_headroom", options.memory_headroom, true, false);
  if (options.max_seconds_per_output_token) {
    require_positive(service, "max_seconds_per_output_token",
                     *options.max_seconds_per_output_token);
  }
  if (options.gpus_per_replica && *options.gpus_per_replica < 1) {
    throw std::invalid_argument(fmt::format("{}gpus_per_replica must be at least 1, found {}",
                                            service_prefix(service), *options.gpus_per_replica));
  }
  if (options.max_gpus_per_replica < 1) {
    throw std::invalid_argument(fmt::format("{}max_gpus_per_replica must be at least 1, found {}",
                                            service_prefix(service), options.max_gpus_per_replica));
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

double weight_bytes(const ServedModel& model) {
  return model.total_parameters * model.bytes_per_parameter;
}

double sequence_kv_bytes(const ServedModel& model) {
  return model.kv_bytes_per_token * model.context_tokens;
}

double usable_bytes_per_gpu(const AcceleratorSpec& part, const RooflineOptions& options) {
  return (1.0 - options.memory_headroom) * part.hbm_capacity_bytes;
}

// Candidate sizes are powers of two below the domain D, then multiples of D: a replica either
// shares one scale-up domain or spans whole ones.
std::int64_t smallest_candidate_at_least(std::int64_t gpus, std::int64_t domain) {
  if (gpus > domain) {
    return (gpus / domain + (gpus % domain != 0 ? 1 : 0)) * domain;
  }
  std::int64_t power = 1;
  while (power < gpus && power <= domain / 2) {
    power *= 2;
  }
  return power < gpus ? domain : power;
}

std::int64_t largest_candidate_at_most(std::int64_t gpus, std::int64_t domain) {
  if (gpus >= domain) {
    return gpus / domain * domain;
  }
  std::int64_t power = 1;
  while (power <= gpus / 2) {
    power *= 2;
  }
  return power;
}

[[noreturn]] void throw_does_not_fit(const ServedModel& model, const AcceleratorSpec& part,
                                     const RooflineOptions& options, std::int64_t gpus,
                                     bool largest) {
  const double per_gpu = usable_bytes_per_gpu(part, options);
  throw InferenceError(
      InferenceError::Kind::does_not_fit, model.service,
      fmt::format("{}the weights ({}) plus one sequence's KV cache ({}) do not fit in {} {} {} "
                  "GPU{} ({} usable: {:g}% of {} each)",
                  service_prefix(model.service), gigabytes(weight_bytes(model)),
                  gigabytes(sequence_kv_bytes(model)),
                  largest ? "the largest allowed replica," : "a replica of", gpus, part.name,
                  gpus == 1 ? "" : "s", gigabytes(per_gpu * static_cast<double>(gpus)),
                  100.0 * (1.0 - options.memory_headroom), gigabytes(part.hbm_capacity_bytes)));
}

std::int64_t checked_replica_gpus(const ServedModel& model, const AcceleratorSpec& part,
                                  const RooflineOptions& options) {
  const double need = weight_bytes(model) + sequence_kv_bytes(model);
  const double per_gpu = usable_bytes_per_gpu(part, options);
  const auto fits = [&](std::int64_t gpus) {
    return need <= per_gpu * static_cast<double>(gpus) * (1.0 + kRelativeTolerance);
  };
  if (options.gpus_per_replica) {
    if (!fits(*options.gpus_per_replica)) {
      throw_does_not_fit(model, part, options, *options.gpus_per_replica, false);
    }
    return *options.gpus_per_replica;
  }
  const std::int64_t domain = part.scale_up_domain;
  const std::int64_t largest = largest_candidate_at_most(options.max_gpus_per_replica, domain);
  if (!fits(largest)) {
    throw_does_not_fit(model, part, options, largest, true);
  }
  // need / per_gpu <= largest here, so the ceiling is in range; rounding may leave it one off.
  auto gpus = std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(need / per_gpu)));
  if (gpus > 1 && fits(gpus - 1)) {
    --gpus;
  }
  while (!fits(gpus)) {
    ++gpus;
  }
  return std::min(smallest_candidate_at_least(gpus, domain), largest);
}

// A replica's decode step, for a batch of b sequences with r prefill tokens each.
struct DecodeStep {
  double weight_bytes;
  double kv_bytes;           // one sequence's KV cache
  double bytes_per_s;        // G · B · η
  double compute_s_per_seq;  // 2 · N_active · (1/μ_d + r/μ_p) / (G · F)

  double memory_s(double batch) const { return (weight_bytes + batch * kv_bytes) / bytes_per_s; }
  double compute_s(double batch) const { return batch * compute_s_per_seq; }
  double seconds(double batch) const { return std::max(memory_s(batch), compute_s(batch)); }
};

DecodeBatch solve_batch(const ServedModel& model, const AcceleratorSpec& part,
                        const RooflineOptions& options, std::int64_t gpus, double peak,
                        double prefill_per_output) {
  const double g = static_cast<double>(gpus);
  const DecodeStep step{
      .weight_bytes = weight_bytes(model),
      .kv_bytes = sequence_kv_bytes(model),
      .bytes_per_s = g * part.hbm_bandwidth_bytes_per_s * options.decode_bandwidth_efficiency,
      .compute_s_per_seq = 2.0 * model.active_parameters *
                           (1.0 / options.decode_mfu + prefill_per_output / options.prefill_mfu) /
                           (g * peak)};

  const double usable = usable_bytes_per_gpu(part, options) * g;
  // The replica holds at least one sequence, so a batch of one always fits HBM.
  double batch = std::max(1.0, floor_with_tolerance((usable - step.weight_bytes) / step.kv_bytes));
  BatchLimit limit = BatchLimit::hbm_capacity;

  if (options.max_seconds_per_output_token) {
    const double slo = *options.max_seconds_per_output_token;
    if (step.seconds(1.0) > slo * (1.0 + kRelativeTolerance)) {
      const bool memory_bound = step.memory_s(1.0) >= step.compute_s(1.0);
      const std::string why =
          memory_bound
              ? fmt::format("memory-bound: {} read at {:.4g} TB/s",
                            gigabytes(step.weight_bytes + step.kv_bytes), step.bytes_per_s / 1e12)
              : fmt::format("compute-bound at {:g}% decode MFU", 100.0 * options.decode_mfu);
      const std::string colocated =
          prefill_per_output > 0.0
              ? fmt::format(" colocated with {:g} prefill tokens per output token",
                            prefill_per_output)
              : std::string();
      throw InferenceError(
          InferenceError::Kind::slo_unmet, model.service,
          fmt::format("{}no batch meets {:g} s per output token on a replica of {} {} GPU{}{}: "
                      "a batch of one takes {:.4g} s per step ({})",
                      service_prefix(model.service), slo, gpus, part.name, gpus == 1 ? "" : "s",
                      colocated, step.seconds(1.0), why));
    }
    // Both step times grow linearly in b, so each bound on b has a closed form.
    const double memory_batch = (slo * step.bytes_per_s - step.weight_bytes) / step.kv_bytes;
    const double compute_batch = slo / step.compute_s_per_seq;
    const double slo_batch =
        std::max(1.0, floor_with_tolerance(std::min(memory_batch, compute_batch)));
    if (slo_batch < batch) {
      batch = slo_batch;
      limit = BatchLimit::latency_slo;
    }
  }
  if (batch > kMaxBatch) {
    throw std::invalid_argument(fmt::format(
        "{}a decode batch of {:.4g} sequences: one sequence's KV cache ({} B) is implausibly "
        "small",
        service_prefix(model.service), batch, step.kv_bytes));
  }
  return DecodeBatch{.sequences = static_cast<std::int64_t>(batch),
                     .seconds_per_output_token = step.seconds(batch),
                     .limit = limit,
                     .bound = step.memory_s(batch) >= step.compute_s(batch)
                                  ? DecodeBound::memory_bandwidth
                                  : DecodeBound::compute};
}

double prefill_tokens_per_s(const ServedModel& model, std::int64_t gpus, double peak,
                            const RooflineOptions& options) {
  return static_cast<double>(gpus) * peak * options.prefill_mfu / (2.0 * model.active_parameters);
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

ServedModel served_model(const ServiceSpec& service, double context_tokens) {
  const ModelSpec& spec = service.model;
  const auto missing = [&](const char* field) {
    return InferenceError(
        InferenceError::Kind::incomplete_model, service.name,
        fmt::format("{}the roofline needs model.{}; give it, or measured throughput",
                    service_prefix(service.name), field));
  };
  if (!spec.active_parameters) {
    throw missing("active_parameters");
  }
  if (!spec.kv_bytes_per_token) {
    throw missing("kv_bytes_per_token");
  }
  return ServedModel{.service = service.name,
                     .active_parameters = *spec.active_parameters,
                     .total_parameters = spec.total_parameters.value_or(*spec.active_parameters),
                     .bytes_per_parameter = bytes_per_parameter(spec.precision),
                     .kv_bytes_per_token = *spec.kv_bytes_per_token,
                     .context_tokens = context_tokens};
}

std::int64_t replica_gpus(const ServedModel& model, const AcceleratorSpec& part,
                          const RooflineOptions& options) {
  check_model(model);
  check_part(model.service, part);
  check_options(model.service, options);
  return checked_replica_gpus(model, part, options);
}

ReplicaThroughput roofline_throughput(const ServedModel& model, const AcceleratorSpec& part,
                                      Precision precision, const RooflineOptions& options) {
  const ColocatedThroughput decode = colocated_throughput(model, part, precision, 0.0, options);
  const double peak = peak_flop_per_s(model, part, precision);
  const std::int64_t gpus = decode.replica.gpus;
  return ReplicaThroughput{
      .prefill = {.gpus = gpus, .tokens_per_s = prefill_tokens_per_s(model, gpus, peak, options)},
      .decode = decode.replica,
      .prefill_counts_cache_hits = false,
      .batch = decode.batch};
}

ColocatedThroughput colocated_throughput(const ServedModel& model, const AcceleratorSpec& part,
                                         Precision precision,
                                         double prefill_tokens_per_output_token,
                                         const RooflineOptions& options) {
  check_model(model);
  check_part(model.service, part);
  check_options(model.service, options);
  if (!(prefill_tokens_per_output_token >= 0.0 && std::isfinite(prefill_tokens_per_output_token))) {
    throw std::invalid_argument(
        fmt::format("{}prefill tokens per output token must be >= 0 and finite, found {}",
                    service_prefix(model.service), prefill_tokens_per_output_token));
  }
  const double peak = peak_flop_per_s(model, part, precision);
  const std::int64_t gpus = checked_replica_gpus(model, part, options);
  const DecodeBatch batch =
      solve_batch(model, part, options, gpus, peak, prefill_tokens_per_output_token);
  const double output = static_cast<double>(batch.sequences) / batch.seconds_per_output_token;
  return ColocatedThroughput{.replica = {.gpus = gpus, .tokens_per_s = output},
                             .input_tokens_per_s = prefill_tokens_per_output_token * output,
                             .batch = batch};
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
  const auto pool = [&](double per_node, std::int64_t nodes) {
    return PoolReplica{.gpus = gpus_per_node * nodes,
                       .tokens_per_s = per_node * static_cast<double>(nodes)};
  };
  return ReplicaThroughput{
      .prefill = pool(prefill_tokens_per_s_per_node, prefill_nodes_per_replica),
      .decode = pool(decode_tokens_per_s_per_node, decode_nodes_per_replica),
      .prefill_counts_cache_hits = prefill_counts_cache_hits,
      .batch = std::nullopt};
}

ReplicaThroughput service_throughput(const ServiceSpec& service, const AcceleratorSpec& part,
                                     double context_tokens, const RooflineOptions& options) {
  const ThroughputSpec& measured = service.throughput;
  const bool prefill = measured.prefill_tokens_per_s_per_node.has_value();
  const bool decode = measured.decode_tokens_per_s_per_node.has_value();
  if (prefill && decode) {
    return measured_throughput(*measured.prefill_tokens_per_s_per_node,
                               *measured.decode_tokens_per_s_per_node, measured.gpus_per_node);
  }
  if (prefill || decode) {
    throw InferenceError(
        InferenceError::Kind::incomplete_model, service.name,
        fmt::format("{}measured throughput gives {} per node but not {}; give both, or neither "
                    "for the roofline",
                    service_prefix(service.name), prefill ? "prefill" : "decode",
                    prefill ? "decode" : "prefill"));
  }
  return roofline_throughput(served_model(service, context_tokens), part, service.model.precision,
                             options);
}

ReplicaThroughput scaled_throughput(ReplicaThroughput throughput, double gain) {
  throughput.prefill.tokens_per_s *= gain;
  throughput.decode.tokens_per_s *= gain;
  return throughput;
}

}  // namespace capsim
