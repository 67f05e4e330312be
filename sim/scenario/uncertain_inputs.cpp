#include "capsim/scenario/uncertain_inputs.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <stdexcept>

#include <fmt/format.h>

#include "capsim/core/text.hpp"
#include "capsim/core/units.hpp"
#include "capsim/scenario/scenario_schema.hpp"
#include "capsim/uncertainty/copula.hpp"

namespace capsim::scenario {

namespace {

using uncertainty::Distribution;
using uncertainty::DistributionForm;

constexpr DistributionForm kForms[] = {DistributionForm::normal,     DistributionForm::uniform,
                                       DistributionForm::loguniform, DistributionForm::triangular,
                                       DistributionForm::pert,       DistributionForm::lognormal,
                                       DistributionForm::choice};

/// An unbounded form's support is checked against the key's range at these quantiles: a draw
/// in the remaining tails is clamped, which moves the distribution's mean negligibly.
constexpr double kTailQuantile = 0.001;

const char* kCompactExample = "\"18 months ~ triangular(14, 18, 26)\"";

std::string trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos)
    return {};
  const auto last = text.find_last_not_of(" \t");
  return std::string(text.substr(first, last - first + 1));
}

std::string form_list() {
  std::string list;
  for (const DistributionForm form : kForms)
    list += (list.empty() ? "" : ", ") + std::string(uncertainty::form_name(form));
  return list;
}

std::optional<DistributionForm> find_form(std::string_view name) {
  for (const DistributionForm form : kForms) {
    if (uncertainty::form_name(form) == name)
      return form;
  }
  return std::nullopt;
}

/// "triangular(low, mode, high)": how messages name a form's parameters.
std::string form_signature(DistributionForm form) {
  std::string names;
  for (const std::string_view name : uncertainty::form_parameters(form))
    names += (names.empty() ? "" : ", ") + std::string(name);
  return fmt::format("{}({})", uncertainty::form_name(form), names);
}

bool is_numeric_type(ValueType type) {
  return type == ValueType::integer || type == ValueType::count || type == ValueType::real ||
         type == ValueType::quantity;
}

bool is_group_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
  });
}

/// Keys that belong to the study rather than to a replication: a draw there would change
/// nothing (the seed, the count) or the periods every replication reports in (the horizon,
/// the reporting period), which the nominal run fixes for all of them.
struct StudyKey {
  std::string_view path;
  std::string_view expected;
  std::string_view why;
};

constexpr StudyKey kStudyKeys[] = {
    {"scenario.seed", "a whole number",
     "every replication already runs with a seed of its own (docs/uncertainty.md)"},
    {"scenario.replications", "a whole number",
     "the number of replications is the study's, not an input"},
    {"scenario.horizon", "a duration",
     "every replication reports the nominal run's periods; make a duration inside the run "
     "uncertain instead"},
    {"scenario.reporting_period", "a reporting period",
     "every replication reports the nominal run's periods"},
};

const StudyKey* study_key(std::string_view path) {
  for (const StudyKey& key : kStudyKeys) {
    if (key.path == path)
      return &key;
  }
  return nullptr;
}

/// What a distribution says before its parameters are read: texts as written.
struct WrittenDistribution {
  DistributionForm form = DistributionForm::uniform;
  std::vector<std::pair<std::string, std::string>> parameters;  ///< name, text
  std::optional<std::string> nominal;                           ///< text
  std::string group;
  std::vector<std::string> choices;
  std::vector<std::string> weights;
  std::optional<std::string> low;  ///< a normal's truncation
  std::optional<std::string> high;
  std::string written;
};

/// A scalar holding `text` where `at` was written: a value read on the distribution's behalf
/// reports its problems at the distribution's place.
ConfigNode scalar_at(const ConfigNode& at, std::string text) {
  ConfigNode node;
  node.kind = ConfigNode::Kind::scalar;
  node.location = at.location;
  node.scalar = std::move(text);
  return node;
}

class Extractor {
 public:
  explicit Extractor(Diagnostics& diagnostics) : diagnostics_(diagnostics) {}

