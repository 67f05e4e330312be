#pragma once
/// The per-period table a run produces: named columns (each with its unit in its name, e.g.
/// power_it_mw), one row per reporting period. Domain-free: the model fills it, the writers
/// only read it.

#include <cstddef>

#include <string>
#include <vector>
#include "capsim/core/time.hpp"

namespace capsim {

class Recorder {
 public:
  /// Adds a numeric column; returns its index. Columns are fixed before the first row.
  std::size_t add_column(std::string name);
  /// Starts a row labelled by its period (e.g. "2025-01-01" and "2025-02-01").
  void begin_row(std::string period_start, std::string period_end);
  /// Sets a column of the current row (0 until set).
  void set(std::size_t column, double value);

  const std::vector<std::string>& columns() const { return columns_; }
  std::size_t rows() const { return period_starts_.size(); }
  const std::string& period_start(std::size_t row) const { return period_starts_[row]; }
  const std::string& period_end(std::size_t row) const { return period_ends_[row]; }
  double value(std::size_t row, std::size_t column) const {
    return values_[row * columns_.size() + column];
  }
  /// Index of a column by name; throws std::out_of_range if there is none.
  std::size_t column(const std::string& name) const;

 private:
  std::vector<std::string> columns_;
  std::vector<std::string> period_starts_;
  std::vector<std::string> period_ends_;
  std::vector<double> values_;
};

/// The running integral of a piecewise-constant rate over engine time: energy from power,
/// cost from a cost rate, GPU-seconds from a GPU count. Updated at every change of the rate,
/// never sampled, and read without being changed, so totals do not depend on when (or how
/// often) anyone looks.
class RateIntegral {
 public:
  // Inline: a GPU failure changes several rates, and the calls were a fifth of a flagship run.
  /// The rate becomes `rate` (per second) at `tick` (>= the previous change).
  void set_rate(Tick tick, double rate) {
    total_ = total_at(tick);
    last_tick_ = tick;
    rate_ = rate;
  }
  double rate() const { return rate_; }
  /// The integral from the first change up to `tick` (>= the last change).
  double total_at(Tick tick) const {
    return total_ + rate_ * seconds_from_ticks(tick - last_tick_);
  }

 private:
  double total_ = 0.0;
  double rate_ = 0.0;
  Tick last_tick_ = 0;
};

}  // namespace capsim
