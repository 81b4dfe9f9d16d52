//! Data files to facts: a snapshot per fixture of what loads (`tests/fixtures/data/ok`, a file or a
//! folder of files) and of the diagnostics of what does not (`tests/fixtures/data/err`), plus plain
//! asserts for what matters: precision as written, units, ranges, conflicts, one meaning in all formats.

use crate::common;

use common::{load_data, settings};

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use miette::{GraphicalReportHandler, GraphicalTheme};
use proptest::prelude::*;
use rust_decimal::Decimal;
use tickmark::data::{Fact, FactValue, Sheets};
use tickmark::diag::Diag;
use tickmark::num::{Quantity, Unit, display};
use tickmark::period::Period;
use tickmark::source::{SourceId, Sources};
use tickmark::syntax::ast::Scenario;

/// The fixtures' folder, relative to the crate root (where `cargo test` runs).
const FIXTURES: &str = "tests/fixtures/data";

/// Loads one fixture, `ok/amzn.toml`, which must load.
fn load_ok(fixture: &str) -> (Sources, Sheets) {
    let (sources, sheets) = load_data(&[Path::new(FIXTURES).join(fixture)]);
    match sheets {
        Ok(sheets) => (sources, sheets),
        Err(diags) => panic!("{fixture} does not load:\n{}", render(&diags, &sources)),
    }
}

/// A fixture path relative to the crate root, `/` separated.
fn relative(path: &Path) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

/// A value as written, with its unit: `213.4 USD bn`, `173.5 USD bn..178.5 USD bn`, `..213 USD bn`.
fn show(value: &FactValue) -> String {
    let bound = |q: Option<Quantity>| q.map_or(String::new(), |q| display::quantity(&q));
    match value {
        FactValue::Number(q) => display::quantity(q),
        FactValue::Approx(a) => display::approx(a),
        FactValue::Range(r) => format!("{}..{}", bound(r.lo), bound(r.hi)),
    }
}

/// One line per fact, then the conflicts and the sources.
fn facts_section(sheets: &Sheets, sources: &Sources) -> String {
    let mut out = String::new();
    for (entity, scenario, metric, period, fact) in common::all_facts(sheets) {
        let at = sources.location(fact.origin.file, fact.origin.span);
        let value = show(&fact.value);
        out += &format!("{entity:<5} {:<9} {metric:<29} {period:<6} = {value:<27} {at}\n", scenario.as_str());
    }
    for c in &sheets.conflicts {
        let (kept, other) = (&c.kept, &c.other);
        let at = |f: &Fact| sources.location(f.origin.file, f.origin.span);
        out += &format!("conflict: {} {} {} {}\n", c.key.entity, c.key.scenario.as_str(), c.key.metric, c.key.period);
        out += &format!(
            "  kept  {} at {}\n  other {} at {}\n",
            show(&kept.value),
            at(kept),
            show(&other.value),
            at(other)
        );
    }
    for s in &sheets.sources {
        let name = s.name.as_deref().unwrap_or("-");
        out += &format!("source {}: {name} ({} facts)\n", sources.get(s.file).name, s.facts);
    }
    out
}

/// The diagnostics as a user sees them, without colour.
fn render(diags: &[Diag], sources: &Sources) -> String {
    let handler = GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor()).with_width(80).with_urls(false);
    let mut out = String::new();
    for diag in diags {
        handler.render_report(&mut out, &diag.render(sources)).expect("rendering into a string");
    }
    out
}

/// The text of a fixture: a file, or each file of a folder under its name (bad UTF-8 shown lossily).
fn source_section(path: &Path) -> String {
    if !path.is_dir() {
        return String::from_utf8_lossy(&std::fs::read(path).expect("a fixture")).into_owned();
    }
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(path).expect("a folder").map(|e| e.expect("an entry").path()).collect();
    files.sort();
    files.iter().map(|f| format!("=== {}\n{}", relative(f).display(), source_section(f))).collect()
}

#[test]
fn ok_fixtures() {
    settings().bind(|| {
        insta::glob!("..", "fixtures/data/ok/*", |path| {
            let (sources, sheets) = load_data(&[relative(path)]);
            let facts = match sheets {
                Ok(sheets) => facts_section(&sheets, &sources),
                Err(diags) => panic!("{} does not load:\n{}", path.display(), render(&diags, &sources)),
            };
            let body = format!("----- SOURCE\n{}\n----- FACTS\n{facts}", source_section(path));
            insta::assert_snapshot!("data_ok", body);
        });
    });
}

#[test]
fn err_fixtures() {
    settings().bind(|| {
        insta::glob!("..", "fixtures/data/err/*", |path| {
            let (sources, sheets) = load_data(&[relative(path)]);
            let Err(diags) = sheets else { panic!("{} loads, but should not", path.display()) };
            assert!(diags.iter().all(|d| d.level == tickmark::diag::Level::Error));
            let body = format!("----- SOURCE\n{}\n----- REPORT\n{}", source_section(path), render(&diags, &sources));
            insta::assert_snapshot!("data_err", body);
        });
    });
}

