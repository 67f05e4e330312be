#pragma once
// Runs the capsim binary as a user would and captures its exit status and both streams.

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace capsim::test {

struct CliResult {
  int exit_status = -1;
  std::string out;
  std::string err;
};

/// A path inside the source tree, e.g. "scenarios/examples/example.yaml".
inline std::string source_path(const std::string& relative) {
  return (std::filesystem::path(CAPSIM_SOURCE_DIR) / relative).string();
}

inline std::string read_whole_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

/// `arguments` is pasted into a shell command line after the binary: quote as needed.
inline CliResult run_capsim(const std::string& arguments) {
  static int counter = 0;
  const std::string stem = std::string("/tmp/capsim_cli_test_") + std::to_string(::getpid()) + "_" +
                           std::to_string(counter++);
  const std::string command = std::string(CAPSIM_BINARY) + " " + arguments + " >" + stem +
                              ".out 2>" + stem + ".err </dev/null";
  const int status = std::system(command.c_str());
  CliResult result;
  result.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = read_whole_file(stem + ".out");
  result.err = read_whole_file(stem + ".err");
  std::remove((stem + ".out").c_str());
  std::remove((stem + ".err").c_str());
  return result;
}

}  // namespace capsim::test
