#pragma once
/// A planner's leasing (planner.lease): it leases the GPUs it could not place for lack of site
/// power, and only those (money, vendor caps or a part off sale are no reason to
/// lease), on the policy's terms, with at most max_gpus under its contracts at once. A lease's
/// GPUs count as capacity in the cluster they form until the term ends (PlanningView::
/// cluster_gpus_at), as orders do, so the planner never leases twice for one gap. Without
/// planner.lease it does nothing.

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "capsim/model/planning/planner.hpp"

namespace capsim {

class LeasePolicy {
 public:
  /// `planner` names the planner in the contracts' reasons ("demand planner").
  explicit LeasePolicy(std::string planner) : planner_(std::move(planner)) {}

  /// Of `power_short` GPUs of `part` that no site has power for by `power_needed_by`, signs a
  /// lease for as many as max_gpus and the funds allow (the first planning period's payment
  /// must fit the funds left), starting a lease lead time from now. The lease forms a cluster
  /// of its own: training's when `services` is empty, else the services named serve on it too
  /// (the ordered part hosts them; a planner.lease of another part does not lease for them).
  /// Returns the GPUs leased and, through `cluster`, the lease's cluster.
  std::int64_t lease_power_shortfall(const PlanningView& view, FleetActions& actions,
                                     const std::vector<std::size_t>& services, std::size_t part,
                                     std::int64_t power_short, Tick power_needed_by,
                                     std::size_t& cluster);

 private:
  struct Signed {
    std::int64_t gpus = 0;
    Tick end = 0;
  };
  std::string planner_;
  std::vector<Signed> signed_;
};

}  // namespace capsim
