#pragma once
/// What a run of the capacity model produces: the timeseries, the build-out log, jobs,
/// per-service figures and the headline summary. Writers under output/ read only these.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "capsim/core/time.hpp"
#include "capsim/metrics/recorder.hpp"
#include "capsim/model/economics/ledger.hpp"
#include "capsim/model/inference/demand_curve.hpp"

namespace capsim {

/// What a line of buildout.csv records.
enum class BuildoutKind {
  site_start,
  phase_online,
  order,
  delivery,
  install,
  retire,
  budget,
  shortfall,
  lease_signed,
  lease_end,
};

/// A kind, the name buildout.csv writes for it, and what its row's fields mean.
struct BuildoutKindDeclaration {
  BuildoutKind kind;
  std::string_view name;
  std::string_view meaning;
};

/// Every kind, in the enum's order.
const std::vector<BuildoutKindDeclaration>& buildout_kinds();
std::string_view buildout_kind_name(BuildoutKind kind);

/// One line of buildout.csv: something that changed the fleet or the sites. `amount_usd` is
/// USD the event commits, pays or (budget) makes available: 0 where it has none.
/// Why a planner bought the part it did: the part's value for the workload and the best part
/// it passed over. Empty `unit`: not a planner's choice.
struct PurchaseValue {
  double value = 0.0;
  std::string unit;  ///< e.g. "FLOP/s per USD", "tokens/s per W"
  std::string runner_up;
  double runner_up_value = 0.0;  ///< in `unit`; 0 with no runner-up
};

struct BuildoutEvent {
  Tick tick = 0;
  BuildoutKind kind = BuildoutKind::order;
  std::string site;
  std::string accelerator;
  std::string cluster;
  std::int64_t gpus = 0;
  double power_w = 0.0;
  double amount_usd = 0.0;
  double wait_s = 0.0;  ///< install: time the GPUs waited for power after delivery
  std::string note;
  PurchaseValue value;  ///< order: the planner's reason for the part
};

/// The fleet's stock at a moment.
/// One site's or one cluster's GPUs at a moment.
struct MemberStock {
  std::int64_t installed = 0;  ///< installed and not retired (failed ones included)
  std::int64_t failed = 0;
  std::int64_t waiting_for_power = 0;
  double h100_equivalent = 0.0;
};

struct FleetStock {
  std::int64_t installed = 0;          ///< GPUs installed and not retired (failed ones included)
  std::int64_t failed = 0;             ///< of the installed and the leased GPUs
  std::int64_t waiting_for_power = 0;  ///< GPUs delivered, waiting for site power to install
  std::vector<std::int64_t> installed_by_part;
  /// GPUs of lease contracts running (at providers' sites; not in `installed`, their failed
  /// ones in `failed`).
  std::int64_t leased = 0;
  double h100_equivalent = 0.0;
  double online_w = 0.0;          ///< site IT power built and online
  double installed_peak_w = 0.0;  ///< peak draw of the installed GPUs' servers, network and storage
  double drawn_w = 0.0;           ///< IT draw at the moment, at the utilisation assumed
  int sites_online = 0;
  /// The same GPUs by site and by cluster (the fleet's counts are their sums).
  std::vector<MemberStock> by_site;
  std::vector<MemberStock> by_cluster;
};

/// The fleet at the end of a calendar year (or of the horizon).
struct FleetSnapshot {
  Date date;
  FleetStock stock;
  std::int64_t gpus_in_transit = 0;
};

/// One line of jobs.csv: a training job and what became of it.
struct TrainingJobRecord {
  std::string name;
  std::string tenant;
  std::string cluster;         ///< where it ran; empty if it never started
  std::int64_t gpus = 0;       ///< asked for
  std::int64_t gpus_used = 0;  ///< ran on: fewer when an elastic job started shrunk
  Tick submit = 0;
  std::optional<Tick> start;  ///< of its first run
  std::optional<Tick> end;    ///< may lie after the horizon for a job still running at the end
  /// Runs stopped by failures under it (every cause), or by its GPUs retiring under it.
  std::int64_t interruptions = 0;
  /// Per failure cause of the run (TrainingSummary::failure_causes order).
  std::vector<std::int64_t> interruptions_by_cause;
  double goodput = 0.0;  ///< useful / elapsed GPU-time over every run it held GPUs for
  double checkpoint_interval_s = 0.0;  ///< of its last run (auto: Young/Daly for its GPUs)
  double lost_gpu_hours = 0.0;         ///< work not checkpointed when failures stopped it, restarts
  double mfu = 0.0;                    ///< base MFU after the fabric's communication cost
  double gpu_hours = 0.0;              ///< GPUs held × time, every run, within the horizon
  std::int64_t preemptions = 0;
  double preemption_lost_gpu_hours = 0.0;  ///< work not checkpointed when preempted, restarts
  /// completed, running, queued (waiting at the end), preempted (stopped by serving and
  /// waiting to resume at the end) or held
  std::string status;
};

/// Receives jobs.csv's rows as the run produces them: a job's row when it completes, then at
/// the horizon the rows of the jobs still running, waiting or held, in job order. A caller that
/// writes them out as they come (capsim run streams jobs.csv) keeps no finished job's row.
class JobRecordSink {
 public:
  virtual ~JobRecordSink() = default;
  /// Before any row: the failure causes whose counts each row carries, in order.
  virtual void begin(const std::vector<std::string>& failure_causes) = 0;
  virtual void add(const TrainingJobRecord& record) = 0;
};

/// A training job's submission and first start, for the report's waits by period: kept for
/// every job that started, in the order they started, even when rows are streamed.
struct JobStart {
  Tick submit = 0;
  Tick start = 0;
};

/// Training over the run (empty when the scenario has no training jobs).
struct TrainingSummary {
  std::int64_t jobs = 0;
  std::int64_t completed = 0;
  std::int64_t running_at_end = 0;
  std::int64_t queued_at_end = 0;
  double wait_p50_h = 0.0;  ///< of the jobs that started
  double wait_p95_h = 0.0;
  double wait_mean_h = 0.0;
  double gpu_hours_busy = 0.0;   ///< GPUs held by training jobs
  double unmet_gpu_hours = 0.0;  ///< GPU-hours asked for by jobs that had not started by the end
  double utilisation = 0.0;      ///< busy / available GPU-hours
  std::int64_t preemptions = 0;  ///< runs stopped by inference services reclaiming GPUs
  double preemption_lost_gpu_hours = 0.0;
  std::int64_t interruptions = 0;  ///< runs stopped by failures or retirements
  double interruption_lost_gpu_hours = 0.0;
  std::vector<std::string> failure_causes;           ///< of the scenario, in its order
  std::vector<std::int64_t> interruptions_by_cause;  ///< of training runs
  std::vector<std::string> tenants;
  std::vector<double> tenant_share;           ///< entitled
  std::vector<double> tenant_gpu_hours;       ///< received
  std::vector<double> tenant_received_share;  ///< received / all training GPU-hours
  /// Per cluster that ran jobs: useful / elapsed GPU-time of the jobs it completed.
  std::vector<std::string> clusters;
  std::vector<double> cluster_goodput;
};

/// Input and output tokens over the run.
struct TokenTotals {
  double input = 0.0;
  double output = 0.0;
};

/// An inference service over the run.
struct InferenceSummary {
  std::string service;
  std::string cluster;
  double average_gpus = 0.0;
  std::int64_t peak_gpus = 0;
  double gpu_hours = 0.0;
  TokenTotals demand;
  TokenTotals served;
  double cost_usd = 0.0;  ///< GPU-hours at the rental price, or at the fleet's fully loaded cost
  double cost_per_million_tokens_usd = 0.0;  ///< input and output tokens served
  /// The service's GPU-hours at the fleet's emissions per GPU-hour, per million tokens served.
  double carbon_per_million_tokens_g = 0.0;
  double revenue_usd = 0.0;  ///< at list prices
  double margin_usd = 0.0;
  double slo_attainment = 1.0;          ///< share of hours whose demand was fully served
  GrowthCurve growth;                   ///< as given, or as fitted to the observations
  double demand_multiple_at_end = 1.0;  ///< where demand feedback had moved demand
  std::size_t growth_observations = 0;  ///< the observations it was fitted to or follows
};

/// A timeseries column declared for the summary (model/reporting/timeseries.hpp), over the
/// whole run.
struct SummaryTotal {
  std::string name;
  double value = 0.0;
};

/// The total of that name among `totals`, or 0 when the run has no such column.
double total_named(const std::vector<SummaryTotal>& totals, std::string_view name);

/// A calendar year of the run (the part of it within the horizon): the fleet's timeseries
/// columns that are totals or means, over exactly that span (read from the running integrals
/// at its ends, so the same at any reporting period).
struct YearTotals {
  Date from;
  Date to;  ///< exclusive: the next 1 January, or the horizon's end
  std::vector<SummaryTotal> totals;
};

/// Headline figures of a run, over [start, end of horizon].
struct CapacitySummary {
  /// summary.json's totals: the declared columns over the whole run, in declaration order.
  std::vector<SummaryTotal> totals;
  double capex_gpus_usd = 0.0;
  double capex_facility_usd = 0.0;
  double depreciation_usd = 0.0;
  double energy_cost_usd = 0.0;
  double maintenance_usd = 0.0;
  double staff_usd = 0.0;
  double capital_charge_usd = 0.0;
  double carbon_operational_g = 0.0;
  double carbon_embodied_g = 0.0;
  double energy_it_j = 0.0;
  double energy_facility_j = 0.0;
  double gpu_seconds_installed = 0.0;
  double gpu_seconds_available = 0.0;
  double gpu_seconds_busy = 0.0;
  /// (depreciation + capital charge + opex) / installed GPU-hours
  double cost_per_gpu_hour_usd = 0.0;
  /// Emissions over installed GPU-hours, operational and embodied [gCO2e per GPU-hour].
  double carbon_per_gpu_hour_g = 0.0;
  /// Catalog parts installed in the run whose embodied carbon the catalog lacks (counted as 0).
  std::vector<std::string> parts_without_embodied_carbon;
  /// The plan's net present value at economics.cost_of_capital: less the opening value, every
  /// cash flow (capex paid, opex, services' revenue at list prices) discounted from the middle
  /// of its day to the start, plus the terminal value discounted from the end.
  double npv_usd = 0.0;
  /// The capital employed at the start: the book value of what was built before the run.
  double opening_value_usd = 0.0;
  /// The capital employed at the end (net book value and construction in progress): what the
  /// plan's assets are carried at, their terminal value in the NPV.
  double terminal_value_usd = 0.0;
  std::int64_t gpus_ordered = 0;
  std::int64_t gpus_delivered = 0;
  std::int64_t gpus_installed_total = 0;  ///< ever installed during the run
  std::int64_t gpus_retired = 0;
  std::int64_t gpus_in_transit = 0;
  std::int64_t gpus_waiting_for_power = 0;
  std::int64_t gpu_failures = 0;
  std::vector<std::int64_t> gpu_failures_by_cause;  ///< per the scenario's failure causes
  double gpu_seconds_waiting_for_power = 0.0;
  double budget_usd = 0.0;
  double budget_spent_gpus_usd = 0.0;
  double budget_spent_facility_usd = 0.0;
  /// Budget never placed on GPUs (no site power in time, vendor caps): dropped at each
  /// period's end, or, with planner.unplaced_budget: carry, still carried when the run ends.
  double budget_unplaced_usd = 0.0;
  /// Budget planner: budget the owner's funds (economics.funds) could not pay for.
  double budget_unfunded_usd = 0.0;
  /// Budget planner: periods in which too little site power left budget unplaced, and those
  /// in which, with power to spare, vendor caps did.
  std::int64_t budget_periods_power_short = 0;
  std::int64_t budget_periods_vendor_capped = 0;
  /// With economics.funds: when capex paid plus opex reached them (linear within the
  /// reporting period it happened in); absent if they last the run.
  std::optional<Tick> funds_exhausted;
  double spent_usd = 0.0;    ///< capex paid plus opex over the run
  double revenue_usd = 0.0;  ///< the services' revenue at list prices over the run
  /// Demand planner: periods whose forecast it could not order in full (budget, vendor caps
  /// or power), and the most GPUs short in one of them.
  std::int64_t planner_shortfall_periods = 0;
  std::int64_t planner_shortfall_gpus_max = 0;
  /// Lease contracts signed (the scenario's and the planner's), the planner's alone, and the
  /// most GPUs under lease at once.
  std::int64_t leases_signed = 0;
  std::int64_t leases_signed_by_planner = 0;
  std::int64_t gpus_leased_peak = 0;
  std::vector<FleetSnapshot> year_ends;
  std::vector<YearTotals> years;
};

struct CapacityRun {
  Recorder timeseries;
  /// timeseries_sites.csv and timeseries_clusters.csv: a row per period and site (cluster).
  Recorder site_series;
  Recorder cluster_series;
  std::vector<BuildoutEvent> buildout;
  CapacitySummary summary;
  /// jobs.csv's rows in the order JobRecordSink describes; empty when a sink took them.
  std::vector<TrainingJobRecord> jobs;
  std::vector<JobStart> job_starts;
  TrainingSummary training;
  std::vector<InferenceSummary> inference;
  Ledger ledger;
  std::uint64_t events = 0;
};

/// A GPU's dense bf16 peak relative to an H100 SXM's 989 TFLOP/s (NVIDIA H100 Tensor Core GPU
/// datasheet, 2023): the unit of "H100-equivalents".
inline constexpr double kH100DenseBf16FlopPerS = 989e12;

}  // namespace capsim
