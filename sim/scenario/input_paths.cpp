#include "capsim/scenario/input_paths.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "capsim/core/text.hpp"

namespace capsim::scenario {

namespace {

namespace fs = std::filesystem;

/// `path` with its symbolic links resolved as far as it exists, or empty when the file system
/// refuses (a name too long, say).
fs::path resolved(const fs::path& path) {
  std::error_code error;
  fs::path result = fs::weakly_canonical(fs::absolute(path, error), error);
  if (error)
    return {};
  // "dir/" and "dir" are the same folder: a trailing empty element would defeat the prefix test.
  if (result.has_parent_path() && result.filename().empty())
    result = result.parent_path();
  return result;
}

bool is_inside(const fs::path& path, const fs::path& folder) {
  if (path.empty() || folder.empty())
    return false;
  const auto [mismatch_folder, mismatch_path] =
      std::mismatch(folder.begin(), folder.end(), path.begin(), path.end());
  return mismatch_folder == folder.end();
}

/// `path` made absolute and normal as written, links left as they are; no trailing empty
/// element ("dir/." is "dir").
fs::path lexically_absolute(const fs::path& path) {
  std::error_code error;
  fs::path result = fs::absolute(path, error).lexically_normal();
  if (result.has_parent_path() && result.filename().empty())
    result = result.parent_path();
  return result;
}

/// Why a refused path is outside, for the message.
std::string why_outside(const std::string& written, const fs::path& folder) {
  const fs::path path(written);
  if (path.is_absolute())
    return "an absolute path";
  // Absolute, so that a naming file in the working directory (folder ".") compares as any other.
  if (!is_inside(lexically_absolute(folder / path), lexically_absolute(folder)))
    return "a path that climbs out with ..";
  return "a symbolic link that leads out";
}

}  // namespace

const fs::path& project_scenarios_folder() {
  static const fs::path folder = resolved(CAPSIM_SCENARIOS_FOLDER);
  return folder;
}

NamedPath resolve_named_path(const std::string& written, const std::string& naming_file,
                             const PathPolicy& policy) {
  const bool by_override = naming_file.empty();
  const fs::path folder =
      by_override ? fs::path(policy.overrides_folder) : fs::path(naming_file).parent_path();
  NamedPath named{folder / written, ""};
  if (by_override && policy.overrides_folder.empty())
    return named;  // the user's own --set
  const fs::path target = resolved(named.path);
  if (target.empty())
    return named;  // no file system opens it either: reading it says why
  std::vector<fs::path> inside = {resolved(folder.empty() ? fs::path(".") : folder),
                                  project_scenarios_folder()};
  for (const std::string& allowed : policy.allowed)
    inside.push_back(resolved(allowed));
  if (std::any_of(inside.begin(), inside.end(),
                  [&](const fs::path& root) { return is_inside(target, root); }))
    return named;
  named.problem = fmt::format(
      "expected a file inside the folder of the file naming it or inside a folder given with "
      "--allow-path, found \"{}\" ({})",
      excerpt(written), why_outside(written, folder.empty() ? fs::path(".") : folder));
  return named;
}

}  // namespace capsim::scenario
