#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>

#include "capsim/model/inference/inference_throughput.hpp"

namespace capsim {
namespace {

// Parts as in docs figures.md (NVIDIA datasheets): dense bf16 989 TFLOP/s, fp8 1,979.
AcceleratorSpec part(const std::string& name, double hbm_bytes, double bandwidth_bytes_per_s,
                     std::int64_t scale_up_domain = 8) {
  AcceleratorSpec spec;
  spec.scale_up_bandwidth_bytes_per_s = 900e9;
  spec.name = name;
  spec.peak_dense_flops.bf16_flop_per_s = 989e12;
  spec.peak_dense_flops.fp8_flop_per_s = 1979e12;
  spec.hbm_capacity_bytes = hbm_bytes;
  spec.hbm_bandwidth_bytes_per_s = bandwidth_bytes_per_s;
  spec.scale_up_domain = scale_up_domain;
  return spec;
}

AcceleratorSpec h100() {
  return part("H100 SXM", 80e9, 3.35e12);
}
AcceleratorSpec h200() {
  return part("H200 SXM", 141e9, 4.8e12);
}
AcceleratorSpec h800() {
  return part("H800 SXM", 80e9, 3.35e12);
}

// A dense model in bf16: every parameter active, 2 bytes each.
ServedModel dense_bf16(const std::string& service, double parameters, double kv_bytes_per_token,
                       double context_tokens) {
  return ServedModel{.service = service,
                     .active_parameters = parameters,
                     .total_parameters = parameters,
                     .bytes_per_parameter = 2.0,
                     .kv_bytes_per_token = kv_bytes_per_token,
                     .context_tokens = context_tokens,
                     .prompt_tokens = context_tokens,
                     .layers = 80,
                     .hidden_size = 8192.0,
                     .attention_width = 8192.0};
}

// A dense 70B model in bf16 (Llama 3 70B shape): W = 70e9 · 2 = 140 GB; KV per token
// 80 layers · 8 KV heads · 128 dims · 2 (K and V) · 2 bytes = 327,680 B; at an average context
// of 4,000 tokens one sequence holds K·L = 1.31072 GB.
ServedModel dense_70b() {
  return dense_bf16("chat", 70e9, 327'680.0, 4'000.0);
}

// DeepSeek-V3: 37B active of 671B, fp8 weights (1 byte); MLA caches 576 values per layer per
// token over 61 layers in bf16, 70,272 B; average KV length 4,989 (DeepSeek inference day).
ServedModel deepseek_v3() {
  return ServedModel{.service = "deepseek",
                     .active_parameters = 37e9,
                     .total_parameters = 671e9,
                     .bytes_per_parameter = 1.0,
                     .kv_bytes_per_token = 70'272.0,
                     .context_tokens = 4'989.0,
                     .prompt_tokens = 4'989.0,
                     .layers = 61,
                     .hidden_size = 7168.0,
                     .attention_width = 69'632.0,
                     .experts = 256,
                     .experts_per_token = 8};
}

template <typename F>
std::string inference_error(F&& call, InferenceError::Kind expected_kind,
                            const std::string& expected_service) {
  try {
    call();
  } catch (const InferenceError& error) {
    CHECK(error.kind() == expected_kind);
    CHECK(error.service() == expected_service);
    return error.what();
  }
  FAIL("no InferenceError");
  return {};
}

TEST_CASE("inference_throughput: bytes per parameter follow the precision") {
  CHECK(bytes_per_parameter(Precision::bf16) == 2.0);
  CHECK(bytes_per_parameter(Precision::fp8) == 1.0);
  CHECK(bytes_per_parameter(Precision::fp4) == 0.5);
}

// A toy part and model whose arithmetic fits in a comment: HBM 100 GB at 1 TB/s, scale-up
// 2 GB/s both directions (1 GB/s each way), every efficiency 1, no headroom, no all-reduce
// latency, replicas of at most 4 GPUs. The model: 30B dense bf16 parameters, W = 60 GB (over
// half of one GPU's HBM), 10 layers of width 1,000, K·L = 1e6 B · 1,000 = 1 GB per sequence;
// decode FLOPs per token c_d = 2 · 30e9 + 4 · 10 · 1,000 · 1,000 = 6.004e10.
AcceleratorSpec toy_part(double peak) {
  AcceleratorSpec spec;
  spec.name = "toy";
  spec.peak_dense_flops.bf16_flop_per_s = peak;
  spec.hbm_capacity_bytes = 100e9;
  spec.hbm_bandwidth_bytes_per_s = 1e12;
  spec.scale_up_domain = 8;
  spec.scale_up_bandwidth_bytes_per_s = 2e9;
  return spec;
}

ServedModel toy_model() {
  return ServedModel{.service = "toy",
                     .active_parameters = 30e9,
                     .total_parameters = 30e9,
                     .bytes_per_parameter = 2.0,
                     .kv_bytes_per_token = 1e6,
                     .context_tokens = 1'000.0,
                     .prompt_tokens = 1'000.0,
                     .layers = 10,
                     .hidden_size = 1'000.0,
                     .attention_width = 1'000.0};
}

RooflineOptions toy_options() {
  RooflineOptions options;
  options.prefill_efficiency = options.decode_efficiency = 1.0;
  options.bandwidth_efficiency = 1.0;
  options.memory_headroom = 0.0;
  options.all_reduce_latency_s = 0.0;
  options.scale_up_efficiency = 1.0;
  options.max_gpus_per_replica = 4;
  return options;
}

TEST_CASE("inference_throughput: weights over half of HBM get a larger replica when it pays") {
  // Fast compute (1 PFLOP/s per GPU): decode is memory-bound, so a replica's step reads its
  // whole usable HBM, t_mem = U/B = 0.1 s per round whatever G, and output per GPU grows with the
  // share of HBM left for KV cache, less what the all-reduces cost. Communication per round:
  // 2 · 10 all-reduces of 2(t−1)/t · (b/p) · 1,000 · 2 B at 1e9 B/s.
  //   t1     G=1: b = (100 − 60)/1 = 40;  t = 0.1 s;                        40/0.1/1 = 400.0
  //   t1 p2  G=2: b = 140; t_mem = (2·60 + 140)e9/2e12 = 0.13;              140/0.13/2 = 538.5
  //   t2     G=2: b = 140; t_mem 0.1; comm 20 · 1 · 140 · 2,000/1e9 = 0.0056;
  //                                                                 140/0.1056/2 = 662.9
  //   t1 p4  G=4: b = 340; t_mem = (4·60 + 340)/4e3 = 0.145;                340/0.145/4 = 586.2
  //   t2 p2  G=4: b = 340; t_mem = (2·60 + 340)/4e3 = 0.115; comm 20 · 1 · 170 · 2,000/1e9
  //               = 0.0068;                                          340/0.1218/4 = 697.9
  //   t4     G=4: b = 340; t_mem 0.1; comm 20 · 1.5 · 340 · 2,000/1e9 = 0.0204 (compute
  //               340 · 6.004e10/4e15 = 0.0051 s, hidden);           340/0.1204/4 = 706.0
  // Tensor 4 wins: 1.76 times the minimum replica's tokens per GPU-second.
  const AcceleratorSpec fast = toy_part(1e15);
  const ColocatedThroughput chosen =
      colocated_throughput(toy_model(), fast, Precision::bf16, 0.0, toy_options());
  CHECK(chosen.replica.parallelism == Parallelism{.tensor = 4, .pipeline = 1, .expert = 1});
  CHECK(chosen.batch.sequences == 340);
  CHECK(chosen.batch.communication_s == doctest::Approx(0.0204).epsilon(1e-9));
  CHECK(chosen.batch.seconds_per_output_token == doctest::Approx(0.1204).epsilon(1e-9));
  CHECK(chosen.replica.tokens_per_s_per_gpu() ==
        doctest::Approx(340.0 / 0.1204 / 4.0).epsilon(1e-9));
  RooflineOptions smallest = toy_options();
  smallest.gpus_per_replica = 1;
  const ColocatedThroughput one =
      colocated_throughput(toy_model(), fast, Precision::bf16, 0.0, smallest);
  CHECK(one.batch.sequences == 40);
  CHECK(one.replica.tokens_per_s_per_gpu() == doctest::Approx(400.0).epsilon(1e-9));
  RooflineOptions tp2 = toy_options();
  tp2.parallelism = Parallelism{.tensor = 2};
  CHECK(colocated_throughput(toy_model(), fast, Precision::bf16, 0.0, tp2)
            .replica.tokens_per_s_per_gpu() == doctest::Approx(140.0 / 0.1056 / 2.0).epsilon(1e-9));

  // Slow compute (10 TFLOP/s): one GPU is already compute-bound, t = 40 · 6.004e10/1e13
  // = 0.24016 s > 0.1, so every replica runs at F/c_d = 166.56 tokens/s per GPU at best and a
  // larger one only adds communication (t2: b = 140, 140 · 6.004e10/2e13 + 0.0056 = 0.42588 s,
  // 164.37 per GPU) or ties (t1 p2: compute 0.42028 s > t_mem 0.13 s, 166.56): the minimum
  // replica stays, ties going to the fewer GPUs.
  const ColocatedThroughput slow =
      colocated_throughput(toy_model(), toy_part(1e13), Precision::bf16, 0.0, toy_options());
  CHECK(slow.replica.gpus == 1);
  CHECK(slow.batch.bound == DecodeBound::compute);
  CHECK(slow.replica.tokens_per_s_per_gpu() == doctest::Approx(1e13 / 6.004e10).epsilon(1e-9));
}

TEST_CASE("inference_throughput: a latency SLO caps the batch, and a tight one the replica") {
  // The toy on the fast part at tensor 4: t(b) = 0.1 s at the HBM batch (memory-bound at
  // usable HBM) plus 20 · 1.5 · b · 2,000/1e9 = 6e-5 · b. Below HBM's 340 the weights and b
  // sequences take (60e9 + b · 1e9)/4e12 = 0.015 + 2.5e-4 · b, so t(b) = 0.015 + 3.1e-4 · b.
  // An SLO of 0.08 s: b <= (0.08 − 0.015)/3.1e-4 = 209.7, so 209 sequences.
  RooflineOptions options = toy_options();
  options.parallelism = Parallelism{.tensor = 4};
  options.max_seconds_per_output_token = 0.08;
  const ColocatedThroughput capped =
      colocated_throughput(toy_model(), toy_part(1e15), Precision::bf16, 0.0, options);
  CHECK(capped.batch.sequences == 209);
  CHECK(capped.batch.limit == BatchLimit::latency_slo);
  CHECK(capped.batch.seconds_per_output_token ==
        doctest::Approx(0.015 + 3.1e-4 * 209).epsilon(1e-9));
  // A batch of one on tensor 1 takes (60 + 1)/1e3 = 0.061 s; at an SLO of 0.05 s only a split
  // of the weights meets it: the choice moves off the minimum for latency alone.
  RooflineOptions tight = toy_options();
  tight.max_seconds_per_output_token = 0.05;
  const ColocatedThroughput split =
      colocated_throughput(toy_model(), toy_part(1e15), Precision::bf16, 0.0, tight);
  CHECK(split.replica.gpus > 1);
  CHECK(split.batch.seconds_per_output_token <= 0.05);
  tight.gpus_per_replica = 1;
  CHECK_THROWS_AS(colocated_throughput(toy_model(), toy_part(1e15), Precision::bf16, 0.0, tight),
                  InferenceError);
}

TEST_CASE("inference_throughput: MoE weights held once per expert group, read as touched") {
  // DeepSeek-V3: expert size (671 − 37)/(256 − 8) = 2.5565B; dense part 37 − 8 · 2.5565 = 16.548B.
  // EP144 on H800: each of 144 groups holds the 16.548 GB dense part, the 654.5 GB of experts
  // spread over all: held = 144 · 16.548 + 654.45 = 3,037.4 GB of 10,368 usable.
  RooflineOptions ep144;
  ep144.parallelism = Parallelism{.tensor = 1, .pipeline = 1, .expert = 144};
  const ColocatedThroughput decode =
      colocated_throughput(deepseek_v3(), h800(), Precision::fp8, 0.0, ep144);
  const double expert = (671e9 - 37e9) / 248.0;
  const double held = 144.0 * (37e9 - 8.0 * expert) + 256.0 * expert;
  const double kv = 70'272.0 * 4'989.0;
  CHECK(decode.batch.sequences ==
        static_cast<std::int64_t>(std::floor((144.0 * 72e9 - held) / kv)));
  CHECK(decode.replica.gpus == 144);
  CHECK(decode.batch.communication_s == 0.0);  // tensor 1: no all-reduce
  // Imbalance slows a compute-bound step only: at ι = 2 the step stays memory-bound and
  // unchanged; at ι = 10 the busiest expert's FLOPs set it.
  RooflineOptions skewed = ep144;
  skewed.expert_imbalance = 2.0;
  CHECK(colocated_throughput(deepseek_v3(), h800(), Precision::fp8, 0.0, skewed)
            .replica.tokens_per_s == decode.replica.tokens_per_s);
  skewed.expert_imbalance = 10.0;
  CHECK(colocated_throughput(deepseek_v3(), h800(), Precision::fp8, 0.0, skewed)
            .replica.tokens_per_s < decode.replica.tokens_per_s);
}

// The expert all-to-all, hand-worked on the toy part (8-GPU domains, scale-up 1 GB/s each way
// at ε = 1) with a toy MoE in bf16: E = 16 experts, k = 2 per token, 10 layers of which 8 are
// MoE, width 1,000. Expert size (17e9 − 3e9)/(16 − 2) = 1e9, dense part 3e9 − 2 · 1e9 = 1e9.
// One copy of a token is dispatched and combined in bf16: 1,000 · (2 + 2) = 4,000 B.
// On 16 GPUs (expert 16) a token's k copies: 2 · (1 − 8/16) = 1 leaves its domain, and
// 2 · 7/16 = 0.875 goes to another GPU inside it. Per token, the replica's links take
//   8 layers · 4,000 B · max(1 / B_o, 0.875 / 1e9 B/s) / 16 GPUs.
TEST_CASE("inference_throughput: the expert all-to-all across scale-up domains, hand-worked") {
  ServedModel model{.service = "moe",
                    .active_parameters = 3e9,
                    .total_parameters = 17e9,
                    .bytes_per_parameter = 2.0,
                    .kv_bytes_per_token = 1e6,
                    .context_tokens = 1'000.0,
                    .prompt_tokens = 1'000.0,
                    .layers = 10,
                    .hidden_size = 1'000.0,
                    .attention_width = 1'000.0,
                    .experts = 16,
                    .experts_per_token = 2,
                    .moe_layers = 8};
  const AcceleratorSpec toy = toy_part(1e15);
  RooflineOptions options = toy_options();
  options.max_gpus_per_replica = 16;
  options.parallelism = Parallelism{.expert = 16};

  // Prefill. FLOPs per prompt token 2 · (1e9 + 2e9) + 4 · 10 · 1,000 · 500 = 6.02e9, over
  // 16 · 1e15 FLOP/s: 3.7625e-7 s, below the all-to-all's, which the two micro-batches
  // overlap it with: the rate is the all-to-all's.
  // B_o = 0.5 GB/s: max(1/0.5e9, 0.875/1e9) = 2e-9 s/B; 8 · 4,000 · 2e-9 / 16 = 4e-6 s a token,
  // 250,000 tokens/s; the scale-out links bind.
  options.scale_out_bandwidth_bytes_per_s = 0.5e9;
  CHECK(roofline_throughput(model, toy, Precision::bf16, options).prefill.tokens_per_s ==
        doctest::Approx(250'000.0).epsilon(1e-9));
  // B_o = 50 GB/s: max(2e-11, 0.875e-9) = 0.875e-9 s/B; 8 · 4,000 · 0.875e-9 / 16 = 1.75e-6 s,
  // 571,428.6 tokens/s; now the scale-up links bind.
  options.scale_out_bandwidth_bytes_per_s = 50e9;
  CHECK(roofline_throughput(model, toy, Precision::bf16, options).prefill.tokens_per_s ==
        doctest::Approx(1.0 / 1.75e-6).epsilon(1e-9));
  // All 10 layers MoE: 10/8 of the time, 457,142.9 tokens/s.
  model.moe_layers.reset();
  CHECK(roofline_throughput(model, toy, Precision::bf16, options).prefill.tokens_per_s ==
        doctest::Approx(1.0 / (1.75e-6 * 10.0 / 8.0)).epsilon(1e-9));
  model.moe_layers = 8;

  // Decode with B_o = 10 MB/s: 8 · 4,000 · max(1/1e7, 0.875/1e9) / 16 = 2e-4 s a token.
  // HBM: held 16 · 2 GB (dense, once per expert group) + 16 · 2 GB (experts) = 64 GB of
  // 1,600 GB; 1 GB a sequence: b = 1,536. t_mem = (64 GB + 1,536 GB) / 16 TB/s = 0.1 s (every
  // expert touched); t_comp = 1,536 · (6e9 + 4 · 10 · 1,000 · 1,000) / 1.6e16 = 0.58 ms;
  // t_a2a = 1,536 · 2e-4 = 0.3072 s, the longest: the round is 0.3072 s, 5,000 tokens/s.
  options.scale_out_bandwidth_bytes_per_s = 1e7;
  const ReplicaThroughput slow = roofline_throughput(model, toy, Precision::bf16, options);
  REQUIRE(slow.batch.has_value());
  CHECK(slow.batch->sequences == 1536);
  CHECK(slow.batch->all_to_all_s == doctest::Approx(0.3072).epsilon(1e-9));
  CHECK(slow.batch->seconds_per_output_token == doctest::Approx(0.3072).epsilon(1e-9));
  CHECK(slow.batch->bound == DecodeBound::all_to_all);
  CHECK(slow.decode.tokens_per_s == doctest::Approx(5'000.0).epsilon(1e-9));
  // At 50 GB/s the all-to-all (1,536 · 1.75e-6 = 2.7 ms) hides under the 0.1 s memory time.
  options.scale_out_bandwidth_bytes_per_s = 50e9;
  const ReplicaThroughput fast = roofline_throughput(model, toy, Precision::bf16, options);
  CHECK(fast.batch->seconds_per_output_token == doctest::Approx(0.1).epsilon(1e-9));
  CHECK(fast.batch->bound == DecodeBound::memory_bandwidth);

  // Inside one domain (expert 8): nothing leaves, 2 · 7/8 = 1.75 copies ride the scale-up
  // links: 8 · 4,000 · 1.75e-9 / 8 = 7e-6 s a token, 142,857 prefill tokens/s.
  options.parallelism = Parallelism{.expert = 8};
  options.scale_out_bandwidth_bytes_per_s = 1e7;
  CHECK(roofline_throughput(model, toy, Precision::bf16, options).prefill.tokens_per_s ==
        doctest::Approx(1.0 / 7e-6).epsilon(1e-9));

  // More MoE layers than layers is refused, naming the service.
  model.moe_layers = 11;
  CHECK_THROWS_WITH_AS(roofline_throughput(model, toy, Precision::bf16, options),
                       "service \"moe\": moe_layers must be in [1, layers = 10], found 11",
                       std::invalid_argument);
}

// Attention at its own precision, hand-worked on the toy part given an fp8 peak of 2e15 beside
// its bf16 1e15, one GPU, the toy model with attention 1e6 wide: per prompt token 2 · 30e9 =
// 6e10 FLOPs in the weights and 4 · 10 · 1e6 · 1,000/2 = 2e10 in attention.
TEST_CASE("inference_throughput: attention FLOPs run at the attention precision's peak") {
  AcceleratorSpec toy = toy_part(1e15);
  toy.peak_dense_flops.fp8_flop_per_s = 2e15;
  ServedModel model = toy_model();
  model.attention_width = 1e6;
  RooflineOptions options = toy_options();
  options.parallelism = Parallelism{};
  // All in fp8: 2e15 / (6e10 + 2e10) = 25,000 prompt tokens/s.
  CHECK(roofline_throughput(model, toy, Precision::fp8, options).prefill.tokens_per_s ==
        doctest::Approx(25'000.0).epsilon(1e-9));
  // Attention in bf16 at half the rate: 6e10 / 2e15 + 2e10 / 1e15 = 5e-5 s, 20,000 tokens/s.
  model.attention_precision = Precision::bf16;
  CHECK(roofline_throughput(model, toy, Precision::fp8, options).prefill.tokens_per_s ==
        doctest::Approx(20'000.0).epsilon(1e-9));
  // A precision the part has no peak for is refused, naming the service.
  model.attention_precision = Precision::fp4;
  CHECK_THROWS_WITH_AS(roofline_throughput(model, toy, Precision::fp8, options),
                       "service \"toy\": accelerator \"toy\" has no fp4 peak FLOP/s",
                       InferenceError);
}

TEST_CASE("inference_throughput: measured per-node figures with DeepSeek's inference day") {
  // 73.7k input tokens/s per node in prefill, 14.8k output tokens/s per node in decode, nodes
  // of 8 H800: 9,212.5 and 1,850 per GPU. Units of 4 nodes (EP32) and 18 (EP144):
  // 294,800 and 266,400 tokens/s per unit.
  const ReplicaThroughput nodes = measured_throughput(73.7e3, 14.8e3, 8);
  CHECK(nodes.prefill.gpus == 8);
  CHECK(nodes.decode.gpus == 8);
  CHECK(nodes.prefill.tokens_per_s_per_gpu() == 9'212.5);
  CHECK(nodes.decode.tokens_per_s_per_gpu() == 1'850.0);
  CHECK(nodes.prefill_counts_cache_hits);
  CHECK_FALSE(nodes.batch);

  const ReplicaThroughput units = measured_throughput(73.7e3, 14.8e3, 8, 4, 18);
  CHECK(units.prefill.gpus == 32);
  CHECK(units.decode.gpus == 144);
  CHECK(units.prefill.tokens_per_s == doctest::Approx(294'800.0).epsilon(1e-12));
  CHECK(units.decode.tokens_per_s == doctest::Approx(266'400.0).epsilon(1e-12));
  CHECK(units.prefill.tokens_per_s_per_gpu() == doctest::Approx(9'212.5).epsilon(1e-12));

  // The day's 608B input tokens (cache hits included, as the prefill figure counts them) and
  // 168B output tokens at these rates need 95.48 + 131.38 = 226.86 nodes on average, against
  // the 226.75 DeepSeek reports.
  const double day_s = 86'400.0;
  const double prefill_nodes = 608e9 / day_s / nodes.prefill.tokens_per_s;
  const double decode_nodes = 168e9 / day_s / nodes.decode.tokens_per_s;
  CHECK(prefill_nodes == doctest::Approx(95.482).epsilon(1e-4));
  CHECK(decode_nodes == doctest::Approx(131.381).epsilon(1e-4));
  CHECK(prefill_nodes + decode_nodes == doctest::Approx(226.75).epsilon(1e-3));
}

TEST_CASE("inference_throughput: errors name the service") {
  // A 10T-parameter bf16 model: 20,000 GB of weights; 256 H100s hold 18,432 GB.
  ServedModel huge = dense_70b();
  huge.service = "frontier";
  huge.active_parameters = huge.total_parameters = 10e12;
  CHECK(inference_error([&] { roofline_throughput(huge, h100(), Precision::bf16); },
                        InferenceError::Kind::does_not_fit, "frontier") ==
        "service \"frontier\": the weights (20000 GB) plus one sequence's KV cache (1.311 GB) do "
        "not fit in the largest allowed replica, 256 H100 SXM GPUs (18432 GB usable: 90% of "
        "80 GB each)");
  RooflineOptions one_gpu;
  one_gpu.gpus_per_replica = 1;
  CHECK(inference_error([&] { roofline_throughput(dense_70b(), h100(), Precision::bf16, one_gpu); },
                        InferenceError::Kind::does_not_fit, "chat") ==
        "service \"chat\": the weights (140 GB) plus one sequence's KV cache (1.311 GB) do not "
        "fit in a replica of 1 H100 SXM GPU (72 GB usable: 90% of 80 GB each)");
  CHECK(inference_error([&] { roofline_throughput(dense_70b(), h100(), Precision::fp4); },
                        InferenceError::Kind::unsupported_precision, "chat") ==
        "service \"chat\": accelerator \"H100 SXM\" has no fp4 peak FLOP/s");
  RooflineOptions wide;
  wide.parallelism = Parallelism{.tensor = 16};
  CHECK_THROWS_WITH_AS(roofline_throughput(dense_70b(), h100(), Precision::bf16, wide),
                       "service \"chat\": tensor degree 16 spans more than one scale-up domain (8 "
                       "GPUs of H100 SXM)",
                       std::invalid_argument);
  RooflineOptions dense_ep;
  dense_ep.parallelism = Parallelism{.expert = 2};
  CHECK_THROWS_WITH_AS(roofline_throughput(dense_70b(), h100(), Precision::bf16, dense_ep),
                       "service \"chat\": expert degree 2 needs a MoE model (model.experts); a "
                       "dense model has expert 1",
                       std::invalid_argument);
  RooflineOptions mismatch;
  mismatch.parallelism = Parallelism{.tensor = 2};
  mismatch.gpus_per_replica = 4;
  CHECK_THROWS_WITH_AS(roofline_throughput(dense_70b(), h100(), Precision::bf16, mismatch),
                       "service \"chat\": gpus_per_replica 4 is not the product of the parallel "
                       "degrees (tensor 2, pipeline 1, expert 1: 2 GPUs)",
                       std::invalid_argument);
  RooflineOptions bad;
  bad.prefill_efficiency = 0.0;
  CHECK_THROWS_WITH_AS(roofline_throughput(dense_70b(), h100(), Precision::bf16, bad),
                       "service \"chat\": prefill_efficiency must be in (0, 1], found 0",
                       std::invalid_argument);
  bad = RooflineOptions{};
  bad.expert_imbalance = 0.5;
  CHECK_THROWS_WITH_AS(roofline_throughput(dense_70b(), h100(), Precision::bf16, bad),
                       "service \"chat\": expert_imbalance must be at least 1, found 0.5",
                       std::invalid_argument);
}

TEST_CASE("inference_throughput: a scenario service maps onto the throughput inputs") {
  ServiceSpec service;
  service.name = "chat";
  service.model.active_parameters = 70e9;
  service.model.precision = Precision::bf16;
  service.model.kv_bytes_per_token = 327'680.0;
  service.model.layers = 80;
  service.model.hidden_size = 8192.0;
  service.demand.requests_per_s = 10.0;
  service.demand.input_tokens_per_request = 1'000.0;
  service.output_tokens_per_request = 500.0;
  const ServedModel model = served_model(service);
  CHECK(model.total_parameters == 70e9);  // absent: dense
  CHECK(model.prompt_tokens == 1'000.0);
  CHECK(model.context_tokens == 1'250.0);  // prompt + half the output
  CHECK(model.attention_width == 8192.0);  // absent: the hidden size
  // Without request lengths: the context (default 4,989) split by the mix, ρ = 2 input tokens
  // per output token: L_in = 4,989 · 2/2.5 = 3,991.2.
  ServiceSpec tokens = service;
  tokens.demand = DemandSpec{};
  tokens.demand.input_tokens_per_s = 2.0;
  tokens.demand.output_tokens_per_s = 1.0;
  CHECK(served_model(tokens).prompt_tokens == doctest::Approx(3'991.2).epsilon(1e-12));
  CHECK(serving_mode(service) == ServingMode::colocated);
  const ReplicaThroughput colocated = service_throughput(service, h200());
  CHECK(colocated.mode == ServingMode::colocated);
  CHECK(colocated.prefill.gpus == colocated.decode.gpus);
  // r = 1,000/500 = 2 computed input tokens per output token.
  CHECK(colocated.prefill.tokens_per_s == doctest::Approx(2.0 * colocated.decode.tokens_per_s));

  service.throughput.prefill_tokens_per_s_per_node = 73.7e3;
  service.throughput.decode_tokens_per_s_per_node = 14.8e3;
  CHECK(serving_mode(service) == ServingMode::disaggregated);
  const ReplicaThroughput measured = service_throughput(service, h800());
  CHECK_FALSE(measured.batch);
  CHECK(measured.decode.tokens_per_s_per_gpu() == 1'850.0);
  service.mode = ServingModeSpec::colocated;
  CHECK(inference_error([&] { service_throughput(service, h800()); },
                        InferenceError::Kind::incomplete_model, "chat") ==
        "service \"chat\": prefill_per_node and decode_per_node are per-pool figures; with mode: "
        "colocated give output_per_node and input_per_output");
  service.throughput = ThroughputSpec{};
  service.throughput.output_tokens_per_s_per_node = 24'524.9;
  service.throughput.input_per_output = 1.0;
  const ReplicaThroughput bench = service_throughput(service, h100());
  CHECK(bench.mode == ServingMode::colocated);
  CHECK(bench.decode.tokens_per_s == 24'524.9);

  ServiceSpec bare;
  bare.name = "bare";
  bare.model.active_parameters = 70e9;
  bare.model.kv_bytes_per_token = 1.0;
  CHECK(inference_error([&] { served_model(bare); }, InferenceError::Kind::incomplete_model,
                        "bare") ==
        "service \"bare\": the roofline needs model.layers; give it, or measured throughput");
}

TEST_CASE("inference_throughput: a single GPU serves a service with input tokens, colocated") {
  // The 8B model fits one H200; colocated at r = 3 it serves prompts and output on that GPU.
  ServiceSpec service;
  service.name = "small";
  service.model.active_parameters = 8e9;
  service.model.precision = Precision::bf16;
  service.model.kv_bytes_per_token = 131'072.0;
  service.model.layers = 32;
  service.model.hidden_size = 4096.0;
  service.demand.input_tokens_per_s = 3e4;
  service.demand.output_tokens_per_s = 1e4;
  service.gpus_per_replica = 1;
  const ReplicaThroughput one = service_throughput(service, h200());
  CHECK(one.mode == ServingMode::colocated);
  CHECK(one.decode.gpus == 1);
  CHECK(one.prefill.tokens_per_s == doctest::Approx(3.0 * one.decode.tokens_per_s));
}

}  // namespace
}  // namespace capsim
