//! Vintages: guidance given several times is a history, not a conflict. Which vintage a name reads by
//! default (the latest given before the period's actual was reported), `[given -1]`, `[given DATE]`,
//! `[given first]` and `[given last]`, conflicts only within one vintage, the vintage named in reports
//! (SEC filings as vintages: tests/it/sec.rs), and the core rules that flag raised, cut and reiterated guidance.

use crate::common;

use std::path::PathBuf;

use common::{load, root, run_all, tickmark, verdicts};
use tickmark::data::{SheetBuilder, Sheets, load_paths};
use tickmark::period::Period;
use tickmark::source::Sources;
use tickmark::syntax::ast::{Scenario, Vintage};

/// The fixture folder of this test.
fn fixtures() -> PathBuf {
    root().join("tests/fixtures/vintages")
}

/// Every (rule, entity, period, status) of the fixture rules and the core guidance rules on ACME.
fn statuses() -> Vec<(String, String, String, &'static str)> {
    let rules = [fixtures().join("rules.tick"), root().join("rules/core/guidance.tick")];
    let mut sources = Sources::default();
    let (program, sheets) = load(&rules, &[fixtures()], &mut sources).unwrap_or_else(|e| panic!("{e:?}"));
    let (checks, _) = run_all(&program, &sheets);
    verdicts(&program, &sheets, &checks)
}

