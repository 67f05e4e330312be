#include "capsim/model/inputs.hpp"

namespace capsim {

Tick ScenarioMeta::end_tick() const {
  if (end)
    return Calendar(start).tick_of(*end);
  return ticks_from_seconds(horizon_s.value_or(0.0));
}

std::optional<double> AcceleratorSpec::peak_flop_per_s(Precision precision) const {
  switch (precision) {
    case Precision::bf16:
      return peak_dense_flops.bf16_flop_per_s;
    case Precision::fp8:
      return peak_dense_flops.fp8_flop_per_s;
    case Precision::fp4:
      return peak_dense_flops.fp4_flop_per_s;
  }
  return std::nullopt;
}

const AcceleratorSpec* CatalogSpec::find(const std::string& name) const {
  for (const AcceleratorSpec& part : accelerators) {
    if (part.name == name)
      return &part;
  }
  return nullptr;
}

}  // namespace capsim
