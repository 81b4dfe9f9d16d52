//! Exact interval arithmetic.
//!
//! A [`Num`] is a point value (what the figures say) and an interval `lo..=hi` that surely holds the
//! true value, given that every input figure was rounded to its last written digit. Every operation
//! is exact ([`Real`]: a decimal, or a rational where a decimal would have to round), so the interval
//! is the exact hull and a comparison never decides on a rounding artefact. An operation that fails
//! is an error, never a panic.

use super::real::{self, Real};
use super::unit::Unit;

/// Why an arithmetic operation has no result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ArithError {
    /// `c1 = c0 * c0`, `c2 = c1 * c1`, ...: a value past [`crate::limits::EXACT_BITS`] bits.
    #[error("the result is too large for exact arithmetic (beyond {} bits)", crate::limits::EXACT_BITS)]
    TooLarge,
    /// `x / 0`
    #[error("division by zero")]
    DivisionByZero,
    /// `x / y` where `y` was written as `0` and so may be anything in -0.5..0.5
    #[error("division by a value whose rounding interval contains zero")]
    DivisorMayBeZero,
}

/// A value: its point, the interval that surely holds the true value, and its unit (in base units).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Num {
    pub lo: Real,
    pub point: Real,
    pub hi: Real,
    pub unit: Unit,
}

/// The order of two values (a point compared with a bound).
pub fn order(a: &Real, b: &Real) -> std::cmp::Ordering {
    a.cmp(b)
}

impl Num {
    /// An exact value: its interval is the point itself.
    pub fn exact(point: impl Into<Real>, unit: Unit) -> Num {
        let point = point.into();
        Num { lo: point.clone(), hi: point.clone(), point, unit }
    }

    /// Whether the interval is a single point.
    pub fn is_exact(&self) -> bool {
        self.lo == self.hi
    }

    /// The same value in another unit (no conversion: both units must share a base).
    pub fn with_unit(self, unit: Unit) -> Num {
        Num { unit, ..self }
    }

    /// `self + other` (units are the caller's concern).
    pub fn add(&self, other: &Num, unit: Unit) -> Result<Num, ArithError> {
        let lo = self.lo.add(&other.lo)?;
        let hi = self.hi.add(&other.hi)?;
        let point = self.point.add(&other.point)?;
        Ok(Num { lo, point, hi, unit })
    }

    /// `-self`.
    pub fn neg(&self) -> Num {
        Num { lo: self.hi.neg(), point: self.point.neg(), hi: self.lo.neg(), unit: self.unit }
    }

    /// `self - other`.
    pub fn sub(&self, other: &Num, unit: Unit) -> Result<Num, ArithError> {
        let lo = self.lo.sub(&other.hi)?;
        let hi = self.hi.sub(&other.lo)?;
        let point = self.point.sub(&other.point)?;
        Ok(Num { lo, point, hi, unit })
    }

    /// `self * other`: the hull of the four corner products.
    pub fn mul(&self, other: &Num, unit: Unit) -> Result<Num, ArithError> {
        let point = self.point.mul(&other.point)?;
        if self.is_exact() && other.is_exact() {
            return Ok(Num::exact(point, unit));
        }
        let corners =
            [self.lo.mul(&other.lo)?, self.lo.mul(&other.hi)?, self.hi.mul(&other.lo)?, self.hi.mul(&other.hi)?];
        Ok(Num::hull(corners, point, unit))
    }

    /// `self / other`: an error where the divisor is zero or may be.
    pub fn div(&self, other: &Num, unit: Unit) -> Result<Num, ArithError> {
        if other.point.is_zero() {
            return Err(ArithError::DivisionByZero);
        }
        if !other.lo.sign().is_gt() && !other.hi.sign().is_lt() {
            return Err(ArithError::DivisorMayBeZero);
        }
        let point = self.point.div(&other.point)?;
        if self.is_exact() && other.is_exact() {
            return Ok(Num::exact(point, unit));
        }
        // The two corners that bound the quotient, by the signs (a division may be a rational,
        // and half the corners is half the work): over a positive divisor the quotient grows with
        // the dividend, over a negative one it shrinks.
        let nonneg = |x: &Real| !x.sign().is_lt();
        let (lo, hi) = if other.lo.sign().is_gt() {
            let lo = if nonneg(&self.lo) { self.lo.div(&other.hi)? } else { self.lo.div(&other.lo)? };
            let hi = if nonneg(&self.hi) { self.hi.div(&other.lo)? } else { self.hi.div(&other.hi)? };
            (lo, hi)
        } else {
            let lo = if nonneg(&self.hi) { self.hi.div(&other.hi)? } else { self.hi.div(&other.lo)? };
            let hi = if nonneg(&self.lo) { self.lo.div(&other.lo)? } else { self.lo.div(&other.hi)? };
            (lo, hi)
        };
        Ok(Num { lo, point, hi, unit })
    }

