#pragma once
/// The capacity model: the wiring of its parts (model/fleet, training, inference, planning,
/// economics, reporting) on one engine over the scenario's horizon. docs/architecture.md
/// draws the parts and their seams.

#include <cstdint>
#include <functional>
#include <optional>

#include "capsim/model/inputs.hpp"
#include "capsim/model/run_results.hpp"

namespace capsim {

/// How GPU failures run. `when_observed`: one engine event per failure and repair only when a
/// workload (training or serving) reacts to them, else drawn whole per pool (FailurePath);
/// `always`: every failure and repair an event, for the tests that check the two agree.
enum class FailureEvents { when_observed, always };

/// Who watches a run as it goes.
struct RunObservers {
  /// Takes jobs.csv's rows as jobs finish (CapacityRun::jobs then stays empty); none: the rows
  /// collect in CapacityRun::jobs.
  JobRecordSink* jobs = nullptr;
  /// Called every `progress_every_events` events with the simulated time reached and the events
  /// fired so far (a progress line); it only observes.
  std::function<void(Tick now, std::uint64_t events)> progress;
  std::uint64_t progress_every_events = 65536;
};

/// Runs the capacity model of a validated scenario. `reporting_period` overrides the
/// scenario's (the model's trajectory does not depend on it; only the rows do).
CapacityRun run_capacity(const Scenario& scenario,
                         std::optional<PeriodUnit> reporting_period = std::nullopt,
                         FailureEvents failure_events = FailureEvents::when_observed,
                         const RunObservers& observers = {});

}  // namespace capsim
