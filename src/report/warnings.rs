//! The run's own warnings: sources that disagree, and rules that were checked nowhere.

use crate::check::Program;
use crate::data::{Conflict, Sheets};
use crate::diag::Diag;
use crate::eval::{Check, Outcome};
use crate::source::Sources;

/// A conflict: two sources give one fact values that do not meet given rounding.
pub fn conflict_diag(c: &Conflict, sources: &Sources) -> Diag {
    let (kept, other) = (c.kept.value.show(), c.other.value.show());
    let scenario = match c.key.scenario {
        crate::syntax::ast::Scenario::Actual => String::new(),
        s => format!("{}.", s.as_str()),
    };
    let first = Diag::warning("conflict", format!("the first source says {kept}, and is used"))
        .in_file(c.kept.origin.file)
        .primary(c.kept.origin.span, format!("{kept}, used"));
    Diag::warning(
        "conflict",
        format!("sources disagree on {} {scenario}{} {}: {kept} vs {other}", c.key.entity, c.key.metric, c.key.period),
    )
    .in_file(c.other.origin.file)
    .primary(c.other.origin.span, format!("this source says {other}"))
    .with_help(format!(
        "the two figures do not meet even given rounding; the first file given wins ({})",
        sources.location(c.kept.origin.file, c.kept.origin.span)
    ))
    .with_related(first)
}

/// A warning for every rule that was checked nowhere: usually a misspelt metric or period.
///
/// In a run narrowed by `--entity` or `--period`, a rule with no check in the narrowed view is not
/// reported: the narrowing, not the rule, left it out.
pub fn nowhere_diags(
    program: &Program,
    sheets: &Sheets,
    checks: &[Check],
    rules: &[usize],
    narrowed: bool,
) -> Vec<Diag> {
    let mut diags = Vec::new();
    for &r in rules {
        let mine: Vec<&Check> = checks.iter().filter(|c| c.rule == r).collect();
        if mine.iter().any(|c| !matches!(c.outcome, Outcome::Skip(_))) || (narrowed && mine.is_empty()) {
            continue;
        }
        let rule = &program.rules[r];
        let help = match mine.first().map(|c| (&c.outcome, c)) {
            Some((Outcome::Skip(m), c)) => format!(
                "every check was skipped: {} has no value at {} {}{}",
                m.name,
                sheets.entities[c.entity as usize],
                m.period,
                if mine.len() > 1 { format!(" (and {} more skipped)", mine.len() - 1) } else { String::new() }
            ),
            _ => "no entity has data at the periods this rule is checked at".to_owned(),
        };
        diags.push(
            Diag::warning("checked-nowhere", format!("rule `{}` was checked nowhere", rule.name))
                .in_file(rule.file)
                .primary(rule.name_span, "never checked")
                .with_help(help),
        );
    }
    diags
}
