#include "yaml_mutator.hpp"

#include <array>
#include <cmath>
#include <cstdlib>
#include <regex>
#include <string_view>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

namespace capsim::fuzz {

namespace {

std::size_t pick(RandomStream& random, std::size_t count) {
  return static_cast<std::size_t>(random.next_u64() % count);
}

template <typename T, std::size_t N>
const T& pick_from(RandomStream& random, const std::array<T, N>& choices) {
  return choices[pick(random, N)];
}

// Aliases are expanded, so a document of repeated aliases ("a billion laughs", a case of the
// bad-input corpus) would expand without bound: `budget` caps the nodes.
bool to_tree(const YAML::Node& node, YamlTree& tree, int& budget) {
  if (--budget < 0)
    return false;
  switch (node.Type()) {
    case YAML::NodeType::Scalar:
      tree.kind = YamlTree::Kind::scalar;
      tree.scalar = node.Scalar();
      tree.quoted = node.Tag() == "!";
      return true;
    case YAML::NodeType::Sequence:
      tree.kind = YamlTree::Kind::sequence;
      for (const YAML::Node& item : node) {
        if (!to_tree(item, tree.items.emplace_back(), budget))
          return false;
      }
      return true;
    case YAML::NodeType::Map:
      tree.kind = YamlTree::Kind::mapping;
      for (const auto& entry : node) {
        if (!entry.first.IsScalar())
          return false;
        auto& [key, value] = tree.entries.emplace_back(entry.first.Scalar(), YamlTree{});
        if (!to_tree(entry.second, value, budget))
          return false;
      }
      return true;
    default:
      tree.kind = YamlTree::Kind::null;
      return true;
  }
}

// True where YAML reads `text` back, unquoted, as the same plain scalar.
bool plain_safe(std::string_view text) {
  if (text.empty() || text.front() == ' ' || text.back() == ' ' || text.back() == ':')
    return false;
  constexpr std::string_view kIndicators = "-?:,[]{}#&*!|>'\"%@`";
  if (kIndicators.find(text.front()) != std::string_view::npos &&
      !(text.front() == '-' && text.size() > 1 && text[1] != ' ' && text[1] != '-'))
    return false;
  if (text.find(": ") != std::string_view::npos || text.find(" #") != std::string_view::npos)
    return false;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte >= 0x7f)
      return false;
  }
  return true;
}

std::string double_quoted(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\0') {
      out += "\\0";
    } else if (c == '\x1b') {
      out += "\\e";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (byte < 0x20 || byte == 0x7f) {
      out += fmt::format("\\x{:02x}", byte);
    } else {
      out += c;  // UTF-8 and other bytes go through as they are
    }
  }
  return out + "\"";
}

std::string scalar_text(const YamlTree& tree) {
  switch (tree.kind) {
    case YamlTree::Kind::null:
      return "~";
    case YamlTree::Kind::scalar:
      return !tree.quoted && plain_safe(tree.scalar) ? tree.scalar : double_quoted(tree.scalar);
    case YamlTree::Kind::sequence:
      return "[]";
    case YamlTree::Kind::mapping:
      return "{}";
  }
  return "~";
}

bool is_inline(const YamlTree& tree) {
  return (tree.kind != YamlTree::Kind::sequence || tree.items.empty()) &&
         (tree.kind != YamlTree::Kind::mapping || tree.entries.empty());
}

void emit_block(const YamlTree& tree, int indent, std::string& out);

void emit_value(const YamlTree& value, int indent, std::string& out) {
  if (is_inline(value)) {
    out += ' ';
    out += scalar_text(value);
    out += '\n';
    return;
  }
  out += '\n';
  emit_block(value, indent + 2, out);
}

void emit_block(const YamlTree& tree, int indent, std::string& out) {
  const std::string margin(static_cast<std::size_t>(indent), ' ');
  if (tree.kind == YamlTree::Kind::mapping) {
    for (const auto& [key, value] : tree.entries) {
      out += margin;
      out += plain_safe(key) ? key : double_quoted(key);
      out += ':';
      emit_value(value, indent, out);
    }
  } else {
    for (const YamlTree& item : tree.items) {
      out += margin;
      out += '-';
      emit_value(item, indent, out);
    }
  }
}

