//! `x[Q1]` to `x[Q4]` and `x[FY]`: the quarters and the year of the checked period's own fiscal year,
//! against the small sheet of `tests/fixtures/fiscal/data.toml` (FY2025 adds up, FY2026 does not,
//! FY2024 has no fourth quarter, 2023Q4 no year).

use crate::common;

use std::path::PathBuf;

use proptest::prelude::*;
use tickmark::eval::Outcome;
use tickmark::period::{Period, Step};
use tickmark::source::Sources;
use tickmark::syntax::ast::{FiscalPart, PeriodRef};

const RULES: &str = "tests/fixtures/fiscal/rules.tick";
const DATA: &str = "tests/fixtures/fiscal/data.toml";

/// Loads rule files against the fixture's data: the program, the sheets and the sources.
fn load(rules: &[&str]) -> Result<(tickmark::check::Program, tickmark::data::Sheets, Sources), String> {
    std::env::set_current_dir(env!("CARGO_MANIFEST_DIR")).unwrap();
    let mut sources = Sources::default();
    let rules: Vec<PathBuf> = rules.iter().map(PathBuf::from).collect();
    match common::load(&rules, &[PathBuf::from(DATA)], &mut sources) {
        Ok((program, sheets)) => Ok((program, sheets, sources)),
        Err(diags) => Err(common::render(&diags, &sources)),
    }
}

/// Every check of the fixture's rules as (rule, period, status).
fn verdicts() -> Vec<(String, String, &'static str)> {
    let (program, sheets, _) = load(&[RULES]).unwrap_or_else(|e| panic!("{e}"));
    let (checks, _) = common::run_all(&program, &sheets);
    common::verdicts(&program, &sheets, &checks)
        .into_iter()
        .map(|(rule, _, period, status)| (rule, period, status))
        .collect()
}

