//! A check's whole evaluation as a tree, like a spreadsheet's trace of precedents (`tickmark explain`).
//!
//! Each node is a sub-expression with what it gave at the check's entity and period, read from a
//! full trace ([`crate::eval::Evaluator::tracing_full`]). A cell is drawn as `name = body` with the
//! place it is defined, its body's parts beneath it; `x[-1y]` says the period it read; a fact says
//! the data file, line, column and source it came from; a missing input or an error is said in
//! words at the node where it happens, and its ancestors only point down to it.

use std::fmt::Write;

use crate::check::{CExpr, CKind, Program};
use crate::data::{EntityId, Fact, Sheets};
use crate::eval::{Check, Halt, Outcome, Trace, Value};
use crate::num::display;
use crate::period::Period;
use crate::source::{SourceId, Sources};
use crate::syntax::ast::{BinOp, Scenario};

use super::human::Style;

/// The longest source text a node shows before it is shortened with `…`.
const MAX_TEXT: usize = 80;
/// Where the value column starts at the latest, so that one long line does not push every value away.
const MAX_COLUMN: usize = 80;

/// One node of a drawn tree: its text, its value in words, lines under it, and its children.
#[derive(Debug, Clone, Default)]
pub struct Node {
    pub text: String,
    pub value: String,
    pub notes: Vec<String>,
    pub children: Vec<Node>,
    /// What the node gave, to tell where a missing input or an error happens.
    result: Option<Result<Value, Halt>>,
}

/// Wraps text in an ANSI colour code when colour is on: `paint(true, "31", "fail")`.
pub fn paint(color: bool, code: &str, text: &str) -> String {
    if color { format!("\x1b[{code}m{text}\x1b[0m") } else { text.to_owned() }
}

/// Everything a tree is built from.
pub struct Explainer<'a> {
    pub program: &'a Program,
    pub sheets: &'a Sheets,
    pub sources: &'a Sources,
}

/// What building a tree needs at each step: the trace, the entity, and whether it is inside a cell.
#[derive(Clone, Copy)]
struct Walk<'a> {
    ex: &'a Explainer<'a>,
    trace: &'a Trace,
    entity: EntityId,
    /// Inside a cell, the rule-level values of [`Trace::values`] do not apply.
    in_cell: bool,
    /// The filing the check read its actuals from, at the check's entity ([`Trace::filing`]).
    filing: Option<crate::data::Filing>,
    /// The cells already drawn whole in this tree, by period: a cell used again is drawn once,
    /// so a tree grows with the program, not with the number of paths through it.
    drawn: &'a std::cell::RefCell<std::collections::HashSet<(EntityId, usize, Period)>>,
}

impl Explainer<'_> {
    /// A check explained: its header, then (with `tree`) its title, place and the tree of its evaluation.
    pub fn check(&self, check: &Check, tree: bool, style: Style) -> String {
        let mut out = self.header(check, style);
        if tree {
            let rule = &self.program.rules[check.rule];
            if let Some(title) = &check.title {
                let _ = writeln!(out, "  {title}");
            }
            let place = format!("defined at {}", self.sources.location(rule.file, rule.name_span));
            let _ = writeln!(out, "  {}", paint(style.color, "2", &place));
            let trace = self.trace(check);
            if let Some(filing) = trace.filing {
                let _ = writeln!(out, "  {}", paint(style.color, "2", &filing.note()));
            }
            let drawn = std::cell::RefCell::default();
            let filing = trace.filing;
            let walk = Walk { ex: self, trace: &trace, entity: check.entity, in_cell: false, filing, drawn: &drawn };
            out.push_str(&draw(&walk.node(&rule.body, rule.file, check.period), style));
            out.push_str(&self.why(check));
        }
        out
    }

    /// `rule `x` (warning) at AMZN 2025Q3: fail`, and for a skip what had no value.
    fn header(&self, check: &Check, style: Style) -> String {
        let rule = &self.program.rules[check.rule];
        let at = self.sheets.at(check.entity, check.period);
        let status = check.outcome.status();
        let code = match check.outcome {
            Outcome::Pass => "32",
            Outcome::Fail(_) | Outcome::Error(..) => "31",
            Outcome::Skip(_) => "33",
        };
        let severity = severity_word(rule.severity);
        let mut out =
            format!("rule `{}` ({severity}) at {at}: {}", rule.name, paint(style.color, &format!("1;{code}"), status));
        if let Outcome::Skip(m) = &check.outcome {
            let _ = write!(out, ", {}", m.describe());
        }
        out.push('\n');
        out
    }

    /// The check evaluated again, every node recorded.
    fn trace(&self, check: &Check) -> Trace {
        let rule = &self.program.rules[check.rule];
        let mut ev = crate::eval::Evaluator::tracing_full(self.program, self.sheets, check.entity);
        ev.one_filing(&rule.body, check.period);
        let _ = ev.eval(&rule.body, check.period, rule.file);
        ev.trace.unwrap_or_default()
    }

    /// For a failed check, what it would have taken to pass (as `check` says it).
    fn why(&self, check: &Check) -> String {
        if !matches!(check.outcome, Outcome::Fail(_)) {
            return String::new();
        }
        let diag = super::explain::check_diag(check, self.program, self.sheets, self.sources);
        diag.and_then(|d| d.help).map_or(String::new(), |help| format!("why: {}\n", help.replace('\n', "\n     ")))
    }
}

