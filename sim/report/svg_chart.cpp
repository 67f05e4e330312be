#include "capsim/report/svg_chart.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <stdexcept>
#include <tuple>

#include <fmt/format.h>

#include "capsim/core/time.hpp"

namespace capsim::report {

const std::array<std::string_view, 12>& palette() {
  static const std::array<std::string_view, 12> colours = {
      "#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7",
      "#F0E442", "#000000", "#882255", "#44AA99", "#999933", "#AA4499"};
  return colours;
}

std::string_view series_colour(std::size_t index) {
  return palette()[index % palette().size()];
}

namespace {

/// i × m × 10^e computed so that decimal ticks come out exact (0.3, not 0.30000000000000004).
double tick_value(long long i, double m, int e) {
  return e >= 0 ? static_cast<double>(i) * m * std::pow(10.0, e)
                : static_cast<double>(i) * m / std::pow(10.0, -e);
}

}  // namespace

std::vector<double> nice_ticks(double lo, double hi, int max_ticks) {
  if (!std::isfinite(lo) || !std::isfinite(hi))
    throw std::invalid_argument("nice_ticks: the range is not finite");
  if (hi < lo)
    std::swap(lo, hi);
  if (hi == lo) {
    lo -= 0.5;
    hi += 0.5;
  }
  max_ticks = std::max(max_ticks, 2);
  int e = static_cast<int>(std::floor(std::log10((hi - lo) / (max_ticks - 1))));
  for (;; ++e) {
    for (const double m : {1.0, 2.0, 5.0}) {
      const double step = tick_value(1, m, e);
      const auto first = static_cast<long long>(std::floor(lo / step + 1e-9));
      const auto last = static_cast<long long>(std::ceil(hi / step - 1e-9));
      if (last - first + 1 > max_ticks)
        continue;
      std::vector<double> ticks;
      for (long long i = first; i <= last; ++i)
        ticks.push_back(tick_value(i, m, e));
      return ticks;
    }
  }
}

double day_of_iso_date(std::string_view iso_date) {
  int year = 0, month = 0, day = 0;
  if (iso_date.size() != 10 ||
      std::sscanf(std::string(iso_date).c_str(), "%4d-%2d-%2d", &year, &month, &day) != 3)
    throw std::invalid_argument("not an ISO date: " + std::string(iso_date));
  return static_cast<double>(days_since_epoch(Date{year, month, day}));
}

namespace {

constexpr std::array<const char*, 12> kMonthNames = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/// A span shorter than two months: every 1, 2, 7 or 14 days from its first whole day, ISO labels.
std::vector<DateTick> day_ticks(double first_day, double last_day, int max_ticks) {
  std::vector<DateTick> ticks;
  for (const int step : {1, 2, 7, 14, 28}) {
    ticks.clear();
    for (double day = std::ceil(first_day); day <= last_day; day += step)
      ticks.push_back(
          {day, format_date(date_from_days_since_epoch(static_cast<std::int64_t>(day)))});
    if (static_cast<int>(ticks.size()) <= max_ticks)
      break;
  }
  return ticks;
}

}  // namespace

std::vector<DateTick> date_ticks(double first_day, double last_day, int max_ticks) {
  if (last_day - first_day < 62)
    return day_ticks(first_day, last_day, max_ticks);
  const Date first = date_from_days_since_epoch(static_cast<std::int64_t>(std::ceil(first_day)));
  // The first month start at or after first_day, as a month count from year 0.
  int month_index = first.year * 12 + (first.month - 1) + (first.day > 1 ? 1 : 0);
  std::vector<DateTick> ticks;
  for (const int step : {1, 2, 3, 6, 12, 24, 60, 120}) {
    ticks.clear();
    int m = month_index;
    while (m % step != 0)
      ++m;
    for (;; m += step) {
      const Date date{m / 12, m % 12 + 1, 1};
      const auto day = static_cast<double>(days_since_epoch(date));
      if (day > last_day)
        break;
      ticks.push_back({day, step >= 12 ? fmt::format("{}", date.year)
                                       : fmt::format("{} {}", kMonthNames[m % 12], date.year)});
    }
    if (static_cast<int>(ticks.size()) <= max_ticks)
      break;
  }
  return ticks;
}

std::string Quantity::label() const {
  return unit.empty() ? name : name + " (" + unit + ")";
}

XAxis period_axis(const std::vector<std::string>& starts, const std::vector<std::string>& ends) {
  XAxis x;
  x.kind = XAxis::Kind::date;
  x.quantity = {"Period", "", NumberKind::plain};
  x.keys = starts;
  for (const std::string& start : starts)
    x.from.push_back(day_of_iso_date(start));
  for (const std::string& end : ends)
    x.to.push_back(day_of_iso_date(end));
  return x;
}

XAxis category_axis(std::vector<std::string> categories, Quantity quantity) {
  XAxis x;
  x.kind = XAxis::Kind::category;
  x.keys = std::move(categories);
  x.quantity = std::move(quantity);
  return x;
}

double LinearScale::operator()(double value) const {
  if (domain_hi == domain_lo)
    return (range_lo + range_hi) / 2;
  return range_lo + (value - domain_lo) / (domain_hi - domain_lo) * (range_hi - range_lo);
}

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string coordinate(double value) {
  return fmt::format("{:.2f}", value);
}

/// The attributes and hover text every point carries.
std::string point_data(std::string_view series, std::string_view x_key, double y,
                       std::string_view hover) {
  return fmt::format(R"(class="pt" data-series="{}" data-x="{}" data-y="{}")", escape_html(series),
                     escape_html(x_key), full_precision(y))
      .append(fmt::format("><title>{}</title", escape_html(hover)));
}

std::string hover_text(std::string_view series, std::string_view x_key, std::string_view value) {
  return fmt::format("{}, {}: {}", series, x_key, value);
}

/// Counts the points written into a chart's SVG.
struct PointCount {
  std::size_t n = 0;
};

/// Where a chart draws: the plot area and its y scale.
struct Plot {
  double left = kPlotLeft, right = kChartWidth - kPlotRight, top = kPlotTop,
         bottom = kChartHeight - kPlotBottom;
  LinearScale y;
  LinearScale x;
};

/// The y scale over ticks that cover [lo, hi], 0 always included.
std::vector<double> y_ticks_for(double lo, double hi) {
  if (!std::isfinite(lo) || !std::isfinite(hi)) {
    lo = 0;
    hi = 1;
  }
  lo = std::min(lo, 0.0);
  hi = std::max(hi, 0.0);
  if (hi == lo)
    hi = lo + 1;
  return nice_ticks(lo, hi, 6);
}

/// Horizontal grid lines, tick labels and the y axis label.
std::string y_axis_svg(const Plot& plot, const std::vector<double>& ticks, const Quantity& y) {
  std::string out;
  for (const double tick : ticks) {
    const double py = plot.y(tick);
    out +=
        fmt::format(R"(<line class="grid" x1="{}" y1="{}" x2="{}" y2="{}"/>)",
                    coordinate(plot.left), coordinate(py), coordinate(plot.right), coordinate(py));
    out +=
        fmt::format(R"(<text x="{}" y="{}" text-anchor="end">{}</text>)", coordinate(plot.left - 6),
                    coordinate(py + 4), escape_html(number_text(tick, y.kind, true)));
  }
  const double mid = (plot.top + plot.bottom) / 2;
  out += fmt::format(
      R"svg(<text class="axis-label" x="14" y="{0}" text-anchor="middle" transform="rotate(-90 14 {0})">{1}</text>)svg",
      coordinate(mid), escape_html(y.label()));
  return out;
}

/// The x axis line, ticks with labels and the x axis label.
/// `label_room` > 0: the tick labels are slanted (many categories) and take that much more
/// height below the axis.
std::string x_axis_svg(const Plot& plot, const std::vector<std::pair<double, std::string>>& ticks,
                       const std::string& label, double label_room = 0) {
  std::string out =
      fmt::format(R"(<line class="axis" x1="{}" y1="{}" x2="{}" y2="{}"/>)", coordinate(plot.left),
                  coordinate(plot.bottom), coordinate(plot.right), coordinate(plot.bottom));
  for (const auto& [px, text] : ticks) {
    out += fmt::format(R"(<line class="axis" x1="{0}" y1="{1}" x2="{0}" y2="{2}"/>)",
                       coordinate(px), coordinate(plot.bottom), coordinate(plot.bottom + 4));
    if (label_room > 0) {
      out += fmt::format(
          R"svg(<text x="{0}" y="{1}" text-anchor="end" transform="rotate(-40 {0} {1})">{2}</text>)svg",
          coordinate(px + 3), coordinate(plot.bottom + 12), escape_html(text));
      continue;
    }
    // A label at the right end would run off the chart: it ends at its tick instead.
    const bool at_right_end = px > kChartWidth - kPlotRight - 1 && text.size() > 4;
    out += fmt::format(R"(<text x="{}" y="{}" text-anchor="{}">{}</text>)", coordinate(px),
                       coordinate(plot.bottom + 16), at_right_end ? "end" : "middle",
                       escape_html(text));
  }
  out += fmt::format(R"(<text class="axis-label" x="{}" y="{}" text-anchor="middle">{}</text>)",
                     coordinate((plot.left + plot.right) / 2),
                     coordinate(plot.bottom + 36 + label_room), escape_html(label));
  return out;
}

/// The date axis' domain: the first point to the last period's end (or last point).
std::pair<double, double> date_domain(const XAxis& x) {
  double lo = x.from.empty() ? 0 : x.from.front(), hi = lo;
  for (std::size_t i = 0; i < x.from.size(); ++i) {
    lo = std::min(lo, x.from[i]);
    hi = std::max(hi, i < x.to.size() ? x.to[i] : x.from[i]);
  }
  return {lo, hi == lo ? lo + 1 : hi};
}

/// Where point i of a date or number axis is drawn: a period's middle, else its position.
double x_position(const XAxis& x, std::size_t i) {
  return i < x.to.size() ? (x.from[i] + x.to[i]) / 2 : x.from[i];
}

/// Sets plot.x for a date or number axis and draws it.
std::string continuous_x_axis(Plot& plot, const XAxis& x) {
  std::vector<std::pair<double, std::string>> ticks;
  if (x.kind == XAxis::Kind::date) {
    const auto [lo, hi] = date_domain(x);
    plot.x = {lo, hi, plot.left, plot.right};
    for (const DateTick& tick : date_ticks(lo, hi))
      ticks.emplace_back(plot.x(tick.day), tick.label);
    return x_axis_svg(plot, ticks, x.quantity.name == "Period" ? "Date" : x.quantity.label());
  }
  double lo = x.from.empty() ? 0 : *std::min_element(x.from.begin(), x.from.end());
  double hi = x.from.empty() ? 1 : *std::max_element(x.from.begin(), x.from.end());
  const std::vector<double> values = nice_ticks(lo, hi, 8);
  plot.x = {values.front(), values.back(), plot.left, plot.right};
  for (const double tick : values)
    ticks.emplace_back(plot.x(tick), number_text(tick, x.quantity.kind, true));
  return x_axis_svg(plot, ticks, x.quantity.label());
}

/// A series' colour: its own, or its position's.
std::string_view colour_of(const std::vector<Series>& series, std::size_t s) {
  return series_colour(series[s].colour.value_or(s));
}

std::string legend_html(const std::vector<std::pair<std::string, std::string_view>>& entries) {
  std::string out = "<ul class=\"legend\">";
  for (const auto& [name, colour] : entries)
    // A swatch drawn in SVG, not a style attribute: the page's policy allows no inline style
    // but its own <style> block (html_page.hpp).
    out += fmt::format(
        R"(<li><svg class="sw" viewBox="0 0 11 11" aria-hidden="true"><rect width="11" height="11" rx="2" fill="{}"/></svg>{}</li>)",
        colour, escape_html(name));
  return out + "</ul>\n";
}

std::vector<std::pair<std::string, std::string_view>> series_legend(
    const std::vector<Series>& series) {
  std::vector<std::pair<std::string, std::string_view>> entries;
  for (std::size_t s = 0; s < series.size(); ++s)
    entries.emplace_back(series[s].name, colour_of(series, s));
  return entries;
}

/// The contract's figure around an SVG body, with the data table under it.
std::string figure_html(const ChartFrame& frame, std::size_t points, const std::string& legend,
                        const std::string& svg_body, const Table& data, double height) {
  for (const char c : frame.id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
      throw std::invalid_argument("chart id must be [a-z0-9-]+: " + frame.id);
  }
  const std::string caption =
      frame.y.unit.empty() ? frame.title : fmt::format("{} ({})", frame.title, frame.y.unit);
  std::string out = fmt::format(
      "<figure class=\"chart\" id=\"chart-{0}\" data-chart=\"{0}\" data-points=\"{1}\">\n"
      "<figcaption>{2}</figcaption>\n",
      frame.id, points, escape_html(caption));
  if (!frame.note.empty())
    out += fmt::format("<p class=\"note\">{}</p>\n", escape_html(frame.note));
  out += legend;
  out += fmt::format(
      "<svg viewBox=\"0 0 {} {}\" role=\"img\" "
      "aria-label=\"{}\">\n{}\n</svg>\n",
      kChartWidth, coordinate(height), escape_html(frame.title), svg_body);
  Table table = data;
  table.css_class = "chart-data";
  out += "<details><summary>Data</summary><div class=\"table-wrap\">" + table_html(table) +
         "</div></details>\n</figure>\n";
  return out;
}

/// The data table of series over x: one row per x, one column per series.
Table series_table(const XAxis& x, const std::vector<Series>& series, NumberKind kind) {
  Table table;
  table.header.push_back(x.quantity.name);
  table.numeric_columns.push_back(false);
  for (const Series& s : series) {
    table.header.push_back(s.name);
    table.numeric_columns.push_back(true);
  }
  for (std::size_t i = 0; i < x.size(); ++i) {
    std::vector<std::string> row = {escape_html(x.keys[i])};
    for (const Series& s : series)
      row.push_back(escape_html(i < s.values.size() ? number_text(s.values[i], kind) : ""));
    table.rows.push_back(std::move(row));
  }
  return table;
}

double value_at(const Series& s, std::size_t i) {
  return i < s.values.size() ? s.values[i] : kNaN;
}

std::pair<double, double> value_range(const std::vector<Series>& series) {
  double lo = 0, hi = 0;
  for (const Series& s : series) {
    for (const double v : s.values) {
      if (std::isfinite(v)) {
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      }
    }
  }
  return {lo, hi};
}

std::string circle(double cx, double cy, std::string_view colour, double r,
                   const std::string& data) {
  return fmt::format(R"(<circle cx="{}" cy="{}" r="{}" fill="{}" {}></circle>)", coordinate(cx),
                     coordinate(cy), r, colour, data);
}

/// A path through points, step-shaped over periods or straight between them.
std::string line_path(const Plot& plot, const XAxis& x, const Series& s, LineShape shape) {
  std::string d;
  bool pen_down = false;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double v = value_at(s, i);
    if (!std::isfinite(v)) {
      pen_down = false;
      continue;
    }
    const double py = plot.y(v);
    if (shape == LineShape::step && x.kind != XAxis::Kind::category) {
      const double x0 = plot.x(x.from[i]);
      const double x1 =
          plot.x(i < x.to.size() ? x.to[i] : (i + 1 < x.size() ? x.from[i + 1] : x.from[i]));
      // Along the period at its value; from the second period on, first up or down to it.
      d += pen_down ? fmt::format("V{}H{}", coordinate(py), coordinate(x1))
                    : fmt::format("M{} {}H{}", coordinate(x0), coordinate(py), coordinate(x1));
    } else {
      d += fmt::format("{}{} {}", pen_down ? "L" : "M", coordinate(plot.x(x_position(x, i))),
                       coordinate(py));
    }
    pen_down = true;
  }
  return d;
}

