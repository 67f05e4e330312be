#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "capsim/model/fleet/construction.hpp"

namespace capsim {
namespace {

constexpr double kWeek = 7.0 * 86'400.0;
constexpr double kDay = 86'400.0;

// The error a plan throws, or nothing (and a test failure) if it builds.
std::optional<ConstructionPlanError> plan_error(std::vector<ConstructionTask> tasks) {
  try {
    ConstructionPlan plan(std::move(tasks));
  } catch (const ConstructionPlanError& error) {
    return error;
  }
  FAIL("expected ConstructionPlanError");
  return std::nullopt;
}

// Deterministic across standard libraries, unlike std::*_distribution.
std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30U)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27U)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31U);
}

// Greenfield campus, durations in weeks:
//   permits            26                                   ES   0  EF  26
//   grid_interconnect 128 after permits (Wood Mackenzie: large-transformer lead time, 128 weeks
//                                        when bought secondhand)                ES  26  EF 154
//   shell              40 after permits                     ES  26  EF  66
//   switchgear         48 after permits (Cushman & Wakefield 2025: 46-48 weeks) ES  26  EF  74
//   power_and_cooling  30 after shell, switchgear           ES max(66, 74) = 74 EF 104
//   fit_out            12 after power_and_cooling, grid_interconnect
//                                                           ES max(104, 154) = 154 EF 166
// Makespan 166 weeks. Critical path permits -> grid_interconnect -> fit_out (26+128+12 = 166).
// Backward pass, latest finish LF and latest start LS = LF - duration:
//   fit_out            LF 166            LS 154   slack 154 - 154 = 0
//   grid_interconnect  LF 154            LS  26   slack  26 -  26 = 0
//   power_and_cooling  LF 154            LS 124   slack 124 -  74 = 50
//   switchgear         LF 124            LS  76   slack  76 -  26 = 50
//   shell              LF 124            LS  84   slack  84 -  26 = 58
//   permits            LF min(26, 84, 76) = 26   LS 0   slack 0
std::vector<ConstructionTask> greenfield_plan() {
  return {
      {"permits", 26 * kWeek, {}},
      {"grid_interconnect", 128 * kWeek, {"permits"}},
      {"shell", 40 * kWeek, {"permits"}},
      {"switchgear", 48 * kWeek, {"permits"}},
      {"power_and_cooling", 30 * kWeek, {"shell", "switchgear"}},
      {"fit_out", 12 * kWeek, {"power_and_cooling", "grid_interconnect"}},
  };
}

TEST_CASE("construction: hand-worked greenfield plan with a diamond") {
  const ConstructionPlan plan(greenfield_plan());
  REQUIRE(plan.size() == 6);

  // The table above: earliest start, finish and slack, in weeks.
  struct Expected {
    const char* task;
    double start, finish, slack;
  };
  const Expected schedule[] = {
      {"permits", 0, 26, 0},      {"grid_interconnect", 26, 154, 0},  {"shell", 26, 66, 58},
      {"switchgear", 26, 74, 50}, {"power_and_cooling", 74, 104, 50}, {"fit_out", 154, 166, 0},
  };
  for (const Expected& expected : schedule) {
    CAPTURE(expected.task);
    CHECK(plan.earliest_start_s(expected.task) == expected.start * kWeek);
    CHECK(plan.finish_s(expected.task) == expected.finish * kWeek);
    CHECK(plan.slack_s(expected.task) == expected.slack * kWeek);
  }

  CHECK(plan.makespan_s() == 166 * kWeek);
  CHECK(plan.critical_path() ==
        std::vector<std::string>{"permits", "grid_interconnect", "fit_out"});

  // Power phases: one energised with the interconnect, one at the end of fit-out, one at start.
  CHECK(plan.phase_ready_s("grid_interconnect") == 154 * kWeek);
  CHECK(plan.phase_ready_s("fit_out") == 166 * kWeek);
  CHECK(plan.phase_ready_s("") == 0.0);
}