/// The status of one rule at ACME and a period.
fn status(all: &[(String, String, String, &'static str)], rule: &str, period: &str) -> &'static str {
    let found = all.iter().find(|(r, e, p, _)| r == rule && e == "ACME" && p == period);
    found.unwrap_or_else(|| panic!("no check of {rule} at {period}")).3
}

#[test]
fn the_default_is_the_latest_given_before_the_actual_and_an_index_steps_back() {
    let all = statuses();
    for rule in [
        "default_is_latest_before_actual",
        "one_back_is_july",
        "two_back_is_april",
        "first_is_february",
        "as_of_a_date_is_the_latest_before",
        "consensus_before_results",
    ] {
        assert_eq!(status(&all, rule, "FY2025"), "pass", "{rule}");
    }
    assert_eq!(status(&all, "no_actual_reads_the_latest", "FY2026"), "pass");
    // 106.2 is not above the February guidance's top, 110.
    assert_eq!(status(&all, "beat_the_first_guidance", "FY2025"), "fail");
}

#[test]
fn a_vintage_that_is_not_there_skips() {
    let all = statuses();
    for rule in ["before_the_first_skips", "too_far_back_skips", "undated_has_no_earlier"] {
        assert_eq!(status(&all, rule, "FY2025"), "skip", "{rule}");
    }
}

#[test]
fn the_core_rules_flag_raised_cut_and_reiterated_guidance() {
    let all = statuses();
    // 2025Q3: 25..27 in April, 26..28 in July: raised. 2025Q4: 27..29 in July, 26..28 in October: cut.
    // FY2025: 102..108 in July and again in October: reiterated. FY2026: 115..125, then 118..126: raised.
    let expected = [
        ("guidance_raised", "2025Q3", "fail"),
        ("guidance_cut", "2025Q3", "pass"),
        ("guidance_reiterated", "2025Q3", "pass"),
        ("guidance_raised", "2025Q4", "pass"),
        ("guidance_cut", "2025Q4", "fail"),
        ("guidance_reiterated", "2025Q4", "pass"),
        ("guidance_raised", "FY2025", "pass"),
        ("guidance_cut", "FY2025", "pass"),
        ("guidance_reiterated", "FY2025", "fail"),
        ("guidance_raised", "FY2026", "fail"),
        ("guidance_cut", "FY2026", "pass"),
    ];
    for (rule, period, verdict) in expected {
        assert_eq!(status(&all, rule, period), verdict, "{rule} at {period}");
    }
}

/// The sheets of the fixture data.
fn sheets() -> Sheets {
    let mut sources = Sources::default();
    let mut builder = SheetBuilder::default();
    load_paths(&[fixtures()], &mut sources, &mut builder).unwrap_or_else(|e| panic!("{e:?}"));
    builder.finish().unwrap_or_else(|e| panic!("{e:?}"))
}

#[test]
fn conflicts_are_only_between_sources_of_one_vintage() {
    let sheets = sheets();
    let conflicts: Vec<_> = sheets
        .conflicts
        .iter()
        .map(|c| {
            (c.key.period.to_string(), c.kept.given.map(|d| d.to_string()), c.kept.value.show(), c.other.value.show())
        })
        .collect();
    // FY2025's four different ranges are vintages; 2025Q4's two sources of October agree; FY2026's two
    // sources of October do not.
    assert_eq!(
        conflicts,
        [(
            "FY2026".to_owned(),
            Some("2025-10-28".to_owned()),
            "115 USD bn..125 USD bn".to_owned(),
            "110 USD bn..120 USD bn".to_owned()
        )]
    );
    let revenue = sheets.metric_id("revenue").unwrap();
    let fy2025 = Period::parse("FY2025").unwrap();
    let given: Vec<String> = ["2025-02-04", "2025-04-29", "2025-07-29", "2025-10-28"].map(String::from).to_vec();
    let dates = |pick| sheets.vintage(revenue, Scenario::Guidance, 0, fy2025, pick).and_then(|f| f.given);
    assert_eq!(dates(Vintage::First).map(|d| d.to_string()), Some(given[0].clone()));
    assert_eq!(dates(Vintage::Back(3)).map(|d| d.to_string()), Some(given[0].clone()));
    assert_eq!(dates(Vintage::Last).map(|d| d.to_string()), Some(given[3].clone()));
    assert_eq!(
        sheets.get(revenue, Scenario::Guidance, 0, fy2025).and_then(|f| f.given).map(|d| d.to_string()),
        Some(given[3].clone())
    );
}

#[test]
fn reports_name_the_vintage_of_every_fact() {
    let dir = fixtures();
    let args = ["explain", "one_back_is_july", "--period", "FY2025", "rules.tick", "--data", "."];
    let (out, err, code) = tickmark(&args, &dir);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("given 2025-07-29, from acme-history.csv:3:30"), "{out}");
    let args = ["check", "rules.tick", "--data", ".", "--format", "json", "--rule", "beat_the_first_guidance"];
    let (out, _, _) = tickmark(&args, &dir);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let facts = &json["checks"][0]["facts"];
    let given: Vec<&str> = facts.as_array().unwrap().iter().map(|f| f["given"].as_str().unwrap()).collect();
    assert_eq!(given, ["2026-01-28", "2025-02-04"]);
    let conflict = &json["conflicts"][0];
    assert_eq!(
        (conflict["kept"]["given"].as_str(), conflict["other"]["given"].as_str()),
        (Some("2025-10-28"), Some("2025-10-28"))
    );
}

#[test]
fn a_file_may_give_one_key_at_several_dates_but_not_twice_at_one() {
    let dir = tempfile::tempdir().unwrap();
    let header = "entity,metric,period,scenario,value,given\n";
    let twice =
        format!("{header}ACME,revenue,FY2025,guidance,1..2,2025-02-01\nACME,revenue,FY2025,guidance,1..3,2025-02-01\n");
    std::fs::write(dir.path().join("twice.csv"), twice).unwrap();
    std::fs::write(dir.path().join("rules.tick"), "rule r: high(guidance.revenue) > 0\n").unwrap();
    let (_, err, code) = tickmark(&["check", "rules.tick", "--data", "twice.csv"], dir.path());
    assert_eq!(code, 2);
    assert!(
        err.contains("`guidance.revenue` of `ACME` at `FY2025` given 2025-02-01 is given twice in this file"),
        "{err}"
    );
    let toml = "entity = \"ACME\"\ngiven = 2025-02-01\n[guidance.FY2025]\nrevenue = \"1..2\"\n[guidance.FY2026]\ngiven = \"2025-03-01\"\nrevenue = \"1..3\"\n";
    std::fs::write(dir.path().join("ok.toml"), toml).unwrap();
    let json = r#"{"entity": "ACME", "given": "2025-04-01", "guidance": {"FY2025": {"revenue": "2..3"}}}"#;
    std::fs::write(dir.path().join("ok.json"), json).unwrap();
    let (out, err, code) =
        tickmark(&["eval", "high(guidance.revenue[given first])", "--data", "ok.toml", "ok.json"], dir.path());
    assert_eq!(code, 0, "{err}");
    // FY2025's vintages: 1..2 from the TOML header's date, 2..3 from the JSON's; the first is read.
    assert!(out.lines().any(|l| l.split_whitespace().eq(["ACME", "FY2025", "2", "(1.5..2.5)"])), "{out}");
}

#[test]
fn a_vintage_is_read_of_a_metric_only() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("d.toml"), "entity = \"ACME\"\n[guidance.FY2025]\nrevenue = \"1..2\"\n").unwrap();
    let rules = "let g = guidance.revenue\nrule r: high(g[given -1]) > 0\n";
    std::fs::write(dir.path().join("rules.tick"), rules).unwrap();
    let (_, err, code) = tickmark(&["check", "rules.tick", "--data", "d.toml"], dir.path());
    assert_eq!(code, 2);
    assert!(
        err.contains("`[given -1]` reads a vintage of a metric's fact") && err.contains("rules.tick:2:14"),
        "{err}"
    );
    std::fs::write(dir.path().join("rules.tick"), "rule r: high(guidance.revenue[given -0]) > 0\n").unwrap();
    let (_, err, code) = tickmark(&["check", "rules.tick", "--data", "d.toml"], dir.path());
    assert_eq!(code, 2);
    assert!(err.contains("`given -0` is the default vintage"), "{err}");
}

