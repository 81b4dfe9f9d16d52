#!/usr/bin/env python3
"""tickmark against DuckDB on the bulk universe: the same 26 rules, the same failed checks, and the time.

    benches/bulk/setup.sh                                         # once: .venv with duckdb
    benches/bulk/.venv/bin/python benches/bulk/duckdb_compare.py --entities 100 --runs 5

Generates the universe (benches/bulk/generate.py) into benches/bulk/out/ unless it is there already,
then:

1. evaluates the rules of benches/bulk/rules as SQL in DuckDB, on DECIMAL values only (a DECIMAL
   quotient is a DOUBLE in DuckDB, so every quotient is compared by cross-multiplication), with
   tickmark's semantics: a figure stands for its rounding interval (`25.0` is 24.95..25.05, read from
   the digits as written), `~=` holds where the intervals meet (a sum's interval is the sum of the
   intervals, `within` widens the right side: by `pp`, or by `%` of the right side's point value),
   `<`/`<=`/`in` compare point values with bounds included, a check whose input is missing is skipped
   (not failed), a divisor whose interval holds zero is an `error`;
2. runs `tickmark check benches/bulk/rules --data CSV --format json --only failed` (without
   `--only failed`, where the binary does not have it yet, filtering the JSON `checks`) and asserts that
   the (rule, entity, period, status) of the failed and erred checks are exactly DuckDB's; prints a
   sample of the difference and exits 1 if not;
3. checks the generator's manifest: each injected inconsistency is found by a rule it targets;
4. times both (median of --runs): end to end (tickmark: the whole process, its report written where
   --sink says; DuckDB: connect, load the CSV into a typed table, evaluate every rule, fetch the failed
   rows) and evaluation alone (DuckDB: the rule queries over the loaded table; tickmark: `evaluate` of
   `--timings` when the binary has it).

Where tickmark's report goes (--sink): `file` (the default) is what a bulk user does, `tickmark check
... > failed.json`: the bytes written to a file, as DuckDB's product is its fetched rows. `bytes` reads
them through a pipe into Python, `text` also decodes them into a `str` (what this harness did up to the
fifth round): on the many-failures universe the json report is 268 MB, and Python's pipe reading and
decoding of it (~0.7 s as bytes, ~1.2 s as text) is the consumer's cost, one DuckDB's rows (a key per
failed check, no explanation) do not carry, so `text` and `bytes` are upper bounds of tickmark's time.

DuckDB runs with its default `threads` (every core); tickmark with its own (its `--timings` line says
how many).
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

# The actual metrics the rules read, pivoted to one column each (value and half its rounding step).
METRICS = [
    "revenue", "cost_of_revenue", "gross_profit", "research_development", "selling_general_admin",
    "operating_expenses", "operating_income", "interest_expense", "pretax_income", "income_tax", "net_income",
    "diluted_shares", "eps_diluted", "gross_margin", "operating_margin", "effective_tax_rate", "capex",
    "operating_cash_flow", "free_cash_flow", "depreciation", "ebitda", "cash", "total_debt", "net_debt",
    "revenue_growth_yoy",
]

LOAD_SQL = """
CREATE OR REPLACE TABLE facts AS
SELECT
    entity,
    metric,
    period,
    CASE WHEN upper(period) LIKE 'FY%' THEN 'Y' ELSE 'Q' END AS kind,
    CASE WHEN upper(period) LIKE 'FY%' THEN CAST(substr(period, 3) AS INTEGER)
         ELSE CAST(split_part(upper(period), 'Q', 1) AS INTEGER) * 4
              + CAST(split_part(upper(period), 'Q', 2) AS INTEGER) - 1 END AS idx,
    coalesce(nullif(trim(scenario), ''), 'actual') AS scenario,
    strpos(value, '..') > 0 AS is_range,
    CASE WHEN strpos(value, '..') = 0 THEN CAST(value AS DECIMAL(18, 5)) END AS v,
    CASE WHEN strpos(value, '..') = 0 THEN half_step(value) END AS h,
    CASE WHEN strpos(value, '..') > 0 THEN CAST(nullif(trim(split_part(value, '..', 1)), '') AS DECIMAL(18, 5)) END AS lo,
    CASE WHEN strpos(value, '..') > 0 THEN CAST(nullif(trim(split_part(value, '..', 2)), '') AS DECIMAL(18, 5)) END AS hi