impl Walk<'_> {
    /// The node of an expression of `file` evaluated at `period`.
    fn node(&self, e: &CExpr, file: SourceId, period: Period) -> Node {
        let result = self.trace.step(self.entity, file, e.span, period).cloned();
        let mut node = Node { text: self.text(file, e), result, ..Node::default() };
        if node.result.is_none()
            && let CKind::Binary { op: op @ (BinOp::Add | BinOp::Sub), lhs, rhs } = &e.kind
        {
            return self.partial_sum(node, e, *op == BinOp::Sub, [lhs, rhs], file, period);
        }
        if node.result.is_none() && !matches!(e.kind, CKind::Pattern { .. } | CKind::PeerGroup { .. }) {
            node.value = "not evaluated".to_owned();
            return node;
        }
        let mut at = None;
        match &e.kind {
            CKind::Fact { metric, scenario, vintage, .. } => {
                let fact = match vintage {
                    None => self.fact(*metric, *scenario, period),
                    Some(pick) => self.ex.sheets.vintage(*metric, *scenario, self.entity, period, *pick),
                };
                node.notes.extend(fact.map(|f| self.provenance(&f)));
            }
            CKind::Pattern { metrics, scenario, .. } => return self.pattern(node, metrics, *scenario, period),
            CKind::Cell(id) => return self.cell(node, *id, period),
            CKind::Shift { expr, to } => {
                let shifted = crate::eval::expr::shift(period, *to, self.ex.sheets.year_end(self.entity));
                if let Some(shifted) = shifted {
                    self.shifted(&mut node, expr, file, shifted);
                }
                at = shifted.map(|p| p.to_string());
            }
            CKind::Peer { expr, entity, .. } => {
                let months = self.ex.sheets.year_end(self.entity).months(period);
                let aligned = self.ex.sheets.year_end(*entity).period_covering(months, period.kind());
                if let Some(aligned) = aligned {
                    Walk { entity: *entity, filing: None, ..*self }.shifted(&mut node, expr, file, aligned);
                }
                at = aligned.map(|p| self.ex.sheets.at(*entity, p));
            }
            CKind::PeerGroup { expr, members, .. } => {
                for entity in members.iter().filter_map(|(_, e)| *e) {
                    let months = self.ex.sheets.year_end(self.entity).months(period);
                    let Some(aligned) = self.ex.sheets.year_end(entity).period_covering(months, period.kind()) else {
                        continue;
                    };
                    let mut child = Walk { entity, filing: None, ..*self }.node(expr, file, aligned);
                    child.value = format!("{}  at {}", child.value, self.ex.sheets.at(entity, aligned));
                    node.children.push(child);
                }
                node.value = format!("a value at each of {} entities, below", node.children.len());
                return node;
            }
            // a chain of `+` and `-` is evaluated as one sum: its terms are its parts
            CKind::Binary { op: BinOp::Add | BinOp::Sub, .. } => {
                for (_, term) in crate::eval::expr::terms(e) {
                    node.children.push(self.node(term, file, period));
                }
            }
            _ => crate::check::walk_children(e, &mut |c| node.children.push(self.node(c, file, period))),
        }
        node.value = self.words(e, &node, at);
        node
    }

    /// The left part of a chain `a + b + c + d` (`a + b + c`, `a + b`): the evaluator adds a chain's
    /// terms in one go and records only the whole, so the tree adds the part's two operands itself,
    /// as the evaluator would, and a part with a missing or failing operand points down to it.
    fn partial_sum(
        &self,
        mut node: Node,
        e: &CExpr,
        minus: bool,
        operands: [&CExpr; 2],
        file: SourceId,
        period: Period,
    ) -> Node {
        node.children = operands.iter().map(|o| self.node(o, file, period)).collect();
        node.result = match (&node.children[0].result, &node.children[1].result) {
            (Some(Err(h)), _) | (_, Some(Err(h))) => Some(Err(h.clone())),
            (Some(Ok(Value::Num(a))), Some(Ok(Value::Num(b)))) => {
                let total = crate::eval::units::align(a.clone(), b.clone()).ok().and_then(|(a, b, unit)| {
                    let total = if minus { a.sub(&b, unit) } else { a.add(&b, unit) };
                    total.ok().map(|t| t.with_unit(unit))
                });
                total.map(|t| Ok(Value::Num(t)))
            }
            _ => None,
        };
        node.value = self.words(e, &node, None);
        node
    }

    /// `x[-1y]`: the expression at the other period beneath; a fact read there is drawn on this node.
    fn shifted(&self, node: &mut Node, expr: &CExpr, file: SourceId, shifted: Period) {
        let child = self.node(expr, file, shifted);
        if matches!(expr.kind, CKind::Fact { .. }) {
            node.notes = child.notes;
        } else {
            node.children.push(child);
        }
    }

    /// A cell: `name = body` with where it is defined, its body's parts beneath it (a body that is
    /// itself a cell, `let a = b`, beneath it whole).
    fn cell(&self, mut node: Node, id: usize, period: Period) -> Node {
        let cell = &self.ex.program.cells[id];
        if !self.drawn.borrow_mut().insert((self.entity, id, period)) {
            let step = self.trace.step(self.entity, cell.file, cell.body.span, period);
            node.text = cell.name.clone();
            node.value = match step {
                Some(Ok(v)) => format!("{}  (drawn above)", v.show_with_interval()),
                _ => "(drawn above)".to_owned(),
            };
            return node;
        }
        let inner = Walk { in_cell: true, ..*self };
        let body = inner.node(&cell.body, cell.file, period);
        node.text = shorten(&format!(
            "{} = {}",
            cell.name,
            crate::syntax::comments::code(self.ex.sources.get(cell.file).slice(cell.body.span))
        ));
        node.value = body.value.clone();
        let defined = format!("defined at {}", self.ex.sources.location(cell.file, cell.name_span));
        if matches!(cell.body.kind, CKind::Cell(_)) {
            node.notes = vec![defined];
            node.children = vec![body];
        } else {
            node.notes = body.notes;
            node.notes.push(defined);
            node.children = body.children;
        }
        node
    }

    /// A `*` name: every metric it matches that has a value here, each with its provenance; each at
    /// its default vintage, as the evaluator reads a `*` name (one filing is chosen for names only).
    fn pattern(&self, mut node: Node, metrics: &[(u32, String)], scenario: Scenario, period: Period) -> Node {
        for (metric, name) in metrics {
            let Some(fact) = self.ex.sheets.get(*metric, scenario, self.entity, period) else { continue };
            let value = match fact.value.figure() {
                Some(figure) => figure.map_or_else(|e| e.to_string(), |n| display::num_with_interval(&n)),
                None => fact.value.show(),
            };
            let text = match scenario {
                Scenario::Actual => name.clone(),
                s => format!("{}.{name}", s.as_str()),
            };
            let notes = vec![self.provenance(&fact)];
            node.children.push(Node { text, value, notes, ..Node::default() });
        }
        if node.children.is_empty() {
            let missing = crate::eval::Missing::absent(format!("`{}`", node.text), period);
            node.result = Some(Err(Halt::Missing(missing)));
        }
        node.value = match node.children.len() {
            0 => format!("no value: no metric it matches has a value at {period}"),
            1 => "1 metric has a value here".to_owned(),
            n => format!("{n} metrics have a value here"),
        };
        node
    }

    /// The fact a name read at this entity and period: an actual as the check's filing gave it.
    fn fact(&self, metric: u32, scenario: Scenario, period: Period) -> Option<Fact> {
        let sheets = self.ex.sheets;
        let filed = self.filing.filter(|_| scenario == Scenario::Actual);
        filed
            .and_then(|f| sheets.as_filed(metric, scenario, self.entity, period, f))
            .or_else(|| sheets.get(metric, scenario, self.entity, period))
    }

    /// `from data/amazon/x.toml:19:14, "Amazon overview on Q3 2025 figures"`; a dated fact's vintage
    /// first: `given 2026-02-05, from ...`.
    fn provenance(&self, fact: &Fact) -> String {
        let location = self.ex.sources.location(fact.origin.file, fact.origin.span);
        let from = fact.given.map_or_else(|| "from".to_owned(), |date| format!("given {date}, from"));
        let source = self.ex.sheets.sources.iter().find(|s| s.file == fact.origin.file).and_then(|s| s.name.as_ref());
        match source {
            Some(name) => format!("{from} {location}, \"{}\"", crate::escape::excerpt(name)),
            None => format!("{from} {location}"),
        }
    }

    /// A node's source text on one line, shortened if very long.
    fn text(&self, file: SourceId, e: &CExpr) -> String {
        shorten(&crate::syntax::comments::code(self.ex.sources.get(file).slice(e.span)))
    }

    /// What a node gave, in words; `at` is the period a `[...]` read, or the peer and period `of` read.
    fn words(&self, e: &CExpr, node: &Node, at: Option<String>) -> String {
        let below =
            |h: &Halt| node.children.iter().any(|c| c.result.as_ref().is_some_and(|r| r.as_ref().err() == Some(h)));
        match &node.result {
            None => "not evaluated".to_owned(),
            Some(Ok(v)) => {
                let shown = self.value(e, v);
                at.map_or(shown.clone(), |p| format!("{shown}  at {p}"))
            }
            Some(Err(h)) if below(h) => match h {
                Halt::Missing(_) => "— (an input below has no value)".to_owned(),
                _ => "— (an error below)".to_owned(),
            },
            Some(Err(h)) => halt(h, self.ex.sources),
        }
    }

    /// A value as shown: with its interval, a claimed figure marked as such.
    fn value(&self, e: &CExpr, v: &Value) -> String {
        let adopted = if self.in_cell { None } else { self.trace.value_at(e.span) };
        match (&e.kind, adopted.unwrap_or(v)) {
            (CKind::Number { value, .. }, Value::Num(n)) if !value.is_exact() => {
                format!("claimed {}", display::num_with_interval(n))
            }
            (CKind::Number { .. }, shown) => shown.show_with_interval(),
            _ => v.show_with_interval(),
        }
    }
}