  void walk_record(ConfigNode& node, const RecordInfo& info, const std::string& path) {
    if (!node.is_mapping())
      return;  // the loader reports it
    for (MappingEntry& entry : node.entries) {
      const FieldInfo* field = info.find(entry.key);
      if (!field)
        continue;
      const std::string key_path = path.empty() ? entry.key : path + "." + entry.key;
      if (field->type == ValueType::record && field->record) {
        walk_record(entry.value, *field->record, key_path);
      } else if (field->type == ValueType::record_list && field->record &&
                 entry.value.is_sequence()) {
        for (std::size_t i = 0; i < entry.value.items.size(); ++i)
          walk_record(entry.value.items[i], *field->record, fmt::format("{}[{}]", key_path, i));
      } else {
        visit_value(entry.value, *field, key_path);
      }
    }
  }

  std::vector<UncertainInput> take() { return std::move(inputs_); }

 private:
  void error(const ConfigNode& node, const std::string& path, std::string message) {
    diagnostics_.add(node.location, path, std::move(message));
  }

  void visit_value(ConfigNode& node, const FieldInfo& field, const std::string& path) {
    const bool compact = node.is_scalar() && node.scalar.find('~') != std::string::npos;
    const bool mapping = node.is_mapping() && node.find("dist") != nullptr;
    if (!compact && !mapping)
      return;
    if (field.type == ValueType::text || field.type == ValueType::text_list)
      return;  // a name may hold '~'; a mapping there is the loader's error
    const std::size_t problems = diagnostics_.size();
    if (!written_on_numeric_key(node, field, path)) {
      fall_back(node);
      return;
    }
    const std::optional<WrittenDistribution> written =
        compact ? parse_compact(node, path) : parse_mapping(node, path);
    std::optional<UncertainInput> input;
    if (written)
      input = make_input(*written, node, field, path);
    if (input) {
      replace_with(node, input->nominal_text);
      inputs_.push_back(std::move(*input));
      return;
    }
    if (diagnostics_.size() == problems)
      error(node, path, "expected a distribution, found one that cannot be read");
    fall_back(node);
  }

  /// After a distribution's problem is reported, the loader must not report its key again: it
  /// reads a value the distribution gave (its nominal, else a parameter) or, failing that,
  /// nothing.
  static void fall_back(ConfigNode& node) {
    if (node.is_scalar()) {
      replace_with(node, trim(std::string_view(node.scalar).substr(0, node.scalar.find('~'))));
      return;
    }
    const ConfigNode* value = node.find("value");
    for (const MappingEntry& entry : node.entries) {
      if (value)
        break;
      if (entry.key != "dist" && entry.key != "group" && entry.value.is_scalar())
        value = &entry.value;
      if (entry.key == "values" && entry.value.is_sequence() && !entry.value.items.empty() &&
          entry.value.items.front().is_scalar())
        value = &entry.value.items.front();
    }
    if (value && value->is_scalar()) {
      replace_with(node, value->scalar);
      return;
    }
    node.kind = ConfigNode::Kind::null;
    node.entries.clear();
  }

  static void replace_with(ConfigNode& node, const std::string& text) {
    node = scalar_at(node, text);
  }

  /// Dates and other keys that are not numbers (or words) take no distribution.
  bool written_on_numeric_key(const ConfigNode& node, const FieldInfo& field,
                              const std::string& path) {
    if (const StudyKey* key = study_key(path)) {
      error(node, path,
            fmt::format("expected {}, found a distribution: {}", key->expected, key->why));
      return false;
    }
    if (field.type == ValueType::date) {
      error(node, path,
            "expected a date such as 2025-01-20, found a distribution: a date cannot be "
            "uncertain; make a duration before it uncertain instead (a construction task's)");
      return false;
    }
    if (!is_numeric_type(field.type) && field.type != ValueType::choice) {
      error(node, path,
            "expected a value, found a distribution: only numeric keys and keys of words take "
            "one");
      return false;
    }
    return true;
  }

