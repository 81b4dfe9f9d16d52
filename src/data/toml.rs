//! TOML data files, one entity a file, read with `toml`'s spanned document API.
//!
//! ```toml
//! entity = "AMZN"
//! unit = "USD bn"                  # unit of plain numbers in this file
//! [actual.2025Q4]
//! revenue = 213.4
//! [actual.2025Q4.segment.aws]      # nested tables are dotted metric names: segment.aws.revenue
//! revenue = 35.6
//! ```
//!
//! Numbers keep their raw text (`DeFloat::as_str`), so `25.0` keeps its `.0`. The meaning of the tree
//! is [`tree`](super::tree)'s, shared with JSON. `toml` keeps a table's keys sorted by name; entries are
//! put back in file order by their spans, so facts and errors come in the order they are written.

use std::borrow::Cow;

use ::toml::de::{DeTable, DeValue};

use crate::diag::Diag;
use crate::source::{SourceId, Span, Spanned};

use super::file::DataFile;
use super::tree::{Entry, Node, Syntax, verbatim, walk};

/// The walk rejects deep metric names before this depth is reached.
use crate::limits::DATA_DEPTH as MAX_DEPTH;

/// Reads a TOML data file into its facts.
pub fn parse(text: &str, file: SourceId) -> Result<DataFile, Vec<Diag>> {
    let root = DeTable::parse(text).map_err(|e| vec![syntax_error(text, &e, file)])?;
    let entries = table(text, root.get_ref(), 0);
    walk(&entries, file, Syntax::Toml)
}

/// Converts a table into tree entries, in file order.
fn table<'a>(text: &str, table: &DeTable<'a>, depth: usize) -> Vec<Entry<'a>> {
    let mut entries: Vec<Entry<'a>> = table
        .iter()
        .map(|(key, value)| {
            let span = span(value.span());
            let node = node(text, value.get_ref(), span, depth);
            Entry { key: key.get_ref().clone(), key_span: self::span(key.span()), value: Spanned::new(node, span) }
        })
        .collect();
    entries.sort_by_key(|e| (e.key_span.start, e.value.span.start));
    entries
}

/// Converts a value into a tree node; numbers keep their raw text.
fn node<'a>(text: &str, value: &DeValue<'a>, span: Span, depth: usize) -> Node<'a> {
    match value {
        DeValue::String(s) => Node::Text(s.clone(), verbatim(text, span, s)),
        DeValue::Integer(i) if i.radix() == 10 => Node::Number(Cow::Owned(i.as_str().to_owned())),
        DeValue::Integer(_) => Node::Other("a non-decimal integer"),
        DeValue::Float(f) => Node::Number(Cow::Owned(f.as_str().to_owned())),
        DeValue::Boolean(_) => Node::Other("a boolean"),
        DeValue::Datetime(d) => Node::Date(d.to_string()),
        DeValue::Array(_) => Node::Other("an array"),
        DeValue::Table(t) if depth < MAX_DEPTH => Node::Table(table(text, t, depth + 1)),
        DeValue::Table(_) => Node::Other("a table nested too deeply"),
    }
}

/// A byte range as a span.
fn span(range: std::ops::Range<usize>) -> Span {
    Span::new(range.start, range.end)
}

/// A `data-syntax` diagnostic from `toml`'s parse error, at its span (also for `tickmark.toml`).
pub(crate) fn syntax_error(text: &str, error: &::toml::de::Error, file: SourceId) -> Diag {
    let at = error.span().map_or(Span::new(0, 0), span);
    let mut lines = error.message().lines();
    let first = lines.next().unwrap_or("").trim();
    if first == "duplicate key" {
        return duplicate(text, at, file);
    }
    let (what, label) = match first.split_once(", expected ") {
        Some((what, expected)) => (what, format!("expected {expected}")),
        None => (first, "here".to_owned()),
    };
    let diag = Diag::error("data-syntax", format!("invalid TOML: {what}")).in_file(file).primary(at, label);
    match lines.map(str::trim).find(|l| !l.is_empty()) {
        Some(more) => diag.with_help(more.to_owned()),
        None => diag,
    }
}

/// A key or a table header given twice, named, with its first place where the text shows it plainly:
/// the same header written before, or the same key written earlier under the same header.
fn duplicate(text: &str, at: Span, file: SourceId) -> Diag {
    let line = line_around(text, at.start as usize);
    let written = text[line.start..at.end as usize].trim();
    if written.starts_with('[') {
        return duplicate_table(text, line, file);
    }
    let plain = written.chars().all(|c| c.is_alphanumeric() || "_-.\"' ".contains(c));
    let (key, at) = if plain {
        (compact(written), Span::new(at.end as usize - written.len(), at.end as usize))
    } else {
        (compact(&text[at.range()]), at)
    };
    let diag = Diag::error("data-syntax", format!("invalid TOML: `{key}` is given twice in one table"))
        .in_file(file)
        .primary(at, "given again here")
        .with_help("keep one of the two values");
    let section = lines(text, 0, line.start).filter(|(_, l)| l.starts_with('[')).last().map_or(0, |(s, _)| s);
    let same_key = |l: &str| l.split_once('=').is_some_and(|(k, _)| compact(k) == compact(written));
    match lines(text, section, line.start).find(|(_, l)| same_key(l)) {
        Some((start, l)) if plain => diag.label(Span::new(start, start + before(l, '=').len()), "first given here"),
        _ => diag,
    }
}

/// A table header (`[actual.2025Q4]`) written twice, on the line `line`.
fn duplicate_table(text: &str, line: std::ops::Range<usize>, file: SourceId) -> Diag {
    let (start, body) = lines(text, line.start, line.end).next().unwrap_or((line.start, ""));
    let header = before(body, '#');
    let diag = Diag::error("data-syntax", format!("invalid TOML: the table `{header}` is written twice"))
        .in_file(file)
        .primary(Span::new(start, start + header.len()), "written again here")
        .with_help("write each table once, with all its keys under it");
    let same = |l: &str| l.starts_with('[') && compact(l) == compact(header);
    match lines(text, 0, line.start).find(|(_, l)| same(l)) {
        Some((first, l)) => diag.label(Span::new(first, first + before(l, '#').len()), "first written here"),
        None => diag,
    }
}

/// The byte range of the line around an offset, without its line end.
fn line_around(text: &str, offset: usize) -> std::ops::Range<usize> {
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = text[offset..].find(['\r', '\n']).map_or(text.len(), |i| offset + i);
    start..end
}

/// The lines of `text[from..to]`, trimmed, each with the byte where its trimmed text starts.
fn lines(text: &str, from: usize, to: usize) -> impl Iterator<Item = (usize, &str)> {
    let mut start = from;
    text[from..to].split_inclusive('\n').map(move |line| {
        let at = start + (line.len() - line.trim_start().len());
        start += line.len();
        (at, line.trim())
    })
}

/// The text before a character, without trailing white space: the key of `revenue = 1`.
fn before(text: &str, c: char) -> &str {
    text.split(c).next().unwrap_or(text).trim_end()
}

/// A key or header without its comment, spaces and quotes, to compare two ways of writing it.
fn compact(text: &str) -> String {
    before(text, '#').chars().filter(|c| !c.is_whitespace() && *c != '"' && *c != '\'').collect()
}
