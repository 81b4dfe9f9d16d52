//! The CSV report: one row per check listed, for loading straight into a table (documented in
//! `docs/report-csv.md`). RFC 4180, a header row, a stable set of columns.
//!
//! Only the checks are in it: conflicts, warnings and the summary go to stderr as in the human report,
//! so that the file is a table and nothing else.

use std::io::Write;

use crate::check::{CExpr, CKind};
use crate::escape::escape_controls;
use crate::eval::{Check, Outcome, Trace, Value};
use crate::syntax::ast::Severity;

use super::Run;
use super::json::{Exact, message};

/// The columns, in order. A column is only ever added at the end of a group, never renamed or moved
/// away (see docs/report-csv.md).
pub const COLUMNS: [&str; 15] = [
    "rule",
    "severity",
    "entity",
    "period",
    "status",
    "borderline",
    "left",
    "left_lo",
    "left_hi",
    "right",
    "right_lo",
    "right_hi",
    "unit",
    "message",
    "detail",
];

/// Writes the CSV report of a run: the header, then a row per check, rendered by the workers.
pub fn write(run: &Run, out: &mut dyn Write) -> std::io::Result<()> {
    header(out)?;
    super::write_rows(run, out, &|run, c, buf| row(run, c, buf))
}

/// The header row alone: the report of a run that could not be made (its diagnostics on stderr).
pub fn header(out: &mut dyn Write) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(COLUMNS)?;
    w.flush()
}

/// One check's row. Every text field is escaped as in the human report (a line feed in a title is
/// written `\u{a}`), so that a row is always one line; the numbers are exact, in base units.
fn row(run: &Run, c: &Check, buf: &mut Vec<u8>) {
    let rule = &run.program.rules[c.rule];
    let (left, right) = match &c.outcome {
        Outcome::Fail(trace) | Outcome::Error(_, trace) => sides(&rule.body, trace),
        _ => (None, None),
    };
    let detail = match &c.outcome {
        Outcome::Error(e, _) => e.message.clone(),
        Outcome::Skip(m) => m.describe(),
        _ => String::new(),
    };
    let unit = left.as_ref().or(right.as_ref()).map_or("", |e| e.unit.as_str());
    let (l, r) = (Side::of(left.as_ref()), Side::of(right.as_ref()));
    let period = c.period.to_string();
    let message = message(run, c);
    let fields: [&str; COLUMNS.len()] = [
        &rule.name,
        severity(rule.severity),
        &run.sheets.entities[c.entity as usize],
        &period,
        c.outcome.status(),
        if c.borderline { "true" } else { "false" },
        l.point,
        l.lo,
        l.hi,
        r.point,
        r.lo,
        r.hi,
        unit,
        &message,
        &detail,
    ];
    let escaped = fields.map(escape_controls);
    // a row's worth of buffer, not the writer's default 8 KiB for every row
    let mut w = csv::WriterBuilder::new().has_headers(false).buffer_capacity(512).from_writer(buf);
    // writing to memory does not fail
    let _ = w.write_record(escaped.iter().map(|f| f.as_bytes()));
    let _ = w.flush();
}

/// A severity as the JSON report writes it.
fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

/// The three number columns of one side, empty where the side has no number.
struct Side<'a> {
    point: &'a str,
    lo: &'a str,
    hi: &'a str,
}

impl<'a> Side<'a> {
    fn of(exact: Option<&'a Exact>) -> Side<'a> {
        match exact {
            Some(e) => Side { point: &e.point, lo: &e.lo, hi: &e.hi },
            None => Side { point: "", lo: "", hi: "" },
        }
    }
}

/// The two sides of a rule's condition as evaluated: `a ~= b`, `a < b` (the first and last of a
/// chain), `a in [lo, hi]` (the range's point left empty, its bounds the outer bounds of its ends).
fn sides(body: &CExpr, trace: &Trace) -> (Option<Exact>, Option<Exact>) {
    let num = |e: &CExpr| match trace.value_at(e.span) {
        Some(Value::Num(n)) => Some(Exact::of(n)),
        _ => None,
    };
    match &body.kind {
        CKind::Approx { lhs, rhs, .. } => (num(lhs), num(rhs)),
        CKind::Compare { first, rest } => (num(first), rest.last().and_then(|(_, e)| num(e))),
        CKind::In { value, range } => {
            let right = match trace.value_at(range.span) {
                Some(Value::Num(n)) => Some(Exact::of(n)),
                Some(Value::Range(lo, hi)) => {
                    let (lo, hi) = (lo.as_ref().map(Exact::of), hi.as_ref().map(Exact::of));
                    let unit = lo.as_ref().or(hi.as_ref()).map(|e| e.unit.clone()).unwrap_or_default();
                    Some(Exact {
                        point: String::new(),
                        lo: lo.map(|e| e.lo).unwrap_or_default(),
                        hi: hi.map(|e| e.hi).unwrap_or_default(),
                        unit,
                    })
                }
                _ => None,
            };
            (num(value), right)
        }
        _ => (None, None),
    }
}
