#include <doctest/doctest.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "model/planning/planning_fixture.hpp"

namespace capsim::test {
namespace {

// The first review is on 2025-01-01 (day 0): the next period starts on day 90, orders placed
// now arrive on day 90 and must hold until the next period's arrive, on day 180 (the horizon).

/// At a target utilisation of 0.75.
Scenario demand_year() {
  Scenario scenario = planned_year(PlannerPolicy::demand);
  scenario.planner.target_utilisation = 0.75;
  return scenario;
}

/// A service that needs 50 GPUs per day since the start, all day long.
std::int64_t ramp(Tick hour, const TokenDemand&) {
  return 50 * (hour / kTicksPerDay);
}

TEST_CASE("demand planner: a service short at the horizon gets exactly what it lacks") {
  HandBuiltView view(demand_year());
  view.add_site(site_spec("a", 20));
  view.add_site(site_spec("b", 20));
  // "serve" at "b" holds 5,000 "cheap" for good and 1,000 that retire on day 150, before the
  // horizon; "chat" at "a" holds 8,000 "dear".
  const std::size_t serve = view.add_cluster("serve", 1, kCheap, 6000);
  view.install(serve, 5000);
  view.install(serve, 1000, day(150));
  const std::size_t chat = view.add_cluster("chat", 0, kDear, 8000);
  view.install(chat, 8000);
  view.add_service(serve, ramp);
  // "chat" needs 3,000 GPUs but for one hour on day 175 that needs 9,000.
  view.add_service(chat, [](Tick hour, const TokenDemand&) -> std::int64_t {
    return hour == day(175) + 12 * kTicksPerHour ? 9000 : 3000;
  });
  RecordingActions actions(view);
  const std::unique_ptr<Planner> planner = make_planner(PlannerPolicy::demand);
  CHECK(planner->reviews_every_period());
  CHECK_FALSE(planner->starts_sites_with_scenario());
  planner->review(view, actions, 0);
  // "serve": the busiest hour of the last week, from day 173, needs 50 × 179 = 8,950; the
  // middle week of [90, 180), centred on day 135 (day 131½ to 138½: 12 h at 131, a day each
  // of 132–137, 12 h at 138), needs 50 × 22,596 / 168 = 6,725 on average, 8,967 at 0.75. It
  // will hold 5,000 at the horizon: 3,967 lacking (not the 3,200 it lacks today). "chat": its
  // busiest hour, 9,000, outweighs 3,000 / 0.75 = 4,000: 1,000 lacking. Each is ordered for
  // its cluster at its cluster's site, which has the power.
  CHECK(actions.order_lines() ==
        "demand-2025-01-01-serve-b: 3967 cheap at b, cluster 0, day 90\n"
        "demand-2025-01-01-chat-a: 1000 dear at a, cluster 1, day 90\n");
  const std::vector<BuildoutEvent> orders = actions.events(BuildoutKind::order);
  REQUIRE(orders.size() == 2);
  CHECK(orders[0].amount_usd == 99.175e6);  // 3,967 × $25K
  CHECK(orders[0].note == "demand planner");
  CHECK(orders[1].amount_usd == 50e6);  // 1,000 × $50K
  // Nothing short, no training, no new cluster, no site, no budget.
  CHECK(actions.events(BuildoutKind::shortfall).empty());
  CHECK(actions.totals.planner_shortfall_periods == 0);
  CHECK(actions.clusters_added.empty());
  CHECK(actions.sites_started.empty());
  CHECK(actions.totals.budget_usd == 0.0);
}

TEST_CASE("demand planner: the demand sized is the curve at the multiple prices send it to") {
  // 1M output tokens/s at 250 per GPU is 4,000 GPUs; the model says prices will have moved
  // demand to 1.5 times its curve: 6,000 every hour, 8,000 at 0.75, of which "serve" holds
  // 5,000.
  HandBuiltView view(demand_year());
  view.add_site(site_spec("a", 20));
  const std::size_t serve = view.add_cluster("serve", 0, kCheap, 5000);
  view.install(serve, 5000);
  const std::size_t k = view.add_service(
      serve,
      [](Tick, const TokenDemand& demand) {
        return static_cast<std::int64_t>(std::ceil(demand.output_tokens_per_s / 250.0));
      },
      TokenDemand{0.0, 1e6, 0.0});
  view.services[k].multiple_ahead = 1.5;
  RecordingActions actions(view);
  make_planner(PlannerPolicy::demand)->review(view, actions, 0);
  CHECK(actions.order_lines() == "demand-2025-01-01-serve-a: 3000 cheap at a, cluster 0, day 90\n");
}

/// "serve" at "b" as above: 3,967 "cheap" lacking at the horizon. Sites "a" and "b" of 20 MW
/// unless given.
void add_short_service(HandBuiltView& view, double a_mw = 20, double b_mw = 20) {
  view.add_site(site_spec("a", a_mw));
  view.add_site(site_spec("b", b_mw));
  const std::size_t serve = view.add_cluster("serve", 1, kCheap, 6000);
  view.install(serve, 5000);
  view.install(serve, 1000, day(60));
  view.add_service(serve, ramp);
}

/// The shortfall one review records: its GPUs and note.
void check_shortfall(const RecordingActions& actions, std::int64_t gpus, const std::string& why) {
  const std::vector<BuildoutEvent> shortfall = actions.events(BuildoutKind::shortfall);
  REQUIRE(shortfall.size() == 1);
  CHECK(shortfall[0].tick == 0);
  CHECK(shortfall[0].gpus == gpus);
  CHECK(shortfall[0].note == "demand planner: not ordered for lack of " + why);
  CHECK(actions.totals.planner_shortfall_periods == 1);
  CHECK(actions.totals.planner_shortfall_gpus_max == gpus);
}

TEST_CASE("demand planner: what it cannot order is a shortfall, with the reason") {
  // A budget of $90M a quarter; "a" and "b" have power to spare.
  Scenario scenario = demand_year();
  scenario.planner.budget_per_period_usd = 90e6;
  HandBuiltView view(scenario);
  add_short_service(view);
  RecordingActions actions(view);
  const auto review = [&] { make_planner(PlannerPolicy::demand)->review(view, actions, 0); };

  SUBCASE("the budget: 3,600 ordered, 367 short") {
    review();
    // $90M buys 3,600 at $25K.
    CHECK(actions.order_lines() ==
          "demand-2025-01-01-serve-b: 3600 cheap at b, cluster 0, day 90\n");
    check_shortfall(actions, 367, "budget");
    CHECK(actions.totals.budget_usd == 90e6);
    CHECK(actions.totals.budget_spent_facility_usd == 0.0);
    CHECK(actions.totals.budget_spent_gpus_usd == 90e6);
    CHECK(actions.totals.budget_unplaced_usd == 0.0);
  }
  SUBCASE("funds of $30M under the budget: the funds are what it lacks") {
    view.funds = 30e6;
    review();
    // $30M buys 1,200.
    REQUIRE(actions.orders.size() == 1);
    CHECK(actions.orders[0].gpus == 1200);
    check_shortfall(actions, 2767, "funds");
    CHECK(actions.totals.budget_spent_gpus_usd == 30e6);
  }
  SUBCASE("a vendor cap of 1,500 in the quarter they arrive") {
    view.cap_vendor(kCheap, Date{2025, 4, 1}, 1500);
    review();
    REQUIRE(actions.orders.size() == 1);
    CHECK(actions.orders[0].gpus == 1500);
    check_shortfall(actions, 2467, "cheap vendor cap");
    // $37.5M spent, $52.5M of the budget left unplaced.
    CHECK(actions.totals.budget_spent_gpus_usd == 37.5e6);
    CHECK(actions.totals.budget_unplaced_usd == 52.5e6);
  }
  SUBCASE("its cluster's part off sale and no other hosts it: nothing ordered, all 3,967 short") {
    // "cheap" left sale on the review's date, 2025-01-01; "serve" hosts on "cheap" alone.
    view.inputs.catalog.accelerators[kCheap].end_of_sale = Date{2025, 1, 1};
    review();
    CHECK(actions.orders.empty());
    check_shortfall(actions, 3967, "cheap on sale");
    CHECK(actions.totals.budget_spent_gpus_usd == 0.0);
    CHECK(actions.totals.budget_unplaced_usd == 90e6);
  }
  SUBCASE("its cluster's part at a later list price: $90M buys 4,500 at $20K, enough") {
    view.inputs.catalog.accelerators[kCheap].list_prices.push_back({Date{2024, 12, 1}, 20e3});
    review();
    CHECK(actions.order_lines() ==
          "demand-2025-01-01-serve-b: 3967 cheap at b, cluster 0, day 90\n");
    CHECK(actions.events(BuildoutKind::shortfall).empty());
    CHECK(actions.totals.budget_spent_gpus_usd == 3967 * 20e3);
  }
  SUBCASE("site power, without a budget: its own site first, then the others, then short") {
    // "b" is full but for 1 MW and the 1 MW its 1,000 retiring GPUs free on day 60, before the
    // GPUs arrive: 2,000. "a" is full but for 0.2 MW: 200. 1,767 are short.
    view.inputs.planner.budget_per_period_usd.reset();
    view.install(view.add_cluster("full-b", 1, kCheap, 13000), 13000);
    view.install(view.add_cluster("full-a", 0, kCheap, 19800), 19800);
    review();
    CHECK(actions.order_lines() ==
          "demand-2025-01-01-serve-b: 2000 cheap at b, cluster 0, day 90\n"
          "demand-2025-01-01-serve-a: 200 cheap at a, cluster 0, day 90\n");
    check_shortfall(actions, 1767, "site power by 2025-04-01");
  }
}

TEST_CASE("demand planner: training beyond what the clusters hold gets a cluster per site") {
  // "pretrain" at "a" holds 1,000 "dear"; "cheap" is the better value, the part training is
  // bought in.
  HandBuiltView view(demand_year());
  const auto pretrain_at_a = [&](double a_mw) {
    view.add_site(site_spec("a", a_mw));
    view.install(view.add_cluster("pretrain", 0, kDear, 1000), 1000);
  };
  RecordingActions actions(view);
  const std::unique_ptr<Planner> planner = make_planner(PlannerPolicy::demand);

  SUBCASE("the forecast GPUs, then more in the same cluster a period later") {
    // Listed jobs hold or ask for 3,000 GPUs: 4,000 at 0.75, of which "pretrain" holds 1,000.
    pretrain_at_a(20);
    view.training.listed_gpus = 3000;
    planner->review(view, actions, 0);
    REQUIRE(actions.clusters_added == std::vector<std::size_t>{1});
    CHECK(view.clusters[1].name == "training-cheap-a");
    CHECK(view.clusters[1].site == 0);
    CHECK(view.clusters[1].part == kCheap);
    CHECK(view.clusters[1].planned_gpus == 3000);
    // On 2025-04-01 (day 90) they ask for 4,500: 6,000 at 0.75 against the 4,000 held, 2,000
    // more, arriving on day 180, for the same cluster.
    view.today = day(90);
    view.training.listed_gpus = 4500;
    planner->review(view, actions, 1);
    CHECK(actions.clusters_added.size() == 1);
    REQUIRE(actions.clusters_grown.size() == 1);
    CHECK(actions.clusters_grown[0].cluster == 1);
    CHECK(actions.clusters_grown[0].gpus == 2000);
    CHECK(actions.order_lines() ==
          "demand-2025-01-01-training-cheap-a-a: 3000 cheap at a, cluster 1, day 90\n"
          "demand-2025-04-01-training-cheap-a-a: 2000 cheap at a, cluster 1, day 180\n");
  }
  SUBCASE("the largest waiting job, whole in one cluster") {
    // No GPUs asked for beyond what is held, but a job of 2,048 waits: the largest cluster,
    // "pretrain", lacks 1,048.
    pretrain_at_a(20);
    view.training.largest_waiting_job_gpus = 2048;
    planner->review(view, actions, 0);
    REQUIRE(actions.orders.size() == 1);
    CHECK(actions.orders[0].gpus == 1048);
    CHECK(view.clusters[1].name == "training-cheap-a");
  }
  SUBCASE("spread over the sites with power, one cluster each") {
    // "a" (2.5 MW) has 1.5 MW free: 1,500 there, the other 1,500 at "b" (2 MW), listed after.
    pretrain_at_a(2.5);
    view.add_site(site_spec("b", 2));
    view.training.listed_gpus = 3000;
    planner->review(view, actions, 0);
    CHECK(actions.order_lines() ==
          "demand-2025-01-01-training-cheap-a-a: 1500 cheap at a, cluster 1, day 90\n"
          "demand-2025-01-01-training-cheap-b-b: 1500 cheap at b, cluster 2, day 90\n");
    CHECK(view.clusters[2].name == "training-cheap-b");
    CHECK(actions.events(BuildoutKind::shortfall).empty());
  }
}

TEST_CASE("demand planner: sites started when the forecast power exceeds the started power") {
  // "serve" at "a" holds 8,000 "cheap" (8 MW). The power the fleet needs at a tick is the
  // service's GPUs for the week from it: the site must hold the need from when it is ready to
  // a period later.
  HandBuiltView view(demand_year());
  const auto serve_at_a = [&](double a_mw) {
    view.add_site(site_spec("a", a_mw));
    const std::size_t serve = view.add_cluster("serve", 0, kCheap, 8000);
    view.install(serve, 8000);
    view.add_service(serve, ramp);
  };
  RecordingActions actions(view);
  const std::unique_ptr<Planner> planner = make_planner(PlannerPolicy::demand);

  SUBCASE("one site, the one after while still short") {
    // "b" (1 MW) takes 120 days: ready by the horizon, day 180 (2025-06-30), and must hold the
    // need on day 270: the week from it needs 50 × 273 = 13,650 GPUs on average, 18,200 at
    // 0.75, 18.2 MW (more than the 13,800 of its busiest hour). 10 MW are started: "b" starts.
    // "c" (30 MW) takes 200 days, ready on 2025-07-20: on day 290, 50 × 293 / 0.75 = 19,534
    // GPUs, 19.5 MW, more than the 11 MW now started: "c" starts too, and holds it.
    serve_at_a(10);
    view.add_site(site_spec("b", 1, 120));
    view.add_site(site_spec("c", 30, 200));
    view.add_site(site_spec("d", 30, 100));
    planner->review(view, actions, 0);
    REQUIRE(actions.sites_started.size() == 2);
    CHECK(actions.sites_started[0].site == "b");
    CHECK(actions.sites_started[0].why ==
          "demand planner: 18 MW needed by 2025-06-30, 10 MW started");
    CHECK(actions.sites_started[1].site == "c");
    CHECK(actions.sites_started[1].why ==
          "demand planner: 20 MW needed by 2025-07-20, 11 MW started");
    // Serving lacks 8,967 − 8,000 = 967 at the horizon; "a" has 2 MW free.
    CHECK(actions.order_lines() ==
          "demand-2025-01-01-serve-a: 967 cheap at a, cluster 0, day 90\n");
  }
  SUBCASE("none while the started power holds the need") {
    serve_at_a(18.2);
    view.add_site(site_spec("b", 30, 120));
    planner->review(view, actions, 0);
    CHECK(actions.sites_started.empty());
  }
  SUBCASE("none the funds cannot pay for, which is then a reason for the shortfall") {
    // "b" costs $300M, $100M are left. "a" (8.5 MW) has 0.5 MW free for the 967 lacking.
    serve_at_a(8.5);
    view.add_site(site_spec("b", 30, 120));
    view.funds = 100e6;
    planner->review(view, actions, 0);
    CHECK(actions.sites_started.empty());
    REQUIRE(actions.orders.size() == 1);
    CHECK(actions.orders[0].gpus == 500);
    check_shortfall(actions, 467, "funds to build b, site power by 2025-04-01");
  }
}

}  // namespace
}  // namespace capsim::test

