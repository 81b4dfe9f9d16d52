//! Exact fractions in machine words and intervals of them: the arithmetic of [`crate::num::Num`]
//! (its point and its rounding interval), each operation the evaluator's, with `None` wherever a
//! product or sum would not fit (the check then goes to the evaluator).

use std::cmp::Ordering;

use crate::num::real::power_of_ten;
use crate::num::small::{self, Parts};
use crate::num::{Num, Quantity, Real, Unit};

/// `n / d`, `d > 0`, not necessarily in lowest terms.
pub type Frac = Parts;

pub const ZERO: Frac = (0, 1);
pub const ONE: Frac = (1, 1);

/// The order of two fractions, exactly: by numerators over one denominator (figures of one scale),
/// by cross products where they fit `i128`, else in 256 bits.
pub fn cmp((an, ad): Frac, (bn, bd): Frac) -> Ordering {
    if ad == bd {
        return an.cmp(&bn);
    }
    if let Some([an, ad, bn, bd]) = narrow([an, ad, bn, bd]) {
        return wide(an, bd).cmp(&wide(bn, ad));
    }
    match (an.checked_mul(bd), bn.checked_mul(ad)) {
        (Some(left), Some(right)) => left.cmp(&right),
        _ => small::cmp((an, ad), (bn, bd)),
    }
}

/// `a + b`: over the larger of two power-of-ten-like denominators where one divides the other
/// (decimals of different scales), else over their product; reduced first where that overflows.
pub fn add(a: Frac, b: Frac) -> Option<Frac> {
    let direct = |(an, ad): Frac, (bn, bd): Frac| {
        if ad == bd {
            Some((an.checked_add(bn)?, ad))
        } else if bn == 0 {
            Some((an, ad))
        } else if an == 0 {
            Some((bn, bd))
        } else if let Some(k) = quotient(ad, bd) {
            Some((an.checked_add(times(bn, k)?)?, ad))
        } else if let Some(k) = quotient(bd, ad) {
            Some((times(an, k)?.checked_add(bn)?, bd))
        } else if let Some([an, ad, bn, bd]) = narrow([an, ad, bn, bd]) {
            // `small::add`'s cross products, which cannot overflow here
            Some((wide(an, bd).checked_add(wide(bn, ad))?, wide(ad, bd)))
        } else {
            small::add((an, ad), (bn, bd))
        }
    };
    direct(a, b).or_else(|| direct(small::reduced(a), small::reduced(b)))
}

/// Four parts of fractions where each fits 64 bits: a product of two then fits `i128` ([`wide`]), a
/// 64-bit multiply where a checked `i128` one is a long sequence.
#[inline]
fn narrow(parts: [i128; 4]) -> Option<[i64; 4]> {
    let [a, b, c, d] = parts.map(|x| i64::try_from(x).ok());
    Some([a?, b?, c?, d?])
}

/// `a * b` where it fits `i128`: by one 64-bit multiply where both fit 64 bits.
#[inline]
pub fn times(a: i128, b: i128) -> Option<i128> {
    match (i64::try_from(a), i64::try_from(b)) {
        (Ok(a), Ok(b)) => Some(wide(a, b)),
        _ => a.checked_mul(b),
    }
}

/// `a - 1` as [`sub`] writes it (the same numerator and denominator), without its search for a
/// common denominator: a growth is a quotient less one.
#[inline]
pub fn less_one((n, d): Frac) -> Option<Frac> {
    match n.checked_sub(d) {
        // `add` takes the other term as it is where this one is zero
        _ if n == 0 => Some((-1, 1)),
        Some(m) => Some((m, d)),
        None => sub((n, d), ONE),
    }
}

/// `x * y`, exactly: below `2^126` in magnitude.
#[inline]
fn wide(x: i64, y: i64) -> i128 {
    i128::from(x) * i128::from(y)
}

/// `n / d` where `d` divides `n` (both positive), in 64 bits where both fit (an `i128` division
/// is a call, a `u64` one an instruction).
fn quotient(n: i128, d: i128) -> Option<i128> {
    match (u64::try_from(n), u64::try_from(d)) {
        (Ok(n), Ok(d)) => n.is_multiple_of(d).then(|| i128::from(n / d)),
        _ => (n % d == 0).then(|| n / d),
    }
}

