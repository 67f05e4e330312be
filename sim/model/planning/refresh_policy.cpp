#include "capsim/model/planning/refresh_policy.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "capsim/model/planning/planning_basics.hpp"

namespace capsim {

double refresh_merit(double old_flop_per_s_per_w, double remaining_life_s,
                     const RefreshTerms& terms) {
  return old_flop_per_s_per_w / terms.flop_per_s_per_w * remaining_life_s / terms.life_s;
}

bool refresh_pays(double old_flop_per_s_per_w, double remaining_life_s, const RefreshTerms& terms) {
  return refresh_merit(old_flop_per_s_per_w, remaining_life_s, terms) <= terms.facility_share;
}

double refresh_break_even_life_s(double old_flop_per_s_per_w, const RefreshTerms& terms) {
  return terms.facility_share * terms.life_s * terms.flop_per_s_per_w / old_flop_per_s_per_w;
}

std::optional<RefreshTerms> refresh_terms(const PlanningView& view, std::size_t part) {
  const AcceleratorSpec& spec = *view.parts()[part];
  const std::optional<double> price = price_now(view, spec);
  const std::optional<double> flop_per_s =
      spec.peak_flop_per_s(view.scenario().planner.value_precision);
  if (!price || !flop_per_s)
    return std::nullopt;
  const double power_w = planned_power_per_gpu_w(view, spec);
  const double facility_usd = power_w * mean_cost_per_power(view);
  return RefreshTerms{*flop_per_s / power_w, view.scenario().planner.service_life_s,
                      facility_usd / (*price + facility_usd)};
}

namespace {

/// An installed lot the rule would replace, with its figures.
struct Candidate {
  InstalledLot lot;
  double merit = 0.0;
  double remaining_life_s = 0.0;
  double break_even_life_s = 0.0;
};

bool serves_a_service(const PlanningView& view, std::size_t cluster) {
  for (std::size_t k = 0; k < view.service_count(); ++k) {
    const ServiceState& service = view.service(k);
    if (service.cluster == cluster)
      return true;
    for (const ServingSlot& slot : service.slots) {
      if (slot.cluster == cluster)
        return true;
    }
  }
  return false;
}

/// The lots that pass the rule, best merit (least worth keeping) first.
std::vector<Candidate> candidates(const PlanningView& view, const RefreshTerms& terms,
                                  Tick arrival) {
  const Precision precision = view.scenario().planner.value_precision;
  std::vector<Candidate> found;
  for (const InstalledLot& lot : view.installed_lots()) {
    const std::optional<double> flop_per_s = view.parts()[lot.part]->peak_flop_per_s(precision);
    if (!flop_per_s || lot.retires_at <= arrival || serves_a_service(view, lot.cluster))
      continue;
    const double per_w = *flop_per_s / lot.power_per_gpu_w;
    const double remaining_s = seconds_from_ticks(lot.retires_at - arrival);
    if (!refresh_pays(per_w, remaining_s, terms))
      continue;
    found.push_back({lot, refresh_merit(per_w, remaining_s, terms), remaining_s,
                     refresh_break_even_life_s(per_w, terms)});
  }
  std::stable_sort(found.begin(), found.end(),
                   [](const Candidate& a, const Candidate& b) { return a.merit < b.merit; });
  return found;
}

}  // namespace

Refresh refresh_for_power(const PlanningView& view, FleetActions& actions, std::size_t part,
                          double money_usd, Tick arrival, const PurchaseValue& value) {
  Refresh refresh;
  const std::optional<RefreshTerms> terms = refresh_terms(view, part);
  if (!terms || !planner_may_buy(view, *view.parts()[part]))
    return refresh;
  const AcceleratorSpec& spec = *view.parts()[part];
  const double price = *price_now(view, spec);
  const double power_per_gpu_w = planned_power_per_gpu_w(view, spec);
  const std::int64_t cap = view.vendor_cap_remaining(part, arrival);
  std::map<std::size_t, std::int64_t> bought_at;                // site -> replacements
  std::map<std::size_t, std::vector<std::string>> replaced_at;  // site -> lots replaced
  for (const Candidate& candidate : candidates(view, *terms, arrival)) {
    const InstalledLot& lot = candidate.lot;
    const std::int64_t gpus =
        gpus_fitting(static_cast<double>(lot.gpus) * lot.power_per_gpu_w, power_per_gpu_w);
    // Whole lots only: a lot half retired would leave a hall half refreshed.
    const double cost = static_cast<double>(gpus) * price;
    if (gpus == 0 || gpus > cap - refresh.gpus_bought || refresh.spent_usd + cost > money_usd)
      continue;
    actions.retire_early(
        lot.lot, arrival,
        fmt::format("refresh: replaced by {} {}; {:.2f} years left, break-even {:.2f}", gpus,
                    spec.name, candidate.remaining_life_s / kSecondsPerYear,
                    candidate.break_even_life_s / kSecondsPerYear));
    bought_at[lot.site] += gpus;
    replaced_at[lot.site].push_back(fmt::format("{} {}", lot.gpus, lot.name));
    refresh.gpus_retired += lot.gpus;
    refresh.gpus_bought += gpus;
    refresh.spent_usd += cost;
  }
  for (const auto& [site, gpus] : bought_at) {
    const std::string& site_name = view.site(site).spec->name;
    const std::string name = fmt::format(
        "refresh-{}-{}-{}", format_date(view.calendar().date_of(view.now())), spec.name, site_name);
    actions.record(
        {view.now(), BuildoutKind::order, site_name, spec.name, name, gpus, 0.0,
         static_cast<double>(gpus) * price, 0.0,
         fmt::format("budget planner: refresh of {}", fmt::join(replaced_at[site], ", ")), value});
    const std::size_t cluster = actions.add_cluster(name, site, part, gpus, FabricSpec{});
    actions.place_order(planned_order(view, name, part, site, gpus, arrival,
                                      view.scenario().planner.service_life_s, cluster));
  }
  return refresh;
}

}  // namespace capsim
