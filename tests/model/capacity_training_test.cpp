#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "capsim/model/capacity_model.hpp"
#include "capsim/model/training/job_generator.hpp"
#include "model/fixtures.hpp"
#include "model/job_order.hpp"

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
  SiteSpec site = test::test_site("s", 1e6);
  site.pue = 1.0;
  scenario.sites.push_back(site);
  scenario.clusters.push_back(test::test_cluster("c", "s", "H", 64, Date{2024, 1, 1}));
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
  spec.checkpoint_write_s = 0.0;
  spec.checkpoint_snapshot_s = 0.0;
  spec.restart_overhead_s = 0.0;
  return spec;
}

TEST_CASE("training: a job's tenant, with no tenants listed, counts as default") {
  // Regression (fuzz finding, issue 13): the loader checks a job's tenant only against a list,
  // so with none listed any label passes; the model indexed its per-tenant totals past their
  // end (a heap overflow under ASan). The label stays in jobs.csv; its GPU-hours are default's.
  Scenario scenario = training_day();
  scenario.training.jobs = {job("a", 64, 10)};
  scenario.training.jobs[0].tenant = "research";
  const CapacityRun run = test::run_in_job_order(scenario);
  REQUIRE(run.jobs.size() == 1);
  CHECK(run.jobs[0].tenant == "research");
  CHECK(run.jobs[0].status == "completed");
  const Recorder& t = run.timeseries;
  double default_hours = 0.0;
  for (std::size_t row = 0; row < t.rows(); ++row)
    default_hours += t.value(row, t.column("gpu_hours_training_default"));
  CHECK(default_hours == doctest::Approx(64.0 * 10.0));  // 64 GPUs for 10 hours
}