#[test]
fn a_wide_csv_dates_its_rows_with_a_given_column() {
    let dir = tempfile::tempdir().unwrap();
    let header = "entity,metric,unit,given,guidance FY2025\n";
    std::fs::write(dir.path().join("a.csv"), format!("{header}ACME,revenue,USD bn,2025-04-29,104..112\n")).unwrap();
    std::fs::write(dir.path().join("b.csv"), format!("{header}ACME,revenue,USD bn,2025-07-29,106..114\n")).unwrap();
    let raised = "mid(guidance.revenue) - mid(guidance.revenue[given -1])";
    let (out, err, code) = tickmark(&["eval", raised, "--data", "."], dir.path());
    assert_eq!(code, 0, "{err}");
    // 110 against 108: raised by 2.
    let line = out.lines().find(|l| l.starts_with("ACME")).unwrap_or_else(|| panic!("{out}"));
    assert!(line.split_whitespace().take(4).eq(["ACME", "FY2025", "2", "USD"]), "{out}");
    std::fs::write(dir.path().join("b.csv"), format!("{header}ACME,revenue,USD bn,July,106..114\n")).unwrap();
    let (_, err, code) = tickmark(&["eval", raised, "--data", "."], dir.path());
    assert_eq!(code, 2);
    assert!(err.contains("`July` is not a date") && err.contains("b.csv:2:21"), "{err}");
}

/// The status of each check of `rules` on a CSV history the test writes: ACME's filings of 2024-04-30
/// (EPS 2.00 on 50 m shares) and 2025-04-30, after a 2-for-1 split (EPS restated to 1.00, the share
/// count not given again), each giving net income of 100 m; and, with `restated_count`, a third of
/// 2025-07-30 that gives all three anew (EPS 1.00 on 100 m shares).
fn one_filing_statuses(rules: &str, restated_count: bool) -> Vec<(String, &'static str)> {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = "entity,metric,period,value,unit,given\n\
                   ACME,net_income,2024Q1,100,USD m,2024-04-30\n\
                   ACME,eps_diluted,2024Q1,2.00,USD/share,2024-04-30\n\
                   ACME,shares_diluted,2024Q1,50000000,shares,2024-04-30\n\
                   ACME,net_income,2024Q1,100,USD m,2025-04-30\n\
                   ACME,eps_diluted,2024Q1,1.00,USD/share,2025-04-30\n"
        .to_owned();
    if restated_count {
        csv.push_str(
            "ACME,net_income,2024Q1,100,USD m,2025-07-30\n\
             ACME,eps_diluted,2024Q1,1.00,USD/share,2025-07-30\n\
             ACME,shares_diluted,2024Q1,100000000,shares,2025-07-30\n",
        );
    }
    std::fs::write(dir.path().join("filings.csv"), csv).unwrap();
    std::fs::write(dir.path().join("rules.tick"), rules).unwrap();
    let mut sources = Sources::default();
    let (rules, data) = ([dir.path().join("rules.tick")], [dir.path().join("filings.csv")]);
    let (program, sheets) = load(&rules, &data, &mut sources).unwrap_or_else(|e| panic!("{e:?}"));
    let (checks, _) = run_all(&program, &sheets);
    verdicts(&program, &sheets, &checks).into_iter().map(|(rule, _, _, status)| (rule, status)).collect()
}