  /// "18 months ~ triangular(14, 18, 26) group prometheus"
  std::optional<WrittenDistribution> parse_compact(const ConfigNode& node,
                                                   const std::string& path) {
    const std::string& text = node.scalar;
    const auto bad = [&](const std::string& why) {
      error(node, path,
            fmt::format("expected a distribution such as {}, found \"{}\" ({})", kCompactExample,
                        excerpt(text), why));
      return std::nullopt;
    };
    WrittenDistribution result;
    result.written = trim(text);
    const std::size_t tilde = text.find('~');
    result.nominal = trim(std::string_view(text).substr(0, tilde));
    if (result.nominal->empty())
      return bad("no value before '~'");
    const std::string rest = trim(std::string_view(text).substr(tilde + 1));
    const std::size_t open = rest.find('(');
    const std::size_t close = rest.find(')');
    if (open == std::string::npos || close == std::string::npos || close < open)
      return bad("no parameters in parentheses after the form");
    const std::string name = trim(std::string_view(rest).substr(0, open));
    const std::optional<DistributionForm> form = find_form(name);
    if (!form) {
      error(
          node, path,
          fmt::format("expected a distribution form: one of {}, found \"{}\"", form_list(), name));
      return std::nullopt;
    }
    result.form = *form;
    std::vector<std::string> values;
    std::string_view inside = std::string_view(rest).substr(open + 1, close - open - 1);
    while (true) {
      const std::size_t comma = inside.find(',');
      values.push_back(trim(inside.substr(0, comma)));
      if (comma == std::string_view::npos)
        break;
      inside = inside.substr(comma + 1);
    }
    const std::string tail = trim(std::string_view(rest).substr(close + 1));
    if (!tail.empty()) {
      constexpr std::string_view kGroup = "group ";
      if (tail.rfind(kGroup, 0) != 0 || !is_group_name(trim(tail.substr(kGroup.size()))))
        return bad(
            fmt::format("expected nothing or \"group NAME\" after the parameters, found "
                        "\"{}\"",
                        tail));
      result.group = trim(tail.substr(kGroup.size()));
    }
    if (result.form == DistributionForm::choice) {
      result.choices = values;
      return result;
    }
    const auto& names = uncertainty::form_parameters(result.form);
    if (values.size() != names.size()) {
      error(node, path,
            fmt::format("expected {}: {} parameters, found {}", form_signature(result.form),
                        names.size(), values.size()));
      return std::nullopt;
    }
    for (std::size_t i = 0; i < names.size(); ++i)
      result.parameters.emplace_back(std::string(names[i]), values[i]);
    return result;
  }

  /// {dist: lognormal, median: "$40k", p90: "$55k", value: "$40k", group: gpu-prices}
  std::optional<WrittenDistribution> parse_mapping(const ConfigNode& node,
                                                   const std::string& path) {
    WrittenDistribution result;
    const ConfigNode& dist = *node.find("dist");
    const std::optional<DistributionForm> form =
        dist.is_scalar() ? find_form(dist.scalar) : std::nullopt;
    if (!form) {
      diagnostics_.add(dist.location, path + ".dist",
                       fmt::format("expected one of {}, found {}", form_list(), dist.describe()));
      return std::nullopt;
    }
    result.form = *form;
    std::vector<std::string> allowed = {"dist", "value", "group"};
    for (const std::string_view name : uncertainty::form_parameters(result.form))
      allowed.emplace_back(name);
    if (result.form == DistributionForm::normal) {
      allowed.emplace_back("low");
      allowed.emplace_back("high");
    }
    if (result.form == DistributionForm::choice)
      allowed = {"dist", "value", "group", "values", "weights"};
    bool ok = true;
    for (const MappingEntry& entry : node.entries) {
      const std::string entry_path = path + "." + entry.key;
      if (std::find(allowed.begin(), allowed.end(), entry.key) == allowed.end()) {
        diagnostics_.add(
            entry.key_location, entry_path,
            fmt::format("expected one of the keys of {}: {}, found \"{}\"",
                        uncertainty::form_name(result.form), fmt::join(allowed, ", "), entry.key));
        ok = false;
        continue;
      }
      if (entry.key == "dist")
        continue;
      if (entry.key == "values" || entry.key == "weights") {
        if (!entry.value.is_sequence() || entry.value.items.empty() ||
            !std::all_of(entry.value.items.begin(), entry.value.items.end(),
                         [](const ConfigNode& item) { return item.is_scalar(); })) {
          diagnostics_.add(
              entry.value.location, entry_path,
              fmt::format("expected a list of values, found {}", entry.value.describe()));
          ok = false;
          continue;
        }
        auto& target = entry.key == "values" ? result.choices : result.weights;
        for (const ConfigNode& item : entry.value.items)
          target.push_back(item.scalar);
        continue;
      }
      if (!entry.value.is_scalar()) {
        diagnostics_.add(entry.value.location, entry_path,
                         fmt::format("expected a value, found {}", entry.value.describe()));
        ok = false;
        continue;
      }
      if (entry.key == "value") {
        result.nominal = entry.value.scalar;
      } else if (entry.key == "group") {
        if (!is_group_name(entry.value.scalar)) {
          diagnostics_.add(entry.value.location, entry_path,
                           fmt::format("expected a group name of letters, digits, '-', '_' or "
                                       "'.', found {}",
                                       entry.value.describe()));
          ok = false;
        }
        result.group = entry.value.scalar;
      } else if (entry.key == "low" && result.form == DistributionForm::normal) {
        result.low = entry.value.scalar;  // a normal's truncation; other forms' own bound
      } else if (entry.key == "high" && result.form == DistributionForm::normal) {
        result.high = entry.value.scalar;
      }
    }
    if (!ok)
      return std::nullopt;
    std::vector<std::string> written_parameters;
    if (result.form == DistributionForm::choice) {
      if (result.choices.empty()) {
        error(node, path, "expected a choice's `values`, found none");
        return std::nullopt;
      }
      if (!result.weights.empty() && result.weights.size() != result.choices.size()) {
        error(node, path,
              fmt::format("expected one weight per value ({}), found {}", result.choices.size(),
                          result.weights.size()));
        return std::nullopt;
      }
      written_parameters.push_back(fmt::format("{}", fmt::join(result.choices, ", ")));
    } else {
      for (const std::string_view name : uncertainty::form_parameters(result.form)) {
        const ConfigNode* parameter = node.find(name);
        if (!parameter) {
          error(node, path,
                fmt::format("expected {}: `{}` is missing", form_signature(result.form), name));
          return std::nullopt;
        }
        result.parameters.emplace_back(std::string(name), parameter->scalar);
        written_parameters.push_back(parameter->scalar);
      }
      if (result.low.has_value() != result.high.has_value()) {
        error(node, path,
              "expected both `low` and `high` to truncate a normal, or neither, found one");
        return std::nullopt;
      }
    }
    result.written = fmt::format("{}({})", uncertainty::form_name(result.form),
                                 fmt::join(written_parameters, ", "));
    return result;
  }

