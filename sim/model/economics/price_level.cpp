#include "capsim/model/economics/price_level.hpp"

#include <cmath>

namespace capsim {

double price_level(const EconomicsSpec& economics, Tick tick) {
  if (!economics.inflation_per_year)
    return 1.0;
  return std::pow(1.0 + *economics.inflation_per_year, seconds_from_ticks(tick) / kSecondsPerYear);
}

}  // namespace capsim
