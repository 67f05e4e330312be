#pragma once
/// Pending events: a 4-ary min-heap of 32-byte records in one vector, with cancellation by
/// handle through a slot table (tombstones: a cancelled record stays in the heap until it
/// reaches the top, where it is dropped).

#include <cstdint>
#include <vector>

#include "capsim/engine/event.hpp"

namespace capsim {

namespace detail {
/// One pending event. `order` packs phase (high 16 bits) and scheduling sequence (low 48 bits),
/// so (tick, order) is the engine's total order and a comparison is two integer compares.
struct QueuedEvent {
  Tick tick;
  std::uint64_t order;
  std::uint64_t payload;
  std::uint32_t slot;
  std::uint16_t handler;
  EventKind kind;
};
static_assert(sizeof(QueuedEvent) == 32);
}  // namespace detail

/// Events ordered by (tick, phase, sequence). All operations O(log n) except cancel, O(1).
class EventQueue {
 public:
  /// Adds an event; sequence numbers are assigned in call order.
  EventHandle push(Tick tick, Phase phase, HandlerId handler, EventKind kind,
                   std::uint64_t payload);
  /// Marks a pending event as cancelled. False when the handle is stale (already ran or
  /// cancelled) or was never issued.
  bool cancel(EventHandle handle);
  /// True when no live event is pending.
  bool empty() const { return live_count_ == 0; }
  /// Live (not cancelled) pending events.
  std::size_t size() const { return live_count_; }
  /// Ticks of the earliest live event, or INT64_MAX if none.
  Tick next_tick();
  /// Removes the earliest live event into `out` if its tick is <= `end`; false otherwise.
  bool pop_if_due(Tick end, detail::QueuedEvent& out);

 private:
  void settle_popped_top();
  void drop_cancelled_top();
  void sift_up(std::size_t index);
  void sift_down(std::size_t index);
  void remove_top();
  std::uint32_t acquire_slot();

  std::vector<detail::QueuedEvent> heap_;
  /// Per slot: an even generation while its event is live, odd once cancelled.
  std::vector<std::uint32_t> slot_generation_;
  std::vector<std::uint32_t> free_slots_;
  std::uint64_t next_sequence_ = 0;
  std::size_t live_count_ = 0;
  /// The root holds the event pop_if_due last returned, not yet removed (see push).
  bool popped_top_ = false;
};

}  // namespace capsim
