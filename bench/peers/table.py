#!/usr/bin/python3
"""The table of bench/peers/compare.sh from its JSON lines (medians)."""
import json
import statistics
import sys


def main():
    lines = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8") if line.strip()]
    runs, cnn = {}, {}
    for line in lines:
        (cnn if line.get("cnn_only") else runs).setdefault(line["system"], []).append(line)
    wall = {name: statistics.median(r["images"] / r["wall_seconds"] for r in rs)
            for name, rs in runs.items()}
    job = {name: statistics.median(r["images_per_second"] if "images_per_second" in r
                                   else r["images"] / r["seconds"] for r in rs)
           for name, rs in runs.items()}
    ours = [name for name in runs if name.startswith("orchard")]
    print("| system | images | runs | images/s, whole process | images/s, job | "
          + "".join(f"{name} ÷ system | " for name in ours) + "CNN alone, batch 16 |")
    print("|---" * (6 + len(ours)) + "|")
    for name, rs in runs.items():
        ratios = "".join(f"{wall[our] / wall[name]:.2f}× | " for our in ours)
        alone = (f"{statistics.median(c['images_per_second'] for c in cnn[name]):.1f}"
                 if name in cnn else "–")
        print(f"| {name} | {rs[0]['images']} | {len(rs)} | {wall[name]:.1f} | {job[name]:.1f} | "
              f"{ratios}{alone} |")
    print("\nratios: medians of whole-process images/s")
    loads = sorted(line["load_before"] for line in lines)
    print(f"load average (1 min) before the runs: {loads[0]:.2f}–{loads[-1]:.2f}, "
          f"median {statistics.median(loads):.2f}")


if __name__ == "__main__":
    main()
