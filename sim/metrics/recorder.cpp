#include "capsim/metrics/recorder.hpp"

#include <stdexcept>

#include "capsim/core/time.hpp"

namespace capsim {

std::size_t Recorder::add_column(std::string name) {
  if (!period_starts_.empty())
    throw std::logic_error("recorder: column added after rows");
  columns_.push_back(std::move(name));
  return columns_.size() - 1;
}

void Recorder::begin_row(std::string period_start, std::string period_end) {
  period_starts_.push_back(std::move(period_start));
  period_ends_.push_back(std::move(period_end));
  values_.resize(values_.size() + columns_.size(), 0.0);
}

void Recorder::set(std::size_t column, double value) {
  if (period_starts_.empty() || column >= columns_.size()) {
    throw std::out_of_range("recorder: no such row or column");
  }
  values_[(period_starts_.size() - 1) * columns_.size() + column] = value;
}

std::size_t Recorder::column(const std::string& name) const {
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    if (columns_[i] == name)
      return i;
  }
  throw std::out_of_range("recorder: no column " + name);
}

}  // namespace capsim
