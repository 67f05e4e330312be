#pragma once
/// Small text helpers shared by the layers that write text.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace capsim {

/// `text` in double quotes with JSON escapes (\" \\ \n \t and \u00XX for other control
/// characters). The result is also a valid YAML double-quoted scalar.
std::string quote_string(std::string_view text);

/// A control character found in text, and where.
struct ControlCharacter {
  char32_t code_point = 0;
  std::size_t position = 0;  ///< in characters, from 1
};

/// The first C0 control (U+0000..U+001F), DEL (U+007F) or C1 control (U+0080..U+009F) of the
/// UTF-8 `text`; with `allow_line_breaks`, newline and tab are not counted. Names must hold
/// none: a NUL cuts a C string short, an ESC sequence drives the terminal that prints it.
std::optional<ControlCharacter> find_control_character(std::string_view text,
                                                       bool allow_line_breaks);

/// "U+001B": how messages name a character.
std::string code_point_name(char32_t code_point);

/// A number written with an optional prefix and unit, e.g. "$15.625B" = {"$", 15.625, "B"}:
/// how sweep values and distribution parameters carry the unit the user wrote into the values
/// drawn from them.
struct AffixedNumber {
  std::string prefix;
  double number = 0.0;
  std::string suffix;
  /// prefix + shortest round-trip form of `value` + suffix.
  std::string format(double value) const;
};

/// Splits `text` into an AffixedNumber; nothing when it holds no number.
std::optional<AffixedNumber> parse_affixed_number(const std::string& text);

}  // namespace capsim