/// `-a`.
pub fn neg((n, d): Frac) -> Option<Frac> {
    Some((n.checked_neg()?, d))
}

/// `a - b`.
pub fn sub(a: Frac, b: Frac) -> Option<Frac> {
    add(a, neg(b)?)
}

/// `a * b`, reduced first where the products overflow.
pub fn mul(a: Frac, b: Frac) -> Option<Frac> {
    small::mul(a, b).or_else(|| small::mul(small::reduced(a), small::reduced(b)))
}

/// `a / b` for `b` not zero.
pub fn div(a: Frac, b: Frac) -> Option<Frac> {
    small::div(a, b).or_else(|| small::div(small::reduced(a), small::reduced(b)))
}

/// `|a|`.
pub fn abs((n, d): Frac) -> Option<Frac> {
    Some((n.checked_abs()?, d))
}

/// `10^k` where it fits (up to `10^38`, below `i128::MAX`), from [`power_of_ten`]'s table: every
/// figure read scales by one.
#[inline]
pub fn ten_to(k: u32) -> Option<i128> {
    power_of_ten(i64::from(k)).map(|p| p as i128)
}

/// An exact value of the evaluator as a fraction: a decimal or a small rational.
pub fn of_real(r: &Real) -> Option<Frac> {
    match r {
        Real::Dec(d) => Some((d.mantissa(), ten_to(d.scale())?)),
        Real::Small(s) => Some(s.parts()),
        Real::Big(_) => None,
    }
}

/// A value: its point, the interval that surely holds it, its unit, as [`Num`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Val {
    pub lo: Frac,
    pub pt: Frac,
    pub hi: Frac,
    pub unit: Unit,
}

impl Val {
    /// The evaluator's value, where each part is a fraction of machine words.
    pub fn of_num(n: &Num) -> Option<Val> {
        Some(Val { lo: of_real(&n.lo)?, pt: of_real(&n.point)?, hi: of_real(&n.hi)?, unit: n.unit })
    }

    /// A written figure, `digits` with `scale` digits after the point in `unit`: the point and half
    /// its last digit either side, in the unit's base ([`crate::num::Quantity::rounded`]).
    pub fn figure(digits: i128, scale: u32, unit: Unit) -> Option<Val> {
        let tenfold = digits.checked_mul(10)?;
        // everything in tenths of the last digit: 10^(exponent - scale - 1)
        let exponent = unit.exponent() - scale as i32 - 1;
        let (k, d) = if exponent >= 0 { (ten_to(exponent as u32)?, 1) } else { (1, ten_to(exponent.unsigned_abs())?) };
        let at = |n: i128| Some((n.checked_mul(k)?, d));
        Some(Val { lo: at(tenfold - 5)?, pt: at(tenfold)?, hi: at(tenfold + 5)?, unit })
    }

    /// A bound of a range as written, as the evaluator reads it: a figure.
    pub fn bound(q: &Quantity) -> Option<Val> {
        Val::figure(q.value.mantissa(), q.value.scale(), q.unit)
    }

    /// An exact value.
    pub fn exact(value: Frac, unit: Unit) -> Val {
        Val { lo: value, pt: value, hi: value, unit }
    }

    /// Whether the interval is a single point.
    pub fn is_exact(&self) -> bool {
        cmp(self.lo, self.hi).is_eq()
    }

    /// Whether this is a zero written without a unit ([`crate::eval::units::is_bare_zero`]): the
    /// evaluator gives it the unit of what it meets, which kernels leave to it.
    pub fn is_bare_zero(&self) -> bool {
        self.unit == Unit::None && self.pt.0 == 0
    }

    /// [`Num::neg`].
    pub fn neg(self) -> Option<Val> {
        Some(Val { lo: neg(self.hi)?, pt: neg(self.pt)?, hi: neg(self.lo)?, unit: self.unit })
    }

    /// [`Num::add`].
    pub fn add(self, o: Val, unit: Unit) -> Option<Val> {
        Some(Val { lo: add(self.lo, o.lo)?, pt: add(self.pt, o.pt)?, hi: add(self.hi, o.hi)?, unit })
    }

