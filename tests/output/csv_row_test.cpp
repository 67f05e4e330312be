#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "capsim/output/csv_writer.hpp"

namespace capsim::output {
namespace {

TEST_CASE("csv_row: a row exactly as CsvWriter writes it") {
  const std::vector<CsvCell> cells{"a,b", std::int64_t{-3}, 0.1, "say \"hi\"", -0.0, "", 1e21};
  CsvWriter writer({"1", "2", "3", "4", "5", "6", "7"});
  const std::size_t header = writer.str().size();
  writer.add_row(cells);
  CHECK(csv_row(cells) == writer.str().substr(header));
  CHECK(csv_row(cells) == "\"a,b\",-3,0.1,\"say \"\"hi\"\"\",0,,1e+21\n");
  // The one-column empty field is quoted, as CsvWriter does.
  CHECK(csv_row({""}) == "\"\"\n");
  CHECK_THROWS_AS(csv_row({std::numeric_limits<double>::quiet_NaN()}), std::invalid_argument);
}

TEST_CASE("csv: text a spreadsheet would run as a formula gets a leading quote (OWASP)") {
  CsvWriter writer({"text", "number"});
  for (const char* formula :
       {"=cmd|' /C calc'!A0", "+1+1", "-2+3+cmd|' /C calc'!A0", "@SUM(A1)", "\tjust text", "\r=1"})
    writer.add_row({formula, 1});
  // Plain numbers written as text stay numbers; text merely containing = is left alone.
  writer.add_row({"-0.5", 2});
  writer.add_row({"a=b", 3});
  writer.add_row({"", -4});
  CHECK(writer.str() ==
        "text,number\n"
        "'=cmd|' /C calc'!A0,1\n"
        "'+1+1,1\n"
        "'-2+3+cmd|' /C calc'!A0,1\n"
        "'@SUM(A1),1\n"
        "'\tjust text,1\n"
        "\"'\r=1\",1\n"  // quoted too, for its CR
        "-0.5,2\n"
        "a=b,3\n"
        ",-4\n");
  // A row written alone, and a header, follow the same rule.
  CHECK(csv_row({"=1+1", -1}) == "'=1+1,-1\n");
  CHECK(CsvWriter({"=x", "y"}).str() == "'=x,y\n");
}

}  // namespace
}  // namespace capsim::output
