#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "capsim/engine/random.hpp"
#include "capsim/model/training/gang_scheduler.hpp"

namespace capsim {
namespace {

constexpr Tick kHour = kTicksPerHour;

GangJob job(Tick submit_h, std::int64_t gpus, Tick hours, std::int64_t priority = 0) {
  GangJob j;
  j.submit = submit_h * kHour;
  j.gpus = gpus;
  j.duration = hours * kHour;
  j.priority = priority;
  return j;
}

std::vector<Tick> starts_h(const std::vector<GangJobOutcome>& outcomes) {
  std::vector<Tick> starts;
  for (const GangJobOutcome& outcome : outcomes)
    starts.push_back(*outcome.start / kHour);
  return starts;
}

TEST_CASE("scheduler: FIFO and EASY backfill on a case worked by hand") {
  // One cluster of 8 GPUs. A (4 GPUs, 10 h) starts at once; B (8 GPUs, 5 h) must wait for A,
  // so it is reserved for t = 10 h; C (4 GPUs, 5 h) fits in the 4 free GPUs now and ends at
  // 5 h <= 10 h, so EASY starts it at 0 without delaying B. FIFO keeps C behind B: B runs
  // 10-15 h, C 15-20 h. D (4 GPUs, 20 h) would end after B's reservation and there are no
  // spare GPUs at 10 h, so even EASY holds it behind B.
  const std::vector<GangJob> jobs = {job(0, 4, 10), job(0, 8, 5), job(0, 4, 5), job(0, 4, 20)};
  GangSchedulerOptions fifo;
  CHECK(starts_h(schedule_gang_jobs({8}, jobs, fifo)) == std::vector<Tick>{0, 10, 15, 15});
  GangSchedulerOptions easy;
  easy.policy = SchedulerPolicy::easy_backfill;
  const std::vector<GangJobOutcome> outcomes = schedule_gang_jobs({8}, jobs, easy);
  CHECK(starts_h(outcomes) == std::vector<Tick>{0, 10, 0, 15});
  REQUIRE(outcomes[1].first_reservation.has_value());
  CHECK(*outcomes[1].first_reservation == 10 * kHour);
}

TEST_CASE("scheduler: backfill may use GPUs the reservation leaves spare") {
  // 8 GPUs. A (6 GPUs, 10 h) runs; B (4 GPUs, 1 h) waits until 10 h, when 8 are free and 4 are
  // spare beyond B's need. C (2 GPUs, 100 h) outlives the reservation but takes only spare
  // GPUs: EASY starts it at 0, and B still starts at 10 h.
  const std::vector<GangJob> jobs = {job(0, 6, 10), job(0, 4, 1), job(0, 2, 100)};
  GangSchedulerOptions easy;
  easy.policy = SchedulerPolicy::easy_backfill;
  CHECK(starts_h(schedule_gang_jobs({8}, jobs, easy)) == std::vector<Tick>{0, 10, 0});
}

TEST_CASE("scheduler: priority jumps the queue, pins and several clusters") {
  // Two clusters of 8 and 16. The 16-GPU job can only run on the second; the pinned job waits
  // for the first even though the second has room.
  std::vector<GangJob> jobs = {job(0, 16, 5), job(0, 8, 2), job(1, 8, 1)};
  jobs[2].cluster = 1;
  const auto outcomes = schedule_gang_jobs({8, 16}, jobs, GangSchedulerOptions{});
  CHECK(outcomes[0].cluster == 1);
  CHECK(outcomes[1].cluster == 0);
  CHECK(starts_h(outcomes) == std::vector<Tick>{0, 0, 5});
  // Priority: of two waiting jobs the higher priority runs first whatever the submit order.
  const std::vector<GangJob> queued = {job(0, 8, 4), job(1, 8, 1, 0), job(2, 8, 1, 5)};
  GangSchedulerOptions priority;
  priority.policy = SchedulerPolicy::priority;
  CHECK(starts_h(schedule_gang_jobs({8}, queued, priority)) == std::vector<Tick>{0, 5, 4});
  CHECK(starts_h(schedule_gang_jobs({8}, queued, GangSchedulerOptions{})) ==
        std::vector<Tick>{0, 4, 5});
}

TEST_CASE("scheduler: jobs that can never run are rejected") {
  CHECK_THROWS_WITH_AS(schedule_gang_jobs({8, 4}, {job(0, 9, 1)}, GangSchedulerOptions{}),
                       "job 0: wants 9 GPUs, more than any cluster has", std::invalid_argument);
  std::vector<GangJob> pinned = {job(0, 6, 1)};
  pinned[0].cluster = 1;
  CHECK_THROWS_WITH_AS(schedule_gang_jobs({8, 4}, pinned, GangSchedulerOptions{}),
                       "job 0: wants 6 GPUs, its cluster has 4", std::invalid_argument);
}

/// A workload shaped like public GPU cluster traces: most jobs small and short, a heavy tail
/// of large, long ones (lognormal sizes and durations), Poisson arrivals.
std::vector<GangJob> random_workload(std::uint64_t seed, std::size_t count, std::int64_t largest,
                                     double mean_interarrival_s = 1800.0) {
  RandomStream random(seed, 0, "workload");
  std::vector<GangJob> jobs;
  Tick now = 0;
  for (std::size_t i = 0; i < count; ++i) {
    now += static_cast<Tick>(random.exponential(1.0 / mean_interarrival_s) * 1e6);
    GangJob j;
    j.submit = now;
    j.gpus =
        std::clamp<std::int64_t>(static_cast<std::int64_t>(random.lognormal(2.0, 1.5)), 1, largest);
    j.duration = static_cast<Tick>(random.lognormal(std::log(3600.0 * 4), 1.2) * 1e6);
    jobs.push_back(j);
  }
  return jobs;
}

TEST_CASE("scheduler: EASY never delays the head job's reservation, on random job sets") {
  // At every backfill depth, Slurm's default among them: a shallower pass examines fewer jobs,
  // and must still never delay the head nor overfill a cluster.
  for (const std::size_t depth :
       {std::size_t{1}, std::size_t{4}, kDefaultBackfillDepth, kUnlimitedBackfillDepth}) {
    INFO("depth " << depth);
    GangSchedulerOptions easy;
    easy.policy = SchedulerPolicy::easy_backfill;
    easy.backfill_depth = depth;
    std::size_t reservations = 0;
    for (std::uint64_t seed = 1; seed <= 100; ++seed) {
      INFO("seed " << seed);
      const std::vector<std::int64_t> clusters =
          seed % 2 == 0 ? std::vector<std::int64_t>{64} : std::vector<std::int64_t>{32, 64};
      const std::vector<GangJob> jobs = random_workload(seed, 300, 64);
      const std::vector<GangJobOutcome> outcomes = schedule_gang_jobs(clusters, jobs, easy);
      std::map<std::size_t, std::vector<std::pair<Tick, std::int64_t>>> usage;
      for (std::size_t i = 0; i < jobs.size(); ++i) {
        REQUIRE(outcomes[i].start.has_value());
        CHECK(*outcomes[i].start >= jobs[i].submit);
        if (outcomes[i].first_reservation) {
          ++reservations;
          CHECK(*outcomes[i].start <= *outcomes[i].first_reservation);
        }
        usage[outcomes[i].cluster].emplace_back(*outcomes[i].start, jobs[i].gpus);
        usage[outcomes[i].cluster].emplace_back(*outcomes[i].end, -jobs[i].gpus);
      }
      // Capacity is never exceeded: sweep each cluster's starts and ends (ends first at a tie).
      for (auto& [cluster, changes] : usage) {
        std::sort(changes.begin(), changes.end());
        std::int64_t in_use = 0;
        for (const auto& change : changes) {
          in_use += change.second;
          CHECK(in_use <= clusters[cluster]);
        }
      }
    }
    CHECK(reservations > 500);  // the property was exercised, not vacuous
  }
}

TEST_CASE("scheduler: the backfill depth bounds the jobs a pass examines behind the head") {
  // One 64-GPU cluster, all submitted at 0 in this order: R (48 GPUs, 10 h) starts; H (64, 1 h)
  // is the head, reserved at 10 h, with 16 GPUs free until then; W (32, 1 h) cannot use them;
  // F (16, 2 h) can (it ends at 2 h, before the reservation). At depth 1 a pass examines only
  // W, so F waits behind H: it starts at 10 h beside nothing (H takes all 64) and so at 11 h,
  // with W. At depth 2 the pass reaches F and starts it at 0.
  const std::vector<GangJob> jobs = {job(0, 48, 10), job(0, 64, 1), job(0, 32, 1), job(0, 16, 2)};
  GangSchedulerOptions easy;
  easy.policy = SchedulerPolicy::easy_backfill;
  easy.backfill_depth = 1;
  CHECK(starts_h(schedule_gang_jobs({64}, jobs, easy)) == std::vector<Tick>{0, 10, 11, 11});
  easy.backfill_depth = 2;
  CHECK(starts_h(schedule_gang_jobs({64}, jobs, easy)) == std::vector<Tick>{0, 10, 11, 0});
}

TEST_CASE("scheduler: a job no cluster can hold now waits aside and returns when capacity grows") {
  // Cluster 0 has 8 GPUs; cluster 1 none yet. A (16 GPUs, pinned to cluster 1) cannot run until
  // cluster 1 grows to 16 at 5 h; it must not hold up B (8 GPUs) under FIFO, and it counts as
  // queued (its 16 GPUs too) while aside.
  Engine engine;
  std::vector<GangJob> jobs = {job(0, 16, 1), job(0, 8, 2)};
  jobs[0].cluster = 1;
  GangScheduler scheduler(engine, {8, 0}, jobs, GangSchedulerOptions{});
  engine.run_until(kHour);
  CHECK(scheduler.queue_length() == 1);
  CHECK(scheduler.queued_gpus() == 16);
  REQUIRE(scheduler.outcomes()[1].start.has_value());
  CHECK(*scheduler.outcomes()[1].start == 0);
  CHECK_FALSE(scheduler.outcomes()[0].start.has_value());
  engine.run_until(5 * kHour);
  scheduler.set_capacity(1, 16);
  engine.run();
  REQUIRE(scheduler.outcomes()[0].start.has_value());
  CHECK(*scheduler.outcomes()[0].start == 5 * kHour);
  CHECK(scheduler.queue_length() == 0);
  CHECK(scheduler.queued_gpus() == 0);
}

TEST_CASE("scheduler: EASY backfill lowers the mean wait of a stochastic workload") {
  // One job every 2 h, E[GPUs] ≈ e^(2 + 1.5²/2) ≈ 23 and E[hours] ≈ 4·e^(1.2²/2) ≈ 8.2: a
  // load of about 94 GPUs on 128 (73%), busy but stable.
  const std::vector<GangJob> jobs = random_workload(7, 5000, 128, 7200.0);
  const auto mean_wait_h = [&](SchedulerPolicy policy) {
    GangSchedulerOptions options;
    options.policy = policy;
    const auto outcomes = schedule_gang_jobs({128}, jobs, options);
    double sum = 0.0;
    for (std::size_t i = 0; i < jobs.size(); ++i) {
      sum += seconds_from_ticks(*outcomes[i].start - jobs[i].submit) / 3600.0;
    }
    return sum / static_cast<double>(jobs.size());
  };
  const double fifo = mean_wait_h(SchedulerPolicy::fifo);
  const double easy = mean_wait_h(SchedulerPolicy::easy_backfill);
  INFO("mean wait FIFO " << fifo << " h, EASY " << easy << " h");
  CHECK(fifo > 1.0);         // the pool is busy enough for scheduling to matter
  CHECK(easy < 0.5 * fifo);  // and backfill at least halves the wait (head-of-line blocking)
}

}  // namespace
}  // namespace capsim

