#pragma once
/// The planners of the registry, one per file under sim/model/planning/.

#include <memory>

#include "capsim/model/planning/planner.hpp"

namespace capsim {

/// planner.policy: fixed. The build-out the scenario lists: sites start with the scenario,
/// orders are placed on their dates.
std::unique_ptr<Planner> make_fixed_planner();
/// planner.policy: budget. A budget per period on the best value, sites started ahead.
std::unique_ptr<Planner> make_budget_planner();
/// planner.policy: demand. Forecast need one lead time ahead, order what will be lacking.
std::unique_ptr<Planner> make_demand_planner();

}  // namespace capsim
