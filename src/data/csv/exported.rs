//! Cells as spreadsheet programs and finance sites export them, read as the literal they spell:
//! `70,066` (a thousands separator), `(623)` (a negative in accounting notation), `−0.1` (the Unicode
//! minus), `$1.2bn` and `€730m` (a currency symbol, a scale word), and the markers of a missing figure
//! (`n/a`, `NA`, `—`, `–`, `-`).
//!
//! These readings are for CSV files and workbook text cells, where such cells come from; TOML and JSON
//! files are written for tickmark and keep to its literals (`"70066 USD m"`). A cell that is already a
//! literal is never rewritten. A comma is a thousands separator only between groups of three digits
//! (`1,234,567.5`): any other (`1,5`, `0,25`) is a decimal comma or a typo, an error that spells out
//! the reading.

use super::super::value::ValueError;

/// What an exported cell holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exported {
    /// A marker of a missing figure (`n/a`, `—`): no fact.
    Missing,
    /// The literal the cell spells (`70066`, `-623`, `1.2 USD bn`).
    Literal(String),
}

/// The words and signs a cell marks a missing figure with.
const MISSING: [&str; 6] = ["n/a", "na", "-", "—", "–", "--"];

/// The currency symbols a figure may start with, and their codes.
const SYMBOLS: [(&str, &str); 4] = [("US$", "USD"), ("$", "USD"), ("€", "EUR"), ("£", "GBP")];

/// Reads a cell's trimmed text as exported: `None` where it is no exported form (a literal of its
/// own, or text that is no figure, left to the literal's errors).
pub fn read(text: &str) -> Option<Result<Exported, ValueError>> {
    if is_missing(text) {
        return Some(Ok(Exported::Missing));
    }
    if !text.contains([',', '(', '\u{2212}', '$', '€', '£']) && !starts_with_code(text) {
        return None;
    }
    let minus = text.replace('\u{2212}', "-");
    let (negative, inner) = match minus.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
        Some(inner) if !inner.trim_start().starts_with(['-', '+']) => (true, inner.trim()),
        _ => (false, minus.as_str()),
    };
    let literal =
        currency(inner).or_else(|| grouped(inner).map(|read| read.map(|(number, rest)| format!("{number}{rest}"))));
    let literal = match literal {
        Some(Ok(literal)) => literal,
        Some(Err(e)) => return Some(Err(e.whole(text))),
        None if negative || minus != text => inner.to_owned(),
        None => return None,
    };
    let literal = if negative { format!("-{literal}") } else { literal };
    Some(Ok(Exported::Literal(literal)))
}

/// Whether a cell's trimmed text marks a missing figure (`n/a`, `NA`, `—`, `–`, `-`).
pub fn is_missing(text: &str) -> bool {
    MISSING.iter().any(|m| text.eq_ignore_ascii_case(m))
}

/// Whether a text starts with a currency code and a space before a digit (`USD 1.2bn`).
fn starts_with_code(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() > 4 && bytes[..3].iter().all(u8::is_ascii_uppercase) && bytes[3] == b' ' && bytes[4].is_ascii_digit()
}

/// Reads a figure written after its currency (`$1.2bn`, `-€730m`, `USD 1.2bn`, `$ 70,066`): the
/// figure in the currency at the scale its word names; `None` if the text names no currency first.
fn currency(text: &str) -> Option<Result<String, ValueError>> {
    let (sign, text) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text),
    };
    let (code, rest) = SYMBOLS
        .iter()
        .find_map(|(symbol, code)| text.strip_prefix(symbol).map(|rest| (*code, rest)))
        .or_else(|| starts_with_code(text).then(|| (&text[..3], &text[4..])))?;
    let rest = rest.trim_start();
    let Some(read) = grouped(rest).or_else(|| plain(rest)) else { return Some(Err(not_a_figure(text))) };
    Some(read.and_then(|(number, word)| match scale(word) {
        Some("") => Ok(format!("{sign}{number} {code}")),
        Some(scale) => Ok(format!("{sign}{number} {code} {scale}")),
        None => Err(not_a_figure(text)),
    }))
}

/// A number without separators at the start of `text`, and the rest: `1.2` and `bn` of `1.2bn`.
fn plain(text: &str) -> Option<Result<(String, &str), ValueError>> {
    let len = text.bytes().take_while(|b| b.is_ascii_digit() || *b == b'.').count();
    (len > 0).then(|| Ok((text[..len].to_owned(), &text[len..])))
}

/// The scale a word after a currency's figure names, as a unit writes it: `bn` for `bn`, `B` or
/// `billion`; `""` for none. `None` for a word that is no scale.
fn scale(word: &str) -> Option<&'static str> {
    let word = word.trim().to_ascii_lowercase();
    Some(match word.as_str() {
        "" => "",
        "k" | "th" | "thousand" => "k",
        "m" | "mn" | "mm" | "mio" | "mln" | "million" => "m",
        "b" | "bn" | "bln" | "billion" => "bn",
        "t" | "tn" | "trillion" => "tn",
        _ => return None,
    })
}

