#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "model/planning/planning_fixture.hpp"

namespace capsim::test {
namespace {

/// A quarterly budget of $500M. At $10 per W of facility "cheap" costs $35K all-in and "dear"
/// $60K for the same FLOP/s: "cheap" is the better value.
Scenario budgeted(double lead_days = 90) {
  Scenario scenario = planned_year(PlannerPolicy::budget);
  scenario.planner.budget_per_period_usd = 500e6;
  scenario.planner.lead_time_s = lead_days * kSecondsPerDay;
  return scenario;
}

/// One review by the budget planner at the view's `today`.
void review(HandBuiltView& view, RecordingActions& actions) {
  const std::unique_ptr<Planner> planner = make_planner(PlannerPolicy::budget);
  REQUIRE(planner->reviews_every_period());
  CHECK_FALSE(planner->starts_sites_with_scenario());
  planner->review(view, actions, 0);
}

TEST_CASE("budget planner: the facility due first, then the best value up to the power free") {
  HandBuiltView view(budgeted());
  // "existing": 10 MW with 2,000 "dear" installed, 8 MW free. Two sites under construction
  // since day 0: "building", 1.8 MW for $18M online on day 180, and "later", 27 MW for $270M
  // online on day 270.
  view.add_site(site_spec("existing", 10));
  view.add_site(site_spec("building", 1.8, 180));
  view.add_site(site_spec("later", 27, 270));
  view.start_site(1, 0);
  view.start_site(2, 0);
  view.install(view.add_cluster("installed", 0, kDear, 2000), 2000);
  RecordingActions actions(view);
  review(view, actions);
  // The quarter to day 90 owes half of "building" ($9M) and a third of "later" ($90M): $99M,
  // which leaves $401M for GPUs, 16,040 "cheap" at $25K. They arrive on day 90 and may wait a
  // quarter for power, to day 180: 8 MW at "existing" and the 1.8 MW of "building" that come
  // online on that very day hold 9,800 of them ($245M); "later" is not ready. The $156M left
  // buys "dear" (3,120) for which no power is left: it is reported unplaced, and why: too little
  // site power by day 180, 2025-06-30.
  CHECK(actions.sites_started.empty());
  CHECK(actions.order_lines() ==
        "budget-2025-01-01-cheap-existing: 8000 cheap at existing, cluster 1, day 90\n"
        "budget-2025-01-01-cheap-building: 1800 cheap at building, cluster 2, day 90\n");
  REQUIRE(actions.clusters_added == std::vector<std::size_t>{1, 2});
  CHECK(view.clusters[1].name == "budget-2025-01-01-cheap-existing");
  CHECK(view.clusters[1].planned_gpus == 8000);
  CHECK(view.clusters[2].site == 1);
  CHECK(view.clusters[2].part == kCheap);
  CHECK(view.clusters[2].planned_gpus == 1800);
  const std::vector<BuildoutEvent> orders = actions.events(BuildoutKind::order);
  REQUIRE(orders.size() == 2);
  CHECK(orders[0].amount_usd == 200e6);  // 8,000 × $25K
  CHECK(orders[1].amount_usd == 45e6);   // 1,800 × $25K
  CHECK(orders[1].note == "budget planner");
  const std::vector<BuildoutEvent> budget = actions.events(BuildoutKind::budget);
  REQUIRE(budget.size() == 1);
  CHECK(budget[0].amount_usd == 500e6);
  CHECK(budget[0].note ==
        "bought 9800 cheap; facility due $0.099B; unplaced $0.156B (too little site power by "
        "2025-06-30), dropped");
  CHECK(actions.totals.budget_usd == 500e6);
  CHECK(actions.totals.budget_spent_facility_usd == doctest::Approx(99e6));
  CHECK(actions.totals.budget_spent_gpus_usd == doctest::Approx(245e6));
  CHECK(actions.totals.budget_unplaced_usd == doctest::Approx(156e6));
  CHECK(actions.totals.budget_periods_power_short == 1);
  CHECK(actions.totals.budget_periods_vendor_capped == 0);
}

TEST_CASE("budget planner: the clusters it builds claim their network and storage power") {
  Scenario scenario = budgeted();
  scenario.planner.non_server_power = {110.0, 32.0};
  HandBuiltView view(scenario);
  view.add_site(site_spec("existing", 8));
  RecordingActions actions(view);
  review(view, actions);
  // A "cheap" GPU claims 1,000 W of server and 142 W of network and storage: 8 MW hold
  // floor(8,000,000 / 1,142) = 7,005 of the 13,728 the $500M would buy at $36,420 all-in
  // ($25K + 1,142 W × $10/W); the rest is unplaced ($175.125M spent on GPUs).
  CHECK(actions.order_lines() ==
        "budget-2025-01-01-cheap-existing: 7005 cheap at existing, cluster 0, day 90\n");
  CHECK(actions.totals.budget_spent_gpus_usd == doctest::Approx(7005 * 25e3));
}

TEST_CASE("budget planner: a vendor cap on the best value buys the next part") {
  HandBuiltView view(budgeted());
  view.add_site(site_spec("existing", 40));
  // GPUs ordered now arrive on day 90, 2025-04-01: the second quarter's cap holds, not the
  // first's.
  view.cap_vendor(kCheap, Date{2025, 1, 1}, 0);
  view.cap_vendor(kCheap, Date{2025, 4, 1}, 3000);
  RecordingActions actions(view);
  review(view, actions);
  // 3,000 "cheap" at $25K ($75M); the $425M left buys 8,500 "dear" at $50K. 11.5 MW in all fit
  // in the 40 MW.
  CHECK(actions.order_lines() ==
        "budget-2025-01-01-cheap-existing: 3000 cheap at existing, cluster 0, day 90\n"
        "budget-2025-01-01-dear-existing: 8500 dear at existing, cluster 1, day 90\n");
  const std::vector<BuildoutEvent> budget = actions.events(BuildoutKind::budget);
  REQUIRE(budget.size() == 1);
  CHECK(budget[0].note == "bought 3000 cheap, 8500 dear; facility due $0.000B; unplaced $0.000B");
  CHECK(actions.totals.budget_spent_gpus_usd == 500e6);
  CHECK(actions.totals.budget_unplaced_usd == 0.0);
}

TEST_CASE("budget planner: planner.parts limits the parts it buys") {
  Scenario scenario = budgeted();
  // "cheap" is the better value ($35K all-in against $60K for the same FLOP/s), but the
  // scenario allows only "dear".
  scenario.planner.parts = {"dear"};
  HandBuiltView view(scenario);
  view.add_site(site_spec("existing", 40));
  RecordingActions actions(view);
  review(view, actions);
  // $500M buys 10,000 "dear" at $50K: 10 MW of the 40.
  CHECK(actions.order_lines() ==
        "budget-2025-01-01-dear-existing: 10000 dear at existing, cluster 0, day 90\n");
  CHECK(actions.totals.budget_spent_gpus_usd == 500e6);
}

TEST_CASE("budget planner: no part after its end of sale, each at the price of the date") {
  Scenario scenario = budgeted();
  // "cheap" left sale on the start date, 2025-01-01; "dear" has a list price of $40K from
  // 2024-07-01.
  scenario.catalog.accelerators[kCheap].end_of_sale = Date{2025, 1, 1};
  scenario.catalog.accelerators[kDear].list_prices.push_back({Date{2024, 7, 1}, 40e3});
  HandBuiltView view(scenario);
  view.add_site(site_spec("existing", 40));
  view.funds = 1e9;
  RecordingActions actions(view);
  review(view, actions);
  // $500M buys 12,500 "dear" at $40K (12.5 MW of the 40): nothing of "cheap".
  CHECK(actions.order_lines() ==
        "budget-2025-01-01-dear-existing: 12500 dear at existing, cluster 0, day 90\n");
  const std::vector<BuildoutEvent> orders = actions.events(BuildoutKind::order);
  REQUIRE(orders.size() == 1);
  CHECK(orders[0].amount_usd == 500e6);
  CHECK(actions.totals.budget_spent_gpus_usd == 500e6);
  // The order commits its own price against the funds.
  CHECK(view.funds == 500e6);
}

TEST_CASE("budget planner: a site started ahead when the power left would run out first") {
  // As the first quarter of "capacity: the budget planner buys the best value and starts sites
  // ahead": GPUs arrive at once, so $500M a quarter at $35K all-in is 14,286 "cheap", 14.286 MW
  // a quarter. "next" (30 MW, $300M) takes 100 days to build, 2 quarters: the power not yet
  // committed must last 3 quarters, 42.86 MW, or "next" starts now.
  HandBuiltView view(budgeted(0));
  const std::string started_why = "budget planner: started ahead of GPU arrivals";

  SUBCASE("42 MW left: started, its facility paid first from the budget") {
    view.add_site(site_spec("existing", 42));
    view.add_site(site_spec("next", 30, 100));
    view.add_site(site_spec("after", 30, 100));
    RecordingActions actions(view);
    review(view, actions);
    // "after" is not needed yet: 42 + 30 MW last the 3 quarters.
    REQUIRE(actions.sites_started.size() == 1);
    CHECK(actions.sites_started[0].site == "next");
    CHECK(actions.sites_started[0].why == started_why);
    // "next" is paid over its 100 days: $270M by day 90, leaving $230M, 9,200 "cheap" at
    // "existing" ("next" is not online by day 90).
    CHECK(actions.order_lines() ==
          "budget-2025-01-01-cheap-existing: 9200 cheap at existing, cluster 0, day 0\n");
    CHECK(actions.totals.budget_spent_facility_usd == doctest::Approx(270e6));
    CHECK(actions.totals.budget_spent_gpus_usd == doctest::Approx(230e6));
  }
  SUBCASE("43 MW left: not yet") {
    view.add_site(site_spec("existing", 43));
    view.add_site(site_spec("next", 30, 100));
    RecordingActions actions(view);
    review(view, actions);
    CHECK(actions.sites_started.empty());
    // The whole budget buys 20,000 "cheap" (20 MW).
    CHECK(actions.order_lines() ==
          "budget-2025-01-01-cheap-existing: 20000 cheap at existing, cluster 0, day 0\n");
  }
  SUBCASE("funds of $200M cannot pay for its $300M: not started, the funds buy GPUs") {
    view.add_site(site_spec("existing", 42));
    view.add_site(site_spec("next", 30, 100));
    view.funds = 200e6;
    RecordingActions actions(view);
    review(view, actions);
    CHECK(actions.sites_started.empty());
    // The $200M buy 8,000 "cheap"; the other $300M of the budget is beyond the funds, reported
    // as such, not as unplaced.
    CHECK(actions.order_lines() ==
          "budget-2025-01-01-cheap-existing: 8000 cheap at existing, cluster 0, day 0\n");
    CHECK(actions.totals.budget_spent_gpus_usd == 200e6);
    CHECK(actions.totals.budget_unplaced_usd == 0.0);
    CHECK(actions.totals.budget_unfunded_usd == 300e6);
    CHECK(actions.events(BuildoutKind::budget).at(0).note ==
          "bought 8000 cheap; facility due $0.000B; unplaced $0.000B; $0.300B beyond the funds");
  }
  SUBCASE("with a lead time of 90 days the build takes only a quarter more: 28.57 MW") {
    // ⌈(100 − 90) / 90⌉ = 1 quarter of building: the power left must last 2 quarters.
    for (const auto& [existing_mw, starts] : {std::pair{28.0, true}, std::pair{29.0, false}}) {
      INFO(existing_mw << " MW left");
      HandBuiltView lead_view(budgeted(90));
      lead_view.add_site(site_spec("existing", existing_mw));
      lead_view.add_site(site_spec("next", 30, 100));
      RecordingActions actions(lead_view);
      review(lead_view, actions);
      CHECK(actions.sites_started.size() == (starts ? 1 : 0));
    }
  }
}

TEST_CASE("budget planner: several sites start in one review when the money allows") {
  // As above: 42.86 MW must last until a 100-day site is ready. "existing" has 10 MW.
  // "next" (20 MW): 10 < 42.86, its first quarter's payments are 90/100 of $200M = $180M:
  // started, 30 MW. "after" (20 MW): 30 < 42.86 and $180M + $180M <= $500M: started, 50 MW.
  // "later": 50 MW last, not needed yet.
  HandBuiltView view(budgeted(0));
  view.add_site(site_spec("existing", 10));
  view.add_site(site_spec("next", 20, 100));
  SiteSpec after = site_spec("after", 20, 100);
  SUBCASE("both paid from the quarter's $500M") {
    view.add_site(after);
    view.add_site(site_spec("later", 20, 100));
    RecordingActions actions(view);
    review(view, actions);
    REQUIRE(actions.sites_started.size() == 2);
    CHECK(actions.sites_started[0].site == "next");
    CHECK(actions.sites_started[1].site == "after");
    // $360M of facility due leaves $140M: 5,600 "cheap" at "existing".
    CHECK(actions.totals.budget_spent_facility_usd == doctest::Approx(360e6));
    CHECK(actions.order_lines() ==
          "budget-2025-01-01-cheap-existing: 5600 cheap at existing, cluster 0, day 0\n");
  }
  SUBCASE("the second's first payments do not fit: it and those after it wait") {
    // At $20/W "after" costs $400M, $360M of it this quarter: $540M with "next"'s > $500M.
    after.cost_per_power_usd_per_w = 20.0;
    view.add_site(after);
    view.add_site(site_spec("later", 20, 100));
    RecordingActions actions(view);
    review(view, actions);
    REQUIRE(actions.sites_started.size() == 1);
    CHECK(actions.sites_started[0].site == "next");
    // $320M buys 12,800 "cheap"; the 10 MW at "existing" hold 10,000 ($250M).
    CHECK(actions.order_lines() ==
          "budget-2025-01-01-cheap-existing: 10000 cheap at existing, cluster 0, day 0\n");
    CHECK(actions.totals.budget_unplaced_usd == doctest::Approx(70e6));
  }
}

TEST_CASE("budget planner: unplaced budget is dropped or carried into the next period") {
  // "existing" holds 8 MW; "later" (30 MW, $300M over 120 days, started on day 0) comes
  // online on day 120. Quarter 1 owes $225M of "later", so $275M buys 11,000 "cheap" of which
  // 8,000 fit: $75M finds no power before day 90 (2025-04-01). Quarter 2 (day 90, to day 181)
  // owes $75M; "later"'s 30 MW are ready in time.
  for (const UnplacedBudget policy : {UnplacedBudget::drop, UnplacedBudget::carry}) {
    const bool carry = policy == UnplacedBudget::carry;
    INFO((carry ? "carry" : "drop"));
    Scenario scenario = budgeted(0);
    scenario.planner.unplaced_budget = policy;
    HandBuiltView view(scenario);
    view.add_site(site_spec("existing", 8));
    view.add_site(site_spec("later", 30, 120));
    view.start_site(1, 0);
    const std::unique_ptr<Planner> planner = make_planner(PlannerPolicy::budget);
    RecordingActions actions(view);
    planner->review(view, actions, 0);
    view.today = day(90);
    planner->review(view, actions, 1);
    const std::vector<BuildoutEvent> budget = actions.events(BuildoutKind::budget);
    REQUIRE(budget.size() == 2);
    CHECK(budget[0].note ==
          fmt::format("bought 8000 cheap; facility due $0.225B; unplaced $0.075B (too little "
                      "site power by 2025-04-01), {}",
                      carry ? "carried forward" : "dropped"));
    if (carry) {
      // $500M + $75M carried − $75M due: 20,000 "cheap", all placed at "later".
      CHECK(budget[1].note ==
            "carried in $0.075B; bought 20000 cheap; facility due $0.075B; unplaced $0.000B");
      CHECK(actions.totals.budget_spent_gpus_usd == doctest::Approx(700e6));
      CHECK(actions.totals.budget_unplaced_usd == 0.0);
    } else {
      // $500M − $75M due: 17,000 "cheap"; the $75M of quarter 1 stays unplaced.
      CHECK(budget[1].note == "bought 17000 cheap; facility due $0.075B; unplaced $0.000B");
      CHECK(actions.totals.budget_spent_gpus_usd == doctest::Approx(625e6));
      CHECK(actions.totals.budget_unplaced_usd == doctest::Approx(75e6));
    }
    // Given, spent and unplaced add up either way; the budget is counted once.
    CHECK(actions.totals.budget_usd == 1e9);
    CHECK(actions.totals.budget_spent_facility_usd == doctest::Approx(300e6));
    CHECK(actions.totals.budget_spent_facility_usd + actions.totals.budget_spent_gpus_usd +
              actions.totals.budget_unplaced_usd ==
          doctest::Approx(1e9));
    CHECK(actions.totals.budget_periods_power_short == 1);
  }
}

TEST_CASE("budget planner: a review at or after the end does nothing") {
  HandBuiltView view(budgeted());
  view.add_site(site_spec("existing", 40));
  view.add_site(site_spec("next", 30, 100));
  for (const Tick at : {view.end(), view.end() + day(1)}) {
    view.today = at;
    RecordingActions actions(view);
    review(view, actions);
    CHECK(actions.sites_started.empty());
    CHECK(actions.orders.empty());
    CHECK(actions.buildout.empty());
    CHECK(actions.totals.budget_usd == 0.0);
  }
  // The last quarter's review, on 2025-10-01 (day 273), still acts: "next" need not start
  // (40 MW last 2 quarters of 14.29 MW) and the budget buys 20,000 "cheap".
  view.today = day(273);
  RecordingActions actions(view);
  review(view, actions);
  CHECK(actions.sites_started.empty());
  CHECK(actions.totals.budget_usd == 500e6);
  REQUIRE(actions.orders.size() == 1);
  CHECK(actions.orders[0].gpus == 20000);
}

}  // namespace
}  // namespace capsim::test
