#include "capsim/output/csv_writer.hpp"

#include <charconv>
#include <cmath>
#include <iterator>
#include <set>
#include <stdexcept>

#include <fmt/format.h>

#include "capsim/output/atomic_file.hpp"

namespace capsim::output {
namespace {

bool needs_quotes(std::string_view field) {
  return field.find_first_of(",\"\r\n") != std::string_view::npos;
}

bool is_plain_number(std::string_view field) {
  double value = 0.0;
  const auto [end, error] = std::from_chars(field.data(), field.data() + field.size(), value);
  return error == std::errc() && end == field.data() + field.size();
}

void append_text(std::string& out, std::string_view field, bool only_column) {
  // A spreadsheet runs a cell that starts with = + - @ (or tab or CR, which it skips first)
  // as a formula: OWASP's CSV injection. The leading ' makes it text; "-0.5" stays a number.
  if (!field.empty() &&
      std::string_view("=+-@\t\r").find(field.front()) != std::string_view::npos &&
      !is_plain_number(field)) {
    append_text(out, "'" + std::string(field), only_column);
    return;
  }
  if (!needs_quotes(field) && !(only_column && field.empty())) {
    out += field;
    return;
  }
  out += '"';
  for (const char c : field) {
    if (c == '"')
      out += '"';
    out += c;
  }
  out += '"';
}

// fmt's "{}" is the shortest round-trip form and ignores the locale (only "{:L}" consults it).
void append_real(std::string& out, double number) {
  if (number == 0.0) {
    out += '0';
    return;
  }
  fmt::format_to(std::back_inserter(out), "{}", number);
}

}  // namespace

CsvWriter::CsvWriter(std::vector<std::string> header) : header_(std::move(header)) {
  if (header_.empty())
    throw std::logic_error("CsvWriter: a header needs at least one column");
  std::set<std::string_view> seen;
  for (const std::string& name : header_) {
    if (!seen.insert(name).second)
      throw std::logic_error(fmt::format("CsvWriter: column '{}' named twice in the header", name));
  }
  for (std::size_t i = 0; i < header_.size(); ++i) {
    if (i > 0)
      text_ += ',';
    append_text(text_, header_[i], header_.size() == 1);
  }
  text_ += '\n';
}

void CsvWriter::add_row(const std::vector<CsvCell>& cells) {
  // Rows are numbered as a spreadsheet shows them: the header is row 1.
  const std::size_t row_number = row_count_ + 2;
  if (cells.size() != header_.size()) {
    throw std::logic_error(fmt::format("CsvWriter: row {} has {} cells, the header has {} columns",
                                       row_number, cells.size(), header_.size()));
  }
  // Validate before appending so that a throw leaves the document as it was.
  for (std::size_t i = 0; i < cells.size(); ++i) {
    const double* real = std::get_if<double>(&cells[i].value());
    if (real != nullptr && !std::isfinite(*real)) {
      throw std::invalid_argument(fmt::format("CsvWriter: row {} column '{}' is {}, not a number",
                                              row_number, header_[i], *real));
    }
  }
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (i > 0)
      text_ += ',';
    const CsvCell::Value& value = cells[i].value();
    if (const auto* text = std::get_if<std::string>(&value))
      append_text(text_, *text, cells.size() == 1);
    else if (const auto* integer = std::get_if<std::int64_t>(&value))
      fmt::format_to(std::back_inserter(text_), "{}", *integer);
    else
      append_real(text_, std::get<double>(value));
  }
  text_ += '\n';
  ++row_count_;
}

std::string csv_row(const std::vector<CsvCell>& cells) {
  std::string text;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (i > 0)
      text += ',';
    const CsvCell::Value& value = cells[i].value();
    if (const auto* cell_text = std::get_if<std::string>(&value)) {
      append_text(text, *cell_text, cells.size() == 1);
    } else if (const auto* integer = std::get_if<std::int64_t>(&value)) {
      fmt::format_to(std::back_inserter(text), "{}", *integer);
    } else {
      const double real = std::get<double>(value);
      if (!std::isfinite(real))
        throw std::invalid_argument(
            fmt::format("csv_row: column {} is {}, not a number", i + 1, real));
      append_real(text, real);
    }
  }
  text += '\n';
  return text;
}

void CsvWriter::write_to(const std::filesystem::path& path) const {
  write_file_atomically(path, text_);
}

}  // namespace capsim::output
