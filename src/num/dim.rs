//! Dimensions and their algebra: the one table of what adds to, multiplies and divides what.
//!
//! The checker reasons about [`Dim`]s before anything is evaluated (`check::infer`); the evaluator
//! works in [`Unit`]s, which add how a value is shown (a scale, `%` or `bps`), and decides what a
//! result *is* through the same functions here (`eval::units`), so that a rule the checker accepts
//! never meets a unit error at run time for a reason the checker could have seen. A property test
//! (`tests/it/units.rs`) holds the two to each other for every pair of units.
//!
//! | a ∘ b               | `+ - < ~=`      | `*`                 | `/`                          |
//! |---------------------|-----------------|---------------------|------------------------------|
//! | same dimension      | that dimension  | ratio × ratio: ratio | ratio (number / number: fraction) |
//! | number, x           | error           | x                   | x / number: x; number / x: error (number / ratio: number) |
//! | ratio, x            | error           | x                   | x / ratio: x                 |
//! | fraction, number or ratio | that one  | that one            | that one                     |
//! | money, shares       | error           | error               | money / shares: per share    |
//! | money, per share    | error           | error               | money / per share: shares    |
//! | per share, shares   | error           | money               | error                        |
//!
//! Money of two currencies never mixes. A bare number written in a rule is a [`Dim::Number`]; the
//! checker lets a bare zero stand for any dimension. A quotient of pure numbers (`12.5 / 35.6`) is a
//! [`Dim::Fraction`]: a pure number that is also exactly the ratio it is (0.3511 is 35.11 %), so it
//! meets both; a pure number *written* without a unit never meets a ratio, since `0.40` could mean
//! 40 % or 0.40 %.

use std::fmt;

use super::unit::{Currency, Unit, UnitName};

/// What a value measures, ignoring how it is shown: values of one dimension add and compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dim {
    /// A pure number: a scalar written in a rule, a count, a figure written without a unit.
    Number,
    /// Money; the currency where it is known (a metric may be in USD at one entity, EUR at another).
    Money(Option<Currency>),
    /// A ratio: `%`, `bps`, `pp`, the quotient of two values of one dimension.
    Ratio,
    /// A quotient of pure numbers: a pure number, and also the fraction it is (meets ratios too).
    Fraction,
    /// Money per share (`USD/share`), such as earnings per share.
    PerShare(Option<Currency>),
    /// A number of shares.
    Shares,
    /// Any other unit (`GW`), or money per such a unit (`USD/GW`).
    Named(UnitName),
    /// Not known yet: a metric that no declaration names, while rules are checked without data.
    Unknown,
}

impl Dim {
    /// The dimension of a unit.
    pub fn of(unit: Unit) -> Dim {
        match unit {
            Unit::None => Dim::Number,
            Unit::Fraction => Dim::Fraction,
            Unit::Money(c, _) => Dim::Money(Some(c)),
            Unit::Ratio(_) => Dim::Ratio,
            Unit::PerShare(c) => Dim::PerShare(Some(c)),
            Unit::Shares(_) => Dim::Shares,
            Unit::Named(n) => Dim::Named(n),
        }
    }

    /// The dimension of `a + b`, `a - b`, and of comparing them; `None` where they do not mix.
    pub fn join(self, other: Dim) -> Option<Dim> {
        match (self, other) {
            (Dim::Unknown, _) | (_, Dim::Unknown) => Some(Dim::Unknown),
            (Dim::Fraction, d @ (Dim::Number | Dim::Ratio | Dim::Fraction))
            | (d @ (Dim::Number | Dim::Ratio), Dim::Fraction) => Some(d),
            (Dim::Money(a), Dim::Money(b)) => same_currency(a, b).map(Dim::Money),
            (Dim::PerShare(a), Dim::PerShare(b)) => same_currency(a, b).map(Dim::PerShare),
            (a, b) => (a == b).then_some(a),
        }
    }

    /// The dimension of the facts of one metric (or of the metrics a `*` name matches): as
    /// [`Dim::join`], except that money (or per share) in two currencies is money whose currency is
    /// known only at each entity, where evaluation checks it.
    pub fn merge(self, other: Dim) -> Option<Dim> {
        match (self, other) {
            (Dim::Money(a), Dim::Money(b)) => Some(Dim::Money(if a == b { a } else { None })),
            (Dim::PerShare(a), Dim::PerShare(b)) => Some(Dim::PerShare(if a == b { a } else { None })),
            (a, b) => a.join(b),
        }
    }

    /// The dimension of `a * b`; `None` where the product means nothing (money times money). A
    /// pure number, a fraction or a ratio scales the other factor; of two of them, a ratio wins
    /// over a fraction, and a fraction over a pure number.
    pub fn times(self, other: Dim) -> Option<Dim> {
        let rank = |d: Dim| match d {
            Dim::Number => Some(0),
            Dim::Fraction => Some(1),
            Dim::Ratio => Some(2),
            _ => None,
        };
        match (self, other) {
            (Dim::Unknown, _) | (_, Dim::Unknown) => Some(Dim::Unknown),
            (a, b) if rank(a).is_some() && rank(b).is_some() => Some(if rank(a) >= rank(b) { a } else { b }),
            (Dim::Number | Dim::Fraction | Dim::Ratio, d) | (d, Dim::Number | Dim::Fraction | Dim::Ratio) => Some(d),
            (Dim::PerShare(c), Dim::Shares) | (Dim::Shares, Dim::PerShare(c)) => Some(Dim::Money(c)),
            (Dim::Named(a), Dim::Named(b)) => a.currency_per(b).or(b.currency_per(a)).map(|c| Dim::Money(Some(c))),
            _ => None,
        }
    }

