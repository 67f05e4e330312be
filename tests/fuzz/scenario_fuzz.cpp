// capsim_fuzz: a deterministic, structure-aware mutation fuzzer of the scenario loader and the
// whole run. Each case mutates a seed scenario (yaml_mutator.hpp) and does what `capsim run
// --out` does with it: load, simulate, print the summary, write the files. The contract under
// test (issue 13): a scenario is either refused as bad input, with its place, or it runs to
// the end with sane figures. Anything else is a finding:
//   internal   an exception other than InputError (capsim would exit 1);
//   figures    a run that ends with a NaN, an infinity or a negative stock in its timeseries;
//   timeout    a case still running after --timeout-s (SIGALRM; exit status 124);
//   crash      a sanitizer report or a signal (the process dies; scripts/fuzz.sh records it).
// Case k of seed s is a pure function of (s, k) and the seed corpus, so `--seed s --start k
// --cases 1` replays it. Before each case the mutant is written to OUT/current.yaml and k to
// OUT/progress, so that a case which kills the process is not lost.

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "capsim/core/diagnostics.hpp"
#include "capsim/model/capacity_model.hpp"
#include "capsim/output/capacity_report.hpp"
#include "capsim/scenario/loader.hpp"
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

std::string read_file(const fs::path& path) {
  std::ifstream input(path, std::ios::binary);
  std::ostringstream text;
  text << input.rdbuf();
  return text.str();
}

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
    fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
    if (std::string_view(folder) == "tests/data")
      continue;  // data the scenarios read, not scenarios
    for (const auto& entry : fs::recursive_directory_iterator(from)) {
      const fs::path relative = fs::relative(entry.path(), options.source);
      const std::string name = relative.generic_string();
      if (!entry.is_regular_file() || entry.path().extension() != ".yaml" ||
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

// The first insane figure of a finished run, or "" if there is none.
std::string insane_figure(const capsim::CapacityRun& run) {
  const capsim::Recorder& table = run.timeseries;
  for (std::size_t column = 0; column < table.columns().size(); ++column) {
    const std::string& name = table.columns()[column];
    for (std::size_t row = 0; row < table.rows(); ++row) {
      const double value = table.value(row, column);
      const bool bad =
          !std::isfinite(value) || (never_negative(name) && value < 0) ||
          ((name == "utilisation" || name.rfind("slo_attainment_", 0) == 0) && value > 1 + 1e-9);
      if (bad) {
        return fmt::format("timeseries {} = {} in the period from {}", name, value,
                           table.period_start(row));
      }
    }
  }
  return "";
}

enum class Outcome { refused, refused_by_model, ran, finding };

struct CaseResult {
  Outcome outcome = Outcome::ran;
  std::string detail;
};

CaseResult run_case(const fs::path& scenario_path, const fs::path& run_folder) {
  capsim::Scenario scenario;
  try {
    scenario = capsim::scenario::load_scenario(scenario_path.string());
  } catch (const capsim::InputError&) {
    return {Outcome::refused, ""};
  } catch (const std::exception& error) {
    return {Outcome::finding, fmt::format("internal error while loading: {}", error.what())};
  }
  try {
    const capsim::CapacityRun run = capsim::run_capacity(scenario);
    capsim::output::text_summary(scenario, run);
    capsim::output::write_run(run_folder, scenario, run);
    const std::string insane = insane_figure(run);
    if (!insane.empty())
      return {Outcome::finding, "figures: " + insane};
    return {Outcome::ran, ""};
  } catch (const capsim::InputError&) {
    return {Outcome::refused_by_model, ""};
  } catch (const std::exception& error) {
    return {Outcome::finding, fmt::format("internal error: {}", error.what())};
  }
}

std::string mutation_list(const std::vector<capsim::fuzz::Mutation>& applied) {
  std::string list;
  for (const auto mutation : applied)
    list += (list.empty() ? "" : ", ") + std::string(capsim::fuzz::mutation_name(mutation));
  return list;
}

int fuzz(const Options& options) {
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

    ::alarm(options.timeout_s);
    const CaseResult result = run_case(case_path, options.out / "run");
    ::alarm(0);
    ++counts[static_cast<int>(result.outcome)];
    ++done;
    if (result.outcome == Outcome::finding) {
      // Mutants hold strings of 200,000 bytes, which messages quote: a line is enough.
      const std::string detail = result.detail.substr(0, 300);
      const fs::path saved = options.out / "findings" / fmt::format("case-{}.yaml", index);
      write_file(saved, header + "# " + detail + "\n" + mutant);
      fmt::print("finding: case {} ({}): {}\n  saved as {}\n", index, seed.name, detail,
                 saved.string());
    }
  }
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  fmt::print(
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
