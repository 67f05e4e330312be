#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <stdexcept>

#include "capsim/model/training/training_run.hpp"

namespace capsim {
namespace {

// 8 GPUs × 1e15 FLOP/s × 50% MFU = 4e15 FLOP/s, so 1.44e20 FLOP is a 10-hour (36,000 s) job:
// nine full hours each followed by a 60 s checkpoint, then a last hour with none.
TrainingRunSpec ten_hour_job() {
  return TrainingRunSpec{.flops = 1.44e20,
                         .gpus = 8,
                         .peak_flop_per_s = 1e15,
                         .mfu = 0.5,
                         .checkpoint_interval_s = 3600.0,
                         .checkpoint_cost_s = 60.0,
                         .restart_overhead_s = 300.0,
                         .failure_rate_per_gpu_s = 0.0};
}

// The same job interrupted every 2 hours on average: λ = 1 / (8 GPUs · 7,200 s).
TrainingRunSpec ten_hour_job_with_failures() {
  TrainingRunSpec spec = ten_hour_job();
  spec.failure_rate_per_gpu_s = 1.0 / (8.0 * 7200.0);
  return spec;
}

TEST_CASE("training_run: FLOPs are 6 x active parameters x tokens") {
  // Llama 3 405B: 6 · 405e9 · 15.6e12 = 3.7908e25, the paper's "3.8e25 FLOPs" rounded.
  CHECK(training_flops(405e9, 15.6e12) == doctest::Approx(3.7908e25).epsilon(1e-12));
  // DeepSeek-V3: 6 · 37e9 active · 14.8e12 = 3.2856e24.
  CHECK(training_flops(37e9, 14.8e12) == doctest::Approx(3.2856e24).epsilon(1e-12));
  CHECK(training_flops(1e9, 1e12) == 6e21);

  TrainingJobSpec job;
  job.name = "pretrain";
  job.active_parameters = 37e9;
  job.tokens = 14.8e12;
  CHECK(training_flops(job) == training_flops(37e9, 14.8e12));
  TrainingJobSpec given;
  given.name = "given";
  given.flops = 3.8e25;
  CHECK(training_flops(given) == 3.8e25);
}

TEST_CASE("training_run: a job spec gives the run spec") {
  TrainingJobSpec job;
  job.name = "llama";
  job.active_parameters = 405e9;
  job.tokens = 15.6e12;
  job.gpus = 16'384;
  const double lambda = failure_rate_from_annual(0.09);
  CHECK(lambda == doctest::Approx(2.8519279032626053e-09).epsilon(1e-12));
  CHECK(lambda * kSecondsPerYear == doctest::Approx(0.09).epsilon(1e-15));
  const TrainingRunSpec spec = training_run_spec(job, 989e12, lambda);
  CHECK(spec.flops == doctest::Approx(3.7908e25).epsilon(1e-12));
  CHECK(spec.gpus == 16'384);
  CHECK(spec.mfu == 0.40);  // TrainingJobSpec's default base MFU
  // The defaults: an asynchronous checkpoint stalls for its 10 s snapshot, and the interval is
  // auto, Young's sqrt(2 · C · M) with M = 1 / (16,384 · λ) = 1 / 4.6726e-5 = 21,401.4 s:
  // sqrt(2 · 10 · 21,401.4) = 654.24 s.
  CHECK(spec.checkpoint_interval_s == doctest::Approx(654.24).epsilon(1e-5));
  CHECK(spec.checkpoint_cost_s == 10.0);
  CHECK(spec.restart_overhead_s == 600.0);
  CHECK(spec.failure_rate_per_gpu_s == lambda);
  CHECK(job_mtbf_s(spec) == doctest::Approx(1.0 / (16'384 * lambda)).epsilon(1e-12));
}

TEST_CASE("training_run: failure-free time is FLOPs over GPUs x peak x MFU") {
  // 1e18 FLOP / (10 GPUs · 1e15 FLOP/s · 0.5) = 200 s.
  TrainingRunSpec small = ten_hour_job();
  small.flops = 1e18;
  small.gpus = 10;
  CHECK(failure_free_time_s(small) == doctest::Approx(200.0).epsilon(1e-15));
  CHECK(failure_free_time_s(ten_hour_job()) == doctest::Approx(36'000.0).epsilon(1e-15));
  // Llama 3 405B at 40% of 989 TFLOP/s on 16,384 GPUs: 3.8e25 / 6.4815104e18 FLOP/s
  // = 5,862,831 s = 67.86 days.
  TrainingRunSpec llama = ten_hour_job();
  llama.flops = 3.8e25;
  llama.gpus = 16'384;
  llama.peak_flop_per_s = 989e12;
  llama.mfu = 0.40;
  CHECK(failure_free_time_s(llama) == doctest::Approx(5'862'830.98458).epsilon(1e-9));
  CHECK(job_mtbf_s(llama) == std::numeric_limits<double>::infinity());
}

TEST_CASE("training_run: without failures the run is the work plus its checkpoint stalls") {
  // Checkpoints after hours 1..9, none after the last: 36,000 + 9 · 60 = 36,540 s.
  const TrainingRunResult hourly = simulate_training_run(ten_hour_job(), 1);
  CHECK(hourly.elapsed_s == 36'540.0);
  CHECK(hourly.useful_s == 36'000.0);
  CHECK(hourly.checkpoints == 9);
  CHECK(hourly.checkpoint_s == 540.0);
  CHECK(hourly.interruptions == 0);
  CHECK(hourly.lost_work_s == 0.0);
  CHECK(hourly.restart_s == 0.0);
  CHECK(hourly.goodput == 36'000.0 / 36'540.0);
  CHECK(hourly.gpu_hours == 8.0 * 36'540.0 / 3600.0);
  CHECK(hourly.completed);
  CHECK(hourly.events == 19);  // 10 compute segments, 9 checkpoints
  CHECK(expected_elapsed_s(ten_hour_job()) == 36'540.0);

  // Every 7,000 s: checkpoints at 7,000 .. 35,000 of work, five of them: 36,300 s.
  TrainingRunSpec spec = ten_hour_job();
  spec.checkpoint_interval_s = 7000.0;
  CHECK(simulate_training_run(spec, 1).elapsed_s == 36'300.0);
  CHECK(simulate_training_run(spec, 1).checkpoints == 5);
  CHECK(expected_elapsed_s(spec) == 36'300.0);

  // An interval of the whole job, or longer, or infinite: no checkpoint at all.
  for (const double interval : {36'000.0, 1e6, std::numeric_limits<double>::infinity()}) {
    spec.checkpoint_interval_s = interval;
    const TrainingRunResult once = simulate_training_run(spec, 1);
    CHECK(once.elapsed_s == 36'000.0);
    CHECK(once.checkpoints == 0);
    CHECK(once.goodput == 1.0);
  }
}

TEST_CASE("training_run: a window of a run sees its progress so far") {
  // At 10,000 s: hours 1 and 2 checkpointed (7,320 s with two stalls), then 2,680 s into the
  // third hour.
  const TrainingRunResult window = simulate_training_window(ten_hour_job(), 10'000.0, 1);
  CHECK_FALSE(window.completed);
  CHECK(window.elapsed_s == 10'000.0);
  CHECK(window.useful_s == 9'880.0);
  CHECK(window.checkpoints == 2);
  CHECK(window.checkpoint_s == 120.0);
  CHECK(window.goodput == 0.988);
  // A window longer than the run is the whole run, failures included.
  const TrainingRunResult whole = simulate_training_run(ten_hour_job_with_failures(), 3);
  const TrainingRunResult longer = simulate_training_window(ten_hour_job_with_failures(), 1e7, 3);
  CHECK(longer.completed);
  CHECK(longer.elapsed_s == whole.elapsed_s);
  CHECK(longer.interruptions == whole.interruptions);
  CHECK(longer.trajectory_hash == whole.trajectory_hash);
}

TEST_CASE("training_run: interruptions lose work and add restarts, and the time adds up") {
  TrainingRunSpec spec = ten_hour_job_with_failures();
  for (std::uint64_t replication = 0; replication < 50; ++replication) {
    const TrainingRunResult run = simulate_training_run(spec, 7, replication);
    INFO("replication " << replication);
    CHECK(run.completed);
    CHECK(run.useful_s == 36'000.0);
    // Each of the nine checkpoints completes exactly once: a lost one is written again.
    CHECK(run.checkpoints == 9);
    CHECK(run.elapsed_s ==
          doctest::Approx(run.useful_s + run.lost_work_s + run.checkpoint_s + run.restart_s)
              .epsilon(1e-12));
    // An interruption loses at most one interval of work; each starts a restart of 300 s that
    // completes unless another interruption cuts it short.
    CHECK(run.lost_work_s <= 3600.0 * static_cast<double>(run.interruptions));
    CHECK(run.restart_s <= 300.0 * static_cast<double>(run.interruptions));
    CHECK(run.goodput == doctest::Approx(run.useful_s / run.elapsed_s).epsilon(1e-15));
  }
}

TEST_CASE("training_run: a seed gives one trajectory, another seed or replication another") {
  const TrainingRunSpec spec = ten_hour_job_with_failures();
  const TrainingRunResult first = simulate_training_run(spec, 42);
  const TrainingRunResult again = simulate_training_run(spec, 42);
  CHECK(first.trajectory_hash == again.trajectory_hash);
  CHECK(first.elapsed_s == again.elapsed_s);
  CHECK(first.interruptions == again.interruptions);
  CHECK(first.lost_work_s == again.lost_work_s);
  CHECK(first.events == again.events);
  CHECK(simulate_training_run(spec, 43).trajectory_hash != first.trajectory_hash);
  CHECK(simulate_training_run(spec, 42, 1).trajectory_hash != first.trajectory_hash);
}

TEST_CASE("training_run: interruption times do not depend on checkpointing (common numbers)") {
  // Interruptions are a wall-clock process of the allocation, so within a window that every
  // variant is still running, every variant sees the same ones.
  TrainingRunSpec spec = ten_hour_job_with_failures();
  spec.flops *= 100.0;  // 1,000 hours: still running at the window's end
  const std::int64_t reference = simulate_training_window(spec, 200'000.0, 5).interruptions;
  CHECK(reference > 0);
  for (const double interval : {600.0, 3600.0, 20'000.0}) {
    for (const double cost : {0.0, 60.0, 900.0}) {
      spec.checkpoint_interval_s = interval;
      spec.checkpoint_cost_s = cost;
      spec.restart_overhead_s = cost;
      const TrainingRunResult window = simulate_training_window(spec, 200'000.0, 5);
      CHECK_FALSE(window.completed);
      CHECK(window.interruptions == reference);
    }
  }
}

TEST_CASE("training_run: Daly's expected elapsed time, hand-computed") {
  // One segment, no checkpoint: W = 1,000 s, MTBF M = 1,000 s, R = 100 s:
  // M · e^(R/M) · (e^(W/M) - 1) = 1000 · e^0.1 · (e - 1) = 1,898.9951 s.
  TrainingRunSpec one = ten_hour_job();
  one.flops = 4e18;  // 1,000 s at 4e15 FLOP/s
  one.checkpoint_interval_s = std::numeric_limits<double>::infinity();
  one.restart_overhead_s = 100.0;
  one.failure_rate_per_gpu_s = 1.0 / (8.0 * 1000.0);
  CHECK(expected_elapsed_s(one) == doctest::Approx(1898.9951058707854).epsilon(1e-12));
  // The ten-hour job with M = 7,200 s: nine segments of 3,660 s and one of 3,600 s,
  // 7200 · e^(300/7200) · (9 · (e^(3660/7200) - 1) + (e^(3600/7200) - 1)) = 49,627.277 s.
  CHECK(expected_elapsed_s(ten_hour_job_with_failures()) ==
        doctest::Approx(49'627.277043811).epsilon(1e-10));
}

TEST_CASE("training_run: Young and Daly intervals, hand-computed") {
  // C = 60 s, M = 3,600 s: Young sqrt(2 · 60 · 3600) = 657.267 s; Daly
  // 657.267 · (1 + sqrt(1/120)/3 + (1/120)/9) - 60 = 617.876 s.
  CHECK(young_daly_interval_s(60.0, 3600.0) == doctest::Approx(657.2670690061993).epsilon(1e-14));
  CHECK(daly_interval_s(60.0, 3600.0) == doctest::Approx(617.8756496256495).epsilon(1e-12));
  CHECK(daly_interval_s(8000.0, 3600.0) == 3600.0);  // C >= 2M: checkpoint every MTBF
  CHECK(young_daly_interval_s(0.0, 3600.0) == 0.0);
  CHECK(young_daly_interval_s(60.0, std::numeric_limits<double>::infinity()) ==
        std::numeric_limits<double>::infinity());
  CHECK_THROWS_WITH_AS(young_daly_interval_s(-1.0, 10.0),
                       "Young/Daly needs a checkpoint cost >= 0 and an MTBF > 0, found -1 and 10",
                       std::invalid_argument);
}

/// Mean elapsed time of `runs` seeded runs, and its standard error.
struct SampleMean {
  double mean;
  double standard_error;
};

SampleMean mean_elapsed(const TrainingRunSpec& spec, int runs) {
  double sum = 0.0;
  double sum_squares = 0.0;
  for (int i = 0; i < runs; ++i) {
    const double elapsed =
        simulate_training_run(spec, 2024, static_cast<std::uint64_t>(i)).elapsed_s;
    sum += elapsed;
    sum_squares += elapsed * elapsed;
  }
  const double n = static_cast<double>(runs);
  const double mean = sum / n;
  const double variance = (sum_squares - n * mean * mean) / (n - 1.0);
  return SampleMean{mean, std::sqrt(variance / n)};
}

TEST_CASE("training_run: the mean simulated time agrees with Daly's expected time") {
  // Tolerance: 4 standard errors of the sample mean (a false alarm about 1 in 16,000), with
  // enough runs that 4 standard errors are under 1% of the expectation.
  const auto check = [](const TrainingRunSpec& spec, int runs) {
    const SampleMean simulated = mean_elapsed(spec, runs);
    const double expected = expected_elapsed_s(spec);
    INFO("simulated " << simulated.mean << " ± " << simulated.standard_error << " s, Daly "
                      << expected << " s");
    CHECK(std::abs(simulated.mean - expected) <= 4.0 * simulated.standard_error);
    CHECK(4.0 * simulated.standard_error < 0.01 * expected);
  };
  // Interruptions every 2 hours against hourly checkpoints: 49,627 s expected.
  check(ten_hour_job_with_failures(), 4000);
  // Harsh: an MTBF of 30 minutes, shorter than the interval, so interruptions often cut
  // checkpoints and restarts short; the spread is wider (a standard deviation of a quarter of
  // the mean), hence more runs.
  TrainingRunSpec harsh = ten_hour_job();
  harsh.failure_rate_per_gpu_s = 1.0 / (8.0 * 1800.0);
  check(harsh, 16'000);
  // Frequent cheap checkpoints, no restart time.
  TrainingRunSpec frequent = ten_hour_job_with_failures();
  frequent.checkpoint_interval_s = 500.0;
  frequent.checkpoint_cost_s = 5.0;
  frequent.restart_overhead_s = 0.0;
  check(frequent, 4000);
}

TEST_CASE("training_run: invalid specs are rejected with the rule they break") {
  // The ten-hour job with one field changed is rejected with `message`.
  const auto rejects = [](void (*change)(TrainingRunSpec&), const char* message) {
    TrainingRunSpec spec = ten_hour_job();
    change(spec);
    CHECK_THROWS_WITH_AS(check_training_run_spec(spec), message, std::invalid_argument);
    CHECK_THROWS_WITH_AS(simulate_training_run(spec, 1), message, std::invalid_argument);
    CHECK_THROWS_WITH_AS(expected_elapsed_s(spec), message, std::invalid_argument);
  };
  CHECK_NOTHROW(check_training_run_spec(ten_hour_job()));
  rejects([](TrainingRunSpec& s) { s.flops = 0.0; }, "FLOPs must be positive and finite, found 0");
  rejects([](TrainingRunSpec& s) { s.flops = std::numeric_limits<double>::infinity(); },
          "FLOPs must be positive and finite, found inf");
  rejects([](TrainingRunSpec& s) { s.gpus = 0; }, "GPUs must be positive, found 0");
  rejects([](TrainingRunSpec& s) { s.peak_flop_per_s = -1.0; },
          "peak FLOP/s per GPU must be positive and finite, found -1");
  rejects([](TrainingRunSpec& s) { s.mfu = 0.0; }, "MFU must be in (0, 1], found 0");
  rejects([](TrainingRunSpec& s) { s.mfu = 1.5; }, "MFU must be in (0, 1], found 1.5");
  rejects([](TrainingRunSpec& s) { s.checkpoint_interval_s = 0.0; },
          "checkpoint interval must be positive, found 0");
  rejects([](TrainingRunSpec& s) { s.checkpoint_cost_s = -1.0; },
          "checkpoint cost must be non-negative and at most 1e12 s, found -1");
  rejects([](TrainingRunSpec& s) { s.restart_overhead_s = std::nan(""); },
          "restart overhead must be non-negative and at most 1e12 s, found nan");
  rejects([](TrainingRunSpec& s) { s.failure_rate_per_gpu_s = -1e-9; },
          "failure rate per GPU must be non-negative and finite, found -1e-09");
  rejects([](TrainingRunSpec& s) { s.flops = 1e30; },
          "failure-free time must be at most 1e12 s, found 2.5e+14 s");

  CHECK_THROWS_WITH_AS(training_flops(0.0, 1e12),
                       "active parameters must be positive and finite, found 0",
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(training_flops(1e9, -5.0), "tokens must be positive and finite, found -5",
                       std::invalid_argument);
  TrainingJobSpec job;
  job.name = "pretrain";
  job.active_parameters = 37e9;
  CHECK_THROWS_WITH_AS(training_flops(job),
                       "training job 'pretrain': give flops, or active parameters and tokens "
                       "(6·N·D)",
                       std::invalid_argument);
  job.flops = 1e24;
  CHECK_THROWS_WITH_AS(
      training_flops(job),
      "training job 'pretrain': give flops or active parameters and tokens, not both",
      std::invalid_argument);
  job.active_parameters.reset();
  job.gpus = 0;
  CHECK_THROWS_WITH_AS(training_run_spec(job, 989e12, 0.0),
                       "training job 'pretrain': GPUs must be positive, found 0",
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(failure_rate_from_annual(-0.1),
                       "annual failure rate must be non-negative and finite, found -0.1",
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(simulate_training_window(ten_hour_job(), 0.0, 1),
                       "window must be in (0, 1e12] s, found 0", std::invalid_argument);
}

TEST_CASE("training_run: a run that would practically never finish is refused") {
  // No checkpoint in a 10-hour job interrupted every 100 s on average: finishing needs 36,000 s
  // free of interruptions, which takes 100 · e^3 · (e^360 - 1) s on average (restarts of
  // 300 s included).
  TrainingRunSpec hopeless = ten_hour_job();
  hopeless.checkpoint_interval_s = std::numeric_limits<double>::infinity();
  hopeless.failure_rate_per_gpu_s = 1.0 / (8.0 * 100.0);
  CHECK_THROWS_WITH_AS(simulate_training_run(hopeless, 1),
                       "training run is not expected to finish in range: expected 4.4555e+159 s "
                       "and 4.4555e+157 interruptions (checkpoint interval inf s against a job "
                       "MTBF of 100 s)",
                       std::invalid_argument);
  // A window of it is fine: about 100 interruptions in 10,000 s.
  CHECK(simulate_training_window(hopeless, 10'000.0, 1).interruptions > 50);
}

}  // namespace
}  // namespace capsim
