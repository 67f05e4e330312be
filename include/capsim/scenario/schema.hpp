#pragma once
/// The one definition of the scenario language. Each record type is declared once, as a
/// RecordSchema binding YAML keys to struct members with their type, unit, default, range and
/// documentation. From that single declaration come the strict loader, `capsim explain`, the
/// reference in docs/scenarios.md and the JSON Schema, so the three cannot drift apart.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "capsim/core/diagnostics.hpp"
#include "capsim/core/text.hpp"
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
  real_list,    ///< a list of plain numbers, each within the field's range
};

struct RecordInfo;

/// What a text value may hold. None holds control characters (C0, DEL, C1) but prose, which
/// may hold newlines and tabs.
/// - name: what names a thing of the scenario (a scenario, site, cluster, part, service,
///   tenant, job...) or refers to one; the safe set of core/text.hpp's name_problem.
/// - plain: any other value on one line (a file path, a key path, a sweep value).
/// - prose: free text (a description, notes).
enum class TextKind { name, plain, prose };

/// Everything the reference, the JSON Schema and the error messages say about one key.
struct FieldInfo {
  std::string key;
  ValueType type = ValueType::text;
  Dimension dimension = Dimension::money;  ///< for quantities
  bool required = false;
  std::string default_text;  ///< as a user would write it; empty when none
  std::string doc;
  std::string example;
  std::vector<std::string> choices;    ///< a choice's words; an integer's alternative word
  const RecordInfo* record = nullptr;  ///< for record and record_list
  std::optional<double> minimum;       ///< canonical units
  std::optional<double> maximum;
  bool minimum_exclusive = false;
  std::optional<std::size_t> list_length;  ///< for real_list: exactly this many numbers
  TextKind text_kind = TextKind::name;     ///< for text and text_list
  /// The key describes the scenario (names it, explains it) and changes no figure: the test
  /// that every key changes some output leaves it out.
  bool informative = false;
};

/// A key the language once had and now refuses, with what to write instead: a user whose
/// file still sets it learns where the setting went, not only that the key is unknown.
struct RetiredKey {
  std::string key;
  std::string advice;
};

struct RecordInfo {
  std::string name;
  std::string doc;
  std::vector<FieldInfo> fields;
  std::vector<RetiredKey> retired;
  const FieldInfo* find(std::string_view key) const;
  const RetiredKey* find_retired(std::string_view key) const;
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
  std::optional<std::size_t> list_length{};
  bool informative = false;
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

/// The sanity range of a kind of value: the bounds a field gets when its declaration states
/// none, so that no number the loader accepts is beyond what the model can compute (1e300
/// months, 1e20 GPUs). Wide enough for any real plan; each has its reason in the reference.
struct SanityRange {
  ValueType type;
  Dimension dimension;  ///< for quantities; ignored for other types
  double maximum;       ///< canonical units; the minimum is -maximum where none is declared
  const char* reason;
};
const std::vector<SanityRange>& sanity_ranges();

/// Dates lie in these years: a scenario dated past 2200 (or before 1900) is a typo.
inline constexpr int kFirstYear = 1900;
inline constexpr int kLastYear = 2200;

namespace detail {
/// Gives a numeric field without declared bounds its sanity range. Fields whose declaration
/// states a bound keep it.
void apply_sanity_range(FieldInfo& field);

// Scalar readers: each returns nothing and reports through `context` when the node is not a
// valid value of its field.
/// Text of the field's kind: a control character is refused with its code point and place, and
/// so is a name outside the safe set (name_problem).
std::optional<std::string> read_text(const ConfigNode& node, const FieldInfo& field,
                                     const std::string& path, LoadContext& context);
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
std::optional<std::vector<std::string>> read_texts(const ConfigNode& node, const FieldInfo& field,
                                                   const std::string& path, LoadContext& context);
/// A list of numbers, each checked as read_real, and of the field's list_length when it has
/// one. An absent list is empty.
std::optional<std::vector<double>> read_reals(const ConfigNode& node, const FieldInfo& field,
                                              const std::string& path, LoadContext& context);
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

  /// Refuses `key` with `advice` (what to use instead) rather than with "unknown key".
  RecordSchema& retired(std::string key, std::string advice) {
    info_.retired.push_back(RetiredKey{std::move(key), std::move(advice)});
    return *this;
  }

  /// A name, or a reference to one: TextKind::name.
  RecordSchema& name(std::string T::*member, Field field) {
    return bind(member, std::move(field), ValueType::text, detail::read_text,
                [](const std::string& value, const FieldInfo& info, YamlWriter& writer) {
                  writer.quoted(info.key, value);
                });
  }

  /// A value on one line that is not a name (a file path, a key path): TextKind::plain.
  RecordSchema& text(std::string T::*member, Field field) {
    name(member, std::move(field));
    info_.fields.back().text_kind = TextKind::plain;
    return *this;
  }

