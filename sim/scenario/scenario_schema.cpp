// Every key of the scenario language, declared once. The loader, `capsim explain`,
// docs/scenarios.md and the JSON Schema are all derived from these declarations.

#include "capsim/scenario/scenario_schema.hpp"

namespace capsim::scenario {

namespace {

constexpr double kYear = kSecondsPerYear;

const std::vector<std::pair<std::string, PeriodUnit>> kPeriods = {{"day", PeriodUnit::day},
                                                                  {"week", PeriodUnit::week},
                                                                  {"month", PeriodUnit::month},
                                                                  {"quarter", PeriodUnit::quarter},
                                                                  {"year", PeriodUnit::year}};

const std::vector<std::pair<std::string, Precision>> kPrecisions = {
    {"bf16", Precision::bf16}, {"fp8", Precision::fp8}, {"fp4", Precision::fp4}};

const std::vector<std::pair<std::string, EfficiencyKind>> kEfficiencyKinds = {
    {"training", EfficiencyKind::training},
    {"inference", EfficiencyKind::inference},
    {"software", EfficiencyKind::software}};

const RecordSchema<ScenarioMeta>& meta_schema() {
  static const RecordSchema<ScenarioMeta> schema = [] {
    RecordSchema<ScenarioMeta> s("scenario",
                                 "What the scenario is, when it starts and how long it runs.");
    s.text(&ScenarioMeta::name, {.key = "name",
                                 .doc = "Short name, used in reports.",
                                 .example = "meta-2025-60b",
                                 .required = true});
    s.text(&ScenarioMeta::description, {.key = "description",
                                        .doc = "What the scenario asks, its assumptions.",
                                        .example = "A hyperscaler's 2025 plan",
                                        .default_text = "\"\""});
    s.date(&ScenarioMeta::start, {.key = "start",
                                  .doc = "First day simulated (midnight UTC). All times count "
                                         "from here.",
                                  .example = "2025-01-01",
                                  .required = true});
    s.quantity(&ScenarioMeta::horizon_s, Dimension::duration,
               {.key = "horizon",
                .doc = "How long to simulate from the start (a year is 365.25 days); give "
                       "this or `end`.",
                .example = "3 y",
                .minimum = 0.0,
                .maximum = 100.0 * kYear,
                .minimum_exclusive = true});
    s.date(&ScenarioMeta::end, {.key = "end",
                                .doc = "First day not simulated (midnight): whole calendar "
                                       "years exactly; give this or `horizon`.",
                                .example = "2028-01-01"});
    s.choice(&ScenarioMeta::reporting_period, kPeriods,
             {.key = "reporting_period",
              .doc = "Length of a row of timeseries.csv: calendar periods, not fixed blocks.",
              .example = "month",
              .default_text = "month"});
    s.integer(&ScenarioMeta::seed, {.key = "seed",
                                    .doc = "Random seed: the same seed gives the same bytes out.",
                                    .example = "42",
                                    .default_text = "1",
                                    .minimum = 0.0});
    s.integer(&ScenarioMeta::replications, {.key = "replications",
                                            .doc = "Independent runs with derived seeds.",
                                            .example = "5",
                                            .default_text = "1",
                                            .minimum = 1.0,
                                            .maximum = 100000.0});
    return s;
  }();
  return schema;
}

const RecordSchema<PeakFlops>& peak_flops_schema() {
  static const RecordSchema<PeakFlops> schema = [] {
    RecordSchema<PeakFlops> s("peak dense FLOP/s",
                              "Peak dense tensor throughput per GPU by precision, without "
                              "structured sparsity (NVIDIA datasheets print twice these).");
    s.quantity(&PeakFlops::bf16_flop_per_s, Dimension::compute_rate,
               {.key = "bf16",
                .doc = "BF16 dense peak.",
                .example = "989 TFLOP/s",
                .required = true,
                .minimum = 0.0,
                .minimum_exclusive = true});
    s.quantity(&PeakFlops::fp8_flop_per_s, Dimension::compute_rate,
               {.key = "fp8",
                .doc = "FP8 dense peak; absent when the part has no FP8.",
                .example = "1979 TFLOP/s",
                .minimum = 0.0,
                .minimum_exclusive = true});
    s.quantity(&PeakFlops::fp4_flop_per_s, Dimension::compute_rate,
               {.key = "fp4",
                .doc = "FP4 dense peak; absent when the part has no FP4.",
                .example = "9000 TFLOP/s",
                .minimum = 0.0,
                .minimum_exclusive = true});
    return s;
  }();
  return schema;
}

}  // namespace

const RecordSchema<AcceleratorSpec>& accelerator_schema() {
  static const RecordSchema<AcceleratorSpec> schema = [] {
    RecordSchema<AcceleratorSpec> s(
        "accelerator",
        "A purchasable accelerator configuration. The built-in catalog "
        "(scenarios/catalog/accelerators.yaml) gives a source for every number.");
    s.text(&AcceleratorSpec::name, {.key = "name",
                                    .doc = "Unique id that clusters and orders use.",
                                    .example = "H100-SXM",
                                    .required = true});
    s.text(&AcceleratorSpec::vendor,
           {.key = "vendor", .doc = "Maker.", .example = "NVIDIA", .default_text = "\"\""});
    s.text(&AcceleratorSpec::description,
           {.key = "description", .doc = "Free text.", .default_text = "\"\""});
    s.date(&AcceleratorSpec::first_ship,
           {.key = "first_ship",
            .doc = "Start of volume shipments: planners cannot buy it earlier.",
            .example = "2022-Q4",
            .required = true});
    s.record(&AcceleratorSpec::peak_dense_flops, peak_flops_schema(),
             {.key = "peak_dense_flops", .doc = "Dense peak per precision.", .required = true});
    s.quantity(&AcceleratorSpec::hbm_capacity_bytes, Dimension::data,
               {.key = "hbm_capacity",
                .doc = "HBM per GPU.",
                .example = "80 GB",
                .required = true,
                .minimum = 0.0,
                .minimum_exclusive = true});
    s.quantity(&AcceleratorSpec::hbm_bandwidth_bytes_per_s, Dimension::bandwidth,
               {.key = "hbm_bandwidth",
                .doc = "Peak HBM bandwidth per GPU.",
                .example = "3.35 TB/s",
                .required = true,
                .minimum = 0.0,
                .minimum_exclusive = true});
    s.integer(&AcceleratorSpec::scale_up_domain,
              {.key = "scale_up_domain",
               .doc = "GPUs in one NVLink / Infinity Fabric domain (8 for HGX, 72 for NVL72).",
               .example = "8",
               .required = true,
               .minimum = 1.0});
    s.quantity(&AcceleratorSpec::scale_up_bandwidth_bytes_per_s, Dimension::bandwidth,
               {.key = "scale_up_bandwidth",
                .doc = "Scale-up bandwidth per GPU, both directions, as vendors quote it.",
                .example = "900 GB/s",
                .required = true,
                .minimum = 0.0,
                .minimum_exclusive = true});
    s.quantity(&AcceleratorSpec::tdp_w, Dimension::power,
               {.key = "tdp",
                .doc = "GPU board or module power.",
                .example = "700 W",
                .required = true,
                .minimum = 0.0,
                .minimum_exclusive = true});
    s.quantity(&AcceleratorSpec::server_power_per_gpu_w, Dimension::power,
               {.key = "server_power_per_gpu",
                .doc = "Whole server (GPU, host, network share) at full load, per GPU.",
                .example = "1275 W",
                .required = true,
                .minimum = 0.0,
                .minimum_exclusive = true});
    s.quantity(&AcceleratorSpec::idle_server_power_per_gpu_w, Dimension::power,
               {.key = "idle_server_power_per_gpu",
                .doc = "Server power per GPU when its GPUs are idle.",
                .example = "255 W",
                .required = true,
                .minimum = 0.0});
    s.quantity(&AcceleratorSpec::price_installed_per_gpu_usd, Dimension::money,
               {.key = "price_installed_per_gpu",
                .doc = "All-in capex per GPU: server, network and storage share; the facility "
                       "is charged per MW at the site.",
                .example = "$43K",
                .required = true,
                .minimum = 0.0,
                .minimum_exclusive = true});
    return s;
  }();
  return schema;
}

namespace {

const RecordSchema<CatalogSpec>& catalog_schema() {
  static const RecordSchema<CatalogSpec> schema = [] {
    RecordSchema<CatalogSpec> s("catalog",
                                "Hardware parts. A scenario part whose name matches a catalog "
                                "part overrides the fields it gives; a new name adds a part.");
    s.boolean(&CatalogSpec::builtin, {.key = "builtin",
                                      .doc = "Start from the built-in catalog.",
                                      .example = "true",
                                      .default_text = "true"});
    s.texts(&CatalogSpec::include,
            {.key = "include",
             .doc = "More catalog files (YAML with an `accelerators` list), relative to the "
                    "scenario file.",
             .example = "[my-parts.yaml]",
             .default_text = "[]"});
    s.records(&CatalogSpec::accelerators, accelerator_schema(),
              {.key = "accelerators",
               .doc = "Parts to add, or fields to override by name.",
               .default_text = "[]"});
    return s;
  }();
  return schema;
}

const RecordSchema<ConstructionTaskSpec>& task_schema() {
  static const RecordSchema<ConstructionTaskSpec> schema = [] {
    RecordSchema<ConstructionTaskSpec> s(
        "construction task",
        "One task of a site's construction plan (land, permits, grid interconnect, shell, "
        "power and cooling, fit-out). Tasks form a DAG through `after`.");
    s.text(&ConstructionTaskSpec::name, {.key = "name",
                                         .doc = "Unique within the site.",
                                         .example = "grid_interconnect",
                                         .required = true});
    s.quantity(&ConstructionTaskSpec::duration_s, Dimension::duration,
               {.key = "duration",
                .doc = "How long the task takes once it can start.",
                .example = "128 weeks",
                .required = true,
                .minimum = 0.0});
    s.texts(&ConstructionTaskSpec::after, {.key = "after",
                                           .doc = "Tasks that must finish first.",
                                           .example = "[permits]",
                                           .default_text = "[]"});
    return s;
  }();
  return schema;
}

const RecordSchema<PowerPhaseSpec>& phase_schema() {
  static const RecordSchema<PowerPhaseSpec> schema = [] {
    RecordSchema<PowerPhaseSpec> s("power phase",
                                   "A block of IT power that comes online when a construction "
                                   "task finishes.");
    s.quantity(&PowerPhaseSpec::it_power_w, Dimension::power,
               {.key = "it_power",
                .doc = "IT power this phase adds.",
                .example = "300 MW",
                .required = true,
                .minimum = 0.0,
                .minimum_exclusive = true});
    s.text(&PowerPhaseSpec::ready_after,
           {.key = "ready_after",
            .doc = "Construction task whose end brings this phase online; empty means "
                   "online at the construction start.",
            .example = "fit_out_phase_1",
            .default_text = "\"\""});
    return s;
  }();
  return schema;
}

const RecordSchema<PriceChangeSpec>& price_change_schema() {
  static const RecordSchema<PriceChangeSpec> schema = [] {
    RecordSchema<PriceChangeSpec> s("price change", "A new electricity price from a date on.");
    s.date(&PriceChangeSpec::from, {.key = "from",
                                    .doc = "First day of the new price.",
                                    .example = "2026-01-01",
                                    .required = true});
    s.quantity(&PriceChangeSpec::price_usd_per_j, Dimension::energy_price,
               {.key = "price",
                .doc = "Electricity price.",
                .example = "85 USD/MWh",
                .required = true,
                .minimum = 0.0});
    return s;
  }();
  return schema;
}

const RecordSchema<SiteSpec>& site_schema() {
  static const RecordSchema<SiteSpec> schema = [] {
    RecordSchema<SiteSpec> s("site", "A datacenter site: power, cost and construction plan.");
    s.text(&SiteSpec::name,
           {.key = "name", .doc = "Unique site name.", .example = "abilene", .required = true});
    s.quantity(&SiteSpec::it_power_cap_w, Dimension::power,
               {.key = "it_power_cap",
                .doc = "Most IT power the site can host once every phase is online.",
                .example = "1.2 GW",
                .required = true,
                .minimum = 0.0,
                .minimum_exclusive = true});
    s.real(&SiteSpec::pue,
           {.key = "pue",
            .doc = "Power usage effectiveness: facility power / IT power. Industry average "
                   "1.56 (Uptime Institute, 2024); Google fleet 1.10 (Google Environmental "
                   "Report, 2024).",
            .example = "1.2",
            .default_text = "1.2",
            .minimum = 1.0,
            .maximum = 3.0});
    s.quantity(&SiteSpec::electricity_price_usd_per_j, Dimension::energy_price,
               {.key = "electricity_price",
                .doc = "Electricity price at the start. US industrial 6.8-9.0 ¢/kWh (EIA "
                       "Electric Power Monthly, Table 5.6.B, Jan-Jul 2024).",
                .example = "80 USD/MWh",
                .default_text = "80 USD/MWh",
                .minimum = 0.0});
    s.records(&SiteSpec::electricity_price_changes, price_change_schema(),
              {.key = "electricity_price_changes",
               .doc = "Later prices, by date.",
               .default_text = "[]"});
    s.quantity(&SiteSpec::cost_per_power_usd_per_w, Dimension::money_per_power,
               {.key = "cost_per_power",
                .doc = "Facility development cost per MW of IT power: $9.3-15.0M, average "
                       "$11.7M (Cushman & Wakefield, Data Center Development Cost Guide 2025).",
                .example = "11.7M USD/MW",
                .default_text = "11.7M USD/MW",
                .minimum = 0.0});
    s.date(&SiteSpec::construction_start,
           {.key = "construction_start",
            .doc = "When construction begins; absent: the planner decides (or the site exists "
                   "and is online at the scenario start when it has no construction tasks).",
            .example = "2025-03-01"});
    s.records(&SiteSpec::construction, task_schema(),
              {.key = "construction",
               .doc = "The construction plan: tasks with dependencies.",
               .default_text = "[]"});
    s.records(&SiteSpec::phases, phase_schema(),
              {.key = "phases",
               .doc = "Power phases; absent: all IT power online when construction ends.",
               .default_text = "[]"});
    return s;
  }();
  return schema;
}

const RecordSchema<FabricSpec>& fabric_schema() {
  static const RecordSchema<FabricSpec> schema = [] {
    RecordSchema<FabricSpec> s("fabric", "The cluster's scale-out network.");
    s.choice(&FabricSpec::topology,
             std::vector<std::pair<std::string, FabricTopology>>{
                 {"leaf_spine", FabricTopology::leaf_spine},
                 {"rail_optimised", FabricTopology::rail_optimised}},
             {.key = "topology",
              .doc = "Network shape.",
              .example = "rail_optimised",
              .default_text = "rail_optimised"});
    s.integer(&FabricSpec::gpus_per_node, {.key = "gpus_per_node",
                                           .doc = "GPUs per server.",
                                           .example = "8",
                                           .default_text = "8",
                                           .minimum = 1.0});
    s.integer(&FabricSpec::nodes_per_leaf, {.key = "nodes_per_leaf",
                                            .doc = "Servers under one leaf switch (per rail).",
                                            .example = "32",
                                            .default_text = "32",
                                            .minimum = 1.0});
    s.quantity(&FabricSpec::link_bandwidth_bytes_per_s, Dimension::bandwidth,
               {.key = "link_bandwidth",
                .doc = "Per-GPU NIC bandwidth.",
                .example = "400 Gb/s",
                .default_text = "400 Gb/s",
                .minimum = 0.0,
                .minimum_exclusive = true});
    s.real(&FabricSpec::oversubscription,
           {.key = "oversubscription",
            .doc = "Downlink to uplink ratio at the leaves: 1 is non-blocking; Llama 3's "
                   "cluster used 7 above its 3,072-GPU pods (Llama 3 Herd of Models, 2024).",
            .example = "1",
            .default_text = "1",
            .minimum = 1.0,
            .maximum = 64.0});
    return s;
  }();
  return schema;
}

const RecordSchema<ClusterSpec>& cluster_schema() {
  static const RecordSchema<ClusterSpec> schema = [] {
    RecordSchema<ClusterSpec> s("cluster",
                                "A pool of identical GPUs at a site: existing fleet or planned.");
    s.text(&ClusterSpec::name,
           {.key = "name", .doc = "Unique cluster name.", .example = "rsc-h100", .required = true});
    s.text(&ClusterSpec::site, {.key = "site",
                                .doc = "The site that hosts and powers it.",
                                .example = "abilene",
                                .required = true});
    s.text(&ClusterSpec::accelerator, {.key = "accelerator",
                                       .doc = "A catalog part name.",
                                       .example = "H100-SXM",
                                       .required = true});
    s.integer(&ClusterSpec::gpus, {.key = "gpus",
                                   .doc = "Number of GPUs.",
                                   .example = "24576",
                                   .required = true,
                                   .minimum = 1.0});
    s.date(&ClusterSpec::online,
           {.key = "online",
            .doc = "When it enters service (before the start: existing fleet).",
            .example = "2024-06-01",
            .required = true});
    s.quantity(&ClusterSpec::service_life_s, Dimension::duration,
               {.key = "service_life",
                .doc = "Years in service before retirement. Microsoft and Alphabet depreciate "
                       "servers over 6 years, Meta 5.5 (10-K filings, 2025).",
                .example = "6 y",
                .default_text = "6 y",
                .minimum = 0.0,
                .minimum_exclusive = true});
    s.quantity(&ClusterSpec::utilisation, Dimension::fraction,
               {.key = "utilisation",
                .doc = "Share of its available GPUs busy, for power and energy, while no "
                       "workload model drives it; absent: economics.utilisation.",
                .example = "85%",
                .minimum = 0.0,
                .maximum = 1.0});
    s.record(&ClusterSpec::fabric, fabric_schema(),
             {.key = "fabric", .doc = "Scale-out network.", .default_text = "(see fabric)"});
    return s;
  }();
  return schema;
}

const RecordSchema<TenantSpec>& tenant_schema() {
  static const RecordSchema<TenantSpec> schema = [] {
    RecordSchema<TenantSpec> s("tenant", "A user group of a shared pool.");
    s.text(&TenantSpec::name,
           {.key = "name", .doc = "Tenant name.", .example = "startup-a", .required = true});
    s.quantity(&TenantSpec::share, Dimension::fraction,
               {.key = "share",
                .doc = "Entitled share of the pool's GPUs.",
                .example = "5%",
                .default_text = "0%",
                .minimum = 0.0,
                .maximum = 1.0});
    s.integer(
        &TenantSpec::priority,
        {.key = "priority", .doc = "Higher runs first.", .example = "1", .default_text = "0"});
    return s;
  }();
  return schema;
}

const RecordSchema<TrainingJobSpec>& job_schema() {
  static const RecordSchema<TrainingJobSpec> schema = [] {
    RecordSchema<TrainingJobSpec> s(
        "training job",
        "A training run: give `flops`, or `active_parameters` and `tokens` (6·N·D).");
    s.text(&TrainingJobSpec::name,
           {.key = "name", .doc = "Unique job name.", .example = "llama3-405b", .required = true});
    s.text(
        &TrainingJobSpec::tenant,
        {.key = "tenant", .doc = "Who runs it.", .example = "research", .default_text = "default"});
    s.date(&TrainingJobSpec::submit, {.key = "submit",
                                      .doc = "When it is submitted.",
                                      .example = "2025-02-01",
                                      .required = true});
    s.quantity(&TrainingJobSpec::flops, Dimension::compute,
               {.key = "flops",
                .doc = "Total training compute.",
                .example = "3.8e25 FLOP",
                .minimum = 0.0,
                .minimum_exclusive = true});
    s.count(&TrainingJobSpec::active_parameters, {.key = "active_parameters",
                                                  .doc = "Parameters active per token.",
                                                  .example = "405B",
                                                  .minimum = 0.0,
                                                  .minimum_exclusive = true});
    s.quantity(&TrainingJobSpec::tokens, Dimension::tokens,
               {.key = "tokens",
                .doc = "Training tokens.",
                .example = "15.6T tokens",
                .minimum = 0.0,
                .minimum_exclusive = true});
    s.choice(&TrainingJobSpec::precision, kPrecisions,
             {.key = "precision",
              .doc = "Arithmetic precision of the run.",
              .example = "bf16",
              .default_text = "bf16"});
    s.integer(&TrainingJobSpec::gpus, {.key = "gpus",
                                       .doc = "GPUs wanted.",
                                       .example = "16384",
                                       .required = true,
                                       .minimum = 1.0});
    s.integer(&TrainingJobSpec::min_gpus,
              {.key = "min_gpus",
               .doc = "Fewest GPUs it can shrink to (elastic); 0: not elastic.",
               .example = "8192",
               .default_text = "0",
               .minimum = 0.0});
    s.quantity(&TrainingJobSpec::base_mfu, Dimension::fraction,
               {.key = "base_mfu",
                .doc = "Model FLOPs utilisation on a non-blocking fabric: Llama 3 405B reached "
                       "38-43% in bf16 (Llama 3 Herd of Models, 2024).",
                .example = "40%",
                .default_text = "40%",
                .minimum = 0.0,
                .maximum = 1.0,
                .minimum_exclusive = true});
    s.quantity(&TrainingJobSpec::checkpoint_interval_s, Dimension::duration,
               {.key = "checkpoint_interval",
                .doc = "Time between checkpoints.",
                .example = "1 h",
                .default_text = "1 h",
                .minimum = 0.0,
                .minimum_exclusive = true});
    s.quantity(&TrainingJobSpec::checkpoint_cost_s, Dimension::duration,
               {.key = "checkpoint_cost",
                .doc = "Time a checkpoint stalls training.",
                .example = "1 min",
                .default_text = "1 min",
                .minimum = 0.0});
    s.quantity(&TrainingJobSpec::restart_overhead_s, Dimension::duration,
               {.key = "restart_overhead",
                .doc = "Time to restart after an interruption.",
                .example = "10 min",
                .default_text = "10 min",
                .minimum = 0.0});
    s.integer(
        &TrainingJobSpec::priority,
        {.key = "priority", .doc = "Higher runs first.", .example = "10", .default_text = "0"});
    s.boolean(&TrainingJobSpec::preemptible,
              {.key = "preemptible",
               .doc = "Whether an inference service reclaiming its cluster's GPUs may stop the "
                      "job (it resumes from its last checkpoint after a restart).",
               .example = "false",
               .default_text = "true"});
    s.texts(&TrainingJobSpec::after, {.key = "after",
                                      .doc = "Jobs that must finish first.",
                                      .example = "[pretrain]",
                                      .default_text = "[]"});
    s.boolean(&TrainingJobSpec::capability_equivalent,
              {.key = "capability_equivalent",
               .doc = "True: the FLOPs are for a capability, and shrink with algorithmic "
                      "efficiency gains; false: fixed compute.",
               .example = "true",
               .default_text = "false"});
    s.quantity(&TrainingJobSpec::global_batch_tokens, Dimension::tokens,
               {.key = "global_batch",
                .doc = "Tokens per optimiser step, for the communication share of a step: "
                       "Llama 3 405B ran at 16M (The Llama 3 Herd of Models, 2024).",
                .example = "16M tokens",
                .default_text = "16M tokens",
                .minimum = 0.0,
                .minimum_exclusive = true});
    s.quantity(&TrainingJobSpec::communication_overlap, Dimension::fraction,
               {.key = "communication_overlap",
                .doc = "Share of the gradient all-reduce hidden behind computation (an "
                       "assumption: the backward pass hides about half).",
                .example = "50%",
                .default_text = "50%",
                .minimum = 0.0,
                .maximum = 1.0});
    s.text(&TrainingJobSpec::cluster, {.key = "cluster",
                                       .doc = "Pin to a cluster.",
                                       .example = "rsc-h100",
                                       .default_text = "\"\" (any)"});
    return s;
  }();
  return schema;
}

const RecordSchema<JobGeneratorSpec>& generator_schema() {
  static const RecordSchema<JobGeneratorSpec> schema = [] {
    RecordSchema<JobGeneratorSpec> s(
        "job generator",
        "Stochastic training jobs, shaped like public GPU cluster traces: most jobs small and "
        "short, a heavy tail of large, long ones (lognormal GPU counts and durations; Jeon et "
        "al., \"Analysis of Large-Scale Multi-Tenant GPU Clusters for DNN Training Workloads\", "
        "USENIX ATC 2019, on Microsoft's Philly trace). Tenants are drawn by their shares.");
    s.quantity(&JobGeneratorSpec::arrivals_per_s, Dimension::frequency,
               {.key = "arrivals",
                .doc = "Job arrivals at the start; 0 turns it off.",
                .example = "40/month",
                .default_text = "0/month",
                .minimum = 0.0});
    s.quantity(&JobGeneratorSpec::growth_per_year, Dimension::multiplier,
               {.key = "growth_per_year",
                .doc = "Arrival rate multiple per year.",
                .example = "1.5x",
                .default_text = "1x",
                .minimum = 0.0,
                .minimum_exclusive = true});
    s.date(&JobGeneratorSpec::from,
           {.key = "from", .doc = "First arrival; absent: the start.", .example = "2025-01-01"});
    s.date(&JobGeneratorSpec::until,
           {.key = "until", .doc = "Last arrival; absent: the end.", .example = "2026-01-01"});
    s.integer(&JobGeneratorSpec::gpus_median, {.key = "gpus_median",
                                               .doc = "Median GPUs per job.",
                                               .example = "64",
                                               .default_text = "64",
                                               .minimum = 1.0});
    s.real(&JobGeneratorSpec::gpus_sigma, {.key = "gpus_sigma",
                                           .doc = "Lognormal σ of GPUs per job.",
                                           .example = "1.2",
                                           .default_text = "1.2",
                                           .minimum = 0.0,
                                           .maximum = 5.0});
    s.integer(&JobGeneratorSpec::gpus_max, {.key = "gpus_max",
                                            .doc = "Largest job in GPUs.",
                                            .example = "4096",
                                            .default_text = "4096",
                                            .minimum = 1.0});
    s.quantity(&JobGeneratorSpec::duration_median_s, Dimension::duration,
               {.key = "duration_median",
                .doc = "Median run time on H100s at the job's MFU (faster parts finish sooner).",
                .example = "12 h",
                .default_text = "12 h",
                .minimum = 0.0,
                .minimum_exclusive = true});
    s.real(&JobGeneratorSpec::duration_sigma, {.key = "duration_sigma",
                                               .doc = "Lognormal σ of run times.",
                                               .example = "1.0",
                                               .default_text = "1.0",
                                               .minimum = 0.0,
                                               .maximum = 5.0});
    s.quantity(&JobGeneratorSpec::base_mfu, Dimension::fraction,
               {.key = "base_mfu",
                .doc = "MFU of generated jobs.",
                .example = "40%",
                .default_text = "40%",
                .minimum = 0.0,
                .maximum = 1.0,
                .minimum_exclusive = true});
    return s;
  }();
  return schema;
}

const RecordSchema<TrainingSpec>& training_schema() {
  static const RecordSchema<TrainingSpec> schema = [] {
    RecordSchema<TrainingSpec> s("training", "Training jobs and how they are scheduled.");
    s.choice(&TrainingSpec::policy,
             std::vector<std::pair<std::string, SchedulerPolicy>>{
                 {"fifo", SchedulerPolicy::fifo},
                 {"priority", SchedulerPolicy::priority},
                 {"easy_backfill", SchedulerPolicy::easy_backfill}},
             {.key = "policy",
              .doc = "Gang-scheduling policy.",
              .example = "easy_backfill",
              .default_text = "fifo"});
    s.choice(&TrainingSpec::sharing,
             std::vector<std::pair<std::string, SharingPolicy>>{
                 {"none", SharingPolicy::none},
                 {"quota", SharingPolicy::quota},
                 {"fair_share", SharingPolicy::fair_share}},
             {.key = "sharing",
              .doc = "How tenants share: quota (never more than its share of the GPUs), "
                     "fair_share (the tenant granted the fewest GPU-hours for its share goes "
                     "first) or none.",
              .example = "fair_share",
              .default_text = "none"});
    s.boolean(&TrainingSpec::cross_cluster,
              {.key = "cross_cluster",
               .doc = "Let a job that no single cluster can hold span clusters of the same "
                      "accelerator at the same site (its communication is modelled on the "
                      "first cluster's fabric).",
               .example = "true",
               .default_text = "false"});
    s.records(&TrainingSpec::tenants, tenant_schema(),
              {.key = "tenants", .doc = "Tenants with shares.", .default_text = "[]"});
    s.records(&TrainingSpec::jobs, job_schema(),
              {.key = "jobs", .doc = "Explicit jobs.", .default_text = "[]"});
    s.record(&TrainingSpec::generator, generator_schema(),
             {.key = "generator", .doc = "Stochastic jobs.", .default_text = "(off)"});
    return s;
  }();
  return schema;
}

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
    s.choice(&ModelSpec::precision, kPrecisions,
             {.key = "precision",
              .doc = "Weight and compute precision.",
              .example = "fp8",
              .default_text = "fp8"});
    s.quantity(&ModelSpec::context_tokens, Dimension::tokens,
               {.key = "context",
                .doc = "Average KV-cache length per sequence: 4,989 tokens in DeepSeek's "
                       "V3/R1 serving day (DeepSeek inference system overview, 2025-02).",
                .example = "4989 tokens",
                .default_text = "4989 tokens",
                .minimum = 0.0,
                .minimum_exclusive = true});
    s.quantity(&ModelSpec::kv_bytes_per_token, Dimension::data,
               {.key = "kv_bytes_per_token",
                .doc = "KV-cache bytes per token of context.",
                .example = "70 KB",
                .minimum = 0.0,
                .minimum_exclusive = true});
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
                .minimum = 0.0,
                .minimum_exclusive = true});
    s.quantity(&ThroughputSpec::decode_tokens_per_s_per_node, Dimension::token_rate,
               {.key = "decode_per_node",
                .doc = "Output tokens per second per node in decode.",
                .example = "14.8K tokens/s",
                .minimum = 0.0,
                .minimum_exclusive = true});
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

