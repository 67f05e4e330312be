// capsim_fuzz: a deterministic, structure-aware mutation fuzzer of the scenario loader and the
// whole run. Each case mutates a seed scenario (yaml_mutator.hpp) and runs it through the
// command line's own functions, as `capsim run MUTANT --out DIR` and, for its first inference
// service, `capsim capacity MUTANT --service NAME --requests 4000`. The contract under test
// (issue 13): a scenario is either refused as bad input (exit 2), with its place, or it runs to
// the end with sane figures. Anything else is a finding:
//   internal   an exception the command line would report as internal (exit 1);
//   figures    a run that ends with a NaN, an infinity or a negative stock in its timeseries;
//   timeout    a case still running after --timeout-s (SIGALRM; exit status 124);
//   crash      a sanitizer report or a signal (the process dies; scripts/fuzz.sh records it).
// Case k of seed s is a pure function of (s, k) and the seed corpus, so `--seed s --start k
// --cases 1` replays it. Before each case the mutant is written to OUT/current.yaml and k to
// OUT/progress, so that a case which kills the process is not lost.

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "args.hpp"
#include "capsim/core/diagnostics.hpp"
#include "capsim/scenario/loader.hpp"
#include "commands.hpp"
#include "scratch_folder.hpp"
#include "yaml_mutator.hpp"

namespace fs = std::filesystem;

namespace {

constexpr rlim_t kMemoryLimitBytes = rlim_t{4} << 30;

struct Options {
  std::uint64_t seed = 1;
  std::uint64_t start = 0;
  std::uint64_t cases = 0;  ///< 0: until --seconds runs out
  double seconds = 60.0;
  unsigned timeout_s = 60;
  fs::path out = "fuzz-out";
  fs::path source = CAPSIM_SOURCE_DIR;
};

constexpr const char* kUsage =
    "usage: capsim_fuzz [--seed S] [--start K] [--cases N | --seconds T] [--timeout-s T]\n"
    "                   [--out DIR] [--source DIR]\n"
    "Mutates the shipped scenarios and the bad-input corpus and runs each mutant as\n"
    "`capsim run --out` would. Findings go to DIR/findings; exit 1 if there are any.\n";

Options parse_options(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc)
      throw std::invalid_argument(fmt::format("{} needs a value\n{}", flag, kUsage));
    const std::string value = argv[++i];
    if (flag == "--seed")
      options.seed = std::stoull(value);
    else if (flag == "--start")
      options.start = std::stoull(value);
    else if (flag == "--cases")
      options.cases = std::stoull(value);
    else if (flag == "--seconds")
      options.seconds = std::stod(value);
    else if (flag == "--timeout-s")
      options.timeout_s = static_cast<unsigned>(std::stoul(value));
    else if (flag == "--out")
      options.out = value;
    else if (flag == "--source")
      options.source = value;
    else
      throw std::invalid_argument(fmt::format("unknown option {}\n{}", flag, kUsage));
  }
  return options;
}

using capsim::test::read_file;

void write_file(const fs::path& path, const std::string& text) {
  std::ofstream output(path, std::ios::binary | std::ios::trunc);
  output << text;
}

// A seed: a scenario file's text and the folder of its copy in the work tree, where its
// mutants are written so that relative `extends` and `observations` paths still resolve.
struct Seed {
  std::string name;  ///< relative to the source tree
  std::string text;
  fs::path work_folder;
};

// Copies the seed folders into OUT/tree (so that mutants sit beside the files they extend)
// and returns every scenario file among them, sorted by name for determinism.
std::vector<Seed> load_seeds(const Options& options) {
  std::vector<Seed> seeds;
  for (const char* folder : {"scenarios", "tests/scenario/bad", "tests/data"}) {
    const fs::path from = options.source / folder;
    const fs::path to = options.out / "tree" / folder;
    fs::create_directories(to);
    // Links are copied as links: the corpus plants one to /etc/passwd (case 188), which is
    // no seed, and whose target differs from machine to machine.
    fs::copy(from, to,
             fs::copy_options::recursive | fs::copy_options::overwrite_existing |
                 fs::copy_options::copy_symlinks);
    if (std::string_view(folder) == "tests/data")
      continue;  // data the scenarios read, not scenarios
    for (const auto& entry : fs::recursive_directory_iterator(from)) {
      const fs::path relative = fs::relative(entry.path(), options.source);
      const std::string name = relative.generic_string();
      if (entry.is_symlink() || !entry.is_regular_file() || entry.path().extension() != ".yaml" ||
          name.find("/catalog/") != std::string::npos || name.find("/sweeps/") != std::string::npos)
        continue;
      seeds.push_back(
          Seed{name, read_file(entry.path()), (options.out / "tree" / relative).parent_path()});
    }
  }
  std::sort(seeds.begin(), seeds.end(),
            [](const Seed& a, const Seed& b) { return a.name < b.name; });
  return seeds;
}

