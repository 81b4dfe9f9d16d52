//! Numbers as written: a decimal with the digits it was written with, and its unit.

use rust_decimal::Decimal;

use super::interval::{ArithError, Num};
use super::real::Real;
use super::unit::Unit;

/// A number as written in a rule or a data file: `213.4`, `25.0`, `9%`, `730 USD m`.
///
/// The decimal keeps its scale (`25.0` has one digit after the point), which is the precision the
/// figure was written with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Quantity {
    pub value: Decimal,
    pub unit: Unit,
}

impl Quantity {
    /// A quantity in a unit.
    pub fn new(value: Decimal, unit: Unit) -> Self {
        Quantity { value, unit }
    }

    /// The value as written, converted to its unit's base (`730 USD m` is 730,000,000), exactly.
    pub fn base(&self) -> Result<Real, ArithError> {
        Real::from(self.value).mul(&Real::from(self.unit.factor()))
    }

    /// Half of the last written digit, in the unit's base: `213.4` stands for 213.35..213.45.
    pub fn half_ulp(&self) -> Result<Real, ArithError> {
        let scale = self.value.scale() + 1;
        if scale > Decimal::MAX_SCALE {
            // a figure with 28 digits after the point: its half digit is past a decimal
            return Real::from(Decimal::new(5, 0)).shifted(self.unit.exponent() - scale as i32);
        }
        Real::from(Decimal::new(5, scale)).mul(&Real::from(self.unit.factor()))
    }

    /// The interval the written figure stands for, given rounding to its last digit, exactly (a
    /// figure with 28 digits after the point too).
    pub fn rounded(&self) -> Result<Num, ArithError> {
        match self.rounded_scaled() {
            Some(num) => Ok(num),
            None => self.rounded_decimal(),
        }
    }

    /// [`Quantity::rounded`] in exact arithmetic: every figure.
    fn rounded_decimal(&self) -> Result<Num, ArithError> {
        let point = self.base()?;
        let half = self.half_ulp()?;
        let lo = point.sub(&half)?;
        let hi = point.add(&half)?;
        Ok(Num { lo, point, hi, unit: self.unit })
    }

    /// [`Quantity::rounded`] in scaled integers, where every part fits: the same decimals (digits and
    /// scale) as the decimal arithmetic gives, in a fraction of the time. This is what a bulk run
    /// does for every fact it reads. `None` where the decimal path must decide (a wide figure, a scale
    /// beyond 28 digits, a negative zero).
    fn rounded_scaled(&self) -> Option<Num> {
        let exponent = self.unit.exponent();
        let (factor, factor_scale) = match usize::try_from(exponent) {
            // a unit's factor from the table, not a power raised a figure at a time; one above 10^18
            // (none the language has) passes an i64 and takes the decimal path
            Ok(e) => (i64::try_from(super::real::power_of_ten(e as i64)?).ok()?, 0),
            Err(_) => (1, exponent.unsigned_abs()),
        };
        let scale = self.value.scale() + factor_scale;
        let mantissa = self.value.mantissa();
        if scale + 1 >= Decimal::MAX_SCALE || mantissa.unsigned_abs() >= 1 << 62 || mantissa == 0 {
            return None;
        }
        if let Some(num) = self.rounded_words(mantissa as i64, factor, scale) {
            return Some(num);
        }
        // |mantissa| < 2^62 and factor <= 10^18 < 2^60: the point is under 2^122, ten times it under
        // 2^126, so neither product can overflow
        let point = mantissa * i128::from(factor);
        let (tenfold, half) = (point * 10, 5 * i128::from(factor));
        const LIMIT: u128 = 1 << 95;
        if tenfold.unsigned_abs() + half.unsigned_abs() >= LIMIT {
            return None;
        }
        let at = |m: i128, s: u32| Decimal::try_from_i128_with_scale(m, s).ok();
        Some(Num {
            lo: Real::Dec(at(tenfold - half, scale + 1)?),
            point: Real::Dec(at(point, scale)?),
            hi: Real::Dec(at(tenfold + half, scale + 1)?),
            unit: self.unit,
        })
    }

