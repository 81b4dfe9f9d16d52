//! Linking a checked program to the data: every metric name to its column, every `*` name to the
//! metrics it matches, each metric's one dimension read from its facts and held to what the rule
//! files declare, and then the units of every expression checked against them.

use crate::data::{MetricId, Sheets};
use crate::diag::Diag;
use crate::num::Dim;
use crate::source::SourceId;
use crate::suggest::did_you_mean;
use crate::syntax::ast::Scenario;

use super::infer::{Dims, Infer};
use super::program::{CExpr, CKind, Program, TitlePart};
use super::resolve::{matches_pattern, prefixed};

/// Links a program to the data: the program ready to evaluate, or every error found.
pub fn link(mut program: Program, sheets: &Sheets) -> Result<Program, Vec<Diag>> {
    let mut errors = Vec::new();
    let cells: Vec<String> = program.cells.iter().map(|c| c.name.clone()).collect();
    let read = vec![false; sheets.metrics.len()];
    let mut linker = Linker { sheets, cells: &cells, errors: &mut errors, file: SourceId(0), read };
    for cell in &mut program.cells {
        linker.file = cell.file;
        linker.expr(&mut cell.body);
    }
    for rule in &mut program.rules {
        linker.file = rule.file;
        linker.expr(&mut rule.body);
        for part in rule.title.iter_mut().flat_map(|t| &mut t.parts) {
            if let TitlePart::Hole(_, e) = part {
                linker.expr(e);
            }
        }
    }
    let read = std::mem::take(&mut linker.read);
    program.warnings = super::scope::link(&mut program, sheets);
    errors.extend(hidden_metrics(&program, sheets));
    let dims = data_dims(sheets, &program, &read, &mut errors);
    program.linked = true;
    if errors.is_empty() {
        errors.extend(Infer::new(&program, Dims::data(&program.declared, sheets, &dims)).run());
    }
    if errors.is_empty() { Ok(program) } else { Err(errors) }
}

/// Links one expression (of `tickmark eval`) to the data, and checks its units.
pub fn link_expr(expr: &mut CExpr, file: SourceId, program: &Program, sheets: &Sheets) -> Vec<Diag> {
    let mut errors = Vec::new();
    let cells: Vec<String> = program.cells.iter().map(|c| c.name.clone()).collect();
    let read = vec![false; sheets.metrics.len()];
    Linker { sheets, cells: &cells, errors: &mut errors, file, read }.expr(expr);
    if errors.is_empty() {
        let dims = data_dims(sheets, program, &vec![false; sheets.metrics.len()], &mut Vec::new());
        let mut infer = Infer::new(program, Dims::data(&program.declared, sheets, &dims));
        infer.ty(expr, file);
        errors = infer.errors;
    }
    errors
}

/// Finds the columns of the names of one file's expressions.
struct Linker<'a> {
    sheets: &'a Sheets,
    cells: &'a [String],
    errors: &'a mut Vec<Diag>,
    file: SourceId,
    /// Per metric of the data, whether a rule or cell reads it.
    read: Vec<bool>,
}

