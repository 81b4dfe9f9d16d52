//! The workpaper (`check --format html`, `sheet --format html`): one self-contained HTML page for a
//! reviewer, the way auditors lay out a check: a header (what was checked, by whom, when), the summary
//! and a conclusion, the sheet with a tick mark beside every figure, small SVG charts of guided metrics
//! against their guidance and of growth claims against the growth computed, a card for every
//! exception (failed or erred check) with its rule, operands, gap and the facts' provenance, then the
//! skipped checks, the conflicts between sources, the run's warnings, and the files with their SHA-256.
//!
//! The page is laid out by the askama templates in `templates/html/`, compiled into the binary. It
//! loads nothing (no URL at all), works without JavaScript (a short script only adds filters), and is
//! polyglot HTML5: every element closed and every attribute quoted, so an XML parser reads it too.
//! Every text from input is escaped by askama; control characters are written as `\u{1b}` (the last
//! guard every report has).

pub mod chart;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use askama::Template;
use sha2::{Digest, Sha256};

use crate::check::{CExpr, CKind, Func};
use crate::config::Workpaper;
use crate::data::{FactValue, Origin};
use crate::eval::{Check, Evaluator, Outcome, Trace, Value};
use crate::num::display;
use crate::period::Period;
use crate::source::{SourceId, Span};
use crate::syntax::ast::{Scenario, Severity};

use super::sheet::{self, Entry, Mark};
use super::{Run, explain};
use chart::{Bar, Chart, GuidedPeriod, Shape};

/// What the page says beyond the run: who prepared it, when, and the words of its legend.
#[derive(Debug, Clone, Default)]
pub struct Meta {
    /// `--preparer`, else `preparer` of `[workpaper]` in tickmark.toml.
    pub preparer: Option<String>,
    /// The legend's words from `[workpaper]`, where it has them.
    pub legend: Workpaper,
    /// The run date as shown: `2026-12-06 22:10:00 UTC`.
    pub date: String,
    /// The rule files of the run, in the order read.
    pub rule_files: Vec<SourceId>,
}

/// The words of the legend where `[workpaper]` has none.
const CHECKED: &str = "read by a passing check and no failed one";
const FAILED: &str = "read by a failed check: an exception, linked to its card";
const BARE: &str = "read by no check that reached a verdict";

/// Renders the workpaper of a run; `entries` is its sheet (see `commands::sheet::entries`).
pub fn render(run: &Run, entries: &[Entry], meta: &Meta) -> String {
    let cards = cards(run);
    let by_fact = card_of_fact(&cards);
    let page = Page {
        title: title(entries),
        version: env!("CARGO_PKG_VERSION"),
        date: &meta.date,
        preparer: meta.preparer.as_deref().unwrap_or(""),
        entities: entities(entries),
        periods: periods(entries),
        files: files(run, &meta.rule_files),
        summary: summary(run),
        conclusion: conclusion(run),
        legend: legend(&meta.legend),
        sheets: sheets(entries, &by_fact),
        charts: charts(run, entries),
        skipped: skipped(run),
        conflicts: conflicts(run),
        warnings: run.warnings.iter().map(|d| note(d, run)).collect(),
        cards: cards.into_iter().map(|c| c.card).collect(),
    };
    let html = page.render().unwrap_or_else(|e| format!("<!DOCTYPE html>\n<p>the page could not be made: {e}</p>\n"));
    crate::escape::guard_text(&html, false).into_owned()
}

/// The run date of the page: `SOURCE_DATE_EPOCH` (seconds since 1970, UTC) where set, so that a page
/// can be made again byte for byte; else the time now. A `SOURCE_DATE_EPOCH` that is not a whole
/// number of seconds is an error (`Err` with what it holds).
pub fn run_date() -> Result<String, String> {
    let seconds = match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(text) => text.trim().parse::<i64>().map_err(|_| text)?,
        Err(_) => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0)),
    };
    Ok(utc(seconds))
}

/// Seconds since 1970 as a UTC date and time: `2026-12-06 22:10:00 UTC`.
fn utc(seconds: i64) -> String {
    let (days, rest) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
    let (year, month, day) = crate::date::civil_from_days(days);
    format!("{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC", rest / 3600, rest % 3600 / 60, rest % 60)
}

