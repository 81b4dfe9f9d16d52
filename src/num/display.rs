//! Showing values with their unit and the digits they deserve: `10.80 %`, `213.4 USD bn`, `180 bps`.

use rust_decimal::Decimal;

use super::interval::Num;
use super::quantity::{Approx, Quantity, RangeLit};
use super::real::{Real, Rounding, ilog10_of_wide, write_decimal};
use super::unit::{RatioStyle, Unit};

/// The most digits after the point shown for any value.
const MAX_DIGITS: u32 = 28;

/// A figure as it was written, with its unit: `213.4 USD bn`, `9 %`.
pub fn quantity(q: &Quantity) -> String {
    let mut out = String::new();
    write_quantity(&mut out, q);
    out
}

/// Writes [`quantity`] at the end of `out`.
pub fn write_quantity(out: &mut String, q: &Quantity) {
    write_decimal(q.value, out);
    push_unit(out, q.unit);
}

/// A figure with its margin as written, the unit once at the end: `102466 ± 1 USD m`, `9.5 ± 0.25 %`.
pub fn approx(a: &Approx) -> String {
    let mut out = String::new();
    write_approx(&mut out, a);
    out
}

/// Writes [`approx`] at the end of `out`.
pub fn write_approx(out: &mut String, a: &Approx) {
    write_decimal(a.value.value, out);
    out.push_str(" ± ");
    write_decimal(a.margin, out);
    push_unit(out, a.value.unit);
}

/// A range as written, with its units: `173.5 USD bn..178.5 USD bn`, `..213 USD bn`.
pub fn range(r: &RangeLit) -> String {
    let mut out = String::new();
    write_range(&mut out, r);
    out
}

/// Writes [`range`] at the end of `out`.
pub fn write_range(out: &mut String, r: &RangeLit) {
    if let Some(lo) = &r.lo {
        write_quantity(out, lo);
    }
    out.push_str("..");
    if let Some(hi) = &r.hi {
        write_quantity(out, hi);
    }
}

/// A computed value in its unit, with as many digits as its interval's width deserves, rounded half
/// away from zero (a quotient that does not terminate is shown so, at most 28 digits after the point).
pub fn num(n: &Num) -> String {
    let mut out = String::new();
    write_num(&mut out, n);
    out
}

/// Writes [`num`] at the end of `out`.
pub fn write_num(out: &mut String, n: &Num) {
    write_num_at(out, n, deserved_digits(n));
}

/// Writes [`num`] at the end of `out`, the digits it deserves counted.
fn write_num_at(out: &mut String, n: &Num, deserved: u32) {
    write_in_unit(out, &n.point, n.unit, deserved, Rounding::Nearest);
    push_unit(out, n.unit);
}

/// The interval of a value, one digit finer than the value itself, rounded outwards: `37.78 %..39.32 %`.
pub fn interval(n: &Num) -> String {
    interval_with(n, 0)
}

/// The interval of a value with at least `digits` after the point: enough to show that two
/// intervals a small gap apart do not touch.
pub fn interval_with(n: &Num, digits: u32) -> String {
    let mut out = String::new();
    write_interval_with(&mut out, n, digits);
    out
}

/// Writes [`interval_with`] at the end of `out`.
fn write_interval_with(out: &mut String, n: &Num, digits: u32) {
    write_interval_at(out, n, deserved_digits(n), digits);
}

/// Writes [`interval_with`] at the end of `out`, the digits the value deserves counted.
fn write_interval_at(out: &mut String, n: &Num, deserved: u32, digits: u32) {
    let digits = (deserved + 1).max(digits).min(MAX_DIGITS);
    write_in_unit(out, &n.lo, n.unit, digits, Rounding::Down);
    push_unit(out, n.unit);
    out.push_str("..");
    write_in_unit(out, &n.hi, n.unit, digits, Rounding::Up);
    push_unit(out, n.unit);
}

/// A value and, where it is not exact, its interval: `39 % (37.7 %..39.4 %)`.
pub fn num_with_interval(n: &Num) -> String {
    num_with_interval_digits(n, 0)
}

/// A value and its interval, the interval with at least `digits` after the point.
pub fn num_with_interval_digits(n: &Num, digits: u32) -> String {
    let mut out = String::new();
    write_num_with_interval_digits(&mut out, n, digits);
    out
}

/// Writes [`num_with_interval_digits`] at the end of `out`.
pub fn write_num_with_interval_digits(out: &mut String, n: &Num, digits: u32) {
    let deserved = deserved_digits(n);
    write_num_at(out, n, deserved);
    if !n.is_exact() {
        out.push_str(" (");
        write_interval_at(out, n, deserved, digits);
        out.push(')');
    }
}

