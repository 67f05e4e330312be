#pragma once
/// Inference services on the fleet: each hour every service sizes its replicas for the hour's
/// demand (curve × demand feedback, at the inference efficiency of the hour) and takes the
/// GPUs of its cluster that training does not hold, reclaiming lent GPUs by preemption or as
/// jobs end; what it cannot place is dropped. Owns the service states and their integrals;
/// writes the cluster book's serving GPUs; asks training to preempt and power to redraw.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "capsim/engine/engine.hpp"
#include "capsim/metrics/recorder.hpp"
#include "capsim/model/fleet/cluster_book.hpp"
#include "capsim/model/fleet/power.hpp"
#include "capsim/model/inference/demand_curve.hpp"
#include "capsim/model/inference/inference_throughput.hpp"
#include "capsim/model/model_context.hpp"
#include "capsim/model/training/training_workload.hpp"

namespace capsim {

/// An inference service: its throughput per replica, its demand, and what it got this hour.
/// A service's cost (its GPU-hours at the rental price, or at the fleet's fully loaded cost)
/// and its revenue at list prices over the run [USD].
struct ServiceDollars {
  double cost_usd = 0.0;
  double revenue_usd = 0.0;
};

struct ServiceState {
  const ServiceSpec* spec = nullptr;
  std::size_t cluster = 0;
  ReplicaThroughput throughput;
  DemandCurve demand;
  std::int64_t gpus = 0;  ///< granted for this hour
  std::int64_t peak_gpus = 0;
  RateIntegral demand_input;   ///< tokens
  RateIntegral demand_output;  ///< tokens
  RateIntegral served_input_hit;
  RateIntegral served_input_miss;
  RateIntegral served_output;
  /// Output tokens demanded and not served: a total of its own, so that a period's is never
  /// the rounding left by subtracting two large totals since the start.
  RateIntegral dropped_output;
  RateIntegral gpu_s;
  RateIntegral revenue_usd;  ///< at list prices, times the price ratio under demand feedback
  std::int64_t hours = 0;
  std::int64_t hours_met = 0;
  /// Demand feedback: the multiple of the demand curve that prices have moved demand to.
  double demand_multiple = 1.0;
  /// GPUs sized for the hour starting at `first`, kept from the warm-up's look-ahead so the
  /// hour is not sized twice.
  std::optional<std::pair<Tick, std::int64_t>> sized_ahead;
};

class InferenceFleet final : public EventHandler {
 public:
  InferenceFleet(const ModelContext& context, ClusterBook& book, Power& power,
                 TrainingWorkload& training);
  InferenceFleet(const InferenceFleet&) = delete;
  InferenceFleet& operator=(const InferenceFleet&) = delete;

  /// The services on their clusters (which must exist by now), sized every hour.
  void set_up();
  bool empty() const { return services_.empty(); }
  std::size_t size() const { return services_.size(); }
  const ServiceState& operator[](std::size_t service) const { return services_[service]; }

  /// The service's demand in the hour: its curve, times `multiple` (where prices moved it).
  TokenDemand demand_at(const ServiceState& service, Tick hour, double multiple) const;
  /// Replicas serve more tokens as inference gets more efficient.
  ReplicaThroughput throughput_at(const ServiceState& service, Tick hour) const;
  /// GPUs that serve `demand` within the service's SLO at the throughput of `hour`.
  std::int64_t gpus_for(const ServiceState& service, Tick hour, const TokenDemand& demand) const;
  /// The price ratio at `tick` (1 without demand feedback).
  double price_ratio_at(Tick tick) const;
  /// The service's multiple carried on for `elapsed_s` towards where prices at `target_at`
  /// send it.
  double demand_multiple_towards(const ServiceState& service, Tick target_at,
                                 double elapsed_s) const;
  /// The per-service figures of the run; `dollars` holds each service's cost and revenue, in
  /// the report's dollars (Reporting::service_dollars).
  void finish(const std::vector<ServiceDollars>& dollars, double fleet_carbon_per_gpu_hour_g);

  void on_event(Engine& engine, const Event& event) override;

 private:
  void hour();
  std::int64_t gpus_wanted(const ServiceState& service, Tick hour) const;
  double warming_gpus(ServiceState& service, std::int64_t room) const;

  const ModelContext& context_;
  std::vector<ServiceState> services_;
  ClusterBook& book_;
  Power& power_;
  TrainingWorkload& training_;
  HandlerId self_{};
};

}  // namespace capsim
