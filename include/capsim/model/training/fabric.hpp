#pragma once
/// A cluster's scale-out network (leaf/spine or rail-optimised, with an optional oversubscribed
/// tier above pods) as a Boost.Graph flow network, and the data-parallel step model it feeds:
/// the bandwidth per GPU a job of a given size gets sets the communication time of a training
/// step, hence the job's MFU at that size.
///
/// Modelling choices:
///
/// - Granularity. The graph never holds a vertex per GPU or per node. Its unit is the *leaf
///   group*: the `nodes_per_leaf` nodes under one leaf switch (leaf_spine), or under one set
///   of `gpus_per_node` rail leaves (rail_optimised). A leaf group aggregates its GPUs' NIC
///   bandwidth. A 100,000-GPU cluster of 8-GPU nodes and 32 nodes per leaf is 391 groups.
/// - Leaves and uplinks. Each GPU has one NIC of `nic_bandwidth_bytes_per_s` each way to its
///   leaf. A leaf's uplink capacity is its downlink capacity divided by `oversubscription`:
///   a leaf group of g GPUs has g·nic/oversubscription up and as much down.
/// - Spines. Every leaf of a pod has equal uplinks to every spine of the pod and a spine
///   switch is non-blocking, so the pod's S spines carry exactly the max-flow one aggregated
///   spine vertex carries (each spine takes 1/S of every cut): the graph holds one spine vertex
///   per pod, at 1/S of the edges.
/// - Pods. Optional third tier, as in Llama 3's 24K-GPU cluster (non-blocking 3,072-GPU pods,
///   1:7 above them): pods of `pod_gpus` GPUs join a core vertex through links of
///   (pod's leaf uplinks) / `pod_oversubscription`. `pod_gpus` = 0: two tiers, one pod.
/// - Rail-optimised. GPU i of every node in a group connects to the group's rail-i leaf, which
///   has `nodes_per_leaf` ports down (FabricSpec: nodes per leaf *per rail*). Collective traffic
///   is rail-aligned (GPU i talks to GPU i of other nodes; NCCL moves cross-rail data over
///   NVLink first), so a job within one group stays on its rail leaves and only traffic
///   between groups crosses spines. The rails are identical parallel planes over shared
///   spines, so a group's rail leaves form one vertex exactly as a leaf_spine leaf does. The
///   difference is what a leaf switch serves: with the same 16-port switches, a leaf_spine leaf
///   holds 2 nodes of 8 GPUs while a rail group holds 16 nodes, so a 128-GPU job spans one
///   rail group but eight leaf_spine leaves.
/// - Placement and sharing. A job is packed onto consecutive whole leaf groups from the start
///   of a pod. Each GPU is entitled to an equal split of every shared link (a job in j of a
///   pod's groups gets j/groups of the pod's core link), so a job's bandwidth does not depend
///   on which other jobs run: no contention solver, no rescheduling. Bandwidth is computed for
///   k = ceil(G / GPUs per group) full groups and cached per k.
/// - What the max-flow measures. The job is cut at its coarsest boundary nearest its middle:
///   between pods if it spans several (at the pod boundary closest to k/2), else between leaf
///   groups (after floor(k/2) of them). A super-source feeds the groups before the cut, each
///   at its GPUs' NIC rate, and a super-sink drains the groups after it. The bandwidth per GPU
///   is max-flow / (GPUs on the smaller side), at most the NIC rate: what each GPU of the
///   weaker side can push across the narrowest part of the job. One leaf group gives the NIC
///   rate (nothing crosses a spine). On the uniform trees built here this comes to nic,
///   nic / oversubscription, or nic / (oversubscription × pod_oversubscription) as the job
///   stays in a leaf group, in a pod, or spans pods; the flow formulation keeps the definition
///   when capacities stop being uniform (e.g. the far side's smaller share of its core link
///   binds, as in the 48-GPU pod case of the tests).
/// - Why not the exact middle. Cutting through a leaf or pod would put part of the cut inside a
///   non-blocking switch and make the figure jump up and down with job size (a 3-pod job
///   beating a 2-pod one); cutting at the coarsest boundary keeps it monotone in size.
/// - Why this much traffic crosses. One perfectly placed ring crosses a boundary only twice,
///   but real collectives (many rings and trees per job, ECMP hash collisions, rank orders that
///   ignore the topology, reduce-scatter and all-gather of sharded optimisers) load the fabric
///   like uniform traffic, and a synchronous collective runs at the pace of its slowest GPU.
///   So every GPU is given the rate of the narrowest cut: the conservative reading of
///   "oversubscription 2 halves cross-leaf bandwidth".

