//! The `junit` report: JUnit XML, for CI dashboards (GitLab, Jenkins, test-report actions).
//!
//! `<testsuites>` holds one `<testsuite>` per rule file, named by its path, in load order: a rule file
//! groups rules as a test file groups tests, and a dashboard then shows the file an analyst edits.
//! Each check is a `<testcase name="RULE ENTITY PERIOD" classname="RULE" file="…" line="…">` (the
//! line of the rule's condition): a failure has `<failure message="TITLE" type="SEVERITY">` whose text
//! is the condition as written, the explanation and where every fact came from; an erred check has
//! `<error>`, a skipped one `<skipped message="NAME has no value at PERIOD"/>`. Every failed check is
//! a failure, whatever its rule's severity (the `type` says which). So `tests` counts every check,
//! skipped ones included, as the JSON report's `summary.checks` does.
//!
//! Conflicts between sources and the run's warnings are no test: they close the report as the
//! `<system-err>` of a last suite, `tickmark warnings`, with no test case. A run that could not be
//! made is one suite, `tickmark`, with an errored test case per diagnostic, so a dashboard shows the
//! broken run rather than an empty one. No `time` attribute: the same inputs give the same bytes.

use std::fmt::Write;

use crate::diag::Diag;
use crate::eval::{Check, Outcome};
use crate::source::{SourceId, Sources, Span};

use super::{Run, explain, warnings};

/// The counts of a suite (or of all of them).
#[derive(Default, Clone, Copy)]
struct Counts {
    tests: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
}

impl Counts {
    /// Counts one check.
    fn add(&mut self, outcome: &Outcome) {
        self.tests += 1;
        match outcome {
            Outcome::Pass => {}
            Outcome::Fail(_) => self.failures += 1,
            Outcome::Error(..) => self.errors += 1,
            Outcome::Skip(_) => self.skipped += 1,
        }
    }

    /// The counts as attributes: ` tests="…" failures="…" errors="…" skipped="…"`.
    fn attributes(self) -> String {
        format!(
            " tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\"",
            self.tests, self.failures, self.errors, self.skipped
        )
    }
}

/// The whole JUnit report of a run.
pub fn render(run: &Run) -> String {
    let mut suites: Vec<(SourceId, Vec<std::borrow::Cow<Check>>)> = Vec::new();
    for c in run.listed() {
        let file = run.program.rules[c.rule].file;
        match suites.iter_mut().find(|(f, _)| *f == file) {
            Some((_, checks)) => checks.push(c),
            None => suites.push((file, vec![c])),
        }
    }
    let mut total = Counts::default();
    let mut body = String::new();
    for (file, checks) in &suites {
        let mut counts = Counts::default();
        let mut cases = String::new();
        for c in checks {
            counts.add(&c.outcome);
            cases.push_str(&testcase(run, c));
        }
        let name = attr(&run.sources.get(*file).name);
        let _ = write!(body, "  <testsuite name=\"{name}\"{}>\n{cases}  </testsuite>\n", counts.attributes());
        total = Counts {
            tests: total.tests + counts.tests,
            failures: total.failures + counts.failures,
            errors: total.errors + counts.errors,
            skipped: total.skipped + counts.skipped,
        };
    }
    body.push_str(&warnings_suite(run));
    document(total, &body)
}

/// The report of a run that could not be made: one errored test case per diagnostic.
pub fn render_diags(diags: &[Diag], sources: &Sources) -> String {
    let counts = Counts { tests: diags.len(), errors: diags.len(), ..Counts::default() };
    let mut cases = String::new();
    for d in diags {
        let at = d.location(sources).map_or(String::new(), |l| format!(" at {l}"));
        let _ = write!(
            cases,
            "    <testcase name=\"{}\" classname=\"tickmark\"{}>\n      <error message=\"{}\" type=\"{}\">{}</error>\n    </testcase>\n",
            attr(&format!("{}{at}", d.code)),
            file_line(sources, d.file, d.labels.first().map_or(Span::default(), |l| l.span)),
            attr(&d.message),
            attr(&d.code),
            text(&diag_text(d, sources)),
        );
    }
    let body = format!("  <testsuite name=\"tickmark\"{}>\n{cases}  </testsuite>\n", counts.attributes());
    document(counts, &body)
}

/// The XML declaration and the `<testsuites>` around the suites.
fn document(total: Counts, body: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"tickmark\"{}>\n{body}</testsuites>\n",
        total.attributes()
    )
}

/// One check as a test case.
fn testcase(run: &Run, c: &Check) -> String {
    let rule = &run.program.rules[c.rule];
    let entity = &run.sheets.entities[c.entity as usize];
    let open = format!(
        "    <testcase name=\"{}\" classname=\"{}\"{}",
        attr(&format!("{} {entity} {}", rule.name, c.period)),
        attr(&rule.name),
        file_line(run.sources, Some(rule.file), rule.body.span)
    );
    match outcome(run, c) {
        Some(inner) => format!("{open}>\n      {inner}\n    </testcase>\n"),
        None => format!("{open}/>\n"),
    }
}