/// The point of a value in full where the digits its interval deserves round it away (a range's
/// bound of 79.6 known only to ±0.65 is shown as `80`); `None` where [`num`] shows it as it is, or
/// where it does not terminate.
pub fn hidden_point(n: &Num) -> Option<String> {
    let point = to_unit(&n.point, n.unit);
    let scale = point.terminating_scale()?.min(MAX_DIGITS);
    (scale > deserved_digits(n)).then(|| with_unit(point.to_string_at(scale, Rounding::Nearest), n.unit))
}

/// The digits after the point at which two intervals `gap` apart, each rounded outwards, still
/// visibly do not touch: one unit in the last place at most half the gap.
pub fn digits_to_separate(gap: &Real, unit: Unit) -> u32 {
    // a decimal `m / 10^scale`: half of it in the unit, `m / 2 / 10^(scale + exponent)`, has its
    // first digit at the power of `m / 2` (of `0.5` where `m` is one) less `scale + exponent`
    if let Real::Dec(d) = gap
        && d.mantissa() > 0
    {
        let m = d.mantissa().unsigned_abs();
        let half = if m >= 2 { i64::from(ilog10_of_wide(m / 2)) } else { -1 };
        let first = half - i64::from(d.scale()) - i64::from(unit.exponent());
        return (-first).clamp(0, i64::from(MAX_DIGITS)) as u32;
    }
    // a quotient's half in the unit: its first digit's power from the quotient's parts, less the exponent
    if let Some(first) = gap.half_first_power() {
        return (i64::from(unit.exponent()) - first).clamp(0, i64::from(MAX_DIGITS)) as u32;
    }
    let half = to_unit(gap, unit).div(&Real::from(Decimal::TWO)).unwrap_or(Real::ZERO);
    decimals_down_to(&half, 0)
}

/// A difference between two values of a unit: ratios differ by percentage points (`0.19 pp`).
pub fn difference(d: &Real, unit: Unit) -> String {
    let mut out = String::new();
    write_difference(&mut out, d, unit);
    out
}

/// Writes [`difference`] at the end of `out`.
pub fn write_difference(out: &mut String, d: &Real, unit: Unit) {
    let unit = match unit {
        Unit::Ratio(RatioStyle::Percent) => Unit::Ratio(RatioStyle::Pp),
        other => other,
    };
    let start = out.len();
    // a decimal moved to the unit as it is written, its first digit's power counted from its own
    // (three significant figures: [`significant_digits`] of the moved value)
    let first = match d {
        Real::Dec(x) if !x.is_zero() => Some(
            i64::from(ilog10_of_wide(x.mantissa().unsigned_abs())) - i64::from(x.scale()) - i64::from(unit.exponent()),
        ),
        Real::Dec(_) => None,
        _ => d.abs().first_power().map(|first| first - i64::from(unit.exponent())),
    };
    let digits = first.map(|first| (2 - first).clamp(0, i64::from(MAX_DIGITS)) as u32);
    if !digits.is_some_and(|digits| d.write_shifted_at(-unit.exponent(), digits, Rounding::Nearest, out)) {
        let shown = to_unit(d, unit);
        let digits = if shown.is_zero() { 0 } else { significant_digits(&shown) };
        shown.write_at(digits, Rounding::Nearest, out);
    }
    // the digits written are ASCII: looked at as bytes (no search called, no character decoded)
    let text = &out.as_bytes()[start..];
    if !d.is_zero() && text.iter().all(|c| matches!(c, b'-' | b'0' | b'.')) {
        // exact, but finer than the most digits shown
        out.truncate(start);
        out.push_str("less than ");
        out.push_str(&Real::Dec(Decimal::new(1, MAX_DIGITS)).to_string());
    } else if text.contains(&b'.') {
        out.truncate(start + trimmed_len(text));
    }
    push_unit(out, unit);
}

/// The length of a number's text with its trailing zeros dropped, then its trailing point: as
/// `trim_end_matches('0').trim_end_matches('.')` leaves it, counted in bytes.
fn trimmed_len(text: &[u8]) -> usize {
    let zeros = text.iter().rev().take_while(|&&c| c == b'0').count();
    let kept = &text[..text.len() - zeros];
    kept.len() - kept.iter().rev().take_while(|&&c| c == b'.').count()
}

/// Writes a base-unit value in the unit it is shown in, rounded as asked to `digits` after the
/// point: [`to_unit`] then [`Real::write_at`], the moved value not made where machine words hold it.
fn write_in_unit(out: &mut String, x: &Real, unit: Unit, digits: u32, rounding: Rounding) {
    if !x.write_shifted_at(-unit.exponent(), digits, rounding, out) {
        to_unit(x, unit).write_at(digits, rounding, out);
    }
}

/// A base-unit value in the unit it is shown in (a fraction as a percentage), exactly.
pub fn to_unit(x: &Real, unit: Unit) -> Real {
    x.shifted(-unit.exponent()).unwrap_or_else(|_| x.clone())
}

