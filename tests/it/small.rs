//! The small-rational path of exact arithmetic agrees with big rationals: every operation on
//! values that are small rationals, decimals or big rationals gives the exact result in its one
//! form (a decimal where one holds it, a small rational where numerator and denominator fit 64 bits,
//! else a big rational), every comparison orders as the rationals do, and values at the edges of
//! `i64` and `i128` promote to big rationals without error or rounding.

use std::cmp::Ordering;

use num_bigint::{BigInt, BigUint};
use num_rational::BigRational;
use num_traits::{Signed, Zero};
use proptest::prelude::*;
use rust_decimal::Decimal;
use tickmark::num::Real;
use tickmark::num::real::Rounding;
use tickmark::num::small;

/// A value as an exact rational.
fn real(r: &Real) -> BigRational {
    r.rational().into_owned()
}

/// A rational as a value.
fn value(r: BigRational) -> Real {
    Real::from_rational(r).unwrap()
}

/// Which form the one form of a rational is: `"dec"`, `"small"` or `"big"`, by the oracle alone.
fn form_of(r: &BigRational) -> &'static str {
    let twos_and_fives = {
        let mut d = r.denom().clone();
        let (two, five) = (BigInt::from(2), BigInt::from(5));
        let (mut twos, mut fives) = (0, 0);
        while (&d % &two).is_zero() {
            d /= &two;
            twos += 1;
        }
        while (&d % &five).is_zero() {
            d /= &five;
            fives += 1;
        }
        (d == BigInt::from(1)).then_some(std::cmp::max(twos, fives))
    };
    let decimal = twos_and_fives.is_some_and(|scale: u32| {
        scale <= 28 && (r.numer() * BigInt::from(10).pow(scale) / r.denom()).abs() < BigInt::from(1u128 << 96)
    });
    let small = r.numer().abs() <= BigInt::from(i64::MAX) && *r.denom() <= BigInt::from(u64::MAX);
    if decimal {
        "dec"
    } else if small {
        "small"
    } else {
        "big"
    }
}

/// The form a value is in.
fn form(r: &Real) -> &'static str {
    match r {
        Real::Dec(_) => "dec",
        Real::Small(_) => "small",
        Real::Big(_) => "big",
    }
}

/// Integers around the edges where the small path overflows: `i64`, `u64`, 96 bits and `i128`.
fn edge_integer() -> impl Strategy<Value = BigInt> {
    let edges = [
        BigInt::from(i64::MAX),
        BigInt::from(i64::MAX) + 1,
        BigInt::from(u64::MAX),
        BigInt::from(u64::MAX) + 1,
        BigInt::from(1u128 << 96),
        BigInt::from(i128::MAX),
        BigInt::from(i128::MAX) + 1,
        BigInt::from(u128::MAX),
    ];
    (proptest::sample::select(edges.to_vec()), -3i32..=3).prop_map(|(e, k)| e + k)
}

/// Numerators and denominators: figures' digits, margins' parts, and the edges.
fn integer() -> impl Strategy<Value = BigInt> {
    prop_oneof![
        3 => (1i64..1_000_000_000).prop_map(BigInt::from),
        2 => any::<u64>().prop_map(|n| BigInt::from(n.max(1))),
        1 => (1i64..50).prop_map(BigInt::from),
        2 => edge_integer(),
    ]
}

/// A value of any form, the edges of every form included.
fn any_value() -> impl Strategy<Value = Real> {
    let rational = (integer(), integer(), any::<bool>(), 0u32..4).prop_map(|(n, d, negative, tens)| {
        let n = if negative { -n } else { n };
        value(BigRational::new(n, d * BigInt::from(10).pow(tens)))
    });
    let decimal = (any::<i64>(), 0u32..=28).prop_map(|(m, s)| Real::from(Decimal::new(m, s)));
    let zero = Just(Real::ZERO);
    prop_oneof![4 => rational, 2 => decimal, 1 => zero]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Every value is in its one form, and `+`, `-`, `*`, `/` give the exact result in its one form.
    #[test]
    fn operations_are_exact_in_the_one_form(a in any_value(), b in any_value()) {
        let (p, q) = (real(&a), real(&b));
        prop_assert_eq!(form(&a), form_of(&p), "{:?}", a);
        let results = [(a.add(&b), &p + &q), (a.sub(&b), &p - &q), (a.mul(&b), &p * &q)];
        for (got, want) in results {
            let got = got.unwrap();
            prop_assert_eq!(real(&got), want.clone());
            prop_assert_eq!(form(&got), form_of(&want), "{:?} for {}", got, want);
            prop_assert_eq!(got, value(want)); // equality is equality of values
        }
        match a.div(&b) {
            Ok(got) => {
                prop_assert_eq!(real(&got), &p / &q);
                prop_assert_eq!(form(&got), form_of(&(&p / &q)));
            }
            Err(_) => prop_assert!(q.is_zero()),
        }
    }

    /// Comparisons order as the rationals do, across forms, and equality agrees with order.
    #[test]
    fn comparisons_are_exact(a in any_value(), b in any_value()) {
        let (p, q) = (real(&a), real(&b));
        prop_assert_eq!(a.cmp(&b), p.cmp(&q));
        prop_assert_eq!(a == b, p == q);
        prop_assert_eq!(a.sign(), p.cmp(&BigRational::zero()));
        prop_assert_eq!(a.neg().cmp(&b.neg()), q.cmp(&p));
        let tol = a.abs();
        prop_assert_eq!(tickmark::num::real::at_most(&a, &b, &tol).unwrap(), &p - &q <= real(&tol));
    }

    /// Moving the point, rounding, and the terminating scale, against the rationals.
    #[test]
    fn shifts_and_rounding_are_exact(a in any_value(), exponent in -30i32..30, digits in 0u32..30) {
        let p = real(&a);
        let ten = BigRational::from_integer(BigInt::from(10).pow(exponent.unsigned_abs()));
        let want = if exponent >= 0 { &p * &ten } else { &p / &ten };
        let moved = a.shifted(exponent).unwrap();
        prop_assert_eq!(real(&moved), want.clone());
        prop_assert_eq!(form(&moved), form_of(&want));
        let rounded = a.round(digits).unwrap();
        let text = a.to_string_at(digits, Rounding::Nearest);
        prop_assert_eq!(real(&rounded), value_of_text(&text), "{} to {} digits", p, digits);
        prop_assert_eq!(form(&rounded), form_of(&real(&rounded)));
    }

    /// Cross products in 256 bits order as big integers do, for numerators and denominators up to
    /// the whole of `i128`.
    #[test]
    fn wide_cross_products_order_exactly(an in any::<i128>(), ad in 1..=i128::MAX, bn in any::<i128>(), bd in 1..=i128::MAX) {
        let want = (BigInt::from(an) * BigInt::from(bd)).cmp(&(BigInt::from(bn) * BigInt::from(ad)));
        prop_assert_eq!(small::cmp((an, ad), (bn, bd)), want);
        let (hi, lo) = small::mul_wide(an.unsigned_abs(), bd.unsigned_abs());
        prop_assert_eq!((BigUint::from(hi) << 128u32) + BigUint::from(lo), BigUint::from(an.unsigned_abs()) * BigUint::from(bd.unsigned_abs()));
    }

    /// The binary gcd is the gcd, in 64 and 128 bits.
    #[test]
    fn gcd_is_the_gcd(a in any::<u128>(), b in any::<u128>(), c in any::<u64>(), k in 0u32..64) {
        use num_integer::Integer;
        for (x, y) in [(a, b), (a >> k, b >> k), (u128::from(c) << k, a >> 64), (u128::from(c), b >> 64)] {
            prop_assert_eq!(BigUint::from(small::gcd(x, y)), BigUint::from(x).gcd(&BigUint::from(y)));
        }
    }
}

