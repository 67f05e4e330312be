#include "capsim/scenario/loader.hpp"

#include <algorithm>
#include <filesystem>
#include <optional>

#include <fmt/format.h>

#include "capsim/core/text.hpp"
#include "capsim/scenario/input_paths.hpp"
#include "capsim/scenario/observations_csv.hpp"
#include "capsim/scenario/scenario_schema.hpp"
#include "capsim/scenario/work_estimate.hpp"
#include "cross_checks.hpp"

namespace capsim::scenario {

namespace {

namespace fs = std::filesystem;

std::string display_path(const fs::path& path) {
  return path.lexically_normal().string();
}

/// The file that wrote `node`, or "" when an override (--set, a sweep's value) did: an
/// override's location names its origin, not a file the source was read from.
std::string naming_file(const ConfigNode& node, const std::vector<std::string>& files) {
  if (node.location.file &&
      std::find(files.begin(), files.end(), *node.location.file) != files.end())
    return *node.location.file;
  return "";
}

/// Where the file that `named_by` names lies, or nothing (with a diagnostic at `named_by`)
/// when the policy refuses it (input_paths.hpp).
std::optional<fs::path> named_file_path(const ConfigNode& named_by, const std::string& named_path,
                                        const std::vector<std::string>& files,
                                        const PathPolicy& policy, Diagnostics& diagnostics) {
  NamedPath named = resolve_named_path(named_by.scalar, naming_file(named_by, files), policy);
  if (!named.problem.empty()) {
    diagnostics.add(named_by.location, named_path, std::move(named.problem));
    return std::nullopt;
  }
  return std::move(named.path);
}

/// Reports a `path` that is not a readable file where `named_by` names it, since that is what
/// the user has to fix; true when it is one.
bool check_readable(const fs::path& path, const ConfigNode& named_by, const std::string& named_path,
                    const std::string& what, Diagnostics& diagnostics) {
  std::error_code error;
  if (fs::is_regular_file(path, error))
    return true;
  diagnostics.add(named_by.location, named_path,
                  fmt::format("expected {}, found \"{}\" ({})", what, excerpt(named_by.scalar),
                              fs::is_directory(path, error) ? "a directory"
                                                            : "no such file, or no permission"));
  return false;
}

/// Reads a file another file names (an `extends` base, a catalog include).
std::optional<ConfigNode> read_named_file(const fs::path& path, const ConfigNode& named_by,
                                          const std::string& named_path, Diagnostics& diagnostics) {
  if (!check_readable(path, named_by, named_path, "a readable file", diagnostics))
    return std::nullopt;
  const std::size_t before = diagnostics.size();
  ConfigNode document = parse_yaml_file(display_path(path), diagnostics);
  if (diagnostics.size() != before)
    return std::nullopt;
  return document;
}

/// The files an `extends` names, each with its key path; reports a malformed `extends`.
std::vector<std::pair<const ConfigNode*, std::string>> extends_entries(const ConfigNode& extends,
                                                                       Diagnostics& diagnostics) {
  std::vector<std::pair<const ConfigNode*, std::string>> bases;
  if (extends.is_scalar()) {
    bases.emplace_back(&extends, "extends");
    return bases;
  }
  if (!extends.is_sequence() || extends.items.empty()) {
    diagnostics.add(
        extends.location, "extends",
        fmt::format("expected a file name or a list of file names, found {}", extends.describe()));
    return {};
  }
  for (std::size_t i = 0; i < extends.items.size(); ++i) {
    const ConfigNode& item = extends.items[i];
    const std::string path = fmt::format("extends[{}]", i);
    if (!item.is_scalar()) {
      diagnostics.add(item.location, path,
                      fmt::format("expected a file name, found {}", item.describe()));
      return {};
    }
    bases.emplace_back(&item, path);
  }
  return bases;
}

/// The files being loaded (to name a cycle), how many bases were loaded in all, every file
/// read (as locations name them) and the policy on the files they name.
struct ExtendsState {
  std::vector<fs::path> chain;
  std::size_t files_loaded = 0;
  std::vector<std::string> files;
  const PathPolicy& policy;
};

/// The top-level keys of a scenario file.
const std::vector<std::string>& scenario_sections() {
  static const std::vector<std::string> sections = [] {
    std::vector<std::string> keys = scenario_schema().info().keys();
    keys.emplace_back("extends");
    return keys;
  }();
  return sections;
}

/// One line when `document` is not a scenario at all (an empty file, a list, a value, a
/// mapping of none of a scenario's sections): such a file may be anything (a password file
/// named by `extends`), so nothing of it is quoted. True when it may be one.
bool check_is_scenario(const ConfigNode& document, Diagnostics& diagnostics) {
  const std::string expected =
      "expected a mapping of scenario sections (scenario, sites, clusters, ...) at the top level";
  if (document.is_mapping()) {
    const std::vector<std::string>& sections = scenario_sections();
    if (std::any_of(document.entries.begin(), document.entries.end(), [&](const MappingEntry& e) {
          return std::find(sections.begin(), sections.end(), e.key) != sections.end();
        }))
      return true;
    diagnostics.add(document.location, "",
                    expected + ", found a mapping with none of them (is it a scenario file?)");
    return false;
  }
  diagnostics.add(document.location, "",
                  fmt::format("{}, found {}", expected,
                              document.is_null()       ? "an empty file"
                              : document.is_sequence() ? "a list"
                                                       : "a single value"));
  return false;
}

/// Loads `document` (read from `path`) merged over everything it extends: bases first, in the
/// order listed, then the file itself.
ConfigNode resolve_extends(ConfigNode document, ExtendsState& state, Diagnostics& diagnostics) {
  std::vector<fs::path>& chain = state.chain;
  if (!check_is_scenario(document, diagnostics))
    return ConfigNode{};
  const ConfigNode* extends = document.find("extends");
  if (!extends)
    return document;
  const auto bases = extends_entries(*extends, diagnostics);
  if (bases.empty())
    return ConfigNode{};
  ConfigNode merged;
  merged.kind = ConfigNode::Kind::mapping;
  merged.location = document.location;
  for (const auto& [base, base_key] : bases) {
    const std::optional<fs::path> named =
        named_file_path(*base, base_key, state.files, state.policy, diagnostics);
    if (!named)
      return ConfigNode{};
    const fs::path& base_path = *named;
    std::error_code path_error;  // a name too long for the file system, say
    const fs::path canonical = fs::weakly_canonical(base_path, path_error);
    if (path_error) {
      diagnostics.add(base->location, base_key,
                      fmt::format("expected a readable file, found {} ({})", base->describe(),
                                  path_error.message()));
      return ConfigNode{};
    }
    const auto repeat = std::find(chain.begin(), chain.end(), canonical);
    if (repeat != chain.end()) {
      std::string cycle;
      for (auto it = repeat; it != chain.end(); ++it)
        cycle += it->filename().string() + " -> ";
      cycle += canonical.filename().string();
      diagnostics.add(base->location, base_key,
                      fmt::format("expected extends without a cycle, found {}", cycle));
      return ConfigNode{};
    }
    if (chain.size() >= kMaxExtendsDepth) {
      diagnostics.add(
          base->location, base_key,
          fmt::format("expected at most {} levels of extends, found more", kMaxExtendsDepth));
      return ConfigNode{};
    }
    if (state.files_loaded >= kMaxExtendsFiles) {
      diagnostics.add(base->location, base_key,
                      fmt::format("expected at most {} files loaded through extends (a file "
                                  "reached on several paths counts each time), found {} as "
                                  "file {}",
                                  kMaxExtendsFiles, base->describe(), kMaxExtendsFiles + 1));
      return ConfigNode{};
    }
    ++state.files_loaded;
    std::optional<ConfigNode> base_document =
        read_named_file(base_path, *base, base_key, diagnostics);
    if (!base_document)
      return ConfigNode{};
    state.files.push_back(display_path(base_path));
    chain.push_back(canonical);
    ConfigNode resolved = resolve_extends(std::move(*base_document), state, diagnostics);
    chain.pop_back();
    if (resolved.is_null())
      return ConfigNode{};
    merge_into(merged, std::move(resolved));
  }
  document.erase("extends");
  merge_into(merged, std::move(document));
  return merged;
}

/// The `accelerators` list of a catalog file, or nothing (with a diagnostic).
std::vector<ConfigNode> catalog_entries(ConfigNode catalog_file, Diagnostics& diagnostics) {
  if (catalog_file.is_null())
    return {};
  // A file that is no catalog at all gets one line, quoting nothing of it (as a scenario).
  const ConfigNode* accelerators =
      catalog_file.is_mapping() ? catalog_file.find("accelerators") : nullptr;
  if (!accelerators) {
    diagnostics.add(catalog_file.location, "",
                    fmt::format("expected a catalog (a mapping with an accelerators list), "
                                "found {}",
                                catalog_file.is_mapping()    ? "a mapping without one"
                                : catalog_file.is_sequence() ? "a list"
                                                             : "a single value"));
    return {};
  }
  for (const MappingEntry& entry : catalog_file.entries) {
    if (entry.key != "accelerators") {
      diagnostics.add(entry.key_location, excerpt(entry.key),
                      fmt::format("unknown key '{}' in catalog file; expected accelerators",
                                  excerpt(entry.key)));
    }
  }
  ConfigNode* list = catalog_file.find("accelerators");
  if (!list || !list->is_sequence()) {
    diagnostics.add(
        list ? list->location : catalog_file.location, "accelerators",
        fmt::format("expected a list of accelerators, found {}", list ? list->describe() : "none"));
    return {};
  }
  return std::move(list->items);
}

const ConfigNode* name_of(const ConfigNode& part) {
  const ConfigNode* name = part.is_mapping() ? part.find("name") : nullptr;
  return name && name->is_scalar() ? name : nullptr;
}

}  // namespace

namespace {

/// Collects the parts: built-in, included files, then the scenario's own entries (an entry
/// naming an existing part overrides the fields it gives). Removes `catalog.accelerators`
/// from the document: the parts are loaded one by one with their own key paths.
std::vector<CatalogPart> resolve_catalog(ConfigNode& document, const ScenarioSource& source,
                                         const PathPolicy& policy, Diagnostics& diagnostics) {
  ConfigNode* catalog = document.find("catalog");
  if (catalog && !catalog->is_mapping() && !catalog->is_null())
    return {};  // typed load says why
  bool builtin = true;
  std::vector<std::pair<const ConfigNode*, std::string>> includes;
  std::vector<ConfigNode> own;
  if (catalog) {
    if (const ConfigNode* flag = catalog->find("builtin"))
      builtin = flag->scalar != "false";
    if (const ConfigNode* list = catalog->find("include"); list && list->is_sequence()) {
      for (std::size_t i = 0; i < list->items.size(); ++i) {
        if (list->items[i].is_scalar()) {
          includes.emplace_back(&list->items[i], fmt::format("catalog.include[{}]", i));
        }
      }
    }
    if (ConfigNode* list = catalog->find("accelerators"); list && list->is_sequence()) {
      own = std::move(list->items);
      catalog->erase("accelerators");
    }
  }
  std::vector<CatalogPart> parts;
  const auto add_file_parts = [&](std::vector<ConfigNode> nodes) {
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      parts.push_back(CatalogPart{std::move(nodes[i]), fmt::format("accelerators[{}]", i)});
    }
  };
  if (builtin) {
    add_file_parts(catalog_entries(
        parse_yaml(builtin_catalog_yaml(), kBuiltinCatalogName, diagnostics), diagnostics));
  }
  for (const auto& [include, include_key] : includes) {
    const std::optional<fs::path> path =
        named_file_path(*include, include_key, source.files, policy, diagnostics);
    std::optional<ConfigNode> file =
        path ? read_named_file(*path, *include, include_key, diagnostics) : std::nullopt;
    if (file)
      add_file_parts(catalog_entries(std::move(*file), diagnostics));
  }
  std::vector<std::string> known;
  for (const CatalogPart& part : parts) {
    if (const ConfigNode* name = name_of(part.node))
      known.push_back(name->scalar);
  }
  for (std::size_t j = 0; j < own.size(); ++j) {
    const std::string path = fmt::format("catalog.accelerators[{}]", j);
    const ConfigNode* name = name_of(own[j]);
    auto existing = std::find_if(parts.begin(), parts.end(), [&](const CatalogPart& part) {
      const ConfigNode* part_name = name_of(part.node);
      return name && part_name && part_name->scalar == name->scalar;
    });
    if (existing != parts.end()) {
      merge_into(existing->node, std::move(own[j]));
      existing->path = path;
      continue;
    }
    // A new part must give every field; one that gives a few and is named like an existing
    // part is almost surely a misspelt override.
    const RecordInfo& info = accelerator_schema().info();
    const bool partial = std::any_of(info.fields.begin(), info.fields.end(), [&](const auto& f) {
      return f.required && own[j].is_mapping() && own[j].find(f.key) == nullptr;
    });
    const std::string suggestion = name ? closest_match(name->scalar, known) : std::string();
    if (partial && !suggestion.empty()) {
      diagnostics.add(name->location, path + ".name",
                      fmt::format("expected the name of a catalog part to override (did you mean "
                                  "'{}'?) or every field of a new part, found \"{}\"",
                                  suggestion, excerpt(name->scalar)));
      continue;
    }
    parts.push_back(CatalogPart{std::move(own[j]), path});
  }
  return parts;
}

/// Reads each service's demand observations. The path is relative to the file that names it
/// (a base scenario's own directory under `extends`; for an override, the policy's
/// overrides_folder or the working directory) and must lie where the policy allows; once
/// read, it is kept absolute so `capsim explain` output reloads from anywhere.
void load_observations(Scenario& scenario, const ConfigNode& document, const ScenarioSource& source,
                       const PathPolicy& policy, Diagnostics& diagnostics) {
  auto& services = scenario.inference.services;
  for (std::size_t i = 0; i < services.size(); ++i) {
    DemandSpec& demand = services[i].demand;
    if (demand.observations_file.empty())
      continue;
    const std::string key_path = fmt::format("inference.services[{}].demand.observations", i);
    const ConfigNode* named_by = node_at_path(document, key_path);
    if (!named_by)
      continue;  // the typed load read it from this node: never the case
    const std::optional<fs::path> named =
        named_file_path(*named_by, key_path, source.files, policy, diagnostics);
    if (!named || !check_readable(*named, *named_by, key_path, "a readable CSV file", diagnostics))
      continue;
    const fs::path& file = *named;
    try {
      demand.observations = read_observations_csv(display_path(file));
      demand.observations_file = display_path(fs::absolute(file));
    } catch (const InputError& problem) {
      for (const Diagnostic& diagnostic : problem.diagnostics())
        diagnostics.add(diagnostic);
    }
  }
}

}  // namespace

