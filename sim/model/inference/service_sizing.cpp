#include "capsim/model/inference/service_sizing.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <utility>

#include <fmt/format.h>

#include "capsim/model/queueing/erlang.hpp"

namespace capsim {

namespace {

// A trillion replicas in a pool: far past any fleet, and times the GPUs of a replica (at most
// a scale-up domain) still far inside an int64. (The SLO search keeps its own, tighter bound
// of 1e11 slots in slo_sizing.cpp.)
constexpr double kMaxPoolReplicas = 1e12;

// Replicas as ⌈load / capacity⌉, forgiving the rounding of a load that is an exact multiple.
std::int64_t replicas_at(double load, double tokens_per_s_per_replica, double utilisation) {
  const double replicas = std::ceil(load / (tokens_per_s_per_replica * utilisation) - 1e-9);
  if (!(replicas <= kMaxPoolReplicas)) {  // NaN and infinity too: the cast would be undefined
    throw SizingRangeError(fmt::format(
        "{:g} tokens/s at {:g} tokens/s per replica needs {:g} replicas, beyond the sizing "
        "range ({:g} replicas)",
        load, tokens_per_s_per_replica * utilisation, replicas, kMaxPoolReplicas));
  }
  return static_cast<std::int64_t>(replicas);
}

constexpr double kWaitQuantile = 0.95;

TokenDemand scaled(const TokenDemand& base, double multiple) {
  return TokenDemand{base.input_tokens_per_s * multiple, base.output_tokens_per_s * multiple,
                     base.cache_hit_share};
}

bool has_wait_slo(const ServiceSpec& spec) {
  return spec.slo_wait_p95_s.has_value() && spec.output_tokens_per_request.has_value();
}

}  // namespace

TokenDemand base_token_demand(const ServiceSpec& spec) {
  const DemandSpec& demand = spec.demand;
  if (demand.requests_per_s) {
    return token_demand_from_requests(
        *demand.requests_per_s, demand.input_tokens_per_request.value_or(0.0),
        spec.output_tokens_per_request.value_or(0.0), demand.cache_hit_share);
  }
  return TokenDemand{demand.input_tokens_per_s.value_or(0.0),
                     demand.output_tokens_per_s.value_or(0.0), demand.cache_hit_share};
}

namespace {

GrowthCurve growth_curve(const DemandSpec& demand, const TokenDemand& base,
                         const Calendar& calendar) {
  const double base_tokens_per_s = base.input_tokens_per_s + base.output_tokens_per_s;
  // Observations are total tokens per day, so the base is compared in the same unit.
  const double base_tokens_per_day = base_tokens_per_s * kSecondsPerDay;
  const auto observed = [&] { return observations_in_seconds(demand.observations, calendar); };
  const bool fitted = !demand.observations.empty();
  switch (demand.growth) {
    case GrowthKind::none:
      return constant_curve();
    case GrowthKind::exponential:
      return fitted ? fit_exponential(observed(), base_tokens_per_day)
                    : exponential_curve(demand.growth_per_year.value_or(1.0));
    case GrowthKind::logistic: {
      if (fitted) {
        std::optional<double> ceiling_per_day;
        if (demand.saturation_tokens_per_s)
          ceiling_per_day = *demand.saturation_tokens_per_s * kSecondsPerDay;
        return fit_logistic(observed(), base_tokens_per_day, ceiling_per_day);
      }
      if (!(base_tokens_per_s > 0.0))
        throw std::invalid_argument("logistic growth needs a base demand above 0 tokens");
      return logistic_curve(demand.saturation_tokens_per_s.value_or(0.0) / base_tokens_per_s,
                            demand.growth_per_year.value_or(1.0));
    }
    case GrowthKind::observed:
      return piecewise_from_observations(observed(), base_tokens_per_day);
  }
  return constant_curve();
}

DemandProfile demand_profile(const DemandSpec& demand) {
  DemandProfile profile;
  if (demand.profile == DemandProfileKind::deepseek_day) {
    profile = deepseek_like_profile();
  } else if (demand.profile == DemandProfileKind::custom && demand.hourly_weights.size() == 24) {
    // Weights are given in local hours; the clock is UTC, so local hour h is UTC h - offset.
    const auto offset = static_cast<int>(demand.profile_utc_offset_hours);
    for (int local_hour = 0; local_hour < 24; ++local_hour) {
      profile.hourly[static_cast<std::size_t>(((local_hour - offset) % 24 + 24) % 24)] =
          demand.hourly_weights[static_cast<std::size_t>(local_hour)];
    }
  }
  if (demand.weekly_weights.size() == 7)
    std::copy(demand.weekly_weights.begin(), demand.weekly_weights.end(), profile.weekly.begin());
  return make_profile(profile.hourly, profile.weekly);
}

}  // namespace

DemandCurve demand_curve(const ServiceSpec& spec, const Calendar& calendar) {
  DemandCurve curve;
  curve.base = base_token_demand(spec);
  curve.growth = growth_curve(spec.demand, curve.base, calendar);
  curve.profile = demand_profile(spec.demand);
  return curve;
}

DecodeSlots decode_slots(const ServiceSpec& spec, const ReplicaThroughput& throughput) {
  DecodeSlots slots;
  slots.per_sequence_tokens_per_s = throughput.batch
                                        ? 1.0 / throughput.batch->seconds_per_output_token
                                        : spec.per_user_tokens_per_s;
  slots.slots_per_replica =
      std::max(1.0, throughput.decode.tokens_per_s / slots.per_sequence_tokens_per_s);
  return slots;
}

ServingLoad decode_serving_load(const ServiceSpec& spec, const DecodeSlots& slots,
                                double output_tokens_per_s) {
  ServingLoad load;
  load.requests_per_s = output_tokens_per_s / spec.output_tokens_per_request.value();
  load.mean_service_s = spec.output_tokens_per_request.value() / slots.per_sequence_tokens_per_s;
  return load;
}

double prefill_load(const ReplicaThroughput& throughput, const TokenDemand& demand) {
  return throughput.prefill_counts_cache_hits ? demand.input_tokens_per_s
                                              : demand.cache_miss_input_tokens_per_s();
}

ServiceSizing size_service(const ServiceSpec& spec, const ReplicaThroughput& throughput,
                           const TokenDemand& demand) {
  ServiceSizing sizing;
  sizing.prefill_replicas = replicas_at(prefill_load(throughput, demand),
                                        throughput.prefill.tokens_per_s, spec.target_utilisation);
  const double output = demand.output_tokens_per_s;
  const std::int64_t by_utilisation =
      replicas_at(output, throughput.decode.tokens_per_s, spec.target_utilisation);
  sizing.decode_replicas = by_utilisation;
  if (!has_wait_slo(spec) || output <= 0.0)
    return sizing;
  const DecodeSlots slots = decode_slots(spec, throughput);
  const ServingLoad load = decode_serving_load(spec, slots, output);
  // Many slots: when the Halfin-Whitt approximation (O(1)) says clearly fewer than 5% of
  // requests wait at the utilisation sizing, the p95 wait is 0 and that sizing stands; only
  // otherwise search exactly (exact Erlang C costs O(slots) per evaluation). The margin
  // (4% against 5%) covers the approximation's error there (tested in slo_sizing_test).
  const double offered = load.offered_load();
  const auto slots_by_utilisation =
      static_cast<std::int64_t>(static_cast<double>(by_utilisation) * slots.slots_per_replica);
  if (offered > 200.0 && static_cast<double>(slots_by_utilisation) > offered &&
      halfin_whitt_wait_probability(offered, slots_by_utilisation) <= 0.04) {
    return sizing;
  }
  SloTarget target;
  target.max_wait_s = *spec.slo_wait_p95_s;
  target.target_utilisation = spec.target_utilisation;
  const auto slot_count = static_cast<double>(replicas_for_slo(load, target));
  sizing.decode_replicas =
      std::max(by_utilisation,
               static_cast<std::int64_t>(std::ceil(slot_count / slots.slots_per_replica - 1e-9)));
  return sizing;
}

const char* capacity_limit_name(CapacityLimit limit) {
  static constexpr std::array<const char*, 3> kNames = {"prefill", "decode utilisation",
                                                        "wait SLO"};
  return kNames.at(static_cast<std::size_t>(limit));
}

namespace {

/// One load multiple on a fixed fleet: prefill takes what it needs at the target utilisation,
/// decode every whole replica left.
struct FleetSplit {
  TokenDemand demand;
  std::int64_t prefill_replicas = 0;
  std::int64_t decode_replicas = 0;
  std::int64_t decode_slots = 0;
  bool prefill_fits = false;  ///< prefill fits with room for the decode demand needs
};

class CapacitySearch {
 public:
  CapacitySearch(const ServiceSpec& spec, const ReplicaThroughput& throughput,
                 const CapacitySearchOptions& options)
      : spec_(spec),
        throughput_(throughput),
        options_(options),
        base_(base_token_demand(spec)),
        slots_(decode_slots(spec, throughput)) {}

