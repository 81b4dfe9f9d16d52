//! Fiscal periods: quarters (`2025Q4`) and years (`FY2025`), their order and their arithmetic.

use std::fmt;

/// A fiscal quarter or a fiscal year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Period {
    Quarter { year: i32, quarter: u8 },
    Year(i32),
}

/// The unit of a period offset: `-1q`, `-1y`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Step {
    Quarter,
    Year,
}

/// Which periods a rule is checked at: `at quarters`, `at years`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Quarter,
    Year,
}

/// The earliest and latest fiscal years tickmark accepts.
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=2199;

impl Period {
    /// Reads `2025Q4` or `FY2025` (also `2025q4`, `fy2025`); `None` for anything else, such as `2025Q5`.
    pub fn parse(text: &str) -> Option<Period> {
        let upper = text.trim().to_ascii_uppercase();
        let period = if let Some(year) = upper.strip_prefix("FY") {
            Period::Year(parse_year(year)?)
        } else {
            let (year, quarter) = upper.split_once('Q')?;
            let quarter: u8 = match quarter {
                "1" => 1,
                "2" => 2,
                "3" => 3,
                "4" => 4,
                _ => return None,
            };
            Period::Quarter { year: parse_year(year)?, quarter }
        };
        Some(period)
    }

    /// Why a text is not a period, in words: `quarters run from Q1 to Q4` for `2025Q5`, `years run
    /// from 1900 to 2199` for `FY2250`, else `not a period`.
    pub fn why_not(text: &str) -> &'static str {
        let upper = text.trim().to_ascii_uppercase();
        let year = upper.strip_prefix("FY").or_else(|| upper.split_once('Q').map(|(y, _)| y));
        let quarter = upper.split_once('Q').filter(|_| !upper.starts_with("FY")).map(|(_, q)| q);
        match (year, quarter) {
            (Some(_), Some(q)) if !matches!(q, "1" | "2" | "3" | "4") => "quarters run from Q1 to Q4",
            (Some(y), _) if y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()) => "years run from 1900 to 2199",
            _ => "not a period",
        }
    }

    /// Reads a period as a spreadsheet's column header writes it: `2025Q4` and `FY2025`, and also
    /// `Q4 2025`, `Q4'25`, `4Q25`, `2025-Q4`, `Q4 FY25`, `FY25` and `FY 2025`. A two-digit year is of
    /// the 2000s (`Q4'99` is 2099Q4: a file of the last century writes its years out).
    pub fn parse_header(text: &str) -> Option<Period> {
        if let Some(period) = Period::parse(text) {
            return Some(period);
        }
        let compact: String = text
            .chars()
            .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '_' | '/' | '\'' | '\u{2019}'))
            .collect::<String>()
            .to_ascii_uppercase();
        let quarter = |q: &str| match q {
            "1" | "2" | "3" | "4" => q.parse::<u8>().ok(),
            _ => None,
        };
        let (year, quarter) = if let Some(rest) = compact.strip_prefix("FY") {
            match rest.split_once('Q') {
                Some((year, q)) => (year, Some(quarter(q)?)),
                None => (rest, None),
            }
        } else if let Some(rest) = compact.strip_prefix('Q') {
            let (q, year) = rest.split_at_checked(1)?;
            (year.strip_prefix("FY").unwrap_or(year), Some(quarter(q)?))
        } else {
            let (a, b) = compact.split_once('Q')?;
            if a.len() == 1 { (b, Some(quarter(a)?)) } else { (a, Some(quarter(b)?)) }
        };
        let year = match year.len() {
            2 if year.bytes().all(|b| b.is_ascii_digit()) => 2000 + year.parse::<i32>().ok()?,
            _ => parse_year(year)?,
        };
        Some(match quarter {
            Some(quarter) => Period::Quarter { year, quarter },
            None => Period::Year(year),
        })
    }

    /// The help for a text that is not a period.
    pub const HELP: &'static str =
        "a period is a quarter such as `2025Q4` or a fiscal year such as `FY2025`, in the years 1900 to 2199";

    /// The fiscal year the period belongs to.
    pub fn year(self) -> i32 {
        match self {
            Period::Quarter { year, .. } | Period::Year(year) => year,
        }
    }

    /// Whether this is a quarter or a year.
    pub fn kind(self) -> Kind {
        match self {
            Period::Quarter { .. } => Kind::Quarter,
            Period::Year(_) => Kind::Year,
        }
    }

    /// The period `n` steps away: `-1y` of `2025Q4` is `2024Q4`; a year has no quarter steps.
    pub fn shift(self, n: i32, step: Step) -> Option<Period> {
        let shifted = match (self, step) {
            (Period::Year(y), Step::Year) => Period::Year(y.checked_add(n)?),
            (Period::Year(_), Step::Quarter) => return None,
            (Period::Quarter { year, quarter }, step) => {
                let quarters = if step == Step::Year { n.checked_mul(4)? } else { n };
                let index = (year as i64) * 4 + (quarter as i64 - 1) + quarters as i64;
                Period::Quarter { year: index.div_euclid(4) as i32, quarter: (index.rem_euclid(4) + 1) as u8 }
            }
        };
        YEARS.contains(&shifted.year()).then_some(shifted)
    }

    /// Quarter `quarter` (1 to 4) of the period's fiscal year: `Q3` of `FY2025` or of `2025Q1` is
    /// `2025Q3`; `None` for a quarter outside 1 to 4.
    pub fn quarter_of_year(self, quarter: u8) -> Option<Period> {
        (1..=4).contains(&quarter).then_some(Period::Quarter { year: self.year(), quarter })
    }

    /// The fiscal year the period belongs to, as a period: `FY2025` for `2025Q2` and for `FY2025`.
    pub fn fiscal_year(self) -> Period {
        Period::Year(self.year())
    }

    /// A dense index for columnar storage: five slots a year (four quarters, then the year).
    pub fn slot(self) -> usize {
        let base = (self.year() - YEARS.start()) as usize * 5;
        match self {
            Period::Quarter { quarter, .. } => base + quarter as usize - 1,
            Period::Year(_) => base + 4,
        }
    }

    /// The period of a dense slot index.
    pub fn from_slot(slot: usize) -> Period {
        let year = YEARS.start() + (slot / 5) as i32;
        match slot % 5 {
            4 => Period::Year(year),
            q => Period::Quarter { year, quarter: q as u8 + 1 },
        }
    }
}

