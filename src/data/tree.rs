//! The shape TOML and JSON data files share, and its walk into facts.
//!
//! ```text
//! entity, name, source, unit        the header: strings (`unit` is the unit of plain numbers)
//! given                             the header: the date the source gave its figures
//! currency, fiscal_year_end, sector  the entity's attributes (with `name`), strings
//! attributes                         a table of free attributes: `exchange = "NASDAQ"`
//! <scenario>.<period>.<metric...>   tables; nested tables make dotted metric names
//! <scenario>.<period>.given         the date of that table's figures, over the header's
//! ```
//!
//! A date is a TOML date literal (`given = 2026-02-05`) or a string (`"2026-02-05"`, JSON's only way).
//!
//! [`toml`](super::toml) and [`json`](super::json) turn their syntax trees into [`Entry`] lists with
//! spans and raw number text; this module gives both formats one meaning and one set of errors.
//! JSON `null` is no fact (as an empty CSV cell is).

use std::borrow::Cow;

use crate::date::Date;
use crate::diag::Diag;
use crate::num::{Quantity, Unit, parse_decimal};
use crate::source::{SourceId, Span, Spanned};
use crate::syntax::ast::Scenario;

use super::entity::{Attribute, NAMED};
use super::file::DataFile;
use super::key;
use super::sheet::{Fact, FactKey, FactValue, Origin};
use super::value::{UNITS_HELP, parse_value};

/// A value of the tree, as the file wrote it.
#[derive(Debug, Clone, PartialEq)]
pub enum Node<'a> {
    /// A table (TOML) or an object (JSON), in file order.
    Table(Vec<Entry<'a>>),
    /// A number literal's raw text: `25.0`, never a float.
    Number(Cow<'a, str>),
    /// A string, and the byte where its text starts in the file when written verbatim (no escapes).
    Text(Cow<'a, str>, Option<usize>),
    /// A TOML date or date-time literal, as written: `2026-02-05`.
    Date(String),
    /// JSON `null`: no fact.
    Null,
    /// Any other value, named for messages: `a boolean`, `an array`, `a date`.
    Other(&'static str),
}

/// A key of a table, its span and its value.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry<'a> {
    pub key: Cow<'a, str>,
    pub key_span: Span,
    pub value: Spanned<Node<'a>>,
}

/// How a file spells keys and tables, for messages and help lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    Toml,
    Json,
}

/// The keys of a file's header.
const HEADER: [&str; 9] =
    ["entity", "name", "source", "unit", "given", "currency", "fiscal_year_end", "sector", "attributes"];

/// The key of a period's table that dates its figures rather than naming a metric.
const GIVEN: &str = "given";

impl Syntax {
    /// A string key as the format writes it: `entity = "AMZN"`, `"entity": "AMZN"`.
    fn assign(self, key: &str, value: &str) -> String {
        match self {
            Syntax::Toml => format!("`{key} = \"{value}\"`"),
            Syntax::Json => format!("`\"{key}\": \"{value}\"`"),
        }
    }

    /// Where facts go, as the format writes it.
    fn fact_table(self) -> &'static str {
        match self {
            Syntax::Toml => "a table per scenario and period, such as `[actual.2025Q4]`",
            Syntax::Json => "an object per scenario and period, such as `\"actual\": {\"2025Q4\": {...}}`",
        }
    }
}

