//! A cell's text as written: a figure (`213.4`, `9%`, `730 USD m`), a figure with a margin
//! (`102466 ± 1 USD m`) or a range (`173.5..178.5`, `..213`).
//!
//! Cells hold the same literals as rule files. The decimal is read from its text, never through a float,
//! so `25.0` keeps its `.0` (its precision). A number written without a unit takes the file's default
//! unit; one written with a unit keeps it. A range's bound without a unit takes the other bound's unit
//! (`5..7%`), and its bounds are checked by the same function as a rule's range literal
//! ([`crate::num::range::range`]). An exponent (`1e30`) is an error, never a unit named `e30`: it cannot
//! say how precise the figure is. A margin (`±` or `+/-`) is data only: a number, never finer than half
//! the figure's last digit, with the one unit written after it. Errors carry the byte range within the cell they are about, so the
//! caller can point at it.

use std::ops::Range;

use rust_decimal::Decimal;

use crate::diag::Diag;
use crate::num::quantity::Approx;
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

/// An example of a figure with a margin, for help lines.
const MARGIN_EXAMPLE: &str = "`102466 ± 1 USD m`";

/// Reads a cell's text as a figure, a figure with a margin or a range; a bare number takes `default`
/// as its unit.
pub fn parse_value(text: &str, default: Unit) -> Result<FactValue, ValueError> {
    if text.trim().is_empty() {
        return Err(error("an empty text is not a value", 0..text.len(), "empty")
            .help("write a figure such as `213.4`, `9%` or `730 USD m`"));
    }
    match (text.find(".."), plus_minus(text)) {
        (Some(_), Some(sign)) => {
            Err(error("a range cannot carry a margin", sign, "a margin on a range").help(format!(
                "a range's bounds already say where the value lies: write the range alone, or a figure with a \
             margin such as {MARGIN_EXAMPLE}"
            )))
        }
        (Some(dots), None) => parse_range(text, dots, default).map(FactValue::Range),
        (None, Some(sign)) => parse_approx(text, sign, default).map(FactValue::Approx),
        (None, None) => {
            let q = parse_bound(text, 0)?;
            Ok(FactValue::Number(if q.unit.is_none() { Quantity::new(q.value, default) } else { q }))
        }
    }
}

/// A plain decimal, `-?digits(.digits)?` of at most 18 digits, read in one pass: the fast path of a
/// bulk file's figures. It reads every text it takes to the figure [`parse_value`] reads (digits and
/// scale; the property test `plain_decimals_read_as_parse_value_reads_them` holds it to that) and
/// takes nothing else: a sign on zero, a `+`, `_`, a unit or a range is `None`, left to [`parse_value`].
pub fn plain_decimal(text: &str) -> Option<Decimal> {
    plain_digits(text).map(|(digits, scale)| Decimal::new(digits, scale))
}

/// [`plain_decimal`] as its digits (never a negative zero) and scale, for a caller that packs them
/// as they are.
pub fn plain_digits(text: impl AsRef<[u8]>) -> Option<(i64, u32)> {
    let bytes = text.as_ref();
    let (negative, digits) = match bytes.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, bytes),
    };
    let (mut mantissa, mut count, mut point) = (0i64, 0, None);
    for (i, &b) in digits.iter().enumerate() {
        match b {
            // 18 digits fit an `i64`; a 19th might not
            b'0'..=b'9' if count < 18 => {
                mantissa = mantissa * 10 + i64::from(b - b'0');
                count += 1;
            }
            b'.' if point.is_none() && i > 0 => point = Some(i),
            _ => return None,
        }
    }
    let scale = point.map_or(0, |p| digits.len() - p - 1);
    if count == 0 || (point.is_some() && scale == 0) || (negative && mantissa == 0) {
        return None;
    }
    Some((if negative { -mantissa } else { mantissa }, scale as u32))
}

/// Where the first `±` (or its ASCII spelling `+/-`) is in `text`, if it has one.
fn plus_minus(text: &str) -> Option<Range<usize>> {
    let at = |sign: &str| text.find(sign).map(|i| i..i + sign.len());
    match (at("±"), at("+/-")) {
        (Some(a), Some(b)) => Some(if a.start < b.start { a } else { b }),
        (a, b) => a.or(b),
    }
}

/// Reads `figure ± margin unit` split at the sign at `sign` (`102466 ± 1 USD m`): the unit, written
/// once after the margin, is both's, else `default`; the margin is a number of no sign and at least
/// half the figure's last digit.
fn parse_approx(text: &str, sign: Range<usize>, default: Unit) -> Result<Approx, ValueError> {
    let written = &text[sign.clone()];
    if text[..sign.start].trim().is_empty() {
        return Err(error(format!("expected a figure before `{written}`"), sign, "no figure before this")
            .help(format!("write the figure, then its margin: {MARGIN_EXAMPLE}")));
    }
    let figure = parse_written(&text[..sign.start], 0)?;
    if let Some(unit) = figure.unit.clone() {
        return Err(unit_before_margin(text, &figure, unit, sign));
    }
    let margin = parse_margin(&text[sign.end..], sign.end, written)?;
    let unit = margin.quantity.unit;
    let value = Quantity::new(figure.quantity.value, if unit.is_none() { default } else { unit });
    let approx = Approx { value, margin: margin.quantity.value };
    if !approx.covers_its_digits() {
        let half = format!("0.{}5", "0".repeat(figure.quantity.value.scale() as usize));
        let number = &text[figure.number];
        return Err(error("the margin is finer than the figure's last digit", margin.number, "finer than the digits")
            .help(format!(
                "`{number}` already stands for {number} ± {half} (half its last digit), and a margin claims no \
                 more than the digits say: write at least `± {half}`, or the figure with more digits"
            )));
    }
    Ok(approx)
}

