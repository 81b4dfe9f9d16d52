//! A cell's text as written: a figure (`213.4`, `9%`, `730 USD m`) or a range (`173.5..178.5`, `..213`).
//!
//! Cells hold the same literals as rule files. The decimal is read from its text, never through a float,
//! so `25.0` keeps its `.0` (its precision). A number written without a unit takes the file's default
//! unit; one written with a unit keeps it. A range's bound without a unit takes the other bound's unit
//! (`5..7%`). Errors carry the byte range within the cell they are about, so the caller can point at it.

use std::ops::Range;

use rust_decimal::Decimal;

use crate::diag::Diag;
use crate::num::{Quantity, RangeLit, Unit, parse_decimal};
use crate::source::{SourceId, Span};

use super::sheet::FactValue;

/// Why a cell's text is not a value, and where within the cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueError {
    /// `` `5 XYZ` has an unknown unit `XYZ` ``
    pub message: String,
    /// The byte range of the cell text the error is about.
    pub at: Range<usize>,
    /// What the label under `at` says.
    pub label: &'static str,
    pub help: Option<String>,
}

/// The units a cell may name, for help lines.
pub const UNITS_HELP: &str =
    "a unit is `%`, `bps`, `pp`, a currency with a scale (`USD`, `USD m`, `USD bn`) or a name such as `GW`";

/// Reads a cell's text as a figure or a range; a bare number takes `default` as its unit.
pub fn parse_value(text: &str, default: Unit) -> Result<FactValue, ValueError> {
    if text.trim().is_empty() {
        return Err(error("an empty text is not a value", 0..text.len(), "empty")
            .help("write a figure such as `213.4`, `9%` or `730 USD m`"));
    }
    match text.find("..") {
        Some(dots) => parse_range(text, dots, default).map(FactValue::Range),
        None => {
            let (value, unit) = parse_bound(text, 0)?;
            Ok(FactValue::Number(Quantity::new(value, unit.unwrap_or(default))))
        }
    }
}

/// Reads `lo..hi`, `..hi` or `lo..` split at the `..` at byte `dots`.
fn parse_range(text: &str, dots: usize, default: Unit) -> Result<RangeLit, ValueError> {
    let (lo_text, hi_text) = (&text[..dots], &text[dots + 2..]);
    let lo = optional_bound(lo_text, 0)?;
    let hi = optional_bound(hi_text, dots + 2)?;
    let unit = match (lo.and_then(|b| b.1), hi.and_then(|b| b.1)) {
        (Some(a), Some(b)) if a != b => {
            return Err(error("the bounds of a range must have one unit", 0..text.len(), "two units")
                .help("write both bounds in one unit, such as `11%..15%` or `173.5..178.5 USD bn`"));
        }
        (a, b) => a.or(b).unwrap_or(default),
    };
    let range = RangeLit { lo: lo.map(|b| Quantity::new(b.0, unit)), hi: hi.map(|b| Quantity::new(b.0, unit)) };
    check_order(&range, lo_text.trim(), hi_text.trim(), text.len())?;
    match range {
        RangeLit { lo: None, hi: None } => Err(error("a range needs at least one bound", 0..text.len(), "no bound")
            .help("write `173.5..178.5`, `..213` (up to) or `206..` (from)")),
        range => Ok(range),
    }
}

/// Reads one side of a range: nothing (an open end) or a figure.
fn optional_bound(text: &str, offset: usize) -> Result<Option<(Decimal, Option<Unit>)>, ValueError> {
    if text.trim().is_empty() { Ok(None) } else { parse_bound(text, offset).map(Some) }
}

/// Fails when a range's lower bound is above its upper bound.
fn check_order(range: &RangeLit, lo_text: &str, hi_text: &str, len: usize) -> Result<(), ValueError> {
    match (range.lo, range.hi) {
        (Some(lo), Some(hi)) if lo.value > hi.value => {
            Err(error(format!("the range's bounds are reversed: {lo_text} > {hi_text}"), 0..len, "reversed")
                .help(format!("write the lower bound first: `{hi_text}..{lo_text}`")))
        }
        _ => Ok(()),
    }
}

/// Reads a figure with an optional unit (`730 USD m`); `offset` is where `text` starts in the cell.
fn parse_bound(text: &str, offset: usize) -> Result<(Decimal, Option<Unit>), ValueError> {
    let start = offset + text.len() - text.trim_start().len();
    let text = text.trim();
    let digits = number_len(text);
    let (number, rest) = text.split_at(digits);
    if !number.bytes().any(|b| b.is_ascii_digit()) {
        return Err(error(format!("expected a number, found `{text}`"), start..start + text.len(), "not a number")
            .help("write a figure such as `213.4`, `9%` or `730 USD m`"));
    }
    let value = parse_decimal(number).ok_or_else(|| {
        error(format!("`{number}` is not a number"), start..start + digits, "not a number")
            .help("a number has digits, at most one `.` and at most 28 digits")
    })?;
    let unit_start = start + digits + rest.len() - rest.trim_start().len();
    Ok((value, parse_unit(text, rest.trim(), unit_start)?))
}

