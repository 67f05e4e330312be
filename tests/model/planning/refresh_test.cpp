// Power-bound refresh (planner.refresh), worked by hand: the rule and its break-even for H100s
// replaced by GB300s (docs/model.md, "Power-bound refresh"), the budget planner's choice of
// lots on a hand-built view, and a whole run of tests/data/refresh.yaml.
//
// Catalog figures (scenarios/catalog/accelerators.yaml, sources there): H100-SXM 989 TFLOP/s
// bf16 dense at 1,275 W server power per GPU (NVIDIA H100 datasheet, 2023; DGX H100 User Guide
// 10.2 kW / 8); GB300 2,500 TFLOP/s at 1,875 W (NVIDIA GB300 NVL72 product page, 2025-03; 135 kW
// per rack / 72) and $69K installed. Each GPU also claims the default 110 W network and 32 W
// storage. Facility at $11.7 per W (Cushman & Wakefield, Data Center Development Cost Guide
// 2025, the flagship's). The planner's GPUs live 6 years.
//
//   H100:  989e12 / (1,275 + 142) = 989e12 / 1,417 = 0.697953 TFLOP/s per W
//   GB300: 2,500e12 / (1,875 + 142) = 2,500e12 / 2,017 = 1.239465 TFLOP/s per W
//   ratio: 0.697953 / 1.239465 = 0.563109
//   facility share: 2,017 x 11.7 = $23,598.9; 23,598.9 / (69,000 + 23,598.9) = 0.254851
//   break-even life left: 0.254851 x 6 / 0.563109 = 2.71547 years
//   merit at 3 years left: 0.563109 x 3/6 = 0.281554 > 0.254851: keep
//          at 2.75 years: 0.258092: keep;  at 2.5 years: 0.234629: replace
//   1,000 H100s free 1,417,000 W: floor(1,417,000 / 2,017) = 702 GB300s, $48,438,000;
//   1,755 PFLOP/s against 989.

#include <doctest/doctest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "capsim/model/capacity_model.hpp"
#include "capsim/model/planning/refresh_policy.hpp"
#include "capsim/scenario/loader.hpp"
#include "model/planning/planning_fixture.hpp"

namespace capsim::test {
namespace {

constexpr std::size_t kH100 = 0;
constexpr std::size_t kGB300 = 1;
constexpr double kYear = kSecondsPerYear;

/// A quarter-planned year with the two parts, the default network and storage power, a budget
/// of `budget_usd` a quarter, and GPUs ordered on day 0 arriving on day 90.
Scenario refresh_year(double budget_usd) {
  Scenario scenario = one_year();
  scenario.planner.policy = PlannerPolicy::budget;
  scenario.planner.budget_period = PeriodUnit::quarter;
  scenario.planner.lead_time_s = 90 * kSecondsPerDay;
  scenario.planner.budget_per_period_usd = budget_usd;
  scenario.planner.non_server_power = {110.0, 32.0};
  scenario.planner.service_life_s = 6 * kYear;
  scenario.planner.parts = {"GB300"};
  scenario.planner.refresh = true;
  scenario.catalog.accelerators.push_back(
      test_part("H100-SXM", 43e3, 1275.0, 255.0, Date{2020, 1, 1}, 989e12));
  scenario.catalog.accelerators.push_back(
      test_part("GB300", 69e3, 1875.0, 300.0, Date{2020, 1, 1}, 2500e12));
  return scenario;
}

SiteSpec dc(double mw) {
  SiteSpec site = site_spec("dc", mw);
  site.cost_per_power_usd_per_w = 11.7;
  return site;
}

TEST_CASE("refresh: the break-even of H100s replaced by GB300s, worked by hand") {
  HandBuiltView view(refresh_year(100e6));
  view.add_site(dc(1.417));
  const std::optional<RefreshTerms> terms = refresh_terms(view, kGB300);
  REQUIRE(terms);
  CHECK(terms->flop_per_s_per_w == doctest::Approx(1.239465e12).epsilon(1e-6));
  CHECK(terms->facility_share == doctest::Approx(0.254851).epsilon(1e-5));
  CHECK(terms->life_s == 6 * kYear);
  const double h100_per_w = 989e12 / 1417.0;
  CHECK(refresh_break_even_life_s(h100_per_w, *terms) / kYear ==
        doctest::Approx(2.71547).epsilon(1e-5));
  CHECK(refresh_merit(h100_per_w, 3.0 * kYear, *terms) == doctest::Approx(0.281554).epsilon(1e-5));
  CHECK_FALSE(refresh_pays(h100_per_w, 3.0 * kYear, *terms));
  CHECK_FALSE(refresh_pays(h100_per_w, 2.75 * kYear, *terms));
  CHECK(refresh_merit(h100_per_w, 2.5 * kYear, *terms) == doctest::Approx(0.234629).epsilon(1e-5));
  CHECK(refresh_pays(h100_per_w, 2.5 * kYear, *terms));
  // A part not on sale, or without FLOP/s at the planner's precision, has no terms.
  view.inputs.planner.value_precision = Precision::fp4;
  CHECK_FALSE(refresh_terms(view, kGB300));
}

/// A full site of three H100 lots: "late" (2.5 years left at the arrival), "young" (3 years
/// left) and "serving" (1 year left, serving a service), 2,500 x 1,417 W = 3.5425 MW.
struct FullSite {
  HandBuiltView view;
  RecordingActions actions{view};
  std::size_t late = 0;
  std::size_t young = 0;
  std::size_t serving = 0;

