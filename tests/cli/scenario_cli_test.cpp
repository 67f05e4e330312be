#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "../scenario/corpus.hpp"
#include "cli_runner.hpp"

namespace capsim::test {
namespace {

TEST_CASE("cli: validate accepts the example and reports what it loaded") {
  const std::string example = source_path("scenarios/examples/example.yaml");
  const CliResult result = run_capsim("validate " + example);
  CHECK(result.exit_status == 0);
  CHECK(result.out ==
        "ok: " + example +
            ": \"example-campus\" from 2025-01-01 to 2028-01-01 (1095 days): 2 sites, "
            "1 clusters, 11 accelerators, 2 training jobs, 1 inference services\n");
  CHECK(result.err.empty());
}

TEST_CASE("cli: every corpus file exits 2 with its errors on stderr and nothing on stdout") {
  for (const CorpusCase& corpus_case : bad_corpus()) {
    // As the corpus test loads them: its cases name files beside them in the test tree.
    std::string arguments =
        "validate --allow-path " + source_path("tests") + " '" + corpus_case.path + "'";
    for (const std::string& set : corpus_case.overrides)
      arguments += " --set '" + set + "'";
    const CliResult result = run_capsim(arguments);
    INFO(corpus_case.path);
    INFO(result.err);
    CHECK(result.exit_status == 2);
    CHECK(result.out.empty());
    CHECK(result.err.find("hunter2") == std::string::npos);  // support/not-a-scenario.txt
    for (const std::string& expected : corpus_case.expected) {
      CHECK(result.err.find(expected + "\n") != std::string::npos);
    }
  }
}

TEST_CASE("cli: a scenario naming a file of the machine prints none of it (issue 22)") {
  // The attack of issue 22: `extends: /etc/shadow` printed the file line by line inside
  // "unknown key" errors, password hashes included.
  const std::filesystem::path folder =
      std::filesystem::temp_directory_path() / "capsim_cli_file_disclosure";
  std::filesystem::remove_all(folder);
  std::filesystem::create_directories(folder / "plans");
  std::filesystem::create_directories(folder / "elsewhere");
  const auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream((folder / name).string(), std::ios::binary) << text;
    return (folder / name).string();
  };
  const std::string shadow = write("plans/shadow.yaml", "extends: /etc/shadow\n");
  const CliResult absolute = run_capsim("validate " + shadow);
  CHECK(absolute.exit_status == 2);
  CHECK(absolute.err == shadow +
                            ":1:10: extends: expected a file inside the folder of the file "
                            "naming it or inside a folder given with --allow-path, found "
                            "\"/etc/shadow\" (an absolute path)\ninvalid: " +
                            shadow + ": 1 problem\n");
  const std::string climb =
      write("plans/climb.yaml", "extends: ../../../../../../../../../../etc/passwd\n");
  CHECK(run_capsim("validate " + climb).err.find("(a path that climbs out with ..)\n") !=
        std::string::npos);
  // Even allowed, a file that is no scenario is one line that quotes nothing of it.
  const CliResult allowed = run_capsim("validate --allow-path /etc " + shadow);
  CHECK(allowed.exit_status == 2);
  CHECK(allowed.err ==
        "/etc/shadow:1:1: expected a mapping of scenario sections (scenario, "
        "sites, clusters, ...) at the top level, found a mapping with none of "
        "them (is it a scenario file?)\ninvalid: " +
            shadow + ": 1 problem\n");

