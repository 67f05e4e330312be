#include "capsim/output/outputs_reference.hpp"

#include <fmt/format.h>

#include "capsim/model/reporting/timeseries.hpp"
#include "capsim/model/run_results.hpp"

namespace capsim::output {

namespace {

/// A family column's name as the reader sees it: the prefix and what follows.
std::string shown_name(const ColumnDeclaration& column) {
  switch (column.family) {
    case ColumnFamily::part:
      return fmt::format("{}<accelerator>", column.name);
    case ColumnFamily::service:
      return fmt::format("{}<service>", column.name);
    case ColumnFamily::tenant:
      return fmt::format("{}<tenant>", column.name);
    case ColumnFamily::fleet:
    case ColumnFamily::training:
      break;
  }
  return std::string(column.name);
}

std::string_view family_heading(ColumnFamily family) {
  switch (family) {
    case ColumnFamily::fleet:
      return "The fleet, power and money";
    case ColumnFamily::part:
      return "One per catalog part";
    case ColumnFamily::service:
      return "One set per inference service (side by side, service by service)";
    case ColumnFamily::training:
      return "Training (when the scenario has training jobs)";
    case ColumnFamily::tenant:
      return "One per tenant (when the scenario has training jobs; `default` holds jobs of no "
             "listed tenant)";
  }
  return "";
}

}  // namespace

std::string outputs_reference_markdown() {
  std::string text =
      "# Outputs\n\n"
      "What `capsim run --out DIR` writes. Generated from the declarations in the code by\n"
      "`build/release/capsim schema --outputs > docs/outputs.md`; a test keeps it current.\n"
      "Units are in the column names; every file is written to a temporary name and renamed.\n\n"
      "## timeseries.csv\n\n"
      "One row per reporting period: `period_start`, `period_end` (dates), then the columns\n"
      "below in this order. A *stock* is the value at the period's end, a *total* is summed\n"
      "over the period, a *mean* is averaged over it. Columns marked *summary* are also in\n"
      "`summary.json`'s `totals`, over the whole run.\n";
  const std::vector<ColumnDeclaration>& columns = timeseries_columns();
  for (std::size_t c = 0; c < columns.size(); ++c) {
    if (c == 0 || columns[c].family != columns[c - 1].family) {
      text += fmt::format("\n### {}\n\n| column | unit | kind | meaning |\n|---|---|---|---|\n",
                          family_heading(columns[c].family));
    }
    text += fmt::format("| `{}` | {} | {}{} | {} |\n", shown_name(columns[c]), columns[c].unit,
                        column_kind_name(columns[c].kind), columns[c].in_summary ? ", summary" : "",
                        columns[c].meaning);
  }
  text +=
      "\n## buildout.csv\n\n"
      "One row per event that changed the fleet or the sites, in the order they happened:\n"
      "`date`, `day` (days from the start; negative before it), `event`, `site`,\n"
      "`accelerator`, `cluster`, `gpus`, `power_mw`, `amount_usd`, `wait_days`, `note`.\n"
      "`amount_usd` is the USD the event commits, pays or makes available, 0 where it has none.\n\n"
      "| event | meaning |\n|---|---|\n";
  for (const BuildoutKindDeclaration& kind : buildout_kinds())
    text += fmt::format("| `{}` | {} |\n", kind.name, kind.meaning);
  return text;
}

}  // namespace capsim::output
