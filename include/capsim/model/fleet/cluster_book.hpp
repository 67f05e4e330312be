#pragma once
/// The cluster book: the one owner of how a cluster's GPUs are shared out. Per cluster: the
/// GPUs available (installed and not failed, written by the fleet), held by training jobs
/// (written by training) and granted to inference services this hour (written by serving).
/// A change of what training may use, and a failure of a GPU training holds, are passed to one
/// listener (the training workload). Keeps each cluster's busy and available GPU-seconds, so
/// that training never holding more GPUs than exist can be checked period by period.

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "capsim/engine/engine.hpp"
#include "capsim/metrics/recorder.hpp"
#include "capsim/model/inputs.hpp"
#include "capsim/model/training/fabric.hpp"

namespace capsim {

/// Told when a cluster is added or what training may use of it changes.
class ClusterBookListener {
 public:
  virtual ~ClusterBookListener() = default;
  virtual void cluster_added(std::size_t cluster, std::size_t group) = 0;
  virtual void training_capacity_changed(std::size_t cluster, std::int64_t gpus) = 0;
  /// A GPU of the cluster that training holds failed by failure cause `cause` (an index into
  /// ModelContext::failure_causes); `share` in [0, 1) picks which of training's GPUs, so
  /// that the job hit is drawn in proportion to the GPUs each holds there.
  virtual void training_gpu_failed(std::size_t cluster, std::size_t cause, double share) = 0;
  /// GPUs of the cluster retired: training may now hold more than is available there.
  virtual void training_gpus_retired(std::size_t cluster) = 0;
};

/// A cluster as the scheduler sees it: the pools of one cluster spec, order or purchase.
struct SchedulingCluster {
  std::string name;
  std::size_t site = 0;
  std::size_t part = 0;
  std::int64_t planned_gpus = 0;  ///< sizes its fabric
  FabricSpec fabric_spec;
  std::size_t group = 0;  ///< clusters of one part at one site can share a job between them
  std::vector<std::size_t> pools;
  std::int64_t available = 0;
  std::int64_t busy = 0;                 ///< held by training jobs
  std::int64_t serving = 0;              ///< granted to inference services this hour
  std::unique_ptr<Fabric> fabric;        ///< built when a job first asks
  std::unique_ptr<Fabric> non_blocking;  ///< the same shape without oversubscription
  RateIntegral busy_gpu_s;               ///< training's GPUs over time
  RateIntegral available_gpu_s;

  /// GPUs neither training nor serving holds.
  std::int64_t room() const { return std::max<std::int64_t>(0, available - busy - serving); }
  /// GPUs training may schedule on: what serving has not been granted.
  std::int64_t for_training() const { return std::max<std::int64_t>(0, available - serving); }
};

class ClusterBook {
 public:
  void set_listener(ClusterBookListener* listener) { listener_ = listener; }
  /// The clock the GPU-second integrals read; without one they stay at zero.
  void set_clock(const Engine& engine) { engine_ = &engine; }

  /// Adds a cluster of `gpus` planned GPUs of a part at a site; returns its index.
  std::size_t add(const std::string& name, std::size_t site, std::size_t part, std::int64_t gpus,
                  const FabricSpec& fabric);
  /// The fleet's count of the cluster's available GPUs.
  void set_available(std::size_t cluster, std::int64_t gpus);
  /// Serving took (positive) or gave back (negative) GPUs; publish() tells the listener once
  /// the hour's grant is settled.
  void add_serving(std::size_t cluster, std::int64_t gpus) { clusters_[cluster].serving += gpus; }
  /// Tells the listener what training may now use of the cluster.
  void publish(std::size_t cluster) const;
  /// Training took (positive) or gave back (negative) GPUs.
  void add_busy(std::size_t cluster, std::int64_t gpus);
  /// A GPU training holds on the cluster failed (see ClusterBookListener::training_gpu_failed).
  void training_gpu_failed(std::size_t cluster, std::size_t cause, double share) const;
  void training_gpus_retired(std::size_t cluster) const;
  void add_pool(std::size_t cluster, std::size_t pool) { clusters_[cluster].pools.push_back(pool); }
  void grow_planned(std::size_t cluster, std::int64_t gpus) {
    clusters_[cluster].planned_gpus += gpus;
  }

  std::size_t size() const { return clusters_.size(); }
  const SchedulingCluster& operator[](std::size_t cluster) const { return clusters_[cluster]; }
  /// For building a cluster's fabric on first use.
  SchedulingCluster& fabric_owner(std::size_t cluster) { return clusters_[cluster]; }
  /// Index of the last cluster of this name (an order naming an existing cluster forms a new
  /// one under that name), or `fallback`.
  std::size_t index_of(const std::string& name, std::size_t fallback) const;

 private:
  std::vector<SchedulingCluster> clusters_;
  std::map<std::pair<std::size_t, std::size_t>, std::size_t> groups_;  // (site, part)
  ClusterBookListener* listener_ = nullptr;
  const Engine* engine_ = nullptr;
};

}  // namespace capsim