impl Linker<'_> {
    /// Links every name in an expression.
    fn expr(&mut self, e: &mut CExpr) {
        match &mut e.kind {
            CKind::Fact { name, path, metric, scenario, .. } => match self.sheets.metric_id(path) {
                Some(id) => {
                    *metric = id;
                    self.read[id as usize] = true;
                }
                None => {
                    let diag = self.unknown(name, path, *scenario, e.span);
                    self.errors.push(diag);
                }
            },
            CKind::Pattern { name, path, metrics, .. } => {
                *metrics = self
                    .sheets
                    .metrics
                    .iter()
                    .filter(|m| matches_pattern(path, m))
                    .filter_map(|m| Some((self.sheets.metric_id(m)?, m.clone())))
                    .collect();
                metrics.iter().for_each(|(id, _)| self.read[*id as usize] = true);
                if metrics.is_empty() {
                    let diag = Diag::error("unknown-name", format!("`{name}` matches no metric in the data"))
                        .in_file(self.file)
                        .primary(e.span, "matches nothing")
                        .with_help("`*` stands for exactly one dotted part, as in `segment.*.revenue`");
                    self.errors.push(diag);
                }
            }
            CKind::Peer { expr, name, name_span, entity } => {
                match self.sheets.entity_id(name) {
                    Some(id) => *entity = id,
                    None => {
                        let diag = self.unknown_entity(name, *name_span);
                        self.errors.push(diag);
                    }
                }
                self.expr(expr);
            }
            CKind::PeerGroup { expr, members, .. } => {
                for (name, entity) in members.iter_mut() {
                    *entity = self.sheets.entity_id(name);
                }
                self.expr(expr);
            }
            _ => super::walk_children_mut(e, &mut |c| self.expr(c)),
        }
    }

    /// The error for `x of MSFTT`, an entity of no data file, with the nearest entity.
    fn unknown_entity(&self, name: &str, span: crate::source::Span) -> Diag {
        let diag = Diag::error("unknown-entity", format!("unknown entity `{name}`"))
            .in_file(self.file)
            .primary(span, "no data file gives this entity");
        let entities = self.sheets.entities.iter().map(String::as_str);
        match did_you_mean(name, entities) {
            Some(near) => diag.with_help(format!("did you mean `{near}`?")),
            None => diag
                .with_help("a peer is an entity of the data, by the name its data files give (`entity = \"GOOGL\"`)"),
        }
    }

    /// The error for a name that is neither a cell nor a metric, with the nearest names.
    fn unknown(&self, shown: &str, path: &str, scenario: Scenario, span: crate::source::Span) -> Diag {
        let written = (shown != path).then_some(scenario);
        let diag = Diag::error("unknown-name", format!("unknown name `{shown}`"))
            .in_file(self.file)
            .primary(span, "not a cell, nor a metric in the data");
        let help = self.scenario_help(path, written).unwrap_or_else(|| {
            // the metrics through the sheets' index, not copied and scanned for each unknown name
            let best = match written {
                Some(_) => {
                    let candidates: Vec<String> = self.sheets.metrics.iter().map(|m| prefixed(written, m)).collect();
                    did_you_mean(shown, candidates.iter().map(String::as_str)).map(str::to_owned)
                }
                None => {
                    let cell = crate::suggest::did_you_mean_scored(shown, self.cells.iter().map(String::as_str));
                    crate::suggest::better(self.sheets.nearest_metric(shown), cell).map(|(_, c)| c.to_owned())
                }
            };
            match best {
                Some(best) => format!("did you mean `{best}`?"),
                None if self.sheets.is_empty() => "the run has no data: give data files with `--data`".to_owned(),
                None => "define it with `let`, or add the metric to a data file".to_owned(),
            }
        });
        diag.with_help(help)
    }

    /// The help for `forecast.revenue` where `revenue` is a metric: its first part was meant as a
    /// scenario, so name the scenarios there are.
    fn scenario_help(&self, path: &str, written: Option<Scenario>) -> Option<String> {
        let (first, rest) = path.split_once('.')?;
        if written.is_some() || self.sheets.metric_id(rest).is_none() {
            return None;
        }
        Some(match did_you_mean(first, Scenario::ALL.map(Scenario::as_str)) {
            Some(best) => format!("did you mean `{best}.{rest}`? `{first}` is not a scenario"),
            None => format!(
                "`{first}` is not a scenario: a scenario is `actual`, `guidance` or `consensus`, as in `guidance.{rest}`"
            ),
        })
    }
}

/// A cell named like a metric of the data would hide the metric from every rule (a rule comparing
/// the two would compare the cell with itself): an error at the cell, naming where the metric is.
fn hidden_metrics(program: &Program, sheets: &Sheets) -> Vec<Diag> {
    let hiding = program.cells.iter().filter_map(|c| Some((c, sheets.metric_id(&c.name)?)));
    hiding
        .map(|(cell, metric)| {
            let diag =
                Diag::error("hides-metric", format!("the cell `{}` has the name of a metric in the data", cell.name))
                    .in_file(cell.file)
                    .primary(cell.name_span, "hides the metric from every rule")
                    .with_help(format!("rename the cell (say `computed_{}`), so that rules can read both", cell.name));
            let first = Scenario::ALL.iter().find_map(|&s| sheets.first_fact(metric, s));
            match first {
                Some(fact) => diag.with_related(
                    Diag::error("hides-metric", "the metric is in the data here")
                        .in_file(fact.origin.file)
                        .primary(fact.origin.span, "the metric"),
                ),
                None => diag,
            }
        })
        .collect()
}

/// Each metric's one dimension, from the units of its facts (a currency that differs between
/// facts leaves the currency open). Facts of one metric in two dimensions, and data that
/// contradicts a declaration, are errors; such a metric is [`Dim::Unknown`] so nothing else is
/// reported about it.
fn data_dims(sheets: &Sheets, program: &Program, read: &[bool], errors: &mut Vec<Diag>) -> Vec<Dim> {
    (0..sheets.metrics.len() as MetricId)
        .map(|metric| {
            // a metric no rule reads is reported by nobody: its dimension is only worked out
            let mut quiet = Vec::new();
            let errors = if read[metric as usize] { &mut *errors } else { &mut quiet };
            let dim = one_dim(sheets, metric, errors);
            let name = &sheets.metrics[metric as usize];
            let mut naming = program.declared.iter().filter(|d| d.names(name));
            let Some(declared) = naming.next() else { return dim };
            // two declarations that name the metric (`*_margin: ratio`, `fx_margin: money`) must agree,
            // or which one held would depend on the order the files load in
            if let Some(other) = naming.find(|d| d.dim.join(declared.dim).is_none()) {
                errors.push(overlapping(name, declared, other));
                return Dim::Unknown;
            }
            // every unit the facts are written in (a declared currency holds at every entity)
            let against =
                sheets.facts_by_unit(metric).map(|(u, _)| Dim::of(u)).find(|d| declared.dim.join(*d).is_none());
            match against {
                Some(other) if dim != Dim::Unknown => {
                    errors.push(contradicts(sheets, metric, declared, other));
                    Dim::Unknown
                }
                // declared `USD` meets facts in USD only: the metric is in USD
                _ => declared.dim.join(dim).unwrap_or(dim),
            }
        })
        .collect()
}

