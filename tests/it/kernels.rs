//! Compiled kernels against the evaluator, check for check: a run with kernels keeps every check a
//! run without them keeps (each failure, error, skip and borderline pass, with its trace and
//! title) and counts the same, on generated figures near rounding boundaries, on the bench pack
//! over a generated universe (its `--edge` form, where injections sit just inside and outside the
//! figures' rounding), and on the shipped pack. Kernels must also decide most checks of the bench
//! pack, or they would be agreeing by never answering.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::fuzz::harness;
use proptest::prelude::*;
use tickmark::data::{SheetBuilder, Sheets};
use tickmark::eval::{self, Filter, Keep};
use tickmark::source::Sources;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Figures of every scale, sign and size, `c` within a few last digits of `a - b`, some missing.
    #[test]
    fn kernels_agree_with_the_evaluator_on_generated_figures(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let found = harness::kernel(&bytes);
        // every input of the generator loads and checks: the property is never vacuous
        prop_assert!(found.checks > 0);
    }
}

#[test]
fn kernels_decide_most_checks_of_the_generated_figures_and_agree() {
    // A fixed stream of bytes (xorshift), long enough for four entities.
    let mut x = 0x9e37_79b9_7f4a_7c15_u64;
    let mut byte = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x >> 24) as u8
    };
    let bytes: Vec<u8> = (0..3000).map(|_| byte()).collect();
    let found = harness::kernel(&bytes);
    assert!(found.checks >= 500, "too few checks made: {found:?}");
    assert!(found.decided * 4 >= found.checks, "kernels decided too few checks: {found:?}");
}

#[test]
fn a_borderline_pass_or_a_unit_clash_is_left_to_the_evaluator_and_a_missing_input_is_a_skip() {
    let rules = "rule identity: c ~= a - b\nrule inside: a in guidance.a\nrule abs: c ~= a - b within 0.5 USD m\n";
    let csv = "entity,metric,period,value,unit,scenario\n\
               E,a,2025Q4,100.0,USD m,actual\nE,b,2025Q4,40.0,USD m,actual\nE,c,2025Q4,60.0,USD m,actual\n\
               E,a,2025Q3,100.0,USD m,actual\nE,b,2025Q3,40.0,USD m,actual\n\
               F,a,2025Q4,100.0,EUR m,actual\nF,b,2025Q4,40.0,EUR m,actual\nF,c,2025Q4,60.0,EUR m,actual\n\
               E,a,2025Q4,90..110,USD m,guidance\nF,a,2025Q4,100.0..110,EUR m,guidance\n";
    let found = harness::agree(rules, &[("k.csv", csv)]);
    // nine checks, three of each rule; kernels decide the identity at E and F 2025Q4, the absolute
    // tolerance and the guidance at E 2025Q4, and the three skips at E 2025Q3 (no `c`, no guidance):
    // the rest is the evaluator's (a tolerance in USD against EUR figures, an error; 100.0 in
    // 100.0..110, a borderline pass)
    assert_eq!((found.checks, found.decided), (9, 7));
}

/// A run of `rules` over `csv` with kernels, and the evaluator's: every check made and every count.
fn both(rules: &str, csv: &str, keep: Keep) -> (eval::Results, eval::Results, tickmark::check::Program, Sheets) {
    let mut sources = Sources::default();
    let mut builder = SheetBuilder::default();
    let data = sources.add("k.csv".into(), csv);
    tickmark::data::load_source(Path::new("k.csv"), data, &mut sources, &mut builder).unwrap();
    let sheets = builder.finish().unwrap();
    let file = sources.add("k.tick".into(), rules);
    let ast = tickmark::syntax::parser::parse(rules, file).unwrap();
    let files = [tickmark::check::RuleFile { file, text: rules.into(), ast }];
    let program = tickmark::check::check_and_link(&files, &sheets).unwrap();
    let with = eval::run_with(&program, &sheets, &Filter::default(), keep, true);
    let without = eval::run_with(&program, &sheets, &Filter::default(), keep, false);
    (with, without, program, sheets)
}

