#pragma once
/// The jobs waiting to start, in the gang scheduler's order, kept so that no change of order
/// costs work in proportion to the backlog.
///
/// The order: tenants by rank (fair share ranks them by usage for their share; without fair
/// share every tenant has rank 0), then, among the jobs of tenants of equal rank, priority
/// first (unless FIFO), then submission, then job index. Each tenant's jobs are a set in that
/// order, so re-ranking tenants is O(tenants log tenants) whatever the backlog, and a walk in
/// queue order merges the sets of each group of tied tenants with a small heap.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <utility>
#include <vector>

namespace capsim {

struct GangJob;  // gang_scheduler.hpp

/// a before b within a tenant, and across tenants of equal rank.
struct JobOrder {
  const std::vector<GangJob>* jobs = nullptr;
  bool by_priority = false;  ///< false under FIFO: submission order only
  bool operator()(std::size_t a, std::size_t b) const;
};

class PendingQueue {
 public:
  using TenantQueue = std::set<std::size_t, JobOrder>;

  PendingQueue(const std::vector<GangJob>& jobs, bool by_priority, std::size_t tenants);

  void push(std::size_t job);
  void erase(std::size_t job);
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  /// GPUs the queued jobs ask for.
  std::int64_t gpus() const { return gpus_; }

  /// Orders tenants: a lower rank first; tenants of equal rank have their jobs merged by
  /// JobOrder. O(tenants log tenants).
  void set_tenant_ranks(const std::vector<std::size_t>& ranks);
  const std::vector<std::size_t>& tenant_ranks() const { return ranks_; }

  /// A walk over the queue in order. The job last returned may be erased from the queue
  /// during the walk; no other change to the queue is allowed until the walk ends.
  class Walk {
   public:
    explicit Walk(const PendingQueue& queue);
    /// The next job in order; none at the end. O(log tenants of its group).
    std::optional<std::size_t> next();

   private:
    using Head = std::pair<TenantQueue::const_iterator, TenantQueue::const_iterator>;
    void open_group();
    bool later(const Head& a, const Head& b) const;

    const PendingQueue* queue_;
    std::size_t group_begin_ = 0;  ///< into queue_->by_rank_
    std::vector<Head> heads_;      ///< a heap of the current group's (next, end)
  };
  Walk walk() const { return Walk(*this); }
  /// The first job in order; none when empty. O(tenants).
  std::optional<std::size_t> front() const;

 private:
  JobOrder order_;
  std::vector<TenantQueue> tenants_;
  std::vector<std::size_t> ranks_;    ///< per tenant
  std::vector<std::size_t> by_rank_;  ///< tenants by (rank, index)
  std::size_t size_ = 0;
  std::int64_t gpus_ = 0;
};

}  // namespace capsim
