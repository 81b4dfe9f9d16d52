//! Fiscal calendars: which calendar months an entity's fiscal period covers, and which fiscal period
//! of another entity covers the same months.
//!
//! An entity whose data gives `fiscal_year_end = "06-30"` closes its fiscal year at the end of June:
//! its `2025Q4` is April to June 2025, its `2025Q1` July to September 2024, and `FY2025` July 2024
//! to June 2025. A fiscal year is named by the calendar year it ends in, as the SEC importer names
//! them ([`crate::data::sec::calendar`]); a year end in the first week of a month (a 52/53-week year
//! that ends on the Saturday nearest the month's end) belongs to the month before, so `"01-03"`
//! closes the year in December. Without a year end, fiscal periods are calendar periods.
//!
//! Periods of two entities are aligned by the months they cover: a period of one is compared with
//! the period of the other that covers exactly the same months, and with nothing where none does (a
//! June year against a December year, or a quarter ending in January against calendar quarters).

use std::fmt;

use crate::period::{Kind, Period, YEARS};

/// The day a fiscal year ends: `"06-30"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct YearEnd {
    pub month: u8,
    pub day: u8,
}

/// A calendar quarter or year, as a rule writes it: `2025CQ2`, `CY2025`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CalendarPeriod {
    Quarter { year: i32, quarter: u8 },
    Year(i32),
}

/// A run of calendar months, each as `year * 12 + month - 1`, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Months {
    pub first: i32,
    pub last: i32,
}

/// The calendar year end: what an entity without `fiscal_year_end` has.
pub const DECEMBER: YearEnd = YearEnd { month: 12, day: 31 };

/// The short names of the months.
const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

impl YearEnd {
    /// Reads `"06-30"` (month and day, two digits each); `None` for anything else, `"02-30"` too.
    pub fn parse(text: &str) -> Option<YearEnd> {
        let (month, day) = text.split_once('-')?;
        let two = |s: &str| (s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse::<u8>().ok())?;
        let (month, day) = (two(month)?, two(day)?);
        let days = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
        (1..=12).contains(&month).then_some(())?;
        (1..=days[month as usize - 1]).contains(&day).then_some(YearEnd { month, day })
    }

    /// The help for a year end that does not parse.
    pub const HELP: &'static str =
        "write the month and day the fiscal year ends on, two digits each: `fiscal_year_end = \"06-30\"`";

    /// The month (1 to 12) the fiscal year's last quarter ends with: the month of the year end, or
    /// the month before for a year end in a month's first week.
    fn closing_month(self) -> i32 {
        match self.day {
            1..=7 => (self.month as i32 + 10) % 12 + 1,
            _ => self.month as i32,
        }
    }

    /// The month index of the end of fiscal year `year`: its closing month in the calendar year it is
    /// named by (a year ended on 3 January 2026 closes December 2025 and is `FY2025`).
    fn year_close(self, year: i32) -> i32 {
        year * 12 + self.closing_month() - 1
    }

    /// The calendar months a fiscal period covers.
    pub fn months(self, period: Period) -> Months {
        let close = self.year_close(period.year());
        match period {
            Period::Year(_) => Months { first: close - 11, last: close },
            Period::Quarter { quarter, .. } => {
                let last = close - 3 * (4 - i32::from(quarter));
                Months { first: last - 2, last }
            }
        }
    }

    /// The fiscal period of `kind` that covers exactly `months`, if there is one in the years tickmark
    /// accepts.
    pub fn period_covering(self, months: Months, kind: Kind) -> Option<Period> {
        let length = if kind == Kind::Year { 12 } else { 3 };
        if months.last - months.first + 1 != length {
            return None;
        }
        // quarters after the close of fiscal year 0, counted so that quarter 4 of year `y` is `4y`
        let after = months.last - self.year_close(0);
        let period = if kind == Kind::Year {
            (after % 12 == 0).then_some(Period::Year(after / 12))?
        } else {
            (after % 3 == 0).then_some(())?;
            let n = after / 3 + 3;
            Period::Quarter { year: n.div_euclid(4), quarter: (n.rem_euclid(4) + 1) as u8 }
        };
        (YEARS.contains(&period.year()) && self.months(period) == months).then_some(period)
    }

    /// Whether fiscal periods are calendar periods.
    pub fn is_calendar(self) -> bool {
        self.closing_month() == 12
    }
}

impl fmt::Display for YearEnd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}-{:02}", self.month, self.day)
    }
}

impl CalendarPeriod {
    /// Reads `2025CQ2` or `CY2025` (any case); `None` for anything else, `2025CQ5` too.
    pub fn parse(text: &str) -> Option<CalendarPeriod> {
        let upper = text.trim().to_ascii_uppercase();
        let period = if let Some(year) = upper.strip_prefix("CY") {
            Period::parse(&format!("FY{year}"))
        } else {
            Period::parse(&upper.replacen("CQ", "Q", 1)).filter(|_| upper.contains("CQ"))
        }?;
        Some(match period {
            Period::Year(year) => CalendarPeriod::Year(year),
            Period::Quarter { year, quarter } => CalendarPeriod::Quarter { year, quarter },
        })
    }

    /// The help for a calendar period that does not exist.
    pub const HELP: &'static str =
        "a calendar period is a quarter such as `2025CQ2` (April to June 2025) or a year such as `CY2025`";