TEST_CASE("training: jobs run on the fleet, and their busy GPUs set the power drawn") {
  Scenario scenario = training_day();
  scenario.training.jobs = {job("a", 64, 10), job("b", 32, 5), job("c", 16, 2)};
  scenario.training.jobs[2].after = {"a"};
  const CapacityRun run = test::run_in_job_order(scenario);
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
  const CapacityRun run = test::run_in_job_order(scenario);
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
  const CapacityRun run = test::run_in_job_order(scenario);
  CHECK(run.jobs[0].status == "completed");
  CHECK(run.jobs[0].cluster == "c");
  CHECK(run.training.gpu_hours_busy == doctest::Approx(96.0 * 4));
  // Without it the job can never start.
  scenario.training.cross_cluster = false;
  CHECK(test::run_in_job_order(scenario).jobs[0].status == "queued");
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

TEST_CASE("training: a generated job takes the priority of the tenant it is drawn for") {
  Scenario scenario = training_day();
  scenario.scenario.end = Date{2025, 4, 1};
  scenario.training.tenants = {TenantSpec{"a", 0.5, 7}, TenantSpec{"b", 0.5, -2}};
  scenario.training.generator.arrivals_per_s = 100.0 / (kSecondsPerYear / 12.0);
  const std::vector<GeneratedJob> jobs = generate_training_jobs(scenario);
  REQUIRE(jobs.size() > 100);
  std::size_t for_a = 0;
  for (const GeneratedJob& job : jobs) {
    CHECK(job.spec.priority == (job.spec.tenant == "a" ? 7 : -2));
    for_a += job.spec.tenant == "a" ? 1 : 0;
  }
  CHECK(for_a > 0);
  CHECK(for_a < jobs.size());
}

TEST_CASE("training: a job's interruptions are its pool's failures, the same for a seed") {
  // A job's interruptions are no longer drawn apart: they are the failures of the pool under
  // it, from the pool's own stream (keyed by its name), hitting the jobs running there in
  // proportion to their GPUs. The same seed gives the same interruptions job by job; another
  // seed other ones. (Before issue 14 each job drew its own, so adding a job elsewhere left
  // them unchanged; now jobs sharing a pool share its failures, which is the point.)
  Scenario scenario = training_day();
  scenario.scenario.end = Date{2025, 3, 1};
  scenario.failures.annual_failure_rate = 40.0;  // 64 GPUs: about 7 failures a day
  scenario.failures.repair_time_s = 3600.0;
  JobGeneratorSpec& generator = scenario.training.generator;
  generator.arrivals_per_s = 30.0 / (kSecondsPerYear / 12.0);  // 30 a month
  generator.gpus_median = 8;
  generator.gpus_max = 16;
  const CapacityRun first = test::run_in_job_order(scenario);
  const CapacityRun again = test::run_in_job_order(scenario);
  scenario.scenario.seed = 2;
  const CapacityRun other_seed = test::run_in_job_order(scenario);
  REQUIRE(first.jobs.size() > 30);
  REQUIRE(again.jobs.size() == first.jobs.size());
  std::int64_t interruptions = 0;
  for (std::size_t i = 0; i < first.jobs.size(); ++i) {
    INFO(first.jobs[i].name);
    CHECK(again.jobs[i].interruptions == first.jobs[i].interruptions);
    CHECK(again.jobs[i].goodput == first.jobs[i].goodput);
    interruptions += first.jobs[i].interruptions;
  }
  CHECK(interruptions > 20);  // the comparison sees real draws
  CHECK(first.training.interruptions == interruptions);
  CHECK(other_seed.training.interruptions != first.training.interruptions);
}

/// A small service on the 64-GPU cluster: measured 8-GPU nodes of 1M input and 210 output
/// tokens/s, 21 tokens/s per sequence, so a decode node holds 10 sequences at once.
ServiceSpec small_service() {
  ServiceSpec service;
  service.name = "svc";
  service.accelerator = "H";
  service.cluster = "c";
  service.demand.input_tokens_per_s = 1000.0;
  service.demand.output_tokens_per_s = 168.0;
  service.throughput.prefill_tokens_per_s_per_node = 1e6;
  service.throughput.decode_tokens_per_s_per_node = 210.0;
  service.throughput.gpus_per_node = 8;
  service.target_utilisation = 0.8;
  return service;
}

TEST_CASE("inference: hourly sizing by utilisation, and by Erlang C with a queueing SLO") {
  Scenario scenario = training_day();
  scenario.inference.services = {small_service()};
  // By utilisation: ⌈1,000 / (1M × 0.8)⌉ = 1 prefill node and ⌈168 / (210 × 0.8)⌉ = 1 decode
  // node: 16 GPUs all day.
  CapacityRun run = test::run_in_job_order(scenario);
  REQUIRE(run.inference.size() == 1);
  CHECK(run.inference[0].average_gpus == doctest::Approx(16.0));
  CHECK(run.inference[0].slo_attainment == 1.0);
  // With requests of 210 tokens and a p95 wait of 0 s (at most 5% may wait): 0.8 requests/s
  // each holding a slot 10 s, 8 erlangs. Erlang C: 10 slots let 40.9% wait, 13 let 7.6%, 14
  // let 3.9%: 14 slots, so 2 decode nodes: 24 GPUs.
  scenario.inference.services[0].slo_wait_p95_s = 0.0;
  scenario.inference.services[0].output_tokens_per_request = 210.0;
  run = test::run_in_job_order(scenario);
  CHECK(run.inference[0].average_gpus == doctest::Approx(24.0));
  // Serving and training share the cluster, serving first: it sizes itself before training
  // is scheduled, so a 40-GPU job runs beside its 24 GPUs, and a 64-GPU job waits all day.
  scenario.training.jobs = {job("fits", 40, 10), job("too-big", 64, 1)};
  run = test::run_in_job_order(scenario);
  CHECK(run.inference[0].slo_attainment == 1.0);
  CHECK(run.jobs[0].status == "completed");
  CHECK(run.jobs[1].status == "queued");
  // Busy GPU-hours: 24 serving all day and 40 for 10 h.
  CHECK(run.summary.gpu_seconds_busy / 3600.0 == doctest::Approx(24.0 * 24 + 40.0 * 10));
}

/// Two days in which the service's night (00-12 UTC) needs 24 GPUs and its day 48, beside a
/// 40-GPU job of 19.5 h checkpointing every 5 h of compute and restarting in 10 min.
Scenario reclaim_days() {
  Scenario scenario = training_day();
  scenario.scenario.end = Date{2025, 1, 3};
  ServiceSpec service = small_service();
  // Output 450 tokens/s on average, × 0.4 at night and × 1.6 by day: 180 tokens/s need
  // ⌈180 / 168⌉ = 2 decode nodes, 720 need ⌈720 / 168⌉ = 5; with the prefill node, 24 and 48
  // GPUs.
  service.demand.output_tokens_per_s = 450.0;
  service.demand.profile = DemandProfileKind::custom;
  service.demand.hourly_weights.assign(24, 0.4);
  std::fill(service.demand.hourly_weights.begin() + 12, service.demand.hourly_weights.end(), 1.6);
  scenario.inference.services = {service};
  TrainingJobSpec training = job("borrower", 40, 19.5);
  training.checkpoint_interval_s = 5 * 3600.0;
  training.restart_overhead_s = 600.0;
  scenario.training.jobs = {training};
  return scenario;
}

TEST_CASE("inference: serving reclaims the GPUs it lent to training by preemption") {
  // At 0 h serving takes 24 GPUs and the job the other 40. At 12 h serving needs 48 and stops
  // the job, which has done 12 h of compute and checkpointed 10: 80 GPU-hours lost, half its
  // work (10 of 19.5 h) kept. It waits while serving holds 48 (16 left), restarts at 24 h
  // when the night frees 40, and runs the 9.5 h left plus the 10 min restart: it ends at
  // 33 h 40 min, having held 40 GPUs for 12 h + 9 h 40 min.
  const CapacityRun run = test::run_in_job_order(reclaim_days());
  REQUIRE(run.jobs.size() == 1);
  const TrainingJobRecord& job_record = run.jobs[0];
  CHECK(run.inference[0].slo_attainment == 1.0);
  CHECK(job_record.status == "completed");
  CHECK(job_record.preemptions == 1);
  CHECK(job_record.preemption_lost_gpu_hours == doctest::Approx(80.0));
  CHECK(*job_record.start == 0);
  CHECK(*job_record.end == ticks_from_seconds((33 * 60 + 40) * 60.0));
  CHECK(job_record.gpu_hours == doctest::Approx(40.0 * (12.0 + 9.0 + 40.0 / 60.0)));
  // Goodput counts the lost runs: 19.5 h of work in 21 h 40 min held.
  CHECK(job_record.goodput == doctest::Approx(19.5 / (21.0 + 40.0 / 60.0)));
  REQUIRE(run.training.cluster_goodput.size() == 1);
  CHECK(run.training.cluster_goodput[0] == doctest::Approx(19.5 / (21.0 + 40.0 / 60.0)));
  CHECK(run.training.preemptions == 1);
  CHECK(run.training.preemption_lost_gpu_hours == doctest::Approx(80.0));
}

TEST_CASE("inference: serving that waits for training to end drops the demand meanwhile") {
  // reclaim: wait. The job holds its 40 GPUs to 19.5 h, so serving has 24 of the 48 it needs
  // in hours 12 to 19: 8 of the 48 hours miss, and the job is never stopped.
  Scenario scenario = reclaim_days();
  scenario.inference.services[0].reclaim = ReclaimPolicy::wait;
  const CapacityRun run = test::run_in_job_order(scenario);
  CHECK(run.inference[0].slo_attainment == doctest::Approx(40.0 / 48.0));
  CHECK(run.jobs[0].preemptions == 0);
  CHECK(*run.jobs[0].end == ticks_from_seconds(19.5 * 3600.0));
  // A job that may not be stopped holds its GPUs the same way under reclaim: preempt.
  scenario.inference.services[0].reclaim = ReclaimPolicy::preempt;
  scenario.training.jobs[0].preemptible = false;
  const CapacityRun kept = test::run_in_job_order(scenario);
  CHECK(kept.inference[0].slo_attainment == doctest::Approx(40.0 / 48.0));
  CHECK(kept.jobs[0].preemptions == 0);
}

TEST_CASE("inference: dropped tokens are counted in the month they are dropped, and only then") {
  // reclaim_days under reclaim: wait, a million times larger (token rates and node
  // throughputs alike, so the same GPUs), with weekday weights, over two years by month. On
  // 2025-01-01, a Wednesday (weight 1.1), serving has 24 of the 48 GPUs it needs in hours 12
  // to 19 (792M output tokens/s still need ⌈792 / 168⌉ = 5 decode nodes), so it serves half
  // for 8 hours and drops 0.5 × 792M × 8 × 3,600 = 11,404.8 billion tokens; in the 23 months
  // after it drops none. A period's dropped tokens are their own total: demanded less served
  // since the start, rounded at 10^14 tokens, left those months with half a token either side.
  Scenario scenario = reclaim_days();
  ServiceSpec& service = scenario.inference.services[0];
  service.reclaim = ReclaimPolicy::wait;
  service.demand.input_tokens_per_s = 1000e6;
  service.demand.output_tokens_per_s = 450e6;
  service.throughput.prefill_tokens_per_s_per_node = 1e12;
  service.throughput.decode_tokens_per_s_per_node = 210e6;
  service.demand.weekly_weights = {1.1, 1.1, 1.1, 1.1, 1.0, 0.8, 0.8};
  scenario.scenario.end = Date{2027, 1, 1};
  scenario.scenario.reporting_period = PeriodUnit::month;
  const CapacityRun run = test::run_in_job_order(scenario);
  const Recorder& t = run.timeseries;
  REQUIRE(t.rows() == 24);
  const std::size_t dropped = t.column("dropped_output_tokens_svc");
  CHECK(t.value(0, dropped) == doctest::Approx(11'404.8e9).epsilon(1e-12));
  for (std::size_t month = 1; month < t.rows(); ++month) {
    INFO("month " << month);
    CHECK(t.value(month, dropped) == 0.0);
  }
  CHECK(run.inference[0].demand.output - run.inference[0].served.output ==
        doctest::Approx(11'404.8e9).epsilon(1e-9));
}

// ---- efficiency gains, demand feedback and the demand planner ---------------------------------

/// 20,000 GPUs for a service whose measured 8-GPU nodes prefill 1M input and decode 1,000
/// output tokens/s at a target utilisation of 0.8, with 1.6M input and 800K output tokens/s:
/// ⌈1.6M / 0.8M⌉ = 2 prefill and ⌈800K / 800⌉ = 1,000 decode nodes, 8,016 GPUs.
Scenario inference_days(int days) {
  const Calendar calendar(Date{2025, 1, 1});
  Scenario scenario = training_day();
  scenario.scenario.end = calendar.date_of(days * kTicksPerDay);
  scenario.clusters[0].gpus = 20000;
  scenario.sites[0].it_power_cap_w = 1e9;
  ServiceSpec service = small_service();
  service.demand.input_tokens_per_s = 1.6e6;
  service.demand.output_tokens_per_s = 800e3;
  service.throughput.decode_tokens_per_s_per_node = 1000.0;
  scenario.inference.services = {service};
  return scenario;
}

double serving_gpus_on_day(const CapacityRun& run, std::size_t day) {
  return run.timeseries.value(day, run.timeseries.column("gpus_serving_svc"));
}

TEST_CASE("efficiency: a 10x inference gain cuts a fixed demand's replicas to a tenth") {
  // From day 10 a token needs a tenth of the compute: ⌈1.6M / 8M⌉ = 1 prefill and
  // ⌈800K / 8,000⌉ = 100 decode nodes, 808 GPUs: 808 / 8,016 = 0.1008 of before.
  Scenario scenario = inference_days(20);
  scenario.efficiency.steps.push_back({EfficiencyKind::inference, 10.0, Date{2025, 1, 11}});
  const CapacityRun run = test::run_in_job_order(scenario);
  CHECK(serving_gpus_on_day(run, 9) == doctest::Approx(8016.0));
  CHECK(serving_gpus_on_day(run, 10) == doctest::Approx(808.0));
  CHECK(serving_gpus_on_day(run, 10) / serving_gpus_on_day(run, 9) ==
        doctest::Approx(0.1).epsilon(0.05));
  // Fixed demand: elasticity 0 with feedback on changes nothing.
  scenario.demand_feedback.enabled = true;
  scenario.demand_feedback.adjustment_time_s = 0.0;
  const CapacityRun fixed = test::run_in_job_order(scenario);
  CHECK(serving_gpus_on_day(fixed, 19) == doctest::Approx(808.0));
}

TEST_CASE("efficiency: elasticity 1 keeps the compute, elasticity 1.5 raises it by 10^0.5") {
  // With prices following cost, a 10x gain cuts the price tenfold and demand grows 10^ε (an
  // instant response here). ε = 1: 16M input and 8M output tokens/s on 10x faster nodes need
  // ⌈16M / 8M⌉ = 2 and ⌈8M / 8,000⌉ = 1,000 nodes, 8,016 GPUs as before the gain.
  // ε = 1.5: demand × 31.62: ⌈50.60M / 8M⌉ = 7 and ⌈25.30M / 8,000⌉ = 3,163 nodes, 25,360
  // GPUs, 3.164 times the 8,016 before (10^0.5 = 3.162).
  Scenario scenario = inference_days(20);
  scenario.clusters[0].gpus = 40000;
  scenario.efficiency.steps.push_back({EfficiencyKind::inference, 10.0, Date{2025, 1, 11}});
  scenario.demand_feedback.enabled = true;
  scenario.demand_feedback.adjustment_time_s = 0.0;
  scenario.demand_feedback.elasticity = 1.0;
  scenario.demand_feedback.margin = 0.3;
  const CapacityRun unit = test::run_in_job_order(scenario);
  CHECK(serving_gpus_on_day(unit, 9) == doctest::Approx(8016.0));
  // With no list prices, the price is cost plus the margin.
  CHECK(unit.inference[0].revenue_usd == doctest::Approx(1.3 * unit.inference[0].cost_usd));
  CHECK(serving_gpus_on_day(unit, 15) == doctest::Approx(8016.0).epsilon(0.05));
  scenario.inference.services[0].demand.elasticity = 1.5;  // the service's own overrides
  const CapacityRun jevons = test::run_in_job_order(scenario);
  CHECK(serving_gpus_on_day(jevons, 15) == doctest::Approx(25360.0));
  CHECK(serving_gpus_on_day(jevons, 15) / serving_gpus_on_day(jevons, 9) ==
        doctest::Approx(3.162).epsilon(0.01));
  // The response takes the adjustment time: with τ = 30 days, at the end of day 15, six days
  // (144 hourly steps) after the gain, demand has moved 1 − e^(−6/30) = 18.1% of the way
  // from 1 to 31.62.
  scenario.demand_feedback.adjustment_time_s = 30 * 86400.0;
  const CapacityRun gradual = test::run_in_job_order(scenario);
  const double multiple =
      gradual.timeseries.value(15, gradual.timeseries.column("demand_multiple_svc"));
  CHECK(multiple == doctest::Approx(1.0 + (31.623 - 1.0) * (1.0 - std::exp(-6.0 / 30.0))));
}

TEST_CASE("efficiency: a 10x training gain cuts a capability-equivalent job to a tenth") {
  // Two 16-GPU jobs of 10 h submitted on the second day, when a 10x training gain lands: the
  // capability-equivalent one needs a tenth of the compute (1 h, 16 GPU-hours), the
  // fixed-compute one keeps its 10 h. Yearly reporting leaves no model event on that day, so
  // the gain must be read at the scheduler's time, not the model's last event's.
  Scenario scenario = training_day();
  scenario.scenario.end = Date{2025, 1, 3};
  scenario.scenario.reporting_period = PeriodUnit::year;
  TrainingJobSpec capability = job("capability", 16, 10);
  capability.capability_equivalent = true;
  TrainingJobSpec fixed = job("fixed", 16, 10);
  capability.submit = fixed.submit = Date{2025, 1, 2};
  scenario.training.jobs = {capability, fixed};
  const CapacityRun before = test::run_in_job_order(scenario);
  CHECK(before.jobs[0].gpu_hours == doctest::Approx(160.0));
  scenario.efficiency.steps.push_back({EfficiencyKind::training, 10.0, Date{2025, 1, 2}});
  const CapacityRun after = test::run_in_job_order(scenario);
  CHECK(after.jobs[0].gpu_hours == doctest::Approx(16.0));
  CHECK(after.jobs[1].gpu_hours == doctest::Approx(160.0));
  // A software gain (MFU) speeds both.
  scenario.efficiency.steps.push_back({EfficiencyKind::software, 2.0, Date{2025, 1, 2}});
  const CapacityRun software = test::run_in_job_order(scenario);
  CHECK(software.jobs[0].gpu_hours == doctest::Approx(8.0));
  CHECK(software.jobs[1].gpu_hours == doctest::Approx(80.0));
  // Gains dated before the start are in the job's FLOPs already.
  scenario.efficiency.steps = {{EfficiencyKind::training, 10.0, Date{2024, 12, 1}}};
  CHECK(test::run_in_job_order(scenario).jobs[0].gpu_hours == doctest::Approx(160.0));
}

/// Two years of the service above doubling its demand every year on a demand-planned fleet:
/// the cluster starts with 12,000 GPUs, and the planner reviews each quarter for a target
/// utilisation of 0.75, with GPUs arriving a quarter after they are ordered.
/// `days` of the service above on a cluster of `gpus`, reported quarterly, with the demand
/// planner reviewing each quarter for a target utilisation of 0.75 and GPUs arriving a
/// quarter after they are ordered.
Scenario demand_planned(int days, std::int64_t gpus) {
  Scenario scenario = inference_days(days);
  scenario.scenario.reporting_period = PeriodUnit::quarter;
  scenario.clusters[0].gpus = gpus;
  scenario.planner.policy = PlannerPolicy::demand;
  scenario.planner.budget_period = PeriodUnit::quarter;
  scenario.planner.lead_time_s = 90 * 86400.0;
  scenario.planner.target_utilisation = 0.75;
  return scenario;
}

Scenario planned_growth() {
  Scenario scenario = demand_planned(730, 12000);
  scenario.inference.services[0].demand.growth = GrowthKind::exponential;
  scenario.inference.services[0].demand.growth_per_year = 2.0;
  return scenario;
}

TEST_CASE("demand planner: utilisation near its target and the SLO met on growing demand") {
  const CapacityRun run = test::run_in_job_order(planned_growth());
  const Recorder& series = run.timeseries;
  REQUIRE(series.rows() == 8);
  for (std::size_t quarter = 0; quarter < series.rows(); ++quarter) {
    INFO("quarter " << quarter);
    CHECK(series.value(quarter, series.column("slo_attainment_svc")) == 1.0);
    // Each quarter's GPUs were ordered a quarter ahead: for the busiest hour at its end, and
    // for its middle week's mean at 0.75. Demand doubling yearly averages
    // (1 − 2^(−1/4)) / (ln 2 / 4) × 2^(1/8) = 1.0009 of its mid-quarter value over the
    // quarter, so the fleet runs at 0.75 × 1.0009 = 0.751, less a little for whole replicas
    // (the first quarter runs on the 12,000 GPUs it started with).
    const double utilisation = series.value(quarter, series.column("utilisation"));
    if (quarter > 0)
      CHECK(utilisation == doctest::Approx(0.751).epsilon(0.005));
  }
  CHECK(run.summary.planner_shortfall_periods == 0);
}

TEST_CASE("demand planner: a budget cap leaves a reported shortfall, never an overspend") {
  // $100M a quarter buys 2,500 GPUs at $40K; the doubling demand needs more from the second
  // review on (about 13,800 GPUs for the second quarter against 12,000 in hand).
  Scenario scenario = planned_growth();
  scenario.planner.budget_per_period_usd = 100e6;
  const CapacityRun run = test::run_in_job_order(scenario);
  CHECK(run.summary.budget_usd == doctest::Approx(8 * 100e6));
  CHECK(run.summary.budget_spent_gpus_usd <= run.summary.budget_usd);
  CHECK(run.summary.gpus_ordered - 12000 <= 8 * 2500);
  CHECK(run.summary.planner_shortfall_periods >= 6);
  const auto shortfall =
      std::find_if(run.buildout.begin(), run.buildout.end(),
                   [](const BuildoutEvent& e) { return e.kind == BuildoutKind::shortfall; });
  REQUIRE(shortfall != run.buildout.end());
  CHECK(shortfall->note == "demand planner: not ordered for lack of budget");
  // Without the cap the same plan orders what the demand needs and is never short.
  CHECK(test::run_in_job_order(planned_growth()).summary.gpus_ordered > run.summary.gpus_ordered);
}

TEST_CASE("demand planner: with elasticity 1.5 a 10x gain makes it order 10^0.5 times more") {
  // Flat demand on a cluster of 8 GPUs. Without a gain the planner orders for 8,016 serving
  // GPUs at 0.75: ⌈10,688⌉ GPUs in all. With a 10x gain from the start and elasticity 1.5
  // (instant response), demand is 31.62 times larger on 10x faster nodes: 25,360 serving GPUs,
  // ⌈25,360 / 0.75⌉ = 33,814 in all, 3.164 times as many.
  Scenario baseline = demand_planned(365, 8);
  baseline.demand_feedback.enabled = true;
  baseline.demand_feedback.adjustment_time_s = 0.0;
  baseline.demand_feedback.elasticity = 1.5;
  Scenario jevons = baseline;
  // Price₀ is the price on the start date, after any gain dated then: the gain comes a day
  // later, and the first review, from the model, sees demand answer it by the time its
  // orders arrive.
  jevons.efficiency.steps.push_back({EfficiencyKind::inference, 10.0, Date{2025, 1, 2}});
  const CapacityRun base_run = run_capacity(baseline);
  const CapacityRun jevons_run = run_capacity(jevons);
  CHECK(base_run.summary.gpus_ordered == 10688);
  CHECK(jevons_run.summary.gpus_ordered == 33814);
  CHECK(static_cast<double>(jevons_run.summary.gpus_ordered) /
            static_cast<double>(base_run.summary.gpus_ordered) ==
        doctest::Approx(std::pow(10.0, 0.5)).epsilon(0.01));
}

TEST_CASE("funds: the date spending exhausts them, and planners that stay within them") {
  // Staff at $365.25M a year cost $1M a day, the only spending (no energy price, no
  // maintenance): $10.5M last 10.5 days.
  Scenario scenario = inference_days(20);
  scenario.inference.services.clear();
  scenario.sites[0].electricity_price_usd_per_j = 0.0;
  scenario.economics.maintenance_share_per_year = 0.0;
  scenario.economics.staff_cost_per_year_usd = 365.25e6;
  scenario.economics.funds_usd = 10.5e6;
  const CapacityRun run = test::run_in_job_order(scenario);
  REQUIRE(run.summary.funds_exhausted.has_value());
  CHECK(seconds_from_ticks(*run.summary.funds_exhausted) / 86400.0 == doctest::Approx(10.5));
  CHECK(run.summary.spent_usd == doctest::Approx(20e6));
  // The demand planner of the growing service, with $200M: it commits no more than what opex
  // leaves of that to GPUs, spends it all by the end, and says the funds are what it lacked.
  Scenario planned = planned_growth();
  planned.economics.funds_usd = 200e6;
  const CapacityRun capped = run_capacity(planned);
  CHECK(capped.summary.capex_gpus_usd <= 200e6);
  CHECK(capped.summary.spent_usd >= 200e6);
  REQUIRE(capped.summary.funds_exhausted.has_value());
  const auto shortfall =
      std::find_if(capped.buildout.begin(), capped.buildout.end(),
                   [](const BuildoutEvent& e) { return e.kind == BuildoutKind::shortfall; });
  REQUIRE(shortfall != capped.buildout.end());
  CHECK(shortfall->note == "demand planner: not ordered for lack of funds");
}

TEST_CASE("demand planner: a fit of recent demand forecasts steady growth as the model does") {
  // Quarterly means of demand doubling yearly lie on an exponential: from the third review
  // (two quarters observed) the fit extrapolates the same demand as the model, and the fleet
  // runs at the same 0.751 with the SLO met. The first two reviews have nothing to fit and
  // take demand as it stands; the GPUs the second bought serve the third quarter, which the
  // growth outruns.
  Scenario scenario = planned_growth();
  scenario.planner.forecast = ForecastMethod::fit;
  const CapacityRun fitted = test::run_in_job_order(scenario);
  const CapacityRun modelled = test::run_in_job_order(planned_growth());
  const Recorder& series = fitted.timeseries;
  CHECK(series.value(2, series.column("slo_attainment_svc")) < 1.0);
  for (std::size_t quarter = 3; quarter < series.rows(); ++quarter) {
    INFO("quarter " << quarter);
    CHECK(series.value(quarter, series.column("slo_attainment_svc")) == 1.0);
    CHECK(series.value(quarter, series.column("utilisation")) ==
          doctest::Approx(0.751).epsilon(0.015));
  }
  CHECK(static_cast<double>(fitted.summary.gpus_ordered) ==
        doctest::Approx(static_cast<double>(modelled.summary.gpus_ordered)).epsilon(0.01));
}

TEST_CASE("demand planner: a fit of recent demand misses the jump a 10x gain sets off") {
  // Flat demand, a 10x gain on day 100 and elasticity 1.5 answering within a month: demand
  // grows 31.6x and serving 3.16x. The model sees it coming and orders for it a lead time
  // ahead; a fit of past quarters sees flat demand until the jump is in its data, so the fleet
  // is short for the quarters in between.
  Scenario scenario = demand_planned(365, 12000);
  scenario.efficiency.steps.push_back({EfficiencyKind::inference, 10.0, Date{2025, 4, 11}});
  scenario.demand_feedback.enabled = true;
  scenario.demand_feedback.adjustment_time_s = 10 * 86400.0;
  scenario.demand_feedback.elasticity = 1.5;
  const CapacityRun modelled = test::run_in_job_order(scenario);
  scenario.planner.forecast = ForecastMethod::fit;
  const CapacityRun fitted = test::run_in_job_order(scenario);
  CHECK(modelled.inference[0].slo_attainment == 1.0);
  // The fit orders nothing before the jump and, once the jump is in its data, reads it as
  // growth and orders far more than needed: short in between, over-built after.
  CHECK(fitted.inference[0].slo_attainment < 0.8);
  CHECK(fitted.summary.gpus_ordered > 2 * modelled.summary.gpus_ordered);
}

}  // namespace
}  // namespace capsim
