//! The sheet as a table (`tickmark sheet`): metrics down, periods across, one block per scenario
//! layer, each figure ticked `✓` (read by a passing check and no failed one), crossed `✗` (read by a
//! failed check) or bare (no check that ran read it); also as CSV and JSON.
//!
//! A row's unit is shown once, in the unit column, when every figure of the row shares it; a row of
//! mixed units leaves the column empty and writes each figure with its own. A table wider than the
//! terminal is split into several blocks of period columns, each repeating the metric column.
//!
//! CSV: one row per entity and metric, columns `entity,metric,unit`, then for every scenario and
//! period two columns, `actual 2025Q4` (the figure as written, without the row's unit) and
//! `actual 2025Q4 status` (`checked`, `failed`, `bare`, or empty where there is no figure).
//! JSON: `{"entities": [...], "facts": [...]}`: per entity whose data gives attributes, `entity` and
//! `attributes` (`{"sector": "retail"}`); per fact `entity`, `metric`, `scenario`, `period`,
//! `value`, `unit`, `status`, `location`, `source`, `checked_by` and `failed_by` (rule names).
//! The table shows an entity's attributes above its blocks.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write;

use crate::data::entity::Attributes;
use crate::data::{Conflict, DataSource, Fact, FactValue};
use crate::num::{Quantity, Unit};
use crate::period::Period;
use crate::source::Sources;
use crate::syntax::ast::Scenario;

use super::human::Style;
use super::tree::paint;

/// What the marks mean, as the table's last line says.
const LEGEND: [&str; 3] =
    ["✓ read by a passing check and no failed one", "✗ read by a failed check", "no mark: read by no check"];

/// How the checks that ran saw a fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Mark {
    /// Read by no check that ran to a verdict.
    Bare,
    /// Read by a passing check and by no failed one.
    Checked,
    /// Read by a failed check.
    Failed,
}

impl Mark {
    /// The status word of CSV and JSON: `checked`, `failed`, `bare`.
    pub fn word(self) -> &'static str {
        match self {
            Mark::Bare => "bare",
            Mark::Checked => "checked",
            Mark::Failed => "failed",
        }
    }

    /// The glyph after a figure in the table, coloured where colour is on.
    fn glyph(self, color: bool) -> String {
        match self {
            Mark::Bare => " ".to_owned(),
            Mark::Checked => paint(color, "32", "✓"),
            Mark::Failed => paint(color, "1;31", "✗"),
        }
    }
}

/// One fact of the sheet with its mark and the rules that read it.
#[derive(Debug, Clone)]
pub struct Entry {
    pub entity: String,
    pub metric: String,
    pub scenario: Scenario,
    pub period: Period,
    pub fact: Fact,
    pub mark: Mark,
    /// Rules whose passing checks read the fact, sorted.
    pub checked_by: Vec<String>,
    /// Rules whose failed checks read the fact, sorted.
    pub failed_by: Vec<String>,
}

impl Entry {
    /// A fact of the sheet, not yet known to be read by any rule.
    pub fn new(entity: String, metric: String, scenario: Scenario, period: Period, fact: Fact) -> Entry {
        Entry {
            entity,
            metric,
            scenario,
            period,
            fact,
            mark: Mark::Bare,
            checked_by: Vec::new(),
            failed_by: Vec::new(),
        }
    }
}

/// The order of metric names: by their dotted parts, so a name's segments stay together.
pub fn metric_order(a: &str, b: &str) -> std::cmp::Ordering {
    a.split('.').cmp(b.split('.'))
}

/// The unit every figure of a row shares, if they share one.
fn shared_unit(entries: &[&Entry]) -> Option<Unit> {
    let units: BTreeSet<Option<Unit>> = entries.iter().map(|e| single_unit(&e.fact.value)).collect();
    match units.into_iter().collect::<Vec<_>>().as_slice() {
        [Some(unit)] => Some(*unit),
        _ => None,
    }
}

/// The one unit of a fact, if it has one (a range whose bounds differ in unit has none).
fn single_unit(value: &FactValue) -> Option<Unit> {
    match value {
        FactValue::Number(q) => Some(q.unit),
        FactValue::Approx(a) => Some(a.value.unit),
        FactValue::Range(r) => match (r.lo, r.hi) {
            (Some(lo), Some(hi)) if lo.unit != hi.unit => None,
            (lo, hi) => lo.or(hi).map(|q| q.unit),
        },
    }
}

