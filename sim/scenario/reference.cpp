#include "capsim/scenario/reference.hpp"

#include <set>
#include <vector>

#include <fmt/format.h>

#include "capsim/core/text.hpp"
#include "capsim/scenario/loader.hpp"
#include "capsim/scenario/scenario_schema.hpp"
#include "capsim/scenario/work_estimate.hpp"
#include "capsim/uncertainty/distribution.hpp"

namespace capsim::scenario {

namespace {

/// Every record type reachable from the root, each once, in breadth-first order.
std::vector<const RecordInfo*> reachable_records(const RecordInfo& root) {
  std::vector<const RecordInfo*> order{&root};
  std::set<const RecordInfo*> seen{&root};
  for (std::size_t i = 0; i < order.size(); ++i) {
    for (const FieldInfo& field : order[i]->fields) {
      if (field.record && seen.insert(field.record).second)
        order.push_back(field.record);
    }
  }
  return order;
}

/// The identifier of a record type: lower case, words joined by '_'.
std::string identifier(const std::string& name) {
  std::string id;
  for (const char c : name) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      id += c;
    } else if (c >= 'A' && c <= 'Z') {
      id += static_cast<char>(c - 'A' + 'a');
    } else if (!id.empty() && id.back() != '_') {
      id += '_';
    }
  }
  while (!id.empty() && id.back() == '_')
    id.pop_back();
  return id;
}

/// The anchor a Markdown renderer gives a heading: lower case, spaces to '-', other
/// punctuation dropped.
std::string markdown_anchor(const std::string& heading) {
  std::string anchor;
  for (const char c : heading) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-') {
      anchor += c;
    } else if (c >= 'A' && c <= 'Z') {
      anchor += static_cast<char>(c - 'A' + 'a');
    } else if (c == ' ') {
      anchor += '-';
    }
  }
  return anchor;
}

std::string markdown_cell(const std::string& text) {
  std::string cell;
  for (const char c : text) {
    if (c == '|') {
      cell += "\\|";
    } else if (c == '\n') {
      cell += ' ';
    } else {
      cell += c;
    }
  }
  return cell;
}

/// How the reference marks a key that describes the scenario and changes no figure.
constexpr const char* kInformativeNote = " *Informative only: changes no figure.*";

std::string bound_text(const FieldInfo& field, double bound) {
  return field.type == ValueType::quantity ? format_quantity(bound, field.dimension)
                                           : detail::exact_number(bound);
}

std::string range_description(const FieldInfo& field) {
  std::string range;
  if (field.minimum) {
    range += fmt::format("{} {}", field.minimum_exclusive ? ">" : "≥",
                         bound_text(field, *field.minimum));
  }
  if (field.maximum) {
    range += fmt::format("{}≤ {}", range.empty() ? "" : ", ", bound_text(field, *field.maximum));
  }
  return range;
}

std::string type_description(const FieldInfo& field) {
  switch (field.type) {
    case ValueType::text:
      return field.text_kind == TextKind::prose ? "text (may hold newlines, tabs)" : "name";
    case ValueType::integer:
      return field.choices.empty()
                 ? "whole number"
                 : fmt::format("whole number or `{}`", fmt::join(field.choices, "`, `"));
    case ValueType::count:
      return "count (K, M, B, T suffixes)";
    case ValueType::real:
      return "number";
    case ValueType::boolean:
      return "true / false";
    case ValueType::quantity:
      return fmt::format(
          "{} (`{}`){}", dimension_description(field.dimension), dimension_name(field.dimension),
          field.choices.empty() ? "" : fmt::format(" or `{}`", fmt::join(field.choices, "`, `")));
    case ValueType::date:
      return "date";
    case ValueType::choice:
      return fmt::format("one of `{}`", fmt::join(field.choices, "`, `"));
    case ValueType::record:
      return fmt::format("[{}](#{})", field.record->name, markdown_anchor(field.record->name));
    case ValueType::record_list:
      return fmt::format("list of [{}](#{})", field.record->name,
                         markdown_anchor(field.record->name));
    case ValueType::text_list:
      return "list of names";
    case ValueType::real_list:
      return field.list_length ? fmt::format("list of {} numbers", *field.list_length)
                               : "list of numbers";
  }
  return "?";
}

