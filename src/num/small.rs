//! Small exact rationals: a numerator in an `i64` over a denominator in a `u64`, in lowest terms,
//! and the integer arithmetic [`super::real::Real`] makes them with before it reaches for a big
//! rational.
//!
//! A margin is a quotient of two figures that almost never terminates, and its digits over its
//! divisor's fit 64 bits each: kept here it is copied like a decimal, reduced with a binary gcd in
//! machine words and compared with a decimal by cross products in 256 bits, with no allocation.
//! Every operation works on `(numerator, positive denominator)` pairs in `i128` and says `None`
//! where an intermediate overflows; the caller then does the same in big integers, so a value is
//! never rounded and overflow only costs time.

use std::cmp::Ordering;

/// A rational `n / d` in lowest terms with `d >= 2` and `|n| <= i64::MAX`, and never a value a
/// decimal holds (that one is a `Decimal`): made by [`super::real::Real`] only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Small {
    pub(super) n: i64,
    pub(super) d: u64,
}

/// A numerator and a positive denominator, not necessarily in lowest terms.
pub type Parts = (i128, i128);

impl Small {
    /// The pair as a small rational where both fit (`n / d` must be in lowest terms, `d > 0`).
    pub(super) fn fit(n: i128, d: i128) -> Option<Small> {
        let n = i64::try_from(n).ok().filter(|n| *n != i64::MIN)?;
        Some(Small { n, d: u64::try_from(d).ok()? })
    }

    /// The numerator and the denominator as [`Parts`].
    pub fn parts(self) -> Parts {
        (i128::from(self.n), i128::from(self.d))
    }

    /// `-self`.
    pub fn negated(self) -> Small {
        Small { n: -self.n, d: self.d }
    }
}

/// Stein's binary gcd of two non-zero integers of one width: one body for `u64` and `u128`.
macro_rules! binary_gcd {
    ($a:expr, $b:expr) => {{
        let (a, b) = ($a, $b);
        let shift = (a | b).trailing_zeros();
        let (mut a, mut b) = (a >> a.trailing_zeros(), b);
        loop {
            b >>= b.trailing_zeros();
            if a > b {
                std::mem::swap(&mut a, &mut b);
            }
            b -= a;
            if b == 0 {
                break a << shift;
            }
        }
    }};
}

/// The greatest common divisor, by the binary algorithm (in 64 bits where both fit).
pub fn gcd(a: u128, b: u128) -> u128 {
    if a == 0 || b == 0 {
        return a | b;
    }
    if let (Ok(a), Ok(b)) = (u64::try_from(a), u64::try_from(b)) {
        return u128::from(binary_gcd!(a, b));
    }
    binary_gcd!(a, b)
}

/// The greatest common divisor of two 64-bit words, by the binary algorithm.
pub fn gcd64(a: u64, b: u64) -> u64 {
    if a == 0 || b == 0 {
        return a | b;
    }
    binary_gcd!(a, b)
}

/// `n / d` in lowest terms (`d > 0`; zero is `0 / 1`).
pub fn reduced((n, d): Parts) -> Parts {
    // in 64-bit words where both fit: a division in 128 bits is a call of some hundred instructions
    if let (Ok(m), Ok(e)) = (u64::try_from(n.unsigned_abs()), u64::try_from(d)) {
        let g = gcd64(m, e);
        let m = i128::from(m / g);
        return (if n < 0 { -m } else { m }, i128::from(e / g));
    }
    let g = gcd(n.unsigned_abs(), d.unsigned_abs()) as i128; // at most `d`, so it fits
    (n / g, d / g)
}

/// `a + b`, where the cross products fit.
pub fn add((an, ad): Parts, (bn, bd): Parts) -> Option<Parts> {
    if ad == bd {
        return Some((an.checked_add(bn)?, ad));
    }
    Some((an.checked_mul(bd)?.checked_add(bn.checked_mul(ad)?)?, ad.checked_mul(bd)?))
}

/// `a * b`, where the products fit.
pub fn mul((an, ad): Parts, (bn, bd): Parts) -> Option<Parts> {
    Some((an.checked_mul(bn)?, ad.checked_mul(bd)?))
}

/// `a / b` for `b` not zero, where the products fit.
pub fn div((an, ad): Parts, (bn, bd): Parts) -> Option<Parts> {
    let (n, d) = (an.checked_mul(bd)?, ad.checked_mul(bn)?);
    Some(if d < 0 { (n.checked_neg()?, d.checked_neg()?) } else { (n, d) })
}

/// The order of `a` and `b`, exactly: the cross products in 256 bits, so it never overflows.
pub fn cmp((an, ad): Parts, (bn, bd): Parts) -> Ordering {
    let signs = an.signum().cmp(&bn.signum());
    if signs.is_ne() || an == 0 {
        return signs;
    }
    let negative = an < 0;
    let (an, ad, bn, bd) = (an.unsigned_abs(), ad.unsigned_abs(), bn.unsigned_abs(), bd.unsigned_abs());
    // each term in 64 bits (a margin against a figure, as a rule compares them): one product each
    let (left, right) = if (an | ad | bn | bd) >> 64 == 0 {
        ((0, an * bd), (0, bn * ad))
    } else {
        (mul_wide(an, bd), mul_wide(bn, ad))
    };
    if negative { right.cmp(&left) } else { left.cmp(&right) }
}