  ServiceCapacity run() {
    if (base_.input_tokens_per_s + base_.output_tokens_per_s <= 0.0) {
      throw CapacitySearchError(fmt::format(
          "service \"{}\" has no demand to scale: its input and output tokens are 0", spec_.name));
    }
    const auto analytic = [this](double m) { return analytic_feasible(m); };
    const auto [analytic_low, analytic_high] = bracket(analytic, 1.0);
    const double analytic_answer = bisect(analytic, analytic_low, analytic_high);
    ServiceCapacity capacity;
    double answer = analytic_answer;
    double infeasible = analytic_answer * (1.0 + options_.relative_tolerance);
    if (has_wait_slo(spec_) && base_.output_tokens_per_s > 0.0) {
      capacity.erlang_c_load_multiple = analytic_answer;
      if (decode_offered_load(analytic_answer) <= kMaxSimulatedErlangs) {
        const auto simulated = [this](double m) { return simulated_feasible(m); };
        const auto [low, high] = bracket(simulated, analytic_answer);
        answer = bisect(simulated, low, high);
        infeasible = answer * (1.0 + options_.relative_tolerance);
      }
    }
    const FleetSplit split = split_at(answer);
    capacity.load_multiple = answer;
    capacity.demand = split.demand;
    capacity.prefill_replicas = split.prefill_replicas;
    capacity.decode_replicas = split.decode_replicas;
    capacity.prefill_utilisation =
        split.prefill_replicas > 0
            ? prefill_load(throughput_, split.demand) /
                  (static_cast<double>(split.prefill_replicas) * throughput_.prefill.tokens_per_s)
            : 0.0;
    capacity.decode_utilisation =
        split.decode_replicas > 0
            ? split.demand.output_tokens_per_s /
                  (static_cast<double>(split.decode_replicas) * throughput_.decode.tokens_per_s)
            : 0.0;
    if (!split_at(infeasible).prefill_fits) {
      capacity.limit = CapacityLimit::prefill;
    } else {
      capacity.limit = capacity.erlang_c_load_multiple ? CapacityLimit::wait_slo
                                                       : CapacityLimit::decode_utilisation;
    }
    if (capacity.erlang_c_load_multiple) {
      const ServingLoad load = decode_serving_load(spec_, slots_, split.demand.output_tokens_per_s);
      capacity.erlang_c_wait_p95_s = mmc_wait_quantile(
          MmcParameters{split.decode_slots, load.requests_per_s, 1.0 / load.mean_service_s},
          kWaitQuantile);
      if (load.offered_load() <= kMaxSimulatedErlangs)
        capacity.simulated_wait = simulate(load, split.decode_slots);
    }
    return capacity;
  }

