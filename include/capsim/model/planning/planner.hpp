#pragma once
/// Planners decide how capacity is added. A planner sees the model through a read-only
/// PlanningView (fleet, power, prices, forecasts, funds) and acts only through FleetActions
/// (start a site, add a cluster, place an order, record, ask to be woken). One planner per
/// file, chosen by name from the registry (make_planner). Planners call nothing else, so they
/// can be tested on a hand-built view.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "capsim/model/fleet/cluster_book.hpp"
#include "capsim/model/fleet/fleet.hpp"
#include "capsim/model/fleet/sites.hpp"
#include "capsim/model/inference/serving.hpp"
#include "capsim/model/inputs.hpp"
#include "capsim/model/run_results.hpp"
#include "capsim/model/training/training_workload.hpp"

namespace capsim {

/// Owned GPUs installed whole under one name (an existing cluster, or one order): what a
/// planner may retire early.
struct InstalledLot {
  std::size_t lot = 0;  ///< the fleet's delivery
  std::string name;
  std::size_t part = 0;
  std::size_t site = 0;
  std::size_t cluster = 0;
  std::int64_t gpus = 0;
  double power_per_gpu_w = 0.0;  ///< what each claims of its site: server, network, storage
  Tick retires_at = 0;           ///< planned
};

/// What a planner may read. Ticks are the engine's; `now()` is the review's.
class PlanningView {
 public:
  virtual ~PlanningView() = default;
  virtual const Scenario& scenario() const = 0;
  virtual const Calendar& calendar() const = 0;
  virtual Tick now() const = 0;
  virtual Tick end() const = 0;
  virtual const std::vector<const AcceleratorSpec*>& parts() const = 0;

  /// Indices of a catalog part and of a site by name (the loader has checked the names).
  virtual std::size_t part_index(const std::string& name) const = 0;
  virtual std::size_t site_index(const std::string& name) const = 0;
  virtual std::size_t site_count() const = 0;
  virtual const SiteState& site(std::size_t site) const = 0;
  /// Server power at a site that GPUs in service now will have freed by retiring by `tick`.
  virtual double retiring_power_w(std::size_t site, Tick tick) const = 0;

  virtual std::size_t cluster_count() const = 0;
  virtual const SchedulingCluster& cluster(std::size_t cluster) const = 0;
  /// GPUs of a cluster in service at `tick`: delivered or on order, not yet retired then; or
  /// under a lease signed and not ended then.
  virtual std::int64_t cluster_gpus_at(std::size_t cluster, Tick tick) const = 0;
  /// Owned lots installed whole and not yet retiring, in the order they were delivered.
  virtual std::vector<InstalledLot> installed_lots() const = 0;
  /// GPUs of a part that may still arrive in the quarter of `tick`.
  virtual std::int64_t vendor_cap_remaining(std::size_t part, Tick tick) const = 0;

  /// Funds not yet spent or committed (infinite without economics.funds).
  virtual double funds_left() const = 0;
  /// Facility capex paid or due by `tick`.
  virtual double facility_capex_due_by(Tick tick) const = 0;

  virtual std::size_t service_count() const = 0;
  virtual const ServiceState& service(std::size_t service) const = 0;
  /// The service's demand in the hour at `multiple` of its curve.
  virtual TokenDemand service_demand_at(std::size_t service, Tick hour, double multiple) const = 0;
  /// GPUs that serve `demand` within the service's SLO at the throughput of `hour`.
  virtual std::int64_t service_gpus_for(std::size_t service, Tick hour,
                                        const TokenDemand& demand) const = 0;
  /// Tokens per second a GPU of `part` serves of the service's `demand` in `hour`, its
  /// replicas sized for that part within the SLO; none when the part cannot host its model.
  virtual std::optional<double> service_tokens_per_gpu_s(std::size_t service, std::size_t part,
                                                         Tick hour,
                                                         const TokenDemand& demand) const = 0;
  /// The service's demand multiple carried on for `elapsed_s` towards where prices at
  /// `target_at` send it.
  virtual double service_multiple_towards(std::size_t service, Tick target_at,
                                          double elapsed_s) const = 0;
  /// Tokens demanded by the service since the start.
  virtual double service_tokens_demanded(std::size_t service) const = 0;

  /// What training holds and asks for, for a forecast at `tick`.
  virtual TrainingNeed training_need_at(Tick tick) const = 0;
};

/// What a planner may do.
class FleetActions {
 public:
  virtual ~FleetActions() = default;
  /// Starts a site's construction now.
  virtual void start_site(std::size_t site, const std::string& why) = 0;
  virtual std::size_t add_cluster(const std::string& name, std::size_t site, std::size_t part,
                                  std::int64_t gpus, const FabricSpec& fabric) = 0;
  /// More GPUs planned for a cluster (its fabric is sized for them).
  virtual void grow_cluster(std::size_t cluster, std::int64_t gpus) = 0;
  /// The service serves on `cluster` too (its part must host the service's model).
  virtual void serve_also_on(std::size_t service, std::size_t cluster) = 0;
  virtual void place_order(const OrderRequest& order) = 0;
  /// Signs a lease contract (its site and cluster are the fleet's to set); returns the
  /// cluster its GPUs form.
  virtual std::size_t sign_lease(const LeaseContract& lease) = 0;
  /// Retires an installed lot at `at` (now or later, before its planned retirement), `why`
  /// going into buildout.csv.
  virtual void retire_early(std::size_t lot, Tick at, const std::string& why) = 0;
  /// A line of buildout.csv.
  virtual void record(BuildoutEvent event) = 0;
  /// Wakes the planner at `tick` (in the planning phase) with `tag`.
  virtual void review_at(Tick tick, std::uint64_t tag) = 0;
  /// The run's summary, whose budget and planner figures the planner keeps.
  virtual CapacitySummary& summary() = 0;
};

class Planner {
 public:
  virtual ~Planner() = default;
  /// Whether sites with a construction plan and no start date start with the scenario.
  virtual bool starts_sites_with_scenario() const { return false; }
  /// Whether the planner reviews every planning period (planner.budget_period) from the start.
  virtual bool reviews_every_period() const { return false; }
  /// At set-up, once the existing clusters are known: clusters named ahead, dated reviews.
  virtual void set_up(const PlanningView&, FleetActions&) {}
  /// A review: periodic (`tag` counts them), or one asked for with review_at (its tag).
  virtual void review(const PlanningView& view, FleetActions& actions, std::uint64_t tag) = 0;
};

/// A planner in the registry.
struct PlannerEntry {
  PlannerPolicy policy;
  std::string_view name;
  std::unique_ptr<Planner> (*make)();
};

/// Every planner, by name.
const std::vector<PlannerEntry>& planner_registry();
/// The planner of a policy (std::logic_error for one not in the registry).
std::unique_ptr<Planner> make_planner(PlannerPolicy policy);

}  // namespace capsim
