//! The JSON report: a stable schema for programs (documented in `docs/report-json.md`).
//!
//! Exact numbers are strings of decimals in base units (money in whole currency units, ratios as
//! fractions), so no consumer has to trust a binary float.

use std::borrow::Cow;
use std::io::Write;

use serde::Serialize;

use crate::data::Fact;
use crate::diag::Diag;
use crate::eval::{Check, Outcome, Trace, Value};
use crate::num::Real;
use crate::num::real::Rounding;
#[cfg(test)]
use crate::num::{Num, Unit};
use crate::period::Period;
use crate::source::{Places, SourceId, Sources, Span};
use crate::syntax::ast::Scenario;
#[cfg(test)]
use crate::syntax::ast::Severity;

use super::json_writer::JsonWriter;
use super::{Run, explain};

/// The version of the schema; bumped when a field changes meaning or goes away.
pub const SCHEMA_VERSION: u32 = 1;

#[cfg(test)]
/// One check as the JSON report writes it (and `--format jsonl`, a line each), in `serde` structs:
/// the form [`write_check`] writes by hand, kept as the tests' oracle of its bytes.
#[derive(Serialize)]
pub(super) struct JsonCheck<'a> {
    rule: &'a str,
    severity: Severity,
    entity: &'a str,
    #[serde(serialize_with = "shown")]
    period: Period,
    /// The calendar months of the period, where the entity's fiscal year is not the calendar year.
    #[serde(skip_serializing_if = "Option::is_none")]
    calendar: Option<String>,
    status: &'static str,
    /// Whether rounding could flip the verdict (false for skips and errors).
    borderline: bool,
    message: Cow<'a, str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    explanation: Option<String>,
    location: Location<'a>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    values: Vec<JsonValue<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    facts: Vec<JsonFact<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    missing: Option<JsonMissing>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<JsonError<'a>>,
}

#[derive(Serialize)]
struct Location<'a> {
    file: &'a str,
    line: usize,
    column: usize,
    start: u32,
    end: u32,
}

#[cfg(test)]
#[derive(Serialize)]
struct JsonValue<'a> {
    expr: &'a str,
    location: Location<'a>,
    shown: String,
    #[serde(flatten)]
    exact: Option<Exact<'a>>,
}

#[cfg(test)]
/// A number exactly, in base units: where the value terminates; a quotient that does not is written
/// to 28 significant digits, its bounds rounded outwards so that they still hold it.
#[derive(Serialize)]
struct Exact<'a> {
    #[serde(serialize_with = "nearest")]
    point: &'a Real,
    #[serde(serialize_with = "down")]
    lo: &'a Real,
    #[serde(serialize_with = "up")]
    hi: &'a Real,
    #[serde(serialize_with = "shown")]
    unit: Unit,
}

#[cfg(test)]
impl<'a> Exact<'a> {
    /// A number's point and bounds.
    fn of(n: &'a Num) -> Exact<'a> {
        Exact { point: &n.point, lo: &n.lo, hi: &n.hi, unit: n.unit }
    }
}

#[cfg(test)]
/// Serialises a point to the nearest digit.
fn nearest<S: serde::Serializer>(r: &&Real, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(&r.plain(28, Rounding::Nearest))
}

#[cfg(test)]
/// Serialises a lower bound, rounded down.
fn down<S: serde::Serializer>(r: &&Real, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(&r.plain(28, Rounding::Down))
}

#[cfg(test)]
/// Serialises an upper bound, rounded up.
fn up<S: serde::Serializer>(r: &&Real, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(&r.plain(28, Rounding::Up))
}

/// Serialises a value as the string it displays as, written as it is made.
fn shown<T: std::fmt::Display, S: serde::Serializer>(value: &T, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(value)
}

/// Writes a number as [`Exact`] does (a decimal without a `String`), rounded `rounding` where it
/// does not terminate.
pub(super) fn plain(r: &Real, rounding: Rounding, out: &mut Vec<u8>) {
    r.plain(28, rounding).write_bytes_with(|text| out.extend_from_slice(text));
}

#[derive(Serialize)]
struct JsonFact<'a> {
    /// The entity of a peer's fact (`revenue of GOOGL`); absent for the check's own.
    #[serde(skip_serializing_if = "Option::is_none")]
    entity: Option<&'a str>,
    metric: &'a str,
    scenario: Scenario,
    #[serde(serialize_with = "shown")]
    period: Period,
    value: String,
    location: Location<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<&'a str>,
    /// The fact's vintage, `2026-02-05`, where its source dates it.
    #[serde(skip_serializing_if = "Option::is_none")]
    given: Option<String>,
}

