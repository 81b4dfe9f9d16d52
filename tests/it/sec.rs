//! SEC companyfacts as data: fiscal periods from dates, derived quarters, the precision of filings,
//! conflicts between filings, the import to TOML, and the `rules/sec` pack on the three samples.
//!
//! The fixtures in `tests/fixtures/sec/` are slices of the SEC's real responses (`slice.py` says how
//! they were cut): every fact as filed, fewer of them.

use crate::common;

use std::path::{Path, PathBuf};

use common::{root, settings, tickmark};
use rust_decimal::Decimal;
use tickmark::data::{Fact, FactValue, SheetBuilder, Sheets, load_paths};
use tickmark::period::Period;
use tickmark::source::Sources;
use tickmark::syntax::ast::{Scenario, Vintage};

/// A fixture of `tests/fixtures/sec/`.
fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures/sec").join(name)
}

/// The sheets of data files, and the sources they point into.
fn sheets(paths: &[PathBuf]) -> (Sheets, Sources) {
    let mut sources = Sources::default();
    let mut builder = SheetBuilder::default();
    load_paths(paths, &mut sources, &mut builder).unwrap();
    (builder.finish().unwrap(), sources)
}

/// The fact of a metric at a period, of the only entity.
fn fact(sheets: &Sheets, metric: &str, period: &str) -> Fact {
    let m = sheets.metric_id(metric).unwrap_or_else(|| panic!("no metric {metric}"));
    sheets
        .get(m, Scenario::Actual, 0, Period::parse(period).unwrap())
        .unwrap_or_else(|| panic!("no {metric} at {period}"))
}

/// The metrics that have a fact: a companyfacts file also gives every metric of its concept map, as
/// a name a rule may read, where the filer reports none of its concepts.
fn with_facts(sheets: &Sheets) -> Vec<String> {
    let has = |m: &String| sheets.metric_id(m).is_some_and(|id| sheets.first_fact(id, Scenario::Actual).is_some());
    sheets.metrics.iter().filter(|m| has(m)).cloned().collect()
}

/// A fact's point value in its unit's base (whole dollars for money).
fn base(f: &Fact) -> Decimal {
    let base = match f.value {
        FactValue::Number(q) => q.base().unwrap(),
        FactValue::Approx(a) => a.value.base().unwrap(),
        FactValue::Range(_) => panic!("a range"),
    };
    base.decimal().expect("a filed figure is a decimal in its base")
}

/// A fact's interval in its unit's base.
fn interval(f: &Fact) -> (Decimal, Decimal) {
    let n = match f.value {
        FactValue::Number(q) => q.rounded().unwrap(),
        FactValue::Approx(a) => a.interval().unwrap(),
        FactValue::Range(_) => panic!("a range"),
    };
    (n.lo.decimal().unwrap(), n.hi.decimal().unwrap())
}

/// Where a fact came from, as reports print it.
fn place(f: &Fact, sources: &Sources) -> String {
    sources.location(f.origin.file, f.origin.span)
}

fn dollars(n: i64) -> Decimal {
    Decimal::from(n)
}

#[test]
fn apple_fiscal_periods_come_from_the_facts_dates() {
    let (sheets, sources) = sheets(&[fixture("apple.json")]);
    assert_eq!(sheets.entities, ["CIK0000320193"]);
    // Fiscal 2025 ended 2025-09-27: revenue 416,161,000,000 USD, as the 10-K filed it, in millions.
    let fy = fact(&sheets, "revenue", "FY2025");
    assert_eq!(base(&fy), dollars(416_161_000_000));
    assert_eq!(fy.value.show(), "416161 USD m");
    assert_eq!(interval(&fy), (dollars(416_160_500_000), dollars(416_161_500_000)), "filed in millions");
    assert!(place(&fy, &sources).contains("2024-09-29..2025-09-27, 10-K 0000320193-25-000079 filed 2025-10-31"));
    // The quarter ended 2025-12-27 is the first of fiscal 2026, though the filing calls it `fy: 2026`
    // and SEC's frame calls it CY2025Q4.
    let q1 = fact(&sheets, "revenue", "2026Q1");
    assert_eq!(base(&q1), dollars(143_756_000_000));
    assert!(place(&q1, &sources).contains("2025-09-28..2025-12-27, 10-Q 0000320193-26-000006"));
    // Balances close their quarter, and a year-end balance the year too.
    assert_eq!(base(&fact(&sheets, "total_assets", "FY2025")), base(&fact(&sheets, "total_assets", "2025Q4")));
    // Per-share amounts and share counts keep their XBRL units.
    assert_eq!(fact(&sheets, "eps_diluted", "FY2025").value.show(), "7.46 USD/share");
    assert!(fact(&sheets, "shares_diluted", "FY2025").value.show().ends_with(" shares"));
}

