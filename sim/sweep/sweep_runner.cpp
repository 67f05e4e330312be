#include "capsim/sweep/sweep_runner.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <system_error>
#include <thread>

#include <fmt/format.h>

#include "capsim/core/text.hpp"
#include "capsim/model/capacity_model.hpp"
#include "capsim/output/atomic_file.hpp"
#include "capsim/output/csv_writer.hpp"
#include "capsim/scenario/loader.hpp"

namespace capsim::sweep {

namespace {

namespace fs = std::filesystem;

bool glob_match(std::string_view pattern, std::string_view text) {
  // Iterative '*' matching with one backtrack point: O(|pattern| * |text|) at worst.
  std::size_t p = 0, t = 0, star = std::string_view::npos, resume = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*')
    ++p;
  return p == pattern.size();
}

Manifest manifest_of(const Sweep& sweep, const Shard& shard, std::vector<std::string> figures) {
  Manifest manifest;
  manifest.sweep = sweep.spec.name;
  manifest.fingerprint = sweep.fingerprint;
  manifest.runs = sweep.run_count();
  manifest.replications = static_cast<std::uint64_t>(sweep.spec.replications);
  manifest.seed = static_cast<std::uint64_t>(sweep.spec.seed);
  manifest.shard_index = shard.index;
  manifest.shard_count = shard.count;
  for (const ValueColumn& column : sweep.parameter_columns)
    manifest.parameters.push_back(column.header);
  for (const ValueColumn& column : sweep.input_columns)
    manifest.inputs.push_back(column.header);
  manifest.figures = std::move(figures);
  return manifest;
}

[[noreturn]] void fail_os(const std::string& what, const fs::path& path) {
  throw output::OutputError(
      path, fmt::format("cannot {} '{}': {}", what, path.string(), std::strerror(errno)),
      std::error_code(errno, std::generic_category()));
}

/// The journal: an append-only file of finished rows, each batch fsynced.
class Journal {
 public:
  struct Entry {
    std::uint64_t run_id;
    std::uint64_t offset;
    std::uint64_t length;  ///< with its "\n"
  };

  Journal(fs::path path, const std::string& header_line) : path_(std::move(path)) {
    fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd_ < 0)
      fail_os("open the journal", path_);
    struct stat status {};
    if (::fstat(fd_, &status) != 0)
      fail_os("read the journal", path_);
    size_ = static_cast<std::uint64_t>(status.st_size);
    if (size_ == 0)
      append(header_line);
  }
  ~Journal() {
    if (fd_ >= 0)
      ::close(fd_);
  }
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  /// The whole file as it is now.
  std::string read_all() const { return read_range(0, size_); }

  /// Cuts a torn last line (a write the process did not finish) off the file.
  void truncate(std::uint64_t size) {
    if (::ftruncate(fd_, static_cast<off_t>(size)) != 0 || ::fdatasync(fd_) != 0)
      fail_os("truncate the journal", path_);
    size_ = size;
  }

  /// Appends `bytes` and makes them durable; returns the offset they start at.
  std::uint64_t append(std::string_view bytes) {
    const std::uint64_t start = size_;
    std::uint64_t done = 0;
    while (done < bytes.size()) {
      const ssize_t wrote =
          ::pwrite(fd_, bytes.data() + done, bytes.size() - done, static_cast<off_t>(start + done));
      if (wrote < 0 && errno == EINTR)
        continue;
      if (wrote <= 0)
        fail_os("append to the journal", path_);
      done += static_cast<std::uint64_t>(wrote);
    }
    if (::fdatasync(fd_) != 0)
      fail_os("sync the journal", path_);
    size_ = start + bytes.size();
    return start;
  }

  std::string read(const Entry& entry) const { return read_range(entry.offset, entry.length); }

