#pragma once
/// The spellings of units and magnitudes that parse_quantity accepts (units.hpp lists them by
/// dimension), and the text helpers the parser shares with them. Private to sim/core.

#include <algorithm>
#include <string>
#include <string_view>

namespace capsim::detail {

/// Thrown inside the parser with the reason; the public functions add expected and found.
struct Reject {
  std::string reason;
};

inline bool is_space(char c) {
  return c == ' ' || c == '\t';
}
inline bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

inline char to_lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

inline bool equal_any_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return to_lower(x) == to_lower(y);
         });
}

inline bool starts_with_any_case(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && equal_any_case(text.substr(0, prefix.size()), prefix);
}

inline std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front())) {
    text.remove_prefix(1);
  }
  while (!text.empty() && is_space(text.back())) {
    text.remove_suffix(1);
  }
  return text;
}

/// What one unit term measures, before numerator and denominator are combined into a Dimension.
enum class Kind {
  none,
  money,
  power,
  energy,
  time,
  data,
  compute,
  tokens,
  percent,
  times,
  gpu_time,
  compute_rate,
  bandwidth,
  carbon,
};

/// A conversion factor kept as a power of ten apart from the rest, so that decimal prefixes
/// shift the decimal exponent of the text and the result stays correctly rounded.
struct Scale {
  int pow10 = 0;
  double mult = 1.0;
  double div = 1.0;
};

/// A unit term as resolved: what it measures and its factor to the canonical unit.
struct Term {
  Kind kind = Kind::none;
  Scale scale;
};

struct Magnitude {
  std::string_view text;
  int pow10;
  bool any_case;
};

/// The magnitude ("K", "M", "bn", "billion", ...) that `text` is exactly, or nullptr.
const Magnitude* find_magnitude(std::string_view text);

/// Whether `text` is exactly the spelling of a unit.
bool is_unit(std::string_view text);

/// One unit, optionally after a magnitude when it counts things: "MW", "B tokens", "Mtoken".
/// Throws Reject for an unknown unit, with a "did you mean" when only the case differs.
Term resolve_unit(std::string_view text);

/// A denominator unit: any unit, or GPU-time ("GPU-hour", "GPU h", "GPUh"). Throws Reject.
Term resolve_denominator_unit(std::string_view text);

}  // namespace capsim::detail
