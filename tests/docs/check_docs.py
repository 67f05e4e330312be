#!/usr/bin/env python3
"""Executable docs (issue 20; docs/testing.md, "Executable docs"): runs the shell blocks of
README.md and docs/*.md, compares the outputs they show, and checks the figures their prose
quotes against the files the runs wrote.

Every fenced shell block (```sh, ```bash, ```shell, ```console, or an unlabelled block whose
first line starts with "$ ") carries a marker, an HTML comment on the line above it (GitHub
shows none of them):

  <!-- docs: run -->                 run it; it must succeed
  <!-- docs: slow: REASON -->        run only with --slow (scripts/update-docs.sh); REASON
                                     says how long it takes
  <!-- docs: not run: REASON -->     never run, for the reason given
  <!-- docs: transcript -->          lines "$ COMMAND" are run, the lines under each are its
                                     standard output

and a block that shows what the last shell block above printed or wrote:

  <!-- docs: output -->              its standard output
  <!-- docs: output of PATH -->      the file it wrote at PATH

Options follow the kind after semicolons: "elided" (a line "..." stands for any lines),
"normalise times" and "normalise paths" (see normalise()). Figures quoted in a paragraph, list
or table are listed in a comment right below it, one a line, each checked after the document's
blocks have run:

  <!-- docs: figures
  "1,308,753" out/meta fleet_at[2026-01-01].gpus_installed
  "$52.6B" out/meta years[2025].capex_usd / 1e9
  "66%" = 100 * fig("out/ds2", "inference[v3-r1].served_input_tokens") / 1.2e12
  -->

"TEXT" FOLDER_OR_FILE NAME [ARITHMETIC] reads a figure of a run folder's summary.json (named as
capsim names them, `capsim compare`'s rows), of a .json file, or ROW|COLUMN of a CSV file;
"TEXT" = EXPRESSION is a Python expression over fig(), summary(), rows(), stdout() and month()
(docs/testing.md lists them). The
value is formatted the way TEXT is written (its decimals, thousands separators, sign, prefix
and suffix) and must equal it; text values (dates) must equal it as they are. "TEXT"@N names
the N-th occurrence of TEXT in the text above (default: the next one). Figures belong to the
last shell block above them and are checked only when it runs.

Each document runs in its own scratch folder under --work-dir, holding links to the source
tree's folders, build/release/capsim (the binary given) and build/release/python (the Python
module beside it), and bin/ first on PATH with capsim and python3 (this interpreter): commands write into out/ there, never into the source tree.

usage: check_docs.py --list --source-dir DIR DOC...
       check_docs.py --capsim BINARY --source-dir DIR --work-dir DIR [--slow] [--update] [--times]
                     DOC...

--list prints every shell block with its marker and fails on a block without one. --update
writes the outputs and figures of today's runs into the documents (scripts/update-docs.sh).
--times prints each block's wall and CPU time.
Exit status: 0 all checked, 1 problems (printed, one per line or diff), 2 could not check.
"""

import argparse
import ast
import csv
import datetime
import difflib
import json
import os
import re
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "browser"))
from check_report import csv_value, summary_figures  # noqa: E402

SHELL_LANGUAGES = {"sh", "bash", "shell", "console", "zsh"}
FENCE = re.compile(r"^( {0,3})(`{3,}|~{3,})\s*([^\s`]*)")
BLOCK_KINDS = ("run", "slow", "not run", "transcript", "output")
OUTPUT_OPTIONS = {"elided", "normalise times", "normalise paths"}
BLOCK_TIMEOUT_S = 1800


class Problem(Exception):
    """A fault of a document: where it is and what is wrong."""

    def __init__(self, doc, line, message):
        super().__init__("%s:%d: %s" % (doc, line, message))


class CannotCheck(Exception):
    """The check could not run (exit status 2)."""


# --- Reading a document -----------------------------------------------------------------------


