#pragma once
/// What a quantity measures, its names and its canonical unit (see units.hpp for the grammar).

#include <array>
#include <string>

namespace capsim {

/// What a quantity measures; each has one canonical unit (in brackets).
enum class Dimension {
  money,               ///< [USD]
  money_per_gpu_time,  ///< [USD per GPU-second]
  energy_price,        ///< [USD per joule]
  money_per_power,     ///< [USD per watt]
  token_price,         ///< [USD per token]
  power,               ///< [W]
  energy,              ///< [J]
  duration,            ///< [s]
  data,                ///< [bytes]
  bandwidth,           ///< [bytes/s]
  compute_rate,        ///< [FLOP/s]
  compute,             ///< [FLOP]
  tokens,              ///< [tokens]
  token_rate,          ///< [tokens/s]
  fraction,            ///< [1]: "40%" is 0.4
  multiplier,          ///< [1]: "10x" is 10.0
  frequency,           ///< [1/s]: events per second
  carbon_mass,         ///< [gCO2e]: greenhouse gases as CO2-equivalent mass
  carbon_intensity,    ///< [gCO2e per joule]: emissions of a unit of electricity
};

/// Every dimension, in declaration order.
inline constexpr std::array kAllDimensions = {
    Dimension::money,
    Dimension::money_per_gpu_time,
    Dimension::energy_price,
    Dimension::money_per_power,
    Dimension::token_price,
    Dimension::power,
    Dimension::energy,
    Dimension::duration,
    Dimension::data,
    Dimension::bandwidth,
    Dimension::compute_rate,
    Dimension::compute,
    Dimension::tokens,
    Dimension::token_rate,
    Dimension::fraction,
    Dimension::multiplier,
    Dimension::frequency,
    Dimension::carbon_mass,
    Dimension::carbon_intensity,
};

/// The enumerator's name: "money", "money_per_gpu_time", "power", ...
const char* dimension_name(Dimension dimension);
/// A noun phrase for messages: "a power", "a data size", "an amount of money", ...
const char* dimension_description(Dimension dimension);
/// What a value of `dimension` looks like, for "expected ..." messages:
/// `a power such as "700 W" or "1.2 GW"`. Every quoted example parses as `dimension`.
std::string dimension_units_hint(Dimension dimension);
/// The canonical unit as format_canonical writes it after the number: " USD", " W",
/// " USD/GPU-s", "x" (multiplier), "/s" (frequency); "%" for a fraction, whose number
/// format_canonical writes in percent.
const char* dimension_canonical_unit(Dimension dimension);
/// What a column of numbers in the canonical unit adds to its name after "_": "usd", "w", "s",
/// "usd_per_j", "share" (a fraction, 0 to 1), "x" (a multiplier): `planner.budget_per_period_usd`.
const char* dimension_column_suffix(Dimension dimension);

}  // namespace capsim
