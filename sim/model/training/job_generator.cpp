#include "capsim/model/training/job_generator.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include <fmt/format.h>

#include "capsim/engine/random.hpp"
#include "capsim/model/capacity_model.hpp"

namespace capsim {

namespace {

/// Where the generator submits: [from, until] in ticks.
std::pair<Tick, Tick> generator_window(const Scenario& scenario) {
  const JobGeneratorSpec& spec = scenario.training.generator;
  const Calendar calendar(scenario.scenario.start);
  const Tick from = calendar.tick_of(spec.from.value_or(scenario.scenario.start));
  const Tick until = spec.until ? calendar.tick_of(*spec.until) : scenario.scenario.end_tick();
  return {from, until};
}

/// The mean arrivals in [a, b) of a rate r0 · e^{g (t − from)}: r0 (e^{g b'} − e^{g a'}) / g.
double expected_arrivals(const JobGeneratorSpec& spec, Tick from, Tick a, Tick b) {
  const double growth_per_s = std::log(spec.growth_per_year) / kSecondsPerYear;
  const double sa = seconds_from_ticks(a - from), sb = seconds_from_ticks(b - from);
  if (std::abs(growth_per_s) < 1e-15)
    return spec.arrivals_per_s * (sb - sa);
  return spec.arrivals_per_s * (std::exp(growth_per_s * sb) - std::exp(growth_per_s * sa)) /
         growth_per_s;
}

}  // namespace

double expected_generated_jobs(const Scenario& scenario) {
  const JobGeneratorSpec& spec = scenario.training.generator;
  if (!(spec.arrivals_per_s > 0.0))
    return 0.0;
  const auto [from, until] = generator_window(scenario);
  return until > from ? expected_arrivals(spec, from, from, until) : 0.0;
}

std::vector<GeneratedJob> generate_training_jobs(const Scenario& scenario,
                                                 std::uint64_t replication) {
  const JobGeneratorSpec& spec = scenario.training.generator;
  std::vector<GeneratedJob> jobs;
  if (!(spec.arrivals_per_s > 0.0))
    return jobs;
  const Calendar calendar(scenario.scenario.start);
  const auto [from, until] = generator_window(scenario);
  RandomStream random(static_cast<std::uint64_t>(scenario.scenario.seed), replication,
                      "training.generator");
  std::vector<double> tenant_weights;
  for (const TenantSpec& tenant : scenario.training.tenants) {
    tenant_weights.push_back(tenant.share);
  }
  const bool weighted =
      std::any_of(tenant_weights.begin(), tenant_weights.end(), [](double w) { return w > 0.0; });
  Date month = calendar.date_of(from);
  Tick month_start = from;
  while (month_start < until) {
    month = next_period_start(month, PeriodUnit::month, scenario.scenario.start);
    const Tick month_end = std::min(until, calendar.tick_of(month));
    const std::uint64_t arrivals =
        random.poisson(expected_arrivals(spec, from, month_start, month_end));
    std::vector<Tick> times;
    for (std::uint64_t k = 0; k < arrivals; ++k) {
      times.push_back(
          month_start +
          static_cast<Tick>(random.uniform01() * static_cast<double>(month_end - month_start)));
    }
    std::sort(times.begin(), times.end());
    for (const Tick submit : times) {
      // Each job's sizes come from a stream of its own, keyed by its ordinal: a change to the
      // size distributions leaves every arrival time as it was.
      const std::size_t ordinal = jobs.size() + 1;
      RandomStream sizes(static_cast<std::uint64_t>(scenario.scenario.seed), replication,
                         fmt::format("training.generator/{}", ordinal));
      TrainingJobSpec job;
      job.name = fmt::format("generated-{}", ordinal);
      job.submit = calendar.date_of(submit);
      job.gpus =
          std::clamp<std::int64_t>(std::llround(static_cast<double>(spec.gpus_median) *
                                                std::exp(spec.gpus_sigma * sizes.normal(0.0, 1.0))),
                                   1, spec.gpus_max);
      const double duration_s =
          spec.duration_median_s * std::exp(spec.duration_sigma * sizes.normal(0.0, 1.0));
      job.base_mfu = spec.base_mfu;
      job.flops =
          static_cast<double>(job.gpus) * duration_s * kH100DenseBf16FlopPerS * spec.base_mfu;
      if (!scenario.training.tenants.empty()) {
        const std::size_t tenant =
            weighted ? sizes.discrete(tenant_weights)
                     : static_cast<std::size_t>(sizes.uniform01() *
                                                static_cast<double>(tenant_weights.size()));
        job.tenant = scenario.training.tenants[tenant].name;
        job.priority = scenario.training.tenants[tenant].priority;
      }
      jobs.push_back(GeneratedJob{std::move(job), submit});
    }
    month_start = month_end;
  }
  return jobs;
}

}  // namespace capsim
