#include "capsim/model/inference/slo_sizing.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "capsim/core/time.hpp"
#include "capsim/metrics/statistics.hpp"
#include "capsim/model/queueing/erlang.hpp"
#include "capsim/model/queueing/mmc_queue.hpp"

namespace capsim {

namespace {

// A billion erlangs is far beyond any one service; past it each O(c) Erlang B probe of the
// search would take seconds.
constexpr double kMaxOfferedLoad = 1e9;
// At most 1e9 erlangs at 1% utilisation, and far from int64's limit.
constexpr double kMaxReplicas = 1e11;

void check_positive(std::string_view what, double value) {
  if (!(value > 0.0) || !std::isfinite(value)) {
    throw std::invalid_argument(
        fmt::format("{} must be positive and finite, found {}", what, value));
  }
}

void check_load(const ServingLoad& load) {
  check_positive("requests per second", load.requests_per_s);
  check_positive("mean service time (s)", load.mean_service_s);
}

void check_offered_load(double offered_load) {
  if (!(offered_load <= kMaxOfferedLoad)) {
    throw SizingRangeError(
        fmt::format("offered load {:g} erlangs is beyond the sizing range ({:g} erlangs)",
                    offered_load, kMaxOfferedLoad));
  }
}

void check_quantile(double quantile) {
  if (!(quantile > 0.0 && quantile < 1.0)) {
    throw std::invalid_argument(fmt::format("wait quantile must be in (0, 1), found {}", quantile));
  }
}

MmcParameters mmc_for(const ServingLoad& load, std::int64_t replicas) {
  return MmcParameters{replicas, load.requests_per_s, 1.0 / load.mean_service_s};
}

// log of β·Φ(β)/φ(β), written so that no factor overflows for the large β of tiny P.
double log_halfin_whitt_ratio(double beta) {
  const double normal_cdf = 0.5 * std::erfc(-beta / std::numbers::sqrt2);
  return std::log(beta) + std::log(normal_cdf) + 0.5 * beta * beta +
         0.5 * std::log(2.0 * std::numbers::pi);
}

// The waits of the measured requests, in arrival order, and the busy replica-time over the
// measured span, all in mean service times. The span runs from the first measured arrival to
// the arrival that ends the run; the queue then drains, so every measured request still
// waiting gets its wait recorded.
class MeasuredRequests final : public MmcObserver {
 public:
  MeasuredRequests(std::int64_t warmup_requests, std::int64_t measured_requests)
      : warmup_requests_(warmup_requests),
        measured_requests_(measured_requests),
        waits_(static_cast<std::size_t>(measured_requests)) {}

  void on_arrival(double time_s, std::int64_t index, MmcOccupancy /*after*/) override {
    if (index == warmup_requests_) {
      measure_start_ = time_s;
      busy_.reset(time_s);
    }
    if (index == warmup_requests_ + measured_requests_) {
      measure_end_ = time_s;
      busy_integral_ = busy_.integral_until(time_s);
    }
  }

  void on_service_start(double time_s, const MmcRequest& request, MmcOccupancy after) override {
    busy_.change(time_s, static_cast<double>(after.busy));
    if (request.index >= warmup_requests_) {
      waits_[static_cast<std::size_t>(request.index - warmup_requests_)] = request.wait_s;
    }
  }

  void on_departure(double time_s, MmcOccupancy after) override {
    busy_.change(time_s, static_cast<double>(after.busy));
  }

  std::vector<double>& waits() { return waits_; }
  double busy_integral() const { return busy_integral_; }
  double measured_span() const { return measure_end_ - measure_start_; }

