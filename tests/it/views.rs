//! The analyst's views, end to end: `explain`, `eval` and `sheet` run as the real binary in the
//! repository root (on the shipped pack of tickmark.toml) or on tests/fixtures/views/, and what they
//! print snapshotted in snapshots/views_*.snap.

use crate::common;

use common::{root, settings};

use std::process::Command;

/// What a run printed and how it exited.
struct Run {
    /// The command line as a user would type it.
    line: Vec<String>,
    stdout: String,
    stderr: String,
    code: i32,
}

impl Run {
    /// The snapshot body: the command line, the exit code, then stdout and stderr in sections.
    fn shown(&self) -> String {
        format!(
            "$ {}\nexit code: {}\n----- stdout\n{}----- stderr\n{}",
            self.line.join(" "),
            self.code,
            self.stdout,
            self.stderr
        )
    }
}

/// Runs `tickmark` in the repository root without colour and without `COLUMNS`, plus `env`.
fn tickmark_with(args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tickmark"));
    command.args(args).current_dir(root()).env("NO_COLOR", "1").env_remove("COLUMNS");
    for (key, value) in env {
        command.env(key, value);
    }
    let out = command.output().unwrap();
    let text = |b: Vec<u8>| String::from_utf8(b).unwrap();
    let mut line: Vec<String> = env.iter().map(|(key, value)| format!("{key}={value}")).collect();
    line.push("tickmark".to_owned());
    line.extend(args.iter().map(|a| if a.contains(' ') { format!("'{a}'") } else { (*a).to_owned() }));
    Run { line, stdout: text(out.stdout), stderr: text(out.stderr), code: out.status.code().unwrap_or(-1) }
}

/// Runs `tickmark` in the repository root.
fn tickmark(args: &[&str]) -> Run {
    tickmark_with(args, &[])
}

/// Snapshots a run under `name`.
fn snapshot(name: &str, run: &Run) {
    settings().bind(|| insta::assert_snapshot!(name, run.shown()));
}

/// The fixture's rule and data paths, after a command's own arguments.
const FIXTURE: [&str; 3] = ["tests/fixtures/views/rules.tick", "--data", "tests/fixtures/views/data.toml"];

