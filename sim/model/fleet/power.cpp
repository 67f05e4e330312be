#include "capsim/model/fleet/power.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace capsim {

Power::Power(const ModelContext& context, const Sites& sites, const std::vector<Pool>& pools,
             const ClusterBook& book)
    : context_(context), sites_(sites), pools_(pools), book_(book) {}

namespace {
/// A GPU's server power at a busy share: idle plus that share of the dynamic power.
double gpu_draw_w(const AcceleratorSpec& part, double busy_share) {
  return part.idle_server_power_per_gpu_w +
         busy_share * (part.server_power_per_gpu_w - part.idle_server_power_per_gpu_w);
}
}  // namespace

double Power::busy_share(const DrawClass& draw_class) const {
  if (!workload_simulated_)
    return draw_class.utilisation;
  const SchedulingCluster& cluster = book_[draw_class.cluster];
  if (cluster.available <= 0)
    return 0.0;
  return std::min(1.0, static_cast<double>(cluster.busy + cluster.serving) /
                           static_cast<double>(cluster.available));
}

void Power::classes_of_site(std::size_t s, std::vector<DrawClass>& classes,
                            std::vector<std::size_t>& pool_class) const {
  classes.clear();
  pool_class.resize(pools_.size());
  for (const std::size_t index : sites_[s].pools) {
    const Pool& pool = pools_[index];
    if (!pool.active)
      continue;
    const AcceleratorSpec* part = &context_.part(pool.part);
    // Without workloads a pool's busy share is its own assumed utilisation, whatever its
    // cluster: the site's clusters of one part share a class.
    const auto same = [&](const DrawClass& c) {
      return (!workload_simulated_ || c.cluster == pool.cluster) && c.part == part &&
             c.utilisation == pool.utilisation &&
             c.non_server_power_per_gpu_w == pool.non_server_power_per_gpu_w;
    };
    auto found = std::find_if(classes.begin(), classes.end(), same);
    if (found == classes.end()) {
      found = classes.insert(classes.end(), DrawClass{pool.cluster, part, pool.utilisation,
                                                      pool.non_server_power_per_gpu_w, 0, 0});
    }
    found->installed += pool.gpus;
    found->available += pool.available();
    pool_class[index] = static_cast<std::size_t>(found - classes.begin());
  }
  for (DrawClass& c : classes) {
    c.assumed_w_per_available = gpu_draw_w(*c.part, c.utilisation);
    c.non_server_w = static_cast<double>(c.installed) * c.non_server_power_per_gpu_w;
  }
}

void Power::update_site(std::size_t s) {
  classes_of_site(s, draws_[s].classes, pool_class_);
  draw_site(s);
}

void Power::pool_available_changed(std::size_t pool, int change) {
  const std::size_t s = pools_[pool].site;
  draws_[s].classes[pool_class_[pool]].available += change;
  draw_site(s);
}

void Power::draw_site(std::size_t s) {
  SiteDraw& draw = draws_[s];
  double drawn_w = 0.0;
  double installed = 0.0, available_gpus = 0.0, busy = 0.0;
  for (const DrawClass& c : draw.classes) {
    const double available = static_cast<double>(c.available);
    installed += static_cast<double>(c.installed);
    available_gpus += available;
    busy += c.utilisation * available;
    // Switches and storage serve the cluster whatever its GPUs do, failed ones included.
    const double per_available_w =
        workload_simulated_ ? gpu_draw_w(*c.part, busy_share(c)) : c.assumed_w_per_available;
    drawn_w += available * per_available_w + c.non_server_w;
  }
  const SiteState& site = sites_[s];
  const Tick now = context_.now();
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
      draw_site(s);  // the busy share moved, not the counts
  }
}

void Power::check_counts() const {
  std::vector<DrawClass> classes;
  std::vector<std::size_t> pool_class;
  for (std::size_t s = 0; s < draws_.size(); ++s) {
    classes_of_site(s, classes, pool_class);
    const std::vector<DrawClass>& kept = draws_[s].classes;
    const bool same = classes.size() == kept.size() &&
                      std::equal(classes.begin(), classes.end(), kept.begin(),
                                 [](const DrawClass& a, const DrawClass& b) {
                                   return a.installed == b.installed && a.available == b.available;
                                 });
    if (!same) {
      throw std::logic_error("capacity model: power classes out of step with the pools at " +
                             sites_[s].spec->name);
    }
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
