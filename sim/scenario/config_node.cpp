#include "capsim/scenario/config_node.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <optional>
#include <sstream>
#include <unordered_map>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <yaml-cpp/eventhandler.h>

#include <yaml-cpp/yaml.h>
#include "capsim/core/text.hpp"

namespace capsim::scenario {

const ConfigNode* ConfigNode::find(std::string_view key) const {
  for (const MappingEntry& entry : entries) {
    if (entry.key == key)
      return &entry.value;
  }
  return nullptr;
}

ConfigNode* ConfigNode::find(std::string_view key) {
  for (MappingEntry& entry : entries) {
    if (entry.key == key)
      return &entry.value;
  }
  return nullptr;
}

bool ConfigNode::erase(std::string_view key) {
  for (auto it = entries.begin(); it != entries.end(); ++it) {
    if (it->key == key) {
      entries.erase(it);
      return true;
    }
  }
  return false;
}

std::string ConfigNode::describe() const {
  switch (kind) {
    case Kind::null:
      return "nothing";
    case Kind::mapping:
      return "a mapping";
    case Kind::sequence:
      return "a list";
    case Kind::scalar:
      return fmt::format("\"{}\"", excerpt(scalar));
  }
  return "?";
}

namespace {

/// Offsets of line starts, for turning byte offsets into line:column.
class LineIndex {
 public:
  explicit LineIndex(std::string_view text) : text_(text) {
    starts_.push_back(0);
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\n')
        starts_.push_back(i + 1);
    }
  }
  /// 1-based line and column of a byte offset.
  std::pair<int, int> at(std::size_t offset) const {
    const auto next = std::upper_bound(starts_.begin(), starts_.end(), offset);
    const auto line = static_cast<std::size_t>(next - starts_.begin());
    return {static_cast<int>(line), static_cast<int>(offset - starts_[line - 1] + 1)};
  }
  std::string_view text() const { return text_; }

 private:
  std::string_view text_;
  std::vector<std::size_t> starts_;
};

class Converter {
 public:
  Converter(std::shared_ptr<const std::string> file, const LineIndex& lines,
            Diagnostics& diagnostics, const ParseLimits& limits)
      : file_(std::move(file)), lines_(lines), diagnostics_(diagnostics), limits_(limits) {}

  bool convert(const YAML::Node& node, ConfigNode& out, std::size_t depth) {
    if (out.location.line == 0)
      out.location = location_of(node.Mark());
    if (++nodes_ > limits_.max_nodes) {
      fail(out.location, fmt::format("expected a document of at most {} values, found more "
                                     "(aliases expanding too far?)",
                                     limits_.max_nodes));
      return false;
    }
    if (depth > limits_.max_depth) {
      fail(out.location,
           fmt::format("expected nesting at most {} levels deep, found deeper", limits_.max_depth));
      return false;
    }
    switch (node.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        out.kind = ConfigNode::Kind::null;
        return true;
      case YAML::NodeType::Scalar:
        out.kind = ConfigNode::Kind::scalar;
        out.scalar = node.Scalar();
        out.quoted = node.Tag() == "!";
        return true;
      case YAML::NodeType::Sequence:
        out.kind = ConfigNode::Kind::sequence;
        out.items.reserve(node.size());
        for (const YAML::Node& item : node) {
          out.items.emplace_back();
          // yaml-cpp places an empty item at the next token: point at its own "-" instead.
          if (item.IsNull())
            out.items.back().location = dash_before(item.Mark());
          if (!convert(item, out.items.back(), depth + 1))
            return false;
        }
        return true;
      case YAML::NodeType::Map:
        out.kind = ConfigNode::Kind::mapping;
        // Keys seen so far, by their entry: a mapping of n keys is checked in O(n), not O(n²).
        std::unordered_map<std::string, std::size_t> seen;
        for (const auto& pair : node) {
          const SourceLocation key_location = location_of(pair.first.Mark());
          if (!pair.first.IsScalar()) {
            fail(key_location, "expected a plain key, found a list or mapping used as a key");
            return false;
          }
          std::string key = pair.first.Scalar();
          const auto [first, inserted] = seen.try_emplace(key, out.entries.size());
          if (!inserted) {
            fail(key_location,
                 fmt::format("expected each key once, found '{}' again (first at line {})",
                             excerpt(key), out.entries[first->second].key_location.line));
            return false;
          }
          out.entries.push_back(MappingEntry{std::move(key), key_location, ConfigNode{}});
          // yaml-cpp places an empty value at the next token: point at its key instead.
          if (pair.second.IsNull())
            out.entries.back().value.location = key_location;
          if (!convert(pair.second, out.entries.back().value, depth + 1))
            return false;
        }
        return true;
    }
    return true;
  }

