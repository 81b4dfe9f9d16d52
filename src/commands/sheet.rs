//! `tickmark sheet`: the sheet as a table, each figure ticked, crossed or bare.
//!
//! Every check is run; each that reaches a verdict is traced again to learn which facts it read. A
//! fact read by a failed check is crossed; one read by passing checks only is ticked; the rest are
//! bare (no check read it, or only checks that were skipped or erred).

use std::collections::{BTreeSet, HashMap};
use std::io::IsTerminal;

use crate::config;
use crate::data::Origin;
use crate::diag::Diag;
use crate::escape;
use crate::eval::{self, Check, Evaluator, Filter, Outcome, Results};
use crate::report::human::Style;
use crate::report::sheet::{self, Entry, Mark};
use crate::report::{Run, html};
use crate::source::{Sources, display_path};
use crate::syntax::ast::Scenario;

use super::{Inputs, Loaded, Narrow, Output, failure, narrow};

/// The formats of `tickmark sheet`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// Tables for people, split to fit the terminal.
    #[default]
    Table,
    /// A row per entity and metric; per scenario and period a figure column and a status column.
    Csv,
    /// `{"facts": [...]}`: entity, metric, scenario, period, value, unit, status, location, source.
    Json,
    /// The workpaper of `check --format html`: the sheet with its exceptions, one HTML page.
    Html,
}

/// Arguments of `tickmark sheet`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  tickmark sheet --entity AMZN                   metrics down, periods across, a block per scenario
  tickmark sheet --entity AMZN --format csv      for a spreadsheet
  COLUMNS=80 tickmark sheet | less               split the period columns to fit 80 columns

