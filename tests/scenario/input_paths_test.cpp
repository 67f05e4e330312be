#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "capsim/scenario/input_paths.hpp"
#include "scratch_folder.hpp"

namespace capsim::scenario {
namespace {

namespace fs = std::filesystem;
using test::ScratchFolder;

const std::string kOutside =
    "expected a file inside the folder of the file naming it or inside a folder given with "
    "--allow-path, found ";

TEST_CASE("input paths: a named file stays in the naming file's folder or an allowed one") {
  ScratchFolder folder("input_paths");
  const fs::path root = folder.path();
  folder.write("plans/a.yaml", "");
  folder.write("plans/sub/b.yaml", "");
  folder.write("plans-old/c.yaml", "");
  folder.write("shared/d.yaml", "");
  const std::string naming = (root / "plans/a.yaml").string();

  // Inside the folder, below it, and through "..": what the path names, as written.
  NamedPath below = resolve_named_path("sub/b.yaml", naming, {});
  CHECK(below.problem.empty());
  CHECK(below.path == root / "plans/sub/b.yaml");
  CHECK(resolve_named_path("sub/../a.yaml", naming, {}).problem.empty());
  CHECK(resolve_named_path((root / "plans/sub/b.yaml").string(), naming, {}).problem.empty());

  // Outside: climbing out, an absolute path, and a sibling whose name merely starts the same.
  CHECK(resolve_named_path("../shared/d.yaml", naming, {}).problem ==
        kOutside + "\"../shared/d.yaml\" (a path that climbs out with ..)");
  CHECK(resolve_named_path("/etc/passwd", naming, {}).problem ==
        kOutside + "\"/etc/passwd\" (an absolute path)");
  CHECK(resolve_named_path("../plans-old/c.yaml", naming, {}).problem ==
        kOutside + "\"../plans-old/c.yaml\" (a path that climbs out with ..)");

  // --allow-path lets it look in a folder, and only there.
  PathPolicy policy;
  policy.allowed = {(root / "shared").string() + "/"};
  CHECK(resolve_named_path("../shared/d.yaml", naming, policy).problem.empty());
  CHECK_FALSE(resolve_named_path("../plans-old/c.yaml", naming, policy).problem.empty());
  // capsim's own scenarios/ is always allowed.
  CHECK(resolve_named_path((fs::path(CAPSIM_SOURCE_DIR) / "scenarios/meta-2025-60b.yaml").string(),
                           naming, {})
            .problem.empty());
}

TEST_CASE("input paths: symbolic links are resolved before the check") {
  ScratchFolder folder("input_paths_links");
  const fs::path root = folder.path();
  folder.write("plans/a.yaml", "");
  folder.write("plans/real.yaml", "");
  folder.write("secret/key.txt", "");
  fs::create_symlink(root / "secret/key.txt", root / "plans/link.yaml");
  fs::create_symlink(root / "secret", root / "plans/door");
  fs::create_symlink(root / "plans/real.yaml", root / "plans/inner.yaml");
  const std::string naming = (root / "plans/a.yaml").string();
  CHECK(resolve_named_path("link.yaml", naming, {}).problem ==
        kOutside + "\"link.yaml\" (a symbolic link that leads out)");
  CHECK(resolve_named_path("door/key.txt", naming, {}).problem ==
        kOutside + "\"door/key.txt\" (a symbolic link that leads out)");
  CHECK(resolve_named_path("inner.yaml", naming, {}).problem.empty());
  // A folder reached through a link is the folder it leads to: the naming file's own folder
  // is resolved too, so a link to the plans folder holds what the folder holds.
  fs::create_symlink(root / "plans", root / "plans-link");
  CHECK(resolve_named_path("real.yaml", (root / "plans-link/a.yaml").string(), {}).problem.empty());
  CHECK_FALSE(
      resolve_named_path("link.yaml", (root / "plans-link/a.yaml").string(), {}).problem.empty());
}

TEST_CASE("input paths: a naming file in the working directory gives the same reasons") {
  ScratchFolder folder("input_paths_here");
  folder.write("plans/a.yaml", "");
  folder.write("secret.txt", "");
  fs::create_symlink(folder.path() / "secret.txt", folder.path() / "plans/link.yaml");
  const fs::path before = fs::current_path();
  fs::current_path(folder.path() / "plans");
  const std::string through_link = resolve_named_path("link.yaml", "a.yaml", {}).problem;
  const std::string climbing = resolve_named_path("../secret.txt", "a.yaml", {}).problem;
  const bool beside = resolve_named_path("a.yaml", "a.yaml", {}).problem.empty();
  fs::current_path(before);
  CHECK(through_link == kOutside + "\"link.yaml\" (a symbolic link that leads out)");
  CHECK(climbing == kOutside + "\"../secret.txt\" (a path that climbs out with ..)");
  CHECK(beside);
}

TEST_CASE("input paths: an override is the user's own, unless it comes from a sweep file") {
  ScratchFolder folder("input_paths_overrides");
  folder.write("sweep/data.csv", "");
  // --set: the working directory, any file.
  const NamedPath user = resolve_named_path("/etc/passwd", "", {});
  CHECK(user.problem.empty());
  CHECK(user.path == "/etc/passwd");
  // A sweep's value: its folder, and only there.
  PathPolicy sweep;
  sweep.overrides_folder = (folder.path() / "sweep").string();
  const NamedPath beside = resolve_named_path("data.csv", "", sweep);
  CHECK(beside.problem.empty());
  CHECK(beside.path == folder.path() / "sweep/data.csv");
  CHECK(resolve_named_path("/etc/passwd", "", sweep).problem ==
        kOutside + "\"/etc/passwd\" (an absolute path)");
}

}  // namespace
}  // namespace capsim::scenario
