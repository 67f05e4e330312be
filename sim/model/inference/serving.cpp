#include "capsim/model/inference/serving.hpp"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "capsim/model/inference/demand_feedback.hpp"
#include "capsim/model/inference/service_sizing.hpp"
#include "capsim/model/inference/slo_sizing.hpp"
#include "capsim/model/phases.hpp"

namespace capsim {

namespace {
enum Kinds : EventKind { kHour };
}  // namespace

InferenceFleet::InferenceFleet(const ModelContext& context, ClusterBook& book, Power& power,
                               TrainingWorkload& training)
    : context_(context), book_(book), power_(power), training_(training) {
  self_ = context_.engine.add_handler(*this);
}

void InferenceFleet::set_up() {
  for (const ServiceSpec& spec : context_.scenario.inference.services) {
    ServiceState service;
    service.spec = &spec;
    service.cluster = book_.index_of(spec.cluster, 0);
    // The loader has checked that the model fits and its SLO can be met.
    // Chosen once: an efficiency gain scales every candidate replica alike (scaled_throughput).
    service.throughput =
        service_throughput(spec, context_.part(context_.part_index(spec.accelerator)));
    service.demand = demand_curve(spec, context_.calendar);
    service.slots.push_back(slot_on(service, service.cluster, service.throughput, 0));
    services_.push_back(std::move(service));
  }
  if (!services_.empty())
    context_.engine.schedule_every(0, kTicksPerHour, phases::kInference, self_, kHour);
}

void InferenceFleet::on_event(Engine&, const Event& event) {
  if (event.kind != kHour)
    throw std::logic_error("inference: unknown event kind");
  hour();
}

/// Each hour every service sizes its pools for the hour's demand at its target utilisation
/// and takes the GPUs from its clusters that training does not hold. GPUs training borrowed
/// come back by preemption (reclaim: preempt) or as jobs end (reclaim: wait). Demand it
/// cannot place is dropped, and the hour misses the SLO.
void InferenceFleet::hour() {
  const Tick now = context_.now();
  if (now >= context_.end)
    return;  // the hour starting at the horizon's end is not in the run
  for (ServiceState& service : services_)
    serve_hour(service, now);
}

void InferenceFleet::serve_hour(ServiceState& service, Tick now) {
  const ServiceSpec& spec = *service.spec;
  // Each hour moves demand an hour's worth towards where prices now send it.
  service.demand_multiple =
      demand_multiple_towards(service, now, seconds_from_ticks(kTicksPerHour));
  const TokenDemand demand = demand_at(service, now, service.demand_multiple);
  const HourFill hour_fill = fill_slots(service, now, [&](std::size_t k, std::int64_t wanted) {
    ServingSlot& slot = service.slots[k];
    book_.add_serving(slot.cluster, -slot.gpus);
    if (wanted > book_[slot.cluster].room() && spec.reclaim == ReclaimPolicy::preempt)
      training_.preempt_for_serving(slot.cluster, wanted - book_[slot.cluster].room());
    return book_[slot.cluster].room();
  });
  service.gpus = 0;
  for (std::size_t k = 0; k < service.slots.size(); ++k) {
    service.slots[k].gpus = hour_fill.fills[k].granted;
    book_.add_serving(service.slots[k].cluster, hour_fill.fills[k].granted);
    service.gpus += hour_fill.fills[k].granted;
  }
  service.peak_gpus = std::max(service.peak_gpus, service.gpus);
  const double served = hour_fill.served;
  ++service.hours;
  if (hour_fill.met)
    ++service.hours_met;
  service.demand_input.set_rate(now, demand.input_tokens_per_s);
  service.demand_output.set_rate(now, demand.output_tokens_per_s);
  service.served_input_hit.set_rate(now, served * demand.cache_hit_input_tokens_per_s());
  service.served_input_miss.set_rate(now, served * demand.cache_miss_input_tokens_per_s());
  service.served_output.set_rate(now, served * demand.output_tokens_per_s);
  service.dropped_output.set_rate(now, (1.0 - served) * demand.output_tokens_per_s);
  const PriceListSpec& prices = spec.prices;
  service.revenue_usd.set_rate(
      now, served * price_ratio_at(now) *
               (demand.cache_hit_input_tokens_per_s() *
                    prices.input_cache_hit_usd_per_token.value_or(0.0) +
                demand.cache_miss_input_tokens_per_s() *
                    prices.input_cache_miss_usd_per_token.value_or(0.0) +
                demand.output_tokens_per_s * prices.output_usd_per_token.value_or(0.0)));
  service.gpu_s.set_rate(now, static_cast<double>(service.gpus) +
                                  warming_gpus(service) * spec.scale_up_warmup_s /
                                      static_cast<double>(seconds_from_ticks(kTicksPerHour)));
  for (const ServingSlot& slot : service.slots) {
    book_.publish(slot.cluster);
    power_.update_cluster_sites(slot.cluster);
  }
}

InferenceFleet::HourFill InferenceFleet::fill_slots(const ServiceState& service, Tick hour,
                                                    const SlotRoom& room) const {
  HourFill hour_fill;
  hour_fill.fills.resize(service.slots.size());
  for (std::size_t k = 0; k < service.slots.size(); ++k) {
    SlotFill& fill = hour_fill.fills[k];
    const double left = 1.0 - hour_fill.served;
    const bool asked = k == 0 || left > 0.0;
    if (k == 0) {
      fill.wanted = gpus_wanted(service, hour);
    } else if (asked) {
      fill.wanted = slot_gpus_for(service, service.slots[k], hour,
                                  demand_at(service, hour, service.demand_multiple * left));
    }
    fill.granted = std::min(fill.wanted, room(k, fill.wanted));
    if (!asked)
      continue;
    // The last slot asked decides whether the hour is met.
    hour_fill.met = fill.granted >= fill.wanted;
    hour_fill.served += left * (fill.wanted > 0 ? static_cast<double>(fill.granted) /
                                                      static_cast<double>(fill.wanted)
                                                : 1.0);
  }
  hour_fill.served = std::min(hour_fill.served, 1.0);
  return hour_fill;
}

std::int64_t InferenceFleet::gpus_wanted(const ServiceState& service, Tick hour) const {
  if (service.sized_ahead && service.sized_ahead->first == hour)
    return service.sized_ahead->second;
  return slot_gpus_for(service, service.slots.front(), hour,
                       demand_at(service, hour, service.demand_multiple));
}

std::int64_t InferenceFleet::gpus_for(const ServiceState& service, Tick hour,
                                      const TokenDemand& demand) const {
  return slot_gpus_for(service, ServingSlot{service.cluster, service.throughput}, hour, demand);
}

std::int64_t InferenceFleet::slot_gpus_for(const ServiceState& service, const ServingSlot& slot,
                                           Tick hour, const TokenDemand& demand) const {
  const ReplicaThroughput throughput =
      scaled_throughput(slot.throughput, context_.efficiency.inference(seconds_from_ticks(hour)));
  try {
    return size_service(*service.spec, throughput, demand).gpus(throughput);
  } catch (const SizingRangeError& error) {
    // The demand, grown and multiplied as the scenario asks, is past any fleet: bad input.
    refuse_input(context_, fmt::format("inference.services[{}].demand", service.spec->name),
                 fmt::format("expected a demand a fleet can serve, found on {}: {}",
                             format_date(context_.calendar.date_of(hour)), error.what()));
  }
}

TokenDemand InferenceFleet::demand_at(const ServiceState& service, Tick hour,
                                      double multiple) const {
  TokenDemand demand = service.demand.at(hour, context_.calendar);
  demand.input_tokens_per_s *= multiple;
  demand.output_tokens_per_s *= multiple;
  return demand;
}

double InferenceFleet::price_ratio_at(Tick tick) const {
  return price_ratio(context_.scenario.demand_feedback, context_.efficiency,
                     seconds_from_ticks(tick));
}

double InferenceFleet::demand_multiple_towards(const ServiceState& service, Tick target_at,
                                               double elapsed_s) const {
  const DemandFeedbackSpec& feedback = context_.scenario.demand_feedback;
  // The service's own elasticity, else the demand feedback's.
  const double elasticity = service.spec->demand.elasticity.value_or(feedback.elasticity);
  return capsim::demand_multiple_towards(service.demand_multiple, elasticity, feedback,
                                         price_ratio_at(target_at), elapsed_s);
}

/// GPUs the next hour needs beyond this hour's, within each slot's room: the autoscaler knows
/// the demand forecast, so it starts them scale_up_warmup before the hour and holds them that
/// much longer. Their power and their absence from training's room, for that fraction of an
/// hour, are not counted.
double InferenceFleet::warming_gpus(ServiceState& service) const {
  if (service.spec->scale_up_warmup_s <= 0.0)
    return 0.0;
  const Tick next_hour = context_.now() + kTicksPerHour;
  const std::int64_t first_wanted = gpus_wanted(service, next_hour);
  service.sized_ahead = std::pair{next_hour, first_wanted};
  // The room each slot has now, its own GPUs included.
  const auto room = [&](std::size_t k, std::int64_t) {
    return book_[service.slots[k].cluster].room() + service.slots[k].gpus;
  };
  const std::vector<SlotFill> next = fill_slots(service, next_hour, room).fills;
  double warming = 0.0;
  for (std::size_t k = 0; k < service.slots.size(); ++k) {
    const ServingSlot& slot = service.slots[k];
    warming += static_cast<double>(
        std::clamp<std::int64_t>(next[k].wanted - slot.gpus, 0, room(k, 0) - slot.gpus));
  }
  return warming;
}

std::optional<ReplicaThroughput> InferenceFleet::throughput_on(const ServiceState& service,
                                                               std::size_t part) const {
  const ServiceSpec& spec = *service.spec;
  const ThroughputSpec& measured = spec.throughput;
  const bool own_part = context_.part_index(spec.accelerator) == part;
  if (own_part)
    return service.throughput;
  if (measured.prefill_tokens_per_s_per_node || measured.output_tokens_per_s_per_node)
    return std::nullopt;
  try {
    return service_throughput(spec, context_.part(part));
  } catch (const InferenceError&) {
    return std::nullopt;  // the model does not fit the part, or misses its SLO there
  }
}

std::optional<double> InferenceFleet::tokens_per_gpu_s(const ServiceState& service,
                                                       std::size_t part, Tick hour,
                                                       const TokenDemand& demand) const {
  const std::optional<ReplicaThroughput> throughput = throughput_on(service, part);
  if (!throughput)
    return std::nullopt;
  const ReplicaThroughput scaled =
      scaled_throughput(*throughput, context_.efficiency.inference(seconds_from_ticks(hour)));
  const double tokens = demand.input_tokens_per_s + demand.output_tokens_per_s;
  std::int64_t gpus = 0;
  try {
    gpus = tokens > 0.0 ? size_service(*service.spec, scaled, demand).gpus(scaled) : 0;
  } catch (const SizingRangeError&) {
    return std::nullopt;  // no fleet of this part serves the demand
  }
  // No demand to size for: what a decode replica's GPU serves.
  if (gpus == 0)
    return scaled.decode.tokens_per_s_per_gpu();
  return tokens / static_cast<double>(gpus);
}

ServingSlot InferenceFleet::slot_on(const ServiceState& service, std::size_t cluster,
                                    const ReplicaThroughput& throughput, Tick hour) const {
  ServingSlot slot{cluster, throughput};
  const std::size_t part = book_[cluster].part;
  const std::optional<double> tokens =
      tokens_per_gpu_s(service, part, hour, demand_at(service, hour, service.demand_multiple));
  slot.tokens_per_joule = tokens.value_or(0.0) / context_.part(part).server_power_per_gpu_w;
  return slot;
}

void InferenceFleet::serve_also_on(std::size_t k, std::size_t cluster) {
  ServiceState& service = services_.at(k);
  const std::optional<ReplicaThroughput> throughput = throughput_on(service, book_[cluster].part);
  if (!throughput)
    throw std::logic_error("inference: a service placed on a part that cannot host it");
  const Tick now = context_.now();
  // Every slot's merit at the same hour's demand, so that they compare.
  for (ServingSlot& slot : service.slots)
    slot.tokens_per_joule = slot_on(service, slot.cluster, slot.throughput, now).tokens_per_joule;
  service.slots.push_back(slot_on(service, cluster, *throughput, now));
  std::stable_sort(service.slots.begin(), service.slots.end(),
                   [](const ServingSlot& a, const ServingSlot& b) {
                     return a.tokens_per_joule > b.tokens_per_joule;
                   });
  service.sized_ahead.reset();  // sized for the slot that was first
}

void InferenceFleet::finish(const std::vector<ServiceDollars>& dollars,
                            double fleet_carbon_per_gpu_hour_g) {
  const Tick end = context_.end;
  for (std::size_t k = 0; k < services_.size(); ++k) {
    const ServiceState& service = services_[k];
    const ServiceSpec& spec = *service.spec;
    InferenceSummary summary;
    summary.service = spec.name;
    summary.cluster = book_[service.cluster].name;
    const double hours = seconds_from_ticks(end) / 3600.0;
    summary.gpu_hours = service.gpu_s.total_at(end) / 3600.0;
    summary.average_gpus = hours > 0 ? summary.gpu_hours / hours : 0.0;
    summary.peak_gpus = service.peak_gpus;
    summary.demand.input = service.demand_input.total_at(end);
    summary.demand.output = service.demand_output.total_at(end);
    const double hit = service.served_input_hit.total_at(end);
    const double miss = service.served_input_miss.total_at(end);
    summary.served.input = hit + miss;
    summary.served.output = service.served_output.total_at(end);
    summary.cost_usd = dollars.at(k).cost_usd;
    const double tokens = summary.served.input + summary.served.output;
    summary.cost_per_million_tokens_usd = tokens > 0 ? summary.cost_usd / tokens * 1e6 : 0.0;
    summary.carbon_per_million_tokens_g =
        tokens > 0 ? summary.gpu_hours * fleet_carbon_per_gpu_hour_g / tokens * 1e6 : 0.0;
    summary.revenue_usd = dollars.at(k).revenue_usd;
    const PriceListSpec& prices = spec.prices;
    const bool listed = prices.input_cache_hit_usd_per_token ||
                        prices.input_cache_miss_usd_per_token || prices.output_usd_per_token;
    // Without list prices, prices under demand feedback are cost plus the margin.
    if (!listed && context_.scenario.demand_feedback.enabled)
      summary.revenue_usd = summary.cost_usd * (1.0 + context_.scenario.demand_feedback.margin);
    summary.margin_usd = summary.revenue_usd - summary.cost_usd;
    summary.growth = service.demand.growth;
    summary.demand_multiple_at_end = service.demand_multiple;
    summary.growth_observations = spec.demand.observations.size();
    summary.slo_attainment = service.hours > 0 ? static_cast<double>(service.hours_met) /
                                                     static_cast<double>(service.hours)
                                               : 1.0;
    context_.run.inference.push_back(summary);
  }
}

}  // namespace capsim
