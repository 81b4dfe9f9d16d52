//! A failed check as a compiler-style diagnostic: the rule's source, a label under each operand
//! with its value at the entity and period, what it would have taken to pass, and where every fact
//! came from.

use crate::check::{CExpr, CKind, Program, Rule};
use crate::data::Sheets;
use crate::diag::Diag;
use crate::eval::expr::tolerance;
use crate::eval::{Check, FactUse, Outcome, Trace, Value};
use crate::num::{Num, Real, display};
use crate::source::{Sources, Span};
use crate::syntax::ast::{CmpOp, Scenario};

use super::level;

/// The diagnostic of a failed or erred check; `None` for a pass or a skip.
pub fn check_diag(check: &Check, program: &Program, sheets: &Sheets, sources: &Sources) -> Option<Diag> {
    let rule = &program.rules[check.rule];
    let at = sheets.at(check.entity, check.period);
    let what = check.title.clone().unwrap_or_else(|| {
        format!("`{}`", crate::syntax::comments::code(sources.get(rule.file).slice(rule.body.span)))
    });
    let (diag, trace) = match &check.outcome {
        Outcome::Fail(trace) => {
            let diag =
                Diag::new(level(rule.severity), "check-failed", format!("rule `{}` failed at {at}: {what}", rule.name))
                    .in_file(rule.file);
            (diag.with_help(failure_help(check, rule, trace, sources)), trace)
        }
        Outcome::Error(e, trace) => {
            let mut diag = Diag::new(
                level(rule.severity),
                "check-error",
                format!("rule `{}` could not be checked at {at}: {}", rule.name, e.message),
            )
            .in_file(rule.file);
            if e.file == rule.file {
                diag = diag.primary(e.span, e.message.clone());
            } else {
                let inner =
                    Diag::error("check-error", e.message.clone()).in_file(e.file).primary(e.span, e.message.clone());
                diag = diag.with_related(inner);
            }
            (diag, trace)
        }
        Outcome::Pass | Outcome::Skip(_) => return None,
    };
    let mut diag = operand_labels(diag, rule, trace, program);
    if diag.labels.is_empty() {
        diag = diag.primary(rule.body.span, "while checking this");
    }
    if let Outcome::Error(e, _) = &check.outcome
        && e.file == rule.file
    {
        // miette draws overlapping labels badly: keep the error's own label whole.
        let inside = |s: Span| s.start < e.span.end && e.span.start < s.end;
        diag.labels.retain(|l| l.primary || !inside(l.span));
    }
    diag.notes.extend(trace.filing.map(|f| f.note()));
    diag.notes.extend(trace.facts.iter().map(|f| provenance(f, sources)));
    Some(diag)
}

/// Why a check failed, the help of its diagnostic: the gap and the tolerance, and where the verdict
/// is borderline what would flip it. The JSON reports' `explanation`, made without the diagnostic.
pub fn explanation(check: &Check, program: &Program, sources: &Sources) -> Option<String> {
    let mut text = String::new();
    write_explanation(&mut text, check, program, sources).then_some(text)
}

/// Writes [`explanation`] at the end of `out` where the check has one: whether it has.
pub fn write_explanation(out: &mut String, check: &Check, program: &Program, sources: &Sources) -> bool {
    match &check.outcome {
        Outcome::Fail(trace) => {
            write_failure_help(out, check, &program.rules[check.rule], trace, sources);
            true
        }
        _ => false,
    }
}

/// The help of a failed check's diagnostic ([`explanation`]).
fn failure_help(check: &Check, rule: &Rule, trace: &Trace, sources: &Sources) -> String {
    let mut help = String::new();
    write_failure_help(&mut help, check, rule, trace, sources);
    help
}

/// Writes [`failure_help`] at the end of `out`.
fn write_failure_help(out: &mut String, check: &Check, rule: &Rule, trace: &Trace, sources: &Sources) {
    let text = sources.get(rule.file);
    explain_failure(out, &rule.body, trace, &|span| text.slice(span).trim());
    if check.borderline {
        out.extend(trace.flips.iter().map(|f| format!("\nborderline: {f}")));
    }
}

