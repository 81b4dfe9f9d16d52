//! What each fuzz target does with its input. Shared, through `#[path]`, by the targets in
//! `fuzz_targets/` and by `tests/it/fuzz.rs`, which replays every input a fuzzer ever found a fault with
//! (`tests/fixtures/fuzz/TARGET/`), so a fixed crash stays fixed in `cargo test`.
//!
//! Every target runs its input through as much of the real pipeline as it reaches, in memory: read,
//! check, evaluate, render every report format, explain every check. Beyond "no panic, no hang, no
//! runaway memory", each asserts what must hold of any input:
//! - every diagnostic points inside its file, on character boundaries;
//! - a run renders the same bytes twice;
//! - a rule file that parses formats to text that parses and formats to itself.

#![allow(dead_code)]

use tickmark::check::{self, RuleFile};
use tickmark::data::{SheetBuilder, Sheets, load_source, xlsx};
use tickmark::diag::Diag;
use tickmark::eval::{self, Filter, Outcome};
use tickmark::report::human::{Style, Verbosity};
use tickmark::report::tree::Explainer;
use tickmark::report::{self, Run};
use tickmark::source::{SourceId, Sources};
use tickmark::syntax::parser;

/// The data the `rules` target checks its rules against: two entities, quarters and years,
/// segments, guidance ranges, percentages, per-share figures and counts.
pub const DATA_TOML: &str = r#"
entity = "AMZN"
unit = "USD bn"

[actual.2024Q4]
revenue = 187.8
operating_income = 21.2
net_income = 20.0
eps_diluted = "1.86 USD"
margin = "11.3 %"

[actual.2025Q3]
revenue = 180.2
operating_income = 17.4
net_income = 21.2

[actual.2025Q4]
revenue = 213.4
operating_income = 25.0
net_income = 21.2
eps_diluted = "1.95 USD"
margin = "11.7 %"
headcount = "1556000 count"

[actual.2025Q4.segment.aws]
revenue = 35.6
operating_income = 12.5

[actual.2025Q4.segment.retail]
revenue = 177.8
operating_income = 12.5

[actual.FY2025]
revenue = 716.9
capex = 128.3

[guidance.2025Q4]
revenue = "206..213"
operating_income = "21..26"

[guidance.2026Q1]
revenue = "173.5..178.5"
"#;

/// A second source in long CSV: another entity, and a figure that conflicts with the TOML.
pub const DATA_CSV: &str = "\
entity,metric,period,value,unit,scenario
GOOGL,revenue,2025Q4,113.8,USD bn,actual
GOOGL,revenue,2024Q4,96.5,USD bn,actual
GOOGL,operating_income,2025Q4,35.9,USD bn,actual
GOOGL,capex,FY2025,91.4,USD bn,actual
AMZN,capex,FY2025,131,USD bn,actual
";

/// Rules over whatever metrics a data file holds: each shape the language has, applied to the
/// first metrics of the data, so that a data target reaches evaluation whatever names it invents.
const SHAPES: &[&str] = &[
    "rule r{n}: {a} >= 0",
    "rule r{n}: {a} ~= {b} within 1%",
    "rule r{n}: {a} ~= {b} within 0.5",
    "rule r{n} at quarters: growth({a}, {a}[-4q]) < 50%",
    "rule r{n} at quarters: annualized({a}) >= {a}",
    "rule r{n} at quarters: {a} > {a}[-1q] or {a} <= {a}[-4q]",
    "rule r{n} at years: {a} == {a}[-1y] + 0",
    "rule r{n}: {a} / {b} > 0.1",
    "rule r{n}: round({a} / {b}, 1) < 100",
    "rule r{n}: {a} in guidance.{a}",
    "rule r{n}: {a} ~= sum(segment.*.{a})",
    "rule r{n}: if exists({b}) then {a} - {b} > 0 else true",
    "rule r{n}: max({a}, {b}) >= min({a}, {b})",
    "rule r{n}: abs({a} - {b}) <= {a} + {b}",
    "rule r{n}: change({a}, {b}) > 0",
    "rule r{n}: mid(guidance.{a}) > low(guidance.{a}) - width(guidance.{a})",
    "rule r{n}: avg(segment.*.{a}) * count(segment.*.{a}) ~= {a} within 2%",
];

/// The `rules` target: a rule file over fixed data.
pub fn rules(bytes: &[u8]) {
    let Ok(text) = std::str::from_utf8(bytes) else { return };
    run_text(text, &[("data/amzn.toml", DATA_TOML), ("data/peers.csv", DATA_CSV)]);
    formats_to_itself(text);
}

/// The `data_toml` target: a TOML data file under rules made for its metrics.
pub fn data_toml(bytes: &[u8]) {
    data("fuzz.toml", bytes);
}

