// Training runs against published figures (all from /work/shared/reference/figures.md):
//   [Llama 3]   "The Llama 3 Herd of Models", Meta, July 2024: 3.8e25 FLOPs; up to 16,384
//               H100 80GB; bf16 MFU 38-43%; in a 54-day snapshot, 419 unexpected
//               interruptions; effective training time above 90%.
//   [H100]      NVIDIA H100 Tensor Core GPU datasheet (H100 SXM): 989 TFLOP/s dense bf16,
//               1,979 dense fp8 (half the "with sparsity" figures).
//   [DeepSeek]  "DeepSeek-V3 Technical Report", DeepSeek-AI, December 2024: 37B active
//               parameters, 14.8T tokens, 2,048 H800, fp8 mixed precision, 2,664K GPU-hours of
//               pre-training ("180K GPU-hours per trillion tokens").
//   [Insights]  "Insights into DeepSeek-V3: Scaling Challenges and Reflections on Hardware for
//               AI Architectures", ISCA 2025, Table 2: 250 training GFLOP per token for
//               DeepSeek-V3. Also the source of the H800's peak as the H100's.
//
// Both runs go through the capacity model on the defaults: failures by Llama 3's causes,
// Young/Daly checkpoint intervals, the default checkpoint and restart times (sources in
// docs/scenarios.md). The best-interval check keeps the standalone renewal model, the exact
// theory Young's and Daly's formulas assume.

#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

#include "capsim/model/capacity_model.hpp"
#include "capsim/model/training/training_run.hpp"
#include "model/fixtures.hpp"
#include "model/job_order.hpp"