 private:
  double decode_offered_load(double multiple) const {
    return decode_serving_load(spec_, slots_, base_.output_tokens_per_s * multiple).offered_load();
  }

  FleetSplit split_at(double multiple) const {
    FleetSplit split;
    split.demand = scaled(base_, multiple);
    split.prefill_replicas =
        replicas_at(prefill_load(throughput_, split.demand), throughput_.prefill.tokens_per_s,
                    spec_.target_utilisation);
    std::int64_t left = options_.fleet_gpus - split.prefill_replicas * throughput_.prefill.gpus;
    if (throughput_.mode == ServingMode::colocated) {
      // One pool: its prefill share must fit the fleet, and decode runs on all of it.
      left = split.prefill_replicas * throughput_.prefill.gpus <= options_.fleet_gpus
                 ? options_.fleet_gpus
                 : -1;
    }
    split.decode_replicas = std::max<std::int64_t>(0, left / throughput_.decode.gpus);
    split.decode_slots = static_cast<std::int64_t>(static_cast<double>(split.decode_replicas) *
                                                   slots_.slots_per_replica);
    const bool decode_needed = split.demand.output_tokens_per_s > 0.0;
    split.prefill_fits = left >= 0 && (!decode_needed || split.decode_replicas >= 1);
    return split;
  }

