#pragma once
// Command-line parsing for the capsim binary: declared options, strict checking, one-line
// usage errors (exit status 2).

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "capsim/scenario/input_paths.hpp"

namespace capsim::cli {

/// A usage error: printed as one line, exit status 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct OptionSpec {
  std::string name;        // without the leading "--"
  std::string value_name;  // empty for a flag
  std::string help;
  std::string default_text;  // shown in --help; empty when none
  bool repeatable = false;
};

/// The options a subcommand accepts, and what the command line gave for them.
class ArgParser {
 public:
  ArgParser(std::string command, std::string summary, std::string positional_usage = "");
  ArgParser& flag(std::string name, std::string help);
  ArgParser& option(std::string name, std::string value_name, std::string help,
                    std::string default_text = "");
  /// An option that may be given many times, e.g. --set.
  ArgParser& repeatable(std::string name, std::string value_name, std::string help);
  /// Parses argv after the subcommand. Unknown options, missing values and repeated options
  /// are UsageErrors. "--help" sets help_requested().
  void parse(const std::vector<std::string>& arguments);
  /// parse(), then, when --help was given, prints the help on stdout and returns true: the
  /// command has nothing more to do and exits 0.
  bool parse_or_print_help(const std::vector<std::string>& arguments);

  bool help_requested() const { return help_requested_; }
  std::string help_text() const;
  const std::string& command() const { return command_; }

  bool has(const std::string& name) const;
  /// The value given, or `fallback`.
  std::string text(const std::string& name, const std::string& fallback) const;
  /// The whole number given, or `fallback`; a UsageError outside [minimum, maximum].
  std::int64_t integer(const std::string& name, std::int64_t fallback, std::int64_t minimum,
                       std::int64_t maximum = INT64_MAX) const;
  std::uint64_t unsigned_integer(const std::string& name, std::uint64_t fallback) const;
  double real(const std::string& name, double fallback) const;
  const std::vector<std::string>& positional() const { return positional_; }
  /// Every value of a repeatable option, in command-line order.
  std::vector<std::string> all(const std::string& name) const;

 private:
  const OptionSpec* find(const std::string& name) const;
  const std::string* given(const std::string& name) const;
  [[noreturn]] void fail_value(const std::string& name, const std::string& expected,
                               const std::string& found) const;

  std::string command_;
  std::string summary_;
  std::string positional_usage_;
  std::vector<OptionSpec> specs_;
  std::map<std::string, std::vector<std::string>> values_;
  std::vector<std::string> positional_;
  bool help_requested_ = false;
};

/// More worker threads than this are a typo, not a machine: each holds a scenario and a model.
inline constexpr unsigned kMaxJobs = 1024;

/// --jobs N: 1 to kMaxJobs worker threads, the number of cores when not given.
unsigned jobs_option(const ArgParser& parser);

/// --shard K/N as (K, N), 1 <= K <= N; UsageError naming `command` otherwise. Only when given.
std::optional<std::pair<std::uint64_t, std::uint64_t>> shard_option(const ArgParser& parser,
                                                                    const std::string& command);

/// Declares --allow-path DIR (repeatable) on a command that reads scenario or sweep files.
ArgParser& allow_path_option(ArgParser& parser);

/// The folders --allow-path gave: what scenario and sweep files may name besides their own
/// folder and capsim's scenarios/ (docs/security.md). A UsageError for one that is not a folder.
scenario::PathPolicy path_policy(const ArgParser& parser);

/// "-j N" and "-jN" are the usual spelling of --jobs.
std::vector<std::string> expand_short_jobs(const std::vector<std::string>& arguments);

}  // namespace capsim::cli