    /// `|self|`.
    pub fn abs(&self) -> Num {
        if !self.lo.sign().is_lt() {
            self.clone()
        } else if !self.hi.sign().is_gt() {
            self.neg()
        } else {
            let hi = self.hi.max_of(&self.lo.neg());
            Num { lo: Real::ZERO, point: self.point.abs(), hi, unit: self.unit }
        }
    }

    /// The smaller of two values, bound by bound.
    pub fn min(&self, other: &Num) -> Num {
        Num {
            lo: self.lo.min_of(&other.lo),
            point: self.point.min_of(&other.point),
            hi: self.hi.min_of(&other.hi),
            unit: self.unit,
        }
    }

    /// The larger of two values, bound by bound.
    pub fn max(&self, other: &Num) -> Num {
        Num {
            lo: self.lo.max_of(&other.lo),
            point: self.point.max_of(&other.point),
            hi: self.hi.max_of(&other.hi),
            unit: self.unit,
        }
    }

    /// Rounds to `digits` after the point (in base units), half away from zero.
    pub fn round(&self, digits: u32) -> Result<Num, ArithError> {
        Ok(Num {
            lo: self.lo.round(digits)?,
            point: self.point.round(digits)?,
            hi: self.hi.round(digits)?,
            unit: self.unit,
        })
    }

    /// Whether the two intervals share a value.
    pub fn meets(&self, other: &Num) -> bool {
        self.lo <= other.hi && other.lo <= self.hi
    }

    /// Whether the two intervals come within `tol` of each other (`a ~= b within tol`): the gap
    /// between them is at most `tol`. Decided exactly, and the same whichever side is `self`.
    pub fn within(&self, other: &Num, tol: &Real) -> Result<bool, ArithError> {
        Ok(real::at_most(&self.lo, &other.hi, tol)? && real::at_most(&other.lo, &self.hi, tol)?)
    }

    /// The distance between two intervals that do not meet (zero where they do); `None` where it is
    /// too large to represent.
    pub fn gap(&self, other: &Num) -> Option<Real> {
        scaled_gap(self, other).or_else(|| self.exact_gap(other))
    }

    /// [`Num::gap`] by exact subtraction, for any ends (the path [`scaled_gap`] shortens).
    fn exact_gap(&self, other: &Num) -> Option<Real> {
        if self.hi < other.lo {
            other.lo.sub(&self.hi).ok()
        } else if other.hi < self.lo {
            self.lo.sub(&other.hi).ok()
        } else {
            Some(Real::ZERO)
        }
    }

    /// Widens the interval by `by` on both sides.
    pub fn widen(&self, by: &Real) -> Result<Num, ArithError> {
        let lo = self.lo.sub(by)?;
        let hi = self.hi.add(by)?;
        Ok(Num { lo, hi, ..self.clone() })
    }

    /// The hull of corner results.
    fn hull(corners: [Real; 4], point: Real, unit: Unit) -> Num {
        let [a, b, c, d] = corners;
        // the interval so far, stretched to hold one more corner (moved, never cloned)
        let stretch = |(lo, hi): (Real, Real), x: Real| {
            if x < lo {
                (x, hi)
            } else if x > hi {
                (lo, x)
            } else {
                (lo, hi)
            }
        };
        let (lo, hi) = stretch(stretch(if a <= b { (a, b) } else { (b, a) }, c), d);
        Num { lo, point, hi, unit }
    }
}

/// [`Num::gap`] of two intervals of decimals in scaled integers, each pair at its larger scale with
/// its power of ten from the table: the same decimal `Real::sub` makes; `None` where an end that
/// decides is zero or the integers pass 96 bits (then the general path decides).
fn scaled_gap(a: &Num, b: &Num) -> Option<Real> {
    let (Real::Dec(a_lo), Real::Dec(a_hi), Real::Dec(b_lo), Real::Dec(b_hi)) = (&a.lo, &a.hi, &b.lo, &b.hi) else {
        return None;
    };
    // `hi − lo` at their larger scale ([`real::at_scale`]: no checked product for a few digits
    // more), and that scale
    let distance = |lo: &rust_decimal::Decimal, hi: &rust_decimal::Decimal| {
        let scale = lo.scale().max(hi.scale());
        let at = |d: &rust_decimal::Decimal| real::at_scale(*d, scale);
        Some((at(hi)?.checked_sub(at(lo)?)?, scale, lo.is_zero() || hi.is_zero()))
    };
    let below = distance(a_hi, b_lo)?;
    let above = distance(b_hi, a_lo)?;
    match [below, above].into_iter().find(|&(d, ..)| d > 0) {
        // a zero term is left to `rust_decimal`, which gives the other at its own scale
        Some((_, _, true)) => None,
        Some((d, scale, false)) => rust_decimal::Decimal::try_from_i128_with_scale(d, scale).ok().map(Real::Dec),
        None => Some(Real::ZERO),
    }
}