class Block:
    """A fenced block: the lines of its fences (1-based) and its content."""

    def __init__(self, start, end, language, lines, indent):
        self.start, self.end, self.language, self.lines = start, end, language, lines
        self.indent = indent
        self.marker = None
        self.owner = None  # for an output block, the shell block whose output it shows

    def kind(self):
        """Its marker's kind, or None."""
        return self.marker.kind if self.marker is not None else None

    def is_shell(self):
        if self.language in SHELL_LANGUAGES:
            return True
        first = next((line for line in self.lines if line.strip()), "")
        return not self.language and first.startswith("$ ")


class Marker:
    """A `<!-- docs: ... -->` comment: its kind, what follows the kind, its options."""

    def __init__(self, line, kind, argument="", options=()):
        self.line, self.kind, self.argument, self.options = line, kind, argument, set(options)


class Figure:
    """One line of a figures comment."""

    def __init__(self, line, text, occurrence, expression):
        self.line, self.text, self.occurrence, self.expression = line, text, occurrence, expression


class FigureList:
    """A figures comment and the text it annotates (lines first..last, 1-based)."""

    def __init__(self, line, end, first, last, figures):
        self.line, self.end, self.first, self.last, self.figures = line, end, first, last, figures
        self.owner = None  # the shell block whose run the figures read


FIGURE_LABEL = re.compile(r'"[^"]+"(?:@\d+)?')
FIGURE_LINE = re.compile(r'^\s*"([^"]+)"(?:@(\d+))?\s+(.*?)\s*$')


def parse_figure(doc, number, line):
    match = FIGURE_LINE.match(line)
    if not match:
        raise Problem(doc, number, 'expected a figure "TEXT" SOURCE, found %r' % line.strip())
    text, occurrence, source = match.group(1), match.group(2), match.group(3)
    if source.startswith("="):
        expression = source[1:].strip()
    else:
        parts = source.split(None, 2)
        if len(parts) < 2:
            raise Problem(doc, number, 'figure "%s": expected FOLDER_OR_FILE NAME or = EXPRESSION'
                          ', found %r' % (text, source))
        expression = "fig(%r, %r)%s" % (parts[0], parts[1],
                                        " " + parts[2] if len(parts) > 2 else "")
    try:
        ast.parse(expression, mode="eval")
    except SyntaxError as error:
        raise Problem(doc, number, 'figure "%s": %s in %r' % (text, error.msg, expression))
    return Figure(number, text, int(occurrence) if occurrence else None, expression)


def parse_block_marker(doc, number, body):
    """A one-line marker's kind, argument and options."""
    for kind in ("slow", "not run"):
        if body == kind or body.startswith(kind + ":"):
            reason = body[len(kind) + 1:].strip()
            if not reason:
                raise Problem(doc, number, '"%s" needs a reason: <!-- docs: %s: REASON -->' %
                              (kind, kind))
            return Marker(number, kind, reason)
    head, *options = [part.strip() for part in body.split(";")]
    if head in ("run", "transcript", "output"):
        kind, argument = head, ""
    elif head.startswith("output of "):
        kind, argument = "output", head[len("output of "):].strip()
    else:
        raise Problem(doc, number, "expected a docs marker (%s, figures), found %r" %
                      (", ".join(BLOCK_KINDS), body))
    unknown = [option for option in options if option not in OUTPUT_OPTIONS]
    if unknown or (options and kind == "run"):
        raise Problem(doc, number, "unknown option %r of %s (expected %s)" %
                      ((unknown or options)[0], kind, ", ".join(sorted(OUTPUT_OPTIONS))))
    return Marker(number, kind, argument, options)


def text_above(lines, comment_index):
    """(first, last) 0-based lines of the paragraph, list or table right above a comment."""
    last = comment_index - 1
    first = last
    while first > 0 and lines[first - 1].strip() and not lines[first - 1].startswith("<!--") \
            and not FENCE.match(lines[first - 1]):
        first -= 1
    return first, last


