//! Calendar dates: when an SEC fact was filed, when a source gave its figures (`given = 2026-02-05`).

use std::fmt;

/// A calendar date, written `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Days since 1970-01-01.
    days: i32,
}

impl Date {
    /// Reads `2025-09-27`: four, two and two ASCII digits, a month that exists and a day it has;
    /// `None` for anything else.
    pub fn parse(text: &str) -> Option<Date> {
        let b = text.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let number = |r: std::ops::Range<usize>| {
            let digits = text.get(r)?;
            digits.bytes().all(|c| c.is_ascii_digit()).then(|| digits.parse::<u32>().ok())?
        };
        let (year, month, day) = (number(0..4)? as i32, number(5..7)?, number(8..10)?);
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date::civil_date(year, month, day))
    }

    /// Why a text is no date, for a diagnostic's label.
    pub fn why_not(text: &str) -> &'static str {
        let b = text.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' || !text.bytes().all(|c| c.is_ascii_digit() || c == b'-') {
            "expected a date such as `2026-02-05`"
        } else {
            "no such day"
        }
    }

    /// The date of a year, month and day that exist.
    pub(crate) fn civil_date(year: i32, month: u32, day: u32) -> Date {
        Date { days: days_from_civil(year, month, day) }
    }

    /// The date `n` days later.
    pub fn plus(self, n: i32) -> Date {
        Date { days: self.days + n }
    }

    /// Days from `self` to `later`.
    pub fn until(self, later: Date) -> i32 {
        later.days - self.days
    }

    /// The year, month and day.
    pub fn civil(self) -> (i32, u32, u32) {
        let (year, month, day) = civil_from_days(i64::from(self.days));
        // a date holds years 1900 to 2199 (or thereabouts): its year fits
        (year as i32, month, day)
    }

    /// The days since 1970-01-01, to pack a date in a `u32` beside a fact.
    pub(crate) fn days(self) -> i32 {
        self.days
    }

    /// The date of a day count from [`Date::days`].
    pub(crate) fn from_days(days: i32) -> Date {
        Date { days }
    }

    /// The same month and day in the next calendar year (28 February for 29 February).
    pub(crate) fn next_year(self) -> Date {
        let (y, m, d) = self.civil();
        Date { days: days_from_civil(y + 1, m, d.min(days_in_month(y + 1, m))) }
    }

    /// The same month and day in the year before.
    pub(crate) fn previous_year(self) -> Date {
        let (y, m, d) = self.civil();
        Date { days: days_from_civil(y - 1, m, d.min(days_in_month(y - 1, m))) }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.civil();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

/// Whether a year is a leap year in the proleptic Gregorian calendar.
fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// The days of a month.
pub(crate) fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
fn days_from_civil(year: i32, month: u32, day: u32) -> i32 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month as i32 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day as i32 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day count since 1970-01-01 (Hinnant's civil-from-days), for dates and for a
/// run's timestamp alike.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

#[cfg(test)]
mod tests {
    use super::Date;

    #[test]
    fn only_real_days_in_digits_are_dates() {
        assert_eq!(Date::parse("2026-02-05").map(|d| d.to_string()).as_deref(), Some("2026-02-05"));
        for bad in ["2026-02-30", "2026-2-05", "+026-02-05", "2026-02-0x", "2026/02/05", "2026-13-01", "x"] {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
        assert_eq!(Date::why_not("2026-02-30"), "no such day");
        assert_eq!(Date::why_not("Feb 5"), "expected a date such as `2026-02-05`");
    }
}
