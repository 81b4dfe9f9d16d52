//! Results to reports: what a run found, rendered for people (`human`) and for programs (`json`).

pub mod csv;
pub mod diff;
pub mod explain;
pub mod github;
pub mod html;
pub mod human;
pub mod json;
pub mod json_writer;
pub mod jsonl;
pub mod junit;
pub mod ledger;
pub mod sarif;
pub mod sheet;
pub mod tree;
pub mod warnings;

use crate::check::Program;
use crate::data::Sheets;
use crate::diag::{Diag, Level};
use crate::eval::{Check, Results};
use crate::source::{Places, Sources};
use crate::syntax::ast::Severity;

/// Everything a finished run reports.
pub struct Run<'a> {
    pub program: &'a Program,
    pub sheets: &'a Sheets,
    pub sources: &'a Sources,
    pub results: &'a Results,
    /// Warnings found along the way (rules checked nowhere, files without facts, ...) and, with
    /// `--verbose`, notes on what no rule reads; conflicts between sources are in the sheets.
    pub warnings: &'a [Diag],
    /// Which conflicts the human and JUnit reports show (`--conflicts`); every one counts.
    pub conflicts: Conflicts,
}

/// Which conflicts a report shows (`--conflicts`). Every conflict counts in the summary and under
/// `--deny warnings` whatever is shown, and a report that hides some says how many.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Conflicts {
    /// Between different sources (an article against the filing), each with both places; those
    /// between filings of one source are counted in a line.
    #[default]
    Sources,
    /// Those, and the ones between filings of one source, grouped per source and filing day.
    Filings,
    /// None: a line says how many there are.
    None,
}

/// The closing counts of a run.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    pub rules: usize,
    pub checks: usize,
    pub passed: usize,
    pub failed: FailedBySeverity,
    pub skipped: usize,
    pub errors: usize,
    /// Verdicts that rounding could flip (see `eval::verdict`), passes and failures.
    pub borderline: Borderline,
    pub conflicts: usize,
    pub warnings: usize,
}

/// Borderline verdicts: checks decided on point values that values inside their inputs' intervals
/// would decide the other way.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Borderline {
    pub passed: usize,
    pub failed: usize,
}

impl Borderline {
    /// Every borderline verdict.
    pub fn total(&self) -> usize {
        self.passed + self.failed
    }
}

/// Failed checks counted by the severity of their rule.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct FailedBySeverity {
    pub error: usize,
    pub warning: usize,
    pub info: usize,
}

impl FailedBySeverity {
    /// All failed checks.
    pub fn total(&self) -> usize {
        self.error + self.warning + self.info
    }
}

impl<'a> Run<'a> {
    /// The checks the run kept: every one that did not pass (with `--only failed`, every failed or
    /// erred one), in report order.
    pub fn kept(&self) -> &'a [Check] {
        &self.results.checks
    }

    /// The checks a report lists, in report order: every check, or with `--only failed` the failed
    /// and erred ones (see [`Results::listed`]).
    pub fn listed(&self) -> impl Iterator<Item = std::borrow::Cow<'a, Check>> + 'a {
        self.results.listed(self.program, self.sheets)
    }

    /// Counts the checks by outcome.
    pub fn summary(&self) -> Summary {
        let mut s = Summary { rules: self.results.rules.len(), ..Summary::default() };
        for &rule in &self.results.rules {
            let t = &self.results.tallies[rule];
            s.checks += t.total();
            s.passed += t.passed;
            s.skipped += t.skipped;
            s.errors += t.errors;
            s.borderline.passed += t.borderline_passed;
            s.borderline.failed += t.borderline_failed;
            match self.program.rules[rule].severity {
                Severity::Error => s.failed.error += t.failed,
                Severity::Warning => s.failed.warning += t.failed,
                Severity::Info => s.failed.info += t.failed,
            }
        }
        s.conflicts = self.sheets.conflicts.len();
        s.warnings = self.warnings.iter().filter(|d| d.level >= Level::Warning).count();
        s
    }

    /// The exit code: 1 where an error rule failed or erred (or a warning rule, with `--deny warnings`;
    /// or any check's verdict, pass or failure, was borderline, with `--deny borderline`).
    pub fn exit_code(&self, deny_warnings: bool, deny_borderline: bool) -> i32 {
        let failing = |&rule: &usize| {
            let severity = self.program.rules[rule].severity;
            let bad = severity == Severity::Error || (deny_warnings && severity == Severity::Warning);
            let t = &self.results.tallies[rule];
            bad && t.failed + t.errors > 0
        };
        let warned = deny_warnings
            && (!self.sheets.conflicts.is_empty() || self.warnings.iter().any(|d| d.level >= Level::Warning));
        let borderline =
            deny_borderline && self.results.rules.iter().any(|&r| self.results.tallies[r].borderline() > 0);
        i32::from(self.results.rules.iter().any(failing) || warned || borderline)
    }
}

