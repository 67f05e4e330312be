#include "capsim/core/time.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <cmath>

namespace capsim {

Tick ticks_from_seconds(double seconds) {
  if (!(std::abs(seconds) <= kMaxTickSeconds)) {
    throw TimeRangeError(fmt::format(
        "a time of {:g} s is beyond the simulator's range (±{:g} s, about 31,700 years)", seconds,
        kMaxTickSeconds));
  }
  return static_cast<Tick>(std::llround(seconds * static_cast<double>(kTicksPerSecond)));
}

bool is_leap_year(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int days_in_month(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && is_leap_year(year))
    return 29;
  return kDays[month - 1];
}

bool is_valid_date(const Date& date) {
  return date.month >= 1 && date.month <= 12 && date.day >= 1 &&
         date.day <= days_in_month(date.year, date.month);
}

// Howard Hinnant's days_from_civil / civil_from_days: exact over the whole int range without
// loops, in eras of 400 years (146,097 days).
std::int64_t days_since_epoch(const Date& date) {
  const std::int64_t year = date.year - (date.month <= 2 ? 1 : 0);
  const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
  const std::int64_t year_of_era = year - era * 400;
  const std::int64_t month_from_march = (date.month + 9) % 12;
  const std::int64_t day_of_year = (153 * month_from_march + 2) / 5 + date.day - 1;
  const std::int64_t day_of_era =
      year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;
}

Date date_from_days_since_epoch(std::int64_t days) {
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const std::int64_t day_of_era = days - era * 146097;
  const std::int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const std::int64_t day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const std::int64_t month_from_march = (5 * day_of_year + 2) / 153;
  const int day = static_cast<int>(day_of_year - (153 * month_from_march + 2) / 5 + 1);
  const int month =
      static_cast<int>(month_from_march < 10 ? month_from_march + 3 : month_from_march - 9);
  const int year = static_cast<int>(year_of_era + era * 400 + (month <= 2 ? 1 : 0));
  return Date{year, month, day};
}

Date add_months(const Date& date, int months) {
  const int month_index = date.year * 12 + (date.month - 1) + months;
  const int year = month_index >= 0 ? month_index / 12 : (month_index - 11) / 12;
  const int month = month_index - year * 12 + 1;
  const int day = std::min(date.day, days_in_month(year, month));
  return Date{year, month, day};
}

std::string format_date(const Date& date) {
  return fmt::format("{:04d}-{:02d}-{:02d}", date.year, date.month, date.day);
}

Date next_period_start(const Date& date, PeriodUnit unit, const Date& anchor) {
  switch (unit) {
    case PeriodUnit::day:
      return date_from_days_since_epoch(days_since_epoch(date) + 1);
    case PeriodUnit::week: {
      const std::int64_t offset = days_since_epoch(date) - days_since_epoch(anchor);
      const std::int64_t weeks = (offset >= 0 ? offset : offset - 6) / 7;
      return date_from_days_since_epoch(days_since_epoch(anchor) + (weeks + 1) * 7);
    }
    case PeriodUnit::month:
      return add_months(Date{date.year, date.month, 1}, 1);
    case PeriodUnit::quarter:
      return add_months(Date{date.year, (date.month - 1) / 3 * 3 + 1, 1}, 3);
    case PeriodUnit::year:
      return Date{date.year + 1, 1, 1};
  }
  return date;
}

const char* period_unit_name(PeriodUnit unit) {
  switch (unit) {
    case PeriodUnit::day:
      return "day";
    case PeriodUnit::week:
      return "week";
    case PeriodUnit::month:
      return "month";
    case PeriodUnit::quarter:
      return "quarter";
    case PeriodUnit::year:
      return "year";
  }
  return "?";
}

Calendar::Calendar(Date start) : start_(start), start_days_(days_since_epoch(start)) {}

Tick Calendar::tick_of(const Date& date) const {
  return (days_since_epoch(date) - start_days_) * kTicksPerDay;
}

Date Calendar::date_of(Tick tick) const {
  const Tick whole_days =
      tick >= 0 ? tick / kTicksPerDay : (tick - kTicksPerDay + 1) / kTicksPerDay;
  return date_from_days_since_epoch(start_days_ + whole_days);
}

}  // namespace capsim
