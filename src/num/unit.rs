//! Units: money with a currency and a scale, ratios (`%`, `bps`, `pp`), per-share amounts, share
//! counts, named units and pure numbers. What a unit measures, and how units combine, is
//! [`super::dim`].
//!
//! A value is computed in its unit's *base*: money in whole currency units, ratios as fractions
//! (`9%` is 0.09). The scale and the ratio style only say how a value is written and shown.

use std::fmt;
use std::sync::{LazyLock, Mutex};

use rust_decimal::Decimal;

/// A three-letter currency code, `USD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency(pub [u8; 3]);

impl Currency {
    /// Reads an ISO-style code: three ASCII capitals.
    pub fn parse(s: &str) -> Option<Currency> {
        let b = s.as_bytes();
        (b.len() == 3 && b.iter().all(u8::is_ascii_uppercase)).then(|| Currency([b[0], b[1], b[2]]))
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("???")
    }
}

/// The scale money is written in: `USD`, `USD k`, `USD m`, `USD bn`, `USD tn`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scale {
    One,
    Thousand,
    Million,
    Billion,
    Trillion,
}

impl Scale {
    /// Reads a scale word (`k`, `m`, `bn`, `tn`; `mn` and `b` as well).
    pub fn parse(s: &str) -> Option<Scale> {
        Some(match s {
            "k" => Scale::Thousand,
            "m" | "mn" => Scale::Million,
            "bn" | "b" => Scale::Billion,
            "tn" => Scale::Trillion,
            _ => return None,
        })
    }

    /// The power of ten of the scale.
    pub fn exponent(self) -> u32 {
        match self {
            Scale::One => 0,
            Scale::Thousand => 3,
            Scale::Million => 6,
            Scale::Billion => 9,
            Scale::Trillion => 12,
        }
    }

    /// How many currency units one unit of the scale is.
    pub fn factor(self) -> Decimal {
        Decimal::from_i128_with_scale(10i128.pow(self.exponent()), 0)
    }

    /// The word shown after the currency (empty for `One`).
    pub fn suffix(self) -> &'static str {
        match self {
            Scale::One => "",
            Scale::Thousand => "k",
            Scale::Million => "m",
            Scale::Billion => "bn",
            Scale::Trillion => "tn",
        }
    }
}

/// How a ratio is written: `35%`, `180bps`, `5pp`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RatioStyle {
    Percent,
    Bps,
    Pp,
}

impl RatioStyle {
    /// The fraction one unit of the style stands for.
    pub fn factor(self) -> Decimal {
        match self {
            RatioStyle::Percent | RatioStyle::Pp => Decimal::new(1, 2),
            RatioStyle::Bps => Decimal::new(1, 4),
        }
    }

    /// The symbol shown after the number.
    pub fn symbol(self) -> &'static str {
        match self {
            RatioStyle::Percent => "%",
            RatioStyle::Bps => "bps",
            RatioStyle::Pp => "pp",
        }
    }
}

/// A unit that is neither money nor a ratio (`GW`, `count`, `shares`), interned for cheap copies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct UnitName(u32);

/// The names interned, in order, and the id of each (a data file may name a unit on every row).
#[derive(Default)]
struct UnitNames {
    names: Vec<&'static str>,
    ids: rustc_hash::FxHashMap<&'static str, u32>,
}

static UNIT_NAMES: LazyLock<Mutex<UnitNames>> = LazyLock::new(|| Mutex::new(UnitNames::default()));

impl UnitName {
    /// Interns a unit name.
    pub fn intern(name: &str) -> UnitName {
        let mut interned = UNIT_NAMES.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(&id) = interned.ids.get(name) {
            return UnitName(id);
        }
        let name: &'static str = Box::leak(name.to_owned().into_boxed_str());
        let id = interned.names.len() as u32;
        interned.names.push(name);
        interned.ids.insert(name, id);
        UnitName(id)
    }

    /// The name as written.
    pub fn as_str(self) -> &'static str {
        UNIT_NAMES.lock().unwrap_or_else(|e| e.into_inner()).names[self.0 as usize]
    }

    /// Money per unit of a named quantity: `USD/GW` (money per share is [`Unit::PerShare`]).
    pub fn per(currency: Currency, name: UnitName) -> UnitName {
        UnitName::intern(&format!("{}/{}", currency.as_str(), name.as_str()))
    }

    /// The currency of money per `name` (`USD` for `USD/GW` per `GW`): what such an amount
    /// times a quantity in `name` is.
    pub fn currency_per(self, name: UnitName) -> Option<Currency> {
        let (currency, per) = self.as_str().split_once('/')?;
        (per == name.as_str()).then(|| Currency::parse(currency)).flatten()
    }
}

