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

double elapsed_share_s(Tick from, Tick until, Tick tick) {
  // F(t): the integral of the share from before `from` to t; the run counts from tick 0.
  const auto from_before = [&](Tick t) {
    if (t <= from)
      return 0.0;
    const double span_s = seconds_from_ticks(until - from);
    if (t >= until)
      return span_s / 2.0 + seconds_from_ticks(t - until);
    const double in_s = seconds_from_ticks(t - from);
    return in_s * in_s / (2.0 * span_s);
  };
  return tick <= 0 ? 0.0 : from_before(tick) - from_before(0);
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

namespace {

/// The share of an asset's life used by `t`.
double life_used(const Asset& asset, Tick t) {
  return std::min(1.0, seconds_from_ticks(std::max<Tick>(0, t - asset.in_service)) / asset.life_s);
}

/// What an asset has amortised of `whole` (its value or its embodied carbon) from the start up
/// to `tick`.
double amortised(const Asset& asset, double whole, Tick tick) {
  if (tick < asset.in_service || tick <= 0)
    return 0.0;
  // An asset in service before the start enters at its net book value: what it had
  // amortised by then is not the run's.
  const double by_tick = tick >= asset.written_off ? 1.0 : life_used(asset, tick);
  return whole * (by_tick - life_used(asset, 0));
}

}  // namespace

double Ledger::depreciation(CapexKind kind, Tick tick) const {
  double depreciated = 0.0;
  for (const Asset& asset : assets_) {
    if (asset.kind == kind)
      depreciated += amortised(asset, asset.amount_usd, tick);
  }
  return depreciated;
}

double Ledger::embodied_carbon(Tick tick) const {
  double carbon = 0.0;
  for (const Asset& asset : assets_)
    carbon += amortised(asset, asset.embodied_carbon_g, tick);
  return carbon;
}

double Ledger::capital_employed(Tick tick) const {
  double employed = 0.0;
  for (const CapexPayment& payment : payments_)
    employed += payment.amount_usd * elapsed_share(payment.from, payment.until, tick);
  for (const Asset& asset : assets_) {
    if (tick < asset.in_service)
      continue;
    if (asset.paid_in_run)
      employed -= asset.amount_usd;  // its payment is now in the book value below
    if (tick < asset.written_off)
      employed += asset.amount_usd * (1.0 - life_used(asset, tick));
  }
  return employed;
}

double Ledger::capital_employed_s(Tick tick) const {
  if (tick <= 0)
    return 0.0;
  double integral = 0.0;
  for (const CapexPayment& payment : payments_)
    integral += payment.amount_usd * elapsed_share_s(payment.from, payment.until, tick);
  for (const Asset& asset : assets_) {
    const Tick entered = std::max<Tick>(0, asset.in_service);
    if (tick <= entered)
      continue;
    if (asset.paid_in_run)
      integral -= asset.amount_usd * seconds_from_ticks(tick - entered);
    // The book value A·(1 − u/L) over the asset's age u, from entering the run to leaving
    // service, the end of its life or `tick`.
    const double u1 = seconds_from_ticks(entered - asset.in_service);
    const double u2 = std::min(
        seconds_from_ticks(std::min(tick, asset.written_off) - asset.in_service), asset.life_s);
    if (u2 > u1)
      integral += asset.amount_usd * ((u2 - u1) - (u2 * u2 - u1 * u1) / (2.0 * asset.life_s));
  }
  return integral;
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
