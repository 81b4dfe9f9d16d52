#!/usr/bin/env python3
"""Two or more tickmark builds timed end to end in turn, on one universe: on a shared machine whose
speed moves from one minute to the next, builds run alternately compare better than one after the other.

    python3 benches/bulk/alternate.py --csv benches/bulk/out/many.csv --bin /tmp/tm.old \
        --bin target/release/tickmark --formats csv,json,jsonl --runs 7

Each run is `BIN check benches/bulk/rules --data CSV --format F --only failed`, its output going where
--sink says, as in duckdb_compare.py (a file by default): the median, the best and every run of each
build and format.
"""

import argparse
import os
import statistics
import time

from duckdb_compare import run_sunk

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--csv", required=True, help="the universe (long CSV)")
    p.add_argument("--bin", action="append", required=True, help="a tickmark binary (give two or more)")
    p.add_argument("--formats", default="csv,json", help="report formats, comma-separated (default csv,json)")
    p.add_argument("--runs", type=int, default=7)
    p.add_argument("--sink", choices=("file", "bytes", "text"), default="file")
    p.add_argument("--rules", default=os.path.join("benches", "bulk", "rules"))
    args = p.parse_args()
    formats = args.formats.split(",")
    times = {(b, f): [] for b in args.bin for f in formats}
    for _ in range(args.runs):
        for f in formats:
            for b in args.bin:
                cmd = [b, "check", args.rules, "--data", args.csv, "--format", f, "--only", "failed"]
                t = time.perf_counter()
                done = run_sunk(cmd, args.sink)
                times[(b, f)].append(time.perf_counter() - t)
                if done.returncode not in (0, 1):
                    raise SystemExit("alternate: `%s` exited %d:\n%s" % (" ".join(cmd), done.returncode, done.stderr))
    print("| binary | format | median | best | runs |")
    print("|---|---|---|---|---|")
    for (b, f), ts in times.items():
        print("| %s | %s | %.3f s | %.3f s | %s |" % (b, f, statistics.median(ts), min(ts), " ".join("%.2f" % x for x in ts)))
    print("report to: %s; load average %s" % (args.sink, " ".join("%.1f" % x for x in os.getloadavg())))


if __name__ == "__main__":
    main()