FROM read_csv(?, header = true, delim = ',', quote = '"', auto_detect = false,
              columns = {'entity': 'VARCHAR', 'metric': 'VARCHAR', 'period': 'VARCHAR', 'value': 'VARCHAR',
                         'scenario': 'VARCHAR', 'unit': 'VARCHAR'})
WHERE value IS NOT NULL AND trim(value) <> ''
"""

# Half the step of the last written digit: `25.0` stands for 24.95..25.05. Values are written with at
# most 4 decimals (checked after loading), so DECIMAL(18, 5) holds them and their steps exactly.
MACROS = """
CREATE OR REPLACE MACRO half_step(t) AS
    CAST(CASE CASE WHEN strpos(t, '.') > 0 THEN length(trim(t)) - strpos(trim(t), '.') ELSE 0 END
         WHEN 0 THEN 0.5 WHEN 1 THEN 0.05 WHEN 2 THEN 0.005 WHEN 3 THEN 0.0005 WHEN 4 THEN 0.00005 END AS DECIMAL(18, 5));
-- q = n / d with the divisor's interval on one side of zero; k > 0 a scale.
-- q_le: the low end of q, times k, is at most b (some corner n_x / d_y <= b / k).
CREATE OR REPLACE MACRO q_le(nlo, nhi, dlo, dhi, b, k) AS
    CASE WHEN dlo > 0
         THEN k * CAST(nlo AS DECIMAL(38, 10)) <= greatest(CAST(b AS DECIMAL(38, 10)) * dlo, CAST(b AS DECIMAL(38, 10)) * dhi)
         ELSE k * CAST(nhi AS DECIMAL(38, 10)) >= least(CAST(b AS DECIMAL(38, 10)) * dlo, CAST(b AS DECIMAL(38, 10)) * dhi) END;
-- q_ge: the high end of q, times k, is at least b.
CREATE OR REPLACE MACRO q_ge(nlo, nhi, dlo, dhi, b, k) AS
    CASE WHEN dlo > 0
         THEN k * CAST(nhi AS DECIMAL(38, 10)) >= least(CAST(b AS DECIMAL(38, 10)) * dlo, CAST(b AS DECIMAL(38, 10)) * dhi)
         ELSE k * CAST(nlo AS DECIMAL(38, 10)) <= greatest(CAST(b AS DECIMAL(38, 10)) * dlo, CAST(b AS DECIMAL(38, 10)) * dhi) END;
-- a divisor whose interval holds zero: tickmark's check error
CREATE OR REPLACE MACRO spans_zero(x, xh) AS x - xh <= 0 AND x + xh >= 0;
-- two intervals, each a point plus or minus a half width, meet within a tolerance
CREATE OR REPLACE MACRO meets(a, ah, b, bh, tol) AS abs(a - b) <= ah + bh + tol;
"""


def pivot_sql():
    # max(CASE ...) rather than max(...) FILTER (...): measured faster in DuckDB for this many columns
    cols = []
    for m in METRICS:
        cond = "scenario = 'actual' AND metric = '%s' AND NOT is_range" % m
        cols.append("max(CASE WHEN %s THEN v END) AS %s" % (cond, m))
        cols.append("max(CASE WHEN %s THEN h END) AS %s_h" % (cond, m))
    seg = ("scenario = 'actual' AND NOT is_range AND metric LIKE 'segment.%.revenue' "
           "AND metric NOT LIKE 'segment.%.%.revenue'")
    cols.append("sum(CASE WHEN %s THEN v END) AS seg" % seg)
    cols.append("sum(CASE WHEN %s THEN h END) AS seg_h" % seg)
    for scen, m, name in (("guidance", "revenue", "g_rev"), ("guidance", "capex", "g_capex")):
        cond = "scenario = '%s' AND metric = '%s'" % (scen, m)
        # a point figure is a range of one point; an open end has no bound
        cols.append("bool_or(%s) AS %s" % (cond, name))
        cols.append("max(CASE WHEN %s THEN (CASE WHEN is_range THEN lo ELSE v END) END) AS %s_lo" % (cond, name))
        cols.append("max(CASE WHEN %s THEN (CASE WHEN is_range THEN hi ELSE v END) END) AS %s_hi" % (cond, name))
    cond = "scenario = 'consensus' AND metric = 'eps_diluted' AND NOT is_range"
    cols.append("max(CASE WHEN %s THEN v END) AS c_eps" % cond)
    cols.append("max(CASE WHEN %s THEN h END) AS c_eps_h" % cond)
    return ("CREATE OR REPLACE TEMP TABLE w AS SELECT entity, kind, idx, any_value(period) AS period,\n  "
            + ",\n  ".join(cols) + "\nFROM facts GROUP BY entity, kind, idx")


JOIN_SQL = """
CREATE OR REPLACE TEMP TABLE wj AS
SELECT c.*,
    y.revenue AS y_revenue, y.revenue_h AS y_revenue_h,
    y.operating_income AS y_operating_income, y.operating_income_h AS y_operating_income_h,
    q.revenue AS q_revenue, q.revenue_h AS q_revenue_h,
    s.rev_sum, s.rev_sum_h, s.rev_n, s.ni_sum, s.ni_sum_h, s.ni_n, s.capex_sum, s.capex_sum_h, s.capex_n