 private:
  SourceLocation location_of(const YAML::Mark& mark) const {
    if (mark.is_null())
      return SourceLocation{file_, 0, 0};
    return SourceLocation{file_, mark.line + 1, mark.column + 1};
  }

  /// The "-" an empty list item stands on: the first one before `mark`, past white space.
  SourceLocation dash_before(const YAML::Mark& mark) const {
    if (mark.is_null() || mark.pos <= 0)
      return location_of(mark);
    const std::string_view text = lines_.text();
    std::size_t i = std::min(static_cast<std::size_t>(mark.pos), text.size());
    while (i > 0 && (text[i - 1] == ' ' || text[i - 1] == '\n' || text[i - 1] == '\r'))
      --i;
    if (i == 0 || text[i - 1] != '-')
      return location_of(mark);
    const auto [line, column] = lines_.at(i - 1);
    return SourceLocation{file_, line, column};
  }

  void fail(const SourceLocation& at, std::string message) {
    diagnostics_.add(at, "", std::move(message));
  }

  std::shared_ptr<const std::string> file_;
  const LineIndex& lines_;
  Diagnostics& diagnostics_;
  const ParseLimits& limits_;
  std::size_t nodes_ = 0;
};

/// The byte offset of the first byte that is not text (NUL, or invalid UTF-8), or npos.
std::size_t first_non_text_byte(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte == 0)
      return i;
    std::size_t length = 1;
    if (byte >= 0x80) {
      if ((byte & 0xE0) == 0xC0 && byte >= 0xC2) {
        length = 2;
      } else if ((byte & 0xF0) == 0xE0) {
        length = 3;
      } else if ((byte & 0xF8) == 0xF0 && byte <= 0xF4) {
        length = 4;
      } else {
        return i;
      }
      if (i + length > text.size())
        return i;
      for (std::size_t k = 1; k < length; ++k) {
        if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80)
          return i;
      }
    }
    i += length;
  }
  return std::string_view::npos;
}

/// The offset of the flow bracket that opens nesting level `max_depth + 1`, or npos. Quoted
/// text and comments are skipped. yaml-cpp stops at its own depth (500) with a bare "bad
/// file"; this finds where our limit was crossed, to say so.
std::size_t too_deep_bracket(std::string_view text, std::size_t max_depth) {
  std::size_t depth = 0;
  char quote = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quote != 0) {
      if (c == '\\' && quote == '"') {
        ++i;
      } else if (c == quote) {
        quote = 0;
      }
      continue;
    }
    const bool scalar_start =
        i == 0 || std::string_view(" \t\n[{,:").find(text[i - 1]) != std::string_view::npos;
    if ((c == '"' || c == '\'') && scalar_start) {
      quote = c;  // a quote inside a plain scalar (say "a"b) opens nothing
    } else if (c == '#' && (i == 0 || text[i - 1] == ' ' || text[i - 1] == '\n')) {
      while (i < text.size() && text[i] != '\n')
        ++i;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth)
        return i;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return std::string_view::npos;
}

/// The offset of a tab in a line's indentation, or npos: YAML indents with spaces only, and
/// yaml-cpp's own message for it ("illegal map value") does not say so.
std::size_t indentation_tab(std::string_view text) {
  bool at_line_start = true;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') {
      at_line_start = true;
    } else if (at_line_start && c == '\t') {
      return i;
    } else if (at_line_start && c != ' ' && c != '-') {
      at_line_start = false;
    }
  }
  return std::string_view::npos;
}

