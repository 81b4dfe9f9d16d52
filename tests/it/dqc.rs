//! The DQC pack (`rules/dqc`): it passes on the three companyfacts samples, checking every DQC rule
//! it cites there, and each rule fails on a filing made to break it, by the tolerance its comment
//! gives. The samples are the slices of `tests/fixtures/sec/` (`slice.py` says how they were cut);
//! the broken filings are written here, one fiscal year of a made-up filer.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use common::{root, tickmark};
use serde_json::Value;

/// `tickmark check ARGS --format json` in `dir`: the report and the exit code.
fn check(args: &[&str], dir: &Path) -> (Value, i32) {
    let mut all = vec!["check"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    let (stdout, stderr, code) = tickmark(&all, dir);
    let report = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}\n{stderr}"));
    (report, code)
}

/// Per rule, the statuses of its checks.
fn statuses(report: &Value) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for c in report["checks"].as_array().unwrap() {
        let rule = c["rule"].as_str().unwrap().to_owned();
        out.entry(rule).or_default().insert(c["status"].as_str().unwrap().to_owned());
    }
    out
}

/// The rules that failed, with the period of each failure.
fn failed(report: &Value) -> BTreeSet<(String, String)> {
    let checks = report["checks"].as_array().unwrap().iter().filter(|c| c["status"] == "fail");
    checks.map(|c| (c["rule"].as_str().unwrap().to_owned(), c["period"].as_str().unwrap().to_owned())).collect()
}

#[test]
fn the_dqc_pack_passes_on_each_sample_and_checks_each_dqc_rule_it_cites() {
    for name in ["apple.json", "nvidia.json", "snowflake.json"] {
        let data = root().join("tests/fixtures/sec").join(name);
        let (report, code) = check(&["rules/sec", "rules/dqc", "--data", data.to_str().unwrap()], root());
        assert_eq!(code, 0, "{name}: {}", report["summary"]);
        assert_eq!(failed(&report), BTreeSet::new(), "{name}");
        let passed: BTreeSet<String> =
            statuses(&report).into_iter().filter(|(_, s)| s.contains("pass")).map(|(r, _)| r).collect();
        for family in ["dqc_0004_", "dqc_0009_", "dqc_0015_", "dqc_0084_", "dqc_0108_"] {
            assert!(passed.iter().any(|r| r.starts_with(family)), "{name}: no {family} rule checked: {passed:?}");
        }
    }
    // Snowflake reports no inventory: the rule that reads it is checked nowhere there (a warning),
    // not refused as an unknown name, and Apple's inventory is checked.
    let snowflake = root().join("tests/fixtures/sec/snowflake.json");
    let (report, _) = check(&["rules/dqc", "--data", snowflake.to_str().unwrap()], root());
    assert_eq!(statuses(&report)["dqc_0015_inventory_nonnegative"], BTreeSet::from(["skip".to_owned()]));
    let nowhere = report["diagnostics"].as_array().unwrap().iter().filter(|d| d["code"] == "checked-nowhere");
    assert!(nowhere.map(|d| d["message"].to_string()).any(|m| m.contains("dqc_0015_inventory_nonnegative")));
}

/// One figure of the made-up filing: concept, unit, start (none for a balance), end, value.
type Figure = (&'static str, &'static str, Option<&'static str>, &'static str, i64);

