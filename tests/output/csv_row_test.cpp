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

}  // namespace
}  // namespace capsim::output
