//! One unit algebra (issue 13, item 5): the checker (`check::infer`, through [`Dim`]) and the
//! evaluator (`eval::units`, through [`Unit`]) agree on what goes with what, for every pair of
//! units of every kind:
//!
//! 1. beneath the language, for every pair (and triple) of units, `Dim::join`, `times` and `over`
//!    refuse exactly what `units::common`, `units::times` and `units::over` refuse, and where they
//!    accept, the run-time unit has the static dimension; every unit the algebra gives is shown as
//!    text that reads back as that unit;
//! 2. through the binary, for every pair of units a metric's facts are written in and every
//!    operator, the checker refuses a rule exactly when the evaluator, run on it with the checker
//!    out of the way, meets a unit error; and a rule the checker accepts runs without one.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use tickmark::check::Program;
use tickmark::data::{SheetBuilder, Sheets};
use tickmark::eval::units;
use tickmark::eval::{Evaluator, Halt};
use tickmark::num::{Currency, Dim, Num, RatioStyle, Scale, Unit};
use tickmark::period::Period;
use tickmark::source::Sources;

// ----- 1. the algebra beneath the language

/// Every scale money and shares are written in.
const SCALES: [Scale; 5] = [Scale::One, Scale::Thousand, Scale::Million, Scale::Billion, Scale::Trillion];

/// Units of every variant: pure numbers and fractions, money in two currencies at every scale,
/// each ratio style, per share in two currencies, shares at every scale, a named unit, and money
/// per it in two currencies.
fn all_units() -> Vec<Unit> {
    let (usd, eur) = (Currency(*b"USD"), Currency(*b"EUR"));
    let mut all = vec![Unit::None, Unit::Fraction];
    all.extend(SCALES.iter().flat_map(|&s| [Unit::Money(usd, s), Unit::Money(eur, s)]));
    all.extend([RatioStyle::Percent, RatioStyle::Bps, RatioStyle::Pp].map(Unit::Ratio));
    all.extend([Unit::PerShare(usd), Unit::PerShare(eur)]);
    all.extend(SCALES.map(Unit::Shares));
    all.extend(["GW", "USD/GW", "EUR/GW"].map(|n| Unit::parse(n).unwrap()));
    all
}

/// Holds a run-time result to the static one: both refuse, or both accept and the run-time unit
/// has the static dimension.
fn agree(what: &str, a: Unit, b: Unit, statically: Option<Dim>, at_run_time: Result<Unit, String>) {
    match (statically, at_run_time) {
        (Some(dim), Ok(unit)) => assert_eq!(Dim::of(unit), dim, "{what} `{a:?}`, `{b:?}`: run-time unit {unit:?}"),
        (None, Err(_)) => {}
        (statically, at_run_time) => {
            panic!("{what} `{a:?}`, `{b:?}`: the checker gives {statically:?}, the run {at_run_time:?}")
        }
    }
}

/// For every pair of units, adding or comparing, multiplying and dividing are refused alike by the
/// checker's table and the evaluator, and accepted with one dimension; adding and multiplying do
/// not depend on the order of the operands (25 units, 625 ordered pairs).
#[test]
fn the_checker_and_the_evaluator_share_one_algebra() {
    let all = all_units();
    for &a in &all {
        for &b in &all {
            let (x, y) = (Dim::of(a), Dim::of(b));
            agree("combining", a, b, x.join(y), units::common([a, b]));
            agree("multiplying", a, b, x.times(y), units::times(a, b));
            agree("dividing", a, b, x.over(y), units::over(a, b));
            assert_eq!(x.join(y), y.join(x), "joining {a:?} and {b:?} depends on the order");
            assert_eq!(x.times(y), y.times(x), "multiplying {a:?} by {b:?} depends on the order");
            let (ab, ba) = (units::common([a, b]), units::common([b, a]));
            assert_eq!(ab.map(Dim::of).ok(), ba.map(Dim::of).ok(), "combining {a:?} and {b:?}");
        }
    }
}