  /// Free text (a description): may hold newlines and tabs, no other control characters.
  RecordSchema& prose(std::string T::*member, Field field) {
    name(member, std::move(field));
    info_.fields.back().text_kind = TextKind::prose;
    return *this;
  }

  /// A whole number; `Value` is std::int64_t or std::optional<std::int64_t>.
  template <class Value>
  RecordSchema& integer(Value T::*member, Field field) {
    return bind(member, std::move(field), ValueType::integer, detail::read_integer,
                [](std::int64_t value, const FieldInfo& info, YamlWriter& writer) {
                  writer.scalar(info.key, std::to_string(value));
                });
  }

  /// A whole number, or `word` (such as auto) for the value the model chooses: absent. The
  /// word is the field's one choice, so the reference and the JSON Schema offer it.
  RecordSchema& integer_or_word(std::optional<std::int64_t> T::*member, std::string word,
                                Field field) {
    bind(
        member, std::move(field), ValueType::integer,
        [word](const ConfigNode& node, const FieldInfo& info, const std::string& path,
               LoadContext& context) -> std::optional<std::optional<std::int64_t>> {
          if (node.is_scalar() && node.scalar == word)
            return std::optional<std::int64_t>{};
          if (const auto value = detail::read_integer(node, info, path, context))
            return std::optional<std::int64_t>{*value};
          return std::nullopt;
        },
        [](std::int64_t value, const FieldInfo& info, YamlWriter& writer) {
          writer.scalar(info.key, std::to_string(value));
        });
    info_.fields.back().choices = {std::move(word)};
    return *this;
  }

  RecordSchema& count(std::optional<double> T::*member, Field field) {
    return bind(member, std::move(field), ValueType::count, detail::read_count, write_number);
  }

  /// A plain number; `Value` is double or std::optional<double>.
  template <class Value>
  RecordSchema& real(Value T::*member, Field field) {
    return bind(member, std::move(field), ValueType::real, detail::read_real, write_number);
  }

  RecordSchema& boolean(bool T::*member, Field field) {
    return bind(member, std::move(field), ValueType::boolean, read_with_path(detail::read_boolean),
                [](bool value, const FieldInfo& info, YamlWriter& writer) {
                  writer.scalar(info.key, value ? "true" : "false");
                });
  }

  /// A quantity with a unit; `Value` is double or std::optional<double>.
  template <class Value>
  RecordSchema& quantity(Value T::*member, Dimension dimension, Field field) {
    bind(member, std::move(field), ValueType::quantity, detail::read_quantity,
         [](double value, const FieldInfo& info, YamlWriter& writer) {
           writer.quoted(info.key, format_canonical(value, info.dimension));
         });
    info_.fields.back().dimension = dimension;
    detail::apply_sanity_range(info_.fields.back());
    return *this;
  }

  /// A quantity, or `word` (such as auto) for the value the model chooses: absent.
  RecordSchema& quantity_or_word(std::optional<double> T::*member, Dimension dimension,
                                 std::string word, Field field) {
    bind(
        member, std::move(field), ValueType::quantity,
        [word](const ConfigNode& node, const FieldInfo& info, const std::string& path,
               LoadContext& context) -> std::optional<std::optional<double>> {
          if (node.is_scalar() && node.scalar == word)
            return std::optional<double>{};
          if (node.is_scalar()) {
            // Not a quantity: the message offers the word too ("expected auto or a duration").
            try {
              (void)parse_quantity(node.scalar, info.dimension);
            } catch (const UnitError& error) {
              std::string message = error.what();
              if (message.starts_with("expected "))
                message.insert(std::string_view("expected ").size(), word + " or ");
              context.error(node.location, path, message);
              return std::nullopt;
            }
          }
          if (const auto value = detail::read_quantity(node, info, path, context))
            return std::optional<double>{*value};
          return std::nullopt;
        },
        [](double value, const FieldInfo& info, YamlWriter& writer) {
          writer.quoted(info.key, format_canonical(value, info.dimension));
        });
    info_.fields.back().dimension = dimension;
    info_.fields.back().choices = {std::move(word)};
    detail::apply_sanity_range(info_.fields.back());
    return *this;
  }

  /// A date; `Value` is Date or std::optional<Date>.
  template <class Value>
  RecordSchema& date(Value T::*member, Field field) {
    return bind(member, std::move(field), ValueType::date, read_with_path(detail::read_date),
                [](const Date& value, const FieldInfo& info, YamlWriter& writer) {
                  writer.scalar(info.key, format_date(value));
                });
  }