  /// `length` bytes from `offset`, retrying short and interrupted reads.
  std::string read_range(std::uint64_t offset, std::uint64_t length) const {
    std::string text(length, '\0');
    std::uint64_t done = 0;
    while (done < length) {
      const ssize_t got =
          ::pread(fd_, text.data() + done, length - done, static_cast<off_t>(offset + done));
      if (got < 0 && errno == EINTR)
        continue;
      if (got <= 0)
        fail_os("read the journal", path_);
      done += static_cast<std::uint64_t>(got);
    }
    return text;
  }

  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
  int fd_ = -1;
  std::uint64_t size_ = 0;
};

/// DIR/.lock, exclusively flock()ed for as long as a sweep writes DIR: a second process on the
/// same --out would append to the journal at offsets the first does not know of.
class FolderLock {
 public:
  explicit FolderLock(const fs::path& folder) : path_(folder / ".lock") {
    fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd_ < 0)
      fail_os("create the lock file", path_);
    int status = 0;
    do {
      status = ::flock(fd_, LOCK_EX | LOCK_NB);
    } while (status != 0 && errno == EINTR);
    if (status != 0) {
      const int error = errno;
      ::close(fd_);
      fd_ = -1;
      if (error == EWOULDBLOCK) {
        throw SweepError(fmt::format(
            "another capsim sweep is writing '{}' (its lock {} is held); wait for it or use "
            "another --out",
            folder.string(), path_.string()));
      }
      errno = error;
      fail_os("lock", path_);
    }
  }
  ~FolderLock() {
    if (fd_ >= 0)
      ::close(fd_);  // releases the lock
  }
  FolderLock(const FolderLock&) = delete;
  FolderLock& operator=(const FolderLock&) = delete;

 private:
  fs::path path_;
  int fd_ = -1;
};

/// Reads the journal's rows; cuts a torn last line; refuses anything else malformed.
std::vector<Journal::Entry> load_journal(Journal& journal, const Sweep& sweep,
                                         const Manifest& manifest, const Shard& shard,
                                         const std::string& header_line) {
  std::string text = journal.read_all();
  if (text.find('\n') == std::string::npos) {
    // Killed while writing the header: nothing was lost, start the journal again.
    journal.truncate(0);
    journal.append(header_line);
    text = header_line;
  }
  const std::string where = journal.path().string();
  const auto damaged = [&](std::size_t line, const std::string& what) {
    return SweepError(
        fmt::format("{}:{}: expected {}; the journal is damaged: run with --restart "
                    "to start the sweep over",
                    where, line, what));
  };
  if (text.compare(0, header_line.size(), header_line) != 0)
    throw damaged(1, "the header of this sweep's runs.csv");
  std::vector<Journal::Entry> entries;
  std::vector<bool> seen(manifest.runs, false);
  std::vector<std::string> fields;
  // The seed is checked against this sweep's (an older manifest may lack it).
  Manifest checked = manifest;
  checked.seed = static_cast<std::uint64_t>(sweep.spec.seed);
  std::size_t offset = header_line.size();
  std::size_t line_number = 2;
  while (offset < text.size()) {
    const std::size_t end = text.find('\n', offset);
    if (end == std::string::npos) {
      journal.truncate(offset);  // torn: the process died while appending this line
      break;
    }
    const std::string_view line(text.data() + offset, end - offset);
    std::uint64_t run_id = 0;
    if (!split_csv_line(line, fields))
      throw damaged(line_number, "a CSV row, found an unbalanced quote");
    if (const std::optional<std::string> problem = row_problem(fields, checked, run_id))
      throw damaged(line_number, *problem);
    if (!shard.contains(run_id)) {
      throw damaged(line_number, fmt::format("a run of shard {}/{}, found run {}", shard.index,
                                             shard.count, run_id));
    }
    if (seen[run_id])
      throw damaged(line_number, fmt::format("run {} once, found it again", run_id));
    seen[run_id] = true;
    entries.push_back(Journal::Entry{run_id, offset, end - offset + 1});
    offset = end + 1;
    ++line_number;
  }
  return entries;
}