/// The corners of an area's edge: over periods, level across each period (as a step line);
/// otherwise straight between the points. `backwards` walks it from the last x.
std::vector<std::pair<double, double>> area_edge(const Plot& plot, const XAxis& x,
                                                 const std::vector<double>& values,
                                                 bool backwards) {
  std::vector<std::pair<double, double>> corners;
  for (std::size_t k = 0; k < x.size(); ++k) {
    const std::size_t i = backwards ? x.size() - 1 - k : k;
    const double py = plot.y(values[i]);
    if (i < x.to.size()) {
      const double a = plot.x(x.from[i]), b = plot.x(x.to[i]);
      corners.emplace_back(backwards ? b : a, py);
      corners.emplace_back(backwards ? a : b, py);
    } else {
      corners.emplace_back(plot.x(x_position(x, i)), py);
    }
  }
  return corners;
}

}  // namespace

std::string line_chart(const ChartFrame& frame, const XAxis& x, const std::vector<Series>& series,
                       LineShape shape) {
  Plot plot;
  const auto [lo, hi] = value_range(series);
  const std::vector<double> ticks = y_ticks_for(lo, hi);
  plot.y = {ticks.front(), ticks.back(), plot.bottom, plot.top};
  std::string body = y_axis_svg(plot, ticks, frame.y) + continuous_x_axis(plot, x);
  std::size_t points = 0;
  for (std::size_t s = 0; s < series.size(); ++s) {
    const std::string_view colour = colour_of(series, s);
    body += fmt::format("\n<g class=\"series\" data-series=\"{}\">", escape_html(series[s].name));
    body += fmt::format(R"(<path d="{}" fill="none" stroke="{}" stroke-width="2"{}/>)",
                        line_path(plot, x, series[s], shape), colour,
                        series[s].dashed ? R"( stroke-dasharray="6 4")" : "");
    for (std::size_t i = 0; i < x.size(); ++i) {
      const double v = value_at(series[s], i);
      if (!std::isfinite(v))
        continue;
      const std::string hover = hover_text(series[s].name, x.keys[i], number_text(v, frame.y.kind));
      body += circle(plot.x(x_position(x, i)), plot.y(v), colour, 2.5,
                     point_data(series[s].name, x.keys[i], v, hover));
      ++points;
    }
    body += "</g>";
  }
  return figure_html(frame, points, legend_html(series_legend(series)), body,
                     series_table(x, series, frame.y.kind), kChartHeight);
}

