#pragma once
/// The declared scenario language: one RecordSchema per section (see schema.hpp).

#include "capsim/model/inputs.hpp"
#include "capsim/scenario/schema.hpp"

namespace capsim::scenario {

/// The whole scenario file (top-level keys, `extends` excepted: it is resolved before).
const RecordSchema<Scenario>& scenario_schema();
/// One accelerator, as in the catalog files and `catalog.accelerators`.
const RecordSchema<AcceleratorSpec>& accelerator_schema();

}  // namespace capsim::scenario
