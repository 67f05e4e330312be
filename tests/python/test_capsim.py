"""The Python module against the command line: the same files, value for value; bad input as
InputError with its place; threads as serial runs. Runs with PYTHONPATH=build/<preset>/python,
CAPSIM_BINARY and CAPSIM_SOURCE_DIR set by ctest (tests/CMakeLists.txt)."""

import json
import math
import os
import subprocess
import threading

import pytest

import capsim

SOURCE = os.environ["CAPSIM_SOURCE_DIR"]
BINARY = os.environ["CAPSIM_BINARY"]
FLAGSHIP = os.path.join(SOURCE, "scenarios", "meta-2025-60b.yaml")
EXAMPLE = os.path.join(SOURCE, "scenarios", "examples", "example.yaml")


def cli_run(scenario, out, *arguments):
    subprocess.run([BINARY, "run", scenario, "--out", str(out), "--no-report", "--quiet",
                    *arguments], check=True, stdout=subprocess.DEVNULL)
    return {name: open(os.path.join(out, name), encoding="utf-8").read()
            for name in sorted(os.listdir(out))}


def same_values(python_table, cli_text):
    """Every cell of a pandas table equals the CLI's CSV read independently, value for value."""
    import csv
    import io
    rows = list(csv.reader(io.StringIO(cli_text)))
    header, body = rows[0], rows[1:]
    assert list(python_table.columns) == header
    assert len(python_table) == len(body)
    for r, row in enumerate(body):
        for c, cell in enumerate(row):
            value = python_table.iat[r, c]
            try:
                expected = float(cell)
            except ValueError:
                expected = None
            if expected is None:
                assert (value if isinstance(value, str) else "") == cell or \
                    (cell == "" and value != value), (header[c], r, cell, value)
            elif math.isnan(expected):
                assert value != value
            else:
                assert float(value) == expected, (header[c], r, cell, value)


def test_flagship_matches_the_cli_value_for_value(tmp_path):
    cli = cli_run(FLAGSHIP, tmp_path / "cli")
    result = capsim.run(FLAGSHIP)
    # The same bytes: one code path writes both (study::run_files).
    assert sorted(result.files) == sorted(cli)
    for name, text in cli.items():
        assert result.files[name] == text, name
    # And the tables hold the files' values: every cell of every CSV.
    for name in ("timeseries", "timeseries_sites", "timeseries_clusters", "yearly", "buildout"):
        same_values(getattr(result, name), cli[name + ".csv"])
    assert result.summary == json.loads(cli["summary.json"])
    assert result.summary["totals"]["capex_usd"] > 0
    assert result.jobs is None  # the flagship has no training jobs


def test_dict_and_text_input_and_overrides_give_the_files_path_input_gives(tmp_path):
    text = open(EXAMPLE, encoding="utf-8").read()
    by_path = capsim.run(EXAMPLE, set={"sites[0].pue": 1.3}, period="quarter")
    by_text = capsim.run(text, set=["sites[0].pue=1.3"], period="quarter")
    assert by_text.files == by_path.files
    cli = cli_run(EXAMPLE, tmp_path / "cli", "--set", "sites[0].pue=1.3", "--period", "quarter")
    assert by_path.files["summary.json"] == cli["summary.json"]
    assert by_path.files["timeseries.csv"] == cli["timeseries.csv"]
    # A dict: the scenario as data (JSON is YAML), here the example read back from its text.
    yaml = pytest.importorskip("yaml")
    as_dict = yaml.safe_load(text)
    by_dict = capsim.run(as_dict, set={"sites[0].pue": 1.3}, period="quarter")
    assert by_dict.summary["totals"] == by_path.summary["totals"]
    # The long layout: a row per period and figure.
    long = capsim.run(EXAMPLE, format="long")
    assert list(long.timeseries.columns[:5]) == ["period", "period_end", "metric", "unit", "value"]


def test_replications_give_the_monte_carlo_files(tmp_path):
    uncertain = os.path.join(SOURCE, "scenarios", "efficiency-10x-uncertain.yaml")
    result = capsim.run(uncertain, replications=4, threads=2)
    cli = cli_run(uncertain, tmp_path / "mc", "--replications", "4", "-j", "2")
    for name in ("timeseries_quantiles.csv", "replications.csv", "drivers.csv", "summary.json"):
        assert result.files[name] == cli[name], name
    assert len(result.replications) == 4
    assert "monte_carlo" in result.summary