// Every node of the tree, parents before children.
void collect(YamlTree& tree, std::vector<YamlTree*>& nodes) {
  nodes.push_back(&tree);
  for (YamlTree& item : tree.items)
    collect(item, nodes);
  for (auto& entry : tree.entries)
    collect(entry.second, nodes);
}

std::vector<YamlTree*> nodes_where(YamlTree& tree, bool (*keep)(const YamlTree&)) {
  std::vector<YamlTree*> all;
  collect(tree, all);
  std::vector<YamlTree*> kept;
  for (YamlTree* node : all) {
    if (keep(*node))
      kept.push_back(node);
  }
  return kept;
}

const std::regex& date_pattern() {
  static const std::regex pattern(R"(^([0-9]{4})-([0-9]{2})-([0-9]{2})(.*)$)");
  return pattern;
}

// An optional "$", a number, then whatever follows (a unit, a suffix such as k or x).
const std::regex& quantity_pattern() {
  static const std::regex pattern(
      R"(^(\$?)([-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?)(.*)$)");
  return pattern;
}

bool is_date(const YamlTree& tree) {
  return tree.kind == YamlTree::Kind::scalar && std::regex_match(tree.scalar, date_pattern());
}

bool is_quantity(const YamlTree& tree) {
  return tree.kind == YamlTree::Kind::scalar && !is_date(tree) &&
         std::regex_match(tree.scalar, quantity_pattern());
}

bool is_word(const YamlTree& tree) {
  return tree.kind == YamlTree::Kind::scalar && !is_quantity(tree) && !is_date(tree);
}

// Applies `edit` to a node `keep` selects, chosen at random; false, and no change, if none is.
template <typename Edit>
bool edit_random_node(YamlTree& tree, RandomStream& random, bool (*keep)(const YamlTree&),
                      Edit edit) {
  const std::vector<YamlTree*> nodes = nodes_where(tree, keep);
  if (nodes.empty())
    return false;
  edit(*nodes[pick(random, nodes.size())]);
  return true;
}

bool is_scalar(const YamlTree& tree) {
  return tree.kind == YamlTree::Kind::scalar;
}
bool is_sequence(const YamlTree& tree) {
  return tree.kind == YamlTree::Kind::sequence && !tree.items.empty();
}
bool is_mapping(const YamlTree& tree) {
  return tree.kind == YamlTree::Kind::mapping && !tree.entries.empty();
}
bool is_any(const YamlTree&) {
  return true;
}

std::string extreme_number(const std::string& number, RandomStream& random) {
  static constexpr std::array<const char*, 18> kExtremes = {"0",
                                                            "-1",
                                                            "1e-300",
                                                            "1e300",
                                                            "1e30",
                                                            "1e20",
                                                            "1e12",
                                                            "1e-9",
                                                            "0.5",
                                                            "2147483648",
                                                            "9223372036854775807",
                                                            "9.3e18",
                                                            "-9.3e18",
                                                            "nan",
                                                            ".nan",
                                                            "inf",
                                                            "-inf",
                                                            "4294967296"};
  if (random.uniform01() < 0.5)
    return pick_from(random, kExtremes);
  const double value = std::strtod(number.c_str(), nullptr);
  switch (pick(random, 4)) {
    case 0:
      return fmt::format("{:g}", -value);
    case 1:
      return fmt::format("{:g}", value + 1);
    case 2:
      return fmt::format("{:.17g}", value * 1.0000001);
    default: {
      const int power = static_cast<int>(pick(random, 24)) - 12;
      return fmt::format("{:g}", value * std::pow(10.0, power == 0 ? 13 : power));
    }
  }
}

bool mutate_number(YamlTree& tree, RandomStream& random) {
  return edit_random_node(tree, random, is_quantity, [&](YamlTree& node) {
    std::smatch match;
    std::regex_match(node.scalar, match, quantity_pattern());
    node.scalar = match[1].str() + extreme_number(match[2].str(), random) + match[3].str();
  });
}

