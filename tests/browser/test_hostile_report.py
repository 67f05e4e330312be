"""A report built from hostile names and descriptions (issue 22): tests/browser/hostile_report
writes a run whose scenario, site, cluster, tenant and service names and description are
markup and script (the loader refuses such names; the program builds the scenario past it, as
a program using the library could). The page must show each as text, run none of it (the
harness hooks alert before the page loads), and carry its Content-Security-Policy.

Run by ctest as `browser: hostile names` (it sets CAPSIM_HOSTILE_REPORT, CAPSIM_SOURCE_DIR).
"""

import csv
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
HARNESS = os.path.join(HERE, "check_report.py")


def test_hostile_names_show_as_text_and_run_nothing(tmp_path):
    out = tmp_path / "hostile"
    made = subprocess.run([os.environ["CAPSIM_HOSTILE_REPORT"], os.environ["CAPSIM_SOURCE_DIR"],
                           str(out)], capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    shown = json.loads(made.stdout)
    assert "<img src=x onerror=alert('site')>" in shown and len(shown) == 6
    shots = os.environ.get("CAPSIM_SCREENSHOT_DIR", str(tmp_path))
    arguments = [sys.executable, HARNESS, str(out / "report.html"),
                 "--screenshot", os.path.join(shots, "hostile-names.png"), "--expect-csp",
                 "--expect-sections", "headline,fleet,power,training,serving,inputs"]
    for text in shown:
        arguments += ["--expect-text", text]
    checked = subprocess.run(arguments, capture_output=True, text=True, timeout=120)
    lines = checked.stdout.splitlines()
    assert lines[:-1] == []
    assert checked.returncode == 0
    # The job's name is a formula: jobs.csv holds it as text.
    with open(out / "jobs.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows[1][0] == "'=cmd|' /C calc'!A0"
