#include "capsim/output/summary_figures.hpp"

#include <charconv>
#include <optional>

#include <fmt/format.h>

#include "capsim/output/capacity_report.hpp"
#include "capsim/scenario/config_node.hpp"

namespace capsim::output {

namespace {

using scenario::ConfigNode;

// JSON numbers only: yaml's "true", "null" or unquoted words are not figures.
std::optional<double> json_number(const ConfigNode& node) {
  if (!node.is_scalar() || node.quoted || node.scalar.empty())
    return std::nullopt;
  double value = 0.0;
  const char* first = node.scalar.data();
  const char* last = first + node.scalar.size();
  const auto [end, error] = std::from_chars(first, last, value);
  if (error != std::errc() || end != last)
    return std::nullopt;
  return value;
}

std::string element_name(const ConfigNode& element, std::size_t index) {
  if (element.is_mapping() && !element.entries.empty()) {
    const ConfigNode& first = element.entries.front().value;
    if (first.is_scalar() && first.quoted)
      return first.scalar;
  }
  return fmt::format("{}", index);
}

void flatten(const ConfigNode& node, const std::string& name, std::vector<SummaryFigure>& out) {
  if (node.is_mapping()) {
    for (const scenario::MappingEntry& entry : node.entries) {
      flatten(entry.value, name.empty() ? entry.key : name + "." + entry.key, out);
    }
  } else if (node.is_sequence()) {
    for (std::size_t i = 0; i < node.items.size(); ++i) {
      flatten(node.items[i], fmt::format("{}[{}]", name, element_name(node.items[i], i)), out);
    }
  } else if (const std::optional<double> value = json_number(node)) {
    out.push_back({name, *value});
  }
}

}  // namespace

std::vector<SummaryFigure> flatten_summary_json(std::string_view json_text,
                                                const std::string& file_name) {
  Diagnostics diagnostics;
  const ConfigNode root = scenario::parse_yaml(json_text, file_name, diagnostics);
  if (diagnostics.empty() && !root.is_mapping()) {
    diagnostics.add(root.location, "",
                    "expected a JSON object of summary figures, found " + root.describe());
  }
  diagnostics.throw_if_any();
  std::vector<SummaryFigure> figures;
  flatten(root, "", figures);
  return figures;
}

std::vector<SummaryFigure> summary_figures(const Scenario& scenario, const CapacityRun& run) {
  return flatten_summary_json(summary_json(scenario, run), "summary.json");
}

}  // namespace capsim::output