#include <cstdint>
#include <memory>
#include <string>

#include "capsim/model/inputs.hpp"

namespace capsim {

/// A cluster's network in canonical units, built from FabricSpec plus the cluster's GPU count
/// and its accelerator's scale-up domain (make_fabric_shape).
struct FabricShape {
  std::int64_t gpus = 0;             ///< GPUs in the cluster, >= 1
  std::int64_t gpus_per_node = 8;    ///< >= 1; also the number of rails (rail_optimised)
  std::int64_t nodes_per_leaf = 32;  ///< nodes under a leaf (per rail when rail_optimised), >= 1
  double nic_bandwidth_bytes_per_s = 400e9 / 8.0;  ///< per GPU, one direction, > 0
  double oversubscription = 1.0;  ///< leaf downlink / uplink capacity, >= 1 (1: non-blocking)
  FabricTopology topology = FabricTopology::rail_optimised;
  /// GPUs per pod, a multiple of the GPUs per leaf group; 0: no tier above the spines.
  std::int64_t pod_gpus = 0;
  double pod_oversubscription = 1.0;  ///< pods' leaf uplinks / pod-to-core capacity, >= 1
  std::int64_t scale_up_domain = 8;   ///< GPUs per NVLink domain (8 for HGX, 72 for NVL72), >= 1
  /// Per GPU, one direction (half the vendor's bidirectional figure: 450e9 for H100), > 0.
  double scale_up_bandwidth_bytes_per_s = 450e9;
};

/// The shape of a cluster of `gpus` GPUs with network `spec` and accelerator `accelerator`:
/// copies the spec, takes the scale-up domain from the accelerator and halves its scale-up
/// bandwidth (the catalog quotes both directions). No pod tier: FabricSpec has none. Does not
/// validate; the Fabric constructor does.
FabricShape make_fabric_shape(const FabricSpec& spec, std::int64_t gpus,
                              const AcceleratorSpec& accelerator);

/// Why Fabric(shape) would throw (the message it would throw), or empty. O(1).
std::string fabric_shape_problem(const FabricShape& shape);

/// A validated fabric answering "what bandwidth per GPU does a job of G GPUs get". Queries
/// solve a max-flow on a graph of the job's leaf groups, their pods' spines and the core
/// (O(k) vertices and edges for k groups) the first time a k is asked, then answer from a
/// cache in O(1). Queries are safe from several threads (the cache is locked). Copyable and
/// movable; a moved-from Fabric may only be assigned to or destroyed.
class Fabric {
 public:
  /// Validates the shape and derives its counts; builds no graph yet (graphs are per k).
  /// Throws std::invalid_argument naming the field, e.g. "fabric: oversubscription must be a
  /// number >= 1 (1 is non-blocking), got 0.5", when gpus, gpus_per_node, nodes_per_leaf or
  /// scale_up_domain < 1, a bandwidth is not finite and > 0, an oversubscription is not
  /// finite and >= 1, pod_gpus is negative or not a multiple of the GPUs per leaf group, or
  /// gpus × oversubscription × pod_oversubscription exceeds about 4.4e12 (the max-flow works
  /// in integers of a millionth of a GPU's smallest link share).
  explicit Fabric(const FabricShape& shape);
  ~Fabric();
  Fabric(const Fabric& other);
  Fabric(Fabric&& other) noexcept;
  Fabric& operator=(Fabric other) noexcept;

  const FabricShape& shape() const { return shape_; }
  /// GPUs under one leaf group: gpus_per_node × nodes_per_leaf.
  std::int64_t gpus_per_leaf_group() const { return gpus_per_group_; }
  /// Leaf groups in the cluster: ceil(gpus / gpus_per_leaf_group); the last may be partial.
  std::int64_t leaf_groups() const { return groups_; }
  /// Leaf switches in use: leaf_groups for leaf_spine; for rail_optimised, one per rail per
  /// group (fewer in a last group holding less than one node). Equals leaves_spanned(gpus).
  std::int64_t leaves() const { return leaves_spanned(shape_.gpus); }
  /// Pods: 1 without a pod tier, else ceil(leaf_groups / groups per pod).
  std::int64_t pods() const;

