"""The docs harness (check_docs.py) on hand-written documents: tests/docs/fixtures/good.md
passes; each fault of a document fails with exactly its message; --update writes what the
runs print and the figures they give, after which the document passes. The blocks run plain
shell commands and a stand-in capsim, so no build is needed.

Run: /usr/bin/python3 -m pytest tests/docs   (ctest: `docs: harness`)
"""

import os
import shutil
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
HARNESS = os.path.join(HERE, "check_docs.py")
sys.path.insert(0, HERE)
import check_docs  # noqa: E402


@pytest.fixture
def source(tmp_path):
    """A source folder holding the fixtures, and a stand-in capsim beside it."""
    folder = tmp_path / "src"
    shutil.copytree(os.path.join(HERE, "fixtures"), folder)
    capsim = tmp_path / "capsim"
    capsim.write_text('#!/bin/sh\necho "capsim: $*"\n')
    capsim.chmod(0o755)
    return folder


def check(source, *arguments):
    """(exit status, output lines) of the harness on documents under source."""
    done = subprocess.run(
        [sys.executable, HARNESS, "--capsim", str(source.parent / "capsim"), "--source-dir",
         str(source), "--work-dir", str(source.parent / "work")] + list(arguments),
        capture_output=True, text=True, timeout=120)
    return done.returncode, done.stdout.splitlines()


def listing(source, *documents):
    done = subprocess.run([sys.executable, HARNESS, "--list", "--source-dir", str(source)] +
                          list(documents), capture_output=True, text=True, timeout=60)
    return done.returncode, done.stdout.splitlines()


def write(source, name, text):
    (source / name).write_text(text)
    return name


# --- A good document --------------------------------------------------------------------------


def test_good_document_passes_without_its_slow_block(source):
    status, lines = check(source, "good.md")
    assert status == 0, lines
    assert lines[0].startswith("good.md: 4 blocks run, 1 slow not run, 1 not run; 6 outputs "
                               "compared; 7 figures checked, 1 of slow blocks not checked; ")
    # The commands wrote into the scratch folder, not into the source tree.
    assert (source.parent / "work" / "good.md" / "out" / "run" / "summary.json").is_file()
    assert not (source / "out").exists()


def test_good_document_passes_with_its_slow_block(source):
    status, lines = check(source, "--slow", "good.md")
    assert status == 0, lines
    assert lines[0].startswith("good.md: 5 blocks run, 0 slow not run, 1 not run; 6 outputs "
                               "compared; 8 figures checked; ")


def test_listing_names_every_shell_block_and_its_marker(source):
    status, lines = listing(source, "good.md")
    assert status == 0
    assert lines == [
        "good.md:4: run",
        "good.md:34: run",
        "good.md:47: transcript",
        "good.md:56: run",
        "good.md:67: not run: needs a cluster",
        "good.md:72: slow, run by scripts/update-docs.sh: takes 20 s",
        "6 shell blocks: 3 run, 1 transcripts, 1 slow (run by scripts/update-docs.sh), 1 not run,"
        " 0 not marked; 8 figures",
    ]


# --- Faults of a document ---------------------------------------------------------------------


def test_an_unmarked_shell_block_fails_the_listing_and_the_check(source):
    doc = write(source, "unmarked.md", "Text.\n\n```sh\ncapsim run x.yaml\n```\n\n"
                                       "```\n$ capsim validate x.yaml\n```\n")
    status, lines = listing(source, doc)
    assert status == 1
    assert lines == [
        "unmarked.md:3: NOT MARKED: add <!-- docs: run --> or <!-- docs: not run: REASON --> "
        "above it",
        "unmarked.md:7: NOT MARKED: add <!-- docs: run --> or <!-- docs: not run: REASON --> "
        "above it",
        "2 shell blocks: 0 run, 0 transcripts, 0 slow (run by scripts/update-docs.sh), 0 not run,"
        " 2 not marked; 0 figures",
    ]
    status, lines = check(source, doc)
    assert status == 1
    assert lines[:2] == ["unmarked.md:3: a shell block with no docs marker",
                         "unmarked.md:7: a shell block with no docs marker"]


def test_an_output_that_differs_is_shown_as_a_diff(source):
    doc = write(source, "output.md", "<!-- docs: run -->\n```sh\nprintf 'a\\nb\\nc\\n'\n```\n"
                                     "<!-- docs: output -->\n```\na\nB\nc\n```\n")
    status, lines = check(source, doc)
    assert status == 1
    assert lines[:-1] == [
        "output.md:6: the output of the block at line 2 differs from the lines shown:",
        "    --- shown",
        "    +++ printed",
        "    @@ -1,3 +1,3 @@",
        "     a",
        "    -B",
        "    +b",
        "     c",
    ]


