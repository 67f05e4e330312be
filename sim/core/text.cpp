#include "capsim/core/text.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>

#include <fmt/format.h>

namespace capsim {

std::string quote_string(std::string_view text) {
  std::string quoted = "\"";
  for (const char c : text) {
    switch (c) {
      case '"':
        quoted += "\\\"";
        break;
      case '\\':
        quoted += "\\\\";
        break;
      case '\n':
        quoted += "\\n";
        break;
      case '\t':
        quoted += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          quoted += fmt::format("\\u{:04x}", static_cast<unsigned char>(c));
        } else {
          quoted += c;
        }
    }
  }
  return quoted + "\"";
}

std::optional<ControlCharacter> find_control_character(std::string_view text,
                                                       bool allow_line_breaks) {
  std::size_t position = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if ((byte & 0xC0) == 0x80)
      continue;  // inside a multi-byte character
    ++position;
    if (byte < 0x20 || byte == 0x7F) {
      if (allow_line_breaks && (byte == '\n' || byte == '\t'))
        continue;
      return ControlCharacter{byte, position};
    }
    // U+0080..U+009F are the two bytes C2 80..C2 9F in UTF-8.
    if (byte == 0xC2 && i + 1 < text.size()) {
      const auto next = static_cast<unsigned char>(text[i + 1]);
      if (next >= 0x80 && next <= 0x9F)
        return ControlCharacter{static_cast<char32_t>(next), position};
    }
  }
  return std::nullopt;
}

std::string code_point_name(char32_t code_point) {
  return fmt::format("U+{:04X}", static_cast<std::uint32_t>(code_point));
}

namespace {

/// One character of UTF-8 text: its code point and bytes; `valid` false for a byte that does
/// not start a well-formed sequence (the character is then that one byte).
struct Utf8Character {
  char32_t code_point = 0;
  std::size_t length = 1;
  bool valid = true;
};

Utf8Character decode_at(std::string_view text, std::size_t at) {
  const auto lead = static_cast<unsigned char>(text[at]);
  if (lead < 0x80)
    return {lead, 1, true};
  std::size_t length = 0;
  char32_t code_point = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
    code_point = lead & 0x1Fu;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    code_point = lead & 0x0Fu;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    code_point = lead & 0x07u;
  } else {
    return {lead, 1, false};
  }
  if (at + length > text.size())
    return {lead, 1, false};
  for (std::size_t k = 1; k < length; ++k) {
    const auto next = static_cast<unsigned char>(text[at + k]);
    if ((next & 0xC0) != 0x80)
      return {lead, 1, false};
    code_point = (code_point << 6) | (next & 0x3Fu);
  }
  // Overlong forms, surrogates and code points past U+10FFFF are not UTF-8.
  constexpr char32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
  if (code_point < kSmallest[length] || (code_point >= 0xD800 && code_point <= 0xDFFF) ||
      code_point > 0x10FFFF)
    return {lead, 1, false};
  return {code_point, length, true};
}

bool is_control(char32_t code_point) {
  return code_point < 0x20 || (code_point >= 0x7F && code_point <= 0x9F);
}

bool is_bidirectional_control(char32_t code_point) {
  return code_point == 0x061C || code_point == 0x200E || code_point == 0x200F ||
         (code_point >= 0x202A && code_point <= 0x202E) ||
         (code_point >= 0x2066 && code_point <= 0x2069);
}

