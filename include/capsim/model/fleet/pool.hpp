#pragma once
/// The fleet's plain records: a lot (GPUs of one part for one site), a delivery (a lot ordered,
/// in transit or waiting for power) and a pool (a lot installed together, failing and
/// retiring together). Never one object per GPU: a pool is a count.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "capsim/core/time.hpp"
#include "capsim/engine/event.hpp"
#include "capsim/engine/random.hpp"
#include "capsim/model/inputs.hpp"

namespace capsim {

/// GPUs of one catalog part for one site, under one name: what an order asks for, a delivery
/// brings and a pool installs.
struct GpuLot {
  std::string name;
  std::size_t part = 0;
  std::size_t site = 0;
  std::int64_t gpus = 0;
  /// Its cluster's network and storage power per GPU (ClusterSpec); planners' clusters take
  /// the defaults.
  double non_server_power_per_gpu_w = kDefaultNonServerPowerPerGpuW;
};

/// The IT power a GPU of `part` claims from its site once installed: its share of the server
/// at full load plus its cluster's network and storage.
inline double installed_power_per_gpu_w(const AcceleratorSpec& part,
                                        double non_server_power_per_gpu_w) {
  return part.server_power_per_gpu_w + non_server_power_per_gpu_w;
}

struct Delivery : GpuLot {
  std::int64_t waiting = 0;  ///< arrived (or due) and not yet installed
  Tick arrival = 0;
  Tick in_service_from = 0;  ///< an existing cluster's own online date (may precede the start)
  double service_life_s = 0.0;
  double utilisation = 0.0;
  bool paid_before_start = false;
  bool arrived = false;
  int installs = 0;
  std::size_t cluster = 0;         ///< the scheduling cluster its GPUs join
  double price_per_gpu_usd = 0.0;  ///< paid on arrival: the part's price on the order date
  /// A planner's early retirement of the whole lot (Fleet::retire_early), or never.
  Tick retire_early_at = INT64_MAX;
  /// Arrived and installed to its last GPU: a lot a planner may retire early.
  bool installed_whole() const { return arrived && waiting == 0; }
  /// When it retires if installed on arrival (the planner's view; a wait for power delays it).
  Tick planned_retirement() const {
    return std::min(in_service_from + ticks_from_seconds(service_life_s), retire_early_at);
  }
};

struct Pool : GpuLot {
  std::int64_t failed = 0;
  double utilisation = 0.0;  ///< assumed when no workload is simulated
  std::size_t asset = 0;     ///< in the ledger
  bool active = true;        ///< false once retired
  RandomStream failures{0};  ///< when its next GPU fails, of which cause, and whether busy
  EventHandle next_failure{};
  std::size_t cluster = 0;
  std::size_t delivery = 0;    ///< the delivery it installs (none for a lease's pool)
  Tick retire_at = INT64_MAX;  ///< its service life from in service, or a planner's earlier date
  EventHandle retirement{};    ///< its retirement event, when due by the end
  std::string retire_note;     ///< why it retires when a planner retires it early
  /// A lease's GPUs at a provider's site: no asset, no site power; they end with the term.
  bool leased = false;

  std::int64_t available() const { return gpus - failed; }
};

/// A lease contract as the fleet holds it: the scenario's or a planner's. Its GPUs are usable
/// in [start, end) and paid for, failed or not, at `price_usd_per_gpu_s` over those hours.
struct LeaseContract {
  std::string provider;
  std::size_t part = 0;
  std::int64_t gpus = 0;
  Tick signed_at = 0;  ///< may precede the scenario start
  Tick start = 0;      ///< may precede the scenario start
  Tick end = 0;
  double price_usd_per_gpu_s = 0.0;
  std::string reason;    ///< why it was signed: "scenario", or the planner's reason
  bool planner = false;  ///< signed by a planner during the run
  std::size_t site = 0;  ///< the provider's site (set by the fleet)
  std::size_t cluster = 0;
  /// Its GPU-seconds in [from, to) (0 outside its term).
  double gpu_s_between(Tick from, Tick to) const {
    const Tick a = std::max(from, start);
    const Tick b = std::min(to, end);
    return b > a ? static_cast<double>(gpus) * seconds_from_ticks(b - a) : 0.0;
  }
  /// What the whole term costs.
  double term_cost_usd() const { return gpu_s_between(start, end) * price_usd_per_gpu_s; }
};

}  // namespace capsim