/// A filer's fiscal 2024 (the calendar year): three 10-Qs and a 10-K, every figure consistent,
/// money in whole millions (so each is ±0.5 m) and share counts in thousands.
fn good_year() -> Vec<Figure> {
    const M: i64 = 1_000_000;
    let mut figures: Vec<Figure> = Vec::new();
    let quarters = [("2024-01-01", "2024-03-31"), ("2024-04-01", "2024-06-30"), ("2024-07-01", "2024-09-30")];
    for (concept, q, nine, year) in [
        ("Revenues", 250, 750, 1000),
        ("CostOfRevenue", 100, 300, 400),
        ("GrossProfit", 150, 450, 600),
        ("ResearchAndDevelopmentExpense", 50, 150, 200),
    ] {
        for (start, end) in quarters {
            figures.push((concept, "USD", Some(start), end, q * M));
        }
        figures.push((concept, "USD", Some("2024-01-01"), "2024-09-30", nine * M));
        figures.push((concept, "USD", Some("2024-01-01"), "2024-12-31", year * M));
    }
    // A cash flow, filed to date only.
    for (end, value) in [("2024-03-31", 10), ("2024-06-30", 20), ("2024-09-30", 30), ("2024-12-31", 40)] {
        figures.push(("PaymentsToAcquirePropertyPlantAndEquipment", "USD", Some("2024-01-01"), end, value * M));
    }
    for (concept, value) in [
        ("Assets", 5000 * M),
        ("LiabilitiesAndStockholdersEquity", 5000 * M),
        ("AssetsCurrent", 2000 * M),
        ("Liabilities", 3000 * M),
        ("LiabilitiesCurrent", 1000 * M),
    ] {
        figures.push((concept, "USD", None, "2024-12-31", value));
    }
    figures.push(("CommonStockSharesOutstanding", "shares", None, "2024-12-31", 900_000_000));
    figures.push(("CommonStockSharesIssued", "shares", None, "2024-12-31", 950_000_000));
    figures
}

/// The year with one figure changed: `concept` over `start..end` (or at `end`) set to `value`.
fn changed(concept: &str, start: Option<&str>, end: &str, value: i64) -> Vec<Figure> {
    let mut figures = good_year();
    let figure =
        figures.iter_mut().find(|f| f.0 == concept && f.2 == start && f.3 == end).expect("a figure of the year");
    figure.4 = value;
    figures
}

/// The companyfacts JSON of the figures: a 10-Q for each quarter's figures, a 10-K for the year's.
fn companyfacts(figures: &[Figure]) -> String {
    let mut concepts: BTreeMap<&str, BTreeMap<&str, Vec<String>>> = BTreeMap::new();
    for &(concept, unit, start, end, value) in figures {
        let (form, fp, accn, filed) = match end {
            "2024-03-31" => ("10-Q", "Q1", "0000000009-24-000001", "2024-05-01"),
            "2024-06-30" => ("10-Q", "Q2", "0000000009-24-000002", "2024-08-01"),
            "2024-09-30" => ("10-Q", "Q3", "0000000009-24-000003", "2024-11-01"),
            _ => ("10-K", "FY", "0000000009-25-000001", "2025-02-14"),
        };
        let start = start.map(|s| format!("\"start\": \"{s}\", ")).unwrap_or_default();
        let fact = format!(
            "{{{start}\"end\": \"{end}\", \"val\": {value}, \"accn\": \"{accn}\", \"fy\": 2024, \"fp\": \"{fp}\", \
             \"form\": \"{form}\", \"filed\": \"{filed}\"}}"
        );
        concepts.entry(concept).or_default().entry(unit).or_default().push(fact);
    }
    let body: Vec<String> = concepts
        .iter()
        .map(|(concept, units)| {
            let units: Vec<String> =
                units.iter().map(|(u, facts)| format!("\"{u}\": [{}]", facts.join(", "))).collect();
            format!("\"{concept}\": {{\"units\": {{{}}}}}", units.join(", "))
        })
        .collect();
    format!("{{\"cik\": 9, \"entityName\": \"Made-up Co\", \"facts\": {{\"us-gaap\": {{{}}}}}}}", body.join(", "))
}

/// Checks `rules/dqc` on the figures: the failures and the exit code.
fn run(figures: &[Figure]) -> (BTreeSet<(String, String)>, i32) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("CIK0000000009.json"), companyfacts(figures)).unwrap();
    let pack = root().join("rules/dqc");
    let (report, code) = check(&[pack.to_str().unwrap(), "--data", "CIK0000000009.json"], dir.path());
    (failed(&report), code)
}

fn fails(rule: &str, period: &str) -> BTreeSet<(String, String)> {
    BTreeSet::from([(rule.to_owned(), period.to_owned())])
}

