#!/usr/bin/env python3
"""Plots one figure of a capsim sweep against one parameter, with 95% confidence bands.

Reads runs_summary.csv (written by `capsim sweep` and `capsim merge`): one line per point with
each figure's mean and 95% Student t interval across replications. Draws the figure's mean
against the parameter, one line per combination of the other parameters (or only the points
that match --where), with the interval as a shaded band, and writes a PNG.

    scripts/plot_sweep.py out/meta-budget/runs_summary.csv \\
        --x planner.budget_per_period_usd --y totals.capex_usd --out capex.png
    scripts/plot_sweep.py runs_summary.csv --x economics.utilisation_share \\
        --y totals.energy_facility_mwh --where failures.annual_failure_rate_share=0.04

A parameter that takes a quantity is a column of numbers in its canonical unit, named in the
column (`planner.budget_per_period_usd`, `economics.utilisation_share`); other values keep
their text. A column whose cells are numbers (or share one prefix and unit, as older sweeps
wrote them: "$10B", "70 MW") is plotted as numbers, any other as categories, in file order. Needs matplotlib: apt install python3-matplotlib.
"""

import argparse
import csv
import re
import sys

NUMBER = re.compile(r"^(\D*?)([-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)(.*)$")


def fail(message):
    print(f"plot_sweep.py: {message}", file=sys.stderr)
    sys.exit(2)


def numeric_axis(values):
    """Numbers of a column whose cells share one prefix and unit, else None."""
    parts = [NUMBER.match(v) for v in values]
    if not parts or any(p is None for p in parts):
        return None
    if len({(p.group(1), p.group(3)) for p in parts}) != 1:
        return None
    return [float(p.group(2)) for p in parts]


def unit_of(values):
    """'$…B', ' MW', '%': how the numbers of a numeric column are written."""
    match = NUMBER.match(values[0])
    prefix, suffix = match.group(1), match.group(3).strip()
    return f"{prefix}…{suffix}" if prefix else suffix


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("summary", help="runs_summary.csv of a sweep")
    parser.add_argument("--x", required=True, help="the parameter on the x axis (its runs_summary.csv column)")
    parser.add_argument("--y", required=True, help="the figure on the y axis, e.g. totals.capex_usd")
    parser.add_argument("--where", action="append", default=[], metavar="PARAM=VALUE",
                        help="keep only points where PARAM has this value (repeatable)")
    parser.add_argument("--out", help="PNG to write (default: Y-vs-X.png)")
    parser.add_argument("--log-x", action="store_true", help="logarithmic x axis")
    args = parser.parse_args()

    try:
        with open(args.summary, newline="", encoding="utf-8") as file:
            reader = csv.DictReader(file)
            rows = list(reader)
            header = reader.fieldnames or []
    except OSError as error:
        fail(f"cannot read {args.summary}: {error.strerror}")
    if not rows:
        fail(f"{args.summary}: no points")
    if "replications" not in header or header[0] != "point":
        fail(f"{args.summary}: expected a sweep's runs_summary.csv (point, parameters, "
             "replications, figures)")
    parameters = header[1:header.index("replications")]
    if args.x not in parameters:
        fail(f"--x: expected one of the parameters {', '.join(parameters)}, found {args.x!r}")
    mean = args.y + ".mean"
    if mean not in header:
        figures = sorted({c.rsplit(".", 1)[0] for c in header[header.index("replications") + 1:]})
        fail(f"--y: expected one of the figures {', '.join(figures)}, found {args.y!r}")
    for condition in args.where:
        key, _, value = condition.partition("=")
        if key not in parameters:
            fail(f"--where: expected PARAM=VALUE with one of {', '.join(parameters)}, "
                 f"found {condition!r}")
        rows = [row for row in rows if row[key] == value]
    if not rows:
        fail("no point matches every --where")

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    others = [p for p in parameters if p != args.x and len({row[p] for row in rows}) > 1]
    groups = {}
    for row in rows:
        groups.setdefault(tuple(row[p] for p in others), []).append(row)
    x_numbers = numeric_axis([row[args.x] for row in rows])
    categories = list(dict.fromkeys(row[args.x] for row in rows))

    figure, axes = plt.subplots(figsize=(8, 5))
    for key, members in groups.items():
        if x_numbers is not None:
            xs = numeric_axis([row[args.x] for row in members])
        else:
            xs = [categories.index(row[args.x]) for row in members]
        order = sorted(range(len(members)), key=lambda i: xs[i])
        xs = [xs[i] for i in order]
        members = [members[i] for i in order]
        ys = [float(row[mean]) for row in members]
        label = ", ".join(f"{p}={v}" for p, v in zip(others, key)) or args.y
        line, = axes.plot(xs, ys, marker="o", label=label)
        lows = [row.get(args.y + ".ci95_low", "") for row in members]
        highs = [row.get(args.y + ".ci95_high", "") for row in members]
        if all(lows) and all(highs):
            axes.fill_between(xs, [float(v) for v in lows], [float(v) for v in highs],
                              color=line.get_color(), alpha=0.2, linewidth=0)
    if x_numbers is None:
        axes.set_xticks(range(len(categories)), categories)
    if args.log_x:
        axes.set_xscale("log")
    unit = unit_of([row[args.x] for row in rows]) if x_numbers is not None else ""
    axes.set_xlabel(f"{args.x} ({unit})" if unit else args.x)
    axes.set_ylabel(args.y + " (mean, 95% CI)")
    axes.grid(True, alpha=0.3)
    if len(groups) > 1:
        axes.legend(fontsize="small")
    figure.tight_layout()
    out = args.out or f"{args.y}-vs-{args.x}.png".replace("/", "_")
    figure.savefig(out, dpi=120)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
