#pragma once
/// The one definition of the scenario language. Each record type is declared once, as a
/// RecordSchema binding YAML keys to struct members with their type, unit, default, range and
/// documentation. From that single declaration come the strict loader, `capsim explain`, the
/// reference in docs/scenarios.md and the JSON Schema, so the three cannot drift apart.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "capsim/core/diagnostics.hpp"
#include "capsim/core/time.hpp"
#include "capsim/core/units.hpp"
#include "capsim/scenario/config_node.hpp"

namespace capsim::scenario {

enum class ValueType {
  text,         ///< any scalar
  integer,      ///< a whole number written as digits
  count,        ///< a whole number that may carry K, M, B or T: "405B", "16K"
  real,         ///< a plain number without unit (ratios such as PUE, elasticities)
  boolean,      ///< true or false
  quantity,     ///< a number with a unit of one Dimension
  date,         ///< 2025-01-20, 2025-07 or 2025-Q3
  choice,       ///< one of a fixed set of words
  record,       ///< a mapping described by another RecordInfo
  record_list,  ///< a list of such mappings
  text_list,    ///< a list of scalars
};

struct RecordInfo;

/// Everything the reference, the JSON Schema and the error messages say about one key.
struct FieldInfo {
  std::string key;
  ValueType type = ValueType::text;
  Dimension dimension = Dimension::money;  ///< for quantities
  bool required = false;
  std::string default_text;  ///< as a user would write it; empty when none
  std::string doc;
  std::string example;
  std::vector<std::string> choices;
  const RecordInfo* record = nullptr;  ///< for record and record_list
  std::optional<double> minimum;       ///< canonical units
  std::optional<double> maximum;
  bool minimum_exclusive = false;
};

struct RecordInfo {
  std::string name;
  std::string doc;
  std::vector<FieldInfo> fields;
  const FieldInfo* find(std::string_view key) const;
  std::vector<std::string> keys() const;
};

/// How a field is declared: designated initialisers keep declarations readable.
struct Field {
  std::string key{};
  std::string doc{};
  std::string example{};
  bool required = false;
  std::string default_text{};
  std::optional<double> minimum{};
  std::optional<double> maximum{};
  bool minimum_exclusive = false;
};

/// Where loaded values report their problems.
class LoadContext {
 public:
  explicit LoadContext(Diagnostics& diagnostics) : diagnostics_(diagnostics) {}
  void error(const SourceLocation& at, const std::string& path, std::string message) {
    diagnostics_.add(at, path, std::move(message));
  }
  Diagnostics& diagnostics() { return diagnostics_; }

 private:
  Diagnostics& diagnostics_;
};

/// Emits the resolved scenario as YAML in canonical units (`capsim explain`).
class YamlWriter {
 public:
  void key(const std::string& name);  ///< "name:" opening a nested block
  void scalar(const std::string& name, const std::string& plain_value);
  void quoted(const std::string& name, const std::string& text);
  void begin_list_item();  ///< "- " before a list element's first key
  void indent() { ++depth_; }
  void dedent() { --depth_; }
  void empty_list(const std::string& name);
  const std::string& text() const { return text_; }

 private:
  void start_line();
  std::string text_;
  int depth_ = 0;
  bool pending_dash_ = false;
};

/// YAML double-quoted form of any text.
std::string yaml_quote(const std::string& text);

namespace detail {
// Scalar readers: each returns nothing and reports through `context` when the node is not a
// valid value of its field.
std::optional<std::string> read_text(const ConfigNode& node, const std::string& path,
                                     LoadContext& context);
std::optional<std::int64_t> read_integer(const ConfigNode& node, const FieldInfo& field,
                                         const std::string& path, LoadContext& context);
std::optional<double> read_count(const ConfigNode& node, const FieldInfo& field,
                                 const std::string& path, LoadContext& context);
std::optional<double> read_real(const ConfigNode& node, const FieldInfo& field,
                                const std::string& path, LoadContext& context);
std::optional<bool> read_boolean(const ConfigNode& node, const std::string& path,
                                 LoadContext& context);
std::optional<double> read_quantity(const ConfigNode& node, const FieldInfo& field,
                                    const std::string& path, LoadContext& context);
std::optional<Date> read_date(const ConfigNode& node, const std::string& path,
                              LoadContext& context);
std::optional<std::size_t> read_choice(const ConfigNode& node, const FieldInfo& field,
                                       const std::string& path, LoadContext& context);
std::optional<std::vector<std::string>> read_texts(const ConfigNode& node, const std::string& path,
                                                   LoadContext& context);
/// Checks that `node` is a mapping (a null node counts as an empty one), reports unknown keys
/// with a suggestion and missing required keys. Calls `load_field(index, entry)` for each known
/// key. False when the node is not a mapping.
bool walk_mapping(const ConfigNode& node, const RecordInfo& info, const std::string& path,
                  LoadContext& context,
                  const std::function<void(std::size_t, const MappingEntry&)>& load_field);
/// Number formatting shared by explain: shortest form that reads back exactly.
std::string exact_number(double value);
}  // namespace detail

/// Binds the keys of one YAML mapping to the members of T.
template <class T>
class RecordSchema {
 public:
  RecordSchema(std::string name, std::string doc) {
    info_.name = std::move(name);
    info_.doc = std::move(doc);
  }
  // Movable, so a schema can be built in a lambda and kept in a function-local static;
  // bindings refer to nested schemas, never to their own.
  RecordSchema(RecordSchema&&) noexcept = default;
  RecordSchema& operator=(RecordSchema&&) noexcept = default;