/// A better account of a syntax error than yaml-cpp's, where one is known.
std::optional<std::pair<std::size_t, std::string>> explain_syntax_error(std::string_view text) {
  if (const std::size_t at = indentation_tab(text); at != std::string_view::npos) {
    return std::make_pair(at, std::string("expected valid YAML, found a tab used for indentation "
                                          "(YAML indents with spaces only)"));
  }
  return std::nullopt;
}

/// Counts a text's documents, up to two, and notes where the second one's first node is.
/// YAML::LoadAll is not used: on a stray flow comma at the top level ("\"q\", 1") it yields
/// documents without end and allocates until the process dies (a fuzz finding, issue 13).
class DocumentCounter : public YAML::EventHandler {
 public:
  std::size_t documents = 0;
  std::optional<std::size_t> second_node_offset;

  void OnDocumentStart(const YAML::Mark&) override { ++documents; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { node(mark); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { node(mark); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                const std::string&) override {
    node(mark);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    node(mark);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    node(mark);
  }
  void OnMapEnd() override {}

 private:
  void node(const YAML::Mark& mark) {
    if (documents == 2 && !second_node_offset)
      second_node_offset = static_cast<std::size_t>(std::max(0, mark.pos));
  }
};

/// Where a second document starts: its "---" line if there is one, else its first node.
std::size_t second_document_start(std::string_view text, std::size_t node_offset) {
  std::size_t begin = node_offset;
  while (begin > 0) {
    const std::size_t line_start = text.rfind('\n', begin - 1);
    const std::size_t start = line_start == std::string_view::npos ? 0 : line_start + 1;
    if (text.substr(start, 3) == "---")
      return start;
    if (start == 0)
      break;
    begin = start - 1;
  }
  return node_offset;
}

}  // namespace

ConfigNode parse_yaml(std::string_view text, const std::string& file_name, Diagnostics& diagnostics,
                      const ParseLimits& limits) {
  auto file = std::make_shared<const std::string>(file_name);
  const LineIndex lines(text);
  const auto place = [&](std::size_t offset) {
    const auto [line, column] = lines.at(offset);
    return SourceLocation{file, line, column};
  };
  if (text.size() > limits.max_bytes) {
    diagnostics.add(SourceLocation{file, 0, 0}, "",
                    fmt::format("expected a scenario of at most {} bytes, found {} bytes",
                                limits.max_bytes, text.size()));
    return ConfigNode{};
  }
  if (const std::size_t bad = first_non_text_byte(text); bad != std::string_view::npos) {
    const bool nul = text[bad] == '\0';
    diagnostics.add(place(bad), "",
                    fmt::format("expected UTF-8 text, found byte 0x{:02x} at offset {} ({})",
                                static_cast<unsigned char>(text[bad]), bad,
                                nul ? "is this a binary file?" : "save the file as UTF-8"));
    return ConfigNode{};
  }
  // Deep flow nesting is refused before yaml-cpp sees it: its guard fires only at 500 levels,
  // and an unclosed run of a thousand brackets made it allocate without bound (fuzz finding).
  if (const std::size_t at = too_deep_bracket(text, limits.max_depth);
      at != std::string_view::npos) {
    diagnostics.add(
        place(at), "",
        fmt::format("expected nesting at most {} levels deep, found deeper", limits.max_depth));
    return ConfigNode{};
  }
  DocumentCounter counter;
  YAML::Node document;
  try {
    std::istringstream stream{std::string(text)};
    YAML::Parser parser(stream);
    while (counter.documents < 2 && parser.HandleNextDocument(counter)) {
    }
    if (counter.documents == 1)
      document = YAML::Load(std::string(text));
  } catch (const YAML::Exception& error) {
    if (const auto better = explain_syntax_error(text)) {
      diagnostics.add(place(better->first), "", better->second);
      return ConfigNode{};
    }
    const SourceLocation at =
        error.mark.is_null() ? SourceLocation{file, 0, 0}
                             : SourceLocation{file, error.mark.line + 1, error.mark.column + 1};
    // yaml-cpp's messages are fixed texts; a few go on after ": " with text of the file (a
    // directive's version, an escape), which is not quoted: the file may be anything.
    diagnostics.add(at, "",
                    fmt::format("expected valid YAML, found a syntax error: {}",
                                error.msg.substr(0, error.msg.find(": "))));
    return ConfigNode{};
  }
  if (counter.documents > 1) {
    const std::size_t offset = counter.second_node_offset.value_or(text.size());
    // yaml-cpp ends a document at a comma outside brackets and starts another after it.
    const std::size_t comma = offset < text.size() && text[offset] == ','
                                  ? offset
                                  : text.substr(0, offset).find_last_not_of(" \t\r\n");
    if (comma != std::string_view::npos && text[comma] == ',') {
      diagnostics.add(place(comma), "",
                      "expected valid YAML, found a ',' outside any [list] or {mapping}");
    } else if (limits.single_value) {
      diagnostics.add(place(offset), "", "expected one YAML value, found more text after it");
    } else {
      diagnostics.add(place(second_document_start(text, offset)), "",
                      "expected one YAML document, found a second one");
    }
    return ConfigNode{};
  }
  ConfigNode root;
  if (counter.documents == 0) {
    root.location = SourceLocation{file, 1, 1};
    return root;
  }
  Converter converter(file, lines, diagnostics, limits);
  if (!converter.convert(document, root, 0))
    return ConfigNode{};
  if (root.location.line == 0)
    root.location = SourceLocation{file, 1, 1};
  return root;
}

ConfigNode parse_yaml_file(const std::string& path, Diagnostics& diagnostics,
                           const ParseLimits& limits) {
  std::ifstream input(path, std::ios::binary);
  if (!input) {
    diagnostics.add(SourceLocation{std::make_shared<const std::string>(path), 0, 0}, "",
                    "expected a readable file, found none (no such file, or no permission)");
    return ConfigNode{};
  }
  std::ostringstream content;
  content << input.rdbuf();
  return parse_yaml(content.str(), path, diagnostics, limits);
}

void merge_into(ConfigNode& base, ConfigNode overlay) {
  if (!base.is_mapping() || !overlay.is_mapping()) {
    base = std::move(overlay);
    return;
  }
  // Base keys by their entry, so that merging n keys is O(n), not O(n²). The reserve keeps
  // the keys in place while entries are added, so the views stay valid.
  base.entries.reserve(base.entries.size() + overlay.entries.size());
  std::unordered_map<std::string_view, std::size_t> index;
  index.reserve(base.entries.size() + overlay.entries.size());
  for (std::size_t i = 0; i < base.entries.size(); ++i)
    index.try_emplace(base.entries[i].key, i);
  for (MappingEntry& entry : overlay.entries) {
    if (const auto existing = index.find(entry.key); existing != index.end()) {
      merge_into(base.entries[existing->second].value, std::move(entry.value));
    } else {
      base.entries.push_back(std::move(entry));
      index.emplace(base.entries.back().key, base.entries.size() - 1);
    }
  }
}

namespace {

/// One step of a key path: a mapping key, or a list index.
/// A step of a key path: a mapping key, a list index `[2]`, or a list item selected by one of
/// its keys `[name=prometheus]` (key in `key`, the value it must have in `match`); in a
/// --scale path also `**` (any number of levels) and `[*]` (every item).
struct PathStep {
  enum class Kind { key, any_level, index, selector, every_item } kind = Kind::key;
  std::string key;  ///< a key (a pattern in a --scale path), or a selector's key
  std::string match;
  std::size_t index = 0;
};

/// Whether a list item has the selector's key at the selector's value.
bool item_selected(const ConfigNode& item, const PathStep& step) {
  const ConfigNode* value = item.is_mapping() ? item.find(step.key) : nullptr;
  return value && value->is_scalar() && value->scalar == step.match;
}

/// The item of `list` whose `key` is `match`; nullptr with `why` set when none or several are.
const ConfigNode* selected_item(const ConfigNode& list, const PathStep& step, std::string& why) {
  const ConfigNode* found = nullptr;
  std::size_t matches = 0;
  std::vector<std::string> values;
  for (const ConfigNode& item : list.items) {
    const ConfigNode* value = item.is_mapping() ? item.find(step.key) : nullptr;
    if (!value || !value->is_scalar())
      continue;
    values.push_back(value->scalar);
    if (item_selected(item, step)) {
      found = &item;
      ++matches;
    }
  }
  if (matches == 1)
    return found;
  why = matches == 0
            ? fmt::format("none; its {}s are {}", step.key,
                          values.empty() ? std::string("none")
                                         : excerpt(fmt::format("{}", fmt::join(values, ", "))))
            : fmt::format("{} items with it", matches);
  return nullptr;
}

/// Splits a key path into its steps; `wildcards` (a --scale path) also reads `**` and `[*]`.
bool split_path(std::string_view path, std::vector<PathStep>& steps, bool wildcards = false) {
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '[') {
      const std::size_t close = path.find(']', i);
      if (close == std::string_view::npos)
        return false;
      PathStep step;
      const std::string_view inside = path.substr(i + 1, close - i - 1);
      if (wildcards && inside == "*") {
        step.kind = PathStep::Kind::every_item;
      } else if (const std::size_t equals = inside.find('='); equals != std::string_view::npos) {
        step.kind = PathStep::Kind::selector;
        step.key = std::string(inside.substr(0, equals));
        step.match = std::string(inside.substr(equals + 1));
        if (step.key.empty() || step.match.empty())
          return false;
      } else {
        step.kind = PathStep::Kind::index;
        const auto result = std::from_chars(path.data() + i + 1, path.data() + close, step.index);
        if (result.ec != std::errc() || result.ptr != path.data() + close)
          return false;
      }
      steps.push_back(step);
      i = close + 1;
      if (i < path.size() && path[i] == '.')
        ++i;
      continue;
    }
    std::size_t end = i;
    while (end < path.size() && path[end] != '.' && path[end] != '[')
      ++end;
    if (end == i)
      return false;
    PathStep step;
    step.key = std::string(path.substr(i, end - i));
    if (wildcards && step.key == "**")
      step.kind = PathStep::Kind::any_level;
    steps.push_back(std::move(step));
    i = end;
    if (i < path.size() && path[i] == '.') {
      ++i;
      if (i == path.size())
        return false;
    }
  }
  return !steps.empty();
}

}  // namespace

