#include "capsim/sweep/sweep_spec.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <numeric>
#include <sstream>

#include <fmt/format.h>

#include "capsim/core/text.hpp"
#include "capsim/core/units.hpp"
#include "capsim/engine/random.hpp"
#include "capsim/metrics/statistics.hpp"
#include "capsim/scenario/scenario_schema.hpp"
#include "capsim/study/monte_carlo.hpp"
#include "capsim/sweep/sweep_output.hpp"

namespace capsim::sweep {

namespace {

namespace fs = std::filesystem;
using scenario::ConfigNode;
using scenario::RecordSchema;

const RecordSchema<RangeSpec>& range_schema() {
  static const RecordSchema<RangeSpec> schema = [] {
    RecordSchema<RangeSpec> s("range", "Evenly spaced values from `from` to `to`, both included.");
    s.text(&RangeSpec::from, {.key = "from",
                              .doc = "First value: a number, or a number with the unit the "
                                     "scenario key wants.",
                              .example = "\"50 MW\"",
                              .required = true});
    s.text(&RangeSpec::to, {.key = "to",
                            .doc = "Last value, with the same unit as `from`.",
                            .example = "\"100 MW\"",
                            .required = true});
    s.integer(&RangeSpec::count, {.key = "count",
                                  .doc = "How many values, ends included.",
                                  .example = "5",
                                  .required = true,
                                  .minimum = 2.0,
                                  .maximum = 1e6});
    s.choice(&RangeSpec::scale, {{"linear", RangeScale::linear}, {"log", RangeScale::log}},
             {.key = "scale",
              .doc = "linear: equal steps; log: equal ratios (both ends positive).",
              .example = "log",
              .default_text = "linear"});
    return s;
  }();
  return schema;
}

const RecordSchema<ParameterSpec>& parameter_schema() {
  static const RecordSchema<ParameterSpec> schema = [] {
    RecordSchema<ParameterSpec> s(
        "parameter", "One swept key of the base scenario, with values, a range or a distribution.");
    s.text(&ParameterSpec::path, {.key = "path",
                                  .doc = "Key path into the scenario, as for `capsim run --set`.",
                                  .example = "efficiency.steps[0].factor",
                                  .required = true});
    s.texts(&ParameterSpec::values, {.key = "values",
                                     .doc = "The values, as they would be written in the scenario.",
                                     .example = "[\"$10B\", \"$20B\"]"});
    s.record(&ParameterSpec::range, range_schema(),
             {.key = "range", .doc = "Evenly spaced values.", .example = "{from: 1, to: 10}"});
    s.text(&ParameterSpec::distribution_slot,
           {.key = "distribution",
            .doc = "A distribution to sample, in the scenario's syntax (docs/uncertainty.md): "
                   "a compact form, with or without its leading value, or a mapping.",
            .example = "\"uniform(0, 1.5)\""});
    return s;
  }();
  return schema;
}

constexpr const char* kParameterOrigin = "<sweep parameter>";
/// Points are expanded in memory and the runner keeps a few bytes per run: a bound that keeps
/// a typo (count: 1000000 twice) from exhausting memory before anything runs.
constexpr std::int64_t kMaxRuns = 100'000'000;

std::string read_bytes(const std::string& path) {
  std::ifstream input(path, std::ios::binary);
  std::ostringstream content;
  content << input.rdbuf();
  return content.str();
}

bool plain_number(const std::string& text) {
  double value = 0.0;
  const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
  return result.ec == std::errc() && result.ptr == text.data() + text.size();
}

/// The text a value takes in its override: numbers and booleans bare, anything else quoted so
/// that YAML reads it as the text written ("$10B", "70 MW", "a: b").
std::string override_text(const std::string& value) {
  if (value == "true" || value == "false" || plain_number(value))
    return value;
  return quote_string(value);
}

/// Where each of the parameter's candidate values was written, for trying them on the base.
struct Candidate {
  std::string text;
  const ConfigNode* node;
  std::string key_path;
  std::string note;  ///< appended to a problem's message, e.g. " (value 2 of the range's 4)"
};

bool is_date_like(const std::string& text) {
  return text.size() >= 7 &&
         std::all_of(text.begin(), text.begin() + 4, [](char c) { return c >= '0' && c <= '9'; }) &&
         text[4] == '-';
}

/// A range's values are all loaded on the base up to this many (evenly spaced, ends included
/// beyond it): each load is a fraction of a millisecond.
constexpr std::int64_t kMaxRangeValuesTried = 1000;

}  // namespace

const RecordSchema<SweepSpec>& sweep_schema() {
  static const RecordSchema<SweepSpec> schema = [] {
    RecordSchema<SweepSpec> s("sweep",
                              "A base scenario, the keys to vary and the figures to collect.");
    s.name(&SweepSpec::name,
           {.key = "name",
            .doc = "Short name; defaults to the file name, which must then be a name too.",
            .example = "meta-budget"});
    s.prose(&SweepSpec::description,
            {.key = "description", .doc = "What the sweep asks.", .default_text = "\"\""});
    s.text(&SweepSpec::base, {.key = "base",
                              .doc = "The scenario file, relative to the sweep file.",
                              .example = "../meta-2025-60b.yaml",
                              .required = true});
    s.integer(&SweepSpec::seed, {.key = "seed",
                                 .doc = "Seed of the sampling and of every run's seed.",
                                 .example = "7",
                                 .default_text = "1",
                                 .minimum = 0.0});
    s.integer(&SweepSpec::replications, {.key = "replications",
                                         .doc = "Runs per point, each with its own seed.",
                                         .example = "5",
                                         .default_text = "1",
                                         .minimum = 1.0,
                                         .maximum = 100000.0});
    s.choice(&SweepSpec::sampling,
             {{"grid", Sampling::grid},
              {"random", Sampling::random},
              {"latin_hypercube", Sampling::latin_hypercube}},
             {.key = "sampling",
              .doc = "How distribution parameters are drawn; grid when there are none.",
              .example = "latin_hypercube",
              .default_text = "grid"});
    s.integer(&SweepSpec::samples, {.key = "samples",
                                    .doc = "Draws of the distribution parameters (random, "
                                           "latin_hypercube).",
                                    .example = "200",
                                    .minimum = 1.0,
                                    .maximum = 10000000.0});
    s.records(&SweepSpec::parameters, parameter_schema(),
              {.key = "parameters", .doc = "The keys to vary.", .required = true});
    s.texts(&SweepSpec::collect, {.key = "collect",
                                  .doc = "Summary figures to collect (names from summary.json "
                                         "paths; '*' matches any text).",
                                  .example = "[totals.capex_usd, \"fleet_at[*].gpus_installed\"]",
                                  .required = true});
    return s;
  }();
  return schema;
}

std::vector<double> range_values(double from, double to, std::int64_t count, RangeScale scale) {
  std::vector<double> values;
  values.reserve(static_cast<std::size_t>(count));
  for (std::int64_t i = 0; i < count; ++i) {
    const double t = static_cast<double>(i) / static_cast<double>(count - 1);
    double value = scale == RangeScale::linear
                       ? from + t * (to - from)
                       : std::exp(std::log(from) + t * (std::log(to) - std::log(from)));
    // Twelve significant digits: 0.1 steps read "0.3", not "0.30000000000000004".
    value = std::stod(fmt::format("{:.12g}", value));
    values.push_back(value);
  }
  values.front() = from;
  values.back() = to;
  return values;
}

std::vector<double> latin_hypercube(std::size_t samples, std::size_t dimensions,
                                    std::uint64_t seed) {
  RandomStream stream(seed);
  std::vector<double> design(samples * dimensions);
  std::vector<std::size_t> strata(samples);
  for (std::size_t d = 0; d < dimensions; ++d) {
    std::iota(strata.begin(), strata.end(), std::size_t{0});
    for (std::size_t i = samples; i > 1; --i) {  // Fisher-Yates
      const auto j = static_cast<std::size_t>(stream.uniform01() * static_cast<double>(i));
      std::swap(strata[i - 1], strata[std::min(j, i - 1)]);
    }
    for (std::size_t i = 0; i < samples; ++i) {
      const double u =
          (static_cast<double>(strata[i]) + stream.uniform01()) / static_cast<double>(samples);
      design[i * dimensions + d] = std::min(u, std::nextafter(1.0, 0.0));
    }
  }
  return design;
}

std::vector<SweepPoint> expand_points(const SweepSpec& spec) {
  std::vector<std::vector<std::string>> grid;  // per grid parameter, its values
  std::vector<std::size_t> grid_index, drawn_index;
  for (std::size_t p = 0; p < spec.parameters.size(); ++p) {
    const ParameterSpec& parameter = spec.parameters[p];
    if (parameter.kind == ParameterSpec::Kind::values) {
      grid.push_back(parameter.values);
      grid_index.push_back(p);
    } else if (parameter.kind == ParameterSpec::Kind::range) {
      const AffixedNumber from = *parse_affixed_number(parameter.range.from);
      const AffixedNumber to = *parse_affixed_number(parameter.range.to);
      std::vector<std::string> texts;
      for (const double value :
           range_values(from.number, to.number, parameter.range.count, parameter.range.scale)) {
        texts.push_back(from.format(value));
      }
      grid.push_back(std::move(texts));
      grid_index.push_back(p);
    } else {
      drawn_index.push_back(p);
    }
  }
  std::size_t cells = 1;
  for (const auto& values : grid)
    cells *= values.size();
  const std::size_t samples = drawn_index.empty() ? 1 : static_cast<std::size_t>(spec.samples);
  const auto seed = static_cast<std::uint64_t>(spec.seed);
  std::vector<double> design;
  if (!drawn_index.empty()) {
    if (spec.sampling == Sampling::latin_hypercube) {
      design = latin_hypercube(samples, drawn_index.size(),
                               derive_stream_seed(seed, 0, "sweep.latin_hypercube"));
    } else {
      RandomStream stream(seed, 0, "sweep.random");
      design.resize(samples * drawn_index.size());
      for (double& u : design)
        u = stream.uniform01();
    }
  }
  std::vector<std::vector<std::string>> drawn(samples);
  for (std::size_t s = 0; s < samples; ++s) {
    for (std::size_t d = 0; d < drawn_index.size(); ++d) {
      const scenario::UncertainInput& input = *spec.parameters[drawn_index[d]].sampled;
      drawn[s].push_back(sampled_value_text(input, input.draw(design[s * drawn_index.size() + d])));
    }
  }
  std::vector<SweepPoint> points;
  points.reserve(cells * samples);
  for (std::size_t cell = 0; cell < cells; ++cell) {
    std::vector<std::string> cell_values(grid.size());
    std::size_t rest = cell;
    for (std::size_t g = grid.size(); g-- > 0;) {  // the last parameter varies fastest
      cell_values[g] = grid[g][rest % grid[g].size()];
      rest /= grid[g].size();
    }
    for (std::size_t s = 0; s < samples; ++s) {
      SweepPoint point;
      point.values.resize(spec.parameters.size());
      for (std::size_t g = 0; g < grid.size(); ++g)
        point.values[grid_index[g]] = cell_values[g];
      for (std::size_t d = 0; d < drawn_index.size(); ++d)
        point.values[drawn_index[d]] = drawn[s][d];
      points.push_back(std::move(point));
    }
  }
  return points;
}

std::uint64_t Sweep::seed_of(std::uint64_t point, std::uint64_t replication) const {
  return run_seed(static_cast<std::uint64_t>(spec.seed), point, replication);
}

ValueColumn value_column(const std::string& path) {
  const scenario::FieldInfo* field = scenario::field_at_path(path);
  if (!field || field->type != scenario::ValueType::quantity)
    return {path, std::nullopt};
  return {path + "_" + dimension_column_suffix(field->dimension), field->dimension};
}

output::CsvCell value_cell(const ValueColumn& column, const std::string& text) {
  if (!column.dimension)
    return text;
  // The value loaded as the scenario's (the run would have refused it otherwise).
  return parse_quantity(text, *column.dimension);
}

std::string sampled_value_text(const scenario::UncertainInput& input, const scenario::Draw& drawn) {
  if (!input.choice_texts.empty())
    return drawn.text;
  // Twelve significant digits: the same text on every machine, whatever its libm's last bits.
  const auto round = [](double value) { return std::stod(fmt::format("{:.12g}", value)); };
  const AffixedNumber& unit = input.display_unit;
  if (unit.prefix.empty() && unit.suffix.empty() && input.type == scenario::ValueType::quantity)
    return format_canonical(round(drawn.value), input.dimension);
  return unit.format(round(drawn.value / input.display_scale));
}

std::vector<std::string> Sweep::input_values(std::uint64_t replication) const {
  if (drawn_inputs.empty())
    return {};
  const std::vector<double> uniforms = study::replication_uniforms(uncertain, replication);
  std::vector<std::string> values;
  values.reserve(drawn_inputs.size());
  for (const std::size_t i : drawn_inputs) {
    const scenario::UncertainInput& input = uncertain.inputs[i];
    values.push_back(sampled_value_text(input, input.draw(uniforms[i])));
  }
  return values;
}

std::vector<scenario::Override> Sweep::overrides(std::uint64_t run_id) const {
  const auto replications = static_cast<std::uint64_t>(spec.replications);
  const std::uint64_t point = run_id / replications;
  const std::uint64_t replication = run_id % replications;
  std::vector<scenario::Override> result;
  for (std::size_t p = 0; p < parameter_names.size(); ++p) {
    result.push_back(scenario::Override{parameter_names[p], override_text(points[point].values[p]),
                                        fmt::format("sweep parameter {}", parameter_names[p])});
  }
  const std::vector<std::string> drawn = input_values(replication);
  for (std::size_t i = 0; i < drawn.size(); ++i) {
    result.push_back(scenario::Override{input_names[i], override_text(drawn[i]),
                                        fmt::format("sweep replication {}", replication)});
  }
  result.push_back(scenario::Override{"scenario.seed", std::to_string(seed_of(point, replication)),
                                      "sweep seed"});
  return result;
}

namespace {

/// Structural checks the schema cannot express: one kind of values per parameter, units
/// matching at both ends, sampling consistent with the parameters.
class SweepChecker {
 public:
  SweepChecker(SweepSpec& spec, const ConfigNode& document, Diagnostics& diagnostics)
      : spec_(spec), document_(document), diagnostics_(diagnostics) {}

