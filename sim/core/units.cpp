#include "capsim/core/units.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include <fmt/format.h>

namespace capsim {
namespace detail {

/// What one unit term measures, before numerator and denominator are combined into a Dimension.
enum class Kind {
  none,
  money,
  power,
  energy,
  time,
  data,
  compute,
  tokens,
  percent,
  times,
  gpu_time,
  compute_rate,
  bandwidth,
};

/// A conversion factor kept as a power of ten apart from the rest, so that decimal prefixes
/// shift the decimal exponent of the text and the result stays correctly rounded.
struct Scale {
  int pow10 = 0;
  double mult = 1.0;
  double div = 1.0;
};

struct UnitSpelling {
  std::string text;
  Kind kind;
  Scale scale;
  bool any_case;   // words ("USD", "hours"); symbols keep their case
  bool countable;  // takes a magnitude: "60B USD", "4K tokens"
};

struct Magnitude {
  std::string_view text;
  int pow10;
  bool any_case;
};

// Words before letters, so that "bn" is read as one magnitude rather than "B" then "n".
constexpr Magnitude kMagnitudes[] = {
    {"thousand", 3, true}, {"million", 6, true}, {"billion", 9, true}, {"trillion", 12, true},
    {"bn", 9, true},       {"K", 3, false},      {"k", 3, false},      {"M", 6, false},
    {"B", 9, false},       {"G", 9, false},      {"T", 12, false},
};

/// Thrown inside the parser with the reason; the public functions add expected and found.
struct Reject {
  std::string reason;
};

bool is_space(char c) {
  return c == ' ' || c == '\t';
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

char to_lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool equal_any_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return to_lower(x) == to_lower(y);
         });
}

bool starts_with_any_case(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && equal_any_case(text.substr(0, prefix.size()), prefix);
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front())) {
    text.remove_prefix(1);
  }
  while (!text.empty() && is_space(text.back())) {
    text.remove_suffix(1);
  }
  return text;
}

