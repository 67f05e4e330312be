#include "capsim/model/fleet/vendor_caps.hpp"

#include <cstdint>

namespace capsim {

std::int64_t VendorCaps::quarter_key(Tick tick) const {
  const Date date = context_.calendar.date_of(tick);
  return static_cast<std::int64_t>(date.year) * 4 + (date.month - 1) / 3;
}

std::int64_t VendorCaps::remaining(std::size_t part, Tick tick) const {
  for (const VendorCapSpec& cap : context_.scenario.planner.vendor_caps) {
    if (cap.accelerator != context_.part(part).name)
      continue;
    const auto used = used_.find({part, quarter_key(tick)});
    return cap.gpus_per_quarter - (used == used_.end() ? 0 : used->second);
  }
  return INT64_MAX;
}

void VendorCaps::use(std::size_t part, Tick tick, std::int64_t gpus) {
  used_[{part, quarter_key(tick)}] += gpus;
}

}  // namespace capsim
