#pragma once
/// Charts as SVG that capsim writes itself (docs/architecture.md, "Report charts"): line,
/// stacked area, bars, fan, Gantt and scatter with error bars. Each function returns one
/// `<figure class="chart">` of the report contract: a caption with the unit, a legend, the SVG
/// with labelled axes, every data point an element of class `pt` carrying data-series, data-x,
/// data-y (%.17g) and a `<title>` hover text, and the chart's data in a table under it.
/// Deterministic: the same data gives the same bytes (coordinates are printed to 0.01 px).

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "capsim/report/html_page.hpp"

namespace capsim::report {

/// The series colours, in order: Okabe and Ito's colour-blind-safe palette ("Color Universal
/// Design", 2008), black moved last, then four of Paul Tol's "muted" scheme (wine, teal, olive,
/// purple; "Colour Schemes", SRON/EPS/TN/09-002, 2021) for charts with more series than eight,
/// which are no longer safe for every reader. A chart with more series cycles through them.
const std::array<std::string_view, 12>& palette();
std::string_view series_colour(std::size_t index);

/// Axis ticks on a 1-2-5 step: the smallest step of 1, 2 or 5 × 10^k whose ticks, from the
/// multiple at or below `lo` to the multiple at or above `hi`, number at most `max_ticks`.
/// lo == hi is widened to a span of 1 around it. The first and last ticks are the axis' ends.
std::vector<double> nice_ticks(double lo, double hi, int max_ticks = 6);

/// A tick on a date axis: days since 1970-01-01 and its label.
struct DateTick {
  double day = 0.0;
  std::string label;
};
/// Ticks on the first day of months, every 1, 2, 3, 6, 12, 24, 60 or 120 months (the fewest
/// months whose ticks in [first_day, last_day] number at most `max_ticks`); labelled "2025"
/// on a step of a year or more, else "Jan 2025". A span under 62 days ticks every 1, 2, 7, 14
/// or 28 days from its first whole day, labelled "2025-02-27".
std::vector<DateTick> date_ticks(double first_day, double last_day, int max_ticks = 8);

/// Days since 1970-01-01 of an ISO date "2025-01-31" (the recorder's period labels).
double day_of_iso_date(std::string_view iso_date);

/// A quantity on an axis: its name, its unit (both printed in the axis label and caption) and
/// how its numbers read.
struct Quantity {
  std::string name;
  std::string unit;
  NumberKind kind = NumberKind::plain;
  /// "Installed GPUs (GPUs)"; the name alone when the unit is empty.
  std::string label() const;
};

/// The x positions of a chart's points, one per point of each series.
struct XAxis {
  enum class Kind { date, number, category };
  Kind kind = Kind::category;
  /// date: days since epoch of the point (a period's start); number: the value; category: unused.
  std::vector<double> from;
  /// date periods: the day after the period (its end); empty for instants. A period's point is
  /// drawn at its middle, a step line holds over the whole period.
  std::vector<double> to;
  /// data-x of each point and the first column of the data table: "2025-01-01", "2025".
  std::vector<std::string> keys;
  Quantity quantity;
  std::size_t size() const { return keys.size(); }
};
/// Reporting periods: keys are the period starts (timeseries.csv's first column).
XAxis period_axis(const std::vector<std::string>& starts, const std::vector<std::string>& ends);
/// Categories (calendar years, services) in the given order.
XAxis category_axis(std::vector<std::string> categories, Quantity quantity);

/// A named series of values, one per x (NaN: no value there; not drawn).
struct Series {
  std::string name;
  std::vector<double> values;
  /// Its colour's index in the palette, so that one thing (a part) has one colour in every
  /// chart; absent: the series' position.
  std::optional<std::size_t> colour = std::nullopt;
  /// Drawn dashed (a line chart's limit or demand, which another series may run on top of).
  bool dashed = false;
};

/// What every chart has: an id ([a-z0-9-]+, unique in the page), a title, the y quantity,
/// and an optional note under the caption.
struct ChartFrame {
  std::string id;
  std::string title;
  Quantity y;
  std::string note;
};

enum class LineShape { step, linear };
std::string line_chart(const ChartFrame& frame, const XAxis& x, const std::vector<Series>& series,
                       LineShape shape);
/// Series stacked bottom-up in order, level across each period of a period axis; a point sits
/// on its series' upper edge and its data-y is the series' own value. Values below 0 are drawn
/// as 0.
std::string stacked_area_chart(const ChartFrame& frame, const XAxis& x,
                               const std::vector<Series>& series);

enum class BarLayout { grouped, stacked };
/// Bars per category of `x` (a category axis: equal bands) or per period of a date axis (each
/// period's bars span the period); a point is a bar, its data-y the bar's value.
std::string bar_chart(const ChartFrame& frame, const XAxis& x, const std::vector<Series>& series,
                      BarLayout layout);

/// Quantiles per x: the P5–P95 and P10–P90 bands and the median line.
struct FanSeries {
  std::string name;
  std::vector<double> p5, p10, p50, p90, p95;
};
/// Points: per x, a whisker of each band (data-y its upper edge, data-y0 its lower) and the
/// median.
std::string fan_chart(const ChartFrame& frame, const XAxis& x, const FanSeries& fan);

/// A row of a Gantt chart: a task from start to end (days since epoch), or a milestone
/// (start == end and `milestone`) drawn as a diamond.
struct GanttRow {
  std::string group;  ///< data-series: the site
  std::string label;  ///< the task
  double start_day = 0.0;
  double end_day = 0.0;
  bool critical = false;
  bool milestone = false;
  std::string note;  ///< added to the hover text and table ("300 MW online")
};
/// A dated vertical line across the chart (the run's start and end).
struct DateMarker {
  double day = 0.0;
  std::string label;
};
/// One row per task; data-x is the start date, data-y the duration in days.
std::string gantt_chart(const ChartFrame& frame, const std::vector<GanttRow>& rows,
                        const std::vector<DateMarker>& markers);

/// A point with its confidence interval [low, high].
struct ScatterPoint {
  double x = 0.0;
  double y = 0.0;
  double low = 0.0;
  double high = 0.0;
};
struct ScatterSeries {
  std::string name;
  std::vector<ScatterPoint> points;
};
/// Output against input: points with error bars (data-y0 and data-y1 the interval's ends).
std::string scatter_chart(const ChartFrame& frame, const Quantity& x,
                          const std::vector<ScatterSeries>& series);

/// The plot area every chart but the Gantt draws in, in SVG user units (the SVG scales to the
/// page's width): x from kPlotLeft to kChartWidth - kPlotRight, y from kPlotTop to
/// kChartHeight - kPlotBottom.
inline constexpr double kChartWidth = 760, kChartHeight = 300;
inline constexpr double kPlotLeft = 78, kPlotRight = 30, kPlotTop = 14, kPlotBottom = 46;

/// A linear map of a domain onto a range of SVG user units.
struct LinearScale {
  double domain_lo = 0.0, domain_hi = 1.0, range_lo = 0.0, range_hi = 1.0;
  double operator()(double value) const;
};

}  // namespace capsim::report
