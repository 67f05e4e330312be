// Failures by cause on the fleet, and a job's run between interruptions (issue 14, points 5-7).

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "capsim/model/capacity_model.hpp"
#include "capsim/model/training/training_run.hpp"
#include "model/fixtures.hpp"
#include "model/job_order.hpp"

namespace capsim {
namespace {

TEST_CASE("failures: a run between interruptions, its checkpoints and what they saved") {
  // 10 h of work, a checkpoint every hour stalling 60 s, after a 10-minute restart: 9
  // checkpoints (none after the last hour), 600 + 36,000 + 9 · 60 = 37,140 s uninterrupted.
  RunPlan plan;
  plan.remaining_s = 36'000.0;
  plan.interval_s = 3'600.0;
  plan.stall_s = 60.0;
  plan.restart_s = 600.0;
  CHECK(plan.checkpoints() == 9);
  CHECK(plan.elapsed_s() == 37'140.0);
  // Stopped 4,290 s after its start: 3,690 s since the restart, one cycle of 3,660 s done and
  // 30 s into the second hour: 3,630 s of work done, the first hour saved, and the restart
  // and that cycle (600 + 3,660 s) accounted for by it.
  RunProgress progress = plan.at(4'290.0);
  CHECK(progress.done_s == 3'630.0);
  CHECK(progress.checkpoints == 1);
  CHECK(progress.saved_s == 3'600.0);
  CHECK(progress.saved_elapsed_s == 4'260.0);
  // Asynchronous, written 67 s after its stall: at 3,690 s the first is still being written
  // (durable at 3,660 + 67 = 3,727 s), so nothing is saved yet.
  plan.durable_after_s = 67.0;
  progress = plan.at(4'290.0);
  CHECK(progress.checkpoints == 0);
  CHECK(progress.saved_s == 0.0);
  CHECK(plan.at(600.0 + 3'727.0).saved_s == 3'600.0);
  // Inside the restart nothing is done.
  CHECK(plan.at(599.0).done_s == 0.0);
  // No interval: no checkpoint, the work and the restart alone.
  plan.interval_s = HUGE_VAL;
  CHECK(plan.checkpoints() == 0);
  CHECK(plan.elapsed_s() == 36'600.0);
  // Stopped then (preempted, or its GPUs retired), it has saved nothing, not NaN (0 · inf).
  CHECK(plan.at(10'000.0).saved_s == 0.0);
  CHECK(plan.at(10'000.0).done_s == 9'400.0);
}

TEST_CASE("failures: auto checkpoint interval is Young's for the job's GPUs") {
  TrainingJobSpec job;
  job.gpus = 16'384;
  // Llama 3's 419 interruptions in 54 days on 16,384 GPUs: per GPU-second 419 / (16,384 ·
  // 4,665,600) = 5.4813e-9; the job's MTBF 1 / (16,384 · 5.4813e-9) = 11,135 s; with the
  // default 10 s snapshot stall, sqrt(2 · 10 · 11,135) = 471.9 s.
  const double rate = interrupting_rate_per_gpu_s(default_failure_causes());
  CHECK(rate == doctest::Approx(419.0 / (16'384.0 * 54.0 * 86'400.0)).epsilon(1e-12));
  CHECK(checkpoint_interval_s(job, 16'384, rate) == doctest::Approx(471.9).epsilon(1e-4));
  // Synchronous: the stall is the 67 s write, sqrt(2 · 67 · 11,135) = 1,221.5 s.
  job.checkpoint_async = false;
  CHECK(checkpoint_interval_s(job, 16'384, rate) == doctest::Approx(1'221.5).epsilon(1e-4));
  // Nothing interrupts: no checkpoints. A given interval is kept.
  CHECK(std::isinf(checkpoint_interval_s(job, 16'384, 0.0)));
  job.checkpoint_interval_s = 1'800.0;
  CHECK(checkpoint_interval_s(job, 16'384, rate) == 1'800.0);
}

/// 4,096 GPUs held all the time by one job of about 30 years' work, for `years`, failing by
/// the default causes, each repaired at once: every failure lands on the job and stops it.
Scenario always_busy(int years) {
  Scenario scenario;
  scenario.scenario.name = "always-busy";
  scenario.scenario.start = Date{2025, 1, 1};
  scenario.scenario.end = Date{2025 + years, 1, 1};
  scenario.scenario.reporting_period = PeriodUnit::year;
  scenario.catalog.accelerators.push_back(
      test::test_part("H", 40e3, 1000.0, 200.0, Date{2022, 1, 1}, 989e12));
  scenario.sites.push_back(test::test_site("s", 1e8));
  scenario.clusters.push_back(test::test_cluster("c", "s", "H", 4'096, Date{2024, 1, 1}));
  scenario.clusters[0].service_life_s = 100.0 * kSecondsPerYear;
  scenario.failures.causes = default_failure_causes();
  for (FailureCauseSpec& cause : scenario.failures.causes)
    cause.repair_time_s = 0.0;
  TrainingJobSpec job;
  job.name = "forever";
  job.submit = scenario.scenario.start;
  job.gpus = 4'096;
  job.base_mfu = 0.4;
  job.flops = 4'096.0 * 989e12 * 0.4 * 30.0 * kSecondsPerYear;
  scenario.training.jobs = {job};
  return scenario;
}

TEST_CASE("failures: interruptions by cause match each cause's rate on a long run") {
  // Over 5 years on 4,096 GPUs, cause c's interruptions are Poisson of mean λ_c · 4,096 · T:
  // λ_gpu = 196 / (54 d · 16,384) gives 196 · 4,096 · 1,826 d / (54 · 16,384) = 1,656.9; all
  // 419 give 3,542. Each count must lie in its 99.9% two-sided interval, mean ± 3.29 · sqrt
  // (mean) (the normal approximation; the smallest mean, unknown's 59.2, has ±25.3).
  const Scenario scenario = always_busy(5);
  const CapacityRun run = test::run_in_job_order(scenario);
  REQUIRE(run.jobs.size() == 1);
  const TrainingJobRecord& job = run.jobs[0];
  CHECK(job.status == "running");
  const double exposure_gpu_s = 4'096.0 * seconds_from_ticks(scenario.scenario.end_tick());
  REQUIRE(job.interruptions_by_cause.size() == 6);
  std::int64_t total = 0;
  for (std::size_t k = 0; k < 6; ++k) {
    const FailureCauseSpec& cause = scenario.failures.causes[k];
    const double mean = cause.rate.per_gpu_s() * exposure_gpu_s;
    const auto count = static_cast<double>(job.interruptions_by_cause[k]);
    INFO(cause.name << ": " << count << " interruptions, expected " << mean);
    CHECK(std::abs(count - mean) <= 3.29 * std::sqrt(mean));
    total += job.interruptions_by_cause[k];
  }
  CHECK(job.interruptions == total);
  CHECK(run.summary.gpu_failures == total);  // every failure landed on the job
  REQUIRE(run.training.interruptions_by_cause.size() == 6);
  CHECK(run.training.interruptions_by_cause[0] == job.interruptions_by_cause[0]);
  CHECK(run.training.failure_causes[1] == "hbm");
}

TEST_CASE("failures: a cause that does not interrupt takes only idle GPUs") {
  // The same always-busy job with every cause marked not interrupting: the job rides through
  // every failure and no GPU is taken from under it.
  Scenario scenario = always_busy(1);
  for (FailureCauseSpec& cause : scenario.failures.causes) {
    cause.interrupts = false;
    cause.repair_time_s = 86'400.0;
  }
  const CapacityRun run = test::run_in_job_order(scenario);
  CHECK(run.jobs[0].interruptions == 0);
  CHECK(run.summary.gpu_failures > 500);  // about 708 (0.173 · 4,096 · 1 year), all ridden
  const Recorder& t = run.timeseries;
  CHECK(t.value(0, t.column("gpus_failed")) == 0.0);
}

}  // namespace
}  // namespace capsim
