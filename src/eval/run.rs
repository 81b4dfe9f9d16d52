//! Filling every rule across every entity and period, like a spreadsheet row across its columns.

use std::borrow::Cow;

use rayon::prelude::*;

use crate::check::{AtSpec, CExpr, CKind, Program, Rule, RuleId, TitlePart};
use crate::data::{EntityId, Sheets};
use crate::period::Period;
use crate::source::Span;

use super::expr::Evaluator;
use super::kernel::{Inputs, Kernels, Stack, Verdict};
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
    /// Whether a rule is checked at an entity's period: its scope, its `at` and the filter's periods
    /// (`--period`) admit it.
    pub fn admits(&self, sheets: &Sheets, rule: &Rule, entity: EntityId, period: Period) -> bool {
        admitted(sheets, rule, &self.periods, entity, period)
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
    /// Checks of a rule `at` named periods skipped for an input the entity should have had (see
    /// [`Tally::named_skip`]).
    pub named_skips: usize,
    /// The first of them, for the warning that names the missing input.
    pub first_named_skip: Option<Check>,
}

impl Tally {
    /// Counts a check's outcome (the first skip is kept whole); `named` says whether a skip is one
    /// at a period the rule names that the run must not keep quiet about.
    fn add(&mut self, check: &Check, named: bool) {
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
                if named {
                    self.named_skips += 1;
                    if self.first_named_skip.is_none() {
                        self.first_named_skip = Some(check.clone());
                    }
                }
            }
        }
    }

    /// Whether a skipped check of a rule `at` named periods is one to warn of: the entity has data at
    /// the period of the missing input, and the input is meaningless there (a growth from a loss) or
    /// is a figure the entity gives at other periods, or no entity gives at all (a name misspelt in
    /// the data: `consensus.eps_dilluted` one quarter). An entity that never gives the figure is one
    /// the rule is not about, and stays quiet (the unread-metric warning catches a name misspelt at
    /// every period).
    fn named_skip(rule: &Rule, check: &Check, sheets: &Sheets) -> bool {
        let Outcome::Skip(m) = &check.outcome else { return false };
        Tally::named_gap(rule, check.entity, m, sheets)
    }

    /// [`Tally::named_skip`] of a skip for `m` at an entity.
    fn named_gap(rule: &Rule, entity: EntityId, m: &Missing, sheets: &Sheets) -> bool {
        let data = sheets.periods_of(entity);
        if !matches!(rule.at, AtSpec::Periods(_)) || data.binary_search(&m.period).is_err() {
            return false;
        }
        match m.column {
            _ if m.not_meaningful.is_some() => true,
            Some((metric, scenario)) => {
                let elsewhere = |p: &Period| sheets.get(metric, scenario, entity, *p).is_some();
                sheets.first_fact(metric, scenario).is_none() || data.iter().any(elsewhere)
            }
            None => true,
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
        self.named_skips += later.named_skips;
        if self.first_named_skip.is_none() {
            self.first_named_skip = later.first_named_skip;
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
    /// How many checks compiled kernels decided, passes and skips (the evaluator made the others).
    pub decided: usize,
}

/// How many entities a worker evaluates at a time: enough to make the hand-over cheap.
const ENTITIES_PER_TASK: usize = 16;

/// Runs every rule of the program at every entity and period the filter admits, entities in parallel.
///
/// Each entity is evaluated by one worker, with its own cache of cells; results are put back in the
/// order of a sequential run, so a report is the same bytes whatever the number of threads.
pub fn run(program: &Program, sheets: &Sheets, filter: &Filter, keep: Keep) -> Results {
    run_with(program, sheets, filter, keep, super::kernel::enabled())
}

/// [`run`], with compiled kernels deciding the checks they can (see [`super::kernel`]) or without:
/// the results are the same either way, which tests hold it to.
pub fn run_with(program: &Program, sheets: &Sheets, filter: &Filter, keep: Keep, kernels: bool) -> Results {
    let kernels = if kernels { Kernels::compile(program) } else { Kernels::default() };
    let holes: Vec<Holes> = program.rules.iter().map(hole_sources).collect();
    let rules = filter.rules_of(program);
    let entities: Vec<EntityId> = (0..sheets.entities.len() as EntityId)
        .filter(|&e| filter.entities.is_empty() || filter.entities.contains(&sheets.entities[e as usize]))
        .collect();
    let task = |chunk: &[EntityId]| {
        let mut part = Part { checks: Vec::new(), decided: 0, tallies: vec![Tally::default(); rules.len()] };
        let mut stack = Stack::default();
        for &entity in chunk {
            let at = At { program, sheets, filter, kernels: &kernels, holes: &holes };
            run_entity(&at, &rules, entity, keep, &mut part, &mut stack);
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
    let decided = parts.iter().map(|p| p.decided).sum();
    for part in parts {
        for (&rule, tally) in rules.iter().zip(part.tallies) {
            tallies[rule].merge(tally);
        }
        checks.extend(part.checks);
    }
    checks.sort_by_key(|c| c.rule);
    Results { checks, tallies, rules, entities, periods: filter.periods.clone(), keep, decided }
}

/// Whether a rule is checked at an entity's period in a run narrowed to `periods` (none: every
/// period): the entity in the rule's scope, the period in its `at`.
fn admitted(sheets: &Sheets, rule: &Rule, periods: &[Period], entity: EntityId, period: Period) -> bool {
    rule.scopes.admits(entity)
        && rule.at.admits(period, sheets.year_end(entity))
        && (periods.is_empty() || periods.contains(&period))
}

/// The periods at which a rule is tried at an entity with data at `data`, in order: each of those the
/// rule admits, and every period a rule's `at` names even where the entity has no fact, since the
/// rule may read other periods (`revenue[FY] - revenue[Q1] - revenue[Q2] - revenue[Q3]` at 2025Q4).
/// A check tried at a period without data that lacks an input is not made (see [`run_entity`]).
fn tried<'a>(
    sheets: &'a Sheets,
    rule: &'a Rule,
    narrowed: &'a [Period],
    entity: EntityId,
    data: &'a [Period],
) -> Box<dyn Iterator<Item = Period> + 'a> {
    if !rule.scopes.admits(entity) {
        return Box::new(std::iter::empty());
    }
    match &rule.at {
        AtSpec::Periods(named) => {
            let mut named: Vec<Period> =
                named.iter().copied().filter(|p| narrowed.is_empty() || narrowed.contains(p)).collect();
            named.sort_unstable();
            named.dedup();
            Box::new(named.into_iter())
        }
        _ => Box::new(data.iter().copied().filter(move |&p| admitted(sheets, rule, narrowed, entity, p))),
    }
}

/// The checks of one worker's entities, in entity order.
struct Part {
    checks: Vec<Check>,
    /// How many checks kernels decided.
    decided: usize,
    /// Per rule of the run (in the order of its rule list).
    tallies: Vec<Tally>,
}

/// What every check of a run is made with.
struct At<'a> {
    program: &'a Program,
    sheets: &'a Sheets,
    filter: &'a Filter,
    kernels: &'a Kernels,
    /// Per rule of the program, where its title's holes are found in a failed check's trace.
    holes: &'a [Holes],
}

/// Every check of one entity: a check its rule's kernel finds a decided pass is counted as one, a
/// skip it finds is counted too where the tally and the report need nothing more of it, or made
/// with the kernel's missing input; every other check is evaluated.
fn run_entity(at: &At, rules: &[RuleId], entity: EntityId, keep: Keep, part: &mut Part, stack: &mut Stack) {
    let At { program, sheets, filter, kernels, .. } = *at;
    let data = sheets.periods_of(entity);
    let rows = kernels.rows(sheets, entity);
    let mut here = Here {
        at,
        inputs: Inputs { program, sheets, entity, rows: &rows },
        ev: Evaluator::new(program, sheets, entity),
        keep,
        // a check reading one filing of vintaged actuals reads other slots than the kernel's
        skips: !sheets.has_vintaged_actual(entity),
    };
    let named = |r: &Rule| matches!(r.at, AtSpec::Periods(_));
    // Period by period, every rule at each: the facts of one period of an entity are near each
    // other in the store, so a period's checks read from a few cache lines. A rule's checks still
    // come in period order, so its counts, its first skip and the checks kept are the same.
    let every: Vec<(usize, RuleId)> = (rules.iter().copied().enumerate())
        .filter(|&(_, rule)| !named(&program.rules[rule]) && program.rules[rule].scopes.admits(entity))
        .collect();
    // Each rule's kernel runs first at all the periods at once (op by op across them). Its
    // decided passes are only counted: a pass adds to its rule's `passed` and to `decided`, sums
    // whose order does not matter. Every other check is kept with its verdict, then made in the
    // order above (period by period, rule by rule), so its tallies, first skips and the checks
    // kept come in the same order as before.
    let mut rest: Vec<(usize, usize, Verdict)> = Vec::new();
    stack.place(sheets, data);
    // [`admitted`] with what depends on the entity alone asked once: every rule here admits the
    // entity (`every`'s filter), and its year end is the entity's
    let (year_end, narrowed) = (sheets.year_end(entity), &filter.periods);
    // which of the entity's periods a rule is checked at, marked once per `at` of the rules here
    let mut masks: Vec<(&AtSpec, Vec<bool>)> = Vec::new();
    for (j, &(i, rule)) in every.iter().enumerate() {
        let r = &program.rules[rule];
        let k = match masks.iter().position(|(at, _)| **at == r.at) {
            Some(k) => k,
            None => {
                let wanted =
                    |&period| r.at.admits(period, year_end) && (narrowed.is_empty() || narrowed.contains(&period));
                masks.push((&r.at, data.iter().map(wanted).collect()));
                masks.len() - 1
            }
        };
        let wanted = &masks[k].1;
        match kernels.of(rule) {
            Some(k) => {
                let passed = k.run_each(&here.inputs, data, wanted, |p, verdict| rest.push((p, j, verdict)), stack);
                part.tallies[i].passed += passed;
                part.decided += passed;
            }
            None => rest.extend((wanted.iter().enumerate()).filter(|&(_, &w)| w).map(|(p, _)| (p, j, Verdict::Ask))),
        }
    }
    // `rest` is rule by rule, each rule's in period order: a stable count by period orders it
    let mut from = vec![0; data.len() + 1];
    for &(p, ..) in &rest {
        from[p + 1] += 1;
    }
    for p in 1..from.len() {
        from[p] += from[p - 1];
    }
    let mut order = vec![0; rest.len()];
    for (k, &(p, ..)) in rest.iter().enumerate() {
        order[from[p]] = k;
        from[p] += 1;
    }
    for k in order {
        let (p, j, verdict) = rest[k];
        let (i, rule) = every[j];
        here.check(i, rule, data[p], true, verdict, part);
    }
    // rules at named periods, tried where the entity has no data too
    for (i, &rule) in rules.iter().enumerate().filter(|&(_, &rule)| named(&program.rules[rule])) {
        for period in tried(sheets, &program.rules[rule], &filter.periods, entity, data) {
            let verdict = kernels.of(rule).map_or(Verdict::Ask, |k| k.run(&here.inputs, period, stack));
            here.check(i, rule, period, data.binary_search(&period).is_ok(), verdict, part);
        }
    }
}

/// What the checks of one entity are made with.
struct Here<'a> {
    at: &'a At<'a>,
    inputs: Inputs<'a>,
    ev: Evaluator<'a>,
    keep: Keep,
    /// Whether kernels may decide skips here.
    skips: bool,
}