namespace capsim::test {
namespace {

TEST_CASE("demand planner: a service moves to a part that is cheaper per token (hand-worked)") {
  // "serve" at "b" lacks 3,967 "cheap" at the horizon (add_short_service). A GPU of "cheap"
  // serves 1 token/s of it, one of "dear" 3. All-in, with $10/W of facility for 1,000 W:
  //   cheap: 1 / ($25,000 + $10,000) = 2.857e-5 tokens/s per USD
  //   dear:  3 / ($50,000 + $10,000) = 5.000e-5 tokens/s per USD: the better value.
  // 3,967 "cheap" stand for 3,967 / 3 = 1,322.3, so 1,323 "dear", in a cluster of their own
  // at the service's site that its services serve on too.
  HandBuiltView view(demand_year());
  add_short_service(view);
  view.services[0].tokens_per_gpu_s = [](std::size_t part) {
    return std::optional<double>(part == kDear ? 3.0 : 1.0);
  };
  RecordingActions actions(view);
  const std::unique_ptr<Planner> planner = make_planner(PlannerPolicy::demand);
  planner->review(view, actions, 0);
  CHECK(actions.order_lines() ==
        "demand-2025-01-01-service-0-dear-b-b: 1323 dear at b, cluster 1, day 90\n");
  REQUIRE(view.clusters.size() == 2);
  CHECK(view.clusters[1].name == "service-0-dear-b");
  CHECK(actions.serving_added == std::vector<std::pair<std::size_t, std::size_t>>{{0, 1}});
  const std::vector<BuildoutEvent> orders = actions.events(BuildoutKind::order);
  REQUIRE(orders.size() == 1);
  CHECK(orders[0].value.unit == "tokens/s per USD");
  CHECK(orders[0].value.value == doctest::Approx(3.0 / 60e3));
  CHECK(orders[0].value.runner_up == "cheap");
  CHECK(orders[0].value.runner_up_value == doctest::Approx(1.0 / 35e3));
  CHECK(actions.events(BuildoutKind::shortfall).empty());

  SUBCASE("reviewed again, it counts the new cluster's GPUs at 3 each: nothing more to order") {
    RecordingActions again(view);
    planner->review(view, again, 0);
    CHECK(again.orders.empty());
  }
}

TEST_CASE("demand planner: where power binds, the part with most tokens/s per watt") {
  // As above, but "dear" draws 3,000 W a GPU: per dollar it is still the better value,
  // 3 / ($50,000 + $30,000) = 3.75e-5 against 2.857e-5, but per watt it ties with "cheap":
  // 3 / 3,000 W = 1 / 1,000 W = 1e-3 tokens/s per W. Site "b" of 7 MW holds 6,000 "cheap"
  // (6 MW), 1,000 of which retire on day 60: 2 MW free by the arrival, day 90; "a" has none.
  // 1,323 "dear" would need 3.969 MW: power binds, the tie per watt goes to the better value
  // per dollar, "dear", and 2 MW hold 666 of them; 657 are short for site power.
  Scenario scenario = demand_year();
  scenario.catalog.accelerators[kDear].server_power_per_gpu_w = 3000.0;
  HandBuiltView view(scenario);
  add_short_service(view, 0, 7);
  view.services[0].tokens_per_gpu_s = [](std::size_t part) {
    return std::optional<double>(part == kDear ? 3.0 : 1.0);
  };
  RecordingActions actions(view);
  make_planner(PlannerPolicy::demand)->review(view, actions, 0);
  const std::vector<BuildoutEvent> orders = actions.events(BuildoutKind::order);
  REQUIRE(orders.size() == 1);
  CHECK(orders[0].value.unit == "tokens/s per W");
  CHECK(orders[0].accelerator == "dear");
  CHECK(orders[0].gpus == 666);
  CHECK(orders[0].value.value == doctest::Approx(1e-3));
  CHECK(orders[0].value.runner_up == "cheap");
  CHECK(orders[0].value.runner_up_value == doctest::Approx(1e-3));
  const std::vector<BuildoutEvent> shortfall = actions.events(BuildoutKind::shortfall);
  REQUIRE(shortfall.size() == 1);
  CHECK(shortfall[0].gpus == 657);
  CHECK(shortfall[0].note == "demand planner: not ordered for lack of site power by 2025-04-01");
}

}  // namespace
}  // namespace capsim::test
