//! No silent passes: whatever leaves a figure or a rule unchecked shows in the report, so that a
//! typo never reads as a green run. A rule checked nowhere, a data file that gives no fact and a run
//! without rules are warnings (they fail `--deny warnings`); a `*` name matching nothing is an error;
//! a metric of the data no rule reads is a warning where a rule reads a near name (a misspelling that
//! leaves that rule unchecked), else a note shown with `--verbose`.

use crate::common;

use common::{root, settings, tickmark};

/// Runs `tickmark check` on the fixture with more arguments.
fn check(more: &[&str]) -> (String, String, i32) {
    let dir = root().join("tests/fixtures/silent");
    let mut args = vec!["check", "rules", "--data", "data"];
    args.extend_from_slice(more);
    tickmark(&args, &dir)
}

#[test]
fn what_checks_nothing_is_a_warning() {
    let (stdout, stderr, code) = check(&[]);
    assert_eq!(code, 0, "warnings do not fail a run by themselves: {stderr}");
    assert!(stdout.contains("rule `last_year` was checked nowhere"), "{stdout}");
    assert!(stdout.contains("`data/header_only.csv` gives no fact"), "{stdout}");
    assert!(stdout.contains("no rule reads `revnue`"), "a near name of a metric rules read warns: {stdout}");
    assert!(stdout.contains("2 passed") && stdout.ends_with("0 conflicts, 3 warnings\n"), "{stdout}");
    assert!(!stdout.contains("no rule reads `opex`"), "other unread metrics are for --verbose only: {stdout}");
    let (_, _, code) = check(&["--deny", "warnings"]);
    assert_eq!(code, 1, "--deny warnings fails a run that left something unchecked");
}

#[test]
fn verbose_names_every_metric_no_rule_reads() {
    let (stdout, _, code) = check(&["--verbose"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("no rule reads `revnue`") && stdout.contains("[data/amzn.toml:10:10]"), "{stdout}");
    assert!(stdout.contains("no rule reads `opex`"), "{stdout}");
    assert!(!stdout.contains("no rule reads `cost`"), "a title's hole reads its metric: {stdout}");
    assert!(!stdout.contains("no rule reads `revenue`"), "{stdout}");
    assert!(stdout.ends_with("3 warnings\n"), "notes are not warnings: {stdout}");
    settings().bind(|| insta::assert_snapshot!("silence_verbose", stdout));
}

#[test]
fn json_carries_every_warning_and_note() {
    let codes = |more: &[&str]| {
        let mut args = vec!["--format", "json"];
        args.extend_from_slice(more);
        let (stdout, _, _) = check(&args);
        let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        let diags = report["diagnostics"].as_array().unwrap().clone();
        diags
            .iter()
            .map(|d| format!("{} {}", d["level"].as_str().unwrap(), d["code"].as_str().unwrap()))
            .collect::<Vec<_>>()
    };
    assert_eq!(codes(&[]), ["warning checked-nowhere", "warning no-facts", "warning unread-metric"]);
    assert_eq!(
        codes(&["--verbose"]),
        ["warning checked-nowhere", "warning no-facts", "info unread-metric", "warning unread-metric"]
    );
}

#[test]
fn a_run_without_rules_is_a_warning() {
    let dir = root().join("tests/fixtures/silent");
    let (stdout, stderr, code) = tickmark(&["check", "empty_rules", "--data", "data"], &dir);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("the run has no rule: nothing was checked"), "{stdout}");
    let (_, _, code) = tickmark(&["check", "empty_rules", "--data", "data", "--deny", "warnings"], &dir);
    assert_eq!(code, 1);
}

#[test]
fn a_pattern_matching_nothing_is_an_error() {
    let dir = root().join("tests/fixtures/silent");
    let (stdout, stderr, code) = tickmark(&["check", "pattern.tick", "--data", "data"], &dir);
    assert_eq!((code, stdout.as_str()), (2, ""));
    assert!(stderr.contains("`segment.*.revenue` matches no metric in the data"), "{stderr}");
    assert!(stderr.contains("[pattern.tick:1:20]"), "{stderr}");
}

#[test]
fn a_narrowed_run_does_not_call_a_rule_checked_nowhere() {
    // `last_year` is checked nowhere in the whole run; narrowed to 2025Q4 it is simply out of view,
    // and a rule skipped in a narrowed view may be checked outside it.
    let (stdout, _, code) = check(&["--period", "2025Q4"]);
    assert_eq!(code, 0);
    assert!(!stdout.contains("checked nowhere"), "{stdout}");
    assert!(stdout.contains("`data/header_only.csv` gives no fact"), "{stdout}");
}
