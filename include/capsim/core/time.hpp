#pragma once
/// Simulation time and the calendar at its edges.
///
/// Inside the engine time is an integer count of ticks (microseconds) since the scenario's start
/// date: exact, totally ordered and identical on every machine. Calendar dates appear only where
/// a scenario is loaded and where results are written.

#include <compare>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace capsim {

/// Microseconds since the scenario start. int64 spans ±292,000 years.
using Tick = std::int64_t;

inline constexpr Tick kTicksPerSecond = 1'000'000;
inline constexpr Tick kTicksPerHour = 3'600 * kTicksPerSecond;
inline constexpr Tick kTicksPerDay = 24 * kTicksPerHour;
inline constexpr double kSecondsPerDay = 86'400.0;
inline constexpr double kSecondsPerYear = 365.25 * kSecondsPerDay;  // Julian year, used for rates

/// The longest time a tick count may stand for, either way: 1e12 s (31,700 years). Every time
/// the model computes is converted through ticks_from_seconds, so a tick is at most 1e18 in
/// size and sums of a few of them stay far inside int64 (9.2e18): time arithmetic cannot
/// overflow. Inputs are far inside it (dates from 1900 to 2200, durations up to 200 years).
inline constexpr double kMaxTickSeconds = 1e12;

/// A time beyond ±kMaxTickSeconds, or not a number: what an integer tick cannot hold.
class TimeRangeError : public std::range_error {
 public:
  using std::range_error::range_error;
};

/// Seconds to the nearest tick. Throws TimeRangeError beyond ±kMaxTickSeconds or for NaN,
/// where the conversion would be undefined.
Tick ticks_from_seconds(double seconds);
/// Ticks to seconds.
constexpr double seconds_from_ticks(Tick ticks) {
  return static_cast<double>(ticks) / static_cast<double>(kTicksPerSecond);
}

/// A proleptic Gregorian calendar date.
struct Date {
  int year = 1970;
  int month = 1;  ///< 1..12
  int day = 1;    ///< 1..days_in_month
  auto operator<=>(const Date&) const = default;
};

bool is_leap_year(int year);
int days_in_month(int year, int month);
/// True when month and day exist in that year.
bool is_valid_date(const Date& date);
/// Days since 1970-01-01 (negative before). Exact for any valid date.
std::int64_t days_since_epoch(const Date& date);
Date date_from_days_since_epoch(std::int64_t days);
/// The same day of the month `months` later (earlier if negative), clamped to the month's end:
/// 2025-01-31 + 1 month = 2025-02-28.
Date add_months(const Date& date, int months);
/// ISO 8601, "2025-07-01".
std::string format_date(const Date& date);

/// Reporting and planning periods: calendar periods, not fixed blocks of days.
enum class PeriodUnit { day, week, month, quarter, year };

/// The first day of the period of `unit` that follows the one containing `date`.
/// Weeks start on the scenario's own start weekday, so they are counted from `anchor`.
Date next_period_start(const Date& date, PeriodUnit unit, const Date& anchor);
const char* period_unit_name(PeriodUnit unit);

/// Maps dates to ticks and back for one scenario start date (midnight UTC).
class Calendar {
 public:
  explicit Calendar(Date start);
  const Date& start() const { return start_; }
  /// Midnight at the start of `date`. Dates before the start give negative ticks.
  Tick tick_of(const Date& date) const;
  /// The date containing `tick`.
  Date date_of(Tick tick) const;

 private:
  Date start_;
  std::int64_t start_days_;
};

}  // namespace capsim
