#include "capsim/model/capacity_model.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <deque>
#include <limits>
#include <map>
#include <memory>
#include <numeric>
#include <optional>
#include <stdexcept>
#include <tuple>
#include <utility>

#include <fmt/format.h>

#include "capsim/engine/engine.hpp"
#include "capsim/engine/random.hpp"
#include "capsim/model/efficiency/efficiency.hpp"
#include "capsim/model/fleet/construction.hpp"
#include "capsim/model/inference/demand_curve.hpp"
#include "capsim/model/inference/inference_throughput.hpp"
#include "capsim/model/inference/service_sizing.hpp"
#include "capsim/model/training/fabric.hpp"
#include "capsim/model/training/gang_scheduler.hpp"
#include "capsim/model/training/job_generator.hpp"
#include "capsim/model/training/training_run.hpp"

namespace capsim {

namespace {

// At one instant: sample first (a period's end state excludes what happens at its boundary),
// then power, deliveries and installs, repairs, failures, retirements, and planning last.
constexpr Phase kSamplePhase{0};
constexpr Phase kPowerPhase{1};
constexpr Phase kDeliveryPhase{2};
constexpr Phase kRepairPhase{3};
constexpr Phase kFailurePhase{4};
constexpr Phase kRetirePhase{5};
constexpr Phase kPlanningPhase{6};
// Serving sizes itself after the fleet changed and before training is scheduled (20-22).
constexpr Phase kInferencePhase{7};

enum EventKinds : EventKind {
  kSample,
  kYearEnd,
  kPhaseOnline,
  kPriceChange,
  kOrderPlaced,
  kArrival,
  kRepair,
  kFailureDay,
  kRetire,
  kBudget,
  kInferenceHour,
};

constexpr double kSecondsPerDay = 86'400.0;

/// Fully loaded cost of a GPU-hour: depreciation and running costs over installed GPU-hours.
double cost_per_gpu_hour(double depreciation_and_opex_usd, double gpu_hours) {
  return gpu_hours > 0.0 ? depreciation_and_opex_usd / gpu_hours : 0.0;
}

std::uint64_t pack(std::size_t high, std::size_t low) {
  return (static_cast<std::uint64_t>(high) << 32) | static_cast<std::uint64_t>(low);
}
std::size_t high_of(std::uint64_t payload) {
  return static_cast<std::size_t>(payload >> 32);
}
std::size_t low_of(std::uint64_t payload) {
  return static_cast<std::size_t>(payload & 0xffffffffU);
}

struct PhaseState {
  double power_w = 0.0;
  std::string ready_after;
  std::optional<Tick> online_at;
  bool online = false;
};

struct SiteState {
  const SiteSpec* spec = nullptr;
  ConstructionPlan plan;
  std::optional<Tick> construction_start;
  std::vector<PhaseState> phases;
  double online_power_w = 0.0;
  double installed_peak_w = 0.0;  ///< peak draw of the installed pools' servers
  double reserved_w = 0.0;        ///< peak draw of GPUs ordered for here, not yet installed
  std::deque<std::size_t> waiting;
  std::vector<std::size_t> pools;
  double price_usd_per_j = 0.0;
  double drawn_w = 0.0;
  RateIntegral energy_it_j;
  RateIntegral energy_facility_j;
  RateIntegral energy_cost_usd;

  bool started() const { return construction_start.has_value(); }
  bool buildable() const { return !plan.tasks().empty(); }
  /// Seconds from a construction start to the first phase's power.
  double first_phase_ready_s() const {
    double ready_s = plan.makespan_s();
    for (const PhaseState& phase : phases)
      ready_s = std::min(ready_s, plan.phase_ready_s(phase.ready_after));
    return ready_s;
  }
  /// What building the whole site costs.
  double facility_cost_usd() const {
    double cost = 0.0;
    for (const PhaseState& phase : phases)
      cost += phase.power_w * spec->cost_per_power_usd_per_w;
    return cost;
  }
  /// Power online by `tick` that no installed or ordered GPU has claimed yet.
  double uncommitted_power_w(Tick tick) const {
    double scheduled = 0.0;
    for (const PhaseState& phase : phases) {
      if (phase.online_at && *phase.online_at <= tick)
        scheduled += phase.power_w;
    }
    return scheduled - installed_peak_w - reserved_w;
  }
};

struct Delivery {
  std::string name;
  std::size_t part = 0;
  std::size_t site = 0;
  std::int64_t gpus = 0;
  std::int64_t waiting = 0;
  Tick arrival = 0;
  Tick in_service_from = 0;  ///< an existing cluster's own online date (may precede the start)
  double service_life_s = 0.0;
  double utilisation = 0.0;
  bool paid_before_start = false;
  bool arrived = false;
  int installs = 0;
  std::size_t cluster = 0;  ///< the scheduling cluster its GPUs join
  /// When it retires if installed on arrival (the planner's view; a wait for power delays it).
  Tick planned_retirement() const { return in_service_from + ticks_from_seconds(service_life_s); }
};

struct Pool {
  std::string name;
  std::size_t part = 0;
  std::size_t site = 0;
  std::int64_t gpus = 0;
  std::int64_t failed = 0;
  double utilisation = 0.0;
  std::size_t asset = 0;
  bool active = true;
  RandomStream failures{0};
  std::size_t cluster = 0;
};

/// A cluster as training sees it: the pools of one cluster spec, order or purchase.
struct SchedulingCluster {
  std::string name;
  std::size_t site = 0;
  std::size_t part = 0;
  std::int64_t planned_gpus = 0;  ///< sizes its fabric
  FabricSpec fabric_spec;
  std::vector<std::size_t> pools;
  std::int64_t available = 0;
  std::int64_t busy = 0;     ///< held by training jobs
  std::int64_t serving = 0;  ///< granted to inference services this hour
  std::unique_ptr<Fabric> fabric;
  std::unique_ptr<Fabric> non_blocking;
};

/// An inference service: its throughput per replica, its demand, and what it got this hour.
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
  RateIntegral gpu_s;
  RateIntegral revenue_usd;  ///< at list prices, times the price ratio under demand feedback
  std::int64_t hours = 0;
  std::int64_t hours_met = 0;
  /// Demand feedback: the multiple of the demand curve that prices have moved demand to.
  double demand_multiple = 1.0;
  /// For the demand planner's fit: (middle of a planning period, mean tokens/s demanded in it).
  std::vector<std::pair<double, double>> observed_demand;
  Tick last_review = 0;
  double tokens_at_last_review = 0.0;
  /// GPUs sized for the hour starting at `first`, kept from the warm-up's look-ahead so the
  /// hour is not sized twice.
  std::optional<std::pair<Tick, std::int64_t>> sized_ahead;
};

struct TrainingJob {
  TrainingJobSpec spec;
  Tick submit = 0;
  std::size_t tenant = 0;
  std::vector<std::size_t> dependents;
  std::size_t unfinished_dependencies = 0;
  bool done = false;
  std::optional<TrainingRunResult> result;  ///< of the whole run on its last allocation
  double mfu = 0.0;
  std::int64_t gpus = 0;  ///< it ran on (fewer than asked when it shrank)
  /// Share of the job's work saved in checkpoints by runs that serving preempted.
  double work_saved = 0.0;
  std::int64_t preemptions = 0;
  double preemption_lost_gpu_s = 0.0;  ///< GPU-time of preempted runs not saved, restarts too
  double run_restart_s = 0.0;          ///< restart at the head of the current run
  bool generated = false;              ///< drawn by the job generator, not listed
  double preempted_runs_gpu_s = 0.0;   ///< GPU-time held by runs that were preempted
};

struct RepairBatch {
  std::vector<std::pair<std::size_t, std::int64_t>> returns;  // (pool, GPUs)
};

class CapacityModel final : public EventHandler, public GangSchedulerListener {
 public:
  CapacityModel(const Scenario& scenario, PeriodUnit reporting_period, CapacityRun& run)
      : scenario_(scenario),
        calendar_(scenario.scenario.start),
        end_(scenario.scenario.end_tick()),
        efficiency_(scenario.efficiency, calendar_),
        reporting_period_(reporting_period),
        run_(run),
        failure_rate_per_gpu_s_(scenario.failures.annual_failure_rate / kSecondsPerYear) {
    self_ = engine_.add_handler(*this);
    for (const AcceleratorSpec& part : scenario.catalog.accelerators)
      parts_.push_back(&part);
  }

  void run() {
    set_up_training_jobs();
    set_up_sites();
    set_up_clusters();
    set_up_orders();
    set_up_services();
    define_columns();
    set_up_scheduler();
    set_up_processes();
    update_running_costs();
    at_start_ = cumulative_at(0);
    last_cumulative_ = at_start_;
    engine_.run_until(end_);
    finish();
  }

  void on_event(Engine& engine, const Event& event) override {
    now_ = engine.now();
    switch (event.kind) {
      case kSample:
        sample();
        break;
      case kYearEnd:
        run_.summary.year_ends.push_back(snapshot());
        break;
      case kPhaseOnline:
        phase_online(high_of(event.payload), low_of(event.payload));
        break;
      case kPriceChange:
        price_change(high_of(event.payload), low_of(event.payload));
        break;
      case kOrderPlaced:
        order_placed(event.payload);
        break;
      case kArrival:
        arrival(event.payload);
        break;
      case kRepair:
        repair(event.payload);
        break;
      case kFailureDay:
        failure_day();
        break;
      case kRetire:
        retire(event.payload);
        break;
      case kBudget:
        if (scenario_.planner.policy == PlannerPolicy::demand) {
          demand_step();
        } else {
          budget_step();
        }
        break;
      case kInferenceHour:
        inference_hour();
        break;
      default:
        throw std::logic_error("capacity model: unknown event kind");
    }
    run_.events = engine.events_fired();
  }

 private:
  // ---- set-up -------------------------------------------------------------------------------

  std::size_t part_index(const std::string& name) const {
    for (std::size_t i = 0; i < parts_.size(); ++i) {
      if (parts_[i]->name == name)
        return i;
    }
    throw std::logic_error("capacity model: unknown accelerator " + name);
  }

  std::size_t site_index(const std::string& name) const {
    for (std::size_t i = 0; i < sites_.size(); ++i) {
      if (sites_[i].spec->name == name)
        return i;
    }
    throw std::logic_error("capacity model: unknown site " + name);
  }

  void set_up_sites() {
    for (const SiteSpec& spec : scenario_.sites) {
      SiteState site;
      site.spec = &spec;
      std::vector<ConstructionTask> tasks;
      for (const ConstructionTaskSpec& task : spec.construction) {
        tasks.push_back(ConstructionTask{task.name, task.duration_s, task.after});
      }
      site.plan = ConstructionPlan(std::move(tasks));
      if (spec.phases.empty()) {
        // Without phases the whole site comes online when its construction ends.
        const std::string last =
            site.plan.tasks().empty() ? std::string() : site.plan.critical_path().back();
        site.phases.push_back(PhaseState{spec.it_power_cap_w, last, std::nullopt, false});
      } else {
        for (const PowerPhaseSpec& phase : spec.phases) {
          site.phases.push_back(
              PhaseState{phase.it_power_w, phase.ready_after, std::nullopt, false});
        }
      }
      site.price_usd_per_j = spec.electricity_price_usd_per_j;
      sites_.push_back(std::move(site));
    }
    for (std::size_t s = 0; s < sites_.size(); ++s) {
      SiteState& site = sites_[s];
      const SiteSpec& spec = *site.spec;
      for (std::size_t c = 0; c < spec.electricity_price_changes.size(); ++c) {
        const Tick at = calendar_.tick_of(spec.electricity_price_changes[c].from);
        if (at <= 0) {
          site.price_usd_per_j = spec.electricity_price_changes[c].price_usd_per_j;
        } else if (at <= end_) {
          engine_.schedule_at(at, kPowerPhase, self_, kPriceChange, pack(s, c));
        }
      }
      if (spec.construction_start) {
        start_site(s, calendar_.tick_of(*spec.construction_start), "construction start given");
      } else if (!site.buildable()) {
        start_existing_site(s);
      } else if (scenario_.planner.policy == PlannerPolicy::fixed) {
        start_site(s, 0, "fixed plan: construction starts with the scenario");
      }
    }
  }

  /// A site without a construction plan: built before the scenario, all power online at the
  /// start; its facility is carried at replacement cost (cost per MW) from the start.
  void start_existing_site(std::size_t s) {
    SiteState& site = sites_[s];
    site.construction_start = 0;
    for (std::size_t p = 0; p < site.phases.size(); ++p) {
      site.phases[p].online_at = 0;
      bring_phase_online(s, p, 0, /*paid_before_start=*/true);
    }
  }