  const RecordInfo& info() const { return info_; }

  RecordSchema& text(std::string T::*member, Field field) {
    add(
        field, ValueType::text,
        [member](T& out, const FieldInfo&, const ConfigNode& node, const std::string& path,
                 LoadContext& context) {
          if (auto value = detail::read_text(node, path, context))
            out.*member = std::move(*value);
        },
        [member](const T& in, const FieldInfo& info, YamlWriter& writer) {
          writer.quoted(info.key, in.*member);
        });
    return *this;
  }

  RecordSchema& integer(std::int64_t T::*member, Field field) {
    add(
        field, ValueType::integer,
        [member](T& out, const FieldInfo& info, const ConfigNode& node, const std::string& path,
                 LoadContext& context) {
          if (auto value = detail::read_integer(node, info, path, context))
            out.*member = *value;
        },
        [member](const T& in, const FieldInfo& info, YamlWriter& writer) {
          writer.scalar(info.key, std::to_string(in.*member));
        });
    return *this;
  }

  RecordSchema& count(std::optional<double> T::*member, Field field) {
    add(
        field, ValueType::count,
        [member](T& out, const FieldInfo& info, const ConfigNode& node, const std::string& path,
                 LoadContext& context) {
          if (auto value = detail::read_count(node, info, path, context))
            out.*member = *value;
        },
        [member](const T& in, const FieldInfo& info, YamlWriter& writer) {
          if (in.*member)
            writer.scalar(info.key, detail::exact_number(*(in.*member)));
        });
    return *this;
  }

  RecordSchema& real(double T::*member, Field field) {
    add(
        field, ValueType::real,
        [member](T& out, const FieldInfo& info, const ConfigNode& node, const std::string& path,
                 LoadContext& context) {
          if (auto value = detail::read_real(node, info, path, context))
            out.*member = *value;
        },
        [member](const T& in, const FieldInfo& info, YamlWriter& writer) {
          writer.scalar(info.key, detail::exact_number(in.*member));
        });
    return *this;
  }

  RecordSchema& boolean(bool T::*member, Field field) {
    add(
        field, ValueType::boolean,
        [member](T& out, const FieldInfo&, const ConfigNode& node, const std::string& path,
                 LoadContext& context) {
          if (auto value = detail::read_boolean(node, path, context))
            out.*member = *value;
        },
        [member](const T& in, const FieldInfo& info, YamlWriter& writer) {
          writer.scalar(info.key, in.*member ? "true" : "false");
        });
    return *this;
  }

  RecordSchema& quantity(double T::*member, Dimension dimension, Field field) {
    add(
        field, ValueType::quantity,
        [member](T& out, const FieldInfo& info, const ConfigNode& node, const std::string& path,
                 LoadContext& context) {
          if (auto value = detail::read_quantity(node, info, path, context))
            out.*member = *value;
        },
        [member](const T& in, const FieldInfo& info, YamlWriter& writer) {
          writer.quoted(info.key, format_canonical(in.*member, info.dimension));
        });
    info_.fields.back().dimension = dimension;
    return *this;
  }

  RecordSchema& quantity(std::optional<double> T::*member, Dimension dimension, Field field) {
    add(
        field, ValueType::quantity,
        [member](T& out, const FieldInfo& info, const ConfigNode& node, const std::string& path,
                 LoadContext& context) {
          if (auto value = detail::read_quantity(node, info, path, context))
            out.*member = *value;
        },
        [member](const T& in, const FieldInfo& info, YamlWriter& writer) {
          if (in.*member)
            writer.quoted(info.key, format_canonical(*(in.*member), info.dimension));
        });
    info_.fields.back().dimension = dimension;
    return *this;
  }

  RecordSchema& date(Date T::*member, Field field) {
    add(
        field, ValueType::date,
        [member](T& out, const FieldInfo&, const ConfigNode& node, const std::string& path,
                 LoadContext& context) {
          if (auto value = detail::read_date(node, path, context))
            out.*member = *value;
        },
        [member](const T& in, const FieldInfo& info, YamlWriter& writer) {
          writer.scalar(info.key, format_date(in.*member));
        });
    return *this;
  }

  RecordSchema& date(std::optional<Date> T::*member, Field field) {
    add(
        field, ValueType::date,
        [member](T& out, const FieldInfo&, const ConfigNode& node, const std::string& path,
                 LoadContext& context) {
          if (auto value = detail::read_date(node, path, context))
            out.*member = *value;
        },
        [member](const T& in, const FieldInfo& info, YamlWriter& writer) {
          if (in.*member)
            writer.scalar(info.key, format_date(*(in.*member)));
        });
    return *this;
  }