def parse_document(doc, text):
    """The document's blocks and figure lists, markers attached; Problem on a malformed one."""
    lines = text.split("\n")
    blocks, figure_lists, pending = [], [], None
    index = 0
    while index < len(lines):
        line = lines[index]
        fence = FENCE.match(line)
        if fence:
            marker_end = fence.group(2)
            close = index + 1
            while close < len(lines) and not lines[close].strip().startswith(marker_end):
                close += 1
            if close == len(lines):
                raise Problem(doc, index + 1, "a fenced block that never closes")
            indent = len(fence.group(1))
            block = Block(index + 1, close + 1, fence.group(3),
                          [content[indent:] for content in lines[index + 1:close]], indent)
            if pending is not None:
                block.marker, pending = pending, None
            blocks.append(block)
            index = close + 1
            continue
        if pending is not None:
            raise Problem(doc, pending.line, "a docs marker must be on the line right above its "
                                             "fenced block")
        if line.startswith("<!-- docs:"):
            body = line[len("<!-- docs:"):].strip()
            if body.endswith("-->"):
                pending = parse_block_marker(doc, index + 1, body[:-3].strip())
            elif body == "figures":
                figure_lists.append(parse_figure_list(doc, lines, index))
                index = figure_lists[-1].end
                continue
            else:
                raise Problem(doc, index + 1, "expected a docs marker closed by --> on its line, "
                                              "or <!-- docs: figures with its figures below")
        index += 1
    if pending is not None:
        raise Problem(doc, pending.line, "a docs marker with no fenced block below it")
    attach(doc, blocks, figure_lists)
    return blocks, figure_lists


def parse_figure_list(doc, lines, index):
    if index == 0 or not lines[index - 1].strip():
        raise Problem(doc, index + 1, "a figures comment must follow the text it checks, with no "
                                      "blank line between")
    first, last = text_above(lines, index)
    figures, end = [], index + 1
    while end < len(lines) and lines[end].strip() != "-->":
        if lines[end].strip():
            figures.append(parse_figure(doc, end + 1, lines[end]))
        end += 1
    if end == len(lines):
        raise Problem(doc, index + 1, "a figures comment that never closes (a line -->)")
    if not figures:
        raise Problem(doc, index + 1, "a figures comment with no figure")
    return FigureList(index + 1, end + 1, first + 1, last + 1, figures)


def attach(doc, blocks, figure_lists):
    """Checks where markers stand: outputs after a shell block, figures after a shell block."""
    last_shell = None
    for block in blocks:
        marker = block.marker
        if block.is_shell():
            if marker is not None and marker.kind == "output":
                raise Problem(doc, marker.line, "an output marker above a shell block: mark the "
                                                "command block run, and its output block output")
            last_shell = block
        elif marker is not None:
            if marker.kind != "output":
                raise Problem(doc, marker.line, "a %s marker above a ```%s block, which is not a "
                                                "shell block" % (marker.kind, block.language))
            if last_shell is None:
                raise Problem(doc, marker.line, "an output block with no shell block above it")
            block.owner = last_shell
    for figure_list in figure_lists:
        owners = [block for block in blocks if block.is_shell() and block.end < figure_list.line]
        if not owners:
            raise Problem(doc, figure_list.line, "figures with no shell block above them")
        figure_list.owner = owners[-1]


def check_figure_texts(doc, lines, figure_list):
    """Each figure's text occurs in the text above (its N-th occurrence); their places."""
    text = "\n".join(lines[figure_list.first - 1:figure_list.last])
    seen, places = {}, []
    for figure in figure_list.figures:
        seen[figure.text] = seen.get(figure.text, 0) + 1
        wanted = figure.occurrence or seen[figure.text]
        found = occurrences(text, figure.text)
        if len(found) < wanted:
            raise Problem(doc, figure.line, 'figure "%s": %s in the text above (lines %d-%d)' % (
                figure.text, "not" if not found else "no occurrence %d" % wanted,
                figure_list.first, figure_list.last))
        places.append(found[wanted - 1])
    return places


def occurrences(text, figure):
    """Start offsets of figure in text as a whole figure (not inside a longer number)."""
    pattern = r"(?<![\w.,$+\-−])" + re.escape(figure) + r"(?!\w|[.,]\d)"
    return [match.start() for match in re.finditer(pattern, text)]


