#pragma once
/// The GPU fleet: orders and deliveries (with lead times and vendor caps), installs as far as
/// site power allows, pools that fail, are repaired and retire, and the conservation counts.
///
/// Failures: each pool's GPUs fail as one Poisson process of rate Σ λ_cause · (its available
/// GPUs), the superposition of every cause on every GPU at risk (never one timer per GPU),
/// simulated by thinning a process at the rate of all its GPUs (Fleet::failure); each event is
/// one GPU of one cause, drawn by the causes' rates. The GPU is busy with training
/// with probability (training's GPUs) / (available GPUs) of its cluster. A cause that
/// interrupts takes the GPU out of service for its repair time and, when training held it,
/// stops the job on it (the cluster book tells the training workload). A cause that does not
/// interrupt takes out only an idle GPU: a job rides through it.
/// Without training jobs or inference services nothing reacts to a single failure: each pool's
/// failures are then drawn whole at its install (FailurePath, the same draws in the same
/// order), and the failed stock, the failure counts and Power's failed draw are read from the
/// paths, with no engine event per failure or repair.
/// Owns the deliveries, pools and their power accounting; writes the cluster book's
/// available GPUs, the sites' claimed power and the ledger's GPU capex. Calls the running
/// costs when assets change.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "capsim/engine/engine.hpp"
#include "capsim/model/economics/running_costs.hpp"
#include "capsim/model/fleet/cluster_book.hpp"
#include "capsim/model/fleet/failure_path.hpp"
#include "capsim/model/fleet/pool.hpp"
#include "capsim/model/fleet/power.hpp"
#include "capsim/model/fleet/sites.hpp"
#include "capsim/model/fleet/vendor_caps.hpp"
#include "capsim/model/model_context.hpp"

namespace capsim {

/// GPUs to order for a site, joining a cluster.
struct OrderRequest : GpuLot {
  Tick arrival = 0;  ///< wanted; a vendor cap used up moves the rest quarter by quarter
  double service_life_s = 0.0;
  std::size_t cluster = 0;
  double price_per_gpu_usd = 0.0;  ///< the part's price on the order date
};

/// The fleet's running counts of GPUs.
struct FleetCounts {
  std::int64_t ordered = 0;
  std::int64_t delivered = 0;
  std::int64_t in_transit = 0;
  std::int64_t retired = 0;
  std::int64_t installed_total = 0;  ///< ever installed
  std::int64_t failures = 0;
  std::vector<std::int64_t> failures_by_cause;  ///< per ModelContext::failure_causes
  double waiting_gpu_seconds = 0.0;  ///< GPUs × time they waited for power after arrival
};

class Fleet final : public EventHandler, public SitesListener {
 public:
  Fleet(const ModelContext& context, Sites& sites, ClusterBook& book, RunningCosts& costs);
  Fleet(const Fleet&) = delete;
  Fleet& operator=(const Fleet&) = delete;

  /// The scenario's existing clusters: each its own scheduling cluster, arriving at its
  /// online date (or the start).
  void set_up_clusters();
  /// Failures of every pool installed from now on, when some cause has a rate: drawn whole
  /// per pool when no workload is simulated (see FailurePath), else one event at a time.
  void set_up_failures();
  /// Every failure and repair an engine event even without workloads: for the tests that
  /// compare the two ways. Before set_up_failures.
  void set_every_failure_an_event(bool every) { every_failure_an_event_ = every; }
  /// Places an order: deliveries at the wanted arrival, or later where a vendor's quarterly
  /// allocation is used up.
  void place_order(const OrderRequest& order);
  /// The scenario's lease contracts: each signed, and started at its start (or the scenario's).
  void set_up_leases();
  /// Signs a lease: a cluster of its GPUs at the provider's site, usable from its start to its
  /// end; records the signature. Returns its index in leases().
  std::size_t sign_lease(LeaseContract contract);
  const std::vector<LeaseContract>& leases() const { return leases_; }
  /// Leased GPU-seconds, and their cost, from the start to `tick`.
  double leased_gpu_s(Tick tick) const;
  double lease_cost_usd(Tick tick) const;
  /// The most GPUs under running lease contracts at once so far.
  std::int64_t gpus_leased_peak() const { return gpus_leased_peak_; }

