#include "capsim/model/model_context.hpp"

#include <memory>
#include <stdexcept>

#include "capsim/core/diagnostics.hpp"

namespace capsim {

ModelContext::ModelContext(const Scenario& scenario_in, Engine& engine_in, CapacityRun& run_in)
    : scenario(scenario_in),
      calendar(scenario_in.scenario.start),
      end(scenario_in.scenario.end_tick()),
      engine(engine_in),
      efficiency(scenario_in.efficiency, calendar),
      run(run_in),
      failure_causes(scenario_in.failures.effective_causes()),
      interrupting_rate_per_gpu_s(capsim::interrupting_rate_per_gpu_s(failure_causes)) {
  for (const AcceleratorSpec& part : scenario_in.catalog.accelerators)
    parts.push_back(&part);
}

std::size_t ModelContext::part_index(const std::string& name) const {
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (parts[i]->name == name)
      return i;
  }
  throw std::logic_error("capacity model: unknown accelerator " + name);
}

void refuse_input(const ModelContext& context, std::string key_path, std::string message) {
  const std::string& file = context.scenario.source_path;
  SourceLocation place;
  if (!file.empty())
    place.file = std::make_shared<const std::string>(file);
  throw InputError({Diagnostic{std::move(place), std::move(key_path), std::move(message)}});
}

}  // namespace capsim