# --- Formatting a value the way the prose writes it -------------------------------------------

NUMBER_TEXT = re.compile(r"^([+\-−]?)(\D*?)(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(\D*)$")


def format_like(text, value):
    """value written as text writes its number: decimals, grouping, sign, prefix, suffix."""
    if isinstance(value, str):
        return value
    match = NUMBER_TEXT.match(text)
    if not match:
        raise ValueError("%r is not a number with a prefix and a suffix" % text)
    sign, prefix, whole, fraction, suffix = match.groups()
    decimals = len(fraction) - 1 if fraction else 0
    grouped = "," in whole or len(whole) < 4
    digits = ("{:,.%df}" if grouped else "{:.%df}") % decimals
    magnitude = digits.format(abs(value))
    negative = value < 0 and magnitude.strip("0.,") != ""
    if negative:
        shown_sign = "−" if sign == "−" else "-"
    else:
        shown_sign = "+" if sign else ""
    return shown_sign + prefix + magnitude + suffix


# --- The scratch folder and the runs ----------------------------------------------------------


def prepare_scratch(scratch, source_dir, capsim):
    """A fresh folder that looks like the repository root after a release build."""
    if os.path.lexists(scratch):
        shutil.rmtree(scratch)
    os.makedirs(os.path.join(scratch, "build", "release"))
    os.makedirs(os.path.join(scratch, "bin"))
    for entry in sorted(os.listdir(source_dir)):
        if entry not in ("build", "out", ".git"):
            os.symlink(os.path.join(source_dir, entry), os.path.join(scratch, entry))
    os.symlink(capsim, os.path.join(scratch, "build", "release", "capsim"))
    # The Python module the build makes beside the binary (docs/python.md).
    module = os.path.join(os.path.dirname(os.path.abspath(capsim)), "python")
    if os.path.isdir(module):
        os.symlink(module, os.path.join(scratch, "build", "release", "python"))
    os.symlink(capsim, os.path.join(scratch, "bin", "capsim"))
    # scripts/*.py start with `#!/usr/bin/env python3`: the interpreter with Debian's packages.
    os.symlink(sys.executable, os.path.join(scratch, "bin", "python3"))


class Run:
    def __init__(self, status, stdout, stderr, seconds, cpu_seconds=0.0):
        self.status, self.stdout, self.stderr, self.seconds = status, stdout, stderr, seconds
        self.cpu_seconds = cpu_seconds


def run_commands(text, scratch):
    env = dict(os.environ)
    env["PATH"] = os.path.join(scratch, "bin") + os.pathsep + env.get("PATH", "")
    start, cpu_start = time.monotonic(), children_cpu_seconds()
    try:
        done = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", text], cwd=scratch,
                              env=env, stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=BLOCK_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return Run(None, "", "timed out after %d s" % BLOCK_TIMEOUT_S, BLOCK_TIMEOUT_S)
    return Run(done.returncode, done.stdout.decode("utf-8", "replace"),
               done.stderr.decode("utf-8", "replace"), time.monotonic() - start,
               children_cpu_seconds() - cpu_start)


def children_cpu_seconds():
    times = os.times()
    return times.children_user + times.children_system


def transcript_commands(lines):
    """[(command, output lines, offset of the first output line)] of a transcript block: its
    "$ " lines (with their continuation lines) and the lines under each."""
    commands = []
    for offset, line in enumerate(lines):
        if line.startswith("$ "):
            commands.append([line[2:], [], offset + 1])
        elif commands and commands[-1][0].endswith("\\") and not commands[-1][1]:
            commands[-1][0] += "\n" + line
            commands[-1][2] = offset + 1
        elif commands:
            commands[-1][1].append(line)
    return [tuple(command) for command in commands]


# --- Comparing outputs ------------------------------------------------------------------------

TIMES = re.compile(r"\d+(?:\.\d+)?\s?(?:µs|ms|s|min|h|(?:runs|events)/s)\b")