TEST_CASE("construction: declaration order does not change the schedule") {
  std::vector<ConstructionTask> reversed = greenfield_plan();
  std::reverse(reversed.begin(), reversed.end());
  const ConstructionPlan plan(std::move(reversed));
  CHECK(plan.makespan_s() == 166 * kWeek);
  CHECK(plan.finish_s("power_and_cooling") == 104 * kWeek);
  CHECK(plan.slack_s("shell") == 58 * kWeek);
  CHECK(plan.critical_path() ==
        std::vector<std::string>{"permits", "grid_interconnect", "fit_out"});
}

TEST_CASE("construction: an expedited interconnect moves the critical path to the diamond") {
  // Interconnect bought new at 60 weeks: EF 26 + 60 = 86 < power_and_cooling's 104, so fit_out
  // starts at 104 and finishes at 116; critical path permits -> switchgear -> power_and_cooling
  // -> fit_out (26 + 48 + 30 + 12 = 116); grid_interconnect slack 104 - 86 = 18 weeks.
  std::vector<ConstructionTask> tasks = greenfield_plan();
  tasks[1].duration_s = 60 * kWeek;
  const ConstructionPlan plan(std::move(tasks));
  CHECK(plan.makespan_s() == 116 * kWeek);
  CHECK(plan.critical_path() ==
        std::vector<std::string>{"permits", "switchgear", "power_and_cooling", "fit_out"});
  CHECK(plan.slack_s("grid_interconnect") == 18 * kWeek);
  CHECK(plan.slack_s("shell") == 8 * kWeek);  // LS 74 - 40 = 34, ES 26
  CHECK(plan.slack_s("switchgear") == 0.0);
}

TEST_CASE("construction: critical path ties go to the task declared first") {
  // land 10 d; yard and shell 5 d each after land: two equal paths of 15 d. yard is declared
  // before shell, so the path goes through yard. Two zero-length milestones after both finish
  // last at 15 d: handover, declared first, ends the path (not yard, which finishes at 15 d too
  // but has tasks waiting for it). Nothing has slack.
  const ConstructionPlan plan({
      {"land", 10 * kDay, {}},
      {"yard", 5 * kDay, {"land"}},
      {"shell", 5 * kDay, {"land"}},
      {"handover", 0.0, {"yard", "shell"}},
      {"inspection", 0.0, {"shell", "yard"}},
  });
  CHECK(plan.makespan_s() == 15 * kDay);
  CHECK(plan.critical_path() == std::vector<std::string>{"land", "yard", "handover"});
  CHECK(plan.slack_s("shell") == 0.0);
  CHECK(plan.slack_s("inspection") == 0.0);
  CHECK(plan.slack_s("land") == 0.0);
}

TEST_CASE("construction: empty plan") {
  const ConstructionPlan plan(std::vector<ConstructionTask>{});
  CHECK(plan.size() == 0);
  CHECK(plan.makespan_s() == 0.0);
  CHECK(plan.critical_path().empty());
  CHECK(plan.phase_ready_s("") == 0.0);
  CHECK_THROWS_AS(plan.finish_s("shell"), std::out_of_range);

  const ConstructionPlan defaulted;
  CHECK(defaulted.size() == 0);
  CHECK(defaulted.makespan_s() == 0.0);
}

TEST_CASE("construction: single task") {
  const ConstructionPlan plan({{"fit_out", 12 * kWeek, {}}});
  CHECK(plan.size() == 1);
  CHECK(plan.earliest_start_s("fit_out") == 0.0);
  CHECK(plan.finish_s("fit_out") == 12 * kWeek);
  CHECK(plan.makespan_s() == 12 * kWeek);
  CHECK(plan.slack_s("fit_out") == 0.0);
  CHECK(plan.critical_path() == std::vector<std::string>{"fit_out"});
  CHECK(plan.contains("fit_out"));
  CHECK_FALSE(plan.contains("shell"));
}