namespace capsim {
namespace {

TEST_CASE("scheduler: quotas cap a tenant, fair share serves the tenant furthest below its share") {
  // 16 GPUs, tenants A (share 25%: 4 GPUs) and B (75%). A submits four 4-GPU jobs first, B
  // one 8-GPU job an hour later; every job runs 10 h.
  std::vector<GangJob> jobs = {job(0, 4, 10), job(0, 4, 10), job(0, 4, 10), job(0, 4, 10),
                               job(1, 8, 10)};
  jobs[4].tenant = 1;
  GangSchedulerOptions quota;
  quota.sharing = SharingPolicy::quota;
  quota.tenant_shares = {0.25, 0.75};
  // Quota: A holds at most 4 GPUs, one job at a time (0, 10, 20, 30 h); B starts on arrival.
  CHECK(starts_h(schedule_gang_jobs({16}, jobs, quota)) == std::vector<Tick>{0, 10, 20, 30, 1});
  // No sharing rule: FIFO fills the 16 GPUs with A's four jobs and B waits for 10 h.
  CHECK(starts_h(schedule_gang_jobs({16}, jobs, GangSchedulerOptions{})) ==
        std::vector<Tick>{0, 0, 0, 0, 10});
  // Fair share: A's four jobs start at 0 h (nobody else waits). A fifth A job (12 GPUs, 2 h)
  // and a B job (8 GPUs, 3 h) queue; at 10 h the pool frees. In submission order the 12-GPU A
  // job goes first and B waits until 20 h; by fair share A has used 160 GPU-hours for a 25%
  // share and B none, so B starts at 10 h and A's job, which no longer fits, at 20 h.
  std::vector<GangJob> queued = {job(0, 4, 10), job(0, 4, 10),  job(0, 4, 10),
                                 job(0, 4, 10), job(2, 12, 10), job(3, 8, 10)};
  queued[5].tenant = 1;
  CHECK(starts_h(schedule_gang_jobs({16}, queued, GangSchedulerOptions{})) ==
        std::vector<Tick>{0, 0, 0, 0, 10, 20});
  GangSchedulerOptions fair;
  fair.sharing = SharingPolicy::fair_share;
  fair.tenant_shares = {0.25, 0.75};
  CHECK(starts_h(schedule_gang_jobs({16}, queued, fair)) == std::vector<Tick>{0, 0, 0, 0, 20, 10});
}

}  // namespace
}  // namespace capsim

