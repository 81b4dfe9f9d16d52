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
//!
//! A run may declare the [`Locale`] its CSV files were exported in (`locale = "de-DE"` in
//! `tickmark.toml`, or `--locale`): its decimal mark and thousands separators (`1.234,5` in de-DE,
//! `1 234,5` in fr-FR, `1'234.5` in de-CH). A number that does not read in the declared locale is an
//! error that spells out every reading it has in the others. A cell holding a range or a margin
//! (`..`, `±`) is tickmark's own literal, read as written whatever the locale.

use std::sync::atomic::{AtomicUsize, Ordering};

use super::super::value::ValueError;

/// How a locale writes numbers: its decimal mark and the marks that separate thousands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Locale {
    /// The tag it was declared by: `de-DE`.
    pub tag: &'static str,
    decimal: char,
    groups: &'static [char],
}

/// The marks of the locales that write `1,234.5`.
const POINT: (char, &[char]) = ('.', &[',']);
/// `1.234,5`
const COMMA_POINT: (char, &[char]) = (',', &['.']);
/// `1 234,5`, with a space, a no-break space or a narrow no-break space.
const COMMA_SPACE: (char, &[char]) = (',', &[' ', '\u{A0}', '\u{202F}']);
/// `1'234.5`, with a typewriter or a typographic apostrophe.
const POINT_APOSTROPHE: (char, &[char]) = ('.', &['\'', '\u{2019}']);

/// The ways of writing numbers, each with a locale that uses it, to spell out a cell's readings.
const CONVENTIONS: [(char, &[char]); 4] = [POINT, COMMA_POINT, COMMA_SPACE, POINT_APOSTROPHE];

/// The locales a run may declare (any case; `_` for `-`), the first the default.
const LOCALES: [(&str, (char, &[char])); 20] = [
    ("en-US", POINT),
    ("en-GB", POINT),
    ("en", POINT),
    ("de-DE", COMMA_POINT),
    ("de-AT", COMMA_POINT),
    ("de", COMMA_POINT),
    ("es-ES", COMMA_POINT),
    ("es", COMMA_POINT),
    ("it-IT", COMMA_POINT),
    ("it", COMMA_POINT),
    ("nl-NL", COMMA_POINT),
    ("nl", COMMA_POINT),
    ("fr-FR", COMMA_SPACE),
    ("fr", COMMA_SPACE),
    ("nb-NO", COMMA_SPACE),
    ("nb", COMMA_SPACE),
    ("sv-SE", COMMA_SPACE),
    ("sv", COMMA_SPACE),
    ("de-CH", POINT_APOSTROPHE),
    ("fr-CH", POINT_APOSTROPHE),
];

impl Locale {
    /// `en-US`: what a run reads when it declares no locale.
    pub const DEFAULT: Locale = Locale { tag: "en-US", decimal: POINT.0, groups: POINT.1 };

    /// The locale of a tag (`de-DE`, `fr`, `de_ch`); `None` for one not known.
    pub fn parse(tag: &str) -> Option<Locale> {
        let tag = tag.trim().replace('_', "-");
        let index = LOCALES.iter().position(|(known, _)| known.eq_ignore_ascii_case(&tag))?;
        Some(Locale::at(index))
    }

    /// The tags a run may declare, for help lines.
    pub fn tags() -> impl Iterator<Item = &'static str> {
        LOCALES.iter().map(|(tag, _)| *tag)
    }

    fn at(index: usize) -> Locale {
        let (tag, (decimal, groups)) = LOCALES[index];
        Locale { tag, decimal, groups }
    }

    fn is_default(self) -> bool {
        (self.decimal, self.groups) == POINT
    }

    /// Whether a plain decimal (`213.4`) reads as written: the locale's decimal mark is a point.
    pub fn reads_points(self) -> bool {
        self.decimal == '.'
    }

    /// A number in the locale's notation, for help lines: `1.234,5`.
    fn example(self) -> String {
        format!("1{}234{}5", self.groups[0], self.decimal)
    }
}

/// The declared locale's index in [`LOCALES`]: a run reads all its CSV files in one locale, declared
/// before any is read ([`declare`]), so the readers (the bulk stream's workers among them) need not
/// carry it.
static DECLARED: AtomicUsize = AtomicUsize::new(0);

