#include "capsim/model/fleet/cluster_book.hpp"

namespace capsim {

std::size_t ClusterBook::add(const std::string& name, std::size_t site, std::size_t part,
                             std::int64_t gpus, const FabricSpec& fabric) {
  SchedulingCluster& cluster = clusters_.emplace_back();
  cluster.name = name;
  cluster.site = site;
  cluster.part = part;
  cluster.planned_gpus = gpus;
  cluster.fabric_spec = fabric;
  cluster.group = groups_.emplace(std::make_pair(site, part), groups_.size()).first->second;
  if (listener_)
    listener_->cluster_added(clusters_.size() - 1, cluster.group);
  return clusters_.size() - 1;
}

void ClusterBook::set_available(std::size_t cluster, std::int64_t gpus) {
  SchedulingCluster& c = clusters_[cluster];
  c.available = gpus;
  if (engine_)
    c.available_gpu_s.set_rate(engine_->now(), static_cast<double>(gpus));
  publish(cluster);
}

void ClusterBook::add_busy(std::size_t cluster, std::int64_t gpus) {
  SchedulingCluster& c = clusters_[cluster];
  c.busy += gpus;
  if (engine_)
    c.busy_gpu_s.set_rate(engine_->now(), static_cast<double>(c.busy));
}

void ClusterBook::training_gpus_retired(std::size_t cluster) const {
  if (listener_)
    listener_->training_gpus_retired(cluster);
}

void ClusterBook::training_gpu_failed(std::size_t cluster, std::size_t cause, double share) const {
  if (listener_)
    listener_->training_gpu_failed(cluster, cause, share);
}

std::size_t ClusterBook::index_of(const std::string& name, std::size_t fallback) const {
  std::size_t found = fallback;
  for (std::size_t c = 0; c < clusters_.size(); ++c) {
    if (clusters_[c].name == name)
      found = c;
  }
  return found;
}

void ClusterBook::publish(std::size_t cluster) const {
  if (listener_)
    listener_->training_capacity_changed(cluster, clusters_[cluster].for_training());
}

}  // namespace capsim