void remove_if_present(const fs::path& path) {
  std::error_code error;
  fs::remove(path, error);
  if (error)
    throw output::OutputError(
        path, fmt::format("cannot remove '{}': {}", path.string(), error.message()), error);
}

}  // namespace

std::optional<Shard> parse_shard(const std::string& text) {
  const std::size_t slash = text.find('/');
  if (slash == std::string::npos)
    return std::nullopt;
  Shard shard;
  const auto parse = [](std::string_view digits, std::uint64_t& value) {
    const auto [ptr, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    return !digits.empty() && error == std::errc() && ptr == digits.data() + digits.size();
  };
  if (!parse(std::string_view(text).substr(0, slash), shard.index) ||
      !parse(std::string_view(text).substr(slash + 1), shard.count) || shard.index < 1 ||
      shard.index > shard.count) {
    return std::nullopt;
  }
  return shard;
}

std::vector<std::string> collect_columns(const Sweep& sweep,
                                         const std::vector<output::SummaryFigure>& figures) {
  Diagnostics diagnostics;
  std::vector<std::string> columns;
  std::set<std::string> taken{"run_id", "point", "replication", "seed"};
  taken.insert(sweep.parameter_names.begin(), sweep.parameter_names.end());
  taken.insert(sweep.input_names.begin(), sweep.input_names.end());
  std::vector<std::string> names;
  for (const output::SummaryFigure& figure : figures)
    names.push_back(figure.name);
  for (std::size_t i = 0; i < sweep.spec.collect.size(); ++i) {
    const std::string& pattern = sweep.spec.collect[i];
    const SourceLocation at =
        i < sweep.collect_locations.size() ? sweep.collect_locations[i] : SourceLocation{};
    bool matched = false;
    for (const std::string& name : names) {
      if (!glob_match(pattern, name))
        continue;
      matched = true;
      if (std::find(columns.begin(), columns.end(), name) != columns.end())
        continue;
      if (taken.count(name) && pattern.find('*') != std::string::npos)
        continue;  // "*" also matches the scenario's seed: runs.csv has it already
      if (taken.count(name)) {
        diagnostics.add(at, fmt::format("collect[{}]", i),
                        fmt::format("expected a figure whose name is not already a column of "
                                    "runs.csv, found \"{}\"",
                                    excerpt(name)));
        continue;
      }
      columns.push_back(name);
    }
    if (!matched) {
      const std::string suggestion = closest_match(pattern, names);
      diagnostics.add(
          at, fmt::format("collect[{}]", i),
          fmt::format("expected the name of a summary figure of the base scenario's runs "
                      "(a path into summary.json), found \"{}\"{}",
                      excerpt(pattern),
                      suggestion.empty() ? "" : fmt::format(" (did you mean '{}'?)", suggestion)));
    }
  }
  diagnostics.throw_if_any();
  return columns;
}

std::vector<output::SummaryFigure> simulate_run(const Sweep& sweep, std::uint64_t run_id) {
  const auto replications = static_cast<std::uint64_t>(sweep.spec.replications);
  Scenario scenario;
  try {
    scenario = scenario::load_scenario(sweep.base, sweep.overrides(run_id), sweep.load_options);
  } catch (const InputError& error) {
    // Each value loaded on its own; together they do not: say which run.
    std::vector<Diagnostic> diagnostics = error.diagnostics();
    const SweepPoint& point = sweep.points[run_id / replications];
    std::vector<std::string> values;
    for (std::size_t p = 0; p < sweep.parameter_names.size(); ++p)
      values.push_back(
          fmt::format("{} = \"{}\"", sweep.parameter_names[p], excerpt(point.values[p])));
    const std::vector<std::string> drawn = sweep.input_values(run_id % replications);
    for (std::size_t i = 0; i < drawn.size(); ++i)
      values.push_back(fmt::format("{} = \"{}\" (drawn)", sweep.input_names[i], excerpt(drawn[i])));
    diagnostics.push_back(Diagnostic{
        SourceLocation{std::make_shared<const std::string>(sweep.file)}, "",
        fmt::format("run {} (point {}: {}) does not load: expected values that are valid "
                    "together",
                    run_id, run_id / replications, fmt::join(values, ", "))});
    throw InputError(std::move(diagnostics));
  }
  return output::summary_figures(scenario, run_capacity(scenario));
}

std::vector<std::string> resolve_columns(const Sweep& sweep) {
  return collect_columns(sweep, simulate_run(sweep, 0));
}

std::string format_run_row(const Sweep& sweep, std::uint64_t run_id,
                           const std::vector<output::SummaryFigure>& produced,
                           const std::vector<std::string>& figures) {
  const auto replications = static_cast<std::uint64_t>(sweep.spec.replications);
  const std::uint64_t point = run_id / replications;
  const std::uint64_t replication = run_id % replications;
  std::vector<output::CsvCell> cells{run_id, point, replication};
  const std::vector<std::string>& values = sweep.points[point].values;
  for (std::size_t p = 0; p < values.size(); ++p)
    cells.push_back(value_cell(sweep.parameter_columns[p], values[p]));
  const std::vector<std::string> drawn = sweep.input_values(replication);
  for (std::size_t i = 0; i < drawn.size(); ++i)
    cells.push_back(value_cell(sweep.input_columns[i], drawn[i]));
  cells.emplace_back(sweep.seed_of(point, replication));
  // Figures come in the same order in every run: a moving cursor finds each in O(1) usually.
  std::size_t cursor = 0;
  for (const std::string& name : figures) {
    std::size_t found = produced.size();
    for (std::size_t k = 0; k < produced.size(); ++k) {
      const std::size_t at = (cursor + k) % produced.size();
      if (produced[at].name == name) {
        found = at;
        break;
      }
    }
    if (found == produced.size()) {
      throw SweepError(
          fmt::format("run {} (point {}, replication {}) has no summary figure '{}', "
                      "which run 0 has: does a parameter change the horizon, the "
                      "services or the tenants?",
                      run_id, point, replication, name));
    }
    if (!std::isfinite(produced[found].value)) {
      throw SweepError(fmt::format(
          "run {} (point {}, replication {}): expected a finite number for summary figure '{}', "
          "found {}: leave it out of collect, or change the values that produce it",
          run_id, point, replication, name, produced[found].value));
    }
    cells.emplace_back(produced[found].value);
    cursor = found + 1;
  }
  try {
    return output::csv_row(cells);
  } catch (const std::invalid_argument& error) {
    throw SweepError(fmt::format("run {} (point {}, replication {}): {}", run_id, point,
                                 replication, error.what()));
  }
}

std::string run_row(const Sweep& sweep, std::uint64_t run_id,
                    const std::vector<std::string>& figures) {
  return format_run_row(sweep, run_id, simulate_run(sweep, run_id), figures);
}

namespace {

/// Run 0's figures and the columns `collect` resolves to against them.
struct Probe {
  std::vector<output::SummaryFigure> figures;
  std::vector<std::string> columns;
};

Probe probe_run_0(const Sweep& sweep) {
  Probe probe;
  probe.figures = simulate_run(sweep, 0);
  probe.columns = collect_columns(sweep, probe.figures);
  return probe;
}

struct OpenedManifest {
  Manifest manifest;
  /// Run 0's row, when the manifest was written here from its probe and run 0 is the shard's:
  /// it need not run again.
  std::optional<std::string> probe_row;
};

/// The folder's manifest, refused when it is another sweep's or shard's; or, when the folder
/// has none, a new one written with the columns of `probe` (run 0, simulated now if not yet).
OpenedManifest open_or_create_manifest(const Sweep& sweep, const fs::path& out, const Shard& shard,
                                       std::optional<Probe> probe) {
  const fs::path manifest_path = out / "manifest.yaml";
  OpenedManifest opened;
  if (fs::exists(manifest_path)) {
    opened.manifest = read_manifest(manifest_path);
    const Manifest& existing = opened.manifest;
    if (existing.fingerprint != sweep.fingerprint) {
      throw SweepError(fmt::format(
          "'{}' holds the runs of sweep {} (fingerprint {}), not of this sweep file ({}): "
          "use --restart to discard them, or another --out",
          out.string(), existing.sweep, existing.fingerprint, sweep.fingerprint));
    }
    if (existing.shard_index != shard.index || existing.shard_count != shard.count) {
      throw SweepError(fmt::format(
          "'{}' holds shard {}/{} of this sweep, not {}/{}: use that "
          "--shard, --restart, or another --out",
          out.string(), existing.shard_index, existing.shard_count, shard.index, shard.count));
    }
    return opened;
  }
  if (!probe)  // the manifest went away since it was looked for
    probe = probe_run_0(sweep);
  // Run 0 fixes the columns of every shard; its row is kept when it is this shard's.
  opened.manifest = manifest_of(sweep, shard, std::move(probe->columns));
  if (shard.contains(0))
    opened.probe_row = format_run_row(sweep, 0, probe->figures, opened.manifest.figures);
  output::write_file_atomically(manifest_path, manifest_yaml(opened.manifest));
  return opened;
}

struct Slice {
  std::uint64_t runs = 0;              ///< of the shard
  std::vector<std::uint64_t> pending;  ///< not in the journal, in run-id order
};

Slice pending_runs(const Manifest& manifest, const Shard& shard,
                   const std::vector<Journal::Entry>& entries) {
  std::vector<bool> done(manifest.runs, false);
  for (const Journal::Entry& entry : entries)
    done[entry.run_id] = true;
  Slice slice;
  for (std::uint64_t id = shard.index - 1; id < manifest.runs; id += shard.count) {
    ++slice.runs;
    if (!done[id])
      slice.pending.push_back(id);
  }
  return slice;
}

/// Finished runs: (run id, runs.csv row).
using FinishedRows = std::vector<std::pair<std::uint64_t, std::string>>;

/// One durable append for the whole batch, then where each row landed.
void append_rows(Journal& journal, std::vector<Journal::Entry>& entries, const FinishedRows& rows) {
  std::string bytes;
  for (const auto& [id, row] : rows)
    bytes += row;
  std::uint64_t offset = journal.append(bytes);
  for (const auto& [id, row] : rows) {
    entries.push_back(Journal::Entry{id, offset, row.size()});
    offset += row.size();
  }
}

/// `done` runs of the slice finished, `ran` of them by this process since `started`.
void report_progress(const SweepOptions& options, const SweepResult& result, std::uint64_t done,
                     std::uint64_t ran, std::chrono::steady_clock::time_point started) {
  if (!options.on_progress)
    return;
  SweepProgress progress;
  progress.total = result.runs;
  progress.resumed = result.resumed;
  progress.done = done;
  progress.elapsed_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (ran > 0 && progress.elapsed_s > 0.0) {
    progress.runs_per_s = static_cast<double>(ran) / progress.elapsed_s;
    progress.seconds_left =
        static_cast<double>(progress.total - progress.done) / progress.runs_per_s;
  }
  options.on_progress(progress);
}

/// Worker threads that are told to stop and are joined however their owner's scope ends (a
/// failed journal write, a throwing progress callback): they refer to its frame.
class Workers {
 public:
  explicit Workers(std::atomic<bool>& stop) : stop_(stop) {}
  ~Workers() { stop_ = true; }  // then threads_ join as they are destroyed
  Workers(const Workers&) = delete;
  Workers& operator=(const Workers&) = delete;

  void start(unsigned count, const std::function<void()>& work) {
    for (unsigned t = 0; t < count; ++t) {
      try {
        threads_.emplace_back(work);
      } catch (const std::system_error& error) {
        // The system refused another thread (a limit on threads or memory): the ones started
        // do the work; with none, say so.
        if (threads_.empty()) {
          throw SweepError(
              fmt::format("cannot start a worker thread ({}): lower -j, or raise "
                          "the limit on threads",
                          error.what()));
        }
        break;
      }
    }
  }

  void join() {
    for (std::jthread& thread : threads_)
      thread.join();
  }

 private:
  std::atomic<bool>& stop_;
  std::vector<std::jthread> threads_;
};

/// Runs `pending` on up to `threads` threads. This thread hands their rows to `keep` in
/// batches and calls `progress` with the count kept so far after each wait (at most 200 ms)
/// and once at the end. After a failure the workers stop; rows finished meanwhile are kept
/// (unless `keep` failed) before the failure of `keep`, else the first of a run, is rethrown.
void run_on_threads(const Sweep& sweep, const std::vector<std::uint64_t>& pending,
                    const std::vector<std::string>& figures, unsigned threads,
                    const std::function<void(const FinishedRows&)>& keep,
                    const std::function<void(std::uint64_t)>& progress) {
  std::mutex mutex;
  std::condition_variable ready;
  FinishedRows finished;       // guarded by mutex
  std::exception_ptr failure;  // guarded by mutex
  std::atomic<std::size_t> next{0};
  std::atomic<bool> stop{false};
  const auto worker = [&] {
    while (!stop.load()) {
      const std::size_t index = next.fetch_add(1);
      if (index >= pending.size())
        return;
      try {
        std::string row = run_row(sweep, pending[index], figures);
        const std::lock_guard<std::mutex> lock(mutex);
        finished.emplace_back(pending[index], std::move(row));
      } catch (...) {
        const std::lock_guard<std::mutex> lock(mutex);
        if (!failure)
          failure = std::current_exception();
        stop = true;
      }
      ready.notify_one();
    }
  };
  Workers workers(stop);
  std::uint64_t kept = 0;
  std::exception_ptr keeping_failure;
  const auto keep_rows = [&](FinishedRows& rows) {
    keep(rows);
    kept += rows.size();
    rows.clear();
  };
  if (!pending.empty()) {
    workers.start(
        static_cast<unsigned>(std::min<std::size_t>(std::max(1u, threads), pending.size())),
        worker);
    FinishedRows batch;
    std::unique_lock<std::mutex> lock(mutex);
    while (true) {
      ready.wait_for(lock, std::chrono::milliseconds(200),
                     [&] { return !finished.empty() || stop.load(); });
      batch.swap(finished);
      const bool stopping = stop.load();
      lock.unlock();
      try {
        if (!batch.empty())
          keep_rows(batch);
      } catch (...) {
        keeping_failure = std::current_exception();
        stop = true;
      }
      progress(kept);
      lock.lock();
      if (kept == pending.size() || ((stopping || keeping_failure) && finished.empty()))
        break;
    }
  }
  workers.join();
  // Rows finished while the others stopped are results too: kept before failing.
  if (!keeping_failure && !finished.empty())
    keep_rows(finished);
  if (keeping_failure)
    std::rethrow_exception(keeping_failure);
  if (failure)
    std::rethrow_exception(failure);
  progress(kept);
}

/// runs.csv from the journal's rows in run-id order; runs_summary.csv and the report too when
/// the sweep is unsharded (a shard holds only some replications). Returns the files written.
std::vector<fs::path> write_runs_csv(const Journal& journal, std::vector<Journal::Entry> entries,
                                     const Manifest& manifest, const SweepOptions& options,
                                     const std::string& header_line) {
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return a.run_id < b.run_id; });
  const fs::path& out = options.out;
  std::vector<std::unique_ptr<output::AtomicFile>> files;
  files.push_back(std::make_unique<output::AtomicFile>(out / "runs.csv"));
  output::AtomicFile& runs_file = *files.back();
  const bool whole = options.shard.count == 1;
  std::optional<SummaryBuilder> summary;
  if (whole)
    summary.emplace(manifest);
  const bool report = whole && options.report;
  RunsTable runs{runs_header(manifest), {}};
  std::string buffer = header_line;
  std::vector<std::string> fields;
  for (const Journal::Entry& entry : entries) {
    const std::string row = journal.read(entry);
    buffer += row;
    if (summary) {
      split_csv_line(std::string_view(row).substr(0, row.size() - 1), fields);
      summary->add(fields);
      if (report)
        runs.rows.push_back(fields);
    }
    if (buffer.size() > (1u << 20)) {
      runs_file.write(buffer);
      buffer.clear();
    }
  }
  runs_file.write(buffer);
  if (summary) {
    const std::string summary_text = summary->finish();
    files.push_back(std::make_unique<output::AtomicFile>(out / "runs_summary.csv"));
    files.back()->write(summary_text);
    if (report) {
      files.push_back(std::make_unique<output::AtomicFile>(out / "report.html"));
      files.back()->write(options.report(manifest, runs, summary_text));
    }
  }
  // A shard's folder keeps no runs_summary.csv or report of an earlier sweep: the set has none.
  return output::publish_file_set(out, files, kSweepDoneMarker,
                                  {"runs_summary.csv", "report.html", "runs.csv"});
}

}  // namespace

