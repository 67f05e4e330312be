#include "capsim/output/paired_comparison.hpp"

#include "capsim/output/readable.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>

#include <fmt/format.h>

#include "capsim/output/comparison.hpp"
#include "capsim/uncertainty/statistics.hpp"

namespace capsim::output {

namespace {

/// The values of a figure over the replications that report it.
std::vector<double> reported(const std::vector<std::optional<double>>& values) {
  std::vector<double> result;
  for (const std::optional<double>& value : values) {
    if (value)
      result.push_back(*value);
  }
  return result;
}

/// Replication r of `input` against replication r of `base`, where both report the figure.
std::optional<PairedDifference> paired_difference(const std::vector<std::optional<double>>& base,
                                                  const std::vector<std::optional<double>>& input) {
  std::vector<double> differences;
  std::size_t greater = 0;
  std::size_t equal = 0;
  for (std::size_t r = 0; r < std::min(base.size(), input.size()); ++r) {
    if (!base[r] || !input[r])
      continue;
    differences.push_back(*input[r] - *base[r]);
    greater += *input[r] > *base[r] ? 1 : 0;
    equal += *input[r] == *base[r] ? 1 : 0;
  }
  if (differences.empty())
    return std::nullopt;
  const auto pairs = static_cast<double>(differences.size());
  PairedDifference result;
  result.probability_greater =
      (static_cast<double>(greater) + 0.5 * static_cast<double>(equal)) / pairs;
  result.probability_equal = static_cast<double>(equal) / pairs;
  result.difference = spread_of(std::move(differences));
  return result;
}

/// A statistic of a spread that may not exist, as the table shows it.
std::string cell(const Spread* spread, double Spread::*statistic, bool sign) {
  return spread ? format_human(spread->*statistic, sign) : std::string();
}

const Spread* spread_or_null(const std::optional<Spread>& spread) {
  return spread ? &*spread : nullptr;
}

/// "mean +$1.20M, P10 -$400.0K, P50 +$1.10M, P90 +$2.90M", or "+$8.60M in every draw": readable,
/// in the unit the figure's name carries.
std::string difference_words(const std::string& figure, const Spread& d) {
  const auto text = [&](double value) { return readable_figure(figure, value, true); };
  if (d.min == d.max)
    return fmt::format("{} in every draw", text(d.min));
  return fmt::format("mean {}, P10 {}, P50 {}, P90 {}", text(d.mean), text(d.p10), text(d.p50),
                     text(d.p90));
}

}  // namespace

Spread spread_of(std::vector<double> values) {
  if (values.empty())
    throw std::invalid_argument("spread_of: no values");
  std::sort(values.begin(), values.end());
  Spread spread;
  spread.count = values.size();
  spread.mean = uncertainty::mean(values);
  spread.sd = uncertainty::sample_sd(values);
  spread.p10 = uncertainty::sorted_quantile(values, 0.10);
  spread.p50 = uncertainty::sorted_quantile(values, 0.50);
  spread.p90 = uncertainty::sorted_quantile(values, 0.90);
  spread.min = values.front();
  spread.max = values.back();
  return spread;
}

PairedComparison pair_runs(const std::vector<SampledRun>& runs) {
  if (runs.empty())
    throw std::invalid_argument("pair_runs: no runs to compare");
  PairedComparison comparison;
  // Each row's figure values per run, so that the rows are the union in first-seen order.
  std::vector<std::vector<const SampledFigure*>> samples;
  std::map<std::string, std::size_t> row_of;
  for (std::size_t r = 0; r < runs.size(); ++r) {
    comparison.labels.push_back(runs[r].label);
    for (const SampledFigure& figure : runs[r].figures) {
      auto [it, inserted] = row_of.emplace(figure.name, samples.size());
      if (inserted) {
        samples.emplace_back(runs.size(), nullptr);
        comparison.rows.push_back({figure.name, {}, {}});
      }
      if (!samples[it->second][r])
        samples[it->second][r] = &figure;
    }
  }
  for (std::size_t row = 0; row < comparison.rows.size(); ++row) {
    PairedRow& paired = comparison.rows[row];
    const std::vector<const SampledFigure*>& by_run = samples[row];
    for (std::size_t r = 0; r < runs.size(); ++r) {
      std::vector<double> values = by_run[r] ? reported(by_run[r]->values) : std::vector<double>();
      paired.marginals.push_back(values.empty() ? std::nullopt
                                                : std::optional(spread_of(std::move(values))));
      paired.differences.push_back(r == 0 || !by_run[0] || !by_run[r]
                                       ? std::nullopt
                                       : paired_difference(by_run[0]->values, by_run[r]->values));
    }
  }
  return comparison;
}

namespace {

/// One table row: a figure of an input after the baseline, both sides' spreads and the
/// paired difference (each null where the figure is missing).
struct PairedCells {
  const std::string& figure;
  const std::string& input;
  const Spread* base;
  const Spread* other;
  const Spread* difference;
  std::string share;  ///< P(> base), or empty
};

/// Every (figure, input after the baseline), in the table's order.
template <typename Row>
std::vector<std::vector<std::string>> paired_rows(const PairedComparison& comparison,
                                                  std::vector<std::string> header, Row row_cells) {
  std::vector<std::vector<std::string>> cells = {std::move(header)};
  for (const PairedRow& row : comparison.rows) {
    for (std::size_t input = 1; input < comparison.labels.size(); ++input) {
      const std::optional<PairedDifference>& paired = row.differences[input];
      cells.push_back(row_cells(
          PairedCells{row.figure, comparison.labels[input], spread_or_null(row.marginals[0]),
                      spread_or_null(row.marginals[input]), paired ? &paired->difference : nullptr,
                      paired ? format_share(paired->probability_greater) : std::string()}));
    }
  }
  return cells;
}

/// The narrow table: each side's median, the difference's P10, P50 and P90 and P(> base),
/// readable, in at most kNarrowColumns.
std::string narrow_paired_table(const PairedComparison& comparison) {
  std::vector<std::vector<std::string>> cells = paired_rows(
      comparison,
      {"figure", "input", "base P50", "P50", "diff P10", "diff P50", "diff P90", "P(> base)"},
      [](const PairedCells& c) {
        const auto text = [&](const Spread* spread, double Spread::*statistic, bool sign) {
          return spread ? readable_figure(c.figure, spread->*statistic, sign) : std::string();
        };
        return std::vector<std::string>{c.figure,
                                        c.input,
                                        text(c.base, &Spread::p50, false),
                                        text(c.other, &Spread::p50, false),
                                        text(c.difference, &Spread::p10, true),
                                        text(c.difference, &Spread::p50, true),
                                        text(c.difference, &Spread::p90, true),
                                        c.share};
      });
  fit_first_column(cells, kNarrowColumns);
  return padded_table(cells);
}

}  // namespace

std::string format_share(double probability) {
  if (probability == 0.0)
    return "0%";
  if (probability == 1.0)
    return "100%";
  const double percent = std::round(probability * 100.0);
  if (percent < 1.0)
    return "<1%";
  if (percent > 99.0)
    return ">99%";
  return fmt::format("{:.0f}%", percent);
}

std::string paired_table(const PairedComparison& comparison, TableStyle style) {
  if (style == TableStyle::narrow)
    return narrow_paired_table(comparison);
  const std::vector<std::vector<std::string>> cells =
      paired_rows(comparison,
                  {"figure", "input", "base P10", "base P50", "base P90", "P10", "P50", "P90",
                   "diff mean", "diff P10", "diff P50", "diff P90", "P(> base)"},
                  [](const PairedCells& c) {
                    return std::vector<std::string>{c.figure,
                                                    c.input,
                                                    cell(c.base, &Spread::p10, false),
                                                    cell(c.base, &Spread::p50, false),
                                                    cell(c.base, &Spread::p90, false),
                                                    cell(c.other, &Spread::p10, false),
                                                    cell(c.other, &Spread::p50, false),
                                                    cell(c.other, &Spread::p90, false),
                                                    cell(c.difference, &Spread::mean, true),
                                                    cell(c.difference, &Spread::p10, true),
                                                    cell(c.difference, &Spread::p50, true),
                                                    cell(c.difference, &Spread::p90, true),
                                                    c.share};
                  });
  return padded_table(cells);
}

std::string paired_sentences(const PairedComparison& comparison) {
  const std::string& base = comparison.labels.front();
  std::string text;
  std::vector<std::size_t> equal_everywhere(comparison.labels.size(), 0);
  for (const PairedRow& row : comparison.rows) {
    for (std::size_t input = 1; input < comparison.labels.size(); ++input) {
      const std::optional<PairedDifference>& paired = row.differences[input];
      if (!paired)
        continue;
      const std::string& label = comparison.labels[input];
      if (paired->probability_equal == 1.0) {
        ++equal_everywhere[input];
        continue;
      }
      const std::string ties = paired->probability_equal > 0.0
                                   ? fmt::format(", {} = {} in {} of them, counted half", label,
                                                 base, format_share(paired->probability_equal))
                                   : std::string();
      text += fmt::format("{}: {} > {} in {} of draws{} ({} - {}: {})\n", row.figure, label, base,
                          format_share(paired->probability_greater), ties, label, base,
                          difference_words(row.figure, paired->difference));
    }
  }
  for (std::size_t input = 1; input < comparison.labels.size(); ++input) {
    if (equal_everywhere[input] > 0) {
      text +=
          fmt::format("{} = {} in every draw: {} {}\n", comparison.labels[input], base,
                      equal_everywhere[input], equal_everywhere[input] == 1 ? "figure" : "figures");
    }
  }
  return text;
}

CsvWriter paired_csv(const PairedComparison& comparison) {
  CsvWriter csv({"figure", "input", "statistic", "value"});
  for (const PairedRow& row : comparison.rows) {
    for (std::size_t input = 0; input < comparison.labels.size(); ++input) {
      const std::string& label = comparison.labels[input];
      if (const std::optional<Spread>& own = row.marginals[input]) {
        csv.add_row({row.figure, label, "count", own->count});
        csv.add_row({row.figure, label, "mean", own->mean});
        csv.add_row({row.figure, label, "sd", own->sd});
        csv.add_row({row.figure, label, "min", own->min});
        csv.add_row({row.figure, label, "p10", own->p10});
        csv.add_row({row.figure, label, "p50", own->p50});
        csv.add_row({row.figure, label, "p90", own->p90});
        csv.add_row({row.figure, label, "max", own->max});
      }
      if (const std::optional<PairedDifference>& paired = row.differences[input]) {
        const Spread& d = paired->difference;
        csv.add_row({row.figure, label, "pairs", d.count});
        csv.add_row({row.figure, label, "difference_mean", d.mean});
        csv.add_row({row.figure, label, "difference_sd", d.sd});
        csv.add_row({row.figure, label, "difference_min", d.min});
        csv.add_row({row.figure, label, "difference_p10", d.p10});
        csv.add_row({row.figure, label, "difference_p50", d.p50});
        csv.add_row({row.figure, label, "difference_p90", d.p90});
        csv.add_row({row.figure, label, "difference_max", d.max});
        csv.add_row({row.figure, label, "probability_greater", paired->probability_greater});
        csv.add_row({row.figure, label, "probability_equal", paired->probability_equal});
      }
    }
  }
  return csv;
}

}  // namespace capsim::output
