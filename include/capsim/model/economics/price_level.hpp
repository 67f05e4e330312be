#pragma once
/// Constant and nominal dollars. A scenario's prices are dollars of its start; with
/// economics.inflation the run reports each dollar at the price level of its date.

#include "capsim/core/time.hpp"
#include "capsim/model/inputs.hpp"

namespace capsim {

/// Dollars of `tick` per dollar of the scenario start: (1 + i)^(t / year) with inflation i,
/// 1 without it (the run then reports constant dollars).
double price_level(const EconomicsSpec& economics, Tick tick);

}  // namespace capsim