/// The full product of two 128-bit words, as its high and low words.
pub fn mul_wide(a: u128, b: u128) -> (u128, u128) {
    const LOW: u128 = u64::MAX as u128;
    let (a1, a0, b1, b0) = (a >> 64, a & LOW, b >> 64, b & LOW);
    let (p00, p01, p10, p11) = (a0 * b0, a0 * b1, a1 * b0, a1 * b1);
    let mid = (p00 >> 64) + (p01 & LOW) + (p10 & LOW); // below 3 * 2^64
    (p11 + (p01 >> 64) + (p10 >> 64) + (mid >> 64), (p00 & LOW) | (mid << 64))
}

/// The scale of the decimal a reduced denominator makes: `Some(k)` where `d` divides `10^k` (it has
/// no prime factor but 2 and 5) with `k` at most `max`, the least such `k`.
pub fn decimal_scale(d: i128, max: u32) -> Option<u32> {
    let twos = d.trailing_zeros();
    if twos > max {
        return None;
    }
    let (rest, fives) = without_fives(u128::try_from(d >> twos).ok()?, max)?;
    (rest == 1).then_some(twos.max(fives))
}

/// `m` (not zero) with its factors of five divided out, and how many there were; `None` where there
/// are more than `max`. In a 64-bit word once `m` fits one, since a remainder in 128 bits is a call.
pub fn without_fives(mut m: u128, max: u32) -> Option<(u128, u32)> {
    let mut fives = 0;
    loop {
        let next = match u64::try_from(m) {
            Ok(w) => w.is_multiple_of(5).then(|| u128::from(w / 5)),
            Err(_) if m.is_multiple_of(5) => Some(m / 5),
            Err(_) => None,
        };
        let Some(next) = next else { return Some((m, fives)) };
        if fives == max {
            return None;
        }
        m = next;
        fives += 1;
    }
}

/// `n / d` rounded to an integer half away from zero (`d > 0`).
pub fn round_half_away(n: i128, d: i128) -> i128 {
    let (q, r) = (n / d, n % d);
    if r.unsigned_abs() >= d.unsigned_abs() - r.unsigned_abs() { q + n.signum() } else { q }
}

#[cfg(test)]
mod tests {
    use num_bigint::BigUint;

    use super::*;

    #[test]
    fn wide_products_are_full_products() {
        let edges = [0u128, 1, 2, 3, u64::MAX as u128, 1 << 64, (1 << 64) + 1, u128::MAX / 3, u128::MAX - 1, u128::MAX];
        for &a in &edges {
            for &b in &edges {
                let (hi, lo) = mul_wide(a, b);
                let want = BigUint::from(a) * BigUint::from(b);
                assert_eq!((BigUint::from(hi) << 128u32) + BigUint::from(lo), want, "{a} * {b}");
            }
        }
    }

    #[test]
    fn orders_in_64_bits_are_those_of_full_products() {
        let ends = [1i128, 2, 3, 7, 10, 999_999_999_999, i64::MAX as i128, u64::MAX as i128, 1 << 64, (1 << 95) + 7];
        for &an in &ends {
            for &ad in &ends {
                for &bn in &ends {
                    for &bd in &ends {
                        for (an, bn) in [(an, bn), (-an, -bn), (an, -bn), (-an, bn)] {
                            let (left, right) =
                                (mul_wide(an.unsigned_abs(), bd as u128), mul_wide(bn.unsigned_abs(), ad as u128));
                            let want = match (an < 0, bn < 0) {
                                (false, false) => left.cmp(&right),
                                (true, true) => right.cmp(&left),
                                (false, true) => Ordering::Greater,
                                (true, false) => Ordering::Less,
                            };
                            assert_eq!(cmp((an, ad), (bn, bd)), want, "{an}/{ad} <=> {bn}/{bd}");
                        }
                    }
                }
            }
        }
        assert_eq!(cmp((0, 3), (0, 7)), Ordering::Equal);
        assert_eq!(cmp((0, 3), (-1, 7)), Ordering::Greater);
    }

    #[test]
    fn gcd_and_rounding_at_the_edges() {
        assert_eq!(gcd(0, 0), 0);
        assert_eq!(gcd(0, 12), 12);
        assert_eq!(gcd(1 << 100, 3 << 90), 1 << 90);
        assert_eq!(gcd(u128::MAX, u128::MAX - 1), 1);
        assert_eq!(reduced((-12, 18)), (-2, 3));
        assert_eq!(reduced((0, 7)), (0, 1));
        assert_eq!(
            [round_half_away(5, 2), round_half_away(-5, 2), round_half_away(4, 3), round_half_away(-5, 3)],
            [3, -3, 1, -2]
        );
        assert_eq!(decimal_scale(40, 28), Some(3)); // 1/40 is 0.025
        assert_eq!(decimal_scale(3, 28), None);
        assert_eq!(decimal_scale(1 << 29, 28), None);
        assert_eq!(decimal_scale(5i128.pow(28), 28), Some(28));
        assert_eq!(decimal_scale(5i128.pow(29), 28), None);
    }
}