namespace {
Scenario load_resolved(const ScenarioSource& source, const std::vector<Override>& overrides,
                       const LoadOptions& options, Diagnostics diagnostics,
                       std::vector<UncertainInput>* inputs = nullptr);

std::vector<Override> parse_set_arguments(const std::vector<std::string>& set_arguments,
                                          Diagnostics& diagnostics) {
  std::vector<Override> overrides;
  for (std::size_t i = 0; i < set_arguments.size(); ++i) {
    Override override_value;
    if (parse_override(set_arguments[i], i, override_value, diagnostics))
      overrides.push_back(std::move(override_value));
  }
  return overrides;
}
/// A scenario document parsed from `path` (named so in messages) resolved: its `extends`.
ScenarioSource resolve_source(ConfigNode document, const std::string& path,
                              const PathPolicy& policy, Diagnostics& diagnostics) {
  diagnostics.throw_if_any();
  const fs::path scenario_path(path);
  std::error_code path_error;
  ExtendsState state{{fs::weakly_canonical(scenario_path, path_error)}, 0, {path}, policy};
  if (document.is_null()) {
    diagnostics.add(SourceLocation{std::make_shared<const std::string>(path), 1, 1}, "",
                    "expected a scenario (a mapping with at least a 'scenario' section), found "
                    "an empty file");
  } else {
    document = resolve_extends(std::move(document), state, diagnostics);
  }
  diagnostics.throw_if_any();
  return ScenarioSource{path, std::move(document), std::move(state.files)};
}

}  // namespace

