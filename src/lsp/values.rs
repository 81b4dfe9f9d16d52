//! Values under the cursor: the node of the program written at a place, the entity and period in
//! focus, and what the node gives there with the facts it read (hover), and each rule's verdict at
//! its focus (inlay hints).

use std::fmt::Write;

use lsp_types::{CodeLens, Command, Hover, HoverContents, InlayHint, InlayHintLabel, MarkupContent, MarkupKind};

use crate::check::{CExpr, CKind, CellId, Program, RuleId, TitlePart};
use crate::data::{EntityId, Sheets};
use crate::eval::{Evaluator, FactUse, Halt, Value};
use crate::period::Period;
use crate::source::{SourceId, Span};
use crate::syntax::ast::{PeriodRef, Scenario};

use super::state::{Analysis, Settings};
use super::text::{Lines, uri_of};

/// What a node belongs to: a rule or a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    Rule(RuleId),
    Cell(CellId),
}

/// The innermost node written at an offset (a copy), its owner, and the `[...]` shifts above it.
pub struct Found {
    pub node: CExpr,
    pub owner: Owner,
    pub shifts: Vec<PeriodRef>,
}

/// The innermost node of a rule's body or title, or of a cell's body, written at `offset` of `file`;
/// on a rule's or cell's name, its body.
pub fn find(program: &Program, file: SourceId, offset: u32) -> Option<Found> {
    let within = |span: Span| span.start <= offset && offset <= span.end;
    for (id, rule) in program.rules.iter().enumerate().filter(|(_, r)| r.file == file && within(r.span)) {
        let owner = Owner::Rule(id);
        if within(rule.name_span) {
            return Some(Found { node: rule.body.clone(), owner, shifts: Vec::new() });
        }
        let holes = rule.title.iter().flat_map(|t| &t.parts).filter_map(|p| match p {
            TitlePart::Hole(_, e) => Some(e),
            TitlePart::Text(_) => None,
        });
        if let Some(found) =
            std::iter::once(&rule.body).chain(holes).find_map(|e| descend(e, offset, owner, Vec::new()))
        {
            return Some(found);
        }
    }
    for (id, cell) in program.cells.iter().enumerate().filter(|(_, c)| c.file == file) {
        let owner = Owner::Cell(id);
        if within(cell.name_span) {
            return Some(Found { node: cell.body.clone(), owner, shifts: Vec::new() });
        }
        if let Some(found) = descend(&cell.body, offset, owner, Vec::new()) {
            return Some(found);
        }
    }
    None
}

/// The innermost node under `e` whose span holds the offset.
fn descend(e: &CExpr, offset: u32, owner: Owner, mut shifts: Vec<PeriodRef>) -> Option<Found> {
    if !(e.span.start <= offset && offset <= e.span.end) {
        return None;
    }
    if let CKind::Shift { to, .. } = &e.kind {
        shifts.push(*to);
    }
    let mut inner = None;
    crate::check::walk_children(e, &mut |c| {
        if inner.is_none() {
            inner = descend(c, offset, owner, shifts.clone());
        }
    });
    if matches!(e.kind, CKind::Shift { .. }) {
        shifts.pop();
    }
    inner.or_else(|| Some(Found { node: e.clone(), owner, shifts }))
}

/// The entity and period an owner's values are shown at: the focus set, else the latest period with
/// a value (one its `at` admits, for a rule) at any entity, the first entity on a tie.
pub fn focus(program: &Program, sheets: &Sheets, owner: Owner, settings: &Settings) -> Option<(EntityId, Period)> {
    if let Some((entity, period)) = &settings.focus {
        return Some((sheets.entity_id(entity)?, Period::parse(period)?));
    }
    type Admits<'a> = Box<dyn Fn(EntityId, Period) -> bool + 'a>;
    let (body, file, admits): (&CExpr, SourceId, Admits) = match owner {
        Owner::Rule(id) => {
            let rule = &program.rules[id];
            (&rule.body, rule.file, Box::new(|e, p| rule.scopes.admits(e) && rule.at.admits(p, sheets.year_end(e))))
        }
        Owner::Cell(id) => {
            let cell = &program.cells[id];
            (&cell.body, cell.file, Box::new(|e, _| cell.scopes.admits(e)))
        }
    };
    let mut best: Option<(EntityId, Period)> = None;
    for entity in 0..sheets.entities.len() as EntityId {
        let mut ev = Evaluator::new(program, sheets, entity);
        let latest = sheets.periods_of(entity).iter().rev().copied().filter(|&p| admits(entity, p)).find(|&p| {
            ev.begin_check();
            !matches!(ev.eval(body, p, file), Err(Halt::Missing(_)))
        });
        if let Some(period) = latest.filter(|&p| best.is_none_or(|(_, b)| p > b)) {
            best = Some((entity, period));
        }
    }
    best
}