namespace capsim {
namespace {

TEST_CASE("scheduler: an elastic job starts shrunk rather than wait") {
  // 8 GPUs; A holds 6 for 10 h. B wants 4 GPUs for 3 h but can run on as few as 2: it starts
  // at once on the 2 free GPUs and, doing the same work on half the GPUs, runs 6 h. C (rigid,
  // 4 GPUs) waits for A.
  std::vector<GangJob> jobs = {job(0, 6, 10), job(0, 4, 3), job(0, 4, 1)};
  jobs[1].min_gpus = 2;
  const auto outcomes = schedule_gang_jobs({8}, jobs, GangSchedulerOptions{});
  CHECK(starts_h(outcomes) == std::vector<Tick>{0, 0, 10});
  CHECK(outcomes[1].gpus == 2);
  CHECK(*outcomes[1].end == 6 * kHour);
  CHECK(outcomes[2].gpus == 4);
  // Below its minimum it waits like any job.
  jobs[1].min_gpus = 3;
  CHECK(starts_h(schedule_gang_jobs({8}, jobs, GangSchedulerOptions{})) ==
        std::vector<Tick>{0, 10, 10});
}

}  // namespace
}  // namespace capsim

namespace capsim {
namespace {

TEST_CASE("scheduler: a job no cluster can hold spans the clusters of its group") {
  // Two 8-GPU clusters of one group. A (12 GPUs) spans them: 8 on the first, 4 on the second;
  // B (4 GPUs) takes the second's other 4; C (8 GPUs) waits for A.
  const std::vector<GangJob> jobs = {job(0, 12, 5), job(0, 4, 1), job(0, 8, 1)};
  GangSchedulerOptions options;
  options.cross_cluster = true;
  const auto outcomes = schedule_gang_jobs({8, 8}, jobs, options, {0, 0});
  CHECK(starts_h(outcomes) == std::vector<Tick>{0, 0, 5});
  const std::vector<std::pair<std::size_t, std::int64_t>> pieces = {{0, 8}, {1, 4}};
  CHECK(outcomes[0].pieces == pieces);
  // Without cross-cluster jobs, or across groups, it can never run.
  CHECK_THROWS_AS(schedule_gang_jobs({8, 8}, jobs, GangSchedulerOptions{}, {0, 0}),
                  std::invalid_argument);
  CHECK_THROWS_AS(schedule_gang_jobs({8, 8}, jobs, options, {0, 1}), std::invalid_argument);

  // EASY with a spanning head: X holds the first cluster for 10 h, so Y (12 GPUs) is reserved
  // for 10 h across the group, with 4 GPUs to spare then. Z (4 GPUs, 20 h) fits in those
  // spare GPUs and is backfilled at once; W (8 GPUs) would delay Y, waits, and takes the first
  // cluster when Y ends at 11 h.
  std::vector<GangJob> easy_jobs = {job(0, 8, 10), job(0, 12, 1), job(0, 4, 20), job(0, 8, 20)};
  easy_jobs[0].cluster = 0;
  options.policy = SchedulerPolicy::easy_backfill;
  const auto easy = schedule_gang_jobs({8, 8}, easy_jobs, options, {0, 0});
  CHECK(starts_h(easy) == std::vector<Tick>{0, 10, 0, 11});
  CHECK(*easy[1].first_reservation == 10 * kHour);
}

/// Serving on a scheduler's cluster 0: at `reclaim_h` it preempts what it needs and keeps
/// `serving` GPUs; at `return_h` it hands them back.
class ServingReclaim final : public EventHandler {
 public:
  ServingReclaim(Engine& engine, GangScheduler& scheduler, std::int64_t capacity,
                 std::int64_t serving)
      : scheduler_(scheduler), capacity_(capacity), serving_(serving) {
    self_ = engine.add_handler(*this);
  }
  void at(Engine& engine, Tick reclaim_h, Tick return_h) {
    engine.schedule_at(reclaim_h * kHour, Phase{0}, self_, 0);
    engine.schedule_at(return_h * kHour, Phase{0}, self_, 1);
  }
  void on_event(Engine&, const Event& event) override {
    if (event.kind == 0) {
      freed = scheduler_.preempt(0, serving_);
      scheduler_.set_capacity(0, capacity_ - serving_);
    } else {
      scheduler_.set_capacity(0, capacity_);
    }
  }
  std::int64_t freed = 0;

