//! The human report: miette diagnostics for failed checks and warnings, then a summary line.

use std::fmt::Write;

use miette::{GraphicalReportHandler, GraphicalTheme};

use crate::diag::{Diag, Level};
use crate::source::Sources;

use super::{Run, Summary, explain};

/// How the human report is drawn.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
    pub width: usize,
}

impl Default for Style {
    /// No colour, 100 columns: what files, pipes and snapshots get.
    fn default() -> Self {
        Style { color: false, width: 100 }
    }
}

/// Renders diagnostics with miette.
pub fn render_diags(diags: &[Diag], sources: &Sources, style: Style) -> String {
    let theme = if style.color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    let handler =
        GraphicalReportHandler::new_themed(theme).with_width(style.width).with_wrap_lines(false).with_urls(false);
    let mut out = String::new();
    for diag in diags {
        let rendered = diag.render(sources);
        if handler.render_report(&mut out, &rendered).is_err() {
            let _ = writeln!(out, "{}: {}", diag.level, diag.message);
        }
    }
    out
}

/// The whole human report of a run.
///
/// `deny_warnings` says whether warnings fail the run, which `--quiet` keeps.
pub fn render(run: &Run, style: Style, verbosity: Verbosity, deny_warnings: bool) -> String {
    let floor = if deny_warnings { Level::Warning } else { Level::Error };
    let shown = |d: &Diag| verbosity != Verbosity::Quiet || d.level >= floor;
    let mut diags: Vec<Diag> = Vec::new();
    diags.extend(super::warnings::conflict_diags(run).into_iter().filter(shown));
    diags.extend(run.warnings.iter().filter(|d| shown(d)).cloned());
    let checks = run.kept().iter().filter_map(|c| explain::check_diag(c, run.program, run.sheets, run.sources));
    diags.extend(checks.filter(shown));
    let mut out = render_diags(&diags, run.sources, style);
    if verbosity == Verbosity::Verbose {
        out.push_str("every check:\n");
        out.push_str(&super::ledger::lines(run));
    }
    out.push_str(&summary_line(&run.summary()));
    out
}

/// How much the human report says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Verbosity {
    /// Only what fails the run: failed and erred error-rules (and warnings under `--deny warnings`),
    /// then the summary.
    Quiet,
    /// Every failed or erred check, conflicts and warnings, then the summary.
    #[default]
    Normal,
    /// As normal, then every check on a line of its own, passes and skips included, with the values
    /// that decided it (see [`super::ledger`]).
    Verbose,
}

/// `37 rules, 40 checks: 36 passed, 4 failed (0 error, 3 warning, 1 info), 0 erred; 81 skipped; 1 conflict, 0 warnings`
///
/// A skipped check (an input has no value there) is not counted among the checks made. Borderline
/// verdicts are counted where there are any (`0 erred; 2 borderline; 81 skipped`).
pub fn summary_line(s: &Summary) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let borderline = match s.borderline.total() {
        0 => String::new(),
        n => format!("; {n} borderline"),
    };
    format!(
        "summary: {}, {}: {} passed, {} failed ({} error, {} warning, {} info), {} erred{borderline}; {} skipped; {}, {}\n",
        plural(s.rules, "rule"),
        plural(s.checks - s.skipped, "check"),
        s.passed,
        s.failed.total(),
        s.failed.error,
        s.failed.warning,
        s.failed.info,
        s.errors,
        s.skipped,
        plural(s.conflicts, "conflict"),
        plural(s.warnings, "warning"),
    )
}
