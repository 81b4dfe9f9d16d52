//! Exact interval arithmetic on decimals.
//!
//! A [`Num`] is a point value (what the figures say) and an interval `lo..=hi` that surely holds the
//! true value, given that every input figure was rounded to its last written digit. Operations are
//! checked: an overflow is an error, never a panic. Where `rust_decimal` must round a result (a
//! quotient with more than 28 digits), the bounds are widened by one unit in the last place, so the
//! interval stays sound.

use rust_decimal::{Decimal, RoundingStrategy};

use super::unit::Unit;

/// Why an arithmetic operation has no result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ArithError {
    /// `1e28 * 1e28`
    #[error("the result is too large for exact decimal arithmetic")]
    Overflow,
    /// `x / 0`
    #[error("division by zero")]
    DivisionByZero,
    /// `x / y` where `y` was written as `0` and so may be anything in -0.5..0.5
    #[error("division by a value whose rounding interval contains zero")]
    DivisorMayBeZero,
    /// `0.0000000000000000000000000001` (28 digits after the point leave no room for its rounding)
    #[error("the figure has more digits after the point than exact arithmetic can carry (at most 27)")]
    TooPrecise,
}

/// A value: its point, the interval that surely holds the true value, and its unit (in base units).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Num {
    pub lo: Decimal,
    pub point: Decimal,
    pub hi: Decimal,
    pub unit: Unit,
}

type R = Result<Decimal, ArithError>;

/// One unit in the last place of a decimal.
fn ulp(x: Decimal) -> Decimal {
    Decimal::new(1, x.scale())
}

/// Lowers a result that may have been rounded, so it is a sound lower bound.
fn down(x: Decimal, exact: bool) -> R {
    if exact { Ok(x) } else { x.checked_sub(ulp(x)).ok_or(ArithError::Overflow) }
}

/// Raises a result that may have been rounded, so it is a sound upper bound.
fn up(x: Decimal, exact: bool) -> R {
    if exact { Ok(x) } else { x.checked_add(ulp(x)).ok_or(ArithError::Overflow) }
}

/// A decimal's digits at a scale at least its own, as an integer, where it fits an `i128`: the scaled
/// integers in which sums and comparisons of the figures of a bulk run are made, exactly.
fn at_scale(d: Decimal, scale: u32) -> Option<i128> {
    d.mantissa().checked_mul(10i128.checked_pow(scale - d.scale())?)
}

/// Both decimals' digits at their larger scale, and that scale, where they fit.
fn scaled(a: Decimal, b: Decimal) -> Option<(i128, i128, u32)> {
    let scale = a.scale().max(b.scale());
    Some((at_scale(a, scale)?, at_scale(b, scale)?, scale))
}

/// The order of two decimals, in scaled integers where both fit (a point compared with a bound).
pub fn order(a: Decimal, b: Decimal) -> std::cmp::Ordering {
    scaled(a, b).map_or_else(|| a.cmp(&b), |(a, b, _)| a.cmp(&b))
}

/// [`at_most`] in scaled integers, where all three fit an `i128` at their largest scale.
fn at_most_scaled(x: Decimal, y: Decimal, tol: Decimal) -> Option<bool> {
    let scale = x.scale().max(y.scale()).max(tol.scale());
    Some(at_scale(x, scale)?.checked_sub(at_scale(y, scale)?)?.checked_sub(at_scale(tol, scale)?)? <= 0)
}

/// `a + b` in scaled integers where the sum fits a decimal without rounding: the same digits and
/// scale `rust_decimal` gives, which there works through a 192-bit buffer.
fn add_scaled(a: Decimal, b: Decimal) -> Option<Decimal> {
    if a.is_zero() || b.is_zero() {
        return None; // `rust_decimal` gives the other term as it is, at its own scale
    }
    let (a, b, scale) = scaled(a, b)?;
    let sum = a.checked_add(b)?;
    if sum == 0 {
        return None; // the sign and scale of a zero are left to `rust_decimal`
    }
    Decimal::try_from_i128_with_scale(sum, scale).ok()
}