#[derive(Template)]
#[template(path = "html/workpaper.html")]
struct Page<'a> {
    title: String,
    version: &'static str,
    date: &'a str,
    preparer: &'a str,
    entities: String,
    periods: String,
    files: Vec<FileRow>,
    summary: Vec<Count>,
    conclusion: String,
    legend: Vec<LegendRow>,
    sheets: Vec<EntitySheet>,
    charts: Vec<Chart>,
    cards: Vec<Card>,
    skipped: Vec<Skipped>,
    conflicts: Vec<ConflictRow>,
    warnings: Vec<String>,
}

/// A rule or data file with its content hash.
struct FileRow {
    kind: &'static str,
    name: String,
    /// The SHA-256 of the file's bytes as they are on disk now, hex; empty where it cannot be read.
    sha256: String,
    /// What the file holds: its source's name, its count of facts or rules.
    about: String,
}

/// One count of the summary: the label, the number and its style (`fail` draws a nonzero in red).
struct Count {
    label: &'static str,
    count: usize,
    class: &'static str,
}

struct LegendRow {
    glyph: &'static str,
    class: &'static str,
    text: String,
}

/// An entity's sheet: a block per scenario layer.
struct EntitySheet {
    entity: String,
    id: String,
    blocks: Vec<Block>,
}

struct Block {
    scenario: &'static str,
    periods: Vec<String>,
    rows: Vec<SheetRow>,
}

struct SheetRow {
    metric: String,
    unit: String,
    cells: Vec<Option<SheetCell>>,
}

struct SheetCell {
    text: String,
    class: &'static str,
    glyph: &'static str,
    /// For a crossed figure: the card of a failed check that read it.
    href: String,
    /// The rules that read it, by verdict.
    tip: String,
}

/// An exception: a failed or erred check.
struct Card {
    id: String,
    rule: String,
    entity: String,
    period: String,
    severity: &'static str,
    status: &'static str,
    title: String,
    location: String,
    /// The rule as written, operands marked with their values.
    source: Vec<Piece>,
    operands: Vec<Operand>,
    finding: String,
    facts: Vec<FactRow>,
}

/// A piece of a rule's source: plain, or an operand with its value.
struct Piece {
    text: String,
    value: String,
}

struct Operand {
    expr: String,
    value: String,
    interval: String,
}

struct FactRow {
    name: String,
    period: String,
    value: String,
    location: String,
    source: String,
}

struct Skipped {
    rule: String,
    entity: String,
    period: String,
    missing: String,
}

struct ConflictRow {
    entity: String,
    name: String,
    period: String,
    kept: String,
    kept_at: String,
    other: String,
    other_at: String,
}

/// A card with the facts its check read, to link crossed figures to it.
struct Carded {
    card: Card,
    read: Vec<Origin>,
}

/// The page's title: the entities it covers.
fn title(entries: &[Entry]) -> String {
    let names = sheet::entities(entries);
    match names.len() {
        0 => "Workpaper".to_owned(),
        1..=4 => format!("Workpaper: {}", names.join(", ")),
        n => format!("Workpaper: {n} entities"),
    }
}

fn entities(entries: &[Entry]) -> String {
    sheet::entities(entries).join(", ")
}

/// The periods of the sheet: `2024Q1 to 2026Q1 (9 quarters), FY2024 to FY2026 (3 years)`.
fn periods(entries: &[Entry]) -> String {
    let all: BTreeSet<Period> = entries.iter().map(|e| e.period).collect();
    let (quarters, years): (Vec<Period>, Vec<Period>) =
        all.into_iter().partition(|p| matches!(p, Period::Quarter { .. }));
    let mut parts = Vec::new();
    for (list, word) in [(quarters, "quarter"), (years, "year")] {
        match list.as_slice() {
            [] => {}
            [one] => parts.push(format!("{one} (1 {word})")),
            [first, .., last] => parts.push(format!("{first} to {last} ({} {word}s)", list.len())),
        }
    }
    parts.join(", ")
}