/// A decimal string as an exact rational.
fn value_of_text(text: &str) -> BigRational {
    let (sign, digits) = text.strip_prefix('-').map_or((1, text), |t| (-1, t));
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let n: BigInt = format!("{whole}{fraction}").parse().unwrap();
    BigRational::new(n * sign, BigInt::from(10).pow(fraction.len() as u32))
}

/// Values at the edges: the largest small rational, one past it, and products and sums that leave
/// `i128` on the way promote to big rationals with the exact result.
#[test]
fn overflow_promotes_at_the_edges() {
    let r = |n: BigInt, d: u64| value(BigRational::new(n, BigInt::from(d)));
    let largest = r(BigInt::from(i64::MAX), 3);
    assert!(matches!(largest, Real::Small(_)));
    assert!(matches!(largest.neg(), Real::Small(_)));
    let past = r(BigInt::from(i64::MAX) + 1, 3);
    assert!(matches!(past, Real::Big(_)), "2^63 / 3 does not fit");
    assert!(matches!(past.neg(), Real::Big(_)), "nor does -2^63 / 3: one form for x and -x");
    assert!(matches!(r(BigInt::from(1), u64::MAX), Real::Small(_)));
    // (2^63 - 1) / 3 squared leaves i128 in the numerator's product
    let square = largest.mul(&largest).unwrap();
    assert!(matches!(square, Real::Big(_)));
    assert_eq!(real(&square), real(&largest) * real(&largest));
    // and back to a small rational by division: the same value, the same form
    assert_eq!(square.div(&largest).unwrap(), largest);
    // a sum whose denominators multiply past i128
    let a = r(BigInt::from(1), u64::MAX);
    let b = r(BigInt::from(1), u64::MAX - 2);
    let sum = a.add(&b).unwrap();
    assert_eq!(real(&sum), real(&a) + real(&b));
    assert!(matches!(sum, Real::Big(_)));
    // a decimal's 96-bit digits against a small rational: cross products past 128 bits
    let max = Real::from(Decimal::MAX);
    assert_eq!(max.cmp(&largest), Ordering::Greater);
    assert_eq!(Real::from(Decimal::MIN).cmp(&largest.neg()), Ordering::Less);
    let tiny = Real::from(Decimal::new(1, 28));
    assert_eq!(tiny.cmp(&r(BigInt::from(1), u64::MAX)), Ordering::Less, "1e-28 < 1/(2^64 - 1), about 5.4e-20");
}

/// A margin of written figures is a small rational, and so are its rounding bounds and its
/// difference from a reported percentage: the bulk path never makes a big rational.
#[test]
fn margins_stay_small() {
    let d = |s: &str| Real::from(s.parse::<Decimal>().unwrap());
    let margin = d("1234.5").div(&d("5678.9")).unwrap();
    assert!(matches!(margin, Real::Small(_)));
    let lo = d("1234.45").div(&d("5678.95")).unwrap();
    let hi = d("1234.55").div(&d("5678.85")).unwrap();
    assert!(matches!((&lo, &hi), (Real::Small(_), Real::Small(_))));
    assert!(lo < margin && margin < hi);
    let gap = margin.sub(&d("0.217")).unwrap();
    assert!(matches!(gap, Real::Small(_)));
    assert_eq!(margin.shifted(2).unwrap().to_string_at(2, Rounding::Nearest), "21.74");
    assert_eq!(margin.mul(&d("5678.9")).unwrap(), d("1234.5"));
}