FROM w c
LEFT JOIN w y ON y.entity = c.entity AND y.kind = c.kind AND y.idx = c.idx - CASE WHEN c.kind = 'Q' THEN 4 ELSE 1 END
LEFT JOIN w q ON c.kind = 'Q' AND q.entity = c.entity AND q.kind = 'Q' AND q.idx = c.idx - 1
LEFT JOIN (
    SELECT entity, idx // 4 AS year,
        sum(revenue) AS rev_sum, sum(revenue_h) AS rev_sum_h, count(revenue) AS rev_n,
        sum(net_income) AS ni_sum, sum(net_income_h) AS ni_sum_h, count(net_income) AS ni_n,
        sum(capex) AS capex_sum, sum(capex_h) AS capex_sum_h, count(capex) AS capex_n
    FROM w WHERE kind = 'Q' GROUP BY entity, idx // 4
) s ON c.kind = 'Y' AND s.entity = c.entity AND s.year = c.idx
"""


def iv(m):
    """The interval of a metric column: (lo, hi)."""
    return "(%s - %s_h)" % (m, m), "(%s + %s_h)" % (m, m)


def quotient_meets(n, d, b_lo, b_hi, k):
    """`b ~= n / d` with b's interval [b_lo, b_hi] in units where the quotient is scaled by k."""
    nlo, nhi = iv(n)
    dlo, dhi = iv(d)
    return "q_le(%s, %s, %s, %s, %s, %s) AND q_ge(%s, %s, %s, %s, %s, %s)" % (
        nlo, nhi, dlo, dhi, b_hi, k, nlo, nhi, dlo, dhi, b_lo, k)


def identity(name, lhs, terms, tol="0"):
    """`lhs ~= t1 +/- t2 ...`: a sum of figures is its point plus or minus the sum of half steps."""
    point = " ".join(("+ " if s > 0 else "- ") + t for s, t in terms).lstrip("+ ")
    half = " + ".join("%s_h" % t for _, t in terms)
    return dict(name=name, inputs=[lhs] + [t for _, t in terms],
                ok="meets(%s, %s_h, %s, %s, %s)" % (lhs, lhs, point, half, tol))


