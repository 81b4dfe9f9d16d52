//! Exact means exact (issue 13, item 4): every operation on values gives the exact rational result,
//! a quotient that does not terminate included, so `x / y * y == x` holds, `<` never decides on a
//! rounding artefact, and no check errs because a value or a tolerance has more than 28 digits.
//!
//! The properties compare [`Num`] with a `num-rational` oracle on decimals of every scale, 28 digits
//! after the point included: the point and both bounds are *equal* to the rational results (not
//! merely around them). The end-to-end tests run the real binary on rules whose verdicts hang on a
//! quotient that does not terminate. Each property runs 1000 cases (a few seconds in debug mode).

use crate::common;

use num_bigint::BigInt;
use num_rational::BigRational;
use proptest::prelude::*;
use rust_decimal::Decimal;
use tickmark::num::{ArithError, Num, Quantity, Real, Unit};

/// A decimal as an exact rational.
fn exact(d: Decimal) -> BigRational {
    BigRational::new(BigInt::from(d.mantissa()), BigInt::from(10).pow(d.scale()))
}

/// A value as an exact rational.
fn real(r: &Real) -> BigRational {
    r.rational().into_owned()
}

/// Decimals of every size and scale: written figures, 96-bit mantissas at any scale up to 28, and
/// values with 28 digits after the point.
fn any_decimal() -> impl Strategy<Value = Decimal> {
    let written = (-1_000_000_000_000i64..1_000_000_000_000, 0u32..10).prop_map(|(m, s)| Decimal::new(m, s));
    let edge = (any::<u32>(), any::<u32>(), any::<u32>(), any::<bool>(), 0u32..=28)
        .prop_map(|(lo, mid, hi, negative, scale)| Decimal::from_parts(lo, mid, hi, negative, scale));
    let fine = (-10i128.pow(20)..10i128.pow(20)).prop_map(|m| Decimal::from_i128_with_scale(m, 28));
    prop_oneof![2 => written, 1 => edge, 1 => fine]
}

/// A value: exact (a number in a rule) or a written figure's rounding interval.
fn any_num() -> impl Strategy<Value = Num> {
    (any_decimal(), any::<bool>()).prop_map(|(d, written)| {
        if written { Quantity::new(d, Unit::None).rounded().unwrap() } else { Num::exact(d, Unit::None) }
    })
}

/// The oracle's interval of a value: (lo, point, hi) as rationals.
type Exact = (BigRational, BigRational, BigRational);

/// A value's bounds and point as rationals.
fn oracle(n: &Num) -> Exact {
    (real(&n.lo), real(&n.point), real(&n.hi))
}

/// The hull of four corner results, with the point.
fn hull(corners: [BigRational; 4], point: BigRational) -> Exact {
    let lo = corners.iter().min().unwrap().clone();
    let hi = corners.iter().max().unwrap().clone();
    (lo, point, hi)
}