/// Digits after the point that the interval's width deserves: `213.35..213.45` deserves one.
fn deserved_digits(n: &Num) -> u32 {
    // two decimals a width apart: the power of its first digit counted in machine words
    if let Some(first) = super::real::width_power(&n.lo, &n.hi, n.unit.exponent()) {
        return (-first).clamp(0, i64::from(MAX_DIGITS)) as u32;
    }
    deserved_digits_by_arithmetic(n)
}

/// [`deserved_digits`] in exact arithmetic: the width computed, brought to the unit, and counted.
fn deserved_digits_by_arithmetic(n: &Num) -> u32 {
    let Ok(width) = n.hi.sub(&n.lo).map(|w| to_unit(&w, n.unit)) else { return 0 };
    if width.is_zero() {
        let exact = to_unit(&n.point, n.unit);
        // an exact value that does not terminate (`12.5 / 35.6`) is shown to ten significant digits
        let significant = || decimals_down_to(&exact.abs(), 9);
        return exact.terminating_scale().unwrap_or_else(significant).min(MAX_DIGITS);
    }
    decimals_down_to(&width, 0)
}

/// Enough digits to show three significant figures of a difference.
fn significant_digits(x: &Real) -> u32 {
    decimals_down_to(&x.abs(), 2)
}

/// How many times `10^power` must be divided by ten to be at most `x` (at most [`MAX_DIGITS`]): for
/// a positive decimal or small quotient, from its first digit's power of ten (`10^k <= x` exactly
/// where `k` is at most that power), else [`by_steps`].
fn decimals_down_to(x: &Real, power: u32) -> u32 {
    let first = match x {
        Real::Dec(d) if d.mantissa() > 0 => {
            Some(i64::from(ilog10_of_wide(d.mantissa().unsigned_abs())) - i64::from(d.scale()))
        }
        Real::Dec(_) => None,
        _ => x.first_power(),
    };
    match first {
        Some(first) => (i64::from(power) - first).clamp(0, i64::from(MAX_DIGITS)) as u32,
        None => by_steps(x, power),
    }
}

/// [`decimals_down_to`] by dividing `10^power` by ten until it is at most `x`.
fn by_steps(x: &Real, power: u32) -> u32 {
    let mut digits = 0;
    let mut step = Decimal::from(10u64.pow(power));
    while Real::Dec(step) > *x && digits < MAX_DIGITS {
        step /= Decimal::TEN;
        digits += 1;
    }
    digits
}

/// Writes a unit after a number, as shown (none for a bare number or a fraction).
fn push_unit(out: &mut String, unit: Unit) {
    unit.write_after(out);
}

