#pragma once
/// Inference services on the fleet: each hour every service sizes its replicas for the hour's
/// demand (curve × demand feedback, at the inference efficiency of the hour) and takes the
/// GPUs of its cluster that training does not hold, reclaiming lent GPUs by preemption or as
/// jobs end; what it cannot place is dropped. Owns the service states and their integrals;
/// writes the cluster book's serving GPUs; asks training to preempt and power to redraw.

#include <cstddef>
#include <cstdint>
#include <functional>
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

/// A cluster a service serves on, with its replicas sized for that cluster's part.
struct ServingSlot {
  std::size_t cluster = 0;
  ReplicaThroughput throughput;
  std::int64_t gpus = 0;  ///< granted for this hour
  /// Tokens per GPU-second per watt of server power, at the demand when the slot joined: the
  /// merit order the slots fill in (the least energy per token first).
  double tokens_per_joule = 0.0;
};

struct ServiceState {
  const ServiceSpec* spec = nullptr;
  std::size_t cluster = 0;       ///< its home: the scenario's cluster for it
  ReplicaThroughput throughput;  ///< on its home cluster's part
  /// Where it serves, in merit order: its home and the clusters a planner built for it on
  /// other parts.
  std::vector<ServingSlot> slots;
  DemandCurve demand;
  std::int64_t gpus = 0;  ///< granted for this hour, on all its slots
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
  /// GPUs of its first slot sized for the hour starting at `first`, kept from the warm-up's
  /// look-ahead so the hour is not sized twice.
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
  /// GPUs of its home part that serve `demand` within the service's SLO at the throughput of
  /// `hour`.
  std::int64_t gpus_for(const ServiceState& service, Tick hour, const TokenDemand& demand) const;
  /// The throughput of the service's replicas on `part`, or none when the part cannot host its
  /// model within its SLO. A service given by measured throughput serves on its own part only.
  std::optional<ReplicaThroughput> throughput_on(const ServiceState& service,
                                                 std::size_t part) const;
  /// Tokens per second a GPU of `part` serves of `demand` at the throughput of `hour`, sized
  /// within the service's SLO; none when the part cannot host the service.
  std::optional<double> tokens_per_gpu_s(const ServiceState& service, std::size_t part, Tick hour,
                                         const TokenDemand& demand) const;
  /// The service serves on `cluster` too, placed in merit order among its slots. Its part
  /// must host the service's model (std::logic_error if not).
  void serve_also_on(std::size_t service, std::size_t cluster);
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
  /// What each slot is asked for and given in an hour.
  struct SlotFill {
    std::int64_t wanted = 0;
    std::int64_t granted = 0;
  };
  using SlotRoom = std::function<std::int64_t(std::size_t slot, std::int64_t wanted)>;

  void hour();
  void serve_hour(ServiceState& service, Tick now);
  std::int64_t gpus_wanted(const ServiceState& service, Tick hour) const;
  std::int64_t slot_gpus_for(const ServiceState& service, const ServingSlot& slot, Tick hour,
                             const TokenDemand& demand) const;
  /// An hour of a service across its slots: each slot's fill, the share of demand served and
  /// whether the hour met the SLO (the last slot asked got all it wanted).
  struct HourFill {
    std::vector<SlotFill> fills;
    double served = 0.0;
    bool met = true;
  };
  /// Fills the slots in merit order: the first is sized for the hour's whole demand, each
  /// next one for the share the slots before it could not take, and each gets what
  /// `room(slot, wanted)` allows (called for every slot, asked or not).
  HourFill fill_slots(const ServiceState& service, Tick hour, const SlotRoom& room) const;
  double warming_gpus(ServiceState& service) const;
  ServingSlot slot_on(const ServiceState& service, std::size_t cluster,
                      const ReplicaThroughput& throughput, Tick hour) const;

  const ModelContext& context_;
  std::vector<ServiceState> services_;
  ClusterBook& book_;
  Power& power_;
  TrainingWorkload& training_;
  HandlerId self_{};
};

}  // namespace capsim