std::string stacked_area_chart(const ChartFrame& frame, const XAxis& x,
                               const std::vector<Series>& series) {
  Plot plot;
  std::vector<double> lower(x.size(), 0.0);
  std::vector<std::vector<double>> upper(series.size(), std::vector<double>(x.size(), 0.0));
  for (std::size_t s = 0; s < series.size(); ++s) {
    for (std::size_t i = 0; i < x.size(); ++i) {
      const double v = value_at(series[s], i);
      upper[s][i] = (s == 0 ? 0.0 : upper[s - 1][i]) + (std::isfinite(v) ? std::max(v, 0.0) : 0.0);
    }
  }
  double top = 0;
  for (const std::vector<double>& u : upper) {
    for (const double v : u)
      top = std::max(top, v);
  }
  const std::vector<double> ticks = y_ticks_for(0, top);
  plot.y = {ticks.front(), ticks.back(), plot.bottom, plot.top};
  std::string body = y_axis_svg(plot, ticks, frame.y) + continuous_x_axis(plot, x);
  std::size_t points = 0;
  for (std::size_t s = 0; s < series.size(); ++s) {
    const std::string_view colour = colour_of(series, s);
    const std::vector<double>& base = s == 0 ? lower : upper[s - 1];
    std::string d;
    for (const auto& [px, py] : area_edge(plot, x, upper[s], false))
      d += fmt::format("{}{} {}", d.empty() ? "M" : "L", coordinate(px), coordinate(py));
    for (const auto& [px, py] : area_edge(plot, x, base, true))
      d += fmt::format("L{} {}", coordinate(px), coordinate(py));
    body += fmt::format("\n<g class=\"series\" data-series=\"{}\">", escape_html(series[s].name));
    if (!d.empty())
      body += fmt::format(R"(<path d="{}Z" fill="{}" fill-opacity="0.75" stroke="{}"/>)", d, colour,
                          colour);
    for (std::size_t i = 0; i < x.size(); ++i) {
      const double v = value_at(series[s], i);
      if (!std::isfinite(v))
        continue;
      const std::string hover = hover_text(series[s].name, x.keys[i], number_text(v, frame.y.kind));
      body += circle(plot.x(x_position(x, i)), plot.y(upper[s][i]), colour, 2,
                     point_data(series[s].name, x.keys[i], v, hover));
      ++points;
    }
    body += "</g>";
  }
  return figure_html(frame, points, legend_html(series_legend(series)), body,
                     series_table(x, series, frame.y.kind), kChartHeight);
}

