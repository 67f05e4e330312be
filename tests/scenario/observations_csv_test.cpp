// Demand observations files: the CSV a service's `demand.observations` names, read by the
// scenario layer so that the model receives the rows as data.

#include <filesystem>
#include <string>
#include <utility>

#include <doctest/doctest.h>

#include "capsim/core/diagnostics.hpp"
#include "capsim/scenario/observations_csv.hpp"
#include "scratch_folder.hpp"

namespace capsim::scenario {
namespace {

using test::ScratchFolder;

/// The whole message of the InputError parsing `text` throws, or "no error".
std::string csv_error_of(const std::string& text) {
  try {
    parse_observations_csv(text, "demand_observations.csv");
  } catch (const InputError& error) {
    return error.what();
  }
  return "no error";
}

std::string fixture_path() {
  return (std::filesystem::path(CAPSIM_SOURCE_DIR) / "tests/data/demand_observations.csv").string();
}

TEST_CASE("observations CSV: reads every dated value of the fixture, digit for digit") {
  // The fixture: input tokens/s of a service that starts at DeepSeek's day (608e9 per day)
  // and triples every year, on the first of each month of 2025.
  const auto observations = read_observations_csv(fixture_path());
  REQUIRE(observations.size() == 12);
  CHECK(observations.front().first == Date{2025, 1, 1});
  CHECK(observations.front().second == 7037037.037037037);
  CHECK(observations[5].first == Date{2025, 6, 1});
  CHECK(observations[5].second == 11082535.829013685);
  CHECK(observations.back().first == Date{2025, 12, 1});
  CHECK(observations.back().second == 19217178.712135535);
}

TEST_CASE("observations CSV: trims fields, accepts CRLF, skips blank lines") {
  const auto good = parse_observations_csv(
      " date , value \r\n2025-01-01,10\n\n\t2025-03-01 ,0\r\n2025-09-01,1e3", "inline.csv");
  REQUIRE(good.size() == 3);
  CHECK(good[0] == std::pair<Date, double>{Date{2025, 1, 1}, 10.0});
  CHECK(good[1] == std::pair<Date, double>{Date{2025, 3, 1}, 0.0});
  CHECK(good[2] == std::pair<Date, double>{Date{2025, 9, 1}, 1000.0});
}

TEST_CASE("observations CSV: names file and line of every problem") {
  CHECK(csv_error_of("") ==
        "demand_observations.csv:1: expected the header \"date,value\", found an empty file");
  // A first line that is not the header is not quoted: the file may be any file (issue 22).
  CHECK(csv_error_of("2025-01-01,5\n") ==
        "demand_observations.csv:1: expected a CSV file of observations whose first line is the "
        "header \"date,value\", found another first line");
  CHECK(csv_error_of("root:$6$salt$hash:19000:0:99999:7:::\nsecond:line\n") ==
        "demand_observations.csv:1: expected a CSV file of observations whose first line is the "
        "header \"date,value\", found another first line");
  CHECK(csv_error_of("date,value\n\n") ==
        "demand_observations.csv:2: expected at least one observation after the header, found "
        "none");
  // Quoting is not CSV quoting here: the quotes stay in the field, which is then no number.
  CHECK(csv_error_of("date,value\n2025-01-01,\"5\"\n") ==
        "demand_observations.csv:2: expected a number, found \"\"5\"\"");
  // Blank lines count, CRLF and spaces around fields are accepted, and every problem is
  // reported, each at its own line.
  const std::string text =
      "date,value\r\n"
      "2025-01-01, 10\r\n"
      "\n"
      "2025-02-01,11,extra\n"
      "2025-03-01,12k\n"
      "2025-04-01,-3\n"
      "07/01/2025,14\n"
      "2025-02-30,15\n"
      "2025-01-01,16\n"
      "2025-08-01,inf\n"
      "2025-09-01,1e3\n";
  CHECK(csv_error_of(text) ==
        "demand_observations.csv:4: expected 2 fields (date,value), found 3\n"
        "demand_observations.csv:5: expected a number, found \"12k\"\n"
        "demand_observations.csv:6: expected a number >= 0, found -3\n"
        "demand_observations.csv:7: expected a date (YYYY-MM-DD), found \"07/01/2025\"\n"
        "demand_observations.csv:8: expected a date (YYYY-MM-DD), found \"2025-02-30\"\n"
        "demand_observations.csv:9: expected a date after 2025-01-01 (dates must increase), "
        "found 2025-01-01\n"
        "demand_observations.csv:10: expected a number, found \"inf\"");
}

TEST_CASE("observations CSV: a file's diagnostics name its path as given, with the line") {
  ScratchFolder folder("observations_csv");
  const std::string bad = folder.write("bad.csv", "date,value\n2025-01-01,1\n2025-01-02,x\n");
  try {
    read_observations_csv(bad);
    FAIL("expected an InputError");
  } catch (const InputError& error) {
    REQUIRE(error.diagnostics().size() == 1);
    CHECK(*error.diagnostics()[0].location.file == bad);
    CHECK(error.diagnostics()[0].location.line == 3);
    CHECK(std::string(error.what()) == bad + ":3: expected a number, found \"x\"");
  }

  try {
    read_observations_csv("no/such/demand.csv");
    FAIL("expected an InputError");
  } catch (const InputError& error) {
    CHECK(std::string(error.what()) ==
          "no/such/demand.csv: expected a readable file, found none (no such file, or no "
          "permission)");
  }
}

}  // namespace
}  // namespace capsim::scenario
