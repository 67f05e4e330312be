#include <doctest/doctest.h>

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "capsim/core/time.hpp"
#include "capsim/engine/random.hpp"
#include "capsim/model/queueing/mmc_queue.hpp"

namespace capsim {
namespace {

/// Every simulated figure's 99% batch-means interval must cover the exact Erlang C value.
void check_against_erlang_c(const MmcParameters& parameters, std::int64_t customers) {
  MmcRunOptions options;
  options.customers = customers;
  options.seed = 1;
  const MmcEstimates simulated = simulate_mmc(parameters, options);
  const MmcTheory theory = mmc_theory(parameters);
  INFO("servers=" << parameters.servers << " lambda=" << parameters.arrival_rate
                  << " mu=" << parameters.service_rate);
  INFO("Wq sim " << simulated.mean_wait_s.mean << " ± " << simulated.mean_wait_s.half_width
                 << " theory " << theory.mean_wait_s);
  INFO("L sim " << simulated.mean_in_system.mean << " ± " << simulated.mean_in_system.half_width
                << " theory " << theory.mean_in_system);
  INFO("rho sim " << simulated.utilisation.mean << " ± " << simulated.utilisation.half_width
                  << " theory " << theory.utilisation);
  INFO("P(wait) sim " << simulated.probability_of_waiting.mean << " ± "
                      << simulated.probability_of_waiting.half_width << " theory "
                      << theory.probability_of_waiting);
  CHECK(simulated.mean_wait_s.covers(theory.mean_wait_s));
  CHECK(simulated.mean_in_system.covers(theory.mean_in_system));
  CHECK(simulated.utilisation.covers(theory.utilisation));
  CHECK(simulated.probability_of_waiting.covers(theory.probability_of_waiting));
  // The intervals are informative, not vacuous: each is a few percent of its value wide.
  CHECK(simulated.mean_in_system.half_width < 0.05 * theory.mean_in_system);
  CHECK(simulated.utilisation.half_width < 0.02 * theory.utilisation);
}

TEST_CASE("mmc: light load (c=4, rho=0.5) agrees with Erlang C") {
  check_against_erlang_c(MmcParameters{4, 2.0, 1.0}, 200'000);
}

TEST_CASE("mmc: medium load (c=8, rho=0.875) agrees with Erlang C") {
  check_against_erlang_c(MmcParameters{8, 7.0, 1.0}, 1'000'000);
}

TEST_CASE("mmc: heavy load (c=8, rho=0.95) agrees with Erlang C") {
  // Near saturation the queue relaxes slowly (≈ 1/(cμ(1−√ρ)²) ≈ 190 s), so more customers
  // keep each batch many relaxation times long.
  check_against_erlang_c(MmcParameters{8, 7.6, 1.0}, 2'000'000);
}

TEST_CASE("mmc: same seed gives the same result, another seed another trajectory") {
  MmcRunOptions options;
  options.customers = 20'000;
  const MmcEstimates first = simulate_mmc(MmcParameters{3, 2.0, 1.0}, options);
  const MmcEstimates again = simulate_mmc(MmcParameters{3, 2.0, 1.0}, options);
  CHECK(first.trajectory_hash == again.trajectory_hash);
  CHECK(first.mean_wait_s.mean == again.mean_wait_s.mean);
  options.seed = 2;
  const MmcEstimates other = simulate_mmc(MmcParameters{3, 2.0, 1.0}, options);
  CHECK(first.trajectory_hash != other.trajectory_hash);
  // 20,000 customers: 2,000 warm-up, 18,000 measured in 20 batches of 900.
  CHECK(first.customers_measured == 18'000);
}

TEST_CASE("mmc: run options are checked") {
  MmcRunOptions options;
  options.batches = 1;
  CHECK_THROWS_WITH_AS(check_run_options(options), "batches must be at least 2, found 1",
                       std::invalid_argument);
  options = MmcRunOptions{};
  options.customers = 1000;
  CHECK_THROWS_WITH_AS(
      check_run_options(options),
      "customers must leave at least 100 per batch after warm-up (20 batches), found 1000",
      std::invalid_argument);
  options = MmcRunOptions{};
  options.warmup_share = 1.0;
  CHECK_THROWS_WITH_AS(check_run_options(options), "warm-up share must be in [0, 1), found 1",
                       std::invalid_argument);
}

/// Every hook call of a run, in order.
class RecordingObserver final : public MmcObserver {
 public:
  struct Arrival {
    double time_s;
    std::int64_t index;
    MmcOccupancy after;
  };
  struct ServiceStart {
    double time_s;
    MmcRequest request;
    MmcOccupancy after;
  };
  struct Departure {
    double time_s;
    MmcOccupancy after;
  };

  void on_arrival(double time_s, std::int64_t index, MmcOccupancy after) override {
    arrivals.push_back(Arrival{time_s, index, after});
  }
  void on_service_start(double time_s, const MmcRequest& request, MmcOccupancy after) override {
    starts.push_back(ServiceStart{time_s, request, after});
  }
  void on_departure(double time_s, MmcOccupancy after) override {
    departures.push_back(Departure{time_s, after});
  }

  std::vector<Arrival> arrivals;
  std::vector<ServiceStart> starts;
  std::vector<Departure> departures;
};

TEST_CASE("mmc requests: one server, every request seen once, checked by hand") {
  // Five requests to one server, λ = μ = 1/s, seed 1. With one server request k starts at
  // max(its arrival, request k − 1's departure) (Lindley), so from the draws (to the tick):
  //   request   arrival    wait      service   departure
  //   0          1.405199  0         0.324258   1.729457
  //   1          1.587633  0.141824  1.348317   3.077774   waits for 0: 1.729457 − 1.587633
  //   2          1.620980  1.456794  1.107720   4.185494   waits for 1: 3.077774 − 1.620980
  //   3          7.320613  0         0.079808   7.400421
  //   4         10.274347  0         0.496172  10.770519
  // and the arrival that ends the run at 11.138604, after the last departure.
  const MmcRun run{.queue = MmcParameters{1, 1.0, 1.0},
                   .requests = 5,
                   .stream_prefix = "test",
                   .seed = 1,
                   .replication = 0};
  RecordingObserver observer;
  const MmcRunTotals totals = simulate_mmc_requests(run, observer);

  struct Expected {
    double arrival_s, wait_s, service_s, start_s;
    std::int64_t in_system_after_arrival;
  };
  const Expected expected[] = {{1.405199, 0.0, 0.324258, 1.405199, 1},
                               {1.587633, 0.141824, 1.348317, 1.729457, 2},
                               {1.620980, 1.456794, 1.107720, 3.077774, 3},
                               {7.320613, 0.0, 0.079808, 7.320613, 1},
                               {10.274347, 0.0, 0.496172, 10.274347, 1}};
  REQUIRE(observer.starts.size() == 5);
  REQUIRE(observer.arrivals.size() == 6);
  for (std::size_t k = 0; k < 5; ++k) {
    CAPTURE(k);
    const auto& start = observer.starts[k];
    CHECK(start.request.index == static_cast<std::int64_t>(k));
    CHECK(start.request.arrival_s == expected[k].arrival_s);
    CHECK(start.request.wait_s == expected[k].wait_s);
    CHECK(start.request.service_s == expected[k].service_s);
    CHECK(start.time_s == expected[k].start_s);
    CHECK(start.after.busy == 1);
    CHECK(observer.arrivals[k].index == static_cast<std::int64_t>(k));
    CHECK(observer.arrivals[k].time_s == expected[k].arrival_s);
    CHECK(observer.arrivals[k].after.in_system == expected[k].in_system_after_arrival);
  }
  // The sixth arrival only ends the run: it joins nothing.
  CHECK(observer.arrivals[5].index == 5);
  CHECK(observer.arrivals[5].time_s == 11.138604);
  CHECK(observer.arrivals[5].after.in_system == 0);

  // Five departures; after each, the departed request is gone and its server not yet reused.
  const double departure_s[] = {1.729457, 3.077774, 4.185494, 7.400421, 10.770519};
  const std::int64_t left_in_system[] = {2, 1, 0, 0, 0};
  REQUIRE(observer.departures.size() == 5);
  for (std::size_t k = 0; k < 5; ++k) {
    CAPTURE(k);
    CHECK(observer.departures[k].time_s == departure_s[k]);
    CHECK(observer.departures[k].after.in_system == left_in_system[k]);
    CHECK(observer.departures[k].after.busy == 0);
  }
  CHECK(totals.events == 11);
  CHECK(totals.end_time_s == 11.138604);

  // The table is the streams' draws in the documented order: draw k of "<prefix>.arrivals"
  // is the gap before arrival k, draw k of "<prefix>.services" request k's service.
  RandomStream gaps(1, 0, "test.arrivals");
  RandomStream services(1, 0, "test.services");
  Tick arrival = 0;
  for (std::size_t k = 0; k < 5; ++k) {
    arrival += ticks_from_seconds(gaps.exponential(1.0));
    CHECK(expected[k].arrival_s == seconds_from_ticks(arrival));
    CHECK(expected[k].service_s ==
          seconds_from_ticks(ticks_from_seconds(services.exponential(1.0))));
  }
}

TEST_CASE("mmc requests: occupancy after each change, and waits only when all servers are busy") {
  RecordingObserver observer;
  const MmcRun run{.queue = MmcParameters{2, 1.8, 1.0}, .requests = 2'000, .seed = 5};
  const MmcRunTotals totals = simulate_mmc_requests(run, observer);
  CHECK(totals.events == 4'001);
  REQUIRE(observer.arrivals.size() == 2'001);
  REQUIRE(observer.starts.size() == 2'000);
  REQUIRE(observer.departures.size() == 2'000);
  std::int64_t waited = 0;
  for (std::size_t k = 0; k < observer.starts.size(); ++k) {
    const auto& start = observer.starts[k];
    CHECK(start.request.index == static_cast<std::int64_t>(k));
    CHECK(start.time_s == doctest::Approx(start.request.arrival_s + start.request.wait_s));
    CHECK(start.after.busy >= 1);
    CHECK(start.after.busy <= 2);
    CHECK(start.after.in_system >= start.after.busy);
    // Joining, the request found both servers busy exactly when it had to wait.
    const auto& joined = observer.arrivals[k];
    CHECK(joined.index == start.request.index);
    CHECK((start.request.wait_s > 0.0) == (joined.after.in_system > 2));
    waited += start.request.wait_s > 0.0 ? 1 : 0;
  }
  // Erlang C for c = 2, a = 1.8 is 0.853; 2,000 requests from empty come close.
  CHECK(waited > 1'500);
  CHECK(waited < 1'900);
}

TEST_CASE("mmc requests: simulate_mmc is this run seen through batch means") {
  MmcRunOptions options;
  options.customers = 20'000;
  const MmcParameters parameters{3, 2.0, 1.0};
  const MmcEstimates estimates = simulate_mmc(parameters, options);
  RecordingObserver observer;
  // 2,000 warm-up customers and 20 batches of 900.
  const MmcRunTotals totals =
      simulate_mmc_requests(MmcRun{.queue = parameters, .requests = 20'000}, observer);
  CHECK(totals.trajectory_hash == estimates.trajectory_hash);
  CHECK(totals.events == estimates.events);
  CHECK(totals.end_time_s == estimates.simulated_time_s);
  // Equal batches: the mean of the batch means is the mean over all measured customers.
  double wait_sum = 0.0;
  for (std::size_t k = 2'000; k < observer.starts.size(); ++k)
    wait_sum += observer.starts[k].request.wait_s;
  CHECK(estimates.mean_wait_s.mean == doctest::Approx(wait_sum / 18'000.0).epsilon(1e-12));
}

TEST_CASE("mmc requests: a malformed run is rejected before any event") {
  RecordingObserver observer;
  CHECK_THROWS_WITH_AS(simulate_mmc_requests(MmcRun{.queue = MmcParameters{0, 1.0, 1.0}}, observer),
                       "servers must be at least 1, found 0", std::invalid_argument);
  CHECK_THROWS_WITH_AS(simulate_mmc_requests(MmcRun{.queue = MmcParameters{1, 1.0, 0.0}}, observer),
                       "rates must be positive and finite, found 0", std::invalid_argument);
  CHECK_THROWS_WITH_AS(
      simulate_mmc_requests(MmcRun{.queue = MmcParameters{1, 1.0, 1.0}, .requests = -1}, observer),
      "requests must be at least 0, found -1", std::invalid_argument);
  CHECK(observer.arrivals.empty());
}

}  // namespace
}  // namespace capsim