def test_an_elided_output_still_checks_the_lines_it_shows(source):
    doc = write(source, "elided.md", "<!-- docs: run -->\n```sh\nseq 1 5\n```\n"
                                     "<!-- docs: output; elided -->\n```\n1\n...\n4\n```\n")
    status, lines = check(source, doc)
    assert status == 1
    assert lines[0] == "elided.md:6: the output of the block at line 2 differs from the lines " \
                       "shown:"
    assert "    -4" in lines and "    +5" in lines


def test_a_failing_block_reports_its_exit_status_and_standard_error(source):
    doc = write(source, "failing.md", "<!-- docs: run -->\n```sh\necho fine\necho broken >&2\n"
                                      "exit 3\necho never\n```\n")
    status, lines = check(source, doc)
    assert status == 1
    assert lines[:2] == ["failing.md:2: the block failed (exit status 3):", "    broken"]


def test_a_figure_the_run_does_not_give_names_what_it_gives(source):
    doc = write(source, "figure.md", "<!-- docs: run -->\n```sh\nmkdir -p out/r\n"
                                     "printf '{\"n\": 1443590}' > out/r/summary.json\n```\n"
                                     "It has 1,308,753 GPUs.\n<!-- docs: figures\n"
                                     "\"1,308,753\" out/r n\n-->\n")
    status, lines = check(source, doc)
    assert status == 1
    assert lines[0] == 'figure.md:8: figure "1,308,753": the run gives "1,443,590" ' \
                       "(fig('out/r', 'n') = 1443590.0)"


@pytest.mark.parametrize("source_line, message", [
    ("\"5\" out/r missing", 'figure "5": out/r/summary.json has no figure missing'),
    ("\"5\" out/none n", 'figure "5": no file out/none: did a block above write it?'),
    ("\"5\" = stdout(r'total ([0-9]+)')",
     "figure \"5\": the block's output has no match of 'total ([0-9]+)'"),
])
def test_a_figure_that_cannot_be_read_says_why(source, source_line, message):
    doc = write(source, "unread.md", "<!-- docs: run -->\n```sh\nmkdir -p out/r\n"
                                     "printf '{\"n\": 5}' > out/r/summary.json\n```\n"
                                     "It is 5.\n<!-- docs: figures\n%s\n-->\n" % source_line)
    status, lines = check(source, doc)
    assert status == 1
    assert lines[0] == "unread.md:8: " + message


@pytest.mark.parametrize("text, message", [
    ("<!-- docs: run -->\n\n```sh\nls\n```\n",
     "bad.md:1: a docs marker must be on the line right above its fenced block"),
    ("<!-- docs: runs -->\n```sh\nls\n```\n",
     "bad.md:1: expected a docs marker (run, slow, not run, transcript, output, figures), "
     "found 'runs'"),
    ("<!-- docs: not run -->\n```sh\nls\n```\n",
     'bad.md:1: "not run" needs a reason: <!-- docs: not run: REASON -->'),
    ("<!-- docs: output; sorted -->\n```\nx\n```\n",
     "bad.md:1: unknown option 'sorted' of output (expected elided, normalise paths, "
     "normalise times)"),
    ("<!-- docs: output -->\n```\nx\n```\n",
     "bad.md:1: an output block with no shell block above it"),
    ("<!-- docs: not run: x -->\n```sh\nls\n```\n<!-- docs: output -->\n```sh\nls\n```\n",
     "bad.md:5: an output marker above a shell block: mark the command block run, and its "
     "output block output"),
    ("<!-- docs: run -->\n```python\nprint(1)\n```\n",
     "bad.md:1: a run marker above a ```python block, which is not a shell block"),
    ("<!-- docs: run -->\n```sh\nls\n```\nIt is 5.\n<!-- docs: figures\n\"6\" out/r n\n-->\n",
     'bad.md:7: figure "6": not in the text above (lines 5-5)'),
    ("<!-- docs: run -->\n```sh\nls\n```\nIt is 5.\n\n<!-- docs: figures\n\"5\" out/r n\n-->\n",
     "bad.md:7: a figures comment must follow the text it checks, with no blank line between"),
    ("It is 5.\n<!-- docs: figures\n\"5\" out/r n\n-->\n",
     "bad.md:2: figures with no shell block above them"),
    ("<!-- docs: run -->\n```sh\nls\n```\nIt is 5.\n<!-- docs: figures\n5 out/r n\n-->\n",
     "bad.md:7: expected a figure \"TEXT\" SOURCE, found '5 out/r n'"),
    ("<!-- docs: run -->\n```sh\nls\n```\nIt is 5.\n<!-- docs: figures\n\"5\" = fig(\n-->\n",
     "bad.md:7: figure \"5\": '(' was never closed in 'fig('"),
])
def test_a_malformed_marker_is_named_with_its_line(source, text, message):
    write(source, "bad.md", text)
    status, lines = listing(source, "bad.md")
    assert (status, lines[0]) == (1, message)


