#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "model/planning/planning_fixture.hpp"

namespace capsim::test {
namespace {

TEST_CASE("fixed planner: the scenario's orders on their dates, each forming its cluster") {
  Scenario scenario = planned_year(PlannerPolicy::fixed);
  scenario.planner.service_life_s = 4 * kSecondsPerYear;
  // The first order takes the planner's lead time (90 days) and is named after its place in
  // the list; the second has a lead time of its own (30 days) and names its cluster.
  scenario.planner.orders.push_back({"dear", 1000, "a", Date{2025, 2, 1}, std::nullopt, ""});
  scenario.planner.orders.push_back(
      {"cheap", 500, "b", Date{2025, 3, 1}, 30 * kSecondsPerDay, "pretrain"});
  HandBuiltView view(scenario);
  view.add_site(site_spec("a", 10));
  view.add_site(site_spec("b", 10));
  view.add_cluster("legacy", 0, kDear, 100);  // the orders' clusters come after it
  RecordingActions actions(view);
  const std::unique_ptr<Planner> planner = make_planner(PlannerPolicy::fixed);
  CHECK(planner->starts_sites_with_scenario());
  CHECK_FALSE(planner->reviews_every_period());
  planner->set_up(view, actions);

  SUBCASE("set-up names a cluster per order and asks for a review on each order date") {
    REQUIRE(actions.clusters_added == std::vector<std::size_t>{1, 2});
    CHECK(view.clusters[1].name == "order-1");
    CHECK(view.clusters[1].site == 0);
    CHECK(view.clusters[1].part == kDear);
    CHECK(view.clusters[1].planned_gpus == 1000);
    CHECK(view.clusters[2].name == "pretrain");
    CHECK(view.clusters[2].site == 1);
    CHECK(view.clusters[2].part == kCheap);
    CHECK(view.clusters[2].planned_gpus == 500);
    // 2025-02-01 is day 31 and 2025-03-01 day 59; each review's tag is its order's index.
    REQUIRE(actions.reviews.size() == 2);
    CHECK(actions.reviews[0].at == day(31));
    CHECK(actions.reviews[0].tag == 0);
    CHECK(actions.reviews[1].at == day(59));
    CHECK(actions.reviews[1].tag == 1);
    // Nothing is ordered before its date.
    CHECK(actions.orders.empty());
    CHECK(actions.buildout.empty());
  }

  SUBCASE("a review places its order: arriving a lead time later, its amount at installed price") {
    // In the order the tags come, not the list's: the second order first.
    view.today = day(59);
    planner->review(view, actions, 1);
    view.today = day(31);
    planner->review(view, actions, 0);
    // "pretrain": day 59 + its own 30 days; "order-1": day 31 + the planner's 90 days.
    CHECK(actions.order_lines() ==
          "pretrain: 500 cheap at b, cluster 2, day 89\n"
          "order-1: 1000 dear at a, cluster 1, day 121\n");
    for (const OrderRequest& order : actions.orders)
      CHECK(order.service_life_s == 4 * kSecondsPerYear);
    // Each is recorded when placed, its amount its GPUs' installed price: 500 × $25K and
    // 1,000 × $50K.
    const std::vector<BuildoutEvent> recorded = actions.events(BuildoutKind::order);
    REQUIRE(recorded.size() == 2);
    CHECK(recorded[0].tick == day(59));
    CHECK(recorded[0].site == "b");
    CHECK(recorded[0].accelerator == "cheap");
    CHECK(recorded[0].cluster == "pretrain");
    CHECK(recorded[0].gpus == 500);
    CHECK(recorded[0].amount_usd == 12.5e6);
    CHECK(recorded[1].tick == day(31));
    CHECK(recorded[1].cluster == "order-1");
    CHECK(recorded[1].gpus == 1000);
    CHECK(recorded[1].amount_usd == 50e6);
    CHECK(actions.buildout.size() == 2);
    // The fixed planner keeps no budget.
    CHECK(actions.totals.budget_usd == 0.0);
  }
}

}  // namespace
}  // namespace capsim::test
