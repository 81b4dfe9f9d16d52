//! An exact number: a decimal where the value is one `rust_decimal` holds exactly, an exact rational
//! otherwise (a quotient that does not terminate, a figure past 28 digits or past `rust_decimal`'s
//! range).
//!
//! The decimal is the common case and keeps its fast paths (scaled integers for sums, products and
//! comparisons); a result that a decimal would have to round becomes a rational instead, so nothing
//! computed is ever rounded: a [`Small`] one (64-bit numerator and denominator, copied and compared
//! without allocation: most margins and growth rates) where it fits, else a big one. A rational that
//! is a decimal becomes a decimal again, and one that fits a [`Small`] is one, so a value has one
//! form and equality is equality of values. A rational whose numerator or denominator grows past
//! [`EXACT_BITS`] is an error ([`ArithError::TooLarge`]), which bounds the work of a chain of
//! products.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::sync::Arc;

use num_bigint::BigInt;
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{One, Signed, ToPrimitive, Zero};
use rust_decimal::{Decimal, RoundingStrategy};

use super::interval::ArithError;
use super::small::{self, Parts, Small};
use crate::limits::EXACT_BITS;

/// An exact number: a [`Decimal`] where it is one, else a rational (never one a decimal holds), a
/// [`Small`] one where it fits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Real {
    /// A terminating decimal that `rust_decimal` holds exactly.
    Dec(Decimal),
    /// A rational of 64-bit numerator and denominator that no decimal holds.
    Small(Small),
    /// Any other rational; made only by [`Real::from_rational`], so never a decimal's or a small
    /// rational's value.
    Big(Arc<BigRational>),
}

/// Which way a value is rounded to the digits shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rounding {
    /// To the nearest, half away from zero (a value shown).
    Nearest,
    /// Towards minus infinity (the lower bound of an interval shown).
    Down,
    /// Towards plus infinity (the upper bound of an interval shown).
    Up,
}

impl From<Decimal> for Real {
    fn from(d: Decimal) -> Real {
        Real::Dec(d)
    }
}

impl Default for Real {
    fn default() -> Real {
        Real::ZERO
    }
}

impl Real {
    /// Zero.
    pub const ZERO: Real = Real::Dec(Decimal::ZERO);

    /// A rational as a value: a decimal where one holds it exactly; an error where its numerator
    /// or denominator is beyond [`EXACT_BITS`].
    pub fn from_rational(r: BigRational) -> Result<Real, ArithError> {
        if r.numer().bits() > EXACT_BITS || r.denom().bits() > EXACT_BITS {
            return Err(ArithError::TooLarge);
        }
        if let Some(d) = decimal_of(&r) {
            return Ok(Real::Dec(d));
        }
        let fits = r.numer().to_i128().zip(r.denom().to_i128()).and_then(|(n, d)| Small::fit(n, d));
        Ok(fits.map_or_else(|| Real::Big(Arc::new(r)), Real::Small))
    }

    /// `n / d` (`d > 0`, any terms) in its one form, where both fit an `i128`: no big integer is made
    /// unless the reduced value needs one.
    fn from_parts(parts: Parts) -> Real {
        Real::from_reduced(small::reduced(parts))
    }

    /// [`Real::from_parts`] of a pair already in lowest terms.
    fn from_reduced((n, d): Parts) -> Real {
        if let Some(scale) = small::decimal_scale(d, Decimal::MAX_SCALE)
            && let Some(power) = power_of_ten(i64::from(scale)) // the table, not `pow`, a loop
            && let Some(mantissa) = n.checked_mul(power as i128 / d)
            && let Ok(dec) = Decimal::try_from_i128_with_scale(mantissa, scale)
        {
            return Real::Dec(dec);
        }
        match Small::fit(n, d) {
            Some(s) => Real::Small(s),
            // in lowest terms, within 128 bits (far below the budget) and no decimal
            None => Real::Big(Arc::new(BigRational::new_raw(BigInt::from(n), BigInt::from(d)))),
        }
    }

    /// The numerator and positive denominator in `i128` (a decimal's digits over its power of
    /// ten), where the value is not a big rational.
    fn small_parts(&self) -> Option<Parts> {
        match self {
            // a scale is at most 28, and 10^28 fits: the table, not a power raised in a loop
            Real::Dec(d) => Some((d.mantissa(), power_of_ten(i64::from(d.scale()))? as i128)),
            Real::Small(s) => Some(s.parts()),
            Real::Big(_) => None,
        }
    }