/// Values of three units (`sum(a, b, c)`, `a <= b <= c`) combine at run time exactly when the
/// checker's table joins them one by one, into the dimension it gives (15,625 triples).
#[test]
fn three_units_combine_as_the_checker_says() {
    let all = all_units();
    for &a in &all {
        for &b in &all {
            for &c in &all {
                let statically = Dim::of(a).join(Dim::of(b)).and_then(|d| d.join(Dim::of(c)));
                match (statically, units::common([a, b, c])) {
                    (Some(dim), Ok(unit)) => assert_eq!(Dim::of(unit), dim, "{a:?}, {b:?}, {c:?}"),
                    (None, Err(_)) => {}
                    (s, r) => panic!("{a:?}, {b:?}, {c:?}: the checker gives {s:?}, the run {r:?}"),
                }
            }
        }
    }
}

/// At run time, as in the checker, an exact bare zero meets a value of every unit and becomes zero
/// in it, and any other pure number meets only pure numbers and fractions.
#[test]
fn a_bare_zero_meets_every_unit_and_other_numbers_only_pure_ones() {
    for unit in all_units() {
        let value = Num::exact(rust_decimal::Decimal::new(125, 1), unit);
        let zero = Num::exact(rust_decimal::Decimal::ZERO, Unit::None);
        let (z, v, common) = units::align(zero, value.clone()).unwrap_or_else(|e| panic!("0 beside {unit:?}: {e}"));
        assert_eq!((z.unit, v.unit), (common, common), "0 beside {unit:?}");
        assert_eq!(Dim::of(common), Dim::of(unit), "0 beside {unit:?}");
        let five = Num::exact(rust_decimal::Decimal::new(5, 0), Unit::None);
        let pure = matches!(unit, Unit::None | Unit::Fraction);
        assert_eq!(units::align(value, five).is_ok(), pure, "5 beside {unit:?}");
        assert_eq!(Dim::of(unit).join(Dim::Number).is_some(), pure, "the checker: 5 beside {unit:?}");
    }
}

/// Every unit with a name, and every unit a product or quotient of two units gives, is shown as
/// text that reads back as the same unit (never `USD/USD/shares`), of the same dimension.
#[test]
fn every_unit_the_algebra_gives_reads_back_as_itself() {
    let all = all_units();
    let results = all.iter().flat_map(|&a| all.iter().flat_map(move |&b| [units::times(a, b), units::over(a, b)]));
    let shown: BTreeSet<Unit> = all.iter().copied().map(Ok).chain(results).filter_map(Result::ok).collect();
    for unit in shown.into_iter().filter(|u| !matches!(u, Unit::None | Unit::Fraction)) {
        assert_eq!(Unit::parse(&unit.to_string()), Some(unit), "`{unit}` does not read back as {unit:?}");
    }
}

// ----- 2. through the binary: the checker against the run

/// The units a metric's facts are written in, as a data cell writes them (`""`: a bare figure in a
/// file without `unit`, a pure number).
const DATA_UNITS: [&str; 18] = [
    "",
    "USD",
    "USD k",
    "USD m",
    "USD bn",
    "USD tn",
    "EUR m",
    "%",
    "bps",
    "pp",
    "USD/share",
    "EUR/share",
    "shares",
    "k shares",
    "m shares",
    "bn shares",
    "GW",
    "USD/GW",
];

/// Operators between two metrics `{x}` and `{y}`: each rule is true or false whatever the units
/// (a value is compared with itself), so that only units can stop it.
const OPERATORS: [&str; 18] = [
    "{x} + {y} == {x} + {y}",
    "{x} - {y} == {x} - {y}",
    "{x} * {y} == {x} * {y}",
    "{x} / {y} == {x} / {y}",
    "{x} < {y}",
    "{x} >= {y}",
    "{x} == {y}",
    "{x} != {y}",
    "{x} ~= {y}",
    "{x} ~= {y} within 5%",
    "{x} <= {x} <= {y}",
    "min({x}, {y}) == min({x}, {y})",
    "max({y}, {x}) == max({y}, {x})",
    "sum({x}, {y}, {x}) == sum({x}, {y}, {x})",
    "avg({x}, {y}) == avg({x}, {y})",
    "growth({x}, {y}) == growth({x}, {y})",
    "change({x}, {y}) == change({x}, {y})",
    "(if true then {x} else {y}) == {y}",
];

