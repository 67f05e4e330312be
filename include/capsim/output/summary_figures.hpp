#pragma once
/// A run's headline figures as a flat, ordered list of named numbers: what sweeps collect into
/// runs.csv and what `capsim compare` sets side by side. The names are paths into
/// summary.json, so a figure read from a result folder and one computed from a fresh run carry
/// the same name: `totals.capex_usd`, `training.wait_p95_hours`,
/// `inference[chat].cost_per_million_tokens_usd`, `fleet_at[2025-12-31].gpus_installed`.
/// Elements of a list are named by their first member when it is text (a service, a tenant,
/// a date), by their index otherwise. Text and boolean members are not figures.

#include <string>
#include <string_view>
#include <vector>

#include "capsim/core/diagnostics.hpp"
#include "capsim/model/capacity_model.hpp"

namespace capsim::output {

struct SummaryFigure {
  std::string name;
  double value = 0.0;
};

/// The figures of summary.json text, in document order. Text that is not a JSON object is an
/// InputError naming `file_name`.
std::vector<SummaryFigure> flatten_summary_json(std::string_view json_text,
                                                const std::string& file_name);

/// The figures of a run, identical to flatten_summary_json(summary_json(scenario, run)).
std::vector<SummaryFigure> summary_figures(const Scenario& scenario, const CapacityRun& run);

}  // namespace capsim::output