/// The fact of an entity's metric at a period and scenario.
fn fact(sheets: &Sheets, scenario: Scenario, metric: &str, period: &str) -> Fact {
    let metric = sheets.metric_id(metric).expect("a metric");
    let entity = sheets.entity_id("AMZN").expect("AMZN");
    sheets.get(metric, scenario, entity, Period::parse(period).expect("a period")).expect("a fact")
}

/// The number of a fact that is a figure.
fn number(fact: Fact) -> Quantity {
    match fact.value {
        FactValue::Number(q) => q,
        other => panic!("not a plain figure: {other:?}"),
    }
}

#[test]
fn written_precision_is_kept() {
    for fixture in ["ok/amzn.toml", "ok/amzn.json", "ok/amzn_wide.csv", "ok/amzn_long.csv"] {
        let (_, sheets) = load_ok(fixture);
        let income = number(fact(&sheets, Scenario::Actual, "operating_income", "2025Q4"));
        assert_eq!((income.value.to_string(), income.value.scale()), ("25.0".to_string(), 1), "{fixture}");
    }
}

#[test]
fn a_string_keeps_its_own_unit() {
    let (_, sheets) = load_ok("ok/amzn.toml");
    let severance = number(fact(&sheets, Scenario::Actual, "severance", "2025Q4"));
    assert_eq!(severance.unit, Unit::parse("USD m").unwrap());
    assert_eq!(severance.base().unwrap(), tickmark::num::Real::Dec(Decimal::new(730_000_000, 0)));
    assert_eq!(number(fact(&sheets, Scenario::Actual, "revenue", "2025Q4")).unit, Unit::parse("USD bn").unwrap());
}

#[test]
fn a_range_loads_as_a_range() {
    let (_, sheets) = load_ok("ok/amzn.toml");
    let FactValue::Range(range) = fact(&sheets, Scenario::Guidance, "revenue", "2026Q1").value else {
        panic!("not a range");
    };
    assert_eq!(range.lo.map(|q| q.value.to_string()), Some("173.5".to_string()));
    assert_eq!(range.hi.map(|q| q.value.to_string()), Some("178.5".to_string()));
    let FactValue::Range(open) = fact(&sheets, Scenario::Guidance, "revenue", "2025Q4").value else {
        panic!("not a range");
    };
    assert_eq!((open.lo, open.hi.map(|q| q.value)), (None, Some(Decimal::new(213, 0))));
}

#[test]
fn values_that_do_not_meet_are_one_conflict_and_the_first_file_wins() {
    let (sources, sheets) = load_ok("ok/conflict");
    assert_eq!(sheets.conflicts.len(), 1, "128.3 vs 131 conflicts, 35.6 vs 35.60 does not");
    let conflict = &sheets.conflicts[0];
    assert_eq!((conflict.key.metric.as_str(), conflict.key.period.to_string()), ("capex", "FY2025".to_string()));
    assert_eq!(number(conflict.kept).value.to_string(), "128.3");
    assert_eq!(number(conflict.other).value.to_string(), "131");
    assert_eq!(number(fact(&sheets, Scenario::Actual, "capex", "FY2025")).value.to_string(), "128.3");
    assert!(sources.get(conflict.kept.origin.file).name.ends_with("1_results.toml"));
    assert_eq!(number(fact(&sheets, Scenario::Actual, "segment.aws.revenue", "2025Q4")).value.to_string(), "35.6");
}

/// The facts of a fixture without their origins, values as written.
fn meaning(fixture: &str) -> BTreeSet<(String, &'static str, String, Period, String)> {
    let (_, sheets) = load_ok(fixture);
    common::all_facts(&sheets).into_iter().map(|(e, s, m, p, f)| (e, s.as_str(), m, p, show(&f.value))).collect()
}

#[test]
fn toml_json_and_csv_of_the_same_facts_give_the_same_facts() {
    let toml = meaning("ok/amzn.toml");
    assert_eq!(toml.len(), 16);
    assert_eq!(meaning("ok/amzn.json"), toml);
    assert_eq!(meaning("ok/amzn_wide.csv"), toml);
    assert_eq!(meaning("ok/amzn_long.csv"), toml);
}

#[test]
fn origins_point_at_the_values() {
    let (sources, sheets) = load_ok("ok/amzn.toml");
    let origin = fact(&sheets, Scenario::Actual, "severance", "2025Q4").origin;
    assert_eq!(sources.get(origin.file).slice(origin.span), "\"730 USD m\"");
    let (sources, sheets) = load_ok("ok/amzn_long.csv");
    let origin = fact(&sheets, Scenario::Actual, "operating_margin", "FY2025").origin;
    assert_eq!(sources.get(origin.file).slice(origin.span), "10.8%");
}

