#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "capsim/core/units.hpp"

namespace capsim {
namespace {

using D = Dimension;

double parse(std::string_view text, Dimension dimension) {
  return parse_quantity(text, dimension);
}

/// The whole message of the UnitError that parsing throws, or "no error".
std::string error_of(std::string_view text, Dimension dimension) {
  try {
    parse_quantity(text, dimension);
  } catch (const UnitError& error) {
    return error.what();
  }
  return "no error";
}

std::string date_error_of(std::string_view text) {
  try {
    parse_date(text);
  } catch (const UnitError& error) {
    return error.what();
  }
  return "no error";
}

bool contains(const std::string& text, std::string_view fragment) {
  return text.find(fragment) != std::string::npos;
}

/// The quoted examples of a dimension's hint: `a power such as "700 W" or "1.2 GW"`.
std::vector<std::string> hint_examples(Dimension dimension) {
  const std::string hint = dimension_units_hint(dimension);
  std::vector<std::string> examples;
  for (std::size_t open = hint.find('"'); open != std::string::npos;) {
    const std::size_t close = hint.find('"', open + 1);
    examples.push_back(hint.substr(open + 1, close - open - 1));
    open = hint.find('"', close + 1);
  }
  return examples;
}

constexpr double kHour = 3600.0;
constexpr double kDay = 86400.0;
constexpr double kYear = 365.25 * 86400.0;

TEST_CASE("units: money") {
  CHECK(parse("$60B", D::money) == 60e9);
  CHECK(parse("60B USD", D::money) == 60e9);
  CHECK(parse("60 B USD", D::money) == 60e9);
  CHECK(parse("1.5M USD", D::money) == 1.5e6);
  CHECK(parse("1.5 M usd", D::money) == 1.5e6);
  CHECK(parse("$25K", D::money) == 25e3);
  CHECK(parse("$25k", D::money) == 25e3);
  CHECK(parse("$0.5", D::money) == 0.5);
  CHECK(parse("$1.2T", D::money) == 1.2e12);
  CHECK(parse("60 billion USD", D::money) == 60e9);
  CHECK(parse("60bn USD", D::money) == 60e9);
  CHECK(parse("$60 billion", D::money) == 60e9);
  CHECK(parse("250 cents", D::money) == 2.5);
  CHECK(parse("100 dollars", D::money) == 100.0);
  CHECK(parse("-$5M", D::money) == -5e6);
  CHECK(parse("-5M USD", D::money) == -5e6);
  CHECK(parse("$1,979", D::money) == 1979.0);
  CHECK(parse("12,345.5 USD", D::money) == 12345.5);
}

TEST_CASE("units: money per GPU-time is USD per GPU-second") {
  CHECK(parse("2 USD/GPU-hour", D::money_per_gpu_time) == 2.0 / kHour);
  CHECK(parse("$2/GPU-h", D::money_per_gpu_time) == 2.0 / kHour);
  CHECK(parse("$2/GPU-hr", D::money_per_gpu_time) == 2.0 / kHour);
  CHECK(parse("$2 per GPU hour", D::money_per_gpu_time) == 2.0 / kHour);
  CHECK(parse("$2/GPUh", D::money_per_gpu_time) == 2.0 / kHour);
  CHECK(parse("2.5 usd / gpu-hours", D::money_per_gpu_time) == 2.5 / kHour);
  CHECK(parse("$48/GPU-day", D::money_per_gpu_time) == 48.0 / kDay);
  CHECK(parse("0.5 USD/GPU-s", D::money_per_gpu_time) == 0.5);
}

TEST_CASE("units: energy price is USD per joule") {
  CHECK(parse("80 USD/MWh", D::energy_price) == 80e-6 / kHour);
  CHECK(parse("80 usd per MWh", D::energy_price) == 80e-6 / kHour);
  CHECK(parse("$80/MWh", D::energy_price) == 80e-6 / kHour);
  CHECK(parse("$0.07/kWh", D::energy_price) == 0.07e-3 / kHour);
  CHECK(parse("7.13 cents/kWh", D::energy_price) == 7.13e-5 / kHour);
  CHECK(parse("2 USD/GJ", D::energy_price) == 2e-9);
  CHECK(parse("1 USD/J", D::energy_price) == 1.0);
  // Same price, different spellings.
  CHECK(parse("$0.08/kWh", D::energy_price) ==
        doctest::Approx(parse("80 USD/MWh", D::energy_price)).epsilon(1e-15));
}

TEST_CASE("units: money per power is USD per watt") {
  CHECK(parse("11.7M USD/MW", D::money_per_power) == 11.7);
  CHECK(parse("$11.7M/MW", D::money_per_power) == 11.7);
  CHECK(parse("$35B/GW", D::money_per_power) == 35.0);
  CHECK(parse("35B USD/GW", D::money_per_power) == 35.0);
  CHECK(parse("$12K/kW", D::money_per_power) == 12.0);
  CHECK(parse("12 USD/W", D::money_per_power) == 12.0);
}

TEST_CASE("units: token price is USD per token") {
  CHECK(parse("0.28 USD/Mtoken", D::token_price) == 0.28e-6);
  CHECK(parse("$2.19/M tokens", D::token_price) == 2.19e-6);
  CHECK(parse("$2.19/1M tokens", D::token_price) == 2.19e-6);
  CHECK(parse("$0.07 per million tokens", D::token_price) == 0.07e-6);
  CHECK(parse("$3/MTok", D::token_price) == 3e-6);
  CHECK(parse("$0.5/1K tokens", D::token_price) == 0.5e-3);
  CHECK(parse("$0.002/token", D::token_price) == 0.002);
}

TEST_CASE("units: power") {
  CHECK(parse("700 W", D::power) == 700.0);
  CHECK(parse("700W", D::power) == 700.0);
  CHECK(parse("150 kW", D::power) == 150e3);
  CHECK(parse("35 MW", D::power) == 35e6);
  CHECK(parse("1.2 GW", D::power) == 1.2e9);
  CHECK(parse("1.2GW", D::power) == 1.2e9);
  CHECK(parse("1 TW", D::power) == 1e12);
}

TEST_CASE("units: energy is joules") {
  CHECK(parse("1 J", D::energy) == 1.0);
  CHECK(parse("5 GJ", D::energy) == 5e9);
  CHECK(parse("10 Wh", D::energy) == 36000.0);
  CHECK(parse("3 kWh", D::energy) == 1.08e7);
  CHECK(parse("500 MWh", D::energy) == 1.8e12);
  CHECK(parse("2 GWh", D::energy) == 7.2e12);
  CHECK(parse("1.2 TWh", D::energy) == 1.2e12 * kHour);
}

TEST_CASE("units: duration is seconds, months and years are Julian") {
  CHECK(parse("45 s", D::duration) == 45.0);
  CHECK(parse("200 ms", D::duration) == 0.2);
  CHECK(parse("30 min", D::duration) == 1800.0);
  CHECK(parse("4 h", D::duration) == 14400.0);
  CHECK(parse("4 hours", D::duration) == 14400.0);
  CHECK(parse("4 Hours", D::duration) == 14400.0);
  CHECK(parse("1.5 d", D::duration) == 129600.0);
  CHECK(parse("90 days", D::duration) == 7776000.0);
  CHECK(parse("10 Days", D::duration) == 864000.0);
  CHECK(parse("1 week", D::duration) == 604800.0);
  CHECK(parse("2 weeks", D::duration) == 1209600.0);
  CHECK(parse("1 month", D::duration) == 2629800.0);  // 30.4375 days
  CHECK(parse("18 months", D::duration) == 47336400.0);
  CHECK(parse("1 quarter", D::duration) == 7889400.0);
  CHECK(parse("1 y", D::duration) == 31557600.0);
  CHECK(parse("2 years", D::duration) == 63115200.0);
  CHECK(parse("12 months", D::duration) == parse("1 year", D::duration));
}

TEST_CASE("units: data is bytes, decimal and binary, bits are an eighth") {
  CHECK(parse("64 B", D::data) == 64.0);
  CHECK(parse("1 byte", D::data) == 1.0);
  CHECK(parse("1 kB", D::data) == 1000.0);
  CHECK(parse("1 KB", D::data) == 1000.0);
  CHECK(parse("80 GB", D::data) == 80e9);
  CHECK(parse("2 TB", D::data) == 2e12);
  CHECK(parse("1 PB", D::data) == 1e15);
  CHECK(parse("2.5EB", D::data) == 2.5e18);  // "E" followed by a letter is a prefix
  CHECK(parse("1 KiB", D::data) == 1024.0);
  CHECK(parse("192 GiB", D::data) == 206158430208.0);
  CHECK(parse("1 TiB", D::data) == 1099511627776.0);
  CHECK(parse("8 Gb", D::data) == 1e9);
  CHECK(parse("16 bits", D::data) == 2.0);
}

TEST_CASE("units: bandwidth is bytes per second") {
  CHECK(parse("3.35 TB/s", D::bandwidth) == 3.35e12);
  CHECK(parse("900 GB/s", D::bandwidth) == 900e9);
  CHECK(parse("100 MB/s", D::bandwidth) == 100e6);
  CHECK(parse("400 Gb/s", D::bandwidth) == 50e9);
  CHECK(parse("400 Gbps", D::bandwidth) == 50e9);
  CHECK(parse("1 Tb/s", D::bandwidth) == 125e9);
  CHECK(parse("3.6 TB/h", D::bandwidth) == 1e9);
}

TEST_CASE("units: compute rate is FLOP per second") {
  CHECK(parse("989 TFLOP/s", D::compute_rate) == 989e12);
  CHECK(parse("989 TFLOPS", D::compute_rate) == 989e12);
  CHECK(parse("2.5 PFLOP/s", D::compute_rate) == 2.5e15);
  CHECK(parse("1 EFLOP/s", D::compute_rate) == 1e18);
  CHECK(parse("312 GFLOP/s", D::compute_rate) == 312e9);
  CHECK(parse("5 FLOP/s", D::compute_rate) == 5.0);
}

TEST_CASE("units: compute is FLOP") {
  CHECK(parse("3.8e25 FLOP", D::compute) == 3.8e25);
  CHECK(parse("3.8E25 FLOP", D::compute) == 3.8e25);
  CHECK(parse("6e24 FLOPs", D::compute) == 6e24);
  CHECK(parse("2.5 GFLOP", D::compute) == 2.5e9);
  CHECK(parse("1 EFLOP", D::compute) == 1e18);
  CHECK(parse("1 ZFLOP", D::compute) == 1e21);
}

TEST_CASE("units: tokens") {
  CHECK(parse("608B tokens", D::tokens) == 608e9);
  CHECK(parse("14.8T tokens", D::tokens) == 14.8e12);
  CHECK(parse("4K tokens", D::tokens) == 4000.0);
  CHECK(parse("4k tokens", D::tokens) == 4000.0);
  CHECK(parse("1.5Mtokens", D::tokens) == 1.5e6);
  CHECK(parse("2 million tokens", D::tokens) == 2e6);
  CHECK(parse("1 token", D::tokens) == 1.0);
  CHECK(parse("100 Tokens", D::tokens) == 100.0);
}

TEST_CASE("units: token rate is tokens per second") {
  CHECK(parse("608B tokens/day", D::token_rate) == 608e9 / kDay);
  CHECK(parse("73.7K tokens/s", D::token_rate) == 73700.0);
  CHECK(parse("1M tokens/h", D::token_rate) == 1e6 / kHour);
  CHECK(parse("1,000 tokens per second", D::token_rate) == 1000.0);
}

TEST_CASE("units: fraction is a percentage") {
  CHECK(parse("40%", D::fraction) == 0.4);
  CHECK(parse("40 %", D::fraction) == 0.4);
  CHECK(parse("40 percent", D::fraction) == 0.4);
  CHECK(parse("12.5%", D::fraction) == 0.125);
  CHECK(parse("0.5%", D::fraction) == 0.005);
  CHECK(parse("100%", D::fraction) == 1.0);
}

TEST_CASE("units: multiplier") {
  CHECK(parse("10x", D::multiplier) == 10.0);
  CHECK(parse("0.5x", D::multiplier) == 0.5);
  CHECK(parse("10 X", D::multiplier) == 10.0);
  CHECK(parse("3\u00d7", D::multiplier) == 3.0);
}

TEST_CASE("units: frequency is events per second") {
  CHECK(parse("3/year", D::frequency) == 3.0 / kYear);
  CHECK(parse("3 per year", D::frequency) == 3.0 / kYear);
  CHECK(parse("419 per 54 days", D::frequency) == 419.0 / (54.0 * kDay));
  CHECK(parse("2/h", D::frequency) == 2.0 / kHour);
  CHECK(parse("1/day", D::frequency) == 1.0 / kDay);
  CHECK(parse("2 per month", D::frequency) == 2.0 / 2629800.0);
}

TEST_CASE("units: number syntax") {
  CHECK(parse("1,979 W", D::power) == 1979.0);
  CHECK(parse("1,979,000 W", D::power) == 1979000.0);
  CHECK(parse("+5 W", D::power) == 5.0);
  CHECK(parse("-5 W", D::power) == -5.0);  // ranges are the loader's check
  CHECK(parse("  700 W\t", D::power) == 700.0);
  CHECK(parse("1e3 W", D::power) == 1000.0);
  CHECK(parse("1E+3 W", D::power) == 1000.0);
  CHECK(parse("5e-3 s", D::duration) == 0.005);
  CHECK(parse("0.1 W", D::power) == 0.1);
  CHECK(parse("0e-999 W", D::power) == 0.0);

  CHECK(error_of("1,97 W", D::power) ==
        "expected a power such as \"700 W\" or \"1.2 GW\", found \"1,97 W\" (misplaced \",\" in "
        "the number: it may only separate groups of three digits, as in \"1,979\")");
  CHECK(contains(error_of("5,5 W", D::power), "misplaced \",\""));
  CHECK(contains(error_of("1979,5 W", D::power), "misplaced \",\""));
  CHECK(contains(error_of("1,9790 W", D::power), "misplaced \",\""));
  CHECK(contains(error_of("1.5,000 W", D::power), "misplaced \",\""));
  CHECK(contains(error_of(".5 W", D::power), "(a number needs a digit before \".\""));
  CHECK(contains(error_of("5. W", D::power), "(a number needs a digit after \".\""));
  CHECK(contains(error_of("$-5", D::money), "(a sign must come first"));
  CHECK(contains(error_of("- 5 W", D::power), "(no number)"));
}

TEST_CASE("units: a bare number is an error everywhere") {
  CHECK(error_of("700", D::power) ==
        "expected a power such as \"700 W\" or \"1.2 GW\", found \"700\" (a number without a "
        "unit)");
  CHECK(error_of("0.4", D::fraction) ==
        "expected a percentage such as \"40%\", found \"0.4\" (a number without a unit)");
  CHECK(error_of("60K", D::tokens) ==
        "expected a token count such as \"14.8T tokens\" or \"4K tokens\", found \"60K\" (a "
        "number without a unit)");
  for (const Dimension dimension : kAllDimensions) {
    CHECK_THROWS_WITH_AS(parse("42", dimension), doctest::Contains("(a number without a unit)"),
                         UnitError);
  }
}

TEST_CASE("units: a quantity of another dimension names what it is") {
  CHECK(error_of("60 GB", D::power) ==
        "expected a power such as \"700 W\" or \"1.2 GW\", found \"60 GB\" (a data size)");
  // "60B" alone is 60 bytes: a magnitude needs a count unit after it.
  CHECK(contains(error_of("60B", D::tokens), "found \"60B\" (a data size)"));
  CHECK(contains(error_of("700 W", D::energy), "(a power)"));
  CHECK(contains(error_of("3.8e25 FLOPS", D::compute), "(a compute rate)"));
  CHECK(contains(error_of("5 ms", D::power), "(a duration)"));
  CHECK(contains(error_of("$2/GPU-hour", D::money), "(a price per GPU-time)"));
  // Every hint example is recognised for what it is wherever another dimension is expected.
  for (const Dimension actual : kAllDimensions) {
    for (const std::string& example : hint_examples(actual)) {
      for (const Dimension expected : kAllDimensions) {
        if (expected == actual) {
          continue;
        }
        try {
          parse_quantity(example, expected);
          FAIL_CHECK("no error for \"" << example << "\" as " << dimension_name(expected));
        } catch (const UnitError& error) {
          CHECK(error.reason() == dimension_description(actual));
          CHECK(error.expected() == dimension_units_hint(expected));
        }
      }
    }
  }
}

TEST_CASE("units: unknown units and case-sensitive symbols") {
  CHECK(error_of("5 mW", D::power) ==
        "expected a power such as \"700 W\" or \"1.2 GW\", found \"5 mW\" (unknown unit \"mW\"; "
        "units are case-sensitive: did you mean \"MW\"?)");
  CHECK(contains(error_of("5 mWh", D::energy), "did you mean \"MWh\"?"));
  CHECK(contains(error_of("5 gw", D::power),
                 "(unknown unit \"gw\"; units are case-sensitive: "
                 "did you mean \"GW\"?)"));
  CHECK(contains(error_of("5 gb/s", D::bandwidth), "did you mean \"GB\" or \"Gb\"?"));
  CHECK(contains(error_of("5 tflop/s", D::compute_rate), "did you mean \"TFLOP\"?"));
  CHECK(contains(error_of("700 furlongs", D::power), "(unknown unit \"furlongs\")"));
  CHECK(contains(error_of("60b tokens", D::tokens), "(unknown unit \"b tokens\")"));
  CHECK(contains(error_of("5 G W", D::power), "(unknown unit \"G W\")"));
  CHECK(contains(error_of("$60B USD", D::money),
                 "(\"B USD\" after a \"$\" amount: write \"$60B\" or \"60B USD\", not both)"));
  CHECK(contains(error_of("5 USD/s", D::money), "(unsupported unit \"USD/s\")"));
  CHECK(contains(error_of("9%/year", D::frequency), "(unsupported unit \"%/year\")"));
  CHECK(contains(error_of("1 GB/s/s", D::bandwidth), "(more than one \"/\" or \"per\")"));
  CHECK(contains(error_of("5 USD/", D::money), "(no unit after \"/\")"));
  CHECK(contains(error_of("3 per 54", D::frequency), "(no unit after \"54\")"));
  CHECK(contains(error_of("3/0 days", D::frequency),
                 "(the count in the denominator must be positive)"));
}

TEST_CASE("units: empty, junk, non-finite and out-of-range text") {
  CHECK(error_of("", D::power) ==
        "expected a power such as \"700 W\" or \"1.2 GW\", found \"\" (empty)");
  CHECK(contains(error_of("  \t", D::power), "(empty)"));
  CHECK(contains(error_of("W", D::power), "found \"W\" (no number)"));
  CHECK(contains(error_of("abc", D::power), "(no number)"));
  CHECK(contains(error_of("$", D::money), "(no number)"));
  CHECK(contains(error_of("700 W extra", D::power), "(unknown unit \"W extra\")"));
  CHECK(contains(error_of("700 W,", D::power), "(unknown unit \"W,\")"));
  CHECK(contains(error_of("nan W", D::power), "(not a finite number)"));
  CHECK(contains(error_of("inf W", D::power), "(not a finite number)"));
  CHECK(contains(error_of("-Infinity W", D::power), "(not a finite number)"));
  CHECK(contains(error_of("1e999 W", D::power), "(out of range)"));
  CHECK(contains(error_of("1e-999 W", D::power), "(out of range)"));
  CHECK(contains(error_of("1e99999999999999999999 W", D::power), "(out of range)"));
  CHECK(contains(error_of("1e308 TW", D::power), "(out of range)"));
  CHECK(contains(error_of("1.7e308 GiB", D::data), "(out of range)"));
}

TEST_CASE("units: UnitError carries expected, found and reason") {
  try {
    parse_quantity("60 GB", D::power);
    FAIL("no error");
  } catch (const UnitError& error) {
    CHECK(error.expected() == "a power such as \"700 W\" or \"1.2 GW\"");
    CHECK(error.found() == "60 GB");
    CHECK(error.reason() == "a data size");
  }
  const UnitError plain("a thing", "x", "");
  CHECK(std::string(plain.what()) == "expected a thing, found \"x\"");
}

TEST_CASE("units: every hint example parses as its dimension") {
  for (const Dimension dimension : kAllDimensions) {
    const std::vector<std::string> examples = hint_examples(dimension);
    CHECK(!examples.empty());
    for (const std::string& example : examples) {
      CAPTURE(example);
      CHECK_NOTHROW(parse_quantity(example, dimension));
    }
  }
  CHECK(dimension_units_hint(D::power) == "a power such as \"700 W\" or \"1.2 GW\"");
}

TEST_CASE("units: dimension names") {
  CHECK(std::string(dimension_name(D::money)) == "money");
  CHECK(std::string(dimension_name(D::money_per_gpu_time)) == "money_per_gpu_time");
  CHECK(std::string(dimension_name(D::power)) == "power");
  CHECK(std::string(dimension_name(D::frequency)) == "frequency");
  CHECK(std::string(dimension_description(D::data)) == "a data size");
  std::vector<std::string> names;
  for (const Dimension dimension : kAllDimensions) {
    names.emplace_back(dimension_name(dimension));
  }
  for (std::size_t i = 0; i < names.size(); ++i) {
    for (std::size_t j = i + 1; j < names.size(); ++j) {
      CHECK(names[i] != names[j]);
    }
  }
  CHECK(names.size() == 19);
}

TEST_CASE("units: human formatting picks a sensible unit") {
  CHECK(format_quantity(60e9, D::money) == "$60B");
  CHECK(format_quantity(1.5e6, D::money) == "$1.5M");
  CHECK(format_quantity(25e3, D::money) == "$25K");
  CHECK(format_quantity(0.5, D::money) == "$0.5");
  CHECK(format_quantity(-5e6, D::money) == "-$5M");
  CHECK(format_quantity(0.0, D::money) == "$0");
  CHECK(format_quantity(999.99, D::money) == "$1K");
  CHECK(format_quantity(2.0 / kHour, D::money_per_gpu_time) == "$2/GPU-hour");
  CHECK(format_quantity(80e-6 / kHour, D::energy_price) == "$80/MWh");
  CHECK(format_quantity(11.7, D::money_per_power) == "$11.7M/MW");
  CHECK(format_quantity(2.19e-6, D::token_price) == "$2.19/M tokens");
  CHECK(format_quantity(1.2e9, D::power) == "1.2 GW");
  CHECK(format_quantity(700.0, D::power) == "700 W");
  CHECK(format_quantity(123456789.0, D::power) == "123.5 MW");
  CHECK(format_quantity(1.8e12, D::energy) == "500 MWh");
  CHECK(format_quantity(7776000.0, D::duration) == "90 days");
  CHECK(format_quantity(86400.0, D::duration) == "1 day");
  CHECK(format_quantity(47336400.0, D::duration) == "1.5 years");
  CHECK(format_quantity(14400.0, D::duration) == "4 h");
  CHECK(format_quantity(0.2, D::duration) == "200 ms");
  CHECK(format_quantity(0.0, D::duration) == "0 s");
  CHECK(format_quantity(80e9, D::data) == "80 GB");
  CHECK(format_quantity(3.35e12, D::bandwidth) == "3.35 TB/s");
  CHECK(format_quantity(989e12, D::compute_rate) == "989 TFLOP/s");
  CHECK(format_quantity(3.8e25, D::compute) == "3.8e25 FLOP");
  CHECK(format_quantity(2.5e9, D::compute) == "2.5 GFLOP");
  CHECK(format_quantity(608e9, D::tokens) == "608B tokens");
  CHECK(format_quantity(1.0, D::tokens) == "1 token");
  CHECK(format_quantity(73700.0, D::token_rate) == "73.7K tokens/s");
  CHECK(format_quantity(0.4, D::fraction) == "40%");
  CHECK(format_quantity(0.12345, D::fraction) == "12.35%");
  CHECK(format_quantity(10.0, D::multiplier) == "10x");
  CHECK(format_quantity(3.0 / kYear, D::frequency) == "3/year");
  CHECK(format_quantity(2.0 / kHour, D::frequency) == "2/h");
  CHECK(format_quantity(1e-9, D::power) == "1e-9 W");
}

TEST_CASE("units: human formatting round-trips within 1e-3") {
  std::vector<double> values;
  for (double value = 1e-12; value < 1e30; value *= 7.3) {
    values.push_back(value);
  }
  values.insert(values.end(), {0.0, 1.0, 999.96, 999999.6, 0.999996, 1.0005e6});
  for (const Dimension dimension : kAllDimensions) {
    for (const double magnitude : values) {
      for (const double value : {magnitude, -magnitude}) {
        const std::string text = format_quantity(value, dimension);
        CAPTURE(text);
        double parsed = std::numeric_limits<double>::quiet_NaN();
        CHECK_NOTHROW(parsed = parse_quantity(text, dimension));
        CHECK(std::fabs(parsed - value) <= 1e-3 * std::fabs(value));
      }
    }
  }
}

TEST_CASE("units: canonical formatting") {
  CHECK(format_canonical(60e9, D::money) == "60000000000 USD");
  CHECK(format_canonical(1.2e9, D::power) == "1200000000 W");
  CHECK(format_canonical(3.8e25, D::compute) == "3.8e25 FLOP");
  CHECK(format_canonical(1e21, D::compute) == "1e21 FLOP");
  CHECK(format_canonical(1e20, D::compute) == "100000000000000000000 FLOP");
  CHECK(format_canonical(0.4, D::fraction) == "40%");
  CHECK(format_canonical(1.0 / 3.0, D::fraction) == "33.33333333333333%");
  CHECK(format_canonical(0.0, D::fraction) == "0%");
  CHECK(format_canonical(10.0, D::multiplier) == "10x");
  CHECK(format_canonical(1e-4, D::frequency) == "0.0001/s");
  CHECK(format_canonical(2.5e-8, D::energy_price) == "2.5e-8 USD/J");
  CHECK(format_canonical(-0.5, D::money_per_gpu_time) == "-0.5 USD/GPU-s");
  CHECK(format_canonical(3.35e12, D::bandwidth) == "3350000000000 B/s");
}

TEST_CASE("units: canonical formatting round-trips exactly") {
  std::vector<double> values = {0.0,
                                -0.0,
                                0.1,
                                1.0 / 3.0,
                                2.0 / 3600.0,
                                80e-6 / 3600.0,
                                608e9 / 86400.0,
                                std::numeric_limits<double>::max(),
                                std::numeric_limits<double>::lowest(),
                                std::numeric_limits<double>::min(),
                                std::numeric_limits<double>::denorm_min(),
                                1e-7,
                                1e21,
                                123456789012345678.0};
  std::uint64_t state = 0x9e3779b97f4a7c15ULL;
  while (values.size() < 2000) {
    // splitmix64 over bit patterns: every exponent, sign and mantissa shape.
    std::uint64_t bits = (state += 0x9e3779b97f4a7c15ULL);
    bits = (bits ^ (bits >> 30)) * 0xbf58476d1ce4e5b9ULL;
    bits = (bits ^ (bits >> 27)) * 0x94d049bb133111ebULL;
    bits ^= bits >> 31;
    double value = 0.0;
    std::memcpy(&value, &bits, sizeof value);
    if (std::isfinite(value)) {
      values.push_back(value);
    }
  }
  for (const Dimension dimension : kAllDimensions) {
    int mismatches = 0;
    for (const double value : values) {
      const std::string text = format_canonical(value, dimension);
      double parsed = std::numeric_limits<double>::quiet_NaN();
      try {
        parsed = parse_quantity(text, dimension);
      } catch (const UnitError& error) {
        FAIL_CHECK(std::string(error.what()));
      }
      if (parsed != value) {
        ++mismatches;
        CAPTURE(text);
        CHECK(parsed == value);
      }
    }
    CHECK(mismatches == 0);
  }
}

TEST_CASE("units: dates") {
  CHECK(parse_date("2025-01-20") == Date{2025, 1, 20});
  CHECK(parse_date("2024-02-29") == Date{2024, 2, 29});
  CHECK(parse_date(" 2025-07-01 ") == Date{2025, 7, 1});
  CHECK(parse_date("2025-07") == Date{2025, 7, 1});
  CHECK(parse_date("2025-Q1") == Date{2025, 1, 1});
  CHECK(parse_date("2025-Q3") == Date{2025, 7, 1});
  CHECK(parse_date("2025-Q4") == Date{2025, 10, 1});
}

TEST_CASE("units: invalid dates") {
  CHECK(date_error_of("2025-02-30") ==
        "expected a date such as \"2025-07-01\", \"2025-07\" or \"2025-Q3\", found \"2025-02-30\" "
        "(February 2025 has 28 days)");
  CHECK(contains(date_error_of("2023-02-29"), "(February 2023 has 28 days)"));
  CHECK(contains(date_error_of("2025-04-31"), "(April 2025 has 30 days)"));
  CHECK(contains(date_error_of("2025-01-00"), "(January 2025 has 31 days)"));
  CHECK(contains(date_error_of("2025-13"), "(month 13 does not exist)"));
  CHECK(contains(date_error_of("2025-00-10"), "(month 0 does not exist)"));
  CHECK(contains(date_error_of("2025-Q5"), "(quarter 5 does not exist: quarters are Q1 to Q4)"));
  CHECK(contains(date_error_of("2025-Q0"), "(quarter 0 does not exist"));
  const char* kForm = "(not in the form YYYY-MM-DD, YYYY-MM or YYYY-Qn)";
  for (const char* text :
       {"2025-1-5", "2025-01-5", "2025/01/05", "25-01-05", "", "2025", "2025-q3", "2025-Q",
        "2025-07-01T00:00", "2025-07-01x", "20250701", "2025-Q34", "+2025-01-01"}) {
    CAPTURE(text);
    CHECK(contains(date_error_of(text), kForm));
    CHECK_THROWS_AS(parse_date(text), UnitError);
  }
}

}  // namespace
}  // namespace capsim
