#pragma once
/// docs/outputs.md: every output file's columns with their units, kinds and meanings,
/// generated from the declarations (model/reporting/timeseries.hpp, BuildoutKind), so the
/// reference cannot drift from what `capsim run` writes.

#include <string>

namespace capsim::output {

/// The Markdown text of docs/outputs.md (`capsim schema --outputs`).
std::string outputs_reference_markdown();

}  // namespace capsim::output
