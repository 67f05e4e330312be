#include "capsim/model/capacity_model.hpp"

#include "capsim/engine/engine.hpp"
#include "capsim/model/economics/running_costs.hpp"
#include "capsim/model/fleet/cluster_book.hpp"
#include "capsim/model/fleet/fleet.hpp"
#include "capsim/model/fleet/sites.hpp"
#include "capsim/model/inference/serving.hpp"
#include "capsim/model/model_context.hpp"
#include "capsim/model/model_parts.hpp"
#include "capsim/model/planning/model_planning.hpp"
#include "capsim/model/reporting/timeseries.hpp"
#include "capsim/model/training/training_workload.hpp"

namespace capsim {

namespace {

/// The wiring: builds the parts on one engine, sets them up in the order their names and
/// events depend on, runs the horizon and lets each part close its books.
class CapacityModel {
 public:
  CapacityModel(const Scenario& scenario, PeriodUnit reporting_period, CapacityRun& run,
                FailureEvents failure_events, const RunObservers& observers)
      : context_(scenario, engine_, run),
        sites_(context_),
        costs_(context_),
        fleet_(context_, sites_, book_, costs_),
        training_(context_, book_, fleet_.power(), observers.jobs),
        inference_(context_, book_, fleet_.power(), training_),
        parts_{context_, sites_, book_, fleet_, costs_, training_, inference_},
        planning_(context_, parts_, sites_, fleet_, book_, inference_,
                  make_planner(scenario.planner.policy)),
        reporting_(context_, parts_, reporting_period) {
    fleet_.set_every_failure_an_event(failure_events == FailureEvents::always);
    if (observers.progress) {
      engine_.set_progress_hook(observers.progress_every_events,
                                [this, progress = observers.progress] {
                                  progress(engine_.now(), engine_.events_fired());
                                });
    }
  }

  void run() {
    // Cluster indices follow the order clusters are named in: the scenario's existing
    // clusters, the fixed planner's orders, then whatever planners add as they run.
    training_.set_up_jobs();
    sites_.set_up(planning_.planner().starts_sites_with_scenario());
    fleet_.power().size_to_sites();
    fleet_.set_up_clusters();
    planning_.set_up();
    fleet_.set_up_leases();
    inference_.set_up();
    fleet_.power().set_workload_simulated(!training_.empty() || !inference_.empty());
    training_.set_up_scheduler();
    fleet_.set_up_failures();
    planning_.start_reviews();
    costs_.set_up();
    reporting_.set_up();
    // The horizon is [start, end): what is due at the end (a delivery, a retirement, a job's
    // start) is not in the run, and the last sample is taken at the end by finish().
    engine_.run_before(context_.end);
    reporting_.finish();
    const CapacitySummary& summary = context_.run.summary;
    training_.finish(summary.gpu_seconds_available);
    inference_.finish(reporting_.service_dollars(), summary.carbon_per_gpu_hour_g);
    // Failures drawn as paths count as the candidate and repair events they stand for: the
    // figure is the same whichever way they ran.
    context_.run.events =
        engine_.events_fired() - reporting_.samples_taken() + fleet_.path_events();
  }

 private:
  Engine engine_;
  ModelContext context_;
  ClusterBook book_;
  Sites sites_;
  RunningCosts costs_;
  Fleet fleet_;
  TrainingWorkload training_;
  InferenceFleet inference_;
  ModelParts parts_;
  ModelPlanning planning_;
  Reporting reporting_;
};

}  // namespace

CapacityRun run_capacity(const Scenario& scenario, std::optional<PeriodUnit> reporting_period,
                         FailureEvents failure_events, const RunObservers& observers) {
  CapacityRun run;
  CapacityModel model(scenario, reporting_period.value_or(scenario.scenario.reporting_period), run,
                      failure_events, observers);
  model.run();
  return run;
}

}  // namespace capsim