std::string bar_chart(const ChartFrame& frame, const XAxis& x, const std::vector<Series>& series,
                      BarLayout layout) {
  Plot plot;
  double lo = 0, hi = 0;
  if (layout == BarLayout::stacked) {
    for (std::size_t i = 0; i < x.size(); ++i) {
      double up = 0;
      for (const Series& s : series) {
        const double v = value_at(s, i);
        up += std::isfinite(v) ? std::max(v, 0.0) : 0.0;
      }
      hi = std::max(hi, up);
    }
  } else {
    std::tie(lo, hi) = value_range(series);
  }
  const std::vector<double> ticks = y_ticks_for(lo, hi);
  plot.y = {ticks.front(), ticks.back(), plot.bottom, plot.top};
  // Each x's band (left edge, width): equal shares of the width, or on a date axis the period.
  std::string body = y_axis_svg(plot, ticks, frame.y);
  double label_room = 0;
  std::vector<std::pair<double, double>> bands;
  if (x.kind == XAxis::Kind::category) {
    const double width =
        (plot.right - plot.left) / static_cast<double>(std::max<std::size_t>(1, x.size()));
    std::vector<std::pair<double, std::string>> x_ticks;
    std::size_t longest = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
      bands.emplace_back(plot.left + width * static_cast<double>(i), width);
      x_ticks.emplace_back(plot.left + width * (static_cast<double>(i) + 0.5), x.keys[i]);
      longest = std::max(longest, x.keys[i].size());
    }
    // About 6.5 units a character at 11 px: labels wider than their band are slanted, and the
    // chart grows by their height.
    if (static_cast<double>(longest) * 6.5 > width)
      label_room = static_cast<double>(longest) * 6.5 * 0.643;  // sin 40°
    body += x_axis_svg(plot, x_ticks, x.quantity.label(), label_room);
  } else {
    body += continuous_x_axis(plot, x);
    for (std::size_t i = 0; i < x.size(); ++i) {
      const double x0 = plot.x(x.from[i]);
      bands.emplace_back(x0, i < x.to.size() ? plot.x(x.to[i]) - x0 : 4.0);
    }
  }
  // A bar group fills 80% of its band, and no more than 160 units when categories are few.
  const auto group_width = [&](std::size_t i) { return std::min(bands[i].second * 0.8, 160.0); };
  const auto bar_width = [&](std::size_t i) {
    const double inner = group_width(i);
    return layout == BarLayout::grouped
               ? inner / static_cast<double>(std::max<std::size_t>(1, series.size()))
               : inner;
  };
  std::vector<double> stacked(x.size(), 0.0);
  std::size_t points = 0;
  for (std::size_t s = 0; s < series.size(); ++s) {
    const std::string_view colour = colour_of(series, s);
    body += fmt::format("\n<g class=\"series\" data-series=\"{}\">", escape_html(series[s].name));
    for (std::size_t i = 0; i < x.size(); ++i) {
      const double v = value_at(series[s], i);
      if (!std::isfinite(v))
        continue;
      double x0 = bands[i].first + (bands[i].second - group_width(i)) / 2;
      double base = 0, end = v;
      if (layout == BarLayout::grouped) {
        x0 += bar_width(i) * static_cast<double>(s);
      } else {
        base = stacked[i];
        end = base + std::max(v, 0.0);
        stacked[i] = end;
      }
      const double y0 = plot.y(std::max(base, end)), y1 = plot.y(std::min(base, end));
      const std::string hover = hover_text(series[s].name, x.keys[i], number_text(v, frame.y.kind));
      body +=
          fmt::format(R"(<rect x="{}" y="{}" width="{}" height="{}" fill="{}" {}></rect>)",
                      coordinate(x0), coordinate(y0), coordinate(bar_width(i)), coordinate(y1 - y0),
                      colour, point_data(series[s].name, x.keys[i], v, hover));
      ++points;
    }
    body += "</g>";
  }
  return figure_html(frame, points, legend_html(series_legend(series)), body,
                     series_table(x, series, frame.y.kind), kChartHeight + label_room);
}

