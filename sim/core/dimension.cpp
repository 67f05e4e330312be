#include "capsim/core/dimension.hpp"

#include <cstddef>
#include <iterator>

#include <fmt/format.h>

namespace capsim {
namespace {

/// Everything said about one dimension, in the order of the enumeration.
struct DimensionInfo {
  Dimension dimension;
  const char* name;
  const char* description;
  const char* examples;  // each parses as the dimension
  const char* canonical_unit;
  const char* column_suffix;  // a column of numbers in the canonical unit: name + "_" + this
};

constexpr DimensionInfo kDimensions[] = {
    {Dimension::money, "money", "an amount of money", "\"$60B\" or \"1.5M USD\"", " USD", "usd"},
    {Dimension::money_per_gpu_time, "money_per_gpu_time", "a price per GPU-time",
     "\"$2/GPU-hour\" or \"2.5 USD/GPU-h\"", " USD/GPU-s", "usd_per_gpu_s"},
    {Dimension::energy_price, "energy_price", "an energy price", "\"80 USD/MWh\" or \"$0.07/kWh\"",
     " USD/J", "usd_per_j"},
    {Dimension::money_per_power, "money_per_power", "a cost per unit of power",
     "\"$11.7M/MW\" or \"35B USD/GW\"", " USD/W", "usd_per_w"},
    {Dimension::token_price, "token_price", "a price per token",
     "\"$2.19/M tokens\" or \"0.28 USD/Mtoken\"", " USD/token", "usd_per_token"},
    {Dimension::power, "power", "a power", "\"700 W\" or \"1.2 GW\"", " W", "w"},
    {Dimension::energy, "energy", "an energy", "\"500 MWh\" or \"1.2 TWh\"", " J", "j"},
    {Dimension::duration, "duration", "a duration", "\"90 days\", \"18 months\" or \"4 h\"", " s",
     "s"},
    {Dimension::data, "data", "a data size", "\"80 GB\" or \"192 GiB\"", " B", "bytes"},
    {Dimension::bandwidth, "bandwidth", "a bandwidth", "\"3.35 TB/s\" or \"400 Gb/s\"", " B/s",
     "bytes_per_s"},
    {Dimension::compute_rate, "compute_rate", "a compute rate",
     "\"989 TFLOP/s\" or \"2.5 PFLOP/s\"", " FLOP/s", "flop_per_s"},
    {Dimension::compute, "compute", "an amount of compute", "\"3.8e25 FLOP\" or \"2.5 EFLOP\"",
     " FLOP", "flop"},
    {Dimension::tokens, "tokens", "a token count", "\"14.8T tokens\" or \"4K tokens\"", " tokens",
     "tokens"},
    {Dimension::token_rate, "token_rate", "a token rate",
     "\"608B tokens/day\" or \"73.7K tokens/s\"", " tokens/s", "tokens_per_s"},
    {Dimension::fraction, "fraction", "a percentage", "\"40%\"", "%", "share"},
    {Dimension::multiplier, "multiplier", "a multiplier", "\"10x\" or \"0.5x\"", "x", "x"},
    {Dimension::frequency, "frequency", "a frequency", "\"3/year\" or \"419 per 54 days\"", "/s",
     "per_s"},
    {Dimension::carbon_mass, "carbon_mass", "a carbon mass", "\"1.2 tCO2e\" or \"318 kgCO2e\"",
     " gCO2e", "gco2e"},
    {Dimension::carbon_intensity, "carbon_intensity", "a carbon intensity",
     "\"390 gCO2e/kWh\" or \"0.39 tCO2e/MWh\"", " gCO2e/J", "gco2e_per_j"},
};

static_assert(std::size(kDimensions) == kAllDimensions.size());

constexpr bool table_in_enum_order() {
  for (std::size_t i = 0; i < std::size(kDimensions); ++i) {
    if (kDimensions[i].dimension != kAllDimensions[i]) {
      return false;
    }
  }
  return true;
}
static_assert(table_in_enum_order(), "kDimensions lists the dimensions in declaration order");

const DimensionInfo& info(Dimension dimension) {
  static constexpr DimensionInfo kUnknown{Dimension{}, "?", "?", "", "", ""};  // not an enumerator
  const auto index = static_cast<std::size_t>(dimension);
  return index < std::size(kDimensions) ? kDimensions[index] : kUnknown;
}

}  // namespace

const char* dimension_name(Dimension dimension) {
  return info(dimension).name;
}

const char* dimension_description(Dimension dimension) {
  return info(dimension).description;
}

std::string dimension_units_hint(Dimension dimension) {
  return fmt::format("{} such as {}", info(dimension).description, info(dimension).examples);
}

const char* dimension_canonical_unit(Dimension dimension) {
  return info(dimension).canonical_unit;
}

const char* dimension_column_suffix(Dimension dimension) {
  return info(dimension).column_suffix;
}

}  // namespace capsim
