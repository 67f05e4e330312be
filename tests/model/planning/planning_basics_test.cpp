#include <doctest/doctest.h>

#include <cmath>
#include <cstddef>
#include <vector>

#include "capsim/model/planning/planning_basics.hpp"
#include "model/planning/planning_fixture.hpp"

namespace capsim::test {
namespace {

TEST_CASE("planner basics: parts by value, ties in catalog order") {
  Scenario scenario = one_year();
  // Facility at $10 and $20 per W: $15 per W on average. FLOP/s per all-in dollar:
  //   0 "hot"    1,000 TFLOP/s, $20K + 3 kW × $15 = $65K:  15.4 TFLOP/s per $K
  //   1 "cool"   1,000 TFLOP/s, $40K + 1 kW × $15 = $55K:  18.2
  //   2 "twin-b" 2,000 TFLOP/s, $70K + 2 kW × $15 = $100K: 20
  //   3 "twin-a" the same as "twin-b":                      20
  //   4 "late"   1,000 TFLOP/s, $10K + 1 kW × $15 = $25K:  40, shipping from 2025-07-01
  // At the first site's $10 per W alone, "hot" and "cool" would tie at 20, behind the twins.
  std::vector<AcceleratorSpec>& catalog = scenario.catalog.accelerators;
  catalog.push_back(test_part("hot", 20e3, 3000.0, 300.0));
  catalog.push_back(test_part("cool", 40e3, 1000.0, 100.0));
  catalog.push_back(test_part("twin-b", 70e3, 2000.0, 200.0, Date{2020, 1, 1}, 2000e12));
  catalog.push_back(test_part("twin-a", 70e3, 2000.0, 200.0, Date{2020, 1, 1}, 2000e12));
  catalog.push_back(test_part("late", 10e3, 1000.0, 100.0, Date{2025, 7, 1}));
  HandBuiltView view(scenario);
  view.add_site(site_spec("a", 10));
  SiteSpec dear_power = site_spec("b", 10);
  dear_power.cost_per_power_usd_per_w = 20.0;
  view.add_site(dear_power);
  CHECK(mean_cost_per_power(view) == 15.0);

  // The twins tie; the one listed first stays first, whatever its name.
  CHECK(parts_by_value(view, 0) == std::vector<std::size_t>{2, 3, 1, 0});
  CHECK(parts_by_value(view, day(180)) == std::vector<std::size_t>{2, 3, 1, 0});
  // 2025-07-01 is day 181: "late" ships and leads.
  CHECK(parts_by_value(view, day(181)) == std::vector<std::size_t>{4, 2, 3, 1, 0});

  // Valued in fp8, only the parts that have it: "cool" at 2,000 TFLOP/s per $55K (36.4 per
  // $K), "twin-a" at 4,000 per $100K (40).
  view.inputs.planner.value_precision = Precision::fp8;
  view.inputs.catalog.accelerators[1].peak_dense_flops.fp8_flop_per_s = 2000e12;
  view.inputs.catalog.accelerators[3].peak_dense_flops.fp8_flop_per_s = 4000e12;
  CHECK(parts_by_value(view, 0) == std::vector<std::size_t>{3, 1});
}

TEST_CASE("planner basics: the price of a date, from list prices and a yearly decline") {
  // Launch $40K from 2021-01-01; a list price of $30K from 2023-01-01.
  AcceleratorSpec part = test_part("p", 40e3, 1000.0, 100.0, Date{2021, 1, 1});
  part.list_prices.push_back({Date{2023, 1, 1}, 30e3});
  // A pre-order before first_ship pays the launch price; a list price holds until the next.
  CHECK(part.price_per_gpu_at(Date{2020, 6, 1}) == 40e3);
  CHECK(part.price_per_gpu_at(Date{2022, 12, 31}) == 40e3);
  CHECK(part.price_per_gpu_at(Date{2023, 1, 1}) == 30e3);
  CHECK(part.price_per_gpu_at(Date{2024, 6, 30}) == 30e3);
  // 20% a year from the latest list price: 2023-01-01 to 2027-01-01 is 1,461 days, four years
  // of 365.25 days: $30K × 0.8^4 = $12,288.
  part.price_decline_per_year = 0.2;
  CHECK(part.price_per_gpu_at(Date{2027, 1, 1}) == doctest::Approx(12288.0));
  // Before that list price the decline runs from first_ship: 2021-01-01 to 2022-01-01 is 365
  // days, 0.99932 years: $40K × 0.8^0.99932 = $32,004.9.
  CHECK(part.price_per_gpu_at(Date{2022, 1, 1}) ==
        doctest::Approx(40e3 * std::pow(0.8, 365.0 / 365.25)));
  CHECK(part.price_per_gpu_at(Date{2022, 1, 1}) == doctest::Approx(32004.9).epsilon(1e-6));
  // A part that is not sold has no price at any date.
  AcceleratorSpec rented = test_part("r", 40e3, 1000.0, 100.0);
  rented.price_installed_per_gpu_usd.reset();
  CHECK_FALSE(rented.price_per_gpu_at(Date{2025, 1, 1}).has_value());
}

TEST_CASE("planner basics: only parts on sale are ranked, at the price of the date") {
  Scenario scenario = one_year();
  // At $10 per W: "old" $10K + 1 kW × $10 = $20K all-in, the best value, but its sale ends on
  // 2025-04-01 (day 90); "new" $40K + $10K = $50K. "rented" has no purchase price.
  std::vector<AcceleratorSpec>& catalog = scenario.catalog.accelerators;
  catalog.push_back(test_part("old", 10e3, 1000.0, 100.0));
  catalog.back().end_of_sale = Date{2025, 4, 1};
  catalog.push_back(test_part("new", 40e3, 1000.0, 100.0));
  catalog.push_back(test_part("rented", 1e3, 1000.0, 100.0));
  catalog.back().price_installed_per_gpu_usd.reset();
  HandBuiltView view(scenario);
  view.add_site(site_spec("a", 10));
  CHECK(parts_by_value(view, 0) == std::vector<std::size_t>{0, 1});
  CHECK(parts_by_value(view, day(89)) == std::vector<std::size_t>{0, 1});
  // The last order date is the day before the end of sale.
  CHECK(parts_by_value(view, day(90)) == std::vector<std::size_t>{1});
  view.today = day(90);
  CHECK_FALSE(price_now(view, catalog[0]).has_value());
  CHECK(price_now(view, catalog[1]) == 40e3);
  CHECK_FALSE(price_now(view, catalog[2]).has_value());
}

TEST_CASE("planner basics: GPUs fitted on the started sites in the order given") {
  HandBuiltView view(one_year());
  view.add_site(site_spec("a", 10));
  view.add_site(site_spec("b", 10, 100));  // not started
  view.add_site(site_spec("c", 10));
  const std::vector<double> free_w = {0.4e6, 10e6, 1.5e6};
  std::vector<std::size_t> asked;
  const auto free_power_w = [&](std::size_t s) {
    asked.push_back(s);
    return free_w[s];
  };
  const auto gpus_at = [](const std::vector<SitePlacement>& placements) {
    std::vector<std::pair<std::size_t, std::int64_t>> at;
    for (const SitePlacement& placement : placements)
      at.emplace_back(placement.site, placement.gpus);
    return at;
  };
  using Placed = std::vector<std::pair<std::size_t, std::int64_t>>;
  // 5,000 GPUs of 1 kW, "c" first: 1,500 there, "b" is skipped (not started, whatever its
  // power), 400 at "a"; 3,100 find no power.
  CHECK(gpus_at(fit_on_sites(view, {2, 1, 0}, 1000.0, 5000, free_power_w)) ==
        Placed{{2, 1500}, {0, 400}});
  CHECK(asked == std::vector<std::size_t>{2, 0});
  // 1,000 fit at "c": "a" is not even asked.
  asked.clear();
  CHECK(gpus_at(fit_on_sites(view, {2, 1, 0}, 1000.0, 1000, free_power_w)) == Placed{{2, 1000}});
  CHECK(asked == std::vector<std::size_t>{2});
  // GPUs of 2 kW: 750 at "c", 200 at "a". A site with no room has no placement.
  CHECK(gpus_at(fit_on_sites(view, {2, 0}, 2000.0, 5000, free_power_w)) ==
        Placed{{2, 750}, {0, 200}});
  CHECK(gpus_at(fit_on_sites(view, {0, 2}, 1000.0, 5000, [](std::size_t s) {
          return s == 0 ? -1e6 : 1e6;
        })) == Placed{{2, 1000}});
}

TEST_CASE("planner basics: a period's budget pays the facility due first") {
  Scenario scenario = one_year();
  scenario.planner.budget_per_period_usd = 500e6;
  HandBuiltView view(scenario);
  // "next" (30 MW at $10 per W, $300M) is paid over the 100 days it takes to build.
  view.add_site(site_spec("next", 30, 100));
  view.start_site(0, 0);
  RecordingActions actions(view);

  struct Quarter {
    double from_day;
    double next_day;
    double facility_due_usd;
    double for_gpus_usd;
  };
  // To day 90: $270M of the facility, $230M for GPUs. From day 90 to 2025-07-01 (day 181):
  // the last $30M, $470M for GPUs.
  for (const Quarter quarter : {Quarter{0, 90, 270e6, 230e6}, Quarter{90, 181, 30e6, 470e6}}) {
    INFO("from day " << quarter.from_day);
    view.today = day(quarter.from_day);
    REQUIRE(next_planning_period(view) == day(quarter.next_day));
    const PeriodBudget money = period_budget(view, actions, day(quarter.next_day));
    CHECK(money.facility_due_usd == doctest::Approx(quarter.facility_due_usd));
    CHECK(money.for_gpus_usd == doctest::Approx(quarter.for_gpus_usd));
  }
  CHECK(actions.totals.budget_usd == 1000e6);
  CHECK(actions.totals.budget_spent_facility_usd == doctest::Approx(300e6));

  // A budget of $200M cannot pay the $270M due: nothing for GPUs, the whole budget on the
  // facility (the $70M beyond it are not the budget's).
  view.today = 0;
  view.inputs.planner.budget_per_period_usd = 200e6;
  RecordingActions smaller(view);
  const PeriodBudget short_of_it = period_budget(view, smaller, day(90));
  CHECK(short_of_it.facility_due_usd == doctest::Approx(270e6));
  CHECK(short_of_it.for_gpus_usd == 0.0);
  CHECK(smaller.totals.budget_spent_facility_usd == 200e6);
}

TEST_CASE("planner basics: the budget in force at a tick, and the next period") {
  Scenario scenario = one_year();
  scenario.planner.budget_per_period_usd = 100e6;
  scenario.planner.budget_changes = {{Date{2025, 4, 1}, 200e6}, {Date{2025, 7, 1}, 50e6}};
  HandBuiltView view(scenario);
  // 2025-04-01 is day 90 and 2025-07-01 day 181; each change holds from its midnight.
  CHECK(budget_at(view, 0) == 100e6);
  CHECK(budget_at(view, day(90) - 1) == 100e6);
  CHECK(budget_at(view, day(90)) == 200e6);
  CHECK(budget_at(view, day(181) - 1) == 200e6);
  CHECK(budget_at(view, day(181)) == 50e6);
  CHECK(budget_at(view, day(364)) == 50e6);
  // Without a budget of its own, none until the first change.
  view.inputs.planner.budget_per_period_usd.reset();
  CHECK(budget_at(view, day(89)) == 0.0);
  CHECK(budget_at(view, day(90)) == 200e6);

  // From 2025-02-15 (day 45): the next quarter starts on day 90, the next month on day 59.
  view.today = day(45);
  CHECK(next_planning_period(view) == day(90));
  view.inputs.planner.budget_period = PeriodUnit::month;
  CHECK(next_planning_period(view) == day(59));

  CHECK(format_billions(1.5e9) == "$1.500B");
  CHECK(format_billions(99e6) == "$0.099B");
}

}  // namespace
}  // namespace capsim::test
