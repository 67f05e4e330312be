#include <doctest/doctest.h>

#include "cli_runner.hpp"

namespace capsim::test {
namespace {

std::size_t count_of(const std::string& text, const std::string& piece) {
  std::size_t count = 0;
  for (std::size_t at = text.find(piece); at != std::string::npos; at = text.find(piece, at + 1)) {
    ++count;
  }
  return count;
}

TEST_CASE("cli: version, help and unknown commands") {
  const CliResult version = run_capsim("--version");
  CHECK(version.exit_status == 0);
  CHECK(version.out == std::string("capsim ") + CAPSIM_VERSION + "\n");

  const CliResult help = run_capsim("--help");
  CHECK(help.exit_status == 0);
  CHECK(help.out.find("mmc") != std::string::npos);

  const CliResult nothing = run_capsim("");
  CHECK(nothing.exit_status == 2);
  CHECK(nothing.err.find("usage: capsim <command>") != std::string::npos);

  const CliResult unknown = run_capsim("frobnicate");
  CHECK(unknown.exit_status == 2);
  CHECK(unknown.err == "capsim: unknown command 'frobnicate' (see capsim --help)\n");

  for (const char* command : {"run", "validate", "explain", "schema", "mmc"}) {
    const CliResult help_of = run_capsim(std::string(command) + " --help");
    INFO(command);
    CHECK(help_of.exit_status == 0);
    CHECK(help_of.out.rfind(std::string("usage: capsim ") + command + " [options]", 0) == 0);
  }
  const CliResult command_help = run_capsim("help mmc");
  CHECK(command_help.exit_status == 0);
  CHECK(command_help.out.find("usage: capsim mmc [options]") == 0);
}

TEST_CASE("cli: mmc prints simulation beside Erlang C, identical bytes for a seed") {
  const std::string arguments =
      "mmc --servers 8 --arrival-rate 7 --service-rate 1 --customers 200000 --seed 1";
  const CliResult first = run_capsim(arguments);
  const CliResult second = run_capsim(arguments);
  REQUIRE(first.exit_status == 0);
  CHECK(first.out == second.out);
  CHECK(first.err.empty());
  CHECK(first.out.find("M/M/8 queue: arrival rate 7/s, service rate 1/s, utilisation 0.8750") == 0);
  // Exact Erlang C for c=8, a=7: C = 0.635316, Wq = 0.635316 s, L = 7 + 7·0.635316 = 11.447212.
  CHECK(first.out.find("0.635316") != std::string::npos);
  CHECK(first.out.find("11.447212") != std::string::npos);
  CHECK(count_of(first.out, " yes\n") == 4);

  const CliResult json = run_capsim(arguments + " --json");
  REQUIRE(json.exit_status == 0);
  CHECK(json.out.front() == '{');
  CHECK(json.out.find("\"erlang_c\":0.6353160175364294") != std::string::npos);
  CHECK(count_of(json.out, "\"within_ci\":true") == 4);
  CHECK(json.out == run_capsim(arguments + " --json").out);
}

TEST_CASE("cli: mmc rejects bad input with one line and exit status 2") {
  struct Case {
    const char* arguments;
    const char* message;
  };
  const Case cases[] = {
      {"mmc --servers 8 --arrival-rate 9 --service-rate 1",
       "capsim mmc: unstable queue: arrival rate 9 is not below servers × service rate = 8 "
       "(utilisation 1.125)\n"},
      {"mmc --servers 0 --arrival-rate 1 --service-rate 1",
       "capsim mmc: --servers: expected a whole number >= 1, found \"0\"\n"},
      {"mmc --servers eight --arrival-rate 1 --service-rate 1",
       "capsim mmc: --servers: expected a whole number >= 1, found \"eight\"\n"},
      {"mmc --arrival-rate 1x --service-rate 1",
       "capsim mmc: --arrival-rate: expected a number, found \"1x\"\n"},
      {"mmc --arrival-rate 1", "capsim mmc: --arrival-rate and --service-rate are required\n"},
      {"mmc --arival-rate 1 --service-rate 2",
       "capsim mmc: unknown option '--arival-rate' (see capsim mmc --help)\n"},
      {"mmc --arrival-rate 1 --service-rate 2 --seed",
       "capsim mmc: option '--seed' needs a value (S)\n"},
      {"mmc --arrival-rate 1 --service-rate 2 --customers 100",
       "capsim mmc: customers must leave at least 100 per batch after warm-up (20 batches), "
       "found 100\n"},
      {"mmc --arrival-rate 1 --service-rate 2 --json=yes",
       "capsim mmc: option '--json' takes no value\n"},
      {"mmc --arrival-rate 1 --arrival-rate 2 --service-rate 2",
       "capsim mmc: option '--arrival-rate' given twice\n"},
  };
  for (const Case& bad : cases) {
    const CliResult result = run_capsim(bad.arguments);
    INFO(bad.arguments);
    CHECK(result.exit_status == 2);
    CHECK(result.err == bad.message);
    CHECK(result.out.empty());
  }
}

}  // namespace
}  // namespace capsim::test