extern "C" void on_timeout(int) {
  static const char kMessage[] = "capsim_fuzz: timeout: the case in current.yaml ran too long\n";
  [[maybe_unused]] const auto written = ::write(2, kMessage, sizeof kMessage - 1);
  ::_exit(124);
}

// Stocks and flows that can never be negative, by column-name prefix.
bool never_negative(const std::string& column) {
  for (const char* prefix : {"gpus_", "gpu_hours_", "energy_", "power_", "capex_", "opex_",
                             "served_", "demand_", "dropped_", "training_", "sites_"}) {
    if (column.rfind(prefix, 0) == 0)
      return true;
  }
  return false;
}

std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> cells;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = line.find(',', start);
    cells.push_back(line.substr(start, comma == std::string::npos ? comma : comma - start));
    if (comma == std::string::npos)
      return cells;
    start = comma + 1;
  }
}

// The first insane figure of a run's timeseries.csv, as an analyst would read it, or "".
std::string insane_figure(const fs::path& timeseries_csv) {
  std::ifstream input(timeseries_csv);
  std::string line;
  if (!std::getline(input, line))
    return "";  // the scenario asked for no timeseries
  const std::vector<std::string> header = split_csv_line(line);
  while (std::getline(input, line)) {
    const std::vector<std::string> cells = split_csv_line(line);
    for (std::size_t column = 2; column < cells.size() && column < header.size(); ++column) {
      const std::string& name = header[column];
      char* end = nullptr;
      const double value = std::strtod(cells[column].c_str(), &end);
      const bool bad =
          end == cells[column].c_str() || !std::isfinite(value) ||
          (never_negative(name) && value < 0) ||
          ((name == "utilisation" || name.rfind("slo_attainment_", 0) == 0) && value > 1 + 1e-9);
      if (bad)
        return fmt::format("timeseries {} = {} in the period from {}", name, cells[column],
                           cells[0]);
    }
  }
  return "";
}

enum class Outcome { refused, refused_by_model, ran, finding };

struct CaseResult {
  Outcome outcome = Outcome::ran;
  std::string detail;
};

// A command's exit status as main() would give it: its own, 2 for usage and input errors
// (main prints them), and -1 for what main would call an internal error, with its message.
int command_status(int (*command)(const capsim::cli::Arguments&),
                   const capsim::cli::Arguments& arguments, std::string& internal) {
  try {
    return command(arguments);
  } catch (const capsim::cli::UsageError&) {
    return 2;
  } catch (const capsim::InputError&) {
    return 2;
  } catch (const std::exception& error) {
    internal = error.what();
    return -1;
  }
}

// The loaded scenario, or nothing if the loader refuses it.
std::optional<capsim::Scenario> loaded(const fs::path& scenario_path) {
  try {
    return capsim::scenario::load_scenario(scenario_path.string());
  } catch (const capsim::InputError&) {
    return std::nullopt;
  }
}

/// One case in 16 runs the Monte Carlo path (a few replications on one thread, with the tornado
/// and the statistics); the others one run each, whatever scenario.replications a mutant holds
/// (the uncertain scenarios ship with 1,000).
constexpr std::uint64_t kMonteCarloEvery = 16;

CaseResult run_case(const fs::path& scenario_path, const fs::path& run_folder, bool monte_carlo) {
  std::string internal;
  std::vector<std::string> arguments = {scenario_path.string(), "--out", run_folder.string(),
                                        "--replications", monte_carlo ? "3" : "1"};
  if (monte_carlo) {
    arguments.emplace_back("--jobs");
    arguments.emplace_back("1");
  }
  const int run = command_status(capsim::cli::run_run, arguments, internal);
  if (run == -1)
    return {Outcome::finding, "capsim run: internal error: " + internal};
  const std::optional<capsim::Scenario> scenario = loaded(scenario_path);
  if (run == 2)  // refused by the loader, or by the model during the run (refuse_input)
    return {scenario ? Outcome::refused_by_model : Outcome::refused, ""};
  if (const std::string insane = insane_figure(run_folder / "timeseries.csv"); !insane.empty())
    return {Outcome::finding, "capsim run: figures: " + insane};
  if (!scenario || scenario->inference.services.empty())
    return {Outcome::ran, ""};
  const int capacity =
      command_status(capsim::cli::run_capacity_search,
                     {scenario_path.string(), "--service",
                      scenario->inference.services.front().name, "--requests", "4000"},
                     internal);
  if (capacity == -1)
    return {Outcome::finding, "capsim capacity: internal error: " + internal};
  return {Outcome::ran, ""};
}