/// Tolerances in the unit `{u}` of the second metric, between the first and itself.
const TOLERANCES: [&str; 2] = ["{x} ~= {x} within 1 {u}", "{x} ~= {x} within 0 {u}"];

/// The metric whose facts are in the `i`th of [`DATA_UNITS`].
fn metric(i: usize) -> String {
    format!("m{i:02}")
}

/// A data file with one fact per metric at ACME 2025Q4, every metric in `unit` (where given) or in
/// its own unit of [`DATA_UNITS`].
fn data_text(unit: Option<&str>) -> String {
    let mut out = "entity = \"ACME\"\n[actual.2025Q4]\n".to_owned();
    for (i, own) in DATA_UNITS.iter().enumerate() {
        let value = i + 2;
        match unit.unwrap_or(own) {
            "" => out.push_str(&format!("{} = {value}\n", metric(i))),
            u => out.push_str(&format!("{} = \"{value} {u}\"\n", metric(i))),
        }
    }
    out
}

/// A rule of the test: its body, and the unit every metric is given to compile it with the checker
/// satisfied (`""` for pure numbers), so that the evaluator can be run on it.
struct Case {
    body: String,
    host: &'static str,
}

/// Every operator between every pair of metrics, and every tolerance in a unit a rule can write.
fn cases() -> Vec<Case> {
    let mut out = Vec::new();
    for (i, _) in DATA_UNITS.iter().enumerate() {
        for (j, &u) in DATA_UNITS.iter().enumerate() {
            let fill = |op: &str| op.replace("{x}", &metric(i)).replace("{y}", &metric(j)).replace("{u}", u);
            out.extend(OPERATORS.iter().map(|op| Case { body: fill(op), host: "" }));
            // a unit a rule can write; a bare tolerance is the `bare-number` law's (tests/it/laws.rs)
            if !u.is_empty() && u != "USD/GW" {
                out.extend(TOLERANCES.iter().map(|op| Case { body: fill(op), host: u }));
            }
        }
    }
    out
}

/// Whether a halt is a unit error of `eval::units`.
fn unit_error(message: &str) -> bool {
    ["cannot combine", "cannot multiply", "cannot divide"].iter().any(|m| message.contains(m))
}

/// Loads data files into sheets, with no rules.
fn sheets_of(paths: &[PathBuf], sources: &mut Sources) -> Sheets {
    let mut builder = SheetBuilder::default();
    tickmark::data::load_paths(paths, sources, &mut builder).unwrap();
    builder.finish().unwrap()
}

/// Which rules the evaluator meets a unit error in, with the checker out of the way: each rule is
/// compiled against data where every metric is in its host unit (so that it checks), then evaluated
/// against the real data, whose metrics have the same names and so the same columns.
fn run_without_checker(dir: &Path, cases: &[Case], real: &Sheets) -> BTreeSet<String> {
    let mut by_host: BTreeMap<&str, Vec<(usize, &Case)>> = BTreeMap::new();
    for (n, case) in cases.iter().enumerate() {
        by_host.entry(case.host).or_default().push((n, case));
    }
    let period = Period::parse("2025Q4").unwrap();
    let mut erred = BTreeSet::new();
    for (h, (host, group)) in by_host.iter().enumerate() {
        let rules = group.iter().map(|(n, c)| format!("rule r{n}: {}\n", c.body)).collect::<String>();
        let files = [(format!("host{h}.tick"), rules), (format!("host{h}.toml"), data_text(Some(host)))];
        common::write_files(dir, &files);
        let mut sources = Sources::default();
        let (program, sheets): (Program, Sheets) =
            common::load(&[dir.join(&files[0].0)], &[dir.join(&files[1].0)], &mut sources)
                .unwrap_or_else(|d| panic!("the rules do not check in `{host}`:\n{}", common::render(&d, &sources)));
        assert_eq!(sheets.metrics, real.metrics, "the host data has other columns");
        let mut ev = Evaluator::new(&program, real, 0);
        for rule in &program.rules {
            match ev.eval(&rule.body, period, rule.file) {
                Err(Halt::Error(e)) if unit_error(&e.message) => {
                    erred.insert(rule.name.clone());
                }
                Err(Halt::Unplaced(m)) if unit_error(&m) => {
                    erred.insert(rule.name.clone());
                }
                _ => {}
            }
        }
    }
    erred
}