/// Whether a rational is one a decimal holds exactly (so the value must be a `Real::Dec`).
fn is_decimal(r: &BigRational) -> bool {
    let text = Real::from_rational(r.clone()).unwrap();
    matches!(text, Real::Dec(_))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// `+`, `-`, `*` and `/`: the point and both bounds equal the exact rational results (the hull of
    /// the corners for `*` and `/`), and a result a decimal holds is a decimal.
    #[test]
    fn operations_are_the_exact_rational_results(a in any_num(), b in any_num()) {
        let ((al, ap, ah), (bl, bp, bh)) = (oracle(&a), oracle(&b));
        let sum = a.add(&b, Unit::None).unwrap();
        prop_assert_eq!(oracle(&sum), (&al + &bl, &ap + &bp, &ah + &bh));
        let difference = a.sub(&b, Unit::None).unwrap();
        prop_assert_eq!(oracle(&difference), (&al - &bh, &ap - &bp, &ah - &bl));
        let product = a.mul(&b, Unit::None).unwrap();
        prop_assert_eq!(oracle(&product), hull([&al * &bl, &al * &bh, &ah * &bl, &ah * &bh], &ap * &bp));
        for r in [&product.lo, &product.point, &product.hi] {
            prop_assert_eq!(matches!(r, Real::Dec(_)), is_decimal(&real(r)));
        }
        let zero = BigRational::from_integer(BigInt::from(0));
        match a.div(&b, Unit::None) {
            Ok(q) => {
                prop_assert!(bl > zero || bh < zero);
                prop_assert_eq!(oracle(&q), hull([&al / &bl, &al / &bh, &ah / &bl, &ah / &bh], &ap / &bp));
            }
            Err(ArithError::DivisionByZero) => prop_assert_eq!(bp, zero),
            Err(ArithError::DivisorMayBeZero) => prop_assert!(bl <= zero && bh >= zero),
            Err(e) => prop_assert!(false, "{:?}", e),
        }
    }

    /// `x / y * y == x` and `(x / y) * y` compares equal to `x` (neither `<` nor `>`), for exact
    /// values: the quotient is not rounded on the way.
    #[test]
    fn a_quotient_multiplies_back(x in any_decimal(), y in any_decimal()) {
        prop_assume!(!y.is_zero());
        let (x, y) = (Num::exact(x, Unit::None), Num::exact(y, Unit::None));
        let back = x.div(&y, Unit::None).unwrap().mul(&y, Unit::None).unwrap();
        prop_assert_eq!(&back, &x);
        prop_assert_eq!(back.point.cmp(&x.point), std::cmp::Ordering::Equal);
        prop_assert!(back.is_exact());
    }

    /// A quotient compared with a value orders as the rationals do: `x / y < z` never decides on
    /// a rounding artefact.
    #[test]
    fn quotients_order_exactly(x in any_decimal(), y in any_decimal(), z in any_decimal()) {
        prop_assume!(!y.is_zero());
        let q = Real::from(x).div(&Real::from(y)).unwrap();
        prop_assert_eq!(q.cmp(&Real::from(z)), (exact(x) / exact(y)).cmp(&exact(z)));
        // and the quotient against its own rounding to 28 digits: never equal unless it terminates
        let rounded = q.round(28).unwrap();
        prop_assert_eq!(q == rounded, real(&q) == real(&rounded));
    }

    /// `avg(x, x, y) * 3 == x + x + y`: a mean of three, times three, is the sum again.
    #[test]
    fn a_mean_times_its_count_is_the_sum(x in any_num(), y in any_num()) {
        let sum = x.add(&x, Unit::None).unwrap().add(&y, Unit::None).unwrap();
        let three = Num::exact(Decimal::from(3), Unit::None);
        let mean = sum.div(&three, Unit::None).unwrap();
        prop_assert_eq!(mean.mul(&three, Unit::None).unwrap(), sum);
    }

    /// `within`, with a tolerance that does not terminate: decided as the rationals decide.
    #[test]
    fn within_a_quotient_tolerance_is_exact(a in any_num(), b in any_num(), t in any_decimal(), k in 1u32..30) {
        let tol = Real::from(t.abs()).div(&Real::from(Decimal::from(k))).unwrap();
        let (al, _, ah) = oracle(&a);
        let (bl, _, bh) = oracle(&b);
        let exact_tol = exact(t.abs()) / BigRational::from_integer(BigInt::from(k));
        let holds = &al - &bh <= exact_tol && &bl - &ah <= exact_tol;
        prop_assert_eq!(a.within(&b, &tol), Ok(holds));
        prop_assert_eq!(b.within(&a, &tol), Ok(holds));
    }

    /// A figure with up to 28 digits after the point has its rounding interval exactly, in any unit:
    /// no figure is too precise.
    #[test]
    fn every_figure_has_its_exact_interval(d in any_decimal(), unit in prop::sample::select(vec!["", "%", "bps", "USD bn"])) {
        let q = Quantity::new(d, Unit::parse(unit).unwrap());
        let n = q.rounded().unwrap();
        let factor = match unit { "%" => BigRational::new(1.into(), 100.into()), "bps" => BigRational::new(1.into(), 10_000.into()), "USD bn" => BigRational::from_integer(1_000_000_000.into()), _ => BigRational::from_integer(1.into()) };
        let half = BigRational::new(BigInt::from(5), BigInt::from(10).pow(d.scale() + 1)) * &factor;
        let point = exact(d) * &factor;
        prop_assert_eq!(oracle(&n), (&point - &half, point.clone(), &point + &half));
    }
}

// ----- through the binary

/// Runs `check` on one rule file and one data file, and gives each rule's status from the JSON
/// report (with the report itself).
fn statuses(rules: &str, data: &str) -> (Vec<(String, String)>, serde_json::Value) {
    let dir = tempfile::tempdir().unwrap();
    let files = [("r.tick".to_owned(), rules.to_owned()), ("d.toml".to_owned(), data.to_owned())];
    common::write_files(dir.path(), &files);
    let (stdout, stderr, code) =
        common::tickmark(&["check", "r.tick", "--data", "d.toml", "--format", "json"], dir.path());
    assert!(code == 0 || code == 1, "{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let checks = report["checks"].as_array().unwrap();
    let all = checks.iter().map(|c| (c["rule"].as_str().unwrap().to_owned(), c["status"].as_str().unwrap().to_owned()));
    (all.collect(), report)
}

/// The status of a rule's check.
fn status<'a>(all: &'a [(String, String)], rule: &str) -> &'a str {
    all.iter().find(|(r, _)| r == rule).map(|(_, s)| s.as_str()).unwrap_or_else(|| panic!("no check of {rule}"))
}