    /// The value as a rational.
    pub fn rational(&self) -> Cow<'_, BigRational> {
        match self {
            Real::Dec(d) => Cow::Owned(rational_of(*d)),
            Real::Small(s) => Cow::Owned(BigRational::new_raw(BigInt::from(s.n), BigInt::from(s.d))),
            Real::Big(r) => Cow::Borrowed(r),
        }
    }

    /// The numerator and the positive denominator, not necessarily in lowest terms (a decimal's
    /// digits over its power of ten, with no division to reduce them).
    fn parts(&self) -> (Cow<'_, BigInt>, Cow<'_, BigInt>) {
        match self {
            Real::Dec(d) => (Cow::Owned(BigInt::from(d.mantissa())), Cow::Owned(ten_to(d.scale()))),
            Real::Small(s) => (Cow::Owned(BigInt::from(s.n)), Cow::Owned(BigInt::from(s.d))),
            Real::Big(r) => (Cow::Borrowed(r.numer()), Cow::Borrowed(r.denom())),
        }
    }

    /// The decimal, where the value is one.
    pub fn decimal(&self) -> Option<Decimal> {
        match self {
            Real::Dec(d) => Some(*d),
            Real::Small(_) | Real::Big(_) => None,
        }
    }

    /// Whether the value is zero (a zero is always a decimal).
    pub fn is_zero(&self) -> bool {
        matches!(self, Real::Dec(d) if d.is_zero())
    }

    /// The sign: less than, equal to or greater than zero.
    pub fn sign(&self) -> Ordering {
        match self {
            Real::Dec(d) if d.is_zero() => Ordering::Equal,
            Real::Dec(d) => {
                if d.is_sign_negative() {
                    Ordering::Less
                } else {
                    Ordering::Greater
                }
            }
            Real::Small(s) => s.n.cmp(&0),
            Real::Big(r) => {
                if r.is_negative() {
                    Ordering::Less
                } else {
                    Ordering::Greater
                }
            }
        }
    }

    /// `self + other`, exactly.
    pub fn add(&self, other: &Real) -> Result<Real, ArithError> {
        if let (Real::Dec(a), Real::Dec(b)) = (self, other) {
            if let Some(sum) = add_scaled(*a, *b) {
                return Ok(Real::Dec(sum));
            }
            // `rust_decimal` lowers the scale of a sum it rounds
            if let Some(sum) = a.checked_add(*b).filter(|s| s.scale() >= a.scale().max(b.scale())) {
                return Ok(Real::Dec(sum));
            }
        }
        if let Some(sum) = self.small_parts().zip(other.small_parts()).and_then(|(a, b)| small::add(a, b)) {
            return Ok(Real::from_parts(sum));
        }
        let ((an, ad), (bn, bd)) = (self.parts(), other.parts());
        Real::from_rational(BigRational::new(&*an * &*bd + &*bn * &*ad, &*ad * &*bd))
    }

    /// `self - other`, exactly.
    pub fn sub(&self, other: &Real) -> Result<Real, ArithError> {
        self.add(&other.neg())
    }

    /// `self * other`, exactly.
    pub fn mul(&self, other: &Real) -> Result<Real, ArithError> {
        if let (Real::Dec(a), Real::Dec(b)) = (self, other) {
            if let Some(product) = mul_scaled(*a, *b) {
                return Ok(Real::Dec(product));
            }
            if let Some(product) = a.checked_mul(*b) {
                // A product too small for 28 digits rounds to zero: exact only if a factor is zero.
                let exact = if product.is_zero() {
                    a.is_zero() || b.is_zero()
                } else {
                    product.scale() >= a.scale() + b.scale()
                };
                if exact {
                    return Ok(Real::Dec(product));
                }
            }
        }
        if let Some(product) = self.small_parts().zip(other.small_parts()).and_then(|(a, b)| small::mul(a, b)) {
            return Ok(Real::from_parts(product));
        }
        let ((an, ad), (bn, bd)) = (self.parts(), other.parts());
        Real::from_rational(BigRational::new(&*an * &*bn, &*ad * &*bd))
    }

    /// `self / other`, exactly; an error where `other` is zero.
    pub fn div(&self, other: &Real) -> Result<Real, ArithError> {
        if let (Real::Dec(a), Real::Dec(b)) = (self, other)
            && let Some(q) = div_words(*a, *b)
        {
            return Ok(q);
        }
        self.div_general(other)
    }

    /// [`Real::div`] of any values: what the machine-word path ([`div_words`]) leaves to it.
    fn div_general(&self, other: &Real) -> Result<Real, ArithError> {
        if other.is_zero() {
            return Err(ArithError::DivisionByZero);
        }
        let decimals = matches!((self, other), (Real::Dec(_), Real::Dec(b)) if !b.is_zero());
        if !(decimals && divides_a_power_of_ten(other))
            && let Some(q) = self.small_parts().zip(other.small_parts()).and_then(|(a, b)| small::div(a, b))
        {
            // A quotient of decimals that terminates keeps the digits and scale `rust_decimal` gives.
            let q = small::reduced(q);
            if !(decimals && small::decimal_scale(q.1, Decimal::MAX_SCALE).is_some()) {
                return Ok(Real::from_reduced(q));
            }
        }
        if let (Real::Dec(a), Real::Dec(b)) = (self, other)
            && let Some(q) = a.checked_div(*b)
            && multiplies_back(q, *a, *b)
        {
            return Ok(Real::Dec(q));
        }
        let ((an, ad), (bn, bd)) = (self.parts(), other.parts());
        Real::from_rational(BigRational::new(&*an * &*bd, &*ad * &*bn))
    }

    /// `-self`.
    pub fn neg(&self) -> Real {
        match self {
            Real::Dec(d) => Real::Dec(-*d),
            Real::Small(s) => Real::Small(s.negated()),
            Real::Big(r) => Real::Big(Arc::new(-(**r).clone())),
        }
    }

    /// `|self|`.
    pub fn abs(&self) -> Real {
        if self.sign().is_lt() { self.neg() } else { self.clone() }
    }

    /// The smaller of two values.
    pub fn min_of(&self, other: &Real) -> Real {
        if other < self { other.clone() } else { self.clone() }
    }

    /// The larger of two values.
    pub fn max_of(&self, other: &Real) -> Real {
        if other > self { other.clone() } else { self.clone() }
    }

    /// `self × 10^exponent`, exactly (the point moved, as a unit conversion does).
    pub fn shifted(&self, exponent: i32) -> Result<Real, ArithError> {
        if let Real::Dec(d) = self
            && let Some(moved) = shifted(*d, exponent)
        {
            return Ok(Real::Dec(moved));
        }
        if let Some((n, d)) = self.small_parts()
            && let Some(power) = power_of_ten(i64::from(exponent.unsigned_abs())).map(|p| p as i128)
        {
            let moved =
                if exponent >= 0 { n.checked_mul(power).map(|n| (n, d)) } else { d.checked_mul(power).map(|d| (n, d)) };
            if let Some(moved) = moved {
                return Ok(Real::from_parts(moved));
            }
        }
        let power = BigRational::from_integer(BigInt::from(10u8).pow(exponent.unsigned_abs()));
        let r = self.rational();
        Real::from_rational(if exponent >= 0 { &*r * power } else { &*r / power })
    }

    /// Rounded to `digits` after the point, half away from zero.
    pub fn round(&self, digits: u32) -> Result<Real, ArithError> {
        match self {
            Real::Dec(d) if d.scale() <= digits => Ok(self.clone()),
            Real::Dec(d) => Ok(Real::Dec(d.round_dp_with_strategy(digits, RoundingStrategy::MidpointAwayFromZero))),
            Real::Small(s) => {
                let power = power_of_ten(i64::from(digits)).map(|p| p as i128);
                match power.zip(power.and_then(|p| i128::from(s.n).checked_mul(p))) {
                    Some((power, n)) => Ok(Real::from_parts((small::round_half_away(n, i128::from(s.d)), power))),
                    None => Real::from_rational(BigRational::new(
                        rounded_integer(&self.rational(), digits, Rounding::Nearest),
                        BigInt::from(10u8).pow(digits),
                    )),
                }
            }
            Real::Big(r) => {
                let n = rounded_integer(r, digits, Rounding::Nearest);
                Real::from_rational(BigRational::new(n, BigInt::from(10u8).pow(digits)))
            }
        }
    }

    /// The fewest digits after the point that write the value exactly, where it terminates.
    pub fn terminating_scale(&self) -> Option<u32> {
        match self {
            Real::Dec(d) => Some(d.normalize().scale()),
            Real::Small(s) => small::decimal_scale(i128::from(s.d), u32::MAX),
            Real::Big(r) => {
                let d = r.denom();
                let twos = d.trailing_zeros().unwrap_or(0);
                let mut rest = d >> twos;
                let (five, mut fives) = (BigInt::from(5u8), 0u64);
                loop {
                    let (q, rem) = rest.div_rem(&five);
                    if !rem.is_zero() {
                        break;
                    }
                    rest = q;
                    fives += 1;
                }
                rest.is_one().then(|| u32::try_from(twos.max(fives)).unwrap_or(u32::MAX))
            }
        }
    }

    /// The value written with exactly `digits` after the point, rounded as asked; never `-0`.
    pub fn to_string_at(&self, digits: u32, rounding: Rounding) -> String {
        match self {
            Real::Dec(d) if digits <= Decimal::MAX_SCALE => {
                match decimal_at(*d, digits, rounding, &mut [0; PLAIN_BYTES]) {
                    Some(text) => ascii(text).to_owned(),
                    None => decimal_at_by_rust_decimal(*d, digits, rounding),
                }
            }
            _ => with_point(&rounded_integer(&self.rational(), digits, rounding), digits),
        }
    }

    /// Writes [`Real::to_string_at`] at the end of `out`, a decimal's digits and a small quotient's
    /// made on the stack.
    pub fn write_at(&self, digits: u32, rounding: Rounding, out: &mut String) {
        let mut buf = [0; PLAIN_BYTES];
        let text = match self {
            Real::Dec(d) if digits <= Decimal::MAX_SCALE => decimal_at(*d, digits, rounding, &mut buf),
            Real::Small(s) => small_at(*s, digits, rounding, &mut buf),
            _ => None,
        };
        match text {
            Some(text) => push_ascii(out, text),
            None => out.push_str(&self.to_string_at(digits, rounding)),
        }
    }

    /// The power of ten of the first digit of a positive value (`floor(log10)`), counted in
    /// machine words; `None` where it is not positive or they do not hold it.
    pub fn first_power(&self) -> Option<i64> {
        let (n, d) = self.small_parts()?;
        ratio_power(n, d, 0)
    }

    /// The power of ten of the first digit of half a positive value (`floor(log10(x / 2))`), counted
    /// in machine words without dividing: [`Real::first_power`] of `x / 2`.
    pub fn half_first_power(&self) -> Option<i64> {
        let (n, d) = self.small_parts()?;
        ratio_power(n, d.checked_mul(2)?, 0)
    }

    /// Writes `self × 10^exponent` (the value in a unit of `10^-exponent`) as [`Real::write_at`]
    /// writes it, where machine words hold its digits, without making the moved value: whether it
    /// did.
    pub fn write_shifted_at(&self, exponent: i32, digits: u32, rounding: Rounding, out: &mut String) -> bool {
        let mut buf = [0; PLAIN_BYTES];
        let text = match self {
            Real::Dec(d) => {
                let scale = i64::from(d.scale()) - i64::from(exponent);
                let (negative, m) = (d.mantissa() < 0, d.mantissa().unsigned_abs());
                if let Ok(m) = u64::try_from(m)
                    && push_word_at(negative, m, scale, digits, rounding, out)
                {
                    return true;
                }
                scaled_at(negative, m, scale, digits, rounding, &mut buf)
            }
            Real::Small(s) => power_of_ten(i64::from(exponent.unsigned_abs())).and_then(|power| {
                let (a, d) = (u128::from(s.n.unsigned_abs()), u128::from(s.d));
                let (a, d) = if exponent >= 0 { (a.checked_mul(power)?, d) } else { (a, d.checked_mul(power)?) };
                ratio_at(s.n < 0, a, d, digits, rounding, &mut buf)
            }),
            Real::Big(_) => None,
        };
        text.map(|text| push_ascii(out, text)).is_some()
    }

    /// The value as a decimal string for a machine: exact where it terminates, else rounded as asked
    /// to `figures` significant digits; trailing zeros after the point dropped.
    pub fn to_plain_string(&self, figures: u32, rounding: Rounding) -> String {
        self.plain(figures, rounding).to_string()
    }

    /// The value as [`Real::to_plain_string`] writes it, for `write!` without a `String`: a decimal,
    /// and a small rational's digits, made in machine words on the stack.
    pub fn plain(&self, figures: u32, rounding: Rounding) -> Plain<'_> {
        Plain { real: self, figures, rounding }
    }

    /// [`Real::to_plain_string`] in big integers: a big rational, or a small one that terminates.
    fn plain_in_big_integers(&self, figures: u32, rounding: Rounding) -> String {
        if let Real::Dec(d) = self {
            return d.normalize().to_string();
        }
        let digits = match self.terminating_scale() {
            Some(scale) => scale,
            None => {
                let r = self.rational();
                figures.saturating_sub(1).saturating_add_signed(-floor_log10(&r))
            }
        };
        let text = with_point(&rounded_integer(&self.rational(), digits, rounding), digits);
        if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.').to_owned() } else { text }
    }
}