/// `a + b`, and whether it is exact.
fn add(a: Decimal, b: Decimal) -> Result<(Decimal, bool), ArithError> {
    if let Some(sum) = add_scaled(a, b) {
        return Ok((sum, true));
    }
    let r = a.checked_add(b).ok_or(ArithError::Overflow)?;
    Ok((r, r.scale() >= a.scale().max(b.scale())))
}

/// `a * b` in scaled integers where the product fits a decimal as it is: the same digits and scale
/// `rust_decimal` gives.
fn mul_scaled(a: Decimal, b: Decimal) -> Option<Decimal> {
    let scale = a.scale() + b.scale();
    if a.is_zero() || b.is_zero() || scale > Decimal::MAX_SCALE {
        return None;
    }
    let product = a.mantissa().checked_mul(b.mantissa())?;
    Decimal::try_from_i128_with_scale(product, scale).ok()
}

/// `a * b`, and whether it is exact.
fn mul(a: Decimal, b: Decimal) -> Result<(Decimal, bool), ArithError> {
    if let Some(product) = mul_scaled(a, b) {
        return Ok((product, true));
    }
    let r = a.checked_mul(b).ok_or(ArithError::Overflow)?;
    // A product too small for 28 digits rounds to zero: exact only if a factor is zero.
    let exact = if r.is_zero() { a.is_zero() || b.is_zero() } else { r.scale() >= a.scale() + b.scale() };
    Ok((r, exact))
}

/// `a / b`, and whether it is exact.
fn div(a: Decimal, b: Decimal) -> Result<(Decimal, bool), ArithError> {
    if b.is_zero() {
        return Err(ArithError::DivisionByZero);
    }
    let r = a.checked_div(b).ok_or(ArithError::Overflow)?;
    Ok((r, multiplies_back(r, a, b)))
}

/// Whether `q * b` gives `a` back, as [`mul`] decides it: the product exact by its scale and equal.
/// In scaled integers where the digits' product fits an `i128` (an inexact quotient has some 28
/// digits, so its product is past what a decimal holds unrounded, which is all it takes to say no).
fn multiplies_back(q: Decimal, a: Decimal, b: Decimal) -> bool {
    if !q.is_zero()
        && let Some(product) = q.mantissa().checked_mul(b.mantissa())
    {
        let scale = q.scale() + b.scale();
        return scale <= Decimal::MAX_SCALE
            && product.unsigned_abs() < 1 << 96
            && order(Decimal::from_i128_with_scale(product, scale), a).is_eq();
    }
    match mul(q, b) {
        Ok((back, exact_back)) => exact_back && back == a,
        Err(_) => false,
    }
}

/// `a + b` exactly, or an error where the sum has more digits than a decimal carries (a unit
/// conversion or a written figure's interval never rounds).
pub fn exact_add(a: Decimal, b: Decimal) -> R {
    match add(a, b)? {
        (r, true) => Ok(r),
        _ => Err(ArithError::Overflow),
    }
}

/// `x × 10^exponent` exactly (the point moved, as a unit conversion does), or an error:
/// [`ArithError::TooPrecise`] where it needs more than 28 digits after the point,
/// [`ArithError::Overflow`] where it is too large.
pub fn shifted(x: Decimal, exponent: i32) -> R {
    let scale = x.scale() as i32 - exponent;
    if scale > Decimal::MAX_SCALE as i32 {
        return Err(ArithError::TooPrecise);
    }
    let grow = 10i128.checked_pow(scale.min(0).unsigned_abs()).ok_or(ArithError::Overflow)?;
    let mantissa = x.mantissa().checked_mul(grow).ok_or(ArithError::Overflow)?;
    Decimal::try_from_i128_with_scale(mantissa, scale.max(0) as u32).map_err(|_| ArithError::Overflow)
}

/// Whether `x - y <= tol`, decided exactly even where the difference has more digits than a
/// decimal carries: whole parts are subtracted in `i128`, and the fractions, each below one, in a
/// decimal that holds their sum exactly.
fn at_most(x: Decimal, y: Decimal, tol: Decimal) -> bool {
    at_most_scaled(x, y, tol).unwrap_or_else(|| at_most_decimal(x, y, tol))
}