/// Every rule file, then every data file, with its hash.
fn files(run: &Run, rule_files: &[SourceId]) -> Vec<FileRow> {
    let mut rules_in: HashMap<SourceId, usize> = HashMap::new();
    for &r in &run.results.rules {
        *rules_in.entry(run.program.rules[r].file).or_default() += 1;
    }
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let rules = rule_files.iter().map(|&id| FileRow {
        kind: "rules",
        name: run.sources.get(id).name.clone(),
        sha256: sha256(&run.sources.get(id).name),
        about: plural(rules_in.get(&id).copied().unwrap_or(0), "rule"),
    });
    let data = run.sheets.sources.iter().map(|d| {
        let name = run.sources.get(d.file).name.clone();
        let about = match &d.name {
            Some(source) => format!("{}: {source}", plural(d.facts, "fact")),
            None => plural(d.facts, "fact"),
        };
        FileRow { kind: "data", sha256: sha256(&name), name, about }
    });
    rules.chain(data).collect()
}

/// The SHA-256 of a file as it is on disk, in hex, so that `sha256sum` says the same; empty where
/// it cannot be read again (standard input).
fn sha256(path: &str) -> String {
    let Ok(bytes) = std::fs::read(path) else { return String::new() };
    Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// The counts of the summary, in the order of the human report's line.
fn summary(run: &Run) -> Vec<Count> {
    let s = run.summary();
    let bad = |n: usize| if n > 0 { "fail" } else { "" };
    vec![
        Count { label: "rules", count: s.rules, class: "" },
        Count { label: "checks made", count: s.checks - s.skipped, class: "" },
        Count { label: "passed", count: s.passed, class: "pass" },
        Count { label: "failed: error", count: s.failed.error, class: bad(s.failed.error) },
        Count { label: "failed: warning", count: s.failed.warning, class: bad(s.failed.warning) },
        Count { label: "failed: info", count: s.failed.info, class: bad(s.failed.info) },
        Count { label: "erred", count: s.errors, class: bad(s.errors) },
        Count { label: "skipped", count: s.skipped, class: "" },
        Count { label: "borderline", count: s.borderline.total(), class: bad(s.borderline.total()) },
        Count { label: "conflicts", count: s.conflicts, class: bad(s.conflicts) },
        Count { label: "warnings", count: s.warnings, class: bad(s.warnings) },
    ]
}

/// The conclusion in a sentence.
fn conclusion(run: &Run) -> String {
    let s = run.summary();
    let exceptions = s.failed.total() + s.errors;
    let made = s.checks - s.skipped;
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    match exceptions {
        0 => format!("No exceptions: every one of the {} passed.", plural(made, "check")),
        n => format!(
            "{} of {} made ({} error, {} warning, {} info; {} erred): each is explained below.",
            plural(n, "exception"),
            plural(made, "check"),
            s.failed.error,
            s.failed.warning,
            s.failed.info,
            s.errors,
        ),
    }
}

fn legend(words: &Workpaper) -> Vec<LegendRow> {
    let text = |given: &Option<String>, default: &str| given.clone().unwrap_or_else(|| default.to_owned());
    vec![
        LegendRow { glyph: "✓", class: "ok", text: text(&words.checked, CHECKED) },
        LegendRow { glyph: "✗", class: "bad", text: text(&words.failed, FAILED) },
        LegendRow { glyph: "", class: "bare", text: text(&words.bare, BARE) },
    ]
}

/// The cards of the failed and erred checks, in report order, each with a unique id.
fn cards(run: &Run) -> Vec<Carded> {
    let mut taken = BTreeSet::new();
    let mut out = Vec::new();
    for c in run.kept() {
        let trace = match &c.outcome {
            Outcome::Fail(trace) | Outcome::Error(_, trace) => trace,
            Outcome::Pass | Outcome::Skip(_) => continue,
        };
        let rule = &run.program.rules[c.rule];
        let entity = &run.sheets.entities[c.entity as usize];
        let id = unique(&mut taken, &format!("check-{}-{entity}-{}", rule.name, c.period));
        let text = run.sources.get(rule.file);
        let diag = explain::check_diag(c, run.program, run.sheets, run.sources);
        let finding = match &c.outcome {
            Outcome::Error(e, _) => format!("could not be checked: {}", e.message),
            _ => diag.and_then(|d| d.help).unwrap_or_default(),
        };
        let card = Card {
            id,
            rule: rule.name.clone(),
            entity: entity.clone(),
            period: c.period.to_string(),
            severity: severity(rule.severity),
            status: if matches!(c.outcome, Outcome::Fail(_)) { "failed" } else { "erred" },
            title: c.title.clone().unwrap_or_default(),
            location: run.sources.location(rule.file, rule.name_span),
            source: pieces(text.slice(rule.span), rule.span, &rule.body, trace),
            operands: operands(&rule.body, trace, &|s| text.slice(s).to_owned()),
            finding,
            facts: trace.facts.iter().map(|f| fact_row(run, f)).collect(),
        };
        out.push(Carded { card, read: trace.facts.iter().map(|f| f.fact.origin).collect() });
    }
    out
}

/// An id made of the letters, digits, `-`, `_` and `.` of `wanted` (anything else an `_`), with a
/// number after it where it is taken already.
fn unique(taken: &mut BTreeSet<String>, wanted: &str) -> String {
    let base: String =
        wanted.chars().map(|c| if c.is_ascii_alphanumeric() || "-_.".contains(c) { c } else { '_' }).collect();
    let mut id = base.clone();
    let mut n = 1;
    while !taken.insert(id.clone()) {
        n += 1;
        id = format!("{base}-{n}");
    }
    id
}

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

/// The rule's text cut at its operands, each operand with its value.
fn pieces(text: &str, at: Span, body: &CExpr, trace: &Trace) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut from = 0;
    for span in explain::operand_spans(body) {
        let Some(value) = trace.value_at(span) else { continue };
        let (start, end) = ((span.start - at.start) as usize, (span.end - at.start) as usize);
        let (Some(before), Some(operand)) = (text.get(from..start), text.get(start..end)) else { continue };
        out.push(Piece { text: before.to_owned(), value: String::new() });
        out.push(Piece { text: operand.to_owned(), value: value.show_with_interval() });
        from = end;
    }
    out.push(Piece { text: text.get(from..).unwrap_or_default().to_owned(), value: String::new() });
    out
}

