#pragma once
/// CSV in the dialect analysts' tools read without options: pandas.read_csv, R's read.csv,
/// Excel, LibreOffice, Google Sheets.
///
/// RFC 4180 with one deliberate departure: rows end in LF, not CRLF. Every one of those tools
/// accepts LF, and LF keeps the files diffable and byte-identical to the golden files in git.
/// - Separator ",". A field is quoted ("...") when it contains a comma, a double quote, CR or
///   LF; a double quote inside is doubled. Other fields are written bare, spaces included.
/// - The one-column empty field is quoted too (""): a bare empty line would be skipped as
///   blank by pandas, silently dropping the row.
/// - Text is written byte for byte: UTF-8 in, UTF-8 out, no byte-order mark (a BOM would end up
///   in the first column's name in pandas and in most scripts).
/// - A text field that starts with `=`, `+`, `-`, `@`, tab or CR, and is not a plain number, is
///   written with a leading `'`, as OWASP recommends against CSV injection: a spreadsheet would
///   run it as a formula (`=cmd|' /C calc'!A0`). Names cannot start so (core/text.hpp); free
///   text (a sweep's values of a description, say) can. Nothing capsim writes itself does.
/// - Integers in decimal. Reals in the shortest form that reads back as the same double
///   ("0.1", "1e-07", "1e+21", "2.5"), independent of the locale; -0.0 is written "0".
///   NaN and infinities are refused: they mean a model bug, and would reach a spreadsheet as
///   text.
/// By convention column names carry their unit (power_it_mw, capex_usd); not checked here.

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace capsim::output {

namespace detail {
/// Integer types a cell takes as a number. bool and the character types are excluded so that
/// `true` or 'x' do not become 1 or 120 by accident.
template <typename T>
concept CsvInteger =
    std::integral<T> && !std::same_as<T, bool> && !std::same_as<T, char> &&
    !std::same_as<T, signed char> && !std::same_as<T, unsigned char> && !std::same_as<T, wchar_t> &&
    !std::same_as<T, char8_t> && !std::same_as<T, char16_t> && !std::same_as<T, char32_t>;
}  // namespace detail

/// One field: text, an integer or a real. Converts implicitly, so a row reads
/// `{"2026-01-01", 1024, 12.5}`.
class CsvCell {
 public:
  using Value = std::variant<std::string, std::int64_t, double>;

  CsvCell(std::string text) : value_(std::move(text)) {}
  CsvCell(std::string_view text) : value_(std::string(text)) {}
  CsvCell(const char* text) : value_(std::string(text)) {}
  /// Throws std::out_of_range for an unsigned value above INT64_MAX.
  template <detail::CsvInteger T>
  CsvCell(T number) : value_(to_int64(number)) {}
  /// NaN and infinities are accepted here and refused by CsvWriter::add_row, which can name the
  /// column.
  template <std::floating_point T>
  CsvCell(T number) : value_(static_cast<double>(number)) {}
  CsvCell(bool) = delete;
  CsvCell(std::nullptr_t) = delete;

  const Value& value() const { return value_; }

 private:
  template <typename T>
  static std::int64_t to_int64(T number);

  Value value_;
};

/// Builds a CSV document in memory: a header, then rows of the header's width.
///
///     CsvWriter csv({"date", "gpus_installed", "power_it_mw"});
///     csv.add_row({"2026-01-01", 1024, 12.5});
///     csv.write_to(directory / "timeseries.csv");
///
/// Output depends only on the cells given: deterministic, locale-independent.
class CsvWriter {
 public:
  /// Writes the header line. Throws std::logic_error if `header` is empty or names a column
  /// twice (pandas would rename the second one silently).
  explicit CsvWriter(std::vector<std::string> header);

  /// Appends one row. Throws std::logic_error unless it has exactly width() cells, and
  /// std::invalid_argument for a NaN or infinite real (naming the row and column). On a throw
  /// nothing is appended. Amortised O(length of the row).
  void add_row(const std::vector<CsvCell>& cells);

  /// The column names, as given.
  const std::vector<std::string>& header() const { return header_; }
  std::size_t width() const { return header_.size(); }
  /// Rows added so far, not counting the header.
  std::size_t row_count() const { return row_count_; }
  /// The document so far: the header line and every row, each ending in "\n".
  const std::string& str() const { return text_; }
  /// Replaces the file at `path` with str() atomically (write_file_atomically). Throws
  /// OutputError.
  void write_to(const std::filesystem::path& path) const;

 private:
  std::vector<std::string> header_;
  std::string text_;
  std::size_t row_count_ = 0;
};

/// One row exactly as CsvWriter::add_row writes it, ending in "\n": for files written a row at a
/// time (a sweep's journal). Throws std::invalid_argument for a NaN or infinite real.
std::string csv_row(const std::vector<CsvCell>& cells);

template <typename T>
std::int64_t CsvCell::to_int64(T number) {
  if constexpr (std::unsigned_integral<T> && sizeof(T) >= sizeof(std::int64_t)) {
    if (number > static_cast<T>(std::numeric_limits<std::int64_t>::max()))
      throw std::out_of_range("CsvCell: unsigned value above INT64_MAX");
  }
  return static_cast<std::int64_t>(number);
}

}  // namespace capsim::output
