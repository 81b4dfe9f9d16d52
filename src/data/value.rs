//! A cell's text as written: a figure (`213.4`, `9%`, `730 USD m`) or a range (`173.5..178.5`, `..213`).
//!
//! Cells hold the same literals as rule files. The decimal is read from its text, never through a float,
//! so `25.0` keeps its `.0` (its precision). A number written without a unit takes the file's default
//! unit; one written with a unit keeps it. A range's bound without a unit takes the other bound's unit
//! (`5..7%`), and its bounds are checked by the same function as a rule's range literal
//! ([`crate::num::range::range`]). An exponent (`1e30`) is an error, never a unit named `e30`: it cannot
//! say how precise the figure is. Errors carry the byte range within the cell they are about, so the
//! caller can point at it.

use std::ops::Range;

use rust_decimal::Decimal;

use crate::diag::Diag;
use crate::num::{Currency, Quantity, RangeLit, Unit, parse_decimal, range};
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
            let q = parse_bound(text, 0)?;
            Ok(FactValue::Number(if q.unit.is_none() { Quantity::new(q.value, default) } else { q }))
        }
    }
}

/// Reads `lo..hi`, `..hi` or `lo..` split at the `..` at byte `dots`; the bounds are checked as in a
/// rule file ([`range::range`]), then bounds still without a unit take `default`.
fn parse_range(text: &str, dots: usize, default: Unit) -> Result<RangeLit, ValueError> {
    let (lo_text, hi_text) = (&text[..dots], &text[dots + 2..]);
    let lo = optional_bound(lo_text, 0)?;
    let hi = optional_bound(hi_text, dots + 2)?;
    let range = range::range(lo, hi).map_err(|e| {
        let (lo, hi) = (lo_text.trim(), hi_text.trim());
        error(e.message(lo, hi), 0..text.len(), e.label()).help(e.help(lo, hi))
    })?;
    let with_default = |q: Quantity| if q.unit.is_none() { Quantity::new(q.value, default) } else { q };
    Ok(RangeLit { lo: range.lo.map(with_default), hi: range.hi.map(with_default) })
}

/// Reads one side of a range: nothing (an open end) or a figure.
fn optional_bound(text: &str, offset: usize) -> Result<Option<Quantity>, ValueError> {
    if text.trim().is_empty() { Ok(None) } else { parse_bound(text, offset).map(Some) }
}

/// Reads a figure with an optional unit (`730 USD m`), [`Unit::None`] when it has none; `offset` is
/// where `text` starts in the cell.
fn parse_bound(text: &str, offset: usize) -> Result<Quantity, ValueError> {
    let start = offset + text.len() - text.trim_start().len();
    let text = text.trim();
    let digits = number_len(text);
    let (number, rest) = text.split_at(digits);
    if !number.bytes().any(|b| b.is_ascii_digit()) {
        return Err(error(format!("expected a number, found `{text}`"), start..start + text.len(), "not a number")
            .help("write a figure such as `213.4`, `9%` or `730 USD m`"));
    }
    check_exponent(number, rest, start)?;
    let value = parse_decimal(number).ok_or_else(|| {
        error(format!("`{number}` is not a number"), start..start + digits, "not a number")
            .help("a number has digits, at most one `.` and at most 28 digits")
    })?;
    let unit_start = start + digits + rest.len() - rest.trim_start().len();
    Ok(Quantity::new(value, parse_unit(text, rest.trim(), unit_start)?.unwrap_or(Unit::None)))
}

/// Fails when the number is followed by an exponent (`1e30`, `1.25E+3`, `1 e-5`), which would
/// otherwise read as a unit named `e30`: a cell's figure is written out, since an exponent cannot
/// say how precise the figure is (`1.25e3` is known to the ten, `1250` to the unit).
fn check_exponent(number: &str, rest: &str, start: usize) -> Result<(), ValueError> {
    let Some(len) = exponent_len(rest.trim_start()) else { return Ok(()) };
    let exponent = &rest[..rest.len() - rest.trim_start().len() + len];
    let (written, end) = (format!("{number}{exponent}"), number.len() + exponent.len());
    let out = Decimal::from_scientific(&written.replace(|c: char| c == '_' || c.is_whitespace(), "")).ok();
    let example = out.map_or_else(String::new, |d| format!(", such as `{d}` for `{written}`"));
    Err(error(format!("`{written}` has an exponent, which a cell does not read"), start..start + end, "exponent").help(
        format!(
            "write the number out{example}: its last digit sets its precision; a scale keeps large amounts \
             short: `730 USD bn`"
        ),
    ))
}

