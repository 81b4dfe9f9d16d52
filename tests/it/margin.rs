//! A fact with an explicit margin, `102466 ± 1 USD m`: a figure derived from rounded ones (a fourth
//! quarter as the year less nine months, each to the nearest million) is known only to ±1. The
//! margin replaces the half digit: rules see the interval it gives, conflicts meet by it, a streamed
//! long CSV reads it as the whole-file reader does, and reports show it as written.

use crate::common;

use std::path::{Path, PathBuf};

use common::{load, run_all, verdicts};
use rust_decimal::Decimal;
use serde_json::Value;
use tickmark::data::csv::stream::{Streamed, stream};
use tickmark::data::{Fact, FactValue, SheetBuilder, Sheets, load_paths};
use tickmark::fsutil::{TextFile, read_source};
use tickmark::num::Real;
use tickmark::period::Period;
use tickmark::source::{LineIndex, SourceId, Sources, display_path};
use tickmark::syntax::ast::Scenario;

/// Writes files into a fresh folder and returns it with each file's path.
fn written(files: &[(&str, &str)]) -> (tempfile::TempDir, Vec<PathBuf>) {
    let dir = tempfile::tempdir().unwrap();
    let paths = files
        .iter()
        .map(|(name, text)| {
            let path = dir.path().join(name);
            std::fs::write(&path, text).unwrap();
            path
        })
        .collect();
    (dir, paths)
}

/// A year's quarters in USD m where the fourth is derived: 100000 × 3 + 102466 = 402466, and the
/// year is 402469. Written to the million, the quarters sum to 402464..402468 (±2) and miss the
/// year's 402468.5..402469.5; with the fourth's ±1, they sum to 402463.5..402468.5 and meet it.
fn quarters(q4: &str) -> String {
    format!(
        "entity = \"ACME\"\nunit = \"USD m\"\n\n[actual.FY2025]\nq1 = 100000\nq2 = 100000\nq3 = 100000\n\
         q4 = {q4}\nfy = 402469\n"
    )
}

const RULES: &str = "\
rule quarters_add_up: q1 + q2 + q3 + q4 ~= fy
rule quarters_sum_to_the_year: q1 + q2 + q3 + q4 == fy
rule q4_as_written: q4 == 102466 USD m
";

/// Each rule's status over the quarters with `q4` written as given.
fn statuses(q4: &str) -> Vec<(String, &'static str)> {
    let (_dir, paths) = written(&[("rules.tick", RULES), ("acme.toml", &quarters(q4))]);
    let mut sources = Sources::default();
    let (program, sheets) = load(&paths[..1], &paths[1..], &mut sources).unwrap_or_else(|d| panic!("{d:?}"));
    let (checks, _) = run_all(&program, &sheets);
    verdicts(&program, &sheets, &checks).into_iter().map(|(rule, _, _, status)| (rule, status)).collect()
}

#[test]
fn the_margin_lets_the_quarters_add_up() {
    let with_margin = statuses("\"102466 ± 1\"");
    assert_eq!(
        with_margin,
        [
            ("quarters_add_up".to_owned(), "pass"),
            ("quarters_sum_to_the_year".to_owned(), "fail"),
            ("q4_as_written".to_owned(), "pass"),
        ],
        "`~=` meets by the margin; `==` compares the point values, 402466 and 402469"
    );
    let rounded_only = statuses("102466");
    assert!(rounded_only.contains(&("quarters_add_up".to_owned(), "fail")), "{rounded_only:?}");
    assert_eq!(statuses("\"102466 +/- 1\""), with_margin, "`+/-` is `±`");
}

/// The facts of a load, or the diagnostics rendered.
fn loaded(paths: &[PathBuf]) -> (Sources, Sheets) {
    let mut sources = Sources::default();
    let mut builder = SheetBuilder::default();
    let result = load_paths(paths, &mut sources, &mut builder).and_then(|()| builder.finish());
    match result {
        Ok(sheets) => (sources, sheets),
        Err(diags) => panic!("{}", common::render(&diags, &sources)),
    }
}

/// One fact of ACME's sheets.
fn fact(sheets: &Sheets, metric: &str, period: &str) -> Fact {
    let (metric, entity) = (sheets.metric_id(metric).unwrap(), sheets.entity_id("ACME").unwrap());
    sheets.get(metric, Scenario::Actual, entity, Period::parse(period).unwrap()).unwrap()
}