TEST_CASE("construction: unknown task names in queries throw out_of_range") {
  const ConstructionPlan plan(greenfield_plan());
  CHECK_THROWS_WITH_AS(plan.finish_s("shel"), "unknown construction task \"shel\"",
                       std::out_of_range);
  CHECK_THROWS_AS(plan.earliest_start_s("shel"), std::out_of_range);
  CHECK_THROWS_AS(plan.slack_s("shel"), std::out_of_range);
  CHECK_THROWS_AS(plan.phase_ready_s("shel"), std::out_of_range);
}

TEST_CASE("construction: a dependency listed twice counts once") {
  const ConstructionPlan plan(
      {{"permits", 26 * kWeek, {}}, {"shell", 40 * kWeek, {"permits", "permits"}}});
  CHECK(plan.makespan_s() == 66 * kWeek);
  CHECK(plan.critical_path() == std::vector<std::string>{"permits", "shell"});
}

TEST_CASE("construction: a 2-cycle is named in dependency order") {
  // fit_out is after shell and shell after fit_out: shell -> fit_out -> shell.
  const auto error = plan_error({
      {"permits", 26 * kWeek, {}},
      {"shell", 40 * kWeek, {"permits", "fit_out"}},
      {"fit_out", 12 * kWeek, {"shell"}},
  });
  REQUIRE(error);
  CHECK(std::string(error->what()) == "construction tasks form a cycle: shell -> fit_out -> shell");
  CHECK(error->kind() == ConstructionPlanError::Kind::cycle);
  CHECK(error->task() == "shell");
  CHECK(error->cycle() == std::vector<std::string>{"shell", "fit_out", "shell"});
}

TEST_CASE("construction: a 3-cycle starts at its earliest-declared task") {
  // Precedence power_and_cooling -> fit_out -> shell -> power_and_cooling, reported from fit_out
  // because it is declared first.
  const auto error = plan_error({
      {"permits", 26 * kWeek, {}},
      {"fit_out", 12 * kWeek, {"power_and_cooling"}},
      {"shell", 40 * kWeek, {"fit_out", "permits"}},
      {"power_and_cooling", 30 * kWeek, {"shell"}},
  });
  REQUIRE(error);
  CHECK(std::string(error->what()) ==
        "construction tasks form a cycle: fit_out -> shell -> power_and_cooling -> fit_out");
  CHECK(error->cycle() ==
        std::vector<std::string>{"fit_out", "shell", "power_and_cooling", "fit_out"});
}

TEST_CASE("construction: a self-dependency is a cycle") {
  const auto error = plan_error({{"permits", 26 * kWeek, {}}, {"shell", 40 * kWeek, {"shell"}}});
  REQUIRE(error);
  CHECK(std::string(error->what()) == "construction tasks form a cycle: shell -> shell");
  CHECK(error->cycle() == std::vector<std::string>{"shell", "shell"});
}

TEST_CASE("construction: unknown dependency names the task and the dependency") {
  std::vector<ConstructionTask> tasks = greenfield_plan();
  tasks[4].after = {"shel", "switchgear"};
  const auto error = plan_error(std::move(tasks));
  REQUIRE(error);
  CHECK(std::string(error->what()) ==
        "construction task \"power_and_cooling\" depends on unknown task \"shel\"");
  CHECK(error->kind() == ConstructionPlanError::Kind::unknown_dependency);
  CHECK(error->task() == "power_and_cooling");
  CHECK(error->dependency() == "shel");
  CHECK(error->cycle().empty());
}

TEST_CASE("construction: duplicate task names") {
  std::vector<ConstructionTask> tasks = greenfield_plan();
  tasks.push_back({"shell", 10 * kWeek, {}});
  const auto error = plan_error(std::move(tasks));
  REQUIRE(error);
  CHECK(std::string(error->what()) == "construction task \"shell\" is declared more than once");
  CHECK(error->kind() == ConstructionPlanError::Kind::duplicate_name);
  CHECK(error->task() == "shell");
}

