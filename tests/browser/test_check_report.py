"""The browser harness against hand-written reports (tests/browser/fixtures/): the good one
passes, each bad one fails with exactly its problem. Runs the real Chromium; when Chromium is
missing the tests fail (exit status 2, "Chromium not found"), they never skip.

Run: /usr/bin/python3 -m pytest tests/browser   (ctest: `browser: harness`)
Screenshots go to $CAPSIM_SCREENSHOT_DIR when set (ctest sets build/screenshots/harness).
"""

import os
import shutil
import struct
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "fixtures")
HARNESS = os.path.join(HERE, "check_report.py")
sys.path.insert(0, HERE)
import check_report  # noqa: E402


@pytest.fixture
def screenshot_dir(tmp_path):
    chosen = os.environ.get("CAPSIM_SCREENSHOT_DIR")
    if chosen:
        os.makedirs(chosen, exist_ok=True)
        return chosen
    return str(tmp_path)


def run(report, screenshot, *options, env=None):
    """(exit status, problem lines, summary line) of the harness on report."""
    done = subprocess.run([sys.executable, HARNESS, report, "--screenshot", screenshot] +
                          list(options), capture_output=True, text=True, timeout=120,
                          env=env)
    lines = done.stdout.splitlines()
    return done.returncode, lines[:-1], lines[-1] if lines else done.stderr


def png_size(path):
    with open(path, "rb") as f:
        header = f.read(24)
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", header[16:24])  # IHDR: width, height


def fixture(name):
    return os.path.join(FIXTURES, name, "report.html")


def test_the_good_report_passes_and_is_photographed(screenshot_dir):
    shot = os.path.join(screenshot_dir, "good.png")
    status, problems, summary = run(
        fixture("good"), shot, "--expect-charts", "fleet-installed,money-capex",
        "--expect-sections", "headline,fleet,money,inputs")
    assert problems == []
    # 2 charts: 3 circles + 3 bars; 10 span.num: 4 from summary.json, 6 from timeseries.csv.
    assert summary.startswith(fixture("good") + ": 0 problems; 2 charts, 6 points, "
                              "10 of 10 numbers checked, 0 requests blocked; screenshot ")
    assert status == 0
    width, height = png_size(shot)
    # The page is taller than the 900-pixel window: the full page was taken.
    assert width == 1400 and height > 900


BAD = {
    "bad-console-error": ["console error: chart data missing (report.html:29)"],
    "bad-exception": [
        "exception: ReferenceError: undefinedChartLibrary is not defined (report.html:29)"],
    # Caught twice: Chromium tried to fetch it (blocked), and the src names the web.
    "bad-network": ["network request: http://example.invalid/x.png",
                    'external reference: <img src="http://example.invalid/x.png">'],
    "bad-external-link": ['external reference: <a href="https://example.invalid/capsim">'],
    "bad-data-points": ['chart fleet-installed: data-points="3" but 2 .pt elements'],
    "bad-number": ["number timeseries.csv 2025-01-01|gpus_installed: the page shows 125000 "
                   "(125,000), the file holds 120000"],
}




def test_each_chart_is_photographed_on_its_own(tmp_path):
    charts = os.path.join(str(tmp_path), "charts")
    status, problems, _ = run(fixture("good"), os.path.join(str(tmp_path), "good.png"),
                              "--chart-screenshots", charts)
    assert (status, problems) == (0, [])
    assert sorted(os.listdir(charts)) == ["fleet-installed.png", "money-capex.png"]
    for name in os.listdir(charts):
        width, height = png_size(os.path.join(charts, name))
        # A figure inside the page's column: narrower than the full-page shot, a chart's height.
        assert 300 < width < 1400 and 150 < height < 900


@pytest.mark.parametrize("name", sorted(BAD))
def test_each_bad_report_fails_with_its_problem(name, screenshot_dir):
    status, problems, summary = run(fixture(name), os.path.join(screenshot_dir, name + ".png"))
    assert problems == BAD[name]
    assert summary.startswith("%s: %d problem" % (fixture(name), len(BAD[name])))
    assert status == 1


def copy_good(tmp_path, edit):
    """The good fixture, its report.html passed through edit, in tmp_path."""
    folder = tmp_path / "report"
    shutil.copytree(os.path.join(FIXTURES, "good"), folder)
    page = folder / "report.html"
    page.write_text(edit(page.read_text()))
    return str(page)


def test_point_faults_are_named_by_chart_point_and_fault(tmp_path):
    def edit(html):
        html = html.replace('data-x="2025-04-01" data-y="1.8"', 'data-x="2025-04-01" data-y="n/a"')
        html = html.replace("<title>Installed GPUs, 2025-07: 250,000</title>", "")
        return html.replace('<text class="axis-label" x="320" y="252" text-anchor="middle">'
                            "Quarter (period start)</text>", "")
    status, problems, _ = run(copy_good(tmp_path, edit), str(tmp_path / "shot.png"))
    assert problems == [
        "chart fleet-installed: point 3 (installed 2025-07-01) has no <title>",
        "chart money-capex: 1 axis labels (text.axis-label), one per axis expected",
        'chart money-capex: point 2 (capex 2025-04-01) has data-y="n/a", not a number',
    ]
    assert status == 1