/// Every operand of the rule with its value and interval, as the JSON report lists them.
fn operands(body: &CExpr, trace: &Trace, slice: &dyn Fn(Span) -> String) -> Vec<Operand> {
    explain::operand_spans(body)
        .into_iter()
        .filter_map(|span| {
            let value = trace.value_at(span)?;
            let interval = match value {
                Value::Num(n) if !n.is_exact() => display::interval(n),
                Value::Num(_) => "exact".to_owned(),
                _ => String::new(),
            };
            Some(Operand { expr: slice(span), value: value.show(), interval })
        })
        .collect()
}

/// A fact a check read, with where it came from.
fn fact_row(run: &Run, f: &crate::eval::FactUse) -> FactRow {
    let name = match f.scenario {
        Scenario::Actual => f.name.to_string(),
        s => format!("{}.{}", s.as_str(), f.name),
    };
    FactRow {
        name,
        period: f.period.to_string(),
        value: f.fact.value.show(),
        location: run.sources.location(f.fact.origin.file, f.fact.origin.span),
        source: source_name(run, f.fact.origin.file),
    }
}

/// The `source = "..."` of a data file, or nothing.
fn source_name(run: &Run, file: SourceId) -> String {
    run.sheets.sources.iter().find(|s| s.file == file).and_then(|s| s.name.clone()).unwrap_or_default()
}

/// The first card whose check read each fact.
fn card_of_fact(cards: &[Carded]) -> HashMap<Origin, String> {
    let mut out = HashMap::new();
    for c in cards {
        for &origin in &c.read {
            out.entry(origin).or_insert_with(|| c.card.id.clone());
        }
    }
    out
}

