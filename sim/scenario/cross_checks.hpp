#pragma once
// The loader's cross-field checks (private to sim/scenario): what one key alone cannot say,
// such as references between records, unique names, dates within the horizon and dependency
// cycles. They run on a scenario whose typed load had no problem.

#include <string>
#include <vector>

#include "capsim/core/diagnostics.hpp"
#include "capsim/model/inputs.hpp"
#include "capsim/scenario/config_node.hpp"

namespace capsim::scenario {

/// One resolved catalog part: its (merged) node and the key path its errors carry — the
/// scenario's own `catalog.accelerators[i]` for entries the scenario gives, `accelerators[i]`
/// of their own file for parts of the built-in or included catalogs.
struct CatalogPart {
  ConfigNode node;
  std::string path;
};

/// Adds a diagnostic, at the offending key, for every cross-field problem of `scenario`.
void check_cross_fields(const Scenario& scenario, const ConfigNode& document,
                        const std::vector<CatalogPart>& parts, Diagnostics& diagnostics);

}  // namespace capsim::scenario
