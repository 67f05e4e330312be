#include "capsim/model/run_results.hpp"

namespace capsim {

std::string_view buildout_kind_name(BuildoutKind kind) {
  switch (kind) {
    case BuildoutKind::site_start:
      return "site_start";
    case BuildoutKind::phase_online:
      return "phase_online";
    case BuildoutKind::order:
      return "order";
    case BuildoutKind::delivery:
      return "delivery";
    case BuildoutKind::install:
      return "install";
    case BuildoutKind::retire:
      return "retire";
    case BuildoutKind::budget:
      return "budget";
    case BuildoutKind::shortfall:
      return "shortfall";
  }
  return "";
}

}  // namespace capsim