#[cfg(test)]
#[derive(Serialize)]
struct JsonMissing {
    name: String,
    period: String,
    /// Why the value means nothing where it is not absent (`growth` from a loss).
    #[serde(skip_serializing_if = "Option::is_none")]
    not_meaningful: Option<String>,
}

#[cfg(test)]
#[derive(Serialize)]
struct JsonError<'a> {
    message: &'a str,
    location: Location<'a>,
}

#[derive(Serialize)]
struct JsonConflict<'a> {
    entity: &'a str,
    metric: &'a str,
    #[serde(serialize_with = "shown")]
    period: Period,
    scenario: Scenario,
    kept: JsonFact<'a>,
    other: JsonFact<'a>,
}

#[derive(Serialize)]
struct JsonDiag<'a> {
    level: crate::diag::Level,
    code: String,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    location: Option<Location<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<String>,
    /// Every label the human rendering draws: where, the text under it, and what it says.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    labels: Vec<JsonLabel<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    notes: Vec<String>,
    /// Diagnostics shown with this one, in other places (the data file a fact came from).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related: Vec<JsonDiag<'a>>,
}

/// A label of a diagnostic: `revenue` (its text) "is money in USD" (what it says).
#[derive(serde::Serialize)]
struct JsonLabel<'a> {
    location: Location<'a>,
    /// The text under the label as written, shortened past 200 characters.
    code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<String>,
    primary: bool,
}

/// The whole JSON report of a run, pretty-printed, ending in a newline.
pub fn render(run: &Run) -> String {
    let mut out = Vec::new();
    write(run, &mut out).expect("writing to memory");
    String::from_utf8(out).expect("JSON is UTF-8")
}

/// Writes the JSON report of a run as it is made, check by check: an object of `version`, `checks`,
/// `conflicts`, `diagnostics` and `summary` as `serde_json` pretty-prints it, with only one check in
/// memory at a time (beyond those the run kept).
pub fn write(run: &Run, out: &mut dyn Write) -> std::io::Result<()> {
    let mut item = Vec::new();
    write!(out, "{{\n  \"version\": {SCHEMA_VERSION},\n  \"checks\": ")?;
    let mut checks = Items { out: &mut *out, any: false };
    let rules = RuleBytes::new(run, Some(4));
    super::write_placed_rows(run, &mut checks, &|run, places, c, buf| {
        buf.extend_from_slice(b",\n    ");
        write_check(run, &rules, places, c, &mut JsonWriter::pretty(buf, 4));
    })?;
    let any = checks.any;
    out.write_all(if any { b"\n  ]" } else { b"[]" })?;
    out.write_all(b",\n  \"conflicts\": ")?;
    array(out, &mut item, run.sheets.conflicts.iter().map(|c| conflict(run, c)))?;
    out.write_all(b",\n  \"diagnostics\": ")?;
    array(out, &mut item, run.warnings.iter().map(|d| diagnostic(d, run.sources)))?;
    out.write_all(b",\n  \"summary\": ")?;
    pretty(out, &mut item, &run.summary(), 2)?;
    out.write_all(b"\n}\n")
}

/// The array of checks as its items are written to it, rendered by the workers ([`super::write_rows`]):
/// each item comes after `,\n    `, the first item's comma becoming the array's `[`. The items are
/// the JSON writer's own, hostile characters escaped as they are written ([`crate::escape::write_own`]).
struct Items<'o> {
    out: &'o mut dyn Write,
    any: bool,
}

impl Write for Items<'_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        match bytes.split_first() {
            Some((_, rest)) if !self.any => {
                self.any = true;
                self.out.write_all(b"[")?;
                crate::escape::write_own(self.out, rest)?;
            }
            _ => crate::escape::write_own(self.out, bytes)?,
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// Writes the items of an array as `serde_json` pretty-prints them inside the report (at depth 2).
fn array<T: Serialize>(out: &mut dyn Write, item: &mut Vec<u8>, items: impl Iterator<Item = T>) -> std::io::Result<()> {
    let mut any = false;
    for value in items {
        out.write_all(if any { b",\n    " } else { b"[\n    " })?;
        pretty(out, item, &value, 4)?;
        any = true;
    }
    out.write_all(if any { b"\n  ]" } else { b"[]" })
}

/// Writes a value pretty-printed, every line after the first indented by `indent` spaces (a JSON
/// string holds no raw line end, so every line end is the printer's).
fn pretty<T: Serialize>(out: &mut dyn Write, buf: &mut Vec<u8>, value: &T, indent: usize) -> std::io::Result<()> {
    buf.clear();
    serde_json::to_writer_pretty(&mut *buf, value).map_err(std::io::Error::other)?;
    let pad = &b"\n        "[..=indent];
    let mut lines = buf.split(|&b| b == b'\n');
    if let Some(first) = lines.next() {
        out.write_all(first)?;
    }
    for line in lines {
        out.write_all(pad)?;
        out.write_all(line)?;
    }
    Ok(())
}

