#pragma once
/// The discrete-event engine: a clock, the pending events, and the components they go to.
///
/// An Engine is an ordinary object passed by reference (no globals), so a test or each thread
/// of a sweep can hold as many as it likes. It knows no domain type.

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <vector>

#include "capsim/engine/event.hpp"
#include "capsim/engine/event_queue.hpp"

namespace capsim {

class Engine;

/// A model component that receives events. The engine does not own handlers: each must
/// outlive every run of the engine it is registered with.
class EventHandler {
 public:
  virtual ~EventHandler() = default;
  virtual void on_event(Engine& engine, const Event& event) = 0;
};

/// Thrown for misuse of the engine (scheduling in the past, an unknown handler, ...).
class EngineError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

class Engine {
 public:
  Engine() = default;
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  /// Current simulation time. Starts at 0; never decreases.
  Tick now() const { return now_; }

  /// Registers a component; events addressed to the returned id go to it. At most 65,535.
  HandlerId add_handler(EventHandler& handler);

  /// Schedules an event at absolute tick `when` (>= now(), else EngineError). Events at equal
  /// ticks run in (phase, scheduling order). O(log n).
  EventHandle schedule_at(Tick when, Phase phase, HandlerId handler, EventKind kind,
                          std::uint64_t payload = 0);
  /// Schedules an event `delay` ticks from now (delay >= 0).
  EventHandle schedule_after(Tick delay, Phase phase, HandlerId handler, EventKind kind,
                             std::uint64_t payload = 0);
  /// Cancels a pending event in O(1). False if it already ran, was cancelled, or is unknown.
  bool cancel(EventHandle handle);

  /// A process that fires first at `first`, then at next_time(previous tick) for as long as
  /// that returns a tick later than the previous one (return INT64_MAX to end). Used for
  /// calendar periods (months are not fixed blocks). Each firing delivers Event{kind,
  /// payload = number of earlier firings}. The next firing is scheduled before the handler
  /// runs, so a handler may cancel its own process.
  PeriodicHandle schedule_periodic(Tick first, std::function<Tick(Tick)> next_time, Phase phase,
                                   HandlerId handler, EventKind kind);
  /// A periodic process with a fixed interval (> 0).
  PeriodicHandle schedule_every(Tick first, Tick interval, Phase phase, HandlerId handler,
                                EventKind kind);
  /// Stops a periodic process; false if it already ended or was cancelled.
  bool cancel_periodic(PeriodicHandle handle);

  /// Runs every event with tick <= end in order, then sets now() to `end` (if later).
  /// Returns the number of events fired. A handler's exception propagates; the event that
  /// threw has been consumed.
  std::uint64_t run_until(Tick end);
  /// Runs every event with tick < end in order, then sets now() to `end` (if later): the
  /// run of a half-open horizon [start, end), whose events at `end` stay pending.
  std::uint64_t run_before(Tick end);
  /// Runs until no event is pending or stop() is called.
  std::uint64_t run();
  /// Fires the next event, if any. Returns false when none is pending.
  bool step();
  /// Ends the current run_until()/run() after the event being handled.
  void stop() { stop_requested_ = true; }
  /// Calls `hook` after every `every_events` events fired, for a progress line on a long run.
  /// The hook only observes: it must not schedule, cancel or stop. An empty hook (or 0) removes
  /// it. Costs one decrement per event.
  void set_progress_hook(std::uint64_t every_events, std::function<void()> hook);

  /// Live pending events (periodic processes count one each).
  std::size_t pending() const { return queue_.size(); }
  /// Tick of the next pending event, or INT64_MAX.
  Tick next_event_tick() { return queue_.next_tick(); }
  std::uint64_t events_fired() const { return events_fired_; }

  /// From now on, fold every fired event (tick, phase, handler, kind, payload) into a 64-bit
  /// hash of the trajectory: two runs with equal hashes ran the same events in the same order.
  void enable_trajectory_hash() { hashing_ = true; }
  std::uint64_t trajectory_hash() const { return trajectory_hash_; }

 private:
  struct PeriodicProcess {
    std::function<Tick(Tick)> next_time;
    Phase phase;
    HandlerId handler;
    EventKind kind;
    std::uint64_t firings;
    EventHandle pending;
    bool active;
  };

  void fire(const detail::QueuedEvent& record);
  void note_progress() {
    if (progress_countdown_ != 0 && --progress_countdown_ == 0) {
      progress_countdown_ = progress_every_;
      progress_hook_();
    }
  }
  void fire_periodic(std::uint64_t index, Tick tick);
  void fold_into_hash(const detail::QueuedEvent& record);
  void check_handler(HandlerId handler) const;

  EventQueue queue_;
  std::vector<EventHandler*> handlers_;
  std::vector<PeriodicProcess> periodic_;
  Tick now_ = 0;
  std::uint64_t events_fired_ = 0;
  std::uint64_t trajectory_hash_ = 0xcbf29ce484222325ULL;
  bool hashing_ = false;
  bool stop_requested_ = false;
  std::function<void()> progress_hook_;
  std::uint64_t progress_every_ = 0;
  std::uint64_t progress_countdown_ = 0;  ///< events until the hook; 0: no hook
};

}  // namespace capsim
