#include "capsim/output/capacity_report.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "capsim/output/atomic_file.hpp"
#include "capsim/output/csv_writer.hpp"
#include "capsim/output/json_writer.hpp"
#include "capsim/output/readable.hpp"
#include "capsim/output/yearly.hpp"

namespace capsim::output {

std::string timeseries_csv(const Recorder& timeseries) {
  std::vector<std::string> header = {"period_start", "period_end"};
  header.insert(header.end(), timeseries.keys().begin(), timeseries.keys().end());
  header.insert(header.end(), timeseries.columns().begin(), timeseries.columns().end());
  CsvWriter csv(header);
  for (std::size_t row = 0; row < timeseries.rows(); ++row) {
    std::vector<CsvCell> cells = {timeseries.period_start(row), timeseries.period_end(row)};
    for (const std::string& key : timeseries.row_keys(row))
      cells.emplace_back(key);
    for (std::size_t column = 0; column < timeseries.columns().size(); ++column) {
      cells.emplace_back(timeseries.value(row, column));
    }
    csv.add_row(cells);
  }
  return csv.str();
}

const std::vector<std::string>& long_series_keys() {
  static const std::vector<std::string> keys = {"site", "cluster", "part", "service", "tenant"};
  return keys;
}

std::string timeseries_long_csv(const Recorder& timeseries) {
  std::vector<std::string> header = {"period", "period_end", "metric", "unit", "value"};
  const std::vector<std::string>& keys = long_series_keys();
  header.insert(header.end(), keys.begin(), keys.end());
  // Where each long key's cell comes from: a key cell of the row, or else the column's member.
  std::vector<std::ptrdiff_t> row_key(keys.size(), -1);
  for (std::size_t k = 0; k < keys.size(); ++k) {
    const auto found = std::find(timeseries.keys().begin(), timeseries.keys().end(), keys[k]);
    if (found != timeseries.keys().end())
      row_key[k] = found - timeseries.keys().begin();
  }
  CsvWriter csv(header);
  for (std::size_t row = 0; row < timeseries.rows(); ++row) {
    for (std::size_t column = 0; column < timeseries.columns().size(); ++column) {
      const ColumnLabel& label = timeseries.labels()[column];
      std::vector<CsvCell> cells = {timeseries.period_start(row), timeseries.period_end(row),
                                    label.metric, label.unit, timeseries.value(row, column)};
      for (std::size_t k = 0; k < keys.size(); ++k) {
        if (row_key[k] >= 0) {
          cells.emplace_back(timeseries.row_keys(row)[static_cast<std::size_t>(row_key[k])]);
        } else {
          cells.emplace_back(label.key == keys[k] ? label.member : std::string());
        }
      }
      csv.add_row(cells);
    }
  }
  return csv.str();
}

std::vector<std::string> header_of(const std::vector<RecordColumn>& columns) {
  std::vector<std::string> header;
  for (const RecordColumn& column : columns)
    header.emplace_back(column.name);
  return header;
}

const std::vector<RecordColumn>& timeseries_quantiles_columns() {
  static const std::vector<RecordColumn> columns = {
      {"period", "date", "the period's start"},
      {"column", "", "a timeseries.csv column"},
      {"statistic", "", "`p5`, `p10`, `p50`, `p90`, `p95` (quantiles of type 7) or `mean`"},
      {"value", "the column's",
       "the statistic of the column's values in the period over the "
       "replications (a stock, total or mean as the column is)"},
  };
  return columns;
}

const std::vector<RecordColumn>& replications_columns() {
  static const std::vector<RecordColumn> columns = {
      {"replication", "", "the replication's index, from 1"},
      {"seed", "", "its random seed"},
      {"<input> (<unit>)", "as named",
       "an uncertain input's draw, a plain number in the unit it was written (the column names "
       "it: `planner.lead_time (weeks)`)"},
      {"<figure>", "as named",
       "a summary figure over the run; empty when the run does not "
       "report it"},
      {"funds_exhausted_day", "days",
       "days from the start to the funds running out; empty if "
       "they never do"},
      {"power_online_day[<site>]", "days",
       "days from the start to the site's last phase online; empty when not in the run"},
      {"shortfall_<year>", "0 or 1", "1 when the year had a shortfall"},
  };
  return columns;
}

const std::vector<RecordColumn>& drivers_columns() {
  static const std::vector<RecordColumn> columns = {
      {"figure", "", "a summary figure that varies"},
      {"rank", "",
       "the driver's place, from 1: by the size of its SRRC, then swing, then key path"},
      {"input", "", "the driver: a key path, or `group NAME`"},
      {"src", "",
       "standardised regression coefficient; empty when the figure has none (too few "
       "replications for its drivers, say)"},
      {"srrc", "", "the same on ranks"},
      {"at_p10", "the figure's",
       "the figure with the driver at its P10, every other input nominal (the tornado); empty "
       "for a choice among words, which has no P10"},
      {"at_p90", "the figure's", "the same at the driver's P90"},
      {"swing", "the figure's", "the size of at_p90 − at_p10"},
      {"r_squared_src", "share", "R² of the figure's fit on every driver"},
      {"r_squared_srrc", "share", "the same on ranks"},
  };
  return columns;
}

const std::vector<RecordColumn>& buildout_columns() {
  static const std::vector<RecordColumn> columns = {
      {"date", "date", "when it happened"},
      {"day", "days", "days from the start (negative before it)"},
      {"event", "", "what happened (the kinds below)"},
      {"site", "", "the site"},
      {"accelerator", "", "the catalog part"},
      {"cluster", "", "the cluster (or order, delivery, pool) it concerns"},
      {"gpus", "GPUs", "GPUs ordered, delivered, installed, retired or short"},
      {"power_mw", "MW", "power of the site, phase or servers concerned"},
      {"amount_usd", "USD", "USD the event commits, pays or makes available; 0 where none"},
      {"wait_days", "days", "install: days the GPUs waited for site power after delivery"},
      {"value", "as value_unit",
       "a planner's order: the part's value for the workload it is bought for (its dense "
       "FLOP/s, or the service's tokens/s, per GPU, over its all-in price or, where site power "
       "binds, its power); empty otherwise"},
      {"value_unit", "", "the unit of value and runner_up_value, e.g. `FLOP/s per USD`"},
      {"runner_up", "", "a planner's order: the best part it passed over; empty if none"},
      {"runner_up_value", "as value_unit", "the runner-up's value; empty if none"},
      {"note", "", "who decided and why"},
  };
  return columns;
}

const std::vector<RecordColumn>& jobs_columns() {
  static const std::vector<RecordColumn> columns = {
      {"job", "", "the job's name (generated jobs: generated-N)"},
      {"tenant", "", "its tenant (default: none listed)"},
      {"status", "",
       "completed, running, queued, preempted (stopped by serving, waiting to resume), "
       "interrupted (stopped by a failure or retirement under it, waiting for healthy GPUs) or "
       "held (waiting for its dependencies), at the end"},
      {"cluster", "", "where it ran; empty if it never started"},
      {"gpus", "GPUs", "GPUs it asked for"},
      {"gpus_used", "GPUs", "GPUs it ran on (fewer when an elastic job started shrunk)"},
      {"submit", "date", "when it was submitted"},
      {"start", "date", "when its first run started; empty if never"},
      {"end", "date", "when it ended; empty if after the horizon"},
      {"wait_hours", "hours", "from submission to first start (or to the end, if still queued)"},
      {"run_hours", "hours", "from first start to its end (or the horizon's)"},
      {"gpu_hours", "GPU-hours", "GPUs held × time, every run, within the horizon"},
      {"interruptions", "count",
       "runs stopped by failures under it (the interruptions_<cause> columns) or by its GPUs "
       "retiring"},
      {"goodput", "share", "useful over elapsed GPU-time of its runs"},
      {"mfu", "share", "its base MFU after the fabric's communication cost"},
      {"preemptions", "count", "runs stopped by serving reclaiming GPUs"},
      {"preemption_lost_gpu_hours", "GPU-hours",
       "work not checkpointed when preempted, and the restarts"},
      {"interruption_lost_gpu_hours", "GPU-hours",
       "work not checkpointed when interrupted, and the restarts"},
      {"checkpoint_interval_hours", "hours",
       "useful compute between checkpoints in its last run (auto: Young/Daly for its GPUs); "
       "empty when it never checkpoints"},
  };
  return columns;
}

const RecordColumn& jobs_cause_column() {
  static const RecordColumn column = {
      "interruptions_", "count",
      "runs stopped by failures of one cause under it (a column per failure cause the run "
      "has, after the columns above)"};
  return column;
}

std::string buildout_csv(const std::vector<BuildoutEvent>& buildout, const Calendar& calendar) {
  CsvWriter csv(header_of(buildout_columns()));
  for (const BuildoutEvent& event : buildout) {
    const PurchaseValue& value = event.value;
    const bool valued = !value.unit.empty();
    const bool runner_up = !value.runner_up.empty();
    csv.add_row(
        {format_date(calendar.date_of(event.tick)), seconds_from_ticks(event.tick) / 86400.0,
         std::string(buildout_kind_name(event.kind)), event.site, event.accelerator, event.cluster,
         event.gpus, event.power_w / 1e6, event.amount_usd, event.wait_s / 86400.0,
         valued ? CsvCell(value.value) : CsvCell(""), value.unit, value.runner_up,
         runner_up ? CsvCell(value.runner_up_value) : CsvCell(""), event.note});
  }
  return csv.str();
}

std::vector<std::string> jobs_csv_header(const std::vector<std::string>& causes) {
  std::vector<std::string> header = header_of(jobs_columns());
  for (const std::string& cause : causes)
    header.push_back(std::string(jobs_cause_column().name) + cause);
  return header;
}

std::vector<CsvCell> jobs_csv_cells(const TrainingJobRecord& job, std::size_t causes,
                                    const Calendar& calendar, Tick end) {
  const auto date_of = [&](std::optional<Tick> tick) {
    return tick ? format_date(calendar.date_of(*tick)) : std::string();
  };
  // A job still queued at the end has waited from its submission to the end so far.
  const Tick waited_until = job.start ? *job.start : std::max(job.submit, end);
  // Hours from the first start, within the run: a job still running at the end has run until
  // the end, and a preempted one counts its time waiting to resume.
  const Tick ran_until = job.end ? std::min(*job.end, end) : end;
  const double run_h = job.start ? seconds_from_ticks(ran_until - *job.start) / 3600.0 : 0.0;
  const bool ended = job.end && *job.end <= end;
  std::vector<CsvCell> row{job.name,
                           job.tenant,
                           job.status,
                           job.cluster,
                           job.gpus,
                           job.gpus_used,
                           format_date(calendar.date_of(job.submit)),
                           date_of(job.start),
                           ended ? date_of(job.end) : std::string(),
                           seconds_from_ticks(waited_until - job.submit) / 3600.0,
                           run_h,
                           job.gpu_hours,
                           job.interruptions,
                           job.goodput,
                           job.mfu,
                           job.preemptions,
                           job.preemption_lost_gpu_hours,
                           job.lost_gpu_hours,
                           std::isfinite(job.checkpoint_interval_s) && job.start
                               ? CsvCell(job.checkpoint_interval_s / 3600.0)
                               : CsvCell(std::string())};
  for (std::size_t k = 0; k < causes; ++k)
    row.emplace_back(k < job.interruptions_by_cause.size() ? job.interruptions_by_cause[k] : 0);
  return row;
}

std::string jobs_csv(const std::vector<TrainingJobRecord>& jobs,
                     const std::vector<std::string>& causes, const Calendar& calendar, Tick end) {
  CsvWriter csv(jobs_csv_header(causes));
  for (const TrainingJobRecord& job : jobs)
    csv.add_row(jobs_csv_cells(job, causes.size(), calendar, end));
  return csv.str();
}

JobsCsvStream::JobsCsvStream(std::filesystem::path path, const Calendar& calendar, Tick end)
    : path_(std::move(path)), calendar_(calendar), end_(end) {}

JobsCsvStream::~JobsCsvStream() = default;

void JobsCsvStream::begin(const std::vector<std::string>& causes) {
  causes_ = causes.size();
  file_ = std::make_unique<AtomicFile>(path_);
  buffer_ = CsvWriter(jobs_csv_header(causes)).str();
}

void JobsCsvStream::add(const TrainingJobRecord& record) {
  buffer_ += csv_row(jobs_csv_cells(record, causes_, calendar_, end_));
  // Written in chunks of about 1 MB: few system calls, and the buffer stays small.
  if (buffer_.size() >= (1u << 20))
    flush();
}

void JobsCsvStream::flush() {
  file_->write(buffer_);
  buffer_.clear();
}

std::unique_ptr<AtomicFile> JobsCsvStream::take_file() {
  if (file_)
    flush();
  return std::move(file_);
}

namespace {

void snapshot_json(JsonWriter& json, const FleetSnapshot& shot) {
  json.begin_object()
      .member("date", format_date(shot.date))
      .member("gpus_installed", shot.stock.installed)
      .member("gpus_h100_equivalent", shot.stock.h100_equivalent)
      .member("power_it_online_gw", shot.stock.online_w / 1e9)
      .member("power_it_installed_peak_gw", shot.stock.installed_peak_w / 1e9)
      .member("power_it_drawn_gw", shot.stock.drawn_w / 1e9)
      .member("gpus_in_transit", shot.gpus_in_transit)
      .member("gpus_waiting_for_power", shot.stock.waiting_for_power)
      .end_object();
}

}  // namespace

namespace {

/// A calendar year's roll-up, named by its year as text (the first text member names a list
/// element: `years[2025].capex_usd`).
void year_json(JsonWriter& json, const YearFigures& y) {
  json.begin_object()
      .member("year", std::to_string(y.year))
      .member("from", format_date(y.from))
      .member("to", format_date(y.to))
      .member("partial", y.partial);
  for (const SummaryTotal& t : y.totals)
    json.member(t.name, t.value);
  json.member("gpus_delivered", y.gpus_delivered)
      .member("gpus_added", y.gpus_added)
      .member("gpus_retired", y.gpus_retired)
      .member("power_added_mw", y.power_added_w / 1e6)
      .end_object();
}

}  // namespace

std::string summary_json(const Scenario& scenario, const CapacityRun& run,
                         const std::function<void(JsonWriter&)>& more) {
  const CapacitySummary& s = run.summary;
  JsonWriter json;
  json.begin_object()
      .member("scenario", scenario.scenario.name)
      .member("seed", scenario.scenario.seed)
      .member("start", format_date(scenario.scenario.start))
      .member("horizon_days", scenario.scenario.horizon_seconds() / 86400.0)
      .member("events", run.events);
  json.key("totals").begin_object();
  for (const SummaryTotal& total : s.totals)
    json.member(total.name, total.value);
  json.end_object();
  json.key("gpus")
      .begin_object()
      .member("ordered", s.gpus_ordered)
      .member("delivered", s.gpus_delivered)
      .member("installed_during_run", s.gpus_installed_total)
      .member("retired", s.gpus_retired)
      .member("in_transit_at_end", s.gpus_in_transit)
      .member("waiting_for_power_at_end", s.gpus_waiting_for_power)
      .member("failures", s.gpu_failures)
      .member("gpu_days_waiting_for_power", s.gpu_seconds_waiting_for_power / 86400.0)
      .end_object();
  json.key("budget")
      .begin_object()
      .member("budget_usd", s.budget_usd)
      .member("spent_gpus_usd", s.budget_spent_gpus_usd)
      .member("spent_facility_usd", s.budget_spent_facility_usd)
      .member("unplaced_usd", s.budget_unplaced_usd)
      .member("unfunded_usd", s.budget_unfunded_usd)
      .member("periods_power_short", s.budget_periods_power_short)
      .member("periods_vendor_capped", s.budget_periods_vendor_capped)
      .end_object();
  json.key("planner")
      .begin_object()
      .member("shortfall_periods", s.planner_shortfall_periods)
      .member("shortfall_gpus_max", s.planner_shortfall_gpus_max)
      .end_object();
  json.key("leases")
      .begin_object()
      .member("signed", s.leases_signed)
      .member("signed_by_planner", s.leases_signed_by_planner)
      .member("gpus_leased_peak", s.gpus_leased_peak)
      .end_object();
  json.key("finance")
      .begin_object()
      .member("cost_of_capital", scenario.economics.cost_of_capital_per_year)
      .member("dollars", scenario.economics.inflation_per_year ? "nominal" : "constant")
      .member("inflation", scenario.economics.inflation_per_year.value_or(0.0))
      .member("npv_usd", s.npv_usd)
      .member("opening_value_usd", s.opening_value_usd)
      .member("terminal_value_usd", s.terminal_value_usd)
      .end_object();
  json.key("carbon").begin_object();
  json.key("parts_without_embodied_carbon").begin_array();
  for (const std::string& part : s.parts_without_embodied_carbon)
    json.value(part);
  json.end_array().end_object();
  if (scenario.economics.funds_usd) {
    json.key("funds").begin_object().member("funds_usd", *scenario.economics.funds_usd);
    json.member("spent_usd", s.spent_usd);
    json.member("revenue_added_usd", scenario.economics.revenue_to_funds ? s.revenue_usd : 0.0);
    if (s.funds_exhausted) {
      json.member("exhausted_on",
                  format_date(Calendar(scenario.scenario.start).date_of(*s.funds_exhausted)))
          .member("exhausted_after_days", seconds_from_ticks(*s.funds_exhausted) / 86400.0);
    }
    json.end_object();
  }
  if (run.training.jobs > 0) {
    const TrainingSummary& t = run.training;
    json.key("training")
        .begin_object()
        .member("jobs", t.jobs)
        .member("completed", t.completed)
        .member("running_at_end", t.running_at_end)
        .member("queued_at_end", t.queued_at_end)
        .member("wait_p50_hours", t.wait_p50_h)
        .member("wait_p95_hours", t.wait_p95_h)
        .member("wait_mean_hours", t.wait_mean_h)
        .member("gpu_hours_busy", t.gpu_hours_busy)
        .member("unmet_gpu_hours", t.unmet_gpu_hours)
        .member("preemptions", t.preemptions)
        .member("preemption_lost_gpu_hours", t.preemption_lost_gpu_hours)
        .member("interruptions", t.interruptions)
        .member("interruption_lost_gpu_hours", t.interruption_lost_gpu_hours)
        .member("utilisation", t.utilisation);
    json.key("interruptions_by_cause").begin_object();
    for (std::size_t k = 0; k < t.failure_causes.size(); ++k)
      json.member(t.failure_causes[k], t.interruptions_by_cause[k]);
    json.end_object();
    json.key("tenants").begin_array();
    for (std::size_t k = 0; k < t.tenants.size(); ++k) {
      json.begin_object()
          .member("tenant", t.tenants[k])
          .member("entitled_share", t.tenant_share[k])
          .member("gpu_hours", t.tenant_gpu_hours[k])
          .member("received_share", t.tenant_received_share[k])
          .end_object();
    }
    json.end_array();
    json.key("clusters").begin_array();
    for (std::size_t c = 0; c < t.clusters.size(); ++c) {
      json.begin_object()
          .member("cluster", t.clusters[c])
          .member("goodput", t.cluster_goodput[c])
          .end_object();
    }
    json.end_array().end_object();
  }
  if (!run.inference.empty()) {
    json.key("inference").begin_array();
    for (const InferenceSummary& service : run.inference) {
      json.begin_object()
          .member("service", service.service)
          .member("cluster", service.cluster)
          .member("average_gpus", service.average_gpus)
          .member("peak_gpus", service.peak_gpus)
          .member("gpu_hours", service.gpu_hours)
          .member("demand_input_tokens", service.demand.input)
          .member("demand_output_tokens", service.demand.output)
          .member("served_input_tokens", service.served.input)
          .member("served_output_tokens", service.served.output)
          .member("cost_usd", service.cost_usd)
          .member("cost_per_million_tokens_usd", service.cost_per_million_tokens_usd)
          .member("carbon_per_million_tokens_kgco2e", service.carbon_per_million_tokens_g / 1e3)
          .member("revenue_usd", service.revenue_usd)
          .member("margin_usd", service.margin_usd)
          .member("slo_attainment", service.slo_attainment)
          .member("demand_multiple_at_end", service.demand_multiple_at_end);
      if (service.growth.kind == GrowthCurveKind::exponential ||
          service.growth.kind == GrowthCurveKind::logistic) {
        json.member("growth_per_year", service.growth.growth_per_year);
      }
      json.end_object();
    }
    json.end_array();
  }
  json.key("fleet_at").begin_array();
  for (const FleetSnapshot& shot : s.year_ends)
    snapshot_json(json, shot);
  json.end_array();
  json.key("years").begin_array();
  for (const YearFigures& y : yearly_figures(scenario, run))
    year_json(json, y);
  json.end_array();
  if (more)
    more(json);
  json.end_object();
  return json.str();
}

namespace {

/// What the growth fitted to a service's observations came to, for the planner to check.
std::string growth_text(const InferenceSummary& service, const Calendar& calendar) {
  const GrowthCurve& growth = service.growth;
  const std::size_t n = service.growth_observations;
  switch (growth.kind) {
    case GrowthCurveKind::exponential:
      return fmt::format(
          "service {}: growth fitted to {} observations: exponential, {:.3f}x a year, {:.3f}x "
          "the base demand at the start\n",
          service.service, n, growth.growth_per_year, growth.initial_multiple);
    case GrowthCurveKind::logistic:
      return fmt::format(
          "service {}: growth fitted to {} observations: logistic, {:.3f}x a year early on, "
          "ceiling {:.3f}x the base demand, half of it on {}\n",
          service.service, n, growth.growth_per_year, growth.saturation_multiple,
          format_date(calendar.date_of(ticks_from_seconds(growth.midpoint_s))));
    case GrowthCurveKind::piecewise:
    case GrowthCurveKind::constant:
      break;
  }
  return fmt::format("service {}: demand follows {} observations\n", service.service, n);
}

/// Where the budget went and, for the budget planner, why any of it was not placed.
std::string budget_text(const PlannerSpec& planner, const CapacitySummary& s) {
  std::string text =
      fmt::format("budget {}: GPUs {}, facility {}, unplaced {}", readable_usd(s.budget_usd),
                  readable_usd(s.budget_spent_gpus_usd), readable_usd(s.budget_spent_facility_usd),
                  readable_usd(s.budget_unplaced_usd));
  if (planner.policy == PlannerPolicy::budget) {
    text += planner.unplaced_budget == UnplacedBudget::carry ? " (carried to the end)"
                                                             : " (dropped each period)";
    std::vector<std::string> why;
    if (s.budget_periods_power_short > 0)
      why.push_back(
          fmt::format("too little site power in {} periods", s.budget_periods_power_short));
    if (s.budget_periods_vendor_capped > 0)
      why.push_back(fmt::format("vendor caps in {}", s.budget_periods_vendor_capped));
    if (s.budget_unfunded_usd > 0)
      why.push_back(fmt::format("{} beyond the funds", readable_usd(s.budget_unfunded_usd)));
    if (!why.empty())
      text += fmt::format("; {}", fmt::join(why, ", "));
  }
  return text + "\n";
}

}  // namespace

/// A table of labelled rows under column headings, the labels left-aligned in 26 columns and
/// each cell right-aligned in 14: the terminal's year-end and calendar-year tables.
class TerminalTable {
 public:
  TerminalTable(const char* heading, std::vector<std::string> columns) {
    text_ = fmt::format("{:<26}", heading);
    for (const std::string& column : columns)
      text_ += fmt::format("{:>14}", column);
    text_ += '\n';
  }
  void row(const char* label, const std::vector<std::string>& cells) {
    text_ += fmt::format("{:<26}", label);
    for (const std::string& cell : cells)
      text_ += fmt::format("{:>14}", cell);
    text_ += '\n';
  }
  const std::string& str() const { return text_; }

