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

/// The longest name (of a scenario, site, cluster, part, service, tenant, job...), in
/// characters.
inline constexpr std::size_t kMaxNameLength = 128;

/// What is wrong with `name` as a name, as "expected ..., found ..."; nothing when it is one.
/// A name holds letters, digits, spaces and `-_.:/()+`, starts with a letter or a digit and
/// has at most kMaxNameLength characters; the empty text (no name: "any cluster") is one. Letters
/// are ASCII's and those of the Latin-1, Latin Extended, Greek, Cyrillic, CJK, kana and Hangul
/// blocks. Names reach CSV cells, HTML, file names and terminals: none of these characters means
/// anything there.
std::optional<std::string> name_problem(std::string_view name);

/// A short quote of foreign text for a message: at most `max_bytes` bytes (cut between
/// characters, "..." marking the cut), every control character (C0, DEL, C1) and byte that is
/// not UTF-8 replaced by '?'. What a message says it found, never what drives a terminal.
std::string excerpt(std::string_view text, std::size_t max_bytes = 60);

/// `text` with every control character (C0, DEL, C1) and byte that is not UTF-8 replaced by
/// '?', whatever its length: for a whole message built from several excerpts.
std::string without_control_characters(std::string_view text);

/// `text` fit for a terminal: newline and tab kept, every other C0 control, DEL, C1 control,
/// bidirectional-text control (U+061C, U+200E, U+200F, U+202A..U+202E, U+2066..U+2069) and
/// byte that is not UTF-8 written as an escape (`\x1b`, `\u009b`, `\u202e`, `\xff`), so
/// text from an input file can neither move the cursor, recolour, clear the screen, nor reorder
/// what is shown.
std::string terminal_text(std::string_view text);

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
