//! Exact numbers for the differential test: rationals, written figures and their units.

use num_bigint::BigInt;
use num_rational::BigRational;

/// An exact rational.
pub type Q = BigRational;

/// A whole number as a rational.
pub fn int(n: i128) -> Q {
    Q::from_integer(BigInt::from(n))
}

/// `10^n`, `n` perhaps negative.
pub fn pow10(n: i32) -> Q {
    let p = Q::from_integer(BigInt::from(10).pow(n.unsigned_abs()));
    if n < 0 { p.recip() } else { p }
}

/// `|x|`.
pub fn abs(x: &Q) -> Q {
    if *x < int(0) { -x.clone() } else { x.clone() }
}

/// A rational as a decimal for people: exact where it terminates within 30 digits after the
/// point, else those 30 digits and `…`.
pub fn show(q: &Q) -> String {
    let sign = if *q < int(0) { "-" } else { "" };
    let q = abs(q);
    let whole = q.trunc();
    let mut frac = q - whole.clone();
    let mut digits = String::new();
    while frac != int(0) && digits.len() < 30 {
        frac *= int(10);
        let d = frac.trunc();
        digits.push_str(&d.to_integer().to_string());
        frac -= d;
    }
    let tail = if frac != int(0) { "…" } else { "" };
    let point = if digits.is_empty() { "" } else { "." };
    format!("{sign}{}{point}{digits}{tail}", whole.to_integer())
}

/// What a figure measures: the unit algebra the generator keeps to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dim {
    Money,
    Ratio,
    Pure,
}

/// A written unit: money at a scale, a ratio's notation, or none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum U {
    Bn,
    M,
    K,
    Pct,
    Bps,
    Pp,
    Bare,
}

impl U {
    /// The power of ten from one written unit to base units (currency units, fractions).
    pub fn exp(self) -> i32 {
        match self {
            U::Bn => 9,
            U::M => 6,
            U::K => 3,
            U::Pct | U::Pp => -2,
            U::Bps => -4,
            U::Bare => 0,
        }
    }

    /// As a data file's unit column or `unit` key writes it.
    pub fn name(self) -> &'static str {
        match self {
            U::Bn => "USD bn",
            U::M => "USD m",
            U::K => "USD k",
            U::Pct => "%",
            U::Bps => "bps",
            U::Pp => "pp",
            U::Bare => "",
        }
    }
}

/// A figure as written: digits (a mantissa and how many of them follow the point) and a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Figure {
    pub mant: i128,
    pub scale: u32,
    pub unit: U,
}

impl Figure {
    /// The digits as written, `-213.40`.
    pub fn digits(&self) -> String {
        let scale = self.scale as usize;
        let text = format!("{:0>width$}", self.mant.unsigned_abs(), width = scale + 1);
        let (whole, frac) = text.split_at(text.len() - scale);
        let sign = if self.mant < 0 { "-" } else { "" };
        if scale == 0 { format!("{sign}{whole}") } else { format!("{sign}{whole}.{frac}") }
    }

    /// As a rule or a data cell writes it: `12.5%`, `180bps`, `730 USD m`, `3`.
    pub fn text(&self) -> String {
        match self.unit {
            U::Bare => self.digits(),
            U::Pct | U::Bps | U::Pp => format!("{}{}", self.digits(), self.unit.name()),
            unit => format!("{} {}", self.digits(), unit.name()),
        }
    }

    /// The point value in base units.
    pub fn value(&self) -> Q {
        int(self.mant) * pow10(self.unit.exp() - self.scale as i32)
    }

    /// Half a unit of the last written digit, in base units.
    pub fn half(&self) -> Q {
        int(5) * pow10(self.unit.exp() - self.scale as i32 - 1)
    }

    /// The figure closest to `value` (base units) written in `unit` with `scale` digits after the
    /// point, half away from zero; `None` if its mantissa leaves an `i128`.
    pub fn nearest(value: &Q, unit: U, scale: u32) -> Option<Figure> {
        let m = (value / pow10(unit.exp() - scale as i32)).round().to_integer();
        Some(Figure { mant: i128::try_from(&m).ok()?, scale, unit })
    }

    /// The figure that is `value` exactly in `unit` with at most `max_scale` digits after the point.
    pub fn exactly(value: &Q, unit: U, max_scale: u32) -> Option<Figure> {
        (0..=max_scale).find_map(|s| {
            let m = value / pow10(unit.exp() - s as i32);
            m.is_integer().then(|| i128::try_from(&m.to_integer()).ok().map(|mant| Figure { mant, scale: s, unit }))?
        })
    }
}
