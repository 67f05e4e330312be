#pragma once
/// The model's inputs: a whole scenario as plain, validated structs in canonical units
/// (seconds, watts, joules, USD, FLOP, bytes, tokens; rates per second; shares as fractions).
/// Defaults live here, as member initialisers; their sources are in the field documentation
/// (sim/scenario/scenario_schema.cpp, rendered in docs/scenarios.md). The scenario loader fills
/// them from YAML; tests build them directly; the model is constructed from them and never
/// sees YAML.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "capsim/core/time.hpp"

namespace capsim {

struct ScenarioMeta {
  std::string name;
  std::string description;
  Date start;
  std::optional<double> horizon_s;  ///< how long to run; or give `end`
  std::optional<Date> end;          ///< first day not simulated; or give `horizon_s`
  PeriodUnit reporting_period = PeriodUnit::month;
  std::int64_t seed = 1;
  /// Monte Carlo replications `capsim run` makes when given no --replications: each draws the
  /// uncertain inputs and seeds its random streams anew (docs/uncertainty.md).
  std::int64_t replications = 1;
  /// The end of the run in ticks from the start: `end` at midnight, or start + horizon.
  Tick end_tick() const;
  /// Seconds from the start to the end of the run.
  double horizon_seconds() const { return seconds_from_ticks(end_tick()); }
};

enum class Precision { bf16, fp8, fp4 };

struct PeakFlops {
  double bf16_flop_per_s = 0.0;
  std::optional<double> fp8_flop_per_s;
  std::optional<double> fp4_flop_per_s;
};

/// A dated list price per GPU (all-in, as price_installed_per_gpu): it holds from its date
/// until the next one.
struct ListPrice {
  Date date;
  double price_usd = 0.0;
};

struct AcceleratorSpec {
  std::string name;
  std::string vendor;
  std::string description;
  Date first_ship;
  /// The last order date is the day before; none when no end of sale is known.
  std::optional<Date> end_of_sale;
  PeakFlops peak_dense_flops;
  double hbm_capacity_bytes = 0.0;
  double hbm_bandwidth_bytes_per_s = 0.0;
  std::int64_t scale_up_domain = 8;
  double scale_up_bandwidth_bytes_per_s = 0.0;
  double tdp_w = 0.0;
  double server_power_per_gpu_w = 0.0;
  double idle_server_power_per_gpu_w = 0.0;
  /// The launch price (from first_ship); none for a part that is not sold (rented only).
  std::optional<double> price_installed_per_gpu_usd;
  std::vector<ListPrice> list_prices;   ///< later list prices, dates ascending
  double price_decline_per_year = 0.0;  ///< fraction a year, from the latest list price
  /// The GPU server's embodied (cradle-to-gate) emissions per GPU [gCO2e]; absent where no
  /// published figure was found (counted as zero, and the run says which parts lack one).
  std::optional<double> embodied_carbon_per_gpu_g;
  /// Peak dense FLOP/s at a precision, or nothing when the part lacks it.
  std::optional<double> peak_flop_per_s(Precision precision) const;
  /// On sale on `date`: first_ship <= date < end_of_sale.
  bool on_sale(const Date& date) const;
  /// The price per GPU of an order on `date`: the latest list price at or before it (the
  /// launch price before the first), less price_decline_per_year compounded over the years
  /// (of 365.25 days) since that price's date. None when the part has no purchase price.
  std::optional<double> price_per_gpu_at(const Date& date) const;
};

struct CatalogSpec {
  bool builtin = true;
  std::vector<std::string> include;
  /// After loading: every part of the built-in catalog, the included files and the scenario's
  /// own entries, overrides applied, in that order.
  std::vector<AcceleratorSpec> accelerators;
  const AcceleratorSpec* find(const std::string& name) const;
};

struct ConstructionTaskSpec {
  std::string name;
  double duration_s = 0.0;
  std::vector<std::string> after;
};

struct PowerPhaseSpec {
  double it_power_w = 0.0;
  std::string ready_after;  ///< a construction task; empty: ready at the site's start
};

struct PriceChangeSpec {
  Date from;
  double price_usd_per_j = 0.0;
};

struct CarbonIntensityChangeSpec {
  Date from;
  double g_per_j = 0.0;
};

/// The US average grid emission rate, 2022: 1.65 billion metric tons of CO2 from 4.23 trillion
/// kWh of utility-scale net generation, 0.86 lb/kWh (EIA, "How much carbon dioxide is produced
/// per kilowatthour of U.S. electricity generation?", FAQ 74, 2023 edition with 2022 data):
/// 390 g/kWh. CO2 only, as EIA gives it.
inline constexpr double kDefaultGridCarbonGPerJ = 0.39 / 3600.0;  // 0.39 g per Wh, as parsed

struct SiteSpec {
  std::string name;
  double it_power_cap_w = 0.0;
  double pue = 1.2;
  double electricity_price_usd_per_j = 80.0 / 3.6e9;
  std::vector<PriceChangeSpec> electricity_price_changes;
  double grid_carbon_g_per_j = kDefaultGridCarbonGPerJ;
  std::vector<CarbonIntensityChangeSpec> grid_carbon_changes;
  /// Share of the site's energy bought under clean power purchase agreements, counted at zero
  /// emissions (market-based accounting).
  double clean_power_share = 0.0;
  double cost_per_power_usd_per_w = 11.7;
  std::optional<Date> construction_start;
  /// A what-if: every task of the plan that waits for nothing waits this long first, so every
  /// phase built by the plan comes online this much later (added to Scenario's).
  double construction_delay_s = 0.0;
  std::vector<ConstructionTaskSpec> construction;
  std::vector<PowerPhaseSpec> phases;
};

enum class FabricTopology { leaf_spine, rail_optimised };

struct FabricSpec {
  std::int64_t gpus_per_node = 8;
  std::int64_t nodes_per_leaf = 32;
  double link_bandwidth_bytes_per_s = 400e9 / 8.0;
  double oversubscription = 1.0;
};

/// A cluster's IT power beside its GPU servers, per GPU, drawn whenever its GPUs are installed
/// (switches and storage do not idle with the GPUs). The servers' own hosts, NICs and fans are
/// in the catalog's server_power_per_gpu (a DGX's rated maximum).
///
/// Network: switches with their optics, for the compute, storage, in-band and out-of-band
/// networks. NVIDIA's DGX SuperPOD reference architecture for DGX B200 (RA-11334-001 V08,
/// 2025-04-24, Table 4.1) lists for 127 DGX (1,016 GPUs) 32 compute leaves, 16 compute spines,
/// 8 storage leaves and 4 storage spines (Quantum-2 QM9700, 1.72 kW each with optical cables,
/// NVIDIA QM9700 specifications) plus in-band and out-of-band Ethernet switches and UFM
/// appliances: about 111.5 kW, 110 W per GPU (arithmetic of the reference architecture's
/// counts; the SuperPOD's compute fabric is non-blocking, so an oversubscribed one draws less).
inline constexpr double kDefaultNetworkPowerPerGpuW = 110.0;
/// Storage servers and management nodes. SemiAnalysis ("100,000 H100 Clusters", 2024-06, as
/// summarised secondhand) puts storage servers, switches and optics at about 10% of a
/// cluster's IT power; with 1,275 W of DGX H100 server per GPU (NVIDIA DGX H100 User Guide:
/// 10.2 kW / 8) that share is 141.7 W per GPU, less the 110 W of network above: 31.7 W, 32 W.
inline constexpr double kDefaultStoragePowerPerGpuW = 32.0;
inline constexpr double kDefaultNonServerPowerPerGpuW =
    kDefaultNetworkPowerPerGpuW + kDefaultStoragePowerPerGpuW;

/// A cluster's network and storage power per GPU (of a scenario cluster, or of the clusters a
/// planner builds).
struct NonServerPowerSpec {
  double network_per_gpu_w = kDefaultNetworkPowerPerGpuW;
  double storage_per_gpu_w = kDefaultStoragePowerPerGpuW;
  double per_gpu_w() const { return network_per_gpu_w + storage_per_gpu_w; }
};

struct ClusterSpec {
  std::string name;
  std::string site;
  std::string accelerator;
  std::int64_t gpus = 0;
  Date online;
  double service_life_s = 6.0 * kSecondsPerYear;
  std::optional<double> utilisation;  ///< busy share; absent: economics.utilisation
  FabricSpec fabric;
  NonServerPowerSpec non_server_power;
};

enum class SchedulerPolicy { fifo, priority, easy_backfill };

struct TenantSpec {
  std::string name;
  double share = 0.0;
  std::int64_t priority = 0;
};

// Checkpoint and restart defaults, with their sources in the schema's documentation
// (sim/scenario/training_schema.cpp).
inline constexpr double kDefaultCheckpointWriteS = 67.0;
inline constexpr double kDefaultCheckpointSnapshotS = 10.0;
inline constexpr double kDefaultRestartOverheadS = 600.0;

struct TrainingJobSpec {
  std::string name;
  std::string tenant = "default";
  Date submit;
  std::optional<double> flops;
  std::optional<double> active_parameters;
  std::optional<double> tokens;
  Precision precision = Precision::bf16;
  std::int64_t gpus = 0;
  std::int64_t min_gpus = 0;  ///< 0: not elastic (runs only on `gpus`)
  double base_mfu = 0.40;
  /// Useful compute between checkpoints; absent: Young/Daly's sqrt(2·C·M) for the job's GPUs
  /// at the interrupting failure causes' rate, C the checkpoint's stall.
  std::optional<double> checkpoint_interval_s;
  /// Time to write a checkpoint to storage. Defaults: research notes, issue 14 section 4.
  double checkpoint_write_s = kDefaultCheckpointWriteS;
  /// Asynchronous: training stalls only for the in-memory snapshot, the write overlaps
  /// compute (the checkpoint counts once written); synchronous: it stalls for the write.
  bool checkpoint_async = true;
  double checkpoint_snapshot_s = kDefaultCheckpointSnapshotS;
  double restart_overhead_s = kDefaultRestartOverheadS;
  std::int64_t priority = 0;
  bool preemptible = true;  ///< serving may stop it to take its GPUs back
  std::vector<std::string> after;
  bool capability_equivalent = false;
  std::string cluster;  ///< empty: any cluster
  double global_batch_tokens = 16e6;
  double communication_overlap = 0.5;
};

enum class SharingPolicy { none, quota, fair_share };

/// A stochastic source of jobs: Poisson arrivals (growing by a yearly factor), lognormal GPU
/// counts and durations, tenants drawn by their shares.
struct JobGeneratorSpec {
  double arrivals_per_s = 0.0;  ///< at `from`; 0 turns the generator off
  double growth_per_year = 1.0;
  std::optional<Date> from;
  std::optional<Date> until;
  std::int64_t gpus_median = 64;
  double gpus_sigma = 1.2;
  std::int64_t gpus_max = 4096;
  double duration_median_s = 12 * 3600.0;
  double duration_sigma = 1.0;
  double base_mfu = 0.40;
};

struct TrainingSpec {
  SchedulerPolicy policy = SchedulerPolicy::fifo;
  SharingPolicy sharing = SharingPolicy::none;
  bool cross_cluster = false;
  /// Jobs behind the head a pass examines (Slurm's bf_max_job_test; gang_scheduler.hpp).
  std::int64_t backfill_depth = 100;
  std::vector<TenantSpec> tenants;
  std::vector<TrainingJobSpec> jobs;
  JobGeneratorSpec generator;
};

struct ModelSpec {
  std::optional<double> active_parameters;
  std::optional<double> total_parameters;
  Precision precision = Precision::fp8;
  std::optional<double> kv_bytes_per_token;
  /// Mean KV length of a sequence in decode; absent: from the requests' lengths, else 4,989.
  std::optional<double> context_tokens;
  std::optional<std::int64_t> layers;
  std::optional<double> hidden_size;
  std::optional<double> attention_width;  ///< absent: hidden_size
  std::optional<std::int64_t> experts;    ///< routed experts of a MoE model
  std::optional<std::int64_t> experts_per_token;
  std::optional<std::int64_t> moe_layers;        ///< layers with routed experts; absent: all
  std::optional<Precision> attention_precision;  ///< absent: precision
};

/// none: flat; exponential and logistic: given, or fitted to observations when there are
/// some; observed: piecewise-linear through the observations.
enum class GrowthKind { none, exponential, logistic, observed };

enum class DemandProfileKind { flat, deepseek_day, custom };

/// A service's demand at the scenario start, in tokens (input_tokens_per_s and
/// output_tokens_per_s) or in requests (requests_per_s × input_tokens_per_request, with the
/// service's output_tokens_per_request); the loader accepts exactly one of the two forms.
struct DemandSpec {
  std::optional<double> input_tokens_per_s;
  std::optional<double> output_tokens_per_s;
  std::optional<double> requests_per_s;
  std::optional<double> input_tokens_per_request;
  double cache_hit_share = 0.0;
  GrowthKind growth = GrowthKind::none;
  std::optional<double> growth_per_year;  ///< multiplier per year; exponential defaults to 1
  std::optional<double> saturation_tokens_per_s;
  /// A CSV of `date,value` rows, value = total (input + output) tokens per day; absolute once
  /// loaded. The loader reads it into `observations`.
  std::string observations_file;
  std::vector<std::pair<Date, double>> observations;
  std::optional<double> elasticity;  ///< absent: demand_feedback.elasticity
  DemandProfileKind profile = DemandProfileKind::flat;
  std::vector<double> hourly_weights;         ///< 24, local hours 0..23 (custom profile)
  std::vector<double> weekly_weights;         ///< 7, Monday..Sunday; empty: flat
  std::int64_t profile_utc_offset_hours = 0;  ///< local time of hourly_weights minus UTC
};

struct ThroughputSpec {
  std::optional<double> prefill_tokens_per_s_per_node;
  std::optional<double> decode_tokens_per_s_per_node;
  /// Colocated: output tokens/s per node at input_per_output input tokens per output token.
  std::optional<double> output_tokens_per_s_per_node;
  std::optional<double> input_per_output;
  std::int64_t gpus_per_node = 8;
};

/// automatic: disaggregated when throughput gives per-pool figures, else colocated.
enum class ServingModeSpec { automatic, disaggregated, colocated };

/// A replica's fixed degrees; none given: chosen. An absent degree of a given set is 1.
struct ParallelismSpec {
  std::optional<std::int64_t> tensor;
  std::optional<std::int64_t> pipeline;
  std::optional<std::int64_t> expert;
  bool given() const { return tensor || pipeline || expert; }
};

/// The roofline's calibration; the sources of these defaults are beside RooflineOptions'
/// members (model/inference/inference_throughput.hpp), which take them from here.
struct RooflineSpec {
  double prefill_efficiency = 0.65;
  double decode_efficiency = 0.65;
  double bandwidth_efficiency = 0.87;
  double memory_headroom = 0.10;
  double expert_imbalance = 1.0;
  double all_reduce_latency_s = 25e-6;
  double scale_up_efficiency = 0.82;
  double scale_out_bandwidth_bytes_per_s = 50e9;
};

struct PriceListSpec {
  std::optional<double> input_cache_hit_usd_per_token;
  std::optional<double> input_cache_miss_usd_per_token;
  std::optional<double> output_usd_per_token;
};

/// How a service gets back GPUs it lent to training when demand rises: by stopping
/// preemptible jobs (they lose the work since their last checkpoint), or by waiting for jobs
/// to end (the demand meanwhile is dropped).
enum class ReclaimPolicy { preempt, wait };

struct ServiceSpec {
  std::string name;
  std::string accelerator;
  std::string cluster;
  ModelSpec model;
  DemandSpec demand;
  ThroughputSpec throughput;
  ServingModeSpec mode = ServingModeSpec::automatic;
  std::optional<std::int64_t> gpus_per_replica;  ///< absent (auto): chosen
  ParallelismSpec parallelism;
  std::optional<double> slo_time_per_output_token_s;
  std::optional<double> slo_time_to_first_token_s;
  RooflineSpec roofline;
  double target_utilisation = 0.8;
  std::optional<double> slo_wait_p95_s;
  std::optional<double> output_tokens_per_request;
  double per_user_tokens_per_s = 21.0;
  double scale_up_warmup_s =
      0.0;  ///< a new replica's start (weights loaded, warmed) before it serves
  ReclaimPolicy reclaim = ReclaimPolicy::preempt;
  PriceListSpec prices;
};

struct InferenceSpec {
  std::vector<ServiceSpec> services;
};

enum class EfficiencyKind { training, inference, software };

struct EfficiencyStepSpec {
  EfficiencyKind kind = EfficiencyKind::inference;
  double factor = 1.0;
  Date date;
};

struct EfficiencyTrendSpec {
  EfficiencyKind kind = EfficiencyKind::inference;
  double halving_time_s = 0.0;
  Date from;
  std::optional<Date> until;
};

struct EfficiencySpec {
  std::vector<EfficiencyStepSpec> steps;
  std::vector<EfficiencyTrendSpec> trends;
};

struct DemandFeedbackSpec {
  bool enabled = false;
  double margin = 0.0;
  double adjustment_time_s = 0.5 * kSecondsPerYear;
  double elasticity = 0.0;  ///< of services that give none of their own
};

enum class PlannerPolicy { fixed, budget, demand };

/// How the demand planner sees a service's demand one lead time ahead: from the model (its
/// demand curve, efficiency and feedback), or from an exponential fit of the demand observed
/// over recent planning periods.
enum class ForecastMethod { model, fit };

struct OrderSpec {
  std::string accelerator;
  std::int64_t gpus = 0;
  std::string site;
  Date order_date;
  std::optional<double> lead_time_s;
  std::string cluster;  ///< the cluster it forms; empty: named after the order
};

struct VendorCapSpec {
  std::string accelerator;
  std::int64_t gpus_per_quarter = 0;
};

struct BudgetChangeSpec {
  Date from;
  double budget_per_period_usd = 0.0;
};

/// What the budget planner does with the part of a period's budget it could not place (no site
/// power in time, vendor caps, nothing on sale): drop it, or add it to the next period's.
enum class UnplacedBudget { drop, carry };

/// A lease contract: GPUs of a catalog part at a provider's datacenter, usable from `start`
/// for `term`, paid per GPU-hour as opex; signed `lead_time_s` before it starts. They draw no
/// power from the scenario's sites and are no asset of its ledger.
struct LeaseSpec {
  std::string provider;
  std::string part;
  std::int64_t gpus = 0;
  Date start;
  double term_s = 0.0;
  double price_usd_per_gpu_s = 0.0;
  double lead_time_s = 0.0;
};

/// The demand planner's leasing: for GPUs it cannot place for lack of site power, it signs
/// contracts of these terms, at most `max_gpus` of them running at once.
struct PlannerLeaseSpec {
  std::string provider;
  std::string part;  ///< empty: the part the planner was ordering
  double price_usd_per_gpu_s = 0.0;
  double term_s = 0.0;
  double lead_time_s = 0.0;
  std::int64_t max_gpus = 0;
};

struct PlannerSpec {
  PlannerPolicy policy = PlannerPolicy::fixed;
  double lead_time_s = 26.0 * 7.0 * 86400.0;
  std::vector<OrderSpec> orders;
  std::optional<double> budget_per_period_usd;
  PeriodUnit budget_period = PeriodUnit::quarter;
  std::vector<BudgetChangeSpec> budget_changes;
  UnplacedBudget unplaced_budget = UnplacedBudget::drop;
  /// Budget planner: where site power cuts a purchase, retire owned GPUs early when their
  /// replacement repays its cost (refresh_policy.hpp).
  bool refresh = false;
  Precision value_precision = Precision::bf16;
  std::vector<std::string> parts;  ///< catalog parts the planners may buy; empty: any on sale
  double service_life_s = 6.0 * kSecondsPerYear;
  std::vector<VendorCapSpec> vendor_caps;
  double target_utilisation = 0.8;
  ForecastMethod forecast = ForecastMethod::model;
  std::int64_t forecast_periods = 4;      ///< planning periods a fit looks back on
  NonServerPowerSpec non_server_power;    ///< of the clusters it builds
  std::optional<PlannerLeaseSpec> lease;  ///< absent: the planner never leases
};

struct EconomicsSpec {
  double utilisation = 0.7;
  double server_life_s = 6.0 * kSecondsPerYear;
  double facility_life_s = 20.0 * kSecondsPerYear;
  double maintenance_share_per_year = 0.03;
  double staff_cost_per_year_usd = 0.0;
  std::optional<double> rental_price_usd_per_gpu_s;
  /// Money for capex and opex over the run: planners order nothing it cannot pay, and the
  /// summary dates when spending exhausts it.
  std::optional<double> funds_usd;
  /// Services' revenue at their list prices is added to the funds as it is earned.
  bool revenue_to_funds = false;
  /// The cost of capital (WACC) per year: a charge on the capital employed in the cost per
  /// GPU-hour, and the discount rate of the plan's NPV.
  double cost_of_capital_per_year = 0.0;
  /// Inflation per year. Given, the run reports its dollars nominal: each at the price level
  /// of its date, the scenario's inputs being dollars of the scenario start.
  std::optional<double> inflation_per_year;
};

enum class FailureCategory { gpu, hbm, host, network, software, storage, other };

/// How often a cause strikes: per GPU-year, or as a count observed in a window on a fleet
/// ("148 in 54 days on 16,384 GPUs"). Exactly one form is given (the loader checks).
struct FailureRateSpec {
  std::optional<double> per_gpu_year;
  std::optional<double> count;
  std::optional<double> days;
  std::optional<double> gpus;
  /// Failures per GPU per second (0 when not given).
  double per_gpu_s() const;
};

struct FailureCauseSpec {
  std::string name;
  FailureCategory category = FailureCategory::other;
  FailureRateSpec rate;
  double repair_time_s = 0.0;
  /// Stops the job on the failed GPU (it loses the work since its last checkpoint and
  /// restarts); false: a job rides through it, and only an idle GPU is taken out.
  bool interrupts = true;
};

/// The sourced default causes (the Llama 3 405B run's root causes), in the order listed.
std::vector<FailureCauseSpec> default_failure_causes();

struct FailuresSpec {
  std::vector<FailureCauseSpec> causes = default_failure_causes();
  /// The one-cause shorthand of earlier versions: failures per GPU-year of one interrupting
  /// cause, out of service for `repair_time_s`; replaces `causes` when given.
  std::optional<double> annual_failure_rate;
  std::optional<double> repair_time_s;
  /// The causes the model runs: `causes`, or the shorthand's one cause.
  std::vector<FailureCauseSpec> effective_causes() const;
};

/// Failures per GPU-second of the causes that interrupt jobs.
double interrupting_rate_per_gpu_s(const std::vector<FailureCauseSpec>& causes);

struct OutputsSpec {
  bool timeseries = true;
  bool jobs = true;
  bool buildout = true;
  bool summary = true;
};

/// A whole scenario, after `extends`, the catalog and `--set` were resolved.
/// A rank (Spearman) correlation between the draws of two uncertain groups; an input outside
/// any group is named by its key path.
struct CorrelationSpec {
  std::vector<std::string> groups;  ///< exactly two
  double rank = 0.0;                ///< in [-1, 1]
};

/// How the uncertain inputs' draws relate. The inputs themselves are written on their keys
/// ("18 months ~ triangular(14, 18, 26)") and carried by scenario::UncertainInput, not here:
/// a loaded Scenario holds their nominal values.
struct UncertaintySpec {
  std::vector<CorrelationSpec> correlations;
};

struct Scenario {
  ScenarioMeta scenario;
  CatalogSpec catalog;
  std::vector<SiteSpec> sites;
  std::vector<ClusterSpec> clusters;
  std::vector<LeaseSpec> leases;
  TrainingSpec training;
  InferenceSpec inference;
  EfficiencySpec efficiency;
  DemandFeedbackSpec demand_feedback;
  PlannerSpec planner;
  EconomicsSpec economics;
  FailuresSpec failures;
  OutputsSpec outputs;
  UncertaintySpec uncertainty;
  /// Added to every site's construction_delay.
  double construction_delay_s = 0.0;
  /// The file the scenario was loaded from, for the places of errors the model finds.
  std::string source_path;
};

}  // namespace capsim