/// A value written as [`Real::to_plain_string`] writes it ([`Real::plain`]).
pub struct Plain<'a> {
    real: &'a Real,
    figures: u32,
    rounding: Rounding,
}

impl Plain<'_> {
    /// Gives the text to `write`, made on the stack where it can be: no formatter between.
    pub fn write_with<R>(&self, write: impl FnOnce(&str) -> R) -> R {
        self.write_bytes_with(|bytes| write(ascii(bytes)))
    }

    /// Gives the text to `write` as bytes (ASCII digits, a point and a sign), for a byte buffer.
    pub fn write_bytes_with<R>(&self, write: impl FnOnce(&[u8]) -> R) -> R {
        let mut buf = [0; PLAIN_BYTES];
        let text = match self.real {
            Real::Dec(d) => Some(plain_digits(d.mantissa() < 0, d.mantissa().unsigned_abs(), d.scale(), &mut buf)),
            Real::Small(s) => small_plain(*s, self.figures, self.rounding, &mut buf),
            Real::Big(_) => None,
        };
        match text {
            Some(text) => write(text),
            None => write(self.real.plain_in_big_integers(self.figures, self.rounding).as_bytes()),
        }
    }
}

impl std::fmt::Display for Plain<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.write_with(|text| f.write_str(text))
    }
}

/// Room for a plain number made on the stack: 39 digits, a sign, a point and the zeros before a
/// small rational's first digit (at most 19 past the point for a numerator of 64 bits).
const PLAIN_BYTES: usize = 96;

/// `|n| / 10^scale` written plainly, its trailing zeros after the point dropped (a decimal's
/// `normalize`d `Display`; zero, negative or not, is `0`), in `buf`.
fn plain_digits(negative: bool, mut n: u128, mut scale: u32, buf: &mut [u8; PLAIN_BYTES]) -> &[u8] {
    if n == 0 {
        return b"0";
    }
    match u64::try_from(n) {
        Ok(mut word) => {
            while scale > 0 && word.is_multiple_of(10) {
                word /= 10;
                scale -= 1;
            }
            n = u128::from(word);
        }
        Err(_) => {
            while scale > 0 && last_digit(n) == 0 {
                n /= 10;
                scale -= 1;
            }
        }
    }
    let at = point_digits(negative, n, scale as usize, buf);
    &buf[at..]
}

/// The last decimal digit of `n`, in 64-bit words (no `u128` division): `2^64` ends in 6.
fn last_digit(n: u128) -> u64 {
    let (high, low) = ((n >> 64) as u64, n as u64);
    ((high % 10) * 6 + low % 10) % 10
}

/// `|n| / 10^scale` written with exactly `scale` digits after the point (a decimal's `Display`;
/// zero is never negative), in `buf`.
fn fixed_digits(negative: bool, n: u128, scale: u32, buf: &mut [u8; PLAIN_BYTES]) -> &[u8] {
    let at = point_digits(negative && n != 0, n, scale as usize, buf);
    &buf[at..]
}

/// Pushes text made here (ASCII digits, a point and a sign) a character at a time: no check of it
/// as UTF-8 and no copy called for a few bytes. Each byte is taken below 128, so that the push is
/// that of one byte (a byte of 128 or more would be pushed as two): the text is ASCII, so this
/// changes nothing.
fn push_ascii(out: &mut String, bytes: &[u8]) {
    debug_assert!(bytes.is_ascii());
    out.reserve(bytes.len());
    bytes.iter().for_each(|&b| out.push(char::from(b & 0x7f)));
}

/// Text of ASCII digits, a point and a sign, as made here.
fn ascii(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).unwrap_or("0")
}

/// Writes `|n| / 10^scale` at the end of `buf` with exactly `scale` digits after the point (zeros
/// put before where `n` has fewer than `scale + 1`) and a sign where `negative`, nineteen digits at
/// a time in 64 bits, the point put as the digits pass it; where the text starts.
fn point_digits(negative: bool, n: u128, scale: usize, buf: &mut [u8; PLAIN_BYTES]) -> usize {
    let mut at = match u64::try_from(n) {
        Ok(word) if scale <= 19 => word_point_digits(word, scale, buf),
        _ => wide_point_digits(n, scale, buf),
    };
    if negative {
        at -= 1;
        buf[at] = b'-';
    }
    at
}

/// [`point_digits`] of a number of 64 bits with at most 19 digits after the point, unsigned: the
/// digits after the point and before it each written two at a time.
fn word_point_digits<const N: usize>(n: u64, scale: usize, buf: &mut [u8; N]) -> usize {
    let mut at = N;
    let mut whole = n;
    if scale > 0 {
        let p = power_of_ten(scale as i64).unwrap_or(1) as u64;
        let mut fraction = n % p;
        whole = n / p;
        let stop = at - scale;
        while at - stop >= 2 {
            pair(buf, &mut at, fraction % 100);
            fraction /= 100;
        }
        if at > stop {
            at -= 1;
            buf[at] = b'0' + (fraction % 10) as u8;
        }
        at -= 1;
        buf[at] = b'.';
    }
    whole_digits(whole, buf, at)
}

/// The two digits of each number below 100, in order.
const PAIRS: &[u8; 200] = b"0001020304050607080910111213141516171819202122232425262728293031323334353637383940414243444546474849\
                            5051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899";

/// Puts the two digits of `k` (below 100) before `at`.
#[inline]
fn pair(buf: &mut [u8], at: &mut usize, k: u64) {
    *at -= 2;
    let k = k as usize * 2;
    buf[*at..*at + 2].copy_from_slice(&PAIRS[k..k + 2]);
}

/// Writes the decimal digits of `n` so that they end just before `at` in `buf`, two at a time, and
/// gives where they start (`buf` has room: 20 bytes for any `u64`).
#[inline]
pub fn whole_digits(mut n: u64, buf: &mut [u8], mut at: usize) -> usize {
    while n >= 100 {
        pair(buf, &mut at, n % 100);
        n /= 100;
    }
    if n >= 10 {
        pair(buf, &mut at, n);
    } else {
        at -= 1;
        buf[at] = b'0' + n as u8;
    }
    at
}

/// [`point_digits`] of any number, unsigned: nineteen digits at a time in 64 bits (one `u128`
/// division a chunk), each chunk two digits at a time, zeros put before to reach the point, and the
/// whole digits moved one place to make room for it.
fn wide_point_digits(mut n: u128, scale: usize, buf: &mut [u8; PLAIN_BYTES]) -> usize {
    const TEN_19: u128 = 10_000_000_000_000_000_000;
    let end = PLAIN_BYTES;
    let mut at = end;
    while n >= TEN_19 {
        let high = n / TEN_19;
        let low = (n - high * TEN_19) as u64;
        let start = at - 19;
        at = whole_digits(low, buf, at);
        buf[start..at].fill(b'0');
        at = start;
        n = high;
    }
    at = whole_digits(n as u64, buf, at);
    // at least one digit before the point
    let least = end - scale - 1;
    if at > least {
        buf[least..at].fill(b'0');
        at = least;
    }
    if scale > 0 {
        let point = end - scale;
        buf.copy_within(at..point, at - 1);
        at -= 1;
        buf[point - 1] = b'.';
    }
    at
}

/// Room for a number of 64 bits written with at most nineteen digits after the point: twenty
/// digits, a point, a zero before it and a sign, in a buffer small enough to be read whole.
const WORD_BYTES: usize = 32;

/// Pushes [`scaled_at`] of a magnitude of 64 bits where words hold every step (at most nineteen
/// digits after the point, the rounded digits within 64 bits), made in a buffer of [`WORD_BYTES`]:
/// whether it did (else [`scaled_at`] writes it).
fn push_word_at(negative: bool, m: u64, scale: i64, digits: u32, rounding: Rounding, out: &mut String) -> bool {
    let Some(n) = word_scaled(negative, m, scale, digits, rounding) else { return false };
    let mut word = [0; WORD_BYTES];
    let mut at = word_point_digits(n, digits as usize, &mut word);
    if negative && n != 0 {
        at -= 1;
        word[at] = b'-';
    }
    push_word(out, &word, at);
    true
}

