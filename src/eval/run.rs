//! Filling every rule across every entity and period, like a spreadsheet row across its columns.

use std::borrow::Cow;

use rayon::prelude::*;

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
    /// Whether values inside the inputs' intervals could give the other verdict (a pass or a
    /// failure only; see [`super::verdict`]).
    pub borderline: bool,
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
    /// Whether a rule is checked at a period: its `at` and the filter's periods (`--period`) admit it.
    pub fn admits(&self, rule: &Rule, period: Period) -> bool {
        admitted(rule, &self.periods, period)
    }

    /// The rules the filter admits, in program order.
    pub fn rules_of(&self, program: &Program) -> Vec<RuleId> {
        (0..program.rules.len())
            .filter(|&r| self.rules.is_empty() || self.rules.contains(&program.rules[r].name))
            .collect()
    }
}

/// What a run keeps of its checks besides their counts. A decided pass is never kept: every check a
/// run made can be listed again from the rules, the periods and the checks kept ([`Results::listed`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Keep {
    /// Failed, erred and skipped checks, and borderline passes (reports can list every check).
    #[default]
    NotPassed,
    /// Failed and erred checks only (`--only failed`): reports list those and the summary.
    Failed,
}

/// The counts of one rule's checks.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tally {
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
    pub errors: usize,
    /// Passes and failures whose verdict rounding could flip.
    pub borderline_passed: usize,
    pub borderline_failed: usize,
    /// The first skipped check (by entity, then period), for the warning on a rule checked nowhere.
    pub first_skip: Option<Check>,
}

impl Tally {
    /// Counts a check's outcome (the first skip is kept whole).
    fn add(&mut self, check: &Check) {
        match check.outcome {
            Outcome::Pass => {
                self.passed += 1;
                self.borderline_passed += usize::from(check.borderline);
            }
            Outcome::Fail(_) => {
                self.failed += 1;
                self.borderline_failed += usize::from(check.borderline);
            }
            Outcome::Error(..) => self.errors += 1,
            Outcome::Skip(_) => {
                self.skipped += 1;
                if self.first_skip.is_none() {
                    self.first_skip = Some(check.clone());
                }
            }
        }
    }

    /// Adds the counts of the checks of later entities.
    fn merge(&mut self, later: Tally) {
        self.passed += later.passed;
        self.failed += later.failed;
        self.skipped += later.skipped;
        self.errors += later.errors;
        self.borderline_passed += later.borderline_passed;
        self.borderline_failed += later.borderline_failed;
        if self.first_skip.is_none() {
            self.first_skip = later.first_skip;
        }
    }

    /// How many checks the rule made, skipped ones included.
    pub fn total(&self) -> usize {
        self.passed + self.failed + self.skipped + self.errors
    }

    /// How many verdicts rounding could flip, passes and failures.
    pub fn borderline(&self) -> usize {
        self.borderline_passed + self.borderline_failed
    }
}

/// What a run found: the checks kept, and every rule's counts.
#[derive(Debug, Clone, Default)]
pub struct Results {
    /// The checks kept (see [`Keep`]), by rule (in program order), entity, then period.
    pub checks: Vec<Check>,
    /// Per rule of the program (zero for a rule the filter left out), its counts.
    pub tallies: Vec<Tally>,
    /// The rules the run covered, in program order.
    pub rules: Vec<RuleId>,
    /// The entities the run covered, in order.
    entities: Vec<EntityId>,
    /// The periods the run was narrowed to (`--period`); empty for every period.
    periods: Vec<Period>,
    pub keep: Keep,
}

/// How many entities a worker evaluates at a time: enough to make the hand-over cheap.
const ENTITIES_PER_TASK: usize = 16;

/// Runs every rule of the program at every entity and period the filter admits, entities in parallel.
///
/// Each entity is evaluated by one worker, with its own cache of cells; results are put back in the
/// order of a sequential run, so a report is the same bytes whatever the number of threads.
pub fn run(program: &Program, sheets: &Sheets, filter: &Filter, keep: Keep) -> Results {
    let rules = filter.rules_of(program);
    let entities: Vec<EntityId> = (0..sheets.entities.len() as EntityId)
        .filter(|&e| filter.entities.is_empty() || filter.entities.contains(&sheets.entities[e as usize]))
        .collect();
    let task = |chunk: &[EntityId]| {
        let mut part = Part { checks: Vec::new(), tallies: vec![Tally::default(); rules.len()] };
        for &entity in chunk {
            run_entity(program, sheets, filter, &rules, entity, keep, &mut part);
        }
        part
    };
    let parts: Vec<Part> = if entities.len() <= ENTITIES_PER_TASK {
        vec![task(&entities)]
    } else {
        crate::workers::pool().install(|| entities.par_chunks(ENTITIES_PER_TASK).map(task).collect())
    };
    let mut tallies = vec![Tally::default(); program.rules.len()];
    let mut checks = Vec::with_capacity(parts.iter().map(|p| p.checks.len()).sum());
    for part in parts {
        for (&rule, tally) in rules.iter().zip(part.tallies) {
            tallies[rule].merge(tally);
        }
        checks.extend(part.checks);
    }
    checks.sort_by_key(|c| c.rule);
    Results { checks, tallies, rules, entities, periods: filter.periods.clone(), keep }
}

