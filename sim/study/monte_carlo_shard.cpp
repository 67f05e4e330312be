#include "capsim/study/monte_carlo_shard.hpp"

#include <charconv>
#include <cmath>
#include <fstream>
#include <memory>
#include <sstream>

#include <fmt/format.h>

#include "capsim/engine/random.hpp"
#include "capsim/output/atomic_file.hpp"
#include "capsim/output/csv_writer.hpp"
#include "capsim/study/monte_carlo_report.hpp"
#include "capsim/sweep/sweep_output.hpp"

namespace capsim::study {

namespace fs = std::filesystem;

namespace {

constexpr const char* kRowsFile = "replications_shard.csv";
constexpr const char* kManifestFile = "shard.yaml";

std::vector<std::string> shard_header(const MonteCarloStudy& study) {
  const StudyLayout& layout = study.layout;
  std::vector<std::string> header = {"replication", "seed"};
  for (const std::string& path : layout.input_paths) {
    header.push_back("value " + path);
    header.push_back("text " + path);
  }
  for (const std::string& figure : layout.figure_names)
    header.push_back("figure " + figure);
  header.emplace_back("funds_exhausted_day");
  for (const std::string& site : layout.site_names)
    header.push_back("power_online_day " + site);
  for (const int year : layout.years)
    header.push_back(fmt::format("shortfall {}", year));
  for (const std::string& period : layout.period_starts) {
    for (const std::string& column : layout.timeseries_columns)
      header.push_back(fmt::format("timeseries {} {}", period, column));
  }
  return header;
}

std::string read_text(const fs::path& path) {
  std::ifstream input(path, std::ios::binary);
  std::ostringstream text;
  text << input.rdbuf();
  return text.str();
}

[[noreturn]] void damaged(const fs::path& file, std::size_t line, const std::string& why) {
  Diagnostics diagnostics;
  diagnostics.add(
      SourceLocation{std::make_shared<const std::string>(file.string()), static_cast<int>(line), 1},
      "", why);
  throw InputError(diagnostics.items());
}

/// A cell written by CsvWriter: a shortest round-trip number, or empty for none.
std::optional<double> number_cell(const std::string& cell, const fs::path& file, std::size_t line) {
  if (cell.empty())
    return std::nullopt;
  double value = 0.0;
  const auto result = std::from_chars(cell.data(), cell.data() + cell.size(), value);
  if (result.ec != std::errc() || result.ptr != cell.data() + cell.size() || !std::isfinite(value))
    damaged(file, line, fmt::format("expected a number, found \"{}\"", cell));
  return value;
}

double required_cell(const std::string& cell, const fs::path& file, std::size_t line) {
  const std::optional<double> value = number_cell(cell, file, line);
  if (!value)
    damaged(file, line, "expected a number, found an empty cell");
  return *value;
}

/// A replication's index or seed: CsvWriter writes them as whole numbers, and a cell that is
/// not one (hand-edited, cut short) would otherwise join a replication under the wrong index.
std::uint64_t whole_cell(const std::string& cell, const fs::path& file, std::size_t line) {
  std::uint64_t value = 0;
  const auto result = std::from_chars(cell.data(), cell.data() + cell.size(), value);
  if (cell.empty() || result.ec != std::errc() || result.ptr != cell.data() + cell.size())
    damaged(file, line, fmt::format("expected a whole number, found \"{}\"", cell));
  return value;
}

}  // namespace

std::string study_fingerprint(const MonteCarloStudy& study, std::uint64_t replications) {
  std::string bytes = scenario::explain_scenario(study.scenario.nominal);
  for (const scenario::UncertainInput& input : study.scenario.inputs)
    bytes += '\0' + input.path + '\0' + input.written + '\0' + input.group;
  bytes += fmt::format("{}{}{}", '\0', replications, '\0') + CAPSIM_VERSION;
  return fmt::format("{:016x}", stream_name_hash(bytes));
}

std::vector<fs::path> write_shard(const fs::path& directory, const MonteCarloStudy& study,
                                  const MonteCarloOptions& options,
                                  const std::vector<Replication>& reps) {
  output::ensure_directory(directory);
  output::CsvWriter csv(shard_header(study));
  for (const Replication& rep : reps) {
    std::vector<output::CsvCell> cells = {rep.index, rep.seed};
    for (const scenario::Draw& drawn : rep.draws) {
      cells.emplace_back(drawn.value);
      cells.emplace_back(drawn.text);
    }
    append_result_cells(rep, cells);
    for (const double value : rep.timeseries)
      cells.emplace_back(value);
    csv.add_row(cells);
  }
  std::vector<std::unique_ptr<output::AtomicFile>> files;
  files.push_back(std::make_unique<output::AtomicFile>(directory / kRowsFile));
  files.back()->write(csv.str());
  files.push_back(std::make_unique<output::AtomicFile>(directory / kManifestFile));
  files.back()->write(fmt::format("fingerprint: \"{}\"\nreplications: {}\nshard: \"{}/{}\"\n",
                                  study_fingerprint(study, options.replications),
                                  options.replications, options.shard.index, options.shard.count));
  // shard.yaml last: a folder with it holds a whole shard.
  return output::publish_file_set(directory, files, kManifestFile, {kRowsFile, kManifestFile});
}

std::vector<Replication> read_shards(const std::vector<fs::path>& directories,
                                     const MonteCarloStudy& study,
                                     const MonteCarloOptions& options) {
  const std::string fingerprint = study_fingerprint(study, options.replications);
  const std::vector<std::string> header = shard_header(study);
  const StudyLayout& layout = study.layout;
  std::vector<std::optional<Replication>> joined(options.replications);
  for (const fs::path& directory : directories) {
    const fs::path manifest = directory / kManifestFile;
    const std::string manifest_text = read_text(manifest);
    if (manifest_text.empty())
      damaged(manifest, 1,
              "expected a shard folder written by capsim run --shard, found no "
              "shard.yaml (the shard did not finish, or this is another folder)");
    if (manifest_text.find(fmt::format("fingerprint: \"{}\"", fingerprint)) == std::string::npos)
      damaged(manifest, 1,
              fmt::format("expected a shard of this scenario with {} replications (fingerprint "
                          "{}), found another study's",
                          options.replications, fingerprint));
    const fs::path rows_file = directory / kRowsFile;
    const std::string rows_text = read_text(rows_file);
    if (rows_text.empty())
      damaged(rows_file, 1,
              "expected the shard's replications (its header at least), found no file or an "
              "empty one");
    std::istringstream rows(rows_text);
    std::string line;
    std::vector<std::string> fields;
    std::size_t line_number = 0;
    while (std::getline(rows, line)) {
      ++line_number;
      if (!sweep::split_csv_line(line, fields) || fields.size() != header.size())
        damaged(rows_file, line_number,
                fmt::format("expected {} fields, found {}", header.size(), fields.size()));
      if (line_number == 1) {
        if (fields != header)
          damaged(rows_file, 1, "expected the columns of this study, found others");
        continue;
      }
      Replication rep;
      std::size_t cell = 0;
      const auto next = [&] { return fields[cell++]; };
      rep.index = whole_cell(next(), rows_file, line_number);
      rep.seed = whole_cell(next(), rows_file, line_number);
      for (std::size_t i = 0; i < layout.input_paths.size(); ++i) {
        scenario::Draw drawn;
        drawn.value = required_cell(next(), rows_file, line_number);
        drawn.text = next();
        rep.draws.push_back(std::move(drawn));
      }
      for (std::size_t f = 0; f < layout.figure_names.size(); ++f)
        rep.figures.push_back(number_cell(next(), rows_file, line_number));
      rep.funds_exhausted_day = number_cell(next(), rows_file, line_number);
      for (std::size_t s = 0; s < layout.site_names.size(); ++s)
        rep.site_power_online_day.push_back(number_cell(next(), rows_file, line_number));
      for (std::size_t y = 0; y < layout.years.size(); ++y)
        rep.shortfall_in_year.push_back(next() == "1");
      while (cell < fields.size())
        rep.timeseries.push_back(required_cell(next(), rows_file, line_number));
      if (rep.index >= options.replications || joined[rep.index])
        damaged(rows_file, line_number,
                fmt::format("expected each replication below {} once, found replication {} {}",
                            options.replications, rep.index,
                            rep.index >= options.replications ? "beyond them" : "again"));
      joined[rep.index] = std::move(rep);
    }
  }
  std::vector<Replication> result;
  for (std::uint64_t r = 0; r < joined.size(); ++r) {
    if (!joined[r]) {
      Diagnostics diagnostics;
      diagnostics.add(SourceLocation{}, "",
                      fmt::format("expected the shards to hold all {} replications, found "
                                  "replication {} in none of them",
                                  options.replications, r));
      throw InputError(diagnostics.items());
    }
    result.push_back(std::move(*joined[r]));
  }
  return result;
}

}  // namespace capsim::study