std::string mutation_list(const std::vector<capsim::fuzz::Mutation>& applied) {
  std::string list;
  for (const auto mutation : applied)
    list += (list.empty() ? "" : ", ") + std::string(capsim::fuzz::mutation_name(mutation));
  return list;
}

int fuzz(const Options& options) {
  // The commands print their reports on stdout, thousands a minute: those go to /dev/null,
  // the fuzzer's own lines to what stdout was.
  std::FILE* report = ::fdopen(::dup(1), "w");
  if (!report || !std::freopen("/dev/null", "w", stdout))
    throw std::runtime_error("cannot set standard output aside");
  std::setvbuf(report, nullptr, _IOLBF, 0);
  // Their error messages go to OUT/case-stderr.txt, emptied before each case: after a case
  // that kills the process it holds what that case printed, the sanitizer's report included.
  fs::create_directories(options.out);
  const int case_log =
      ::open((options.out / "case-stderr.txt").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (case_log < 0 || ::dup2(case_log, 2) < 0)
    throw std::runtime_error("cannot open the case log");
  fs::create_directories(options.out / "findings");
  const std::vector<Seed> seeds = load_seeds(options);
  std::vector<std::string> seed_texts;
  for (const Seed& seed : seeds)
    seed_texts.push_back(seed.text);
  const capsim::fuzz::ScenarioMutator mutator(seed_texts);
  std::signal(SIGALRM, on_timeout);

  const auto began = std::chrono::steady_clock::now();
  std::uint64_t counts[4] = {0, 0, 0, 0};
  std::uint64_t done = 0;
  for (std::uint64_t index = options.start;; ++index) {
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
    if (options.cases ? done >= options.cases : elapsed >= options.seconds)
      break;
    capsim::RandomStream random(capsim::derive_stream_seed(options.seed, index, "fuzz"));
    const Seed& seed = seeds[random.next_u64() % seeds.size()];
    std::vector<capsim::fuzz::Mutation> applied;
    const std::string mutant = mutator.mutate(seed.text, random, applied);
    const std::string header =
        fmt::format("# capsim_fuzz --seed {} --start {} --cases 1: {} from {}\n", options.seed,
                    index, mutation_list(applied), seed.name);
    const fs::path case_path = seed.work_folder / "fuzz-case.yaml";
    write_file(case_path, mutant);
    write_file(options.out / "current.yaml", header + mutant);
    write_file(options.out / "progress", fmt::format("{}\n{}\n", index, seed.name));

    if (::ftruncate(2, 0) != 0 || ::lseek(2, 0, SEEK_SET) != 0)
      throw std::runtime_error("cannot empty the case log");
    ::alarm(options.timeout_s);
    const CaseResult result =
        run_case(case_path, options.out / "run", index % kMonteCarloEvery == 0);
    ::alarm(0);
    ++counts[static_cast<int>(result.outcome)];
    ++done;
    if (result.outcome == Outcome::finding) {
      // Mutants hold strings of 200,000 bytes, which messages quote: a line is enough.
      const std::string detail = result.detail.substr(0, 300);
      const fs::path saved = options.out / "findings" / fmt::format("case-{}.yaml", index);
      write_file(saved, header + "# " + detail + "\n" + mutant);
      fmt::print(report, "finding: case {} ({}): {}\n  saved as {}\n", index, seed.name, detail,
                 saved.string());
    }
  }
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  fmt::print(
      report,
      "capsim_fuzz: seed {}, cases {}..{}: {} refused by the loader, {} refused by the model, "
      "{} ran, {} findings, {:.0f} s\n",
      options.seed, options.start, options.start + done, counts[0], counts[1], counts[2], counts[3],
      elapsed);
  fs::remove(options.out / "current.yaml");
  return counts[static_cast<int>(Outcome::finding)] == 0 ? 0 : 1;
}

// A case that allocates without bound is a finding, not a machine brought to its knees. The
// sanitizers reserve terabytes of address space, so there the runtime's own RSS limit serves;
// a smaller quarantine keeps a long run's baseline (freed memory ASan holds back) far below it.
#if defined(__SANITIZE_ADDRESS__)
extern "C" const char* __asan_default_options() {
  return "hard_rss_limit_mb=6144:quarantine_size_mb=64";
}
void limit_memory() {}
#else
void limit_memory() {
  const rlimit limit{kMemoryLimitBytes, kMemoryLimitBytes};
  ::setrlimit(RLIMIT_AS, &limit);
}
#endif

}  // namespace

int main(int argc, char** argv) {
  try {
    limit_memory();
    return fuzz(parse_options(argc, argv));
  } catch (const std::exception& error) {
    fmt::print(stderr, "capsim_fuzz: {}\n", error.what());
    return 2;
  }
}