    /// [`Num::sub`].
    pub fn sub(self, o: Val, unit: Unit) -> Option<Val> {
        Some(Val { lo: sub(self.lo, o.hi)?, pt: sub(self.pt, o.pt)?, hi: sub(self.hi, o.lo)?, unit })
    }

    /// `self - 1` ([`Val::sub`] of an exact one), each part as `sub` writes it.
    pub fn less_one(self, unit: Unit) -> Option<Val> {
        Some(Val { lo: less_one(self.lo)?, pt: less_one(self.pt)?, hi: less_one(self.hi)?, unit })
    }

    /// [`Num::mul`]: the hull of the corner products.
    pub fn mul(self, o: Val, unit: Unit) -> Option<Val> {
        let pt = mul(self.pt, o.pt)?;
        if self.is_exact() && o.is_exact() {
            return Some(Val { lo: pt, pt, hi: pt, unit });
        }
        let corners = [mul(self.lo, o.lo)?, mul(self.lo, o.hi)?, mul(self.hi, o.lo)?, mul(self.hi, o.hi)?];
        let lo = corners.into_iter().min_by(|a, b| cmp(*a, *b))?;
        let hi = corners.into_iter().max_by(|a, b| cmp(*a, *b))?;
        Some(Val { lo, pt, hi, unit })
    }

    /// [`Num::div`]; `None` where the divisor is zero or its interval holds zero (the evaluator's
    /// error).
    pub fn div(self, o: Val, unit: Unit) -> Option<Val> {
        let sign = |f: Frac| f.0.cmp(&0);
        if o.pt.0 == 0 || (!sign(o.lo).is_gt() && !sign(o.hi).is_lt()) {
            return None;
        }
        let pt = div(self.pt, o.pt)?;
        if self.is_exact() && o.is_exact() {
            return Some(Val { lo: pt, pt, hi: pt, unit });
        }
        let nonneg = |f: Frac| !sign(f).is_lt();
        let (lo, hi) = if sign(o.lo).is_gt() {
            let lo = if nonneg(self.lo) { div(self.lo, o.hi)? } else { div(self.lo, o.lo)? };
            let hi = if nonneg(self.hi) { div(self.hi, o.lo)? } else { div(self.hi, o.hi)? };
            (lo, hi)
        } else {
            let lo = if nonneg(self.hi) { div(self.hi, o.hi)? } else { div(self.hi, o.lo)? };
            let hi = if nonneg(self.lo) { div(self.lo, o.lo)? } else { div(self.lo, o.hi)? };
            (lo, hi)
        };
        Some(Val { lo, pt, hi, unit })
    }

    /// [`Num::abs`].
    pub fn abs(self) -> Option<Val> {
        if self.lo.0 >= 0 {
            Some(self)
        } else if self.hi.0 <= 0 {
            self.neg()
        } else {
            let neg_lo = neg(self.lo)?;
            let hi = if cmp(self.hi, neg_lo).is_ge() { self.hi } else { neg_lo };
            Some(Val { lo: ZERO, pt: abs(self.pt)?, hi, unit: self.unit })
        }
    }
}