/// Whether a rule is checked at a period of a run narrowed to `periods` (none: every period).
fn admitted(rule: &Rule, periods: &[Period], period: Period) -> bool {
    rule.at.admits(period) && (periods.is_empty() || periods.contains(&period))
}

/// The checks of one worker's entities, in entity order.
struct Part {
    checks: Vec<Check>,
    /// Per rule of the run (in the order of its rule list).
    tallies: Vec<Tally>,
}

/// Every check of one entity.
fn run_entity(
    program: &Program,
    sheets: &Sheets,
    filter: &Filter,
    rules: &[RuleId],
    entity: EntityId,
    keep: Keep,
    part: &mut Part,
) {
    let mut ev = Evaluator::new(program, sheets, entity);
    for (i, &rule) in rules.iter().enumerate() {
        for &period in sheets.periods_of(entity) {
            if filter.admits(&program.rules[rule], period) {
                let check = check(&mut ev, rule, period);
                part.tallies[i].add(&check);
                let kept = match check.outcome {
                    Outcome::Pass => check.borderline && keep == Keep::NotPassed,
                    Outcome::Skip(_) => keep == Keep::NotPassed,
                    Outcome::Fail(_) | Outcome::Error(..) => true,
                };
                if kept {
                    part.checks.push(check);
                }
            }
        }
    }
}

impl Results {
    /// The checks a report lists, in report order: every check, passes included (each pass made
    /// again from its rule, entity and period, its title evaluated again), or with [`Keep::Failed`]
    /// the failed and erred ones. Nothing is held but the checks kept.
    pub fn listed<'a>(
        &'a self,
        program: &'a Program,
        sheets: &'a Sheets,
    ) -> Box<dyn Iterator<Item = Cow<'a, Check>> + 'a> {
        if self.keep == Keep::Failed {
            return Box::new(self.checks.iter().map(Cow::Borrowed));
        }
        let every = self.rules.iter().flat_map(move |&rule| {
            self.entities.iter().flat_map(move |&entity| {
                let r = &program.rules[rule];
                sheets
                    .periods_of(entity)
                    .iter()
                    .filter(move |&&period| admitted(r, &self.periods, period))
                    .map(move |&period| (rule, entity, period))
            })
        });
        let mut kept = self.checks.iter().peekable();
        let mut ev: Option<Evaluator> = None;
        Box::new(every.map(move |(rule, entity, period)| {
            if let Some(c) = kept.next_if(|c| (c.rule, c.entity, c.period) == (rule, entity, period)) {
                return Cow::Borrowed(c);
            }
            let r = &program.rules[rule];
            let title = r.title.as_ref().map(|_| {
                if ev.as_ref().is_none_or(|ev| ev.entity != entity) {
                    ev = Some(Evaluator::new(program, sheets, entity));
                }
                title(ev.as_mut().expect("made above"), r, period)
            });
            Cow::Owned(Check { rule, entity, period, outcome: Outcome::Pass, borderline: false, title })
        }))
    }

    /// Every check of the run, passes included, in report order (for commands that look at all of
    /// them: `sheet`, `explain`).
    pub fn every(&self, program: &Program, sheets: &Sheets) -> Vec<Check> {
        self.listed(program, sheets).map(Cow::into_owned).collect()
    }

    /// How many checks the run made, skipped ones included.
    pub fn total(&self) -> usize {
        self.tallies.iter().map(Tally::total).sum()
    }
}

/// Evaluates one check; a failure or error is evaluated again with tracing, for the report.
fn check(ev: &mut Evaluator, rule: RuleId, period: Period) -> Check {
    let r = &ev.program.rules[rule];
    ev.begin_check();
    let result = ev.eval(&r.body, period, r.file);
    let flagged = matches!(result, Ok(Value::Bool(t)) if t.borderline);
    let outcome = match result {
        // Out of steps: evaluating again with tracing would take as many, and tell nothing more.
        _ if let Some(message) = ev.out_of_steps() => {
            Outcome::Error(EvalError { file: r.file, span: r.body.span, message }, Box::default())
        }
        Ok(Value::Bool(t)) if t.holds => Outcome::Pass,
        Ok(_) => Outcome::Fail(Box::new(trace(ev, r, period))),
        Err(Halt::Missing(m)) => Outcome::Skip(m),
        Err(Halt::Error(e)) => Outcome::Error(e, Box::new(trace(ev, r, period))),
        Err(Halt::Unplaced(message)) => {
            let e = EvalError { file: r.file, span: r.body.span, message };
            Outcome::Error(e, Box::new(trace(ev, r, period)))
        }
    };
    let borderline = flagged && matches!(outcome, Outcome::Pass | Outcome::Fail(_));
    // A decided pass is counted, not kept: its title is made again only where a report lists it.
    let kept = outcome != Outcome::Pass || borderline;
    let title = r.title.as_ref().filter(|_| kept).map(|_| title(ev, r, period));
    Check { rule, entity: ev.entity, period, outcome, borderline, title }
}

/// Evaluates a check again, recording every value and fact (for a pass, which keeps no trace).
pub fn retrace(program: &Program, sheets: &Sheets, check: &Check) -> Trace {
    trace(&Evaluator::new(program, sheets, check.entity), &program.rules[check.rule], check.period)
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
