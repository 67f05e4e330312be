#pragma once
/// Numbers as people read them, with their unit: "$152.3B", "2.00 GW", "1,443,590",
/// "45.4 TWh", "83.2%". The one place capsim makes number text for people: the terminal
/// summary, `capsim compare`'s table and the HTML reports (whose axis ticks use the compact
/// form). Files meant for programs (CSV, JSON) keep full precision and never use these.

#include <string>
#include <string_view>

namespace capsim::output {

/// What a number is, so that its text carries the unit.
enum class NumberKind {
  plain,      ///< 3 significant digits below 10,000, whole with separators above: "0.412", "12,345"
  count,      ///< whole things with thousands separators: "1,234,567"
  usd,        ///< "$58.3B", "$950.0K", "$2.31"; below $1, 3 significant digits: "$0.0317"
  watts,      ///< watts, shown in W/kW/MW/GW: "2.00 GW"
  megawatts,  ///< megawatts (the timeseries' unit), shown as watts are
  joules,     ///< energy in joules, shown in kWh/MWh/GWh/TWh: "45.4 TWh"
  tokens,     ///< token counts, scaled up to peta and exa: "4.20T tokens", "277.4P tokens"
  share,      ///< 0..1 shown as a percentage: "45.2%"
  hours,      ///< "12.3 h"
  days,       ///< "151 days"
  multiple,   ///< "2.50×"
};

/// A number's text with thousands separators in its whole part, a leading sign kept in front:
/// "1234567" -> "1,234,567", "+12345.67" -> "+12,345.67".
std::string group_thousands(const std::string& number);

/// The readable text of `value`: a mantissa of 3 to 4 significant digits (2.31, 58.3, 152.3)
/// with the largest scale at or below it (K, M, B, T; kW, MW, GW). `compact` is for axis
/// ticks: as few digits as the value needs ("1.5M", "$500M"). NaN and infinities are "n/a".
std::string readable(double value, NumberKind kind, bool compact = false);

/// What a summary figure measures, from its name (summary_figures.hpp naming): `_usd` money,
/// `_mwh` MWh, `_gw` GW, `gpu_hours` GPU-hours, `_hours` hours, shares and utilisations in
/// percent, GPU, job and token counts; anything else a plain number without unit.
struct FigureUnit {
  std::string unit;  ///< for labels: "USD", "MWh", "GPU-hours"; empty when the kind says it
  NumberKind kind = NumberKind::plain;
};
FigureUnit figure_unit(std::string_view figure);

/// `figure`'s value as readable text (figure_unit).
std::string readable_figure(std::string_view figure, double value, bool sign = false);

inline std::string readable_usd(double usd) {
  return readable(usd, NumberKind::usd);
}
inline std::string readable_power_w(double watts) {
  return readable(watts, NumberKind::watts);
}
inline std::string readable_energy_j(double joules) {
  return readable(joules, NumberKind::joules);
}
inline std::string readable_count(double count) {
  return readable(count, NumberKind::count);
}
inline std::string readable_share(double fraction) {
  return readable(fraction, NumberKind::share);
}

}  // namespace capsim::output
