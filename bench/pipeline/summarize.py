#!/usr/bin/python3
"""Median per-stage throughput of several orchard report.json files (run_e2e.sh).

  summarize.py LABEL report.json [report.json ...]
"""
import json
import statistics
import sys


def main():
    label, paths = sys.argv[1], sys.argv[2:]
    reports = [json.load(open(path, encoding="utf-8")) for path in paths]
    stages = {}
    for report in reports:
        for stage in report["stages"]:
            stages.setdefault(stage["name"], []).append(stage)
    print(f"{label}: {len(reports)} run(s), {reports[0]['counts']['succeeded']} images, "
          f"load average before each run {[r.get('load_before') for r in reports]}")
    for name, runs in stages.items():
        rate = statistics.median(s["items_per_second"] for s in runs)
        seconds = statistics.median(s["seconds"] for s in runs)
        print(f"  {name:34s} {rate:10.1f} {runs[0]['unit']}/s   median {seconds:8.3f} s")
    e2e = statistics.median(r["images_per_second"] for r in reports)
    total = statistics.median(r["total_seconds"] for r in reports)
    rss = statistics.median(r["peak_rss_bytes"] for r in reports) / 2**20
    rates = ", ".join("%.1f" % r["images_per_second"] for r in reports)
    peaks = ", ".join("%.0f" % (r["peak_rss_bytes"] / 2**20) for r in reports)
    print(f"  {'end to end':34s} {e2e:10.1f} images/s median {total:8.3f} s (runs: {rates})")
    print(f"  {'peak RSS':34s} {rss:10.1f} MiB (median; runs: {peaks})")


if __name__ == "__main__":
    main()