std::string fan_chart(const ChartFrame& frame, const XAxis& x, const FanSeries& fan) {
  Plot plot;
  const auto [lo, hi] = value_range({{"", fan.p5}, {"", fan.p95}});
  const std::vector<double> ticks = y_ticks_for(lo, hi);
  plot.y = {ticks.front(), ticks.back(), plot.bottom, plot.top};
  std::string body = y_axis_svg(plot, ticks, frame.y) + continuous_x_axis(plot, x);
  const std::string_view colour = series_colour(0);
  struct Band {
    std::string name;
    const std::vector<double>& low;
    const std::vector<double>& high;
    double opacity;
  };
  const std::array<Band, 2> bands = {Band{"P5\u2013P95", fan.p5, fan.p95, 0.18},
                                     Band{"P10\u2013P90", fan.p10, fan.p90, 0.32}};
  std::size_t points = 0;
  const std::size_t n = std::min(
      {x.size(), fan.p5.size(), fan.p10.size(), fan.p50.size(), fan.p90.size(), fan.p95.size()});
  for (const Band& band : bands) {
    std::string d;
    for (std::size_t i = 0; i < n; ++i)
      d += fmt::format("{}{} {}", i == 0 ? "M" : "L", coordinate(plot.x(x_position(x, i))),
                       coordinate(plot.y(band.high[i])));
    for (std::size_t i = n; i-- > 0;)
      d += fmt::format("L{} {}", coordinate(plot.x(x_position(x, i))),
                       coordinate(plot.y(band.low[i])));
    body += fmt::format("\n<g class=\"series\" data-series=\"{}\">", escape_html(band.name));
    if (!d.empty())
      body += fmt::format(R"(<path d="{}Z" fill="{}" fill-opacity="{}" stroke="none"/>)", d, colour,
                          band.opacity);
    for (std::size_t i = 0; i < n; ++i) {
      const double px = plot.x(x_position(x, i));
      const double top = plot.y(band.high[i]), bottom = plot.y(band.low[i]);
      const std::string hover = fmt::format("{} {}, {}: {} \u2013 {}", fan.name, band.name,
                                            x.keys[i], number_text(band.low[i], frame.y.kind),
                                            number_text(band.high[i], frame.y.kind));
      body += fmt::format(
          R"(<rect x="{}" y="{}" width="3" height="{}" fill="{}" fill-opacity="{}" class="pt" data-series="{}" data-x="{}" data-y="{}" data-y0="{}"><title>{}</title></rect>)",
          coordinate(px - 1.5), coordinate(top), coordinate(std::max(bottom - top, 0.5)), colour,
          band.opacity, escape_html(band.name), escape_html(x.keys[i]),
          full_precision(band.high[i]), full_precision(band.low[i]), escape_html(hover));
      ++points;
    }
    body += "</g>";
  }
  const Series median{"median", std::vector<double>(fan.p50.begin(), fan.p50.begin() + n)};
  body += "\n<g class=\"series\" data-series=\"median\">";
  body += fmt::format(R"(<path d="{}" fill="none" stroke="{}" stroke-width="2"/>)",
                      line_path(plot, x, median, LineShape::linear), colour);
  for (std::size_t i = 0; i < n; ++i) {
    const std::string hover =
        hover_text(fan.name + " median", x.keys[i], number_text(fan.p50[i], frame.y.kind));
    body += circle(plot.x(x_position(x, i)), plot.y(fan.p50[i]), colour, 2.5,
                   point_data("median", x.keys[i], fan.p50[i], hover));
    ++points;
  }
  body += "</g>";
  const std::vector<Series> columns = {
      {"P5", fan.p5}, {"P10", fan.p10}, {"median", fan.p50}, {"P90", fan.p90}, {"P95", fan.p95}};
  return figure_html(
      frame, points,
      legend_html({{"median", colour}, {"P10\u2013P90", "#7fb0d6"}, {"P5\u2013P95", "#c6dcee"}}),
      body, series_table(x, columns, frame.y.kind), kChartHeight);
}