    /// The months it covers.
    pub fn months(self) -> Months {
        match self {
            CalendarPeriod::Year(year) => Months { first: year * 12, last: year * 12 + 11 },
            CalendarPeriod::Quarter { year, quarter } => {
                let last = year * 12 + 3 * i32::from(quarter) - 1;
                Months { first: last - 2, last }
            }
        }
    }

    /// Whether it is a quarter or a year.
    pub fn kind(self) -> Kind {
        match self {
            CalendarPeriod::Quarter { .. } => Kind::Quarter,
            CalendarPeriod::Year(_) => Kind::Year,
        }
    }
}

impl fmt::Display for CalendarPeriod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CalendarPeriod::Quarter { year, quarter } => write!(f, "{year}CQ{quarter}"),
            CalendarPeriod::Year(year) => write!(f, "CY{year}"),
        }
    }
}

impl YearEnd {
    /// The months of each fiscal quarter, for a sheet's header: `Q1 Jul–Sep, Q2 Oct–Dec, Q3 Jan–Mar,
    /// Q4 Apr–Jun`.
    pub fn quarters(self) -> String {
        let quarter = |q: u8| {
            let m = self.months(Period::Quarter { year: 2000, quarter: q });
            format!("Q{q} {}–{}", MONTHS[m.first.rem_euclid(12) as usize], MONTHS[m.last.rem_euclid(12) as usize])
        };
        (1..=4).map(quarter).collect::<Vec<_>>().join(", ")
    }
}

impl fmt::Display for Months {
    /// `Apr–Jun 2025`, `Jul 2024–Jun 2025`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (fy, fm) = (self.first.div_euclid(12), self.first.rem_euclid(12) as usize);
        let (ly, lm) = (self.last.div_euclid(12), self.last.rem_euclid(12) as usize);
        if fy == ly {
            write!(f, "{}–{} {ly}", MONTHS[fm], MONTHS[lm])
        } else {
            write!(f, "{} {fy}–{} {ly}", MONTHS[fm], MONTHS[lm])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Period {
        Period::parse(s).unwrap()
    }

    fn end(s: &str) -> YearEnd {
        YearEnd::parse(s).unwrap()
    }

    #[test]
    fn reads_year_ends() {
        assert_eq!(end("06-30"), YearEnd { month: 6, day: 30 });
        assert_eq!(end("02-29").to_string(), "02-29");
        for bad in ["6-30", "06-31", "13-01", "00-10", "06/30", "06-3O", "", "06-30-2025"] {
            assert_eq!(YearEnd::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_june_year_end_shifts_quarters_by_two() {
        let msft = end("06-30");
        assert_eq!(msft.months(p("2025Q4")).to_string(), "Apr–Jun 2025");
        assert_eq!(msft.months(p("2025Q1")).to_string(), "Jul–Sep 2024");
        assert_eq!(msft.months(p("2025Q2")).to_string(), "Oct–Dec 2024");
        assert_eq!(msft.months(p("FY2025")).to_string(), "Jul 2024–Jun 2025");
        assert_eq!(DECEMBER.months(p("2025Q2")).to_string(), "Apr–Jun 2025");
        assert_eq!(DECEMBER.months(p("FY2025")).to_string(), "Jan–Dec 2025");
    }

    #[test]
    fn aligns_periods_that_cover_the_same_months() {
        let msft = end("06-30");
        let months = msft.months(p("2025Q4"));
        assert_eq!(DECEMBER.period_covering(months, Kind::Quarter), Some(p("2025Q2")));
        assert_eq!(msft.period_covering(DECEMBER.months(p("2025Q2")), Kind::Quarter), Some(p("2025Q4")));
        assert_eq!(msft.period_covering(DECEMBER.months(p("2024Q4")), Kind::Quarter), Some(p("2025Q2")));
        // a June year covers no calendar year, a quarter ending in January no calendar quarter
        assert_eq!(DECEMBER.period_covering(msft.months(p("FY2025")), Kind::Year), None);
        assert_eq!(DECEMBER.period_covering(end("01-31").months(p("2025Q4")), Kind::Quarter), None);
        for period in ["2025Q1", "2025Q2", "2025Q3", "2025Q4", "FY2025", "1900Q1", "FY2199"] {
            for ye in ["06-30", "03-31", "09-27", "01-31", "01-03", "12-31"] {
                let (ye, period) = (end(ye), p(period));
                assert_eq!(ye.period_covering(ye.months(period), period.kind()), Some(period), "{ye} {period}");
            }
        }
    }

    #[test]
    fn a_year_end_in_a_months_first_week_closes_the_month_before() {
        assert_eq!(end("01-03").months(p("FY2025")).to_string(), "Jan–Dec 2025");
        assert!(end("01-03").is_calendar() && DECEMBER.is_calendar() && !end("06-30").is_calendar());
        assert_eq!(end("10-01").months(p("2025Q4")).to_string(), "Jul–Sep 2025");
        assert_eq!(end("09-27").months(p("2025Q4")).to_string(), "Jul–Sep 2025");
    }

    #[test]
    fn reads_calendar_periods() {
        let cq = CalendarPeriod::parse("2025CQ2").unwrap();
        assert_eq!((cq.to_string(), cq.months().to_string()), ("2025CQ2".into(), "Apr–Jun 2025".into()));
        assert_eq!(CalendarPeriod::parse("cy2025").unwrap().months().to_string(), "Jan–Dec 2025");
        for bad in ["2025Q2", "2025CQ5", "CY25", "FY2025", "2025CQ"] {
            assert_eq!(CalendarPeriod::parse(bad), None, "{bad}");
        }
    }
}
