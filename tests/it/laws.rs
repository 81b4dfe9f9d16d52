//! The laws of the engine that `tests/it/props.rs` (interval arithmetic contains the exact rational
//! result; `~=` is symmetric on `Num`) and `tests/it/fmt.rs` (the formatter is idempotent and keeps
//! the meaning) do not cover, each checked where a user meets it (rule and data files, loaded and
//! run in-process or by the binary) and, where there is one, on the type beneath:
//!
//! 1. `~=` is symmetric through the language, and every tolerance form gives its definition;
//! 2. unit conversions are exact, or a check error, never a silently rounded value;
//! 3. period arithmetic: `-1y` is `-4q` for quarters, shifts compose, slots round-trip;
//! 4. the report is the same bytes on every run;
//! 5. verdicts do not depend on the order of rule files, nor (without conflicts) of data files;
//! 6. a bare number is a scalar: beside a unit it is the `bare-number` error, unless it is zero.
//!
//! Each property's doc comment gives its case count; together they run in about 10 s in debug
//! mode on a slow machine (two shared cores). A law found broken is fixed in the code and its
//! smallest case kept beside the property as a plain test. `~=` with a relative tolerance is
//! asymmetric by the contract (LANGUAGE.md: `within 2%` is relative to the right side); that form
//! is held to its definition.
//!
//! A bare number is a scalar (LANGUAGE.md, "Units"): it never takes the unit of what it meets. So
//! the generated sides and tolerances that meet a unit carry one, and a bare literal meeting a unit
//! is a law of its own: the `bare-number` error before anything runs, or, for a bare zero, zero in
//! that unit ([`a_bare_number_meeting_a_unit_does_not_load`]).

use crate::common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use num_bigint::BigInt;
use num_rational::BigRational;
use proptest::prelude::*;
use rust_decimal::Decimal;
use tickmark::check::Program;
use tickmark::commands::check::Format;
use tickmark::data::Sheets;
use tickmark::diag::Diag;
use tickmark::eval::{self, Filter};
use tickmark::num::{Num, Quantity, Real, Unit, display};
use tickmark::period::{Period, Step, YEARS};
use tickmark::report::human::Verbosity;
use tickmark::source::Sources;

// ----- exact numbers and written figures

/// A decimal as an exact rational.
fn exact(d: Decimal) -> BigRational {
    BigRational::new(BigInt::from(d.mantissa()), BigInt::from(10).pow(d.scale()))
}

/// An exact value as a rational.
fn real(r: &Real) -> BigRational {
    r.rational().into_owned()
}

/// A whole number as an exact rational.
fn int(n: i128) -> BigRational {
    BigRational::from_integer(BigInt::from(n))
}

/// `|x|`.
fn abs(x: BigRational) -> BigRational {
    if x < int(0) { -x } else { x }
}

/// `10^n` as an exact rational, `n` perhaps negative.
fn pow10(n: i32) -> BigRational {
    let p = BigRational::from_integer(BigInt::from(10).pow(n.unsigned_abs()));
    if n < 0 { p.recip() } else { p }
}

/// The power of ten that turns written digits into their unit's base (`USD bn` 9, `%` -2, `bps`
/// -4); `None` for a bare number, a pure number.
fn exponent(unit: &str) -> Option<i32> {
    Some(match unit {
        "" => return None,
        "USD" | "EUR" | "GW" => 0,
        "USD k" => 3,
        "USD m" | "EUR m" => 6,
        "USD bn" | "EUR bn" => 9,
        "USD tn" => 12,
        "%" | "pp" => -2,
        "bps" => -4,
        other => panic!("no exponent for `{other}`"),
    })
}

/// A figure as written: a mantissa, the digits after the point (zeros kept: `12.50`), a unit (`""`
/// for a bare number) and whether its digits are grouped with `_`.
#[derive(Debug, Clone)]
struct Figure {
    mantissa: i128,
    scale: u32,
    unit: &'static str,
    grouped: bool,
}

impl Figure {
    /// A figure in a unit, its digits not grouped.
    fn new(mantissa: i128, scale: u32, unit: &'static str) -> Figure {
        Figure { mantissa, scale, unit, grouped: false }
    }

    /// The digits as written: `-1_234.50`.
    fn digits(&self) -> String {
        let scale = self.scale as usize;
        let text = format!("{:0>width$}", self.mantissa.unsigned_abs(), width = scale + 1);
        let (int, frac) = text.split_at(text.len() - scale);
        let frac = (scale > 0).then_some(frac);
        let mut int = int.to_owned();
        if self.grouped {
            let mut grouped = String::new();
            for (i, c) in int.chars().enumerate() {
                if i > 0 && (int.len() - i) % 3 == 0 {
                    grouped.push('_');
                }
                grouped.push(c);
            }
            int = grouped;
        }
        let sign = if self.mantissa < 0 { "-" } else { "" };
        format!("{sign}{int}{}", frac.map(|f| format!(".{f}")).unwrap_or_default())
    }

    /// As a rule literal or a data cell writes it: `12.5%`, `180bps`, `5pp`, `12.5 USD m`, `3.9 GW`.
    fn text(&self) -> String {
        match self.unit {
            "" => self.digits(),
            "%" | "bps" | "pp" => format!("{}{}", self.digits(), self.unit),
            unit => format!("{} {unit}", self.digits()),
        }
    }

    /// The written value, exactly, in its unit.
    fn value(&self) -> BigRational {
        BigRational::from_integer(BigInt::from(self.mantissa)) * pow10(-(self.scale as i32))
    }

    /// Half of the last written digit, in its unit.
    fn half(&self) -> BigRational {
        pow10(-(self.scale as i32)) / BigInt::from(2)
    }
}

/// One of a list, picked at random.
fn pick<T: Clone + std::fmt::Debug + 'static>(items: &[T]) -> impl Strategy<Value = T> + use<T> {
    prop::sample::select(items.to_vec())
}