/// A fact as written, without its unit when `bare` (the row shows it once): `213.4`, `102466 ± 1`,
/// `173.5..178.5`.
pub fn written(value: &FactValue, bare: bool) -> String {
    if !bare {
        return value.show();
    }
    let plain = |q: Option<Quantity>| q.map(|q| q.value.to_string()).unwrap_or_default();
    match value {
        FactValue::Number(q) => q.value.to_string(),
        FactValue::Approx(a) => format!("{} ± {}", a.value.value, a.margin),
        FactValue::Range(r) => format!("{}..{}", plain(r.lo), plain(r.hi)),
    }
}

/// A row of a block: a metric and its unit, and its figures by period (as written, and the entry).
pub struct Row<'a> {
    pub metric: &'a str,
    /// The unit every figure shares, shown once; empty where they do not share one.
    pub unit: String,
    pub cells: Vec<(Period, String, &'a Entry)>,
}

/// The rows of one entity's scenario layer, metrics in order.
pub fn rows<'a>(entries: &[&'a Entry]) -> Vec<Row<'a>> {
    let mut by_metric: HashMap<&str, Vec<&'a Entry>> = HashMap::new();
    for &e in entries {
        by_metric.entry(e.metric.as_str()).or_default().push(e);
    }
    let mut metrics: Vec<(&'a str, Vec<&'a Entry>)> =
        entries.iter().map(|e| e.metric.as_str()).filter_map(|m| Some((m, by_metric.remove(m)?))).collect();
    metrics.sort_by(|a, b| metric_order(a.0, b.0));
    metrics
        .into_iter()
        .map(|(metric, of)| {
            let unit = shared_unit(&of);
            let cells = of.iter().map(|&e| (e.period, written(&e.fact.value, unit.is_some()), e)).collect();
            Row { metric, unit: unit.map_or(String::new(), |u| u.to_string()), cells }
        })
        .collect()
}

/// Renders the sheet as tables, one block per entity and scenario layer, split to fit `width`.
pub fn table(
    entries: &[Entry],
    conflicts: &[Conflict],
    splits: &[crate::data::Split],
    attributes: &Attributes,
    sources: &Sources,
    width: Option<usize>,
    style: Style,
) -> String {
    let mut blocks = Vec::new();
    // Grouped once, so that each entity's blocks cost its own entries, not all of them.
    let mut layers: BTreeMap<(&str, usize), Vec<&Entry>> = BTreeMap::new();
    for e in entries {
        layers.entry((e.entity.as_str(), e.scenario as usize)).or_default().push(e);
    }
    let mut conflicts_of: HashMap<&str, Vec<&Conflict>> = HashMap::new();
    for c in conflicts {
        conflicts_of.entry(c.key.entity.as_str()).or_default().push(c);
    }
    for entity in entities(entries) {
        blocks.extend(entity_header(&entity, attributes));
        for scenario in Scenario::ALL {
            if let Some(layer) = layers.get(&(entity.as_str(), scenario as usize)) {
                let title = paint(style.color, "1", &format!("{entity} · {}", scenario.as_str()));
                blocks.push(block(&title, &rows(layer), width, style));
            }
        }
        let mut notes = conflict_notes(&entity, conflicts_of.get(entity.as_str()).map_or(&[], Vec::as_slice), sources);
        // a split once, where its restated figures are vintages (the table shows the latest)
        for split in splits.iter().filter(|s| s.entity == entity) {
            let _ = writeln!(notes, "note: {}", split.describe());
        }
        if !notes.is_empty() {
            blocks.push(notes);
        }
    }
    if blocks.is_empty() {
        return "(no figures in the data)\n".to_owned();
    }
    let mut out = blocks.join("\n");
    let legend = LEGEND.join("   ");
    let fits = width.is_none_or(|w| legend.chars().count() <= w);
    let _ = writeln!(out, "\n{}", if fits { legend } else { LEGEND.join("\n") });
    out
}

/// What the data says about an entity, above its blocks: its attributes, and for a fiscal year
/// that is not the calendar year the months of each quarter. `None` where it says nothing.
fn entity_header(entity: &str, attributes: &Attributes) -> Option<String> {
    let said: Vec<String> =
        attributes.of(entity).map(|a| format!("{} = \"{}\"", a.key, crate::escape::excerpt(&a.value))).collect();
    if said.is_empty() {
        return None;
    }
    let mut out = format!("{entity}: {}\n", said.join(", "));
    if let Some(year_end) = attributes.year_end(entity).filter(|y| !y.is_calendar()) {
        let _ = writeln!(out, "{entity} fiscal quarters: {}", year_end.quarters());
    }
    Some(out)
}

/// The entity names of the entries, in order.
pub fn entities(entries: &[Entry]) -> Vec<String> {
    entries.iter().map(|e| e.entity.clone()).collect::<BTreeSet<_>>().into_iter().collect()
}