  /// Reads one value of the key from `text` with the key's reader, its range left to the
  /// distribution's check: a standard deviation is not a value of the key.
  std::optional<double> read_value(const std::string& text, const ConfigNode& at,
                                   const FieldInfo& field, const std::string& path,
                                   const std::string& what) {
    FieldInfo unbounded = field;
    unbounded.minimum.reset();
    unbounded.maximum.reset();
    const ConfigNode node = scalar_at(at, text);
    Diagnostics local;
    LoadContext context(local);
    std::optional<double> value;
    switch (field.type) {
      case ValueType::integer:
        if (const auto whole = detail::read_integer(node, unbounded, path, context))
          value = static_cast<double>(*whole);
        break;
      case ValueType::count:
        value = detail::read_count(node, unbounded, path, context);
        break;
      case ValueType::real:
        value = detail::read_real(node, unbounded, path, context);
        break;
      case ValueType::quantity:
        value = detail::read_quantity(node, unbounded, path, context);
        break;
      default:
        break;
    }
    for (const Diagnostic& problem : local.items())
      diagnostics_.add(problem.location, problem.path, what + ": " + problem.message);
    return value;
  }

  /// A bare number among a compact form's parameters takes the leading value's unit.
  static std::string with_unit(const std::string& parameter,
                               const std::optional<AffixedNumber>& unit) {
    const std::optional<AffixedNumber> parsed = parse_affixed_number(parameter);
    if (!unit || !parsed || !parsed->prefix.empty() || !parsed->suffix.empty())
      return parameter;
    return unit->prefix + parameter + unit->suffix;
  }