std::string field_description(const FieldInfo& field) {
  std::string text = field.doc;
  if (field.type == ValueType::quantity) {
    text += " Unit: " + dimension_units_hint(field.dimension) + ".";
  }
  if (!field.default_text.empty())
    text += " Default: " + field.default_text + ".";
  return text;
}

std::string json_bounds(const FieldInfo& field) {
  std::string bounds;
  if (field.minimum) {
    bounds += fmt::format(",\"{}\":{}", field.minimum_exclusive ? "exclusiveMinimum" : "minimum",
                          detail::exact_number(*field.minimum));
  }
  if (field.maximum)
    bounds += fmt::format(",\"maximum\":{}", detail::exact_number(*field.maximum));
  return bounds;
}

/// The JSON Schema pattern of a text kind: a name's safe set (core/text.hpp's name_problem),
/// or no C0, DEL or C1 control (prose: but \n and \t).
std::string text_pattern(const FieldInfo& field) {
  switch (field.text_kind) {
    case TextKind::name:
      return R"(,"pattern":"^([A-Za-z0-9\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u024F\\u0370-\\u037D\\u037F-\\u04FF\\u3041-\\u30FF\\u4E00-\\u9FFF\\uAC00-\\uD7A3][A-Za-z0-9\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u024F\\u0370-\\u037D\\u037F-\\u04FF\\u3041-\\u30FF\\u4E00-\\u9FFF\\uAC00-\\uD7A3 _.:/()+-]{0,127})?$")";
    case TextKind::plain:
      return R"(,"pattern":"^[^\\u0000-\\u001F\\u007F-\\u009F]*$")";
    case TextKind::prose:
      return R"(,"pattern":"^[^\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F]*$")";
  }
  return "";
}

/// An integer, or one of its alternative words (gpus_per_replica: auto).
std::string integer_property(const FieldInfo& field, const std::string& description) {
  const std::string integer = "{\"type\":\"integer\"" + json_bounds(field);
  if (field.choices.empty())
    return integer + description + "}";
  std::vector<std::string> words;
  for (const std::string& word : field.choices)
    words.push_back(quote_string(word));
  return fmt::format("{{\"anyOf\":[{}}},{{\"enum\":[{}]}}]{}}}", integer, fmt::join(words, ","),
                     description);
}

std::string certain_json_property(const FieldInfo& field);

/// The name of the definition every numeric key (and key of words) also accepts: a
/// distribution (docs/uncertainty.md).
constexpr const char* kUncertainDefinition = "uncertain_value";

/// A distribution in either form: "NOMINAL ~ FORM(PARAMETERS) [group NAME]", or a mapping with
/// `dist`. The loader checks the parameters against the key; the schema checks the shape.
std::string uncertain_value_definition() {
  std::vector<std::string> names;
  for (const uncertainty::DistributionForm form :
       {uncertainty::DistributionForm::normal, uncertainty::DistributionForm::uniform,
        uncertainty::DistributionForm::loguniform, uncertainty::DistributionForm::triangular,
        uncertainty::DistributionForm::pert, uncertainty::DistributionForm::lognormal,
        uncertainty::DistributionForm::choice})
    names.emplace_back(uncertainty::form_name(form));
  std::vector<std::string> quoted;
  for (const std::string& name : names)
    quoted.push_back(quote_string(name));
  return fmt::format(
      R"({{
    "description": "An uncertain value (docs/uncertainty.md): \"18 months ~ triangular(14, 18, 26)\" or a mapping with dist.",
    "anyOf": [
      {{"type": "string", "pattern": "^[^~]+~\\s*({})\\s*\\(.*\\)(\\s+group\\s+[A-Za-z0-9_.-]+)?\\s*$"}},
      {{"type": "object", "required": ["dist"], "additionalProperties": false,
       "properties": {{"dist": {{"enum": [{}]}}, "value": {{}}, "group": {{"type": "string", "pattern": "^[A-Za-z0-9_.-]+$"}}, "mean": {{}}, "sd": {{}}, "low": {{}}, "mode": {{}}, "high": {{}}, "median": {{}}, "p90": {{}}, "values": {{"type": "array"}}, "weights": {{"type": "array", "items": {{"type": "number", "minimum": 0}}}}}}}}
    ]
  }})",
      fmt::join(names, "|"), fmt::join(quoted, ", "));
}

