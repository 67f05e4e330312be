#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "capsim/model/capacity_model.hpp"
#include "capsim/model/job_generator.hpp"
#include "fixtures.hpp"

namespace capsim {
namespace {

/// 64 GPUs of an H100-like part (989 TFLOP/s bf16; 200 W idle, 1,000 W busy per GPU), at one
/// site that exists at the start, no failures: every figure below is worked by hand.
Scenario training_day() {
  Scenario scenario;
  scenario.scenario.name = "training";
  scenario.scenario.start = Date{2025, 1, 1};
  scenario.scenario.end = Date{2025, 1, 2};
  scenario.scenario.reporting_period = PeriodUnit::day;
  scenario.failures.annual_failure_rate = 0.0;
  scenario.catalog.accelerators.push_back(
      test::test_part("H", 40e3, 1000.0, 200.0, Date{2022, 1, 1}, 989e12));
  SiteSpec site;
  site.name = "s";
  site.it_power_cap_w = 1e6;
  site.pue = 1.0;
  scenario.sites.push_back(site);
  ClusterSpec cluster;
  cluster.name = "c";
  cluster.site = "s";
  cluster.accelerator = "H";
  cluster.gpus = 64;
  cluster.online = Date{2024, 1, 1};
  scenario.clusters.push_back(cluster);
  return scenario;
}

/// A job that runs exactly `hours` on `gpus` of the part at 50% MFU, with no checkpoints.
TrainingJobSpec job(const std::string& name, std::int64_t gpus, double hours) {
  TrainingJobSpec spec;
  spec.name = name;
  spec.submit = Date{2025, 1, 1};
  spec.gpus = gpus;
  spec.base_mfu = 0.5;
  spec.flops = static_cast<double>(gpus) * 989e12 * 0.5 * hours * 3600.0;
  spec.checkpoint_interval_s = 1e9;
  spec.checkpoint_cost_s = 0.0;
  spec.restart_overhead_s = 0.0;
  return spec;
}

TEST_CASE("training: jobs run on the fleet, and their busy GPUs set the power drawn") {
  Scenario scenario = training_day();
  scenario.training.jobs = {job("a", 64, 10), job("b", 32, 5), job("c", 16, 2)};
  scenario.training.jobs[2].after = {"a"};
  const CapacityRun run = run_capacity(scenario);
  REQUIRE(run.jobs.size() == 3);
  // FIFO: a holds all 64 GPUs for 10 h; then b (32 GPUs) and c (released when a ends) share
  // the cluster: b 10-15 h, c 10-12 h.
  CHECK(run.jobs[0].start == 0);
  CHECK(run.jobs[0].end == 10 * kTicksPerHour);
  CHECK(run.jobs[1].start == 10 * kTicksPerHour);
  CHECK(run.jobs[1].end == 15 * kTicksPerHour);
  CHECK(run.jobs[2].start == 10 * kTicksPerHour);
  CHECK(run.jobs[2].end == 12 * kTicksPerHour);
  CHECK(run.jobs[1].status == "completed");
  CHECK(run.jobs[0].goodput == doctest::Approx(1.0));
  // Busy GPU-hours: 64 × 10 + 32 × 5 + 16 × 2 = 832 of 64 × 24 = 1,536 available.
  CHECK(run.training.gpu_hours_busy == doctest::Approx(832.0));
  CHECK(run.training.utilisation == doctest::Approx(832.0 / 1536.0));
  CHECK(run.training.wait_p50_h == doctest::Approx(10.0));
  // IT energy: idle 200 W per GPU plus 800 W per busy GPU:
  //   64 × 200 W × 24 h = 307.2 kWh, plus 800 W × 832 busy GPU-hours = 665.6 kWh: 972.8 kWh.
  CHECK(run.summary.energy_it_j / 3.6e6 == doctest::Approx(972.8));
  const std::size_t busy = run.timeseries.column("gpu_hours_training");
  CHECK(run.timeseries.value(0, busy) == doctest::Approx(832.0));
  CHECK(run.timeseries.value(0, run.timeseries.column("gpu_hours_training_default")) ==
        doctest::Approx(832.0));
}

TEST_CASE("training: a job too large for every cluster waits and is reported unmet") {
  Scenario scenario = training_day();
  scenario.training.jobs = {job("huge", 128, 1), job("small", 8, 1)};
  scenario.training.policy = SchedulerPolicy::easy_backfill;
  const CapacityRun run = run_capacity(scenario);
  CHECK(run.jobs[0].status == "queued");
  CHECK(run.jobs[1].status == "completed");  // backfilled past the head that cannot run
  // Unmet: 128 GPUs × 1 h of work.
  CHECK(run.training.unmet_gpu_hours == doctest::Approx(128.0));
  CHECK(run.training.queued_at_end == 1);
}

TEST_CASE("training: a job larger than any cluster spans two when the scenario allows it") {
  Scenario scenario = training_day();
  ClusterSpec second = scenario.clusters[0];
  second.name = "c2";
  scenario.clusters.push_back(second);  // two 64-GPU clusters of one part at one site
  scenario.training.jobs = {job("wide", 96, 4)};
  scenario.training.cross_cluster = true;
  const CapacityRun run = run_capacity(scenario);
  CHECK(run.jobs[0].status == "completed");
  CHECK(run.jobs[0].cluster == "c");
  CHECK(run.training.gpu_hours_busy == doctest::Approx(96.0 * 4));
  // Without it the job can never start.
  scenario.training.cross_cluster = false;
  CHECK(run_capacity(scenario).jobs[0].status == "queued");
}

TEST_CASE("training: the generator draws Poisson arrivals, lognormal sizes, tenants by share") {
  Scenario scenario = training_day();
  scenario.scenario.end = Date{2026, 1, 1};
  scenario.training.tenants = {TenantSpec{"a", 0.75, 0}, TenantSpec{"b", 0.25, 0}};
  JobGeneratorSpec& generator = scenario.training.generator;
  generator.arrivals_per_s = 400.0 / (kSecondsPerYear / 12.0);  // 400 a month
  generator.growth_per_year = 2.0;
  generator.gpus_median = 16;
  generator.gpus_max = 64;
  const std::vector<GeneratedJob> jobs = generate_training_jobs(scenario);
  // Expected: 400/month × 12 months × (2 − 1)/ln 2 = 6,925 jobs; Poisson sd ≈ 83.
  CHECK(std::abs(static_cast<double>(jobs.size()) - 6925.0) < 4 * 83.0);
  std::size_t for_a = 0, at_max = 0;
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    CHECK(jobs[i].spec.gpus >= 1);
    CHECK(jobs[i].spec.gpus <= 64);
    if (jobs[i].spec.gpus == 64)
      ++at_max;
    if (jobs[i].spec.tenant == "a")
      ++for_a;
    if (i > 0)
      CHECK(jobs[i].submit >= jobs[i - 1].submit);
  }
  CHECK(static_cast<double>(for_a) / static_cast<double>(jobs.size()) ==
        doctest::Approx(0.75).epsilon(0.03));
  // ln(64/16) / 1.2 = 1.155 σ above the median: about 12% of jobs are clamped at 64.
  CHECK(static_cast<double>(at_max) / static_cast<double>(jobs.size()) ==
        doctest::Approx(0.124).epsilon(0.15));
  // Deterministic for a seed, and another seed draws another workload.
  CHECK(generate_training_jobs(scenario).size() == jobs.size());
  scenario.scenario.seed = 2;
  CHECK(generate_training_jobs(scenario).size() != jobs.size());
}

}  // namespace
}  // namespace capsim
