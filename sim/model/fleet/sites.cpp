#include "capsim/model/fleet/sites.hpp"

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

#include "capsim/model/phases.hpp"

namespace capsim {

namespace {

enum Kinds : EventKind { kPhaseOnline, kPriceChange, kCarbonChange };

/// What the site's energy emits per joule: the grid's intensity on the share not under clean
/// power agreements.
double emitted_g_per_j(const SiteSpec& spec, double grid_g_per_j) {
  return grid_g_per_j * (1.0 - spec.clean_power_share);
}

// What a power phase's facility costs: its power at the site's cost per watt.
CapexItem phase_capex(const SiteState& site, std::size_t p) {
  return {CapexKind::facility, fmt::format("{} phase {}", site.spec->name, p + 1),
          site.phases[p].power_w * site.spec->cost_per_power_usd_per_w};
}

}  // namespace

double SiteState::first_phase_ready_s() const {
  double ready_s = plan.makespan_s();
  for (const PhaseState& phase : phases)
    ready_s = std::min(ready_s, plan.phase_ready_s(phase.ready_after));
  return ready_s;
}

double SiteState::facility_cost_usd() const {
  return planned_power_w() * spec->cost_per_power_usd_per_w;
}

double SiteState::planned_power_w() const {
  double power = 0.0;
  for (const PhaseState& phase : phases)
    power += phase.power_w;
  return power;
}

double SiteState::facility_due_within_s(double elapsed_s) const {
  double due = 0.0;
  for (const PhaseState& phase : phases) {
    const double ready_s = plan.phase_ready_s(phase.ready_after);
    const double share = ready_s <= elapsed_s ? 1.0 : elapsed_s / ready_s;
    due += share * phase.power_w * spec->cost_per_power_usd_per_w;
  }
  return due;
}

double SiteState::uncommitted_power_w(Tick tick) const {
  double scheduled = 0.0;
  for (const PhaseState& phase : phases) {
    if (phase.online_at && *phase.online_at <= tick)
      scheduled += phase.power_w;
  }
  return scheduled - installed_peak_w - reserved_w;
}

Sites::Sites(const ModelContext& context) : context_(context) {
  self_ = context_.engine.add_handler(*this);
}

std::size_t Sites::index_of(const std::string& name) const {
  // Providers are named by their contracts, not by the scenario's sites: a provider may share
  // a site's name.
  for (std::size_t i = 0; i < own_count_; ++i) {
    if (sites_[i].spec->name == name)
      return i;
  }
  throw std::logic_error("capacity model: unknown site " + name);
}

std::size_t Sites::provider_site(const std::string& provider) {
  for (std::size_t i = own_count_; i < sites_.size(); ++i) {
    if (sites_[i].spec->name == provider)
      return i;
  }
  SiteSpec& spec = provider_specs_.emplace_back();
  spec.name = provider;
  spec.pue = 1.0;
  SiteState site;
  site.spec = &spec;
  site.provider = true;
  sites_.push_back(std::move(site));
  return sites_.size() - 1;
}

void Sites::set_up(bool start_planned_sites) {
  for (const SiteSpec& spec : context_.scenario.sites) {
    SiteState site;
    site.spec = &spec;
    site.plan = site_construction_plan(spec, context_.scenario.construction_delay_s);
    if (spec.phases.empty()) {
      // Without phases the whole site comes online when its construction ends.
      const std::string last =
          site.plan.tasks().empty() ? std::string() : site.plan.critical_path().back();
      site.phases.push_back(PhaseState{spec.it_power_cap_w, last, std::nullopt, false});
    } else {
      for (const PowerPhaseSpec& phase : spec.phases) {
        site.phases.push_back(PhaseState{phase.it_power_w, phase.ready_after, std::nullopt, false});
      }
    }
    site.price_usd_per_j = spec.electricity_price_usd_per_j;
    site.carbon_g_per_j = emitted_g_per_j(spec, spec.grid_carbon_g_per_j);
    sites_.push_back(std::move(site));
  }
  own_count_ = sites_.size();
  for (std::size_t s = 0; s < sites_.size(); ++s) {
    SiteState& site = sites_[s];
    const SiteSpec& spec = *site.spec;
    for (std::size_t c = 0; c < spec.electricity_price_changes.size(); ++c) {
      const Tick at = context_.calendar.tick_of(spec.electricity_price_changes[c].from);
      if (at <= 0) {
        site.price_usd_per_j = spec.electricity_price_changes[c].price_usd_per_j;
      } else if (at <= context_.end) {
        context_.engine.schedule_at(at, phases::kPower, self_, kPriceChange, pack_payload(s, c));
      }
    }
    for (std::size_t c = 0; c < spec.grid_carbon_changes.size(); ++c) {
      const Tick at = context_.calendar.tick_of(spec.grid_carbon_changes[c].from);
      if (at <= 0) {
        site.carbon_g_per_j = emitted_g_per_j(spec, spec.grid_carbon_changes[c].g_per_j);
      } else if (at <= context_.end) {
        context_.engine.schedule_at(at, phases::kPower, self_, kCarbonChange, pack_payload(s, c));
      }
    }
    if (spec.construction_start) {
      start(s, context_.calendar.tick_of(*spec.construction_start), "construction start given");
    } else if (!site.buildable()) {
      start_existing(s);
    } else if (start_planned_sites) {
      start(s, 0, "fixed plan: construction starts with the scenario");
    }
  }
}

/// A site without a construction plan: built before the scenario, all power online at the
/// start; its facility is carried at replacement cost (cost per MW) from the start.
void Sites::start_existing(std::size_t s) {
  SiteState& site = sites_[s];
  site.construction_start = 0;
  for (std::size_t p = 0; p < site.phases.size(); ++p) {
    site.phases[p].online_at = 0;
    bring_phase_online(s, p, 0, /*existing=*/true);
  }
}

void Sites::start(std::size_t s, Tick start, const std::string& why) {
  SiteState& site = sites_[s];
  site.construction_start = start;
  context_.record({start, BuildoutKind::site_start, site.spec->name, "", "", 0,
                   site.spec->it_power_cap_w, 0.0, 0.0, why, PurchaseValue()});
  for (std::size_t p = 0; p < site.phases.size(); ++p) {
    PhaseState& phase = site.phases[p];
    const Tick online = start + ticks_from_seconds(site.plan.phase_ready_s(phase.ready_after));
    phase.online_at = online;
    context_.ledger().pay(CapexPayment{phase_capex(site, p), start, online});
    if (online <= context_.now()) {
      bring_phase_online(s, p, online, false);
    } else if (online <= context_.end) {
      context_.engine.schedule_at(online, phases::kPower, self_, kPhaseOnline, pack_payload(s, p));
    }
  }
}

void Sites::bring_phase_online(std::size_t s, std::size_t p, Tick online_at, bool existing) {
  SiteState& site = sites_[s];
  PhaseState& phase = site.phases[p];
  phase.online = true;
  site.online_power_w += phase.power_w;
  const CapexItem capex = phase_capex(site, p);
  context_.ledger().add_asset(Asset{capex, online_at, context_.scenario.economics.facility_life_s,
                                    INT64_MAX, 0.0, /*paid_in_run=*/!existing});
  context_.record({std::max<Tick>(online_at, 0), BuildoutKind::phase_online, site.spec->name, "",
                   "", 0, phase.power_w, existing ? 0.0 : capex.amount_usd, 0.0,
                   existing ? "existing site: online from the start" : "", PurchaseValue()});
}

void Sites::on_event(Engine& engine, const Event& event) {
  const std::size_t s = payload_high(event.payload);
  switch (event.kind) {
    case kPhaseOnline:
      bring_phase_online(s, payload_low(event.payload), engine.now(), false);
      if (listener_)
        listener_->site_power_online(s);
      break;
    case kPriceChange:
      sites_[s].price_usd_per_j =
          sites_[s].spec->electricity_price_changes[payload_low(event.payload)].price_usd_per_j;
      if (listener_)
        listener_->site_price_changed(s);
      break;
    case kCarbonChange:
      sites_[s].carbon_g_per_j = emitted_g_per_j(
          *sites_[s].spec, sites_[s].spec->grid_carbon_changes[payload_low(event.payload)].g_per_j);
      if (listener_)
        listener_->site_price_changed(s);
      break;
    default:
      throw std::logic_error("sites: unknown event kind");
  }
}

}  // namespace capsim
