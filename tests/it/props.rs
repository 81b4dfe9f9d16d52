//! Laws of the number core, as property tests: interval arithmetic always contains the exact
//! rational result, and a written figure's interval contains every value that rounds to it.

use num_bigint::BigInt;
use num_rational::BigRational;
use proptest::prelude::*;
use rust_decimal::Decimal;
use tickmark::num::{ArithError, Num, Quantity, Real, Unit};

/// A decimal as an exact rational.
fn exact(d: Decimal) -> BigRational {
    let mantissa = BigInt::from(d.mantissa());
    BigRational::new(mantissa, BigInt::from(10).pow(d.scale()))
}

/// An exact value as a rational.
fn real(r: &Real) -> BigRational {
    r.rational().into_owned()
}

/// An interval with a point inside it, its three decimals of one kind: written figures (a dozen
/// digits, a few decimals), the edges of `rust_decimal` (96-bit mantissas, 28 decimals) where results
/// must round, or values near 1e-28 whose products underflow.
fn interval() -> impl Strategy<Value = Num> {
    let written = || (-1_000_000_000_000i64..1_000_000_000_000, 0u32..10).prop_map(|(m, s)| Decimal::new(m, s));
    let edge = || {
        (any::<u32>(), any::<u32>(), any::<u32>(), any::<bool>(), 0u32..=28)
            .prop_map(|(lo, mid, hi, negative, scale)| Decimal::from_parts(lo, mid, hi, negative, scale))
    };
    let tiny = || (-1000i64..1000, 20u32..=28).prop_map(|(m, s)| Decimal::new(m, s));
    let sorted = |v: [Decimal; 3]| {
        let mut v = v;
        v.sort();
        Num { lo: Real::Dec(v[0]), point: Real::Dec(v[1]), hi: Real::Dec(v[2]), unit: Unit::None }
    };
    prop_oneof![
        3 => [written(), written(), written()].prop_map(sorted),
        1 => [edge(), edge(), edge()].prop_map(sorted),
        1 => [tiny(), tiny(), tiny()].prop_map(sorted),
    ]
}

/// A rational inside an interval: `lo + t (hi - lo)` for t in [0, 1].
fn inside(n: &Num, t: u32) -> BigRational {
    let t = BigRational::new(BigInt::from(t), BigInt::from(1000));
    real(&n.lo) + t * (real(&n.hi) - real(&n.lo))
}

/// Whether a result interval holds the exact value and its own point.
fn holds(result: &Num, value: &BigRational) -> bool {
    real(&result.lo) <= *value && *value <= real(&result.hi) && result.lo <= result.point && result.point <= result.hi
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn sums_contain_the_exact_sum(a in interval(), b in interval(), s in 0u32..=1000, t in 0u32..=1000) {
        if let Ok(r) = a.add(&b, Unit::None) {
            prop_assert!(holds(&r, &(inside(&a, s) + inside(&b, t))));
        }
        if let Ok(r) = a.sub(&b, Unit::None) {
            prop_assert!(holds(&r, &(inside(&a, s) - inside(&b, t))));
        }
    }

    #[test]
    fn products_contain_the_exact_product(a in interval(), b in interval(), s in 0u32..=1000, t in 0u32..=1000) {
        if let Ok(r) = a.mul(&b, Unit::None) {
            prop_assert!(holds(&r, &(inside(&a, s) * inside(&b, t))));
        }
    }

    #[test]
    fn quotients_contain_the_exact_quotient(a in interval(), b in interval(), s in 0u32..=1000, t in 0u32..=1000) {
        match a.div(&b, Unit::None) {
            Ok(r) => {
                let divisor = inside(&b, t);
                prop_assert!(divisor != BigRational::from_integer(BigInt::from(0)));
                prop_assert!(holds(&r, &(inside(&a, s) / divisor)));
            }
            Err(ArithError::DivisionByZero | ArithError::DivisorMayBeZero) => {
                prop_assert!(b.lo <= Real::ZERO && b.hi >= Real::ZERO);
            }
            Err(ArithError::TooLarge) => prop_assert!(false, "{:?} / {:?} is within the budget", a, b),
        }
    }

    #[test]
    fn a_written_figure_holds_what_rounds_to_it(m in -1_000_000_000i64..1_000_000_000, scale in 0u32..8, t in 0u32..=1000) {
        let q = Quantity::new(Decimal::new(m, scale), Unit::None);
        let n = q.rounded().unwrap();
        let half = BigRational::new(BigInt::from(5), BigInt::from(10).pow(scale + 1));
        let value = exact(q.value) - half.clone() + BigRational::new(BigInt::from(t), BigInt::from(1000)) * (half.clone() + half);
        prop_assert!(holds(&n, &value));
    }

    #[test]
    fn approximate_equality_is_symmetric(a in interval(), b in interval()) {
        prop_assert_eq!(a.meets(&b), b.meets(&a));
    }
}

#[test]
fn division_near_the_edge_of_decimal_stays_sound() {
    let third =
        Num::exact(Decimal::ONE, Unit::None).div(&Num::exact(Decimal::from(3), Unit::None), Unit::None).unwrap();
    let exact_third = BigRational::new(BigInt::from(1), BigInt::from(3));
    assert!(holds(&third, &exact_third));
    let big = Num::exact(Decimal::MAX, Unit::None);
    let twice = big.add(&big, Unit::None).unwrap();
    assert_eq!(real(&twice.point), exact(Decimal::MAX) * BigInt::from(2));
}
