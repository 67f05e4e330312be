#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include <fmt/format.h>

#include "capsim/core/diagnostics.hpp"
#include "capsim/sweep/sensitivity.hpp"

namespace capsim::sweep {
namespace {

/// y = 3a - 0.5b exactly, on the full grid a in {1, 2, 3} x b in {10, 20}; c is constant and
/// d is text. By hand, with population standard deviations: sd(a) = sqrt(2/3), sd(b) = 5,
/// var(y) = 9 * 2/3 + 0.25 * 25 = 12.25, sd(y) = 3.5, so the standardised coefficients are
/// 3 * sqrt(2/3) / 3.5 = 0.699854... and -0.5 * 5 / 3.5 = -0.714285...
std::string hand_built_runs() {
  std::string text = "run_id,point,replication,a,b,c,d,seed,y,flat\n";
  int id = 0;
  for (const int a : {1, 2, 3}) {
    for (const int b : {10, 20}) {
      text += fmt::format("{},{},0,{},{} MW,7,x{},{},{},42\n", id, id, a, b, a, 1000 + id,
                          3 * a - 0.5 * b);
      ++id;
    }
  }
  return text;
}

TEST_CASE("sensitivity: standardised coefficients of an exact linear model, by hand") {
  const Sensitivity result = analyze_runs(parse_runs_csv(hand_built_runs(), "runs.csv"));
  REQUIRE(result.outputs.size() == 2);
  const OutputSensitivity& y = result.outputs[0];
  CHECK(y.output == "y");
  CHECK(y.runs == 6);
  CHECK(y.note.empty());
  CHECK(y.r_squared == doctest::Approx(1.0).epsilon(1e-12));
  REQUIRE(y.ranked.size() == 2);
  // b moves y more than a, so it ranks first.
  CHECK(y.ranked[0].input == "b");
  CHECK(y.ranked[0].standardised == doctest::Approx(-0.5 * 5.0 / 3.5).epsilon(1e-12));
  CHECK(y.ranked[1].input == "a");
  CHECK(y.ranked[1].standardised ==
        doctest::Approx(3.0 * std::sqrt(2.0 / 3.0) / 3.5).epsilon(1e-12));
  // A constant output is reported, not a NaN.
  CHECK(result.outputs[1].output == "flat");
  CHECK(result.outputs[1].ranked.empty());
  CHECK(result.outputs[1].note == "constant: nothing to explain");
  // A constant input and a text input are left out, with why.
  REQUIRE(result.excluded_inputs.size() == 2);
  CHECK(result.excluded_inputs[0] == std::pair<std::string, std::string>{"c", "constant"});
  CHECK(result.excluded_inputs[1] == std::pair<std::string, std::string>{"d", "not numeric"});
}

TEST_CASE("sensitivity: the CSV lists each output's ranking, exclusions and notes") {
  const std::string csv =
      sensitivity_csv(analyze_runs(parse_runs_csv(hand_built_runs(), "runs.csv")));
  CHECK(csv.rfind("output,rank,input,standardised_coefficient,r_squared,runs,note\n"
                  "y,1,b,-0.71428571428",
                  0) == 0);
  CHECK(csv.find("y,2,a,0.69985") != std::string::npos);
  CHECK(csv.find("y,,c,,,6,constant\n") != std::string::npos);
  CHECK(csv.find("y,,d,,,6,not numeric\n") != std::string::npos);
  CHECK(csv.find("flat,,,,,6,constant: nothing to explain\n") != std::string::npos);
}

TEST_CASE("sensitivity: noise lowers R² below 1 and an irrelevant input ranks last") {
  std::string text = "run_id,point,replication,a,noise_input,seed,y\n";
  // y depends on a only; noise_input is uncorrelated with a by construction but adds nothing.
  const double noise[] = {0.3, -0.2, 0.1, -0.4, 0.25, -0.05, 0.15, -0.1};
  for (int i = 0; i < 8; ++i) {
    const int a = i % 4;
    const int z = (i / 4) * 2 - 1;
    text += fmt::format("{},{},0,{},{},1,{}\n", i, i, a, z, 2.0 * a + noise[i]);
  }
  const Sensitivity result = analyze_runs(parse_runs_csv(text, "runs.csv"));
  const OutputSensitivity& y = result.outputs.at(0);
  CHECK(y.r_squared < 1.0);
  CHECK(y.r_squared > 0.9);
  CHECK(y.ranked.at(0).input == "a");
  CHECK(std::abs(y.ranked.at(1).standardised) < 0.2);
}

TEST_CASE("sensitivity: a file that is not a runs.csv is refused with its place") {
  CHECK_THROWS_WITH_AS(parse_runs_csv("a,b\n1,2\n", "x.csv"),
                       "x.csv:1:1: expected the header of a sweep's runs.csv (run_id, point, "
                       "replication, parameters, seed, figures), found another",
                       InputError);
  CHECK_THROWS_WITH_AS(parse_runs_csv("run_id,point,replication,seed,y\n0,0,0,1\n", "r.csv"),
                       "r.csv:2:1: expected 5 fields as in the header, found 4", InputError);
  CHECK_THROWS_WITH_AS(
      analyze_runs(parse_runs_csv("run_id,point,replication,seed,y\n0,0,0,1,2\n", "r.csv")),
      "<input>: expected at least 2 runs to analyse, found 1", InputError);
}

TEST_CASE("sensitivity: collinear inputs or too few runs give a note, not a ranking") {
  // b = 2a on every run: the regression cannot tell a from b.
  std::string text = "run_id,point,replication,a,b,c,seed,y\n";
  const double c[] = {1, 5, 2, 8, 3, 9, 4};
  for (int i = 0; i < 7; ++i)
    text += fmt::format("{},{},0,{},{},{},1,{}\n", i, i, i, 2 * i, c[i], 3.0 * i + c[i]);
  Sensitivity result = analyze_runs(parse_runs_csv(text, "runs.csv"));
  REQUIRE(result.outputs.size() == 1);
  CHECK(result.outputs[0].ranked.empty());
  CHECK(result.outputs[0].note ==
        "not ranked: the 3 varying inputs are linearly dependent (rank 2): vary them "
        "independently");
  CHECK(sensitivity_csv(result).find(
            "y,,,,,7,not ranked: the 3 varying inputs are linearly dependent") !=
        std::string::npos);
  // 3 runs for 2 inputs fit exactly, whatever the data: R² = 1 says nothing.
  text = "run_id,point,replication,a,b,seed,y\n0,0,0,1,5,1,3\n1,1,0,2,3,1,8\n2,2,0,4,4,1,1\n";
  result = analyze_runs(parse_runs_csv(text, "runs.csv"));
  CHECK(result.outputs[0].ranked.empty());
  CHECK(result.outputs[0].note ==
        "not ranked: expected more than 3 runs for 2 varying inputs (inputs + 1), found 3");
}

TEST_CASE("sensitivity: inputs of equal effect rank by name") {
  // y = alpha + zeta on a balanced 2 x 2 grid, replicated: |beta_alpha| = |beta_zeta|, though
  // the QR gives zeta's a last bit more (0.7071067811865475 against ...474).
  std::string text = "run_id,point,replication,alpha,zeta,seed,y\n";
  int id = 0;
  for (int r = 0; r < 2; ++r) {
    for (const int z : {0, 1}) {
      for (const int a : {0, 1}) {
        text += fmt::format("{},{},{},{},{},1,{}\n", id, id / 2, r, a, z, z + a);
        ++id;
      }
    }
  }
  const Sensitivity result = analyze_runs(parse_runs_csv(text, "runs.csv"));
  REQUIRE(result.outputs.at(0).ranked.size() == 2);
  CHECK(result.outputs[0].ranked[0].input == "alpha");
  CHECK(result.outputs[0].ranked[1].input == "zeta");
}

}  // namespace
}  // namespace capsim::sweep