def normalise(text, options, scratch, source_dir):
    """The text with what the block's options declare as varying made constant: times
    (durations and rates, as <time>) and paths (absolute paths into the scratch folder or the
    source tree, as the relative paths a reader at the repository root would type)."""
    if "normalise paths" in options:
        for root in sorted({scratch, os.path.realpath(scratch), source_dir,
                            os.path.realpath(source_dir)}, key=len, reverse=True):
            text = text.replace(root + os.sep, "").replace(root, ".")
    if "normalise times" in options:
        text = TIMES.sub("<time>", text)
    return text


def output_lines(text):
    return text[:-1].split("\n") if text.endswith("\n") else text.split("\n")


def shown_matches(shown, actual, elided):
    """Whether the shown lines are the actual lines ("..." lines standing for any lines when
    the block is elided)."""
    if not elided:
        return shown == actual
    pattern = "".join(r"(?:[^\n]*\n)*?" if line == "..." else re.escape(line + "\n")
                      for line in shown)
    return re.fullmatch(pattern, "\n".join(actual) + "\n") is not None


def realign(shown, actual):
    """The actual lines cut as the shown elided lines are cut: a part at the start or the end
    keeps its place and length; a part between "..." lines is found by its first line's text
    up to its first digit. None when a part cannot be found."""
    parts, current = [], []
    for line in shown + ["..."]:
        if line == "...":
            parts.append(current)
            current = []
        else:
            current.append(line)
    result, position = [], 0
    for index, part in enumerate(parts):
        if index > 0:
            result.append("...")
        if not part:
            continue
        if index == 0:
            start = 0
        elif index == len(parts) - 1:
            start = len(actual) - len(part)
        else:
            key = re.split(r"\d", part[0], maxsplit=1)[0]
            found = [i for i in range(position, len(actual)) if actual[i].startswith(key)]
            if len(key) < 4 or not found:
                return None
            start = found[0]
        if start < position or start + len(part) > len(actual):
            return None
        result.extend(actual[start:start + len(part)])
        position = start + len(part)
    return result


def diff(shown, actual):
    return "\n".join("    " + line for line in difflib.unified_diff(
        shown, actual, "shown", "printed", lineterm="", n=1))


# --- Checking one document --------------------------------------------------------------------