ScenarioSource read_scenario_source(const std::string& path, const PathPolicy& policy) {
  Diagnostics diagnostics;
  ConfigNode document = parse_yaml_file(path, diagnostics);
  return resolve_source(std::move(document), path, policy, diagnostics);
}

ScenarioSource read_scenario_text(std::string_view text, const std::string& name,
                                  const PathPolicy& policy) {
  Diagnostics diagnostics;
  ConfigNode document = parse_yaml(text, name, diagnostics);
  return resolve_source(std::move(document), name, policy, diagnostics);
}

Scenario load_scenario(const std::string& path, const std::vector<std::string>& set_arguments,
                       const LoadOptions& options) {
  ScenarioSource source = read_scenario_source(path, options.paths);
  Diagnostics diagnostics;
  const std::vector<Override> overrides = parse_set_arguments(set_arguments, diagnostics);
  // Malformed --set arguments are reported together with the problems of the others.
  return load_resolved(source, overrides, options, std::move(diagnostics));
}

UncertainScenario load_uncertain_scenario(const std::string& path,
                                          const std::vector<std::string>& set_arguments,
                                          const LoadOptions& options) {
  return load_uncertain_scenario(read_scenario_source(path, options.paths), set_arguments, options);
}

UncertainScenario load_uncertain_scenario(ScenarioSource source,
                                          const std::vector<std::string>& set_arguments,
                                          const LoadOptions& options) {
  UncertainScenario result{std::move(source), {}, {}};
  Diagnostics diagnostics;
  const std::vector<Override> overrides = parse_set_arguments(set_arguments, diagnostics);
  result.nominal = load_resolved(result.source, overrides, options, diagnostics, &result.inputs);
  // Loaded cleanly: the same overrides apply without problems to the source itself.
  for (const Override& override_value : overrides)
    apply_override(result.source.document, override_value, diagnostics);
  return result;
}