  void run() {
    const ConfigNode* parameters = document_.find("parameters");
    bool any_distribution = false;
    std::map<std::string, std::size_t> first;
    for (std::size_t i = 0; i < spec_.parameters.size(); ++i) {
      ParameterSpec& parameter = spec_.parameters[i];
      const std::string path = fmt::format("parameters[{}]", i);
      const ConfigNode& node = parameters->items[i];
      std::vector<std::string> given;
      for (const char* key : {"values", "range", "distribution"}) {
        if (node.find(key))
          given.emplace_back(key);
      }
      if (given.size() != 1) {
        error(path, given.empty() ? "expected one of values, range or distribution, found none"
                                  : fmt::format("expected one of values, range or distribution, "
                                                "found {}",
                                                fmt::join(given, " and ")));
        continue;
      }
      if (const auto [it, inserted] = first.emplace(parameter.path, i); !inserted) {
        error(path + ".path", fmt::format("expected each key path once, found \"{}\" again "
                                          "(first at parameters[{}])",
                                          excerpt(parameter.path), it->second));
      }
      if (parameter.path == "scenario.seed") {
        error(path + ".path",
              "expected a key other than scenario.seed (each run's seed comes from the sweep's "
              "seed and replications), found \"scenario.seed\"");
      }
      if (given.front() == "values") {
        parameter.kind = ParameterSpec::Kind::values;
        check_values(parameter, path);
      } else if (given.front() == "range") {
        parameter.kind = ParameterSpec::Kind::range;
        check_range(parameter.range, path + ".range");
      } else {
        parameter.kind = ParameterSpec::Kind::distribution;
        any_distribution = true;
        if (spec_.sampling == Sampling::grid) {
          error(path + ".distribution",
                "expected values or range with sampling: grid (a distribution needs sampling: "
                "random or latin_hypercube), found a distribution");
        }
      }
    }
    const bool sampled = spec_.sampling != Sampling::grid;
    if (sampled && !any_distribution) {
      error("sampling",
            "expected a parameter with a distribution to sample, found only values and ranges");
    }
    if (sampled && spec_.samples == 0)
      error("samples",
            "missing required key 'samples' in sweep (sampling: random or "
            "latin_hypercube)");
    if (!sampled && spec_.samples != 0) {
      error("samples",
            "expected samples only with sampling: random or latin_hypercube, found "
            "sampling: grid");
    }
    double points = sampled && any_distribution ? static_cast<double>(spec_.samples) : 1.0;
    for (const ParameterSpec& parameter : spec_.parameters) {
      if (parameter.kind == ParameterSpec::Kind::values)
        points *= static_cast<double>(std::max<std::size_t>(1, parameter.values.size()));
      else if (parameter.kind == ParameterSpec::Kind::range)
        points *= static_cast<double>(std::max<std::int64_t>(1, parameter.range.count));
    }
    if (points * static_cast<double>(spec_.replications) > kMaxRuns) {
      error("parameters", fmt::format("expected at most {} runs (points x replications), found "
                                      "{:.0f}",
                                      kMaxRuns, points * static_cast<double>(spec_.replications)));
    }
    for (std::size_t i = 0; i < spec_.collect.size(); ++i) {
      if (spec_.collect[i].empty()) {
        error(fmt::format("collect[{}]", i), "expected the name of a summary figure, found \"\"");
      }
    }
    if (spec_.collect.empty() && document_.find("collect"))
      error("collect", "expected at least one summary figure, found an empty list");
  }

