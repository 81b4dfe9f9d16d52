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
    let root = DeTable::parse(text).map_err(|e| vec![syntax_error(&e, file)])?;
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
        DeValue::Datetime(_) => Node::Other("a date"),
        DeValue::Array(_) => Node::Other("an array"),
        DeValue::Table(t) if depth < MAX_DEPTH => Node::Table(table(text, t, depth + 1)),
        DeValue::Table(_) => Node::Other("a table nested too deeply"),
    }
}

/// A byte range as a span.
fn span(range: std::ops::Range<usize>) -> Span {
    Span::new(range.start, range.end)
}

/// A `data-syntax` diagnostic from `toml`'s parse error, at its span.
fn syntax_error(error: &::toml::de::Error, file: SourceId) -> Diag {
    let at = error.span().map_or(Span::new(0, 0), span);
    let mut lines = error.message().lines();
    let first = lines.next().unwrap_or("").trim();
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