#[test]
fn a_fourth_quarter_is_its_year_less_nine_months_carrying_both_roundings() {
    let (sheets, sources) = sheets(&[fixture("apple.json")]);
    let q4 = fact(&sheets, "revenue", "2025Q4");
    // 416,161 (FY2025) − 313,695 (nine months to 2025-06-28) = 102,466, each ± 0.5 m: ± 1 m.
    assert_eq!(base(&q4), dollars(416_161_000_000 - 313_695_000_000));
    assert_eq!(interval(&q4), (dollars(102_465_000_000), dollars(102_467_000_000)));
    let from = place(&q4, &sources);
    assert!(from.contains("derived as "), "{from}");
    assert!(from.contains("2024-09-29..2025-09-27, 10-K 0000320193-25-000079"), "the year: {from}");
    assert!(from.contains("less us-gaap:RevenueFromContractWithCustomerExcludingAssessedTax 2024-09-29..2025-06-28, 10-Q 0000320193-25-000073"), "the nine months: {from}");
    // Cash flows are filed to date only: every later quarter is derived, from consecutive years to date.
    let capex = fact(&sheets, "capex", "2025Q2");
    assert!(matches!(capex.value, FactValue::Approx(_)));
    assert!(place(&capex, &sources).contains("2024-09-29..2025-03-29") && place(&capex, &sources).contains("less"));
    // Never a per-share amount, a share count or a balance: the 10-K gives no fourth quarter of them,
    // and none is made up.
    let q4 = Period::parse("2025Q4").unwrap();
    for metric in ["eps_diluted", "shares_diluted"] {
        assert!(sheets.get(sheets.metric_id(metric).unwrap(), Scenario::Actual, 0, q4).is_none(), "{metric} derived");
    }
    let assets = fact(&sheets, "total_assets", "2025Q4");
    assert!(
        place(&assets, &sources).contains("us-gaap:Assets at 2025-09-27, 10-Q 0000320193-26-000006"),
        "as filed last"
    );
}

#[test]
fn filings_that_restate_a_figure_are_earlier_vintages_and_the_latest_is_read() {
    // NVIDIA split its shares ten for one in June 2024: later filings restate earlier per-share
    // amounts and share counts. Each filing's value is a vintage of the fact, given at its filing date.
    let (sheets, sources) = sheets(&[fixture("nvidia.json")]);
    let eps = sheets.metric_id("eps_diluted").unwrap();
    let q1 = Period::parse("2025Q1").unwrap();
    let latest = fact(&sheets, "eps_diluted", "2025Q1");
    let before = sheets.vintage(eps, Scenario::Actual, 0, q1, Vintage::Back(1)).expect("the 2024 filing's vintage");
    assert_eq!((latest.value.show(), before.value.show()), ("0.6 USD/share".into(), "5.98 USD/share".into()));
    assert!(place(&latest, &sources).contains("10-Q 0001045810-25-000116 filed 2025-05-28"), "the latest filing wins");
    assert!(place(&before, &sources).contains("10-Q 0001045810-24-000124 filed 2024-05-29"));
    assert_eq!(
        (latest.given.map(|d| d.to_string()), before.given.map(|d| d.to_string())),
        (Some("2025-05-28".into()), Some("2024-05-29".into()))
    );
    // A restatement is history, not a disagreement between sources.
    assert!(sheets.conflicts.iter().all(|c| c.key.metric != "eps_diluted"));
    // Money is not restated by a split: revenue has one vintage.
    let revenue = sheets.metric_id("revenue").unwrap();
    assert_eq!(sheets.vintage(revenue, Scenario::Actual, 0, q1, Vintage::Back(1)), None);
}

