#include "capsim/scenario/work_estimate.hpp"

#include <cmath>

#include <fmt/format.h>

#include "capsim/model/training/job_generator.hpp"

namespace capsim::scenario {

namespace {

/// A period's nominal length: the estimate needs the count of rows, not their calendar dates.
double nominal_period_s(PeriodUnit unit) {
  switch (unit) {
    case PeriodUnit::day:
      return kSecondsPerDay;
    case PeriodUnit::week:
      return 7.0 * kSecondsPerDay;
    case PeriodUnit::month:
      return kSecondsPerYear / 12.0;
    case PeriodUnit::quarter:
      return kSecondsPerYear / 4.0;
    case PeriodUnit::year:
      return kSecondsPerYear;
  }
  return kSecondsPerYear;
}

/// A count as a whole number, for messages ("about 365250000").
std::string count_text(double value) {
  return std::abs(value) < 1e15 ? fmt::format("{:.0f}", value) : fmt::format("{:.3g}", value);
}

/// The node at `path` in the resolved document, or the document itself when the key is absent
/// (a default drives the estimate).
SourceLocation place_of(const ConfigNode& document, const std::string& path) {
  const ConfigNode* node = node_at_path(document, path);
  return node ? node->location : document.location;
}

void add_refusal(const ConfigNode& document, const std::string& path, const std::string& what,
                 double ceiling, double found, const std::string& why, Diagnostics& diagnostics) {
  diagnostics.add(place_of(document, path), path,
                  fmt::format("expected at most {} {}, found about {} ({}); pass --allow-large "
                              "to run it anyway",
                              count_text(ceiling), what, count_text(found), why));
}

/// GPUs of the scenario's clusters and the fixed planner's orders.
double fleet_gpus(const Scenario& scenario) {
  double gpus = 0.0;
  for (const ClusterSpec& cluster : scenario.clusters)
    gpus += static_cast<double>(cluster.gpus);
  for (const OrderSpec& order : scenario.planner.orders)
    gpus += static_cast<double>(order.gpus);
  return gpus;
}

/// Failures per GPU-second of every cause, interrupting or not.
double failure_rate_per_gpu_s(const Scenario& scenario) {
  double rate = 0.0;
  for (const FailureCauseSpec& cause : scenario.failures.effective_causes())
    rate += cause.rate.per_gpu_s();
  return rate;
}

}  // namespace

WorkEstimate estimate_work(const Scenario& scenario, std::optional<PeriodUnit> period) {
  const double horizon_s = scenario.scenario.horizon_seconds();
  WorkEstimate estimate;
  estimate.training_jobs =
      static_cast<double>(scenario.training.jobs.size()) + expected_generated_jobs(scenario);
  estimate.service_hours =
      static_cast<double>(scenario.inference.services.size()) * horizon_s / 3600.0;
  estimate.gpu_failures = fleet_gpus(scenario) * failure_rate_per_gpu_s(scenario) * horizon_s;
  estimate.reporting_periods =
      std::ceil(horizon_s / nominal_period_s(period.value_or(scenario.scenario.reporting_period)));
  return estimate;
}

void check_work_estimate(const Scenario& scenario, const ConfigNode& document,
                         std::optional<PeriodUnit> period, Diagnostics& diagnostics) {
  const WorkEstimate estimate = estimate_work(scenario, period);
  const double horizon_s = scenario.scenario.horizon_seconds();
  if (estimate.training_jobs > kMaxTrainingJobs) {
    const auto listed = static_cast<double>(scenario.training.jobs.size());
    const double generated = estimate.training_jobs - listed;
    add_refusal(document, generated >= listed ? "training.generator.arrivals" : "training.jobs",
                "training jobs over the run (listed jobs and the generator's expected arrivals)",
                kMaxTrainingJobs, estimate.training_jobs,
                fmt::format("{} listed + {} generated", count_text(listed), count_text(generated)),
                diagnostics);
  }
  if (estimate.service_hours > kMaxServiceHours) {
    add_refusal(document, "inference.services", "service-hours (services × hours of the horizon)",
                kMaxServiceHours, estimate.service_hours,
                fmt::format("{} services × {} h", scenario.inference.services.size(),
                            count_text(horizon_s / 3600.0)),
                diagnostics);
  }
  if (estimate.gpu_failures > kMaxGpuFailures) {
    add_refusal(document, "failures",
                "GPU failures over the run (the clusters' and fixed orders' GPUs × the failure "
                "causes' rates × the horizon)",
                kMaxGpuFailures, estimate.gpu_failures,
                fmt::format("{} GPUs × {:.4g} failures per GPU-year × {:.4g} years",
                            count_text(fleet_gpus(scenario)),
                            failure_rate_per_gpu_s(scenario) * kSecondsPerYear,
                            horizon_s / kSecondsPerYear),
                diagnostics);
  }
}

std::string work_ceilings_markdown() {
  return fmt::format(
      "## Work ceilings\n\n"
      "A run's time and memory grow with what the scenario asks for. The loader estimates the\n"
      "work before anything runs and refuses a scenario past a ceiling (exit 2, at the key that\n"
      "drives it) unless `--allow-large` is given to `run`, `sweep`, `capacity`, `compare` or\n"
      "`validate`. A typo of a few zeros in an arrival rate or a horizon is then an error, not\n"
      "hours of work. Measured with `/usr/bin/time -v` on a 2-core machine (2026):\n\n"
      "| driver | ceiling | why |\n"
      "|---|---|---|\n"
      "| training jobs: listed, plus the generator's expected arrivals over `from`..`until` | "
      "{} | every job is generated up front and kept to the end, about 1.2 KB each: 100,000 "
      "jobs take 2.4 s and 145 MB, 490,000 take 9 s and 575 MB (when the fleet keeps up) |\n"
      "| service-hours: services × hours of the horizon | {} | serving is sized hour by "
      "hour, about 0.4 µs a service-hour: 50 services for 10 years take 1.9 s |\n"
      "| GPU failures: the clusters' and fixed orders' GPUs × the failure causes' rates × the "
      "horizon | {} | each failure is an event and its repair another, about 0.4 µs a "
      "failure: 5 million H100 for 10 years at the default causes (8.6 million failures) take "
      "3.3 s and 7 MB |\n\n"
      "Not counted: clusters a budget or demand planner adds as it runs, and the scheduler's\n"
      "backlog. A training workload far beyond its fleet keeps a long queue, and a scheduling\n"
      "pass whose tenants' fair-share ranking changed walks it: five years of\n"
      "`gpu-pool-oversubscribed.yaml` (111,000 jobs, most of them waiting) take 24 s and\n"
      "160 MB; 450,000 arrivals in a year on its 4,096 GPUs, nearly all waiting, 110 s and\n"
      "540 MB, the worst case under the ceiling measured.\n\n",
      count_text(kMaxTrainingJobs), count_text(kMaxServiceHours), count_text(kMaxGpuFailures));
}

}  // namespace capsim::scenario
