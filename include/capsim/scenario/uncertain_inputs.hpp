#pragma once
/// Uncertain inputs: distributions written on a scenario's numeric keys.
///
///     duration: "18 months ~ triangular(14, 18, 26) group prometheus"       # compact form
///     price_installed_per_gpu: {dist: lognormal, median: "$40k", p90: "$55k"}  # mapping form
///
/// The compact form's leading value is the nominal (what a deterministic run reads) and lends
/// its unit to bare parameters; a mapping's nominal is its `value`, else the median. Parameters
/// are read by the key's own reader, so units and their errors are those of any value; the
/// distribution's support (its 0.1% tails for an unbounded form) must lie in the key's range.
/// docs/uncertainty.md is the reference.

#include <optional>
#include <string>
#include <vector>

#include "capsim/core/diagnostics.hpp"
#include "capsim/core/dimension.hpp"
#include "capsim/core/text.hpp"
#include "capsim/model/inputs.hpp"
#include "capsim/scenario/config_node.hpp"
#include "capsim/scenario/schema.hpp"
#include "capsim/uncertainty/distribution.hpp"

namespace capsim::scenario {

/// One value drawn for an uncertain input.
struct Draw {
  double value = 0.0;  ///< canonical; a choice among words: the chosen index
  std::string text;    ///< what the key reads back exactly (the override's value)
};

/// A distribution found on a key, with what it takes to write its draws back into the scenario.
struct UncertainInput {
  std::string path;  ///< "sites[3].construction[0].duration"
  SourceLocation location;
  uncertainty::Distribution distribution;  ///< over the canonical value, or a choice's index
  /// The group as written ("prometheus"), or empty: the input is then its own group.
  std::string group;
  std::string nominal_text;  ///< what a deterministic run reads, as the key reads it
  std::string written;       ///< the distribution as written, for reports and explain
  ValueType type = ValueType::quantity;
  Dimension dimension = Dimension::money;
  std::optional<double> minimum;  ///< the key's range, canonical: draws are clamped into it
  std::optional<double> maximum;
  bool minimum_exclusive = false;
  /// A choice's values as written, and their canonical numbers when the key is numeric.
  std::vector<std::string> choice_texts;
  std::vector<double> choice_values;
  /// The unit the user wrote, for replications.csv: a value reads display_unit.format(value /
  /// display_scale) ("17.3 months").
  AffixedNumber display_unit;
  double display_scale = 1.0;

  /// The name of the input's draw: "group NAME", or its key path when in no group. Inputs with
  /// one draw name share their uniform, so they move together (rank correlation 1).
  std::string draw_name() const { return group.empty() ? path : "group " + group; }
  /// The value at quantile u: clamped into the key's range, whole for a key of whole numbers.
  Draw draw(double u) const;
  /// A drawn value as a plain number in the unit the user wrote (17.3 for "17.3 months"), or a
  /// choice's text on a key of words: what replications.csv shows.
  std::string display(const Draw& drawn) const;
  /// That unit, as a column label: "months", "$k", "%"; empty for a plain number or a word.
  std::string display_label() const;
  /// A choice among words has no numeric value to rank as a driver.
  bool is_numeric() const { return choice_texts.empty() || !choice_values.empty(); }
};

/// Finds the distributions on the keys of `document` in document order, replaces each by its
/// nominal value (keeping its place for errors) and returns them. Problems (an unknown form,
/// parameters of the wrong unit or order, a distribution reaching beyond the key's range, a
/// distribution on a date or a name) are added to `diagnostics`. Keys the schema does not know
/// are left to the loader. O(size of the document).
std::vector<UncertainInput> extract_uncertain_inputs(ConfigNode& document,
                                                     Diagnostics& diagnostics);

/// The draw name (UncertainInput::draw_name) a correlation's `groups` entry stands for: a group
/// of `inputs`, or the key path of an input in no group; nothing when it names neither.
std::optional<std::string> draw_name_of(const std::string& name,
                                        const std::vector<UncertainInput>& inputs);

/// Checks `uncertainty.correlations`: each pair names two different groups (or inputs in no
/// group) of `inputs`, no pair twice, and the pairs together form a valid correlation matrix.
/// Problems go to `diagnostics` at the pair's place in `document`.
void check_correlations(const UncertaintySpec& spec, const std::vector<UncertainInput>& inputs,
                        const ConfigNode& document, Diagnostics& diagnostics);

}  // namespace capsim::scenario