std::string gantt_chart(const ChartFrame& frame, const std::vector<GanttRow>& rows,
                        const std::vector<DateMarker>& markers) {
  constexpr double kRowHeight = 18, kLabelWidth = 230;
  const std::string_view critical_colour = series_colour(3), other_colour = series_colour(0),
                         milestone_colour = series_colour(7);
  Plot plot;
  plot.left = kLabelWidth;
  plot.top = 20;  // the markers' labels above the rows
  plot.bottom = plot.top + kRowHeight * static_cast<double>(std::max<std::size_t>(rows.size(), 1));
  const double height = plot.bottom + kPlotBottom;
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const GanttRow& row : rows) {
    lo = std::min(lo, row.start_day);
    hi = std::max(hi, row.end_day);
  }
  for (const DateMarker& marker : markers) {
    lo = std::min(lo, marker.day);
    hi = std::max(hi, marker.day);
  }
  if (!std::isfinite(lo)) {
    lo = 0;
    hi = 1;
  }
  plot.x = {lo, hi == lo ? lo + 1 : hi, plot.left, plot.right};
  std::vector<std::pair<double, std::string>> x_ticks;
  for (const DateTick& tick : date_ticks(lo, hi))
    x_ticks.emplace_back(plot.x(tick.day), tick.label);
  std::string body = x_axis_svg(plot, x_ticks, "Date");
  for (const auto& [px, text] : x_ticks)
    body += fmt::format(R"(<line class="grid" x1="{0}" y1="{1}" x2="{0}" y2="{2}"/>)",
                        coordinate(px), coordinate(plot.top), coordinate(plot.bottom));
  body +=
      fmt::format(R"(<text class="axis-label" x="8" y="{}" text-anchor="start">Site · task</text>)",
                  coordinate(height - 10));
  for (const DateMarker& marker : markers) {
    const double px = plot.x(marker.day);
    body += fmt::format(
        R"(<line x1="{0}" y1="{1}" x2="{0}" y2="{2}" stroke="#5b6573" stroke-dasharray="4 3"/><text x="{3}" y="{4}" text-anchor="start">{5}</text>)",
        coordinate(px), coordinate(plot.top - 4), coordinate(plot.bottom), coordinate(px + 3),
        coordinate(plot.top - 8), escape_html(marker.label));
  }
  Table table;
  table.header = {"Site", "Task", "Start", "End", "Days", "Critical", "Note"};
  table.numeric_columns = {false, false, false, false, true, false, false};
  std::size_t points = 0;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const GanttRow& row = rows[r];
    if (r == 0 || row.group != rows[r - 1].group) {
      if (r > 0)
        body += "</g>";
      body += fmt::format("\n<g class=\"series\" data-series=\"{}\">", escape_html(row.group));
    }
    const double row_top = plot.top + kRowHeight * static_cast<double>(r);
    const double mid = row_top + kRowHeight / 2;
    body +=
        fmt::format(R"(<text x="{}" y="{}" text-anchor="end">{}</text>)", coordinate(plot.left - 6),
                    coordinate(mid + 4), escape_html(row.group + " \u00b7 " + row.label));
    const std::string start = format_date(
        date_from_days_since_epoch(static_cast<std::int64_t>(std::floor(row.start_day))));
    const std::string end =
        format_date(date_from_days_since_epoch(static_cast<std::int64_t>(std::floor(row.end_day))));
    const double days = row.end_day - row.start_day;
    std::string hover =
        row.milestone
            ? fmt::format("{}: {}, {}", row.group, row.label, start)
            : fmt::format("{}: {}, {} \u2192 {} ({}){}", row.group, row.label, start, end,
                          number_text(days, NumberKind::days), row.critical ? ", critical" : "");
    if (!row.note.empty())
      hover += ", " + row.note;
    const std::string data = point_data(row.group, start, days, hover);
    if (row.milestone) {
      const double px = plot.x(row.start_day);
      body += fmt::format(R"(<path d="M{} {}l6 6l-6 6l-6 -6Z" fill="{}" {}></path>)",
                          coordinate(px), coordinate(mid - 6), milestone_colour, data);
    } else {
      const double x0 = plot.x(row.start_day);
      const double w = std::max(plot.x(row.end_day) - x0, 1.5);
      body += fmt::format(
          R"(<rect x="{}" y="{}" width="{}" height="{}" rx="2" fill="{}" {}></rect>)",
          coordinate(x0), coordinate(row_top + 3), coordinate(w), coordinate(kRowHeight - 6),
          row.critical ? critical_colour : other_colour, data);
    }
    ++points;
    table.rows.push_back({escape_html(row.group), escape_html(row.label), start,
                          row.milestone ? start : end,
                          escape_html(number_text(days, NumberKind::plain)),
                          row.critical ? "yes" : "", escape_html(row.note)});
  }
  if (!rows.empty())
    body += "</g>";
  return figure_html(frame, points,
                     legend_html({{"critical path", critical_colour},
                                  {"other task (has slack)", other_colour},
                                  {"milestone (power online)", milestone_colour}}),
                     body, table, height);
}

