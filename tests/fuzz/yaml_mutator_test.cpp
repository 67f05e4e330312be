#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "capsim/scenario/loader.hpp"
#include "scratch_folder.hpp"
#include "yaml_mutator.hpp"

namespace capsim::fuzz {
namespace {

namespace fs = std::filesystem;

using test::read_file;

std::vector<fs::path> shipped_scenarios() {
  std::vector<fs::path> paths;
  const fs::path root = fs::path(CAPSIM_SOURCE_DIR) / "scenarios";
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    const std::string name = entry.path().generic_string();
    if (entry.path().extension() == ".yaml" && name.find("/catalog/") == std::string::npos &&
        name.find("/sweeps/") == std::string::npos)
      paths.push_back(entry.path());
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

TEST_CASE("fuzz: a scenario emitted from its tree loads to the same resolved scenario") {
  // The mutator's emitter must not change what it does not mutate, or every finding would be
  // the emitter's. Each shipped scenario goes through parse and emit beside a copy of its
  // bases, and `explain` must print the same bytes.
  test::ScratchFolder folder("fuzz_emit");
  const fs::path source = fs::path(CAPSIM_SOURCE_DIR) / "scenarios";
  fs::copy(source, folder.path() / "scenarios", fs::copy_options::recursive);
  const std::vector<fs::path> scenarios = shipped_scenarios();
  REQUIRE(scenarios.size() >= 10);
  for (const fs::path& path : scenarios) {
    INFO(path.string());
    YamlTree tree;
    REQUIRE(parse_yaml_tree(read_file(path), tree));
    const fs::path copy = folder.path() / fs::relative(path, fs::path(CAPSIM_SOURCE_DIR));
    const fs::path emitted = copy.parent_path() / "emitted.yaml";
    std::ofstream(emitted, std::ios::binary) << emit_yaml_tree(tree);
    // scenarios/scale/ is past the work ceilings by design (a benchmark's input).
    scenario::LoadOptions options{path.generic_string().find("/scale/") != std::string::npos, {}};
    // The copies are not capsim's own scenarios/: they name one another as a user's would.
    options.paths.allowed = {(folder.path() / "scenarios").string()};
    CHECK(scenario::explain_scenario(scenario::load_scenario(emitted.string(), {}, options)) ==
          scenario::explain_scenario(scenario::load_scenario(copy.string(), {}, options)));
  }
}

TEST_CASE("fuzz: scalars that YAML would read otherwise are quoted with escapes") {
  YamlTree tree;
  tree.kind = YamlTree::Kind::mapping;
  const auto scalar = [](std::string text, bool quoted) {
    YamlTree node;
    node.kind = YamlTree::Kind::scalar;
    node.scalar = std::move(text);
    node.quoted = quoted;
    return node;
  };
  tree.entries.emplace_back("plain", scalar("18 months", false));
  tree.entries.emplace_back("colon", scalar("a: b", false));
  tree.entries.emplace_back("controls", scalar(std::string("a\0b\x1b[2J\t", 8), false));
  tree.entries.emplace_back("string", scalar("1.5", true));
  tree.entries.emplace_back("negative", scalar("-1", false));
  CHECK(emit_yaml_tree(tree) ==
        "plain: 18 months\n"
        "colon: \"a: b\"\n"
        "controls: \"a\\0b\\e[2J\\t\"\n"
        "string: \"1.5\"\n"
        "negative: -1\n");
  YamlTree back;
  REQUIRE(parse_yaml_tree(emit_yaml_tree(tree), back));
  CHECK(back.entries[2].second.scalar == std::string("a\0b\x1b[2J\t", 8));
}

TEST_CASE("fuzz: every tree mutation changes the example scenario, the same way for a seed") {
  const std::string text =
      read_file(fs::path(CAPSIM_SOURCE_DIR) / "scenarios/examples/example.yaml");
  const ScenarioMutator mutator({text});
  YamlTree original;
  REQUIRE(parse_yaml_tree(text, original));
  const std::string before = emit_yaml_tree(original);
  for (const Mutation mutation :
       {Mutation::number_extreme, Mutation::unit_swap, Mutation::date_extreme, Mutation::delete_key,
        Mutation::rename_key, Mutation::duplicate_item, Mutation::delete_item,
        Mutation::cross_reference, Mutation::string_chaos, Mutation::kind_flip}) {
    INFO(mutation_name(mutation));
    // Seeds are tried until one changes the text: a cross-reference may copy a value onto
    // itself. Ten tries that all change nothing would be a broken operator.
    bool changed = false;
    for (std::uint64_t seed = 1; seed <= 10 && !changed; ++seed) {
      YamlTree tree = original;
      RandomStream random(seed);
      REQUIRE(mutator.apply(mutation, tree, random));
      changed = emit_yaml_tree(tree) != before;
    }
    CHECK(changed);
  }
  // The same stream state gives the same mutant: a finding replays from its seed and case.
  std::vector<Mutation> first_applied, second_applied;
  RandomStream first(42), second(42);
  CHECK(mutator.mutate(text, first, first_applied) == mutator.mutate(text, second, second_applied));
  CHECK(first_applied == second_applied);
  CHECK_FALSE(first_applied.empty());
}

}  // namespace
}  // namespace capsim::fuzz
