#include "capsim/model/reporting/timeseries.hpp"

#include <array>

#include <fmt/format.h>

#include "capsim/model/economics/funds.hpp"
#include "capsim/model/phases.hpp"

namespace capsim {

namespace {

enum Kinds : EventKind { kSample, kYearEnd };

/// Fully loaded cost of a GPU-hour: depreciation and running costs over installed GPU-hours.
double cost_per_gpu_hour(double depreciation_and_opex_usd, double gpu_hours) {
  return gpu_hours > 0.0 ? depreciation_and_opex_usd / gpu_hours : 0.0;
}

double h100_equivalent(const AcceleratorSpec& part) {
  return part.peak_dense_flops.bf16_flop_per_s / kH100DenseBf16FlopPerS;
}

// Period totals, read from the cumulative readings.
double capex_gpus(const PeriodReading& r) {
  return r.after.capex_gpus - r.before.capex_gpus;
}
double capex_facility(const PeriodReading& r) {
  return r.after.capex_facility - r.before.capex_facility;
}
double depreciation(const PeriodReading& r) {
  return r.after.depreciation - r.before.depreciation;
}
double energy_cost(const PeriodReading& r) {
  return r.after.energy_cost - r.before.energy_cost;
}
double maintenance(const PeriodReading& r) {
  return r.after.maintenance - r.before.maintenance;
}
double staff(const PeriodReading& r) {
  return r.after.staff - r.before.staff;
}
double opex(const PeriodReading& r) {
  return energy_cost(r) + maintenance(r) + staff(r);
}
double gpu_hours_installed(const PeriodReading& r) {
  return (r.after.gpu_installed_s - r.before.gpu_installed_s) / 3600.0;
}
double gpu_hours_available(const PeriodReading& r) {
  return (r.after.gpu_available_s - r.before.gpu_available_s) / 3600.0;
}
double gpu_hours_busy(const PeriodReading& r) {
  return (r.after.gpu_busy_s - r.before.gpu_busy_s) / 3600.0;
}
double mean_mw(const PeriodReading& r, double joules) {
  return r.span_s > 0 ? joules / r.span_s / 1e6 : 0.0;
}
double fleet_cost_per_gpu_hour(const PeriodReading& r) {
  return cost_per_gpu_hour(depreciation(r) + opex(r), gpu_hours_installed(r));
}
const FleetCounts& counts(const PeriodReading& r) {
  return r.parts.fleet.counts();
}

/// A service's totals in the period: GPU-s, demand in and out, served in and out, hours, hours
/// met (Cumulative::service's order).
double service_delta(const PeriodReading& r, std::size_t service, std::size_t field) {
  return r.after.service[service][field] - r.before.service[service][field];
}

double as_double(std::int64_t value) {
  return static_cast<double>(value);
}

// clang-format off
const std::vector<ColumnDeclaration> kColumns = {
  {ColumnFamily::fleet, "gpus_installed", "GPUs", ColumnKind::stock,
   "installed and not retired (failed ones included)",
   [](const PeriodReading& r, std::size_t) { return as_double(r.stock.installed); }},
  {ColumnFamily::fleet, "gpus_available", "GPUs", ColumnKind::stock,
   "installed and not failed",
   [](const PeriodReading& r, std::size_t) { return as_double(r.stock.installed - r.stock.failed); }},
  {ColumnFamily::fleet, "gpus_failed", "GPUs", ColumnKind::stock, "failed and in repair",
   [](const PeriodReading& r, std::size_t) { return as_double(r.stock.failed); }},
  {ColumnFamily::fleet, "gpus_in_transit", "GPUs", ColumnKind::stock, "ordered, not yet delivered",
   [](const PeriodReading& r, std::size_t) { return as_double(counts(r).in_transit); }},
  {ColumnFamily::fleet, "gpus_waiting_for_power", "GPUs", ColumnKind::stock,
   "delivered, waiting for site power to install",
   [](const PeriodReading& r, std::size_t) { return as_double(r.stock.waiting_for_power); }},
  {ColumnFamily::fleet, "gpus_ordered_cumulative", "GPUs", ColumnKind::stock,
   "ordered since the start (existing clusters included)",
   [](const PeriodReading& r, std::size_t) { return as_double(counts(r).ordered); }},
  {ColumnFamily::fleet, "gpus_delivered_cumulative", "GPUs", ColumnKind::stock,
   "delivered since the start",
   [](const PeriodReading& r, std::size_t) { return as_double(counts(r).delivered); }},
  {ColumnFamily::fleet, "gpus_retired_cumulative", "GPUs", ColumnKind::stock,
   "retired since the start",
   [](const PeriodReading& r, std::size_t) { return as_double(counts(r).retired); }},
  {ColumnFamily::fleet, "gpus_h100_equivalent", "H100-equivalents", ColumnKind::stock,
   "installed GPUs weighted by dense bf16 peak over an H100 SXM's 989 TFLOP/s",
   [](const PeriodReading& r, std::size_t) { return r.stock.h100_equivalent; }},
  {ColumnFamily::fleet, "utilisation", "share", ColumnKind::mean,
   "busy over available GPU-hours",
   [](const PeriodReading& r, std::size_t) {
     const double available = gpu_hours_available(r);
     return available > 0 ? gpu_hours_busy(r) / available : 0.0;
   }},
  {ColumnFamily::fleet, "gpu_hours_installed", "GPU-hours", ColumnKind::total,
   "installed GPUs over time",
   [](const PeriodReading& r, std::size_t) { return gpu_hours_installed(r); }, true},
  {ColumnFamily::fleet, "gpu_hours_available", "GPU-hours", ColumnKind::total,
   "available GPUs over time",
   [](const PeriodReading& r, std::size_t) { return gpu_hours_available(r); }, true},
  {ColumnFamily::fleet, "gpu_hours_busy", "GPU-hours", ColumnKind::total,
   "busy GPUs over time: held by training and serving, or at the assumed utilisation",
   [](const PeriodReading& r, std::size_t) { return gpu_hours_busy(r); }, true},
  {ColumnFamily::fleet, "power_it_mw", "MW", ColumnKind::mean, "IT power drawn",
   [](const PeriodReading& r, std::size_t) {
     return mean_mw(r, r.after.energy_it - r.before.energy_it);
   }},
  {ColumnFamily::fleet, "power_facility_mw", "MW", ColumnKind::mean,
   "facility power drawn (IT × PUE)",
   [](const PeriodReading& r, std::size_t) {
     return mean_mw(r, r.after.energy_facility - r.before.energy_facility);
   }},
  {ColumnFamily::fleet, "power_online_mw", "MW", ColumnKind::stock, "site IT power built and online",
   [](const PeriodReading& r, std::size_t) { return r.stock.online_w / 1e6; }},
  {ColumnFamily::fleet, "power_installed_peak_mw", "MW", ColumnKind::stock,
   "peak draw of the installed GPUs' servers",
   [](const PeriodReading& r, std::size_t) { return r.stock.installed_peak_w / 1e6; }},
  {ColumnFamily::fleet, "energy_it_mwh", "MWh", ColumnKind::total, "IT energy",
   [](const PeriodReading& r, std::size_t) {
     return (r.after.energy_it - r.before.energy_it) / 3.6e9;
   }, true},
  {ColumnFamily::fleet, "energy_facility_mwh", "MWh", ColumnKind::total, "facility energy",
   [](const PeriodReading& r, std::size_t) {
     return (r.after.energy_facility - r.before.energy_facility) / 3.6e9;
   }, true},
  {ColumnFamily::fleet, "capex_usd", "USD", ColumnKind::total, "capex paid: GPUs and facilities",
   [](const PeriodReading& r, std::size_t) { return capex_gpus(r) + capex_facility(r); }, true},
  {ColumnFamily::fleet, "capex_gpus_usd", "USD", ColumnKind::total,
   "GPU capex paid (on delivery), servers, network and storage share included",
   [](const PeriodReading& r, std::size_t) { return capex_gpus(r); }, true},
  {ColumnFamily::fleet, "capex_facility_usd", "USD", ColumnKind::total,
   "facility capex paid, spread over each phase's construction",
   [](const PeriodReading& r, std::size_t) { return capex_facility(r); }, true},
  {ColumnFamily::fleet, "capex_cumulative_usd", "USD", ColumnKind::stock,
   "capex paid since the start",
   [](const PeriodReading& r, std::size_t) {
     return r.after.capex_gpus + r.after.capex_facility - r.at_start.capex_gpus -
            r.at_start.capex_facility;
   }},
  {ColumnFamily::fleet, "depreciation_usd", "USD", ColumnKind::total,
   "straight-line depreciation of servers and facilities",
   [](const PeriodReading& r, std::size_t) { return depreciation(r); }, true},
  {ColumnFamily::fleet, "opex_energy_usd", "USD", ColumnKind::total,
   "facility energy at each site's electricity price",
   [](const PeriodReading& r, std::size_t) { return energy_cost(r); }, true},
  {ColumnFamily::fleet, "opex_maintenance_usd", "USD", ColumnKind::total,
   "maintenance: a share of the gross capex in service per year",
   [](const PeriodReading& r, std::size_t) { return maintenance(r); }, true},
  {ColumnFamily::fleet, "opex_staff_usd", "USD", ColumnKind::total, "staff",
   [](const PeriodReading& r, std::size_t) { return staff(r); }, true},
  {ColumnFamily::fleet, "opex_usd", "USD", ColumnKind::total, "energy, maintenance and staff",
   [](const PeriodReading& r, std::size_t) { return opex(r); }},
  {ColumnFamily::fleet, "cost_per_gpu_hour_usd", "USD per GPU-hour", ColumnKind::mean,
   "fully loaded: depreciation and opex over installed GPU-hours",
   [](const PeriodReading& r, std::size_t) { return fleet_cost_per_gpu_hour(r); }, true},
  {ColumnFamily::fleet, "sites_online", "sites", ColumnKind::stock, "sites with power online",
   [](const PeriodReading& r, std::size_t) { return static_cast<double>(r.stock.sites_online); }},
  {ColumnFamily::part, "gpus_installed_", "GPUs", ColumnKind::stock,
   "installed GPUs of one catalog part",
   [](const PeriodReading& r, std::size_t part) {
     return as_double(r.stock.installed_by_part[part]);
   }},
  {ColumnFamily::service, "gpus_serving_", "GPUs", ColumnKind::mean,
   "GPUs the service held (warming replicas included)",
   [](const PeriodReading& r, std::size_t k) {
     return r.span_s > 0 ? service_delta(r, k, 0) / r.span_s : 0.0;
   }},
  {ColumnFamily::service, "demand_input_tokens_", "tokens", ColumnKind::total,
   "input tokens demanded",
   [](const PeriodReading& r, std::size_t k) { return service_delta(r, k, 1); }},
  {ColumnFamily::service, "demand_output_tokens_", "tokens", ColumnKind::total,
   "output tokens demanded",
   [](const PeriodReading& r, std::size_t k) { return service_delta(r, k, 2); }},
  {ColumnFamily::service, "served_input_tokens_", "tokens", ColumnKind::total,
   "input tokens served",
   [](const PeriodReading& r, std::size_t k) { return service_delta(r, k, 3); }},
  {ColumnFamily::service, "served_output_tokens_", "tokens", ColumnKind::total,
   "output tokens served",
   [](const PeriodReading& r, std::size_t k) { return service_delta(r, k, 4); }},
  {ColumnFamily::service, "dropped_output_tokens_", "tokens", ColumnKind::total,
   "output tokens demanded and not served",
   [](const PeriodReading& r, std::size_t k) {
     return service_delta(r, k, 2) - service_delta(r, k, 4);
   }},
  {ColumnFamily::service, "slo_attainment_", "share", ColumnKind::mean,
   "hours whose demand was fully served, over hours",
   [](const PeriodReading& r, std::size_t k) {
     const double hours = service_delta(r, k, 5);
     return r.after.service[k][5] > r.before.service[k][5] ? service_delta(r, k, 6) / hours : 1.0;
   }},
  {ColumnFamily::service, "cost_per_mtoken_usd_", "USD per million tokens", ColumnKind::mean,
   "the service's GPU-hours at the rental price (or the fleet's cost per GPU-hour) over its "
   "tokens served",
   [](const PeriodReading& r, std::size_t k) {
     const double gpu_hours = service_delta(r, k, 0) / 3600.0;
     const double tokens = service_delta(r, k, 3) + service_delta(r, k, 4);
     const double cost =
         gpu_hours * r.parts.inference.price_per_gpu_hour(fleet_cost_per_gpu_hour(r));
     return tokens > 0 ? cost / tokens * 1e6 : 0.0;
   }},
  {ColumnFamily::service, "demand_multiple_", "multiple", ColumnKind::stock,
   "where demand feedback has moved the demand curve (1: unmoved)",
   [](const PeriodReading& r, std::size_t k) { return r.parts.inference[k].demand_multiple; }},
  {ColumnFamily::training, "training_jobs_queued", "jobs", ColumnKind::stock,
   "training jobs waiting to start",
   [](const PeriodReading& r, std::size_t) { return as_double(r.parts.training.queue_length()); }},
  {ColumnFamily::training, "training_gpus_queued", "GPUs", ColumnKind::stock,
   "GPUs the waiting jobs ask for",
   [](const PeriodReading& r, std::size_t) { return as_double(r.parts.training.queued_gpus()); }},
  {ColumnFamily::training, "training_jobs_running", "jobs", ColumnKind::stock,
   "training jobs running",
   [](const PeriodReading& r, std::size_t) { return as_double(r.parts.training.running_jobs()); }},
  {ColumnFamily::training, "gpus_busy_training", "GPUs", ColumnKind::stock,
   "GPUs held by training jobs",
   [](const PeriodReading& r, std::size_t) { return as_double(r.parts.training.busy_gpus()); }},
  {ColumnFamily::training, "gpu_hours_training", "GPU-hours", ColumnKind::total,
   "GPU-hours held by training jobs",
   [](const PeriodReading& r, std::size_t) {
     return (r.after.training_busy_s - r.before.training_busy_s) / 3600.0;
   }},
  {ColumnFamily::tenant, "gpu_hours_training_", "GPU-hours", ColumnKind::total,
   "GPU-hours held by one tenant's jobs",
   [](const PeriodReading& r, std::size_t k) {
     return (r.after.tenant_gpu_s[k] - r.before.tenant_gpu_s[k]) / 3600.0;
   }},
};
// clang-format on

}  // namespace

const std::vector<ColumnDeclaration>& timeseries_columns() {
  return kColumns;
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
    const SiteDraw& draw = power.site(s);
    c.energy_cost += draw.energy_cost_usd.total_at(tick);
    c.energy_it += draw.energy_it_j.total_at(tick);
    c.energy_facility += draw.energy_facility_j.total_at(tick);
  }
  c.maintenance = parts.costs.maintenance_usd().total_at(tick);
  c.staff = parts.costs.staff_usd().total_at(tick);
  c.gpu_installed_s = power.gpu_installed_s().total_at(tick);
  c.gpu_available_s = power.gpu_available_s().total_at(tick);
  c.gpu_busy_s = power.gpu_busy_s().total_at(tick);
  c.training_busy_s = parts.training.busy_gpu_s().total_at(tick);
  for (std::size_t k = 0; k < parts.training.tenant_names().size(); ++k)
    c.tenant_gpu_s.push_back(parts.training.tenant_gpu_s(k).total_at(tick));
  for (std::size_t k = 0; k < parts.inference.size(); ++k) {
    const ServiceState& service = parts.inference[k];
    c.service.push_back(
        {service.gpu_s.total_at(tick), service.demand_input.total_at(tick),
         service.demand_output.total_at(tick),
         service.served_input_hit.total_at(tick) + service.served_input_miss.total_at(tick),
         service.served_output.total_at(tick), static_cast<double>(service.hours),
         static_cast<double>(service.hours_met)});
  }
  return c;
}