/// Diagnostics alone as JSON, for a run that could not be made.
pub fn render_diags(diags: &[Diag], sources: &Sources) -> String {
    let diags: Vec<JsonDiag> = diags.iter().map(|d| diagnostic(d, sources)).collect();
    let value = serde_json::json!({ "version": SCHEMA_VERSION, "diagnostics": diags });
    let mut out = crate::escape::guard_json(&serde_json::to_string_pretty(&value).unwrap_or_default()).into_owned();
    out.push('\n');
    out
}

/// A check's message: its rule's title, else the rule's condition as written.
pub(super) fn message<'a>(run: &Run<'a>, c: &'a Check) -> Cow<'a, str> {
    match &c.title {
        Some(title) => Cow::Borrowed(title),
        None => {
            let rule = &run.program.rules[c.rule];
            Cow::Owned(crate::syntax::comments::code(run.sources.get(rule.file).slice(rule.body.span)))
        }
    }
}

/// What a check's object says of its rule alone, the same bytes for every check of the rule: written
/// once a run, in the form and at the depth the checks are written in, and copied into each.
pub(super) struct RuleBytes {
    rules: Vec<Written>,
    /// The indentation of the check objects the bytes are made for (`None`: compact).
    indent: Option<usize>,
    /// Each file's `location` member of a fact, opened to its first member, the file's name
    /// ([`JsonWriter::written_open`]).
    fact_locations: Vec<Vec<u8>>,
    /// Each entity's name as a JSON string.
    entities: Vec<Vec<u8>>,
}

/// The bytes of one rule ([`RuleBytes`]).
struct Written {
    /// The first members of a check's object: `rule` and `severity`.
    head: Vec<u8>,
    /// The `location` object of the rule's name.
    location: Vec<u8>,
    /// Each operand's span, and its value's object there opened to its `shown`: `expr`, `location`
    /// and the key `shown` ([`JsonWriter::written_open`]).
    operands: Vec<(Span, Vec<u8>)>,
}

impl RuleBytes {
    /// The bytes of every rule of a run, for checks written by [`JsonWriter::with_indent`]`(indent)`.
    pub(super) fn new(run: &Run, indent: Option<usize>) -> RuleBytes {
        // a writer of what lies `levels` containers into a check's object
        let deeper = |levels: usize| indent.map(|i| i + 2 * levels);
        let written = |rule: &crate::check::Rule| {
            let (mut head, mut location) = (Vec::new(), Vec::new());
            let mut w = JsonWriter::with_indent(&mut head, deeper(1));
            w.str_field("rule", &rule.name);
            w.str_field("severity", super::csv::severity(rule.severity));
            location_object(
                &mut JsonWriter::with_indent(&mut location, deeper(1)),
                run.sources,
                rule.file,
                rule.name_span,
                None,
            );
            let text = run.sources.get(rule.file);
            let operands = explain::operand_spans(&rule.body).into_iter().map(|span| {
                let mut bytes = Vec::new();
                // in the check's object and its `values` array
                let mut w = JsonWriter::with_indent(&mut bytes, deeper(2));
                w.item();
                w.open(b'{');
                w.str_field("expr", text.slice(span));
                write_location(&mut w, run.sources, rule.file, span, None);
                w.key("shown");
                (span, bytes)
            });
            Written { head, location, operands: operands.collect() }
        };
        let file = |id: usize| {
            let mut bytes = Vec::new();
            // in the check's object, its `facts` array and the fact's object
            let name = &run.sources.get(SourceId(id as u32)).name;
            let mut w = JsonWriter::with_indent(&mut bytes, deeper(3));
            w.key("location");
            w.open(b'{');
            w.str_field("file", name);
            bytes
        };
        let fact_locations = (0..run.sources.len()).map(file).collect();
        let quoted = |name: &String| {
            let mut bytes = Vec::new();
            JsonWriter::compact(&mut bytes).str(name);
            bytes
        };
        let entities = run.sheets.entities.iter().map(quoted).collect();
        RuleBytes { rules: run.program.rules.iter().map(written).collect(), fact_locations, entities, indent }
    }
}

