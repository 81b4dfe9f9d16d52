//! Entities (issue 15): scopes, groups, attributes, fiscal calendars and peers, through the real
//! binary on the three-company pack of `tests/fixtures/entities/` (MSFT with a June year end, GOOGL
//! and AMZN on calendar years; test data).

use crate::common;

use common::{root, tickmark};

const RULES: &str = "tests/fixtures/entities/rules";
const DATA: &str = "tests/fixtures/entities/data";

/// Every check of the pack, one a line (`pass  rule at ENTITY PERIOD`), from `check --verbose`.
fn listing() -> String {
    let (out, err, code) = tickmark(&["check", RULES, "--data", DATA, "--verbose"], root());
    assert_eq!(code, 0, "{out}{err}");
    out.split("every check:\n").nth(1).unwrap_or_else(|| panic!("no listing in:\n{out}")).to_owned()
}

/// The status word of a rule at an entity and period (`MSFT 2025Q4`), or `absent`.
fn status(listing: &str, rule: &str, at: &str) -> String {
    let prefix = format!(" {rule} at {at}");
    let line = listing
        .lines()
        .find(|l| l.split_once(' ').is_some_and(|(_, rest)| rest.trim_start().starts_with(&prefix[1..])));
    line.map_or("absent".to_owned(), |l| l.split_whitespace().next().unwrap_or_default().to_owned())
}

#[test]
fn a_scoped_rule_is_checked_at_its_entities_only() {
    let all = listing();
    // the "margin above 40 %" claim about Microsoft never runs at Alphabet (it failed twice there)
    assert_eq!(status(&all, "msft_margin_above_40pct", "MSFT 2025Q4 (Apr–Jun 2025)"), "pass");
    assert!(!all.contains("msft_margin_above_40pct at GOOGL"), "{all}");
    assert!(!all.contains("msft_margin_above_40pct at AMZN"), "{all}");
    // an attribute scope: only the retailer, whose segments are all recorded, adds its segments up
    assert_eq!(status(&all, "retail_segments_add_up", "AMZN 2025Q2"), "pass");
    assert!(!all.contains("retail_segments_add_up at GOOGL"), "{all}");
    // a group: every member, and nothing else
    for at in ["AMZN 2025Q2", "GOOGL 2025Q2", "MSFT 2025Q4 (Apr–Jun 2025)"] {
        assert_eq!(status(&all, "profit_below_revenue", at), "pass", "{at}");
    }
}

#[test]
fn a_calendar_period_is_each_entitys_own_fiscal_period() {
    let all = listing();
    let checked: Vec<&str> = all
        .lines()
        .filter(|l| l.contains(" same_calendar_quarter at "))
        .map(|l| l.split_once(": ").map_or(l, |(check, _)| check))
        .collect();
    assert_eq!(
        checked,
        [
            "pass  same_calendar_quarter at AMZN 2025Q2",
            "pass  same_calendar_quarter at GOOGL 2025Q2",
            "pass  same_calendar_quarter at MSFT 2025Q4 (Apr–Jun 2025)",
        ]
    );
    // `revenue[2025CQ2]` at Microsoft is its fiscal 2025Q4
    assert_eq!(status(&all, "june_quarter_revenue", "MSFT FY2025 (Jul 2024–Jun 2025)"), "pass");
}

#[test]
fn a_peer_is_read_at_the_period_covering_the_same_months() {
    let all = listing();
    // MSFT 2025Q4 (April to June 2025) against GOOGL 2025Q2: 25.6 % is not above 32 %
    let line = all.lines().find(|l| l.contains("cloud_faster_than_google at MSFT 2025Q4")).unwrap();
    assert!(line.starts_with("fail") && line.contains("25.63025210 % (25.15 %..26.11 %) > 32.03883495 %"), "{line}");
    // Microsoft's margin against Alphabet's in the same calendar quarter
    assert_eq!(status(&all, "msft_margin_above_alphabet", "MSFT 2025Q4 (Apr–Jun 2025)"), "pass");
    // a June year covers no period of a December year: a skip, never a misaligned comparison
    let year = all.lines().find(|l| l.contains("msft_margin_above_alphabet at MSFT FY2025")).unwrap();
    assert!(year.starts_with("skip") && year.contains("GOOGL, whose periods do not cover Jul 2024–Jun 2025"), "{year}");
    // a peer's missing figure is a missing input like any other
    let missing = all.lines().find(|l| l.contains("cloud_faster_than_google at MSFT 2025Q3")).unwrap();
    assert!(missing.starts_with("skip") && missing.contains("`segment.cloud.revenue` of GOOGL has no value at 2024Q1"));
}