const EPS_RULES: &str = "metric net_income: money\nmetric eps_diluted: per_share\nmetric shares_diluted: shares\n\
    rule eps: eps_diluted ~= net_income / shares_diluted within 0.01 USD/share\n\
    rule eps_restated: eps_diluted[given last] ~= net_income / shares_diluted within 0.01 USD/share\n\
    rule eps_first: eps_diluted[given first] ~= net_income / shares_diluted within 0.01 USD/share\n";

#[test]
fn a_check_reads_its_inputs_from_the_latest_filing_that_gives_them_all() {
    // Fact by fact, the restated EPS (1.00) would meet the pre-split count (50 m): 1.00 against 2.00.
    // The latest filing that gives all three is the first: 2.00 against 100 m / 50 m, a pass.
    let all = one_filing_statuses(EPS_RULES, false);
    assert_eq!(all.iter().find(|(r, _)| r == "eps").unwrap().1, "pass", "{all:?}");
    // A vintage named keeps its meaning: the restated EPS against the first filing's figures fails,
    // and the first one passes.
    assert_eq!(all.iter().find(|(r, _)| r == "eps_restated").unwrap().1, "fail", "{all:?}");
    assert_eq!(all.iter().find(|(r, _)| r == "eps_first").unwrap().1, "pass", "{all:?}");
    // A later filing that gives all three again is the one read: 1.00 against 100 m / 100 m.
    let all = one_filing_statuses(EPS_RULES, true);
    assert_eq!(all.iter().find(|(r, _)| r == "eps").unwrap().1, "pass", "{all:?}");
    assert_eq!(all.iter().find(|(r, _)| r == "eps_first").unwrap().1, "fail", "{all:?}");
}

#[test]
fn a_check_no_filing_gives_whole_reads_each_input_as_before() {
    // The share count comes only from a second source (another file): no filing gives all three, so
    // each input reads its latest vintage, and the restated EPS meets the old count.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.csv"),
        "entity,metric,period,value,unit,given\nACME,net_income,2024Q1,100,USD m,2024-04-30\n\
         ACME,eps_diluted,2024Q1,2.00,USD/share,2024-04-30\nACME,eps_diluted,2024Q1,1.00,USD/share,2025-04-30\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("b.csv"),
        "entity,metric,period,value,unit,given\nACME,shares_diluted,2024Q1,50000000,shares,2024-04-30\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("rules.tick"), EPS_RULES).unwrap();
    let mut sources = Sources::default();
    let data = [dir.path().join("a.csv"), dir.path().join("b.csv")];
    let (program, sheets) = load(&[dir.path().join("rules.tick")], &data, &mut sources).unwrap();
    let (checks, _) = run_all(&program, &sheets);
    let all = verdicts(&program, &sheets, &checks);
    assert_eq!(all.iter().find(|(r, ..)| r == "eps").unwrap().3, "fail", "{all:?}");
}

#[test]
fn explain_draws_a_star_name_as_the_check_read_it() {
    // The check reads `revenue` and `cost_of_revenue` from the filing of 2024-04-30, the latest that
    // gives both; a `*` name reads its default vintage (the segment's restated 70), and `explain`'s
    // tree shows the 70 the sum read, not the 60 of the check's filing.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("rules.tick"),
        "metric revenue: money\nmetric cost_of_revenue: money\n\
         rule seg: sum(segment.*.revenue) <= revenue + cost_of_revenue\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("filings.csv"),
        "entity,metric,period,value,unit,given\nACME,revenue,2024Q1,100,USD m,2024-04-30\n\
         ACME,cost_of_revenue,2024Q1,50,USD m,2024-04-30\nACME,segment.a.revenue,2024Q1,60,USD m,2024-04-30\n\
         ACME,revenue,2024Q1,110,USD m,2025-04-30\nACME,segment.a.revenue,2024Q1,70,USD m,2025-04-30\n",
    )
    .unwrap();
    let (out, err, code) = tickmark(&["explain", "seg", "rules.tick", "--data", "filings.csv"], dir.path());
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("inputs as filed on 2024-04-30"), "{out}");
    let lines: Vec<&str> = out.lines().collect();
    let at = lines.iter().position(|l| l.contains("└─ segment.a.revenue")).unwrap_or_else(|| panic!("{out}"));
    assert!(lines[at].contains(" 70 USD m") && lines[at + 1].contains("given 2025-04-30"), "{out}");
    assert!(lines.iter().any(|l| l.contains("sum(segment.*.revenue)") && l.contains(" 70 USD m")), "{out}");
}

