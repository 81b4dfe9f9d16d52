//! Evaluating a compiled expression at one entity and period.

use std::sync::Arc;

use rustc_hash::FxHashMap;

use crate::check::{CExpr, CKind, CellId, Program};
use crate::data::{EntityId, FactValue, Sheets};
use crate::num::{ArithError, Num, Quantity, RatioStyle, Real, Unit, display};
use crate::period::Period;
use crate::source::{SourceId, Span};
use crate::syntax::ast::{BinOp, CmpOp, PeriodRef, Scenario, UnaryOp, Vintage};

use super::value::{EvalError, FactUse, Halt, Missing, Trace, Value};
use super::verdict::{self, Side, Truth};
use super::{ranges, units};

/// The result of evaluating an expression.
pub type Eval = Result<Value, Halt>;

/// The operands of one node, on the stack where they are few (as they nearly always are): a check
/// evaluates dozens of nodes, and a heap allocation for each was a tenth of the time it took.
pub type Few<T> = smallvec::SmallVec<[T; 4]>;

/// The values of a node's operands: two in place (a value is 80 bytes, a figure's, and each is moved as it
/// goes up the tree), more on the heap.
pub type Operands = smallvec::SmallVec<[Value; 2]>;

/// Evaluates expressions for one entity, remembering each cell's value at each period.
pub struct Evaluator<'a> {
    pub program: &'a Program,
    pub sheets: &'a Sheets,
    /// The entity the expression is evaluated at: the check's, or a peer's inside `x of GOOGL`.
    pub entity: EntityId,
    /// The check's entity.
    home: EntityId,
    /// Per cell and period slot, its value once evaluated (allocated at the first cell read).
    cache: Vec<Option<Eval>>,
    /// Per cell and period without a slot in the sheet (reached through `[-1y]`, `[FY2020]`), and per
    /// cell and period of a peer (`x of GOOGL`), its value once evaluated: a chain of cells that each
    /// read the one before at two periods is evaluated once per cell and period, not once per path
    /// through it. (Hashed by Fx: a traced check looks its cells up here, and SipHash was a
    /// hundred instructions and more a look-up.)
    far: FxHashMap<(EntityId, CellId, Period), Eval>,
    /// Nodes evaluated so far, by every check of this evaluator (see [`Evaluator::work`]).
    work: u64,
    /// Nodes the current check may still evaluate, and may evaluate in all: [`crate::limits::EVAL_STEPS`],
    /// or [`crate::limits::TRACE_STEPS`] when every node is recorded.
    left: u64,
    budget: u64,
    /// When set, what the evaluation sees is recorded (for reports and `explain`).
    pub trace: Option<Trace>,
    /// How deep inside cells the evaluation is; values are traced only at the rule's own level.
    depth: usize,
    /// The filing the current check reads its actuals from ([`Evaluator::one_filing`]); `None` for
    /// each input's default vintage.
    pub filing: Option<crate::data::Filing>,
    /// What a traced check uses ([`Evaluator::trace_check`]), emptied after each, kept for the next.
    scratch: Scratch,
    /// Per metric, its name as the facts recorded share it ([`FactUse::name`]), made at its first use.
    names: Vec<Option<Arc<str>>>,
}

/// What [`Evaluator::trace_check`] keeps from one check to the next.
#[derive(Default)]
struct Scratch {
    /// Its cells' values, in place of the evaluator's caches while it is traced.
    far: FxHashMap<(EntityId, CellId, Period), Eval>,
    /// The values and facts of the trace in progress, moved into a vector of their own size at the
    /// end: a trace kept by a report is allocated once, not grown a value at a time.
    values: Vec<(Span, Value)>,
    facts: Vec<FactUse>,
}

impl<'a> Evaluator<'a> {
    /// An evaluator for one entity.
    pub fn new(program: &'a Program, sheets: &'a Sheets, entity: EntityId) -> Self {
        let (far, left, budget) = (FxHashMap::default(), crate::limits::EVAL_STEPS, crate::limits::EVAL_STEPS);
        let home = entity;
        Evaluator {
            program,
            sheets,
            entity,
            home,
            cache: Vec::new(),
            far,
            work: 0,
            left,
            budget,
            trace: None,
            depth: 0,
            filing: None,
            scratch: Scratch::default(),
            names: Vec::new(),
        }
    }

    /// An evaluator that records every node it evaluates, inside cells too (for `explain`).
    pub fn tracing_full(program: &'a Program, sheets: &'a Sheets, entity: EntityId) -> Self {
        let mut ev = Evaluator::tracing(program, sheets, entity);
        if let Some(trace) = ev.trace.as_mut() {
            trace.full = true;
        }
        (ev.left, ev.budget) = (crate::limits::TRACE_STEPS, crate::limits::TRACE_STEPS);
        ev
    }

