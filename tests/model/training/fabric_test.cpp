#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>

#include "capsim/model/training/fabric.hpp"
#include "model/fixtures.hpp"

namespace capsim {
namespace {

using test::invalid_argument_message;

constexpr double kNic = 400e9 / 8.0;  // 400 Gb/s = 50 GB/s per GPU, one direction
constexpr double kNvlink = 450e9;     // H100 NVLink: 900 GB/s both directions

// 4 leaves × 2 nodes × 8 GPUs = 64 GPUs; a leaf (group) has 16 GPUs, 16 × 50e9 = 800e9 down.
FabricShape four_leaves(double oversubscription) {
  FabricShape shape;
  shape.gpus = 64;
  shape.gpus_per_node = 8;
  shape.nodes_per_leaf = 2;
  shape.nic_bandwidth_bytes_per_s = kNic;
  shape.oversubscription = oversubscription;
  shape.topology = FabricTopology::leaf_spine;
  shape.scale_up_domain = 8;
  shape.scale_up_bandwidth_bytes_per_s = kNvlink;
  return shape;
}

// four_leaves' leaves at `oversubscription`, as many as `gpus` need, in pods of `pod_gpus` with
// 1:`pod_oversubscription` above them.
FabricShape in_pods(double oversubscription, std::int64_t gpus, std::int64_t pod_gpus,
                    double pod_oversubscription) {
  FabricShape shape = four_leaves(oversubscription);
  shape.gpus = gpus;
  shape.pod_gpus = pod_gpus;
  shape.pod_oversubscription = pod_oversubscription;
  return shape;
}

// The flat-ring case: 1 GB of gradients a step against 0.315 s of compute, half the all-reduce
// hidden behind it, 8-GPU model replicas.
StepModel flat_ring_step() {
  return StepModel{
      .gradient_bytes = 1e9, .compute_time_s = 0.315, .overlap = 0.5, .model_parallel_gpus = 8};
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST_CASE("fabric: a job inside one leaf gets the NIC rate at any oversubscription") {
  for (const double oversubscription : {1.0, 2.0, 7.0}) {
    const Fabric fabric(four_leaves(oversubscription));
    CHECK(fabric.leaf_groups() == 4);
    CHECK(fabric.leaves() == 4);
    CHECK(fabric.leaves_spanned(16) == 1);
    CHECK(fabric.leaves_spanned(1) == 1);
    CHECK(fabric.cross_leaf_bandwidth_per_gpu(16) == kNic);
    CHECK(fabric.cross_leaf_bandwidth_per_gpu(3) == kNic);
  }
}

TEST_CASE("fabric: a non-blocking fabric gives every job the NIC rate") {
  // 64 GPUs over 4 leaves, cut after leaf 1: leaves {0,1} and {2,3}, 32 GPUs each. Each leaf
  // has 800e9 up and down, so 1,600e9 crosses the spine: 1,600e9 / 32 = 50e9 per GPU.
  const Fabric fabric(four_leaves(1.0));
  CHECK(fabric.leaves_spanned(64) == 4);
  CHECK(fabric.cross_leaf_bandwidth_per_gpu(64) == doctest::Approx(kNic));
  CHECK(fabric.cross_leaf_bandwidth_per_gpu(32) == doctest::Approx(kNic));
  CHECK(fabric.cross_leaf_bandwidth_per_gpu(48) == doctest::Approx(kNic));
}

TEST_CASE("fabric: oversubscription 2 halves the bandwidth across leaves") {
  // Uplink per leaf = 800e9 / 2 = 400e9.
  // 64 GPUs: leaves {0,1} send 2 × 400e9 = 800e9 to {2,3}: 800e9 / 32 = 25e9 per GPU.
  // 32 GPUs: leaf 0 sends 400e9 to leaf 1: 400e9 / 16 = 25e9.
  const Fabric fabric(four_leaves(2.0));
  CHECK(fabric.cross_leaf_bandwidth_per_gpu(64) == doctest::Approx(25e9));
  CHECK(fabric.cross_leaf_bandwidth_per_gpu(32) == doctest::Approx(25e9));
  // 17 GPUs span 2 leaves and are costed as 2 full leaves.
  CHECK(fabric.leaves_spanned(17) == 2);
  CHECK(fabric.cross_leaf_bandwidth_per_gpu(17) == doctest::Approx(25e9));
}

TEST_CASE("fabric: fractional oversubscription and any bandwidth scale") {
  // 1:1.5 at the leaf: 64 GPUs get 50e9 / 1.5 = 33.3e9. The flow is solved in units of a GPU's
  // link share, so a NIC of 1 byte/s gives the same ratio.
  FabricShape shape = four_leaves(1.5);
  CHECK(Fabric(shape).cross_leaf_bandwidth_per_gpu(64) == doctest::Approx(kNic / 1.5));
  shape.nic_bandwidth_bytes_per_s = 1.0;
  CHECK(Fabric(shape).cross_leaf_bandwidth_per_gpu(64) == doctest::Approx(1.0 / 1.5));
}

TEST_CASE("fabric: a job over an odd number of leaves is cut at a leaf boundary") {
  // 48 GPUs = 3 leaves, oversubscription 2, cut after floor(3/2) = 1 leaf: leaf 0 (16 GPUs)
  // against leaves 1 and 2 (32). Leaf 0 sends at most its 400e9 uplink; leaves 1 and 2 could
  // take 800e9. 400e9 / 16 = 25e9 per GPU of the smaller side.
  const Fabric fabric(four_leaves(2.0));
  CHECK(fabric.cross_leaf_bandwidth_per_gpu(48) == doctest::Approx(25e9));
}

TEST_CASE("fabric: rail-optimised keeps a job on its rail leaves where leaf-spine crosses spines") {
  // The same 16 switches with 16 ports down and oversubscription 2, for 256 GPUs (32 nodes):
  //   leaf_spine: a leaf holds 2 nodes (16 GPUs), 16 leaves;
  //   rail_optimised: a rail leaf holds GPU i of 16 nodes; 2 groups of 16 nodes × 8 rails.
  FabricShape leaf_spine = four_leaves(2.0);
  leaf_spine.gpus = 256;
  FabricShape rail = leaf_spine;
  rail.topology = FabricTopology::rail_optimised;
  rail.nodes_per_leaf = 16;
  const Fabric by_leaf(leaf_spine);
  const Fabric by_rail(rail);
  CHECK(by_leaf.leaves() == 16);
  CHECK(by_rail.leaves() == 16);
  CHECK(by_leaf.leaf_groups() == 16);
  CHECK(by_rail.leaf_groups() == 2);

  // 128 GPUs = 16 nodes. leaf_spine: 8 leaves, halves of 4 leaves each send 4 × 400e9:
  // 1,600e9 / 64 = 25e9. rail: one group, 8 rail leaves, same-rail traffic never leaves its
  // rail leaf: 50e9.
  CHECK(by_leaf.leaves_spanned(128) == 8);
  CHECK(by_rail.leaves_spanned(128) == 8);
  CHECK(by_leaf.cross_leaf_bandwidth_per_gpu(128) == doctest::Approx(25e9));
  CHECK(by_rail.cross_leaf_bandwidth_per_gpu(128) == kNic);

  // The whole cluster crosses spines either way: 25e9.
  CHECK(by_leaf.cross_leaf_bandwidth_per_gpu(256) == doctest::Approx(25e9));
  CHECK(by_rail.cross_leaf_bandwidth_per_gpu(256) == doctest::Approx(25e9));

  // Rail leaves touched: a node uses all 8 rails, half a node 4; 17 nodes fill group 0's
  // 8 rails and put one node on group 1's 8 rails: 16.
  CHECK(by_rail.leaves_spanned(8) == 8);
  CHECK(by_rail.leaves_spanned(4) == 4);
  CHECK(by_rail.leaves_spanned(136) == 16);
  CHECK(by_rail.leaves_spanned(130) == 10);
  CHECK(by_leaf.leaves_spanned(8) == 1);
}

TEST_CASE("fabric: an oversubscribed tier above pods limits jobs that span pods") {
  // Four 16-GPU leaves, non-blocking at the leaf (800e9 up each), pods of 2 leaves (32 GPUs)
  // with 1:4 above them: a pod's core link is 2 × 800e9 / 4 = 400e9.
  const Fabric fabric(in_pods(1.0, 64, 32, 4.0));
  CHECK(fabric.pods() == 2);
  // Inside a pod: non-blocking, 50e9.
  CHECK(fabric.cross_leaf_bandwidth_per_gpu(32) == doctest::Approx(kNic));
  // Pod against pod: 400e9 / 32 = 12.5e9.
  CHECK(fabric.cross_leaf_bandwidth_per_gpu(64) == doctest::Approx(12.5e9));
  // 48 GPUs: cut at the pod boundary, leaves 0 and 1 (pod 0, 32 GPUs) against leaf 2 (pod 1,
  // 16 GPUs). The job holds both of pod 0's leaves (core share 400e9) but 1 of pod 1's 2, so
  // its share of pod 1's core link is 800e9 / 4 = 200e9: the far side binds.
  // 200e9 / 16 = 12.5e9 per GPU of the smaller side.
  CHECK(fabric.cross_leaf_bandwidth_per_gpu(48) == doctest::Approx(12.5e9));
}

TEST_CASE("fabric: Llama 3's 24K-GPU cluster with 1:7 above 3072-GPU pods") {
  // Llama 3 Herd of Models (2024): 16-GPU racks under one ToR, non-blocking 3,072-GPU pods
  // (192 racks), 1:7 between pods, 400 Gb/s per GPU. Rack uplink 16 × 50e9 = 800e9.
  const Fabric fabric(in_pods(1.0, 24'576, 3'072, 7.0));
  CHECK(fabric.leaf_groups() == 1'536);
  CHECK(fabric.pods() == 8);

  // 16,384 GPUs = 1,024 racks: pods 0-4 whole and 64 racks of pod 5. Pod boundaries at 192,
  // 384, 576, 768, 960 racks; nearest the middle (512) is 576: pods 0-2 (9,216 GPUs) against
  // pods 3, 4 and the 1,024 GPUs of pod 5 (7,168). Core shares: 3 × 3,072 / 7 × 50e9 up on one
  // side, (3,072 + 3,072 + 1,024) / 7 × 50e9 = 1,024 × 50e9 down on the other.
  // 1,024 × 50e9 / 7,168 = 50e9 / 7 = 7.14e9 per GPU.
  CHECK(fabric.cross_leaf_bandwidth_per_gpu(16'384) == doctest::Approx(50e9 / 7.0));

  // 8,192 GPUs: pods 0, 1 and 2,048 GPUs of pod 2; nearest boundary to the middle (256 racks)
  // is 192: pod 0 (3,072 GPUs, 3,072 / 7 × 50e9 up) against the rest (5,120 GPUs, more down).
  // 3,072 / 7 × 50e9 / 3,072 = 50e9 / 7. The same for one rack past a pod.
  CHECK(fabric.cross_leaf_bandwidth_per_gpu(8'192) == doctest::Approx(50e9 / 7.0));
  CHECK(fabric.cross_leaf_bandwidth_per_gpu(3'088) == doctest::Approx(50e9 / 7.0));
  CHECK(fabric.cross_leaf_bandwidth_per_gpu(24'576) == doctest::Approx(50e9 / 7.0));

  // One pod: non-blocking.
  CHECK(fabric.cross_leaf_bandwidth_per_gpu(3'072) == doctest::Approx(kNic));
}

TEST_CASE("fabric: bandwidth never rises with job size") {
  // Cutting through the middle of a pod would let a 3-pod job beat a 2-pod one; the cut at the
  // coarsest boundary must not. Llama-like: 16-GPU racks, 1:2 at the rack, 1:7 above 768-GPU
  // pods, sizes every 16 GPUs up to 6,144.
  const FabricShape shape = in_pods(2.0, 6'144, 768, 7.0);
  const Fabric fabric(shape);
  double previous = fabric.cross_leaf_bandwidth_per_gpu(1);
  CHECK(previous == kNic);
  for (std::int64_t gpus = 16; gpus <= shape.gpus; gpus += 16) {
    const double bandwidth = fabric.cross_leaf_bandwidth_per_gpu(gpus);
    CHECK(bandwidth <= previous * (1.0 + 1e-12));
    previous = bandwidth;
  }
  CHECK(previous == doctest::Approx(kNic / 14.0));
}

TEST_CASE("fabric: all-reduce time of a flat ring across leaves") {
  // 64 GPUs, oversubscription 2 (25e9 per GPU), 8-GPU model replicas fill each NVLink
  // domain, so 8 data-parallel ranks, one per domain: r = 1, m = 8.
  // T = 2 × 7/8 × 1e9 / 25e9 = 0.07 s.
  const Fabric fabric(four_leaves(2.0));
  const StepModel step = flat_ring_step();
  CHECK(all_reduce_time_s(fabric, 64, step) == doctest::Approx(0.07));
  // Two replicas inside one leaf: 2 × 1/2 × 1e9 / 50e9 = 0.02 s.
  CHECK(all_reduce_time_s(fabric, 16, step) == doctest::Approx(0.02));
  // One replica: nothing to reduce.
  CHECK(all_reduce_time_s(fabric, 8, step) == 0.0);
}

TEST_CASE("fabric: all-reduce time of a hierarchical ring over NVLink then the network") {
  // 64 GPUs, non-blocking, pure data parallelism: 64 ranks, 8 per NVLink domain, 8 domains.
  //   NVLink ring:  2 × 7/8 × 3.6e9 / 450e9        = 0.014 s
  //   network ring: 2 × 7/8 × (3.6e9 / 8) / 50e9   = 0.01575 s
  const Fabric fabric(four_leaves(1.0));
  StepModel step;
  step.gradient_bytes = 3.6e9;
  step.compute_time_s = 1.0;
  CHECK(all_reduce_time_s(fabric, 64, step) == doctest::Approx(0.014 + 0.01575));
  // Inside one domain only the NVLink ring runs.
  CHECK(all_reduce_time_s(fabric, 8, step) == doctest::Approx(0.014));
  // 4 GPUs: 2 × 3/4 × 3.6e9 / 450e9 = 0.012 s.
  CHECK(all_reduce_time_s(fabric, 4, step) == doctest::Approx(0.012));
  // 2-GPU replicas: 4 ranks per domain, 32 ranks, 8 domains.
  //   2 × 3/4 × 3.6e9 / 450e9 + 2 × 7/8 × (3.6e9 / 4) / 50e9 = 0.012 + 0.0315
  step.model_parallel_gpus = 2;
  CHECK(all_reduce_time_s(fabric, 64, step) == doctest::Approx(0.012 + 0.0315));
}

TEST_CASE("fabric: effective MFU counts only the exposed share of the all-reduce") {
  // From the flat-ring case: T = 0.07 s, overlap 0.5 -> 0.035 s exposed;
  // MFU = 0.4 × 0.315 / (0.315 + 0.035) = 0.36.
  const Fabric fabric(four_leaves(2.0));
  StepModel step = flat_ring_step();
  CHECK(effective_mfu(0.4, fabric, 64, step) == doctest::Approx(0.36));

  // Inside one leaf the same step runs at the NIC rate: T = 2 × 1/2 × 1e9 / 50e9 = 0.02 s,
  // 0.01 s exposed: 0.4 × 0.315 / 0.325.
  CHECK(effective_mfu(0.4, fabric, 16, step) == doctest::Approx(0.4 * 0.315 / 0.325));

  // Full overlap or no gradients: the base MFU.
  step.overlap = 1.0;
  CHECK(effective_mfu(0.4, fabric, 64, step) == 0.4);
  step.overlap = 0.0;
  step.gradient_bytes = 0.0;
  CHECK(effective_mfu(0.4, fabric, 64, step) == 0.4);

  // Against a non-blocking fabric (T = 0.035 s, all exposed): 0.315 / 0.35 = 0.9 vs
  // 0.315 / 0.385, a ratio of 0.385 / 0.35 = 1.1 in favour of the non-blocking fabric.
  step.gradient_bytes = 1e9;
  const Fabric non_blocking(four_leaves(1.0));
  CHECK(effective_mfu(1.0, non_blocking, 64, step) / effective_mfu(1.0, fabric, 64, step) ==
        doctest::Approx(1.1));
}

TEST_CASE("fabric: invalid shapes are rejected with the field named") {
  auto with = [](auto change) {
    FabricShape shape = four_leaves(1.0);
    change(shape);
    return invalid_argument_message([&] { Fabric fabric(shape); });
  };
  CHECK(contains(with([](FabricShape& s) { s.gpus = 0; }), "gpus must be >= 1"));
  CHECK(contains(with([](FabricShape& s) { s.gpus = 0; }), "got 0"));
  CHECK(contains(with([](FabricShape& s) { s.gpus_per_node = 0; }), "gpus_per_node must be >= 1"));
  CHECK(
      contains(with([](FabricShape& s) { s.nodes_per_leaf = -3; }), "nodes_per_leaf must be >= 1"));
  CHECK(contains(with([](FabricShape& s) { s.scale_up_domain = 0; }),
                 "scale_up_domain must be >= 1"));
  CHECK(contains(with([](FabricShape& s) { s.oversubscription = 0.5; }),
                 "oversubscription must be a number >= 1 (1 is non-blocking), got 0.5"));
  CHECK(contains(with([](FabricShape& s) { s.pod_oversubscription = 0.0; }),
                 "pod_oversubscription must be a number >= 1"));
  CHECK(contains(
      with([](FabricShape& s) { s.oversubscription = std::numeric_limits<double>::infinity(); }),
      "oversubscription"));
  CHECK(contains(with([](FabricShape& s) { s.nic_bandwidth_bytes_per_s = std::nan(""); }),
                 "nic_bandwidth_bytes_per_s must be a finite number of bytes/s > 0"));
  CHECK(contains(with([](FabricShape& s) { s.scale_up_bandwidth_bytes_per_s = 0.0; }),
                 "scale_up_bandwidth_bytes_per_s"));
  CHECK(contains(with([](FabricShape& s) { s.pod_gpus = 24; }),
                 "pod_gpus must be 0 (no pod tier) or a positive multiple of the 16 GPUs"));
  CHECK(contains(with([](FabricShape& s) { s.pod_gpus = -16; }), "pod_gpus"));
  CHECK(contains(with([](FabricShape& s) {
                   s.gpus = std::int64_t{1} << 40;
                   s.oversubscription = 64.0;
                 }),
                 "integer range"));
  CHECK(contains(with([](FabricShape& s) {
                   s.gpus_per_node = std::int64_t{1} << 40;
                   s.nodes_per_leaf = std::int64_t{1} << 40;
                 }),
                 "overflows"));
}

TEST_CASE("fabric: invalid jobs and steps are rejected") {
  const Fabric fabric(four_leaves(1.0));
  CHECK(contains(invalid_argument_message([&] { (void)fabric.cross_leaf_bandwidth_per_gpu(0); }),
                 "between 1 and the cluster's 64 GPUs, got 0"));
  CHECK(contains(invalid_argument_message([&] { (void)fabric.leaves_spanned(65); }), "got 65"));
  CHECK_THROWS_AS((void)fabric.leaf_groups_spanned(-1), std::invalid_argument);

  StepModel good;
  good.gradient_bytes = 1e9;
  good.compute_time_s = 1.0;
  auto step_error = [&](auto change, std::int64_t job_gpus = 64) {
    StepModel step = good;
    change(step);
    return invalid_argument_message([&] { (void)effective_mfu(0.4, fabric, job_gpus, step); });
  };
  CHECK(contains(step_error([](StepModel& s) { s.overlap = 1.5; }), "overlap"));
  CHECK(contains(step_error([](StepModel& s) { s.overlap = std::nan(""); }), "overlap"));
  CHECK(contains(step_error([](StepModel& s) { s.compute_time_s = 0.0; }), "compute_time_s"));
  CHECK(contains(step_error([](StepModel& s) { s.gradient_bytes = -1.0; }), "gradient_bytes"));
  CHECK(
      contains(step_error([](StepModel& s) { s.model_parallel_gpus = 0; }), "model_parallel_gpus"));
  CHECK(contains(step_error([](StepModel& s) { s.model_parallel_gpus = 3; }),
                 "not a whole number of 3-GPU model replicas"));
  CHECK(contains(step_error([](StepModel&) {}, 100), "got 100"));
  CHECK(contains(invalid_argument_message([&] { (void)effective_mfu(0.0, fabric, 64, good); }),
                 "base_mfu"));
  CHECK(contains(invalid_argument_message([&] { (void)effective_mfu(1.5, fabric, 64, good); }),
                 "base_mfu"));
}

TEST_CASE("fabric: a shape from a scenario's FabricSpec and accelerator") {
  FabricSpec spec;  // rail_optimised, 8 GPUs per node, 32 nodes per leaf, 400 Gb/s, 1:1
  spec.oversubscription = 3.0;
  AcceleratorSpec h100;
  h100.scale_up_domain = 8;
  h100.scale_up_bandwidth_bytes_per_s = 900e9;  // both directions, as the catalog quotes
  const FabricShape shape = make_fabric_shape(spec, 1'024, h100);
  CHECK(shape.gpus == 1'024);
  CHECK(shape.topology == FabricTopology::rail_optimised);
  CHECK(shape.gpus_per_node == 8);
  CHECK(shape.nodes_per_leaf == 32);
  CHECK(shape.nic_bandwidth_bytes_per_s == kNic);
  CHECK(shape.oversubscription == 3.0);
  CHECK(shape.pod_gpus == 0);
  CHECK(shape.scale_up_domain == 8);
  CHECK(shape.scale_up_bandwidth_bytes_per_s == 450e9);
  // 1,024 GPUs = 4 rail groups of 256 GPUs; 32 rail leaves.
  const Fabric fabric(shape);
  CHECK(fabric.leaf_groups() == 4);
  CHECK(fabric.leaves() == 32);
  CHECK(fabric.cross_leaf_bandwidth_per_gpu(256) == kNic);
  CHECK(fabric.cross_leaf_bandwidth_per_gpu(1'024) == doctest::Approx(kNic / 3.0));
}

TEST_CASE("fabric: copies and moves keep answering the same") {
  Fabric fabric(four_leaves(2.0));
  const double before = fabric.cross_leaf_bandwidth_per_gpu(64);
  const Fabric copy(fabric);
  CHECK(copy.cross_leaf_bandwidth_per_gpu(64) == before);
  CHECK(copy.cross_leaf_bandwidth_per_gpu(48) == fabric.cross_leaf_bandwidth_per_gpu(48));
  Fabric moved(std::move(fabric));
  CHECK(moved.cross_leaf_bandwidth_per_gpu(64) == before);
  Fabric assigned(four_leaves(1.0));
  assigned = copy;
  CHECK(assigned.shape().oversubscription == 2.0);
  CHECK(assigned.cross_leaf_bandwidth_per_gpu(64) == before);
}

TEST_CASE("fabric: a 100000-GPU cluster builds at leaf granularity and answers queries") {
  // Default FabricSpec: rail_optimised, 8 GPUs per node, 32 nodes per rail leaf:
  // ceil(100,000 / 256) = 391 groups; 390 × 8 rail leaves + the last group's 160 GPUs on all
  // 8 rails = 3,128 rail leaves.
  FabricShape rail = four_leaves(1.0);
  rail.gpus = 100'000;
  rail.nodes_per_leaf = 32;
  rail.topology = FabricTopology::rail_optimised;
  const Fabric non_blocking(rail);
  CHECK(non_blocking.leaf_groups() == 391);
  CHECK(non_blocking.leaves() == 3'128);
  CHECK(non_blocking.cross_leaf_bandwidth_per_gpu(100'000) == doctest::Approx(kNic));

  // 1:7 at the leaf: cut after 195 of the 391 groups, 195 × 256 × nic / 7 across, divided by
  // the 195 × 256 GPUs of the smaller side: nic / 7.
  rail.oversubscription = 7.0;
  const Fabric oversubscribed(rail);
  CHECK(oversubscribed.cross_leaf_bandwidth_per_gpu(100'000) == doctest::Approx(kNic / 7.0));
  CHECK(oversubscribed.cross_leaf_bandwidth_per_gpu(99'999) ==
        oversubscribed.cross_leaf_bandwidth_per_gpu(100'000));
  CHECK(oversubscribed.cross_leaf_bandwidth_per_gpu(65'536) == doctest::Approx(kNic / 7.0));

  // Leaf-spine with 2 nodes per leaf and a pod tier: 6,250 leaves, the largest graph here.
  const Fabric podded(in_pods(1.0, 100'000, 3'072, 7.0));
  CHECK(podded.leaf_groups() == 6'250);
  CHECK(podded.pods() == 33);
  CHECK(podded.cross_leaf_bandwidth_per_gpu(100'000) == doctest::Approx(kNic / 7.0));
  CHECK(podded.cross_leaf_bandwidth_per_gpu(3'072) == kNic);
  const StepModel step{
      .gradient_bytes = 2e9, .compute_time_s = 5.0, .overlap = 0.5, .model_parallel_gpus = 8};
  const double mfu = effective_mfu(0.4, podded, 100'000, step);
  CHECK(mfu > 0.0);
  CHECK(mfu < 0.4);
}

}  // namespace
}  // namespace capsim