Scenario load_scenario(const ScenarioSource& source, const std::vector<Override>& overrides,
                       const LoadOptions& options) {
  return load_resolved(source, overrides, options, Diagnostics{});
}

namespace {

Scenario load_resolved(const ScenarioSource& source, const std::vector<Override>& overrides,
                       const LoadOptions& options, Diagnostics diagnostics,
                       std::vector<UncertainInput>* inputs) {
  ConfigNode document = source.document;
  for (const Override& override_value : overrides)
    apply_override(document, override_value, diagnostics);
  diagnostics.throw_if_any();
  std::vector<UncertainInput> uncertain = extract_uncertain_inputs(document, diagnostics);
  const std::vector<CatalogPart> parts =
      resolve_catalog(document, source, options.paths, diagnostics);

  Scenario scenario;
  scenario.source_path = source.path;
  LoadContext context(diagnostics);
  scenario_schema().load(document, "", context, scenario);
  for (const CatalogPart& part : parts) {
    AcceleratorSpec accelerator;
    accelerator_schema().load(part.node, part.path, context, accelerator);
    scenario.catalog.accelerators.push_back(std::move(accelerator));
  }
  // Cross-field checks read values the typed load produced, so they run on a clean load only:
  // otherwise one typo would cascade into misleading reference errors.
  if (diagnostics.empty())
    load_observations(scenario, document, source, options.paths, diagnostics);
  if (diagnostics.empty())
    check_cross_fields(scenario, document, parts, diagnostics);
  if (diagnostics.empty() && !options.draws_applied)
    check_correlations(scenario.uncertainty, uncertain, document, diagnostics);
  // The work is estimated from values the checks above vouch for.
  if (diagnostics.empty() && !options.allow_large)
    check_work_estimate(scenario, document, options.period, diagnostics);
  diagnostics.throw_if_any();
  // The one-cause shorthand becomes its cause, so that `explain` prints what the model runs
  // and reads back the same.
  scenario.failures.causes = scenario.failures.effective_causes();
  scenario.failures.annual_failure_rate.reset();
  scenario.failures.repair_time_s.reset();
  if (inputs)
    *inputs = std::move(uncertain);
  return scenario;
}

}  // namespace

