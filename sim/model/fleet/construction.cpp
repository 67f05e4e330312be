#include "capsim/model/fleet/construction.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/depth_first_search.hpp>

namespace capsim {

namespace {

// Edges run from a dependency to the task after it, so a DFS finish order is a reverse
// topological order and a cycle reads in the order the tasks would have to happen.
// vecS everywhere: vertex i is task i and out-edges keep insertion order, so the traversal,
// and with it the cycle reported, depends only on declaration order.
using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;
using Vertex = Graph::vertex_descriptor;
using Edge = Graph::edge_descriptor;

constexpr Vertex kNoVertex = std::numeric_limits<Vertex>::max();

struct Traversal {
  std::vector<Vertex> finish_order;  // reverse topological order when acyclic
  std::vector<Vertex> cycle;         // one cycle, canonical rotation, no repeat; empty if none
};

// Boost copies visitors by value, so the visitor only points at state owned by the caller.
class CycleAndOrderVisitor : public boost::default_dfs_visitor {
 public:
  CycleAndOrderVisitor(std::vector<Vertex>* parent, Traversal* result)
      : parent_(parent), result_(result) {}

  void tree_edge(Edge edge, const Graph& graph) {
    (*parent_)[boost::target(edge, graph)] = boost::source(edge, graph);
  }

  // The first back edge closes a cycle through the DFS tree. Later ones are ignored rather than
  // stopping the search early: finishing the DFS costs no more than O(V + E) anyway.
  void back_edge(Edge edge, const Graph& graph) {
    if (!result_->cycle.empty()) {
      return;
    }
    const Vertex ancestor = boost::target(edge, graph);
    auto& cycle = result_->cycle;
    for (Vertex v = boost::source(edge, graph); v != ancestor; v = (*parent_)[v]) {
      cycle.push_back(v);
    }
    cycle.push_back(ancestor);
    std::reverse(cycle.begin(), cycle.end());
    // The DFS entry point is an accident of traversal; starting at the earliest-declared task
    // makes the message the same for every rotation a user might have written.
    std::rotate(cycle.begin(), std::min_element(cycle.begin(), cycle.end()), cycle.end());
  }

  void finish_vertex(Vertex vertex, const Graph&) { result_->finish_order.push_back(vertex); }

 private:
  std::vector<Vertex>* parent_;
  Traversal* result_;
};

// dependencies[i] holds the (distinct, known) indices task i must come after.
Graph build_graph(const std::vector<std::vector<std::size_t>>& dependencies) {
  Graph graph(dependencies.size());
  for (std::size_t task = 0; task < dependencies.size(); ++task) {
    for (const std::size_t dependency : dependencies[task]) {
      boost::add_edge(dependency, task, graph);
    }
  }
  return graph;
}

Traversal traverse(const Graph& graph) {
  Traversal result;
  const auto vertex_count = boost::num_vertices(graph);
  result.finish_order.reserve(vertex_count);
  std::vector<Vertex> parent(vertex_count, kNoVertex);
  // Boost's DFS keeps an explicit stack, so a 10,000-task chain cannot overflow the call stack.
  boost::depth_first_search(graph, boost::visitor(CycleAndOrderVisitor(&parent, &result)));
  return result;
}

using NameIndex = std::unordered_map<std::string_view, std::size_t>;

std::vector<std::string> cycle_names(const std::vector<Vertex>& cycle,
                                     const std::vector<std::string>& names) {
  std::vector<std::string> result;
  if (cycle.empty()) {
    return result;
  }
  result.reserve(cycle.size() + 1);
  for (const Vertex v : cycle) {
    result.push_back(names[v]);
  }
  result.push_back(names[cycle.front()]);
  return result;
}

// Drops a dependency listed twice for the same task; `last_seen_by` is scratch of size V.
void add_dependency(std::size_t task, std::size_t dependency, std::vector<std::size_t>& list,
                    std::vector<std::size_t>& last_seen_by) {
  if (last_seen_by[dependency] != task) {
    last_seen_by[dependency] = task;
    list.push_back(dependency);
  }
}

}  // namespace

ConstructionPlanError::ConstructionPlanError(Kind kind, std::string message, std::string task,
                                             std::string dependency, std::vector<std::string> cycle)
    : std::runtime_error(std::move(message)),
      kind_(kind),
      task_(std::move(task)),
      dependency_(std::move(dependency)),
      cycle_(std::move(cycle)) {}

ConstructionPlan::ConstructionPlan(std::vector<ConstructionTask> tasks) : tasks_(std::move(tasks)) {
  const std::size_t count = tasks_.size();

  for (const ConstructionTask& task : tasks_) {
    if (!std::isfinite(task.duration_s) || task.duration_s < 0.0) {
      throw ConstructionPlanError(
          ConstructionPlanError::Kind::invalid_duration,
          fmt::format("construction task \"{}\" has duration {} s; expected a finite number of "
                      "seconds >= 0",
                      task.name, task.duration_s),
          task.name);
    }
  }

  index_.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    if (!index_.emplace(tasks_[i].name, i).second) {
      throw ConstructionPlanError(
          ConstructionPlanError::Kind::duplicate_name,
          fmt::format("construction task \"{}\" is declared more than once", tasks_[i].name),
          tasks_[i].name);
    }
  }

