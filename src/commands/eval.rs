//! `tickmark eval EXPR`: one expression against the loaded data, at every entity and period.
//!
//! The expression is compiled as a rule's body would be (names against the run's cells and the
//! data's metrics, units checked), then evaluated at every period each entity has data for. This
//! file also holds what `explain` and `sheet` share with it: checking `--entity` and `--period`
//! against the data, and the output of a run that could not be made.

use std::fmt::Write;

use crate::check::CExpr;
use crate::diag::Diag;
use crate::eval::{Evaluator, Halt, Value};
use crate::period::Period;
use crate::report::human::Style;
use crate::report::tree::paint;
use crate::source::{SourceId, Sources};

use super::{Inputs, Loaded, Narrow, Output, failure};

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
    #[command(flatten)]
    pub at: super::Narrowing,
}

/// The name of the virtual source that holds the expression, for diagnostics.
const EXPR_SOURCE: &str = "<expr>";

/// Runs `tickmark eval`.
pub fn run(args: Args, style: Style) -> Output {
    let mut loaded = match super::load_data(&args.inputs) {
        Ok(loaded) => loaded,
        Err((diags, sources)) => return failure(&diags, &sources, style),
    };
    let file = loaded.sources.add(EXPR_SOURCE.to_owned(), args.expr.as_str());
    let compiled = compile(&args.expr, file, &loaded).and_then(|e| args.at.against(&loaded.sheets).map(|n| (e, n)));
    match compiled {
        Ok((expr, at)) => Output::ok(table(&evaluate(&expr, file, &loaded, &at), &loaded.sources, style)),
        Err(diags) => failure(&diags, &loaded.sources, style),
    }
}

/// Parses the expression and checks it against the run's cells and the data.
fn compile(text: &str, file: SourceId, loaded: &Loaded) -> Result<CExpr, Vec<Diag>> {
    let ast = crate::syntax::parser::parse_expr(text, file)?;
    crate::check::expression(&ast, file, &loaded.program, &loaded.sheets)
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
            // read as `check` reads a rule's body: its actuals from one filing
            ev.one_filing(expr, period);
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
        Halt::Missing(m) if m.not_meaningful.is_some() => format!("—  ({})", m.describe()),
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
