//! Units at run time: aligning operands, adopting units for bare numbers, choosing the scale shown.

use crate::num::{ArithError, Num, RatioStyle, Unit};

/// Why two units do not go together at run time (a currency that differs between entities).
pub type UnitError = String;

/// A bare number meeting a unit takes it: money in the scale it is shown in (`200` meeting
/// `USD bn` is 200 USD bn); for other units the number stands as it is.
pub fn adopt(n: Num, unit: Unit) -> Result<Num, ArithError> {
    match unit {
        Unit::Money(..) => n.mul(&Num::exact(unit.factor(), Unit::None), unit),
        _ => Ok(n.with_unit(unit)),
    }
}

/// Brings two values to one unit for adding or comparing; the result's unit is returned too.
pub fn align(a: Num, b: Num) -> Result<(Num, Num, Unit), UnitError> {
    let overflow = |e: ArithError| e.to_string();
    match (a.unit, b.unit) {
        (Unit::None, Unit::None) => Ok((a, b, Unit::None)),
        (Unit::None, u) => Ok((adopt(a, u).map_err(overflow)?, b, u)),
        (u, Unit::None) => Ok((a, adopt(b, u).map_err(overflow)?, u)),
        (Unit::Money(c, s), Unit::Money(d, t)) if c == d => Ok((a, b, Unit::Money(c, s.max(t)))),
        (Unit::Ratio(s), Unit::Ratio(t)) => Ok((a, b, Unit::Ratio(if s == t { s } else { RatioStyle::Percent }))),
        (u, v) if u == v => Ok((a, b, u)),
        (u, v) => Err(format!("cannot combine `{u}` and `{v}`")),
    }
}

/// The unit of a product.
pub fn times(a: Unit, b: Unit) -> Result<Unit, UnitError> {
    match (a, b) {
        (Unit::None, u) | (u, Unit::None) => Ok(u),
        (Unit::Ratio(_), Unit::Ratio(_)) => Ok(Unit::Ratio(RatioStyle::Percent)),
        (Unit::Ratio(_), u) | (u, Unit::Ratio(_)) => Ok(u),
        (u, v) => Err(format!("cannot multiply `{u}` by `{v}`")),
    }
}

/// The unit of a quotient: like over like is a ratio.
pub fn over(a: Unit, b: Unit) -> Result<Unit, UnitError> {
    match (a, b) {
        (u, Unit::None) => Ok(u),
        (u, v) if u.dimension() == v.dimension() => Ok(Unit::Ratio(RatioStyle::Percent)),
        (Unit::None, v) => Err(format!("cannot divide a bare number by `{v}`")),
        (u, Unit::Ratio(_)) => Ok(u),
        (u, v) => Err(format!("cannot divide `{u}` by `{v}`")),
    }
}
