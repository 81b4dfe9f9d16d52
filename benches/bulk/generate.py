#!/usr/bin/env python3
"""A synthetic universe of company figures for tickmark's bulk benchmark, in the long CSV layout.

    python3 benches/bulk/generate.py --out benches/bulk/out/universe.csv --manifest benches/bulk/out/manifest.csv

Writes `entity,metric,period,value,scenario,unit` rows: per entity and quarter about 30 actual metrics
(a P&L with four segments, cash flow, balance sheet, EPS and shares, reported margins and growth), per
complete fiscal year the flows as the sum of their quarters and the ratios recomputed, per quarter a
revenue guidance range and an EPS consensus, per fiscal year a capex guidance range (plus the guidance
of the quarter and year after the data).

Every figure is written with a fixed number of decimals per metric, trailing zeros kept (tickmark reads
`25.0` as 24.95..25.05): money `USD m`/`EUR m` with one decimal (capex whole millions), EPS
(`USD/share`/`EUR/share`) with two, percentages with one, diluted shares (`m shares`) with one. Totals
are derived from the *written* components (gross_profit = revenue - cost_of_revenue on the rounded
figures), and reported ratios are the rounded quotient of written figures, so clean data passes every
rule of `benches/bulk/rules` given rounding.

Injected inconsistencies (`--rate`, per entity-period) are far from any rounding boundary (at least 3 %
of revenue, or 3 percentage points); `--manifest` lists each one with the rule it targets. Every kind
of injection is placed at least once when the universe has a period for it. Each entity draws from its
own `random.Random` seeded by (seed, entity number), so an entity's figures do not depend on how many
entities there are (apart from the few injections placed to cover every kind): a 4x universe extends
the 1x one. The output depends on nothing but the arguments (no dict order or hash randomness).
"""

import argparse
import math
from fractions import Fraction
import random
import sys

LAST_YEAR, LAST_Q = 2025, 4

SEGMENT_POOL = [
    "americas", "emea", "apac", "services", "cloud", "devices", "advertising", "retail",
    "licensing", "hardware", "software", "consumer", "enterprise", "industrial", "healthcare", "energy",
]

# The actual metrics of an entity-quarter; `seg` stands for the four segment revenues. The bench rules
# read all of them but headcount (tickmark refuses a rule that names a metric no data has), so
# `--metrics` only adds figures (`kpi.extra_NN`, read by no rule) above these 30.
CORE = [
    "revenue", "seg", "seg", "seg", "seg",
    "cost_of_revenue", "gross_profit", "research_development", "selling_general_admin",
    "operating_expenses", "operating_income", "interest_expense", "pretax_income", "income_tax",
    "net_income", "diluted_shares", "eps_diluted", "gross_margin", "operating_margin",
    "effective_tax_rate", "capex", "operating_cash_flow", "free_cash_flow", "depreciation", "ebitda",
    "cash", "total_debt", "net_debt", "revenue_growth_yoy", "headcount",
]

# Decimals written per metric (money in tenths of a million unless listed).
DECIMALS = {"capex": 0, "eps_diluted": 2, "headcount": 0, "gross_margin": 1, "operating_margin": 1,
            "effective_tax_rate": 1, "revenue_growth_yoy": 1, "diluted_shares": 1}
PERCENT = {"gross_margin", "operating_margin", "effective_tax_rate", "revenue_growth_yoy"}

# Fiscal-year facts: flows are the sum of their quarters, stocks the Q4 value, ratios recomputed.
FY_FLOWS = ["revenue", "cost_of_revenue", "gross_profit", "research_development", "selling_general_admin",
            "operating_expenses", "operating_income", "interest_expense", "pretax_income", "income_tax",
            "net_income", "capex", "operating_cash_flow", "free_cash_flow", "depreciation", "ebitda"]
FY_STOCKS = ["cash", "total_debt", "net_debt", "headcount"]