  std::vector<std::vector<std::size_t>> dependencies(count);
  std::vector<std::size_t> last_seen_by(count, kNoVertex);
  for (std::size_t i = 0; i < count; ++i) {
    for (const std::string& name : tasks_[i].after) {
      const auto found = index_.find(name);
      if (found == index_.end()) {
        throw ConstructionPlanError(
            ConstructionPlanError::Kind::unknown_dependency,
            fmt::format("construction task \"{}\" depends on unknown task \"{}\"", tasks_[i].name,
                        name),
            tasks_[i].name, name);
      }
      add_dependency(i, found->second, dependencies[i], last_seen_by);
    }
  }

  const Graph graph = build_graph(dependencies);
  const Traversal traversal = traverse(graph);
  if (!traversal.cycle.empty()) {
    std::vector<std::string> names;
    names.reserve(count);
    for (const ConstructionTask& task : tasks_) {
      names.push_back(task.name);
    }
    std::vector<std::string> cycle = cycle_names(traversal.cycle, names);
    std::string message =
        fmt::format("construction tasks form a cycle: {}", fmt::join(cycle, " -> "));
    std::string first = cycle.front();
    throw ConstructionPlanError(ConstructionPlanError::Kind::cycle, std::move(message),
                                std::move(first), {}, std::move(cycle));
  }

  // Forward pass in topological order: a task starts when its last dependency finishes.
  earliest_start_s_.assign(count, 0.0);
  finish_s_.assign(count, 0.0);
  for (auto it = traversal.finish_order.rbegin(); it != traversal.finish_order.rend(); ++it) {
    const Vertex u = *it;
    finish_s_[u] = earliest_start_s_[u] + tasks_[u].duration_s;
    for (const Edge edge : boost::make_iterator_range(boost::out_edges(u, graph))) {
      const Vertex v = boost::target(edge, graph);
      earliest_start_s_[v] = std::max(earliest_start_s_[v], finish_s_[u]);
    }
  }

  // The path ends at a task nothing waits for: with zero-length milestones a task and its
  // successor can finish together, and the path should run through to the milestone. Some such
  // task always finishes last, since no successor finishes before its dependency.
  std::size_t last = kNoVertex;
  for (std::size_t i = 0; i < count; ++i) {
    if (boost::out_degree(i, graph) == 0 && (last == kNoVertex || finish_s_[i] > finish_s_[last])) {
      last = i;
    }
  }
  makespan_s_ = last == kNoVertex ? 0.0 : finish_s_[last];