/// The sheet of each entity: a block per scenario layer, metrics down and periods across.
fn sheets(entries: &[Entry], card_of: &HashMap<Origin, String>) -> Vec<EntitySheet> {
    let mut layers: BTreeMap<(&str, usize), Vec<&Entry>> = BTreeMap::new();
    for e in entries {
        layers.entry((e.entity.as_str(), e.scenario as usize)).or_default().push(e);
    }
    let mut taken = BTreeSet::new();
    sheet::entities(entries)
        .into_iter()
        .map(|entity| {
            let blocks = Scenario::ALL
                .into_iter()
                .filter_map(|s| Some((s, layers.get(&(entity.as_str(), s as usize))?)))
                .map(|(scenario, layer)| block(scenario, layer, card_of))
                .collect();
            let id = unique(&mut taken, &format!("sheet-{entity}"));
            EntitySheet { entity, id, blocks }
        })
        .collect()
}

fn block(scenario: Scenario, layer: &[&Entry], card_of: &HashMap<Origin, String>) -> Block {
    let rows = sheet::rows(layer);
    let periods: Vec<Period> =
        rows.iter().flat_map(|r| r.cells.iter().map(|c| c.0)).collect::<BTreeSet<_>>().into_iter().collect();
    let rows = rows
        .iter()
        .map(|row| SheetRow {
            metric: row.metric.to_owned(),
            unit: row.unit.clone(),
            cells: periods
                .iter()
                .map(|p| row.cells.iter().find(|c| c.0 == *p).map(|(_, text, e)| cell(text, e, card_of)))
                .collect(),
        })
        .collect();
    Block { scenario: scenario.as_str(), periods: periods.iter().map(Period::to_string).collect(), rows }
}

fn cell(text: &str, e: &Entry, card_of: &HashMap<Origin, String>) -> SheetCell {
    let (class, glyph) = match e.mark {
        Mark::Checked => ("ok", "✓"),
        Mark::Failed => ("bad", "✗"),
        Mark::Bare => ("bare", ""),
    };
    let href = match e.mark {
        Mark::Failed => format!("#{}", card_of.get(&e.fact.origin).map_or("exceptions", String::as_str)),
        _ => String::new(),
    };
    let mut tip = Vec::new();
    if !e.failed_by.is_empty() {
        tip.push(format!("failed: {}", e.failed_by.join(", ")));
    }
    if !e.checked_by.is_empty() {
        tip.push(format!("passed: {}", e.checked_by.join(", ")));
    }
    SheetCell { text: text.to_owned(), class, glyph, href, tip: tip.join("; ") }
}

/// The checks skipped for a missing input.
fn skipped(run: &Run) -> Vec<Skipped> {
    run.kept()
        .iter()
        .filter_map(|c| {
            let Outcome::Skip(m) = &c.outcome else { return None };
            Some(Skipped {
                rule: run.program.rules[c.rule].name.clone(),
                entity: run.sheets.entities[c.entity as usize].clone(),
                period: c.period.to_string(),
                missing: format!("{} has no value at {}", m.name, m.period),
            })
        })
        .collect()
}

fn conflicts(run: &Run) -> Vec<ConflictRow> {
    run.sheets
        .conflicts
        .iter()
        .map(|c| ConflictRow {
            entity: c.key.entity.clone(),
            name: match c.key.scenario {
                Scenario::Actual => c.key.metric.clone(),
                s => format!("{}.{}", s.as_str(), c.key.metric),
            },
            period: c.key.period.to_string(),
            kept: c.kept.value.show(),
            kept_at: run.sources.location(c.kept.origin.file, c.kept.origin.span),
            other: c.other.value.show(),
            other_at: run.sources.location(c.other.origin.file, c.other.origin.span),
        })
        .collect()
}

/// A warning of the run in a line: its message and where.
fn note(d: &crate::diag::Diag, run: &Run) -> String {
    match d.location(run.sources) {
        Some(at) => format!("{}: {} ({at})", d.level, d.message),
        None => format!("{}: {}", d.level, d.message),
    }
}

/// The charts: every guided metric of every entity against its guidance, then every growth claim.
fn charts(run: &Run, entries: &[Entry]) -> Vec<Chart> {
    let mut out = guided_charts(entries);
    out.extend(growth_charts(run));
    out
}