def test_markup_that_ran_as_code_is_reported(tmp_path):
    # A name written into the page unescaped: its handler runs, and opens a dialog the harness
    # records instead (issue 22).
    def edit(html):
        return html.replace("<body data-report=\"run\">",
                            "<body data-report=\"run\"><p>site <svg onload=alert(1)></svg></p>")
    status, problems, _ = run(copy_good(tmp_path, edit), str(tmp_path / "shot.png"))
    assert problems == ["script ran: alert(1)"]
    assert status == 1


def test_the_content_security_policy_is_checked_when_expected(tmp_path):
    status, problems, _ = run(fixture("good"), str(tmp_path / "shot.png"), "--expect-csp")
    assert problems == ['page: no <meta http-equiv="Content-Security-Policy">']
    assert status == 1

    def edit(html):
        return html.replace("<head>", "<head>\n<meta http-equiv=\"Content-Security-Policy\" "
                            "content=\"default-src 'none'; style-src 'unsafe-inline'; "
                            "script-src 'unsafe-inline'\">")
    status, problems, _ = run(copy_good(tmp_path, edit), str(tmp_path / "shot.png"),
                              "--expect-csp")
    assert problems == ["page: Content-Security-Policy allows 'unsafe-inline' in style-src",
                        "page: Content-Security-Policy allows 'unsafe-inline' in script-src"]


def test_expected_text_must_show_as_written(tmp_path):
    status, problems, _ = run(fixture("good"), str(tmp_path / "shot.png"),
                              "--expect-text", "Installed GPUs", "--expect-text", "<b>absent</b>")
    assert problems == ["text missing: <b>absent</b>"]
    assert status == 1


def test_expected_charts_and_sections_must_be_present(tmp_path):
    status, problems, _ = run(fixture("good"), str(tmp_path / "shot.png"),
                              "--expect-charts", "fleet-installed,power-online",
                              "--expect-sections", "fleet,power")
    assert problems == [
        'section power: missing (no <section id="power" class="report-section">)',
        'chart power-online: missing (no figure.chart with data-chart="power-online")',
    ]
    assert status == 1


def test_a_page_that_never_loads_times_out(tmp_path):
    def edit(html):
        return html.replace('document.body.setAttribute("data-scripted", "yes");',
                            "while (true) {}")
    # Long enough for Chromium to start on a loaded machine (3 s timed out at Runtime.enable
    # there), so that the page, which never loads, is what the timeout catches.
    status, problems, summary = run(copy_good(tmp_path, edit), str(tmp_path / "shot.png"),
                                    "--timeout", "15")
    assert problems == []
    assert summary.endswith(": cannot check: timed out waiting for Page.loadEventFired")
    assert status == 2


def test_missing_chromium_fails_loudly(tmp_path):
    env = dict(os.environ, CAPSIM_CHROMIUM=str(tmp_path / "no-chromium"))
    status, problems, summary = run(fixture("good"), str(tmp_path / "shot.png"), env=env)
    assert summary == ("%s: cannot check: Chromium not found at %s; scripts/deps.sh installs "
                       "Debian's chromium" % (fixture("good"), tmp_path / "no-chromium"))
    assert status == 2


def test_a_chromium_that_fails_to_start_is_named_with_its_last_words(tmp_path):
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\necho 'Missing X server or $DISPLAY' >&2\nexit 1\n")
    fake.chmod(0o755)
    env = dict(os.environ, CAPSIM_CHROMIUM=str(fake))
    status, problems, summary = run(fixture("good"), str(tmp_path / "shot.png"), env=env)
    assert summary == ("%s: cannot check: Chromium closed the DevTools pipe: Missing X server "
                       "or $DISPLAY" % fixture("good"))
    assert status == 2


def test_usage_errors_exit_2(tmp_path):
    done = subprocess.run([sys.executable, HARNESS, fixture("good")], capture_output=True,
                          text=True)
    assert "the following arguments are required: --screenshot" in done.stderr
    assert done.returncode == 2
    status, _, summary = run(str(tmp_path / "none.html"), str(tmp_path / "shot.png"))
    assert summary == "%s: cannot check: no report at %s" % (tmp_path / "none.html",
                                                              tmp_path / "none.html")
    assert status == 2


# --- The file readers, without a browser ------------------------------------------------------


