#pragma once
/// Quantities with units, at the edge where scenarios are read and results are written.
///
/// Scenario files give every number with its unit as text ("60B USD", "1.2 GW", "18 months");
/// the model works in canonical units only: seconds, watts, joules, USD, FLOP, bytes, tokens and
/// grams of CO2e, rates per second. This file is the one place that converts between the two.
///
/// Grammar of a quantity (surrounding spaces and tabs are ignored):
///
///     [sign] ["$"] number [space] [magnitude] [space] [unit] [ "/" | " per " denominator ]
///
/// - number: decimal or scientific, with a digit on both sides of any "." ("0.5", not ".5" or
///   "5."); "," may separate groups of exactly three digits in the integer part ("1,979",
///   "12,345.5"; "1,97" and "5,5" are errors). Parsing is locale-independent and correctly
///   rounded: "3.35 TB/s" is the double nearest 3.35e12, the same as the literal.
/// - sign: "+" or "-" before everything ("-$5M"). Signs are accepted for every dimension; whether
///   a negative or zero value makes sense for a key is the loader's range check, not the parser's.
/// - magnitude: K or k (1e3), M (1e6), B, G or bn (1e9), T (1e12), and the words thousand,
///   million, billion, trillion. Only count units take one: money ("$60B", "60B USD", "1.5 M
///   USD"), tokens ("608B tokens", "4K tokens", "1 Mtoken") and the "$" form. Physical units
///   carry their SI prefix in the symbol instead ("1.2 GW", "80 GB", "989 TFLOP/s").
/// - case: symbols are case-sensitive because case carries meaning ("Gb" is gigabits, "GB"
///   gigabytes; "mW" is rejected rather than read as "MW", with a "did you mean" hint); words
///   are case-insensitive ("USD"/"usd", "Tokens", "Hours").
/// - denominator: an optional positive count, then a unit ("54 days", "1M tokens", "MWh",
///   "GPU-hour"). "per" is a synonym of "/" when written as a separate word ("3 per year",
///   "$0.07 per million tokens"). At most one "/" or "per".
///
/// A bare number ("700") is an error everywhere, and so is a quantity of another dimension
/// ("60 GB" where a power is expected): the error names what was recognised.
///
/// Accepted units by dimension (format_canonical names the canonical spelling of each):
/// - money: USD (also dollar, dollars), cent, cents, or a leading "$"; with a magnitude.
/// - money_per_gpu_time: money per GPU-time, "GPU" then an optional "-" or space then any duration
///   unit: "2 USD/GPU-hour", "$2/GPU-h", "$2 per GPU hour", "$2/GPUh". Canonical USD/GPU-s.
/// - energy_price: money per energy unit: "80 USD/MWh", "$0.07/kWh", "7.13 cents/kWh". USD/J.
/// - money_per_power: money per power unit: "11.7M USD/MW", "$11.7M/MW", "$35B/GW". USD/W.
/// - token_price: money per tokens: "0.28 USD/Mtoken", "$2.19/M tokens", "$2.19/1M tokens",
///   "$0.07 per million tokens", "$3/MTok". USD/token.
/// - power: W, kW, MW, GW, TW.
/// - energy: J, kJ, MJ, GJ, TJ, Wh, kWh, MWh, GWh, TWh.
/// - duration: s, sec, secs, second, seconds; ms, millisecond(s); us, µs, microsecond(s); min,
///   mins, minute(s); h, hr, hrs, hour(s); d, day(s); wk, wks, week(s); mo, month(s);
///   quarter(s); y, yr, yrs, year(s). A year is the Julian year, 365.25 days (kSecondsPerYear);
///   a month is 1/12 of it (30.4375 days), a quarter 1/4 of it: calendar lengths belong to
///   dates, not to durations.
/// - data: B, byte(s), kB, KB, MB, GB, TB, PB, EB (powers of 1000); KiB, MiB, GiB, TiB, PiB
///   (powers of 1024); bits (1/8 byte): bit(s), kb, Kb, kbit, Kbit, Mb, Mbit, Gb, Gbit, Tb, Tbit,
///   Pb, Pbit.
/// - bandwidth: any data unit per duration unit ("3.35 TB/s", "400 Gb/s", "10 GB/h"), or bps,
///   kbps, Kbps, Mbps, Gbps, Tbps.
/// - compute_rate: FLOP/s with an SI prefix (k, K, M, G, T, P, E, Z: "989 TFLOP/s"), any compute
///   unit per duration unit, or FLOPS with a prefix ("989 TFLOPS": capital S means per second).
/// - compute: FLOP or FLOPs (plural, not a rate) with an SI prefix: "3.8e25 FLOP", "2.5 GFLOP".
/// - tokens: token(s) or tok with a magnitude: "608B tokens", "14.8T tokens", "4K tokens".
/// - token_rate: tokens per duration unit: "608B tokens/day", "73.7K tokens/s", "1M tokens/h".
/// - fraction: "%" or percent: "40%" = 0.4.
/// - multiplier: x, X or ×: "10x" = 10.0.
/// - frequency: no unit before the "/", a duration after it: "3/year", "2 per day",
///   "419 per 54 days"; in events per second.
/// - carbon_mass: CO2-equivalent mass, gCO2e, kgCO2e, tCO2e (tonnes), ktCO2e, MtCO2e: "318
///   kgCO2e". Canonical gCO2e.
/// - carbon_intensity: a carbon mass per energy unit: "390 gCO2e/kWh", "0.39 tCO2e/MWh".
///   Canonical gCO2e/J.