    /// An evaluator that records values and facts.
    pub fn tracing(program: &'a Program, sheets: &'a Sheets, entity: EntityId) -> Self {
        Evaluator { trace: Some(Trace::default()), ..Evaluator::new(program, sheets, entity) }
    }

    /// How many nodes this evaluator has evaluated, every check together: the measure of evaluation
    /// work that tests bound (a cell read from the cache counts one).
    pub fn work(&self) -> u64 {
        self.work
    }

    /// The evaluator with a budget of `steps` nodes a check instead of [`crate::limits::EVAL_STEPS`]
    /// (for tests of what happens at the limit).
    pub fn with_budget(mut self, steps: u64) -> Self {
        (self.left, self.budget) = (steps, steps);
        self
    }

    /// Evaluates the current check again (its filing chosen by [`Evaluator::one_filing`]), recording
    /// every value and fact, as an evaluator made with [`Evaluator::tracing`] would: its cells are
    /// evaluated afresh, in caches of their own, with steps of their own; this evaluator's caches,
    /// work and steps are as they were.
    pub fn trace_check(&mut self, body: &CExpr, period: Period, file: SourceId) -> Trace {
        let own = &mut self.scratch;
        std::mem::swap(&mut self.far, &mut own.far);
        let (values, facts) = (std::mem::take(&mut own.values), std::mem::take(&mut own.facts));
        self.trace = Some(Trace { values, facts, filing: self.filing, ..Trace::default() });
        let (work, left) = (self.work, self.left);
        self.left = crate::limits::EVAL_STEPS;
        let _ = self.eval(body, period, file);
        (self.work, self.left) = (work, left);
        let own = &mut self.scratch;
        std::mem::swap(&mut self.far, &mut own.far);
        own.far.clear();
        let mut trace = self.trace.take().unwrap_or_default();
        (own.values, own.facts) = (std::mem::take(&mut trace.values), std::mem::take(&mut trace.facts));
        trace.values = exact(&mut own.values);
        trace.facts = exact(&mut own.facts);
        trace
    }

    /// Starts a check: it may evaluate [`crate::limits::EVAL_STEPS`] nodes more.
    pub fn begin_check(&mut self) {
        self.left = self.budget;
    }

    /// Whether the current check ran out of its evaluation steps.
    pub fn exhausted(&self) -> bool {
        self.left == 0
    }

    /// Why the current check stopped, if it ran out of its evaluation steps: whatever its result
    /// says (a missing input found before the end is no verdict), the check is an error.
    pub fn out_of_steps(&self) -> Option<String> {
        self.exhausted().then(|| too_much_work(self.budget))
    }

    /// Evaluates an expression of a rule or cell in `file` at a period.
    pub fn eval(&mut self, e: &CExpr, period: Period, file: SourceId) -> Eval {
        if self.left == 0 {
            return Err(error(file, e.span, &too_much_work(self.budget)));
        }
        self.left -= 1;
        self.work += 1;
        let mut result = self.node(e, period, file);
        // placed where it is, not mapped: a value is 80 bytes, and each move of it a copy
        if let Err(h @ Halt::Unplaced(_)) = &mut result {
            *h = with_span(std::mem::replace(h, Halt::Unplaced(String::new())), file, e.span);
        }
        if let Some(trace) = self.trace.as_mut().filter(|t| t.full) {
            let entity = self.entity;
            trace.steps.push(super::value::Step { entity, file, span: e.span, period, result: result.clone() });
        }
        if self.depth == 0
            && let (Some(trace), Ok(v)) = (self.trace.as_mut(), &result)
        {
            trace.values.push((e.span, v.clone()));
        }
        result
    }

