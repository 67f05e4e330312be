// The inference section (services, their model, demand, throughput and prices) and the
// demand feedback that answers token prices.

#include "capsim/scenario/scenario_schema.hpp"

namespace capsim::scenario {

namespace {

// A node decodes or prefills at least a token a second, and at most a billion (some 10^4 times
// DeepSeek's H800 nodes, 2025): below, replica counts overflow and the wait-SLO sizing spins.
constexpr double kMinNodeTokensPerS = 1.0;
constexpr double kMaxNodeTokensPerS = 1e9;

const RecordSchema<ModelSpec>& model_schema() {
  static const RecordSchema<ModelSpec> schema = [] {
    RecordSchema<ModelSpec> s("model", "The served model, for roofline throughput.");
    s.count(&ModelSpec::active_parameters, {.key = "active_parameters",
                                            .doc = "Parameters active per token.",
                                            .example = "37B",
                                            .minimum = 0.0,
                                            .minimum_exclusive = true});
    s.count(&ModelSpec::total_parameters, {.key = "total_parameters",
                                           .doc = "All parameters (memory footprint).",
                                           .example = "671B",
                                           .minimum = 0.0,
                                           .minimum_exclusive = true});
    s.choice(&ModelSpec::precision, detail::precision_choices(),
             {.key = "precision",
              .doc = "Weight and compute precision.",
              .example = "fp8",
              .default_text = "fp8"});
    s.quantity(&ModelSpec::context_tokens, Dimension::tokens,
               {.key = "context",
                .doc = "Mean KV-cache length of a sequence over its decode (prompt + half the "
                       "output). Absent: input_tokens_per_request + output_tokens_per_request/2 "
                       "when the service gives both, else 4,989 tokens, DeepSeek's V3/R1 serving "
                       "day (DeepSeek inference system overview, 2025-02).",
                .example = "4989 tokens",
                .minimum = 0.0,
                .minimum_exclusive = true});
    s.quantity(&ModelSpec::kv_bytes_per_token, Dimension::data,
               {.key = "kv_bytes_per_token",
                .doc = "KV-cache bytes per token of context, all layers: 2 · layers · KV heads · "
                       "head dim · bytes (Llama 2 70B bf16: 327,680 B; DeepSeek-V3 MLA: 61 · 576 "
                       "· 2 = 70,272 B).",
                .example = "70 KB",
                .minimum = 0.0,
                .minimum_exclusive = true});
    s.integer(&ModelSpec::layers,
              {.key = "layers",
               .doc = "Transformer blocks, for attention FLOPs and tensor-parallel all-reduces "
                      "(DeepSeek-V3: 61, config_671B.json; Llama 2 70B: 80). The roofline needs "
                      "it.",
               .example = "61",
               .minimum = 1.0,
               .maximum = 10000.0});
    s.count(&ModelSpec::hidden_size,
            {.key = "hidden_size",
             .doc = "Model width d_model, the activation a tensor-parallel all-reduce carries "
                    "(DeepSeek-V3: 7168; Llama 2 70B: 8192). The roofline needs it.",
             .example = "7168",
             .minimum = 1.0,
             .maximum = 1e7});
    s.count(&ModelSpec::attention_width,
            {.key = "attention_width",
             .doc = "Query-key width over all heads, d_attn, for attention FLOPs (4 · layers · "
                    "context · d_attn per token). Multi-head and grouped-query attention: "
                    "heads · head dim, the hidden size. DeepSeek-V3's MLA decodes in the "
                    "latent space: 128 heads · (576 + 512)/2 = 69,632.",
             .example = "8192",
             .minimum = 1.0,
             .maximum = 1e8});
    s.integer(&ModelSpec::experts,
              {.key = "experts",
               .doc = "Routed experts of a MoE model (DeepSeek-V3: 256). Needed when "
                      "total_parameters exceeds active_parameters.",
               .example = "256",
               .minimum = 2.0,
               .maximum = 1e6});
    s.integer(&ModelSpec::experts_per_token,
              {.key = "experts_per_token",
               .doc = "Routed experts a token uses (DeepSeek-V3: 8); below experts.",
               .example = "8",
               .minimum = 1.0,
               .maximum = 1e6});
    s.integer(&ModelSpec::moe_layers,
              {.key = "moe_layers",
               .doc = "Layers whose MLP is the routed experts, each paying the expert all-to-all "
                      "(DeepSeek-V3: 58 of 61, the first 3 dense; DeepSeek-V3 Technical Report, "
                      "2024-12, §4.2). At most layers. Absent: every layer.",
               .example = "58",
               .minimum = 1.0,
               .maximum = 10000.0});
    s.choice(&ModelSpec::attention_precision, detail::precision_choices(),
             {.key = "attention_precision",
              .doc = "Precision the attention's FLOPs (QKᵀ and AV) run at, whose peak they get. "
                     "DeepSeek-V3's MLA runs in bf16 (FlashMLA, a bf16 kernel: open-infra-index "
                     "Day 1, 2025-02; DeepSeek-V3 Technical Report, 2024-12, §3.3.1: attention "
                     "operators kept in BF16). Absent: precision.",
              .example = "bf16"});
    return s;
  }();
  return schema;
}

const RecordSchema<DemandSpec>& demand_schema() {
  static const RecordSchema<DemandSpec> schema = [] {
    RecordSchema<DemandSpec> s(
        "demand",
        "Demand of a service at the scenario start: input_tokens and output_tokens, or requests "
        "and input_tokens_per_request with the service's output_tokens_per_request.");
    s.quantity(&DemandSpec::input_tokens_per_s, Dimension::token_rate,
               {.key = "input_tokens",
                .doc = "Input (prompt) tokens. With output_tokens; not with requests.",
                .example = "608B tokens/day",
                .minimum = 0.0});
    s.quantity(&DemandSpec::output_tokens_per_s, Dimension::token_rate,
               {.key = "output_tokens",
                .doc = "Output (generated) tokens. With input_tokens; not with requests.",
                .example = "168B tokens/day",
                .minimum = 0.0});
    s.quantity(&DemandSpec::requests_per_s, Dimension::frequency,
               {.key = "requests",
                .doc = "Requests, each of input_tokens_per_request in and the service's "
                       "output_tokens_per_request out. Not with input_tokens.",
                .example = "2000/s",
                .minimum = 0.0});
    s.quantity(&DemandSpec::input_tokens_per_request, Dimension::tokens,
               {.key = "input_tokens_per_request",
                .doc = "Mean input tokens of a request, with requests.",
                .example = "1500 tokens",
                .minimum = 0.0});
    s.quantity(&DemandSpec::cache_hit_share, Dimension::fraction,
               {.key = "cache_hit_share",
                .doc = "Share of input tokens served from KV cache.",
                .example = "56.3%",
                .default_text = "0%",
                .minimum = 0.0,
                .maximum = 1.0});
    s.choice(
        &DemandSpec::growth,
        std::vector<std::pair<std::string, GrowthKind>>{{"none", GrowthKind::none},
                                                        {"exponential", GrowthKind::exponential},
                                                        {"logistic", GrowthKind::logistic},
                                                        {"observed", GrowthKind::observed}},
        {.key = "growth",
         .doc = "Shape of demand growth. exponential and logistic take growth_per_year (and "
                "saturation), or are fitted by least squares to observations; observed follows "
                "the observations piecewise-linearly, flat beyond them.",
         .example = "exponential",
         .default_text = "none"});
    s.quantity(&DemandSpec::growth_per_year, Dimension::multiplier,
               {.key = "growth_per_year",
                .doc = "Demand multiple per year (exponential; logistic's early growth). Not "
                       "with observations, which give it.",
                .example = "3x",
                .default_text = "1x",
                .minimum = 0.0,
                .minimum_exclusive = true});
    s.quantity(&DemandSpec::saturation_tokens_per_s, Dimension::token_rate,
               {.key = "saturation",
                .doc = "Logistic ceiling of total tokens; with observations, fitted when absent.",
                .example = "10T tokens/day",
                .minimum = 0.0,
                .minimum_exclusive = true});
    s.text(&DemandSpec::observations_file,
           {.key = "observations",
            .doc = "CSV file (relative to the file that names it) of `date,value` rows, value "
                   "= total input + output tokens per day, dates increasing; growth is fitted "
                   "to it (exponential, logistic) or follows it (observed). The curve "
                   "reproduces the observations, so demand at the start is the fit's, not the "
                   "base's: base rates give the input/output split and cache share.",
            .example = "chat-tokens.csv"});
    s.choice(&DemandSpec::profile,
             std::vector<std::pair<std::string, DemandProfileKind>>{
                 {"flat", DemandProfileKind::flat},
                 {"deepseek_day", DemandProfileKind::deepseek_day},
                 {"custom", DemandProfileKind::custom}},
             {.key = "profile",
              .doc = "Shape of a day: flat; deepseek_day (peak 1.23 times the mean at 14:00 "
                     "Beijing time, from DeepSeek's 278 peak and 226.75 average nodes, "
                     "2025-02); or custom, from hourly.",
              .example = "deepseek_day",
              .default_text = "flat"});
    s.reals(&DemandSpec::hourly_weights,
            {.key = "hourly",
             .doc = "24 weights for local hours 0..23 (profile: custom), scaled to mean 1: "
                    "demand in an hour is the daily mean times its weight.",
             .example = "[0.5, 0.4, ...]",
             .minimum = 0.0,
             .list_length = 24});
    s.reals(&DemandSpec::weekly_weights,
            {.key = "weekly",
             .doc = "7 weights for Monday..Sunday (days of the UTC calendar), scaled to mean "
                    "1; with any profile.",
             .example = "[1.1, 1.1, 1.1, 1.1, 1.0, 0.8, 0.8]",
             .default_text = "flat",
             .minimum = 0.0,
             .list_length = 7});
    s.integer(&DemandSpec::profile_utc_offset_hours,
              {.key = "utc_offset_hours",
               .doc = "Local time of the hourly weights minus UTC, in hours (Beijing: 8, "
                      "New York: -5); the simulation clock is UTC.",
               .example = "8",
               .default_text = "0",
               .minimum = -12.0,
               .maximum = 14.0});
    s.real(&DemandSpec::elasticity,
           {.key = "elasticity",
            .doc = "Price elasticity ε: with demand_feedback, demand scales by "
                   "(price/price₀)^−ε.",
            .example = "1.5",
            .default_text = "demand_feedback.elasticity",
            .minimum = 0.0,
            .maximum = 10.0});
    return s;
  }();
  return schema;
}

const RecordSchema<ThroughputSpec>& throughput_schema() {
  static const RecordSchema<ThroughputSpec> schema = [] {
    RecordSchema<ThroughputSpec> s("throughput",
                                   "Measured throughput per node; absent: the roofline model.");
    s.quantity(&ThroughputSpec::prefill_tokens_per_s_per_node, Dimension::token_rate,
               {.key = "prefill_per_node",
                .doc = "Input tokens per second per node in prefill.",
                .example = "73.7K tokens/s",
                .minimum = kMinNodeTokensPerS,
                .maximum = kMaxNodeTokensPerS});
    s.quantity(&ThroughputSpec::decode_tokens_per_s_per_node, Dimension::token_rate,
               {.key = "decode_per_node",
                .doc = "Output tokens per second per node in decode.",
                .example = "14.8K tokens/s",
                .minimum = kMinNodeTokensPerS,
                .maximum = kMaxNodeTokensPerS});
    s.quantity(&ThroughputSpec::output_tokens_per_s_per_node, Dimension::token_rate,
               {.key = "output_per_node",
                .doc = "Colocated: output tokens per second per node at input_per_output input "
                       "tokens per output token, as benchmarks publish (MLPerf Offline: "
                       "24,525 tokens/s on 8 H100, v4.1, 2024-08).",
                .example = "24.5K tokens/s",
                .minimum = kMinNodeTokensPerS,
                .maximum = kMaxNodeTokensPerS});
    s.real(&ThroughputSpec::input_per_output,
           {.key = "input_per_output",
            .doc = "Colocated: input tokens per output token of the output_per_node measurement.",
            .example = "1",
            .minimum = 0.0,
            .maximum = 1e6});
    s.integer(&ThroughputSpec::gpus_per_node, {.key = "gpus_per_node",
                                               .doc = "GPUs per node.",
                                               .example = "8",
                                               .default_text = "8",
                                               .minimum = 1.0});
    return s;
  }();
  return schema;
}

const RecordSchema<PriceListSpec>& price_list_schema() {
  static const RecordSchema<PriceListSpec> schema = [] {
    RecordSchema<PriceListSpec> s("price list", "List prices charged per token.");
    s.quantity(&PriceListSpec::input_cache_hit_usd_per_token, Dimension::token_price,
               {.key = "input_cache_hit",
                .doc = "Input token served from cache.",
                .example = "0.07 USD/Mtoken",
                .minimum = 0.0});
    s.quantity(&PriceListSpec::input_cache_miss_usd_per_token, Dimension::token_price,
               {.key = "input_cache_miss",
                .doc = "Input token computed.",
                .example = "0.27 USD/Mtoken",
                .minimum = 0.0});
    s.quantity(
        &PriceListSpec::output_usd_per_token, Dimension::token_price,
        {.key = "output", .doc = "Output token.", .example = "1.10 USD/Mtoken", .minimum = 0.0});
    return s;
  }();
  return schema;
}

const RecordSchema<ParallelismSpec>& parallelism_schema() {
  static const RecordSchema<ParallelismSpec> schema = [] {
    RecordSchema<ParallelismSpec> s(
        "parallelism", "A replica's parallel degrees; GPUs per replica is their product.");
    s.integer(&ParallelismSpec::tensor,
              {.key = "tensor",
               .doc = "Tensor-parallel degree, inside one scale-up domain.",
               .example = "8",
               .minimum = 1.0,
               .maximum = 1024.0});
    s.integer(&ParallelismSpec::pipeline, {.key = "pipeline",
                                           .doc = "Pipeline stages.",
                                           .example = "2",
                                           .minimum = 1.0,
                                           .maximum = 1024.0});
    s.integer(&ParallelismSpec::expert,
              {.key = "expert",
               .doc = "Expert-parallel groups of a MoE model: each holds the dense part, the "
                      "experts spread over every GPU (DeepSeek decode: 144).",
               .example = "144",
               .minimum = 1.0,
               .maximum = 65536.0});
    return s;
  }();
  return schema;
}

const RecordSchema<RooflineSpec>& roofline_schema() {
  static const RecordSchema<RooflineSpec> schema = [] {
    RecordSchema<RooflineSpec> s("roofline", "Calibration of the roofline (docs/model.md).");
    s.quantity(&RooflineSpec::prefill_efficiency, Dimension::fraction,
               {.key = "prefill_efficiency",
                .doc = "Share of peak FLOP/s prefill achieves: 1,290 of 1,979 fp8 TFLOP/s, "
                       "cuBLASLt 8192³ GEMM on H100 (Azure AI-benchmarking-guide, ND H100 v5, "
                       "2024).",
                .example = "65%",
                .default_text = "65%",
                .minimum = 0.0,
                .maximum = 1.0,
                .minimum_exclusive = true});
    s.quantity(&RooflineSpec::decode_efficiency, Dimension::fraction,
               {.key = "decode_efficiency",
                .doc = "Share of peak FLOP/s a compute-bound decode step achieves: the same GEMM "
                       "figure (DeepSeek's FlashMLA reaches 59% of bf16 peak, open-infra-index "
                       "Day 1, 2025-02).",
                .example = "65%",
                .default_text = "65%",
                .minimum = 0.0,
                .maximum = 1.0,
                .minimum_exclusive = true});
    s.quantity(&RooflineSpec::bandwidth_efficiency, Dimension::fraction,
               {.key = "bandwidth_efficiency",
                .doc = "Share of HBM bandwidth decode reads at: STREAM Copy 2.90 of 3.35 TB/s on "
                       "H100 (Azure AI-benchmarking-guide, ND H100 v5, 2024).",
                .example = "87%",
                .default_text = "87%",
                .minimum = 0.0,
                .maximum = 1.0,
                .minimum_exclusive = true});
    s.quantity(&RooflineSpec::memory_headroom, Dimension::fraction,
               {.key = "memory_headroom",
                .doc = "Share of HBM kept free for activations and fragmentation: vLLM's "
                       "gpu_memory_utilization and TensorRT-LLM's KV fraction default to 0.90.",
                .example = "10%",
                .default_text = "10%",
                .minimum = 0.0,
                .maximum = 0.99});
    s.real(&RooflineSpec::expert_imbalance,
           {.key = "expert_imbalance",
            .doc = "Busiest expert's load over the mean, scaling expert FLOPs. No published "
                   "production ratio found (DeepSeek EPLB, 2025-03, gives none): balanced, 1.",
            .example = "1.3",
            .default_text = "1",
            .minimum = 1.0,
            .maximum = 100.0});
    s.quantity(&RooflineSpec::all_reduce_latency_s, Dimension::duration,
               {.key = "all_reduce_latency",
                .doc = "Fixed cost of one tensor-parallel all-reduce: a 1 KB NCCL all-reduce on "
                       "8 H100 takes ~25 µs (Azure AI-benchmarking-guide, ND H100 v5, 2024).",
                .example = "25 us",
                .default_text = "25 us",
                .minimum = 0.0,
                .maximum = 1.0});
    s.quantity(&RooflineSpec::scale_up_efficiency, Dimension::fraction,
               {.key = "scale_up_efficiency",
                .doc = "Share of the scale-up line rate an all-reduce achieves: 370 of 450 GB/s "
                       "per direction on NVLink 4 (S. Jeaugey, NVIDIA, nccl-tests issue 212, "
                       "2024-05-06).",
                .example = "82%",
                .default_text = "82%",
                .minimum = 0.0,
                .maximum = 1.0,
                .minimum_exclusive = true});
    s.quantity(&RooflineSpec::scale_out_bandwidth_bytes_per_s, Dimension::bandwidth,
               {.key = "scale_out_bandwidth",
                .doc = "Per-GPU scale-out (NIC) bandwidth per direction that carries the MoE "
                       "expert all-to-all between scale-up domains: 50 GB/s of InfiniBand per "
                       "H800 (DeepSeek-V3 Technical Report, 2024-12, §3.2.1).",
                .example = "50 GB/s",
                .default_text = "50 GB/s",
                .minimum = 0.0,
                .maximum = 1e13,
                .minimum_exclusive = true});
    return s;
  }();
  return schema;
}

const RecordSchema<ServiceSpec>& service_schema() {
  static const RecordSchema<ServiceSpec> schema = [] {
    RecordSchema<ServiceSpec> s("service", "An inference service.");
    s.name(&ServiceSpec::name,
           {.key = "name", .doc = "Unique service name.", .example = "chat", .required = true});
    // Informative: the cluster decides the part. Retiring the key (every service of every
    // scenario writes it) is left for a change of the language of its own.
    s.name(&ServiceSpec::accelerator,
           {.key = "accelerator",
            .doc = "Catalog part it runs on: its cluster's, which decides (checked, so the file "
                   "says what it serves from).",
            .example = "H800-SXM",
            .required = true,
            .informative = true});
    s.name(&ServiceSpec::cluster,
           {.key = "cluster",
            .doc = "The cluster (or ordered cluster) whose GPUs serve it; training gets what "
                   "serving leaves.",
            .example = "serving-h800",
            .required = true});
    s.record(&ServiceSpec::model, model_schema(),
             {.key = "model", .doc = "The served model.", .default_text = "(see model)"});
    s.record(&ServiceSpec::demand, demand_schema(),
             {.key = "demand", .doc = "Token demand.", .required = true});
    s.record(
        &ServiceSpec::throughput, throughput_schema(),
        {.key = "throughput", .doc = "Throughput per node.", .default_text = "(see throughput)"});
    s.choice(&ServiceSpec::mode,
             std::vector<std::pair<std::string, ServingModeSpec>>{
                 {"auto", ServingModeSpec::automatic},
                 {"colocated", ServingModeSpec::colocated},
                 {"disaggregated", ServingModeSpec::disaggregated}},
             {.key = "mode",
              .doc = "colocated: each replica prefills and decodes (chunked prefill), the default "
                     "of vLLM, SGLang and TensorRT-LLM; disaggregated: a prefill pool and a "
                     "decode pool (DeepSeek's serving); auto: disaggregated when throughput "
                     "gives prefill_per_node and decode_per_node, else colocated.",
              .example = "disaggregated",
              .default_text = "auto"});
    s.integer_or_word(&ServiceSpec::gpus_per_replica, "auto",
                      {.key = "gpus_per_replica",
                       .doc = "GPUs per roofline replica, or auto: the tensor, pipeline and expert "
                              "degrees with the most tokens per GPU-second that fit HBM and meet "
                              "the SLOs (docs/model.md).",
                       .example = "144",
                       .default_text = "auto",
                       .minimum = 1.0,
                       .maximum = 65536.0});
    s.record(&ServiceSpec::parallelism, parallelism_schema(),
             {.key = "parallelism",
              .doc = "Fixed parallel degrees of the roofline replica.",
              .default_text = "(chosen)"});
    s.quantity(&ServiceSpec::slo_time_per_output_token_s, Dimension::duration,
               {.key = "slo_time_per_output_token",
                .doc = "Roofline: the longest time between two output tokens of a sequence "
                       "(MLPerf llama2-70b Server: 200 ms; interactive: 40 ms).",
                .example = "50 ms",
                .minimum = 0.0,
                .minimum_exclusive = true});
    s.quantity(&ServiceSpec::slo_time_to_first_token_s, Dimension::duration,
               {.key = "slo_time_to_first_token",
                .doc = "Roofline: the longest prefill of one prompt on its replica, queueing "
                       "apart (MLPerf llama2-70b Server: 2 s).",
                .example = "2 s",
                .minimum = 0.0,
                .minimum_exclusive = true});
    s.record(&ServiceSpec::roofline, roofline_schema(),
             {.key = "roofline", .doc = "Roofline calibration.", .default_text = "(see roofline)"});
    s.quantity(&ServiceSpec::target_utilisation, Dimension::fraction,
               {.key = "target_utilisation",
                .doc = "Load per replica the sizing aims at.",
                .example = "80%",
                .default_text = "80%",
                // Below 1% a service would hold over 100 times the replicas its load needs.
                .minimum = 0.01,
                .maximum = 1.0});
    s.quantity(&ServiceSpec::slo_wait_p95_s, Dimension::duration,
               {.key = "slo_wait_p95",
                .doc = "95th percentile queueing wait allowed.",
                .example = "2 s",
                .minimum = 0.0,
                .minimum_exclusive = true});
    s.quantity(&ServiceSpec::output_tokens_per_request, Dimension::tokens,
               {.key = "output_tokens_per_request",
                .doc = "Mean output tokens of a request: with slo_wait_p95, each decode slot "
                       "serves one request at a time, so requests queue for slots.",
                .example = "1000 tokens",
                .minimum = 0.0,
                .minimum_exclusive = true});
    s.quantity(&ServiceSpec::per_user_tokens_per_s, Dimension::token_rate,
               {.key = "per_user_rate",
                .doc = "Output tokens/s one sequence sees, for measured throughputs: 20-22 in "
                       "DeepSeek's serving day (inference system overview, 2025-02).",
                .example = "21 tokens/s",
                .default_text = "21 tokens/s",
                // Below a token a second a request holds its decode slot for hours.
                .minimum = 1.0,
                .maximum = 1e5});
    s.quantity(&ServiceSpec::scale_up_warmup_s, Dimension::duration,
               {.key = "scale_up_warmup",
                .doc = "Time a new replica takes to start (load weights, warm up) before it "
                       "serves. The autoscaler starts next hour's extra replicas this long "
                       "before the hour, so they are held and paid for that much longer; at "
                       "most one hour, the sizing period.",
                .example = "10 min",
                .default_text = "0 s",
                .minimum = 0.0,
                .maximum = 3600.0});
    s.choice(&ServiceSpec::reclaim,
             std::vector<std::pair<std::string, ReclaimPolicy>>{{"preempt", ReclaimPolicy::preempt},
                                                                {"wait", ReclaimPolicy::wait}},
             {.key = "reclaim",
              .doc = "How the service takes back GPUs training borrowed off-peak: preempt stops "
                     "preemptible jobs (lowest priority, latest started first; they lose the "
                     "work since their last checkpoint), wait lets them end and drops the "
                     "demand meanwhile.",
              .example = "wait",
              .default_text = "preempt"});
    s.record(&ServiceSpec::prices, price_list_schema(),
             {.key = "prices", .doc = "List prices.", .default_text = "(none)"});
    return s;
  }();
  return schema;
}

}  // namespace

const RecordSchema<InferenceSpec>& inference_schema() {
  static const RecordSchema<InferenceSpec> schema = [] {
    RecordSchema<InferenceSpec> s("inference", "Inference services.");
    s.records(&InferenceSpec::services, service_schema(),
              {.key = "services", .doc = "The services.", .default_text = "[]"});
    return s;
  }();
  return schema;
}

const RecordSchema<DemandFeedbackSpec>& demand_feedback_schema() {
  static const RecordSchema<DemandFeedbackSpec> schema = [] {
    RecordSchema<DemandFeedbackSpec> s("demand feedback",
                                       "Token prices follow cost; demand answers price.");
    s.boolean(
        &DemandFeedbackSpec::enabled,
        {.key = "enabled", .doc = "Turn feedback on.", .example = "true", .default_text = "false"});
    s.quantity(&DemandFeedbackSpec::margin, Dimension::fraction,
               {.key = "margin",
                .doc = "Price = cost × (1 + margin).",
                .example = "30%",
                .default_text = "0%",
                .minimum = 0.0,
                .maximum = 100.0});
    s.quantity(&DemandFeedbackSpec::adjustment_time_s, Dimension::duration,
               {.key = "adjustment_time",
                .doc = "Time constant of demand's response.",
                .example = "6 months",
                .default_text = "0.5 y",
                .minimum = 0.0});
    s.real(&DemandFeedbackSpec::elasticity,
           {.key = "elasticity",
            .doc = "Price elasticity of services that give none: 0 fixed demand, 1 constant "
                   "spend, above 1 the Jevons case where efficiency raises total compute.",
            .example = "1.5",
            .default_text = "0",
            .minimum = 0.0,
            .maximum = 10.0});
    return s;
  }();
  return schema;
}

}  // namespace capsim::scenario
