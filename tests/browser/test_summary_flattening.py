"""The harness names summary.json's figures as capsim does: its Python flattening against the
C++ one (flatten_summary_json, what `capsim compare --csv` lists), on real runs, one of them a
Monte Carlo run whose summary.json nests lists in lists.

Run by ctest `browser: summary names match capsim`, which sets $CAPSIM_BINARY; by hand:
CAPSIM_BINARY=build/release/capsim /usr/bin/python3 -m pytest tests/browser/test_summary_flattening.py
"""

import csv
import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import check_report  # noqa: E402


def capsim(*arguments):
    binary = os.environ.get("CAPSIM_BINARY")
    assert binary, "set CAPSIM_BINARY to the capsim binary"
    subprocess.run([binary] + list(arguments), check=True, cwd=SOURCE, capture_output=True,
                   timeout=300)


@pytest.mark.parametrize("scenario, options", [
    ("meta-2025-60b", []),
    # 3 replications: enough for the monte_carlo section (distribution, risk, drivers).
    ("meta-2025-60b-uncertain", ["--replications", "3"]),
])
def test_python_names_and_values_equal_capsims(scenario, options, tmp_path):
    out = str(tmp_path / scenario)
    capsim("run", "scenarios/%s.yaml" % scenario, "--out", out, *options)
    capsim("compare", out, out, "--csv", str(tmp_path / "compare.csv"))
    with open(tmp_path / "compare.csv", newline="") as f:
        rows = list(csv.reader(f))[1:]  # figure, the run's value, ...
    with open(os.path.join(out, "summary.json")) as f:
        flattened = check_report.flatten_summary_json(f.read())
    assert [name for name, _ in flattened] == [row[0] for row in rows]
    assert len(rows) > 40  # the run's figures, not an empty file
    for (name, value), row in zip(flattened, rows):
        assert value == float(row[1]), name  # compare --csv prints %.17g: exact
