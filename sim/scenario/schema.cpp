#include "capsim/scenario/schema.hpp"

#include "capsim/core/text.hpp"

#include <charconv>
#include <cmath>

#include <fmt/format.h>

namespace capsim::scenario {

const FieldInfo* RecordInfo::find(std::string_view key) const {
  for (const FieldInfo& field : fields) {
    if (field.key == key)
      return &field;
  }
  return nullptr;
}

const RetiredKey* RecordInfo::find_retired(std::string_view key) const {
  for (const RetiredKey& retired_key : retired) {
    if (retired_key.key == key)
      return &retired_key;
  }
  return nullptr;
}

std::vector<std::string> RecordInfo::keys() const {
  std::vector<std::string> names;
  names.reserve(fields.size());
  for (const FieldInfo& field : fields)
    names.push_back(field.key);
  return names;
}

void YamlWriter::start_line() {
  if (pending_dash_) {
    text_ += std::string(static_cast<std::size_t>(2 * (depth_ - 1)), ' ') + "- ";
    pending_dash_ = false;
    return;
  }
  text_ += std::string(static_cast<std::size_t>(2 * depth_), ' ');
}

void YamlWriter::key(const std::string& name) {
  start_line();
  text_ += name + ":\n";
}

void YamlWriter::scalar(const std::string& name, const std::string& plain_value) {
  start_line();
  text_ += name + ": " + plain_value + "\n";
}

void YamlWriter::quoted(const std::string& name, const std::string& text) {
  scalar(name, quote_string(text));
}

void YamlWriter::empty_list(const std::string& name) {
  scalar(name, "[]");
}

void YamlWriter::begin_list_item() {
  pending_dash_ = true;
}

const std::vector<SanityRange>& sanity_ranges() {
  using enum Dimension;
  static const std::vector<SanityRange> ranges = {
      {ValueType::integer, money, 1e12, "a trillion: a thousand times the largest fleets planned"},
      {ValueType::count, money, 1e18, "a quintillion: parameters, tokens and counts of any model"},
      {ValueType::real, money, 1e6, "plain ratios (PUE, elasticities) far inside a million"},
      {ValueType::real_list, money, 1e6, "as plain numbers"},
      {ValueType::quantity, money, 1e15, "$1 quadrillion, ten times the world's yearly GDP"},
      {ValueType::quantity, money_per_gpu_time, 10000.0 / 3600.0,
       "$10,000 per GPU-hour, thousands of times a 2025 rental price"},
      {ValueType::quantity, energy_price, 10.0 / 3.6e6,
       "$10 per kWh, ten times the dearest retail power of Europe's 2022 crisis"},
      {ValueType::quantity, money_per_power, 1000.0,
       "$1,000 per watt, a hundred times a 2025 datacenter's cost"},
      {ValueType::quantity, token_price, 1.0, "$1 per token, thousands of times any price list"},
      {ValueType::quantity, power, 1e12, "1 TW, a third of the world's mean electricity use"},
      {ValueType::quantity, energy, 1e21, "1e21 J, about the world's yearly primary energy"},
      {ValueType::quantity, duration, 200 * 365.25 * 86400.0,
       "200 years: every date lies between 1900 and 2200"},
      {ValueType::quantity, data, 1e18, "an exabyte"},
      {ValueType::quantity, bandwidth, 1e18, "an exabyte per second"},
      {ValueType::quantity, compute_rate, 1e21, "a zettaFLOP/s, 10,000 times a 2025 GPU"},
      {ValueType::quantity, compute, 1e32, "1e32 FLOP, a million times the largest 2025 run"},
      {ValueType::quantity, tokens, 1e18, "1e18 tokens, 50,000 times a 2025 training set"},
      {ValueType::quantity, token_rate, 1e13,
       "1e13 tokens/s (8.6e17 a day), 20,000 times a large provider's 2025 traffic"},
      {ValueType::quantity, fraction, 1e4, "a million percent"},
      {ValueType::quantity, multiplier, 1e4, "10,000x, a thousand times the DeepSeek-style 10x"},
      {ValueType::quantity, frequency, 1e6, "a million events a second"},
      {ValueType::quantity, carbon_mass, 1e15, "1 GtCO2e, a million times any server's footprint"},
      {ValueType::quantity, carbon_intensity, 2000.0 / 3.6e6,
       "2,000 gCO2e/kWh, about twice US coal power's 1,043 (EIA, 2022)"},
  };
  return ranges;
}

namespace detail {

void apply_sanity_range(FieldInfo& field) {
  for (const SanityRange& range : sanity_ranges()) {
    if (range.type != field.type ||
        (field.type == ValueType::quantity && range.dimension != field.dimension))
      continue;
    if (!field.maximum)
      field.maximum = range.maximum;
    if (!field.minimum)
      field.minimum = -range.maximum;
    return;
  }
}

namespace {

std::string range_text(const FieldInfo& field, double bound) {
  if (field.type == ValueType::quantity)
    return format_quantity(bound, field.dimension);
  return exact_number(bound);
}

/// Reports a value outside the field's range; true when inside.
bool check_range(double value, const FieldInfo& field, const ConfigNode& node,
                 const std::string& path, LoadContext& context) {
  if (field.minimum) {
    const bool below = field.minimum_exclusive ? !(value > *field.minimum) : value < *field.minimum;
    if (below) {
      context.error(node.location, path,
                    fmt::format("expected {} {}, found {}",
                                field.minimum_exclusive ? "more than" : "at least",
                                range_text(field, *field.minimum), node.describe()));
      return false;
    }
  }
  if (field.maximum && value > *field.maximum) {
    context.error(node.location, path,
                  fmt::format("expected at most {}, found {}", range_text(field, *field.maximum),
                              node.describe()));
    return false;
  }
  return true;
}

bool expect_scalar(const ConfigNode& node, const std::string& what, const std::string& path,
                   LoadContext& context) {
  if (node.is_scalar())
    return true;
  context.error(node.location, path, fmt::format("expected {}, found {}", what, node.describe()));
  return false;
}

}  // namespace

std::string exact_number(double value) {
  return fmt::format("{}", value);
}

std::optional<std::string> read_text(const ConfigNode& node, const FieldInfo& field,
                                     const std::string& path, LoadContext& context) {
  if (!expect_scalar(node, "a text value", path, context))
    return std::nullopt;
  const bool prose = field.text_kind == TextKind::prose;
  if (const auto control = find_control_character(node.scalar, prose)) {
    // The value itself is not echoed: it holds the character the message warns of.
    context.error(node.location, path,
                  fmt::format("expected {} without control characters{}, found {} at "
                              "character {}",
                              prose                               ? "text"
                              : field.text_kind == TextKind::name ? "a name"
                                                                  : "a value",
                              prose ? " but newline and tab" : "",
                              code_point_name(control->code_point), control->position));
    return std::nullopt;
  }
  if (field.text_kind == TextKind::name) {
    if (auto problem = name_problem(node.scalar)) {
      context.error(node.location, path, std::move(*problem));
      return std::nullopt;
    }
  }
  return node.scalar;
}

std::optional<std::int64_t> read_integer(const ConfigNode& node, const FieldInfo& field,
                                         const std::string& path, LoadContext& context) {
  // An integer with an alternative word (gpus_per_replica: auto) names the word too.
  const std::string expected =
      field.choices.empty() ? std::string("a whole number")
                            : fmt::format("a whole number or {}", fmt::join(field.choices, " or "));
  if (!expect_scalar(node, expected, path, context))
    return std::nullopt;
  std::int64_t value = 0;
  // YAML writes a positive integer with or without '+'; from_chars takes only '-'.
  const std::string& text = node.scalar;
  const char* begin = text.data() + (text.size() > 1 && text[0] == '+' ? 1 : 0);
  const char* end = text.data() + text.size();
  const auto result = std::from_chars(begin, end, value);
  if (result.ec == std::errc::result_out_of_range && result.ptr == end) {
    context.error(node.location, path,
                  fmt::format("expected at {} {}, found {}", text[0] == '-' ? "least" : "most",
                              text[0] == '-' ? INT64_MIN : INT64_MAX, node.describe()));
    return std::nullopt;
  }
  if (result.ec != std::errc() || result.ptr != end) {
    context.error(node.location, path,
                  fmt::format("expected {}, found {}", expected, node.describe()));
    return std::nullopt;
  }
  if (!check_range(static_cast<double>(value), field, node, path, context))
    return std::nullopt;
  return value;
}

std::optional<double> read_count(const ConfigNode& node, const FieldInfo& field,
                                 const std::string& path, LoadContext& context) {
  const std::string expected = "a count such as 405B, 37B or 16K";
  if (!expect_scalar(node, expected, path, context))
    return std::nullopt;
  const std::string& text = node.scalar;
  double value = 0.0;
  const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
  double scale = 1.0;
  bool valid = result.ec == std::errc() && std::isfinite(value);
  if (valid && result.ptr != text.data() + text.size()) {
    const std::string_view suffix(result.ptr,
                                  static_cast<std::size_t>(text.data() + text.size() - result.ptr));
    if (suffix == "K") {
      scale = 1e3;
    } else if (suffix == "M") {
      scale = 1e6;
    } else if (suffix == "B" || suffix == "G") {
      scale = 1e9;
    } else if (suffix == "T") {
      scale = 1e12;
    } else {
      valid = false;
    }
  }
  if (!valid) {
    context.error(node.location, path,
                  fmt::format("expected {}, found {}", expected, node.describe()));
    return std::nullopt;
  }
  value *= scale;
  if (!check_range(value, field, node, path, context))
    return std::nullopt;
  return value;
}

std::optional<double> read_real(const ConfigNode& node, const FieldInfo& field,
                                const std::string& path, LoadContext& context) {
  if (!expect_scalar(node, "a number", path, context))
    return std::nullopt;
  double value = 0.0;
  const std::string& text = node.scalar;
  const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
  if (result.ec != std::errc() || result.ptr != text.data() + text.size() ||
      !std::isfinite(value)) {
    context.error(node.location, path, fmt::format("expected a number, found {}", node.describe()));
    return std::nullopt;
  }
  if (!check_range(value, field, node, path, context))
    return std::nullopt;
  return value;
}

std::optional<bool> read_boolean(const ConfigNode& node, const std::string& path,
                                 LoadContext& context) {
  if (node.is_scalar() && !node.quoted && (node.scalar == "true" || node.scalar == "false")) {
    return node.scalar == "true";
  }
  context.error(node.location, path,
                fmt::format("expected true or false, found {}", node.describe()));
  return std::nullopt;
}

std::optional<double> read_quantity(const ConfigNode& node, const FieldInfo& field,
                                    const std::string& path, LoadContext& context) {
  if (!expect_scalar(node, dimension_units_hint(field.dimension), path, context)) {
    return std::nullopt;
  }
  try {
    const double value = parse_quantity(node.scalar, field.dimension);
    if (!check_range(value, field, node, path, context))
      return std::nullopt;
    return value;
  } catch (const UnitError& error) {
    context.error(node.location, path, error.what());
    return std::nullopt;
  }
}

std::optional<Date> read_date(const ConfigNode& node, const std::string& path,
                              LoadContext& context) {
  if (!expect_scalar(node, "a date such as 2025-01-20, 2025-07 or 2025-Q3", path, context)) {
    return std::nullopt;
  }
  try {
    const Date date = parse_date(node.scalar);
    if (date.year < kFirstYear || date.year > kLastYear) {
      context.error(node.location, path,
                    fmt::format("expected a date from {}-01-01 to {}-12-31, found {}", kFirstYear,
                                kLastYear, node.describe()));
      return std::nullopt;
    }
    return date;
  } catch (const UnitError& error) {
    context.error(node.location, path, error.what());
    return std::nullopt;
  }
}

std::optional<std::size_t> read_choice(const ConfigNode& node, const FieldInfo& field,
                                       const std::string& path, LoadContext& context) {
  std::string options;
  for (const std::string& choice : field.choices) {
    options += (options.empty() ? "" : ", ") + choice;
  }
  if (!expect_scalar(node, "one of " + options, path, context))
    return std::nullopt;
  for (std::size_t i = 0; i < field.choices.size(); ++i) {
    if (field.choices[i] == node.scalar)
      return i;
  }
  const std::string suggestion = closest_match(node.scalar, field.choices);
  context.error(node.location, path,
                fmt::format("expected one of {}, found {}{}", options, node.describe(),
                            suggestion.empty() ? "" : " (did you mean '" + suggestion + "'?)"));
  return std::nullopt;
}

std::optional<std::vector<std::string>> read_texts(const ConfigNode& node, const FieldInfo& field,
                                                   const std::string& path, LoadContext& context) {
  if (node.is_null())
    return std::vector<std::string>{};
  if (!node.is_sequence()) {
    context.error(node.location, path,
                  fmt::format("expected a list of names, found {}", node.describe()));
    return std::nullopt;
  }
  std::vector<std::string> values;
  bool valid = true;
  for (std::size_t i = 0; i < node.items.size(); ++i) {
    const std::string item_path = fmt::format("{}[{}]", path, i);
    if (auto value = read_text(node.items[i], field, item_path, context)) {
      values.push_back(*value);
    } else {
      valid = false;
    }
  }
  if (!valid)
    return std::nullopt;
  return values;
}

std::optional<std::vector<double>> read_reals(const ConfigNode& node, const FieldInfo& field,
                                              const std::string& path, LoadContext& context) {
  if (node.is_null())
    return std::vector<double>{};
  const std::string expected = field.list_length
                                   ? fmt::format("a list of {} numbers", *field.list_length)
                                   : "a list of numbers";
  if (!node.is_sequence()) {
    context.error(node.location, path,
                  fmt::format("expected {}, found {}", expected, node.describe()));
    return std::nullopt;
  }
  if (field.list_length && node.items.size() != *field.list_length) {
    context.error(
        node.location, path,
        fmt::format("expected {}, found {}", expected,
                    node.items.size() == 1 ? std::string("1 number")
                                           : fmt::format("{} numbers", node.items.size())));
    return std::nullopt;
  }
  std::vector<double> values;
  bool valid = true;
  for (std::size_t i = 0; i < node.items.size(); ++i) {
    if (auto value = read_real(node.items[i], field, fmt::format("{}[{}]", path, i), context)) {
      values.push_back(*value);
    } else {
      valid = false;
    }
  }
  if (!valid)
    return std::nullopt;
  return values;
}

bool walk_mapping(const ConfigNode& node, const RecordInfo& info, const std::string& path,
                  LoadContext& context,
                  const std::function<void(std::size_t, const MappingEntry&)>& load_field) {
  if (!node.is_mapping() && !node.is_null()) {
    context.error(node.location, path,
                  fmt::format("expected a mapping ({}), found {}", info.name, node.describe()));
    return false;
  }
  std::vector<bool> seen(info.fields.size(), false);
  for (const MappingEntry& entry : node.entries) {
    std::size_t index = info.fields.size();
    for (std::size_t i = 0; i < info.fields.size(); ++i) {
      if (info.fields[i].key == entry.key)
        index = i;
    }
    if (index == info.fields.size()) {
      // An unknown key may be any text (a line of a file that is not a scenario): quoted short.
      const std::string key = excerpt(entry.key);
      const std::string entry_path = path.empty() ? key : path + "." + key;
      if (const RetiredKey* retired = info.find_retired(entry.key)) {
        context.error(entry.key_location, entry_path,
                      fmt::format("'{}' is no longer a key of {}: {}", entry.key, info.name,
                                  retired->advice));
        continue;
      }
      const std::string suggestion = closest_match(entry.key, info.keys());
      std::string message = suggestion.empty()
                                ? fmt::format("unknown key '{}' in {}; expected one of: {}", key,
                                              info.name, fmt::join(info.keys(), ", "))
                                : fmt::format("unknown key '{}' in {} (did you mean '{}'?)", key,
                                              info.name, suggestion);
      context.error(entry.key_location, entry_path, std::move(message));
      continue;
    }
    seen[index] = true;
    load_field(index, entry);
  }
  for (std::size_t i = 0; i < info.fields.size(); ++i) {
    if (info.fields[i].required && !seen[i]) {
      const std::string field_path =
          path.empty() ? info.fields[i].key : path + "." + info.fields[i].key;
      context.error(node.location, field_path,
                    fmt::format("missing required key '{}' in {}", info.fields[i].key, info.name));
    }
  }
  return true;
}

}  // namespace detail
}  // namespace capsim::scenario