  std::optional<UncertainInput> make_input(const WrittenDistribution& written,
                                           const ConfigNode& node, const FieldInfo& field,
                                           const std::string& path) {
    UncertainInput input;
    input.path = path;
    input.location = node.location;
    input.group = written.group;
    input.written = written.written;
    input.type = field.type;
    input.dimension = field.dimension;
    input.minimum = field.minimum;
    input.maximum = field.maximum;
    input.minimum_exclusive = field.minimum_exclusive;
    const std::optional<AffixedNumber> unit =
        written.nominal ? parse_affixed_number(*written.nominal) : std::nullopt;
    if (written.form == DistributionForm::choice)
      return make_choice(std::move(input), written, node, field, path, unit);
    if (field.type == ValueType::choice) {
      error(node, path,
            fmt::format("expected choice(...) on a key of words, found {}",
                        uncertainty::form_name(written.form)));
      return std::nullopt;
    }
    std::vector<double> parameters;
    bool ok = true;
    for (const auto& [name, text] : written.parameters) {
      const auto value =
          read_value(with_unit(text, unit), node, field, path,
                     fmt::format("{} parameter `{}`", uncertainty::form_name(written.form), name));
      ok = ok && value.has_value();
      parameters.push_back(value.value_or(0.0));
    }
    std::optional<double> low, high;
    if (written.low) {
      low = read_value(with_unit(*written.low, unit), node, field, path, "normal's `low`");
      high = read_value(with_unit(*written.high, unit), node, field, path, "normal's `high`");
      ok = ok && low && high;
    }
    if (!ok)
      return std::nullopt;
    const std::string& unit_text =
        written.nominal ? *written.nominal : written.parameters.front().second;
    set_display_unit(input, unit_text, node, field, path);
    const auto make = [&](double scale) {
      std::vector<double> scaled = parameters;
      for (double& value : scaled)
        value /= scale;
      return low ? Distribution::truncated_normal(scaled[0], scaled[1], *low / scale, *high / scale)
                 : Distribution::continuous(written.form, scaled);
    };
    try {
      input.distribution = make(1.0);
    } catch (const std::invalid_argument& problem) {
      // Said again in the unit the user wrote, when that unit gives the same verdict.
      std::string message = problem.what();
      try {
        make(input.display_scale);
      } catch (const std::invalid_argument& in_user_units) {
        const std::string label = input.display_label();
        message = label.empty() ? in_user_units.what()
                                : fmt::format("{} ({})", in_user_units.what(), label);
      }
      error(node, path, message);
      return std::nullopt;
    }
    if (!check_support(input, node, field, path))
      return std::nullopt;
    // The nominal: as written, else the median, as the key reads it.
    if (written.nominal) {
      input.nominal_text = *written.nominal;
    } else {
      input.nominal_text = input.draw(0.5).text;
    }
    return input;
  }

  std::optional<UncertainInput> make_choice(UncertainInput input,
                                            const WrittenDistribution& written,
                                            const ConfigNode& node, const FieldInfo& field,
                                            const std::string& path,
                                            const std::optional<AffixedNumber>& unit) {
    std::vector<double> weights;
    for (const std::string& text : written.weights) {
      const std::optional<AffixedNumber> weight = parse_affixed_number(text);
      if (!weight || !weight->prefix.empty() || !weight->suffix.empty() || weight->number < 0) {
        error(node, path,
              fmt::format("expected weights that are plain numbers >= 0, found \"{}\"", text));
        return std::nullopt;
      }
      weights.push_back(weight->number);
    }
    if (weights.empty())
      weights.assign(written.choices.size(), 1.0);
    try {
      input.distribution = Distribution::choice(weights);
    } catch (const std::invalid_argument& problem) {
      error(node, path, problem.what());
      return std::nullopt;
    }
    // A number-or-word key (gpus_per_replica: auto or N) may choose its word: its values are
    // then texts, as on a key of words, and only the numbers among them are read.
    const auto is_word = [&](const std::string& text) {
      return std::find(field.choices.begin(), field.choices.end(), text) != field.choices.end();
    };
    const bool has_word = field.type != ValueType::choice &&
                          std::any_of(written.choices.begin(), written.choices.end(), is_word);
    bool ok = true;
    for (std::size_t i = 0; i < written.choices.size(); ++i) {
      const std::string text = with_unit(written.choices[i], unit);
      input.choice_texts.push_back(text);
      if (has_word && is_word(text))
        continue;
      if (field.type == ValueType::choice) {
        const ConfigNode word = scalar_at(node, text);
        Diagnostics local;
        LoadContext context(local);
        ok = detail::read_choice(word, field, path, context).has_value() && ok;
        for (const Diagnostic& problem : local.items())
          diagnostics_.add(problem.location, problem.path,
                           fmt::format("choice value {}: {}", i + 1, problem.message));
        continue;
      }
      // A choice's values are values of the key: its range applies as to any value.
      const auto value = read_value(text, node, field, path, fmt::format("choice value {}", i + 1));
      ok = ok && value && check_value_in_range(*value, node, field, path, text);
      if (!has_word)
        input.choice_values.push_back(value.value_or(0.0));
    }
    if (!ok)
      return std::nullopt;
    if (written.nominal) {
      input.nominal_text = *written.nominal;
    } else {
      // The most likely value, the first of equals.
      const auto most = std::max_element(weights.begin(), weights.end());
      input.nominal_text = input.choice_texts[static_cast<std::size_t>(most - weights.begin())];
    }
    if (!input.choice_values.empty())
      set_display_unit(input, input.choice_texts.front(), node, field, path);
    return input;
  }

