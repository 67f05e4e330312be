#include <doctest/doctest.h>

#include <string>

#include "capsim/core/dimension.hpp"
#include "capsim/core/units.hpp"

namespace capsim {
namespace {

TEST_CASE("dimension: the canonical unit is what format_canonical writes and parses back") {
  for (const Dimension dimension : kAllDimensions) {
    INFO(dimension_name(dimension));
    const std::string unit = dimension_canonical_unit(dimension);
    CHECK(format_canonical(dimension == Dimension::fraction ? 0.02 : 2.0, dimension) == "2" + unit);
    CHECK(parse_quantity("2" + unit, dimension) == (dimension == Dimension::fraction ? 0.02 : 2.0));
  }
  CHECK(std::string(dimension_canonical_unit(Dimension::money_per_gpu_time)) == " USD/GPU-s");
  CHECK(std::string(dimension_canonical_unit(Dimension::frequency)) == "/s");
}

}  // namespace
}  // namespace capsim
