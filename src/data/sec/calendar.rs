//! Fiscal periods from dates: which quarter, year-to-date or fiscal year a filed duration covers.
//!
//! A companyfacts fact carries its own `start` and `end` dates; its `fy` and `fp` describe the filing
//! it came in (a 10-K for fiscal 2025 repeats fiscal 2023's revenue under `fy: 2025, fp: FY`), so they
//! are never read. The company's fiscal year ends are learnt from the twelve-month durations its
//! annual reports (10-K, 20-F, 40-F) carry; each duration is then placed by its length and its dates:
//!
//! - about three months (80 to 100 days) ending near a fiscal quarter end: that quarter;
//! - about six or nine months from the start of a fiscal year: the year to date (two or three quarters);
//! - twelve months from a fiscal year's start to its end: the fiscal year; any other twelve months
//!   (a 10-Q's trailing twelve months) is no period of the sheet;
//! - an instant (a balance) at a fiscal quarter end closes that quarter, and at a year end the year too.
//!
//! A fiscal year is named by the calendar year it ends in (Apple's year ended 2025-09-27 is FY2025,
//! NVIDIA's ended 2026-01-25 is FY2026), except that a year ending in the first week of January is
//! named by the year before (a 52/53-week year ending on the Saturday nearest 31 December).
//! Companies whose 52/53-week years end on a weekday near a date move their year end by a few days
//! from year to year; dates are matched within [`SLACK`] days. Beyond the last year end known, year
//! ends are taken a calendar year apart.

pub use crate::date::Date;
use crate::date::days_in_month;

/// How many days a date may lie from a fiscal boundary and still be read as that boundary.
pub const SLACK: i32 = 10;

/// What a filed fact covers, in the company's fiscal calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Span {
    /// A fiscal quarter: three months.
    Quarter { year: i32, quarter: u8 },
    /// The first `quarters` quarters of a fiscal year (2 or 3: six or nine months).
    ToDate { year: i32, quarters: u8 },
    /// A whole fiscal year.
    Year(i32),
    /// A balance at the end of a fiscal quarter (the fourth quarter's is the year's too).
    Instant { year: i32, quarter: u8 },
}

impl Span {
    /// The fiscal year the span falls in.
    pub fn year(self) -> i32 {
        match self {
            Span::Quarter { year, .. } | Span::ToDate { year, .. } | Span::Year(year) | Span::Instant { year, .. } => {
                year
            }
        }
    }
}

/// Why a fact has no fiscal period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Unplaced {
    /// Twelve months that are not a fiscal year: trailing twelve months.
    TrailingYear,
    /// A duration of another length, or one that does not start or end at a fiscal boundary.
    Irregular,
    /// A balance on a date that ends no fiscal quarter.
    OffQuarter,
    /// A fiscal year outside the years a period may have ([`crate::period::YEARS`]): `FY9998`.
    OutOfRange,
}

impl Unplaced {
    /// In words, for the notes of an import.
    pub fn describe(self) -> &'static str {
        match self {
            Unplaced::TrailingYear => "trailing twelve months (not a fiscal year)",
            Unplaced::Irregular => "durations that are neither a quarter, a year to date nor a fiscal year",
            Unplaced::OffQuarter => "balances on a date that ends no fiscal quarter",
            Unplaced::OutOfRange => "facts dated outside the fiscal years 1900 to 2199",
        }
    }
}

/// A company's fiscal calendar: the ends of its fiscal years, as its annual reports date them.
#[derive(Debug, Clone)]
pub struct Calendar {
    /// Fiscal year ends, sorted, at least [`SLACK`] days apart.
    ends: Vec<Date>,
}

/// A fiscal year: its name, the day before it starts and its last day.
#[derive(Debug, Clone, Copy)]
struct FiscalYear {
    name: i32,
    before: Date,
    end: Date,
}

impl Calendar {
    /// The calendar whose fiscal years end at these dates (the ends of annual reports' twelve-month
    /// durations). Ends far from the usual month and day (a twelve-month duration of another kind in
    /// an annual report) are left out; `None` when no end is given.
    pub fn from_year_ends(mut ends: Vec<Date>) -> Option<Calendar> {
        ends.sort_unstable();
        ends.dedup();
        let usual = usual_day(&ends)?;
        let near_usual = |d: &Date| {
            let (y, _, _) = d.civil();
            [y - 1, y, y + 1].iter().any(|&year| {
                let (m, day) = usual;
                let anchor = Date::civil_date(year, m, day.min(days_in_month(year, m)));
                anchor.until(*d).abs() <= SLACK
            })
        };
        let mut kept: Vec<Date> = Vec::new();
        for end in ends.into_iter().filter(near_usual) {
            match kept.last() {
                Some(last) if last.until(end) <= SLACK => {}
                _ => kept.push(end),
            }
        }
        (!kept.is_empty()).then_some(Calendar { ends: kept })
    }

