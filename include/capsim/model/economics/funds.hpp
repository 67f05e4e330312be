#pragma once
/// The owner's funds (economics.funds): what is left of them, and when they ran out.

#include <optional>

#include "capsim/model/model_parts.hpp"

namespace capsim {

/// Opex so far: energy, maintenance, staff and lease payments to `tick`.
double opex_usd_at(const ModelParts& parts, Tick tick);

/// Funds not yet spent or committed now: capex paid or scheduled (orders in transit
/// included), and opex so far; with economics.revenue_to_funds, plus the services' revenue so
/// far. Infinite without economics.funds.
double funds_left(const ModelParts& parts);

/// With economics.funds: dates their exhaustion within the period from `from` to `to`, in
/// which spending went from `spent_before` to `spent_after`, linearly. Called for every day,
/// so the date does not depend on the reporting period.
void note_funds(const std::optional<double>& funds, Tick from, Tick to, double spent_before,
                double spent_after, CapacitySummary& summary);

}  // namespace capsim
