//! AST to checked program: names resolved, duplicates and cycles found, units and periods checked.
//!
//! Every error of the phase is collected and returned together; nothing is evaluated unless the
//! whole program checks.

mod cycles;
pub mod infer;
pub mod link;
pub mod program;
pub mod resolve;
pub mod scope;
pub mod types;

use std::collections::HashMap;

use crate::diag::Diag;
use crate::period::{Kind, Step};
use crate::source::{SourceId, Span};
use crate::syntax::ast::{self, FiscalPart, Item, PeriodRef, Severity};
use crate::syntax::hidden::escape;

pub use link::link;
pub use program::{
    AtSpec, CExpr, CKind, CScope, Cell, CellId, Declared, Func, GroupDef, Member, Program, Rule, RuleId, Scopes, Title,
    TitlePart,
};
use resolve::Resolver;

/// A parsed rule file of the run.
#[derive(Debug)]
pub struct RuleFile {
    pub file: SourceId,
    /// The file's text, for what is read as written (a title's `{name}` holes).
    pub text: std::sync::Arc<str>,
    pub ast: ast::File,
}

/// Checks parsed rule files without any data: names of cells and functions, cycles, periods, the
/// declarations, and the units of everything whose dimension the declarations tell. Metric names
/// are linked to the data afterwards ([`link()`]), or never (`tickmark check --no-data`).
pub fn check(files: &[RuleFile]) -> Result<Program, Vec<Diag>> {
    let mut errors = Vec::new();
    let cells = declare(files, &mut errors);
    let groups = scope::groups(files, &mut errors);
    let mut program = Program::default();
    for rf in files {
        let mut resolver = Resolver { cells: &cells, groups: &groups, file: rf.file, errors: &mut errors };
        // the file's `for` line over the items after it
        let mut file_scope: Option<program::CScope> = None;
        for item in &rf.ast.items {
            match item {
                // A name defined twice is an error already; only a cell's first definition is
                // compiled, so that cell ids are the ones `declare` gave.
                Item::Let(l) if cells.get(&l.name.node) == Some(&program.cells.len()) => program.cells.push(Cell {
                    name: l.name.node.clone(),
                    file: rf.file,
                    name_span: l.name.span,
                    body: resolver.expr(&l.value),
                    scopes: Scopes { scopes: file_scope.iter().cloned().collect(), admitted: Vec::new() },
                }),
                Item::Let(_) => {}
                Item::Rule(r) => {
                    let mut rule = compile_rule(r, &rf.text, &mut resolver);
                    let own = r.scope.as_ref().map(|s| scope::compile(s, &groups, rf.file, resolver.errors));
                    rule.scopes.scopes = file_scope.iter().cloned().chain(own).collect();
                    program.rules.push(rule);
                }
                Item::Scope(s) => file_scope = Some(scope::compile(s, &groups, rf.file, resolver.errors)),
                Item::Metric(m) => program.declared.extend(declarations(m, rf.file, resolver.errors)),
                Item::Use(_) | Item::Group(_) => {}
            }
        }
    }
    program.groups = groups;
    errors.extend(conflicting_declarations(&program.declared));
    errors.extend(cycles::find(&program));
    if errors.is_empty() {
        errors.extend(infer::Infer::new(&program, infer::Dims::declared(&program.declared)).run());
        errors.extend(program.rules.iter().flat_map(quarter_steps_at_years));
    }
    if errors.is_empty() { Ok(program) } else { Err(errors) }
}

/// Checks rule files and links them to the data: the program ready to evaluate.
pub fn check_and_link(files: &[RuleFile], sheets: &crate::data::Sheets) -> Result<Program, Vec<Diag>> {
    link(check(files)?, sheets)
}

/// Compiles one expression (`tickmark eval`) against the cells of a linked program and the data.
pub fn expression(
    ast: &ast::Expr,
    file: SourceId,
    program: &Program,
    sheets: &crate::data::Sheets,
) -> Result<CExpr, Vec<Diag>> {
    let cells: HashMap<String, CellId> = program.cells.iter().enumerate().map(|(id, c)| (c.name.clone(), id)).collect();
    let mut errors = Vec::new();
    let mut expr = Resolver { cells: &cells, groups: &program.groups, file, errors: &mut errors }.expr(ast);
    if errors.is_empty() {
        errors = link::link_expr(&mut expr, file, program, sheets);
    }
    if errors.is_empty() { Ok(expr) } else { Err(errors) }
}

