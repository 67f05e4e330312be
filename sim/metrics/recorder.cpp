#include "capsim/metrics/recorder.hpp"

#include <stdexcept>

#include "capsim/core/time.hpp"

namespace capsim {

void Recorder::set_keys(std::vector<std::string> keys) {
  if (!period_starts_.empty())
    throw std::logic_error("recorder: keys set after rows");
  keys_ = std::move(keys);
}

std::size_t Recorder::add_column(std::string name, ColumnLabel label) {
  if (!period_starts_.empty())
    throw std::logic_error("recorder: column added after rows");
  if (label.metric.empty())
    label.metric = name;
  columns_.push_back(std::move(name));
  labels_.push_back(std::move(label));
  return columns_.size() - 1;
}

void Recorder::begin_row(std::string period_start, std::string period_end,
                         std::vector<std::string> keys) {
  if (keys.size() != keys_.size())
    throw std::logic_error("recorder: a row's key cells do not match its keys");
  row_keys_.push_back(std::move(keys));
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