    /// [`Quantity::rounded_scaled`] in 64-bit words, where the ends ten times the point and half the
    /// factor either side fit one (nearly every figure: `730 USD m` is 7,295,000,000..7,305,000,000
    /// at one more digit): the same digits and scales, with no 128-bit products. `None` past 64 bits.
    fn rounded_words(&self, mantissa: i64, factor: i64, scale: u32) -> Option<Num> {
        let point = mantissa.checked_mul(factor)?;
        let tenfold = point.checked_mul(10)?;
        let half = factor.checked_mul(5)?;
        let (lo, hi) = (tenfold.checked_sub(half)?, tenfold.checked_add(half)?);
        // from its parts (inlined, where `Decimal::new` is a call with a panic), as
        // `try_from_i128_with_scale` makes it: a zero is never negative
        let at = |m: i64, s: u32| {
            let digits = m.unsigned_abs();
            Real::Dec(Decimal::from_parts(digits as u32, (digits >> 32) as u32, 0, m < 0, s))
        };
        Some(Num { lo: at(lo, scale + 1), point: at(point, scale), hi: at(hi, scale + 1), unit: self.unit })
    }

    /// The exact value, with no rounding interval (a literal such as the `4` in `4 * x`).
    pub fn exact(&self) -> Result<Num, ArithError> {
        Ok(Num::exact(self.base()?, self.unit))
    }
}

/// A figure with an explicit margin, as written in a data file: `102466 ± 1 USD m`.
///
/// The true value lies within `value - margin ..= value + margin`, exactly: the margin takes the place
/// of the half digit a bare figure stands for (`102466 USD m` is 102465.5..102466.5), so a figure
/// derived from other rounded figures (a fourth quarter as the year less nine months, each to the
/// nearest million) can say it is known only to ±1. The margin is in the figure's unit, and never
/// finer than half its last written digit (the data reader checks that).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Approx {
    /// The figure as written, with the unit the margin shares.
    pub value: Quantity,
    /// How far the true value may lie either side of the figure, in its unit; not negative.
    pub margin: Decimal,
}

impl Approx {
    /// The interval the figure and its margin stand for, in the unit's base: `102466 ± 1 USD m` is
    /// 102,465,000,000..102,467,000,000 with its point at 102,466,000,000.
    pub fn interval(&self) -> Result<Num, ArithError> {
        let point = self.value.base()?;
        let margin = Quantity::new(self.margin, self.value.unit).base()?;
        let lo = point.sub(&margin)?;
        let hi = point.add(&margin)?;
        Ok(Num { lo, point, hi, unit: self.value.unit })
    }

    /// Whether the margin is at least half the figure's last written digit (`102466 ± 0.5` is what
    /// `102466` says already; `± 0.1` would claim more than its digits do).
    pub fn covers_its_digits(&self) -> bool {
        // margin >= 10^-scale / 2, as 2 * margin >= 10^-scale; a margin too large to double covers it.
        let last_digit = Decimal::new(1, self.value.value.scale());
        self.margin.checked_mul(Decimal::TWO).is_none_or(|twice| twice >= last_digit)
    }
}

/// A range as written: `173.5..178.5`, `11%..15%`, `..213`, `206..`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RangeLit {
    pub lo: Option<Quantity>,
    pub hi: Option<Quantity>,
}