/// Reads a number with thousands separators at the start of `text` (`70,066`, `1,234,567.5`), without
/// them, and the rest of the text; `None` if it has none; an error where a comma does not separate
/// thousands (`1,5`): a decimal comma, or a typo.
fn grouped(text: &str) -> Option<Result<(String, &str), ValueError>> {
    let mut points = 0;
    let len = text
        .bytes()
        .take_while(|&b| b.is_ascii_digit() || b == b',' || (b == b'.' && (points == 0).then(|| points += 1).is_some()))
        .count();
    let number = &text[..len];
    if !number.contains(',') {
        return None;
    }
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    let groups: Vec<&str> = whole.split(',').collect();
    let thousands = (1..=3).contains(&groups[0].len())
        && groups[0] != "0"
        && groups[1..].iter().all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()))
        && fraction.bytes().all(|b| b.is_ascii_digit());
    if !thousands {
        return Some(Err(decimal_comma(number)));
    }
    let digits = whole.replace(',', "");
    let number = if number.contains('.') { format!("{digits}.{fraction}") } else { digits };
    Some(Ok((number, &text[len..])))
}

/// The error for a comma that does not separate thousands, spelling out the decimal comma's reading.
fn decimal_comma(number: &str) -> ValueError {
    let reading = match number.matches(',').count() {
        1 if !number.contains('.') => format!(" (as a decimal comma, `{number}` is {})", number.replace(',', ".")),
        _ => String::new(),
    };
    ValueError {
        message: format!("`{number}` is not a number: its comma does not separate thousands{reading}"),
        at: 0..0,
        label: "not a number",
        help: Some(
            "a comma separates thousands in groups of three (`70,066`, `1,234.5`); write a decimal point as `.`"
                .to_owned(),
        ),
    }
}

/// The error for a currency followed by what is no figure with a scale (`$abc`, `€1.2 zillion`).
fn not_a_figure(text: &str) -> ValueError {
    ValueError {
        message: format!("`{text}` is not a figure"),
        at: 0..0,
        label: "not a figure",
        help: Some(
            "after a currency write a figure and an optional scale: `$1.2bn`, `€730m`, `£3.4k`, `$70,066`".to_owned(),
        ),
    }
}

impl ValueError {
    /// The error about the whole of a cell's `text`.
    fn whole(mut self, text: &str) -> Self {
        self.at = 0..text.len();
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn literal(text: &str) -> String {
        match read(text) {
            Some(Ok(Exported::Literal(literal))) => literal,
            other => panic!("{text}: {other:?}"),
        }
    }

    fn message(text: &str) -> String {
        read(text).unwrap().unwrap_err().message
    }

    #[test]
    fn exported_cells_read_as_the_literal_they_spell() {
        assert_eq!(literal("70,066"), "70066");
        assert_eq!(literal("1,234,567.50"), "1234567.50");
        assert_eq!(literal("(623)"), "-623");
        assert_eq!(literal("(1,234.5)"), "-1234.5");
        assert_eq!(literal("(12.5%)"), "-12.5%");
        assert_eq!(literal("\u{2212}0.1"), "-0.1");
        assert_eq!(literal("\u{2212}0.1%"), "-0.1%");
        assert_eq!(literal("$1.2bn"), "1.2 USD bn");
        assert_eq!(literal("$1.2B"), "1.2 USD bn");
        assert_eq!(literal("€730m"), "730 EUR m");
        assert_eq!(literal("£3.4k"), "3.4 GBP k");
        assert_eq!(literal("US$ 70,066"), "70066 USD");
        assert_eq!(literal("USD 1.2bn"), "1.2 USD bn");
        assert_eq!(literal("-$5m"), "-5 USD m");
        assert_eq!(literal("($5.0m)"), "-5.0 USD m");
        assert_eq!(literal("1,234 USD m"), "1234 USD m");
    }

    #[test]
    fn markers_of_a_missing_figure_are_no_fact() {
        for text in ["n/a", "N/A", "NA", "-", "—", "–", "--"] {
            assert_eq!(read(text), Some(Ok(Exported::Missing)), "{text}");
        }
    }

    #[test]
    fn literals_are_left_as_they_are() {
        for text in ["213.4", "9%", "730 USD m", "173.5..178.5", "-1.5", "102466 ± 1 USD m", "abc"] {
            assert_eq!(read(text), None, "{text}");
        }
    }

    #[test]
    fn a_comma_that_separates_no_thousands_is_an_error_spelling_out_its_reading() {
        assert_eq!(
            message("1,5"),
            "`1,5` is not a number: its comma does not separate thousands (as a decimal comma, `1,5` is 1.5)"
        );
        assert_eq!(
            message("0,250"),
            "`0,250` is not a number: its comma does not separate thousands (as a decimal comma, `0,250` is 0.250)"
        );
        assert_eq!(message("1,23,456"), "`1,23,456` is not a number: its comma does not separate thousands");
        assert_eq!(read("1,5").unwrap().unwrap_err().at, 0..3);
        assert_eq!(message("$1.2 zillion"), "`$1.2 zillion` is not a figure");
    }
}