  // --allow-path lets a scenario name a base in another folder of the user's.
  write("elsewhere/base.yaml", read_whole_file(source_path("scenarios/examples/example.yaml")));
  const std::string plan = write("plans/plan.yaml", "extends: ../elsewhere/base.yaml\n");
  CHECK(run_capsim("validate " + plan).exit_status == 2);
  const CliResult with_folder =
      run_capsim("validate --allow-path " + (folder / "elsewhere").string() + " " + plan);
  CHECK(with_folder.exit_status == 0);
  CHECK(with_folder.err.empty());
  const CliResult not_a_folder = run_capsim("run --allow-path " + plan + " " + plan);
  CHECK(not_a_folder.exit_status == 2);
  CHECK(not_a_folder.err ==
        "capsim run: --allow-path: expected a folder, found \"" + plan + "\"\n");
  std::filesystem::remove_all(folder);
}

TEST_CASE("cli: nothing from an input reaches the terminal raw (issue 22)") {
  // The scenario name cleared the screen and recoloured the output when printed.
  const std::filesystem::path folder =
      std::filesystem::temp_directory_path() / "capsim_cli_terminal";
  std::filesystem::remove_all(folder);
  std::filesystem::create_directories(folder);
  const std::string red = (folder / "red.yaml").string();
  std::ofstream(red, std::ios::binary) << "scenario: {name: \"a\\e[2J\\e[31mRED\", start: "
                                          "2025-01-01, horizon: \"1 y\"}\n";
  const CliResult named = run_capsim("validate " + red);
  CHECK(named.exit_status == 2);
  CHECK(named.err == red +
                         ":1:18: scenario.name: expected a name without control characters, "
                         "found U+001B at character 2\ninvalid: " +
                         red + ": 1 problem\n");
  // A file's own name may hold anything: it is escaped wherever it is printed.
  const std::string escape_name = (folder / "plan\x1b[31m.yaml").string();
  const std::string shown_name = (folder / "plan\\x1b[31m.yaml").string();
  std::filesystem::copy_file(source_path("scenarios/examples/example.yaml"), escape_name);
  const CliResult valid = run_capsim("validate '" + escape_name + "'");
  CHECK(valid.exit_status == 0);
  CHECK(valid.out.rfind("ok: " + shown_name + ": \"example-campus\"", 0) == 0);
  const CliResult missing = run_capsim("validate '" + escape_name + ".missing'");
  CHECK(missing.err == (folder / "plan?[31m.yaml.missing").string() +
                           ": expected a readable file, found none (no such file, or no "
                           "permission)\ninvalid: " +
                           shown_name + ".missing: 1 problem\n");
  // ESC [2J and U+202E (right-to-left override) as a command's name; sh has no $'...'.
  const CliResult command = run_capsim("\"$(printf '\\033[2J\\342\\200\\256')\"");
  CHECK(command.exit_status == 2);
  CHECK(command.err == "capsim: unknown command '\\x1b[2J\\u202e' (see capsim --help)\n");
  for (const CliResult* result : {&named, &valid, &missing, &command})
    CHECK((result->out + result->err).find('\x1b') == std::string::npos);
  std::filesystem::remove_all(folder);
}

TEST_CASE("cli: validate checks every file given and fails if any fails") {
  const std::string example = source_path("scenarios/examples/example.yaml");
  const CliResult result = run_capsim("validate " + example + " /nonexistent/x.yaml");
  CHECK(result.exit_status == 2);
  CHECK(result.out.find("ok: " + example) == 0);
  CHECK(result.err ==
        "/nonexistent/x.yaml: expected a readable file, found none (no such file, or no "
        "permission)\ninvalid: /nonexistent/x.yaml: 1 problem\n");
  CHECK(run_capsim("validate").exit_status == 2);
}

TEST_CASE("cli: explain prints canonical units and honours --set") {
  const std::string example = source_path("scenarios/examples/example.yaml");
  const CliResult result = run_capsim("explain " + example + " --set 'sites[0].pue=1.35'");
  REQUIRE(result.exit_status == 0);
  CHECK(result.out.find("  it_power_cap: \"600000000 W\"\n") != std::string::npos);
  CHECK(result.out.find("  pue: 1.35\n") != std::string::npos);
  CHECK(result.out == run_capsim("explain " + example + " --set 'sites[0].pue=1.35'").out);
  const CliResult bad = run_capsim("explain " + example + " --set 'sites[0].pue=high'");
  CHECK(bad.exit_status == 2);
  CHECK(bad.err == "--set #1:1:14: sites[0].pue: expected a number, found \"high\"\n");
}

TEST_CASE("cli: schema prints the committed reference and JSON Schema") {
  const CliResult markdown = run_capsim("schema --markdown");
  CHECK(markdown.exit_status == 0);
  CHECK(markdown.out == read_whole_file(source_path("docs/scenarios.md")));
  const CliResult json = run_capsim("schema --json");
  CHECK(json.exit_status == 0);
  CHECK(json.out == read_whole_file(source_path("docs/scenario.schema.json")));
  const CliResult outputs = run_capsim("schema --outputs");
  CHECK(outputs.exit_status == 0);
  CHECK(outputs.out == read_whole_file(source_path("docs/outputs.md")));
  const CliResult neither = run_capsim("schema");
  CHECK(neither.exit_status == 2);
  CHECK(neither.err == "capsim schema: give exactly one of --json, --markdown or --outputs\n");
}

}  // namespace
}  // namespace capsim::test

namespace capsim::test {
namespace {

TEST_CASE("cli: --scale on run, validate and explain; refused with replications") {
  const std::string flagship = source_path("scenarios/meta-2025-60b.yaml");
  const std::string dearer = " --scale 'catalog.accelerators[*].price_installed_per_gpu=1.2'";
  const CliResult explained = run_capsim("explain " + flagship + dearer);
  CHECK(explained.exit_status == 0);
  // H100's $43K launch price, 20% dearer.
  CHECK(explained.out.find("price_installed_per_gpu: \"51600 USD\"") != std::string::npos);
  const CliResult validated = run_capsim("validate " + flagship + " --scale 'sites[*].pue=3'");
  CHECK(validated.exit_status == 2);
  CHECK(validated.err.find("--scale: the resolved scenario:") == 0);
  const CliResult replicated = run_capsim("run " + flagship + dearer + " --replications 3");
  CHECK(replicated.exit_status == 2);
  CHECK(replicated.err ==
        "capsim run: --scale changes one run's scenario; with replications, put the factor in "
        "the scenario (or --set the values)\n");
}

}  // namespace
}  // namespace capsim::test