  template <class E>
  RecordSchema& choice(E T::*member, std::vector<std::pair<std::string, E>> choices, Field field) {
    add(
        field, ValueType::choice,
        [member, choices](T& out, const FieldInfo& info, const ConfigNode& node,
                          const std::string& path, LoadContext& context) {
          if (auto index = detail::read_choice(node, info, path, context)) {
            out.*member = choices[*index].second;
          }
        },
        [member, choices](const T& in, const FieldInfo& info, YamlWriter& writer) {
          for (const auto& [word, value] : choices) {
            if (value == in.*member)
              writer.scalar(info.key, word);
          }
        });
    for (const auto& choice_entry : choices)
      info_.fields.back().choices.push_back(choice_entry.first);
    return *this;
  }

  template <class U>
  RecordSchema& record(U T::*member, const RecordSchema<U>& schema, Field field) {
    add(
        field, ValueType::record,
        [member, &schema](T& out, const FieldInfo&, const ConfigNode& node, const std::string& path,
                          LoadContext& context) { schema.load(node, path, context, out.*member); },
        [member, &schema](const T& in, const FieldInfo& info, YamlWriter& writer) {
          writer.key(info.key);
          writer.indent();
          schema.write(in.*member, writer);
          writer.dedent();
        });
    info_.fields.back().record = &schema.info();
    return *this;
  }

  template <class U>
  RecordSchema& records(std::vector<U> T::*member, const RecordSchema<U>& schema, Field field) {
    add(
        field, ValueType::record_list,
        [member, &schema](T& out, const FieldInfo&, const ConfigNode& node, const std::string& path,
                          LoadContext& context) {
          if (node.is_null())
            return;
          if (!node.is_sequence()) {
            context.error(
                node.location, path,
                "expected a list of " + schema.info().name + " entries, found " + node.describe());
            return;
          }
          std::vector<U>& items = out.*member;
          items.clear();
          items.reserve(node.items.size());
          for (std::size_t i = 0; i < node.items.size(); ++i) {
            items.emplace_back();
            schema.load(node.items[i], path + "[" + std::to_string(i) + "]", context, items.back());
          }
        },
        [member, &schema](const T& in, const FieldInfo& info, YamlWriter& writer) {
          const std::vector<U>& items = in.*member;
          if (items.empty()) {
            writer.empty_list(info.key);
            return;
          }
          writer.key(info.key);
          for (const U& item : items) {
            writer.begin_list_item();
            writer.indent();
            schema.write(item, writer);
            writer.dedent();
          }
        });
    info_.fields.back().record = &schema.info();
    return *this;
  }

  RecordSchema& texts(std::vector<std::string> T::*member, Field field) {
    add(
        field, ValueType::text_list,
        [member](T& out, const FieldInfo&, const ConfigNode& node, const std::string& path,
                 LoadContext& context) {
          if (auto values = detail::read_texts(node, path, context))
            out.*member = *values;
        },
        [member](const T& in, const FieldInfo& info, YamlWriter& writer) {
          std::string flow = "[";
          for (const std::string& item : in.*member) {
            flow += (flow.size() > 1 ? ", " : "") + yaml_quote(item);
          }
          writer.scalar(info.key, flow + "]");
        });
    return *this;
  }

  /// Loads `node` into `out`, whose members already hold the defaults. Every problem is
  /// reported through `context`; loading goes on past errors to find them all.
  void load(const ConfigNode& node, const std::string& path, LoadContext& context, T& out) const {
    detail::walk_mapping(
        node, info_, path, context, [&](std::size_t index, const MappingEntry& entry) {
          const std::string field_path = path.empty() ? entry.key : path + "." + entry.key;
          bindings_[index].load(out, info_.fields[index], entry.value, field_path, context);
        });
  }

  /// Writes `value` as YAML, one key per field in declaration order.
  void write(const T& value, YamlWriter& writer) const {
    for (std::size_t i = 0; i < bindings_.size(); ++i) {
      bindings_[i].write(value, info_.fields[i], writer);
    }
  }

 private:
  using LoadFunction = std::function<void(T&, const FieldInfo&, const ConfigNode&,
                                          const std::string&, LoadContext&)>;
  using WriteFunction = std::function<void(const T&, const FieldInfo&, YamlWriter&)>;
  struct Binding {
    LoadFunction load;
    WriteFunction write;
  };

  void add(const Field& field, ValueType type, LoadFunction load, WriteFunction write) {
    FieldInfo info;
    info.key = field.key;
    info.type = type;
    info.required = field.required;
    info.default_text = field.default_text;
    info.doc = field.doc;
    info.example = field.example;
    info.minimum = field.minimum;
    info.maximum = field.maximum;
    info.minimum_exclusive = field.minimum_exclusive;
    info_.fields.push_back(std::move(info));
    bindings_.push_back(Binding{std::move(load), std::move(write)});
  }

  RecordInfo info_;
  std::vector<Binding> bindings_;
};

}  // namespace capsim::scenario
