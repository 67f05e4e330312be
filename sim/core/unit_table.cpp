#include "unit_table.hpp"

#include <algorithm>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "capsim/core/time.hpp"

namespace capsim::detail {
namespace {

struct UnitSpelling {
  std::string text;
  Kind kind;
  Scale scale;
  bool any_case;   // words ("USD", "hours"); symbols keep their case
  bool countable;  // takes a magnitude: "60B USD", "4K tokens"
};

// Words before letters, so that "bn" is read as one magnitude rather than "B" then "n".
constexpr Magnitude kMagnitudes[] = {
    {"thousand", 3, true}, {"million", 6, true}, {"billion", 9, true}, {"trillion", 12, true},
    {"bn", 9, true},       {"K", 3, false},      {"k", 3, false},      {"M", 6, false},
    {"B", 9, false},       {"G", 9, false},      {"T", 12, false},
};

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

    // Greenhouse gases as CO2-equivalent mass, in grams: g, kg, t (tonne), kt, Mt.
    for (const Prefix prefix :
         {Prefix{"g", 0}, Prefix{"kg", 3}, Prefix{"t", 6}, Prefix{"kt", 9}, Prefix{"Mt", 12}}) {
      symbol(std::string(prefix.text) + "CO2e", Kind::carbon, {prefix.pow10});
    }

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

}  // namespace

const Magnitude* find_magnitude(std::string_view text) {
  for (const Magnitude& magnitude : kMagnitudes) {
    if (magnitude.any_case ? equal_any_case(magnitude.text, text) : magnitude.text == text) {
      return &magnitude;
    }
  }
  return nullptr;
}

bool is_unit(std::string_view text) {
  return find_unit(text) != nullptr;
}

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

}  // namespace capsim::detail
