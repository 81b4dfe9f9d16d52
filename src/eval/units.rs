//! Units at run time: what a result is (through the one table, [`crate::num::dim`]) and the scale
//! it is shown in.
//!
//! The checker has refused every rule whose units do not go together before evaluation starts, so
//! an error here is a currency that differs between the inputs of one check (a metric in USD at one
//! entity and in EUR at another), or a pure number where a unit belongs that only the data showed.

use crate::num::{Dim, Num, RatioStyle, Scale, Unit};

/// Why two units do not go together at run time.
pub type UnitError = String;

/// The unit values of these units add up and compare in: money and shares in the largest scale
/// among them, ratios in `%` unless all are shown alike; an error where the dimensions differ.
pub fn common(units: impl IntoIterator<Item = Unit>) -> Result<Unit, UnitError> {
    let mut units = units.into_iter();
    let Some(mut acc) = units.next() else { return Ok(Unit::None) };
    for unit in units {
        if Dim::of(acc).join(Dim::of(unit)).is_none() {
            return Err(format!("cannot combine `{acc}` and `{unit}`"));
        }
        acc = match (acc, unit) {
            (Unit::Fraction, u) | (u, Unit::Fraction) => u,
            (Unit::Money(c, s), Unit::Money(_, t)) => Unit::Money(c, s.max(t)),
            (Unit::Shares(s), Unit::Shares(t)) => Unit::Shares(s.max(t)),
            (Unit::Ratio(s), Unit::Ratio(t)) => Unit::Ratio(if s == t { s } else { RatioStyle::Percent }),
            (u, _) => u,
        };
    }
    Ok(acc)
}

/// Brings values to one unit for adding or comparing. A bare zero (`x > 0`, `x ~= 0`) is exactly
/// zero in any unit (a claimed `0` beside money would otherwise stand for ±0.5 of no unit); any
/// other pure number meets only pure numbers; a fraction (a quotient of pure numbers) is shown as
/// the ratio or the pure number it meets.
pub fn align_all(values: &mut [Num]) -> Result<Unit, UnitError> {
    let unit = common(values.iter().filter(|v| !is_bare_zero(v)).map(|v| v.unit))?;
    for v in values.iter_mut() {
        if is_bare_zero(v) && unit != Unit::None {
            *v = Num::exact(rust_decimal::Decimal::ZERO, unit);
        } else if is_bare_zero(v) || v.unit == Unit::Fraction {
            v.unit = unit;
        }
    }
    Ok(unit)
}

/// Whether a value is a zero written without a unit (its point zero, exact or claimed as `0`): the
/// one pure number that stands for any unit.
pub fn is_bare_zero(v: &Num) -> bool {
    v.unit == Unit::None && v.point.is_zero()
}

/// Brings two values to one unit for comparing; the common unit is returned too.
pub fn align(a: Num, b: Num) -> Result<(Num, Num, Unit), UnitError> {
    let mut both = [a, b];
    let unit = align_all(&mut both)?;
    let [a, b] = both;
    Ok((a, b, unit))
}

/// The unit of a product: a pure number or a ratio scales the other factor; per share times shares
/// is money, shown in the scale of the shares.
pub fn times(a: Unit, b: Unit) -> Result<Unit, UnitError> {
    if Dim::of(a).times(Dim::of(b)).is_none() {
        return Err(format!("cannot multiply `{a}` by `{b}`"));
    }
    Ok(match (a, b) {
        (Unit::Ratio(_), Unit::Ratio(_)) => Unit::Ratio(RatioStyle::Percent),
        (r @ Unit::Ratio(_), Unit::None | Unit::Fraction) | (Unit::None | Unit::Fraction, r @ Unit::Ratio(_)) => r,
        (Unit::Fraction, Unit::None | Unit::Fraction) | (Unit::None, Unit::Fraction) => Unit::Fraction,
        (Unit::None | Unit::Fraction | Unit::Ratio(_), u) | (u, Unit::None | Unit::Fraction | Unit::Ratio(_)) => u,
        (Unit::PerShare(c), Unit::Shares(s)) | (Unit::Shares(s), Unit::PerShare(c)) => Unit::Money(c, s),
        (Unit::Named(a), Unit::Named(b)) => {
            Unit::Money(a.currency_per(b).or(b.currency_per(a)).unwrap_or(crate::num::Currency(*b"USD")), Scale::One)
        }
        (u, _) => u,
    })
}

/// The unit of a quotient: like over like is a ratio (`12.5 / 35.6` is 35.11 %), money over shares
/// is per share, money over per share is shares.
pub fn over(a: Unit, b: Unit) -> Result<Unit, UnitError> {
    let Some(dim) = Dim::of(a).over(Dim::of(b)) else {
        return Err(format!("cannot divide `{a}` by `{b}`"));
    };
    Ok(match (dim, a, b) {
        (Dim::Fraction, ..) => Unit::Fraction,
        (Dim::Ratio, Unit::Ratio(_), Unit::None | Unit::Fraction) => a,
        (Dim::Ratio, ..) => Unit::Ratio(RatioStyle::Percent),
        (_, u, Unit::None | Unit::Fraction | Unit::Ratio(_)) => u,
        (Dim::PerShare(_), Unit::Money(c, _), _) => Unit::PerShare(c),
        (Dim::Shares, Unit::Money(_, s), _) => Unit::Shares(s),
        (Dim::Named(n), ..) => Unit::Named(n),
        (_, u, _) => u,
    })
}
