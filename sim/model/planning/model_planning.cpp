#include "capsim/model/planning/model_planning.hpp"

#include <utility>

#include "capsim/model/economics/funds.hpp"
#include "capsim/model/phases.hpp"

namespace capsim {

namespace {
enum Kinds : EventKind { kPeriodicReview, kDatedReview };
}  // namespace

ModelPlanning::ModelPlanning(const ModelContext& context, const ModelParts& parts, Sites& sites,
                             Fleet& fleet, ClusterBook& book, InferenceFleet& inference,
                             std::unique_ptr<Planner> planner)
    : context_(context),
      parts_(parts),
      sites_(sites),
      fleet_(fleet),
      book_(book),
      inference_(inference),
      planner_(std::move(planner)) {
  self_ = context_.engine.add_handler(*this);
}

void ModelPlanning::set_up() {
  planner_->set_up(*this, *this);
}

void ModelPlanning::start_reviews() {
  if (!planner_->reviews_every_period())
    return;
  const Calendar calendar = context_.calendar;
  const PeriodUnit period = context_.scenario.planner.budget_period;
  const Date start = context_.scenario.scenario.start;
  context_.engine.schedule_periodic(
      0,
      [calendar, period, start](Tick previous) {
        return calendar.tick_of(next_period_start(calendar.date_of(previous), period, start));
      },
      phases::kPlanning, self_, kPeriodicReview);
}

void ModelPlanning::on_event(Engine&, const Event& event) {
  planner_->review(*this, *this, event.payload);
}

std::size_t ModelPlanning::part_index(const std::string& name) const {
  return context_.part_index(name);
}

std::size_t ModelPlanning::site_index(const std::string& name) const {
  return parts_.sites.index_of(name);
}

double ModelPlanning::retiring_power_w(std::size_t site, Tick tick) const {
  return parts_.fleet.retiring_power_w(site, tick);
}

std::int64_t ModelPlanning::cluster_gpus_at(std::size_t cluster, Tick tick) const {
  return parts_.fleet.cluster_gpus_at(cluster, tick);
}

std::vector<InstalledLot> ModelPlanning::installed_lots() const {
  std::vector<InstalledLot> lots;
  const std::vector<Delivery>& deliveries = parts_.fleet.deliveries();
  for (std::size_t d = 0; d < deliveries.size(); ++d) {
    const Delivery& delivery = deliveries[d];
    if (!delivery.installed_whole() || delivery.planned_retirement() <= now() ||
        delivery.retire_early_at != INT64_MAX)
      continue;
    lots.push_back({d, delivery.name, delivery.part, delivery.site, delivery.cluster, delivery.gpus,
                    installed_power_per_gpu_w(*context_.parts[delivery.part],
                                              delivery.non_server_power_per_gpu_w),
                    delivery.planned_retirement()});
  }
  return lots;
}

std::int64_t ModelPlanning::vendor_cap_remaining(std::size_t part, Tick tick) const {
  return parts_.fleet.vendor_caps().remaining(part, tick);
}

double ModelPlanning::funds_left() const {
  return capsim::funds_left(parts_);
}

double ModelPlanning::facility_capex_due_by(Tick tick) const {
  return context_.ledger().capex_paid(CapexKind::facility, tick);
}

TokenDemand ModelPlanning::service_demand_at(std::size_t service, Tick hour,
                                             double multiple) const {
  return parts_.inference.demand_at(parts_.inference[service], hour, multiple);
}

std::int64_t ModelPlanning::service_gpus_for(std::size_t service, Tick hour,
                                             const TokenDemand& demand) const {
  return parts_.inference.gpus_for(parts_.inference[service], hour, demand);
}

std::optional<double> ModelPlanning::service_tokens_per_gpu_s(std::size_t service, std::size_t part,
                                                              Tick hour,
                                                              const TokenDemand& demand) const {
  return inference_.tokens_per_gpu_s(inference_[service], part, hour, demand);
}

double ModelPlanning::service_multiple_towards(std::size_t service, Tick target_at,
                                               double elapsed_s) const {
  return parts_.inference.demand_multiple_towards(parts_.inference[service], target_at, elapsed_s);
}

double ModelPlanning::service_tokens_demanded(std::size_t service) const {
  const ServiceState& state = parts_.inference[service];
  const Tick now = context_.now();
  return state.demand_input.total_at(now) + state.demand_output.total_at(now);
}

TrainingNeed ModelPlanning::training_need_at(Tick tick) const {
  return parts_.training.need_at(tick);
}

void ModelPlanning::start_site(std::size_t site, const std::string& why) {
  sites_.start(site, context_.now(), why);
}

std::size_t ModelPlanning::add_cluster(const std::string& name, std::size_t site, std::size_t part,
                                       std::int64_t gpus, const FabricSpec& fabric) {
  return book_.add(name, site, part, gpus, fabric);
}

void ModelPlanning::grow_cluster(std::size_t cluster, std::int64_t gpus) {
  book_.grow_planned(cluster, gpus);
}

void ModelPlanning::serve_also_on(std::size_t service, std::size_t cluster) {
  inference_.serve_also_on(service, cluster);
}

void ModelPlanning::place_order(const OrderRequest& order) {
  fleet_.place_order(order);
}

std::size_t ModelPlanning::sign_lease(const LeaseContract& lease) {
  return fleet_.leases()[fleet_.sign_lease(lease)].cluster;
}

void ModelPlanning::retire_early(std::size_t lot, Tick at, const std::string& why) {
  fleet_.retire_early(lot, at, why);
}

void ModelPlanning::record(BuildoutEvent event) {
  context_.record(std::move(event));
}

void ModelPlanning::review_at(Tick tick, std::uint64_t tag) {
  context_.engine.schedule_at(tick, phases::kPlanning, self_, kDatedReview, tag);
}

}  // namespace capsim
