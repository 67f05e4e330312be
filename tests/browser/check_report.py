#!/usr/bin/python3
"""Opens one of capsim's HTML reports in headless Chromium and checks it against the report
contract (issue 16): no network request, no console error, every chart with its data points,
the numbers shown equal to the files beside the report. Takes a full-page screenshot.

Usage: check_report.py REPORT.html --screenshot OUT.png [--expect-charts ID,ID...]
                       [--expect-sections ID,ID...] [--expect-csp] [--expect-text TEXT]...
                       [--timeout SECONDS]

Prints one line per problem, then one summary line. Exit status: 0 no problem, 1 problems,
2 the check could not run (bad arguments, no report, no Chromium, Chromium failed).

Standard library only: Chromium is driven over the DevTools protocol on a pipe
(--remote-debugging-pipe: commands on the child's fd 3, replies on its fd 4, each message
one JSON text ending in a NUL byte), so no websocket package is needed.
"""

import argparse
import base64
import csv
import fcntl
import json
import math
import os
import queue
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

SCREENSHOT_WIDTH = 1400
MAX_NUMBERS_CHECKED = 200  # a deterministic, evenly spread sample beyond this
MAX_PROBLEMS_PER_KIND = 5  # per chart: a broken chart with 5,000 points prints 5 lines, not 5,000
RELATIVE_TOLERANCE = 1e-9  # |V - file| <= 1e-9 * max(1, |file|), the contract's tolerance
CHART_ID = re.compile(r"^[a-z0-9-]+$")
EXTERNAL = re.compile(r"^\s*(https?:|//)", re.IGNORECASE)
CSS_EXTERNAL_URL = re.compile(r"(url\(\s*['\"]?|@import\s+['\"])\s*(https?:|//)", re.IGNORECASE)


class CheckError(Exception):
    """The check could not run (exit status 2)."""


# --- Reading the files beside the report ------------------------------------------------------


def flatten_summary(value, name, out):
    """The figures of a parsed summary.json, named as sim/output/summary_figures.cpp names them:
    object keys joined by '.', list elements named [first member if it is text, else index];
    numbers only (text, booleans and null are not figures). Keeps document order and repeated
    names, like the C++ list."""
    if isinstance(value, ObjectPairs):
        for key, member in value.pairs:
            flatten_summary(member, key if not name else name + "." + key, out)
    elif isinstance(value, list):
        for index, element in enumerate(value):
            flatten_summary(element, "%s[%s]" % (name, element_name(element, index)), out)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        out.append((name, float(value)))


class ObjectPairs:
    """A JSON object as its (key, value) pairs in document order, repeated keys kept."""

    def __init__(self, pairs):
        self.pairs = pairs


def element_name(element, index):
    if isinstance(element, ObjectPairs) and element.pairs:
        first = element.pairs[0][1]
        if isinstance(first, str):
            return first
    return str(index)


def flatten_summary_json(text):
    """[(name, value)] in document order, as flatten_summary_json in C++ returns them."""
    root = json.loads(text, object_pairs_hook=ObjectPairs)
    if not isinstance(root, ObjectPairs):
        raise ValueError("expected a JSON object of summary figures")
    figures = []
    flatten_summary(root, "", figures)
    return figures


def summary_figures(path):
    with open(path, encoding="utf-8") as f:
        figures = flatten_summary_json(f.read())
    # The first figure of a name wins, as a search of the C++ list finds it.
    named = {}
    for name, value in figures:
        named.setdefault(name, value)
    return named


class SourceFiles:
    """The files beside the report, each read once."""

    def __init__(self, report_dir):
        self.report_dir = os.path.realpath(report_dir)
        self.cache = {}

    def path(self, source):
        path = os.path.realpath(os.path.join(self.report_dir, source))
        if os.path.commonpath([path, self.report_dir]) != self.report_dir:
            raise LookupError("is outside the report's folder")
        if not os.path.isfile(path):
            raise LookupError("is not a file beside the report")
        return path

    def value(self, source, key):
        """The number the file holds under key; LookupError says why there is none."""
        if source not in self.cache:
            path = self.path(source)
            try:
                if source.endswith(".json"):
                    self.cache[source] = ("json", summary_figures(path))
                elif source.endswith(".csv"):
                    with open(path, encoding="utf-8", newline="") as f:
                        self.cache[source] = ("csv", list(csv.reader(f)))
                else:
                    raise LookupError("is neither a .csv nor a .json file")
            except (OSError, ValueError, UnicodeDecodeError, csv.Error) as error:
                raise LookupError("cannot be read: %s" % error)
        kind, content = self.cache[source]
        if kind == "json":
            if key not in content:
                raise LookupError("has no figure %s" % key)
            return content[key]
        return csv_value(content, key)