const std::vector<UnitSpelling>& unit_table() {
  static const std::vector<UnitSpelling> table = [] {
    std::vector<UnitSpelling> units;
    const auto symbol = [&](std::string text, Kind kind, Scale scale) {
      units.push_back({std::move(text), kind, scale, false, false});
    };
    const auto word = [&](std::string text, Kind kind, Scale scale) {
      units.push_back({std::move(text), kind, scale, true, false});
    };
    const auto count_word = [&](std::string text, Kind kind, Scale scale) {
      units.push_back({std::move(text), kind, scale, true, true});
    };
    struct Prefix {
      const char* text;
      int pow10;
    };
    const auto prefixed = [&](std::initializer_list<Prefix> prefixes, const std::string& base,
                              Kind kind, Scale scale) {
      symbol(base, kind, scale);
      for (const Prefix& prefix : prefixes) {
        symbol(prefix.text + base, kind, Scale{prefix.pow10 + scale.pow10, scale.mult, scale.div});
      }
    };

    count_word("USD", Kind::money, {});
    count_word("dollar", Kind::money, {});
    count_word("dollars", Kind::money, {});
    count_word("cent", Kind::money, {-2});
    count_word("cents", Kind::money, {-2});

    const auto si = {Prefix{"k", 3}, Prefix{"M", 6}, Prefix{"G", 9}, Prefix{"T", 12}};
    prefixed(si, "W", Kind::power, {});
    prefixed(si, "J", Kind::energy, {});
    prefixed(si, "Wh", Kind::energy, {0, 3600.0});

    symbol("s", Kind::time, {});
    for (const char* text : {"sec", "secs", "second", "seconds"}) {
      word(text, Kind::time, {});
    }
    symbol("ms", Kind::time, {-3});
    for (const char* text : {"millisecond", "milliseconds"}) {
      word(text, Kind::time, {-3});
    }
    symbol("us", Kind::time, {-6});
    symbol("\u00b5s", Kind::time, {-6});
    for (const char* text : {"microsecond", "microseconds"}) {
      word(text, Kind::time, {-6});
    }
    for (const char* text : {"min", "mins", "minute", "minutes"}) {
      word(text, Kind::time, {0, 60});
    }
    symbol("h", Kind::time, {0, 3600});
    for (const char* text : {"hr", "hrs", "hour", "hours"}) {
      word(text, Kind::time, {0, 3600});
    }
    symbol("d", Kind::time, {0, 86400});
    for (const char* text : {"day", "days"}) {
      word(text, Kind::time, {0, 86400});
    }
    for (const char* text : {"wk", "wks", "week", "weeks"}) {
      word(text, Kind::time, {0, 604800});
    }
    for (const char* text : {"mo", "month", "months"}) {
      word(text, Kind::time, {0, kSecondsPerYear / 12});
    }
    for (const char* text : {"quarter", "quarters"}) {
      word(text, Kind::time, {0, kSecondsPerYear / 4});
    }
    symbol("y", Kind::time, {0, kSecondsPerYear});
    for (const char* text : {"yr", "yrs", "year", "years"}) {
      word(text, Kind::time, {0, kSecondsPerYear});
    }

    prefixed({{"k", 3}, {"K", 3}, {"M", 6}, {"G", 9}, {"T", 12}, {"P", 15}, {"E", 18}}, "B",
             Kind::data, {});
    word("byte", Kind::data, {});
    word("bytes", Kind::data, {});
    double binary = 1.0;
    for (const char* prefix : {"Ki", "Mi", "Gi", "Ti", "Pi"}) {
      binary *= 1024.0;
      symbol(std::string(prefix) + "B", Kind::data, {0, binary});
    }
    word("bit", Kind::data, {0, 1.0, 8.0});
    word("bits", Kind::data, {0, 1.0, 8.0});
    for (const Prefix prefix : {Prefix{"k", 3}, Prefix{"K", 3}, Prefix{"M", 6}, Prefix{"G", 9},
                                Prefix{"T", 12}, Prefix{"P", 15}}) {
      symbol(std::string(prefix.text) + "b", Kind::data, {prefix.pow10, 1.0, 8.0});
      symbol(std::string(prefix.text) + "bit", Kind::data, {prefix.pow10, 1.0, 8.0});
    }
    prefixed({{"k", 3}, {"K", 3}, {"M", 6}, {"G", 9}, {"T", 12}}, "bps", Kind::bandwidth,
             {0, 1.0, 8.0});

    const auto flop_prefixes = {Prefix{"k", 3},  Prefix{"K", 3},  Prefix{"M", 6},  Prefix{"G", 9},
                                Prefix{"T", 12}, Prefix{"P", 15}, Prefix{"E", 18}, Prefix{"Z", 21}};
    prefixed(flop_prefixes, "FLOP", Kind::compute, {});
    prefixed(flop_prefixes, "FLOPs", Kind::compute, {});
    prefixed(flop_prefixes, "FLOPS", Kind::compute_rate, {});

    count_word("token", Kind::tokens, {});
    count_word("tokens", Kind::tokens, {});
    count_word("tok", Kind::tokens, {});

    symbol("%", Kind::percent, {-2});
    word("percent", Kind::percent, {-2});
    word("x", Kind::times, {});
    symbol("\u00d7", Kind::times, {});
    return units;
  }();
  return table;
}

const UnitSpelling* find_unit(std::string_view text) {
  const auto& table = unit_table();
  for (const UnitSpelling& unit : table) {
    if (unit.text == text) {
      return &unit;
    }
  }
  for (const UnitSpelling& unit : table) {
    if (unit.any_case && equal_any_case(unit.text, text)) {
      return &unit;
    }
  }
  return nullptr;
}

const Magnitude* find_magnitude(std::string_view text) {
  for (const Magnitude& magnitude : kMagnitudes) {
    if (magnitude.any_case ? equal_any_case(magnitude.text, text) : magnitude.text == text) {
      return &magnitude;
    }
  }
  return nullptr;
}

std::string unknown_unit(std::string_view text) {
  std::vector<std::string_view> suggestions;
  for (const UnitSpelling& unit : unit_table()) {
    if (equal_any_case(unit.text, text) &&
        std::find(suggestions.begin(), suggestions.end(), unit.text) == suggestions.end()) {
      suggestions.push_back(unit.text);
    }
  }
  std::string reason = fmt::format("unknown unit \"{}\"", text);
  if (!suggestions.empty()) {
    reason += "; units are case-sensitive: did you mean ";
    for (std::size_t i = 0; i < suggestions.size(); ++i) {
      if (i > 0) {
        reason += i + 1 == suggestions.size() ? " or " : ", ";
      }
      reason += fmt::format("\"{}\"", suggestions[i]);
    }
    reason += "?";
  }
  return reason;
}

