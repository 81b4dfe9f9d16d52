//! Range arithmetic (issue 14): a range computes bound by bound, each bound exactly the figure the
//! same arithmetic gives on `low()` and `high()` (a property over written figures, open ends and
//! scales of either sign); and what a user sees of a computed range, through the real binary: its
//! bounds' intervals in `explain` and `eval`, the point a failed `in` passed, and rules checked
//! without data. The verdicts of each operator are in `tests/fixtures/eval/ranges.tick` (asserted in
//! `tests/it/eval.rs`), the checker's refusals in `tests/fixtures/check/ranges.tick`.

use crate::common;

use proptest::prelude::*;
use rust_decimal::Decimal;
use tickmark::check::Program;
use tickmark::data::Sheets;
use tickmark::eval::{Evaluator, Halt, Value};
use tickmark::num::Num;
use tickmark::period::Period;
use tickmark::source::Sources;

/// Each case's cells: a range expression, and the figure expressions of its lower and upper bound.
/// `K` is a scale of known sign; where it is negative, the bounds change places.
const CELLS: &[(&str, &str, &str, &str)] = &[
    ("sum", "g + h - x", "low(g) + low(h) - x", "high(g) + high(h) - x"),
    ("diff", "g - h", "low(g) - high(h)", "high(g) - low(h)"),
    ("figure_minus", "x - g", "x - high(g)", "x - low(g)"),
    ("neg", "-g", "-high(g)", "-low(g)"),
    ("agg", "sum(g, x, h)", "low(g) + x + low(h)", "high(g) + x + high(h)"),
    ("avg", "avg(g, h)", "(low(g) + low(h)) / 2", "(high(g) + high(h)) / 2"),
    ("mul", "g * k", "LOW(g) * k", "HIGH(g) * k"),
    ("mul_left", "k * g", "k * LOW(g)", "k * HIGH(g)"),
    ("div", "g / k", "LOW(g) / k", "HIGH(g) / k"),
];

/// A range written in the data: `a..b`, `..b` or `a..`, as the bounds' texts.
#[derive(Debug, Clone)]
struct Written {
    lo: Option<Decimal>,
    hi: Option<Decimal>,
}

impl Written {
    fn text(&self) -> String {
        let end = |d: Option<Decimal>| d.map(|d| d.to_string()).unwrap_or_default();
        format!("{}..{}", end(self.lo), end(self.hi))
    }
}

/// A figure of up to three decimals, as written.
fn figure() -> impl Strategy<Value = Decimal> {
    (-100_000i64..100_000, 0u32..=3).prop_map(|(m, s)| Decimal::new(m, s))
}

/// A range with its bounds in order, one end perhaps open.
fn written() -> impl Strategy<Value = Written> {
    (figure(), 0i64..50_000, 0u32..=3, 0u8..4).prop_map(|(lo, width, scale, open)| {
        let hi = (lo + Decimal::new(width, scale)).round_dp(3);
        let hi = if hi < lo { lo } else { hi };
        match open {
            0 => Written { lo: None, hi: Some(hi) },
            1 => Written { lo: Some(lo), hi: None },
            _ => Written { lo: Some(lo), hi: Some(hi) },
        }
    })
}

/// A scale whose interval never reaches zero: a nonzero mantissa written to its last digit.
fn scale() -> impl Strategy<Value = Decimal> {
    (1i64..5_000, any::<bool>(), 0u32..=2).prop_map(|(m, neg, s)| Decimal::new(if neg { -m } else { m }, s))
}

/// Loads the cells over the data (one entity, 2026Q1) in a fresh folder.
fn load(rules: &str, data: &str) -> (Program, Sheets) {
    let dir = tempfile::tempdir().unwrap();
    let files = [("rules.tick".to_owned(), rules.to_owned()), ("data.toml".to_owned(), data.to_owned())];
    common::write_files(dir.path(), &files);
    let mut sources = Sources::default();
    common::load(&[dir.path().join("rules.tick")], &[dir.path().join("data.toml")], &mut sources)
        .unwrap_or_else(|d| panic!("{}", common::render(&d, &sources)))
}

/// A cell's value at 2026Q1: a figure, a range, or `None` where an input (an open end) is missing.
fn cell(ev: &mut Evaluator, program: &Program, name: &str) -> Option<Value> {
    let cell = program.cells.iter().find(|c| c.name == name).unwrap();
    match ev.eval(&cell.body, Period::parse("2026Q1").unwrap(), cell.file) {
        Ok(v) => Some(v),
        Err(Halt::Missing(_)) => None,
        Err(e) => panic!("`{name}` failed: {e:?}"),
    }
}

