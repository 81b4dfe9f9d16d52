//! End to end: the real binary on the shipped pack and on broken inputs, as a user runs it.

use crate::common;

use common::{root, settings, tickmark};

use std::process::Command;

#[test]
fn shipped_pack_report() {
    let (stdout, stderr, code) = tickmark(&["check"], root());
    assert_eq!(code, 0, "warnings and infos alone exit 0\n{stderr}");
    settings().bind(|| insta::assert_snapshot!("shipped_pack_human", stdout));
}

#[test]
fn shipped_pack_verdicts() {
    let (stdout, _, code) = tickmark(&["check", "--format", "json"], root());
    assert_eq!(code, 0);
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let status = |rule: &str, period: &str| -> String {
        let checks = report["checks"].as_array().unwrap();
        let check = checks.iter().find(|c| c["rule"] == rule && c["entity"] == "AMZN" && c["period"] == period);
        check.map_or_else(|| "absent".into(), |c| c["status"].as_str().unwrap().to_owned())
    };
    // The article's "+40 %" for Q3 2025 net income: 21.2 / 15.3 − 1 is 37.8 %..39.3 %, never 39.5 %.
    assert_eq!(status("q3_net_income_growth_40pct", "2025Q3"), "fail");
    // Q4 revenue 213.4 beat the top of the "up to 213" guidance.
    assert_eq!(status("q4_revenue_within_guidance", "2025Q4"), "fail");
    // The user's own rule: the guidance midpoint margin 10.80 % is below the prior-year Q1 margin 11.82 %.
    assert_eq!(status("margin_compression", "2026Q1"), "pass");
    assert_eq!(status("guidance_midpoint_margin_10_8pct", "2026Q1"), "pass");
    assert_eq!(status("segment_revenue_adds_up", "2025Q4"), "pass");
    assert_eq!(status("free_cash_flow_is_cash_flow_less_capex", "FY2025"), "pass");
    assert_eq!(status("aws_margin_35pct", "2025Q4"), "pass");
    assert_eq!(status("capex_plan_about_50pct_strict", "FY2026"), "fail");
    assert_eq!(status("capex_plan_about_50pct_within_5pp", "FY2026"), "pass");
    assert_eq!(status("eps_vs_consensus", "2025Q4"), "fail");
    // The 2025 capex of the two articles: 128.3 (000) against 131 (003), the first file wins.
    let conflicts = report["conflicts"].as_array().unwrap();
    assert_eq!(conflicts.len(), 1);
    assert_eq!((conflicts[0]["metric"].as_str(), conflicts[0]["period"].as_str()), (Some("capex"), Some("FY2025")));
    assert_eq!(conflicts[0]["kept"]["value"], "128.3 USD bn");
    assert_eq!(conflicts[0]["other"]["value"], "131 USD bn");
    assert_eq!(report["summary"]["failed"]["error"], 0);
}

#[test]
fn json_report_is_the_same_bytes_every_run() {
    let first = tickmark(&["check", "--format", "json"], root()).0;
    let second = tickmark(&["check", "--format", "json"], root()).0;
    assert_eq!(first, second);
    settings().bind(|| insta::assert_snapshot!("shipped_pack_json", first));
}

#[test]
fn deny_warnings_fails_the_run() {
    let (_, _, code) = tickmark(&["check", "--deny", "warnings"], root());
    assert_eq!(code, 1);
}

#[test]
fn filters_narrow_the_run() {
    let (stdout, _, code) = tickmark(&["check", "--rule", "q3_net_income_growth_40pct", "--period", "2025Q3"], root());
    assert_eq!(code, 0);
    assert!(stdout.contains("summary: 1 rule, 1 check: 0 passed, 1 failed (0 error, 1 warning, 0 info)"), "{stdout}");
}

#[test]
fn unknown_filter_values_are_usage_errors() {
    let (_, stderr, code) = tickmark(&["check", "--entity", "AMZM"], root());
    assert_eq!(code, 2);
    assert!(stderr.contains("no entity `AMZM` in the data") && stderr.contains("did you mean `AMZN`?"), "{stderr}");
    let (_, stderr, code) = tickmark(&["check", "--period", "2025Q5"], root());
    assert_eq!(code, 2);
    assert!(stderr.contains("`2025Q5` is not a period"), "{stderr}");
    let (_, _, code) = tickmark(&["check", "--format", "yaml"], root());
    assert_eq!(code, 2);
}

#[test]
fn an_error_rule_that_fails_exits_1() {
    let dir = root().join("tests/fixtures/cli");
    let (stdout, _, code) = tickmark(&["check", "failing.tick", "--data", "../eval/data"], &dir);
    assert_eq!(code, 1, "{stdout}");
}

#[test]
fn broken_inputs_exit_2_with_a_diagnostic_naming_the_file() {
    let dir = root().join("tests/fixtures/cli");
    let (stdout, stderr, code) = tickmark(&["check", "broken.tick", "--data", "../eval/data"], &dir);
    assert_eq!((code, stdout.as_str()), (2, ""));
    assert!(stderr.contains("broken.tick:"), "{stderr}");
    let (_, stderr, code) = tickmark(&["check", "failing.tick", "--data", "../data/err/toml_syntax.toml"], &dir);
    assert_eq!(code, 2);
    assert!(stderr.contains("toml_syntax.toml"), "{stderr}");
    let (_, stderr, code) = tickmark(&["check", "missing.tick", "--data", "../eval/data"], &dir);
    assert_eq!(code, 2);
    assert!(stderr.contains("cannot read `missing.tick`: no such file"), "{stderr}");
}