# Each rule of benches/bulk/rules as SQL over `wj` (one row per entity and period): the columns it
# needs (NULL: the check is skipped), where it errs (a divisor that may be zero), when it holds, and
# the periods it is checked at.
RULES = [
    identity("gross_profit_identity", "gross_profit", [(1, "revenue"), (-1, "cost_of_revenue")]),
    dict(name="segments_sum_to_revenue", inputs=["seg", "revenue"], ok="meets(seg, seg_h, revenue, revenue_h, 0)"),
    identity("operating_expenses_identity", "operating_expenses",
             [(1, "research_development"), (1, "selling_general_admin")]),
    identity("operating_income_identity", "operating_income", [(1, "gross_profit"), (-1, "operating_expenses")]),
    identity("pretax_income_identity", "pretax_income", [(1, "operating_income"), (-1, "interest_expense")]),
    identity("net_income_identity", "net_income", [(1, "pretax_income"), (-1, "income_tax")]),
    identity("free_cash_flow_identity", "free_cash_flow", [(1, "operating_cash_flow"), (-1, "capex")]),
    identity("ebitda_identity", "ebitda", [(1, "operating_income"), (1, "depreciation")]),
    identity("net_debt_identity", "net_debt", [(1, "total_debt"), (-1, "cash")]),
    # eps (USD/share) ~= net income (USD m) / diluted shares (m shares): the millions cancel
    dict(name="eps_matches_net_income", inputs=["eps_diluted", "net_income", "diluted_shares"],
         err="spans_zero(diluted_shares, diluted_shares_h)",
         ok=quotient_meets("net_income", "diluted_shares", "(eps_diluted - eps_diluted_h)",
                           "(eps_diluted + eps_diluted_h)", 1)),
    # a margin in % against a quotient: the quotient scaled by 100
    dict(name="gross_margin_reported", inputs=["gross_margin", "gross_profit", "revenue"],
         err="spans_zero(revenue, revenue_h)",
         ok=quotient_meets("gross_profit", "revenue", "(gross_margin - gross_margin_h)",
                           "(gross_margin + gross_margin_h)", 100)),
    dict(name="operating_margin_reported", inputs=["operating_margin", "operating_income", "revenue"],
         err="spans_zero(revenue, revenue_h)",
         ok=quotient_meets("operating_income", "revenue", "(operating_margin - operating_margin_h)",
                           "(operating_margin + operating_margin_h)", 100)),
    # within 0.5pp widens the right side by 0.5 percentage points
    dict(name="tax_rate_reported", inputs=["effective_tax_rate", "income_tax", "pretax_income"],
         err="spans_zero(pretax_income, pretax_income_h)",
         ok=quotient_meets("income_tax", "pretax_income", "(effective_tax_rate - effective_tax_rate_h - 0.5)",
                           "(effective_tax_rate + effective_tax_rate_h + 0.5)", 100)),
    # growth = revenue / revenue[-1y] - 1 in %: g ~= q - 1 is 100 + g ~= 100 q
    dict(name="revenue_growth_reported", inputs=["revenue_growth_yoy", "revenue", "y_revenue"],
         err="spans_zero(y_revenue, y_revenue_h)",
         ok=quotient_meets("revenue", "y_revenue", "(100 + revenue_growth_yoy - revenue_growth_yoy_h)",
                           "(100 + revenue_growth_yoy + revenue_growth_yoy_h)", 100)),
    dict(name="fy2025_revenue_is_sum_of_quarters", at="kind = 'Y' AND idx = 2025",
         inputs=["revenue", "rev_sum"], guard="rev_n = 4",
         ok="meets(revenue, revenue_h, rev_sum, rev_sum_h, 0)"),
    dict(name="fy2024_net_income_is_sum_of_quarters", at="kind = 'Y' AND idx = 2024",
         inputs=["net_income", "ni_sum"], guard="ni_n = 4",
         ok="meets(net_income, net_income_h, ni_sum, ni_sum_h, 0)"),
    # within 1% of the right side's point value
    dict(name="fy2025_capex_is_sum_of_quarters", at="kind = 'Y' AND idx = 2025",
         inputs=["capex", "capex_sum"], guard="capex_n = 4",
         ok="meets(capex, capex_h, capex_sum, capex_sum_h, 0.01 * abs(capex_sum))"),
    # point values: |r / r' - 1| <= 50% is |r - r'| <= 0.5 |r'|
    dict(name="revenue_yoy_plausible", inputs=["revenue", "y_revenue"], err="spans_zero(y_revenue, y_revenue_h)",
         ok="2 * abs(revenue - y_revenue) <= abs(y_revenue)"),
    dict(name="revenue_qoq_plausible", at="kind = 'Q'", inputs=["revenue", "q_revenue"],
         err="spans_zero(q_revenue, q_revenue_h)", ok="4 * abs(revenue - q_revenue) <= abs(q_revenue)"),
    # |oi / r - oi' / r'| <= 10pp is 10 |oi r' - oi' r| <= |r r'|
    dict(name="operating_margin_stable",
         inputs=["operating_income", "revenue", "y_operating_income", "y_revenue"],
         err="spans_zero(revenue, revenue_h) OR spans_zero(y_revenue, y_revenue_h)",
         ok="10 * abs(CAST(operating_income AS DECIMAL(38, 5)) * y_revenue - CAST(y_operating_income AS DECIMAL(38, 5)) * revenue)"
            " <= abs(CAST(revenue AS DECIMAL(38, 5)) * y_revenue)"),
    # oi / r >= -20%
    dict(name="operating_margin_floor", inputs=["operating_income", "revenue"], err="spans_zero(revenue, revenue_h)",
         ok="CASE WHEN revenue > 0 THEN 5 * operating_income >= -revenue ELSE 5 * operating_income <= -revenue END"),
    # capex / r <= 30%
    dict(name="capex_intensity", inputs=["capex", "revenue"], err="spans_zero(revenue, revenue_h)",
         ok="CASE WHEN revenue > 0 THEN 10 * capex <= 3 * revenue ELSE 10 * capex >= 3 * revenue END"),
    # bounds included, point values; an open end is no bound
    dict(name="revenue_in_guidance", at="kind = 'Q'", inputs=["revenue", "g_rev"], guard="g_rev",
         ok="(g_rev_lo IS NULL OR revenue >= g_rev_lo) AND (g_rev_hi IS NULL OR revenue <= g_rev_hi)"),
    # width(r) <= 10% * mid(r): an open end is a missing input
    dict(name="guidance_range_width", inputs=["g_rev_lo", "g_rev_hi"],
         ok="20 * (g_rev_hi - g_rev_lo) <= g_rev_lo + g_rev_hi"),
    dict(name="capex_in_guidance", at="kind = 'Y'", inputs=["capex", "g_capex"], guard="g_capex",
         ok="(g_capex_lo IS NULL OR capex >= g_capex_lo) AND (g_capex_hi IS NULL OR capex <= g_capex_hi)"),
    # within 10% of the right side's point value
    dict(name="eps_vs_consensus", inputs=["eps_diluted", "c_eps"],
         ok="meets(eps_diluted, eps_diluted_h, c_eps, c_eps_h, 0.1 * abs(c_eps))"),
]