impl PartialOrd for UnitName {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for UnitName {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

/// The unit of a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Unit {
    /// A pure number: a scalar written in a rule (`4` in `4 * x`), a count, a figure written
    /// without a unit. It never takes the unit of what it meets.
    None,
    /// A quotient of pure numbers (`12.5 / 35.6`): shown as a pure number, and meeting a ratio as
    /// the fraction it is (0.3511 is 35.11 %).
    Fraction,
    /// Money: a currency and the scale it is shown in.
    Money(Currency, Scale),
    /// A ratio, stored as a fraction, shown as `%`, `bps` or `pp`.
    Ratio(RatioStyle),
    /// Money per share, `USD/share` (SEC's `USD/shares` is the same unit), in whole currency units.
    PerShare(Currency),
    /// A number of shares and the scale it is shown in: `shares`, `k shares`, `m shares`, `bn shares`.
    Shares(Scale),
    /// Any other unit: only like units add or compare.
    Named(UnitName),
}

impl Unit {
    /// Parses a unit as written after a number: `%`, `bps`, `pp`, `USD`, `USD bn`, `USD/share`,
    /// `m shares`, `GW`.
    pub fn parse(text: &str) -> Option<Unit> {
        let text = text.trim();
        match text {
            "" => return Some(Unit::None),
            "%" => return Some(Unit::Ratio(RatioStyle::Percent)),
            "bps" | "bp" => return Some(Unit::Ratio(RatioStyle::Bps)),
            "pp" => return Some(Unit::Ratio(RatioStyle::Pp)),
            "shares" | "share" => return Some(Unit::Shares(Scale::One)),
            _ => {}
        }
        let mut words = text.split_whitespace();
        let first = words.next()?;
        let second = words.next();
        if words.next().is_some() {
            return None;
        }
        if let Some((currency, per)) = first.split_once('/')
            && matches!(per, "share" | "shares")
            && second.is_none()
        {
            return Currency::parse(currency).map(Unit::PerShare);
        }
        if let Some(currency) = Currency::parse(first) {
            let scale = match second {
                None => Scale::One,
                Some(s) => Scale::parse(s)?,
            };
            return Some(Unit::Money(currency, scale));
        }
        if let Some(scale) = Scale::parse(first) {
            // `7465 m shares`; a scale alone needs a currency: `213.4 USD bn`, not `213.4 bn`
            return matches!(second, Some("shares" | "share")).then_some(Unit::Shares(scale));
        }
        let named = first.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '/');
        (second.is_none() && named && first.chars().next()?.is_ascii_alphabetic())
            .then(|| Unit::Named(UnitName::intern(first)))
    }

    /// The factor from a number written in this unit to the unit's base.
    pub fn factor(self) -> Decimal {
        match self {
            Unit::Money(_, scale) | Unit::Shares(scale) => scale.factor(),
            Unit::Ratio(style) => style.factor(),
            Unit::None | Unit::Fraction | Unit::PerShare(_) | Unit::Named(_) => Decimal::ONE,
        }
    }

    /// The power of ten of [`Unit::factor`]: 9 for `USD bn`, -2 for `%`, -4 for `bps`.
    pub fn exponent(self) -> i32 {
        match self {
            Unit::Money(_, scale) | Unit::Shares(scale) => scale.exponent() as i32,
            Unit::Ratio(RatioStyle::Bps) => -4,
            Unit::Ratio(_) => -2,
            Unit::None | Unit::Fraction | Unit::PerShare(_) | Unit::Named(_) => 0,
        }
    }

    /// Whether this is a pure number.
    pub fn is_none(self) -> bool {
        self == Unit::None
    }
}

impl Unit {
    /// The unit as shown, in up to three pieces to write one after the other (`USD`, ` `, `bn`):
    /// for reports that write a unit a hundred thousand times, with no formatter between.
    pub fn pieces(&self) -> [&str; 3] {
        match self {
            Unit::None | Unit::Fraction => ["number", "", ""],
            Unit::Money(c, Scale::One) => [c.as_str(), "", ""],
            Unit::Money(c, s) => [c.as_str(), " ", s.suffix()],
            Unit::Ratio(style) => [style.symbol(), "", ""],
            Unit::PerShare(c) => [c.as_str(), "/share", ""],
            Unit::Shares(Scale::One) => ["shares", "", ""],
            Unit::Shares(s) => [s.suffix(), " shares", ""],
            Unit::Named(n) => [n.as_str(), "", ""],
        }
    }

