#pragma once
/// The reservation profile of a cluster (or of a group of clusters): when its running jobs end
/// and how many GPUs each gives back, kept in end order as jobs start and end, never rebuilt.
/// EASY backfill asks it for the earliest time enough GPUs are free for the head job: a walk
/// down a balanced tree whose nodes carry the GPUs released in their subtree, O(log running
/// jobs) however large the head job or the cluster.
///
/// The tree is libstdc++'s policy-based red-black tree (GNU extension, part of g++'s standard
/// library) with a node update that keeps each subtree's sum.

#include <ext/pb_ds/assoc_container.hpp>
#include <ext/pb_ds/tree_policy.hpp>

#include <cstddef>
#include <cstdint>
#include <tuple>
#include <utility>

#include "capsim/engine/event.hpp"

namespace capsim {

class ReleaseProfile {
 public:
  /// A running job's piece: it ends at `end` and gives back `gpus`.
  void add(Tick end, std::int64_t gpus, std::size_t job);
  void remove(Tick end, std::int64_t gpus, std::size_t job);
  bool empty() const { return releases_.empty(); }

  /// The earliest end after which `free_now` plus the GPUs released up to it (in order of end,
  /// then GPUs) reach `gpus`, and the GPUs to spare then beyond `gpus`; `now` and the spare
  /// GPUs if `free_now` suffices; {INT64_MAX, 0} if even every release falls short.
  std::pair<Tick, std::int64_t> earliest(Tick now, std::int64_t free_now, std::int64_t gpus) const;

 private:
  using Release = std::tuple<Tick, std::int64_t, std::size_t>;  ///< end, GPUs, job

  template <class NodeConstIterator, class NodeIterator, class Compare, class Allocator>
  struct SubtreeGpus {
    using metadata_type = std::int64_t;
    void operator()(NodeIterator node, NodeConstIterator leaf) {
      std::int64_t gpus = std::get<1>(**node);
      if (node.get_l_child() != leaf)
        gpus += node.get_l_child().get_metadata();
      if (node.get_r_child() != leaf)
        gpus += node.get_r_child().get_metadata();
      const_cast<metadata_type&>(node.get_metadata()) = gpus;
    }
    virtual NodeConstIterator node_begin() const = 0;
    virtual NodeConstIterator node_end() const = 0;
    virtual ~SubtreeGpus() = default;
  };

  __gnu_pbds::tree<Release, __gnu_pbds::null_type, std::less<Release>, __gnu_pbds::rb_tree_tag,
                   SubtreeGpus>
      releases_;
};

}  // namespace capsim
