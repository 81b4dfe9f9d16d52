//! Long CSV streamed: millions of rows read in blocks and packed into the sheets as they come, the
//! file's text never held whole (a 6-million-row file is 300 MB of text, its facts 220 MB packed).
//!
//! This is the fast path of [`super::long`] for well-formed files, and it reads them to the same facts
//! with the same spans. Anything it does not expect stops it: a byte that is not UTF-8 text, a
//! control character, a quote other than around a whole cell, a `""` inside quotes, a cell running
//! over a line end, a row of the wrong length, a bad key or value, an empty file. The caller then drops
//! the facts read so far and reads the file whole with [`super::parse`], which says what is wrong with
//! the diagnostics it always gave. A file whose header is not a long one (a wide file) is read whole
//! too. Rows repeated within the file are found when the sheets are laid out
//! ([`crate::data::SheetBuilder::finish`]).

use std::io::Read;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::num::{Quantity, Unit};
use crate::period::Period;
use crate::source::{LineIndex, SourceId, Span};
use crate::syntax::ast::Scenario;

use super::super::key;
use super::super::sheet::{Fact, FactValue, Origin, SheetBuilder};
use super::super::value::parse_value;

/// How far a stream got.
#[derive(Debug, PartialEq, Eq)]
pub enum Streamed {
    /// Every row was read; the file's source names (its `source` column's distinct values joined by `; `).
    Read(Option<String>),
    /// The header is not a long one: the file is read whole.
    NotLong,
    /// Something unexpected, at this byte: the file is read whole, to say what.
    Stopped(u64),
}

/// The size of a block read at once.
const BLOCK: usize = 1 << 20;

/// Reads a long CSV from `input` into `builder` (whose latest source is this file), gathering the
/// file's line index into `lines`; `limit` is the most bytes a CSV file may have.
pub fn stream(
    mut input: impl Read,
    file: SourceId,
    limit: u64,
    builder: &mut SheetBuilder,
    lines: &mut LineIndex,
) -> std::io::Result<Streamed> {
    let mut buf: Vec<u8> = Vec::with_capacity(BLOCK);
    // The file offset (after a byte order mark) of `buf[0]`, and how many bytes of `buf` are read.
    let (mut base, mut first, mut line) = (0u64, true, 0u32);
    let mut reader: Option<Reader> = None;
    lines.starts.clear();
    lines.starts.push(0);
    loop {
        let filled = buf.len();
        buf.resize(filled + BLOCK, 0);
        let n = read_some(&mut input, &mut buf[filled..])?;
        buf.truncate(filled + n);
        let at_end = n == 0;
        if first && buf.len() >= 3 || at_end {
            if first && buf.starts_with(b"\xEF\xBB\xBF") {
                buf.drain(..3);
            }
            first = false;
        }
        if first {
            continue;
        }
        if base + buf.len() as u64 > limit {
            return Ok(Streamed::Stopped(limit));
        }
        let mut pos = 0;
        while pos < buf.len() {
            let end = match memchr::memchr(b'\n', &buf[pos..]) {
                Some(i) => pos + i,
                None if at_end => buf.len(),
                None => break,
            };
            let offset = base + pos as u64;
            let Some(text) = line_text(&buf[pos..end]) else { return Ok(Streamed::Stopped(offset)) };
            if !text.is_ascii() {
                lines.wide.push(line);
            }
            if !text.is_empty() {
                let done = match reader.as_mut() {
                    Some(r) => r.row(text, offset as usize, builder),
                    None => match Reader::of(text, file) {
                        Some(r) => {
                            reader = Some(r);
                            true
                        }
                        None if is_long_header(text) => false,
                        None => return Ok(Streamed::NotLong),
                    },
                };
                if !done {
                    return Ok(Streamed::Stopped(offset));
                }
            }
            if end < buf.len() {
                line += 1;
                lines.starts.push((base + end as u64 + 1) as u32);
            }
            pos = end + 1;
        }
        let consumed = pos.min(buf.len());
        buf.drain(..consumed);
        base += consumed as u64;
        if at_end {
            break;
        }
    }
    match reader {
        Some(r) => Ok(Streamed::Read(r.source_names())),
        None => Ok(Streamed::Stopped(0)),
    }
}