/// The names of a `metric` declaration with the dimension it declares; an unknown dimension is an
/// error at the word.
fn declarations(m: &ast::MetricDecl, file: SourceId, errors: &mut Vec<Diag>) -> Vec<Declared> {
    // a metric measures one thing in every scenario: `guidance.revenue` would match nothing
    for name in &m.names {
        let first = name.node.split('.').next().unwrap_or_default();
        if let Some(scenario) = ast::Scenario::parse(first) {
            let rest = name.node[first.len()..].trim_start_matches('.');
            let diag = Diag::error("declared-dimension", format!("`{}` names a scenario", name.node))
                .in_file(file)
                .primary(name.span, format!("`{}` is a scenario, not part of a metric", scenario.as_str()))
                .with_help(format!("a declaration holds in every scenario: declare `{rest}`"));
            errors.push(diag);
        }
    }
    let Some(dim) = dimension(&m.dim.node) else {
        let words = ["money", "ratio", "number", "shares", "per_share", "USD", "USD/share", "%"];
        let mut diag = Diag::error("unknown-dimension", format!("unknown dimension `{}`", m.dim.node))
            .in_file(file)
            .primary(m.dim.span, "not a dimension")
            .with_help(
                "a dimension is `money`, `ratio`, `number`, `shares`, `per_share`, a currency (`USD`), a per-share unit (`USD/share`) or a unit that starts with a capital (`GW`)",
            );
        if let Some(best) = crate::suggest::did_you_mean(&m.dim.node, words) {
            diag = diag.note(format!("did you mean `{best}`?"));
        }
        errors.push(diag);
        return Vec::new();
    };
    m.names
        .iter()
        .map(|n| Declared { pattern: n.node.clone(), dim, written: m.dim.node.clone(), file, span: n.span })
        .collect()
}

/// The dimension a declaration names: a word, or a unit (`USD`, `USD/share`, `%`, `GW`).
fn dimension(word: &str) -> Option<crate::num::Dim> {
    use crate::num::Dim;
    Some(match word {
        "money" => Dim::Money(None),
        "ratio" => Dim::Ratio,
        "number" => Dim::Number,
        "shares" => Dim::Shares,
        "per_share" => Dim::PerShare(None),
        w if w.starts_with(|c: char| c.is_ascii_uppercase()) || w == "%" => Dim::of(crate::num::Unit::parse(w)?),
        _ => return None,
    })
}

/// Two declarations of one name that disagree.
fn conflicting_declarations(declared: &[Declared]) -> Vec<Diag> {
    let mut errors = Vec::new();
    for (i, d) in declared.iter().enumerate() {
        let Some(first) = declared[..i].iter().find(|e| e.pattern == d.pattern) else { continue };
        if first.dim.join(d.dim).is_none() {
            let diag = Diag::error(
                "declared-dimension",
                format!("`{}` is declared twice, as `{}` and as `{}`", d.pattern, first.written, d.written),
            )
            .in_file(d.file)
            .primary(d.span, format!("declared `{}` here", d.written))
            .with_help("a metric measures one thing: keep one declaration")
            .with_related(
                Diag::error("declared-dimension", format!("`{}` is first declared here", d.pattern))
                    .in_file(first.file)
                    .primary(first.span, format!("declared `{}`", first.written)),
            );
            errors.push(diag);
        }
    }
    errors
}

/// Gives every cell an id, and reports names of cells and rules defined twice.
fn declare(files: &[RuleFile], errors: &mut Vec<Diag>) -> HashMap<String, CellId> {
    let mut seen: HashMap<&str, (SourceId, Span)> = HashMap::new();
    let mut cells = HashMap::new();
    for rf in files {
        for item in &rf.ast.items {
            let (name, is_cell) = match item {
                Item::Let(l) => (&l.name, true),
                Item::Rule(r) => (&r.name, false),
                Item::Use(_) | Item::Metric(_) | Item::Group(_) | Item::Scope(_) => continue,
            };
            if let Some(&(file, span)) = seen.get(name.node.as_str()) {
                errors.push(duplicate(&name.node, (rf.file, name.span), (file, span)));
                continue;
            }
            seen.insert(&name.node, (rf.file, name.span));
            if is_cell {
                cells.insert(name.node.clone(), cells.len());
            }
        }
    }
    cells
}

