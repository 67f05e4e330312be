#include "args.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <thread>

#include <fmt/format.h>

#include "capsim/sweep/sweep_runner.hpp"
#include "terminal.hpp"

namespace capsim::cli {

ArgParser::ArgParser(std::string command, std::string summary, std::string positional_usage)
    : command_(std::move(command)),
      summary_(std::move(summary)),
      positional_usage_(std::move(positional_usage)) {}

ArgParser& ArgParser::flag(std::string name, std::string help) {
  specs_.push_back(OptionSpec{std::move(name), "", std::move(help), "", false});
  return *this;
}

ArgParser& ArgParser::option(std::string name, std::string value_name, std::string help,
                             std::string default_text) {
  specs_.push_back(OptionSpec{std::move(name), std::move(value_name), std::move(help),
                              std::move(default_text), false});
  return *this;
}

ArgParser& ArgParser::repeatable(std::string name, std::string value_name, std::string help) {
  specs_.push_back(OptionSpec{std::move(name), std::move(value_name),
                              std::move(help) + " (repeatable)", "", true});
  return *this;
}

std::vector<std::string> ArgParser::all(const std::string& name) const {
  const auto found = values_.find(name);
  return found == values_.end() ? std::vector<std::string>{} : found->second;
}

const OptionSpec* ArgParser::find(const std::string& name) const {
  for (const OptionSpec& spec : specs_) {
    if (spec.name == name)
      return &spec;
  }
  return nullptr;
}

bool ArgParser::parse_or_print_help(const std::vector<std::string>& arguments) {
  parse(arguments);
  if (help_requested_)
    print_out(help_text());
  return help_requested_;
}

void ArgParser::parse(const std::vector<std::string>& arguments) {
  bool options_ended = false;
  for (std::size_t i = 0; i < arguments.size(); ++i) {
    const std::string& argument = arguments[i];
    if (options_ended || argument.size() < 2 || argument.rfind("--", 0) != 0) {
      if (!options_ended && argument.size() > 1 && argument[0] == '-' && argument != "-") {
        throw UsageError(fmt::format("capsim {}: unknown option '{}' (see capsim {} --help)",
                                     command_, argument, command_));
      }
      positional_.push_back(argument);
      continue;
    }
    if (argument == "--") {
      options_ended = true;
      continue;
    }
    if (argument == "--help") {
      help_requested_ = true;
      continue;
    }
    const std::size_t equals = argument.find('=');
    const std::string name =
        argument.substr(2, equals == std::string::npos ? std::string::npos : equals - 2);
    const OptionSpec* spec = find(name);
    if (spec == nullptr) {
      throw UsageError(fmt::format("capsim {}: unknown option '--{}' (see capsim {} --help)",
                                   command_, name, command_));
    }
    if (values_.count(name) != 0 && !spec->repeatable) {
      throw UsageError(fmt::format("capsim {}: option '--{}' given twice", command_, name));
    }
    if (spec->value_name.empty()) {
      if (equals != std::string::npos) {
        throw UsageError(fmt::format("capsim {}: option '--{}' takes no value", command_, name));
      }
      values_[name].push_back("");
    } else if (equals != std::string::npos) {
      values_[name].push_back(argument.substr(equals + 1));
    } else if (i + 1 < arguments.size()) {
      values_[name].push_back(arguments[++i]);
    } else {
      throw UsageError(fmt::format("capsim {}: option '--{}' needs a value ({})", command_, name,
                                   spec->value_name));
    }
  }
}

std::string ArgParser::help_text() const {
  std::string text = fmt::format("usage: capsim {} [options]{}{}\n\n{}\n\noptions:\n", command_,
                                 positional_usage_.empty() ? "" : " ", positional_usage_, summary_);
  for (const OptionSpec& spec : specs_) {
    const std::string left = spec.value_name.empty()
                                 ? fmt::format("--{}", spec.name)
                                 : fmt::format("--{} {}", spec.name, spec.value_name);
    text += fmt::format("  {:<28} {}", left, spec.help);
    if (!spec.default_text.empty())
      text += fmt::format(" (default {})", spec.default_text);
    text += '\n';
  }
  text += fmt::format("  {:<28} {}\n", "--help", "show this help");
  return text;
}

bool ArgParser::has(const std::string& name) const {
  return values_.count(name) != 0;
}

const std::string* ArgParser::given(const std::string& name) const {
  const auto found = values_.find(name);
  return found == values_.end() ? nullptr : &found->second.back();
}

void ArgParser::fail_value(const std::string& name, const std::string& expected,
                           const std::string& found) const {
  throw UsageError(
      fmt::format("capsim {}: --{}: expected {}, found \"{}\"", command_, name, expected, found));
}

std::string ArgParser::text(const std::string& name, const std::string& fallback) const {
  const std::string* value = given(name);
  return value ? *value : fallback;
}

std::int64_t ArgParser::integer(const std::string& name, std::int64_t fallback,
                                std::int64_t minimum, std::int64_t maximum) const {
  const std::string* value = given(name);
  if (!value)
    return fallback;
  std::int64_t parsed = 0;
  const char* end = value->data() + value->size();
  const auto result = std::from_chars(value->data(), end, parsed);
  const std::string expected = maximum == INT64_MAX
                                   ? fmt::format("a whole number >= {}", minimum)
                                   : fmt::format("a whole number from {} to {}", minimum, maximum);
  if (result.ec != std::errc() || result.ptr != end || parsed < minimum || parsed > maximum) {
    fail_value(name, expected, *value);
  }
  return parsed;
}

std::uint64_t ArgParser::unsigned_integer(const std::string& name, std::uint64_t fallback) const {
  const std::string* value = given(name);
  if (!value)
    return fallback;
  std::uint64_t parsed = 0;
  const char* end = value->data() + value->size();
  const auto result = std::from_chars(value->data(), end, parsed);
  if (result.ec != std::errc() || result.ptr != end) {
    fail_value(name, "a whole number >= 0", *value);
  }
  return parsed;
}

double ArgParser::real(const std::string& name, double fallback) const {
  const std::string* value = given(name);
  if (!value)
    return fallback;
  double parsed = 0.0;
  const char* end = value->data() + value->size();
  const auto result = std::from_chars(value->data(), end, parsed);
  if (result.ec != std::errc() || result.ptr != end || !std::isfinite(parsed)) {
    fail_value(name, "a number", *value);
  }
  return parsed;
}

ArgParser& allow_path_option(ArgParser& parser) {
  return parser.repeatable("allow-path", "DIR",
                           "let scenario and sweep files name files inside DIR too, besides their "
                           "own folder and capsim's scenarios/ (docs/security.md)");
}

scenario::PathPolicy path_policy(const ArgParser& parser) {
  scenario::PathPolicy policy;
  for (const std::string& folder : parser.all("allow-path")) {
    std::error_code error;
    if (!std::filesystem::is_directory(folder, error))
      throw UsageError(fmt::format("capsim {}: --allow-path: expected a folder, found \"{}\"",
                                   parser.command(), folder));
    policy.allowed.push_back(folder);
  }
  return policy;
}

std::vector<std::string> expand_short_jobs(const std::vector<std::string>& arguments) {
  std::vector<std::string> expanded;
  for (const std::string& argument : arguments) {
    if (argument == "-j") {
      expanded.emplace_back("--jobs");
    } else if (argument.size() > 2 && argument.rfind("-j", 0) == 0) {
      expanded.push_back("--jobs=" + argument.substr(2));
    } else {
      expanded.push_back(argument);
    }
  }
  return expanded;
}

unsigned jobs_option(const ArgParser& parser) {
  const unsigned cores = std::clamp(std::thread::hardware_concurrency(), 1u, kMaxJobs);
  return static_cast<unsigned>(parser.integer("jobs", cores, 1, kMaxJobs));
}

std::optional<std::pair<std::uint64_t, std::uint64_t>> shard_option(const ArgParser& parser,
                                                                    const std::string& command) {
  if (!parser.has("shard"))
    return std::nullopt;
  const std::optional<sweep::Shard> shard = sweep::parse_shard(parser.text("shard", ""));
  if (!shard) {
    throw UsageError(fmt::format("capsim {}: --shard: expected K/N with 1 <= K <= N, found \"{}\"",
                                 command, parser.text("shard", "")));
  }
  return std::pair{shard->index, shard->count};
}

}  // namespace capsim::cli