bool swap_unit(YamlTree& tree, RandomStream& random) {
  static constexpr std::array<const char*, 26> kUnits = {
      "",    " s",    " h",       " days",     " weeks",   " months",   " years",
      " W",  " kW",   " MW",      " GW",       " TW",      " J",        " MWh",
      " %",  "x",     "k",        "M",         "B",        " tokens/s", " tokens/day",
      " GB", " TB/s", " TFLOP/s", " per year", " furlongs"};
  return edit_random_node(tree, random, is_quantity, [&](YamlTree& node) {
    std::smatch match;
    std::regex_match(node.scalar, match, quantity_pattern());
    const std::string dollar =
        random.uniform01() < 0.2 ? std::string(match[1].length() ? "" : "$") : match[1].str();
    node.scalar = dollar + match[2].str() + pick_from(random, kUnits);
  });
}

bool mutate_date(YamlTree& tree, RandomStream& random) {
  return edit_random_node(tree, random, is_date, [&](YamlTree& node) {
    std::smatch match;
    std::regex_match(node.scalar, match, date_pattern());
    std::string year = match[1], month = match[2], day = match[3];
    static constexpr std::array<const char*, 8> kYears = {"0001", "1900", "1970", "2199",
                                                          "2200", "2201", "9999", "2100"};
    switch (pick(random, 4)) {
      case 0:
        year = pick_from(random, kYears);
        break;
      case 1:
        year = fmt::format("{:04d}", std::stoi(year) + static_cast<int>(pick(random, 101)) - 50);
        break;
      case 2:
        month = random.uniform01() < 0.5 ? "00" : "13";
        break;
      default:
        month = "02";
        day = random.uniform01() < 0.5 ? "29" : "31";
        break;
    }
    node.scalar = year + "-" + month + "-" + day + match[4].str();
  });
}

bool delete_key(YamlTree& tree, RandomStream& random) {
  return edit_random_node(tree, random, is_mapping, [&](YamlTree& mapping) {
    auto& entries = mapping.entries;
    entries.erase(entries.begin() + static_cast<std::ptrdiff_t>(pick(random, entries.size())));
  });
}

bool rename_key(YamlTree& tree, RandomStream& random) {
  return edit_random_node(tree, random, is_mapping, [&](YamlTree& mapping) {
    std::string& key = mapping.entries[pick(random, mapping.entries.size())].first;
    if (key.size() > 1 && random.uniform01() < 0.5)
      key.erase(pick(random, key.size()), 1);
    else
      key += "s";
  });
}

bool duplicate_item(YamlTree& tree, RandomStream& random) {
  return edit_random_node(tree, random, is_sequence, [&](YamlTree& sequence) {
    auto& items = sequence.items;
    const YamlTree copy = items[pick(random, items.size())];
    items.insert(items.begin() + static_cast<std::ptrdiff_t>(pick(random, items.size() + 1)), copy);
  });
}

bool delete_item(YamlTree& tree, RandomStream& random) {
  return edit_random_node(tree, random, is_sequence, [&](YamlTree& sequence) {
    auto& items = sequence.items;
    items.erase(items.begin() + static_cast<std::ptrdiff_t>(pick(random, items.size())));
  });
}

bool cross_reference(YamlTree& tree, RandomStream& random) {
  auto scalars = nodes_where(tree, is_scalar);
  if (scalars.size() < 2)
    return false;
  const YamlTree source = *scalars[pick(random, scalars.size())];
  YamlTree& target = *scalars[pick(random, scalars.size())];
  target.scalar = source.scalar;
  target.quoted = source.quoted;
  return true;
}

bool string_chaos(YamlTree& tree, RandomStream& random) {
  return edit_random_node(tree, random, is_word, [&](YamlTree& node) {
    static constexpr std::array<std::string_view, 8> kInserts = {std::string_view("\0", 1),
                                                                 "\x1b[2J\x1b[31m",
                                                                 "\a",
                                                                 "\x7f",
                                                                 "\xc2\x85",
                                                                 "\r",
                                                                 "\xff",
                                                                 "\xe2\x80\xae"};
    switch (pick(random, 4)) {
      case 0:
        node.scalar.clear();
        break;
      case 1:
        node.scalar.assign(random.uniform01() < 0.5 ? 5000 : 200000, 'a');
        break;
      case 2:
        node.scalar +=
            "\xc3\xbc"
            "n"
            "\xc3\xaf"
            "c"
            "\xc3\xb8"
            "d"
            "\xc3\xa9";
        break;
      default:
        node.scalar.insert(pick(random, node.scalar.size() + 1),
                           std::string(pick_from(random, kInserts)));
        break;
    }
    node.quoted = true;
  });
}

