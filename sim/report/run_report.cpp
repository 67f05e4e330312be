#include "capsim/report/run_report.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "capsim/core/time.hpp"
#include "capsim/model/fleet/construction.hpp"
#include "capsim/output/summary_figures.hpp"
#include "capsim/output/yearly.hpp"
#include "capsim/report/html_page.hpp"
#include "capsim/report/svg_chart.hpp"
#include "capsim/uncertainty/statistics.hpp"

namespace capsim::report {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// What every section reads: the scenario, the run, its summary figures by name and its
/// periods as an x axis.
struct ReportContext {
  const Scenario& scenario;
  const CapacityRun& run;
  const RunReportExtras& extras;
  std::map<std::string, double> figures;
  XAxis periods;
  Calendar calendar;
  double start_day = 0.0;

  ReportContext(const Scenario& s, const CapacityRun& r, const RunReportExtras& e)
      : scenario(s), run(r), extras(e), calendar(s.scenario.start) {
    for (const output::SummaryFigure& figure : output::summary_figures(s, r))
      figures.emplace(figure.name, figure.value);
    std::vector<std::string> starts, ends;
    for (std::size_t row = 0; row < r.timeseries.rows(); ++row) {
      starts.push_back(r.timeseries.period_start(row));
      ends.push_back(r.timeseries.period_end(row));
    }
    periods = period_axis(starts, ends);
    start_day = static_cast<double>(days_since_epoch(s.scenario.start));
  }

  /// Days since 1970-01-01 of a tick (fractional within the day).
  double day_of(Tick tick) const { return start_day + seconds_from_ticks(tick) / kSecondsPerDay; }
  double end_day() const { return day_of(scenario.scenario.end_tick()); }

  std::optional<std::size_t> column(const std::string& name) const {
    const std::vector<std::string>& columns = run.timeseries.columns();
    const auto it = std::find(columns.begin(), columns.end(), name);
    if (it == columns.end())
      return std::nullopt;
    return static_cast<std::size_t>(it - columns.begin());
  }

  /// A timeseries column as a series (empty values when the run has no such column).
  Series series(const std::string& column_name, std::string display) const {
    Series s{std::move(display), {}};
    if (const std::optional<std::size_t> c = column(column_name)) {
      for (std::size_t row = 0; row < run.timeseries.rows(); ++row)
        s.values.push_back(run.timeseries.value(row, *c));
    }
    return s;
  }

  /// The period a day falls in, if any.
  std::optional<std::size_t> period_of(double day) const {
    for (std::size_t i = 0; i < periods.size(); ++i) {
      if (periods.from[i] <= day && day < periods.to[i])
        return i;
    }
    return std::nullopt;
  }

  /// A figure of summary.json as the contract's span, or plain text when summary.json is not
  /// written or lacks it.
  std::string summary_number(const std::string& key, NumberKind kind, double scale = 1.0,
                             const std::string& suffix = "") const {
    const auto it = figures.find(key);
    if (it == figures.end())
      return "n/a";
    const std::string text = number_text(it->second * scale, kind) + suffix;
    return scenario.outputs.summary ? num_span("summary.json", key, it->second, text)
                                    : escape_html(text);
  }

