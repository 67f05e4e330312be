#include "capsim/model/queueing/erlang.hpp"

#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

namespace capsim {

double erlang_b(std::int64_t servers, double offered_load) {
  ErlangLadder ladder(offered_load);
  while (ladder.servers() < servers) {
    ladder.add_server();
    // Past the load B falls faster than geometrically; once it underflows it stays 0, so the
    // rest of a search's many idle servers cost nothing.
    if (ladder.blocking() == 0.0)
      break;
  }
  return ladder.blocking();
}

double erlang_c(std::int64_t servers, double offered_load) {
  const auto c = static_cast<double>(servers);
  if (!(offered_load < c)) {
    throw std::invalid_argument(fmt::format(
        "erlang_c: offered load {} erlangs is not below {} servers", offered_load, servers));
  }
  const double blocking = erlang_b(servers, offered_load);
  return c * blocking / (c - offered_load * (1.0 - blocking));
}

void check_stable(const MmcParameters& parameters) {
  if (parameters.servers < 1) {
    throw std::invalid_argument(
        fmt::format("servers must be at least 1, found {}", parameters.servers));
  }
  if (!(parameters.arrival_rate > 0.0) || !std::isfinite(parameters.arrival_rate)) {
    throw std::invalid_argument(
        fmt::format("arrival rate must be positive, found {}", parameters.arrival_rate));
  }
  if (!(parameters.service_rate > 0.0) || !std::isfinite(parameters.service_rate)) {
    throw std::invalid_argument(
        fmt::format("service rate must be positive, found {}", parameters.service_rate));
  }
  if (!(parameters.utilisation() < 1.0)) {
    throw std::invalid_argument(fmt::format(
        "unstable queue: arrival rate {} is not below servers × service rate = {} (utilisation "
        "{:.4g})",
        parameters.arrival_rate, static_cast<double>(parameters.servers) * parameters.service_rate,
        parameters.utilisation()));
  }
}

MmcTheory mmc_theory(const MmcParameters& parameters) {
  check_stable(parameters);
  const double offered = parameters.offered_load();
  const double waiting = erlang_c(parameters.servers, offered);
  const double drain_rate = parameters.drain_rate();
  MmcTheory theory;
  theory.probability_of_waiting = waiting;
  theory.mean_wait_s = waiting / drain_rate;
  theory.mean_in_queue = parameters.arrival_rate * theory.mean_wait_s;
  theory.mean_in_system = theory.mean_in_queue + offered;
  theory.utilisation = parameters.utilisation();
  return theory;
}

double mmc_wait_exceeds(const MmcParameters& parameters, double wait_s) {
  check_stable(parameters);
  const double drain_rate = parameters.drain_rate();
  return erlang_c(parameters.servers, parameters.offered_load()) * std::exp(-drain_rate * wait_s);
}

double mmc_wait_quantile(const MmcParameters& parameters, double q) {
  check_stable(parameters);
  if (!(q > 0.0 && q < 1.0)) {
    throw std::invalid_argument(fmt::format("wait quantile {} not in (0, 1)", q));
  }
  return mmc_wait_quantile(parameters, q, erlang_c(parameters.servers, parameters.offered_load()));
}

double mmc_wait_quantile(const MmcParameters& parameters, double q, double waiting) {
  if (1.0 - q >= waiting)
    return 0.0;
  const double drain_rate = parameters.drain_rate();
  return std::log(waiting / (1.0 - q)) / drain_rate;
}

}  // namespace capsim