class DocumentCheck:
    def __init__(self, doc, arguments):
        self.doc, self.arguments = doc, arguments
        self.path = os.path.join(arguments.source_dir, doc)
        with open(self.path, encoding="utf-8") as f:
            self.text = f.read()
        self.lines = self.text.split("\n")
        self.blocks, self.figure_lists = parse_document(doc, self.text)
        self.scratch = os.path.join(arguments.work_dir, re.sub(r"[^\w.-]", "_", doc))
        self.runs = {}  # block start line -> Run
        self.problems = []  # (message, fixed by --update)
        self.output_edits = []  # (0-based slice begin, end, new lines)
        self.figure_edits = {}  # figure list -> {figure: today's text}
        self.places = {}  # figure list -> each figure's offset in the text above it
        self.counts = {"run": 0, "slow": 0, "not run": 0, "outputs": 0, "figures": 0,
                       "figures of slow blocks": 0}
        self.seconds = 0.0

    def problem(self, line, message, fixed=False):
        self.problems.append(("%s:%d: %s" % (self.doc, line, message), fixed))

    def should_run(self, block):
        kind = block.kind()
        return kind in ("run", "transcript") or (kind == "slow" and self.arguments.slow)

    def check(self):
        if any(block.is_shell() and self.should_run(block) for block in self.blocks):
            prepare_scratch(self.scratch, self.arguments.source_dir, self.arguments.capsim)
        for block in self.blocks:
            if block.is_shell():
                self.run_block(block)
            elif block.marker is not None and block.owner.start in self.runs:
                self.compare_output(block)
        for figure_list in self.figure_lists:
            run = self.runs.get(figure_list.owner.start)
            if run is not None and run.status == 0:
                self.check_figures(figure_list)
            elif figure_list.owner.kind() == "slow":
                self.counts["figures of slow blocks"] += len(figure_list.figures)
            # else the block failed, which is reported once, at the block

    def run_block(self, block):
        kind = block.kind()
        if kind is None:
            self.problem(block.start, "a shell block with no docs marker")
            return
        if not self.should_run(block):
            self.counts["slow" if kind == "slow" else "not run"] += 1
            return
        self.counts["run"] += 1
        if kind == "transcript":
            self.run_transcript(block)
            return
        run = run_commands("\n".join(block.lines), self.scratch)
        self.seconds += run.seconds
        self.runs[block.start] = run
        if self.arguments.times:
            print("%s:%d: %.1f s, %.1f s of CPU" % (self.doc, block.start, run.seconds,
                                                    run.cpu_seconds), flush=True)
        if run.status != 0:
            self.problem(block.start, "the block failed (%s):\n%s" % (
                "exit status %s" % run.status if run.status is not None else "timed out",
                indent(run.stderr or run.stdout)))

    def run_transcript(self, block):
        printed = []
        for command, shown, offset in transcript_commands(block.lines):
            run = run_commands(command, self.scratch)
            self.seconds += run.seconds
            if run.status != 0:
                self.problem(block.start + offset, "$ %s failed (exit status %s):\n%s" % (
                    command, run.status, indent(run.stderr or run.stdout)))
                return
            printed.append(run.stdout)
            self.counts["outputs"] += 1
            begin = block.start + offset  # 0-based index of the first output line
            self.compare(block.marker, "$ " + command.split("\n")[0], shown, run.stdout,
                         begin - 1, begin, block.indent)
        self.runs[block.start] = Run(0, "".join(printed), "", 0)

    def compare_output(self, block):
        marker, run = block.marker, self.runs[block.owner.start]
        self.counts["outputs"] += 1
        if run.status != 0:
            return  # the failure is reported once, at the block that ran
        if marker.argument:
            try:
                with open(os.path.join(self.scratch, marker.argument), encoding="utf-8") as f:
                    printed = f.read()
            except OSError as error:
                self.problem(marker.line, "cannot read %s: %s" % (marker.argument,
                                                                  error.strerror))
                return
            what = marker.argument
        else:
            printed, what = run.stdout, "the output of the block at line %d" % block.owner.start
        self.compare(marker, what, block.lines, printed, block.start - 1, block.start,
                     block.indent)

    def compare(self, marker, what, shown, printed, line, begin, indent_width):
        """Compares shown lines (0-based begin in the document) with what was printed, and
        records the printed lines in their place for --update."""
        def normalised(text):
            return normalise(text, marker.options, self.scratch, self.arguments.source_dir)

        actual = output_lines(printed)
        elided = "elided" in marker.options
        if shown_matches([normalised(s) for s in shown], output_lines(normalised(printed)),
                         elided):
            return
        replacement = realign(shown, actual) if elided else actual
        self.problem(line + 1, "%s differs from the lines shown:\n%s" % (
            what, diff(shown, replacement if replacement is not None else actual)),
            fixed=replacement is not None)
        if replacement is None:
            self.problem(line + 1, "cannot place the printed lines in the elided output: "
                                   "rewrite it by hand")
            return
        self.output_edits.append((begin, begin + len(shown),
                                  [" " * indent_width + s if s else s for s in replacement]))

    def check_figures(self, figure_list):
        try:
            places = check_figure_texts(self.doc, self.lines, figure_list)
            self.places[figure_list] = places
        except Problem as problem:
            self.problems.append((str(problem), False))
            return
        run = self.runs[figure_list.owner.start]
        for figure, place in zip(figure_list.figures, places):
            self.counts["figures"] += 1
            try:
                value = evaluate(figure.expression, self.scratch, run.stdout)
                shown = format_like(figure.text, value)
            except (LookupError, ValueError, TypeError, ArithmeticError, OSError,
                    NameError, AttributeError) as error:
                self.problem(figure.line, 'figure "%s": %s' % (figure.text, error))
                continue
            if shown != figure.text:
                self.problem(figure.line, 'figure "%s": the run gives "%s" (%s = %r)' % (
                    figure.text, shown, figure.expression, value), fixed=True)
                self.figure_edits.setdefault(figure_list, {})[figure] = shown

    def rewrite_figures(self, lines, figure_list, shown):
        """Writes today's figures into the text above a figures comment and into the comment,
        each line's @N renumbered for the text as it now reads."""
        first, last = figure_list.first - 1, figure_list.last
        text = "\n".join(lines[first:last])
        figures = sorted(zip(self.places[figure_list], figure_list.figures), key=lambda p: p[0])
        moved, new_places = 0, {}
        for place, figure in figures:
            new_places[figure] = place + moved
            moved += len(shown.get(figure, figure.text)) - len(figure.text)
        for place, figure in reversed(figures):
            if figure in shown:
                text = text[:place] + shown[figure] + text[place + len(figure.text):]
        lines[first:last] = text.split("\n")
        seen = {}
        for figure in figure_list.figures:
            today = shown.get(figure, figure.text)
            seen[today] = seen.get(today, 0) + 1
            occurrence = occurrences(text, today).index(new_places[figure]) + 1
            label = '"%s"' % today + ("@%d" % occurrence if occurrence != seen[today] else "")
            lines[figure.line - 1] = FIGURE_LABEL.sub(label, lines[figure.line - 1], count=1)

    def updated_text(self):
        """The document with the printed outputs and today's figures in place."""
        lines = list(self.lines)
        # Figures first: they change no line count.
        for figure_list, shown in self.figure_edits.items():
            self.rewrite_figures(lines, figure_list, shown)
        for begin, end, replacement in sorted(self.output_edits, reverse=True):
            lines[begin:end] = replacement
        return "\n".join(lines)


