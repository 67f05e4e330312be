#include <doctest/doctest.h>

#include <optional>
#include <vector>

#include "capsim/model/training/gang_scheduler.hpp"
#include "capsim/model/training/pending_queue.hpp"
#include "capsim/model/training/release_profile.hpp"

namespace capsim {
namespace {

GangJob queued(Tick submit, std::int64_t priority, std::size_t tenant, std::int64_t gpus = 1) {
  GangJob job;
  job.submit = submit;
  job.priority = priority;
  job.tenant = tenant;
  job.gpus = gpus;
  return job;
}

std::vector<std::size_t> in_order(const PendingQueue& queue) {
  std::vector<std::size_t> order;
  PendingQueue::Walk walk = queue.walk();
  while (const std::optional<std::size_t> job = walk.next())
    order.push_back(*job);
  return order;
}

TEST_CASE("pending queue: tenants by rank, tied tenants merged by priority then submission") {
  // Tenant 0: jobs 0 (t=1, p=0) and 3 (t=0, p=5); tenant 1: jobs 1 (t=0, p=0) and 4 (t=2, p=9);
  // tenant 2: job 2 (t=0, p=0).
  const std::vector<GangJob> jobs = {queued(1, 0, 0), queued(0, 0, 1, 4), queued(0, 0, 2),
                                     queued(0, 5, 0, 2), queued(2, 9, 1)};
  PendingQueue queue(jobs, /*by_priority=*/true, 3);
  for (std::size_t job = 0; job < jobs.size(); ++job)
    queue.push(job);
  CHECK(queue.size() == 5);
  CHECK(queue.gpus() == 1 + 4 + 1 + 2 + 1);
  // All ranks 0 (no fair share): one order over every tenant, priority first (4, 3), then
  // submission (1 and 2 at t=0, index breaking the tie), then 0.
  CHECK(in_order(queue) == std::vector<std::size_t>{4, 3, 1, 2, 0});
  CHECK(queue.front() == 4);
  // Fair share ranks tenant 2 first, tenants 0 and 1 tied after it: 2, then 0's and 1's merged.
  queue.set_tenant_ranks({1, 1, 0});
  CHECK(in_order(queue) == std::vector<std::size_t>{2, 4, 3, 1, 0});
  CHECK(queue.front() == 2);
  // Tenant 1 alone last.
  queue.set_tenant_ranks({1, 2, 0});
  CHECK(in_order(queue) == std::vector<std::size_t>{2, 3, 0, 4, 1});
  // FIFO ignores priority.
  PendingQueue fifo(jobs, /*by_priority=*/false, 3);
  for (std::size_t job = 0; job < jobs.size(); ++job)
    fifo.push(job);
  CHECK(in_order(fifo) == std::vector<std::size_t>{1, 2, 3, 0, 4});
}

TEST_CASE("pending queue: the job just walked past may be erased, and counts follow") {
  const std::vector<GangJob> jobs = {queued(0, 0, 0, 2), queued(1, 0, 1, 3), queued(2, 0, 0, 5),
                                     queued(3, 0, 1, 7)};
  PendingQueue queue(jobs, true, 2);
  for (std::size_t job = 0; job < jobs.size(); ++job)
    queue.push(job);
  std::vector<std::size_t> seen;
  PendingQueue::Walk walk = queue.walk();
  while (const std::optional<std::size_t> job = walk.next()) {
    seen.push_back(*job);
    if (*job % 2 == 1)
      queue.erase(*job);  // as a backfill pass starts a job it has just examined
  }
  CHECK(seen == std::vector<std::size_t>{0, 1, 2, 3});
  CHECK(in_order(queue) == std::vector<std::size_t>{0, 2});
  CHECK(queue.size() == 2);
  CHECK(queue.gpus() == 7);
  queue.erase(3);  // not queued: nothing changes
  CHECK(queue.size() == 2);
  queue.erase(0);
  queue.erase(2);
  CHECK(queue.empty());
  CHECK(queue.gpus() == 0);
  CHECK_FALSE(queue.front().has_value());
  CHECK_FALSE(queue.walk().next().has_value());
}

TEST_CASE("scheduler: the scenario's default backfill depth is the scheduler's, Slurm's 100") {
  CHECK(TrainingSpec{}.backfill_depth == 100);
  CHECK(static_cast<std::size_t>(TrainingSpec{}.backfill_depth) == kDefaultBackfillDepth);
  CHECK(GangSchedulerOptions{}.backfill_depth == kDefaultBackfillDepth);
}

TEST_CASE("release profile: the earliest time enough GPUs are free, as a walk in end order") {
  // Pieces ending at (tick, GPUs): (3, 8), (5, 2), (5, 4), (9, 1), in that order; 1 GPU free now.
  ReleaseProfile profile;
  profile.add(5, 4, 10);
  profile.add(3, 8, 11);
  profile.add(9, 1, 12);
  profile.add(5, 2, 13);
  using Answer = std::pair<Tick, std::int64_t>;
  CHECK(profile.earliest(0, 10, 9) == Answer{0, 1});  // free now suffices
  CHECK(profile.earliest(0, 1, 9) == Answer{3, 0});   // 1 + 8
  // 1 + 8 + 2 = 11 after the first release at 5: spare 1 (the other one at 5 is not counted,
  // as the scheduler always counted ties, one release at a time).
  CHECK(profile.earliest(0, 1, 10) == Answer{5, 1});
  CHECK(profile.earliest(0, 1, 16) == Answer{9, 0});  // 1 + 8 + 2 + 4 + 1
  CHECK(profile.earliest(0, 1, 17).first == INT64_MAX);
  // Fewer GPUs than in use (capacity lost to failures): free is negative until releases.
  CHECK(profile.earliest(0, -4, 4) == Answer{3, 0});
  profile.remove(3, 8, 11);
  CHECK(profile.earliest(0, 1, 9).first == INT64_MAX);  // 1 + 2 + 4 + 1 = 8
  CHECK(profile.earliest(0, 1, 8) == Answer{9, 0});
  profile.remove(5, 2, 13);
  profile.remove(5, 4, 10);
  profile.remove(9, 1, 12);
  CHECK(profile.empty());
  CHECK(profile.earliest(0, 1, 2).first == INT64_MAX);
}

}  // namespace
}  // namespace capsim
