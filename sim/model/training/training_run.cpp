#include "capsim/model/training/training_run.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

#include "capsim/engine/engine.hpp"
#include "capsim/engine/random.hpp"

namespace capsim {

namespace {

// Progress before interruptions at an equal tick: a checkpoint that completes in the same
// microsecond as a failure counts as written. Ties have probability zero in continuous time;
// the rule only has to be fixed.
constexpr Phase kProgressPhase{0};
constexpr Phase kInterruptionPhase{1};

enum Kinds : EventKind { kSegmentDone, kCheckpointDone, kRestartDone, kInterruption };

// Elapsed times have exponential tails, so admitting runs expected to last up to 1e11 s makes
// a run nearing the int64 tick limit (9.2e12 s) vanishingly unlikely. No interruption is
// scheduled past kLastInterruptionS: what can remain then (a restart of at most 1e12 s and the
// failure-free rest, below 1e11 s) ends inside the limit, so no tick can overflow.
constexpr double kMaxExpectedElapsedS = 1e11;
constexpr double kLastInterruptionS = 8e12;
constexpr double kMaxExpectedInterruptions = 1e9;

bool positive_finite(double value) {
  return value > 0.0 && std::isfinite(value);
}

bool non_negative_finite(double value) {
  return value >= 0.0 && std::isfinite(value);
}

double job_rate_per_s(const TrainingRunSpec& spec) {
  return static_cast<double>(spec.gpus) * spec.failure_rate_per_gpu_s;
}

// The run as the engine sees it. The interval is capped at the work so that an infinite (or
// longer than the job) interval simply means no checkpoint.
struct TickDurations {
  Tick work;
  Tick interval;
  Tick checkpoint;
  Tick restart;
};

TickDurations tick_durations(const TrainingRunSpec& spec) {
  const double work_s = failure_free_time_s(spec);
  TickDurations ticks{};
  ticks.work = std::max<Tick>(1, ticks_from_seconds(work_s));
  ticks.interval = spec.checkpoint_interval_s >= work_s
                       ? ticks.work
                       : std::max<Tick>(1, ticks_from_seconds(spec.checkpoint_interval_s));
  ticks.checkpoint = ticks_from_seconds(spec.checkpoint_cost_s);
  ticks.restart = ticks_from_seconds(spec.restart_overhead_s);
  return ticks;
}

class TrainingRunModel final : public EventHandler {
 public:
  TrainingRunModel(Engine& engine, const TrainingRunSpec& spec, std::uint64_t seed,
                   std::uint64_t replication, std::string_view stream)
      : engine_(engine),
        ticks_(tick_durations(spec)),
        rate_per_s_(job_rate_per_s(spec)),
        interruptions_stream_(seed, replication, stream) {
    self_ = engine_.add_handler(*this);
  }

  void start() {
    start_segment();
    schedule_interruption();
  }

  void on_event(Engine& /*engine*/, const Event& event) override {
    switch (event.kind) {
      case kSegmentDone:
        segment_done();
        break;
      case kCheckpointDone:
        checkpoint_done();
        break;
      case kRestartDone:
        restart_done();
        break;
      default:
        interrupt();
        break;
    }
  }

  /// The run's figures at `end` (its completion, or a window's end while it still runs).
  TrainingRunResult result(Tick end, std::int64_t gpus) const {
    Tick useful = saved_;
    Stalls stalls = stalls_;
    if (state_ == State::done)
      useful = ticks_.work;
    else
      add_current_state(end, useful, stalls);
    TrainingRunResult result;
    result.elapsed_s = seconds_from_ticks(end);
    result.useful_s = seconds_from_ticks(useful);
    result.interruptions = interruptions_;
    result.checkpoints = checkpoints_;
    result.lost_work_s = seconds_from_ticks(lost_ticks_);
    result.checkpoint_s = seconds_from_ticks(stalls.checkpoint);
    result.restart_s = seconds_from_ticks(stalls.restart);
    result.goodput = end > 0 ? static_cast<double>(useful) / static_cast<double>(end) : 0.0;
    result.gpu_hours = static_cast<double>(gpus) * result.elapsed_s / 3600.0;
    result.completed = state_ == State::done;
    return result;
  }