 private:
  void error(const std::string& path, std::string message) {
    const ConfigNode* node = scenario::node_at_path(document_, path);
    diagnostics_.add(node ? node->location : document_.location, path, std::move(message));
  }

  void check_values(const ParameterSpec& parameter, const std::string& path) {
    if (parameter.values.empty())
      error(path + ".values", "expected at least one value, found an empty list");
    for (std::size_t j = 0; j < parameter.values.size(); ++j) {
      if (parameter.values[j].find_first_of("\r\n") != std::string::npos) {
        error(fmt::format("{}.values[{}]", path, j),
              "expected a value on one line, found a line break");
      }
    }
  }

  /// Parses a bound; reports it when it is not a number with an optional unit.
  std::optional<AffixedNumber> bound(const std::string& text, const std::string& path) {
    std::optional<AffixedNumber> number = parse_affixed_number(text);
    if (number && number->suffix.find_first_of("0123456789") != std::string::npos) {
      // "2025-06-01" would read as 2025 with the unit "-06-01": its steps are not dates.
      error(path, fmt::format("expected a number, optionally with a unit without digits (\"50 "
                              "MW\", \"$10B\", \"70%\"), found \"{}\"{}",
                              excerpt(text),
                              is_date_like(text) ? " (a date: list the dates under values)" : ""));
      return std::nullopt;
    }
    if (!number) {
      error(path, fmt::format("expected a number, optionally with a unit (\"50 MW\", \"$10B\", "
                              "\"70%\"), found \"{}\"",
                              excerpt(text)));
    }
    return number;
  }