  /// A cell of timeseries.csv as the contract's span.
  std::string timeseries_number(std::size_t row, const std::string& column_name,
                                NumberKind kind) const {
    const std::optional<std::size_t> c = column(column_name);
    if (!c)
      return "n/a";
    const double value = run.timeseries.value(row, *c);
    const std::string text = number_text(value, kind);
    if (!scenario.outputs.timeseries)
      return escape_html(text);
    return num_span("timeseries.csv",
                    fmt::format("{}|{}", run.timeseries.period_start(row), column_name), value,
                    text);
  }
};

std::string paragraph(const std::string& html) {
  return "<p class=\"note\">" + html + "</p>\n";
}

std::string charts(const std::vector<std::string>& figures) {
  std::string out = "<div class=\"charts\">\n";
  for (const std::string& figure : figures)
    out += figure;
  return out + "</div>\n";
}

/// Drops series with no value other than 0 (parts never installed, say).
std::vector<Series> nonzero(std::vector<Series> series) {
  std::erase_if(series, [](const Series& s) {
    return std::all_of(s.values.begin(), s.values.end(), [](double v) { return v == 0.0; });
  });
  return series;
}

std::string last_snapshot_date(const CapacityRun& run) {
  return run.summary.year_ends.empty() ? std::string()
                                       : format_date(run.summary.year_ends.back().date);
}

/// A part's colour in every chart: its rank among the parts the run ever installed (so the
/// few parts a fleet holds take the palette's first, colour-blind-safe, colours).
std::size_t part_colour(const ReportContext& ctx, const std::string& part) {
  std::size_t rank = 0;
  for (const AcceleratorSpec& spec : ctx.scenario.catalog.accelerators) {
    if (spec.name == part)
      return rank;
    const std::optional<std::size_t> c = ctx.column("gpus_installed_" + spec.name);
    bool used = false;
    for (std::size_t row = 0; c && row < ctx.run.timeseries.rows(); ++row)
      used = used || ctx.run.timeseries.value(row, *c) != 0.0;
    rank += used ? 1 : 0;
  }
  return rank;
}

// ---- headline ------------------------------------------------------------------------------

std::string headline_section(const ReportContext& ctx) {
  const std::string at = last_snapshot_date(ctx.run);
  const std::string fleet_key = "fleet_at[" + at + "].";
  std::vector<Card> cards = {
      {"GPUs installed", ctx.summary_number(fleet_key + "gpus_installed", NumberKind::count),
       "at " + at},
      {"IT power online",
       ctx.summary_number(fleet_key + "power_it_online_gw", NumberKind::watts, 1e9), "at " + at},
      {"Capex", ctx.summary_number("totals.capex_usd", NumberKind::usd),
       ctx.scenario.economics.inflation_per_year ? "paid over the run, in nominal dollars"
                                                 : "paid over the run"},
      {"Fully loaded cost",
       ctx.summary_number("totals.cost_per_gpu_hour_usd", NumberKind::usd, 1.0, " / GPU-hour"),
       "depreciation, capital charge and opex per installed GPU-hour"},
      {"NPV", ctx.summary_number("finance.npv_usd", NumberKind::usd),
       "at the cost of capital, book value as terminal value"},
      {"Carbon", ctx.summary_number("totals.carbon_tco2e", NumberKind::plain, 1.0, " tCO2e"),
       "operational and embodied over the run"},
  };
  for (std::size_t i = 0; i < ctx.run.inference.size() && i < 3; ++i) {
    const std::string& service = ctx.run.inference[i].service;
    cards.push_back({"Serving " + service,
                     ctx.summary_number("inference[" + service + "].cost_per_million_tokens_usd",
                                        NumberKind::usd, 1.0, " / Mtoken"),
                     "cost per million tokens served"});
  }
  const ScenarioMeta& meta = ctx.scenario.scenario;
  std::string out = cards_html(cards);
  out += paragraph(escape_html(fmt::format(
      "{} from {} to {} ({} periods), seed {}, {} events.", meta.name, format_date(meta.start),
      format_date(ctx.calendar.date_of(meta.end_tick())), period_unit_name(meta.reporting_period),
      meta.seed, number_text(static_cast<double>(ctx.run.events), NumberKind::count))));
  if (!meta.description.empty())
    out += paragraph(escape_html(meta.description));
  return out;
}

// ---- fleet ---------------------------------------------------------------------------------

/// The lots a planner retired before the end of their service life (planner.refresh), each
/// with why: what replaced it, the life it had left and the break-even.
std::string retired_early(const ReportContext& ctx) {
  Table table;
  table.header = {"Date", "Site", "Part", "Lot", "GPUs", "Why"};
  table.numeric_columns = {false, false, false, false, true, false};
  for (const BuildoutEvent& event : ctx.run.buildout) {
    if (event.kind != BuildoutKind::retire || !event.note.starts_with("refresh"))
      continue;
    table.rows.push_back({format_date(ctx.calendar.date_of(event.tick)), escape_html(event.site),
                          escape_html(event.accelerator), escape_html(event.cluster),
                          number_text(static_cast<double>(event.gpus), NumberKind::count),
                          escape_html(event.note)});
  }
  if (table.rows.empty())
    return "";
  return "<h3>Retired early for better GPUs in their power</h3>\n" + table_html(table);
}

std::string fleet_section(const ReportContext& ctx) {
  std::vector<Series> parts;
  const std::vector<AcceleratorSpec>& catalog = ctx.scenario.catalog.accelerators;
  for (std::size_t p = 0; p < catalog.size(); ++p) {
    parts.push_back(ctx.series("gpus_installed_" + catalog[p].name, catalog[p].name));
    parts.back().colour = part_colour(ctx, catalog[p].name);
  }
  const Quantity gpus{"GPUs", "GPUs", NumberKind::count};
  std::vector<std::string> figures = {
      stacked_area_chart({"fleet-installed-by-part", "Installed GPUs by part", gpus,
                          "At each period's end; failed GPUs included until they retire."},
                         ctx.periods, nonzero(std::move(parts))),
      line_chart({"fleet-pipeline", "GPUs in transit and waiting for power", gpus,
                  "Ordered and not yet delivered; delivered and waiting for site power."},
                 ctx.periods,
                 {ctx.series("gpus_in_transit", "in transit"),
                  ctx.series("gpus_waiting_for_power", "waiting for power")},
                 LineShape::step),
  };
  if (ctx.run.summary.leases_signed > 0) {
    figures.push_back(line_chart({"fleet-leased", "GPUs under lease", gpus,
                                  "Leased at providers' datacenters, outside the own fleet and "
                                  "its site power; at each period's end."},
                                 ctx.periods, {ctx.series("gpus_leased", "leased")},
                                 LineShape::step));
  }
  Table table;
  table.header = {"Date", "GPUs installed", "H100-equivalents", "In transit", "Waiting for power"};
  table.numeric_columns = {false, true, true, true, true};
  for (const FleetSnapshot& snapshot : ctx.run.summary.year_ends) {
    const std::string key = "fleet_at[" + format_date(snapshot.date) + "].";
    table.rows.push_back({format_date(snapshot.date),
                          ctx.summary_number(key + "gpus_installed", NumberKind::count),
                          ctx.summary_number(key + "gpus_h100_equivalent", NumberKind::count),
                          ctx.summary_number(key + "gpus_in_transit", NumberKind::count),
                          ctx.summary_number(key + "gpus_waiting_for_power", NumberKind::count)});
  }
  return charts(figures) + "<h3>The fleet at each year's end</h3>\n" + table_html(table) +
         retired_early(ctx);
}

// ---- power ---------------------------------------------------------------------------------

/// When each site's construction started (existing sites: the run's start), from build-out.
std::map<std::string, Tick> site_starts(const ReportContext& ctx) {
  std::map<std::string, Tick> starts;
  for (const SiteSpec& site : ctx.scenario.sites) {
    if (site.construction.empty())
      starts.emplace(site.name, 0);
  }
  for (const BuildoutEvent& event : ctx.run.buildout) {
    if (event.kind == BuildoutKind::site_start)
      starts.emplace(event.site, event.tick);
  }
  return starts;
}

std::string power_section(const ReportContext& ctx) {
  const std::map<std::string, Tick> starts = site_starts(ctx);
  Series caps{"caps of the sites started", {}};
  for (std::size_t i = 0; i < ctx.periods.size(); ++i) {
    double cap_w = 0;
    for (const SiteSpec& site : ctx.scenario.sites) {
      const auto it = starts.find(site.name);
      if (it != starts.end() && ctx.day_of(it->second) < ctx.periods.to[i])
        cap_w += site.it_power_cap_w;
    }
    caps.values.push_back(cap_w / 1e6);
  }
  caps.dashed = true;
  const Quantity mw{"IT power", "MW", NumberKind::megawatts};
  std::vector<std::string> figures = {line_chart(
      {"power", "Site IT power: caps, online, installed peak and drawn", mw,
       "Caps of the sites whose construction had started; power built and online; the peak "
       "draw of the installed GPUs' servers, network and storage; the mean IT draw."},
      ctx.periods,
      {caps, ctx.series("power_online_mw", "online"),
       ctx.series("power_installed_peak_mw", "installed peak"),
       ctx.series("power_it_mw", "drawn (mean)")},
      LineShape::step)};
  std::string out = charts(figures);
  if (ctx.run.timeseries.rows() > 0) {
    const std::size_t last = ctx.run.timeseries.rows() - 1;
    out += paragraph(
        fmt::format("In the last period ({}): {} online, {} installed peak, {} drawn on average.",
                    escape_html(ctx.run.timeseries.period_start(last)),
                    ctx.timeseries_number(last, "power_online_mw", NumberKind::megawatts),
                    ctx.timeseries_number(last, "power_installed_peak_mw", NumberKind::megawatts),
                    ctx.timeseries_number(last, "power_it_mw", NumberKind::megawatts)));
  }
  return out;
}

// ---- money ---------------------------------------------------------------------------------

/// A figure of yearly.csv as the contract's span when yearly.csv is written beside the report.
std::string yearly_number(const ReportContext& ctx, int year, const char* column, double value,
                          NumberKind kind) {
  const std::string text = number_text(value, kind);
  const auto& files = ctx.extras.files;
  return std::find(files.begin(), files.end(), "yearly.csv") != files.end()
             ? num_span("yearly.csv", fmt::format("{}|{}", year, column), value, text)
             : escape_html(text);
}

/// Capex, depreciation and opex per calendar year (bars), and the year table under them.
std::string money_by_year(const ReportContext& ctx, std::vector<std::string>& figures) {
  const std::vector<output::YearFigures> years = output::yearly_figures(ctx.scenario, ctx.run);
  std::vector<std::string> labels;
  Series capex{"capex", {}}, depreciation{"depreciation", {}}, opex{"opex", {}};
  Table table;
  table.header = {"Year", "Capex", "Depreciation", "Opex", "GPUs added", "IT power added"};
  table.numeric_columns = {false, true, true, true, true, true};
  for (const output::YearFigures& year : years) {
    // A year the run covers only in part is marked, so that its smaller bars are not misread.
    labels.push_back(fmt::format("{}{}", year.year, year.partial ? " (part)" : ""));
    capex.values.push_back(year.total("capex_usd"));
    depreciation.values.push_back(year.total("depreciation_usd"));
    opex.values.push_back(year.total("opex_usd"));
    table.rows.push_back(
        {escape_html(labels.back()),
         yearly_number(ctx, year.year, "capex_usd", year.total("capex_usd"), NumberKind::usd),
         yearly_number(ctx, year.year, "depreciation_usd", year.total("depreciation_usd"),
                       NumberKind::usd),
         yearly_number(ctx, year.year, "opex_usd", year.total("opex_usd"), NumberKind::usd),
         yearly_number(ctx, year.year, "gpus_added", static_cast<double>(year.gpus_added),
                       NumberKind::count),
         yearly_number(ctx, year.year, "power_added_mw", year.power_added_w / 1e6,
                       NumberKind::megawatts)});
  }
  figures.push_back(
      bar_chart({"money-by-year",
                 "Capex, depreciation and opex per calendar year",
                 {"Money", "USD", NumberKind::usd},
                 "Opex: energy, maintenance and staff. Each year read from the running totals at "
                 "1 January (yearly.csv)."},
                category_axis(labels, {"Year", "", NumberKind::plain}), {capex, depreciation, opex},
                BarLayout::grouped));
  return "<h3>Each calendar year</h3>\n" + table_html(table);
}

/// Capex, depreciation and opex per period, and the lease payments when there are leases.
std::vector<Series> money_series(const ReportContext& ctx) {
  std::vector<Series> series = {ctx.series("capex_usd", "capex"),
                                ctx.series("depreciation_usd", "depreciation"),
                                ctx.series("opex_usd", "opex")};
  if (ctx.run.summary.leases_signed > 0)
    series.push_back(ctx.series("lease_cost_usd", "lease payments"));
  return series;
}

std::string money_section(const ReportContext& ctx) {
  const Quantity usd{"Money", "USD", NumberKind::usd};
  std::vector<std::string> by_year;
  const std::string year_table = money_by_year(ctx, by_year);
  std::vector<std::string> figures = {
      by_year.front(),
      line_chart({"money-per-period", "Capex, depreciation and opex per period", usd,
                  "Capex paid (GPUs and facilities), depreciation, and opex (energy, "
                  "maintenance, staff; lease payments apart) in each reporting period."},
                 ctx.periods, money_series(ctx), LineShape::step),
      line_chart({"money-capex-cumulative", "Capex paid since the start", usd, ""}, ctx.periods,
                 {ctx.series("capex_cumulative_usd", "capex paid")}, LineShape::step),
  };
  const CapacitySummary& summary = ctx.run.summary;
  std::string out;
  if (summary.budget_usd > 0) {
    const XAxis uses =
        category_axis({"GPUs", "facilities", "unplaced"}, {"Budget use", "", NumberKind::plain});
    figures.push_back(bar_chart({"money-budget", "Budget spent against unplaced", usd,
                                 "Unplaced: budget that found no site power, or no vendor "
                                 "allocation, for its GPUs; the budget lines of buildout.csv "
                                 "say which, period by period."},
                                uses,
                                {{"budget",
                                  {summary.budget_spent_gpus_usd, summary.budget_spent_facility_usd,
                                   summary.budget_unplaced_usd}}},
                                BarLayout::grouped));
    out += paragraph(fmt::format("Budget {}: {} on GPUs, {} on facilities, {} unplaced.",
                                 ctx.summary_number("budget.budget_usd", NumberKind::usd),
                                 ctx.summary_number("budget.spent_gpus_usd", NumberKind::usd),
                                 ctx.summary_number("budget.spent_facility_usd", NumberKind::usd),
                                 ctx.summary_number("budget.unplaced_usd", NumberKind::usd)));
    if (summary.budget_periods_power_short + summary.budget_periods_vendor_capped > 0) {
      out += paragraph(fmt::format(
          "Budget was left unplaced for lack of site power in {} periods and for vendor caps, "
          "with power to spare, in {}.",
          summary.budget_periods_power_short, summary.budget_periods_vendor_capped));
    }
  }
  if (summary.leases_signed > 0) {
    out += paragraph(fmt::format(
        "Leases: {} signed ({} by the planner), at most {} GPUs at once, {} over the run; the own "
        "fleet's cost per GPU-hour {} against {} with the leases.",
        ctx.summary_number("leases.signed", NumberKind::count),
        ctx.summary_number("leases.signed_by_planner", NumberKind::count),
        ctx.summary_number("leases.gpus_leased_peak", NumberKind::count),
        ctx.summary_number("totals.lease_cost_usd", NumberKind::usd),
        ctx.summary_number("totals.cost_per_gpu_hour_owned_usd", NumberKind::usd),
        ctx.summary_number("totals.cost_per_gpu_hour_usd", NumberKind::usd)));
  }
  out += paragraph(
      fmt::format("Over the run: capex {} (GPUs {}, facilities {}), depreciation {}, energy {}, "
                  "maintenance {}, staff {}.",
                  ctx.summary_number("totals.capex_usd", NumberKind::usd),
                  ctx.summary_number("totals.capex_gpus_usd", NumberKind::usd),
                  ctx.summary_number("totals.capex_facility_usd", NumberKind::usd),
                  ctx.summary_number("totals.depreciation_usd", NumberKind::usd),
                  ctx.summary_number("totals.opex_energy_usd", NumberKind::usd),
                  ctx.summary_number("totals.opex_maintenance_usd", NumberKind::usd),
                  ctx.summary_number("totals.opex_staff_usd", NumberKind::usd)));
  return charts(figures) + year_table + out;
}

// ---- construction --------------------------------------------------------------------------

/// One row per task of every started site's plan, then a diamond per power phase.
std::vector<GanttRow> gantt_rows(const ReportContext& ctx,
                                 const std::map<std::string, Tick>& starts) {
  std::vector<GanttRow> rows;
  for (const SiteSpec& site : ctx.scenario.sites) {
    const auto start = starts.find(site.name);
    if (site.construction.empty() || start == starts.end())
      continue;
    const ConstructionPlan plan = site_construction_plan(site, ctx.scenario.construction_delay_s);
    const std::vector<std::string> critical = plan.critical_path();
    const double day0 = ctx.day_of(start->second);
    for (const ConstructionTaskSpec& task : site.construction) {
      const double begin = day0 + plan.earliest_start_s(task.name) / kSecondsPerDay;
      const double slack_days = plan.slack_s(task.name) / kSecondsPerDay;
      rows.push_back(
          {site.name, task.name, begin, day0 + plan.finish_s(task.name) / kSecondsPerDay,
           std::find(critical.begin(), critical.end(), task.name) != critical.end(), false,
           slack_days > 0 ? "slack " + number_text(slack_days, NumberKind::days) : std::string()});
    }
    const std::vector<PowerPhaseSpec> phases =
        site.phases.empty() ? std::vector<PowerPhaseSpec>{{site.it_power_cap_w, critical.back()}}
                            : site.phases;
    for (std::size_t p = 0; p < phases.size(); ++p) {
      const double day = day0 + plan.phase_ready_s(phases[p].ready_after) / kSecondsPerDay;
      rows.push_back({site.name, fmt::format("power phase {}", p + 1), day, day, false, true,
                      number_text(phases[p].it_power_w, NumberKind::watts) + " online"});
    }
  }
  return rows;
}

/// GPUs delivered in each period, per part.
std::vector<Series> deliveries(const ReportContext& ctx) {
  std::map<std::string, std::vector<double>> by_part;
  for (const BuildoutEvent& event : ctx.run.buildout) {
    if (event.kind != BuildoutKind::delivery)
      continue;
    const std::optional<std::size_t> period = ctx.period_of(ctx.day_of(event.tick));
    if (!period)
      continue;
    std::vector<double>& values = by_part[event.accelerator];
    values.resize(ctx.periods.size(), 0.0);
    values[*period] += static_cast<double>(event.gpus);
  }
  // In the catalog's order, each part in its colour of the fleet chart.
  std::vector<Series> series;
  for (const AcceleratorSpec& part : ctx.scenario.catalog.accelerators) {
    const auto it = by_part.find(part.name);
    if (it != by_part.end())
      series.push_back({part.name, std::move(it->second), part_colour(ctx, part.name)});
  }
  return series;
}

std::string construction_section(const ReportContext& ctx) {
  const std::map<std::string, Tick> starts = site_starts(ctx);
  const std::vector<GanttRow> rows = gantt_rows(ctx, starts);
  std::vector<std::string> figures;
  std::string out;
  if (!rows.empty()) {
    out += gantt_chart({"construction-gantt",
                        "Construction plans and power phases",
                        {"Task duration", "days", NumberKind::days},
                        "Each started site's tasks at their earliest dates; the critical path "
                        "(no slack) in vermillion, power phases as diamonds."},
                       rows, {{ctx.start_day, "run start"}, {ctx.end_day(), "run end"}});
  } else {
    out += paragraph("No site with a construction plan was started in this run.");
  }
  std::vector<std::string> not_started;
  for (const SiteSpec& site : ctx.scenario.sites) {
    if (!site.construction.empty() && !starts.contains(site.name))
      not_started.push_back(site.name);
  }
  if (!not_started.empty())
    out += paragraph(
        escape_html(fmt::format("Sites the run did not start: {}.", fmt::join(not_started, ", "))));
  const std::vector<Series> delivered = deliveries(ctx);
  if (!delivered.empty()) {
    figures.push_back(bar_chart({"construction-deliveries",
                                 "GPUs delivered per period, by part",
                                 {"GPUs delivered", "GPUs", NumberKind::count},
                                 ""},
                                ctx.periods, delivered, BarLayout::stacked));
  }
  return out + charts(figures);
}

// ---- training ------------------------------------------------------------------------------

/// The waits of the jobs that started in each period, in hours: p50 and p95 (NaN where none
/// started).
std::vector<Series> waits_by_period(const ReportContext& ctx) {
  std::vector<std::vector<double>> waits(ctx.periods.size());
  for (const JobStart& job : ctx.run.job_starts) {
    if (const std::optional<std::size_t> period = ctx.period_of(ctx.day_of(job.start)))
      waits[*period].push_back(seconds_from_ticks(job.start - job.submit) / 3600.0);
  }
  Series p50{"p50", {}}, p95{"p95", {}};
  for (std::vector<double>& w : waits) {
    std::sort(w.begin(), w.end());
    p50.values.push_back(w.empty() ? kNaN : uncertainty::sorted_quantile(w, 0.5));
    p95.values.push_back(w.empty() ? kNaN : uncertainty::sorted_quantile(w, 0.95));
  }
  return {p50, p95};
}

/// Each tenant's share of the training GPU-hours of each period (NaN where training held none).
std::string tenant_shares_over_time(const ReportContext& ctx) {
  const TrainingSummary& training = ctx.run.training;
  const Series all = ctx.series("gpu_hours_training", "");
  std::vector<Series> shares;
  std::string entitled;
  for (std::size_t t = 0; t < training.tenants.size(); ++t) {
    Series share = ctx.series("gpu_hours_training_" + training.tenants[t], training.tenants[t]);
    for (std::size_t i = 0; i < share.values.size() && i < all.values.size(); ++i)
      share.values[i] = all.values[i] > 0 ? share.values[i] / all.values[i] : kNaN;
    shares.push_back(std::move(share));
    entitled += fmt::format("{}{} {}", t == 0 ? "" : ", ", training.tenants[t],
                            number_text(training.tenant_share[t], NumberKind::share));
  }
  return line_chart({"training-tenant-shares-over-time",
                     "Each tenant's share of training GPU-hours per period",
                     {"Share", "share of GPU-hours", NumberKind::share},
                     "Entitled: " + entitled + "."},
                    ctx.periods, shares, LineShape::step);
}

std::string training_section(const ReportContext& ctx) {
  const TrainingSummary& training = ctx.run.training;
  if (training.jobs == 0)
    return paragraph("The scenario has no training jobs.");
  std::vector<std::string> figures = {
      line_chart({"training-queue",
                  "Training jobs queued and running",
                  {"Jobs", "jobs", NumberKind::count},
                  "At each period's end."},
                 ctx.periods,
                 {ctx.series("training_jobs_queued", "queued"),
                  ctx.series("training_jobs_running", "running")},
                 LineShape::step),
      line_chart({"training-waits",
                  "Waits of the jobs that started in each period",
                  {"Wait", "hours", NumberKind::hours},
                  "From submission to first start; no point where no job started."},
                 ctx.periods, waits_by_period(ctx), LineShape::linear),
  };
  // Over time for a few tenants; more would tangle, and the bars below hold them all.
  if (training.tenants.size() > 1 && training.tenants.size() <= 6)
    figures.push_back(tenant_shares_over_time(ctx));
  Table tenants;
  tenants.header = {"Tenant", "Entitled share", "Received share", "GPU-hours"};
  tenants.numeric_columns = {false, true, true, true};
  if (!training.tenants.empty()) {
    const XAxis axis = category_axis(training.tenants, {"Tenant", "", NumberKind::plain});
    figures.push_back(bar_chart(
        {"training-tenant-shares",
         "Each tenant's share of training GPU-hours against its entitlement",
         {"Share", "share of GPU-hours", NumberKind::share},
         ""},
        axis, {{"entitled", training.tenant_share}, {"received", training.tenant_received_share}},
        BarLayout::grouped));
    for (const std::string& tenant : training.tenants) {
      const std::string key = "training.tenants[" + tenant + "].";
      tenants.rows.push_back({escape_html(tenant),
                              ctx.summary_number(key + "entitled_share", NumberKind::share),
                              ctx.summary_number(key + "received_share", NumberKind::share),
                              ctx.summary_number(key + "gpu_hours", NumberKind::count)});
    }
  }
  const std::string line = fmt::format(
      "{} jobs, {} completed, {} running and {} queued at the end; waits p50 {}, p95 {}; "
      "training held {} GPU-hours.",
      ctx.summary_number("training.jobs", NumberKind::count),
      ctx.summary_number("training.completed", NumberKind::count),
      ctx.summary_number("training.running_at_end", NumberKind::count),
      ctx.summary_number("training.queued_at_end", NumberKind::count),
      ctx.summary_number("training.wait_p50_hours", NumberKind::hours),
      ctx.summary_number("training.wait_p95_hours", NumberKind::hours),
      ctx.summary_number("training.gpu_hours_busy", NumberKind::count));
  return paragraph(line) + charts(figures) + table_html(tenants);
}

// ---- serving -------------------------------------------------------------------------------

/// One series per service of a per-service column family.
std::vector<Series> per_service(const ReportContext& ctx, const std::string& prefix,
                                const std::string& suffix = "") {
  std::vector<Series> series;
  for (const InferenceSummary& service : ctx.run.inference)
    series.push_back(ctx.series(prefix + service.service, service.service + suffix));
  return series;
}

/// Demanded and served tokens (input and output) per service and period.
std::vector<Series> tokens(const ReportContext& ctx) {
  std::vector<Series> series;
  for (const InferenceSummary& service : ctx.run.inference) {
    for (const char* what : {"demand", "served"}) {
      Series s = ctx.series(fmt::format("{}_input_tokens_{}", what, service.service), "");
      const Series output =
          ctx.series(fmt::format("{}_output_tokens_{}", what, service.service), "");
      for (std::size_t i = 0; i < s.values.size() && i < output.values.size(); ++i)
        s.values[i] += output.values[i];
      s.name = service.service + (what[0] == 'd' ? " demanded" : " served");
      s.dashed = what[0] == 'd';
      series.push_back(std::move(s));
    }
  }
  return series;
}

std::string serving_section(const ReportContext& ctx) {
  if (ctx.run.inference.empty())
    return paragraph("The scenario has no inference services.");
  std::vector<std::string> figures = {
      stacked_area_chart({"serving-gpus",
                          "GPUs serving, by service",
                          {"GPUs", "GPUs", NumberKind::count},
                          "Mean GPUs each service held in the period (warming replicas "
                          "included); the tokens demanded are in the chart below."},
                         ctx.periods, per_service(ctx, "gpus_serving_")),
      line_chart({"serving-tokens",
                  "Tokens demanded and served",
                  {"Tokens", "tokens per period", NumberKind::count},
                  "Input and output tokens."},
                 ctx.periods, tokens(ctx), LineShape::step),
      line_chart({"serving-slo",
                  "SLO attainment",
                  {"Hours fully served", "share of hours", NumberKind::share},
                  ""},
                 ctx.periods, per_service(ctx, "slo_attainment_"), LineShape::step),
      line_chart({"serving-cost",
                  "Cost per million tokens",
                  {"Cost", "USD per million tokens", NumberKind::usd},
                  ""},
                 ctx.periods, per_service(ctx, "cost_per_mtoken_usd_"), LineShape::step),
      line_chart({"serving-demand-multiple",
                  "Demand multiple after efficiency gains",
                  {"Demand multiple", "×", NumberKind::multiple},
                  "Where demand feedback moved demand as prices fell (1: unchanged)."},
                 ctx.periods, per_service(ctx, "demand_multiple_"), LineShape::step),
  };
  Table table;
  table.header = {"Service",
                  "Cluster",
                  "Mean GPUs",
                  "Peak GPUs",
                  "SLO attainment",
                  "$ / Mtoken",
                  "Demand multiple at end"};
  table.numeric_columns = {false, false, true, true, true, true, true};
  for (const InferenceSummary& service : ctx.run.inference) {
    const std::string key = "inference[" + service.service + "].";
    table.rows.push_back(
        {escape_html(service.service), escape_html(service.cluster),
         ctx.summary_number(key + "average_gpus", NumberKind::count),
         ctx.summary_number(key + "peak_gpus", NumberKind::count),
         ctx.summary_number(key + "slo_attainment", NumberKind::share),
         ctx.summary_number(key + "cost_per_million_tokens_usd", NumberKind::usd),
         ctx.summary_number(key + "demand_multiple_at_end", NumberKind::multiple)});
  }
  return charts(figures) + table_html(table);
}

// ---- uncertainty ---------------------------------------------------------------------------

std::string uncertainty_section(const ReportContext& ctx) {
  if (!ctx.extras.quantiles)
    return paragraph(
        "One run, no replications: <code>capsim run --replications N</code> draws the "
        "scenario's uncertain inputs N times and draws fan charts here.");
  const study::TimeseriesQuantiles& q = *ctx.extras.quantiles;
  const XAxis axis = period_axis(q.period_starts, q.period_ends);
  struct Fan {
    const char* column;
    const char* id;
    const char* title;
    Quantity y;
  };
  const std::vector<Fan> fans = {
      {"gpus_installed",
       "fan-gpus-installed",
       "Installed GPUs",
       {"GPUs", "GPUs", NumberKind::count}},
      {"power_online_mw",
       "fan-power-online",
       "IT power online",
       {"IT power", "MW", NumberKind::megawatts}},
      {"capex_cumulative_usd",
       "fan-capex-cumulative",
       "Capex paid since the start",
       {"Capex", "USD", NumberKind::usd}},
      {"cost_per_gpu_hour_usd",
       "fan-cost-per-gpu-hour",
       "Fully loaded cost per GPU-hour",
       {"Cost", "USD per GPU-hour", NumberKind::usd}},
  };
  std::vector<std::string> figures;
  for (const Fan& fan : fans) {
    const auto it = std::find(q.columns.begin(), q.columns.end(), fan.column);
    if (it == q.columns.end())
      continue;
    const std::size_t c = static_cast<std::size_t>(it - q.columns.begin());
    FanSeries series{fan.title, {}, {}, {}, {}, {}};
    for (std::size_t row = 0; row < q.period_starts.size(); ++row) {
      const std::array<double, 6>& s = q.at(row, c);
      series.p5.push_back(s[0]);
      series.p10.push_back(s[1]);
      series.p50.push_back(s[2]);
      series.p90.push_back(s[3]);
      series.p95.push_back(s[4]);
    }
    figures.push_back(fan_chart({fan.id, fan.title, fan.y, ""}, axis, series));
  }
  return paragraph(escape_html(fmt::format(
             "{} replications: the median, and the bands between the 10th and 90th and the "
             "5th and 95th percentiles of each period (timeseries_quantiles.csv).",
             number_text(static_cast<double>(ctx.extras.replications), NumberKind::count)))) +
         charts(figures);
}

// ---- inputs --------------------------------------------------------------------------------

const char* planner_name(PlannerPolicy policy) {
  switch (policy) {
    case PlannerPolicy::fixed:
      return "fixed";
    case PlannerPolicy::budget:
      return "budget";
    case PlannerPolicy::demand:
      return "demand";
  }
  return "fixed";
}

std::string inputs_section(const ReportContext& ctx) {
  const Scenario& s = ctx.scenario;
  Table main;
  main.header = {"Input", "Value"};
  const auto add = [&](const std::string& name, const std::string& value) {
    main.rows.push_back({escape_html(name), escape_html(value)});
  };
  add("start", format_date(s.scenario.start));
  add("end", format_date(ctx.calendar.date_of(s.scenario.end_tick())));
  add("reporting period", period_unit_name(s.scenario.reporting_period));
  add("seed", fmt::format("{}", s.scenario.seed));
  add("planner", planner_name(s.planner.policy));
  add("planner lead time", number_text(s.planner.lead_time_s / kSecondsPerDay, NumberKind::days));
  if (s.planner.budget_per_period_usd)
    add("budget per " + std::string(period_unit_name(s.planner.budget_period)),
        number_text(*s.planner.budget_per_period_usd, NumberKind::usd));
  for (const BudgetChangeSpec& change : s.planner.budget_changes)
    add("budget per " + std::string(period_unit_name(s.planner.budget_period)) + " from " +
            format_date(change.from),
        number_text(change.budget_per_period_usd, NumberKind::usd));
  add("utilisation assumed", number_text(s.economics.utilisation, NumberKind::share));
  add("server life", fmt::format("{:.1f} years", s.economics.server_life_s / kSecondsPerYear));
  add("facility life", fmt::format("{:.1f} years", s.economics.facility_life_s / kSecondsPerYear));
  add("maintenance per year",
      number_text(s.economics.maintenance_share_per_year, NumberKind::share) + " of capex");
  add("staff per year", number_text(s.economics.staff_cost_per_year_usd, NumberKind::usd));
  if (s.economics.funds_usd)
    add("funds", number_text(*s.economics.funds_usd, NumberKind::usd));
  add("training jobs listed",
      number_text(static_cast<double>(s.training.jobs.size()), NumberKind::count));
  add("inference services",
      number_text(static_cast<double>(s.inference.services.size()), NumberKind::count));

  Table sites;
  sites.header = {"Site", "IT power cap", "PUE", "Electricity", "Facility cost", "Construction"};
  sites.numeric_columns = {false, true, true, true, true, false};
  for (const SiteSpec& site : s.sites) {
    sites.rows.push_back(
        {escape_html(site.name), escape_html(number_text(site.it_power_cap_w, NumberKind::watts)),
         fmt::format("{:.2f}", site.pue),
         escape_html(number_text(site.electricity_price_usd_per_j * 3.6e9, NumberKind::usd) +
                     " / MWh"),
         escape_html(number_text(site.cost_per_power_usd_per_w * 1e6, NumberKind::usd) + " / MW"),
         escape_html(site.construction.empty() ? std::string("built before the run")
                     : site.construction_start
                         ? "starts " + format_date(*site.construction_start)
                         : std::string("started by the planner when needed"))});
  }
  Table clusters;
  clusters.header = {"Cluster", "Site", "Part", "GPUs"};
  clusters.numeric_columns = {false, false, false, true};
  for (const ClusterSpec& cluster : s.clusters)
    clusters.rows.push_back({escape_html(cluster.name), escape_html(cluster.site),
                             escape_html(cluster.accelerator),
                             number_text(static_cast<double>(cluster.gpus), NumberKind::count)});

  std::string files = "<ul class=\"files\">";
  for (const std::string& file : ctx.extras.files)
    files += fmt::format("<li><a href=\"{0}\">{0}</a></li>", escape_html(file));
  files += "</ul>\n";
  std::string out = table_html(main) + "<h3>Sites</h3>\n" + table_html(sites);
  if (!clusters.rows.empty())
    out += "<h3>Clusters given</h3>\n" + table_html(clusters);
  if (!ctx.extras.files.empty())
    out += "<h3>Files beside this report</h3>\n" + files;
  if (!s.source_path.empty())
    out += paragraph("Scenario file: " +
                     escape_html(std::filesystem::path(s.source_path).filename().string()));
  return out;
}

}  // namespace

std::string run_report_html(const Scenario& scenario, const CapacityRun& run,
                            const RunReportExtras& extras) {
  const ReportContext ctx(scenario, run, extras);
  HtmlPage page("run", "capsim report: " + scenario.scenario.name,
                fmt::format("{} to {}", format_date(scenario.scenario.start),
                            format_date(ctx.calendar.date_of(scenario.scenario.end_tick()))));
  page.add_section("headline", "Headline", headline_section(ctx));
  page.add_section("fleet", "Fleet", fleet_section(ctx));
  page.add_section("power", "Power", power_section(ctx));
  page.add_section("money", "Money", money_section(ctx));
  page.add_section("construction", "Construction", construction_section(ctx));
  page.add_section("training", "Training", training_section(ctx));
  page.add_section("serving", "Serving", serving_section(ctx));
  page.add_section("uncertainty", "Uncertainty", uncertainty_section(ctx));
  page.add_section("inputs", "Inputs", inputs_section(ctx));
  return page.str();
}

}  // namespace capsim::report
