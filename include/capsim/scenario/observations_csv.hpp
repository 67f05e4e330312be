#pragma once
/// Demand observations files: the CSV of dated token counts that a service's
/// `demand.observations` names. The scenario layer reads and parses them; the model receives
/// the rows as data (DemandSpec::observations) and does no file I/O.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "capsim/core/time.hpp"

namespace capsim::scenario {

/// Parses the text of an observations file: a header `date,value`, then one row per
/// observation, `YYYY-MM-DD,number`, dates strictly increasing, values plain non-negative
/// decimal numbers. Blank lines are skipped (and counted), fields are trimmed of spaces, tabs
/// and CR, so CRLF is accepted; quoting is not (a quote is part of the field). Throws
/// InputError carrying every problem found, each as "origin:line: expected ..., found ...";
/// a wrong header stops parsing at once. O(size of `text`).
std::vector<std::pair<Date, double>> parse_observations_csv(std::string_view text,
                                                            const std::string& origin);

/// Reads the file at `path` and parses it as parse_observations_csv, with `path` as given
/// naming the file in diagnostics. Throws InputError when the file cannot be opened.
std::vector<std::pair<Date, double>> read_observations_csv(const std::string& path);

}  // namespace capsim::scenario