  void start_site(std::size_t s, Tick start, const std::string& why) {
    SiteState& site = sites_[s];
    site.construction_start = start;
    record({start, "site_start", site.spec->name, "", "", 0, site.spec->it_power_cap_w, 0.0, 0.0,
            why});
    for (std::size_t p = 0; p < site.phases.size(); ++p) {
      PhaseState& phase = site.phases[p];
      const Tick online = start + ticks_from_seconds(site.plan.phase_ready_s(phase.ready_after));
      phase.online_at = online;
      const double cost = phase.power_w * site.spec->cost_per_power_usd_per_w;
      run_.ledger.pay(CapexPayment{CapexKind::facility,
                                   fmt::format("{} phase {}", site.spec->name, p + 1), cost, start,
                                   online});
      if (online <= now_) {
        bring_phase_online(s, p, online, false);
      } else if (online <= end_) {
        engine_.schedule_at(online, kPowerPhase, self_, kPhaseOnline, pack(s, p));
      }
    }
  }

  void bring_phase_online(std::size_t s, std::size_t p, Tick online_at, bool existing) {
    SiteState& site = sites_[s];
    PhaseState& phase = site.phases[p];
    phase.online = true;
    site.online_power_w += phase.power_w;
    const double value = phase.power_w * site.spec->cost_per_power_usd_per_w;
    run_.ledger.add_asset(Asset{CapexKind::facility,
                                fmt::format("{} phase {}", site.spec->name, p + 1), value,
                                online_at, scenario_.economics.facility_life_s, INT64_MAX});
    record({std::max<Tick>(online_at, 0), "phase_online", site.spec->name, "", "", 0, phase.power_w,
            existing ? 0.0 : value, 0.0, existing ? "existing site: online from the start" : ""});
  }

  void set_up_clusters() {
    for (const ClusterSpec& cluster : scenario_.clusters) {
      const Tick online = calendar_.tick_of(cluster.online);
      Delivery delivery;
      delivery.name = cluster.name;
      delivery.part = part_index(cluster.accelerator);
      delivery.site = site_index(cluster.site);
      delivery.gpus = cluster.gpus;
      delivery.arrival = std::max<Tick>(online, 0);
      delivery.in_service_from = online;
      delivery.service_life_s = cluster.service_life_s;
      delivery.utilisation = cluster.utilisation.value_or(scenario_.economics.utilisation);
      delivery.paid_before_start = online < 0;
      if (online + ticks_from_seconds(cluster.service_life_s) <= 0) {
        record({0, "retire", cluster.site, cluster.accelerator, cluster.name, cluster.gpus, 0.0,
                0.0, 0.0, "retired before the scenario start"});
        continue;
      }
      delivery.cluster = add_scheduling_cluster(cluster.name, delivery.site, delivery.part,
                                                cluster.gpus, cluster.fabric);
      const std::size_t index = add_delivery(std::move(delivery));
      ordered_ += cluster.gpus;
      in_transit_ += cluster.gpus;
      engine_.schedule_at(deliveries_[index].arrival, kDeliveryPhase, self_, kArrival, index);
    }
  }

  std::size_t add_delivery(Delivery delivery) {
    delivery.waiting = delivery.gpus;
    sites_[delivery.site].reserved_w +=
        static_cast<double>(delivery.gpus) * parts_[delivery.part]->server_power_per_gpu_w;
    deliveries_.push_back(std::move(delivery));
    return deliveries_.size() - 1;
  }

  void set_up_orders() {
    for (std::size_t i = 0; i < scenario_.planner.orders.size(); ++i) {
      // Named now, so that jobs can be pinned to the cluster an order will form.
      const OrderSpec& order = scenario_.planner.orders[i];
      order_clusters_.push_back(
          add_scheduling_cluster(order_cluster_name(i), site_index(order.site),
                                 part_index(order.accelerator), order.gpus, FabricSpec{}));
      engine_.schedule_at(calendar_.tick_of(scenario_.planner.orders[i].order_date), kPlanningPhase,
                          self_, kOrderPlaced, i);
    }
  }

  void set_up_processes() {
    const Date start = scenario_.scenario.start;
    const PeriodUnit period = reporting_period_;
    const Tick end = end_;
    const Calendar calendar = calendar_;
    engine_.schedule_periodic(
        std::min(end, calendar.tick_of(next_period_start(start, period, start))),
        [calendar, period, start, end](Tick previous) {
          if (previous >= end)
            return INT64_MAX;
          return std::min(
              end, calendar.tick_of(next_period_start(calendar.date_of(previous), period, start)));
        },
        kSamplePhase, self_, kSample);
    engine_.schedule_periodic(
        calendar.tick_of(next_period_start(start, PeriodUnit::year, start)),
        [calendar, start](Tick previous) {
          return calendar.tick_of(
              next_period_start(calendar.date_of(previous), PeriodUnit::year, start));
        },
        kSamplePhase, self_, kYearEnd);
    if (scenario_.failures.annual_failure_rate > 0.0) {
      engine_.schedule_every(ticks_from_seconds(kSecondsPerDay), kTicksPerDay, kFailurePhase, self_,
                             kFailureDay);
    }
    if (scenario_.planner.policy == PlannerPolicy::budget ||
        scenario_.planner.policy == PlannerPolicy::demand) {
      const PeriodUnit budget_period = scenario_.planner.budget_period;
      engine_.schedule_periodic(
          0,
          [calendar, budget_period, start](Tick previous) {
            return calendar.tick_of(
                next_period_start(calendar.date_of(previous), budget_period, start));
          },
          kPlanningPhase, self_, kBudget);
    }
    last_sample_ = 0;
    staff_cost_usd_.set_rate(0, scenario_.economics.staff_cost_per_year_usd / kSecondsPerYear);
  }

  // ---- events -------------------------------------------------------------------------------

  void phase_online(std::size_t s, std::size_t p) {
    bring_phase_online(s, p, now_, false);
    install_waiting(s);
    update_running_costs();
  }

  void price_change(std::size_t s, std::size_t change) {
    SiteState& site = sites_[s];
    site.price_usd_per_j = site.spec->electricity_price_changes[change].price_usd_per_j;
    update_site_draw(s);
  }

  void order_placed(std::size_t order_index) {
    const OrderSpec& order = scenario_.planner.orders[order_index];
    const Tick lead = ticks_from_seconds(order.lead_time_s.value_or(scenario_.planner.lead_time_s));
    const std::string name = order_cluster_name(order_index);
    record({now_, "order", order.site, order.accelerator, name, order.gpus, 0.0, 0.0, 0.0, ""});
    place_order(name, part_index(order.accelerator), site_index(order.site), order.gpus,
                now_ + lead, scenario_.planner.service_life_s, order_clusters_[order_index]);
  }

  std::string order_cluster_name(std::size_t order_index) const {
    const OrderSpec& order = scenario_.planner.orders[order_index];
    return order.cluster.empty() ? fmt::format("order-{}", order_index + 1) : order.cluster;
  }

  /// Orders GPUs for a site, arriving at `arrival`, or later where a vendor's quarterly
  /// allocation is used up: the rest slips quarter by quarter.
  void place_order(const std::string& name, std::size_t part, std::size_t site, std::int64_t gpus,
                   Tick arrival, double service_life_s, std::size_t cluster) {
    ordered_ += gpus;
    in_transit_ += gpus;
    std::int64_t remaining = gpus;
    int split = 0;
    Tick when = arrival;
    while (remaining > 0) {
      const std::int64_t allowed = std::min(remaining, cap_remaining(part, when));
      if (allowed > 0) {
        Delivery delivery;
        delivery.name = split == 0 ? name : fmt::format("{}/{}", name, split + 1);
        delivery.part = part;
        delivery.site = site;
        delivery.gpus = allowed;
        delivery.arrival = when;
        delivery.in_service_from = when;
        delivery.service_life_s = service_life_s;
        delivery.utilisation = scenario_.economics.utilisation;
        delivery.cluster = cluster;
        use_cap(part, when, allowed);
        const std::size_t index = add_delivery(std::move(delivery));
        if (when <= end_)
          engine_.schedule_at(when, kDeliveryPhase, self_, kArrival, index);
        remaining -= allowed;
        ++split;
      }
      when = calendar_.tick_of(next_period_start(calendar_.date_of(when), PeriodUnit::quarter,
                                                 scenario_.scenario.start));
    }
  }

  void arrival(std::size_t index) {
    Delivery& delivery = deliveries_[index];
    delivery.arrived = true;
    in_transit_ -= delivery.gpus;
    delivered_ += delivery.gpus;
    const AcceleratorSpec& part = *parts_[delivery.part];
    const double amount = static_cast<double>(delivery.gpus) * part.price_installed_per_gpu_usd;
    if (!delivery.paid_before_start) {
      run_.ledger.pay(CapexPayment{CapexKind::gpus, delivery.name, amount, now_, now_});
      record({now_, "delivery", sites_[delivery.site].spec->name, part.name, delivery.name,
              delivery.gpus, 0.0, amount, 0.0, ""});
    }
    sites_[delivery.site].waiting.push_back(index);
    install_waiting(delivery.site);
    update_running_costs();
  }

  /// Installs waiting deliveries, first come first served, as far as the site's online power
  /// allows; a delivery that does not fit whole installs in part and waits for the rest.
  void install_waiting(std::size_t s) {
    SiteState& site = sites_[s];
    bool changed = false;
    while (!site.waiting.empty()) {
      Delivery& delivery = deliveries_[site.waiting.front()];
      const AcceleratorSpec& part = *parts_[delivery.part];
      const double free_w = site.online_power_w - site.installed_peak_w;
      const auto fitting =
          static_cast<std::int64_t>(std::floor(free_w / part.server_power_per_gpu_w + 1e-9));
      const std::int64_t gpus = std::min(delivery.waiting, std::max<std::int64_t>(0, fitting));
      if (gpus == 0)
        break;
      create_pool(delivery, gpus);
      delivery.waiting -= gpus;
      changed = true;
      if (delivery.waiting == 0)
        site.waiting.pop_front();
    }
    if (changed)
      update_site_draw(s);
  }

  void create_pool(Delivery& delivery, std::int64_t gpus) {
    SiteState& site = sites_[delivery.site];
    const AcceleratorSpec& part = *parts_[delivery.part];
    const double peak_w = static_cast<double>(gpus) * part.server_power_per_gpu_w;
    site.installed_peak_w += peak_w;
    site.reserved_w -= peak_w;
    Pool pool;
    pool.name = delivery.installs == 0 ? delivery.name
                                       : fmt::format("{}#{}", delivery.name, delivery.installs + 1);
    ++delivery.installs;
    pool.part = delivery.part;
    pool.site = delivery.site;
    pool.gpus = gpus;
    pool.utilisation = delivery.utilisation;
    pool.failures = RandomStream(static_cast<std::uint64_t>(scenario_.scenario.seed), replication_,
                                 "failures/" + pool.name);
    const Tick in_service = delivery.paid_before_start ? delivery.in_service_from : now_;
    pool.asset = run_.ledger.add_asset(Asset{
        CapexKind::gpus, pool.name, static_cast<double>(gpus) * part.price_installed_per_gpu_usd,
        in_service, scenario_.economics.server_life_s, INT64_MAX});
    const Tick retire_at = in_service + ticks_from_seconds(delivery.service_life_s);
    const double wait_s = seconds_from_ticks(now_ - delivery.arrival);
    waiting_gpu_seconds_ += static_cast<double>(gpus) * wait_s;
    installed_total_ += gpus;
    record({now_, "install", site.spec->name, part.name, pool.name, gpus, peak_w, 0.0, wait_s,
            delivery.paid_before_start ? "existing fleet" : ""});
    pool.cluster = delivery.cluster;
    pools_.push_back(std::move(pool));
    const std::size_t index = pools_.size() - 1;
    site.pools.push_back(index);
    clusters_[delivery.cluster].pools.push_back(index);
    refresh_cluster_capacity(delivery.cluster);
    if (retire_at <= end_)
      engine_.schedule_at(std::max(retire_at, now_), kRetirePhase, self_, kRetire, index);
  }

  void failure_day() {
    RepairBatch batch;
    std::vector<std::size_t> touched;
    for (std::size_t i = 0; i < pools_.size(); ++i) {
      Pool& pool = pools_[i];
      if (!pool.active)
        continue;
      const std::int64_t available = pool.gpus - pool.failed;
      if (available <= 0)
        continue;
      const double mean = failure_rate_per_gpu_s_ * static_cast<double>(available) * kSecondsPerDay;
      const auto failed =
          std::min<std::int64_t>(available, static_cast<std::int64_t>(pool.failures.poisson(mean)));
      if (failed == 0)
        continue;
      pool.failed += failed;
      failures_ += failed;
      batch.returns.emplace_back(i, failed);
      touched.push_back(i);
    }
    if (batch.returns.empty())
      return;
    repairs_.push_back(std::move(batch));
    engine_.schedule_after(ticks_from_seconds(scenario_.failures.repair_time_s), kRepairPhase,
                           self_, kRepair, repairs_.size() - 1);
    after_pool_changes(touched);
  }