def indent(text, limit=40):
    lines = text.rstrip("\n").split("\n")
    if len(lines) > limit:
        lines = ["..."] + lines[-limit:]
    return "\n".join("    " + line for line in lines)


# --- Figures: the values -----------------------------------------------------------------------


def evaluate(expression, scratch, stdout):
    """The value of a figure's expression, its files read in the scratch folder."""

    def path(name):
        where = os.path.join(scratch, name)
        if not os.path.exists(where):
            raise LookupError("no file %s: did a block above write it?" % name)
        return where

    def fig(source, name):
        where = path(source)
        if os.path.isdir(where):
            where = os.path.join(where, "summary.json")
        if where.endswith(".csv"):
            with open(where, encoding="utf-8", newline="") as f:
                return csv_value(list(csv.reader(f)), name)
        figures = summary_figures(where)
        if name not in figures:
            raise LookupError("%s has no figure %s" % (os.path.relpath(where, scratch), name))
        return figures[name]

    def summary(source):
        where = path(source)
        with open(os.path.join(where, "summary.json") if os.path.isdir(where) else where,
                  encoding="utf-8") as f:
            return json.load(f)

    def rows(source):
        with open(path(source), encoding="utf-8", newline="") as f:
            return list(csv.DictReader(f))

    def printed(pattern):
        match = re.search(pattern, stdout)
        if not match:
            raise LookupError("the block's output has no match of %r" % pattern)
        return float(match.group(1).replace(",", ""))

    def month(date):
        return datetime.date.fromisoformat(date).strftime("%B %Y")

    names = {"fig": fig, "summary": summary, "rows": rows, "stdout": printed, "month": month,
             "abs": abs, "max": max, "min": min, "sum": sum, "len": len, "float": float}
    # Globals, so that generator expressions see them too. The documents are the repository's.
    return eval(expression, dict(names, __builtins__={}))


# --- Listing the shell blocks -----------------------------------------------------------------


def describe(block):
    marker = block.marker
    if marker is None:
        return "NOT MARKED: add <!-- docs: run --> or <!-- docs: not run: REASON --> above it"
    if marker.kind == "slow":
        return "slow, run by scripts/update-docs.sh: %s" % marker.argument
    if marker.kind == "not run":
        return "not run: %s" % marker.argument
    return marker.kind


