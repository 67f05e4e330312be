#pragma once
/// One training job on a fixed allocation of GPUs: how long it runs, what failures and
/// checkpoints cost, and the goodput that is left.
///
/// Two models. RunPlan is what the capacity model runs: a job's run on an allocation between
/// two interruptions, failure-free, with its checkpoint stalls; the fleet's failures stop it
/// (the fleet and the job see the same events), and the plan says what the last checkpoint
/// saved. simulate_training_run is the renewal model that Young's and Daly's formulas assume,
/// a job with interruptions of its own at G·λ and an immediate restart on spare GPUs: kept as
/// the exact reference those formulas are checked against (docs/validation.md), not used by
/// the capacity model.
///
/// The job needs `flops` of useful compute; on G GPUs of peak P at utilisation MFU it makes
/// progress at G·P·MFU FLOP/s, so failure-free it takes W = flops / (G·P·MFU) seconds. It
/// checkpoints after every `checkpoint_interval_s` of useful compute (not after the last piece
/// of work: the finished job needs no checkpoint), each checkpoint stalling it for
/// `checkpoint_cost_s`. Interruptions arrive as one Poisson process of rate G·λ over wall time
/// (the superposition of G independent GPUs, never G timers), in any state: computing,
/// checkpointing or restarting. Each loses the compute since the last completed checkpoint (a
/// checkpoint being written is lost too) and starts a restart of `restart_overhead_s`; an
/// interruption during a restart starts the restart over.
///
/// Goodput is useful GPU-time over elapsed GPU-time; on a fixed allocation the GPU counts
/// cancel, so it is useful_s / elapsed_s.

#include <cstdint>
#include <string>
#include <string_view>

#include "capsim/model/inputs.hpp"