/// A figure cell's value, `None` where it is missing.
fn figure_of(ev: &mut Evaluator, program: &Program, name: &str) -> Option<Num> {
    cell(ev, program, name).map(|v| match v {
        Value::Num(n) => n,
        other => panic!("`{name}` is {other:?}, not a figure"),
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Every range operator is its figure arithmetic on the bounds: each bound of `g + h - x`,
    /// `g - h`, `x - g`, `-g`, `sum(g, x, h)`, `avg(g, h)`, `g * k`, `k * g` and `g / k` is the
    /// very `Num` (point, interval and unit) that `low()` and `high()` give through the same
    /// operators, with the ranges written in the data to three decimals (each bound with its own
    /// rounding), one end perhaps open (then that end of the result is open too), and a scale `k`
    /// in `%` of either sign (negative, the bounds change places). 200 cases of nine cells.
    #[test]
    fn range_arithmetic_is_figure_arithmetic_on_the_bounds(
        g in written(), h in written(), x in figure(), k in scale(),
    ) {
        let negative = k.is_sign_negative();
        let mut rules = String::new();
        for (name, range, lo, hi) in CELLS {
            // over a negative scale the lower bound comes from the upper one
            let (low_of, high_of) = if negative { ("high", "low") } else { ("low", "high") };
            let bound = |e: &str| e.replace("LOW", low_of).replace("HIGH", high_of);
            rules += &format!("let {name} = {range}\nlet {name}_lo = {}\nlet {name}_hi = {}\n", bound(lo), bound(hi));
        }
        let data = format!(
            "entity = \"P\"\nunit = \"USD m\"\n[actual.2026Q1]\ng = \"{}\"\nh = \"{}\"\nx = \"{x}\"\nk = \"{k}%\"\n",
            g.text(),
            h.text()
        );
        let (program, sheets) = load(&rules, &data);
        let mut ev = Evaluator::new(&program, &sheets, 0);
        for (name, ..) in CELLS {
            let Some(Value::Range(ends)) = cell(&mut ev, &program, name) else {
                panic!("`{name}` is not a range")
            };
            let (lo, hi) = *ends;
            prop_assert_eq!(lo, figure_of(&mut ev, &program, &format!("{name}_lo")), "low of {}", name);
            prop_assert_eq!(hi, figure_of(&mut ev, &program, &format!("{name}_hi")), "high of {}", name);
        }
    }
}

/// Runs the binary in the repository root.
fn tickmark(args: &[&str]) -> (String, String, i32) {
    common::tickmark(args, common::root())
}

const RULES: &str = "tests/fixtures/eval/ranges.tick";
const DATA: &str = "tests/fixtures/eval/ranged";

#[test]
fn explain_shows_a_computed_range_with_each_bounds_interval_and_the_terms_of_its_sum() {
    let args = ["explain", "q4_in_implied_guidance", RULES, "--data", DATA, "--period", "FY2026"];
    let (out, err, code) = tickmark(&args);
    assert_eq!(code, 0, "{out}{err}");
    // 315..320 less 240.4: each bound carries the rounding of all four figures, ±0.65
    assert!(
        out.contains("75 USD bn..80 USD bn (low 73.9 USD bn..75.3 USD bn, high 78.9 USD bn..80.3 USD bn)"),
        "{out}"
    );
    for term in ["├─ guidance.revenue[FY]", "├─ revenue[Q1]", "├─ revenue[Q2]", "└─ revenue[Q3]"] {
        assert!(out.contains(term), "{term} in:\n{out}");
    }
    assert!(!out.contains("not evaluated"), "{out}");
    // the top shows as 80, but 80.2 is compared with its point, 79.6
    assert!(
        out.contains(
            "why: 80.2 USD bn is above the top of 75 USD bn..80 USD bn by 0.6 USD bn (the top is 79.6 USD bn)"
        ),
        "{out}"
    );
}

#[test]
fn eval_shows_summed_segment_guidance_as_a_range() {
    let args =
        ["eval", "sum(guidance.segment.*.revenue)", "rules/core/metrics.tick", "--data", DATA, "--period", "2026Q3"];
    let (out, err, code) = tickmark(&args);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains(
            "MSFT    2026Q3  80.7 USD bn..81.8 USD bn (low 80.54 USD bn..80.76 USD bn, high 81.64 USD bn..81.86 USD bn)"
        ),
        "{out}"
    );
}

#[test]
fn range_arithmetic_checks_without_data() {
    // before the data is read every metric may be a range or a figure: nothing here is refused
    let (out, err, code) = tickmark(&["check", "--no-data", RULES]);
    assert_eq!(code, 0, "{out}{err}");
    // but a range literal times a range literal is refused whatever the data
    let dir = tempfile::tempdir().unwrap();
    common::write_files(dir.path(), &[("r.tick".to_owned(), "rule r: mid((1..2) * (3..4)) > 0\n".to_owned())]);
    let (out, err, code) = common::tickmark(&["check", "--no-data", "r.tick"], dir.path());
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("cannot multiply a range by a range"), "{err}");
    assert!(err.contains("r.tick:1:23"), "{err}");
}
