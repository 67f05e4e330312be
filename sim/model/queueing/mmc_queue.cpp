#include "capsim/model/queueing/mmc_queue.hpp"

#include <cmath>
#include <deque>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "capsim/engine/engine.hpp"
#include "capsim/engine/random.hpp"

namespace capsim {

namespace {

// Departures before arrivals at an equal tick: a server freed at t can take a customer
// arriving at t, as in the continuous-time model where ties have probability zero.
constexpr Phase kDeparturePhase{0};
constexpr Phase kArrivalPhase{1};
enum Kinds : EventKind { kArrival, kDeparture };

void check_run(const MmcRun& run) {
  if (run.queue.servers < 1) {
    throw std::invalid_argument(
        fmt::format("servers must be at least 1, found {}", run.queue.servers));
  }
  for (const double rate : {run.queue.arrival_rate, run.queue.service_rate}) {
    if (!(rate > 0.0) || !std::isfinite(rate)) {
      throw std::invalid_argument(fmt::format("rates must be positive and finite, found {}", rate));
    }
  }
  if (run.requests < 0) {
    throw std::invalid_argument(fmt::format("requests must be at least 0, found {}", run.requests));
  }
}

class RequestQueue final : public EventHandler {
 public:
  RequestQueue(Engine& engine, const MmcRun& run, MmcObserver& observer)
      : engine_(engine),
        queue_(run.queue),
        requests_(run.requests),
        observer_(observer),
        arrivals_(run.seed, run.replication, fmt::format("{}.arrivals", run.stream_prefix)),
        services_(run.seed, run.replication, fmt::format("{}.services", run.stream_prefix)) {
    self_ = engine_.add_handler(*this);
  }

  void start() { schedule_next_arrival(); }

  void on_event(Engine& engine, const Event& event) override {
    const double now_s = seconds_from_ticks(engine.now());
    if (event.kind == kArrival) {
      arrive(now_s);
    } else {
      depart(now_s);
    }
  }

 private:
  struct Waiting {
    Tick arrival;
    std::int64_t index;
  };

  MmcOccupancy occupancy() const { return MmcOccupancy{in_system_, busy_}; }

  void schedule_next_arrival() {
    engine_.schedule_after(ticks_from_seconds(arrivals_.exponential(queue_.arrival_rate)),
                           kArrivalPhase, self_, kArrival);
  }

  void arrive(double now_s) {
    const std::int64_t index = arrived_++;
    if (index == requests_) {
      observer_.on_arrival(now_s, index, occupancy());
      return;
    }
    ++in_system_;
    observer_.on_arrival(now_s, index, occupancy());
    if (busy_ < queue_.servers) {
      start_service(now_s, Waiting{engine_.now(), index});
    } else {
      waiting_.push_back(Waiting{engine_.now(), index});
    }
    schedule_next_arrival();
  }

  void depart(double now_s) {
    --in_system_;
    --busy_;
    observer_.on_departure(now_s, occupancy());
    if (!waiting_.empty()) {
      const Waiting next = waiting_.front();
      waiting_.pop_front();
      start_service(now_s, next);
    }
  }

  void start_service(double now_s, const Waiting& request) {
    ++busy_;
    const Tick service = ticks_from_seconds(services_.exponential(queue_.service_rate));
    engine_.schedule_after(service, kDeparturePhase, self_, kDeparture);
    observer_.on_service_start(now_s,
                               MmcRequest{request.index, seconds_from_ticks(request.arrival),
                                          seconds_from_ticks(engine_.now() - request.arrival),
                                          seconds_from_ticks(service)},
                               occupancy());
  }

  Engine& engine_;
  MmcParameters queue_;
  std::int64_t requests_;
  MmcObserver& observer_;
  RandomStream arrivals_;
  RandomStream services_;
  HandlerId self_{};
  std::deque<Waiting> waiting_;
  std::int64_t arrived_ = 0;
  std::int64_t in_system_ = 0;
  std::int64_t busy_ = 0;
};

struct Batch {
  double wait_sum_s = 0.0;
  std::int64_t customers = 0;
  std::int64_t waited = 0;
  double in_system_integral = 0.0;
  double busy_integral = 0.0;
  double span_s = 0.0;
};

// Batch b holds customers warmup + b·size … warmup + (b + 1)·size − 1; its time integrals run
// from its first arrival to the next batch's first arrival, so each covers exactly its own span.
class BatchMeans final : public MmcObserver {
 public:
  BatchMeans(std::int64_t warmup_customers, std::int64_t batch_size, std::int64_t batches)
      : warmup_customers_(warmup_customers),
        batch_size_(batch_size),
        batches_(static_cast<std::size_t>(batches)) {}

