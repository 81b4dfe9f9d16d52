//! The run's own warnings, so that nothing passes silently: sources that disagree, rules checked
//! nowhere, rules skipped at a period they name, data files that give no fact, a run without rules
//! or that checked nothing, a metric of the data misspelt beside one a rule reads; and (with
//! `--verbose`) every other figure in the data that no rule reads; and a note of each stock split the
//! data's restatements show.

use crate::check::{CExpr, CKind, Program, TitlePart};
use crate::data::{Conflict, EntityId, MetricId, Sheets};
use crate::diag::{Diag, Level};
use crate::eval::{Check, Outcome, Results, Tally};
use crate::period::Period;
use crate::source::{Sources, Span};
use crate::suggest::Index;
use crate::syntax::ast::Scenario;

/// Every warning (and with `verbose`, every note) of a run, in report order; `narrowed` says whether
/// `--entity` or `--period` narrowed it.
pub fn of_run(
    program: &Program,
    sheets: &Sheets,
    sources: &Sources,
    results: &Results,
    narrowed: bool,
    verbose: bool,
) -> Vec<Diag> {
    let mut diags = nowhere_diags(program, sheets, results, narrowed);
    diags.extend(named_skip_diags(program, sheets, results, narrowed));
    diags.extend(no_rules_diag(program));
    diags.extend(nothing_checked_diag(program, results, narrowed));
    diags.extend(empty_source_diags(sheets, sources));
    diags.extend(sheets.splits.iter().map(split_diag));
    diags.extend(program.warnings.iter().cloned());
    diags.extend(sheets.attributes.conflicts.iter().map(|c| crate::data::entity::conflict_diag(c, sources)));
    diags.extend(unread_diags(program, sheets, &results.rules, verbose));
    if verbose {
        diags.extend(missing_diags(sheets, sources));
    }
    diags
}

/// The conflicts of a run as `--conflicts` shows them: each between different sources with both
/// places; those between filings of one source one diagnostic per source and filing day (a count and
/// the first few), or counted in a line; with `none`, a line with the count.
pub fn conflict_diags(run: &super::Run) -> Vec<Diag> {
    use super::Conflicts;
    let (within, between): (Vec<&Conflict>, Vec<&Conflict>) =
        run.sheets.conflicts.iter().partition(|c| c.kept.origin.file == c.other.origin.file);
    let hidden = |count: usize, what: &str, flag: &str| {
        let noun = if count == 1 { "conflict" } else { "conflicts" };
        Diag::new(Level::Info, "conflicts-hidden", format!("{count} {noun} {what} not shown")).with_help(format!(
            "`--conflicts {flag}` shows them; they count in the summary, and under `--deny warnings` fail the run"
        ))
    };
    let total = run.sheets.conflicts.len();
    match run.conflicts {
        Conflicts::None => (total > 0).then(|| hidden(total, "in the data", "filings")).into_iter().collect(),
        Conflicts::Sources => {
            let mut diags: Vec<Diag> = between.iter().map(|c| conflict_diag(c, run.sources)).collect();
            if !within.is_empty() {
                diags.push(hidden(within.len(), "between filings of one source", "filings"));
            }
            diags
        }
        Conflicts::Filings => {
            let mut diags: Vec<Diag> = between.iter().map(|c| conflict_diag(c, run.sources)).collect();
            diags.extend(filing_groups(&within, run.sources));
            diags
        }
    }
}

/// Conflicts between filings of one source, one warning per source and filing day: how many, and the
/// first three with both places.
fn filing_groups(within: &[&Conflict], sources: &Sources) -> Vec<Diag> {
    let mut groups: std::collections::BTreeMap<_, Vec<&Conflict>> = std::collections::BTreeMap::new();
    for c in within {
        groups.entry((c.kept.origin.file, c.kept.given, c.other.given)).or_default().push(c);
    }
    let mut diags = Vec::new();
    for ((file, kept, other), list) in groups {
        let day = |d: Option<crate::date::Date>| d.map_or_else(|| "undated".to_owned(), |d| d.to_string());
        let when = if kept == other {
            format!("filed on {}", day(kept))
        } else {
            format!("of {} and {}", day(kept), day(other))
        };
        let name = &sources.get(file).name;
        let noun = if list.len() == 1 { "conflict" } else { "conflicts" };
        let mut diag = Diag::warning("conflict", format!("{} {noun} between filings {when} in {name}", list.len()));
        diag = diag.with_help("filings of one day that give one fact different values; the first filing given wins");
        for c in list.iter().take(3) {
            let at = format!("{} {} at {}", c.key.entity, c.key.metric, c.key.period);
            let place = |f: &crate::data::Fact| sources.location(f.origin.file, f.origin.span);
            diag = diag.note(format!(
                "{at}: {} ({}) vs {} ({})",
                c.kept.value.show(),
                place(&c.kept),
                c.other.value.show(),
                place(&c.other)
            ));
        }
        if list.len() > 3 {
            diag = diag.note(format!("and {} more", list.len() - 3));
        }
        diags.push(diag);
    }
    diags
}