/// The dimension of a metric's facts; an error where they disagree.
fn one_dim(sheets: &Sheets, metric: MetricId, errors: &mut Vec<Diag>) -> Dim {
    let mut facts = sheets.facts_by_unit(metric);
    let Some((first_unit, first)) = facts.next() else { return Dim::Unknown };
    let mut dim = Dim::of(first_unit);
    for (unit, fact) in facts {
        let other = Dim::of(unit);
        dim = match dim.merge(other) {
            Some(merged) if merged != Dim::Unknown => merged,
            _ => {
                errors.push(disagree(sheets, metric, (first_unit, &first), (unit, &fact)));
                return Dim::Unknown;
            }
        };
    }
    dim
}

/// Two facts of one metric in two dimensions.
fn disagree(
    sheets: &Sheets,
    metric: MetricId,
    (a_unit, a): (crate::num::Unit, &crate::data::Fact),
    (b_unit, b): (crate::num::Unit, &crate::data::Fact),
) -> Diag {
    let name = &sheets.metrics[metric as usize];
    let (a_dim, b_dim) = (Dim::of(a_unit), Dim::of(b_unit));
    let help = match (a_dim, b_dim) {
        (Dim::PerShare(Some(c)), Dim::Money(_)) | (Dim::Money(_), Dim::PerShare(Some(c))) => format!(
            "an amount per share is written in `{c}/share` (`\"1.95 {c}/share\"`); money and per-share amounts never mix",
            c = c.as_str()
        ),
        (Dim::Number, other) | (other, Dim::Number) => match other.plain_unit() {
            Some(unit) => format!(
                "give every figure of `{name}` its unit: `unit = \"{unit}\"` in the file, or the unit in the cell"
            ),
            None => format!("give every figure of `{name}` the same unit"),
        },
        _ => format!("a metric measures one thing: write every figure of `{name}` in one dimension"),
    };
    Diag::error("data-dimension", format!("the facts of `{name}` disagree: {a_dim} here, {b_dim} elsewhere"))
        .in_file(a.origin.file)
        .primary(a.origin.span, format!("{a_dim} (`{a_unit}`)"))
        .with_help(help)
        .with_related(
            Diag::error("data-dimension", format!("`{name}` is {b_dim} here"))
                .in_file(b.origin.file)
                .primary(b.origin.span, format!("{b_dim} (`{b_unit}`)")),
        )
}

/// Two declarations of different dimensions that both name a metric of the data.
fn overlapping(name: &str, first: &super::program::Declared, other: &super::program::Declared) -> Diag {
    Diag::error(
        "declared-dimension",
        format!(
            "`{name}` is declared twice: as `{}` by `{}` and as `{}` by `{}`",
            first.written, first.pattern, other.written, other.pattern
        ),
    )
    .in_file(other.file)
    .primary(other.span, format!("declares `{name}` as `{}`", other.written))
    .with_help("a metric measures one thing: narrow the pattern, or drop one declaration")
    .with_related(
        Diag::error("declared-dimension", format!("`{}` declares it as `{}`", first.pattern, first.written))
            .in_file(first.file)
            .primary(first.span, format!("declared `{}`", first.written)),
    )
}

/// A declaration that the data contradicts.
fn contradicts(sheets: &Sheets, metric: MetricId, declared: &super::program::Declared, dim: Dim) -> Diag {
    let name = &sheets.metrics[metric as usize];
    let diag =
        Diag::error("declared-dimension", format!("`{name}` is declared as {} but the data gives {dim}", declared.dim))
            .in_file(declared.file)
            .primary(declared.span, format!("declared `{}` here", declared.written))
            .with_help("correct the unit in the data, or the declaration");
    match sheets.facts_by_unit(metric).find(|(u, _)| declared.dim.join(Dim::of(*u)).is_none()) {
        Some((unit, fact)) => diag.with_related(
            Diag::error("declared-dimension", format!("`{name}` is given in `{unit}` here"))
                .in_file(fact.origin.file)
                .primary(fact.origin.span, format!("{dim}")),
        ),
        None => diag,
    }
}
