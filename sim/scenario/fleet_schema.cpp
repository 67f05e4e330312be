// The scenario's hardware and where it runs: the catalog, sites, clusters and failures.

#include "capsim/scenario/scenario_schema.hpp"

namespace capsim::scenario {

namespace {

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

const RecordSchema<ConstructionTaskSpec>& task_schema() {
  static const RecordSchema<ConstructionTaskSpec> schema = [] {
    RecordSchema<ConstructionTaskSpec> s(
        "construction task",
        "One task of a site's construction plan (land, permits, grid interconnect, shell, "
        "power and cooling, fit-out). Tasks form a DAG through `after`.");
    s.name(&ConstructionTaskSpec::name,
           {.key = "name",
            .doc = "Unique within the site; what `after` and `ready_after` name (no output "
                   "shows it).",
            .example = "grid_interconnect",
            .required = true,
            .informative = true});
    s.quantity(&ConstructionTaskSpec::duration_s, Dimension::duration,
               {.key = "duration",
                .doc = "How long the task takes once it can start.",
                .example = "128 weeks",
                .required = true,
                .minimum = 0.0});
    s.names(&ConstructionTaskSpec::after, {.key = "after",
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
    s.name(&PowerPhaseSpec::ready_after,
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

const RecordSchema<CarbonIntensityChangeSpec>& carbon_change_schema() {
  static const RecordSchema<CarbonIntensityChangeSpec> schema = [] {
    RecordSchema<CarbonIntensityChangeSpec> s("carbon intensity change",
                                              "A new grid carbon intensity from a date on.");
    s.date(&CarbonIntensityChangeSpec::from, {.key = "from",
                                              .doc = "First day of the new intensity.",
                                              .example = "2027-01-01",
                                              .required = true});
    s.quantity(&CarbonIntensityChangeSpec::g_per_j, Dimension::carbon_intensity,
               {.key = "intensity",
                .doc = "Grid carbon intensity.",
                .example = "350 gCO2e/kWh",
                .required = true,
                .minimum = 0.0});
    return s;
  }();
  return schema;
}

const RecordSchema<FabricSpec>& fabric_schema() {
  static const RecordSchema<FabricSpec> schema = [] {
    RecordSchema<FabricSpec> s("fabric", "The cluster's scale-out network.");
    // Both trees give the same cross-leaf bandwidth for the same shape (the cut model in
    // model/training/fabric.hpp), so the topology changed no figure.
    s.retired("topology",
              "leaf-spine and rail-optimised trees of one shape give the same cross-leaf "
              "bandwidth in capsim's fabric model, which takes gpus_per_node, nodes_per_leaf, "
              "link_bandwidth and oversubscription; remove the key");
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

const RecordSchema<ListPrice>& list_price_schema() {
  static const RecordSchema<ListPrice> schema = [] {
    RecordSchema<ListPrice> s("list price", "A dated list price; it holds until the next one.");
    s.date(&ListPrice::date, {.key = "date",
                              .doc = "From when the price holds.",
                              .example = "2024-Q1",
                              .required = true});
    s.quantity(&ListPrice::price_usd, Dimension::money,
               {.key = "price",
                .doc = "All-in price per GPU, as price_installed_per_gpu.",
                .example = "$35K",
                .required = true,
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
    s.name(&AcceleratorSpec::name, {.key = "name",
                                    .doc = "Unique id that clusters and orders use.",
                                    .example = "H100-SXM",
                                    .required = true});
    s.name(&AcceleratorSpec::vendor, {.key = "vendor",
                                      .doc = "Maker.",
                                      .example = "NVIDIA",
                                      .default_text = "\"\"",
                                      .informative = true});
    s.prose(
        &AcceleratorSpec::description,
        {.key = "description", .doc = "Free text.", .default_text = "\"\"", .informative = true});
    s.date(&AcceleratorSpec::first_ship,
           {.key = "first_ship",
            .doc = "Start of volume shipments: planners cannot buy it earlier.",
            .example = "2022-Q4",
            .required = true});
    s.date(&AcceleratorSpec::end_of_sale,
           {.key = "end_of_sale",
            .doc = "End of sale: the last order date is the day before. Planners buy only "
                   "while first_ship <= order date < end_of_sale, and a fixed-plan order on or "
                   "after it is an error. Without it the part stays on sale.",
            .example = "2024-Q1"});
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
                .doc = "GPU board or module power, as the datasheet gives it: for reference, "
                       "the power drawn comes from server_power_per_gpu and "
                       "idle_server_power_per_gpu.",
                .example = "700 W",
                .required = true,
                .minimum = 0.0,
                .minimum_exclusive = true,
                .informative = true});
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
                .doc = "All-in capex per GPU at launch (first_ship): server, network and "
                       "storage share; the facility is charged per MW at the site. A part "
                       "without one is not sold (cloud-rented only): planners never buy it, and "
                       "a cluster or order of it must give one.",
                .example = "$43K",
                .minimum = 0.0,
                .minimum_exclusive = true});
    s.quantity(&AcceleratorSpec::embodied_carbon_per_gpu_g, Dimension::carbon_mass,
               {.key = "embodied_carbon_per_gpu",
                .doc = "Embodied (cradle-to-gate) emissions of the GPU server per GPU, amortised "
                       "over economics.server_life like its value. Absent: no published figure, "
                       "counted as zero and named in the summary's parts_without_embodied_carbon. "
                       "A100: 318 kgCO2e (Chien et al., HotCarbon '23, 2023-07).",
                .example = "318 kgCO2e",
                .minimum = 0.0,
                .maximum = 100e6});
    s.records(&AcceleratorSpec::list_prices, list_price_schema(),
              {.key = "list_prices",
               .doc = "Later list prices per GPU, dates ascending and after first_ship; an order "
                      "pays the latest at or before its date (the launch price before the "
                      "first).",
               .default_text = "[]"});
    s.real(&AcceleratorSpec::price_decline_per_year,
           {.key = "price_decline_per_year",
            .doc = "Yearly fall of the price, compounded from the latest list price (or "
                   "first_ship) to the order date, in years of 365.25 days.",
            .example = "0.15",
            .default_text = "0",
            .minimum = 0.0,
            .maximum = 0.9});
    return s;
  }();
  return schema;
}

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

const RecordSchema<SiteSpec>& site_schema() {
  static const RecordSchema<SiteSpec> schema = [] {
    RecordSchema<SiteSpec> s("site", "A datacenter site: power, cost and construction plan.");
    s.name(&SiteSpec::name,
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
    s.quantity(&SiteSpec::grid_carbon_g_per_j, Dimension::carbon_intensity,
               {.key = "grid_carbon_intensity",
                .doc = "Emissions of the grid's electricity at the start. Default: the US "
                       "average, 1.65 billion t of CO2 from 4.23 trillion kWh in 2022 (EIA, "
                       "\"How much carbon dioxide is produced per kilowatthour of U.S. "
                       "electricity generation?\", FAQ, 2023, 2022 data; CO2 only).",
                .example = "390 gCO2e/kWh",
                .default_text = "390 gCO2e/kWh",
                .minimum = 0.0});
    s.records(&SiteSpec::grid_carbon_changes, carbon_change_schema(),
              {.key = "grid_carbon_changes",
               .doc = "Later grid intensities, by date (a yearly path: one entry a year).",
               .default_text = "[]"});
    s.quantity(&SiteSpec::clean_power_share, Dimension::fraction,
               {.key = "clean_power_share",
                .doc = "Share of the site's energy bought under clean power purchase agreements, "
                       "counted at zero emissions (market-based accounting); the rest at the "
                       "grid's intensity.",
                .example = "60%",
                .default_text = "0%",
                .minimum = 0.0,
                .maximum = 1.0});
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
    s.quantity(&SiteSpec::construction_delay_s, Dimension::duration,
               {.key = "construction_delay",
                .doc = "A delay to the construction plan (a what-if: permits, the grid "
                       "interconnection queue, late equipment): every task that waits for no "
                       "other starts this much after the construction start, so each phase a "
                       "task brings online comes this much later and its payments spread over "
                       "the longer build; phases online at the start are not delayed. Added to "
                       "the scenario's top-level construction_delay. Planners know it when they "
                       "start a site.",
                .example = "6 months",
                .default_text = "0 s",
                .minimum = 0.0,
                .maximum = 50.0 * kSecondsPerYear});
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

const RecordSchema<NonServerPowerSpec>& non_server_power_schema() {
  // Defaults and their sources: kDefaultNetworkPowerPerGpuW and kDefaultStoragePowerPerGpuW.
  static const RecordSchema<NonServerPowerSpec> schema = [] {
    RecordSchema<NonServerPowerSpec> s(
        "non_server_power",
        "IT power beside the GPU servers (whose hosts, NICs and fans are in the catalog's "
        "server_power_per_gpu), per GPU, drawn whenever the GPUs are installed and claimed "
        "from the site's power with them.");
    s.quantity(&NonServerPowerSpec::network_per_gpu_w, Dimension::power,
               {.key = "network_per_gpu",
                .doc = "Switches and optics of the compute, storage and management networks. "
                       "Default: NVIDIA's DGX SuperPOD reference architecture (DGX B200, "
                       "RA-11334-001, 2025-04): 60 Quantum-2 switches at 1.72 kW with the "
                       "Ethernet switches and UFM, about 111.5 kW for 1,016 GPUs.",
                .example = "110 W",
                .default_text = "110 W",
                .minimum = 0.0,
                .maximum = 10e3});
    s.quantity(&NonServerPowerSpec::storage_per_gpu_w, Dimension::power,
               {.key = "storage_per_gpu",
                .doc = "Storage servers and management nodes. Default: SemiAnalysis's storage, "
                       "switches and optics at ~10% of a 100,000-H100 cluster's IT power "
                       "(2024-06, secondhand) less the network above.",
                .example = "32 W",
                .default_text = "32 W",
                .minimum = 0.0,
                .maximum = 10e3});
    return s;
  }();
  return schema;
}

const RecordSchema<ClusterSpec>& cluster_schema() {
  static const RecordSchema<ClusterSpec> schema = [] {
    RecordSchema<ClusterSpec> s("cluster",
                                "A pool of identical GPUs at a site: existing fleet or planned.");
    s.name(&ClusterSpec::name,
           {.key = "name", .doc = "Unique cluster name.", .example = "rsc-h100", .required = true});
    s.name(&ClusterSpec::site, {.key = "site",
                                .doc = "The site that hosts and powers it.",
                                .example = "abilene",
                                .required = true});
    s.name(&ClusterSpec::accelerator, {.key = "accelerator",
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
    s.record(&ClusterSpec::non_server_power, non_server_power_schema(),
             {.key = "non_server_power",
              .doc = "Its network and storage power.",
              .default_text = "(see non_server_power)"});
    return s;
  }();
  return schema;
}

namespace {

const std::vector<std::pair<std::string, FailureCategory>>& failure_category_choices() {
  static const std::vector<std::pair<std::string, FailureCategory>> choices = {
      {"gpu", FailureCategory::gpu},           {"hbm", FailureCategory::hbm},
      {"host", FailureCategory::host},         {"network", FailureCategory::network},
      {"software", FailureCategory::software}, {"storage", FailureCategory::storage},
      {"other", FailureCategory::other}};
  return choices;
}

const RecordSchema<FailureRateSpec>& failure_rate_schema() {
  static const RecordSchema<FailureRateSpec> schema = [] {
    RecordSchema<FailureRateSpec> s(
        "failure rate",
        "How often a cause strikes: `per_gpu_year`, or `count` in `days` on `gpus` as a study "
        "reports it (`{count: 148, days: 54, gpus: 16384}`).");
    s.real(&FailureRateSpec::per_gpu_year, {.key = "per_gpu_year",
                                            .doc = "Failures per GPU per year.",
                                            .example = "0.05",
                                            .minimum = 0.0,
                                            .maximum = 100.0});
    s.real(&FailureRateSpec::count, {.key = "count",
                                     .doc = "Failures observed in the window.",
                                     .example = "148",
                                     .minimum = 0.0,
                                     .maximum = 1e9});
    s.real(&FailureRateSpec::days, {.key = "days",
                                    .doc = "Days observed.",
                                    .example = "54",
                                    .minimum = 0.0,
                                    .maximum = 36525.0,
                                    .minimum_exclusive = true});
    s.count(&FailureRateSpec::gpus, {.key = "gpus",
                                     .doc = "GPUs observed.",
                                     .example = "16384",
                                     .minimum = 1.0,
                                     .maximum = 1e9});
    return s;
  }();
  return schema;
}

const RecordSchema<FailureCauseSpec>& failure_cause_schema() {
  static const RecordSchema<FailureCauseSpec> schema = [] {
    RecordSchema<FailureCauseSpec> s("failure cause", "One cause of GPU failures.");
    s.name(&FailureCauseSpec::name, {.key = "name",
                                     .doc = "Its name (a jobs.csv column: interruptions_<name>).",
                                     .example = "hbm",
                                     .required = true});
    s.choice(&FailureCauseSpec::category, failure_category_choices(),
             {.key = "category",
              .doc = "What failed: a label for the reader (the model treats every category "
                     "alike).",
              .example = "gpu",
              .default_text = "other",
              .informative = true});
    s.record(&FailureCauseSpec::rate, failure_rate_schema(),
             {.key = "rate", .doc = "How often.", .required = true});
    s.quantity(&FailureCauseSpec::repair_time_s, Dimension::duration,
               {.key = "repair_time",
                .doc = "How long the failed GPU is out of service (0: a restart on the same "
                       "GPU).",
                .example = "2.2 h",
                .default_text = "0 s",
                .minimum = 0.0,
                .maximum = 10.0 * kSecondsPerYear});
    s.boolean(&FailureCauseSpec::interrupts,
              {.key = "interrupts",
               .doc = "Whether it stops the job on the failed GPU (which loses its work since "
                      "its last checkpoint and restarts on healthy GPUs); false: a job rides "
                      "through it and only idle GPUs are taken out.",
               .example = "false",
               .default_text = "true"});
    return s;
  }();
  return schema;
}

}  // namespace

const RecordSchema<FailuresSpec>& failures_schema() {
  static const RecordSchema<FailuresSpec> schema = [] {
    RecordSchema<FailuresSpec> s(
        "failures",
        "GPU failures by cause. Each pool's GPUs fail as one Poisson process per cause; a "
        "failure under a training job stops it (docs/model.md).");
    s.records(&FailuresSpec::causes, failure_cause_schema(),
              {.key = "causes",
               .doc = "The causes. Default: the root causes of the Llama 3 405B run's 419 "
                      "unexpected interruptions in 54 days on 16,384 H100 (The Llama 3 Herd of "
                      "Models, 2024, Table 5), grouped: gpu 196 (faulty GPU, SRAM, system "
                      "processor, silent data corruption, thermal), hbm 72, software 56, "
                      "network 35, host 53 (unplanned maintenance, NIC, SSD, power supply, "
                      "chassis, IO board, CPU, memory), unknown 7 (NCCL watchdog timeouts). "
                      "Hardware causes repair in 2.2 h, the per-error recovery time of NCSA "
                      "Delta's A100/H100 GPUs (Characterizing GPU Resilience and Impact on "
                      "AI/HPC Systems, arXiv 2503.11901, 2025); software and unknown in 0 s.",
               .default_text = "(Llama 3's six causes)"});
    s.quantity(&FailuresSpec::annual_failure_rate, Dimension::fraction,
               {.key = "annual_failure_rate",
                .doc = "Shorthand for one interrupting cause, named `failure`, of this many "
                       "failures per GPU-year; replaces `causes` (give one or the other).",
                .example = "17%",
                .minimum = 0.0,
                .maximum = 10.0});
    s.quantity(&FailuresSpec::repair_time_s, Dimension::duration,
               {.key = "repair_time",
                .doc = "With `annual_failure_rate`: its cause's repair time (default 3 d).",
                .example = "3 d",
                .minimum = 0.0,
                .maximum = 10.0 * kSecondsPerYear});
    return s;
  }();
  return schema;
}

}  // namespace capsim::scenario
