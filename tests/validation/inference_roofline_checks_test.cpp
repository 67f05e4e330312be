// Public checks of the inference roofline (docs/validation.md, "Inference roofline against
// published benchmarks"). Each figure comes from the roofline with the schema's sourced
// defaults and the inputs its source states; no per-case factor. Target ±25%; a larger gap is
// asserted at its value and explained in the doc.

#include <doctest/doctest.h>

#include <cmath>
#include <optional>

#include "capsim/model/inference/inference_throughput.hpp"

namespace capsim {
namespace {

// Catalog figures (scenarios/catalog/accelerators.yaml, with their sources there).
AcceleratorSpec hopper(const char* name, double hbm, double bandwidth, double scale_up) {
  AcceleratorSpec spec;
  spec.name = name;
  spec.peak_dense_flops.bf16_flop_per_s = 989e12;
  spec.peak_dense_flops.fp8_flop_per_s = 1979e12;
  spec.hbm_capacity_bytes = hbm;
  spec.hbm_bandwidth_bytes_per_s = bandwidth;
  spec.scale_up_domain = 8;
  spec.scale_up_bandwidth_bytes_per_s = scale_up;
  return spec;
}
const AcceleratorSpec kH100 = hopper("H100-SXM", 80e9, 3.35e12, 900e9);
const AcceleratorSpec kH200 = hopper("H200-SXM", 141e9, 4.8e12, 900e9);
const AcceleratorSpec kH800 = hopper("H800-SXM", 80e9, 3.35e12, 400e9);

// A Llama dense model in fp8 weights with a bf16 KV cache (HF config.json; Llama 3 Herd of
// Models, 2024-07, Table 3): 2 · layers · 8 KV heads · 128 · 2 B per token.
ServedModel llama(double parameters, std::int64_t layers, double hidden, double prompt,
                  double output) {
  return ServedModel{.service = "bench",
                     .active_parameters = parameters,
                     .total_parameters = parameters,
                     .bytes_per_parameter = 1.0,
                     .kv_bytes_per_token = 2.0 * static_cast<double>(layers) * 8.0 * 128.0 * 2.0,
                     .context_tokens = prompt + output / 2.0,
                     .prompt_tokens = prompt,
                     .layers = layers,
                     .hidden_size = hidden,
                     .attention_width = hidden};
}

// Output tokens/s of 8 GPUs serving colocated at the benchmark's mix: the replica the source
// states (`degrees`), else the one the roofline chooses.
double node_output(const ServedModel& model, const AcceleratorSpec& part, double prompt,
                   double output, std::optional<Parallelism> degrees = std::nullopt) {
  RooflineOptions options;
  options.parallelism = degrees;
  const ColocatedThroughput replica =
      colocated_throughput(model, part, Precision::fp8, prompt / output, options);
  return replica.replica.tokens_per_s_per_gpu() * 8.0;
}

double error(double capsim, double published) {
  return capsim / published - 1.0;
}

// MLPerf Inference v4.1 (MLCommons, results 2024-08-28), Llama 2 70B, Offline, NVIDIA closed
// division: 24,524.9 output tokens/s on 8 H100-SXM-80GB, 31,302.7 on 8 H200-SXM-141GB
// (mlcommons/inference_results_v4.1, mlperf_log_summary.txt). Source inputs: the model
// (80 layers, width 8,192, 8 KV heads), fp8, 290 output tokens per sample (24,524.9/84.48),
// no latency bound (Offline), and the engines NVIDIA ran: four TP2 engines on the H100s
// (H100_SXM_80GB_TP2x4), eight TP1 on the H200s (H200_SXM_141GBx8). Assumption: the mean
// prompt, which the stored sources do not give, taken as the output's 290 tokens (inputs are
// capped at 1,024).
TEST_CASE("validation: MLPerf v4.1 Llama 2 70B Offline on 8 H100 and 8 H200 from the roofline") {
  const ServedModel model = llama(70e9, 80, 8192.0, 290.0, 290.0);
  const double h100 = node_output(model, kH100, 290.0, 290.0, Parallelism{.tensor = 2});
  const double h200 = node_output(model, kH200, 290.0, 290.0, Parallelism{.tensor = 1});
  MESSAGE("H100 " << h100 << " (" << error(h100, 24'524.9) << "), H200 " << h200 << " ("
                  << error(h200, 31'302.7) << ")");
  // Both HBM-bound batches (H100 519 sequences per TP2 engine, H200 399 per GPU) whose steps
  // are compute-bound at 65% of fp8 peak: 2 · 70e9 FLOPs per output token and as many per
  // prompt token, 36,554 output tokens/s per node before communication. The H200 needs none
  // (+16.8%); the H100's TP2 all-reduces take 11.4 of each 68.2 ms step: 30,455, +24.2%. The
  // roofline's own choice on the H100, a two-stage pipeline (t = 1, p = 2), would give
  // 36,554, +49%: pipeline stages pay no transfer or bubble in the roofline.
  CHECK(error(h200, 31'302.7) == doctest::Approx(0.1678).epsilon(0.01));
  CHECK(error(h100, 24'524.9) == doctest::Approx(0.2418).epsilon(0.01));
  CHECK(std::abs(error(h200, 31'302.7)) < 0.25);
  CHECK(std::abs(error(h100, 24'524.9)) < 0.25);
}

// TensorRT-LLM performance overview (NVIDIA, docs/source/performance/perf-overview.md, v1.0,
// 2025): total output tokens/s, max throughput, fixed ISL/OSL, FP8, H100 SXM. Rows 1000/1000:
// Llama 3.1 8B TP1 15,220; Llama 3.3 70B TP2 4,205; Llama 3.1 405B TP8 2,919, read as per TP
// group. Source inputs: model shapes, fp8, lengths, the TP degrees, no latency bound.
// Compared per GPU.
TEST_CASE("validation: TensorRT-LLM 1000/1000 throughput table on H100 from the roofline") {
  const double llama8 = node_output(llama(8.03e9, 32, 4096.0, 1000.0, 1000.0), kH100, 1000.0,
                                    1000.0, Parallelism{.tensor = 1}) /
                        8.0;
  const double llama70 = node_output(llama(70.55e9, 80, 8192.0, 1000.0, 1000.0), kH100, 1000.0,
                                     1000.0, Parallelism{.tensor = 2}) /
                         8.0;
  const double llama405 = node_output(llama(405e9, 126, 16384.0, 1000.0, 1000.0), kH100, 1000.0,
                                      1000.0, Parallelism{.tensor = 8}) /
                          8.0;
  MESSAGE("8B " << llama8 << " (" << error(llama8, 15'220.0) << "), 70B " << llama70 << " ("
                << error(llama70, 4'205.0 / 2.0) << "), 405B " << llama405 << " ("
                << error(llama405, 2'919.0 / 8.0) << ")");
  // On the engines the table states (TP1, TP2, TP8), every batch HBM-bound: 8B 325 sequences,
  // memory-bound step, −13.5%; 70B 149 per TP2 engine, memory-bound, 6.1 of 30.8 ms in
  // all-reduces, +15.1%; 405B 220 per TP8 engine, compute-bound at 65% of fp8 peak, 23.5 of
  // 58.5 ms in all-reduces, +28.8%, past the target (docs/validation.md; likely causes, not
  // measured: GEMMs an eighth wide run below 65% of peak, and the all-reduces' share). The
  // roofline's own choices (pipeline stages, which pay nothing) gave +55% and +92%.
  CHECK(error(llama8, 15'220.0) == doctest::Approx(-0.1348).epsilon(0.01));
  CHECK(error(llama70, 4'205.0 / 2.0) == doctest::Approx(0.1510).epsilon(0.01));
  CHECK(std::abs(error(llama8, 15'220.0)) < 0.25);
  CHECK(std::abs(error(llama70, 4'205.0 / 2.0)) < 0.25);
  CHECK(error(llama405, 2'919.0 / 8.0) == doctest::Approx(0.2880).epsilon(0.01));
}

// DeepSeek V3/R1 inference system overview (DeepSeek, 2025-02): per H800 node 73.7k input
// tokens/s in prefill (cache hits included; 56.3% of input tokens hit, so 32.2k computed) and
// 14.8k output tokens/s in decode at 20-22 tokens/s per user, KV length 4,989. Source inputs:
// the model (config_671B.json: 61 layers, width 7,168, 256 experts, 8 per token; MLA latent
// attention 128 · (576 + 512)/2 = 69,632 wide), fp8 weights, bf16 KV (70,272 B/token),
// prefill EP32 units, decode EP144 units, 1/21 s per output token; 58 MoE layers of 61
// (DeepSeek-V3 Technical Report, 2024-12, §4.2: the first 3 dense); MLA attention in bf16
// (FlashMLA, a bf16 kernel: open-infra-index Day 1, 2025-02). Input per output token
// 608/168 = 3.62: prompt 4,989 · 3.62/4.12 = 4,384 tokens.
TEST_CASE("validation: DeepSeek's per-node prefill and decode from the roofline") {
  const ServedModel model{.service = "deepseek",
                          .active_parameters = 37e9,
                          .total_parameters = 671e9,
                          .bytes_per_parameter = 1.0,
                          .kv_bytes_per_token = 70'272.0,
                          .context_tokens = 4'989.0,
                          .prompt_tokens = 4'989.0 * (608.0 / 168.0) / (608.0 / 168.0 + 0.5),
                          .layers = 61,
                          .hidden_size = 7168.0,
                          .attention_width = 69'632.0,
                          .experts = 256,
                          .experts_per_token = 8,
                          .moe_layers = 58,
                          .attention_precision = Precision::bf16};
  RooflineOptions prefill_units;
  prefill_units.parallelism = Parallelism{.expert = 32};
  RooflineOptions decode_units;
  decode_units.parallelism = Parallelism{.expert = 144};
  decode_units.max_seconds_per_output_token = 1.0 / 21.0;
  const double computed = roofline_throughput(model, kH800, Precision::fp8, prefill_units)
                              .prefill.tokens_per_s_per_gpu() *
                          8.0;
  const double decode = roofline_throughput(model, kH800, Precision::fp8, decode_units)
                            .decode.tokens_per_s_per_gpu() *
                        8.0;
  const double published_computed = 73.7e3 * (1.0 - 0.563);
  MESSAGE("prefill computed " << computed << " (" << error(computed, published_computed)
                              << "), decode " << decode << " (" << error(decode, 14.8e3) << ")");
  // Known gaps (docs/validation.md). Both sides count computed prompt tokens and the same KV
  // length, 4,989. The expert all-to-all is charged (58 MoE layers; 8 copies of 7,168 B fp8
  // dispatch + 14,336 B bf16 combine; the share leaving the 8-GPU NVLink domain over 50 GB/s
  // of InfiniBand a GPU, overlapped with compute). Prefill, EP32: 8 · (1 − 8/32) = 6 copies
  // leave, 58 · 6 · 21,504 B = 7.48 MB a token over 50 GB/s: 6.68k tokens/s a GPU, below the
  // compute's 11.6k (111 GFLOP a token at 65% of fp8 peak), so 53.5k a node, +66%; DeepSeek's
  // 4.0k a GPU is a day's average on nodes held for the peak (bf16 attention lowers the
  // compute to 8.7k a GPU, still above the all-to-all's 6.7k). Decode, EP144: 7.56 copies
  // leave, 1.31 µs a token for the replica; HBM holds 145 sequences a GPU, whose all-to-all
  // takes 27.3 ms and compute 27.5 ms (74 GFLOP a token in fp8, 85 in bf16 attention at 65%
  // of peak), above the memory's 24.7 ms: 5.3k tokens/s a GPU, 36 tokens/s a user, so the
  // 1/21 s SLO does not bind; 42.2k a node, +185%. DeepSeek's 14.8k at 21 tokens/s a user is
  // about 88 sequences a GPU at 48 ms steps: a day's average batch below the saturated one,
  // and a step nearly twice the roofline's.
  CHECK(error(computed, published_computed) == doctest::Approx(0.6596).epsilon(0.01));
  CHECK(error(decode, 14.8e3) == doctest::Approx(1.8542).epsilon(0.01));
}

}  // namespace
}  // namespace capsim
