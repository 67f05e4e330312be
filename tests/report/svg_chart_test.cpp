#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "capsim/report/svg_chart.hpp"

namespace capsim::report {
namespace {

std::size_t count_of(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t at = text.find(needle); at != std::string::npos;
       at = text.find(needle, at + needle.size()))
    ++n;
  return n;
}

/// The figure's data-points attribute.
std::size_t declared_points(const std::string& figure) {
  const std::string key = "data-points=\"";
  const std::size_t at = figure.find(key);
  REQUIRE(at != std::string::npos);
  return std::stoul(figure.substr(at + key.size()));
}

XAxis three_months() {
  return period_axis({"2025-01-01", "2025-02-01", "2025-03-01"},
                     {"2025-02-01", "2025-03-01", "2025-04-01"});
}

TEST_CASE("nice_ticks: the smallest 1-2-5 step with at most max_ticks ticks") {
  // 1,234,567 over at most 6 ticks: a step of 2e5 needs 0..1.4M, 8 ticks; 5e5 needs 0..1.5M, 4.
  CHECK(nice_ticks(0, 1234567, 6) == std::vector<double>{0, 5e5, 1e6, 1.5e6});
  // 100 over 6 ticks: 10 needs 11 ticks, 20 needs exactly 6.
  CHECK(nice_ticks(0, 100, 6) == std::vector<double>{0, 20, 40, 60, 80, 100});
  // -3..7.5: a step of 2 needs -4..8, 7 ticks; 5 needs -5..10, 4.
  CHECK(nice_ticks(-3, 7.5, 6) == std::vector<double>{-5, 0, 5, 10});
  // 0..0.3: 0.05 needs 7 ticks; 0.1 needs 4, and the ticks are exact decimals.
  CHECK(nice_ticks(0, 0.3, 6) == std::vector<double>{0, 0.1, 0.2, 0.3});
  // One value: widened to 4.5..5.5; 0.2 needs 4.4..5.6, 7 ticks; 0.5 needs 3.
  CHECK(nice_ticks(5, 5, 6) == std::vector<double>{4.5, 5, 5.5});
}

TEST_CASE("date_ticks: month starts, the fewest months that fit") {
  // 2025-01-01 to 2028-01-01 is 36 months: every 3 months gives 13 ticks, every 6 gives 7.
  const std::vector<DateTick> three_years =
      date_ticks(day_of_iso_date("2025-01-01"), day_of_iso_date("2028-01-01"), 8);
  REQUIRE(three_years.size() == 7);
  CHECK(three_years.front().label == "Jan 2025");
  CHECK(three_years[1].label == "Jul 2025");
  CHECK(three_years.back().label == "Jan 2028");
  CHECK(three_years.back().day == day_of_iso_date("2028-01-01"));
  // Ten years from mid-2025: yearly gives 10 ticks, every second year (even years) 5.
  const std::vector<DateTick> ten_years =
      date_ticks(day_of_iso_date("2025-06-15"), day_of_iso_date("2035-06-15"), 8);
  REQUIRE(ten_years.size() == 5);
  CHECK(ten_years.front().label == "2026");
  CHECK(ten_years.back().label == "2034");
  // One day: day ticks, both ends.
  const std::vector<DateTick> one_day =
      date_ticks(day_of_iso_date("2025-02-27"), day_of_iso_date("2025-02-28"), 8);
  REQUIRE(one_day.size() == 2);
  CHECK(one_day.front().label == "2025-02-27");
  CHECK(one_day.back().label == "2025-02-28");
  // 40 days: daily gives 41 ticks, every 2 days 21, weekly 6.
  CHECK(date_ticks(day_of_iso_date("2025-01-01"), day_of_iso_date("2025-02-10"), 8).size() == 6);
}

TEST_CASE("line_chart: a period's point sits at the period's middle, exactly") {
  // Two months, 0 then 100: y ticks 0..100 map onto [254, 14] (300 - 46 bottom margin, 14 top).
  // The x domain is 2025-01-01 (day 20089) to 2025-03-01 (day 20148), 59 days onto [78, 730]:
  // January's middle is 15.5 days in: 78 + 15.5 / 59 × 652 = 249.29; February's, from day
  // 20120 to 20148, is 45 days in: 78 + 45 / 59 × 652 = 575.29.
  const XAxis x = period_axis({"2025-01-01", "2025-02-01"}, {"2025-02-01", "2025-03-01"});
  const std::string svg = line_chart({"gpus", "GPUs", {"GPUs", "GPUs", NumberKind::count}, ""}, x,
                                     {{"installed", {0, 100}}}, LineShape::step);
  CHECK(svg.find(R"(<circle cx="249.29" cy="254.00" r="2.5" fill="#0072B2" class="pt" )"
                 R"(data-series="installed" data-x="2025-01-01" data-y="0">)"
                 R"(<title>installed, 2025-01-01: 0</title></circle>)") != std::string::npos);
  CHECK(svg.find(R"(cx="575.29" cy="14.00")") != std::string::npos);
  // The step line holds over each period and steps between them: January ends 31 days in,
  // at 78 + 31 / 59 × 652 = 420.58.
  CHECK(svg.find(R"(d="M78.00 254.00H420.58V14.00H730.00")") != std::string::npos);
}

TEST_CASE("charts: every point counted, escaped, and the same bytes twice") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::string nasty = "a<b & \"c\" 'd'";
  const std::vector<Series> series = {{nasty, {1, 2, 3}}, {"second", {4, nan, 6}}};
  const ChartFrame frame{"test-chart", "Test <chart>", {"Value", "units", NumberKind::plain}, ""};
  const XAxis x = three_months();
  const XAxis years = category_axis({"2025", "2026", "2027"}, {"Year", "", NumberKind::plain});
  const FanSeries fan{"GPUs", {1, 2, 3}, {2, 3, 4}, {3, 4, 5}, {4, 5, 6}, {5, 6, 7}};
  const std::vector<GanttRow> gantt = {
      {"site-a", "shell", day_of_iso_date("2024-03-01"), day_of_iso_date("2024-09-01"), true, false,
       ""},
      {"site-a", "phase 1", day_of_iso_date("2024-09-01"), day_of_iso_date("2024-09-01"), false,
       true, "300 MW online"}};
  const std::vector<ScatterSeries> scatter = {{"capex", {{1, 2, 1.5, 2.5}, {2, 3, 2, 4}}}};