  /// GPUs of these pools failed or came back: their clusters' capacity and sites' draw change.
  void after_pool_changes(const std::vector<std::size_t>& changed_pools) {
    std::vector<bool> site_touched(sites_.size(), false);
    std::vector<bool> cluster_touched(clusters_.size(), false);
    for (const std::size_t index : changed_pools) {
      site_touched[pools_[index].site] = true;
      cluster_touched[pools_[index].cluster] = true;
    }
    for (std::size_t c = 0; c < clusters_.size(); ++c) {
      if (cluster_touched[c])
        refresh_cluster_capacity(c);
    }
    for (std::size_t s = 0; s < sites_.size(); ++s) {
      if (site_touched[s])
        update_site_draw(s);
    }
  }

  void repair(std::size_t batch_index) {
    std::vector<std::size_t> touched;
    for (const auto& [pool_index, gpus] : repairs_[batch_index].returns) {
      Pool& pool = pools_[pool_index];
      if (!pool.active)
        continue;
      pool.failed -= gpus;
      touched.push_back(pool_index);
    }
    repairs_[batch_index].returns.clear();
    after_pool_changes(touched);
  }

  void retire(std::size_t index) {
    Pool& pool = pools_[index];
    SiteState& site = sites_[pool.site];
    const AcceleratorSpec& part = *parts_[pool.part];
    pool.active = false;
    const double peak_w = static_cast<double>(pool.gpus) * part.server_power_per_gpu_w;
    site.installed_peak_w -= peak_w;
    retired_ += pool.gpus;
    pool.failed = 0;
    run_.ledger.write_off(pool.asset, now_);
    record(
        {now_, "retire", site.spec->name, part.name, pool.name, pool.gpus, peak_w, 0.0, 0.0, ""});
    refresh_cluster_capacity(pool.cluster);
    update_site_draw(pool.site);
    install_waiting(pool.site);
    update_running_costs();
  }

  // ---- training -----------------------------------------------------------------------------

  /// The share of a pool's available GPUs that is busy: held by training jobs when the scenario
  /// has any (its cluster's share), else the utilisation the scenario assumes.
  double busy_share(const Pool& pool) const {
    if (training_.empty() && services_.empty())
      return pool.utilisation;
    const SchedulingCluster& cluster = clusters_[pool.cluster];
    if (cluster.available <= 0)
      return 0.0;
    return std::min(1.0, static_cast<double>(cluster.busy + cluster.serving) /
                             static_cast<double>(cluster.available));
  }

  /// Clusters of the same part at the same site can host one job between them (when the
  /// scenario allows cross-cluster jobs): they form a group.
  std::size_t cluster_group(std::size_t c) {
    const SchedulingCluster& cluster = clusters_[c];
    const auto key = std::make_pair(cluster.site, cluster.part);
    const auto [it, inserted] = cluster_groups_.emplace(key, cluster_groups_.size());
    return it->second;
  }

  std::size_t add_scheduling_cluster(const std::string& name, std::size_t site, std::size_t part,
                                     std::int64_t gpus, const FabricSpec& fabric) {
    SchedulingCluster cluster;
    cluster.name = name;
    cluster.site = site;
    cluster.part = part;
    cluster.planned_gpus = gpus;
    cluster.fabric_spec = fabric;
    clusters_.push_back(std::move(cluster));
    if (scheduler_)
      scheduler_->add_cluster(0, cluster_group(clusters_.size() - 1));
    return clusters_.size() - 1;
  }

  void refresh_cluster_capacity(std::size_t c) {
    std::int64_t available = 0;
    for (const std::size_t index : clusters_[c].pools) {
      if (pools_[index].active)
        available += pools_[index].gpus - pools_[index].failed;
    }
    clusters_[c].available = available;
    if (scheduler_)
      scheduler_->set_capacity(c, std::max<std::int64_t>(0, available - clusters_[c].serving));
  }

  void set_up_training_jobs() {
    for (const TenantSpec& tenant : scenario_.training.tenants) {
      tenant_names_.push_back(tenant.name);
      tenant_shares_.push_back(tenant.share);
    }
    tenant_names_.push_back("default");  // jobs of no listed tenant
    tenant_shares_.push_back(0.0);
    const auto tenant_of = [&](const std::string& name) {
      const auto found = std::find(tenant_names_.begin(), tenant_names_.end(), name);
      return static_cast<std::size_t>(found - tenant_names_.begin());
    };
    for (const TrainingJobSpec& spec : scenario_.training.jobs) {
      TrainingJob job;
      job.spec = spec;
      job.submit = std::max<Tick>(0, calendar_.tick_of(spec.submit));
      job.tenant = tenant_of(spec.tenant);
      training_.push_back(std::move(job));
    }
    for (GeneratedJob& generated : generate_training_jobs(scenario_, replication_)) {
      TrainingJob job;
      job.submit = generated.submit;
      job.tenant = tenant_of(generated.spec.tenant);
      job.generated = true;
      job.spec = std::move(generated.spec);
      training_.push_back(std::move(job));
    }
    for (std::size_t i = 0; i < training_.size(); ++i) {
      for (const std::string& dependency : training_[i].spec.after) {
        for (std::size_t j = 0; j < training_.size(); ++j) {
          if (training_[j].spec.name == dependency) {
            training_[j].dependents.push_back(i);
            ++training_[i].unfinished_dependencies;
          }
        }
      }
    }
    tenant_gpu_s_.resize(tenant_names_.size());
    tenant_running_.assign(tenant_names_.size(), 0);
  }

  void set_up_scheduler() {
    if (training_.empty())
      return;
    for (const TrainingJob& job : training_) {
      GangJob gang;
      gang.submit = job.submit;
      gang.gpus = job.spec.gpus;
      gang.min_gpus = job.spec.min_gpus;
      gang.priority = job.spec.priority;
      gang.tenant = job.tenant;
      gang.held = job.unfinished_dependencies > 0;
      gang.preemptible = job.spec.preemptible;
      if (!job.spec.cluster.empty()) {
        for (std::size_t c = 0; c < clusters_.size(); ++c) {
          if (clusters_[c].name == job.spec.cluster)
            gang.cluster = c;
        }
      }
      gang_jobs_.push_back(gang);
    }
    GangSchedulerOptions options;
    options.policy = scenario_.training.policy;
    options.sharing = scenario_.training.sharing == SharingPolicy::quota ? TenantSharing::quota
                      : scenario_.training.sharing == SharingPolicy::fair_share
                          ? TenantSharing::fair_share
                          : TenantSharing::none;
    options.tenant_shares = tenant_shares_;
    options.cross_cluster = scenario_.training.cross_cluster;
    std::vector<std::int64_t> capacity;
    std::vector<std::size_t> groups;
    for (std::size_t c = 0; c < clusters_.size(); ++c) {
      capacity.push_back(clusters_[c].available);
      groups.push_back(cluster_group(c));
    }
    scheduler_ =
        std::make_unique<GangScheduler>(engine_, capacity, gang_jobs_, options, this, groups);
  }

  /// The job's effective MFU on a cluster: its base MFU less the exposed share of its gradient
  /// all-reduce on that cluster's fabric, relative to a non-blocking fabric (the base MFU is
  /// what the job reaches on one). Jobs given by FLOPs alone carry no model size: base MFU.
  double effective_job_mfu(const TrainingJob& job, SchedulingCluster& cluster, double peak,
                           std::int64_t gpus) {
    const TrainingJobSpec& spec = job.spec;
    if (!spec.active_parameters)
      return spec.base_mfu;
    const AcceleratorSpec& part = *parts_[cluster.part];
    try {
      if (!cluster.fabric) {
        FabricShape shape =
            make_fabric_shape(cluster.fabric_spec, std::max(cluster.planned_gpus, spec.gpus), part);
        cluster.fabric = std::make_unique<Fabric>(shape);
        shape.oversubscription = 1.0;
        cluster.non_blocking = std::make_unique<Fabric>(shape);
      }
      StepModel step;
      step.model_parallel_gpus = std::gcd(gpus, part.scale_up_domain);
      step.gradient_bytes = 2.0 * *spec.active_parameters /
                            static_cast<double>(step.model_parallel_gpus);  // bf16 gradients
      step.compute_time_s = 6.0 * *spec.active_parameters * spec.global_batch_tokens /
                            (static_cast<double>(gpus) * peak * spec.base_mfu);
      step.overlap = spec.communication_overlap;
      return spec.base_mfu * effective_mfu(spec.base_mfu, *cluster.fabric, gpus, step) /
             effective_mfu(spec.base_mfu, *cluster.non_blocking, gpus, step);
    } catch (const std::invalid_argument&) {
      return spec.base_mfu;  // a job larger than the cluster's fabric never runs there anyway
    }
  }

  /// Job, cluster, GPUs, and the efficiency gain its compute divides by when it starts.
  using RunKey = std::tuple<std::size_t, std::size_t, std::int64_t, double>;

  /// The efficiency gain of a run starting now: capability-equivalent jobs need
  /// compute / (algorithmic × software gain), fixed-compute jobs run faster by software alone.
  RunKey run_key(std::size_t job_index, std::size_t cluster_index, std::int64_t gpus) const {
    // The scheduler asks from its own events, so the engine's clock, not the last model event,
    // says when; trends are read at the start of the day, so that a backfill pass over a long
    // queue does not simulate every job's run anew each time a trend has moved a little.
    const double t_s = seconds_from_ticks(engine_.now() / kTicksPerDay * kTicksPerDay);
    const double gain = training_[job_index].spec.capability_equivalent ? efficiency_.training(t_s)
                                                                        : efficiency_.software(t_s);
    return std::make_tuple(job_index, cluster_index, gpus, gain);
  }

  /// The job's whole run on `gpus` GPUs of a cluster, failures and checkpoints included.
  Tick whole_run_duration(std::size_t job_index, std::size_t cluster_index, std::int64_t gpus) {
    const auto key = run_key(job_index, cluster_index, gpus);
    if (const auto cached = durations_.find(key); cached != durations_.end()) {
      return cached->second.first;
    }
    TrainingJob& job = training_[job_index];
    SchedulingCluster& cluster = clusters_[cluster_index];
    const AcceleratorSpec& part = *parts_[cluster.part];
    const double peak =
        part.peak_flop_per_s(job.spec.precision).value_or(part.peak_dense_flops.bf16_flop_per_s);
    TrainingRunSpec spec;
    spec.flops = training_flops(job.spec) / std::get<3>(key);
    spec.gpus = gpus;
    spec.peak_flop_per_s = peak;
    spec.mfu = effective_job_mfu(job, cluster, peak, gpus);
    spec.checkpoint_interval_s = job.spec.checkpoint_interval_s;
    spec.checkpoint_cost_s = job.spec.checkpoint_cost_s;
    spec.restart_overhead_s = job.spec.restart_overhead_s;
    spec.failure_rate_per_gpu_s = failure_rate_per_gpu_s_;
    TrainingRunResult result;
    Tick duration = 0;
    try {
      // Each job has its own interruption stream (replication = job index).
      result = simulate_training_run(spec, static_cast<std::uint64_t>(scenario_.scenario.seed),
                                     job_index);
      duration = ticks_from_seconds(result.elapsed_s);
    } catch (const std::invalid_argument&) {
      duration = INT64_MAX / 4;  // cannot finish in any horizon: it holds its GPUs to the end
    }
    result.goodput = result.completed ? result.goodput : 0.0;
    durations_.emplace(key, std::make_pair(duration, result));
    job_mfu_.emplace(key, spec.mfu);
    return duration;
  }

  /// After a preemption the job resumes from its last checkpoint: the work not saved, at the
  /// whole run's pace on the new allocation, after a restart.
  Tick job_duration(std::size_t job_index, std::size_t cluster_index, std::int64_t gpus) override {
    const Tick whole = whole_run_duration(job_index, cluster_index, gpus);
    const TrainingJob& job = training_[job_index];
    if (job.preemptions == 0 || whole >= INT64_MAX / 4)
      return whole;
    return ticks_from_seconds((1.0 - job.work_saved) * seconds_from_ticks(whole) +
                              job.spec.restart_overhead_s);
  }