/// [`at_most`] in decimals, for figures beyond an `i128` at a common scale.
fn at_most_decimal(x: Decimal, y: Decimal, tol: Decimal) -> bool {
    let whole = |d: Decimal| {
        let mut t = d.trunc();
        t.rescale(0);
        t.mantissa()
    };
    let wholes = whole(x) - whole(y) - whole(tol);
    if wholes.abs() >= 3 {
        return wholes < 0;
    }
    // Each fraction is below one in size with at most 28 digits after the point, so these sums
    // (below five in size) are exact.
    let fractions = x.fract() - y.fract() - tol.fract();
    Decimal::from_i128_with_scale(wholes, 0) + fractions <= Decimal::ZERO
}

impl Num {
    /// An exact value: its interval is the point itself.
    pub fn exact(point: Decimal, unit: Unit) -> Num {
        Num { lo: point, point, hi: point, unit }
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
        let (lo, e) = add(self.lo, other.lo)?;
        let (hi, f) = add(self.hi, other.hi)?;
        let (point, _) = add(self.point, other.point)?;
        Num::bounded(down(lo, e)?, point, up(hi, f)?, unit)
    }

    /// `-self`.
    pub fn neg(&self) -> Num {
        Num { lo: -self.hi, point: -self.point, hi: -self.lo, unit: self.unit }
    }

    /// `self - other`.
    pub fn sub(&self, other: &Num, unit: Unit) -> Result<Num, ArithError> {
        self.add(&other.neg(), unit)
    }

    /// `self * other`: the hull of the four corner products.
    pub fn mul(&self, other: &Num, unit: Unit) -> Result<Num, ArithError> {
        let (point, _) = mul(self.point, other.point)?;
        let corners =
            [mul(self.lo, other.lo)?, mul(self.lo, other.hi)?, mul(self.hi, other.lo)?, mul(self.hi, other.hi)?];
        Num::hull(corners, point, unit)
    }

    /// `self / other`: an error where the divisor is zero or may be.
    pub fn div(&self, other: &Num, unit: Unit) -> Result<Num, ArithError> {
        if other.point.is_zero() {
            return Err(ArithError::DivisionByZero);
        }
        if other.lo <= Decimal::ZERO && other.hi >= Decimal::ZERO {
            return Err(ArithError::DivisorMayBeZero);
        }
        let point = self.point.checked_div(other.point).ok_or(ArithError::Overflow)?;
        let corners =
            [div(self.lo, other.lo)?, div(self.lo, other.hi)?, div(self.hi, other.lo)?, div(self.hi, other.hi)?];
        Num::hull(corners, point, unit)
    }

    /// `|self|`.
    pub fn abs(&self) -> Num {
        if self.lo >= Decimal::ZERO {
            *self
        } else if self.hi <= Decimal::ZERO {
            self.neg()
        } else {
            Num { lo: Decimal::ZERO, point: self.point.abs(), hi: self.hi.max(-self.lo), unit: self.unit }
        }
    }

    /// The smaller of two values, bound by bound.
    pub fn min(&self, other: &Num) -> Num {
        Num {
            lo: self.lo.min(other.lo),
            point: self.point.min(other.point),
            hi: self.hi.min(other.hi),
            unit: self.unit,
        }
    }

    /// The larger of two values, bound by bound.
    pub fn max(&self, other: &Num) -> Num {
        Num {
            lo: self.lo.max(other.lo),
            point: self.point.max(other.point),
            hi: self.hi.max(other.hi),
            unit: self.unit,
        }
    }

    /// Rounds to `digits` after the point (in base units), half away from zero.
    pub fn round(&self, digits: u32) -> Num {
        let r = |x: Decimal| x.round_dp_with_strategy(digits, RoundingStrategy::MidpointAwayFromZero);
        Num { lo: r(self.lo), point: r(self.point), hi: r(self.hi), unit: self.unit }
    }