  struct Case {
    std::string name;
    std::string figure;
    std::size_t points;
  };
  const std::vector<Case> cases = {
      // 3 + 2 values (one NaN is not drawn).
      {"line", line_chart(frame, x, series, LineShape::linear), 5},
      {"area", stacked_area_chart(frame, x, series), 5},
      {"bars", bar_chart(frame, years, series, BarLayout::grouped), 5},
      {"stacked bars", bar_chart(frame, years, series, BarLayout::stacked), 5},
      // Per period: two band whiskers and the median.
      {"fan", fan_chart(frame, x, fan), 9},
      {"gantt", gantt_chart(frame, gantt, {{day_of_iso_date("2025-01-01"), "run start"}}), 2},
      {"scatter", scatter_chart(frame, {"Lead time", "weeks", NumberKind::plain}, scatter), 2},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    CHECK(declared_points(c.figure) == c.points);
    CHECK(count_of(c.figure, "class=\"pt\"") == c.points);
    CHECK(count_of(c.figure, "<title>") == c.points);
    CHECK(count_of(c.figure, "class=\"axis-label\"") >= 1);
    CHECK(c.figure.find("<table class=\"chart-data\">") != std::string::npos);
    CHECK(c.figure.find("Test <chart>") == std::string::npos);
    CHECK(c.figure.find("Test &lt;chart&gt; (units)") != std::string::npos);
    CHECK(c.figure.find("http") == std::string::npos);
  }
  // The series name never appears raw, in attributes or in text.
  CHECK(cases[0].figure.find(nasty) == std::string::npos);
  CHECK(cases[0].figure.find(R"(data-series="a&lt;b &amp; &quot;c&quot; &#39;d&#39;")") !=
        std::string::npos);
  // A band whisker carries its upper and lower edges.
  CHECK(
      cases[4].figure.find(R"(data-series="P5–P95" data-x="2025-02-01" data-y="6" data-y0="2")") !=
      std::string::npos);
  // The same data, the same bytes.
  CHECK(line_chart(frame, x, series, LineShape::linear) == cases[0].figure);
  CHECK(fan_chart(frame, x, fan) == cases[4].figure);
  CHECK_THROWS_AS(line_chart({"Bad_Id", "t", {}, ""}, x, series, LineShape::step),
                  std::invalid_argument);
}

}  // namespace
}  // namespace capsim::report