  template <class E>
  RecordSchema& choice(E T::*member, std::vector<std::pair<std::string, E>> choices, Field field) {
    bind(
        member, std::move(field), ValueType::choice,
        [choices](const ConfigNode& node, const FieldInfo& info, const std::string& path,
                  LoadContext& context) -> std::optional<E> {
          const std::optional<std::size_t> index = detail::read_choice(node, info, path, context);
          if (!index)
            return std::nullopt;
          return choices[*index].second;
        },
        [choices](E value, const FieldInfo& info, YamlWriter& writer) {
          for (const auto& [word, choice_value] : choices) {
            if (choice_value == value)
              writer.scalar(info.key, word);
          }
        });
    for (const auto& choice_entry : choices)
      info_.fields.back().choices.push_back(choice_entry.first);
    return *this;
  }

  /// A choice that may be absent (its default follows another key).
  template <class E>
  RecordSchema& choice(std::optional<E> T::*member, std::vector<std::pair<std::string, E>> choices,
                       Field field) {
    std::vector<std::pair<std::string, std::optional<E>>> optional_choices;
    for (auto& [word, value] : choices)
      optional_choices.emplace_back(word, value);
    return choice(member, std::move(optional_choices), std::move(field));
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

  /// A record that may be absent (its absence means something: a policy off). Written only
  /// when present.
  template <class U>
  RecordSchema& record(std::optional<U> T::*member, const RecordSchema<U>& schema, Field field) {
    add(
        field, ValueType::record,
        [member, &schema](T& out, const FieldInfo&, const ConfigNode& node, const std::string& path,
                          LoadContext& context) {
          if (!(out.*member))
            (out.*member).emplace();
          schema.load(node, path, context, *(out.*member));
        },
        [member, &schema](const T& in, const FieldInfo& info, YamlWriter& writer) {
          if (!(in.*member))
            return;
          writer.key(info.key);
          writer.indent();
          schema.write(*(in.*member), writer);
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

  /// A list of names (or references to them): TextKind::name.
  RecordSchema& names(std::vector<std::string> T::*member, Field field) {
    texts(member, std::move(field));
    info_.fields.back().text_kind = TextKind::name;
    return *this;
  }

  /// A list of values on one line that are not names: TextKind::plain.
  RecordSchema& texts(std::vector<std::string> T::*member, Field field) {
    bind(member, std::move(field), ValueType::text_list, detail::read_texts,
         [](const std::vector<std::string>& items, const FieldInfo& info, YamlWriter& writer) {
           std::string flow;
           for (const std::string& item : items) {
             flow += (flow.empty() ? "" : ", ") + quote_string(item);
           }
           writer.scalar(info.key, "[" + flow + "]");
         });
    info_.fields.back().text_kind = TextKind::plain;
    return *this;
  }

  /// A list of plain numbers (weights, shares), written as a flow list.
  RecordSchema& reals(std::vector<double> T::*member, Field field) {
    return bind(member, std::move(field), ValueType::real_list, detail::read_reals,
                [](const std::vector<double>& items, const FieldInfo& info, YamlWriter& writer) {
                  if (items.empty())
                    return;
                  std::string flow;
                  for (const double item : items) {
                    flow += (flow.empty() ? "" : ", ") + detail::exact_number(item);
                  }
                  writer.scalar(info.key, "[" + flow + "]");
                });
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
  template <class V>
  struct is_optional : std::false_type {};
  template <class V>
  struct is_optional<std::optional<V>> : std::true_type {};

  /// Binds a scalar member (or an optional one, written only when set): `read(node, info,
  /// path, context)` gives the value or reports why not, `write(value, info, writer)` emits it.
  template <class Member, class Read, class Write>
  RecordSchema& bind(Member T::*member, Field field, ValueType type, Read read, Write write) {
    add(
        field, type,
        [member, read](T& out, const FieldInfo& info, const ConfigNode& node,
                       const std::string& path, LoadContext& context) {
          if (auto value = read(node, info, path, context))
            out.*member = std::move(*value);
        },
        [member, write](const T& in, const FieldInfo& info, YamlWriter& writer) {
          if constexpr (is_optional<Member>::value) {
            if (in.*member)
              write(*(in.*member), info, writer);
          } else {
            write(in.*member, info, writer);
          }
        });
    return *this;
  }

  /// Adapts a reader that needs no field information to bind's signature.
  template <class Reader>
  static auto read_with_path(Reader reader) {
    return [reader](const ConfigNode& node, const FieldInfo&, const std::string& path,
                    LoadContext& context) { return reader(node, path, context); };
  }

  static void write_number(double value, const FieldInfo& info, YamlWriter& writer) {
    writer.scalar(info.key, detail::exact_number(value));
  }

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
    info.list_length = field.list_length;
    info.informative = field.informative;
    if (type != ValueType::quantity)  // a quantity's range waits for its dimension
      detail::apply_sanity_range(info);
    info_.fields.push_back(std::move(info));
    bindings_.push_back(Binding{std::move(load), std::move(write)});
  }

  RecordInfo info_;
  std::vector<Binding> bindings_;
};

}  // namespace capsim::scenario
