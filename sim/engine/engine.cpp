#include "capsim/engine/engine.hpp"

#include <fmt/format.h>

namespace capsim {

namespace {
// Periodic processes are delivered through this reserved handler id; user ids stay below it.
constexpr std::uint16_t kPeriodicHandler = UINT16_MAX;
}  // namespace

HandlerId Engine::add_handler(EventHandler& handler) {
  if (handlers_.size() >= kPeriodicHandler)
    throw EngineError("engine: too many handlers");
  handlers_.push_back(&handler);
  return HandlerId{static_cast<std::uint16_t>(handlers_.size() - 1)};
}

void Engine::check_handler(HandlerId handler) const {
  if (handler.value >= handlers_.size()) {
    throw EngineError(fmt::format("engine: handler {} is not registered", handler.value));
  }
}

EventHandle Engine::schedule_at(Tick when, Phase phase, HandlerId handler, EventKind kind,
                                std::uint64_t payload) {
  if (when < now_) {
    throw EngineError(
        fmt::format("engine: event scheduled at tick {} before now ({})", when, now_));
  }
  check_handler(handler);
  return queue_.push(when, phase, handler, kind, payload);
}

EventHandle Engine::schedule_after(Tick delay, Phase phase, HandlerId handler, EventKind kind,
                                   std::uint64_t payload) {
  if (delay < 0)
    throw EngineError(fmt::format("engine: negative delay {}", delay));
  return schedule_at(now_ + delay, phase, handler, kind, payload);
}

bool Engine::cancel(EventHandle handle) {
  return queue_.cancel(handle);
}

PeriodicHandle Engine::schedule_periodic(Tick first, std::function<Tick(Tick)> next_time,
                                         Phase phase, HandlerId handler, EventKind kind) {
  if (first < now_) {
    throw EngineError(
        fmt::format("engine: periodic process starts at tick {} before now ({})", first, now_));
  }
  if (!next_time)
    throw EngineError("engine: periodic process without a next-time rule");
  check_handler(handler);
  const auto index = static_cast<std::uint32_t>(periodic_.size());
  periodic_.push_back(PeriodicProcess{std::move(next_time), phase, handler, kind, 0, {}, true});
  periodic_.back().pending = queue_.push(first, phase, HandlerId{kPeriodicHandler}, kind, index);
  return PeriodicHandle{index};
}

PeriodicHandle Engine::schedule_every(Tick first, Tick interval, Phase phase, HandlerId handler,
                                      EventKind kind) {
  if (interval <= 0)
    throw EngineError(fmt::format("engine: periodic interval {} <= 0", interval));
  return schedule_periodic(
      first, [interval](Tick previous) { return previous + interval; }, phase, handler, kind);
}

bool Engine::cancel_periodic(PeriodicHandle handle) {
  if (handle.index >= periodic_.size() || !periodic_[handle.index].active)
    return false;
  PeriodicProcess& process = periodic_[handle.index];
  process.active = false;
  queue_.cancel(process.pending);
  return true;
}

void Engine::fold_into_hash(const detail::QueuedEvent& record) {
  // FNV-1a over 64-bit words: cheap, stable across platforms, order-sensitive.
  constexpr std::uint64_t kPrime = 0x100000001b3ULL;
  const std::uint64_t words[] = {static_cast<std::uint64_t>(record.tick), record.order >> 48,
                                 record.handler, record.kind, record.payload};
  for (const std::uint64_t word : words) {
    trajectory_hash_ ^= word;
    trajectory_hash_ *= kPrime;
  }
}

void Engine::fire_periodic(std::uint64_t index, Tick tick) {
  PeriodicProcess& process = periodic_[index];
  const std::uint64_t firing = process.firings++;
  const Tick next = process.next_time(tick);
  if (next > tick && next != INT64_MAX) {
    process.pending =
        queue_.push(next, process.phase, HandlerId{kPeriodicHandler}, process.kind, index);
  } else {
    process.active = false;
  }
  // Copy out: the handler may add periodic processes, which can move periodic_.
  const HandlerId handler = process.handler;
  const Event event{tick, process.phase, process.kind, firing};
  handlers_[handler.value]->on_event(*this, event);
}

void Engine::fire(const detail::QueuedEvent& record) {
  now_ = record.tick;
  ++events_fired_;
  if (hashing_)
    fold_into_hash(record);
  if (record.handler == kPeriodicHandler) {
    fire_periodic(record.payload, record.tick);
    note_progress();
    return;
  }
  const Event event{record.tick, Phase{static_cast<std::uint16_t>(record.order >> 48)}, record.kind,
                    record.payload};
  handlers_[record.handler]->on_event(*this, event);
  note_progress();
}

void Engine::set_progress_hook(std::uint64_t every_events, std::function<void()> hook) {
  progress_hook_ = std::move(hook);
  progress_every_ = progress_hook_ ? every_events : 0;
  progress_countdown_ = progress_every_;
}

bool Engine::step() {
  detail::QueuedEvent record;
  if (!queue_.pop_if_due(INT64_MAX, record))
    return false;
  fire(record);
  return true;
}

std::uint64_t Engine::run_until(Tick end) {
  const std::uint64_t fired_before = events_fired_;
  stop_requested_ = false;
  detail::QueuedEvent record;
  while (!stop_requested_ && queue_.pop_if_due(end, record))
    fire(record);
  if (!stop_requested_ && end > now_)
    now_ = end;
  return events_fired_ - fired_before;
}

std::uint64_t Engine::run_before(Tick end) {
  // Ticks are whole: tick < end is tick <= end - 1.
  const std::uint64_t fired = run_until(end - 1);
  if (!stop_requested_ && end > now_)
    now_ = end;
  return fired;
}

std::uint64_t Engine::run() {
  const std::uint64_t fired_before = events_fired_;
  stop_requested_ = false;
  while (!stop_requested_ && step()) {
  }
  return events_fired_ - fired_before;
}

}  // namespace capsim
