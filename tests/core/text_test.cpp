#include <doctest/doctest.h>

#include <string>

#include "capsim/core/text.hpp"

namespace capsim {
namespace {

TEST_CASE("find_control_character: C0, DEL and C1 controls, counted in characters") {
  CHECK_FALSE(find_control_character("rsc-h100", false));
  CHECK_FALSE(find_control_character("", false));
  // "é" (C3 A9) and "€" (E2 82 AC) are characters, not controls, and count once each.
  CHECK_FALSE(find_control_character("caf\xC3\xA9 \xE2\x82\xAC", false));

  const auto nul = find_control_character(std::string("ab\0c", 4), false);
  REQUIRE(nul);
  CHECK(nul->code_point == 0x00);
  CHECK(nul->position == 3);

  const auto escape = find_control_character("\xC3\xA9\xC3\xA9\x1B[2J", false);
  REQUIRE(escape);
  CHECK(escape->code_point == 0x1B);
  CHECK(escape->position == 3);  // after two two-byte characters

  const auto del = find_control_character("x\x7F", false);
  REQUIRE(del);
  CHECK(del->code_point == 0x7F);
  CHECK(del->position == 2);

  // U+009B (CSI) is C2 9B in UTF-8; U+00A0 (C2 A0, no-break space) is not a control.
  const auto csi = find_control_character(
      "a\xC2\xA0"
      "b\xC2\x9B",
      false);
  REQUIRE(csi);
  CHECK(csi->code_point == 0x9B);
  CHECK(csi->position == 4);
}

TEST_CASE("find_control_character: prose may hold newlines and tabs, nothing else") {
  CHECK(find_control_character("a\nb", false)->code_point == 0x0A);
  CHECK(find_control_character("a\tb", false)->code_point == 0x09);
  CHECK_FALSE(find_control_character("line one\n\tline two", true));
  const auto carriage_return = find_control_character("a\n\r", true);
  REQUIRE(carriage_return);
  CHECK(carriage_return->code_point == 0x0D);
  CHECK(carriage_return->position == 3);
}

TEST_CASE("code_point_name: U+ and four upper-case hex digits") {
  CHECK(code_point_name(0x00) == "U+0000");
  CHECK(code_point_name(0x1B) == "U+001B");
  CHECK(code_point_name(0x9F) == "U+009F");
}

}  // namespace
}  // namespace capsim