struct Term {
  Kind kind = Kind::none;
  Scale scale;
};

/// One unit, optionally after a magnitude when it counts things: "MW", "B tokens", "Mtoken".
Term resolve_unit(std::string_view text) {
  if (const UnitSpelling* unit = find_unit(text)) {
    return Term{unit->kind, unit->scale};
  }
  for (const Magnitude& magnitude : kMagnitudes) {
    const bool match = magnitude.any_case ? starts_with_any_case(text, magnitude.text)
                                          : text.substr(0, magnitude.text.size()) == magnitude.text;
    if (!match) {
      continue;
    }
    const std::string_view rest = trim(text.substr(magnitude.text.size()));
    if (rest.empty()) {
      continue;
    }
    const UnitSpelling* unit = find_unit(rest);
    if (unit != nullptr && unit->countable) {
      return Term{unit->kind,
                  Scale{unit->scale.pow10 + magnitude.pow10, unit->scale.mult, unit->scale.div}};
    }
  }
  throw Reject{unknown_unit(text)};
}

/// A denominator unit: any unit, or GPU-time ("GPU-hour", "GPU h", "GPUh").
Term resolve_denominator_unit(std::string_view text) {
  if (starts_with_any_case(text, "GPU") && text.size() > 3) {
    std::string_view rest = text.substr(3);
    if (rest.front() == '-') {
      rest.remove_prefix(1);
    }
    rest = trim(rest);
    if (const UnitSpelling* unit = find_unit(rest); unit != nullptr && unit->kind == Kind::time) {
      return Term{Kind::gpu_time, unit->scale};
    }
  }
  return resolve_unit(text);
}

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
        find_unit(split.numerator) == nullptr) {
      throw Reject{"a number without a unit"};
    }
    numerator = resolve_unit(split.numerator);
  } else if (!split.has_denominator) {
    throw Reject{"a number without a unit"};
  }

  Term denominator;
  double count = 1.0;
  if (split.has_denominator) {
    std::string_view den = split.denominator;
    if (den.empty()) {
      throw Reject{"no unit after \"/\""};
    }
    if (is_digit(den.front())) {
      const Number count_number = scan_number(den);
      count = decimal_value(count_number, 0);
      if (!(count > 0.0)) {
        throw Reject{"the count in the denominator must be positive"};
      }
      den = trim(den.substr(count_number.length));
      if (den.empty()) {
        throw Reject{fmt::format("no unit after \"{}\"", split.denominator)};
      }
    }
    denominator = resolve_denominator_unit(den);
  }

  const std::optional<Dimension> dimension = combine(numerator.kind, denominator.kind);
  if (!dimension) {
    throw Reject{fmt::format("unsupported unit \"{}\"", unit)};
  }

  const int pow10 = numerator.scale.pow10 - denominator.scale.pow10;
  double value = decimal_value(number, pow10);
  const double mult = numerator.scale.mult * denominator.scale.div;
  const double div = numerator.scale.div * denominator.scale.mult * count;
  if (mult != 1.0) {
    value *= mult;
  }
  if (div != 1.0) {
    value /= div;
  }
  if (!std::isfinite(value)) {
    throw Reject{"out of range"};
  }
  return Parsed{*dimension, negative ? -value : value};
}

// ---- formatting ----

/// 4 significant digits, trailing zeros dropped; scientific ("3.8e25") outside [1e-3, 1e6).
std::string significant(double value) {
  if (value == 0.0) {
    return "0";
  }
  const double magnitude = std::fabs(value);
  if (magnitude >= 1e-3 && magnitude < 1e6) {
    const int exponent = static_cast<int>(std::floor(std::log10(magnitude)));
    std::string text = fmt::format("{:.{}f}", value, std::max(0, 3 - exponent));
    if (text.find('.') != std::string::npos) {
      text.erase(text.find_last_not_of('0') + 1);
      if (text.back() == '.') {
        text.pop_back();
      }
    }
    return text;
  }
  const std::string text = fmt::format("{:.3e}", value);
  const std::size_t e = text.find('e');
  std::string mantissa = text.substr(0, e);
  if (mantissa.find('.') != std::string::npos) {
    mantissa.erase(mantissa.find_last_not_of('0') + 1);
    if (mantissa.back() == '.') {
      mantissa.pop_back();
    }
  }
  return fmt::format("{}e{}", mantissa, std::atoi(text.c_str() + e + 1));
}

