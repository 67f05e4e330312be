#pragma once
/// The declared scenario language: one RecordSchema per section (see schema.hpp).

#include <string>
#include <utility>
#include <vector>

#include "capsim/model/inputs.hpp"
#include "capsim/scenario/schema.hpp"

namespace capsim::scenario {

/// The whole scenario file (top-level keys, `extends` excepted: it is resolved before).
const RecordSchema<Scenario>& scenario_schema();
/// The declaration of the scenario key at `path` ("clusters[0].gpus", the syntax of --set and of
/// error messages; list indices are not checked), or nullptr for a key the schema does not know.
/// O(depth of the path).
const FieldInfo* field_at_path(std::string_view path);

// Its sections, in the order of the file.
/// `scenario`: name, start, horizon, reporting period, seed.
const RecordSchema<ScenarioMeta>& meta_schema();
/// `catalog`: the hardware parts.
const RecordSchema<CatalogSpec>& catalog_schema();
/// One accelerator, as in the catalog files and `catalog.accelerators`.
const RecordSchema<AcceleratorSpec>& accelerator_schema();
/// One entry of `sites`.
const RecordSchema<SiteSpec>& site_schema();
/// One entry of `clusters`.
const RecordSchema<ClusterSpec>& cluster_schema();
/// A cluster's (or a planner's clusters') network and storage power.
const RecordSchema<NonServerPowerSpec>& non_server_power_schema();
/// One entry of `leases`.
const RecordSchema<LeaseSpec>& lease_schema();
/// `training`: tenants, jobs and the job generator.
const RecordSchema<TrainingSpec>& training_schema();
/// `inference`: the services.
const RecordSchema<InferenceSpec>& inference_schema();
/// `efficiency`: steps and trends.
const RecordSchema<EfficiencySpec>& efficiency_schema();
/// `demand_feedback`: prices that follow cost, demand that answers price.
const RecordSchema<DemandFeedbackSpec>& demand_feedback_schema();
/// `planner`: how capacity is added.
const RecordSchema<PlannerSpec>& planner_schema();
/// `economics`: depreciation and running costs.
const RecordSchema<EconomicsSpec>& economics_schema();
/// `failures`: GPU failures and repairs.
const RecordSchema<FailuresSpec>& failures_schema();
/// `outputs`: which files a run writes.
const RecordSchema<OutputsSpec>& outputs_schema();
const RecordSchema<UncertaintySpec>& uncertainty_schema();
const RecordSchema<CorrelationSpec>& correlation_schema();

namespace detail {
/// The words of enumerations that several sections offer as choices.
const std::vector<std::pair<std::string, PeriodUnit>>& period_choices();
const std::vector<std::pair<std::string, Precision>>& precision_choices();
}  // namespace detail

}  // namespace capsim::scenario
