#pragma once
/// Loading a scenario file: `extends`, the hardware catalog, `--set` overrides, strict typed
/// loading and cross-field checks. Every problem is collected; any problem throws InputError
/// with all of them, before anything runs or is written.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "capsim/model/inputs.hpp"
#include "capsim/scenario/config_node.hpp"
#include "capsim/scenario/input_paths.hpp"
#include "capsim/scenario/uncertain_inputs.hpp"

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

/// How a scenario is loaded beyond its file: the work ceilings (scenario/work_estimate.hpp).
struct LoadOptions {
  /// Skip the work ceilings (capsim --allow-large).
  bool allow_large = false;
  /// The reporting period the run will use (capsim run --period), for the estimate.
  std::optional<PeriodUnit> period;
  /// Overrides replace some uncertain inputs by draws (a replication, a tornado run): the
  /// correlations were checked when the scenario itself was loaded, and name inputs that the
  /// drawn scenario no longer holds.
  bool draws_applied = false;
  /// Which files the scenario may name (`extends`, `catalog.include`, `demand.observations`).
  PathPolicy paths{};
};

/// Loads, validates and resolves a scenario file. `set_arguments` are "key.path=value"
/// overrides applied in order after `extends`. A distribution on a key loads as its nominal
/// value. Refuses a scenario past a work ceiling unless
/// `options.allow_large`. Throws InputError listing every problem.
Scenario load_scenario(const std::string& path, const std::vector<std::string>& set_arguments = {},
                       const LoadOptions& options = {});

/// A scenario file read and its `extends` resolved, not yet loaded: what a sweep loads many
/// times with different overrides without reading and merging the files again.
struct ScenarioSource {
  std::string path;     ///< as given
  ConfigNode document;  ///< after `extends`
  /// The files read, as the document's locations name them: a path written in one of them
  /// resolves against its folder; a node located elsewhere was written by an override.
  std::vector<std::string> files;
};

/// Reads `path` and resolves its `extends`, each base named as `policy` allows. Throws
/// InputError (unreadable file, not YAML, not a scenario, a base outside the allowed folders,
/// an `extends` cycle or a missing base, more than kMaxExtendsDepth levels or
/// kMaxExtendsFiles files). A file that is no scenario at all (a list, a value, a mapping of
/// none of a scenario's sections) is one problem that quotes nothing of it. Reads files; no
/// other shared state.
ScenarioSource read_scenario_source(const std::string& path, const PathPolicy& policy = {});
/// The same for a scenario given as text, named `name` in messages (its locations say
/// name:line:col); its `extends` and other files resolve against the working folder.
ScenarioSource read_scenario_text(std::string_view text, const std::string& name,
                                  const PathPolicy& policy = {});

/// Loads a copy of `source.document` with `overrides` applied in order, as load_scenario does
/// after `extends`. Throws InputError listing every problem. Thread-safe: `source` is only
/// read, so many threads may load from one source at once. O(size of the document).
Scenario load_scenario(const ScenarioSource& source, const std::vector<Override>& overrides,
                       const LoadOptions& options = {});

/// A scenario whose keys may hold distributions (scenario/uncertain_inputs.hpp).
struct UncertainScenario {
  /// After `extends` and --set: each replication loads it with its draws as overrides.
  ScenarioSource source;
  Scenario nominal;  ///< every uncertain input at its nominal value
  std::vector<UncertainInput> inputs;
};

/// Loads a scenario as load_scenario does, keeping its uncertain inputs and the source its
/// replications load from. Throws InputError listing every problem.
UncertainScenario load_uncertain_scenario(const std::string& path,
                                          const std::vector<std::string>& set_arguments = {},
                                          const LoadOptions& options = {});
/// The same from a source already read (read_scenario_source or read_scenario_text).
UncertainScenario load_uncertain_scenario(ScenarioSource source,
                                          const std::vector<std::string>& set_arguments = {},
                                          const LoadOptions& options = {});

/// The resolved scenario as YAML in canonical units (`capsim explain`).
std::string explain_scenario(const Scenario& scenario);

/// `scenario` with `--scale key.path=factor` arguments applied, in order, to its resolved form
/// (explain_scenario: every catalog part listed, every value in canonical units), then loaded
/// again. Throws InputError listing every problem: a malformed argument, a path matching no
/// number, a scaled value out of its key's range (named at its place in the resolved form).
Scenario scale_scenario(const Scenario& scenario, const std::vector<std::string>& scale_arguments,
                        const LoadOptions& options = {});

}  // namespace capsim::scenario