/// The diagnostic for a name defined twice, pointing at both places.
fn duplicate(name: &str, (file, span): (SourceId, Span), (first_file, first_span): (SourceId, Span)) -> Diag {
    let diag = Diag::error("duplicate-name", format!("`{name}` is defined twice"))
        .in_file(file)
        .primary(span, "defined again here")
        .with_help("names of cells and rules are unique across a run: rename one of them");
    if first_file == file {
        return diag.label(first_span, "first defined here");
    }
    let first = Diag::error("duplicate-name", format!("`{name}` is first defined here"))
        .in_file(first_file)
        .primary(first_span, "first defined here");
    diag.with_related(first)
}

/// Compiles a rule: severity, title holes, `at` and body.
fn compile_rule(r: &ast::Rule, text: &str, resolver: &mut Resolver) -> Rule {
    let at = match r.at.as_ref().map(|a| &a.node) {
        None => AtSpec::All,
        Some(ast::At::Quarters) => AtSpec::Kind(Kind::Quarter),
        Some(ast::At::Years) => AtSpec::Kind(Kind::Year),
        Some(ast::At::Periods(ps)) => AtSpec::Periods(ps.iter().map(|p| p.node).collect()),
        Some(ast::At::Calendar(ps)) => AtSpec::Calendar(ps.iter().map(|p| p.node).collect()),
    };
    Rule {
        name: r.name.node.clone(),
        severity: r.severity.as_ref().map_or(Severity::Error, |s| s.node),
        title: r.title.as_ref().map(|t| title(t, text, resolver)),
        at,
        scopes: Scopes::default(),
        body: resolver.expr(&r.body),
        file: resolver.file,
        name_span: r.name.span,
        span: r.span,
    }
}

/// Splits a title into text and `{name}` holes, resolving each name. The title is read from the
/// file as written, so that a hole's span is exact whatever escapes come before it; `{{` and `}}`
/// are braces. Characters that could hide or reorder text are kept as their escapes (`\u{202e}`),
/// so that every report shows them ([`crate::syntax::hidden`]).
fn title(t: &crate::source::Spanned<String>, text: &str, resolver: &mut Resolver) -> Title {
    let base = t.span.start as usize + 1;
    let raw = text.get(base..(t.span.end as usize).saturating_sub(1)).unwrap_or("");
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut chars = raw.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match (c, chars.peek().map(|&(_, n)| n)) {
            ('\\', Some(n)) | ('{', Some(n @ '{')) | ('}', Some(n @ '}')) => {
                current.push(n);
                chars.next();
            }
            ('{', _) => {
                let Some(len) = raw[i..].find('}') else {
                    let span = Span::new(base + i, base + i + 1);
                    let diag = Diag::error("title", "a `{` in the title is never closed")
                        .in_file(resolver.file)
                        .primary(span, "opened here")
                        .with_help("close the name with `}`, or write `{{` for a brace");
                    resolver.errors.push(diag);
                    break;
                };
                parts.push(TitlePart::Text(escape(&std::mem::take(&mut current)).into_owned()));
                let inner = &raw[i + 1..i + len];
                let span = Span::new(base + i + 1, base + i + len);
                parts.push(TitlePart::Hole(inner.to_owned(), resolver.expr(&hole_name(inner, span))));
                while chars.next_if(|&(k, _)| k < i + len + 1).is_some() {}
            }
            (c, _) => current.push(c),
        }
    }
    parts.push(TitlePart::Text(escape(&current).into_owned()));
    Title { parts }
}

/// The name inside `{...}` as an expression, with its scenario prefix split off.
fn hole_name(inner: &str, span: Span) -> ast::Expr {
    let inner = inner.trim();
    let (scenario, path) = match inner.split_once('.') {
        Some((first, rest)) => match ast::Scenario::parse(first) {
            Some(s) => (Some(s), rest.to_owned()),
            None => (None, inner.to_owned()),
        },
        None => (None, inner.to_owned()),
    };
    crate::source::Spanned::new(ast::ExprKind::Name(ast::Name { scenario, path }), span)
}

/// A quarter step (`[-1q]`) from a fiscal year has no quarter to reach: an error where a rule is
/// checked only at fiscal years, or where an index beneath makes the period a year (`x[-1q][FY]`,
/// `x[-1q][FY2025]`). An index that makes it a quarter lifts the rule's years (`x[-1q][Q1]` at years
/// is the last quarter of the year before).
fn quarter_steps_at_years(rule: &Rule) -> Vec<Diag> {
    let only_years = match &rule.at {
        AtSpec::Kind(Kind::Year) => true,
        AtSpec::Periods(ps) => ps.iter().all(|p| p.kind() == Kind::Year),
        AtSpec::Calendar(ps) => ps.iter().all(|p| p.kind() == Kind::Year),
        _ => false,
    };
    let mut found = Vec::new();
    let at = if only_years { Reading::Year { by_index: false } } else { Reading::Any };
    quarter_steps(&rule.body, at, &mut |e, by_index| found.push(quarter_step_from_year(rule, e.span, by_index)));
    found
}

