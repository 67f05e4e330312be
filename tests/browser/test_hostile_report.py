"""A report built from hostile names and descriptions (issue 22): tests/browser/hostile_report
writes a run whose scenario, site, cluster, tenant and service names and description are
markup and script (the loader refuses such names; the program builds the scenario past it, as
a program using the library could). The page must show each as text, run none of it (the
harness hooks alert before the page loads), and carry its Content-Security-Policy.

A sweep's report shows its values, free text a sweep file may set (a description): the same
checks on a sweep over scenario.description.

Run by ctest as `browser: hostile names` (it sets CAPSIM_HOSTILE_REPORT, CAPSIM_BINARY and
CAPSIM_SOURCE_DIR).
"""

import csv
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
HARNESS = os.path.join(HERE, "check_report.py")


def check(report, screenshot, shown, *options):
    """The harness's problem lines on report, each of shown expected as text."""
    arguments = [sys.executable, HARNESS, report, "--screenshot", screenshot, "--expect-csp"]
    for text in shown:
        arguments += ["--expect-text", text]
    checked = subprocess.run(arguments + list(options), capture_output=True, text=True,
                             timeout=120)
    assert checked.returncode in (0, 1), checked.stdout + checked.stderr
    return checked.stdout.splitlines()[:-1]


def screenshot(tmp_path, name):
    return os.path.join(os.environ.get("CAPSIM_SCREENSHOT_DIR", str(tmp_path)), name)


def test_hostile_names_show_as_text_and_run_nothing(tmp_path):
    out = tmp_path / "hostile"
    made = subprocess.run([os.environ["CAPSIM_HOSTILE_REPORT"], os.environ["CAPSIM_SOURCE_DIR"],
                           str(out)], capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    shown = json.loads(made.stdout)
    assert "<img src=x onerror=alert('site')>" in shown and len(shown) == 6
    assert check(str(out / "report.html"), screenshot(tmp_path, "hostile-names.png"), shown,
                 "--expect-sections", "headline,fleet,power,training,serving,inputs") == []
    # The job's name is a formula: jobs.csv holds it as text.
    with open(out / "jobs.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows[1][0] == "'=cmd|' /C calc'!A0"


def test_hostile_sweep_values_show_as_text_and_run_nothing(tmp_path):
    values = ["<script>alert('sweep')</script>", "\"><img src=x onerror=alert('value')>"]
    sweep = tmp_path / "sweep.yaml"
    sweep.write_text("base: %s/scenarios/examples/example.yaml\nparameters:\n"
                     "  - path: scenario.description\n    values: %s\n"
                     "collect: [totals.capex_usd]\n"
                     % (os.environ["CAPSIM_SOURCE_DIR"], json.dumps(values)))
    made = subprocess.run([os.environ["CAPSIM_BINARY"], "sweep", str(sweep), "-j", "1",
                           "--out", str(tmp_path / "out")], capture_output=True, text=True,
                          timeout=120)
    assert made.returncode == 0, made.stderr
    assert check(str(tmp_path / "out/report.html"), screenshot(tmp_path, "hostile-sweep.png"),
                 values) == []
