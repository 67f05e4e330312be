#include <doctest/doctest.h>

#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "capsim/scenario/config_node.hpp"
#include "capsim/scenario/scenario_schema.hpp"

namespace capsim::scenario {
namespace {

/// One key on the way from the top of the file to a record: `sites` then `construction` (both
/// lists) reach a construction task.
struct Step {
  std::string key;
  bool into_list = false;
};

/// The key path of error messages and --set: "sites[0].construction[0]".
std::string path_of(const std::vector<Step>& steps) {
  std::string path;
  for (const Step& step : steps) {
    path += (path.empty() ? "" : ".") + step.key + (step.into_list ? "[0]" : "");
  }
  return path;
}

/// A document that reaches the record at `steps` and gives no key of its own: every list on
/// the way holds one empty mapping, so each element on the way is default-constructed.
ConfigNode scaffold(const std::vector<Step>& steps) {
  ConfigNode root;
  root.kind = ConfigNode::Kind::mapping;
  ConfigNode* node = &root;
  for (const Step& step : steps) {
    node->entries.push_back(MappingEntry{step.key, {}, ConfigNode{}});
    ConfigNode* value = &node->entries.back().value;
    if (step.into_list) {
      value->kind = ConfigNode::Kind::sequence;
      value = &value->items.emplace_back();
    }
    value->kind = ConfigNode::Kind::mapping;
    node = value;
  }
  return root;
}

/// The scenario `document` loads into, written back as `capsim explain` writes it.
std::string loaded_and_written(const ConfigNode& document, Diagnostics& diagnostics) {
  Scenario scenario;
  LoadContext context(diagnostics);
  scenario_schema().load(document, "", context, scenario);
  YamlWriter writer;
  scenario_schema().write(scenario, writer);
  return writer.text();
}

/// The first line where two texts differ, from each: "pue: 1.2" against "pue: 1.3".
std::string first_difference(const std::string& expected, const std::string& actual) {
  std::istringstream a(expected);
  std::istringstream b(actual);
  std::string line_a;
  std::string line_b;
  while (std::getline(a, line_a)) {
    if (!std::getline(b, line_b)) {
      return "`" + line_a + "` against nothing";
    }
    if (line_a != line_b) {
      return "`" + line_a + "` against `" + line_b + "`";
    }
  }
  return std::getline(b, line_b) ? "nothing against `" + line_b + "`" : "";
}

/// A default as a user would write it: a default may end in an explanation in brackets,
/// `"" (any)`, which is not part of the value.
std::string value_part(const std::string& default_text) {
  const std::size_t open = default_text.rfind(" (");
  if (open != std::string::npos && default_text.back() == ')') {
    return default_text.substr(0, open);
  }
  return default_text;
}

/// What comparing one field's default_text with its initialiser found.
struct Comparison {
  bool same = false;
  std::string why;  // when not the same
};

/// Loads the field's record twice: once without the key, so the member keeps its initialiser,
/// and once with `--set path=<default_text>`. The documented default is the initialiser when
/// the default text reads without a problem and both scenarios write the same text.
Comparison compare_default(const std::vector<Step>& steps, const FieldInfo& field) {
  const ConfigNode without = scaffold(steps);
  ConfigNode with = without;
  const std::string path = path_of(steps) + (steps.empty() ? "" : ".") + field.key;
  Diagnostics diagnostics;
  apply_override(with, Override{path, value_part(field.default_text), "default_text"}, diagnostics);
  Diagnostics ignored;  // required keys that the scaffold leaves out
  const std::string initialised = loaded_and_written(without, ignored);
  Diagnostics read;
  const std::string documented = loaded_and_written(with, read);
  for (const Diagnostic& problem : read.items()) {
    if (problem.path == path) {
      diagnostics.add(problem);
    }
  }
  if (!diagnostics.empty()) {
    return {false, "the default does not read as a value: " + diagnostics.items().front().message};
  }
  if (documented != initialised) {
    return {false,
            "the default against the initialiser: " + first_difference(documented, initialised)};
  }
  return {true, ""};
}

/// Documented defaults that are not a value of their key, and why. Every other default_text
/// must read as the initialiser of its member. Records' default_text ("(see fabric)", "(none)",
/// "built-in catalog") describes a whole section, whose keys are compared one by one.
const std::set<std::string> kNotValues = {
    // An optional member: absent, service sizing takes 1x (value_or(1.0)), or the growth
    // fitted to the observations.
    "inference.services[0].demand.growth_per_year",
    // An optional member: absent, the service takes demand_feedback.elasticity.
    "inference.services[0].demand.elasticity",
    // An empty list means flat weights; "flat" is not a list.
    "inference.services[0].demand.weekly",
    // A list whose default (Llama 3's six causes) the key's documentation spells out.
    "failures.causes",
};

struct Walk {
  int compared = 0;
  std::set<std::string> not_values_seen;
};

void compare_defaults(const RecordInfo& record, const std::vector<Step>& steps, Walk& walk) {
  for (const FieldInfo& field : record.fields) {
    const std::string path = path_of(steps) + (steps.empty() ? "" : ".") + field.key;
    if (field.record != nullptr) {
      std::vector<Step> inner = steps;
      inner.push_back({field.key, field.type == ValueType::record_list});
      compare_defaults(*field.record, inner, walk);
    }
    if (field.default_text.empty() || field.type == ValueType::record) {
      continue;
    }
    INFO(path, ": default_text \"", field.default_text, "\"");
    const Comparison comparison = compare_default(steps, field);
    if (kNotValues.count(path) != 0) {
      walk.not_values_seen.insert(path);
      CHECK_MESSAGE(!comparison.same, "the default is a value now: remove it from kNotValues");
      continue;
    }
    CHECK_MESSAGE(comparison.same, comparison.why);
    ++walk.compared;
  }
}

TEST_CASE("scenario schema: every documented default is the member's initialiser") {
  Walk walk;
  compare_defaults(scenario_schema().info(), {}, walk);
  // All of them at the time of writing (scenario.replications and clusters[].fabric.topology,
  // retired, made 95); a count that falls means keys stopped being compared.
  CHECK(walk.compared >= 93);
  CHECK(walk.not_values_seen == kNotValues);
}

TEST_CASE("scenario schema: the comparison of defaults sees a wrong one") {
  const FieldInfo* pue = site_schema().info().find("pue");
  REQUIRE(pue != nullptr);
  FieldInfo wrong = *pue;
  wrong.default_text = "1.3";
  const Comparison comparison = compare_default({{"sites", true}}, wrong);
  CHECK_FALSE(comparison.same);
  CHECK(comparison.why == "the default against the initialiser: `  pue: 1.3` against `  pue: 1.2`");
  wrong.default_text = "1.2 W";
  CHECK(compare_default({{"sites", true}}, wrong).why ==
        "the default does not read as a value: expected a number, found \"1.2 W\"");
}

}  // namespace
}  // namespace capsim::scenario
