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
// Checkpoint cost and restart overhead are not published for either run; the values used are
// assumptions, stated and argued where they are set.

#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

#include "capsim/model/training/training_run.hpp"

namespace capsim {
namespace {

constexpr double kSecondsPerDay = 86'400.0;
constexpr double kH100BF16 = 989e12;  // [H100], FLOP/s per GPU, dense
constexpr double kH800FP8 = 1979e12;  // [DeepSeek], [Insights]: the H100's dense fp8 peak

// [Llama 3]: 419 unexpected interruptions of a 16,384-GPU job in 54 days, taken as a per-GPU
// rate: λ = 419 / (16,384 · 54 days) = 5.48e-9 per GPU-second (0.17 per GPU-year), a job MTBF
// of 11,135 s (3.1 hours) on 16,384 GPUs.
constexpr double kLlamaWindowS = 54.0 * kSecondsPerDay;
constexpr double kLlamaUnexpectedInterruptions = 419.0;
constexpr double kHopperFailureRatePerGpuS =
    kLlamaUnexpectedInterruptions / (16'384.0 * kLlamaWindowS);

// Assumed checkpoint stall: 10 s. The 405B training state (bf16 weights, fp32 master weights
// and Adam moments, 16 bytes a parameter: 6.5 TB) written at the 2 TB/s Meta reports
// sustained by its checkpoint storage (Tectonic; Llama 3 paper §3.3.1, not in figures.md)
// takes about 3 s; 10 s leaves room for the synchronisation around it.
constexpr double kCheckpointCostS = 10.0;
// Assumed restart: 5 minutes to reschedule onto healthy nodes, rebuild the collective
// communicators of thousands of GPUs and read the checkpoint back (itself seconds).
constexpr double kRestartOverheadS = 300.0;

TrainingRunSpec llama3_405b() {
  TrainingRunSpec spec;
  spec.flops = 3.8e25;  // [Llama 3]
  spec.gpus = 16'384;   // [Llama 3]
  spec.peak_flop_per_s = kH100BF16;
  spec.mfu = 0.40;  // [Llama 3]: 38-43% in bf16; 41% on 16,384 GPUs at 8K context
  spec.checkpoint_cost_s = kCheckpointCostS;
  spec.restart_overhead_s = kRestartOverheadS;
  spec.failure_rate_per_gpu_s = kHopperFailureRatePerGpuS;
  // A careful operator checkpoints at the Young/Daly interval: sqrt(2 · 10 · 11,135) = 472 s.
  spec.checkpoint_interval_s = young_daly_interval_s(spec.checkpoint_cost_s, job_mtbf_s(spec));
  return spec;
}

TEST_CASE("validation: Llama 3 405B pretraining time within 10% of FLOPs over throughput") {
  // FLOPs over throughput: 3.8e25 / (16,384 · 989e12 · 0.40) = 5.863e6 s = 67.86 days. With
  // the published failure rate and the stated checkpoint and restart costs, Daly's model
  // expects 72.7 days (goodput 0.933): +7.2%. The 10% bound is the published "effective
  // training time above 90%" in other words (1 / 0.909 = 1.10): with a 10-minute restart the
  // goodput would be 0.908 and the time +10.1%, so the bound holds only for restarts (and
  // checkpoints) about as fast as Meta says it made them.
  const TrainingRunSpec spec = llama3_405b();
  const double reference_s = failure_free_time_s(spec);
  CHECK(reference_s / kSecondsPerDay == doctest::Approx(67.857).epsilon(1e-4));
  const double expected_s = expected_elapsed_s(spec);
  double sum_s = 0.0;
  constexpr int kRuns = 8;
  for (int replication = 0; replication < kRuns; ++replication) {
    const TrainingRunResult run =
        simulate_training_run(spec, 405, static_cast<std::uint64_t>(replication));
    INFO("replication " << replication << ": " << run.elapsed_s / kSecondsPerDay << " days, "
                        << run.interruptions << " interruptions, " << run.checkpoints
                        << " checkpoints, goodput " << run.goodput);
    CHECK(std::abs(run.elapsed_s / reference_s - 1.0) <= 0.10);
    CHECK(run.goodput > 0.90);  // [Llama 3]: effective training time above 90%
    sum_s += run.elapsed_s;
  }
  const double mean_s = sum_s / kRuns;
  INFO("FLOPs over throughput " << reference_s / kSecondsPerDay << " days; simulated mean "
                                << mean_s / kSecondsPerDay << " days ("
                                << 100.0 * (mean_s / reference_s - 1.0) << "%); Daly "
                                << expected_s / kSecondsPerDay << " days");
  CHECK(std::abs(mean_s / reference_s - 1.0) <= 0.10);
  // The simulation and the closed form agree closely (a run's spread is about 0.2%).
  CHECK(mean_s == doctest::Approx(expected_s).epsilon(0.005));
}

TEST_CASE("validation: Llama 3 405B interruptions in 54 days match the published 419") {
  // The rate was derived from the count, so this checks that the simulated process is that
  // rate over wall time, whatever the job is doing: n within 3 Poisson standard deviations,
  // |n - 419| <= 3 · sqrt(419) = 61, for every replication; their mean within 3 standard
  // errors of 419.
  const TrainingRunSpec spec = llama3_405b();
  constexpr int kRuns = 20;
  double total = 0.0;
  for (int replication = 0; replication < kRuns; ++replication) {
    const TrainingRunResult window =
        simulate_training_window(spec, kLlamaWindowS, 54, static_cast<std::uint64_t>(replication));
    INFO("replication " << replication << ": " << window.interruptions
                        << " interruptions in 54 days, goodput " << window.goodput);
    CHECK_FALSE(window.completed);  // 54 days is a snapshot of a longer run
    CHECK(std::abs(static_cast<double>(window.interruptions) - kLlamaUnexpectedInterruptions) <=
          3.0 * std::sqrt(kLlamaUnexpectedInterruptions));
    total += static_cast<double>(window.interruptions);
  }
  const double mean = total / kRuns;
  INFO("mean " << mean << " interruptions in 54 days, published 419");
  CHECK(std::abs(mean - kLlamaUnexpectedInterruptions) <=
        3.0 * std::sqrt(kLlamaUnexpectedInterruptions / kRuns));
}

TEST_CASE("validation: DeepSeek-V3 GPU-hours within 15% of the published 2.664M") {
  // Compute: 6 · 37e9 · 14.8e12 = 3.2856e24 FLOP ([DeepSeek]; 6·N·D counts no attention).
  // What the published figure implies: 3.2856e24 FLOP / (2.664e6 GPU-h · 3600 s) = 343
  // TFLOP/s per GPU, 17.3% of the fp8 peak (34.6% of bf16). With [Insights]' 250 GFLOP per
  // token, which counts attention, it is 19.5% of fp8 peak.
  //
  // The MFU chosen, from other sources: 20% of fp8 peak, that is Llama 3's 40% bf16 MFU on the
  // same Hopper silicon ([Llama 3], [H100]). DeepSeek's fp8 is mixed precision: attention,
  // embeddings, the output head, gating and normalisation stay in bf16 or fp32, and the fp8
  // GEMMs pay for fine-grained scaling and promoted accumulation, so a utilisation near a
  // well-run bf16 job's, counted against the fp8 peak, is the defensible prior, not half of
  // it. Failures at the Hopper rate derived from [Llama 3] (an assumption: DeepSeek published
  // none), on 2,048 GPUs a job MTBF of 24.7 hours; checkpoints and restarts as for Llama.
  //
  // Result: 2.35M GPU-hours against 2.664M published, -12%. Most of the gap is the attention
  // FLOPs that 6·N·D leaves out (222 against 250 GFLOP per token, -11%): the chosen MFU is
  // close to what DeepSeek achieved, the FLOP count is short.
  TrainingRunSpec spec;
  spec.flops = training_flops(37e9, 14.8e12);
  spec.gpus = 2'048;
  spec.peak_flop_per_s = kH800FP8;
  spec.mfu = 0.20;
  spec.checkpoint_cost_s = kCheckpointCostS;
  spec.restart_overhead_s = kRestartOverheadS;
  spec.failure_rate_per_gpu_s = kHopperFailureRatePerGpuS;
  spec.checkpoint_interval_s = young_daly_interval_s(spec.checkpoint_cost_s, job_mtbf_s(spec));

  constexpr double kPublishedGpuHours = 2.664e6;
  const double implied_mfu = spec.flops / (kPublishedGpuHours * 3600.0 * spec.peak_flop_per_s);
  CHECK(implied_mfu == doctest::Approx(0.1731).epsilon(1e-3));
  CHECK(250e9 * 14.8e12 / (kPublishedGpuHours * 3600.0 * kH800FP8) ==
        doctest::Approx(0.1949).epsilon(1e-3));

  const double failure_free_gpu_hours = failure_free_time_s(spec) * 2'048.0 / 3600.0;
  double sum_gpu_hours = 0.0;
  constexpr int kRuns = 8;
  for (int replication = 0; replication < kRuns; ++replication) {
    const TrainingRunResult run =
        simulate_training_run(spec, 671, static_cast<std::uint64_t>(replication));
    INFO("replication " << replication << ": " << run.gpu_hours << " GPU-hours, "
                        << run.elapsed_s / kSecondsPerDay << " days, " << run.interruptions
                        << " interruptions, goodput " << run.goodput);
    CHECK(std::abs(run.gpu_hours / kPublishedGpuHours - 1.0) <= 0.15);
    sum_gpu_hours += run.gpu_hours;
  }
  const double mean_gpu_hours = sum_gpu_hours / kRuns;
  INFO("simulated mean " << mean_gpu_hours << " GPU-hours (failure-free " << failure_free_gpu_hours
                         << "), published " << kPublishedGpuHours << ": "
                         << 100.0 * (mean_gpu_hours / kPublishedGpuHours - 1.0) << "%");
  CHECK(std::abs(mean_gpu_hours / kPublishedGpuHours - 1.0) <= 0.15);
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