#[test]
fn the_interval_is_the_figure_plus_and_minus_the_margin_in_base_units() {
    let (_dir, paths) = written(&[("acme.toml", &quarters("\"102466 ± 1\""))]);
    let (sources, sheets) = loaded(&paths);
    let q4 = fact(&sheets, "q4", "FY2025");
    let n = q4.value.figure().unwrap().unwrap();
    let at = |d: i64| Real::from(Decimal::new(d, 0));
    assert_eq!((n.lo, n.point, n.hi), (at(102_465_000_000), at(102_466_000_000), at(102_467_000_000)));
    assert_eq!(q4.value.show(), "102466 ± 1 USD m", "the file's unit is the figure's and the margin's");
    // The fact's span is the whole string, quotes and all, as for any string value.
    assert_eq!(sources.get(q4.origin.file).slice(q4.origin.span), "\"102466 ± 1\"");
    let n = fact(&sheets, "q3", "FY2025").value.figure().unwrap().unwrap();
    assert_eq!((n.lo, n.hi), (at(99_999_500_000), at(100_000_500_000)));
}

#[test]
fn a_bad_margin_points_into_the_data_file() {
    let (_dir, paths) = written(&[("acme.toml", &quarters("\"102466 ± 0.1\""))]);
    let mut sources = Sources::default();
    let mut builder = SheetBuilder::default();
    let diags = load_paths(&paths, &mut sources, &mut builder).unwrap_err();
    let shown = common::render(&diags, &sources);
    assert!(shown.contains("the margin is finer than the figure's last digit"), "{shown}");
    let at = diags[0].labels[0].span;
    assert_eq!(sources.get(diags[0].file.unwrap()).slice(at), "0.1", "{shown}");
    assert!(shown.contains("at least `± 0.5`"), "{shown}");
}

#[test]
fn a_derived_figure_conflicts_only_where_its_margin_does_not_reach() {
    let other = |figure: &str| format!("entity = \"ACME\"\n[actual.2025Q4]\nrevenue = \"{figure}\"\n");
    let derived = other("102466 ± 1 USD m");
    // 102465..102467 and 102467.5..102468.5 do not meet; 102466.5..102467.5 does.
    let (_dir, paths) = written(&[("1_derived.toml", &derived), ("2_filed.toml", &other("102468 USD m"))]);
    let (_, sheets) = loaded(&paths);
    assert_eq!(sheets.conflicts.len(), 1, "{:?}", sheets.conflicts);
    let c = &sheets.conflicts[0];
    assert_eq!((c.kept.value.show(), c.other.value.show()), ("102466 ± 1 USD m".into(), "102468 USD m".into()));
    assert_eq!(fact(&sheets, "revenue", "2025Q4").value, c.kept.value, "the first file wins");
    let (_dir, paths) = written(&[("1_derived.toml", &derived), ("2_filed.toml", &other("102467 USD m"))]);
    assert_eq!(loaded(&paths).1.conflicts, []);
}

/// The bytes of a long CSV with a `±` cell, quoted and not, in a file unit and a cell unit.
const LONG: &str = "\
entity,metric,period,value,unit
ACME,q4,FY2025,102466 ± 1,USD m
ACME,fy,FY2025,402469,USD m
ACME,q4_ascii,FY2025,\"102466 +/- 1\",USD m
ACME,margin,2025Q4,10.8 ± 0.1 %,
";

/// Every fact of the sheets as a line: metric, period, value as shown, interval, and the text at its span.
fn facts(sources: &Sources, sheets: &Sheets) -> Vec<String> {
    common::all_facts(sheets)
        .into_iter()
        .map(|(_, _, metric, period, f)| {
            let n = f.value.figure().unwrap().unwrap();
            let at = sources.get(f.origin.file).slice(f.origin.span).to_owned();
            let place = sources.location(f.origin.file, f.origin.span);
            let place = place.rsplit_once(".csv:").map_or(place.as_str(), |(_, lc)| lc).to_owned();
            format!("{metric} {period} = {} [{}..{}] `{at}` at {place}", f.value.show(), n.lo, n.hi)
        })
        .collect()
}