/// One scenario layer: the title, then the rows under period columns, split into parts that fit.
fn block(title: &str, rows: &[Row], width: Option<usize>, style: Style) -> String {
    let periods: Vec<Period> =
        rows.iter().flat_map(|r| r.cells.iter().map(|c| c.0)).collect::<BTreeSet<_>>().into_iter().collect();
    let metric_width = rows.iter().map(|r| r.metric.chars().count()).chain([6]).max().unwrap_or(6);
    let unit_width = rows.iter().map(|r| r.unit.chars().count()).chain([4]).max().unwrap_or(4);
    let widths: Vec<usize> = periods.iter().map(|p| column_width(rows, *p)).collect();
    let fixed = metric_width + 2 + unit_width;
    let mut out = String::new();
    for (part, range) in split(fixed, &widths, width).into_iter().enumerate() {
        let suffix = if part == 0 { String::new() } else { ", continued".to_owned() };
        let _ = writeln!(out, "{}{title}{suffix}", if part == 0 { "" } else { "\n" });
        let header: String =
            range.clone().map(|i| format!("  {:>w$}  ", periods[i].to_string(), w = widths[i])).collect();
        out.push_str(format!("{:<metric_width$}  {:<unit_width$}{header}", "metric", "unit").trim_end());
        out.push('\n');
        let shown = |row: &&Row| range.clone().any(|i| row.cells.iter().any(|c| c.0 == periods[i]));
        for row in rows.iter().filter(shown) {
            let cells: String = range.clone().map(|i| cell(row, periods[i], widths[i], style)).collect();
            out.push_str(format!("{:<metric_width$}  {:<unit_width$}{cells}", row.metric, row.unit).trim_end());
            out.push('\n');
        }
    }
    out
}

/// How wide a period's column is: its widest figure or its label.
fn column_width(rows: &[Row], period: Period) -> usize {
    let figures = rows.iter().flat_map(|r| r.cells.iter().filter(|c| c.0 == period).map(|c| c.1.chars().count()));
    figures.chain([period.to_string().len()]).max().unwrap_or(6)
}

/// A row's figure at a period, right-aligned, with its mark: `  213.4 ✓`.
fn cell(row: &Row, period: Period, width: usize, style: Style) -> String {
    match row.cells.iter().find(|c| c.0 == period) {
        Some((_, text, entry)) => format!("  {text:>width$} {}", entry.mark.glyph(style.color)),
        None => format!("  {:width$}  ", ""),
    }
}

/// The period columns in parts that each fit `width` beside the `fixed` columns (at least one each).
fn split(fixed: usize, widths: &[usize], width: Option<usize>) -> Vec<std::ops::Range<usize>> {
    let mut parts = Vec::new();
    let limit = width.unwrap_or(usize::MAX);
    let (mut start, mut used) = (0, fixed);
    for (i, w) in widths.iter().enumerate() {
        let next = w + 4;
        if i > start && used.saturating_add(next) > limit {
            parts.push(start..i);
            (start, used) = (i, fixed);
        }
        used += next;
    }
    parts.push(start..widths.len());
    parts
}

/// The conflicts of an entity, one line each: the figure kept and the one set aside.
fn conflict_notes(entity: &str, conflicts: &[&Conflict], sources: &Sources) -> String {
    let mut out = String::new();
    for c in conflicts {
        let name = match c.key.scenario {
            Scenario::Actual => c.key.metric.clone(),
            s => format!("{}.{}", s.as_str(), c.key.metric),
        };
        let (kept, other) = (c.kept.value.show(), c.other.value.show());
        let _ = writeln!(out, "conflict: {name} at {entity} {}: {kept} is kept over {other}", c.key.period);
        for (value, fact) in [(kept, &c.kept), (other, &c.other)] {
            let _ = writeln!(out, "  {value} from {}", sources.location(fact.origin.file, fact.origin.span));
        }
    }
    out
}

/// Renders the sheet as CSV: a row per entity and metric, a figure and a status column per scenario and period.
pub fn csv(entries: &[Entry]) -> String {
    let mut columns: Vec<(Scenario, Period)> = entries.iter().map(|e| (e.scenario, e.period)).collect();
    columns.sort_by_key(|&(s, p)| (s as usize, p));
    columns.dedup();
    let mut writer = ::csv::Writer::from_writer(Vec::new());
    let mut header = vec!["entity".to_owned(), "metric".to_owned(), "unit".to_owned()];
    for (s, p) in &columns {
        header.push(format!("{} {p}", s.as_str()));
        header.push(format!("{} {p} status", s.as_str()));
    }
    let _ = writer.write_record(&header);
    let mut rows: HashMap<(&str, &str), Vec<&Entry>> = HashMap::new();
    for e in entries {
        rows.entry((e.entity.as_str(), e.metric.as_str())).or_default().push(e);
    }
    for (entity, metric) in keys(entries) {
        let row = rows.remove(&(entity, metric)).unwrap_or_default();
        let unit = shared_unit(&row);
        let mut record = vec![entity.to_owned(), metric.to_owned(), unit.map_or(String::new(), |u| u.to_string())];
        for (s, p) in &columns {
            match row.iter().find(|e| e.scenario == *s && e.period == *p) {
                Some(e) => record.extend([written(&e.fact.value, unit.is_some()), e.mark.word().to_owned()]),
                None => record.extend([String::new(), String::new()]),
            }
        }
        let _ = writer.write_record(&record);
    }
    writer.into_inner().map(|bytes| String::from_utf8_lossy(&bytes).into_owned()).unwrap_or_default()
}