namespace capsim {
namespace {

// The gaps docs/validation.md reports (capsim against the published figure), to 20% of
// themselves: a change of model or default that moves them shows here.
constexpr double kLlamaTimeGap = 0.111;
constexpr double kDeepSeekGap = -0.115;

constexpr double kSecondsPerDay = 86'400.0;
constexpr double kH100BF16 = 989e12;  // [H100], FLOP/s per GPU, dense
constexpr double kH800FP8 = 1979e12;  // [DeepSeek], [Insights]: the H100's dense fp8 peak

/// A job on a cluster run by the capacity model on the defaults: failures by Llama 3's causes
/// (FailuresSpec's default), auto checkpoints (Young/Daly), the default asynchronous
/// checkpoint and restart. The job's FLOPs and GPUs come from its source; the cluster holds
/// `cluster_gpus` (spares beyond the job's GPUs, as the source's cluster had).
Scenario training_run_scenario(std::int64_t cluster_gpus, TrainingJobSpec job, int days,
                               double fp8_peak = 0.0) {
  Scenario scenario;
  scenario.scenario.name = "validation";
  scenario.scenario.start = Date{2025, 1, 1};
  scenario.scenario.horizon_s = days * kSecondsPerDay;
  scenario.scenario.reporting_period = PeriodUnit::month;
  AcceleratorSpec part = test::test_part("H", 40e3, 1000.0, 200.0, Date{2022, 1, 1}, kH100BF16);
  if (fp8_peak > 0.0)
    part.peak_dense_flops.fp8_flop_per_s = fp8_peak;
  scenario.catalog.accelerators.push_back(part);
  scenario.sites.push_back(test::test_site("s", 1e9));
  scenario.clusters.push_back(test::test_cluster("c", "s", "H", cluster_gpus, Date{2024, 1, 1}));
  job.name = "job";
  job.submit = scenario.scenario.start;
  scenario.training.jobs = {job};
  return scenario;
}

TrainingJobSpec llama3_405b_job() {
  TrainingJobSpec job;
  job.flops = 3.8e25;   // [Llama 3]
  job.gpus = 16'384;    // [Llama 3]
  job.base_mfu = 0.40;  // [Llama 3]: 38-43% in bf16; 41% on 16,384 GPUs at 8K context
  return job;
}

// [Llama 3]: the job ran on up to 16,384 GPUs of a 24K-GPU cluster: the other 8,192 are the
// spares a restarting job takes while failed GPUs are in repair.
constexpr std::int64_t kLlamaClusterGpus = 24'576;

TEST_CASE("validation: Llama 3 405B pretraining time on the defaults") {
  // FLOPs over throughput: 3.8e25 / (16,384 · 989e12 · 0.40) = 5.863e6 s = 67.86 days. On the
  // defaults (Llama 3's failure causes, 10 s asynchronous snapshots every 472 s by Young/Daly,
  // 10-minute restarts on spare GPUs), each of the about 3.1 h between interruptions loses
  // half an interval of work and a restart: the run takes about 10% longer. Meta reports
  // effective training time above 90% ([Llama 3]); the gap is the restart, which Meta does not
  // publish and which its tooling made faster than the default's 10-minute collective timeout.
  const Scenario scenario = training_run_scenario(kLlamaClusterGpus, llama3_405b_job(), 120);
  const CapacityRun run = test::run_in_job_order(scenario);
  REQUIRE(run.jobs.size() == 1);
  const TrainingJobRecord& job = run.jobs[0];
  REQUIRE(job.status == "completed");
  const double reference_days = 3.8e25 / (16'384.0 * kH100BF16 * 0.40) / kSecondsPerDay;
  CHECK(reference_days == doctest::Approx(67.857).epsilon(1e-4));
  const double days = seconds_from_ticks(*job.end - *job.start) / kSecondsPerDay;
  INFO("capsim " << days << " days against " << reference_days
                 << " failure-free: " << 100.0 * (days / reference_days - 1.0) << "%; goodput "
                 << job.goodput << ", " << job.interruptions << " interruptions, checkpoint every "
                 << job.checkpoint_interval_s << " s");
  CHECK(job.checkpoint_interval_s == doctest::Approx(471.9).epsilon(1e-3));
  CHECK(days / reference_days - 1.0 == doctest::Approx(kLlamaTimeGap).epsilon(0.2));
  CHECK(job.goodput > 0.88);
}

TEST_CASE("validation: Llama 3 405B interruptions in 54 days, by cause") {
  // [Llama 3] Table 5: 419 unexpected interruptions in 54 days, grouped as the default causes
  // (gpu 196, hbm 72, software 56, network 35, host 53, unknown 7). The rates come from these
  // counts, so this checks the plumbing (fleet failures landing on the job as interruptions,
  // by cause), not a prediction. Each count lies within its 99.9% Poisson interval, mean ±
  // 3.29 · sqrt(mean), over the job's 16,384 GPUs for the 54 days it ran.
  const Scenario scenario = training_run_scenario(kLlamaClusterGpus, llama3_405b_job(), 54);
  const CapacityRun run = test::run_in_job_order(scenario);
  REQUIRE(run.jobs.size() == 1);
  const TrainingJobRecord& job = run.jobs[0];
  CHECK(job.status == "running");
  const std::vector<double> published = {196, 72, 56, 35, 53, 7};
  REQUIRE(job.interruptions_by_cause.size() == published.size());
  for (std::size_t k = 0; k < published.size(); ++k) {
    const auto count = static_cast<double>(job.interruptions_by_cause[k]);
    INFO(run.training.failure_causes[k] << ": " << count << " against " << published[k]);
    CHECK(std::abs(count - published[k]) <= 3.29 * std::sqrt(published[k]));
  }
  INFO("all causes: " << job.interruptions << " against 419");
  CHECK(std::abs(static_cast<double>(job.interruptions) - 419.0) <= 3.29 * std::sqrt(419.0));
}

TEST_CASE("validation: DeepSeek-V3 GPU-hours on the defaults") {
  // Compute: 6 · 37e9 · 14.8e12 = 3.2856e24 FLOP ([DeepSeek]; 6·N·D counts no attention).
  // What the published figure implies: 3.2856e24 FLOP / (2.664e6 GPU-h · 3600 s) = 343
  // TFLOP/s per GPU, 17.3% of the fp8 peak (34.6% of bf16). With [Insights]' 250 GFLOP per
  // token, which counts attention, it is 19.5% of fp8 peak.
  //
  // The MFU chosen, from other sources: 20% of fp8 peak, that is Llama 3's 40% bf16 MFU on the
  // same Hopper silicon ([Llama 3], [H100]). Failures, checkpoints and restarts on the defaults
  // (DeepSeek published none); the cluster is the job's 2,048 GPUs, no spares ([DeepSeek]), so
  // a restart after a hardware failure waits for the 2.2 h repair.
  constexpr double kPublishedGpuHours = 2.664e6;
  CHECK(training_flops(37e9, 14.8e12) / (kPublishedGpuHours * 3600.0 * kH800FP8) ==
        doctest::Approx(0.1731).epsilon(1e-3));
  CHECK(250e9 * 14.8e12 / (kPublishedGpuHours * 3600.0 * kH800FP8) ==
        doctest::Approx(0.1949).epsilon(1e-3));
  TrainingJobSpec deepseek;
  deepseek.flops = training_flops(37e9, 14.8e12);
  deepseek.gpus = 2'048;
  deepseek.precision = Precision::fp8;
  deepseek.base_mfu = 0.20;
  const Scenario scenario = training_run_scenario(2'048, deepseek, 120, kH800FP8);
  const CapacityRun run = test::run_in_job_order(scenario);
  REQUIRE(run.jobs.size() == 1);
  const TrainingJobRecord& job = run.jobs[0];
  REQUIRE(job.status == "completed");
  const double failure_free = deepseek.flops.value() / (kH800FP8 * 0.20) / 3600.0;
  INFO("capsim " << job.gpu_hours << " GPU-hours (failure-free " << failure_free << "), published "
                 << kPublishedGpuHours << ": " << 100.0 * (job.gpu_hours / kPublishedGpuHours - 1.0)
                 << "%; " << job.interruptions << " interruptions, goodput " << job.goodput);
  CHECK(job.gpu_hours / kPublishedGpuHours - 1.0 == doctest::Approx(kDeepSeekGap).epsilon(0.2));
}

/// Least-squares parabola y = a + b·x + c·x² through the points.
std::array<double, 3> fit_parabola(const std::vector<double>& x, const std::vector<double>& y) {
  // Normal equations, a 3×3 system solved by Cramer's rule (well conditioned for x centred
  // on 0, as the callers' are).
  double s[5] = {0, 0, 0, 0, 0};
  double t[3] = {0, 0, 0};
  for (std::size_t i = 0; i < x.size(); ++i) {
    double power = 1.0;
    for (int k = 0; k < 5; ++k) {
      s[k] += power;
      if (k < 3)
        t[k] += power * y[i];
      power *= x[i];
    }
  }
  const auto det = [](double a, double b, double c, double d, double e, double f, double g,
                      double h, double i) {
    return a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
  };
  const double d = det(s[0], s[1], s[2], s[1], s[2], s[3], s[2], s[3], s[4]);
  return {det(t[0], s[1], s[2], t[1], s[2], s[3], t[2], s[3], s[4]) / d,
          det(s[0], t[0], s[2], s[1], t[1], s[3], s[2], t[2], s[4]) / d,
          det(s[0], s[1], t[0], s[1], s[2], t[1], s[2], s[3], t[2]) / d};
}

TEST_CASE("validation: the simulated best checkpoint interval is Young/Daly's") {
  // Young (1974) and Daly (2006): goodput peaks at τ = sqrt(2 · C · MTBF). A small job: 1,000
  // GPUs at λ = 1 / 3.6e6 per GPU-second (an MTBF of 1 hour), C = 60 s, R = 120 s, 100 hours
  // of work. Young's τ = 657 s; Daly's higher-order τ = 618 s (-6%). Restarts do not move the
  // optimum (they only scale Daly's expected time by e^(R/M)).
  //
  // The sweep: 9 intervals from τ/2 to 2τ (factors of 2^(1/4)), each run for the same
  // replications (common random numbers: the same interruption times at every interval),
  // goodput as total useful over total elapsed time. Near its peak goodput is flat (15% off
  // the best interval costs about 0.2% of goodput), so the peak is located by a parabola
  // fitted to goodput against ln τ, in which the first-order curve is symmetric.
  TrainingRunSpec spec;
  spec.gpus = 1'000;
  spec.peak_flop_per_s = 1e15;
  spec.mfu = 0.5;
  spec.flops = 100.0 * 3600.0 * 1'000.0 * 1e15 * 0.5;
  spec.checkpoint_cost_s = 60.0;
  spec.restart_overhead_s = 120.0;
  spec.failure_rate_per_gpu_s = 1.0 / 3.6e6;
  const double mtbf_s = job_mtbf_s(spec);
  CHECK(mtbf_s == doctest::Approx(3600.0).epsilon(1e-12));
  const double young_s = young_daly_interval_s(spec.checkpoint_cost_s, mtbf_s);
  spec.checkpoint_interval_s = young_s;
  const double work_s = failure_free_time_s(spec);

  constexpr int kReplications = 300;
  std::vector<double> log_ratio, goodput;
  for (int step = -4; step <= 4; ++step) {
    spec.checkpoint_interval_s = young_s * std::exp2(step / 4.0);
    double elapsed_s = 0.0;
    for (int replication = 0; replication < kReplications; ++replication) {
      elapsed_s +=
          simulate_training_run(spec, 1974, static_cast<std::uint64_t>(replication)).elapsed_s;
    }
    log_ratio.push_back(std::log(spec.checkpoint_interval_s / young_s));
    goodput.push_back(kReplications * work_s / elapsed_s);
  }
  const std::array<double, 3> fit = fit_parabola(log_ratio, goodput);
  const double best_s = young_s * std::exp(-fit[1] / (2.0 * fit[2]));
  INFO("goodput at tau/2 .. 2 tau: " << goodput[0] << " " << goodput[2] << " " << goodput[4] << " "
                                     << goodput[6] << " " << goodput[8]);
  INFO("simulated best interval " << best_s << " s, Young " << young_s << " s ("
                                  << 100.0 * (best_s / young_s - 1.0) << "%), Daly "
                                  << daly_interval_s(spec.checkpoint_cost_s, mtbf_s) << " s");
  CHECK(fit[2] < 0.0);  // a peak, not a trough
  CHECK(std::abs(best_s / young_s - 1.0) <= 0.15);
  // The sweep resolves more than the 15% asked: it finds Daly's higher-order optimum (the
  // minimum of expected_elapsed_s is 617.5 s). Across base seeds the fitted peak varies by
  // about ±0.5%, and the parabola itself puts the closed form's peak 1% low, at 612 s.
  CHECK(best_s == doctest::Approx(daly_interval_s(spec.checkpoint_cost_s, mtbf_s)).epsilon(0.03));
}

}  // namespace
}  // namespace capsim
