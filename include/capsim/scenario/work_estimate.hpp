#pragma once
/// The work a scenario asks for, estimated from its inputs before anything runs, and the
/// ceilings past which capsim refuses it unless the user says --allow-large. A run's time and
/// memory grow with these drivers (measured, docs/scenarios.md "Work ceilings"): a typo of a
/// few zeros in an arrival rate or a horizon must not turn into hours of work or gigabytes.

#include <optional>
#include <string>

#include "capsim/core/diagnostics.hpp"
#include "capsim/model/inputs.hpp"
#include "capsim/scenario/config_node.hpp"

namespace capsim::scenario {

/// What drives a run's time and memory.
struct WorkEstimate {
  /// Listed jobs plus the generator's expected arrivals: every job is generated up front and
  /// kept to the end (about 1.2 KB each), and each costs a few events.
  double training_jobs = 0.0;
  /// Services × hours of the horizon: serving is sized hour by hour.
  double service_hours = 0.0;
  /// Expected GPU failures: the GPUs of the scenario's clusters and the fixed planner's orders
  /// × the failure causes' rates × the horizon. Each failure is an event and a repair (a budget
  /// or demand planner's GPUs, bought as it runs, are not counted).
  double gpu_failures = 0.0;
  /// Rows of timeseries.csv (informative: the horizon's range bounds it).
  double reporting_periods = 0.0;
};

/// Ceilings, chosen so that a run just under each takes about ten seconds and under 1 GB on a
/// 2-core machine of 2026 when the fleet keeps up with its work (the figures, and the slower
/// case of a huge training backlog, are in docs/scenarios.md).
inline constexpr double kMaxTrainingJobs = 500'000;
inline constexpr double kMaxServiceHours = 20'000'000;
inline constexpr double kMaxGpuFailures = 30'000'000;

/// The estimate for `scenario`, with the reporting period `period` when given (capsim run
/// --period) instead of the scenario's. Pure; O(1) apart from counting the lists.
WorkEstimate estimate_work(const Scenario& scenario, std::optional<PeriodUnit> period = {});

/// Adds a diagnostic for each ceiling the estimate passes, placed at the key that drives it in
/// `document` (the resolved scenario), with the estimate, the ceiling and how to run it anyway.
void check_work_estimate(const Scenario& scenario, const ConfigNode& document,
                         std::optional<PeriodUnit> period, Diagnostics& diagnostics);

/// The "Work ceilings" section of docs/scenarios.md.
std::string work_ceilings_markdown();

}  // namespace capsim::scenario
