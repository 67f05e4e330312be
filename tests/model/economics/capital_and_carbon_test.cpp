// The cost of capital and carbon, worked by hand: the ledger's capital employed and embodied
// carbon, then a one-year run's capital charge, cost per GPU-hour, NPV and emissions.

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <string>

#include "capsim/core/time.hpp"
#include "capsim/model/capacity_model.hpp"
#include "capsim/model/economics/ledger.hpp"
#include "capsim/scenario/loader.hpp"
#include "model/fixtures.hpp"

namespace capsim {
namespace {

using test::column_sum;

constexpr double kDay = 86400.0;

Tick day(double days) {
  return ticks_from_seconds(days * kDay);
}

/// An asset of `amount` USD in service from day `from` for `life_days`.
Asset asset(CapexKind kind, double amount, double from, double life_days, bool paid_in_run = true,
            double embodied_g = 0.0) {
  Asset made;
  made.kind = kind;
  made.amount_usd = amount;
  made.in_service = day(from);
  made.life_s = life_days * kDay;
  made.paid_in_run = paid_in_run;
  made.embodied_carbon_g = embodied_g;
  return made;
}

TEST_CASE("ledger: capital employed is construction in progress, then the book value") {
  Ledger ledger;
  // A site phase of $1,000 paid evenly over days 0-100, in service from day 100 for 1,000 days.
  CapexPayment payment;
  payment.kind = CapexKind::facility;
  payment.amount_usd = 1000.0;
  payment.until = day(100);
  ledger.pay(payment);
  ledger.add_asset(asset(CapexKind::facility, 1000.0, 100, 1000));
  // Half built on day 50: $500 paid and not yet in service.
  CHECK(ledger.capital_employed(day(50)) == doctest::Approx(500.0).epsilon(1e-12));
  // Day 200: in service 100 of its 1,000 days, book value $900.
  CHECK(ledger.capital_employed(day(200)) == doctest::Approx(900.0).epsilon(1e-12));
  // The integral to day 200: ∫₀¹⁰⁰ 10·t dt = 50,000 $·day while it is built, then
  // ∫₀¹⁰⁰ (1,000 − u) du = 95,000 $·day in service: 145,000 $·day.
  CHECK(ledger.capital_employed_s(day(200)) / kDay == doctest::Approx(145'000.0).epsilon(1e-12));
  // An asset paid before the start (none of the ledger's payments) enters at its book value:
  // $6,000 over 6,000 days, 1,000 days old at the start, written off on day 300.
  const std::size_t old = ledger.add_asset(asset(CapexKind::gpus, 6000.0, -1000, 6000, false));
  ledger.write_off(old, day(300));
  CHECK(ledger.capital_employed(day(0)) == doctest::Approx(5000.0).epsilon(1e-12));
  // To day 400: the site as before to day 200, then ∫₁₀₀³⁰⁰ (1,000 − u) du = 160,000 more; the
  // old pool ∫₁₀₀₀¹³⁰⁰ (6,000 − u) du = 1,455,000 until its write-off.
  CHECK(ledger.capital_employed_s(day(400)) / kDay ==
        doctest::Approx(145'000.0 + 160'000.0 + 1'455'000.0).epsilon(1e-12));
  CHECK(ledger.capital_employed(day(400)) == doctest::Approx(700.0).epsilon(1e-12));
}

TEST_CASE("ledger: embodied carbon is amortised as value is, the rest at a write-off") {
  Ledger ledger;
  // 1,000 kgCO2e over a 1,000-day life: 1 kg a day.
  const std::size_t pool = ledger.add_asset(asset(CapexKind::gpus, 5000.0, 10, 1000, true, 1e6));
  CHECK(ledger.embodied_carbon(day(10)) == 0.0);
  CHECK(ledger.embodied_carbon(day(110)) == doctest::Approx(100e3).epsilon(1e-12));
  ledger.write_off(pool, day(210));
  CHECK(ledger.embodied_carbon(day(209)) == doctest::Approx(199e3).epsilon(1e-12));
  CHECK(ledger.embodied_carbon(day(210)) == doctest::Approx(1e6).epsilon(1e-12));
}

TEST_CASE("capacity: WACC in $/GPU-hour, worked by hand") {
  Scenario scenario = test::worked_economics_year();
  scenario.economics.cost_of_capital_per_year = 0.10;
  const CapacityRun run = run_capacity(scenario);
  const CapacitySummary& s = run.summary;
  // The run is τ = 365 / 365.25 years. Capital employed: the GPUs' $40M (paid at the start,
  // in service at once) at book value 40M·(1 − t/4), and the site's $100M (built before the
  // run) at 100M·(1 − t/20). At 10% a year the charge is
  //   0.1 × [40M·(τ − τ²/8) + 100M·(τ − τ²/40)] = $13,241,443.86.
  CHECK(s.capital_charge_usd == doctest::Approx(13'241'443.86).epsilon(1e-9));
  CHECK(column_sum(run, "capital_charge_usd") == doctest::Approx(13'241'443.86).epsilon(1e-9));
  // Fully loaded: (depreciation 14,989,733.06 + energy 657,000 + maintenance 2,798,083.50 +
  // staff 999,315.54 + capital 13,241,443.86) / 8.76M GPU-hours = $3.731230 (2.219650
  // without the cost of capital).
  CHECK(s.cost_per_gpu_hour_usd == doctest::Approx(3.7312301).epsilon(1e-7));
  // NPV at 10%: the opening $100M site, the $40M of GPUs paid in the first day, 365 days of
  // opex at $1,800 energy + $2.8M/365.25 maintenance + $1M/365.25 staff = $12,203.83 a day,
  // each discounted from its middle (q = 1.1^(−1/365.25), Σ q^(d+½) over d < 365 = 348.15676),
  // and the terminal book value 40M·(1 − τ/4) + 100M·(1 − τ/20) = $125,010,266.94 discounted by
  // q³⁶⁵:
  //   −100M − 40M·q^½ − 12,203.83 × 348.15676 + 125,010,266.94 × 0.90915 = −$30,590,517.09.
  CHECK(s.opening_value_usd == doctest::Approx(100e6).epsilon(1e-12));
  CHECK(s.terminal_value_usd == doctest::Approx(125'010'266.94).epsilon(1e-10));
  CHECK(s.npv_usd == doctest::Approx(-30'590'517.09).epsilon(1e-9));
  // At 0% no cost of capital is charged, and the NPV is the undiscounted net cash.
  const CapacityRun free = run_capacity(test::worked_economics_year());
  CHECK(free.summary.capital_charge_usd == 0.0);
  CHECK(free.summary.cost_per_gpu_hour_usd == doctest::Approx(2.2196498).epsilon(1e-7));
  CHECK(free.summary.npv_usd ==
        doctest::Approx(-100e6 - 40e6 - 12'203.832991 * 365 + 125'010'266.94).epsilon(1e-9));
}

TEST_CASE("capacity: carbon per GPU-hour, worked by hand") {
  Scenario scenario = test::worked_economics_year();
  scenario.catalog.accelerators.back().embodied_carbon_per_gpu_g = 1e6;  // 1 tCO2e per GPU
  SiteSpec& site = scenario.sites.back();
  site.grid_carbon_g_per_j = 400.0 / 3.6e6;  // 400 gCO2e/kWh
  site.grid_carbon_changes.push_back({Date{2025, 7, 1}, 200.0 / 3.6e6});
  site.clean_power_share = 0.25;
  const CapacityRun run = run_capacity(scenario);
  const CapacitySummary& s = run.summary;
  // 750 kW at the facility, 18,000 kWh a day: 181 days (to 1 July) at 400 g/kWh and 184 at
  // 200, three quarters of it from the grid:
  //   (181 × 400 + 184 × 200) × 18,000 g × 0.75 = 1,474.2 tCO2e.
  CHECK(s.carbon_operational_g / 1e6 == doctest::Approx(1474.2).epsilon(1e-12));
  // Embodied: 1,000 t over a 4-year server life, τ/4 of it in the run: 249.8289 t.
  CHECK(s.carbon_embodied_g / 1e6 == doctest::Approx(249.8288843).epsilon(1e-9));
  // Per GPU-hour: 1,724.0289 t / 8.76M GPU-hours = 0.196807 kgCO2e.
  CHECK(s.carbon_per_gpu_hour_g / 1e3 == doctest::Approx(0.19680695).epsilon(1e-8));
  CHECK(s.parts_without_embodied_carbon.empty());
  // The monthly rows add up to the totals; January alone: 31 × 18,000 × 400 × 0.75 g.
  CHECK(column_sum(run, "carbon_tco2e") == doctest::Approx(1724.028884).epsilon(1e-9));
  CHECK(column_sum(run, "carbon_operational_tco2e") == doctest::Approx(1474.2).epsilon(1e-12));
  CHECK(run.timeseries.value(0, run.timeseries.column("carbon_operational_tco2e")) ==
        doctest::Approx(167.4).epsilon(1e-12));
  // Without a catalog figure the part counts zero, and the summary names it.
  const CapacityRun unknown = run_capacity(test::worked_economics_year());
  CHECK(unknown.summary.carbon_embodied_g == 0.0);
  REQUIRE(unknown.summary.parts_without_embodied_carbon.size() == 1);
  CHECK(unknown.summary.parts_without_embodied_carbon[0] == "X");
  // The default grid: the US average, 390 g/kWh: 6,570 MWh × 0.39 t = 2,562.3 tCO2e.
  CHECK(unknown.summary.carbon_operational_g / 1e6 == doctest::Approx(2562.3).epsilon(1e-12));
}

TEST_CASE("capacity: nominal dollars at 10% inflation, worked by hand") {
  Scenario scenario = test::worked_economics_year();
  scenario.economics.inflation_per_year = 0.10;
  const CapacityRun run = run_capacity(scenario);
  const CapacitySummary& s = run.summary;
  // Every cost of this run but the GPUs' is a steady daily flow, each day's at the price level
  // of its middle, a = 1.1^(1/365.25) a day: S = Σ a^(d+½) over d < 365 = 382.947451 (the
  // integral of 1.1^t over the run's τ = 365/365.25 years, times 365.25, agrees to 3e-9).
  //   staff        $1M / 365.25 × S   = $1,048,452.9813 ($999,315.54 in constant dollars)
  //   energy       $1,800 × S         = $689,305.4126
  //   maintenance  $2.8M / 365.25 × S = $2,935,668.3478
  //   depreciation $15M / 365.25 × S  = $15,726,794.7201
  CHECK(s.staff_usd == doctest::Approx(1'048'452.9813).epsilon(1e-10));
  CHECK(s.energy_cost_usd == doctest::Approx(689'305.4126).epsilon(1e-10));
  CHECK(s.maintenance_usd == doctest::Approx(2'935'668.3478).epsilon(1e-10));
  CHECK(s.depreciation_usd == doctest::Approx(15'726'794.7201).epsilon(1e-10));
  // The GPUs' $40M, paid at the start, fall in the first day: × a^½ = $40,005,219.24.
  CHECK(s.capex_gpus_usd == doctest::Approx(40'005'219.24).epsilon(1e-10));
  // Fully loaded: the constant-dollar $2.2196498 × S / 365 = $2.328792 per GPU-hour.
  CHECK(s.cost_per_gpu_hour_usd == doctest::Approx(2.3287924).epsilon(1e-7));
  // January's row: Σ a^(d+½) over d < 31 = 31.125723, × $1M / 365.25 = $85,217.5846 of staff;
  // the rows add up to the run's totals.
  CHECK(run.timeseries.value(0, run.timeseries.column("opex_staff_usd")) ==
        doctest::Approx(85'217.5846).epsilon(1e-9));
  CHECK(column_sum(run, "opex_staff_usd") == doctest::Approx(s.staff_usd).epsilon(1e-12));
  // The terminal book value at the horizon's price level: $125,010,266.94 × 1.1^τ.
  CHECK(s.terminal_value_usd == doctest::Approx(137'502'323.20).epsilon(1e-10));
  // The NPV of nominal flows at a nominal cost of capital (1.1 × 1.1 − 1 = 21%) is the NPV of
  // constant-dollar flows at the real 10% (-$30,590,517.09, "WACC in $/GPU-hour" above): each
  // day's level and discount multiply to 1.1^(−t).
  scenario.economics.cost_of_capital_per_year = 0.21;
  CHECK(run_capacity(scenario).summary.npv_usd == doctest::Approx(-30'590'517.09).epsilon(1e-9));
  // The daily clock makes the figures the same at any reporting period.
  scenario.economics.cost_of_capital_per_year = 0.0;
  scenario.scenario.reporting_period = PeriodUnit::day;
  const CapacityRun daily = run_capacity(scenario);
  CHECK(daily.summary.staff_usd == doctest::Approx(s.staff_usd).epsilon(1e-12));
  CHECK(daily.summary.capex_gpus_usd == doctest::Approx(s.capex_gpus_usd).epsilon(1e-12));
  CHECK(column_sum(daily, "opex_staff_usd") == doctest::Approx(s.staff_usd).epsilon(1e-12));
}

TEST_CASE("capacity: revenue reaches the funds only with the switch, and the NPV nets it") {
  Scenario scenario = scenario::load_scenario(
      (std::filesystem::path(CAPSIM_SOURCE_DIR) / "scenarios/examples/example.yaml").string());
  const CapacityRun open = run_capacity(scenario);
  const double spent = open.summary.spent_usd;
  double revenue = 0.0;
  for (const InferenceSummary& service : open.inference)
    revenue += service.revenue_usd;
  REQUIRE(revenue > 0.0);
  CHECK(open.summary.revenue_usd == doctest::Approx(revenue).epsilon(1e-12));
  // At 0% the NPV is the undiscounted net cash: −K(0) − spent + revenue + K(T).
  CHECK(open.summary.npv_usd == doctest::Approx(-open.summary.opening_value_usd - spent + revenue +
                                                open.summary.terminal_value_usd)
                                    .epsilon(1e-12));
  // Carbon per million tokens: the service's GPU-hours at the fleet's carbon per GPU-hour,
  // over its tokens served (a consistency check of the summary's arithmetic).
  for (const InferenceSummary& service : open.inference) {
    const double tokens = service.served.input + service.served.output;
    CHECK(service.carbon_per_million_tokens_g ==
          doctest::Approx(service.gpu_hours * open.summary.carbon_per_gpu_hour_g / tokens * 1e6)
              .epsilon(1e-12));
    CHECK(service.carbon_per_million_tokens_g > 0.0);
  }
  // Funds half the revenue short of the spending: spent alone they run out; with the revenue
  // added (the fixed planner orders the same either way) half the revenue is left.
  scenario.economics.funds_usd = spent - revenue / 2.0;
  const CapacityRun without = run_capacity(scenario);
  CHECK(without.summary.funds_exhausted.has_value());
  scenario.economics.revenue_to_funds = true;
  const CapacityRun with = run_capacity(scenario);
  CHECK_FALSE(with.summary.funds_exhausted.has_value());
  CHECK(with.summary.spent_usd == doctest::Approx(spent).epsilon(1e-12));
  // In nominal dollars each service's revenue and cost grow with the price level, and the
  // services' revenue is still the run's.
  scenario.economics.revenue_to_funds = false;
  scenario.economics.funds_usd.reset();
  scenario.economics.inflation_per_year = 0.05;
  const CapacityRun nominal = run_capacity(scenario);
  double nominal_revenue = 0.0;
  for (std::size_t k = 0; k < nominal.inference.size(); ++k) {
    nominal_revenue += nominal.inference[k].revenue_usd;
    CHECK(nominal.inference[k].revenue_usd > open.inference[k].revenue_usd);
    CHECK(nominal.inference[k].cost_usd > open.inference[k].cost_usd);
  }
  CHECK(nominal.summary.revenue_usd == doctest::Approx(nominal_revenue).epsilon(1e-12));
  // The plan is the same in either dollars, and so is its log (in the scenario's dollars).
  REQUIRE(nominal.buildout.size() == open.buildout.size());
  for (std::size_t e = 0; e < open.buildout.size(); ++e) {
    CHECK(nominal.buildout[e].tick == open.buildout[e].tick);
    CHECK(nominal.buildout[e].gpus == open.buildout[e].gpus);
    CHECK(nominal.buildout[e].amount_usd == open.buildout[e].amount_usd);
  }
}

}  // namespace
}  // namespace capsim