def rule_sql(r):
    where = ["%s IS NOT NULL" % c for c in r["inputs"]]
    if r.get("at"):
        where.insert(0, r["at"])
    if r.get("guard"):
        where.append(r["guard"])
    err = r.get("err", "false")
    return ("SELECT '%s' AS rule, entity, period, CASE WHEN %s THEN 'error' ELSE 'fail' END AS status FROM wj "
            "WHERE %s AND ((%s) OR NOT (%s))" % (r["name"], err, " AND ".join(where), err, r["ok"]))


def duck_connect():
    import duckdb
    con = duckdb.connect()
    con.execute(MACROS)
    return con


def duck_load(con, csv):
    con.execute(LOAD_SQL, [csv])


def duck_evaluate(con):
    con.execute(pivot_sql())
    con.execute(JOIN_SQL)
    sql = "\nUNION ALL\n".join(rule_sql(r) for r in RULES)
    return con.execute(sql).fetchall()


def duck_check_digits(con):
    bad = con.execute("SELECT count(*) FROM facts WHERE h IS NULL AND NOT is_range").fetchone()[0]
    if bad:
        sys.exit("duckdb_compare: %d values have more than 4 decimals, which DECIMAL(18, 5) does not keep "
                 "with their rounding step" % bad)


# ----- tickmark


def tickmark_features(binary):
    out = subprocess.run([binary, "check", "--help"], capture_output=True, text=True).stdout
    return "--only" in out, "--timings" in out


def tickmark_cmd(binary, rules, csv, only, timings, fmt="json"):
    cmd = [binary, "check", rules, "--data", csv, "--format", fmt]
    if only:
        cmd += ["--only", "failed"]
    if timings:
        cmd += ["--timings"]
    return cmd


TIMINGS_RE = re.compile(r"timings:.*?evaluate\s+([0-9.]+)\s*(s|ms|µs|us)\b")
REPORT_RE = re.compile(r"timings:.*?report\s+([0-9.]+) s\b")


def parse_evaluate(stderr):
    """`evaluate` of a `timings: ...` line on stderr, in seconds, and the threads it names if any."""
    m = TIMINGS_RE.search(stderr)
    if not m:
        return None, None
    value, unit = float(m.group(1)), m.group(2)
    threads = re.search(r"timings:.*?(\d+) threads?", stderr)
    return value * {"s": 1.0, "ms": 1e-3, "µs": 1e-6, "us": 1e-6}[unit], threads and int(threads.group(1))