    /// The last fiscal year end known, for the notes of an import.
    pub fn last_end(&self) -> Date {
        self.ends[self.ends.len() - 1]
    }

    /// The fiscal year a date falls in: the first year end not more than [`SLACK`] days before it,
    /// known or taken a calendar year on from the known ones.
    fn year_of(&self, date: Date) -> FiscalYear {
        let (first, last) = (self.ends[0], self.last_end());
        let end = if date.plus(-SLACK) > last {
            let mut end = last;
            while date.plus(-SLACK) > end {
                end = end.next_year();
            }
            end
        } else if date.plus(-SLACK) <= first.previous_year() {
            let mut end = first;
            while date.plus(-SLACK) <= end.previous_year() {
                end = end.previous_year();
            }
            end
        } else {
            let i = self.ends.partition_point(|&e| e < date.plus(-SLACK));
            match self.ends.get(i) {
                Some(&end) => end,
                None => last,
            }
        };
        let before = match self.ends.binary_search(&end) {
            Ok(i) if i > 0 && self.ends[i - 1].until(end) <= 380 => self.ends[i - 1],
            _ => end.previous_year(),
        };
        FiscalYear { name: name_of(end), before, end }
    }

    /// The quarter (1 to 4) of a fiscal year that ends at `date`, if `date` is near a quarter's end.
    fn quarter_ending(year: &FiscalYear, date: Date) -> Option<u8> {
        let (length, into) = (year.before.until(year.end), year.before.until(date));
        if length <= 0 || into <= 0 {
            return None;
        }
        // The nearest quarter boundary, rounded half up, in whole days.
        let quarter = (8 * into + length) / (2 * length);
        if !(1..=4).contains(&quarter) {
            return None;
        }
        let expected = year.before.plus((length * quarter + 2) / 4);
        (expected.until(date).abs() <= SLACK).then_some(quarter as u8)
    }

    /// Places a duration from `start` to `end` (both days included).
    pub fn duration(&self, start: Date, end: Date) -> Result<Span, Unplaced> {
        let days = start.until(end) + 1;
        let year = self.year_of(end);
        let quarter = Calendar::quarter_ending(&year, end);
        let from_year_start = year.before.plus(1).until(start).abs() <= SLACK;
        match (days, quarter) {
            (80..=100, Some(quarter)) => {
                let starts_quarter = Calendar::quarter_ending(&year, start.plus(-1)) == Some(quarter - 1)
                    || (quarter == 1 && from_year_start);
                if starts_quarter { Ok(Span::Quarter { year: year.name, quarter }) } else { Err(Unplaced::Irregular) }
            }
            (170..=195, Some(2)) if from_year_start => Ok(Span::ToDate { year: year.name, quarters: 2 }),
            (260..=285, Some(3)) if from_year_start => Ok(Span::ToDate { year: year.name, quarters: 3 }),
            (350..=380, Some(4)) if from_year_start => Ok(Span::Year(year.name)),
            (350..=380, _) => Err(Unplaced::TrailingYear),
            _ => Err(Unplaced::Irregular),
        }
    }

    /// Places a balance at `date`.
    pub fn instant(&self, date: Date) -> Result<Span, Unplaced> {
        let year = self.year_of(date);
        match Calendar::quarter_ending(&year, date) {
            Some(quarter) => Ok(Span::Instant { year: year.name, quarter }),
            None => Err(Unplaced::OffQuarter),
        }
    }
}

/// The name of a fiscal year ending at `end`: its calendar year, or the year before for an end in the
/// first week of January.
fn name_of(end: Date) -> i32 {
    let (year, month, day) = end.civil();
    if month == 1 && day <= 7 { year - 1 } else { year }
}