struct Step {
  double scale;
  const char* suffix;
  const char* singular = nullptr;  // when the number is exactly "1"
};

/// The largest step that keeps the number at 1 or more once rounded, else the smallest; zero
/// in the base unit ("0 s", not "0 ms").
std::string with_step(double value, std::initializer_list<Step> ladder) {
  const Step* chosen = ladder.begin();
  for (const Step& step : ladder) {
    if (std::fabs(value) / step.scale >= 0.99995 || (value == 0.0 && step.scale == 1.0)) {
      chosen = &step;
    }
  }
  const std::string number = significant(value / chosen->scale);
  const char* suffix = chosen->singular != nullptr && (number == "1" || number == "-1")
                           ? chosen->singular
                           : chosen->suffix;
  return number + suffix;
}

constexpr std::initializer_list<Step> kMoneySteps = {
    {1, ""}, {1e3, "K"}, {1e6, "M"}, {1e9, "B"}, {1e12, "T"}};

/// "$60B", "-$5M", "$0.5": the sign goes before the "$".
std::string dollars(double amount, bool with_magnitude) {
  const std::string sign = amount < 0 ? "-" : "";
  const double magnitude = std::fabs(amount);
  return sign + "$" + (with_magnitude ? with_step(magnitude, kMoneySteps) : significant(magnitude));
}

/// Shortest round-tripping decimal of `value * 10^shift`, in plain notation for exponents
/// -7..20 and scientific beyond. Shifting the digits rather than multiplying keeps it exact.
std::string shortest_decimal(double value, int shift) {
  char buffer[64];
  const auto result =
      std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::scientific);
  const std::string_view text(buffer, static_cast<std::size_t>(result.ptr - buffer));
  if (!std::isfinite(value)) {
    return std::string(text);
  }
  const bool negative = text.front() == '-';
  const std::size_t e = text.find('e');
  std::string digits;
  for (char c : text.substr(negative ? 1 : 0, e - (negative ? 1 : 0))) {
    if (c != '.') {
      digits += c;
    }
  }
  const int exponent =
      std::atoi(std::string(text.substr(e + 1)).c_str()) + (value == 0 ? 0 : shift);
  const int count = static_cast<int>(digits.size());
  std::string out = negative ? "-" : "";
  if (exponent >= -7 && exponent < 21) {
    if (exponent >= count - 1) {
      out += digits + std::string(static_cast<std::size_t>(exponent - (count - 1)), '0');
    } else if (exponent >= 0) {
      out += digits.substr(0, static_cast<std::size_t>(exponent + 1)) + "." +
             digits.substr(static_cast<std::size_t>(exponent + 1));
    } else {
      out += "0.";
      out.append(static_cast<std::size_t>(-exponent - 1), '0');
      out += digits;
    }
  } else {
    out += digits.substr(0, 1);
    if (count > 1) {
      // Appended piecewise: GCC 12 misreads `"." + std::string` here as an overlapping copy.
      out += '.';
      out.append(digits, 1);
    }
    out += fmt::format("e{}", exponent);
  }
  return out;
}

}  // namespace detail

const char* dimension_name(Dimension dimension) {
  switch (dimension) {
    case Dimension::money:
      return "money";
    case Dimension::money_per_gpu_time:
      return "money_per_gpu_time";
    case Dimension::energy_price:
      return "energy_price";
    case Dimension::money_per_power:
      return "money_per_power";
    case Dimension::token_price:
      return "token_price";
    case Dimension::power:
      return "power";
    case Dimension::energy:
      return "energy";
    case Dimension::duration:
      return "duration";
    case Dimension::data:
      return "data";
    case Dimension::bandwidth:
      return "bandwidth";
    case Dimension::compute_rate:
      return "compute_rate";
    case Dimension::compute:
      return "compute";
    case Dimension::tokens:
      return "tokens";
    case Dimension::token_rate:
      return "token_rate";
    case Dimension::fraction:
      return "fraction";
    case Dimension::multiplier:
      return "multiplier";
    case Dimension::frequency:
      return "frequency";
  }
  return "?";
}

