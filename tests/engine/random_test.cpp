#include "capsim/engine/random.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include <doctest/doctest.h>

namespace capsim {
namespace {

constexpr int kDraws = 1'000'000;
constexpr double kRelativeTolerance = 0.01;

struct Moments {
  double mean;
  double variance;
};

// Welford's update: a plain sum of squares loses digits at means like 1000.
template <typename Draw>
Moments sample_moments(Draw draw, int count = kDraws) {
  double mean = 0.0;
  double m2 = 0.0;
  for (int i = 1; i <= count; ++i) {
    const double x = static_cast<double>(draw());
    const double delta = x - mean;
    mean += delta / i;
    m2 += delta * (x - mean);
  }
  return {mean, m2 / (count - 1)};
}

void check_relative(double actual, double expected, const char* what) {
  INFO(what << ": actual " << actual << ", expected " << expected);
  CHECK(std::abs(actual - expected) <= kRelativeTolerance * std::abs(expected));
}

void check_moments(const Moments& moments, double mean, double variance) {
  check_relative(moments.mean, mean, "mean");
  check_relative(moments.variance, variance, "variance");
}

std::vector<std::uint64_t> first_values(RandomStream stream, int count) {
  std::vector<std::uint64_t> values(static_cast<std::size_t>(count));
  for (auto& value : values)
    value = stream.next_u64();
  return values;
}

// Pearson chi-square of Poisson(mean) draws against the exact pmf, over mean +- 5 sd with both
// tails lumped into the end bins. A normal approximation, even rounded, fails it at 10^6 draws.
double poisson_chi_square(double mean, std::uint64_t seed, int* degrees_of_freedom) {
  const double sd = std::sqrt(mean);
  const auto low = static_cast<std::int64_t>(std::max(0.0, std::floor(mean - 5.0 * sd)));
  const auto high = static_cast<std::int64_t>(std::ceil(mean + 5.0 * sd));
  std::vector<double> observed(static_cast<std::size_t>(high - low + 1), 0.0);
  RandomStream stream(seed);
  for (int i = 0; i < kDraws; ++i) {
    auto k = static_cast<std::int64_t>(stream.poisson(mean));
    k = std::clamp(k, low, high);
    observed[static_cast<std::size_t>(k - low)] += 1.0;
  }
  auto pmf = [mean](std::int64_t k) {
    const double kd = static_cast<double>(k);
    return std::exp(kd * std::log(mean) - mean - std::lgamma(kd + 1.0));
  };
  double below = 0.0;  // P(X <= low)
  for (std::int64_t k = 0; k <= low; ++k)
    below += pmf(k);
  double chi_square = 0.0;
  double inner = 0.0;
  for (std::int64_t k = low; k <= high; ++k) {
    double p = 0.0;
    if (k == low) {
      p = below;
    } else if (k == high) {
      p = 1.0 - below - inner;
    } else {
      p = pmf(k);
      inner += p;
    }
    const double expected = p * kDraws;
    const double diff = observed[static_cast<std::size_t>(k - low)] - expected;
    chi_square += diff * diff / expected;
  }
  *degrees_of_freedom = static_cast<int>(high - low);
  return chi_square;
}

template <typename Call>
void check_throws_mentioning(Call call, const std::string& word) {
  bool threw = false;
  try {
    call();
  } catch (const std::invalid_argument& error) {
    threw = true;
    INFO("message: " << error.what());
    CHECK(std::string(error.what()).find(word) != std::string::npos);
  }
  INFO("expected std::invalid_argument mentioning '" << word << "'");
  CHECK(threw);
}

}  // namespace

TEST_CASE("random: splitmix64 and FNV-1a match their published reference values") {
  std::uint64_t state = 1234567;
  const std::uint64_t expected[] = {6457827717110365317ULL, 3203168211198807973ULL,
                                    9817491932198370423ULL, 4593380528125082431ULL,
                                    16408922859458223821ULL};
  for (const std::uint64_t value : expected)
    CHECK(splitmix64(state) == value);

  CHECK(stream_name_hash("") == 0xcbf29ce484222325ULL);
  CHECK(stream_name_hash("a") == 0xaf63dc4c8601ec8cULL);
  CHECK(stream_name_hash("foobar") == 0x85944171f73967e8ULL);
  // Bytes above 0x7f hash as unsigned whatever the signedness of char.
  CHECK(stream_name_hash("\xff") == ((0xcbf29ce484222325ULL ^ 0xffULL) * 0x100000001b3ULL));
}

TEST_CASE("random: derive_stream_seed and the first outputs of a stream are pinned") {
  // Changing any of these values changes every simulation result: update them only on purpose.
  CHECK(derive_stream_seed(42, 0, "arrivals") == 17744290600912075657ULL);
  CHECK(derive_stream_seed(42, 1, "arrivals") == 16508708772978883316ULL);
  CHECK(derive_stream_seed(42, 0, "failures") == 6596841113210857997ULL);

  RandomStream stream(42, 0, "arrivals");
  CHECK(stream.next_u64() == 10760364275147907418ULL);
  CHECK(stream.next_u64() == 11830911977211297919ULL);
  CHECK(stream.next_u64() == 11129467490668792813ULL);
}

TEST_CASE("random: the named constructor equals the direct seed of derive_stream_seed") {
  const RandomStream named(7, 3, "training.failures");
  const RandomStream direct(derive_stream_seed(7, 3, "training.failures"));
  CHECK(first_values(named, 100) == first_values(direct, 100));
}

TEST_CASE("random: same seed, replication and name reproduce the first 1000 values") {
  RandomStream first(2025, 4, "inference.demand");
  RandomStream second(2025, 4, "inference.demand");
  for (int i = 0; i < 1000; ++i) {
    INFO("draw " << i);
    // Mix samplers, so the normal cache and rejection loops are part of the check.
    switch (i % 4) {
      case 0:
        REQUIRE(first.next_u64() == second.next_u64());
        break;
      case 1:
        REQUIRE(first.exponential(0.25) == second.exponential(0.25));
        break;
      case 2:
        REQUIRE(first.normal(1.0, 3.0) == second.normal(1.0, 3.0));
        break;
      default:
        REQUIRE(first.poisson(40.0) == second.poisson(40.0));
        break;
    }
  }
}

TEST_CASE("random: a different name, replication or scenario seed gives a different sequence") {
  const auto base = first_values(RandomStream(11, 0, "fleet"), 1000);
  const auto other_name = first_values(RandomStream(11, 0, "fleet2"), 1000);
  const auto other_replication = first_values(RandomStream(11, 1, "fleet"), 1000);
  const auto other_seed = first_values(RandomStream(12, 0, "fleet"), 1000);
  for (const auto* other : {&other_name, &other_replication, &other_seed}) {
    int equal = 0;
    for (std::size_t i = 0; i < base.size(); ++i)
      equal += base[i] == (*other)[i] ? 1 : 0;
    CHECK(equal == 0);
  }
  // Replications 0..999 of one stream all get distinct seeds.
  std::vector<std::uint64_t> seeds;
  for (std::uint64_t r = 0; r < 1000; ++r)
    seeds.push_back(derive_stream_seed(11, r, "fleet"));
  std::sort(seeds.begin(), seeds.end());
  CHECK(std::adjacent_find(seeds.begin(), seeds.end()) == seeds.end());
}

TEST_CASE("random: adding a stream leaves an existing stream's sequence unchanged") {
  // Reference: the stream drawn alone.
  RandomStream alone(99, 2, "scheduler");
  std::vector<double> expected;
  for (int i = 0; i < 1000; ++i)
    expected.push_back(alone.exponential(1.5));

  // The same stream with a new component constructed and drawn from in between.
  RandomStream existing(99, 2, "scheduler");
  std::vector<double> actual;
  for (int i = 0; i < 500; ++i)
    actual.push_back(existing.exponential(1.5));
  RandomStream added(99, 2, "new_component");
  double sink = 0.0;
  for (int i = 0; i < 500; ++i) {
    sink += added.normal(0.0, 1.0) + static_cast<double>(added.poisson(25.0));
    actual.push_back(existing.exponential(1.5));
  }
  CHECK(std::isfinite(sink));
  CHECK(actual == expected);
}

TEST_CASE("random: uniform01 stays below 1 and uniform below its upper bound") {
  RandomStream stream(5);
  double lowest = 1.0;
  double highest = 0.0;
  for (int i = 0; i < kDraws; ++i) {
    const double u = stream.uniform01();
    lowest = std::min(lowest, u);
    highest = std::max(highest, u);
  }
  CHECK(lowest >= 0.0);
  CHECK(lowest < 1e-5);
  CHECK(highest < 1.0);
  CHECK(highest > 1.0 - 1e-5);
  CHECK(stream.uniform(3.0, 3.0) == 3.0);
  // One ulp wide: low + (high - low) * u rounds to high for every u > 1/2, yet the only value
  // in [low, high) is low.
  const double high = std::nextafter(1.0, 2.0);
  for (int i = 0; i < 1000; ++i)
    REQUIRE(stream.uniform(1.0, high) == 1.0);
}

TEST_CASE("random: normal caches the second deviate of each polar pair") {
  // Two normals then a raw draw must consume exactly what one normal does: the second normal
  // comes from the cache and draws no uniforms.
  RandomStream two_normals(800);
  RandomStream one_normal(800);
  const double first = two_normals.normal(0.0, 1.0);
  CHECK(first == one_normal.normal(0.0, 1.0));
  const double second = two_normals.normal(0.0, 1.0);
  CHECK(second != first);
  CHECK(two_normals.next_u64() == one_normal.next_u64());
}

TEST_CASE("random: uniform(2, 5) mean and variance") {
  RandomStream stream(101);
  check_moments(sample_moments([&] { return stream.uniform(2.0, 5.0); }), 3.5, 9.0 / 12.0);
}

TEST_CASE("random: exponential(rate 0.5) mean and variance") {
  RandomStream stream(102);
  check_moments(sample_moments([&] { return stream.exponential(0.5); }), 2.0, 4.0);
}

TEST_CASE("random: normal(10, 2) mean and variance") {
  RandomStream stream(103);
  check_moments(sample_moments([&] { return stream.normal(10.0, 2.0); }), 10.0, 4.0);
  // Symmetry: about half of the deviates on each side (the cached spare included).
  RandomStream signs(104);
  int positive = 0;
  for (int i = 0; i < kDraws; ++i)
    positive += signs.normal(0.0, 1.0) > 0.0 ? 1 : 0;
  check_relative(positive, kDraws / 2.0, "positive deviates");
}

TEST_CASE("random: lognormal(0.5, 0.4) mean and variance") {
  const double mu = 0.5;
  const double sigma = 0.4;
  const double mean = std::exp(mu + sigma * sigma / 2.0);
  const double variance = (std::exp(sigma * sigma) - 1.0) * std::exp(2.0 * mu + sigma * sigma);
  RandomStream stream(105);
  check_moments(sample_moments([&] { return stream.lognormal(mu, sigma); }), mean, variance);
}

TEST_CASE("random: weibull(shape 1.5, scale 2) mean and variance") {
  const double shape = 1.5;
  const double scale = 2.0;
  const double g1 = std::tgamma(1.0 + 1.0 / shape);
  const double g2 = std::tgamma(1.0 + 2.0 / shape);
  RandomStream stream(106);
  check_moments(sample_moments([&] { return stream.weibull(shape, scale); }), scale * g1,
                scale * scale * (g2 - g1 * g1));
}

TEST_CASE("random: log_factorial matches ln(k!) in both of its regimes") {
  for (int k = 0; k < 200; ++k) {
    CAPTURE(k);
    const double kd = static_cast<double>(k);
    CHECK(std::abs(detail::log_factorial(kd) - std::lgamma(kd + 1.0)) <= 1e-11 * (1.0 + kd));
  }
  for (const double k : {1e3, 1e6, 1e12}) {
    CAPTURE(k);
    CHECK(detail::log_factorial(k) == doctest::Approx(std::lgamma(k + 1.0)).epsilon(1e-14));
  }
}

TEST_CASE("random: poisson mean and variance in both regimes") {
  // 3 uses multiplication, 10 is PTRS's lowest mean, 30 and 1000 are well inside PTRS.
  for (const double mean : {3.0, 9.99, 10.0, 30.0, 1000.0}) {
    CAPTURE(mean);
    RandomStream stream(200 + static_cast<std::uint64_t>(mean));
    check_moments(sample_moments([&] { return stream.poisson(mean); }), mean, mean);
  }
  RandomStream stream(7);
  CHECK(stream.poisson(0.0) == 0);
}

TEST_CASE("random: poisson frequencies match the exact pmf (chi-square)") {
  // 99.99th percentile of chi-square is below df + 4.5 sqrt(2 df) for these df.
  for (const double mean : {3.0, 30.0, 1000.0}) {
    CAPTURE(mean);
    int df = 0;
    const double chi_square = poisson_chi_square(mean, 300 + static_cast<std::uint64_t>(mean), &df);
    INFO("chi-square " << chi_square << " with " << df << " degrees of freedom");
    CHECK(chi_square < df + 4.5 * std::sqrt(2.0 * df));
  }
}

TEST_CASE("random: discrete and DiscreteDistribution frequencies follow the weights") {
  const std::vector<double> weights = {1.0, 0.0, 2.0, 3.0, 4.0};
  const double total = 10.0;

  SUBCASE("RandomStream::discrete") {
    RandomStream stream(400);
    std::vector<int> counts(weights.size(), 0);
    for (int i = 0; i < kDraws; ++i)
      ++counts[stream.discrete(weights)];
    CHECK(counts[1] == 0);
    for (std::size_t i = 0; i < weights.size(); ++i) {
      if (weights[i] == 0.0)
        continue;
      CAPTURE(i);
      check_relative(counts[i], kDraws * weights[i] / total, "frequency");
    }
  }
  SUBCASE("DiscreteDistribution") {
    const DiscreteDistribution distribution(weights);
    CHECK(distribution.size() == weights.size());
    RandomStream stream(401);
    std::vector<int> counts(weights.size(), 0);
    for (int i = 0; i < kDraws; ++i)
      ++counts[distribution.sample(stream)];
    CHECK(counts[1] == 0);
    for (std::size_t i = 0; i < weights.size(); ++i) {
      if (weights[i] == 0.0)
        continue;
      CAPTURE(i);
      check_relative(counts[i], kDraws * weights[i] / total, "frequency");
    }
  }
  SUBCASE("a single positive weight is always drawn") {
    const std::vector<double> one = {0.0, 0.0, 5.0, 0.0};
    const DiscreteDistribution distribution(one);
    RandomStream stream(402);
    for (int i = 0; i < 10'000; ++i) {
      REQUIRE(stream.discrete(one) == 2);
      REQUIRE(distribution.sample(stream) == 2);
    }
  }
}

TEST_CASE("random: lognormal_from_mean_cv gives the requested mean and cv") {
  const double mean = 250.0;
  const double cv = 0.6;
  const LognormalParams params = lognormal_from_mean_cv(mean, cv);
  CHECK(params.sigma == doctest::Approx(std::sqrt(std::log(1.36))).epsilon(1e-12));
  CHECK(params.mu == doctest::Approx(std::log(250.0) - 0.5 * std::log(1.36)).epsilon(1e-12));
  RandomStream stream(500);
  const Moments moments = sample_moments([&] { return stream.lognormal(params.mu, params.sigma); });
  check_relative(moments.mean, mean, "mean");
  check_relative(std::sqrt(moments.variance) / moments.mean, cv, "cv");

  const LognormalParams constant = lognormal_from_mean_cv(3.0, 0.0);
  CHECK(constant.sigma == 0.0);
  CHECK(stream.lognormal(constant.mu, constant.sigma) == doctest::Approx(3.0).epsilon(1e-14));
}

TEST_CASE("random: precondition violations throw std::invalid_argument") {
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  constexpr double inf = std::numeric_limits<double>::infinity();
  constexpr double max = std::numeric_limits<double>::max();
  RandomStream stream(600);

  check_throws_mentioning([&] { stream.uniform(5.0, 2.0); }, "high");
  check_throws_mentioning([&] { stream.uniform(nan, 1.0); }, "low");
  check_throws_mentioning([&] { stream.uniform(0.0, inf); }, "high");
  check_throws_mentioning([&] { stream.uniform(-max, max); }, "high - low");
  for (const double rate : {0.0, -1.0, nan, inf}) {
    check_throws_mentioning([&] { stream.exponential(rate); }, "rate");
  }
  check_throws_mentioning([&] { stream.normal(0.0, -1.0); }, "stddev");
  check_throws_mentioning([&] { stream.normal(nan, 1.0); }, "mean");
  check_throws_mentioning([&] { stream.lognormal(0.0, -0.1); }, "sigma");
  check_throws_mentioning([&] { stream.lognormal(inf, 0.1); }, "mu");
  check_throws_mentioning([&] { stream.weibull(0.0, 1.0); }, "shape");
  check_throws_mentioning([&] { stream.weibull(1.0, -2.0); }, "scale");
  for (const double mean : {-1.0, nan, inf, 2e18}) {
    check_throws_mentioning([&] { stream.poisson(mean); }, "mean");
  }

  const std::vector<double> empty;
  const std::vector<double> negative = {1.0, -0.5, 2.0};
  const std::vector<double> zeros = {0.0, 0.0};
  const std::vector<double> not_a_number = {1.0, nan};
  const std::vector<double> overflowing = {max, max};
  check_throws_mentioning([&] { stream.discrete(empty); }, "empty");
  check_throws_mentioning([&] { stream.discrete(negative); }, "weight 1");
  check_throws_mentioning([&] { stream.discrete(zeros); }, "sum");
  check_throws_mentioning([&] { stream.discrete(not_a_number); }, "weight 1");
  check_throws_mentioning([&] { stream.discrete(overflowing); }, "sum");
  check_throws_mentioning([&] { DiscreteDistribution{empty}; }, "empty");
  check_throws_mentioning([&] { DiscreteDistribution{negative}; }, "weight 1");
  check_throws_mentioning([&] { DiscreteDistribution{zeros}; }, "sum");

  check_throws_mentioning([] { lognormal_from_mean_cv(0.0, 0.5); }, "mean");
  check_throws_mentioning([] { lognormal_from_mean_cv(1.0, -0.1); }, "cv");
  check_throws_mentioning([] { lognormal_from_mean_cv(1.0, nan); }, "cv");
}

TEST_CASE("random: a rejected call draws nothing from the stream") {
  RandomStream used(700);
  RandomStream untouched(700);
  CHECK_THROWS_AS(used.exponential(-1.0), std::invalid_argument);
  CHECK_THROWS_AS(used.poisson(std::numeric_limits<double>::quiet_NaN()), std::invalid_argument);
  CHECK(first_values(used, 10) == first_values(untouched, 10));
}

}  // namespace capsim
