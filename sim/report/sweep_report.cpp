#include "capsim/report/sweep_report.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <optional>
#include <vector>

#include <fmt/format.h>

#include "capsim/core/diagnostics.hpp"
#include "capsim/report/figure_quantity.hpp"
#include "capsim/report/html_page.hpp"
#include "capsim/report/svg_chart.hpp"

namespace capsim::report {

namespace {

/// The points' table shows at most this many rows: a big random sweep has thousands of points,
/// which the charts show and runs_summary.csv holds.
constexpr std::size_t kPointRowsShown = 200;

std::optional<double> cell_number(const std::string& text) {
  double value = 0.0;
  const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || result.ec != std::errc() || result.ptr != text.data() + text.size() ||
      !std::isfinite(value))
    return std::nullopt;
  return value;
}

sweep::RunsTable parse_table(std::string_view text) {
  sweep::RunsTable table;
  std::vector<std::string> fields;
  std::size_t start = 0;
  bool first = true;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos)
      end = text.size();
    if (end > start && sweep::split_csv_line(text.substr(start, end - start), fields)) {
      if (first)
        table.header = fields;
      else
        table.rows.push_back(fields);
      first = false;
    }
    start = end + 1;
  }
  return table;
}

std::size_t column_of(const sweep::RunsTable& table, std::string_view name) {
  return static_cast<std::size_t>(std::find(table.header.begin(), table.header.end(), name) -
                                  table.header.begin());
}

/// "totals.capex_usd" -> "totals-capex-usd": a chart id of the contract's alphabet.
std::string id_part(std::string_view name) {
  std::string id;
  for (const char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u))
      id += static_cast<char>(std::tolower(u));
    else if (!id.empty() && id.back() != '-')
      id += '-';
  }
  while (!id.empty() && id.back() == '-')
    id.pop_back();
  return id.empty() ? "x" : id;
}

std::string overview_section(const sweep::Manifest& manifest, std::size_t points) {
  std::vector<Card> cards = {
      {"Runs", escape_html(number_text(static_cast<double>(manifest.runs), NumberKind::count)), ""},
      {"Points", escape_html(number_text(static_cast<double>(points), NumberKind::count)), ""},
      {"Replications per point",
       escape_html(number_text(static_cast<double>(manifest.replications), NumberKind::count)), ""},
      {"Parameters varied",
       escape_html(number_text(static_cast<double>(manifest.parameters.size()), NumberKind::count)),
       fmt::format("{}", fmt::join(manifest.parameters, ", "))},
  };
  if (!manifest.inputs.empty()) {
    cards.push_back(
        {"Uncertain inputs drawn",
         escape_html(number_text(static_cast<double>(manifest.inputs.size()), NumberKind::count)),
         "each run draws them (docs/uncertainty.md)"});
  }
  return cards_html(cards);
}

/// analyze's ranking of each output: one bar chart of standardised coefficients per output.
std::string drivers_section(const sweep::RunsTable& runs) {
  if (runs.rows.size() < 2)
    return "<p>One run: nothing to rank.</p>\n";
  const sweep::Sensitivity sensitivity = sweep::analyze_runs(runs);
  std::string body =
      "<p>Standardised regression coefficients over every run, as <code>capsim analyze</code> "
      "gives them: the change of the output, in standard deviations, per standard deviation of "
      "the input. R\u00b2 says how much of the output's spread the linear fit explains.</p>\n";
  for (const sweep::OutputSensitivity& output : sensitivity.outputs) {
    if (output.ranked.empty()) {
      body += fmt::format("<p><b>{}</b>: {}</p>\n", escape_html(output.output),
                          escape_html(output.note));
      continue;
    }
    std::vector<std::string> inputs;
    Series coefficients{"standardised coefficient", {}};
    for (const sweep::Coefficient& c : output.ranked) {
      inputs.push_back(c.input);
      coefficients.values.push_back(c.standardised);
    }
    ChartFrame frame{"drivers-" + id_part(output.output),
                     "What moves " + output.output,
                     {"standardised coefficient", "SD per SD", NumberKind::plain},
                     fmt::format("R\u00b2 {:.3f} over {} runs", output.r_squared, output.runs)};
    body += bar_chart(frame, category_axis(inputs, {"input", "", NumberKind::plain}),
                      {coefficients}, BarLayout::grouped);
  }
  if (!sensitivity.excluded_inputs.empty()) {
    std::vector<std::string> excluded;
    for (const auto& [input, why] : sensitivity.excluded_inputs)
      excluded.push_back(fmt::format("{} ({})", escape_html(input), escape_html(why)));
    body += fmt::format("<p>Not ranked: {}.</p>\n", fmt::join(excluded, ", "));
  }
  return body;
}

/// Each point's series in the chart of an output against `parameter`: the value of another
/// parameter that takes 2 to 8 values (the first such), so that its effect shows as colours;
/// one series when there is none.
std::vector<std::string> colour_groups(const sweep::Manifest& manifest,
                                       const sweep::RunsTable& points,
                                       const std::string& parameter) {
  for (const std::string& other : manifest.parameters) {
    if (other == parameter)
      continue;
    const std::size_t column = column_of(points, other);
    std::vector<std::string> distinct;
    for (const auto& row : points.rows) {
      if (std::find(distinct.begin(), distinct.end(), row[column]) == distinct.end())
        distinct.push_back(row[column]);
    }
    if (distinct.size() < 2 || distinct.size() > palette().size())
      continue;
    std::vector<std::string> groups;
    for (const auto& row : points.rows)
      groups.push_back(other + " = " + row[column]);
    return groups;
  }
  return std::vector<std::string>(points.rows.size(), "point mean, 95% interval");
}

