#include "capsim/study/monte_carlo_report.hpp"

#include "capsim/output/readable.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "capsim/core/time.hpp"
#include "capsim/output/capacity_report.hpp"
#include "capsim/output/csv_writer.hpp"
#include "capsim/uncertainty/statistics.hpp"

namespace capsim::study {

namespace {

/// The values a figure takes over the replications that report it, sorted.
std::vector<double> sorted_figure(const std::vector<Replication>& reps, std::size_t f) {
  std::vector<double> values;
  values.reserve(reps.size());
  for (const Replication& rep : reps) {
    if (rep.figures[f])
      values.push_back(*rep.figures[f]);
  }
  std::sort(values.begin(), values.end());
  return values;
}

/// The share of replications for which `happened` holds.
template <class Predicate>
double share(const std::vector<Replication>& reps, Predicate happened) {
  if (reps.empty())
    return 0.0;
  const auto count = std::count_if(reps.begin(), reps.end(), happened);
  return static_cast<double>(count) / static_cast<double>(reps.size());
}

/// Days from the start to 1 January of `year`.
double day_of_new_year(const Scenario& scenario, int year) {
  const Calendar calendar(scenario.scenario.start);
  return seconds_from_ticks(calendar.tick_of(Date{year, 1, 1})) / 86400.0;
}

std::string date_after_days(const Scenario& scenario, double days) {
  const Calendar calendar(scenario.scenario.start);
  return format_date(calendar.date_of(ticks_from_seconds(days * 86400.0)));
}

const char* kMean = "mean";

std::string percent(double share) {
  return fmt::format("{:.0f}%", share * 100.0);
}

}  // namespace

const std::array<const char*, 5>& reported_quantile_names() {
  static const std::array<const char*, 5> names = {"p5", "p10", "p50", "p90", "p95"};
  return names;
}

std::vector<FigureDistribution> figure_distributions(const StudyLayout& layout,
                                                     const std::vector<Replication>& reps) {
  std::vector<FigureDistribution> result;
  for (std::size_t f = 0; f < layout.figure_names.size(); ++f) {
    const std::vector<double> values = sorted_figure(reps, f);
    if (values.empty())
      continue;
    FigureDistribution d;
    d.figure = layout.figure_names[f];
    d.count = values.size();
    d.mean = uncertainty::mean(values);
    d.sd = uncertainty::sample_sd(values);
    d.min = values.front();
    d.max = values.back();
    for (std::size_t q = 0; q < kReportedQuantiles.size(); ++q)
      d.quantiles[q] = uncertainty::sorted_quantile(values, kReportedQuantiles[q]);
    result.push_back(std::move(d));
  }
  return result;
}

RiskFigures risk_figures(const MonteCarloStudy& study, const std::vector<Replication>& reps) {
  const StudyLayout& layout = study.layout;
  const Scenario& scenario = study.scenario.nominal;
  RiskFigures risk;
  for (std::size_t y = 0; y < layout.years.size(); ++y) {
    risk.shortfall_by_year.emplace_back(layout.years[y], share(reps, [&](const Replication& rep) {
                                          return static_cast<bool>(rep.shortfall_in_year[y]);
                                        }));
  }
  // Year ends the run passes: 1 January of each year after the first (none for a run that
  // touches no year).
  std::vector<int> new_years;
  if (!layout.years.empty()) {
    new_years.assign(layout.years.begin() + 1, layout.years.end());
    new_years.push_back(layout.years.back() + 1);
  }
  const double end_day = scenario.scenario.horizon_seconds() / 86400.0;
  risk.funds = scenario.economics.funds_usd.has_value();
  if (risk.funds) {
    for (const int year : new_years) {
      const double day = std::min(day_of_new_year(scenario, year), end_day);
      risk.funds_out_before_year.emplace_back(year, share(reps, [&](const Replication& r) {
                                                return r.funds_exhausted_day &&
                                                       *r.funds_exhausted_day < day;
                                              }));
    }
  }
  for (std::size_t s = 0; s < layout.site_names.size(); ++s) {
    if (scenario.sites[s].phases.empty())
      continue;
    RiskFigures::SiteOnline site;
    site.site = layout.site_names[s];
    for (const int year : new_years) {
      const double day = std::min(day_of_new_year(scenario, year), end_day);
      site.by_year.emplace_back(year, share(reps, [&](const Replication& r) {
                                  return r.site_power_online_day[s] &&
                                         *r.site_power_online_day[s] < day;
                                }));
    }
    // Dates by quantile, a replication never online counting as later than any date.
    std::vector<double> days;
    for (const Replication& rep : reps)
      days.push_back(rep.site_power_online_day[s].value_or(HUGE_VAL));
    std::sort(days.begin(), days.end());
    const auto date_at = [&](double p) -> std::optional<std::string> {
      if (days.empty())
        return std::nullopt;
      const auto index = static_cast<std::size_t>(std::ceil(p * static_cast<double>(days.size())) -
                                                  1.0);  // the empirical quantile
      const double day = days[std::min(index, days.size() - 1)];
      if (!std::isfinite(day))
        return std::nullopt;
      return date_after_days(scenario, day);
    };
    site.p10 = date_at(0.10);
    site.p50 = date_at(0.50);
    site.p90 = date_at(0.90);
    risk.sites.push_back(std::move(site));
  }
  const auto capex =
      std::find(layout.figure_names.begin(), layout.figure_names.end(), "totals.capex_usd");
  if (capex != layout.figure_names.end()) {
    const std::vector<double> values =
        sorted_figure(reps, static_cast<std::size_t>(capex - layout.figure_names.begin()));
    if (!values.empty()) {
      risk.capex_p90_usd = uncertainty::sorted_quantile(values, 0.90);
      risk.capex_p50_usd = uncertainty::sorted_quantile(values, 0.50);
    }
  }
  return risk;
}

TimeseriesQuantiles timeseries_quantiles(const StudyLayout& layout,
                                         const std::vector<Replication>& reps) {
  TimeseriesQuantiles result{
      layout.timeseries_columns, layout.period_starts, layout.period_ends, {}};
  const std::size_t columns = layout.timeseries_columns.size();
  result.values.reserve(layout.period_starts.size() * columns);
  std::vector<double> values(reps.size());
  for (std::size_t row = 0; row < layout.period_starts.size(); ++row) {
    for (std::size_t c = 0; c < columns; ++c) {
      for (std::size_t r = 0; r < reps.size(); ++r)
        values[r] = reps[r].timeseries[row * columns + c];
      std::sort(values.begin(), values.end());
      std::array<double, 6> statistics{};
      for (std::size_t q = 0; q < kReportedQuantiles.size(); ++q)
        statistics[q] = uncertainty::sorted_quantile(values, kReportedQuantiles[q]);
      statistics[5] = uncertainty::mean(values);
      result.values.push_back(statistics);
    }
  }
  return result;
}

std::string timeseries_quantiles_csv(const TimeseriesQuantiles& quantiles) {
  output::CsvWriter csv(output::header_of(output::timeseries_quantiles_columns()));
  for (std::size_t row = 0; row < quantiles.period_starts.size(); ++row) {
    for (std::size_t c = 0; c < quantiles.columns.size(); ++c) {
      const std::array<double, 6>& statistics = quantiles.at(row, c);
      for (std::size_t q = 0; q < kReportedQuantiles.size(); ++q) {
        csv.add_row({quantiles.period_starts[row], quantiles.columns[c],
                     reported_quantile_names()[q], statistics[q]});
      }
      csv.add_row({quantiles.period_starts[row], quantiles.columns[c], kMean, statistics[5]});
    }
  }
  return csv.str();
}

void append_result_cells(const Replication& rep, std::vector<output::CsvCell>& cells) {
  const auto optional_cell = [](const std::optional<double>& value) {
    return value ? output::CsvCell(*value) : output::CsvCell("");
  };
  for (const std::optional<double>& figure : rep.figures)
    cells.push_back(optional_cell(figure));
  cells.push_back(optional_cell(rep.funds_exhausted_day));
  for (const std::optional<double>& day : rep.site_power_online_day)
    cells.push_back(optional_cell(day));
  for (const bool shortfall : rep.shortfall_in_year)
    cells.emplace_back(shortfall ? 1 : 0);
}

std::string replications_csv(const MonteCarloStudy& study, const std::vector<Replication>& reps) {
  const StudyLayout& layout = study.layout;
  const std::vector<scenario::UncertainInput>& inputs = study.scenario.inputs;
  std::vector<std::string> header = {"replication", "seed"};
  for (const scenario::UncertainInput& input : inputs) {
    const std::string label = input.display_label();
    header.push_back(label.empty() ? input.path : fmt::format("{} ({})", input.path, label));
  }
  for (const std::string& figure : layout.figure_names)
    header.push_back(figure);
  header.emplace_back("funds_exhausted_day");
  for (const std::string& site : layout.site_names)
    header.push_back(fmt::format("power_online_day[{}]", site));
  for (const int year : layout.years)
    header.push_back(fmt::format("shortfall_{}", year));
  output::CsvWriter csv(std::move(header));
  for (const Replication& rep : reps) {
    std::vector<output::CsvCell> cells = {rep.index, rep.seed};
    for (std::size_t i = 0; i < inputs.size(); ++i)
      cells.emplace_back(inputs[i].display(rep.draws[i]));
    append_result_cells(rep, cells);
    csv.add_row(cells);
  }
  return csv.str();
}

std::string drivers_csv(const Drivers& drivers) {
  output::CsvWriter csv(output::header_of(output::drivers_columns()));
  const auto optional_cell = [](const std::optional<double>& value) {
    return value ? output::CsvCell(*value) : output::CsvCell("");
  };
  for (const FigureDrivers& figure : drivers.figures) {
    for (std::size_t i = 0; i < figure.inputs.size(); ++i) {
      const InputDriver& input = figure.inputs[i];
      csv.add_row({figure.figure, i + 1, input.input, optional_cell(input.src),
                   optional_cell(input.srrc), optional_cell(input.at_p10),
                   optional_cell(input.at_p90), input.swing, figure.r_squared_src,
                   figure.r_squared_srrc});
    }
  }
  return csv.str();
}

void monte_carlo_json(output::JsonWriter& json, const MonteCarloStudy& study,
                      const std::vector<Replication>& reps,
                      const std::vector<FigureDistribution>& distributions, const RiskFigures& risk,
                      const Drivers& drivers) {
  json.key("monte_carlo").begin_object().member("replications", reps.size());
  json.key("inputs").begin_array();
  for (const scenario::UncertainInput& input : study.scenario.inputs) {
    json.begin_object()
        .member("path", input.path)
        .member("distribution", input.written)
        .member("nominal", input.nominal_text);
    if (!input.group.empty())
      json.member("group", input.group);
    json.end_object();
  }
  json.end_array();
  json.key("distribution").begin_object();
  for (const FigureDistribution& d : distributions) {
    json.key(d.figure)
        .begin_object()
        .member("replications", d.count)
        .member("mean", d.mean)
        .member("sd", d.sd);
    for (std::size_t q = 0; q < kReportedQuantiles.size(); ++q)
      json.member(reported_quantile_names()[q], d.quantiles[q]);
    json.member("min", d.min).member("max", d.max).end_object();
  }
  json.end_object();
  json.key("risk").begin_object();
  json.member("capex_p50_usd", risk.capex_p50_usd).member("capex_p90_usd", risk.capex_p90_usd);
  json.key("shortfall_probability_by_year").begin_object();
  for (const auto& [year, probability] : risk.shortfall_by_year)
    json.member(fmt::format("{}", year), probability);
  json.end_object();
  if (risk.funds) {
    json.key("funds_out_probability_before").begin_object();
    for (const auto& [year, probability] : risk.funds_out_before_year)
      json.member(fmt::format("{}-01-01", year), probability);
    json.end_object();
  }
  json.key("site_power_online").begin_array();
  for (const RiskFigures::SiteOnline& site : risk.sites) {
    json.begin_object().member("site", site.site);
    json.key("probability_by").begin_object();
    for (const auto& [year, probability] : site.by_year)
      json.member(fmt::format("{}-01-01", year), probability);
    json.end_object();
    const auto date_member = [&](const char* name, const std::optional<std::string>& date) {
      if (date)
        json.member(name, *date);
      else
        json.key(name).null();
    };
    date_member("p10_date", site.p10);
    date_member("p50_date", site.p50);
    date_member("p90_date", site.p90);
    json.end_object();
  }
  json.end_array();
  json.end_object();
  json.key("drivers").begin_array();
  for (const FigureDrivers& figure : drivers.figures) {
    json.begin_object()
        .member("figure", figure.figure)
        .member("r_squared_src", figure.r_squared_src)
        .member("r_squared_srrc", figure.r_squared_srrc);
    if (!figure.note.empty())
      json.member("note", figure.note);
    json.key("inputs").begin_array();
    for (const InputDriver& input : figure.inputs) {
      json.begin_object().member("input", input.input);
      const auto optional_member = [&](const char* name, const std::optional<double>& value) {
        if (value)
          json.member(name, *value);
        else
          json.key(name).null();
      };
      optional_member("src", input.src);
      optional_member("srrc", input.srrc);
      optional_member("at_p10", input.at_p10);
      optional_member("at_p90", input.at_p90);
      json.member("swing", input.swing).end_object();
    }
    json.end_array().end_object();
  }
  json.end_array();
  json.end_object();
}

std::string monte_carlo_text(const MonteCarloStudy& study, const std::vector<Replication>& reps,
                             const std::vector<FigureDistribution>& distributions,
                             const RiskFigures& risk, const Drivers& drivers) {
  std::string text = fmt::format("\nmonte carlo: {} replications of {} uncertain inputs\n",
                                 reps.size(), study.scenario.inputs.size());
  const auto find = [&](const std::string& name) -> const FigureDistribution* {
    for (const FigureDistribution& d : distributions) {
      if (d.figure == name)
        return &d;
    }
    return nullptr;
  };
  text += fmt::format("  {:<46} {:>12} {:>12} {:>12}\n", "figure", "P10", "P50", "P90");
  // Readable, with the unit the figure's name carries (output/readable.hpp).
  const auto row = [&](const std::string& name) {
    if (const FigureDistribution* d = find(name)) {
      text += fmt::format("  {:<46} {:>12} {:>12} {:>12}\n", name,
                          output::readable_figure(name, d->quantiles[1]),
                          output::readable_figure(name, d->quantiles[2]),
                          output::readable_figure(name, d->quantiles[3]));
    }
  };
  row("totals.capex_usd");
  row("totals.energy_facility_mwh");
  row("gpus.installed_during_run");
  for (const std::string& figure : study.layout.figure_names) {
    if ((figure.rfind("fleet_at[", 0) == 0 &&
         (figure.ends_with(".gpus_installed") || figure.ends_with(".power_it_online_gw"))) ||
        (figure.rfind("years[", 0) == 0 && figure.ends_with("].capex_usd")))
      row(figure);
  }
  text += "risk:\n";
  std::string shortfalls;
  for (const auto& [year, probability] : risk.shortfall_by_year)
    shortfalls += fmt::format(" {} {}", year, percent(probability));
  text += fmt::format("  shortfall (GPUs or power below need) by year:{}\n", shortfalls);
  if (risk.funds) {
    std::string funds;
    for (const auto& [year, probability] : risk.funds_out_before_year)
      funds += fmt::format(" {}-01-01 {}", year, percent(probability));
    text += fmt::format("  funds run out before:{}\n", funds);
  }
  for (const RiskFigures::SiteOnline& site : risk.sites) {
    std::string by;
    for (const auto& [year, probability] : site.by_year)
      by += fmt::format(" {}-01-01 {}", year, percent(probability));
    text += fmt::format("  site {} all power online by:{} (P50 {})\n", site.site, by,
                        site.p50.value_or("not in the run"));
  }
  text += "drivers (|SRRC|, tornado P10-P90 swing):\n";
  for (const char* name : {"totals.capex_usd", "totals.energy_facility_mwh"}) {
    for (const FigureDrivers& figure : drivers.figures) {
      if (figure.figure != name)
        continue;
      std::string top;
      for (std::size_t i = 0; i < std::min<std::size_t>(3, figure.inputs.size()); ++i) {
        const InputDriver& input = figure.inputs[i];
        top += fmt::format("{} {} ({:.2f}, {})", i == 0 ? "" : ";", input.input,
                           input.srrc ? std::abs(*input.srrc) : 0.0,
                           output::readable_figure(name, input.swing));
      }
      text += fmt::format("  {}:{}\n", name, top);
    }
  }
  return text;
}

}  // namespace capsim::study
