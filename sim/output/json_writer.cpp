#include "capsim/output/json_writer.hpp"

#include <cmath>
#include <iterator>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

#include "capsim/output/atomic_file.hpp"

namespace capsim::output {
namespace {

// Byte offset of the first invalid UTF-8 sequence, or npos. Rejects overlong forms, UTF-16
// surrogates and code points above U+10FFFF, as RFC 3629 requires.
std::size_t invalid_utf8_at(std::string_view text) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  std::size_t i = 0;
  while (i < text.size()) {
    const unsigned char lead = byte(i);
    std::size_t length = 0;
    unsigned char low = 0x80;
    unsigned char high = 0xBF;
    if (lead < 0x80) {
      ++i;
      continue;
    } else if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      if (lead == 0xE0)
        low = 0xA0;
      if (lead == 0xED)
        high = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      if (lead == 0xF0)
        low = 0x90;
      if (lead == 0xF4)
        high = 0x8F;
    } else {
      return i;
    }
    if (i + length > text.size())
      return i;
    if (byte(i + 1) < low || byte(i + 1) > high)
      return i;
    for (std::size_t k = 2; k < length; ++k) {
      if (byte(i + k) < 0x80 || byte(i + k) > 0xBF)
        return i;
    }
    i += length;
  }
  return std::string_view::npos;
}

void check_utf8(std::string_view text, const char* what) {
  const std::size_t at = invalid_utf8_at(text);
  if (at != std::string_view::npos) {
    throw std::invalid_argument(
        fmt::format("JsonWriter: {} is not valid UTF-8 (byte {} of {})", what, at, text.size()));
  }
}

void append_quoted(std::string& out, std::string_view text) {
  out += '"';
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20)
          fmt::format_to(std::back_inserter(out), "\\u{:04x}", static_cast<unsigned>(c));
        else
          out += c;
    }
  }
  out += '"';
}

}  // namespace

void JsonWriter::newline_and_indent(std::size_t depth) {
  text_ += '\n';
  text_.append(2 * depth, ' ');
}

void JsonWriter::begin_value() {
  if (stack_.empty()) {
    if (root_done_)
      throw std::logic_error("JsonWriter: a second top-level value (a document holds one)");
    return;
  }
  Frame& frame = stack_.back();
  if (frame.is_object) {
    if (!frame.key_pending)
      throw std::logic_error("JsonWriter: a value inside an object needs key() first");
    frame.key_pending = false;
    return;
  }
  if (frame.count > 0)
    text_ += ',';
  ++frame.count;
  newline_and_indent(stack_.size());
}

void JsonWriter::end_value() {
  if (stack_.empty()) {
    root_done_ = true;
    text_ += '\n';
  }
}

JsonWriter& JsonWriter::scalar(std::string_view json_text) {
  begin_value();
  text_ += json_text;
  end_value();
  return *this;
}

JsonWriter& JsonWriter::begin_container(bool is_object) {
  begin_value();
  text_ += is_object ? '{' : '[';
  Frame frame;
  frame.is_object = is_object;
  stack_.push_back(std::move(frame));
  return *this;
}

JsonWriter& JsonWriter::end_container(bool is_object) {
  const char* name = is_object ? "end_object" : "end_array";
  if (stack_.empty())
    throw std::logic_error(fmt::format("JsonWriter: {}() with no container open", name));
  const Frame& frame = stack_.back();
  if (frame.is_object != is_object) {
    throw std::logic_error(fmt::format("JsonWriter: {}() but the innermost open container is {}",
                                       name, frame.is_object ? "an object" : "an array"));
  }
  if (frame.key_pending) {
    throw std::logic_error(fmt::format("JsonWriter: end_object() after key '{}' without its value",
                                       frame.pending_key));
  }
  const bool empty = frame.count == 0;
  stack_.pop_back();
  if (!empty)
    newline_and_indent(stack_.size());
  text_ += is_object ? '}' : ']';
  end_value();
  return *this;
}

JsonWriter& JsonWriter::begin_object() {
  return begin_container(true);
}
JsonWriter& JsonWriter::end_object() {
  return end_container(true);
}
JsonWriter& JsonWriter::begin_array() {
  return begin_container(false);
}
JsonWriter& JsonWriter::end_array() {
  return end_container(false);
}

JsonWriter& JsonWriter::key(std::string_view name) {
  if (stack_.empty() || !stack_.back().is_object)
    throw std::logic_error(fmt::format("JsonWriter: key '{}' outside an object", name));
  Frame& frame = stack_.back();
  if (frame.key_pending) {
    throw std::logic_error(fmt::format("JsonWriter: key '{}' after key '{}' without its value",
                                       name, frame.pending_key));
  }
  check_utf8(name, "a key");
  // Readers keep one of two equal keys (json.load the last, others the first): the other value
  // would vanish without a trace.
  if (frame.keys.contains(name))
    throw std::logic_error(fmt::format("JsonWriter: key '{}' twice in one object", name));
  frame.keys.emplace(name);
  frame.pending_key = std::string(name);
  frame.key_pending = true;
  if (frame.count > 0)
    text_ += ',';
  ++frame.count;
  newline_and_indent(stack_.size());
  append_quoted(text_, name);
  text_ += ": ";
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view text) {
  check_utf8(text, "a string value");
  std::string quoted;
  append_quoted(quoted, text);
  return scalar(quoted);
}

JsonWriter& JsonWriter::value(const char* text) {
  if (text == nullptr)
    throw std::invalid_argument("JsonWriter: value(nullptr): use null() for a JSON null");
  return value(std::string_view(text));
}

JsonWriter& JsonWriter::value(bool flag) {
  return scalar(flag ? "true" : "false");
}

JsonWriter& JsonWriter::null() {
  return scalar("null");
}

JsonWriter& JsonWriter::signed_value(std::int64_t number) {
  return scalar(fmt::format("{}", number));
}

JsonWriter& JsonWriter::unsigned_value(std::uint64_t number) {
  return scalar(fmt::format("{}", number));
}

JsonWriter& JsonWriter::real_value(double number) {
  if (!std::isfinite(number))
    throw std::invalid_argument(fmt::format("JsonWriter: {} is not a JSON number", number));
  if (number == 0.0)
    return scalar("0.0");
  // fmt's "{}" is the shortest round-trip form and ignores the locale; it leaves out the ".0"
  // of integral values, which would make readers see an integer.
  std::string text = fmt::format("{}", number);
  if (text.find_first_of(".e") == std::string::npos)
    text += ".0";
  return scalar(text);
}

const std::string& JsonWriter::str() const {
  if (!root_done_) {
    throw std::logic_error(
        stack_.empty()
            ? "JsonWriter: str() of an empty document"
            : fmt::format("JsonWriter: str() with {} container(s) still open", stack_.size()));
  }
  return text_;
}

void JsonWriter::write_to(const std::filesystem::path& path) const {
  write_file_atomically(path, str());
}

}  // namespace capsim::output
