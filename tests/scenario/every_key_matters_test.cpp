// No key that does nothing: every key the schema declares changes some output of a run, or is
// declared informative (it names or explains the scenario). The declarations are walked, not
// listed, so a key added to the schema is covered the day it is added.
//
// The bases are small scenarios under tests/data/every-key/ that together set every key, each
// where it acts (a budget planner's keys in a budget-planned scenario). For each key the test
// takes its value in a base, moves it (a number within its range, another choice, a flipped
// boolean, a shifted date, a list with an entry dropped or added, another name the file or the
// catalog uses; a `name` is first renamed together with every reference to it), loads the base
// with those `--set` overrides, runs it, writes its files and compares them with the base's. A
// move the loader refuses is skipped. A key the bases set but no move changes, or that no base
// sets, fails the test.

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "../scratch_folder.hpp"
#include "../test_paths.hpp"
#include "capsim/core/diagnostics.hpp"
#include "capsim/model/capacity_model.hpp"
#include "capsim/output/capacity_report.hpp"
#include "capsim/scenario/loader.hpp"
#include "capsim/scenario/scenario_schema.hpp"

namespace capsim::scenario {
namespace {

namespace fs = std::filesystem;

/// "sites[].construction[].after": a declared key, lists marked by "[]".
std::string join(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

/// Every declared leaf key (not a record, not a list of records), by pattern.
void declared_leaves(const RecordInfo& record, const std::string& pattern,
                     std::map<std::string, const FieldInfo*>& leaves) {
  for (const FieldInfo& field : record.fields) {
    const std::string key_pattern = join(pattern, field.key);
    if (field.type == ValueType::record) {
      declared_leaves(*field.record, key_pattern, leaves);
    } else if (field.type == ValueType::record_list) {
      declared_leaves(*field.record, key_pattern + "[]", leaves);
    } else {
      leaves[key_pattern] = &field;
    }
  }
}

/// A leaf key a base sets: where (the --set path) and its value there.
struct Setting {
  std::string pattern;
  std::string path;
  const FieldInfo* field = nullptr;
  ConfigNode value;
};

/// The leaf keys `node` (a mapping of `record`) sets, recursively.
void settings_of(const ConfigNode& node, const RecordInfo& record, const std::string& path,
                 const std::string& pattern, std::vector<Setting>& settings) {
  for (const MappingEntry& entry : node.entries) {
    const FieldInfo* field = record.find(entry.key);
    if (field == nullptr)
      continue;
    const std::string key_path = join(path, entry.key);
    const std::string key_pattern = join(pattern, entry.key);
    if (field->type == ValueType::record) {
      settings_of(entry.value, *field->record, key_path, key_pattern, settings);
    } else if (field->type == ValueType::record_list) {
      for (std::size_t i = 0; i < entry.value.items.size(); ++i) {
        settings_of(entry.value.items[i], *field->record, fmt::format("{}[{}]", key_path, i),
                    key_pattern + "[]", settings);
      }
    } else {
      settings.push_back(Setting{key_pattern, key_path, field, entry.value});
    }
  }
}

/// The value of a number-like setting in canonical units, read as the loader reads it.
std::optional<double> canonical_number(const Setting& setting) {
  Diagnostics diagnostics;
  LoadContext context(diagnostics);
  switch (setting.field->type) {
    case ValueType::integer:
      if (auto value = detail::read_integer(setting.value, *setting.field, "", context))
        return static_cast<double>(*value);
      return std::nullopt;
    case ValueType::count:
      return detail::read_count(setting.value, *setting.field, "", context);
    case ValueType::real:
      return detail::read_real(setting.value, *setting.field, "", context);
    case ValueType::quantity:
      return detail::read_quantity(setting.value, *setting.field, "", context);
    default:
      return std::nullopt;
  }
}

bool within_range(double value, const FieldInfo& field) {
  if (field.minimum && (field.minimum_exclusive ? value <= *field.minimum : value < *field.minimum))
    return false;
  return !field.maximum || value <= *field.maximum;
}

std::string number_text(double value, const FieldInfo& field) {
  if (field.type == ValueType::quantity)
    return quote_string(format_canonical(value, field.dimension));
  if (field.type == ValueType::integer)
    return fmt::format("{}", static_cast<std::int64_t>(value));
  return detail::exact_number(value);
}

/// Numbers moved within the declared range: doubled, halved, one up and down, the middle of
/// the range, the example.
std::vector<std::string> moved_numbers(const Setting& setting) {
  const FieldInfo& field = *setting.field;
  const std::optional<double> value = canonical_number(setting);
  REQUIRE_MESSAGE(value, setting.path, ": the base's value does not read");
  std::vector<double> moves = {*value * 2, *value / 2, *value + 1, *value - 1};
  if (field.minimum && field.maximum)
    moves.push_back((*field.minimum + *field.maximum) / 2);
  if (!field.example.empty()) {
    ConfigNode example;
    example.kind = ConfigNode::Kind::scalar;
    example.scalar = field.example;
    if (auto example_value = canonical_number(Setting{"", "", &field, example}))
      moves.push_back(*example_value);
  }
  std::vector<std::string> texts;
  for (const double moved : moves) {
    const bool whole = field.type != ValueType::integer ||
                       moved == static_cast<double>(static_cast<std::int64_t>(moved));
    if (moved != *value && whole && within_range(moved, field))
      texts.push_back(number_text(moved, field));
  }
  return texts;
}

std::vector<std::string> shifted_dates(const Setting& setting) {
  Diagnostics diagnostics;
  LoadContext context(diagnostics);
  const std::optional<Date> date = detail::read_date(setting.value, "", context);
  REQUIRE_MESSAGE(date, setting.path, ": the base's date does not read");
  std::vector<std::string> texts;
  for (const int months : {1, -1, 6, -6, 12, -12})
    texts.push_back(format_date(add_months(*date, months)));
  return texts;
}

std::string flow_list(const std::vector<std::string>& items) {
  std::string text;
  for (const std::string& item : items)
    text += (text.empty() ? "" : ", ") + item;
  return "[" + text + "]";
}

/// A list of names with one entry dropped, or one of `names` added.
std::vector<std::string> changed_name_lists(const Setting& setting,
                                            const std::vector<std::string>& names) {
  std::vector<std::string> items;
  for (const ConfigNode& item : setting.value.items)
    items.push_back(quote_string(item.scalar));
  std::vector<std::string> texts;
  for (std::size_t i = 0; i < items.size(); ++i) {
    std::vector<std::string> dropped = items;
    dropped.erase(dropped.begin() + static_cast<std::ptrdiff_t>(i));
    texts.push_back(flow_list(dropped));
  }
  for (const std::string& name : names) {
    std::vector<std::string> added = items;
    added.push_back(quote_string(name));
    texts.push_back(flow_list(added));
  }
  return texts;
}

/// A list of numbers with one entry doubled (or, at 0, made 1).
std::vector<std::string> changed_number_lists(const Setting& setting) {
  std::vector<double> numbers;
  for (const ConfigNode& item : setting.value.items)
    numbers.push_back(std::stod(item.scalar));
  std::vector<std::string> texts;
  for (std::size_t i = 0; i < numbers.size(); ++i) {
    std::vector<double> changed = numbers;
    changed[i] = changed[i] == 0 ? 1 : changed[i] * 2;
    std::vector<std::string> items;
    for (const double number : changed)
      items.push_back(detail::exact_number(number));
    texts.push_back(flow_list(items));
  }
  return texts;
}

/// The values to try for a setting, most likely to load first.
std::vector<std::string> moved_values(const Setting& setting,
                                      const std::vector<std::string>& names) {
  const FieldInfo& field = *setting.field;
  switch (field.type) {
    case ValueType::boolean:
      return {setting.value.scalar == "true" ? "false" : "true"};
    case ValueType::choice: {
      std::vector<std::string> others;
      for (const std::string& choice : field.choices) {
        if (choice != setting.value.scalar)
          others.push_back(choice);
      }
      return others;
    }
    case ValueType::integer: {
      // An integer's alternative word (gpus_per_replica: auto) is a move too.
      std::vector<std::string> texts = moved_numbers(setting);
      texts.insert(texts.end(), field.choices.begin(), field.choices.end());
      return texts;
    }
    case ValueType::count:
    case ValueType::real:
    case ValueType::quantity:
      return moved_numbers(setting);
    case ValueType::date:
      return shifted_dates(setting);
    case ValueType::text: {
      // Another name the base uses: a name that refers to something must name something.
      std::vector<std::string> texts;
      for (const std::string& name : names) {
        if (name != setting.value.scalar)
          texts.push_back(quote_string(name));
      }
      return texts;
    }
    case ValueType::text_list:
      return changed_name_lists(setting, names);
    case ValueType::real_list:
      return changed_number_lists(setting);
    case ValueType::record:
    case ValueType::record_list:
      break;
  }
  return {};
}

/// Everything a run writes, file by file: the files its `outputs` ask for and their bytes.
std::string run_output(const Scenario& scenario, const fs::path& folder) {
  const CapacityRun run = run_capacity(scenario);
  std::string output;
  for (const fs::path& file : output::write_run(folder, scenario, run)) {
    std::ifstream input(file, std::ios::binary);
    std::ostringstream bytes;
    bytes << input.rdbuf();
    output += "== " + file.filename().string() + "\n" + bytes.str();
  }
  return output;
}

struct Base {
  std::string file;
  ScenarioSource source;
  std::string output;
  std::vector<Setting> settings;
  std::vector<std::string> names;  ///< every text value the base sets, every catalog part
};

std::vector<Base> load_bases(const fs::path& folder, const fs::path& scratch) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(folder)) {
    if (entry.path().extension() == ".yaml" && entry.path().stem().string().rfind("base-", 0) == 0)
      files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<Base> bases;
  for (const fs::path& file : files) {
    Base base;
    base.file = file.filename().string();
    base.source = read_scenario_source(file.string(), test::test_tree_allowed());
    const Scenario scenario = load_scenario(base.source, {}, test::test_load_options());
    base.output = run_output(scenario, scratch);
    // The parts of the resolved catalog (built-in ones too) are names a reference may take.
    for (const AcceleratorSpec& part : scenario.catalog.accelerators)
      base.names.push_back(part.name);
    settings_of(base.source.document, scenario_schema().info(), "", "", base.settings);
    for (const Setting& setting : base.settings) {
      if (setting.field->type != ValueType::text)
        continue;
      base.names.push_back(setting.value.scalar);
      // A file named relative to the base is, in a --set, relative to the working directory.
      const fs::path relative = file.parent_path() / setting.value.scalar;
      if (!setting.value.scalar.empty() && fs::is_regular_file(relative))
        base.names.push_back(fs::absolute(relative).lexically_normal().string());
    }
    std::sort(base.names.begin(), base.names.end());
    base.names.erase(std::unique(base.names.begin(), base.names.end()), base.names.end());
    bases.push_back(std::move(base));
  }
  return bases;
}

/// The overrides that rename what `setting` (a `name` key) names, and every reference to it:
/// each text, and each item of a list of names, that holds the same name.
std::vector<Override> renamed_everywhere(const Base& base, const Setting& setting) {
  const std::string& old_name = setting.value.scalar;
  const std::string new_name = quote_string(old_name + "-renamed");
  std::vector<Override> overrides;
  for (const Setting& other : base.settings) {
    if (other.field->type == ValueType::text && other.value.scalar == old_name)
      overrides.push_back(Override{other.path, new_name, "renamed"});
    if (other.field->type != ValueType::text_list)
      continue;
    for (std::size_t i = 0; i < other.value.items.size(); ++i) {
      if (other.value.items[i].scalar == old_name)
        overrides.push_back(Override{fmt::format("{}[{}]", other.path, i), new_name, "renamed"});
    }
  }
  return overrides;
}

/// The moves of a setting, each a set of overrides: a name is renamed with its references
/// first (a name matters when the outputs show it); then each moved value alone.
std::vector<std::vector<Override>> moves_of(const Base& base, const Setting& setting) {
  std::vector<std::vector<Override>> moves;
  if (setting.field->key == "name")
    moves.push_back(renamed_everywhere(base, setting));
  for (const std::string& value : moved_values(setting, base.names))
    moves.push_back({Override{setting.path, value, "moved"}});
  return moves;
}

/// Whether some move of `setting` in `base` loads and changes what the run writes.
bool changes_output(const Base& base, const Setting& setting, const fs::path& scratch) {
  for (const std::vector<Override>& overrides : moves_of(base, setting)) {
    Scenario moved;
    try {
      moved = load_scenario(base.source, overrides, test::test_load_options());
    } catch (const InputError&) {
      continue;  // a move the schema or a cross-check refuses: try the next
    }
    // A move that loads must run: an exception here is a failure of the test.
    if (run_output(moved, scratch) != base.output)
      return true;
  }
  return false;
}

TEST_CASE("scenario schema: every key changes some output or is declared informative") {
  std::map<std::string, const FieldInfo*> leaves;
  declared_leaves(scenario_schema().info(), "", leaves);
  test::ScratchFolder scratch("every_key");
  const std::vector<Base> bases =
      load_bases(fs::path(CAPSIM_SOURCE_DIR) / "tests/data/every-key", scratch.path());
  REQUIRE(bases.size() >= 2);

  std::vector<std::string> unset;
  std::vector<std::string> dead;
  std::vector<std::string> informative;
  int checked = 0;
  for (const auto& [pattern, field] : leaves) {
    if (field->informative) {
      informative.push_back(pattern);
      continue;
    }
    bool set = false;
    bool matters = false;
    for (const Base& base : bases) {
      for (const Setting& setting : base.settings) {
        if (setting.pattern != pattern)
          continue;
        set = true;
        INFO(base.file, ": ", setting.path);
        matters = changes_output(base, setting, scratch.path());
        if (matters)
          break;
      }
      if (matters)
        break;
    }
    if (!set) {
      unset.push_back(pattern);
    } else if (!matters) {
      dead.push_back(pattern);
    }
    ++checked;
  }
  INFO("keys no base sets: ", fmt::format("{}", fmt::join(unset, ", ")));
  INFO("keys no move changes: ", fmt::format("{}", fmt::join(dead, ", ")));
  CHECK(unset.empty());
  CHECK(dead.empty());
  // The informative keys are these; every other declared leaf key was checked (all of them
  // at the time of writing: a count that falls means keys stopped being walked).
  CHECK(informative == std::vector<std::string>{
                           "catalog.accelerators[].description", "catalog.accelerators[].tdp",
                           "catalog.accelerators[].vendor", "failures.causes[].category",
                           "inference.services[].accelerator", "scenario.description",
                           "scenario.name", "scenario.replications", "sites[].construction[].name",
                           // Monte Carlo only: tests/study/monte_carlo_test.cpp
                           "uncertainty.correlations[].groups", "uncertainty.correlations[].rank"});
  CHECK(checked >= 140);
  MESSAGE("checked ", checked, " keys");
}

TEST_CASE("scenario schema: the every-key test sees a key that changes nothing") {
  test::ScratchFolder scratch("every_key_dead");
  const fs::path folder = fs::path(CAPSIM_SOURCE_DIR) / "tests/data/every-key";
  const std::vector<Base> bases = load_bases(folder, scratch.path());
  const auto budget = std::find_if(
      bases.begin(), bases.end(), [](const Base& base) { return base.file == "base-budget.yaml"; });
  REQUIRE(budget != bases.end());
  const auto setting_for = [](const std::string& path, const FieldInfo* field,
                              const std::string& value) {
    ConfigNode node;
    node.kind = ConfigNode::Kind::scalar;
    node.scalar = value;
    return Setting{path, path, field, node};
  };
  // The budget base generates no training job (no arrivals): the spread of their run times
  // changes nothing there, however it moves.
  std::map<std::string, const FieldInfo*> leaves;
  declared_leaves(scenario_schema().info(), "", leaves);
  const FieldInfo* sigma = leaves.at("training.generator.duration_sigma");
  CHECK(moves_of(*budget, setting_for("training.generator.duration_sigma", sigma, "1.0")).size() ==
        5);  // doubled 2, halved 0.5, one up 2, one down 0, the middle of 0-5 2.5
  CHECK_FALSE(changes_output(
      *budget, setting_for("training.generator.duration_sigma", sigma, "1.0"), scratch.path()));
  // The funds it has do: they run out on 2026-09-19 and stop orders.
  const FieldInfo* funds = leaves.at("economics.funds");
  CHECK(changes_output(*budget, setting_for("economics.funds", funds, "$3B"), scratch.path()));
}

}  // namespace
}  // namespace capsim::scenario
