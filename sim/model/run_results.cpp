#include "capsim/model/run_results.hpp"

namespace capsim {

const std::vector<BuildoutKindDeclaration>& buildout_kinds() {
  static const std::vector<BuildoutKindDeclaration> kinds = {
      {BuildoutKind::site_start, "site_start",
       "a site's construction starts; power: its IT power cap; note: who started it and why"},
      {BuildoutKind::phase_online, "phase_online",
       "a power phase comes online; power: the phase; amount: the facility value it brings "
       "(0 for a site built before the start)"},
      {BuildoutKind::order, "order",
       "GPUs ordered for a site and cluster; amount: their installed price"},
      {BuildoutKind::delivery, "delivery", "GPUs delivered; amount: the GPU capex paid"},
      {BuildoutKind::install, "install",
       "GPUs installed as a pool; power: their servers' peak draw; wait: days they waited for "
       "site power after delivery"},
      {BuildoutKind::retire, "retire",
       "a pool retires (its service life ended, or a planner's refresh retired it early: note "
       "`refresh: ...`); power: the peak draw it frees"},
      {BuildoutKind::budget, "budget",
       "a budget planner's period; amount: the period's budget; note: what it bought"},
      {BuildoutKind::shortfall, "shortfall",
       "GPUs a demand planner could not order; note: the limits that bound it"},
      {BuildoutKind::lease_signed, "lease_signed",
       "a lease contract signed (listed at the start when signed before it); site: the "
       "provider; amount: the whole term's cost; note: why (scenario, or the planner's reason)"},
      {BuildoutKind::lease_end, "lease_end", "a lease's term ends and its GPUs leave"},
  };
  return kinds;
}

std::string_view buildout_kind_name(BuildoutKind kind) {
  return buildout_kinds()[static_cast<std::size_t>(kind)].name;
}

double total_named(const std::vector<SummaryTotal>& totals, std::string_view name) {
  for (const SummaryTotal& t : totals) {
    if (t.name == name)
      return t.value;
  }
  return 0.0;
}

}  // namespace capsim
