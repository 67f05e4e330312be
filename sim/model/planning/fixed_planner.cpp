// The fixed planner (planner.policy: fixed): the build-out the scenario gives. Every site with
// a construction plan starts with the scenario, and each listed order is placed on its date,
// forming a cluster named ahead (so that jobs can be pinned to it).

#include <memory>

#include <fmt/format.h>

#include "capsim/model/planning/planners.hpp"
#include "capsim/model/planning/planning_basics.hpp"

namespace capsim {

namespace {

class FixedPlanner final : public Planner {
 public:
  bool starts_sites_with_scenario() const override { return true; }

  void set_up(const PlanningView& view, FleetActions& actions) override {
    const std::vector<OrderSpec>& orders = view.scenario().planner.orders;
    for (std::size_t i = 0; i < orders.size(); ++i) {
      const OrderSpec& order = orders[i];
      clusters_.push_back(actions.add_cluster(cluster_name(view, i), view.site_index(order.site),
                                              view.part_index(order.accelerator), order.gpus,
                                              FabricSpec{}));
      actions.review_at(view.calendar().tick_of(order.order_date), i);
    }
  }

  /// Places order `tag`: its GPUs arrive a lead time later.
  void review(const PlanningView& view, FleetActions& actions, std::uint64_t tag) override {
    const PlannerSpec& planner = view.scenario().planner;
    const OrderSpec& order = planner.orders[tag];
    const Tick now = view.now();
    const Tick lead = ticks_from_seconds(order.lead_time_s.value_or(planner.lead_time_s));
    const std::string name = cluster_name(view, tag);
    const std::size_t part = view.part_index(order.accelerator);
    const OrderRequest request =
        planned_order(view, name, part, view.site_index(order.site), order.gpus, now + lead,
                      planner.service_life_s, clusters_[tag]);
    actions.record({now, BuildoutKind::order, order.site, order.accelerator, name, order.gpus, 0.0,
                    static_cast<double>(order.gpus) * request.price_per_gpu_usd, 0.0, "",
                    PurchaseValue()});
    actions.place_order(request);
  }

 private:
  static std::string cluster_name(const PlanningView& view, std::size_t order_index) {
    const OrderSpec& order = view.scenario().planner.orders[order_index];
    return order.cluster.empty() ? fmt::format("order-{}", order_index + 1) : order.cluster;
  }

  std::vector<std::size_t> clusters_;  ///< per order, the cluster it forms
};

}  // namespace

std::unique_ptr<Planner> make_fixed_planner() {
  return std::make_unique<FixedPlanner>();
}

}  // namespace capsim