const char* dimension_description(Dimension dimension) {
  switch (dimension) {
    case Dimension::money:
      return "an amount of money";
    case Dimension::money_per_gpu_time:
      return "a price per GPU-time";
    case Dimension::energy_price:
      return "an energy price";
    case Dimension::money_per_power:
      return "a cost per unit of power";
    case Dimension::token_price:
      return "a price per token";
    case Dimension::power:
      return "a power";
    case Dimension::energy:
      return "an energy";
    case Dimension::duration:
      return "a duration";
    case Dimension::data:
      return "a data size";
    case Dimension::bandwidth:
      return "a bandwidth";
    case Dimension::compute_rate:
      return "a compute rate";
    case Dimension::compute:
      return "an amount of compute";
    case Dimension::tokens:
      return "a token count";
    case Dimension::token_rate:
      return "a token rate";
    case Dimension::fraction:
      return "a percentage";
    case Dimension::multiplier:
      return "a multiplier";
    case Dimension::frequency:
      return "a frequency";
  }
  return "?";
}

std::string dimension_units_hint(Dimension dimension) {
  const char* examples = "";
  switch (dimension) {
    case Dimension::money:
      examples = "\"$60B\" or \"1.5M USD\"";
      break;
    case Dimension::money_per_gpu_time:
      examples = "\"$2/GPU-hour\" or \"2.5 USD/GPU-h\"";
      break;
    case Dimension::energy_price:
      examples = "\"80 USD/MWh\" or \"$0.07/kWh\"";
      break;
    case Dimension::money_per_power:
      examples = "\"$11.7M/MW\" or \"35B USD/GW\"";
      break;
    case Dimension::token_price:
      examples = "\"$2.19/M tokens\" or \"0.28 USD/Mtoken\"";
      break;
    case Dimension::power:
      examples = "\"700 W\" or \"1.2 GW\"";
      break;
    case Dimension::energy:
      examples = "\"500 MWh\" or \"1.2 TWh\"";
      break;
    case Dimension::duration:
      examples = "\"90 days\", \"18 months\" or \"4 h\"";
      break;
    case Dimension::data:
      examples = "\"80 GB\" or \"192 GiB\"";
      break;
    case Dimension::bandwidth:
      examples = "\"3.35 TB/s\" or \"400 Gb/s\"";
      break;
    case Dimension::compute_rate:
      examples = "\"989 TFLOP/s\" or \"2.5 PFLOP/s\"";
      break;
    case Dimension::compute:
      examples = "\"3.8e25 FLOP\" or \"2.5 EFLOP\"";
      break;
    case Dimension::tokens:
      examples = "\"14.8T tokens\" or \"4K tokens\"";
      break;
    case Dimension::token_rate:
      examples = "\"608B tokens/day\" or \"73.7K tokens/s\"";
      break;
    case Dimension::fraction:
      examples = "\"40%\"";
      break;
    case Dimension::multiplier:
      examples = "\"10x\" or \"0.5x\"";
      break;
    case Dimension::frequency:
      examples = "\"3/year\" or \"419 per 54 days\"";
      break;
  }
  return fmt::format("{} such as {}", dimension_description(dimension), examples);
}

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

