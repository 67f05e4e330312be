#pragma once
/// Loading a scenario file: `extends`, the hardware catalog, `--set` overrides, strict typed
/// loading and cross-field checks. Every problem is collected; any problem throws InputError
/// with all of them, before anything runs or is written.

#include <cstddef>
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

/// Deepest chain of `extends` (a file, its base, that base's base, ...).
inline constexpr std::size_t kMaxExtendsDepth = 16;
/// Most files loaded through `extends` for one scenario, the scenario itself not counted. A
/// file extended on several paths (a diamond) is loaded and merged once per path, so it counts
/// each time: the ceiling bounds the work, which a fan-out would otherwise make exponential.
inline constexpr std::size_t kMaxExtendsFiles = 64;

/// Loads, validates and resolves a scenario file. `set_arguments` are "key.path=value"
/// overrides applied in order after `extends`. Throws InputError listing every problem.
Scenario load_scenario(const std::string& path, const std::vector<std::string>& set_arguments = {});

/// A scenario file read and its `extends` resolved, not yet loaded: what a sweep loads many
/// times with different overrides without reading and merging the files again.
struct ScenarioSource {
  std::string path;     ///< as given; catalog includes are relative to it
  ConfigNode document;  ///< after `extends`
};

/// Reads `path` and resolves its `extends`. Throws InputError (unreadable file, not YAML, an
/// `extends` cycle or a missing base, more than kMaxExtendsDepth levels or kMaxExtendsFiles
/// files). Reads files; no other shared state.
ScenarioSource read_scenario_source(const std::string& path);

/// Loads a copy of `source.document` with `overrides` applied in order, as load_scenario does
/// after `extends`. Throws InputError listing every problem. Thread-safe: `source` is only
/// read, so many threads may load from one source at once. O(size of the document).
Scenario load_scenario(const ScenarioSource& source, const std::vector<Override>& overrides);

/// The resolved scenario as YAML in canonical units (`capsim explain`).
std::string explain_scenario(const Scenario& scenario);

}  // namespace capsim::scenario