/// The hover of the node at a place: its value, interval and unit at the focus, and the facts it
/// read with links to where they are written.
pub fn hover(analysis: &Analysis, file: SourceId, offset: u32, settings: &Settings) -> Option<Hover> {
    let Some(program) = analysis.linked() else { return unlinked(analysis, file, offset) };
    let sheets = analysis.sheets();
    let found = find(program, file, offset)?;
    let (entity, focus_period) = focus(program, sheets, found.owner, settings)?;
    let period = found
        .shifts
        .iter()
        .try_fold(focus_period, |p, to| crate::eval::expr::shift(p, *to, sheets.year_end(entity)))?;
    let mut ev = Evaluator::tracing(program, sheets, entity);
    // read as the verdict reads: the actuals from the filing the owner's body chose at the focus
    let body = match found.owner {
        Owner::Rule(id) => &program.rules[id].body,
        Owner::Cell(id) => &program.cells[id].body,
    };
    ev.one_filing(body, focus_period);
    let result = ev.eval(&found.node, period, file);
    let filing = ev.filing;
    let facts = ev.trace.map(|t| t.facts).unwrap_or_default();
    let source = analysis.sources.get(file);
    let code = crate::syntax::comments::code(source.slice(found.node.span));
    let at = format!("{} {period}", sheets.entities[entity as usize]);
    let mut out = format!("`{}` at {at}\n\n", shorten(&code));
    match &result {
        Ok(value) => {
            let _ = writeln!(out, "**{}**", value.show_with_interval());
        }
        Err(halt) => {
            let _ = writeln!(out, "{}", halt_words(halt));
        }
    }
    if !facts.is_empty() {
        out.push_str("\nfrom:\n");
        for fact in &facts {
            let _ = writeln!(out, "- {}", provenance(fact, analysis));
        }
    }
    if let Some(filing) = filing {
        let _ = writeln!(out, "\n{}", filing.note());
    }
    let set = if settings.focus.is_some() { "set with `tickmark.focus`" } else { "the latest period with a value" };
    let _ = write!(out, "\n---\nfocus {} {focus_period} ({set})", sheets.entities[entity as usize]);
    let range = Lines::new(source.text()).range(found.node.span);
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent { kind: MarkupKind::Markdown, value: out }),
        range: Some(range),
    })
}

/// The hover of a node while the rules cannot be linked to the data (a name the data lacks, data
/// that did not read): that there are no values, and why.
fn unlinked(analysis: &Analysis, file: SourceId, offset: u32) -> Option<Hover> {
    let found = find(analysis.program.as_ref()?, file, offset)?;
    let source = analysis.sources.get(file);
    let code = crate::syntax::comments::code(source.slice(found.node.span));
    let why = if analysis.root.data.ok { "the rules do not link to the data" } else { "the data could not be read" };
    let value = format!("`{}`\n\nno values: {why} (see the errors)", shorten(&code));
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent { kind: MarkupKind::Markdown, value }),
        range: Some(Lines::new(source.text()).range(found.node.span)),
    })
}

/// A fact read, with a link to where it is written: ``- `revenue` at 2025Q4 = 213.4 USD bn, [x.toml:19:14](file:///…#L19,14) "Amazon Q4"``.
fn provenance(f: &FactUse, analysis: &Analysis) -> String {
    let name = match f.scenario {
        Scenario::Actual => f.name.to_string(),
        s => format!("{}.{}", s.as_str(), f.name),
    };
    let origin = f.fact.origin;
    let shown = analysis.sources.location(origin.file, origin.span);
    let position = super::diagnostics::range(analysis, origin.file, origin.span).start;
    let link =
        format!("{}#L{},{}", uri_of(&analysis.path(origin.file)).as_str(), position.line + 1, position.character + 1);
    let mut line = format!("`{name}` at {} = {}, [{shown}]({link})", f.period, f.fact.value.show());
    let data_source = analysis.sheets().sources.iter().find(|s| s.file == origin.file).and_then(|s| s.name.as_ref());
    if let Some(name) = data_source {
        let _ = write!(line, " \"{}\"", crate::escape::excerpt(name));
    }
    line
}

/// Why a node gave no value, in words.
fn halt_words(halt: &Halt) -> String {
    match halt {
        Halt::Missing(m) => format!("no value: {} at {}", m.name, m.period),
        Halt::Error(e) => format!("error: {}", e.message),
        Halt::Unplaced(message) => format!("error: {message}"),
    }
}