/// The digits [`scaled_at`] writes for `±m / 10^scale` at `digits` after the point, in 64 bits;
/// `None` where more than nineteen are after the point or a step passes 64 bits.
fn word_scaled(negative: bool, m: u64, scale: i64, digits: u32, rounding: Rounding) -> Option<u64> {
    if digits > 19 {
        return None;
    }
    let word_power = |k: i64| power_of_ten(k).and_then(|p| u64::try_from(p).ok());
    if i64::from(digits) >= scale {
        return m.checked_mul(word_power(i64::from(digits) - scale)?);
    }
    let p = word_power(scale - i64::from(digits))?;
    // at least ten, so the quotient and one more are within 64 bits
    let (q, r) = (m / p, m % p);
    Some(q + u64::from(rounds_up(negative, u128::from(r), u128::from(p), rounding)))
}

/// Pushes the text made at the end of a word buffer from `at`: the buffer read whole as text (a
/// check of known length, no loop of a push a byte), then the text's part copied.
fn push_word(out: &mut String, word: &[u8; WORD_BYTES], at: usize) {
    debug_assert!(word.is_ascii());
    let text = std::str::from_utf8(word).unwrap_or_default();
    out.push_str(text.get(at..).unwrap_or("0"));
}

/// A decimal written with exactly `digits` after the point by `rust_decimal`: where its digits pass
/// the machine words [`decimal_at`] rounds in (and its test's oracle); never `-0`.
fn decimal_at_by_rust_decimal(d: Decimal, digits: u32, rounding: Rounding) -> String {
    let strategy = match rounding {
        Rounding::Nearest => RoundingStrategy::MidpointAwayFromZero,
        Rounding::Down => RoundingStrategy::ToNegativeInfinity,
        Rounding::Up => RoundingStrategy::ToPositiveInfinity,
    };
    let mut r = d.round_dp_with_strategy(digits, strategy);
    r.rescale(digits);
    if r.is_zero() { Decimal::new(0, r.scale()) } else { r }.to_string()
}

/// A decimal rounded as asked to `digits` after the point and written with exactly that many, as
/// `round_dp_with_strategy`, `rescale` and `Display` write it, in machine words; `None` where the
/// digits would pass a decimal's 96 bits.
fn decimal_at(d: Decimal, digits: u32, rounding: Rounding, buf: &mut [u8; PLAIN_BYTES]) -> Option<&[u8]> {
    scaled_at(d.mantissa() < 0, d.mantissa().unsigned_abs(), i64::from(d.scale()), digits, rounding, buf)
}

/// `±m / 10^scale` (a scale of either sign: a decimal's point moved by a unit) rounded as asked to
/// `digits` after the point and written with exactly that many, as [`decimal_at`] writes a decimal
/// of that value; `None` where the digits would pass 96 bits or a power of ten an `u128`.
fn scaled_at(
    negative: bool,
    m: u128,
    scale: i64,
    digits: u32,
    rounding: Rounding,
    buf: &mut [u8; PLAIN_BYTES],
) -> Option<&[u8]> {
    let n = if i64::from(digits) >= scale {
        m.checked_mul(power_of_ten(i64::from(digits) - scale)?)?
    } else {
        let p = power_of_ten(scale - i64::from(digits))?;
        let (q, r) = divided(m, p);
        q + u128::from(rounds_up(negative, r, p, rounding))
    };
    if n >> 96 != 0 || digits as usize + 3 > PLAIN_BYTES {
        return None;
    }
    Some(fixed_digits(negative, n, digits, buf))
}

/// `10^k` where an `u128` holds it (up to `10^38`), from a table: the one table of powers of ten
/// (the kernels' fractions and a unit's factor read it too).
#[inline]
pub fn power_of_ten(k: i64) -> Option<u128> {
    const POWERS: [u128; 39] = {
        let mut table = [1u128; 39];
        let mut k = 1;
        while k < 39 {
            table[k] = table[k - 1] * 10;
            k += 1;
        }
        table
    };
    POWERS.get(usize::try_from(k).ok()?).copied()
}

/// `n / d` and its remainder, in 64 bits where both fit them.
fn divided(n: u128, d: u128) -> (u128, u128) {
    match (u64::try_from(n), u64::try_from(d)) {
        (Ok(n), Ok(d)) => (u128::from(n / d), u128::from(n % d)),
        _ => (n / d, n % d),
    }
}

/// Whether a magnitude whose division by `d` left `r` (`r < d`) is rounded up, as asked, for a value
/// of that sign: the one rule of the digit writers ([`scaled_at`], [`ratio_at`], [`small_plain`]).
fn rounds_up(negative: bool, r: u128, d: u128, rounding: Rounding) -> bool {
    match rounding {
        Rounding::Nearest => r >= d - r, // 2r >= d without overflow
        Rounding::Down => negative && r != 0,
        Rounding::Up => !negative && r != 0,
    }
}

/// A small quotient rounded as asked to `digits` after the point and written with exactly that many,
/// as [`rounded_integer`] and [`with_point`] write it, in `u128`; `None` where `n × 10^digits`
/// passes it (then big integers write it).
fn small_at(s: Small, digits: u32, rounding: Rounding, buf: &mut [u8; PLAIN_BYTES]) -> Option<&[u8]> {
    ratio_at(s.n < 0, u128::from(s.n.unsigned_abs()), u128::from(s.d), digits, rounding, buf)
}

/// `±a / d` rounded as asked to `digits` after the point and written with exactly that many, as
/// [`small_at`] writes a small quotient of that value (reduced or not, the digits are the same);
/// `None` where `a × 10^digits` passes an `u128`.
fn ratio_at(
    negative: bool,
    a: u128,
    d: u128,
    digits: u32,
    rounding: Rounding,
    buf: &mut [u8; PLAIN_BYTES],
) -> Option<&[u8]> {
    let n = a.checked_mul(power_of_ten(i64::from(digits))?)?;
    let (q, r) = divided(n, d);
    let q = q + u128::from(rounds_up(negative, r, d, rounding));
    if digits as usize + 42 > PLAIN_BYTES {
        return None;
    }
    Some(fixed_digits(negative, q, digits, buf))
}

/// Writes a decimal as its `Display` does (every digit of its scale; `-0.0` for a negative zero) at
/// the end of `out`, its digits made on the stack.
pub fn write_decimal(d: Decimal, out: &mut String) {
    if let Ok(m) = u64::try_from(d.mantissa().unsigned_abs())
        && d.scale() <= 19
    {
        let mut word = [0; WORD_BYTES];
        let mut at = word_point_digits(m, d.scale() as usize, &mut word);
        if d.is_sign_negative() {
            at -= 1;
            word[at] = b'-';
        }
        return push_word(out, &word, at);
    }
    let mut buf = [0; PLAIN_BYTES];
    let at = point_digits(d.is_sign_negative(), d.mantissa().unsigned_abs(), d.scale() as usize, &mut buf);
    push_ascii(out, &buf[at..]);
}

/// The power of ten of the first digit of `n / d × 10^exponent` (`floor(log10)`) for a positive
/// fraction, counted in `u128`; `None` where it is not positive or a product passes them.
fn ratio_power(n: i128, d: i128, exponent: i32) -> Option<i64> {
    let (n, d) = (u128::try_from(n).ok().filter(|&n| n > 0)?, u128::try_from(d).ok().filter(|&d| d > 0)?);
    let e = i64::from(ilog10_of_wide(n)) - i64::from(ilog10_of_wide(d));
    let at_least = if e >= 0 { n >= d.checked_mul(power_of_ten(e)?)? } else { n.checked_mul(power_of_ten(-e)?)? >= d };
    Some(if at_least { e } else { e - 1 } + i64::from(exponent))
}

/// The power of ten of the first digit of `hi − lo` in a unit `10^exponent` of theirs, for two
/// decimals with `lo < hi`: `floor(log10((hi − lo) / 10^exponent))`, counted in machine words;
/// `None` where they pass them.
pub fn width_power(lo: &Real, hi: &Real, exponent: i32) -> Option<i64> {
    let (Real::Dec(lo), Real::Dec(hi)) = (lo, hi) else {
        // a quotient's ends: `hi − lo` as one fraction of their parts
        let ((ln, ld), (hn, hd)) = (lo.small_parts()?, hi.small_parts()?);
        let width = hn.checked_mul(ld)?.checked_sub(ln.checked_mul(hd)?)?;
        return ratio_power(width, hd.checked_mul(ld)?, -exponent);
    };
    // both at the larger scale ([`at_scale`]: no checked product for a few digits more)
    let scale = lo.scale().max(hi.scale());
    let width = at_scale(*hi, scale)?.checked_sub(at_scale(*lo, scale)?).filter(|w| *w > 0 && *w >> 96 == 0)?;
    let scale = i64::from(scale) + i64::from(exponent);
    (0..=i64::from(Decimal::MAX_SCALE)).contains(&scale).then(|| i64::from(ilog10_of_wide(width as u128)) - scale)
}

