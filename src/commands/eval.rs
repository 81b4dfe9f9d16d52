//! `tickmark eval EXPR`: one expression against the loaded data, at every entity and period.
//!
//! The expression is compiled as a rule's body would be (names against the run's cells and the
//! data's metrics, units checked), then evaluated at every period each entity has data for. This
//! file also holds what `explain` and `sheet` share with it: checking `--entity` and `--period`
//! against the data, and the output of a run that could not be made.

use std::collections::HashMap;
use std::fmt::Write;

use crate::check::infer::Infer;
use crate::check::resolve::Resolver;
use crate::check::{CExpr, Program};
use crate::data::{EntityId, Sheets};
use crate::diag::Diag;
use crate::eval::{Evaluator, Halt, Value};
use crate::period::Period;
use crate::report::human::{self, Style};
use crate::report::tree::paint;
use crate::source::{SourceId, Sources};

use super::{Inputs, Loaded, Output};

/// Arguments of `tickmark eval`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  tickmark eval 'operating_income / revenue' --entity AMZN    a margin at every period of AMZN
  tickmark eval 'growth(revenue, revenue[-1y])' --period 2025Q4
  tickmark eval 'sum(segment.*.revenue) ~= revenue'           a condition, true or false

Each row is an entity and a period with data; where an input has no value the row says which.
Exit codes: 0 once evaluated, even where a row errs; 2 the expression or the run is broken.")]
pub struct Args {
    /// The expression, written as in a rule: names of metrics and cells, functions, `x[-1y]`.
    #[arg(allow_hyphen_values = true)]
    pub expr: String,
    #[command(flatten)]
    pub inputs: Inputs,
    /// Evaluate only at these entities (repeatable).
    #[arg(long)]
    pub entity: Vec<String>,
    /// Evaluate only at these periods, such as `2025Q4` or `FY2025` (repeatable).
    #[arg(long)]
    pub period: Vec<String>,
}

/// The name of the virtual source that holds the expression, for diagnostics.
const EXPR_SOURCE: &str = "<expr>";

/// Runs `tickmark eval`.
pub fn run(args: Args, style: Style) -> Output {
    let mut loaded = match super::load(&args.inputs) {
        Ok(loaded) => loaded,
        Err((diags, sources)) => return failure(&diags, &sources, style),
    };
    let file = loaded.sources.add(EXPR_SOURCE.to_owned(), args.expr.as_str());
    let compiled = compile(&args.expr, file, &loaded)
        .and_then(|e| narrow(&loaded.sheets, &args.entity, &args.period).map(|n| (e, n)));
    match compiled {
        Ok((expr, at)) => Output::ok(table(&evaluate(&expr, file, &loaded, &at), &loaded.sources, style)),
        Err(diags) => failure(&diags, &loaded.sources, style),
    }
}

/// Parses, resolves and type-checks the expression against the run's cells and the data.
fn compile(text: &str, file: SourceId, loaded: &Loaded) -> Result<CExpr, Vec<Diag>> {
    let ast = crate::syntax::parser::parse_expr(text, file)?;
    let cells: HashMap<String, usize> =
        loaded.program.cells.iter().enumerate().map(|(id, c)| (c.name.clone(), id)).collect();
    let mut errors = Vec::new();
    let mut resolver = Resolver { sheets: &loaded.sheets, cells: &cells, file, errors: &mut errors };
    let expr = resolver.expr(&ast);
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut infer = Infer::new(&loaded.program, &loaded.sheets);
    infer.ty(&expr, file);
    if infer.errors.is_empty() { Ok(expr) } else { Err(infer.errors) }
}

/// One row of the table: where, and what the expression gave there.
struct Row {
    entity: String,
    period: Period,
    result: Result<Value, Halt>,
}

/// Evaluates the expression at every entity and period admitted.
fn evaluate(expr: &CExpr, file: SourceId, loaded: &Loaded, at: &Narrow) -> Vec<Row> {
    let mut rows = Vec::new();
    for &entity in &at.entities {
        let mut ev = Evaluator::new(&loaded.program, &loaded.sheets, entity);
        for period in at.periods_of(&loaded.sheets, entity) {
            let result = ev.eval(expr, period, file);
            rows.push(Row { entity: loaded.sheets.entities[entity as usize].clone(), period, result });
        }
    }
    rows
}