 private:
  GangScheduler& scheduler_;
  std::int64_t capacity_;
  std::int64_t serving_;
  HandlerId self_{};
};

/// What serving freed by preemption, and what became of the jobs.
struct ReclaimRun {
  std::int64_t freed = 0;
  std::vector<GangJobOutcome> outcomes;
};

/// Runs `jobs` to the end on one cluster of 100 GPUs while serving holds `serving` of them
/// from `reclaim_h` to `return_h`.
ReclaimRun run_with_serving(const std::vector<GangJob>& jobs, std::int64_t serving, Tick reclaim_h,
                            Tick return_h) {
  Engine engine;
  GangScheduler scheduler(engine, {100}, jobs, GangSchedulerOptions{});
  ServingReclaim reclaim(engine, scheduler, 100, serving);
  reclaim.at(engine, reclaim_h, return_h);
  engine.run();
  return {reclaim.freed, scheduler.outcomes()};
}

TEST_CASE("scheduler: preemption stops the lowest priority, latest started jobs first") {
  // 100 GPUs: A (40 GPUs, priority 0) and C (20 GPUs, priority 5) start at 0 h, B (40 GPUs,
  // priority 0) at 1 h: the cluster is full. At 2 h serving needs 50: B goes first (priority
  // 0, started last), freeing 40, then A: 80 freed. C keeps running. Serving holds 50 until
  // 5 h, so A and B (40 each) cannot restart beside C on the 30 left; at 5 h both restart.
  // Without a model to ask, a preempted job starts its 10 h over.
  const std::vector<GangJob> jobs = {job(0, 40, 10), job(1, 40, 10), job(0, 20, 10, 5)};
  const ReclaimRun run = run_with_serving(jobs, 50, 2, 5);
  const auto& outcomes = run.outcomes;
  CHECK(run.freed == 80);
  CHECK(*outcomes[0].first_start == 0);
  CHECK(*outcomes[1].first_start == 1 * kHour);
  CHECK(starts_h(outcomes) == std::vector<Tick>{5, 5, 0});
  CHECK(*outcomes[0].end == 15 * kHour);
  CHECK(*outcomes[2].end == 10 * kHour);
  CHECK(outcomes[0].preemptions == 1);
  CHECK(outcomes[1].preemptions == 1);
  CHECK(outcomes[2].preemptions == 0);
}

TEST_CASE("scheduler: jobs that may not be preempted keep their GPUs, and the shortfall shows") {
  // A (40 GPUs) may be stopped, N (60 GPUs) may not: asked for 100, preemption frees 40.
  std::vector<GangJob> jobs = {job(0, 40, 10), job(0, 60, 10)};
  jobs[1].preemptible = false;
  const ReclaimRun run = run_with_serving(jobs, 100, 2, 3);
  CHECK(run.freed == 40);
  CHECK(run.outcomes[1].preemptions == 0);
  CHECK(*run.outcomes[1].end == 10 * kHour);
  CHECK(*run.outcomes[0].start == 3 * kHour);
}

TEST_CASE("scheduler: preempting a job that spans clusters frees every piece, under EASY") {
  // Two 8-GPU clusters of one group; A (12 GPUs, 10 h) spans them, 8 + 4; B (4 GPUs, 10 h)
  // fills the second. Serving on the second cluster asks for 4 GPUs at 2 h: B started no later
  // than A and has the same priority, index order breaks the tie, so B (the higher index) goes
  // first and frees enough. Asked for 8, both go, and A's 8 GPUs on the first cluster are free
  // too. With the second cluster's capacity down to 0, B restarts on the first cluster and A
  // waits; when serving gives the second cluster back at 5 h, A spans the 4 GPUs B leaves on
  // the first and the second's 8.
  std::vector<GangJob> jobs = {job(0, 12, 10), job(0, 4, 10)};
  GangSchedulerOptions options;
  options.cross_cluster = true;
  options.policy = SchedulerPolicy::easy_backfill;
  Engine engine;
  GangScheduler scheduler(engine, {8, 8}, jobs, options, nullptr, {0, 0});
  engine.run_until(2 * kHour);
  CHECK(scheduler.preempt(1, 4) == 4);
  CHECK(scheduler.outcomes()[1].preemptions == 1);
  CHECK(scheduler.outcomes()[0].preemptions == 0);
  CHECK(scheduler.preempt(1, 8) == 4);
  CHECK(scheduler.busy_gpus(0) == 0);
  CHECK(scheduler.busy_gpus(1) == 0);
  scheduler.set_capacity(1, 0);
  engine.run_until(5 * kHour);
  CHECK(*scheduler.outcomes()[1].start == 2 * kHour);
  CHECK_FALSE(scheduler.outcomes()[0].start.has_value());
  scheduler.set_capacity(1, 8);
  engine.run();
  CHECK(*scheduler.outcomes()[0].start == 5 * kHour);
  const std::vector<std::pair<std::size_t, std::int64_t>> pieces = {{0, 4}, {1, 8}};
  CHECK(scheduler.outcomes()[0].pieces == pieces);
  CHECK(*scheduler.outcomes()[0].first_start == 0);
}

TEST_CASE("scheduler: a job ending at the moment serving asks is left to end, not preempted") {
  // A (40 GPUs, 2 h) ends at 2 h; serving asks for 100 at 2 h, before the scheduler's end
  // events at that tick. Stopping A would throw away a finished run: it is passed over.
  const std::vector<GangJob> jobs = {job(0, 40, 2), job(0, 60, 10)};
  const ReclaimRun run = run_with_serving(jobs, 100, 2, 20);
  CHECK(run.freed == 60);
  CHECK(run.outcomes[0].preemptions == 0);
  CHECK(*run.outcomes[0].end == 2 * kHour);
  CHECK(run.outcomes[1].preemptions == 1);
}

}  // namespace
}  // namespace capsim

