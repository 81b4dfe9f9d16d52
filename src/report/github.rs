//! The `github` report: GitHub Actions workflow commands, which the runner turns into annotations
//! on the lines at fault.
//!
//! One command per failed or erred check, at the rule's condition:
//! `::warning file=F,line=L,col=C,endLine=…,endColumn=…,title=RULE at ENTITY PERIOD::MESSAGE`, where
//! the command is the rule's severity (`error`, `warning`, `info` as `notice`; an erred check is
//! always an `error`) and the message is the title (or the condition), the explanation and where
//! every fact came from, a line each. Conflicts come first, as `--conflicts` shows them (a `::warning`
//! at the losing figure in its data file, a `::notice` counting those not shown), and the run's
//! warnings next, as in the human report. A plain summary line closes the report. A run that could
//! not be made is one `::error` per diagnostic, at its first label, then a plain line that says so.
//!
//! Escaping follows the runner: in a message `%`, `\r` and `\n` become `%25`, `%0D`, `%0A`; in a
//! property value `:` and `,` also become `%3A` and `%2C`. Columns count characters.

use std::fmt::Write;

use crate::diag::{Diag, Level};
use crate::eval::{Check, Outcome};
use crate::source::{SourceId, Sources, Span};

use super::{Run, explain, human, level, warnings};

/// The whole report of a run.
pub fn render(run: &Run) -> String {
    let mut out = String::new();
    // as `--conflicts` shows them: the runner caps annotations per step, so thousands of a filer's
    // restatements would push the failed checks out
    for d in warnings::conflict_diags(run) {
        out.push_str(&diag_command(&d, run.sources));
    }
    for w in run.warnings {
        out.push_str(&diag_command(w, run.sources));
    }
    out.extend(run.kept().iter().filter_map(|c| check_command(run, c)));
    out.push_str(&human::summary_line(&run.summary()));
    out
}

/// The command of a failed or erred check; `None` for a pass or a skip.
fn check_command(run: &Run, c: &Check) -> Option<String> {
    let rule = &run.program.rules[c.rule];
    let what = super::sarif::check_message(run, c);
    let (command, mut lines, trace) = match &c.outcome {
        Outcome::Fail(trace) => {
            let help = explain::explanation(c, run.program, run.sources);
            (command(level(rule.severity)), [Some(what), help].into_iter().flatten().collect::<Vec<_>>(), trace)
        }
        Outcome::Error(e, trace) => {
            let error = format!("could not be checked: {} ({})", e.message, run.sources.location(e.file, e.span));
            ("error", vec![what, error], trace)
        }
        Outcome::Pass | Outcome::Skip(_) => return None,
    };
    lines.extend(trace.facts.iter().map(|f| explain::provenance(f, run.sources)));
    let title = format!("{} at {}", rule.name, run.sheets.at(c.entity, c.period));
    let place = place(run.sources, rule.file, rule.body.span);
    Some(workflow_command(command, place, &title, &lines.join("\n")))
}

/// The report of a run that could not be made: an `::error` per diagnostic.
pub fn render_diags(diags: &[Diag], sources: &Sources) -> String {
    let mut out: String = diags.iter().map(|d| diag_command(d, sources)).collect();
    let count = diags.len();
    let _ = writeln!(out, "error: the run could not be made: {count} error{}", if count == 1 { "" } else { "s" });
    out
}

/// A diagnostic as a workflow command at its first label, its help, notes and related
/// diagnostics as further lines of the message.
fn diag_command(d: &Diag, sources: &Sources) -> String {
    let place = d.file.map(|f| place(sources, f, d.labels.first().map_or(Span::default(), |l| l.span)));
    let mut lines = vec![d.message.clone()];
    lines.extend(d.help.clone());
    lines.extend(d.notes.iter().cloned());
    for related in &d.related {
        let at = related.location(sources).map_or(String::new(), |l| format!("{l}: "));
        lines.push(format!("{at}{}", related.message));
    }
    workflow_command(command(d.level), place.unwrap_or_default(), &d.code, &lines.join("\n"))
}

/// The workflow command of a level.
fn command(level: Level) -> &'static str {
    match level {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Info => "notice",
    }
}

/// `file=…,line=…,col=…,endLine=…,endColumn=…,` of a span: one-based lines, columns in characters,
/// the end column just past the span.
fn place(sources: &Sources, file: SourceId, span: Span) -> String {
    let f = sources.get(file);
    let (line, col) = f.line_col(span.start);
    let (end_line, end_col) = f.line_col(span.end.max(span.start));
    format!("file={},line={line},col={col},endLine={end_line},endColumn={end_col},", property(&f.name))
}

/// `::COMMAND PLACE title=TITLE::MESSAGE` on a line.
fn workflow_command(command: &str, place: String, title: &str, message: &str) -> String {
    format!("::{command} {place}title={}::{}\n", property(title), data(message))
}

/// A message escaped as the runner reads it; other control characters as their escapes (`\u{1b}`),
/// so that none reaches the log raw.
fn data(s: &str) -> String {
    let escaped = s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A");
    crate::escape::escape_controls(&escaped).into_owned()
}

/// A property value escaped as the runner reads it.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}