/// Whether `x - y <= tol` ([`crate::num::real::at_most`]).
pub fn at_most(x: Frac, y: Frac, tol: Frac) -> Option<bool> {
    Some(cmp(x, add(y, tol)?).is_le())
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use rust_decimal::Decimal;

    use super::*;
    use crate::num::{Currency, Scale};

    /// Whether a value of the evaluator and a kernel's are the same numbers, part by part.
    fn same(n: &Num, v: &Val) -> bool {
        let Some(w) = Val::of_num(n) else { return true }; // a big rational: nothing to compare
        [(w.lo, v.lo), (w.pt, v.pt), (w.hi, v.hi)].iter().all(|(a, b)| cmp(*a, *b).is_eq()) && n.unit == v.unit
    }

    fn unit(i: u8) -> Unit {
        [
            Unit::Money(Currency(*b"USD"), Scale::Million),
            Unit::Money(Currency(*b"USD"), Scale::Billion),
            Unit::Ratio(crate::num::RatioStyle::Percent),
            Unit::None,
        ][usize::from(i % 4)]
    }

    fn figure() -> impl Strategy<Value = (i64, u32, u8)> {
        let digits = prop_oneof![-20i64..20, any::<i64>(), -1_000_000i64..1_000_000];
        (digits, 0u32..28, any::<u8>())
    }

    proptest! {
        #[test]
        fn figures_and_their_arithmetic_are_the_evaluators((da, sa, ua) in figure(), (db, sb, ub) in figure()) {
            let num = |d: i64, s: u32, u: u8| Quantity::new(Decimal::new(d, s), unit(u)).rounded();
            let (Ok(a), Ok(b)) = (num(da, sa, ua), num(db, sb, ub)) else { return Ok(()) };
            let (Some(x), Some(y)) = (Val::figure(i128::from(da), sa, unit(ua)), Val::figure(i128::from(db), sb, unit(ub)))
            else {
                return Ok(());
            };
            prop_assert!(same(&a, &x) && same(&b, &y));
            let u = Unit::None;
            let pairs = [
                (a.add(&b, u).ok(), x.add(y, u)),
                (a.sub(&b, u).ok(), x.sub(y, u)),
                (a.mul(&b, u).ok(), x.mul(y, u)),
                (a.div(&b, u).ok(), x.div(y, u)),
                (Some(a.abs()), x.abs()),
                (Some(a.neg()), x.neg()),
            ];
            for (i, (n, v)) in pairs.iter().enumerate() {
                match (n, v) {
                    (Some(n), Some(v)) => prop_assert!(same(n, v), "op {i}: {n:?} against {v:?}"),
                    // a kernel may give up (an overflow) where the evaluator has a value, never the reverse
                    (None, Some(v)) => prop_assert!(false, "op {i}: the evaluator errs, the kernel gives {v:?}"),
                    _ => {}
                }
            }
            let tol = (1, 100);
            let within = a.within(&b, &Real::Dec(Decimal::new(1, 2))).ok();
            let kernel = at_most(x.lo, y.hi, tol).zip(at_most(y.lo, x.hi, tol)).map(|(p, q)| p && q);
            if let (Some(w), Some(k)) = (within, kernel) {
                prop_assert_eq!(w, k);
            }
        }

        /// The 64-bit cross products of `cmp` and `add` give what 128 and 256 bits give
        /// (`small::`), at the edges of 64 bits too.
        #[test]
        fn narrow_cross_products_are_the_wide_ones(
            (an, bn) in (part(), part()),
            (ad, bd) in (part().prop_map(|d| d.unsigned_abs().max(1) as i128), part().prop_map(|d| d.unsigned_abs().max(1) as i128)),
        ) {
            let (a, b) = ((an, ad), (bn, bd));
            prop_assert_eq!(cmp(a, b), small::cmp(a, b));
            if let (Some(sum), Some(slow)) = (add(a, b), small::add(a, b))
                && ad != bd
                && ad % bd != 0
                && bd % ad != 0
                && an != 0
                && bn != 0
            {
                prop_assert_eq!(sum, slow);
            }
            if let Some(sum) = add(a, b) {
                // the same number however it is written
                prop_assert_eq!(small::cmp(sum, small::add(small::reduced(a), small::reduced(b)).unwrap_or(sum)), Ordering::Equal);
            }
        }
    }

    proptest! {
        /// A growth's `- 1` is `sub`'s, part for part.
        #[test]
        fn less_one_is_sub_of_one(n in part(), d in part().prop_map(|d| d.unsigned_abs().max(1).min(i128::MAX as u128) as i128)) {
            prop_assert_eq!(less_one((n, d)), sub((n, d), ONE));
            prop_assert_eq!(times(n, d), n.checked_mul(d));
        }
    }

    fn part() -> impl Strategy<Value = i128> {
        prop_oneof![
            -1000i128..1000,
            any::<i64>().prop_map(i128::from),
            Just(i128::from(i64::MAX)),
            Just(i128::from(i64::MIN)),
            Just(i128::from(i64::MAX) + 1),
            Just(i128::from(i64::MIN) - 1),
            any::<i128>(),
        ]
    }
}