  /// Serving took the job's GPUs. Its run had done useful compute at the run's average pace
  /// (useful / elapsed of the whole run, which spreads failures evenly); what the last
  /// checkpoint holds is kept, the rest and the restart are lost.
  void job_preempted(std::size_t job_index) override {
    now_ = engine_.now();
    TrainingJob& job = training_[job_index];
    const GangJobOutcome& outcome = scheduler_->outcomes()[job_index];
    const TrainingRunResult& run = *job.result;
    const double ran_s = seconds_from_ticks(now_ - *outcome.start);
    const double computing_s = std::max(0.0, ran_s - job.run_restart_s);
    const double pace = run.elapsed_s > 0.0 ? run.useful_s / run.elapsed_s : 0.0;
    const double interval_s = job.spec.checkpoint_interval_s;
    const double saved_useful_s =
        interval_s > 0.0 ? std::floor(computing_s * pace / interval_s) * interval_s : 0.0;
    if (run.useful_s > 0.0) {
      job.work_saved = std::min(job.work_saved + saved_useful_s / run.useful_s, 1.0);
    }
    const double saved_elapsed_s = pace > 0.0 ? saved_useful_s / pace : 0.0;
    job.preemption_lost_gpu_s +=
        static_cast<double>(outcome.gpus) * std::max(0.0, ran_s - saved_elapsed_s);
    job.preempted_runs_gpu_s += static_cast<double>(outcome.gpus) * ran_s;
    ++job.preemptions;
    for (const auto& [cluster_index, gpus] : outcome.pieces) {
      clusters_[cluster_index].busy -= gpus;
      refresh_training_draw(cluster_index);
    }
    set_training_rates(job.tenant, -outcome.gpus);
  }

  void job_started(std::size_t job_index) override {
    now_ = engine_.now();
    TrainingJob& job = training_[job_index];
    const GangJobOutcome& outcome = scheduler_->outcomes()[job_index];
    const auto key = run_key(job_index, outcome.cluster, outcome.gpus);
    whole_run_duration(job_index, outcome.cluster, outcome.gpus);
    job.result = durations_.at(key).second;
    job.run_restart_s = job.preemptions > 0 ? job.spec.restart_overhead_s : 0.0;
    job.mfu = job_mfu_.at(key);
    job.gpus = outcome.gpus;
    for (const auto& [cluster_index, gpus] : outcome.pieces) {
      clusters_[cluster_index].busy += gpus;
      refresh_training_draw(cluster_index);
    }
    set_training_rates(job.tenant, outcome.gpus);
  }

  void job_ended(std::size_t job_index) override {
    now_ = engine_.now();
    TrainingJob& job = training_[job_index];
    job.done = true;
    for (const auto& [cluster_index, gpus] : scheduler_->outcomes()[job_index].pieces) {
      clusters_[cluster_index].busy -= gpus;
      refresh_training_draw(cluster_index);
    }
    set_training_rates(job.tenant, -job.gpus);
    for (const std::size_t dependent : job.dependents) {
      if (--training_[dependent].unfinished_dependencies == 0)
        scheduler_->release(dependent);
    }
  }

  std::int64_t running_jobs() const {
    std::int64_t running = 0;
    for (std::size_t i = 0; i < training_.size(); ++i) {
      if (scheduler_->outcomes()[i].start && !training_[i].done)
        ++running;
    }
    return running;
  }

  void set_training_rates(std::size_t tenant, std::int64_t change) {
    tenant_running_[tenant] += change;
    training_busy_ += change;
    tenant_gpu_s_[tenant].set_rate(now_, static_cast<double>(tenant_running_[tenant]));
    training_busy_gpu_s_.set_rate(now_, static_cast<double>(training_busy_));
  }

  /// Training changed a cluster's busy GPUs: the power its sites draw changes.
  void refresh_training_draw(std::size_t cluster_index) {
    std::vector<bool> site_touched(sites_.size(), false);
    for (const std::size_t index : clusters_[cluster_index].pools) {
      site_touched[pools_[index].site] = true;
    }
    for (std::size_t s = 0; s < sites_.size(); ++s) {
      if (site_touched[s])
        update_site_draw(s);
    }
  }

  void finish_training() {
    if (training_.empty())
      return;
    TrainingSummary& t = run_.training;
    const std::vector<GangJobOutcome>& outcomes = scheduler_->outcomes();
    std::vector<double> waits_h;
    for (std::size_t i = 0; i < training_.size(); ++i) {
      const TrainingJob& job = training_[i];
      const GangJobOutcome& outcome = outcomes[i];
      TrainingJobRecord record;
      record.name = job.spec.name;
      record.tenant = tenant_names_[job.tenant];
      record.gpus = job.spec.gpus;
      record.gpus_used = job.gpus;
      record.submit = job.submit;
      record.start = outcome.first_start;
      record.preemptions = job.preemptions;
      record.preemption_lost_gpu_hours = job.preemption_lost_gpu_s / 3600.0;
      record.gpu_hours = job.preempted_runs_gpu_s / 3600.0;
      t.preemptions += job.preemptions;
      t.preemption_lost_gpu_hours += record.preemption_lost_gpu_hours;
      if (outcome.start) {
        record.cluster = clusters_[outcome.cluster].name;
        record.end = outcome.end;
        record.mfu = job.mfu;
        record.gpu_hours += static_cast<double>(job.gpus) *
                            seconds_from_ticks(std::min(*outcome.end, end_) - *outcome.start) /
                            3600.0;
        if (job.result) {
          record.interruptions = job.result->interruptions;
          record.goodput = job.result->goodput;
          // A job serving preempted held GPUs for runs whose unsaved work was lost as well.
          if (job.done && job.preemptions > 0 && record.gpu_hours > 0.0) {
            record.goodput =
                job.result->useful_s * static_cast<double>(job.gpus) / (record.gpu_hours * 3600.0);
          }
        }
      }
      if (outcome.first_start)
        waits_h.push_back(seconds_from_ticks(*outcome.first_start - job.submit) / 3600.0);
      const bool started = outcome.start.has_value();
      record.status = job.done          ? "completed"
                      : started         ? "running"
                      : job.preemptions ? "preempted"
                                        : (job.unfinished_dependencies > 0 ? "held" : "queued");
      if (job.done)
        ++t.completed;
      if (started && !job.done)
        ++t.running_at_end;
      if (!started) {
        ++t.queued_at_end;
        // What the job asked for, at its base MFU on the first cluster's part (an estimate).
        const double peak = parts_.empty() ? kH100DenseBf16FlopPerS
                                           : parts_[clusters_.empty() ? 0 : clusters_[0].part]
                                                 ->peak_dense_flops.bf16_flop_per_s;
        // At the efficiency the job would have run with at the end.
        const double end_s = seconds_from_ticks(end_);
        const double gain = job.spec.capability_equivalent ? efficiency_.training(end_s)
                                                           : efficiency_.software(end_s);
        try {
          t.unmet_gpu_hours +=
              training_flops(job.spec) / gain / (peak * job.spec.base_mfu) / 3600.0;
        } catch (const std::invalid_argument&) {
        }
      }
      run_.jobs.push_back(std::move(record));
    }
    t.jobs = static_cast<std::int64_t>(training_.size());
    std::vector<double> useful(clusters_.size(), 0.0), elapsed(clusters_.size(), 0.0);
    for (std::size_t i = 0; i < training_.size(); ++i) {
      const TrainingJob& job = training_[i];
      if (!outcomes[i].start || !job.result || !job.result->completed)
        continue;
      // Every run the job held GPUs for: runs serving preempted count as elapsed too.
      useful[outcomes[i].cluster] += job.result->useful_s * static_cast<double>(job.gpus);
      elapsed[outcomes[i].cluster] += run_.jobs[i].gpu_hours * 3600.0;
    }
    for (std::size_t c = 0; c < clusters_.size(); ++c) {
      if (elapsed[c] <= 0.0)
        continue;
      t.clusters.push_back(clusters_[c].name);
      t.cluster_goodput.push_back(useful[c] / elapsed[c]);
    }
    std::sort(waits_h.begin(), waits_h.end());
    const auto quantile = [&](double q) {
      if (waits_h.empty())
        return 0.0;
      const auto rank =
          static_cast<std::size_t>(std::ceil(q * static_cast<double>(waits_h.size())));
      return waits_h[std::min(waits_h.size() - 1, rank == 0 ? 0 : rank - 1)];
    };
    t.wait_p50_h = quantile(0.50);
    t.wait_p95_h = quantile(0.95);
    double wait_sum = 0.0;
    for (const double wait : waits_h)
      wait_sum += wait;
    t.wait_mean_h = waits_h.empty() ? 0.0 : wait_sum / static_cast<double>(waits_h.size());
    t.gpu_hours_busy = training_busy_gpu_s_.total_at(end_) / 3600.0;
    const double available_h = gpu_available_s_.total_at(end_) / 3600.0;
    t.utilisation = available_h > 0 ? t.gpu_hours_busy / available_h : 0.0;
    t.tenants = tenant_names_;
    t.tenant_share = tenant_shares_;
    for (std::size_t k = 0; k < tenant_names_.size(); ++k) {
      const double hours = tenant_gpu_s_[k].total_at(end_) / 3600.0;
      t.tenant_gpu_hours.push_back(hours);
      t.tenant_received_share.push_back(t.gpu_hours_busy > 0 ? hours / t.gpu_hours_busy : 0.0);
    }
  }

  // ---- inference ----------------------------------------------------------------------------

  void set_up_services() {
    for (const ServiceSpec& spec : scenario_.inference.services) {
      ServiceState service;
      service.spec = &spec;
      for (std::size_t c = 0; c < clusters_.size(); ++c) {
        if (clusters_[c].name == spec.cluster)
          service.cluster = c;
      }
      // The loader has checked that the model fits and its SLO can be met.
      service.throughput = service_throughput(spec, *parts_[part_index(spec.accelerator)],
                                              spec.model.context_tokens);
      service.demand = demand_curve(spec, calendar_);
      services_.push_back(std::move(service));
    }
    if (!services_.empty()) {
      engine_.schedule_every(0, kTicksPerHour, kInferencePhase, self_, kInferenceHour);
    }
  }

  /// Each hour every service sizes its pools for the hour's demand at its target utilisation
  /// and takes the GPUs from its cluster that training does not hold. GPUs training borrowed
  /// come back by preemption (reclaim: preempt) or as jobs end (reclaim: wait). Demand it
  /// cannot place is dropped, and the hour misses the SLO.
  void inference_hour() {
    if (now_ >= end_)
      return;  // the hour starting at the horizon's end is not in the run
    for (ServiceState& service : services_) {
      const ServiceSpec& spec = *service.spec;
      // Each hour moves demand an hour's worth towards where prices now send it.
      service.demand_multiple =
          demand_multiple_towards(service, now_, seconds_from_ticks(kTicksPerHour));
      const TokenDemand demand = demand_at(service, now_);
      const std::int64_t wanted = gpus_wanted(service, now_);
      SchedulingCluster& cluster = clusters_[service.cluster];
      cluster.serving -= service.gpus;
      const auto room_now = [&] {
        return std::max<std::int64_t>(0, cluster.available - cluster.busy - cluster.serving);
      };
      if (wanted > room_now() && scheduler_ && spec.reclaim == ReclaimPolicy::preempt) {
        // The scheduler's free GPUs on the cluster count towards what serving may take.
        const std::int64_t free_for_training =
            scheduler_->capacity(service.cluster) - scheduler_->busy_gpus(service.cluster);
        scheduler_->preempt(service.cluster, free_for_training + (wanted - room_now()));
      }
      const std::int64_t room = room_now();
      service.gpus = std::min(wanted, room);
      cluster.serving += service.gpus;
      service.peak_gpus = std::max(service.peak_gpus, service.gpus);
      const double served =
          wanted > 0 ? static_cast<double>(service.gpus) / static_cast<double>(wanted) : 1.0;
      ++service.hours;
      if (service.gpus >= wanted)
        ++service.hours_met;
      service.demand_input.set_rate(now_, demand.input_tokens_per_s);
      service.demand_output.set_rate(now_, demand.output_tokens_per_s);
      service.served_input_hit.set_rate(now_, served * demand.cache_hit_input_tokens_per_s());
      service.served_input_miss.set_rate(now_, served * demand.cache_miss_input_tokens_per_s());
      service.served_output.set_rate(now_, served * demand.output_tokens_per_s);
      const PriceListSpec& prices = spec.prices;
      service.revenue_usd.set_rate(
          now_, served * price_ratio(now_) *
                    (demand.cache_hit_input_tokens_per_s() *
                         prices.input_cache_hit_usd_per_token.value_or(0.0) +
                     demand.cache_miss_input_tokens_per_s() *
                         prices.input_cache_miss_usd_per_token.value_or(0.0) +
                     demand.output_tokens_per_s * prices.output_usd_per_token.value_or(0.0)));
      service.gpu_s.set_rate(now_, static_cast<double>(service.gpus) +
                                       warming_gpus(service, room) * spec.scale_up_warmup_s /
                                           static_cast<double>(seconds_from_ticks(kTicksPerHour)));
      refresh_cluster_capacity(service.cluster);
      refresh_training_draw(service.cluster);
    }
  }

