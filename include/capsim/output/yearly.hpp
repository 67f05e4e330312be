#pragma once
/// A run rolled up by calendar year: what planners and finance read (capex, depreciation and
/// opex per year, energy, GPUs and power added). Written as yearly.csv, summary.json's `years`
/// and the terminal's year table.
///
/// Money, energy and GPU-hours are the fleet's timeseries columns over exactly each year, read
/// by the model from its running integrals at 1 January (CapacitySummary::years): the same at
/// any reporting period, summing to the run's totals. GPUs and power added come from the
/// build-out log's dated events; the fleet and the sites online at the run's first instant are
/// where it starts, not additions.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "capsim/model/capacity_model.hpp"
#include "capsim/output/capacity_report.hpp"

namespace capsim::output {

struct YearFigures {
  int year = 0;
  Date from;             ///< the later of 1 January and the run's start
  Date to;               ///< the earlier of the next 1 January and the run's end (exclusive)
  bool partial = false;  ///< the run covers only part of the year
  /// The fleet's timeseries totals and means over the year, in declaration order:
  /// capex_usd, depreciation_usd, opex_usd, energy_facility_mwh, cost_per_gpu_hour_usd, ...
  std::vector<SummaryTotal> totals;
  std::int64_t gpus_delivered = 0;
  std::int64_t gpus_added = 0;  ///< installed during the year (not the fleet at the start)
  std::int64_t gpus_retired = 0;
  double power_added_w = 0.0;  ///< site IT power brought online during the year (after the start)
  /// A total by its column name; 0 when the run has no such column.
  double total(std::string_view name) const;
};

/// One entry per calendar year the run's horizon touches, in order.
std::vector<YearFigures> yearly_figures(const Scenario& scenario, const CapacityRun& run);

/// yearly.csv: one row per year: `year`, `from`, `to`, `partial` (0 or 1), the totals with
/// their units in their names, `gpus_delivered`, `gpus_added`, `gpus_retired`, `power_added_mw`.
std::string yearly_csv(const std::vector<YearFigures>& years);
/// yearly.csv's first columns (the year) and its last (counted from buildout.csv), declared
/// once for the header and docs/outputs.md; the fleet's totals and means come between.
const std::vector<RecordColumn>& yearly_key_columns();
const std::vector<RecordColumn>& yearly_count_columns();

}  // namespace capsim::output
