//! A range from its two bounds as written, checked one way for rule files and data cells alike.
//!
//! A bound written without a unit takes the other bound's unit (`5..7%` is 5 %..7 %); two bounds
//! in two units (`5%..7 USD bn`) are an error, and so is a lower bound above the upper one
//! (`213..206`), since such a range holds nothing. The messages name the bounds as the caller
//! shows them, so that a rule and a cell with the same fault say the same thing.

use super::quantity::{Quantity, RangeLit};
use super::unit::Unit;

/// Why two bounds do not make a range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeError {
    /// `..`: neither bound is written.
    NoBound,
    /// `5%..7 USD bn`: the bounds are written in two units.
    MixedUnits { lo: Unit, hi: Unit },
    /// `213..206`: the lower bound is above the upper one.
    Reversed { lo: Quantity, hi: Quantity },
}

/// Makes a range of its bounds as written, giving a bound without a unit the other's unit.
pub fn range(lo: Option<Quantity>, hi: Option<Quantity>) -> Result<RangeLit, RangeError> {
    let unit = match (lo.map(|q| q.unit), hi.map(|q| q.unit)) {
        (None, None) => return Err(RangeError::NoBound),
        (Some(a), Some(b)) if !a.is_none() && !b.is_none() && a != b => {
            return Err(RangeError::MixedUnits { lo: a, hi: b });
        }
        (a, b) => [a, b].into_iter().flatten().find(|u| !u.is_none()).unwrap_or(Unit::None),
    };
    let lo = lo.map(|q| Quantity::new(q.value, unit));
    let hi = hi.map(|q| Quantity::new(q.value, unit));
    match (lo, hi) {
        (Some(lo), Some(hi)) if lo.value > hi.value => Err(RangeError::Reversed { lo, hi }),
        _ => Ok(RangeLit { lo, hi }),
    }
}

impl RangeError {
    /// What is wrong, with the bounds as written (`lo`, `hi`): "the range's bounds are reversed: 213 > 206".
    pub fn message(&self, lo: &str, hi: &str) -> String {
        match self {
            RangeError::NoBound => "a range needs at least one bound".to_owned(),
            RangeError::MixedUnits { lo, hi } => {
                format!("the bounds of a range must have one unit, found `{lo}` and `{hi}`")
            }
            RangeError::Reversed { .. } => format!("the range's bounds are reversed: {lo} > {hi}"),
        }
    }

    /// What the label under the range says.
    pub fn label(&self) -> &'static str {
        match self {
            RangeError::NoBound => "no bound",
            RangeError::MixedUnits { .. } => "two units",
            RangeError::Reversed { .. } => "reversed",
        }
    }

    /// How to fix it, with the bounds as written.
    pub fn help(&self, lo: &str, hi: &str) -> String {
        match self {
            RangeError::NoBound => "write `173.5..178.5`, `..213` (up to) or `206..` (from)".to_owned(),
            RangeError::MixedUnits { .. } => {
                "write both bounds in one unit, such as `11%..15%` or `173.5..178.5 USD bn`".to_owned()
            }
            RangeError::Reversed { .. } => format!("write the lower bound first: `{hi}..{lo}`"),
        }
    }
}

#[cfg(test)]
mod tests {
    use rust_decimal::Decimal;

    use super::*;

    fn q(value: i64, unit: &str) -> Option<Quantity> {
        Some(Quantity::new(Decimal::new(value, 0), Unit::parse(unit).unwrap()))
    }

    #[test]
    fn a_bound_without_a_unit_takes_the_other_bounds_unit() {
        let r = range(q(5, ""), q(7, "%")).unwrap();
        assert_eq!((r.lo, r.hi), (q(5, "%"), q(7, "%")));
        let r = range(q(5, "USD bn"), q(7, "")).unwrap();
        assert_eq!((r.lo, r.hi), (q(5, "USD bn"), q(7, "USD bn")));
        assert_eq!(range(q(5, ""), q(7, "")).unwrap().lo, q(5, ""));
        assert_eq!(range(None, q(213, "")).unwrap(), RangeLit { lo: None, hi: q(213, "") });
    }

    #[test]
    fn bad_bounds_are_errors() {
        assert_eq!(range(None, None), Err(RangeError::NoBound));
        let mixed = range(q(5, "%"), q(7, "USD bn")).unwrap_err();
        assert_eq!(mixed.message("5%", "7 USD bn"), "the bounds of a range must have one unit, found `%` and `USD bn`");
        assert!(matches!(range(q(5, "%"), q(700, "bps")), Err(RangeError::MixedUnits { .. })));
        let reversed = range(q(213, ""), q(206, "")).unwrap_err();
        assert_eq!(reversed.message("213", "206"), "the range's bounds are reversed: 213 > 206");
        assert_eq!(reversed.help("213", "206"), "write the lower bound first: `206..213`");
        assert!(matches!(range(q(100, ""), q(20, "%")), Err(RangeError::Reversed { .. })));
        assert!(range(q(-2, "%"), q(-2, "%")).is_ok());
    }
}