/// A severity as written in a rule: `error`, `warning`, `info`.
fn severity_word(severity: crate::syntax::ast::Severity) -> &'static str {
    match severity {
        crate::syntax::ast::Severity::Error => "error",
        crate::syntax::ast::Severity::Warning => "warning",
        crate::syntax::ast::Severity::Info => "info",
    }
}

/// A missing input or an error where it happens, in words.
fn halt(h: &Halt, sources: &Sources) -> String {
    match h {
        Halt::Missing(m) if m.not_meaningful.is_some() => m.describe(),
        Halt::Missing(m) => format!("no value: {} at {}", m.name, m.period),
        Halt::Error(e) => format!("error: {} ({})", e.message, sources.location(e.file, e.span)),
        Halt::Unplaced(message) => format!("error: {message}"),
    }
}

/// Text cut to [`MAX_TEXT`] characters, ending in `…` where it was cut.
fn shorten(text: &str) -> String {
    if text.chars().count() <= MAX_TEXT {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(MAX_TEXT - 1).collect();
    cut.push('…');
    cut
}

/// One line of a drawn tree: the guides and text on the left, the value in its column.
struct Line {
    left: String,
    value: String,
    /// A note under a node: it has no value and does not widen the value column.
    note: bool,
}

/// Draws a tree with `├─ │ └─` guides and the values in one column.
pub fn draw(root: &Node, style: Style) -> String {
    let mut lines = Vec::new();
    flatten(root, "", "", &mut lines);
    let widest = lines.iter().filter(|l| !l.note).map(|l| l.left.chars().count()).max().unwrap_or(0);
    let column = widest.min(MAX_COLUMN) + 2;
    let mut out = String::new();
    for line in &lines {
        if line.note {
            let _ = writeln!(out, "{}", paint(style.color, "2", &line.left));
            continue;
        }
        let pad = column.saturating_sub(line.left.chars().count()).max(2);
        let _ = writeln!(out, "{}{}{}", line.left, " ".repeat(pad), line.value);
    }
    out
}

/// The lines of a node and its children; `head` goes before its text, `tail` before what is under it.
fn flatten(node: &Node, head: &str, tail: &str, out: &mut Vec<Line>) {
    out.push(Line { left: format!("{head}{}", node.text), value: node.value.clone(), note: false });
    let bar = if node.children.is_empty() { "  " } else { "│ " };
    for note in &node.notes {
        out.push(Line { left: format!("{tail}{bar} {note}"), value: String::new(), note: true });
    }
    for (i, child) in node.children.iter().enumerate() {
        let (h, t) = if i + 1 == node.children.len() { ("└─ ", "   ") } else { ("├─ ", "│  ") };
        flatten(child, &format!("{tail}{h}"), &format!("{tail}{t}"), out);
    }
}
