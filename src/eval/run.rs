//! Filling every rule across every entity and period, like a spreadsheet row across its columns.

use crate::check::{Program, Rule, RuleId, TitlePart};
use crate::data::{EntityId, Sheets};
use crate::period::Period;

use super::expr::Evaluator;
use super::value::{EvalError, Halt, Missing, Trace, Value};

/// What a run is narrowed to (`--entity`, `--period`, `--rule`); empty lists mean everything.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub entities: Vec<String>,
    pub periods: Vec<Period>,
    pub rules: Vec<String>,
}

/// One rule at one entity and period.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    pub rule: RuleId,
    pub entity: EntityId,
    pub period: Period,
    pub outcome: Outcome,
    /// The rule's title with its `{name}` holes filled in at this entity and period.
    pub title: Option<String>,
}

/// How a check ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Pass,
    /// The condition is false; the trace holds every value and fact it saw.
    Fail(Box<Trace>),
    /// An input has no value here.
    Skip(Missing),
    /// A computation failed (division by zero, overflow, a currency clash).
    Error(EvalError, Box<Trace>),
}

impl Outcome {
    /// The status word of the JSON report: `pass`, `fail`, `skip`, `error`.
    pub fn status(&self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Fail(_) => "fail",
            Outcome::Skip(_) => "skip",
            Outcome::Error(..) => "error",
        }
    }
}

impl Filter {
    /// The rules the filter admits, in program order.
    pub fn rules_of(&self, program: &Program) -> Vec<RuleId> {
        (0..program.rules.len())
            .filter(|&r| self.rules.is_empty() || self.rules.contains(&program.rules[r].name))
            .collect()
    }
}

/// Runs every rule of the program at every entity and period the filter admits.
pub fn run(program: &Program, sheets: &Sheets, filter: &Filter) -> Vec<Check> {
    let rules = filter.rules_of(program);
    let mut checks = Vec::new();
    for (entity, name) in sheets.entities.iter().enumerate() {
        if !filter.entities.is_empty() && !filter.entities.contains(name) {
            continue;
        }
        let mut ev = Evaluator::new(program, sheets, entity as EntityId);
        for &rule in &rules {
            for &period in sheets.periods_of(entity as EntityId) {
                if program.rules[rule].at.admits(period)
                    && (filter.periods.is_empty() || filter.periods.contains(&period))
                {
                    checks.push(check(&mut ev, rule, period));
                }
            }
        }
    }
    checks.sort_by_key(|c| c.rule);
    checks
}

/// Evaluates one check; a failure or error is evaluated again with tracing, for the report.
fn check(ev: &mut Evaluator, rule: RuleId, period: Period) -> Check {
    let r = &ev.program.rules[rule];
    let outcome = match ev.eval(&r.body, period, r.file) {
        Ok(Value::Bool(true)) => Outcome::Pass,
        Ok(_) => Outcome::Fail(Box::new(trace(ev, r, period))),
        Err(Halt::Missing(m)) => Outcome::Skip(m),
        Err(Halt::Error(e)) => Outcome::Error(e, Box::new(trace(ev, r, period))),
        Err(Halt::Unplaced(message)) => {
            let e = EvalError { file: r.file, span: r.body.span, message };
            Outcome::Error(e, Box::new(trace(ev, r, period)))
        }
    };
    let title = r.title.as_ref().map(|_| title(ev, r, period));
    Check { rule, entity: ev.entity, period, outcome, title }
}

/// Evaluates a rule again, recording every value and fact.
pub fn trace(ev: &Evaluator, rule: &Rule, period: Period) -> Trace {
    let mut tracer = Evaluator::tracing(ev.program, ev.sheets, ev.entity);
    let _ = tracer.eval(&rule.body, period, rule.file);
    tracer.trace.unwrap_or_default()
}

/// The title with each `{name}` replaced by its value here (`?` where it has none).
fn title(ev: &mut Evaluator, rule: &Rule, period: Period) -> String {
    let Some(title) = &rule.title else { return String::new() };
    let mut out = String::new();
    for part in &title.parts {
        match part {
            TitlePart::Text(t) => out.push_str(t),
            TitlePart::Hole(_, e) => match ev.eval(e, period, rule.file) {
                Ok(v) => out.push_str(&v.show()),
                Err(_) => out.push('?'),
            },
        }
    }
    out
}
