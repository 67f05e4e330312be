#pragma once
/// The scenario language's documentation and JSON Schema, generated from the declarations the
/// loader uses (scenario_schema.hpp), so the reference cannot drift from the code.

#include <string>

namespace capsim::scenario {

/// docs/scenarios.md: every key with its type, unit, default, meaning and example.
std::string scenario_reference_markdown();

/// A JSON Schema (draft 2020-12) of scenario files, for editor completion and checking.
std::string scenario_json_schema();

}  // namespace capsim::scenario
