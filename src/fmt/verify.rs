//! The formatter's check of its own output: the same tree, spans and parentheses aside, and the
//! same comments.
//!
//! Parentheses are left out of the comparison because the tree's shape fixes the meaning on its own:
//! `(a + b) * c` and `a + b * c` are two different trees with or without their `Paren` nodes, and a
//! pair the formatter adds (or finds needless) never changes that shape. The layout still keeps the
//! user's own parentheses, and the tests check that it does.

use crate::diag::Diag;
use crate::source::{SourceId, Span, Spanned};
use crate::syntax::ast::{At, Expr, ExprKind, File, Item};
use crate::syntax::parse;

use super::comments;

/// Checks that `formatted` means what `original` (parsed as `ast`) means and keeps its comments.
pub fn same(original: &str, ast: &File, formatted: &str, file: SourceId) -> Result<(), Vec<Diag>> {
    let reparsed = parse(formatted, file).map_err(|_| vec![internal("the formatted text does not parse")])?;
    if erased(ast) != erased(&reparsed) {
        return Err(vec![internal("the formatted text would mean something else")]);
    }
    let texts = |text: &str| {
        let mut all: Vec<String> = comments::scan(text).iter().map(|c| c.text(text).to_owned()).collect();
        all.sort();
        all
    };
    if texts(original) != texts(formatted) {
        return Err(vec![internal("the formatted text would lose or change a comment")]);
    }
    Ok(())
}

/// An internal error of the formatter: the file is left as it is.
fn internal(what: &str) -> Diag {
    Diag::error("internal", format!("internal error: {what}; the file is left unchanged"))
        .with_help("please report this with the file that caused it")
}

/// A dump of a tree without its spans and its parentheses; decimals show their scale (`25.0` is not
/// `25`).
pub fn erased(file: &File) -> String {
    let mut file = file.clone();
    for item in &mut file.items {
        match item {
            Item::Use(u) => {
                u.span = Span::default();
                u.path.span = Span::default();
            }
            Item::Metric(m) => {
                m.span = Span::default();
                m.dim.span = Span::default();
                m.names.iter_mut().for_each(|n| n.span = Span::default());
            }
            Item::Group(g) => {
                g.span = Span::default();
                g.name.span = Span::default();
                g.members.iter_mut().for_each(|m| m.span = Span::default());
            }
            Item::Scope(scope) => erase_scope(scope),
            Item::Let(l) => {
                l.span = Span::default();
                l.name.span = Span::default();
                erase(&mut l.value);
            }
            Item::Rule(r) => {
                r.span = Span::default();
                r.name.span = Span::default();
                r.severity.iter_mut().for_each(|s| s.span = Span::default());
                r.title.iter_mut().for_each(|t| t.span = Span::default());
                if let Some(at) = &mut r.at {
                    at.span = Span::default();
                    match &mut at.node {
                        At::Periods(periods) => periods.iter_mut().for_each(|p| p.span = Span::default()),
                        At::Calendar(periods) => periods.iter_mut().for_each(|p| p.span = Span::default()),
                        At::Quarters | At::Years => {}
                    }
                }
                r.scope.iter_mut().for_each(erase_scope);
                erase(&mut r.body);
            }
        }
    }
    format!("{file:?}")
}

/// Zeroes every span of a `for` clause.
fn erase_scope(scope: &mut crate::syntax::ast::Scope) {
    scope.span = Span::default();
    scope.members.iter_mut().for_each(|m| m.span = Span::default());
}

/// Zeroes every span of an expression and takes its parentheses away.
fn erase(e: &mut Expr) {
    while let ExprKind::Paren(inner) = &mut e.node {
        let inner = std::mem::replace(&mut **inner, Spanned::new(ExprKind::Bool(false), Span::default()));
        *e = inner;
    }
    e.span = Span::default();
    match &mut e.node {
        ExprKind::Binary { op, lhs, rhs } => {
            op.span = Span::default();
            erase(lhs);
            erase(rhs);
        }
        ExprKind::Unary { op, expr } => {
            op.span = Span::default();
            erase(expr);
        }
        ExprKind::Compare { first, rest } => {
            erase(first);
            for (op, operand) in rest {
                op.span = Span::default();
                erase(operand);
            }
        }
        ExprKind::Approx { lhs, rhs, within } => {
            erase(lhs);
            erase(rhs);
            within.iter_mut().for_each(|w: &mut Spanned<_>| w.span = Span::default());
        }
        ExprKind::In { value, range } => {
            erase(value);
            erase(range);
        }
        ExprKind::AtPeriod { expr, period } => {
            erase(expr);
            period.span = Span::default();
        }
        ExprKind::Peer { expr, entity } => {
            erase(expr);
            entity.span = Span::default();
        }
        ExprKind::PeerGroup { expr, group } => {
            erase(expr);
            group.span = Span::default();
        }
        ExprKind::Call { func, args } => {
            func.span = Span::default();
            args.iter_mut().for_each(erase);
        }
        ExprKind::If { cond, then, otherwise } => {
            erase(cond);
            erase(then);
            erase(otherwise);
        }
        ExprKind::Paren(_) | ExprKind::Number(_) | ExprKind::Range(_) | ExprKind::Bool(_) | ExprKind::Name(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::erased;
    use crate::source::SourceId;
    use crate::syntax::parse;

    /// The dump of a text's tree.
    fn dump(text: &str) -> String {
        erased(&parse(text, SourceId(0)).unwrap())
    }

    #[test]
    fn parentheses_aside_the_shape_still_counts() {
        assert_eq!(dump("let a = ((b)) + (c * d)"), dump("let a = b + c * d"));
        assert_eq!(
            dump("rule r: x ~= (if a then b else c) within 1"),
            dump("rule r: x ~= if a then b else c within 1")
        );
        assert_ne!(dump("let a = (b + c) * d"), dump("let a = b + c * d"));
        assert_ne!(dump("rule r: (if a then b else c) < d"), dump("rule r: if a then b else c < d"));
    }
}