/// Reads into `buf` until it holds something or the input ends, retrying when interrupted.
fn read_some(input: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    loop {
        match input.read(buf) {
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

/// A line's text without its `\r\n` ending; `None` where it is not UTF-8 text without control
/// characters, or holds a `\r` that would end a record for a CSV reader.
fn line_text(bytes: &[u8]) -> Option<&str> {
    let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
    if bytes.iter().any(|&b| (b < 0x20 && b != b'\t') || b == 0x7F) {
        return None;
    }
    std::str::from_utf8(bytes).ok()
}

/// Whether a header row names a long layout (a `value` or `period` column) though it is not one this
/// reader takes: the whole-file reader then says what is wrong with it.
fn is_long_header(text: &str) -> bool {
    text.split(',')
        .map(|c| c.trim().trim_matches('"').trim().to_ascii_lowercase())
        .any(|c| c == "value" || c == "period")
}

/// A row's cells: where the trimmed text of each starts and ends in the line.
fn cells(text: &str, out: &mut Vec<(usize, usize)>) -> Option<()> {
    out.clear();
    let bytes = text.as_bytes();
    let mut at = 0;
    loop {
        let (cell, start, next) = if bytes.get(at) == Some(&b'"') {
            let close = at + 1 + memchr::memchr(b'"', &bytes[at + 1..])?;
            if !matches!(bytes.get(close + 1), None | Some(b',')) {
                return None;
            }
            (&text[at + 1..close], at + 1, close + 1)
        } else {
            let end = at + memchr::memchr(b',', &bytes[at..]).unwrap_or(bytes.len() - at);
            let cell = &text[at..end];
            if cell.contains('"') {
                return None;
            }
            (cell, at, end)
        };
        let lead = cell.len() - cell.trim_start().len();
        out.push((start + lead, start + lead + cell.trim().len()));
        if next >= bytes.len() {
            return Some(());
        }
        at = next + 1;
    }
}

/// The reader of a long file's rows once its header is known: the columns, and what the rows so far
/// named, so each entity, metric, period and unit is read and checked once.
struct Reader {
    file: SourceId,
    width: usize,
    entity: usize,
    metric: usize,
    period: usize,
    value: usize,
    scenario: Option<usize>,
    unit: Option<usize>,
    source: Option<usize>,
    last_entity: (String, u32),
    metrics: FxHashMap<Box<str>, u32>,
    last_period: (String, Period),
    units: FxHashMap<Box<str>, Unit>,
    sources: Vec<String>,
    seen_sources: FxHashSet<String>,
    cells: Vec<(usize, usize)>,
}

impl Reader {
    /// The reader for a header row, if it is a long one this reader takes: known names, each once,
    /// the four required.
    fn of(text: &str, file: SourceId) -> Option<Reader> {
        let mut cells = Vec::new();
        self::cells(text, &mut cells)?;
        let names: Vec<String> = cells.iter().map(|&(a, b)| text[a..b].to_ascii_lowercase()).collect();
        const NAMES: [&str; 7] = ["entity", "metric", "period", "value", "scenario", "unit", "source"];
        for (i, name) in names.iter().enumerate() {
            if !NAMES.contains(&name.as_str()) || names[..i].contains(name) {
                return None;
            }
        }
        let find = |name: &str| names.iter().position(|n| n == name);
        Some(Reader {
            file,
            width: names.len(),
            entity: find("entity")?,
            metric: find("metric")?,
            period: find("period")?,
            value: find("value")?,
            scenario: find("scenario"),
            unit: find("unit"),
            source: find("source"),
            last_entity: (String::new(), u32::MAX),
            metrics: FxHashMap::default(),
            last_period: (String::new(), Period::Year(2000)),
            units: FxHashMap::default(),
            sources: Vec::new(),
            seen_sources: FxHashSet::default(),
            cells: Vec::new(),
        })
    }

    /// Reads one row into the builder; `false` where anything in it is unexpected.
    fn row(&mut self, text: &str, offset: usize, builder: &mut SheetBuilder) -> bool {
        let mut at = std::mem::take(&mut self.cells);
        let read = cells(text, &mut at).is_some() && at.len() == self.width && self.fact(text, &at, offset, builder);
        self.cells = at;
        read
    }

    /// Reads the fact of a row, its cells at `at`.
    fn fact(&mut self, text: &str, at: &[(usize, usize)], offset: usize, builder: &mut SheetBuilder) -> bool {
        let cell = |column: usize| &text[at[column].0..at[column].1];
        let span = |column: usize| Span::new(offset + at[column].0, offset + at[column].1);
        let value = cell(self.value);
        if value.is_empty() {
            return true;
        }
        if let Some(source) = self.source.map(cell).filter(|s| !s.is_empty())
            && !self.seen_sources.contains(source)
        {
            self.seen_sources.insert(source.to_owned());
            self.sources.push(source.to_owned());
        }
        let file = self.file;
        let entity = cell(self.entity);
        if entity != self.last_entity.0 || self.last_entity.1 == u32::MAX {
            let Ok(name) = key::entity(entity, span(self.entity), file) else { return false };
            self.last_entity = (name.clone(), builder.entity_id(&name));
        }
        let metric_name = cell(self.metric);
        let metric = match self.metrics.get(metric_name) {
            Some(&id) => id,
            None => {
                if key::metric(metric_name, span(self.metric), file).is_err() {
                    return false;
                }
                let id = builder.metric_id(metric_name);
                self.metrics.insert(metric_name.into(), id);
                id
            }
        };
        let period_text = cell(self.period);
        if period_text != self.last_period.0 || self.last_period.0.is_empty() {
            let Some(period) = Period::parse(period_text) else { return false };
            self.last_period = (period_text.to_owned(), period);
        }
        let scenario = match self.scenario.map(cell).filter(|s| !s.is_empty()) {
            None => Scenario::Actual,
            Some(word) => match Scenario::parse(word) {
                Some(s) => s,
                None => return false,
            },
        };
        let unit = match self.unit.map(cell).filter(|u| !u.is_empty()) {
            None => Unit::None,
            Some(text) => match self.units.get(text) {
                Some(&unit) => unit,
                None => {
                    let Some(unit) = Unit::parse(text) else { return false };
                    self.units.insert(text.into(), unit);
                    unit
                }
            },
        };
        let Some(value) = figure(value, unit) else { return false };
        let origin = Origin { file, span: span(self.value) };
        builder.push(self.last_entity.1, metric, scenario, self.last_period.1, Fact { value, origin });
        true
    }

    /// The file's source names, in the order first given.
    fn source_names(self) -> Option<String> {
        (!self.sources.is_empty()).then(|| self.sources.join("; "))
    }
}

/// A value cell's figure or range: plain decimals (`-1234.5`) read directly, anything else by
/// [`parse_value`], which a cell of any form goes through in the whole-file reader.
fn figure(text: &str, unit: Unit) -> Option<FactValue> {
    match plain_decimal(text) {
        Some(value) => Some(FactValue::Number(Quantity::new(value, unit))),
        None => parse_value(text, unit).ok(),
    }
}

/// `-?digits(.digits)?` of at most 18 digits, read as `rust_decimal` reads it; `None` for anything
/// else (a sign on zero, a `+`, `_`, a unit, a range), which is left to [`parse_value`].
fn plain_decimal(text: &str) -> Option<rust_decimal::Decimal> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, fraction) = match digits.split_once('.') {
        Some((w, f)) => (w, f),
        None => (digits, ""),
    };
    if whole.is_empty()
        || (digits.contains('.') && fraction.is_empty())
        || whole.len() + fraction.len() > 18
        || !whole.bytes().chain(fraction.bytes()).all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let mantissa = whole.bytes().chain(fraction.bytes()).fold(0i64, |m, b| m * 10 + i64::from(b - b'0'));
    if negative && mantissa == 0 {
        return None;
    }
    Some(rust_decimal::Decimal::new(if negative { -mantissa } else { mantissa }, fraction.len() as u32))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_decimals_read_as_rust_decimal_reads_them() {
        for text in ["0", "213.4", "-7.250", "000123", "999999999999999999", "0.00000000000000001", "-1"] {
            assert_eq!(plain_decimal(text), crate::num::parse_decimal(text), "{text}");
            assert_eq!(plain_decimal(text).unwrap().to_string(), crate::num::parse_decimal(text).unwrap().to_string());
        }
        for text in ["-0", "-0.0", "+1", "1_000", "1.", ".5", "1e3", "1 USD m", "1..2", "", "-", "1234567890123456789"]
        {
            assert_eq!(plain_decimal(text), None, "{text}");
        }
    }

    #[test]
    fn cells_are_trimmed_and_placed() {
        let mut out = Vec::new();
        let text = " AMZN ,\"revenue\",2025Q4, 213.4";
        cells(text, &mut out).unwrap();
        let read: Vec<&str> = out.iter().map(|&(a, b)| &text[a..b]).collect();
        assert_eq!(read, ["AMZN", "revenue", "2025Q4", "213.4"]);
        assert_eq!(out[3], (25, 30));
        assert!(cells("a,\"b\"c", &mut out).is_none());
        assert!(cells("a,b\"c", &mut out).is_none());
        assert!(cells("a,\"b", &mut out).is_none());
    }
}