#[test]
fn a_count_filed_in_thousands_meets_the_exact_count_an_earlier_filing_gave() {
    // Snowflake's 10-K for fiscal 2022 gave 300,273,227 shares; its 10-K two years on gave 300,273,000
    // (in thousands, like every count of that filing): the same count, no conflict.
    let (sheets, _) = sheets(&[fixture("snowflake.json")]);
    assert!(sheets.conflicts.is_empty(), "{:?}", sheets.conflicts.iter().map(|c| &c.key).collect::<Vec<_>>());
    let shares = fact(&sheets, "shares_diluted", "FY2022");
    assert_eq!(shares.value.show(), "300273000 ± 500 shares");
    // Snowflake files money in thousands: a million's digits and three more.
    assert_eq!(
        interval(&fact(&sheets, "revenue", "FY2025")).1 - interval(&fact(&sheets, "revenue", "FY2025")).0,
        dollars(1000)
    );
}

#[test]
fn the_filing_pack_passes_on_each_sample_and_checks_what_it_says() {
    for (name, checks) in [("apple.json", 65), ("nvidia.json", 74), ("snowflake.json", 53)] {
        let data = fixture(name);
        let (stdout, stderr, code) =
            tickmark(&["check", "rules/sec", "--data", data.to_str().unwrap(), "--format", "json"], root());
        assert_eq!(code, 0, "{name}: {stderr}");
        let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        let summary = &report["summary"];
        assert_eq!(summary["passed"], checks, "{name}: {summary}");
        assert_eq!(
            summary["checks"].as_u64().unwrap() - summary["skipped"].as_u64().unwrap(),
            checks,
            "{name}: none failed"
        );
        // Every rule of the pack is checked somewhere on every sample.
        let rules: std::collections::BTreeSet<_> = report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["status"] == "pass")
            .map(|c| c["rule"].to_string())
            .collect();
        assert_eq!(rules.len(), 6, "{name}: {rules:?}");
    }
}

#[test]
fn an_article_is_checked_against_the_filing_in_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
    std::fs::copy(fixture("apple.json"), dir.path().join("apple.json")).unwrap();
    write("map.toml", "[entities]\n\"0000320193\" = \"AAPL\"\n");
    // An article: fiscal 2025 revenue of 416.2 bn (right, given rounding) and Q4 revenue of 103.5 bn
    // (wrong: the filings give 102,466 ± 1 m), and an EPS claim.
    write(
        "article.toml",
        "entity = \"AAPL\"\nsource = \"An article\"\nunit = \"USD bn\"\n\n[actual.FY2025]\nrevenue = 416.2\n\n\
         [actual.2025Q4]\nrevenue = 103.5\n",
    );
    write(
        "claims.tick",
        "rule q4_revenue_growth \"Q4 revenue grew about 10 % on the year\" at 2025Q4:\n  growth(revenue, revenue[-1y]) ~= 10%\n",
    );
    let (stdout, stderr, code) = tickmark(
        &["check", "claims.tick", "--data", "apple.json", "article.toml", "--sec-map", "map.toml"],
        dir.path(),
    );
    assert_eq!(code, 1, "the claim fails: {stdout}{stderr}");
    settings().bind(|| insta::assert_snapshot!("sec_article_against_filing", stdout));
}

#[test]
fn the_import_reads_back_to_the_same_facts() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("apple.toml");
    let (_, stderr, code) =
        tickmark(&["import", "sec", fixture("apple.json").to_str().unwrap(), "-o", out.to_str().unwrap()], root());
    assert_eq!(code, 0, "{stderr}");
    let (from_json, _) = sheets(&[fixture("apple.json")]);
    let (from_toml, _) = sheets(std::slice::from_ref(&out));
    assert_eq!(from_json.entities, from_toml.entities);
    assert_eq!(with_facts(&from_json), from_toml.metrics);
    let mut compared = 0;
    for metric in &from_toml.metrics {
        let (m, n) = (from_json.metric_id(metric).unwrap(), from_toml.metric_id(metric).unwrap());
        for &period in from_json.periods_of(0) {
            let a = from_json.get(m, Scenario::Actual, 0, period);
            let b = from_toml.get(n, Scenario::Actual, 0, period);
            assert_eq!(a.map(|f| f.value), b.map(|f| f.value), "{metric} at {period}");
            compared += usize::from(a.is_some());
        }
    }
    assert!(compared > 300, "{compared} facts compared");
    // The fiscal year and the quarters around it, as written: read, not just recorded.
    let text = std::fs::read_to_string(&out).unwrap();
    let section = |header: &str| {
        let start = text.find(header).unwrap();
        let end = text[start + 1..].find("\n[").map_or(text.len(), |e| start + 1 + e);
        text[start..end].to_owned()
    };
    let head: String = text.lines().take_while(|l| !l.starts_with('[')).collect::<Vec<_>>().join("\n");
    let shown = format!("{head}\n{}\n{}", section("[actual.2025Q4]"), section("[actual.FY2025]"));
    settings().bind(|| insta::assert_snapshot!("sec_import_apple", shown));
}

