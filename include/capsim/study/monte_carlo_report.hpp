#pragma once
/// What `capsim run --replications N` writes beside the nominal run's files
/// (docs/outputs.md): timeseries_quantiles.csv, replications.csv, drivers.csv, and the
/// `monte_carlo` section of summary.json (distribution of every figure, risk figures, drivers).
/// Everything is computed from the replications in index order, so the bytes do not depend on
/// the thread count or on how the replications were split into shards.

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "capsim/output/csv_writer.hpp"
#include "capsim/output/json_writer.hpp"
#include "capsim/study/monte_carlo.hpp"
#include "capsim/study/uncertainty_drivers.hpp"

namespace capsim::study {

/// The statistics every distribution reports, in this order.
inline constexpr std::array<double, 5> kReportedQuantiles = {0.05, 0.10, 0.50, 0.90, 0.95};
/// Their names: p5, p10, p50, p90, p95.
const std::array<const char*, 5>& reported_quantile_names();

/// A figure's distribution over the replications that report it.
struct FigureDistribution {
  std::string figure;
  std::size_t count = 0;  ///< replications reporting it
  double mean = 0.0;
  double sd = 0.0;  ///< sample standard deviation (n - 1)
  double min = 0.0;
  double max = 0.0;
  std::array<double, 5> quantiles{};  ///< at kReportedQuantiles (Hyndman-Fan type 7)
};

std::vector<FigureDistribution> figure_distributions(const StudyLayout& layout,
                                                     const std::vector<Replication>& reps);

/// The probabilities a planner asks of a plan, as shares of the replications.
struct RiskFigures {
  /// Per calendar year: a shortfall (the demand planner short of GPUs, or GPUs delivered and
  /// waiting for power) in some period of the year.
  std::vector<std::pair<int, double>> shortfall_by_year;
  /// With economics.funds: run out before 1 January of each year after the start.
  std::vector<std::pair<int, double>> funds_out_before_year;
  bool funds = false;
  /// Per site with phases: every phase online by 1 January of each year after the start, and
  /// the P10/P50/P90 of that date (empty when fewer than 10% of replications get there).
  struct SiteOnline {
    std::string site;
    std::vector<std::pair<int, double>> by_year;
    std::optional<std::string> p10, p50, p90;
  };
  std::vector<SiteOnline> sites;
  double capex_p90_usd = 0.0;
  double capex_p50_usd = 0.0;
};

RiskFigures risk_figures(const MonteCarloStudy& study, const std::vector<Replication>& reps);

/// Every timeseries column's distribution per period over the replications: what
/// timeseries_quantiles.csv writes and the report's fan charts draw.
struct TimeseriesQuantiles {
  std::vector<std::string> columns;
  std::vector<std::string> period_starts;
  std::vector<std::string> period_ends;
  /// Per period and column (row-major): the kReportedQuantiles, then the mean.
  std::vector<std::array<double, 6>> values;
  const std::array<double, 6>& at(std::size_t period, std::size_t column) const {
    return values[period * columns.size() + column];
  }
};

TimeseriesQuantiles timeseries_quantiles(const StudyLayout& layout,
                                         const std::vector<Replication>& reps);

/// Long format: period (the period's start), column, statistic (p5 ... p95, mean), value.
std::string timeseries_quantiles_csv(const TimeseriesQuantiles& quantiles);

/// One row per replication: replication, seed, each input drawn (in the unit written; the
/// column names it: "planner.lead_time (weeks)"), each figure, then funds_exhausted_day,
/// power_online_day[SITE] per site and shortfall_YYYY per year.
std::string replications_csv(const MonteCarloStudy& study, const std::vector<Replication>& reps);

/// A replication's results as CSV cells, in the layout's order: each figure (empty when not
/// reported), funds_exhausted_day, each site's power_online_day, each year's shortfall (0 or 1).
/// What replications.csv and a shard's rows share.
void append_result_cells(const Replication& rep, std::vector<output::CsvCell>& cells);

/// One row per figure and input: figure, rank, input, src, srrc, at_p10, at_p90, swing,
/// r_squared_src, r_squared_srrc (empty cells where a measure does not exist).
std::string drivers_csv(const Drivers& drivers);

/// The `monte_carlo` member of summary.json.
void monte_carlo_json(output::JsonWriter& json, const MonteCarloStudy& study,
                      const std::vector<Replication>& reps,
                      const std::vector<FigureDistribution>& distributions, const RiskFigures& risk,
                      const Drivers& drivers);

/// What the terminal shows after the nominal run's summary.
std::string monte_carlo_text(const MonteCarloStudy& study, const std::vector<Replication>& reps,
                             const std::vector<FigureDistribution>& distributions,
                             const RiskFigures& risk, const Drivers& drivers);

}  // namespace capsim::study
