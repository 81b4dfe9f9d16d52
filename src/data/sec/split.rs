//! Stock splits, told from restatements: after a split, every later filing gives the earlier periods'
//! share counts multiplied by the split's ratio and their per-share amounts divided by it.
//!
//! Each pair of consecutive filings that give one period's share count different values is a
//! *restatement* whose ratio (the later count over the earlier, an interval given both roundings and
//! [`SLACK`]) is a split's where it holds exactly one of the ratios splits are made in: n-for-1 or
//! 1-for-n (n in 2..=50) or a simple fraction (3-for-2). Restatements of one ratio whose filings overlap in time are
//! one split, between the last filing before it and the first after; per-share amounts restated by
//! the inverse ratio in that time are counted to it too. A split is a note of the run, once, where its
//! restatements are vintages of their facts (a share count restated a thousandfold, a count filed in
//! thousands as if in units, is none: it stays a vintage to be checked).

use rust_decimal::Decimal;

use crate::data::FactValue;
use crate::data::sheet::Split;
use crate::date::Date;

/// A restated share count or per-share amount: the ratio it was restated by, in shares (new shares
/// per old), and between which filings.
#[derive(Debug, Clone)]
pub struct Restated {
    /// A share count (else a per-share amount, which only counts towards a split found from counts).
    pub count: bool,
    /// The interval of new shares per old this restatement shows.
    pub lo: Decimal,
    pub hi: Decimal,
    /// The filing dates of the earlier value and of the later one.
    pub before: Date,
    pub after: Date,
    /// Where the later value was filed.
    pub place: String,
}

impl Restated {
    /// A restatement of `earlier` by `later`, both positive figures; `None` where either is not.
    pub fn of(count: bool, earlier: &FactValue, later: &FactValue, when: (Date, Date), place: String) -> Option<Self> {
        let (e, l) = (bounds(earlier)?, bounds(later)?);
        // a count grows by the ratio, an amount per share shrinks by it
        let ((num_lo, num_hi), (den_lo, den_hi)) = if count { (l, e) } else { (e, l) };
        let lo = num_lo.checked_div(den_hi)?;
        let hi = num_hi.checked_div(den_lo)?;
        Some(Restated { count, lo, hi, before: when.0, after: when.1, place })
    }

    /// Whether the restatement shows `new` for `old`, within [`SLACK`]; a bound beyond what a
    /// Decimal holds is far from every split ratio, so it shows none.
    fn shows(&self, (new, old): (u32, u32)) -> bool {
        let (new, old) = (Decimal::from(new), Decimal::from(old));
        let lo = self.lo.checked_mul(Decimal::ONE - SLACK).and_then(|b| b.checked_mul(old));
        let hi = self.hi.checked_mul(Decimal::ONE + SLACK).and_then(|b| b.checked_mul(old));
        matches!((lo, hi), (Some(lo), Some(hi)) if lo <= new && new <= hi)
    }
}

/// How far beyond its interval a restatement's ratio may be and still show a split: half a percent.
/// companyfacts drops the rounding a filing was made in, and a filing whose counts all end in five
/// zeros may have been made in millions (NVIDIA's 2,499 m shares of 2023, restated as 24,994 m after
/// the 10-for-1 split of 2024, are 2,499.4 m); the nearest two ratios splits are made in (49 and 50,
/// 11/4 and 14/5) are further apart than twice this.
const SLACK: Decimal = Decimal::from_parts(5, 0, 0, false, 3);

/// A figure's interval, where it is positive: half its last digit either side, or its margin. A
/// figure with the most decimals a Decimal holds has no finer digit to halve: it has no interval.
fn bounds(value: &FactValue) -> Option<(Decimal, Decimal)> {
    let (point, half) = match value {
        FactValue::Number(q) => (q.value, Decimal::try_new(5, q.value.scale() + 1).ok()?),
        FactValue::Approx(a) => (a.value.value, a.margin),
        FactValue::Range(_) => return None,
    };
    let lo = point.checked_sub(half)?;
    (lo > Decimal::ZERO).then_some((lo, point.checked_add(half)?))
}

/// The ratios splits are made in, as new shares per old: n-for-1 and 1-for-n for n in 2..=50, and the
/// fractions p/q with q in 2..=5 and p up to 3q, in lowest terms, and their inverses.
fn ratios() -> Vec<(u32, u32)> {
    let mut out: Vec<(u32, u32)> = (2..=50).flat_map(|n| [(n, 1), (1, n)]).collect();
    for q in 2..=5u32 {
        for p in q + 1..=3 * q {
            if gcd(p, q) == 1 {
                out.extend([(p, q), (q, p)]);
            }
        }
    }
    out
}

