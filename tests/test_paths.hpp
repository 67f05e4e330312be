#pragma once
// Tests write scenario and sweep files into scratch folders that name the shared test data
// (tests/data, tests/sweep/data) by absolute path, and the corpora's cases name files beside
// them: as a user does with --allow-path, they load with the test tree allowed
// (docs/security.md).

#include <string>

#include "capsim/scenario/loader.hpp"

namespace capsim::test {

/// The test tree, tests/: what test files may name besides their own folder.
inline scenario::PathPolicy test_tree_allowed() {
  scenario::PathPolicy policy;
  policy.allowed.push_back(std::string(CAPSIM_SOURCE_DIR) + "/tests");
  return policy;
}

/// `options` with the test tree allowed.
inline scenario::LoadOptions test_load_options(scenario::LoadOptions options = {}) {
  options.paths = test_tree_allowed();
  return options;
}

}  // namespace capsim::test