# Injection kinds: (kind, rules it is meant to fail, where it can go).
#   where: "q" any quarter, "qy" a quarter with a year before it, "fy" any fiscal year,
#   "fyy" a fiscal year with one before it, "FY2025"/"FY2024" that year only.
KINDS = [
    ("cost_of_revenue", ["gross_profit_identity"], "q fy"),
    ("segment_revenue", ["segments_sum_to_revenue"], "q fy"),
    ("research_development", ["operating_expenses_identity"], "q fy"),
    ("operating_expenses", ["operating_income_identity", "operating_expenses_identity"], "q fy"),
    ("interest_expense", ["pretax_income_identity"], "q fy"),
    ("income_tax", ["net_income_identity"], "q fy"),
    ("free_cash_flow", ["free_cash_flow_identity"], "q fy"),
    ("depreciation", ["ebitda_identity"], "q fy"),
    ("cash", ["net_debt_identity"], "q fy"),
    ("eps_diluted", ["eps_matches_net_income"], "q"),
    ("gross_margin", ["gross_margin_reported"], "q fy"),
    ("operating_margin", ["operating_margin_reported"], "q fy"),
    ("effective_tax_rate", ["tax_rate_reported"], "q"),
    ("revenue_growth_yoy", ["revenue_growth_reported"], "qy fyy"),
    ("revenue_shock", ["revenue_yoy_plausible", "revenue_qoq_plausible"], "qy"),
    ("loss_quarter", ["operating_margin_stable", "operating_margin_floor"], "qy"),
    ("capex_spike", ["capex_intensity"], "q"),
    ("guidance_shift", ["revenue_in_guidance"], "q"),
    ("guidance_wide", ["guidance_range_width"], "q"),
    ("consensus_shift", ["eps_vs_consensus"], "q"),
    ("capex_guidance_shift", ["capex_in_guidance"], "fy"),
    ("fy_revenue", ["fy2025_revenue_is_sum_of_quarters"], "FY2025"),
    ("fy_capex", ["fy2025_capex_is_sum_of_quarters"], "FY2025"),
    ("fy_net_income", ["fy2024_net_income_is_sum_of_quarters"], "FY2024"),
    # diluted shares written as 0.0: a divisor that may be zero, a check error rather than a failure
    ("zero_shares", ["eps_matches_net_income"], "q"),
]
KIND_RULES = {k: r for k, r, _ in KINDS}
# The kinds `--edge` puts at a rounding boundary (the others change a whole quarter).
# The kinds that reshape a whole quarter (at most one of them per entity-period).
SHAPE_KINDS = {"revenue_shock", "loss_quarter", "capex_spike"}
EDGE_KINDS = {k for k, _, _ in KINDS} - SHAPE_KINDS - {"zero_shares"}
# Kinds that move the same figures (a guidance range shifted and widened, a consensus and the EPS it is
# compared with): never two of a group at one entity-period, since one could undo the other.
TOGETHER = [{"guidance_shift", "guidance_wide"}, {"consensus_shift", "eps_diluted", "zero_shares"},
            {"capex_guidance_shift", "fy_capex"}, {"fy_revenue", "revenue_growth_yoy"}]
# Failed checks per injection and checks made per entity-period with the bench pack, measured on
# universes of 100 entities up to --rate 1.6 (9.95 % failed at --fail-rate 0.10): what --fail-rate
# turns into a --rate.
FAILS_PER_INJECTION, CHECKS_PER_SLOT = 1.30, 20.5


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--entities", type=int, default=5000, help="entities at scale 1 (default 5000)")
    p.add_argument("--quarters", type=int, default=40, help="quarters ending at 2025Q4 (default 40)")
    p.add_argument("--metrics", type=int, default=30, help="actual metrics per entity-quarter (default and "
                   "least 30, the ones the bench rules read; more adds kpi.extra_NN figures)")
    p.add_argument("--scale", type=float, default=1.0, help="multiplies --entities (0.1, 1, 4)")
    p.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    p.add_argument("--rate", type=float, default=0.01, help="injected inconsistencies per entity-period (0.01; "
                   "above 1, several of different kinds)")
    p.add_argument("--fail-rate", type=float, help="the fraction of checks made that fail, about (0.0006, 0.10): "
                   "sets --rate from the failed checks an injection makes with the bench pack")
    p.add_argument("--out", required=True, help="the CSV to write")
    p.add_argument("--manifest", help="a CSV of the injected inconsistencies")
    p.add_argument("--edge", action="store_true", help="a test of exactness, not a benchmark: put each "
                   "injection that changes one figure right at its rule's rounding boundary, on the side "
                   "that just holds or the side that just fails (the manifest's `expect`)")
    args = p.parse_args(argv)
    if args.fail_rate is not None:
        args.rate = rate_for(args.fail_rate)
    return args


def rate_for(fail_rate):
    """The --rate at which about `fail_rate` of the checks made fail."""
    if not 0 <= fail_rate <= 0.2:
        sys.exit("generate: --fail-rate is a fraction of the checks made, from 0 to 0.2")
    return round(fail_rate * CHECKS_PER_SLOT / FAILS_PER_INJECTION, 6)


def fmt(v, decimals):
    """An integer scaled by 10**decimals, written with exactly that many decimals."""
    if decimals == 0:
        return str(v)
    if v < 0:
        return "-" + fmt(-v, decimals)
    s = str(v).rjust(decimals + 1, "0")
    return s[:-decimals] + "." + s[-decimals:]


def div_round(num, den):
    """num / den rounded half away from zero, in integers (den != 0)."""
    if den < 0:
        num, den = -num, -den
    q = (2 * abs(num) + den) // (2 * den)
    return q if num >= 0 else -q


def tenths(x):
    return int(round(x * 10))


