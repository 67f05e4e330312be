#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "capsim/core/time.hpp"

namespace capsim {
namespace {

TEST_CASE("time: days since the epoch, both ways, across leap rules") {
  CHECK(days_since_epoch(Date{1970, 1, 1}) == 0);
  CHECK(days_since_epoch(Date{2000, 3, 1}) == 11017);
  CHECK(days_since_epoch(Date{2025, 1, 20}) == 20108);
  CHECK(days_since_epoch(Date{1969, 12, 31}) == -1);
  for (std::int64_t day = -800'000; day < 800'000; day += 997) {
    CHECK(days_since_epoch(date_from_days_since_epoch(day)) == day);
  }
  CHECK(is_leap_year(2024));
  CHECK_FALSE(is_leap_year(2100));
  CHECK(is_leap_year(2000));
  CHECK(days_in_month(2024, 2) == 29);
  CHECK(days_in_month(2025, 2) == 28);
  CHECK_FALSE(is_valid_date(Date{2025, 2, 29}));
  CHECK(is_valid_date(Date{2024, 2, 29}));
}

TEST_CASE("time: month arithmetic clamps to the month's end") {
  CHECK(add_months(Date{2025, 1, 31}, 1) == Date{2025, 2, 28});
  CHECK(add_months(Date{2024, 1, 31}, 1) == Date{2024, 2, 29});
  CHECK(add_months(Date{2025, 11, 15}, 3) == Date{2026, 2, 15});
  CHECK(add_months(Date{2025, 1, 15}, -1) == Date{2024, 12, 15});
  CHECK(add_months(Date{2025, 3, 1}, -27) == Date{2022, 12, 1});
}

TEST_CASE("time: calendar periods") {
  const Date anchor{2025, 1, 1};  // a Wednesday
  CHECK(next_period_start(Date{2025, 1, 1}, PeriodUnit::day, anchor) == Date{2025, 1, 2});
  CHECK(next_period_start(Date{2025, 1, 3}, PeriodUnit::week, anchor) == Date{2025, 1, 8});
  CHECK(next_period_start(Date{2025, 1, 8}, PeriodUnit::week, anchor) == Date{2025, 1, 15});
  CHECK(next_period_start(Date{2025, 1, 31}, PeriodUnit::month, anchor) == Date{2025, 2, 1});
  CHECK(next_period_start(Date{2025, 12, 31}, PeriodUnit::month, anchor) == Date{2026, 1, 1});
  CHECK(next_period_start(Date{2025, 5, 17}, PeriodUnit::quarter, anchor) == Date{2025, 7, 1});
  CHECK(next_period_start(Date{2025, 12, 1}, PeriodUnit::quarter, anchor) == Date{2026, 1, 1});
  CHECK(next_period_start(Date{2025, 6, 30}, PeriodUnit::year, anchor) == Date{2026, 1, 1});
}

TEST_CASE("time: calendar maps dates to ticks at midnight and back") {
  const Calendar calendar(Date{2025, 1, 1});
  CHECK(calendar.tick_of(Date{2025, 1, 1}) == 0);
  CHECK(calendar.tick_of(Date{2025, 1, 2}) == kTicksPerDay);
  CHECK(calendar.tick_of(Date{2026, 1, 1}) == 365 * kTicksPerDay);
  CHECK(calendar.tick_of(Date{2024, 12, 31}) == -kTicksPerDay);
  CHECK(calendar.date_of(0) == Date{2025, 1, 1});
  CHECK(calendar.date_of(kTicksPerDay - 1) == Date{2025, 1, 1});
  CHECK(calendar.date_of(kTicksPerDay) == Date{2025, 1, 2});
  CHECK(calendar.date_of(-1) == Date{2024, 12, 31});
  CHECK(format_date(Date{2025, 7, 4}) == "2025-07-04");
  CHECK(ticks_from_seconds(1.5) == 1'500'000);
  CHECK(seconds_from_ticks(2'500'000) == 2.5);
}

TEST_CASE("time: a tick holds at most 1e12 s either way, so sums of ticks cannot overflow") {
  // Overflow safety (issue 13): llround of 1e300 months of seconds was undefined and came back
  // as INT64_MIN, which the engine then reported as a negative delay.
  CHECK(ticks_from_seconds(kMaxTickSeconds) == 1'000'000'000'000'000'000);
  CHECK(ticks_from_seconds(-kMaxTickSeconds) == -1'000'000'000'000'000'000);
  CHECK_THROWS_WITH_AS(ticks_from_seconds(1.0000001e12),
                       "a time of 1e+12 s is beyond the simulator's range (±1e+12 s, about "
                       "31,700 years)",
                       TimeRangeError);
  CHECK_THROWS_AS(ticks_from_seconds(std::nan("")), TimeRangeError);
  CHECK_THROWS_AS(ticks_from_seconds(-std::numeric_limits<double>::infinity()), TimeRangeError);
  // Four of the largest ticks still add up inside int64.
  CHECK(4 * ticks_from_seconds(kMaxTickSeconds) < std::numeric_limits<Tick>::max());
}

}  // namespace
}  // namespace capsim