bool flip_kind(YamlTree& tree, RandomStream& random) {
  auto nodes = nodes_where(tree, is_any);  // never empty: the root is a node
  YamlTree& node = *nodes[pick(random, nodes.size())];
  YamlTree replacement;
  if (node.kind == YamlTree::Kind::scalar) {
    replacement.kind =
        random.uniform01() < 0.5 ? YamlTree::Kind::sequence : YamlTree::Kind::mapping;
    YamlTree inner = node;
    if (replacement.kind == YamlTree::Kind::sequence)
      replacement.items.push_back(inner);
    else
      replacement.entries.emplace_back("value", inner);
  } else if (random.uniform01() < 0.5) {
    replacement.kind = YamlTree::Kind::scalar;
    replacement.scalar = "0";
  }
  node = std::move(replacement);
  return true;
}

// Mappings by their path of keys (sequence positions written "[]"), so that a section of one
// scenario lands where the same section sits in another.
void mappings_by_path(YamlTree& tree, const std::string& path,
                      std::vector<std::pair<std::string, YamlTree*>>& found) {
  if (tree.kind == YamlTree::Kind::mapping) {
    found.emplace_back(path, &tree);
    for (auto& [key, value] : tree.entries)
      mappings_by_path(value, path + "." + key, found);
  } else if (tree.kind == YamlTree::Kind::sequence) {
    for (YamlTree& item : tree.items)
      mappings_by_path(item, path + "[]", found);
  }
}

}  // namespace

const char* mutation_name(Mutation mutation) {
  switch (mutation) {
    case Mutation::number_extreme:
      return "number_extreme";
    case Mutation::unit_swap:
      return "unit_swap";
    case Mutation::date_extreme:
      return "date_extreme";
    case Mutation::delete_key:
      return "delete_key";
    case Mutation::rename_key:
      return "rename_key";
    case Mutation::duplicate_item:
      return "duplicate_item";
    case Mutation::delete_item:
      return "delete_item";
    case Mutation::graft:
      return "graft";
    case Mutation::cross_reference:
      return "cross_reference";
    case Mutation::string_chaos:
      return "string_chaos";
    case Mutation::kind_flip:
      return "kind_flip";
    case Mutation::byte_edit:
      return "byte_edit";
  }
  return "?";
}

bool parse_yaml_tree(const std::string& text, YamlTree& tree) {
  tree = YamlTree{};
  try {
    int budget = 100000;
    if (to_tree(YAML::Load(text), tree, budget))
      return true;
  } catch (const std::exception&) {
  }
  tree = YamlTree{};
  return false;
}

std::string emit_yaml_tree(const YamlTree& tree) {
  if (is_inline(tree))
    return scalar_text(tree) + "\n";
  std::string out;
  emit_block(tree, 0, out);
  return out;
}

ScenarioMutator::ScenarioMutator(const std::vector<std::string>& seeds) {
  for (const std::string& seed : seeds) {
    YamlTree tree;
    if (parse_yaml_tree(seed, tree))
      seed_trees_.push_back(std::move(tree));
  }
}

