#include "capsim/model/economics/funds.hpp"

#include <algorithm>
#include <limits>

namespace capsim {

double opex_usd_at(const ModelParts& parts, Tick tick) {
  double energy_cost = 0.0;
  for (std::size_t s = 0; s < parts.sites.own_count(); ++s)
    energy_cost += parts.fleet.power().energy_at(s, tick).cost_usd;
  // Lease payments leave the funds like other opex.
  return energy_cost + parts.costs.maintenance_usd().total_at(tick) +
         parts.costs.staff_usd().total_at(tick) + parts.fleet.lease_cost_usd(tick);
}

double funds_left(const ModelParts& parts) {
  const std::optional<double>& funds = parts.context.scenario.economics.funds_usd;
  if (!funds)
    return std::numeric_limits<double>::infinity();
  const Ledger& ledger = parts.context.ledger();
  double committed = ledger.capex_paid(CapexKind::gpus, INT64_MAX) +
                     ledger.capex_paid(CapexKind::facility, INT64_MAX);
  // GPUs are paid on arrival: those on order are committed.
  for (const Delivery& delivery : parts.fleet.deliveries()) {
    if (!delivery.arrived && !delivery.paid_before_start) {
      committed += static_cast<double>(delivery.gpus) * delivery.price_per_gpu_usd;
    }
  }
  const Tick now = parts.context.now();
  double earned = 0.0;
  if (parts.context.scenario.economics.revenue_to_funds) {
    for (std::size_t k = 0; k < parts.inference.size(); ++k)
      earned += parts.inference[k].revenue_usd.total_at(now);
  }
  return std::max(0.0, *funds + earned - committed - opex_usd_at(parts, now));
}

void note_funds(const std::optional<double>& funds, Tick from, Tick to, double spent_before,
                double spent_after, CapacitySummary& summary) {
  if (!funds || summary.funds_exhausted || spent_after < *funds)
    return;
  const double share =
      spent_after > spent_before ? (*funds - spent_before) / (spent_after - spent_before) : 1.0;
  summary.funds_exhausted =
      from + static_cast<Tick>(std::clamp(share, 0.0, 1.0) * static_cast<double>(to - from));
}

}  // namespace capsim
