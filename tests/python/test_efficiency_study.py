"""examples/efficiency_study.py at a small size: its points, its CSV against serial runs, its
plot."""

import csv
import os
import subprocess
import sys

SOURCE = os.environ["CAPSIM_SOURCE_DIR"]
SCRIPT = os.path.join(SOURCE, "examples", "efficiency_study.py")
sys.path.insert(0, os.path.join(SOURCE, "examples"))

import efficiency_study  # noqa: E402


def test_four_points_in_two_threads_match_serial_runs(tmp_path):
    out = tmp_path / "study"
    subprocess.run([sys.executable, SCRIPT, "--points", "4", "--threads", "2", "--out", str(out)],
                   check=True, stdout=subprocess.DEVNULL)
    with open(out / "study.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [list(r) for r in rows][0] == ["elasticity", "gain_x", "capex_usd", "gpus_ordered",
                                          "cost_per_million_tokens_usd"]
    points = efficiency_study.study_points(4, 10)
    assert len(rows) == 4
    # A Latin hypercube: one point in each quarter of each input's range.
    assert sorted(int(e / 1.5 * 4) for e, _ in points) == [0, 1, 2, 3]
    for row, point in zip(rows, points):
        serial = efficiency_study.run_point(point)
        for name, value in serial.items():
            assert float(row[name]) == value, name
    # The gain matters: the points' fleets differ.
    assert len({row["capex_usd"] for row in rows}) == 4
    with open(out / "study.png", "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"
