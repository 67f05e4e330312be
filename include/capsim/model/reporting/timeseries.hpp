#pragma once
/// The timeseries: every column declared once (name, unit, kind, meaning and how its value is
/// read from the model), the rows sampled at each reporting period's end, the year-end fleet
/// snapshots and the run's headline summary. timeseries.csv's header, summary.json's totals
/// and docs/outputs.md all come from the declarations. Reads every part; writes only the
/// run's results.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "capsim/engine/engine.hpp"
#include "capsim/model/model_parts.hpp"

namespace capsim {

/// Running totals of the whole model at a moment; a period's totals are differences.
struct Cumulative {
  double capex_gpus = 0, capex_facility = 0, depreciation = 0, energy_cost = 0, maintenance = 0,
         staff = 0, energy_it = 0, energy_facility = 0, gpu_installed_s = 0, gpu_available_s = 0,
         gpu_busy_s = 0, training_busy_s = 0;
  /// The cost of capital charged on the capital employed [USD]; services' revenue at list
  /// prices [USD]; emissions of the energy drawn and embodied carbon amortised [gCO2e].
  double capital_charge = 0, revenue = 0, carbon_operational = 0, carbon_embodied = 0;
  /// Lease payments [USD] and leased GPU-seconds paid for.
  double lease_cost = 0, gpu_leased_s = 0;
  std::vector<double> tenant_gpu_s;
  /// Per service: GPU-s, demand input, demand output, served input, served output, dropped
  /// output, hours, hours whose demand was fully served, revenue [USD], and GPU-s priced
  /// (GPU-s at the price level of their time: what a rental price per GPU-hour is paid on).
  std::vector<std::array<double, 10>> service;
  /// Per site: its energy, cost and emissions since the start.
  std::vector<SiteEnergy> site_energy;
  /// Per cluster: GPU-seconds held by training, and available.
  std::vector<std::array<double, 2>> cluster_gpu_s;
  /// Capex paid, opex and lease payments: what the owner's funds pay for.
  double spent() const {
    return capex_gpus + capex_facility + energy_cost + maintenance + staff + lease_cost;
  }
  /// What the funds pay for: spent(), less the revenue when economics.revenue_to_funds.
  double drawn_from_funds(bool revenue_to_funds) const {
    return spent() - (revenue_to_funds ? revenue : 0.0);
  }
};

Cumulative cumulative_at(const ModelParts& parts, Tick tick);

/// `now` in the report's dollars, from the readings `before` (in the report's dollars) and
/// `raw_before` (in the scenario's) at the previous step: what is not money is `raw_now`'s;
/// each money figure adds what it gained since, at the step's price level `level`.
Cumulative priced_forward(const Cumulative& before, const Cumulative& raw_before,
                          const Cumulative& raw_now, double level);

FleetStock fleet_stock(const ModelParts& parts);

/// What a column's value is read from: the period's totals (after − before, over span_s
/// seconds), the readings at the run's start, the stock at the period's end, and the model.
struct PeriodReading {
  const Cumulative& before;
  const Cumulative& after;
  double span_s = 0.0;
  const Cumulative& at_start;
  const FleetStock& stock;
  const ModelParts& parts;
};

/// End-of-period stock, period total, or period mean.
enum class ColumnKind { stock, total, mean };
/// A column of its own, or one per catalog part, service or tenant (its name then ends with
/// the member's name); or a column of timeseries_sites.csv (timeseries_clusters.csv), whose
/// rows are one per period and site (cluster).
enum class ColumnFamily { fleet, part, service, training, tenant, site, cluster };

struct ColumnDeclaration {
  ColumnFamily family;
  std::string_view name;  ///< the whole name, or the prefix of a family's
  std::string_view unit;
  ColumnKind kind;
  std::string_view meaning;
  /// The value for a period; `member` is the part, service, tenant, site or cluster of a
  /// family column.
  double (*value)(const PeriodReading& reading, std::size_t member);
  /// Also a headline total of the whole run in summary.json.
  bool in_summary = false;
};

/// Every timeseries column, in the CSV's order within each family.
const std::vector<ColumnDeclaration>& timeseries_columns();
/// timeseries_sites.csv's columns (family site) and timeseries_clusters.csv's (family
/// cluster), after their key cells. A column named as one of timeseries.csv's is its share:
/// summed over the sites (clusters) it gives the fleet's.
const std::vector<ColumnDeclaration>& site_columns();
const std::vector<ColumnDeclaration>& cluster_columns();
/// The key cells of the keyed series' rows.
const std::vector<std::string>& site_series_keys();
const std::vector<std::string>& cluster_series_keys();
std::string_view column_kind_name(ColumnKind kind);
/// yearly.csv (summary.json's years) holds a fleet column when it is a total or a mean.
bool in_yearly(const ColumnDeclaration& column);

/// The reporting part: samples a row at every reporting period's end and a fleet snapshot at
/// every year's end, and fills the summary at the horizon's end.
class Reporting final : public EventHandler {
 public:
  Reporting(const ModelContext& context, const ModelParts& parts, PeriodUnit period);
  Reporting(const Reporting&) = delete;
  Reporting& operator=(const Reporting&) = delete;

  /// Once every part is set up: the columns, the sampling processes, and the readings at the
  /// start.
  void set_up();
  /// The last row, the last snapshot, and the fleet's headline summary.
  void finish();
  /// Rows sampled so far: the reporting period's own events, which the run's event count
  /// leaves out so that it is the same at every period.
  std::uint64_t samples_taken() const { return samples_; }
  /// After finish(): each service's cost and revenue over the run, in the report's dollars.
  const std::vector<ServiceDollars>& service_dollars() const { return service_dollars_; }

  void on_event(Engine& engine, const Event& event) override;

 private:
  struct LaidOutColumn {
    const ColumnDeclaration* declaration;
    std::size_t member;
  };
  void sample();
  /// The rows of timeseries_sites.csv and timeseries_clusters.csv for the period just read.
  void sample_members(const PeriodReading& reading, const std::string& from, const std::string& to);
  /// The money's daily check (with economics.funds or a cost of capital), and the last one at
  /// the end: dates the funds' exhaustion within the day it happened, and discounts the day's
  /// net cash flow at its middle into the NPV.
  void check_money();
  /// The model's running totals at `now`, money in the report's dollars: with
  /// economics.inflation, each day's flows at the price level of the day's middle (the daily
  /// clock steps it, so that the figures are the same at any reporting period); without it,
  /// cumulative_at.
  const Cumulative& reading_at(Tick now);
  FleetSnapshot snapshot() const;
  /// Records the calendar year (or its part in the run) that ends at `tick`.
  void close_year(Tick tick);

  const ModelContext& context_;
  const ModelParts& parts_;
  PeriodUnit period_;
  HandlerId self_{};
  std::vector<LaidOutColumn> columns_;
  Tick last_sample_ = 0;
  Cumulative at_start_;
  Cumulative last_cumulative_;
  Tick year_start_ = 0;
  Cumulative year_start_cumulative_;
  std::uint64_t samples_ = 0;
  Tick money_checked_at_ = 0;
  double money_checked_spent_usd_ = 0.0;
  double money_checked_revenue_usd_ = 0.0;
  double discounted_cash_usd_ = 0.0;  ///< net cash flows so far, discounted to the start
  Tick priced_at_ = 0;
  Cumulative priced_;      ///< the reading at priced_at_, in the report's dollars
  Cumulative priced_raw_;  ///< the same reading in the scenario's dollars
  std::vector<ServiceDollars> service_dollars_;
};

}  // namespace capsim