/// `floor(log10 n)` of a positive `n`, in 64 bits where it fits them (an `u128`'s is a longer
/// ladder of comparisons).
#[inline]
pub(super) fn ilog10_of_wide(n: u128) -> u32 {
    match u64::try_from(n) {
        Ok(word) => word.ilog10(),
        Err(_) => n.ilog10(),
    }
}

/// A small rational that does not terminate, written to `figures` significant digits rounded as
/// asked, by long division in machine words ([`Real::to_plain_string`]): the whole part, then the
/// digits after the point nineteen at a time, each chunk put in its place as it is found (no
/// quotient of all the digits made and written again), rounded in the text; `None` where it
/// terminates or the digits pass the buffer (then big integers write it).
fn small_plain(s: Small, figures: u32, rounding: Rounding, buf: &mut [u8; PLAIN_BYTES]) -> Option<&[u8]> {
    let (a, d) = (s.n.unsigned_abs(), s.d);
    if a == 0 || is_power_of_five(d >> d.trailing_zeros()) {
        return None;
    }
    let digits = usize::try_from(i64::from(figures.saturating_sub(1)) - word_ratio_power(a, d)).unwrap_or(0);
    // the whole digits end at `POINT` (at most twenty, with room before them for a carry and a sign)
    const POINT: usize = 23;
    if POINT + 1 + digits > PLAIN_BYTES {
        return None;
    }
    let mut start = whole_digits(a / d, buf, POINT);
    let mut r = a % d;
    let mut end = POINT;
    if digits > 0 {
        buf[POINT] = b'.';
        end += 1;
        let mut left = digits;
        while left > 0 {
            let k = left.min(19);
            let t = u128::from(r) * power_of_ten(k as i64)?; // r < d < 2^64 and 10^k < 2^64
            let step = (t / u128::from(d)) as u64; // below 10^k
            r = (t - u128::from(step) * u128::from(d)) as u64;
            let first = whole_digits(step, buf, end + k);
            buf[end..first].fill(b'0');
            end += k;
            left -= k;
        }
    }
    let negative = s.n < 0;
    if rounds_up(negative, u128::from(r), u128::from(d), rounding) {
        start = carried(buf, start, end);
    }
    if digits > 0 {
        // trailing zeros after the point dropped, then the point if nothing is left after it
        while buf[end - 1] == b'0' {
            end -= 1;
        }
        if buf[end - 1] == b'.' {
            end -= 1;
        }
    }
    if negative {
        start -= 1;
        buf[start] = b'-';
    }
    Some(&buf[start..end])
}

/// Adds one in the last place of the digits `buf[start..end]` (a point among them passed over), the
/// carry running left, a `1` put before them where it passes the first; where they start.
fn carried(buf: &mut [u8], start: usize, end: usize) -> usize {
    for at in (start..end).rev() {
        match buf[at] {
            b'9' => buf[at] = b'0',
            b'.' => {}
            digit => {
                buf[at] = digit + 1;
                return start;
            }
        }
    }
    buf[start - 1] = b'1';
    start - 1
}

/// The power of ten of the first digit of `a / d` (`floor(log10)`) for positive words: their
/// digit counts' difference, less one where `a` is below `d` so moved.
fn word_ratio_power(a: u64, d: u64) -> i64 {
    let e = i64::from(a.ilog10()) - i64::from(d.ilog10());
    // 10^|e| is at most 10^19: each product within 128 bits
    let ten = |k: i64| power_of_ten(k).unwrap_or(1);
    let at_least =
        if e >= 0 { u128::from(a) >= u128::from(d) * ten(e) } else { u128::from(a) * ten(-e) >= u128::from(d) };
    if at_least { e } else { e - 1 }
}

/// Whether `x` is a power of five (one included).
fn is_power_of_five(mut x: u64) -> bool {
    while x > 1 && x.is_multiple_of(5) {
        x /= 5;
    }
    x == 1
}

impl PartialOrd for Real {
    fn partial_cmp(&self, other: &Real) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Real {
    fn cmp(&self, other: &Real) -> Ordering {
        match (self, other) {
            (Real::Dec(a), Real::Dec(b)) => order(*a, *b),
            _ => match self.small_parts().zip(other.small_parts()) {
                Some((a, b)) => small::cmp(a, b),
                None => {
                    // denominators are positive: compare the cross products
                    let ((an, ad), (bn, bd)) = (self.parts(), other.parts());
                    (&*an * &*bd).cmp(&(&*bn * &*ad))
                }
            },
        }
    }
}

impl std::fmt::Display for Real {
    /// Exact where the value terminates, else to 28 significant digits (for messages and tests).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.plain(28, Rounding::Nearest).fmt(f)
    }
}

/// Whether `x - y <= tol`, exactly, for values of any size.
pub fn at_most(x: &Real, y: &Real, tol: &Real) -> Result<bool, ArithError> {
    if let (Real::Dec(x), Real::Dec(y), Real::Dec(t)) = (x, y, tol) {
        return Ok(at_most_decimal(*x, *y, *t));
    }
    // `x <= y + tol` by cross products: no difference is reduced or allocated
    if let (Some(x), Some(y), Some(t)) = (x.small_parts(), y.small_parts(), tol.small_parts())
        && let Some(bound) = small::add(y, t)
    {
        return Ok(small::cmp(x, bound).is_le());
    }
    Ok(x.sub(y)? <= *tol)
}

/// `a / b` of two decimals, where it is a small rational made in 64-bit words: the digits of each
/// at the other's scale (`a`'s times `10^(b's scale - a's)`, or `b`'s the other way) fit a `u64`, and
/// the quotient does not terminate. This is a margin or a growth rate of two figures (most failing
/// rules have one, and an interval's quotient is three), which [`Real::div_general`] makes through
/// `i128` products checked for overflow, a gcd and divisions in 128 bits. `None` for any other
/// quotient (zero, one that terminates, whose digits and scale are `rust_decimal`'s, or one past
/// 64 bits): the general path decides, and since a value has one form the two agree where both
/// answer (a test holds them to it).
fn div_words(a: Decimal, b: Decimal) -> Option<Real> {
    let am = u64::try_from(a.mantissa().unsigned_abs()).ok()?;
    let bm = u64::try_from(b.mantissa().unsigned_abs()).ok()?;
    if am == 0 || bm == 0 || digits_divide_a_power_of_ten(u128::from(bm)) {
        return None;
    }
    let (n, d) = match b.scale().checked_sub(a.scale()) {
        Some(k) => (am.checked_mul(u64::try_from(power_of_ten(i64::from(k))?).ok()?)?, bm),
        None => (am, bm.checked_mul(u64::try_from(power_of_ten(i64::from(a.scale() - b.scale()))?).ok()?)?),
    };
    let g = small::gcd64(n, d);
    let (n, d) = (n / g, d / g);
    if small::decimal_scale(i128::from(d), Decimal::MAX_SCALE).is_some() {
        return None;
    }
    let n = i64::try_from(n).ok()?; // at most `i64::MAX`, so its negation is a `Small`'s too
    let negative = a.is_sign_negative() != b.is_sign_negative();
    Some(Real::Small(Small { n: if negative { -n } else { n }, d }))
}

/// Whether a decimal divides a power of ten (its digits have no prime factor but 2 and 5), so that
/// every quotient by it terminates.
fn divides_a_power_of_ten(x: &Real) -> bool {
    let Real::Dec(d) = x else { return false };
    digits_divide_a_power_of_ten(d.mantissa().unsigned_abs())
}

/// Whether digits have no prime factor but 2 and 5 (and are not zero).
fn digits_divide_a_power_of_ten(m: u128) -> bool {
    m != 0 && matches!(small::without_fives(m >> m.trailing_zeros(), u32::MAX), Some((1, _)))
}

/// A decimal as a rational.
fn rational_of(d: Decimal) -> BigRational {
    BigRational::new(BigInt::from(d.mantissa()), ten_to(d.scale()))
}

/// `10^scale` for a decimal's scale (at most 28), from an `i128` without a loop of big products.
fn ten_to(scale: u32) -> BigInt {
    BigInt::from(10i128.pow(scale))
}