    /// Evaluates one node.
    fn node(&mut self, e: &CExpr, period: Period, file: SourceId) -> Eval {
        let err = |message: String| Halt::Error(EvalError { file, span: e.span, message });
        match &e.kind {
            CKind::Number { value, .. } => Ok(Value::Num(value.clone())),
            CKind::Range { lo, hi } => Ok(Value::range(lo.clone(), hi.clone())),
            CKind::Bool(b) => Ok(Value::Bool(Truth::decided(*b))),
            // an error of a fact's is placed by `eval`, at this node's span
            CKind::Fact { name, metric, scenario, vintage, .. } => {
                self.fact(name, *metric, *scenario, *vintage, period)
            }
            CKind::Pattern { name, .. } => Err(Halt::Missing(Missing::absent(format!("`{name}`"), period))),
            CKind::Cell(id) => self.cell(*id, period),
            CKind::Peer { expr, name, entity, .. } => self.peer(expr, name, *entity, period, file),
            // the checker lets a group's values stand only where an aggregate takes them
            CKind::PeerGroup { .. } => Err(error(file, e.span, "a group's values are read only by an aggregate")),
            CKind::Shift { expr, to } => match shift(period, *to, self.sheets.year_end(self.entity)) {
                Some(p) => self.eval(expr, p, file),
                None => Err(Halt::Missing(Missing::absent(format!("the period {} from here", shown_ref(*to)), period))),
            },
            CKind::Unary { op: UnaryOp::Neg, expr } => match self.eval(expr, period, file)? {
                Value::Num(n) => Ok(Value::Num(n.neg())),
                Value::Range(ends) => {
                    let (lo, hi) = ranges::negate(*ends);
                    Ok(Value::range(lo, hi))
                }
                Value::Bool(_) => Err(error(file, expr.span, "expected a number, found true or false")),
            },
            CKind::Unary { op: UnaryOp::Not, expr } => Ok(Value::Bool(!self.boolean(expr, period, file)?)),
            CKind::Binary { op: BinOp::Add | BinOp::Sub, .. } => self.sum(e, period, file),
            CKind::Binary { op, lhs, rhs } => {
                self.binary(*op, lhs, rhs, period, file).map_err(|h| with_message(h, err))
            }
            CKind::Compare { first, rest } => self.compare(first, rest, period, file),
            CKind::Approx { lhs, rhs, within } => {
                self.approx(lhs, rhs, within.as_ref(), period, file).map_err(|h| with_message(h, err))
            }
            CKind::In { value, range } => self.inside(value, range, period, file).map_err(|h| with_message(h, err)),
            CKind::If { cond, then, otherwise } => {
                let cond = self.boolean(cond, period, file)?;
                match self.eval(if cond.holds { then } else { otherwise }, period, file)? {
                    // the other branch might have been taken: a condition chosen so might be either
                    Value::Bool(t) if cond.borderline => Ok(Value::Bool(Truth { borderline: true, ..t })),
                    value => Ok(value),
                }
            }
            CKind::Call { func, args } => {
                super::funcs::call(self, *func, args, period, file).map_err(|h| with_message(h, err))
            }
        }
    }

    /// Records the value a bare literal took from what it met, so labels show `142 USD bn`.
    fn retrace(&mut self, e: &CExpr, value: &Num) {
        if self.depth == 0
            && matches!(e.kind, CKind::Number { .. })
            && let Some(trace) = self.trace.as_mut()
        {
            trace.values.push((e.span, Value::Num(value.clone())));
        }
    }

    /// Reads a fact from its column: its default vintage, or the one `vintage` picks.
    fn fact(&mut self, name: &str, metric: u32, scenario: Scenario, vintage: Option<Vintage>, period: Period) -> Eval {
        let (sheets, entity) = (self.sheets, self.entity);
        let found = match (vintage, self.filing) {
            (None, Some(filing)) if scenario == Scenario::Actual && entity == self.home => sheets
                .as_filed(metric, scenario, entity, period, filing)
                .or_else(|| sheets.get(metric, scenario, entity, period)),
            (None, _) => sheets.get(metric, scenario, entity, period),
            (Some(pick), _) => sheets.vintage(metric, scenario, entity, period, pick),
        };
        let Some(fact) = found else {
            let name = vintage.map_or_else(|| format!("`{name}`"), |pick| format!("`{name}[{pick}]`"));
            let column = Some((metric, scenario));
            return Err(Halt::Missing(Missing { column, ..Missing::absent(name, period) }));
        };
        if self.trace.is_some() {
            let sheets = self.sheets;
            self.note_metric(metric, &sheets.metrics[metric as usize], scenario, period, &fact);
        }
        if let Some(figure) = fact.value.figure() {
            return figure.map(Value::Num).map_err(arith);
        }
        let FactValue::Range(r) = fact.value else { unreachable!("a fact that is not a figure is a range") };
        let bound = |q: Option<Quantity>| q.map(|q| q.rounded()).transpose();
        Ok(Value::range(bound(r.lo).map_err(arith)?, bound(r.hi).map_err(arith)?))
    }

