#pragma once
/// What every part of the capacity model shares: the scenario, the calendar and horizon, the
/// engine (and so the one clock), the efficiency timeline, the parts of the catalog, and the
/// run's results (ledger, build-out log, summary) that the parts write into. Owned by the
/// wiring (capacity_model.cpp); parts hold it by reference.

#include <cstdint>
#include <string>
#include <vector>

#include "capsim/core/time.hpp"
#include "capsim/engine/engine.hpp"
#include "capsim/model/efficiency/efficiency.hpp"
#include "capsim/model/inputs.hpp"
#include "capsim/model/run_results.hpp"

namespace capsim {

struct ModelContext {
  ModelContext(const Scenario& scenario, Engine& engine, CapacityRun& run);

  const Scenario& scenario;
  Calendar calendar;
  Tick end;  ///< the horizon's end
  Engine& engine;
  EfficiencyTimeline efficiency;
  std::vector<const AcceleratorSpec*> parts;  ///< the catalog, in its order
  CapacityRun& run;
  /// The failure causes the run draws (FailuresSpec::effective_causes), in their order.
  std::vector<FailureCauseSpec> failure_causes;
  /// Per GPU-second, of the causes that interrupt jobs.
  double interrupting_rate_per_gpu_s;
  std::uint64_t replication = 0;

  /// The one clock: the engine's.
  Tick now() const { return engine.now(); }
  const AcceleratorSpec& part(std::size_t index) const { return *parts[index]; }
  /// Index of a catalog part by name; the loader has checked that it exists.
  std::size_t part_index(const std::string& name) const;
  Ledger& ledger() const { return run.ledger; }
  /// Appends a line to buildout.csv.
  void record(BuildoutEvent event) const { run.buildout.push_back(std::move(event)); }
};

/// Refuses a scenario the loader accepted but the model cannot compute: a value that only the
/// run reveals to be out of range, such as a demand grown past what any fleet could serve.
/// Throws InputError naming the scenario file, the key path and "expected ..., found ...";
/// the command line prints it and exits 2, as for any bad input, with nothing written.
[[noreturn]] void refuse_input(const ModelContext& context, std::string key_path,
                               std::string message);

/// Packs two indices into one event payload, and back.
inline std::uint64_t pack_payload(std::size_t high, std::size_t low) {
  return (static_cast<std::uint64_t>(high) << 32) | static_cast<std::uint64_t>(low);
}
inline std::size_t payload_high(std::uint64_t payload) {
  return static_cast<std::size_t>(payload >> 32);
}
inline std::size_t payload_low(std::uint64_t payload) {
  return static_cast<std::size_t>(payload & 0xffffffffU);
}

}  // namespace capsim
