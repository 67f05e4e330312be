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
