#include "capsim/core/units.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

namespace capsim {
namespace detail {
namespace {

/// 4 significant digits, trailing zeros dropped; scientific ("3.8e25") outside [1e-3, 1e6).
std::string significant(double value) {
  if (value == 0.0) {
    return "0";
  }
  const double magnitude = std::fabs(value);
  if (magnitude >= 1e-3 && magnitude < 1e6) {
    const int exponent = static_cast<int>(std::floor(std::log10(magnitude)));
    std::string text = fmt::format("{:.{}f}", value, std::max(0, 3 - exponent));
    if (text.find('.') != std::string::npos) {
      text.erase(text.find_last_not_of('0') + 1);
      if (text.back() == '.') {
        text.pop_back();
      }
    }
    return text;
  }
  const std::string text = fmt::format("{:.3e}", value);
  const std::size_t e = text.find('e');
  std::string mantissa = text.substr(0, e);
  if (mantissa.find('.') != std::string::npos) {
    mantissa.erase(mantissa.find_last_not_of('0') + 1);
    if (mantissa.back() == '.') {
      mantissa.pop_back();
    }
  }
  return fmt::format("{}e{}", mantissa, std::atoi(text.c_str() + e + 1));
}

struct Step {
  double scale;
  const char* suffix;
  const char* singular = nullptr;  // when the number is exactly "1"
};

/// The largest step that keeps the number at 1 or more once rounded, else the smallest; zero
/// in the base unit ("0 s", not "0 ms").
std::string with_step(double value, std::initializer_list<Step> ladder) {
  const Step* chosen = ladder.begin();
  for (const Step& step : ladder) {
    if (std::fabs(value) / step.scale >= 0.99995 || (value == 0.0 && step.scale == 1.0)) {
      chosen = &step;
    }
  }
  const std::string number = significant(value / chosen->scale);
  const char* suffix = chosen->singular != nullptr && (number == "1" || number == "-1")
                           ? chosen->singular
                           : chosen->suffix;
  return number + suffix;
}

constexpr std::initializer_list<Step> kMoneySteps = {
    {1, ""}, {1e3, "K"}, {1e6, "M"}, {1e9, "B"}, {1e12, "T"}};
constexpr std::initializer_list<Step> kPowerSteps = {
    {1, " W"}, {1e3, " kW"}, {1e6, " MW"}, {1e9, " GW"}, {1e12, " TW"}};
constexpr std::initializer_list<Step> kEnergySteps = {{1, " J"},        {3.6e3, " Wh"},
                                                      {3.6e6, " kWh"},  {3.6e9, " MWh"},
                                                      {3.6e12, " GWh"}, {3.6e15, " TWh"}};
constexpr std::initializer_list<Step> kDurationSteps = {{1e-3, " ms"},
                                                        {1, " s"},
                                                        {60, " min"},
                                                        {3600, " h"},
                                                        {86400, " days", " day"},
                                                        {kSecondsPerYear, " years", " year"}};
constexpr std::initializer_list<Step> kDataSteps = {{1, " B"},    {1e3, " KB"},  {1e6, " MB"},
                                                    {1e9, " GB"}, {1e12, " TB"}, {1e15, " PB"},
                                                    {1e18, " EB"}};
constexpr std::initializer_list<Step> kBandwidthSteps = {
    {1, " B/s"}, {1e3, " KB/s"}, {1e6, " MB/s"}, {1e9, " GB/s"}, {1e12, " TB/s"}, {1e15, " PB/s"}};
constexpr std::initializer_list<Step> kComputeRateSteps = {
    {1, " FLOP/s"},     {1e3, " KFLOP/s"},  {1e6, " MFLOP/s"},  {1e9, " GFLOP/s"},
    {1e12, " TFLOP/s"}, {1e15, " PFLOP/s"}, {1e18, " EFLOP/s"}, {1e21, " ZFLOP/s"}};
constexpr std::initializer_list<Step> kComputeSteps = {
    {1, " FLOP"},     {1e3, " KFLOP"},  {1e6, " MFLOP"}, {1e9, " GFLOP"},
    {1e12, " TFLOP"}, {1e15, " PFLOP"}, {1e18, " EFLOP"}};
constexpr std::initializer_list<Step> kTokenSteps = {{1, " tokens", " token"},
                                                     {1e3, "K tokens"},
                                                     {1e6, "M tokens"},
                                                     {1e9, "B tokens"},
                                                     {1e12, "T tokens"}};
constexpr std::initializer_list<Step> kTokenRateSteps = {{1, " tokens/s"},
                                                         {1e3, "K tokens/s"},
                                                         {1e6, "M tokens/s"},
                                                         {1e9, "B tokens/s"},
                                                         {1e12, "T tokens/s"}};
constexpr std::initializer_list<Step> kCarbonSteps = {
    {1, " gCO2e"}, {1e3, " kgCO2e"}, {1e6, " tCO2e"}, {1e9, " ktCO2e"}, {1e12, " MtCO2e"}};

/// "$60B", "-$5M", "$0.5": the sign goes before the "$".
std::string dollars(double amount, bool with_magnitude) {
  const std::string sign = amount < 0 ? "-" : "";
  const double magnitude = std::fabs(amount);
  return sign + "$" + (with_magnitude ? with_step(magnitude, kMoneySteps) : significant(magnitude));
}

/// Shortest round-tripping decimal of `value * 10^shift`, in plain notation for exponents
/// -7..20 and scientific beyond. Shifting the digits rather than multiplying keeps it exact.
std::string shortest_decimal(double value, int shift) {
  char buffer[64];
  const auto result =
      std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::scientific);
  const std::string_view text(buffer, static_cast<std::size_t>(result.ptr - buffer));
  if (!std::isfinite(value)) {
    return std::string(text);
  }
  const bool negative = text.front() == '-';
  const std::size_t e = text.find('e');
  std::string digits;
  for (char c : text.substr(negative ? 1 : 0, e - (negative ? 1 : 0))) {
    if (c != '.') {
      digits += c;
    }
  }
  const int exponent =
      std::atoi(std::string(text.substr(e + 1)).c_str()) + (value == 0 ? 0 : shift);
  const int count = static_cast<int>(digits.size());
  std::string out = negative ? "-" : "";
  if (exponent >= -7 && exponent < 21) {
    if (exponent >= count - 1) {
      out += digits + std::string(static_cast<std::size_t>(exponent - (count - 1)), '0');
    } else if (exponent >= 0) {
      out += digits.substr(0, static_cast<std::size_t>(exponent + 1)) + "." +
             digits.substr(static_cast<std::size_t>(exponent + 1));
    } else {
      out += "0.";
      out.append(static_cast<std::size_t>(-exponent - 1), '0');
      out += digits;
    }
  } else {
    out += digits.substr(0, 1);
    if (count > 1) {
      // Appended piecewise: GCC 12 misreads `"." + std::string` here as an overlapping copy.
      out += '.';
      out.append(digits, 1);
    }
    out += fmt::format("e{}", exponent);
  }
  return out;
}

}  // namespace
}  // namespace detail