/// Reads what follows a number: nothing, or a unit.
fn parse_unit(text: &str, rest: &str, start: usize) -> Result<Option<Unit>, ValueError> {
    if rest.is_empty() {
        return Ok(None);
    }
    let at = start..start + rest.len();
    if rest.starts_with(',') {
        return Err(error(format!("`{text}` is not a number"), at, "a comma")
            .help("write the decimal point as `.` and no thousands separators: `213.4`, `1250`"));
    }
    if rest.starts_with(|c: char| c.is_ascii_digit() || "-–—+".contains(c)) || rest.starts_with("to ") {
        return Err(error("a range needs `..` between its bounds", at, "expected `..` here")
            .help("write a range as `173.5..178.5`"));
    }
    match Unit::parse(rest) {
        Some(unit) => Ok(Some(unit)),
        None => Err(error(format!("`{text}` has an unknown unit `{rest}`"), at, "unknown unit").help(UNITS_HELP)),
    }
}

/// The length of the number at the start of `text`: a sign, then digits, `.` and `_`.
fn number_len(text: &str) -> usize {
    let sign = usize::from(text.starts_with(['-', '+']));
    let body = text[sign..].bytes().take_while(|b| b.is_ascii_digit() || *b == b'.' || *b == b'_').count();
    sign + body
}

/// Makes an error without a help line.
fn error(message: impl Into<String>, at: Range<usize>, label: &'static str) -> ValueError {
    ValueError { message: message.into(), at, label, help: None }
}

impl ValueError {
    /// Sets the help line.
    fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// A `bad-value` diagnostic: at `base + at` when the cell text starts at byte `base` of the file
    /// as written, else (an escaped string) at the whole of `cell`.
    pub fn into_diag(self, file: SourceId, base: Option<usize>, cell: Span) -> Diag {
        let span = base.map_or(cell, |b| Span::new(b + self.at.start, b + self.at.end));
        let diag = Diag::error("bad-value", self.message).in_file(file).primary(span, self.label);
        match self.help {
            Some(help) => diag.with_help(help),
            None => diag,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(text: &str) -> Unit {
        Unit::parse(text).unwrap()
    }

    fn number(text: &str, default: &str) -> Quantity {
        match parse_value(text, unit(default)).unwrap() {
            FactValue::Number(q) => q,
            other => panic!("not a number: {other:?}"),
        }
    }

    fn range(text: &str) -> RangeLit {
        match parse_value(text, Unit::None).unwrap() {
            FactValue::Range(r) => r,
            other => panic!("not a range: {other:?}"),
        }
    }

    fn message(text: &str) -> (String, Range<usize>) {
        let e = parse_value(text, Unit::None).unwrap_err();
        (e.message, e.at)
    }

    #[test]
    fn figures_keep_their_digits_and_units() {
        assert_eq!(number("25.0", "").value.scale(), 1);
        assert_eq!(number("213.4", "USD bn").unit, unit("USD bn"));
        assert_eq!(number("-1.5", "").value, Decimal::new(-15, 1));
        assert_eq!(number("9%", "USD bn").unit, unit("%"));
        assert_eq!(number("180bps", "").unit, unit("bps"));
        assert_eq!(number("5pp", "").unit, unit("pp"));
        assert_eq!(number(" 730 USD m ", "USD bn").base().unwrap(), Decimal::new(730_000_000, 0));
        assert_eq!(number("1.95 USD", "").unit, unit("USD"));
        assert_eq!(number("3.9 GW", "").unit.to_string(), "GW");
    }

    #[test]
    fn ranges_take_one_unit() {
        let r = range("173.5..178.5");
        assert_eq!((r.lo.unwrap().value, r.hi.unwrap().value), (Decimal::new(1735, 1), Decimal::new(1785, 1)));
        assert_eq!(range("11%..15%").lo.unwrap().unit, unit("%"));
        assert_eq!(range("5..7%").lo.unwrap().unit, unit("%"));
        assert_eq!(range("..213").lo, None);
        assert_eq!(range("206..").hi, None);
    }

    #[test]
    fn errors_say_what_is_wrong_and_where() {
        assert_eq!(message("5 USD zillion"), ("`5 USD zillion` has an unknown unit `USD zillion`".into(), 2..13));
        assert_eq!(message("173.5 178.5"), ("a range needs `..` between its bounds".into(), 6..11));
        assert_eq!(message("213..206"), ("the range's bounds are reversed: 213 > 206".into(), 0..8));
        assert_eq!(message("5%..7 USD"), ("the bounds of a range must have one unit".into(), 0..9));
        assert_eq!(message("1.2.3"), ("`1.2.3` is not a number".into(), 0..5));
        assert_eq!(message("abc"), ("expected a number, found `abc`".into(), 0..3));
        assert_eq!(message(".."), ("a range needs at least one bound".into(), 0..2));
        assert_eq!(message("1..2..3"), ("`2..3` is not a number".into(), 3..7));
        assert_eq!(message("213,4"), ("`213,4` is not a number".into(), 3..5));
    }
}
