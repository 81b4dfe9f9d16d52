//! Names to references: every name of a rule or cell resolved to a cell, or else taken for a metric,
//! which `link` then finds in the data. Nothing here reads the data.

use std::collections::HashMap;

use crate::diag::Diag;
use crate::num::{Quantity, RangeLit};
use crate::source::{SourceId, Span, Spanned};
use crate::syntax::ast::{self, ExprKind, Name, PeriodRef, Scenario, UnaryOp, Vintage};

use super::program::{CExpr, CKind, CellId, Func, UNLINKED};
use crate::suggest::did_you_mean;

/// Compiles the expressions of one file against the cells of the run.
pub struct Resolver<'a> {
    pub cells: &'a HashMap<String, CellId>,
    /// The groups of the run, for `x of hyperscalers`.
    pub groups: &'a [super::program::GroupDef],
    pub file: SourceId,
    pub errors: &'a mut Vec<Diag>,
}

impl Resolver<'_> {
    /// Compiles an expression; errors are collected and a stand-in is returned so checking goes on.
    pub fn expr(&mut self, e: &ast::Expr) -> CExpr {
        let kind = match &e.node {
            ExprKind::Binary { op, lhs, rhs } => {
                CKind::Binary { op: op.node, lhs: Box::new(self.expr(lhs)), rhs: Box::new(self.expr(rhs)) }
            }
            ExprKind::Unary { op, expr } => CKind::Unary { op: op.node, expr: Box::new(self.expr(expr)) },
            ExprKind::Compare { first, rest } => CKind::Compare {
                first: Box::new(self.expr(first)),
                rest: rest.iter().map(|(op, e)| (op.node, self.expr(e))).collect(),
            },
            ExprKind::Approx { lhs, rhs, within } => CKind::Approx {
                lhs: Box::new(self.side(lhs)),
                rhs: Box::new(self.side(rhs)),
                within: within.as_ref().map(|w| w.node),
            },
            ExprKind::In { value, range } => {
                CKind::In { value: Box::new(self.expr(value)), range: Box::new(self.expr(range)) }
            }
            ExprKind::AtPeriod { expr, period: Spanned { node: PeriodRef::Given(vintage), .. } } => {
                return self.vintage(expr, *vintage, e.span);
            }
            ExprKind::AtPeriod { expr, period } => CKind::Shift { expr: Box::new(self.expr(expr)), to: period.node },
            ExprKind::Peer { expr, entity } => {
                let (name, name_span) = (entity.node.clone(), entity.span);
                CKind::Peer { expr: Box::new(self.expr(expr)), name, name_span, entity: UNLINKED }
            }
            ExprKind::PeerGroup { group, .. } => {
                let diag =
                    Diag::error("group-outside-aggregate", format!("`of {}` stands for several entities", group.node))
                        .in_file(self.file)
                        .primary(e.span, "a value at each entity of the group")
                        .with_help(
                            "use it inside sum(), avg(), min(), max() or count(), or name one entity: `of GOOGL`",
                        );
                self.errors.push(diag);
                CKind::Bool(false)
            }
            ExprKind::Number(q) => self.number(*q, e.span, false),
            ExprKind::Range(r) => self.range(*r, e.span),
            ExprKind::Bool(b) => CKind::Bool(*b),
            ExprKind::Name(name) => self.name(name, e.span, false),
            ExprKind::Call { func, args } => self.call(func, args, e.span),
            ExprKind::If { cond, then, otherwise } => CKind::If {
                cond: Box::new(self.expr(cond)),
                then: Box::new(self.expr(then)),
                otherwise: Box::new(self.expr(otherwise)),
            },
            ExprKind::Paren(inner) => return self.expr(inner),
        };
        CExpr { kind, span: e.span }
    }

    /// Compiles `x[given -1]`: the vintage is placed on the fact `x` names (through period indexes,
    /// `x[-1y][given -1]`); anything else has no vintage, an error. The node keeps the whole span.
    fn vintage(&mut self, expr: &ast::Expr, vintage: Vintage, span: Span) -> CExpr {
        let mut inner = self.expr(expr);
        if place_vintage(&mut inner, vintage) {
            return CExpr { kind: inner.kind, span };
        }
        // `Bool(false)` with errors already found is the stand-in for a name or call reported there
        if !matches!(inner.kind, CKind::Bool(false)) || self.errors.is_empty() {
            let diag = Diag::error("vintage", format!("`[{vintage}]` reads a vintage of a metric's fact"))
                .in_file(self.file)
                .primary(expr.span, "this is not a metric's name")
                .with_help(
                    "write it right after a metric, as in `guidance.revenue[given -1]`; a cell's value has no \
                     vintage, and a fact has one, so `[given ...]` comes once",
                );
            self.errors.push(diag);
        }
        CExpr { kind: CKind::Bool(false), span }
    }

    /// Compiles a side of `~=`: a literal forming the whole side is a claimed figure, read with the
    /// precision it was written with.
    fn side(&mut self, e: &ast::Expr) -> CExpr {
        match &e.node {
            ExprKind::Number(q) => CExpr { kind: self.number(*q, e.span, true), span: e.span },
            ExprKind::Unary { op, expr } if op.node == UnaryOp::Neg => match &expr.node {
                ExprKind::Number(q) => {
                    let negated = Quantity::new(-q.value, q.unit);
                    CExpr { kind: self.number(negated, e.span, true), span: e.span }
                }
                _ => self.expr(e),
            },
            ExprKind::Paren(inner) => self.side(inner),
            _ => self.expr(e),
        }
    }

    /// A number literal: exact, or rounded as written where it is a claim.
    fn number(&mut self, q: Quantity, span: Span, claimed: bool) -> CKind {
        let value = if claimed { q.rounded() } else { q.exact() };
        match value {
            Ok(value) => CKind::Number { written: q, value },
            Err(e) => {
                self.errors.push(
                    Diag::error("number", format!("`{}` is out of range: {e}", q.value))
                        .in_file(self.file)
                        .primary(span, "this number"),
                );
                CKind::Bool(false)
            }
        }
    }

    /// A range literal with exact bounds.
    fn range(&mut self, r: RangeLit, span: Span) -> CKind {
        let bound = |q: Option<Quantity>| q.map(|q| q.exact());
        match (bound(r.lo).transpose(), bound(r.hi).transpose()) {
            (Ok(lo), Ok(hi)) => CKind::Range { lo, hi },
            _ => {
                self.errors.push(
                    Diag::error("number", "a bound of this range is out of range")
                        .in_file(self.file)
                        .primary(span, "this range"),
                );
                CKind::Bool(false)
            }
        }
    }

    /// Resolves a name to a cell, or else to a metric (linked to its column later), or (inside an
    /// aggregate) a `*` pattern.
    fn name(&mut self, name: &Name, span: Span, aggregate: bool) -> CKind {
        if name.is_pattern() {
            return self.pattern(name, span, aggregate);
        }
        if name.scenario.is_none()
            && let Some(&cell) = self.cells.get(&name.path)
        {
            return CKind::Cell(cell);
        }
        let scenario = name.scenario.unwrap_or(Scenario::Actual);
        CKind::Fact { name: shown(name), path: name.path.clone(), metric: UNLINKED, scenario, vintage: None }
    }

    /// A `segment.*.revenue` name, whose metrics are found when it is linked to the data.
    fn pattern(&mut self, name: &Name, span: Span, aggregate: bool) -> CKind {
        if !aggregate {
            let diag =
                Diag::error("pattern-outside-aggregate", format!("`{}` stands for several metrics", shown(name)))
                    .in_file(self.file)
                    .primary(span, "a `*` name")
                    .with_help("use it inside sum(), avg(), min(), max() or count()");
            self.errors.push(diag);
            return CKind::Bool(false);
        }
        let scenario = name.scenario.unwrap_or(Scenario::Actual);
        CKind::Pattern { name: shown(name), path: name.path.clone(), metrics: Vec::new(), scenario }
    }

    /// Compiles a call: the function must exist and get the right number of arguments.
    fn call(&mut self, func: &crate::source::Spanned<String>, args: &[ast::Expr], span: Span) -> CKind {
        let Some(f) = Func::parse(&func.node) else {
            let names = Func::ALL.iter().map(|(n, _)| *n);
            let mut diag = Diag::error("unknown-function", format!("unknown function `{}`", func.node))
                .in_file(self.file)
                .primary(func.span, "no such function");
            if let Some(best) = did_you_mean(&func.node, names) {
                diag = diag.with_help(format!("did you mean `{best}`?"));
            }
            self.errors.push(diag);
            return CKind::Bool(false);
        };
        let (least, most) = f.arity();
        if args.len() < least || args.len() > most {
            let wanted = if least == most { format!("{least}") } else { format!("at least {least}") };
            let diag = Diag::error(
                "arity",
                format!(
                    "`{}` takes {wanted} argument{}, found {}",
                    f.name(),
                    if least == 1 && most == 1 { "" } else { "s" },
                    args.len()
                ),
            )
            .in_file(self.file)
            .primary(span, "this call")
            .with_help(format!("call it as `{}`", f.signature()));
            self.errors.push(diag);
            return CKind::Bool(false);
        }
        let args = args.iter().map(|a| self.arg(a, f.is_aggregate())).collect();
        CKind::Call { func: f, args }
    }

    /// Compiles an argument; aggregates accept `*` names and a group's values (`x of hyperscalers`).
    fn arg(&mut self, a: &ast::Expr, aggregate: bool) -> CExpr {
        match &a.node {
            ExprKind::Name(name) if name.is_pattern() => {
                CExpr { kind: self.name(name, a.span, aggregate), span: a.span }
            }
            ExprKind::PeerGroup { expr, group } if aggregate => {
                let Some(index) = self.groups.iter().position(|g| g.name == group.node) else {
                    self.errors.push(super::scope::unknown_group(&group.node, group.span, self.groups, self.file));
                    return CExpr { kind: CKind::Bool(false), span: a.span };
                };
                let members = self.groups[index].members.iter().map(|m| (m.node.clone(), None)).collect();
                CExpr {
                    kind: CKind::PeerGroup { expr: Box::new(self.expr(expr)), group: index, members },
                    span: a.span,
                }
            }
            _ => self.expr(a),
        }
    }
}