SweepResult run_sweep(const Sweep& sweep, const SweepOptions& options) {
  const fs::path& out = options.out;

  // 1. The columns: from the folder's manifest when resuming, else from run 0. Run 0 is
  //    simulated and `collect` resolved before anything is written or, with --restart,
  //    deleted, so a collect entry that matches nothing leaves the folder as it was.
  std::optional<Probe> probe;
  if (options.restart || !fs::exists(out / "manifest.yaml"))
    probe = probe_run_0(sweep);
  output::ensure_directory(out);
  const FolderLock lock(out);
  output::remove_stale_temporaries(out, sweep_file_names());
  if (options.restart) {
    for (const char* name :
         {"manifest.yaml", "journal.csv", "runs.csv", "runs_summary.csv", "report.html"})
      remove_if_present(out / name);
  }
  const OpenedManifest opened =
      open_or_create_manifest(sweep, out, options.shard, std::move(probe));
  const Manifest& manifest = opened.manifest;
  const std::vector<std::string> header = runs_header(manifest);
  const std::string header_line = output::csv_row({header.begin(), header.end()});
  // runs.csv means "finished": it goes before the journal changes and comes back at the end.
  output::remove_file_durably(out / kSweepDoneMarker);

  // 2. The journal: rows already finished.
  Journal journal(out / "journal.csv", header_line);
  std::vector<Journal::Entry> entries =
      load_journal(journal, sweep, manifest, options.shard, header_line);
  SweepResult result;
  result.resumed = entries.size();
  Slice slice = pending_runs(manifest, options.shard, entries);
  result.runs = slice.runs;
  std::vector<std::uint64_t>& pending = slice.pending;
  if (opened.probe_row && !pending.empty() && pending.front() == 0) {
    const std::string& row = *opened.probe_row;
    entries.push_back(Journal::Entry{0, journal.append(row), row.size()});
    pending.erase(pending.begin());
  }

  // 3. The pending runs on threads; this thread appends their rows to the journal.
  const auto started = std::chrono::steady_clock::now();
  const std::uint64_t resumed_total = entries.size();
  run_on_threads(
      sweep, pending, manifest.figures, options.threads,
      [&](const FinishedRows& rows) { append_rows(journal, entries, rows); },
      [&](std::uint64_t ran) {
        report_progress(options, result, resumed_total + ran, ran, started);
      });

  // 4. runs.csv in run-id order from the journal; runs_summary.csv when the sweep is whole.
  result.written = write_runs_csv(journal, std::move(entries), manifest, options, header_line);
  return result;
}

}  // namespace capsim::sweep