  bool done() const { return state_ == State::done; }
  Tick completion() const { return completion_; }

 private:
  enum class State { computing, checkpointing, restarting, done };

  // Time the run spent writing checkpoints and restarting, interrupted ones included.
  struct Stalls {
    Tick checkpoint = 0;
    Tick restart = 0;
  };

  // Adds the time of the state the run is in, from its start to `now`: the work it computed
  // (or, while checkpointing, the segment's work it is saving) to `work`, its checkpoint or
  // restart time to `stalls`. Not for a run that is done.
  void add_current_state(Tick now, Tick& work, Stalls& stalls) const {
    switch (state_) {
      case State::computing:
        work += now - state_start_;
        break;
      case State::checkpointing:
        work += segment_work_;
        stalls.checkpoint += now - state_start_;
        break;
      case State::restarting:
        stalls.restart += now - state_start_;
        break;
      case State::done:
        break;
    }
  }

  void start_segment() {
    state_ = State::computing;
    state_start_ = engine_.now();
    segment_work_ = std::min(ticks_.interval, ticks_.work - saved_);
    pending_ = engine_.schedule_after(segment_work_, kProgressPhase, self_, kSegmentDone);
  }

  void segment_done() {
    if (saved_ + segment_work_ == ticks_.work) {
      state_ = State::done;
      completion_ = engine_.now();
      // Nothing else is pending, so the run ends here.
      engine_.cancel(interruption_);
      return;
    }
    state_ = State::checkpointing;
    state_start_ = engine_.now();
    pending_ = engine_.schedule_after(ticks_.checkpoint, kProgressPhase, self_, kCheckpointDone);
  }

  void checkpoint_done() {
    stalls_.checkpoint += engine_.now() - state_start_;
    saved_ += segment_work_;
    ++checkpoints_;
    start_segment();
  }

  void restart_done() {
    stalls_.restart += engine_.now() - state_start_;
    start_segment();
  }

  void interrupt() {
    const Tick now = engine_.now();
    ++interruptions_;
    if (state_ == State::done)
      return;  // unreachable: completion cancels the process
    // The work since the last checkpoint is lost.
    add_current_state(now, lost_ticks_, stalls_);
    engine_.cancel(pending_);
    state_ = State::restarting;
    state_start_ = now;
    pending_ = engine_.schedule_after(ticks_.restart, kProgressPhase, self_, kRestartDone);
    schedule_interruption();
  }

  // One process for the whole allocation: by superposition G independent Poisson failure
  // processes of rate λ are one of rate G·λ, so the cost is per interruption, not per GPU.
  void schedule_interruption() {
    if (rate_per_s_ <= 0.0)
      return;
    const double delay_s = interruptions_stream_.exponential(rate_per_s_);
    if (seconds_from_ticks(engine_.now()) + delay_s > kLastInterruptionS)
      return;
    interruption_ = engine_.schedule_after(ticks_from_seconds(delay_s), kInterruptionPhase, self_,
                                           kInterruption);
  }