def list_blocks(docs, source_dir):
    counts, failed = {}, False
    for doc in docs:
        try:
            with open(os.path.join(source_dir, doc), encoding="utf-8") as f:
                text = f.read()
            blocks, figure_lists = parse_document(doc, text)
            for figure_list in figure_lists:
                check_figure_texts(doc, text.split("\n"), figure_list)
        except Problem as problem:
            print(problem)
            failed = True
            continue
        for block in blocks:
            if block.is_shell():
                kind = block.kind() or "not marked"
                counts[kind] = counts.get(kind, 0) + 1
                failed |= block.marker is None
                print("%s:%d: %s" % (doc, block.start, describe(block)))
        counts["figures"] = counts.get("figures", 0) + sum(len(f.figures) for f in figure_lists)
    shell = sum(value for key, value in counts.items() if key != "figures")
    print("%d shell blocks: %d run, %d transcripts, %d slow (run by scripts/update-docs.sh), "
          "%d not run, %d not marked; %d figures" % (
              shell, counts.get("run", 0), counts.get("transcript", 0), counts.get("slow", 0),
              counts.get("not run", 0), counts.get("not marked", 0), counts.get("figures", 0)))
    return 1 if failed else 0


# --- Main ---------------------------------------------------------------------------------------


def parse_arguments(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("docs", nargs="+", metavar="DOC", help="a document, relative to "
                                                                "--source-dir")
    parser.add_argument("--source-dir", required=True)
    parser.add_argument("--capsim", help="the capsim binary")
    parser.add_argument("--work-dir", help="where each document gets its scratch folder")
    parser.add_argument("--list", action="store_true", help="list the shell blocks, fail on an "
                                                            "unmarked one")
    parser.add_argument("--slow", action="store_true", help="also run the slow blocks")
    parser.add_argument("--update", action="store_true", help="write today's outputs and "
                                                              "figures into the documents")
    parser.add_argument("--times", action="store_true", help="print each block's wall and CPU "
                                                             "time")
    arguments = parser.parse_args(argv)
    arguments.source_dir = os.path.abspath(arguments.source_dir)
    if not arguments.list:
        if not arguments.capsim or not arguments.work_dir:
            parser.error("--capsim and --work-dir are required to check documents")
        arguments.capsim = os.path.abspath(arguments.capsim)
        if not os.access(arguments.capsim, os.X_OK):
            raise CannotCheck("no capsim binary at %s: build it first" % arguments.capsim)
        arguments.work_dir = os.path.abspath(arguments.work_dir)
    for doc in arguments.docs:
        if not os.path.isfile(os.path.join(arguments.source_dir, doc)):
            raise CannotCheck("no document %s under %s" % (doc, arguments.source_dir))
    return arguments


def summary_line(check):
    counts = check.counts
    line = "%s: %d blocks run, %d slow not run, %d not run; %d outputs compared; %d figures " \
           "checked" % (check.doc, counts["run"], counts["slow"], counts["not run"],
                        counts["outputs"], counts["figures"])
    if counts["figures of slow blocks"]:
        line += ", %d of slow blocks not checked" % counts["figures of slow blocks"]
    return line + "; %.1f s" % check.seconds


def main(argv):
    try:
        arguments = parse_arguments(argv)
    except CannotCheck as error:
        print("cannot check: %s" % error)
        return 2
    if arguments.list:
        return list_blocks(arguments.docs, arguments.source_dir)
    failed = False
    for doc in arguments.docs:
        try:
            check = DocumentCheck(doc, arguments)
        except Problem as problem:
            print(problem)
            failed = True
            continue
        check.check()
        for problem, _ in check.problems:
            print(problem)
        if arguments.update:
            failed |= any(not fixed for _, fixed in check.problems)
            if check.output_edits or check.figure_edits:
                write_atomically(check.path, check.updated_text())
                print("%s: updated %d outputs and %d figures" % (
                    doc, len(check.output_edits),
                    sum(len(edits) for edits in check.figure_edits.values())))
        else:
            failed |= bool(check.problems)
        print(summary_line(check))
    return 1 if failed else 0


def write_atomically(path, text):
    temporary = path + ".tmp.%d" % os.getpid()
    with open(temporary, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(temporary, path)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