    /// Writes the unit as shown after a number, a space before it (nothing for a bare number or a
    /// fraction): each fixed piece pushed as a literal (a copy of known length, no call), a currency's
    /// three letters a byte at a time.
    pub fn write_after(self, out: &mut String) {
        match self {
            Unit::None | Unit::Fraction => {}
            Unit::Money(c, scale) if c.0.is_ascii() => {
                out.push(' ');
                push_code(out, c);
                match scale {
                    Scale::One => {}
                    Scale::Thousand => out.push_str(" k"),
                    Scale::Million => out.push_str(" m"),
                    Scale::Billion => out.push_str(" bn"),
                    Scale::Trillion => out.push_str(" tn"),
                }
            }
            Unit::Ratio(RatioStyle::Percent) => out.push_str(" %"),
            Unit::Ratio(RatioStyle::Bps) => out.push_str(" bps"),
            Unit::Ratio(RatioStyle::Pp) => out.push_str(" pp"),
            Unit::PerShare(c) if c.0.is_ascii() => {
                out.push(' ');
                push_code(out, c);
                out.push_str("/share");
            }
            Unit::Shares(Scale::One) => out.push_str(" shares"),
            Unit::Shares(Scale::Thousand) => out.push_str(" k shares"),
            Unit::Shares(Scale::Million) => out.push_str(" m shares"),
            Unit::Shares(Scale::Billion) => out.push_str(" bn shares"),
            Unit::Shares(Scale::Trillion) => out.push_str(" tn shares"),
            Unit::Named(n) => {
                out.push(' ');
                out.push_str(n.as_str());
            }
            // a code of bytes that are not ASCII, as its text shows it
            Unit::Money(..) | Unit::PerShare(_) => {
                out.push(' ');
                self.pieces().iter().for_each(|piece| out.push_str(piece));
            }
        }
    }
}

/// Pushes a currency code of ASCII letters, a byte at a time (each below 128: the push of one byte).
fn push_code(out: &mut String, c: Currency) {
    c.0.iter().for_each(|&b| out.push(char::from(b & 0x7f)));
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.pieces().iter().try_for_each(|piece| f.write_str(piece))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_unit_written_after_a_number_is_a_space_and_its_display() {
        let texts = [
            "%",
            "bps",
            "pp",
            "USD",
            "USD k",
            "EUR m",
            "USD bn",
            "JPY tn",
            "USD/share",
            "shares",
            "k shares",
            "m shares",
            "bn shares",
            "tn shares",
        ];
        // codes of bytes that are not ASCII (one the euro sign, one not UTF-8) take the pieces' path
        let odd = [*"€".as_bytes().first_chunk().unwrap(), [0xff, b'A', b'B']].map(Currency);
        let units = texts.map(|t| Unit::parse(t).unwrap()).into_iter().chain([Unit::parse("GW").unwrap()]).chain(
            odd.into_iter()
                .flat_map(|c| [Unit::Money(c, Scale::One), Unit::Money(c, Scale::Billion), Unit::PerShare(c)]),
        );
        for unit in units {
            let mut out = String::from("1");
            unit.write_after(&mut out);
            assert_eq!(out, format!("1 {unit}"), "{unit:?}");
        }
        for unit in [Unit::None, Unit::Fraction] {
            let mut out = String::from("1");
            unit.write_after(&mut out);
            assert_eq!(out, "1");
        }
    }

    #[test]
    fn parses_units_as_written() {
        assert_eq!(Unit::parse("USD bn"), Some(Unit::Money(Currency(*b"USD"), Scale::Billion)));
        assert_eq!(Unit::parse("%"), Some(Unit::Ratio(RatioStyle::Percent)));
        assert_eq!(Unit::parse("bps"), Some(Unit::Ratio(RatioStyle::Bps)));
        assert_eq!(Unit::parse("GW").map(|u| u.to_string()), Some("GW".into()));
        assert_eq!(Unit::parse("USD zillion"), None);
        assert_eq!(Unit::parse("1x"), None);
        assert_eq!(Unit::parse("bn"), None, "a scale alone is not a unit");
        assert_eq!(Unit::parse("USD/shares"), Some(Unit::PerShare(Currency(*b"USD"))));
        assert_eq!(Unit::parse("USD/share").map(|u| u.to_string()), Some("USD/share".into()));
        assert_eq!(Unit::parse("m shares"), Some(Unit::Shares(Scale::Million)));
        assert_eq!(Unit::parse("m shares").map(|u| u.to_string()), Some("m shares".into()));
        assert_eq!(Unit::parse("shares"), Some(Unit::Shares(Scale::One)));
    }
}
