#include "capsim/model/economics/running_costs.hpp"

namespace capsim {

void RunningCosts::set_up() {
  staff_usd_.set_rate(0, context_.scenario.economics.staff_cost_per_year_usd / kSecondsPerYear);
  assets_changed();
}

void RunningCosts::assets_changed() {
  const Tick now = context_.now();
  maintenance_usd_.set_rate(now, context_.scenario.economics.maintenance_share_per_year *
                                     context_.ledger().gross_in_service(now) / kSecondsPerYear);
}

}  // namespace capsim