std::string json_property(const FieldInfo& field) {
  const std::string property = certain_json_property(field);
  switch (field.type) {
    case ValueType::integer:
    case ValueType::count:
    case ValueType::real:
    case ValueType::quantity:
    case ValueType::choice:
      return fmt::format(R"({{"anyOf":[{},{{"$ref":"#/$defs/{}"}}]}})", property,
                         kUncertainDefinition);
    default:
      return property;
  }
}

std::string certain_json_property(const FieldInfo& field) {
  const std::string description = ",\"description\":" + quote_string(field_description(field));
  const std::string examples =
      field.example.empty() ? "" : ",\"examples\":[" + quote_string(field.example) + "]";
  switch (field.type) {
    case ValueType::text:
      return "{\"type\":\"string\"" + text_pattern(field) + description + examples + "}";
    case ValueType::integer:
      return integer_property(field, description);
    case ValueType::count:
      return "{\"anyOf\":[{\"type\":\"number\"},{\"type\":\"string\",\"pattern\":"
             "\"^[0-9][0-9.eE+-]*[KMBGT]?$\"}]" +
             description + examples + "}";
    case ValueType::real:
      return "{\"type\":\"number\"" + json_bounds(field) + description + "}";
    case ValueType::boolean:
      return "{\"type\":\"boolean\"" + description + "}";
    case ValueType::quantity:
      return "{\"type\":\"string\"" + description + examples + "}";
    case ValueType::date:
      return "{\"type\":\"string\",\"pattern\":"
             "\"^[0-9]{4}-((0[1-9]|1[0-2])(-[0-3][0-9])?|Q[1-4])$\"" +
             description + examples + "}";
    case ValueType::choice: {
      std::vector<std::string> words;
      for (const std::string& choice : field.choices)
        words.push_back(quote_string(choice));
      return fmt::format("{{\"enum\":[{}]{}}}", fmt::join(words, ","), description);
    }
    case ValueType::record:
      return "{\"$ref\":\"#/$defs/" + identifier(field.record->name) + "\"" + description + "}";
    case ValueType::record_list:
      return "{\"type\":\"array\",\"items\":{\"$ref\":\"#/$defs/" + identifier(field.record->name) +
             "\"}" + description + "}";
    case ValueType::text_list:
      return "{\"type\":\"array\",\"items\":{\"type\":\"string\"" + text_pattern(field) + "}" +
             description + "}";
    case ValueType::real_list: {
      const std::string length =
          field.list_length ? fmt::format(",\"minItems\":{0},\"maxItems\":{0}", *field.list_length)
                            : "";
      return "{\"type\":\"array\",\"items\":{\"type\":\"number\"" + json_bounds(field) + "}" +
             length + description + "}";
    }
  }
  return "{}";
}

std::string json_record(const RecordInfo& record, bool is_root) {
  std::string properties;
  std::vector<std::string> required;
  for (const FieldInfo& field : record.fields) {
    properties += fmt::format("{}\n      {}: {}", properties.empty() ? "" : ",",
                              quote_string(field.key), json_property(field));
    if (field.required)
      required.push_back(quote_string(field.key));
  }
  if (is_root) {
    properties +=
        ",\n      \"extends\": {\"anyOf\":[{\"type\":\"string\"},{\"type\":\"array\","
        "\"items\":{\"type\":\"string\"}}],\"description\":\"Scenario files this one "
        "is merged over, relative to it.\"}";
  }
  return fmt::format(
      "{{\n    \"type\": \"object\",\n    \"description\": {},\n    \"additionalProperties\": "
      "false,\n    \"required\": [{}],\n    \"properties\": {{{}\n    }}\n  }}",
      quote_string(record.doc), fmt::join(required, ","), properties);
}

}  // namespace