/// The decimal a rational is, where one holds it exactly (a denominator of twos and fives, at
/// most 28 digits after the point, digits within 96 bits).
fn decimal_of(r: &BigRational) -> Option<Decimal> {
    if r.numer().bits() > 96 {
        return None; // the digits are at least the numerator
    }
    if r.is_integer() {
        return Decimal::try_from_i128_with_scale(r.numer().to_i128()?, 0).ok();
    }
    let d = r.denom();
    let twos = d.trailing_zeros().unwrap_or(0);
    if twos > u64::from(Decimal::MAX_SCALE) {
        return None;
    }
    let mut rest = d >> twos;
    let (five, mut fives) = (BigInt::from(5u8), 0u64);
    while !rest.is_one() {
        let (q, rem) = rest.div_rem(&five);
        if !rem.is_zero() || fives == u64::from(Decimal::MAX_SCALE) {
            return None;
        }
        rest = q;
        fives += 1;
    }
    let scale = twos.max(fives) as u32;
    let mantissa = r.numer() * (BigInt::from(10u8).pow(scale) / d);
    Decimal::try_from_i128_with_scale(mantissa.to_i128()?, scale).ok()
}

/// `r × 10^digits` rounded to an integer as asked.
fn rounded_integer(r: &BigRational, digits: u32, rounding: Rounding) -> BigInt {
    let n = r.numer() * BigInt::from(10u8).pow(digits);
    let d = r.denom(); // positive
    match rounding {
        Rounding::Down => n.div_floor(d),
        Rounding::Up => -((-n).div_floor(d)),
        Rounding::Nearest => {
            let (q, rem) = n.abs().div_rem(d);
            let q = if rem * 2u8 >= *d { q + 1u8 } else { q };
            if n.is_negative() { -q } else { q }
        }
    }
}

/// An integer of digits written with `digits` of them after the point: `12345`, 2 is `123.45`.
fn with_point(n: &BigInt, digits: u32) -> String {
    let text = n.abs().to_string();
    let digits = digits as usize;
    let text = if text.len() <= digits { format!("{}{text}", "0".repeat(digits + 1 - text.len())) } else { text };
    let (whole, fraction) = text.split_at(text.len() - digits);
    let sign = if n.is_negative() { "-" } else { "" };
    if digits == 0 { format!("{sign}{whole}") } else { format!("{sign}{whole}.{fraction}") }
}

/// `floor(log10 |r|)` of a value that is not zero: the power of ten of its first digit.
fn floor_log10(r: &BigRational) -> i32 {
    let (p, q) = (r.numer().abs(), r.denom());
    let e = p.to_string().len() as i32 - q.to_string().len() as i32;
    let ten = |k: i32| BigInt::from(10u8).pow(k.unsigned_abs());
    // |r| >= 10^e, compared in integers
    let at_least = if e >= 0 { p >= q * ten(e) } else { p * ten(e) >= *q };
    if at_least { e } else { e - 1 }
}

/// A decimal's digits at a scale at least its own, as an integer, where it fits an `i128`: the scaled
/// integers in which sums and comparisons of the figures of a bulk run are made, exactly.
pub(super) fn at_scale(d: Decimal, scale: u32) -> Option<i128> {
    let m = d.mantissa();
    match scale - d.scale() {
        0 => Some(m),
        // |m| < 2^96 and 10^k < 2^30: the product is below 2^126, with no check (a checked product
        // in 128 bits is a call)
        k @ 1..=9 => Some(m * power_of_ten(i64::from(k))? as i128),
        k => m.checked_mul(i128::try_from(power_of_ten(i64::from(k))?).ok()?),
    }
}

/// Both decimals' digits at their larger scale, and that scale, where they fit.
fn scaled(a: Decimal, b: Decimal) -> Option<(i128, i128, u32)> {
    let scale = a.scale().max(b.scale());
    Some((at_scale(a, scale)?, at_scale(b, scale)?, scale))
}

/// The order of two decimals, in scaled integers where both fit (a point compared with a bound).
pub fn order(a: Decimal, b: Decimal) -> Ordering {
    scaled(a, b).map_or_else(|| a.cmp(&b), |(a, b, _)| a.cmp(&b))
}

/// [`at_most_decimal`] in scaled integers, where all three fit an `i128` at their largest scale.
fn at_most_scaled(x: Decimal, y: Decimal, tol: Decimal) -> Option<bool> {
    let scale = x.scale().max(y.scale()).max(tol.scale());
    Some(at_scale(x, scale)?.checked_sub(at_scale(y, scale)?)?.checked_sub(at_scale(tol, scale)?)? <= 0)
}

/// Whether `x - y <= tol`, decided exactly even where the difference has more digits than a
/// decimal carries: whole parts are subtracted in `i128`, and the fractions, each below one, in a
/// decimal that holds their sum exactly.
fn at_most_decimal(x: Decimal, y: Decimal, tol: Decimal) -> bool {
    at_most_scaled(x, y, tol).unwrap_or_else(|| at_most_wholes(x, y, tol))
}

