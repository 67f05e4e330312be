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

TEST_CASE(
    "name_problem: letters, digits, space and -_.:/()+, from a letter or digit, 128 at most") {
  for (const char* good : {"meta-2025", "H100 SXM", "site_a.b:c/d(e)+f", "9th", "Z\xC3\xBCrich",
                           "\xE6\x9D\xB1\xE4\xBA\xAC", "\xD0\x9C\xD0\xBE\xD1\x81"}) {
    INFO(good);
    CHECK_FALSE(name_problem(good));
  }
  const std::string expected =
      "expected a name of letters, digits, spaces and - _ . : / ( ) +, starting with a letter or "
      "a digit, found ";
  CHECK_FALSE(name_problem(""));  // "no name", where a key allows none (cluster: "" is any)
  CHECK(name_problem("=cmd|' /C calc'!A0") == expected + "'=' (U+003D) at character 1");
  CHECK(name_problem("-x") == expected + "'-' (U+002D) at character 1");
  CHECK(name_problem(" x") == expected + "U+0020 at character 1");
  CHECK(name_problem("<img src=x onerror=alert(1)>") == expected + "'<' (U+003C) at character 1");
  CHECK(name_problem("a<b") == expected + "'<' (U+003C) at character 2");
  CHECK(name_problem("a,b") == expected + "',' (U+002C) at character 2");
  CHECK(name_problem("a\x1b[2J") == expected + "U+001B at character 2");
  // U+202E (right-to-left override) reorders what a terminal shows; U+00D7 is a sign.
  CHECK(name_problem("ab\xE2\x80\xAE") == expected + "U+202E at character 3");
  CHECK(name_problem("2\xC3\x97"
                     "3") == expected + "U+00D7 at character 2");
  CHECK(name_problem("a\xFF") == expected + "byte 0xff (not UTF-8) at character 2");
  CHECK_FALSE(name_problem(std::string(128, 'a')));
  CHECK(name_problem(std::string(129, 'a')) ==
        "expected a name of at most 128 characters, found 129");
  // Characters, not bytes: 128 two-byte letters are a name.
  std::string umlauts;
  for (int i = 0; i < 128; ++i)
    umlauts += "\xC3\xBC";
  CHECK_FALSE(name_problem(umlauts));
}

TEST_CASE("excerpt: short, cut between characters, control characters and non-UTF-8 as '?'") {
  CHECK(excerpt("site-a") == "site-a");
  CHECK(excerpt("a\x1b[2Jb\x07\n\t\x7f\xC2\x9B.") == "a?[2Jb?????.");
  CHECK(excerpt("a\xFF"
                "b") == "a?b");
  CHECK(excerpt(std::string(60, 'x')) == std::string(60, 'x'));
  CHECK(excerpt(std::string(61, 'x')) == std::string(57, 'x') + "...");
  // A cut that would fall inside "\xC3\xA9" falls before it.
  CHECK(excerpt(std::string(56, 'x') + "\xC3\xA9" + std::string(10, 'y')) ==
        std::string(56, 'x') + "...");
  CHECK(excerpt("abcdefgh", 6) == "abc...");
  CHECK(without_control_characters(std::string(100, 'x') + "\x1b") == std::string(100, 'x') + "?");
}

TEST_CASE("terminal_text: escapes what drives a terminal, keeps newline, tab and letters") {
  CHECK(terminal_text("plain text, caf\xC3\xA9\n\tnext") == "plain text, caf\xC3\xA9\n\tnext");
  // The scenario name: clears the screen and recolours the output when printed raw.
  CHECK(terminal_text("a\x1b[2J\x1b[31mRED") == "a\\x1b[2J\\x1b[31mRED");
  CHECK(terminal_text("\r\x07\x7f") == "\\x0d\\x07\\x7f");
  CHECK(terminal_text("\xC2\x9B"
                      "2J") == "\\u009b2J");
  CHECK(terminal_text("abc\xE2\x80\xAE"
                      "cba") == "abc\\u202ecba");
  CHECK(terminal_text("\xFF\xC3") == "\\xff\\xc3");
  // Overlong and surrogate encodings are not UTF-8: each byte is escaped.
  CHECK(terminal_text("\xC0\xAF") == "\\xc0\\xaf");
  CHECK(terminal_text("\xED\xA0\x80") == "\\xed\\xa0\\x80");
}

}  // namespace
}  // namespace capsim