HUMAN_RE = re.compile(r"rule `([^`]+)` (failed|could not be checked) at (\S+) (\S+?):")


def tickmark_failed(binary, rules, csv, only, facts):
    """The failed and erred checks of a tickmark run: from `--only failed` JSON, or, without that flag,
    the whole JSON report (small universes) or the human report's diagnostics (large ones: a JSON
    report of every check would run to gigabytes)."""
    human = not only and facts > 1_000_000
    cmd = tickmark_cmd(binary, rules, csv, only, False, "human" if human else "json")
    p = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=dict(os.environ, NO_COLOR="1"))
    if p.returncode not in (0, 1):
        sys.exit("duckdb_compare: `%s` exited %d:\n%s" % (" ".join(cmd), p.returncode, p.stderr or p.stdout[:4000]))
    if human:
        failed = {(m.group(1), m.group(3), m.group(4), "fail" if m.group(2) == "failed" else "error")
                  for m in HUMAN_RE.finditer(p.stdout)}
        m = re.search(r"summary: \d+ rules?, (\d+) checks?: (\d+) passed, .*?\((\d+) error, (\d+) warning, "
                      r"(\d+) info\), (\d+) erred; (\d+) skipped; .*?(\d+) warnings?", p.stdout)
        made, passed, fe, fw, fi, erred, skipped, warnings = (int(x) for x in m.groups())
        summary = dict(checks=made + skipped, passed=passed, skipped=skipped, errors=erred, warnings=warnings,
                       failed=dict(error=fe, warning=fw, info=fi))
        return failed, summary, []
    report = json.loads(p.stdout)
    failed = {(c["rule"], c["entity"], c["period"], c["status"]) for c in report["checks"]
              if c["status"] in ("fail", "error")}
    return failed, report["summary"], report.get("diagnostics", [])


# ----- the universe


def fresh(path):
    """The file exists and is newer than generate.py."""
    gen = os.path.getmtime(os.path.join(HERE, "generate.py"))
    return os.path.exists(path) and os.path.getmtime(path) >= gen


def ensure_universe(args):
    if args.csv:
        return args.csv, args.manifest
    os.makedirs(os.path.join(HERE, "out"), exist_ok=True)
    stem = "universe-e%d-x%g-s%d-r%g" % (args.entities, args.scale, args.seed, args.rate)
    csv = os.path.join(HERE, "out", stem + ".csv")
    manifest = os.path.join(HERE, "out", stem + ".manifest.csv")
    # a universe older than the generator was written in another layout (the units of EPS and shares
    # changed with the unit contract): made again
    if args.regenerate or not all(fresh(f) for f in (csv, manifest)):
        subprocess.run([sys.executable, os.path.join(HERE, "generate.py"), "--entities", str(args.entities),
                        "--scale", str(args.scale), "--seed", str(args.seed), "--rate", str(args.rate),
                        "--out", csv, "--manifest", manifest], check=True)
    return csv, manifest


def read_manifest(path):
    rows = []
    with open(path) as f:
        header = f.readline().strip().split(",")
        for line in f:
            rows.append(dict(zip(header, line.rstrip("\n").split(","))))
    return rows


def check_manifest(manifest, failed):
    """Each injection must fail a rule it targets, at its entity and period."""
    at = defaultdict(set)
    for rule, entity, period, status in failed:
        at[(entity, period)].add((rule, status))
    found, missed = Counter(), []
    for inj in manifest:
        expect = inj.get("expect", "fail")
        here = {(r, s) for r, s in at[(inj["entity"], inj["period"])] if r in inj["rules"].split()}
        # `expect`: `fail`, `error` (a zero divisor), or `pass` for an --edge injection just inside its boundary
        if (expect == "pass" and not here) or (expect != "pass" and any(s == expect for _, s in here)):
            found[expect] += 1
        else:
            missed.append(inj)
    injected = {(i["entity"], i["period"]) for i in manifest}
    direct = sum(1 for r, e, p, _ in failed if (e, p) in injected)
    return found, missed, direct


# ----- main