std::string format_quantity(double value, Dimension dimension) {
  using detail::with_step;
  switch (dimension) {
    case Dimension::money:
      return detail::dollars(value, true);
    case Dimension::money_per_gpu_time:
      return detail::dollars(value * 3600.0, false) + "/GPU-hour";
    case Dimension::energy_price:
      return detail::dollars(value * 3.6e9, false) + "/MWh";
    case Dimension::money_per_power:
      return detail::dollars(value * 1e6, true) + "/MW";
    case Dimension::token_price:
      return detail::dollars(value * 1e6, false) + "/M tokens";
    case Dimension::power:
      return with_step(value, detail::kPowerSteps);
    case Dimension::energy:
      return with_step(value, detail::kEnergySteps);
    case Dimension::duration:
      return with_step(value, detail::kDurationSteps);
    case Dimension::data:
      return with_step(value, detail::kDataSteps);
    case Dimension::bandwidth:
      return with_step(value, detail::kBandwidthSteps);
    case Dimension::compute_rate:
      return with_step(value, detail::kComputeRateSteps);
    case Dimension::compute:
      // Training budgets are quoted as powers of ten ("3.8e25 FLOP"), not in zetta or yotta.
      if (std::fabs(value) >= 1e21) {
        return detail::significant(value) + " FLOP";
      }
      return with_step(value, detail::kComputeSteps);
    case Dimension::tokens:
      return with_step(value, detail::kTokenSteps);
    case Dimension::token_rate:
      return with_step(value, detail::kTokenRateSteps);
    case Dimension::fraction:
      return detail::significant(value * 100.0) + "%";
    case Dimension::multiplier:
      return detail::significant(value) + "x";
    case Dimension::frequency: {
      // The shortest period in which at least one event is expected: "2/h", "3/year".
      static constexpr std::pair<double, const char*> kPeriods[] = {
          {1, "s"}, {3600, "h"}, {86400, "day"}, {kSecondsPerYear, "year"}};
      for (const auto& [seconds, name] : kPeriods) {
        if (std::fabs(value) * seconds >= 0.99995 || seconds == kSecondsPerYear) {
          return detail::significant(value * seconds) + "/" + name;
        }
      }
      break;
    }
    case Dimension::carbon_mass:
      return with_step(value, detail::kCarbonSteps);
    case Dimension::carbon_intensity:
      // Grids are quoted per kWh (eGRID, Ember, the IEA).
      return detail::significant(value * 3.6e6) + " gCO2e/kWh";
  }
  return detail::significant(value);
}

std::string format_canonical(double value, Dimension dimension) {
  // A fraction is written in percent: its digits are shifted, not multiplied, to stay exact.
  const int shift = dimension == Dimension::fraction ? 2 : 0;
  return detail::shortest_decimal(value, shift) + dimension_canonical_unit(dimension);
}

}  // namespace capsim