  /// GPUs the service's pools need for the hour starting at `hour`.
  std::int64_t gpus_wanted(const ServiceState& service, Tick hour) const {
    if (service.sized_ahead && service.sized_ahead->first == hour)
      return service.sized_ahead->second;
    const ReplicaThroughput throughput = throughput_at(service, hour);
    return size_service(*service.spec, throughput, demand_at(service, hour)).gpus(throughput);
  }

  /// The service's demand in the hour: its curve, times where prices have moved it.
  TokenDemand demand_at(const ServiceState& service, Tick hour) const {
    TokenDemand demand = service.demand.at(hour, calendar_);
    demand.input_tokens_per_s *= service.demand_multiple;
    demand.output_tokens_per_s *= service.demand_multiple;
    return demand;
  }

  /// Replicas serve more tokens as inference gets more efficient.
  ReplicaThroughput throughput_at(const ServiceState& service, Tick hour) const {
    return scaled_throughput(service.throughput, efficiency_.inference(seconds_from_ticks(hour)));
  }

  /// The service's own elasticity, else the demand feedback's.
  double elasticity_of(const ServiceState& service) const {
    return service.spec->demand.elasticity.value_or(scenario_.demand_feedback.elasticity);
  }

  /// Price at `tick` over price at the start: list prices hold without demand feedback; with
  /// it, prices follow cost, which falls as the inference gain rises.
  double price_ratio(Tick tick) const {
    if (!scenario_.demand_feedback.enabled)
      return 1.0;
    return efficiency_.inference(0.0) / efficiency_.inference(seconds_from_ticks(tick));
  }

  /// Demand feedback. The price of a token follows its cost at a fixed margin, and at a fixed
  /// price per GPU-hour the cost of a token falls as the inference gain rises, so
  /// price / price₀ = gain₀ / gain(t) and demand heads for (price / price₀)^−ε =
  /// (gain(t) / gain₀)^ε, approaching it exponentially with the adjustment time τ: after
  /// `elapsed_s` towards the target of `target_at`, the multiple is
  /// target + (m − target) · e^(−elapsed / τ).
  double demand_multiple_towards(const ServiceState& service, Tick target_at,
                                 double elapsed_s) const {
    const DemandFeedbackSpec& feedback = scenario_.demand_feedback;
    const double elasticity = elasticity_of(service);
    if (!feedback.enabled || elasticity == 0.0)
      return service.demand_multiple;
    const double target = std::pow(price_ratio(target_at), -elasticity);
    const double keep =
        feedback.adjustment_time_s > 0.0 ? std::exp(-elapsed_s / feedback.adjustment_time_s) : 0.0;
    return target + (service.demand_multiple - target) * keep;
  }

  /// GPUs the next hour needs beyond this hour's, within the cluster's room: the autoscaler
  /// knows the demand forecast, so it starts them scale_up_warmup before the hour and holds
  /// them that much longer. Their power and their absence from training's room, for that
  /// fraction of an hour, are not counted.
  double warming_gpus(ServiceState& service, std::int64_t room) const {
    if (service.spec->scale_up_warmup_s <= 0.0)
      return 0.0;
    const Tick next_hour = now_ + kTicksPerHour;
    const std::int64_t next_wanted = gpus_wanted(service, next_hour);
    service.sized_ahead = std::pair{next_hour, next_wanted};
    return static_cast<double>(
        std::clamp<std::int64_t>(next_wanted - service.gpus, 0, room - service.gpus));
  }

  /// USD per GPU-hour a service is charged: the scenario's rental price, or the fleet's fully
  /// loaded cost.
  double service_price_per_gpu_hour(double fleet_cost_per_gpu_hour) const {
    const auto& rental = scenario_.economics.rental_price_usd_per_gpu_s;
    return rental ? *rental * 3600.0 : fleet_cost_per_gpu_hour;
  }

  void finish_inference(double fleet_cost_per_gpu_hour) {
    for (const ServiceState& service : services_) {
      const ServiceSpec& spec = *service.spec;
      InferenceSummary summary;
      summary.service = spec.name;
      summary.cluster = clusters_[service.cluster].name;
      const double hours = seconds_from_ticks(end_) / 3600.0;
      summary.gpu_hours = service.gpu_s.total_at(end_) / 3600.0;
      summary.average_gpus = hours > 0 ? summary.gpu_hours / hours : 0.0;
      summary.peak_gpus = service.peak_gpus;
      summary.demand_input_tokens = service.demand_input.total_at(end_);
      summary.demand_output_tokens = service.demand_output.total_at(end_);
      const double hit = service.served_input_hit.total_at(end_);
      const double miss = service.served_input_miss.total_at(end_);
      summary.served_input_tokens = hit + miss;
      summary.served_output_tokens = service.served_output.total_at(end_);
      summary.cost_usd = summary.gpu_hours * service_price_per_gpu_hour(fleet_cost_per_gpu_hour);
      const double tokens = summary.served_input_tokens + summary.served_output_tokens;
      summary.cost_per_million_tokens_usd = tokens > 0 ? summary.cost_usd / tokens * 1e6 : 0.0;
      summary.revenue_usd = service.revenue_usd.total_at(end_);
      const PriceListSpec& prices = spec.prices;
      const bool listed = prices.input_cache_hit_usd_per_token ||
                          prices.input_cache_miss_usd_per_token || prices.output_usd_per_token;
      // Without list prices, prices under demand feedback are cost plus the margin.
      if (!listed && scenario_.demand_feedback.enabled)
        summary.revenue_usd = summary.cost_usd * (1.0 + scenario_.demand_feedback.margin);
      summary.margin_usd = summary.revenue_usd - summary.cost_usd;
      summary.growth = service.demand.growth;
      summary.demand_multiple_at_end = service.demand_multiple;
      summary.growth_observations = spec.demand.observations.size();
      summary.slo_attainment = service.hours > 0 ? static_cast<double>(service.hours_met) /
                                                       static_cast<double>(service.hours)
                                                 : 1.0;
      run_.inference.push_back(summary);
    }
  }

  // ---- the budget planner -------------------------------------------------------------------

  double budget_at(Tick tick) const {
    double budget = scenario_.planner.budget_per_period_usd.value_or(0.0);
    for (const BudgetChangeSpec& change : scenario_.planner.budget_changes) {
      if (calendar_.tick_of(change.from) <= tick)
        budget = change.budget_per_period_usd;
    }
    return budget;
  }

  /// The start of the planning (budget) period after the one starting now.
  Tick next_planning_period() const {
    return calendar_.tick_of(next_period_start(
        calendar_.date_of(now_), scenario_.planner.budget_period, scenario_.scenario.start));
  }

  /// A planning period's money: its budget, the facility payments due before the next
  /// period, which come out of it first, and what is left for GPUs.
  struct PeriodBudget {
    double facility_due_usd = 0.0;
    double for_gpus_usd = 0.0;
  };

  /// The period starting now, to `next`; its budget and facility payments go into the summary.
  PeriodBudget period_budget(Tick next) {
    const double budget = budget_at(now_);
    const double facility_due = run_.ledger.capex_paid(CapexKind::facility, next) -
                                run_.ledger.capex_paid(CapexKind::facility, now_);
    run_.summary.budget_usd += budget;
    run_.summary.budget_spent_facility_usd += std::min(budget, facility_due);
    return {facility_due, std::max(0.0, budget - facility_due)};
  }

  double mean_cost_per_power() const {
    double sum = 0.0;
    for (const SiteState& site : sites_)
      sum += site.spec->cost_per_power_usd_per_w;
    return sites_.empty() ? 0.0 : sum / static_cast<double>(sites_.size());
  }

