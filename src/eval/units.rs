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
/// the ratio or the pure number it meets. Values all in one unit (nearly every sum and comparison
/// a rule writes) are that unit's as they are: nothing to join, nothing to change.
pub fn align_all(values: &mut [Num]) -> Result<Unit, UnitError> {
    if let [first, rest @ ..] = &*values
        && rest.iter().all(|v| v.unit == first.unit)
    {
        return Ok(first.unit);
    }
    align_joined(values)
}

/// [`align_all`] by joining the units, whatever they are: the path of values in several units.
fn align_joined(values: &mut [Num]) -> Result<Unit, UnitError> {
    let unit = common(values.iter().filter(|v| !is_bare_zero(v)).map(|v| v.unit))?;
    values.iter_mut().for_each(|v| bring(v, unit));
    Ok(unit)
}

/// Brings one value to the common unit of [`align_all`].
fn bring(v: &mut Num, unit: Unit) {
    if is_bare_zero(v) && unit != Unit::None {
        *v = Num::exact(rust_decimal::Decimal::ZERO, unit);
    } else if is_bare_zero(v) || v.unit == Unit::Fraction {
        v.unit = unit;
    }
}

/// Whether a value is a zero written without a unit (its point zero, exact or claimed as `0`): the
/// one pure number that stands for any unit.
pub fn is_bare_zero(v: &Num) -> bool {
    v.unit == Unit::None && v.point.is_zero()
}

/// Brings two values to one unit for comparing; the common unit is returned too.
pub fn align(mut a: Num, mut b: Num) -> Result<(Num, Num, Unit), UnitError> {
    let unit = align_both(&mut a, &mut b)?;
    Ok((a, b, unit))
}

/// [`align`] in place: the two values are not moved in and out (a value is 80 bytes).
pub fn align_both(a: &mut Num, b: &mut Num) -> Result<Unit, UnitError> {
    if a.unit == b.unit {
        return Ok(a.unit);
    }
    let unit = common([&*a, &*b].into_iter().filter(|v| !is_bare_zero(v)).map(|v| v.unit))?;
    bring(a, unit);
    bring(b, unit);
    Ok(unit)
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

#[cfg(test)]
mod tests {
    use rust_decimal::Decimal;

    use super::*;
    use crate::num::{Currency, Real};

    /// Values in one unit are left as they are: the same values and unit as joining their units.
    #[test]
    fn one_unit_aligns_as_joined_units_do() {
        let (usd, eur) = (Currency(*b"USD"), Currency(*b"EUR"));
        let units = [
            Unit::None,
            Unit::Fraction,
            Unit::Money(usd, Scale::Million),
            Unit::Money(usd, Scale::Billion),
            Unit::Money(eur, Scale::Million),
            Unit::Ratio(RatioStyle::Percent),
            Unit::Ratio(RatioStyle::Bps),
            Unit::PerShare(usd),
            Unit::Shares(Scale::Million),
        ];
        let points = [Decimal::ZERO, Decimal::new(2134, 1), Decimal::new(-5, 0)];
        let value = |point: Decimal, unit: Unit, exact: bool| {
            let half = if exact { Decimal::ZERO } else { Decimal::new(5, 1) };
            Num { lo: Real::from(point - half), point: Real::from(point), hi: Real::from(point + half), unit }
        };
        let mut values = Vec::new();
        for unit in units {
            for point in points {
                values.push(value(point, unit, true));
                values.push(value(point, unit, false));
            }
        }
        for a in &values {
            for b in &values {
                let (mut fast, mut joined) = ([a.clone(), b.clone()], [a.clone(), b.clone()]);
                assert_eq!(align_all(&mut fast), align_joined(&mut joined), "{a:?} and {b:?}");
                assert_eq!(fast, joined, "{a:?} and {b:?}");
                let (mut x, mut y) = (a.clone(), b.clone());
                assert_eq!(align_both(&mut x, &mut y), align_joined(&mut [a.clone(), b.clone()]));
                assert_eq!([x, y], joined, "{a:?} and {b:?}");
            }
        }
    }
}