def corpus():
    folder = os.path.join(SOURCE, "tests", "scenario", "bad")
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        if name.endswith(".expect") or not os.path.isfile(path):
            continue
        sidecar = path + ".expect"
        prefix, lines_of = ("expect: ", sidecar) if os.path.exists(sidecar) else ("# expect: ", path)
        with open(lines_of, encoding="utf-8", errors="replace") as f:
            lines = f.read().splitlines()
        expected = [line[len(prefix):] for line in lines if line.startswith(prefix)]
        with open(path, encoding="utf-8", errors="replace") as f:
            sets = [line[len("# set: "):] for line in f.read().splitlines()
                    if line.startswith("# set: ")]
        yield pytest.param(path, expected, sets, id=name)


@pytest.mark.parametrize("path, expected, sets", list(corpus()))
def test_the_bad_input_corpus_raises_input_error_with_its_place(path, expected, sets):
    with pytest.raises(capsim.InputError) as raised:
        capsim.validate(path, set=sets, allow_paths=[os.path.join(SOURCE, "tests")])
    problems = raised.value.problems
    assert len(problems) == len(expected)
    for line in expected:
        assert any(p.text.endswith(line) for p in problems), (line, [p.text for p in problems])
    # Each problem carries its place apart; str() is the command line's message.
    assert str(raised.value) == "\n".join(p.text for p in problems)
    for problem in problems:
        assert problem.text.endswith(problem.message)
        if problem.line and problem.column:
            assert ":%d:%d:" % (problem.line, problem.column) in problem.text
        elif problem.line:  # a CSV row: its line alone
            assert ":%d:" % problem.line in problem.text


def test_bad_text_names_its_place_and_a_bad_run_raises_not_crashes():
    with pytest.raises(capsim.InputError) as raised:
        capsim.run("scenario:\n  name: x\n  start: 2025-01-01\n  horizon: \"1 y\"\nsitez: []\n")
    assert raised.value.problems[0].file == "<text>"
    assert raised.value.problems[0].line == 5
    with pytest.raises(capsim.InputError):
        capsim.run(EXAMPLE, set={"sites[0].pue": "nine"})
    with pytest.raises(ValueError):
        capsim.run(EXAMPLE, period="fortnight")


def test_four_threads_give_what_serial_runs_give():
    seeds = [1, 2, 3, 4]
    serial = [capsim.run(EXAMPLE, set={"scenario.seed": s}).files for s in seeds]
    parallel = [None] * len(seeds)

    def work(i):
        parallel[i] = capsim.run(EXAMPLE, set={"scenario.seed": seeds[i]}).files

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(seeds))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert parallel == serial
    # The seeds differ, so the comparison is not of four copies of one run.
    assert len({files["summary.json"] for files in serial}) == len(seeds)


def test_without_pandas_tables_are_numpy_arrays(monkeypatch):
    monkeypatch.setattr(capsim, "_pandas", None)
    result = capsim.run(EXAMPLE)
    table = result.timeseries
    assert not hasattr(table, "iloc")
    assert list(table.dtype.names)[:2] == ["period_start", "period_end"]
    assert float(table["gpus_installed"][0]) == float(capsim.run(EXAMPLE).files[
        "timeseries.csv"].splitlines()[1].split(",")[2])


def test_sweep_returns_runs_csv_as_a_table(tmp_path):
    grid = os.path.join(SOURCE, "tests", "sweep", "data", "grid.yaml")
    runs = capsim.sweep(grid, threads=2, allow_paths=[os.path.join(SOURCE, "tests")])
    subprocess.run([BINARY, "sweep", grid, "--out", str(tmp_path / "cli"), "-j", "2",
                    "--allow-path", os.path.join(SOURCE, "tests")], check=True,
                   stdout=subprocess.DEVNULL)
    same_values(runs, open(tmp_path / "cli" / "runs.csv", encoding="utf-8").read())
    with pytest.raises(capsim.InputError):
        capsim.sweep(os.path.join(SOURCE, "tests", "sweep", "bad",
                                  "11-value-wrong-unit.yaml"),
                     allow_paths=[os.path.join(SOURCE, "tests")])


def test_scale_gives_what_the_cli_scale_gives(tmp_path):
    scale = {"catalog.accelerators[*].price_installed_per_gpu": 1.2}
    result = capsim.run(EXAMPLE, scale=scale)
    cli = cli_run(EXAMPLE, tmp_path / "cli", "--scale",
                  "catalog.accelerators[*].price_installed_per_gpu=1.2")
    assert result.files["summary.json"] == cli["summary.json"]
    plain = capsim.run(EXAMPLE)
    assert result.summary["totals"]["capex_gpus_usd"] != plain.summary["totals"]["capex_gpus_usd"]
    with pytest.raises(capsim.InputError) as raised:
        capsim.run(EXAMPLE, scale={"sites[*].pwe": 1.2})
    assert raised.value.problems[0].file == "--scale #1"
    with pytest.raises(ValueError):
        capsim.run(EXAMPLE, scale=scale, replications=3)