  /// Why a job of `job_gpus` GPUs cannot be placed (not 1 <= job_gpus <= gpus), or empty.
  std::string job_problem(std::int64_t job_gpus) const;
  /// Leaf groups a packed job of `job_gpus` GPUs spans: ceil(job_gpus / gpus_per_leaf_group).
  /// Throws std::invalid_argument unless 1 <= job_gpus <= gpus.
  std::int64_t leaf_groups_spanned(std::int64_t job_gpus) const;
  /// Leaf switches a packed job touches: leaf_groups_spanned for leaf_spine; for
  /// rail_optimised, every rail of each group it fills a node of (so 8 rail leaves for a
  /// one-node job of 8 GPUs). Throws std::invalid_argument unless 1 <= job_gpus <= gpus.
  std::int64_t leaves_spanned(std::int64_t job_gpus) const;

  /// Scale-out bandwidth per GPU, bytes/s one direction, for the traffic of a packed job of
  /// `job_gpus` GPUs that crosses leaves: the max-flow across the coarsest boundary nearest the
  /// middle of its k = leaf_groups_spanned(job_gpus) full leaf groups, divided by the GPUs on
  /// the smaller side, capped at the NIC rate (see the file comment). k = 1: the NIC rate.
  /// Throws std::invalid_argument unless 1 <= job_gpus <= gpus.
  /// First call for a k: O(k) graph, push-relabel max-flow; later calls O(1).
  double cross_leaf_bandwidth_per_gpu(std::int64_t job_gpus) const;

 private:
  struct Cache;

  double solve_cut(std::int64_t groups) const;
  void check_job(std::int64_t job_gpus) const;

  FabricShape shape_;
  std::int64_t gpus_per_group_ = 0;
  std::int64_t groups_ = 0;
  std::int64_t groups_per_pod_ = 0;  // the whole cluster when there is no pod tier
  std::unique_ptr<Cache> cache_;
};

/// One data-parallel training step, for the communication model of all_reduce_time_s.
struct StepModel {
  /// Bytes of gradients each GPU all-reduces with its data-parallel peers per step (its
  /// shard: parameters × bytes per gradient / model-parallel degree), >= 0.
  double gradient_bytes = 0.0;
  /// Seconds of computation per step at the base MFU, > 0.
  double compute_time_s = 0.0;
  /// Share of the all-reduce hidden behind computation, in [0, 1].
  double overlap = 0.0;
  /// GPUs per model replica (tensor × pipeline × expert parallel), >= 1, dividing the job's
  /// GPUs; replicas are packed, so GPU i of each replica is a data-parallel peer.
  std::int64_t model_parallel_gpus = 1;
};

/// Seconds of one step's gradient all-reduce for a packed job of `job_gpus` GPUs: a
/// hierarchical ring, first across the r data-parallel ranks sharing a scale-up domain, then
/// across the m domains on 1/r of the data:
///   T = 2(r−1)/r · S / B_up + 2(m−1)/m · (S/r) / B_net
/// with S = gradient_bytes, n = job_gpus / model_parallel_gpus ranks,
/// r = min(n, max(1, floor(scale_up_domain / model_parallel_gpus))), m = ceil(n / r),
/// B_up = the scale-up bandwidth and B_net = cross_leaf_bandwidth_per_gpu(job_gpus).
/// With model_parallel_gpus >= the domain (r = 1) this is the flat ring 2(n−1)/n · S / B_net.
/// Throws std::invalid_argument on an invalid step or job size (see StepModel and Fabric).
double all_reduce_time_s(const Fabric& fabric, std::int64_t job_gpus, const StepModel& step);

/// The MFU a job of `job_gpus` GPUs reaches once its exposed communication is counted:
/// base_mfu × C / (C + (1 − overlap) · T), with C = step.compute_time_s and T from
/// all_reduce_time_s. `base_mfu` is the MFU of the compute alone, in (0, 1]. A caller holding an
/// MFU measured on a non-blocking fabric (TrainingJobSpec::base_mfu) can take the ratio of this
/// figure to that of the same job on a non-blocking Fabric. Throws std::invalid_argument on an
/// invalid base_mfu, step or job size.
double effective_mfu(double base_mfu, const Fabric& fabric, std::int64_t job_gpus,
                     const StepModel& step);
/// Why effective_mfu would throw (its message), or empty. O(1).
std::string effective_mfu_problem(double base_mfu, const Fabric& fabric, std::int64_t job_gpus,
                                  const StepModel& step);

}  // namespace capsim