#[test]
fn a_concept_map_names_the_company_and_changes_the_concepts() {
    let dir = tempfile::tempdir().unwrap();
    let map = dir.path().join("map.toml");
    std::fs::write(
        &map,
        "[metrics]\nsales = [\"us-gaap:RevenueFromContractWithCustomerExcludingAssessedTax\"]\nrevenue = []\n[entities]\n\"0001640147\" = \"SNOW\"\n",
    )
    .unwrap();
    let data = fixture("snowflake.json");
    let (stdout, stderr, code) =
        tickmark(&["import", "sec", data.to_str().unwrap(), "--sec-map", map.to_str().unwrap()], root());
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("\nentity = \"SNOW\"\n"));
    assert!(stdout.contains("\nsales = \"3626.396 USD m\"  # us-gaap:RevenueFromContract"), "{stdout}");
    assert!(!stdout.contains("\nrevenue = "), "dropped");
    std::fs::write(&map, "[metrics]\nRevenue = [\"us-gaap:Revenues\"]\n").unwrap();
    let (_, stderr, code) =
        tickmark(&["import", "sec", data.to_str().unwrap(), "--sec-map", map.to_str().unwrap()], root());
    assert_eq!(code, 2);
    assert!(stderr.contains("`Revenue` is not a metric name") && stderr.contains("map.toml:2:1"), "{stderr}");
}

#[test]
fn a_broken_companyfacts_file_is_a_diagnostic_at_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let bad = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        let (_, stderr, code) = tickmark(&["check", "--data", path.to_str().unwrap(), "rules/sec"], root());
        assert_eq!(code, 2, "{name}: {stderr}");
        stderr
    };
    let fact = |end: &str, val: &str| {
        format!(
            "{{\"cik\": 1, \"entityName\": \"X\", \"facts\": {{\"us-gaap\": {{\"Revenues\": {{\"units\": {{\"USD\": [\n\
             {{\"start\": \"2024-01-01\", \"end\": {end}, \"val\": {val}, \"accn\": \"a\", \"fy\": 2024, \"fp\": \"FY\", \
             \"form\": \"10-K\", \"filed\": \"2025-02-01\"}}]}}}}}}}}}}"
        )
    };
    let stderr = bad("date.json", &fact("\"2024-13-31\"", "5"));
    assert!(
        stderr.contains("a fact's `end` is not a date `YYYY-MM-DD`") && stderr.contains("date.json:2:"),
        "{stderr}"
    );
    let stderr = bad("value.json", &fact("\"2024-12-31\"", "12345678901234567890123456789012"));
    assert!(stderr.contains("not a number tickmark can read exactly"), "{stderr}");
    // Far into a one-line file, a label is listed with its place, not drawn (miette cannot pad to it).
    let wide = fact("\"2024-13-31\"", "5").replace("\"X\"", &format!("\"{}\"", "x".repeat(70_000)));
    let stderr = bad("wide.json", &wide.replace('\n', ""));
    assert!(stderr.contains("wide.json:1:70114: here"), "{stderr}");
    let stderr = bad("quarter.json", &fact("\"2024-03-31\"", "5").replace("10-K", "10-Q"));
    assert!(stderr.contains("no annual report"), "{stderr}");
    // A JSON data file with a `cik` key but an `entity` is still a data file.
    let (_, stderr, code) = tickmark(
        &[
            "check",
            "rules/sec",
            "--data",
            write_json(dir.path(), "{\"entity\": \"X\", \"cik\": 1, \"facts\": 2}").to_str().unwrap(),
        ],
        root(),
    );
    assert_eq!(code, 2);
    assert!(stderr.contains("unknown key `cik`"), "{stderr}");
}

