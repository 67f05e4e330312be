#pragma once
/// Named random streams and the samplers the model draws from.
///
/// Every model component owns its own stream, seeded from (scenario seed, replication, stream
/// name), so adding or removing a component never shifts another component's sequence. All
/// samplers are implemented here, not taken from std::*_distribution, whose algorithms differ
/// between standard libraries: a seed gives the same numbers on every machine. Only integer
/// arithmetic, IEEE basic operations and std::log / std::exp / std::sqrt / std::pow are used.
///
/// Precondition violations throw std::invalid_argument before any number is drawn, so a failed
/// call leaves the stream's sequence untouched.

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace capsim {

/// One step of SplitMix64 (Steele, Lea, Flood 2014): advances `state` by the golden gamma and
/// returns the mixed value. Public because other code derives seeds with it. O(1).
std::uint64_t splitmix64(std::uint64_t& state);

/// FNV-1a 64-bit hash of the bytes of `name`: stable across platforms, compilers and runs
/// (unlike std::hash). O(name.size()).
std::uint64_t stream_name_hash(std::string_view name);

/// The seed of stream `stream_name` in replication `replication` of a scenario seeded with
/// `scenario_seed`. Each input is absorbed through a SplitMix64 step, a bijection, so for fixed
/// other inputs distinct replications (or distinct name hashes) always give distinct seeds.
/// The value is part of the reproducibility contract: changing it changes every result. O(|name|).
std::uint64_t derive_stream_seed(std::uint64_t scenario_seed, std::uint64_t replication,
                                 std::string_view stream_name);

/// A xoshiro256** generator (Blackman, Vigna 2018) with the samplers the model needs.
/// Period 2^256 - 1; 32 bytes of state plus a cached normal deviate. Copying a stream copies
/// its position: the copy yields the same future sequence. Not thread-safe: one stream per
/// component, one component per thread.
class RandomStream {
 public:
  /// The stream named `stream_name` of replication `replication`: equivalent to
  /// RandomStream(derive_stream_seed(scenario_seed, replication, stream_name)).
  RandomStream(std::uint64_t scenario_seed, std::uint64_t replication,
               std::string_view stream_name);
  /// A stream seeded directly (tests, benchmarks). The four state words are four SplitMix64
  /// outputs of `seed`, never all zero.
  explicit RandomStream(std::uint64_t seed);

  /// 64 uniformly distributed bits. O(1), a few integer operations.
  std::uint64_t next_u64() {
    const std::uint64_t result = std::rotl(state_[1] * 5, 7) * 9;
    const std::uint64_t shifted = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= shifted;
    state_[3] = std::rotl(state_[3], 45);
    return result;
  }

  /// Uniform on [0, 1): the top 53 bits of next_u64() scaled by 2^-53, so every value is a
  /// multiple of 2^-53 and 1 is never returned. O(1).
  double uniform01() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

  /// Uniform on [low, high); exactly `low` when low == high.
  /// Preconditions: low and high finite, low <= high, high - low finite. O(1).
  double uniform(double low, double high);

  /// Exponential with rate `rate` (mean 1/rate, in the reciprocal unit of `rate`), by
  /// inversion: one uniform and one log per draw. Never negative or infinite.
  /// Precondition: rate > 0 and finite. O(1).
  double exponential(double rate);

  /// Normal with mean `mean` and standard deviation `stddev`, by Marsaglia's polar method.
  /// Deviates come in pairs: the second is cached, so every other call draws no uniforms.
  /// Preconditions: mean finite, stddev finite and >= 0. O(1) expected (acceptance pi/4).
  double normal(double mean, double stddev);

  /// Lognormal exp(mu + sigma * Z), Z standard normal: `mu` and `sigma` are the mean and
  /// standard deviation of the underlying normal (see lognormal_from_mean_cv for the other
  /// parametrisation). Shares the normal cache. Preconditions: mu finite, sigma finite, >= 0.
  double lognormal(double mu, double sigma);

  /// Weibull with shape k and scale lambda, CDF 1 - exp(-(x/lambda)^k), by inversion.
  /// Preconditions: shape > 0 and scale > 0, both finite. O(1).
  double weibull(double shape, double scale);

  /// Poisson with mean `mean`, exact in distribution for every mean: Knuth's multiplication
  /// method below 10 (mean + 1 uniforms expected), Hörmann's transformed rejection (PTRS, 1993)
  /// from 10 up (2.2 to 2.7 uniforms per draw, fewer as the mean grows: O(1) in the mean).
  /// Preconditions: mean finite, 0 <= mean <= 1e18 (0 gives 0 without drawing).
  std::uint64_t poisson(double mean);

  /// An index i with probability weights[i] / sum(weights), by one uniform and a linear scan.
  /// Zero-weight indices are never returned. For repeated draws from fixed weights use
  /// DiscreteDistribution (O(1) per draw).
  /// Preconditions: weights non-empty, each finite and >= 0, sum positive and finite. O(n).
  std::size_t discrete(std::span<const double> weights);

 private:
  double standard_normal();

  std::array<std::uint64_t, 4> state_;
  double spare_normal_ = 0.0;
  bool has_spare_normal_ = false;
};

/// A fixed discrete distribution sampled in O(1) per draw with Walker's alias method, built by
/// Vose's numerically stable construction in O(n). Holds n doubles and n indices.
class DiscreteDistribution {
 public:
  /// Index i is drawn with probability weights[i] / sum(weights); zero-weight indices never.
  /// Preconditions: weights non-empty, each finite and >= 0, sum positive and finite.
  explicit DiscreteDistribution(std::span<const double> weights);

  /// One index in [0, size()): two uniforms from `stream`. O(1).
  std::size_t sample(RandomStream& stream) const;
  /// The number of categories (weights given, including zero ones).
  std::size_t size() const { return table_.size(); }

 private:
  struct Column {
    double keep_probability;  ///< chance of returning the column's own index
    std::size_t alias;        ///< the index returned otherwise
  };
  std::vector<Column> table_;
};

/// Parameters (mu, sigma) of the underlying normal of a lognormal.
struct LognormalParams {
  double mu;
  double sigma;
};

/// The lognormal with mean `mean` and coefficient of variation `cv` (stddev / mean):
/// sigma^2 = ln(1 + cv^2), mu = ln(mean) - sigma^2 / 2. cv = 0 gives the constant `mean`.
/// Preconditions: mean > 0 and finite, cv >= 0 and finite.
LognormalParams lognormal_from_mean_cv(double mean, double cv);

namespace detail {
/// ln(k!) for an integral k >= 0 (exact table below 10, Stirling series above: absolute error
/// below 1e-12). PTRS's acceptance test; declared here so tests can pin its accuracy.
double log_factorial(double k);
}  // namespace detail

}  // namespace capsim