/// Checks rendered at a time by one worker in [`write_rows`].
const CHUNK: usize = 2048;

/// How many batches of checks [`write_placed_rows`] finds the places of at once: a few tens of
/// bytes a fact read (its place), for 8,192 checks a worker each.
const PLACED_BATCHES: usize = 16;

/// Writes a row of bytes for every check the report lists, in report order, each rendered by
/// `row`. With `--only failed` the listed checks are the kept ones, already in memory: chunks of them
/// are rendered by the workers at once and written in order, a batch of chunks held at a time.
pub fn write_rows(
    run: &Run,
    out: &mut dyn std::io::Write,
    row: &(dyn Fn(&Run, &Check, &mut Vec<u8>) + Sync),
) -> std::io::Result<()> {
    rows(run, out, false, &|run, _, c, buf| row(run, c, buf))
}

/// Renders a check's row into a buffer, the places of its facts at hand.
pub type PlacedRow<'a> = dyn Fn(&Run, &Places, &Check, &mut Vec<u8>) + Sync + 'a;

/// [`write_rows`] for rows that say where each fact read came from: the places a chunk's checks
/// need are found before its rows are rendered, each block of a streamed file read once
/// ([`Sources::places`]).
pub fn write_placed_rows(run: &Run, out: &mut dyn std::io::Write, row: &PlacedRow<'_>) -> std::io::Result<()> {
    rows(run, out, true, row)
}

/// [`write_rows`], the places of the facts found ahead where `placed`.
fn rows(run: &Run, out: &mut dyn std::io::Write, placed: bool, row: &PlacedRow<'_>) -> std::io::Result<()> {
    use rayon::prelude::*;
    if run.results.keep != crate::eval::Keep::Failed {
        let (mut buf, none) = (Vec::new(), Places::default());
        for c in run.listed() {
            buf.clear();
            row(run, &none, &c, &mut buf);
            out.write_all(&buf)?;
        }
        return Ok(());
    }
    let batch = CHUNK * 4 * crate::workers::threads();
    // one buffer a chunk, kept from batch to batch: a buffer of megabytes made anew is memory the
    // system maps and faults in page by page
    let mut rendered: Vec<Vec<u8>> = Vec::new();
    // the places of the facts of the next PLACED_BATCHES batches, found in one pass over their files:
    // the checks of a batch (a rule or two over every entity) read facts from the whole of a long
    // CSV, which a pass a batch would read again and again; each batch then looks its own up in a
    // table of its own ([`Places::among`])
    let kept = run.kept();
    let (mut ahead, mut placed_to) = (Places::default(), 0);
    for (n, checks) in kept.chunks(batch).enumerate() {
        let begin = n * batch;
        if placed && begin >= placed_to {
            placed_to = kept.len().min(begin + batch * PLACED_BATCHES);
            ahead = crate::workers::pool().install(|| run.sources.places(fact_places(&kept[begin..placed_to])));
        }
        let places = if placed { ahead.among(fact_places(checks)) } else { Places::default() };
        rendered.resize_with(checks.len().div_ceil(CHUNK), Vec::new);
        crate::workers::pool().install(|| {
            checks.par_chunks(CHUNK).zip(rendered.par_iter_mut()).for_each(|(chunk, buf)| {
                buf.clear();
                chunk.iter().for_each(|c| row(run, &places, c, buf));
            })
        });
        for buf in &rendered {
            out.write_all(buf)?;
        }
    }
    Ok(())
}

/// Gives a period's text as it displays to `write`, made once a thread: a run shows few periods, each
/// of them in thousands of rows.
pub(super) fn with_period_text<R>(period: crate::period::Period, write: impl FnOnce(&str) -> R) -> R {
    thread_local! {
        static SHOWN: std::cell::RefCell<rustc_hash::FxHashMap<crate::period::Period, String>> =
            std::cell::RefCell::default();
    }
    SHOWN.with_borrow_mut(|shown| write(shown.entry(period).or_insert_with(|| period.to_string())))
}

/// The place of every fact the failed and erred checks of a batch read, to be found for the whole
/// batch, whose rules' checks at one entity read the same blocks of its rows.
fn fact_places(checks: &[Check]) -> Vec<(crate::source::SourceId, u32)> {
    let traces = checks.iter().filter_map(|c| match &c.outcome {
        crate::eval::Outcome::Fail(trace) | crate::eval::Outcome::Error(_, trace) => Some(trace),
        _ => None,
    });
    traces.flat_map(|t| &t.facts).map(|f| (f.fact.origin.file, f.fact.origin.span.start)).collect()
}

/// The diagnostic level of a rule's severity.
pub fn level(severity: Severity) -> Level {
    match severity {
        Severity::Error => Level::Error,
        Severity::Warning => Level::Warning,
        Severity::Info => Level::Info,
    }
}