/// Writes a JSON file into a folder.
fn write_json(dir: &Path, text: &str) -> PathBuf {
    let path = dir.join("data.json");
    std::fs::write(&path, text).unwrap();
    path
}

/// A companyfacts file whose every string tries to write a line of its own into the imported TOML
/// (a newline and a fact in `entityName`, `accn` and `form`, quotes, a backslash, an escape, a line
/// separator, a bidirectional control) and a fact dated in 9997, a year the period reader refuses.
const HOSTILE: &str = r#"{"cik": 7, "entityName": "Evil \"Co\"\\\n[actual.FY2030]\nrevenue = 999 # \u001b]52;c;x\u0007 \u2028 \u202e",
 "facts": {"us-gaap": {"Revenues": {"units": {"USD": [
  {"start": "2023-01-01", "end": "2023-12-31", "val": 100000000, "accn": "0001\n[actual.FY2031]\nrevenue = 1 #", "fy": 2023,
   "fp": "FY", "form": "10-K\r\nrevenue = 2", "filed": "2024-02-01"},
  {"start": "9997-01-01", "end": "9997-12-31", "val": 5000000, "accn": "a", "fy": 9997, "fp": "FY", "form": "10-K",
   "filed": "9998-02-01"}]}}}}}"#;

#[test]
fn the_import_of_hostile_names_reads_back_to_the_same_facts() {
    let dir = tempfile::tempdir().unwrap();
    let json = write_json(dir.path(), HOSTILE);
    let out = dir.path().join("evil.toml");
    let (_, stderr, code) =
        tickmark(&["import", "sec", json.to_str().unwrap(), "-o", out.to_str().unwrap()], dir.path());
    assert_eq!(code, 0, "{stderr}");
    let text = std::fs::read_to_string(&out).unwrap();
    // every line is a comment, a blank, a table header or one `key = "value"` pair: nothing escaped
    // a string or a comment
    let facts: Vec<&str> = text.lines().filter(|l| l.starts_with("revenue")).collect();
    assert_eq!(facts.len(), 1, "{text}");
    assert!(!text.contains("FY2030") || text.contains("\\n[actual.FY2030]\\n"), "{text}");
    assert!(!text.contains("\n[actual.FY2030]") && !text.contains("\n[actual.FY2031]"), "{text}");
    assert!(!text.chars().any(|c| c.is_control() && c != '\n'), "a raw control character:\n{text}");
    assert!(!text.contains(['\u{2028}', '\u{202E}']), "{text}");
    assert!(text.contains("# Left out: 1 facts dated outside the fiscal years 1900 to 2199."), "{text}");
    // read back: the same facts, the name exactly as filed
    let (from_json, _) = sheets(std::slice::from_ref(&json));
    let (from_toml, _) = sheets(std::slice::from_ref(&out));
    assert_eq!((&from_json.entities, with_facts(&from_json)), (&from_toml.entities, from_toml.metrics.clone()));
    assert_eq!(from_toml.periods_of(0), [Period::parse("FY2023").unwrap()]);
    assert_eq!(from_json.periods_of(0), from_toml.periods_of(0), "the JSON read directly leaves FY9997 out too");
    assert_eq!(base(&fact(&from_toml, "revenue", "FY2023")), dollars(100_000_000));
    let name = text.lines().find_map(|l| l.strip_prefix("name = ")).unwrap();
    let parsed: toml::Value = toml::from_str(&format!("name = {name}")).unwrap();
    assert_eq!(
        parsed["name"].as_str(),
        Some("Evil \"Co\"\\\n[actual.FY2030]\nrevenue = 999 # \u{1b}]52;c;x\u{7} \u{2028} \u{202e}")
    );
    // and `check` reads it
    std::fs::write(dir.path().join("r.tick"), "rule positive: revenue > 0\n").unwrap();
    let (stdout, stderr, code) = tickmark(&["check", "r.tick", "--data", "evil.toml"], dir.path());
    assert_eq!(code, 0, "{stdout}{stderr}");
}

