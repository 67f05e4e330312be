#pragma once
// A structure-aware mutator of scenario files for capsim's fuzzer (tests/fuzz/scenario_fuzz.cpp).
//
// Byte flips alone rarely get past the YAML parser and the schema, so most mutations act on the
// document's tree the way a hurried or hostile user edits a file: a number pushed to an extreme
// or given another unit, a date in the wrong century, a key deleted or misspelt, a list entry
// repeated or dropped, a name pointing at another entity, a whole section grafted from another
// scenario. Byte-level edits of the text (a flipped byte, a line deleted or repeated) come on top
// now and then. Deterministic: the same text and stream state give the same mutant.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "capsim/engine/random.hpp"

namespace capsim::fuzz {

/// A YAML document as a plain tree, so that mutations can edit it freely and emit it back.
struct YamlTree {
  enum class Kind { null, scalar, sequence, mapping };
  Kind kind = Kind::null;
  std::string scalar;           ///< the text of a scalar
  bool quoted = false;          ///< a scalar written in quotes (a string, whatever it looks like)
  std::vector<YamlTree> items;  ///< a sequence's entries
  std::vector<std::pair<std::string, YamlTree>> entries;  ///< a mapping's, in file order
};

/// Parses `text` (one YAML document). Returns false, leaving `tree` null, if it is not YAML.
bool parse_yaml_tree(const std::string& text, YamlTree& tree);

/// Block-style YAML for `tree`: plain scalars where YAML reads them back unchanged, double
/// quotes with escapes (\0, \e, \xNN) otherwise.
std::string emit_yaml_tree(const YamlTree& tree);

/// The mutation operators, by name, for reports and tests.
enum class Mutation {
  number_extreme,   ///< a number replaced by an extreme, a power of ten times it, or its negation
  unit_swap,        ///< a quantity's unit replaced by another unit
  date_extreme,     ///< a date moved to another century, month 13, day 31 of February...
  delete_key,       ///< a mapping entry removed
  rename_key,       ///< a key misspelt
  duplicate_item,   ///< a sequence entry repeated
  delete_item,      ///< a sequence entry dropped
  graft,            ///< a section replaced or added from another seed file, same key
  cross_reference,  ///< a scalar replaced by another scalar of the same document
  string_chaos,     ///< a string made empty, huge, or given control characters
  kind_flip,        ///< a scalar made a list or mapping, or a section made a scalar
  byte_edit,        ///< the text edited: a byte flipped, a line deleted, repeated or cut
};
const char* mutation_name(Mutation mutation);

class ScenarioMutator {
 public:
  /// `seeds` are the texts of the seed corpus: mutations graft sections from them.
  explicit ScenarioMutator(const std::vector<std::string>& seeds);

  /// A mutant of `text`: one to four mutations, each recorded in `applied` (cleared first).
  /// Text that is not YAML gets byte-level edits only.
  std::string mutate(const std::string& text, RandomStream& random,
                     std::vector<Mutation>& applied) const;

  /// One mutation of `tree`. Returns false if the tree offers it nothing to act on (no number,
  /// no sequence...), leaving the tree unchanged.
  bool apply(Mutation mutation, YamlTree& tree, RandomStream& random) const;

 private:
  std::vector<YamlTree> seed_trees_;
};

/// One byte-level edit of `text`.
std::string edit_bytes(const std::string& text, RandomStream& random);

}  // namespace capsim::fuzz