/// Walks a file's root table into its facts, collecting every error.
pub fn walk(root: &[Entry<'_>], file: SourceId, syntax: Syntax) -> Result<DataFile, Vec<Diag>> {
    let mut walk = Walk {
        file,
        syntax,
        unit: Unit::None,
        given: None,
        entity: String::new(),
        out: DataFile::default(),
        errors: vec![],
    };
    walk.header(root);
    for entry in root.iter().filter(|e| !HEADER.contains(&e.key.as_ref())) {
        walk.scenario(entry);
    }
    if walk.errors.is_empty() { Ok(walk.out) } else { Err(walk.errors) }
}

/// The state of a walk: what the header set, what was found so far.
struct Walk {
    file: SourceId,
    syntax: Syntax,
    unit: Unit,
    /// The header's `given` date.
    given: Option<Date>,
    entity: String,
    out: DataFile,
    errors: Vec<Diag>,
}

/// What a node is, for messages: `a boolean`.
fn kind(node: &Node<'_>) -> &'static str {
    match node {
        Node::Table(_) => "a table",
        Node::Number(_) => "a number",
        Node::Text(..) => "a string",
        Node::Date(_) => "a date",
        Node::Null => "null",
        Node::Other(kind) => kind,
    }
}

impl Walk {
    /// Reads `entity`, `source`, `unit` and the entity's attributes; a missing `entity` is an error
    /// at the first line.
    fn header(&mut self, root: &[Entry<'_>]) {
        for entry in root {
            match entry.key.as_ref() {
                "entity" => self.entity(entry),
                "source" => self.out.source = self.text(entry).map(str::to_owned),
                "unit" => self.unit(entry),
                "given" => self.given = self.date(entry),
                "attributes" => self.attributes(entry),
                key if NAMED.contains(&key) => self.attribute(entry),
                _ => {}
            }
        }
        for attribute in &mut self.out.attributes {
            attribute.entity = self.entity.clone();
        }
        if !root.iter().any(|e| e.key == "entity") {
            let diag = Diag::error("data", format!("missing {}", self.syntax.assign("entity", "...")))
                .in_file(self.file)
                .primary(Span::new(0, 0), "the file starts here")
                .with_help(format!("name the company the file describes: {}", self.syntax.assign("entity", "AMZN")));
            self.errors.push(diag);
        }
    }

    /// Reads `entity = "AMZN"`.
    fn entity(&mut self, entry: &Entry<'_>) {
        if let Some(text) = self.text(entry) {
            match key::entity(text, entry.value.span, self.file) {
                Ok(entity) => self.entity = entity,
                Err(diag) => self.errors.push(diag),
            }
        }
    }

    /// Reads an attribute of the entity: `sector = "cloud"`, `fiscal_year_end = "06-30"` (a month and
    /// a day), `currency = "USD"` (three capitals).
    fn attribute(&mut self, entry: &Entry<'_>) {
        let Some(text) = self.text(entry) else { return };
        let bad = match entry.key.as_ref() {
            "fiscal_year_end" if crate::calendar::YearEnd::parse(text).is_none() => {
                Some(("not a month and day", crate::calendar::YearEnd::HELP))
            }
            "currency" if !(text.len() == 3 && text.bytes().all(|b| b.is_ascii_uppercase())) => {
                Some(("not a currency", "a currency is three capitals, as units write it: `currency = \"USD\"`"))
            }
            _ => None,
        };
        if let Some((label, help)) = bad {
            let message = format!("`{text}` is not a valid `{}`", entry.key);
            return self.errors.push(
                Diag::error("bad-attribute", message)
                    .in_file(self.file)
                    .primary(entry.value.span, label)
                    .with_help(help),
            );
        }
        let origin = Origin { file: self.file, span: entry.value.span };
        let (key, value) = (entry.key.to_string(), text.to_owned());
        self.out.attributes.push(Attribute { entity: String::new(), key, value, origin });
    }

    /// Reads the table of free attributes: `[attributes]` with `exchange = "NASDAQ"`; each key a
    /// name a rule can test (`for exchange == "NASDAQ"`), each value a string.
    fn attributes(&mut self, entry: &Entry<'_>) {
        let Node::Table(entries) = &entry.value.node else {
            return self.not_a_table("attributes", &entry.value, "a table of strings");
        };
        for e in entries {
            if NAMED.contains(&e.key.as_ref()) {
                let message = format!("`{}` is an attribute of its own: write it at the top of the file", e.key);
                self.errors.push(Diag::error("bad-attribute", message).in_file(self.file).primary(e.key_span, "here"));
            } else if key::segment(&e.key, e.key_span, self.file).is_err() {
                let message = format!("`{}` is not an attribute name", e.key);
                self.errors.push(
                    Diag::error("bad-attribute", message)
                        .in_file(self.file)
                        .primary(e.key_span, "not a name")
                        .with_help("an attribute's name is small letters, digits and `_`, as `exchange`"),
                );
            } else {
                self.attribute(e);
            }
        }
    }

    /// Reads `unit = "USD bn"`, the unit of plain numbers in the file.
    fn unit(&mut self, entry: &Entry<'_>) {
        let Some(text) = self.text(entry) else { return };
        match Unit::parse(text) {
            Some(unit) => self.unit = unit,
            None => self.errors.push(
                Diag::error("bad-value", format!("unknown unit `{text}`"))
                    .in_file(self.file)
                    .primary(entry.value.span, "not a unit")
                    .with_help(UNITS_HELP),
            ),
        }
    }

    /// Reads a `given` date: a TOML date (`2026-02-05`) or a string holding one; else an error.
    fn date(&mut self, entry: &Entry<'_>) -> Option<Date> {
        let text = match &entry.value.node {
            Node::Date(text) => text.as_str(),
            Node::Text(text, _) => text.as_ref(),
            other => {
                let what = kind(other);
                let diag = Diag::error("bad-date", format!("`given` must be a date, found {what}"))
                    .in_file(self.file)
                    .primary(entry.value.span, format!("this is {what}"));
                self.errors.push(diag.with_help(self.date_help()));
                return None;
            }
        };
        let date = Date::parse(text.trim());
        if date.is_none() {
            let diag = Diag::error("bad-date", format!("`{}` is not a date", crate::escape::excerpt(text.trim())))
                .in_file(self.file)
                .primary(entry.value.span, Date::why_not(text.trim()));
            self.errors.push(diag.with_help(self.date_help()));
        }
        date
    }

    /// The help of a bad `given`: how the format writes a date.
    fn date_help(&self) -> &'static str {
        match self.syntax {
            Syntax::Toml => "write the day the source gave its figures as `given = 2026-02-05` (year, month, day)",
            Syntax::Json => {
                "write the day the source gave its figures as `\"given\": \"2026-02-05\"` (year, month, day)"
            }
        }
    }

    /// The text of a header entry that must be a string; an error if it is not.
    fn text<'e>(&mut self, entry: &'e Entry<'_>) -> Option<&'e str> {
        if let Node::Text(text, _) = &entry.value.node {
            return Some(text);
        }
        let what = kind(&entry.value.node);
        self.errors.push(
            Diag::error("data", format!("`{}` must be a string, found {what}", entry.key))
                .in_file(self.file)
                .primary(entry.value.span, format!("this is {what}"))
                .with_help(format!("write {}", self.syntax.assign(&entry.key, "..."))),
        );
        None
    }

    /// Walks a top-level table `actual`, `guidance` or `consensus`; anything else is an error.
    fn scenario(&mut self, entry: &Entry<'_>) {
        let Node::Table(periods) = &entry.value.node else {
            return match Scenario::parse(&entry.key) {
                Some(_) => self.not_a_table(&entry.key, &entry.value, "a table of periods"),
                None => self.unknown_key(entry),
            };
        };
        let scenario = match key::scenario(&entry.key, entry.key_span, self.file) {
            Ok(scenario) => scenario,
            Err(diag) => return self.errors.push(diag),
        };
        for period in periods {
            self.period(scenario, period);
        }
    }

    /// The error for a top-level key that is neither in the header nor a scenario.
    fn unknown_key(&mut self, entry: &Entry<'_>) {
        let message = format!(
            "unknown key `{}`; expected `entity`, `name`, `source`, `unit`, `given`, `currency`, `fiscal_year_end`, `sector` or `attributes`",
            entry.key
        );
        let diag = Diag::error("data", message).in_file(self.file).primary(entry.key_span, "unknown key");
        let help = match crate::suggest::did_you_mean(&entry.key, HEADER) {
            Some(near) => format!("did you mean `{near}`?"),
            None => format!("facts go in {}", self.syntax.fact_table()),
        };
        self.errors.push(diag.with_help(help));
    }

    /// Walks the table of one period: `[actual.2025Q4]`.
    fn period(&mut self, scenario: Scenario, entry: &Entry<'_>) {
        let period = match key::period(&entry.key, entry.key_span, self.file) {
            Ok(period) => period,
            Err(diag) => return self.errors.push(diag),
        };
        let Node::Table(metrics) = &entry.value.node else {
            let name = format!("{}.{}", scenario.as_str(), entry.key);
            return self.not_a_table(&name, &entry.value, "a table of metrics");
        };
        let given = match metrics.iter().find(|e| e.key == GIVEN) {
            Some(entry) => self.date(entry),
            None => self.given,
        };
        let at = Place { scenario, period, given, prefix: String::new() };
        for metric in metrics.iter().filter(|e| e.key != GIVEN) {
            self.metric(&at, metric);
        }
    }

    /// The error for a scenario or a period whose value is not a table.
    fn not_a_table(&mut self, name: &str, value: &Spanned<Node<'_>>, expected: &str) {
        let what = kind(&value.node);
        let message = format!("`{name}` must be {expected}, found {what}");
        let diag = Diag::error("data", message).in_file(self.file).primary(value.span, format!("this is {what}"));
        self.errors.push(diag.with_help(format!("facts go in {}", self.syntax.fact_table())));
    }

    /// Walks a metric: a fact, or a table of metrics one segment deeper.
    fn metric(&mut self, at: &Place, entry: &Entry<'_>) {
        let path = if at.prefix.is_empty() { entry.key.to_string() } else { format!("{}.{}", at.prefix, entry.key) };
        let checked = key::segment(&entry.key, entry.key_span, self.file)
            .and_then(|()| key::first_not_scenario(&path, entry.key_span, self.file));
        if let Err(diag) = checked {
            return self.errors.push(diag);
        }
        match &entry.value.node {
            Node::Table(entries) => self.nested(at, path, entry.key_span, entries),
            Node::Null => {}
            node => self.fact(at, path, node, entry),
        }
    }

    /// Walks a nested table (`[actual.2025Q4.segment.aws]`), bounded in depth.
    fn nested(&mut self, at: &Place, path: String, span: Span, entries: &[Entry<'_>]) {
        if path.split('.').count() >= key::MAX_SEGMENTS {
            let message = format!("the metric name `{path}` has more than {} segments", key::MAX_SEGMENTS);
            return self.errors.push(Diag::error("bad-metric", message).in_file(self.file).primary(span, "too deep"));
        }
        let at = Place { scenario: at.scenario, period: at.period, given: at.given, prefix: path };
        for entry in entries {
            self.metric(&at, entry);
        }
    }

    /// Reads a fact's value and adds the fact.
    fn fact(&mut self, at: &Place, metric: String, node: &Node<'_>, entry: &Entry<'_>) {
        let span = entry.value.span;
        let value = match self.value(node, &entry.key, span) {
            Ok(value) => value,
            Err(diag) => return self.errors.push(diag),
        };
        let key = FactKey { entity: self.entity.clone(), metric, period: at.period, scenario: at.scenario };
        let fact = Fact { value, origin: Origin { file: self.file, span }, given: at.given };
        if let Err(diag) = self.out.push(key, fact) {
            self.errors.push(diag);
        }
    }

    /// A fact's value: a number literal, or a string read as a cell.
    fn value(&self, node: &Node<'_>, key: &str, span: Span) -> Result<FactValue, Diag> {
        match node {
            Node::Number(raw) => match parse_decimal(raw) {
                Some(value) => Ok(FactValue::Number(Quantity::new(value, self.unit))),
                None => Err(Diag::error("bad-value", format!("`{raw}` is not a number tickmark can read"))
                    .in_file(self.file)
                    .primary(span, "not a decimal number")
                    .with_help(if raw.contains(['e', 'E']) {
                        "write the number out, without an exponent: its last digit sets its precision"
                    } else {
                        "write a decimal number of at most 28 digits"
                    })),
            },
            Node::Text(text, base) => parse_value(text, self.unit).map_err(|e| e.into_diag(self.file, *base, span)),
            other => Err(self.wrong_type(key, kind(other), span)),
        }
    }

    /// The error for a fact that is neither a number nor a string.
    fn wrong_type(&self, key: &str, what: &str, span: Span) -> Diag {
        Diag::error("bad-value", format!("`{key}` is {what}; a fact is a number or a string"))
            .in_file(self.file)
            .primary(span, format!("this is {what}"))
            .with_help(
                "write a number (`213.4`) or a string with a unit or a range (`\"730 USD m\"`, `\"173.5..178.5\"`)",
            )
    }
}

/// Where in the tree a walk is: the scenario, the period and the metric name so far.
struct Place {
    scenario: Scenario,
    period: crate::period::Period,
    /// The date the figures were given: the period table's `given`, else the header's.
    given: Option<Date>,
    prefix: String,
}

/// The byte where a string's text starts in the file, if the file writes it verbatim between two quotes.
pub fn verbatim(text: &str, span: Span, decoded: &str) -> Option<usize> {
    let raw = text.get(span.range())?;
    let inner = raw.get(1..raw.len().checked_sub(1)?)?;
    (inner == decoded).then_some(span.start as usize + 1)
}
