#include "capsim/model/training/pending_queue.hpp"

#include <algorithm>
#include <numeric>

#include "capsim/model/training/gang_scheduler.hpp"

namespace capsim {

bool JobOrder::operator()(std::size_t a, std::size_t b) const {
  const GangJob& ja = (*jobs)[a];
  const GangJob& jb = (*jobs)[b];
  if (by_priority && ja.priority != jb.priority)
    return ja.priority > jb.priority;
  if (ja.submit != jb.submit)
    return ja.submit < jb.submit;
  return a < b;
}

PendingQueue::PendingQueue(const std::vector<GangJob>& jobs, bool by_priority, std::size_t tenants)
    : order_{&jobs, by_priority},
      tenants_(tenants, TenantQueue(order_)),
      ranks_(tenants, 0),
      by_rank_(tenants) {
  std::iota(by_rank_.begin(), by_rank_.end(), std::size_t{0});
}

void PendingQueue::push(std::size_t job) {
  const GangJob& spec = (*order_.jobs)[job];
  tenants_[spec.tenant].insert(job);
  ++size_;
  gpus_ += spec.gpus;
}

void PendingQueue::erase(std::size_t job) {
  const GangJob& spec = (*order_.jobs)[job];
  if (tenants_[spec.tenant].erase(job) == 0)
    return;
  --size_;
  gpus_ -= spec.gpus;
}

void PendingQueue::set_tenant_ranks(const std::vector<std::size_t>& ranks) {
  if (ranks == ranks_)
    return;
  ranks_ = ranks;
  std::sort(by_rank_.begin(), by_rank_.end(), [this](std::size_t a, std::size_t b) {
    return ranks_[a] != ranks_[b] ? ranks_[a] < ranks_[b] : a < b;
  });
}

std::optional<std::size_t> PendingQueue::front() const {
  // The first job of the first group of tied tenants that has any.
  std::optional<std::size_t> first;
  for (std::size_t i = 0; i < by_rank_.size(); ++i) {
    const std::size_t tenant = by_rank_[i];
    if (first && ranks_[tenant] != ranks_[(*order_.jobs)[*first].tenant])
      break;
    const TenantQueue& jobs = tenants_[tenant];
    if (!jobs.empty() && (!first || order_(*jobs.begin(), *first)))
      first = *jobs.begin();
  }
  return first;
}

PendingQueue::Walk::Walk(const PendingQueue& queue) : queue_(&queue) {
  open_group();
}

bool PendingQueue::Walk::later(const Head& a, const Head& b) const {
  return queue_->order_(*b.first, *a.first);
}

/// Loads the heap with the next group of tied tenants that has queued jobs.
void PendingQueue::Walk::open_group() {
  const std::vector<std::size_t>& by_rank = queue_->by_rank_;
  while (heads_.empty() && group_begin_ < by_rank.size()) {
    const std::size_t rank = queue_->ranks_[by_rank[group_begin_]];
    for (; group_begin_ < by_rank.size() && queue_->ranks_[by_rank[group_begin_]] == rank;
         ++group_begin_) {
      const TenantQueue& jobs = queue_->tenants_[by_rank[group_begin_]];
      if (!jobs.empty())
        heads_.emplace_back(jobs.begin(), jobs.end());
    }
    std::make_heap(heads_.begin(), heads_.end(),
                   [this](const Head& a, const Head& b) { return later(a, b); });
  }
}

std::optional<std::size_t> PendingQueue::Walk::next() {
  if (heads_.empty())
    return std::nullopt;
  const auto cmp = [this](const Head& a, const Head& b) { return later(a, b); };
  std::pop_heap(heads_.begin(), heads_.end(), cmp);
  Head& head = heads_.back();
  const std::size_t job = *head.first;
  // Step past the job before it is returned, so that the caller may erase it.
  if (++head.first == head.second) {
    heads_.pop_back();
  } else {
    std::push_heap(heads_.begin(), heads_.end(), cmp);
  }
  open_group();
  return job;
}

}  // namespace capsim