/// The month and day most year ends fall near (within [`SLACK`] days, across the turn of a year).
fn usual_day(ends: &[Date]) -> Option<(u32, u32)> {
    let day_of_year = |d: &Date| {
        let (y, _, _) = d.civil();
        Date::civil_date(y, 1, 1).until(*d)
    };
    let near = |a: i32, b: i32| {
        let gap = (a - b).rem_euclid(366);
        gap.min(366 - gap) <= SLACK
    };
    let best = ends.iter().max_by_key(|d| {
        let own = day_of_year(d);
        // Ties go to the latest end: the calendar the company keeps now.
        (ends.iter().filter(|e| near(day_of_year(e), own)).count(), **d)
    })?;
    let (_, m, d) = best.civil();
    Some((m, d))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    fn apple() -> Calendar {
        Calendar::from_year_ends(["2023-09-30", "2024-09-28", "2025-09-27"].map(date).to_vec()).unwrap()
    }

    #[test]
    fn dates_round_trip() {
        for text in ["1970-01-01", "2000-02-29", "2025-09-27", "2026-01-25", "1999-12-31", "2100-03-01"] {
            assert_eq!(date(text).to_string(), text);
        }
        assert_eq!(date("2025-09-27").until(date("2025-12-27")), 91);
        assert_eq!(Date::parse("2025-02-29"), None);
        assert_eq!(Date::parse("2025-13-01"), None);
        assert_eq!(Date::parse("2025-9-27"), None);
    }

    #[test]
    fn apple_quarters_years_and_years_to_date() {
        let cal = apple();
        assert_eq!(cal.duration(date("2024-09-29"), date("2025-09-27")), Ok(Span::Year(2025)));
        assert_eq!(cal.duration(date("2024-09-29"), date("2024-12-28")), Ok(Span::Quarter { year: 2025, quarter: 1 }));
        assert_eq!(cal.duration(date("2025-03-30"), date("2025-06-28")), Ok(Span::Quarter { year: 2025, quarter: 3 }));
        assert_eq!(cal.duration(date("2024-09-29"), date("2025-03-29")), Ok(Span::ToDate { year: 2025, quarters: 2 }));
        assert_eq!(cal.duration(date("2024-09-29"), date("2025-06-28")), Ok(Span::ToDate { year: 2025, quarters: 3 }));
        // Beyond the last year end known: the quarter ended 2025-12-27 is fiscal 2026's first.
        assert_eq!(cal.duration(date("2025-09-28"), date("2025-12-27")), Ok(Span::Quarter { year: 2026, quarter: 1 }));
        // Before the first: Apple's 14-week first quarter of fiscal 2023 and fiscal 2017's first.
        assert_eq!(cal.duration(date("2022-09-25"), date("2022-12-31")), Ok(Span::Quarter { year: 2023, quarter: 1 }));
        assert_eq!(cal.duration(date("2016-09-25"), date("2016-12-31")), Ok(Span::Quarter { year: 2017, quarter: 1 }));
        assert_eq!(cal.instant(date("2025-09-27")), Ok(Span::Instant { year: 2025, quarter: 4 }));
        assert_eq!(cal.instant(date("2025-03-29")), Ok(Span::Instant { year: 2025, quarter: 2 }));
    }

    #[test]
    fn trailing_and_odd_durations_are_no_period() {
        let cal = apple();
        assert_eq!(cal.duration(date("2024-06-30"), date("2025-06-28")), Err(Unplaced::TrailingYear));
        assert_eq!(cal.duration(date("2024-12-29"), date("2025-06-28")), Err(Unplaced::Irregular));
        assert_eq!(cal.duration(date("2025-05-01"), date("2025-06-28")), Err(Unplaced::Irregular));
        assert_eq!(cal.instant(date("2025-05-15")), Err(Unplaced::OffQuarter));
    }

    #[test]
    fn years_are_named_by_the_year_they_end_in() {
        let nvidia = Calendar::from_year_ends(["2024-01-28", "2025-01-26"].map(date).to_vec()).unwrap();
        assert_eq!(nvidia.duration(date("2024-01-29"), date("2025-01-26")), Ok(Span::Year(2025)));
        assert_eq!(
            nvidia.duration(date("2025-01-27"), date("2025-04-27")),
            Ok(Span::Quarter { year: 2026, quarter: 1 })
        );
        let retailer = Calendar::from_year_ends(["2024-12-28", "2026-01-03"].map(date).to_vec()).unwrap();
        assert_eq!(retailer.duration(date("2024-12-29"), date("2026-01-03")), Ok(Span::Year(2025)));
        assert_eq!(
            retailer.duration(date("2024-12-29"), date("2025-03-29")),
            Ok(Span::Quarter { year: 2025, quarter: 1 })
        );
    }

    #[test]
    fn a_stray_twelve_months_in_an_annual_report_is_not_a_year_end() {
        let ends = ["2023-09-30", "2024-09-28", "2024-06-30", "2025-09-27"].map(date).to_vec();
        let cal = Calendar::from_year_ends(ends).unwrap();
        assert_eq!(cal.ends.len(), 3);
    }
}