bool is_ascii_letter_or_digit(char32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/// The letters of the scripts a name may be written in beyond ASCII: whole blocks of letters,
/// so the test needs no Unicode tables.
bool is_other_letter(char32_t c) {
  return (c >= 0x00C0 && c <= 0x024F && c != 0x00D7 && c != 0x00F7) ||  // Latin
         (c >= 0x0370 && c <= 0x03FF && c != 0x037E) ||                 // Greek (no ';')
         (c >= 0x0400 && c <= 0x04FF) ||                                // Cyrillic
         (c >= 0x3041 && c <= 0x30FF) ||                                // kana
         (c >= 0x4E00 && c <= 0x9FFF) ||                                // CJK
         (c >= 0xAC00 && c <= 0xD7A3);                                  // Hangul
}

bool is_name_character(char32_t c) {
  return is_ascii_letter_or_digit(c) || is_other_letter(c) ||
         std::u32string_view(U" -_.:/()+").find(c) != std::u32string_view::npos;
}

/// How a message shows one character: 'x' when printable ASCII, else its code point.
std::string shown_character(char32_t c) {
  if (c > 0x20 && c < 0x7F)
    return fmt::format("'{}' ({})", static_cast<char>(c), code_point_name(c));
  return code_point_name(c);
}

/// Applies `replace` to each character that is a control, not UTF-8, or (with
/// `bidirectional`) a bidirectional control; other characters are copied.
template <class Replace>
std::string map_characters(std::string_view text, bool bidirectional, Replace replace) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const Utf8Character c = decode_at(text, i);
    if (!c.valid || is_control(c.code_point) ||
        (bidirectional && is_bidirectional_control(c.code_point)))
      out += replace(c);
    else
      out.append(text.substr(i, c.length));
    i += c.length;
  }
  return out;
}

const auto question_mark = [](const Utf8Character&) { return std::string("?"); };

}  // namespace

std::optional<std::string> name_problem(std::string_view name) {
  constexpr std::string_view kExpected =
      "expected a name of letters, digits, spaces and - _ . : / ( ) +, starting with a letter "
      "or a digit";
  std::size_t characters = 0;
  for (std::size_t i = 0; i < name.size();) {
    const Utf8Character c = decode_at(name, i);
    ++characters;
    if (!c.valid)
      return fmt::format("{}, found byte 0x{:02x} (not UTF-8) at character {}", kExpected,
                         static_cast<unsigned char>(name[i]), characters);
    const bool allowed =
        characters == 1 ? is_ascii_letter_or_digit(c.code_point) || is_other_letter(c.code_point)
                        : is_name_character(c.code_point);
    if (!allowed)
      return fmt::format("{}, found {} at character {}", kExpected, shown_character(c.code_point),
                         characters);
    i += c.length;
  }
  if (characters > kMaxNameLength)
    return fmt::format("expected a name of at most {} characters, found {}", kMaxNameLength,
                       characters);
  return std::nullopt;
}

std::string without_control_characters(std::string_view text) {
  return map_characters(text, false, question_mark);
}

std::string excerpt(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes)
    return without_control_characters(text);
  // Cut between characters, never inside a UTF-8 sequence.
  std::size_t cut = max_bytes > 3 ? max_bytes - 3 : 0;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
    --cut;
  return without_control_characters(text.substr(0, cut)) + "...";
}

std::string terminal_text(std::string_view text) {
  return map_characters(text, true, [&](const Utf8Character& c) {
    if (c.valid && (c.code_point == '\n' || c.code_point == '\t'))
      return std::string(1, static_cast<char>(c.code_point));
    if (!c.valid || c.code_point < 0x80)
      return fmt::format("\\x{:02x}", static_cast<std::uint32_t>(c.code_point));
    return fmt::format("\\u{:04x}", static_cast<std::uint32_t>(c.code_point));
  });
}

std::string AffixedNumber::format(double value) const {
  if (value == 0.0)
    value = 0.0;  // no "-0"
  return prefix + fmt::format("{}", value) + suffix;
}

std::optional<AffixedNumber> parse_affixed_number(const std::string& text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (!(c >= '0' && c <= '9') && c != '-' && c != '+')
      continue;
    double value = 0.0;
    const char* first = text.data() + i + (c == '+' ? 1 : 0);
    const auto result = std::from_chars(first, text.data() + text.size(), value);
    if (result.ec != std::errc() || !std::isfinite(value))
      continue;
    const std::string prefix = text.substr(0, i);
    if (prefix.find_first_of("0123456789") != std::string::npos)
      return std::nullopt;
    return AffixedNumber{prefix, value, std::string(result.ptr, text.data() + text.size())};
  }
  return std::nullopt;
}

}  // namespace capsim
