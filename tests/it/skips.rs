//! Skips that matter are never silent, and the words of a report are right: a rule skipped at a
//! period it names warns with the missing input and the data's near name; a growth from a loss is
//! skipped as not meaningful; a run that checks nothing warns; a failed `in` says which end it passed
//! and by how much, in every format; `explain` adds a chain's partial sums; `--rule` and `--period`
//! say where they looked. Fixtures in tests/fixtures/skips/.

use crate::common;

use common::{root, settings, tickmark};
use serde_json::Value;

/// Runs `tickmark` in tests/fixtures/skips/.
fn run(args: &[&str]) -> (String, String, i32) {
    tickmark(args, &root().join("tests/fixtures/skips"))
}

/// `check` of rules.tick against both companies, with more arguments.
fn check(more: &[&str]) -> (String, String, i32) {
    let mut args = vec!["check", "rules.tick", "--data", "data"];
    args.extend_from_slice(more);
    run(&args)
}

/// The level and code of every diagnostic of a JSON report.
fn codes(report: &Value) -> Vec<String> {
    let diags = report["diagnostics"].as_array().unwrap();
    diags.iter().map(|d| format!("{} {}", d["level"].as_str().unwrap(), d["code"].as_str().unwrap())).collect()
}

#[test]
fn a_skip_at_a_named_period_is_a_warning_with_the_near_name() {
    let (stdout, stderr, code) = check(&[]);
    assert_eq!(code, 0, "warnings alone do not fail a run: {stderr}");
    assert!(stdout.contains("rule `eps_beats_consensus` was skipped at ACME 2025Q4, a period it names"), "{stdout}");
    assert!(
        stdout.contains(
            "`consensus.eps_diluted` has no value at ACME 2025Q4; the data has `consensus.eps_dilluted` there"
        ),
        "the missing input and the name the data has instead: {stdout}"
    );
    assert!(
        stdout.contains("every check was skipped: `consensus.eps_diluted` has no value at ACME 2025Q4; the data has"),
        "a rule checked nowhere names the near name too: {stdout}"
    );
    assert!(!stdout.contains("at BETA"), "BETA gives no EPS: the rule is not about it, no warning: {stdout}");
    assert!(!stdout.contains("implied_q4_positive"), "ACME gives no fiscal year: nothing to warn of: {stdout}");
    assert!(
        stdout.ends_with(
            "3 passed, 0 failed (0 error, 0 warning, 0 info), 0 erred; 6 skipped; 0 conflicts, 4 warnings\n"
        ),
        "{stdout}"
    );
    let (_, _, code) = check(&["--deny", "warnings"]);
    assert_eq!(code, 1, "--deny warnings fails a run that skipped where a rule was written for");
    settings().bind(|| insta::assert_snapshot!("skips_named_periods", stdout));
}

#[test]
fn every_format_carries_the_new_warnings() {
    let (stdout, _, _) = check(&["--format", "json"]);
    let report: Value = serde_json::from_str(&stdout).unwrap();
    let expected = [
        "warning checked-nowhere",
        "warning skipped-at-named-period",
        "warning skipped-at-named-period",
        "warning unread-metric",
    ];
    assert_eq!(codes(&report), expected);
    assert_eq!(report["summary"]["warnings"], 4, "{stdout}");
    let (sarif, _, _) = check(&["--format", "sarif"]);
    assert!(sarif.contains("skipped-at-named-period") && sarif.contains("consensus.eps_dilluted"), "{sarif}");
    let (github, _, _) = check(&["--format", "github"]);
    assert!(github.contains("::warning") && github.contains("was skipped at ACME 2025Q4"), "{github}");
    let (junit, _, _) = check(&["--format", "junit"]);
    assert!(junit.contains("is not meaningful at 2025Q4: base is a loss (-2.5 USD bn)"), "{junit}");
}

#[test]
fn growth_from_a_loss_is_not_meaningful() {
    let (stdout, _, _) = check(&["--format", "json"]);
    let report: Value = serde_json::from_str(&stdout).unwrap();
    let checks = report["checks"].as_array().unwrap();
    let at = |rule: &str, entity: &str, period: &str| {
        let found = checks.iter().find(|c| c["rule"] == rule && c["entity"] == entity && c["period"] == period);
        found.unwrap_or_else(|| panic!("no check {rule} {entity} {period}: {stdout}")).clone()
    };
    let grew = at("profit_grew", "ACME", "2025Q4");
    assert_eq!(grew["status"], "skip", "never a percentage from a loss: {grew}");
    assert_eq!(grew["missing"]["name"], "the growth of `net_income`");
    assert_eq!(grew["missing"]["not_meaningful"], "base is a loss (-2.5 USD bn)");
    assert_eq!(at("profit_grew", "ACME", "2025Q3")["status"], "pass", "from a profit it is a growth");
    let (explained, _, _) = run(&["explain", "profit_grew", "rules.tick", "--data", "data", "--period", "2025Q4"]);
    assert!(
        explained
            .contains("skip, the growth of `net_income` is not meaningful at 2025Q4: base is a loss (-2.5 USD bn)"),
        "{explained}"
    );
    let (evaluated, _, _) =
        run(&["eval", "growth(net_income, net_income[-1y])", "rules.tick", "--data", "data", "--period", "2025Q4"]);
    assert!(evaluated.contains("not meaningful at 2025Q4: base is a loss (-2.5 USD bn)"), "{evaluated}");
    let eval = |expr: &str| run(&["eval", expr, "texts.tick", "--data", "texts.toml", "--period", "2025Q3"]).0;
    let zero = eval("growth(revenue, revenue - revenue)");
    assert!(zero.contains("the growth of `revenue` is not meaningful at 2025Q3: base is zero"), "{zero}");
    // a positive base whose rounding reaches zero is a division by zero, as in `x / y`
    let near_zero = eval("growth(revenue, revenue - 76.39 USD bn)");
    assert!(near_zero.contains("error: division by a value whose rounding interval contains zero"), "{near_zero}");
}