    /// `x of GOOGL`: `x` at the peer, at its fiscal period covering the calendar months the period
    /// covers here; where the peer has no such period (a June year against a December one), or no
    /// value there, the check is skipped.
    pub(super) fn peer(&mut self, expr: &CExpr, name: &str, peer: EntityId, period: Period, file: SourceId) -> Eval {
        let months = self.sheets.year_end(self.entity).months(period);
        let Some(aligned) = self.sheets.year_end(peer).period_covering(months, period.kind()) else {
            let name = format!("{name}, whose periods do not cover {months},");
            return Err(Halt::Missing(Missing::absent(name, period)));
        };
        let home = std::mem::replace(&mut self.entity, peer);
        let result = self.eval(expr, aligned, file);
        self.entity = home;
        result.map_err(|h| match h {
            Halt::Missing(m) => Halt::Missing(Missing { name: format!("{} of {name}", m.name), ..m }),
            other => other,
        })
    }

    /// A cell's value at a period, computed once per entity: in the slot of the period, or for a
    /// period outside the sheet (or at a peer) in a map. A value cut short by the work limit is not
    /// kept, so the next check, with steps of its own, computes it again. Outside the scope of its
    /// file's `for` line, a cell has no value.
    fn cell(&mut self, id: CellId, period: Period) -> Eval {
        let cell = &self.program.cells[id];
        if !cell.scopes.admits(self.entity) {
            let name = format!("`{}` (scoped by its file's `for` line)", cell.name);
            return Err(Halt::Missing(Missing::absent(name, period)));
        }
        // A traced evaluation keeps its cells' values in the map only: it reads a few, and a slot for
        // every cell at every period would be allocated and cleared for each failed check.
        let untraced_home = self.entity == self.home && self.trace.is_none();
        let slot = untraced_home.then(|| self.sheets.slot_index(period)).flatten();
        let slot = slot.map(|s| id * self.sheets.n_slots() + s);
        if slot.is_some() && self.cache.is_empty() {
            // Made at the first cell read: an evaluator that reads none (a title's holes) costs nothing.
            self.cache = vec![None; self.program.cells.len() * self.sheets.n_slots()];
        }
        // A check that reads one filing reads its cells from it, not as other checks cached them.
        if self.filing.is_some() {
            self.depth += 1;
            let result = self.eval(&cell.body, period, cell.file);
            self.depth -= 1;
            return result;
        }
        // A traced evaluation caches too: a cell's facts and steps are recorded the first time.
        let cached = match slot {
            Some(s) => self.cache.get(s).and_then(Option::as_ref),
            None => self.far.get(&(self.entity, id, period)),
        };
        if let Some(cached) = cached {
            return cached.clone();
        }
        self.depth += 1;
        let result = self.eval(&cell.body, period, cell.file);
        self.depth -= 1;
        if !self.exhausted() {
            match slot {
                Some(s) => self.cache[s] = Some(result.clone()),
                None => _ = self.far.insert((self.entity, id, period), result.clone()),
            }
        }
        result
    }

    /// Evaluates to a number; a range or a condition here is an error.
    pub fn num(&mut self, e: &CExpr, period: Period, file: SourceId) -> Result<Num, Halt> {
        let value = self.eval(e, period, file)?;
        as_num(value, e, file)
    }

    /// Evaluates to true or false.
    fn boolean(&mut self, e: &CExpr, period: Period, file: SourceId) -> Result<Truth, Halt> {
        let value = self.eval(e, period, file)?;
        as_bool(value, e, file)
    }

    /// `a op b`: both sides are always evaluated, so a check needs every input it names.
    fn binary(&mut self, op: BinOp, lhs: &CExpr, rhs: &CExpr, period: Period, file: SourceId) -> Eval {
        let (x, y) = self.both(lhs, rhs, period, file)?;
        if matches!(op, BinOp::And | BinOp::Or) {
            let (a, b) = (as_bool(x, lhs, file)?, as_bool(y, rhs, file)?);
            return Ok(Value::Bool(if op == BinOp::And { a.and(b) } else { a.or(b) }));
        }
        let (a, b) = match (x, y) {
            (Value::Num(a), Value::Num(b)) => (a, b),
            (x, y) => return scaled(op, (x, lhs), (y, rhs), file),
        };
        let result = match op {
            // a bare zero (`if exists(c) then c else 0`) is zero in any unit, and so is its product or
            // its quotient: it stays bare, to meet whatever unit it is compared with
            BinOp::Mul if units::is_bare_zero(&a) && a.is_exact() || units::is_bare_zero(&b) && b.is_exact() => {
                a.mul(&b, Unit::None)
            }
            BinOp::Div if units::is_bare_zero(&a) && a.is_exact() => a.div(&b, Unit::None),
            BinOp::Mul => a.mul(&b, units::times(a.unit, b.unit).map_err(message)?),
            _ => a.div(&b, units::over(a.unit, b.unit).map_err(message)?),
        };
        result.map(Value::Num).map_err(arith)
    }