  bool check_value_in_range(double value, const ConfigNode& node, const FieldInfo& field,
                            const std::string& path, const std::string& text) {
    const bool below = field.minimum && (field.minimum_exclusive ? !(value > *field.minimum)
                                                                 : value < *field.minimum);
    const bool above = field.maximum && value > *field.maximum;
    if (!below && !above)
      return true;
    error(node, path,
          fmt::format("expected values within the key's range ({}), found \"{}\"",
                      range_description(field), text));
    return false;
  }

  static std::string number_text(double value, const FieldInfo& field) {
    return field.type == ValueType::quantity ? format_quantity(value, field.dimension)
                                             : detail::exact_number(value);
  }

  static std::string range_description(const FieldInfo& field) {
    std::string text;
    if (field.minimum)
      text += fmt::format("{} {}", field.minimum_exclusive ? "more than" : "at least",
                          number_text(*field.minimum, field));
    if (field.maximum)
      text +=
          fmt::format("{}at most {}", text.empty() ? "" : ", ", number_text(*field.maximum, field));
    return text;
  }

  /// The distribution must stay in the key's range: at its ends when bounded, else at its
  /// 0.1% tails (draws beyond are clamped).
  bool check_support(const UncertainInput& input, const ConfigNode& node, const FieldInfo& field,
                     const std::string& path) {
    const Distribution& d = input.distribution;
    double low = d.quantile(0.0), high = d.quantile(1.0);
    std::string low_where = "its lowest value", high_where = "its highest value";
    if (!std::isfinite(low)) {
      low = d.quantile(kTailQuantile);
      low_where = "its 0.1% quantile";
    }
    if (!std::isfinite(high)) {
      high = d.quantile(1.0 - kTailQuantile);
      high_where = "its 99.9% quantile";
    }
    const bool below =
        field.minimum && (field.minimum_exclusive ? !(low > *field.minimum) : low < *field.minimum);
    const bool above = field.maximum && high > *field.maximum;
    if (!below && !above)
      return true;
    error(node, path,
          fmt::format("expected a distribution within the key's range ({}), found \"{}\" "
                      "reaching {} at {}",
                      range_description(field), input.written,
                      number_text(below ? low : high, field), below ? low_where : high_where));
    return false;
  }

  void set_display_unit(UncertainInput& input, const std::string& text, const ConfigNode& node,
                        const FieldInfo& field, const std::string& path) {
    const std::optional<AffixedNumber> unit = parse_affixed_number(text);
    if (!unit || unit->number == 0.0)
      return;
    const auto canonical = read_value(text, node, field, path, "value");
    if (!canonical)
      return;
    input.display_unit = AffixedNumber{unit->prefix, 0.0, unit->suffix};
    input.display_scale = *canonical / unit->number;
  }

  Diagnostics& diagnostics_;
  std::vector<UncertainInput> inputs_;
};

}  // namespace

Draw UncertainInput::draw(double u) const {
  const double quantile = distribution.quantile(u);
  if (!choice_texts.empty()) {
    const auto index = static_cast<std::size_t>(quantile);
    return {choice_values.empty() ? quantile : choice_values[index], choice_texts[index]};
  }
  double value = quantile;
  if (minimum && (minimum_exclusive ? !(value > *minimum) : value < *minimum))
    value = minimum_exclusive ? std::nextafter(*minimum, HUGE_VAL) : *minimum;
  if (maximum && value > *maximum)
    value = *maximum;
  if (type == ValueType::integer || type == ValueType::count)
    value = std::nearbyint(value);
  std::string text;
  switch (type) {
    case ValueType::quantity:
      text = format_canonical(value, dimension);
      break;
    case ValueType::integer:
      text = fmt::format("{}", static_cast<std::int64_t>(value));
      break;
    default:
      text = detail::exact_number(value);
      break;
  }
  return {value, std::move(text)};
}