/// The error for a unit written before the `±` at `sign` (`102466 USD m ± 1`): the figure and its
/// margin share the one unit written after the margin.
fn unit_before_margin(text: &str, figure: &Written, unit: Range<usize>, sign: Range<usize>) -> ValueError {
    let (written, after) = (&text[sign.clone()], text[sign.end..].trim_start());
    let margin = match &after[..number_len(after)] {
        "" => "1",
        margin => margin,
    };
    let example = format!("{} {written} {margin} {}", &text[figure.number.clone()], &text[unit.clone()]);
    error(
        format!("expected the unit after the margin, found `{}` before `{written}`", &text[unit.clone()]),
        unit,
        "a unit before the margin",
    )
    .help(format!("a figure and its margin share one unit, written once at the end: `{example}`"))
}

/// Reads the margin after a `±` (written as `sign`) starting at byte `offset` of the cell: a number
/// without a sign, then the optional unit.
fn parse_margin(text: &str, offset: usize, sign: &str) -> Result<Written, ValueError> {
    let start = offset + text.len() - text.trim_start().len();
    let trimmed = text.trim();
    let at = start..start + trimmed.len();
    if !trimmed.starts_with(|c: char| c.is_ascii_digit() || "+-.".contains(c)) {
        let found = if trimmed.is_empty() { "nothing".to_owned() } else { format!("`{trimmed}`") };
        let at = if trimmed.is_empty() { offset - sign.len()..offset } else { at };
        return Err(error(format!("expected a margin after `{sign}`, found {found}"), at, "expected a number here")
            .help(format!("a margin is a number in the figure's unit, written before that unit: {MARGIN_EXAMPLE}")));
    }
    if let Some(second) = plus_minus(text) {
        let at = offset + second.start..offset + second.end;
        return Err(error("a figure has one margin", at, "a second margin")
            .help(format!("write the figure and one margin: {MARGIN_EXAMPLE}")));
    }
    if trimmed.starts_with('-') {
        let number = start..start + number_len(trimmed);
        return Err(error(
            format!("a margin cannot be negative, found `{}`", trimmed[..number.len()].trim_end()),
            number,
            "negative",
        )
        .help(format!("a margin is how far the true value may lie either side of the figure: {MARGIN_EXAMPLE}")));
    }
    parse_written(text, offset)
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

/// A figure as written and where its parts are in the cell.
struct Written {
    quantity: Quantity,
    /// The number's bytes.
    number: Range<usize>,
    /// The unit's bytes, where one is written.
    unit: Option<Range<usize>>,
}

/// Reads a figure with an optional unit (`730 USD m`), [`Unit::None`] when it has none; `offset` is
/// where `text` starts in the cell.
fn parse_bound(text: &str, offset: usize) -> Result<Quantity, ValueError> {
    parse_written(text, offset).map(|w| w.quantity)
}

/// [`parse_bound`], saying where the number and the unit are.
fn parse_written(text: &str, offset: usize) -> Result<Written, ValueError> {
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
    let unit = parse_unit(text, rest.trim(), unit_start)?;
    Ok(Written {
        quantity: Quantity::new(value, unit.unwrap_or(Unit::None)),
        number: start..start + digits,
        unit: unit.map(|_| unit_start..unit_start + rest.trim().len()),
    })
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
        assert_eq!(number(" 730 USD m ", "USD bn").base().unwrap(), Decimal::new(730_000_000, 0).into());
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

    fn approx(text: &str, default: &str) -> Approx {
        match parse_value(text, unit(default)).unwrap() {
            FactValue::Approx(a) => a,
            other => panic!("not a figure with a margin: {other:?}"),
        }
    }

    #[test]
    fn a_margin_is_read_with_the_unit_written_after_it() {
        let a = approx("124300 ± 1 USD m", "USD bn");
        assert_eq!((a.value.value, a.value.unit, a.margin), (Decimal::new(124_300, 0), unit("USD m"), Decimal::ONE));
        assert_eq!(approx("124300 +/- 1 USD m", ""), a, "`+/-` spells `±`");
        assert_eq!(approx("124300±1USD m", ""), a);
        assert_eq!(approx(" 124300 ± 1 ", "USD m"), a, "a bare figure takes the file's unit");
        let pct = approx("9.5 ± 0.25%", "USD bn");
        assert_eq!(
            (pct.value.value, pct.value.unit, pct.margin),
            (Decimal::new(95, 1), unit("%"), Decimal::new(25, 2))
        );
        assert_eq!(approx("213.4 ± 0.05", "").margin, Decimal::new(5, 2), "half the last digit is the least");
        assert_eq!(approx("-3 ± 2", "").value.value, Decimal::new(-3, 0));
        for text in ["124300 ± 1 USD m", "9.5 ± 0.25 %", "5 ± 1", "3.90 ± 0.1 GW", "1.95 ± 0.005 USD", "180 ± 2.5 bps"]
        {
            let shown = parse_value(text, Unit::None).unwrap().show();
            assert_eq!((shown.as_str(), approx(&shown, "")), (text, approx(text, "")), "shown as written, read back");
        }
        let n = a.interval().unwrap();
        assert_eq!(
            (n.lo, n.point, n.hi),
            (
                Decimal::new(124_299_000_000, 0).into(),
                Decimal::new(124_300_000_000, 0).into(),
                Decimal::new(124_301_000_000, 0).into()
            )
        );
    }

    #[test]
    fn a_margin_is_never_finer_than_the_digits() {
        let e = parse_value("124300 ± 0.4 USD m", Unit::None).unwrap_err();
        assert_eq!(
            (e.message.as_str(), e.at, e.label),
            ("the margin is finer than the figure's last digit", 10..13, "finer than the digits")
        );
        let help = e.help.unwrap();
        assert!(
            help.contains("`124300` already stands for 124300 ± 0.5") && help.contains("at least `± 0.5`"),
            "{help}"
        );
        assert_eq!(message("213.40 ± 0.001"), ("the margin is finer than the figure's last digit".into(), 10..15));
        assert_eq!(message("1 ± 0").1, 5..6, "a zero margin claims an exact figure");
    }

    #[test]
    fn a_margin_out_of_place_says_where() {
        assert_eq!(message("124300 ± -1 USD m"), ("a margin cannot be negative, found `-1`".into(), 10..12));
        let own = parse_value("124300 USD m ± 1 USD m", Unit::None).unwrap_err();
        assert_eq!(
            (own.message.as_str(), own.at),
            ("expected the unit after the margin, found `USD m` before `±`", 7..12)
        );
        assert!(own.help.unwrap().ends_with("`124300 ± 1 USD m`"));
        assert_eq!(message("124300 USD m +/- 1").1, 7..12);
        assert_eq!(message("1..2 ± 1"), ("a range cannot carry a margin".into(), 5..7));
        assert_eq!(message("1 +/- 1..2"), ("a range cannot carry a margin".into(), 2..5));
        assert_eq!(message("124300 ±"), ("expected a margin after `±`, found nothing".into(), 7..9));
        assert_eq!(message("124300 ± USD m"), ("expected a margin after `±`, found `USD m`".into(), 10..15));
        assert_eq!(message("± 1"), ("expected a figure before `±`".into(), 0..2));
        assert_eq!(message("1 ± 1 ± 1"), ("a figure has one margin".into(), 7..9));
        assert_eq!(message("1 ± 1e3"), ("`1e3` has an exponent, which a cell does not read".into(), 5..8));
        assert_eq!(message("1 ± 1 XYZ zz"), ("`1 XYZ zz` has an unknown unit `XYZ zz`".into(), 7..13));
    }

    #[test]
    fn plain_decimals_are_plain() {
        for (text, digits, scale) in [("0", 0, 0), ("213.4", 2134, 1), ("-7.250", -7250, 3), ("000123", 123, 0)] {
            let read = plain_decimal(text).unwrap();
            assert_eq!((read.mantissa(), read.scale()), (digits, scale), "{text}");
        }
        assert_eq!(plain_decimal("999999999999999999").unwrap().mantissa(), 999_999_999_999_999_999);
        assert_eq!(plain_decimal("-0.00000000000000001").unwrap().scale(), 17);
        for text in ["-0", "-0.0", "+1", "1_000", "1.", ".5", "1.2.3", "1e3", "1 USD m", "1..2", "", "-", "--1"] {
            assert_eq!(plain_decimal(text), None, "{text}");
        }
        assert_eq!(plain_decimal("1234567890123456789"), None, "19 digits");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        /// The fast path reads every text it takes as `parse_value` does: the same digits at the same
        /// scale, in the row's unit.
        #[test]
        fn plain_decimals_read_as_parse_value_reads_them(
            text in "-?[0-9]{0,20}(\\.[0-9]{0,20})?|[-+0-9. _e,]{0,12}|\\PC{0,6}",
            money in proptest::bool::ANY,
        ) {
            let default = if money { unit("USD m") } else { Unit::None };
            if let Some(fast) = plain_decimal(&text) {
                let read = parse_value(&text, default);
                let Ok(FactValue::Number(q)) = read else {
                    let message = format!("{text:?}: the fast path reads {fast}, parse_value {read:?}");
                    return Err(proptest::test_runner::TestCaseError::fail(message));
                };
                proptest::prop_assert_eq!((q.value.mantissa(), q.value.scale()), (fast.mantissa(), fast.scale()));
                proptest::prop_assert_eq!(q.unit, default);
            }
        }
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