    /// A chain of `+` and `-` as one sum: every term is evaluated, then bare numbers take the unit
    /// of the other terms together, so the order of terms never changes what a bare number means.
    fn sum(&mut self, e: &CExpr, period: Period, file: SourceId) -> Eval {
        let terms = terms(e);
        // two terms (nearly every sum a rule writes): the same steps, the values moved, not gathered
        if let &[(first_negative, x), (negative, y)] = terms.as_slice() {
            let (vx, vy) = self.both(x, y, period, file)?;
            if [&vx, &vy].into_iter().any(|v| matches!(v, Value::Range(..))) {
                return range_sum(Operands::from_iter([vx, vy]), &terms, file);
            }
            let mut nums = [as_num(vx, x, file)?, as_num(vy, y, file)?];
            let unit = units::align_all(&mut nums).map_err(|m| error(file, e.span, &m))?;
            let [a, b] = nums;
            let a = if first_negative { a.neg() } else { a };
            let total = if negative { a.sub(&b, unit) } else { a.add(&b, unit) };
            return match total {
                Ok(total) => Ok(Value::Num(total.with_unit(unit))),
                Err(a) => Err(error(file, e.span, &a.to_string())),
            };
        }
        let exprs: Few<&CExpr> = terms.iter().map(|(_, t)| *t).collect();
        let values = self.all(&exprs, period, file)?;
        if values.iter().any(|v| matches!(v, Value::Range(..))) {
            return range_sum(values, &terms, file);
        }
        let mut nums = Few::with_capacity(values.len());
        for (value, expr) in values.into_iter().zip(&exprs) {
            nums.push(as_num(value, expr, file)?);
        }
        let unit = units::align_all(&mut nums).map_err(|m| error(file, e.span, &m))?;
        let mut total = nums[0].clone();
        if terms[0].0 {
            total = total.neg();
        }
        for (num, (negative, _)) in nums[1..].iter().zip(&terms[1..]) {
            let next = if *negative { total.sub(num, unit) } else { total.add(num, unit) };
            total = next.map_err(|a| error(file, e.span, &a.to_string()))?;
        }
        Ok(Value::Num(total.with_unit(unit)))
    }

    /// Evaluates every expression; where any has no value, the first missing input (or else the
    /// first error) stops the evaluation, so a skip is never hidden behind an error.
    pub fn all(&mut self, es: &[&CExpr], period: Period, file: SourceId) -> Result<Operands, Halt> {
        let mut values = Operands::with_capacity(es.len());
        let mut halt: Option<Halt> = None;
        for e in es {
            match self.eval(e, period, file) {
                Ok(v) => values.push(v),
                Err(h) => halt = Some(worse(halt, h)),
            }
        }
        match halt {
            Some(h) => Err(h),
            None => Ok(values),
        }
    }

    /// [`Evaluator::all`] of two expressions, their values as a pair (no vector to move them through).
    pub fn both(&mut self, a: &CExpr, b: &CExpr, period: Period, file: SourceId) -> Result<(Value, Value), Halt> {
        let x = self.eval(a, period, file);
        let y = self.eval(b, period, file);
        match (x, y) {
            (Ok(x), Ok(y)) => Ok((x, y)),
            (Err(h), Ok(_)) | (Ok(_), Err(h)) => Err(h),
            (Err(h), Err(k)) => Err(worse(Some(h), k)),
        }
    }

    /// `a < b`, and chains: each link compares point values; the chain is borderline where rounding
    /// could flip a link and with it the whole (see [`verdict`]).
    fn compare(&mut self, first: &CExpr, rest: &[(CmpOp, CExpr)], period: Period, file: SourceId) -> Eval {
        // one comparison (nearly every rule's): its two values moved into the link, not cloned
        if let [(op, next)] = rest {
            let (x, y) = self.both(first, next, period, file)?;
            let link = self.link((x, first), *op, (y, next), file)?;
            return Ok(Value::Bool(Truth::decided(true).and(link)));
        }
        let exprs: Few<&CExpr> = std::iter::once(first).chain(rest.iter().map(|(_, e)| e)).collect();
        let mut values = self.all(&exprs, period, file)?.into_iter();
        let Some(mut prev) = values.next() else { unreachable!("a chain has a first value") };
        let mut prev_expr = first;
        let mut truth = Truth::decided(true);
        for ((op, next), value) in rest.iter().zip(values) {
            let link = self.link((prev, prev_expr), *op, (value.clone(), next), file)?;
            truth = truth.and(link);
            (prev, prev_expr) = (value, next);
        }
        Ok(Value::Bool(truth))
    }