FleetStock fleet_stock(const ModelParts& parts) {
  FleetStock stock;
  stock.installed_by_part.assign(parts.context.parts.size(), 0);
  for (const Pool& pool : parts.fleet.pools()) {
    if (!pool.active)
      continue;
    stock.installed += pool.gpus;
    stock.failed += pool.failed;
    stock.installed_by_part[pool.part] += pool.gpus;
    stock.h100_equivalent +=
        static_cast<double>(pool.gpus) * h100_equivalent(parts.context.part(pool.part));
  }
  stock.waiting_for_power = parts.fleet.gpus_waiting_for_power();
  for (std::size_t s = 0; s < parts.sites.size(); ++s) {
    const SiteState& site = parts.sites[s];
    stock.online_w += site.online_power_w;
    stock.installed_peak_w += site.installed_peak_w;
    stock.drawn_w += parts.fleet.power().site(s).drawn_w;
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
  std::size_t first = 0;
  while (first < kColumns.size()) {
    std::size_t last = first;
    while (last < kColumns.size() && kColumns[last].family == kColumns[first].family)
      ++last;
    const std::vector<std::string> names = members(kColumns[first].family);
    for (std::size_t member = 0; member < names.size(); ++member) {
      for (std::size_t d = first; d < last; ++d) {
        recorder.add_column(std::string(kColumns[d].name) + names[member]);
        columns_.push_back({&kColumns[d], member});
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
  at_start_ = cumulative_at(parts_, 0);
  last_cumulative_ = at_start_;
}

void Reporting::on_event(Engine&, const Event& event) {
  switch (event.kind) {
    case kSample:
      sample();
      break;
    case kYearEnd:
      context_.run.summary.year_ends.push_back(snapshot());
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
  note_funds(context_.scenario.economics.funds_usd, from, now, before.spent(), after.spent(),
             context_.run.summary);
  parts_.fleet.check_invariants();
  Recorder& recorder = context_.run.timeseries;
  recorder.begin_row(format_date(context_.calendar.date_of(from)),
                     format_date(context_.calendar.date_of(now)));
  const FleetStock stock = fleet_stock(parts_);
  const PeriodReading reading{parts_,    before, after,
                              at_start_, stock,  seconds_from_ticks(now - from)};
  for (std::size_t c = 0; c < columns_.size(); ++c)
    recorder.set(c, columns_[c].declaration->value(reading, columns_[c].member));
  last_sample_ = now;
  last_cumulative_ = after;
}

FleetSnapshot Reporting::snapshot() const {
  const FleetStock stock = fleet_stock(parts_);
  FleetSnapshot shot;
  shot.date = context_.calendar.date_of(context_.now());
  shot.gpus_installed = stock.installed;
  shot.gpus_h100_equivalent = stock.h100_equivalent;
  shot.it_power_online_w = stock.online_w;
  shot.it_power_installed_w = stock.installed_peak_w;
  shot.it_power_drawn_w = stock.drawn_w;
  shot.gpus_waiting_for_power = stock.waiting_for_power;
  shot.gpus_in_transit = parts_.fleet.counts().in_transit;
  return shot;
}

void Reporting::finish() {
  const Tick end = context_.end;
  if (last_sample_ < end)
    sample();
  std::vector<FleetSnapshot>& year_ends = context_.run.summary.year_ends;
  if (year_ends.empty() || year_ends.back().date != context_.calendar.date_of(end))
    year_ends.push_back(snapshot());
  const Cumulative& start = at_start_;
  const Cumulative last = cumulative_at(parts_, end);
  CapacitySummary& s = context_.run.summary;
  s.capex_gpus_usd = last.capex_gpus - start.capex_gpus;
  s.capex_facility_usd = last.capex_facility - start.capex_facility;
  s.depreciation_usd = last.depreciation - start.depreciation;
  s.energy_cost_usd = last.energy_cost;
  s.maintenance_usd = last.maintenance;
  s.staff_usd = last.staff;
  s.energy_it_j = last.energy_it;
  s.energy_facility_j = last.energy_facility;
  s.gpu_seconds_installed = last.gpu_installed_s;
  s.gpu_seconds_available = last.gpu_available_s;
  s.gpu_seconds_busy = last.gpu_busy_s;
  // The declared columns over the whole run: one computation for a period and for the run.
  const FleetStock stock = fleet_stock(parts_);
  const PeriodReading run{parts_, start, last, start, stock, seconds_from_ticks(end)};
  for (const ColumnDeclaration& column : kColumns) {
    if (column.in_summary)
      s.totals.push_back({std::string(column.name), column.value(run, 0)});
  }
  s.cost_per_gpu_hour_usd = fleet_cost_per_gpu_hour(run);
  const FleetCounts& counts = parts_.fleet.counts();
  s.gpus_ordered = counts.ordered;
  s.gpus_delivered = counts.delivered;
  s.gpus_installed_total = counts.installed_total;
  s.gpus_retired = counts.retired;
  s.gpus_in_transit = counts.in_transit;
  s.gpus_waiting_for_power = parts_.fleet.gpus_waiting_for_power();
  s.gpu_failures = counts.failures;
  s.gpu_seconds_waiting_for_power = counts.waiting_gpu_seconds;
}

}  // namespace capsim
