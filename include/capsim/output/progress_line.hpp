#pragma once
/// The one line a long command keeps redrawn on a terminal: how far it has got, how fast, and
/// the time left. Commands show it only when stderr is a terminal and --quiet is not given, so
/// pipes, files and CI logs never see it.

#include <cstdint>
#include <cstdio>
#include <string>

#include "capsim/core/time.hpp"

namespace capsim::output {

/// "m:ss", or "h:mm:ss" from an hour: a time left.
std::string clock_text(double seconds);

/// A run's progress line: "simulated 2029-03-14 · 1,210,000 events/s · 0:08 left".
class RunProgressLine {
 public:
  /// Shown once the run has taken `after_s` of wall time (2 s: a short run prints nothing).
  RunProgressLine(std::FILE* terminal, const Calendar& calendar, Tick start, Tick end,
                  double after_s = 2.0);
  /// The simulated time reached, the events fired and the wall time since the run began:
  /// redraws the line at most 4 times a second once `after_s` has passed. The time left
  /// assumes the rest of the horizon goes at the pace so far.
  void update(Tick now, std::uint64_t events, double wall_s);
  /// Clears the line if it was drawn, so that what follows starts on a clean line.
  void finish();
  /// The line for the simulated date reached, the event rate and the time left.
  static std::string text(Date reached, double events_per_s, double seconds_left);

 private:
  std::FILE* terminal_;
  Calendar calendar_;
  Tick start_;
  Tick end_;
  double after_s_;
  double drawn_at_s_ = -1.0;  ///< wall time of the last redraw; < 0: never drawn
};

}  // namespace capsim::output
