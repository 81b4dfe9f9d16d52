//! Rounding-aware verdicts: a check is decided on point values and flagged borderline where values
//! inside its inputs' intervals would give the other verdict (tests/fixtures/borderline/).

use crate::common;

use common::{root, tickmark};

/// `tickmark check` on the borderline fixture, with further arguments.
fn check(args: &[&str]) -> (String, String, i32) {
    let mut all =
        vec!["check", "tests/fixtures/borderline/rules.tick", "--data", "tests/fixtures/borderline/data.toml"];
    all.extend_from_slice(args);
    tickmark(&all, root())
}

/// The line of the every-check list (`--verbose`) of a rule.
fn ledger_line(stdout: &str, rule: &str) -> String {
    let prefix = format!(" {rule} at PBP 2025Q4: ");
    stdout.lines().find(|l| l.contains(&prefix)).unwrap_or_else(|| panic!("no line of `{rule}` in {stdout}")).to_owned()
}

#[test]
fn a_failure_that_rounding_could_flip_says_so_with_the_value_that_flips_it() {
    let (stdout, _, _) = check(&[]);
    assert!(stdout.contains(
        "  help: 29.9 USD bn is above the top of 29.55 USD bn..29.85 USD bn by 0.05 USD bn\n        \
         borderline: 29.9 USD bn may be 29.85 USD bn, inside the range, given rounding\n"
    ));
    // 30.2 (30.15..30.25) is outside 29.55..29.85 however the figures were rounded: no note
    let decided = stdout.split("rule `decided_miss` failed").nth(1).expect("decided_miss fails");
    let decided = decided.split("tickmark::").next().unwrap();
    assert!(!decided.contains("borderline:"), "{decided}");
}

#[test]
fn every_verdict_is_decided_or_borderline() {
    let (stdout, _, code) = check(&["--verbose"]);
    assert_eq!(code, 0, "only warning rules fail");
    let verdict = |rule: &str| {
        let line = ledger_line(&stdout, rule);
        let status = line[..5].trim().to_owned();
        (status, line.contains("; borderline: "), line.ends_with("; decided"))
    };
    let borderline = |status: &str| (status.to_owned(), true, false);
    let decided = |status: &str| (status.to_owned(), false, true);
    assert_eq!(verdict("pbp_in_guide"), borderline("fail"));
    assert_eq!(verdict("decided_miss"), decided("fail"));
    assert_eq!(verdict("below_consensus"), borderline("pass"), "29.9 < 29.95, and 29.9 may be 29.95");
    assert_eq!(verdict("open_top"), borderline("pass"), "29.9 in ..29.9, and 29.9 may be 29.95");
    assert_eq!(verdict("chain"), borderline("pass"), "the second link of 29.55 <= 29.9 <= 29.95");
    assert_eq!(verdict("and_decided"), decided("fail"), "30.2 < 29.9 is false however rounded");
    assert_eq!(verdict("or_decided"), decided("pass"), "30.2 > 29.9 is true however rounded");
    assert_eq!(verdict("not_borderline"), borderline("fail"));
    assert_eq!(verdict("approx_meets"), decided("pass"), "`~=` compares intervals: never borderline");
    assert_eq!(verdict("if_borderline"), borderline("pass"), "the `else` branch might have been taken");
    assert!(
        ledger_line(&stdout, "below_consensus")
            .ends_with("; borderline: 29.9 USD bn may be 29.95 USD bn, at least 29.95 USD bn, given rounding")
    );
    assert!(ledger_line(&stdout, "chain").ends_with(
        "; borderline: 29.9 USD bn may be 29.95 USD bn and 29.95 USD bn may be 29.945 USD bn, given rounding"
    ));
    assert!(stdout.ends_with(
        "summary: 10 rules, 10 checks: 6 passed, 4 failed (0 error, 4 warning, 0 info), 0 erred; 6 borderline; \
         0 skipped; 0 conflicts, 0 warnings\n"
    ));
}

#[test]
fn json_has_a_borderline_field_on_every_check_and_counts_them() {
    let (stdout, _, _) = check(&["--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let flags: Vec<(String, String, bool)> = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let flag = c["borderline"].as_bool().expect("a boolean on every check");
            (c["rule"].as_str().unwrap().to_owned(), c["status"].as_str().unwrap().to_owned(), flag)
        })
        .collect();
    let expected = [
        ("pbp_in_guide", "fail", true),
        ("decided_miss", "fail", false),
        ("below_consensus", "pass", true),
        ("open_top", "pass", true),
        ("chain", "pass", true),
        ("and_decided", "fail", false),
        ("or_decided", "pass", false),
        ("not_borderline", "fail", true),
        ("approx_meets", "pass", false),
        ("if_borderline", "pass", true),
    ];
    let expected: Vec<_> = expected.iter().map(|(r, s, b)| (r.to_string(), s.to_string(), *b)).collect();
    assert_eq!(flags, expected);
    assert_eq!(report["summary"]["borderline"], serde_json::json!({ "passed": 4, "failed": 2 }));
    let explanation = report["checks"][0]["explanation"].as_str().unwrap();
    assert!(explanation.ends_with("\nborderline: 29.9 USD bn may be 29.85 USD bn, inside the range, given rounding"));
}

#[test]
fn deny_borderline_fails_the_run_on_a_borderline_pass_or_failure() {
    assert_eq!(check(&[]).2, 0);
    assert_eq!(check(&["--deny", "borderline"]).2, 1);
    // a borderline pass alone (an info rule) fails it too
    assert_eq!(check(&["--deny", "borderline", "--rule", "below_consensus"]).2, 1);
    // decided verdicts, failed warnings included, do not
    assert_eq!(check(&["--deny", "borderline", "--rule", "decided_miss", "--rule", "approx_meets"]).2, 0);
    assert_eq!(check(&["--deny", "borderline", "--deny", "warnings", "--rule", "decided_miss"]).2, 1);
    assert_eq!(check(&["--deny", "warnings", "--rule", "below_consensus"]).2, 0);
    let (_, stderr, code) = check(&["--deny", "rounding"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("[possible values: warnings, borderline]"), "{stderr}");
}

#[test]
fn other_formats_carry_the_note() {
    let note = "borderline: 29.9 USD bn may be 29.85 USD bn, inside the range, given rounding";
    for format in ["sarif", "github", "junit"] {
        let (stdout, _, _) = check(&["--format", format]);
        assert!(stdout.contains(note), "{format}: {stdout}");
    }
}
