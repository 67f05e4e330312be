#pragma once
/// Exact steady-state results for the M/M/c queue (Erlang B and C), the yardstick the
/// request-level simulation and the SLO sizing of inference replicas are checked against.

#include <cstdint>

namespace capsim {

/// Parameters of an M/M/c queue: Poisson arrivals, exponential service, c identical servers,
/// FIFO, unlimited waiting room. Rates are per second.
struct MmcParameters {
  std::int64_t servers = 1;
  double arrival_rate = 0.0;  ///< λ, customers per second
  double service_rate = 0.0;  ///< μ, customers per second per server
  /// Offered load a = λ/μ, in erlangs.
  double offered_load() const { return arrival_rate / service_rate; }
  /// Server utilisation ρ = λ/(cμ); the queue is stable only when ρ < 1.
  double utilisation() const { return offered_load() / static_cast<double>(servers); }
  /// cμ − λ: the rate at which a queue drains when every server is busy.
  double drain_rate() const { return static_cast<double>(servers) * service_rate - arrival_rate; }
};

/// Steady-state figures of a stable M/M/c queue.
struct MmcTheory {
  double probability_of_waiting = 0.0;  ///< Erlang C: P(W > 0)
  double mean_wait_s = 0.0;             ///< Wq = C / (cμ − λ)
  double mean_in_queue = 0.0;           ///< Lq = λ Wq
  double mean_in_system = 0.0;          ///< L = Lq + λ/μ
  double utilisation = 0.0;             ///< ρ = λ / (cμ)
};

/// Erlang B and C at one offered load for 0, 1, 2, ... servers, one server at a time: each
/// step is O(1), so a search that adds servers one by one costs what one erlang_b of its
/// answer costs, not that many times over. The values are erlang_b's and erlang_c's exactly
/// (the same recursion, step by step).
class ErlangLadder {
 public:
  explicit ErlangLadder(double offered_load) : load_(offered_load) {}
  /// One server more.
  void add_server() {
    ++servers_;
    blocking_ = load_ * blocking_ / (static_cast<double>(servers_) + load_ * blocking_);
  }
  std::int64_t servers() const { return servers_; }
  double blocking() const { return blocking_; }
  /// Erlang C at the current servers; requires load < servers.
  double waiting() const {
    const auto c = static_cast<double>(servers_);
    return c * blocking_ / (c - load_ * (1.0 - blocking_));
  }

 private:
  double load_;
  std::int64_t servers_ = 0;
  double blocking_ = 1.0;
};

/// Erlang B blocking probability for `servers` servers offered `offered_load` erlangs, by the
/// recursion B(k) = a·B(k−1) / (k + a·B(k−1)): stable for any number of servers. O(servers),
/// and no more than until B underflows to 0 (which it stays): about a + 40·√a steps.
double erlang_b(std::int64_t servers, double offered_load);

/// Erlang C probability of waiting, C = c·B / (c − a·(1 − B)). Requires a < c.
double erlang_c(std::int64_t servers, double offered_load);

/// Throws std::invalid_argument unless servers >= 1, rates > 0 and ρ < 1.
void check_stable(const MmcParameters& parameters);

/// Exact steady-state figures. Precondition: check_stable passes.
MmcTheory mmc_theory(const MmcParameters& parameters);

/// P(Wq > t) = C·exp(−(cμ − λ)·t): the waiting-time tail, for latency SLOs.
double mmc_wait_exceeds(const MmcParameters& parameters, double wait_s);

/// The q-quantile of the waiting time in queue (0 when q <= 1 − C).
double mmc_wait_quantile(const MmcParameters& parameters, double q);
/// The same from Erlang C already known (`waiting`), for searches that step servers.
double mmc_wait_quantile(const MmcParameters& parameters, double q, double waiting);

}  // namespace capsim