#[test]
fn a_long_csv_reads_a_margin_the_same_streamed_or_whole() {
    let mut lines = LineIndex::default();
    let mut builder = SheetBuilder::default();
    builder.add_source(SourceId(0), None);
    let how = stream(LONG.as_bytes(), SourceId(0), u64::MAX, &mut builder, &mut lines).unwrap();
    assert!(matches!(how, Streamed::Read(_)), "the stream reads `±` cells itself: {how:?}");

    let (_dir, paths) = written(&[("acme.csv", LONG)]);
    let (sources, sheets) = loaded(&paths);
    let streamed = facts(&sources, &sheets);

    let mut sources = Sources::default();
    let file = read_source(&paths[0], display_path(&paths[0]), TextFile::CsvData, &mut sources).unwrap();
    let text = sources.get(file).text().clone();
    let data = tickmark::data::csv::parse(&text, file, "acme").unwrap_or_else(|d| panic!("{d:?}"));
    let mut builder = SheetBuilder::default();
    builder.add_source(file, data.source);
    for (key, fact) in data.facts {
        builder.insert(key, fact);
    }
    let whole = facts(&sources, &builder.finish().unwrap());

    assert_eq!(streamed, whole, "the stream and the whole-file reader disagree");
    assert_eq!(
        streamed,
        [
            "fy FY2025 = 402469 USD m [402468500000..402469500000] `402469` at 3:16",
            "margin 2025Q4 = 10.8 ± 0.1 % [0.107..0.109] `10.8 ± 0.1 %` at 5:20",
            "q4 FY2025 = 102466 ± 1 USD m [102465000000..102467000000] `102466 ± 1` at 2:16",
            "q4_ascii FY2025 = 102466 ± 1 USD m [102465000000..102467000000] `102466 +/- 1` at 4:23",
        ]
    );
}

/// Runs the binary in `dir` and returns its stdout, asserting the exit code.
fn run(dir: &Path, args: &[&str], code: i32) -> String {
    let (stdout, stderr, got) = common::tickmark(args, dir);
    assert_eq!(got, code, "{args:?}\n{stdout}\n{stderr}");
    stdout
}

#[test]
fn reports_show_the_margin_as_written() {
    let (dir, _) = written(&[("rules.tick", RULES), ("acme.toml", &quarters("\"102466 ± 1\""))]);
    let json: Value =
        serde_json::from_str(&run(dir.path(), &["check", "rules.tick", "--data", "acme.toml", "--format", "json"], 1))
            .unwrap();
    let failed = json["checks"].as_array().unwrap().iter().find(|c| c["rule"] == "quarters_sum_to_the_year").unwrap();
    let q4 = failed["facts"].as_array().unwrap().iter().find(|f| f["metric"] == "q4").unwrap();
    assert_eq!(q4["value"], "102466 ± 1 USD m");

    let sheet = run(dir.path(), &["sheet", "--data", "acme.toml"], 0);
    assert!(sheet.contains("102466 ± 1"), "{sheet}");
    let sheet: Value =
        serde_json::from_str(&run(dir.path(), &["sheet", "--data", "acme.toml", "--format", "json"], 0)).unwrap();
    let q4 = sheet["facts"].as_array().unwrap().iter().find(|f| f["metric"] == "q4").unwrap();
    assert_eq!((&q4["value"], &q4["unit"]), (&Value::from("102466 ± 1"), &Value::from("USD m")));

    let human = run(dir.path(), &["check", "rules.tick", "--data", "acme.toml"], 1);
    assert!(human.contains("q4 at FY2025 = 102466 ± 1 USD m, from acme.toml:8:6"), "{human}");
    let explain = run(dir.path(), &["explain", "quarters_add_up", "rules.tick", "--data", "acme.toml"], 0);
    let q4 = explain.lines().find(|l| l.contains("─ q4 ")).unwrap_or_else(|| panic!("{explain}"));
    assert!(
        q4.ends_with("102466 USD m (102465.0 USD m..102467.0 USD m)"),
        "the interval, as for any figure:\n{explain}"
    );
}

#[test]
fn a_fact_value_is_a_figure_with_a_margin() {
    let value = tickmark::data::parse_value("124300 ± 1 USD m", tickmark::num::Unit::None).unwrap();
    let FactValue::Approx(a) = value else { panic!("{value:?}") };
    assert_eq!((a.value.value, a.margin), (Decimal::new(124_300, 0), Decimal::ONE));
}
