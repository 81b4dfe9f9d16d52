//! Wide CSV: a row per metric, a column per period (`2025Q4`, `guidance 2026Q1`).

use crate::diag::Diag;
use crate::period::Period;
use crate::syntax::ast::Scenario;

use super::super::key;
use super::super::sheet::FactKey;
use super::rows::Row;
use super::{Columns, Grid, Sink};

/// The help line for a wide file's header: `a wide CSV has ...` (or `a wide sheet`).
fn layout_help(grid: Grid) -> String {
    format!(
        "a wide {} has a `metric` column, optionally `entity`, `unit` and `given`, then one column per period such as `2025Q4` or `guidance 2026Q1`",
        grid.noun()
    )
}

/// How a wide file's header may write a period, for help lines.
const PERIOD_FORMS: &str = "a period column is a quarter (`2025Q4`, `Q4 2025`, `Q4'25`, `4Q25`, `2025-Q4`) or a fiscal year (`FY2025`, `FY25`), optionally after its scenario (`guidance Q1 2026`), in the years 1900 to 2199";

/// The columns of a wide file other than its periods.
const KNOWN: [&str; 4] = ["metric", "entity", "unit", "given"];

/// A period column: its index, scenario and period.
struct PeriodColumn {
    index: usize,
    scenario: Scenario,
    period: Period,
}

/// The columns of a wide file, once its header is read.
struct Layout {
    metric: usize,
    entity: Option<usize>,
    unit: Option<usize>,
    /// The date each row's figures were given, if the file says.
    given: Option<usize>,
    periods: Vec<PeriodColumn>,
    /// The entity of every row when there is no `entity` column: the file's stem.
    stem: Option<String>,
}

/// Reads the rows of a wide file; without an `entity` column, `stem` is the entity.
pub(super) fn read(columns: &Columns<'_>, rows: &[&Row], sink: &mut Sink, stem: &str) {
    let Some(layout) = layout(columns, rows, sink, stem) else { return };
    for row in rows.iter().filter(|r| !r.is_blank()) {
        read_row(&layout, row, sink);
    }
}

/// Reads the header: the `metric`, `entity` and `unit` columns and the period columns.
fn layout(columns: &Columns<'_>, rows: &[&Row], sink: &mut Sink, stem: &str) -> Option<Layout> {
    let Some(metric) = columns.find("metric") else {
        sink.errors.push(columns.missing("metric", sink.file, &layout_help(sink.grid)));
        return None;
    };
    let (entity, unit, given) = (columns.find("entity"), columns.find("unit"), columns.find("given"));
    let periods = period_columns(columns, rows, sink);
    if columns.names.iter().all(|n| n.is_empty() || KNOWN.contains(&n.as_str())) {
        let diag = Diag::error("data", "the header has no period column").in_file(sink.file);
        sink.errors.push(diag.primary(columns.header.span(), "no period here").with_help(layout_help(sink.grid)));
        return None;
    }
    let stem = match entity {
        Some(_) => None,
        None => Some(sink.check(key::entity(stem, columns.header.span(), sink.file).map_err(|d| {
            d.with_help("the file has no `entity` column, so its name must be the entity: add an `entity` column")
        }))?),
    };
    Some(Layout { metric, entity, unit, given, periods, stem })
}

/// Reads one row: a metric's facts across the period columns.
fn read_row(layout: &Layout, row: &Row, sink: &mut Sink) {
    let entity = match layout.entity {
        Some(column) => sink.check(key::entity(row.cell(column), row.span_of(column), sink.file)),
        None => layout.stem.clone(),
    };
    let column = layout.metric;
    let metric = sink.check(key::metric(row.cell(column), row.span_of(column), sink.file));
    let given = sink.given(row, layout.given);
    let (Some(entity), Some(()), Some(unit), Some(given)) = (entity, metric, sink.unit(row, layout.unit), given) else {
        return;
    };
    for column in layout.periods.iter().filter(|c| !row.cell(c.index).is_empty()) {
        let metric = row.cell(layout.metric).to_owned();
        let key = FactKey { entity: entity.clone(), metric, period: column.period, scenario: column.scenario };
        sink.fact(key, row, column.index, unit, given);
    }
}