std::string UncertainInput::display(const Draw& drawn) const {
  if (!is_numeric())
    return drawn.text;
  return detail::exact_number(drawn.value / display_scale);
}

std::string UncertainInput::display_label() const {
  if (!is_numeric())
    return {};
  return trim(display_unit.prefix + display_unit.suffix);
}

std::vector<UncertainInput> extract_uncertain_inputs(ConfigNode& document,
                                                     Diagnostics& diagnostics) {
  Extractor extractor(diagnostics);
  extractor.walk_record(document, scenario_schema().info(), "");
  return extractor.take();
}

std::optional<std::string> draw_name_of(const std::string& name,
                                        const std::vector<UncertainInput>& inputs) {
  for (const UncertainInput& input : inputs) {
    if (input.group == name || (input.group.empty() && input.path == name))
      return input.draw_name();
  }
  return std::nullopt;
}

void check_correlations(const UncertaintySpec& spec, const std::vector<UncertainInput>& inputs,
                        const ConfigNode& document, Diagnostics& diagnostics) {
  std::vector<std::pair<std::string, std::string>> seen;
  for (std::size_t i = 0; i < spec.correlations.size(); ++i) {
    const CorrelationSpec& pair = spec.correlations[i];
    const std::string path = fmt::format("uncertainty.correlations[{}].groups", i);
    const ConfigNode* node = node_at_path(document, path);
    const SourceLocation at = node ? node->location : document.location;
    if (pair.groups.size() != 2) {
      diagnostics.add(at, path, fmt::format("expected two groups, found {}", pair.groups.size()));
      continue;
    }
    std::vector<std::string> names;
    for (const std::string& group : pair.groups) {
      if (const auto name = draw_name_of(group, inputs)) {
        names.push_back(*name);
        continue;
      }
      std::vector<std::string> known;
      for (const UncertainInput& input : inputs) {
        const std::string& label = input.group.empty() ? input.path : input.group;
        if (std::find(known.begin(), known.end(), label) == known.end())
          known.push_back(label);
      }
      diagnostics.add(at, path,
                      fmt::format("expected a group, or the key path of an uncertain input in "
                                  "no group ({}), found \"{}\"",
                                  known.empty() ? std::string("the scenario has none")
                                                : fmt::format("{}", fmt::join(known, ", ")),
                                  group));
    }
    if (names.size() != 2)
      continue;
    if (names[0] == names[1]) {
      diagnostics.add(at, path,
                      fmt::format("expected two different groups, found \"{}\" twice: the "
                                  "inputs of a group already move together",
                                  pair.groups[0]));
      continue;
    }
    std::sort(names.begin(), names.end());
    const std::pair<std::string, std::string> key{names[0], names[1]};
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) {
      diagnostics.add(at, path,
                      fmt::format("expected each pair once, found \"{}\" and \"{}\" again",
                                  pair.groups[0], pair.groups[1]));
      continue;
    }
    seen.push_back(key);
  }
  if (!diagnostics.empty() || seen.empty())
    return;
  // Together the pairs must be a correlation matrix some joint distribution has.
  std::vector<std::string> names;
  std::vector<uncertainty::RankCorrelation> pairs;
  const auto index_of = [&](const std::string& name) {
    const auto found = std::find(names.begin(), names.end(), name);
    if (found != names.end())
      return static_cast<std::size_t>(found - names.begin());
    names.push_back(name);
    return names.size() - 1;
  };
  for (const CorrelationSpec& pair : spec.correlations) {
    const std::size_t first = index_of(*draw_name_of(pair.groups[0], inputs));
    pairs.push_back({first, index_of(*draw_name_of(pair.groups[1], inputs)), pair.rank});
  }
  try {
    uncertainty::GaussianCopula(names, pairs);
  } catch (const std::invalid_argument& problem) {
    const ConfigNode* node = node_at_path(document, "uncertainty.correlations");
    diagnostics.add(node ? node->location : document.location, "uncertainty.correlations",
                    problem.what());
  }
}

}  // namespace capsim::scenario
