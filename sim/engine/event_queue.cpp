#include "capsim/engine/event_queue.hpp"

#include <algorithm>
#include <stdexcept>

namespace capsim {

namespace {
constexpr std::size_t kArity = 4;
constexpr int kSequenceBits = 48;
constexpr std::uint64_t kMaxSequence = (std::uint64_t{1} << kSequenceBits) - 1;

inline bool earlier(const detail::QueuedEvent& a, const detail::QueuedEvent& b) {
#if defined(__SIZEOF_INT128__)
  // (tick, order) as one 128-bit key: a compare without a data-dependent branch. Flipping
  // the tick's sign bit makes unsigned order the signed one.
  __extension__ typedef unsigned __int128 Key;  // not ISO C++: say so to -Wpedantic
  const auto key = [](const detail::QueuedEvent& e) {
    const std::uint64_t tick = static_cast<std::uint64_t>(e.tick) ^ (std::uint64_t{1} << 63);
    return (static_cast<Key>(tick) << 64) | e.order;
  };
  return key(a) < key(b);
#else
  return a.tick < b.tick || (a.tick == b.tick && a.order < b.order);
#endif
}
}  // namespace

std::uint32_t EventQueue::acquire_slot() {
  if (!free_slots_.empty()) {
    const std::uint32_t slot = free_slots_.back();
    free_slots_.pop_back();
    return slot;
  }
  if (slot_generation_.size() >= UINT32_MAX)
    throw std::length_error("event queue: too many events");
  slot_generation_.push_back(0);
  return static_cast<std::uint32_t>(slot_generation_.size() - 1);
}

EventHandle EventQueue::push(Tick tick, Phase phase, HandlerId handler, EventKind kind,
                             std::uint64_t payload) {
  if (next_sequence_ > kMaxSequence)
    throw std::length_error("event queue: sequence exhausted");
  const std::uint32_t slot = acquire_slot();
  const std::uint64_t order =
      (static_cast<std::uint64_t>(phase) << kSequenceBits) | next_sequence_++;
  const detail::QueuedEvent record{tick, order, payload, slot, handler.value, kind};
  if (popped_top_) {
    // The event just popped still fills the root: the new one takes its place and sinks, one
    // pass down the heap where removing the root and adding at the bottom would take two.
    popped_top_ = false;
    heap_.front() = record;
    sift_down(0);
  } else {
    heap_.push_back(record);
    sift_up(heap_.size() - 1);
  }
  ++live_count_;
  return EventHandle{slot, slot_generation_[slot]};
}

bool EventQueue::cancel(EventHandle handle) {
  if (handle.slot >= slot_generation_.size())
    return false;
  std::uint32_t& generation = slot_generation_[handle.slot];
  if (generation != handle.generation || (generation & 1U) != 0)
    return false;
  ++generation;  // odd: the record is a tombstone, dropped when it reaches the top
  --live_count_;
  return true;
}

void EventQueue::settle_popped_top() {
  if (popped_top_) {
    popped_top_ = false;
    remove_top();
  }
}

void EventQueue::drop_cancelled_top() {
  settle_popped_top();
  while (!heap_.empty() && (slot_generation_[heap_.front().slot] & 1U) != 0) {
    const std::uint32_t slot = heap_.front().slot;
    ++slot_generation_[slot];
    free_slots_.push_back(slot);
    remove_top();
  }
}

Tick EventQueue::next_tick() {
  drop_cancelled_top();
  return heap_.empty() ? INT64_MAX : heap_.front().tick;
}

bool EventQueue::pop_if_due(Tick end, detail::QueuedEvent& out) {
  drop_cancelled_top();
  if (heap_.empty() || heap_.front().tick > end)
    return false;
  out = heap_.front();
  slot_generation_[out.slot] += 2;
  free_slots_.push_back(out.slot);
  --live_count_;
  // Removed lazily: a handler that schedules an event (most do) reuses the root's place.
  popped_top_ = true;
  return true;
}

void EventQueue::remove_top() {
  heap_.front() = heap_.back();
  heap_.pop_back();
  if (!heap_.empty())
    sift_down(0);
}

void EventQueue::sift_up(std::size_t index) {
  const detail::QueuedEvent moving = heap_[index];
  while (index > 0) {
    const std::size_t parent = (index - 1) / kArity;
    if (!earlier(moving, heap_[parent]))
      break;
    heap_[index] = heap_[parent];
    index = parent;
  }
  heap_[index] = moving;
}

void EventQueue::sift_down(std::size_t index) {
  const std::size_t count = heap_.size();
  const detail::QueuedEvent moving = heap_[index];
  for (;;) {
    const std::size_t first_child = index * kArity + 1;
    if (first_child >= count)
      break;
    const std::size_t last_child = std::min(first_child + kArity, count);
    std::size_t best = first_child;
    for (std::size_t child = first_child + 1; child < last_child; ++child) {
      if (earlier(heap_[child], heap_[best]))
        best = child;
    }
    if (!earlier(heap_[best], moving))
      break;
    heap_[index] = heap_[best];
    index = best;
  }
  heap_[index] = moving;
}

}  // namespace capsim
