#include <doctest/doctest.h>

#include <cstdint>

#include "capsim/core/time.hpp"
#include "capsim/model/economics/ledger.hpp"

namespace capsim {
namespace {

constexpr double kDay = 86400.0;

Asset server_pool(Tick in_service, Tick written_off = INT64_MAX) {
  // $6,000 over a 6,000-day life: $1 a day.
  return Asset{{CapexKind::gpus, "pool", 6000.0}, in_service, 6000.0 * kDay, written_off};
}

TEST_CASE("ledger: depreciation counts from the scenario start, pre-start assets at book value") {
  Ledger ledger;
  ledger.add_asset(server_pool(ticks_from_seconds(-1000.0 * kDay)));  // in service 1,000 days
  CHECK(ledger.depreciation(CapexKind::gpus, 0) == 0.0);
  // 10 days into the run: $10, not the $1,010 accumulated since it entered service.
  CHECK(ledger.depreciation(CapexKind::gpus, ticks_from_seconds(10.0 * kDay)) ==
        doctest::Approx(10.0).epsilon(1e-12));
  // Its life ends 5,000 days into the run: the run bears $5,000, the rest of its book value.
  CHECK(ledger.depreciation(CapexKind::gpus, ticks_from_seconds(7000.0 * kDay)) ==
        doctest::Approx(5000.0).epsilon(1e-12));
  CHECK(ledger.depreciation(CapexKind::facility, ticks_from_seconds(10.0 * kDay)) == 0.0);
}

TEST_CASE("ledger: a write-off charges what is left of the book value") {
  Ledger ledger;
  const std::size_t old_pool = ledger.add_asset(server_pool(ticks_from_seconds(-1000.0 * kDay)));
  ledger.write_off(old_pool, ticks_from_seconds(100.0 * kDay));
  ledger.add_asset(server_pool(ticks_from_seconds(50.0 * kDay)));
  // Day 99: 99 of the old pool, 49 of the new one.
  CHECK(ledger.depreciation(CapexKind::gpus, ticks_from_seconds(99.0 * kDay)) ==
        doctest::Approx(148.0).epsilon(1e-12));
  // Day 100: the old pool's book value at the start, $5,000, is all charged; the new pool $50.
  CHECK(ledger.depreciation(CapexKind::gpus, ticks_from_seconds(100.0 * kDay)) ==
        doctest::Approx(5050.0).epsilon(1e-12));
}

}  // namespace
}  // namespace capsim
