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
  if (paths_)
    settle_failed(s);
  classes_of_site(s, draws_[s].classes, pool_class_);
  draw_site(s);
}

void Power::settle_failed(std::size_t s) {
  SiteDraw& draw = draws_[s];
  const Tick now = context_.now();
  const FailedShare since = unsettled_failed(s, now);
  FailedShare& settled = draw.failed_settled;
  settled.gpu_s += since.gpu_s;
  settled.busy_gpu_s += since.busy_gpu_s;
  settled.it_j += since.it_j;
  settled.facility_j += since.facility_j;
  settled.cost_usd += since.cost_usd;
  settled.carbon_g += since.carbon_g;
  draw.failed_pools.clear();
  for (const std::size_t index : sites_[s].pools) {
    const Pool& pool = pools_[index];
    if (!pool.active || index >= paths_->size())
      continue;
    draw.failed_pools.push_back(
        FailedPoolDraw{index, gpu_draw_w(context_.part(pool.part), pool.utilisation),
                       pool.utilisation, (*paths_)[index].failed_gpu_s(now)});
  }
  draw.price_usd_per_j = sites_[s].price_usd_per_j;
  draw.carbon_g_per_j = sites_[s].carbon_g_per_j;
}

FailedShare Power::unsettled_failed(std::size_t s, Tick tick) const {
  const SiteDraw& draw = draws_[s];
  FailedShare share;
  for (const FailedPoolDraw& failed : draw.failed_pools) {
    const double gpu_s = (*paths_)[failed.pool].failed_gpu_s(tick) - failed.gpu_s_settled;
    share.gpu_s += gpu_s;
    share.busy_gpu_s += failed.busy_share * gpu_s;
    share.it_j += failed.w_per_gpu * gpu_s;
  }
  const double pue = sites_[s].spec->pue;
  share.facility_j = share.it_j * pue;
  share.cost_usd = share.it_j * pue * draw.price_usd_per_j;
  share.carbon_g = share.it_j * pue * draw.carbon_g_per_j;
  return share;
}

SiteEnergy Power::energy_at(std::size_t s, Tick tick) const {
  const SiteDraw& draw = draws_[s];
  SiteEnergy energy{draw.energy_it_j.total_at(tick), draw.energy_facility_j.total_at(tick),
                    draw.energy_cost_usd.total_at(tick), draw.energy_carbon_g.total_at(tick)};
  if (!paths_)
    return energy;
  const FailedShare since = unsettled_failed(s, tick);
  energy.it_j -= draw.failed_settled.it_j + since.it_j;
  energy.facility_j -= draw.failed_settled.facility_j + since.facility_j;
  energy.cost_usd -= draw.failed_settled.cost_usd + since.cost_usd;
  energy.carbon_g -= draw.failed_settled.carbon_g + since.carbon_g;
  return energy;
}

double Power::drawn_w(std::size_t s, Tick tick) const {
  const SiteDraw& draw = draws_[s];
  double drawn_w = draw.drawn_w;
  for (const FailedPoolDraw& failed : draw.failed_pools) {
    drawn_w -= failed.w_per_gpu * static_cast<double>((*paths_)[failed.pool].failed_before(tick));
  }
  return drawn_w;
}

double Power::gpu_available_s(Tick tick) const {
  double gpu_s = gpu_available_s_.total_at(tick);
  if (paths_) {
    for (std::size_t s = 0; s < draws_.size(); ++s)
      gpu_s -= draws_[s].failed_settled.gpu_s + unsettled_failed(s, tick).gpu_s;
  }
  return gpu_s;
}

double Power::gpu_busy_s(Tick tick) const {
  double gpu_s = gpu_busy_s_.total_at(tick);
  if (paths_) {
    for (std::size_t s = 0; s < draws_.size(); ++s)
      gpu_s -= draws_[s].failed_settled.busy_gpu_s + unsettled_failed(s, tick).busy_gpu_s;
  }
  return gpu_s;
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
  draw.energy_carbon_g.set_rate(now, drawn_w * site.spec->pue * site.carbon_g_per_j);
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
  for (std::size_t s = 0; s < draws_.size(); ++s) {
    const SiteDraw& draw = draws_[s];
    // Leased GPUs are available to the work, but not installed in the scenario's fleet.
    if (!sites_[s].provider)
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
