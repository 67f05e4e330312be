#include "capsim/output/outputs_reference.hpp"

#include <fmt/format.h>

#include "capsim/model/reporting/timeseries.hpp"
#include "capsim/model/run_results.hpp"
#include "capsim/output/capacity_report.hpp"
#include "capsim/output/yearly.hpp"

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
    case ColumnFamily::site:
    case ColumnFamily::cluster:
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
    case ColumnFamily::site:
      return "timeseries_sites.csv";
    case ColumnFamily::cluster:
      return "timeseries_clusters.csv";
  }
  return "";
}

/// A table of columns that are not period figures: `kind` says what each row's cell is of
/// (an event, a job, a key).
constexpr std::string_view kTableHead = "\n| column | unit | kind | meaning |\n|---|---|---|---|\n";

std::string record_rows(const std::vector<RecordColumn>& columns, std::string_view kind) {
  std::string text;
  for (const RecordColumn& column : columns) {
    text +=
        fmt::format("| `{}` | {} | {} | {} |\n", column.name, column.unit, kind, column.meaning);
  }
  return text;
}

std::string record_table(const std::vector<RecordColumn>& columns, std::string_view kind) {
  return std::string(kTableHead) + record_rows(columns, kind);
}

std::string declared_row(const ColumnDeclaration& column, std::string_view kind) {
  return fmt::format("| `{}` | {} | {}{} | {} |\n", shown_name(column), column.unit, kind,
                     column.in_summary ? ", summary" : "", column.meaning);
}

/// A keyed series' file: its key cells, then its declared columns.
std::string member_series_section(std::string_view file, std::string_view rows,
                                  const std::vector<std::string>& keys,
                                  const std::vector<RecordColumn>& key_meanings,
                                  const std::vector<ColumnDeclaration>& columns) {
  std::string text = fmt::format(
      "\n## {}\n\nOne row per reporting period and {}, written with `timeseries.csv`: "
      "`period_start`,\n`period_end`, the key cells ",
      file, rows);
  for (std::size_t k = 0; k < keys.size(); ++k)
    text += fmt::format("{}`{}`", k == 0 ? "" : ", ", keys[k]);
  text +=
      ", then the columns below. A column named as one of\n`timeseries.csv`'s is the member's "
      "share of it: summed over a period's rows it gives\n`timeseries.csv`'s value (a test "
      "checks it).\n";
  text += kTableHead;
  text += record_rows(key_meanings, "key");
  for (const ColumnDeclaration& column : columns)
    text += declared_row(column, column_kind_name(column.kind));
  return text;
}

/// "stock at the period's end" as a year's: a total or a mean over the year.
std::string year_kind_name(ColumnKind kind) {
  return kind == ColumnKind::total ? "total over the year" : "mean over the year";
}

}  // namespace

