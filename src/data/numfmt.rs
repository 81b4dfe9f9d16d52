//! A workbook's number formats (`0.0`, `#,##0,,`, `0.0%`, `[$€-407]#,##0.00`), read for what a number
//! cell shows: the figure its reader saw, with the digits the format gives it.
//!
//! Only a format's first section (for positive numbers) is read; a negative number's section shows the
//! same digits in Excel's own formats. Quoted text, `\x` escapes, `_x` spacers and `*x` fills are
//! literals; a bracket is a colour, a condition, or (`[$€-407]`) a currency and its locale.

use rust_decimal::{Decimal, RoundingStrategy};

use crate::num::Currency;
use crate::num::real::shifted;

/// What a number format shows of a number.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NumberFormat {
    /// The least and most decimals shown (`0.0#`: 1 and 2); `None` for `General` (and for a format
    /// that shows no digits of its own, such as a scientific or a text one): the stored digits.
    pub decimals: Option<(u32, u32)>,
    /// Whether the number is shown as a percentage (`0.0%`: a hundred times the stored fraction).
    pub percent: bool,
    /// How many thousands the number is divided by, one per comma after the last digit
    /// (`#,##0,,` shows millions: 2).
    pub thousands: u32,
    /// The currency the format writes, where it names one and only one (`$`, `€`, `£`, `[$EUR]`).
    pub currency: Option<Currency>,
}

impl NumberFormat {
    /// Reads a format code.
    pub fn parse(code: &str) -> NumberFormat {
        let mut scan = Scan::default();
        let mut chars = code.chars();
        while let Some(c) = chars.next() {
            match c {
                ';' => break,
                '"' => scan.literals.extend(chars.by_ref().take_while(|&q| q != '"')),
                '\\' => scan.literals.extend(chars.next()),
                '_' | '*' => drop(chars.next()),
                '[' => scan.bracket(&chars.by_ref().take_while(|&b| b != ']').collect::<String>()),
                'E' | 'e' if scan.digits => scan.general = true,
                '@' => scan.general = true,
                c => scan.char(c),
            }
        }
        scan.finish()
    }

    /// Whether the format shows the stored digits (`General`).
    pub fn is_general(&self) -> bool {
        self.decimals.is_none()
    }

    /// The figure a number shows as a cell's literal: `32.0` for 32 in `0.0`, `11.7%` for 0.117 in
    /// `0.0%`, `1000000 ± 500000` for 1234567 in `#,##0,,` (a million, to the million shown); the
    /// number rounded half away from zero to the digits shown. `None` where no decimal holds it.
    pub fn show(&self, number: Decimal) -> Option<String> {
        let percent = if self.percent { "%" } else { "" };
        let number = if self.percent { shifted(number, 2)? } else { number };
        let Some((least, most)) = self.decimals else { return Some(format!("{number}{percent}")) };
        let scale = 3 * self.thousands as i32;
        let mut shown = shifted(number, -scale)?.round_dp_with_strategy(most, RoundingStrategy::MidpointAwayFromZero);
        shown = shown.normalize();
        if shown.scale() < least {
            shown.rescale(least);
        }
        if scale == 0 {
            return Some(format!("{shown}{percent}"));
        }
        let half_digit = scale - shown.scale() as i32 - 1;
        let margin = shifted(Decimal::from(5), half_digit)?;
        Some(format!("{} ± {margin}{percent}", shifted(shown, scale)?.normalize()))
    }
}

/// What a format code holds, as it is scanned.
#[derive(Debug, Default)]
struct Scan {
    /// Whether a digit placeholder (`0`, `#`, `?`) was met.
    digits: bool,
    /// Whether the decimal point was met.
    fraction: bool,
    least: u32,
    most: u32,
    /// Commas since the last digit placeholder.
    commas: u32,
    /// Commas that divide by a thousand: before the decimal point or after the last digit.
    thousands: u32,
    percent: bool,
    general: bool,
    /// Literal text: where a currency symbol is written as it is (`$#,##0`, `"€"0.00`).
    literals: String,
    /// Currencies named in brackets (`[$€-407]`, `[$USD]`), as written, with their locales.
    bracketed: Vec<(String, String)>,
}

impl Scan {
    /// Takes one character outside quotes and brackets.
    fn char(&mut self, c: char) {
        match c {
            '0' | '#' | '?' => {
                (self.digits, self.commas) = (true, 0);
                if self.fraction {
                    self.most += 1;
                    self.least += u32::from(c == '0');
                }
            }
            '.' if !self.fraction => {
                self.fraction = true;
                self.thousands += std::mem::take(&mut self.commas);
            }
            ',' if self.digits => self.commas += 1,
            '%' => self.percent = true,
            c => self.literals.push(c),
        }
    }