/// What a check that did not pass says: `<failure>`, `<error>` or `<skipped>`; `None` for a pass.
fn outcome(run: &Run, c: &Check) -> Option<String> {
    let rule = &run.program.rules[c.rule];
    let condition = rule.body.span;
    let mut body =
        format!("{}: {}\n", run.sources.location(rule.file, condition), run.sources.get(rule.file).slice(condition));
    let provenance = |trace: &crate::eval::Trace| -> String {
        trace.facts.iter().map(|f| explain::provenance(f, run.sources) + "\n").collect()
    };
    Some(match &c.outcome {
        Outcome::Pass => return None,
        Outcome::Skip(m) => {
            format!("<skipped message=\"{}\"/>", attr(&m.describe()))
        }
        Outcome::Fail(trace) => {
            let help = explain::explanation(c, run.program, run.sources);
            body.extend(help.map(|h| h + "\n"));
            body += &provenance(trace);
            let (message, severity) = (super::sarif::check_message(run, c), super::level(rule.severity));
            format!("<failure message=\"{}\" type=\"{severity}\">{}</failure>", attr(&message), text(&body))
        }
        Outcome::Error(e, trace) => {
            body += &format!("{}: {}\n", run.sources.location(e.file, e.span), e.message);
            body += &provenance(trace);
            format!("<error message=\"{}\" type=\"check-error\">{}</error>", attr(&e.message), text(&body))
        }
    })
}

/// The run's conflicts and warnings, as the `<system-err>` of a suite with no test case.
fn warnings_suite(run: &Run) -> String {
    let mut diags: Vec<Diag> = warnings::conflict_diags(run);
    diags.extend(run.warnings.iter().cloned());
    if diags.is_empty() {
        return String::new();
    }
    let mut err = String::new();
    for d in &diags {
        let _ = writeln!(err, "{}: {}", d.level, d.message);
        for line in diag_text(d, run.sources).lines() {
            let _ = writeln!(err, "  {line}");
        }
    }
    format!(
        "  <testsuite name=\"tickmark warnings\"{}>\n    <system-err>{}</system-err>\n  </testsuite>\n",
        Counts::default().attributes(),
        text(&err)
    )
}

/// A diagnostic as plain lines: each label at its place, the help, the notes, related diagnostics.
fn diag_text(d: &Diag, sources: &Sources) -> String {
    let mut out = String::new();
    if let Some(file) = d.file {
        for label in &d.labels {
            let _ = writeln!(out, "{}: {}", sources.location(file, label.span), label.text.as_deref().unwrap_or(""));
        }
    }
    if let Some(help) = &d.help {
        let _ = writeln!(out, "help: {help}");
    }
    for note in &d.notes {
        let _ = writeln!(out, "{note}");
    }
    for related in &d.related {
        let at = related.location(sources).map_or(String::new(), |l| format!("{l}: "));
        let _ = writeln!(out, "{at}{}", related.message);
    }
    out
}

/// ` file="…" line="…"` of a span, if there is a file.
fn file_line(sources: &Sources, file: Option<SourceId>, span: Span) -> String {
    let Some(file) = file else { return String::new() };
    let f = sources.get(file);
    format!(" file=\"{}\" line=\"{}\"", attr(&f.name), f.line_col(span.start).0)
}

/// Text escaped for an attribute value: markup characters, quotes and line breaks as references
/// (a raw line break in an attribute would be read back as a space).
fn attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\t' => out.push_str("&#9;"),
            c => push_text_char(&mut out, c),
        }
    }
    out
}

/// Text escaped for element content.
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        push_text_char(&mut out, c);
    }
    out
}

/// One character of element content: `&`, `<`, `>` and `\r` as references, other control characters
/// (which XML 1.0 cannot hold, and a terminal showing the log would obey) as their escapes (`\u{1b}`,
/// [`crate::escape`]), and the two non-characters XML cannot hold as U+FFFD.
fn push_text_char(out: &mut String, c: char) {
    match c {
        '&' => out.push_str("&amp;"),
        '<' => out.push_str("&lt;"),
        '>' => out.push_str("&gt;"),
        '\r' => out.push_str("&#13;"),
        '\t' | '\n' => out.push(c),
        c if crate::escape::is_hostile(c) => out.push_str(&crate::escape::escape_controls(c.encode_utf8(&mut [0; 4]))),
        '\u{FFFE}' | '\u{FFFF}' => out.push('\u{FFFD}'),
        c => out.push(c),
    }
}