bool parse_override(const std::string& argument, std::size_t index, Override& out,
                    Diagnostics& diagnostics) {
  const std::string origin = fmt::format("--set #{}", index + 1);
  // The first '=' outside brackets: a selector (sites[name=x]) holds one of its own.
  std::size_t equals = std::string::npos;
  int depth = 0;
  for (std::size_t i = 0; i < argument.size() && equals == std::string::npos; ++i) {
    depth += argument[i] == '[' ? 1 : argument[i] == ']' ? -1 : 0;
    if (argument[i] == '=' && depth == 0)
      equals = i;
  }
  if (equals == std::string::npos || equals == 0) {
    diagnostics.add(SourceLocation{std::make_shared<const std::string>(origin), 1, 1}, "",
                    fmt::format("expected key.path=value, found \"{}\"", excerpt(argument)));
    return false;
  }
  out = Override{argument.substr(0, equals), argument.substr(equals + 1), origin};
  return true;
}

void apply_override(ConfigNode& root, const Override& override_value, Diagnostics& diagnostics) {
  auto origin = std::make_shared<const std::string>(override_value.origin);
  const SourceLocation path_location{origin, 1, 1};
  const int value_column = static_cast<int>(override_value.path.size()) + 2;
  std::vector<PathStep> steps;
  if (!split_path(override_value.path, steps)) {
    diagnostics.add(path_location, override_value.path,
                    "expected a key path such as scenario.seed, sites[0].pue or "
                    "sites[name=prometheus].pue, found a malformed path");
    return;
  }
  Diagnostics value_diagnostics;
  ParseLimits value_limits;
  value_limits.single_value = true;
  ConfigNode value =
      parse_yaml(override_value.value_text, override_value.origin, value_diagnostics, value_limits);
  for (const Diagnostic& problem : value_diagnostics.items()) {
    Diagnostic shifted = problem;
    shifted.location.column += value_column - 1;
    shifted.path = override_value.path;
    diagnostics.add(std::move(shifted));
  }
  if (!value_diagnostics.empty())
    return;
  // Every node of the new value points at the value in the command-line argument.
  std::vector<ConfigNode*> pending{&value};
  while (!pending.empty()) {
    ConfigNode* node = pending.back();
    pending.pop_back();
    node->location.column += value_column - 1;
    for (ConfigNode& item : node->items)
      pending.push_back(&item);
    for (MappingEntry& entry : node->entries) {
      entry.key_location.column += value_column - 1;
      pending.push_back(&entry.value);
    }
  }

  ConfigNode* node = &root;
  std::string walked;
  for (const PathStep& step : steps) {
    if (step.kind == PathStep::Kind::index) {
      if (!node->is_sequence() || step.index >= node->items.size()) {
        diagnostics.add(
            path_location, override_value.path,
            fmt::format("expected {}[{}] to exist, found {}", walked, step.index,
                        node->is_sequence() ? fmt::format("a list of {} item{}", node->items.size(),
                                                          node->items.size() == 1 ? "" : "s")
                                            : node->describe()));
        return;
      }
      node = &node->items[step.index];
      walked += fmt::format("[{}]", step.index);
      continue;
    }
    if (step.kind == PathStep::Kind::selector) {
      std::string why = node->describe();
      const ConfigNode* item = node->is_sequence() ? selected_item(*node, step, why) : nullptr;
      if (!item) {
        diagnostics.add(path_location, override_value.path,
                        fmt::format("expected one item of {} with {} {}, found {}", walked,
                                    step.key, step.match, why));
        return;
      }
      node = const_cast<ConfigNode*>(item);
      walked += fmt::format("[{}={}]", step.key, step.match);
      continue;
    }
    if (node->is_null()) {
      node->kind = ConfigNode::Kind::mapping;
      node->location = path_location;
    }
    if (!node->is_mapping()) {
      diagnostics.add(path_location, override_value.path,
                      fmt::format("expected {} to be a mapping, found {}",
                                  walked.empty() ? "the document" : walked, node->describe()));
      return;
    }
    ConfigNode* child = node->find(step.key);
    if (!child) {
      node->entries.push_back(MappingEntry{step.key, path_location, ConfigNode{}});
      child = &node->entries.back().value;
      child->location = path_location;
    }
    node = child;
    walked += walked.empty() ? step.key : "." + step.key;
  }
  *node = std::move(value);
}