/// The rows as an aligned table: `entity  period  value`.
fn table(rows: &[Row], sources: &Sources, style: Style) -> String {
    let entity_width = rows.iter().map(|r| r.entity.chars().count()).chain([6]).max().unwrap_or(6);
    let mut out = format!("{:<entity_width$}  {:<7} value\n", "entity", "period");
    for row in rows {
        let value = match &row.result {
            Ok(v) => v.show_with_interval(),
            Err(halt) => paint(style.color, "2", &halt_words(halt, sources)),
        };
        let period = row.period.to_string();
        let _ = writeln!(out, "{:<entity_width$}  {period:<7} {value}", row.entity);
    }
    if rows.is_empty() {
        out.push_str("(no entity has data at the periods asked for)\n");
    }
    out
}

/// Why an evaluation gave no value, in words: `—  (no value: `revenue` at 2025Q3)`.
pub fn halt_words(halt: &Halt, sources: &Sources) -> String {
    match halt {
        Halt::Missing(m) => format!("—  (no value: {} at {})", m.name, m.period),
        Halt::Error(e) => {
            let file = sources.get(e.file);
            if file.name == EXPR_SOURCE {
                format!("error: {}", e.message)
            } else {
                format!("error: {} (at {})", e.message, sources.location(e.file, e.span))
            }
        }
        Halt::Unplaced(message) => format!("error: {message}"),
    }
}

/// What `--entity` and `--period` narrow a command to, checked against the data.
pub struct Narrow {
    /// The entities, in the order of the sheets.
    pub entities: Vec<EntityId>,
    /// The periods asked for; empty means every period.
    pub periods: Vec<Period>,
}

impl Narrow {
    /// The periods of an entity that the narrowing admits, in order.
    pub fn periods_of(&self, sheets: &Sheets, entity: EntityId) -> Vec<Period> {
        let admitted = |p: &&Period| self.periods.is_empty() || self.periods.contains(p);
        sheets.periods_of(entity).iter().filter(admitted).copied().collect()
    }

    /// The entity names, for [`crate::eval::Filter`].
    pub fn entity_names(&self, sheets: &Sheets) -> Vec<String> {
        self.entities.iter().map(|&e| sheets.entities[e as usize].clone()).collect()
    }
}

/// Checks `--entity` and `--period` against the data: unknown names are errors with the nearest name.
pub fn narrow(sheets: &Sheets, entities: &[String], periods: &[String]) -> Result<Narrow, Vec<Diag>> {
    let mut errors = Vec::new();
    let names: Vec<&str> = sheets.entities.iter().map(String::as_str).collect();
    for e in entities.iter().filter(|e| sheets.entity_id(e).is_none()) {
        errors.push(unknown("entity", e, names.iter().copied()));
    }
    let mut known: Vec<Period> = (0..names.len()).flat_map(|e| sheets.periods_of(e as EntityId).to_vec()).collect();
    known.sort();
    known.dedup();
    let shown: Vec<String> = known.iter().map(Period::to_string).collect();
    let mut asked = Vec::new();
    for p in periods {
        match Period::parse(p) {
            Some(period) if known.contains(&period) => asked.push(period),
            Some(_) => errors.push(unknown("period", p, shown.iter().map(String::as_str))),
            None => errors.push(
                Diag::error("bad-argument", format!("`{p}` is not a period"))
                    .with_help("write a fiscal quarter as `2025Q4` or a fiscal year as `FY2025`"),
            ),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let all = (0..names.len() as EntityId).collect();
    let chosen = entities.iter().filter_map(|e| sheets.entity_id(e)).collect::<Vec<_>>();
    Ok(Narrow { entities: if chosen.is_empty() { all } else { sorted(chosen) }, periods: asked })
}

/// Ids in order, each once.
fn sorted(mut ids: Vec<EntityId>) -> Vec<EntityId> {
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// `no entity `AMZM` in the data`, with the nearest known name.
pub fn unknown<'a>(kind: &str, given: &str, known: impl IntoIterator<Item = &'a str>) -> Diag {
    let diag = Diag::error("bad-argument", format!("no {kind} `{given}` in the data"));
    match crate::suggest::did_you_mean(given, known) {
        Some(best) => diag.with_help(format!("did you mean `{best}`?")),
        None => diag,
    }
}

/// A run that could not be made: every diagnostic on stderr, exit code 2.
pub fn failure(diags: &[Diag], sources: &Sources, style: Style) -> Output {
    let count = diags.len();
    let mut stderr = human::render_diags(diags, sources, style);
    let _ = writeln!(stderr, "error: the run could not be made: {count} error{}", if count == 1 { "" } else { "s" });
    Output { stdout: String::new(), stderr, code: 2 }
}

/// The program's rule names, for did-you-mean.
pub fn rule_names(program: &Program) -> Vec<&str> {
    program.rules.iter().map(|r| r.name.as_str()).collect()
}