TEST_CASE("construction: negative and non-finite durations") {
  const auto negative = plan_error({{"shell", -1.0, {}}});
  REQUIRE(negative);
  CHECK(std::string(negative->what()) ==
        "construction task \"shell\" has duration -1 s; expected a finite number of seconds >= 0");
  CHECK(negative->kind() == ConstructionPlanError::Kind::invalid_duration);
  const auto nan = plan_error({{"shell", std::numeric_limits<double>::quiet_NaN(), {}}});
  REQUIRE(nan);
  CHECK(nan->kind() == ConstructionPlanError::Kind::invalid_duration);
}

TEST_CASE("construction: find_dependency_cycle on acyclic and cyclic inputs") {
  // Training-job dependencies: pretrain -> post_train -> deploy; "eval_suite" is not a job here
  // and is ignored.
  CHECK(find_dependency_cycle({"pretrain", "post_train", "deploy"},
                              {{}, {"pretrain", "eval_suite"}, {"post_train"}})
            .empty());
  CHECK(find_dependency_cycle({}, {}).empty());

  CHECK(find_dependency_cycle({"pretrain", "post_train", "deploy"},
                              {{"deploy"}, {"pretrain"}, {"post_train"}}) ==
        std::vector<std::string>{"pretrain", "post_train", "deploy", "pretrain"});
  CHECK(find_dependency_cycle({"a", "b"}, {{}, {"b"}}) == std::vector<std::string>{"b", "b"});
  // Two disjoint cycles: the search starts from the first declared task, so x <-> y is found.
  CHECK(find_dependency_cycle({"x", "p", "y", "q"}, {{"y"}, {"q"}, {"x"}, {"p"}}) ==
        std::vector<std::string>{"x", "y", "x"});

  CHECK_THROWS_AS(find_dependency_cycle({"a"}, {}), std::invalid_argument);
}

TEST_CASE("construction: a 10000-task chain") {
  // step_i after step_{i-1}, one day each, declared last-first so no order is handed over.
  constexpr int kCount = 10'000;
  std::vector<ConstructionTask> tasks;
  tasks.reserve(kCount);
  for (int i = kCount - 1; i >= 0; --i) {
    ConstructionTask task{"step_" + std::to_string(i), kDay, {}};
    if (i > 0) {
      task.after.push_back("step_" + std::to_string(i - 1));
    }
    tasks.push_back(std::move(task));
  }
  const ConstructionPlan plan(tasks);
  CHECK(plan.makespan_s() == kCount * kDay);
  CHECK(plan.finish_s("step_4999") == 5000 * kDay);
  const std::vector<std::string> path = plan.critical_path();
  REQUIRE(path.size() == static_cast<std::size_t>(kCount));
  CHECK(path.front() == "step_0");
  CHECK(path.back() == "step_9999");

  // Closing the chain into one long cycle: found without exhausting the call stack.
  tasks.back().after.push_back("step_9999");  // step_0 after step_9999
  const auto error = plan_error(std::move(tasks));
  REQUIRE(error);
  REQUIRE(error->cycle().size() == static_cast<std::size_t>(kCount) + 1);
  CHECK(error->cycle().front() == "step_9999");  // declared first
  CHECK(error->cycle()[1] == "step_0");
  CHECK(error->cycle().back() == "step_9999");
}

