// capsim: the command-line front end. Glue only: parse, call the library, print, pick the exit
// status.

#include <cerrno>
#include <cstdio>
#include <exception>
#include <string>
#include <system_error>
#include <vector>

#include <fmt/format.h>

#include "args.hpp"
#include "commands.hpp"
#include "terminal.hpp"

namespace {

using capsim::cli::Arguments;
using capsim::cli::print_err;
using capsim::cli::print_out;

struct Command {
  const char* name;
  const char* summary;
  int (*run)(const Arguments&);
};

constexpr Command kCommands[] = {
    {"run", "simulate a scenario; write timeseries, buildout and summary", capsim::cli::run_run},
    {"sweep", "run a sweep file's points on threads; resumable, shardable",
     capsim::cli::run_sweep_command},
    {"merge", "join the shard folders of a sweep into one runs.csv", capsim::cli::run_merge},
    {"analyze", "rank a sweep's inputs by standardised regression", capsim::cli::run_analyze},
    {"validate", "check scenario files and report every problem", capsim::cli::run_validate},
    {"explain", "print a scenario resolved, in canonical units", capsim::cli::run_explain},
    {"schema", "print the scenario reference or its JSON Schema", capsim::cli::run_schema},
    {"capacity", "find the highest load a service's fleet serves within its SLO",
     capsim::cli::run_capacity_search},
    {"mmc", "simulate an M/M/c queue and compare it with Erlang C", capsim::cli::run_mmc},
    {"compare", "set runs side by side with their differences, optionally at equal envelope",
     capsim::cli::run_compare},
};

std::string overview() {
  std::string text =
      "usage: capsim <command> [options]\n\n"
      "capsim simulates AI datacenter capacity: build-outs, power, training and inference.\n\n"
      "commands:\n";
  for (const Command& command : kCommands) {
    text += fmt::format("  {:<12} {}\n", command.name, command.summary);
  }
  text += fmt::format("  {:<12} {}\n", "help", "show this help, or a command's: capsim help mmc");
  text += fmt::format("  {:<12} {}\n", "version", "print the version (also --version)");
  text += "\nexit status: 0 success, 2 bad input or usage, 1 internal error\n";
  return text;
}

const Command* find_command(const std::string& name) {
  for (const Command& command : kCommands) {
    if (name == command.name)
      return &command;
  }
  return nullptr;
}

int dispatch(const std::vector<std::string>& words) {
  if (words.empty()) {
    print_err(overview());
    return 2;
  }
  const std::string& name = words.front();
  if (name == "--help" || name == "-h") {
    print_out(overview());
    return 0;
  }
  if (name == "--version" || name == "version") {
    print_out(fmt::format("capsim {}\n", CAPSIM_VERSION));
    return 0;
  }
  if (name == "help") {
    if (words.size() == 1) {
      print_out(overview());
      return 0;
    }
    const Command* command = find_command(words[1]);
    if (!command)
      throw capsim::cli::UsageError(fmt::format("capsim: unknown command '{}'", words[1]));
    return command->run({"--help"});
  }
  const Command* command = find_command(name);
  if (!command) {
    throw capsim::cli::UsageError(
        fmt::format("capsim: unknown command '{}' (see capsim --help)", name));
  }
  return command->run(Arguments(words.begin() + 1, words.end()));
}

// stdout is buffered: a write error (a full disk, a closed pipe's EPIPE) may surface only at
// the final flush, after the command has returned. Without this check a report that never
// arrived would exit 0.
int check_stdout(int status) {
  errno = 0;
  const bool flushed = std::fflush(stdout) == 0;
  const int error = errno;
  if (flushed && !std::ferror(stdout))
    return status;
  print_err(fmt::format("capsim: cannot write to standard output{}\n",
                        error != 0 ? ": " + std::system_category().message(error) : std::string()));
  return status == 0 ? 1 : status;
}

int run_main(int argc, char** argv) {
  try {
    return dispatch(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const capsim::cli::UsageError& error) {
    print_err(fmt::format("{}\n", error.what()));
    return 2;
  } catch (const capsim::InputError& error) {
    // Input the loader accepted but the model found out of range (refuse_input): bad input,
    // thrown before any result file is written.
    capsim::cli::print_diagnostics(error);
    return 2;
  } catch (const std::exception& error) {
    print_err(fmt::format("capsim: internal error: {}\n", error.what()));
    return 1;
  }
}

}  // namespace

int main(int argc, char** argv) {
  return check_stdout(run_main(argc, argv));
}
