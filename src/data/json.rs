//! JSON data files: the TOML structure as JSON, read with `jsonc-parser` for spans and raw numbers.
//!
//! ```json
//! {"entity": "AMZN", "unit": "USD bn",
//!  "actual": {"2025Q4": {"revenue": 213.4, "segment": {"aws": {"revenue": 35.6}}}}}
//! ```
//!
//! `serde_json` keeps no spans and reads numbers as floats; `jsonc-parser`'s AST has byte ranges and
//! number literals as written (`25.0`). It is set to strict JSON: no comments, trailing commas,
//! single quotes, bare words, hexadecimal or non-finite numbers. A key given twice in one object is an
//! error (JSON parsers differ on which one wins). `null` is no fact.

use std::borrow::Cow;

use jsonc_parser::ast::{Object, Value};
use jsonc_parser::common::{Range, Ranged};
use jsonc_parser::errors::ParseError;
use jsonc_parser::{CollectOptions, ParseOptions, parse_to_ast};

use crate::diag::Diag;
use crate::source::{SourceId, Span, Spanned};

use super::file::DataFile;
use super::tree::{Entry, Node, Syntax, verbatim, walk};

/// The walk rejects deep metric names before this depth is reached.
use crate::limits::DATA_DEPTH as MAX_DEPTH;

/// Strict JSON: none of the JSONC or JSON5 extensions.
const STRICT: ParseOptions = ParseOptions {
    allow_comments: false,
    allow_loose_object_property_names: false,
    allow_trailing_commas: false,
    allow_missing_commas: false,
    allow_single_quoted_strings: false,
    allow_hexadecimal_numbers: false,
    allow_unary_plus_numbers: false,
    allow_bare_decimal_point_numbers: false,
    allow_non_finite_numbers: false,
    allow_extended_string_escapes: false,
};

/// Reads a JSON data file into its facts.
pub fn parse(text: &str, file: SourceId) -> Result<DataFile, Vec<Diag>> {
    read(&root(text, file)?, text, file)
}

/// Parses a JSON file as strict JSON whose root is an object: a data file, or an SEC companyfacts file
/// ([`super::sec`]), told apart by the keys of this object.
pub fn root(text: &str, file: SourceId) -> Result<Object<'_>, Vec<Diag>> {
    let parsed = parse_to_ast(text, &CollectOptions::default(), &STRICT).map_err(|e| vec![syntax_error(&e, file)])?;
    match parsed.value {
        Some(Value::Object(root)) => Ok(root),
        other => Err(vec![not_an_object(other.as_ref(), file)]),
    }
}

/// Reads the root object of a JSON data file into its facts.
pub fn read(root: &Object<'_>, text: &str, file: SourceId) -> Result<DataFile, Vec<Diag>> {
    let mut converter = Converter { text, file, errors: Vec::new() };
    let entries = converter.object(root, 0);
    match walk(&entries, file, Syntax::Json) {
        Ok(data) if converter.errors.is_empty() => Ok(data),
        Ok(_) => Err(converter.errors),
        Err(more) => Err(converter.errors.into_iter().chain(more).collect()),
    }
}

/// Turns the JSON AST into tree entries, collecting keys given twice.
struct Converter<'t> {
    text: &'t str,
    file: SourceId,
    errors: Vec<Diag>,
}

impl<'t> Converter<'t> {
    /// Converts an object's properties into entries, in file order.
    fn object<'a>(&mut self, object: &Object<'a>, depth: usize) -> Vec<Entry<'a>> {
        let mut entries: Vec<Entry<'a>> = Vec::with_capacity(object.properties.len());
        for prop in &object.properties {
            let key_span = span(prop.name.range());
            let key: Cow<'a, str> = match &prop.name {
                jsonc_parser::ast::ObjectPropName::String(s) => s.value.clone(),
                jsonc_parser::ast::ObjectPropName::Word(w) => Cow::Borrowed(w.value),
            };
            if let Some(first) = entries.iter().find(|e| e.key == key) {
                self.errors.push(duplicate_key(&key, first.key_span, key_span, self.file));
                continue;
            }
            let value = Spanned::new(self.node(&prop.value, depth), span(prop.value.range()));
            entries.push(Entry { key, key_span, value });
        }
        entries
    }

    /// Converts a value into a tree node; numbers keep their raw text.
    fn node<'a>(&mut self, value: &Value<'a>, depth: usize) -> Node<'a> {
        match value {
            Value::StringLit(s) => Node::Text(s.value.clone(), verbatim(self.text, span(s.range), &s.value)),
            Value::NumberLit(n) => Node::Number(Cow::Borrowed(n.value)),
            Value::BooleanLit(_) => Node::Other("a boolean"),
            Value::Array(_) => Node::Other("an array"),
            Value::NullKeyword(_) => Node::Null,
            Value::Object(o) if depth < MAX_DEPTH => Node::Table(self.object(o, depth + 1)),
            Value::Object(_) => Node::Other("an object nested too deeply"),
        }
    }
}

/// A byte range as a span.
pub(super) fn span(range: Range) -> Span {
    Span::new(range.start, range.end)
}

/// The error for a key given twice in one object.
fn duplicate_key(key: &str, first: Span, again: Span, file: SourceId) -> Diag {
    Diag::error("data", format!("the key `{key}` is given twice in one object"))
        .in_file(file)
        .primary(again, "given again here")
        .label(first, "first given here")
        .with_help("keep one of the two values")
}

/// A `data-syntax` diagnostic from `jsonc-parser`'s error, at its range.
fn syntax_error(error: &ParseError, file: SourceId) -> Diag {
    let kind = error.kind().to_string();
    let what = lowercase_first(&kind);
    Diag::error("data-syntax", format!("invalid JSON: {what}"))
        .in_file(file)
        .primary(span(error.range()), "here")
        .with_help("a JSON data file is strict JSON: no comments, no trailing commas, strings in double quotes")
}

/// The error for a file whose root value is not an object.
fn not_an_object(root: Option<&Value<'_>>, file: SourceId) -> Diag {
    let at = root.map_or(Span::new(0, 0), |v| span(v.range()));
    Diag::error("data", "a JSON data file holds one object")
        .in_file(file)
        .primary(at, "expected `{`")
        .with_help("write `{\"entity\": \"AMZN\", \"actual\": {\"2025Q4\": {\"revenue\": 213.4}}}`")
}

/// `Expected comma` as `expected comma`, as our messages are lowercase.
fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |c| c.to_lowercase().chain(chars).collect())
}
