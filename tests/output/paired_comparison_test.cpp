// Paired comparison of replications, worked by hand: the difference's quantiles, the
// probability of "greater" with ties counted half, gaps, the table, the words and the CSV.

#include "capsim/output/paired_comparison.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <optional>
#include <string>
#include <vector>

namespace capsim::output {
namespace {

constexpr std::optional<double> kNone = std::nullopt;

// Four replications. "x": base 1, 2, 3, 4 against b 2, 2, 5, 4: differences 1, 0, 2, 0.
// "gap": replication 1 of the baseline and replication 3 of b lack it, so two pairs remain.
// "only_b": the baseline never reports it.
std::vector<SampledRun> two_runs() {
  return {{"base", {{"x", {1.0, 2.0, 3.0, 4.0}}, {"gap", {10.0, kNone, 30.0, 40.0}}}},
          {"b",
           {{"x", {2.0, 2.0, 5.0, 4.0}},
            {"gap", {5.0, 6.0, 35.0, kNone}},
            {"only_b", {1.0, 1.0, 1.0, 1.0}}}}};
}

TEST_CASE("paired comparison: the difference's distribution and P(greater), ties half") {
  const PairedComparison paired = pair_runs(two_runs());
  CHECK(paired.labels == std::vector<std::string>{"base", "b"});
  REQUIRE(paired.rows.size() == 3);
  const PairedRow& x = paired.rows[0];
  CHECK(x.figure == "x");
  CHECK_FALSE(x.differences[0].has_value());  // the baseline against itself: nothing
  REQUIRE(x.differences[1].has_value());
  const PairedDifference& d = *x.differences[1];
  CHECK(d.difference.count == 4);
  // Differences 1, 0, 2, 0: greater in 2 pairs, tied in 2: (2 + 2 / 2) / 4 = 0.75.
  CHECK(d.probability_greater == 0.75);
  CHECK(d.probability_equal == 0.5);
  CHECK(d.difference.mean == 0.75);
  // Sorted 0, 0, 1, 2; type 7 puts p at index (n - 1) p = 3p: P10 at 0.3 (0), P50 at 1.5
  // (0 + 0.5 x 1 = 0.5), P90 at 2.7 (1 + 0.7 x 1 = 1.7).
  CHECK(d.difference.p10 == 0.0);
  CHECK(d.difference.p50 == 0.5);
  CHECK(d.difference.p90 == doctest::Approx(1.7).epsilon(1e-15));
  CHECK(d.difference.min == 0.0);
  CHECK(d.difference.max == 2.0);
  // Sample sd of 0, 0, 1, 2 about 0.75: (0.5625 x 2 + 0.0625 + 1.5625) / 3 = 0.91667.
  CHECK(d.difference.sd == doctest::Approx(std::sqrt(2.75 / 3.0)).epsilon(1e-15));
  // Each marginal is its own: base 1..4 (P50 2.5), b 2, 2, 4, 5 (P50 3).
  CHECK(x.marginals[0]->p50 == 2.5);
  CHECK(x.marginals[1]->p50 == 3.0);
}

TEST_CASE("paired comparison: only replications where both report a figure are paired") {
  const PairedComparison paired = pair_runs(two_runs());
  const PairedRow& gap = paired.rows[1];
  // Pairs: replication 0 (5 - 10 = -5) and 2 (35 - 30 = +5); 1 and 3 each lack one side.
  REQUIRE(gap.differences[1].has_value());
  CHECK(gap.differences[1]->difference.count == 2);
  CHECK(gap.differences[1]->probability_greater == 0.5);
  CHECK(gap.differences[1]->difference.mean == 0.0);
  CHECK(gap.marginals[0]->count == 3);  // each marginal over its own reports
  CHECK(gap.marginals[1]->count == 3);
  const PairedRow& only_b = paired.rows[2];
  CHECK(only_b.figure == "only_b");
  CHECK_FALSE(only_b.marginals[0].has_value());
  CHECK_FALSE(only_b.differences[1].has_value());
}

TEST_CASE("paired comparison: shares never round to 0% or 100% unless they are") {
  CHECK(format_share(0.0) == "0%");
  CHECK(format_share(1.0) == "100%");
  CHECK(format_share(0.834) == "83%");
  CHECK(format_share(0.999) == ">99%");
  CHECK(format_share(0.004) == "<1%");
  CHECK(format_share(0.5) == "50%");
}

TEST_CASE("paired comparison: the table, the words and the long CSV") {
  const PairedComparison paired = pair_runs(two_runs());
  // Marginals by hand (type 7): x base 1..4 -> 1.3, 2.5, 3.7; b 2, 2, 4, 5 -> 2, 3, 4.7;
  // gap base 10, 30, 40 -> 14, 30, 38; b 5, 6, 35 -> 5.2, 6, 29.2; differences -5, +5 ->
  // -4, 0, +4.
  CHECK(paired_table(paired, TableStyle::wide) ==
        "figure  input  base P10  base P50  base P90  P10  P50   P90  diff mean  diff P10  "
        "diff P50  diff P90  P(> base)\n"
        "x           b       1.3       2.5       3.7    2    3   4.7      +0.75         0      "
        "+0.5      +1.7        75%\n"
        "gap         b        14        30        38  5.2    6  29.2          0        -4       "
        "  0        +4        50%\n"
        "only_b      b                                  1    1     1\n");
  CHECK(paired_sentences(paired) ==
        "x: b > base in 75% of draws, b = base in 50% of them, counted half (b - base: mean "
        "+0.75, P10 0, P50 +0.5, P90 +1.7)\n"
        "gap: b > base in 50% of draws (b - base: mean 0, P10 -4, P50 0, P90 +4)\n");
  const std::string csv = paired_csv(paired).str();
  CHECK(csv.rfind("figure,input,statistic,value\n"
                  "x,base,count,4\nx,base,mean,2.5\n",
                  0) == 0);
  CHECK(csv.find("x,b,pairs,4\nx,b,difference_mean,0.75\n") != std::string::npos);
  CHECK(csv.find("x,b,probability_greater,0.75\nx,b,probability_equal,0.5\n") != std::string::npos);
  CHECK(csv.find("only_b,base,") == std::string::npos);
  CHECK(csv.find("only_b,b,p50,1\n") != std::string::npos);
  CHECK(csv.find("only_b,b,pairs") == std::string::npos);
}

}  // namespace
}  // namespace capsim::output