/// The kind of period an expression is read at, as far as the rule tells.
#[derive(Clone, Copy)]
enum Reading {
    /// A quarter, or either kind.
    Any,
    /// A fiscal year: the rule's own periods, or those of an index around the expression.
    Year { by_index: bool },
}

/// Calls `found` on every quarter step of `e` taken from a fiscal year, `e` being read at `at`.
fn quarter_steps(e: &CExpr, at: Reading, found: &mut dyn FnMut(&CExpr, bool)) {
    let inner = match (&e.kind, at) {
        (CKind::Shift { to: PeriodRef::Offset(_, Step::Quarter), .. }, Reading::Year { by_index }) => {
            found(e, by_index);
            at
        }
        (CKind::Shift { to: PeriodRef::Absolute(p), .. }, _) if p.kind() == Kind::Year => {
            Reading::Year { by_index: true }
        }
        (CKind::Shift { to: PeriodRef::Fiscal(FiscalPart::Year), .. }, _) => Reading::Year { by_index: true },
        (CKind::Shift { to: PeriodRef::Calendar(p), .. }, _) if p.kind() == Kind::Year => {
            Reading::Year { by_index: true }
        }
        (CKind::Shift { to: PeriodRef::Calendar(_), .. }, _) => Reading::Any,
        (CKind::Shift { to: PeriodRef::Absolute(_) | PeriodRef::Fiscal(FiscalPart::Quarter(_)), .. }, _) => {
            Reading::Any
        }
        _ => at,
    };
    walk_children(e, &mut |c| quarter_steps(c, inner, found));
}

/// The error for a quarter step at `span` from a fiscal year: the rule's (`at years`), or an index's.
fn quarter_step_from_year(rule: &Rule, span: Span, by_index: bool) -> Diag {
    let (message, help) = if by_index {
        (
            format!("rule `{}` steps by quarters from a fiscal year, which has no quarter before it", rule.name),
            "the index after the step (`[FY]`, `[FY2025]`) reads it at a fiscal year: step by years (`[-1y]`)",
        )
    } else {
        (
            format!("rule `{}` is checked at fiscal years, which have no quarter before them", rule.name),
            "step by years (`[-1y]`), or check the rule at quarters",
        )
    };
    Diag::error("bad-period", message).in_file(rule.file).primary(span, "a quarter step").with_help(help)
}

/// Visits an expression and everything beneath it (cells are not entered).
pub fn walk(e: &CExpr, f: &mut dyn FnMut(&CExpr)) {
    f(e);
    walk_children(e, &mut |c| walk(c, f));
}

/// The direct children of an expression's node, each passed to `$f`: one match for the shared and
/// the mutable walk alike (`$iter` is `iter` or `iter_mut`).
macro_rules! each_child {
    ($kind:expr, $f:ident, $iter:ident) => {
        match $kind {
            CKind::Shift { expr, .. }
            | CKind::Peer { expr, .. }
            | CKind::PeerGroup { expr, .. }
            | CKind::Unary { expr, .. } => $f(expr),
            CKind::Binary { lhs, rhs, .. } | CKind::Approx { lhs, rhs, .. } => {
                $f(lhs);
                $f(rhs);
            }
            CKind::Compare { first, rest } => {
                $f(first);
                rest.$iter().for_each(|(_, e)| $f(e));
            }
            CKind::In { value, range } => {
                $f(value);
                $f(range);
            }
            CKind::If { cond, then, otherwise } => {
                $f(cond);
                $f(then);
                $f(otherwise);
            }
            CKind::Call { args, .. } => args.$iter().for_each(|a| $f(a)),
            CKind::Number { .. }
            | CKind::Range { .. }
            | CKind::Bool(_)
            | CKind::Fact { .. }
            | CKind::Pattern { .. }
            | CKind::Cell(_) => {}
        }
    };
}

/// Calls `f` on each direct child of an expression, to change it.
pub fn walk_children_mut(e: &mut CExpr, f: &mut dyn FnMut(&mut CExpr)) {
    each_child!(&mut e.kind, f, iter_mut)
}

/// Calls `f` on each direct child of an expression.
pub fn walk_children(e: &CExpr, f: &mut dyn FnMut(&CExpr)) {
    each_child!(&e.kind, f, iter)
}