/// Each output against each numeric parameter: every point's mean with its 95% interval.
std::string effects_section(const sweep::Manifest& manifest, const sweep::RunsTable& points) {
  std::string body =
      "<p>Each point of the sweep: the mean of its replications and its 95% t interval, "
      "against the parameter's value. Points at one value differ in the other parameters.</p>\n";
  for (const std::string& figure : manifest.figures) {
    const std::size_t mean = column_of(points, figure + ".mean");
    const std::size_t low = column_of(points, figure + ".ci95_low");
    const std::size_t high = column_of(points, figure + ".ci95_high");
    if (high >= points.header.size())
      continue;
    for (const std::string& parameter : manifest.parameters) {
      const std::size_t column = column_of(points, parameter);
      const std::optional<sweep::NumericColumn> x = sweep::numeric_column(points, column);
      if (!x) {
        body += fmt::format(
            "<p>{} against {}: the parameter's values are not numbers; see the "
            "points' table.</p>\n",
            escape_html(figure), escape_html(parameter));
        continue;
      }
      const std::vector<std::string> groups = colour_groups(manifest, points, parameter);
      std::vector<ScatterSeries> series;
      for (std::size_t p = 0; p < points.rows.size(); ++p) {
        const auto& row = points.rows[p];
        const std::optional<double> m = cell_number(row[mean]);
        if (!m)
          continue;
        const std::string& group = groups[p];
        auto found = std::find_if(series.begin(), series.end(),
                                  [&](const ScatterSeries& s) { return s.name == group; });
        if (found == series.end())
          found = series.insert(series.end(), ScatterSeries{group, {}});
        found->points.push_back({x->values[p], *m, cell_number(row[low]).value_or(*m),
                                 cell_number(row[high]).value_or(*m)});
      }
      if (series.empty())
        continue;
      ChartFrame frame{"effect-" + id_part(figure) + "-by-" + id_part(parameter),
                       figure + " against " + parameter, figure_quantity(figure), ""};
      body += scatter_chart(frame, dimension_quantity(parameter, x->dimension), series);
    }
  }
  return body;
}

/// The points: their parameters and each figure's mean, the means tied to runs_summary.csv.
std::string points_section(const sweep::Manifest& manifest, const sweep::RunsTable& points) {
  Table table;
  table.header.push_back("point");
  table.numeric_columns.push_back(true);
  for (const std::string& parameter : manifest.parameters) {
    table.header.push_back(parameter);
    table.numeric_columns.push_back(false);
  }
  std::vector<std::size_t> means;
  for (const std::string& figure : manifest.figures) {
    means.push_back(column_of(points, figure + ".mean"));
    table.header.push_back(figure + " (mean)");
    table.numeric_columns.push_back(true);
  }
  const std::size_t shown = std::min(points.rows.size(), kPointRowsShown);
  for (std::size_t p = 0; p < shown; ++p) {
    const auto& row = points.rows[p];
    std::vector<std::string> cells = {escape_html(row[0])};
    for (const std::string& parameter : manifest.parameters)
      cells.push_back(escape_html(row[column_of(points, parameter)]));
    for (std::size_t f = 0; f < manifest.figures.size(); ++f) {
      const std::optional<double> value =
          means[f] < row.size() ? cell_number(row[means[f]]) : std::nullopt;
      cells.push_back(
          value ? num_span("runs_summary.csv", row[0] + "|" + points.header[means[f]], *value,
                           number_text(*value, figure_quantity(manifest.figures[f]).kind))
                : "");
    }
    table.rows.push_back(std::move(cells));
  }
  std::string body = table_html(table);
  if (shown < points.rows.size()) {
    body += fmt::format(
        "<p>The first {} of {} points; every point is in "
        "<a href=\"runs_summary.csv\">runs_summary.csv</a>.</p>\n",
        shown, points.rows.size());
  }
  return body;
}

std::string files_section(const sweep::Manifest& manifest) {
  return fmt::format(
      "<p>Figures collected: {}.</p>\n<ul>"
      "<li><a href=\"runs.csv\">runs.csv</a>: one row per run, its parameters, seed and "
      "figures</li>"
      "<li><a href=\"runs_summary.csv\">runs_summary.csv</a>: per point, each figure's mean "
      "and 95% interval</li>"
      "<li><a href=\"manifest.yaml\">manifest.yaml</a>: the sweep this folder holds</li></ul>\n",
      escape_html(fmt::format("{}", fmt::join(manifest.figures, ", "))));
}

}  // namespace

std::string sweep_report_html(const sweep::Manifest& manifest, const sweep::RunsTable& runs,
                              std::string_view runs_summary_csv) {
  const sweep::RunsTable points = parse_table(runs_summary_csv);
  HtmlPage page("sweep", "Sweep " + manifest.sweep,
                fmt::format("{} runs: {} points \u00d7 {} replications", manifest.runs,
                            points.rows.size(), manifest.replications));
  page.add_section("overview", "Overview", overview_section(manifest, points.rows.size()));
  page.add_section("drivers", "What moves each output", drivers_section(runs));
  page.add_section("effects", "Outputs against parameters", effects_section(manifest, points));
  page.add_section("points", "Points", points_section(manifest, points));
  page.add_section("inputs", "Files", files_section(manifest));
  return page.str();
}

}  // namespace capsim::report