    /// One link of a chain, `a < b`: its verdict, and how rounding could flip it (traced).
    fn link(
        &mut self,
        (prev, prev_expr): (Value, &CExpr),
        op: CmpOp,
        (value, next): (Value, &CExpr),
        file: SourceId,
    ) -> Result<Truth, Halt> {
        let ranged = [&prev, &value].into_iter().any(|v| matches!(v, Value::Range(..)));
        if ranged && matches!(op, CmpOp::Eq | CmpOp::Ne) {
            // ranges are equal where their written ends are: a range has no rounding to flip it
            let same = ranges_equal(prev, value, (prev_expr, next), file)?;
            return Ok(Truth::decided(same == (op == CmpOp::Eq)));
        }
        let (mut a, mut b) = (as_num(prev, prev_expr, file)?, as_num(value, next, file)?);
        units::align_both(&mut a, &mut b).map_err(|m| error(file, next.span, &m))?;
        self.retrace(next, &b);
        let link = verdict::compare(&a, op, &b);
        if link.borderline && self.trace.is_some() {
            let side = |n| Side { name: display::num(n), num: n };
            self.note_flip(verdict::flip_note(&side(&a), op, &side(&b), link.holds, None));
        }
        Ok(link)
    }

    /// `a ~= b [within T]`: the intervals meet, or come within the tolerance of each other.
    fn approx(&mut self, lhs: &CExpr, rhs: &CExpr, within: Option<&Quantity>, period: Period, file: SourceId) -> Eval {
        let (x, y) = self.both(lhs, rhs, period, file)?;
        let (mut a, mut b) = (as_num(x, lhs, file)?, as_num(y, rhs, file)?);
        units::align_both(&mut a, &mut b).map_err(message)?;
        self.retrace(lhs, &a);
        self.retrace(rhs, &b);
        let tol = tolerance_of(within, &a, &b)?;
        Ok(Value::Bool(Truth::decided(a.within(&b, &tol).map_err(arith)?)))
    }

    /// `a in r`: the point value within the range's bounds, bounds included; borderline where the
    /// value's interval, or a bound's, reaches across that bound.
    fn inside(&mut self, value: &CExpr, range: &CExpr, period: Period, file: SourceId) -> Eval {
        let (x, y) = self.both(value, range, period, file)?;
        let v = as_num(x, value, file)?;
        let (lo, hi) = match y {
            Value::Range(ends) => *ends,
            Value::Num(n) => (Some(n.clone()), Some(n)),
            Value::Bool(_) => return Err(error(file, range.span, "expected a range")),
        };
        let mut truth = Truth::decided(true);
        for (op, bound, end) in [(CmpOp::Ge, lo, "bottom"), (CmpOp::Le, hi, "top")] {
            let Some(mut b) = bound else { continue };
            // the value is cloned only where its unit must change to meet the bound's
            let mut aligned = None;
            let v = if v.unit == b.unit {
                &v
            } else {
                let w = aligned.insert(v.clone());
                units::align_both(w, &mut b).map_err(message)?;
                w
            };
            let link = verdict::compare(v, op, &b);
            truth = truth.and(link);
            if link.borderline && self.trace.is_some() {
                let context = if link.holds { "outside the range" } else { "inside the range" };
                let (a, b) = (
                    Side { name: display::num(v), num: v },
                    Side { name: format!("the {end} {}", display::num(&b)), num: &b },
                );
                self.note_flip(verdict::flip_note(&a, op, &b, link.holds, Some(context)));
            }
        }
        Ok(Value::Bool(truth))
    }

    /// Records how a borderline comparison could flip (traced evaluations only).
    fn note_flip(&mut self, note: String) {
        if let Some(trace) = self.trace.as_mut()
            && !trace.flips.contains(&note)
        {
            trace.flips.push(note);
        }
    }
}

/// The items of a buffer moved into a vector of their own size; the buffer, emptied, keeps its room.
fn exact<T>(buffer: &mut Vec<T>) -> Vec<T> {
    let mut out = Vec::with_capacity(buffer.len());
    out.append(buffer);
    out
}

