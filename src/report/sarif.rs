//! The `sarif` report: SARIF 2.1.0, for code-scanning views (GitHub code scanning, SARIF viewers).
//!
//! One log, one run. `tool.driver.rules` lists every rule of the program, in load order (`id` is the
//! rule's name, `shortDescription` its title with `{holes}` as written, or its condition;
//! `fullDescription` its condition; `defaultConfiguration.level` its severity), then tickmark's own
//! `tickmark/conflict` and `tickmark/checked-nowhere`.
//!
//! `results`: one per failed or erred check, located at the rule's condition in its file, with the
//! explanation in the message, each operand's value, the error and every fact read (in the data
//! files, with their provenance) as `relatedLocations`, and a fingerprint of (rule, entity, period),
//! so that an alert keeps its identity when lines move. Conflicts between sources and rules checked
//! nowhere are results too, not `toolExecutionNotifications`: code-scanning views show results as
//! alerts on the very line at fault (a conflict's line in the data file) and in pull requests, while
//! notifications reach at best a tool-status page. A run that could not be made has no `results` at
//! all (SARIF's "the tool failed", as against `[]`, "nothing found"), and its diagnostics are the
//! `toolExecutionNotifications` of an unsuccessful invocation.
//!
//! Columns count characters, as in every tickmark report: the run says `columnKind:
//! unicodeCodePoints` (SARIF's default would be UTF-16 code units). Files are relative URIs, as
//! shown everywhere else.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::diag::{Diag, Level};
use crate::eval::{Check, Outcome};
use crate::source::{SourceId, Sources, Span};

use super::{Run, explain, level, warnings};

/// Where the SARIF 2.1.0 schema is published (errata 01, the current text of the standard).
const SCHEMA: &str = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The rule id of a conflict between two sources.
const CONFLICT: &str = "tickmark/conflict";

/// How columns are counted: in characters.
const COLUMNS: &str = "unicodeCodePoints";

/// The prefix of the rule ids of tickmark's own diagnostics.
const PREFIX: &str = "tickmark/";

#[derive(Serialize)]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<SarifRun>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRun {
    tool: Tool,
    invocations: Vec<Invocation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    results: Option<Vec<SarifResult>>,
    column_kind: &'static str,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
