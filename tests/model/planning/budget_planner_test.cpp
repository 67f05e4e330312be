#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

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
  // buys "dear" (3,120) for which no power is left: it is reported unspent.
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
  CHECK(budget[0].note == "bought 9800 cheap; facility due $0.099B; unspent $0.156B");
  CHECK(actions.totals.budget_usd == 500e6);
  CHECK(actions.totals.budget_spent_facility_usd == doctest::Approx(99e6));
  CHECK(actions.totals.budget_spent_gpus_usd == doctest::Approx(245e6));
  CHECK(actions.totals.budget_unplaced_usd == doctest::Approx(156e6));
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
  CHECK(budget[0].note == "bought 3000 cheap, 8500 dear; facility due $0.000B; unspent $0.000B");
  CHECK(actions.totals.budget_spent_gpus_usd == 500e6);
  CHECK(actions.totals.budget_unplaced_usd == 0.0);
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
    // One site at a time: "after" waits for a later review.
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
    // The $200M buy 8,000 "cheap"; the other $300M of the budget is unspent.
    CHECK(actions.order_lines() ==
          "budget-2025-01-01-cheap-existing: 8000 cheap at existing, cluster 0, day 0\n");
    CHECK(actions.totals.budget_spent_gpus_usd == 200e6);
    CHECK(actions.totals.budget_unplaced_usd == 0.0);
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
