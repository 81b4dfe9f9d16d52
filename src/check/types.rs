//! Units before evaluation: every expression's dimension inferred, mismatches reported with both sides.
//!
//! A metric's dimension comes from the units its facts are written in. A bare number takes the
//! dimension of what it meets. The same rules hold at run time (see `eval::units`), where the scale
//! of money is chosen as well.

use std::fmt;

use crate::num::unit::UnitName;
use crate::num::{Currency, Dimension, Unit};

/// What an expression measures, as far as the data tells before evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dim {
    Number,
    /// Money; the currency where every fact agrees on one.
    Money(Option<Currency>),
    Ratio,
    Named(crate::num::unit::UnitName),
    /// Facts of this metric come in several dimensions: checked at run time instead.
    Mixed,
}

/// The type of an expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    Num(Dim),
    Bool,
    Range(Dim),
    /// A metric given as a range at some periods and as a figure at others (guidance).
    Either(Dim),
}

impl Dim {
    /// The dimension of a unit.
    pub fn of(unit: Unit) -> Dim {
        match unit.dimension() {
            Dimension::Number => Dim::Number,
            Dimension::Money(c) => Dim::Money(Some(c)),
            Dimension::Ratio => Dim::Ratio,
            Dimension::Named(n) => Dim::Named(n),
        }
    }

    /// The dimension shared by facts written in these units.
    pub fn of_units<'a>(units: impl IntoIterator<Item = &'a Unit>) -> Dim {
        let mut dims = units.into_iter().map(|u| Dim::of(*u));
        let Some(first) = dims.next() else { return Dim::Mixed };
        dims.try_fold(first, |acc, d| match (acc, d) {
            (Dim::Money(a), Dim::Money(b)) => Some(Dim::Money(if a == b { a } else { None })),
            (a, b) if a == b => Some(a),
            _ => None,
        })
        .unwrap_or(Dim::Mixed)
    }

    /// The dimension of `a + b`, `a - b` and of comparing them; `None` where they do not mix.
    pub fn join(self, other: Dim) -> Option<Dim> {
        match (self, other) {
            (Dim::Number, d) | (d, Dim::Number) => Some(d),
            (Dim::Mixed, _) | (_, Dim::Mixed) => Some(Dim::Mixed),
            (Dim::Money(a), Dim::Money(b)) => match (a, b) {
                (Some(a), Some(b)) if a != b => None,
                _ => Some(Dim::Money(a.or(b))),
            },
            (a, b) => (a == b).then_some(a),
        }
    }

    /// The dimension of `a * b`.
    pub fn times(self, other: Dim) -> Option<Dim> {
        match (self, other) {
            (Dim::Mixed, _) | (_, Dim::Mixed) => Some(Dim::Mixed),
            (Dim::Number, d) | (d, Dim::Number) | (Dim::Ratio, d) | (d, Dim::Ratio) => Some(d),
            (Dim::Named(per), Dim::Named(n)) | (Dim::Named(n), Dim::Named(per)) if per.currency_per(n).is_some() => {
                Some(Dim::Money(per.currency_per(n)))
            }
            _ => None,
        }
    }

    /// The dimension of `a / b`: like over like is a ratio.
    pub fn over(self, other: Dim) -> Option<Dim> {
        match (self, other) {
            (Dim::Mixed, _) | (_, Dim::Mixed) => Some(Dim::Mixed),
            (d, Dim::Number) => Some(d),
            (Dim::Number, _) => None,
            (a, b) if a.join(b).is_some() => Some(Dim::Ratio),
            (d, Dim::Ratio) => Some(d),
            (Dim::Money(Some(currency)), Dim::Named(n)) => Some(Dim::Named(UnitName::per(currency, n))),
            (Dim::Money(None), Dim::Named(_)) => Some(Dim::Mixed),
            _ => None,
        }
    }
}

impl fmt::Display for Dim {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Dim::Number => f.write_str("a bare number"),
            Dim::Money(Some(c)) => write!(f, "money in {}", c.as_str()),
            Dim::Money(None) => f.write_str("money"),
            Dim::Ratio => f.write_str("a ratio"),
            Dim::Named(n) => write!(f, "a quantity in `{}`", n.as_str()),
            Dim::Mixed => f.write_str("of mixed units"),
        }
    }
}

impl fmt::Display for Ty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ty::Num(d) => d.fmt(f),
            Ty::Bool => f.write_str("true or false"),
            Ty::Range(d) => write!(f, "a range ({d})"),
            Ty::Either(d) => write!(f, "a range or a figure ({d})"),
        }
    }
}

impl Ty {
    /// The dimension of a value or a range.
    pub fn dim(self) -> Option<Dim> {
        match self {
            Ty::Num(d) | Ty::Range(d) | Ty::Either(d) => Some(d),
            Ty::Bool => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_units_mix_and_unlike_do_not() {
        let usd = Dim::Money(Currency::parse("USD"));
        let eur = Dim::Money(Currency::parse("EUR"));
        assert_eq!(usd.join(Dim::Number), Some(usd));
        assert_eq!(usd.join(eur), None);
        assert_eq!(usd.join(Dim::Ratio), None);
        assert_eq!(usd.over(usd), Some(Dim::Ratio));
        assert_eq!(usd.times(Dim::Ratio), Some(usd));
        assert_eq!(usd.times(usd), None);
        assert_eq!(Dim::Number.over(usd), None);
        let shares = Dim::Named(UnitName::intern("shares"));
        let per_share = Dim::Named(UnitName::intern("USD/shares"));
        assert_eq!(usd.over(shares), Some(per_share), "net income over a share count is per share");
        assert_eq!(per_share.times(shares), Some(usd));
        assert_eq!(shares.times(per_share), Some(usd));
        assert_eq!(shares.over(usd), None);
    }
}