/// Writes one check as the JSON report's object (the JSON Lines report's line), by hand: the fields
/// of the serde form below, in its order, byte for byte as `serde_json` writes them, straight into
/// the chunk's buffer; what is its rule's alone copied from `rules` (made for `w`'s form), the
/// facts' places looked up in `places` where found ahead.
pub(super) fn write_check(run: &Run, rules: &RuleBytes, places: &Places, c: &Check, w: &mut JsonWriter) {
    debug_assert_eq!(rules.indent, w.indent(), "a rule's bytes made for another form than the writer's");
    let written = &rules.rules[c.rule];
    w.open(b'{');
    w.written_members(&written.head);
    w.key("entity");
    w.written_value(&rules.entities[c.entity as usize]);
    period_field(w, "period", c.period);
    if let Some(months) = run.sheets.calendar_months(c.entity, c.period) {
        w.shown_field("calendar", months);
    }
    w.key("status");
    w.plain_str(c.outcome.status());
    w.key("borderline");
    w.bool(c.borderline);
    w.str_field("message", &message(run, c));
    if matches!(c.outcome, Outcome::Fail(_)) {
        w.key("explanation");
        w.made(|text| {
            explain::write_explanation(text, c, run.program, run.sources);
        });
    }
    w.key("location");
    w.written_value(&written.location);
    match &c.outcome {
        Outcome::Fail(trace) => write_trace(run, rules, written, places, trace, w),
        Outcome::Error(e, trace) => {
            write_trace(run, rules, written, places, trace, w);
            w.key("error");
            w.open(b'{');
            w.str_field("message", &e.message);
            write_location(w, run.sources, e.file, e.span, None);
            w.close(b'}');
        }
        Outcome::Skip(m) => {
            w.key("missing");
            w.open(b'{');
            w.str_field("name", &m.name);
            period_field(w, "period", m.period);
            if let Some(why) = &m.not_meaningful {
                w.str_field("not_meaningful", why);
            }
            w.close(b'}');
        }
        Outcome::Pass => {}
    }
    w.close(b'}');
}

/// Writes the operands' values and the facts read of a trace, as [`fill_trace`] gives them; each
/// operand's `expr` and `location` copied from its rule's `written`.
fn write_trace(run: &Run, rules: &RuleBytes, written: &Written, places: &Places, trace: &Trace, w: &mut JsonWriter) {
    let mut any = false;
    for (span, opened) in &written.operands {
        let Some(value) = trace.value_at(*span) else { continue };
        if !any {
            w.key("values");
            w.open(b'[');
            any = true;
        }
        w.written_open(opened);
        w.made(|text| value.write(text));
        if let Value::Num(n) = value {
            w.plain_field("point", n.point.plain(28, Rounding::Nearest));
            w.plain_field("lo", n.lo.plain(28, Rounding::Down));
            w.plain_field("hi", n.hi.plain(28, Rounding::Up));
            w.key("unit");
            unit_value(w, n.unit);
        }
        w.close(b'}');
    }
    if any {
        w.close(b']');
    }
    if trace.facts.is_empty() {
        return;
    }
    w.key("facts");
    w.open(b'[');
    for f in &trace.facts {
        match &f.peer {
            None => fact_head(w, &f.name, f.scenario, f.period),
            Some(peer) => {
                w.item();
                w.open(b'{');
                w.str_field("entity", peer);
                fact_members(w, &f.name, f.scenario, f.period);
            }
        }
        w.made(|text| f.fact.value.write(text));
        let (file, span) = (f.fact.origin.file, f.fact.origin.span);
        w.written_open(&rules.fact_locations[file.0 as usize]);
        let found = places.get(file, span.start);
        let (line, column) = found.unwrap_or_else(|| run.sources.get(file).line_col(span.start));
        location_numbers(w, line, column, span);
        if let Some(source) = source_name(run, f.fact.origin.file) {
            w.str_field("source", source);
        }
        if let Some(given) = f.fact.given {
            w.shown_field("given", given);
        }
        w.close(b'}');
    }
    w.close(b']');
}

/// The most entries a cache of bytes a thread keeps ([`fact_head`], [`unit_value`]) before it starts
/// anew: a run's metrics, scenarios and periods are a few hundred at most, but a long-lived process
/// makes runs one after the other.
const CACHED: usize = 4096;

/// The fact heads a thread made ([`fact_head`]) by metric, then by scenario, period and indent.
type Heads = rustc_hash::FxHashMap<Box<str>, rustc_hash::FxHashMap<(Scenario, Period, Option<usize>), Vec<u8>>>;

thread_local! {
    /// The heads a thread made, and how many there are in all: [`CACHED`] bounds them all, not each
    /// metric's (thousands of metrics over hundreds of periods would otherwise keep millions).
    static HEADS: std::cell::RefCell<(Heads, usize)> = std::cell::RefCell::default();
}

