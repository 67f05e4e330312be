#pragma once
/// A site's construction plan: tasks (land, permits, grid interconnect, shell, power and
/// cooling, fit-out) with durations and "finish before" dependencies, held as a DAG. Its
/// longest path gives the date each phase of power comes online; its critical path and slacks
/// tell a planner which task to expedite.
///
/// Times are seconds after the construction start (the caller maps them to ticks with
/// ticks_from_seconds and to dates with a Calendar). The model layer knows no scenario type: the
/// loader copies ConstructionTaskSpec into ConstructionTask.

#include <cstddef>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "capsim/model/inputs.hpp"

namespace capsim {

/// One task of a construction plan.
struct ConstructionTask {
  std::string name;
  double duration_s = 0.0;         ///< seconds; finite and >= 0 (0 makes a milestone)
  std::vector<std::string> after;  ///< tasks that must finish before this one starts
};

/// Thrown when a plan cannot be built. The message names the tasks involved, e.g.
/// "construction tasks form a cycle: shell -> fit_out -> shell".
class ConstructionPlanError : public std::runtime_error {
 public:
  enum class Kind {
    cycle,               ///< the dependencies loop back on themselves
    unknown_dependency,  ///< `after` names a task that is not in the plan
    duplicate_name,      ///< two tasks share a name
    invalid_duration,    ///< a duration is negative, NaN or infinite
  };

  ConstructionPlanError(Kind kind, std::string message, std::string task,
                        std::string dependency = {}, std::vector<std::string> cycle = {});

  Kind kind() const { return kind_; }
  /// The offending task: the one with the bad dependency, name or duration; for a cycle, the
  /// first task on it.
  const std::string& task() const { return task_; }
  /// The unknown dependency's name (Kind::unknown_dependency); empty otherwise.
  const std::string& dependency() const { return dependency_; }
  /// The tasks on one cycle in dependency order, the first repeated at the end
  /// ({"shell", "fit_out", "shell"}); empty unless Kind::cycle.
  const std::vector<std::string>& cycle() const { return cycle_; }

 private:
  Kind kind_;
  std::string task_;
  std::string dependency_;
  std::vector<std::string> cycle_;
};

/// A validated construction plan with every task's earliest and latest times precomputed.
/// Immutable after construction; every query is O(1) except critical_path (O(length)).
class ConstructionPlan {
 public:
  /// An empty plan: makespan 0, no tasks (a site built before the scenario starts).
  ConstructionPlan() = default;
  /// Builds the DAG and schedules every task as early as its dependencies allow.
  /// Checks, in this order, each in declaration order: durations (finite, >= 0), duplicate
  /// names, unknown dependencies, cycles; throws ConstructionPlanError on the first problem.
  /// A cycle is reported starting at its earliest-declared task, read in dependency order
  /// ("a -> b" means b is after a). A dependency listed twice counts once.
  /// O(V + E) expected (a hash lookup per dependency name).
  explicit ConstructionPlan(std::vector<ConstructionTask> tasks);

  /// Earliest finish of `task`: the longest path from the start through it, in seconds after
  /// construction start. Throws std::out_of_range for an unknown name.
  double finish_s(std::string_view task) const;
  /// Earliest start of `task` (the latest finish among its dependencies; 0 with none), in
  /// seconds. Throws std::out_of_range for an unknown name.
  double earliest_start_s(std::string_view task) const;
  /// Seconds by which `task` can start later than its earliest start without delaying the
  /// makespan (latest start − earliest start); 0 on a critical path, never negative.
  /// Throws std::out_of_range for an unknown name.
  double slack_s(std::string_view task) const;
  /// When a power phase gated on `ready_after` comes online, in seconds after construction
  /// start: 0 for an empty name, else finish_s(ready_after) (which throws for an unknown name).
  double phase_ready_s(std::string_view ready_after) const;

  /// Length of the whole plan: the latest finish, in seconds (0 for an empty plan).
  double makespan_s() const { return makespan_s_; }
  /// One critical path, from a task with no dependency to a task that no other task waits for
  /// and that finishes last. Ties (two such tasks finishing last, or two dependencies finishing
  /// exactly when a task starts) go to the task declared first. Empty for an empty plan.
  std::vector<std::string> critical_path() const;

  /// Number of tasks.
  std::size_t size() const { return tasks_.size(); }
  bool contains(std::string_view task) const { return index_.find(task) != index_.end(); }
  /// The tasks as given, in declaration order.
  const std::vector<ConstructionTask>& tasks() const { return tasks_; }

 private:
  struct NameHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view name) const noexcept {
      return std::hash<std::string_view>{}(name);
    }
  };

  std::size_t index_of(std::string_view task) const;

  std::vector<ConstructionTask> tasks_;
  // Lookup only: nothing iterates this map, so its order never decides an outcome.
  std::unordered_map<std::string, std::size_t, NameHash, std::equal_to<>> index_;
  std::vector<double> earliest_start_s_;
  std::vector<double> finish_s_;
  std::vector<double> slack_s_;
  std::vector<std::size_t> critical_path_;
  double makespan_s_ = 0.0;
};

/// Finds one cycle in any named dependency graph (construction tasks, training-job
/// dependencies): task i must come after each name in after[i]. Returns the names on the cycle
/// in dependency order, starting at the earliest-declared one and repeating it at the end, or
/// an empty vector if the graph is acyclic. Names in `after` that are not in `names` are
/// ignored; a name declared twice resolves to its first declaration. Deterministic: the same
/// input always gives the same cycle. Throws std::invalid_argument unless
/// after.size() == names.size(). O(V + E) expected.
std::vector<std::string> find_dependency_cycle(const std::vector<std::string>& names,
                                               const std::vector<std::vector<std::string>>& after);

/// The name of the task a construction delay adds; no scenario task can have it (names start
/// with a letter or a digit).
inline constexpr const char* kConstructionDelayTask = "(construction delay)";

/// A site's construction plan: its tasks, and with a delay (the site's construction_delay plus
/// `scenario_delay_s`) above zero a first task of that length that every task waiting for no
/// other waits for.
ConstructionPlan site_construction_plan(const SiteSpec& site, double scenario_delay_s);

}  // namespace capsim
