#pragma once
// jobs.csv lists jobs as they complete, then the rest in job order (JobRecordSink). Tests that
// name jobs by their place in the scenario read the rows in job order: listed jobs as listed,
// then generated-1, generated-2, ...

#include <algorithm>
#include <map>
#include <string>

#include "capsim/model/capacity_model.hpp"

namespace capsim::test {

inline CapacityRun run_in_job_order(const Scenario& scenario) {
  CapacityRun run = run_capacity(scenario);
  std::map<std::string, std::size_t> place;
  for (std::size_t i = 0; i < scenario.training.jobs.size(); ++i)
    place[scenario.training.jobs[i].name] = i;
  const auto rank = [&](const TrainingJobRecord& job) {
    if (const auto found = place.find(job.name); found != place.end())
      return found->second;
    return place.size() + std::stoul(job.name.substr(job.name.rfind('-') + 1));
  };
  std::stable_sort(
      run.jobs.begin(), run.jobs.end(),
      [&](const TrainingJobRecord& a, const TrainingJobRecord& b) { return rank(a) < rank(b); });
  return run;
}

}  // namespace capsim::test