/// Opens the object of a fact of the check's own entity in the `facts` array and writes its members
/// up to the key of its `value`, as [`fact_members`] writes them: made once a thread for each metric,
/// scenario, period and form, and copied.
fn fact_head(w: &mut JsonWriter, name: &str, scenario: Scenario, period: Period) {
    let indent = w.indent();
    HEADS.with_borrow_mut(|(heads, count)| {
        let known = heads.get(name).is_some_and(|of_metric| of_metric.contains_key(&(scenario, period, indent)));
        if !known && *count >= CACHED {
            heads.clear();
            *count = 0;
        }
        let of_metric = match heads.get_mut(name) {
            Some(of_metric) => of_metric,
            None => heads.entry(name.into()).or_default(),
        };
        let bytes = of_metric.entry((scenario, period, indent)).or_insert_with(|| {
            *count += 1;
            let mut bytes = Vec::with_capacity(128);
            let mut fresh = JsonWriter::with_indent(&mut bytes, indent);
            fresh.item();
            fresh.open(b'{');
            fact_members(&mut fresh, name, scenario, period);
            bytes
        });
        w.written_open(bytes);
    });
}

/// Writes the members of a fact's object from its `metric` to the key of its `value`.
fn fact_members(w: &mut JsonWriter, name: &str, scenario: Scenario, period: Period) {
    w.str_field("metric", name);
    w.key("scenario");
    w.plain_str(scenario.as_str());
    period_field(w, "period", period);
    w.key("value");
}

/// Writes a unit as the JSON string of its pieces ([`crate::num::Unit::pieces`]): made once a thread
/// for each unit, and copied.
fn unit_value(w: &mut JsonWriter, unit: crate::num::Unit) {
    thread_local! {
        static QUOTED: std::cell::RefCell<rustc_hash::FxHashMap<crate::num::Unit, Vec<u8>>> =
            std::cell::RefCell::default();
    }
    QUOTED.with_borrow_mut(|quoted| {
        if quoted.len() >= CACHED && !quoted.contains_key(&unit) {
            quoted.clear();
        }
        let bytes = quoted.entry(unit).or_insert_with(|| {
            let mut bytes = Vec::new();
            JsonWriter::compact(&mut bytes).pieces(&unit.pieces());
            bytes
        });
        w.written_value(bytes);
    });
}

/// A period's JSON string, where its year has four digits and its quarter one (`"2025Q1"`,
/// `"FY2025"`: the periods of filings), made on the stack as it displays.
fn quoted_period(period: Period) -> Option<[u8; 8]> {
    let year = match period {
        Period::Quarter { year, quarter: 0..=9 } | Period::Year(year) => year,
        Period::Quarter { .. } => return None,
    };
    let year = u32::try_from(year).ok().filter(|year| (1000..=9999).contains(year))?;
    let [a, b, c, d] = [year / 1000, year / 100 % 10, year / 10 % 10, year % 10].map(|digit| b'0' + digit as u8);
    Some(match period {
        Period::Quarter { quarter, .. } => [b'"', a, b, c, d, b'Q', b'0' + quarter, b'"'],
        Period::Year(_) => [b'"', b'F', b'Y', a, b, c, d, b'"'],
    })
}

/// Writes a member whose value is a period as it displays ([`super::with_period_text`]): made on the
/// stack where it can be ([`quoted_period`]), else the JSON string of each period made once a
/// thread, quoted and escaped, and copied.
fn period_field(w: &mut JsonWriter, key: &str, period: Period) {
    thread_local! {
        static QUOTED: std::cell::RefCell<rustc_hash::FxHashMap<Period, Vec<u8>>> = std::cell::RefCell::default();
    }
    w.key(key);
    if let Some(quoted) = quoted_period(period) {
        return w.written_value(&quoted);
    }
    QUOTED.with_borrow_mut(|quoted| {
        let bytes = quoted.entry(period).or_insert_with(|| {
            let mut bytes = Vec::new();
            super::with_period_text(period, |text| JsonWriter::compact(&mut bytes).str(text));
            bytes
        });
        w.written_value(bytes);
    });
}

/// Writes a `location` member as [`location`] gives it, its line and column `found` ahead or found
/// now.
fn write_location(w: &mut JsonWriter, sources: &Sources, file: SourceId, span: Span, found: Option<(usize, usize)>) {
    w.key("location");
    location_object(w, sources, file, span, found);
}

/// Writes a `location` object as the value of a member, its line and column `found` ahead or found
/// now.
fn location_object(w: &mut JsonWriter, sources: &Sources, file: SourceId, span: Span, found: Option<(usize, usize)>) {
    let f = sources.get(file);
    let (line, column) = found.unwrap_or_else(|| f.line_col(span.start));
    w.open(b'{');
    w.str_field("file", &f.name);
    location_numbers(w, line, column, span);
}

