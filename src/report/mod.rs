//! Results to reports: what a run found, rendered for people (`human`) and for programs (`json`).

pub mod explain;
pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;
pub mod sheet;
pub mod tree;
pub mod warnings;

use crate::check::Program;
use crate::data::Sheets;
use crate::diag::{Diag, Level};
use crate::eval::{Check, Outcome};
use crate::source::Sources;
use crate::syntax::ast::Severity;

/// Everything a finished run reports.
pub struct Run<'a> {
    pub program: &'a Program,
    pub sheets: &'a Sheets,
    pub sources: &'a Sources,
    pub checks: &'a [Check],
    /// Warnings found along the way (rules checked nowhere, files without facts, ...) and, with
    /// `--verbose`, notes on what no rule reads; conflicts between sources are in the sheets.
    pub warnings: &'a [Diag],
    /// How many rules the run covered (after `--rule`).
    pub rules: usize,
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
    pub conflicts: usize,
    pub warnings: usize,
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

impl Run<'_> {
    /// Counts the checks by outcome.
    pub fn summary(&self) -> Summary {
        let mut s = Summary { rules: self.rules, checks: self.checks.len(), ..Summary::default() };
        for check in self.checks {
            match &check.outcome {
                Outcome::Pass => s.passed += 1,
                Outcome::Skip(_) => s.skipped += 1,
                Outcome::Error(..) => s.errors += 1,
                Outcome::Fail(_) => match self.program.rules[check.rule].severity {
                    Severity::Error => s.failed.error += 1,
                    Severity::Warning => s.failed.warning += 1,
                    Severity::Info => s.failed.info += 1,
                },
            }
        }
        s.conflicts = self.sheets.conflicts.len();
        s.warnings = self.warnings.iter().filter(|d| d.level >= Level::Warning).count();
        s
    }

    /// The exit code: 1 where an error rule failed or erred (or a warning rule, with `--deny warnings`).
    pub fn exit_code(&self, deny_warnings: bool) -> i32 {
        let failing = |c: &Check| {
            let severity = self.program.rules[c.rule].severity;
            let bad = severity == Severity::Error || (deny_warnings && severity == Severity::Warning);
            bad && matches!(c.outcome, Outcome::Fail(_) | Outcome::Error(..))
        };
        let warned = deny_warnings
            && (!self.sheets.conflicts.is_empty() || self.warnings.iter().any(|d| d.level >= Level::Warning));
        i32::from(self.checks.iter().any(failing) || warned)
    }
}

/// The diagnostic level of a rule's severity.
pub fn level(severity: Severity) -> Level {
    match severity {
        Severity::Error => Level::Error,
        Severity::Warning => Level::Warning,
        Severity::Info => Level::Info,
    }
}
