#include <doctest/doctest.h>

#include "refusal.hpp"

#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "capsim/engine/random.hpp"
#include "capsim/uncertainty/copula.hpp"
#include "capsim/uncertainty/statistics.hpp"

namespace capsim::uncertainty {
namespace {

using Values = std::vector<double>;

/// `draws` rounds of one uniform per group, each group from its own named stream (as a Monte
/// Carlo replication draws them), through the copula. Columns: one per group.
std::vector<Values> correlated_columns(const GaussianCopula& copula, std::size_t draws,
                                       std::vector<Values>* independent = nullptr) {
  std::vector<RandomStream> streams;
  for (std::size_t g = 0; g < copula.groups(); ++g)
    streams.emplace_back(2025, 0, "group-" + std::to_string(g));
  std::vector<Values> columns(copula.groups()), before(copula.groups());
  for (std::size_t i = 0; i < draws; ++i) {
    Values uniforms;
    for (RandomStream& stream : streams)
      uniforms.push_back(stream.uniform01());
    const Values correlated = copula.correlate(uniforms);
    for (std::size_t g = 0; g < copula.groups(); ++g) {
      columns[g].push_back(correlated[g]);
      before[g].push_back(uniforms[g]);
    }
  }
  if (independent)
    *independent = before;
  return columns;
}

using uncertainty::test::refusal;

TEST_CASE("copula: the Pearson correlation of a rank correlation") {
  // 2 sin(pi * 0.6 / 6) = 2 sin(18 degrees) = (sqrt 5 - 1) / 2, the golden ratio's inverse.
  CHECK(pearson_of_rank(0.6) == doctest::Approx((std::sqrt(5.0) - 1.0) / 2.0).epsilon(1e-15));
  // 2 sin(pi / 12) = (sqrt 6 - sqrt 2) / 2 = 0.5176380902050415.
  CHECK(pearson_of_rank(0.5) ==
        doctest::Approx((std::sqrt(6.0) - std::sqrt(2.0)) / 2.0).epsilon(1e-15));
  CHECK(pearson_of_rank(-0.5) == -pearson_of_rank(0.5));
  CHECK(pearson_of_rank(1.0) == 1.0);
  CHECK(pearson_of_rank(-1.0) == -1.0);
  CHECK(pearson_of_rank(0.0) == 0.0);
}

TEST_CASE("copula: 20,000 pairs of rank correlation 0.6 keep it, and uniform marginals") {
  // Groups a and b at rank 0.6; c in no pair.
  const GaussianCopula copula({"a", "b", "c"}, {{0, 1, 0.6}});
  CHECK(copula.correlated(0));
  CHECK(copula.correlated(1));
  CHECK_FALSE(copula.correlated(2));
  std::vector<Values> independent;
  const std::vector<Values> u = correlated_columns(copula, 20000, &independent);
  // The sample Spearman correlation of n pairs has a standard deviation of at most about
  // 1 / sqrt(n - 1) = 0.0071 (its exact value under independence; it shrinks as |rho| grows,
  // to roughly (1 - rho^2) / sqrt(n) = 0.0045 at 0.6 for a normal pair): 0.02 is at least 2.8
  // of the larger figure.
  CHECK(std::abs(spearman(u[0], u[1]) - 0.6) < 0.02);
  CHECK(std::abs(spearman(u[0], u[2])) < 0.02);  // c stays independent of a and b
  CHECK(std::abs(spearman(u[1], u[2])) < 0.02);
  // Marginals stay uniform: mean 1/2 with a standard error of sqrt(1/12 / 20000) = 0.002, and
  // the 10th and 90th percentiles at 0.1 and 0.9 within 0.01 (their standard errors are
  // sqrt(0.09 / 20000) = 0.0021): 5 and 4.7 standard errors.
  for (std::size_t g = 0; g < 2; ++g) {
    CAPTURE(g);
    CHECK(std::abs(mean(u[g]) - 0.5) < 0.01);
    CHECK(std::abs(sample_quantile(u[g], 0.1) - 0.1) < 0.01);
    CHECK(std::abs(sample_quantile(u[g], 0.9) - 0.9) < 0.01);
  }
  // A group in no pair gets its own uniform back, bit for bit, in every draw.
  CHECK(u[2] == independent[2]);
}

TEST_CASE("copula: the rank correlation is 2 sin(pi rho / 6)'s, not rho's as a Pearson r") {
  // Taking rho itself as the normals' Pearson r would give a Spearman correlation of
  // (6 / pi) asin(0.6 / 2) = 0.5822, 0.018 below 0.6: more than 0.02's resolution at 20,000
  // pairs can tell. At 200,000 the standard deviation is about (1 - 0.36) / sqrt(200000) =
  // 0.0014, so 0.005 is 3.5 of them and the wrong mapping 13 away.
  const GaussianCopula copula({"a", "b"}, {{0, 1, 0.6}});
  const std::vector<Values> u = correlated_columns(copula, 200000);
  CHECK(std::abs(spearman(u[0], u[1]) - 0.6) < 0.005);
}

TEST_CASE("copula: rank 1 gives identical ranks, rank -1 mirrored ones") {
  const GaussianCopula same({"a", "b"}, {{0, 1, 1.0}});
  const std::vector<Values> u = correlated_columns(same, 2000);
  CHECK(ranks(u[0]) == ranks(u[1]));
  CHECK(u[0] == u[1]);  // one normal score drives both
  CHECK(spearman(u[0], u[1]) == 1.0);

  const GaussianCopula mirrored({"a", "b"}, {{0, 1, -1.0}});
  const std::vector<Values> m = correlated_columns(mirrored, 2000);
  const Values ra = ranks(m[0]), rb = ranks(m[1]);
  bool mirror = true;
  for (std::size_t i = 0; i < ra.size(); ++i)
    mirror = mirror && ra[i] + rb[i] == 2001.0;  // rank k against rank n + 1 - k
  CHECK(mirror);

  // A third group correlated 0.5 with both members of a rank-1 pair is consistent (the pair is
  // one variable): the semi-definite matrix is accepted, and the pair still moves as one.
  const GaussianCopula three({"a", "b", "c"}, {{0, 1, 1.0}, {0, 2, 0.5}, {1, 2, 0.5}});
  const std::vector<Values> t = correlated_columns(three, 2000);
  CHECK(t[0] == t[1]);
  CHECK(std::abs(spearman(t[0], t[2]) - 0.5) < 0.05);  // n = 2000: 1 / sqrt(1999) = 0.022
}

TEST_CASE("copula: correlations no joint distribution has are refused, naming the pairs") {
  // a-b 0.9, b-c 0.9 but a-c -0.9: Pearson r = 2 sin(0.15 pi) = 0.908 each; the determinant
  // 1 - 2 r^3 - 3 r^2 = 1 - 1.497 - 2.473 < 0 (with the sign of a-c: 1 + 2 r^2 (-r) - 3 r^2).
  // d's pair with a is fine, so it is left out of the message: the three pairs are the
  // smallest set at fault.
  CHECK(
      refusal([] {
        GaussianCopula({"a", "b", "c", "d"}, {{0, 1, 0.9}, {1, 2, 0.9}, {0, 3, 0.3}, {0, 2, -0.9}});
      }) ==
      "the correlations are not consistent: the matrix is not positive definite: no joint "
      "distribution has the rank correlations (a, b) 0.9, (b, c) 0.9, (a, c) -0.9 together; "
      "weaken one of them");
  // A rank-1 pair is one variable: c cannot be 0.5 with one and -0.5 with the other.
  CHECK(
      refusal([] {
        GaussianCopula({"gpu-prices", "power", "build"}, {{0, 1, 1.0}, {0, 2, 0.5}, {1, 2, -0.5}});
      }) ==
      "the correlations are not consistent: the matrix is not positive definite: no joint "
      "distribution has the rank correlations (gpu-prices, power) 1, (gpu-prices, build) 0.5, "
      "(power, build) -0.5 together; weaken one of them");
  CHECK(refusal([] {
          GaussianCopula(3, {{0, 1, 0.9}, {1, 2, 0.9}, {0, 2, -0.9}});
        }) ==
        "the correlations are not consistent: the matrix is not positive definite: no joint "
        "distribution has the rank correlations (#1, #2) 0.9, (#2, #3) 0.9, (#1, #3) -0.9 "
        "together; weaken one of them");
  CHECK(refusal([] {
          GaussianCopula({"a", "b"}, {{0, 1, 1.5}});
        }) == "expected a rank correlation in [-1, 1], found 1.5 for (a, b)");
  CHECK(refusal([] {
          GaussianCopula({"a", "b"}, {{0, 1, std::nan("")}});
        }) == "expected a rank correlation in [-1, 1], found nan for (a, b)");
  CHECK(refusal([] {
          GaussianCopula({"a", "b"}, {{1, 1, 0.5}});
        }) == "expected a correlation between two different groups, found (b, b)");
  CHECK(refusal([] {
          GaussianCopula({"a", "b"}, {{0, 1, 0.5}, {1, 0, 0.2}});
        }) == "expected each pair of groups once, found (b, a) twice");
  CHECK(refusal([] {
          GaussianCopula({"a", "b"}, {{0, 2, 0.5}});
        }) == "copula: a pair names group 2 of 2");
  const GaussianCopula copula({"a", "b"}, {{0, 1, 0.5}});
  CHECK(refusal([&] { copula.correlate({0.5}); }) ==
        "copula: expected 2 uniforms, one per group, found 1");
}

TEST_CASE("copula: the ends of [0, 1] map inside (0, 1), and a rank of 0 changes nothing") {
  const GaussianCopula copula({"a", "b"}, {{0, 1, 0.6}});
  for (const Values& uniforms : {Values{0.0, 0.0}, Values{1.0, 1.0}, Values{0.0, 1.0}}) {
    const Values u = copula.correlate(uniforms);
    for (const double v : u) {
      CHECK(v > 0.0);
      CHECK(v < 1.0);
    }
  }
  // The median of both maps to the median: z = 0 in, L z = 0 out.
  CHECK(copula.correlate({0.5, 0.5}) == Values{0.5, 0.5});
  const GaussianCopula zero({"a", "b"}, {{0, 1, 0.0}});
  CHECK_FALSE(zero.correlated(0));
  CHECK(zero.correlate({0.3, 0.1 + 0.2}) == Values{0.3, 0.1 + 0.2});
}

}  // namespace
}  // namespace capsim::uncertainty