/// The rules `tickmark check` refuses when loading, by name, from its JSON diagnostics (each rule
/// is one line); every refusal is a unit error.
fn refused_by_checker(dir: &Path, cases: &[Case]) -> BTreeSet<String> {
    let rules = cases.iter().enumerate().map(|(n, c)| format!("rule r{n}: {}\n", c.body)).collect::<String>();
    common::write_files(dir, &[("all.tick".to_owned(), rules), ("real.toml".to_owned(), data_text(None))]);
    let (stdout, stderr, code) =
        common::tickmark(&["check", "all.tick", "--data", "real.toml", "--format", "json"], dir);
    assert_eq!(code, 2, "some rules mix units that do not go together:\n{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let mut refused = BTreeSet::new();
    for d in report["diagnostics"].as_array().unwrap() {
        assert_eq!(d["code"], "unit-mismatch", "{d}");
        let line = d["location"]["line"].as_u64().unwrap() as usize;
        refused.insert(format!("r{}", line - 1));
    }
    refused
}

/// Through the binary: for every pair of the 18 units a metric's facts are written in (a pure
/// number, money at every scale and in two currencies, each ratio style, per share in two
/// currencies, shares at every scale, a named unit and money per it) and every operator (`+ - * /`,
/// comparisons and chains, `~=` with and without a relative tolerance, `min`, `max`, `sum`, `avg`,
/// `growth`, `change`, the branches of `if`), and every tolerance in the second metric's unit,
/// `tickmark check` refuses the rule exactly when the evaluator, run on it with the checker out of
/// the way, meets a unit error; and the rules it accepts, run by the binary, meet none. 6,408 rules.
#[test]
fn the_checker_refuses_exactly_what_the_run_cannot_do() {
    let cases = cases();
    let dir = tempfile::tempdir().unwrap();
    let refused = refused_by_checker(dir.path(), &cases);

    let mut sources = Sources::default();
    let real = sheets_of(&[dir.path().join("real.toml")], &mut sources);
    let erred = run_without_checker(dir.path(), &cases, &real);
    let body = |name: &String| cases[name[1..].parse::<usize>().unwrap()].body.clone();
    let only_checker: Vec<String> = refused.difference(&erred).map(body).collect();
    let only_run: Vec<String> = erred.difference(&refused).map(body).collect();
    assert!(
        only_checker.is_empty() && only_run.is_empty(),
        "refused by the checker only: {only_checker:#?}\nunit errors at run time only: {only_run:#?}"
    );
    assert!(refused.len() > 1000 && refused.len() < cases.len() - 1000, "{} of {} refused", refused.len(), cases.len());

    let accepted = (0..cases.len()).filter(|n| !refused.contains(&format!("r{n}")));
    let rules = accepted.map(|n| format!("rule r{n}: {}\n", cases[n].body)).collect::<String>();
    let count = rules.lines().count();
    common::write_files(dir.path(), &[("accepted.tick".to_owned(), rules)]);
    let (stdout, stderr, code) =
        common::tickmark(&["check", "accepted.tick", "--data", "real.toml", "--format", "json"], dir.path());
    assert_ne!(code, 2, "the accepted rules did not load:\n{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let checks = report["checks"].as_array().unwrap();
    assert_eq!(report["summary"]["checks"].as_u64(), Some(count as u64), "{}", report["summary"]);
    for check in checks {
        assert!(!unit_error(&check.to_string()), "a unit error the checker let through: {check:#}");
    }
}