std::string scatter_chart(const ChartFrame& frame, const Quantity& x_quantity,
                          const std::vector<ScatterSeries>& series) {
  Plot plot;
  double xlo = std::numeric_limits<double>::infinity(), xhi = -xlo, ylo = 0, yhi = 0;
  for (const ScatterSeries& s : series) {
    for (const ScatterPoint& p : s.points) {
      xlo = std::min(xlo, p.x);
      xhi = std::max(xhi, p.x);
      ylo = std::min({ylo, p.low, p.y});
      yhi = std::max({yhi, p.high, p.y});
    }
  }
  if (!std::isfinite(xlo)) {
    xlo = 0;
    xhi = 1;
  }
  const std::vector<double> ticks = y_ticks_for(ylo, yhi);
  plot.y = {ticks.front(), ticks.back(), plot.bottom, plot.top};
  const std::vector<double> xticks = nice_ticks(xlo, xhi, 8);
  plot.x = {xticks.front(), xticks.back(), plot.left, plot.right};
  std::vector<std::pair<double, std::string>> x_labels;
  for (const double tick : xticks)
    x_labels.emplace_back(plot.x(tick), number_text(tick, x_quantity.kind, true));
  std::string body =
      y_axis_svg(plot, ticks, frame.y) + x_axis_svg(plot, x_labels, x_quantity.label());
  Table table;
  table.header = {"Series", x_quantity.name, frame.y.name, "CI low", "CI high"};
  table.numeric_columns = {false, true, true, true, true};
  std::size_t points = 0;
  for (std::size_t s = 0; s < series.size(); ++s) {
    const std::string_view colour = series_colour(s);
    body += fmt::format("\n<g class=\"series\" data-series=\"{}\">", escape_html(series[s].name));
    for (const ScatterPoint& p : series[s].points) {
      const double px = plot.x(p.x);
      body +=
          fmt::format(R"(<line x1="{0}" y1="{1}" x2="{0}" y2="{2}" stroke="{3}"/>)", coordinate(px),
                      coordinate(plot.y(p.low)), coordinate(plot.y(p.high)), colour);
      const std::string x_key = full_precision(p.x);
      const std::string hover =
          fmt::format("{}, {} {}: {} (CI {} \u2013 {})", series[s].name, x_quantity.name,
                      number_text(p.x, x_quantity.kind), number_text(p.y, frame.y.kind),
                      number_text(p.low, frame.y.kind), number_text(p.high, frame.y.kind));
      body += fmt::format(
          R"(<circle cx="{}" cy="{}" r="3.5" fill="{}" class="pt" data-series="{}" data-x="{}" data-y="{}" data-y0="{}" data-y1="{}"><title>{}</title></circle>)",
          coordinate(px), coordinate(plot.y(p.y)), colour, escape_html(series[s].name), x_key,
          full_precision(p.y), full_precision(p.low), full_precision(p.high), escape_html(hover));
      ++points;
      table.rows.push_back({escape_html(series[s].name),
                            escape_html(number_text(p.x, x_quantity.kind)),
                            escape_html(number_text(p.y, frame.y.kind)),
                            escape_html(number_text(p.low, frame.y.kind)),
                            escape_html(number_text(p.high, frame.y.kind))});
    }
    body += "</g>";
  }
  std::vector<std::pair<std::string, std::string_view>> legend;
  for (std::size_t s = 0; s < series.size(); ++s)
    legend.emplace_back(series[s].name, series_colour(s));
  return figure_html(frame, points, legend_html(legend), body, table, kChartHeight);
}

}  // namespace capsim::report