/// A stock split the data's restatements show: a note, once, where its restated figures are vintages
/// of their facts (a check reads one filing's, so pre- and post-split figures never meet).
pub fn split_diag(split: &crate::data::Split) -> Diag {
    Diag::new(Level::Info, "stock-split", split.describe()).with_help(format!(
        "each restated figure is an earlier vintage of its fact (`[given -1]`), not a conflict; for one: {}",
        split.place
    ))
}

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
        format!(
            "sources disagree on {} {scenario}{} {}{}: {kept} vs {other}",
            c.key.entity,
            c.key.metric,
            c.key.period,
            c.kept.given.map_or_else(String::new, |date| format!(" given {date}"))
        ),
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
    let mut near = NearMetrics::new(sheets);
    let mut diags = Vec::new();
    for &r in &results.rules {
        let tally = &results.tallies[r];
        if !checked_nowhere(tally) {
            continue;
        }
        let rule = &program.rules[r];
        // a skip at a period the rule names says more (it names the data's near name) than the first
        let help = match tally.first_named_skip.as_ref().or(tally.first_skip.as_ref()) {
            Some(c) => format!(
                "every check was skipped: {}{}",
                skip_words(c, sheets, &mut near),
                if tally.skipped > 1 { format!(" (and {} more skipped)", tally.skipped - 1) } else { String::new() }
            ),
            None => "no entity has data at the periods this rule is checked at".to_owned(),
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

/// Whether a rule made no check but skipped ones.
fn checked_nowhere(tally: &Tally) -> bool {
    tally.total() == tally.skipped
}

/// A warning for every rule `at` named periods that was skipped at one of them for an entity with
/// data where the missing input was looked for: the rule was written for that period, so a skip there
/// is news (a metric misspelt in the data, a growth from a loss), not a column the entity lacks. A
/// rule checked nowhere has its own warning in a run that is not narrowed.
pub fn named_skip_diags(program: &Program, sheets: &Sheets, results: &Results, narrowed: bool) -> Vec<Diag> {
    let mut near = NearMetrics::new(sheets);
    let mut diags = Vec::new();
    for &r in &results.rules {
        let tally = &results.tallies[r];
        let Some(check) = &tally.first_named_skip else { continue };
        if checked_nowhere(tally) && !narrowed {
            continue;
        }
        let rule = &program.rules[r];
        let at = format!("{} {}", sheets.entities[check.entity as usize], check.period);
        let more = match tally.named_skips - 1 {
            0 => String::new(),
            n => format!(" (and {n} more skipped at periods it names)"),
        };
        diags.push(
            Diag::warning(
                "skipped-at-named-period",
                format!("rule `{}` was skipped at {at}, a period it names", rule.name),
            )
            .in_file(rule.file)
            .primary(rule.name_span, format!("skipped at {}", check.period))
            .with_help(format!("{}{more}", skip_words(check, sheets, &mut near))),
        );
    }
    diags
}

/// Why a check was skipped, with the data's nearest metric where a fact was missing:
/// `` `consensus.eps_diluted` has no value at AMZN 2025Q4; the data has `consensus.eps_dilluted`: is it misspelt? ``
fn skip_words(check: &Check, sheets: &Sheets, near: &mut NearMetrics) -> String {
    let Outcome::Skip(m) = &check.outcome else { return String::new() };
    let mut words = m.describe_at(&format!("{} {}", sheets.entities[check.entity as usize], m.period));
    if let Some((metric, scenario)) = m.column
        && let Some(found) = near.nearest(metric, scenario, check.entity, m.period)
    {
        words += &format!("; the data has `{found}` there: is one of the two names misspelt?");
    }
    words
}

/// A metric's name with its scenario prefix: `consensus.eps_diluted`.
fn shown(name: &str, scenario: Scenario) -> String {
    match scenario {
        Scenario::Actual => name.to_owned(),
        s => format!("{}.{name}", s.as_str()),
    }
}

/// The metrics an entity has facts of at a period, by scenario, gathered on first use, for "did you
/// mean" on a missing fact: the name the data gives there is the likeliest misspelling.
struct NearMetrics<'a> {
    sheets: &'a Sheets,
    at: std::collections::HashMap<(EntityId, Period, Scenario), Vec<&'a str>>,
}

impl<'a> NearMetrics<'a> {
    fn new(sheets: &'a Sheets) -> NearMetrics<'a> {
        NearMetrics { sheets, at: std::collections::HashMap::new() }
    }

    /// The metric nearest to `metric`'s name (itself aside) that the entity has in `scenario` at `period`.
    fn nearest(&mut self, metric: MetricId, scenario: Scenario, entity: EntityId, period: Period) -> Option<String> {
        let sheets = self.sheets;
        let names = self.at.entry((entity, period, scenario)).or_insert_with(|| {
            let ids = 0..sheets.metrics.len() as MetricId;
            let present = ids.filter(|&m| sheets.get(m, scenario, entity, period).is_some());
            present.map(|m| sheets.metrics[m as usize].as_str()).collect()
        });
        let name = &sheets.metrics[metric as usize];
        let others = names.iter().copied().filter(|n| n != name);
        crate::suggest::did_you_mean(name, others).map(|found| shown(found, scenario))
    }
}

/// A warning for a run that checked nothing: every check skipped, or none made (`--rule x --period
/// 2025Q3` where the rule has no check at that period), which would otherwise read as a clean run.
pub fn nothing_checked_diag(program: &Program, results: &Results, narrowed: bool) -> Option<Diag> {
    let made = results.total();
    let skipped: usize = results.tallies.iter().map(|t| t.skipped).sum();
    if program.rules.is_empty() || made > skipped {
        return None;
    }
    let help = match (made, narrowed) {
        (0, true) => "no rule of the run is checked at the entities and periods it is narrowed to".to_owned(),
        (0, false) => "no entity has data at the periods the rules are checked at".to_owned(),
        (n, _) => format!("every check was skipped ({n}): an input each needs has no value"),
    };
    Some(Diag::warning("nothing-checked", "the run checked nothing").with_help(help))
}

/// A warning for every data file that gave no fact (a CSV header without rows, a TOML file of
/// empty tables): a file that checks nothing should not read as checked.
pub fn empty_source_diags(sheets: &Sheets, sources: &Sources) -> Vec<Diag> {
    let empty = sheets.sources.iter().filter(|s| s.facts == 0 && s.attributes == 0);
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

/// A diagnostic for every metric of the data, in each scenario, that no rule of the run reads,
/// pointing at its first fact: a warning where a rule reads a near name in the same scenario
/// (`consensus.eps_dilluted` beside a rule's `consensus.eps_diluted`: a name misspelt in the data
/// leaves that rule unchecked), else a note, kept only with `verbose` (a figure nobody checks yet).
pub fn unread_diags(program: &Program, sheets: &Sheets, rules: &[usize], verbose: bool) -> Vec<Diag> {
    let read = &read_columns(program, rules);
    let read_in = |scenario: Scenario| {
        let names = sheets.metrics.iter().enumerate();
        Index::new(names.filter(move |(m, _)| read.contains(&(*m as MetricId, scenario))).map(|(_, n)| n.as_str()))
    };
    let near_in: Vec<Index> = Scenario::ALL.iter().map(|&s| read_in(s)).collect();
    let read_anywhere = Index::new(
        (sheets.metrics.iter().enumerate())
            .filter(|(m, _)| Scenario::ALL.iter().any(|&s| read.contains(&(*m as MetricId, s))))
            .map(|(_, n)| n.as_str()),
    );
    let mut diags = Vec::new();
    for (metric, name) in sheets.metrics.iter().enumerate() {
        for scenario in Scenario::ALL {
            if read.contains(&(metric as MetricId, scenario)) {
                continue;
            }
            let near = near_in[scenario as usize].nearest(name);
            if near.is_none() && !verbose {
                continue;
            }
            let Some(fact) = sheets.first_fact(metric as MetricId, scenario) else { continue };
            let shown_name = shown(name, scenario);
            let diag = match near {
                Some(near) => Diag::warning("unread-metric", format!("no rule reads `{shown_name}`")).with_help(
                    format!("rules read `{}`: is `{shown_name}` misspelt in the data?", shown(near, scenario)),
                ),
                None => Diag::new(Level::Info, "unread-metric", format!("no rule reads `{shown_name}`")).with_help(
                    match read_anywhere.nearest(name) {
                        Some(near) => format!("rules read `{near}`: is `{name}` misspelt in the data?"),
                        None => "a figure no rule checks yet, or a metric name misspelt in the data".to_owned(),
                    },
                ),
            };
            diags.push(diag.in_file(fact.origin.file).primary(fact.origin.span, "read by no rule"));
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