def run_sunk(cmd, sink):
    """Runs tickmark with its stdout going where `sink` says; stderr (the `--timings` line) is read as text."""
    env = dict(os.environ, NO_COLOR="1")
    if sink == "file":
        with tempfile.TemporaryFile() as out:
            return subprocess.run(cmd, stdout=out, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env)
    if sink == "bytes":
        p = subprocess.run(cmd, capture_output=True, cwd=ROOT, env=env)
        p.stderr = p.stderr.decode("utf-8", "replace")
        return p
    return subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env)


def median_time(fn, runs):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), times


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--entities", type=int, default=5000)
    p.add_argument("--scale", type=float, default=1.0)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--rate", type=float, default=0.01, help="injections per entity-period (generate.py)")
    p.add_argument("--fail-rate", type=float, help="about this fraction of the checks made fail (0.0006, "
                   "0.10): sets --rate as generate.py does")
    p.add_argument("--formats", default="json", help="the report formats of tickmark to time with --only "
                   "failed, comma-separated (json,csv,jsonl; default json)")
    p.add_argument("--csv", help="use this universe instead of generating one")
    p.add_argument("--manifest", help="the manifest of --csv")
    p.add_argument("--regenerate", action="store_true", help="generate even if out/ has the universe")
    p.add_argument("--runs", type=int, default=5, help="timed runs of each side (default 5; 0: verify only)")
    p.add_argument("--sink", choices=("file", "bytes", "text"), default="file",
                   help="where tickmark's timed report goes: a file (default), a pipe read as bytes, or a pipe "
                   "read and decoded as text")
    p.add_argument("--tickmark", default=os.path.join(ROOT, "target", "release", "tickmark"))
    p.add_argument("--rules", default=os.path.join("benches", "bulk", "rules"))
    args = p.parse_args()
    if args.fail_rate is not None:
        sys.path.insert(0, HERE)
        from generate import rate_for
        args.rate = rate_for(args.fail_rate)
    sys.stdout.reconfigure(line_buffering=True)

    csv, manifest_path = ensure_universe(args)
    csv = os.path.abspath(csv)
    only, timings = tickmark_features(args.tickmark)
    print("universe: %s (%.1f MB)" % (csv, os.path.getsize(csv) / 1e6))
    print("tickmark: %s (--only failed: %s, --timings: %s)" % (
        os.path.relpath(args.tickmark, ROOT), "yes" if only else "no, filtering the JSON",
        "yes" if timings else "no"))

    # DuckDB verdicts
    con = duck_connect()
    print("duckdb: version %s, threads %s" % (con.execute("SELECT version()").fetchone()[0],
                                              con.execute("SELECT current_setting('threads')").fetchone()[0]))
    duck_load(con, csv)
    duck_check_digits(con)
    facts = con.execute("SELECT count(*) FROM facts").fetchone()[0]
    duck = {tuple(r) for r in duck_evaluate(con)}
    con.close()

    # tickmark verdicts
    tm, summary, diags = tickmark_failed(args.tickmark, args.rules, csv, only, facts)
    print("facts: %d; tickmark: %d checks, %d passed, %d skipped, failed %s, %d erred, %d warnings" % (
        facts, summary["checks"], summary["passed"], summary["skipped"], summary["failed"], summary["errors"],
        summary["warnings"]))
    for d in diags:
        print("  tickmark diagnostic: %s" % d.get("message"))

    made = summary["checks"] - summary["skipped"]
    print("failed or erred: %d of %d checks made (%.2f %%)" % (len(tm), made, 100.0 * len(tm) / max(made, 1)))
    per_rule_tm = Counter(r for r, _, _, _ in tm)
    per_rule_db = Counter(r for r, _, _, _ in duck)
    print("\n%-40s %9s %9s" % ("failed or erred, per rule", "tickmark", "duckdb"))
    for r in RULES:
        n = r["name"]
        print("%-40s %9d %9d%s" % (n, per_rule_tm[n], per_rule_db[n], "" if per_rule_tm[n] == per_rule_db[n] else "  <-"))
    print("%-40s %9d %9d" % ("total", len(tm), len(duck)))
    agree = tm == duck
    if agree:
        print("\nagreement: the failed sets are identical (%d checks)" % len(tm))
    else:
        only_tm, only_db = sorted(tm - duck), sorted(duck - tm)
        print("\nDISAGREEMENT: %d only in tickmark, %d only in DuckDB" % (len(only_tm), len(only_db)))
        for x in only_tm[:15]:
            print("  tickmark only: %s %s %s %s" % x)
        for x in only_db[:15]:
            print("  duckdb only:   %s %s %s %s" % x)

    if manifest_path and os.path.exists(manifest_path):
        manifest = read_manifest(manifest_path)
        found, missed, direct = check_manifest(manifest, tm)
        print("\nmanifest: %d injections: %d expected to fail do, %d expected to err do, %d expected to hold "
              "(--edge) do; %d of the %d failed checks are at an injected entity and period (the rest follow from "
              "one: a year later, the fiscal year, ...)" % (len(manifest), found["fail"], found["error"],
                                                           found["pass"], direct, len(tm)))
        for inj in missed[:15]:
            print("  NOT AS EXPECTED: %s" % inj)
        if missed:
            agree = False

    if args.runs > 0:
        timing(args, csv, only, timings)
    sys.exit(0 if agree else 1)