#[test]
fn a_named_period_without_data_is_checked_where_other_periods_give_the_inputs() {
    let (stdout, _, _) = check(&["--verbose"]);
    assert!(stdout.contains("pass  implied_q4_positive at BETA 2025Q4"), "FY less three quarters: {stdout}");
    assert!(stdout.contains("skip  implied_q4_positive at ACME 2025Q4"), "{stdout}");
    let at_beta = stdout.lines().filter(|l| l.contains(" at BETA 2025Q4: ")).count();
    assert_eq!(at_beta, 1, "no check made at BETA 2025Q4 but the one that passed: {stdout}");
    let (only, _, _) = check(&["--rule", "implied_q4_positive", "--entity", "BETA", "--format", "json"]);
    let report: Value = serde_json::from_str(&only).unwrap();
    assert_eq!(report["summary"]["passed"], 1, "{only}");
}

#[test]
fn a_run_that_checks_nothing_is_a_warning() {
    let narrowed = ["--rule", "implied_q4_positive", "--period", "2025Q3"];
    let (stdout, stderr, code) = check(&narrowed);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("the run checked nothing"), "{stdout}");
    assert!(stdout.contains("no rule of the run is checked at the entities and periods it is narrowed to"));
    let (_, _, code) = check(&[&narrowed[..], &["--deny", "warnings"]].concat());
    assert_eq!(code, 1, "a narrowed run that checks nothing fails under --deny warnings");
    let (json, _, _) = check(&[&narrowed[..], &["--format", "json"]].concat());
    let report: Value = serde_json::from_str(&json).unwrap();
    assert!(codes(&report).contains(&"warning nothing-checked".to_owned()), "{json}");
    let (all_skipped, _, _) = check(&["--rule", "implied_q4_positive", "--entity", "ACME"]);
    assert!(all_skipped.contains("every check was skipped (1)"), "{all_skipped}");
}

#[test]
fn a_failed_in_says_which_end_and_by_how_much_in_every_format() {
    let texts = ["check", "texts.tick", "--data", "texts.toml"];
    let expected = [
        "76.4 USD bn is below the bottom of 80 USD bn..90 USD bn by 3.6 USD bn",
        "76.4 USD bn is above the top of 60 USD bn..70 USD bn by 6.4 USD bn",
        "76.4 USD bn is above the top of ..70 USD bn by 6.4 USD bn",
        "76.4 USD bn is below the bottom of 80000 USD m.. by 3.6 USD bn",
        "76.4 USD bn is above the top of 60.0 USD bn..60.0 USD bn by 16.4 USD bn",
    ];
    for format in ["human", "json", "sarif", "github"] {
        let (stdout, _, code) = run(&[&texts[..], &["--format", format]].concat());
        assert_eq!(code, 1, "{format}: {stdout}");
        for text in expected {
            assert!(stdout.contains(text), "{format} lacks `{text}`: {stdout}");
        }
        assert!(!stdout.contains("by 76.4"), "{format}: {stdout}");
    }
}

#[test]
fn explain_shows_the_terms_of_a_chain() {
    // the evaluator adds a chain's terms in one go (each bound exactly), so the tree shows the sum and
    // beneath it every term with its value, never an inner part "not evaluated"
    let (stdout, stderr, code) = run(&["explain", "quarters_add_up", "texts.tick", "--data", "texts.toml"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!stdout.contains("not evaluated"), "{stdout}");
    assert!(stdout.contains("281.4 USD bn (281.20 USD bn..281.60 USD bn)"), "Q1 + Q2 + Q3 + Q4: {stdout}");
    for term in ["60.0 USD bn (59.95 USD bn..60.05 USD bn)", "65.0 USD bn (64.95 USD bn..65.05 USD bn)"] {
        assert!(stdout.contains(term), "{term}: {stdout}");
    }
    settings().bind(|| insta::assert_snapshot!("skips_explain_partial_sums", stdout));
}

#[test]
fn narrowing_arguments_say_where_they_looked() {
    let (_, stderr, code) = check(&["--rule", "eps_beats_consensuss"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("no rule `eps_beats_consensuss` in the rule files"), "{stderr}");
    assert!(stderr.contains("did you mean `eps_beats_consensus`?"), "{stderr}");
    let (_, stderr, code) = check(&["--period", "2027Q3"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("the data has no figure at `2027Q3`"), "{stderr}");
    let (_, stderr, _) = run(&["explain", "nosuchrule", "rules.tick", "--data", "data"]);
    assert!(stderr.contains("no rule `nosuchrule` in the rule files"), "{stderr}");
}
