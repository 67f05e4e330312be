#include "capsim/report/figure_quantity.hpp"

#include <string>

#include "capsim/output/readable.hpp"

namespace capsim::report {

Quantity figure_quantity(std::string_view figure) {
  const output::FigureUnit unit = output::figure_unit(figure);
  return {std::string(figure), unit.unit, unit.kind};
}

Quantity dimension_quantity(std::string_view name, std::optional<Dimension> dimension) {
  const std::string label(name);
  if (!dimension)
    return {label, "", NumberKind::plain};
  switch (*dimension) {
    case Dimension::money:
      return {label, "USD", NumberKind::usd};
    case Dimension::power:
      return {label, "W", NumberKind::watts};
    case Dimension::fraction:
      return {label, "", NumberKind::share};
    case Dimension::multiplier:
      return {label, "", NumberKind::multiple};
    default: {
      std::string unit = dimension_canonical_unit(*dimension);
      if (!unit.empty() && unit.front() == ' ')
        unit.erase(0, 1);
      return {label, unit, NumberKind::plain};
    }
  }
}

}  // namespace capsim::report
