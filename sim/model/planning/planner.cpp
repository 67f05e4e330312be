#include "capsim/model/planning/planner.hpp"

#include <stdexcept>

#include "capsim/model/planning/planners.hpp"

namespace capsim {

const std::vector<PlannerEntry>& planner_registry() {
  static const std::vector<PlannerEntry> registry = {
      {PlannerPolicy::fixed, "fixed", make_fixed_planner},
      {PlannerPolicy::budget, "budget", make_budget_planner},
      {PlannerPolicy::demand, "demand", make_demand_planner},
  };
  return registry;
}

std::unique_ptr<Planner> make_planner(PlannerPolicy policy) {
  for (const PlannerEntry& entry : planner_registry()) {
    if (entry.policy == policy)
      return entry.make();
  }
  throw std::logic_error("capacity model: no planner for this policy");
}

}  // namespace capsim