/// `a * b` or `a / b` where an operand is not a figure: a range scales by a figure, bound by bound;
/// a range times a range, or anything over a range, is an error (the checker refuses what it can
/// see; a metric given as a range at some periods only is found here).
fn scaled(op: BinOp, (x, lhs): (Value, &CExpr), (y, rhs): (Value, &CExpr), file: SourceId) -> Eval {
    match (x, y) {
        (Value::Range(ends), Value::Num(k)) | (Value::Num(k), Value::Range(ends)) if op == BinOp::Mul => {
            ranges::scale(*ends, op, &k)
        }
        (Value::Range(ends), Value::Num(k)) => ranges::scale(*ends, op, &k),
        (Value::Range(..), Value::Range(..)) => {
            let verb = if op == BinOp::Mul { "multiply" } else { "divide" };
            Err(message(format!(
                "cannot {verb} a range by a range: take a figure from one with mid(), low() or high()"
            )))
        }
        (Value::Num(_), Value::Range(..)) => {
            Err(error(file, rhs.span, "cannot divide by a range: divide by mid(), low() or high() of it"))
        }
        (x, _) => {
            let condition = if matches!(x, Value::Bool(_)) { lhs } else { rhs };
            Err(error(file, condition.span, "expected a number, found true or false"))
        }
    }
}

/// A chain of `+` and `-` with a range among its terms: a range, bound by bound.
fn range_sum(values: Operands, terms: &[(bool, &CExpr)], file: SourceId) -> Eval {
    let mut ends = Vec::with_capacity(values.len());
    for (value, (negative, expr)) in values.into_iter().zip(terms) {
        let Some(e) = ranges::ends(value) else {
            return Err(error(file, expr.span, "expected a number, found true or false"));
        };
        ends.push(if *negative { ranges::negate(e) } else { e });
    }
    ranges::total(ends).map(|(lo, hi)| Value::range(lo, hi))
}

/// `x == y` where either is a range: both ends equal, a figure being a range of one point.
fn ranges_equal(x: Value, y: Value, (lhs, rhs): (&CExpr, &CExpr), file: SourceId) -> Result<bool, Halt> {
    let not_a_number = |e: &CExpr| error(file, e.span, "expected a number, found true or false");
    let (a, b) = (ranges::ends(x).ok_or_else(|| not_a_number(lhs))?, ranges::ends(y).ok_or_else(|| not_a_number(rhs))?);
    ranges::equal(a, b).map_err(|h| with_span(h, file, rhs.span))
}

/// The terms of a chain of `+` and `-` (`a - b + c`), each with whether it is subtracted.
pub fn terms(e: &CExpr) -> Few<(bool, &CExpr)> {
    let mut out = Few::new();
    chain(e, false, &mut out);
    out
}

/// The terms of a chain of `+` and `-`, each with whether it is subtracted.
fn chain<'e>(e: &'e CExpr, negative: bool, out: &mut Few<(bool, &'e CExpr)>) {
    match &e.kind {
        CKind::Binary { op: op @ (BinOp::Add | BinOp::Sub), lhs, rhs } => {
            chain(lhs, negative, out);
            chain(rhs, negative != (*op == BinOp::Sub), out);
        }
        _ => out.push((negative, e)),
    }
}

/// A value that must be a number (inlined: each side of nearly every rule passes here, and a call
/// moved the figure twice more).
#[inline]
pub fn as_num(v: Value, e: &CExpr, file: SourceId) -> Result<Num, Halt> {
    match v {
        Value::Num(n) => Ok(n),
        other => Err(not_a_figure(&other, e, file)),
    }
}

/// Why a value that is not a figure cannot stand where one must.
#[cold]
fn not_a_figure(v: &Value, e: &CExpr, file: SourceId) -> Halt {
    match v {
        Value::Range(..) => error(file, e.span, "expected a figure, found a range: use mid(), low() or high()"),
        _ => error(file, e.span, "expected a number, found true or false"),
    }
}

/// A value that must be true or false.
fn as_bool(v: Value, e: &CExpr, file: SourceId) -> Result<Truth, Halt> {
    match v {
        Value::Bool(b) => Ok(b),
        _ => Err(error(file, e.span, "expected true or false")),
    }
}

/// Of two reasons to stop, the one to report: a missing input (a skip) before an error.
pub fn worse(acc: Option<Halt>, h: Halt) -> Halt {
    match (acc, h) {
        (Some(m @ Halt::Missing(_)), _) => m,
        (Some(Halt::Error(_)), m @ Halt::Missing(_)) => m,
        (Some(e), _) => e,
        (None, h) => h,
    }
}

/// The tolerance of `a ~= b [within T]`, zero without one; an absolute tolerance's unit must go
/// with the sides' (not `within 5 USD m` for figures in EUR).
fn tolerance_of(within: Option<&Quantity>, a: &Num, b: &Num) -> Result<Real, Halt> {
    let Some(t) = within else { return Ok(Real::ZERO) };
    if !matches!(t.unit, Unit::None | Unit::Ratio(RatioStyle::Percent)) {
        units::common([a.unit, t.unit]).map_err(message)?;
    }
    tolerance(t, a, b).map_err(arith)
}

