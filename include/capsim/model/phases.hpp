#pragma once
/// The same-tick order of every part of the capacity model: the one place that says what
/// happens first when events fall on the same tick. Events are ordered by (tick, phase,
/// sequence), so a lower phase runs first.

#include "capsim/engine/event.hpp"

namespace capsim::phases {

/// A period's end state excludes what happens at its boundary: sampling runs first.
inline constexpr Phase kSample{0};
/// Site power coming online and electricity price changes.
inline constexpr Phase kPower{1};
/// Deliveries arrive and install where power allows.
inline constexpr Phase kDelivery{2};
inline constexpr Phase kRepair{3};
inline constexpr Phase kFailure{4};
inline constexpr Phase kRetire{5};
/// Planners decide after the fleet of the instant is known.
inline constexpr Phase kPlanning{6};
/// Serving sizes itself after the fleet changed and before training is scheduled.
inline constexpr Phase kInference{7};
/// The gang scheduler: jobs end before new ones arrive, and both before the scheduling pass,
/// so a pass sees every GPU freed and every job submitted at that instant.
inline constexpr Phase kTrainingEnd{20};
inline constexpr Phase kTrainingSubmit{21};
inline constexpr Phase kTrainingPass{22};

}  // namespace capsim::phases
