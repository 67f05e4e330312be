#pragma once
/// The economics ledger. Capital spending is kept as payments (cash, with their timing) and
/// assets (what is in service and depreciates); capex paid and depreciation over any interval
/// follow exactly from them, so the totals are the sums of the entries by construction.
/// Running costs (energy, maintenance, staff) are rates the model integrates at every change.

#include <string>
#include <vector>

#include "capsim/core/time.hpp"

namespace capsim {

enum class CapexKind { gpus, facility };

/// What capital buys: GPUs or a facility, named by `label`, at `amount_usd`. The same item is
/// a payment (cash, when paid) and an asset (value, while in service).
struct CapexItem {
  CapexKind kind = CapexKind::gpus;
  std::string label;
  double amount_usd = 0.0;
};

/// Cash paid uniformly over [from, until]; all at once when from == until.
struct CapexPayment : CapexItem {
  Tick from = 0;
  Tick until = 0;
};

/// An asset in service from `in_service`, depreciated straight-line over `life_s`; when it
/// leaves service earlier (`written_off`), the remaining book value is expensed then. Its
/// embodied carbon (GPU servers: the catalog's figure per GPU) is amortised the same way.
/// `paid_in_run`: a payment of the ledger stands for it (false for what was paid before the
/// start), so that until it enters service that payment is construction in progress.
struct Asset : CapexItem {
  Tick in_service = 0;
  double life_s = 0.0;
  Tick written_off = INT64_MAX;
  double embodied_carbon_g = 0.0;
  bool paid_in_run = true;
};

class Ledger {
 public:
  void pay(CapexPayment payment);
  /// Returns the asset's index, for a later write-off.
  std::size_t add_asset(Asset asset);
  void write_off(std::size_t asset, Tick when);

  const std::vector<CapexPayment>& payments() const { return payments_; }
  const std::vector<Asset>& assets() const { return assets_; }

  /// Capex paid before `tick` (a payment made at `tick` itself counts from the next instant
  /// on, so it falls in the period that starts at `tick`). O(payments).
  double capex_paid(CapexKind kind, Tick tick) const;
  /// Depreciation and write-offs from the scenario start (tick 0) up to `tick`. An asset in
  /// service before the start enters at its net book value: only what it depreciates from the
  /// start on counts, and a write-off removes that value. O(assets).
  double depreciation(CapexKind kind, Tick tick) const;
  /// Gross value of the assets in service at `tick`. O(assets).
  double gross_in_service(Tick tick) const;
  /// Embodied carbon amortised from the start up to `tick` [gCO2e], as depreciation amortises
  /// value: straight-line over each asset's life, the rest at an early write-off. O(assets).
  double embodied_carbon(Tick tick) const;
  /// Capital employed at `tick` [USD]: the net book value of the assets in service plus
  /// construction in progress (payments made for what is not yet in service: a site phase
  /// being built, GPUs delivered and waiting for power).
  double capital_employed(Tick tick) const;
  /// The integral of capital_employed from the start to `tick` [USD·s], exactly: book values
  /// decline linearly and payments spread uniformly. O(assets + payments).
  double capital_employed_s(Tick tick) const;

 private:
  std::vector<CapexPayment> payments_;
  std::vector<Asset> assets_;
};

/// The share of [from, until] elapsed at `tick`: 0 up to `from`, 1 from `until` on; when
/// from == until, a step just after `from`.
double elapsed_share(Tick from, Tick until, Tick tick);
/// The integral of elapsed_share from the start (tick 0) to `tick` [s].
double elapsed_share_s(Tick from, Tick until, Tick tick);

}  // namespace capsim
