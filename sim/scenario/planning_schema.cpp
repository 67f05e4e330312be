// What the scenario buys, what it costs and what gets cheaper: the planner, economics and
// efficiency sections.

#include "capsim/model/planning/planner.hpp"
#include "capsim/scenario/scenario_schema.hpp"

namespace capsim::scenario {

namespace {

const std::vector<std::pair<std::string, EfficiencyKind>> kEfficiencyKinds = {
    {"training", EfficiencyKind::training},
    {"inference", EfficiencyKind::inference},
    {"software", EfficiencyKind::software}};

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

const RecordSchema<OrderSpec>& order_schema() {
  static const RecordSchema<OrderSpec> schema = [] {
    RecordSchema<OrderSpec> s("order", "A GPU order of the fixed build-out schedule.");
    s.name(&OrderSpec::accelerator,
           {.key = "accelerator", .doc = "Catalog part.", .example = "GB200", .required = true});
    s.integer(&OrderSpec::gpus, {.key = "gpus",
                                 .doc = "GPUs ordered.",
                                 .example = "100000",
                                 .required = true,
                                 .minimum = 1.0});
    s.name(&OrderSpec::site, {.key = "site",
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
    s.name(&OrderSpec::cluster, {.key = "cluster",
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
    s.name(&VendorCapSpec::accelerator,
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

// A GPU-hour of an H100 rents for about $2-3 (2025); $1,000 is beyond any part's price.
constexpr double kMaxLeasePriceUsdPerGpuS = 1000.0 / 3600.0;
// The same ceiling as a cluster's GPU count: a lease is a cluster at a provider.
constexpr double kMaxLeaseGpus = 10e6;

const RecordSchema<PlannerLeaseSpec>& planner_lease_schema() {
  static const RecordSchema<PlannerLeaseSpec> schema = [] {
    RecordSchema<PlannerLeaseSpec> s(
        "planner lease",
        "The demand planner leases the GPUs its services and training need that it cannot "
        "place for lack of site power (never for money, vendor caps or a part off sale); the "
        "budget planner leases the GPUs that the money site power left unplaced would have "
        "bought. On these terms (docs/model.md, Leases); absent: it never leases.");
    s.name(&PlannerLeaseSpec::provider, {.key = "provider",
                                         .doc = "Who leases them (a neocloud, a hyperscaler).",
                                         .example = "neocloud",
                                         .required = true});
    s.name(&PlannerLeaseSpec::part,
           {.key = "part",
            .doc = "Catalog part leased; absent: the part the planner was ordering.",
            .example = "H100-SXM"});
    s.quantity(&PlannerLeaseSpec::price_usd_per_gpu_s, Dimension::money_per_gpu_time,
               {.key = "price_per_gpu_hour",
                .doc = "Lease price per GPU-hour, paid as opex while a contract runs.",
                .example = "2 USD/GPU-hour",
                .required = true,
                .minimum = 0.0,
                .maximum = kMaxLeasePriceUsdPerGpuS});
    s.quantity(&PlannerLeaseSpec::term_s, Dimension::duration,
               {.key = "term",
                .doc = "Length of each contract it signs.",
                .example = "365 d",
                .required = true,
                .minimum = 0.0,
                .maximum = 30.0 * kSecondsPerYear,
                .minimum_exclusive = true});
    s.quantity(&PlannerLeaseSpec::lead_time_s, Dimension::duration,
               {.key = "lead_time",
                .doc = "From signature to the GPUs being usable.",
                .example = "30 d",
                .default_text = "0 s",
                .minimum = 0.0,
                .maximum = 5.0 * kSecondsPerYear});
    s.integer(&PlannerLeaseSpec::max_gpus, {.key = "max_gpus",
                                            .doc = "Most GPUs under its contracts at once.",
                                            .example = "1000",
                                            .required = true,
                                            .minimum = 1.0,
                                            .maximum = kMaxLeaseGpus});
    return s;
  }();
  return schema;
}

}  // namespace

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

const RecordSchema<PlannerSpec>& planner_schema() {
  static const RecordSchema<PlannerSpec> schema = [] {
    RecordSchema<PlannerSpec> s("planner", "How capacity is added.");
    // The words are the planner registry's names: a planner added there is a policy here.
    std::vector<std::pair<std::string, PlannerPolicy>> policies;
    for (const PlannerEntry& planner : planner_registry())
      policies.emplace_back(planner.name, planner.policy);
    s.choice(&PlannerSpec::policy, std::move(policies),
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
    s.choice(&PlannerSpec::budget_period, detail::period_choices(),
             {.key = "budget_period",
              .doc = "Period of the budget.",
              .example = "quarter",
              .default_text = "quarter"});
    s.records(&PlannerSpec::budget_changes, budget_change_schema(),
              {.key = "budget_changes", .doc = "Later budgets, by date.", .default_text = "[]"});
    s.choice(&PlannerSpec::unplaced_budget,
             {{"drop", UnplacedBudget::drop}, {"carry", UnplacedBudget::carry}},
             {.key = "unplaced_budget",
              .doc = "Budget planner: the part of a period's budget it could not place (no "
                     "site power by the time the GPUs arrive, vendor caps) is dropped, or "
                     "carried into the next period. Either way the summary reports what was "
                     "never placed, and buildout.csv each period's amount and why.",
              .example = "carry",
              .default_text = "drop"});
    s.boolean(&PlannerSpec::refresh,
              {.key = "refresh",
               .doc = "Budget planner: where site power cuts what a period buys, retire owned "
                      "training GPUs early and put the best part in their power, when the "
                      "replacement's work over its life repays its price: (old FLOP/s per W / "
                      "new FLOP/s per W) x (old life left / new life) at most the facility's "
                      "share of the new part's all-in price (docs/model.md, Power-bound refresh).",
               .example = "true",
               .default_text = "false"});
    s.choice(&PlannerSpec::value_precision, detail::precision_choices(),
             {.key = "value_precision",
              .doc = "Precision whose dense peak FLOP/s the budget planner buys the most of "
                     "per dollar; parts without it are not bought.",
              .example = "fp8",
              .default_text = "bf16"});
    s.names(&PlannerSpec::parts,
            {.key = "parts",
             .doc = "Catalog parts the budget and demand planners may buy (for training, and "
                    "for new services' clusters); empty: any part on sale.",
             .example = "[GB200, B200]",
             .default_text = "[]"});
    s.quantity(&PlannerSpec::service_life_s, Dimension::duration,
               {.key = "service_life",
                .doc = "Service life of the GPUs the planner buys.",
                .example = "5 y",
                .default_text = "6 y",
                .minimum = 0.0,
                .minimum_exclusive = true});
    s.record(&PlannerSpec::non_server_power, non_server_power_schema(),
             {.key = "non_server_power",
              .doc = "Network and storage power of the clusters it builds.",
              .default_text = "(see non_server_power)"});
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
    s.record(&PlannerSpec::lease, planner_lease_schema(),
             {.key = "lease",
              .doc = "Demand and budget planners: lease the GPUs short for lack of site power.",
              .default_text = "(never leases)"});
    return s;
  }();
  return schema;
}

const RecordSchema<LeaseSpec>& lease_schema() {
  static const RecordSchema<LeaseSpec> schema = [] {
    RecordSchema<LeaseSpec> s(
        "lease",
        "GPUs leased from a provider: usable from `start` for `term` at the provider's "
        "datacenter (no site power, no capex), paid per GPU-hour as opex (docs/model.md, "
        "Leases).");
    s.name(&LeaseSpec::provider,
           {.key = "provider", .doc = "Who leases them.", .example = "neocloud", .required = true});
    s.name(&LeaseSpec::part,
           {.key = "part", .doc = "Catalog part.", .example = "H100-SXM", .required = true});
    s.integer(&LeaseSpec::gpus, {.key = "gpus",
                                 .doc = "GPUs under the contract.",
                                 .example = "1024",
                                 .required = true,
                                 .minimum = 1.0,
                                 .maximum = kMaxLeaseGpus});
    s.date(&LeaseSpec::start, {.key = "start",
                               .doc = "First day usable (before the scenario start: already "
                                      "running).",
                               .example = "2026-01-01",
                               .required = true});
    s.quantity(&LeaseSpec::term_s, Dimension::duration,
               {.key = "term",
                .doc = "How long it runs; it must end after the scenario starts.",
                .example = "365 d",
                .required = true,
                .minimum = 0.0,
                .maximum = 30.0 * kSecondsPerYear,
                .minimum_exclusive = true});
    s.quantity(&LeaseSpec::price_usd_per_gpu_s, Dimension::money_per_gpu_time,
               {.key = "price_per_gpu_hour",
                .doc = "Price per GPU-hour, paid as opex while it runs.",
                .example = "2.10 USD/GPU-hour",
                .required = true,
                .minimum = 0.0,
                .maximum = kMaxLeasePriceUsdPerGpuS});
    s.quantity(&LeaseSpec::lead_time_s, Dimension::duration,
               {.key = "lead_time",
                .doc = "Signed this long before it starts (buildout.csv dates the signature).",
                .example = "90 d",
                .default_text = "0 s",
                .minimum = 0.0,
                .maximum = 5.0 * kSecondsPerYear});
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
    s.boolean(&EconomicsSpec::revenue_to_funds,
              {.key = "revenue_to_funds",
               .doc = "Add the services' revenue at their list prices to the funds as it is "
                      "earned, so that a plan can pay for itself; revenue priced at cost plus "
                      "the demand-feedback margin is reckoned at the end and never reaches them.",
               .example = "true",
               .default_text = "false"});
    s.quantity(&EconomicsSpec::cost_of_capital_per_year, Dimension::fraction,
               {.key = "cost_of_capital",
                .doc = "Weighted average cost of capital (WACC) per year. It charges the capital "
                       "employed (net book value and construction in progress) in the fully "
                       "loaded cost per GPU-hour, and discounts the plan's NPV. It is the "
                       "owner's own figure, so none is assumed: 0% leaves capital out.",
                .example = "9%",
                .default_text = "0%",
                .minimum = 0.0,
                .maximum = 1.0});
    s.quantity(&EconomicsSpec::inflation_per_year, Dimension::fraction,
               {.key = "inflation",
                .doc = "Inflation per year, to report the run in nominal dollars. Every price "
                       "the scenario gives is read in dollars of the scenario start (constant "
                       "dollars); given this key, each cost, revenue and value the run reports "
                       "is at the price level of its date, (1 + inflation)^(years since the "
                       "start) times its constant-dollar amount, and the NPV discounts those "
                       "nominal flows (so state a nominal cost_of_capital with it). Absent: "
                       "constant dollars. The planner's own log (buildout.csv, the summary's "
                       "budget) stays in the scenario's dollars, as the planner reckons.",
                .example = "2.5%",
                .minimum = 0.0,
                .maximum = 1.0});
    return s;
  }();
  return schema;
}

}  // namespace capsim::scenario
