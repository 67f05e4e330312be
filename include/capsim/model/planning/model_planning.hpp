#pragma once
/// The seam between a planner and the running model: the PlanningView and FleetActions over
/// the model's parts, and the planner's reviews on the engine (in the planning phase).

#include <memory>

#include "capsim/engine/engine.hpp"
#include "capsim/model/model_parts.hpp"
#include "capsim/model/planning/planner.hpp"

namespace capsim {

class ModelPlanning final : public EventHandler, public PlanningView, public FleetActions {
 public:
  ModelPlanning(const ModelContext& context, const ModelParts& parts, Sites& sites, Fleet& fleet,
                ClusterBook& book, InferenceFleet& inference, std::unique_ptr<Planner> planner);
  ModelPlanning(const ModelPlanning&) = delete;
  ModelPlanning& operator=(const ModelPlanning&) = delete;

  const Planner& planner() const { return *planner_; }
  /// The planner's own set-up (clusters named ahead, dated reviews).
  void set_up();
  /// The periodic reviews, if the planner has them.
  void start_reviews();

  void on_event(Engine& engine, const Event& event) override;

  // PlanningView
  const Scenario& scenario() const override { return context_.scenario; }
  const Calendar& calendar() const override { return context_.calendar; }
  Tick now() const override { return context_.now(); }
  Tick end() const override { return context_.end; }
  const std::vector<const AcceleratorSpec*>& parts() const override { return context_.parts; }
  std::size_t part_index(const std::string& name) const override;
  std::size_t site_index(const std::string& name) const override;
  /// The scenario's own sites: planners place nothing at a lease provider's.
  std::size_t site_count() const override { return parts_.sites.own_count(); }
  const SiteState& site(std::size_t site) const override { return parts_.sites[site]; }
  double retiring_power_w(std::size_t site, Tick tick) const override;
  std::size_t cluster_count() const override { return parts_.book.size(); }
  const SchedulingCluster& cluster(std::size_t cluster) const override {
    return parts_.book[cluster];
  }
  std::int64_t cluster_gpus_at(std::size_t cluster, Tick tick) const override;
  std::vector<InstalledLot> installed_lots() const override;
  std::int64_t vendor_cap_remaining(std::size_t part, Tick tick) const override;
  double funds_left() const override;
  double facility_capex_due_by(Tick tick) const override;
  std::size_t service_count() const override { return parts_.inference.size(); }
  const ServiceState& service(std::size_t service) const override {
    return parts_.inference[service];
  }
  TokenDemand service_demand_at(std::size_t service, Tick hour, double multiple) const override;
  std::int64_t service_gpus_for(std::size_t service, Tick hour,
                                const TokenDemand& demand) const override;
  std::optional<double> service_tokens_per_gpu_s(std::size_t service, std::size_t part, Tick hour,
                                                 const TokenDemand& demand) const override;
  double service_multiple_towards(std::size_t service, Tick target_at,
                                  double elapsed_s) const override;
  double service_tokens_demanded(std::size_t service) const override;
  TrainingNeed training_need_at(Tick tick) const override;

  // FleetActions
  void start_site(std::size_t site, const std::string& why) override;
  std::size_t add_cluster(const std::string& name, std::size_t site, std::size_t part,
                          std::int64_t gpus, const FabricSpec& fabric) override;
  void grow_cluster(std::size_t cluster, std::int64_t gpus) override;
  void serve_also_on(std::size_t service, std::size_t cluster) override;
  void place_order(const OrderRequest& order) override;
  std::size_t sign_lease(const LeaseContract& lease) override;
  void retire_early(std::size_t lot, Tick at, const std::string& why) override;
  void record(BuildoutEvent event) override;
  void review_at(Tick tick, std::uint64_t tag) override;
  CapacitySummary& summary() override { return context_.run.summary; }

 private:
  const ModelContext& context_;
  const ModelParts& parts_;
  Sites& sites_;
  Fleet& fleet_;
  ClusterBook& book_;
  InferenceFleet& inference_;
  std::unique_ptr<Planner> planner_;
  HandlerId self_{};
};

}  // namespace capsim
