#include <doctest/doctest.h>

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
                     .context_tokens = context_tokens};
}

// A dense 70B model in bf16 (Llama 3 70B shape): W = 70e9 · 2 = 140 GB; KV per token
// 80 layers · 8 KV heads · 128 dims · 2 (K and V) · 2 bytes = 327,680 B; at an average context
// of 4,000 tokens one sequence holds K·L = 1.31072 GB.
ServedModel dense_70b() {
  return dense_bf16("chat", 70e9, 327'680.0, 4'000.0);
}

// A dense 8B model in bf16: W = 16 GB; KV 32 layers · 8 heads · 128 · 2 · 2 B = 131,072 B per
// token; at 1,000 tokens of context.
ServedModel dense_8b() {
  return dense_bf16("small", 8e9, 131'072.0, 1'000.0);
}

// DeepSeek-V3: 37B active of 671B, fp8 weights (1 byte); MLA caches 576 values per layer per
// token over 61 layers in bf16, 70,272 B; average KV length 4,989 (DeepSeek inference day).
ServedModel deepseek_v3() {
  return ServedModel{.service = "deepseek",
                     .active_parameters = 37e9,
                     .total_parameters = 671e9,
                     .bytes_per_parameter = 1.0,
                     .kv_bytes_per_token = 70'272.0,
                     .context_tokens = 4'989.0};
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

TEST_CASE("inference_throughput: replica size is the smallest that holds weights and a sequence") {
  const RooflineOptions defaults;  // 10% headroom: 72 GB usable of 80, 126.9 of 141
  // 70B bf16 needs 140 + 1.31072 = 141.31 GB: one H100 (72) is short, two (144) hold it; one
  // H200 (126.9) is short too.
  CHECK(replica_gpus(dense_70b(), h100(), defaults) == 2);
  CHECK(replica_gpus(dense_70b(), h200(), defaults) == 2);
  // DeepSeek-V3 fp8 needs 671 + 0.3506 GB = 671.35 GB: 9.3 H800s, past the 8-GPU domain, so
  // two whole domains, 16.
  CHECK(replica_gpus(deepseek_v3(), h800(), defaults) == 16);
  // In bf16, 1,342.35 GB: 18.6 GPUs, so three domains, 24.
  ServedModel bf16 = deepseek_v3();
  bf16.bytes_per_parameter = 2.0;
  CHECK(replica_gpus(bf16, h800(), defaults) == 24);

  // A 72-GPU domain (GB200 NVL72, ~186 GB each, 167.4 usable): powers of two below 72, then
  // multiples of 72. 1,342.35 GB needs 8.02 GPUs: 16. 20,001.3 GB (a 10T bf16 model) needs
  // 119.5 GPUs: 144.
  const AcceleratorSpec gb200 = part("GB200", 186e9, 8e12, 72);
  CHECK(replica_gpus(dense_70b(), gb200, defaults) == 1);
  CHECK(replica_gpus(bf16, gb200, defaults) == 16);
  ServedModel huge = dense_70b();
  huge.active_parameters = huge.total_parameters = 10e12;
  CHECK(replica_gpus(huge, gb200, defaults) == 144);
  // Inside the domain sizes are powers of two; past the last one below 72, the whole domain.
  ServedModel domain_sized = dense_70b();
  domain_sized.total_parameters = 2'500e9;  // 5,001.3 GB / 167.4 = 29.9 GPUs: 32
  CHECK(replica_gpus(domain_sized, gb200, defaults) == 32);
  domain_sized.total_parameters = 5'500e9;  // 11,001.3 GB / 167.4 = 65.7 GPUs: 72, not 128
  CHECK(replica_gpus(domain_sized, gb200, defaults) == 72);

  // A fixed size is taken as given when it fits.
  RooflineOptions fixed;
  fixed.gpus_per_replica = 144;
  CHECK(replica_gpus(deepseek_v3(), h800(), fixed) == 144);
}

TEST_CASE("inference_throughput: dense 70B on H100 and H200 by the roofline") {
  // Prefill, per replica of G = 2: G · F · MFU / (2 · N_active)
  //   = 2 · 989e12 · 0.4 / 1.4e11 = 5,651.43 tokens/s, 2,825.71 per GPU on either part.
  // H100 decode: usable 144 GB − 140 GB of weights leaves 4 GB, room for
  //   floor(4 / 1.31072) = floor(3.05) = 3 sequences;
  //   t(3) = (140e9 + 3 · 1.31072e9) / (2 · 3.35e12 · 0.8) = 143.93216e9 / 5.36e12
  //        = 0.0268530 s (compute: 2 · 70e9 · 3 / (2 · 989e12 · 0.4) = 0.00053 s, less);
  //   3 / 0.0268530 = 111.72 tokens/s, 55.86 per GPU.
  const ReplicaThroughput on_h100 = roofline_throughput(dense_70b(), h100(), Precision::bf16);
  CHECK(on_h100.prefill.gpus == 2);
  CHECK(on_h100.prefill.tokens_per_s == doctest::Approx(5'651.428571428571).epsilon(1e-12));
  CHECK(on_h100.prefill.tokens_per_s_per_gpu() ==
        doctest::Approx(2'825.714285714286).epsilon(1e-12));
  CHECK_FALSE(on_h100.prefill_counts_cache_hits);
  REQUIRE(on_h100.batch);
  CHECK(on_h100.batch->sequences == 3);
  CHECK(on_h100.batch->limit == BatchLimit::hbm_capacity);
  CHECK(on_h100.batch->bound == DecodeBound::memory_bandwidth);
  CHECK(on_h100.batch->seconds_per_output_token ==
        doctest::Approx(0.026853014925373134).epsilon(1e-12));
  CHECK(on_h100.decode.gpus == 2);
  CHECK(on_h100.decode.tokens_per_s == doctest::Approx(111.71929886968972).epsilon(1e-12));

  // H200 decode: usable 2 · 126.9 = 253.8 GB leaves 113.8 GB, floor(113.8 / 1.31072)
  //   = floor(86.82) = 86 sequences;
  //   t(86) = (140e9 + 86 · 1.31072e9) / (2 · 4.8e12 · 0.8) = 252.72192e9 / 7.68e12
  //         = 0.0329065 s (compute 0.0152 s);
  //   86 / 0.0329065 = 2,613.47 tokens/s, 1,306.73 per GPU: the larger HBM holds 29 times
  //   the batch and, with 1.43x the bandwidth, gives 23 times the decode rate.
  const ReplicaThroughput on_h200 = roofline_throughput(dense_70b(), h200(), Precision::bf16);
  CHECK(on_h200.prefill.tokens_per_s == doctest::Approx(5'651.428571428571).epsilon(1e-12));
  REQUIRE(on_h200.batch);
  CHECK(on_h200.batch->sequences == 86);
  CHECK(on_h200.batch->sequences > on_h100.batch->sequences);
  CHECK(on_h200.batch->limit == BatchLimit::hbm_capacity);
  CHECK(on_h200.batch->bound == DecodeBound::memory_bandwidth);
  CHECK(on_h200.batch->seconds_per_output_token == doctest::Approx(0.0329065).epsilon(1e-12));
  CHECK(on_h200.decode.tokens_per_s == doctest::Approx(2'613.4654247641047).epsilon(1e-12));
  CHECK(on_h200.decode.tokens_per_s_per_gpu() ==
        doctest::Approx(1'306.7327123820523).epsilon(1e-12));
}

TEST_CASE("inference_throughput: a fixed 8-GPU replica and the latency SLO binding the batch") {
  // 70B on 8 H100 (TP8): usable 576 GB, floor((576 − 140) / 1.31072) = floor(332.64) = 332;
  //   t(332) = (140e9 + 332 · 1.31072e9) / (8 · 3.35e12 · 0.8) = 575.15904e9 / 21.44e12
  //          = 0.0268264 s; 332 / t = 12,375.85 tokens/s; prefill 8 · 989e12 · 0.4 / 1.4e11
  //          = 22,605.71 tokens/s.
  RooflineOptions options;
  options.gpus_per_replica = 8;
  const ReplicaThroughput tp8 = roofline_throughput(dense_70b(), h100(), Precision::bf16, options);
  CHECK(tp8.prefill.tokens_per_s == doctest::Approx(22'605.714285714286).epsilon(1e-12));
  REQUIRE(tp8.batch);
  CHECK(tp8.batch->sequences == 332);
  CHECK(tp8.batch->limit == BatchLimit::hbm_capacity);
  CHECK(tp8.decode.tokens_per_s == doctest::Approx(12'375.846513687762).epsilon(1e-12));

  // A 0.02 s SLO (50 tokens/s per user): memory b <= (0.02 · 21.44e12 − 140e9) / 1.31072e9
  //   = 288.8 / 1.31072 = 220.34; compute b <= 0.02 · 8 · 989e12 · 0.4 / 1.4e11 = 452.1;
  //   so 220 sequences, t(220) = 428.3584e9 / 21.44e12 = 0.0199794 s, 11,011.34 tokens/s.
  options.max_seconds_per_output_token = 0.02;
  const ReplicaThroughput slo = roofline_throughput(dense_70b(), h100(), Precision::bf16, options);
  REQUIRE(slo.batch);
  CHECK(slo.batch->sequences == 220);
  CHECK(slo.batch->limit == BatchLimit::latency_slo);
  CHECK(slo.batch->seconds_per_output_token <= 0.02);
  CHECK(slo.batch->seconds_per_output_token ==
        doctest::Approx(0.019979402985074626).epsilon(1e-12));
  CHECK(slo.decode.tokens_per_s == doctest::Approx(11'011.340036754269).epsilon(1e-12));
  CHECK(slo.prefill.tokens_per_s == tp8.prefill.tokens_per_s);

  // On two H200s a 0.03 s SLO cuts 86 to floor((0.03 · 7.68e12 − 140e9) / 1.31072e9)
  //   = floor(68.97) = 68: t(68) = 229.12896e9 / 7.68e12 = 0.0298345 s, 2,279.24 tokens/s.
  RooflineOptions h200_slo;
  h200_slo.max_seconds_per_output_token = 0.03;
  const ReplicaThroughput on_h200 =
      roofline_throughput(dense_70b(), h200(), Precision::bf16, h200_slo);
  REQUIRE(on_h200.batch);
  CHECK(on_h200.batch->sequences == 68);
  CHECK(on_h200.batch->limit == BatchLimit::latency_slo);
  CHECK(on_h200.decode.tokens_per_s == doctest::Approx(2'279.2404766294057).epsilon(1e-12));

  // A loose SLO changes nothing.
  h200_slo.max_seconds_per_output_token = 0.05;
  const ReplicaThroughput loose =
      roofline_throughput(dense_70b(), h200(), Precision::bf16, h200_slo);
  CHECK(loose.batch->sequences == 86);
  CHECK(loose.batch->limit == BatchLimit::hbm_capacity);
}

TEST_CASE("inference_throughput: decode turns compute-bound when the KV cache is small") {
  // The 8B model on one H200: floor((126.9 − 16) / 0.131072) = floor(846.1) = 846.
  //   t_mem  = (16e9 + 846 · 131.072e6) / (4.8e12 · 0.8) = 126.886912e9 / 3.84e12 = 0.0330435 s
  //   t_comp = 846 · 2 · 8e9 / (989e12 · 0.4) = 0.0342164 s, the slower:
  //   846 / 0.0342164 = 24,725 tokens/s = 989e12 · 0.4 / 1.6e10, the prefill rate.
  const ReplicaThroughput result = roofline_throughput(dense_8b(), h200(), Precision::bf16);
  CHECK(result.decode.gpus == 1);
  REQUIRE(result.batch);
  CHECK(result.batch->sequences == 846);
  CHECK(result.batch->bound == DecodeBound::compute);
  CHECK(result.batch->seconds_per_output_token ==
        doctest::Approx(0.03421638018200202).epsilon(1e-12));
  CHECK(result.decode.tokens_per_s == doctest::Approx(24'725.0).epsilon(1e-12));
  CHECK(result.prefill.tokens_per_s == doctest::Approx(24'725.0).epsilon(1e-12));
}

TEST_CASE("inference_throughput: MoE replicas hold every expert but compute only the active") {
  // DeepSeek-V3 in fp8 on DeepSeek's EP144 decode units of H800:
  //   usable 144 · 72 = 10,368 GB; floor((10,368e9 − 671e9) / 350.587e6) = 27,659 sequences;
  //   t_mem = (671e9 + 27,659 · 350.587e6) / (144 · 3.35e12 · 0.8) = 0.026873 s,
  //   t_comp = 27,659 · 2 · 37e9 / (144 · 1979e12 · 0.4) = 0.017956 s;
  //   27,659 / 0.026873 = 1.0293M tokens/s, 7,148 per GPU. DeepSeek measured 14.8k per node,
  //   1,850 per GPU: the roofline leaves out attention, communication and load imbalance.
  RooflineOptions ep144;
  ep144.gpus_per_replica = 144;
  const ReplicaThroughput result =
      roofline_throughput(deepseek_v3(), h800(), Precision::fp8, ep144);
  REQUIRE(result.batch);
  CHECK(result.batch->sequences == 27'659);
  CHECK(result.batch->bound == DecodeBound::memory_bandwidth);
  const double kv = 70'272.0 * 4'989.0;
  const double step = (671e9 + 27'659.0 * kv) / (144.0 * 3.35e12 * 0.8);
  CHECK(result.batch->seconds_per_output_token == doctest::Approx(step).epsilon(1e-12));
  CHECK(result.decode.tokens_per_s_per_gpu() ==
        doctest::Approx(27'659.0 / step / 144.0).epsilon(1e-12));
  CHECK(result.decode.tokens_per_s_per_gpu() == doctest::Approx(7'148).epsilon(1e-3));
  // Prefill at fp8 peak counts 37B active parameters: 144 · 1979e12 · 0.4 / 7.4e10 = 1.5404M.
  CHECK(result.prefill.tokens_per_s == doctest::Approx(1'540'400.0).epsilon(1e-4));
}

TEST_CASE("inference_throughput: colocated serving prefills inside the decode step") {
  // With r = 1 prefill token per output token on two H200s the extra FLOPs hide under the
  // memory-bound step: t_comp(86) = 86 · 2 · 70e9 · (1/0.4 + 1/0.4) / (2 · 989e12) = 0.030435 s
  // stays below t_mem = 0.0329065 s, so the replica serves 2,613.47 output and as many input
  // tokens/s, where disaggregation would add 2,613.47 / 2,825.71 = 0.92 prefill GPUs.
  const ColocatedThroughput hidden =
      colocated_throughput(dense_70b(), h200(), Precision::bf16, 1.0);
  CHECK(hidden.replica.gpus == 2);
  CHECK(hidden.batch.sequences == 86);
  CHECK(hidden.batch.bound == DecodeBound::memory_bandwidth);
  CHECK(hidden.replica.tokens_per_s == doctest::Approx(2'613.4654247641047).epsilon(1e-12));
  CHECK(hidden.input_tokens_per_s == doctest::Approx(2'613.4654247641047).epsilon(1e-12));

  // r = 2 with a 0.04 s SLO: compute per sequence 2 · 70e9 · (2.5 + 5) / (2 · 989e12)
  //   = 5.30839e-4 s, so b <= 0.04 / 5.30839e-4 = 75.35 (memory allows 127.6, HBM 86): 75;
  //   t(75) = 75 · 5.30839e-4 = 0.0398129 s, compute-bound; 1,883.81 output tokens/s and
  //   3,767.61 input. Disaggregated, the decode pool alone keeps 86 at 0.0329 s.
  RooflineOptions options;
  options.max_seconds_per_output_token = 0.04;
  const ColocatedThroughput bound =
      colocated_throughput(dense_70b(), h200(), Precision::bf16, 2.0, options);
  CHECK(bound.batch.sequences == 75);
  CHECK(bound.batch.limit == BatchLimit::latency_slo);
  CHECK(bound.batch.bound == DecodeBound::compute);
  const double per_sequence = 2.0 * 70e9 * (1.0 / 0.4 + 2.0 / 0.4) / (2.0 * 989e12);
  CHECK(bound.batch.seconds_per_output_token ==
        doctest::Approx(75.0 * per_sequence).epsilon(1e-12));
  CHECK(bound.replica.tokens_per_s == doctest::Approx(1.0 / per_sequence).epsilon(1e-12));
  CHECK(bound.replica.tokens_per_s == doctest::Approx(1'883.81).epsilon(1e-5));
  CHECK(bound.input_tokens_per_s == doctest::Approx(2.0 / per_sequence).epsilon(1e-12));
  const ReplicaThroughput disaggregated =
      roofline_throughput(dense_70b(), h200(), Precision::bf16, options);
  CHECK(disaggregated.batch->sequences == 86);

  // r = 0 is the disaggregated decode pool.
  const ColocatedThroughput decode_only =
      colocated_throughput(dense_70b(), h200(), Precision::bf16, 0.0);
  CHECK(decode_only.replica.tokens_per_s ==
        roofline_throughput(dense_70b(), h200(), Precision::bf16).decode.tokens_per_s);
  CHECK(decode_only.input_tokens_per_s == 0.0);
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

TEST_CASE("inference_throughput: a scenario service maps onto the throughput inputs") {
  ServiceSpec service;
  service.name = "chat";
  service.model.active_parameters = 70e9;
  service.model.precision = Precision::bf16;
  service.model.kv_bytes_per_token = 327'680.0;
  const ServedModel model = served_model(service, 4'000.0);
  CHECK(model.service == "chat");
  CHECK(model.total_parameters == 70e9);  // absent: dense
  CHECK(model.bytes_per_parameter == 2.0);
  CHECK(model.context_tokens == 4'000.0);

  const ReplicaThroughput roofline = service_throughput(service, h200(), 4'000.0);
  REQUIRE(roofline.batch);
  CHECK(roofline.batch->sequences == 86);

  service.throughput.prefill_tokens_per_s_per_node = 73.7e3;
  service.throughput.decode_tokens_per_s_per_node = 14.8e3;
  const ReplicaThroughput measured = service_throughput(service, h800(), 4'989.0);
  CHECK_FALSE(measured.batch);
  CHECK(measured.decode.tokens_per_s_per_gpu() == 1'850.0);

  service.throughput.decode_tokens_per_s_per_node.reset();
  CHECK(inference_error([&] { service_throughput(service, h800(), 4'989.0); },
                        InferenceError::Kind::incomplete_model, "chat") ==
        "service \"chat\": measured throughput gives prefill per node but not decode; give both, "
        "or neither for the roofline");

  ServiceSpec bare;
  bare.name = "bare";
  bare.model.active_parameters = 70e9;
  CHECK(inference_error([&] { served_model(bare, 4'000.0); },
                        InferenceError::Kind::incomplete_model, "bare") ==
        "service \"bare\": the roofline needs model.kv_bytes_per_token; give it, or measured "
        "throughput");
}

TEST_CASE("inference_throughput: a model that does not fit is an error naming the service") {
  // A 10T-parameter bf16 model: 20,000 GB of weights; 256 H100s hold 18,432 GB.
  ServedModel huge = dense_70b();
  huge.service = "frontier";
  huge.active_parameters = huge.total_parameters = 10e12;
  CHECK(inference_error([&] { roofline_throughput(huge, h100(), Precision::bf16); },
                        InferenceError::Kind::does_not_fit, "frontier") ==
        "service \"frontier\": the weights (20000 GB) plus one sequence's KV cache (1.311 GB) do "
        "not fit in the largest allowed replica, 256 H100 SXM GPUs (18432 GB usable: 90% of "
        "80 GB each)");

  // The limit is the largest candidate size within max_gpus_per_replica: 96 of 100.
  RooflineOptions small_limit;
  small_limit.max_gpus_per_replica = 100;
  RooflineOptions four_gpus;
  four_gpus.max_gpus_per_replica = 4;
  CHECK(inference_error([&] { replica_gpus(deepseek_v3(), h800(), four_gpus); },
                        InferenceError::Kind::does_not_fit, "deepseek") ==
        "service \"deepseek\": the weights (671 GB) plus one sequence's KV cache (0.3506 GB) do "
        "not fit in the largest allowed replica, 4 H800 SXM GPUs (288 GB usable: 90% of 80 GB "
        "each)");
  CHECK_THROWS_WITH_AS(replica_gpus(huge, h100(), small_limit),
                       doctest::Contains("the largest allowed replica, 96 H100 SXM GPUs"),
                       InferenceError);

  // A fixed replica too small for the weights.
  RooflineOptions one_gpu;
  one_gpu.gpus_per_replica = 1;
  CHECK(inference_error([&] { roofline_throughput(dense_70b(), h100(), Precision::bf16, one_gpu); },
                        InferenceError::Kind::does_not_fit, "chat") ==
        "service \"chat\": the weights (140 GB) plus one sequence's KV cache (1.311 GB) do not "
        "fit in a replica of 1 H100 SXM GPU (72 GB usable: 90% of 80 GB each)");
}

TEST_CASE("inference_throughput: an SLO no batch meets is an error naming the service") {
  // On two H100s a batch of one takes (140e9 + 1.31072e9) / 5.36e12 = 0.0263639 s.
  RooflineOptions options;
  options.max_seconds_per_output_token = 0.02;
  CHECK(inference_error([&] { roofline_throughput(dense_70b(), h100(), Precision::bf16, options); },
                        InferenceError::Kind::slo_unmet, "chat") ==
        "service \"chat\": no batch meets 0.02 s per output token on a replica of 2 H100 SXM "
        "GPUs: a batch of one takes 0.02636 s per step (memory-bound: 141.3 GB read at 5.36 "
        "TB/s)");
  // Colocated, the prefill's FLOPs count too: the 8B model on one H200 at r = 1000 needs
  //   1.6e10 · (2.5 + 2500) / 989e12 = 0.040485 s of compute for a single sequence.
  options.max_seconds_per_output_token = 0.03;
  CHECK(inference_error(
            [&] { colocated_throughput(dense_8b(), h200(), Precision::bf16, 1'000.0, options); },
            InferenceError::Kind::slo_unmet, "small") ==
        "service \"small\": no batch meets 0.03 s per output token on a replica of 1 H200 SXM "
        "GPU colocated with 1000 prefill tokens per output token: a batch of one takes 0.04049 s "
        "per step (compute-bound at 40% decode MFU)");
}

TEST_CASE("inference_throughput: a precision the part lacks is an error naming the service") {
  CHECK(inference_error([&] { roofline_throughput(dense_70b(), h100(), Precision::fp4); },
                        InferenceError::Kind::unsupported_precision, "chat") ==
        "service \"chat\": accelerator \"H100 SXM\" has no fp4 peak FLOP/s");
}

TEST_CASE("inference_throughput: invalid inputs are rejected") {
  const auto roofline = [](const ServedModel& model, const AcceleratorSpec& spec,
                           const RooflineOptions& options) {
    roofline_throughput(model, spec, Precision::bf16, options);
  };
  const RooflineOptions defaults;
  // The roofline of dense_70b on an H100 with one field of the model or of the options changed.
  const auto with_model = [&](void (*change)(ServedModel&)) {
    ServedModel model = dense_70b();
    change(model);
    roofline(model, h100(), defaults);
  };
  const auto with_options = [&](void (*change)(RooflineOptions&)) {
    RooflineOptions options;
    change(options);
    roofline(dense_70b(), h100(), options);
  };

  CHECK_THROWS_WITH_AS(with_model([](ServedModel& m) { m.active_parameters = 0.0; }),
                       "service \"chat\": active_parameters must be positive and finite, found 0",
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(with_model([](ServedModel& m) { m.total_parameters = 35e9; }),
                       "service \"chat\": total_parameters (35000000000) must be at least "
                       "active_parameters (70000000000)",
                       std::invalid_argument);
  CHECK_THROWS_AS(with_model([](ServedModel& m) { m.kv_bytes_per_token = -1.0; }),
                  std::invalid_argument);
  CHECK_THROWS_AS(with_model([](ServedModel& m) {
                    m.context_tokens = std::numeric_limits<double>::infinity();
                  }),
                  std::invalid_argument);
  CHECK_THROWS_AS(with_model([](ServedModel& m) {
                    m.bytes_per_parameter = std::numeric_limits<double>::quiet_NaN();
                  }),
                  std::invalid_argument);

  CHECK_THROWS_WITH_AS(with_options([](RooflineOptions& o) { o.prefill_mfu = 0.0; }),
                       "service \"chat\": prefill_mfu must be in (0, 1], found 0",
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(with_options([](RooflineOptions& o) { o.memory_headroom = 1.0; }),
                       "service \"chat\": memory_headroom must be in [0, 1), found 1",
                       std::invalid_argument);
  CHECK_THROWS_AS(with_options([](RooflineOptions& o) { o.decode_mfu = 1.5; }),
                  std::invalid_argument);
  CHECK_THROWS_AS(with_options([](RooflineOptions& o) { o.decode_bandwidth_efficiency = -0.1; }),
                  std::invalid_argument);
  CHECK_THROWS_AS(with_options([](RooflineOptions& o) { o.max_seconds_per_output_token = 0.0; }),
                  std::invalid_argument);
  CHECK_THROWS_AS(with_options([](RooflineOptions& o) { o.gpus_per_replica = 0; }),
                  std::invalid_argument);
  CHECK_THROWS_AS(with_options([](RooflineOptions& o) { o.max_gpus_per_replica = 0; }),
                  std::invalid_argument);

  AcceleratorSpec no_hbm = h100();
  no_hbm.hbm_capacity_bytes = 0.0;
  CHECK_THROWS_WITH_AS(roofline(dense_70b(), no_hbm, defaults),
                       "service \"chat\": accelerator \"H100 SXM\" needs positive HBM capacity and "
                       "bandwidth and a scale-up domain of at least 1 GPU, found 0 B, "
                       "3350000000000 B/s, 8 GPUs",
                       std::invalid_argument);
  AcceleratorSpec no_domain = h100();
  no_domain.scale_up_domain = 0;
  CHECK_THROWS_AS(roofline(dense_70b(), no_domain, defaults), std::invalid_argument);
  AcceleratorSpec zero_peak = h100();
  zero_peak.peak_dense_flops.bf16_flop_per_s = 0.0;
  CHECK_THROWS_AS(roofline(dense_70b(), zero_peak, defaults), std::invalid_argument);

  CHECK_THROWS_AS(colocated_throughput(dense_70b(), h200(), Precision::bf16, -1.0),
                  std::invalid_argument);

  // A KV cache of a billionth of a byte per token would admit 2.8e16 sequences.
  ServedModel model = dense_70b();
  model.kv_bytes_per_token = 1e-9;
  CHECK_THROWS_AS(roofline(model, h200(), defaults), std::invalid_argument);

  CHECK_THROWS_AS(measured_throughput(0.0, 14.8e3, 8), std::invalid_argument);
  CHECK_THROWS_AS(measured_throughput(73.7e3, -1.0, 8), std::invalid_argument);
  CHECK_THROWS_WITH_AS(measured_throughput(73.7e3, 14.8e3, 0),
                       "measured throughput needs at least 1 GPU per node and 1 node per "
                       "replica, found 0 GPUs per node, 1 prefill and 1 decode nodes per replica",
                       std::invalid_argument);
  CHECK_THROWS_AS(measured_throughput(73.7e3, 14.8e3, 8, 0, 18), std::invalid_argument);
}

}  // namespace
}  // namespace capsim
