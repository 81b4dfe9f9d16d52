//! Go to definition (a cell to its `let`, a `use` to its file, a metric to its fact in the data file)
//! and the references of a cell.

use std::path::Path;

use lsp_types::{Location, Range};

use crate::check::program::UNLINKED;
use crate::check::{CExpr, CKind, CellId, Program};
use crate::data::Fact;
use crate::source::SourceId;
use crate::syntax::ast::{Item, Scenario};

use super::diagnostics::location;
use super::state::{Analysis, Settings};
use super::text::uri_of;
use super::values::{Owner, find, focus};

/// Where what is written at an offset is defined.
pub fn definition(analysis: &Analysis, path: &Path, file: SourceId, offset: u32, settings: &Settings) -> Vec<Location> {
    let rule_file = analysis.files.iter().find(|f| f.file == file);
    for item in rule_file.iter().flat_map(|f| &f.ast.items) {
        if let Item::Use(u) = item
            && u.path.span.start <= offset
            && offset <= u.path.span.end
        {
            let target = path.parent().unwrap_or(Path::new("")).join(&u.path.node);
            return vec![Location::new(uri_of(&crate::source::normalize(&target)), Range::default())];
        }
    }
    let Some(program) = &analysis.program else { return Vec::new() };
    let Some(found) = find(program, file, offset).filter(|f| f.node.span.start <= offset && offset <= f.node.span.end)
    else {
        return Vec::new();
    };
    let fact_at = |metric: u32, scenario: Scenario| -> Option<Fact> {
        let sheets = analysis.sheets();
        let at =
            analysis.linked().and_then(|p| focus(p, sheets, found.owner, settings)).and_then(|(entity, period)| {
                let period = found
                    .shifts
                    .iter()
                    .try_fold(period, |p, to| crate::eval::expr::shift(p, *to, sheets.year_end(entity)))?;
                sheets.get(metric, scenario, entity, period)
            });
        at.or_else(|| sheets.first_fact(metric, scenario))
    };
    let to_fact = |fact: Fact| location(analysis, fact.origin.file, fact.origin.span);
    match &found.node.kind {
        CKind::Cell(id) => vec![location(analysis, program.cells[*id].file, program.cells[*id].name_span)],
        CKind::Fact { metric, scenario, .. } if *metric != UNLINKED && analysis.linked => {
            fact_at(*metric, *scenario).map(to_fact).into_iter().collect()
        }
        CKind::Pattern { metrics, scenario, .. } if analysis.linked => {
            metrics.iter().filter_map(|(m, _)| fact_at(*m, *scenario)).map(to_fact).collect()
        }
        _ => Vec::new(),
    }
}

/// Every place a cell is read, the cell at `offset` (read or defined there); with its `let` too when
/// `declaration`.
pub fn references(analysis: &Analysis, file: SourceId, offset: u32, declaration: bool) -> Vec<Location> {
    let Some(program) = &analysis.program else { return Vec::new() };
    let Some(id) = cell_at(program, file, offset) else { return Vec::new() };
    let mut places = Vec::new();
    if declaration {
        places.push((program.cells[id].file, program.cells[id].name_span));
    }
    let mut reads = |root: &CExpr, file: SourceId| {
        crate::check::walk(root, &mut |e| {
            if matches!(e.kind, CKind::Cell(c) if c == id) {
                places.push((file, e.span));
            }
        });
    };
    for rule in &program.rules {
        reads(&rule.body, rule.file);
        for part in rule.title.iter().flat_map(|t| &t.parts) {
            if let crate::check::TitlePart::Hole(_, e) = part {
                reads(e, rule.file);
            }
        }
    }
    for cell in &program.cells {
        reads(&cell.body, cell.file);
    }
    places.into_iter().map(|(file, span)| location(analysis, file, span)).collect()
}

/// The cell read or defined at an offset.
fn cell_at(program: &Program, file: SourceId, offset: u32) -> Option<CellId> {
    let found = find(program, file, offset)?;
    match (&found.node.kind, found.owner) {
        (CKind::Cell(id), _) if found.node.span.start <= offset && offset <= found.node.span.end => Some(*id),
        (_, Owner::Cell(id))
            if program.cells[id].name_span.start <= offset && offset <= program.cells[id].name_span.end =>
        {
            Some(id)
        }
        _ => None,
    }
}