/// Writes the members of a `location` object after its `file`, and closes it.
fn location_numbers(w: &mut JsonWriter, line: usize, column: usize, span: Span) {
    w.int_fields([
        ("line", line as u64),
        ("column", column as u64),
        ("start", u64::from(span.start)),
        ("end", u64::from(span.end)),
    ]);
    w.close(b'}');
}

/// The name of the source a data file is of, where it has one.
fn source_name<'a>(run: &Run<'a>, file: SourceId) -> Option<&'a str> {
    run.sheets.sources.iter().find(|s| s.file == file).and_then(|s| s.name.as_deref())
}

#[cfg(test)]
/// One check.
pub(super) fn check<'a>(run: &Run<'a>, c: &'a Check) -> JsonCheck<'a> {
    let rule = &run.program.rules[c.rule];
    let mut out = JsonCheck {
        rule: &rule.name,
        severity: rule.severity,
        entity: &run.sheets.entities[c.entity as usize],
        period: c.period,
        calendar: run.sheets.calendar_months(c.entity, c.period).map(|m| m.to_string()),
        status: c.outcome.status(),
        borderline: c.borderline,
        message: message(run, c),
        explanation: explain::explanation(c, run.program, run.sources),
        location: location(run.sources, rule.file, rule.name_span),
        values: Vec::new(),
        facts: Vec::new(),
        missing: None,
        error: None,
    };
    match &c.outcome {
        Outcome::Fail(trace) => fill_trace(run, rule, trace, &mut out),
        Outcome::Error(e, trace) => {
            out.error = Some(JsonError { message: &e.message, location: location(run.sources, e.file, e.span) });
            fill_trace(run, rule, trace, &mut out);
        }
        Outcome::Skip(m) => {
            let (name, period, not_meaningful) = (m.name.clone(), m.period.to_string(), m.not_meaningful.clone());
            out.missing = Some(JsonMissing { name, period, not_meaningful })
        }
        Outcome::Pass => {}
    }
    out
}

#[cfg(test)]
/// The operands' values and the facts read, from a trace.
fn fill_trace<'a>(run: &Run<'a>, rule: &'a crate::check::Rule, trace: &'a Trace, out: &mut JsonCheck<'a>) {
    for span in explain::operand_spans(&rule.body) {
        let Some(value) = trace.value_at(span) else { continue };
        out.values.push(JsonValue {
            expr: run.sources.get(rule.file).slice(span),
            location: location(run.sources, rule.file, span),
            shown: value.show(),
            exact: match value {
                Value::Num(n) => Some(Exact::of(n)),
                _ => None,
            },
        });
    }
    out.facts = trace
        .facts
        .iter()
        .map(|f| JsonFact { entity: f.peer.as_deref(), ..fact(run, &f.name, f.scenario, f.period, &f.fact) })
        .collect();
}

/// A fact with its provenance.
fn fact<'a>(run: &Run<'a>, metric: &'a str, scenario: Scenario, period: Period, f: &'a Fact) -> JsonFact<'a> {
    let source = source_name(run, f.origin.file);
    JsonFact {
        entity: None,
        metric,
        scenario,
        period,
        value: f.value.show(),
        location: location(run.sources, f.origin.file, f.origin.span),
        source,
        given: f.given.map(|date| date.to_string()),
    }
}

/// A conflict between two sources.
fn conflict<'a>(run: &Run<'a>, c: &'a crate::data::Conflict) -> JsonConflict<'a> {
    let key = &c.key;
    JsonConflict {
        entity: &key.entity,
        metric: &key.metric,
        period: key.period,
        scenario: key.scenario,
        kept: fact(run, &key.metric, key.scenario, key.period, &c.kept),
        other: fact(run, &key.metric, key.scenario, key.period, &c.other),
    }
}

/// A diagnostic.
fn diagnostic<'a>(d: &Diag, sources: &'a Sources) -> JsonDiag<'a> {
    let labels = match d.file {
        Some(file) => d
            .labels
            .iter()
            .map(|l| JsonLabel {
                location: location(sources, file, l.span),
                code: shortened(sources.get(file).slice(l.span)),
                text: l.text.clone(),
                primary: l.primary,
            })
            .collect(),
        None => Vec::new(),
    };
    JsonDiag {
        level: d.level,
        code: d.code.clone(),
        message: d.message.clone(),
        location: d.file.map(|f| location(sources, f, d.labels.first().map_or(Span::default(), |l| l.span))),
        help: d.help.clone(),
        labels,
        notes: d.notes.clone(),
        related: d.related.iter().map(|r| diagnostic(r, sources)).collect(),
    }
}