✓ read by a passing check and no failed one; ✗ read by a failed check; no mark: read by no check.
The table fits the terminal (or COLUMNS, where set); piped elsewhere it is as wide as it needs.
CSV: columns entity, metric, unit, then `SCENARIO PERIOD` (the figure as written, without the
row's unit) and `SCENARIO PERIOD status` (checked, failed or bare) for every scenario and period.")]
pub struct Args {
    #[command(flatten)]
    pub inputs: Inputs,
    /// Show only these entities (repeatable).
    #[arg(long)]
    pub entity: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Who prepared the workpaper (`--format html`); else `preparer` of `[workpaper]` in tickmark.toml.
    #[arg(long, value_name = "NAME")]
    pub preparer: Option<String>,
}

/// Runs `tickmark sheet`.
pub fn run(args: Args, style: Style) -> Output {
    let loaded = match super::load_data(&args.inputs) {
        Ok(loaded) => loaded,
        Err((diags, sources)) => return failure(&diags, &sources, style),
    };
    let at = match narrow(&loaded.sheets, &args.entity, &[]) {
        Ok(at) => at,
        Err(diags) => return failure(&diags, &loaded.sources, style),
    };
    let filter = Filter { entities: every_or(&loaded, &at), ..Filter::default() };
    let results = eval::run(&loaded.program, &loaded.sheets, &filter, eval::Keep::NotPassed);
    let entries = entries(&loaded, &at, &results);
    let (program, sheets, sources) = (&loaded.program, &loaded.sheets, &loaded.sources);
    Output::ok(match args.format {
        Format::Table => {
            sheet::table(&entries, &sheets.conflicts, &sheets.splits, &sheets.attributes, sources, width(), style)
        }
        Format::Csv => sheet::csv(&entries),
        Format::Json => sheet::json(&entries, &sheets.attributes, sources, &sheets.sources),
        Format::Html => match meta(args.preparer, &loaded) {
            Ok(meta) => html::render(
                &Run { program, sheets, sources, results: &results, warnings: &[], conflicts: Default::default() },
                &entries,
                &meta,
            ),
            Err((diags, sources)) => return failure(&diags, &sources, style),
        },
    })
}

/// The workpaper of a run of `check` (narrowed by `--entity` and `--period` as it was).
pub fn workpaper(loaded: &Loaded, at: &super::Narrowing, run: &Run, meta: &html::Meta) -> String {
    // the narrowing was checked before the run was made
    let narrowed = at.against(&loaded.sheets).unwrap_or_else(|_| Narrow { entities: Vec::new(), periods: Vec::new() });
    html::render(run, &entries(loaded, &narrowed, run.results), meta)
}

/// What the workpaper says beyond the run: `--preparer` or the `[workpaper]` of tickmark.toml (the
/// nearest, as for the paths), its legend, and the run date ([`html::run_date`]).
pub fn meta(preparer: Option<String>, loaded: &Loaded) -> Result<html::Meta, (Vec<Diag>, Sources)> {
    let mut sources = Sources::default();
    let cwd = std::env::current_dir().unwrap_or_default();
    let workpaper = match config::find(&cwd) {
        Some(found) => config::load(&found, display_path(&found), &mut sources).map_err(|d| (d, sources))?.workpaper,
        None => config::Workpaper::default(),
    };
    let date = html::run_date().map_err(|given| {
        let diag = Diag::error(
            "bad-argument",
            format!("SOURCE_DATE_EPOCH is `{}`, not a number of seconds", escape::excerpt(&given)),
        )
        .with_help("set it to the seconds since 1970-01-01 UTC (`date +%s`), or unset it for the time now");
        (vec![diag], Sources::default())
    })?;
    Ok(html::Meta {
        preparer: preparer.or_else(|| workpaper.preparer.clone()),
        date,
        rule_files: loaded.files.iter().map(|f| f.file).collect(),
        legend: workpaper,
    })
}

/// The width to fit: `COLUMNS` where set, else the terminal's; no limit when piped.
fn width() -> Option<usize> {
    if let Some(columns) = std::env::var("COLUMNS").ok().and_then(|c| c.trim().parse().ok()) {
        return Some(columns);
    }
    if !std::io::stdout().is_terminal() {
        return None;
    }
    terminal_size::terminal_size().map(|(w, _)| usize::from(w.0))
}

/// The rules that read a fact, by verdict.
#[derive(Debug, Default)]
struct Readers {
    passed: BTreeSet<String>,
    failed: BTreeSet<String>,
}

/// The entity names of a [`Filter`]: none where every entity is asked for (a list of them all would
/// be searched once per entity).
fn every_or(loaded: &Loaded, at: &Narrow) -> Vec<String> {
    let all = at.entities.len() == loaded.sheets.entities.len();
    if all { Vec::new() } else { at.entity_names(&loaded.sheets) }
}

/// Every fact of the entities and periods asked for, in the order of the table, with its mark from
/// the checks of `results` (a run over those entities: `sheet`'s own, or `check --format html`'s).
pub fn entries(loaded: &Loaded, at: &Narrow, results: &Results) -> Vec<Entry> {
    let readers = readers(loaded, results);
    let sheets = &loaded.sheets;
    let mut metrics: Vec<(u32, &String)> = sheets.metrics.iter().enumerate().map(|(m, n)| (m as u32, n)).collect();
    metrics.sort_by(|a, b| sheet::metric_order(a.1, b.1));
    let mut out = Vec::new();
    for &entity in &at.entities {
        for scenario in Scenario::ALL {
            for &(metric, name) in &metrics {
                for period in at.periods_of(sheets, entity) {
                    let Some(fact) = sheets.get(metric, scenario, entity, period) else { continue };
                    let entity = sheets.entities[entity as usize].clone();
                    let entry = Entry::new(entity, name.clone(), scenario, period, fact);
                    out.push(with_readers(entry, readers.get(&fact.origin)));
                }
            }
        }
    }
    out
}

/// An entry with the rules that read its fact, and its mark from them.
fn with_readers(mut entry: Entry, readers: Option<&Readers>) -> Entry {
    if let Some(r) = readers {
        entry.checked_by = r.passed.iter().cloned().collect();
        entry.failed_by = r.failed.iter().cloned().collect();
    }
    entry.mark = mark(&entry.checked_by, &entry.failed_by);
    entry
}

/// ✗ when a failed check read it, ✓ when only passing checks did, bare otherwise.
fn mark(checked_by: &[String], failed_by: &[String]) -> Mark {
    match (checked_by.is_empty(), failed_by.is_empty()) {
        (_, false) => Mark::Failed,
        (false, true) => Mark::Checked,
        (true, true) => Mark::Bare,
    }
}

/// Traces every check of a run that passed or failed, collecting what it read.
fn readers(loaded: &Loaded, results: &Results) -> HashMap<Origin, Readers> {
    let mut readers: HashMap<Origin, Readers> = HashMap::new();
    for check in results.every(&loaded.program, &loaded.sheets) {
        let failed = match check.outcome {
            Outcome::Pass => false,
            Outcome::Fail(_) => true,
            Outcome::Skip(_) | Outcome::Error(..) => continue,
        };
        let rule = loaded.program.rules[check.rule].name.clone();
        for origin in read_by(loaded, &check) {
            let entry = readers.entry(origin).or_default();
            if failed {
                entry.failed.insert(rule.clone())
            } else {
                entry.passed.insert(rule.clone())
            };
        }
    }
    readers
}

/// The facts a check read, by where they were written.
fn read_by(loaded: &Loaded, check: &Check) -> Vec<Origin> {
    let rule = &loaded.program.rules[check.rule];
    let mut tracer = Evaluator::tracing(&loaded.program, &loaded.sheets, check.entity);
    tracer.one_filing(&rule.body, check.period);
    let _ = tracer.eval(&rule.body, check.period, rule.file);
    tracer.trace.map_or(Vec::new(), |t| t.facts.iter().map(|f| f.fact.origin).collect())
}
