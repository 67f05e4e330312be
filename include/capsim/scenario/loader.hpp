#pragma once
/// Loading a scenario file: `extends`, the hardware catalog, `--set` overrides, strict typed
/// loading and cross-field checks. Every problem is collected; any problem throws InputError
/// with all of them, before anything runs or is written.

#include <string>
#include <string_view>
#include <vector>

#include "capsim/model/inputs.hpp"
#include "capsim/scenario/config_node.hpp"

namespace capsim::scenario {

/// The built-in catalog (scenarios/catalog/accelerators.yaml, compiled into the binary).
std::string_view builtin_catalog_yaml();
/// How error messages name the built-in catalog.
inline constexpr const char* kBuiltinCatalogName = "scenarios/catalog/accelerators.yaml";

/// Loads, validates and resolves a scenario file. `set_arguments` are "key.path=value"
/// overrides applied in order after `extends`. Throws InputError listing every problem.
Scenario load_scenario(const std::string& path, const std::vector<std::string>& set_arguments = {});

/// The resolved scenario as YAML in canonical units (`capsim explain`).
std::string explain_scenario(const Scenario& scenario);

}  // namespace capsim::scenario