/// A text as quoted in a report: at most 200 characters, the rest said with an ellipsis.
fn shortened(text: &str) -> String {
    match text.char_indices().nth(200) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

/// A position in a file.
fn location(sources: &Sources, file: SourceId, span: Span) -> Location<'_> {
    let f = sources.get(file);
    let (line, column) = f.line_col(span.start);
    Location { file: &f.name, line, column, start: span.start, end: span.end }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::Inputs;
    use crate::eval::{Filter, Keep};

    /// Rules that fail with a title of quotes, a tab and non-ASCII, over a quotient that does not
    /// terminate, a negative zero and a figure past a decimal's digits; that err and that skip.
    const RULES: &str = concat!(
        "rule r \"Revenue, \\\"net\\\" — of returns\t\\\\ {revenue}\": revenue > 1000 USD bn\n",
        r#"rule q: revenue / 7 > 100 USD bn
rule m: revenue / capex ~= 6000%
rule z: revenue / (capex - 3 USD bn) > 1%
rule s: capex[-1q] > 1 USD bn
rule g warning: revenue in 200 USD bn..210 USD bn
rule n: zero > 1 USD bn
rule h: huge * 1000 < 1 USD bn
rule p: revenue > 1 USD bn
"#
    );

    /// An entity named with every character a ticker may hold.
    const DATA: &str = "entity = \"BRK.B-_:/&\"\nunit = \"USD bn\"\n[actual.2025Q4]\nrevenue = 213.4\n\
                        capex = 3\nzero = -0.0\nhuge = 79228162514264337593543950335\n";

    #[test]
    fn a_period_made_on_the_stack_is_the_string_of_its_display() {
        let years = [i32::MIN, -2025, -1, 0, 9, 999, 1000, 1001, 2025, 9998, 9999, 10000, 12345, i32::MAX];
        for year in years {
            let quarters = (0..=u8::MAX).map(|quarter| Period::Quarter { year, quarter });
            for period in quarters.chain([Period::Year(year)]) {
                let shown = serde_json::to_string(&period.to_string()).unwrap();
                let stack = quoted_period(period).map(|q| String::from_utf8(q.to_vec()).unwrap());
                let short = (1000..=9999).contains(&year)
                    && matches!(period, Period::Year(_) | Period::Quarter { quarter: 0..=9, .. });
                assert_eq!(stack.as_ref(), short.then_some(&shown), "{period:?}");
                let (mut fast, mut slow) = (Vec::new(), Vec::new());
                period_field(&mut JsonWriter::compact(&mut fast), "period", period);
                JsonWriter::compact(&mut slow).str_field("period", &period.to_string());
                assert_eq!(fast, slow, "{period:?}");
            }
        }
    }

    /// Metric names a data file could give, hostile ones among them (quotes, controls, a C1, a
    /// bidirectional override, beyond ASCII).
    const NAMES: [&str; 7] = ["revenue", "a \"b\" \\ c", "tab\tline\n", "\u{202e}evil", "\u{85}next", "売上", ""];

    #[test]
    fn a_fact_head_from_the_cache_is_the_one_written_member_by_member() {
        let periods = [
            Period::Quarter { year: 2025, quarter: 1 },
            Period::Year(2025),
            Period::Quarter { year: 99999, quarter: 12 },
        ];
        for indent in [None, Some(4), Some(8)] {
            for text in NAMES {
                let names = [std::sync::Arc::<str>::from(text)];
                for (name, scenario, period) in every_fact(&names, &periods) {
                    // the first fact of an array and one after it, twice over (made, then copied)
                    for _ in 0..2 {
                        let (mut cached, mut written) = (Vec::new(), Vec::new());
                        let mut w = JsonWriter::with_indent(&mut cached, indent);
                        w.open(b'[');
                        for _ in 0..2 {
                            fact_head(&mut w, name, scenario, period);
                            w.str("1");
                            w.close(b'}');
                        }
                        w.close(b']');
                        let mut w = JsonWriter::with_indent(&mut written, indent);
                        w.open(b'[');
                        for _ in 0..2 {
                            w.item();
                            w.open(b'{');
                            fact_members(&mut w, name, scenario, period);
                            w.str("1");
                            w.close(b'}');
                        }
                        w.close(b']');
                        assert_eq!(String::from_utf8(cached).unwrap(), String::from_utf8(written).unwrap(), "{text:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn the_fact_heads_a_thread_keeps_are_bounded_in_all() {
        // 3,000 metrics over four periods: 12,000 heads made, never more than CACHED kept, and each
        // one written after a start anew still the one written member by member
        let periods =
            [Period::Year(2024), Period::Year(2025), Period::Quarter { year: 2025, quarter: 1 }, Period::Year(2023)];
        let mut buf = Vec::new();
        for i in 0..3_000 {
            for &period in &periods {
                let name = format!("metric_{i}");
                buf.clear();
                fact_head(&mut JsonWriter::compact(&mut buf), &name, Scenario::Actual, period);
                let (kept, count) =
                    HEADS.with_borrow(|(heads, count)| (heads.values().map(|h| h.len()).sum::<usize>(), *count));
                assert!(kept == count && count <= CACHED, "{kept} heads kept, {count} counted");
                let mut written = Vec::new();
                let mut w = JsonWriter::compact(&mut written);
                w.item();
                w.open(b'{');
                fact_members(&mut w, &name, Scenario::Actual, period);
                assert_eq!(buf, written);
            }
        }
    }

    /// Every metric, scenario and period of the lists.
    fn every_fact<'n>(
        names: &'n [std::sync::Arc<str>],
        periods: &[Period],
    ) -> Vec<(&'n std::sync::Arc<str>, Scenario, Period)> {
        let scenarios = [Scenario::Actual, Scenario::Guidance, Scenario::Consensus];
        let mut all = Vec::new();
        for name in names {
            for scenario in scenarios {
                all.extend(periods.iter().map(|&period| (name, scenario, period)));
            }
        }
        all
    }

    #[test]
    fn a_unit_from_the_cache_is_its_pieces_escaped() {
        use crate::num::unit::UnitName;
        use crate::num::{Currency, RatioStyle, Scale};
        let usd = Currency(*b"USD");
        let scales = [Scale::One, Scale::Thousand, Scale::Million, Scale::Billion, Scale::Trillion];
        let mut units = vec![Unit::None, Unit::Fraction, Unit::PerShare(usd)];
        units.extend(scales.iter().map(|&s| Unit::Money(usd, s)));
        units.extend(scales.iter().map(|&s| Unit::Shares(s)));
        units.extend([RatioStyle::Percent, RatioStyle::Bps, RatioStyle::Pp].map(Unit::Ratio));
        units.extend(NAMES.iter().map(|name| Unit::Named(UnitName::intern(name))));
        for unit in units {
            for _ in 0..2 {
                let (mut cached, mut written) = (Vec::new(), Vec::new());
                unit_value(&mut JsonWriter::compact(&mut cached), unit);
                JsonWriter::compact(&mut written).pieces(&unit.pieces());
                assert_eq!(cached, written, "{unit:?}");
            }
        }
    }

    #[test]
    fn a_check_written_by_hand_is_the_serde_form_byte_for_byte() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("r.tick"), RULES).unwrap();
        std::fs::write(dir.path().join("d.toml"), DATA).unwrap();
        let inputs = Inputs {
            paths: vec![dir.path().join("r.tick")],
            data: vec![dir.path().join("d.toml")],
            ..Inputs::default()
        };
        let loaded = crate::commands::load(&inputs).unwrap_or_else(|(d, _)| panic!("{d:?}"));
        let results = crate::eval::run(&loaded.program, &loaded.sheets, &Filter::default(), Keep::NotPassed);
        let run = Run {
            program: &loaded.program,
            sheets: &loaded.sheets,
            sources: &loaded.sources,
            results: &results,
            warnings: &[],
            conflicts: super::super::Conflicts::Sources,
        };
        let mut statuses = Vec::new();
        for c in run.listed() {
            let form = check(&run, &c);
            let mut hand = Vec::new();
            write_check(&run, &RuleBytes::new(&run, None), &Places::default(), &c, &mut JsonWriter::compact(&mut hand));
            let serde = crate::escape::guard_json(&serde_json::to_string(&form).unwrap()).into_owned();
            assert_eq!(String::from_utf8(hand).unwrap(), serde);
            let (mut hand, mut serde) = (Vec::new(), Vec::new());
            write_check(
                &run,
                &RuleBytes::new(&run, Some(4)),
                &Places::default(),
                &c,
                &mut JsonWriter::pretty(&mut hand, 4),
            );
            pretty(&mut serde, &mut Vec::new(), &form, 4).unwrap();
            let serde = crate::escape::guard_json(&String::from_utf8(serde).unwrap()).into_owned();
            assert_eq!(String::from_utf8(hand).unwrap(), serde);
            statuses.push(format!("{} {}", run.program.rules[c.rule].name, c.outcome.status()));
        }
        let statuses = statuses.join(", ");
        assert_eq!(statuses, "r fail, q fail, m fail, z error, s skip, g fail, n fail, h fail, p pass", "{statuses}");
    }
}