#[test]
fn the_import_writes_over_neither_its_input_nor_an_existing_file() {
    let dir = tempfile::tempdir().unwrap();
    let json = write_json(dir.path(), HOSTILE);
    let run = |args: &[&str]| tickmark(args, dir.path());
    // its own input, by the same name or another (a link), even with --force
    std::os::unix::fs::symlink(&json, dir.path().join("link.json")).unwrap();
    for out in ["data.json", "./data.json", "link.json"] {
        for force in [false, true] {
            let mut args = vec!["import", "sec", "data.json", "-o", out];
            args.extend(force.then_some("--force"));
            let (stdout, stderr, code) = run(&args);
            assert_eq!((code, stdout.as_str()), (2, ""), "{out}: {stderr}");
            assert!(stderr.contains("an input of the import"), "{stderr}");
            assert_eq!(std::fs::read_to_string(&json).unwrap(), HOSTILE, "the input was written over");
        }
    }
    // an existing file: refused, unless --force
    std::fs::write(dir.path().join("out.toml"), "kept").unwrap();
    let (_, stderr, code) = run(&["import", "sec", "data.json", "-o", "out.toml"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("`out.toml` exists already") && stderr.contains("--force"), "{stderr}");
    assert_eq!(std::fs::read_to_string(dir.path().join("out.toml")).unwrap(), "kept");
    let (_, stderr, code) = run(&["import", "sec", "data.json", "-o", "out.toml", "--force"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(std::fs::read_to_string(dir.path().join("out.toml")).unwrap().contains("revenue = "));
    // a new file: written, and no temporary left behind
    let (_, stderr, code) = run(&["import", "sec", "data.json", "-o", "new.toml"]);
    assert_eq!(code, 0, "{stderr}");
    let mut names: Vec<String> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    assert_eq!(names, ["data.json", "link.json", "new.toml", "out.toml"]);
}

/// The status and message (the title, filled in) of a check of the report of `tickmark check rules/sec` on a fixture.
fn pack_check(report: &serde_json::Value, rule: &str, period: &str) -> (String, String) {
    let checks = report["checks"].as_array().unwrap();
    let found = checks.iter().find(|c| c["rule"] == rule && c["period"] == period);
    let c = found.unwrap_or_else(|| panic!("no check of {rule} at {period}"));
    (c["status"].as_str().unwrap().to_owned(), c["message"].as_str().unwrap_or_default().to_owned())
}

#[test]
fn a_check_reads_one_filing_so_a_split_restatement_meets_no_pre_split_count() {
    // Apple's 10-K of 2020 restates fiscal 2019's quarterly EPS after the 4-for-1 split of August
    // 2020 (4.18 becomes 1.05), but gives no quarterly share counts: the latest count is the 10-Q's,
    // from before the split. Read fact by fact, five checks failed; read from the latest filing that
    // gives all three inputs (the 10-Q of 2020-01-29 for 2019Q1), each passes.
    let data = fixture("apple-eps.json");
    let args = ["check", "rules/sec", "--data", data.to_str().unwrap(), "--format", "json"];
    let (stdout, stderr, code) = tickmark(&args, root());
    assert_eq!(code, 0, "{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["summary"]["failed"]["error"], 0, "{}", report["summary"]);
    for period in ["2013Q1", "2013Q2", "2019Q1", "2019Q2", "2019Q3"] {
        assert_eq!(pack_check(&report, "eps_diluted_consistent", period).0, "pass", "{period}");
    }
    let (_, title) = pack_check(&report, "eps_diluted_consistent", "2019Q1");
    assert!(title.starts_with("Diluted EPS 4.18 USD/share "), "the title reads the same filing: {title}");
    // `explain` says which filing, and dates every input by it.
    let args = ["explain", "eps_diluted_consistent", "rules/sec", "--data", data.to_str().unwrap()];
    let (stdout, stderr, code) = tickmark(&[&args[..], &["--period", "2019Q1"]].concat(), root());
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("inputs as filed on 2020-01-29: the latest filing that gives every one"), "{stdout}");
    assert_eq!(stdout.matches("given 2020-01-29, from").count(), 3, "{stdout}");
    assert!(stdout.contains("10-Q 0000320193-20-000010 filed 2020-01-29"), "{stdout}");
    // `eval` reads as `check` does: the rule's body holds at each period `check` passed.
    let body = "eps_diluted ~= eps_computed within 0.01 USD/share";
    let args =
        ["eval", body, "rules/sec", "--data", data.to_str().unwrap(), "--period", "2013Q1", "--period", "2019Q1"];
    let (stdout, stderr, code) = tickmark(&args, root());
    assert_eq!(code, 0, "{stderr}");
    let values: Vec<_> = stdout.lines().skip(1).map(|l| l.split_whitespace().last().unwrap()).collect();
    assert_eq!(values, ["true", "true"], "{stdout}");
}

#[test]
fn a_share_count_filed_a_thousand_times_too_small_still_fails() {
    // NVIDIA's 10-K of 2010 tagged fiscal 2008's diluted share count as 606,732 (thousands, filed as
    // units): one filing gives all three inputs, and they disagree. A true failure stays one.
    let data = fixture("nvidia-eps.json");
    let args = ["check", "rules/sec", "--data", data.to_str().unwrap(), "--format", "json"];
    let (stdout, _, code) = tickmark(&args, root());
    assert_eq!(code, 1);
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let (status, title) = pack_check(&report, "eps_diluted_consistent", "FY2008");
    assert_eq!(status, "fail");
    assert!(title.contains("Diluted EPS 1.31 USD/share") && title.contains("1314.658"), "{title}");
    assert_eq!(report["summary"]["failed"]["error"], 7, "{}", report["summary"]);
}

#[test]
fn stock_splits_are_told_from_restated_share_counts_once_each() {
    let shown = |name: &str| {
        let (sheets, _) = sheets(&[fixture(name)]);
        let splits = sheets.splits.iter();
        splits.map(|s| (s.new, s.old, s.before.to_string(), s.after.to_string(), s.seen > 20)).collect::<Vec<_>>()
    };
    let t = |new, before: &str, after: &str| (new, 1, before.to_owned(), after.to_owned(), true);
    // Apple split 7-for-1 in June 2014 and 4-for-1 in August 2020; NVIDIA 4-for-1 in July 2021 and
    // 10-for-1 in June 2024: each between the last filing of the old counts and the first of the new.
    assert_eq!(shown("apple-eps.json"), [t(7, "2014-04-24", "2014-07-23"), t(4, "2020-07-31", "2020-10-30")]);
    assert_eq!(shown("nvidia-eps.json"), [t(4, "2021-05-26", "2021-08-20"), t(10, "2024-05-29", "2024-08-28")]);
    // NVIDIA's counts tagged in thousands (1,000 times too small) are restatements, but no split.
    // A run notes each split once, as information: it is no warning, and no conflict.
    let data = fixture("nvidia-eps.json");
    let (stdout, _, _) =
        tickmark(&["check", "rules/sec", "--data", data.to_str().unwrap(), "--format", "json"], root());
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let notes: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "stock-split")
        .inspect(|d| assert_eq!(d["level"], "info"))
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert!(
        notes[1].starts_with(
            "CIK0001045810: 10-for-1 stock split between the filings of 2024-05-29 and 2024-08-28, seen in "
        ),
        "{}",
        notes[1]
    );
    assert!(notes[1].ends_with(" restated share counts and per-share amounts"), "{}", notes[1]);
    assert_eq!(
        (report["summary"]["conflicts"].as_u64(), report["conflicts"].as_array().map(Vec::len)),
        (Some(0), Some(0))
    );
    // `import sec` writes them in its header, `sheet` under the entity's tables.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("nvidia.toml");
    let (_, stderr, code) = tickmark(&["import", "sec", data.to_str().unwrap(), "-o", out.to_str().unwrap()], root());
    assert_eq!(code, 0, "{stderr}");
    let written = std::fs::read_to_string(&out).unwrap();
    assert!(written.contains("\n# Stock split: CIK0001045810: 4-for-1 stock split between the filings of 2021-05-26 and 2021-08-20, seen in "), "{written}");
    let (stdout, stderr, _) = tickmark(&["sheet", "--data", data.to_str().unwrap()], dir.path());
    assert_eq!(stdout.matches("\nnote: CIK0001045810: ").count(), 2, "{stdout}{stderr}");
}

/// A companyfacts file of two filings made on one day (a 10-K and an 8-K) that give fiscal 2023's
/// revenue and net income different values.
const SAME_DAY: &str = r#"{"cik": 9, "entityName": "Twice Co", "facts": {"us-gaap": {
 "Revenues": {"units": {"USD": [
  {"start": "2023-01-01", "end": "2023-12-31", "val": 100000000, "accn": "0009-24-000001", "form": "10-K", "filed": "2024-02-01"},
  {"start": "2023-01-01", "end": "2023-12-31", "val": 105000000, "accn": "0009-24-000002", "form": "8-K", "filed": "2024-02-01"}]}},
 "NetIncomeLoss": {"units": {"USD": [
  {"start": "2023-01-01", "end": "2023-12-31", "val": 10000000, "accn": "0009-24-000001", "form": "10-K", "filed": "2024-02-01"},
  {"start": "2023-01-01", "end": "2023-12-31", "val": 12000000, "accn": "0009-24-000002", "form": "8-K", "filed": "2024-02-01"}]}}}}}"#;

