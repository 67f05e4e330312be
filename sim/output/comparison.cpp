#include "capsim/output/comparison.hpp"

#include "capsim/output/readable.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>

#include <fmt/format.h>

namespace capsim::output {

namespace {

// Glob match with one backtracking point per '*': linear in practice, quadratic at worst.
bool glob_match(std::string_view name, std::string_view pattern) {
  std::size_t n = 0, p = 0;
  std::size_t star = std::string_view::npos, resume = 0;
  while (n < name.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == name[n])) {
      ++n;
      ++p;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = n;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      n = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*')
    ++p;
  return p == pattern.size();
}

}  // namespace

Comparison compare_runs(const std::vector<ComparedRun>& runs) {
  if (runs.empty())
    throw std::invalid_argument("compare_runs: no runs to compare");
  Comparison comparison;
  std::map<std::string, std::size_t> row_of;
  for (std::size_t r = 0; r < runs.size(); ++r) {
    comparison.labels.push_back(runs[r].label);
    for (const SummaryFigure& figure : runs[r].figures) {
      auto [it, inserted] = row_of.emplace(figure.name, comparison.rows.size());
      if (inserted) {
        comparison.rows.push_back(
            ComparisonRow{figure.name, std::vector<std::optional<double>>(runs.size())});
      }
      std::optional<double>& cell = comparison.rows[it->second].values[r];
      if (!cell)
        cell = figure.value;
    }
  }
  return comparison;
}

std::optional<double> difference(std::optional<double> design, std::optional<double> baseline) {
  if (!design || !baseline)
    return std::nullopt;
  return *design - *baseline;
}

std::optional<double> relative_difference(std::optional<double> design,
                                          std::optional<double> baseline) {
  if (!design || !baseline || *baseline == 0.0)
    return std::nullopt;
  return (*design - *baseline) / std::abs(*baseline);
}

bool figure_matches(std::string_view name, std::string_view pattern) {
  if (pattern.find_first_of("*?") == std::string_view::npos)
    return name.substr(0, pattern.size()) == pattern;
  return glob_match(name, pattern);
}

std::vector<SummaryFigure> select_figures(const std::vector<SummaryFigure>& figures,
                                          const std::vector<std::string>& patterns) {
  if (patterns.empty())
    return figures;
  std::vector<SummaryFigure> selected;
  for (const SummaryFigure& figure : figures) {
    if (std::any_of(patterns.begin(), patterns.end(), [&](const std::string& pattern) {
          return figure_matches(figure.name, pattern);
        }))
      selected.push_back(figure);
  }
  return selected;
}

std::vector<std::string> unique_labels(std::vector<std::string> labels) {
  for (std::size_t i = 1; i < labels.size(); ++i) {
    if (std::find(labels.begin(), labels.begin() + static_cast<std::ptrdiff_t>(i), labels[i]) !=
        labels.begin() + static_cast<std::ptrdiff_t>(i)) {
      labels[i] += fmt::format("#{}", i + 1);
    }
  }
  return labels;
}

std::string format_human(double value, bool sign) {
  if (value == 0.0)
    return "0";
  std::string text;
  if (std::abs(value) >= 999.5) {
    // Whole numbers from here: below 1,000, "{:.4g}" still shows what matters.
    text = group_thousands(sign ? fmt::format("{:+.0f}", value) : fmt::format("{:.0f}", value));
  } else {
    text = sign ? fmt::format("{:+.4g}", value) : fmt::format("{:.4g}", value);
  }
  return text;
}

std::string format_percent(double relative) {
  const double percent = relative * 100.0;
  if (percent == 0.0)
    return "0.00%";
  if (std::abs(percent) < 0.005)
    return fmt::format("{:+.2g}%", percent);
  return group_thousands(fmt::format("{:+.2f}", percent)) + "%";
}

namespace {

std::string value_text(const std::string& figure, const std::optional<double>& value, bool sign,
                       TableStyle style) {
  if (!value)
    return std::string();
  return style == TableStyle::wide ? format_human(*value, sign)
                                   : readable_figure(figure, *value, sign);
}

/// The table's rows: the header, then per figure its values and, per design in `designs`, its
/// difference and relative difference against the baseline. A block of one design names it
/// above the table, so its difference columns are headed "- base" and "vs base" alone.
std::vector<std::vector<std::string>> table_cells(const Comparison& comparison,
                                                  const std::vector<std::size_t>& designs,
                                                  TableStyle style, bool block = false) {
  std::vector<std::size_t> shown = {0};
  shown.insert(shown.end(), designs.begin(), designs.end());
  std::vector<std::vector<std::string>> cells;
  std::vector<std::string> header = {"figure"};
  for (const std::size_t i : shown)
    header.push_back(comparison.labels[i]);
  for (const std::size_t d : designs) {
    header.push_back((block ? "" : comparison.labels[d] + " ") + "- base");
    header.push_back((block ? "" : comparison.labels[d] + " ") + "vs base");
  }
  cells.push_back(header);
  for (const ComparisonRow& row : comparison.rows) {
    std::vector<std::string> line = {row.figure};
    for (const std::size_t i : shown)
      line.push_back(value_text(row.figure, row.values[i], false, style));
    const std::optional<double>& base = row.values[0];
    for (const std::size_t d : designs) {
      line.push_back(value_text(row.figure, difference(row.values[d], base), true, style));
      if (!row.values[d] || !base) {
        line.emplace_back();
      } else if (const std::optional<double> relative = relative_difference(row.values[d], base)) {
        line.push_back(format_percent(*relative));
      } else {
        line.emplace_back("n/a");
      }
    }
    cells.push_back(std::move(line));
  }
  return cells;
}

std::size_t widest_line(const std::string& table) {
  std::size_t widest = 0, start = 0;
  while (start < table.size()) {
    const std::size_t end = table.find('\n', start);
    widest = std::max(widest, end - start);
    start = end + 1;
  }
  return widest;
}

}  // namespace

namespace {
/// `text` in at most `width` characters: its start and end around "...".
std::string shortened_text(const std::string& text, std::size_t width) {
  if (text.size() <= width || width < 5)
    return text;
  const std::size_t kept = width - 3;
  return text.substr(0, kept - kept / 2) + "..." + text.substr(text.size() - kept / 2);
}

}  // namespace

void fit_first_column(std::vector<std::vector<std::string>>& cells, std::size_t width) {
  std::vector<std::size_t> widths;
  for (const auto& line : cells) {
    widths.resize(std::max(widths.size(), line.size()), 0);
    for (std::size_t c = 0; c < line.size(); ++c)
      widths[c] = std::max(widths[c], line[c].size());
  }
  std::size_t others = 0;
  for (std::size_t c = 1; c < widths.size(); ++c)
    others += widths[c] + 2;
  if (others + 12 > width)
    return;
  for (auto& line : cells)
    line[0] = shortened_text(line[0], width - others);
}

std::string comparison_table(const Comparison& comparison, TableStyle style) {
  std::vector<std::size_t> designs;
  for (std::size_t d = 1; d < comparison.labels.size(); ++d)
    designs.push_back(d);
  std::vector<std::vector<std::string>> cells = table_cells(comparison, designs, style);
  const std::string whole = padded_table(cells);
  if (style == TableStyle::wide || widest_line(whole) <= kNarrowColumns)
    return whole;
  if (designs.size() <= 1) {
    // One design: its difference columns headed "- base" and "vs base" alone, the figure names
    // shortened only if that is not enough.
    cells = table_cells(comparison, designs, style, true);
    fit_first_column(cells, kNarrowColumns);
    return padded_table(cells);
  }
  // One block per design against the baseline: each as narrow as two runs side by side.
  std::string text;
  for (const std::size_t d : designs) {
    std::vector<std::vector<std::string>> block = table_cells(comparison, {d}, style, true);
    fit_first_column(block, kNarrowColumns);
    text += fmt::format("{}{} against {}:\n", text.empty() ? "" : "\n", comparison.labels[d],
                        comparison.labels[0]) +
            padded_table(block);
  }
  return text;
}

std::string padded_table(const std::vector<std::vector<std::string>>& cells) {
  std::vector<std::size_t> width;
  for (const auto& line : cells) {
    width.resize(std::max(width.size(), line.size()), 0);
    for (std::size_t c = 0; c < line.size(); ++c)
      width[c] = std::max(width[c], line[c].size());
  }
  std::string text;
  for (const auto& line : cells) {
    std::string out = fmt::format("{:<{}}", line[0], width[0]);
    for (std::size_t c = 1; c < line.size(); ++c)
      out += fmt::format("  {:>{}}", line[c], width[c]);
    while (!out.empty() && out.back() == ' ')
      out.pop_back();
    text += out + "\n";
  }
  return text;
}

CsvWriter comparison_csv(const Comparison& comparison) {
  const std::size_t inputs = comparison.labels.size();
  const std::string& base = comparison.labels.front();
  std::vector<std::string> header = {"figure"};
  for (const std::string& label : comparison.labels)
    header.push_back(label);
  for (std::size_t d = 1; d < inputs; ++d) {
    header.push_back(comparison.labels[d] + "_minus_" + base);
    header.push_back(comparison.labels[d] + "_relative");
  }
  CsvWriter csv(std::move(header));
  const auto cell = [](const std::optional<double>& value) {
    return value ? CsvCell(*value) : CsvCell("");
  };
  for (const ComparisonRow& row : comparison.rows) {
    std::vector<CsvCell> line = {row.figure};
    for (const std::optional<double>& value : row.values)
      line.push_back(cell(value));
    for (std::size_t d = 1; d < inputs; ++d) {
      line.push_back(cell(difference(row.values[d], row.values[0])));
      line.push_back(cell(relative_difference(row.values[d], row.values[0])));
    }
    csv.add_row(line);
  }
  return csv;
}

}  // namespace capsim::output