  Engine& engine_;
  TickDurations ticks_;
  double rate_per_s_;
  RandomStream interruptions_stream_;
  HandlerId self_{};
  State state_ = State::computing;
  Tick state_start_ = 0;
  Tick segment_work_ = 0;
  Tick saved_ = 0;
  Tick completion_ = 0;
  Tick lost_ticks_ = 0;
  Stalls stalls_;
  std::int64_t interruptions_ = 0;
  std::int64_t checkpoints_ = 0;
  EventHandle pending_{};
  EventHandle interruption_{};
};

// Runs the model on an engine of its own to its completion, or up to `until`, and reads it
// then: at its completion, or at the window's end while it still runs.
TrainingRunResult run_model(const TrainingRunSpec& spec, std::optional<Tick> until,
                            std::uint64_t seed, std::uint64_t replication,
                            std::string_view stream) {
  Engine engine;
  engine.enable_trajectory_hash();
  TrainingRunModel model(engine, spec, seed, replication, stream);
  model.start();
  const std::uint64_t events = until ? engine.run_until(*until) : engine.run();
  TrainingRunResult result =
      model.result(model.done() ? model.completion() : engine.now(), spec.gpus);
  result.events = events;
  result.trajectory_hash = engine.trajectory_hash();
  return result;
}

std::string duration_problem(double value, const char* what) {
  if (!(value >= 0.0 && value <= kMaxTrainingDurationS))
    return fmt::format("{} must be non-negative and at most 1e12 s, found {}", what, value);
  return {};
}

/// The first invalid field of a spec, or empty.
std::string spec_problem(const TrainingRunSpec& spec) {
  if (!positive_finite(spec.flops))
    return fmt::format("FLOPs must be positive and finite, found {}", spec.flops);
  if (spec.gpus <= 0)
    return fmt::format("GPUs must be positive, found {}", spec.gpus);
  if (!positive_finite(spec.peak_flop_per_s)) {
    return fmt::format("peak FLOP/s per GPU must be positive and finite, found {}",
                       spec.peak_flop_per_s);
  }
  if (!(spec.mfu > 0.0 && spec.mfu <= 1.0))
    return fmt::format("MFU must be in (0, 1], found {}", spec.mfu);
  if (!(spec.checkpoint_interval_s > 0.0)) {
    return fmt::format("checkpoint interval must be positive, found {}",
                       spec.checkpoint_interval_s);
  }
  if (std::string problem = duration_problem(spec.checkpoint_cost_s, "checkpoint cost");
      !problem.empty())
    return problem;
  if (std::string problem = duration_problem(spec.restart_overhead_s, "restart overhead");
      !problem.empty())
    return problem;
  if (!non_negative_finite(spec.failure_rate_per_gpu_s)) {
    return fmt::format("failure rate per GPU must be non-negative and finite, found {}",
                       spec.failure_rate_per_gpu_s);
  }
  const double work_s =
      spec.flops / (static_cast<double>(spec.gpus) * spec.peak_flop_per_s * spec.mfu);
  if (!(work_s <= kMaxTrainingDurationS))
    return fmt::format("failure-free time must be at most 1e12 s, found {:.6g} s", work_s);
  return {};
}

}  // namespace

double training_flops(double active_parameters, double tokens) {
  if (!positive_finite(active_parameters)) {
    throw std::invalid_argument(
        fmt::format("active parameters must be positive and finite, found {}", active_parameters));
  }
  if (!positive_finite(tokens)) {
    throw std::invalid_argument(
        fmt::format("tokens must be positive and finite, found {}", tokens));
  }
  return 6.0 * active_parameters * tokens;
}

double training_flops(const TrainingJobSpec& job) {
  const bool by_parameters = job.active_parameters.has_value() || job.tokens.has_value();
  if (job.flops && by_parameters) {
    throw std::invalid_argument(fmt::format(
        "training job '{}': give flops or active parameters and tokens, not both", job.name));
  }
  if (job.flops) {
    if (!positive_finite(*job.flops)) {
      throw std::invalid_argument(fmt::format(
          "training job '{}': FLOPs must be positive and finite, found {}", job.name, *job.flops));
    }
    return *job.flops;
  }
  if (!job.active_parameters || !job.tokens) {
    throw std::invalid_argument(fmt::format(
        "training job '{}': give flops, or active parameters and tokens (6·N·D)", job.name));
  }
  try {
    return training_flops(*job.active_parameters, *job.tokens);
  } catch (const std::invalid_argument& error) {
    throw std::invalid_argument(fmt::format("training job '{}': {}", job.name, error.what()));
  }
}

double failure_rate_from_annual(double failures_per_gpu_year) {
  if (!non_negative_finite(failures_per_gpu_year)) {
    throw std::invalid_argument(fmt::format(
        "annual failure rate must be non-negative and finite, found {}", failures_per_gpu_year));
  }
  return failures_per_gpu_year / kSecondsPerYear;
}

TrainingRunSpec run_spec_of(const TrainingJobSpec& job, double flops, double peak_flop_per_s,
                            double failure_rate_per_gpu_s) {
  TrainingRunSpec spec;
  spec.flops = flops;
  spec.gpus = job.gpus;
  spec.peak_flop_per_s = peak_flop_per_s;
  spec.mfu = job.base_mfu;
  spec.checkpoint_interval_s = checkpoint_interval_s(job, job.gpus, failure_rate_per_gpu_s);
  spec.checkpoint_cost_s = checkpoint_stall_s(job);
  spec.restart_overhead_s = job.restart_overhead_s;
  spec.failure_rate_per_gpu_s = failure_rate_per_gpu_s;
  return spec;
}

TrainingRunSpec training_run_spec(const TrainingJobSpec& job, double peak_flop_per_s,
                                  double failure_rate_per_gpu_s) {
  const TrainingRunSpec spec =
      run_spec_of(job, training_flops(job), peak_flop_per_s, failure_rate_per_gpu_s);
  try {
    check_training_run_spec(spec);
  } catch (const std::invalid_argument& error) {
    throw std::invalid_argument(fmt::format("training job '{}': {}", job.name, error.what()));
  }
  return spec;
}

namespace {

// Checkpoints of a plan as a real number: +inf for a run that never ends.
double planned_checkpoints(const RunPlan& plan) {
  if (!std::isfinite(plan.interval_s) || plan.interval_s >= plan.remaining_s)
    return 0.0;
  // One after every full interval, none after the last piece of work.
  return std::ceil(plan.remaining_s / plan.interval_s) - 1.0;
}

}  // namespace

std::int64_t RunPlan::checkpoints() const {
  const double planned = planned_checkpoints(*this);
  return planned < 9e18 ? static_cast<std::int64_t>(planned) : INT64_MAX;
}

double RunPlan::elapsed_s() const {
  const double planned = planned_checkpoints(*this);
  return restart_s + remaining_s + (planned > 0.0 ? planned * stall_s : 0.0);
}

RunProgress RunPlan::at(double elapsed) const {
  RunProgress progress;
  const double running_s = elapsed - restart_s;  // since the restart
  if (running_s <= 0.0)
    return progress;
  const double planned = planned_checkpoints(*this);
  const double cycle_s = interval_s + stall_s;
  // Segments whose stall has begun by now, and checkpoints written by now.
  const double started = planned > 0.0 ? std::min(planned, std::floor(running_s / cycle_s)) : 0.0;
  const double stall_now_s =
      planned > 0.0 ? std::min(stall_s, std::max(0.0, running_s - started * cycle_s - interval_s))
                    : 0.0;
  progress.done_s = std::min(remaining_s, running_s - started * stall_s - stall_now_s);
  const double written_s = running_s - durable_after_s;
  const double written = written_s > 0.0 && planned > 0.0
                             ? std::min(planned, std::floor(written_s / cycle_s + 1e-12))
                             : 0.0;
  progress.checkpoints = static_cast<std::int64_t>(written);
  progress.saved_s = written > 0.0 ? written * interval_s : 0.0;  // 0 · inf is not 0
  progress.saved_elapsed_s = written > 0.0 ? restart_s + written * cycle_s : 0.0;
  return progress;
}

double checkpoint_stall_s(const TrainingJobSpec& job) {
  return job.checkpoint_async ? job.checkpoint_snapshot_s : job.checkpoint_write_s;
}

double checkpoint_interval_s(const TrainingJobSpec& job, std::int64_t gpus,
                             double interrupting_rate_per_gpu_s) {
  if (job.checkpoint_interval_s)
    return *job.checkpoint_interval_s;
  const double rate = static_cast<double>(gpus) * interrupting_rate_per_gpu_s;
  if (!(rate > 0.0))
    return std::numeric_limits<double>::infinity();
  return std::max(1.0, young_daly_interval_s(checkpoint_stall_s(job), 1.0 / rate));
}

void check_training_run_spec(const TrainingRunSpec& spec) {
  if (std::string problem = spec_problem(spec); !problem.empty())
    throw std::invalid_argument(problem);
}

std::string training_run_problem(const TrainingRunSpec& spec) {
  if (std::string problem = spec_problem(spec); !problem.empty())
    return problem;
  const double expected_s = expected_elapsed_s(spec);
  const double expected_interruptions = expected_s * job_rate_per_s(spec);
  if (!(expected_s <= kMaxExpectedElapsedS) ||
      !(expected_interruptions <= kMaxExpectedInterruptions)) {
    return fmt::format(
        "training run is not expected to finish in range: expected {:.6g} s and {:.6g} "
        "interruptions (checkpoint interval {:.6g} s against a job MTBF of {:.6g} s)",
        expected_s, expected_interruptions, spec.checkpoint_interval_s, job_mtbf_s(spec));
  }
  return {};
}

double failure_free_time_s(const TrainingRunSpec& spec) {
  check_training_run_spec(spec);
  return spec.flops / (static_cast<double>(spec.gpus) * spec.peak_flop_per_s * spec.mfu);
}

double job_mtbf_s(const TrainingRunSpec& spec) {
  const double rate = job_rate_per_s(spec);
  return rate > 0.0 ? 1.0 / rate : std::numeric_limits<double>::infinity();
}

double young_daly_interval_s(double checkpoint_cost_s, double mtbf_s) {
  if (!non_negative_finite(checkpoint_cost_s) || !(mtbf_s > 0.0)) {
    throw std::invalid_argument(
        fmt::format("Young/Daly needs a checkpoint cost >= 0 and an MTBF > 0, found {} and {}",
                    checkpoint_cost_s, mtbf_s));
  }
  return std::sqrt(2.0 * checkpoint_cost_s * mtbf_s);
}

double daly_interval_s(double checkpoint_cost_s, double mtbf_s) {
  const double young = young_daly_interval_s(checkpoint_cost_s, mtbf_s);
  if (!(checkpoint_cost_s < 2.0 * mtbf_s))
    return mtbf_s;
  const double ratio = checkpoint_cost_s / (2.0 * mtbf_s);
  return young * (1.0 + std::sqrt(ratio) / 3.0 + ratio / 9.0) - checkpoint_cost_s;
}

double expected_elapsed_s(const TrainingRunSpec& spec) {
  const TickDurations ticks = tick_durations(spec);
  const Tick full_segments = (ticks.work - 1) / ticks.interval;
  const Tick last_work = ticks.work - full_segments * ticks.interval;
  const double full_s = seconds_from_ticks(ticks.interval + ticks.checkpoint);
  const double last_s = seconds_from_ticks(last_work);
  const double rate = job_rate_per_s(spec);
  if (rate == 0.0) {
    return seconds_from_ticks(ticks.work + full_segments * ticks.checkpoint);
  }
  // expm1 keeps the tiny-rate limit (segments much shorter than the MTBF) accurate.
  const double per_segment =
      static_cast<double>(full_segments) * std::expm1(rate * full_s) + std::expm1(rate * last_s);
  return std::exp(rate * seconds_from_ticks(ticks.restart)) * per_segment / rate;
}

TrainingRunResult simulate_training_run(const TrainingRunSpec& spec, std::uint64_t seed,
                                        std::uint64_t replication, std::string_view stream) {
  if (std::string problem = training_run_problem(spec); !problem.empty())
    throw std::invalid_argument(problem);
  return run_model(spec, std::nullopt, seed, replication, stream);
}

TrainingRunResult simulate_training_window(const TrainingRunSpec& spec, double window_s,
                                           std::uint64_t seed, std::uint64_t replication,
                                           std::string_view stream) {
  check_training_run_spec(spec);
  if (!(window_s > 0.0 && window_s <= kMaxTrainingDurationS)) {
    throw std::invalid_argument(fmt::format("window must be in (0, 1e12] s, found {}", window_s));
  }
  const double expected_interruptions = window_s * job_rate_per_s(spec);
  if (!(expected_interruptions <= kMaxExpectedInterruptions)) {
    throw std::invalid_argument(
        fmt::format("window of {} s expects {:.6g} interruptions, more than {:.6g}", window_s,
                    expected_interruptions, kMaxExpectedInterruptions));
  }
  return run_model(spec, ticks_from_seconds(window_s), seed, replication, stream);
}

}  // namespace capsim
