#pragma once
/// Sites: their construction plans, power phases coming online, electricity prices, and the
/// facility capex each phase brings. Owns the site states; the fleet writes the power its GPUs
/// claim (installed_peak_w, reserved_w) and the pools and deliveries at each site. Calls
/// nothing but the engine, the ledger and its listener.

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "capsim/engine/engine.hpp"
#include "capsim/model/fleet/construction.hpp"
#include "capsim/model/model_context.hpp"

namespace capsim {

struct PhaseState {
  double power_w = 0.0;
  std::string ready_after;  ///< the construction task whose end brings it online
  std::optional<Tick> online_at;
  bool online = false;
};

struct SiteState {
  const SiteSpec* spec = nullptr;
  ConstructionPlan plan;
  std::optional<Tick> construction_start;
  std::vector<PhaseState> phases;
  double online_power_w = 0.0;
  double installed_peak_w = 0.0;    ///< peak draw of the installed pools' servers
  double reserved_w = 0.0;          ///< peak draw of GPUs ordered for here, not yet installed
  std::deque<std::size_t> waiting;  ///< deliveries waiting for power, first come first served
  std::vector<std::size_t> pools;   ///< the fleet's pools installed here
  double price_usd_per_j = 0.0;
  double carbon_g_per_j = 0.0;  ///< emitted per joule of facility energy, clean power netted out
  /// A lease provider's datacenter: its power, energy and carbon are the provider's, so the
  /// scenario's power, energy and site figures leave it out. After every own site.
  bool provider = false;

  bool started() const { return construction_start.has_value(); }
  /// A site with a construction plan (one without was built before the scenario).
  bool buildable() const { return !plan.tasks().empty(); }
  /// Seconds from a construction start to the first phase's power.
  double first_phase_ready_s() const;
  /// What building the whole site costs.
  double facility_cost_usd() const;
  /// IT power of all its phases: what it brings once built.
  double planned_power_w() const;
  /// Facility capex due in the first `elapsed_s` after a construction start: each phase is
  /// paid evenly from the start until its power is ready (as Sites::start schedules it).
  double facility_due_within_s(double elapsed_s) const;
  /// Power online by `tick` that no installed or ordered GPU has claimed yet.
  double uncommitted_power_w(Tick tick) const;
};

/// Told when a site's power, price or carbon intensity changes.
class SitesListener {
 public:
  virtual ~SitesListener() = default;
  virtual void site_power_online(std::size_t site) = 0;
  /// The electricity price or the carbon intensity changed: the energy rates change with it.
  virtual void site_price_changed(std::size_t site) = 0;
};

class Sites final : public EventHandler {
 public:
  explicit Sites(const ModelContext& context);
  Sites(const Sites&) = delete;
  Sites& operator=(const Sites&) = delete;

  void set_listener(SitesListener* listener) { listener_ = listener; }
  /// Builds the site states, schedules price changes and starts the sites whose start is
  /// known: given in the scenario, built before it (no plan), or, when
  /// `start_planned_sites` (the fixed planner), every site with the scenario.
  void set_up(bool start_planned_sites);
  /// Starts construction at `start`: each phase's facility capex is paid then and its power
  /// comes online at its task's end.
  void start(std::size_t site, Tick start, const std::string& why);

  /// Every site, the providers' included.
  std::size_t size() const { return sites_.size(); }
  /// The scenario's own sites: indices below this one (providers come after).
  std::size_t own_count() const { return own_count_; }
  /// The provider site of that name, added on first use (unlimited power, no PUE, price or
  /// carbon: the scenario sees none of it).
  std::size_t provider_site(const std::string& provider);
  const SiteState& operator[](std::size_t site) const { return sites_[site]; }
  SiteState& at(std::size_t site) { return sites_[site]; }
  const std::vector<SiteState>& all() const { return sites_; }
  std::size_t index_of(const std::string& name) const;

  void on_event(Engine& engine, const Event& event) override;

 private:
  void start_existing(std::size_t site);
  void bring_phase_online(std::size_t site, std::size_t phase, Tick online_at, bool existing);

  const ModelContext& context_;
  HandlerId self_{};
  SitesListener* listener_ = nullptr;
  std::vector<SiteState> sites_;
  std::size_t own_count_ = 0;
  std::deque<SiteSpec> provider_specs_;  // a deque, so that the sites' spec pointers stay valid
};

}  // namespace capsim
