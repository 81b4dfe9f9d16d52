#!/usr/bin/env python3
"""How fast tickmark loads a long CSV: the data phase, wall and CPU, and memory per fact.

    python3 benches/bulk/load.py --csv benches/bulk/out/u.csv                          # target/release/tickmark
    python3 benches/bulk/load.py --csv benches/bulk/out/u.csv --bin OLD --bin NEW --runs 5   # side by side

Each run is `tickmark check benches/bulk/rules --data CSV --entity E00001 --only failed --format json
--timings`: the whole universe is read (the data phase of `--timings`), the rules are checked at one
entity only, so that the process is almost all loading. The binaries take turns, run by run, so that
the load of a shared machine falls on each alike. Per binary, the median over the runs of:

- data: the data phase of `--timings` (wall), and the file's megabytes (10^6 bytes) per second of it;
- CPU: the process's user + system seconds (loading, and the little else the process does: an upper
  bound on the data phase's), and the megabytes per CPU second (x2 = what two free cores would do);
- peak RSS (the child's `ru_maxrss`) and bytes of it per fact.

The load average (1 minute) before each run is printed with it. Pure Python 3, no packages.
"""

import argparse
import os
import re
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
TIMINGS = re.compile(r"timings: data ([0-9.]+) s.*\((\d+) facts")


def run(binary, csv):
    """One run: (data seconds, CPU seconds, peak RSS bytes, facts)."""
    cmd = [binary, "check", os.path.join(HERE, "rules"), "--data", csv, "--entity", "E00001", "--only", "failed",
           "--format", "json", "--timings"]
    with open(os.devnull, "wb") as null:
        child = subprocess.Popen(cmd, cwd=ROOT, stdout=null, stderr=subprocess.PIPE)
        err = child.stderr.read().decode()
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
    found = TIMINGS.search(err)
    if not found or child.returncode not in (0, 1):
        sys.exit("%s failed (exit %d):\n%s" % (binary, child.returncode, err))
    return float(found.group(1)), usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024, int(found.group(2))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--csv", required=True, help="a long CSV (generate.py)")
    p.add_argument("--bin", action="append", help="a tickmark binary (repeatable; default target/release/tickmark)")
    p.add_argument("--runs", type=int, default=5)
    args = p.parse_args()
    binaries = args.bin or [os.path.join(ROOT, "target", "release", "tickmark")]
    mb = os.path.getsize(args.csv) / 1e6
    print("%s: %.1f MB" % (args.csv, mb))
    runs = {b: [] for b in binaries}
    for i in range(args.runs):
        for b in binaries:
            load = os.getloadavg()[0]
            data, cpu, rss, facts = run(b, args.csv)
            runs[b].append((data, cpu, rss, facts))
            print("  run %d %s: data %.3f s (%.0f MB/s), CPU %.2f s, peak %.0f MiB, load %.1f"
                  % (i + 1, b, data, mb / data, cpu, rss / 2**20, load))
    print("| binary | data (wall) | MB/s wall | CPU | MB per CPU second | peak RSS | bytes per fact |")
    print("|---|---|---|---|---|---|---|")
    for b, rs in runs.items():
        data = statistics.median(r[0] for r in rs)
        cpu = statistics.median(r[1] for r in rs)
        rss = statistics.median(r[2] for r in rs)
        facts = rs[0][3]
        print("| %s | %.3f s | %.0f | %.2f s | %.0f | %.0f MiB | %.1f |"
              % (b, data, mb / data, cpu, mb / cpu, rss / 2**20, rss / facts))


if __name__ == "__main__":
    main()