/// Labels every operand of the rule with its value: names, cells, periods looked back at, calls
/// over `*` names, and claimed figures.
fn operand_labels(mut diag: Diag, rule: &Rule, trace: &Trace, program: &Program) -> Diag {
    let mut spans = Vec::new();
    operands(&rule.body, &mut spans);
    for (span, kind) in spans {
        let Some(value) = trace.value_at(span) else { continue };
        let text = match kind {
            Operand::Claim => format!("claimed {}", value.show_with_interval()),
            Operand::Cell(id) => format!("{} = {}", program.cells[id].name, value.show()),
            Operand::Value => value.show(),
        };
        let first = diag.labels.is_empty();
        diag = if first { diag.primary(span, text) } else { diag.label(span, text) };
    }
    diag
}

/// The spans of a rule's operands, as labelled in the human report.
pub fn operand_spans(body: &CExpr) -> Vec<Span> {
    let mut spans = Vec::new();
    operands(body, &mut spans);
    spans.into_iter().map(|(s, _)| s).collect()
}

/// What an operand label says.
enum Operand {
    Value,
    Cell(usize),
    Claim,
}

/// Collects the operands worth a label, left to right, none inside another.
fn operands(e: &CExpr, out: &mut Vec<(Span, Operand)>) {
    match &e.kind {
        CKind::Fact { .. } | CKind::Shift { .. } => out.push((e.span, Operand::Value)),
        CKind::Cell(id) => out.push((e.span, Operand::Cell(*id))),
        CKind::Number { value, .. } if !value.is_exact() => out.push((e.span, Operand::Claim)),
        CKind::Call { args, .. }
            if args.iter().all(|a| matches!(a.kind, CKind::Pattern { .. } | CKind::Number { .. })) =>
        {
            out.push((e.span, Operand::Value))
        }
        _ => crate::check::walk_children(e, &mut |c| operands(c, out)),
    }
}

/// Writes why the top of a rule is false, with the gap and the tolerance.
fn explain_failure<'t>(out: &mut String, body: &CExpr, trace: &Trace, text: &dyn Fn(Span) -> &'t str) {
    let num = |e: &CExpr| match trace.value_at(e.span) {
        Some(Value::Num(n)) => Some(n),
        _ => None,
    };
    match &body.kind {
        CKind::Approx { lhs, rhs, within } => match (num(lhs), num(rhs)) {
            (Some(a), Some(b)) => approx_help(out, (text(lhs.span), a), (text(rhs.span), b), within.as_ref()),
            _ => out.push_str("the two sides do not meet given rounding"),
        },
        CKind::Compare { first, rest } if rest.len() == 1 => match (num(first), num(&rest[0].1)) {
            (Some(a), Some(b)) => compare_help(out, a, rest[0].0, b),
            _ => out.push_str("the comparison is false"),
        },
        CKind::In { value, range } => match (num(value), trace.value_at(range.span)) {
            (Some(v), Some(Value::Range(ends))) => in_help(out, v, ends.0.as_ref(), ends.1.as_ref()),
            // a figure where a range goes is a range of one point
            (Some(v), Some(Value::Num(n))) => in_help(out, v, Some(n), Some(n)),
            _ => out.push_str("the value lies outside the range"),
        },
        _ => out.push_str("the rule's condition is false"),
    }
}

/// `a ~= b` failed: both intervals and how far apart they are, the intervals shown with enough
/// digits that they visibly do not touch.
fn approx_help(
    text: &mut String,
    (left, a): (&str, &Num),
    (right, b): (&str, &Num),
    within: Option<&crate::num::Quantity>,
) {
    let (a, b) = match crate::eval::units::align(a.clone(), b.clone()) {
        Ok((a, b, _)) => (a, b),
        Err(_) => (a.clone(), b.clone()),
    };
    let tolerance = within.and_then(|t| Some((t, tolerance(t, &a, &b).ok()?)));
    let widened = tolerance.as_ref().and_then(|(_, by)| b.widen(by).ok()).unwrap_or_else(|| b.clone());
    // exact, so where the check failed the gap is never zero
    let gap = a.gap(&widened).filter(|g| !g.is_zero());
    let digits = gap.as_ref().map_or(0, |g| display::digits_to_separate(g, a.unit));
    text.push('`');
    text.push_str(left);
    text.push_str("` is ");
    display::write_num_with_interval_digits(text, &a, digits);
    text.push_str(" and `");
    text.push_str(right);
    text.push_str("` is ");
    display::write_num_with_interval_digits(text, &b, digits);
    match tolerance {
        Some((t, by)) => {
            let shown = display::quantity(t);
            let absolute = display::difference(&by, a.unit);
            text.push_str("; even within ");
            text.push_str(&shown);
            if shown != absolute {
                text.push_str(" (");
                text.push_str(&absolute);
                text.push(')');
            }
            text.push_str(" they are ");
            match gap {
                Some(g) => write_apart(text, Some(g), a.unit),
                None => text.push_str("less than 0.0000000000000000000000000001"),
            }
        }
        None => {
            text.push_str("; given rounding they are ");
            // the gap found again only where it was zero or not found (`or` would find it every time)
            write_apart(text, gap.or_else(|| a.gap(&widened)), a.unit);
        }
    }
    text.push_str(" apart");
}

