#include "capsim/output/atomic_file.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <utility>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

namespace capsim::output {
namespace {

namespace fs = std::filesystem;

// The PID separates processes (array jobs sharing a directory); the counter separates
// AtomicFiles of one process, e.g. sweep threads writing the same target.
std::atomic<std::uint64_t> temporary_counter{0};

std::string os_reason(int error) {
  return std::system_category().message(error);
}

std::string quoted(const fs::path& path) {
  return fmt::format("'{}'", path.string());
}

/// A symbolic link at the target is refused: someone who can write in the output folder could
/// plant one to make capsim replace, or write through to, a file elsewhere (docs/security.md).
bool planted_link(const fs::path& path) {
  struct stat status {};
  return ::lstat(path.c_str(), &status) == 0 && S_ISLNK(status.st_mode);
}

constexpr const char* kSymlinkRefused =
    "it is a symbolic link, and capsim writes only regular files (remove the link)";

std::string failure_message(const fs::path& path, const std::string& what, int error) {
  std::string message = fmt::format("cannot write {}: {}", quoted(path), what);
  if (error != 0)
    message += ": " + os_reason(error);
  return message;
}

// Makes the rename itself survive a power cut. Best effort: the new file is already complete
// and visible, and some file systems refuse fsync on directories, so an error here is no
// reason to report a write that every reader can see as failed.
void sync_directory(const fs::path& directory) {
  const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return;
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

OutputError::OutputError(std::filesystem::path path, const std::string& message,
                         std::error_code code)
    : std::runtime_error(message), path_(std::move(path)), code_(code) {}

AtomicFile::AtomicFile(std::filesystem::path path) : path_(std::move(path)) {
  const fs::path name = path_.filename();
  if (name.empty() || name == "." || name == "..") {
    state_ = State::discarded;
    throw OutputError(path_, failure_message(path_, "not a file name", 0));
  }
  if (planted_link(path_)) {
    state_ = State::discarded;
    throw OutputError(path_, failure_message(path_, kSymlinkRefused, 0));
  }
  const fs::path directory = path_.parent_path();
  // The decorations add up to ~40 bytes; a target name near NAME_MAX (255) must not make the
  // temporary's name too long, and the temporary's name need not be the whole target name.
  const std::string stem = name.string().substr(0, 200);
  // A stale temporary of a crashed process whose PID was reused holds the same name; O_EXCL
  // makes us skip it rather than write into it.
  for (int attempt = 0;; ++attempt) {
    const std::string temporary_name =
        fmt::format(".{}.tmp.{}.{}", stem, ::getpid(), temporary_counter.fetch_add(1));
    temporary_path_ = directory / temporary_name;
    fd_ =
        ::open(temporary_path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd_ >= 0)
      return;
    const int error = errno;
    if (error != EEXIST || attempt >= 100) {
      state_ = State::discarded;
      throw OutputError(
          path_,
          failure_message(path_, fmt::format("cannot create temporary {}", quoted(temporary_path_)),
                          error),
          std::error_code(error, std::system_category()));
    }
  }
}

AtomicFile::~AtomicFile() {
  discard();
}

void AtomicFile::discard() noexcept {
  if (state_ != State::open)
    return;
  state_ = State::discarded;
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
  ::unlink(temporary_path_.c_str());
}

void AtomicFile::fail(const std::string& what, int error) {
  discard();
  throw OutputError(path_, failure_message(path_, what, error),
                    std::error_code(error, std::system_category()));
}

void AtomicFile::write(std::string_view bytes) {
  if (state_ != State::open)
    throw std::logic_error("AtomicFile::write after commit() or discard() of " + quoted(path_));
  while (!bytes.empty()) {
    const ::ssize_t written = ::write(fd_, bytes.data(), bytes.size());
    if (written < 0) {
      const int error = errno;
      if (error == EINTR)
        continue;
      fail(fmt::format("cannot write temporary {}", quoted(temporary_path_)), error);
    }
    bytes.remove_prefix(static_cast<std::size_t>(written));
  }
}

void AtomicFile::commit() {
  if (state_ != State::open)
    throw std::logic_error("AtomicFile::commit after commit() or discard() of " + quoted(path_));
  // Without the fsync, a crash soon after the rename can leave the new name pointing at an
  // empty or partial file on ext4/xfs: exactly the half-written file this class exists to
  // prevent. errno is saved before formatting a message, which may allocate and clobber it.
  if (::fsync(fd_) != 0) {
    const int error = errno;
    fail(fmt::format("cannot flush temporary {}", quoted(temporary_path_)), error);
  }
  const int fd = std::exchange(fd_, -1);
  // close() can report a deferred write error (NFS); after it the descriptor is gone either way.
  if (::close(fd) != 0) {
    const int error = errno;
    fail(fmt::format("cannot close temporary {}", quoted(temporary_path_)), error);
  }
  // Again at the last moment: a link planted while the run was writing is refused too.
  if (planted_link(path_))
    fail(kSymlinkRefused, 0);
  if (::rename(temporary_path_.c_str(), path_.c_str()) != 0) {
    const int error = errno;
    fail(fmt::format("cannot rename temporary {} over it", quoted(temporary_path_)), error);
  }
  state_ = State::committed;
  const fs::path directory = path_.parent_path();
  sync_directory(directory.empty() ? fs::path(".") : directory);
}

void write_file_atomically(const std::filesystem::path& path, std::string_view content) {
  AtomicFile file(path);
  file.write(content);
  file.commit();
}

std::optional<long> temporary_owner(std::string_view file_name, std::string_view target_name) {
  const std::string prefix = fmt::format(".{}.tmp.", target_name.substr(0, 200));
  if (file_name.substr(0, prefix.size()) != prefix)
    return std::nullopt;
  file_name.remove_prefix(prefix.size());
  const std::size_t dot = file_name.find('.');
  if (dot == std::string_view::npos)
    return std::nullopt;
  const std::string_view pid = file_name.substr(0, dot);
  const std::string_view counter = file_name.substr(dot + 1);
  const auto all_digits = [](std::string_view text) {
    return !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
  };
  if (!all_digits(pid) || !all_digits(counter))
    return std::nullopt;
  long value = 0;
  const auto [end, error] = std::from_chars(pid.data(), pid.data() + pid.size(), value);
  if (error != std::errc() || end != pid.data() + pid.size() || value <= 0)
    return -1;
  return value;
}

std::vector<std::filesystem::path> remove_stale_temporaries(
    const std::filesystem::path& directory, const std::vector<std::string_view>& target_names) {
  std::vector<fs::path> removed;
  std::error_code error;
  fs::directory_iterator entries(directory, error);
  if (error)
    return removed;  // nothing there to clean; writing into it reports any real problem
  for (const fs::directory_entry& entry : entries) {
    std::error_code type_error;
    if (entry.is_directory(type_error))
      continue;
    const std::string name = entry.path().filename().string();
    for (const std::string_view target : target_names) {
      const std::optional<long> owner = temporary_owner(name, target);
      if (!owner)
        continue;
      // kill(pid, 0) probes without signalling: ESRCH means no such process. EPERM means a
      // live process of another user, whose file is not ours to judge.
      const bool alive = *owner > 0 && static_cast<long>(static_cast<pid_t>(*owner)) == *owner &&
                         (::kill(static_cast<pid_t>(*owner), 0) == 0 || errno != ESRCH);
      if (!alive && remove_file_durably(entry.path()))
        removed.push_back(entry.path());
      break;
    }
  }
  return removed;
}

bool remove_file_durably(const std::filesystem::path& path) {
  if (::unlink(path.c_str()) != 0) {
    const int error = errno;
    if (error == ENOENT)
      return false;
    throw OutputError(path, fmt::format("cannot remove {}: {}", quoted(path), os_reason(error)),
                      std::error_code(error, std::system_category()));
  }
  const fs::path directory = path.parent_path();
  sync_directory(directory.empty() ? fs::path(".") : directory);
  return true;
}

std::vector<std::filesystem::path> publish_file_set(const std::filesystem::path& directory,
                                                    std::vector<std::unique_ptr<AtomicFile>>& files,
                                                    std::string_view marker,
                                                    const std::vector<std::string_view>& names) {
  const auto writes = [&](std::string_view name) {
    return std::any_of(files.begin(), files.end(),
                       [&](const auto& file) { return file->path().filename() == name; });
  };
  // The marker goes first and comes back last, so whenever it is present every other file of
  // the set beside it belongs to the set it completes.
  remove_file_durably(directory / marker);
  for (const std::string_view name : names) {
    if (name != marker && !writes(name))
      remove_file_durably(directory / name);
  }
  std::stable_partition(files.begin(), files.end(),
                        [&](const auto& file) { return file->path().filename() != marker; });
  std::vector<fs::path> written;
  for (const std::unique_ptr<AtomicFile>& file : files) {
    file->commit();
    written.push_back(file->path());
  }
  return written;
}

void ensure_directory(const std::filesystem::path& path) {
  std::error_code error;
  fs::create_directories(path, error);
  std::error_code check_error;
  if (!error && fs::is_directory(path, check_error))
    return;
  // create_directories reports a file in the way as "File exists" or "Not a directory" without
  // saying which component is the file; find it so the message does.
  for (fs::path component = path; !component.empty(); component = component.parent_path()) {
    std::error_code status_error;
    const fs::file_status status = fs::status(component, status_error);
    if (fs::exists(status) && !fs::is_directory(status)) {
      throw OutputError(path,
                        fmt::format("cannot create directory {}: {} exists and is not a directory",
                                    quoted(path), quoted(component)),
                        std::make_error_code(std::errc::not_a_directory));
    }
    if (component == component.parent_path())
      break;
  }
  if (!error)
    error = check_error ? check_error : std::make_error_code(std::errc::not_a_directory);
  throw OutputError(
      path, fmt::format("cannot create directory {}: {}", quoted(path), error.message()), error);
}

}  // namespace capsim::output
