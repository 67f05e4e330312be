#pragma once
/// Running costs other than energy: maintenance, a share of the gross capex in service per
/// year (it changes only when an asset enters or leaves service), and staff, a cost per year.
/// Reads the ledger; owns its two integrals.

#include "capsim/metrics/recorder.hpp"
#include "capsim/model/model_context.hpp"

namespace capsim {

class RunningCosts {
 public:
  explicit RunningCosts(const ModelContext& context) : context_(context) {}

  /// Staff from the start; maintenance of what is in service at the start.
  void set_up();
  /// An asset entered or left service.
  void assets_changed();

  const RateIntegral& maintenance_usd() const { return maintenance_usd_; }
  const RateIntegral& staff_usd() const { return staff_usd_; }

 private:
  const ModelContext& context_;
  RateIntegral maintenance_usd_;
  RateIntegral staff_usd_;
};

}  // namespace capsim