/// Every entity and metric of the entries, in order.
fn keys(entries: &[Entry]) -> Vec<(&str, &str)> {
    let mut keys: Vec<(&str, &str)> = entries.iter().map(|e| (e.entity.as_str(), e.metric.as_str())).collect();
    keys.sort_by(|a, b| a.0.cmp(b.0).then_with(|| metric_order(a.1, b.1)));
    keys.dedup();
    keys
}

/// One fact in the JSON document.
#[derive(serde::Serialize)]
struct JsonFact<'a> {
    entity: &'a str,
    metric: &'a str,
    scenario: &'static str,
    period: String,
    value: String,
    unit: Option<String>,
    status: &'static str,
    location: String,
    source: Option<&'a str>,
    checked_by: &'a [String],
    failed_by: &'a [String],
}

/// What the data says about one entity in the JSON document.
#[derive(serde::Serialize)]
struct JsonEntity<'a> {
    entity: &'a str,
    attributes: BTreeMap<&'a str, &'a str>,
}

/// The attributes of the entries' entities, in order; an entity without any is left out.
fn json_entities<'a>(entries: &'a [Entry], attributes: &'a Attributes) -> Vec<JsonEntity<'a>> {
    let names: BTreeSet<&str> = entries.iter().map(|e| e.entity.as_str()).collect();
    names
        .into_iter()
        .map(|entity| JsonEntity {
            entity,
            attributes: attributes.of(entity).map(|a| (a.key.as_str(), a.value.as_str())).collect(),
        })
        .filter(|e| !e.attributes.is_empty())
        .collect()
}

/// The JSON document of the sheet.
#[derive(serde::Serialize)]
struct JsonSheet<'a> {
    /// The entities whose data gives attributes (`name`, `sector`, `fiscal_year_end`, ...).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    entities: Vec<JsonEntity<'a>>,
    facts: Vec<JsonFact<'a>>,
}

/// Renders the sheet as JSON: `{"facts": [...]}`, in the order of the table.
pub fn json<'a>(entries: &'a [Entry], attributes: &'a Attributes, sources: &Sources, data: &'a [DataSource]) -> String {
    let name = |f: &Fact| data.iter().find(|d| d.file == f.origin.file).and_then(|d| d.name.as_deref());
    let facts: Vec<JsonFact> = entries
        .iter()
        .map(|e| {
            let unit = single_unit(&e.fact.value).filter(|u| !u.is_none());
            JsonFact {
                entity: &e.entity,
                metric: &e.metric,
                scenario: e.scenario.as_str(),
                period: e.period.to_string(),
                value: written(&e.fact.value, single_unit(&e.fact.value).is_some()),
                unit: unit.map(|u| u.to_string()),
                status: e.mark.word(),
                location: sources.location(e.fact.origin.file, e.fact.origin.span),
                source: name(&e.fact),
                checked_by: &e.checked_by,
                failed_by: &e.failed_by,
            }
        })
        .collect();
    let mut out = crate::escape::guard_json(
        &serde_json::to_string_pretty(&JsonSheet { entities: json_entities(entries, attributes), facts })
            .unwrap_or_default(),
    )
    .into_owned();
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::{metric_order, split};

    #[test]
    fn columns_split_to_fit_and_keep_at_least_one() {
        // 10 fixed columns, then period columns each 4 wider than their figures.
        let unlimited = split(10, &[6, 6, 6], None);
        assert_eq!((unlimited.len(), unlimited[0].clone()), (1, 0..3));
        assert_eq!(split(10, &[6, 6, 6], Some(30)), [0..2, 2..3]);
        assert_eq!(split(10, &[30, 6], Some(20)), [0..1, 1..2]);
    }

    #[test]
    fn segments_stay_together() {
        let mut names = ["special_charges", "special_charge.severance", "segment.aws.revenue", "segment_count"];
        names.sort_by(|a, b| metric_order(a, b));
        assert_eq!(names, ["segment.aws.revenue", "segment_count", "special_charge.severance", "special_charges"]);
    }
}
