#!/usr/bin/env python3
"""The students' scaling study on one machine: images x MPI ranks.

Runs `mpirun -n R orchard run` on the first N images of a sorted listing for
every N in --images and R in --ranks (ranks beyond the cores are
oversubscribed), --repeat times each, and prints a table of the median wall
time, throughput and speed-up over one rank. For each R it fits
time = overhead + N * per_image by least squares over the N values, which
separates the fixed cost (start-up, model load, plan, fit, report) from the
part that shrinks with more ranks. Writes the table as Markdown and a plot of
time and speed-up as SVG when --markdown / --svg are given.

Example (the figures in docs/benchmarks.md):
  bench/scale/bench_scale.py --orchard build/orchard --input ../shared/data/fruits-360-sample \
      --images 1000 2000 4000 --ranks 1 2 4 --repeat 3 --svg docs/scale.svg
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

MAKE_SUBSET = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "peers", "make_subset.py")


def make_subset(root, n, into):
    """The first n images of root's sorted listing, as every bench script picks
    them (bench/peers/make_subset.py); returns the folder to give orchard."""
    subprocess.run([sys.executable, MAKE_SUBSET, root, str(n), into], check=True, stdout=subprocess.DEVNULL)
    return os.path.join(into, "images")


def run_once(args, subset, ranks, out):
    shutil.rmtree(out, ignore_errors=True)
    threads = max(1, args.cores // ranks)
    # Open MPI binds each rank to one core by default for 2 ranks or fewer:
    # a 1-rank run with 2 threads would get half the machine.
    command = ["mpirun", "-n", str(ranks), "--oversubscribe", "--bind-to", "none", args.orchard, "run", subset, "--out", out,
               "--model-dir", args.model_dir, "--image-size", args.image_size, "--threads", str(threads),
               "--shard-size", str(args.shard_size), "--progress", "none"]
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    start = time.monotonic()
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    seconds = time.monotonic() - start
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({result.returncode}):\n{result.stderr}")
    report = json.load(open(os.path.join(out, "report.json")))
    stages = {s["name"]: s["seconds"] for s in report["stages"]}
    return seconds, stages


def fit_line(xs, ys):
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx if sxx > 0 else 0.0
    return my - slope * mx, slope


def svg_plot(results, images, ranks, path):
    """Two panels: wall time against images (one line per rank count), and
    speed-up against ranks (one line per image count)."""
    width, height, pad = 360, 260, 45
    colors = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"]

    def panel(x0, title, xlabel, ylabel, series, xmax, ymax):
        parts = [f'<g transform="translate({x0},0)">',
                 f'<text x="{width / 2}" y="18" text-anchor="middle" font-size="13">{title}</text>',
                 f'<line x1="{pad}" y1="{height - pad}" x2="{width - 10}" y2="{height - pad}" stroke="black"/>',
                 f'<line x1="{pad}" y1="30" x2="{pad}" y2="{height - pad}" stroke="black"/>',
                 f'<text x="{width / 2}" y="{height - 8}" text-anchor="middle" font-size="11">{xlabel}</text>',
                 f'<text x="12" y="{height / 2}" font-size="11" transform="rotate(-90 12 {height / 2})" '
                 f'text-anchor="middle">{ylabel}</text>']
        sx = lambda x: pad + (width - 10 - pad) * x / xmax
        sy = lambda y: height - pad - (height - pad - 30) * y / ymax
        for tick in range(5):
            y = ymax * tick / 4
            parts.append(f'<text x="{pad - 4}" y="{sy(y) + 4}" text-anchor="end" font-size="9">{y:.3g}</text>')
        for i, (label, points) in enumerate(series):
            color = colors[i % len(colors)]
            line = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in points)
            parts.append(f'<polyline points="{line}" fill="none" stroke="{color}" stroke-width="2"/>')
            for x, y in points:
                parts.append(f'<circle cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="3" fill="{color}"/>')
                parts.append(f'<text x="{sx(x):.1f}" y="{height - pad + 12}" text-anchor="middle" '
                             f'font-size="9">{x:g}</text>')
            parts.append(f'<text x="{pad + 8}" y="{40 + 14 * i}" font-size="10" fill="{color}">{label}</text>')
        parts.append("</g>")
        return "\n".join(parts)

    time_series = [(f"{r} rank{'s' if r > 1 else ''}", [(n, results[(n, r)]) for n in images]) for r in ranks]
    speed_series = [(f"{n} images", [(r, results[(n, ranks[0])] / results[(n, r)]) for r in ranks]) for n in images]
    tmax = max(results.values()) * 1.1
    smax = max(max(y for _, y in pts) for _, pts in speed_series) * 1.2
    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{2 * width}" height="{height}" '
           f'font-family="sans-serif">',
           panel(0, "wall time", "images", "seconds", time_series, max(images) * 1.05, tmax),
           panel(width, f"speed-up over {ranks[0]} rank", "ranks", "speed-up", speed_series, max(ranks) * 1.1,
                 smax),
           "</svg>"]
    with open(path, "w") as f:
        f.write("\n".join(svg) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orchard", default="build/orchard")
    parser.add_argument("--input", default="../shared/data/fruits-360-sample")
    parser.add_argument("--model-dir", default="../shared/models")
    parser.add_argument("--images", type=int, nargs="+", default=[1000, 2000, 4000])
    parser.add_argument("--ranks", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--image-size", default="native")
    parser.add_argument("--shard-size", type=int, default=100)
    parser.add_argument("--cores", type=int, default=os.cpu_count(),
                        help="threads shared among the ranks (each rank gets cores/R, at least 1)")
    parser.add_argument("--markdown", help="also write the table to this file")
    parser.add_argument("--svg", help="write the plot to this SVG file")
    args = parser.parse_args()
    args.orchard = os.path.abspath(args.orchard)

    results, fixed = {}, {}
    with tempfile.TemporaryDirectory(prefix="orchard-scale-") as work:
        for n in args.images:
            subset = make_subset(args.input, n, os.path.join(work, f"in-{n}"))
            for r in args.ranks:
                times = [run_once(args, subset, r, os.path.join(work, "out"))[0] for _ in range(args.repeat)]
                results[(n, r)] = statistics.median(times)
                print(f"{n} images, {r} ranks: median {results[(n, r)]:.2f} s of {args.repeat} "
                      f"({', '.join(f'{t:.2f}' for t in times)})", file=sys.stderr)

    lines = [f"| images | ranks | wall s (median of {args.repeat}) | images/s | speed-up |", "|---|---|---|---|---|"]
    for n in args.images:
        for r in args.ranks:
            t = results[(n, r)]
            lines.append(f"| {n} | {r} | {t:.2f} | {n / t:.1f} | {results[(n, args.ranks[0])] / t:.2f} |")
    lines += ["", "| ranks | fixed overhead s | per-image ms | images/s without the overhead |", "|---|---|---|---|"]
    for r in args.ranks:
        overhead, per_image = fit_line(args.images, [results[(n, r)] for n in args.images])
        fixed[r] = overhead
        rate = f"{1.0 / per_image:.1f}" if per_image > 0 else "n/a (noise larger than the trend)"
        lines.append(f"| {r} | {overhead:.2f} | {per_image * 1000:.2f} | {rate} |")
    table = "\n".join(lines)
    print(table)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(table + "\n")
    if args.svg:
        svg_plot(results, args.images, args.ranks, args.svg)


if __name__ == "__main__":
    main()