/// Joins a number and its unit as shown: `10.80 %`, `730 USD m`, `1.95 USD`.
fn with_unit(mut number: String, unit: Unit) -> String {
    push_unit(&mut number, unit);
    number
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::num::quantity::parse_decimal;

    fn pct(lo: &str, point: &str, hi: &str) -> Num {
        let d = |s: &str| Real::Dec(parse_decimal(s).unwrap());
        Num { lo: d(lo), point: d(point), hi: d(hi), unit: Unit::Ratio(RatioStyle::Percent) }
    }

    #[test]
    fn a_decimal_s_digits_down_to_it_are_those_counted_by_steps() {
        let texts = ["0", "-1", "1", "0.5", "0.1", "0.09999", "1.0000", "99.99", "100", "1000000000", "2e-28", "7e27"];
        for text in texts {
            let x = Real::Dec(text.parse::<Decimal>().or_else(|_| Decimal::from_scientific(text)).unwrap());
            for power in [0, 2, 9] {
                assert_eq!(decimals_down_to(&x, power), by_steps(&x, power), "{text} from 10^{power}");
            }
        }
    }

    #[test]
    fn digits_to_separate_a_decimal_gap_are_those_of_its_half_counted() {
        let units = ["%", "bps", "USD", "USD m", "USD bn", "USD tn"].map(|u| Unit::parse(u).unwrap());
        let texts =
            ["1", "2", "3", "19", "20", "21", "0.0001", "0.0002", "0.0003", "1e-28", "2e-28", "5e-27", "7.5", "1000"];
        for text in texts {
            let gap = Real::Dec(text.parse::<Decimal>().or_else(|_| Decimal::from_scientific(text)).unwrap());
            for unit in units {
                let half = to_unit(&gap, unit).div(&Real::from(Decimal::TWO)).unwrap();
                assert_eq!(digits_to_separate(&gap, unit), by_steps(&half, 0), "{text} in {unit}");
            }
        }
    }

    /// [`difference`] as written before: the value moved to its unit made, then written.
    fn difference_moved(d: &Real, unit: Unit) -> String {
        let unit = if unit == Unit::Ratio(RatioStyle::Percent) { Unit::Ratio(RatioStyle::Pp) } else { unit };
        let shown = to_unit(d, unit);
        let digits = if shown.is_zero() { 0 } else { significant_digits(&shown) };
        let mut out = String::new();
        shown.write_at(digits, Rounding::Nearest, &mut out);
        if !shown.is_zero() && out.bytes().all(|c| matches!(c, b'-' | b'0' | b'.')) {
            out = format!("less than {}", Real::Dec(Decimal::new(1, MAX_DIGITS)));
        } else if out.contains('.') {
            out = out.trim_end_matches('0').trim_end_matches('.').to_owned();
        }
        push_unit(&mut out, unit);
        out
    }

    #[test]
    fn a_difference_written_moved_is_the_moved_difference_written() {
        let units = ["%", "bps", "USD", "USD m", "USD bn", "USD/share", "m shares"].map(|u| Unit::parse(u).unwrap());
        let texts = ["0", "-0.00", "1", "-1", "0.0019", "12345.678", "999.5", "-0.0005", "1e-28", "7e27", "1e-20"];
        for text in texts {
            let d = Real::Dec(text.parse::<Decimal>().or_else(|_| Decimal::from_scientific(text)).unwrap());
            let third = d.div(&Real::from(Decimal::from(3))).unwrap();
            for unit in units {
                assert_eq!(difference(&d, unit), difference_moved(&d, unit), "{text} in {unit}");
                assert_eq!(difference(&third, unit), difference_moved(&third, unit), "{text}/3 in {unit}");
            }
        }
    }

    #[test]
    fn digits_to_separate_a_quotient_gap_are_those_of_its_half_counted() {
        let units = ["%", "bps", "USD", "USD m", "USD bn"].map(|u| Unit::parse(u).unwrap());
        let fractions: [(i64, i64); 7] =
            [(1, 3), (2, 3), (1, 7), (22, 7), (1, 30), (1, 300_000_000_007), (999_999, 1_000_001)];
        for (n, d) in fractions {
            let gap = Real::from(Decimal::from(n)).div(&Real::from(Decimal::from(d))).unwrap();
            assert!(matches!(gap, Real::Small(_)), "{n}/{d}");
            for unit in units {
                let half = to_unit(&gap, unit).div(&Real::from(Decimal::TWO)).unwrap();
                assert_eq!(digits_to_separate(&gap, unit), by_steps(&half, 0), "{n}/{d} in {unit}");
            }
        }
    }

    #[test]
    fn a_quotient_s_digits_down_to_it_are_those_counted_by_steps() {
        let fractions: [(i64, i64); 8] =
            [(1, 3), (2, 3), (-1, 3), (1, 7), (22, 7), (1, 30), (1, 300_000_000_007), (999_999, 1_000_001)];
        for (n, d) in fractions {
            let x = Real::from(Decimal::from(n)).div(&Real::from(Decimal::from(d))).unwrap();
            assert!(matches!(x, Real::Small(_)), "{n}/{d}");
            for power in [0, 2, 9] {
                assert_eq!(decimals_down_to(&x, power), by_steps(&x, power), "{n}/{d} from 10^{power}");
            }
        }
    }

    #[test]
    fn a_number_trimmed_as_bytes_is_trimmed_as_text() {
        let texts = ["", "0", "0.0", "10", "10.0", "10.50", "1.", "..0", "-0.000", "100.001", "7.2500", "-3.0"];
        for text in texts {
            assert_eq!(trimmed_len(text.as_bytes()), text.trim_end_matches('0').trim_end_matches('.').len(), "{text}");
        }
    }

    #[test]
    fn values_show_the_digits_they_deserve() {
        let margin = pct("0.10764", "0.107954545", "0.10827");
        assert_eq!(num(&margin), "10.80 %");
        let written = Quantity::new(parse_decimal("213.4").unwrap(), Unit::parse("USD bn").unwrap());
        assert_eq!(num(&written.rounded().unwrap()), "213.4 USD bn");
        assert_eq!(interval(&written.rounded().unwrap()), "213.35 USD bn..213.45 USD bn");
        let bps = Quantity::new(parse_decimal("180").unwrap(), Unit::parse("bps").unwrap());
        assert_eq!(num(&bps.rounded().unwrap()), "180 bps");
        assert_eq!(difference(&Real::Dec(parse_decimal("0.0019").unwrap()), margin.unit), "0.19 pp");
        let approx = Approx { value: written, margin: parse_decimal("0.2").unwrap() };
        assert_eq!(super::approx(&approx), "213.4 ± 0.2 USD bn");
        assert_eq!(num(&approx.interval().unwrap()), "213.4 USD bn");
        assert_eq!(interval(&approx.interval().unwrap()), "213.20 USD bn..213.60 USD bn");
    }
}
