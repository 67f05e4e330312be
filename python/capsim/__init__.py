"""capsim from Python: run scenarios, validate them and run sweeps without a shell.

    import capsim
    result = capsim.run("scenarios/meta-2025-60b.yaml", set={"sites[0].pue": 1.2})
    result.summary["totals"]["capex_usd"]
    result.timeseries.plot(x="period_end", y="gpus_installed")

Every call runs what the command line runs: `capsim.run` returns the files `capsim run --out`
writes (report.html aside), read into pandas DataFrames (numpy structured arrays where pandas
is missing), value for value the CLI's. The simulation runs without the GIL, so threads run
scenarios in parallel. docs/python.md has the whole API.
"""

import csv
import io
import json
import os
import tempfile

from . import _capsim

__all__ = ["run", "validate", "sweep", "Result", "InputError", "Problem", "version"]

version = _capsim.version

try:
    import pandas as _pandas
except ImportError:  # a machine without python3-pandas: numpy arrays instead
    _pandas = None


class Problem:
    """One problem with an input: where it is and what is wrong."""

    __slots__ = ("file", "line", "column", "path", "message", "text")

    def __init__(self, file, line, column, path, message, text):
        self.file = file
        self.line = line
        self.column = column
        self.path = path
        self.message = message
        self.text = text

    def __repr__(self):
        return "Problem(%r)" % self.text

    def __str__(self):
        return self.text


class InputError(ValueError):
    """A scenario, sweep or override capsim refuses, as `capsim validate` would (exit 2).

    `problems` lists every problem found, each with its file, line, column, key path and
    message; str() is the command line's message, one problem a line.
    """

    def __init__(self, problems):
        self.problems = [Problem(*p) for p in problems]
        super().__init__("\n".join(p.text for p in self.problems))


def _outcome(result):
    value, problems = result
    if problems:
        raise InputError(problems)
    return value


def _text_of(value):
    """A --set value as the command line would write it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, default=str)
    return str(value)


def _input(scenario, set, allow_large, allow_paths, scale=None):
    given = _capsim.ScenarioInput()
    if isinstance(scenario, dict):
        # JSON is YAML: a dict goes to the loader as text, dates and the like as strings.
        given.path_or_text = json.dumps(scenario, default=str, indent=1)
        given.is_text = True
        given.name = "<dict>"
    elif isinstance(scenario, (str, os.PathLike)):
        text = os.fspath(scenario)
        if "\n" in text or (not os.path.exists(text) and ":" in text):
            given.path_or_text = text
            given.is_text = True
            given.name = "<text>"
        else:
            given.path_or_text = text
    else:
        raise TypeError("scenario: expected a path, YAML text or a dict, found %s"
                        % type(scenario).__name__)
    if isinstance(set, dict) or set is None:
        given.sets = ["%s=%s" % (key, _text_of(value)) for key, value in (set or {}).items()]
    else:  # "key.path=value" strings, as --set takes them
        given.sets = [str(item) for item in set]
    given.scales = ["%s=%s" % (key, _text_of(value)) for key, value in (scale or {}).items()]
    given.allow_large = bool(allow_large)
    given.allow_paths = [os.fspath(p) for p in (allow_paths or [])]
    return given


def _table(text):
    """A CSV file's text as a DataFrame, or as a numpy structured array without pandas."""
    if _pandas is not None:
        # round_trip: the shortest round-trip reals capsim writes read back to the same doubles
        # (pandas' default parser can be one unit in the last place off).
        return _pandas.read_csv(io.StringIO(text), float_precision="round_trip")
    import numpy

    rows = list(csv.reader(io.StringIO(text)))
    header, body = rows[0], rows[1:]
    columns = []
    for index, name in enumerate(header):
        cells = [row[index] for row in body]
        try:
            columns.append(numpy.array([float(c) if c != "" else numpy.nan for c in cells]))
        except ValueError:
            columns.append(numpy.array(cells, dtype=object))
    return numpy.rec.fromarrays(columns, names=header) if body else numpy.array([])


class Result:
    """A run's files: `summary` (a dict), and tables for the CSV files it wrote.

    `timeseries`, `timeseries_sites`, `timeseries_clusters`, `yearly`, `buildout` and `jobs`
    (None when the run wrote none); with replications also `timeseries_quantiles`,
    `replications` and `drivers`. `files` holds every file's text by name, exactly as the
    command line writes it.
    """

    _tables = ("timeseries", "timeseries_sites", "timeseries_clusters", "yearly", "buildout",
               "jobs", "timeseries_quantiles", "replications", "drivers")

    def __init__(self, files):
        self.files = dict(files)
        self.summary = json.loads(self.files["summary.json"]) if "summary.json" in self.files \
            else None
        self._read = {}

    def __getattr__(self, name):
        if name in Result._tables:
            if name not in self._read:
                text = self.files.get(name + ".csv")
                self._read[name] = _table(text) if text is not None else None
            return self._read[name]
        raise AttributeError(name)

    def __repr__(self):
        return "capsim.Result(%s)" % ", ".join(sorted(self.files))


def run(scenario, set=None, replications=None, period=None, threads=None, format="wide",
        allow_large=False, allow_paths=None, scale=None):
    """Runs a scenario as `capsim run --out` does and returns its Result.

    scenario: a path, YAML text or a dict. set: {"key.path": value} overrides, as --set (or a
    list of "key.path=value" strings). scale: {"key.path": factor}, as --scale: every number the
    path matches is multiplied ("catalog.accelerators[*].price_installed_per_gpu": 1.2).
    replications: Monte Carlo replications (the scenario's scenario.replications when None).
    period: "day", "week", "month", "quarter" or "year" (the scenario's when None).
    threads: for replications (the cores when None). format: "wide" or "long" series.
    Raises InputError for a scenario capsim refuses.
    """
    if format not in ("wide", "long"):
        raise ValueError('format: expected "wide" or "long", found %r' % (format,))
    given = _input(scenario, set, allow_large, allow_paths, scale)
    files = _outcome(_capsim.run(given, int(replications or 0), period,
                                 int(threads or os.cpu_count() or 1), format == "long"))
    return Result(files)


def validate(scenario, set=None, allow_large=False, allow_paths=None):
    """Loads a scenario as `capsim validate` does; returns its name, or raises InputError."""
    return _outcome(_capsim.validate(_input(scenario, set, allow_large, allow_paths)))


def sweep(path, threads=None, out=None, allow_large=False, allow_paths=None):
    """Runs a sweep file as `capsim sweep` does and returns runs.csv as a table.

    out: the folder for the sweep's files (its journal lets an interrupted sweep resume);
    a temporary folder, removed afterwards, when None.
    """
    def run_into(folder):
        _outcome(_capsim.sweep(os.fspath(path), folder, int(threads or os.cpu_count() or 1),
                               bool(allow_large), [os.fspath(p) for p in (allow_paths or [])]))
        with open(os.path.join(folder, "runs.csv"), encoding="utf-8") as f:
            return _table(f.read())

    if out is not None:
        return run_into(os.fspath(out))
    with tempfile.TemporaryDirectory(prefix="capsim-sweep-") as folder:
        return run_into(folder)