#[test]
fn kernels_name_the_missing_input_the_evaluator_names() {
    // `[-1y]` before the data, `[-1q]` from a year (a shift that leads nowhere), around a literal's
    // cell, a range that is not there, a growth from zero (the evaluator's), a division by zero before
    // a missing input (a skip, the evaluator's), a rule at named periods, and a cell out of its
    // file's scope at G before a missing input (the evaluator's)
    let rules = "let ten = 10\n\
                 rule yoy: a[-1y] <= a * 2\n\
                 rule qoq: a[-1q] <= a * 2\n\
                 rule reach: b < a * ten[-1q]\n\
                 rule guided: a in guidance.a\n\
                 rule width: width(guidance.a) <= 10% * a\n\
                 rule grows: growth(b, b[-1q]) < 500%\n\
                 rule divide_first: a / (b - b) < c / a\n\
                 rule year at FY2025: a ~= c[2025Q4] + a[2025Q3]\n\
                 rule scoped: a <= only_e + a[-1y]\n\
                 for E\n\
                 let only_e = b\n";
    let csv = "entity,metric,period,value,unit,scenario\n\
               E,a,2025Q3,90.0,USD m,actual\nE,b,2025Q3,0.0,USD m,actual\n\
               E,a,2025Q4,100.0,USD m,actual\nE,b,2025Q4,40.0,USD m,actual\n\
               E,a,FY2025,190.0,USD m,actual\nE,b,FY2025,40.0,USD m,actual\nE,c,2025Q3,50.0,USD m,actual\n\
               E,a,2025Q4,90..110,USD m,guidance\nG,a,2025Q4,100.0,USD m,actual\nG,b,2025Q4,40.0,USD m,actual\n";
    for keep in [Keep::NotPassed, Keep::Failed] {
        let (with, without, program, _) = both(rules, csv, keep);
        assert_eq!(with.checks, without.checks, "{keep:?}");
        assert_eq!(with.tallies, without.tallies, "{keep:?}");
        assert!(with.decided >= 8, "{keep:?}: kernels decided {}", with.decided);
        let skipped: usize = with.tallies.iter().map(|t| t.skipped).sum();
        assert!(skipped >= 12, "{keep:?}: {skipped} skipped");
        let first = |rule: &str| {
            let r = program.rules.iter().position(|r| r.name == rule).unwrap();
            match &with.tallies[r].first_skip.as_ref().unwrap().outcome {
                eval::Outcome::Skip(m) => m.describe(),
                other => panic!("{rule}: {other:?}"),
            }
        };
        assert_eq!(first("yoy"), "`a` has no value at 2024Q3");
        assert_eq!(first("qoq"), "`a` has no value at 2025Q2");
        assert_eq!(first("reach"), "the period -1q from here has no value at FY2025");
        assert_eq!(first("guided"), "`guidance.a` has no value at 2025Q3");
        assert_eq!(first("year"), "`c` has no value at 2025Q4");
        assert_eq!(first("scoped"), "`a` has no value at 2024Q3");
        let scoped = program.rules.iter().position(|r| r.name == "scoped").unwrap();
        let out_of_scope = |c: &&eval::Check| matches!(&c.outcome, eval::Outcome::Skip(m) if m.name.contains("scoped"));
        if keep == Keep::NotPassed {
            assert!(with.checks.iter().filter(|c| c.rule == scoped).any(|c| out_of_scope(&c)));
        }
    }
}

#[test]
fn a_period_missing_a_figure_amid_the_others_is_a_skip_and_its_neighbours_are_decided() {
    // the periods of an entity run together, op by op: `b` missing at 2025Q2 ends that period's
    // checks at the read, and the periods either side go on; a quotient against a figure, a limit
    // and a tolerance in points compared by the integers, one figure finer than the others, and a
    // shift off the data's first period
    let rules = "rule share: b / a <= 50%\n\
                 rule margin: m ~= c / a within 0.1pp\n\
                 rule floor: -20% <= c / a\n\
                 rule back: a[-1q] <= a * 2\n";
    let mut csv = String::from("entity,metric,period,value,unit,scenario\n");
    for (quarter, a, b, c, m) in [
        (1, "100.0", "40.0", "60.0", "60.0"),
        (2, "200.0", "", "-50.0", "-25.0"),
        (3, "300.0", "151.0", "90.00", "30.04"),
        (4, "400.0", "-10.0", "-100.0", "-25.2"),
    ] {
        for (metric, value, unit) in [("a", a, "USD m"), ("b", b, "USD m"), ("c", c, "USD m"), ("m", m, "%")] {
            if !value.is_empty() {
                csv.push_str(&format!("E,{metric},2025Q{quarter},{value},{unit},actual\n"));
            }
        }
    }
    for keep in [Keep::NotPassed, Keep::Failed] {
        let (with, without, program, _) = both(rules, &csv, keep);
        assert_eq!(with.checks, without.checks, "{keep:?}");
        assert_eq!(with.tallies, without.tallies, "{keep:?}");
        let tally = |rule: &str| &with.tallies[program.rules.iter().position(|r| r.name == rule).unwrap()];
        let skip = |rule: &str| match &tally(rule).first_skip.as_ref().unwrap().outcome {
            eval::Outcome::Skip(m) => m.describe(),
            other => panic!("{rule}: {other:?}"),
        };
        assert_eq!(skip("share"), "`b` has no value at 2025Q2");
        assert_eq!(skip("back"), "`a` has no value at 2024Q4");
        assert_eq!((tally("share").passed, tally("share").failed, tally("share").skipped), (2, 1, 1));
        assert_eq!((tally("floor").passed, tally("floor").failed), (2, 2));
        // every pass and skip (a failure the evaluator traces): 30.04 % against 90.00 / 300.0 is
        // within 0.1pp by 0.028pp either way the figures round
        assert!(with.decided >= 10, "{keep:?}: kernels decided {}", with.decided);
    }
}

