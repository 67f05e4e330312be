#include "capsim/engine/random.hpp"

#include <charconv>
#include <cmath>
#include <stdexcept>
#include <string>

namespace capsim {

namespace {

// Below this mean Knuth's method is cheap (mean + 1 uniforms); PTRS is valid from 10 up.
constexpr double kPoissonPtrsThreshold = 10.0;
// Keeps every accepted Poisson value far below 2^64, so the conversion from double is defined.
constexpr double kPoissonMaxMean = 1e18;

std::string format_number(double value) {
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  return std::string(buffer, result.ptr);
}

[[noreturn]] void fail(const char* where, const char* requirement, double got) {
  throw std::invalid_argument(std::string(where) + ": " + requirement + ", got " +
                              format_number(got));
}

// One pass serves both callers of weights: the checks and the total the sampler needs.
double checked_weight_sum(std::span<const double> weights, const char* where) {
  if (weights.empty()) {
    throw std::invalid_argument(std::string(where) + ": weights must not be empty");
  }
  double total = 0.0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    const double weight = weights[i];
    if (!(weight >= 0.0) || !std::isfinite(weight)) {
      throw std::invalid_argument(std::string(where) + ": weight " + std::to_string(i) +
                                  " must be finite and >= 0, got " + format_number(weight));
    }
    total += weight;
  }
  if (!(total > 0.0) || !std::isfinite(total)) {
    fail(where, "sum of weights must be positive and finite", total);
  }
  return total;
}

}  // namespace

namespace detail {

// Not std::lgamma: glibc's writes the global `signgam`, a data race when sweep threads draw
// concurrently, and its last bits are not pinned across library versions.
double log_factorial(double k) {
  static constexpr double kSmall[10] = {0.0,
                                        0.0,
                                        0.69314718055994530942,
                                        1.7917594692280550008,
                                        3.1780538303479456196,
                                        4.7874917427820459942,
                                        6.5792512120101009951,
                                        8.5251613610654143002,
                                        10.604602902745250228,
                                        12.801827480081469611};
  if (k < 10.0)
    return kSmall[static_cast<int>(k)];
  // Stirling series; the first omitted term, 1/(1188 k^9), is below 1e-12 from k = 10.
  constexpr double kHalfLogTwoPi = 0.91893853320467274178;
  const double inv = 1.0 / k;
  const double inv2 = inv * inv;
  const double series =
      inv * (1.0 / 12.0 - inv2 * (1.0 / 360.0 - inv2 * (1.0 / 1260.0 - inv2 * (1.0 / 1680.0))));
  return (k + 0.5) * std::log(k) - k + kHalfLogTwoPi + series;
}

}  // namespace detail