#[test]
fn the_report_cites_a_peers_facts_with_their_provenance() {
    let (out, _, _) = tickmark(&["check", RULES, "--data", DATA], root());
    assert!(out.contains("failed at MSFT 2025Q4 (Apr–Jun 2025)"), "{out}");
    assert!(
        out.contains(
            "segment.cloud.revenue of GOOGL at 2025Q2 = 13.6 USD bn, from tests/fixtures/entities/data/googl.toml:35:25"
        ),
        "{out}"
    );
    let (json, _, _) = tickmark(&["check", RULES, "--data", DATA, "--format", "json"], root());
    assert!(json.contains(r#""calendar":"Apr–Jun 2025""#) || json.contains(r#""calendar": "Apr–Jun 2025""#), "{json}");
    assert!(
        json.contains(r#""entity":"GOOGL","metric":"segment.cloud.revenue""#) || json.contains(r#""entity": "GOOGL""#)
    );
    let args = ["explain", "cloud_faster_than_google", RULES, "--data", DATA, "--entity", "MSFT", "--period", "2025Q4"];
    let (tree, _, _) = tickmark(&args, root());
    assert!(tree.contains("of GOOGL") && tree.contains("at GOOGL 2025Q2"), "{tree}");
    assert!(tree.contains("googl.toml:35:25"), "{tree}");
}

#[test]
fn the_sheet_shows_each_entitys_attributes() {
    let (out, err, code) = tickmark(&["sheet", RULES, "--data", DATA, "--entity", "MSFT"], root());
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Microsoft Corporation"), "{out}");
    assert!(out.contains("fiscal_year_end = \"06-30\""), "{out}");
    assert!(out.contains("exchange = \"NASDAQ\""), "{out}");
    assert!(out.contains("MSFT fiscal quarters: Q1 Jul–Sep, Q2 Oct–Dec, Q3 Jan–Mar, Q4 Apr–Jun"), "{out}");
    let (json, _, _) = tickmark(&["sheet", RULES, "--data", DATA, "--format", "json"], root());
    assert!(json.contains("\"fiscal_year_end\": \"06-30\"") && json.contains("\"sector\": \"retail\""), "{json}");
}

/// A temporary rule repository with these files; runs `tickmark check` there with `args`.
fn run_in(files: &[(&str, &str)], args: &[&str]) -> (String, String, i32) {
    let dir = tempfile::tempdir().unwrap();
    let owned: Vec<(String, String)> = files.iter().map(|(n, t)| (n.to_string(), t.to_string())).collect();
    common::write_files(dir.path(), &owned);
    tickmark(args, dir.path())
}

const AMZN: &str = "entity = \"AMZN\"\nsector = \"retail\"\nunit = \"USD bn\"\n[actual.2025Q4]\nrevenue = 213.4\n";

#[test]
fn a_scope_naming_an_absent_entity_is_a_warning_with_the_nearest_name() {
    let rules = "rule r for AMZM, AMZN:\n  revenue > 0\n";
    let (out, _, code) =
        run_in(&[("rules.tick", rules), ("data.toml", AMZN)], &["check", "rules.tick", "--data", "data.toml"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("`AMZM` is in no data file: it is checked nowhere"), "{out}");
    assert!(out.contains("did you mean `AMZN`?") && out.contains("rules.tick:1:12"), "{out}");
    let (_, _, denied) = run_in(
        &[("rules.tick", rules), ("data.toml", AMZN)],
        &["check", "rules.tick", "--data", "data.toml", "--deny", "warnings"],
    );
    assert_eq!(denied, 1);
    // without data, a scope's names are only read
    let (out, err, code) = run_in(&[("rules.tick", rules)], &["check", "rules.tick", "--no-data"]);
    assert_eq!(code, 0, "{out}{err}");
}

#[test]
fn an_attribute_test_no_entity_passes_is_a_warning() {
    let rules = "rule r for sector == \"retial\":\n  revenue > 0\n";
    let (out, _, _) =
        run_in(&[("rules.tick", rules), ("data.toml", AMZN)], &["check", "rules.tick", "--data", "data.toml"]);
    assert!(out.contains("no entity has `sector == \"retial\"`: it is checked nowhere"), "{out}");
    assert!(out.contains("did you mean `\"retail\"`?"), "{out}");
}

#[test]
fn two_files_that_disagree_on_an_attribute_are_a_conflict() {
    let other = "entity = \"AMZN\"\nsector = \"cloud\"\nunit = \"USD bn\"\n[actual.2025Q3]\nrevenue = 180.2\n";
    let files = [("rules.tick", "rule r:\n  revenue > 0\n"), ("a.toml", AMZN), ("b.toml", other)];
    let (out, _, code) = run_in(&files, &["check", "rules.tick", "--data", "a.toml", "--data", "b.toml"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("sources disagree on the sector of AMZN: \"retail\" vs \"cloud\""), "{out}");
    assert!(out.contains("b.toml:2:10") && out.contains("a.toml:2:10"), "{out}");
    // the first file wins: the retailer is still a retailer
    let scoped = "rule r for sector == \"retail\":\n  revenue > 0\n";
    let files = [("rules.tick", scoped), ("a.toml", AMZN), ("b.toml", other)];
    let (out, _, _) = run_in(&files, &["check", "rules.tick", "--data", "a.toml", "--data", "b.toml", "--verbose"]);
    assert!(out.contains("pass  r at AMZN 2025Q3"), "{out}");
}

#[test]
fn a_files_scope_holds_for_its_cells_and_rules_and_meets_a_rules_own() {
    let googl = "entity = \"GOOGL\"\nunit = \"USD bn\"\n[actual.2025Q4]\nrevenue = 113.8\n";
    let rules = "for AMZN\nlet big = revenue > 100 USD bn\nrule own:\n  big\nrule narrower for GOOGL:\n  revenue > 0\n";
    let other = "use \"scoped.tick\"\nrule reads_cell:\n  big\n";
    let files = [("scoped.tick", rules), ("other.tick", other), ("a.toml", AMZN), ("g.toml", googl)];
    let (out, _, _) =
        run_in(&files, &["check", "scoped.tick", "other.tick", "--data", "a.toml", "--data", "g.toml", "--verbose"]);
    assert!(out.contains("pass  own at AMZN 2025Q4") && !out.contains("own at GOOGL"), "{out}");
    // `for AMZN` and `for GOOGL` together admit no entity
    assert!(!out.contains("narrower at"), "{out}");
    // a scoped cell has no value outside its scope: a skip, not a value taken from nowhere
    assert!(out.contains("pass  reads_cell at AMZN 2025Q4"), "{out}");
    assert!(
        out.contains("skip  reads_cell at GOOGL 2025Q4: `big` (scoped by its file's `for` line) has no value"),
        "{out}"
    );
}

#[test]
fn the_shipped_amazon_claims_run_at_amazon_only() {
    let (out, _, _) = tickmark(&["check", "--verbose"], root());
    assert!(out.contains(" at AMZN 2025Q4"), "{out}");
    let amazon = ["q4_", "q3_", "capex_plan", "margin_compression", "eps_vs_consensus"];
    for line in out.lines().filter(|l| l.contains(" at GOOGL ") || l.contains(" at META ")) {
        assert!(!amazon.iter().any(|r| line.contains(&format!(" {r}"))), "an Amazon claim ran elsewhere: {line}");
    }
}

#[test]
fn a_file_of_attributes_alone_describes_the_entity_of_a_csv() {
    let csv = "entity,metric,period,value,unit\nMSFT,revenue,2025Q4,76.4,USD bn\n";
    let header = "entity = \"MSFT\"\nfiscal_year_end = \"06-30\"\n";
    let files = [("rules.tick", "rule r at 2025CQ2:\n  revenue > 0\n"), ("msft.csv", csv), ("msft.toml", header)];
    let args = ["check", "rules.tick", "--data", "msft.csv", "--data", "msft.toml", "--deny", "warnings", "--verbose"];
    let (out, _, code) = run_in(&files, &args);
    assert_eq!(code, 0, "a file of attributes is not a file without facts: {out}");
    assert!(out.contains("pass  r at MSFT 2025Q4 (Apr–Jun 2025)"), "{out}");
}

#[test]
fn a_companyfacts_file_gives_its_fiscal_year_end() {
    let (out, err, code) = tickmark(&["sheet", "rules/sec", "--data", "tests/fixtures/sec/apple.json"], root());
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("CIK0000320193: fiscal_year_end = \"09-27\"\n"), "{out}");
    assert!(out.contains("fiscal quarters: Q1 Oct–Dec, Q2 Jan–Mar, Q3 Apr–Jun, Q4 Jul–Sep"), "{out}");
}

#[test]
fn an_aggregate_reads_a_value_at_each_entity_of_a_group() {
    let all = listing();
    // (11.45 % + 44.9 % + 32.5 %) / 3 = 29.6 %, each member at its own April to June 2025
    assert_eq!(status(&all, "margin_above_group_average", "MSFT 2025Q4 (Apr–Jun 2025)"), "pass");
    let args =
        ["eval", "avg(op_margin of hyperscalers)", RULES, "--data", DATA, "--entity", "MSFT", "--period", "2025Q4"];
    let (out, err, code) = tickmark(&args, root());
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("29.6 %"), "{out}");
    // a member without a value there is a missing input: the average is never of fewer companies
    let args =
        ["eval", "avg(op_margin of hyperscalers)", RULES, "--data", DATA, "--entity", "GOOGL", "--period", "2025Q1"];
    let (out, _, _) = tickmark(&args, root());
    assert!(out.contains("no value: `operating_income` of AMZN at 2025Q1"), "{out}");
}

#[test]
fn explain_says_where_a_scoped_rule_is_checked() {
    let args = ["explain", "msft_margin_above_40pct", RULES, "--data", DATA, "--entity", "GOOGL"];
    let (_, err, code) = tickmark(&args, root());
    assert_eq!(code, 2);
    assert!(err.contains("the rule is checked at every period with data for MSFT"), "{err}");
}