std::string outputs_reference_markdown() {
  std::string text =
      "# Outputs\n\n"
      "What `capsim run --out DIR` writes. Generated from the declarations in the code by\n"
      "`build/release/capsim schema --outputs > docs/outputs.md`; a test keeps it current.\n"
      "Units are in the column names.\n\n"
      "## CSV files\n\n"
      "Every CSV file is RFC 4180 with LF line ends, UTF-8 without a byte-order mark, reals in\n"
      "their shortest round-trip form (`include/capsim/output/csv_writer.hpp`). A text cell that\n"
      "starts with `=`, `+`, `-`, `@`, a tab or a carriage return and is not a plain number is\n"
      "written with a leading `'`, as OWASP recommends against CSV injection: Excel and\n"
      "LibreOffice would run it as a formula (`=cmd|' /C calc'!A0`). Names never start so (they\n"
      "start with a letter or a digit, docs/scenarios.md); free text can, such as the values of a\n"
      "sweep over `scenario.description` in `runs.csv`. Read such a cell without its `'`.\n\n"
      "A figure in USD is in the scenario's dollars (constant dollars of its start) unless\n"
      "`economics.inflation` is given: then every cost, revenue and value of the time series,\n"
      "`yearly.csv` and `summary.json` is nominal, at the price level of its date\n"
      "(`summary.json`'s `finance.dollars` says which). `buildout.csv` and the summary's `budget`\n"
      "stay in the scenario's dollars: they are the planner's own log (docs/model.md, \"Constant\n"
      "and nominal dollars\").\n\n"
      "## A run's files as a set\n\n"
      "The files of one run are published together, `summary.json` last; it is the run's\n"
      "manifest (it names the scenario and the seed). capsim first writes every file whole under\n"
      "a temporary name in `DIR` (`.NAME.tmp.PID.N`), then removes the old `summary.json`,\n"
      "removes the run files of an earlier run that this run does not write (`jobs.csv` after a\n"
      "run without training jobs), renames each new file into place, and renames `summary.json`\n"
      "into place last. So:\n\n"
      "- a folder with a `summary.json` holds one whole run: every run file beside it is of the\n"
      "  run it names, and none is newer than it;\n"
      "- a folder without one holds a torn run (killed, or failed between files, e.g. a full\n"
      "  disk) or a run whose scenario set `outputs.summary: false`;\n"
      "- a failure while the temporaries are written leaves the earlier run as it was;\n"
      "- temporaries left by a killed capsim (their process no longer runs) are removed by the\n"
      "  next run into the folder.\n\n"
      "capsim removes only its own files and their temporaries; anything else in `DIR` is\n"
      "left alone. Its files:\n\n";
  for (const std::string_view name : run_file_names())
    text += fmt::format("- `{}`\n", name);
  text +=
      "\n"
      "A sweep's folder (`capsim sweep`, `capsim merge`) is published the same way, with\n"
      "`runs.csv` last: a folder with a `runs.csv` holds a finished sweep (docs/sweeps.md).\n\n"
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
    text += declared_row(columns[c], column_kind_name(columns[c].kind));
  }
  text +=
      "\n### Long layout\n\n"
      "`capsim run --format long` writes `timeseries.csv`, `timeseries_sites.csv` and\n"
      "`timeseries_clusters.csv` long (tidy) instead: one row per period and column, in the wide\n"
      "file's order (period by period, then row by row, then column by column), with the\n"
      "columns\n\n";
  text += "| column | meaning |\n|---|---|\n";
  text +=
      "| `period` | the period's start (date) |\n"
      "| `period_end` | the period's end (date, exclusive) |\n"
      "| `metric` | the wide column's name, less its member's (`gpus_installed` for "
      "`gpus_installed_H100-SXM`) |\n"
      "| `unit` | the column's unit, as in the tables here |\n"
      "| `value` | the figure |\n";
  for (const std::string& key : long_series_keys()) {
    text += fmt::format(
        "| `{}` | the {} the figure is of (a row's key, or a family column's member); empty "
        "when it is of none |\n",
        key, key);
  }
  text +=
      "\nSo the three files stack into one table, and a per-part, per-service or per-tenant\n"
      "figure is one `metric` with its member in its key column. Other files are the same in\n"
      "either layout.\n";
  text += member_series_section("timeseries_sites.csv", "site", site_series_keys(),
                                {{"site", "", "the site (`sites[].name`)"}}, site_columns());
  text += member_series_section(
      "timeseries_clusters.csv",
      "cluster (one of `clusters`, or one a planner or an order\nadded, from the period it was "
      "added in)",
      cluster_series_keys(),
      {{"cluster", "", "the cluster"}, {"site", "", "its site"}, {"part", "", "its catalog part"}},
      cluster_columns());
  text +=
      "\n## yearly.csv\n\n"
      "One row per calendar year the run touches (written with `timeseries.csv`): `year`,\n"
      "`from` and `to` (the part of the year in the run, `to` exclusive), `partial` (1 when the\n"
      "run covers only part of the year), then every fleet column of `timeseries.csv` that is a\n"
      "*total* or a *mean*, over exactly that span (read from the model's running integrals at\n"
      "1 January, so the same at any reporting period; the years' totals sum to the run's), then\n"
      "`gpus_delivered`, `gpus_added` (installed during the year), `gpus_retired` and\n"
      "`power_added_mw` (site IT power brought online), counted from `buildout.csv`'s events; the\n"
      "fleet and the sites online at the start are where the run starts, not additions.\n"
      "`summary.json` holds the same as `years`, one object per year named by its year\n"
      "(`years[2026].capex_usd`).\n";
  text += kTableHead;
  text += record_rows(yearly_key_columns(), "key");
  for (const ColumnDeclaration& column : timeseries_columns()) {
    if (in_yearly(column))
      text += declared_row(column, year_kind_name(column.kind));
  }
  for (const RecordColumn& column : yearly_count_columns()) {
    text += fmt::format("| `{}` | {} | total over the year | {} |\n", column.name, column.unit,
                        column.meaning);
  }
  text +=
      "\n## report.html\n\n"
      "The run to look at (not with `--no-report`): one self-contained HTML page, everything\n"
      "inlined, no network request, charts as SVG that capsim writes (docs/architecture.md,\n"
      "\"Report charts\"): headline cards; the fleet by part; site power; money per period and\n"
      "per calendar year; the construction plans as a Gantt chart with the critical path;\n"
      "training and serving; fan charts of the replications; the inputs, with links to the files\n"
      "beside it. Every chart has its data in a table under it and its values on hover; numbers\n"
      "shown that come from a file carry the file and key they come from (docs/testing.md).\n";
  text +=
      "\n## buildout.csv\n\nOne row per event that changed the fleet or the sites, in the "
      "order they happened.\n";
  text += record_table(buildout_columns(), "of the event");
  text += "\n| event | meaning |\n|---|---|\n";
  for (const BuildoutKindDeclaration& kind : buildout_kinds())
    text += fmt::format("| `{}` | {} |\n", kind.name, kind.meaning);
  text +=
      "\n## jobs.csv\n\nOne row per training job (written when the scenario has any). "
      "`capsim run` writes the rows as\njobs complete, so a run's memory does not grow with "
      "finished jobs: the completed jobs come\nfirst, in the order they completed, then the "
      "jobs running, waiting or held at the end, in\njob order (listed jobs, then generated "
      "ones). Sort by `submit` or `name` for another order.\n";
  text += record_table(jobs_columns(), "of the job");
  text += fmt::format("| `{}<cause>` | {} | of the job | {} |\n", jobs_cause_column().name,
                      jobs_cause_column().unit, jobs_cause_column().meaning);
  text +=
      "\n## summary.json\n\nThe run's headline figures: `totals` (the timeseries columns "
      "marked *summary*, over the\nwhole run), `gpus`, `budget`, `planner`, `leases`\n(`signed`, "
      "`signed_by_planner`, `gpus_leased_peak`: the contracts signed in the run and the most\n"
      "GPUs under lease at once, docs/model.md), `finance` "
      "(`cost_of_capital`, `dollars`:\n`constant` or `nominal`, `inflation`, `npv_usd`, "
      "`opening_value_usd`, `terminal_value_usd`: the NPV\nand its book values, docs/model.md), "
      "`carbon`\n(`parts_without_embodied_carbon`: "
      "installed parts the catalog gives no embodied figure,\ncounted as zero), `funds` (with "
      "`economics.funds`; `revenue_added_usd` with\n`economics.revenue_to_funds`), "
      "`training`, `inference` (per service, with\n`carbon_per_million_tokens_kgco2e`), "
      "`fleet_at` (the fleet at each year's end and at the\nhorizon) and `years` (as "
      "`yearly.csv`).\n";
  text +=
      "\n## Monte Carlo files\n\n"
      "`capsim run --replications N` (docs/uncertainty.md) writes the nominal run's files\n"
      "above and, in the same set:\n\n"
      "- `timeseries_quantiles.csv`: the N replications' statistics of every timeseries.csv\n"
      "  column in every period, one row per period, column and statistic;\n"
      "- `replications.csv`: one row per replication;\n"
      "- `drivers.csv`: one row per figure and driver (docs/uncertainty.md);\n"
      "- `summary.json` gains `monte_carlo`: `replications`, `inputs`, `distribution` (per\n"
      "  figure: `replications`, `mean`, `sd`, `p5` ... `p95`, `min`, `max`), `risk`\n"
      "  (`capex_p50_usd`, `capex_p90_usd`, `shortfall_probability_by_year`,\n"
      "  `funds_out_probability_before`, `site_power_online`) and `drivers`.\n\n"
      "A shard (`--shard K/N --out DIR`) writes `replications_shard.csv` (its replications,\n"
      "every number exact) and `shard.yaml` last; `--merge` joins shards into the files above.\n";
  text += "\n### timeseries_quantiles.csv\n";
  text += record_table(timeseries_quantiles_columns(), "of the row");
  text += "\n### replications.csv\n";
  text += record_table(replications_columns(), "of the replication");
  text += "\n### drivers.csv\n";
  text += record_table(drivers_columns(), "of the figure and driver");
  return text;
}

}  // namespace capsim::output
