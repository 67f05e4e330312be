#pragma once
/// A streaming JSON writer for summary.json and other files that scripts read.
///
/// Output is deterministic and pretty-printed: 2-space indent, one member or element per line,
/// `"key": value`, empty containers as {} and [], a final newline. Members keep the order they
/// were written in. For the same data the bytes equal Python's
/// `json.dumps(data, indent=2, ensure_ascii=False) + "\n"`, so a script can re-serialise and diff.
/// - Strings are escaped per RFC 8259: \" \\ \b \f \n \r \t, \u00xx (lowercase hex) for other
///   control characters; all other UTF-8 passes through unescaped. Invalid UTF-8 is refused
///   (RFC 8259 requires UTF-8; a reader would fail on the whole file).
/// - Integers are written exactly. Reals take the shortest form that reads back as the same
///   double ("0.1", "1e-07", "1e+21"), locale-independent, and always read back as a real:
///   1.0 is written "1.0", not "1", so json.load gives a float whatever the value (a column of
///   summaries does not switch between int and float). -0.0 is written "0.0".
///   NaN and infinities are refused: they are not JSON and mean a model bug.
///
///     JsonWriter json;
///     json.begin_object();
///     json.member("scenario", "base").member("capex_usd", 6.0e10);
///     json.key("sites").begin_array().value("ashburn").end_array();
///     json.end_object();
///     json.write_to(directory / "summary.json");
///
/// Misuse throws std::logic_error: a value inside an object without key(), key() outside an
/// object or twice in a row, the same key twice in one object, an end_*() that does not match
/// the open container, a second top-level value, str() of an unfinished document. Bad data
/// throws std::invalid_argument (a subclass): NaN or infinity, invalid UTF-8, a null const char*.
/// On any throw the document is unchanged, so the writer stays usable.

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace capsim::output {

namespace detail {
/// Integer types written as JSON numbers. bool has its own overload (true/false) and the
/// character types are excluded so that 'x' does not become 120 by accident.
template <typename T>
concept JsonInteger =
    std::integral<T> && !std::same_as<T, bool> && !std::same_as<T, char> &&
    !std::same_as<T, signed char> && !std::same_as<T, unsigned char> && !std::same_as<T, wchar_t> &&
    !std::same_as<T, char8_t> && !std::same_as<T, char16_t> && !std::same_as<T, char32_t>;
}  // namespace detail

class JsonWriter {
 public:
  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  /// Names the next value of the enclosing object. `name` is escaped like a string value.
  JsonWriter& key(std::string_view name);

  JsonWriter& value(std::string_view text);
  JsonWriter& value(const char* text);
  JsonWriter& value(bool flag);
  template <detail::JsonInteger T>
  JsonWriter& value(T number) {
    if constexpr (std::signed_integral<T>)
      return signed_value(static_cast<std::int64_t>(number));
    else
      return unsigned_value(static_cast<std::uint64_t>(number));
  }
  /// A float is widened to double first, so 0.1f is written 0.10000000149011612.
  template <std::floating_point T>
  JsonWriter& value(T number) {
    return real_value(static_cast<double>(number));
  }
  JsonWriter& null();

  /// key(name) then value(v), for the common case of a scalar member.
  template <typename T>
  JsonWriter& member(std::string_view name, const T& v) {
    key(name);
    return value(v);
  }

  /// True once exactly one top-level value has been written and every container is closed.
  bool complete() const { return root_done_; }
  /// The document, ending in "\n". Throws std::logic_error unless complete().
  const std::string& str() const;
  /// Replaces the file at `path` with str() atomically (write_file_atomically). Throws
  /// std::logic_error unless complete(), OutputError if the file cannot be written.
  void write_to(const std::filesystem::path& path) const;

 private:
  struct Frame {
    bool is_object = false;
    std::size_t count = 0;     // members or elements written so far
    bool key_pending = false;  // key() written, its value not yet
    std::string pending_key;
    std::set<std::string, std::less<>> keys;
  };

  JsonWriter& signed_value(std::int64_t number);
  JsonWriter& unsigned_value(std::uint64_t number);
  JsonWriter& real_value(double number);
  JsonWriter& scalar(std::string_view json_text);
  JsonWriter& begin_container(bool is_object);
  JsonWriter& end_container(bool is_object);
  /// Checks that a value may come now and writes what precedes it (comma, newline, indent).
  void begin_value();
  void end_value();
  void newline_and_indent(std::size_t depth);

  std::string text_;
  std::vector<Frame> stack_;
  bool root_done_ = false;
};

}  // namespace capsim::output
