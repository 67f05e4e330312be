#pragma once
/// What a named figure measures, for axis labels and readable text: summary figures carry their
/// unit in their last name ("totals.capex_usd", "training.wait_p95_hours",
/// "totals.energy_facility_mwh"), sweep inputs carry it in their cells ("$10B", "50%").

#include <optional>
#include <string_view>

#include "capsim/core/dimension.hpp"
#include "capsim/report/svg_chart.hpp"

namespace capsim::report {

/// The quantity of a summary figure (summary_figures.hpp naming), named by the figure itself:
/// `_usd` money, `_mwh` energy in MWh, `_gw` power in GW, `_hours` hours, shares and
/// utilisations in percent, GPU and token counts; anything else a plain number without unit.
Quantity figure_quantity(std::string_view figure);

/// The quantity of values in a dimension's canonical unit (USD, W, s, a fraction ...), named
/// `name`; a plain number when `dimension` is empty.
Quantity dimension_quantity(std::string_view name, std::optional<Dimension> dimension);

}  // namespace capsim::report
