#pragma once
/// The budget planner's power-bound refresh (planner.refresh): where site power, not money,
/// cuts what a period buys, it retires owned GPUs early and puts the best part in their power.
///
/// The rule (docs/model.md, "Power-bound refresh"). Retiring n GPUs of an old part q frees
/// n · W_q of site power (W: a GPU's claim on its site, server at full load plus network and
/// storage), which holds m = ⌊n · W_q / W_p⌋ GPUs of the new part p. Over the new GPUs' life
/// L_p the swap adds m · f_p · L_p − n · f_q · R_q of work (f: dense FLOP/s per GPU at
/// planner.value_precision; R_q: the old GPUs' remaining life, which they would have worked
/// anyway) for m · P_p (the power is built; the old GPUs' book value is sunk). It repays its
/// cost when that work costs no more than the same work on new power, f_p · L_p / (P_p +
/// W_p · k̄) per dollar (k̄: the mean facility cost per watt). With m = n · W_q / W_p:
///
///     (f_q / W_q) / (f_p / W_p) · R_q / L_p  ≤  W_p · k̄ / (P_p + W_p · k̄)  =  s_p
///
/// and the break-even remaining life is R* = s_p · L_p · (f_p / W_p) / (f_q / W_q).

#include <cstddef>
#include <cstdint>
#include <optional>

#include "capsim/model/planning/planner.hpp"

namespace capsim {

/// The new part's side of the rule.
struct RefreshTerms {
  double flop_per_s_per_w = 0.0;  ///< f_p / W_p
  double life_s = 0.0;            ///< L_p
  double facility_share = 0.0;    ///< s_p: the facility's share of its all-in price
};

/// The rule's left side for GPUs of `old_flop_per_s_per_w` with `remaining_life_s` to go.
double refresh_merit(double old_flop_per_s_per_w, double remaining_life_s,
                     const RefreshTerms& terms);
/// Whether replacing them repays its cost: their merit is at most the facility share.
bool refresh_pays(double old_flop_per_s_per_w, double remaining_life_s, const RefreshTerms& terms);
/// R*: the remaining life below which replacing them pays.
double refresh_break_even_life_s(double old_flop_per_s_per_w, const RefreshTerms& terms);

/// The terms of `part` bought now (on sale, with dense FLOP/s at planner.value_precision), or
/// none.
std::optional<RefreshTerms> refresh_terms(const PlanningView& view, std::size_t part);

/// What a refresh retired and bought.
struct Refresh {
  std::int64_t gpus_retired = 0;
  std::int64_t gpus_bought = 0;
  double spent_usd = 0.0;
};

/// Replaces whole installed lots by `part`, best merit first, while the rule holds and the
/// replacements fit `money_usd` and the part's vendor cap at `arrival`: each lot retires at
/// `arrival`, when its replacements arrive, so no capacity is lost while they are in transit.
/// Lots serving a service, lots of parts without FLOP/s at the planner's precision, and lots
/// retiring by `arrival` anyway are kept. The replacements at each site form one cluster.
Refresh refresh_for_power(const PlanningView& view, FleetActions& actions, std::size_t part,
                          double money_usd, Tick arrival, const PurchaseValue& value);

}  // namespace capsim
