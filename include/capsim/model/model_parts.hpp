#pragma once
/// Read-only access to every part of a running capacity model, for the parts that look at the
/// whole (reporting, the funds, the planners' view). Built by the wiring.

#include "capsim/model/economics/running_costs.hpp"
#include "capsim/model/fleet/cluster_book.hpp"
#include "capsim/model/fleet/fleet.hpp"
#include "capsim/model/fleet/sites.hpp"
#include "capsim/model/inference/serving.hpp"
#include "capsim/model/model_context.hpp"
#include "capsim/model/training/training_workload.hpp"

namespace capsim {

struct ModelParts {
  const ModelContext& context;
  const Sites& sites;
  const ClusterBook& book;
  const Fleet& fleet;
  const RunningCosts& costs;
  const TrainingWorkload& training;
  const InferenceFleet& inference;
};

}  // namespace capsim