/// Declares the locale the run's CSV cells are read in.
pub fn declare(locale: Locale) {
    let index = LOCALES.iter().position(|(tag, _)| *tag == locale.tag).unwrap_or(0);
    DECLARED.store(index, Ordering::Relaxed);
}

/// The locale declared for the run's CSV cells ([`Locale::DEFAULT`] if none).
pub fn declared() -> Locale {
    Locale::at(DECLARED.load(Ordering::Relaxed))
}

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

/// Reads a cell's trimmed text as exported in the declared locale ([`declared`]).
pub fn read(text: &str) -> Option<Result<Exported, ValueError>> {
    read_in(text, declared())
}

/// Reads a cell's trimmed text as exported in `locale`: `None` where it is no exported form (a
/// literal of its own, or text that is no figure, left to the literal's errors).
pub fn read_in(text: &str, locale: Locale) -> Option<Result<Exported, ValueError>> {
    if is_missing(text) {
        return Some(Ok(Exported::Missing));
    }
    let marks = !locale.is_default() && text.contains(|c| MARKS.contains(&c));
    if !marks && !text.contains([',', '(', '\u{2212}', '$', '€', '£']) && !starts_with_code(text) {
        return None;
    }
    if !locale.is_default() && (text.contains("..") || text.contains('±') || text.contains("+/-")) {
        return None;
    }
    let minus = text.replace('\u{2212}', "-");
    let (negative, inner) = match minus.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
        Some(inner) if !inner.trim_start().starts_with(['-', '+']) => (true, inner.trim()),
        _ => (false, minus.as_str()),
    };
    let literal = currency(inner, locale)
        .or_else(|| grouped(inner, locale).map(|read| read.map(|(number, rest)| format!("{number}{rest}"))));
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
fn currency(text: &str, locale: Locale) -> Option<Result<String, ValueError>> {
    let (sign, text) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text),
    };
    let (code, rest) = SYMBOLS
        .iter()
        .find_map(|(symbol, code)| text.strip_prefix(symbol).map(|rest| (*code, rest)))
        .or_else(|| starts_with_code(text).then(|| (&text[..3], &text[4..])))?;
    let rest = rest.trim_start();
    let Some(read) = grouped(rest, locale).or_else(|| plain(rest)) else { return Some(Err(not_a_figure(text))) };
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

/// Every mark a number may be written with, in some locale.
const MARKS: [char; 7] = [',', '.', '\'', '\u{2019}', ' ', '\u{A0}', '\u{202F}'];

/// Reads a number written with marks at the start of `text` (`70,066`, `1,234,567.5`; `1.234,5` in
/// de-DE), without them, and the rest of the text; `None` if it has no mark but a decimal point
/// where the locale's decimal mark is a point (a plain literal); an error where it does not read in
/// `locale` (`1,5` in en-US: a decimal comma, or a typo), spelling out its readings in the others.
fn grouped(text: &str, locale: Locale) -> Option<Result<(String, &str), ValueError>> {
    // Under the default locale, only commas and points are read as marks, as before locales.
    let scanned: &[char] = if locale.is_default() { &[',', '.'] } else { &MARKS };
    let len = number_len(text, scanned);
    let number = &text[..len];
    let points = number.matches('.').count();
    if !number.contains(|c: char| !c.is_ascii_digit() && c != '.')
        && (points == 0 || (points == 1 && locale.reads_points()))
    {
        return None;
    }
    match in_marks(number, (locale.decimal, locale.groups)) {
        Some(read) => Some(Ok((read, &text[len..]))),
        None => Some(Err(not_in_locale(number, locale))),
    }
}

/// The length of the number at the start of `text`: digits, and marks of `scanned` before a digit.
fn number_len(text: &str, scanned: &[char]) -> usize {
    let mut chars = text.char_indices().peekable();
    let mut len = 0;
    while let Some((at, c)) = chars.next() {
        let before_digit = chars.peek().is_some_and(|&(_, next)| next.is_ascii_digit());
        if c.is_ascii_digit() || (scanned.contains(&c) && before_digit) {
            len = at + c.len_utf8();
        } else {
            break;
        }
    }
    len
}