std::string scenario_reference_markdown() {
  std::string text =
      "# Scenario reference\n\n"
      "Generated by `capsim schema --markdown` from the declarations the loader itself uses\n"
      "(`sim/scenario/scenario_schema.cpp`); a test fails when this file and the code differ.\n"
      "Regenerate it with `build/release/capsim schema --markdown > docs/scenarios.md`.\n"
      "The JSON Schema for editors comes from the same place: `capsim schema --json`.\n\n"
      "Every quantity is a quoted string with its unit (`\"1.2 GW\"`, `\"$60B\"`,\n"
      "`\"18 months\"`); a bare number where a unit is required is an error, and so is any\n"
      "unknown key. `extends: base.yaml` (or a list) merges the file over its bases: mappings\n"
      "merge key by key, lists and values replace. A file a scenario names (`extends`,\n"
      "`catalog.include`, `demand.observations`) is relative to the file that names it and must\n"
      "lie inside that file's folder, inside a folder given with `--allow-path DIR` or inside\n"
      "capsim's own `scenarios/`, symbolic links resolved (docs/security.md).\n"
      "`capsim validate --set key.path=value` and\n"
      "`capsim explain --set ...` override any key, with the paths used in error messages\n"
      "(`sites[0].pue`, `efficiency.steps[0].factor`). A list item may be selected by one of\n"
      "its keys instead of its index: `sites[name=prometheus].pue`, "
      "`clusters[name=h100-2024].gpus`\n"
      "(exactly one item must match; the error lists the values there are).\n"
      "`--scale key.path=factor` (run, validate, explain) multiplies every number a path matches\n"
      "in the resolved scenario (what `capsim explain` prints: every catalog part listed): `*` is\n"
      "every key or list item at its place, `**` any depth, `price*` any key that starts so;\n"
      "`--scale 'catalog.accelerators[*].price_installed_per_gpu=1.2'` makes every part's launch\n"
      "price 20% dearer. A path that matches no number is an error.\n\n"
      "Any key that takes a number (or one of a few words) may hold a distribution instead:\n"
      "`\"18 months ~ triangular(14, 18, 26)\"` or `{dist: lognormal, median: \"$40k\", p90:\n"
      "\"$55k\"}`, with the forms normal, uniform, loguniform, triangular, pert, lognormal and\n"
      "choice. A run reads its nominal value; `capsim run --replications N` draws it\n"
      "(docs/uncertainty.md). Dates and names cannot be uncertain.\n\n"
      "A name (of the scenario, a site, a cluster, a catalog part, a service, a tenant, a job,\n"
      "a construction task, a failure cause), and a key that refers to one, holds letters,\n"
      "digits, spaces and `-_.:/()+`, starts with a letter or a digit and has at most 128\n"
      "characters; letters are ASCII's and those of the Latin-1, Latin Extended, Greek,\n"
      "Cyrillic, CJK, kana and Hangul blocks. An empty name is no name (`cluster: \"\"` is any\n"
      "cluster). Names reach CSV cells, the HTML report and terminals, where none of these\n"
      "characters means anything (docs/security.md). Other text (a file path) holds no control\n"
      "character: none of U+0000-U+001F, U+007F (DEL) or U+0080-U+009F, which a `\\0` or\n"
      "`\\e` escape in a double-quoted scalar would put there; a description may hold newlines\n"
      "and tabs, no other control character. The error names the character and its place.\n\n"
      "Every key changes some output of a run, except those marked *Informative only*, which\n"
      "name or explain the scenario, or shape only Monte Carlo runs (`scenario.replications`,\n"
      "`uncertainty`: tests/study/monte_carlo_test.cpp checks those);\n"
      "tests/scenario/every_key_matters_test.cpp moves each other key and checks that the files\n"
      "a run writes change. A retired key is refused with what to write instead.\n\n";
  text += fmt::format(
      "A base may extend others, at most {} levels deep and {} files in all. A file reached on\n"
      "several paths (a diamond) is merged once per path, in the order listed, and counts each\n"
      "time.\n\n",
      kMaxExtendsDepth, kMaxExtendsFiles);
  text += work_ceilings_markdown();
  text += "## Units\n\n| dimension | written as |\n|---|---|\n";
  for (const Dimension dimension : kAllDimensions) {
    text += fmt::format("| `{}` | {} |\n", dimension_name(dimension),
                        markdown_cell(dimension_units_hint(dimension)));
  }
  text +=
      "\nDates are `YYYY-MM-DD`, `YYYY-MM` (the first of the month) or `YYYY-Qn` (the first day "
      "of the quarter). Durations: a month is 1/12 and a quarter 1/4 of a 365.25-day year.\n";
  text += fmt::format(
      "\n## Ranges\n\n"
      "Every number has a range: what `validate` accepts, the model computes. A key's own range\n"
      "is in its table below. Where physics gives none, a sanity range bounds the value on both\n"
      "sides (the negative of the ceiling below, unless the key says otherwise), so a slipped\n"
      "exponent is an error with its place rather than an overflow in the run. Dates lie\n"
      "between {}-01-01 and {}-12-31.\n\n"
      "| kind of value | at most | why |\n|---|---|---|\n",
      kFirstYear, kLastYear);
  for (const SanityRange& range : sanity_ranges()) {
    FieldInfo example;
    example.type = range.type;
    example.dimension = range.dimension;
    const std::string kind = range.type == ValueType::quantity
                                 ? fmt::format("`{}`", dimension_name(range.dimension))
                                 : type_description(example);
    text +=
        fmt::format("| {} | {} | {} |\n", kind, markdown_cell(bound_text(example, range.maximum)),
                    markdown_cell(range.reason));
  }
  for (const RecordInfo* record : reachable_records(scenario_schema().info())) {
    text += fmt::format("\n## {}\n\n{}\n\n", record->name, record->doc);
    text += "| key | type | required | default | range | meaning | example |\n";
    text += "|---|---|---|---|---|---|---|\n";
    for (const FieldInfo& field : record->fields) {
      text +=
          fmt::format("| `{}` | {} | {} | {} | {} | {} | {} |\n", field.key,
                      markdown_cell(type_description(field)), field.required ? "yes" : "",
                      markdown_cell(field.default_text), markdown_cell(range_description(field)),
                      markdown_cell(field.doc + (field.informative ? kInformativeNote : "")),
                      field.example.empty() ? std::string()
                                            : fmt::format("`{}`", markdown_cell(field.example)));
    }
    for (const RetiredKey& retired : record->retired) {
      text += fmt::format("\nRetired: `{}` is refused, with this advice: {}.\n", retired.key,
                          retired.advice);
    }
  }
  return text;
}

std::string scenario_json_schema() {
  const RecordInfo& root = scenario_schema().info();
  std::string definitions;
  for (const RecordInfo* record : reachable_records(root)) {
    definitions +=
        fmt::format("{}\n  {}: {}", definitions.empty() ? "" : ",",
                    quote_string(identifier(record->name)), json_record(*record, record == &root));
  }
  definitions +=
      fmt::format(",\n  {}: {}", quote_string(kUncertainDefinition), uncertain_value_definition());
  return fmt::format(
      "{{\n  \"$schema\": \"https://json-schema.org/draft/2020-12/schema\",\n"
      "  \"title\": \"capsim scenario\",\n  \"$ref\": \"#/$defs/{}\",\n  \"$defs\": {{{}\n  "
      "}}\n}}\n",
      identifier(root.name), definitions);
}

}  // namespace capsim::scenario
