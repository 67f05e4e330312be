#pragma once
/// Vendor allocations: at most so many GPUs of a part arriving per calendar quarter.

#include <cstddef>
#include <cstdint>
#include <map>
#include <utility>

#include "capsim/model/model_context.hpp"

namespace capsim {

class VendorCaps {
 public:
  explicit VendorCaps(const ModelContext& context) : context_(context) {}

  /// GPUs of `part` that may still arrive in the quarter of `tick` (INT64_MAX: no cap).
  std::int64_t remaining(std::size_t part, Tick tick) const;
  void use(std::size_t part, Tick tick, std::int64_t gpus);

 private:
  std::int64_t quarter_key(Tick tick) const;

  const ModelContext& context_;
  std::map<std::pair<std::size_t, std::int64_t>, std::int64_t> used_;  // (part, quarter)
};

}  // namespace capsim
