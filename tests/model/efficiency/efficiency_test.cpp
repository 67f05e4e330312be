#include "capsim/model/efficiency/efficiency.hpp"

#include <cmath>

#include <doctest/doctest.h>

namespace capsim {
namespace {

constexpr double kDay = 86400.0;

TEST_CASE("efficiency: a step applies from its date, trends halve compute every halving time") {
  const Calendar calendar(Date{2025, 1, 1});
  EfficiencySpec spec;
  spec.steps.push_back({EfficiencyKind::inference, 10.0, Date{2025, 1, 20}});
  // Training compute halves every 365 days from 2025-01-01 until 2027-01-01 (730 days).
  spec.trends.push_back(
      {EfficiencyKind::training, 365.0 * kDay, Date{2025, 1, 1}, Date{2027, 1, 1}});
  spec.steps.push_back({EfficiencyKind::software, 1.5, Date{2026, 1, 1}});
  const EfficiencyTimeline timeline(spec, calendar);
  CHECK(timeline.inference(18 * kDay) == 1.0);   // 2025-01-19
  CHECK(timeline.inference(19 * kDay) == 10.0);  // 2025-01-20
  CHECK(timeline.training(182.5 * kDay) == doctest::Approx(std::sqrt(2.0)));
  CHECK(timeline.training(365 * kDay) == doctest::Approx(1.5 * 2.0));  // software joins
  CHECK(timeline.inference(365 * kDay) == doctest::Approx(15.0));
  CHECK(timeline.software(365 * kDay) == doctest::Approx(1.5));
  // The trend stops at 730 days: 4x, times software 1.5.
  CHECK(timeline.training(1000 * kDay) == doctest::Approx(6.0));
}

TEST_CASE("efficiency: gains count from the start; those before it are in the inputs already") {
  // The scenario starts 2025-06-01: the 10x of January is in its measured figures; the 2x of
  // July and a trend running since 2025-01-01 (halving yearly) count from the start.
  const Calendar calendar(Date{2025, 6, 1});
  EfficiencySpec spec;
  spec.steps.push_back({EfficiencyKind::inference, 10.0, Date{2025, 1, 20}});
  spec.steps.push_back({EfficiencyKind::inference, 2.0, Date{2025, 7, 1}});
  spec.steps.push_back({EfficiencyKind::inference, 3.0, Date{2025, 7, 1}});
  spec.trends.push_back({EfficiencyKind::software, 365.0 * kDay, Date{2025, 1, 1}, std::nullopt});
  const EfficiencyTimeline timeline(spec, calendar);
  CHECK(timeline.gain(EfficiencyKind::inference, 0.0) == 1.0);
  CHECK(timeline.gain(EfficiencyKind::inference, 30 * kDay) == 6.0);  // 2025-07-01: 2x × 3x
  CHECK(timeline.software(0.0) == 1.0);
  CHECK(timeline.software(365 * kDay) == doctest::Approx(2.0));
  CHECK(timeline.gain(EfficiencyKind::training, 30 * kDay) == 1.0);
  CHECK(EfficiencyTimeline().inference(1e9) == 1.0);
}

}  // namespace
}  // namespace capsim
