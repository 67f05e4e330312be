#include "capsim/model/queueing/mmc_queue.hpp"

#include <stdexcept>

#include <fmt/format.h>

namespace capsim {

namespace {

// Departures before arrivals at an equal tick: a server freed at t can take a customer
// arriving at t, as in the continuous-time model where ties have probability zero.
constexpr Phase kDeparturePhase{0};
constexpr Phase kArrivalPhase{1};
constexpr EventKind kArrival = 0;
constexpr EventKind kDeparture = 1;

struct Batch {
  double wait_sum_s = 0.0;
  std::int64_t customers = 0;
  std::int64_t waited = 0;
  double in_system_integral = 0.0;
  double busy_integral = 0.0;
  double span_s = 0.0;
};

class MmcModel final : public EventHandler {
 public:
  MmcModel(Engine& engine, const MmcParameters& parameters, const MmcRunOptions& options)
      : engine_(engine),
        parameters_(parameters),
        arrivals_(options.seed, options.replication, "mmc.arrivals"),
        services_(options.seed, options.replication, "mmc.services"),
        warmup_customers_(static_cast<std::int64_t>(static_cast<double>(options.customers) *
                                                    options.warmup_share)),
        batch_size_((options.customers - warmup_customers_) / options.batches),
        batches_(static_cast<std::size_t>(options.batches)) {
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

  const std::vector<Batch>& batches() const { return batches_; }

 private:
  struct Waiting {
    Tick arrival;
    std::int64_t batch;  // -1 during warm-up
  };

  void schedule_next_arrival() {
    engine_.schedule_after(ticks_from_seconds(arrivals_.exponential(parameters_.arrival_rate)),
                           kArrivalPhase, self_, kArrival);
  }

  void arrive(double now_s) {
    const std::int64_t index = arrived_++;
    const std::int64_t measured = index - warmup_customers_;
    const std::int64_t measured_total = batch_size_ * static_cast<std::int64_t>(batches_.size());
    if (measured >= 0 && measured <= measured_total && measured % batch_size_ == 0) {
      close_current_batch(now_s);
      current_batch_ = measured < measured_total ? measured / batch_size_ : -1;
    }
    if (index >= warmup_customers_ + measured_total)
      return;  // the arrival that ends the run
    record_change(now_s);
    ++in_system_;
    if (busy_ < parameters_.servers) {
      start_service(current_batch_, 0.0);
    } else {
      queue_.push_back(Waiting{engine_.now(), current_batch_});
    }
    schedule_next_arrival();
  }

  void depart(double now_s) {
    record_change(now_s);
    --in_system_;
    --busy_;
    if (!queue_.empty()) {
      const Waiting next = queue_.front();
      queue_.pop_front();
      start_service(next.batch, seconds_from_ticks(engine_.now() - next.arrival));
    }
  }

  void start_service(std::int64_t batch, double wait_s) {
    ++busy_;
    engine_.schedule_after(ticks_from_seconds(services_.exponential(parameters_.service_rate)),
                           kDeparturePhase, self_, kDeparture);
    if (batch < 0)
      return;
    Batch& target = batches_[static_cast<std::size_t>(batch)];
    target.wait_sum_s += wait_s;
    ++target.customers;
    if (wait_s > 0.0)
      ++target.waited;
  }

  // Integrals accumulate into the batch that is open, so each batch's time averages cover
  // exactly its own span.
  void record_change(double now_s) {
    if (current_batch_ >= 0) {
      Batch& batch = batches_[static_cast<std::size_t>(current_batch_)];
      const double elapsed = now_s - last_change_s_;
      batch.in_system_integral += static_cast<double>(in_system_) * elapsed;
      batch.busy_integral += static_cast<double>(busy_) * elapsed;
    }
    last_change_s_ = now_s;
  }

  void close_current_batch(double now_s) {
    record_change(now_s);
    if (current_batch_ >= 0) {
      batches_[static_cast<std::size_t>(current_batch_)].span_s = now_s - batch_start_s_;
    }
    batch_start_s_ = now_s;
  }

  Engine& engine_;
  MmcParameters parameters_;
  RandomStream arrivals_;
  RandomStream services_;
  HandlerId self_{};
  std::int64_t warmup_customers_;
  std::int64_t batch_size_;
  std::vector<Batch> batches_;
  std::deque<Waiting> queue_;
  std::int64_t arrived_ = 0;
  std::int64_t in_system_ = 0;
  std::int64_t busy_ = 0;
  std::int64_t current_batch_ = -1;
  double last_change_s_ = 0.0;
  double batch_start_s_ = 0.0;
};

}  // namespace

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
  Engine engine;
  engine.enable_trajectory_hash();
  MmcModel model(engine, parameters, options);
  model.start();
  const std::uint64_t events = engine.run();

  const auto& batches = model.batches();
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
  estimates.events = events;
  estimates.simulated_time_s = seconds_from_ticks(engine.now());
  estimates.trajectory_hash = engine.trajectory_hash();
  return estimates;
}

}  // namespace capsim