fn gcd(a: u32, b: u32) -> u32 {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// The splits of an entity its restatements show, by date: restatements of share counts whose
/// interval holds one split ratio and only one, grouped by ratio and overlapping time, each at least
/// two restatements strong (a lone count restated twofold may be a correction).
pub fn find(entity: &str, restated: &[Restated]) -> Vec<Split> {
    let ratios = ratios();
    let mut found: Vec<((u32, u32), &Restated)> = restated
        .iter()
        .filter(|r| r.count)
        .filter_map(|r| {
            let mut held = ratios.iter().filter(|&&ratio| r.shows(ratio));
            match (held.next(), held.next()) {
                (Some(&ratio), None) => Some((ratio, r)),
                _ => None,
            }
        })
        .collect();
    found.sort_by_key(|(ratio, r)| (*ratio, r.before, r.after));
    let mut splits: Vec<(Split, Vec<&Restated>)> = Vec::new();
    for (ratio, r) in found {
        let joins = splits.last_mut().filter(|(s, _)| (s.new, s.old) == ratio && r.before < s.after);
        match joins {
            Some((split, counts)) => {
                split.before = split.before.max(r.before);
                split.after = split.after.min(r.after);
                counts.push(r);
            }
            None => {
                let (before, after, place) = (r.before, r.after, r.place.clone());
                let (new, old) = ratio;
                let split = Split { entity: entity.to_owned(), new, old, before, after, seen: 0, place };
                splits.push((split, vec![r]));
            }
        }
    }
    let mut out: Vec<Split> = splits
        .into_iter()
        .filter(|(_, counts)| counts.len() >= 2)
        .map(|(mut split, counts)| {
            let amounts = restated.iter().filter(|r| {
                !r.count && r.before < split.after && split.before < r.after && r.shows((split.new, split.old))
            });
            split.seen = counts.len() + amounts.count();
            split
        })
        .collect();
    out.sort_by_key(|s| (s.before, s.after));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::num::{Quantity, Scale, Unit};

    fn count(n: i64) -> FactValue {
        FactValue::Number(Quantity::new(Decimal::from(n), Unit::Shares(Scale::One)))
    }

    fn day(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    fn restated(earlier: i64, later: i64, before: &str, after: &str) -> Restated {
        Restated::of(true, &count(earlier), &count(later), (day(before), day(after)), String::new()).unwrap()
    }

    #[test]
    fn counts_restated_fourfold_in_one_span_are_one_split() {
        let r = [
            restated(4_773_252_000, 19_093_008_000, "2020-07-31", "2020-10-30"),
            restated(4_700_646_000, 18_802_584_000, "2020-05-01", "2020-10-30"),
        ];
        let splits = find("AAPL", &r);
        assert_eq!(splits.len(), 1);
        assert_eq!((splits[0].new, splits[0].old, splits[0].seen), (4, 1, 2));
        assert_eq!((splits[0].before, splits[0].after), (day("2020-07-31"), day("2020-10-30")));
        assert!(splits[0].describe().starts_with("AAPL: 4-for-1 stock split between the filings of 2020-07-31"));
    }

    #[test]
    fn a_thousandfold_count_or_a_lone_restatement_is_no_split() {
        assert!(find("NVDA", &[restated(606_732, 606_732_000, "2009-03-01", "2010-03-18")]).is_empty());
        assert!(find("X", &[restated(100_000, 200_000, "2020-01-01", "2021-01-01")]).is_empty());
        // three for two, twice
        let r = [
            restated(200_000, 300_000, "2020-01-01", "2021-01-01"),
            restated(400_000, 600_000, "2020-02-01", "2021-01-01"),
        ];
        assert_eq!(find("X", &r).iter().map(|s| (s.new, s.old)).collect::<Vec<_>>(), [(3, 2)]);
    }

    fn figure(text: &str) -> FactValue {
        FactValue::Number(Quantity::new(text.parse().unwrap(), Unit::Shares(Scale::One)))
    }

    #[test]
    fn a_figure_with_every_decimal_a_decimal_holds_has_no_interval() {
        let finest = figure("0.0000000000000000000000000001");
        let when = (day("2020-01-01"), day("2021-01-01"));
        assert!(Restated::of(true, &finest, &count(1), when, String::new()).is_none());
        assert!(Restated::of(false, &count(1), &finest, when, String::new()).is_none());
    }

    #[test]
    fn a_count_restated_beyond_what_a_decimal_holds_is_no_split() {
        let huge = figure("70000000000000000000000000000");
        let when = (day("2020-01-01"), day("2021-01-01"));
        let r = Restated::of(true, &count(10), &huge, when, String::new()).unwrap();
        assert!(find("X", &[r.clone(), r]).is_empty());
    }
}