#[test]
fn errors_of_all_files_come_together() {
    let (sources, sheets) =
        load_data(&[Path::new(FIXTURES).join("err/many_files"), Path::new(FIXTURES).join("err/empty.csv")]);
    let diags = sheets.expect_err("bad files");
    let files: Vec<&str> =
        diags.iter().filter_map(|d| d.file).map(|f: SourceId| sources.get(f).name.as_str()).collect();
    assert_eq!(
        files,
        [
            "tests/fixtures/data/err/many_files/a.toml",
            "tests/fixtures/data/err/many_files/b.csv",
            "tests/fixtures/data/err/empty.csv",
        ]
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// No input panics a reader: every text gives facts or diagnostics.
    #[test]
    fn no_text_panics_a_reader(text in "(\\PC|[\"'\\[\\]{},.=\n\r]|\\.\\.|2025Q4|USD){0,40}") {
        let file = SourceId(0);
        let _ = tickmark::data::toml::parse(&text, file);
        let _ = tickmark::data::json::parse(&text, file);
        let _ = tickmark::data::csv::parse(&text, file, "AMZN");
        let _ = tickmark::data::parse_value(&text, Unit::None);
    }
}

#[test]
fn a_missing_path_cannot_be_read() {
    let (_, sheets) = load_data(&[Path::new(FIXTURES).join("no_such_folder")]);
    let diags = sheets.expect_err("a missing path");
    assert_eq!(diags.len(), 1);
    assert!(diags[0].message.starts_with("cannot read `tests/fixtures/data/no_such_folder`: "), "{}", diags[0].message);
}

#[test]
fn an_exponent_in_a_cell_is_an_error_never_a_unit() {
    for text in ["1e30", "1E30", "1.25e3", "1e5 USD bn", "7.3e-1", "1 e30"] {
        let error = tickmark::data::parse_value(text, Unit::None).expect_err(text);
        assert_eq!(error.label, "exponent", "{text}");
    }
    let (sources, sheets) = load_data(&[Path::new(FIXTURES).join("err/exponent.csv")]);
    let diags = sheets.expect_err("an exponent");
    let spans: Vec<&str> = diags.iter().map(|d| sources.get(d.file.unwrap()).slice(d.labels[0].span)).collect();
    assert_eq!(spans, ["1e30", "1.25E+3", "2.5e1"]);
}

#[test]
fn a_range_bound_without_a_unit_takes_the_other_bounds_unit() {
    let FactValue::Range(r) = tickmark::data::parse_value("5..7%", Unit::parse("USD bn").unwrap()).unwrap() else {
        panic!("not a range");
    };
    assert_eq!(show(&FactValue::Range(r)), "5 %..7 %");
    let FactValue::Range(r) = tickmark::data::parse_value("5..7", Unit::parse("USD bn").unwrap()).unwrap() else {
        panic!("not a range");
    };
    assert_eq!(show(&FactValue::Range(r)), "5 USD bn..7 USD bn");
}

/// A value cell's own unit that measures something else than its row's `unit` (`1.5 GW`, `9%` or
/// `5 EUR m` in a row of `USD bn`) is an error at the cell (issue 12), in a small file and in one the
/// streaming reader takes; the row's unit in another scale (`730 USD m`) is read as written.
#[test]
fn a_cell_unit_contradicting_its_row_is_an_error_at_the_cell() {
    let dir = tempfile::tempdir().unwrap();
    let header = "entity,metric,period,value,unit\n";
    let filler: String = (0..20_000).map(|i| format!("AMZN,m{i},2025Q4,{i},USD bn\n")).collect();
    for (i, (cell, own)) in [("1.5 GW", "GW"), ("9%", "%"), ("5 EUR m", "EUR m"), ("1..2 GW", "GW")].iter().enumerate()
    {
        for (kind, before) in [("small", ""), ("streamed", filler.as_str())] {
            let path = dir.path().join(format!("{kind}{i}.csv"));
            std::fs::write(&path, format!("{header}{before}AMZN,revenue,2025Q4,{cell},USD bn\n")).unwrap();
            let (sources, sheets) = load_data(std::slice::from_ref(&path));
            let diags = sheets.err().unwrap_or_else(|| panic!("{kind} {cell}: read"));
            assert_eq!(diags.len(), 1, "{kind} {cell}");
            assert_eq!(diags[0].message, format!("the cell says `{own}`, but its row's unit is `USD bn`"));
            let line = before.lines().count() + 2;
            assert_eq!(
                diags[0].location(&sources).unwrap(),
                format!("{}:{line}:21", sources.get(diags[0].file.unwrap()).name)
            );
        }
    }
    let path = dir.path().join("scale.csv");
    std::fs::write(&path, format!("{header}AMZN,severance,2025Q4,730 USD m,USD bn\n")).unwrap();
    let (_, sheets) = load_data(std::slice::from_ref(&path));
    let sheets = sheets.unwrap();
    let fact =
        sheets.get(sheets.metric_id("severance").unwrap(), Scenario::Actual, 0, Period::parse("2025Q4").unwrap());
    assert_eq!(show(&fact.unwrap().value), "730 USD m");
}
