#pragma once
/// `capsim compare --report FILE`: the compared runs' timeseries overlaid, one line per run, and
/// the difference table (each figure of each run, its difference and relative difference
/// against the baseline), to the report contract.

#include <filesystem>
#include <string>

#include "capsim/study/compare.hpp"

namespace capsim::report {

/// The page for `result`, to be written at `report_path`: numbers read from result folders
/// inside the report's folder are tied to their summary.json by a relative path.
/// Deterministic.
std::string compare_report_html(const CompareResult& result,
                                const std::filesystem::path& report_path);

}  // namespace capsim::report