    /// The dimension of `a / b`: like over like is a ratio, and money over a count is per unit.
    pub fn over(self, other: Dim) -> Option<Dim> {
        match (self, other) {
            (Dim::Unknown, _) | (_, Dim::Unknown) => Some(Dim::Unknown),
            (Dim::Number | Dim::Fraction, Dim::Number | Dim::Fraction) => Some(Dim::Fraction),
            (a, b) if a.join(b).is_some() => Some(Dim::Ratio),
            (d, Dim::Number | Dim::Fraction | Dim::Ratio) => Some(d),
            (Dim::Money(c), Dim::Shares) => Some(Dim::PerShare(c)),
            (Dim::Money(a), Dim::PerShare(b)) => same_currency(a, b).map(|_| Dim::Shares),
            (Dim::Money(Some(c)), Dim::Named(n)) => Some(Dim::Named(UnitName::per(c, n))),
            (Dim::Money(None), Dim::Named(_)) => Some(Dim::Unknown),
            _ => None,
        }
    }

    /// The unit a figure of this dimension is written in when nothing else says: `USD`, `%`; none
    /// where the currency is not known.
    pub fn plain_unit(self) -> Option<Unit> {
        use super::unit::{RatioStyle, Scale};
        Some(match self {
            Dim::Number | Dim::Fraction | Dim::Unknown => return None,
            Dim::Money(c) => Unit::Money(c?, Scale::One),
            Dim::Ratio => Unit::Ratio(RatioStyle::Percent),
            Dim::PerShare(c) => Unit::PerShare(c?),
            Dim::Shares => Unit::Shares(Scale::One),
            Dim::Named(n) => Unit::Named(n),
        })
    }
}

/// The currency two amounts share, `None` where either is not known; no result where they differ.
fn same_currency(a: Option<Currency>, b: Option<Currency>) -> Option<Option<Currency>> {
    match (a, b) {
        (Some(a), Some(b)) if a != b => None,
        _ => Some(a.or(b)),
    }
}

impl fmt::Display for Dim {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Dim::Number => f.write_str("a pure number"),
            Dim::Money(Some(c)) => write!(f, "money in {}", c.as_str()),
            Dim::Money(None) => f.write_str("money"),
            Dim::Ratio => f.write_str("a ratio"),
            Dim::Fraction => f.write_str("a quotient of pure numbers"),
            Dim::PerShare(Some(c)) => write!(f, "an amount per share in {}", c.as_str()),
            Dim::PerShare(None) => f.write_str("an amount per share"),
            Dim::Shares => f.write_str("a number of shares"),
            Dim::Named(n) => write!(f, "a quantity in `{}`", n.as_str()),
            Dim::Unknown => f.write_str("a figure"),
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
        assert_eq!(usd.join(Dim::Money(None)), Some(usd));
        assert_eq!(usd.join(Dim::Number), None, "a bare number is no amount of money");
        assert_eq!(Dim::Ratio.join(Dim::Number), None, "a bare number is no ratio: 0.40 is not 40 %");
        assert_eq!(usd.join(eur), None);
        assert_eq!(usd.join(Dim::Ratio), None);
        assert_eq!(usd.over(usd), Some(Dim::Ratio));
        assert_eq!(Dim::Number.over(Dim::Number), Some(Dim::Fraction));
        assert_eq!(Dim::Fraction.join(Dim::Ratio), Some(Dim::Ratio), "12.5 / 35.6 is 35.11 %");
        assert_eq!(Dim::Fraction.join(Dim::Number), Some(Dim::Number), "and it is 0.3511");
        assert_eq!(Dim::Fraction.times(Dim::Number), Some(Dim::Fraction));
        assert_eq!(Dim::Number.times(Dim::Ratio), Some(Dim::Ratio), "2 * margin is a ratio");
        assert_eq!(Dim::Ratio.times(Dim::Number), Some(Dim::Ratio));
        assert_eq!(usd.times(Dim::Ratio), Some(usd));
        assert_eq!(usd.times(Dim::Number), Some(usd));
        assert_eq!(usd.times(usd), None);
        assert_eq!(Dim::Number.over(usd), None);
        let per_share = Dim::PerShare(Currency::parse("USD"));
        assert_eq!(usd.over(Dim::Shares), Some(per_share), "net income over a share count is per share");
        assert_eq!(per_share.times(Dim::Shares), Some(usd));
        assert_eq!(Dim::Shares.times(per_share), Some(usd));
        assert_eq!(usd.over(per_share), Some(Dim::Shares));
        assert_eq!(per_share.join(usd), None, "per share and money never add");
        assert_eq!(Dim::Shares.join(usd), None);
        assert_eq!(Dim::Shares.over(usd), None);
        assert_eq!(usd.join(Dim::Unknown), Some(Dim::Unknown));
    }
}