# --- --update ---------------------------------------------------------------------------------

STALE = """<!-- docs: run -->
```sh
seq 1 5 | sed 's/^/line /'
mkdir -p out/r
printf '{"capex_usd": 53260000000, "gpus": 1443590}' > out/r/summary.json
```
<!-- docs: output; elided -->
```
line 0
...
line 9
```
It spends $52.6B on 1,308,753 GPUs (1,308,753 in all).
<!-- docs: figures
"$52.6B" out/r capex_usd / 1e9
"1,308,753"@2 out/r gpus
-->

<!-- docs: transcript -->
```
$ echo new
old
```
"""

# What --update changes: the elided output's shown lines, the figures in the text (the second
# "1,308,753" only) and in the comment (its @2 dropped: "1,443,590" occurs once), the
# transcript's output.
UPDATES = [("line 0", "line 1"), ("line 9", "line 5"), ("$52.6B on", "$53.3B on"),
           ("(1,308,753 in all)", "(1,443,590 in all)"), ('"$52.6B"', '"$53.3B"'),
           ('"1,308,753"@2', '"1,443,590"'), ("$ echo new\nold", "$ echo new\nnew")]


def test_update_writes_the_printed_outputs_and_the_figures_then_the_document_passes(source):
    doc = write(source, "stale.md", STALE)
    status, lines = check(source, doc)
    assert status == 1
    assert sum(line.startswith("stale.md:") for line in lines) == 5
    status, lines = check(source, "--update", doc)
    assert status == 0, lines
    assert "stale.md: updated 2 outputs and 2 figures" in lines
    updated = STALE
    for old, new in UPDATES:
        assert updated.count(old) == 1, old
        updated = updated.replace(old, new)
    assert (source / doc).read_text() == updated
    assert check(source, doc)[0] == 0


def test_update_leaves_a_failing_block_for_a_person(source):
    doc = write(source, "failing.md", "<!-- docs: run -->\n```sh\nexit 4\n```\n")
    status, lines = check(source, "--update", doc)
    assert status == 1
    assert lines[0] == "failing.md:2: the block failed (exit status 4):"


# --- The pieces -------------------------------------------------------------------------------


@pytest.mark.parametrize("text, value, expected", [
    ("1,308,753", 1443590.0, "1,443,590"),
    ("192 h", 1151.9, "1,152 h"),     # grouping once the number has four digits
    ("2025", 2026.0, "2026"),         # four digits written without a comma stay without
    ("$52.6B", 53.26, "$53.3B"),
    ("0.0 h", 0.04, "0.0 h"),
    ("98.1%", 91.75, "91.8%"),
    ("+0.7408", 0.7399, "+0.7399"),
    ("+0.7408", -0.0532, "-0.0532"),
    ("−16%", -15.6, "−16%"),
    ("−16%", 3.0, "+3%"),
    ("-0.0684", -0.00004, "+0.0000"),  # no sign on a zero: it shows as the explicit +
    ("1.319×", 1.31934, "1.319×"),
    ("February 2025", "March 2025", "March 2025"),
])
def test_format_like_writes_a_value_as_the_text_writes_its_number(text, value, expected):
    assert check_docs.format_like(text, value) == expected


def test_format_like_refuses_a_text_without_a_number():
    with pytest.raises(ValueError, match="'many' is not a number"):
        check_docs.format_like("many", 3.0)


def test_occurrences_are_whole_figures():
    text = "At 98% (not 98.1%, $98 or 1,98%) it is 98%."
    assert check_docs.occurrences(text, "98%") == [3, 39]
    assert check_docs.occurrences("ε = 1 | 1.5 | 1", "1") == [4, 14]


def test_realign_keeps_the_shown_cut_of_an_elided_output():
    printed = ["sweep x: 5 runs", "wrote a", "total (R² = 0.79)", "  1 b +0.88", "z (R² = 0.7)",
               "  1 c -0.85"]
    shown = ["sweep x: 4 runs", "...", "total (R² = 0.86)", "  1 b +0.93", "...",
             "  1 c -0.80"]
    assert check_docs.realign(shown, printed) == [
        "sweep x: 5 runs", "...", "total (R² = 0.79)", "  1 b +0.88", "...", "  1 c -0.85"]
    # A middle part whose first line is nowhere in the output cannot be placed.
    assert check_docs.realign(["a", "...", "nowhere 1", "...", "z"], printed) is None


def test_normalise_makes_times_and_the_scratch_folder_constant():
    text = "took 1.25 s (3 runs/s, 250 ms each); wrote /tmp/scratch/out/x and /src/tree/y"
    assert check_docs.normalise(text, {"normalise times", "normalise paths"}, "/tmp/scratch",
                                "/src/tree") == \
        "took <time> (<time>, <time> each); wrote out/x and y"
    assert check_docs.normalise(text, set(), "/tmp/scratch", "/src/tree") == text