/// Reads a four-digit year in the accepted range.
fn parse_year(text: &str) -> Option<i32> {
    if text.len() != 4 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let year: i32 = text.parse().ok()?;
    YEARS.contains(&year).then_some(year)
}

impl Ord for Period {
    /// Quarters of a year come before the year itself, so a sheet reads `2025Q1 … 2025Q4 FY2025`.
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.slot().cmp(&other.slot())
    }
}

impl PartialOrd for Period {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Period::Quarter { year, quarter } => write!(f, "{year}Q{quarter}"),
            Period::Year(year) => write!(f, "FY{year}"),
        }
    }
}

impl serde::Serialize for Period {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Period {
        Period::parse(s).unwrap()
    }

    #[test]
    fn parses_and_shows_periods() {
        assert_eq!(p("2025Q4").to_string(), "2025Q4");
        assert_eq!(p("fy2025").to_string(), "FY2025");
        assert_eq!(Period::parse("2025Q5"), None);
        assert_eq!(Period::parse("FY25"), None);
    }

    #[test]
    fn shifts_quarters_and_years() {
        assert_eq!(p("2025Q4").shift(-1, Step::Year), Some(p("2024Q4")));
        assert_eq!(p("2025Q1").shift(-1, Step::Quarter), Some(p("2024Q4")));
        assert_eq!(p("2025Q1").shift(-4, Step::Quarter), p("2025Q1").shift(-1, Step::Year));
        assert_eq!(p("FY2026").shift(-1, Step::Year), Some(p("FY2025")));
        assert_eq!(p("FY2026").shift(-1, Step::Quarter), None);
    }

    #[test]
    fn says_why_a_text_is_not_a_period() {
        assert_eq!(Period::why_not("2025Q5"), "quarters run from Q1 to Q4");
        assert_eq!(Period::why_not("fy2250"), "years run from 1900 to 2199");
        assert_eq!(Period::why_not("1850Q2"), "years run from 1900 to 2199");
        assert_eq!(Period::why_not("2025"), "not a period");
        assert_eq!(Period::why_not("FYX"), "not a period");
    }

    #[test]
    fn reads_the_headers_spreadsheets_write() {
        for text in
            ["2025Q4", "Q4 2025", "Q4'25", "Q4’25", "4Q25", "4Q 2025", "2025-Q4", "2025 Q4", "q4 fy25", "FY25Q4"]
        {
            assert_eq!(Period::parse_header(text), Some(p("2025Q4")), "{text}");
        }
        for text in ["FY2025", "FY25", "FY 2025", "fy'25", "FY-2025"] {
            assert_eq!(Period::parse_header(text), Some(p("FY2025")), "{text}");
        }
        assert_eq!(Period::parse_header("Q1'99"), Some(p("2099Q1")));
        for text in ["Q5 2025", "Q4", "2025", "FY", "Q4 202", "revenue", "4Q2025Q1", "Q4 2250", "FY1"] {
            assert_eq!(Period::parse_header(text), None, "{text}");
        }
    }

    #[test]
    fn finds_the_quarters_and_the_year_of_a_fiscal_year() {
        assert_eq!(p("FY2025").quarter_of_year(3), Some(p("2025Q3")));
        assert_eq!(p("2025Q2").quarter_of_year(4), Some(p("2025Q4")));
        assert_eq!(p("2025Q2").quarter_of_year(5), None);
        assert_eq!(p("2025Q2").quarter_of_year(0), None);
        assert_eq!(p("2025Q2").fiscal_year(), p("FY2025"));
        assert_eq!(p("FY2025").fiscal_year(), p("FY2025"));
    }

    #[test]
    fn orders_quarters_before_their_year() {
        assert!(p("2025Q4") < p("FY2025"));
        assert!(p("FY2025") < p("2026Q1"));
        assert_eq!(Period::from_slot(p("2026Q3").slot()), p("2026Q3"));
    }
}
