#pragma once
/// Power and energy: each site's IT draw (idle plus busy share of the dynamic power of its
/// available GPUs), its facility draw (× PUE) and their cost, and the fleet's installed,
/// available and busy GPU counts, all as running integrals moved at every change. Reads the
/// sites, the pools and the cluster book; writes only its own integrals.

#include <cstddef>
#include <vector>

#include "capsim/metrics/recorder.hpp"
#include "capsim/model/fleet/cluster_book.hpp"
#include "capsim/model/fleet/pool.hpp"
#include "capsim/model/fleet/sites.hpp"
#include "capsim/model/model_context.hpp"

namespace capsim {

/// A site's draw and its integrals.
struct SiteDraw {
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
};

class Power {
 public:
  Power(const ModelContext& context, const Sites& sites, const std::vector<Pool>& pools,
        const ClusterBook& book);

  /// Once the sites are set up: a draw per site.
  void set_up() { draws_.resize(sites_.size()); }
  /// With training jobs or services, GPUs are busy as the cluster book says; without, at the
  /// utilisation each pool assumes.
  void set_workload_simulated(bool simulated) { workload_simulated_ = simulated; }
  /// Recomputes a site's draw and the fleet's GPU counts from now on.
  void update_site(std::size_t site);
  /// A cluster's busy GPUs changed: the sites of its pools draw anew.
  void update_cluster_sites(std::size_t cluster);
  /// The share of a pool's available GPUs that is busy.
  double busy_share(const Pool& pool) const;

  const SiteDraw& site(std::size_t site) const { return draws_[site]; }
  const RateIntegral& gpu_installed_s() const { return gpu_installed_s_; }
  const RateIntegral& gpu_available_s() const { return gpu_available_s_; }
  const RateIntegral& gpu_busy_s() const { return gpu_busy_s_; }

 private:
  void update_gpu_counts();

  const ModelContext& context_;
  const Sites& sites_;
  const std::vector<Pool>& pools_;
  const ClusterBook& book_;
  bool workload_simulated_ = false;
  std::vector<SiteDraw> draws_;
  RateIntegral gpu_installed_s_;
  RateIntegral gpu_available_s_;
  RateIntegral gpu_busy_s_;
};

}  // namespace capsim