/// The status of a rule at a period, or `absent` where it was not checked.
fn status(all: &[(String, String, &'static str)], rule: &str, period: &str) -> &'static str {
    all.iter().find(|(r, p, _)| r == rule && p == period).map_or("absent", |(_, _, s)| *s)
}

/// `tickmark eval EXPR` on the fixture at one period: the value column of its one row, without the
/// interval after it.
fn value_at(expr: &str, period: &str) -> String {
    row_at(expr, period).split(" (").next().unwrap_or_default().to_owned()
}

/// `tickmark eval EXPR` on the fixture at one period: the value column of its one row.
fn row_at(expr: &str, period: &str) -> String {
    let args = ["eval", expr, RULES, "--data", DATA, "--period", period];
    let (out, err, code) = common::tickmark(&args, common::root());
    assert_eq!(code, 0, "tickmark eval {expr} --period {period} failed:\n{out}{err}");
    let row = out.lines().find(|l| l.starts_with("ACME")).unwrap_or_else(|| panic!("no row in:\n{out}"));
    row.split_whitespace().skip(2).collect::<Vec<_>>().join(" ")
}

#[test]
fn at_a_year_the_quarters_are_the_years_own() {
    assert_eq!(value_at("revenue[Q1]", "FY2025"), "100 USD m");
    assert_eq!(value_at("revenue[Q3]", "FY2025"), "120 USD m");
    assert_eq!(value_at("revenue[q4]", "FY2026"), "135 USD m", "lower case reads the same");
    assert_eq!(value_at("revenue[FY]", "FY2025"), "460 USD m", "`[FY]` at a year is the year itself");
}

#[test]
fn at_a_quarter_the_other_quarters_and_the_year_are_its_fiscal_years() {
    assert_eq!(value_at("revenue[Q4]", "2025Q2"), "130 USD m");
    assert_eq!(value_at("revenue[Q2]", "2025Q2"), "110 USD m", "its own quarter");
    assert_eq!(value_at("revenue[FY]", "2025Q2"), "460 USD m");
    assert_eq!(value_at("revenue[FY]", "2026Q1"), "500 USD m");
}

#[test]
fn fiscal_references_compose_with_offsets() {
    // `[-1y]` applies first (outermost), then `[Q4]` in the year it reached.
    assert_eq!(value_at("revenue[Q4][-1y]", "FY2026"), "130 USD m");
    assert_eq!(value_at("revenue[Q4][-1y]", "2026Q2"), "130 USD m");
    // `[Q1]` first, then a quarter back: the last quarter of the year before.
    assert_eq!(value_at("revenue[-1q][Q1]", "FY2026"), "130 USD m");
    assert_eq!(value_at("revenue[FY][-1q]", "2026Q1"), "460 USD m", "the year of the quarter before");
}

#[test]
fn a_missing_quarter_or_year_is_no_value() {
    assert_eq!(row_at("revenue[Q4]", "FY2024"), "— (no value: `revenue` at 2024Q4)");
    assert_eq!(row_at("revenue[FY]", "2023Q4"), "— (no value: `revenue` at FY2023)");
}

#[test]
fn quarters_add_up_where_they_do_and_skip_where_one_is_missing() {
    let all = verdicts();
    assert_eq!(status(&all, "quarters_add_up", "FY2025"), "pass", "100 + 110 + 120 + 130 = 460");
    assert_eq!(status(&all, "quarters_add_up", "FY2026"), "fail", "120 + 125 + 130 + 135 = 510, not 500");
    assert_eq!(status(&all, "quarters_add_up", "FY2024"), "skip", "no 2024Q4");
    assert_eq!(status(&all, "quarters_add_up", "2025Q1"), "absent", "checked at years only");
}

#[test]
fn quarters_compare_with_their_year_and_skip_without_one() {
    let all = verdicts();
    for period in ["2024Q1", "2025Q2", "2025Q4", "2026Q3"] {
        assert_eq!(status(&all, "q_within_year", period), "pass", "{period}");
        assert_eq!(status(&all, "share_below_half", period), "pass", "{period}: a cell with `[FY]` in it");
    }
    assert_eq!(status(&all, "q_within_year", "2023Q4"), "skip", "no FY2023");
    assert_eq!(status(&all, "q1_smallest", "2023Q4"), "skip", "no 2023Q1");
    assert_eq!(status(&all, "q1_smallest", "2025Q3"), "pass");
}

#[test]
fn offsets_after_a_fiscal_reference_reach_the_year_before() {
    let all = verdicts();
    assert_eq!(status(&all, "q4_grew", "FY2024"), "skip", "no 2024Q4");
    assert_eq!(status(&all, "q4_grew", "FY2025"), "skip", "no 2024Q4 for the year before");
    assert_eq!(status(&all, "q4_grew", "FY2026"), "pass", "135 > 130");
    assert_eq!(status(&all, "prior_q4_below_q4", "FY2026"), "pass", "2025Q4's 130 < 2026Q4's 135");
    assert_eq!(status(&all, "prior_q4_below_q4", "FY2025"), "skip", "no 2024Q4");
}

#[test]
fn a_failed_sum_of_quarters_shows_each_quarter() {
    let (program, sheets, sources) = load(&[RULES]).unwrap_or_else(|e| panic!("{e}"));
    let (checks, _) = common::run_all(&program, &sheets);
    let rule = program.rules.iter().position(|r| r.name == "quarters_add_up").unwrap();
    let failed = checks.iter().find(|c| c.rule == rule && c.period.to_string() == "FY2026").unwrap();
    let Outcome::Fail(trace) = &failed.outcome else { panic!("expected a failure: {:?}", failed.outcome) };
    let read: Vec<String> = trace.facts.iter().map(|f| format!("{}@{}", f.name, f.period)).collect();
    assert_eq!(read, ["revenue@2026Q1", "revenue@2026Q2", "revenue@2026Q3", "revenue@2026Q4", "revenue@FY2026"]);
    let text = std::fs::read_to_string(RULES).unwrap();
    let shown = |operand: &str| {
        let start = text.find(operand).unwrap();
        let span = tickmark::source::Span::new(start, start + operand.len());
        trace.values.iter().find(|(s, _)| *s == span).map(|(_, v)| v.show())
    };
    assert_eq!(shown("revenue[Q1]").as_deref(), Some("120 USD m"));
    assert_eq!(shown("revenue[Q4]").as_deref(), Some("135 USD m"));

    let (_, report) = common::report_text(&program, &sheets, &sources);
    for label in ["120 USD m", "125 USD m", "130 USD m", "135 USD m", "500 USD m", "510 USD m"] {
        assert!(report.contains(label), "the report labels {label}:\n{report}");
    }
    common::settings().bind(|| insta::assert_snapshot!("fiscal_report", report));
}

/// `tickmark explain RULE --period P` on the fixture.
fn explain(rule: &str, period: &str) -> String {
    let args = ["explain", rule, RULES, "--data", DATA, "--period", period];
    let (out, err, code) = common::tickmark(&args, common::root());
    assert_eq!(code, 0, "{out}{err}");
    out
}

/// The line of an explain tree that shows `operand`.
fn line_of<'a>(tree: &'a str, operand: &str) -> &'a str {
    let found =
        tree.lines().find(|l| l.trim_start_matches(['├', '└', '│', '─', ' ']).starts_with(&format!("{operand} ")));
    found.unwrap_or_else(|| panic!("no {operand} in:\n{tree}"))
}

#[test]
fn explain_shows_the_period_each_reference_reached() {
    let year = explain("quarters_add_up", "FY2026");
    assert!(line_of(&year, "revenue[Q4]").contains("135 USD m") && line_of(&year, "revenue[Q4]").contains("at 2026Q4"));
    let quarter = explain("q_within_year", "2025Q2");
    assert!(line_of(&quarter, "revenue[FY]").contains("460 USD m"), "{quarter}");
    assert!(line_of(&quarter, "revenue[FY]").contains("at FY2025"), "{quarter}");
    common::settings().bind(|| insta::assert_snapshot!("fiscal_explain", format!("{year}\n{quarter}")));
}

#[test]
fn a_quarter_step_from_a_year_is_an_error_an_index_can_cause_or_lift() {
    let Err(errors) = load(&["tests/fixtures/fiscal/bad/quarter_steps.tick"]) else { panic!("checked") };
    assert!(errors.contains("rule `at_years` is checked at fiscal years"), "{errors}");
    assert!(errors.contains("rule `under_fy` steps by quarters from a fiscal year"), "{errors}");
    assert!(errors.contains("rule `under_a_fixed_year` steps by quarters from a fiscal year"), "{errors}");
    assert!(!errors.contains("fy_of_prior_quarter"), "`[FY][-1q]` steps from a quarter: {errors}");
    assert!(load(&[RULES]).is_ok(), "`revenue[-1q][Q1]` at years steps from a quarter");
    common::settings().bind(|| insta::assert_snapshot!("fiscal_quarter_steps", errors));
}

#[test]
fn the_formatter_prints_the_references_in_capitals() {
    let formatted = tickmark::fmt::format("let a = x[ q1 ] + x[fy]+x [Q4] [-1y]", tickmark::source::SourceId(0))
        .unwrap_or_else(|d| panic!("{d:?}"));
    assert_eq!(formatted, "let a = x[Q1] + x[FY] + x[Q4][-1y]\n");
    assert_eq!(tickmark::fmt::format(&formatted, tickmark::source::SourceId(0)).ok().as_deref(), Some(&*formatted));
}

/// The period of a fiscal reference from `period`, as the evaluator finds it.
fn at(period: Period, part: FiscalPart) -> Option<Period> {
    tickmark::eval::expr::shift(period, PeriodRef::Fiscal(part), tickmark::calendar::DECEMBER)
}

fn any_period() -> impl Strategy<Value = Period> {
    prop_oneof![
        (1900i32..2200, 1u8..5).prop_map(|(year, quarter)| Period::Quarter { year, quarter }),
        (1900i32..2200).prop_map(Period::Year),
    ]
}

proptest! {
    #[test]
    fn a_fiscal_reference_stays_in_the_fiscal_year(p in any_period(), q in 1u8..5) {
        let quarter = at(p, FiscalPart::Quarter(q)).expect("every year has four quarters");
        prop_assert_eq!(quarter, Period::Quarter { year: p.year(), quarter: q });
        prop_assert_eq!(at(quarter, FiscalPart::Year), at(p, FiscalPart::Year));
        prop_assert_eq!(at(quarter, FiscalPart::Quarter(q)), Some(quarter), "idempotent");
    }

    #[test]
    fn year_offsets_commute_with_fiscal_references(p in any_period(), q in 1u8..5, n in -3i32..4) {
        let shift = |p: Period| p.shift(n, Step::Year);
        let part = FiscalPart::Quarter(q);
        prop_assert_eq!(shift(p).and_then(|s| at(s, part)), at(p, part).and_then(shift));
        prop_assert_eq!(shift(p).and_then(|s| at(s, FiscalPart::Year)), at(p, FiscalPart::Year).and_then(shift));
    }
}
