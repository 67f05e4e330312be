#pragma once
/// Which files a scenario or a sweep may name (docs/security.md). Scenario, sweep, catalog and
/// observation files travel between people, so a file may name another (`extends`,
/// `catalog.include`, `demand.observations`, a sweep's `base`) only inside its own folder,
/// inside a folder the user allows (capsim --allow-path DIR) or inside capsim's own
/// scenarios/ folder. Symbolic links are resolved before the check.

#include <filesystem>
#include <string>
#include <vector>

namespace capsim::scenario {

/// Where named files may lie besides the naming file's own folder.
struct PathPolicy {
  /// Folders the user allows (--allow-path DIR), as given; each holds any file below it.
  std::vector<std::string> allowed;
  /// The folder that paths given by overrides resolve against and must lie in, besides the
  /// allowed ones: a sweep's folder for its values. Empty: overrides are the user's own
  /// (--set), resolve against the working directory and may name any file.
  std::string overrides_folder;
};

/// capsim's own scenarios/ folder (the source tree's, compiled in): always allowed, so the
/// shipped scenarios, sweeps and examples may name one another.
const std::filesystem::path& project_scenarios_folder();

/// A path as another file names it, resolved.
struct NamedPath {
  std::filesystem::path path;  ///< what to open: the naming folder joined with the path
  std::string problem;         ///< empty, or "expected ..., found ..." when refused
};

/// Resolves `written`, named in the file `naming_file`, or by an override when `naming_file`
/// is empty. A relative path resolves against the naming file's folder (an override's:
/// `policy.overrides_folder`, else the working directory). Its target, symbolic links
/// resolved, must lie inside that folder, inside a folder of `policy.allowed` or inside
/// project_scenarios_folder(); an override without `overrides_folder` may name any file.
/// Reads only the file system's links; O(length of the paths).
NamedPath resolve_named_path(const std::string& written, const std::string& naming_file,
                             const PathPolicy& policy);

}  // namespace capsim::scenario