/// A chart for each entity and metric with a guidance range: the actuals and the guidance over the
/// periods of the guidance's kind (quarters or years), all in one unit (else no chart).
fn guided_charts(entries: &[Entry]) -> Vec<Chart> {
    let mut by_metric: BTreeMap<(&str, &str), Vec<&Entry>> = BTreeMap::new();
    for e in entries.iter().filter(|e| e.scenario != Scenario::Consensus) {
        by_metric.entry((e.entity.as_str(), e.metric.as_str())).or_default().push(e);
    }
    let mut out = Vec::new();
    for ((entity, metric), of) in by_metric {
        let guided =
            of.iter().find(|e| e.scenario == Scenario::Guidance && matches!(e.fact.value, FactValue::Range(_)));
        let Some(kind) = guided.map(|e| e.period.kind()) else { continue };
        let units: BTreeSet<_> = of.iter().flat_map(|e| units(&e.fact.value)).collect();
        let [unit] = units.into_iter().collect::<Vec<_>>()[..] else { continue };
        let mut periods: BTreeMap<Period, GuidedPeriod> = BTreeMap::new();
        for e in of.iter().filter(|e| e.period.kind() == kind) {
            let slot = periods.entry(e.period).or_insert_with(|| GuidedPeriod {
                label: e.period.to_string(),
                actual: None,
                guidance: None,
            });
            let shown = e.fact.value.show();
            match (e.scenario, &e.fact.value) {
                (Scenario::Actual, FactValue::Number(q)) => slot.actual = q.base().ok().map(|v| (v, shown)),
                (Scenario::Actual, FactValue::Approx(a)) => slot.actual = a.value.base().ok().map(|v| (v, shown)),
                (Scenario::Guidance, FactValue::Range(r)) => {
                    slot.guidance = Some((r.lo.and_then(|q| q.base().ok()), r.hi.and_then(|q| q.base().ok()), shown))
                }
                (Scenario::Guidance, FactValue::Number(q)) => {
                    let v = q.base().ok();
                    slot.guidance = Some((v.clone(), v, shown))
                }
                _ => {}
            }
        }
        if periods.values().all(|p| p.actual.is_none()) {
            continue;
        }
        let periods = every_period(periods);
        let (low, high) = ends(&of, kind, unit);
        let caption = format!("{entity} {metric} ({unit}): actual (line) against guidance (band)");
        out.extend(chart::guided(caption, &periods, &low, &high));
    }
    out
}

/// The periods of a chart with every period between its first and last (quarter by quarter, or
/// year by year), so that the x axis is time; a period between has neither actual nor guidance.
fn every_period(mut given: BTreeMap<Period, GuidedPeriod>) -> Vec<GuidedPeriod> {
    let (Some(&first), Some(&last)) = (given.keys().next(), given.keys().next_back()) else { return Vec::new() };
    let step = match first {
        Period::Quarter { .. } => crate::period::Step::Quarter,
        Period::Year(_) => crate::period::Step::Year,
    };
    let mut out = Vec::new();
    let mut at = Some(first);
    while let Some(p) = at.filter(|p| *p <= last) {
        out.push(given.remove(&p).unwrap_or_else(|| GuidedPeriod {
            label: p.to_string(),
            actual: None,
            guidance: None,
        }));
        at = p.shift(1, step);
    }
    out
}

/// The units of a fact's figures.
fn units(value: &FactValue) -> Vec<crate::num::Unit> {
    match value {
        FactValue::Number(q) => vec![q.unit],
        FactValue::Approx(a) => vec![a.value.unit],
        FactValue::Range(r) => r.lo.iter().chain(r.hi.iter()).map(|q| q.unit).collect(),
    }
}

/// The lowest and highest figure a guided chart draws, as written.
fn ends(of: &[&Entry], kind: crate::period::Kind, unit: crate::num::Unit) -> (String, String) {
    let figures = of.iter().filter(|e| e.period.kind() == kind).flat_map(|e| match e.fact.value {
        FactValue::Number(q) => vec![q.value],
        FactValue::Approx(a) => vec![a.value.value],
        FactValue::Range(r) => r.lo.iter().chain(r.hi.iter()).map(|q| q.value).collect(),
    });
    let (lo, hi) = figures.fold((None, None), |(lo, hi): (Option<rust_decimal::Decimal>, Option<_>), v| {
        (Some(lo.map_or(v, |l| l.min(v))), Some(hi.map_or(v, |h: rust_decimal::Decimal| h.max(v))))
    });
    let shown = |v: Option<rust_decimal::Decimal>| {
        v.map(|v| display::quantity(&crate::num::Quantity::new(v, unit))).unwrap_or_default()
    };
    (shown(lo), shown(hi))
}

