#include "capsim/output/readable.hpp"

#include <array>
#include <cmath>
#include <string_view>

#include <fmt/format.h>

namespace capsim::output {

namespace {

/// A whole number with thousands separators: "-1,234".
std::string whole_with_commas(double value) {
  const double rounded = std::round(value);
  const std::string digits = fmt::format("{:.0f}", std::fabs(rounded));
  return (rounded < 0 ? "-" : "") + group_thousands(digits);
}

/// 3 to 4 significant digits for a mantissa below 1000: 2.31, 58.3, 152.3.
std::string mantissa(double x) {
  if (std::fabs(x) < 10)
    return fmt::format("{:.2f}", x);
  return fmt::format("{:.1f}", x);
}

/// A tick's mantissa: as few digits as it needs ("1.5", "500"), never an exponent ("2,000").
std::string tick_mantissa(double x) {
  if (std::fabs(x) >= 1000)
    return whole_with_commas(x);
  std::string text = fmt::format("{:.3g}", x);
  return text == "-0" ? "0" : text;
}

struct Scale {
  double factor;
  const char* suffix;
};

/// The largest scale at or below |value| (the last one when none is). A value that its
/// mantissa would round up to 1000 takes the next scale: 999.96e6 is "$1.00B", not "$1000.0M".
template <std::size_t N>
Scale scale_of(double value, const std::array<Scale, N>& scales) {
  const double a = std::fabs(value);
  for (std::size_t i = 0; i < N; ++i) {
    if (a >= scales[i].factor)
      return (i > 0 && a / scales[i].factor >= 999.95) ? scales[i - 1] : scales[i];
  }
  return scales.back();
}

constexpr std::array<Scale, 5> kMoneyScales = {
    {{1e12, "T"}, {1e9, "B"}, {1e6, "M"}, {1e3, "K"}, {1, ""}}};
constexpr std::array<Scale, 5> kCountScales = {
    {{1e12, "T"}, {1e9, "B"}, {1e6, "M"}, {1e3, "K"}, {1, ""}}};
/// Tokens reach 10^17 over a year of a frontier service: peta and exa beyond trillions.
constexpr std::array<Scale, 7> kTokenScales = {
    {{1e18, "E"}, {1e15, "P"}, {1e12, "T"}, {1e9, "B"}, {1e6, "M"}, {1e3, "K"}, {1, ""}}};
constexpr std::array<Scale, 4> kPowerScales = {
    {{1e9, " GW"}, {1e6, " MW"}, {1e3, " kW"}, {1, " W"}}};
constexpr std::array<Scale, 4> kEnergyScales = {
    {{3.6e15, " TWh"}, {3.6e12, " GWh"}, {3.6e9, " MWh"}, {3.6e6, " kWh"}}};

std::string scaled(double value, const Scale& scale, bool compact) {
  const double x = value / scale.factor;
  return (compact ? tick_mantissa(x) : mantissa(x)) + scale.suffix;
}

std::string usd_text(double value, bool compact) {
  const std::string sign = value < 0 ? "-" : "";
  const double a = std::fabs(value);
  if (a == 0)
    return "$0";
  if (a < 1 && !compact)
    return sign + "$" + fmt::format("{:.3g}", a);  // a price per token or per GPU-second
  return sign + "$" + scaled(a, scale_of(a, kMoneyScales), compact);
}

std::string count_text(double value, bool compact) {
  if (compact && std::fabs(value) >= 1e3)
    return scaled(value, scale_of(value, kCountScales), true);
  if (std::fabs(value - std::round(value)) < 1e-9 || std::fabs(value) >= 1e3)
    return whole_with_commas(value);
  return fmt::format("{:.3g}", value);
}

std::string plain_text(double value, bool compact) {
  if (std::fabs(value) >= 1e4)
    return compact ? scaled(value, scale_of(value, kCountScales), true) : whole_with_commas(value);
  return tick_mantissa(value);
}

}  // namespace

std::string group_thousands(const std::string& number) {
  std::size_t first = 0;
  while (first < number.size() && (number[first] == '-' || number[first] == '+'))
    ++first;
  std::size_t end = number.find('.');
  if (end == std::string::npos)
    end = number.size();
  std::string out = number.substr(0, first);
  for (std::size_t i = first; i < end; ++i) {
    if (i > first && (end - i) % 3 == 0)
      out += ',';
    out += number[i];
  }
  out += number.substr(end);
  return out;
}

std::string readable(double value, NumberKind kind, bool compact) {
  if (!std::isfinite(value))
    return "n/a";
  switch (kind) {
    case NumberKind::plain:
      return plain_text(value, compact);
    case NumberKind::count:
      return count_text(value, compact);
    case NumberKind::usd:
      return usd_text(value, compact);
    case NumberKind::watts:
      if (value == 0)
        return "0 W";
      return scaled(value, scale_of(value, kPowerScales), compact);
    case NumberKind::megawatts:
      return readable(value * 1e6, NumberKind::watts, compact);
    case NumberKind::joules:
      if (value == 0)
        return "0 kWh";
      return scaled(value, scale_of(value, kEnergyScales), compact);
    case NumberKind::tokens:
      return (std::fabs(value) >= 1e3 ? scaled(value, scale_of(value, kTokenScales), compact)
                                      : tick_mantissa(value)) +
             " tokens";
    case NumberKind::share:
      return compact ? tick_mantissa(100 * value) + "%" : fmt::format("{:.1f}%", 100 * value);
    case NumberKind::hours:
      return (compact || std::fabs(value) >= 100 ? plain_text(value, compact)
                                                 : fmt::format("{:.1f}", value)) +
             " h";
    case NumberKind::days:
      return plain_text(std::round(value), compact) + " days";
    case NumberKind::multiple:
      return (compact ? tick_mantissa(value) : fmt::format("{:.2f}", value)) + "\u00d7";
  }
  return plain_text(value, compact);
}

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

FigureUnit figure_unit(std::string_view figure) {
  const std::string_view name = last_name(figure);
  if (ends_with(name, "_usd"))
    return {"USD", NumberKind::usd};
  if (ends_with(name, "_mwh"))
    return {"MWh", NumberKind::plain};
  if (ends_with(name, "_gw"))
    return {"GW", NumberKind::plain};
  if (ends_with(name, "_w"))
    return {"", NumberKind::watts};
  if (contains(name, "gpu_hours"))
    return {"GPU-hours", NumberKind::count};
  if (contains(name, "gpu_days"))
    return {"GPU-days", NumberKind::count};
  if (ends_with(name, "_hours"))
    return {"hours", NumberKind::hours};
  if (ends_with(name, "_days"))
    return {"days", NumberKind::days};
  if (ends_with(name, "share") || name == "utilisation" || name == "slo_attainment" ||
      name == "goodput")
    return {"", NumberKind::share};
  if (contains(name, "multiple"))
    return {"", NumberKind::multiple};
  if (ends_with(name, "_tokens"))
    return {"", NumberKind::tokens};
  static constexpr std::array<std::string_view, 6> kCounted = {
      "gpus", "failures", "interruptions", "preemptions", "jobs", "periods"};
  for (const std::string_view counted : kCounted) {
    if (contains(name, counted))
      return {"", NumberKind::count};
  }
  static constexpr std::array<std::string_view, 8> kCounts = {
      "ordered",       "delivered",      "retired",           "completed",
      "queued_at_end", "running_at_end", "in_transit_at_end", "waiting_for_power_at_end"};
  for (const std::string_view counted : kCounts) {
    if (name == counted)
      return {"", NumberKind::count};
  }
  return {"", NumberKind::plain};
}

std::string readable_figure(std::string_view figure, double value, bool sign) {
  // Energy and power figures are in MWh, GW or MW: shown in the unit their size calls for.
  const std::string_view name = last_name(figure);
  std::string text;
  if (ends_with(name, "_mwh"))
    text = readable(value * 3.6e9, NumberKind::joules);
  else if (ends_with(name, "_gw"))
    text = readable(value * 1e9, NumberKind::watts);
  else if (ends_with(name, "_mw"))
    text = readable(value, NumberKind::megawatts);
  else
    text = readable(value, figure_unit(figure).kind);
  return sign && value > 0 ? "+" + text : text;
}

}  // namespace capsim::output
