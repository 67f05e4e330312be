#include "capsim/sweep/sweep_output.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>

#include <fmt/format.h>

#include "capsim/core/text.hpp"
#include "capsim/engine/random.hpp"
#include "capsim/metrics/statistics.hpp"
#include "capsim/output/atomic_file.hpp"
#include "capsim/output/csv_writer.hpp"
#include "capsim/scenario/config_node.hpp"

namespace capsim::sweep {

namespace {

namespace fs = std::filesystem;
using scenario::ConfigNode;

std::string quoted_list(const std::vector<std::string>& items) {
  std::string text = "[";
  for (std::size_t i = 0; i < items.size(); ++i)
    text += (i > 0 ? ", " : "") + quote_string(items[i]);
  return text + "]";
}

std::string read_file(const fs::path& path) {
  std::ifstream input(path, std::ios::binary);
  if (!input)
    throw SweepError(fmt::format("cannot read '{}'", path.string()));
  std::ostringstream content;
  content << input.rdbuf();
  return content.str();
}

bool parse_u64(std::string_view text, std::uint64_t& value) {
  const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
  return !text.empty() && result.ec == std::errc() && result.ptr == text.data() + text.size();
}

bool parse_double(std::string_view text, double& value) {
  const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
  return !text.empty() && result.ec == std::errc() && result.ptr == text.data() + text.size();
}

}  // namespace

const std::vector<std::string_view>& sweep_file_names() {
  static const std::vector<std::string_view> names = {"manifest.yaml", "runs_summary.csv",
                                                      "report.html", "runs.csv"};
  return names;
}

std::string manifest_yaml(const Manifest& manifest) {
  return fmt::format(
      "# capsim sweep manifest: the sweep this folder holds (written by capsim sweep; do not "
      "edit)\n"
      "sweep: {}\nfingerprint: {}\nruns: {}\nreplications: {}\n{}shard: \"{}/{}\"\n"
      "parameters: {}\n{}figures: {}\n",
      quote_string(manifest.sweep), quote_string(manifest.fingerprint), manifest.runs,
      manifest.replications,
      manifest.seed ? fmt::format("seed: {}\n", *manifest.seed) : std::string(),
      manifest.shard_index, manifest.shard_count, quoted_list(manifest.parameters),
      manifest.inputs.empty() ? std::string()
                              : fmt::format("inputs: {}\n", quoted_list(manifest.inputs)),
      quoted_list(manifest.figures));
}

Manifest read_manifest(const fs::path& path) {
  Diagnostics diagnostics;
  const ConfigNode root = scenario::parse_yaml_file(path.string(), diagnostics);
  diagnostics.throw_if_any();
  Manifest manifest;
  const auto problem = [&](const ConfigNode* node, const std::string& key,
                           const std::string& what) {
    diagnostics.add(node ? node->location : root.location, key,
                    fmt::format("expected {}, found {}", what, node ? node->describe() : "none"));
  };
  const auto scalar = [&](const std::string& key) -> const ConfigNode* {
    const ConfigNode* node = root.is_mapping() ? root.find(key) : nullptr;
    if (!node || !node->is_scalar()) {
      problem(node, key, "a value (is this a sweep's manifest.yaml?)");
      return nullptr;
    }
    return node;
  };
  const auto number = [&](const std::string& key, std::uint64_t& out) {
    if (const ConfigNode* node = scalar(key); node && !parse_u64(node->scalar, out))
      problem(node, key, "a whole number");
  };
  const auto list = [&](const std::string& key, std::vector<std::string>& out) {
    const ConfigNode* node = root.is_mapping() ? root.find(key) : nullptr;
    if (!node || !node->is_sequence()) {
      problem(node, key, "a list of names");
      return;
    }
    for (const ConfigNode& item : node->items)
      out.push_back(item.scalar);
  };
  if (const ConfigNode* node = scalar("sweep"))
    manifest.sweep = node->scalar;
  if (const ConfigNode* node = scalar("fingerprint"))
    manifest.fingerprint = node->scalar;
  number("runs", manifest.runs);
  number("replications", manifest.replications);
  if (root.is_mapping() && root.find("seed")) {
    std::uint64_t seed = 0;
    number("seed", seed);
    manifest.seed = seed;
  }
  if (const ConfigNode* node = scalar("shard")) {
    const std::size_t slash = node->scalar.find('/');
    if (slash == std::string::npos ||
        !parse_u64(std::string_view(node->scalar).substr(0, slash), manifest.shard_index) ||
        !parse_u64(std::string_view(node->scalar).substr(slash + 1), manifest.shard_count)) {
      problem(node, "shard", "K/N");
    }
  }
  list("parameters", manifest.parameters);
  if (root.is_mapping() && root.find("inputs"))
    list("inputs", manifest.inputs);
  list("figures", manifest.figures);
  diagnostics.throw_if_any();
  return manifest;
}

std::vector<std::string> runs_header(const Manifest& manifest) {
  std::vector<std::string> header{"run_id", "point", "replication"};
  header.insert(header.end(), manifest.parameters.begin(), manifest.parameters.end());
  header.insert(header.end(), manifest.inputs.begin(), manifest.inputs.end());
  header.push_back("seed");
  header.insert(header.end(), manifest.figures.begin(), manifest.figures.end());
  return header;
}

bool split_csv_line(std::string_view line, std::vector<std::string>& fields) {
  fields.clear();
  std::string field;
  std::size_t i = 0;
  while (true) {
    field.clear();
    if (i < line.size() && line[i] == '"') {
      ++i;
      while (true) {
        if (i >= line.size())
          return false;
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            field += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        field += line[i++];
      }
      if (i < line.size() && line[i] != ',')
        return false;
    } else {
      const std::size_t comma = line.find(',', i);
      const std::size_t end = comma == std::string_view::npos ? line.size() : comma;
      field.assign(line.substr(i, end - i));
      if (field.find('"') != std::string::npos)
        return false;
      i = end;
    }
    fields.push_back(field);
    if (i >= line.size())
      return true;
    ++i;  // the comma
  }
}

std::uint64_t run_seed(std::uint64_t sweep_seed, std::uint64_t point, std::uint64_t replication) {
  return derive_stream_seed(sweep_seed, replication, fmt::format("sweep.point.{}", point)) >> 1;
}

std::optional<std::string> row_problem(const std::vector<std::string>& fields,
                                       const Manifest& manifest, std::uint64_t& run_id) {
  const std::size_t seed_at = manifest.seed_column();
  const std::size_t width = seed_at + 1 + manifest.figures.size();
  if (fields.size() != width)
    return fmt::format("a row of {} fields, found {}", width, fields.size());
  if (!parse_u64(fields[0], run_id) || run_id >= manifest.runs)
    return fmt::format("a run id below {}, found \"{}\"", manifest.runs, excerpt(fields[0]));
  const std::uint64_t replications = std::max<std::uint64_t>(1, manifest.replications);
  const std::uint64_t point = run_id / replications;
  const std::uint64_t replication = run_id % replications;
  if (fields[1] != std::to_string(point) || fields[2] != std::to_string(replication)) {
    return fmt::format(
        "point {} and replication {} for run {}, found point \"{}\" and "
        "replication \"{}\"",
        point, replication, run_id, excerpt(fields[1]), excerpt(fields[2]));
  }
  const std::string& seed = fields[seed_at];
  if (manifest.seed && seed != std::to_string(run_seed(*manifest.seed, point, replication))) {
    return fmt::format("seed {} for run {} (derived from the sweep's seed {}), found \"{}\"",
                       run_seed(*manifest.seed, point, replication), run_id, *manifest.seed,
                       excerpt(seed));
  }
  for (std::size_t f = 0; f < manifest.figures.size(); ++f) {
    const std::string& cell = fields[seed_at + 1 + f];
    double value = 0.0;
    if (!parse_double(cell, value) || !std::isfinite(value)) {
      return fmt::format("a finite number for figure '{}' of run {}, found \"{}\"",
                         manifest.figures[f], run_id, excerpt(cell));
    }
  }
  return std::nullopt;
}

SummaryBuilder::SummaryBuilder(const Manifest& manifest)
    : manifest_(manifest), samples_(manifest.figures.size()) {
  std::vector<std::string> header{"point"};
  header.insert(header.end(), manifest.parameters.begin(), manifest.parameters.end());
  header.push_back("replications");
  for (const std::string& figure : manifest.figures) {
    header.push_back(figure + ".mean");
    header.push_back(figure + ".ci95_low");
    header.push_back(figure + ".ci95_high");
  }
  text_ = output::CsvWriter(header).str();
}

void SummaryBuilder::add(const std::vector<std::string>& fields) {
  const std::size_t parameters = manifest_.parameters.size();
  std::uint64_t point = 0;
  parse_u64(fields.at(1), point);
  if (static_cast<std::int64_t>(point) != point_) {
    flush_point();
    point_ = static_cast<std::int64_t>(point);
    point_values_.assign(fields.begin() + 3, fields.begin() + 3 + static_cast<long>(parameters));
  }
  for (std::size_t f = 0; f < manifest_.figures.size(); ++f) {
    double value = 0.0;
    parse_double(fields.at(manifest_.seed_column() + 1 + f), value);
    samples_[f].push_back(value);
  }
}

void SummaryBuilder::flush_point() {
  if (point_ < 0)
    return;
  std::vector<output::CsvCell> cells{point_};
  for (const std::string& value : point_values_)
    cells.emplace_back(value);
  cells.emplace_back(static_cast<std::int64_t>(samples_.empty() ? 0 : samples_[0].size()));
  for (std::vector<double>& values : samples_) {
    if (values.size() >= 2) {
      const Estimate estimate = t_interval(values, 0.95);
      cells.emplace_back(estimate.mean);
      cells.emplace_back(estimate.low());
      cells.emplace_back(estimate.high());
    } else {
      // One replication: a mean, and no interval to give.
      cells.emplace_back(values.empty() ? 0.0 : values.front());
      cells.emplace_back("");
      cells.emplace_back("");
    }
    values.clear();
  }
  text_ += output::csv_row(cells);
}

std::string SummaryBuilder::finish() {
  flush_point();
  point_ = -1;
  return text_;
}

namespace {

std::vector<Manifest> read_manifests(const std::vector<fs::path>& shards) {
  std::vector<Manifest> manifests;
  for (const fs::path& shard : shards) {
    if (!fs::is_regular_file(shard / "manifest.yaml")) {
      throw SweepError(
          fmt::format("merge: '{}' holds no manifest.yaml: expected the --out folder "
                      "of a capsim sweep shard",
                      shard.string()));
    }
    manifests.push_back(read_manifest(shard / "manifest.yaml"));
    if (!manifests.back().seed) {
      throw SweepError(fmt::format(
          "merge: {}: expected the sweep's seed, found a manifest without one (written by an "
          "older capsim): run that shard again with --restart",
          (shard / "manifest.yaml").string()));
    }
  }
  return manifests;
}

void check_same_sweep(const std::vector<fs::path>& shards, const std::vector<Manifest>& manifests) {
  const Manifest& first = manifests.front();
  for (std::size_t i = 1; i < manifests.size(); ++i) {
    const Manifest& other = manifests[i];
    if (other.fingerprint != first.fingerprint || other.runs != first.runs ||
        other.seed != first.seed || other.replications != first.replications ||
        other.figures != first.figures || other.parameters != first.parameters ||
        other.inputs != first.inputs) {
      throw SweepError(fmt::format(
          "merge: '{}' holds sweep {} (fingerprint {}), '{}' holds sweep {} (fingerprint {}): "
          "expected shards of one sweep",
          shards[0].string(), first.sweep, first.fingerprint, shards[i].string(), other.sweep,
          other.fingerprint));
    }
  }
}

/// The shards' runs.csv files, and per run which shard gave it and where its line is there.
struct GatheredRows {
  struct Where {
    std::size_t shard = SIZE_MAX;
    std::size_t offset = 0;
    std::size_t length = 0;
  };
  std::vector<std::string> contents;  ///< per shard
  std::vector<Where> where;           ///< per run id
};

/// Reads shard `s`'s runs.csv into `rows`, each row checked, and none already given.
void gather_shard_rows(const std::vector<fs::path>& shards, const std::vector<Manifest>& manifests,
                       std::size_t s, const std::string& header_line, GatheredRows& rows) {
  const Manifest& manifest = manifests[s];
  const fs::path runs = shards[s] / "runs.csv";
  if (!fs::is_regular_file(runs)) {
    throw SweepError(
        fmt::format("merge: '{}' has no runs.csv: that shard ({}/{}) has not "
                    "finished; run it again (it resumes) before merging",
                    shards[s].string(), manifest.shard_index, manifest.shard_count));
  }
  rows.contents.push_back(read_file(runs));
  const std::string& text = rows.contents.back();
  if (text.compare(0, header_line.size(), header_line) != 0) {
    throw SweepError(fmt::format(
        "merge: '{}': expected the header of this sweep's runs.csv on line 1", runs.string()));
  }
  std::vector<std::string> fields;
  std::size_t offset = header_line.size();
  std::size_t line_number = 2;
  while (offset < text.size()) {
    const std::size_t end = text.find('\n', offset);
    if (end == std::string::npos) {
      throw SweepError(
          fmt::format("merge: '{}' line {}: expected a whole row, found a line without its end",
                      runs.string(), line_number));
    }
    const std::string_view line(text.data() + offset, end - offset);
    std::uint64_t run_id = 0;
    std::optional<std::string> problem;
    if (!split_csv_line(line, fields))
      problem = "a CSV row, found an unbalanced quote";
    else
      problem = row_problem(fields, manifests.front(), run_id);
    if (!problem && manifest.shard_count > 0 &&
        run_id % manifest.shard_count != manifest.shard_index - 1) {
      problem = fmt::format("a run of shard {}/{}, found run {}", manifest.shard_index,
                            manifest.shard_count, run_id);
    }
    if (problem) {
      throw SweepError(fmt::format(
          "merge: {}:{}: expected {}; that shard's runs.csv was edited or damaged: run the "
          "shard again (with --restart) before merging",
          runs.string(), line_number, *problem));
    }
    GatheredRows::Where& where = rows.where[run_id];
    if (where.shard != SIZE_MAX) {
      throw SweepError(
          fmt::format("merge: run {} is in both '{}' and '{}': expected each run in "
                      "one shard (the same shard given twice?)",
                      run_id, shards[where.shard].string(), shards[s].string()));
    }
    where = GatheredRows::Where{s, offset, end - offset + 1};
    offset = end + 1;
    ++line_number;
  }
}

/// Every shard's rows, refused unless each run of the sweep is given exactly once.
GatheredRows gather_rows(const std::vector<fs::path>& shards,
                         const std::vector<Manifest>& manifests, const std::string& header_line) {
  const Manifest& first = manifests.front();
  GatheredRows rows;
  rows.where.resize(first.runs);
  for (std::size_t s = 0; s < shards.size(); ++s)
    gather_shard_rows(shards, manifests, s, header_line, rows);
  std::uint64_t missing = 0;
  std::uint64_t first_missing = 0;
  for (std::uint64_t id = 0; id < first.runs; ++id) {
    if (rows.where[id].shard == SIZE_MAX && missing++ == 0)
      first_missing = id;
  }
  if (missing > 0) {
    throw SweepError(fmt::format(
        "merge: {} of {} runs missing (first: run {}, in shard {}/{}): expected the folders of "
        "all {} shards",
        missing, first.runs, first_missing, first_missing % first.shard_count + 1,
        first.shard_count, first.shard_count));
  }
  return rows;
}

/// runs.csv in run-id order, runs_summary.csv, the report and the manifest of shard 1/1, into
/// `out`.
std::vector<fs::path> write_merged(const GatheredRows& rows, const Manifest& first,
                                   const std::string& header_line, const fs::path& out,
                                   const SweepReportWriter& report) {
  Manifest merged = first;
  merged.shard_index = 1;
  merged.shard_count = 1;
  output::ensure_directory(out);
  output::remove_stale_temporaries(out, sweep_file_names());
  // Every file is complete in its temporary before anything in `out` changes.
  std::vector<std::unique_ptr<output::AtomicFile>> files;
  files.push_back(std::make_unique<output::AtomicFile>(out / "runs.csv"));
  output::AtomicFile& runs_file = *files.back();
  SummaryBuilder summary(merged);
  RunsTable runs{runs_header(merged), {}};
  std::string buffer = header_line;
  std::vector<std::string> fields;
  for (const GatheredRows::Where& at : rows.where) {
    const std::string_view line(rows.contents[at.shard].data() + at.offset, at.length);
    buffer += line;
    split_csv_line(line.substr(0, line.size() - 1), fields);
    summary.add(fields);
    if (report)
      runs.rows.push_back(fields);
    if (buffer.size() > (1u << 20)) {
      runs_file.write(buffer);
      buffer.clear();
    }
  }
  runs_file.write(buffer);
  const std::string summary_text = summary.finish();
  files.push_back(std::make_unique<output::AtomicFile>(out / "runs_summary.csv"));
  files.back()->write(summary_text);
  if (report) {
    files.push_back(std::make_unique<output::AtomicFile>(out / "report.html"));
    files.back()->write(report(merged, runs, summary_text));
  }
  files.push_back(std::make_unique<output::AtomicFile>(out / "manifest.yaml"));
  files.back()->write(manifest_yaml(merged));
  return output::publish_file_set(
      out, files, kSweepDoneMarker,
      {"manifest.yaml", "runs_summary.csv", "report.html", "runs.csv", "journal.csv"});
}

}  // namespace

std::vector<fs::path> merge_shards(const std::vector<fs::path>& shards, const fs::path& out,
                                   const SweepReportWriter& report) {
  if (shards.empty())
    throw SweepError("merge: expected at least one shard folder, found none");
  const std::vector<Manifest> manifests = read_manifests(shards);
  check_same_sweep(shards, manifests);
  const std::vector<std::string> header = runs_header(manifests.front());
  const std::string header_line = output::csv_row({header.begin(), header.end()});
  const GatheredRows rows = gather_rows(shards, manifests, header_line);
  return write_merged(rows, manifests.front(), header_line, out, report);
}

}  // namespace capsim::sweep
