#pragma once
/// Power and energy: each site's IT draw (idle plus busy share of the dynamic power of its
/// available GPUs), its facility draw (× PUE) and their cost, and the fleet's installed,
/// available and busy GPU counts, all as running integrals moved at every change. Reads the
/// sites, the pools and the cluster book; writes only its own integrals. When the fleet draws
/// failures as paths (FailurePath), the integrals count every installed GPU as available and
/// the failed GPUs' share is read from the paths and subtracted: read the figures through
/// energy_at, drawn_w, gpu_available_s and gpu_busy_s.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "capsim/metrics/recorder.hpp"
#include "capsim/model/fleet/cluster_book.hpp"
#include "capsim/model/fleet/failure_path.hpp"
#include "capsim/model/fleet/pool.hpp"
#include "capsim/model/fleet/sites.hpp"
#include "capsim/model/model_context.hpp"

namespace capsim {

/// A site's active pools that draw alike: one part, assumed utilisation and non-server power,
/// and one cluster when workloads are simulated (the cluster sets the busy share). A failure
/// moves one class's count; the site's draw is then summed over its classes (a handful), not
/// over its pools.
struct DrawClass {
  std::size_t cluster = 0;
  const AcceleratorSpec* part = nullptr;
  double utilisation = 0.0;
  double non_server_power_per_gpu_w = 0.0;
  std::int64_t installed = 0;
  std::int64_t available = 0;
  /// Kept while the class's pools are unchanged: what each available GPU draws at the assumed
  /// utilisation, and what the installed ones' network and storage draw.
  double assumed_w_per_available = 0.0;
  double non_server_w = 0.0;
};

/// A pool whose failures are a path, as its site draws: what each of its available GPUs draws
/// and its busy share, and its failed GPU-seconds at the site's last settling.
struct FailedPoolDraw {
  std::size_t pool = 0;
  double w_per_gpu = 0.0;
  double busy_share = 0.0;
  double gpu_s_settled = 0.0;
};

/// The failed GPUs' share of a site's figures, settled up to a tick.
struct FailedShare {
  double gpu_s = 0.0;
  double busy_gpu_s = 0.0;
  double it_j = 0.0;
  double facility_j = 0.0;
  double cost_usd = 0.0;
  double carbon_g = 0.0;
};

/// A site's energy from the start to a tick, its cost and its emissions [gCO2e].
struct SiteEnergy {
  double it_j = 0.0;
  double facility_j = 0.0;
  double cost_usd = 0.0;
  double carbon_g = 0.0;
};

/// A site's draw and its integrals.
struct SiteDraw {
  std::vector<DrawClass> classes;
  double drawn_w = 0.0;
  /// The site's active pools' GPUs: installed, available, and busy at their assumed
  /// utilisation (the fleet's counts are sums over the sites, or over the clusters for busy
  /// GPUs when workloads are simulated, so a change at one site costs that site's pools only).
  double installed_gpus = 0.0;
  double available_gpus = 0.0;
  double assumed_busy_gpus = 0.0;
  RateIntegral energy_it_j;
  RateIntegral energy_facility_j;
  RateIntegral energy_cost_usd;
  RateIntegral energy_carbon_g;
  /// With failure paths: the site's active pools, the failed share settled at the last change
  /// of the site's rates (an install, a retirement, a price or intensity change) and the price
  /// and intensity since then.
  std::vector<FailedPoolDraw> failed_pools;
  FailedShare failed_settled;
  double price_usd_per_j = 0.0;
  double carbon_g_per_j = 0.0;
};

class Power {
 public:
  Power(const ModelContext& context, const Sites& sites, const std::vector<Pool>& pools,
        const ClusterBook& book);

  /// A draw per site: once the sites are set up, and again when a lease adds its provider's
  /// site. Installed GPU-seconds leave leased GPUs out; available and busy ones count them, as
  /// the work uses them.
  void size_to_sites() { draws_.resize(sites_.size()); }
  /// With training jobs or services, GPUs are busy as the cluster book says; without, at the
  /// utilisation each pool assumes. Before the first pool is installed.
  void set_workload_simulated(bool simulated) { workload_simulated_ = simulated; }
  bool workload_simulated() const { return workload_simulated_; }
  /// The fleet draws failures as paths, one per pool (indexed as the pools): the integrals
  /// then count failed GPUs as available and the readers below subtract them.
  void set_failure_paths(const std::vector<FailurePath>& paths) { paths_ = &paths; }
  /// Recomputes a site's draw and the fleet's GPU counts from now on, from its pools: after a
  /// pool is installed or retires, or the site's price changes.
  void update_site(std::size_t site);
  /// One GPU of a pool failed (`change` -1) or came back (+1): its site draws anew. O(classes
  /// at its site).
  void pool_available_changed(std::size_t pool, int change);
  /// A cluster's busy GPUs changed: the sites of its pools draw anew.
  void update_cluster_sites(std::size_t cluster);
  /// The classes' counts are their pools' (a violation is a bug). Once a reporting period.
  void check_counts() const;

  const SiteDraw& site(std::size_t site) const { return draws_[site]; }
  /// A site's energy and its cost from the start to `tick` (>= the site's last change).
  SiteEnergy energy_at(std::size_t site, Tick tick) const;
  /// A site's IT draw as the instant `tick` begins (>= the site's last change).
  double drawn_w(std::size_t site, Tick tick) const;
  const RateIntegral& gpu_installed_s() const { return gpu_installed_s_; }
  /// Available and busy GPU-seconds from the start to `tick`.
  double gpu_available_s(Tick tick) const;
  double gpu_busy_s(Tick tick) const;

 private:
  /// A site's classes counted from its active pools, in the order of their first pool, and
  /// each such pool's class.
  void classes_of_site(std::size_t site, std::vector<DrawClass>& classes,
                       std::vector<std::size_t>& pool_class) const;
  /// The site's draw from its classes' counts, and the fleet's GPU counts.
  void draw_site(std::size_t site);
  /// The share of a class's available GPUs that is busy.
  double busy_share(const DrawClass& draw_class) const;
  void update_gpu_counts();
  /// With failure paths: folds the failed share since the last settling into the settled one
  /// (at the price then in effect) and takes the site's active pools and price from now on.
  void settle_failed(std::size_t site);
  /// The failed share of a site since its last settling, up to `tick`.
  FailedShare unsettled_failed(std::size_t site, Tick tick) const;

  const ModelContext& context_;
  const Sites& sites_;
  const std::vector<Pool>& pools_;
  const ClusterBook& book_;
  bool workload_simulated_ = false;
  const std::vector<FailurePath>* paths_ = nullptr;
  std::vector<SiteDraw> draws_;
  std::vector<std::size_t> pool_class_;  ///< per pool, its class at its site (active pools)
  RateIntegral gpu_installed_s_;
  RateIntegral gpu_available_s_;
  RateIntegral gpu_busy_s_;
};

}  // namespace capsim