bool ScenarioMutator::apply(Mutation mutation, YamlTree& tree, RandomStream& random) const {
  switch (mutation) {
    case Mutation::number_extreme:
      return mutate_number(tree, random);
    case Mutation::unit_swap:
      return swap_unit(tree, random);
    case Mutation::date_extreme:
      return mutate_date(tree, random);
    case Mutation::delete_key:
      return delete_key(tree, random);
    case Mutation::rename_key:
      return rename_key(tree, random);
    case Mutation::duplicate_item:
      return duplicate_item(tree, random);
    case Mutation::delete_item:
      return delete_item(tree, random);
    case Mutation::graft: {
      if (seed_trees_.empty())
        return false;
      YamlTree donor = seed_trees_[pick(random, seed_trees_.size())];
      std::vector<std::pair<std::string, YamlTree*>> donor_maps, target_maps;
      mappings_by_path(donor, "", donor_maps);
      mappings_by_path(tree, "", target_maps);
      if (donor_maps.empty())
        return false;
      const auto& [path, section] = donor_maps[pick(random, donor_maps.size())];
      if (section->entries.empty())
        return false;
      const auto& entry = section->entries[pick(random, section->entries.size())];
      for (auto& [target_path, target] : target_maps) {
        if (target_path != path)
          continue;
        for (auto& existing : target->entries) {
          if (existing.first == entry.first) {
            existing.second = entry.second;
            return true;
          }
        }
        target->entries.push_back(entry);
        return true;
      }
      return false;
    }
    case Mutation::cross_reference:
      return cross_reference(tree, random);
    case Mutation::string_chaos:
      return string_chaos(tree, random);
    case Mutation::kind_flip:
      return flip_kind(tree, random);
    case Mutation::byte_edit:
      return false;  // acts on text: see edit_bytes
  }
  return false;
}

std::string ScenarioMutator::mutate(const std::string& text, RandomStream& random,
                                    std::vector<Mutation>& applied) const {
  // Weights: numbers and grafts find the most, so they come most often.
  static constexpr std::array<std::pair<Mutation, int>, 11> kWeights = {{
      {Mutation::number_extreme, 5},
      {Mutation::unit_swap, 1},
      {Mutation::date_extreme, 2},
      {Mutation::delete_key, 2},
      {Mutation::rename_key, 1},
      {Mutation::duplicate_item, 1},
      {Mutation::delete_item, 1},
      {Mutation::graft, 4},
      {Mutation::cross_reference, 2},
      {Mutation::string_chaos, 1},
      {Mutation::kind_flip, 1},
  }};
  int total_weight = 0;
  for (const auto& [mutation, weight] : kWeights)
    total_weight += weight;
  applied.clear();
  YamlTree tree;
  std::string mutant = text;
  if (parse_yaml_tree(text, tree)) {
    const std::size_t count = 1 + pick(random, 4);
    for (int attempt = 0; attempt < 16 && applied.size() < count; ++attempt) {
      int ticket = static_cast<int>(pick(random, static_cast<std::size_t>(total_weight)));
      Mutation chosen = kWeights.front().first;
      for (const auto& [mutation, weight] : kWeights) {
        if (ticket < weight) {
          chosen = mutation;
          break;
        }
        ticket -= weight;
      }
      if (apply(chosen, tree, random))
        applied.push_back(chosen);
    }
    mutant = emit_yaml_tree(tree);
    if (random.uniform01() >= 0.1)
      return mutant;
  }
  const std::size_t edits = 1 + pick(random, 3);
  for (std::size_t edit = 0; edit < edits; ++edit) {
    mutant = edit_bytes(mutant, random);
    applied.push_back(Mutation::byte_edit);
  }
  return mutant;
}

std::string edit_bytes(const std::string& text, RandomStream& random) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    const std::size_t stop = end == std::string::npos ? text.size() : end + 1;
    lines.push_back(text.substr(start, stop - start));
    start = stop;
  }
  std::string out = text;
  switch (pick(random, 5)) {
    case 0:
      if (!out.empty())
        out[pick(random, out.size())] ^= static_cast<char>(1u << pick(random, 8));
      return out;
    case 1: {
      static constexpr std::array<std::string_view, 6> kBytes = {
          std::string_view("\0", 1), "\t", ":", "\n", "{", "'"};
      out.insert(pick(random, out.size() + 1), std::string(pick_from(random, kBytes)));
      return out;
    }
    case 2:
      return out.substr(0, pick(random, out.size() + 1));
    default:
      break;
  }
  if (lines.empty())
    return out;
  const auto line = static_cast<std::ptrdiff_t>(pick(random, lines.size()));
  if (random.uniform01() < 0.5)
    lines.erase(lines.begin() + line);
  else
    lines.insert(lines.begin() + line, lines[static_cast<std::size_t>(line)]);
  out.clear();
  for (const std::string& kept : lines)
    out += kept;
  return out;
}

}  // namespace capsim::fuzz