#[test]
fn a_consistent_year_passes_every_rule_it_gives_figures_for() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("CIK0000000009.json"), companyfacts(&good_year())).unwrap();
    let pack = root().join("rules/dqc");
    let (report, code) = check(&[pack.to_str().unwrap(), "--data", "CIK0000000009.json"], dir.path());
    assert_eq!((failed(&report), code), (BTreeSet::new(), 0));
    let passed: BTreeSet<String> =
        statuses(&report).into_iter().filter(|(_, s)| s.contains("pass")).map(|(r, _)| r).collect();
    for rule in [
        "dqc_0004_assets_balance",
        "dqc_0009_shares_outstanding_within_issued",
        "dqc_0009_current_liabilities_within_liabilities",
        "dqc_0015_capex_nonnegative",
        "dqc_0084_research_quarters",
        "dqc_0108_revenue_quarter_within_year",
    ] {
        assert!(passed.contains(rule), "{rule} not checked: {passed:?}");
    }
}

#[test]
fn assets_must_equal_liabilities_and_equity_within_the_filings_rounding() {
    const M: i64 = 1_000_000;
    // Each side filed to the million is ±0.5 m: one million apart, the two may still be equal.
    let (failures, code) = run(&changed("LiabilitiesAndStockholdersEquity", None, "2024-12-31", 5001 * M));
    assert_eq!((failures, code), (BTreeSet::new(), 0));
    // Two million apart they cannot: an error, at the quarter the balance closes (and so exit 1).
    let (failures, code) = run(&changed("LiabilitiesAndStockholdersEquity", None, "2024-12-31", 5002 * M));
    assert_eq!((failures, code), (fails("dqc_0004_assets_balance", "2024Q4"), 1));
}

#[test]
fn a_part_above_its_whole_is_a_warning() {
    let (failures, code) = run(&changed("CommonStockSharesOutstanding", None, "2024-12-31", 960_000_000));
    assert_eq!((failures, code), (fails("dqc_0009_shares_outstanding_within_issued", "2024Q4"), 0));
    let (failures, _) = run(&changed("LiabilitiesCurrent", None, "2024-12-31", 3_001_000_000));
    assert_eq!(failures, fails("dqc_0009_current_liabilities_within_liabilities", "2024Q4"));
}

#[test]
fn a_negative_payment_is_a_warning_at_the_quarter_it_was_filed() {
    // Capex filed as −10 m for the first quarter; Q2 (twenty to date less it) is thirty, still at
    // most the year's forty: only the sign fails.
    let (failures, code) =
        run(&changed("PaymentsToAcquirePropertyPlantAndEquipment", Some("2024-01-01"), "2024-03-31", -10_000_000));
    assert_eq!((failures, code), (fails("dqc_0015_capex_nonnegative", "2024Q1"), 0));
}

#[test]
fn quarters_filed_as_three_months_must_add_up_to_the_nine_months_filed_to_date() {
    const M: i64 = 1_000_000;
    // Q2's research filed 3 m high: the four quarters (three filed, ±0.5 m each, and Q4 = FY − nine
    // months, ±1 m) and the year (±0.5 m) may still meet, 3 m apart at most.
    let (failures, _) = run(&changed("ResearchAndDevelopmentExpense", Some("2024-04-01"), "2024-06-30", 53 * M));
    assert_eq!(failures, BTreeSet::new());
    // 4 m high they cannot.
    let (failures, code) = run(&changed("ResearchAndDevelopmentExpense", Some("2024-04-01"), "2024-06-30", 54 * M));
    assert_eq!((failures, code), (fails("dqc_0084_research_quarters", "FY2024"), 0));
}

#[test]
fn a_quarter_above_its_fiscal_year_is_a_warning() {
    const M: i64 = 1_000_000;
    // Q1's cost of revenue filed as 500 m in a year of 400 m: above its year, and the quarters no
    // longer add up to it.
    let (failures, code) = run(&changed("CostOfRevenue", Some("2024-01-01"), "2024-03-31", 500 * M));
    let expected = BTreeSet::from([
        ("dqc_0084_cost_of_revenue_quarters".to_owned(), "FY2024".to_owned()),
        ("dqc_0108_cost_of_revenue_quarter_within_year".to_owned(), "2024Q1".to_owned()),
    ]);
    assert_eq!((failures, code), (expected, 0));
}
