// capsim capacity: the highest load one service's fleet serves within its SLO.

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "args.hpp"
#include "capsim/model/capacity_model.hpp"
#include "capsim/model/inference/demand_curve.hpp"
#include "capsim/model/inference/service_sizing.hpp"
#include "capsim/scenario/loader.hpp"
#include "commands.hpp"
#include "terminal.hpp"

namespace capsim::cli {

namespace {

const ServiceSpec& find_service(const Scenario& scenario, const std::string& name,
                                const std::string& path) {
  std::vector<std::string> names;
  for (const ServiceSpec& service : scenario.inference.services) {
    if (service.name == name)
      return service;
    names.push_back(fmt::format("\"{}\"", service.name));
  }
  throw UsageError(
      names.empty()
          ? fmt::format("capsim capacity: {} has no inference services", path)
          : fmt::format("capsim capacity: --service: expected one of {} (the services of {}), "
                        "found \"{}\"",
                        fmt::join(names, ", "), path, name));
}

std::int64_t cluster_gpus(const Scenario& scenario, const std::string& name) {
  for (const ClusterSpec& cluster : scenario.clusters) {
    if (cluster.name == name)
      return cluster.gpus;
  }
  throw std::logic_error("service cluster missing from the scenario: " + name);
}

/// The peak of the service's demand profile over its mean (1 for a flat profile).
double profile_peak(const Scenario& scenario, const ServiceSpec& service) {
  const DemandProfile profile = demand_curve(service, Calendar(scenario.scenario.start)).profile;
  return *std::max_element(profile.hourly.begin(), profile.hourly.end()) *
         *std::max_element(profile.weekly.begin(), profile.weekly.end());
}

/// The figures the command reports, in one place for both output formats.
struct CapacityReport {
  std::string service;
  std::string cluster;
  std::string accelerator;
  std::int64_t fleet_gpus = 0;
  ServiceCapacity capacity;
  const ReplicaThroughput* throughput = nullptr;
  double profile_peak = 1.0;
  double price_per_gpu_hour = 0.0;
  std::string price_basis;
  std::optional<double> slo_wait_p95_s;
  double target_utilisation = 0.0;
  double cost_per_hour() const { return static_cast<double>(fleet_gpus) * price_per_gpu_hour; }
  double tokens_per_s() const {
    return capacity.demand.input_tokens_per_s + capacity.demand.output_tokens_per_s;
  }
  double cost_per_million_tokens() const { return cost_per_hour() / 3600.0 / tokens_per_s() * 1e6; }
};

void print_text(const CapacityReport& r) {
  const ServiceCapacity& c = r.capacity;
  print_out(fmt::format("service \"{}\" on {} GPUs ({}) of cluster \"{}\"\n", r.service,
                        r.fleet_gpus, r.accelerator, r.cluster));
  print_out(fmt::format("highest load within the SLO: {:.3f}x the scenario's average demand",
                        c.load_multiple));
  if (r.profile_peak > 1.0) {
    print_out(fmt::format(" ({:.3f}x at the profile's peak hour, {:.3f}x the mean)",
                          c.load_multiple / r.profile_peak, r.profile_peak));
  }
  print_out(fmt::format("\n  input tokens/s   {:>16.1f}   ({:.1f}% cache hits)\n",
                        c.demand.input_tokens_per_s, c.demand.cache_hit_share * 100.0));
  print_out(fmt::format("  output tokens/s  {:>16.1f}\n", c.demand.output_tokens_per_s));
  print_out(fmt::format("  limited by       {}\n", capacity_limit_name(c.limit)));
  print_out(fmt::format("  prefill          {} replicas of {} GPUs at {:.1f}% (target {:.0f}%)\n",
                        c.prefill_replicas, r.throughput->prefill.gpus,
                        c.prefill_utilisation * 100.0, r.target_utilisation * 100.0));
  print_out(fmt::format("  decode           {} replicas of {} GPUs at {:.1f}%\n", c.decode_replicas,
                        r.throughput->decode.gpus, c.decode_utilisation * 100.0));
  if (c.simulated_wait && c.erlang_c_wait_p95_s && c.erlang_c_load_multiple) {
    print_out(fmt::format(
        "  p95 wait         {:.4f} s simulated [{:.4f}, {:.4f}] (99% interval), {:.4f} s by "
        "Erlang C; SLO {:g} s\n",
        c.simulated_wait->quantile_s, c.simulated_wait->quantile_low_s,
        c.simulated_wait->quantile_high_s, *c.erlang_c_wait_p95_s, *r.slo_wait_p95_s));
    print_out(
        fmt::format("  Erlang C alone   {:.3f}x average demand\n", *c.erlang_c_load_multiple));
  } else if (c.erlang_c_wait_p95_s) {
    print_out(fmt::format("  p95 wait         {:.4f} s by Erlang C; SLO {:g} s\n",
                          *c.erlang_c_wait_p95_s, *r.slo_wait_p95_s));
    print_out(fmt::format(
        "  (a decode pool over {:g} erlangs is not simulated request by request: Erlang C's "
        "answer)\n",
        kMaxSimulatedErlangs));
  }
  print_out(fmt::format("cost at that load: {} GPUs at ${:.4f}/GPU-hour ({}) = ${:.2f}/hour\n",
                        r.fleet_gpus, r.price_per_gpu_hour, r.price_basis, r.cost_per_hour()));
  print_out(fmt::format("  ${:.4f} per million tokens (input and output)\n",
                        r.cost_per_million_tokens()));
}

void print_json(const CapacityReport& r) {
  const ServiceCapacity& c = r.capacity;
  std::string wait;
  if (c.erlang_c_wait_p95_s && c.erlang_c_load_multiple) {
    wait = fmt::format(
        ",\"slo_wait_p95_s\":{},\"erlang_c_wait_p95_s\":{},\"erlang_c_load_multiple\":{}",
        *r.slo_wait_p95_s, *c.erlang_c_wait_p95_s, *c.erlang_c_load_multiple);
  }
  if (c.simulated_wait) {
    wait += fmt::format(
        ",\"simulated_wait_p95_s\":{},\"simulated_wait_p95_low_s\":{},"
        "\"simulated_wait_p95_high_s\":{}",
        c.simulated_wait->quantile_s, c.simulated_wait->quantile_low_s,
        c.simulated_wait->quantile_high_s);
  }
  print_out(fmt::format(
      "{{\"service\":\"{}\",\"cluster\":\"{}\",\"accelerator\":\"{}\",\"fleet_gpus\":{},"
      "\"load_multiple\":{},\"profile_peak_multiple\":{},\"input_tokens_per_s\":{},"
      "\"output_tokens_per_s\":{},\"cache_hit_share\":{},\"limit\":\"{}\","
      "\"prefill_replicas\":{},\"decode_replicas\":{},\"prefill_utilisation\":{},"
      "\"decode_utilisation\":{}{},\"price_per_gpu_hour_usd\":{},\"price_basis\":\"{}\","
      "\"cost_per_hour_usd\":{},\"cost_per_million_tokens_usd\":{}}}\n",
      r.service, r.cluster, r.accelerator, r.fleet_gpus, c.load_multiple, r.profile_peak,
      c.demand.input_tokens_per_s, c.demand.output_tokens_per_s, c.demand.cache_hit_share,
      capacity_limit_name(c.limit), c.prefill_replicas, c.decode_replicas, c.prefill_utilisation,
      c.decode_utilisation, wait, r.price_per_gpu_hour, r.price_basis, r.cost_per_hour(),
      r.cost_per_million_tokens()));
}

}  // namespace

int run_capacity_search(const Arguments& arguments) {
  ArgParser parser(
      "capacity",
      "Finds the highest load one inference service's fleet serves within its SLO: the\n"
      "service's demand mix scaled up or down, prefill sized at the target utilisation,\n"
      "decode given every GPU left. With slo_wait_p95 the answer comes from bisection on a\n"
      "request-level simulation of the decode slots (Erlang C brackets it); without, decode\n"
      "runs at the target utilisation. Reports the load and its cost per million tokens:\n"
      "the scenario's rental price, else the fleet's fully loaded cost over a run.",
      "SCENARIO");
  parser.option("service", "NAME", "the inference service (required)")
      .option("gpus", "N", "GPUs the service may use", "its cluster's")
      .option("requests", "N", "least requests per simulation (raised to 50 x the offered load)",
              "200000")
      .option("seed", "S", "random seed of the simulations", "1")
      .repeatable("set", "KEY.PATH=VALUE", "override a value after extends")
      .flag("json", "print one JSON object instead of the table")
      .flag("allow-large", "run a scenario past the work ceilings (docs/scenarios.md)");
  allow_path_option(parser);
  if (parser.parse_or_print_help(arguments))
    return 0;
  if (parser.positional().size() != 1)
    throw UsageError("capsim capacity: expected exactly one scenario file");
  if (!parser.has("service"))
    throw UsageError("capsim capacity: --service is required");
  const std::string& path = parser.positional().front();
  Scenario scenario;
  try {
    scenario = scenario::load_scenario(path, parser.all("set"),
                                       {parser.has("allow-large"), {}, false, path_policy(parser)});
  } catch (const InputError& error) {
    print_diagnostics(error);
    return 2;
  }
  const ServiceSpec& service = find_service(scenario, parser.text("service", ""), path);
  CapacitySearchOptions options;
  options.fleet_gpus =
      parser.has("gpus") ? parser.integer("gpus", 0, 1) : cluster_gpus(scenario, service.cluster);
  options.min_requests = parser.integer("requests", options.min_requests, 4000);
  options.seed = parser.unsigned_integer("seed", options.seed);

  // The loader has checked every service's accelerator against the catalog.
  const ReplicaThroughput throughput =
      service_throughput(service, *scenario.catalog.find(service.accelerator));
  CapacityReport report;
  report.service = service.name;
  report.cluster = service.cluster;
  report.accelerator = service.accelerator;
  report.fleet_gpus = options.fleet_gpus;
  report.throughput = &throughput;
  report.profile_peak = profile_peak(scenario, service);
  report.slo_wait_p95_s = service.slo_wait_p95_s;
  report.target_utilisation = service.target_utilisation;
  try {
    report.capacity = find_service_capacity(service, throughput, options);
  } catch (const CapacitySearchError& error) {
    throw UsageError(fmt::format("capsim capacity: {}", error.what()));
  }
  if (const auto& rental = scenario.economics.rental_price_usd_per_gpu_s) {
    report.price_per_gpu_hour = *rental * 3600.0;
    report.price_basis = "the scenario's rental price";
  } else {
    report.price_per_gpu_hour = run_capacity(scenario).summary.cost_per_gpu_hour_usd;
    report.price_basis = "the fleet's fully loaded cost over the run";
  }
  if (parser.has("json")) {
    print_json(report);
  } else {
    print_text(report);
  }
  return 0;
}

}  // namespace capsim::cli
