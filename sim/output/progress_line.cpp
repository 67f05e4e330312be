#include "capsim/output/progress_line.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "capsim/output/readable.hpp"

namespace capsim::output {

std::string clock_text(double seconds) {
  const auto total = static_cast<long long>(std::llround(std::max(0.0, seconds)));
  if (total >= 3600)
    return fmt::format("{}:{:02}:{:02}", total / 3600, total / 60 % 60, total % 60);
  return fmt::format("{}:{:02}", total / 60, total % 60);
}

RunProgressLine::RunProgressLine(std::FILE* terminal, const Calendar& calendar, Tick start,
                                 Tick end, double after_s)
    : terminal_(terminal), calendar_(calendar), start_(start), end_(end), after_s_(after_s) {}

std::string RunProgressLine::text(Date reached, double events_per_s, double seconds_left) {
  return fmt::format("simulated {} · {} events/s · {} left", format_date(reached),
                     readable_count(std::round(events_per_s)), clock_text(seconds_left));
}

void RunProgressLine::update(Tick now, std::uint64_t events, double wall_s) {
  if (wall_s < after_s_ || (drawn_at_s_ >= 0.0 && wall_s - drawn_at_s_ < 0.25) || now <= start_)
    return;
  drawn_at_s_ = wall_s;
  const double done = static_cast<double>(now - start_) / static_cast<double>(end_ - start_);
  const double seconds_left = wall_s * (1.0 - done) / done;
  // \r and erase-to-end-of-line: the line is redrawn in place, never scrolls.
  fmt::print(terminal_, "\r{}\x1b[K",
             text(calendar_.date_of(now), static_cast<double>(events) / wall_s, seconds_left));
  std::fflush(terminal_);
}

void RunProgressLine::finish() {
  if (drawn_at_s_ < 0.0)
    return;
  std::fputs("\r\x1b[K", terminal_);
  std::fflush(terminal_);
  drawn_at_s_ = -1.0;
}

}  // namespace capsim::output
