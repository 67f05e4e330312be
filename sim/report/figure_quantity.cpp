#include "capsim/report/figure_quantity.hpp"

#include <array>
#include <string>

namespace capsim::report {

namespace {

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

/// The figure's own name: what follows its last '.' (a list element's name may hold dots).
std::string_view last_name(std::string_view figure) {
  const std::size_t bracket = figure.rfind(']');
  const std::size_t dot = figure.rfind('.');
  if (dot == std::string_view::npos || (bracket != std::string_view::npos && dot < bracket))
    return figure.substr(bracket == std::string_view::npos ? 0 : bracket + 1);
  return figure.substr(dot + 1);
}

}  // namespace

Quantity figure_quantity(std::string_view figure) {
  const std::string_view name = last_name(figure);
  const std::string label(figure);
  if (ends_with(name, "_usd"))
    return {label, "USD", NumberKind::usd};
  if (ends_with(name, "_mwh"))
    return {label, "MWh", NumberKind::plain};
  if (ends_with(name, "_gw"))
    return {label, "GW", NumberKind::plain};
  if (contains(name, "gpu_hours"))
    return {label, "GPU-hours", NumberKind::count};
  if (contains(name, "gpu_days"))
    return {label, "GPU-days", NumberKind::count};
  if (ends_with(name, "_hours"))
    return {label, "hours", NumberKind::hours};
  if (ends_with(name, "_days"))
    return {label, "days", NumberKind::days};
  if (ends_with(name, "share") || name == "utilisation" || name == "slo_attainment" ||
      name == "goodput")
    return {label, "", NumberKind::share};
  if (contains(name, "multiple"))
    return {label, "", NumberKind::multiple};
  if (ends_with(name, "_tokens"))
    return {label, "tokens", NumberKind::count};
  static constexpr std::array<std::string_view, 6> kCounted = {
      "gpus", "failures", "interruptions", "preemptions", "jobs", "periods"};
  for (const std::string_view counted : kCounted) {
    if (contains(name, counted))
      return {label, "", NumberKind::count};
  }
  static constexpr std::array<std::string_view, 8> kCounts = {
      "ordered",       "delivered",      "retired",           "completed",
      "queued_at_end", "running_at_end", "in_transit_at_end", "waiting_for_power_at_end"};
  for (const std::string_view counted : kCounts) {
    if (name == counted)
      return {label, "", NumberKind::count};
  }
  return {label, "", NumberKind::plain};
}

Quantity dimension_quantity(std::string_view name, std::optional<Dimension> dimension) {
  const std::string label(name);
  if (!dimension)
    return {label, "", NumberKind::plain};
  switch (*dimension) {
    case Dimension::money:
      return {label, "USD", NumberKind::usd};
    case Dimension::power:
      return {label, "W", NumberKind::watts};
    case Dimension::fraction:
      return {label, "", NumberKind::share};
    case Dimension::multiplier:
      return {label, "", NumberKind::multiple};
    default: {
      std::string unit = dimension_canonical_unit(*dimension);
      if (!unit.empty() && unit.front() == ' ')
        unit.erase(0, 1);
      return {label, unit, NumberKind::plain};
    }
  }
}

}  // namespace capsim::report