/// [`at_most_decimal`] by whole parts and fractions, for figures beyond an `i128` at a common scale.
fn at_most_wholes(x: Decimal, y: Decimal, tol: Decimal) -> bool {
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

/// Whether `q * b` gives `a` back exactly, so that `q` is the exact quotient `a / b`. In scaled
/// integers where the digits' product fits an `i128` (an inexact quotient has some 28 digits, so its
/// product is past what a decimal holds unrounded, which is all it takes to say no).
fn multiplies_back(q: Decimal, a: Decimal, b: Decimal) -> bool {
    if !q.is_zero()
        && let Some(product) = q.mantissa().checked_mul(b.mantissa())
    {
        let scale = q.scale() + b.scale();
        return scale <= Decimal::MAX_SCALE
            && product.unsigned_abs() < 1 << 96
            && order(Decimal::from_i128_with_scale(product, scale), a).is_eq();
    }
    match q.checked_mul(b) {
        Some(back) => {
            let exact = if back.is_zero() { q.is_zero() || b.is_zero() } else { back.scale() >= q.scale() + b.scale() };
            exact && back == a
        }
        None => false,
    }
}

/// `x × 10^exponent` as a decimal (the point moved, as a unit conversion does), where one holds it
/// exactly: `None` where it needs more than 28 digits after the point or is too large.
pub fn shifted(x: Decimal, exponent: i32) -> Option<Decimal> {
    let scale = x.scale() as i32 - exponent;
    if scale > Decimal::MAX_SCALE as i32 {
        return None;
    }
    let grow = power_of_ten(i64::from(scale.min(0).unsigned_abs()))? as i128; // the table, not a loop
    let mantissa = x.mantissa().checked_mul(grow)?;
    Decimal::try_from_i128_with_scale(mantissa, scale.max(0) as u32).ok()
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
                        assert_eq!(holds, at_most_wholes(a, b, tol), "{a} - {b} <= {tol}");
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
    }

    #[test]
    fn operations_agree_with_rationals_and_normalise() {
        let ds = decimals(120);
        for (i, &a) in ds.iter().enumerate() {
            for &b in &ds[i..] {
                let (x, y) = (Real::Dec(a), Real::Dec(b));
                let (p, q) = (rational_of(a), rational_of(b));
                let check = |r: Real, want: BigRational| {
                    assert_eq!(*r.rational(), want);
                    assert_eq!(matches!(r, Real::Dec(_)), decimal_of(&want).is_some(), "{r:?}");
                };
                check(x.add(&y).unwrap(), &p + &q);
                check(x.sub(&y).unwrap(), &p - &q);
                check(x.mul(&y).unwrap(), &p * &q);
                if !b.is_zero() {
                    check(x.div(&y).unwrap(), &p / &q);
                }
                assert_eq!(x.cmp(&y), p.cmp(&q));
            }
        }
    }

    /// A value's form as well as its value: a decimal's digits and scale, a rational's terms.
    fn form(r: &Real) -> String {
        match r {
            Real::Dec(d) => format!("{}e-{}", d.mantissa(), d.scale()),
            Real::Small(s) => format!("{}/{} small", s.n, s.d),
            Real::Big(b) => format!("{b} big"),
        }
    }

    #[test]
    fn a_quotient_in_machine_words_is_the_general_one() {
        // figures' digits: small, with factors of 2, 3, 5 and 7, a unit's zeros, and the 64-bit ends
        let mut digits = vec![1i128, 2, 3, 5, 6, 7, 10, 12, 15, 21, 25, 40, 64, 75, 99, 125, 343, 1000, 1024];
        digits.extend([26575, 123_445, 2_657_495_000, 98_765_432_100, 3_486_784_401, 5i128.pow(27), 3 << 40]);
        let edges = [i64::MAX as i128, i64::MAX as i128 + 1, u64::MAX as i128 / 3, u64::MAX as i128, 1 << 64];
        digits.extend(edges);
        digits.extend(decimals(60).iter().map(|d| d.mantissa().abs()));
        let signed: Vec<i128> = digits.iter().flat_map(|&m| [m, -m]).chain([0]).collect();
        let (mut fast, mut all) = (0, 0);
        for &m in &signed {
            for &n in &signed {
                for (s, t) in [(0, 0), (1, 2), (2, 1), (0, 9), (9, 0), (3, 20), (28, 0), (0, 28), (28, 28)] {
                    let a = Decimal::from_i128_with_scale(m, s);
                    let Ok(b) = Decimal::try_from_i128_with_scale(n, t) else { continue };
                    let (x, y) = (Real::Dec(a), Real::Dec(b));
                    all += 1;
                    fast += usize::from(div_words(a, b).is_some());
                    match (x.div(&y), x.div_general(&y)) {
                        (Ok(q), Ok(r)) => assert_eq!(form(&q), form(&r), "{a} / {b}"),
                        (q, r) => assert_eq!(q.err(), r.err(), "{a} / {b}"),
                    }
                }
            }
        }
        assert!(fast > all / 5, "{fast} of {all} quotients in machine words");
    }

    #[test]
    fn a_quotient_that_does_not_terminate_is_kept_exact() {
        let third = Real::from(Decimal::ONE).div(&Real::from(Decimal::from(3))).unwrap();
        assert!(matches!(third, Real::Small(_)));
        assert_eq!(third.mul(&Real::from(Decimal::from(3))).unwrap(), Real::from(Decimal::ONE));
        assert_eq!(third.to_string_at(4, Rounding::Nearest), "0.3333");
        assert_eq!(third.to_string_at(2, Rounding::Up), "0.34");
        assert_eq!(third.neg().to_string_at(2, Rounding::Down), "-0.34");
        assert_eq!(third.terminating_scale(), None);
        assert_eq!(third.to_plain_string(28, Rounding::Nearest), "0.3333333333333333333333333333");
        let tiny = third.shifted(-30).unwrap();
        assert_eq!(tiny.to_plain_string(3, Rounding::Up), "0.000000000000000000000000000000334");
        let two_thirds = third.add(&third).unwrap();
        assert_eq!(two_thirds.to_string_at(0, Rounding::Nearest), "1");
        assert_eq!(two_thirds.neg().round(1).unwrap(), Real::from(Decimal::new(-7, 1)));
    }

    /// `count` quotients of both signs: every pair of the 64-bit ends first (1, 2, 3, … `u64::MAX`),
    /// then random numerators and denominators of random widths from `seed`; those `Real` refuses
    /// left out.
    fn quotients(mut seed: u64, count: usize) -> impl Iterator<Item = Real> {
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let ends = [1, 2, 3, 7, 9, 10, 99, 1 << 20, 999_999_999_999, u64::MAX / 3, u64::MAX];
        (0..count).filter_map(move |i| {
            let (n, d) = if i < ends.len() * ends.len() {
                (ends[i / ends.len()] as i128, ends[i % ends.len()] as i128)
            } else {
                (i128::from(next() >> (next() % 64)), i128::from(next() >> (next() % 64)).max(1))
            };
            let sign = if i % 2 == 0 { 1 } else { -1 };
            Real::from_rational(BigRational::new(BigInt::from(sign * n), BigInt::from(d))).ok()
        })
    }

    #[test]
    fn point_digits_of_wide_numbers_are_those_of_their_integer_text() {
        // the text of `n` with zeros put before to have `scale + 1` digits, the point before the last `scale`
        let oracle = |negative: bool, n: u128, scale: usize| {
            let digits = format!("{n:0>width$}", width = scale + 1);
            let (whole, fraction) = digits.split_at(digits.len() - scale);
            let sign = if negative { "-" } else { "" };
            if scale == 0 { format!("{sign}{whole}") } else { format!("{sign}{whole}.{fraction}") }
        };
        let ten_19 = 10_000_000_000_000_000_000u128;
        let mut numbers = vec![0, 1, 9, 10, 99, u128::from(u64::MAX), u128::from(u64::MAX) + 1, ten_19 - 1, ten_19];
        numbers.extend([ten_19 + 1, ten_19 * 10, ten_19 * ten_19 - 1, ten_19 * ten_19, ten_19 * ten_19 + 7, u128::MAX]);
        numbers.extend([1u128 << 96, (1u128 << 96) - 1, 3_849_123_456_789_012_345_678_901_234, 5 * ten_19 + 3]);
        for n in numbers {
            for scale in [0, 1, 2, 18, 19, 20, 21, 28, 38, 39, 40, 50] {
                for negative in [false, true] {
                    let mut buf = [0; PLAIN_BYTES];
                    let at = wide_point_digits(n, scale, &mut buf);
                    let sign = if negative { "-" } else { "" };
                    let text = format!("{sign}{}", std::str::from_utf8(&buf[at..]).unwrap());
                    assert_eq!(text, oracle(negative, n, scale), "{n} at {scale}");
                    let at = point_digits(negative, n, scale, &mut buf);
                    assert_eq!(std::str::from_utf8(&buf[at..]).unwrap(), oracle(negative, n, scale), "{n} at {scale}");
                    assert_eq!(last_digit(n), (n % 10) as u64);
                }
            }
        }
    }

    #[test]
    fn plain_digits_in_machine_words_are_those_of_big_integers() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        let decimals = ["0", "-0", "0.000", "-0.50", "1", "-1", "100", "0.05", "-12.3400", "213400000000"];
        let extremes = [Decimal::MAX, Decimal::MIN, Decimal::new(1, 28), Decimal::new(-1, 28), d("1e-28")];
        for x in decimals.map(d).into_iter().chain(extremes) {
            assert_eq!(Real::Dec(x).to_plain_string(28, Rounding::Up), x.normalize().to_string(), "{x:?}");
        }
        let mut checked = 0;
        for x in quotients(0x2545_f491_4f6c_dd1d, 4000) {
            for figures in [28, 17, 3, 1] {
                for rounding in [Rounding::Nearest, Rounding::Down, Rounding::Up] {
                    let slow = x.plain_in_big_integers(figures, rounding);
                    assert_eq!(x.plain(figures, rounding).to_string(), slow, "{x:?} to {figures} {rounding:?}");
                    if let Real::Small(s) = x
                        && x.terminating_scale().is_none()
                    {
                        // every non-terminating one is written in machine words
                        assert!(small_plain(s, figures, rounding, &mut [0; PLAIN_BYTES]).is_some(), "{x:?}");
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 10_000, "{checked} small rationals written");
    }

    #[test]
    fn a_small_quotient_at_some_digits_in_machine_words_is_that_of_big_integers() {
        let mut written = 0;
        for x in quotients(0x9e37_79b9_7f4a_7c15, 2000).filter(|x| matches!(x, Real::Small(_))) {
            for digits in [0, 1, 2, 3, 9, 20, 28] {
                for rounding in [Rounding::Nearest, Rounding::Down, Rounding::Up] {
                    let slow = with_point(&rounded_integer(&x.rational(), digits, rounding), digits);
                    let mut fast = String::new();
                    x.write_at(digits, rounding, &mut fast);
                    assert_eq!(fast, slow, "{x:?} at {digits} {rounding:?}");
                    written += 1;
                }
            }
        }
        assert!(written > 10_000, "{written} small quotients written");
    }

    #[test]
    fn a_value_written_moved_is_the_moved_value_written() {
        let values = decimals(600).into_iter().map(Real::Dec).chain(quotients(0x5851_f42d_4c95_7f2d, 600));
        let mut written = 0;
        for x in values {
            for exponent in [-12, -9, -6, -3, 0, 2, 4] {
                let Ok(moved) = x.shifted(exponent) else { continue };
                for digits in [0, 1, 2, 5, 12, 28, 40] {
                    for rounding in [Rounding::Nearest, Rounding::Down, Rounding::Up] {
                        let mut fast = String::from("x");
                        if x.write_shifted_at(exponent, digits, rounding, &mut fast) {
                            let slow = format!("x{}", moved.to_string_at(digits, rounding));
                            assert_eq!(fast, slow, "{x:?} × 10^{exponent} at {digits} {rounding:?}");
                            written += 1;
                        }
                    }
                }
            }
        }
        assert!(written > 30_000, "{written} moved values written");
    }

    #[test]
    fn a_decimal_written_on_the_stack_is_its_display() {
        let texts = ["0", "-0", "-0.000", "0.0", "0.05", "-12.3400", "213400000000", "1e-28"];
        let texts = texts.map(|t| t.parse::<Decimal>().or_else(|_| Decimal::from_scientific(t)).unwrap());
        for d in texts.into_iter().chain([Decimal::MAX, Decimal::MIN]).chain(decimals(2000)) {
            let mut out = String::from("x");
            write_decimal(d, &mut out);
            assert_eq!(out, format!("x{d}"), "{d:?}");
        }
    }

    #[test]
    fn a_quotient_s_first_digit_and_width_in_machine_words_are_those_of_exact_arithmetic() {
        let values: Vec<Real> =
            quotients(0x2545_f491_4f6c_dd1d, 300).chain(decimals(40).into_iter().map(Real::Dec)).collect();
        let mut counted = 0;
        for x in &values {
            if x.sign() == Ordering::Greater {
                assert_eq!(x.first_power(), Some(i64::from(floor_log10(&x.rational()))), "{x:?}");
            } else {
                assert_eq!(x.first_power(), None, "{x:?}");
            }
        }
        for lo in values.iter().step_by(3) {
            for hi in values.iter().step_by(5).filter(|hi| *hi > lo) {
                for exponent in [-4, -2, 0, 9] {
                    let Some(power) = width_power(lo, hi, exponent) else { continue };
                    let width = hi.sub(lo).unwrap().shifted(-exponent).unwrap();
                    assert_eq!(power, i64::from(floor_log10(&width.rational())), "{lo:?}..{hi:?} in 10^{exponent}");
                    counted += 1;
                }
            }
        }
        assert!(counted > 1_000, "{counted} widths counted");
    }

    #[test]
    fn a_width_s_first_digit_in_machine_words_is_that_of_exact_arithmetic() {
        let ds = decimals(150);
        let mut counted = 0;
        for &a in &ds {
            for &b in &ds {
                let (lo, hi) = (Real::Dec(a.min(b)), Real::Dec(a.max(b)));
                for exponent in [-4, -2, 0, 3, 6, 9, 12] {
                    let Some(power) = width_power(&lo, &hi, exponent) else { continue };
                    let width = hi.sub(&lo).unwrap().shifted(-exponent).unwrap();
                    let r = width.rational();
                    assert_eq!(power, i64::from(floor_log10(&r)), "{lo:?}..{hi:?} in 10^{exponent}");
                    counted += 1;
                }
            }
        }
        assert!(counted > 10_000, "{counted} widths counted");
    }

    #[test]
    fn a_decimal_at_some_digits_in_machine_words_is_rust_decimal_s() {
        let by_rust_decimal = decimal_at_by_rust_decimal;
        let texts =
            ["0", "-0", "-0.000", "0.5", "-0.5", "2.345", "-2.345", "0.0049", "-0.0051", "99.995", "213400000000"];
        let extremes = [Decimal::MAX, Decimal::MIN, Decimal::new(1, 28), Decimal::new(-5, 28), Decimal::new(123, 20)];
        for d in texts.map(|t| t.parse::<Decimal>().unwrap()).into_iter().chain(extremes) {
            for digits in [0, 1, 2, 3, 5, 9, 20, 28] {
                for rounding in [Rounding::Nearest, Rounding::Down, Rounding::Up] {
                    let expected = by_rust_decimal(d, digits, rounding);
                    assert_eq!(Real::Dec(d).to_string_at(digits, rounding), expected, "{d:?} at {digits} {rounding:?}");
                }
            }
        }
    }

    #[test]
    fn values_past_a_decimal_are_big_integers_within_the_budget() {
        let big = Real::from(Decimal::MAX).mul(&Real::from(Decimal::from(1000))).unwrap();
        assert!(matches!(big, Real::Big(_)));
        assert_eq!(big.to_plain_string(28, Rounding::Nearest), "79228162514264337593543950335000");
        assert_eq!(big.terminating_scale(), Some(0));
        assert_eq!(big.div(&Real::from(Decimal::from(1000))).unwrap(), Real::from(Decimal::MAX));
        let mut x = Real::from(Decimal::from(3));
        let mut squarings = 0;
        let error = loop {
            match x.mul(&x) {
                Ok(next) => x = next,
                Err(e) => break e,
            }
            squarings += 1;
        };
        assert_eq!(error, ArithError::TooLarge);
        assert!((11..=12).contains(&squarings), "3^(2^{squarings}) is within {EXACT_BITS} bits");
    }

    #[test]
    fn shifts_move_the_point_exactly() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(shifted(d("0.3333333333333333333333333333"), 9), Some(d("333333333.3333333333333333333")));
        assert_eq!(shifted(d("12.5"), -2), Some(d("0.125")));
        assert_eq!(shifted(d("0.000000000000000000000000001"), -4), None);
        let tiny = Real::from(d("0.000000000000000000000000001")).shifted(-4).unwrap();
        assert_eq!(tiny.to_plain_string(28, Rounding::Nearest), "0.0000000000000000000000000000001");
        assert_eq!(tiny.shifted(4).unwrap(), Real::from(d("0.000000000000000000000000001")));
    }

    /// A small rational of any 64-bit terms: the numerator and denominator of a `Real`, whichever
    /// form it takes (most do not terminate and are small ones).
    fn any_quotient() -> impl proptest::strategy::Strategy<Value = Real> {
        use proptest::prelude::*;
        let word = prop_oneof![1u64..1000, any::<u64>().prop_map(|d| d.max(1)), (0u32..64).prop_map(|k| 1u64 << k)];
        (any::<i64>(), word, 0u32..20).prop_map(|(n, d, tens)| {
            let d = BigInt::from(d) * BigInt::from(10u8).pow(tens % 3);
            Real::from_rational(BigRational::new(BigInt::from(n), d)).unwrap()
        })
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4000))]

        /// A small quotient written plainly in machine words, digit chunk by chunk and rounded in
        /// its text, is the text of big integers, for every rounding and any number of figures; and
        /// one that does not terminate is always written so.
        #[test]
        fn a_quotient_written_plainly_in_words_is_that_of_big_integers(x in any_quotient(), figures in 0u32..48) {
            for rounding in [Rounding::Nearest, Rounding::Down, Rounding::Up] {
                let slow = x.plain_in_big_integers(figures, rounding);
                proptest::prop_assert_eq!(x.plain(figures, rounding).to_string(), slow, "{:?} to {} {:?}", x, figures, rounding);
                if let Real::Small(s) = x
                    && x.terminating_scale().is_none()
                {
                    proptest::prop_assert!(small_plain(s, figures, rounding, &mut [0; PLAIN_BYTES]).is_some(), "{:?}", x);
                }
            }
        }

        /// A magnitude of 64 bits moved and rounded in words is what the general path writes, for
        /// every rounding, sign, scale of either sign and digits after the point; and words write
        /// every one whose digits they hold.
        #[test]
        fn a_word_moved_and_rounded_is_written_as_the_general_path_writes_it(
            m in proptest::prop_oneof![0u64..1000, proptest::prelude::any::<u64>(), proptest::strategy::Strategy::prop_map(0u32..64, |k| (1u64 << k) - 1)],
            negative in proptest::prelude::any::<bool>(),
            scale in -24i64..48,
            digits in 0u32..24,
        ) {
            use proptest::prelude::*;
            for rounding in [Rounding::Nearest, Rounding::Down, Rounding::Up] {
                let mut buf = [0; PLAIN_BYTES];
                let slow = scaled_at(negative, u128::from(m), scale, digits, rounding, &mut buf).map(ascii);
                let mut fast = String::from("x");
                if push_word_at(negative, m, scale, digits, rounding, &mut fast) {
                    prop_assert_eq!(Some(&fast[1..]), slow, "{} {} at {} {:?}", m, scale, digits, rounding);
                } else {
                    let held = word_scaled(negative, m, scale, digits, rounding).is_some();
                    prop_assert!(!held && (digits > 19 || slow.is_none() || scale - i64::from(digits) > 19 || i64::from(digits) >= scale));
                }
            }
        }

        /// A decimal of 64-bit digits written in words is its `Display`, negative zeros included.
        #[test]
        fn a_word_decimal_written_is_its_display(m in proptest::prelude::any::<i64>(), scale in 0u32..=28, zero in proptest::prelude::any::<bool>()) {
            let mut d = Decimal::new(if zero { 0 } else { m }, scale);
            if zero && m < 0 {
                d.set_sign_negative(true);
            }
            let mut out = String::from("x");
            write_decimal(d, &mut out);
            proptest::prop_assert_eq!(out, format!("x{d}"));
        }
    }
}