def csv_value(rows, key):
    row_key, bar, column = key.partition("|")
    if not bar:
        raise LookupError("key %s is not ROW|COLUMN" % key)
    if not rows or column not in rows[0]:
        raise LookupError("has no column %s" % column)
    index = rows[0].index(column)
    matches = [row for row in rows[1:] if row and row[0] == row_key]
    if len(matches) != 1:
        raise LookupError(
            "has %d rows whose first column is %s" % (len(matches), row_key)
            if matches
            else "has no row %s" % row_key
        )
    cell = matches[0][index] if index < len(matches[0]) else ""
    try:
        return float(cell)
    except ValueError:
        raise LookupError("holds %r, not a number, at %s" % (cell, key))


def number(text):
    """A finite float, or None."""
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


# --- Checks on what the page holds ------------------------------------------------------------


def check_page(page, problems):
    if page["doctype"] != "html":
        problems.append("page: no <!DOCTYPE html>")
    if page["charset"].lower() != "utf-8":
        problems.append('page: no <meta charset="utf-8">')
    if page["report"] not in ("run", "compare", "sweep"):
        problems.append('page: <body data-report="%s"> is not run, compare or sweep' % page["report"])
    for script in page["scriptSources"]:
        problems.append('page: <script src="%s">: scripts are inlined' % script)
    for element, attribute, value in page["references"]:
        if EXTERNAL.match(value) or (attribute == "style" and CSS_EXTERNAL_URL.search(value)):
            problems.append('external reference: <%s %s="%s">' % (element, attribute, value))
    for css in page["styleTexts"]:
        match = CSS_EXTERNAL_URL.search(css)
        if match:
            problems.append("external reference: <style> %s" % css[match.start() : match.start() + 80])


def check_scripts_ran(page, problems):
    """The dialogs a script of the page opened (the harness hooks alert, confirm, prompt and
    print before the page loads): a report runs none, so one is text that ran as code."""
    for call in page["scriptsRan"]:
        problems.append("script ran: %s" % call)


def check_csp(page, problems):
    """The report's Content-Security-Policy (docs/security.md): present, and allowing nothing
    by default, no inline code but what it names by hash, and no eval."""
    policy = page["csp"]
    if policy is None:
        problems.append('page: no <meta http-equiv="Content-Security-Policy">')
        return
    directives = {}
    for directive in policy.split(";"):
        words = directive.split()
        if words:
            directives[words[0].lower()] = words[1:]
    if directives.get("default-src") != ["'none'"]:
        problems.append("page: Content-Security-Policy without default-src 'none': %s" % policy)
    for name, sources in directives.items():
        for source in sources:
            # data: images are inert (an image runs no script); data: anywhere else is not.
            if source.lower() in ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*",
                                  "http:", "https:") or (
                                      source.lower() == "data:" and name != "img-src"):
                problems.append("page: Content-Security-Policy allows %s in %s" % (source, name))


def squeezed(text):
    return " ".join(text.split())


def check_texts(page, expected, problems):
    """Each expected text shows on the page as text (white space squeezed): markup in a name
    that was escaped reads literally."""
    shown = squeezed(page["text"])
    for text in expected:
        if squeezed(text) not in shown:
            problems.append("text missing: %s" % text)


def check_sections(page, expected, problems):
    seen = set()
    for section in page["sections"]:
        if section["id"] in seen:
            problems.append("section %s: id used twice" % section["id"])
        seen.add(section["id"])
        if not section["h2"]:
            problems.append("section %s: no <h2>" % section["id"])
    for section_id in expected:
        if section_id not in seen:
            problems.append('section %s: missing (no <section id="%s" class="report-section">)'
                            % (section_id, section_id))