namespace {

/// Whether `key` matches `pattern`, where each '*' stands for any text.
bool key_matches(std::string_view pattern, std::string_view key) {
  const std::size_t star = pattern.find('*');
  if (star == std::string_view::npos)
    return pattern == key;
  if (key.substr(0, star) != pattern.substr(0, star))
    return false;
  const std::string_view rest = pattern.substr(star + 1);
  for (std::size_t from = star; from <= key.size(); ++from) {
    if (key_matches(rest, key.substr(from)))
      return true;
  }
  return false;
}

/// Multiplies a scalar's leading number, keeping what follows it ("32000 USD" -> "38400 USD").
bool scale_scalar(ConfigNode& node, double factor) {
  const std::string& text = node.scalar;
  double value = 0.0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end == text.data())
    return false;
  const std::string_view rest(end, static_cast<std::size_t>(text.data() + text.size() - end));
  // A number glued to letters or digits is no quantity (a date, a name such as "3d-part").
  if (!rest.empty() && rest.front() != ' ' && rest.front() != '%' && rest.front() != 'x')
    return false;
  node.scalar = fmt::format("{}{}", value * factor, rest);
  return true;
}

std::size_t scale_matches(ConfigNode& node, const std::vector<PathStep>& steps, std::size_t at,
                          double factor) {
  if (at == steps.size())
    return node.is_scalar() && scale_scalar(node, factor) ? 1 : 0;
  const PathStep& step = steps[at];
  std::size_t scaled = 0;
  const auto each_child = [&](std::size_t next) {
    for (ConfigNode& item : node.items)
      scaled += scale_matches(item, steps, next, factor);
    for (MappingEntry& entry : node.entries)
      scaled += scale_matches(entry.value, steps, next, factor);
  };
  switch (step.kind) {
    case PathStep::Kind::any_level:
      scaled += scale_matches(node, steps, at + 1, factor);
      each_child(at);
      break;
    case PathStep::Kind::key:
      if (step.key == "*") {
        each_child(at + 1);
      } else {
        for (MappingEntry& entry : node.entries) {
          if (key_matches(step.key, entry.key))
            scaled += scale_matches(entry.value, steps, at + 1, factor);
        }
      }
      break;
    case PathStep::Kind::every_item:
      for (ConfigNode& item : node.items)
        scaled += scale_matches(item, steps, at + 1, factor);
      break;
    case PathStep::Kind::index:
      if (node.is_sequence() && step.index < node.items.size())
        scaled += scale_matches(node.items[step.index], steps, at + 1, factor);
      break;
    case PathStep::Kind::selector:
      for (ConfigNode& item : node.items) {
        if (item_selected(item, step))
          scaled += scale_matches(item, steps, at + 1, factor);
      }
      break;
  }
  return scaled;
}

}  // namespace