#[test]
fn quiet_and_verbose_say_less_and_more() {
    let (quiet, _, code) = tickmark(&["check", "--quiet"], root());
    assert_eq!(code, 0);
    assert_eq!(quiet.lines().count(), 1, "only the summary: no error rule failed\n{quiet}");
    let (verbose, _, _) = tickmark(&["check", "--verbose"], root());
    assert!(verbose.contains("pass  margin_compression at AMZN 2026Q1"), "{verbose}");
    assert!(verbose.contains("skip  free_cash_flow_is_cash_flow_less_capex at AMZN 2025Q4"), "{verbose}");
    let (_, _, code) = tickmark(&["check", "--quiet", "--verbose"], root());
    assert_eq!(code, 2, "quiet and verbose contradict each other");
}

#[test]
fn no_colour_when_not_a_terminal() {
    let out = Command::new(env!("CARGO_BIN_EXE_tickmark"))
        .arg("check")
        .current_dir(root())
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stdout).contains('\u{1b}'), "escape codes in piped output");
}

#[test]
fn every_command_has_help_with_an_example() {
    let (help, _, _) = tickmark(&["--help"], root());
    let commands: Vec<&str> = help
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .collect();
    assert!(commands.len() >= 8, "{help}");
    for command in commands {
        let (text, _, code) = tickmark(&[command, "--help"], root());
        assert_eq!(code, 0);
        assert!(text.contains("Example"), "`tickmark {command} --help` shows no example:\n{text}");
    }
}

#[test]
fn completions_for_the_common_shells() {
    for shell in ["bash", "zsh", "fish"] {
        let (script, _, code) = tickmark(&["completions", shell], root());
        assert_eq!(code, 0);
        assert!(script.contains("tickmark") && script.contains("check") && script.contains("--deny"), "{shell}");
    }
    let (_, _, code) = tickmark(&["completions", "cmd.exe"], root());
    assert_eq!(code, 2);
}

#[cfg(target_os = "linux")]
#[test]
fn a_report_that_cannot_be_written_is_exit_2() {
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tickmark"))
        .args(["check", "--format", "json"])
        .current_dir(root())
        .stdout(full)
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2), "a lost report must not read as a green run: {stderr}");
    assert!(stderr.contains("the report could not be written"), "{stderr}");
}

/// `check --no-data` checks rule files alone: the shipped pack holds, and the unit errors that the
/// declarations of `rules/core/metrics.tick` make visible are found without reading any data (the
/// `tickmark.toml` here names a data folder that does not exist).
#[test]
fn rules_check_without_data() {
    let (stdout, stderr, code) = tickmark(&["check", "--no-data"], root());
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.starts_with("rules check without data: 40 rules, "), "{stdout}");
    let dir = tempfile::tempdir().unwrap();
    let core = dir.path().join("rules/core");
    std::fs::create_dir_all(&core).unwrap();
    std::fs::copy(root().join("rules/core/metrics.tick"), core.join("metrics.tick")).unwrap();
    std::fs::write(dir.path().join("tickmark.toml"), "rules = [\"rules\"]\ndata = [\"no-such-data\"]\n").unwrap();
    std::fs::write(
        dir.path().join("rules/claims.tick"),
        "use \"core/metrics.tick\"\n\nlet op_margin = operating_income / revenue\n\n\
         rule capex_plan: capex > 200\n\nrule nonsense: eps_diluted + revenue > 0\n\nrule floor: op_margin > 0.4\n\n\
         rule fine: op_margin > 40% and capex > 200 USD bn and undeclared > 3\n",
    )
    .unwrap();
    let (stdout, stderr, code) = tickmark(&["check", "--no-data"], dir.path());
    assert_eq!((code, stdout.as_str()), (2, ""), "{stderr}");
    assert_eq!(stderr.matches("tickmark::bare-number").count(), 2, "{stderr}");
    assert_eq!(stderr.matches("tickmark::unit-mismatch").count(), 1, "{stderr}");
    assert!(stderr.contains("write `40%` (`0.4` is a fraction)"), "{stderr}");
    assert!(stderr.contains("as in `200 USD bn`"), "{stderr}");
    assert!(!stderr.contains("no-such-data"), "no data is read: {stderr}");
}

/// Both streams failing (`>/dev/full 2>/dev/full`) is exit code 2, as a lost report always is, and
/// never a panic (101): the message that says so cannot be written either.
#[cfg(target_os = "linux")]
#[test]
fn a_report_lost_on_both_streams_exits_2_without_a_panic() {
    let full = || std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    for args in [&["check"][..], &["check", "--format", "json"], &["check", "--bogus-flag"], &["sheet"]] {
        let status = Command::new(env!("CARGO_BIN_EXE_tickmark"))
            .args(args)
            .current_dir(root())
            .stdout(full())
            .stderr(full())
            .status()
            .unwrap();
        assert_eq!(status.code(), Some(2), "{args:?}");
    }
}

/// `check --no-data` in a machine format prints that format's document with no diagnostic in it
/// (GitHub annotations: none), or the document of the errors found, exit 2.
#[test]
fn rules_check_without_data_in_every_format() {
    let (stdout, stderr, code) = tickmark(&["check", "--no-data", "--format", "json"], root());
    assert_eq!((code, stderr.as_str()), (0, ""));
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["diagnostics"], serde_json::json!([]));
    let (stdout, _, code) = tickmark(&["check", "--no-data", "--format", "github"], root());
    assert_eq!((code, stdout.as_str()), (0, ""));
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("r.tick"), "metric capex: money\n\nrule r: capex > 200\n").unwrap();
    let (stdout, _, code) = tickmark(&["check", "--no-data", "r.tick", "--format", "json"], dir.path());
    assert_eq!(code, 2);
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["diagnostics"][0]["code"], "bare-number", "{stdout}");
    assert_eq!(doc["diagnostics"][0]["labels"][0]["code"], "200", "{stdout}");
}
