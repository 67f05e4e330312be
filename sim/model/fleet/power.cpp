#include "capsim/model/fleet/power.hpp"

#include <algorithm>

namespace capsim {

Power::Power(const ModelContext& context, const Sites& sites, const std::vector<Pool>& pools,
             const ClusterBook& book)
    : context_(context), sites_(sites), pools_(pools), book_(book) {}

double Power::busy_share(const Pool& pool) const {
  if (!workload_simulated_)
    return pool.utilisation;
  const SchedulingCluster& cluster = book_[pool.cluster];
  if (cluster.available <= 0)
    return 0.0;
  return std::min(1.0, static_cast<double>(cluster.busy + cluster.serving) /
                           static_cast<double>(cluster.available));
}

void Power::update_site(std::size_t s) {
  const SiteState& site = sites_[s];
  double drawn_w = 0.0;
  double installed = 0.0, available_gpus = 0.0, busy = 0.0;
  for (const std::size_t index : site.pools) {
    const Pool& pool = pools_[index];
    if (!pool.active)
      continue;
    const AcceleratorSpec& part = context_.part(pool.part);
    const double available = static_cast<double>(pool.available());
    installed += static_cast<double>(pool.gpus);
    available_gpus += available;
    busy += pool.utilisation * available;
    // Switches and storage serve the cluster whatever its GPUs do, failed ones included.
    drawn_w += available * (part.idle_server_power_per_gpu_w +
                            busy_share(pool) *
                                (part.server_power_per_gpu_w - part.idle_server_power_per_gpu_w)) +
               static_cast<double>(pool.gpus) * pool.non_server_power_per_gpu_w;
  }
  const Tick now = context_.now();
  SiteDraw& draw = draws_[s];
  draw.drawn_w = drawn_w;
  draw.installed_gpus = installed;
  draw.available_gpus = available_gpus;
  draw.assumed_busy_gpus = busy;
  draw.energy_it_j.set_rate(now, drawn_w);
  draw.energy_facility_j.set_rate(now, drawn_w * site.spec->pue);
  draw.energy_cost_usd.set_rate(now, drawn_w * site.spec->pue * site.price_usd_per_j);
  update_gpu_counts();
}

void Power::update_cluster_sites(std::size_t cluster) {
  std::vector<bool> site_touched(sites_.size(), false);
  for (const std::size_t index : book_[cluster].pools)
    site_touched[pools_[index].site] = true;
  for (std::size_t s = 0; s < sites_.size(); ++s) {
    if (site_touched[s])
      update_site(s);
  }
}

void Power::update_gpu_counts() {
  double installed = 0.0, available = 0.0, busy = 0.0;
  for (const SiteDraw& draw : draws_) {
    installed += draw.installed_gpus;
    available += draw.available_gpus;
    busy += draw.assumed_busy_gpus;
  }
  if (workload_simulated_) {
    // busy_share × available summed over a cluster's pools is the cluster's busy GPUs, capped
    // at its available ones.
    busy = 0.0;
    for (std::size_t c = 0; c < book_.size(); ++c) {
      const SchedulingCluster& cluster = book_[c];
      if (cluster.available > 0)
        busy += static_cast<double>(std::min(cluster.available, cluster.busy + cluster.serving));
    }
  }
  const Tick now = context_.now();
  gpu_installed_s_.set_rate(now, installed);
  gpu_available_s_.set_rate(now, available);
  gpu_busy_s_.set_rate(now, busy);
}

}  // namespace capsim