namespace capsim {

/// A job on a fixed allocation, in canonical units. Validated by check_training_run_spec.
struct TrainingRunSpec {
  double flops = 0.0;                   ///< total useful compute, FLOP; > 0
  std::int64_t gpus = 0;                ///< GPUs held for the whole run; > 0
  double peak_flop_per_s = 0.0;         ///< dense peak per GPU at the job's precision; > 0
  double mfu = 0.0;                     ///< model FLOPs utilisation, in (0, 1]
  double checkpoint_interval_s = 0.0;   ///< useful compute between checkpoints; > 0, may be +inf
  double checkpoint_cost_s = 0.0;       ///< stall per checkpoint; >= 0
  double restart_overhead_s = 0.0;      ///< after each interruption; >= 0
  double failure_rate_per_gpu_s = 0.0;  ///< λ, interruptions per GPU per second; >= 0
};

/// What one simulated run did. Times are wall-clock seconds of the whole allocation;
/// elapsed_s = useful_s + lost_work_s + checkpoint_s + restart_s exactly (to the tick).
struct TrainingRunResult {
  double elapsed_s = 0.0;  ///< start to completion, or to the window's end (see completed)
  /// Compute that counts: the failure-free time W when completed; at a window's end, the
  /// progress made so far (checkpointed or not), since nothing has discarded it yet.
  double useful_s = 0.0;
  std::int64_t interruptions = 0;
  std::int64_t checkpoints = 0;       ///< checkpoints completed
  double lost_work_s = 0.0;           ///< compute discarded by interruptions
  double checkpoint_s = 0.0;          ///< time spent writing checkpoints, interrupted ones included
  double restart_s = 0.0;             ///< time spent restarting, interrupted restarts included
  double goodput = 0.0;               ///< useful_s / elapsed_s
  double gpu_hours = 0.0;             ///< gpus · elapsed_s / 3600
  bool completed = false;             ///< the job finished (always, for simulate_training_run)
  std::uint64_t events = 0;           ///< engine events fired
  std::uint64_t trajectory_hash = 0;  ///< Engine::trajectory_hash of the run
};

/// Compute of a dense-equivalent training run, 6 · N_active · D FLOP (forward 2, backward 4
/// FLOP per active parameter per token; attention FLOPs are not counted).
/// Preconditions (else std::invalid_argument): both positive and finite. O(1).
double training_flops(double active_parameters, double tokens);

/// FLOPs of a scenario job: `flops` when given, else 6 · active_parameters · tokens.
/// Throws std::invalid_argument naming the job when both or neither are given, or a value is
/// not positive. O(1).
double training_flops(const TrainingJobSpec& job);

/// Per-GPU failure rate λ (per second) from expected failures per GPU-year, over a Julian
/// year. Precondition: >= 0 and finite. O(1).
double failure_rate_from_annual(double failures_per_gpu_year);

/// The run spec of `job` needing `flops` on its own GPUs at its base MFU, its checkpoint
/// interval (auto: for its GPUs at λ) and stall, not validated (training_run_problem says
/// whether it can run). O(1).
TrainingRunSpec run_spec_of(const TrainingJobSpec& job, double flops, double peak_flop_per_s,
                            double failure_rate_per_gpu_s);

/// The run spec of `job` on its own `gpus`, at `peak_flop_per_s` (the accelerator's peak at
/// job.precision, AcceleratorSpec::peak_flop_per_s) and per-GPU failure rate λ. MFU is the
/// job's base MFU: fabric and efficiency-timeline effects belong to the scheduler. Validated
/// (std::invalid_argument). O(1).
TrainingRunSpec training_run_spec(const TrainingJobSpec& job, double peak_flop_per_s,
                                  double failure_rate_per_gpu_s);

/// Longest single duration a spec may hold (seconds, about 31,700 years): keeps every tick sum
/// of a run far inside the engine's int64 range.
inline constexpr double kMaxTrainingDurationS = 1e12;

/// Throws std::invalid_argument with a message naming the first invalid field: non-positive
/// or non-finite FLOPs, GPUs, peak; MFU outside (0, 1]; a non-positive checkpoint interval;
/// negative or non-finite checkpoint cost, restart overhead or failure rate; a failure-free
/// time, checkpoint cost or restart overhead beyond kMaxTrainingDurationS. O(1).
void check_training_run_spec(const TrainingRunSpec& spec);

/// Failure-free run time W = flops / (gpus · peak_flop_per_s · mfu), seconds. Validates. O(1).
double failure_free_time_s(const TrainingRunSpec& spec);

/// Mean time between interruptions of the whole job, 1 / (gpus · λ), seconds; +inf for λ = 0.
double job_mtbf_s(const TrainingRunSpec& spec);

/// Young, "A first order approximation to the optimum checkpoint interval" (CACM, 1974): the
/// checkpoint interval that maximises goodput, sqrt(2 · C · MTBF).
/// Preconditions: cost >= 0 and finite, mtbf > 0 (+inf gives +inf). O(1).
double young_daly_interval_s(double checkpoint_cost_s, double mtbf_s);

/// Daly, "A higher order estimate of the optimum checkpoint interval for restart dumps"
/// (FGCS, 2006): sqrt(2CM) · (1 + sqrt(C/2M)/3 + (C/2M)/9) − C for C < 2M, else M. Closer to
/// the true optimum than Young's when C is not small against M.
/// Preconditions as young_daly_interval_s. O(1).
double daly_interval_s(double checkpoint_cost_s, double mtbf_s);

/// Expected wall time of the run by Daly's (2006) complete model, a renewal argument applied
/// to each segment between checkpoints: a segment of s seconds (interval + checkpoint cost,
/// or the last piece of work alone) takes M · e^(R/M) · (e^(s/M) − 1) on average, with
/// M = job_mtbf_s and R the restart overhead. It is exact in expectation for this model's
/// assumptions (exponential interruptions in every state, restarts that can be interrupted),
/// not a first-order approximation; to first order it is Young's W · (1 + C/τ + (τ/2 + R)/M).
/// Segments are cut in ticks exactly as the simulation cuts them. For λ = 0 it is W plus the
/// checkpoint stalls. May be +inf when segments are many MTBFs long. Validates. O(1).
double expected_elapsed_s(const TrainingRunSpec& spec);

/// Why simulate_training_run cannot run `spec` (the message it would throw: an invalid field,
/// or a run not expected to end in range), or empty when it can. O(1).
std::string training_run_problem(const TrainingRunSpec& spec);

/// What a run had done `elapsed` seconds after it started (see RunPlan).
struct RunProgress {
  double done_s = 0.0;   ///< useful compute done, checkpointed or not
  double saved_s = 0.0;  ///< of it, held by checkpoints written (durable)
  /// Run time those checkpoints account for: the restart, their work and their stalls.
  double saved_elapsed_s = 0.0;
  std::int64_t checkpoints = 0;  ///< durable
};

/// A job's run on one allocation, failure-free until the fleet interrupts it: a restart (none
/// for a first run), then segments of `interval_s` useful compute each followed by a
/// checkpoint stall of `stall_s`, no checkpoint after the last piece of work. A checkpoint
/// counts once written: `durable_after_s` after its stall ends (an asynchronous checkpoint's
/// write, which overlaps compute; 0 for a synchronous one, whose stall is the write).
struct RunPlan {
  double remaining_s = 0.0;  ///< useful compute left to do; > 0
  double interval_s = 0.0;   ///< > 0, may be +inf (no checkpoints)
  double stall_s = 0.0;
  double durable_after_s = 0.0;
  double restart_s = 0.0;
  /// Checkpoints the run writes if not interrupted.
  std::int64_t checkpoints() const;
  /// Start to completion, uninterrupted, seconds. O(1).
  double elapsed_s() const;
  /// What the run had done `elapsed_s` (>= 0) after its start. O(1).
  RunProgress at(double elapsed_s) const;
};

/// The checkpoint stall of a job: its snapshot when asynchronous, else its whole write.
double checkpoint_stall_s(const TrainingJobSpec& job);

/// The checkpoint interval of `job` on `gpus` GPUs: its own, or for `auto` (none given)
/// Young's sqrt(2 · C · M) with C its checkpoint stall and M = 1 / (gpus · λ) at the
/// interrupting causes' rate λ per GPU-second; +inf when λ = 0; at least 1 s when C = 0.
double checkpoint_interval_s(const TrainingJobSpec& job, std::int64_t gpus,
                             double interrupting_rate_per_gpu_s);

/// The interruption stream of a run on its own.
inline constexpr std::string_view kInterruptionsStream = "training.interruptions";

/// Simulates the run to completion on its own engine. Events: segment ends (a checkpoint
/// starts, or the job completes), checkpoint completions, interruptions (one Poisson process
/// at gpus · λ, the named `stream` of (seed, replication): a model running many jobs names
/// one per job) and restart completions. Durations are rounded to the engine's microsecond
/// tick. Deterministic for (spec, seed, replication, stream); runs that differ only in checkpoint
/// interval, cost or restart overhead see the same interruption times (common random numbers).
/// Throws std::invalid_argument for an invalid spec, or when the run is not expected to end in
/// range: expected_elapsed_s above 1e11 s or above 1e9 expected interruptions.
/// O(checkpoints + interruptions) events, each O(log p) for the few pending events p (the
/// next progress event, the next interruption, tombstones of cancelled ones).
TrainingRunResult simulate_training_run(const TrainingRunSpec& spec, std::uint64_t seed,
                                        std::uint64_t replication = 0,
                                        std::string_view stream = kInterruptionsStream);

/// Simulates only the window [0, window_s] of wall time (or to completion, if earlier): the
/// interruptions, checkpoints and progress of that window, as when a published count covers a
/// snapshot of a longer run. The interruption times are those of simulate_training_run with
/// the same arguments. Throws std::invalid_argument for an invalid spec, or a window not in
/// (0, kMaxTrainingDurationS] or expected to hold above 1e9 interruptions. O(events in window).
TrainingRunResult simulate_training_window(const TrainingRunSpec& spec, double window_s,
                                           std::uint64_t seed, std::uint64_t replication = 0,
                                           std::string_view stream = kInterruptionsStream);

}  // namespace capsim