const RecordSchema<ServiceSpec>& service_schema() {
  static const RecordSchema<ServiceSpec> schema = [] {
    RecordSchema<ServiceSpec> s("service", "An inference service.");
    s.text(&ServiceSpec::name,
           {.key = "name", .doc = "Unique service name.", .example = "chat", .required = true});
    s.text(&ServiceSpec::accelerator, {.key = "accelerator",
                                       .doc = "Catalog part it runs on.",
                                       .example = "H800-SXM",
                                       .required = true});
    s.text(&ServiceSpec::cluster,
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
    s.quantity(&ServiceSpec::target_utilisation, Dimension::fraction,
               {.key = "target_utilisation",
                .doc = "Load per replica the sizing aims at.",
                .example = "80%",
                .default_text = "80%",
                .minimum = 0.0,
                .maximum = 1.0,
                .minimum_exclusive = true});
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
                .minimum = 0.0,
                .minimum_exclusive = true});
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

const RecordSchema<InferenceSpec>& inference_schema() {
  static const RecordSchema<InferenceSpec> schema = [] {
    RecordSchema<InferenceSpec> s("inference", "Inference services.");
    s.records(&InferenceSpec::services, service_schema(),
              {.key = "services", .doc = "The services.", .default_text = "[]"});
    return s;
  }();
  return schema;
}

const RecordSchema<EfficiencyStepSpec>& step_schema() {
  static const RecordSchema<EfficiencyStepSpec> schema = [] {
    RecordSchema<EfficiencyStepSpec> s("efficiency step", "A one-time efficiency gain.");
    s.choice(
        &EfficiencyStepSpec::kind, kEfficiencyKinds,
        {.key = "kind", .doc = "What gets cheaper.", .example = "inference", .required = true});
    s.quantity(&EfficiencyStepSpec::factor, Dimension::multiplier,
               {.key = "factor",
                .doc = "Compute for the same work divides by this.",
                .example = "10x",
                .required = true,
                .minimum = 0.0,
                .minimum_exclusive = true});
    s.date(&EfficiencyStepSpec::date, {.key = "date",
                                       .doc = "When the gain applies.",
                                       .example = "2025-01-20",
                                       .required = true});
    return s;
  }();
  return schema;
}

const RecordSchema<EfficiencyTrendSpec>& trend_schema() {
  static const RecordSchema<EfficiencyTrendSpec> schema = [] {
    RecordSchema<EfficiencyTrendSpec> s(
        "efficiency trend",
        "A steady gain: compute for a fixed result halves every `halving_time`. Algorithmic "
        "progress in LLMs: about 8 months (Ho et al., 2024).");
    s.choice(&EfficiencyTrendSpec::kind, kEfficiencyKinds,
             {.key = "kind", .doc = "What gets cheaper.", .example = "training", .required = true});
    s.quantity(&EfficiencyTrendSpec::halving_time_s, Dimension::duration,
               {.key = "halving_time",
                .doc = "Time for compute per result to halve.",
                .example = "8 months",
                .required = true,
                .minimum = 0.0,
                .minimum_exclusive = true});
    s.date(
        &EfficiencyTrendSpec::from,
        {.key = "from", .doc = "Start of the trend.", .example = "2025-01-01", .required = true});
    s.date(&EfficiencyTrendSpec::until,
           {.key = "until", .doc = "End of the trend; absent: none.", .example = "2030-01-01"});
    return s;
  }();
  return schema;
}

const RecordSchema<EfficiencySpec>& efficiency_schema() {
  static const RecordSchema<EfficiencySpec> schema = [] {
    RecordSchema<EfficiencySpec> s("efficiency", "Efficiency gains over time.");
    s.records(&EfficiencySpec::steps, step_schema(),
              {.key = "steps", .doc = "One-time gains.", .default_text = "[]"});
    s.records(&EfficiencySpec::trends, trend_schema(),
              {.key = "trends", .doc = "Steady gains.", .default_text = "[]"});
    return s;
  }();
  return schema;
}

const RecordSchema<DemandFeedbackSpec>& feedback_schema() {
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

const RecordSchema<OrderSpec>& order_schema() {
  static const RecordSchema<OrderSpec> schema = [] {
    RecordSchema<OrderSpec> s("order", "A GPU order of the fixed build-out schedule.");
    s.text(&OrderSpec::accelerator,
           {.key = "accelerator", .doc = "Catalog part.", .example = "GB200", .required = true});
    s.integer(&OrderSpec::gpus, {.key = "gpus",
                                 .doc = "GPUs ordered.",
                                 .example = "100000",
                                 .required = true,
                                 .minimum = 1.0});
    s.text(&OrderSpec::site, {.key = "site",
                              .doc = "Where they are installed.",
                              .example = "hyperion",
                              .required = true});
    s.date(&OrderSpec::order_date, {.key = "order_date",
                                    .doc = "When the order is placed.",
                                    .example = "2025-03-01",
                                    .required = true});
    s.quantity(&OrderSpec::lead_time_s, Dimension::duration,
               {.key = "lead_time",
                .doc = "Supply lead time; absent: the planner's.",
                .example = "12 weeks",
                .minimum = 0.0});
    s.text(&OrderSpec::cluster, {.key = "cluster",
                                 .doc = "Cluster the GPUs form.",
                                 .example = "hyperion-gb200",
                                 .default_text = "\"\" (order-N)"});
    return s;
  }();
  return schema;
}

const RecordSchema<VendorCapSpec>& vendor_cap_schema() {
  static const RecordSchema<VendorCapSpec> schema = [] {
    RecordSchema<VendorCapSpec> s("vendor cap", "Most GPUs of a part a vendor allocates.");
    s.text(&VendorCapSpec::accelerator,
           {.key = "accelerator", .doc = "Catalog part.", .example = "GB200", .required = true});
    s.integer(&VendorCapSpec::gpus_per_quarter, {.key = "gpus_per_quarter",
                                                 .doc = "Allocation per calendar quarter.",
                                                 .example = "50000",
                                                 .required = true,
                                                 .minimum = 0.0});
    return s;
  }();
  return schema;
}

const RecordSchema<BudgetChangeSpec>& budget_change_schema() {
  static const RecordSchema<BudgetChangeSpec> schema = [] {
    RecordSchema<BudgetChangeSpec> s("budget change", "A new budget per period from a date on.");
    s.date(&BudgetChangeSpec::from, {.key = "from",
                                     .doc = "First day of the new budget.",
                                     .example = "2026-01-01",
                                     .required = true});
    s.quantity(&BudgetChangeSpec::budget_per_period_usd, Dimension::money,
               {.key = "budget_per_period",
                .doc = "Spend per budget period from then on.",
                .example = "$25B",
                .required = true,
                .minimum = 0.0});
    return s;
  }();
  return schema;
}

const RecordSchema<PlannerSpec>& planner_schema() {
  static const RecordSchema<PlannerSpec> schema = [] {
    RecordSchema<PlannerSpec> s("planner", "How capacity is added.");
    s.choice(&PlannerSpec::policy,
             std::vector<std::pair<std::string, PlannerPolicy>>{{"fixed", PlannerPolicy::fixed},
                                                                {"budget", PlannerPolicy::budget},
                                                                {"demand", PlannerPolicy::demand}},
             {.key = "policy",
              .doc = "fixed: the orders listed; budget: spend per period; "
                     "demand: meet forecast demand.",
              .example = "budget",
              .default_text = "fixed"});
    s.quantity(&PlannerSpec::lead_time_s, Dimension::duration,
               {.key = "lead_time",
                .doc = "GPU server lead time: 36-52 weeks in late 2023, 8-12 weeks by April "
                       "2024 (Omdia; Dell, reported).",
                .example = "12 weeks",
                .default_text = "26 weeks",
                .minimum = 0.0});
    s.records(&PlannerSpec::orders, order_schema(),
              {.key = "orders", .doc = "Explicit orders (fixed policy).", .default_text = "[]"});
    s.quantity(&PlannerSpec::budget_per_period_usd, Dimension::money,
               {.key = "budget_per_period",
                .doc = "Spend per budget period.",
                .example = "$15B",
                .minimum = 0.0});
    s.choice(&PlannerSpec::budget_period, kPeriods,
             {.key = "budget_period",
              .doc = "Period of the budget.",
              .example = "quarter",
              .default_text = "quarter"});
    s.records(&PlannerSpec::budget_changes, budget_change_schema(),
              {.key = "budget_changes", .doc = "Later budgets, by date.", .default_text = "[]"});
    s.choice(&PlannerSpec::value_precision, kPrecisions,
             {.key = "value_precision",
              .doc = "Precision whose dense peak FLOP/s the budget planner buys the most of "
                     "per dollar; parts without it are not bought.",
              .example = "fp8",
              .default_text = "bf16"});
    s.quantity(&PlannerSpec::service_life_s, Dimension::duration,
               {.key = "service_life",
                .doc = "Service life of the GPUs the planner buys.",
                .example = "5 y",
                .default_text = "6 y",
                .minimum = 0.0,
                .minimum_exclusive = true});
    s.records(&PlannerSpec::vendor_caps, vendor_cap_schema(),
              {.key = "vendor_caps", .doc = "Vendor allocation caps.", .default_text = "[]"});
    s.quantity(&PlannerSpec::target_utilisation, Dimension::fraction,
               {.key = "target_utilisation",
                .doc = "Utilisation the demand planner aims at.",
                .example = "80%",
                .default_text = "80%",
                .minimum = 0.0,
                .maximum = 1.0,
                .minimum_exclusive = true});
    s.choice(&PlannerSpec::forecast,
             std::vector<std::pair<std::string, ForecastMethod>>{{"model", ForecastMethod::model},
                                                                 {"fit", ForecastMethod::fit}},
             {.key = "forecast",
              .doc = "How the demand planner sees serving demand a lead time ahead: model (the "
                     "demand curve, efficiency gains and demand feedback, as the scenario "
                     "defines them) or fit (an exponential least-squares fit of the demand "
                     "observed in the last forecast_periods planning periods, as a planner "
                     "without the model would extrapolate it, jumps included; until two "
                     "periods are observed, demand as it stands).",
              .example = "fit",
              .default_text = "model"});
    s.integer(&PlannerSpec::forecast_periods, {.key = "forecast_periods",
                                               .doc = "Planning periods a fit looks back on.",
                                               .example = "6",
                                               .default_text = "4",
                                               .minimum = 2.0,
                                               .maximum = 100.0});
    return s;
  }();
  return schema;
}

const RecordSchema<EconomicsSpec>& economics_schema() {
  static const RecordSchema<EconomicsSpec> schema = [] {
    RecordSchema<EconomicsSpec> s("economics", "Depreciation and running costs.");
    s.quantity(&EconomicsSpec::utilisation, Dimension::fraction,
               {.key = "utilisation",
                .doc = "Share of available GPUs busy, for power and energy, where no workload "
                       "model drives them (an assumption of the scenario: state its source).",
                .example = "70%",
                .default_text = "70%",
                .minimum = 0.0,
                .maximum = 1.0});
    s.quantity(&EconomicsSpec::server_life_s, Dimension::duration,
               {.key = "server_life",
                .doc = "Straight-line depreciation life of servers: 6 y at Microsoft and "
                       "Alphabet, 5.5 y at Meta (10-K filings, 2025).",
                .example = "5.5 y",
                .default_text = "6 y",
                .minimum = 0.0,
                .minimum_exclusive = true});
    s.quantity(&EconomicsSpec::facility_life_s, Dimension::duration,
               {.key = "facility_life",
                .doc = "Depreciation life of the facility.",
                .example = "20 y",
                .default_text = "20 y",
                .minimum = 0.0,
                .minimum_exclusive = true});
    s.quantity(&EconomicsSpec::maintenance_share_per_year, Dimension::fraction,
               {.key = "maintenance_share",
                .doc = "Maintenance per year as a share of capex.",
                .example = "3%",
                .default_text = "3%",
                .minimum = 0.0,
                .maximum = 1.0});
    s.quantity(&EconomicsSpec::staff_cost_per_year_usd, Dimension::money,
               {.key = "staff_cost_per_year",
                .doc = "Operations staff per year.",
                .example = "$20M",
                .default_text = "$0",
                .minimum = 0.0});
    s.quantity(&EconomicsSpec::rental_price_usd_per_gpu_s, Dimension::money_per_gpu_time,
               {.key = "rental_price",
                .doc = "Price per GPU-hour when costing by rental instead of ownership "
                       "(DeepSeek-V3 report assumes $2 per H800 GPU-hour).",
                .example = "2 USD/GPU-hour",
                .minimum = 0.0});
    s.quantity(&EconomicsSpec::funds_usd, Dimension::money,
               {.key = "funds",
                .doc = "Money for capex and opex over the run. The budget and demand "
                       "planners order nothing the funds left (after what is spent and "
                       "committed) cannot pay; the summary gives the date spending exhausts "
                       "them.",
                .example = "$1B",
                .minimum = 0.0});
    return s;
  }();
  return schema;
}

const RecordSchema<FailuresSpec>& failures_schema() {
  static const RecordSchema<FailuresSpec> schema = [] {
    RecordSchema<FailuresSpec> s("failures", "GPU failures and repairs.");
    s.quantity(&FailuresSpec::annual_failure_rate, Dimension::fraction,
               {.key = "annual_failure_rate",
                .doc = "Failures per GPU per year. Llama 3's 419 unexpected interruptions in "
                       "54 days on 16,384 GPUs are 17% per GPU-year of interruptions, about "
                       "half of them GPU or HBM faults (Llama 3 Herd of Models, 2024).",
                .example = "9%",
                .default_text = "9%",
                .minimum = 0.0,
                .maximum = 10.0});
    s.quantity(&FailuresSpec::repair_time_s, Dimension::duration,
               {.key = "repair_time",
                .doc = "Time a failed GPU is out of service.",
                .example = "3 d",
                .default_text = "3 d",
                .minimum = 0.0});
    return s;
  }();
  return schema;
}

const RecordSchema<OutputsSpec>& outputs_schema() {
  static const RecordSchema<OutputsSpec> schema = [] {
    RecordSchema<OutputsSpec> s("outputs", "Which files `capsim run --out DIR` writes.");
    s.boolean(
        &OutputsSpec::timeseries,
        {.key = "timeseries", .doc = "timeseries.csv", .example = "true", .default_text = "true"});
    s.boolean(&OutputsSpec::jobs,
              {.key = "jobs", .doc = "jobs.csv", .example = "true", .default_text = "true"});
    s.boolean(
        &OutputsSpec::buildout,
        {.key = "buildout", .doc = "buildout.csv", .example = "true", .default_text = "true"});
    s.boolean(&OutputsSpec::summary,
              {.key = "summary", .doc = "summary.json", .example = "true", .default_text = "true"});
    return s;
  }();
  return schema;
}

}  // namespace

const RecordSchema<Scenario>& scenario_schema() {
  static const RecordSchema<Scenario> schema = [] {
    RecordSchema<Scenario> s("scenario file",
                             "A whole scenario. `extends: base.yaml` (or a list) merges this "
                             "file over others first.");
    s.record(&Scenario::scenario, meta_schema(),
             {.key = "scenario", .doc = "Name, start, horizon, period, seed.", .required = true});
    s.record(&Scenario::catalog, catalog_schema(),
             {.key = "catalog", .doc = "Hardware parts.", .default_text = "built-in catalog"});
    s.records(&Scenario::sites, site_schema(),
              {.key = "sites", .doc = "Datacenter sites.", .default_text = "[]"});
    s.records(&Scenario::clusters, cluster_schema(),
              {.key = "clusters", .doc = "GPU pools.", .default_text = "[]"});
    s.record(&Scenario::training, training_schema(),
             {.key = "training", .doc = "Training workload.", .default_text = "(none)"});
    s.record(&Scenario::inference, inference_schema(),
             {.key = "inference", .doc = "Inference workload.", .default_text = "(none)"});
    s.record(&Scenario::efficiency, efficiency_schema(),
             {.key = "efficiency", .doc = "Efficiency timeline.", .default_text = "(none)"});
    s.record(&Scenario::demand_feedback, feedback_schema(),
             {.key = "demand_feedback", .doc = "Price-elastic demand.", .default_text = "(off)"});
    s.record(&Scenario::planner, planner_schema(),
             {.key = "planner", .doc = "Capacity planner.", .default_text = "(fixed)"});
    s.record(&Scenario::economics, economics_schema(),
             {.key = "economics", .doc = "Costs.", .default_text = "(see economics)"});
    s.record(&Scenario::failures, failures_schema(),
             {.key = "failures", .doc = "Failures.", .default_text = "(see failures)"});
    s.record(&Scenario::outputs, outputs_schema(),
             {.key = "outputs", .doc = "Output files.", .default_text = "(all)"});
    return s;
  }();
  return schema;
}

}  // namespace capsim::scenario