#[test]
fn explain_a_failing_rule() {
    let run = tickmark(&["explain", "q3_net_income_growth_40pct"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.starts_with("rule `q3_net_income_growth_40pct` (warning) at AMZN 2025Q3: fail\n"));
    assert!(run.stdout.contains("net_income[-1y]"), "the prior-year figure is a node");
    assert!(run.stdout.contains("at 2024Q3"), "the shift says which period it read");
    assert!(
        run.stdout.contains("from data/amazon/001-q3-2025-overview.toml:19:14"),
        "a fact says where it was written"
    );
    snapshot("views_explain_failing", &run);
}

#[test]
fn explain_a_passing_rule_with_cells_and_a_shift() {
    let run = tickmark(&["explain", "margin_compression"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("at AMZN 2026Q1: pass"));
    assert!(run.stdout.contains("op_margin = operating_income / revenue"), "a cell is expanded under its reference");
    assert!(run.stdout.contains("defined at rules/core/cells.tick:9:5"));
    assert!(run.stdout.contains("11.82 % (11.781 %..11.854 %)  at 2025Q1"));
    snapshot("views_explain_passing", &run);
}

#[test]
fn explain_shows_errors_skips_and_branches_not_taken() {
    let mut args = vec!["explain", "margin_positive", "--period", "2025Q1", "--period", "2025Q3"];
    args.extend(FIXTURE);
    let errs = tickmark(&args);
    assert_eq!(errs.code, 0, "{}", errs.stderr);
    assert!(errs.stdout.contains("error: division by zero"), "the error is said where it happens");
    assert!(errs.stdout.contains("no value: `profit` at 2025Q3"), "the missing input is said where it is missing");
    snapshot("views_explain_error_and_skip", &errs);
    let mut args = vec!["explain", "revenue_in_guidance", "--period", "2025Q2"];
    args.extend(FIXTURE);
    let branch = tickmark(&args);
    assert!(branch.stdout.contains("revenue > 0"));
    assert!(branch.stdout.contains("not evaluated"), "the branch not taken is marked");
    snapshot("views_explain_branch", &branch);
}

#[test]
fn explain_skips_in_one_line_each() {
    let run = tickmark(&["explain", "segment_operating_income_adds_up", "--entity", "AMZN"]);
    assert!(run.stdout.contains("at AMZN 2024Q4: skip, `operating_income` has no value at 2024Q4\n"));
    assert!(run.stdout.ends_with("9 checks: 1 passed, 0 failed, 0 erred; 8 skipped\n"));
}

#[test]
fn explain_an_unknown_rule() {
    let run = tickmark(&["explain", "margin_compresion", "--entity", "AMZM"]);
    assert_eq!(run.code, 2);
    assert!(run.stdout.is_empty());
    assert!(run.stderr.contains("did you mean `margin_compression`?"));
    assert!(run.stderr.contains("did you mean `AMZN`?"));
    snapshot("views_explain_unknown_rule", &run);
}

#[test]
fn explain_a_rule_with_no_check_there() {
    let run = tickmark(&["explain", "margin_compression", "--period", "2025Q4"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("the rule is checked at 2026Q1"), "{}", run.stderr);
}

#[test]
fn eval_a_margin() {
    let run = tickmark(&["eval", "operating_income / revenue", "--entity", "AMZN"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("AMZN    2025Q1  11.82 % (11.781 %..11.854 %)\n"));
    assert!(run.stdout.contains("AMZN    2025Q3  —  (no value: `operating_income` at 2025Q3)\n"));
    snapshot("views_eval_margin", &run);
}

#[test]
fn eval_a_fact() {
    let run = tickmark(&["eval", "revenue", "--entity", "AMZN", "--period", "2025Q4"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows: Vec<&str> = run.stdout.lines().skip(1).collect();
    assert_eq!(rows, ["AMZN    2025Q4  213.4 USD bn (213.35 USD bn..213.45 USD bn)"]);
}

#[test]
fn eval_reports_errors_in_words() {
    let mut args = vec!["eval", "profit / base", "--period", "2025Q1"];
    args.extend(FIXTURE);
    let run = tickmark(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("TEST    2025Q1  error: division by zero"), "{}", run.stdout);
}

#[test]
fn eval_an_unknown_name() {
    let run = tickmark(&["eval", "operating_incme / revenue"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("╭─[<expr>:1:1]"), "the diagnostic points into the expression");
    assert!(run.stderr.contains("did you mean `operating_income`?"));
    snapshot("views_eval_unknown_name", &run);
}

#[test]
fn eval_a_syntax_error() {
    let run = tickmark(&["eval", "revenue +"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("expected an expression"), "{}", run.stderr);
}

#[test]
fn sheet_as_a_table() {
    let run = tickmark(&["sheet", "--entity", "AMZN"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("AMZN · actual\n") && run.stdout.contains("AMZN · guidance\n"));
    assert!(!run.stdout.contains('\x1b'), "no colour off a terminal");
    snapshot("views_sheet_table", &run);
}

#[test]
fn sheet_splits_to_fit_the_width() {
    let run = tickmark_with(&["sheet", "--entity", "AMZN"], &[("COLUMNS", "80")]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let widest = run.stdout.lines().map(|l| l.chars().count()).max();
    assert!(widest <= Some(80), "every row fits 80 columns, widest {widest:?}");
    assert!(run.stdout.contains("AMZN · actual, continued\n"));
    snapshot("views_sheet_narrow", &run);
}

#[test]
fn sheet_as_csv() {
    let run = tickmark(&["sheet", "--entity", "AMZN", "--format", "csv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.starts_with("entity,metric,unit,actual 2024Q3,actual 2024Q3 status,"));
    assert!(run.stdout.contains("\nAMZN,revenue,USD bn,158.9,checked,"));
    snapshot("views_sheet_csv", &run);
}

#[test]
fn sheet_as_json() {
    let run = tickmark(&["sheet", "--entity", "AMZN", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let sheet: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let facts = sheet["facts"].as_array().unwrap();
    let fact = |metric: &str, scenario: &str, period: &str| {
        let found = facts.iter().find(|f| f["metric"] == metric && f["scenario"] == scenario && f["period"] == period);
        found.unwrap_or_else(|| panic!("no {scenario} {metric} at {period}")).clone()
    };
    // 2025 capex: 128.3 (000, kept over 003's 131) is read by the strict "+50 %" claim, which fails.
    let capex = fact("capex", "actual", "FY2025");
    assert_eq!((capex["value"].as_str(), capex["unit"].as_str()), (Some("128.3"), Some("USD bn")));
    assert_eq!(capex["status"], "failed");
    assert_eq!(capex["location"], "data/amazon/000-q4-2025-results.toml:59:9");
    assert!(capex["failed_by"].as_array().unwrap().iter().any(|r| r == "capex_plan_about_50pct_strict"));
    // Q3 net income 21.2 is read by the failed "+40 %" claim.
    assert_eq!(fact("net_income", "actual", "2025Q3")["status"], "failed");
    // Operating income 25.0 is read by passing checks only; Q4 subscriptions by none.
    assert_eq!(fact("operating_income", "actual", "2025Q4")["status"], "checked");
    assert_eq!(fact("subscription_revenue", "actual", "2025Q4")["status"], "bare");
    assert!(facts.iter().all(|f| f["entity"] == "AMZN"));
    snapshot("views_sheet_json", &run);
}

#[test]
fn sheet_of_an_unknown_entity() {
    let run = tickmark(&["sheet", "--entity", "amzn"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no entity `amzn` in the data"), "{}", run.stderr);
}

#[test]
fn every_view_has_examples_in_its_help() {
    for command in ["explain", "eval", "sheet"] {
        let run = tickmark(&[command, "--help"]);
        assert_eq!(run.code, 0);
        assert!(run.stdout.contains("Examples:\n  tickmark "), "`tickmark {command} --help` shows examples");
    }
}

#[test]
fn a_cell_used_many_times_is_drawn_once() {
    // c24 reads c0 through 2^24 paths: drawn whole at every use, the tree would never end.
    let dir = std::env::temp_dir().join(format!("tickmark-views-doubling-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut rules = String::from("let c0 = revenue + revenue\n");
    for i in 1..=24 {
        rules.push_str(&format!("let c{i} = c{} + c{}\n", i - 1, i - 1));
    }
    rules.push_str("rule big at 2025Q4: c24 > 0\n");
    std::fs::write(dir.join("doubling.tick"), rules).unwrap();
    let data = root().join("tests/fixtures/eval/data");
    let (stdout, stderr, code) =
        common::tickmark(&["explain", "big", "doubling.tick", "--data", data.to_str().unwrap()], &dir);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.lines().count() < 100, "{} lines", stdout.lines().count());
    assert!(stdout.contains("(drawn above)"), "{stdout}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn sheet_and_eval_run_on_data_alone() {
    let dir = std::env::temp_dir();
    let data = root().join("tests/fixtures/eval/data");
    let (stdout, stderr, code) = common::tickmark(&["eval", "revenue", "--data", data.to_str().unwrap()], &dir);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("ACME    2025Q4  120.0 USD m"), "{stdout}");
    let (stdout, _, code) = common::tickmark(&["sheet", "--data", data.to_str().unwrap()], &dir);
    assert_eq!(code, 0);
    assert!(stdout.starts_with("ACME: name = \"Acme Corp.\"\n\nACME · actual"), "{stdout}");
}