/// Parses a decimal exactly as written, keeping its scale (`25.0` keeps its `.0`); `_` may group digits.
///
/// An exponent (`1.25e3`) is not read: its precision (is `1.25e3` good to ±5 or ±0.5?) cannot be
/// kept in a decimal, so a figure must be written out.
pub fn parse_decimal(text: &str) -> Option<Decimal> {
    let cleaned: String;
    let text = if text.contains('_') {
        cleaned = text.replace('_', "");
        &cleaned
    } else {
        text
    };
    let text = text.strip_prefix('+').unwrap_or(text);
    if text.contains(['e', 'E']) {
        return None;
    }
    Decimal::from_str_exact(text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::num::unit::Unit;

    #[test]
    fn scaled_integers_give_the_decimals_decimal_arithmetic_gives() {
        let units = ["", "%", "bps", "pp", "USD", "USD k", "USD m", "USD bn", "USD tn", "GW"];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let (mut fast, mut words) = (0, 0);
        for i in 0..20_000 {
            let digits = next() % 28;
            let mantissa = ((next() >> 1) as i128 * (next() >> 1) as i128) % 10i128.pow(digits as u32 + 1);
            let value =
                Decimal::from_i128_with_scale(if i % 2 == 0 { mantissa } else { -mantissa }, (next() % 29) as u32);
            let quantity = Quantity::new(value, Unit::parse(units[i % units.len()]).unwrap());
            let both = |n: &Num| {
                [&n.lo, &n.point, &n.hi].map(|r| {
                    let d = r.decimal().expect("a figure's bounds are decimals here");
                    (d.mantissa(), d.scale(), d.is_sign_negative())
                })
            };
            // figures of at most 9 digits in units up to millions take the path in 64-bit words
            let exponent = quantity.unit.exponent();
            if value.mantissa().unsigned_abs() < 1_000_000_000 && value.scale() < 20 && value != Decimal::ZERO {
                words += usize::from(exponent <= 6);
            }
            if let Some(scaled) = quantity.rounded_scaled() {
                fast += 1;
                let decimal = quantity.rounded_decimal().expect("the decimal path takes what the scaled one takes");
                assert_eq!(both(&scaled), both(&decimal), "{value} {}", units[i % units.len()]);
                assert_eq!(scaled.unit, decimal.unit);
            }
        }
        assert!(fast > 5_000, "the scaled path took only {fast} figures");
        assert!(words > 2_000, "the path in 64-bit words took only {words} figures");
    }

    fn q(text: &str, unit: &str) -> Quantity {
        Quantity::new(parse_decimal(text).unwrap(), Unit::parse(unit).unwrap())
    }

    #[test]
    fn written_precision_sets_the_interval() {
        let n = q("213.4", "").rounded().unwrap();
        assert_eq!((n.lo.to_string(), n.hi.to_string()), ("213.35".into(), "213.45".into()));
        let n = q("25.0", "").rounded().unwrap();
        assert_eq!((n.lo.to_string(), n.hi.to_string()), ("24.95".into(), "25.05".into()));
        let n = q("9", "%").rounded().unwrap();
        assert_eq!((n.lo.to_string(), n.hi.to_string()), ("0.085".into(), "0.095".into()));
        let n = q("180", "bps").rounded().unwrap();
        assert_eq!((n.lo.to_string(), n.hi.to_string()), ("0.01795".into(), "0.01805".into()));
        let n = q("730", "USD m").rounded().unwrap();
        assert_eq!(n.point.to_string(), "730000000");
    }

    #[test]
    fn a_margin_replaces_the_half_digit() {
        let a = Approx { value: q("102466", "USD m"), margin: Decimal::ONE };
        let n = a.interval().unwrap();
        assert_eq!(
            (n.lo.to_string(), n.point.to_string(), n.hi.to_string()),
            ("102465000000".into(), "102466000000".into(), "102467000000".into())
        );
        let a = Approx { value: q("9.5", "%"), margin: parse_decimal("0.25").unwrap() };
        let n = a.interval().unwrap();
        assert_eq!((n.lo.to_string(), n.hi.to_string()), ("0.0925".into(), "0.0975".into()));
        let covers = |value: &str, margin: &str| {
            Approx { value: q(value, ""), margin: parse_decimal(margin).unwrap() }.covers_its_digits()
        };
        assert!(covers("102466", "0.5") && covers("102466", "1") && covers("102466.0", "0.05"));
        assert!(!covers("102466", "0.4") && !covers("102466", "0") && !covers("1.00", "0.001"));
        assert!(covers("0.0000000000000000000000000001", "0.0000000000000000000000000001"));
        assert!(covers("1", "79228162514264337593543950335"));
    }

    #[test]
    fn decimals_are_read_from_text() {
        assert_eq!(parse_decimal("25.0").unwrap().scale(), 1);
        assert_eq!(parse_decimal("1_000").unwrap(), Decimal::new(1000, 0));
        assert!(parse_decimal("1.2.3").is_none());
        assert!(parse_decimal("").is_none());
    }
}