bool parse_scale(const std::string& argument, std::size_t index, Scale& out,
                 Diagnostics& diagnostics) {
  const std::string origin = fmt::format("--scale #{}", index + 1);
  const SourceLocation location{std::make_shared<const std::string>(origin), 1, 1};
  const std::size_t equals = argument.rfind('=');
  std::vector<PathStep> steps;
  if (equals == std::string::npos || equals == 0 ||
      !split_path(std::string_view(argument).substr(0, equals), steps, /*wildcards=*/true)) {
    diagnostics.add(location, "",
                    fmt::format("expected key.path=factor such as catalog.accelerators[*]."
                                "price_installed_per_gpu=1.2, found \"{}\"",
                                excerpt(argument)));
    return false;
  }
  std::string factor_text = argument.substr(equals + 1);
  if (!factor_text.empty() && factor_text.back() == 'x')
    factor_text.pop_back();
  double factor = 0.0;
  const auto [end, error] =
      std::from_chars(factor_text.data(), factor_text.data() + factor_text.size(), factor);
  if (factor_text.empty() || error != std::errc() ||
      end != factor_text.data() + factor_text.size() || !(factor > 0.0) || !std::isfinite(factor)) {
    diagnostics.add(SourceLocation{location.file, 1, static_cast<int>(equals) + 2},
                    argument.substr(0, equals),
                    fmt::format("expected a factor above 0 such as 1.2 or 0.5x, found \"{}\"",
                                excerpt(argument.substr(equals + 1))));
    return false;
  }
  out = Scale{argument.substr(0, equals), factor, origin};
  return true;
}

std::size_t apply_scale(ConfigNode& root, const Scale& scale) {
  std::vector<PathStep> steps;
  if (!split_path(scale.path, steps, /*wildcards=*/true))
    return 0;
  return scale_matches(root, steps, 0, scale.factor);
}

const ConfigNode* node_at_path(const ConfigNode& root, std::string_view path) {
  std::vector<PathStep> steps;
  if (!split_path(path, steps))
    return nullptr;
  const ConfigNode* node = &root;
  for (const PathStep& step : steps) {
    if (step.kind == PathStep::Kind::index) {
      if (!node->is_sequence() || step.index >= node->items.size())
        return nullptr;
      node = &node->items[step.index];
    } else if (step.kind == PathStep::Kind::selector) {
      std::string why;
      node = node->is_sequence() ? selected_item(*node, step, why) : nullptr;
      if (!node)
        return nullptr;
    } else {
      node = node->is_mapping() ? node->find(step.key) : nullptr;
      if (!node)
        return nullptr;
    }
  }
  return node;
}

}  // namespace capsim::scenario