TEST_CASE("construction: a wide random DAG matches a direct longest-path computation") {
  // Task i depends on up to 4 random earlier tasks; durations are whole days so every sum is
  // exact. Declared in a shuffled order; the reference is a plain loop over i.
  constexpr std::size_t kCount = 20'000;
  std::uint64_t state = 42;
  std::vector<ConstructionTask> logical(kCount);
  std::vector<double> expected_finish(kCount, 0.0);
  for (std::size_t i = 0; i < kCount; ++i) {
    logical[i].name = "t" + std::to_string(i);
    logical[i].duration_s = static_cast<double>(splitmix64(state) % 30) * kDay;
    double start = 0.0;
    if (i > 0) {
      const auto dependency_count = splitmix64(state) % 5;
      for (std::uint64_t k = 0; k < dependency_count; ++k) {
        const std::size_t dependency = splitmix64(state) % i;
        logical[i].after.push_back(logical[dependency].name);
        start = std::max(start, expected_finish[dependency]);
      }
    }
    expected_finish[i] = start + logical[i].duration_s;
  }
  double expected_makespan = 0.0;
  for (const double finish : expected_finish) {
    expected_makespan = std::max(expected_makespan, finish);
  }

  std::vector<ConstructionTask> declared = logical;
  for (std::size_t i = kCount - 1; i > 0; --i) {
    std::swap(declared[i], declared[splitmix64(state) % (i + 1)]);
  }
  const ConstructionPlan plan(std::move(declared));
  CHECK(plan.makespan_s() == expected_makespan);
  bool all_finishes_match = true;
  for (std::size_t i = 0; i < kCount; ++i) {
    all_finishes_match = all_finishes_match && plan.finish_s(logical[i].name) == expected_finish[i];
  }
  CHECK(all_finishes_match);

  // The critical path is a chain of binding dependencies whose durations add to the makespan.
  const std::vector<std::string> path = plan.critical_path();
  REQUIRE_FALSE(path.empty());
  CHECK(plan.earliest_start_s(path.front()) == 0.0);
  CHECK(plan.finish_s(path.back()) == expected_makespan);
  double total = 0.0;
  bool all_zero_slack = true;
  for (std::size_t k = 0; k < path.size(); ++k) {
    total += plan.finish_s(path[k]) - plan.earliest_start_s(path[k]);
    all_zero_slack = all_zero_slack && plan.slack_s(path[k]) == 0.0;
    if (k > 0) {
      CHECK(plan.earliest_start_s(path[k]) == plan.finish_s(path[k - 1]));
    }
  }
  CHECK(total == expected_makespan);
  CHECK(all_zero_slack);
}

}  // namespace
}  // namespace capsim

namespace capsim {
namespace {

TEST_CASE("construction: a construction delay moves every phase a task brings online") {
  // Site plan: permits 10 d, then shell 20 d; a second root, interconnect 25 d. A site delay
  // of 15 d and the scenario's 5 d: both roots wait 20 d, so shell ends at 20 + 10 + 20 = 50 d
  // and interconnect at 20 + 25 = 45 d; a phase online at the start stays at 0.
  SiteSpec site;
  site.name = "s";
  site.construction = {{"permits", 10 * kDay, {}},
                       {"shell", 20 * kDay, {"permits"}},
                       {"interconnect", 25 * kDay, {}}};
  const ConstructionPlan on_time = site_construction_plan(site, 0.0);
  CHECK(on_time.tasks().size() == 3);
  CHECK(on_time.phase_ready_s("shell") == doctest::Approx(30 * kDay));
  site.construction_delay_s = 15 * kDay;
  const ConstructionPlan late = site_construction_plan(site, 5 * kDay);
  CHECK(late.phase_ready_s("shell") == doctest::Approx(50 * kDay));
  CHECK(late.phase_ready_s("interconnect") == doctest::Approx(45 * kDay));
  CHECK(late.phase_ready_s("") == 0.0);
  CHECK(late.makespan_s() == doctest::Approx(50 * kDay));
  CHECK(late.critical_path() ==
        std::vector<std::string>{kConstructionDelayTask, "permits", "shell"});
  // A site without a plan (built before the run) has nothing to delay.
  SiteSpec built;
  built.construction_delay_s = 30 * kDay;
  CHECK(site_construction_plan(built, 0.0).tasks().empty());
}

}  // namespace
}  // namespace capsim
