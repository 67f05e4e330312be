#include <doctest/doctest.h>

#include <string>

#include <fmt/format.h>

#include "capsim/scenario/config_node.hpp"

namespace capsim::scenario {
namespace {

constexpr std::size_t kManyKeys = 150'000;

// "k0: 0" ... one key a line; the key on line `repeat_line` (1-based) is "k{repeat_of}" again.
std::string many_keys(std::size_t count, std::size_t repeat_line, std::size_t repeat_of) {
  std::string text;
  text.reserve(count * 16);
  for (std::size_t line = 1; line <= count; ++line) {
    const std::size_t key = line == repeat_line ? repeat_of : line - 1;
    text += fmt::format("k{}: {}\n", key, line);
  }
  return text;
}

TEST_CASE("config node: a duplicate key near the end of 150,000 keys is reported with its place") {
  // Found in linear time: the check was quadratic (24 s for this mapping).
  const std::string text = many_keys(kManyKeys, kManyKeys - 10, 7);
  Diagnostics diagnostics;
  const ConfigNode root = parse_yaml(text, "many.yaml", diagnostics);
  CHECK(root.is_null());
  REQUIRE(diagnostics.size() == 1);
  CHECK(diagnostics.items().front().format() ==
        "many.yaml:149990:1: expected each key once, found 'k7' again (first at line 8)");
}

TEST_CASE("config node: 150,000 distinct keys parse in document order") {
  const std::string text = many_keys(kManyKeys, 0, 0);
  Diagnostics diagnostics;
  const ConfigNode root = parse_yaml(text, "many.yaml", diagnostics);
  CHECK(diagnostics.empty());
  REQUIRE(root.entries.size() == kManyKeys);
  CHECK(root.entries.back().key == "k149999");
  CHECK(root.entries.back().key_location.line == 150'000);
}

TEST_CASE("config node: merging large mappings keeps base order and overlays by key") {
  Diagnostics diagnostics;
  ConfigNode base = parse_yaml(many_keys(kManyKeys, 0, 0), "base.yaml", diagnostics);
  // Overlay: every other base key with a new value, then as many new keys.
  std::string overlay_text;
  for (std::size_t i = 0; i < kManyKeys; i += 2)
    overlay_text += fmt::format("k{}: new\n", i);
  for (std::size_t i = 0; i < kManyKeys / 2; ++i)
    overlay_text += fmt::format("extra{}: {}\n", i, i);
  ConfigNode overlay = parse_yaml(overlay_text, "overlay.yaml", diagnostics);
  REQUIRE(diagnostics.empty());
  merge_into(base, std::move(overlay));
  REQUIRE(base.entries.size() == kManyKeys + kManyKeys / 2);
  CHECK(base.entries[0].value.scalar == "new");
  CHECK(base.entries[1].value.scalar == "2");
  CHECK(base.entries[kManyKeys - 2].value.scalar == "new");
  CHECK(base.entries[kManyKeys].key == "extra0");
  CHECK(base.entries.back().key == "extra74999");
  REQUIRE(base.find("k149999") != nullptr);
  CHECK(base.find("k149999")->scalar == "150000");
}

TEST_CASE("config node: a duplicate key is refused in a small nested mapping too") {
  Diagnostics diagnostics;
  parse_yaml("a:\n  b: 1\n  c: 2\n  b: 3\n", "small.yaml", diagnostics);
  REQUIRE(diagnostics.size() == 1);
  CHECK(diagnostics.items().front().format() ==
        "small.yaml:4:3: expected each key once, found 'b' again (first at line 2)");
}

}  // namespace
}  // namespace capsim::scenario