#include <stdexcept>
#include <string>
#include <string_view>

#include "capsim/core/dimension.hpp"
#include "capsim/core/time.hpp"

namespace capsim {

/// Thrown for text that is not a valid quantity of the expected dimension, or not a valid date.
/// what() is the whole message, ready to print after a file:line:col and key path:
/// `expected a power such as "700 W" or "1.2 GW", found "60 GB" (a data size)`.
class UnitError : public std::runtime_error {
 public:
  UnitError(std::string expected, std::string found, std::string reason);
  /// What the caller asked for: `a power such as "700 W" or "1.2 GW"`.
  const std::string& expected() const { return expected_; }
  /// The text exactly as given.
  const std::string& found() const { return found_; }
  /// Why it was rejected, or what it was recognised as: "a data size", "a number without a
  /// unit", `unknown unit "mW"; units are case-sensitive: did you mean "MW"?`.
  const std::string& reason() const { return reason_; }

 private:
  std::string expected_;
  std::string found_;
  std::string reason_;
};

/// Parses `text` as a quantity of `expected` (grammar above) and returns it in the canonical
/// unit of `expected`. The result is finite. Throws UnitError otherwise. O(length of text).
double parse_quantity(std::string_view text, Dimension expected);

/// Parses a strict ISO date: "2025-01-20"; "2025-07" (the first of the month); "2025-Q3" (the
/// first day of the quarter, capital Q). Four-digit year, zero-padded month and day ("2025-1-5"
/// is rejected), month 1-12, day within the month ("2025-02-30" is rejected), quarter 1-4.
/// Surrounding spaces are ignored. Throws UnitError.
Date parse_date(std::string_view text);

/// A human form in a sensible unit with 4 significant digits and no trailing zeros:
/// 6e10 money -> "$60B", 1.2e9 W -> "1.2 GW", 3.35e12 B/s -> "3.35 TB/s", 0.4 -> "40%".
/// parse_quantity(result, dimension) is within 1e-3 relative of the value.
/// Precondition: `canonical_value` is finite.
std::string format_quantity(double canonical_value, Dimension dimension);

/// The exact canonical form for machine-readable output: the shortest decimal that round-trips
/// the double, then the canonical unit: "60000000000 USD", "1200000000 W", "3.8e25 FLOP",
/// "40%" (fraction), "10x" (multiplier), "0.0001/s" (frequency), "0.5 USD/GPU-s".
/// Plain notation for exponents -7..20, scientific beyond.
/// parse_quantity(result, dimension) == canonical_value exactly.
/// Precondition: `canonical_value` is finite.
std::string format_canonical(double canonical_value, Dimension dimension);

}  // namespace capsim