 private:
  std::string text_;
};

/// One cell per element of `items`: `cell(item)`.
template <typename Item, typename Cell>
std::vector<std::string> cells_of(const std::vector<Item>& items, Cell cell) {
  std::vector<std::string> cells;
  for (const Item& item : items)
    cells.push_back(cell(item));
  return cells;
}

std::string year_end_table(const std::vector<FleetSnapshot>& shots) {
  TerminalTable table("fleet at",
                      cells_of(shots, [](const FleetSnapshot& f) { return format_date(f.date); }));
  table.row("GPUs installed", cells_of(shots, [](const FleetSnapshot& f) {
              return readable_count(static_cast<double>(f.stock.installed));
            }));
  table.row("H100-equivalents", cells_of(shots, [](const FleetSnapshot& f) {
              return readable_count(f.stock.h100_equivalent);
            }));
  table.row("IT power online", cells_of(shots, [](const FleetSnapshot& f) {
              return readable_power_w(f.stock.online_w);
            }));
  table.row("IT peak of installed", cells_of(shots, [](const FleetSnapshot& f) {
              return readable_power_w(f.stock.installed_peak_w);
            }));
  table.row("GPUs in transit", cells_of(shots, [](const FleetSnapshot& f) {
              return readable_count(static_cast<double>(f.gpus_in_transit));
            }));
  table.row("GPUs waiting for power", cells_of(shots, [](const FleetSnapshot& f) {
              return readable_count(static_cast<double>(f.stock.waiting_for_power));
            }));
  return table.str();
}

/// The calendar years: money, energy, GPUs and power added; a partial year is marked `*`.
std::string calendar_year_table(const std::vector<YearFigures>& years) {
  bool any_partial = false;
  TerminalTable table("calendar year", cells_of(years, [&](const YearFigures& y) {
                        any_partial = any_partial || y.partial;
                        return fmt::format("{}{}", y.year, y.partial ? "*" : "");
                      }));
  const auto money = [&](const char* label, const char* column) {
    table.row(label,
              cells_of(years, [&](const YearFigures& y) { return readable_usd(y.total(column)); }));
  };
  money("capex", "capex_usd");
  money("  GPUs", "capex_gpus_usd");
  money("  facility", "capex_facility_usd");
  money("depreciation", "depreciation_usd");
  money("opex", "opex_usd");
  table.row("energy at the facility", cells_of(years, [](const YearFigures& y) {
              return readable_energy_j(y.total("energy_facility_mwh") * 3.6e9);
            }));
  table.row("GPUs added", cells_of(years, [](const YearFigures& y) {
              return readable_count(static_cast<double>(y.gpus_added));
            }));
  table.row("GPUs retired", cells_of(years, [](const YearFigures& y) {
              return readable_count(static_cast<double>(y.gpus_retired));
            }));
  table.row("IT power added", cells_of(years, [](const YearFigures& y) {
              return readable_power_w(y.power_added_w);
            }));
  std::string text = table.str();
  if (any_partial)
    text += "* part of the year is outside the run\n";
  return text;
}

std::string text_summary(const Scenario& scenario, const CapacityRun& run) {
  const Calendar calendar(scenario.scenario.start);
  const CapacitySummary& s = run.summary;
  std::string text = fmt::format("{}: {} for {:.0f} days, seed {}, {} events\n\n",
                                 scenario.scenario.name, format_date(scenario.scenario.start),
                                 scenario.scenario.horizon_seconds() / 86400.0,
                                 scenario.scenario.seed, run.events);
  text += year_end_table(s.year_ends);
  if (const auto& inflation = scenario.economics.inflation_per_year)
    text += fmt::format(
        "\nin nominal dollars: each at the price level of its date, {} a year of "
        "inflation on the scenario's dollars of {}\n",
        readable_share(*inflation), format_date(scenario.scenario.start));
  text += '\n' + calendar_year_table(yearly_figures(scenario, run));
  text += fmt::format(
      "\ncapex {} (GPUs {}, facility {}); depreciation {}; energy {}; maintenance {}; staff "
      "{}\n",
      readable_usd(s.capex_gpus_usd + s.capex_facility_usd), readable_usd(s.capex_gpus_usd),
      readable_usd(s.capex_facility_usd), readable_usd(s.depreciation_usd),
      readable_usd(s.energy_cost_usd), readable_usd(s.maintenance_usd), readable_usd(s.staff_usd));
  text +=
      fmt::format("energy {} at the facility; cost per GPU-hour, fully loaded {}\n",
                  readable_energy_j(s.energy_facility_j), readable_usd(s.cost_per_gpu_hour_usd));
  const double cost_of_capital = scenario.economics.cost_of_capital_per_year;
  text += fmt::format("NPV at {} a year: {} (terminal value {}); capital charge {}\n",
                      readable_share(cost_of_capital), readable_usd(s.npv_usd),
                      readable_usd(s.terminal_value_usd), readable_usd(s.capital_charge_usd));
  text += fmt::format("carbon {} tCO2e (operational {}, embodied {}): {} kgCO2e per GPU-hour{}\n",
                      readable_count((s.carbon_operational_g + s.carbon_embodied_g) / 1e6),
                      readable_count(s.carbon_operational_g / 1e6),
                      readable_count(s.carbon_embodied_g / 1e6),
                      readable(s.carbon_per_gpu_hour_g / 1e3, NumberKind::plain),
                      s.parts_without_embodied_carbon.empty()
                          ? ""
                          : fmt::format("; no embodied figure for {}",
                                        fmt::join(s.parts_without_embodied_carbon, ", ")));
  text += fmt::format(
      "GPUs: {} ordered, {} delivered, {} retired, {} failures; {} GPU-days waiting for power\n",
      readable_count(static_cast<double>(s.gpus_ordered)),
      readable_count(static_cast<double>(s.gpus_delivered)),
      readable_count(static_cast<double>(s.gpus_retired)),
      readable_count(static_cast<double>(s.gpu_failures)),
      readable_count(s.gpu_seconds_waiting_for_power / 86400.0));
  if (s.leases_signed > 0) {
    const auto total = [&s](std::string_view name) { return total_named(s.totals, name); };
    text += fmt::format(
        "leases: {} signed ({} by the planner), {} GPUs at most at once, {} GPU-hours for {}; "
        "cost per GPU-hour of the own fleet {}\n",
        s.leases_signed, s.leases_signed_by_planner,
        readable_count(static_cast<double>(s.gpus_leased_peak)),
        readable_count(total("gpu_hours_leased")), readable_usd(total("lease_cost_usd")),
        readable_usd(total("cost_per_gpu_hour_owned_usd")));
  }
  if (run.training.jobs > 0) {
    const TrainingSummary& t = run.training;
    text += fmt::format(
        "training: {} jobs, {} completed, {} running and {} queued at the end; wait p50 {}, "
        "p95 {}; {} GPU-hours busy ({} of available), {} GPU-hours unmet\n",
        t.jobs, t.completed, t.running_at_end, t.queued_at_end,
        readable(t.wait_p50_h, NumberKind::hours), readable(t.wait_p95_h, NumberKind::hours),
        readable_count(t.gpu_hours_busy), readable_share(t.utilisation),
        readable_count(t.unmet_gpu_hours));
    if (t.preemptions > 0) {
      text += fmt::format(
          "training: {} runs preempted by serving, {} GPU-hours of work lost with them\n",
          readable_count(static_cast<double>(t.preemptions)),
          readable_count(t.preemption_lost_gpu_hours));
    }
    if (t.interruptions > 0) {
      std::string causes;
      for (std::size_t k = 0; k < t.failure_causes.size(); ++k) {
        if (t.interruptions_by_cause[k] > 0) {
          causes += fmt::format("{}{} {}", causes.empty() ? "" : ", ", t.interruptions_by_cause[k],
                                t.failure_causes[k]);
        }
      }
      text += fmt::format(
          "training: {} runs interrupted ({}), {} GPU-hours of work lost with them\n",
          readable_count(static_cast<double>(t.interruptions)),
          causes.empty() ? "GPUs retired" : causes, readable_count(t.interruption_lost_gpu_hours));
    }
  }
  for (const InferenceSummary& service : run.inference) {
    text += fmt::format(
        "service {}: {} GPUs on average, {} at peak; {} input and {} output served of {} and "
        "{}; {} at {} per million tokens; revenue {}; SLO met {} of hours\n",
        service.service, readable_count(service.average_gpus),
        readable_count(static_cast<double>(service.peak_gpus)),
        readable(service.served.input, NumberKind::tokens),
        readable(service.served.output, NumberKind::tokens),
        readable(service.demand.input, NumberKind::tokens),
        readable(service.demand.output, NumberKind::tokens), readable_usd(service.cost_usd),
        readable_usd(service.cost_per_million_tokens_usd), readable_usd(service.revenue_usd),
        readable_share(service.slo_attainment));
    if (service.growth_observations > 0)
      text += growth_text(service, calendar);
  }
  if (const std::optional<double>& funds = scenario.economics.funds_usd) {
    text += s.funds_exhausted
                ? fmt::format("funds {}: run out on {}\n", readable_usd(*funds),
                              format_date(calendar.date_of(*s.funds_exhausted)))
                : fmt::format(
                      "funds {}: {} spent by the end{}, {} left\n", readable_usd(*funds),
                      readable_usd(s.spent_usd),
                      scenario.economics.revenue_to_funds
                          ? fmt::format(", {} of revenue added", readable_usd(s.revenue_usd))
                          : "",
                      readable_usd(*funds - s.spent_usd +
                                   (scenario.economics.revenue_to_funds ? s.revenue_usd : 0.0)));
  }
  if (s.planner_shortfall_periods > 0) {
    text += fmt::format(
        "demand planner: short in {} planning periods, by up to {} GPUs (see the shortfall rows "
        "of buildout.csv)\n",
        s.planner_shortfall_periods,
        readable_count(static_cast<double>(s.planner_shortfall_gpus_max)));
  }
  if (s.budget_usd > 0)
    text += budget_text(scenario.planner, s);
  return text;
}

const std::vector<std::string_view>& run_file_names() {
  static const std::vector<std::string_view> names = {"timeseries.csv",
                                                      "timeseries_sites.csv",
                                                      "timeseries_clusters.csv",
                                                      "yearly.csv",
                                                      "buildout.csv",
                                                      "jobs.csv",
                                                      "timeseries_quantiles.csv",
                                                      "replications.csv",
                                                      "drivers.csv",
                                                      "report.html",
                                                      "summary.json"};
  return names;
}

std::vector<NamedText> run_file_texts(const Scenario& scenario, const CapacityRun& run,
                                      const RunExtras& extras) {
  std::vector<NamedText> texts;
  const Calendar calendar(scenario.scenario.start);
  if (scenario.outputs.timeseries) {
    const auto series =
        extras.layout == SeriesLayout::long_form ? timeseries_long_csv : timeseries_csv;
    texts.emplace_back("timeseries.csv", series(run.timeseries));
    texts.emplace_back("timeseries_sites.csv", series(run.site_series));
    texts.emplace_back("timeseries_clusters.csv", series(run.cluster_series));
    texts.emplace_back("yearly.csv", yearly_csv(yearly_figures(scenario, run)));
  }
  if (scenario.outputs.buildout)
    texts.emplace_back("buildout.csv", buildout_csv(run.buildout, calendar));
  if (!extras.jobs_stream && scenario.outputs.jobs && !run.jobs.empty())
    texts.emplace_back("jobs.csv", jobs_csv(run.jobs, run.training.failure_causes, calendar,
                                            scenario.scenario.end_tick()));
  for (const auto& file : extras.files)
    texts.push_back(file);
  if (scenario.outputs.summary)
    texts.emplace_back("summary.json", summary_json(scenario, run, extras.summary_members));
  return texts;
}

std::vector<std::filesystem::path> write_run(const std::filesystem::path& directory,
                                             const Scenario& scenario, const CapacityRun& run,
                                             const RunExtras& extras) {
  ensure_directory(directory);
  remove_stale_temporaries(directory, run_file_names());
  // Every file is complete in its temporary before anything in the folder changes, so a
  // failure here (disk full) leaves the previous run whole.
  std::vector<std::unique_ptr<AtomicFile>> files;
  const auto prepare = [&](const std::string& name, const std::string& content) {
    files.push_back(std::make_unique<AtomicFile>(directory / name));
    files.back()->write(content);
  };
  std::vector<NamedText> texts = run_file_texts(scenario, run, extras);
  std::optional<NamedText> summary;
  if (!texts.empty() && texts.back().first == "summary.json") {
    summary = std::move(texts.back());
    texts.pop_back();
  }
  // A streamed jobs.csv goes where the collected one would: after the series and buildout.csv.
  bool jobs_placed = extras.jobs_stream == nullptr;
  const auto place_jobs = [&] {
    if (jobs_placed)
      return;
    jobs_placed = true;
    if (std::unique_ptr<AtomicFile> streamed = extras.jobs_stream->take_file())
      files.push_back(std::move(streamed));
  };
  for (const auto& [name, content] : texts) {
    if (!name.starts_with("timeseries") && name != "yearly.csv" && name != "buildout.csv")
      place_jobs();
    prepare(name, content);
  }
  place_jobs();
  if (extras.report) {
    std::vector<std::string> beside;
    for (const auto& file : files)
      beside.push_back(file->path().filename().string());
    if (summary)
      beside.emplace_back("summary.json");
    prepare("report.html", extras.report(beside));
  }
  if (summary)
    prepare(summary->first, summary->second);
  // summary.json is the manifest: whenever it is present, every other run file beside it
  // belongs to the run it names.
  return publish_file_set(directory, files, "summary.json", run_file_names());
}

}  // namespace capsim::output
