// capsim mmc: the M/M/c queue simulated on the engine, beside the exact Erlang C figures.

#include <chrono>
#include <cstdio>
#include <stdexcept>

#include <fmt/format.h>

#include "args.hpp"
#include "capsim/model/queueing/erlang.hpp"
#include "capsim/model/queueing/mmc_queue.hpp"
#include "commands.hpp"
#include "terminal.hpp"

namespace capsim::cli {

namespace {

struct FigureRow {
  const char* key;    // JSON name
  const char* label;  // table label
  Estimate simulated;
  double theory;
};

std::string json_number(double value) {
  return fmt::format("{}", value);
}

void print_table(const MmcParameters& parameters, const MmcRunOptions& options,
                 const MmcEstimates& estimates, const std::vector<FigureRow>& rows) {
  const auto warmup =
      static_cast<std::int64_t>(static_cast<double>(options.customers) * options.warmup_share);
  const int percent = static_cast<int>(options.confidence * 100.0 + 0.5);
  print_out(fmt::format("M/M/{} queue: arrival rate {}/s, service rate {}/s, utilisation {:.4f}\n",
                        parameters.servers, parameters.arrival_rate, parameters.service_rate,
                        parameters.utilisation()));
  print_out(
      fmt::format("{} customers ({} warm-up, {} measured in {} batches), seed {}, {} events\n\n",
                  options.customers, warmup, estimates.customers_measured, options.batches,
                  options.seed, estimates.events));
  print_out(fmt::format("{:<26} {:>12} {:>27} {:>12}  {}\n", "figure", "simulated",
                        fmt::format("{}% confidence interval", percent), "Erlang C",
                        "theory in CI"));
  for (const FigureRow& row : rows) {
    print_out(
        fmt::format("{:<26} {:>12.6f} {:>27} {:>12.6f}  {}\n", row.label, row.simulated.mean,
                    fmt::format("[{:.6f}, {:.6f}]", row.simulated.low(), row.simulated.high()),
                    row.theory, row.simulated.covers(row.theory) ? "yes" : "no"));
  }
}

void print_json(const MmcParameters& parameters, const MmcRunOptions& options,
                const MmcEstimates& estimates, const std::vector<FigureRow>& rows) {
  std::string figures;
  for (const FigureRow& row : rows) {
    if (!figures.empty())
      figures += ",";
    figures += fmt::format(
        "\"{}\":{{\"simulated\":{},\"ci_low\":{},\"ci_high\":{},\"erlang_c\":{},\"within_ci\":{}}}",
        row.key, json_number(row.simulated.mean), json_number(row.simulated.low()),
        json_number(row.simulated.high()), json_number(row.theory),
        row.simulated.covers(row.theory) ? "true" : "false");
  }
  print_out(fmt::format(
      "{{\"model\":\"M/M/c\",\"servers\":{},\"arrival_rate_per_s\":{},\"service_rate_per_s\":{},"
      "\"customers\":{},\"customers_measured\":{},\"batches\":{},\"seed\":{},\"confidence\":{},"
      "\"events\":{},\"simulated_time_s\":{},\"figures\":{{{}}}}}\n",
      parameters.servers, json_number(parameters.arrival_rate),
      json_number(parameters.service_rate), options.customers, estimates.customers_measured,
      options.batches, options.seed, json_number(options.confidence), estimates.events,
      json_number(estimates.simulated_time_s), figures));
}

}  // namespace

int run_mmc(const Arguments& arguments) {
  ArgParser parser("mmc",
                   "Simulates an M/M/c queue (Poisson arrivals, exponential service, c servers,\n"
                   "FIFO) on the discrete-event engine and prints the simulated mean wait,\n"
                   "mean number in system, utilisation and probability of waiting, each with a\n"
                   "batch-means confidence interval, beside the exact Erlang C values.\n"
                   "Rates are per second. The output is identical for the same options.");
  parser.option("servers", "C", "number of servers", "1")
      .option("arrival-rate", "LAMBDA", "arrivals per second (required)")
      .option("service-rate", "MU", "services per second per server (required)")
      .option("customers", "N", "arrivals to simulate, warm-up included", "200000")
      .option("warmup", "SHARE", "share of customers left out as warm-up", "0.1")
      .option("batches", "B", "batches for the batch-means intervals", "20")
      .option("confidence", "LEVEL", "confidence level of the intervals", "0.99")
      .option("seed", "S", "random seed", "1")
      .flag("json", "print one JSON object instead of the table")
      .flag("timing", "print events per second to standard error (wall-clock, not reproducible)");
  if (parser.parse_or_print_help(arguments))
    return 0;
  if (!parser.positional().empty()) {
    throw UsageError(fmt::format("capsim mmc: unexpected argument '{}'", parser.positional()[0]));
  }
  if (!parser.has("arrival-rate") || !parser.has("service-rate")) {
    throw UsageError("capsim mmc: --arrival-rate and --service-rate are required");
  }

  MmcParameters parameters;
  parameters.servers = parser.integer("servers", 1, 1);
  parameters.arrival_rate = parser.real("arrival-rate", 0.0);
  parameters.service_rate = parser.real("service-rate", 0.0);
  MmcRunOptions options;
  options.customers = parser.integer("customers", options.customers, 1);
  options.warmup_share = parser.real("warmup", options.warmup_share);
  options.batches = parser.integer("batches", options.batches, 2);
  options.confidence = parser.real("confidence", options.confidence);
  options.seed = parser.unsigned_integer("seed", options.seed);
  try {
    check_stable(parameters);
    check_run_options(options);
  } catch (const std::invalid_argument& error) {
    throw UsageError(fmt::format("capsim mmc: {}", error.what()));
  }

  const auto started = std::chrono::steady_clock::now();
  const MmcEstimates estimates = simulate_mmc(parameters, options);
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - started;
  const MmcTheory theory = mmc_theory(parameters);

  const std::vector<FigureRow> rows = {
      {"mean_wait_s", "mean wait in queue (s)", estimates.mean_wait_s, theory.mean_wait_s},
      {"mean_in_system", "mean number in system", estimates.mean_in_system, theory.mean_in_system},
      {"utilisation", "utilisation", estimates.utilisation, theory.utilisation},
      {"probability_of_waiting", "probability of waiting", estimates.probability_of_waiting,
       theory.probability_of_waiting},
  };
  if (parser.has("json")) {
    print_json(parameters, options, estimates, rows);
  } else {
    print_table(parameters, options, estimates, rows);
  }
  if (parser.has("timing")) {
    print_err(fmt::format("{} events in {:.3f} s: {:.3g} events/s\n", estimates.events,
                          elapsed.count(),
                          static_cast<double>(estimates.events) / elapsed.count()));
  }
  return 0;
}

}  // namespace capsim::cli
