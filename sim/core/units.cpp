#include "capsim/core/units.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "unit_table.hpp"

namespace capsim {
namespace detail {
namespace {

/// The digits of a number as written (separators removed) and its decimal exponent.
struct Number {
  std::string mantissa;
  long long exponent = 0;
  std::size_t length = 0;
};

constexpr const char* kMisplacedSeparator =
    "misplaced \",\" in the number: it may only separate groups of three digits, as in "
    "\"1,979\"";

Number scan_number(std::string_view text) {
  if (starts_with_any_case(text, "nan") || starts_with_any_case(text, "inf")) {
    throw Reject{"not a finite number"};
  }
  if (!text.empty() && (text.front() == '+' || text.front() == '-')) {
    throw Reject{"a sign must come first, as in \"-$5M\""};
  }
  if (!text.empty() && text.front() == '.' && text.size() > 1 && is_digit(text[1])) {
    throw Reject{"a number needs a digit before \".\", as in \"0.5\""};
  }
  if (text.empty() || !is_digit(text.front())) {
    throw Reject{"no number"};
  }

  Number number;
  std::size_t i = 0;
  while (i < text.size() && is_digit(text[i])) {
    number.mantissa += text[i++];
  }
  if (i < text.size() && text[i] == ',') {
    if (i > 3) {
      throw Reject{kMisplacedSeparator};
    }
    while (i < text.size() && text[i] == ',') {
      std::size_t end = i + 1;
      while (end < text.size() && is_digit(text[end])) {
        ++end;
      }
      if (end - (i + 1) != 3) {
        throw Reject{kMisplacedSeparator};
      }
      number.mantissa.append(text.substr(i + 1, 3));
      i = end;
    }
  }
  if (i < text.size() && text[i] == '.') {
    if (i + 1 >= text.size() || !is_digit(text[i + 1])) {
      throw Reject{"a number needs a digit after \".\", as in \"5.0\""};
    }
    number.mantissa += text[i++];
    while (i < text.size() && is_digit(text[i])) {
      number.mantissa += text[i++];
    }
    if (i < text.size() && text[i] == ',') {
      throw Reject{kMisplacedSeparator};
    }
  }
  // An "e" is an exponent only when digits follow: "2.5EB" is exabytes.
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    std::size_t j = i + 1;
    bool negative = false;
    if (j < text.size() && (text[j] == '+' || text[j] == '-')) {
      negative = text[j++] == '-';
    }
    if (j < text.size() && is_digit(text[j])) {
      long long exponent = 0;
      // Saturates far beyond any double's range, yet below what the sum of exponents overflows.
      for (; j < text.size() && is_digit(text[j]); ++j) {
        exponent = std::min(exponent * 10 + (text[j] - '0'), 1'000'000'000LL);
      }
      number.exponent = negative ? -exponent : exponent;
      i = j;
    }
  }
  number.length = i;
  return number;
}

/// The mantissa times 10^(exponent + pow10), correctly rounded.
double decimal_value(const Number& number, int pow10) {
  const std::string text = fmt::format("{}e{}", number.mantissa, number.exponent + pow10);
  double value = 0.0;
  const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
  if (result.ec != std::errc() || result.ptr != text.data() + text.size()) {
    throw Reject{"out of range"};
  }
  return value;
}

std::optional<Dimension> combine(Kind numerator, Kind denominator) {
  using D = Dimension;
  switch (denominator) {
    case Kind::none:
      switch (numerator) {
        case Kind::money:
          return D::money;
        case Kind::power:
          return D::power;
        case Kind::energy:
          return D::energy;
        case Kind::time:
          return D::duration;
        case Kind::data:
          return D::data;
        case Kind::bandwidth:
          return D::bandwidth;
        case Kind::compute:
          return D::compute;
        case Kind::compute_rate:
          return D::compute_rate;
        case Kind::tokens:
          return D::tokens;
        case Kind::percent:
          return D::fraction;
        case Kind::times:
          return D::multiplier;
        case Kind::carbon:
          return D::carbon_mass;
        default:
          return std::nullopt;
      }
    case Kind::time:
      switch (numerator) {
        case Kind::data:
          return D::bandwidth;
        case Kind::compute:
          return D::compute_rate;
        case Kind::tokens:
          return D::token_rate;
        case Kind::none:
          return D::frequency;
        default:
          return std::nullopt;
      }
    case Kind::gpu_time:
      return numerator == Kind::money ? std::optional(D::money_per_gpu_time) : std::nullopt;
    case Kind::energy:
      if (numerator == Kind::carbon)
        return D::carbon_intensity;
      return numerator == Kind::money ? std::optional(D::energy_price) : std::nullopt;
    case Kind::power:
      return numerator == Kind::money ? std::optional(D::money_per_power) : std::nullopt;
    case Kind::tokens:
      return numerator == Kind::money ? std::optional(D::token_price) : std::nullopt;
    default:
      return std::nullopt;
  }
}

/// Where the unit splits into numerator and denominator: at "/" or at the word "per".
struct Split {
  std::string_view numerator;
  std::string_view denominator;
  bool has_denominator = false;
};

Split split_ratio(std::string_view unit) {
  std::vector<std::pair<std::size_t, std::size_t>> cuts;  // (position, length)
  for (std::size_t i = 0; i < unit.size(); ++i) {
    if (unit[i] == '/') {
      cuts.emplace_back(i, 1);
    }
    const bool word_start = i == 0 || is_space(unit[i - 1]);
    if (word_start && i + 3 < unit.size() && is_space(unit[i + 3]) &&
        equal_any_case(unit.substr(i, 3), "per")) {
      cuts.emplace_back(i, 3);
    }
  }
  if (cuts.empty()) {
    return Split{unit, {}, false};
  }
  if (cuts.size() > 1) {
    throw Reject{"more than one \"/\" or \"per\""};
  }
  const auto [position, length] = cuts.front();
  return Split{trim(unit.substr(0, position)), trim(unit.substr(position + length)), true};
}

/// The numerator's unit: after a "$" only a magnitude ("$60B"); otherwise a unit, which only a
/// denominator may replace ("3/year").
Term numerator_of(const Split& split, bool dollar) {
  Term numerator;
  if (dollar) {
    numerator.kind = Kind::money;
    if (!split.numerator.empty()) {
      const Magnitude* magnitude = find_magnitude(split.numerator);
      if (magnitude == nullptr) {
        throw Reject{
            fmt::format("\"{}\" after a \"$\" amount: write \"$60B\" or \"60B USD\", not both",
                        split.numerator)};
      }
      numerator.scale.pow10 = magnitude->pow10;
    }
  } else if (!split.numerator.empty()) {
    if (find_magnitude(split.numerator) != nullptr && !split.has_denominator &&
        !is_unit(split.numerator)) {
      throw Reject{"a number without a unit"};
    }
    numerator = resolve_unit(split.numerator);
  } else if (!split.has_denominator) {
    throw Reject{"a number without a unit"};
  }
  return numerator;
}

struct Denominator {
  Term term;
  double count = 1.0;  // "419 per 54 days"
};

Denominator denominator_of(const Split& split) {
  Denominator denominator;
  if (!split.has_denominator) {
    return denominator;
  }
  std::string_view den = split.denominator;
  if (den.empty()) {
    throw Reject{"no unit after \"/\""};
  }
  if (is_digit(den.front())) {
    const Number count_number = scan_number(den);
    denominator.count = decimal_value(count_number, 0);
    if (!(denominator.count > 0.0)) {
      throw Reject{"the count in the denominator must be positive"};
    }
    den = trim(den.substr(count_number.length));
    if (den.empty()) {
      throw Reject{fmt::format("no unit after \"{}\"", split.denominator)};
    }
  }
  denominator.term = resolve_denominator_unit(den);
  return denominator;
}

/// The number in canonical units: decimal prefixes shift its exponent, other factors multiply.
double canonical_value(const Number& number, const Term& numerator,
                       const Denominator& denominator) {
  const int pow10 = numerator.scale.pow10 - denominator.term.scale.pow10;
  double value = decimal_value(number, pow10);
  const double mult = numerator.scale.mult * denominator.term.scale.div;
  const double div = numerator.scale.div * denominator.term.scale.mult * denominator.count;
  if (mult != 1.0) {
    value *= mult;
  }
  if (div != 1.0) {
    value /= div;
  }
  if (!std::isfinite(value)) {
    throw Reject{"out of range"};
  }
  return value;
}

struct Parsed {
  Dimension dimension;
  double value;
};

Parsed parse_any(std::string_view text) {
  std::string_view rest = trim(text);
  if (rest.empty()) {
    throw Reject{"empty"};
  }
  bool negative = false;
  if (rest.front() == '+' || rest.front() == '-') {
    negative = rest.front() == '-';
    rest.remove_prefix(1);
  }
  bool dollar = false;
  if (!rest.empty() && rest.front() == '$') {
    dollar = true;
    rest.remove_prefix(1);
  }
  const Number number = scan_number(rest);
  const std::string_view unit = trim(rest.substr(number.length));
  const Split split = split_ratio(unit);
  const Term numerator = numerator_of(split, dollar);
  const Denominator denominator = denominator_of(split);
  const std::optional<Dimension> dimension = combine(numerator.kind, denominator.term.kind);
  if (!dimension) {
    throw Reject{fmt::format("unsupported unit \"{}\"", unit)};
  }
  const double value = canonical_value(number, numerator, denominator);
  return Parsed{*dimension, negative ? -value : value};
}

}  // namespace
}  // namespace detail

UnitError::UnitError(std::string expected, std::string found, std::string reason)
    : std::runtime_error(
          reason.empty() ? fmt::format("expected {}, found \"{}\"", expected, found)
                         : fmt::format("expected {}, found \"{}\" ({})", expected, found, reason)),
      expected_(std::move(expected)),
      found_(std::move(found)),
      reason_(std::move(reason)) {}

double parse_quantity(std::string_view text, Dimension expected) {
  detail::Parsed parsed{};
  try {
    parsed = detail::parse_any(text);
  } catch (const detail::Reject& reject) {
    throw UnitError(dimension_units_hint(expected), std::string(text), reject.reason);
  }
  if (parsed.dimension != expected) {
    throw UnitError(dimension_units_hint(expected), std::string(text),
                    dimension_description(parsed.dimension));
  }
  return parsed.value;
}

Date parse_date(std::string_view text) {
  static constexpr const char* kMonthNames[] = {"January",   "February", "March",    "April",
                                                "May",       "June",     "July",     "August",
                                                "September", "October",  "November", "December"};
  const auto fail = [&](std::string reason) {
    return UnitError("a date such as \"2025-07-01\", \"2025-07\" or \"2025-Q3\"", std::string(text),
                     std::move(reason));
  };
  const std::string_view s = detail::trim(text);
  const auto digits = [&](std::size_t position, std::size_t count) -> std::optional<int> {
    if (position + count > s.size()) {
      return std::nullopt;
    }
    int value = 0;
    for (std::size_t i = position; i < position + count; ++i) {
      if (!detail::is_digit(s[i])) {
        return std::nullopt;
      }
      value = value * 10 + (s[i] - '0');
    }
    return value;
  };
  constexpr const char* kForm = "not in the form YYYY-MM-DD, YYYY-MM or YYYY-Qn";
  const std::optional<int> year = digits(0, 4);
  if (!year || s.size() < 7 || s[4] != '-') {
    throw fail(kForm);
  }
  if (s.size() == 7 && s[5] == 'Q') {
    const std::optional<int> quarter = digits(6, 1);
    if (!quarter) {
      throw fail(kForm);
    }
    if (*quarter < 1 || *quarter > 4) {
      throw fail(fmt::format("quarter {} does not exist: quarters are Q1 to Q4", *quarter));
    }
    return Date{*year, (*quarter - 1) * 3 + 1, 1};
  }
  const std::optional<int> month = digits(5, 2);
  if (!month || (s.size() != 7 && (s.size() != 10 || s[7] != '-'))) {
    throw fail(kForm);
  }
  if (*month < 1 || *month > 12) {
    throw fail(fmt::format("month {} does not exist", *month));
  }
  if (s.size() == 7) {
    return Date{*year, *month, 1};
  }
  const std::optional<int> day = digits(8, 2);
  if (!day) {
    throw fail(kForm);
  }
  const Date date{*year, *month, *day};
  if (!is_valid_date(date)) {
    throw fail(fmt::format("{} {} has {} days", kMonthNames[*month - 1], *year,
                           days_in_month(*year, *month)));
  }
  return date;
}

}  // namespace capsim
