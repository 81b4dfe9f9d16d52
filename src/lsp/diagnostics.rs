//! Diagnostics as the editor shows them: every error the CLI gives for a repository, in the file it
//! points into, with its labels and related diagnostics as related places and its fix as data for a
//! quick fix; and the failed checks of the rules of open files as warnings on the rule.

use std::collections::BTreeMap;
use std::path::PathBuf;

use lsp_types::{Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Range};

use crate::diag::{Diag, Level};
use crate::eval::{Check, Outcome};
use crate::source::{SourceId, Span};

use super::state::{Analysis, Snapshot};
use super::text::{Lines, uri_of};

/// Every diagnostic of the snapshot, by file; every open file has an entry, empty where all is well.
pub fn all(snapshot: &Snapshot) -> BTreeMap<PathBuf, Vec<Diagnostic>> {
    let mut out: BTreeMap<PathBuf, Vec<Diagnostic>> = snapshot.docs.keys().map(|p| (p.clone(), Vec::new())).collect();
    for analysis in snapshot.analyses() {
        let diags = analysis.root.data.diags.iter().chain(&analysis.diags);
        for diag in diags {
            let (path, diagnostic) = convert(diag, &analysis);
            out.entry(path).or_default().push(diagnostic);
        }
        for check in &analysis.failed {
            let Some(program) = analysis.linked() else { break };
            let rule = &program.rules[check.rule];
            let path = analysis.path(rule.file);
            if snapshot.docs.contains_key(&path) {
                out.entry(path).or_default().push(failed(check, &analysis));
            }
        }
    }
    out
}

/// The range of a span in a source file (the file's start for a file described by places).
pub fn range(analysis: &Analysis, file: SourceId, span: Span) -> Range {
    let source = analysis.sources.get(file);
    if source.is_described() {
        return Range::default();
    }
    Lines::new(source.text()).range(span)
}

/// The location of a span in a source file.
pub fn location(analysis: &Analysis, file: SourceId, span: Span) -> Location {
    Location::new(uri_of(&analysis.path(file)), range(analysis, file, span))
}

/// One diagnostic, with the file it belongs to: one that points into no file belongs to the
/// repository's `tickmark.toml` (or the lone rule file).
fn convert(diag: &Diag, analysis: &Analysis) -> (PathBuf, Diagnostic) {
    let primary = diag.labels.iter().find(|l| l.primary).or(diag.labels.first());
    let (path, range) = match diag.file {
        Some(file) => (analysis.path(file), range(analysis, file, primary.map_or(Span::default(), |l| l.span))),
        None => (analysis.root.key.clone(), Range::default()),
    };
    let mut related = Vec::new();
    if let Some(file) = diag.file {
        for label in diag.labels.iter().filter(|l| Some(*l) != primary) {
            let message = label.text.clone().unwrap_or_else(|| "here".to_owned());
            related.push(DiagnosticRelatedInformation { location: location(analysis, file, label.span), message });
        }
    }
    for inner in &diag.related {
        let Some(file) = inner.file else { continue };
        let span = inner.labels.iter().find(|l| l.primary).or(inner.labels.first()).map_or(Span::default(), |l| l.span);
        related.push(DiagnosticRelatedInformation {
            location: location(analysis, file, span),
            message: inner.message.clone(),
        });
    }
    let diagnostic = Diagnostic {
        range,
        severity: Some(severity(diag.level)),
        code: Some(NumberOrString::String(diag.code.clone())),
        source: Some("tickmark".to_owned()),
        message: message(diag, primary.and_then(|l| l.text.as_deref())),
        related_information: (!related.is_empty()).then_some(related),
        data: super::actions::fix(diag, analysis).map(|fix| serde_json::json!({ "fix": fix })),
        ..Diagnostic::default()
    };
    (path, diagnostic)
}

/// The message with its primary label, help and notes, one a line.
fn message(diag: &Diag, label: Option<&str>) -> String {
    let mut lines = vec![diag.message.clone()];
    lines.extend(label.filter(|l| !diag.message.contains(l)).map(str::to_owned));
    lines.extend(diag.help.iter().map(|h| format!("help: {h}")));
    lines.extend(diag.notes.iter().cloned());
    lines.join("\n")
}

/// The editor's severity of a level.
fn severity(level: Level) -> DiagnosticSeverity {
    match level {
        Level::Error => DiagnosticSeverity::ERROR,
        Level::Warning => DiagnosticSeverity::WARNING,
        Level::Info => DiagnosticSeverity::INFORMATION,
    }
}

/// A failed or erred check as a warning on its rule's name (an `info` rule's as information): its
/// operands' values and the facts it read as related places.
fn failed(check: &Check, analysis: &Analysis) -> Diagnostic {
    let Some(program) = analysis.linked() else { return Diagnostic::default() };
    let rule = &program.rules[check.rule];
    let diag = crate::report::explain::check_diag(check, program, analysis.sheets(), &analysis.sources);
    let mut related = Vec::new();
    if let Some(diag) = &diag {
        for label in diag.labels.iter().filter(|_| diag.file == Some(rule.file)) {
            let message = label.text.clone().unwrap_or_default();
            related.push(DiagnosticRelatedInformation { location: location(analysis, rule.file, label.span), message });
        }
    }
    if let Outcome::Fail(trace) | Outcome::Error(_, trace) = &check.outcome {
        for fact in &trace.facts {
            let message = crate::report::explain::provenance(fact, &analysis.sources);
            related.push(DiagnosticRelatedInformation {
                location: location(analysis, fact.fact.origin.file, fact.fact.origin.span),
                message,
            });
        }
    }
    let level = if rule.severity == crate::syntax::ast::Severity::Info { Level::Info } else { Level::Warning };
    let (message, help, code) = diag.map_or((String::new(), None, String::new()), |d| (d.message, d.help, d.code));
    Diagnostic {
        range: range(analysis, rule.file, rule.name_span),
        severity: Some(severity(level)),
        code: Some(NumberOrString::String(code)),
        source: Some("tickmark".to_owned()),
        message: help.map_or(message.clone(), |h| format!("{message}\n{h}")),
        related_information: (!related.is_empty()).then_some(related),
        ..Diagnostic::default()
    }
}
