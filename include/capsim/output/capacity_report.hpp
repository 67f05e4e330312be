#pragma once
/// What `capsim run` writes: timeseries.csv, buildout.csv and summary.json (each written
/// atomically), and the short text summary printed on the terminal.

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "capsim/model/capacity_model.hpp"
#include "capsim/output/json_writer.hpp"

namespace capsim::output {

class AtomicFile;  // atomic_file.hpp

/// A column of a file whose rows are records (buildout.csv, jobs.csv): its name, unit and
/// meaning, declared once for the header and docs/outputs.md.
struct RecordColumn {
  std::string_view name;
  std::string_view unit;
  std::string_view meaning;
};

/// buildout.csv's columns, in order.
const std::vector<RecordColumn>& buildout_columns();
/// jobs.csv's columns, in order.
const std::vector<RecordColumn>& jobs_columns();
/// jobs.csv's last columns, one per failure cause: the prefix of their names.
const RecordColumn& jobs_cause_column();
/// The Monte Carlo files' columns (written by capsim/study), declared here beside the run's
/// for their headers and docs/outputs.md. replications.csv's names in <angle brackets> stand
/// for one column per input, figure, site or year.
const std::vector<RecordColumn>& timeseries_quantiles_columns();
const std::vector<RecordColumn>& replications_columns();
const std::vector<RecordColumn>& drivers_columns();
/// A header of declared columns, in order.
std::vector<std::string> header_of(const std::vector<RecordColumn>& columns);

/// The CSV of the per-period table: period_start, period_end, the row's key cells (site,
/// cluster), then every recorder column.
std::string timeseries_csv(const Recorder& timeseries);
/// The same table long (tidy): a row per period and column: period (its start), period_end,
/// metric, unit, value, then the key cells of long_series_keys() (empty where the figure is not
/// of one).
std::string timeseries_long_csv(const Recorder& timeseries);
/// site, cluster, part, service, tenant.
const std::vector<std::string>& long_series_keys();

/// The series files' layout: a column per figure (wide), or a row per figure (long).
enum class SeriesLayout { wide, long_form };
/// One row per build-out event, in time order.
std::string buildout_csv(const std::vector<BuildoutEvent>& buildout, const Calendar& calendar);
/// One row per training job: submit, start, end, wait, GPUs, cluster, interruptions, goodput,
/// then interruptions_<cause> for each of `causes` (TrainingSummary::failure_causes).
std::string jobs_csv(const std::vector<TrainingJobRecord>& jobs,
                     const std::vector<std::string>& causes, const Calendar& calendar, Tick end);
/// jobs.csv written as the run goes: each row goes to the file's temporary as the model hands
/// it over (in chunks of about 1 MB), so no finished job's row stays in memory. write_run
/// publishes the file with the run's other files; until then the target is untouched, and a
/// run that fails leaves nothing (the temporary goes with this object).
class JobsCsvStream final : public JobRecordSink {
 public:
  JobsCsvStream(std::filesystem::path path, const Calendar& calendar, Tick end);
  ~JobsCsvStream() override;
  void begin(const std::vector<std::string>& failure_causes) override;
  void add(const TrainingJobRecord& record) override;
  /// The whole file, ready to publish; none when the run had no training jobs (begin() never
  /// came).
  std::unique_ptr<AtomicFile> take_file();

 private:
  void flush();

  std::filesystem::path path_;
  Calendar calendar_;
  Tick end_;
  std::size_t causes_ = 0;
  std::unique_ptr<AtomicFile> file_;
  std::string buffer_;
};

/// The headline figures as JSON; `more` adds members at the end (a Monte Carlo study's).
std::string summary_json(const Scenario& scenario, const CapacityRun& run,
                         const std::function<void(JsonWriter&)>& more = {});
/// A few lines for a planner at a terminal: the fleet at each year end and the totals.
std::string text_summary(const Scenario& scenario, const CapacityRun& run);

/// The names of every file write_run can write, summary.json last.
const std::vector<std::string_view>& run_file_names();

/// Writes the files the scenario's `outputs` section asks for into `directory` (created if
/// needed), as one set. Returns the paths written, in the order they were published.
///
/// Each file is first written whole under a temporary name. Then the old summary.json goes,
/// run files of an earlier run that this run does not write go (jobs.csv of a run without
/// training, say), each new file is renamed into place, and summary.json comes last. So a
/// folder with a summary.json holds one whole run; without it, the run is torn or did not
/// ask for a summary. Temporaries of killed writers (remove_stale_temporaries) are removed
/// first. Files whose names are not in run_file_names() are never touched. A failure while
/// the temporaries are written (a full disk) leaves the earlier run as it was. Throws
/// OutputError.
/// What a study writes beside a run's own files: more files (whose names run_file_names lists)
/// and more members of summary.json.
struct RunExtras {
  std::vector<std::pair<std::string, std::string>> files;  ///< name, content
  std::function<void(JsonWriter&)> summary_members;
  /// When set, report.html is written in the set: the page this returns, given the names of
  /// the other files written beside it (the CLI passes report::run_report_html).
  std::function<std::string(const std::vector<std::string>& files)> report;
  /// jobs.csv as the run streamed it (capsim run), instead of the run's collected rows.
  JobsCsvStream* jobs_stream = nullptr;
  /// timeseries.csv, timeseries_sites.csv and timeseries_clusters.csv: wide or long.
  SeriesLayout layout = SeriesLayout::wide;
};

std::vector<std::filesystem::path> write_run(const std::filesystem::path& directory,
                                             const Scenario& scenario, const CapacityRun& run,
                                             const RunExtras& extras = {});

/// A file's name and its whole content.
using NamedText = std::pair<std::string, std::string>;
/// What write_run writes, as text and in its order, summary.json last, report.html (a page to
/// look at, not data) left out: the series and yearly.csv, buildout.csv, jobs.csv (the run's
/// collected rows; with extras.jobs_stream, none: the stream holds them), extras.files. One
/// computation for the files and for a caller that keeps a run in memory (the Python
/// module), so that both hold the same bytes.
std::vector<NamedText> run_file_texts(const Scenario& scenario, const CapacityRun& run,
                                      const RunExtras& extras = {});

}  // namespace capsim::output
