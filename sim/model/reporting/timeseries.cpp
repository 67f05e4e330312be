#include "capsim/model/reporting/timeseries.hpp"

#include <array>

#include <fmt/format.h>

#include "capsim/model/economics/funds.hpp"
#include "capsim/model/phases.hpp"

namespace capsim {

namespace {

enum Kinds : EventKind { kSample, kYearEnd, kFundsDay };

/// Fully loaded cost of a GPU-hour: depreciation and running costs over installed GPU-hours.
double cost_per_gpu_hour(double depreciation_and_opex_usd, double gpu_hours) {
  return gpu_hours > 0.0 ? depreciation_and_opex_usd / gpu_hours : 0.0;
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
double fleet_cost_per_gpu_hour(const PeriodReading& r, std::size_t /*member*/ = 0) {
  return cost_per_gpu_hour(total_of<&Cumulative::depreciation>(r) + opex(r),
                           hours_of<&Cumulative::gpu_installed_s>(r));
}

}  // namespace

const std::vector<ColumnDeclaration>& timeseries_columns() {
  using enum ColumnFamily;
  using enum ColumnKind;
  static const std::vector<ColumnDeclaration> columns = {
      {fleet, "gpus_installed", "GPUs", stock, "installed and not retired (failed ones included)",
       in_stock<&FleetStock::installed>},
      {fleet, "gpus_available", "GPUs", stock, "installed and not failed",
       [](const PeriodReading& r, std::size_t) {
         return as_double(r.stock.installed - r.stock.failed);
       }},
      {fleet, "gpus_failed", "GPUs", stock, "failed and in repair", in_stock<&FleetStock::failed>},
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
      {fleet, "gpu_hours_available", "GPU-hours", total, "available GPUs over time",
       hours_of<&Cumulative::gpu_available_s>, true},
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
      {fleet, "cost_per_gpu_hour_usd", "USD per GPU-hour", mean,
       "fully loaded: depreciation and opex over installed GPU-hours", fleet_cost_per_gpu_hour,
       true},
      {fleet, "sites_online", "sites", stock, "sites with power online",
       [](const PeriodReading& r, std::size_t) {
         return static_cast<double>(r.stock.sites_online);
       }},
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
         const double gpu_hours = service_total<kGpuS>(r, k) / 3600.0;
         const double tokens =
             service_total<kServedInput>(r, k) + service_total<kServedOutput>(r, k);
         const double cost =
             gpu_hours * r.parts.inference.price_per_gpu_hour(fleet_cost_per_gpu_hour(r));
         return tokens > 0 ? cost / tokens * 1e6 : 0.0;
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

std::string_view column_kind_name(ColumnKind kind) {
  static constexpr std::array<std::string_view, 3> kNames = {
      "stock at the period's end", "total over the period", "mean over the period"};
  return kNames.at(static_cast<std::size_t>(kind));
}

Cumulative cumulative_at(const ModelParts& parts, Tick tick) {
  const Ledger& ledger = parts.context.ledger();
  const Power& power = parts.fleet.power();
  Cumulative c;
  c.capex_gpus = ledger.capex_paid(CapexKind::gpus, tick);
  c.capex_facility = ledger.capex_paid(CapexKind::facility, tick);
  c.depreciation =
      ledger.depreciation(CapexKind::gpus, tick) + ledger.depreciation(CapexKind::facility, tick);
  for (std::size_t s = 0; s < parts.sites.size(); ++s) {
    const SiteEnergy energy = power.energy_at(s, tick);
    c.energy_cost += energy.cost_usd;
    c.energy_it += energy.it_j;
    c.energy_facility += energy.facility_j;
  }
  c.maintenance = parts.costs.maintenance_usd().total_at(tick);
  c.staff = parts.costs.staff_usd().total_at(tick);
  c.gpu_installed_s = power.gpu_installed_s().total_at(tick);
  c.gpu_available_s = power.gpu_available_s(tick);
  c.gpu_busy_s = power.gpu_busy_s(tick);
  c.training_busy_s = parts.training.busy_gpu_s().total_at(tick);
  for (std::size_t k = 0; k < parts.training.tenant_names().size(); ++k)
    c.tenant_gpu_s.push_back(parts.training.tenant_gpu_s(k).total_at(tick));
  for (std::size_t k = 0; k < parts.inference.size(); ++k) {
    const ServiceState& service = parts.inference[k];
    c.service.push_back(
        {service.gpu_s.total_at(tick), service.demand_input.total_at(tick),
         service.demand_output.total_at(tick),
         service.served_input_hit.total_at(tick) + service.served_input_miss.total_at(tick),
         service.served_output.total_at(tick), service.dropped_output.total_at(tick),
         static_cast<double>(service.hours), static_cast<double>(service.hours_met)});
  }
  return c;
}

FleetStock fleet_stock(const ModelParts& parts) {
  FleetStock stock;
  stock.installed_by_part.assign(parts.context.parts.size(), 0);
  const std::vector<Pool>& pools = parts.fleet.pools();
  for (std::size_t p = 0; p < pools.size(); ++p) {
    const Pool& pool = pools[p];
    if (!pool.active)
      continue;
    stock.installed += pool.gpus;
    stock.failed += parts.fleet.failed_gpus(p);
    stock.installed_by_part[pool.part] += pool.gpus;
    stock.h100_equivalent +=
        static_cast<double>(pool.gpus) * h100_equivalent(parts.context.part(pool.part));
  }
  stock.waiting_for_power = parts.fleet.gpus_waiting_for_power();
  for (std::size_t s = 0; s < parts.sites.size(); ++s) {
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
        recorder.add_column(std::string(declared[d].name) + names[member]);
        columns_.push_back({&declared[d], member});
      }
    }
    first = last;
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
  // The funds are watched day by day on a clock of their own, so that the date they run out
  // is the same whatever the reporting period (each day's spending is interpolated within the
  // day it crossed the funds, never across a period of months).
  if (context_.scenario.economics.funds_usd) {
    context_.engine.schedule_periodic(
        std::min(end, calendar.tick_of(next_period_start(start, PeriodUnit::day, start))),
        [calendar, start, end](Tick previous) {
          if (previous >= end)
            return INT64_MAX;
          return std::min(end, calendar.tick_of(next_period_start(calendar.date_of(previous),
                                                                  PeriodUnit::day, start)));
        },
        phases::kSample, self_, kFundsDay);
  }
  at_start_ = cumulative_at(parts_, 0);
  last_cumulative_ = at_start_;
  year_start_cumulative_ = at_start_;
  funds_checked_spent_usd_ = at_start_.spent();
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
    case kFundsDay:
      check_funds();
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
  const Cumulative after = cumulative_at(parts_, now);
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
  last_sample_ = now;
  last_cumulative_ = after;
}

void Reporting::check_funds() {
  const Tick now = context_.now();
  if (now <= funds_checked_at_)
    return;
  const double spent_usd = cumulative_at(parts_, now).spent();
  note_funds(context_.scenario.economics.funds_usd, funds_checked_at_, now,
             funds_checked_spent_usd_, spent_usd, context_.run.summary);
  funds_checked_at_ = now;
  funds_checked_spent_usd_ = spent_usd;
}

void Reporting::close_year(Tick tick) {
  const Cumulative after = cumulative_at(parts_, tick);
  const FleetStock stock = fleet_stock(parts_);
  const PeriodReading year{year_start_cumulative_,
                           after,
                           seconds_from_ticks(tick - year_start_),
                           at_start_,
                           stock,
                           parts_};
  YearTotals totals{context_.calendar.date_of(year_start_), context_.calendar.date_of(tick), {}};
  for (const ColumnDeclaration& column : timeseries_columns()) {
    if (column.family == ColumnFamily::fleet && column.kind != ColumnKind::stock)
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
  if (context_.scenario.economics.funds_usd)
    check_funds();
  std::vector<FleetSnapshot>& year_ends = context_.run.summary.year_ends;
  if (year_ends.empty() || year_ends.back().date != context_.calendar.date_of(end))
    year_ends.push_back(snapshot());
  if (year_start_ < end)
    close_year(end);
  const Cumulative& start = at_start_;
  const Cumulative last = cumulative_at(parts_, end);
  CapacitySummary& s = context_.run.summary;
  s.capex_gpus_usd = last.capex_gpus - start.capex_gpus;
  s.capex_facility_usd = last.capex_facility - start.capex_facility;
  s.depreciation_usd = last.depreciation - start.depreciation;
  s.energy_cost_usd = last.energy_cost;
  s.maintenance_usd = last.maintenance;
  s.staff_usd = last.staff;
  s.spent_usd = last.spent();
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
}

}  // namespace capsim