std::string explain_scenario(const Scenario& scenario) {
  YamlWriter writer;
  scenario_schema().write(scenario, writer);
  return writer.text();
}

Scenario scale_scenario(const Scenario& scenario, const std::vector<std::string>& scale_arguments,
                        const LoadOptions& options) {
  if (scale_arguments.empty())
    return scenario;
  Diagnostics diagnostics;
  std::vector<Scale> scales;
  for (std::size_t i = 0; i < scale_arguments.size(); ++i) {
    Scale scale;
    if (parse_scale(scale_arguments[i], i, scale, diagnostics))
      scales.push_back(std::move(scale));
  }
  diagnostics.throw_if_any();
  ConfigNode document =
      parse_yaml(explain_scenario(scenario), "--scale: the resolved scenario", diagnostics);
  for (const Scale& scale : scales) {
    if (apply_scale(document, scale) == 0)
      diagnostics.add(SourceLocation{std::make_shared<const std::string>(scale.origin), 1, 1},
                      scale.path,
                      "expected a path matching at least one number of the resolved scenario "
                      "(capsim explain shows it), found none");
  }
  diagnostics.throw_if_any();
  // The resolved form names no other file (its catalog is listed whole); a path it holds (demand
  // observations) resolves against the scenario's own folder, as it did.
  const ScenarioSource source{scenario.source_path, std::move(document), {scenario.source_path}};
  return load_scenario(source, {}, options);
}

}  // namespace capsim::scenario