/// How far apart `within T` lets the two sides be, exactly: `%` is relative to the right side
/// (`within 2%` is 2 % of its point's size), anything else absolute, in its own unit (a bare
/// tolerance only between pure numbers, as the checker sees to).
pub fn tolerance(t: &Quantity, _lhs: &Num, rhs: &Num) -> Result<Real, ArithError> {
    let exact = t.exact()?.with_unit(Unit::None);
    match t.unit {
        Unit::Ratio(RatioStyle::Percent) => rhs.point.abs().mul(&exact.point),
        _ => Ok(exact.point.abs()),
    }
}

/// The period a `[...]` reference points to from `period`, at an entity whose fiscal year ends on
/// `year_end` (for a calendar period, `[2025CQ2]`).
pub fn shift(period: Period, to: PeriodRef, year_end: crate::calendar::YearEnd) -> Option<Period> {
    match to {
        PeriodRef::Calendar(c) => year_end.period_covering(c.months(), c.kind()),
        PeriodRef::Absolute(p) => Some(p),
        PeriodRef::Offset(n, step) => period.shift(n, step),
        PeriodRef::Fiscal(crate::syntax::ast::FiscalPart::Quarter(q)) => period.quarter_of_year(q),
        PeriodRef::Fiscal(crate::syntax::ast::FiscalPart::Year) => Some(period.fiscal_year()),
        // the checker places a vintage on its fact: a shift never holds one
        PeriodRef::Given(_) => Some(period),
    }
}

/// A period reference as written: `-1y`, `2025Q1`, `Q1`, `FY`.
pub(crate) fn shown_ref(to: PeriodRef) -> String {
    match to {
        PeriodRef::Absolute(p) => p.to_string(),
        PeriodRef::Fiscal(part) => part.to_string(),
        PeriodRef::Given(vintage) => vintage.to_string(),
        PeriodRef::Calendar(c) => c.to_string(),
        PeriodRef::Offset(n, step) => {
            format!("{n:+}{}", if step == crate::period::Step::Quarter { "q" } else { "y" })
        }
    }
}

/// The message of a check that ran out of evaluation steps.
fn too_much_work(limit: u64) -> String {
    format!("evaluation stopped: this check took more than {limit} steps, the limit of one check")
}

/// An evaluation error at a span.
pub fn error(file: SourceId, span: Span, message: &str) -> Halt {
    Halt::Error(EvalError { file, span, message: message.to_owned() })
}

/// An arithmetic failure, to be placed at its expression by [`with_message`].
pub fn arith(e: ArithError) -> Halt {
    Halt::Unplaced(e.to_string())
}

/// A unit failure, to be placed at its expression by [`with_message`].
pub fn message(m: String) -> Halt {
    Halt::Unplaced(m)
}

/// Places an error that has no position yet at the expression that raised it.
fn with_message(h: Halt, at: impl Fn(String) -> Halt) -> Halt {
    match h {
        Halt::Unplaced(m) => at(m),
        other => other,
    }
}

/// Places an error that has no position yet at a span.
fn with_span(h: Halt, file: SourceId, span: Span) -> Halt {
    with_message(h, |m| error(file, span, &m))
}

impl Evaluator<'_> {
    /// Records a fact read outside [`Evaluator::eval`] (by an aggregate over a `*` name).
    pub fn note_fact(&mut self, name: &str, scenario: Scenario, period: Period, fact: &crate::data::Fact) {
        if self.trace.is_some() {
            self.note_metric(crate::check::program::UNLINKED, name, scenario, period, fact);
        }
    }

    /// [`Evaluator::note_fact`] of a fact of metric `metric` (named `name`): its name shared with
    /// every other fact of the metric recorded by this evaluator.
    pub fn note_metric(
        &mut self,
        metric: u32,
        name: &str,
        scenario: Scenario,
        period: Period,
        fact: &crate::data::Fact,
    ) {
        let Some(trace) = self.trace.as_mut() else { return };
        if trace.facts.iter().any(|f| f.fact.origin == fact.origin) {
            return;
        }
        let name = match self.names.get(metric as usize) {
            Some(Some(shared)) if **shared == *name => Arc::clone(shared),
            _ => {
                let shared: Arc<str> = Arc::from(name);
                if let Some(slot) = self.sheets.metrics.get(metric as usize).map(|_| metric as usize) {
                    if self.names.len() <= slot {
                        self.names.resize(slot + 1, None);
                    }
                    self.names[slot] = Some(Arc::clone(&shared));
                }
                shared
            }
        };
        let peer = (self.entity != self.home).then(|| self.sheets.entities[self.entity as usize].clone());
        trace.facts.push(FactUse { name, scenario, period, fact: *fact, peer });
    }
}
