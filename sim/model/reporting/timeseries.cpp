#include "capsim/model/reporting/timeseries.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <tuple>

#include <fmt/format.h>

#include "capsim/model/economics/funds.hpp"
#include "capsim/model/economics/price_level.hpp"
#include "capsim/model/phases.hpp"

namespace capsim {

namespace {

enum Kinds : EventKind { kSample, kYearEnd, kMoneyDay };

/// A column's label for the long (tidy) layout: its metric without the member's name, its
/// unit and the key its member is of.
ColumnLabel series_label(const ColumnDeclaration& column, const std::string& member) {
  ColumnLabel label{std::string(column.name), std::string(column.unit), "", member};
  const auto key = [&]() -> std::string_view {
    switch (column.family) {
      case ColumnFamily::part:
        return "part";
      case ColumnFamily::service:
        return "service";
      case ColumnFamily::tenant:
        return "tenant";
      case ColumnFamily::fleet:
      case ColumnFamily::training:
      case ColumnFamily::site:
      case ColumnFamily::cluster:
        break;
    }
    return "";
  }();
  if (!key.empty()) {
    label.key = std::string(key);
    if (label.metric.ends_with('_'))
      label.metric.pop_back();
  }
  return label;
}

/// A figure per installed GPU-hour (0 without any).
double per_gpu_hour(double figure, double gpu_hours) {
  return gpu_hours > 0.0 ? figure / gpu_hours : 0.0;
}

/// What a dollar at `tick` is worth at the start, at the cost of capital r per year:
/// (1 + r)^(−t / year).
double discount_factor(double cost_of_capital, Tick tick) {
  return std::pow(1.0 + cost_of_capital, -seconds_from_ticks(tick) / kSecondsPerYear);
}

double h100_equivalent(const AcceleratorSpec& part) {
  return part.peak_dense_flops.bf16_flop_per_s / kH100DenseBf16FlopPerS;
}

FleetCounts counts(const PeriodReading& r) {
  return r.parts.fleet.counts();
}

double as_double(std::int64_t value) {
  return static_cast<double>(value);
}

// Value makers: a column's value is one of these where it reads a single figure. `member` is
// unused by the figures of the whole fleet.

// A running figure's total over the period, in its own unit, in hours (of a figure in
// seconds) or in MWh (of one in joules), or its mean in MW (of one in joules).
template <double Cumulative::*figure>
double total_of(const PeriodReading& r, std::size_t /*member*/ = 0) {
  return r.after.*figure - r.before.*figure;
}
template <double Cumulative::*seconds>
double hours_of(const PeriodReading& r, std::size_t /*member*/ = 0) {
  return total_of<seconds>(r) / 3600.0;
}
template <double Cumulative::*joules>
double mwh_of(const PeriodReading& r, std::size_t /*member*/ = 0) {
  return total_of<joules>(r) / 3.6e9;
}
template <double Cumulative::*joules>
double mean_mw_of(const PeriodReading& r, std::size_t /*member*/ = 0) {
  return r.span_s > 0 ? total_of<joules>(r) / r.span_s / 1e6 : 0.0;
}

// A count of GPUs or jobs at the period's end: in the fleet's stock, in its running counts,
// or in training.
template <std::int64_t FleetStock::*count>
double in_stock(const PeriodReading& r, std::size_t /*member*/ = 0) {
  return as_double(r.stock.*count);
}
template <std::int64_t FleetCounts::*count>
double counted(const PeriodReading& r, std::size_t /*member*/ = 0) {
  return as_double(counts(r).*count);
}
template <std::int64_t (TrainingWorkload::*count)() const>
double in_training(const PeriodReading& r, std::size_t /*member*/ = 0) {
  return as_double((r.parts.training.*count)());
}

/// A service's running figures, in Cumulative::service's order.
enum ServiceFigure : std::size_t {
  kGpuS,
  kDemandInput,
  kDemandOutput,
  kServedInput,
  kServedOutput,
  kDroppedOutput,
  kHours,
  kHoursMet,
  kRevenue,
  kPricedGpuS,
};

/// A service's total of a figure over the period.
template <ServiceFigure figure>
double service_total(const PeriodReading& r, std::size_t service) {
  return r.after.service[service][figure] - r.before.service[service][figure];
}

double opex(const PeriodReading& r, std::size_t /*member*/ = 0) {
  return total_of<&Cumulative::energy_cost>(r) + total_of<&Cumulative::maintenance>(r) +
         total_of<&Cumulative::staff>(r);
}
/// The own fleet's fully loaded cost: depreciation, the cost of capital and running costs.
double owned_cost_usd(const PeriodReading& r) {
  return total_of<&Cumulative::depreciation>(r) + total_of<&Cumulative::capital_charge>(r) +
         opex(r);
}
/// Fully loaded cost of an own GPU-hour: the own fleet's cost over installed GPU-hours.
double owned_cost_per_gpu_hour(const PeriodReading& r, std::size_t /*member*/ = 0) {
  return per_gpu_hour(owned_cost_usd(r), hours_of<&Cumulative::gpu_installed_s>(r));
}
/// Fully loaded cost of a GPU-hour the scenario used, owned or leased: the lease payments join
/// the own fleet's costs, the leased GPU-hours its installed ones.
double fleet_cost_per_gpu_hour(const PeriodReading& r, std::size_t /*member*/ = 0) {
  return per_gpu_hour(
      owned_cost_usd(r) + total_of<&Cumulative::lease_cost>(r),
      hours_of<&Cumulative::gpu_installed_s>(r) + hours_of<&Cumulative::gpu_leased_s>(r));
}
/// Emissions, operational and embodied [gCO2e].
double carbon_g(const PeriodReading& r, std::size_t /*member*/ = 0) {
  return total_of<&Cumulative::carbon_operational>(r) + total_of<&Cumulative::carbon_embodied>(r);
}
/// Emissions per installed GPU-hour [gCO2e].
double fleet_carbon_per_gpu_hour_g(const PeriodReading& r, std::size_t /*member*/ = 0) {
  return per_gpu_hour(carbon_g(r), hours_of<&Cumulative::gpu_installed_s>(r));
}
/// Grams to tonnes, for a column in tCO2e.
template <double (*grams)(const PeriodReading&, std::size_t)>
double tonnes_of(const PeriodReading& r, std::size_t member = 0) {
  return grams(r, member) / 1e6;
}
/// A service's GPU-hours and input and output tokens served over the period.
double service_gpu_hours(const PeriodReading& r, std::size_t k) {
  return service_total<kGpuS>(r, k) / 3600.0;
}
double service_tokens(const PeriodReading& r, std::size_t k) {
  return service_total<kServedInput>(r, k) + service_total<kServedOutput>(r, k);
}
/// What a service's GPU-hours cost over the period: at the rental price (on its priced
/// GPU-hours, so in the report's dollars), or at the fleet's fully loaded cost.
double service_cost_usd(const PeriodReading& r, std::size_t k) {
  const auto& rental = r.parts.context.scenario.economics.rental_price_usd_per_gpu_s;
  if (rental)
    return *rental * service_total<kPricedGpuS>(r, k);
  return service_gpu_hours(r, k) * fleet_cost_per_gpu_hour(r);
}

// A site's or a cluster's figures.

template <double SiteEnergy::*figure>
double site_total(const PeriodReading& r, std::size_t site) {
  return r.after.site_energy[site].*figure - r.before.site_energy[site].*figure;
}
template <double SiteEnergy::*joules>
double site_mean_mw(const PeriodReading& r, std::size_t site) {
  return r.span_s > 0 ? site_total<joules>(r, site) / r.span_s / 1e6 : 0.0;
}
/// A cluster's GPU-hours over the period; a cluster added during it starts from zero.
template <std::size_t figure>
double cluster_hours(const PeriodReading& r, std::size_t cluster) {
  const double before =
      cluster < r.before.cluster_gpu_s.size() ? r.before.cluster_gpu_s[cluster][figure] : 0.0;
  return (r.after.cluster_gpu_s[cluster][figure] - before) / 3600.0;
}
template <std::int64_t MemberStock::*count>
double at_site(const PeriodReading& r, std::size_t site) {
  return as_double(r.stock.by_site[site].*count);
}
template <std::int64_t MemberStock::*count>
double in_cluster(const PeriodReading& r, std::size_t cluster) {
  return as_double(r.stock.by_cluster[cluster].*count);
}

}  // namespace

const std::vector<ColumnDeclaration>& timeseries_columns() {
  using enum ColumnFamily;
  using enum ColumnKind;
  static const std::vector<ColumnDeclaration> columns = {
      {fleet, "gpus_installed", "GPUs", stock, "installed and not retired (failed ones included)",
       in_stock<&FleetStock::installed>},
      {fleet, "gpus_available", "GPUs", stock,
       "installed or leased, and not failed: what the work can use",
       [](const PeriodReading& r, std::size_t) {
         return as_double(r.stock.installed + r.stock.leased - r.stock.failed);
       }},
      {fleet, "gpus_failed", "GPUs", stock, "failed and in repair, leased GPUs included",
       in_stock<&FleetStock::failed>},
      {fleet, "gpus_in_transit", "GPUs", stock, "ordered, not yet delivered",
       counted<&FleetCounts::in_transit>},
      {fleet, "gpus_waiting_for_power", "GPUs", stock,
       "delivered, waiting for site power to install", in_stock<&FleetStock::waiting_for_power>},
      {fleet, "gpus_ordered_cumulative", "GPUs", stock,
       "ordered since the start (existing clusters included)", counted<&FleetCounts::ordered>},
      {fleet, "gpus_delivered_cumulative", "GPUs", stock, "delivered since the start",
       counted<&FleetCounts::delivered>},
      {fleet, "gpus_retired_cumulative", "GPUs", stock, "retired since the start",
       counted<&FleetCounts::retired>},
      {fleet, "gpus_h100_equivalent", "H100-equivalents", stock,
       "installed GPUs weighted by dense bf16 peak over an H100 SXM's 989 TFLOP/s",
       [](const PeriodReading& r, std::size_t) { return r.stock.h100_equivalent; }},
      {fleet, "utilisation", "share", mean, "busy over available GPU-hours",
       [](const PeriodReading& r, std::size_t) {
         const double available = hours_of<&Cumulative::gpu_available_s>(r);
         return available > 0 ? hours_of<&Cumulative::gpu_busy_s>(r) / available : 0.0;
       }},
      {fleet, "gpu_hours_installed", "GPU-hours", total, "installed GPUs over time",
       hours_of<&Cumulative::gpu_installed_s>, true},
      {fleet, "gpu_hours_available", "GPU-hours", total,
       "available GPUs over time, leased ones included", hours_of<&Cumulative::gpu_available_s>,
       true},
      {fleet, "gpu_hours_busy", "GPU-hours", total,
       "busy GPUs over time: held by training and serving, or at the assumed utilisation",
       hours_of<&Cumulative::gpu_busy_s>, true},
      {fleet, "power_it_mw", "MW", mean, "IT power drawn", mean_mw_of<&Cumulative::energy_it>},
      {fleet, "power_facility_mw", "MW", mean, "facility power drawn (IT × PUE)",
       mean_mw_of<&Cumulative::energy_facility>},
      {fleet, "power_online_mw", "MW", stock, "site IT power built and online",
       [](const PeriodReading& r, std::size_t) { return r.stock.online_w / 1e6; }},
      {fleet, "power_installed_peak_mw", "MW", stock,
       "peak draw of the installed GPUs' servers, network and storage",
       [](const PeriodReading& r, std::size_t) { return r.stock.installed_peak_w / 1e6; }},
      {fleet, "energy_it_mwh", "MWh", total, "IT energy", mwh_of<&Cumulative::energy_it>, true},
      {fleet, "energy_facility_mwh", "MWh", total, "facility energy",
       mwh_of<&Cumulative::energy_facility>, true},
      {fleet, "capex_usd", "USD", total, "capex paid: GPUs and facilities",
       [](const PeriodReading& r, std::size_t) {
         return total_of<&Cumulative::capex_gpus>(r) + total_of<&Cumulative::capex_facility>(r);
       },
       true},
      {fleet, "capex_gpus_usd", "USD", total,
       "GPU capex paid (on delivery), servers, network and storage share included",
       total_of<&Cumulative::capex_gpus>, true},
      {fleet, "capex_facility_usd", "USD", total,
       "facility capex paid, spread over each phase's construction",
       total_of<&Cumulative::capex_facility>, true},
      {fleet, "capex_cumulative_usd", "USD", stock, "capex paid since the start",
       [](const PeriodReading& r, std::size_t) {
         return r.after.capex_gpus + r.after.capex_facility - r.at_start.capex_gpus -
                r.at_start.capex_facility;
       }},
      {fleet, "depreciation_usd", "USD", total,
       "straight-line depreciation of servers and facilities", total_of<&Cumulative::depreciation>,
       true},
      {fleet, "opex_energy_usd", "USD", total, "facility energy at each site's electricity price",
       total_of<&Cumulative::energy_cost>, true},
      {fleet, "opex_maintenance_usd", "USD", total,
       "maintenance: a share of the gross capex in service per year",
       total_of<&Cumulative::maintenance>, true},
      {fleet, "opex_staff_usd", "USD", total, "staff", total_of<&Cumulative::staff>, true},
      {fleet, "opex_usd", "USD", total, "energy, maintenance and staff", opex},
      {fleet, "capital_charge_usd", "USD", total,
       "economics.cost_of_capital on the capital employed: net book value and construction in "
       "progress",
       total_of<&Cumulative::capital_charge>, true},
      {fleet, "gpus_leased", "GPUs", stock,
       "GPUs under lease contracts running at the period's end (at providers' sites)",
       in_stock<&FleetStock::leased>},
      {fleet, "gpu_hours_leased", "GPU-hours", total,
       "leased GPU-hours paid for (failed GPUs included)", hours_of<&Cumulative::gpu_leased_s>,
       true},
      {fleet, "lease_cost_usd", "USD", total,
       "lease payments: price per GPU-hour × leased GPU-hours", total_of<&Cumulative::lease_cost>,
       true},
      {fleet, "cost_per_gpu_hour_usd", "USD per GPU-hour", mean,
       "fully loaded: depreciation, capital charge, opex and lease payments over installed and "
       "leased GPU-hours",
       fleet_cost_per_gpu_hour, true},
      {fleet, "cost_per_gpu_hour_owned_usd", "USD per GPU-hour", mean,
       "the own fleet's: depreciation, capital charge and opex over installed GPU-hours",
       owned_cost_per_gpu_hour, true},
      {fleet, "sites_online", "sites", stock, "sites with power online",
       [](const PeriodReading& r, std::size_t) {
         return static_cast<double>(r.stock.sites_online);
       }},
      {fleet, "carbon_operational_tco2e", "tCO2e", total,
       "facility energy at each site's grid intensity, less its clean power share",
       [](const PeriodReading& r, std::size_t) {
         return total_of<&Cumulative::carbon_operational>(r) / 1e6;
       },
       true},
      {fleet, "carbon_embodied_tco2e", "tCO2e", total,
       "GPU servers' embodied carbon, amortised over the server life like depreciation",
       [](const PeriodReading& r, std::size_t) {
         return total_of<&Cumulative::carbon_embodied>(r) / 1e6;
       },
       true},
      {fleet, "carbon_tco2e", "tCO2e", total, "operational and embodied", tonnes_of<carbon_g>,
       true},
      {fleet, "carbon_per_gpu_hour_kgco2e", "kgCO2e per GPU-hour", mean,
       "operational and embodied carbon over installed GPU-hours",
       [](const PeriodReading& r, std::size_t) { return fleet_carbon_per_gpu_hour_g(r) / 1e3; },
       true},
      {part, "gpus_installed_", "GPUs", stock, "installed GPUs of one catalog part",
       [](const PeriodReading& r, std::size_t part) {
         return as_double(r.stock.installed_by_part[part]);
       }},
      {service, "gpus_serving_", "GPUs", mean, "GPUs the service held (warming replicas included)",
       [](const PeriodReading& r, std::size_t k) {
         return r.span_s > 0 ? service_total<kGpuS>(r, k) / r.span_s : 0.0;
       }},
      {service, "demand_input_tokens_", "tokens", total, "input tokens demanded",
       service_total<kDemandInput>},
      {service, "demand_output_tokens_", "tokens", total, "output tokens demanded",
       service_total<kDemandOutput>},
      {service, "served_input_tokens_", "tokens", total, "input tokens served",
       service_total<kServedInput>},
      {service, "served_output_tokens_", "tokens", total, "output tokens served",
       service_total<kServedOutput>},
      {service, "dropped_output_tokens_", "tokens", total, "output tokens demanded and not served",
       service_total<kDroppedOutput>},
      {service, "slo_attainment_", "share", mean, "hours whose demand was fully served, over hours",
       [](const PeriodReading& r, std::size_t k) {
         const double hours = service_total<kHours>(r, k);
         return r.after.service[k][kHours] > r.before.service[k][kHours]
                    ? service_total<kHoursMet>(r, k) / hours
                    : 1.0;
       }},
      {service, "cost_per_mtoken_usd_", "USD per million tokens", mean,
       "the service's GPU-hours at the rental price (or the fleet's cost per GPU-hour) over its "
       "tokens served",
       [](const PeriodReading& r, std::size_t k) {
         const double tokens = service_tokens(r, k);
         return tokens > 0 ? service_cost_usd(r, k) / tokens * 1e6 : 0.0;
       }},
      {service, "carbon_per_mtoken_kgco2e_", "kgCO2e per million tokens", mean,
       "the service's GPU-hours at the fleet's carbon per GPU-hour over its tokens served",
       [](const PeriodReading& r, std::size_t k) {
         const double tokens = service_tokens(r, k);
         const double carbon_kg = service_gpu_hours(r, k) * fleet_carbon_per_gpu_hour_g(r) / 1e3;
         return tokens > 0 ? carbon_kg / tokens * 1e6 : 0.0;
       }},
      {service, "demand_multiple_", "multiple", stock,
       "where demand feedback has moved the demand curve (1: unmoved)",
       [](const PeriodReading& r, std::size_t k) { return r.parts.inference[k].demand_multiple; }},
      {training, "training_jobs_queued", "jobs", stock, "training jobs waiting to start",
       in_training<&TrainingWorkload::queue_length>},
      {training, "training_gpus_queued", "GPUs", stock, "GPUs the waiting jobs ask for",
       in_training<&TrainingWorkload::queued_gpus>},
      {training, "training_jobs_running", "jobs", stock, "training jobs running",
       in_training<&TrainingWorkload::running_jobs>},
      {training, "gpus_busy_training", "GPUs", stock, "GPUs held by training jobs",
       in_training<&TrainingWorkload::busy_gpus>},
      {training, "gpu_hours_training", "GPU-hours", total, "GPU-hours held by training jobs",
       hours_of<&Cumulative::training_busy_s>},
      {tenant, "gpu_hours_training_", "GPU-hours", total, "GPU-hours held by one tenant's jobs",
       [](const PeriodReading& r, std::size_t k) {
         return (r.after.tenant_gpu_s[k] - r.before.tenant_gpu_s[k]) / 3600.0;
       }},
  };
  return columns;
}

const std::vector<ColumnDeclaration>& site_columns() {
  using enum ColumnFamily;
  using enum ColumnKind;
  static const std::vector<ColumnDeclaration> columns = {
      {site, "gpus_installed", "GPUs", stock, "installed here and not retired (failed included)",
       at_site<&MemberStock::installed>},
      {site, "gpus_available", "GPUs", stock, "installed here and not failed",
       [](const PeriodReading& r, std::size_t s) {
         return as_double(r.stock.by_site[s].installed - r.stock.by_site[s].failed);
       }},
      {site, "gpus_failed", "GPUs", stock, "failed here and in repair",
       at_site<&MemberStock::failed>},
      {site, "gpus_waiting_for_power", "GPUs", stock,
       "delivered here, waiting for the site's power to install",
       at_site<&MemberStock::waiting_for_power>},
      {site, "gpus_h100_equivalent", "H100-equivalents", stock,
       "GPUs installed here weighted by dense bf16 peak over an H100 SXM's",
       [](const PeriodReading& r, std::size_t s) { return r.stock.by_site[s].h100_equivalent; }},
      {site, "power_it_mw", "MW", mean, "IT power drawn here", site_mean_mw<&SiteEnergy::it_j>},
      {site, "power_facility_mw", "MW", mean, "facility power drawn here (IT × the site's PUE)",
       site_mean_mw<&SiteEnergy::facility_j>},
      {site, "power_online_mw", "MW", stock, "the site's IT power built and online",
       [](const PeriodReading& r, std::size_t s) { return r.parts.sites[s].online_power_w / 1e6; }},
      {site, "power_installed_peak_mw", "MW", stock,
       "peak draw of the servers, network and storage installed here",
       [](const PeriodReading& r, std::size_t s) {
         return r.parts.sites[s].installed_peak_w / 1e6;
       }},
      {site, "energy_it_mwh", "MWh", total, "IT energy drawn here",
       [](const PeriodReading& r, std::size_t s) {
         return site_total<&SiteEnergy::it_j>(r, s) / 3.6e9;
       }},
      {site, "energy_facility_mwh", "MWh", total, "facility energy drawn here",
       [](const PeriodReading& r, std::size_t s) {
         return site_total<&SiteEnergy::facility_j>(r, s) / 3.6e9;
       }},
      {site, "opex_energy_usd", "USD", total, "the facility energy at the site's electricity price",
       site_total<&SiteEnergy::cost_usd>},
      {site, "carbon_operational_tco2e", "tCO2e", total,
       "the facility energy at the site's grid intensity, less its clean power share",
       [](const PeriodReading& r, std::size_t s) {
         return site_total<&SiteEnergy::carbon_g>(r, s) / 1e6;
       }},
  };
  return columns;
}

const std::vector<ColumnDeclaration>& cluster_columns() {
  using enum ColumnFamily;
  using enum ColumnKind;
  static const std::vector<ColumnDeclaration> columns = {
      {cluster, "gpus_installed", "GPUs", stock,
       "installed in the cluster and not retired (failed included)",
       in_cluster<&MemberStock::installed>},
      {cluster, "gpus_available", "GPUs", stock, "installed in the cluster and not failed",
       [](const PeriodReading& r, std::size_t c) {
         return as_double(r.stock.by_cluster[c].installed - r.stock.by_cluster[c].failed);
       }},
      {cluster, "gpus_failed", "GPUs", stock, "failed in the cluster and in repair",
       in_cluster<&MemberStock::failed>},
      {cluster, "gpus_waiting_for_power", "GPUs", stock,
       "delivered for the cluster, waiting for its site's power to install",
       in_cluster<&MemberStock::waiting_for_power>},
      {cluster, "gpus_h100_equivalent", "H100-equivalents", stock,
       "the cluster's installed GPUs weighted by dense bf16 peak over an H100 SXM's",
       [](const PeriodReading& r, std::size_t c) { return r.stock.by_cluster[c].h100_equivalent; }},
      {cluster, "gpus_busy_training", "GPUs", stock, "GPUs of the cluster held by training jobs",
       [](const PeriodReading& r, std::size_t c) { return as_double(r.parts.book[c].busy); }},
      {cluster, "gpus_serving", "GPUs", stock,
       "GPUs of the cluster granted to inference services in the period's last hour",
       [](const PeriodReading& r, std::size_t c) { return as_double(r.parts.book[c].serving); }},
      {cluster, "gpu_hours_training", "GPU-hours", total,
       "GPU-hours of the cluster held by training jobs", cluster_hours<0>},
  };
  return columns;
}

const std::vector<std::string>& site_series_keys() {
  static const std::vector<std::string> keys = {"site"};
  return keys;
}

const std::vector<std::string>& cluster_series_keys() {
  static const std::vector<std::string> keys = {"cluster", "site", "part"};
  return keys;
}

std::string_view column_kind_name(ColumnKind kind) {
  static constexpr std::array<std::string_view, 3> kNames = {
      "stock at the period's end", "total over the period", "mean over the period"};
  return kNames.at(static_cast<std::size_t>(kind));
}

bool in_yearly(const ColumnDeclaration& column) {
  return column.family == ColumnFamily::fleet && column.kind != ColumnKind::stock;
}

Cumulative cumulative_at(const ModelParts& parts, Tick tick) {
  const Ledger& ledger = parts.context.ledger();
  const Power& power = parts.fleet.power();
  Cumulative c;
  c.capex_gpus = ledger.capex_paid(CapexKind::gpus, tick);
  c.capex_facility = ledger.capex_paid(CapexKind::facility, tick);
  c.depreciation =
      ledger.depreciation(CapexKind::gpus, tick) + ledger.depreciation(CapexKind::facility, tick);
  c.capital_charge = parts.context.scenario.economics.cost_of_capital_per_year / kSecondsPerYear *
                     ledger.capital_employed_s(tick);
  c.carbon_embodied = ledger.embodied_carbon(tick);
  // Lease providers' energy and carbon are theirs, not the scenario's.
  for (std::size_t s = 0; s < parts.sites.own_count(); ++s) {
    const SiteEnergy energy = power.energy_at(s, tick);
    c.site_energy.push_back(energy);
    c.energy_cost += energy.cost_usd;
    c.energy_it += energy.it_j;
    c.energy_facility += energy.facility_j;
    c.carbon_operational += energy.carbon_g;
  }
  c.maintenance = parts.costs.maintenance_usd().total_at(tick);
  c.staff = parts.costs.staff_usd().total_at(tick);
  c.lease_cost = parts.fleet.lease_cost_usd(tick);
  c.gpu_leased_s = parts.fleet.leased_gpu_s(tick);
  c.gpu_installed_s = power.gpu_installed_s().total_at(tick);
  c.gpu_available_s = power.gpu_available_s(tick);
  c.gpu_busy_s = power.gpu_busy_s(tick);
  c.training_busy_s = parts.training.busy_gpu_s().total_at(tick);
  for (std::size_t k = 0; k < parts.training.tenant_names().size(); ++k)
    c.tenant_gpu_s.push_back(parts.training.tenant_gpu_s(k).total_at(tick));
  for (std::size_t k = 0; k < parts.book.size(); ++k)
    c.cluster_gpu_s.push_back(
        {parts.book[k].busy_gpu_s.total_at(tick), parts.book[k].available_gpu_s.total_at(tick)});
  for (std::size_t k = 0; k < parts.inference.size(); ++k) {
    const ServiceState& service = parts.inference[k];
    const double revenue = service.revenue_usd.total_at(tick);
    const double gpu_s = service.gpu_s.total_at(tick);
    c.revenue += revenue;
    c.service.push_back(
        {gpu_s, service.demand_input.total_at(tick), service.demand_output.total_at(tick),
         service.served_input_hit.total_at(tick) + service.served_input_miss.total_at(tick),
         service.served_output.total_at(tick), service.dropped_output.total_at(tick),
         static_cast<double>(service.hours), static_cast<double>(service.hours_met), revenue,
         gpu_s});
  }
  return c;
}

Cumulative priced_forward(const Cumulative& before, const Cumulative& raw_before,
                          const Cumulative& raw_now, double level) {
  Cumulative now = raw_now;
  const auto forward = [level](double& figure, double priced_before, double raw_from) {
    figure = priced_before + (figure - raw_from) * level;
  };
  forward(now.capex_gpus, before.capex_gpus, raw_before.capex_gpus);
  forward(now.capex_facility, before.capex_facility, raw_before.capex_facility);
  forward(now.depreciation, before.depreciation, raw_before.depreciation);
  forward(now.energy_cost, before.energy_cost, raw_before.energy_cost);
  forward(now.maintenance, before.maintenance, raw_before.maintenance);
  forward(now.staff, before.staff, raw_before.staff);
  forward(now.lease_cost, before.lease_cost, raw_before.lease_cost);
  forward(now.capital_charge, before.capital_charge, raw_before.capital_charge);
  forward(now.revenue, before.revenue, raw_before.revenue);
  for (std::size_t s = 0; s < now.site_energy.size(); ++s)
    forward(now.site_energy[s].cost_usd, before.site_energy[s].cost_usd,
            raw_before.site_energy[s].cost_usd);
  for (std::size_t k = 0; k < now.service.size(); ++k) {
    forward(now.service[k][kRevenue], before.service[k][kRevenue], raw_before.service[k][kRevenue]);
    forward(now.service[k][kPricedGpuS], before.service[k][kPricedGpuS],
            raw_before.service[k][kPricedGpuS]);
  }
  return now;
}

FleetStock fleet_stock(const ModelParts& parts) {
  FleetStock stock;
  stock.installed_by_part.assign(parts.context.parts.size(), 0);
  stock.by_site.assign(parts.sites.size(), {});
  stock.by_cluster.assign(parts.book.size(), {});
  const std::vector<Pool>& pools = parts.fleet.pools();
  for (std::size_t p = 0; p < pools.size(); ++p) {
    const Pool& pool = pools[p];
    if (!pool.active)
      continue;
    const std::int64_t failed = parts.fleet.failed_gpus(p);
    const double h100 =
        static_cast<double>(pool.gpus) * h100_equivalent(parts.context.part(pool.part));
    if (pool.leased) {
      // Not the scenario's fleet: counted apart, and in its cluster.
      stock.leased += pool.gpus;
      stock.failed += failed;
      MemberStock& member = stock.by_cluster[pool.cluster];
      member.installed += pool.gpus;
      member.failed += failed;
      member.h100_equivalent += h100;
      continue;
    }
    stock.installed += pool.gpus;
    stock.failed += failed;
    stock.installed_by_part[pool.part] += pool.gpus;
    stock.h100_equivalent += h100;
    for (MemberStock* member : {&stock.by_site[pool.site], &stock.by_cluster[pool.cluster]}) {
      member->installed += pool.gpus;
      member->failed += failed;
      member->h100_equivalent += h100;
    }
  }
  stock.waiting_for_power = parts.fleet.gpus_waiting_for_power();
  for (const Delivery& delivery : parts.fleet.deliveries()) {
    if (!delivery.arrived)
      continue;
    stock.by_site[delivery.site].waiting_for_power += delivery.waiting;
    stock.by_cluster[delivery.cluster].waiting_for_power += delivery.waiting;
  }
  for (std::size_t s = 0; s < parts.sites.own_count(); ++s) {
    const SiteState& site = parts.sites[s];
    stock.online_w += site.online_power_w;
    stock.installed_peak_w += site.installed_peak_w;
    stock.drawn_w += parts.fleet.power().drawn_w(s, parts.context.now());
    if (site.online_power_w > 0.0)
      ++stock.sites_online;
  }
  return stock;
}

Reporting::Reporting(const ModelContext& context, const ModelParts& parts, PeriodUnit period)
    : context_(context), parts_(parts), period_(period) {
  self_ = context_.engine.add_handler(*this);
}

void Reporting::set_up() {
  Recorder& recorder = context_.run.timeseries;
  const auto members = [&](ColumnFamily family) -> std::vector<std::string> {
    std::vector<std::string> names;
    switch (family) {
      case ColumnFamily::fleet:
        return {""};
      case ColumnFamily::training:
        if (!parts_.training.empty())
          names.emplace_back("");
        return names;
      case ColumnFamily::part:
        for (const AcceleratorSpec* part : context_.parts)
          names.push_back(part->name);
        return names;
      case ColumnFamily::service:
        for (std::size_t k = 0; k < parts_.inference.size(); ++k)
          names.push_back(parts_.inference[k].spec->name);
        return names;
      case ColumnFamily::tenant:
        if (!parts_.training.empty())
          names = parts_.training.tenant_names();
        return names;
      case ColumnFamily::site:
      case ColumnFamily::cluster:
        break;  // their own files' rows
    }
    return names;
  };
  // Families in the declarations' order; a service's columns side by side.
  const std::vector<ColumnDeclaration>& declared = timeseries_columns();
  std::size_t first = 0;
  while (first < declared.size()) {
    std::size_t last = first;
    while (last < declared.size() && declared[last].family == declared[first].family)
      ++last;
    const std::vector<std::string> names = members(declared[first].family);
    for (std::size_t member = 0; member < names.size(); ++member) {
      for (std::size_t d = first; d < last; ++d) {
        recorder.add_column(std::string(declared[d].name) + names[member],
                            series_label(declared[d], names[member]));
        columns_.push_back({&declared[d], member});
      }
    }
    first = last;
  }
  for (const auto& [series, keys, declared_here] :
       {std::tuple{&context_.run.site_series, &site_series_keys(), &site_columns()},
        std::tuple{&context_.run.cluster_series, &cluster_series_keys(), &cluster_columns()}}) {
    series->set_keys(*keys);
    for (const ColumnDeclaration& column : *declared_here)
      series->add_column(std::string(column.name), series_label(column, ""));
  }
  const Date start = context_.scenario.scenario.start;
  const PeriodUnit period = period_;
  const Tick end = context_.end;
  const Calendar calendar = context_.calendar;
  context_.engine.schedule_periodic(
      std::min(end, calendar.tick_of(next_period_start(start, period, start))),
      [calendar, period, start, end](Tick previous) {
        if (previous >= end)
          return INT64_MAX;
        return std::min(
            end, calendar.tick_of(next_period_start(calendar.date_of(previous), period, start)));
      },
      phases::kSample, self_, kSample);
  context_.engine.schedule_periodic(
      calendar.tick_of(next_period_start(start, PeriodUnit::year, start)),
      [calendar, start](Tick previous) {
        return calendar.tick_of(
            next_period_start(calendar.date_of(previous), PeriodUnit::year, start));
      },
      phases::kSample, self_, kYearEnd);
  // The funds are watched, and cash flows discounted, day by day on a clock of their own, so
  // that the date the funds run out and the NPV are the same whatever the reporting period
  // (each day's spending is interpolated within the day it crossed the funds, never across a
  // period of months). Without funds and at a zero cost of capital no day needs a look: the
  // end's check sums the undiscounted flows. Nominal dollars step on the same clock.
  const EconomicsSpec& economics = context_.scenario.economics;
  if (economics.funds_usd || economics.cost_of_capital_per_year > 0.0 ||
      economics.inflation_per_year) {
    context_.engine.schedule_periodic(
        std::min(end, calendar.tick_of(next_period_start(start, PeriodUnit::day, start))),
        [calendar, start, end](Tick previous) {
          if (previous >= end)
            return INT64_MAX;
          return std::min(end, calendar.tick_of(next_period_start(calendar.date_of(previous),
                                                                  PeriodUnit::day, start)));
        },
        phases::kSample, self_, kMoneyDay);
  }
  at_start_ = cumulative_at(parts_, 0);
  priced_ = at_start_;
  priced_raw_ = at_start_;
  last_cumulative_ = at_start_;
  year_start_cumulative_ = at_start_;
  money_checked_spent_usd_ = at_start_.spent();
  money_checked_revenue_usd_ = at_start_.revenue;
}

void Reporting::on_event(Engine&, const Event& event) {
  switch (event.kind) {
    case kSample:
      sample();
      break;
    case kYearEnd:
      context_.run.summary.year_ends.push_back(snapshot());
      close_year(context_.now());
      break;
    case kMoneyDay:
      check_money();
      break;
    default:
      throw std::logic_error("reporting: unknown event kind");
  }
}

void Reporting::sample() {
  const Tick now = context_.now();
  const Tick from = last_sample_;
  // The running integrals can only be read forward, so each period starts from the readings
  // the previous sample kept.
  const Cumulative before = last_cumulative_;
  const Cumulative after = reading_at(now);
  ++samples_;
  parts_.fleet.check_invariants();
  Recorder& recorder = context_.run.timeseries;
  recorder.begin_row(format_date(context_.calendar.date_of(from)),
                     format_date(context_.calendar.date_of(now)));
  const FleetStock stock = fleet_stock(parts_);
  const PeriodReading reading{before,    after, seconds_from_ticks(now - from),
                              at_start_, stock, parts_};
  for (std::size_t c = 0; c < columns_.size(); ++c)
    recorder.set(c, columns_[c].declaration->value(reading, columns_[c].member));
  sample_members(reading, recorder.period_start(recorder.rows() - 1),
                 recorder.period_end(recorder.rows() - 1));
  last_sample_ = now;
  last_cumulative_ = after;
}

void Reporting::sample_members(const PeriodReading& reading, const std::string& from,
                               const std::string& to) {
  Recorder& sites = context_.run.site_series;
  for (std::size_t s = 0; s < parts_.sites.own_count(); ++s) {
    sites.begin_row(from, to, {parts_.sites[s].spec->name});
    for (std::size_t c = 0; c < site_columns().size(); ++c)
      sites.set(c, site_columns()[c].value(reading, s));
  }
  Recorder& clusters = context_.run.cluster_series;
  for (std::size_t k = 0; k < parts_.book.size(); ++k) {
    const SchedulingCluster& cluster = parts_.book[k];
    clusters.begin_row(
        from, to,
        {cluster.name, parts_.sites[cluster.site].spec->name, context_.part(cluster.part).name});
    for (std::size_t c = 0; c < cluster_columns().size(); ++c)
      clusters.set(c, cluster_columns()[c].value(reading, k));
  }
}

void Reporting::check_money() {
  const Tick now = context_.now();
  if (now <= money_checked_at_)
    return;
  const EconomicsSpec& economics = context_.scenario.economics;
  const Cumulative c = cumulative_at(parts_, now);
  const double spent_usd = c.spent();
  const double revenue_usd = c.revenue;
  const bool to_funds = economics.revenue_to_funds;
  note_funds(economics.funds_usd, money_checked_at_, now,
             money_checked_spent_usd_ - (to_funds ? money_checked_revenue_usd_ : 0.0),
             spent_usd - (to_funds ? revenue_usd : 0.0), context_.run.summary);
  const double net_usd =
      (revenue_usd - money_checked_revenue_usd_) - (spent_usd - money_checked_spent_usd_);
  const Tick middle = money_checked_at_ + (now - money_checked_at_) / 2;
  discounted_cash_usd_ += net_usd * price_level(economics, middle) *
                          discount_factor(economics.cost_of_capital_per_year, middle);
  money_checked_at_ = now;
  money_checked_spent_usd_ = spent_usd;
  money_checked_revenue_usd_ = revenue_usd;
  if (economics.inflation_per_year)
    reading_at(now);
}

const Cumulative& Reporting::reading_at(Tick now) {
  const EconomicsSpec& economics = context_.scenario.economics;
  if (!economics.inflation_per_year) {
    priced_ = cumulative_at(parts_, now);
  } else if (now > priced_at_) {
    Cumulative raw = cumulative_at(parts_, now);
    const double level = price_level(economics, priced_at_ + (now - priced_at_) / 2);
    priced_ = priced_forward(priced_, priced_raw_, raw, level);
    priced_raw_ = std::move(raw);
    priced_at_ = now;
  }
  return priced_;
}

void Reporting::close_year(Tick tick) {
  const Cumulative after = reading_at(tick);
  const FleetStock stock = fleet_stock(parts_);
  const PeriodReading year{year_start_cumulative_,
                           after,
                           seconds_from_ticks(tick - year_start_),
                           at_start_,
                           stock,
                           parts_};
  YearTotals totals{context_.calendar.date_of(year_start_), context_.calendar.date_of(tick), {}};
  for (const ColumnDeclaration& column : timeseries_columns()) {
    if (in_yearly(column))
      totals.totals.push_back({std::string(column.name), column.value(year, 0)});
  }
  context_.run.summary.years.push_back(std::move(totals));
  year_start_ = tick;
  year_start_cumulative_ = after;
}

FleetSnapshot Reporting::snapshot() const {
  return {context_.calendar.date_of(context_.now()), fleet_stock(parts_),
          parts_.fleet.counts().in_transit};
}

void Reporting::finish() {
  const Tick end = context_.end;
  if (last_sample_ < end)
    sample();
  check_money();
  std::vector<FleetSnapshot>& year_ends = context_.run.summary.year_ends;
  if (year_ends.empty() || year_ends.back().date != context_.calendar.date_of(end))
    year_ends.push_back(snapshot());
  if (year_start_ < end)
    close_year(end);
  const Cumulative& start = at_start_;
  const Cumulative last = reading_at(end);
  CapacitySummary& s = context_.run.summary;
  s.capex_gpus_usd = last.capex_gpus - start.capex_gpus;
  s.capex_facility_usd = last.capex_facility - start.capex_facility;
  s.depreciation_usd = last.depreciation - start.depreciation;
  s.energy_cost_usd = last.energy_cost;
  s.maintenance_usd = last.maintenance;
  s.staff_usd = last.staff;
  s.capital_charge_usd = last.capital_charge;
  s.carbon_operational_g = last.carbon_operational;
  s.carbon_embodied_g = last.carbon_embodied - start.carbon_embodied;
  s.spent_usd = last.spent();
  s.revenue_usd = last.revenue;
  s.energy_it_j = last.energy_it;
  s.energy_facility_j = last.energy_facility;
  s.gpu_seconds_installed = last.gpu_installed_s;
  s.gpu_seconds_available = last.gpu_available_s;
  s.gpu_seconds_busy = last.gpu_busy_s;
  // The declared columns over the whole run: one computation for a period and for the run.
  const FleetStock stock = fleet_stock(parts_);
  const PeriodReading run{start, last, seconds_from_ticks(end), start, stock, parts_};
  for (const ColumnDeclaration& column : timeseries_columns()) {
    if (column.in_summary)
      s.totals.push_back({std::string(column.name), column.value(run, 0)});
  }
  s.cost_per_gpu_hour_usd = fleet_cost_per_gpu_hour(run);
  s.carbon_per_gpu_hour_g = fleet_carbon_per_gpu_hour_g(run);
  for (std::size_t k = 0; k < last.service.size(); ++k)
    service_dollars_.push_back({service_cost_usd(run, k), service_total<kRevenue>(run, k)});
  const double cost_of_capital = context_.scenario.economics.cost_of_capital_per_year;
  // What the run starts with (sites and clusters built before it) enters at its book value,
  // as if bought at the start: the capital the charge above already counts.
  s.opening_value_usd = context_.ledger().capital_employed(0);
  // A book value in the scenario's dollars, at the horizon's price level.
  s.terminal_value_usd =
      context_.ledger().capital_employed(end) * price_level(context_.scenario.economics, end);
  s.npv_usd = discounted_cash_usd_ - s.opening_value_usd +
              s.terminal_value_usd * discount_factor(cost_of_capital, end);
  for (std::size_t p = 0; p < context_.parts.size(); ++p) {
    const AcceleratorSpec& part = *context_.parts[p];
    bool installed = false;
    for (const Pool& pool : parts_.fleet.pools())
      installed = installed || pool.part == p;
    if (installed && !part.embodied_carbon_per_gpu_g)
      s.parts_without_embodied_carbon.push_back(part.name);
  }
  const FleetCounts counts = parts_.fleet.counts();
  s.gpus_ordered = counts.ordered;
  s.gpus_delivered = counts.delivered;
  s.gpus_installed_total = counts.installed_total;
  s.gpus_retired = counts.retired;
  s.gpus_in_transit = counts.in_transit;
  s.gpus_waiting_for_power = parts_.fleet.gpus_waiting_for_power();
  s.gpu_failures = counts.failures;
  s.gpu_failures_by_cause = counts.failures_by_cause;
  s.gpu_seconds_waiting_for_power = counts.waiting_gpu_seconds;
  const std::vector<LeaseContract>& leases = parts_.fleet.leases();
  // A contract the scenario lists as signed after the horizon is not signed in the run.
  s.leases_signed = std::count_if(leases.begin(), leases.end(),
                                  [end](const LeaseContract& l) { return l.signed_at < end; });
  s.leases_signed_by_planner =
      std::count_if(leases.begin(), leases.end(), [](const LeaseContract& l) { return l.planner; });
  s.gpus_leased_peak = parts_.fleet.gpus_leased_peak();
}

}  // namespace capsim