    /// Takes a bracket's content: a currency and its locale (`$€-407`, `$USD`), else a colour or a
    /// condition.
    fn bracket(&mut self, content: &str) {
        if let Some(currency) = content.strip_prefix('$') {
            let (symbol, locale) = currency.split_once('-').unwrap_or((currency, ""));
            self.bracketed.push((symbol.to_owned(), locale.to_ascii_uppercase()));
        }
    }

    /// The format scanned.
    fn finish(self) -> NumberFormat {
        let general = self.general || !self.digits;
        NumberFormat {
            decimals: (!general).then_some((self.least, self.most)),
            percent: self.percent,
            thousands: if general { 0 } else { self.thousands + self.commas },
            currency: self.currency(),
        }
    }

    /// The one currency the format names, if it names exactly one; `$` is the US dollar unless a
    /// locale other than the United States' (409) goes with it (a Canadian or Australian dollar).
    fn currency(&self) -> Option<Currency> {
        let literal = [("$", "USD"), ("€", "EUR"), ("£", "GBP")].into_iter().filter(|(s, _)| self.literals.contains(s));
        let mut named: Vec<Option<Currency>> = literal.map(|(_, code)| Currency::parse(code)).collect();
        for (symbol, locale) in &self.bracketed {
            named.push(match (symbol.as_str(), locale.as_str()) {
                ("", _) => continue,
                ("$" | "US$", "" | "409") => Currency::parse("USD"),
                ("€", _) => Currency::parse("EUR"),
                ("£", _) => Currency::parse("GBP"),
                (code, _) => Currency::parse(code),
            });
        }
        let first = named.first().copied().flatten()?;
        named.iter().all(|&c| c == Some(first)).then_some(first)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(code: &str, number: &str) -> String {
        NumberFormat::parse(code).show(crate::num::parse_decimal(number).unwrap()).unwrap()
    }

    #[test]
    fn a_format_shows_its_decimals() {
        assert_eq!(shown("0.0", "32"), "32.0");
        assert_eq!(shown("0.0", "129"), "129.0");
        assert_eq!(shown("#,##0", "70066"), "70066");
        assert_eq!(shown("#,##0", "70066.4"), "70066");
        assert_eq!(shown("#,##0.00", "0.5"), "0.50");
        assert_eq!(shown("0.0#", "1.5"), "1.5");
        assert_eq!(shown("0.0#", "1.256"), "1.26");
        assert_eq!(shown("0", "2.5"), "3");
        assert_eq!(shown("0", "-2.5"), "-3");
        assert_eq!(shown("0", "-0.4"), "0");
        assert_eq!(shown("General", "0.39"), "0.39");
    }

    #[test]
    fn a_percentage_shows_a_hundred_times_the_fraction() {
        assert_eq!(shown("0%", "0.39"), "39%");
        assert_eq!(shown("0.0%", "0.117"), "11.7%");
        assert_eq!(shown("0.00%", "0.117"), "11.70%");
        assert_eq!(shown("0.0%", "0.1234"), "12.3%");
        assert_eq!(shown("0.0\"%\"", "12.34"), "12.3");
    }

    #[test]
    fn commas_after_the_digits_scale_by_thousands() {
        assert_eq!(shown("#,##0,,", "1234567"), "1000000 ± 500000");
        assert_eq!(shown("#,##0.0,,\"m\"", "1234567"), "1200000 ± 50000");
        assert_eq!(shown("#,##0,", "70066"), "70000 ± 500");
        assert_eq!(NumberFormat::parse("#,##0").thousands, 0);
    }

    #[test]
    fn a_currency_is_read_where_the_format_names_one() {
        let currency = |code: &str| NumberFormat::parse(code).currency.map(|c| c.as_str().to_owned());
        assert_eq!(currency("\"$\"#,##0.00").as_deref(), Some("USD"));
        assert_eq!(currency("$#,##0;($#,##0)").as_deref(), Some("USD"));
        assert_eq!(currency("[$€-407]#,##0.00").as_deref(), Some("EUR"));
        assert_eq!(currency("#,##0.00 [$EUR]").as_deref(), Some("EUR"));
        assert_eq!(currency("\\£0.0").as_deref(), Some("GBP"));
        assert_eq!(currency("[$$-409]#,##0").as_deref(), Some("USD"));
        assert_eq!(currency("[$$-1009]#,##0"), None, "a Canadian dollar");
        assert_eq!(currency("[$¥-411]#,##0"), None, "yen or yuan");
        assert_eq!(currency("$#,##0 [$EUR]"), None, "two currencies");
        assert_eq!(currency("0.0"), None);
        assert_eq!(currency("[Red]0.0"), None);
    }

    #[test]
    fn formats_that_show_no_digits_of_their_own_are_general() {
        for code in ["General", "@", "0.00E+00", "\"n/a\""] {
            assert!(NumberFormat::parse(code).is_general(), "{code}");
        }
        assert_eq!(NumberFormat::parse("[>=100]0.0;0.00").decimals, Some((1, 1)));
    }
}