/// The `data_json` target: a JSON data file under rules made for its metrics.
pub fn data_json(bytes: &[u8]) {
    data("fuzz.json", bytes);
}

/// The `data_csv` target: a CSV data file (wide or long) under rules made for its metrics.
pub fn data_csv(bytes: &[u8]) {
    data("fuzz.csv", bytes);
}

/// The `data_xlsx` target: a workbook (the bytes of a `.xlsx` file) under rules made for its
/// metrics, read with the limits a workbook from disk has (what its parts may inflate to, its cells).
pub fn data_xlsx(bytes: &[u8]) {
    workbook(bytes);
}

/// The sheets of data that was read, or `None` once the diagnostics of reading or laying it out have
/// been rendered.
fn finished(loaded: Result<(), Vec<Diag>>, builder: SheetBuilder, sources: &Sources) -> Option<Sheets> {
    let sheets = loaded.and_then(|()| builder.finish());
    if let Err(diags) = &sheets {
        report_diags(diags, sources);
    }
    sheets.ok()
}

/// A workbook, with rules of every shape over its first metrics; returns how many rules it made.
pub fn workbook(bytes: &[u8]) -> usize {
    let read = |sources: &mut Sources, builder: &mut SheetBuilder| {
        xlsx::load_bytes(bytes, "AMZN.xlsx".into(), "AMZN", sources, builder)
    };
    let (mut sources, mut builder) = (Sources::default(), SheetBuilder::default());
    let loaded = read(&mut sources, &mut builder);
    let Some(sheets) = finished(loaded, builder, &sources) else { return 0 };
    let metrics: Vec<&String> = sheets.metrics.iter().filter(|m| !m.contains('.')).take(3).collect();
    let rules = generated_rules(&metrics, &sheets);
    run_with(&rules, read);
    rules.lines().count()
}

/// The `pipeline` target: a (rules, data) pair. The first byte picks the data format; the rest is
/// the rule file, a 0xFF byte (never in UTF-8 text), and the data file.
pub fn pipeline(bytes: &[u8]) {
    let Some((&format, rest)) = bytes.split_first() else { return };
    let split = rest.iter().position(|&b| b == 0xFF).unwrap_or(rest.len());
    let (rules, data) = (&rest[..split], rest.get(split + 1..).unwrap_or_default());
    let (Ok(rules), Ok(data)) = (std::str::from_utf8(rules), std::str::from_utf8(data)) else { return };
    let name = ["fuzz.toml", "fuzz.json", "fuzz.csv"][usize::from(format % 3)];
    run_text(rules, &[(name, data)]);
}

/// A data file, with rules of every shape over its first metrics; returns how many rules it made.
pub fn data(name: &str, bytes: &[u8]) -> usize {
    let Ok(text) = std::str::from_utf8(bytes) else { return 0 };
    let mut sources = Sources::default();
    let mut builder = SheetBuilder::default();
    let loaded = read_data(name, text, &mut sources, &mut builder);
    let Some(sheets) = finished(loaded, builder, &sources) else { return 0 };
    let metrics: Vec<&String> = sheets.metrics.iter().filter(|m| !m.contains('.')).take(3).collect();
    let rules = generated_rules(&metrics, &sheets);
    run_text(&rules, &[(name, text)]);
    rules.lines().count()
}

/// Rules of every shape over pairs of the metrics, each kept only if it checks on its own.
fn generated_rules(metrics: &[&String], sheets: &Sheets) -> String {
    let mut out = String::new();
    for (i, a) in metrics.iter().enumerate() {
        for (j, b) in metrics.iter().enumerate() {
            for (k, shape) in SHAPES.iter().enumerate() {
                let n = (i * 3 + j) * SHAPES.len() + k;
                let rule = shape.replace("{n}", &n.to_string()).replace("{a}", a).replace("{b}", b);
                if checks_alone(&rule, sheets) {
                    out.push_str(&rule);
                    out.push('\n');
                }
            }
        }
    }
    out
}

/// Whether a rule file parses and checks against the sheets.
fn checks_alone(text: &str, sheets: &Sheets) -> bool {
    let mut sources = Sources::default();
    let file = sources.add("probe.tick".into(), text);
    let Ok(ast) = parser::parse(text, file) else { return false };
    check::check_and_link(&[RuleFile { file, text: text.into(), ast }], sheets).is_ok()
}

/// Reads one data file, by the format of its name, as `tickmark` reads one from disk.
fn read_data(name: &str, text: &str, sources: &mut Sources, builder: &mut SheetBuilder) -> Result<(), Vec<Diag>> {
    let file = sources.add(name.into(), text);
    load_source(std::path::Path::new(name), file, sources, builder)
}

