#include "capsim/output/yearly.hpp"

#include <algorithm>

#include "capsim/output/csv_writer.hpp"

namespace capsim::output {

double YearFigures::total(std::string_view name) const {
  return total_named(totals, name);
}

namespace {

/// The dated events of the build-out log, each in its year. Installs and sites online at the
/// run's first instant are the fleet it starts with, not additions.
void count_buildout(const Scenario& scenario, const std::vector<BuildoutEvent>& buildout,
                    std::vector<YearFigures>& years) {
  const Calendar calendar(scenario.scenario.start);
  for (const BuildoutEvent& event : buildout) {
    const int year = calendar.date_of(event.tick).year;
    const auto found = std::find_if(years.begin(), years.end(),
                                    [&](const YearFigures& y) { return y.year == year; });
    if (found == years.end())
      continue;  // a site started before the run
    switch (event.kind) {
      case BuildoutKind::delivery:
        found->gpus_delivered += event.gpus;
        break;
      case BuildoutKind::install:
        if (event.tick > 0)
          found->gpus_added += event.gpus;
        break;
      case BuildoutKind::retire:
        found->gpus_retired += event.gpus;
        break;
      case BuildoutKind::phase_online:
        if (event.tick > 0)
          found->power_added_w += event.power_w;
        break;
      default:
        break;
    }
  }
}

}  // namespace

std::vector<YearFigures> yearly_figures(const Scenario& scenario, const CapacityRun& run) {
  std::vector<YearFigures> years;
  for (const YearTotals& totals : run.summary.years) {
    YearFigures y;
    y.year = totals.from.year;
    y.from = totals.from;
    y.to = totals.to;
    y.partial = totals.from != Date{y.year, 1, 1} || totals.to != Date{y.year + 1, 1, 1};
    y.totals = totals.totals;
    years.push_back(std::move(y));
  }
  count_buildout(scenario, run.buildout, years);
  return years;
}

const std::vector<RecordColumn>& yearly_key_columns() {
  static const std::vector<RecordColumn> columns = {
      {"year", "year", "the calendar year"},
      {"from", "date", "the first day of the year in the run"},
      {"to", "date", "the day after the last day of the year in the run (exclusive)"},
      {"partial", "0 or 1", "1 when the run covers only part of the year"},
  };
  return columns;
}

const std::vector<RecordColumn>& yearly_count_columns() {
  static const std::vector<RecordColumn> columns = {
      {"gpus_delivered", "GPUs", "delivered during the year (buildout.csv's deliveries)"},
      {"gpus_added", "GPUs",
       "installed during the year (the fleet at the run's start is not an addition)"},
      {"gpus_retired", "GPUs", "retired during the year"},
      {"power_added_mw", "MW",
       "site IT power brought online during the year (the sites online at the start are not "
       "additions)"},
  };
  return columns;
}

std::string yearly_csv(const std::vector<YearFigures>& years) {
  std::vector<std::string> header;
  for (const RecordColumn& column : yearly_key_columns())
    header.emplace_back(column.name);
  if (!years.empty()) {
    for (const SummaryTotal& t : years.front().totals)
      header.push_back(t.name);
  }
  for (const RecordColumn& column : yearly_count_columns())
    header.emplace_back(column.name);
  CsvWriter csv(header);
  for (const YearFigures& y : years) {
    std::vector<CsvCell> row = {static_cast<std::int64_t>(y.year), format_date(y.from),
                                format_date(y.to), static_cast<std::int64_t>(y.partial)};
    for (const SummaryTotal& t : y.totals)
      row.emplace_back(t.value);
    row.emplace_back(y.gpus_delivered);
    row.emplace_back(y.gpus_added);
    row.emplace_back(y.gpus_retired);
    row.emplace_back(y.power_added_w / 1e6);
    csv.add_row(row);
  }
  return csv.str();
}

}  // namespace capsim::output
