//! Units at run time: aligning operands, adopting units for bare numbers, choosing the scale shown.

use crate::num::unit::UnitName;
use crate::num::{ArithError, Num, RatioStyle, Real, Unit};

/// Why two units do not go together at run time (a currency that differs between entities).
pub type UnitError = String;

/// A bare number meeting a unit takes it, in the unit as it is shown: `200` meeting `USD bn` is
/// 200 USD bn, `9` meeting `%` is 9 %, `150` meeting `bps` is 150 bps. The conversion is exact.
///
/// A quotient of bare numbers ([`Unit::Fraction`]) meeting a ratio is already the fraction the ratio
/// stores: it keeps its value and takes the ratio's unit.
pub fn adopt(n: Num, unit: Unit) -> Result<Num, ArithError> {
    if unit.is_plain() {
        return Ok(n);
    }
    if n.unit == Unit::Fraction && matches!(unit, Unit::Ratio(_)) {
        return Ok(n.with_unit(unit));
    }
    let moved = |x: &Real| x.shifted(unit.exponent());
    Ok(Num { lo: moved(&n.lo)?, point: moved(&n.point)?, hi: moved(&n.hi)?, unit })
}

/// The unit values of these units add up in: money in the largest scale among them, ratios in `%`
/// unless all are shown alike; bare numbers take no part.
pub fn common(units: impl IntoIterator<Item = Unit>) -> Result<Unit, UnitError> {
    let mut acc = Unit::None;
    for unit in units {
        acc = match (acc, unit) {
            (Unit::None, u) | (u, Unit::None) => u,
            (Unit::Fraction, u) | (u, Unit::Fraction) => u,
            (Unit::Money(c, s), Unit::Money(d, t)) if c == d => Unit::Money(c, s.max(t)),
            (Unit::Ratio(s), Unit::Ratio(t)) => Unit::Ratio(if s == t { s } else { RatioStyle::Percent }),
            (u, v) if u == v => u,
            (u, v) => return Err(format!("cannot combine `{u}` and `{v}`")),
        };
    }
    Ok(acc)
}

/// Brings values to one unit for adding or comparing: the bare ones adopt the [`common`] unit of
/// the others, whatever their order, so `a + 2 + b` and `a + b + 2` mean the same.
pub fn align_all(values: &mut [Num]) -> Result<Unit, UnitError> {
    let unit = common(values.iter().map(|v| v.unit))?;
    for v in values.iter_mut().filter(|v| v.unit.is_plain() && v.unit != unit) {
        *v = adopt(v.clone(), unit).map_err(|e| e.to_string())?;
    }
    Ok(unit)
}

/// Brings two values to one unit for comparing; the common unit is returned too.
pub fn align(a: Num, b: Num) -> Result<(Num, Num, Unit), UnitError> {
    let mut both = [a, b];
    let unit = align_all(&mut both)?;
    let [a, b] = both;
    Ok((a, b, unit))
}

/// The unit of a product.
pub fn times(a: Unit, b: Unit) -> Result<Unit, UnitError> {
    match (a, b) {
        (Unit::None, u) | (u, Unit::None) => Ok(u),
        (Unit::Fraction, u) | (u, Unit::Fraction) => Ok(u),
        (Unit::Ratio(_), Unit::Ratio(_)) => Ok(Unit::Ratio(RatioStyle::Percent)),
        (Unit::Ratio(_), u) | (u, Unit::Ratio(_)) => Ok(u),
        (Unit::Named(a), Unit::Named(b)) => match a.currency_per(b).or(b.currency_per(a)) {
            Some(currency) => Ok(Unit::Money(currency, crate::num::Scale::One)),
            None => Err(format!("cannot multiply `{a}` by `{b}`", a = Unit::Named(a), b = Unit::Named(b))),
        },
        (u, v) => Err(format!("cannot multiply `{u}` by `{v}`")),
    }
}

/// The unit of a quotient: like over like is a ratio, and bare over bare a [`Unit::Fraction`].
pub fn over(a: Unit, b: Unit) -> Result<Unit, UnitError> {
    match (a, b) {
        (u, v) if u.is_plain() && v.is_plain() => Ok(Unit::Fraction),
        (u, Unit::None | Unit::Fraction) => Ok(u),
        (u, v) if u.dimension() == v.dimension() => Ok(Unit::Ratio(RatioStyle::Percent)),
        (Unit::None | Unit::Fraction, v) => Err(format!("cannot divide a bare number by `{v}`")),
        (u, Unit::Ratio(_)) => Ok(u),
        (Unit::Money(currency, _), Unit::Named(n)) => Ok(Unit::Named(UnitName::per(currency, n))),
        (u, v) => Err(format!("cannot divide `{u}` by `{v}`")),
    }
}