def timing(args, csv, only, timings):
    runs = args.runs
    # tickmark: the whole process; its report is read like DuckDB's rows are fetched
    # without --only failed, the human report (every failed check, no passes) stands in for it
    formats = args.formats.split(",") if only else ["human"]
    tm = {}
    for fmt_name in formats:
        cmd = tickmark_cmd(args.tickmark, args.rules, csv, only, timings, fmt_name)
        evals, reports, threads = [], [], []

        def run_tickmark():
            p = run_sunk(cmd, args.sink)
            if p.returncode not in (0, 1):
                sys.exit("duckdb_compare: `%s` exited %d" % (" ".join(cmd), p.returncode))
            e, n = parse_evaluate(p.stderr)
            if e is not None:
                evals.append(e)
                threads.append(n)
            m = REPORT_RE.search(p.stderr)
            if m:
                reports.append(float(m.group(1)))

        e2e, every = median_time(run_tickmark, runs)
        tm[fmt_name] = (cmd, e2e, every, statistics.median(evals) if evals else None,
                        statistics.median(reports) if reports else None, threads[-1] if threads else None)

    def run_duck():
        con = duck_connect()
        duck_load(con, csv)
        duck_evaluate(con)
        con.close()

    db_e2e, db_all = median_time(run_duck, runs)
    con = duck_connect()
    t = time.perf_counter()
    duck_load(con, csv)
    db_load = time.perf_counter() - t
    db_eval, _ = median_time(lambda: duck_evaluate(con), runs)
    con.close()

    def fmt(x):
        return "n/a" if x is None else "%.3f s" % x

    def ratio(a, b):
        return "n/a" if a is None or not b else "%.2fx" % (a / b)

    threads = next((t[5] for t in tm.values() if t[5]), None)
    print("\ntimes, median of %d runs (DuckDB threads: %s, its default, every core; tickmark threads: %s, "
          "its report %s; load average %s)" % (
              runs, os.cpu_count(), threads or "not said",
              {"file": "written to a file", "bytes": "read through a pipe as bytes",
               "text": "read through a pipe and decoded as text"}[args.sink],
              " ".join("%.1f" % x for x in os.getloadavg())))
    print("%-28s %12s %12s %16s" % ("", "tickmark", "duckdb", "tickmark/duckdb"))
    for fmt_name, (cmd, e2e, every, ev, report, _) in tm.items():
        print("%-28s %12s %12s %16s" % ("end to end, --format " + fmt_name, fmt(e2e), fmt(db_e2e), ratio(e2e, db_e2e)))
    ev = next((t[3] for t in tm.values() if t[3] is not None), None)
    print("%-28s %12s %12s %16s" % ("evaluation alone", fmt(ev), fmt(db_eval), ratio(ev, db_eval)))
    for fmt_name, (cmd, e2e, every, _, report, _) in tm.items():
        print("tickmark: `%s`: report phase %s; runs end to end %s" % (
            " ".join(os.path.relpath(c, ROOT) if os.path.isabs(c) else c for c in cmd), fmt(report),
            " ".join("%.2f" % x for x in every)))
    print("(duckdb load alone, one run: %.3f s; runs end to end: %s)" % (
        db_load, " ".join("%.2f" % x for x in db_all)))
    if ev is None:
        print("(tickmark has no --timings yet: its evaluation alone is not measured)")


if __name__ == "__main__":
    main()