class Universe:
    def __init__(self, args):
        self.args = args
        self.n = max(1, int(round(args.entities * args.scale)))
        # periods: quarter labels oldest first, and the complete fiscal years
        last = LAST_YEAR * 4 + LAST_Q - 1
        self.qidx = list(range(last - args.quarters + 1, last + 1))
        self.qlabel = ["%dQ%d" % (i // 4, i % 4 + 1) for i in self.qidx]
        years = sorted({i // 4 for i in self.qidx})
        self.years = [y for y in years if all(y * 4 + q in set(self.qidx) for q in range(4))]
        nxt = last + 1
        self.next_q = "%dQ%d" % (nxt // 4, nxt % 4 + 1)
        self.next_fy = "FY%d" % (LAST_YEAR + 1)
        if args.metrics < len(CORE):
            sys.exit("generate: --metrics is at least %d: the bench rules read the core metrics, and tickmark "
                     "refuses a rule naming a metric that no data has" % len(CORE))
        self.enabled = set(CORE)
        self.extra = ["kpi.extra_%02d" % i for i in range(1, args.metrics - len(CORE) + 1)]

    def valid_kinds(self, k=None, year=None):
        """The kinds of injection that can go at quarter index k or fiscal year `year`."""
        out = []
        for kind, _, where in KINDS:
            tags = where.split()
            if k is not None:
                if "q" in tags or ("qy" in tags and k >= 4):
                    out.append(kind)
            else:
                label = "FY%d" % year
                has_prev = (year - 1) in self.years
                if "fy" in tags or ("fyy" in tags and has_prev) or label in tags:
                    out.append(kind)
        return out

    def plan(self, i):
        """An entity's parameters and injections, drawn first from its own generator."""
        rng = random.Random("tickmark-bulk/%d/%d" % (self.args.seed, i))
        e = {"rng": rng, "i": i, "name": "E%05d" % (i + 1)}
        e["currency"] = "EUR" if rng.random() < 0.1 else "USD"
        e["size"] = math.exp(rng.uniform(math.log(200.0), math.log(20000.0)))
        e["growth"] = rng.uniform(-0.08, 0.25)
        amp = rng.uniform(0.0, 0.05)
        shape = [-1.0, -0.3, 0.3, 1.0]
        rot = rng.randrange(4)
        e["season"] = [amp * shape[(q + rot) % 4] for q in range(4)]
        e["segments"] = sorted(rng.sample(SEGMENT_POOL, 4))
        e["weights"] = [rng.uniform(1.0, 3.0) for _ in range(4)]
        e["gm"] = rng.uniform(0.30, 0.70)
        e["om"] = rng.uniform(0.08, min(0.30, e["gm"] - 0.12))
        e["rd_share"] = rng.uniform(0.3, 0.6)
        e["interest"] = rng.uniform(0.002, 0.02)
        e["tax"] = rng.uniform(0.13, 0.27)
        e["capex"] = rng.uniform(0.03, 0.11)
        e["dep"] = rng.uniform(0.02, 0.07)
        e["eps0"] = rng.uniform(0.8, 4.0)
        inj = {}
        for k in range(len(self.qidx)):
            kinds = self.valid_kinds(k=k)
            # a doubled quarter after a doubled quarter and a doubled year-before fails neither growth rule
            shocked = [k - 1, k - 4]
            if k >= 4 and all("revenue_shock" in inj.get(self.qlabel[j], ()) for j in shocked):
                kinds = [c for c in kinds if c != "revenue_shock"]
            self.draw(rng, inj, self.qlabel[k], kinds)
        for y in self.years:
            self.draw(rng, inj, "FY%d" % y, self.valid_kinds(year=y))
        e["inj"] = inj
        return e

    def draw(self, rng, inj, label, kinds):
        """Draws the injections of one entity-period: one with probability `--rate`, or above a rate of
        1 that many on average (the whole part always, one more with the fraction), each of another
        kind aimed at other rules than the ones before; one that reshapes the quarter stands alone (a
        guidance or consensus moved from the figure it reshapes could land on the new figure)."""
        n = int(self.args.rate) + (1 if rng.random() < self.args.rate - int(self.args.rate) else 0)
        chosen, rules = [], set()
        for _ in range(n):
            left = [c for c in kinds if not rules & set(KIND_RULES[c]) and not (chosen and c in SHAPE_KINDS)
                    and not any(c in g and x in g for g in TOGETHER for x in chosen)]
            if not left or any(c in SHAPE_KINDS for c in chosen):
                break
            kind = left[rng.randrange(len(left))]
            chosen.append(kind)
            rules |= set(KIND_RULES[kind])
        if chosen:
            inj[label] = chosen

    def force_coverage(self, plans):
        """Places every kind of injection at least once, where the universe has a period for it."""
        if self.args.rate <= 0:
            return
        used = {kind for p in plans for kinds in p["inj"].values() for kind in kinds}
        rng = random.Random("tickmark-bulk/%d/force" % self.args.seed)
        for kind, _, _ in KINDS:
            if kind in used:
                continue
            for _ in range(1000):
                p = plans[rng.randrange(len(plans))]
                slots = [(self.qlabel[k], self.valid_kinds(k=k)) for k in range(len(self.qidx))]
                slots += [("FY%d" % y, self.valid_kinds(year=y)) for y in self.years]
                slots = [label for label, kinds in slots if kind in kinds and label not in p["inj"]]
                if slots:
                    p["inj"][slots[rng.randrange(len(slots))]] = [kind]
                    break

    def entity(self, e, out, manifest):
        """Writes one entity's rows into `out` (a list of strings) and its injections into `manifest`."""
        rng, inj = e["rng"], e["inj"]
        name, cur = e["name"], e["currency"]
        money, eps_unit = cur + " m", cur + "/share"
        enabled = self.enabled
        nq = len(self.qidx)
        level = e["size"]
        gq = (1.0 + e["growth"]) ** 0.25
        shares = max(10, tenths(e["size"] * e["om"] * (1 - e["tax"]) * 0.9 / e["eps0"]))
        cash = tenths(e["size"] * rng.uniform(0.2, 1.5))
        debt = tenths(e["size"] * rng.uniform(0.0, 2.0))
        headcount = int(e["size"] * rng.uniform(2.0, 10.0))
        quarters = []  # per quarter: dict metric -> int (scaled by its decimals)
        clean = []  # per quarter: (revenue, capex, eps) without shape injections
        for k in range(nq):
            label = self.qlabel[k]
            q = self.qidx[k] % 4
            level *= gq * (1.0 + rng.uniform(-0.015, 0.015))
            base = level * (1.0 + e["season"][q])
            w = [x * rng.uniform(0.95, 1.05) for x in e["weights"]]
            tw = sum(w)
            draws = {
                "gm": e["gm"] + rng.uniform(-0.01, 0.01),
                "om": e["om"] + rng.uniform(-0.012, 0.012),
                "rd": e["rd_share"] + rng.uniform(-0.03, 0.03),
                "int": e["interest"] * rng.uniform(0.9, 1.1),
                "tax": e["tax"] + rng.uniform(-0.01, 0.01),
                "capex": e["capex"] * rng.uniform(0.8, 1.2),
                "ocf": rng.uniform(-0.02, 0.05),
                "dep": e["dep"] * rng.uniform(0.95, 1.05),
            }
            shares = max(10, int(round(shares * rng.uniform(0.994, 1.003))))
            cash = max(50, int(round(cash * rng.uniform(0.93, 1.09))))
            debt = max(0, int(round(debt * rng.uniform(0.97, 1.04))))
            headcount = max(1, int(round(headcount * rng.uniform(0.99, 1.03))))
            shaped = [k for k in inj.get(label, ()) if k in SHAPE_KINDS]
            kind = shaped[0] if shaped else None
            spike = rng.uniform(0.4, 0.6)
            loss = rng.uniform(-0.35, -0.25)
            ok = pl(base, w, tw, draws, shares, None, None)
            clean.append((ok["revenue"], ok["capex"], ok["eps_diluted"]))
            if kind == "revenue_shock":
                v = pl(base * 2.0, w, tw, draws, shares, None, None)
                note = "revenue and every figure of the quarter doubled (revenue %s -> %s)" % (
                    fmt(ok["revenue"], 1), fmt(v["revenue"], 1))
                manifest.append((name, label, kind, fmt(ok["revenue"], 1), fmt(v["revenue"], 1), note, "fail"))
            elif kind == "loss_quarter":
                v = pl(base, w, tw, draws, shares, loss, None)
                note = "a one-off charge in selling_general_admin: operating margin %.1f %%" % (loss * 100)
                manifest.append((name, label, kind, fmt(ok["operating_income"], 1), fmt(v["operating_income"], 1),
                                 note, "fail"))
            elif kind == "capex_spike" and self.args.edge:
                # capex at 30 % of revenue: the largest whole figure that holds, or one more
                fail = rng.random() < 0.5
                v = dict(ok)
                v["capex"] = 3 * v["revenue"] // 100 + (1 if fail else 0)
                v["free_cash_flow"] = v["operating_cash_flow"] - 10 * v["capex"]
                note = "capex at the edge of 30 %% of revenue %s" % fmt(v["revenue"], 1)
                manifest.append((name, label, kind, str(ok["capex"]), str(v["capex"]), note,
                                 "fail" if fail else "pass"))
            elif kind == "capex_spike":
                v = pl(base, w, tw, draws, shares, None, spike)
                note = "capex %.0f %% of revenue (free cash flow follows)" % (spike * 100)
                manifest.append((name, label, kind, str(ok["capex"]), str(v["capex"]), note, "fail"))
            else:
                v = ok
            v["cash"] = cash
            v["total_debt"] = debt
            v["net_debt"] = debt - cash
            v["headcount"] = headcount
            v["diluted_shares"] = shares
            quarters.append(v)
        # reported growth from the written revenue a year before
        for k in range(4, nq):
            quarters[k]["revenue_growth_yoy"] = div_round(
                1000 * (quarters[k]["revenue"] - quarters[k - 4]["revenue"]), quarters[k - 4]["revenue"])
            quarters[k]["prev_revenue"] = quarters[k - 4]["revenue"]
        # fiscal years, from the quarters as written (before the leaf injections)
        years = {}
        for y in self.years:
            ks = [self.qidx.index(y * 4 + q) for q in range(4)]
            fy = {m: sum(quarters[k][m] for k in ks) for m in FY_FLOWS}
            fy["segments"] = [sum(quarters[k]["segments"][s] for k in ks) for s in range(4)]
            for m in FY_STOCKS:
                fy[m] = quarters[ks[3]][m]
            fy["gross_margin"] = div_round(1000 * fy["gross_profit"], fy["revenue"])
            fy["operating_margin"] = div_round(1000 * fy["operating_income"], fy["revenue"])
            fy["clean_capex"] = sum(clean[k][1] for k in ks)
            if y - 1 in years:
                prev = years[y - 1]["revenue"]
                fy["revenue_growth_yoy"] = div_round(1000 * (fy["revenue"] - prev), prev)
                fy["prev_revenue"] = prev
            years[y] = fy
        # guidance, consensus
        g_rev, cons, g_capex = {}, {}, {}
        for k in range(nq):
            r = clean[k][0]
            lo = min(r - 1, int(math.floor(r * (1 - rng.uniform(0.005, 0.025)))))
            hi = max(r + 1, int(math.ceil(r * (1 + rng.uniform(0.005, 0.025)))))
            g_rev[self.qlabel[k]] = [lo, hi]
            eps = clean[k][2]
            cons[self.qlabel[k]] = div_round(eps * int(round(rng.uniform(0.96, 1.04) * 10000)), 10000)
        r = clean[-1][0] * gq
        g_rev[self.next_q] = [int(math.floor(r * 0.97)), int(math.ceil(r * 1.02))]
        cons[self.next_q] = clean[-1][2]
        for y in self.years:
            c = years[y]["clean_capex"]
            lo = min(c - 1, int(math.floor(c * (1 - rng.uniform(0.03, 0.10)))))
            hi = max(c + 1, int(math.ceil(c * (1 + rng.uniform(0.03, 0.10)))))
            g_capex["FY%d" % y] = [lo, hi]
        if self.years:
            c = years[self.years[-1]]["clean_capex"]
            g_capex[self.next_fy] = [int(c * 1.1), int(c * 1.3) + 1]
        # leaf injections: one written figure changed, after everything was derived
        for label, kind in sorted((label, kind) for label, kinds in inj.items() for kind in kinds):
            if kind in SHAPE_KINDS:
                continue
            if label.startswith("FY"):
                v = years[int(label[2:])]
            else:
                v = quarters[self.qlabel.index(label)]
            if self.args.edge and kind in EDGE_KINDS:
                rec = self.edge(rng, kind, label, v, g_rev, cons, g_capex)
            else:
                rec = self.leaf(rng, kind, label, v, g_rev, cons, g_capex)
                rec += ("error" if kind == "zero_shares" else "fail",)
            manifest.append((name,) + rec)
        # rows
        seg_names = ["segment.%s.revenue" % s for s in e["segments"]]
        pre = name + ","
        row = out.append
        money_metrics = [m for m in CORE if m != "seg" and m in enabled and m not in DECIMALS
                         and m not in ("cash", "total_debt", "net_debt")]
        stock_metrics = [m for m in ("cash", "total_debt", "net_debt") if m in enabled]
        other = [m for m in CORE if m in DECIMALS and m in enabled]
        units = {m: ("%" if m in PERCENT else eps_unit if m == "eps_diluted" else money if m == "capex"
                     else "m shares" if m == "diluted_shares" else "count") for m in other}
        n_seg = 4
        for k in range(nq):
            label = self.qlabel[k]
            v = quarters[k]
            mid = "," + label + ","
            for m in money_metrics:
                row(pre + m + mid + fmt(v[m], 1) + ",," + money + "\n")
            for s in range(n_seg):
                row(pre + seg_names[s] + mid + fmt(v["segments"][s], 1) + ",," + money + "\n")
            for m in stock_metrics:
                row(pre + m + mid + fmt(v[m], 1) + ",," + money + "\n")
            for m in other:
                if m in v:
                    row(pre + m + mid + fmt(v[m], DECIMALS[m]) + ",," + units[m] + "\n")
            for j, m in enumerate(self.extra):
                row(pre + m + mid + str(1000 + (k * 37 + j * 101) % 997) + ",,\n")
            lo, hi = g_rev[label]
            row(pre + "revenue" + mid + fmt(lo, 1) + ".." + fmt(hi, 1) + ",guidance," + money + "\n")
            row(pre + "eps_diluted" + mid + fmt(cons[label], 2) + ",consensus," + eps_unit + "\n")
        for y in self.years:
            label = "FY%d" % y
            v = years[y]
            mid = "," + label + ","
            for m in FY_FLOWS + ["cash", "total_debt", "net_debt"]:
                if m in enabled:
                    row(pre + m + mid + fmt(v[m], 0 if m == "capex" else 1) + ",," + money + "\n")
            for s in range(n_seg):
                row(pre + seg_names[s] + mid + fmt(v["segments"][s], 1) + ",," + money + "\n")
            for m in ("gross_margin", "operating_margin", "revenue_growth_yoy"):
                if m in enabled and m in v:
                    row(pre + m + mid + fmt(v[m], 1) + ",,%\n")
            if "headcount" in enabled:
                row(pre + "headcount" + mid + str(v["headcount"]) + ",,count\n")
            lo, hi = g_capex[label]
            row(pre + "capex" + mid + "%d..%d" % (lo, hi) + ",guidance," + money + "\n")
        lo, hi = g_rev[self.next_q]
        row(pre + "revenue," + self.next_q + "," + fmt(lo, 1) + ".." + fmt(hi, 1) + ",guidance," + money + "\n")
        row(pre + "eps_diluted," + self.next_q + "," + fmt(cons[self.next_q], 2) + ",consensus," + eps_unit + "\n")
        if self.next_fy in g_capex:
            lo, hi = g_capex[self.next_fy]
            row(pre + "capex," + self.next_fy + ",%d..%d" % (lo, hi) + ",guidance," + money + "\n")

    def edge(self, rng, kind, label, v, g_rev, cons, g_capex):
        """Changes one written figure to just inside or just outside its rule's boundary, in exact
        arithmetic; returns the manifest record (without the entity), expecting `pass` or `fail`."""
        fail = rng.random() < 0.5
        up = rng.random() < 0.5
        sign = 1 if up else -1
        expect = "fail" if fail else "pass"
        half = Fraction(1, 2)

        def set_to(metric, new, decimals, what):
            old = v[metric]
            v[metric] = new
            return (label, kind, fmt(old, decimals), fmt(new, decimals), what, expect)

        def quotient(n, d):
            """The interval of n / d for figures written in one step (the step cancels)."""
            corners = [Fraction(a, 1) / b for a in (n - half, n + half) for b in (d - half, d + half)]
            return min(corners), max(corners)

        def reported(metric, n, d, scale, offset=0, tol=0):
            """A reported ratio r (in units of 1/scale, minus offset) at the edge of meeting n / d."""
            lo, hi = quotient(n, d)
            if up:
                edge = math.floor(scale * (hi - offset) + half + tol)
                new = edge + 1 if fail else edge
            else:
                edge = math.ceil(scale * (lo - offset) - half - tol)
                new = edge - 1 if fail else edge
            return set_to(metric, new, 2 if metric == "eps_diluted" else 1,
                          "%s at the %s edge of its rounding interval" % (metric, "upper" if up else "lower"))

        # identities: |lhs - rhs| may be up to the sum of half steps, in tenths (free cash flow: capex is
        # written in whole millions, a half step of 5 tenths)
        halfsum = {"segment_revenue": Fraction(5, 2), "free_cash_flow": Fraction(6)}
        if kind in ("cost_of_revenue", "research_development", "operating_expenses", "income_tax",
                    "free_cash_flow", "interest_expense", "depreciation", "cash", "segment_revenue"):
            d = sign * (math.floor(halfsum.get(kind, Fraction(3, 2))) + (1 if fail else 0))
            if kind == "segment_revenue":
                old = v["segments"][0]
                v["segments"][0] = old + d
                return (label, kind, fmt(old, 1), fmt(old + d, 1), "segment 1 revenue off by %s" % fmt(d, 1), expect)
            return set_to(kind, v[kind] + d, 1, "%s off by %s" % (kind, fmt(d, 1)))
        if kind in ("gross_margin", "operating_margin"):
            n = v["gross_profit"] if kind == "gross_margin" else v["operating_income"]
            return reported(kind, n, v["revenue"], 1000)
        if kind == "effective_tax_rate":
            return reported(kind, v["income_tax"], v["pretax_income"], 1000, tol=5)
        if kind == "revenue_growth_yoy":
            return reported(kind, v["revenue"], v["prev_revenue"], 1000, offset=1)
        if kind == "eps_diluted":
            return reported(kind, v["net_income"], v["diluted_shares"], 100)
        if kind == "consensus_shift":
            e, old = v["eps_diluted"], cons[label]
            # |e - c| <= 1/2 + 1/2 + c/10 cents (c > 0)
            if up:
                edge = math.floor(Fraction(10 * (e + 1), 9))
                new = edge + 1 if fail else edge
            else:
                edge = math.ceil(Fraction(10 * (e - 1), 11))
                new = edge - 1 if fail else edge
            cons[label] = new
            return (label, kind, fmt(old, 2), fmt(new, 2), "consensus.eps_diluted at the edge of 10 %", expect)
        if kind in ("fy_revenue", "fy_net_income"):
            metric = "revenue" if kind == "fy_revenue" else "net_income"
            return set_to(metric, v[metric] + sign * (2 + (1 if fail else 0)), 1, "%s off by 2 or 3 tenths" % metric)
        if kind == "fy_capex":
            total = v["capex"]
            d = math.floor(Fraction(5, 2) + Fraction(total, 100)) + (1 if fail else 0)
            return set_to("capex", total + sign * d, 0, "capex off by %d, the edge of 1 %%" % d)
        if kind == "guidance_shift":
            r, old = v["revenue"], g_rev[label]
            lo, hi = (r + (1 if fail else 0), r + 50) if up else (r - 50, r - (1 if fail else 0))
            g_rev[label] = [lo, hi]
            return (label, kind, "%s..%s" % (fmt(old[0], 1), fmt(old[1], 1)), "%s..%s" % (fmt(lo, 1), fmt(hi, 1)),
                    "a bound of guidance.revenue at the actual revenue", expect)
        if kind == "guidance_wide":
            r, old = v["revenue"], g_rev[label]
            k = int(round(r / 20.0))
            lo, hi = 19 * k, 21 * k + (1 if fail else 0)  # width 2k is exactly 10 % of the midpoint 20k
            g_rev[label] = [lo, hi]
            return (label, kind, "%s..%s" % (fmt(old[0], 1), fmt(old[1], 1)), "%s..%s" % (fmt(lo, 1), fmt(hi, 1)),
                    "guidance.revenue exactly 10 % of its midpoint wide", expect)
        if kind == "capex_guidance_shift":
            c, old = v["capex"], g_capex[label]
            lo, hi = (c + (1 if fail else 0), c + 20) if up else (c - 20, c - (1 if fail else 0))
            g_capex[label] = [lo, hi]
            return (label, kind, "%d..%d" % tuple(old), "%d..%d" % (lo, hi), "a bound of guidance.capex at capex",
                    expect)
        raise ValueError(kind)

    def leaf(self, rng, kind, label, v, g_rev, cons, g_capex):
        """Changes one written figure; returns the manifest record (without the entity)."""
        sign = 1 if rng.random() < 0.5 else -1
        rev = v["revenue"]
        delta = max(50, int(rev * rng.uniform(0.03, 0.08)))  # tenths of a million: at least 5.0
        pp = int(rng.uniform(3.0, 8.0) * 10)  # tenths of a percentage point
        def bump(metric, d, decimals=1):
            old = v[metric]
            v[metric] = old + d
            return (label, kind, fmt(old, decimals), fmt(v[metric], decimals), "%s changed by %s" % (
                metric, fmt(d, decimals)))
        if kind in ("cost_of_revenue", "research_development", "operating_expenses", "income_tax",
                    "free_cash_flow"):
            return bump(kind, sign * delta)
        if kind in ("interest_expense", "depreciation", "cash"):
            return bump(kind, delta)
        if kind == "segment_revenue":
            s = rng.randrange(4)
            old = v["segments"][s]
            v["segments"][s] = old + delta
            return (label, kind, fmt(old, 1), fmt(old + delta, 1), "segment %d revenue up by %s" % (s + 1, fmt(delta, 1)))
        if kind == "eps_diluted":
            old = v["eps_diluted"]
            new = old + max(10, abs(old) * 25 // 100)
            v["eps_diluted"] = new
            return (label, kind, fmt(old, 2), fmt(new, 2), "eps_diluted raised by a quarter")
        if kind in ("gross_margin", "operating_margin", "revenue_growth_yoy"):
            return bump(kind, sign * pp)
        if kind == "effective_tax_rate":
            return bump(kind, sign * max(30, pp - 20))
        if kind == "guidance_shift":
            if sign > 0:
                lo, hi = int(rev * 1.10), int(rev * 1.14)
            else:
                lo, hi = int(rev * 0.86), int(rev * 0.90)
            old = g_rev[label]
            g_rev[label] = [lo, hi]
            return (label, kind, "%s..%s" % (fmt(old[0], 1), fmt(old[1], 1)), "%s..%s" % (fmt(lo, 1), fmt(hi, 1)),
                    "guidance.revenue moved %s the actual revenue %s" % ("above" if sign > 0 else "below", fmt(rev, 1)))
        if kind == "guidance_wide":
            old = g_rev[label]
            lo, hi = min(old[0], int(rev * 0.84)), max(old[1], int(rev * 1.16))
            g_rev[label] = [lo, hi]
            return (label, kind, "%s..%s" % (fmt(old[0], 1), fmt(old[1], 1)), "%s..%s" % (fmt(lo, 1), fmt(hi, 1)),
                    "guidance.revenue widened to about 30 % of its midpoint")
        if kind == "consensus_shift":
            old = cons[label]
            factor = rng.uniform(1.3, 1.5) if sign > 0 else rng.uniform(0.5, 0.7)
            new = div_round(old * int(factor * 1000), 1000)
            if abs(new - old) < 10:
                new = old + sign * 10
            cons[label] = new
            return (label, kind, fmt(old, 2), fmt(new, 2), "consensus.eps_diluted moved %s" % (
                "up" if sign > 0 else "down"))
        if kind == "capex_guidance_shift":
            c = v["capex"]
            old = g_capex[label]
            lo, hi = c // 2, c * 7 // 10
            g_capex[label] = [lo, hi]
            return (label, kind, "%d..%d" % tuple(old), "%d..%d" % (lo, hi), "guidance.capex moved below capex %d" % c)
        if kind == "zero_shares":
            return bump("diluted_shares", -v["diluted_shares"])
        if kind == "fy_revenue":
            return bump("revenue", max(50, int(rev * rng.uniform(0.03, 0.08))))
        if kind == "fy_capex":
            return bump("capex", max(10, int(v["capex"] * rng.uniform(0.15, 0.25))), 0)
        if kind == "fy_net_income":
            return bump("net_income", sign * delta)
        raise ValueError(kind)


def pl(base, w, tw, d, shares, loss_margin, capex_rate):
    """The written figures of one quarter (integers in tenths, capex whole, eps in cents, % in tenths)."""
    seg = [tenths(base * x / tw) for x in w]
    rev = sum(seg)
    cost = tenths(base * (1 - d["gm"]))
    gp = rev - cost
    om = d["om"] if loss_margin is None else loss_margin
    oi_target = tenths(base * om)
    opex = gp - oi_target
    rd = tenths(base * (d["gm"] - d["om"]) * d["rd"])
    sga = opex - rd
    opex = rd + sga
    oi = gp - opex
    interest = tenths(base * d["int"])
    pretax = oi - interest
    tax = tenths(pretax / 10 * d["tax"])
    ni = pretax - tax
    capex = int(round(base * (d["capex"] if capex_rate is None else capex_rate)))
    ocf = tenths(base * (d["om"] + d["dep"] + d["ocf"]))
    dep = tenths(base * d["dep"])
    return {
        "revenue": rev, "segments": seg, "cost_of_revenue": cost, "gross_profit": gp,
        "research_development": rd, "selling_general_admin": sga, "operating_expenses": opex,
        "operating_income": oi, "interest_expense": interest, "pretax_income": pretax, "income_tax": tax,
        "net_income": ni, "eps_diluted": div_round(ni * 100, shares),
        "gross_margin": div_round(1000 * gp, rev), "operating_margin": div_round(1000 * oi, rev),
        "effective_tax_rate": div_round(1000 * tax, pretax),
        "capex": capex, "operating_cash_flow": ocf, "free_cash_flow": ocf - capex * 10,
        "depreciation": dep, "ebitda": oi + dep,
    }


def main(argv=None):
    args = parse_args(argv if argv is not None else sys.argv[1:])
    u = Universe(args)
    plans = [u.plan(i) for i in range(u.n)]
    u.force_coverage(plans)
    manifest = []
    rows = 0
    with open(args.out, "w", encoding="ascii", newline="", buffering=1 << 24) as f:
        f.write("entity,metric,period,value,scenario,unit\n")
        for p in plans:
            out = []
            u.entity(p, out, manifest)
            rows += len(out)
            f.write("".join(out))
            p.clear()
    if args.manifest:
        with open(args.manifest, "w", encoding="ascii", newline="") as f:
            f.write("entity,period,kind,rules,expect,before,after,what\n")
            for name, label, kind, before, after, what, expect in manifest:
                f.write("%s,%s,%s,%s,%s,%s,%s,%s\n" % (name, label, kind, " ".join(KIND_RULES[kind]), expect,
                                                       before, after, what.replace(",", ";")))
    print("generate: %d entities, %d quarters, %d fiscal years, %d rows, %d injections -> %s" % (
        u.n, len(u.qidx), len(u.years), rows, len(manifest), args.out), file=sys.stderr)


if __name__ == "__main__":
    main()
