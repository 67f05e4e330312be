#pragma once
/// The per-period table a run produces: named columns (each with its unit in its name, e.g.
/// power_it_mw), one row per reporting period, or per period and member (a site, a cluster)
/// when the rows carry key cells. Domain-free: the model fills it, the writers
/// only read it.

#include <cstddef>

#include <string>
#include <vector>
#include "capsim/core/time.hpp"

namespace capsim {

/// What a column holds, for a long (tidy) table: the figure without its member's name, its
/// unit, and the member it is of (a key such as "part" and a name such as "H100"), if any.
struct ColumnLabel {
  std::string metric;
  std::string unit;
  std::string key;
  std::string member;
};

class Recorder {
 public:
  /// Names the key cells every row carries (e.g. "site"), before the first row; none by
  /// default (one row per period).
  void set_keys(std::vector<std::string> keys);
  /// Adds a numeric column; returns its index. Columns are fixed before the first row.
  std::size_t add_column(std::string name, ColumnLabel label = {});
  /// Starts a row labelled by its period (e.g. "2025-01-01" and "2025-02-01") and its key
  /// cells (as many as set_keys named).
  void begin_row(std::string period_start, std::string period_end,
                 std::vector<std::string> keys = {});
  /// Sets a column of the current row (0 until set).
  void set(std::size_t column, double value);

  const std::vector<std::string>& columns() const { return columns_; }
  const std::vector<ColumnLabel>& labels() const { return labels_; }
  const std::vector<std::string>& keys() const { return keys_; }
  /// A row's key cells, in keys()' order.
  const std::vector<std::string>& row_keys(std::size_t row) const { return row_keys_[row]; }
  std::size_t rows() const { return period_starts_.size(); }
  const std::string& period_start(std::size_t row) const { return period_starts_[row]; }
  const std::string& period_end(std::size_t row) const { return period_ends_[row]; }
  double value(std::size_t row, std::size_t column) const {
    return values_[row * columns_.size() + column];
  }
  /// Index of a column by name; throws std::out_of_range if there is none.
  std::size_t column(const std::string& name) const;

 private:
  std::vector<std::string> keys_;
  std::vector<std::string> columns_;
  std::vector<ColumnLabel> labels_;
  std::vector<std::vector<std::string>> row_keys_;
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
