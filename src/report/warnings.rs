//! The run's own warnings, so that nothing passes silently: sources that disagree, rules checked
//! nowhere, data files that give no fact, a run without rules; and (with `--verbose`) the figures in
//! the data that no rule reads.

use crate::check::{CExpr, CKind, Program, TitlePart};
use crate::data::{Conflict, MetricId, Sheets};
use crate::diag::{Diag, Level};
use crate::eval::{Outcome, Results};
use crate::source::{Sources, Span};
use crate::syntax::ast::Scenario;

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
/// A run narrowed by `--entity` or `--period` reports none: a rule skipped in the narrowed view may
/// well be checked outside it, and the narrowing, not the rule, left it out (the whole run says).
pub fn nowhere_diags(program: &Program, sheets: &Sheets, results: &Results, narrowed: bool) -> Vec<Diag> {
    if narrowed {
        return Vec::new();
    }
    let mut diags = Vec::new();
    for &r in &results.rules {
        let tally = &results.tallies[r];
        if tally.total() > tally.skipped {
            continue;
        }
        let rule = &program.rules[r];
        let help = match tally.first_skip.as_ref().map(|c| (&c.outcome, c)) {
            Some((Outcome::Skip(m), c)) => format!(
                "every check was skipped: {} has no value at {} {}{}",
                m.name,
                sheets.entities[c.entity as usize],
                m.period,
                if tally.skipped > 1 { format!(" (and {} more skipped)", tally.skipped - 1) } else { String::new() }
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

/// A warning for every data file that gave no fact (a CSV header without rows, a TOML file of
/// empty tables): a file that checks nothing should not read as checked.
pub fn empty_source_diags(sheets: &Sheets, sources: &Sources) -> Vec<Diag> {
    let empty = sheets.sources.iter().filter(|s| s.facts == 0);
    empty
        .map(|s| {
            let file = sources.get(s.file);
            let first_line = file.text().lines().next().unwrap_or("").trim_end();
            Diag::warning("no-facts", format!("`{}` gives no fact", file.name))
                .in_file(s.file)
                .primary(Span::new(0, first_line.len()), "no figure is read from this file")
                .with_help("a data file gives each figure under an entity, a period and a metric: see `tickmark sheet`")
        })
        .collect()
}

/// How many places of a file's missing figures a note labels; the rest are counted.
const MISSING_SHOWN: usize = 10;

/// A note (shown with `--verbose`) for every data file with cells marking a figure as missing (`n/a`,
/// `—`): how many, and where, so that a gap in the data is seen, never read as a zero.
pub fn missing_diags(sheets: &Sheets, sources: &Sources) -> Vec<Diag> {
    let with_missing = sheets.sources.iter().filter(|s| !s.missing.is_empty());
    with_missing
        .map(|s| {
            let (count, name) = (s.missing.len(), &sources.get(s.file).name);
            let figures = if count == 1 { "figure" } else { "figures" };
            let mut diag =
                Diag::new(Level::Info, "missing-figure", format!("`{name}` marks {count} {figures} as missing"))
                    .in_file(s.file);
            for (i, &span) in s.missing.iter().take(MISSING_SHOWN).enumerate() {
                diag = if i == 0 { diag.primary(span, "missing: no fact") } else { diag.label(span, "missing") };
            }
            let more = count.saturating_sub(MISSING_SHOWN);
            let more = if more > 0 { format!(" ({more} more not shown)") } else { String::new() };
            diag.with_help(format!(
                "a missing figure gives no fact: a check that reads it is skipped there, never given a zero{more}"
            ))
        })
        .collect()
}

/// A warning for a run without a rule: an empty rule folder checks nothing and passes.
pub fn no_rules_diag(program: &Program) -> Option<Diag> {
    program.rules.is_empty().then(|| {
        Diag::warning("no-rules", "the run has no rule: nothing was checked")
            .with_help("give rule files or folders holding `.tick` files, or set `rules` in tickmark.toml")
    })
}

/// A note (shown with `--verbose`) for every metric of the data, in each scenario, that no rule of
/// the run reads, pointing at its first fact: a figure nobody checks, or a name misspelt in the data.
pub fn unread_diags(program: &Program, sheets: &Sheets, rules: &[usize]) -> Vec<Diag> {
    let read = read_columns(program, rules);
    let read_names: Vec<&str> = sheets
        .metrics
        .iter()
        .enumerate()
        .filter(|(m, _)| Scenario::ALL.iter().any(|&s| read.contains(&(*m as MetricId, s))))
        .map(|(_, n)| n.as_str())
        .collect();
    let mut diags = Vec::new();
    for (metric, name) in sheets.metrics.iter().enumerate() {
        for scenario in Scenario::ALL {
            if read.contains(&(metric as MetricId, scenario)) {
                continue;
            }
            let Some(fact) = sheets.first_fact(metric as MetricId, scenario) else { continue };
            let shown = match scenario {
                Scenario::Actual => name.clone(),
                s => format!("{}.{name}", s.as_str()),
            };
            diags.push(
                Diag::new(Level::Info, "unread-metric", format!("no rule reads `{shown}`"))
                    .in_file(fact.origin.file)
                    .primary(fact.origin.span, "read by no rule")
                    .with_help(match crate::suggest::did_you_mean(name, read_names.iter().copied()) {
                        Some(near) => format!("rules read `{near}`: is `{name}` misspelt in the data?"),
                        None => "a figure no rule checks yet, or a metric name misspelt in the data".to_owned(),
                    }),
            );
        }
    }
    diags
}

/// The (metric, scenario) columns the rules read, through the cells they use.
fn read_columns(program: &Program, rules: &[usize]) -> std::collections::HashSet<(MetricId, Scenario)> {
    let mut read = std::collections::HashSet::new();
    let mut cells_seen = vec![false; program.cells.len()];
    let mut stack: Vec<&CExpr> = Vec::new();
    for rule in rules.iter().map(|&r| &program.rules[r]) {
        stack.push(&rule.body);
        let holes = rule.title.iter().flat_map(|t| &t.parts);
        stack.extend(holes.filter_map(|p| if let TitlePart::Hole(_, e) = p { Some(e) } else { None }));
    }
    while let Some(expr) = stack.pop() {
        crate::check::walk(expr, &mut |e| match &e.kind {
            CKind::Fact { metric, scenario, .. } => {
                read.insert((*metric, *scenario));
            }
            CKind::Pattern { metrics, scenario, .. } => read.extend(metrics.iter().map(|(m, _)| (*m, *scenario))),
            CKind::Cell(cell) if !cells_seen[*cell] => {
                cells_seen[*cell] = true;
                stack.push(&program.cells[*cell].body);
            }
            _ => {}
        });
    }
    read
}