#[test]
fn passes_counted_apart_leave_the_other_checks_in_period_then_rule_order() {
    // kernels count an entity's decided passes per rule and make its other checks after them, in
    // the order checks are made (period by period, rule by rule): failures and skips of two rules
    // at interleaved periods, two entities with different periods (each its own slots), and a rule
    // at a named period run between them
    let rules = "rule low: a <= b * 3\n\
                 rule high: a >= b * 3\n\
                 rule ratio: b / a <= 50%\n\
                 rule year at 2025Q2: a <= b * 10\n";
    let mut csv = String::from("entity,metric,period,value,unit,scenario\n");
    for (entity, quarters) in [("E", 1..=4), ("F", 3..=6)] {
        for q in quarters {
            let (year, quarter) = (2024 + (q - 1) / 4 + 1, (q - 1) % 4 + 1);
            let a = 100 * (q % 3);
            csv.push_str(&format!("{entity},a,{year}Q{quarter},{a}.0,USD m,actual\n"));
            if q != 2 {
                csv.push_str(&format!("{entity},b,{year}Q{quarter},{}.0,USD m,actual\n", 30 * q));
            }
        }
    }
    for keep in [Keep::NotPassed, Keep::Failed] {
        let (with, without, program, _) = both(rules, &csv, keep);
        assert_eq!(with.checks, without.checks, "{keep:?}");
        assert_eq!(with.tallies, without.tallies, "{keep:?}");
        let tally = |rule: &str| &with.tallies[program.rules.iter().position(|r| r.name == rule).unwrap()];
        let (low, high) = (tally("low"), tally("high"));
        assert_eq!((low.passed + low.failed, high.passed + high.failed), (7, 7), "{keep:?}");
        assert!(low.failed > 0 && high.failed > 0 && tally("ratio").skipped > 0, "{keep:?}");
        assert!(with.decided >= 12, "{keep:?}: kernels decided {}", with.decided);
    }
}

/// The bench pack, read, checked and linked as `tickmark check` does.
fn bench_pack(sheets: &Sheets) -> tickmark::check::Program {
    let mut sources = Sources::default();
    let rules = [root().join("benches/bulk/rules")];
    let program = tickmark::workspace::load_rules(&rules, &mut sources)
        .and_then(|files| tickmark::check::check_and_link(&files, sheets));
    program.unwrap_or_else(|diags| panic!("the bench pack does not check: {diags:?}"))
}

/// Data files read into sheets.
fn sheets_of(paths: &[PathBuf]) -> Sheets {
    let (mut sources, mut builder) = (Sources::default(), SheetBuilder::default());
    let loaded = tickmark::data::load_paths(paths, &mut sources, &mut builder).and_then(|()| builder.finish());
    loaded.unwrap_or_else(|diags| panic!("the data does not load: {diags:?}"))
}

/// A universe of the bench generator with `args`, or `None` (said on stderr) where `python3` cannot run.
fn universe(dir: &Path, args: &[&str]) -> Option<PathBuf> {
    let out = dir.join("universe.csv");
    let status =
        Command::new("python3").arg(root().join("benches/bulk/generate.py")).args(args).arg("--out").arg(&out).status();
    match status {
        Ok(s) if s.success() => Some(out),
        Ok(s) => panic!("generate.py failed: {s}"),
        Err(e) => {
            eprintln!("skipped: cannot run python3 ({e}), which generates the universe");
            None
        }
    }
}

#[test]
fn the_bench_pack_gives_the_same_results_with_kernels_and_most_checks_are_theirs() {
    let dir = tempfile::tempdir().unwrap();
    for (args, name) in [(&["--entities", "40"][..], "default"), (&["--entities", "40", "--edge"][..], "edge")] {
        let Some(csv) = universe(dir.path(), args) else { return };
        let sheets = sheets_of(&[csv]);
        let program = bench_pack(&sheets);
        let found = harness::same_results(&program, &sheets);
        assert!(found.checks > 40_000, "{name}: {found:?}");
        // every check but the borderline, the failed and the skipped
        assert!(found.decided * 100 >= found.checks * 85, "{name}: kernels decided too few: {found:?}");
        let kernels = eval::kernel::Kernels::compile(&program);
        assert_eq!(kernels.count(), program.rules.len(), "{name}: every rule of the pack has a kernel");
    }
}

#[test]
fn the_shipped_pack_gives_the_same_results_with_kernels() {
    let sheets = sheets_of(&[root().join("data")]);
    let mut sources = Sources::default();
    let rules = [root().join("rules/amazon"), root().join("rules/core")];
    let program = tickmark::workspace::load_rules(&rules, &mut sources)
        .and_then(|files| tickmark::check::check_and_link(&files, &sheets))
        .unwrap_or_else(|diags| panic!("the shipped pack does not check: {diags:?}"));
    let found = harness::same_results(&program, &sheets);
    assert!(found.checks >= 100 && found.decided >= 10, "{found:?}");
    // and with only failed checks kept, as `--only failed` runs
    let with = eval::run_with(&program, &sheets, &Filter::default(), Keep::Failed, true);
    let without = eval::run_with(&program, &sheets, &Filter::default(), Keep::Failed, false);
    assert_eq!(with.checks, without.checks);
    assert_eq!(with.tallies, without.tallies);
}