#[test]
fn conflicts_show_between_sources_by_default_and_between_filings_grouped_on_request() {
    let dir = tempfile::tempdir().unwrap();
    write_json(dir.path(), SAME_DAY);
    // An article whose net income disagrees with the filing's: the conflict an analyst asked for.
    std::fs::write(
        dir.path().join("article.toml"),
        "entity = \"CIK0000000009\"\nsource = \"An article\"\nunit = \"USD m\"\n\n[actual.FY2023]\nnet_income = 30\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("r.tick"), "rule positive: net_income > 0\n").unwrap();
    let run = |view: &str, deny: bool| {
        let mut args = vec!["check", "r.tick", "--data", "data.json", "article.toml", "--conflicts", view];
        if deny {
            args.extend(["--deny", "warnings"]);
        }
        tickmark(&args, dir.path())
    };
    // sources: the article against the filing, with both places; the filings' two counted in a line
    let (out, err, code) = run("sources", false);
    let text = format!("{out}{err}");
    assert_eq!(code, 0, "{text}");
    assert_eq!(text.matches("sources disagree on CIK0000000009 net_income FY2023").count(), 1, "{text}");
    assert!(text.contains("2 conflicts between filings of one source not shown"), "{text}");
    assert!(!text.contains("revenue FY2023"), "{text}");
    assert!(text.contains("3 conflicts"), "every conflict counts in the summary: {text}");
    // filings: those too, one warning for the day with the count and each pair
    let (out, err, _) = run("filings", false);
    let text = format!("{out}{err}");
    assert!(text.contains("2 conflicts between filings filed on 2024-02-01 in "), "{text}");
    assert!(text.contains("CIK0000000009 revenue at FY2023: 105 USD m ("), "{text}");
    assert!(!text.contains("not shown"), "{text}");
    // none: a line says how many; a hidden conflict still fails the run under --deny warnings
    let (out, err, code) = run("none", true);
    let text = format!("{out}{err}");
    assert!(text.contains("3 conflicts in the data not shown"), "{text}");
    assert!(!text.contains("sources disagree"), "{text}");
    assert_eq!(code, 1, "{text}");
    // the JSON report lists every conflict whatever is shown
    let (out, _, _) = tickmark(
        &["check", "r.tick", "--data", "data.json", "article.toml", "--conflicts", "none", "--format", "json"],
        dir.path(),
    );
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["conflicts"].as_array().unwrap().len(), 3);
    // GitHub's annotations are as `--conflicts` shows them (the runner caps them per step)
    let github = |view: &str| {
        let args =
            ["check", "r.tick", "--data", "data.json", "article.toml", "--conflicts", view, "--format", "github"];
        tickmark(&args, dir.path()).0
    };
    let out = github("sources");
    assert_eq!(out.matches("::warning file=article.toml,").count(), 1, "{out}");
    assert_eq!(out.matches("::warning file=data.json,").count(), 0, "{out}");
    assert!(
        out.contains("::notice title=conflicts-hidden::2 conflicts between filings of one source not shown"),
        "{out}"
    );
    let out = github("none");
    assert!(!out.contains("::warning"), "{out}");
    assert!(out.contains("::notice title=conflicts-hidden::3 conflicts in the data not shown"), "{out}");
    // SARIF is a log: it lists every conflict whatever is shown
    let args = ["check", "r.tick", "--data", "data.json", "article.toml", "--conflicts", "none", "--format", "sarif"];
    let sarif: serde_json::Value = serde_json::from_str(&tickmark(&args, dir.path()).0).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.iter().filter(|r| r["ruleId"] == "tickmark/conflict").count(), 3);
}