 private:
  std::int64_t warmup_requests_;
  std::int64_t measured_requests_;
  std::vector<double> waits_;
  TimeIntegral busy_;
  double measure_start_ = 0.0;
  double measure_end_ = 0.0;
  double busy_integral_ = 0.0;
};

// The ⌈q·n⌉-th smallest of [first, last), which it reorders.
double empirical_quantile(std::vector<double>::iterator first, std::vector<double>::iterator last,
                          double quantile) {
  const auto count = static_cast<double>(last - first);
  const auto rank =
      std::clamp<std::int64_t>(static_cast<std::int64_t>(std::ceil(quantile * count)) - 1, 0,
                               static_cast<std::int64_t>(last - first) - 1);
  const auto nth = first + rank;
  std::nth_element(first, nth, last);
  return *nth;
}

}  // namespace

double halfin_whitt_wait_probability(double offered_load_erlangs, std::int64_t servers) {
  if (!(offered_load_erlangs > 0.0) || !(static_cast<double>(servers) > offered_load_erlangs)) {
    throw std::invalid_argument(
        fmt::format("Halfin-Whitt needs 0 < offered load < servers, found {} erlangs on {} servers",
                    offered_load_erlangs, servers));
  }
  const double beta =
      (static_cast<double>(servers) - offered_load_erlangs) / std::sqrt(offered_load_erlangs);
  const double density = std::exp(-beta * beta / 2.0) / std::sqrt(2.0 * std::numbers::pi);
  const double cumulative = 0.5 * std::erfc(-beta / std::numbers::sqrt2);
  return 1.0 / (1.0 + beta * cumulative / density);
}

std::int64_t replicas_for_slo(const ServingLoad& load, const SloTarget& target) {
  check_load(load);
  check_quantile(target.wait_quantile);
  if (!(target.max_wait_s >= 0.0) || !std::isfinite(target.max_wait_s)) {
    throw std::invalid_argument(
        fmt::format("max wait (s) must be non-negative and finite, found {}", target.max_wait_s));
  }
  if (!(target.target_utilisation > 0.0 && target.target_utilisation <= 1.0)) {
    throw std::invalid_argument(
        fmt::format("target utilisation must be in (0, 1], found {}", target.target_utilisation));
  }
  const double offered = load.offered_load();
  check_offered_load(offered);

  // The ceiling may land one off either way after rounding; settle it against the same
  // expressions the checks below use.
  auto within_target = [&](std::int64_t replicas) {
    return offered / static_cast<double>(replicas) <= target.target_utilisation &&
           mmc_for(load, replicas).utilisation() < 1.0;
  };
  // The search starts at this ceiling and steps one replica at a time to settle it: a ceiling
  // that does not fit the count would make that walk endless.
  const double ceiling = std::ceil(offered / target.target_utilisation);
  if (!(ceiling <= kMaxReplicas)) {
    throw SizingRangeError(fmt::format(
        "offered load {:g} erlangs at a target utilisation of {:g} needs {:g} replicas, beyond "
        "the sizing range ({:g} replicas)",
        offered, target.target_utilisation, ceiling, kMaxReplicas));
  }
  auto lowest = std::max<std::int64_t>(1, static_cast<std::int64_t>(ceiling));
  while (lowest > 1 && within_target(lowest - 1))
    --lowest;
  while (!within_target(lowest))
    ++lowest;

  // The wait quantile falls as replicas are added (Erlang C falls, the drain rate rises): the
  // answer is the first count from `lowest` up that meets the SLO. Near a target utilisation
  // of 100% it lies O(√a) replicas above `lowest`; stepping Erlang C one replica at a time
  // finds it for the cost of one Erlang C, where probing each candidate afresh cost O(a)
  // each, and a year of hourly sizings at 200,000 erlangs took many minutes.
  ErlangLadder ladder(mmc_for(load, lowest).offered_load());
  while (ladder.servers() < lowest)
    ladder.add_server();
  while (mmc_wait_quantile(mmc_for(load, ladder.servers()), target.wait_quantile,
                           ladder.waiting()) > target.max_wait_s) {
    // The wait falls to 0 as replicas grow, so this ends; the bound keeps the count in range
    // (and the search finite) for a target no real count meets.
    if (static_cast<double>(ladder.servers()) >= kMaxReplicas) {
      throw SizingRangeError(fmt::format(
          "no count up to the sizing range ({:g} replicas) keeps the p{:g} wait within {:g} s at "
          "{:g} erlangs",
          kMaxReplicas, target.wait_quantile * 100, target.max_wait_s, offered));
    }
    ladder.add_server();
  }
  return ladder.servers();
}

std::int64_t square_root_staffing(double offered_load_erlangs, double beta) {
  check_positive("offered load (erlangs)", offered_load_erlangs);
  check_positive("staffing coefficient beta", beta);
  check_offered_load(offered_load_erlangs);
  const double staffed = std::ceil(offered_load_erlangs + beta * std::sqrt(offered_load_erlangs));
  const double stable = std::floor(offered_load_erlangs) + 1.0;
  return static_cast<std::int64_t>(std::max(staffed, stable));
}

double halfin_whitt_beta(double delay_probability) {
  if (!(delay_probability > 0.0 && delay_probability < 1.0)) {
    throw std::invalid_argument(
        fmt::format("delay probability must be in (0, 1), found {}", delay_probability));
  }
  // P = 1/(1 + g(β)) ⇔ log g(β) = log((1 − P)/P); log g rises strictly from −∞ at β = 0.
  const double goal = std::log1p(-delay_probability) - std::log(delay_probability);
  double low = 0.0;
  double high = 1.0;
  // log g grows without bound, so a finite goal is passed within 64 doublings.
  for (int doubling = 0; doubling < 64 && log_halfin_whitt_ratio(high) < goal; ++doubling)
    high *= 2.0;
  for (int step = 0; step < 200; ++step) {
    const double middle = 0.5 * (low + high);
    if (middle <= low || middle >= high)
      break;
    if (log_halfin_whitt_ratio(middle) < goal) {
      low = middle;
    } else {
      high = middle;
    }
  }
  return 0.5 * (low + high);
}

WaitEstimate simulate_request_waits(const ServingLoad& load, std::int64_t replicas, double quantile,
                                    std::int64_t requests, std::uint64_t seed) {
  check_load(load);
  check_quantile(quantile);
  if (replicas < 1) {
    throw std::invalid_argument(fmt::format("replicas must be at least 1, found {}", replicas));
  }
  check_stable(mmc_for(load, replicas));

  const auto warmup =
      static_cast<std::int64_t>(static_cast<double>(requests) * kSloSimulationWarmupShare);
  const std::int64_t per_batch = (requests - warmup) / kSloSimulationBatches;
  const auto needed_per_batch =
      std::max<std::int64_t>(100, static_cast<std::int64_t>(std::ceil(10.0 / (1.0 - quantile))));
  if (requests < 1 || per_batch < needed_per_batch) {
    throw std::invalid_argument(fmt::format(
        "requests must leave at least {} per batch after warm-up ({} batches, quantile {}), "
        "found {}",
        needed_per_batch, kSloSimulationBatches, quantile, requests));
  }
  const double offered = load.offered_load();
  const double expected_ticks =
      static_cast<double>(requests) / offered * static_cast<double>(kTicksPerSecond);
  if (!(expected_ticks <= 1e18)) {
    throw std::invalid_argument(
        fmt::format("{} requests at an offered load of {} erlangs would run past the engine clock",
                    requests, offered));
  }

  const std::int64_t measured = per_batch * kSloSimulationBatches;
  MeasuredRequests observed(warmup, measured);
  // The clock counts mean service times (μ = 1), not seconds: the queue is scale-free, and
  // this keeps each service ~10^6 ticks long whatever the real service time is.
  const MmcRunTotals totals =
      simulate_mmc_requests(MmcRun{.queue = MmcParameters{replicas, offered, 1.0},
                                   .requests = warmup + measured,
                                   .stream_prefix = "slo_sizing",
                                   .seed = seed,
                                   .replication = 0},
                            observed);
  WaitEstimate estimate;
  estimate.events = totals.events;

  std::vector<double>& waits = observed.waits();
  double wait_sum = 0.0;
  for (const double wait : waits)
    wait_sum += wait;

  std::vector<double> batch_quantiles;
  std::vector<double> scratch;
  for (std::int64_t batch = 0; batch < kSloSimulationBatches; ++batch) {
    const auto begin = waits.begin() + batch * per_batch;
    scratch.assign(begin, begin + per_batch);
    batch_quantiles.push_back(empirical_quantile(scratch.begin(), scratch.end(), quantile));
  }
  const double half_width =
      t_interval(batch_quantiles, kSloSimulationConfidence).half_width * load.mean_service_s;

  estimate.quantile_s =
      empirical_quantile(waits.begin(), waits.end(), quantile) * load.mean_service_s;
  estimate.quantile_low_s = std::max(0.0, estimate.quantile_s - half_width);
  estimate.quantile_high_s = estimate.quantile_s + half_width;
  estimate.mean_wait_s = wait_sum / static_cast<double>(measured) * load.mean_service_s;
  estimate.utilisation =
      observed.busy_integral() / observed.measured_span() / static_cast<double>(replicas);
  return estimate;
}

}  // namespace capsim