/// A chart for every check of a rule `growth(...) ~= X%`: the growth computed against the claim
/// (and the claim widened by its tolerance, where it has one).
fn growth_charts(run: &Run) -> Vec<Chart> {
    let claims: Vec<usize> =
        run.results.rules.iter().copied().filter(|&r| growth_claim(&run.program.rules[r].body).is_some()).collect();
    if claims.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for check in run.listed().filter(|c| claims.contains(&c.rule)) {
        let rule = &run.program.rules[check.rule];
        let Some((growth, claim, within)) = growth_claim(&rule.body) else { continue };
        let traced;
        let trace = match &check.outcome {
            Outcome::Fail(t) => &**t,
            Outcome::Pass => {
                traced = trace_of(run, &check);
                &traced
            }
            Outcome::Skip(_) | Outcome::Error(..) => continue,
        };
        let num = |e: &CExpr| match trace.value_at(e.span) {
            Some(Value::Num(n)) => Some(n.clone()),
            _ => None,
        };
        let (Some(computed), Some(claimed)) = (num(growth), num(claim)) else { continue };
        let verdict = if matches!(check.outcome, Outcome::Pass) { "bar pass" } else { "bar fail" };
        let mut bars = vec![Bar { label: "growth computed", value: computed.clone(), class: verdict }];
        bars.push(Bar { label: "claimed", value: claimed.clone(), class: "bar claim" });
        if let Some(t) = within
            && let Ok(by) = crate::eval::expr::tolerance(t, &computed, &claimed)
            && let Ok(widened) = claimed.widen(&by)
        {
            bars.push(Bar { label: "claimed, within tolerance", value: widened, class: "bar within" });
        }
        let entity = &run.sheets.entities[check.entity as usize];
        let word = if matches!(check.outcome, Outcome::Pass) { "passed" } else { "failed" };
        let caption = format!("{} at {entity} {} ({word}): growth computed against the claim", rule.name, check.period);
        out.extend(chart::bars(caption, &bars));
    }
    out
}

/// The sides of a rule `growth(...) ~= X` (either way round) and its tolerance.
fn growth_claim(body: &CExpr) -> Option<(&CExpr, &CExpr, Option<&crate::num::Quantity>)> {
    let CKind::Approx { lhs, rhs, within } = &body.kind else { return None };
    let is_growth = |e: &CExpr| matches!(e.kind, CKind::Call { func: Func::Growth, .. });
    match (is_growth(lhs), is_growth(rhs)) {
        (true, _) => Some((lhs, rhs, within.as_ref())),
        (false, true) => Some((rhs, lhs, within.as_ref())),
        _ => None,
    }
}

/// A passing check evaluated again with tracing, for its values.
fn trace_of(run: &Run, check: &Check) -> Trace {
    let rule = &run.program.rules[check.rule];
    let mut tracer = Evaluator::tracing(run.program, run.sheets, check.entity);
    tracer.one_filing(&rule.body, check.period);
    let _ = tracer.eval(&rule.body, check.period, rule.file);
    tracer.trace.unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::{unique, utc};

    #[test]
    fn dates_are_utc() {
        assert_eq!(utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(utc(1_765_000_000), "2025-12-06 05:46:40 UTC");
        assert_eq!(utc(951_782_400), "2000-02-29 00:00:00 UTC");
        assert_eq!(utc(-1), "1969-12-31 23:59:59 UTC");
    }

    #[test]
    fn ids_are_plain_and_unique() {
        let mut taken = Default::default();
        assert_eq!(unique(&mut taken, "check-r-A\"<B>-2025Q4"), "check-r-A__B_-2025Q4");
        assert_eq!(unique(&mut taken, "check-r-A<<B>-2025Q4"), "check-r-A__B_-2025Q4-2");
    }
}