  void on_arrival(double time_s, std::int64_t index, MmcOccupancy after) override {
    const std::int64_t measured = index - warmup_customers_;
    const auto measured_total = batch_size_ * static_cast<std::int64_t>(batches_.size());
    if (measured >= 0 && measured <= measured_total && measured % batch_size_ == 0) {
      if (current_batch_ >= 0) {
        Batch& closing = batches_[static_cast<std::size_t>(current_batch_)];
        closing.in_system_integral = in_system_.integral_until(time_s);
        closing.busy_integral = busy_.integral_until(time_s);
        closing.span_s = time_s - batch_start_s_;
      }
      batch_start_s_ = time_s;
      in_system_.reset(time_s);
      busy_.reset(time_s);
      current_batch_ = measured < measured_total ? measured / batch_size_ : -1;
    }
    record(time_s, after);
  }

  void on_service_start(double time_s, const MmcRequest& request, MmcOccupancy after) override {
    record(time_s, after);
    if (request.index < warmup_customers_)
      return;
    Batch& batch =
        batches_[static_cast<std::size_t>((request.index - warmup_customers_) / batch_size_)];
    batch.wait_sum_s += request.wait_s;
    ++batch.customers;
    if (request.wait_s > 0.0)
      ++batch.waited;
  }

  void on_departure(double time_s, MmcOccupancy after) override { record(time_s, after); }

  const std::vector<Batch>& batches() const { return batches_; }

 private:
  void record(double time_s, MmcOccupancy after) {
    in_system_.change(time_s, static_cast<double>(after.in_system));
    busy_.change(time_s, static_cast<double>(after.busy));
  }

  std::int64_t warmup_customers_;
  std::int64_t batch_size_;
  std::vector<Batch> batches_;
  std::int64_t current_batch_ = -1;
  double batch_start_s_ = 0.0;
  TimeIntegral in_system_;
  TimeIntegral busy_;
};

}  // namespace

MmcRunTotals simulate_mmc_requests(const MmcRun& run, MmcObserver& observer) {
  check_run(run);
  Engine engine;
  engine.enable_trajectory_hash();
  RequestQueue queue(engine, run, observer);
  queue.start();
  MmcRunTotals totals;
  totals.events = engine.run();
  totals.end_time_s = seconds_from_ticks(engine.now());
  totals.trajectory_hash = engine.trajectory_hash();
  return totals;
}

void check_run_options(const MmcRunOptions& options) {
  if (options.batches < 2) {
    throw std::invalid_argument(
        fmt::format("batches must be at least 2, found {}", options.batches));
  }
  if (!(options.warmup_share >= 0.0 && options.warmup_share < 1.0)) {
    throw std::invalid_argument(
        fmt::format("warm-up share must be in [0, 1), found {}", options.warmup_share));
  }
  if (!(options.confidence > 0.0 && options.confidence < 1.0)) {
    throw std::invalid_argument(
        fmt::format("confidence must be in (0, 1), found {}", options.confidence));
  }
  const auto measured = static_cast<double>(options.customers) * (1.0 - options.warmup_share);
  if (measured < 100.0 * static_cast<double>(options.batches)) {
    throw std::invalid_argument(fmt::format(
        "customers must leave at least 100 per batch after warm-up ({} batches), found {}",
        options.batches, options.customers));
  }
}

MmcEstimates simulate_mmc(const MmcParameters& parameters, const MmcRunOptions& options) {
  check_stable(parameters);
  check_run_options(options);
  const auto warmup =
      static_cast<std::int64_t>(static_cast<double>(options.customers) * options.warmup_share);
  const std::int64_t batch_size = (options.customers - warmup) / options.batches;
  BatchMeans statistics(warmup, batch_size, options.batches);
  const MmcRunTotals totals =
      simulate_mmc_requests(MmcRun{.queue = parameters,
                                   .requests = warmup + batch_size * options.batches,
                                   .stream_prefix = "mmc",
                                   .seed = options.seed,
                                   .replication = options.replication},
                            statistics);

  const auto& batches = statistics.batches();
  std::vector<double> waits, in_system, utilisation, waited;
  for (const Batch& batch : batches) {
    waits.push_back(batch.wait_sum_s / static_cast<double>(batch.customers));
    waited.push_back(static_cast<double>(batch.waited) / static_cast<double>(batch.customers));
    in_system.push_back(batch.in_system_integral / batch.span_s);
    utilisation.push_back(batch.busy_integral / batch.span_s /
                          static_cast<double>(parameters.servers));
  }
  MmcEstimates estimates;
  estimates.mean_wait_s = t_interval(waits, options.confidence);
  estimates.mean_in_system = t_interval(in_system, options.confidence);
  estimates.utilisation = t_interval(utilisation, options.confidence);
  estimates.probability_of_waiting = t_interval(waited, options.confidence);
  for (const Batch& batch : batches)
    estimates.customers_measured += batch.customers;
  estimates.events = totals.events;
  estimates.simulated_time_s = totals.end_time_s;
  estimates.trajectory_hash = totals.trajectory_hash;
  return estimates;
}

}  // namespace capsim