/// Reads the header's period columns; an unnamed column is allowed only if all its cells are empty.
fn period_columns(columns: &Columns<'_>, rows: &[&Row], sink: &mut Sink) -> Vec<PeriodColumn> {
    let mut periods: Vec<PeriodColumn> = Vec::new();
    for (index, name) in columns.names.iter().enumerate() {
        if KNOWN.contains(&name.as_str()) {
            sink.errors.extend(columns.repeated(index, sink.file));
            continue;
        }
        if name.is_empty() && rows.iter().all(|r| r.cell(index).is_empty()) {
            continue;
        }
        let Some((scenario, period)) = sink.check(period_header(columns, index, sink.file, sink.grid)) else {
            continue;
        };
        if let Some(first) = periods.iter().find(|c| (c.scenario, c.period) == (scenario, period)) {
            sink.errors.push(twice(columns, first.index, index, sink.file));
            continue;
        }
        periods.push(PeriodColumn { index, scenario, period });
    }
    periods
}

/// Reads a period column's header: `2025Q4` (actual) or `guidance 2026Q1`, the period as exported
/// too ([`Period::parse_header`]: `Q4 2025`, `FY25`, `guidance Q1'26`).
fn period_header(
    columns: &Columns<'_>,
    index: usize,
    file: crate::source::SourceId,
    grid: Grid,
) -> Result<(Scenario, Period), Diag> {
    let text = columns.header.cell(index);
    let span = columns.header.span_of(index);
    if let Some(period) = Period::parse_header(text) {
        return Ok((Scenario::Actual, period));
    }
    let (first, rest) = text.split_once(char::is_whitespace).unwrap_or((text, ""));
    let with_forms = |d: Diag| d.with_help(PERIOD_FORMS);
    let (scenario, period) = (Scenario::parse(&first.to_ascii_lowercase()), Period::parse_header(rest));
    match (scenario, period) {
        (Some(scenario), Some(period)) => Ok((scenario, period)),
        (Some(scenario), None) => key::period(rest.trim(), span, file).map(|p| (scenario, p)).map_err(with_forms),
        (None, Some(period)) => key::scenario(&first.to_ascii_lowercase(), span, file).map(|s| (s, period)),
        (None, None) if text.bytes().any(|b| b.is_ascii_digit()) => {
            key::period(text, span, file).map(|p| (Scenario::Actual, p)).map_err(with_forms)
        }
        (None, None) => Err(not_a_column(text, span, file, grid)),
    }
}

/// The error for a header that is neither a period nor a column a wide file has: "did you mean" a
/// column where one is near, else the periods a header may name.
fn not_a_column(text: &str, span: crate::source::Span, file: crate::source::SourceId, grid: Grid) -> Diag {
    let diag =
        Diag::error("bad-period", format!("`{text}` is neither a period nor a column of a wide {}", grid.noun()))
            .in_file(file)
            .primary(span, Period::why_not(text));
    match crate::suggest::did_you_mean(&text.to_ascii_lowercase(), KNOWN) {
        Some(near) => diag.with_help(format!("did you mean `{near}`?")),
        None => diag.with_help(format!("{}; {PERIOD_FORMS}", layout_help(grid))),
    }
}

/// The error for a period column given twice.
fn twice(columns: &Columns<'_>, first: usize, again: usize, file: crate::source::SourceId) -> Diag {
    Diag::error("data", format!("the period column `{}` is given twice", columns.header.cell(again)))
        .in_file(file)
        .primary(columns.header.span_of(again), "given again here")
        .label(columns.header.span_of(first), "first given here")
        .with_help("keep one of the two columns")
}