  Power& power() { return power_; }
  const Power& power() const { return power_; }
  const VendorCaps& vendor_caps() const { return caps_; }
  const std::vector<Pool>& pools() const { return pools_; }
  const std::vector<Delivery>& deliveries() const { return deliveries_; }
  /// The running counts; the failures are those before now (read from the paths when failures
  /// are drawn whole).
  FleetCounts counts() const;
  /// A pool's GPUs failed and not yet repaired, now.
  std::int64_t failed_gpus(std::size_t pool) const;
  /// The engine events the failure paths stand for (0 when failures are events).
  std::uint64_t path_events() const { return path_events_; }
  /// GPUs delivered and waiting for site power.
  std::int64_t gpus_waiting_for_power() const;
  /// Retires a delivery installed whole at `at` (now or later, before its planned retirement):
  /// a planner's refresh. Its pools retire then with `why` in buildout.csv.
  void retire_early(std::size_t delivery, Tick at, const std::string& why);
  /// Server power at a site that GPUs in service now will have freed by retiring by `tick`.
  double retiring_power_w(std::size_t site, Tick tick) const;
  /// GPUs of a cluster in service at `tick`: delivered or on order, not yet retired then; or
  /// under a lease signed and not ended then.
  std::int64_t cluster_gpus_at(std::size_t cluster, Tick tick) const;
  /// Conservation and power limits, and in every cluster training's busy GPU-seconds since
  /// the last check at most its available ones; a violation is a bug in the model, not bad
  /// input. Called once a reporting period.
  void check_invariants() const;

  void on_event(Engine& engine, const Event& event) override;
  void site_power_online(std::size_t site) override;
  void site_price_changed(std::size_t site) override;

 private:
  std::size_t add_delivery(Delivery delivery);
  /// A lot's claim on its site's power per GPU: servers at full load, network and storage.
  double peak_power_per_gpu_w(const GpuLot& lot) const;
  void arrival(std::size_t delivery);
  void install_waiting(std::size_t site);
  void start_lease(std::size_t lease);
  void create_pool(std::size_t delivery, std::int64_t gpus);
  /// The pool's retirement event at its retire_at, when that is by the end.
  void schedule_retirement(std::size_t pool);
  /// A new pool's failures: its path, or its first candidate event.
  void start_failures(std::size_t pool);
  void schedule_failure(std::size_t pool);
  void failure(std::size_t pool);
  void send_to_repair(std::size_t pool, std::size_t cause);
  void repair_done(std::size_t cause);
  void repair(std::size_t pool);
  void retire(std::size_t pool);
  void check_training_within_available() const;
  void after_pool_change(std::size_t pool, int change);
  void refresh_cluster(std::size_t cluster);

  const ModelContext& context_;
  Sites& sites_;
  ClusterBook& book_;
  RunningCosts& costs_;
  HandlerId self_{};
  std::vector<Delivery> deliveries_;
  std::vector<Pool> pools_;
  std::vector<LeaseContract> leases_;
  std::int64_t gpus_leased_ = 0;  ///< under running contracts
  std::int64_t gpus_leased_peak_ = 0;
  double failure_rate_per_gpu_s_ = 0.0;  ///< of all causes; 0 until set_up_failures
  std::vector<Tick> repair_ticks_;       ///< per failure cause
  FailureCauseRates cause_rates_;
  bool every_failure_an_event_ = false;
  bool failure_paths_ = false;      ///< failures drawn whole per pool (no workload simulated)
  std::vector<FailurePath> paths_;  ///< per pool when failure_paths_
  std::uint64_t path_events_ = 0;
  struct PendingRepair {
    Tick done;
    std::size_t pool;
  };
  std::vector<std::deque<PendingRepair>> repairs_;  ///< per failure cause, earliest first
  /// Each cluster's (busy, available) GPU-seconds at the last check.
  mutable std::vector<std::pair<double, double>> checked_gpu_s_;
  VendorCaps caps_;
  Power power_;
  FleetCounts counts_;
};

/// GPUs of `per_gpu_w` server power each that fit in `power_w` (never negative).
std::int64_t gpus_fitting(double power_w, double per_gpu_w);

}  // namespace capsim