/// The whole run of a rule file over data files, every report rendered and checked.
fn run_text(rules: &str, data: &[(&str, &str)]) {
    run_with(rules, |sources, builder| {
        let mut diags = Vec::new();
        for (name, text) in data {
            if let Err(more) = read_data(name, text, sources, builder) {
                diags.extend(more);
            }
        }
        if diags.is_empty() { Ok(()) } else { Err(diags) }
    });
}

/// The whole run of a rule file over the data `read` loads, every report rendered and checked.
fn run_with(rules: &str, read: impl Fn(&mut Sources, &mut SheetBuilder) -> Result<(), Vec<Diag>>) {
    let mut sources = Sources::default();
    let mut builder = SheetBuilder::default();
    let mut diags = read(&mut sources, &mut builder).err().unwrap_or_default();
    let file = sources.add("fuzz.tick".into(), rules);
    let parsed = parser::parse(rules, file);
    let ast = match parsed {
        Ok(ast) if diags.is_empty() => ast,
        Ok(_) => return report_diags(&diags, &sources),
        Err(more) => {
            diags.extend(more);
            return report_diags(&diags, &sources);
        }
    };
    let sheets = match builder.finish() {
        Ok(sheets) => sheets,
        Err(diags) => return report_diags(&diags, &sources),
    };
    let program = match check::check_and_link(&[RuleFile { file, text: rules.into(), ast }], &sheets) {
        Ok(program) => program,
        Err(diags) => return report_diags(&diags, &sources),
    };
    let results = eval::run(&program, &sheets, &Filter::default(), eval::Keep::NotPassed);
    let checks = results.every(&program, &sheets);
    let mut warnings = report::warnings::of_run(&program, &sheets, &sources, &results, false, true);
    warnings.extend(sheets.conflicts.iter().map(|c| report::warnings::conflict_diag(c, &sources)));
    located(&warnings, &sources);
    let conflicts = Default::default();
    let run = Run {
        program: &program,
        sheets: &sheets,
        sources: &sources,
        results: &results,
        warnings: &warnings,
        conflicts,
    };
    let style = Style { color: false, width: 80 };
    let human = report::human::render(&run, style, Verbosity::Verbose, true);
    let json = report::json::render(&run);
    assert_eq!(
        human,
        report::human::render(&run, style, Verbosity::Verbose, true),
        "human report differs between renders"
    );
    assert_eq!(json, report::json::render(&run), "json report differs between renders");
    let _ = (report::sarif::render(&run), report::junit::render(&run), report::github::render(&run));
    let explainer = Explainer { program: &program, sheets: &sheets, sources: &sources };
    for check in checks.iter().take(64) {
        let _ = explainer.check(check, true, style);
        if let Outcome::Fail(_) | Outcome::Error(..) = check.outcome
            && let Some(diag) = report::explain::check_diag(check, &program, &sheets, &sources)
        {
            located(std::slice::from_ref(&diag), &sources);
            let _ = report::human::render_diags(&[diag], &sources, style);
        }
    }
}

/// Renders a failed run's diagnostics in every format, after checking where they point.
fn report_diags(diags: &[Diag], sources: &Sources) {
    assert!(!diags.is_empty(), "a failed run without a diagnostic");
    located(diags, sources);
    let style = Style { color: false, width: 80 };
    let _ = report::human::render_diags(diags, sources, style);
    let _ = report::json::render_diags(diags, sources);
    let _ = report::sarif::render_diags(diags, sources);
}

/// Asserts that every label of every diagnostic (and its related ones) lies inside its file, on
/// character boundaries.
fn located(diags: &[Diag], sources: &Sources) {
    for diag in diags {
        if let Some(file) = diag.file {
            let text = &sources.get(file).text();
            if sources.get(file).is_described() {
                // A file described by places (a companyfacts file's filings): every label names one.
                for label in &diag.labels {
                    assert!(sources.get(file).place(label.span).is_some(), "label names no place: {diag:?}");
                }
                located(&diag.related, sources);
                continue;
            }
            for label in &diag.labels {
                let (start, end) = (label.span.start as usize, label.span.end as usize);
                assert!(
                    start <= end && end <= text.len(),
                    "label {start}..{end} outside a file of {} bytes: {diag:?}",
                    text.len()
                );
                assert!(
                    text.is_char_boundary(start) && text.is_char_boundary(end),
                    "label {start}..{end} splits a character: {diag:?}"
                );
            }
        } else {
            assert!(diag.labels.is_empty(), "labels without a file: {diag:?}");
        }
        located(&diag.related, sources);
    }
}

/// A rule file that parses formats to text that parses, and formats again to itself.
fn formats_to_itself(text: &str) {
    let id = SourceId(0);
    let Ok(formatted) = tickmark::fmt::format(text, id) else { return };
    match tickmark::fmt::format(&formatted, id) {
        Ok(again) => assert_eq!(formatted, again, "formatting is not idempotent"),
        Err(diags) => panic!("formatted text does not parse: {diags:?}\n{formatted}"),
    }
}