  // Backward pass in reverse topological order: a task must finish by the latest start of
  // every task after it, and tasks nothing waits for by the makespan.
  std::vector<double> latest_start_s(count, 0.0);
  slack_s_.assign(count, 0.0);
  for (const Vertex u : traversal.finish_order) {
    double latest_finish_s = makespan_s_;
    for (const Edge edge : boost::make_iterator_range(boost::out_edges(u, graph))) {
      latest_finish_s = std::min(latest_finish_s, latest_start_s[boost::target(edge, graph)]);
    }
    latest_start_s[u] = latest_finish_s - tasks_[u].duration_s;
    // Rounding of non-integral durations must not report a critical task as negative slack.
    slack_s_[u] = std::max(0.0, latest_start_s[u] - earliest_start_s_[u]);
  }

  // Walk back from the last finisher through the dependency that set each start. The start is
  // a max over dependency finishes, so exact equality identifies it without tolerance.
  for (std::size_t task = last; task != kNoVertex;) {
    critical_path_.push_back(task);
    std::size_t binding = kNoVertex;
    for (const std::size_t dependency : dependencies[task]) {
      if (finish_s_[dependency] == earliest_start_s_[task] && dependency < binding) {
        binding = dependency;
      }
    }
    task = binding;
  }
  std::reverse(critical_path_.begin(), critical_path_.end());
}

std::size_t ConstructionPlan::index_of(std::string_view task) const {
  const auto found = index_.find(task);
  if (found == index_.end()) {
    throw std::out_of_range(fmt::format("unknown construction task \"{}\"", task));
  }
  return found->second;
}

double ConstructionPlan::finish_s(std::string_view task) const {
  return finish_s_[index_of(task)];
}

double ConstructionPlan::earliest_start_s(std::string_view task) const {
  return earliest_start_s_[index_of(task)];
}

double ConstructionPlan::slack_s(std::string_view task) const {
  return slack_s_[index_of(task)];
}

ConstructionPlan site_construction_plan(const SiteSpec& site, double scenario_delay_s) {
  const double delay_s = site.construction_delay_s + scenario_delay_s;
  std::vector<ConstructionTask> tasks;
  if (delay_s > 0.0 && !site.construction.empty())
    tasks.push_back({kConstructionDelayTask, delay_s, {}});
  for (const ConstructionTaskSpec& task : site.construction) {
    tasks.push_back({task.name, task.duration_s, task.after});
    if (delay_s > 0.0 && task.after.empty())
      tasks.back().after.push_back(kConstructionDelayTask);
  }
  return ConstructionPlan(std::move(tasks));
}

double ConstructionPlan::phase_ready_s(std::string_view ready_after) const {
  return ready_after.empty() ? 0.0 : finish_s(ready_after);
}

std::vector<std::string> ConstructionPlan::critical_path() const {
  std::vector<std::string> names;
  names.reserve(critical_path_.size());
  for (const std::size_t task : critical_path_) {
    names.push_back(tasks_[task].name);
  }
  return names;
}

std::vector<std::string> find_dependency_cycle(const std::vector<std::string>& names,
                                               const std::vector<std::vector<std::string>>& after) {
  if (after.size() != names.size()) {
    throw std::invalid_argument(fmt::format(
        "find_dependency_cycle: {} names but {} dependency lists", names.size(), after.size()));
  }
  const std::size_t count = names.size();
  NameIndex index;
  index.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    index.emplace(names[i], i);  // keeps the first declaration of a repeated name
  }

  std::vector<std::vector<std::size_t>> dependencies(count);
  std::vector<std::size_t> last_seen_by(count, kNoVertex);
  for (std::size_t i = 0; i < count; ++i) {
    for (const std::string& name : after[i]) {
      const auto found = index.find(name);
      if (found != index.end()) {
        add_dependency(i, found->second, dependencies[i], last_seen_by);
      }
    }
  }
  return cycle_names(traverse(build_graph(dependencies)).cycle, names);
}

}  // namespace capsim
