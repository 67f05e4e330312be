#include "capsim/model/fleet/fleet.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "capsim/model/phases.hpp"

namespace capsim {

namespace {
enum Kinds : EventKind { kArrival, kRepair, kFailure, kRetire, kLeaseStart };
}  // namespace

std::int64_t gpus_fitting(double power_w, double per_gpu_w) {
  // The tolerance keeps a site sized exactly for N GPUs from holding N − 1 after rounding.
  return std::max<std::int64_t>(0,
                                static_cast<std::int64_t>(std::floor(power_w / per_gpu_w + 1e-9)));
}

Fleet::Fleet(const ModelContext& context, Sites& sites, ClusterBook& book, RunningCosts& costs)
    : context_(context),
      sites_(sites),
      book_(book),
      costs_(costs),
      caps_(context),
      power_(context, sites, pools_, book) {
  self_ = context_.engine.add_handler(*this);
  sites_.set_listener(this);
}

void Fleet::set_up_clusters() {
  const EconomicsSpec& economics = context_.scenario.economics;
  for (const ClusterSpec& cluster : context_.scenario.clusters) {
    const Tick online = context_.calendar.tick_of(cluster.online);
    Delivery delivery;
    delivery.name = cluster.name;
    delivery.part = context_.part_index(cluster.accelerator);
    delivery.site = sites_.index_of(cluster.site);
    delivery.gpus = cluster.gpus;
    delivery.arrival = std::max<Tick>(online, 0);
    delivery.in_service_from = online;
    delivery.service_life_s = cluster.service_life_s;
    delivery.utilisation = cluster.utilisation.value_or(economics.utilisation);
    delivery.paid_before_start = online < 0;
    delivery.non_server_power_per_gpu_w = cluster.non_server_power.per_gpu_w();
    // An existing cluster was bought at its part's price when it came online (the cross
    // checks require a price).
    delivery.price_per_gpu_usd =
        context_.part(delivery.part).price_per_gpu_at(cluster.online).value();
    if (online + ticks_from_seconds(cluster.service_life_s) <= 0) {
      context_.record({0, BuildoutKind::retire, cluster.site, cluster.accelerator, cluster.name,
                       cluster.gpus, 0.0, 0.0, 0.0, "retired before the scenario start",
                       PurchaseValue()});
      continue;
    }
    delivery.cluster =
        book_.add(cluster.name, delivery.site, delivery.part, cluster.gpus, cluster.fabric);
    const std::size_t index = add_delivery(std::move(delivery));
    counts_.ordered += cluster.gpus;
    counts_.in_transit += cluster.gpus;
    context_.engine.schedule_at(deliveries_[index].arrival, phases::kDelivery, self_, kArrival,
                                index);
  }
}

void Fleet::set_up_leases() {
  for (const LeaseSpec& spec : context_.scenario.leases) {
    LeaseContract lease;
    lease.provider = spec.provider;
    lease.part = context_.part_index(spec.part);
    lease.gpus = spec.gpus;
    lease.start = context_.calendar.tick_of(spec.start);
    lease.end = lease.start + ticks_from_seconds(spec.term_s);
    lease.signed_at = lease.start - ticks_from_seconds(spec.lead_time_s);
    lease.price_usd_per_gpu_s = spec.price_usd_per_gpu_s;
    lease.reason = "scenario";
    sign_lease(std::move(lease));
  }
}

std::size_t Fleet::sign_lease(LeaseContract lease) {
  const AcceleratorSpec& part = context_.part(lease.part);
  lease.site = sites_.provider_site(lease.provider);
  power_.size_to_sites();
  const std::string name = fmt::format("lease-{}-{}-{}", lease.provider, part.name,
                                       format_date(context_.calendar.date_of(lease.start)));
  lease.cluster = book_.add(name, lease.site, lease.part, lease.gpus, FabricSpec{});
  // A contract signed before the run is listed at its start, with the date it was signed.
  std::string note = lease.reason;
  if (lease.signed_at < 0)
    note += fmt::format("; signed {}", format_date(context_.calendar.date_of(lease.signed_at)));
  if (lease.signed_at < context_.end) {
    context_.record({std::max<Tick>(lease.signed_at, 0), BuildoutKind::lease_signed, lease.provider,
                     part.name, name, lease.gpus, 0.0, lease.term_cost_usd(), 0.0, note,
                     PurchaseValue()});
  }
  leases_.push_back(std::move(lease));
  const std::size_t index = leases_.size() - 1;
  const Tick start = std::max(leases_[index].start, context_.now());
  if (start < context_.end)
    context_.engine.schedule_at(start, phases::kDelivery, self_, kLeaseStart, index);
  return index;
}

/// A lease's GPUs become one pool at the provider's site: they fail and are repaired as owned
/// GPUs do (the work sees unavailable GPUs whoever owns them) but claim no site power, carry
/// no asset and leave when the term ends.
void Fleet::start_lease(std::size_t index) {
  const LeaseContract& lease = leases_[index];
  Pool pool;
  pool.name = book_[lease.cluster].name;
  pool.part = lease.part;
  pool.site = lease.site;
  pool.gpus = lease.gpus;
  pool.non_server_power_per_gpu_w = 0.0;  // the provider's
  pool.utilisation = context_.scenario.economics.utilisation;
  pool.failures = RandomStream(static_cast<std::uint64_t>(context_.scenario.scenario.seed),
                               context_.replication, "failures/" + pool.name);
  pool.cluster = lease.cluster;
  pool.retire_at = lease.end;
  pool.leased = true;
  pools_.push_back(std::move(pool));
  const std::size_t pool_index = pools_.size() - 1;
  sites_.at(lease.site).pools.push_back(pool_index);
  book_.add_pool(lease.cluster, pool_index);
  refresh_cluster(lease.cluster);
  schedule_retirement(pool_index);
  start_failures(pool_index);
  power_.update_site(lease.site);
  gpus_leased_ += lease.gpus;
  gpus_leased_peak_ = std::max(gpus_leased_peak_, gpus_leased_);
}

double Fleet::leased_gpu_s(Tick tick) const {
  double gpu_s = 0.0;
  for (const LeaseContract& lease : leases_)
    gpu_s += lease.gpu_s_between(0, tick);
  return gpu_s;
}

double Fleet::lease_cost_usd(Tick tick) const {
  double cost = 0.0;
  for (const LeaseContract& lease : leases_)
    cost += lease.gpu_s_between(0, tick) * lease.price_usd_per_gpu_s;
  return cost;
}

void Fleet::set_up_failures() {
  book_.set_clock(context_.engine);
  counts_.failures_by_cause.assign(context_.failure_causes.size(), 0);
  failure_rate_per_gpu_s_ = 0.0;
  repair_ticks_.clear();
  repairs_.assign(context_.failure_causes.size(), {});
  for (const FailureCauseSpec& cause : context_.failure_causes) {
    failure_rate_per_gpu_s_ += cause.rate.per_gpu_s();
    repair_ticks_.push_back(ticks_from_seconds(cause.repair_time_s));
    cause_rates_.rate_per_gpu_s.push_back(cause.rate.per_gpu_s());
  }
  cause_rates_.total_per_gpu_s = failure_rate_per_gpu_s_;
  cause_rates_.repair_ticks = repair_ticks_;
  // Only training and serving react to a single failure (a job stops, a grant shrinks);
  // without them the failures change counts and integrals alone, which the paths give.
  failure_paths_ = !power_.workload_simulated() && !every_failure_an_event_;
  if (failure_paths_)
    power_.set_failure_paths(paths_);
  for (std::size_t i = 0; i < pools_.size(); ++i)
    start_failures(i);
  if (failure_paths_) {
    for (std::size_t s = 0; s < sites_.size(); ++s)
      power_.update_site(s);
  }
}

double Fleet::peak_power_per_gpu_w(const GpuLot& lot) const {
  return installed_power_per_gpu_w(context_.part(lot.part), lot.non_server_power_per_gpu_w);
}

std::size_t Fleet::add_delivery(Delivery delivery) {
  delivery.waiting = delivery.gpus;
  sites_.at(delivery.site).reserved_w +=
      static_cast<double>(delivery.gpus) * peak_power_per_gpu_w(delivery);
  deliveries_.push_back(std::move(delivery));
  return deliveries_.size() - 1;
}

void Fleet::place_order(const OrderRequest& order) {
  counts_.ordered += order.gpus;
  counts_.in_transit += order.gpus;
  std::int64_t remaining = order.gpus;
  int split = 0;
  Tick when = order.arrival;
  while (remaining > 0) {
    const std::int64_t allowed = std::min(remaining, caps_.remaining(order.part, when));
    if (allowed > 0) {
      Delivery delivery;
      delivery.name = split == 0 ? order.name : fmt::format("{}/{}", order.name, split + 1);
      delivery.part = order.part;
      delivery.site = order.site;
      delivery.gpus = allowed;
      delivery.arrival = when;
      delivery.in_service_from = when;
      delivery.service_life_s = order.service_life_s;
      delivery.utilisation = context_.scenario.economics.utilisation;
      delivery.cluster = order.cluster;
      delivery.non_server_power_per_gpu_w = order.non_server_power_per_gpu_w;
      delivery.price_per_gpu_usd = order.price_per_gpu_usd;
      caps_.use(order.part, when, allowed);
      const std::size_t index = add_delivery(std::move(delivery));
      if (when <= context_.end)
        context_.engine.schedule_at(when, phases::kDelivery, self_, kArrival, index);
      remaining -= allowed;
      ++split;
    }
    when = context_.calendar.tick_of(next_period_start(
        context_.calendar.date_of(when), PeriodUnit::quarter, context_.scenario.scenario.start));
  }
}

void Fleet::arrival(std::size_t index) {
  Delivery& delivery = deliveries_[index];
  const Tick now = context_.now();
  delivery.arrived = true;
  counts_.in_transit -= delivery.gpus;
  counts_.delivered += delivery.gpus;
  const AcceleratorSpec& part = context_.part(delivery.part);
  const double amount = static_cast<double>(delivery.gpus) * delivery.price_per_gpu_usd;
  if (!delivery.paid_before_start) {
    context_.ledger().pay(CapexPayment{{CapexKind::gpus, delivery.name, amount}, now, now});
    context_.record({now, BuildoutKind::delivery, sites_[delivery.site].spec->name, part.name,
                     delivery.name, delivery.gpus, 0.0, amount, 0.0, "", PurchaseValue()});
  }
  sites_.at(delivery.site).waiting.push_back(index);
  install_waiting(delivery.site);
  costs_.assets_changed();
}

/// Installs waiting deliveries, first come first served, as far as the site's online power
/// allows; a delivery that does not fit whole installs in part and waits for the rest.
void Fleet::install_waiting(std::size_t s) {
  SiteState& site = sites_.at(s);
  bool changed = false;
  while (!site.waiting.empty()) {
    const std::size_t index = site.waiting.front();
    Delivery& delivery = deliveries_[index];
    const std::int64_t gpus = std::min(
        delivery.waiting,
        gpus_fitting(site.online_power_w - site.installed_peak_w, peak_power_per_gpu_w(delivery)));
    if (gpus == 0)
      break;
    create_pool(index, gpus);
    delivery.waiting -= gpus;
    changed = true;
    if (delivery.waiting == 0)
      site.waiting.pop_front();
  }
  if (changed)
    power_.update_site(s);
}

void Fleet::create_pool(std::size_t delivery_index, std::int64_t gpus) {
  Delivery& delivery = deliveries_[delivery_index];
  SiteState& site = sites_.at(delivery.site);
  const AcceleratorSpec& part = context_.part(delivery.part);
  const Tick now = context_.now();
  const double peak_w = static_cast<double>(gpus) * peak_power_per_gpu_w(delivery);
  site.installed_peak_w += peak_w;
  site.reserved_w -= peak_w;
  Pool pool;
  pool.name = delivery.installs == 0 ? delivery.name
                                     : fmt::format("{}#{}", delivery.name, delivery.installs + 1);
  ++delivery.installs;
  pool.part = delivery.part;
  pool.site = delivery.site;
  pool.gpus = gpus;
  pool.non_server_power_per_gpu_w = delivery.non_server_power_per_gpu_w;
  pool.utilisation = delivery.utilisation;
  pool.failures = RandomStream(static_cast<std::uint64_t>(context_.scenario.scenario.seed),
                               context_.replication, "failures/" + pool.name);
  const Tick in_service = delivery.paid_before_start ? delivery.in_service_from : now;
  pool.asset = context_.ledger().add_asset(
      Asset{{CapexKind::gpus, pool.name, static_cast<double>(gpus) * delivery.price_per_gpu_usd},
            in_service,
            context_.scenario.economics.server_life_s,
            INT64_MAX,
            static_cast<double>(gpus) * part.embodied_carbon_per_gpu_g.value_or(0.0),
            !delivery.paid_before_start});
  const Tick retire_at =
      std::min(in_service + ticks_from_seconds(delivery.service_life_s), delivery.retire_early_at);
  const double wait_s = seconds_from_ticks(now - delivery.arrival);
  counts_.waiting_gpu_seconds += static_cast<double>(gpus) * wait_s;
  counts_.installed_total += gpus;
  context_.record({now, BuildoutKind::install, site.spec->name, part.name, pool.name, gpus, peak_w,
                   0.0, wait_s, delivery.paid_before_start ? "existing fleet" : "",
                   PurchaseValue()});
  pool.cluster = delivery.cluster;
  pool.delivery = delivery_index;
  pool.retire_at = retire_at;
  pools_.push_back(std::move(pool));
  const std::size_t index = pools_.size() - 1;
  site.pools.push_back(index);
  book_.add_pool(delivery.cluster, index);
  refresh_cluster(delivery.cluster);
  schedule_retirement(index);
  start_failures(index);
}

void Fleet::schedule_retirement(std::size_t index) {
  Pool& pool = pools_[index];
  if (pool.retire_at <= context_.end)
    pool.retirement = context_.engine.schedule_at(std::max(pool.retire_at, context_.now()),
                                                  phases::kRetire, self_, kRetire, index);
}

void Fleet::retire_early(std::size_t delivery_index, Tick at, const std::string& why) {
  Delivery& delivery = deliveries_[delivery_index];
  if (!delivery.installed_whole() || at < context_.now() || at >= delivery.planned_retirement())
    throw std::logic_error("fleet: an early retirement of " + delivery.name +
                           " not installed whole, or not earlier than planned");
  delivery.retire_early_at = at;
  for (std::size_t index = 0; index < pools_.size(); ++index) {
    Pool& pool = pools_[index];
    if (pool.leased || pool.delivery != delivery_index || !pool.active || pool.retire_at <= at)
      continue;
    context_.engine.cancel(pool.retirement);
    pool.retire_at = at;
    pool.retire_note = why;
    schedule_retirement(index);
    if (failure_paths_) {
      // The path was drawn to the old retirement: its failures after `at` never happen.
      path_events_ -= paths_[index].events();
      paths_[index].retire_early(at);
      path_events_ += paths_[index].events();
    }
  }
}

void Fleet::start_failures(std::size_t index) {
  if (!failure_paths_) {
    schedule_failure(index);
    return;
  }
  Pool& pool = pools_[index];
  const Tick now = context_.now();
  // The retirement event (scheduled above when due by the end) ends its candidates.
  const PathWindow window{
      now, pool.retire_at <= context_.end ? std::max(pool.retire_at, now) : INT64_MAX,
      context_.end};
  paths_.resize(pools_.size());
  paths_[index] = FailurePath(pool.failures, cause_rates_, pool.gpus, window);
  path_events_ += paths_[index].events();
}

/// The pool's next failure candidate (see failure()), at the rate of all its GPUs, failed ones
/// included: that rate is fixed while the pool is installed, so a failure or a repair leaves the
/// candidate already drawn in place and costs no cancelling and drawing again.
void Fleet::schedule_failure(std::size_t index) {
  Pool& pool = pools_[index];
  pool.next_failure = EventHandle{};
  const double rate = failure_rate_per_gpu_s_ * static_cast<double>(pool.gpus);
  if (!pool.active || rate <= 0.0)
    return;
  const double delay_s = pool.failures.exponential(rate);
  if (delay_s >= seconds_from_ticks(context_.end - context_.now()))
    return;  // past the horizon
  pool.next_failure = context_.engine.schedule_after(ticks_from_seconds(delay_s), phases::kFailure,
                                                     self_, kFailure, index);
}

/// A failure candidate of the pool: a GPU fails with probability (available GPUs) / (all its
/// GPUs), else nothing happens (thinning, Lewis and Shedler 1979). Candidates come as a Poisson
/// process of rate Λ = λ · gpus; keeping each with probability available(t) / gpus, independently
/// of everything before, leaves a process of intensity λ · available(t) at every instant: the
/// failures of the available GPUs, exact in distribution, however often failures and repairs
/// change `available` between candidates. Then the cause by the causes' rates, busy or not by
/// training's share of its cluster.
void Fleet::failure(std::size_t index) {
  Pool& pool = pools_[index];
  const bool fails = pool.failures.uniform01() * static_cast<double>(pool.gpus) <
                     static_cast<double>(pool.available());
  schedule_failure(index);  // the next candidate, whatever this one does
  if (!fails)
    return;
  std::size_t cause_index = 0;
  double pick = pool.failures.uniform01() * failure_rate_per_gpu_s_;
  while (cause_index + 1 < context_.failure_causes.size() &&
         pick >= context_.failure_causes[cause_index].rate.per_gpu_s()) {
    pick -= context_.failure_causes[cause_index].rate.per_gpu_s();
    ++cause_index;
  }
  const FailureCauseSpec& cause = context_.failure_causes[cause_index];
  ++counts_.failures;
  ++counts_.failures_by_cause[cause_index];
  const SchedulingCluster& cluster = book_[pool.cluster];
  const double busy_share = cluster.available > 0 ? static_cast<double>(cluster.busy) /
                                                        static_cast<double>(cluster.available)
                                                  : 0.0;
  const double draw = pool.failures.uniform01();
  const bool busy = draw < busy_share;
  if (busy && !cause.interrupts)
    return;  // the job rides through; the GPU stays in service
  // The job stops first, then the fleet lowers what training may use: the scheduler's pass
  // comes later in the instant, so the job restarts only on healthy GPUs. `draw / busy_share`
  // is uniform in [0, 1): which of training's GPUs failed.
  if (busy)
    book_.training_gpu_failed(pool.cluster, cause_index, draw / busy_share);
  pool.failed += 1;
  send_to_repair(index, cause_index);
  after_pool_change(index, -1);
}

/// Repairs of one cause take the same time, so they end in the order they began: a queue per
/// cause, with only its earliest repair in the engine's queue (a handful of events pending there
/// instead of every GPU in repair).
void Fleet::send_to_repair(std::size_t pool, std::size_t cause) {
  std::deque<PendingRepair>& queue = repairs_[cause];
  queue.push_back(PendingRepair{context_.now() + repair_ticks_[cause], pool});
  if (queue.size() == 1)
    context_.engine.schedule_at(queue.front().done, phases::kRepair, self_, kRepair, cause);
}

void Fleet::repair_done(std::size_t cause) {
  std::deque<PendingRepair>& queue = repairs_[cause];
  const std::size_t pool = queue.front().pool;
  queue.pop_front();
  if (!queue.empty())
    context_.engine.schedule_at(queue.front().done, phases::kRepair, self_, kRepair, cause);
  repair(pool);
}

/// A GPU of the pool failed or came back: its cluster's capacity and its site's draw change,
/// no other cluster's or site's.
void Fleet::after_pool_change(std::size_t index, int change) {
  refresh_cluster(pools_[index].cluster);
  power_.pool_available_changed(index, change);
}

void Fleet::repair(std::size_t index) {
  Pool& pool = pools_[index];
  if (!pool.active)
    return;  // retired while in repair
  pool.failed -= 1;
  after_pool_change(index, +1);
}

void Fleet::retire(std::size_t index) {
  Pool& pool = pools_[index];
  SiteState& site = sites_.at(pool.site);
  const AcceleratorSpec& part = context_.part(pool.part);
  const Tick now = context_.now();
  pool.active = false;
  context_.engine.cancel(pool.next_failure);
  pool.next_failure = EventHandle{};
  if (pool.leased) {
    pool.failed = 0;
    gpus_leased_ -= pool.gpus;
    context_.record({now, BuildoutKind::lease_end, site.spec->name, part.name, pool.name, pool.gpus,
                     0.0, 0.0, 0.0, "term ends", PurchaseValue()});
    refresh_cluster(pool.cluster);
    book_.training_gpus_retired(pool.cluster);
    power_.update_site(pool.site);
    return;
  }
  const double peak_w = static_cast<double>(pool.gpus) * peak_power_per_gpu_w(pool);
  site.installed_peak_w -= peak_w;
  counts_.retired += pool.gpus;
  pool.failed = 0;
  context_.ledger().write_off(pool.asset, now);
  context_.record({now, BuildoutKind::retire, site.spec->name, part.name, pool.name, pool.gpus,
                   peak_w, 0.0, 0.0, pool.retire_note, PurchaseValue()});
  refresh_cluster(pool.cluster);
  book_.training_gpus_retired(pool.cluster);
  power_.update_site(pool.site);
  install_waiting(pool.site);
  costs_.assets_changed();
}

void Fleet::refresh_cluster(std::size_t c) {
  std::int64_t available = 0;
  for (const std::size_t index : book_[c].pools) {
    if (pools_[index].active)
      available += pools_[index].available();
  }
  book_.set_available(c, available);
}

void Fleet::site_power_online(std::size_t site) {
  install_waiting(site);
  costs_.assets_changed();
}

void Fleet::site_price_changed(std::size_t site) {
  power_.update_site(site);
}

FleetCounts Fleet::counts() const {
  FleetCounts counts = counts_;
  if (!failure_paths_)
    return counts;
  const Tick now = context_.now();
  for (const FailurePath& path : paths_) {
    for (std::size_t c = 0; c < counts.failures_by_cause.size(); ++c) {
      const std::int64_t failures = path.failures_before(c, now);
      counts.failures_by_cause[c] += failures;
      counts.failures += failures;
    }
  }
  return counts;
}

std::int64_t Fleet::failed_gpus(std::size_t pool) const {
  return failure_paths_ ? paths_[pool].failed_before(context_.now()) : pools_[pool].failed;
}

std::int64_t Fleet::gpus_waiting_for_power() const {
  std::int64_t waiting = 0;
  for (const Delivery& delivery : deliveries_) {
    if (delivery.arrived)
      waiting += delivery.waiting;
  }
  return waiting;
}

double Fleet::retiring_power_w(std::size_t site, Tick tick) const {
  const Tick now = context_.now();
  double power_w = 0.0;
  for (const Delivery& delivery : deliveries_) {
    const Tick retires_at = delivery.planned_retirement();
    if (delivery.site == site && retires_at > now && retires_at <= tick) {
      power_w += static_cast<double>(delivery.gpus) * peak_power_per_gpu_w(delivery);
    }
  }
  return power_w;
}

std::int64_t Fleet::cluster_gpus_at(std::size_t cluster, Tick tick) const {
  std::int64_t gpus = 0;
  for (const Delivery& delivery : deliveries_) {
    if (delivery.cluster == cluster && delivery.planned_retirement() > tick)
      gpus += delivery.gpus;
  }
  // A lease is capacity until its term ends, as an order is until its GPUs retire.
  for (const LeaseContract& lease : leases_) {
    if (lease.cluster == cluster && lease.end > tick)
      gpus += lease.gpus;
  }
  return gpus;
}

void Fleet::check_invariants() const {
  std::int64_t installed = 0;
  for (std::size_t p = 0; p < pools_.size(); ++p) {
    const Pool& pool = pools_[p];
    if (pool.active && !pool.leased)
      installed += pool.gpus;
    const std::int64_t failed = failed_gpus(p);
    if (failed < 0 || failed > pool.gpus) {
      throw std::logic_error("capacity model: failed GPUs out of range in " + pool.name);
    }
  }
  const std::int64_t waiting = gpus_waiting_for_power();
  const FleetCounts& c = counts_;
  if (c.ordered != c.delivered + c.in_transit || c.delivered != installed + c.retired + waiting) {
    throw std::logic_error(
        fmt::format("capacity model: GPUs not conserved (ordered {}, delivered {}, in transit {}, "
                    "installed {}, retired {}, waiting {})",
                    c.ordered, c.delivered, c.in_transit, installed, c.retired, waiting));
  }
  for (const SiteState& site : sites_.all()) {
    if (site.provider)
      continue;
    if (site.online_power_w > site.spec->it_power_cap_w * (1 + 1e-9) ||
        site.installed_peak_w > site.online_power_w * (1 + 1e-9) + 1e-6) {
      throw std::logic_error("capacity model: power above the cap at " + site.spec->name);
    }
  }
  power_.check_counts();
  check_training_within_available();
}

/// Training's GPU-seconds in each cluster since the last check are at most its available ones:
/// a job never holds a GPU that has failed or is not there.
void Fleet::check_training_within_available() const {
  const Tick now = context_.now();
  checked_gpu_s_.resize(book_.size(), {0.0, 0.0});
  for (std::size_t c = 0; c < book_.size(); ++c) {
    const double busy_s = book_[c].busy_gpu_s.total_at(now);
    const double available_s = book_[c].available_gpu_s.total_at(now);
    const double period_busy_s = busy_s - checked_gpu_s_[c].first;
    const double period_available_s = available_s - checked_gpu_s_[c].second;
    if (period_busy_s > period_available_s * (1 + 1e-12) + 1e-6 ||
        book_[c].busy > book_[c].available) {
      throw std::logic_error(fmt::format(
          "capacity model: training held {} GPU-s of cluster {} in a period with {} available",
          period_busy_s, book_[c].name, period_available_s));
    }
    checked_gpu_s_[c] = {busy_s, available_s};
  }
}

void Fleet::on_event(Engine&, const Event& event) {
  switch (event.kind) {
    case kArrival:
      arrival(event.payload);
      break;
    case kRepair:
      repair_done(event.payload);
      break;
    case kFailure:
      failure(event.payload);
      break;
    case kRetire:
      retire(event.payload);
      break;
    case kLeaseStart:
      start_lease(event.payload);
      break;
    default:
      throw std::logic_error("fleet: unknown event kind");
  }
}

}  // namespace capsim