/// Sets the vintage of the fact an expression reads, through period indexes; `false` where it reads
/// no single fact or already names a vintage.
fn place_vintage(e: &mut CExpr, pick: Vintage) -> bool {
    match &mut e.kind {
        CKind::Fact { vintage: vintage @ None, .. } => {
            *vintage = Some(pick);
            true
        }
        CKind::Shift { expr, .. } => place_vintage(expr, pick),
        _ => false,
    }
}

/// Whether a metric name matches a pattern where `*` stands for one dotted part.
pub fn matches_pattern(pattern: &str, metric: &str) -> bool {
    let (mut p, mut m) = (pattern.split('.'), metric.split('.'));
    loop {
        match (p.next(), m.next()) {
            (None, None) => return true,
            (Some(a), Some(b)) if a == "*" || a == b => {}
            _ => return false,
        }
    }
}

/// A name as written, with its scenario prefix.
fn shown(name: &Name) -> String {
    prefixed(name.scenario, &name.path)
}

/// A metric with a scenario prefix where it is not `actual`.
pub fn prefixed(scenario: Option<Scenario>, path: &str) -> String {
    match scenario {
        Some(s) => format!("{}.{path}", s.as_str()),
        None => path.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::matches_pattern;

    #[test]
    fn star_matches_one_part() {
        assert!(matches_pattern("segment.*.revenue", "segment.aws.revenue"));
        assert!(!matches_pattern("segment.*.revenue", "segment.aws.cloud.revenue"));
        assert!(!matches_pattern("segment.*.revenue", "segment.aws.operating_income"));
        assert!(matches_pattern("special_charge.*", "special_charge.severance"));
    }
}
