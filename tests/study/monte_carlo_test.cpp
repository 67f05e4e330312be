// Monte Carlo replications against exact theory: a triangular construction time, a sum of
// uniform slips, a correlated group, a rank correlation between groups, and point
// distributions that reproduce the deterministic run.

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <numeric>

#include "../scratch_folder.hpp"
#include "capsim/study/monte_carlo.hpp"
#include "capsim/study/monte_carlo_report.hpp"
#include "capsim/uncertainty/statistics.hpp"

namespace capsim {

namespace {

/// A month as the loader reads "1 months": a Julian year / 12, in days.
constexpr double kDaysPerMonth = 365.25 / 12.0;

/// A scenario of sites that only build: no GPUs, no failures, so every spread comes from the
/// construction tasks. `sites` is the YAML of the sites list's entries.
std::string building_scenario(const std::string& sites, const std::string& more = "") {
  return "scenario:\n"
         "  name: building\n"
         "  start: 2025-01-01\n"
         "  horizon: \"6 y\"\n"
         "  reporting_period: quarter\n"
         "  seed: 11\n"
         "sites:\n" +
         sites + more;
}

study::MonteCarloStudy study_of(const test::ScratchFolder& folder, const std::string& yaml,
                                std::uint64_t replications, std::vector<study::Replication>& reps,
                                unsigned threads = 2) {
  const auto path = folder.path() / "scenario.yaml";
  std::ofstream(path) << yaml;
  study::MonteCarloOptions options;
  options.replications = replications;
  options.threads = threads;
  study::MonteCarloStudy study = study::prepare_study(path.string(), {}, options);
  reps = study::run_replications(study, options);
  return study;
}

/// Each replication's day its site `s` had all its power online.
std::vector<double> online_days(const std::vector<study::Replication>& reps, std::size_t s) {
  std::vector<double> days;
  for (const study::Replication& rep : reps) {
    REQUIRE(rep.site_power_online_day[s].has_value());
    days.push_back(*rep.site_power_online_day[s]);
  }
  return days;
}

}  // namespace

TEST_CASE(
    "monte carlo: a site whose only task is triangular comes online at the analytic "
    "median and mean") {
  const test::ScratchFolder folder("mc_triangular");
  std::vector<study::Replication> reps;
  const auto study = study_of(folder,
                              building_scenario("  - name: s\n"
                                                "    it_power_cap: \"10 MW\"\n"
                                                "    construction_start: 2025-01-01\n"
                                                "    construction:\n"
                                                "      - {name: build, duration: \"9 months ~ "
                                                "triangular(6, 9, 18)\"}\n"
                                                "    phases:\n"
                                                "      - {it_power: \"10 MW\", ready_after: "
                                                "build}\n"),
                              2000, reps);
  REQUIRE(study.scenario.inputs.size() == 1);
  std::vector<double> months = online_days(reps, 0);
  for (double& day : months)
    day /= kDaysPerMonth;
  std::sort(months.begin(), months.end());
  // triangular(a = 6, b = 9, c = 18): mean (a + b + c) / 3 = 11 months; the median lies above
  // the mode since (b - a) / (c - a) = 0.25 < 0.5: c - sqrt((c - a)(c - b) / 2) = 18 - sqrt(54)
  // = 10.65153 months. sd = sqrt((a² + b² + c² - ab - ac - bc) / 18) = sqrt(6.5) = 2.5495.
  // Monte Carlo standard errors at n = 2000: mean 2.5495 / sqrt(2000) = 0.0570 months; median
  // 1 / (2 f(m) sqrt(n)) with f(m) = 2 (c - m) / ((c - a)(c - b)) = 0.13608: 0.0822 months.
  // Tolerances are 4 standard errors.
  MESSAGE("triangular(6, 9, 18) months: mean ", uncertainty::mean(months), " (11), median ",
          uncertainty::sorted_quantile(months, 0.5), " (10.65153)");
  CHECK(std::abs(uncertainty::mean(months) - 11.0) < 4 * 0.0570);
  CHECK(std::abs(uncertainty::sorted_quantile(months, 0.5) - (18.0 - std::sqrt(54.0))) <
        4 * 0.0822);
  // The support is exact: no draw outside [6, 18] months.
  CHECK(months.front() >= 6.0);
  CHECK(months.back() <= 18.0);
}

TEST_CASE("monte carlo: a sum of independent uniform slips has the variance of the sum") {
  const test::ScratchFolder folder("mc_uniform_sum");
  std::vector<study::Replication> reps;
  const auto study =
      study_of(folder,
               building_scenario("  - name: s\n"
                                 "    it_power_cap: \"10 MW\"\n"
                                 "    construction_start: 2025-01-01\n"
                                 "    construction:\n"
                                 "      - {name: a, duration: \"6 months ~ uniform(4, 8)\"}\n"
                                 "      - {name: b, duration: \"6 months ~ uniform(4, 8)\", "
                                 "after: [a]}\n"
                                 "      - {name: c, duration: \"6 months ~ uniform(4, 8)\", "
                                 "after: [b]}\n"
                                 "    phases:\n"
                                 "      - {it_power: \"10 MW\", ready_after: c}\n"),
               2000, reps);
  REQUIRE(study.scenario.inputs.size() == 3);
  std::vector<double> months = online_days(reps, 0);
  for (double& day : months)
    day /= kDaysPerMonth;
  // Three independent uniform(4, 8): each variance (8 - 4)² / 12 = 4/3, the sum's 4 months²,
  // its mean 18 months. The sample variance's standard error: sigma⁴ (2 / (n - 1) + kappa / n)
  // with the sum's excess kurtosis kappa = -1.2 / 3 = -0.4: 16 (2 / 1999 - 0.4 / 2000) =
  // 0.0128, se 0.113 months². Tolerance 4 standard errors.
  const double sd = uncertainty::sample_sd(months);
  MESSAGE("sum of three uniform(4, 8) months: variance ", sd * sd, " (4), mean ",
          uncertainty::mean(months), " (18)");
  CHECK(std::abs(sd * sd - 4.0) < 4 * 0.113);
  CHECK(std::abs(uncertainty::mean(months) - 18.0) < 4 * std::sqrt(4.0 / 2000.0));
}

TEST_CASE("monte carlo: a group moves together, and a rank correlation between groups holds") {
  const test::ScratchFolder folder("mc_groups");
  const std::string site =
      "    it_power_cap: \"10 MW\"\n"
      "    construction_start: 2025-01-01\n"
      "    phases:\n"
      "      - {it_power: \"10 MW\", ready_after: build}\n";
  std::vector<study::Replication> reps;
  const auto study = study_of(
      folder,
      building_scenario(
          "  - name: east\n" + site +
              "    construction:\n"
              "      - {name: build, duration: \"12 months ~ triangular(10, 12, 20) group "
              "utility\"}\n"
              "  - name: west\n" +
              site +
              "    construction:\n"
              "      - {name: build, duration: {dist: lognormal, median: \"20 months\", p90: "
              "\"30 months\", group: utility}}\n"
              "  - name: north\n" +
              site +
              "    construction:\n"
              "      - {name: build, duration: \"12 months ~ uniform(6, 18)\"}\n",
          "uncertainty:\n"
          "  correlations:\n"
          "    - {groups: [utility, \"sites[2].construction[0].duration\"], rank: 0.6}\n"),
      2000, reps);
  const std::vector<double> east = online_days(reps, 0);
  const std::vector<double> west = online_days(reps, 1);
  const std::vector<double> north = online_days(reps, 2);
  // One draw for the group: the two sites' dates are monotone functions of one uniform.
  MESSAGE("rank correlation within a group ", uncertainty::spearman(east, west),
          " (1); between groups ", uncertainty::spearman(east, north), " (0.6)");
  CHECK(uncertainty::spearman(east, west) == doctest::Approx(1.0).epsilon(1e-12));
  // The copula's rank correlation: the standard error of Spearman's rho at n = 2000 is about
  // (1 - rho²) / sqrt(n) = 0.0143; tolerance 4 of them.
  CHECK(std::abs(uncertainty::spearman(east, north) - 0.6) < 0.06);
}

TEST_CASE("monte carlo: replications are the same at one thread and at two") {
  const test::ScratchFolder folder("mc_threads");
  const std::string yaml = building_scenario(
      "  - name: s\n"
      "    it_power_cap: \"10 MW\"\n"
      "    construction_start: 2025-01-01\n"
      "    construction:\n"
      "      - {name: build, duration: \"9 months ~ pert(6, 9, 18)\"}\n"
      "    phases:\n"
      "      - {it_power: \"10 MW\", ready_after: build}\n");
  std::vector<study::Replication> one, two;
  const auto study = study_of(folder, yaml, 64, one, 1);
  study_of(folder, yaml, 64, two, 2);
  CHECK(study::replications_csv(study, one) == study::replications_csv(study, two));
  CHECK(study::timeseries_quantiles_csv(study::timeseries_quantiles(study.layout, one)) ==
        study::timeseries_quantiles_csv(study::timeseries_quantiles(study.layout, two)));
}

TEST_CASE("monte carlo: a horizon of no tick touches no year, and its risk figures are empty") {
  // Found by the fuzzer: "0.1 us" rounds to no tick, so the run touches no calendar year and
  // the risk figures read the year list's first element past its end. A start on 1 January
  // and one mid-year give the same (empty) list.
  const test::ScratchFolder folder("mc_no_tick");
  for (const std::string start : {"2025-01-01", "2025-07-15"}) {
    CAPTURE(start);
    const std::string yaml =
        "scenario:\n"
        "  name: instant\n"
        "  start: " +
        start +
        "\n"
        "  horizon: \"0.1 us\"\n"
        "  seed: 3\n"
        "economics:\n"
        "  funds: \"$1B\"\n"
        "sites:\n"
        "  - name: s\n"
        "    it_power_cap: \"10 MW\"\n"
        "    construction_start: 2025-01-01\n"
        "    construction:\n"
        "      - {name: build, duration: \"9 months ~ pert(6, 9, 18)\"}\n"
        "    phases:\n"
        "      - {it_power: \"10 MW\", ready_after: build}\n";
    std::vector<study::Replication> reps;
    const auto study = study_of(folder, yaml, 3, reps);
    CHECK(study.layout.years.empty());
    REQUIRE(reps.size() == 3);
    const study::RiskFigures risk = study::risk_figures(study, reps);
    CHECK(risk.shortfall_by_year.empty());
    CHECK(risk.funds);
    CHECK(risk.funds_out_before_year.empty());
    REQUIRE(risk.sites.size() == 1);
    CHECK(risk.sites[0].by_year.empty());
    CHECK_FALSE(risk.sites[0].p50.has_value());
  }
}

}  // namespace capsim