/// `a < b` failed: the two point values and the gap.
fn compare_help(text: &mut String, a: &Num, op: CmpOp, b: &Num) {
    let (a, b) = match crate::eval::units::align(a.clone(), b.clone()) {
        Ok((a, b, _)) => (a, b),
        Err(_) => (a.clone(), b.clone()),
    };
    let gap = a.point.sub(&b.point).ok().map(|d| d.abs());
    display::write_num(text, &a);
    text.push_str(" is not ");
    text.push_str(crate::eval::verdict::words(op));
    text.push(' ');
    display::write_num(text, &b);
    text.push_str(" (point values compared; they differ by ");
    write_apart(text, gap, a.unit);
    text.push(')');
}

/// `v in r` failed: which end it passed and by how much (above the top by `v − top`, below the
/// bottom by `bottom − v`), each end brought to the value's unit as the check compared them.
fn in_help(out: &mut String, v: &Num, lo: Option<&Num>, hi: Option<&Num>) {
    let points = |bound: &Num| {
        crate::eval::units::align(v.clone(), bound.clone()).ok().map(|(v, b, unit)| (v.point, b.point, unit))
    };
    let above = || {
        let (x, top, unit) = points(hi?).filter(|(x, top, _)| x > top)?;
        Some((" is above the top of ", x.sub(&top).ok(), unit, "top", hi?))
    };
    let below = || {
        let (x, bottom, unit) = points(lo?).filter(|(x, bottom, _)| x < bottom)?;
        Some((" is below the bottom of ", bottom.sub(&x).ok(), unit, "bottom", lo?))
    };
    display::write_num(out, v);
    let Some((side, by, unit, end, bound)) = above().or_else(below) else {
        out.push_str(" is outside ");
        return write_range(out, lo, hi);
    };
    out.push_str(side);
    write_range(out, lo, hi);
    out.push_str(" by ");
    write_apart(out, by, unit);
    // a computed bound is compared by its point, which its shown digits may round away
    if let Some(p) = display::hidden_point(bound) {
        out.push_str(" (the ");
        out.push_str(end);
        out.push_str(" is ");
        out.push_str(&p);
        out.push(')');
    }
}

/// Writes a range of values as [`Value::Range`] shows it: `206 USD bn..213 USD bn`, `..213 USD bn`.
fn write_range(out: &mut String, lo: Option<&Num>, hi: Option<&Num>) {
    lo.into_iter().for_each(|n| display::write_num(out, n));
    out.push_str("..");
    hi.into_iter().for_each(|n| display::write_num(out, n));
}

/// Writes [`apart`] at the end of `out`.
fn write_apart(out: &mut String, d: Option<Real>, unit: crate::num::Unit) {
    match d {
        Some(d) => display::write_difference(out, &d, unit),
        None => out.push_str("more than exact arithmetic can show"),
    }
}

/// Where a fact came from: `revenue at 2025Q4 = 213.4 USD bn from data/amazon/x.toml:9:11 (source)`;
/// a dated fact says its vintage, `guidance.revenue at 2026Q1 given 2026-02-05 = ...`.
pub fn provenance(f: &FactUse, sources: &Sources) -> String {
    let name = match f.scenario {
        Scenario::Actual => f.name.to_string(),
        s => format!("{}.{}", s.as_str(), f.name),
    };
    let name = match &f.peer {
        Some(entity) => format!("{name} of {entity}"),
        None => name,
    };
    let value = f.fact.value.show();
    let location = sources.location(f.fact.origin.file, f.fact.origin.span);
    let given = f.fact.given.map_or_else(String::new, |date| format!(" given {date}"));
    format!("{name} at {}{given} = {value}, from {location}", f.period)
}