    /// Whether the two intervals share a value.
    pub fn meets(&self, other: &Num) -> bool {
        self.lo <= other.hi && other.lo <= self.hi
    }

    /// Whether the two intervals come within `tol` of each other (`a ~= b within tol`): the gap
    /// between them is at most `tol`. Decided exactly, and the same whichever side is `self`.
    pub fn within(&self, other: &Num, tol: Decimal) -> bool {
        at_most(self.lo, other.hi, tol) && at_most(other.lo, self.hi, tol)
    }

    /// The distance between two intervals that do not meet (zero where they do); `None` where it is
    /// too large to represent.
    pub fn gap(&self, other: &Num) -> Option<Decimal> {
        if self.hi < other.lo {
            other.lo.checked_sub(self.hi)
        } else if other.hi < self.lo {
            self.lo.checked_sub(other.hi)
        } else {
            Some(Decimal::ZERO)
        }
    }

    /// Widens the interval by `by` on both sides.
    pub fn widen(&self, by: Decimal) -> Result<Num, ArithError> {
        let lo = self.lo.checked_sub(by).ok_or(ArithError::Overflow)?;
        let hi = self.hi.checked_add(by).ok_or(ArithError::Overflow)?;
        Ok(Num { lo, hi, ..*self })
    }

    /// The hull of corner results, widened where a corner was rounded.
    fn hull(corners: [(Decimal, bool); 4], point: Decimal, unit: Unit) -> Result<Num, ArithError> {
        let mut lo = down(corners[0].0, corners[0].1)?;
        let mut hi = up(corners[0].0, corners[0].1)?;
        for &(c, exact) in &corners[1..] {
            lo = lo.min(down(c, exact)?);
            hi = hi.max(up(c, exact)?);
        }
        Num::bounded(lo, point, hi, unit)
    }

