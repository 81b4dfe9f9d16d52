//! Every check on a line of its own, with the values that decided it (what `--verbose` lists, and
//! what a `tickmark test` case stores): a changed figure, passing or not, changes one line.
//!
//! ```text
//! pass  margin_compression at AMZN 2026Q1: 10.79545455 % (10.763 %..10.827 %) < 11.81759794 % (11.781 %..11.854 %); decided
//! fail  pbp_in_guide at PBP 2025Q4: 29.9 USD bn (29.85 USD bn..29.95 USD bn) in 29.55 USD bn..29.85 USD bn; borderline: 29.9 USD bn may be 29.85 USD bn, inside the range, given rounding
//! skip  capex_plan at GOOGL FY2026: `capex` has no value at FY2025
//! ```

use std::fmt::Write;

use crate::check::{CExpr, CKind};
use crate::eval::{Check, Outcome, Trace, Value, run::retrace};
use crate::num::{Num, display};
use crate::syntax::ast::{BinOp, UnaryOp};

use super::Run;

/// Every check the run lists, a line each.
pub fn lines(run: &Run) -> String {
    let mut out = String::new();
    for c in run.listed() {
        let rule = &run.program.rules[c.rule];
        let at = run.sheets.at(c.entity, c.period);
        let _ = writeln!(out, "{:<5} {} at {at}: {}", c.outcome.status(), rule.name, what(run, &c));
    }
    out
}

/// What decided a check: its condition with values and its verdict, the missing input of a skip,
/// the message of an error.
fn what(run: &Run, c: &Check) -> String {
    let traced;
    let trace = match &c.outcome {
        Outcome::Skip(m) => return m.describe(),
        Outcome::Error(e, _) => return e.message.clone(),
        Outcome::Fail(trace) => trace,
        Outcome::Pass => {
            // passes are counted, not kept: evaluated again, with every value recorded
            traced = retrace(run.program, run.sheets, c);
            &traced
        }
    };
    let condition = condition(&run.program.rules[c.rule].body, trace);
    if c.borderline {
        format!("{condition}; borderline: {}", trace.flips.join("; "))
    } else {
        format!("{condition}; decided")
    }
}

/// A value with its point in full (every digit where it terminates, ten significant digits where
/// it does not) and its interval: the digits a value deserves would hide a changed figure (35.6 - 33
/// deserves none, and 35.7 - 33 shows as the same `3 USD bn`).
fn shown(value: &Value) -> String {
    match value {
        Value::Num(n) if !n.is_exact() => {
            format!("{} ({})", display::num(&Num::exact(n.point.clone(), n.unit)), display::interval(n))
        }
        other => other.show_with_interval(),
    }
}

/// A condition with each operand of a comparison replaced by its value and interval:
/// `213.4 USD bn (213.35..213.45) in ..213 USD bn`.
fn condition(e: &CExpr, trace: &Trace) -> String {
    let value = |e: &CExpr| trace.value_at(e.span).map_or_else(|| "?".to_owned(), shown);
    let nested = |e: &CExpr| match &e.kind {
        CKind::Binary { op: BinOp::And | BinOp::Or, .. } => format!("({})", condition(e, trace)),
        _ => condition(e, trace),
    };
    match &e.kind {
        CKind::Compare { first, rest } => {
            rest.iter().fold(value(first), |out, (op, next)| format!("{out} {} {}", op.as_str(), value(next)))
        }
        CKind::Approx { lhs, rhs, within } => {
            let within = within.as_ref().map_or_else(String::new, |t| format!(" within {}", display::quantity(t)));
            format!("{} ~= {}{within}", value(lhs), value(rhs))
        }
        CKind::In { value: v, range } => format!("{} in {}", value(v), value(range)),
        CKind::Binary { op: op @ (BinOp::And | BinOp::Or), lhs, rhs } => {
            format!("{} {} {}", nested(lhs), if *op == BinOp::And { "and" } else { "or" }, nested(rhs))
        }
        CKind::Unary { op: UnaryOp::Not, expr } => format!("not ({})", condition(expr, trace)),
        _ => value(e),
    }
}
