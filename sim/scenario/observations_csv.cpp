#include "capsim/scenario/observations_csv.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>

#include <fmt/format.h>

#include "capsim/core/diagnostics.hpp"
#include "capsim/core/text.hpp"

namespace capsim::scenario {

namespace detail {
namespace {

std::string trim(std::string_view text) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
  while (!text.empty() && is_space(text.front()))
    text.remove_prefix(1);
  while (!text.empty() && is_space(text.back()))
    text.remove_suffix(1);
  return std::string(text);
}

std::vector<std::string> split_fields(std::string_view line) {
  std::vector<std::string> fields;
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = line.find(',', start);
    fields.push_back(trim(line.substr(start, comma - start)));
    if (comma == std::string_view::npos)
      return fields;
    start = comma + 1;
  }
}

bool all_digits(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<Date> parse_iso_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !all_digits(text.substr(0, 4)) ||
      !all_digits(text.substr(5, 2)) || !all_digits(text.substr(8, 2)))
    return std::nullopt;
  const auto number = [&](std::size_t at, std::size_t length) {
    int value = 0;
    std::from_chars(text.data() + at, text.data() + at + length, value);
    return value;
  };
  const Date date{number(0, 4), number(5, 2), number(8, 2)};
  if (!is_valid_date(date))
    return std::nullopt;
  return date;
}

std::optional<double> parse_plain_number(std::string_view text) {
  double value = 0.0;
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  // from_chars also reads "inf" and "nan"; neither is a demand.
  if (text.empty() || error != std::errc() || stop != end || !std::isfinite(value))
    return std::nullopt;
  return value;
}

}  // namespace
}  // namespace detail

std::vector<std::pair<Date, double>> parse_observations_csv(std::string_view text,
                                                            const std::string& origin) {
  const auto file = std::make_shared<const std::string>(origin);
  Diagnostics diagnostics;
  std::vector<std::pair<Date, double>> observations;
  bool header_seen = false;
  int line_number = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos)
      end = text.size();
    const std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++line_number;
    const SourceLocation at{file, line_number, 0};
    if (detail::trim(line).empty())
      continue;
    const std::vector<std::string> fields = detail::split_fields(line);
    if (!header_seen) {
      header_seen = true;
      if (fields.size() != 2 || fields[0] != "date" || fields[1] != "value") {
        // Not quoted: a file that is no CSV of observations may be anything.
        diagnostics.add(at, "",
                        "expected a CSV file of observations whose first line is the header "
                        "\"date,value\", found another first line");
        // Without the header the columns are unknown: stop rather than guess.
        diagnostics.throw_if_any();
      }
      continue;
    }
    if (fields.size() != 2) {
      diagnostics.add(at, "",
                      fmt::format("expected 2 fields (date,value), found {}", fields.size()));
      continue;
    }
    const std::optional<Date> date = detail::parse_iso_date(fields[0]);
    if (!date) {
      diagnostics.add(
          at, "", fmt::format("expected a date (YYYY-MM-DD), found \"{}\"", excerpt(fields[0])));
    }
    const std::optional<double> value = detail::parse_plain_number(fields[1]);
    if (!value) {
      diagnostics.add(at, "", fmt::format("expected a number, found \"{}\"", excerpt(fields[1])));
    } else if (*value < 0.0) {
      diagnostics.add(at, "", fmt::format("expected a number >= 0, found {}", excerpt(fields[1])));
    }
    if (!date || !value || *value < 0.0)
      continue;
    if (!observations.empty() && !(*date > observations.back().first)) {
      diagnostics.add(at, "",
                      fmt::format("expected a date after {} (dates must increase), found {}",
                                  format_date(observations.back().first), fields[0]));
      continue;
    }
    observations.emplace_back(*date, *value);
  }
  if (!header_seen) {
    diagnostics.add(SourceLocation{file, 1, 0}, "",
                    "expected the header \"date,value\", found an empty file");
  } else if (observations.empty() && diagnostics.empty()) {
    diagnostics.add(SourceLocation{file, line_number, 0}, "",
                    "expected at least one observation after the header, found none");
  }
  diagnostics.throw_if_any();
  return observations;
}

std::vector<std::pair<Date, double>> read_observations_csv(const std::string& path) {
  std::ifstream input(path, std::ios::binary);
  if (!input) {
    Diagnostics diagnostics;
    diagnostics.add(SourceLocation{std::make_shared<const std::string>(path), 0, 0}, "",
                    "expected a readable file, found none (no such file, or no permission)");
    diagnostics.throw_if_any();
  }
  std::ostringstream content;
  content << input.rdbuf();
  return parse_observations_csv(content.str(), path);
}

}  // namespace capsim::scenario
