#include <doctest/doctest.h>

#include <string>

#include "capsim/model/inference/service_sizing.hpp"
#include "capsim/model/queueing/erlang.hpp"

namespace capsim {
namespace {

// DeepSeek's published day ("DeepSeek V3/R1 inference system overview", open-infra-index,
// 2025-02): 608B input tokens (56.3% cache hits) and 168B output tokens in 24 h; 73.7k input
// tokens/s per 8-GPU node in prefill (cache hits included), 14.8k output tokens/s in decode.
ServiceSpec deepseek_service() {
  ServiceSpec spec;
  spec.name = "v3-r1";
  spec.target_utilisation = 1.0;
  spec.demand.input_tokens_per_s = 608e9 / 86400.0;   // 7,037,037 tokens/s
  spec.demand.output_tokens_per_s = 168e9 / 86400.0;  // 1,944,444 tokens/s
  spec.demand.cache_hit_share = 0.563;
  return spec;
}

ReplicaThroughput deepseek_nodes() {
  ReplicaThroughput throughput;
  throughput.prefill = PoolReplica{8, 73700.0, {}};
  throughput.decode = PoolReplica{8, 14800.0, {}};
  throughput.prefill_counts_cache_hits = true;
  return throughput;
}

// A small queueing service: one-GPU decode replicas of 100 output tokens/s, each sequence at
// 10 tokens/s, so 10 slots a replica; requests of 100 output tokens hold a slot 10 s.
ServiceSpec queueing_service(double output_tokens_per_s) {
  ServiceSpec spec;
  spec.name = "chat";
  spec.target_utilisation = 0.8;
  spec.per_user_tokens_per_s = 10.0;
  spec.output_tokens_per_request = 100.0;
  spec.slo_wait_p95_s = 2.0;
  spec.demand.output_tokens_per_s = output_tokens_per_s;
  return spec;
}

ReplicaThroughput small_replicas() {
  ReplicaThroughput throughput;
  throughput.prefill = PoolReplica{1, 1e6, {}};
  throughput.decode = PoolReplica{1, 100.0, {}};
  return throughput;
}

TEST_CASE("service_sizing: the DeepSeek day's average hour by hand") {
  const ServiceSpec spec = deepseek_service();
  const TokenDemand demand = base_token_demand(spec);
  const ServiceSizing sizing = size_service(spec, deepseek_nodes(), demand);
  // Prefill counts cache hits: 7,037,037 / 73,700 = 95.48 -> 96 nodes.
  CHECK(sizing.prefill_replicas == 96);
  // Decode: 1,944,444 / 14,800 = 131.38 -> 132 nodes.
  CHECK(sizing.decode_replicas == 132);
  CHECK(sizing.gpus(deepseek_nodes()) == 228 * 8);
}

TEST_CASE("service_sizing: the wait SLO adds decode replicas where Erlang C needs them") {
  // 80 output tokens/s = 0.8 requests/s of 10 s: 8 erlangs. At 80% utilisation one replica
  // (10 slots) would do, but Erlang C(10, 8) = 0.4092, so the p95 wait would be
  // ln(0.4092 / 0.05) / (10 × 0.1 − 0.8) = 10.51 s > 2 s. Two replicas (20 slots):
  // C(20, 8) = 0.00026 < 0.05, so the p95 wait is 0.
  const ServiceSpec spec = queueing_service(80.0);
  const ServiceSizing sizing = size_service(spec, small_replicas(), TokenDemand{0.0, 80.0, 0.0});
  CHECK(sizing.decode_replicas == 2);
  CHECK(sizing.prefill_replicas == 0);

  ServiceSpec no_slo = spec;
  no_slo.slo_wait_p95_s.reset();
  CHECK(size_service(no_slo, small_replicas(), TokenDemand{0.0, 80.0, 0.0}).decode_replicas == 1);
}

TEST_CASE("service_sizing: capacity of 300 DeepSeek nodes without a wait SLO") {
  // Prefill takes ⌈95.482·m⌉ nodes and decode the rest, which must carry 131.381·m. At
  // m = 126 / 95.482 = 1.319616 prefill needs 126 nodes and decode's 174 carry 173.38; just
  // above, prefill needs 127 and 173 nodes would have to carry more than 173.38. So the
  // answer is 1.319616, bound by decode utilisation.
  CapacitySearchOptions options;
  options.fleet_gpus = 2400;
  const ServiceCapacity capacity =
      find_service_capacity(deepseek_service(), deepseek_nodes(), options);
  CHECK(capacity.load_multiple <= 1.319616);
  CHECK(capacity.load_multiple == doctest::Approx(1.319616).epsilon(1.5e-3));
  CHECK(capacity.prefill_replicas == 126);
  CHECK(capacity.decode_replicas == 174);
  CHECK(capacity.limit == CapacityLimit::decode_utilisation);
  CHECK(capacity.demand.cache_hit_share == 0.563);
  CHECK_FALSE(capacity.simulated_wait.has_value());
  CHECK_FALSE(capacity.erlang_c_load_multiple.has_value());
}

TEST_CASE("service_sizing: capacity under a wait SLO, Erlang C and the simulation agree") {
  // 4 one-GPU decode replicas = 40 slots of 10 s mean service; base demand 1 request/s
  // (10 erlangs). The limit is the arrival rate where the M/M/40 p95 wait reaches 2 s.
  const ServiceSpec spec = queueing_service(100.0);
  CapacitySearchOptions options;
  options.fleet_gpus = 4;
  const ServiceCapacity capacity = find_service_capacity(spec, small_replicas(), options);
  REQUIRE(capacity.erlang_c_load_multiple.has_value());
  REQUIRE(capacity.simulated_wait.has_value());
  CHECK(capacity.limit == CapacityLimit::wait_slo);
  CHECK(capacity.decode_replicas == 4);

  // The Erlang C answer brackets the SLO within the search's 0.1% tolerance.
  const double erlang_answer = *capacity.erlang_c_load_multiple;
  const auto p95_at = [](double multiple) {
    return mmc_wait_quantile(MmcParameters{40, multiple, 0.1}, 0.95);
  };
  CHECK(p95_at(erlang_answer) <= 2.0);
  CHECK(p95_at(erlang_answer * 1.002) > 2.0);

  // The request-level simulation puts the limit within 3% of Erlang C's: the queue it
  // simulates is the M/M/c queue Erlang C solves.
  CHECK(capacity.load_multiple == doctest::Approx(erlang_answer).epsilon(0.03));
  CHECK(capacity.simulated_wait->quantile_s <= 2.0);
  CHECK(capacity.decode_utilisation > 0.8);

  // Deterministic for the seed.
  const ServiceCapacity again = find_service_capacity(spec, small_replicas(), options);
  CHECK(again.load_multiple == capacity.load_multiple);
}

TEST_CASE("service_sizing: capacity search errors name the service") {
  CapacitySearchOptions options;
  options.fleet_gpus = 4;
  CHECK_THROWS_WITH_AS(find_service_capacity(queueing_service(0.0), small_replicas(), options),
                       "service \"chat\" has no demand to scale: its input and output tokens are 0",
                       CapacitySearchError);
  options.fleet_gpus = 0;
  CHECK_THROWS_WITH_AS(
      find_service_capacity(queueing_service(100.0), small_replicas(), options),
      "service \"chat\": a fleet of 0 GPUs cannot serve any load within its SLO (a prefill "
      "replica needs 1 of them and a decode replica 1)",
      CapacitySearchError);
}

}  // namespace
}  // namespace capsim
