#include "capsim/model/training/release_profile.hpp"

#include <cstdint>

namespace capsim {

void ReleaseProfile::add(Tick end, std::int64_t gpus, std::size_t job) {
  releases_.insert(Release{end, gpus, job});
}

void ReleaseProfile::remove(Tick end, std::int64_t gpus, std::size_t job) {
  releases_.erase(Release{end, gpus, job});
}

std::pair<Tick, std::int64_t> ReleaseProfile::earliest(Tick now, std::int64_t free_now,
                                                       std::int64_t gpus) const {
  if (free_now >= gpus)
    return {now, free_now - gpus};
  // Down from the root: `before` is what is free once every release left of the node is in.
  std::int64_t before = free_now;
  auto node = releases_.node_begin();
  const auto leaf = releases_.node_end();
  if (node == leaf || before + node.get_metadata() < gpus)
    return {INT64_MAX, 0};
  while (node != leaf) {
    const auto left = node.get_l_child();
    const std::int64_t left_gpus = left != leaf ? left.get_metadata() : 0;
    if (before + left_gpus >= gpus) {
      node = left;
      continue;
    }
    const std::int64_t through_node = before + left_gpus + std::get<1>(**node);
    if (through_node >= gpus)
      return {std::get<0>(**node), through_node - gpus};
    before = through_node;
    node = node.get_r_child();
  }
  return {INT64_MAX, 0};  // unreachable: the root's total sufficed
}

}  // namespace capsim
