//! Long CSV: a row per fact, `entity,metric,period,value` and optionally `scenario,unit,source,given`
//! (`given`: the date the row's figure was given, `2026-02-05`; one key may have a row per date).

use crate::syntax::ast::Scenario;

use super::super::key;
use super::super::sheet::FactKey;
use super::rows::Row;
use super::{Columns, Grid, Sink};

/// The columns a long file may have; the first four are required.
pub(in crate::data) const NAMES: [&str; 8] =
    ["entity", "metric", "period", "value", "scenario", "unit", "source", "given"];

/// The help line for a long file's header: `a long CSV has ...` (or `a long sheet`).
fn layout_help(grid: Grid) -> String {
    format!(
        "a long {} has the columns `entity,metric,period,value` and optionally `scenario,unit,source,given`",
        grid.noun()
    )
}

/// The indexes of a long file's columns, in the order of [`NAMES`]; and how many columns it has.
#[derive(Debug, Clone, Copy)]
pub(super) struct Layout {
    pub width: usize,
    pub entity: usize,
    pub metric: usize,
    pub period: usize,
    pub value: usize,
    pub scenario: Option<usize>,
    pub unit: Option<usize>,
    pub source: Option<usize>,
    pub given: Option<usize>,
}

/// Reads the rows of a long file.
pub(super) fn read(columns: &Columns<'_>, rows: &[&Row], sink: &mut Sink) {
    let Some(layout) = layout(columns, sink) else { return };
    let mut sources: Vec<String> = Vec::new();
    for row in rows.iter().filter(|r| !r.cell(layout.value).is_empty()) {
        if let Some(source) =
            layout.source.map(|c| row.cell(c)).filter(|s| !s.is_empty() && !sources.iter().any(|k| k == s))
        {
            sources.push(source.to_owned());
        }
        let given = sink.given(row, layout.given);
        if let (Some((key, unit)), Some(given)) = (fact_key(&layout, row, sink), given) {
            sink.fact(key, row, layout.value, unit, given);
        }
    }
    sink.out.source = (!sources.is_empty()).then(|| sources.join("; "));
}

/// Finds the columns of a long file; unknown, repeated or missing columns are errors.
fn layout(columns: &Columns<'_>, sink: &mut Sink) -> Option<Layout> {
    for (index, name) in columns.names.iter().enumerate() {
        if NAMES.contains(&name.as_str()) {
            sink.errors.extend(columns.repeated(index, sink.file));
        } else {
            sink.errors.push(unknown(columns, index, sink.file, sink.grid));
        }
    }
    let entity = required(columns, "entity", sink);
    let metric = required(columns, "metric", sink);
    let period = required(columns, "period", sink);
    let value = required(columns, "value", sink);
    let (scenario, unit, source) = (columns.find("scenario"), columns.find("unit"), columns.find("source"));
    let (width, given) = (columns.names.len(), columns.find("given"));
    Some(Layout {
        width,
        entity: entity?,
        metric: metric?,
        period: period?,
        value: value?,
        scenario,
        unit,
        source,
        given,
    })
}

/// The index of a required column; an error if the header lacks it.
fn required(columns: &Columns<'_>, name: &str, sink: &mut Sink) -> Option<usize> {
    let found = columns.find(name);
    if found.is_none() {
        sink.errors.push(columns.missing(name, sink.file, &layout_help(sink.grid)));
    }
    found
}

/// The error for a column a long file does not have.
fn unknown(columns: &Columns<'_>, index: usize, file: crate::source::SourceId, grid: Grid) -> crate::diag::Diag {
    let name = columns.names.get(index).map_or("", String::as_str);
    let help = match crate::suggest::did_you_mean(name, NAMES) {
        Some(near) => format!("did you mean `{near}`?"),
        None => layout_help(grid),
    };
    let message = format!("unknown column `{}` in a long {}", columns.header.cell(index), grid.noun());
    crate::diag::Diag::error("data", message)
        .in_file(file)
        .primary(columns.header.span_of(index), "unknown column")
        .with_help(help)
}

/// Reads a row's key and unit; `None` after keeping the errors of its cells.
fn fact_key(layout: &Layout, row: &Row, sink: &mut Sink) -> Option<(FactKey, crate::num::Unit)> {
    let file = sink.file;
    let entity = sink.check(key::entity(row.cell(layout.entity), row.span_of(layout.entity), file));
    let metric = sink.check(key::metric(row.cell(layout.metric), row.span_of(layout.metric), file));
    let period = sink.check(key::period(row.cell(layout.period), row.span_of(layout.period), file));
    let scenario = match layout.scenario.filter(|&c| !row.cell(c).is_empty()) {
        Some(c) => sink.check(key::scenario(row.cell(c), row.span_of(c), file)),
        None => Some(Scenario::Actual),
    };
    let unit = sink.unit(row, layout.unit.filter(|&c| !row.cell(c).is_empty()));
    let metric = metric.map(|()| row.cell(layout.metric).to_owned());
    Some((FactKey { entity: entity?, metric: metric?, period: period?, scenario: scenario? }, unit?))
}