  bool same_unit(const AffixedNumber& reference, const AffixedNumber& other,
                 const std::string& reference_key, const std::string& reference_text,
                 const std::string& other_text, const std::string& path) {
    if (reference.prefix == other.prefix && reference.suffix == other.suffix)
      return true;
    error(path, fmt::format("expected a number written with the same unit as {} (\"{}\"), found "
                            "\"{}\"",
                            reference_key, excerpt(reference_text), excerpt(other_text)));
    return false;
  }

  void check_range(const RangeSpec& range, const std::string& path) {
    const auto from = bound(range.from, path + ".from");
    const auto to = bound(range.to, path + ".to");
    if (!from || !to || !same_unit(*from, *to, "from", range.from, range.to, path + ".to"))
      return;
    if (range.scale == RangeScale::log && (from->number <= 0.0 || to->number <= 0.0)) {
      error(path + (from->number <= 0.0 ? ".from" : ".to"),
            fmt::format("expected a positive number with scale: log, found \"{}\"",
                        excerpt(from->number <= 0.0 ? range.from : range.to)));
    }
  }

  SweepSpec& spec_;
  const ConfigNode& document_;
  Diagnostics& diagnostics_;
};

/// Each value a parameter can take that is worth trying on the base: every listed value, the
/// ends of a range, the bounds (and mean) of a distribution.
std::vector<Candidate> candidates(const ParameterSpec& parameter, const ConfigNode& node,
                                  const std::string& path) {
  std::vector<Candidate> result;
  const auto add = [&](std::string text, const std::string& key) {
    const ConfigNode* at = scenario::node_at_path(node, key);
    result.push_back(Candidate{std::move(text), at ? at : &node, path + "." + key, ""});
  };
  switch (parameter.kind) {
    case ParameterSpec::Kind::values:
      for (std::size_t j = 0; j < parameter.values.size(); ++j)
        add(parameter.values[j], fmt::format("values[{}]", j));
      break;
    case ParameterSpec::Kind::range: {
      // Every value, not only the ends: a step may leave the key's kind (13333.67 GPUs).
      const RangeSpec& range = parameter.range;
      const AffixedNumber from = *parse_affixed_number(range.from);
      const AffixedNumber to = *parse_affixed_number(range.to);
      const std::vector<double> values =
          range_values(from.number, to.number, range.count, range.scale);
      const std::int64_t count = range.count;
      const std::int64_t tried = std::min(count, kMaxRangeValuesTried);
      std::int64_t last = -1;
      for (std::int64_t t = 0; t < tried; ++t) {
        const std::int64_t i = tried == count ? t : t * (count - 1) / (tried - 1);
        if (i == last)
          continue;
        last = i;
        if (i == 0) {
          add(range.from, "range.from");
        } else if (i == count - 1) {
          add(range.to, "range.to");
        } else {
          add(from.format(values[static_cast<std::size_t>(i)]), "range");
          result.back().note = fmt::format(" (value {} of the range's {})", i + 1, count);
        }
      }
      break;
    }
    case ParameterSpec::Kind::distribution: {
      // Its lowest, median and highest draws (clamped into the key's range, whole for a key of
      // whole numbers), as sampling writes them: a key may refuse what its reader accepted.
      const scenario::UncertainInput& input = *parameter.sampled;
      const char* notes[] = {" (the distribution's lowest value)", " (its median)",
                             " (its highest value)"};
      for (const double u : {0.0, 0.5, 1.0}) {
        const scenario::Draw drawn = input.draw(u);
        if (!std::isfinite(drawn.value))
          continue;
        add(sampled_value_text(input, drawn), "distribution");
        result.back().note = notes[static_cast<int>(u * 2.0)];
      }
      break;
    }
  }
  return result;
}

/// Loads the base with one value of one parameter; reports the loader's problems about that
/// value where the sweep file wrote it.
bool try_value(const Sweep& sweep, const ParameterSpec& parameter, const Candidate& candidate,
               Diagnostics& diagnostics) {
  const std::vector<scenario::Override> overrides{
      scenario::Override{parameter.path, override_text(candidate.text), kParameterOrigin}};
  try {
    scenario::load_scenario(sweep.base, overrides, sweep.load_options);
    return true;
  } catch (const InputError& error) {
    for (const Diagnostic& problem : error.diagnostics()) {
      const bool at_value = problem.location.file && *problem.location.file == kParameterOrigin;
      const std::string scenario_path = problem.path.empty() ? parameter.path : problem.path;
      if (at_value) {
        diagnostics.add(candidate.node->location, candidate.key_path,
                        fmt::format("{}: {}{}", scenario_path, problem.message, candidate.note));
      } else {
        diagnostics.add(
            problem.location, problem.path,
            fmt::format("{} (with {} = \"{}\" from {})", problem.message, parameter.path,
                        excerpt(candidate.text), candidate.node->location.format()));
      }
    }
    return false;
  }
}

/// The sweep file with each parameter's `distribution` emptied: the schema reads it as a text
/// slot, and read_distribution reads the node as written. A distribution still written the old
/// way ({kind, low, high, ...}) is reported with what to write instead.
ConfigNode with_distribution_slots(const ConfigNode& document, Diagnostics& diagnostics) {
  ConfigNode slotted = document;
  ConfigNode* parameters = slotted.find("parameters");
  if (!parameters || !parameters->is_sequence())
    return slotted;
  for (std::size_t i = 0; i < parameters->items.size(); ++i) {
    ConfigNode* distribution =
        parameters->items[i].is_mapping() ? parameters->items[i].find("distribution") : nullptr;
    if (!distribution)
      continue;
    for (const scenario::MappingEntry& entry : distribution->entries) {
      if (entry.key != "kind")
        continue;
      diagnostics.add(entry.key_location, fmt::format("parameters[{}].distribution.kind", i),
                      "'kind' is no longer a key of a sweep's distribution: write it as a "
                      "scenario's (docs/uncertainty.md), \"uniform(0, 1.5)\" or {dist: uniform, "
                      "low: 0, high: 1.5}; {dist: normal, mean, sd, low, high} for a truncated "
                      "normal");
    }
    ConfigNode slot;
    slot.kind = ConfigNode::Kind::scalar;
    slot.quoted = true;
    slot.location = distribution->location;
    *distribution = std::move(slot);
  }
  return slotted;
}

/// "uniform(0, 1.5)", written without a leading value, as the compact form the scenario's
/// parser reads: "1.5 ~ uniform(0, 1.5)". The leading value, unused by a sweep, lends its unit
/// to bare parameters and names the unit of the values drawn: the first parameter written with
/// a unit and not zero, else the first with a unit, else the first. Other text is returned as
/// it is.
std::string with_leading_value(const std::string& text) {
  const std::size_t open = text.find('(');
  const std::size_t close = text.rfind(')');
  if (text.find('~') != std::string::npos || open == std::string::npos ||
      close == std::string::npos || close < open)
    return text;
  std::vector<std::string> parameters;
  std::string_view inside = std::string_view(text).substr(open + 1, close - open - 1);
  while (true) {
    const std::size_t comma = inside.find(',');
    std::string_view item = inside.substr(0, comma);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t'))
      item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t'))
      item.remove_suffix(1);
    parameters.emplace_back(item);
    if (comma == std::string_view::npos)
      break;
    inside = inside.substr(comma + 1);
  }
  std::string leading = parameters.front();
  int best = 0;  // 2: a unit and not zero; 1: a unit
  for (const std::string& parameter : parameters) {
    const std::optional<AffixedNumber> number = parse_affixed_number(parameter);
    if (!number || (number->prefix.empty() && number->suffix.empty()))
      continue;
    const int rank = number->number != 0.0 ? 2 : 1;
    if (rank > best) {
      best = rank;
      leading = parameter;
    }
  }
  return leading + " ~ " + text;
}

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  if (from.empty() || from == to)
    return;
  for (std::size_t at = text.find(from); at != std::string::npos;
       at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
}

/// Reads a parameter's distribution with the scenario's own parser: on a copy of the base
/// document with the written node at the parameter's key, extract_uncertain_inputs reads it as
/// a distribution written in the base would be, so its units, the key's range and its errors
/// are the key's, at the sweep file's places (the node keeps them). Problems are reported as
/// "parameters[i].distribution...: KEY.PATH: message". Nothing when the key is unknown: the
/// loader says so when a value is tried.
std::optional<scenario::UncertainInput> read_distribution(const Sweep& sweep,
                                                          const ParameterSpec& parameter,
                                                          const std::string& key,
                                                          Diagnostics& diagnostics) {
  const ConfigNode& written = parameter.distribution;
  const scenario::FieldInfo* field = scenario::field_at_path(parameter.path);
  if (!field)
    return std::nullopt;
  ConfigNode document = sweep.base.document;
  Diagnostics placing;  // a list index the base lacks, a path through a value
  scenario::apply_override(document, {parameter.path, "0", kParameterOrigin}, placing);
  for (const Diagnostic& problem : placing.items()) {
    diagnostics.add(written.location, key, fmt::format("{}: {}", parameter.path, problem.message));
  }
  if (!placing.empty())
    return std::nullopt;
  // apply_override made the key: it is there to be replaced.
  auto& at = const_cast<ConfigNode&>(*scenario::node_at_path(document, parameter.path));
  at = written;
  const std::string compact = written.is_scalar() ? with_leading_value(written.scalar) : "";
  if (written.is_scalar())
    at.scalar = compact;
  Diagnostics reading;
  std::vector<scenario::UncertainInput> inputs =
      scenario::extract_uncertain_inputs(document, reading);
  // The base's own distributions loaded cleanly: every problem is this one's.
  for (Diagnostic problem : reading.items()) {
    if (written.is_scalar())
      replace_all(problem.message, compact, written.scalar);
    const bool within = problem.path.rfind(parameter.path, 0) == 0;
    diagnostics.add(problem.location,
                    key + (within ? problem.path.substr(parameter.path.size()) : std::string()),
                    fmt::format("{}: {}", parameter.path, problem.message));
  }
  if (!reading.empty())
    return std::nullopt;
  for (scenario::UncertainInput& input : inputs) {
    if (input.path != parameter.path)
      continue;
    if (!input.group.empty()) {
      diagnostics.add(written.location, key,
                      fmt::format("{}: expected a distribution without a group (a sweep draws "
                                  "its parameters by its sampling, each on its own), found group "
                                  "\"{}\"",
                                  parameter.path, input.group));
      return std::nullopt;
    }
    return std::move(input);
  }
  diagnostics.add(
      written.location, key,
      fmt::format("{}: expected a distribution such as \"uniform(0, 1.5)\", \"0.5 ~ uniform(0, "
                  "1.5)\" or {{dist: uniform, low: 0, high: 1.5}}, found {}{}",
                  parameter.path, written.describe(),
                  field->type == scenario::ValueType::text ? " (a key of names takes none)" : ""));
  return std::nullopt;
}

}  // namespace

Sweep load_sweep(const std::string& path, const scenario::LoadOptions& options) {
  Diagnostics diagnostics;
  const ConfigNode document = scenario::parse_yaml_file(path, diagnostics);
  diagnostics.throw_if_any();
  // A file that is no sweep at all gets one line that quotes nothing of it: it may be any file.
  const std::vector<std::string> keys = sweep_schema().info().keys();
  const bool any_key =
      document.is_mapping() &&
      std::any_of(document.entries.begin(), document.entries.end(), [&](const auto& entry) {
        return std::find(keys.begin(), keys.end(), entry.key) != keys.end();
      });
  if (!any_key) {
    diagnostics.add(
        document.is_null() ? SourceLocation{std::make_shared<const std::string>(path), 1, 1}
                           : document.location,
        "",
        fmt::format("expected a sweep (a mapping with base, parameters and collect), found {}",
                    document.is_null()       ? "an empty file"
                    : document.is_mapping()  ? "a mapping with none of them"
                    : document.is_sequence() ? "a list"
                                             : "a single value"));
    diagnostics.throw_if_any();
  }
  Sweep sweep;
  sweep.file = path;
  sweep.load_options = options;
  scenario::LoadContext context(diagnostics);
  sweep_schema().load(with_distribution_slots(document, diagnostics), "", context, sweep.spec);
  if (!diagnostics.empty())
    diagnostics.throw_if_any();
  for (std::size_t i = 0; i < sweep.spec.parameters.size(); ++i) {
    if (const ConfigNode* written =
            scenario::node_at_path(document, fmt::format("parameters[{}].distribution", i)))
      sweep.spec.parameters[i].distribution = *written;
  }
  SweepChecker(sweep.spec, document, diagnostics).run();
  diagnostics.throw_if_any();

  if (sweep.spec.name.empty()) {
    // The name reaches runs.csv, report.html and terminals, whether written or taken from the
    // file's name.
    sweep.spec.name = fs::path(path).stem().string();
    if (auto problem = name_problem(sweep.spec.name)) {
      diagnostics.add(document.location, "name",
                      fmt::format("the file's name stands in for the sweep's name: {}; give the "
                                  "sweep a name",
                                  *problem));
      diagnostics.throw_if_any();
    }
  }
  const ConfigNode* base_node = document.find("base");
  const scenario::NamedPath named =
      scenario::resolve_named_path(sweep.spec.base, path, options.paths);
  const fs::path& base_path = named.path;
  if (!named.problem.empty()) {
    diagnostics.add(base_node->location, "base", named.problem);
    diagnostics.throw_if_any();
  }
  std::error_code error_code;
  if (!fs::is_regular_file(base_path, error_code)) {
    diagnostics.add(
        base_node->location, "base",
        fmt::format("expected a readable scenario file, found \"{}\" ({})",
                    excerpt(sweep.spec.base),
                    fs::is_directory(base_path, error_code) ? "a directory"
                                                            : "no such file, or no permission"));
    diagnostics.throw_if_any();
  }
  // The base must load on its own before its parameters are tried.
  sweep.uncertain =
      scenario::load_uncertain_scenario(base_path.lexically_normal().string(), {}, options);
  sweep.base = sweep.uncertain.source;
  const Scenario& base = sweep.uncertain.nominal;
  for (std::size_t i = 0; i < sweep.uncertain.inputs.size(); ++i) {
    const std::string& input = sweep.uncertain.inputs[i].path;
    const auto& fixed = sweep.spec.parameters;
    if (std::none_of(fixed.begin(), fixed.end(),
                     [&](const ParameterSpec& parameter) { return parameter.path == input; })) {
      sweep.drawn_inputs.push_back(i);
      sweep.input_names.push_back(input);
      sweep.input_columns.push_back(value_column(input));
    }
  }
  // A run replaces every distribution of the base, by a parameter's value or a draw; the
  // correlations, checked as the base loaded, name inputs its document then no longer holds.
  sweep.load_options.draws_applied = !sweep.uncertain.inputs.empty();
  // A value naming a file (demand.observations) is the sweep file's: it resolves against the
  // sweep's folder and stays where the sweep file may name files.
  const fs::path sweep_folder = fs::path(path).parent_path();
  sweep.load_options.paths.overrides_folder = sweep_folder.empty() ? "." : sweep_folder.string();

  const ConfigNode* parameters = document.find("parameters");
  for (std::size_t i = 0; i < sweep.spec.parameters.size(); ++i) {
    const ParameterSpec& parameter = sweep.spec.parameters[i];
    sweep.parameter_names.push_back(parameter.path);
    sweep.parameter_columns.push_back(value_column(parameter.path));
    const ConfigNode& node = parameters->items[i];
    const std::string key = fmt::format("parameters[{}]", i);
    if (parameter.kind == ParameterSpec::Kind::distribution) {
      sweep.spec.parameters[i].sampled =
          read_distribution(sweep, parameter, key + ".distribution", diagnostics);
      if (!parameter.sampled) {
        if (!scenario::field_at_path(parameter.path)) {  // the loader names the unknown key
          const ConfigNode* at = scenario::node_at_path(node, "distribution");
          try_value(sweep, parameter, Candidate{"0", at, key + ".distribution", ""}, diagnostics);
        }
        continue;
      }
    }
    for (const Candidate& candidate : candidates(parameter, node, key)) {
      // One failing step of a range is enough to report: its neighbours fail alike.
      if (!try_value(sweep, parameter, candidate, diagnostics) && !candidate.note.empty())
        break;
    }
  }
  diagnostics.throw_if_any();

  if (const ConfigNode* collect = document.find("collect"); collect && collect->is_sequence()) {
    for (const ConfigNode& item : collect->items)
      sweep.collect_locations.push_back(item.location);
  }
  sweep.points = expand_points(sweep.spec);
  // The resolved base (extends and catalog includes applied, in canonical form), so editing a
  // file the base extends is caught too; and the version, whose model may give other figures.
  std::string bytes =
      read_bytes(path) + '\0' + scenario::explain_scenario(base) + '\0' + CAPSIM_VERSION;
  // explain prints a distribution's nominal: the distributions themselves count too.
  for (const scenario::UncertainInput& input : sweep.uncertain.inputs)
    bytes += '\0' + fmt::format("{}={} group {}", input.path, input.written, input.group);
  sweep.fingerprint = fmt::format("{:016x}", stream_name_hash(bytes));
  // The inputs are drawn from the sweep's seed, as everything random in a sweep: replication r
  // draws what `capsim run --replications` draws in its replication r when the seeds agree.
  sweep.uncertain.nominal.scenario.seed = sweep.spec.seed;
  return sweep;
}

}  // namespace capsim::sweep