#[cfg(test)]
mod tests {
    use rust_decimal::Decimal;

    use super::*;

    fn d(s: &str) -> Real {
        Real::Dec(s.parse().unwrap())
    }

    fn n(lo: &str, point: &str, hi: &str) -> Num {
        Num { lo: d(lo), point: d(point), hi: d(hi), unit: Unit::None }
    }

    #[test]
    fn a_gap_of_decimals_in_scaled_integers_is_that_of_exact_subtraction() {
        let texts = [
            "0",
            "0.00",
            "-0.0",
            "1",
            "1.0",
            "-1.25",
            "2.5",
            "3.4999",
            "100",
            "-7.1",
            "1e-28",
            "79228162514264337593543950335",
        ];
        let ends: Vec<Real> =
            texts.iter().map(|t| Real::Dec(Decimal::from_scientific(t).or_else(|_| t.parse()).unwrap())).collect();
        let intervals: Vec<Num> = ends
            .iter()
            .flat_map(|lo| ends.iter().filter(move |hi| lo <= *hi).map(move |hi| (lo, hi)))
            .map(|(lo, hi)| Num { lo: lo.clone(), point: lo.clone(), hi: hi.clone(), unit: Unit::None })
            .collect();
        for a in &intervals {
            for b in &intervals {
                let (fast, exact) = (a.gap(b), a.exact_gap(b));
                assert_eq!(format!("{fast:?}"), format!("{exact:?}"), "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn division_is_exact() {
        let r = n("1", "1", "1").div(&n("3", "3", "3"), Unit::None).unwrap();
        assert!(r.is_exact());
        assert_eq!(r.mul(&n("3", "3", "3"), Unit::None).unwrap(), n("1", "1", "1"));
        let r = n("0.5", "1", "1.5").div(&n("2.5", "3", "3.5"), Unit::None).unwrap();
        let third = d("1").div(&d("3")).unwrap();
        assert_eq!((r.lo, r.point, r.hi), (d("0.5").div(&d("3.5")).unwrap(), third, d("0.6")));
    }

    #[test]
    fn division_by_zero_is_an_error() {
        let one = n("1", "1", "1");
        assert_eq!(one.div(&n("0", "0", "0"), Unit::None), Err(ArithError::DivisionByZero));
        assert_eq!(one.div(&n("-0.5", "0.1", "0.5"), Unit::None), Err(ArithError::DivisorMayBeZero));
    }

    #[test]
    fn values_past_a_decimal_compute_and_a_bit_budget_bounds_them() {
        let big = Num::exact(Decimal::from_scientific("7e27").unwrap(), Unit::None);
        let square = big.mul(&big, Unit::None).unwrap();
        assert_eq!(square.point.to_string(), format!("49{}", "0".repeat(54)));
        assert_eq!(square.div(&big, Unit::None).unwrap(), big);
        let mut x = square;
        let error = loop {
            match x.mul(&x, Unit::None) {
                Ok(next) => x = next,
                Err(e) => break e,
            }
        };
        assert_eq!(error, ArithError::TooLarge);
    }

    #[test]
    fn within_is_decided_exactly_where_the_gap_has_too_many_digits() {
        // 7.925 - 2.9249999999999999999999999995 is 5.0000000000000000000000000005, just over 5
        let a = n("7.925", "7.93", "7.935");
        let b = n("2.9249999999999999999999999985", "2.924999999999999999999999999", "2.9249999999999999999999999995");
        let five = d("5");
        assert!(!a.within(&b, &five).unwrap() && !b.within(&a, &five).unwrap());
        let more = d("5.000000000000000000000000001");
        assert!(a.within(&b, &more).unwrap() && b.within(&a, &more).unwrap());
        // a tolerance of a third, exactly: 1/3 is within 1/3 of 0, 0.3333333333333333333333333334 is not
        let third = d("1").div(&d("3")).unwrap();
        let zero = n("0", "0", "0");
        assert!(Num::exact(third.clone(), Unit::None).within(&zero, &third).unwrap());
        assert!(
            !n("0.3333333333333333333333333334", "0.3333333333333333333333333334", "0.3333333333333333333333333334")
                .within(&zero, &third)
                .unwrap()
        );
    }

    #[test]
    fn rounding_is_half_away_from_zero() {
        assert_eq!(n("2.5", "2.5", "2.5").round(0).unwrap().point, d("3"));
        assert_eq!(n("-2.5", "-2.5", "-2.5").round(0).unwrap().point, d("-3"));
        let minus_five_sixths = d("-5").div(&d("6")).unwrap();
        assert_eq!(Num::exact(minus_five_sixths, Unit::None).round(1).unwrap().point, d("-0.8"));
    }
}
