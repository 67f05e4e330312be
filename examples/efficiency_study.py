#!/usr/bin/python3
"""The 10x question from Python: does an efficiency gain cut the fleet, once cheaper tokens
raise demand?

Runs scenarios/efficiency-10x.yaml at N Latin-hypercube points of demand elasticity (0 to 1.5)
and the size of the inference gain (2x to 20x, log-uniform), in parallel threads (capsim runs
without the GIL), and writes:
  OUT/study.csv  one row per point: its inputs and the run's capex, GPUs ordered and serving
                 cost per million tokens;
  OUT/study.png  capex against elasticity, coloured by the gain: the main plot.

    PYTHONPATH=build/release/python /usr/bin/python3 examples/efficiency_study.py \\
        --points 200 --out out/study

Points are drawn with a fixed seed, so a study is the same on every machine and thread count.
"""

import argparse
import concurrent.futures
import os
import sys

import numpy

import capsim

HERE = os.path.dirname(os.path.abspath(__file__))
SCENARIO = os.path.join(HERE, "..", "scenarios", "efficiency-10x.yaml")


def latin_hypercube(points, dimensions, seed):
    """`points` rows in [0, 1)^dimensions, one point in each of `points` strata per dimension."""
    rng = numpy.random.default_rng(seed)
    strata = numpy.array([rng.permutation(points) for _ in range(dimensions)]).T
    return (strata + rng.random((points, dimensions))) / points


def study_points(points, seed):
    unit = latin_hypercube(points, 2, seed)
    elasticity = 1.5 * unit[:, 0]
    gain = numpy.exp(numpy.log(2.0) + unit[:, 1] * (numpy.log(20.0) - numpy.log(2.0)))
    return list(zip(elasticity, gain))


def run_point(point):
    elasticity, gain = point
    result = capsim.run(SCENARIO, set={"demand_feedback.elasticity": repr(float(elasticity)),
                                       "efficiency.steps[0].factor": "%rx" % float(gain)})
    summary = result.summary
    service = summary["inference"][0]
    return {"elasticity": float(elasticity), "gain_x": float(gain),
            "capex_usd": summary["totals"]["capex_usd"],
            "gpus_ordered": summary["gpus"]["ordered"],
            "cost_per_million_tokens_usd": service["cost_per_million_tokens_usd"]}


def plot(rows, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(8, 5), dpi=120)
    drawn = axes.scatter([r["elasticity"] for r in rows], [r["capex_usd"] / 1e9 for r in rows],
                         c=[r["gain_x"] for r in rows], cmap="viridis", s=22,
                         norm=matplotlib.colors.LogNorm(vmin=2, vmax=20))
    bar = figure.colorbar(drawn, ax=axes)
    bar.set_label("inference efficiency gain")
    bar.ax.minorticks_off()
    bar.set_ticks([2, 3, 5, 10, 20])
    bar.set_ticklabels(["2x", "3x", "5x", "10x", "20x"])
    axes.set_xlabel("demand elasticity (price to demand)")
    axes.set_ylabel("capex over the run ($B)")
    axes.set_title("A 10x efficiency gain: fleet capex once cheaper tokens raise demand\n"
                   "(scenarios/efficiency-10x.yaml, %d points)" % len(rows))
    axes.grid(True, alpha=0.3)
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)


def main(arguments):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=200)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument("--out", default="out/study")
    options = parser.parse_args(arguments)
    os.makedirs(options.out, exist_ok=True)
    points = study_points(options.points, options.seed)
    with concurrent.futures.ThreadPoolExecutor(options.threads) as pool:
        rows = list(pool.map(run_point, points))  # in the points' order, whatever the threads
    columns = list(rows[0])
    with open(os.path.join(options.out, "study.csv"), "w", encoding="utf-8") as f:
        f.write(",".join(columns) + "\n")
        for row in rows:
            f.write(",".join(repr(row[c]) for c in columns) + "\n")
    plot(rows, os.path.join(options.out, "study.png"))
    print("wrote %s and %s" % (os.path.join(options.out, "study.csv"),
                               os.path.join(options.out, "study.png")))


if __name__ == "__main__":
    main(sys.argv[1:])