namespace capsim {
namespace {

TEST_CASE("scheduler: fair share keeps its order as tenants trade places and jobs arrive") {
  // One 4-GPU cluster, two tenants of equal share, every job 4 GPUs (one at a time).
  // At 0 h: j0 and j2 (tenant 0) and j1 (tenant 1); both have used nothing, a tie, so the
  // usual order puts j0 first. At 0.5 h j3 (tenant 1) arrives while j0 runs: tenant 0 has
  // used 2 GPU-hours, tenant 1 none, so tenant 1's j1 and j3 go ahead of j2. At 1 h j1 starts
  // (runs 0.5 h). At 1.5 h tenant 0 has used 4 GPU-hours, tenant 1 only 2: j3 before j2,
  // although j2 was submitted first; j2 starts at 2.5 h. FIFO would run j2 at 1.5 h.
  std::vector<GangJob> jobs = {job(0, 4, 1), job(0, 4, 1), job(0, 4, 1), job(0, 4, 1)};
  jobs[1].tenant = 1;
  jobs[1].duration = kHour / 2;
  jobs[3].tenant = 1;
  jobs[3].submit = kHour / 2;
  GangSchedulerOptions fair;
  fair.sharing = SharingPolicy::fair_share;
  fair.tenant_shares = {0.5, 0.5};
  const auto starts_min = [](const std::vector<GangJobOutcome>& outcomes) {
    std::vector<Tick> starts;
    for (const GangJobOutcome& outcome : outcomes)
      starts.push_back(*outcome.start / (kHour / 60));
    return starts;
  };
  CHECK(starts_min(schedule_gang_jobs({4}, jobs, fair)) == std::vector<Tick>{0, 60, 150, 90});
  CHECK(starts_min(schedule_gang_jobs({4}, jobs, GangSchedulerOptions{})) ==
        std::vector<Tick>{0, 60, 90, 150});
}

}  // namespace
}  // namespace capsim
