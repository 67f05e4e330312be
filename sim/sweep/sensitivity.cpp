#include "capsim/sweep/sensitivity.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <optional>
#include <sstream>

#include <fmt/format.h>

#include "capsim/core/diagnostics.hpp"
#include "capsim/core/units.hpp"
#include "capsim/output/csv_writer.hpp"
#include "capsim/sweep/sweep_output.hpp"
#include "capsim/uncertainty/statistics.hpp"

namespace capsim::sweep {

namespace {

std::optional<double> plain_number(const std::string& text) {
  double value = 0.0;
  const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || result.ec != std::errc() || result.ptr != text.data() + text.size() ||
      !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

}  // namespace

std::optional<NumericColumn> numeric_column(const RunsTable& table, std::size_t column) {
  NumericColumn numeric;
  std::vector<double>& values = numeric.values;
  values.reserve(table.rows.size());
  for (const auto& row : table.rows) {
    const std::optional<double> value = plain_number(row[column]);
    if (!value)
      break;
    values.push_back(*value);
  }
  if (values.size() == table.rows.size())
    return numeric;
  for (const Dimension dimension : kAllDimensions) {
    values.clear();
    try {
      for (const auto& row : table.rows)
        values.push_back(parse_quantity(row[column], dimension));
      numeric.dimension = dimension;
      return numeric;
    } catch (const UnitError&) {
      continue;
    }
  }
  return std::nullopt;
}

RunsTable parse_runs_csv(const std::string& text, const std::string& origin) {
  auto file = std::make_shared<const std::string>(origin);
  Diagnostics diagnostics;
  RunsTable table;
  std::size_t offset = 0;
  int line_number = 1;
  std::vector<std::string> fields;
  while (offset < text.size()) {
    std::size_t end = text.find('\n', offset);
    if (end == std::string::npos)
      end = text.size();
    std::string_view line(text.data() + offset, end - offset);
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    if (!split_csv_line(line, fields)) {
      diagnostics.add(SourceLocation{file, line_number, 1}, "",
                      "expected a CSV row, found an unbalanced quote");
      diagnostics.throw_if_any();
    }
    if (line_number == 1) {
      table.header = fields;
    } else if (fields.size() != table.header.size()) {
      diagnostics.add(SourceLocation{file, line_number, 1}, "",
                      fmt::format("expected {} fields as in the header, found {}",
                                  table.header.size(), fields.size()));
      diagnostics.throw_if_any();
    } else {
      table.rows.push_back(fields);
    }
    offset = end + 1;
    ++line_number;
  }
  const auto& header = table.header;
  const bool shaped = header.size() >= 4 && header[0] == "run_id" && header[1] == "point" &&
                      header[2] == "replication" &&
                      std::find(header.begin() + 3, header.end(), "seed") != header.end();
  if (!shaped) {
    diagnostics.add(SourceLocation{file, 1, 1}, "",
                    "expected the header of a sweep's runs.csv (run_id, point, replication, "
                    "parameters, seed, figures), found another");
  }
  diagnostics.throw_if_any();
  return table;
}

RunsTable read_runs_csv(const std::filesystem::path& path) {
  std::ifstream input(path, std::ios::binary);
  if (!input) {
    throw InputError(
        {Diagnostic{SourceLocation{std::make_shared<const std::string>(path.string())}, "",
                    "expected a readable runs.csv, found none (no such file, or "
                    "no permission)"}});
  }
  std::ostringstream content;
  content << input.rdbuf();
  return parse_runs_csv(content.str(), path.string());
}

Sensitivity analyze_runs(const RunsTable& table) {
  if (table.rows.size() < 2) {
    throw InputError({Diagnostic{
        SourceLocation{}, "",
        fmt::format("expected at least 2 runs to analyse, found {}", table.rows.size())}});
  }
  const auto seed_at = static_cast<std::size_t>(
      std::find(table.header.begin() + 3, table.header.end(), "seed") - table.header.begin());
  Sensitivity result;
  std::vector<std::string> inputs;
  std::vector<std::vector<double>> input_values;
  for (std::size_t c = 3; c < seed_at; ++c) {
    std::optional<NumericColumn> column = numeric_column(table, c);
    if (!column) {
      result.excluded_inputs.emplace_back(table.header[c], "not numeric");
    } else if (uncertainty::is_constant(column->values)) {
      result.excluded_inputs.emplace_back(table.header[c], "constant");
    } else {
      inputs.push_back(table.header[c]);
      input_values.push_back(std::move(column->values));
    }
  }
  for (std::size_t c = seed_at + 1; c < table.header.size(); ++c) {
    OutputSensitivity output;
    output.output = table.header[c];
    output.runs = table.rows.size();
    const std::optional<NumericColumn> column = numeric_column(table, c);
    // The regression is the Monte Carlo drivers' (SRC): one fit, one set of notes.
    const uncertainty::Regression fit =
        column ? uncertainty::standardised_regression(input_values, column->values)
               : uncertainty::Regression{{}, 0.0, "not numeric"};
    output.note = fit.note;
    output.r_squared = fit.r_squared;
    if (!fit.coefficients.empty()) {
      for (const std::size_t j : uncertainty::driver_order(fit.coefficients, inputs))
        output.ranked.push_back({inputs[j], fit.coefficients[j]});
    }
    result.outputs.push_back(std::move(output));
  }
  return result;
}

std::string sensitivity_csv(const Sensitivity& sensitivity) {
  output::CsvWriter csv(
      {"output", "rank", "input", "standardised_coefficient", "r_squared", "runs", "note"});
  for (const OutputSensitivity& output : sensitivity.outputs) {
    if (output.ranked.empty()) {
      csv.add_row({output.output, "", "", "", "", output.runs, output.note});
      continue;
    }
    for (std::size_t r = 0; r < output.ranked.size(); ++r) {
      csv.add_row({output.output, r + 1, output.ranked[r].input, output.ranked[r].standardised,
                   output.r_squared, output.runs, ""});
    }
    for (const auto& [input, why] : sensitivity.excluded_inputs)
      csv.add_row({output.output, "", input, "", "", output.runs, why});
  }
  return csv.str();
}

}  // namespace capsim::sweep