/// Text cut to 60 characters, ending in `…` where it was cut.
fn shorten(text: &str) -> String {
    if text.chars().count() <= 60 {
        return text.to_owned();
    }
    text.chars().take(59).chain(['…']).collect()
}

/// A rule's verdict at its focus, as the editor shows it.
struct Verdict {
    /// `✓ 10.80 % < 11.82 %`, `– no value: revenue at 2025Q3`.
    text: String,
    /// `holds`, `fails`, `skipped`, `errs`.
    word: &'static str,
    entity: EntityId,
    period: Period,
}

/// A rule's verdict at its focus, with the values of the sides of its comparison.
fn verdict(program: &Program, sheets: &Sheets, id: RuleId, settings: &Settings) -> Option<Verdict> {
    let rule = &program.rules[id];
    let (entity, period) = focus(program, sheets, Owner::Rule(id), settings)?;
    let mut ev = Evaluator::tracing(program, sheets, entity);
    ev.one_filing(&rule.body, period);
    let result = ev.eval(&rule.body, period, rule.file);
    let trace = ev.trace.unwrap_or_default();
    let shown = |e: &CExpr| trace.value_at(e.span).map_or_else(|| "?".to_owned(), Value::show);
    let sides = match &rule.body.kind {
        CKind::Compare { first, rest } => {
            let rest: Vec<String> = rest.iter().map(|(op, e)| format!("{} {}", op.as_str(), shown(e))).collect();
            format!(" {} {}", shown(first), rest.join(" "))
        }
        CKind::Approx { lhs, rhs, .. } => format!(" {} ~= {}", shown(lhs), shown(rhs)),
        CKind::In { value, range } => format!(" {} in {}", shown(value), shown(range)),
        _ => String::new(),
    };
    let (text, word) = match &result {
        Ok(Value::Bool(t)) if t.holds && t.borderline => (format!("✓{sides} (borderline)"), "holds, borderline"),
        Ok(Value::Bool(t)) if t.holds => (format!("✓{sides}"), "holds"),
        Ok(Value::Bool(t)) if t.borderline => (format!("✗{sides} (borderline)"), "fails, borderline"),
        Ok(_) => (format!("✗{sides}"), "fails"),
        Err(Halt::Missing(m)) => (format!("– no value: {} at {}", m.name, m.period), "skipped"),
        Err(_) => ("! error".to_owned(), "errs"),
    };
    Some(Verdict { text, word, entity, period })
}

/// Each rule's verdict at its focus after its body: `✓ 10.80 % < 11.82 %  AMZN 2026Q1`.
pub fn inlay_hints(analysis: &Analysis, file: SourceId, settings: &Settings) -> Vec<InlayHint> {
    let Some(program) = analysis.linked() else { return Vec::new() };
    let (lines, sheets) = (Lines::new(analysis.sources.get(file).text()), analysis.sheets());
    let mut hints = Vec::new();
    for (id, rule) in program.rules.iter().enumerate().filter(|(_, r)| r.file == file) {
        let Some(v) = verdict(program, sheets, id, settings) else { continue };
        let label = format!("{}  {} {}", v.text, sheets.entities[v.entity as usize], v.period);
        hints.push(InlayHint {
            position: lines.position(rule.body.span.end as usize),
            label: InlayHintLabel::String(label),
            kind: None,
            text_edits: None,
            tooltip: None,
            padding_left: Some(true),
            padding_right: None,
            data: None,
        });
    }
    hints
}

/// A lens over each rule naming the entity and period its values are shown at and its verdict
/// there; it runs the editor's command `tickmark.setFocus` (the VS Code extension's) to show another.
pub fn code_lenses(analysis: &Analysis, file: SourceId, settings: &Settings) -> Vec<CodeLens> {
    let Some(program) = analysis.linked() else { return Vec::new() };
    let (lines, sheets) = (Lines::new(analysis.sources.get(file).text()), analysis.sheets());
    let mut lenses = Vec::new();
    for (id, rule) in program.rules.iter().enumerate().filter(|(_, r)| r.file == file) {
        let Some(v) = verdict(program, sheets, id, settings) else { continue };
        let title = format!("values at {} {}: {}", sheets.entities[v.entity as usize], v.period, v.word);
        let command = Command { title, command: "tickmark.setFocus".to_owned(), arguments: None };
        lenses.push(CodeLens { range: lines.range(rule.name_span), command: Some(command), data: None });
    }
    lenses
}
