//! The CSV report: one row per check listed, for loading straight into a table (documented in
//! `docs/report-csv.md`). RFC 4180, a header row, a stable set of columns.
//!
//! Only the checks are in it: conflicts, warnings and the summary go to stderr as in the human report,
//! so that the file is a table and nothing else.

use std::io::Write;

use crate::check::{CExpr, CKind};
use crate::escape::escape_controls;
use crate::eval::{Check, Outcome, Trace, Value};
use crate::num::real::Rounding;
use crate::num::{Num, Unit};
use crate::syntax::ast::Severity;

use super::Run;
use super::json::{message, plain};

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
    // the rows are [`field`]'s own, every hostile character escaped ([`escape_controls`])
    super::write_rows(run, &mut crate::escape::Own(out), &|run, c, buf| row(run, c, buf))
}

/// The header row alone: the report of a run that could not be made (its diagnostics on stderr).
pub fn header(out: &mut dyn Write) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(COLUMNS)?;
    w.flush()
}

/// One check's row, written straight into the chunk's buffer: the fields as the `csv` crate writes
/// them ([`field`]), the numbers without a `String` each. Every text field is escaped as in the human
/// report (a line feed in a title is written `\u{a}`), so that a row is always one line; the numbers
/// are exact, in base units.
fn row(run: &Run, c: &Check, buf: &mut Vec<u8>) {
    let rule = &run.program.rules[c.rule];
    let (left, right) = match &c.outcome {
        Outcome::Fail(trace) | Outcome::Error(_, trace) => sides(&rule.body, trace),
        _ => (Side::Empty, Side::Empty),
    };
    field(buf, &rule.name);
    buf.push(b',');
    field(buf, severity(rule.severity));
    buf.push(b',');
    field(buf, &run.sheets.entities[c.entity as usize]);
    buf.push(b',');
    super::with_period_text(c.period, |text| field(buf, text));
    buf.push(b',');
    field(buf, c.outcome.status());
    buf.push(b',');
    field(buf, if c.borderline { "true" } else { "false" });
    for side in [&left, &right] {
        side.write(buf);
    }
    buf.push(b',');
    if let Some(unit) = left.unit().or(right.unit()) {
        match unit.pieces() {
            [only, "", ""] => field(buf, only),
            _ => shown(buf, unit),
        }
    }
    buf.push(b',');
    field(buf, &message(run, c));
    buf.push(b',');
    match &c.outcome {
        Outcome::Error(e, _) => field(buf, &e.message),
        Outcome::Skip(m) => field(buf, &m.describe()),
        _ => {}
    }
    buf.push(b'\n');
}

/// Writes a field as the `csv` crate does: quoted where it holds a comma, a quote or a line end, each
/// quote doubled (RFC 4180); any [hostile](crate::escape::is_hostile) character escaped first.
fn field(buf: &mut Vec<u8>, text: &str) {
    let plain = |b: &u8| (b' '..0x7f).contains(b) && !matches!(b, b',' | b'"');
    if text.as_bytes().iter().all(plain) {
        buf.extend_from_slice(text.as_bytes());
        return;
    }
    let text = escape_controls(text);
    if !text.bytes().any(|b| matches!(b, b',' | b'"' | b'\r' | b'\n')) {
        buf.extend_from_slice(text.as_bytes());
        return;
    }
    buf.push(b'"');
    for b in text.bytes() {
        if b == b'"' {
            buf.push(b'"');
        }
        buf.push(b);
    }
    buf.push(b'"');
}

/// Writes a value's `Display` as a [`field`], in place where it needs no quoting.
fn shown(buf: &mut Vec<u8>, value: impl std::fmt::Display) {
    let at = buf.len();
    // writing to memory does not fail
    let _ = write!(buf, "{value}");
    let plain = |b: &u8| (b' '..0x7f).contains(b) && !matches!(b, b',' | b'"');
    if !buf[at..].iter().all(plain) {
        let text = String::from_utf8_lossy(&buf[at..]).into_owned();
        buf.truncate(at);
        field(buf, &text);
    }
}

/// A severity as the JSON report writes it.
pub(super) fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

/// One side of a rule's condition as evaluated: a number, a range (its point left empty, its bounds
/// the outer bounds of its ends), or nothing.
enum Side<'a> {
    Empty,
    Num(&'a Num),
    Range(Option<&'a Num>, Option<&'a Num>),
}

impl Side<'_> {
    /// Writes the side's three number columns, each after its comma, empty where there is no number.
    fn write(&self, buf: &mut Vec<u8>) {
        let (point, lo, hi) = match self {
            Side::Empty => (None, None, None),
            Side::Num(n) => (Some(&n.point), Some(&n.lo), Some(&n.hi)),
            Side::Range(lo, hi) => (None, lo.map(|n| &n.lo), hi.map(|n| &n.hi)),
        };
        for (real, rounding) in [(point, Rounding::Nearest), (lo, Rounding::Down), (hi, Rounding::Up)] {
            buf.push(b',');
            if let Some(real) = real {
                plain(real, rounding, buf);
            }
        }
    }

    /// The side's unit: a range's that of its first end.
    fn unit(&self) -> Option<Unit> {
        match self {
            Side::Empty => None,
            Side::Num(n) => Some(n.unit),
            Side::Range(lo, hi) => lo.or(*hi).map(|n| n.unit),
        }
    }
}

/// The two sides of a rule's condition as evaluated: `a ~= b`, `a < b` (the first and last of a
/// chain), `a in [lo, hi]`.
fn sides<'a>(body: &CExpr, trace: &'a Trace) -> (Side<'a>, Side<'a>) {
    let num = |e: &CExpr| match trace.value_at(e.span) {
        Some(Value::Num(n)) => Side::Num(n),
        _ => Side::Empty,
    };
    match &body.kind {
        CKind::Approx { lhs, rhs, .. } => (num(lhs), num(rhs)),
        CKind::Compare { first, rest } => (num(first), rest.last().map_or(Side::Empty, |(_, e)| num(e))),
        CKind::In { value, range } => {
            let right = match trace.value_at(range.span) {
                Some(Value::Num(n)) => Side::Num(n),
                Some(Value::Range(ends)) => Side::Range(ends.0.as_ref(), ends.1.as_ref()),
                _ => Side::Empty,
            };
            (num(value), right)
        }
        _ => (Side::Empty, Side::Empty),
    }
}