  explicit FullSite(double budget_usd) : view(refresh_year(budget_usd)) {
    view.add_site(dc(3.5425));
    const Tick arrival = day(90);
    const auto lot = [&](const std::string& name, std::int64_t gpus, double years_left) {
      const std::size_t cluster = view.add_cluster(name, 0, kH100, gpus);
      view.install(cluster, gpus, arrival + ticks_from_seconds(years_left * kYear), 142.0);
      return cluster;
    };
    late = lot("late", 1000, 2.5);
    young = lot("young", 1000, 3.0);
    serving = lot("serving", 500, 1.0);
    view.add_service(serving, 500);
  }

  void review() {
    const std::unique_ptr<Planner> planner = make_planner(PlannerPolicy::budget);
    planner->review(view, actions, 0);
  }
};

TEST_CASE("budget planner: where power binds, refresh replaces the lots the rule passes") {
  FullSite site(100e6);
  site.review();
  // Only "late" passes and serves nothing: it retires on day 90, when its 702 GB300s arrive
  // in its power. "young" has more life left than the break-even; "serving" serves.
  REQUIRE(site.actions.retired.size() == 1);
  CHECK(site.actions.retired[0].lot == 0);
  CHECK(site.actions.retired[0].at == day(90));
  CHECK(site.actions.retired[0].why ==
        "refresh: replaced by 702 GB300; 2.50 years left, break-even 2.72");
  CHECK(site.actions.order_lines() ==
        "refresh-2025-01-01-GB300-dc: 702 GB300 at dc, cluster 3, "
        "day 90\n");
  const std::vector<BuildoutEvent> orders = site.actions.events(BuildoutKind::order);
  REQUIRE(orders.size() == 1);
  CHECK(orders[0].amount_usd == 48'438'000.0);
  CHECK(orders[0].note == "budget planner: refresh of 1000 late");
  CHECK(orders[0].value.unit == "FLOP/s per W");
  const std::vector<BuildoutEvent> budget = site.actions.events(BuildoutKind::budget);
  REQUIRE(budget.size() == 1);
  CHECK(budget[0].note.starts_with("bought 702 GB300 replacing 1000 retired early; "));
  CHECK(site.actions.totals.budget_spent_gpus_usd == 48'438'000.0);
  // The site's power is unchanged: the replacements' 702 x 2,017 W sit in the 1,417,000 W
  // that "late" frees on their arrival.
  CHECK(site.view.sites[0].reserved_w == doctest::Approx(702 * 2017.0));
  CHECK(site.view.retiring_power_w(0, day(90)) == doctest::Approx(1000 * 1417.0));
}

TEST_CASE("budget planner: refresh buys whole lots only, within the money") {
  // $48,437,999 is a dollar short of the 702 GB300s: nothing retires, nothing is bought.
  FullSite site(48'437'999.0);
  site.review();
  CHECK(site.actions.retired.empty());
  CHECK(site.actions.orders.empty());
  // Without planner.refresh the money stays unplaced, whatever the rule says.
  FullSite off(100e6);
  off.view.inputs.planner.refresh = false;
  off.review();
  CHECK(off.actions.retired.empty());
  CHECK(off.actions.orders.empty());
}

CapacityRun run_refresh(const std::vector<std::string>& sets = {}) {
  return run_capacity(scenario::load_scenario(
      (std::filesystem::path(CAPSIM_SOURCE_DIR) / "tests/data/refresh.yaml").string(), sets));
}

std::vector<BuildoutEvent> events_of(const CapacityRun& run, BuildoutKind kind) {
  std::vector<BuildoutEvent> found;
  for (const BuildoutEvent& event : run.buildout) {
    if (event.kind == kind)
      found.push_back(event);
  }
  return found;
}

TEST_CASE("refresh: a whole run keeps the H100s at 3 and 2.75 years left, replaces them at 2.5") {
  // tests/data/refresh.yaml: the worked case on the real catalog, reviewed quarterly from
  // 2026-01-01 with no lead time; the H100s came online on 2023-01-01 for 6 years.
  const CapacityRun refreshed = run_refresh();
  const std::vector<BuildoutEvent> orders = events_of(refreshed, BuildoutKind::order);
  REQUIRE(orders.size() == 1);
  CHECK(orders[0].tick == day(181));  // 2026-07-01
  CHECK(orders[0].gpus == 702);
  CHECK(orders[0].amount_usd == 48'438'000.0);
  const std::vector<BuildoutEvent> retired = events_of(refreshed, BuildoutKind::retire);
  REQUIRE(retired.size() == 1);
  CHECK(retired[0].cluster == "hopper");
  CHECK(retired[0].gpus == 1000);
  CHECK(retired[0].tick == orders[0].tick);
  CHECK(retired[0].note == "refresh: replaced by 702 GB300; 2.50 years left, break-even 2.72");
  const std::vector<BuildoutEvent> installed = events_of(refreshed, BuildoutKind::install);
  REQUIRE(installed.size() == 2);
  CHECK(installed[1].gpus == 702);
  CHECK(installed[1].wait_s == 0.0);
  CHECK(refreshed.summary.gpus_retired == 1000);
  // Without refresh the H100s stay and the money finds no power all year.
  const CapacityRun waited = run_refresh({"planner.refresh=false"});
  CHECK(events_of(waited, BuildoutKind::order).empty());
  CHECK(events_of(waited, BuildoutKind::retire).empty());
  CHECK(waited.summary.budget_periods_power_short == 4);
  CHECK(refreshed.summary.budget_periods_power_short == 4);
}

}  // namespace
}  // namespace capsim::test