/// The length of an exponent at the start of `text`: `e` or `E`, an optional sign, then digits.
fn exponent_len(text: &str) -> Option<usize> {
    let after_e = text.strip_prefix(['e', 'E'])?;
    let sign = usize::from(after_e.starts_with(['-', '+']));
    let digits = after_e[sign..].bytes().take_while(u8::is_ascii_digit).count();
    (digits > 0).then_some(1 + sign + digits)
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
        None => Err(error(format!("`{text}` has an unknown unit `{rest}`"), at, "unknown unit").help(unit_help(rest))),
    }
}

/// The help for an unknown unit: the scale meant where a currency is followed by a word for one
/// (`USD billions`: `USD bn`), else the units there are.
fn unit_help(unit: &str) -> String {
    let mut words = unit.split_whitespace();
    if let (Some(currency), Some(word), None) = (words.next(), words.next(), words.next())
        && Currency::parse(currency).is_some()
        && let Some(scale) = scale_meant(word)
    {
        return format!("write `{currency} {scale}`: a scale is `k`, `m`, `bn` or `tn`");
    }
    UNITS_HELP.to_owned()
}

/// The scale a word stands for: `billions`, `B` and `bln` for `bn`.
fn scale_meant(word: &str) -> Option<&'static str> {
    let word = word.to_ascii_lowercase();
    Some(match word.strip_suffix('s').unwrap_or(&word) {
        "k" | "thousand" | "th" => "k",
        "m" | "mm" | "mio" | "mln" | "million" => "m",
        "b" | "bn" | "bln" | "bil" | "billion" => "bn",
        "t" | "tn" | "trillion" => "tn",
        _ => return None,
    })
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
        let help = |text| parse_value(text, Unit::None).unwrap_err().help.unwrap();
        assert_eq!(help("5 USD billions"), "write `USD bn`: a scale is `k`, `m`, `bn` or `tn`");
        assert_eq!(help("5 EUR M"), "write `EUR m`: a scale is `k`, `m`, `bn` or `tn`");
        assert_eq!(help("5 USD zillion"), UNITS_HELP);
        assert_eq!(message("173.5 178.5"), ("a range needs `..` between its bounds".into(), 6..11));
        assert_eq!(message("213..206"), ("the range's bounds are reversed: 213 > 206".into(), 0..8));
        let mixed = "the bounds of a range must have one unit, found `%` and `USD`";
        assert_eq!(message("5%..7 USD"), (mixed.into(), 0..9));
        assert_eq!(message("1.2.3"), ("`1.2.3` is not a number".into(), 0..5));
        assert_eq!(message("abc"), ("expected a number, found `abc`".into(), 0..3));
        assert_eq!(message(".."), ("a range needs at least one bound".into(), 0..2));
        assert_eq!(message("1..2..3"), ("`2..3` is not a number".into(), 3..7));
        assert_eq!(message("213,4"), ("`213,4` is not a number".into(), 3..5));
    }

    #[test]
    fn an_exponent_is_an_error_never_a_unit() {
        assert_eq!(message("1e30"), ("`1e30` has an exponent, which a cell does not read".into(), 0..4));
        assert_eq!(message("1e5 USD bn").1, 0..3);
        assert_eq!(message(" 1.25E+3").0, "`1.25E+3` has an exponent, which a cell does not read");
        assert_eq!(message("1 e-5"), ("`1 e-5` has an exponent, which a cell does not read".into(), 0..5));
        assert_eq!(message("1..2e3").1, 3..6);
        let help = parse_value("1.25e3", Unit::None).unwrap_err().help.unwrap();
        assert!(help.contains("such as `1250` for `1.25e3`"), "{help}");
        assert_eq!(number("5 EUR", "").unit, unit("EUR"));
        assert_eq!(number("5 e", "").unit.to_string(), "e");
    }
}