  bool analytic_feasible(double multiple) const {
    const FleetSplit split = split_at(multiple);
    if (!split.prefill_fits)
      return false;
    const double output = split.demand.output_tokens_per_s;
    if (output <= 0.0)
      return true;
    if (!has_wait_slo(spec_)) {
      return output <= static_cast<double>(split.decode_replicas) *
                           throughput_.decode.tokens_per_s * spec_.target_utilisation *
                           (1.0 + 1e-12);
    }
    const ServingLoad load = decode_serving_load(spec_, slots_, output);
    const MmcParameters queue{split.decode_slots, load.requests_per_s, 1.0 / load.mean_service_s};
    return queue.utilisation() < 1.0 &&
           mmc_wait_quantile(queue, kWaitQuantile) <= *spec_.slo_wait_p95_s;
  }

  bool simulated_feasible(double multiple) const {
    const FleetSplit split = split_at(multiple);
    if (!split.prefill_fits)
      return false;
    const ServingLoad load = decode_serving_load(spec_, slots_, split.demand.output_tokens_per_s);
    if (load.offered_load() >= static_cast<double>(split.decode_slots))
      return false;
    return simulate(load, split.decode_slots).quantile_s <= *spec_.slo_wait_p95_s;
  }

  // Enough requests that the 10% warm-up spans five mean service times: a queue that starts
  // empty with many slots needs that long to fill.
  WaitEstimate simulate(const ServingLoad& load, std::int64_t slots) const {
    const auto requests = std::max(
        options_.min_requests, static_cast<std::int64_t>(std::ceil(50.0 * load.offered_load())));
    return simulate_request_waits(load, slots, kWaitQuantile, requests, options_.seed);
  }

  /// (feasible, infeasible) multiples around `start`, by doubling and halving.
  template <typename Feasible>
  std::pair<double, double> bracket(const Feasible& feasible, double start) const {
    constexpr double kSmallest = 1e-9;
    constexpr double kLargest = 1e12;
    double low = start;
    double high = start;
    if (feasible(start)) {
      do {
        low = high;
        high *= 2.0;
      } while (high < kLargest && feasible(high));
      if (high >= kLargest) {
        throw CapacitySearchError(fmt::format(
            "service \"{}\": no load limit: its demand needs neither prefill nor decode work",
            spec_.name));
      }
    } else {
      do {
        high = low;
        low /= 2.0;
      } while (low > kSmallest && !feasible(low));
      if (low <= kSmallest) {
        throw CapacitySearchError(fmt::format(
            "service \"{}\": a fleet of {} GPUs cannot serve any load within its SLO (a prefill "
            "replica needs {} of them and a decode replica {})",
            spec_.name, options_.fleet_gpus, throughput_.prefill.gpus, throughput_.decode.gpus));
      }
    }
    return {low, high};
  }

  template <typename Feasible>
  double bisect(const Feasible& feasible, double low, double high) const {
    // Each step halves the bracket, so 200 steps reach any tolerance a double can tell apart;
    // the bound also ends the search on a zero low end, where the tolerance is 0.
    for (int step = 0; step < 200 && high - low > options_.relative_tolerance * low; ++step) {
      const double middle = 0.5 * (low + high);
      (feasible(middle) ? low : high) = middle;
    }
    return low;
  }

  const ServiceSpec& spec_;
  const ReplicaThroughput& throughput_;
  const CapacitySearchOptions& options_;
  TokenDemand base_;
  DecodeSlots slots_;
};

}  // namespace

ServiceCapacity find_service_capacity(const ServiceSpec& spec, const ReplicaThroughput& throughput,
                                      const CapacitySearchOptions& options) {
  return CapacitySearch(spec, throughput, options).run();
}

}  // namespace capsim