std::uint64_t splitmix64(std::uint64_t& state) {
  state += 0x9e3779b97f4a7c15ULL;
  std::uint64_t z = state;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::uint64_t stream_name_hash(std::string_view name) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (const char c : name) {
    // Through unsigned char: the hash must not depend on whether char is signed.
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

std::uint64_t derive_stream_seed(std::uint64_t scenario_seed, std::uint64_t replication,
                                 std::string_view stream_name) {
  std::uint64_t state = scenario_seed;
  std::uint64_t mixed = splitmix64(state);
  state = mixed ^ replication;
  mixed = splitmix64(state);
  state = mixed ^ stream_name_hash(stream_name);
  return splitmix64(state);
}

RandomStream::RandomStream(std::uint64_t scenario_seed, std::uint64_t replication,
                           std::string_view stream_name)
    : RandomStream(derive_stream_seed(scenario_seed, replication, stream_name)) {}

RandomStream::RandomStream(std::uint64_t seed) {
  // Four outputs of a bijective mixer on consecutive states are distinct, so at most one is
  // zero and the forbidden all-zero xoshiro state cannot occur.
  std::uint64_t state = seed;
  for (auto& word : state_)
    word = splitmix64(state);
}

double RandomStream::uniform(double low, double high) {
  if (!std::isfinite(low))
    fail("RandomStream::uniform", "low must be finite", low);
  if (!std::isfinite(high))
    fail("RandomStream::uniform", "high must be finite", high);
  if (!(low <= high))
    fail("RandomStream::uniform", "high must be >= low", high);
  if (!std::isfinite(high - low)) {
    fail("RandomStream::uniform", "high - low must be finite", high - low);
  }
  const double value = low + (high - low) * uniform01();
  // Rounding can land exactly on `high`; stepping back one ulp keeps the interval half-open.
  return value < high ? value : std::nextafter(high, low);
}

double RandomStream::exponential(double rate) {
  if (!(rate > 0.0) || !std::isfinite(rate)) {
    fail("RandomStream::exponential", "rate must be positive and finite", rate);
  }
  // 1 - u is exact for u a multiple of 2^-53 in [0, 1) and lies in (0, 1]: the log is finite.
  return -std::log(1.0 - uniform01()) / rate;
}

double RandomStream::standard_normal() {
  if (has_spare_normal_) {
    has_spare_normal_ = false;
    return spare_normal_;
  }
  double u = 0.0;
  double v = 0.0;
  double s = 0.0;
  do {
    u = 2.0 * uniform01() - 1.0;
    v = 2.0 * uniform01() - 1.0;
    s = u * u + v * v;
  } while (s >= 1.0 || s == 0.0);
  const double factor = std::sqrt(-2.0 * std::log(s) / s);
  spare_normal_ = v * factor;
  has_spare_normal_ = true;
  return u * factor;
}

double RandomStream::normal(double mean, double stddev) {
  if (!std::isfinite(mean))
    fail("RandomStream::normal", "mean must be finite", mean);
  if (!(stddev >= 0.0) || !std::isfinite(stddev)) {
    fail("RandomStream::normal", "stddev must be finite and >= 0", stddev);
  }
  return mean + stddev * standard_normal();
}

double RandomStream::lognormal(double mu, double sigma) {
  if (!std::isfinite(mu))
    fail("RandomStream::lognormal", "mu must be finite", mu);
  if (!(sigma >= 0.0) || !std::isfinite(sigma)) {
    fail("RandomStream::lognormal", "sigma must be finite and >= 0", sigma);
  }
  return std::exp(mu + sigma * standard_normal());
}

double RandomStream::weibull(double shape, double scale) {
  if (!(shape > 0.0) || !std::isfinite(shape)) {
    fail("RandomStream::weibull", "shape must be positive and finite", shape);
  }
  if (!(scale > 0.0) || !std::isfinite(scale)) {
    fail("RandomStream::weibull", "scale must be positive and finite", scale);
  }
  return scale * std::pow(-std::log(1.0 - uniform01()), 1.0 / shape);
}

std::uint64_t RandomStream::poisson(double mean) {
  if (!(mean >= 0.0) || !(mean <= kPoissonMaxMean)) {
    fail("RandomStream::poisson", "mean must be in [0, 1e18]", mean);
  }
  if (mean == 0.0)
    return 0;
  if (mean < kPoissonPtrsThreshold) {
    // P(X >= k) = P(U_1 ... U_k > e^-mean): count the factors before the product drops.
    const double limit = std::exp(-mean);
    std::uint64_t count = 0;
    double product = uniform01();
    while (product > limit) {
      ++count;
      product *= uniform01();
    }
    return count;
  }
  // PTRS: W. Hörmann, "The transformed rejection method for generating Poisson random
  // variables", Insurance: Mathematics and Economics 12 (1993), constants from the paper.
  const double sqrt_mean = std::sqrt(mean);
  const double log_mean = std::log(mean);
  const double b = 0.931 + 2.53 * sqrt_mean;
  const double a = -0.059 + 0.02483 * b;
  const double log_inv_alpha = std::log(1.1239 + 1.1328 / (b - 3.4));
  const double v_r = 0.9277 - 3.6224 / (b - 2.0);
  for (;;) {
    const double u = uniform01() - 0.5;
    const double v = uniform01();
    const double us = 0.5 - std::fabs(u);
    // us == 0 (u = -0.5) would divide by zero; it is outside the hat's support anyway.
    if (us <= 0.0)
      continue;
    const double k = std::floor((2.0 * a / us + b) * u + mean + 0.43);
    if (k < 0.0)
      continue;
    if (us >= 0.07 && v <= v_r)
      return static_cast<std::uint64_t>(k);
    if (us < 0.013 && v > us)
      continue;
    if (std::log(v) + log_inv_alpha - std::log(a / (us * us) + b) <=
        -mean + k * log_mean - detail::log_factorial(k)) {
      return static_cast<std::uint64_t>(k);
    }
  }
}

std::size_t RandomStream::discrete(std::span<const double> weights) {
  const double total = checked_weight_sum(weights, "RandomStream::discrete");
  const double target = uniform01() * total;
  double cumulative = 0.0;
  std::size_t last_positive = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (weights[i] == 0.0)
      continue;
    cumulative += weights[i];
    if (target < cumulative)
      return i;
    last_positive = i;
  }
  // Summation order differs from the total's only by rounding: the leftover belongs to the
  // last category that can be drawn.
  return last_positive;
}

DiscreteDistribution::DiscreteDistribution(std::span<const double> weights) {
  const double total = checked_weight_sum(weights, "DiscreteDistribution");
  const std::size_t n = weights.size();
  table_.resize(n);
  std::vector<double> scaled(n);
  std::vector<std::size_t> small;
  std::vector<std::size_t> large;
  std::size_t heaviest = 0;
  for (std::size_t i = 0; i < n; ++i) {
    scaled[i] = weights[i] * static_cast<double>(n) / total;
    (scaled[i] < 1.0 ? small : large).push_back(i);
    if (weights[i] > weights[heaviest])
      heaviest = i;
  }
  // Vose (1991): each underfull column is topped up by an overfull one. The donor's remainder is
  // (rich + lean) - 1, not rich - (1 - lean): Vose's order, which loses less to rounding.
  while (!small.empty() && !large.empty()) {
    const std::size_t lean = small.back();
    small.pop_back();
    const std::size_t rich = large.back();
    table_[lean] = {scaled[lean], rich};
    scaled[rich] = (scaled[rich] + scaled[lean]) - 1.0;
    if (scaled[rich] < 1.0) {
      large.pop_back();
      small.push_back(rich);
    }
  }
  for (const std::size_t i : large)
    table_[i] = {1.0, i};
  // Leftover lean columns are full up to rounding, except a zero weight, which must stay
  // impossible to draw whatever the rounding did.
  for (const std::size_t i : small) {
    table_[i] = weights[i] > 0.0 ? Column{1.0, i} : Column{0.0, heaviest};
  }
}

std::size_t DiscreteDistribution::sample(RandomStream& stream) const {
  const std::size_t n = table_.size();
  // u <= 1 - 2^-53, so u * n rounds below n for any n < 2^53 (n (1 - 2^-53) is more than half
  // an ulp below n unless n is a power of two, where it is exact): no clamp needed.
  const auto column = static_cast<std::size_t>(stream.uniform01() * static_cast<double>(n));
  const Column& entry = table_[column];
  return stream.uniform01() < entry.keep_probability ? column : entry.alias;
}

LognormalParams lognormal_from_mean_cv(double mean, double cv) {
  if (!(mean > 0.0) || !std::isfinite(mean)) {
    fail("lognormal_from_mean_cv", "mean must be positive and finite", mean);
  }
  if (!(cv >= 0.0) || !std::isfinite(cv)) {
    fail("lognormal_from_mean_cv", "cv must be finite and >= 0", cv);
  }
  const double variance = std::log(1.0 + cv * cv);
  return {std::log(mean) - 0.5 * variance, std::sqrt(variance)};
}

}  // namespace capsim
