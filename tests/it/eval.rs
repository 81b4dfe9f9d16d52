//! The evaluator's semantics, fixture by fixture: intervals, units, periods, missing data, `*`
//! names, functions and check errors, each run against the data in `tests/fixtures/eval/data/`.

use crate::common;

use std::path::PathBuf;

use tickmark::eval::Outcome;
use tickmark::source::Sources;

/// Runs one fixture: every check listed, then the report a user would read.
fn run_fixture(path: &std::path::Path) -> String {
    std::env::set_current_dir(env!("CARGO_MANIFEST_DIR")).unwrap();
    let mut sources = Sources::default();
    let rules = vec![common::relative(path)];
    let data = data_for(path.file_name().unwrap().to_str().unwrap());
    let source = std::fs::read_to_string(path).unwrap();
    match common::load(&rules, &data, &mut sources) {
        Ok((program, sheets)) => {
            let (lines, report) = common::report_text(&program, &sheets, &sources);
            format!("----- SOURCE\n{source}\n----- CHECKS\n{lines}\n----- REPORT\n{report}")
        }
        Err(diags) => format!("----- SOURCE\n{source}\n----- ERRORS\n{}", common::render(&diags, &sources)),
    }
}

/// The data of a fixture: ACME's sheet, and for `currencies.tick` BETA's too (it reports in EUR).
fn data_for(fixture: &str) -> Vec<PathBuf> {
    if fixture.starts_with("fractions") {
        return vec![PathBuf::from("tests/fixtures/eval/bare")];
    }
    if fixture.starts_with("ranges") {
        return vec![PathBuf::from("tests/fixtures/eval/ranged")];
    }
    let mut data = vec![PathBuf::from("tests/fixtures/eval/data")];
    if fixture.starts_with("currencies") {
        data.push(PathBuf::from("tests/fixtures/eval/beta"));
    }
    data
}

#[test]
fn eval_fixtures() {
    common::settings().bind(|| {
        insta::glob!("..", "fixtures/eval/*.tick", |path| {
            insta::assert_snapshot!(run_fixture(path));
        });
    });
}

/// The status of each check of a fixture, by rule name and period.
fn statuses(fixture: &str) -> Vec<(String, String, String, &'static str)> {
    std::env::set_current_dir(env!("CARGO_MANIFEST_DIR")).unwrap();
    let mut sources = Sources::default();
    let rules = vec![PathBuf::from(format!("tests/fixtures/eval/{fixture}"))];
    let data = data_for(fixture);
    let (program, sheets) =
        common::load(&rules, &data, &mut sources).unwrap_or_else(|d| panic!("{}", common::render(&d, &sources)));
    let (checks, _) = common::run_all(&program, &sheets);
    checks
        .iter()
        .map(|c| {
            let rule = program.rules[c.rule].name.clone();
            (rule, sheets.entities[c.entity as usize].clone(), c.period.to_string(), c.outcome.status())
        })
        .collect()
}

