#include "capsim/model/training/fabric.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <mutex>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/push_relabel_max_flow.hpp>

namespace capsim {

namespace {

using Traits = boost::adjacency_list_traits<boost::vecS, boost::vecS, boost::directedS>;

// Integer capacities: push-relabel compares residuals with zero, which floating point
// rounding would turn into endless tiny pushes. The unit is a 2^20th of the smallest
// per-GPU share of any link, nic / (oversubscription × pod_oversubscription), so rounding
// costs at most a millionth of a GPU's share whatever the absolute bandwidths.
struct FlowEdge {
  std::int64_t capacity = 0;
  std::int64_t residual = 0;
  Traits::edge_descriptor reverse;
};

using FlowGraph =
    boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, boost::no_property, FlowEdge>;
using Vertex = FlowGraph::vertex_descriptor;

constexpr double kUnitsPerShare = 0x1p20;
// Room for the largest sum of capacities a query builds, with margin for push-relabel's
// excess arithmetic.
constexpr double kMaxTotalUnits = 0x1p62;

// One direction of a link, plus the zero-capacity reverse edge the residual graph needs.
void add_arc(FlowGraph& graph, Vertex from, Vertex to, double units) {
  const auto forward = boost::add_edge(from, to, graph).first;
  const auto backward = boost::add_edge(to, from, graph).first;
  graph[forward].capacity = static_cast<std::int64_t>(std::llround(units));
  graph[backward].capacity = 0;
  graph[forward].reverse = backward;
  graph[backward].reverse = forward;
}

// A full-duplex link: each direction has the whole capacity.
void add_link(FlowGraph& graph, Vertex a, Vertex b, double units) {
  add_arc(graph, a, b, units);
  add_arc(graph, b, a, units);
}

std::string count_problem(std::int64_t value, const char* field, const char* meaning) {
  if (value < 1)
    return fmt::format("fabric: {} must be >= 1 ({}), got {}", field, meaning, value);
  return {};
}

std::string bandwidth_problem(double value, const char* field) {
  if (!std::isfinite(value) || value <= 0.0)
    return fmt::format("fabric: {} must be a finite number of bytes/s > 0, got {}", field, value);
  return {};
}

std::string oversubscription_problem(double value, const char* field) {
  if (!std::isfinite(value) || value < 1.0) {
    return fmt::format("fabric: {} must be a number >= 1 (1 is non-blocking), got {}", field,
                       value);
  }
  return {};
}

std::int64_t ceil_div(std::int64_t a, std::int64_t b) {
  return a / b + (a % b != 0 ? 1 : 0);
}

}  // namespace

struct Fabric::Cache {
  std::mutex mutex;
  // Cross-leaf bandwidth per GPU by number of leaf groups; NaN until solved.
  std::vector<double> by_groups;
};

FabricShape make_fabric_shape(const FabricSpec& spec, std::int64_t gpus,
                              const AcceleratorSpec& accelerator) {
  return FabricShape{
      .gpus = gpus,
      .gpus_per_node = spec.gpus_per_node,
      .nodes_per_leaf = spec.nodes_per_leaf,
      .nic_bandwidth_bytes_per_s = spec.link_bandwidth_bytes_per_s,
      .oversubscription = spec.oversubscription,
      .scale_up_domain = accelerator.scale_up_domain,
      .scale_up_bandwidth_bytes_per_s = accelerator.scale_up_bandwidth_bytes_per_s / 2.0};
}

std::string fabric_shape_problem(const FabricShape& shape) {
  for (std::string problem :
       {count_problem(shape.gpus, "gpus", "a cluster has GPUs"),
        count_problem(shape.gpus_per_node, "gpus_per_node", "GPUs per server"),
        count_problem(shape.nodes_per_leaf, "nodes_per_leaf", "servers under a leaf"),
        count_problem(shape.scale_up_domain, "scale_up_domain", "GPUs per NVLink domain"),
        bandwidth_problem(shape.nic_bandwidth_bytes_per_s, "nic_bandwidth_bytes_per_s"),
        bandwidth_problem(shape.scale_up_bandwidth_bytes_per_s, "scale_up_bandwidth_bytes_per_s"),
        oversubscription_problem(shape.oversubscription, "oversubscription"),
        oversubscription_problem(shape.pod_oversubscription, "pod_oversubscription")}) {
    if (!problem.empty())
      return problem;
  }
  if (shape.nodes_per_leaf > std::numeric_limits<std::int64_t>::max() / shape.gpus_per_node) {
    return fmt::format("fabric: gpus_per_node {} × nodes_per_leaf {} overflows a GPU count",
                       shape.gpus_per_node, shape.nodes_per_leaf);
  }
  const std::int64_t gpus_per_group = shape.gpus_per_node * shape.nodes_per_leaf;
  // A query may round the job up to whole groups, so bound the capacity of one group more
  // than the cluster.
  const double most_gpus = static_cast<double>(shape.gpus) + static_cast<double>(gpus_per_group);
  if (most_gpus * shape.oversubscription * shape.pod_oversubscription * kUnitsPerShare >
      kMaxTotalUnits) {
    return fmt::format(
        "fabric: {} GPUs × oversubscription {} × pod_oversubscription {} exceed the max-flow's "
        "integer range (about 4.4e12 in all)",
        shape.gpus, shape.oversubscription, shape.pod_oversubscription);
  }
  if (shape.pod_gpus < 0 || shape.pod_gpus % gpus_per_group != 0) {
    return fmt::format(
        "fabric: pod_gpus must be 0 (no pod tier) or a positive multiple of the {} GPUs per "
        "leaf group, got {}",
        gpus_per_group, shape.pod_gpus);
  }
  return {};
}

Fabric::Fabric(const FabricShape& shape) : shape_(shape) {
  if (std::string problem = fabric_shape_problem(shape_); !problem.empty())
    throw std::invalid_argument(problem);
  gpus_per_group_ = shape_.gpus_per_node * shape_.nodes_per_leaf;
  groups_ = ceil_div(shape_.gpus, gpus_per_group_);
  groups_per_pod_ = shape_.pod_gpus == 0 ? groups_ : shape_.pod_gpus / gpus_per_group_;

  cache_ = std::make_unique<Cache>();
  cache_->by_groups.assign(static_cast<std::size_t>(groups_) + 1,
                           std::numeric_limits<double>::quiet_NaN());
}

Fabric::~Fabric() = default;

Fabric::Fabric(const Fabric& other)
    : shape_(other.shape_),
      gpus_per_group_(other.gpus_per_group_),
      groups_(other.groups_),
      groups_per_pod_(other.groups_per_pod_),
      cache_(std::make_unique<Cache>()) {
  const std::lock_guard lock(other.cache_->mutex);
  cache_->by_groups = other.cache_->by_groups;
}

Fabric::Fabric(Fabric&& other) noexcept
    : shape_(other.shape_),
      gpus_per_group_(other.gpus_per_group_),
      groups_(other.groups_),
      groups_per_pod_(other.groups_per_pod_),
      cache_(std::move(other.cache_)) {}

Fabric& Fabric::operator=(Fabric other) noexcept {
  std::swap(shape_, other.shape_);
  std::swap(gpus_per_group_, other.gpus_per_group_);
  std::swap(groups_, other.groups_);
  std::swap(groups_per_pod_, other.groups_per_pod_);
  std::swap(cache_, other.cache_);
  return *this;
}

std::int64_t Fabric::pods() const {
  return ceil_div(groups_, groups_per_pod_);
}

std::string Fabric::job_problem(std::int64_t job_gpus) const {
  if (job_gpus < 1 || job_gpus > shape_.gpus) {
    return fmt::format("fabric: a job must use between 1 and the cluster's {} GPUs, got {}",
                       shape_.gpus, job_gpus);
  }
  return {};
}

void Fabric::check_job(std::int64_t job_gpus) const {
  if (std::string problem = job_problem(job_gpus); !problem.empty())
    throw std::invalid_argument(problem);
}

std::int64_t Fabric::leaf_groups_spanned(std::int64_t job_gpus) const {
  check_job(job_gpus);
  return ceil_div(job_gpus, gpus_per_group_);
}

std::int64_t Fabric::leaves_spanned(std::int64_t job_gpus) const {
  const std::int64_t groups = leaf_groups_spanned(job_gpus);
  if (shape_.topology == FabricTopology::leaf_spine) {
    return groups;
  }
  // Nodes are packed in order, so a group holding at least one node's worth of the job has a
  // whole node on every rail; only a last group with less than a node leaves rails unused.
  const std::int64_t rails = shape_.gpus_per_node;
  const std::int64_t in_last_group = job_gpus - (groups - 1) * gpus_per_group_;
  return (groups - 1) * rails + std::min(rails, in_last_group);
}

double Fabric::cross_leaf_bandwidth_per_gpu(std::int64_t job_gpus) const {
  const std::int64_t groups = leaf_groups_spanned(job_gpus);
  const std::lock_guard lock(cache_->mutex);
  double& cached = cache_->by_groups[static_cast<std::size_t>(groups)];
  if (std::isnan(cached)) {
    cached = solve_cut(groups);
  }
  return cached;
}

double Fabric::solve_cut(std::int64_t groups) const {
  const double nic = shape_.nic_bandwidth_bytes_per_s;
  if (groups == 1) {
    return nic;  // traffic inside one leaf group never reaches a spine
  }
  const double group_gpus = static_cast<double>(gpus_per_group_);
  const double nic_units = shape_.oversubscription * shape_.pod_oversubscription * kUnitsPerShare;
  const double leaf_uplink = group_gpus * nic_units / shape_.oversubscription;
  const std::int64_t pods = ceil_div(groups, groups_per_pod_);

  // Groups before the cut. Across pods, the pod boundary nearest the middle (the lower one on a
  // tie); within a pod, the middle group boundary.
  std::int64_t before = groups / 2;
  if (pods > 1) {
    const std::int64_t lower = std::max<std::int64_t>(1, groups / 2 / groups_per_pod_);
    const std::int64_t upper = std::min(pods - 1, lower + 1);
    // Twice the distance to the middle, to stay in integers.
    const std::int64_t lower_distance = std::abs(groups - 2 * lower * groups_per_pod_);
    const std::int64_t upper_distance = std::abs(2 * upper * groups_per_pod_ - groups);
    before = (upper_distance < lower_distance ? upper : lower) * groups_per_pod_;
  }

  // Vertices: source, sink, the job's groups, one spine per pod it touches, and a core joining
  // the pods when there are several. No other leaf can carry the job's traffic: in a tree a
  // detour through another leaf returns to the same spine.
  const Vertex source = 0;
  const Vertex sink = 1;
  const auto group_vertex = [](std::int64_t g) { return static_cast<Vertex>(2 + g); };
  const auto spine_vertex = [groups](std::int64_t p) {
    return static_cast<Vertex>(2 + groups + p);
  };
  const Vertex core = static_cast<Vertex>(2 + groups + pods);
  FlowGraph graph(static_cast<std::size_t>(3 + groups + pods));

  for (std::int64_t g = 0; g < groups; ++g) {
    if (g < before) {
      add_arc(graph, source, group_vertex(g), group_gpus * nic_units);
    } else {
      add_arc(graph, group_vertex(g), sink, group_gpus * nic_units);
    }
    add_link(graph, group_vertex(g), spine_vertex(g / groups_per_pod_), leaf_uplink);
  }
  if (pods > 1) {
    for (std::int64_t p = 0; p < pods; ++p) {
      // The job's equal split of the pod's core link: its groups' share of the pod's uplinks.
      const std::int64_t job_groups_in_pod =
          std::min(groups_per_pod_, groups - p * groups_per_pod_);
      add_link(graph, spine_vertex(p), core,
               static_cast<double>(job_groups_in_pod) * leaf_uplink / shape_.pod_oversubscription);
    }
  }

  const std::int64_t flow = boost::push_relabel_max_flow(
      graph, source, sink, boost::get(&FlowEdge::capacity, graph),
      boost::get(&FlowEdge::residual, graph), boost::get(&FlowEdge::reverse, graph),
      boost::get(boost::vertex_index, graph));
  const double smaller_side_gpus =
      static_cast<double>(std::min(before, groups - before)) * group_gpus;
  // Rounding capacities to whole units must not lift a non-blocking fabric above its NICs.
  return std::min(nic, static_cast<double>(flow) / nic_units * nic / smaller_side_gpus);
}

namespace {

std::string step_problem(const Fabric& fabric, std::int64_t job_gpus, const StepModel& step) {
  if (!std::isfinite(step.gradient_bytes) || step.gradient_bytes < 0.0) {
    return fmt::format("step: gradient_bytes must be a finite number of bytes >= 0, got {}",
                       step.gradient_bytes);
  }
  if (!std::isfinite(step.compute_time_s) || step.compute_time_s <= 0.0) {
    return fmt::format("step: compute_time_s must be a finite number of seconds > 0, got {}",
                       step.compute_time_s);
  }
  if (!(step.overlap >= 0.0 && step.overlap <= 1.0))
    return fmt::format("step: overlap must be a share in [0, 1], got {}", step.overlap);
  if (step.model_parallel_gpus < 1)
    return fmt::format("step: model_parallel_gpus must be >= 1, got {}", step.model_parallel_gpus);
  // The job size against the cluster before the divisibility check below.
  if (std::string problem = fabric.job_problem(job_gpus); !problem.empty())
    return problem;
  if (job_gpus % step.model_parallel_gpus != 0) {
    return fmt::format("step: a job of {} GPUs is not a whole number of {}-GPU model replicas",
                       job_gpus, step.model_parallel_gpus);
  }
  return {};
}

void check_step(const Fabric& fabric, std::int64_t job_gpus, const StepModel& step) {
  if (std::string problem = step_problem(fabric, job_gpus, step); !problem.empty())
    throw std::invalid_argument(problem);
}

}  // namespace

double all_reduce_time_s(const Fabric& fabric, std::int64_t job_gpus, const StepModel& step) {
  check_step(fabric, job_gpus, step);
  const FabricShape& shape = fabric.shape();
  const std::int64_t ranks = job_gpus / step.model_parallel_gpus;
  const std::int64_t ranks_per_domain =
      std::min(ranks, std::max<std::int64_t>(1, shape.scale_up_domain / step.model_parallel_gpus));
  const std::int64_t domains = ceil_div(ranks, ranks_per_domain);

  const double bytes = step.gradient_bytes;
  double time_s = 0.0;
  if (ranks_per_domain > 1) {
    const double r = static_cast<double>(ranks_per_domain);
    time_s += 2.0 * (r - 1.0) / r * bytes / shape.scale_up_bandwidth_bytes_per_s;
  }
  if (domains > 1) {
    const double m = static_cast<double>(domains);
    const double r = static_cast<double>(ranks_per_domain);
    time_s += 2.0 * (m - 1.0) / m * (bytes / r) / fabric.cross_leaf_bandwidth_per_gpu(job_gpus);
  }
  return time_s;
}

std::string effective_mfu_problem(double base_mfu, const Fabric& fabric, std::int64_t job_gpus,
                                  const StepModel& step) {
  if (!(base_mfu > 0.0 && base_mfu <= 1.0))
    return fmt::format("step: base_mfu must be a share in (0, 1], got {}", base_mfu);
  return step_problem(fabric, job_gpus, step);
}

double effective_mfu(double base_mfu, const Fabric& fabric, std::int64_t job_gpus,
                     const StepModel& step) {
  if (!(base_mfu > 0.0 && base_mfu <= 1.0)) {
    throw std::invalid_argument(
        fmt::format("step: base_mfu must be a share in (0, 1], got {}", base_mfu));
  }
  const double exposed_s = (1.0 - step.overlap) * all_reduce_time_s(fabric, job_gpus, step);
  return base_mfu * step.compute_time_s / (step.compute_time_s + exposed_s);
}

}  // namespace capsim