  /// Parts that ship by `tick` and have the planner's precision, best value first: most dense
  /// peak FLOP/s per all-in dollar (GPU price plus the facility its servers' power needs).
  /// Ties keep catalog order.
  std::vector<std::size_t> parts_by_value(Tick tick) const {
    std::vector<std::pair<double, std::size_t>> ranked;
    const double facility_per_w = mean_cost_per_power();
    for (std::size_t i = 0; i < parts_.size(); ++i) {
      const AcceleratorSpec& part = *parts_[i];
      const std::optional<double> peak = part.peak_flop_per_s(scenario_.planner.value_precision);
      if (!peak || calendar_.tick_of(part.first_ship) > tick)
        continue;
      const double all_in =
          part.price_installed_per_gpu_usd + part.server_power_per_gpu_w * facility_per_w;
      ranked.emplace_back(*peak / all_in, i);
    }
    std::stable_sort(ranked.begin(), ranked.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    std::vector<std::size_t> order;
    for (const auto& entry : ranked)
      order.push_back(entry.second);
    return order;
  }

  /// Spends one period's budget. Sites are started first, ahead of need, so that the facility
  /// payments they bring are paid from this budget too; the rest buys the best-value part up to
  /// its vendor cap and the site power available by the time the GPUs arrive (a period of
  /// waiting allowed), then the next part.
  void budget_step() {
    if (now_ >= end_)
      return;  // a period that starts at the end lies outside the run
    const Tick next = next_planning_period();
    const double budget = budget_at(now_);
    const std::vector<std::size_t> ranked = parts_by_value(now_);
    if (!ranked.empty()) {
      const AcceleratorSpec& best = *parts_[ranked.front()];
      const double all_in =
          best.price_installed_per_gpu_usd + best.server_power_per_gpu_w * mean_cost_per_power();
      start_sites_ahead(budget / all_in * best.server_power_per_gpu_w, next - now_);
    }
    const PeriodBudget money = period_budget(next);
    const double gpu_budget = std::min(funds_left(), money.for_gpus_usd);
    const Tick arrival = now_ + ticks_from_seconds(scenario_.planner.lead_time_s);
    double remaining = gpu_budget;
    std::vector<std::string> bought;
    for (const std::size_t part : ranked) {
      const double price = parts_[part]->price_installed_per_gpu_usd;
      const auto affordable = static_cast<std::int64_t>(remaining / price);
      const std::int64_t wanted = std::min(affordable, cap_remaining(part, arrival));
      if (wanted <= 0)
        continue;
      const std::int64_t placed =
          place_budget_purchase(part, wanted, arrival, arrival + (next - now_));
      remaining -= static_cast<double>(placed) * price;
      if (placed > 0)
        bought.push_back(fmt::format("{} {}", placed, parts_[part]->name));
    }
    run_.summary.budget_spent_gpus_usd += gpu_budget - remaining;
    run_.summary.budget_unplaced_usd += remaining;
    record({now_, "budget", "", "", "", 0, 0.0, budget, 0.0,
            fmt::format("bought {}; facility due {}; unspent {}",
                        bought.empty() ? std::string("nothing")
                                       : fmt::format("{}", fmt::join(bought, ", ")),
                        format_money(money.facility_due_usd), format_money(remaining))});
  }

  static std::string format_money(double usd) { return fmt::format("${:.3f}B", usd / 1e9); }

  // ---- the demand planner -------------------------------------------------------------------

  /// Server power at a site that GPUs in service now will have freed by retiring by `tick`.
  double retiring_power_w(std::size_t site, Tick tick) const {
    double power_w = 0.0;
    for (const Delivery& delivery : deliveries_) {
      const Tick retires_at = delivery.planned_retirement();
      if (delivery.site == site && retires_at > now_ && retires_at <= tick) {
        power_w +=
            static_cast<double>(delivery.gpus) * parts_[delivery.part]->server_power_per_gpu_w;
      }
    }
    return power_w;
  }

  /// GPUs of a cluster in service at `tick`: delivered or on order, not yet retired then.
  std::int64_t cluster_gpus_at(std::size_t cluster, Tick tick) const {
    std::int64_t gpus = 0;
    for (const Delivery& delivery : deliveries_) {
      if (delivery.cluster == cluster && delivery.planned_retirement() > tick)
        gpus += delivery.gpus;
    }
    return gpus;
  }

  /// A week of a service's forecast sizing from `from`: its busiest hour and its mean, in GPUs.
  struct WeekOfGpus {
    std::int64_t peak = 0;
    double mean = 0.0;
  };

  WeekOfGpus forecast_week(const ServiceState& service, Tick from) const {
    const double multiple = forecast_demand_scale(service, from);
    WeekOfGpus week;
    constexpr int kHoursPerWeek = 168;
    for (int h = 0; h < kHoursPerWeek; ++h) {
      const Tick hour = from + h * kTicksPerHour;
      TokenDemand demand = service.demand.at(hour, calendar_);
      demand.input_tokens_per_s *= multiple;
      demand.output_tokens_per_s *= multiple;
      const ReplicaThroughput throughput = throughput_at(service, hour);
      const std::int64_t gpus = size_service(*service.spec, throughput, demand).gpus(throughput);
      week.peak = std::max(week.peak, gpus);
      week.mean += static_cast<double>(gpus) / kHoursPerWeek;
    }
    return week;
  }

  /// GPUs a service will need over the span its new GPUs serve, [from, until): enough for the
  /// busiest hour of the span's last week, so the SLO holds to its end, and the mean of its
  /// middle week at the planner's target utilisation, so the fleet runs at the target on
  /// average while demand grows through the span.
  std::int64_t forecast_service_gpus(const ServiceState& service, Tick from, Tick until) const {
    const Tick last_week = std::max(from, until - 7 * kTicksPerDay);
    const std::int64_t peak = forecast_week(service, last_week).peak;
    const double mean = forecast_week(service, from + (until - from) / 2).mean;
    return std::max(peak, static_cast<std::int64_t>(
                              std::ceil(mean / scenario_.planner.target_utilisation - 1e-9)));
  }

  /// What the service's demand curve (day profile and input/output split included) is
  /// multiplied by at `tick` in the forecast. From the model: today's feedback multiple carried
  /// on towards where prices will send it. From a fit, which knows only the past: the
  /// exponential least-squares fit of the last forecast_periods periods' mean demand, over the
  /// curve's own mean then (with one period, its mean; with none, today's demand).
  double forecast_demand_scale(const ServiceState& service, Tick tick) const {
    if (scenario_.planner.forecast == ForecastMethod::model)
      return demand_multiple_towards(service, tick, seconds_from_ticks(tick - now_));
    const TokenDemand& base = service.demand.base;
    const auto curve_mean = [&](Tick at) {
      return (base.input_tokens_per_s + base.output_tokens_per_s) *
             service.demand.growth.multiple_at(seconds_from_ticks(at));
    };
    if (curve_mean(tick) <= 0.0)
      return service.demand_multiple;
    // Without two periods to fit, demand is taken to stay where it is.
    double predicted = curve_mean(now_) * service.demand_multiple;
    const auto& observed = service.observed_demand;
    if (observed.size() == 1)
      predicted = observed.back().second;
    if (observed.size() >= 2) {
      const auto periods = static_cast<std::size_t>(scenario_.planner.forecast_periods);
      const std::vector<std::pair<double, double>> recent(
          observed.end() - static_cast<std::ptrdiff_t>(std::min(periods, observed.size())),
          observed.end());
      try {
        predicted = fit_exponential(recent, 1.0).multiple_at(seconds_from_ticks(tick));
      } catch (const std::invalid_argument&) {
        predicted = observed.back().second;  // a period of zero demand cannot be fitted in logs
      }
    }
    return predicted / curve_mean(tick);
  }

  /// Records each service's mean demand over the planning period just ended, for the fit.
  void observe_demand() {
    for (ServiceState& service : services_) {
      const double tokens =
          service.demand_input.total_at(now_) + service.demand_output.total_at(now_);
      if (now_ > service.last_review) {
        service.observed_demand.emplace_back(
            seconds_from_ticks(service.last_review + (now_ - service.last_review) / 2),
            (tokens - service.tokens_at_last_review) /
                seconds_from_ticks(now_ - service.last_review));
      }
      service.last_review = now_;
      service.tokens_at_last_review = tokens;
    }
  }

  /// Training's GPUs at `tick`, from the model: the generator's workload (what runs and waits
  /// now, grown as its arrivals grow) and every listed job not yet started that is submitted
  /// by then, dependencies or not; over the planner's target utilisation. Also the largest
  /// such job, which some cluster must be able to hold whole.
  struct TrainingForecast {
    double gpus = 0.0;
    std::int64_t largest_job_gpus = 0;
  };

  TrainingForecast forecast_training(Tick tick) const {
    TrainingForecast forecast;
    if (!scheduler_)
      return forecast;
    double generated = 0.0, listed = 0.0;
    for (std::size_t i = 0; i < training_.size(); ++i) {
      const TrainingJob& job = training_[i];
      if (job.done)
        continue;
      const auto gpus = static_cast<double>(job.spec.gpus);
      if (scheduler_->outcomes()[i].start) {
        (job.generated ? generated : listed) += static_cast<double>(job.gpus);
      } else if (job.generated ? job.submit <= now_ : job.submit <= tick) {
        (job.generated ? generated : listed) += gpus;
        forecast.largest_job_gpus = std::max(forecast.largest_job_gpus, job.spec.gpus);
      }
    }
    const double growth = scenario_.training.generator.arrivals_per_s > 0.0
                              ? std::pow(scenario_.training.generator.growth_per_year,
                                         seconds_from_ticks(tick - now_) / kSecondsPerYear)
                              : 1.0;
    forecast.gpus = (generated * growth + listed) / scenario_.planner.target_utilisation;
    return forecast;
  }

  /// The demand planner's training cluster of a part at a site, grown by `gpus`: one per
  /// site and part, so that large jobs find their GPUs together.
  std::size_t training_cluster(std::size_t site, std::size_t part, std::int64_t gpus) {
    const auto key = std::make_pair(site, part);
    if (const auto found = planner_training_clusters_.find(key);
        found != planner_training_clusters_.end()) {
      clusters_[found->second].planned_gpus += gpus;
      return found->second;
    }
    const std::string name =
        fmt::format("training-{}-{}", parts_[part]->name, sites_[site].spec->name);
    const std::size_t cluster = add_scheduling_cluster(name, site, part, gpus, FabricSpec{});
    planner_training_clusters_.emplace(key, cluster);
    return cluster;
  }

  /// What the demand planner could not order in a period, and why.
  struct Shortfall {
    std::int64_t gpus = 0;
    std::vector<std::string> reasons;
    std::string money_limit = "budget";  ///< what caps the money: the budget or the funds
  };

  /// Orders up to `gpus` of a part for a cluster (an existing one, or, for kNewCluster, the
  /// planner's training cluster at each site), within the vendor cap, the budget left and the site
  /// power online when they arrive. Returns the GPUs ordered and adds the reasons for any
  /// shortfall.
  std::int64_t order_for(std::size_t cluster, std::size_t part, std::int64_t gpus, Tick arrival,
                         double& budget_left, Shortfall& shortfall) {
    // GPUs are paid when they arrive: power must be online then, or they sit idle, paid for.
    const Tick power_needed_by = arrival;
    const AcceleratorSpec& spec = *parts_[part];
    std::int64_t wanted = std::min(gpus, cap_remaining(part, arrival));
    if (wanted < gpus)
      shortfall.reasons.push_back(fmt::format("{} vendor cap", spec.name));
    if (std::isfinite(budget_left)) {
      const auto affordable = static_cast<std::int64_t>(
          std::floor(std::max(0.0, budget_left) / spec.price_installed_per_gpu_usd + 1e-9));
      if (affordable < wanted) {
        wanted = affordable;
        shortfall.reasons.push_back(shortfall.money_limit);
      }
    }
    std::vector<std::size_t> site_order;
    if (cluster != kNewCluster)
      site_order.push_back(clusters_[cluster].site);
    for (std::size_t s = 0; s < sites_.size(); ++s) {
      if (site_order.empty() || site_order.front() != s)
        site_order.push_back(s);
    }
    std::int64_t left = wanted;
    for (const std::size_t s : site_order) {
      if (left == 0)
        break;
      if (!sites_[s].started())
        continue;
      const double free_w =
          sites_[s].uncommitted_power_w(power_needed_by) + retiring_power_w(s, power_needed_by);
      const auto fitting =
          static_cast<std::int64_t>(std::floor(free_w / spec.server_power_per_gpu_w + 1e-9));
      const std::int64_t take = std::min(left, std::max<std::int64_t>(0, fitting));
      if (take == 0)
        continue;
      const std::size_t target = cluster != kNewCluster ? cluster : training_cluster(s, part, take);
      // Named by cluster as well: a serving and a training order can share a date, part and site.
      const std::string name = fmt::format("demand-{}-{}-{}", format_date(calendar_.date_of(now_)),
                                           clusters_[target].name, sites_[s].spec->name);
      record({now_, "order", sites_[s].spec->name, spec.name, name, take, 0.0,
              static_cast<double>(take) * spec.price_installed_per_gpu_usd, 0.0, "demand planner"});
      place_order(name, part, s, take, arrival, scenario_.planner.service_life_s, target);
      budget_left -= static_cast<double>(take) * spec.price_installed_per_gpu_usd;
      left -= take;
    }
    if (left > 0)
      shortfall.reasons.push_back(
          fmt::format("site power by {}", format_date(calendar_.date_of(power_needed_by))));
    shortfall.gpus += gpus - (wanted - left);
    return wanted - left;
  }

  /// IT power the fleet will need at `tick` at peak draw: each service's forecast GPUs of its
  /// part, and training's of the best-value part now.
  double forecast_power_w(Tick tick) const {
    double power_w = 0.0;
    for (const ServiceState& service : services_) {
      power_w += static_cast<double>(forecast_service_gpus(service, tick, tick)) *
                 parts_[clusters_[service.cluster].part]->server_power_per_gpu_w;
    }
    const std::vector<std::size_t> ranked = parts_by_value(now_);
    if (!ranked.empty())
      power_w += forecast_training(tick).gpus * parts_[ranked.front()]->server_power_per_gpu_w;
    return power_w;
  }

  /// Sites take longer to build than GPUs take to arrive, so the planner looks a site's build
  /// time ahead: it starts the next site (in the scenario's order) when the power of the sites
  /// started so far, built or not, will not hold what the fleet needs a planning period after
  /// that site's first phase could be ready, and the one after while that is still short.
  void start_sites_for(Tick horizon, Tick period, Shortfall& shortfall) {
    double started_w = 0.0;
    for (const SiteState& site : sites_) {
      if (!site.started())
        continue;
      for (const PhaseState& phase : site.phases)
        started_w += phase.power_w;
    }
    for (std::size_t s = 0; s < sites_.size(); ++s) {
      SiteState& site = sites_[s];
      if (site.started() || !site.buildable())
        continue;
      const double first_ready_s = site.first_phase_ready_s();
      // The site must hold the need from when it is ready until the next review could start
      // another, a planning period later.
      const Tick ready = std::max(horizon, now_ + ticks_from_seconds(first_ready_s));
      const double needed_w = forecast_power_w(ready + period);
      if (started_w >= needed_w)
        return;
      if (site.facility_cost_usd() > funds_left()) {
        shortfall.reasons.push_back(fmt::format("funds to build {}", site.spec->name));
        return;
      }
      start_site(
          s, now_,
          fmt::format("demand planner: {:.0f} MW needed by {}, {:.0f} MW started", needed_w / 1e6,
                      format_date(calendar_.date_of(ready)), started_w / 1e6));
      for (const PhaseState& phase : site.phases)
        started_w += phase.power_w;
    }
  }

  /// Each planning period: forecast what serving and training will need one lead time ahead
  /// (from the model: demand curves, efficiency and feedback; training's queue grown at the
  /// generator's rate), and order what the fleet then will lack, at the planner's target
  /// utilisation. Serving GPUs join the service's cluster (replicas need not share a site);
  /// training GPUs form new clusters of the best-value part. Sites start when the power in
  /// hand will not hold what is needed. What the budget, the vendor caps or the power cannot
  /// cover is reported as a shortfall, never bought beyond them.
  void demand_step() {
    if (now_ >= end_)
      return;
    const Tick next = next_planning_period();
    const Tick arrival = now_ + ticks_from_seconds(scenario_.planner.lead_time_s);
    // Each period's orders must hold until the next period's arrive.
    const Tick horizon = arrival + (next - now_);
    observe_demand();
    Shortfall shortfall;
    // Sites first, as the budget planner does, so the facility payments they bring this
    // period come out of this period's money.
    start_sites_for(horizon, next - now_, shortfall);
    double budget_left = funds_left();
    shortfall.money_limit = "funds";
    if (scenario_.planner.budget_per_period_usd) {
      const double for_gpus = period_budget(next).for_gpus_usd;
      if (for_gpus < budget_left) {
        budget_left = for_gpus;
        shortfall.money_limit = "budget";
      }
    }
    const double budget_start = budget_left;
    std::map<std::size_t, std::int64_t> serving_need;  // cluster -> GPUs
    for (const ServiceState& service : services_) {
      serving_need[service.cluster] += forecast_service_gpus(service, arrival, horizon);
    }
    std::int64_t serving_surplus = 0;
    for (const auto& [cluster, need] : serving_need) {
      const std::int64_t lacking = need - cluster_gpus_at(cluster, horizon);
      if (lacking <= 0) {
        serving_surplus -= lacking;
        continue;
      }
      order_for(cluster, clusters_[cluster].part, lacking, arrival, budget_left, shortfall);
    }
    // Training may use what serving leaves anywhere, but a gang job needs one cluster that
    // holds it whole: the planner's training cluster grows until the largest job fits.
    std::int64_t training_have = serving_surplus;
    std::int64_t largest_training_cluster = 0;
    for (std::size_t c = 0; c < clusters_.size(); ++c) {
      if (serving_need.count(c) != 0)
        continue;
      const std::int64_t gpus = cluster_gpus_at(c, horizon);
      training_have += gpus;
      largest_training_cluster = std::max(largest_training_cluster, gpus);
    }
    const TrainingForecast training = forecast_training(horizon);
    const auto training_lacking =
        std::max(static_cast<std::int64_t>(
                     std::ceil(training.gpus - static_cast<double>(training_have) - 1e-9)),
                 training.largest_job_gpus - largest_training_cluster);
    const std::vector<std::size_t> ranked = parts_by_value(now_);
    if (training_lacking > 0 && !ranked.empty()) {
      order_for(kNewCluster, ranked.front(), training_lacking, arrival, budget_left, shortfall);
    }
    if (scenario_.planner.budget_per_period_usd) {
      run_.summary.budget_spent_gpus_usd += budget_start - budget_left;
      run_.summary.budget_unplaced_usd += budget_left;
    }
    if (shortfall.gpus > 0) {
      ++run_.summary.planner_shortfall_periods;
      run_.summary.planner_shortfall_gpus_max =
          std::max(run_.summary.planner_shortfall_gpus_max, shortfall.gpus);
      std::sort(shortfall.reasons.begin(), shortfall.reasons.end());
      shortfall.reasons.erase(std::unique(shortfall.reasons.begin(), shortfall.reasons.end()),
                              shortfall.reasons.end());
      record({now_, "shortfall", "", "", "", shortfall.gpus, 0.0, 0.0, 0.0,
              fmt::format("demand planner: not ordered for lack of {}",
                          fmt::join(shortfall.reasons, ", "))});
    }
  }

  /// Assigns a purchase to sites whose power is online by `power_needed_by` and not yet
  /// claimed, in the order the scenario lists them. Returns the GPUs placed; the rest finds
  /// no power in time and is not bought.
  std::int64_t place_budget_purchase(std::size_t part_index_value, std::int64_t gpus, Tick arrival,
                                     Tick power_needed_by) {
    const AcceleratorSpec& part = *parts_[part_index_value];
    std::int64_t left = gpus;
    for (std::size_t s = 0; s < sites_.size() && left > 0; ++s) {
      if (!sites_[s].started())
        continue;
      const auto fitting = static_cast<std::int64_t>(std::floor(
          sites_[s].uncommitted_power_w(power_needed_by) / part.server_power_per_gpu_w + 1e-9));
      const std::int64_t take = std::min(left, std::max<std::int64_t>(0, fitting));
      if (take == 0)
        continue;
      const std::string name = fmt::format("budget-{}-{}-{}", format_date(calendar_.date_of(now_)),
                                           part.name, sites_[s].spec->name);
      record({now_, "order", sites_[s].spec->name, part.name, name, take, 0.0, 0.0, 0.0,
              "budget planner"});
      place_order(name, part_index_value, s, take, arrival, scenario_.planner.service_life_s,
                  add_scheduling_cluster(name, s, part_index_value, take, FabricSpec{}));
      left -= take;
    }
    return gpus - left;
  }

  /// Starts the next site early enough that its power is ready when the GPUs bought in the
  /// periods it takes to build arrive: when the power not yet committed would run out before
  /// the next site's first phase could be ready, at the expected buying rate.
  void start_sites_ahead(double power_per_period, Tick period) {
    if (power_per_period <= 0.0 || period <= 0)
      return;
    double uncommitted = 0.0;
    for (const SiteState& site : sites_) {
      if (site.started())
        uncommitted += std::max(0.0, site.uncommitted_power_w(INT64_MAX));
    }
    for (std::size_t s = 0; s < sites_.size(); ++s) {
      if (sites_[s].started() || !sites_[s].buildable())
        continue;
      const double first_ready_s = sites_[s].first_phase_ready_s();
      const double lead_s = scenario_.planner.lead_time_s;
      const double periods_until_ready =
          std::ceil(std::max(0.0, first_ready_s - lead_s) / seconds_from_ticks(period));
      // A site the owner's funds cannot pay for is not started.
      if (uncommitted < power_per_period * (periods_until_ready + 1.0) &&
          sites_[s].facility_cost_usd() <= funds_left()) {
        start_site(s, now_, "budget planner: started ahead of GPU arrivals");
      }
      return;  // one site at a time, in the scenario's order
    }
  }

  // ---- vendor caps --------------------------------------------------------------------------

  std::int64_t quarter_key(Tick tick) const {
    const Date date = calendar_.date_of(tick);
    return static_cast<std::int64_t>(date.year) * 4 + (date.month - 1) / 3;
  }

  std::int64_t cap_remaining(std::size_t part, Tick tick) const {
    for (const VendorCapSpec& cap : scenario_.planner.vendor_caps) {
      if (cap.accelerator != parts_[part]->name)
        continue;
      const auto used = cap_used_.find({part, quarter_key(tick)});
      return cap.gpus_per_quarter - (used == cap_used_.end() ? 0 : used->second);
    }
    return INT64_MAX;
  }

  void use_cap(std::size_t part, Tick tick, std::int64_t gpus) {
    cap_used_[{part, quarter_key(tick)}] += gpus;
  }

  // ---- power, energy and running costs ------------------------------------------------------

  /// Recomputes a site's IT draw and the fleet's GPU counts after any change at the site,
  /// and moves every running integral to the new rates from now on.
  void update_site_draw(std::size_t s) {
    SiteState& site = sites_[s];
    double drawn_w = 0.0;
    for (const std::size_t index : site.pools) {
      const Pool& pool = pools_[index];
      if (!pool.active)
        continue;
      const AcceleratorSpec& part = *parts_[pool.part];
      const double available = static_cast<double>(pool.gpus - pool.failed);
      drawn_w += available * (part.idle_server_power_per_gpu_w +
                              busy_share(pool) *
                                  (part.server_power_per_gpu_w - part.idle_server_power_per_gpu_w));
    }
    site.drawn_w = drawn_w;
    site.energy_it_j.set_rate(now_, drawn_w);
    site.energy_facility_j.set_rate(now_, drawn_w * site.spec->pue);
    site.energy_cost_usd.set_rate(now_, drawn_w * site.spec->pue * site.price_usd_per_j);
    update_gpu_counts();
  }

  void update_gpu_counts() {
    double installed = 0.0, available = 0.0, busy = 0.0;
    for (const Pool& pool : pools_) {
      if (!pool.active)
        continue;
      installed += static_cast<double>(pool.gpus);
      available += static_cast<double>(pool.gpus - pool.failed);
      busy += busy_share(pool) * static_cast<double>(pool.gpus - pool.failed);
    }
    gpu_installed_s_.set_rate(now_, installed);
    gpu_available_s_.set_rate(now_, available);
    gpu_busy_s_.set_rate(now_, busy);
  }

  /// Maintenance is a share of the gross capex in service per year: it changes only when an
  /// asset enters or leaves service.
  void update_running_costs() {
    maintenance_usd_.set_rate(now_, scenario_.economics.maintenance_share_per_year *
                                        run_.ledger.gross_in_service(now_) / kSecondsPerYear);
  }

  // ---- reporting ----------------------------------------------------------------------------

  struct Cumulative {
    double capex_gpus = 0, capex_facility = 0, depreciation = 0, energy_cost = 0, maintenance = 0,
           staff = 0, energy_it = 0, energy_facility = 0, gpu_installed_s = 0, gpu_available_s = 0,
           gpu_busy_s = 0, training_busy_s = 0;
    std::vector<double> tenant_gpu_s;
    /// Per service: GPU-s, demand input, demand output, served input, served output, hours,
    /// hours whose demand was fully served.
    std::vector<std::array<double, 7>> service;
    /// Capex paid and opex: what the owner's funds pay for.
    double spent() const { return capex_gpus + capex_facility + energy_cost + maintenance + staff; }
  };

  /// Dates the funds' exhaustion within the period from `from` to now, linearly.
  void note_funds(Tick from, double spent_before, double spent_now) {
    const std::optional<double>& funds = scenario_.economics.funds_usd;
    run_.summary.spent_usd = spent_now;
    if (!funds || run_.summary.funds_exhausted || spent_now < *funds)
      return;
    const double share =
        spent_now > spent_before ? (*funds - spent_before) / (spent_now - spent_before) : 1.0;
    run_.summary.funds_exhausted =
        from + static_cast<Tick>(std::clamp(share, 0.0, 1.0) * static_cast<double>(now_ - from));
  }

  /// Funds not yet spent or committed: capex paid or scheduled (orders in transit included),
  /// and opex so far. Infinite without economics.funds.
  double funds_left() const {
    const std::optional<double>& funds = scenario_.economics.funds_usd;
    if (!funds)
      return std::numeric_limits<double>::infinity();
    double committed = run_.ledger.capex_paid(CapexKind::gpus, INT64_MAX) +
                       run_.ledger.capex_paid(CapexKind::facility, INT64_MAX);
    for (const Delivery& delivery : deliveries_) {
      if (!delivery.arrived && !delivery.paid_before_start) {
        committed +=
            static_cast<double>(delivery.gpus) * parts_[delivery.part]->price_installed_per_gpu_usd;
      }
    }
    const Cumulative now = cumulative_at(now_);
    return std::max(0.0, *funds - committed - (now.energy_cost + now.maintenance + now.staff));
  }

  Cumulative cumulative_at(Tick tick) const {
    Cumulative c;
    c.capex_gpus = run_.ledger.capex_paid(CapexKind::gpus, tick);
    c.capex_facility = run_.ledger.capex_paid(CapexKind::facility, tick);
    c.depreciation = run_.ledger.depreciation(CapexKind::gpus, tick) +
                     run_.ledger.depreciation(CapexKind::facility, tick);
    for (const SiteState& site : sites_) {
      c.energy_cost += site.energy_cost_usd.total_at(tick);
      c.energy_it += site.energy_it_j.total_at(tick);
      c.energy_facility += site.energy_facility_j.total_at(tick);
    }
    c.maintenance = maintenance_usd_.total_at(tick);
    c.staff = staff_cost_usd_.total_at(tick);
    c.gpu_installed_s = gpu_installed_s_.total_at(tick);
    c.gpu_available_s = gpu_available_s_.total_at(tick);
    c.gpu_busy_s = gpu_busy_s_.total_at(tick);
    c.training_busy_s = training_busy_gpu_s_.total_at(tick);
    for (const RateIntegral& tenant : tenant_gpu_s_)
      c.tenant_gpu_s.push_back(tenant.total_at(tick));
    for (const ServiceState& service : services_) {
      c.service.push_back(
          {service.gpu_s.total_at(tick), service.demand_input.total_at(tick),
           service.demand_output.total_at(tick),
           service.served_input_hit.total_at(tick) + service.served_input_miss.total_at(tick),
           service.served_output.total_at(tick), static_cast<double>(service.hours),
           static_cast<double>(service.hours_met)});
    }
    return c;
  }

  void define_columns() {
    Recorder& r = run_.timeseries;
    for (const char* name : {"gpus_installed",
                             "gpus_available",
                             "gpus_failed",
                             "gpus_in_transit",
                             "gpus_waiting_for_power",
                             "gpus_ordered_cumulative",
                             "gpus_delivered_cumulative",
                             "gpus_retired_cumulative",
                             "gpus_h100_equivalent",
                             "utilisation",
                             "gpu_hours_installed",
                             "gpu_hours_available",
                             "gpu_hours_busy",
                             "power_it_mw",
                             "power_facility_mw",
                             "power_online_mw",
                             "power_installed_peak_mw",
                             "energy_it_mwh",
                             "energy_facility_mwh",
                             "capex_usd",
                             "capex_gpus_usd",
                             "capex_facility_usd",
                             "capex_cumulative_usd",
                             "depreciation_usd",
                             "opex_energy_usd",
                             "opex_maintenance_usd",
                             "opex_staff_usd",
                             "opex_usd",
                             "cost_per_gpu_hour_usd",
                             "sites_online"}) {
      r.add_column(name);
    }
    for (const AcceleratorSpec* part : parts_) {
      part_columns_.push_back(r.add_column("gpus_installed_" + part->name));
    }
    service_columns_ = r.columns().size();
    for (const ServiceState& service : services_) {
      const std::string& name = service.spec->name;
      for (const char* column :
           {"gpus_serving_", "demand_input_tokens_", "demand_output_tokens_",
            "served_input_tokens_", "served_output_tokens_", "dropped_output_tokens_",
            "slo_attainment_", "cost_per_mtoken_usd_", "demand_multiple_"}) {
        r.add_column(column + name);
      }
    }
    if (training_.empty())
      return;
    training_columns_ = r.add_column("training_jobs_queued");
    r.add_column("training_gpus_queued");
    r.add_column("training_jobs_running");
    r.add_column("gpus_busy_training");
    r.add_column("gpu_hours_training");
    for (const std::string& tenant : tenant_names_)
      r.add_column("gpu_hours_training_" + tenant);
  }

  void sample() {
    const Tick from = last_sample_;
    // The running integrals can only be read forward, so each period starts from the readings
    // the previous sample kept.
    const Cumulative before = last_cumulative_;
    const Cumulative after = cumulative_at(now_);
    note_funds(from, before.spent(), after.spent());
    check_invariants();
    Recorder& r = run_.timeseries;
    r.begin_row(format_date(calendar_.date_of(from)), format_date(calendar_.date_of(now_)));
    const double span_s = seconds_from_ticks(now_ - from);
    std::int64_t installed = 0, failed = 0, waiting = 0;
    double h100e = 0.0;
    std::vector<std::int64_t> by_part(parts_.size(), 0);
    for (const Pool& pool : pools_) {
      if (!pool.active)
        continue;
      installed += pool.gpus;
      failed += pool.failed;
      by_part[pool.part] += pool.gpus;
      h100e += static_cast<double>(pool.gpus) * h100_equivalent(pool.part);
    }
    for (const Delivery& delivery : deliveries_) {
      if (delivery.arrived)
        waiting += delivery.waiting;
    }
    double online_w = 0.0, peak_w = 0.0;
    int sites_online = 0;
    for (const SiteState& site : sites_) {
      online_w += site.online_power_w;
      peak_w += site.installed_peak_w;
      if (site.online_power_w > 0.0)
        ++sites_online;
    }
    const double gpu_hours_installed = (after.gpu_installed_s - before.gpu_installed_s) / 3600.0;
    const double gpu_hours_available = (after.gpu_available_s - before.gpu_available_s) / 3600.0;
    const double gpu_hours_busy = (after.gpu_busy_s - before.gpu_busy_s) / 3600.0;
    const double capex_gpus = after.capex_gpus - before.capex_gpus;
    const double capex_facility = after.capex_facility - before.capex_facility;
    const double depreciation = after.depreciation - before.depreciation;
    const double energy_cost = after.energy_cost - before.energy_cost;
    const double maintenance = after.maintenance - before.maintenance;
    const double staff = after.staff - before.staff;
    const double opex = energy_cost + maintenance + staff;
    std::size_t column = 0;
    for (const double value :
         {static_cast<double>(installed),
          static_cast<double>(installed - failed),
          static_cast<double>(failed),
          static_cast<double>(in_transit_),
          static_cast<double>(waiting),
          static_cast<double>(ordered_),
          static_cast<double>(delivered_),
          static_cast<double>(retired_),
          h100e,
          gpu_hours_available > 0 ? gpu_hours_busy / gpu_hours_available : 0.0,
          gpu_hours_installed,
          gpu_hours_available,
          gpu_hours_busy,
          span_s > 0 ? (after.energy_it - before.energy_it) / span_s / 1e6 : 0.0,
          span_s > 0 ? (after.energy_facility - before.energy_facility) / span_s / 1e6 : 0.0,
          online_w / 1e6,
          peak_w / 1e6,
          (after.energy_it - before.energy_it) / 3.6e9,
          (after.energy_facility - before.energy_facility) / 3.6e9,
          capex_gpus + capex_facility,
          capex_gpus,
          capex_facility,
          after.capex_gpus + after.capex_facility - at_start_.capex_gpus - at_start_.capex_facility,
          depreciation,
          energy_cost,
          maintenance,
          staff,
          opex,
          cost_per_gpu_hour(depreciation + opex, gpu_hours_installed),
          static_cast<double>(sites_online)}) {
      r.set(column++, value);
    }
    for (std::size_t p = 0; p < parts_.size(); ++p) {
      r.set(part_columns_[p], static_cast<double>(by_part[p]));
    }
    std::size_t service_column = service_columns_;
    const double fleet_cost_per_gpu_hour =
        cost_per_gpu_hour(depreciation + opex, gpu_hours_installed);
    for (std::size_t k = 0; k < services_.size(); ++k) {
      const auto& a = after.service[k];
      const auto& b = before.service[k];
      const double gpu_hours = (a[0] - b[0]) / 3600.0;
      const double tokens = (a[3] - b[3]) + (a[4] - b[4]);
      const double cost = gpu_hours * service_price_per_gpu_hour(fleet_cost_per_gpu_hour);
      r.set(service_column++, span_s > 0 ? (a[0] - b[0]) / span_s : 0.0);
      r.set(service_column++, a[1] - b[1]);
      r.set(service_column++, a[2] - b[2]);
      r.set(service_column++, a[3] - b[3]);
      r.set(service_column++, a[4] - b[4]);
      r.set(service_column++, (a[2] - b[2]) - (a[4] - b[4]));
      r.set(service_column++, a[5] > b[5] ? (a[6] - b[6]) / (a[5] - b[5]) : 1.0);
      r.set(service_column++, tokens > 0 ? cost / tokens * 1e6 : 0.0);
      r.set(service_column++, services_[k].demand_multiple);
    }
    if (scheduler_) {
      std::size_t training_column = training_columns_;
      r.set(training_column++, static_cast<double>(scheduler_->queue_length()));
      r.set(training_column++, static_cast<double>(scheduler_->queued_gpus()));
      r.set(training_column++, static_cast<double>(running_jobs()));
      r.set(training_column++, static_cast<double>(training_busy_));
      r.set(training_column++, (after.training_busy_s - before.training_busy_s) / 3600.0);
      for (std::size_t k = 0; k < tenant_names_.size(); ++k) {
        r.set(training_column++, (after.tenant_gpu_s[k] - before.tenant_gpu_s[k]) / 3600.0);
      }
    }
    last_sample_ = now_;
    last_cumulative_ = after;
  }

  double h100_equivalent(std::size_t part) const {
    return parts_[part]->peak_dense_flops.bf16_flop_per_s / kH100DenseBf16FlopPerS;
  }

  FleetSnapshot snapshot() const {
    FleetSnapshot shot;
    shot.date = calendar_.date_of(now_);
    for (const Pool& pool : pools_) {
      if (!pool.active)
        continue;
      shot.gpus_installed += pool.gpus;
      shot.gpus_h100_equivalent += static_cast<double>(pool.gpus) * h100_equivalent(pool.part);
    }
    for (const SiteState& site : sites_) {
      shot.it_power_online_w += site.online_power_w;
      shot.it_power_installed_w += site.installed_peak_w;
      shot.it_power_drawn_w += site.drawn_w;
    }
    for (const Delivery& delivery : deliveries_) {
      if (delivery.arrived)
        shot.gpus_waiting_for_power += delivery.waiting;
    }
    shot.gpus_in_transit = in_transit_;
    return shot;
  }

  /// Conservation and power limits; a violation is a bug in this model, not bad input.
  void check_invariants() const {
    std::int64_t installed = 0, waiting = 0;
    for (const Pool& pool : pools_) {
      if (pool.active)
        installed += pool.gpus;
      if (pool.failed < 0 || pool.failed > pool.gpus) {
        throw std::logic_error("capacity model: failed GPUs out of range in " + pool.name);
      }
    }
    for (const Delivery& delivery : deliveries_) {
      if (delivery.arrived)
        waiting += delivery.waiting;
    }
    if (ordered_ != delivered_ + in_transit_ || delivered_ != installed + retired_ + waiting) {
      throw std::logic_error(fmt::format(
          "capacity model: GPUs not conserved (ordered {}, delivered {}, in transit {}, "
          "installed {}, retired {}, waiting {})",
          ordered_, delivered_, in_transit_, installed, retired_, waiting));
    }
    for (const SiteState& site : sites_) {
      if (site.online_power_w > site.spec->it_power_cap_w * (1 + 1e-9) ||
          site.installed_peak_w > site.online_power_w * (1 + 1e-9) + 1e-6) {
        throw std::logic_error("capacity model: power above the cap at " + site.spec->name);
      }
    }
  }

  void finish() {
    now_ = end_;
    if (last_sample_ < end_)
      sample();
    const auto& year_ends = run_.summary.year_ends;
    if (year_ends.empty() || year_ends.back().date != calendar_.date_of(end_)) {
      run_.summary.year_ends.push_back(snapshot());
    }
    const Cumulative& start = at_start_;
    const Cumulative end = cumulative_at(end_);
    CapacitySummary& s = run_.summary;
    s.capex_gpus_usd = end.capex_gpus - start.capex_gpus;
    s.capex_facility_usd = end.capex_facility - start.capex_facility;
    s.depreciation_usd = end.depreciation - start.depreciation;
    s.energy_cost_usd = end.energy_cost;
    s.maintenance_usd = end.maintenance;
    s.staff_usd = end.staff;
    s.energy_it_j = end.energy_it;
    s.energy_facility_j = end.energy_facility;
    s.gpu_seconds_installed = end.gpu_installed_s;
    s.gpu_seconds_available = end.gpu_available_s;
    s.gpu_seconds_busy = end.gpu_busy_s;
    const double gpu_hours = end.gpu_installed_s / 3600.0;
    s.cost_per_gpu_hour_usd = cost_per_gpu_hour(
        s.depreciation_usd + s.energy_cost_usd + s.maintenance_usd + s.staff_usd, gpu_hours);
    s.gpus_ordered = ordered_;
    s.gpus_delivered = delivered_;
    s.gpus_installed_total = installed_total_;
    s.gpus_retired = retired_;
    s.gpus_in_transit = in_transit_;
    for (const Delivery& delivery : deliveries_) {
      if (delivery.arrived)
        s.gpus_waiting_for_power += delivery.waiting;
    }
    s.gpu_failures = failures_;
    s.gpu_seconds_waiting_for_power = waiting_gpu_seconds_;
    finish_training();
    finish_inference(s.cost_per_gpu_hour_usd);
    run_.events = engine_.events_fired();
  }

  void record(BuildoutEvent event) { run_.buildout.push_back(std::move(event)); }

  static constexpr std::size_t kNewCluster = static_cast<std::size_t>(-1);
  std::map<std::pair<std::size_t, std::size_t>, std::size_t> planner_training_clusters_;

  const Scenario& scenario_;
  Calendar calendar_;
  Tick end_;
  EfficiencyTimeline efficiency_;
  PeriodUnit reporting_period_;
  CapacityRun& run_;
  double failure_rate_per_gpu_s_;
  std::uint64_t replication_ = 0;
  Engine engine_;
  HandlerId self_{};
  Tick now_ = 0;
  Tick last_sample_ = 0;
  Cumulative at_start_;
  Cumulative last_cumulative_;
  std::vector<const AcceleratorSpec*> parts_;
  std::vector<std::size_t> part_columns_;
  std::size_t training_columns_ = 0;
  std::size_t service_columns_ = 0;
  std::vector<SiteState> sites_;
  std::vector<Delivery> deliveries_;
  std::vector<Pool> pools_;
  std::vector<RepairBatch> repairs_;
  std::map<std::pair<std::size_t, std::int64_t>, std::int64_t> cap_used_;
  RateIntegral gpu_installed_s_;
  RateIntegral gpu_available_s_;
  RateIntegral gpu_busy_s_;
  RateIntegral maintenance_usd_;
  RateIntegral staff_cost_usd_;
  std::int64_t ordered_ = 0;
  std::int64_t delivered_ = 0;
  std::int64_t in_transit_ = 0;
  std::int64_t retired_ = 0;
  std::int64_t installed_total_ = 0;
  std::int64_t failures_ = 0;
  double waiting_gpu_seconds_ = 0.0;
  std::vector<SchedulingCluster> clusters_;
  std::vector<ServiceState> services_;
  std::map<std::pair<std::size_t, std::size_t>, std::size_t> cluster_groups_;  // (site, part)
  std::vector<std::size_t> order_clusters_;
  std::vector<TrainingJob> training_;
  std::vector<GangJob> gang_jobs_;
  std::unique_ptr<GangScheduler> scheduler_;
  std::map<RunKey, std::pair<Tick, TrainingRunResult>> durations_;
  std::map<RunKey, double> job_mfu_;
  std::vector<std::string> tenant_names_;
  std::vector<double> tenant_shares_;
  std::vector<RateIntegral> tenant_gpu_s_;
  std::vector<std::int64_t> tenant_running_;
  std::int64_t training_busy_ = 0;
  RateIntegral training_busy_gpu_s_;
};

}  // namespace

CapacityRun run_capacity(const Scenario& scenario, std::optional<PeriodUnit> reporting_period) {
  CapacityRun run;
  CapacityModel model(scenario, reporting_period.value_or(scenario.scenario.reporting_period), run);
  model.run();
  return run;
}

}  // namespace capsim