/// The checks of a run as (rule, entity, period, status).
type Statuses = Vec<(String, String, String, &'static str)>;

/// Loads rule and data files and runs every check: the status of each check by rule name, entity
/// and period; or the codes of the diagnostics that stopped the run.
fn run_files(rules: &[PathBuf], data: &[PathBuf]) -> Result<Statuses, Vec<String>> {
    let mut sources = Sources::default();
    let (program, sheets) = common::load(rules, data, &mut sources)
        .map_err(|diags| diags.iter().map(|d| d.code.to_string()).collect::<Vec<_>>())?;
    let checks = eval::run(&program, &sheets, &Filter::default(), eval::Keep::NotPassed).every(&program, &sheets);
    Ok(common::verdicts(&program, &sheets, &checks))
}

/// Writes one rule file and one data file into a fresh folder and runs them (see [`run_files`]).
fn run_texts(rules: &str, data: &str) -> Result<Statuses, Vec<String>> {
    let dir = tempfile::tempdir().unwrap();
    let files = [("rules.tick".to_owned(), rules.to_owned()), ("data.toml".to_owned(), data.to_owned())];
    common::write_files(dir.path(), &files);
    run_files(&[dir.path().join("rules.tick")], &[dir.path().join("data.toml")])
}

/// Writes one rule file and one data file into a fresh folder and loads them: the program and the
/// sheets, or the diagnostics that stopped the load and the sources they point into.
fn load_texts(rules: &str, data: &str) -> Result<(Program, Sheets), (Vec<Diag>, Sources)> {
    let dir = tempfile::tempdir().unwrap();
    let files = [("rules.tick".to_owned(), rules.to_owned()), ("data.toml".to_owned(), data.to_owned())];
    common::write_files(dir.path(), &files);
    let mut sources = Sources::default();
    common::load(&[dir.path().join("rules.tick")], &[dir.path().join("data.toml")], &mut sources)
        .map_err(|diags| (diags, sources))
}

/// The status of a rule's only check, or of its check at a period.
fn status_of(all: &[(String, String, String, &'static str)], rule: &str) -> &'static str {
    let mut found = all.iter().filter(|(r, ..)| r == rule).map(|(.., s)| *s);
    let status = found.next().unwrap_or_else(|| panic!("rule `{rule}` has no check"));
    assert!(found.next().is_none(), "rule `{rule}` has several checks");
    status
}

// ----- 1. `~=` is symmetric through the language

/// The units a figure of each dimension is written in: money, ratios, a named unit, and pure
/// numbers (`""`, bare), which meet only pure numbers.
const DIMENSIONS: [&[&str]; 4] = [&["USD", "USD k", "USD m", "USD bn", "USD tn"], &["%", "bps", "pp"], &["GW"], &[""]];

/// The dimension of pure numbers in [`DIMENSIONS`].
const PURE: usize = 3;

/// The tolerance of `~=`, as written after `within`.
#[derive(Debug, Clone)]
enum Tolerance {
    None,
    /// `within 0.5`: a pure number, for pure numbers; of values with a unit only a bare zero
    /// (`within 0.00`), which is zero in any unit.
    Bare(Figure),
    /// `within 2%`: relative to the right side.
    Relative(Figure),
    /// `within 5pp`, `within 20bps`, `within 2 USD m`, `within 0.1 GW`: absolute, in its own unit
    /// (for pure numbers, a second bare one).
    Absolute(Figure),
}

impl Tolerance {
    /// The text after the right side: ` within 2%`, or nothing.
    fn text(&self) -> String {
        match self {
            Tolerance::None => String::new(),
            Tolerance::Bare(f) | Tolerance::Relative(f) | Tolerance::Absolute(f) => format!(" within {}", f.text()),
        }
    }
}

/// One side of `~=`: a figure written in the data (as the metric `name`) or in the rule itself.
#[derive(Debug, Clone)]
struct Side {
    figure: Figure,
    in_data: bool,
}

impl Side {
    /// The side as the rule writes it: the metric's name, or the figure.
    fn text(&self, name: &str) -> String {
        if self.in_data { name.to_owned() } else { self.figure.text() }
    }

    /// The data file's line for it, if it is a fact: `a = "12.50 USD m"` (a bare figure perhaps as a
    /// TOML number, `a = 1_234.5`).
    fn fact(&self, name: &str) -> Option<String> {
        let bare_number = self.figure.unit.is_empty() && self.figure.mantissa % 2 == 0;
        let value = if bare_number { self.figure.digits() } else { format!("\"{}\"", self.figure.text()) };
        self.in_data.then(|| format!("{name} = {value}\n"))
    }
}

/// Two figures for the sides of `~=` and the tolerances to try them with.
#[derive(Debug, Clone)]
struct ApproxCase {
    a: Side,
    b: Side,
    tolerances: Vec<Tolerance>,
}

/// The exponent a figure's digits are scaled by to its unit's base: 0 for a pure number.
fn base_exponent(figure: &Figure) -> i32 {
    exponent(figure.unit).unwrap_or(0)
}

/// Writes `a` again in `unit` with `scale` digits after the point, `delta` units in the last place
/// off; the scale is lowered where the figure would not fit a decimal.
fn near(a: &Figure, unit: &'static str, scale: u32, delta: i128, grouped: bool) -> Figure {
    let shift = base_exponent(a) - exponent(unit).unwrap_or(0);
    let mut scale = scale;
    loop {
        let m = (a.value() * pow10(shift + scale as i32)).round().to_integer() + BigInt::from(delta);
        match i128::try_from(m) {
            Ok(m) if m.abs() < 10i128.pow(27) => return Figure { mantissa: m, scale, unit, grouped },
            _ if scale > 0 => scale -= 1,
            _ => return Figure { unit, ..a.clone() },
        }
    }
}

/// Tolerances of every form that fits a dimension: none, bare (a bare zero where the values have a
/// unit), relative, and absolute in a unit of the dimension.
fn tolerances(dim: usize) -> impl Strategy<Value = Vec<Tolerance>> {
    let absolute_units: &[&'static str] = match dim {
        0 => &["USD", "USD k", "USD m", "USD bn"],
        1 => &["pp", "bps"],
        2 => &["GW"],
        _ => &[""],
    };
    let small = || (0i128..60, 0u32..4);
    (small(), small(), small(), pick(absolute_units)).prop_map(move |(bare, relative, absolute, unit)| {
        let bare_value = if dim == PURE { bare.0 } else { 0 };
        vec![
            Tolerance::None,
            Tolerance::Bare(Figure::new(bare_value, bare.1, "")),
            Tolerance::Relative(Figure::new(relative.0, relative.1, "%")),
            Tolerance::Absolute(Figure::new(absolute.0, absolute.1, unit)),
        ]
    })
}

/// Two sides in one dimension, the second written near the first (a few units in its last place
/// off, in its own unit and precision), and the tolerances to try; the first has 1 to `digits`
/// digits, at most `max_scale` after the point.
fn approx_case(digits: u32, max_scale: u32) -> impl Strategy<Value = ApproxCase> {
    let mantissa = (1..=digits, any::<i128>()).prop_map(|(d, m)| m % 10i128.pow(d));
    (0usize..4)
        .prop_flat_map(move |dim| {
            let units = DIMENSIONS[dim];
            let figure = (mantissa.clone(), 0..=max_scale, pick(units), any::<bool>());
            let second = (0..=max_scale, pick(units), -3i128..=3, any::<bool>());
            (figure, second, any::<[bool; 3]>(), tolerances(dim))
        })
        .prop_map(|((m, s, unit, grouped), (sb, ub, delta, grouped_b), [da, db, swap], tolerances)| {
            let a = Figure { mantissa: m, scale: s, unit, grouped };
            let b = near(&a, ub, sb, delta, grouped_b);
            let (a, b) = if swap { (b, a) } else { (a, b) };
            ApproxCase { a: Side { figure: a, in_data: da }, b: Side { figure: b, in_data: db }, tolerances }
        })
}

/// Two bare figures whose intervals are a whole number `t` apart to within a few units in the 27th
/// place after the point, tried with `within t`: the sum of the right side's bound and `t` then
/// has more digits than a decimal carries, so a rounded sum would decide the verdict.
fn knife_edge() -> impl Strategy<Value = ApproxCase> {
    (5i128..60, 0i128..1000, 0u32..3, -3i128..=3, any::<[bool; 3]>()).prop_map(|(t, m, s, k, [da, db, swap])| {
        let a = Figure::new(t * 10i128.pow(s) + m % 10i128.pow(s + 1), s, "");
        let b = (a.value() - a.half() - int(t)) * pow10(27) + int(k);
        let b = Figure::new(i128::try_from(b.to_integer()).unwrap(), 27, "");
        let (a, b) = if swap { (b, a) } else { (a, b) };
        let tolerances = vec![Tolerance::None, Tolerance::Bare(Figure::new(t, 0, ""))];
        ApproxCase { a: Side { figure: a, in_data: da }, b: Side { figure: b, in_data: db }, tolerances }
    })
}

/// The interval a side stands for in base units: its digits ± half the last one, scaled by its
/// unit; and its point.
fn stands_for(side: &Figure) -> (BigRational, BigRational, BigRational) {
    let factor = pow10(base_exponent(side));
    let (v, h) = (side.value(), side.half());
    ((v.clone() - h.clone()) * factor.clone(), v.clone() * factor.clone(), (v + h) * factor)
}

/// Whether `lhs ~= rhs within t` holds by its definition in LANGUAGE.md, computed exactly: the
/// intervals meet once the right one is widened by the tolerance.
fn approx_holds(lhs: &Figure, rhs: &Figure, t: &Tolerance) -> bool {
    let (alo, _, ahi) = stands_for(lhs);
    let (blo, bpoint, bhi) = stands_for(rhs);
    let tol = match t {
        Tolerance::None => int(0),
        Tolerance::Relative(f) => abs(bpoint) * f.value() / int(100),
        Tolerance::Bare(f) | Tolerance::Absolute(f) => f.value() * pow10(base_exponent(f)),
    };
    alo <= bhi + tol.clone() && blo - tol <= ahi
}

/// Whether the contract makes a tolerance symmetric: all but a relative one (relative to the right
/// side). A bare tolerance meets only pure numbers, or is a bare zero, so it is symmetric too.
fn symmetric_by_contract(t: &Tolerance) -> bool {
    !matches!(t, Tolerance::Relative(_))
}

/// Runs `a ~= b within t` and `b ~= a within t` for every tolerance of a case: the statuses of
/// (`ab0`, `ba0`), (`ab1`, `ba1`), ...; or the codes of the diagnostics that stopped the run.
fn run_approx(case: &ApproxCase) -> Result<Vec<(&'static str, &'static str)>, Vec<String>> {
    let (a, b) = (case.a.text("a"), case.b.text("b"));
    let mut rules = String::new();
    for (i, t) in case.tolerances.iter().enumerate() {
        rules.push_str(&format!("rule ab{i}: {a} ~= {b}{}\nrule ba{i}: {b} ~= {a}{}\n", t.text(), t.text()));
    }
    let facts = [case.a.fact("a"), case.b.fact("b")].into_iter().flatten().collect::<String>();
    let data = format!("entity = \"ACME\"\n[actual.2025Q4]\nanchor = 1\n{facts}");
    let all = run_texts(&rules, &data)?;
    let pairs =
        (0..case.tolerances.len()).map(|i| (status_of(&all, &format!("ab{i}")), status_of(&all, &format!("ba{i}"))));
    Ok(pairs.collect())
}

/// The status a verdict has in the report.
fn status(holds: bool) -> &'static str {
    if holds { "pass" } else { "fail" }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// `a ~= b` and `b ~= a` give the same verdict for figures written with any precision
    /// (`12.5`, `12.50`, `1_234`), in any unit of a dimension (money scales, `%`, `bps`, `pp`, a
    /// named unit; or both bare, pure numbers), in the data or in the rule, with no tolerance, an
    /// absolute one in a unit (`within 5pp`, `within 20bps`, `within 2 USD m`), a bare one between
    /// pure numbers, or a bare zero (`within 0.00`) between values with a unit. A relative
    /// tolerance (`within 2%`, relative to the right side) is asymmetric by the contract
    /// (LANGUAGE.md): for it, and for every form, each order gives the verdict of the definition
    /// computed exactly from the written digits. 256 cases of eight rules each.
    #[test]
    fn approximate_equality_is_symmetric_in_rules(case in approx_case(9, 4)) {
        let statuses = run_approx(&case).map_err(|codes| TestCaseError::fail(format!("did not load: {codes:?}")))?;
        let (a, b) = (&case.a.figure, &case.b.figure);
        for (t, (ab, ba)) in case.tolerances.iter().zip(statuses) {
            prop_assert_eq!(ab, status(approx_holds(a, b, t)), "`{} ~= {}{}`", a.text(), b.text(), t.text());
            prop_assert_eq!(ba, status(approx_holds(b, a, t)), "`{} ~= {}{}`", b.text(), a.text(), t.text());
            if symmetric_by_contract(t) {
                prop_assert_eq!(ab, ba, "`~=` is not symmetric{}", t.text());
            }
        }
    }

    /// The same at the edges of `rust_decimal`: figures of up to 27 digits with up to 27 after the
    /// point, and pairs a whole tolerance apart to within the 27th digit ([`knife_edge`]). A side
    /// that cannot be carried exactly makes the check an error, and then in both orders; any other
    /// verdict is the definition's. 256 cases.
    #[test]
    fn approximate_equality_is_symmetric_at_the_edges_of_decimal(
        case in prop_oneof![approx_case(27, 27), knife_edge()]
    ) {
        let statuses = match run_approx(&case) {
            Ok(statuses) => statuses,
            // a figure that does not fit a decimal at all is refused when the files are read
            Err(codes) => {
                prop_assert!(codes.iter().all(|c| c == "number" || c == "bad-value"), "{:?}", codes);
                return Ok(());
            }
        };
        let (a, b) = (&case.a.figure, &case.b.figure);
        for (t, (ab, ba)) in case.tolerances.iter().zip(statuses) {
            if ab != "error" {
                prop_assert_eq!(ab, status(approx_holds(a, b, t)), "`{} ~= {}{}`", a.text(), b.text(), t.text());
            }
            if ba != "error" {
                prop_assert_eq!(ba, status(approx_holds(b, a, t)), "`{} ~= {}{}`", b.text(), a.text(), t.text());
            }
            if symmetric_by_contract(t) {
                prop_assert_eq!(ab, ba, "`~=` is not symmetric{}", t.text());
            }
        }
    }
}

/// An interval with a point inside it, from three decimals anywhere in the range of `rust_decimal`.
fn any_interval() -> impl Strategy<Value = Num> {
    [any_decimal(), any_decimal(), any_decimal()].prop_map(|mut v| {
        v.sort();
        Num { lo: Real::Dec(v[0]), point: Real::Dec(v[1]), hi: Real::Dec(v[2]), unit: Unit::None }
    })
}

/// Two exact values with 28 digits after the point, `t` (with up to two digits after the point)
/// apart to within two units in the last place: their difference has more digits than a decimal
/// carries, and decides whether they are within `t`.
fn near_miss() -> impl Strategy<Value = (Num, Num, Decimal)> {
    let limit = 7 * 10i128.pow(28);
    (-limit..limit, 0i64..800, 0u32..3, -2i128..=2).prop_filter_map("out of range", |(x, t, s, delta)| {
        let t = Decimal::new(t, s);
        let y = BigRational::new(BigInt::from(x), BigInt::from(10).pow(28))
            - exact(t)
            - BigRational::new(BigInt::from(delta), BigInt::from(10).pow(28));
        let y = Decimal::try_from_i128_with_scale(i128::try_from((y * pow10(28)).to_integer()).ok()?, 28).ok()?;
        let x = Decimal::from_i128_with_scale(x, 28);
        Some((Num::exact(x, Unit::None), Num::exact(y, Unit::None), t))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    /// Beneath the language, `Num::within` (what `a ~= b within t` asks once the tolerance is
    /// known) is symmetric and exact: the intervals come within `t` of each other exactly when
    /// the exact gap between them is at most `t`, even where that gap has more digits than a
    /// decimal carries ([`near_miss`]). 3000 cases, from anywhere in the range of `rust_decimal`.
    #[test]
    fn nums_within_a_tolerance_is_symmetric_and_exact(
        (a, b, t) in prop_oneof![(any_interval(), any_interval(), any_decimal()), near_miss()]
    ) {
        let t = t.abs();
        let holds = real(&a.lo) - real(&b.hi) <= exact(t) && real(&b.lo) - real(&a.hi) <= exact(t);
        prop_assert_eq!(a.within(&b, &Real::Dec(t)), Ok(holds));
        prop_assert_eq!(b.within(&a, &Real::Dec(t)), Ok(holds));
    }
}

/// The smallest case the edge property found: `2.924999999999999999999999999` stands for up to
/// 2.9249999999999999999999999995, which even with 5 added stops short of 7.925, the bottom of
/// `7.93`; the sum has 29 digits and was rounded up to 7.925, so the check passed one way round and
/// failed the other.
#[test]
fn a_tolerance_is_not_rounded_into_a_pass() {
    let rules = "rule ab: 7.93 ~= 2.924999999999999999999999999 within 5\n\
                 rule ba: 2.924999999999999999999999999 ~= 7.93 within 5\n";
    let all = run_texts(rules, "entity = \"ACME\"\n[actual.2025Q4]\nanchor = 1\n").unwrap();
    assert_eq!((status_of(&all, "ab"), status_of(&all, "ba")), ("fail", "fail"));
}

/// A relative tolerance of a computed value (whose point has 28 digits after the point, so that
/// the tolerance has to be rounded) still decides: `0.32 ~= 1/3 within 3%` holds and `within 1%`
/// does not; and a computed value meeting a unit keeps its interval (`margin > 1/3`, a quotient of
/// bare numbers, is a third: 33.33 %; `revenue > 1000 USD bn / 3` is 333.3 USD bn, and so is
/// `1 USD tn / 3`). A quotient of bare numbers is a fraction, which meets ratios but never money:
/// `revenue > 1000/3` does not load.
#[test]
fn computed_values_still_decide() {
    let rules = "rule wide: 0.32 ~= 1/3 within 3%\nrule narrow: 0.32 ~= 1/3 within 1%\n\
                 rule ratio: margin > 1/3 and margin < 2/3\nrule money: revenue > 1000 USD bn / 3\n\
                 rule scaled: revenue > 1 USD tn / 3 and revenue < 1 USD tn / 2.99\n";
    let data = "entity = \"ACME\"\n[actual.2025Q4]\nmargin = \"34%\"\nrevenue = \"334 USD bn\"\n";
    let all = run_texts(rules, data).unwrap();
    let statuses = ["wide", "narrow", "ratio", "money", "scaled"].map(|r| status_of(&all, r));
    assert_eq!(statuses, ["pass", "fail", "pass", "pass", "pass"]);
    let fraction = run_texts("rule money: revenue > 1000/3\n", data).expect_err("a fraction is no amount of money");
    assert_eq!(fraction, ["unit-mismatch"]);
}

// ----- 2. unit conversions are exact

/// Every unit a figure is written in.
const ALL_UNITS: [&str; 10] = ["", "USD", "USD k", "USD m", "USD bn", "USD tn", "%", "bps", "pp", "GW"];

/// A unit from its text.
fn unit(text: &str) -> Unit {
    Unit::parse(text).unwrap()
}

/// Decimals across the range of `rust_decimal`: written figures, 96-bit mantissas at any scale
/// (28 and 29 digits, which leave no room for a conversion), and values near the smallest.
fn any_decimal() -> impl Strategy<Value = Decimal> {
    let written = (-1_000_000_000_000i64..1_000_000_000_000, 0u32..10).prop_map(|(m, s)| Decimal::new(m, s));
    let edge = (any::<u32>(), any::<u32>(), any::<u32>(), any::<bool>(), 0u32..=28)
        .prop_map(|(lo, mid, hi, negative, scale)| Decimal::from_parts(lo, mid, hi, negative, scale));
    let tiny = (-1000i64..1000, 20u32..=28).prop_map(|(m, s)| Decimal::new(m, s));
    prop_oneof![2 => written, 2 => edge, 1 => tiny]
}

/// `d × 10^k` as a decimal, where one holds it exactly.
fn moved(d: Decimal, k: i32) -> Option<Decimal> {
    let (m, s) = (d.mantissa(), d.scale() as i32);
    let (m, s) = if s >= k { (m, s - k) } else { (m.checked_mul(10i128.checked_pow((k - s) as u32)?)?, 0) };
    if s > 28 { None } else { Decimal::try_from_i128_with_scale(m, s as u32).ok() }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Every figure converts to its unit's base exactly (`730 USD m` is 730,000,000, `9%` is 0.09)
    /// and stands for exactly its digits ± half the last one, in that base: a figure with 28 digits
    /// after the point, or one past a decimal's range once converted, too. 2000 cases.
    #[test]
    fn written_figures_convert_exactly(d in any_decimal(), text in pick(&ALL_UNITS)) {
        let q = Quantity::new(d, unit(text));
        let factor = pow10(exponent(text).unwrap_or(0));
        let value = exact(d) * factor.clone();
        prop_assert_eq!(real(&q.base().unwrap()), value.clone());
        let n = q.rounded().unwrap();
        let half = pow10(-(d.scale() as i32)) * factor / int(2);
        prop_assert_eq!(real(&n.lo), value.clone() - half.clone(), "the bottom of {} {}", d, text);
        prop_assert_eq!(real(&n.point), value.clone());
        prop_assert_eq!(real(&n.hi), value + half, "the top of {} {}", d, text);
    }

    /// One amount written in two units of a dimension (`1.234 USD bn` and `1234 USD m`; `1.5%`,
    /// `150bps` and `1.5pp`) has one base value wherever both convert, and shown in its own unit
    /// the base value is the written figure again. 2000 cases.
    #[test]
    fn one_amount_in_two_units_has_one_value(d in any_decimal(), dim in 0usize..2, i in 0usize..5, j in 0usize..5) {
        let units: &[&str] = [&["USD", "USD k", "USD m", "USD bn", "USD tn"][..], &["%", "bps", "pp"]][dim];
        let (from, to) = (units[i % units.len()], units[j % units.len()]);
        let Ok(base) = Quantity::new(d, unit(from)).base() else { return Ok(()) };
        prop_assert_eq!(display::to_unit(&base, unit(from)), Real::Dec(d), "{} {} shown in its unit", d, from);
        let Some(there) = moved(d, exponent(from).unwrap() - exponent(to).unwrap()) else { return Ok(()) };
        if let Ok(other) = Quantity::new(there, unit(to)).base() {
            prop_assert_eq!(other, base, "{} {} is {} {}", d, from, there, to);
        }
    }
}

/// A figure written in one unit in the data and the same amount written in another, as a fact
/// (`y`) and in rules: (the rules, the data file).
fn two_units_pack(x: &Figure, y: &Figure) -> (String, String) {
    let (x_text, y_text) = (x.text(), y.text());
    let rules = format!(
        "rule eq: x == {y_text}\nrule eq_back: {y_text} == x\nrule approx: x ~= {y_text}\n\
         rule diff: x - {y_text} == 0\nrule facts: x == y\nrule facts_approx: y ~= x\n"
    );
    let data = format!("entity = \"ACME\"\n[actual.2025Q4]\nx = \"{x_text}\"\ny = \"{y_text}\"\n");
    (rules, data)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Through the language, an amount written in one unit equals the same amount in another:
    /// with `x = "1.234 USD bn"` and `y = "1234 USD m"` in the data, `x == 1234 USD m`, `1234 USD m
    /// == x`, `x ~= 1234 USD m`, `x - 1234 USD m == 0`, `x == y` and `y ~= x` hold, for money
    /// scales and ratio styles, up to the edges of decimal (27 digits, 27 after the point): each
    /// check passes, exactly, however many digits the base value needs. 200 cases of six rules.
    #[test]
    fn one_amount_in_two_units_is_equal_in_rules(
        digits in 1u32..=27, m in any::<i128>(), scale in 0u32..=27, dim in 0usize..2, i in 0usize..5, j in 0usize..5,
    ) {
        let units: &[&'static str] = [&["USD", "USD k", "USD m", "USD bn", "USD tn"][..], &["%", "bps", "pp"]][dim];
        let (from, to) = (units[i % units.len()], units[j % units.len()]);
        let x = Figure::new(m % 10i128.pow(digits), scale, from);
        let Some(there) = moved(Decimal::from_i128_with_scale(x.mantissa, scale), exponent(from).unwrap() - exponent(to).unwrap()) else {
            return Ok(());
        };
        let y = Figure::new(there.mantissa(), there.scale(), to);
        let (rules, data) = two_units_pack(&x, &y);
        match run_texts(&rules, &data) {
            Ok(all) => {
                for (rule, .., status) in &all {
                    prop_assert!(*status == "pass", "`{}` {} with x = {}, y = {}", rule, status, x.text(), y.text());
                }
            }
            Err(codes) => prop_assert!(codes.iter().all(|c| c == "number"), "{:?}", codes),
        }
    }
}

/// The contract's own examples: `730 USD m + 1.1 USD bn = 1.83 USD bn`, `1% = 100bps`; and a fact
/// against the same amount in another scale, as a fact, a literal, and a figure written bare in a
/// data file whose `unit` is `USD m`. A bare number in the rule is no amount of money: `x == 1234`
/// does not load, in either order (the fix names the unit the data shows).
#[test]
fn amounts_in_two_units_compare_equal() {
    let rules = "rule money: 1.234 USD bn == 1234 USD m\n\
                 rule money_sum: 730 USD m + 1.1 USD bn == 1.83 USD bn\n\
                 rule trillion: 1 USD tn == 1000 USD bn and 1 USD tn == 1_000_000_000_000 USD\n\
                 rule ratios: 1.5% == 150bps and 1.5% == 1.5pp and 0.01bps == 0.0001%\n\
                 rule facts: x == y and x ~= y\n\
                 rule literal: x == 1_234_000 USD k and 0.001234 USD tn == x\n\
                 rule file_unit: z == x and z == 1.234 USD bn and y ~= z\n";
    let data =
        "entity = \"ACME\"\nunit = \"USD m\"\n[actual.2025Q4]\nx = \"1234 USD m\"\ny = \"1.234 USD bn\"\nz = 1234\n";
    let all = run_texts(rules, data).unwrap();
    for rule in ["money", "money_sum", "trillion", "ratios", "facts", "literal", "file_unit"] {
        assert_eq!(status_of(&all, rule), "pass", "{rule}");
    }
    let (diags, _) =
        load_texts("rule bare: x == 1234\nrule bare_back: 1234 == x\n", data).expect_err("a bare number is no money");
    let helps: Vec<&str> = diags.iter().map(|d| d.help.as_deref().unwrap_or_default()).collect();
    assert_eq!(diags.iter().map(|d| d.code.as_str()).collect::<Vec<_>>(), ["bare-number", "bare-number"]);
    assert!(helps.iter().all(|h| h.starts_with("write `1234 USD m`")), "{helps:?}");
}

/// `12.345678901234567890123456788` stands for ...7875..7885 in the 28th place, one more digit
/// than a decimal of that size carries: both bounds were rounded to the point itself, so the
/// figure seemed exact, and `x ~= z within 1e-27` failed though the bounds are 1e-27 apart (later
/// it was a check error). Its bounds are exact now, and the check passes, as it must.
#[test]
fn a_figure_whose_bounds_need_more_digits_is_exact() {
    let n = Quantity::new("12.345678901234567890123456788".parse().unwrap(), Unit::None).rounded().unwrap();
    assert_eq!(n.lo.to_string(), "12.3456789012345678901234567875");
    assert_eq!(n.hi.to_string(), "12.3456789012345678901234567885");
    let rules = "rule r: x ~= z within 0.000000000000000000000000001\n\
                 rule finer: x ~= z within 0.0000000000000000000000000009\n";
    let data = "entity = \"ACME\"\n[actual.2025Q4]\nx = \"12.345678901234567890123456788\"\n\
                z = \"12.345678901234567890123456786\"\n";
    let all = run_texts(rules, data).unwrap();
    assert_eq!((status_of(&all, "r"), status_of(&all, "finer")), ("pass", "fail"));
}

/// `0bps < 0.000000000000000000000000001`: a bare number meeting a ratio was once read in `bps`
/// (1e-31, rounded to zero); a bare number never takes a unit now, so the rule does not check.
#[test]
fn a_bare_number_meeting_a_ratio_does_not_check() {
    let all =
        run_texts("rule r: 0bps < 0.000000000000000000000000001\n", "entity = \"ACME\"\n[actual.2025Q4]\nanchor = 1\n");
    let errors = all.expect_err("a bare number meeting a ratio is an error before evaluation");
    assert_eq!(errors, ["bare-number"]);
    // written in the unit, a figure finer than a decimal carries is exact: 1e-31 is above zero
    let all =
        run_texts("rule s: 0.000000000000000000000000001bps > 0\n", "entity = \"ACME\"\n[actual.2025Q4]\nanchor = 1\n");
    assert_eq!(status_of(&all.unwrap(), "s"), "pass");
}

/// `x ~= y within 5 USD m` where `x` and `y` are in EUR at one entity (and in USD at another, so
/// the rule checks): the tolerance's dollars were taken for euros and the check passed. Currencies
/// never mix silently: it is a check error now.
#[test]
fn a_tolerance_in_another_currency_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let files = [
        ("r.tick", "rule r: x ~= y within 5 USD m\n"),
        ("a.toml", "entity = \"A\"\n[actual.2025Q4]\nx = \"10 USD m\"\ny = \"14 USD m\"\n"),
        ("b.toml", "entity = \"B\"\n[actual.2025Q4]\nx = \"10 EUR m\"\ny = \"14 EUR m\"\n"),
    ];
    common::write_files(dir.path(), &files.map(|(name, text)| (name.to_owned(), text.to_owned())));
    let all = run_files(&[dir.path().join("r.tick")], &[dir.path().join("a.toml"), dir.path().join("b.toml")]).unwrap();
    let statuses: Vec<(&str, &str)> = all.iter().map(|(_, entity, _, status)| (entity.as_str(), *status)).collect();
    assert_eq!(statuses, [("A", "pass"), ("B", "error")]);
}

// ----- 3. period arithmetic

/// Every period tickmark accepts, in the order a sheet reads: each year's four quarters, then the
/// year itself.
fn all_periods() -> Vec<Period> {
    YEARS
        .flat_map(|year| (1..=4).map(move |quarter| Period::Quarter { year, quarter }).chain([Period::Year(year)]))
        .collect()
}

/// A period in the accepted range.
fn any_period() -> impl Strategy<Value = Period> {
    let years = YEARS;
    prop_oneof![
        (years.clone(), 1u8..=4).prop_map(|(year, quarter)| Period::Quarter { year, quarter }),
        years.prop_map(Period::Year),
    ]
}

/// An offset: a few steps, centuries of them, or anything an `i32` holds.
fn offset() -> impl Strategy<Value = i32> {
    prop_oneof![-12i32..=12, -1300i32..=1300, any::<i32>(), Just(i32::MIN), Just(i32::MAX)]
}

/// A step, quarters or years.
fn step() -> impl Strategy<Value = Step> {
    prop_oneof![Just(Step::Quarter), Just(Step::Year)]
}

/// Where `n` steps from a period land, computed apart from `Period::shift`: as a count of quarters
/// (or of years, for a year) in wide integers; `None` out of the accepted years or for quarter
/// steps from a year.
fn expected_shift(p: Period, n: i32, step: Step) -> Option<Period> {
    let in_range = |year: i128| (*YEARS.start() as i128..=*YEARS.end() as i128).contains(&year);
    match (p, step) {
        (Period::Year(_), Step::Quarter) => None,
        (Period::Year(y), Step::Year) => in_range(y as i128 + n as i128).then(|| Period::Year(y + n)),
        (Period::Quarter { year, quarter }, step) => {
            let quarters = if step == Step::Year { 4 * n as i128 } else { n as i128 };
            let index = year as i128 * 4 + quarter as i128 - 1 + quarters;
            let (year, quarter) = (index.div_euclid(4), index.rem_euclid(4) as u8 + 1);
            in_range(year).then_some(Period::Quarter { year: year as i32, quarter })
        }
    }
}

/// At every quarter tickmark accepts, `n` years back is `4n` quarters back, for every `n` that
/// stays within the 300 accepted years and a little beyond; at every period, `n` years back lands
/// where counting says (all 1,500 periods × 621 offsets, exhaustively).
#[test]
fn a_year_back_is_four_quarters_back_at_every_quarter() {
    for p in all_periods() {
        for n in -310..=310 {
            let by_years = p.shift(-n, Step::Year);
            if p.kind() == tickmark::period::Kind::Quarter {
                assert_eq!(by_years, p.shift(-4 * n, Step::Quarter), "{p} -{n}y against -{}q", 4 * n);
            }
            assert_eq!(by_years, expected_shift(p, -n, Step::Year), "{p} -{n}y");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    /// A shift lands where counting quarters (or years) says, and is `None` past either end of the
    /// accepted years, never a wrapped period, whatever the offset (up to `i32::MIN` and `MAX`);
    /// two shifts in a row are one shift by their sum wherever every step stays in range. 4000
    /// cases.
    #[test]
    fn shifts_land_where_counting_says_and_compose(p in any_period(), a in offset(), b in offset(), s in step(), t in step()) {
        prop_assert_eq!(p.shift(a, s), expected_shift(p, a, s), "{} {:+} {:?}", p, a, s);
        let quarters = |n: i32, step: Step| if step == Step::Year { 4 * n as i64 } else { n as i64 };
        let Some(mid) = p.shift(a, s) else { return Ok(()) };
        let Some(end) = mid.shift(b, t) else { return Ok(()) };
        match p {
            Period::Quarter { .. } => {
                let total = i32::try_from(quarters(a, s) + quarters(b, t)).unwrap();
                prop_assert_eq!(p.shift(total, Step::Quarter), Some(end));
            }
            Period::Year(_) => prop_assert_eq!(p.shift(a + b, Step::Year), Some(end)),
        }
    }
}

/// Every accepted period has a slot and comes back from it; slots are dense (0, 1, 2, ... in the
/// order of [`all_periods`]), so they order periods as a sheet reads them: a year's quarters, then
/// the year, then the next year's first quarter. Periods also read back from how they are shown.
#[test]
fn slots_round_trip_in_period_order() {
    let periods = all_periods();
    for (i, p) in periods.iter().enumerate() {
        assert_eq!(p.slot(), i, "{p}");
        assert_eq!(Period::from_slot(i), *p);
        assert_eq!(Period::parse(&p.to_string()), Some(*p));
    }
    assert!(periods.windows(2).all(|w| w[0] < w[1]), "periods are not in slot order");
    let (first, last) = (periods[0], periods[periods.len() - 1]);
    assert_eq!((first.to_string(), last.to_string()), ("1900Q1".to_owned(), "FY2199".to_owned()));
    assert_eq!((first.shift(-1, Step::Quarter), last.shift(1, Step::Year)), (None, None));
}

/// Revenue at random quarters and years around the first quarter of a year at either end of the
/// accepted range or in between, that quarter included: the text of a data file, in `USD m`.
fn revenue_series() -> impl Strategy<Value = String> {
    let fact = (-24i32..24, any::<bool>(), 0i128..2000, 0u32..2);
    (pick(&[1900, 1901, 2025, 2198, 2199]), prop::collection::vec(fact, 1..40)).prop_map(|(around, facts)| {
        let start = Period::Quarter { year: around, quarter: 1 };
        let mut by_period = BTreeMap::from([(start, "100".to_owned())]);
        for (offset, year, m, scale) in facts {
            let period = match start.shift(offset, Step::Quarter) {
                Some(p) if year => Some(Period::Year(p.year())),
                other => other,
            };
            if let Some(p) = period {
                by_period.entry(p).or_insert_with(|| Figure::new(m, scale, "").digits());
            }
        }
        let tables = by_period.iter().map(|(p, v)| format!("[actual.{p}]\nrevenue = {v}\n"));
        format!("entity = \"ACME\"\nunit = \"USD m\"\n{}", tables.collect::<String>())
    })
}

/// Pairs of rules that say one thing, one with `[-1y]`, the other with `[-4q]` (or `[-1y][-1q]`
/// and `[-5q]`), directly and through cells.
const YEAR_AND_QUARTER_RULES: &str = "\
let prior_y = revenue[-1y]
let prior_q = revenue[-4q]
rule up_y: revenue > revenue[-1y]
rule up_q: revenue > revenue[-4q]
rule near_y: revenue ~= revenue[-1y] within 10%
rule near_q: revenue ~= revenue[-4q] within 10%
rule cell_y at quarters: growth(revenue, prior_y) < 5%
rule cell_q at quarters: growth(revenue, prior_q) < 5%
rule back_y: revenue[-1y][-1q] <= revenue
rule back_q: revenue[-5q] <= revenue
";

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// On random revenue around both ends of the accepted years, a rule with `revenue[-1y]` and the
    /// same rule with `revenue[-4q]` give the same verdict at every quarter (passes, failures and
    /// skips where a year back has no figure or is out of range), as do `[-1y][-1q]` and `[-5q]`.
    /// 64 cases of ten rules.
    #[test]
    fn a_year_back_is_four_quarters_back_in_rules(data in revenue_series()) {
        let all = run_texts(YEAR_AND_QUARTER_RULES, &data).unwrap();
        let at_quarters = |rule: &str| -> Vec<(String, &'static str)> {
            let quarter = |p: &str| Period::parse(p).is_some_and(|p| p.kind() == tickmark::period::Kind::Quarter);
            all.iter().filter(|(r, _, p, _)| r == rule && quarter(p)).map(|(_, _, p, s)| (p.clone(), *s)).collect()
        };
        for (y, q) in [("up_y", "up_q"), ("near_y", "near_q"), ("cell_y", "cell_q"), ("back_y", "back_q")] {
            let (by_years, by_quarters) = (at_quarters(y), at_quarters(q));
            prop_assert!(!by_years.is_empty());
            prop_assert_eq!(by_years, by_quarters, "`{}` and `{}` on\n{}", y, q, data);
        }
    }
}

// ----- random rule packs and data sets, for the laws of the report

/// The entities of a generated data set and the currency each reports in.
const ENTITIES: [(&str, &str); 2] = [("ACME", "USD"), ("BETA", "EUR")];

/// The periods a generated data set has figures at.
const PERIODS: [&str; 8] = ["2024Q3", "2024Q4", "2025Q1", "2025Q2", "2025Q3", "2025Q4", "FY2024", "FY2025"];

/// The metrics of a generated data set, with their scenario: money, a ratio, a guided range.
const METRICS: [(&str, &str); 7] = [
    ("actual", "revenue"),
    ("actual", "cost"),
    ("actual", "profit"),
    ("actual", "segment.east.revenue"),
    ("actual", "segment.west.revenue"),
    ("actual", "margin"),
    ("guidance", "revenue"),
];

/// The cells every generated pack defines.
const CELLS: [&str; 4] = [
    "let c_profit = revenue - cost\n",
    "let c_margin = profit / revenue\n",
    "let c_prior = revenue[-1y]\n",
    "let c_seg = sum(segment.*.revenue)\n",
];

/// A generated fact: entity, metric and period (indexes into the tables above) and its text.
#[derive(Debug, Clone)]
struct GenFact {
    entity: usize,
    metric: usize,
    period: usize,
    value: String,
}

/// A generated run: items (the cells, then rules), each in one of several rule files, and facts,
/// each in one data file (and perhaps written again, alike, in another).
#[derive(Debug, Clone)]
struct Pack {
    items: Vec<String>,
    item_file: Vec<usize>,
    rule_files: usize,
    facts: Vec<GenFact>,
    fact_file: Vec<(usize, Option<usize>)>,
    /// The format of each data file: 0 TOML, 1 JSON, 2 long CSV.
    formats: Vec<usize>,
}

/// A fact's text for a metric of an entity: `12.34 USD m`, `9.5%`, `1250bps`, `170..180 USD m`.
fn fact_text(metric: usize, currency: &str, (m, s, style, width): (i128, u32, usize, i128)) -> String {
    let figure = Figure::new(m, s, "").digits();
    match METRICS[metric] {
        (_, "margin") if style == 0 => format!("{}bps", m % 5000),
        (_, "margin") => format!("{}%", Figure::new(m % 5000, s, "").digits()),
        ("guidance", _) => {
            let top = Figure::new(m + width, s, "").digits();
            match style {
                0 => format!("..{top} {currency} m"),
                1 => format!("{figure} {currency} m.."),
                _ => format!("{figure}..{top} {currency} m"),
            }
        }
        _ => format!("{figure} {currency} {}", ["m", "bn", "k"][style]),
    }
}

/// Facts at random entities, metrics and periods, each key once; ACME has every metric at 2025Q4,
/// so that every name the rules use exists.
fn facts() -> impl Strategy<Value = Vec<GenFact>> {
    let value = || (1i128..100_000, 0u32..3, 0usize..3, 1i128..5000);
    let fact = (0..ENTITIES.len(), 0..METRICS.len(), 0..PERIODS.len(), value());
    let forced = prop::collection::vec(value(), METRICS.len());
    (forced, prop::collection::vec(fact, 15..50)).prop_map(|(forced, random)| {
        let forced = forced.into_iter().enumerate().map(|(metric, v)| (0, metric, 5, v));
        let mut seen = std::collections::HashSet::new();
        let mut facts = Vec::new();
        for (entity, metric, period, v) in forced.chain(random) {
            if seen.insert((entity, metric, period)) {
                facts.push(GenFact { entity, metric, period, value: fact_text(metric, ENTITIES[entity].1, v) });
            }
        }
        facts
    })
}

/// A generated rule: its form, severity, title, periods and constants.
type RuleSpec = (usize, usize, usize, usize, (i128, u32), usize);

/// The body of a rule of form `form`, with a constant `k` and a tolerance choice `w`. Constants and
/// tolerances that meet money or a ratio carry a unit (a bare number is a scalar): `k%`, `k USD m`
/// (an error at run time for BETA, which reports in EUR), or a scale of the figures' own (`k% *
/// revenue`); a bare zero stands for any unit.
fn rule_body(form: usize, k: &str, w: usize) -> String {
    let money = ["", " within 0.5 USD m", " within 3%", " within 0"][w % 4];
    let ratio = ["", " within 2pp", " within 150bps", " within 10%"][w % 4];
    match form {
        0 => "revenue > cost".to_owned(),
        1 => format!("revenue - cost ~= profit{money}"),
        2 => format!("sum(segment.*.revenue) ~= revenue{money}"),
        3 => format!("growth(revenue, revenue[-1y]) > {k}%"),
        4 => format!("margin ~= c_margin{ratio}"),
        5 => "revenue in guidance.revenue".to_owned(),
        6 => format!("c_profit ~= {k} USD m{money}"),
        7 => format!("c_margin < {k}%"),
        8 => "if exists(guidance.revenue) then revenue >= low(guidance.revenue) else revenue > 0".to_owned(),
        9 => format!("round(c_margin, 1) >= {k}%"),
        10 => format!("change(margin, margin[-1q]) < {k}pp"),
        11 => "revenue / (cost - cost) > 100%".to_owned(),
        12 => "count(segment.*.revenue) >= 2 and avg(segment.*.revenue) < revenue".to_owned(),
        13 => "annualized(revenue) > c_prior".to_owned(),
        14 => format!("max(revenue, cost, 0) == revenue or abs(c_profit) < {k}% * revenue"),
        15 => "revenue[-1q] < revenue[2025Q4]".to_owned(),
        16 => format!("margin > {k}bps and margin <= 100%"),
        17 => "mid(guidance.revenue) > c_prior".to_owned(),
        _ => format!("not (c_seg > revenue) or width(guidance.revenue) < {k}% * revenue"),
    }
}

/// A rule item: `rule r3 warning "Margin {c_margin}" at quarters:` and its body.
fn rule_item(i: usize, (form, severity, title, at, k, w): RuleSpec) -> String {
    let severity = ["", " error", " warning", " info"][severity];
    let titles = [
        "",
        " \"Revenue {revenue} against cost {cost}\"",
        " \"Margin {c_margin} ({margin})\"",
        " \"Guided {guidance.revenue}\"",
    ];
    // a rule that looks a quarter back cannot be checked at years only
    let at = match at {
        2 if form == 10 || form == 15 => 1,
        at => at,
    };
    let at = ["", " at quarters", " at years", " at 2025Q4", " at 2025Q4, FY2025"][at];
    let k = Figure::new(k.0, k.1, "").digits();
    format!("rule r{i}{severity}{}{at}:\n  {}\n", titles[title], rule_body(form, &k, w))
}

/// A random pack: the cells and 3 to 12 rules over 1 to 4 rule files, facts over 1 to 3 data files
/// of random formats, about one fact in five written again, alike, in a second file.
fn pack() -> impl Strategy<Value = Pack> {
    let spec = (0usize..19, 0usize..4, 0usize..4, 0usize..5, (0i128..400, 0u32..2), 0usize..12);
    let rules = (1usize..=4, prop::collection::vec(spec, 3..12), prop::collection::vec(any::<usize>(), 16));
    let places = prop::collection::vec((any::<usize>(), any::<usize>(), prop::bool::weighted(0.2)), 64);
    let data = (facts(), 1usize..=3, prop::collection::vec(0usize..3, 3), places);
    (rules, data).prop_map(|((rule_files, specs, homes), (facts, n, formats, places))| {
        let rule_items = specs.into_iter().enumerate().map(|(i, spec)| rule_item(i, spec));
        let items: Vec<String> = CELLS.iter().map(|c| c.to_string()).chain(rule_items).collect();
        let item_file = (0..items.len()).map(|i| homes[i % homes.len()] % rule_files).collect();
        let place = |(home, again, copy): (usize, usize, bool)| {
            let home = home % n;
            (home, (copy && n > 1).then(|| (home + 1 + again % (n - 1)) % n))
        };
        let fact_file = (0..facts.len()).map(|i| place(places[i % places.len()])).collect();
        Pack { items, item_file, rule_files, facts, fact_file, formats: formats[..n].to_vec() }
    })
}

impl Pack {
    /// The rule files, `rules/f0.tick` ..., each with its items in the order of `order` (a
    /// permutation of the items).
    fn rule_texts(&self, order: &[usize]) -> Vec<(String, String)> {
        (0..self.rule_files)
            .map(|f| {
                let items = order.iter().filter(|&&i| self.item_file[i] == f).map(|&i| self.items[i].as_str());
                (format!("rules/f{f}.tick"), format!("# rule file {f}\n{}", items.collect::<String>()))
            })
            .collect()
    }

    /// The data files: per file, a TOML or JSON file for each entity with facts there, or one long
    /// CSV file for all.
    fn data_texts(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for (file, &format) in self.formats.iter().enumerate() {
            let here: Vec<&GenFact> = (self.facts.iter().zip(&self.fact_file))
                .filter(|(_, (home, copy))| *home == file || *copy == Some(file))
                .map(|(fact, _)| fact)
                .collect();
            if format == 2 {
                out.push((format!("data/d{file}.csv"), csv_text(&here, file)));
                continue;
            }
            for (entity, (name, _)) in ENTITIES.iter().enumerate() {
                let mine: Vec<&GenFact> = here.iter().copied().filter(|f| f.entity == entity).collect();
                if !mine.is_empty() {
                    let (ext, text) =
                        if format == 0 { ("toml", toml_text(&mine, file)) } else { ("json", json_text(&mine, file)) };
                    out.push((format!("data/d{file}_{name}.{ext}"), text));
                }
            }
        }
        out
    }
}

/// One entity's facts as a TOML data file.
fn toml_text(facts: &[&GenFact], file: usize) -> String {
    let mut tables: BTreeMap<(&str, &str), String> = BTreeMap::new();
    for f in facts {
        let (scenario, metric) = METRICS[f.metric];
        let table = tables.entry((scenario, PERIODS[f.period])).or_default();
        table.push_str(&format!("{metric} = \"{}\"\n", f.value));
    }
    let body = tables.iter().map(|((scenario, period), lines)| format!("\n[{scenario}.{period}]\n{lines}"));
    format!("entity = \"{}\"\nsource = \"file {file}\"\n{}", ENTITIES[facts[0].entity].0, body.collect::<String>())
}

/// One entity's facts as a JSON data file: the TOML structure, segments as nested objects.
fn json_text(facts: &[&GenFact], file: usize) -> String {
    let mut root = serde_json::json!({ "entity": ENTITIES[facts[0].entity].0, "source": format!("file {file}") });
    for f in facts {
        let (scenario, metric) = METRICS[f.metric];
        let mut node = &mut root[scenario][PERIODS[f.period]];
        for part in metric.split('.') {
            node = &mut node[part];
        }
        *node = serde_json::Value::String(f.value.clone());
    }
    serde_json::to_string_pretty(&root).unwrap()
}

/// Facts of any entities as a long CSV data file.
fn csv_text(facts: &[&GenFact], file: usize) -> String {
    let mut out = "entity,metric,period,value,scenario,source\n".to_owned();
    for f in facts {
        let (scenario, metric) = METRICS[f.metric];
        out.push_str(&format!(
            "{},{metric},{},{},{scenario},file {file}\n",
            ENTITIES[f.entity].0, PERIODS[f.period], f.value
        ));
    }
    out
}

/// Writes a pack into `dir`, its items in `order`: the rule paths and the data paths, by name.
fn write_pack(dir: &Path, pack: &Pack, order: &[usize]) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let (rules, data) = (pack.rule_texts(order), pack.data_texts());
    common::write_files(dir, &rules);
    common::write_files(dir, &data);
    let paths = |files: &[(String, String)]| files.iter().map(|(name, _)| dir.join(name)).collect();
    (paths(&rules), paths(&data))
}

// ----- 4. the report is the same bytes on every run

/// Every report a run prints: each format, and the human report with every check listed.
const REPORTS: [(Format, Verbosity); 6] = [
    (Format::Human, Verbosity::Normal),
    (Format::Human, Verbosity::Verbose),
    (Format::Json, Verbosity::Normal),
    (Format::Sarif, Verbosity::Normal),
    (Format::Junit, Verbosity::Normal),
    (Format::Github, Verbosity::Normal),
];

/// The items of a pack in the order they were generated.
fn in_order(pack: &Pack) -> Vec<usize> {
    (0..pack.items.len()).collect()
}

/// Runs `tickmark check` in-process: what it prints, and its exit code; the run must load.
fn checked(rules: &[PathBuf], data: &[PathBuf], (format, verbosity): (Format, Verbosity)) -> (String, i32) {
    let out = common::check_output(rules, data, format, verbosity);
    assert_ne!(out.code, 2, "the pack did not load:\n{}{}", out.stdout, out.stderr);
    (out.stdout, out.code)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    /// The report is the same bytes on every run: a random pack, loaded afresh and checked twice
    /// in-process, prints byte-identical reports in every format (human, human `--verbose`, json,
    /// sarif, junit, github) and ends with the same exit code. 40 cases.
    #[test]
    fn reports_are_the_same_bytes_on_every_run(pack in pack()) {
        let dir = tempfile::tempdir().unwrap();
        let (rules, data) = write_pack(dir.path(), &pack, &in_order(&pack));
        for report in REPORTS {
            let first = checked(&rules, &data, report);
            let second = checked(&rules, &data, report);
            prop_assert!(first == second, "{:?} differs between two runs:\n{}\n-----\n{}", report.0, first.0, second.0);
        }
    }
}

/// Runs the binary `tickmark check ARGS` in a folder: what it prints and its exit code.
fn binary_check(dir: &Path, args: &[&str]) -> (String, i32) {
    let (stdout, stderr, code) = common::tickmark(&[&["check"], args].concat(), dir);
    assert_ne!(code, 2, "the run could not be made:\n{stderr}");
    (stdout, code)
}

/// Run by the binary twice, the shipped pack (`tickmark.toml`) and a generated pack print the
/// same bytes each time as `--format json` and as the human report; the shipped pack's reports
/// are also the bytes the in-process run prints.
#[test]
fn the_binary_reports_the_same_bytes_on_every_run() {
    for (args, format) in [(&["--format", "json"][..], Format::Json), (&[][..], Format::Human)] {
        let first = binary_check(common::root(), args);
        assert_eq!(binary_check(common::root(), args), first, "the shipped pack, {format:?}");
        assert_eq!(checked(&[], &[], (format, Verbosity::Normal)), first, "in-process and binary differ");
    }
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let pack = proptest::strategy::ValueTree::current(&pack().new_tree(&mut runner).unwrap());
    let dir = tempfile::tempdir().unwrap();
    let (rules, data) = write_pack(dir.path(), &pack, &in_order(&pack));
    let names = |paths: &[PathBuf]| -> Vec<String> {
        paths.iter().map(|p| p.strip_prefix(dir.path()).unwrap().display().to_string()).collect()
    };
    let (rules, data) = (names(&rules), names(&data));
    let mut args: Vec<&str> = rules.iter().map(String::as_str).collect();
    args.push("--data");
    args.extend(data.iter().map(String::as_str));
    for format in [&["--format", "json"][..], &["--verbose"]] {
        let args = [&args[..], format].concat();
        assert_eq!(binary_check(dir.path(), &args), binary_check(dir.path(), &args), "a generated pack, {format:?}");
    }
}

// ----- 5. verdicts do not depend on the order of rule files

/// A check as (rule, entity, period, status).
type Verdict = (String, String, String, String);

/// The parts of a JSON report: its checks, sorted by rule, entity and period; its verdicts, sorted;
/// its conflicts, its diagnostics, sorted; and its summary.
struct Parts {
    checks: Vec<serde_json::Value>,
    verdicts: Vec<Verdict>,
    conflicts: serde_json::Value,
    diagnostics: Vec<String>,
    summary: serde_json::Value,
}

/// Splits a JSON report into its parts, each in an order of its own.
fn parts(json: &str) -> Parts {
    let report: serde_json::Value = serde_json::from_str(json).unwrap();
    let text = |c: &serde_json::Value, key: &str| c[key].as_str().unwrap_or_default().to_owned();
    let key = |c: &serde_json::Value| (text(c, "rule"), text(c, "entity"), text(c, "period"), text(c, "status"));
    let mut checks = report["checks"].as_array().cloned().unwrap_or_default();
    checks.sort_by_key(key);
    let verdicts = checks.iter().map(key).collect();
    let mut diagnostics: Vec<String> =
        report["diagnostics"].as_array().into_iter().flatten().map(|d| d.to_string()).collect();
    diagnostics.sort();
    Parts { checks, verdicts, conflicts: report["conflicts"].clone(), diagnostics, summary: report["summary"].clone() }
}

/// A permutation of `0..n` from random keys.
fn permutation(n: usize, keys: &[u32]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| (keys[i % keys.len()], i));
    order
}

/// Paths in another order, from random keys.
fn reordered(paths: &[PathBuf], keys: &[u32]) -> Vec<PathBuf> {
    permutation(paths.len(), keys).into_iter().map(|i| paths[i].clone()).collect()
}

/// Checks in-process with the JSON report: its parts and the exit code.
fn json_parts(rules: &[PathBuf], data: &[PathBuf]) -> (Parts, i32) {
    let (json, code) = checked(rules, data, (Format::Json, Verbosity::Normal));
    (parts(&json), code)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    /// Verdicts do not depend on the order of rule files: a random pack's rules split across up to
    /// four files, loaded in another order, give the same set of (rule, entity, period, verdict)
    /// and the same summary and exit code; with the items within each file reordered too, still
    /// the same. The report lists checks rule by rule in the order the rules are loaded, the
    /// user's file order, which is kept on purpose: so the law is on the sorted checks, and with
    /// only the files reordered each check's whole JSON object (message, values, facts, places) is
    /// the same, as are the diagnostics (sorted) and conflicts. Data file order decides which
    /// source wins a conflict, by design; with no conflict (some facts given twice, alike), it
    /// changes no verdict either. 40 cases, each run four times.
    #[test]
    fn verdicts_do_not_depend_on_the_order_of_files(pack in pack(), keys in prop::collection::vec(any::<u32>(), 64)) {
        let dir = tempfile::tempdir().unwrap();
        let (rules, data) = write_pack(dir.path(), &pack, &in_order(&pack));
        let (first, code) = json_parts(&rules, &data);
        prop_assert_eq!(first.summary["conflicts"].as_u64(), Some(0));

        let (moved, moved_code) = json_parts(&reordered(&rules, &keys), &data);
        prop_assert_eq!(moved_code, code);
        prop_assert_eq!(&moved.checks, &first.checks, "the checks differ with the rule files in another order");
        prop_assert_eq!((&moved.diagnostics, &moved.conflicts), (&first.diagnostics, &first.conflicts));
        prop_assert_eq!(&moved.summary, &first.summary);

        let other = tempfile::tempdir().unwrap();
        let item_keys: Vec<u32> = keys.iter().map(|k| k.rotate_left(16)).collect();
        let (shuffled_rules, _) = write_pack(other.path(), &pack, &permutation(pack.items.len(), &item_keys));
        let (shuffled, shuffled_code) = json_parts(&reordered(&shuffled_rules, &keys[5..]), &data);
        prop_assert_eq!(shuffled_code, code);
        prop_assert_eq!(&shuffled.verdicts, &first.verdicts, "the verdicts differ with the items in another order");
        prop_assert_eq!(&shuffled.summary, &first.summary);

        let (data_moved, data_moved_code) = json_parts(&rules, &reordered(&data, &keys[11..]));
        prop_assert_eq!(data_moved_code, code);
        prop_assert_eq!(&data_moved.verdicts, &first.verdicts, "the verdicts differ with the data files in another order");
        prop_assert_eq!(&data_moved.summary, &first.summary);
    }
}

// ----- 6. a bare number is a scalar

/// Facts of every dimension but pure numbers (money in two currencies and several scales, ratios in
/// each style, per share, shares, a named unit and money per it), and two pure numbers.
const SCALAR_DATA: &str = "entity = \"ACME\"\n[actual.2025Q4]\n\
    usd_m = \"64551 USD m\"\nusd_bn = \"-213.4 USD bn\"\neur = \"12.5 EUR k\"\n\
    pct = \"44.9%\"\nbp = \"-180bps\"\nppt = \"5pp\"\n\
    eps = \"1.95 USD/share\"\nshares = \"7465 m shares\"\ngw = \"3.9 GW\"\nper_gw = \"2.5 USD/GW\"\n\
    count = 7\nhalf = 0.5\n";

/// Values that are not pure numbers, as a rule writes them (facts, literals, computed), each with
/// zero written in its unit: what a bare zero stands for beside it.
const UNIT_VALUES: [(&str, &str); 26] = [
    ("usd_m", "0 USD m"),
    ("usd_bn", "0 USD"),
    ("eur", "0 EUR k"),
    ("pct", "0%"),
    ("bp", "0bps"),
    ("ppt", "0pp"),
    ("eps", "0 USD/share"),
    ("shares", "0 m shares"),
    ("gw", "0 GW"),
    ("per_gw", "(0 USD / 1 GW)"),
    ("12.5 USD m", "0 USD bn"),
    ("3%", "0bps"),
    ("2 USD/share", "0 USD/share"),
    ("120 m shares", "0 shares"),
    ("usd_m / usd_bn", "0%"),
    ("usd_bn * 2", "0 USD"),
    ("-eps", "0 USD/share"),
    ("usd_m / shares", "0 USD/share"),
    ("eps * shares", "0 USD m"),
    ("usd_bn / eps", "0 shares"),
    ("gw * per_gw", "0 USD"),
    ("usd_m / gw", "(0 USD / 1 GW)"),
    ("pct * usd_m", "0 USD"),
    ("abs(bp)", "0bps"),
    ("max(pct, bp)", "0%"),
    ("sum(usd_m, usd_bn)", "0 USD k"),
];

/// Pure numbers: a bare number meets them, zero or not.
const PURE_VALUES: [&str; 6] = ["count", "half", "count * 2", "count / 3", "count(usd_m, eps)", "-half"];

/// Where a bare number meets a value `{v}`: compared with it (in a chain too), added to it, a bound
/// of a range it is checked against, the tolerance of `~=` between it and itself, an argument of
/// `min`, `max`, `sum`, `avg` beside it, a branch of `if` beside it. `{n}` is the bare number,
/// `{t}` the same number as a tolerance (not negative).
const PLACES: [&str; 22] = [
    "{v} < {n}",
    "{n} >= {v}",
    "{v} == {n}",
    "{n} != {v}",
    "{v} ~= {n}",
    "{n} ~= {v} within 2%",
    "{v} <= {n} <= {v}",
    "{v} + {n} > {v}",
    "{n} - {v} < {v}",
    "{v} - {n} == {v}",
    "{v} in {n}..",
    "{v} in ..{n}",
    "{v} in {n}..{n}",
    "{v} ~= {v} within {t}",
    "min({v}, {n}) <= {v}",
    "max({n}, {v}) >= {v}",
    "min({v}, {v}, {n}) == {v}",
    "sum({v}, {n}) > {v}",
    "avg({n}, {v}) < {v}",
    "(if {v} > 0 then {v} else {n}) >= {v}",
    "(if {v} < 0 then {n} else {v}) != {v}",
    "(if {v} < 0 then -({n}) else {v}) == {v}",
];

/// A bare zero as a side of `~=` is zero in any unit, exactly (it once stood for -0.5..0.5 in no
/// unit and erred at run time, "cannot combine `USD m` and `number`"). Zero written in a unit
/// (`usd_m ~= 0 USD m`) is a claimed figure, 0 ± 0.5 USD m.
#[test]
fn a_bare_zero_beside_approx_is_zero() {
    let rules = "rule bare: usd_m ~= 0\nrule in_unit: usd_m ~= 0 USD m\nrule ratio: 0 ~= pct within 2%\n";
    let all = run_texts(rules, SCALAR_DATA).expect("a bare zero meets any unit");
    assert_eq!(["bare", "in_unit", "ratio"].map(|r| status_of(&all, r)), ["fail", "fail", "fail"]);
}

/// A rule's body: a place with its value and number filled in.
fn place_body(place: &str, value: &str, number: &str, tolerance: &str) -> String {
    place.replace("{v}", value).replace("{n}", number).replace("{t}", tolerance)
}

/// A bare number as a rule writes it: `200`, `-0.40`, `1_000.5`; `nonzero` keeps it off zero, and
/// a zero is written `0`, `0.0`, `-0.00`.
fn bare_literal(nonzero: bool) -> impl Strategy<Value = Figure> {
    let mantissa = if nonzero { 1i128..1_000_000_000 } else { 0..1 };
    (mantissa, 0u32..4, any::<bool>(), any::<bool>()).prop_map(|(m, scale, negative, grouped)| Figure {
        mantissa: if negative { -m } else { m },
        scale,
        unit: "",
        grouped,
    })
}

/// The value a `bare-number` error names: the text between the first pair of backticks.
fn named_number(message: &str) -> Option<Decimal> {
    message.split('`').nth(1)?.parse().ok()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// A bare number is a scalar (LANGUAGE.md, "Units"): wherever a bare number other than zero
    /// meets a value that is not a pure number (compared with it, in a chain, added to it, a bound
    /// of a range, a `within` tolerance, an argument of `min`/`max`/`sum`/`avg`, a branch of `if`),
    /// the rules do not load, and the only diagnostic is `bare-number`, naming that number, with a
    /// fix that says what to write. A bare zero (`0`, `0.0`, `-0.00`) there always loads, and
    /// gives the verdict zero written in the value's unit gives (`x > 0` is `x > 0 USD m`; `within
    /// 0` is no tolerance). Beside a pure number (a figure without a unit, a count, a quotient of
    /// pure numbers) any bare number loads. Values: facts, literals and computed values of money
    /// (two currencies, every scale), ratios (`%`, `bps`, `pp`), per share, shares, a named unit
    /// and money per it. 300 cases of four loads each.
    #[test]
    fn a_bare_number_meeting_a_unit_does_not_load(
        (value, zero_in_unit) in pick(&UNIT_VALUES),
        pure in pick(&PURE_VALUES),
        place in pick(&PLACES),
        number in bare_literal(true),
        zero in bare_literal(false),
    ) {
        let tolerance = Figure { mantissa: number.mantissa.abs(), ..number.clone() };
        let body = place_body(place, value, &number.text(), &tolerance.text());
        match load_texts(&format!("rule r: {body}\n"), SCALAR_DATA) {
            Ok(_) => prop_assert!(false, "`{}` loaded", body),
            Err((diags, sources)) => {
                let shown = common::render(&diags, &sources);
                prop_assert_eq!(diags.len(), 1, "`{}`:\n{}", body, shown);
                let diag = &diags[0];
                prop_assert_eq!(diag.code.as_str(), "bare-number", "`{}`:\n{}", body, shown);
                let written: Decimal = number.digits().replace('_', "").parse().unwrap();
                let named = named_number(&diag.message);
                prop_assert!(named == Some(written) || named == Some(-written), "`{}`: {}", body, diag.message);
                let help = diag.help.as_deref().unwrap_or_default();
                prop_assert!(help.starts_with("write "), "`{}`: {}", body, help);
            }
        }

        let zero_text = zero.text();
        let body = place_body(place, value, &zero_text, zero_text.trim_start_matches('-'));
        let statuses = run_texts(&format!("rule r: {body}\n"), SCALAR_DATA);
        prop_assert!(statuses.is_ok(), "`{}` did not load: {:?}", body, statuses);
        // the same rule with the zero written in the value's unit; a range's bounds and a tolerance
        // are written figures, so only a literal can stand there
        let literal = !zero_in_unit.starts_with('(');
        let in_unit = match place {
            p if p.contains("within {t}") => Some(place_body(p, value, "", "").replace(" within ", "")),
            p if p.contains("..") && !literal => None,
            // a bare zero beside `~=` is an exact zero, `0 USD m` there a claimed figure (0 ± 0.5):
            // `a_bare_zero_beside_approx_is_zero`
            p if p.contains("~=") => None,
            p => Some(place_body(p, value, zero_in_unit, zero_in_unit)),
        };
        if let Some(in_unit) = in_unit {
            let expected = run_texts(&format!("rule r: {in_unit}\n"), SCALAR_DATA);
            prop_assert!(expected.is_ok(), "`{}` did not load: {:?}", in_unit, expected);
            prop_assert_eq!(statuses, expected, "`{}` against `{}`", body, in_unit);
        }

        for n in [&number, &zero] {
            let body = place_body(place, pure, &n.text(), &Figure { mantissa: n.mantissa.abs(), ..n.clone() }.text());
            let loaded = run_texts(&format!("rule r: {body}\n"), SCALAR_DATA);
            prop_assert!(loaded.is_ok(), "`{}` beside a pure number did not load: {:?}", body, loaded);
        }
    }
}
