#include "capsim/model/economics/ledger.hpp"

#include <algorithm>
#include <stdexcept>

namespace capsim {

double elapsed_share(Tick from, Tick until, Tick tick) {
  if (tick <= from)
    return 0.0;
  if (tick >= until)
    return 1.0;
  return static_cast<double>(tick - from) / static_cast<double>(until - from);
}

void Ledger::pay(CapexPayment payment) {
  if (payment.until < payment.from)
    throw std::invalid_argument("ledger: payment ends before it starts");
  payments_.push_back(std::move(payment));
}

std::size_t Ledger::add_asset(Asset asset) {
  if (!(asset.life_s > 0.0))
    throw std::invalid_argument("ledger: asset without a life");
  assets_.push_back(std::move(asset));
  return assets_.size() - 1;
}

void Ledger::write_off(std::size_t asset, Tick when) {
  assets_.at(asset).written_off = when;
}

double Ledger::capex_paid(CapexKind kind, Tick tick) const {
  double paid = 0.0;
  for (const CapexPayment& payment : payments_) {
    if (payment.kind == kind)
      paid += payment.amount_usd * elapsed_share(payment.from, payment.until, tick);
  }
  return paid;
}

double Ledger::depreciation(CapexKind kind, Tick tick) const {
  double depreciated = 0.0;
  for (const Asset& asset : assets_) {
    if (asset.kind != kind || tick < asset.in_service || tick <= 0)
      continue;
    const auto share_by = [&](Tick t) {
      return std::min(1.0,
                      seconds_from_ticks(std::max<Tick>(0, t - asset.in_service)) / asset.life_s);
    };
    // An asset in service before the start enters at its net book value: what it had
    // depreciated by then is not a cost of the run.
    const double before_start = share_by(0);
    const double by_tick = tick >= asset.written_off ? 1.0 : share_by(tick);
    depreciated += asset.amount_usd * (by_tick - before_start);
  }
  return depreciated;
}

double Ledger::gross_in_service(Tick tick) const {
  double gross = 0.0;
  for (const Asset& asset : assets_) {
    if (tick >= asset.in_service && tick < asset.written_off)
      gross += asset.amount_usd;
  }
  return gross;
}

}  // namespace capsim