/// A number read with a decimal mark and thousands separators, as a literal (`1234.5`); `None` if it
/// does not read so: a mark that is neither, a second decimal mark, or groups other than of three.
fn in_marks(number: &str, (decimal, groups): (char, &[char])) -> Option<String> {
    let (whole, fraction) = match number.split_once(decimal) {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (number, None),
    };
    if fraction.is_some_and(|f| f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    let parts: Vec<&str> = whole.split(|c| groups.contains(&c)).collect();
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    let grouped = parts.len() > 1;
    if !parts.iter().all(|p| digits(p))
        || (grouped && (parts[0].len() > 3 || parts[0] == "0" || parts[1..].iter().any(|g| g.len() != 3)))
    {
        return None;
    }
    let whole = parts.concat();
    Some(match fraction {
        Some(fraction) => format!("{whole}.{fraction}"),
        None => whole,
    })
}

/// A mark in words: `comma`, `point`.
fn mark_name(mark: char) -> &'static str {
    match mark {
        ',' => "comma",
        '.' => "point",
        '\'' | '\u{2019}' => "apostrophe",
        ' ' => "space",
        '\u{A0}' => "no-break space",
        _ => "narrow no-break space",
    }
}

/// A mark's name with its article: `a comma`, `an apostrophe`.
fn with_article(name: &str) -> String {
    let article = if name.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
    format!("{article} {name}")
}