/// The status of a rule at an entity and period.
fn status_of(all: &[(String, String, String, &'static str)], rule: &str, entity: &str, period: &str) -> &'static str {
    all.iter().find(|(r, e, p, _)| r == rule && e == entity && p == period).map_or("absent", |(_, _, _, s)| *s)
}

#[test]
fn rounding_decides_approximate_equality() {
    let all = statuses("intervals.tick");
    assert_eq!(status_of(&all, "margin_matches_reported", "ACME", "2025Q4"), "pass");
    assert_eq!(status_of(&all, "margin_claim_too_high", "ACME", "2025Q4"), "fail");
    assert_eq!(status_of(&all, "margin_within_pp", "ACME", "2025Q4"), "pass");
    assert_eq!(status_of(&all, "revenue_within_relative", "ACME", "2025Q4"), "pass");
    assert_eq!(status_of(&all, "revenue_not_within_relative", "ACME", "2025Q4"), "fail");
    assert_eq!(status_of(&all, "point_values_compared", "ACME", "2025Q4"), "pass");
    assert_eq!(status_of(&all, "point_equality_fails", "ACME", "2025Q4"), "fail");
}

#[test]
fn missing_inputs_skip_and_never_fail() {
    let all = statuses("missing.tick");
    assert_eq!(status_of(&all, "net_income_positive", "ACME", "2025Q3"), "skip");
    assert_eq!(status_of(&all, "net_income_positive", "ACME", "2025Q4"), "pass");
    assert_eq!(status_of(&all, "or_needs_both_sides", "ACME", "2025Q3"), "skip");
    assert_eq!(status_of(&all, "exists_asks", "ACME", "2025Q3"), "pass");
    assert_eq!(status_of(&all, "if_chooses", "ACME", "2025Q3"), "pass");
}

#[test]
fn computation_failures_are_check_errors() {
    let all = statuses("errors.tick");
    assert_eq!(status_of(&all, "divide_by_zero", "ACME", "2025Q4"), "error");
    assert_eq!(status_of(&all, "divide_by_tiny", "ACME", "2025Q4"), "pass");
    assert_eq!(status_of(&all, "past_a_decimal", "ACME", "2025Q4"), "pass");
    assert_eq!(status_of(&all, "too_large", "ACME", "2025Q4"), "error");
    let currencies = statuses("currencies.tick");
    assert_eq!(status_of(&currencies, "mixed", "ACME", "2025Q4"), "error");
    assert_eq!(status_of(&currencies, "mixed", "BETA", "2025Q4"), "pass");
}

#[test]
fn open_ranges_have_one_end() {
    let all = statuses("functions.tick");
    assert_eq!(status_of(&all, "open_range_low", "ACME", "2026Q1"), "skip");
    assert_eq!(status_of(&all, "open_range_in", "ACME", "2026Q1"), "pass");
}

#[test]
fn failures_carry_their_trace() {
    std::env::set_current_dir(env!("CARGO_MANIFEST_DIR")).unwrap();
    let mut sources = Sources::default();
    let rules = vec![PathBuf::from("tests/fixtures/eval/intervals.tick")];
    let data = vec![PathBuf::from("tests/fixtures/eval/data")];
    let (program, sheets) = common::load(&rules, &data, &mut sources).ok().unwrap();
    let (checks, _) = common::run_all(&program, &sheets);
    let failed = checks.iter().find(|c| program.rules[c.rule].name == "margin_claim_too_high").unwrap();
    let Outcome::Fail(trace) = &failed.outcome else { panic!("expected a failure") };
    let metrics: Vec<&str> = trace.facts.iter().map(|f| &*f.name).collect();
    assert_eq!(metrics, ["operating_income", "revenue"]);
}

#[test]
fn units_convert_and_pure_numbers_scale() {
    let all = statuses("units.tick");
    for rule in [
        "capex_scales_convert",
        "amounts_convert_between_scales",
        "ratio_from_money",
        "bps_and_percent",
        "gigawatts",
        "ratio_against_a_ratio",
        "tolerance_in_percentage_points",
        "order_of_terms_does_not_matter",
        "pure_numbers_scale",
    ] {
        let period = if rule == "capex_scales_convert" { "FY2025" } else { "2025Q4" };
        assert_eq!(status_of(&all, rule, "ACME", period), "pass", "{rule}");
    }
    assert_eq!(status_of(&all, "tolerance_too_tight", "ACME", "2025Q4"), "fail");
}

#[test]
fn a_quotient_of_bare_figures_is_a_fraction() {
    let all = statuses("fractions.tick");
    for rule in [
        "quoted_margin",
        "margin_above_10pct",
        "eps_from_bare_figures",
        "bare_margin_as_a_fraction",
        "scaled_fraction_keeps_its_reading",
        "computed_against_written",
    ] {
        assert_eq!(status_of(&all, rule, "BARE", "2025Q4"), "pass", "{rule}");
    }
    assert_eq!(status_of(&all, "margin_above_12pct", "BARE", "2025Q4"), "fail");
}

#[test]
fn ranges_compute_bound_by_bound() {
    let all = statuses("ranges.tick");
    for (rule, period) in [
        ("segment_guidance_sums_to_a_range", "2026Q3"),
        ("revenue_in_summed_segment_guidance", "2026Q3"),
        ("summed_guidance_midpoint", "2026Q3"),
        ("avg_of_ranges", "2026Q3"),
        ("implied_q4_bounds", "FY2026"),
        ("implied_q4_width", "FY2026"),
        ("q4_guidance_top_above_implied", "2026Q4"),
        ("range_minus_range", "FY2026"),
        ("open_end_stays_open", "2026Q4"),
        ("scaled", "FY2026"),
        ("negated", "FY2026"),
        ("scaled_by_a_ratio", "FY2026"),
        ("raised", "FY2026"),
        ("not_reiterated", "FY2026"),
        ("figure_is_not_a_range", "FY2026"),
    ] {
        assert_eq!(status_of(&all, rule, "MSFT", period), "pass", "{rule}");
    }
    // `low` of a range whose lower end is open has no value: skipped, never failed
    assert_eq!(status_of(&all, "open_end_is_missing", "MSFT", "2026Q4"), "skip");
    // a scale whose interval reaches zero leaves the order of the bounds unknown
    assert_eq!(status_of(&all, "scaled_by_zero", "MSFT", "FY2026"), "error");
    // 80.2 reported against an implied 74.6..79.6
    assert_eq!(status_of(&all, "q4_in_implied_guidance", "MSFT", "FY2026"), "fail");
    assert_eq!(status_of(&all, "q4_in_implied_guidance", "MSFT", "FY2025"), "skip");
    // a metric that is a range in one year and a figure in another: checked where it is a figure
    assert_eq!(status_of(&all, "guided_operating_income", "MSFT", "FY2025"), "pass");
    assert_eq!(status_of(&all, "guided_operating_income", "MSFT", "FY2026"), "error");
    assert_eq!(status_of(&all, "figure_over_guided_margin", "MSFT", "FY2025"), "pass");
    assert_eq!(status_of(&all, "figure_over_guided_margin", "MSFT", "FY2026"), "error");
}

/// A failed check traced by the evaluator that evaluated it records what a tracing evaluator of its
/// own records: the facts its cells read though the evaluator had their values cached, and nothing
/// of the check traced before it; the evaluator's work is as it was.
#[test]
fn a_check_traced_in_place_is_traced_as_by_an_evaluator_of_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let rules = "let margin = profit / revenue\n\
                 rule wide: margin > 0.1\n\
                 rule narrow: margin[-1y] > 0.5\n\
                 rule grew: revenue > revenue[-1y] + margin\n";
    std::fs::write(dir.path().join("r.tick"), rules).unwrap();
    std::fs::write(dir.path().join("d.csv"), "metric,FY2024,FY2025\nrevenue,100,90\nprofit,30,40\n").unwrap();
    let mut sources = Sources::default();
    let (rules, data) = (vec![dir.path().join("r.tick")], vec![dir.path().join("d.csv")]);
    let (program, sheets) = common::load(&rules, &data, &mut sources).unwrap();
    let period = tickmark::period::Period::parse("FY2025").unwrap();
    let mut ev = tickmark::eval::Evaluator::new(&program, &sheets, 0);
    for rule in &program.rules {
        let _ = ev.eval(&rule.body, period, rule.file); // every cell cached at both years
    }
    let work = ev.work();
    for rule in &program.rules[1..] {
        ev.one_filing(&rule.body, period);
        let traced = ev.trace_check(&rule.body, period, rule.file);
        let mut own = tickmark::eval::Evaluator::tracing(&program, &sheets, 0);
        own.one_filing(&rule.body, period);
        let _ = own.eval(&rule.body, period, rule.file);
        assert_eq!(Some(&traced), own.trace.as_ref(), "{}", rule.name);
        let facts: Vec<String> = traced.facts.iter().map(|f| format!("{} {}", f.name, f.period)).collect();
        let want: &[&str] = if rule.name == "narrow" {
            &["profit FY2024", "revenue FY2024"]
        } else {
            &["revenue FY2025", "revenue FY2024", "profit FY2025"]
        };
        assert_eq!(facts, want, "{}: a cached cell's facts are recorded, none of another check's", rule.name);
    }
    assert_eq!(ev.work(), work, "tracing is no work of the checks");
}

/// A failed or erred check's title shows its holes' values from the check's trace where the
/// condition reads the same fact or cell at the check's own period: each title is the one made by
/// evaluating every hole afresh (`?` where it has no value), holes read at other periods, in an
/// `if`'s branch not taken, outside the condition or missing included.
#[test]
fn a_title_shown_from_the_trace_is_the_title_evaluated() {
    use tickmark::check::TitlePart;
    let dir = tempfile::tempdir().unwrap();
    let rules = "let margin = profit / revenue\n\
                 let prior = revenue[-1y]\n\
                 rule grew \"revenue {revenue}, before {prior}, margin {margin}, {profit}, {cost}\": revenue > prior + margin\n\
                 rule branch \"{revenue} and {profit}\": if profit > 35 then revenue > 1000 else profit > 50\n\
                 rule before \"{margin} now\": margin[-1y] > 0.5\n\
                 rule growth \"{revenue}\": growth(revenue, revenue[-1y]) > 50%\n\
                 rule zero \"{revenue} over {profit}, {cost}\": revenue / (profit - profit) > cost\n";
    std::fs::write(dir.path().join("r.tick"), rules).unwrap();
    let data = "metric,FY2024,FY2025\nrevenue,100,90\nprofit,30,40\ncost,,50\n";
    std::fs::write(dir.path().join("d.csv"), data).unwrap();
    let mut sources = Sources::default();
    let (rules, data) = (vec![dir.path().join("r.tick")], vec![dir.path().join("d.csv")]);
    let (program, sheets) = common::load(&rules, &data, &mut sources).unwrap();
    let (checks, _) = common::run_all(&program, &sheets);
    let mut traced = 0;
    for c in checks.iter().filter(|c| matches!(c.outcome, Outcome::Fail(_) | Outcome::Error(..))) {
        let rule = &program.rules[c.rule];
        let mut ev = tickmark::eval::Evaluator::new(&program, &sheets, c.entity);
        ev.one_filing(&rule.body, c.period);
        let want: String = (rule.title.iter().flat_map(|t| &t.parts))
            .map(|p| match p {
                TitlePart::Text(t) => t.clone(),
                TitlePart::Hole(_, e) => ev.eval(e, c.period, rule.file).map_or_else(|_| "?".into(), |v| v.show()),
            })
            .collect();
        assert_eq!(c.title.as_deref(), Some(want.as_str()), "{} at {}", rule.name, c.period);
        traced += 1;
    }
    assert_eq!(traced, 6, "every rule fails or errs once at least, `branch` by each of its branches");
}
