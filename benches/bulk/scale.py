#!/usr/bin/env python3
"""How tickmark scales with the universe: wall time, peak memory, bytes per fact, checks per second.

    python3 benches/bulk/scale.py                      # scales 0.1, 1 and 4 of the default universe
    python3 benches/bulk/scale.py --scales 0.1 1       # only these

For each scale, generates the universe into benches/bulk/out/ (unless it is there) and runs
`tickmark check benches/bulk/rules --data CSV` once under `/usr/bin/time -v` (where it is missing, the
peak memory comes from `resource.getrusage` of the child). The report is `--format json --only failed`
where the binary has `--only`, else `--quiet` (a human summary and the failed error rules), so that
writing millions of passed checks is not what is measured. Pure Python 3, no packages.

Columns: facts (data rows of the CSV), checks (every check, skipped ones included, and those made:
passed, failed or erred), wall time, peak resident memory, bytes of peak memory per fact, checks made
per second of wall time, and the evaluate time of `--timings` where the binary has it.
"""

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def universe(args, scale):
    os.makedirs(os.path.join(HERE, "out"), exist_ok=True)
    stem = "universe-e%d-x%g-s%d-r%g" % (args.entities, scale, args.seed, args.rate)
    csv = os.path.join(HERE, "out", stem + ".csv")
    # a universe older than the generator was written in another layout: made again
    gen = os.path.getmtime(os.path.join(HERE, "generate.py"))
    if not os.path.exists(csv) or os.path.getmtime(csv) < gen:
        t = time.perf_counter()
        subprocess.run([sys.executable, os.path.join(HERE, "generate.py"), "--entities", str(args.entities),
                        "--scale", str(scale), "--seed", str(args.seed), "--rate", str(args.rate), "--out", csv,
                        "--manifest", os.path.join(HERE, "out", stem + ".manifest.csv")], check=True)
        print("  (generated in %.1f s)" % (time.perf_counter() - t), file=sys.stderr)
    return csv


def count_rows(csv):
    n = 0
    with open(csv, "rb") as f:
        while True:
            block = f.read(1 << 24)
            if not block:
                break
            n += block.count(b"\n")
    return n - 1


def features(binary):
    out = subprocess.run([binary, "check", "--help"], capture_output=True, text=True).stdout
    return "--only" in out, "--timings" in out


def run(args, csv, only, timings):
    cmd = [args.tickmark, "check", args.rules, "--data", csv]
    cmd += ["--format", "json", "--only", "failed"] if only else ["--quiet"]
    if timings:
        cmd.append("--timings")
    full = (["/usr/bin/time", "-v"] if os.path.exists("/usr/bin/time") else []) + cmd
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t = time.perf_counter()
    p = subprocess.run(full, capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - t
    if p.returncode not in (0, 1):
        sys.exit("scale: `%s` exited %d:\n%s" % (" ".join(cmd), p.returncode, p.stderr[-4000:]))
    rss_kb = None
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr)
    if m:
        rss_kb = int(m.group(1))
    else:
        after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # the largest child so far
        rss_kb = after if after > before else None
    if only:
        s = json.loads(p.stdout)["summary"]
        made = s["passed"] + sum(s["failed"].values()) + s["errors"]
        total = s["checks"]
    else:
        # summary: 26 rules, 103800 checks: 103700 passed, 100 failed (...), 0 erred; 9800 skipped; ...
        m = re.search(r"summary: \d+ rules?, (\d+) checks?:.*?(\d+) skipped", p.stdout + p.stderr)
        made, total = (int(m.group(1)), int(m.group(1)) + int(m.group(2))) if m else (None, None)
    ev = re.search(r"evaluate\s+([0-9.]+)\s*(s|ms)\b", p.stderr)
    evaluate = None if not ev else float(ev.group(1)) * (1e-3 if ev.group(2) == "ms" else 1.0)
    return wall, rss_kb, made, total, evaluate, " ".join(cmd)


def mem_total():
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) * 1024
    return float("inf")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--scales", type=float, nargs="+", default=[0.1, 1.0, 4.0])
    p.add_argument("--entities", type=int, default=5000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--rate", type=float, default=0.01)
    p.add_argument("--tickmark", default=os.path.join(ROOT, "target", "release", "tickmark"))
    p.add_argument("--rules", default=os.path.join("benches", "bulk", "rules"))
    p.add_argument("--force", action="store_true", help="run a scale even if it looks too large for memory")
    args = p.parse_args()
    only, timings = features(args.tickmark)
    if not os.path.exists("/usr/bin/time"):
        print("(no /usr/bin/time: peak memory from getrusage of the children)", file=sys.stderr)
    rows, per_fact, cmd = [], None, ""
    for scale in sorted(args.scales):
        csv = universe(args, scale)
        facts = count_rows(csv)
        print("scale %g: %d facts, %.0f MB of CSV ..." % (scale, facts, os.path.getsize(csv) / 1e6), file=sys.stderr)
        # a run that would not fit in memory, judged by the smaller scale before it, is not started
        if per_fact and not args.force and per_fact * facts > 0.8 * mem_total():
            print("scale %g: skipped, it would take about %.1f GB (%.0f bytes a fact) of %.1f GB; --force runs it"
                  % (scale, per_fact * facts / 1e9, per_fact, mem_total() / 1e9), file=sys.stderr)
            rows.append((scale, facts, None, None, None, None, None))
            continue
        wall, rss, made, total, evaluate, cmd = run(args, csv, only, timings)
        per_fact = rss * 1024 / facts if rss else per_fact
        rows.append((scale, facts, total, made, wall, rss, evaluate))
    print("tickmark: `%s`" % cmd.replace(ROOT + "/", ""))
    print("%6s %11s %11s %11s %9s %10s %11s %12s %10s" % (
        "scale", "facts", "checks", "made", "wall", "peak RSS", "bytes/fact", "checks/s", "evaluate"))
    for scale, facts, total, made, wall, rss, evaluate in rows:
        if wall is None:
            print("%6g %11d  (skipped: would not fit in memory)" % (scale, facts))
            continue
        print("%6g %11d %11s %11s %8.2fs %9s %11s %12s %10s" % (
            scale, facts, total if total is not None else "?", made if made is not None else "?", wall,
            "%.0f MB" % (rss / 1024) if rss else "?", "%.0f" % (rss * 1024 / facts) if rss else "?",
            "%.0f" % (made / wall) if made else "?", "%.2fs" % evaluate if evaluate is not None else "n/a"))


if __name__ == "__main__":
    main()
