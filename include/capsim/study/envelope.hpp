#pragma once
/// A fleet design's envelope (its power, GPUs or capex, read from the scenario's inputs) and
/// the scaling of a design to another design's envelope, so that `capsim compare --iso` sets
/// designs side by side at equal power, equal GPU count or equal capex.
///
/// Envelopes, from the inputs alone (nothing is simulated):
/// - power: the sum of every site's IT power cap, W.
/// - gpus:  the GPUs the plan provides: every listed cluster's GPUs plus every fixed order's.
///          GPUs a budget planner buys during the run are not known before it runs.
/// - capex: for a budget planner (policy budget), its budget over the run: the budget in force
///          at the start of each budget period that starts before the end, summed (what
///          summary.json reports as budget.budget_usd). For any other planner, the design at
///          installed cost: clusters' and orders' GPUs times the catalog's price installed per
///          GPU, plus every site's IT power cap times its cost per W; whether paid before the
///          start or during the run, since it measures the design, not the run's cash flow.
///
/// Scaling by a factor s multiplies, consistently: cluster and order GPUs (rounded to whole
/// nodes), site IT power caps and power phases, and the budget per period and its changes.
/// It leaves alone what is not the design: workloads (jobs, the job generator, services and
/// their demand), prices and costs, construction durations, lead times and vendor caps (the
/// market's allocation does not grow with one buyer's design).

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "capsim/model/inputs.hpp"

namespace capsim {

/// Which envelope designs are matched on.
enum class EnvelopeKind { power, capex, gpus };

/// "power", "capex" or "gpus".
const char* envelope_kind_name(EnvelopeKind kind);
/// The kind named `name` ("power", "capex", "gpus"), or nothing.
std::optional<EnvelopeKind> parse_envelope_kind(std::string_view name);

/// A scenario cannot be measured or scaled: an envelope of zero (nothing to scale), a factor
/// that is not a positive finite number, or a part missing from the catalog.
class EnvelopeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A design's three envelopes.
struct FleetEnvelope {
  double it_power_w = 0.0;       ///< sum of sites' IT power caps, W
  std::int64_t gpus = 0;         ///< clusters' GPUs + orders' GPUs
  double capex_usd = 0.0;        ///< the budget over the run, or the design at installed cost
  bool capex_is_budget = false;  ///< true when capex_usd is a budget planner's budget
  /// The envelope of `kind`, as a real number (W, GPUs or USD).
  double value(EnvelopeKind kind) const;
};

/// The envelopes of a loaded scenario. O(sites + clusters + orders + budget periods).
/// Throws EnvelopeError when a cluster or order names a part missing from the catalog (a
/// loaded scenario never does).
FleetEnvelope fleet_envelope(const Scenario& scenario);

/// The GPUs `gpus` becomes when scaled by `factor`: the nearest whole number of nodes of
/// `gpus_per_node`, and at least one node when `gpus` > 0 (a design keeps every cluster).
/// Ties round away from zero. Requires gpus_per_node >= 1 and factor > 0.
std::int64_t scale_gpus(std::int64_t gpus, double factor, std::int64_t gpus_per_node);

/// The design scaled by `factor` (see the file comment for what changes). Clusters round to
/// their fabric's gpus_per_node; orders to the default fabric's (the clusters they form have
/// it). Throws EnvelopeError unless `factor` is positive and finite.
Scenario scale_fleet(Scenario scenario, double factor);

/// A design scaled to an envelope, with the factor used.
struct ScaledScenario {
  Scenario scenario;
  double scale_factor = 1.0;
};

/// Scales `scenario` by target / fleet_envelope(scenario).value(kind), so that its envelope
/// of `kind` equals `target` within rounding: exactly for power; for gpus within half a node
/// per cluster and order; for capex within half a node's price per cluster and order (exactly
/// for a budget planner). Throws EnvelopeError when the design's envelope is zero or `target`
/// is not positive and finite.
ScaledScenario scale_to_envelope(Scenario scenario, EnvelopeKind kind, double target);

}  // namespace capsim
