#pragma once
/// A whole sweep's report.html, beside its runs.csv (docs/sweeps.md, "The report"): the ranking
/// `capsim analyze` gives of what moves each output, each output against each parameter with
/// every point's mean and 95% interval, and the points' table, to the report contract.

#include <string>
#include <string_view>

#include "capsim/sweep/sensitivity.hpp"
#include "capsim/sweep/sweep_output.hpp"

namespace capsim::report {

/// `runs` is the sweep's runs.csv (every run), `runs_summary_csv` its runs_summary.csv text.
/// Deterministic: the same files give the same bytes.
std::string sweep_report_html(const sweep::Manifest& manifest, const sweep::RunsTable& runs,
                              std::string_view runs_summary_csv);

}  // namespace capsim::report
