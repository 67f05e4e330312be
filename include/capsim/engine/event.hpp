#pragma once
/// The small plain records the engine moves around: no closures, no heap allocation per event.

#include <cstdint>

#include "capsim/core/time.hpp"

namespace capsim {

/// Orders different kinds of work at the same tick: a lower phase runs first. The engine gives
/// phases no meaning; the model names its own (deliveries before scheduling before sampling).
enum class Phase : std::uint16_t {};

/// What a handler does with an event is its own business: `kind` says which of its event types
/// this is, `payload` carries an index or id into the handler's own tables.
using EventKind = std::uint16_t;

/// A component registered with the engine (Engine::add_handler).
struct HandlerId {
  std::uint16_t value = 0;
  bool operator==(const HandlerId&) const = default;
};

/// Identifies one scheduled event for cancellation. Stale handles (the event already ran or was
/// cancelled) are recognised, never confused with a later event in the same slot.
struct EventHandle {
  std::uint32_t slot = UINT32_MAX;
  std::uint32_t generation = 0;
  bool valid() const { return slot != UINT32_MAX; }
};

/// Identifies a periodic process (Engine::schedule_every, Engine::schedule_periodic).
struct PeriodicHandle {
  std::uint32_t index = UINT32_MAX;
};

/// What a handler receives when its event fires.
struct Event {
  Tick tick = 0;
  Phase phase{};
  EventKind kind = 0;
  std::uint64_t payload = 0;
};

}  // namespace capsim
