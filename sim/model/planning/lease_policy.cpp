#include "capsim/model/planning/lease_policy.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include <fmt/format.h>

#include "capsim/model/planning/planning_basics.hpp"

namespace capsim {

std::int64_t LeasePolicy::lease_power_shortfall(const PlanningView& view, FleetActions& actions,
                                                const std::vector<std::size_t>& services,
                                                std::size_t part, std::int64_t power_short,
                                                Tick power_needed_by, std::size_t& cluster) {
  const std::optional<PlannerLeaseSpec>& terms = view.scenario().planner.lease;
  if (!terms || power_short <= 0)
    return 0;
  // A service serves only where its replicas were sized: on the part it was ordered for.
  if (!services.empty() && !terms->part.empty() && view.part_index(terms->part) != part)
    return 0;
  const Tick now = view.now();
  const Tick start = now + ticks_from_seconds(terms->lead_time_s);
  std::int64_t running = 0;
  for (const Signed& lease : signed_) {
    if (lease.end > start)
      running += lease.gpus;
  }
  std::int64_t gpus = std::min(power_short, std::max<std::int64_t>(0, terms->max_gpus - running));
  // Lease payments are opex, not capex: the budget does not pay them, the funds do. The first
  // planning period's payment must fit what is left of them, as an order's price must.
  const double funds = view.funds_left();
  if (std::isfinite(funds) && terms->price_usd_per_gpu_s > 0.0) {
    const double first_period_per_gpu =
        terms->price_usd_per_gpu_s * seconds_from_ticks(next_planning_period(view) - now);
    gpus = std::min(gpus, static_cast<std::int64_t>(std::floor(funds / first_period_per_gpu)));
  }
  if (gpus <= 0)
    return 0;
  LeaseContract lease;
  lease.provider = terms->provider;
  lease.part = terms->part.empty() ? part : view.part_index(terms->part);
  lease.gpus = gpus;
  lease.signed_at = now;
  lease.start = start;
  lease.end = start + ticks_from_seconds(terms->term_s);
  lease.price_usd_per_gpu_s = terms->price_usd_per_gpu_s;
  lease.reason = fmt::format("{}: site power by {}", planner_,
                             format_date(view.calendar().date_of(power_needed_by)));
  lease.planner = true;
  cluster = actions.sign_lease(lease);
  for (const std::size_t k : services)
    actions.serve_also_on(k, cluster);
  signed_.push_back({gpus, lease.end});
  return gpus;
}

}  // namespace capsim