/// The error for a number that does not read in `locale`, spelling out its readings in the others.
fn not_in_locale(number: &str, locale: Locale) -> ValueError {
    let within = if locale.is_default() { String::new() } else { format!(" in {}", locale.tag) };
    let misused = number.chars().find(|c| locale.groups.contains(c));
    let foreign = number.chars().find(|&c| !c.is_ascii_digit() && c != locale.decimal && !locale.groups.contains(&c));
    let why = match (foreign, misused) {
        (Some(mark), _) => format!("{} is no mark of {}", with_article(mark_name(mark)), locale.tag),
        (None, Some(mark)) => format!("its {} does not separate thousands", mark_name(mark)),
        (None, None) => format!("it has more than one decimal {}", mark_name(locale.decimal)),
    };
    let mut readings: Vec<(String, String)> = Vec::new();
    for convention in CONVENTIONS.into_iter().filter(|&c| c != (locale.decimal, locale.groups)) {
        let Some(read) = in_marks(number, convention) else { continue };
        let role = match number.contains(convention.0) {
            true => format!("as a decimal {}", mark_name(convention.0)),
            false => "as thousands separators".to_owned(),
        };
        if !readings.contains(&(role.clone(), read.clone())) {
            readings.push((role, read));
        }
    }
    let reading = match readings.split_first() {
        None => String::new(),
        Some(((role, read), more)) => {
            let more: String = more.iter().map(|(role, read)| format!("; {role}, {read}")).collect();
            format!(" ({role}, `{number}` is {read}{more})")
        }
    };
    let help = if locale.is_default() {
        "a comma separates thousands in groups of three (`70,066`, `1,234.5`); write a decimal point as `.`, or \
         declare the locale the file was exported in (`locale = \"de-DE\"` in tickmark.toml, or `--locale de-DE`)"
            .to_owned()
    } else {
        format!(
            "in {} {} separates thousands in groups of three and a {} marks the decimals (`{}`)",
            locale.tag,
            with_article(mark_name(locale.groups[0])),
            mark_name(locale.decimal),
            locale.example()
        )
    };
    ValueError {
        message: format!("`{number}` is not a number{within}: {why}{reading}"),
        at: 0..0,
        label: "not a number",
        help: Some(help),
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

    fn literal_in(text: &str, tag: &str) -> String {
        match read_in(text, Locale::parse(tag).unwrap()) {
            Some(Ok(Exported::Literal(literal))) => literal,
            None => text.to_owned(),
            other => panic!("{text} in {tag}: {other:?}"),
        }
    }

    fn message_in(text: &str, tag: &str) -> String {
        read_in(text, Locale::parse(tag).unwrap()).unwrap().unwrap_err().message
    }

    #[test]
    fn a_declared_locale_reads_its_decimal_mark_and_separators() {
        for tag in ["de-DE", "de", "es-ES", "it", "nl-NL"] {
            assert_eq!(literal_in("1.234,5", tag), "1234.5", "{tag}");
            assert_eq!(literal_in("1.234.567", tag), "1234567", "{tag}");
            // three decimals written: 1.234, known to ±0.0005
            assert_eq!(literal_in("1,234", tag), "1.234", "{tag}");
            assert_eq!(literal_in("0,25", tag), "0.25", "{tag}");
            assert_eq!(literal_in("(1.234,50)", tag), "-1234.50", "{tag}");
            assert_eq!(literal_in("12,5%", tag), "12.5%", "{tag}");
            assert_eq!(literal_in("€1,2m", tag), "1.2 EUR m", "{tag}");
            assert_eq!(literal_in("1.234 USD m", tag), "1234 USD m", "{tag}");
            assert_eq!(literal_in("70066", tag), "70066", "{tag}");
        }
        for tag in ["fr-FR", "fr", "nb", "sv-SE"] {
            assert_eq!(literal_in("1 234,5", tag), "1234.5", "{tag}");
            assert_eq!(literal_in("1\u{A0}234\u{A0}567", tag), "1234567", "{tag}");
            assert_eq!(literal_in("1\u{202F}234,50 USD m", tag), "1234.50 USD m", "{tag}");
            assert_eq!(literal_in("1,234", tag), "1.234", "{tag}");
        }
        assert_eq!(literal_in("1'234.5", "de-CH"), "1234.5");
        assert_eq!(literal_in("1\u{2019}234", "de-CH"), "1234");
        assert_eq!(literal_in("213.4", "de-CH"), "213.4");
        assert_eq!(literal_in("1,234.5", "en-GB"), "1234.5");
        // a range or a margin is tickmark's literal, whatever the locale
        assert_eq!(literal_in("173.5..178.5", "de-DE"), "173.5..178.5");
        assert_eq!(literal_in("102466 ± 1 USD m", "fr-FR"), "102466 ± 1 USD m");
    }

    #[test]
    fn a_cell_that_does_not_read_in_the_declared_locale_spells_out_its_readings() {
        assert_eq!(
            message_in("213.4", "de-DE"),
            "`213.4` is not a number in de-DE: its point does not separate thousands (as a decimal point, \
             `213.4` is 213.4)"
        );
        assert_eq!(
            message_in("1,234", "de-CH"),
            "`1,234` is not a number in de-CH: a comma is no mark of de-CH (as thousands separators, `1,234` is \
             1234; as a decimal comma, 1.234)"
        );
        assert_eq!(
            message_in("1,234.5", "de-DE"),
            "`1,234.5` is not a number in de-DE: its point does not separate thousands (as a decimal point, \
             `1,234.5` is 1234.5)"
        );
        assert_eq!(
            message_in("1.234,5", "fr-FR"),
            "`1.234,5` is not a number in fr-FR: a point is no mark of fr-FR (as a decimal comma, `1.234,5` is 1234.5)"
        );
        assert_eq!(
            message_in("1,2,3", "de-DE"),
            "`1,2,3` is not a number in de-DE: it has more than one decimal comma"
        );
        assert_eq!(
            message_in("1.234.567", "de-CH"),
            "`1.234.567` is not a number in de-CH: it has more than one decimal point (as thousands separators, \
             `1.234.567` is 1234567)"
        );
        // in en-US, as before locales, only a comma makes a number an exported one
        assert_eq!(read_in("1.234.567", Locale::DEFAULT), None);
    }

    #[test]
    fn locales_are_declared_by_their_tags_in_any_case() {
        assert_eq!(Locale::parse("de_de").map(|l| l.tag), Some("de-DE"));
        assert_eq!(Locale::parse(" FR ").map(|l| l.tag), Some("fr"));
        assert_eq!(Locale::parse("xx-YY"), None);
        assert!(Locale::DEFAULT.reads_points() && !Locale::parse("de-DE").unwrap().reads_points());
        assert_eq!(Locale::parse("en-US"), Some(Locale::DEFAULT));
    }
}