/// The traps of the issue, each with its exact verdict: `x / y * y == x` holds and `<` does not;
/// a mean of three times three is the sum; a relative tolerance of a third decides; thirds add up.
#[test]
fn verdicts_that_hang_on_a_quotient_are_exact() {
    let rules = "\
rule back at 2025Q4: x / y * y == x
rule below at 2025Q4: x / y * y < x
rule above at 2025Q4: x / y * y > x
rule mean at 2025Q4: avg(x, x, y) * 3 == x + x + y
rule thirds at 2025Q4: x / y + x / y + x / y == 100%
rule literal_thirds: 1 / 3 + 1 / 3 + 1 / 3 == 1
rule tolerance at 2025Q4: a ~= b / 3 within 97.25%
rule edge_in at 2025Q4: 0.33332 ~= 1 / 3 within 0.0000083333333333333333333334
rule edge_out at 2025Q4: 0.33332 ~= 1 / 3 within 0.0000083333333333333333333333
rule ratio at 2025Q4: quotient > 40%
let quotient = x / y
";
    let data = "entity = \"ACME\"\nunit = \"USD m\"\n\n[actual.2025Q4]\nx = 1\ny = 3\na = 10\nb = 3\n";
    let (all, report) = statuses(rules, data);
    let verdicts: Vec<&str> =
        ["back", "below", "above", "mean", "thirds", "literal_thirds", "tolerance", "edge_in", "edge_out", "ratio"]
            .map(|r| status(&all, r))
            .to_vec();
    // 0.33332 stands for 0.333315..0.333325, which 1/3 misses by 1/120000 = 0.00000833..., a hair
    // more than the 28-digit tolerance of `edge_out` and less than that of `edge_in`
    assert_eq!(verdicts, ["pass", "fail", "fail", "pass", "pass", "pass", "fail", "pass", "fail", "fail"]);
    // the quotient in the report: its point to 28 significant digits, its bounds rounded outwards
    let ratio = report["checks"].as_array().unwrap().iter().find(|c| c["rule"] == "ratio").unwrap();
    let value = ratio["values"].as_array().unwrap().iter().find(|v| v["expr"] == "quotient").unwrap();
    assert_eq!(value["point"], "0.3333333333333333333333333333");
    assert_eq!(value["lo"], "0.1428571428571428571428571428");
    assert_eq!(value["hi"], "0.6");
    assert_eq!(value["shown"], "33 %");
}

/// A comparison that lands within a decimal's last digit is decided exactly; a figure or a tolerance
/// of 28 digits, or a relative tolerance of a third, is no error (each erred or was rounded before).
#[test]
fn values_and_tolerances_of_many_digits_decide() {
    let rules = "\
rule lower at 2025Q4: 1 / 3 > 0.3333333333333333333333333333
rule upper at 2025Q4: 1 / 3 < 0.3333333333333333333333333334
rule figure at 2025Q4: x ~= 1 / 3
rule figure_below at 2025Q4: x < 1 / 3
rule relative_edge at 2025Q4: 0.33332 ~= 1 / 3 within 0.0025%
rule relative_short at 2025Q4: 0.33332 ~= 1 / 3 within 0.0024999999999%
";
    let data = "entity = \"ACME\"\n\n[actual.2025Q4]\nx = \"0.3333333333333333333333333333\"\n";
    let (all, _) = statuses(rules, data);
    let names = ["lower", "upper", "figure", "figure_below", "relative_edge", "relative_short"];
    // 1/3 - 0.333325 = 1/120000, and 0.0025 % of 1/3 is 1/120000 too: the gap is the tolerance, exactly
    assert_eq!(names.map(|r| status(&all, r)), ["pass", "pass", "pass", "pass", "pass", "fail"]);
}

/// `max(a / z, b / a)` where `b` is missing: a skip, never hidden behind the error of `a / z`
/// (`z` is zero), in aggregates as for operators.
#[test]
fn a_missing_input_wins_over_an_error_in_aggregates() {
    let rules = "\
rule both at 2025Q4: max(a / z, b / a) > 0%
rule sum at 2025Q4: sum(b / a, a / z) > 0%
rule only_error at 2025Q4: max(a / z, a / a) > 0%
";
    let data = "entity = \"ACME\"\nunit = \"USD m\"\n\n[actual.2025Q3]\nb = 5\n\n[actual.2025Q4]\na = 10\nz = 0\n";
    let (all, report) = statuses(rules, data);
    assert_eq!(["both", "sum", "only_error"].map(|r| status(&all, r)), ["skip", "skip", "error"]);
    let both = report["checks"].as_array().unwrap().iter().find(|c| c["rule"] == "both").unwrap();
    assert_eq!(both["missing"]["name"], "`b`");
}
