#include "capsim/report/compare_report.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>

#include <fmt/format.h>

#include "capsim/report/figure_quantity.hpp"
#include "capsim/report/html_page.hpp"
#include "capsim/report/svg_chart.hpp"

namespace capsim::report {

namespace {

namespace fs = std::filesystem;

/// A timeseries column overlaid across the runs. A column summed over each period
/// (`per_period`) compares only between runs of the same reporting periods; a stock or a rate
/// compares on any.
struct OverlayColumn {
  const char* column;
  const char* title;
  Quantity quantity;
  bool per_period;
};

const std::vector<OverlayColumn>& overlay_columns() {
  static const std::vector<OverlayColumn> columns = {
      {"gpus_installed", "Installed GPUs", {"installed GPUs", "GPUs", NumberKind::count}, false},
      {"gpus_h100_equivalent",
       "Installed GPUs in H100-equivalents",
       {"H100-equivalents", "GPUs", NumberKind::count},
       false},
      {"power_online_mw", "IT power online", {"IT power online", "MW", NumberKind::plain}, false},
      {"power_it_mw", "IT power drawn", {"IT power drawn", "MW", NumberKind::plain}, false},
      {"capex_cumulative_usd", "Capex to date", {"capex to date", "USD", NumberKind::usd}, false},
      {"cost_per_gpu_hour_usd",
       "Fully loaded cost per GPU-hour",
       {"cost per GPU-hour", "USD", NumberKind::usd},
       false},
      {"utilisation", "Utilisation", {"utilisation", "", NumberKind::share}, false},
      {"capex_usd", "Capex per period", {"capex", "USD per period", NumberKind::usd}, true},
      {"opex_usd", "Opex per period", {"opex", "USD per period", NumberKind::usd}, true},
      {"energy_facility_mwh",
       "Facility energy per period",
       {"facility energy", "MWh per period", NumberKind::plain},
       true},
  };
  return columns;
}

bool same_periods(const Recorder& a, const Recorder& b) {
  if (a.rows() != b.rows())
    return false;
  for (std::size_t r = 0; r < a.rows(); ++r) {
    if (a.period_start(r) != b.period_start(r) || a.period_end(r) != b.period_end(r))
      return false;
  }
  return true;
}

bool has_column(const Recorder& recorder, const std::string& name) {
  const auto& columns = recorder.columns();
  return std::find(columns.begin(), columns.end(), name) != columns.end();
}

/// The union of the runs' periods, by start: one x per period start any run has.
XAxis union_axis(const std::vector<const Recorder*>& runs) {
  std::vector<std::pair<std::string, std::string>> periods;
  for (const Recorder* run : runs) {
    for (std::size_t r = 0; r < run->rows(); ++r)
      periods.emplace_back(run->period_start(r), run->period_end(r));
  }
  std::sort(periods.begin(), periods.end());
  periods.erase(std::unique(periods.begin(), periods.end(),
                            [](const auto& a, const auto& b) { return a.first == b.first; }),
                periods.end());
  std::vector<std::string> starts, ends;
  for (const auto& [start, end] : periods) {
    starts.push_back(start);
    ends.push_back(end);
  }
  return period_axis(starts, ends);
}

/// A run's column on the axis' periods: at each period start, the value of the run's period
/// that holds it (a quarter's value over its three months when another run reports monthly);
/// NaN outside the run's horizon.
std::vector<double> on_axis(const Recorder& run, const std::string& column, const XAxis& x) {
  std::vector<double> values(x.size(), std::nan(""));
  const std::size_t c = run.column(column);
  std::size_t r = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    // ISO dates order as text.
    while (r < run.rows() && run.period_end(r) <= x.keys[i])
      ++r;
    if (r < run.rows() && run.period_start(r) <= x.keys[i])
      values[i] = run.value(r, c);
  }
  return values;
}

std::string overlays_section(const CompareResult& result) {
  std::vector<const Recorder*> runs;
  std::vector<std::string> labels;
  std::vector<std::string> without;
  for (std::size_t i = 0; i < result.timeseries.size(); ++i) {
    if (result.timeseries[i]) {
      runs.push_back(&*result.timeseries[i]);
      labels.push_back(result.comparison.labels[i]);
    } else {
      without.push_back(result.comparison.labels[i]);
    }
  }
  if (runs.empty())
    return "<p>No run has a timeseries (a result folder written without timeseries.csv).</p>\n";
  std::string body;
  if (!without.empty()) {
    body += fmt::format("<p>Not drawn, having no timeseries.csv: {}.</p>\n",
                        escape_html(fmt::format("{}", fmt::join(without, ", "))));
  }
  const bool aligned = std::all_of(
      runs.begin(), runs.end(), [&](const Recorder* run) { return same_periods(*run, *runs[0]); });
  if (!aligned) {
    body +=
        "<p>The runs report over different periods: stocks and rates are overlaid on every "
        "period start; amounts per period (capex, opex, energy) are not, as they sum different "
        "lengths of time.</p>\n";
  }
  const XAxis x = union_axis(runs);
  for (const OverlayColumn& overlay : overlay_columns()) {
    if (overlay.per_period && !aligned)
      continue;
    std::vector<Series> series;
    for (std::size_t r = 0; r < runs.size(); ++r) {
      if (has_column(*runs[r], overlay.column))
        series.push_back({labels[r], on_axis(*runs[r], overlay.column, x)});
    }
    if (series.empty())
      continue;
    const ChartFrame frame{std::string("overlay-") + overlay.column, overlay.title,
                           overlay.quantity, ""};
    std::string id = frame.id;
    std::replace(id.begin(), id.end(), '_', '-');
    body += line_chart({id, frame.title, frame.y, frame.note}, x, series, LineShape::step);
  }
  return body;
}

/// The folder of a result input relative to the report's, when it lies inside it (then the
/// harness, and a reader, can open its summary.json from the page); empty otherwise.
std::string folder_beside_report(const CompareInput& input, const fs::path& report_path) {
  if (!input.folder)
    return "";
  std::error_code error;
  const fs::path folder = fs::weakly_canonical(input.argument, error);
  const fs::path base = fs::weakly_canonical(report_path, error).parent_path();
  if (error)
    return "";
  const fs::path relative = folder.lexically_relative(base);
  const std::string text = relative.generic_string();
  if (relative.empty() || text == "." || text.rfind("..", 0) == 0)
    return "";
  return text;
}

std::string value_cell(std::optional<double> value, const std::string& figure,
                       const std::string& folder) {
  if (!value)
    return "n/a";
  const std::string text = number_text(*value, figure_quantity(figure).kind);
  if (folder.empty())
    return escape_html(text);
  return num_span(folder + "/summary.json", figure, *value, text);
}

std::string differences_section(const CompareResult& result, const fs::path& report_path) {
  const output::Comparison& comparison = result.comparison;
  const std::size_t inputs = comparison.labels.size();
  std::vector<std::string> folders;
  for (const CompareInput& input : result.inputs)
    folders.push_back(folder_beside_report(input, report_path));
  Table table;
  table.header.push_back("figure");
  table.numeric_columns.push_back(false);
  for (const std::string& label : comparison.labels) {
    table.header.push_back(label);
    table.numeric_columns.push_back(true);
  }
  for (std::size_t i = 1; i < inputs; ++i) {
    table.header.push_back(comparison.labels[i] + " \u2212 " + comparison.labels[0]);
    table.header.push_back("%");
    table.numeric_columns.push_back(true);
    table.numeric_columns.push_back(true);
  }
  for (const output::ComparisonRow& row : comparison.rows) {
    std::vector<std::string> cells = {escape_html(row.figure)};
    for (std::size_t i = 0; i < inputs; ++i)
      cells.push_back(value_cell(row.values[i], row.figure, folders[i]));
    const NumberKind kind = figure_quantity(row.figure).kind;
    for (std::size_t i = 1; i < inputs; ++i) {
      const std::optional<double> difference = output::difference(row.values[i], row.values[0]);
      const std::optional<double> relative =
          output::relative_difference(row.values[i], row.values[0]);
      cells.push_back(
          difference ? escape_html((*difference > 0 ? "+" : "") + number_text(*difference, kind))
                     : "n/a");
      cells.push_back(relative ? escape_html(output::format_percent(*relative)) : "n/a");
    }
    table.rows.push_back(std::move(cells));
  }
  return "<p>Each figure of each run; the differences are against the first, the baseline "
         "(n/a where a run lacks the figure, or the baseline's is 0).</p>\n" +
         table_html(table);
}

std::string runs_section(const CompareResult& result) {
  Table table;
  table.header = {"run", "from"};
  for (std::size_t i = 0; i < result.inputs.size(); ++i) {
    const CompareInput& input = result.inputs[i];
    table.rows.push_back(
        {escape_html(result.comparison.labels[i]) + (i == 0 ? " (baseline)" : ""),
         escape_html((input.folder ? "result folder " : "scenario run here: ") + input.argument)});
  }
  std::string body = table_html(table);
  if (result.baseline_envelope) {
    body +=
        "<p>Every scenario after the baseline was scaled to the baseline's envelope before it "
        "ran (<code>--iso</code>; <code>iso.scale_factor</code> in the table).</p>\n";
  }
  return body;
}

}  // namespace

std::string compare_report_html(const CompareResult& result, const fs::path& report_path) {
  const auto& labels = result.comparison.labels;
  HtmlPage page("compare", "Compare " + fmt::format("{}", fmt::join(labels, " vs ")),
                fmt::format("{} runs; baseline {}", labels.size(), labels.front()));
  page.add_section("runs", "Runs", runs_section(result));
  page.add_section("overlays", "Over time", overlays_section(result));
  page.add_section("differences", "Differences", differences_section(result, report_path));
  return page.str();
}

}  // namespace capsim::report
