#pragma once
/// Writing output files so that no reader ever sees half of one.
///
/// Content goes to a temporary file in the target's directory (".NAME.tmp.PID.N"), is flushed
/// and fsynced, then renamed over the target. rename() within one directory is atomic on POSIX
/// file systems: a reader (pandas, a spreadsheet, a sweep merger, a dashboard polling the file)
/// sees either the old file or the complete new one, never a prefix. The temporary lives in the
/// same directory because rename() cannot cross file systems. POSIX only.

#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace capsim::output {

/// An output file could not be written. what() names the path and the OS reason, e.g.
/// "cannot write 'out/jobs.csv': cannot create temporary 'out/.jobs.csv.tmp.42.0': No such
/// file or directory".
class OutputError : public std::runtime_error {
 public:
  OutputError(std::filesystem::path path, const std::string& message, std::error_code code = {});
  /// The file or directory the caller asked for (not the temporary).
  const std::filesystem::path& path() const { return path_; }
  /// The OS error behind the failure; empty when the failure was not an OS error.
  std::error_code code() const { return code_; }

 private:
  std::filesystem::path path_;
  std::error_code code_;
};

/// One file being written atomically:
///
///     AtomicFile file(path);
///     file.write(header);
///     file.write(rows);
///     file.commit();  // only now does `path` change
///
/// Until commit() the target is untouched. Destroying an uncommitted AtomicFile (for instance
/// while an exception unwinds) removes the temporary. Every failure removes the temporary and
/// throws OutputError; the object is then discarded and any further write() or commit() throws
/// std::logic_error. Safe to use from many threads at once, on different targets or even on the
/// same one (the last commit wins, each reader still sees one whole file). The new file gets
/// the usual permissions (0666 minus the umask), not those of the file it replaces.
class AtomicFile {
 public:
  /// Creates the temporary next to `path`. Throws OutputError if it cannot (the directory does
  /// not exist, no permission, `path` has no file name).
  explicit AtomicFile(std::filesystem::path path);
  /// Discards the temporary unless commit() succeeded. Never throws.
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  /// Appends bytes to the temporary (unbuffered: callers pass large chunks). Retries partial
  /// writes and EINTR. Throws OutputError on failure (e.g. disk full), std::logic_error after
  /// commit() or discard().
  void write(std::string_view bytes);
  /// fsyncs and closes the temporary, then renames it over the target (replacing any file
  /// there). Throws OutputError on failure, for instance when the target is a directory;
  /// std::logic_error if already committed or discarded.
  void commit();
  /// Removes the temporary without touching the target. No effect after commit(). Never throws.
  void discard() noexcept;

  /// The file that commit() replaces.
  const std::filesystem::path& path() const { return path_; }
  /// Where the content goes until commit(); in the same directory as path().
  const std::filesystem::path& temporary_path() const { return temporary_path_; }
  /// True once commit() has succeeded.
  bool committed() const { return state_ == State::committed; }

 private:
  enum class State { open, committed, discarded };

  /// Discards the temporary, then throws OutputError for `what` with `error` (an errno).
  [[noreturn]] void fail(const std::string& what, int error);

  std::filesystem::path path_;
  std::filesystem::path temporary_path_;
  int fd_ = -1;
  State state_ = State::open;
};

/// Replaces the file at `path` with `content` atomically (see AtomicFile). Throws OutputError.
void write_file_atomically(const std::filesystem::path& path, std::string_view content);

/// The process ID in `file_name` if it is the name of a temporary an AtomicFile for a target
/// named `target_name` creates (".TARGET.tmp.PID.N"); nullopt for any other name. An ID too
/// large for any process is returned as -1.
std::optional<long> temporary_owner(std::string_view file_name, std::string_view target_name);

/// Removes from `directory` the temporaries of targets named in `target_names` whose process
/// no longer runs (left by a killed or crashed writer). Temporaries of live processes, this
/// one included, and every other file are left alone. Returns the paths removed. O(files in
/// the directory). Throws OutputError if a temporary cannot be removed.
std::vector<std::filesystem::path> remove_stale_temporaries(
    const std::filesystem::path& directory, const std::vector<std::string_view>& target_names);

/// Removes the file at `path` if there is one, and makes the removal durable (fsync of the
/// directory) before returning, so that it cannot be reordered after a later rename. Returns
/// true if a file was removed. Throws OutputError if it cannot be removed.
bool remove_file_durably(const std::filesystem::path& path);

/// Publishes files as one set into `directory`, so that a reader can tell a whole set from a
/// torn one: the set's `marker` (summary.json of a run, runs.csv of a sweep) is present only
/// when every file of the set beside it belongs with it. `files` are complete in their
/// temporaries and nothing in the directory has changed yet. Removes the marker first
/// (durably), then every file named in `names` that `files` do not write (an earlier set's
/// file this one lacks), then commits `files` in order, the marker last. Files not named in
/// `names` are never touched. A failure (OutputError) before the marker's commit leaves no
/// marker. Returns the paths committed, in order. O(files).
std::vector<std::filesystem::path> publish_file_set(const std::filesystem::path& directory,
                                                    std::vector<std::unique_ptr<AtomicFile>>& files,
                                                    std::string_view marker,
                                                    const std::vector<std::string_view>& names);

/// Creates directory `path` and any missing parents; nothing to do if it already exists.
/// Throws OutputError if it cannot, naming the component that exists but is not a directory
/// when that is the reason.
void ensure_directory(const std::filesystem::path& path);

}  // namespace capsim::output