#[test]
fn only_an_entity_with_a_restated_actual_has_a_filing_to_choose() {
    // ACME's guidance was given twice (a history), BETA's actual filed twice (a restatement), GAMMA
    // has one value of each: only BETA's checks may read one filing.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("facts.csv"),
        "entity,metric,period,scenario,value,unit,given\nACME,revenue,2025Q1,guidance,100..110,USD m,2024-11-01\n\
         ACME,revenue,2025Q1,guidance,104..110,USD m,2025-02-01\nACME,revenue,2025Q1,actual,107,USD m,2025-04-30\n\
         BETA,revenue,2025Q1,actual,50,USD m,2025-04-30\nBETA,revenue,2025Q1,actual,52,USD m,2026-04-30\n\
         GAMMA,revenue,2025Q1,actual,10,USD m,2025-04-30\n",
    )
    .unwrap();
    let mut sources = Sources::default();
    let mut builder = SheetBuilder::default();
    load_paths(&[dir.path().join("facts.csv")], &mut sources, &mut builder).unwrap_or_else(|e| panic!("{e:?}"));
    let sheets = builder.finish().unwrap_or_else(|e| panic!("{e:?}"));
    let has = |name: &str| sheets.has_vintaged_actual(sheets.entity_id(name).unwrap());
    let (revenue, q1) = (sheets.metric_id("revenue").unwrap(), Period::parse("2025Q1").unwrap());
    let acme = sheets.entity_id("ACME").unwrap();
    assert!(sheets.vintaged(revenue, Scenario::Guidance, acme, q1), "ACME's guidance is a history");
    assert_eq!([has("ACME"), has("BETA"), has("GAMMA")], [false, true, false]);
}

#[test]
fn every_vintage_of_a_key_shapes_its_column_and_a_duplicate_does_not() {
    // guidance given as a range in USD bn, then as a point in USD m: two vintages, each read by some
    // rule (`[given first]`, the default), so the column holds ranges and numbers in both units; the
    // same point again from another file at the same date is a duplicate, which adds nothing
    let dir = tempfile::tempdir().unwrap();
    let header = "entity,metric,period,scenario,value,unit,given\n";
    let a = format!(
        "{header}ACME,revenue,2026Q1,guidance,0.100..0.110,USD bn,2025-11-01\nACME,revenue,2026Q1,guidance,105,USD m,2026-02-01\n"
    );
    std::fs::write(dir.path().join("a.csv"), a).unwrap();
    std::fs::write(
        dir.path().join("b.csv"),
        format!("{header}ACME,revenue,2026Q1,guidance,0.000105,USD tn,2026-02-01\n"),
    )
    .unwrap();
    let mut sources = Sources::default();
    let mut builder = SheetBuilder::default();
    load_paths(&[dir.path().to_path_buf()], &mut sources, &mut builder).unwrap_or_else(|e| panic!("{e:?}"));
    let sheets = builder.finish().unwrap_or_else(|e| panic!("{e:?}"));
    let revenue = sheets.metric_id("revenue").unwrap();
    let shape = sheets.shape(revenue, Scenario::Guidance);
    assert!(shape.ranges && shape.numbers, "{shape:?}");
    let units: Vec<String> = sheets.units_of(revenue).iter().map(|u| u.to_string()).collect();
    assert_eq!(units.len(), 2, "{units:?}");
    assert!(units.iter().any(|u| u.contains("bn")) && units.iter().any(|u| u.ends_with(" m")), "{units:?}");
    assert_eq!(sheets.periods_of(0), &[Period::parse("2026Q1").unwrap()]);
}