struct Driver {
    name: &'static str,
    version: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    rules: Vec<Descriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Descriptor {
    id: String,
    short_description: Text,
    full_description: Text,
    default_configuration: Configuration,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

/// A SARIF message: plain text in which literal braces are doubled, since SARIF reads `{0}` as a
/// placeholder (§3.11.5).
#[derive(Serialize)]
struct Text {
    #[serde(serialize_with = "braces_doubled")]
    text: String,
}

/// Serialises message text with `{` and `}` doubled.
fn braces_doubled<S: serde::Serializer>(text: &str, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&text.replace('{', "{{").replace('}', "}}"))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Text,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<Location>,
    descriptor: DescriptorRef,
}

#[derive(Serialize)]
struct DescriptorRef {
    id: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: String,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: Vec<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location>,
    partial_fingerprints: BTreeMap<&'static str, String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    properties: BTreeMap<&'static str, String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

/// The whole SARIF log of a run, pretty-printed, ending in a newline.
pub fn render(run: &Run) -> String {
    let mut rules: Vec<Descriptor> = run.program.rules.iter().map(|r| rule_descriptor(run, r)).collect();
    let own = rules.len();
    rules.push(own_descriptor(CONFLICT, "two sources give one fact values that do not meet given rounding"));
    rules.push(own_descriptor("tickmark/checked-nowhere", "a rule was checked nowhere: no entity has its inputs"));
    let mut results: Vec<SarifResult> = run.kept().iter().filter_map(|c| check_result(run, c)).collect();
    results.extend(run.sheets.conflicts.iter().map(|c| conflict_result(c, run.sources, own)));
    for w in run.warnings {
        let index = own_rule(&mut rules, w);
        results.push(diag_result(w, run.sources, index, w.message.clone()));
    }
    let invocation = Invocation { execution_successful: true, tool_execution_notifications: Vec::new() };
    log(SarifRun { tool: tool(rules), invocations: vec![invocation], results: Some(results), column_kind: COLUMNS })
}

/// The SARIF log of a run that could not be made: no results, and its diagnostics as the
/// notifications of an unsuccessful invocation.
pub fn render_diags(diags: &[Diag], sources: &Sources) -> String {
    let notifications = diags.iter().map(|d| notification(d, sources)).collect();
    let invocation = Invocation { execution_successful: false, tool_execution_notifications: notifications };
    log(SarifRun { tool: tool(Vec::new()), invocations: vec![invocation], results: None, column_kind: COLUMNS })
}

/// The log around one run, pretty-printed.
fn log(run: SarifRun) -> String {
    let log = Log { schema: SCHEMA, version: "2.1.0", runs: vec![run] };
    let mut out = crate::escape::guard_json(&serde_json::to_string_pretty(&log).unwrap_or_default()).into_owned();
    out.push('\n');
    out
}

/// tickmark as the tool of the run.
fn tool(rules: Vec<Descriptor>) -> Tool {
    Tool { driver: Driver { name: "tickmark", version: env!("CARGO_PKG_VERSION"), rules } }
}

/// A rule of the program as a reporting descriptor.
fn rule_descriptor(run: &Run, rule: &crate::check::Rule) -> Descriptor {
    let body = crate::syntax::comments::code(run.sources.get(rule.file).slice(rule.body.span));
    let short = match &rule.title {
        Some(title) => title_as_written(title),
        None => body.clone(),
    };
    Descriptor {
        id: rule.name.clone(),
        short_description: Text { text: short },
        full_description: Text { text: body },
        default_configuration: Configuration { level: sarif_level(level(rule.severity)) },
    }
}

/// One of tickmark's own rules (conflicts, rules checked nowhere): warnings.
fn own_descriptor(id: &str, description: &str) -> Descriptor {
    Descriptor {
        id: id.to_owned(),
        short_description: Text { text: description.to_owned() },
        full_description: Text { text: description.to_owned() },
        default_configuration: Configuration { level: "warning" },
    }
}

/// The index of the descriptor of a diagnostic's code among the rules, added if it is new.
fn own_rule(rules: &mut Vec<Descriptor>, diag: &Diag) -> usize {
    let id = own_id(diag);
    if let Some(index) = rules.iter().position(|r| r.id == id) {
        return index;
    }
    rules.push(own_descriptor(&id, &diag.code));
    rules.len() - 1
}

/// A title with its `{name}` holes as written.
fn title_as_written(title: &crate::check::Title) -> String {
    let mut out = String::new();
    for part in &title.parts {
        match part {
            crate::check::TitlePart::Text(t) => out.push_str(t),
            crate::check::TitlePart::Hole(name, _) => out.push_str(&format!("{{{name}}}")),
        }
    }
    out
}

/// The result of a failed or erred check; `None` for a pass or a skip.
fn check_result(run: &Run, c: &Check) -> Option<SarifResult> {
    let trace = match &c.outcome {
        Outcome::Fail(trace) | Outcome::Error(_, trace) => trace,
        Outcome::Pass | Outcome::Skip(_) => return None,
    };
    let diag = explain::check_diag(c, run.program, run.sheets, run.sources)?;
    let rule = &run.program.rules[c.rule];
    let entity = run.sheets.entities[c.entity as usize].clone();
    let level = match c.outcome {
        Outcome::Error(..) => "error",
        _ => sarif_level(diag.level),
    };
    let mut message = diag.message.clone();
    if let Some(help) = &diag.help {
        message = format!("{message}\n{help}");
    }
    let mut related = related_locations(&diag, run.sources, false);
    related.extend(trace.facts.iter().map(|f| {
        location(run.sources, f.fact.origin.file, f.fact.origin.span, Some(explain::provenance(f, run.sources)))
    }));
    Some(SarifResult {
        rule_id: rule.name.clone(),
        rule_index: c.rule,
        level,
        message: Text { text: message },
        locations: vec![location(run.sources, rule.file, rule.body.span, None)],
        related_locations: related,
        partial_fingerprints: fingerprint(format!("{}/{entity}/{}", rule.name, c.period)),
        properties: BTreeMap::from([
            ("entity", entity),
            ("period", c.period.to_string()),
            ("status", c.outcome.status().to_owned()),
        ]),
    })
}

/// A conflict between two sources, at the figure that lost, fingerprinted by the fact it is about.
fn conflict_result(c: &crate::data::Conflict, sources: &Sources, rule_index: usize) -> SarifResult {
    let key = &c.key;
    let id = [key.entity.as_str(), &key.metric, &key.period.to_string(), key.scenario.as_str()].join("/");
    let mut result = diag_result(&warnings::conflict_diag(c, sources), sources, rule_index, id);
    result.properties = BTreeMap::from([
        ("entity", key.entity.clone()),
        ("metric", key.metric.clone()),
        ("period", key.period.to_string()),
        ("scenario", key.scenario.as_str().to_owned()),
    ]);
    result
}

/// A diagnostic of the run (a conflict, a rule checked nowhere) as a result at its primary label.
fn diag_result(diag: &Diag, sources: &Sources, rule_index: usize, id: String) -> SarifResult {
    SarifResult {
        rule_id: own_id(diag),
        rule_index,
        level: sarif_level(diag.level),
        message: Text { text: full_message(diag) },
        locations: primary_location(diag, sources).into_iter().collect(),
        related_locations: related_locations(diag, sources, true),
        partial_fingerprints: fingerprint(format!("{}/{id}", diag.code)),
        properties: BTreeMap::new(),
    }
}

/// A diagnostic of a run that could not be made, as a notification.
fn notification(diag: &Diag, sources: &Sources) -> Notification {
    let mut locations: Vec<Location> = primary_location(diag, sources).into_iter().collect();
    locations.extend(related_locations(diag, sources, true));
    Notification {
        level: sarif_level(diag.level),
        message: Text { text: full_message(diag) },
        locations,
        descriptor: DescriptorRef { id: own_id(diag) },
    }
}

/// `tickmark/CODE`: the rule id of one of tickmark's own diagnostics.
fn own_id(diag: &Diag) -> String {
    format!("{PREFIX}{}", diag.code)
}

/// A diagnostic's message, then its help and notes, a line each.
fn full_message(diag: &Diag) -> String {
    let mut lines = vec![diag.message.as_str()];
    lines.extend(diag.help.as_deref());
    lines.extend(diag.notes.iter().map(String::as_str));
    lines.join("\n")
}

/// The diagnostic's first label, where it points, with what the label says.
fn primary_location(diag: &Diag, sources: &Sources) -> Option<Location> {
    let file = diag.file?;
    let label = diag.labels.first();
    let span = label.map_or(Span::default(), |l| l.span);
    Some(location(sources, file, span, label.and_then(|l| l.text.clone())))
}

/// Every labelled span of a diagnostic (but the first, with `skip_first`), then each related
/// diagnostic's first label, with the related message.
fn related_locations(diag: &Diag, sources: &Sources, skip_first: bool) -> Vec<Location> {
    let mut out = Vec::new();
    if let Some(file) = diag.file {
        for label in diag.labels.iter().skip(usize::from(skip_first)) {
            out.push(location(sources, file, label.span, label.text.clone()));
        }
    }
    for related in &diag.related {
        if let Some(mut loc) = primary_location(related, sources) {
            loc.message = Some(Text { text: related.message.clone() });
            out.push(loc);
        }
    }
    out
}

/// A span of a file as a SARIF location, one-based lines and character columns, end exclusive.
fn location(sources: &Sources, file: SourceId, span: Span, message: Option<String>) -> Location {
    let f = sources.get(file);
    let (start_line, start_column) = f.line_col(span.start);
    let (end_line, end_column) = f.line_col(span.end.max(span.start));
    Location {
        physical_location: PhysicalLocation {
            artifact_location: ArtifactLocation { uri: uri(&f.name) },
            region: Region { start_line, start_column, end_line, end_column },
        },
        message: message.map(|text| Text { text }),
    }
}

/// What a check says, for the reports that name the rule, entity and period apart: the rule's title
/// with its holes filled in, or its condition as written.
pub(super) fn check_message(run: &Run, c: &Check) -> String {
    let rule = &run.program.rules[c.rule];
    c.title.clone().unwrap_or_else(|| {
        format!("`{}`", crate::syntax::comments::code(run.sources.get(rule.file).slice(rule.body.span)))
    })
}

/// The fingerprint of a result: what stays the same while lines move.
fn fingerprint(id: String) -> BTreeMap<&'static str, String> {
    BTreeMap::from([("tickmark/v1", id)])
}

/// SARIF's word for a level.
fn sarif_level(level: Level) -> &'static str {
    match level {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Info => "note",
    }
}

/// A file name as shown (relative, `/` separated) as a URI reference: bytes outside a path's
/// allowed characters percent-encoded; an absolute path as a `file:` URI.
fn uri(name: &str) -> String {
    let mut out = String::new();
    if name.starts_with('/') {
        out.push_str("file://");
    }
    for b in name.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => out.push(b as char),
            b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*' | b'+' | b',' | b';' | b'=' | b'@' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