    /// A value whose point is kept inside its interval (a rounded point may stray by an ulp).
    fn bounded(lo: Decimal, point: Decimal, hi: Decimal, unit: Unit) -> Result<Num, ArithError> {
        Ok(Num { lo, point: point.clamp(lo, hi), hi, unit })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decimals of every size and scale, from a fixed seed.
    fn decimals(n: usize) -> Vec<Decimal> {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        (0..n)
            .map(|i| {
                let digits = (next() % 29) as u32;
                let m = ((next() >> 1) as i128 * (next() >> 1) as i128) % 10i128.pow(digits.max(1));
                Decimal::from_i128_with_scale(if i % 3 == 0 { -m } else { m }, (next() % 29) as u32)
            })
            .collect()
    }

    #[test]
    fn scaled_integers_add_and_compare_as_decimal_arithmetic_does() {
        let ds = decimals(400);
        let (mut sums, mut compared) = (0, 0);
        for (i, &a) in ds.iter().enumerate() {
            for &b in &ds[i..] {
                if let Some(sum) = add_scaled(a, b) {
                    sums += 1;
                    let exact = a.checked_add(b).unwrap();
                    assert_eq!((sum.mantissa(), sum.scale()), (exact.mantissa(), exact.scale()), "{a} + {b}");
                }
                assert_eq!(order(a, b), a.cmp(&b), "{a} <=> {b}");
                for tol in [Decimal::ZERO, Decimal::new(5, 2), b.abs()] {
                    if let Some(holds) = at_most_scaled(a, b, tol) {
                        compared += 1;
                        assert_eq!(holds, at_most_decimal(a, b, tol), "{a} - {b} <= {tol}");
                    }
                }
            }
        }
        assert!(sums > 10_000 && compared > 30_000, "{sums} sums, {compared} comparisons on the scaled path");
    }

    #[test]
    fn scaled_products_are_what_decimal_arithmetic_gives() {
        let ds = decimals(300);
        let mut products = 0;
        for (i, &a) in ds.iter().enumerate() {
            for &b in &ds[i..] {
                if let Some(product) = mul_scaled(a, b) {
                    products += 1;
                    let exact = a.checked_mul(b).unwrap();
                    assert_eq!((product.mantissa(), product.scale()), (exact.mantissa(), exact.scale()), "{a} * {b}");
                }
            }
        }
        assert!(products > 10_000, "{products} products on the scaled path");
        let mut quotients = 0;
        for (i, &a) in ds.iter().enumerate().step_by(3) {
            for &b in ds[i..].iter().step_by(2).filter(|b| !b.is_zero()) {
                for (x, y) in [
                    (a, b),
                    (a.trunc(), b),
                    (Decimal::ONE, b),
                    (a, Decimal::new(4, 1)),
                    (b.checked_mul(a).unwrap_or(a), b),
                ] {
                    let Some(q) = x.checked_div(y) else { continue };
                    quotients += 1;
                    let by_decimals = match q.checked_mul(y) {
                        Some(back) => {
                            let exact = if back.is_zero() {
                                q.is_zero() || y.is_zero()
                            } else {
                                back.scale() >= q.scale() + y.scale()
                            };
                            exact && back == x
                        }
                        None => false,
                    };
                    assert_eq!(multiplies_back(q, x, y), by_decimals, "{x} / {y} = {q}");
                }
            }
        }
        assert!(quotients > 5_000);
    }

    fn n(lo: &str, point: &str, hi: &str) -> Num {
        Num { lo: lo.parse().unwrap(), point: point.parse().unwrap(), hi: hi.parse().unwrap(), unit: Unit::None }
    }

    #[test]
    fn division_widens_inexact_bounds() {
        let r = n("1", "1", "1").div(&n("3", "3", "3"), Unit::None).unwrap();
        assert!(r.lo < r.point && r.point <= r.hi);
        assert!(r.lo * Decimal::from(3) < Decimal::ONE && r.hi * Decimal::from(3) > Decimal::ONE);
    }

    #[test]
    fn division_by_zero_is_an_error() {
        let one = n("1", "1", "1");
        assert_eq!(one.div(&n("0", "0", "0"), Unit::None), Err(ArithError::DivisionByZero));
        assert_eq!(one.div(&n("-0.5", "0.1", "0.5"), Unit::None), Err(ArithError::DivisorMayBeZero));
    }

    #[test]
    fn overflow_is_an_error() {
        let big = Num::exact(Decimal::from_scientific("7e27").unwrap(), Unit::None);
        assert_eq!(big.mul(&big, Unit::None), Err(ArithError::Overflow));
    }

    #[test]
    fn within_is_decided_exactly_where_the_gap_has_too_many_digits() {
        // 7.925 - 2.9249999999999999999999999995 is 5.0000000000000000000000000005, just over 5
        let a = n("7.925", "7.93", "7.935");
        let b = n("2.9249999999999999999999999985", "2.924999999999999999999999999", "2.9249999999999999999999999995");
        let five: Decimal = "5".parse().unwrap();
        assert!(!a.within(&b, five) && !b.within(&a, five));
        let more: Decimal = "5.000000000000000000000000001".parse().unwrap();
        assert!(a.within(&b, more) && b.within(&a, more));
    }

    #[test]
    fn shifts_move_the_point_exactly_or_fail() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(shifted(d("0.3333333333333333333333333333"), 9), Ok(d("333333333.3333333333333333333")));
        assert_eq!(shifted(d("12.5"), -2), Ok(d("0.125")));
        assert_eq!(shifted(d("0.000000000000000000000000001"), -4), Err(ArithError::TooPrecise));
        assert_eq!(shifted(d("79228162514264337593543950335"), 1), Err(ArithError::Overflow));
        assert_eq!(
            exact_add(d("12.345678901234567890123456788"), d("0.0000000000000000000000000005")),
            Err(ArithError::Overflow)
        );
    }

    #[test]
    fn rounding_is_half_away_from_zero() {
        assert_eq!(n("2.5", "2.5", "2.5").round(0).point, Decimal::from(3));
        assert_eq!(n("-2.5", "-2.5", "-2.5").round(0).point, Decimal::from(-3));
    }
}