def test_summary_json_is_flattened_as_the_cpp_flattens_it():
    # The case of tests/output/summary_figures_test.cpp, with its expected names.
    text = """{"scenario": "base", "seed": 7, "ok": true,
      "totals": {"capex_usd": 6.0e10, "cost_per_gpu_hour_usd": 1.25},
      "inference": [{"service": "chat", "average_gpus": 128.5},
                    {"service": "code", "average_gpus": 64}],
      "samples": [{"value": 3}, {"value": 4}],
      "note": null}"""
    assert check_report.flatten_summary_json(text) == [
        ("seed", 7.0), ("totals.capex_usd", 6.0e10), ("totals.cost_per_gpu_hour_usd", 1.25),
        ("inference[chat].average_gpus", 128.5), ("inference[code].average_gpus", 64.0),
        ("samples[0].value", 3.0), ("samples[1].value", 4.0)]
    # Nested lists name each level; a list of numbers is named by index.
    assert check_report.flatten_summary_json(
        '{"years": [{"year": 2025, "by_part": [{"part": "h100", "gpus": 5}]}], "q": [1, 2]}') == [
        ("years[0].year", 2025.0), ("years[0].by_part[h100].gpus", 5.0), ("q[0]", 1.0),
        ("q[1]", 2.0)]
    with pytest.raises(ValueError):
        check_report.flatten_summary_json("[1, 2]")


def write(folder, name, text):
    (folder / name).write_text(text)


def test_numbers_agree_within_the_contracts_tolerance(tmp_path):
    write(tmp_path, "timeseries.csv", "period_start,capex_usd,utilisation\n"
                                      "2025-01-01,2000000000,0.5\n2025-04-01,,0.25\n"
                                      "2025-07-01,nan,0.25\n")
    write(tmp_path, "summary.json", '{"totals": {"capex_usd": 2e9}, "zero": 0}')
    files = check_report.SourceFiles(str(tmp_path))

    def problems(source, key, value):
        found = []
        check_report.check_numbers([{"source": source, "key": key, "value": value,
                                     "text": "t"}], files, found)
        return found

    # Tolerance 1e-9 * max(1, |file|): 2e9 allows 2.0 either way; 0 allows 1e-9.
    assert problems("timeseries.csv", "2025-01-01|capex_usd", "2000000002") == []
    assert problems("timeseries.csv", "2025-01-01|capex_usd", "2000000002.5") == [
        "number timeseries.csv 2025-01-01|capex_usd: the page shows 2000000002.5 (t), "
        "the file holds 2000000000"]
    assert problems("summary.json", "zero", "1e-9") == []
    assert problems("summary.json", "zero", "2e-9") == [
        "number summary.json zero: the page shows 2e-9 (t), the file holds 0"]
    assert problems("summary.json", "totals.capex", "1") == [
        "number summary.json totals.capex: summary.json has no figure totals.capex"]
    assert problems("timeseries.csv", "2026-01-01|capex_usd", "1") == [
        "number timeseries.csv 2026-01-01|capex_usd: timeseries.csv has no row 2026-01-01"]
    assert problems("timeseries.csv", "2025-04-01|capex_usd", "1") == [
        "number timeseries.csv 2025-04-01|capex_usd: timeseries.csv holds '', not a number, "
        "at 2025-04-01|capex_usd"]
    assert problems("timeseries.csv", "2025-07-01|capex_usd", "1") == [
        "number timeseries.csv 2025-07-01|capex_usd: the page shows 1 (t), the file holds nan"]
    assert problems("timeseries.csv", "capex_usd", "1") == [
        "number timeseries.csv capex_usd: timeseries.csv key capex_usd is not ROW|COLUMN"]
    assert problems("yearly.csv", "2025|capex_usd", "1") == [
        "number yearly.csv 2025|capex_usd: yearly.csv is not a file beside the report"]
    assert problems("../summary.json", "zero", "0") == [
        "number ../summary.json zero: ../summary.json is outside the report's folder"]
    assert problems("timeseries.csv", "2025-01-01|utilisation", "half") == [
        'number timeseries.csv 2025-01-01|utilisation: data-value="half" is not a number']


def test_a_csv_row_key_must_name_one_row(tmp_path):
    # timeseries_quantiles.csv repeats its first column (one row per column and statistic).
    write(tmp_path, "q.csv", "period,column,statistic,value\n2025-01-01,capex_usd,p5,1\n"
                             "2025-01-01,capex_usd,p95,2\n")
    found = []
    check_report.check_numbers([{"source": "q.csv", "key": "2025-01-01|value", "value": "1",
                                 "text": "t"}], check_report.SourceFiles(str(tmp_path)), found)
    assert found == ["number q.csv 2025-01-01|value: q.csv has 2 rows whose first column is "
                     "2025-01-01"]


def test_the_sample_of_numbers_is_evenly_spread_and_fixed():
    assert check_report.sample(list(range(150)), 200) == list(range(150))
    # 1,000 numbers, 200 checked: every fifth, from the first.
    assert check_report.sample(list(range(1000)), 200) == list(range(0, 1000, 5))
