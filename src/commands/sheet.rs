//! `tickmark sheet`: the sheet as a table, each figure ticked, crossed or bare.
//!
//! Every check is run; each that reaches a verdict is traced again to learn which facts it read. A
//! fact read by a failed check is crossed; one read by passing checks only is ticked; the rest are
//! bare (no check read it, or only checks that were skipped or erred).

use std::collections::{BTreeSet, HashMap};
use std::io::IsTerminal;

use crate::data::Origin;
use crate::eval::{self, Check, Evaluator, Filter, Outcome};
use crate::report::human::Style;
use crate::report::sheet::{self, Entry, Mark};
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
    let entries = entries(&loaded, &at);
    let (sources, sheets) = (&loaded.sources, &loaded.sheets);
    Output::ok(match args.format {
        Format::Table => sheet::table(&entries, &sheets.conflicts, &sheets.attributes, sources, width(), style),
        Format::Csv => sheet::csv(&entries),
        Format::Json => sheet::json(&entries, &sheets.attributes, sources, &sheets.sources),
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

/// Every fact of the entities asked for, in the order of the table, with its mark.
fn entries(loaded: &Loaded, at: &Narrow) -> Vec<Entry> {
    let readers = readers(loaded, at);
    let sheets = &loaded.sheets;
    let mut metrics: Vec<(u32, &String)> = sheets.metrics.iter().enumerate().map(|(m, n)| (m as u32, n)).collect();
    metrics.sort_by(|a, b| sheet::metric_order(a.1, b.1));
    let mut out = Vec::new();
    for &entity in &at.entities {
        for scenario in Scenario::ALL {
            for &(metric, name) in &metrics {
                for &period in sheets.periods_of(entity) {
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

/// Runs every check of the entities and traces each that passed or failed, collecting what it read.
fn readers(loaded: &Loaded, at: &Narrow) -> HashMap<Origin, Readers> {
    // Every entity is no filter at all: a list of them all would be searched once per entity.
    let all = at.entities.len() == loaded.sheets.entities.len();
    let entities = if all { Vec::new() } else { at.entity_names(&loaded.sheets) };
    let filter = Filter { entities, ..Filter::default() };
    let mut readers: HashMap<Origin, Readers> = HashMap::new();
    let results = eval::run(&loaded.program, &loaded.sheets, &filter, eval::Keep::NotPassed);
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
    let _ = tracer.eval(&rule.body, check.period, rule.file);
    tracer.trace.map_or(Vec::new(), |t| t.facts.iter().map(|f| f.fact.origin).collect())
}