def check_charts(charts, expected, problems):
    """Returns the number of data points."""
    seen = set()
    points = 0
    for chart in charts:
        name = chart["chart"] or chart["id"] or "#%d" % chart["index"]
        say = lambda text, name=name: problems.append("chart %s: %s" % (name, text))
        if not CHART_ID.match(chart["chart"]):
            say('data-chart="%s" is not [a-z0-9-]+' % chart["chart"])
        if chart["id"] != "chart-" + chart["chart"]:
            say('id="%s" is not chart-%s' % (chart["id"], chart["chart"]))
        if chart["chart"] in seen:
            say("used twice in the page")
        seen.add(chart["chart"])
        if not chart["caption"]:
            say("no <figcaption>")
        if len([label for label in chart["axisLabels"] if label]) < 2:
            say("%d axis labels (text.axis-label), one per axis expected" % len(chart["axisLabels"]))
        if not chart["hasTable"]:
            say("no table.chart-data")
        points += len(chart["points"])
        declared = chart["declared"]
        if not chart["points"]:
            say("no data point (.pt)")
        if declared is None or not re.match(r"^[0-9]+$", declared):
            say('data-points="%s" is not a count' % declared)
        elif int(declared) != len(chart["points"]):
            say('data-points="%s" but %d .pt elements' % (declared, len(chart["points"])))
        check_points(chart["points"], say)
    for chart_id in expected:
        if chart_id not in seen:
            problems.append("chart %s: missing (no figure.chart with data-chart=\"%s\")"
                            % (chart_id, chart_id))
    return points


def check_points(points, say):
    faults = {}
    for number_in_chart, point in enumerate(points, start=1):
        where = "point %d (%s %s)" % (number_in_chart, point["series"], point["x"])
        found = []
        if point["tag"] not in ("circle", "rect", "path"):
            found.append("is a <%s>, not a circle, rect or path" % point["tag"])
        if not point["series"]:
            found.append("has no data-series")
        elif point["group"] is not None and point["group"] != point["series"]:
            found.append('has data-series="%s" inside g.series "%s"' % (point["series"], point["group"]))
        if not point["x"]:
            found.append("has no data-x")
        if number(point["y"]) is None:
            found.append('has data-y="%s", not a number' % point["y"])
        if point["y0"] is not None and number(point["y0"]) is None:
            found.append('has data-y0="%s", not a number' % point["y0"])
        if not point["title"]:
            found.append("has no <title>")
        for fault in found:
            kind = re.sub(r'"[^"]*"', "", fault)
            faults.setdefault(kind, []).append("%s %s" % (where, fault))
    for lines in faults.values():
        for line in lines[:MAX_PROBLEMS_PER_KIND]:
            say(line)
        if len(lines) > MAX_PROBLEMS_PER_KIND:
            say("... and %d more points like these" % (len(lines) - MAX_PROBLEMS_PER_KIND))


