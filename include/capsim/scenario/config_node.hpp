#pragma once
/// A YAML document as a plain tree in which every node remembers its file, line and column,
/// so errors point at the input even after `extends` merged several files and `--set` changed
/// values. yaml-cpp is used here and nowhere else.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "capsim/core/diagnostics.hpp"

namespace capsim::scenario {

struct MappingEntry;

class ConfigNode {
 public:
  enum class Kind { null, scalar, sequence, mapping };

  Kind kind = Kind::null;
  SourceLocation location;
  std::string scalar;                 ///< the text of a scalar
  bool quoted = false;                ///< a quoted scalar is always text, never a number
  std::vector<ConfigNode> items;      ///< a sequence's elements
  std::vector<MappingEntry> entries;  ///< a mapping's keys and values, in document order

  bool is_mapping() const { return kind == Kind::mapping; }
  bool is_sequence() const { return kind == Kind::sequence; }
  bool is_scalar() const { return kind == Kind::scalar; }
  bool is_null() const { return kind == Kind::null; }
  /// The value under `key` in a mapping, or nullptr.
  const ConfigNode* find(std::string_view key) const;
  ConfigNode* find(std::string_view key);
  /// Removes `key` from a mapping; false if absent.
  bool erase(std::string_view key);
  /// "a mapping", "a list", "the text \"abc\"", "nothing": for "found ..." in messages.
  std::string describe() const;
};

struct MappingEntry {
  std::string key;
  SourceLocation key_location;
  ConfigNode value;
};

/// Limits that keep hostile input from exhausting the stack or memory.
struct ParseLimits {
  std::size_t max_depth = 64;
  /// Values after expanding aliases: about 7 times what the largest scenario we test (1,000
  /// clusters, 10,000 jobs) holds, low enough that an alias bomb stops in a fraction of a second.
  std::size_t max_nodes = 1'000'000;
  std::size_t max_bytes = 64 * 1024 * 1024;
  /// A single value (a --set argument), not a document: trailing text is "more text".
  bool single_value = false;
};

/// Parses YAML `text` read from `file_name`. Problems (not YAML, not text, duplicate keys,
/// too deep, too large) are added to `diagnostics` and a null node is returned.
/// O(n) expected in the values of the document (duplicate keys are found by hashing).
ConfigNode parse_yaml(std::string_view text, const std::string& file_name, Diagnostics& diagnostics,
                      const ParseLimits& limits = {});

/// Reads and parses a file; a missing or unreadable file is a diagnostic.
ConfigNode parse_yaml_file(const std::string& path, Diagnostics& diagnostics,
                           const ParseLimits& limits = {});

/// Deep merge for `extends`: mappings merge key by key (recursively), anything else in
/// `overlay` replaces what `base` had. Lists are replaced whole, never concatenated.
/// O(n) expected in the entries of both.
void merge_into(ConfigNode& base, ConfigNode overlay);

/// A `--set key.path=value` override. The path uses the same syntax as error messages:
/// `scenario.seed`, `sites[2].pue`, `efficiency.steps[0].factor`. Missing mapping keys are
/// created (the loader then checks them like any key); list indices must exist.
struct Override {
  std::string path;
  std::string value_text;
  std::string origin;  ///< how errors name it, e.g. "--set #1"
};

/// Parses "path=value". Returns false (and adds a diagnostic) when there is no '=' or no path.
bool parse_override(const std::string& argument, std::size_t index, Override& out,
                    Diagnostics& diagnostics);

/// Applies an override to a document; a path through a non-mapping or a list index out of
/// range is a diagnostic.
void apply_override(ConfigNode& root, const Override& override_value, Diagnostics& diagnostics);

/// A `--scale key.path=factor`: every number the path matches is multiplied by `factor`. The
/// path is --set's, where `*` also stands for every key of a mapping or every item of a list
/// at its place (`[*]` for every item), `**` for any number of levels, and `*` inside a key for
/// any text (`price*`).
struct Scale {
  std::string path;
  double factor = 1.0;
  std::string origin;  ///< how errors name it, e.g. "--scale #1"
};

/// Parses "path=factor" (a plain positive number, or a multiplier such as "1.2x"). Returns
/// false (and adds a diagnostic) when it is not one.
bool parse_scale(const std::string& argument, std::size_t index, Scale& out,
                 Diagnostics& diagnostics);

/// Multiplies every number the path matches: a plain number, or the number of a quantity
/// written number first ("32000 USD"); other values it matches (words, dates, lists) are left
/// alone. Returns how many it multiplied.
std::size_t apply_scale(ConfigNode& root, const Scale& scale);

/// The node at `path` ("sites[2].pue"), or nullptr.
const ConfigNode* node_at_path(const ConfigNode& root, std::string_view path);

}  // namespace capsim::scenario