std::string format_quantity(double value, Dimension dimension) {
  using detail::with_step;
  switch (dimension) {
    case Dimension::money:
      return detail::dollars(value, true);
    case Dimension::money_per_gpu_time:
      return detail::dollars(value * 3600.0, false) + "/GPU-hour";
    case Dimension::energy_price:
      return detail::dollars(value * 3.6e9, false) + "/MWh";
    case Dimension::money_per_power:
      return detail::dollars(value * 1e6, true) + "/MW";
    case Dimension::token_price:
      return detail::dollars(value * 1e6, false) + "/M tokens";
    case Dimension::power:
      return with_step(value, {{1, " W"}, {1e3, " kW"}, {1e6, " MW"}, {1e9, " GW"}, {1e12, " TW"}});
    case Dimension::energy:
      return with_step(value, {{1, " J"},
                               {3.6e3, " Wh"},
                               {3.6e6, " kWh"},
                               {3.6e9, " MWh"},
                               {3.6e12, " GWh"},
                               {3.6e15, " TWh"}});
    case Dimension::duration:
      return with_step(value, {{1e-3, " ms"},
                               {1, " s"},
                               {60, " min"},
                               {3600, " h"},
                               {86400, " days", " day"},
                               {kSecondsPerYear, " years", " year"}});
    case Dimension::data:
      return with_step(value, {{1, " B"},
                               {1e3, " KB"},
                               {1e6, " MB"},
                               {1e9, " GB"},
                               {1e12, " TB"},
                               {1e15, " PB"},
                               {1e18, " EB"}});
    case Dimension::bandwidth:
      return with_step(value, {{1, " B/s"},
                               {1e3, " KB/s"},
                               {1e6, " MB/s"},
                               {1e9, " GB/s"},
                               {1e12, " TB/s"},
                               {1e15, " PB/s"}});
    case Dimension::compute_rate:
      return with_step(value, {{1, " FLOP/s"},
                               {1e3, " KFLOP/s"},
                               {1e6, " MFLOP/s"},
                               {1e9, " GFLOP/s"},
                               {1e12, " TFLOP/s"},
                               {1e15, " PFLOP/s"},
                               {1e18, " EFLOP/s"},
                               {1e21, " ZFLOP/s"}});
    case Dimension::compute:
      // Training budgets are quoted as powers of ten ("3.8e25 FLOP"), not in zetta or yotta.
      if (std::fabs(value) >= 1e21) {
        return detail::significant(value) + " FLOP";
      }
      return with_step(value, {{1, " FLOP"},
                               {1e3, " KFLOP"},
                               {1e6, " MFLOP"},
                               {1e9, " GFLOP"},
                               {1e12, " TFLOP"},
                               {1e15, " PFLOP"},
                               {1e18, " EFLOP"}});
    case Dimension::tokens:
      return with_step(value, {{1, " tokens", " token"},
                               {1e3, "K tokens"},
                               {1e6, "M tokens"},
                               {1e9, "B tokens"},
                               {1e12, "T tokens"}});
    case Dimension::token_rate:
      return with_step(value, {{1, " tokens/s"},
                               {1e3, "K tokens/s"},
                               {1e6, "M tokens/s"},
                               {1e9, "B tokens/s"},
                               {1e12, "T tokens/s"}});
    case Dimension::fraction:
      return detail::significant(value * 100.0) + "%";
    case Dimension::multiplier:
      return detail::significant(value) + "x";
    case Dimension::frequency: {
      // The shortest period in which at least one event is expected: "2/h", "3/year".
      static constexpr std::pair<double, const char*> kPeriods[] = {
          {1, "s"}, {3600, "h"}, {86400, "day"}, {kSecondsPerYear, "year"}};
      for (const auto& [seconds, name] : kPeriods) {
        if (std::fabs(value) * seconds >= 0.99995 || seconds == kSecondsPerYear) {
          return detail::significant(value * seconds) + "/" + name;
        }
      }
      break;
    }
  }
  return detail::significant(value);
}

std::string format_canonical(double value, Dimension dimension) {
  const char* unit = "";
  switch (dimension) {
    case Dimension::money:
      unit = " USD";
      break;
    case Dimension::money_per_gpu_time:
      unit = " USD/GPU-s";
      break;
    case Dimension::energy_price:
      unit = " USD/J";
      break;
    case Dimension::money_per_power:
      unit = " USD/W";
      break;
    case Dimension::token_price:
      unit = " USD/token";
      break;
    case Dimension::power:
      unit = " W";
      break;
    case Dimension::energy:
      unit = " J";
      break;
    case Dimension::duration:
      unit = " s";
      break;
    case Dimension::data:
      unit = " B";
      break;
    case Dimension::bandwidth:
      unit = " B/s";
      break;
    case Dimension::compute_rate:
      unit = " FLOP/s";
      break;
    case Dimension::compute:
      unit = " FLOP";
      break;
    case Dimension::tokens:
      unit = " tokens";
      break;
    case Dimension::token_rate:
      unit = " tokens/s";
      break;
    case Dimension::fraction:
      return detail::shortest_decimal(value, 2) + "%";
    case Dimension::multiplier:
      unit = "x";
      break;
    case Dimension::frequency:
      unit = "/s";
      break;
  }
  return detail::shortest_decimal(value, 0) + unit;
}

}  // namespace capsim