def sample(items, limit):
    """At most limit items, evenly spread, the same every time."""
    if len(items) <= limit:
        return items
    return [items[i * len(items) // limit] for i in range(limit)]


def check_numbers(numbers, files, problems):
    """Returns how many numbers were checked."""
    checked = sample(numbers, MAX_NUMBERS_CHECKED)
    for shown in checked:
        label = "number %s %s" % (shown["source"], shown["key"])
        value = number(shown["value"])
        if value is None:
            problems.append('%s: data-value="%s" is not a number' % (label, shown["value"]))
            continue
        try:
            expected = files.value(shown["source"], shown["key"])
        except LookupError as why:
            problems.append("%s: %s %s" % (label, shown["source"], why))
            continue
        # A file's nan or inf never agrees: nan would pass any comparison written as a test
        # of difference.
        if not math.isfinite(expected) or (
                abs(value - expected) > RELATIVE_TOLERANCE * max(1.0, abs(expected))):
            problems.append("%s: the page shows %s (%s), the file holds %.17g"
                            % (label, shown["value"], shown["text"], expected))
    return len(checked)


# What the page holds, read in the browser once it has loaded.
COLLECT_PAGE = r"""
(() => {
  const text = (node) => (node ? node.textContent.trim() : "");
  const charts = [...document.querySelectorAll("figure.chart")].map((figure, index) => ({
    index,
    id: figure.id,
    chart: figure.getAttribute("data-chart") || "",
    declared: figure.getAttribute("data-points"),
    caption: text(figure.querySelector(":scope > figcaption")),
    axisLabels: [...figure.querySelectorAll("text.axis-label")].map(text),
    hasTable: figure.querySelector("table.chart-data") !== null,
    points: [...figure.querySelectorAll(".pt")].map((pt) => {
      const group = pt.closest("g.series");
      const title = [...pt.children].find((c) => c.localName === "title");
      return {
        tag: pt.localName,
        series: pt.getAttribute("data-series") || "",
        x: pt.getAttribute("data-x") || "",
        y: pt.getAttribute("data-y"),
        y0: pt.getAttribute("data-y0"),
        group: group ? group.getAttribute("data-series") : null,
        title: text(title),
      };
    }),
  }));
  const numbers = [...document.querySelectorAll("span.num[data-source]")].map((span) => ({
    source: span.getAttribute("data-source"),
    key: span.getAttribute("data-key") || "",
    value: span.getAttribute("data-value"),
    text: span.textContent.trim(),
  }));
  const references = [];
  for (const element of document.querySelectorAll("*")) {
    for (const attribute of element.attributes) {
      if (attribute.name.startsWith("xmlns")) continue;  // a namespace name, never fetched
      if (/^(src|href|xlink:href|srcset|action|formaction|poster|data|background|style)$/
              .test(attribute.name)) {
        references.push([element.localName, attribute.name, attribute.value]);
      }
    }
  }
  const meta = document.querySelector("meta[charset]");
  const csp = document.querySelector('meta[http-equiv="Content-Security-Policy" i]');
  return {
    scriptsRan: window.__capsimScriptsRan || [],
    csp: csp ? csp.getAttribute("content") : null,
    text: (document.title || "") + "\n" + (document.body ? document.body.innerText : ""),
    doctype: document.doctype ? document.doctype.name : "",
    charset: meta ? meta.getAttribute("charset") : "",
    report: document.body ? document.body.getAttribute("data-report") || "" : "",
    scriptSources: [...document.querySelectorAll("script[src]")].map((s) => s.getAttribute("src")),
    styleTexts: [...document.querySelectorAll("style")].map((s) => s.textContent),
    references,
    sections: [...document.querySelectorAll("section.report-section")].map((s) => ({
      id: s.id, h2: text(s.querySelector("h2")) })),
    charts,
    numbers,
  };
})()
"""


# Installed before the page's own scripts: the dialogs a script may open are recorded, not
# shown (check_scripts_ran). Scripts the harness adds this way are not the page's: the page's
# Content-Security-Policy does not apply to them.
HOOK_DIALOGS = r"""
window.__capsimScriptsRan = [];
for (const name of ["alert", "confirm", "prompt", "print"]) {
  window[name] = (...args) => { window.__capsimScriptsRan.push(name + "(" + args.join(", ") + ")"); };
}
"""


# --- Chromium over the DevTools pipe ----------------------------------------------------------


def find_chromium():
    """$CAPSIM_CHROMIUM when set, else Debian's chromium."""
    chosen = os.environ.get("CAPSIM_CHROMIUM")
    candidates = [chosen] if chosen else ["/usr/bin/chromium", shutil.which("chromium"),
                                          shutil.which("chromium-browser")]
    for candidate in candidates:
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    raise CheckError("Chromium not found at %s; scripts/deps.sh installs Debian's chromium"
                     % (chosen if chosen else "/usr/bin/chromium or on PATH"))


class Browser:
    """One headless Chromium, driven over --remote-debugging-pipe. Always close() it."""

    def __init__(self, executable, profile_dir, deadline):
        self.deadline = deadline
        self.next_id = 0
        self.messages = queue.Queue()
        self.log = open(os.path.join(profile_dir, "chromium.log"), "w+b")
        commands_read, self.commands = os.pipe()
        self.replies, replies_write = os.pipe()
        # bash (dash takes one-digit fds only) puts the pipes on fds 3 and 4, where Chromium
        # expects them; both are first moved to 10 or above so that placing one cannot
        # overwrite the other.
        child_read = fcntl.fcntl(commands_read, fcntl.F_DUPFD, 10)
        child_write = fcntl.fcntl(replies_write, fcntl.F_DUPFD, 10)
        os.close(commands_read)
        os.close(replies_write)
        flags = ["--headless=new", "--remote-debugging-pipe", "--disable-gpu",
                 "--user-data-dir=" + os.path.join(profile_dir, "profile"),
                 "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-default-apps", "--mute-audio",
                 "--hide-scrollbars", "--force-device-scale-factor=1",
                 "--window-size=%d,900" % SCREENSHOT_WIDTH, "about:blank"]
        if os.geteuid() == 0:
            flags.append("--no-sandbox")  # Chromium refuses to run as root with its sandbox
        try:
            self.process = subprocess.Popen(
                ["/bin/bash", "-c", 'exec "$0" "$@" 3<&%d 4>&%d' % (child_read, child_write),
                 executable] + flags,
                stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log,
                pass_fds=(child_read, child_write), start_new_session=True)
        finally:
            os.close(child_read)
            os.close(child_write)
        self.handlers = {}
        self.waiting_for = "Chromium"
        self.early_replies = {}  # replies that came while a handler's own command waited
        threading.Thread(target=self._read_replies, daemon=True).start()

    def _read_replies(self):
        buffer = b""
        while True:
            try:
                chunk = os.read(self.replies, 1 << 16)
            except OSError:
                chunk = b""
            if not chunk:  # Chromium has exited
                os.close(self.replies)
                self.messages.put(None)
                return
            buffer += chunk
            while b"\0" in buffer:
                message, buffer = buffer.split(b"\0", 1)
                self.messages.put(json.loads(message))

    def _next_message(self):
        try:
            message = self.messages.get(timeout=max(0.0, self.deadline - time.monotonic()))
        except queue.Empty:
            raise CheckError("timed out waiting for %s" % self.waiting_for)
        if message is None:
            raise self.closed()
        return message

    def closed(self):
        """The error of a Chromium gone: the last lines it printed."""
        self.log.seek(0)
        tail = self.log.read().decode("utf-8", "replace").strip().splitlines()[-5:]
        return CheckError("Chromium closed the DevTools pipe: " + " | ".join(tail))

    def dispatch(self, message):
        handler = self.handlers.get(message.get("method"))
        if handler:
            handler(message.get("params", {}))

    def send(self, method, params=None, session=None):
        """Sends a command and waits for its reply, dispatching the events that come first."""
        self.next_id += 1
        outer, self.waiting_for = self.waiting_for, method
        command = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            command["sessionId"] = session
        data = json.dumps(command).encode() + b"\0"
        try:
            while data:
                data = data[os.write(self.commands, data):]
        except BrokenPipeError:
            raise self.closed()
        command_id = self.next_id
        while command_id not in self.early_replies:
            message = self._next_message()
            if "id" in message:
                self.early_replies[message["id"]] = message
            else:
                self.dispatch(message)  # a handler may send commands of its own
        reply = self.early_replies.pop(command_id)
        self.waiting_for = outer
        if "error" in reply:
            raise CheckError("%s failed: %s" % (method, reply["error"].get("message")))
        return reply.get("result", {})

    def wait_for(self, method):
        """Dispatches events until `method` arrives."""
        self.waiting_for = method
        while True:
            message = self._next_message()
            self.dispatch(message)
            if message.get("method") == method:
                return message.get("params", {})

    def close(self):
        try:
            os.close(self.commands)  # Chromium exits when its pipe closes
        except OSError:
            pass
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        # Chromium runs in its own session: its process group holds it and its helpers only.
        kill_group(self.process.pid)
        self.process.wait()
        self.log.close()


class Observations:
    """What the page did while it loaded: requests it tried, messages it logged."""

    def __init__(self, browser, session, report_url):
        self.browser = browser
        self.session = session
        self.report_url = report_url
        self.requests = []  # "network request: URL" lines
        self.problems = []  # console messages and exceptions, in the order they came
        self.blocked = []
        browser.handlers = {
            "Fetch.requestPaused": self.on_request,
            "Runtime.consoleAPICalled": self.on_console,
            "Runtime.exceptionThrown": self.on_exception,
            "Log.entryAdded": self.on_log,
        }

    def on_request(self, params):
        url = params["request"]["url"]
        if url.split("#", 1)[0] == self.report_url:
            self.browser.send("Fetch.continueRequest", {"requestId": params["requestId"]},
                              self.session)
            return
        self.blocked.append(url)
        self.requests.append("network request: %s" % url)
        self.browser.send("Fetch.failRequest",
                          {"requestId": params["requestId"], "errorReason": "BlockedByClient"},
                          self.session)

    def on_console(self, params):
        if params.get("type") not in ("error", "warning", "assert"):
            return
        text = " ".join(console_arg(arg) for arg in params.get("args", []))
        self.problems.append("console %s: %s%s" % (
            "warning" if params["type"] == "warning" else "error", text,
            where(params.get("stackTrace", {}).get("callFrames", [{}])[0:1])))

    def on_exception(self, params):
        details = params.get("exceptionDetails", {})
        exception = details.get("exception", {})
        text = exception.get("description") or details.get("text", "")
        self.problems.append("exception: %s%s" % (
            text.splitlines()[0] if text else "", where([details])))

    def on_log(self, params):
        entry = params.get("entry", {})
        if entry.get("level") != "error":
            return
        # A request the harness failed is already reported as "network request: URL".
        if entry.get("source") == "network" and entry.get("url") in self.blocked:
            return
        self.problems.append("browser error: %s" % entry.get("text", ""))


def console_arg(arg):
    if "value" in arg:
        return str(arg["value"])
    return arg.get("description", arg.get("type", ""))


def where(frames):
    """' (report.html:12)' for the first frame that names a line."""
    for frame in frames:
        if frame.get("url") and "lineNumber" in frame:
            name = urllib.parse.unquote(frame["url"].rsplit("/", 1)[-1])
            return " (%s:%d)" % (name, frame["lineNumber"] + 1)
    return ""


def open_report(browser, report_url):
    """Loads the report in a new tab, network blocked; returns (session, observations)."""
    target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = browser.send("Target.attachToTarget",
                           {"targetId": target, "flatten": True})["sessionId"]
    observations = Observations(browser, session, report_url)
    for method in ("Runtime.enable", "Log.enable", "Page.enable"):
        browser.send(method, {}, session)
    browser.send("Fetch.enable", {"patterns": [{"urlPattern": "*"}]}, session)
    browser.send("Page.addScriptToEvaluateOnNewDocument", {"source": HOOK_DIALOGS}, session)
    browser.send("Emulation.setDeviceMetricsOverride",
                 {"width": SCREENSHOT_WIDTH, "height": 900, "deviceScaleFactor": 1,
                  "mobile": False}, session)
    navigation = browser.send("Page.navigate", {"url": report_url}, session)
    if navigation.get("errorText"):
        raise CheckError("Chromium could not open %s: %s" % (report_url, navigation["errorText"]))
    browser.wait_for("Page.loadEventFired")
    # Two animation frames: scripts the page runs on load have run and the layout is final.
    evaluate(browser, session, "new Promise(r => requestAnimationFrame(() => "
                               "requestAnimationFrame(() => r(true))))")
    return session, observations


def evaluate(browser, session, expression):
    result = browser.send("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                               "awaitPromise": True}, session)
    if "exceptionDetails" in result:
        raise CheckError("the harness's script failed in the page: %s"
                         % result["exceptionDetails"].get("text"))
    return result["result"].get("value")


def screenshot(browser, session, out_path):
    """A full-page PNG SCREENSHOT_WIDTH wide; returns its height."""
    metrics = browser.send("Page.getLayoutMetrics", {}, session)
    height = math.ceil(metrics["cssContentSize"]["height"])
    shot = browser.send("Page.captureScreenshot",
                        {"format": "png", "captureBeyondViewport": True,
                         "clip": {"x": 0, "y": 0, "width": SCREENSHOT_WIDTH, "height": height,
                                  "scale": 1}}, session)
    os.makedirs(os.path.dirname(os.path.abspath(out_path)), exist_ok=True)
    with open(out_path, "wb") as f:
        f.write(base64.b64decode(shot["data"]))
    return height


CHART_RECTS = """Array.from(document.querySelectorAll('figure.chart')).map(f => {
  const r = f.getBoundingClientRect();
  return {id: f.dataset.chart, x: r.left + window.scrollX, y: r.top + window.scrollY,
          width: r.width, height: r.height};
})"""


def chart_screenshots(browser, session, directory):
    """One PNG per chart, DIRECTORY/ID.png, clipped to its figure: the cookbook's images."""
    os.makedirs(directory, exist_ok=True)
    for rect in evaluate(browser, session, CHART_RECTS):
        shot = browser.send("Page.captureScreenshot",
                            {"format": "png", "captureBeyondViewport": True,
                             "clip": {"x": rect["x"], "y": rect["y"], "width": rect["width"],
                                      "height": rect["height"], "scale": 1}}, session)
        with open(os.path.join(directory, rect["id"] + ".png"), "wb") as f:
            f.write(base64.b64decode(shot["data"]))


# --- The command ------------------------------------------------------------------------------


def id_list(text):
    return [item for item in text.split(",") if item]


def parse_arguments(argv):
    parser = argparse.ArgumentParser(
        description="Check a capsim HTML report in headless Chromium (docs/testing.md).")
    parser.add_argument("report", help="the report.html to open")
    parser.add_argument("--screenshot", required=True, help="where to write the full-page PNG")
    parser.add_argument("--expect-charts", type=id_list, default=[], metavar="ID,ID...",
                        help="chart ids (data-chart) that must be present")
    parser.add_argument("--expect-sections", type=id_list, default=[], metavar="ID,ID...",
                        help="section ids that must be present")
    parser.add_argument("--expect-csp", action="store_true",
                        help="the page must carry a strict Content-Security-Policy")
    parser.add_argument("--expect-text", action="append", default=[], metavar="TEXT",
                        help="text that must show on the page as written (repeatable)")
    parser.add_argument("--chart-screenshots", metavar="DIR",
                        help="also write each chart as DIR/ID.png (scripts/cookbook-images.sh)")
    parser.add_argument("--timeout", type=float, default=60.0,
                        help="seconds before giving up (default 60)")
    return parser.parse_args(argv)  # exits with status 2 on a usage error


def check(arguments):
    """Returns (problems, summary); raises CheckError when the check cannot run."""
    report = os.path.abspath(arguments.report)
    if not os.path.isfile(report):
        raise CheckError("no report at %s" % arguments.report)
    started = time.monotonic()
    executable = find_chromium()
    report_url = "file://" + urllib.parse.quote(report)
    with tempfile.TemporaryDirectory(prefix="capsim-browser-") as profile_dir:
        browser = Browser(executable, profile_dir, started + arguments.timeout)
        watchdog = threading.Timer(arguments.timeout + 5, lambda: kill_group(browser.process.pid))
        watchdog.start()
        try:
            session, observations = open_report(browser, report_url)
            page = evaluate(browser, session, COLLECT_PAGE)
            height = screenshot(browser, session, arguments.screenshot)
            if arguments.chart_screenshots:
                chart_screenshots(browser, session, arguments.chart_screenshots)
        finally:
            watchdog.cancel()
            browser.close()
    # Requests first, sorted: the order they leave a page in is not fixed.
    problems = sorted(observations.requests) + observations.problems
    check_page(page, problems)
    check_scripts_ran(page, problems)
    if arguments.expect_csp:
        check_csp(page, problems)
    check_texts(page, arguments.expect_text, problems)
    check_sections(page, arguments.expect_sections, problems)
    points = check_charts(page["charts"], arguments.expect_charts, problems)
    numbers = check_numbers(page["numbers"], SourceFiles(os.path.dirname(report)), problems)
    summary = ("%s: %d problem%s; %d charts, %d points, %d of %d numbers checked, "
               "%d requests blocked; screenshot %s (%dx%d); %.1f s" % (
                   arguments.report, len(problems), "" if len(problems) == 1 else "s",
                   len(page["charts"]), points, numbers,
                   len(page["numbers"]), len(observations.blocked), arguments.screenshot,
                   SCREENSHOT_WIDTH, height, time.monotonic() - started))
    return problems, summary


def kill_group(pid):
    """Kills the process group and waits (up to 2 s) until none of it runs. Zombies left to
    init to reap do not count: they hold no memory and no files."""
    try:
        os.killpg(pid, 9)
    except ProcessLookupError:
        return
    for _ in range(200):
        if not running_in_group(pid):
            return
        time.sleep(0.01)


def running_in_group(group):
    for entry in os.listdir("/proc"):
        try:
            with open("/proc/%s/stat" % entry) as f:
                # pid (comm) state ppid pgrp ...; comm may hold spaces, so split after ')'.
                fields = f.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == group and fields[0] not in ("Z", "X"):
            return True
    return False


def main(argv):
    arguments = parse_arguments(argv)
    try:
        problems, summary = check(arguments)
    except CheckError as error:
        print("%s: cannot check: %s" % (arguments.report, error))
        return 2
    for problem in problems:
        print(problem)
    print(summary)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