impl Here<'_> {
    /// The check of the `i`th rule of the run at a period (`with_data`: one the entity has data at),
    /// given what its rule's kernel found of it ([`Verdict::Ask`] where it has none).
    fn check(&mut self, i: usize, rule: RuleId, period: Period, with_data: bool, verdict: Verdict, part: &mut Part) {
        let (program, sheets, keep) = (self.at.program, self.at.sheets, self.keep);
        let r = &program.rules[rule];
        let kernel = self.at.kernels.of(rule);
        let check = match verdict {
            // a pass where the entity has no data is kept (see below): the evaluator's to make
            Verdict::Pass if with_data => {
                part.tallies[i].passed += 1;
                part.decided += 1;
                return;
            }
            // a period without data: a rule there is checked only where its inputs allow
            Verdict::Skip(_) if self.skips && !with_data => return,
            Verdict::Skip(gap) if self.skips => {
                let tally = &mut part.tallies[i];
                // counted alone where nothing lists it and the tally keeps an earlier one
                let counted = keep == Keep::Failed && tally.first_skip.is_some();
                if counted && !matches!(r.at, AtSpec::Periods(_)) {
                    tally.skipped += 1;
                    part.decided += 1;
                    return;
                }
                match kernel.and_then(|k| k.missing(gap)) {
                    Some(missing) => {
                        let named = Tally::named_gap(r, self.inputs.entity, &missing, sheets);
                        part.decided += 1;
                        if counted && (!named || tally.first_named_skip.is_some()) {
                            tally.skipped += 1;
                            tally.named_skips += usize::from(named);
                            return;
                        }
                        skipped(&mut self.ev, rule, period, missing)
                    }
                    None => check(&mut self.ev, rule, period, &self.at.holes[rule]),
                }
            }
            Verdict::Fail => failing(&mut self.ev, rule, period, &self.at.holes[rule]),
            _ => check(&mut self.ev, rule, period, &self.at.holes[rule]),
        };
        if !with_data && matches!(check.outcome, Outcome::Skip(_)) {
            return;
        }
        part.tallies[i].add(&check, Tally::named_skip(r, &check, sheets));
        let kept = match check.outcome {
            // a pass where the entity has no data cannot be listed again from the data's periods
            Outcome::Pass => (check.borderline || !with_data) && keep == Keep::NotPassed,
            Outcome::Skip(_) => keep == Keep::NotPassed,
            Outcome::Fail(_) | Outcome::Error(..) => true,
        };
        if kept {
            part.checks.push(check);
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
                let data = sheets.periods_of(entity);
                tried(sheets, &program.rules[rule], &self.periods, entity, data)
                    .map(move |period| (rule, entity, period, data))
            })
        });
        let mut kept = self.checks.iter().peekable();
        let mut ev: Option<Evaluator> = None;
        Box::new(every.filter_map(move |(rule, entity, period, data)| {
            if let Some(c) = kept.next_if(|c| (c.rule, c.entity, c.period) == (rule, entity, period)) {
                return Some(Cow::Borrowed(c));
            }
            if data.binary_search(&period).is_err() {
                return None; // not made: every check made where the entity has no data is kept
            }
            let r = &program.rules[rule];
            let title = r.title.as_ref().map(|_| {
                if ev.as_ref().is_none_or(|ev| ev.entity != entity) {
                    ev = Some(Evaluator::new(program, sheets, entity));
                }
                title(ev.as_mut().expect("made above"), r, period)
            });
            Some(Cow::Owned(Check { rule, entity, period, outcome: Outcome::Pass, borderline: false, title }))
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

/// Evaluates one check; a failure or error is evaluated again with tracing, for the report (its
/// title's holes shown from the trace where it holds them, see [`Holes`]).
fn check(ev: &mut Evaluator, rule: RuleId, period: Period, holes: &Holes) -> Check {
    let r = &ev.program.rules[rule];
    ev.begin_check();
    ev.one_filing(&r.body, period);
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
    let traced = match &outcome {
        Outcome::Fail(trace) | Outcome::Error(_, trace) => Some((&**trace, holes)),
        _ => None,
    };
    let title = r.title.as_ref().filter(|_| kept).map(|_| title_from(ev, r, period, traced));
    Check { rule, entity: ev.entity, period, outcome, borderline, title }
}

/// A check a kernel found skipped for `missing`, as [`check`] makes it: its title evaluated.
fn skipped(ev: &mut Evaluator, rule: RuleId, period: Period, missing: Missing) -> Check {
    let r = &ev.program.rules[rule];
    ev.begin_check();
    let title = r.title.as_ref().map(|_| title(ev, r, period));
    Check { rule, entity: ev.entity, period, outcome: Outcome::Skip(missing), borderline: false, title }
}

/// A check a kernel found failing, no rounding able to flip it, as [`check`] makes it: evaluated
/// once, traced (the evaluation [`check`] makes first would only say what the kernel said), and
/// its title evaluated.
fn failing(ev: &mut Evaluator, rule: RuleId, period: Period, holes: &Holes) -> Check {
    let r = &ev.program.rules[rule];
    ev.begin_check();
    ev.one_filing(&r.body, period);
    let trace = trace(ev, r, period);
    let title = r.title.as_ref().map(|_| title_from(ev, r, period, Some((&trace, holes))));
    let outcome = Outcome::Fail(Box::new(trace));
    Check { rule, entity: ev.entity, period, outcome, borderline: false, title }
}

/// Evaluates a check again, recording every value and fact (for a pass, which keeps no trace).
pub fn retrace(program: &Program, sheets: &Sheets, check: &Check) -> Trace {
    let mut ev = Evaluator::new(program, sheets, check.entity);
    let rule = &program.rules[check.rule];
    ev.one_filing(&rule.body, check.period);
    trace(&mut ev, rule, check.period)
}

/// Evaluates a rule again at the period its filing was chosen for, recording every value and fact.
fn trace(ev: &mut Evaluator, rule: &Rule, period: Period) -> Trace {
    ev.trace_check(&rule.body, period, rule.file)
}

/// The bytes a title sets aside for the value of each of its holes.
const HOLE: usize = 16;

/// The title with each `{name}` replaced by its value here (`?` where it has none).
fn title(ev: &mut Evaluator, rule: &Rule, period: Period) -> String {
    title_from(ev, rule, period, None)
}

/// [`title`], its holes' values taken from the check's trace where it holds them (see [`Holes`]):
/// only the others are evaluated.
fn title_from(ev: &mut Evaluator, rule: &Rule, period: Period, traced: Option<(&Trace, &Holes)>) -> String {
    let Some(title) = &rule.title else { return String::new() };
    // room for the text and a value in each hole (`2657.5 USD m`): one allocation, not one a part
    let room = title.parts.iter().map(|p| if let TitlePart::Text(t) = p { t.len() } else { HOLE }).sum();
    let mut out = String::with_capacity(room);
    let mut chosen = false;
    for (i, part) in title.parts.iter().enumerate() {
        let e = match part {
            TitlePart::Text(t) => {
                out.push_str(t);
                continue;
            }
            TitlePart::Hole(_, e) => e,
        };
        let source = traced.and_then(|(trace, holes)| Some((trace, holes.get(i).copied().flatten()?)));
        if let Some(value) = source.and_then(|(trace, span)| trace.value_at(span)) {
            value.write(&mut out);
            continue;
        }
        if !chosen {
            ev.one_filing(&rule.body, period);
            chosen = true;
        }
        match ev.eval(e, period, rule.file) {
            Ok(v) => v.write(&mut out),
            Err(_) => out.push('?'),
        }
    }
    out
}

/// Per part of a rule's title, for a hole, the node of the rule's condition whose value is the
/// hole's at the check's own entity and period, if there is one: a failed or erred check's trace
/// records that node's value (where it has one), so the hole is shown from it, not evaluated again.
type Holes = Vec<Option<Span>>;

/// The [`Holes`] of a rule.
fn hole_sources(rule: &Rule) -> Holes {
    let parts = rule.title.iter().flat_map(|t| &t.parts);
    parts
        .map(|p| match p {
            TitlePart::Hole(_, hole) => source_of(&rule.body, hole),
            TitlePart::Text(_) => None,
        })
        .collect()
}

/// The node of `e` that reads what `hole` reads, a fact (of the same column and vintage) or a cell,
/// outside any shift to another period or entity: the first, in evaluation order, of those the
/// condition evaluates at the check's own entity and period (an `if`'s branch may go unevaluated: a
/// hole whose node the trace lacks is evaluated).
fn source_of(e: &CExpr, hole: &CExpr) -> Option<Span> {
    let same = match (&e.kind, &hole.kind) {
        (CKind::Fact { metric, scenario, vintage, .. }, CKind::Fact { metric: m, scenario: s, vintage: v, .. }) => {
            (metric, scenario, vintage) == (m, s, v) && *metric != crate::check::program::UNLINKED
        }
        (CKind::Cell(a), CKind::Cell(b)) => a == b,
        _ => false,
    };
    if same {
        return Some(e.span);
    }
    let first = |es: &[&CExpr]| es.iter().find_map(|e| source_of(e, hole));
    match &e.kind {
        CKind::Unary { expr, .. } => source_of(expr, hole),
        CKind::Binary { lhs, rhs, .. } | CKind::Approx { lhs, rhs, .. } => first(&[lhs, rhs]),
        CKind::In { value, range } => first(&[value, range]),
        CKind::Compare { first: head, rest } => {
            source_of(head, hole).or_else(|| rest.iter().find_map(|(_, e)| source_of(e, hole)))
        }
        CKind::If { cond, then, otherwise } => first(&[cond, then, otherwise]),
        CKind::Call { args, .. } => args.iter().find_map(|e| source_of(e, hole)),
        // a shift, a peer: another period or entity; the rest read nothing a hole names
        _ => None,
    }
}
